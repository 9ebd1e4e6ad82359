/* SPDX-License-Identifier: MIT */
/*
 * devices.c - the block devices the io and iops limits apply to.
 *
 * blk-throttle takes one rule per device, and only for whole devices (a
 * partition is refused with ENODEV).  The rules go on every whole disk that
 * hardware backs (it has /sys/block/<name>/device: sd, vd, nvme, xvd, ...)
 * and on any other block device that holds a mounted filesystem itself (a
 * loop device over a file, device-mapper, md), because IO to that
 * filesystem is throttled where it is submitted.  Idle loop, ram and zram
 * devices get none: they carry no account's files, and a host can have
 * hundreds of them.
 *
 * The list is read afresh for each operation that writes io or iops limits,
 * so a disk added later is covered by the next `lvectl apply`.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* Does @mountinfo show a filesystem mounted from device @maj:@min? */
static int mounted_from(const char *mountinfo, unsigned maj, unsigned min)
{
	char want[32];
	size_t n = (size_t)snprintf(want, sizeof(want), " %u:%u ", maj, min);

	/* the third field of each line is the device: "id parent maj:min ..." */
	for (const char *line = mountinfo; line && *line;) {
		const char *sp = strchr(line, ' ');

		sp = sp ? strchr(sp + 1, ' ') : NULL;
		if (sp && strncmp(sp, want, n) == 0)
			return 1;
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	return 0;
}

int lve_devices_scan(struct lve_devices *out, const char *sysblock, const char *mountinfo)
{
	DIR *d;
	struct dirent *e;
	int dfd;

	out->n = 0;
	d = opendir(sysblock);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	dfd = dirfd(d);
	while ((e = readdir(d)) && out->n < LVE_MAX_DEVICES) {
		char path[NAME_MAX + 16], dev[32];
		unsigned maj, min;
		struct stat st;
		int virtual_kind;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/dev", e->d_name);
		if (lve_read_at(dfd, path, dev, sizeof(dev)) < 0 || sscanf(dev, "%u:%u", &maj, &min) != 2)
			continue;
		virtual_kind = strncmp(e->d_name, "loop", 4) == 0 || strncmp(e->d_name, "ram", 3) == 0 ||
			       strncmp(e->d_name, "zram", 4) == 0;
		snprintf(path, sizeof(path), "%s/device", e->d_name);
		if (!mounted_from(mountinfo, maj, min) &&
		    (virtual_kind || fstatat(dfd, path, &st, 0) < 0))
			continue;
		out->dev[out->n].major = maj;
		out->dev[out->n].minor = min;
		out->n++;
	}
	closedir(d);
	return 0;
}

#ifdef LIBLVE_TEST_HOOKS
static const struct lve_devices *override;

void lve_devices_override(const struct lve_devices *devs)
{
	override = devs;
}
#endif

int lve_devices(struct lve_devices *out)
{
	char *mountinfo;
	int r;

#ifdef LIBLVE_TEST_HOOKS
	if (override) {
		*out = *override;
		return 0;
	}
#endif
	r = lve_read_proc("/proc/self/mountinfo", &mountinfo);
	if (r < 0)
		return r;
	r = lve_devices_scan(out, "/sys/block", mountinfo);
	free(mountinfo);
	return r;
}
