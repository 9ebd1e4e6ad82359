/* SPDX-License-Identifier: MIT */
/*
 * cgtree.h - the test side's own, independent view of the cgroup
 * hierarchies: where they are mounted, where this process sits in each, and
 * where a test's LVE tree lies.  The real-hierarchy tests check liblve's
 * results through this view rather than through liblve itself.
 */
#ifndef LVE_TEST_CGTREE_H
#define LVE_TEST_CGTREE_H

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CG_MAX 8

struct cg_hier {
	char name[32];    /* "cpu", "memory", ... or "unified" */
	char mount[512];
	char self[1024];  /* our cgroup at the start of the suite, "/..." */
	int v2;
};

struct cg_view {
	int n;
	struct cg_hier h[CG_MAX];
	int cpu;          /* index of the hierarchy holding the cpu controller */
	int cpuacct;      /* where CPU usage is read (== cpu on v2) */
};

static inline int cg_read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n, off = 0;

	if (fd < 0)
		return -errno;
	while ((size_t)off < size - 1 && (n = read(fd, buf + off, size - 1 - (size_t)off)) > 0)
		off += n;
	close(fd);
	buf[off] = '\0';
	return (int)off;
}

static inline int cg_write_file(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, value, strlen(value)) < 0)
		r = -errno;
	close(fd);
	return r;
}

static inline int cg_has_word(const char *list, const char *word)
{
	char copy[512], *w, *save = NULL;

	snprintf(copy, sizeof(copy), "%s", list);
	for (w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save))
		if (strcmp(w, word) == 0)
			return 1;
	return 0;
}

/* The path in the /proc cgroup file @file (a process's or a thread's) of the
 * hierarchy with v1 controller @ctrl, or of the unified one when @ctrl is
 * NULL. */
static inline int cg_path_in(const char *file, const char *ctrl, char *out, size_t size)
{
	char text[8192], *line, *save = NULL;

	if (cg_read_file(file, text, sizeof(text)) < 0)
		return -1;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		int match;

		if (!c2)
			continue;
		*c1 = *c2 = '\0';
		match = ctrl ? cg_has_word(c1 + 1, ctrl) : strcmp(line, "0") == 0 && c1[1] == '\0';
		if (match) {
			snprintf(out, size, "%s", c2 + 1);
			return 0;
		}
	}
	return -1;
}

/* The path of process @pid in the hierarchy with v1 controller @ctrl, or in
 * the unified one when @ctrl is NULL. */
static inline int cg_path_of(pid_t pid, const char *ctrl, char *out, size_t size)
{
	char file[64];

	snprintf(file, sizeof(file), "/proc/%d/cgroup", (int)pid);
	return cg_path_in(file, ctrl, out, size);
}

/* Find the hierarchies an LVE uses, the way the contract names them. */
static inline int cg_view_load(struct cg_view *v)
{
	static const char *v1[] = { "cpu", "cpuacct", "blkio", "memory", "pids" };
	char text[65536], *line, *save = NULL;
	char v2mount[512] = "";

	memset(v, 0, sizeof(*v));
	v->cpu = v->cpuacct = -1;
	if (cg_read_file("/proc/self/mountinfo", text, sizeof(text)) < 0)
		return -1;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char mnt[512], type[64], super[512];
		const char *dash = strstr(line, " - ");

		if (!dash || sscanf(line, "%*s %*s %*s %*s %511s", mnt) != 1 ||
		    sscanf(dash + 3, "%63s %*s %511s", type, super) != 2)
			continue;
		if (strcmp(type, "cgroup2") == 0) {
			snprintf(v2mount, sizeof(v2mount), "%s", mnt);
			continue;
		}
		if (strcmp(type, "cgroup") != 0)
			continue;
		for (size_t i = 0; i < sizeof(v1) / sizeof(v1[0]); i++) {
			struct cg_hier *h = &v->h[v->n];
			int dup = 0;

			if (!cg_has_word(super, v1[i]))
				continue;
			/* co-mounted controllers share one hierarchy */
			for (int k = 0; k < v->n; k++)
				if (strcmp(v->h[k].mount, mnt) == 0)
					dup = 1;
			if (dup || v->n == CG_MAX)
				continue;
			snprintf(h->name, sizeof(h->name), "%s", v1[i]);
			snprintf(h->mount, sizeof(h->mount), "%s", mnt);
			if (cg_path_of(getpid(), v1[i], h->self, sizeof(h->self)) == 0)
				v->n++;
		}
	}
	/* which v1 hierarchy has cpu / cpuacct */
	for (int k = 0; k < v->n; k++) {
		char probe[1100];

		snprintf(probe, sizeof(probe), "%s/cpu.cfs_quota_us", v->h[k].mount);
		if (access(probe, F_OK) == 0)
			v->cpu = k;
		snprintf(probe, sizeof(probe), "%s/cpuacct.usage", v->h[k].mount);
		if (access(probe, F_OK) == 0)
			v->cpuacct = k;
	}
	if (v2mount[0]) {
		/* controllers no v1 hierarchy took are used through the unified
		 * tree: all of them on a pure v2 host */
		static const char *v2[][2] = { { "cpu", "cpu" }, { "io", "blkio" },
					       { "memory", "memory" }, { "pids", "pids" } };
		char probe[600], offered[512];
		int use = 0;

		snprintf(probe, sizeof(probe), "%s/cgroup.controllers", v2mount);
		if (cg_read_file(probe, offered, sizeof(offered)) >= 0) {
			for (char *p = offered; *p; p++)
				if (*p == ' ' || *p == '\n')
					*p = ',';
			for (size_t i = 0; i < 4; i++) {
				int in_v1 = 0;

				for (int k = 0; k < v->n; k++)
					if (strcmp(v->h[k].name, v2[i][1]) == 0)
						in_v1 = 1;
				if (!in_v1 && cg_has_word(offered, v2[i][0]))
					use = 1;
			}
		}
		if (use && v->n < CG_MAX) {
			struct cg_hier *h = &v->h[v->n];

			snprintf(h->name, sizeof(h->name), "unified");
			snprintf(h->mount, sizeof(h->mount), "%s", v2mount);
			h->v2 = 1;
			if (cg_path_of(getpid(), NULL, h->self, sizeof(h->self)) == 0) {
				if (v->cpu < 0)
					v->cpu = v->n;
				if (v->cpuacct < 0)
					v->cpuacct = v->n;
				v->n++;
			}
		}
	}
	return v->cpu >= 0 ? 0 : -1;
}

/* Remove the cgroup tree at @dir depth-first, killing what runs inside
 * (only our own test processes can be there) and retrying while the kernel
 * still counts the dying ones. */
static inline int cg_remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096], procs[8192];

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d))) {
		if (e->d_type != DT_DIR || strcmp(e->d_name, ".") == 0 ||
		    strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		cg_remove_tree(path);
	}
	closedir(d);
	for (int tries = 0; tries < 200; tries++) {
		snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
		if (cg_read_file(path, procs, sizeof(procs)) > 0) {
			char *s = NULL;
			for (char *p = strtok_r(procs, "\n", &s); p; p = strtok_r(NULL, "\n", &s))
				kill(atoi(p), SIGKILL);
		}
		while (waitpid(-1, NULL, WNOHANG) > 0)
			; /* we are the subreaper of our tests' orphans */
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		usleep(10000);
	}
	fprintf(stderr, "# could not remove %s: %s\n", dir, strerror(errno));
	return -1;
}

static inline double cg_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif /* LVE_TEST_CGTREE_H */
