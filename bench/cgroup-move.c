/* SPDX-License-Identifier: MIT */
/*
 * cgroup-move - how long the kernel takes to move a process from one cgroup
 * to another, back to back and after an idle spell.  The figures behind
 * docs/systemd.md's section on favordynmods; measured, never asserted.
 *
 *   cgroup-move DIR [COUNT [IDLE_MS]]
 *   cgroup-move --fork [COUNT]
 *
 * Makes the cgroups DIR/a and DIR/b (DIR: a directory in the cgroup v2
 * hierarchy that this process may write), moves itself between them COUNT
 * times (default 200), sleeping IDLE_MS milliseconds (default 0) before each
 * move, and prints the minimum, median, 90th percentile and maximum time of
 * one cgroup.procs write in microseconds.  Then it moves back to the cgroup
 * it started in and removes both.  Needs root (or write access to DIR and
 * to the starting cgroup).
 *
 * --fork prints the same figures for one fork, _exit and wait (default
 * 2000 of them): what favordynmods costs every process on the host.
 *
 * Why: every move takes cgroup_threadgroup_rwsem for writing.  Unless the
 * hierarchy favours dynamic changes (favordynmods), the first writer after
 * a quiet spell waits for an RCU grace period (rcu_sync), milliseconds where
 * a warm move takes microseconds.  lverun moves once per launch.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

/* Writes "0" (this process) to PATH/cgroup.procs: 0 or -errno. */
static int move_self(const char *path)
{
	char file[4096];
	int fd, r = 0;

	snprintf(file, sizeof(file), "%s/cgroup.procs", path);
	fd = open(file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, "0", 1) != 1)
		r = -errno;
	close(fd);
	return r;
}

/* This process's cgroup v2 directory: the cgroup2 mount point plus the
 * "0::" line of /proc/self/cgroup.  0 or -errno. */
static int own_cgroup(char *out, size_t size)
{
	char line[4096], mnt[4096] = "", path[4096] = "";
	FILE *f = fopen("/proc/self/mountinfo", "re");

	if (!f)
		return -errno;
	while (!mnt[0] && fgets(line, sizeof(line), f)) {
		char point[4096];
		if (strstr(line, " - cgroup2 ") && sscanf(line, "%*s %*s %*s %*s %4095s", point) == 1)
			snprintf(mnt, sizeof(mnt), "%s", point);
	}
	fclose(f);
	f = fopen("/proc/self/cgroup", "re");
	if (!f)
		return -errno;
	while (!path[0] && fgets(line, sizeof(line), f))
		if (strncmp(line, "0::", 3) == 0)
			snprintf(path, sizeof(path), "%.*s", (int)strcspn(line + 3, "\n"), line + 3);
	fclose(f);
	if (!mnt[0] || !path[0])
		return -ENOENT;
	snprintf(out, size, "%s%s", mnt, strcmp(path, "/") ? path : "");
	return 0;
}

static long us_between(const struct timespec *t0, const struct timespec *t1)
{
	return (t1->tv_sec - t0->tv_sec) * 1000000L + (t1->tv_nsec - t0->tv_nsec) / 1000;
}

static void print_figures(const char *what, long *us, long count)
{
	qsort(us, (size_t)count, sizeof(*us), cmp_long);
	printf("%s: min %ld us, median %ld us, p90 %ld us, max %ld us\n", what, us[0], us[count / 2],
	       us[count * 9 / 10], us[count - 1]);
}

static int forks(long count)
{
	long *us = calloc((size_t)count, sizeof(*us));
	char what[64];

	if (!us) {
		perror("cgroup-move");
		return 1;
	}
	for (long i = 0; i < count; i++) {
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		if (pid < 0 || waitpid(pid, NULL, 0) < 0) {
			perror("cgroup-move: fork");
			free(us);
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		us[i] = us_between(&t0, &t1);
	}
	snprintf(what, sizeof(what), "%ld forks", count);
	print_figures(what, us, count);
	free(us);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "--fork") == 0 && argc <= 3) {
		long count = argc > 2 ? strtol(argv[2], NULL, 10) : 2000;
		return count < 1 ? 2 : forks(count);
	}
	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: cgroup-move DIR [COUNT [IDLE_MS]]\n       cgroup-move --fork [COUNT]\n");
		return 2;
	}
	const char *dir = argv[1];
	long count = argc > 2 ? strtol(argv[2], NULL, 10) : 200;
	long idle_ms = argc > 3 ? strtol(argv[3], NULL, 10) : 0;
	char a[4096], b[4096], home[4096];
	int r;

	if (count < 1 || idle_ms < 0) {
		fprintf(stderr, "cgroup-move: COUNT must be 1 or more, IDLE_MS 0 or more\n");
		return 2;
	}
	r = own_cgroup(home, sizeof(home));
	if (r < 0) {
		fprintf(stderr, "cgroup-move: cannot tell this process's cgroup v2 directory: %s\n", strerror(-r));
		return 1;
	}
	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	if ((mkdir(a, 0755) < 0 && errno != EEXIST) || (mkdir(b, 0755) < 0 && errno != EEXIST)) {
		fprintf(stderr, "cgroup-move: mkdir %s: %s\n", a, strerror(errno));
		return 1;
	}
	long *us = calloc((size_t)count, sizeof(*us));
	if (!us) {
		perror("cgroup-move");
		return 1;
	}
	struct timespec idle = { idle_ms / 1000, (idle_ms % 1000) * 1000000L };
	for (long i = 0; i < count && r == 0; i++) {
		struct timespec t0, t1;
		if (idle_ms)
			nanosleep(&idle, NULL);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		r = move_self(i % 2 ? b : a);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		us[i] = us_between(&t0, &t1);
	}
	int back = move_self(home);
	rmdir(a);
	rmdir(b);
	if (r < 0 || back < 0) {
		fprintf(stderr, "cgroup-move: moving into %s: %s\n", r < 0 ? a : home, strerror(-(r < 0 ? r : back)));
		return 1;
	}
	char what[96];
	snprintf(what, sizeof(what), "%ld moves, %ld ms idle before each", count, idle_ms);
	print_figures(what, us, count);
	free(us);
	return 0;
}
