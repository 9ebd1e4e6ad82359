/* SPDX-License-Identifier: MIT */
/*
 * deprecated.c - an old caller of the original API built against
 * CloudLinux's header with LVE_DEPRICATED: lve_instance_init() there copies
 * the first SIZEOF_LIBLVE bytes of an init_lve() instance into the caller's
 * memory and frees the original; lve_enter()/lve_leave() go through the
 * copy.  Run as root beneath its own cgroup (LIBLVE_CGROUP_PARENT,
 * relative), it enters LVE 1001, checks /proc/self/cgroup names it, and
 * leaves; the lane removes the tree afterwards.
 */
#define LVE_DEPRICATED
#include <lve/lve-ctl.h>

#include <errno.h>
#include <stdio.h>

static int inside(const char *lve)
{
	char line[4096];
	int n = 0;
	FILE *f = fopen("/proc/self/cgroup", "r");

	while (f && fgets(line, sizeof(line), f))
		n += strstr(line, lve) != NULL;
	if (f)
		fclose(f);
	return n;
}

int main(void)
{
	int size = lve_instance_init(NULL);
	struct liblve *lve;
	uint32_t cookie = 0;
	char want[256];

	if (size != (int)SIZEOF_LIBLVE || !lve_is_available())
		return 1;
	lve = (struct liblve *)malloc((size_t)size);
	if (!lve || lve_instance_init(lve) != 0) {
		fprintf(stderr, "deprecated: lve_instance_init: %s\n", strerror(errno));
		return 1;
	}
	snprintf(want, sizeof(want), "%s/1001\n", getenv("LIBLVE_CGROUP_PARENT"));
	if (lve_enter(lve, 1001, -1, -1, &cookie) != 0 || !inside(want)) {
		fprintf(stderr, "deprecated: lve_enter through the copy: %s\n", strerror(errno));
		return 1;
	}
	if (lve_leave(lve, &cookie) != 0 || inside(want)) {
		fprintf(stderr, "deprecated: lve_leave through the copy: %s\n", strerror(errno));
		return 1;
	}
	if (lve_instance_destroy(lve) != 0)
		return 1;
	free(lve);
	printf("ok: LVE_DEPRICATED: lve_instance_init's %d-byte copy entered and left LVE 1001\n", size);
	return 0;
}
