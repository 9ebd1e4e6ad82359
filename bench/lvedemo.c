/* SPDX-License-Identifier: MIT */
/*
 * lvedemo - the small jobs `make demo` and bench/lverun-bench need beside
 * lverun, over liblve.a.
 *
 *   lvedemo limit ID CPU      create LVE ID (if need be) and set its CPU limit
 *                             (lverun enters LVEs but never sets limits)
 *   lvedemo destroy ID...     remove LVEs (absent ones are fine)
 *   lvedemo ep ID N           set LVE ID's entry limit (made if need be; 0: none)
 *   lvedemo faults ID         print LVE ID's ep faults (entries refused so far)
 *   lvedemo spin SECONDS      burn CPU for SECONDS of wall time, then print
 *                             how much CPU time that got
 *   lvedemo cgroup ID         LVE ID's cgroup in the cpu hierarchy, as cgexec
 *                             takes it (relative parents only)
 *   lvedemo prune PARENT      remove the tree PARENT beneath this process's
 *                             own cgroup in every cgroup hierarchy
 *   lvedemo rss CMD [ARG...]  run CMD, print its peak RSS in KiB to stderr
 *
 * Like lverun in a test, it takes the LVE parent from LIBLVE_CGROUP_PARENT;
 * "cgroup" and "prune" accept only relative parents, so the demo and the
 * bench can never touch the host's LVE tree.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lve-ctl.h"

static int usage(void)
{
	fputs("usage: lvedemo limit ID CPU | destroy ID... | ep ID N | faults ID | spin SECONDS |"
	      " cgroup ID | prune PARENT | rss CMD [ARG...]\n", stderr);
	return 2;
}

static int parse_u32(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > 0x7fffffffUL || s[0] == '-')
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static const char *relative_parent(void)
{
	const char *p = getenv("LIBLVE_CGROUP_PARENT");

	if (!p || !*p || *p == '/') {
		fputs("lvedemo: LIBLVE_CGROUP_PARENT must name a relative parent\n", stderr);
		return NULL;
	}
	return p;
}

static double seconds(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int spin(const char *arg)
{
	double wall = atof(arg), start = seconds(CLOCK_MONOTONIC), cpu0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
	volatile unsigned long n = 0;

	if (wall <= 0)
		return usage();
	while (seconds(CLOCK_MONOTONIC) - start < wall)
		for (int i = 0; i < 100000; i++)
			n++;
	double cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
	printf("%.2f s of CPU in %.2f s (%.0f%% of one core)\n", cpu, wall, 100.0 * cpu / wall);
	return 0;
}

/*
 * This process's cgroup in hierarchy @want ("cpu", or "" for cgroup2), from
 * /proc/self/cgroup.
 */
static int self_cgroup(const char *want, char *out, size_t size)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	char line[4096];
	int found = -1;

	if (!f)
		return -1;
	while (found < 0 && fgets(line, sizeof(line), f)) {
		char *ctrls = strchr(line, ':'), *path;

		if (!ctrls)
			continue;
		path = strchr(++ctrls, ':');
		if (!path)
			continue;
		*path++ = '\0';
		path[strcspn(path, "\n")] = '\0';
		for (char *c = ctrls, *save = NULL, *tok; (tok = strtok_r(c, ",", &save)); c = NULL)
			if (strcmp(tok, want) == 0)
				found = 0;
		if (*want == '\0' && *ctrls == '\0')
			found = 0;
		if (found == 0)
			snprintf(out, size, "%s", path);
	}
	fclose(f);
	return found;
}

static int cgroup_of(const char *arg)
{
	const char *parent = relative_parent();
	char self[4096];
	uint32_t id;

	if (!parent || parse_u32(arg, &id) < 0)
		return usage();
	if (self_cgroup("cpu", self, sizeof(self)) < 0) {
		fputs("lvedemo: no cpu hierarchy in /proc/self/cgroup\n", stderr);
		return 1;
	}
	printf("%s/%s/%u\n", strcmp(self, "/") == 0 ? "" : self, parent, id);
	return 0;
}

static int remove_dir(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP && rmdir(path) < 0 && errno != ENOENT)
		fprintf(stderr, "lvedemo: rmdir %s: %s\n", path, strerror(errno));
	return 0;
}

/*
 * Every cgroup mount in /proc/self/mountinfo: find this process's cgroup in
 * it (the /proc/self/cgroup line whose controllers the mount carries), and
 * remove <mount>/<own cgroup>/<parent> bottom-up.  cgroupfs directories go
 * with rmdir alone; one that still holds a process stays, and says so.
 */
static int prune(const char *parent)
{
	FILE *f;
	char line[8192];

	if (!parent || *parent == '/' || strstr(parent, ".."))
		return usage();
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return 1;
	while (fgets(line, sizeof(line), f)) {
		char *fields[16], *sep = strstr(line, " - "), *save = NULL, *tok;
		char fstype[64], opts[1024], self[4096], dir[8192];
		int n = 0;

		if (!sep)
			continue;
		*sep = '\0';
		for (char *c = line; n < 16 && (tok = strtok_r(c, " ", &save)); c = NULL)
			fields[n++] = tok;
		if (n < 5 || sscanf(sep + 3, "%63s %*s %1023s", fstype, opts) != 2)
			continue;
		if (strcmp(fstype, "cgroup2") == 0) {
			if (self_cgroup("", self, sizeof(self)) < 0)
				continue;
		} else if (strcmp(fstype, "cgroup") == 0) {
			int matched = -1;

			for (char *c = opts, *s2 = NULL; (tok = strtok_r(c, ",", &s2)); c = NULL) {
				if (strncmp(tok, "name=", 5) == 0 || (strchr(tok, '=') == NULL &&
				    strcmp(tok, "rw") && strcmp(tok, "ro") && strcmp(tok, "xattr") &&
				    strcmp(tok, "noprefix") && strcmp(tok, "clone_children") &&
				    strcmp(tok, "cpuset_v2_mode"))) {
					matched = self_cgroup(tok, self, sizeof(self));
					break;
				}
			}
			if (matched < 0)
				continue;
		} else {
			continue;
		}
		/* fields[3] is the cgroup shown at the mount point */
		const char *rel = self;
		size_t rootlen = strlen(fields[3]);
		if (strcmp(fields[3], "/") != 0 && strncmp(self, fields[3], rootlen) == 0)
			rel = self + rootlen;
		snprintf(dir, sizeof(dir), "%s%s/%s", fields[4], strcmp(rel, "/") == 0 ? "" : rel, parent);
		if (access(dir, F_OK) == 0)
			nftw(dir, remove_dir, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
	}
	fclose(f);
	return 0;
}

/* An initialised instance, for the calls that need one; NULL after saying why. */
static struct liblve *instance(void)
{
	struct liblve *lve = calloc(1, (size_t)lve_instance_init(NULL));
	int r;

	if (!lve)
		return NULL;
	r = lve_instance_init(lve);
	if (r < 0) {
		fprintf(stderr, "lvedemo: lve_instance_init: %s\n", strerror(-r));
		free(lve);
		return NULL;
	}
	return lve;
}

/* ep ID N: the entry limit, through the limits table like any other. */
static int set_ep(const char *arg_id, const char *arg_n)
{
	struct lve_limits lim = { { 0 } };
	struct liblve *lve;
	uint32_t id, n;
	int r;

	if (parse_u32(arg_id, &id) < 0 || parse_u32(arg_n, &n) < 0)
		return usage();
	lve = instance();
	if (!lve)
		return 1;
	lim.value[LVE_LIMIT_EP] = n;
	r = lve_limits_set(lve, id, &lim, LVE_LIMIT_BIT(LVE_LIMIT_EP), NULL);
	if (r < 0)
		fprintf(stderr, "lvedemo: lve_limits_set(%u, ep %u): %s\n", id, n, strerror(-r));
	lve_instance_destroy(lve);
	free(lve);
	return r < 0;
}

/* faults ID: how many entries LVE ID refused at its entry limit. */
static int ep_faults(const char *arg_id)
{
	struct lve_usage now;
	struct liblve *lve;
	uint32_t id;
	int r;

	if (parse_u32(arg_id, &id) < 0)
		return usage();
	lve = instance();
	if (!lve)
		return 1;
	r = lve_usage_get(lve, id, &now);
	if (r < 0)
		fprintf(stderr, "lvedemo: lve_usage_get(%u): %s\n", id, strerror(-r));
	else
		printf("%llu\n", (unsigned long long)now.fault_ep);
	lve_instance_destroy(lve);
	free(lve);
	return r < 0;
}

static int rss(char **argv)
{
	struct rusage ru;
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return 1;
	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0)
		return 1;
	fprintf(stderr, "%ld\n", ru.ru_maxrss);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	uint32_t id, cpu;
	int r;

	if (argc < 3)
		return usage();
	if (strcmp(argv[1], "limit") == 0 && argc == 4) {
		if (parse_u32(argv[2], &id) < 0 || parse_u32(argv[3], &cpu) < 0)
			return usage();
		r = lve_create(id);
		if (r == 0)
			r = lve_setup(id, (int32_t)cpu, -1);
		if (r < 0)
			fprintf(stderr, "lvedemo: LVE %u: %s\n", id, strerror(-r));
		return r < 0;
	}
	if (strcmp(argv[1], "destroy") == 0) {
		for (int i = 2; i < argc; i++) {
			if (parse_u32(argv[i], &id) < 0)
				return usage();
			r = lve_destroy(id);
			if (r < 0 && r != -ENOENT) {
				fprintf(stderr, "lvedemo: lve_destroy(%u): %s\n", id, strerror(-r));
				return 1;
			}
		}
		return 0;
	}
	if (strcmp(argv[1], "ep") == 0 && argc == 4)
		return set_ep(argv[2], argv[3]);
	if (strcmp(argv[1], "faults") == 0 && argc == 3)
		return ep_faults(argv[2]);
	if (strcmp(argv[1], "spin") == 0 && argc == 3)
		return spin(argv[2]);
	if (strcmp(argv[1], "cgroup") == 0 && argc == 3)
		return cgroup_of(argv[2]);
	if (strcmp(argv[1], "prune") == 0 && argc == 3)
		return prune(argv[2]);
	if (strcmp(argv[1], "rss") == 0)
		return rss(argv + 2);
	return usage();
}
