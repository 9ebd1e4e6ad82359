/*
 * faketree.h - fake cgroupfs trees in a temporary directory, for liblve's
 * fast tests.
 *
 * A fake tree is a directory per hierarchy, described to liblve by a made-up
 * /proc/self/mountinfo and /proc/self/cgroup, with the kernel's part played
 * here: a new cgroup directory gets its control files, a write replaces a
 * file's value (and cgroup.subtree_control merges "+ctrl" words, as the
 * kernel does), and every write is logged so tests can check the exact
 * values and their order.  A test can also make the "kernel" refuse a write
 * or a mkdir.
 */
#ifndef LVE_TEST_FAKETREE_H
#define LVE_TEST_FAKETREE_H

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

enum fake_layout {
	FAKE_V1,         /* cpu, cpuacct, blkio, memory, pids: one hierarchy each */
	FAKE_V1_COMOUNT, /* cpu,cpuacct together, as most distributions mount them */
	FAKE_V2,         /* one unified tree */
	FAKE_HYBRID,     /* cpu and cpuacct on v1, the rest on the unified tree */
};

enum fake_io { IO_NONE, IO_BFQ, IO_IOCOST };

struct fake_tree {
	char root[128];
	enum fake_layout layout;
	enum fake_io io;
	struct lve_fake fake;
	struct lve_host host;
	char mountinfo[4096];
	char proc_cgroup[1024];
	char trace[16384];    /* "<hier>:<path>=<value>\n" for every write */
	/* make the "kernel" refuse: the next @fail_count writes to a file whose
	 * path ends in @fail_file, or mkdirs (fail_file "mkdir") */
	const char *fail_file;
	int fail_errno;
	int fail_count;
	int fail_after;       /* let this many matching ones through first */
};

/* Should the "kernel" refuse this matching operation? */
static inline int fake_refuses(struct fake_tree *ft)
{
	if (ft->fail_count <= 0)
		return 0;
	if (ft->fail_after > 0) {
		ft->fail_after--;
		return 0;
	}
	ft->fail_count--;
	return 1;
}

static inline const char *fake_hier_name(const struct fake_tree *ft, int h)
{
	const char *m = ft->host.h[h].mount;
	const char *slash = strrchr(m, '/');

	return slash ? slash + 1 : m;
}

static inline int fake_put(const char *dir, const char *file, const char *value)
{
	char path[2048];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fputs(value, f);
	fclose(f);
	return 0;
}

static inline int fake_get(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -errno;
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return (int)n;
}

/* The kernel's control files for a new cgroup in hierarchy @h. */
static int fake_made(void *ctx, const struct lve_host *host, int h, const char *rel)
{
	struct fake_tree *ft = ctx;
	const struct lve_hier *hier = &host->h[h];
	char dir[2048];

	snprintf(dir, sizeof(dir), "%s/%s", hier->mount, rel);
	if (ft->fail_file && strcmp(ft->fail_file, "mkdir") == 0 && fake_refuses(ft)) {
		rmdir(dir);
		return -ft->fail_errno;
	}
	fake_put(dir, "cgroup.procs", "");
	if (hier->kind == LVE_V2) {
		char parent[2048], enabled[256] = "";
		char *slash;

		snprintf(parent, sizeof(parent), "%s/%s", hier->mount, rel);
		slash = strrchr(parent, '/');
		*slash = '\0';
		strcat(parent, "/cgroup.subtree_control");
		fake_get(parent, enabled, sizeof(enabled));
		strcat(enabled, "\n");
		fake_put(dir, "cgroup.controllers", enabled);
		fake_put(dir, "cgroup.subtree_control", "\n");
		fake_put(dir, "cpu.max", "max 100000\n");
		fake_put(dir, "cpu.stat", "usage_usec 0\n");
		if (ft->io == IO_BFQ)
			fake_put(dir, "io.bfq.weight", "default 100\n");
		if (ft->io == IO_BFQ || ft->io == IO_IOCOST)
			fake_put(dir, "io.weight", "default 100\n");
		return 0;
	}
	if (hier->ctrls & LVE_CTRL_CPU) {
		fake_put(dir, "cpu.cfs_period_us", "100000\n");
		fake_put(dir, "cpu.cfs_quota_us", "-1\n");
	}
	if (hier->ctrls & LVE_CTRL_CPUACCT)
		fake_put(dir, "cpuacct.usage", "0\n");
	if ((hier->ctrls & LVE_CTRL_IO) && ft->io == IO_BFQ)
		fake_put(dir, "blkio.bfq.weight", "100\n");
	return 0;
}

/* The kernel removes a cgroup's files with it. */
static int fake_unmaking(void *ctx, const struct lve_host *host, int h, const char *rel)
{
	char dir[2048], path[4096];
	DIR *d;
	struct dirent *e;

	(void)ctx;
	snprintf(dir, sizeof(dir), "%s/%s", host->h[h].mount, rel);
	d = opendir(dir);
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (e->d_type == DT_REG) {
			/* a populated cgroup cannot go */
			if (strcmp(e->d_name, "cgroup.procs") == 0) {
				char procs[64];

				if (fake_get(path, procs, sizeof(procs)) > 0) {
					closedir(d);
					return -EBUSY;
				}
			}
		}
	}
	rewinddir(d);
	while ((e = readdir(d)))
		if (e->d_type == DT_REG) {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
	closedir(d);
	return 0;
}

static int fake_writing(void *ctx, const struct lve_host *host, int h, const char *rel,
			const char *value)
{
	struct fake_tree *ft = ctx;
	size_t len = strlen(ft->trace), rlen = strlen(rel);
	char path[2048];

	snprintf(ft->trace + len, sizeof(ft->trace) - len, "%s:%s=%s\n", fake_hier_name(ft, h),
		 rel, value);
	if (ft->fail_file && rlen >= strlen(ft->fail_file) &&
	    strcmp(rel + rlen - strlen(ft->fail_file), ft->fail_file) == 0 && fake_refuses(ft))
		return -ft->fail_errno;
	snprintf(path, sizeof(path), "%s/%s", host->h[h].mount, rel);
	if (rlen >= 22 && strcmp(rel + rlen - 22, "cgroup.subtree_control") == 0) {
		/* "+a +b" adds a and b to what is enabled */
		char cur[256] = "", copy[256], *w, *save = NULL;

		fake_get(path, cur, sizeof(cur));
		snprintf(copy, sizeof(copy), "%s", value);
		for (w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
			if (w[0] != '+' || strstr(cur, w + 1))
				continue;
			if (cur[0])
				strcat(cur, " ");
			strcat(cur, w + 1);
		}
		strcat(cur, "\n");
		{
			FILE *f = fopen(path, "w");

			if (!f)
				return -errno;
			fputs(cur, f);
			fclose(f);
		}
		return 1;
	}
	/* a control file takes a whole new value (what is not a plain file is
	 * for liblve to refuse, not for the emulation to follow) */
	{
		struct stat st;

		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && truncate(path, 0) < 0)
			return -errno;
	}
	return 0;
}

static int fake_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Trees are named after the suite's pid, so that whatever a dying test left
 * is found and removed by the suite (fake_remove_all). */
static pid_t fake_suite_pid;

static inline void fake_remove_all(void)
{
	char prefix[64];
	DIR *d = opendir("/tmp");
	struct dirent *e;

	snprintf(prefix, sizeof(prefix), "lve-fake-%d-", (int)fake_suite_pid);
	while (d && (e = readdir(d))) {
		char path[300];

		if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
			continue;
		snprintf(path, sizeof(path), "/tmp/%s", e->d_name);
		umount2(path, MNT_DETACH);
		nftw(path, fake_rm, 16, FTW_DEPTH | FTW_PHYS);
	}
	if (d)
		closedir(d);
}

static inline void fake_tree_free(struct fake_tree *ft)
{
	if (ft->root[0])
		nftw(ft->root, fake_rm, 16, FTW_DEPTH | FTW_PHYS);
	ft->root[0] = '\0';
}

static inline void fake_mkdir(const struct fake_tree *ft, const char *name)
{
	char dir[512];

	snprintf(dir, sizeof(dir), "%s/%s", ft->root, name);
	mkdir(dir, 0755);
}

/*
 * Build a fake host.  @parent is the LVE parent as liblve is told it
 * ("/lve" or a relative path); @self is our cgroup in every hierarchy
 * ("/" or "/some/where").
 */
static inline int fake_tree_init(struct fake_tree *ft, enum fake_layout layout, enum fake_io io,
				 const char *parent, const char *self)
{
	static const char *v1[] = { "cpu", "cpuacct", "blkio", "memory", "pids" };
	char dir[512];
	size_t off = 0;
	int id = 30;

	memset(ft, 0, sizeof(*ft));
	ft->layout = layout;
	ft->io = io;
	snprintf(ft->root, sizeof(ft->root), "/tmp/lve-fake-%d-XXXXXX", (int)fake_suite_pid);
	if (!mkdtemp(ft->root))
		return -errno;
	ft->fake = (struct lve_fake){ .ctx = ft, .made = fake_made, .unmaking = fake_unmaking, .writing = fake_writing };

#define MI(...) off += (size_t)snprintf(ft->mountinfo + off, sizeof(ft->mountinfo) - off, __VA_ARGS__)
	MI("22 1 0:21 / /proc rw,nosuid - proc proc rw\n");
	MI("23 1 0:22 / %s rw - tmpfs tmpfs rw\n", ft->root);
	if (layout == FAKE_V2) {
		fake_mkdir(ft, "unified");
		snprintf(dir, sizeof(dir), "%s/unified", ft->root);
		fake_put(dir, "cgroup.controllers", "cpuset cpu io memory hugetlb pids\n");
		fake_put(dir, "cgroup.subtree_control", "\n");
		fake_put(dir, "cgroup.procs", "1\n");
		MI("%d 23 0:%d / %s/unified rw - cgroup2 cgroup2 rw\n", id, id, ft->root);
		snprintf(ft->proc_cgroup, sizeof(ft->proc_cgroup), "0::%s\n", self);
	} else if (layout == FAKE_HYBRID) {
		fake_mkdir(ft, "cpu");
		fake_mkdir(ft, "unified");
		snprintf(dir, sizeof(dir), "%s/unified", ft->root);
		/* cpu is bound to v1, so v2 does not offer it */
		fake_put(dir, "cgroup.controllers", "io memory pids\n");
		fake_put(dir, "cgroup.subtree_control", "\n");
		MI("%d 23 0:%d / %s/cpu rw - cgroup cgroup rw,cpu,cpuacct\n", id, id, ft->root);
		MI("%d 23 0:%d / %s/unified rw - cgroup2 cgroup2 rw\n", id + 1, id + 1, ft->root);
		snprintf(ft->proc_cgroup, sizeof(ft->proc_cgroup), "1:cpu,cpuacct:%s\n0::%s\n",
			 self, self);
	} else {
		size_t coff = 0;
		for (size_t i = 0; i < 5; i++) {
			const char *name = v1[i];

			if (layout == FAKE_V1_COMOUNT && i == 1)
				continue; /* cpuacct goes with cpu */
			if (layout == FAKE_V1_COMOUNT && i == 0)
				name = "cpu,cpuacct";
			fake_mkdir(ft, name);
			MI("%d 23 0:%d / %s/%s rw - cgroup cgroup rw,%s\n", id + (int)i,
			   id + (int)i, ft->root, name, name);
			coff += (size_t)snprintf(ft->proc_cgroup + coff,
						 sizeof(ft->proc_cgroup) - coff, "%d:%s:%s\n",
						 (int)i + 1, name, self);
		}
		snprintf(ft->proc_cgroup + coff, sizeof(ft->proc_cgroup) - coff, "0::/\n");
	}
#undef MI
	ft->host.fake = &ft->fake;
	return lve_host_parse(&ft->host, ft->mountinfo, ft->proc_cgroup, parent);
}

/* Make the directories of our own cgroup @self in every fake hierarchy. */
static inline void fake_tree_make_self(struct fake_tree *ft, const char *self)
{
	for (int h = 0; h < ft->host.n; h++) {
		char dir[2048], *p;

		snprintf(dir, sizeof(dir), "%s%s", ft->host.h[h].mount, self);
		for (p = dir + strlen(ft->host.h[h].mount) + 1; *p; p++)
			if (*p == '/') {
				*p = '\0';
				mkdir(dir, 0755);
				*p = '/';
			}
		mkdir(dir, 0755);
	}
}

/* The value of control file @file of LVE @id in the hierarchy carrying
 * @ctrl, or "" when it does not exist. */
static inline const char *fake_value(const struct fake_tree *ft, unsigned ctrl, uint32_t id,
				     const char *file)
{
	static char buf[256];

	buf[0] = '\0';
	for (int h = 0; h < ft->host.n; h++) {
		char path[4096];

		if (!(ft->host.h[h].ctrls & ctrl))
			continue;
		snprintf(path, sizeof(path), "%s/%s/%u/%s", ft->host.h[h].mount,
			 ft->host.h[h].parent, id, file);
		if (fake_get(path, buf, sizeof(buf)) < 0)
			buf[0] = '\0';
		break;
	}
	return buf;
}

/* Does LVE @id's directory exist in hierarchy @h? */
static inline int fake_lve_exists(const struct fake_tree *ft, int h, uint32_t id)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s/%u", ft->host.h[h].mount, ft->host.h[h].parent, id);
	return stat(path, &st) == 0;
}

static inline int fake_exists(const struct fake_tree *ft, int h, const char *rel)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", ft->host.h[h].mount, rel);
	return stat(path, &st) == 0;
}

#endif /* LVE_TEST_FAKETREE_H */
