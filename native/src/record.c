/* SPDX-License-Identifier: MIT */
/*
 * record.c - what liblve keeps beside the tree, in trusted.* extended
 * attributes of the cgroups themselves (internal.h lists them).
 *
 * Keeping state in cgroupfs means it lives exactly as long as the tree
 * (until reboot, like the kernel module's), every process sees the same,
 * and only root can read or change it (trusted.* needs CAP_SYS_ADMIN).
 * Each record is one setxattr, which replaces a value atomically: a reader
 * never sees half of one.
 *
 * A limits record is "name=value" words, the names of the limits table,
 * plus "unenforced=<bits>": the limits the kernel could not enforce when it
 * was written.  Names it does not know are skipped (a newer liblve may have
 * written them); limits it does not name have their built-in default.  The
 * seed's "cpu=N io=N" records of LVEs made before the table are read too.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

void lve_record_format(const struct lve_limits *lim, uint32_t unenforced, char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < LVE_LIMIT_COUNT && off < size; i++)
		off += (size_t)snprintf(buf + off, size - off, "%s=%llu ",
					lve_limit_table[i].info.name,
					(unsigned long long)lim->value[i]);
	if (off < size)
		snprintf(buf + off, size - off, "unenforced=%u", (unsigned)unenforced);
}

/* The limit named @name in a record; a seed record names its two the seed's
 * way.  -1 for a name this liblve does not know. */
static int limit_named(const char *name, size_t len, int seed)
{
	if (seed)
		return len == 3 && strncmp(name, "cpu", 3) == 0   ? LVE_LIMIT_SPEED
		       : len == 2 && strncmp(name, "io", 2) == 0 ? LVE_LIMIT_IO_WEIGHT
								 : -1;
	for (unsigned i = 0; i < LVE_LIMIT_COUNT; i++) {
		const char *n = lve_limit_table[i].info.name;

		if (strlen(n) == len && strncmp(n, name, len) == 0)
			return (int)i;
	}
	return -1;
}

int lve_record_parse(const char *text, struct lve_limits *lim, uint32_t *unenforced)
{
	/* the seed wrote "cpu=N io=N", where io was the weight; a table record
	 * always has "speed=", and there io is bandwidth */
	int seed = strncmp(text, "cpu=", 4) == 0;
	uint32_t bits = 0;

	lve_limits_builtin(lim);
	for (const char *p = text; *p;) {
		const char *eq, *end;
		unsigned long long v;
		char *num_end;
		int id;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		end = strchrnul(p, ' ');
		eq = memchr(p, '=', (size_t)(end - p));
		if (!eq || eq == p || eq + 1 == end)
			return -EIO;
		errno = 0;
		v = strtoull(eq + 1, &num_end, 10);
		if (errno || num_end != end || eq[1] == '-')
			return -EIO; /* only root writes trusted.*: a bad record is corruption */
		if ((size_t)(eq - p) == 10 && strncmp(p, "unenforced", 10) == 0) {
			bits = (uint32_t)v & LVE_LIMIT_ALL;
		} else {
			id = limit_named(p, (size_t)(eq - p), seed);
			if (id >= 0) {
				if (!lve_limit_valid((unsigned)id, v))
					return -EIO;
				lim->value[id] = v;
			}
		}
		p = end;
	}
	if (unenforced)
		*unenforced = bits;
	return 0;
}

int lve_record_read(int dfd, struct lve_limits *lim, uint32_t *unenforced)
{
	char buf[LVE_RECORD_MAX];
	struct lve_limits ignored;
	int r;

	if (!lim)
		lim = &ignored;

	r = cgfs_getxattr(dfd, LVE_XATTR_LIMITS, buf, sizeof(buf));
	if (r == -ENODATA)
		return 0;
	if (r < 0)
		return r;
	r = lve_record_parse(buf, lim, unenforced);
	return r < 0 ? r : 1;
}

int lve_record_write(const struct lve_tree *t, int dfd, const char *rel,
		     const struct lve_limits *lim, uint32_t unenforced)
{
	char buf[LVE_RECORD_MAX];

	lve_record_format(lim, unenforced, buf, sizeof(buf));
	return cgfs_setxattr(t->host, t->host->primary, dfd, rel, LVE_XATTR_LIMITS, buf, 0);
}

int lve_defaults_read(const struct lve_tree *t, struct lve_limits *out)
{
	const struct lve_host *host = t->host;
	int p = host->primary, dfd, r;
	char buf[LVE_RECORD_MAX];

	dfd = cgfs_open_dir(host, t->fd[p], host->h[p].parent);
	if (dfd == -ENOENT) {
		lve_limits_builtin(out);
		return 0;
	}
	if (dfd < 0)
		return dfd;
	r = cgfs_getxattr(dfd, LVE_XATTR_DEFAULTS, buf, sizeof(buf));
	close(dfd);
	if (r == -ENODATA) {
		lve_limits_builtin(out);
		return 0;
	}
	if (r < 0)
		return r;
	return lve_record_parse(buf, out, NULL);
}

int lve_defaults_write(const struct lve_tree *t, const struct lve_limits *lim)
{
	const struct lve_host *host = t->host;
	int p = host->primary, dfd, r;
	char buf[LVE_RECORD_MAX];

	dfd = cgfs_open_dir(host, t->fd[p], host->h[p].parent);
	if (dfd < 0)
		return dfd;
	lve_record_format(lim, 0, buf, sizeof(buf));
	r = cgfs_setxattr(host, p, dfd, host->h[p].parent, LVE_XATTR_DEFAULTS, buf, 0);
	close(dfd);
	return r;
}

uint64_t lve_faults_ep(int dfd)
{
	char buf[64];

	if (cgfs_getxattr(dfd, LVE_XATTR_FAULTS, buf, sizeof(buf)) < 0 || strncmp(buf, "ep=", 3) != 0)
		return 0;
	return strtoull(buf + 3, NULL, 10);
}

int lve_faults_add_ep(const struct lve_host *host, int dfd)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "ep=%llu", (unsigned long long)lve_faults_ep(dfd) + 1);
	return cgfs_setxattr(host, host->primary, dfd, "", LVE_XATTR_FAULTS, buf, 0);
}
