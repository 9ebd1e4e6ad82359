/* SPDX-License-Identifier: MIT */
/*
 * faketree.h - fake cgroupfs trees in a temporary directory, for liblve's
 * fast tests (linked against the test build of liblve, LIBLVE_TEST_HOOKS).
 *
 * A fake tree is a directory per hierarchy, described to liblve by a made-up
 * /proc/self/mountinfo and /proc/self/cgroup, with the kernel's part played
 * here:
 *   - a new cgroup directory gets the control files of the controllers its
 *     hierarchy carries (a test can leave some out: "the kernel offers no
 *     such knob");
 *   - a write replaces a file's value, except where the kernel merges:
 *     cgroup.subtree_control ("+ctrl" words), the per-device files
 *     (blkio.throttle.*_device, io.max: one line per device, 0/max removes),
 *     and cgroup.procs/tasks, which move the task (the fake keeps where each
 *     task is, and answers liblve's reads of /proc/<pid>/cgroup with it);
 *   - v1 refuses a memory limit above memory+swap's and the reverse (EINVAL),
 *     as the kernel does;
 *   - every write, record and rename is logged in order, so tests can check
 *     exact values and their order; a test can make the "kernel" refuse a
 *     write or a mkdir, or interrupt a write (EINTR).
 */
#ifndef LVE_TEST_FAKETREE_H
#define LVE_TEST_FAKETREE_H

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
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

#define FAKE_TASKS 8

struct fake_task {
	pid_t pid;                        /* 0: free */
	pid_t tid;                        /* a thread moved alone (v1 tasks), or 0 */
	char path[LVE_MAX_HIER][256];     /* its cgroup in each hierarchy, "/..." */
};

struct fake_tree {
	char root[128];
	enum fake_layout layout;
	enum fake_io io;
	struct lve_fake fake;
	struct lve_host host;
	char mountinfo[4096];
	char proc_cgroup[1024];
	char trace[32768];    /* "<hier>:<path>=<value>\n" for every write, and
				 "<hier>:<path>:xattr <name>" / ":rename <to>" */
	/* control files the "kernel" does not offer, e.g.
	 * "memory.memsw.limit_in_bytes io.max" */
	const char *missing;
	/* make the "kernel" refuse: the next @fail_count writes to a file whose
	 * path ends in @fail_file, or mkdirs (fail_file "mkdir") */
	const char *fail_file;
	int fail_errno;
	int fail_count;
	int fail_after;       /* let this many matching ones through first */
	struct fake_task tasks[FAKE_TASKS];
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

static inline int fake_offers(const struct fake_tree *ft, const char *file)
{
	return !ft->missing || !lve_has_word(ft->missing, file, ' ');
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

/* A control file of a new cgroup, unless the test said the kernel has none. */
static inline void fake_knob(const struct fake_tree *ft, const char *dir, const char *file,
			     const char *value)
{
	if (fake_offers(ft, file))
		fake_put(dir, file, value);
}

/* The kernel's control files for a new cgroup in hierarchy @h. */
static int fake_made(void *ctx, const struct lve_host *host, int h, const char *rel)
{
	struct fake_tree *ft = ctx;
	const struct lve_hier *hier = &host->h[h];
	unsigned c = hier->ctrls;
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
		fake_put(dir, "cgroup.events", "populated 0\nfrozen 0\n");
		if (c & LVE_CTRL_CPU) {
			fake_knob(ft, dir, "cpu.max", "max 100000\n");
			fake_knob(ft, dir, "cpu.stat", "usage_usec 0\nuser_usec 0\nsystem_usec 0\n"
						     "nr_periods 0\nnr_throttled 0\nthrottled_usec 0\n");
		}
		if (c & LVE_CTRL_IO) {
			if (ft->io == IO_BFQ)
				fake_knob(ft, dir, "io.bfq.weight", "default 100\n");
			if (ft->io == IO_BFQ || ft->io == IO_IOCOST)
				fake_knob(ft, dir, "io.weight", "default 100\n");
			fake_knob(ft, dir, "io.max", "");
			fake_knob(ft, dir, "io.stat", "");
		}
		if (c & LVE_CTRL_MEMORY) {
			fake_knob(ft, dir, "memory.max", "max\n");
			fake_knob(ft, dir, "memory.swap.max", "max\n");
			fake_knob(ft, dir, "memory.current", "0\n");
			fake_knob(ft, dir, "memory.peak", "0\n");
			fake_knob(ft, dir, "memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
		}
		if (c & LVE_CTRL_PIDS) {
			fake_knob(ft, dir, "pids.max", "max\n");
			fake_knob(ft, dir, "pids.current", "0\n");
			fake_knob(ft, dir, "pids.events", "max 0\n");
		}
		return 0;
	}
	fake_put(dir, "tasks", "");
	if (c & LVE_CTRL_CPU) {
		fake_knob(ft, dir, "cpu.cfs_period_us", "100000\n");
		fake_knob(ft, dir, "cpu.cfs_quota_us", "-1\n");
		fake_knob(ft, dir, "cpu.stat", "nr_periods 0\nnr_throttled 0\nthrottled_time 0\n");
	}
	if (c & LVE_CTRL_CPUACCT)
		fake_knob(ft, dir, "cpuacct.usage", "0\n");
	if (c & LVE_CTRL_IO) {
		static const char *throttle[] = { "blkio.throttle.read_bps_device",
						  "blkio.throttle.write_bps_device",
						  "blkio.throttle.read_iops_device",
						  "blkio.throttle.write_iops_device" };

		if (ft->io == IO_BFQ)
			fake_knob(ft, dir, "blkio.bfq.weight", "100\n");
		for (int i = 0; i < 4; i++)
			fake_knob(ft, dir, throttle[i], "");
		fake_knob(ft, dir, "blkio.throttle.io_service_bytes_recursive", "Total 0\n");
		fake_knob(ft, dir, "blkio.throttle.io_serviced_recursive", "Total 0\n");
	}
	if (c & LVE_CTRL_MEMORY) {
		fake_knob(ft, dir, "memory.limit_in_bytes", "9223372036854771712\n");
		fake_knob(ft, dir, "memory.memsw.limit_in_bytes", "9223372036854771712\n");
		fake_knob(ft, dir, "memory.usage_in_bytes", "0\n");
		fake_knob(ft, dir, "memory.max_usage_in_bytes", "0\n");
		fake_knob(ft, dir, "memory.failcnt", "0\n");
		fake_knob(ft, dir, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
	}
	if (c & LVE_CTRL_PIDS) {
		fake_knob(ft, dir, "pids.max", "max\n");
		fake_knob(ft, dir, "pids.current", "0\n");
		fake_knob(ft, dir, "pids.events", "max 0\n");
	}
	return 0;
}

/* The kernel removes a cgroup's files with it; a populated one cannot go. */
static int fake_unmaking(void *ctx, const struct lve_host *host, int h, const char *rel)
{
	char dir[2048], path[4096], procs[64];
	DIR *d;
	struct dirent *e;

	(void)ctx;
	snprintf(dir, sizeof(dir), "%s/%s", host->h[h].mount, rel);
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	if (fake_get(path, procs, sizeof(procs)) > 0)
		return -EBUSY;
	d = opendir(dir);
	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (e->d_type == DT_REG) {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
	closedir(d);
	return 0;
}

static inline void fake_log(struct fake_tree *ft, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline void fake_log(struct fake_tree *ft, const char *fmt, ...)
{
	size_t len = strlen(ft->trace);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ft->trace + len, sizeof(ft->trace) - len, fmt, ap);
	va_end(ap);
}

static void fake_noted(void *ctx, const struct lve_host *host, int h, const char *rel,
		       const char *what)
{
	struct fake_tree *ft = ctx;

	(void)host;
	fake_log(ft, "%s:%s:%s\n", fake_hier_name(ft, h), rel, what);
}

static inline int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && strcmp(s + n - t, tail) == 0;
}

static inline unsigned long long fake_number(const char *path)
{
	char buf[64];

	if (fake_get(path, buf, sizeof(buf)) < 0)
		return 0;
	return strcmp(buf, "-1") == 0 || strcmp(buf, "max") == 0 ? ~0ull : strtoull(buf, NULL, 10);
}

/* Replace (or with @drop, remove) the line of device "maj:min" in @path,
 * keeping the others, as the kernel keeps one rule per device. */
static inline int fake_device_line(const char *path, const char *dev, const char *line, int drop)
{
	char old[4096] = "", out[4096] = "";
	size_t dlen = strlen(dev);

	fake_get(path, old, sizeof(old));
	for (char *l = strtok(old, "\n"); l; l = strtok(NULL, "\n"))
		if (!(strncmp(l, dev, dlen) == 0 && l[dlen] == ' ')) {
			strcat(out, l);
			strcat(out, "\n");
		}
	if (!drop) {
		strcat(out, line);
		strcat(out, "\n");
	}
	{
		FILE *f = fopen(path, "w");

		if (!f)
			return -errno;
		fputs(out, f);
		fclose(f);
	}
	return 1;
}

/* io.max: "maj:min key=value ..." updates those keys of the device's line. */
static inline int fake_io_max(const char *path, const char *value)
{
	static const char *keys[] = { "rbps", "wbps", "riops", "wiops" };
	char dev[32], cur[4096], vals[4][32], line[256];
	const char *old = NULL;
	int all_max = 1;

	if (sscanf(value, "%31s", dev) != 1)
		return -EINVAL;
	for (int k = 0; k < 4; k++)
		strcpy(vals[k], "max");
	if (fake_get(path, cur, sizeof(cur)) >= 0) {
		size_t dlen = strlen(dev);

		for (char *l = cur; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
			if (strncmp(l, dev, dlen) == 0 && l[dlen] == ' ')
				old = l;
		for (int k = 0; old && k < 4; k++) {
			char want[16], *p;

			snprintf(want, sizeof(want), " %s=", keys[k]);
			p = strstr(old, want);
			if (p && (!strchr(old, '\n') || p < strchr(old, '\n')))
				sscanf(p + strlen(want), "%31[^ \n]", vals[k]);
		}
	}
	for (int k = 0; k < 4; k++) {
		char want[16];
		const char *p;

		snprintf(want, sizeof(want), " %s=", keys[k]);
		p = strstr(value, want);
		if (p)
			sscanf(p + strlen(want), "%31[^ \n]", vals[k]);
		if (strcmp(vals[k], "max") != 0)
			all_max = 0;
	}
	snprintf(line, sizeof(line), "%s rbps=%s wbps=%s riops=%s wiops=%s", dev, vals[0], vals[1],
		 vals[2], vals[3]);
	return fake_device_line(path, dev, line, all_max);
}

static inline struct fake_task *fake_task(struct fake_tree *ft, pid_t pid)
{
	struct fake_task *free_one = NULL;

	for (int i = 0; i < FAKE_TASKS; i++) {
		if (ft->tasks[i].pid == pid)
			return &ft->tasks[i];
		if (!ft->tasks[i].pid && !free_one)
			free_one = &ft->tasks[i];
	}
	if (free_one) {
		memset(free_one, 0, sizeof(*free_one));
		free_one->pid = pid;
		for (int h = 0; h < ft->host.n; h++)
			strcpy(free_one->path[h], "/");
	}
	return free_one;
}

/* Drop @pid from the cgroup.procs of @dir, add it to that of @to_dir. */
static inline void fake_list_move(const char *from_dir, const char *to_dir, pid_t pid)
{
	char path[2048], buf[1024], out[1024] = "", num[16];

	snprintf(num, sizeof(num), "%d", (int)pid);
	if (from_dir) {
		snprintf(path, sizeof(path), "%s/cgroup.procs", from_dir);
		if (fake_get(path, buf, sizeof(buf)) >= 0) {
			for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n"))
				if (strcmp(l, num) != 0) {
					strcat(out, l);
					strcat(out, "\n");
				}
			fake_put(from_dir, "cgroup.procs", out);
		}
	}
	snprintf(path, sizeof(path), "%s/cgroup.procs", to_dir);
	buf[0] = '\0';
	fake_get(path, buf, sizeof(buf));
	if (buf[0])
		strcat(buf, "\n");
	strcat(buf, num);
	strcat(buf, "\n");
	fake_put(to_dir, "cgroup.procs", buf);
}

/* A write to cgroup.procs or tasks: the task moves there. */
static inline int fake_move(struct fake_tree *ft, int h, const char *rel, const char *value,
			    int thread)
{
	char dir[2048], from[2048];
	const char *slash = strrchr(rel, '/');
	pid_t id = (pid_t)atoi(value);
	struct fake_task *task;
	size_t dlen = slash ? (size_t)(slash - rel) : 0;

	for (int i = 0; i < FAKE_TASKS && thread; i++)
		if (ft->tasks[i].tid == id)
			id = ft->tasks[i].pid;
	task = fake_task(ft, id);
	if (!task)
		return -ENOMEM;
	snprintf(dir, sizeof(dir), "%s/%.*s", ft->host.h[h].mount, (int)dlen, rel);
	if (access(dir, F_OK) < 0)
		return -ENOENT;
	snprintf(from, sizeof(from), "%s%s", ft->host.h[h].mount,
		 strcmp(task->path[h], "/") == 0 ? "" : task->path[h]);
	fake_list_move(from, dir, id);
	snprintf(task->path[h], sizeof(task->path[h]), "/%.*s", (int)dlen, rel);
	return 1;
}

static int fake_writing(void *ctx, const struct lve_host *host, int h, const char *rel,
			const char *value)
{
	struct fake_tree *ft = ctx;
	size_t rlen = strlen(rel);
	char path[2048];

	fake_log(ft, "%s:%s=%s\n", fake_hier_name(ft, h), rel, value);
	if (ft->fail_file && ends_with(rel, ft->fail_file) && fake_refuses(ft))
		return -ft->fail_errno;
	snprintf(path, sizeof(path), "%s/%s", host->h[h].mount, rel);
	if (ends_with(rel, "cgroup.procs") || ends_with(rel, "tasks"))
		return fake_move(ft, h, rel, value, ends_with(rel, "tasks"));
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
	if (ends_with(rel, "_device")) {
		char dev[32];
		unsigned long long v;

		if (sscanf(value, "%31s %llu", dev, &v) != 2)
			return -EINVAL;
		return fake_device_line(path, dev, value, v == 0);
	}
	if (ends_with(rel, "/io.max"))
		return fake_io_max(path, value);
	if (ends_with(rel, "memory.limit_in_bytes") || ends_with(rel, "memory.memsw.limit_in_bytes")) {
		/* the kernel keeps memory+swap's limit at or above memory's */
		int memsw = ends_with(rel, "memsw.limit_in_bytes");
		char other[2048];
		unsigned long long v = strcmp(value, "-1") == 0 ? ~0ull : strtoull(value, NULL, 10);

		snprintf(other, sizeof(other), "%.*s%s", (int)(strlen(path) - strlen(strrchr(path, '/'))),
			 path, memsw ? "/memory.limit_in_bytes" : "/memory.memsw.limit_in_bytes");
		if (access(other, F_OK) == 0 &&
		    (memsw ? v < fake_number(other) : v > fake_number(other)))
			return -EINVAL;
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

/* /proc/<pid>/cgroup as the fake kernel would show it. */
static int fake_proc_cgroup(void *ctx, const struct lve_host *host, pid_t pid, pid_t tid,
			    int thread, char *buf, size_t size)
{
	struct fake_tree *ft = ctx;
	struct fake_task *task = NULL;
	size_t off = 0;

	(void)thread;
	(void)tid;
	for (int i = 0; i < FAKE_TASKS; i++)
		if (ft->tasks[i].pid == pid)
			task = &ft->tasks[i];
	if (!task)
		return -ESRCH;
	for (int h = 0; h < host->n; h++) {
		const struct lve_hier *hier = &host->h[h];

		if (hier->kind == LVE_V2) {
			off += (size_t)snprintf(buf + off, size - off, "0::%s\n", task->path[h]);
		} else {
			char names[64] = "";

			if (hier->ctrls & LVE_CTRL_CPU)
				strcat(names, "cpu,");
			if (hier->ctrls & LVE_CTRL_CPUACCT)
				strcat(names, "cpuacct,");
			if (hier->ctrls & LVE_CTRL_IO)
				strcat(names, "blkio,");
			if (hier->ctrls & LVE_CTRL_MEMORY)
				strcat(names, "memory,");
			if (hier->ctrls & LVE_CTRL_PIDS)
				strcat(names, "pids,");
			names[strlen(names) - 1] = '\0';
			off += (size_t)snprintf(buf + off, size - off, "%d:%s:%s\n", h + 1, names,
						task->path[h]);
		}
	}
	return (int)off;
}

/* A task the fake knows, in cgroup @path of every hierarchy. */
static inline void fake_place(struct fake_tree *ft, pid_t pid, const char *path)
{
	struct fake_task *task = fake_task(ft, pid);

	for (int h = 0; h < ft->host.n; h++) {
		char dir[2048];

		snprintf(dir, sizeof(dir), "%s%s", ft->host.h[h].mount, strcmp(path, "/") == 0 ? "" : path);
		fake_list_move(NULL, dir, pid);
		snprintf(task->path[h], sizeof(task->path[h]), "%s", path);
	}
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
	ft->fake = (struct lve_fake){ .ctx = ft, .made = fake_made, .unmaking = fake_unmaking,
				      .writing = fake_writing, .noted = fake_noted,
				      .proc_cgroup = fake_proc_cgroup };

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
	static char buf[1024];

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

/* The hierarchy carrying @ctrl. */
static inline int fake_hier_of(const struct fake_tree *ft, unsigned ctrl)
{
	for (int h = 0; h < ft->host.n; h++)
		if (ft->host.h[h].ctrls & ctrl)
			return h;
	return -1;
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
