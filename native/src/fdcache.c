/* SPDX-License-Identifier: MIT */
/*
 * fdcache.c - control files kept open by a long-lived mover.
 *
 * A move writes one control file (tasks or cgroup.procs) in each
 * hierarchy, in and back out, and opening it costs more than the write
 * itself.  A process that moves many tasks between the same cgroups for
 * its whole life (the CloudLinux broker, cl_broker.c) keeps the files it
 * wrote open here, least recently used first out.
 *
 * Each file is opened the one way liblve opens control files
 * (cgfs_open_file: no symlinks, cgroupfs only).  An open file names the
 * cgroup it was opened in, not its path: when that cgroup is removed the
 * write fails with ENODEV, and the path is opened again (a new LVE of the
 * same id, say).  liblve never renames a cgroup it writes to (only the
 * temporary names of LVEs being made, which nobody enters).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define CACHED_FILES 256

struct lve_fdcache {
	uint64_t clock;
	struct {
		int fd;            /* -1: free */
		int h;
		uint64_t used;
		uint32_t hash;
		char *key;         /* "<rel>\n<file>" */
	} e[CACHED_FILES];
};

struct lve_fdcache *lve_fdcache_new(void)
{
	struct lve_fdcache *c = calloc(1, sizeof(*c));

	for (int i = 0; c && i < CACHED_FILES; i++)
		c->e[i].fd = -1;
	return c;
}

static void forget(struct lve_fdcache *c, int i)
{
	if (c->e[i].fd >= 0)
		close(c->e[i].fd);
	free(c->e[i].key);
	c->e[i].fd = -1;
	c->e[i].key = NULL;
}

void lve_fdcache_free(struct lve_fdcache *c)
{
	if (!c)
		return;
	for (int i = 0; i < CACHED_FILES; i++)
		forget(c, i);
	free(c);
}

static uint32_t hash(int h, const char *key)
{
	uint32_t x = 2166136261u ^ (uint32_t)h;

	for (const char *p = key; *p; p++)
		x = (x ^ (unsigned char)*p) * 16777619u;
	return x;
}

static ssize_t write_value(int fd, const char *value)
{
	size_t len = strlen(value);
	ssize_t n;

	do
		n = write(fd, value, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

int lve_fdcache_write(struct lve_fdcache *c, const struct lve_host *host, int h, int hfd,
		      const char *rel, const char *file, const char *value)
{
	char key[LVE_PATH_MAX + NAME_MAX + 2];
	int i, slot = -1, victim = 0, fd, r;
	uint32_t x;

	/* the fake trees of the tests see every write */
	if (!c || LVE_FAKE(host))
		return cgfs_write(host, h, hfd, rel, file, value);
	if ((size_t)snprintf(key, sizeof(key), "%s\n%s", rel, file) >= sizeof(key))
		return -ENAMETOOLONG;
	x = hash(h, key);
	c->clock++;
	for (i = 0; i < CACHED_FILES; i++) {
		if (c->e[i].fd >= 0 && c->e[i].h == h && c->e[i].hash == x &&
		    strcmp(c->e[i].key, key) == 0) {
			c->e[i].used = c->clock;
			r = (int)write_value(c->e[i].fd, value);
			if (r != -ENODEV)
				return r;
			forget(c, i); /* that cgroup is gone: the path again */
			slot = i;
			break;
		}
		if (c->e[i].fd < 0 && slot < 0)
			slot = i;
		if (c->e[i].used < c->e[victim].used)
			victim = i;
	}
	if (slot < 0) {
		forget(c, victim);
		slot = victim;
	}
	fd = cgfs_open_file(host, hfd, rel, file, O_WRONLY);
	if (fd < 0)
		return fd;
	r = (int)write_value(fd, value);
	c->e[slot].key = strdup(key);
	if (!c->e[slot].key) {
		close(fd);
		return r;
	}
	c->e[slot].fd = fd;
	c->e[slot].h = h;
	c->e[slot].hash = x;
	c->e[slot].used = c->clock;
	return r;
}
