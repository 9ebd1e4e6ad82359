/* SPDX-License-Identifier: MIT */
/*
 * cl-bench.c - what CloudLinux's API costs per request on this machine's
 * real hierarchy, next to the original API.
 *
 * Prints median (p50) and 99th percentile in microseconds of one enter and
 * one exit:
 *   seed, root          lve_enter + lve_leave (the original API: the whole
 *                       process moves; root only)
 *   cloudlinux, root    lve_enter_flags + lve_exit as root (liblve moves the
 *                       calling thread itself)
 *   cloudlinux, user    lve_enter_flags + lve_exit from a process that
 *                       dropped to an unprivileged uid after init_lve() as
 *                       root, as a web server's child does (through the
 *                       broker)
 *   the kernel's part   the same moves as bare writes of the thread's id to
 *                       each hierarchy's `tasks`, files kept open: what no
 *                       library can take away
 * and each one's ratio to the first.  Asserts nothing: the figures are for
 * docs/cloudlinux.md.
 *
 * Everything lives beneath this process's own cgroups
 * (LIBLVE_CGROUP_PARENT=clbench-<pid>, relative) and is removed at the end,
 * whatever happened.  Needs root.  Usage: cl-bench [SAMPLES] [UID]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lve-ctl.h"
#include "lve/lve-ctl.h"
#include "../tests/native/cgtree.h"
#include "bench.h"

#define LVE_ID 1001

static struct cg_view view;
static char parent[64];

static double base_p50, base_p99;

static double report(const char *what, double *v, int n, int is_base)
{
	double p50, p99;

	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	p50 = v[n / 2];
	p99 = v[n * 99 / 100];
	if (is_base) {
		base_p50 = p50;
		base_p99 = p99;
	}
	printf("%-44s p50 %7.1f us   p99 %8.1f us   (x%.2f, x%.2f)\n", what, p50, p99,
	       p50 / base_p50, p99 / base_p99);
	fflush(stdout);
	return p50;
}

/* The tree beneath our cgroups, in every hierarchy: gone. */
static void clean_tree(void)
{
	for (int h = 0; h < view.n; h++) {
		char dir[2048];
		const char *self = strcmp(view.h[h].self, "/") == 0 ? "" : view.h[h].self;

		snprintf(dir, sizeof(dir), "%s%s/%s", view.h[h].mount, self, parent);
		cg_remove_tree(dir);
	}
}

static void die(const char *what, int r)
{
	fprintf(stderr, "cl-bench: %s: %s\n", what, strerror(r < 0 ? -r : r));
	if (getpid() == (pid_t)atoi(parent + strlen("clbench-")))
		clean_tree();
	exit(1);
}

/* The same moves the library makes, as bare writes: this thread's id into
 * `tasks` of LVE_ID and back, in every hierarchy, files open beforehand. */
static void kernel_floor(double *v, int samples)
{
	int in[CG_MAX], out[CG_MAX];
	char tid[16];

	snprintf(tid, sizeof(tid), "%ld", (long)syscall(SYS_gettid));
	for (int h = 0; h < view.n; h++) {
		char dir[2048], path[2100];
		const char *self = strcmp(view.h[h].self, "/") == 0 ? "" : view.h[h].self;

		snprintf(dir, sizeof(dir), "%s%s", view.h[h].mount, self);
		snprintf(path, sizeof(path), "%s/%s/%d/%s", dir, parent, LVE_ID,
			 view.h[h].v2 ? "cgroup.procs" : "tasks");
		in[h] = open(path, O_WRONLY | O_CLOEXEC);
		snprintf(path, sizeof(path), "%s/%s", dir, view.h[h].v2 ? "cgroup.procs" : "tasks");
		out[h] = open(path, O_WRONLY | O_CLOEXEC);
		if (in[h] < 0 || out[h] < 0)
			die("opening tasks", errno);
	}
	for (int i = 0; i < samples; i++) {
		double t = now_us();

		for (int h = 0; h < view.n; h++)
			if (write(in[h], tid, strlen(tid)) < 0)
				die("writing tasks", errno);
		for (int h = view.n - 1; h >= 0; h--)
			if (write(out[h], tid, strlen(tid)) < 0)
				die("writing tasks", errno);
		v[i] = now_us() - t;
	}
	for (int h = 0; h < view.n; h++) {
		close(in[h]);
		close(out[h]);
	}
}

int main(int argc, char **argv)
{
	int samples = argc > 1 ? atoi(argv[1]) : 2000;
	uid_t uid = argc > 2 ? (uid_t)atoi(argv[2]) : 65534;
	struct liblve *seed, *cl;
	double *v, user_p50;
	uint32_t cookie;
	int r = -ENOMEM, status;
	pid_t pid;

	if (geteuid() != 0) {
		fprintf(stderr, "cl-bench: needs root\n");
		return 1;
	}
	if (samples < 100)
		samples = 100;
	snprintf(parent, sizeof(parent), "clbench-%d", (int)getpid());
	setenv("LIBLVE_CGROUP_PARENT", parent, 1);
	prctl(PR_SET_CHILD_SUBREAPER, 1); /* the broker comes back here, to be reaped */
	if (cg_view_load(&view) < 0) {
		fprintf(stderr, "cl-bench: no cgroup hierarchy with cpu\n");
		return 1;
	}
	v = mmap(NULL, (size_t)samples * sizeof(*v), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	seed = malloc((size_t)lve_instance_init(NULL));
	if (v == MAP_FAILED || !seed || (r = lve_instance_init(seed)) < 0)
		die("lve_instance_init", r);
	cl = init_lve(malloc, free);
	if (!cl)
		die("init_lve", errno);
	if ((r = lve_create(LVE_ID)) < 0)
		die("lve_create", r);
	printf("cl-bench: %d hierarchies (cpu on %s), %d samples per figure, user %d\n", view.n,
	       view.h[view.cpu].v2 ? "cgroup v2" : "cgroup v1", samples, (int)uid);

	for (int i = 0; i < samples; i++) {
		double t = now_us();

		if ((r = lve_enter(seed, LVE_ID, (uint32_t)-1, (uint32_t)-1, &cookie)) < 0)
			die("lve_enter", r);
		if ((r = lve_leave(seed, &cookie)) < 0)
			die("lve_leave", r);
		v[i] = now_us() - t;
	}
	report("seed lve_enter+lve_leave, root", v, samples, 1);

	for (int i = 0; i < samples; i++) {
		double t = now_us();

		if ((r = lve_enter_flags(cl, LVE_ID, &cookie, 0)) < 0)
			die("lve_enter_flags", r);
		if ((r = lve_exit(cl, &cookie)) < 0)
			die("lve_exit", r);
		v[i] = now_us() - t;
	}
	report("lve_enter_flags+lve_exit, root", v, samples, 0);

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setresgid(uid, uid, uid) < 0 ||
		    setresuid(uid, uid, uid) < 0)
			die("dropping privileges", errno);
		for (int i = 0; i < samples; i++) {
			double t = now_us();

			if ((r = lve_enter_flags(cl, LVE_ID, &cookie, 0)) < 0)
				die("lve_enter_flags as a user", r);
			if ((r = lve_exit(cl, &cookie)) < 0)
				die("lve_exit as a user", r);
			v[i] = now_us() - t;
		}
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die("the unprivileged run", EIO);
	user_p50 = report("lve_enter_flags+lve_exit, unprivileged", v, samples, 0);

	kernel_floor(v, samples);
	report("the kernel's part: the bare writes", v, samples, 0);
	printf("goal p50 <= 100 us, unprivileged: %s (%.1f us)\n", user_p50 <= 100 ? "met" : "NOT met",
	       user_p50);

	destroy_lve(cl);
	lve_destroy(LVE_ID);
	clean_tree();
	lve_instance_destroy(seed);
	free(seed);
	return 0;
}
