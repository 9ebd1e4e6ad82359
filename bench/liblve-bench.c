/* SPDX-License-Identifier: MIT */
/*
 * liblve-bench.c - what liblve costs on this machine's real hierarchy.
 *
 * Prints, for 0, 10, 100, 1,000 and 10,000 existing LVEs:
 *   enter+leave          one lve_enter + lve_leave round trip of this process
 *   enter+leave, ep 20   the same into an LVE with an entry limit (a slot
 *                        taken and freed each time)
 *   create+setup+destroy the whole life of one more LVE
 * as median and 90th percentile in microseconds, and
 *   usage of every LVE   lve_list + lve_usage_get of each LVE, once, in
 *                        seconds (goal: all 10,000 in under 1 s)
 * enter must stay flat as LVEs accumulate; nothing here asserts it, the
 * figures are for README.
 *
 * Everything lives beneath this process's own cgroups
 * (LIBLVE_CGROUP_PARENT=lvebench-<pid>, relative) and is removed at the end.
 * Needs root.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "lve-ctl.h"
#include "../tests/native/cgtree.h"
#include "bench.h"

#define SAMPLES 200

static void report(const char *what, long existing, double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	printf("%-22s %7ld LVEs   median %8.1f us   p90 %8.1f us\n", what, existing, v[n / 2],
	       v[n * 9 / 10]);
	fflush(stdout);
}

static void die(const char *what, int r)
{
	fprintf(stderr, "liblve-bench: %s: %s\n", what, strerror(-r));
	exit(1);
}

int main(int argc, char **argv)
{
	static const long steps[] = { 0, 10, 100, 1000, 10000 };
	long max = argc > 1 ? atol(argv[1]) : 10000;
	char parent[64];
	struct cg_view view;
	struct liblve *lve;
	double samples[SAMPLES];
	long existing = 0;
	uint32_t cookie;
	int r;

	if (geteuid() != 0) {
		fprintf(stderr, "liblve-bench: needs root\n");
		return 1;
	}
	snprintf(parent, sizeof(parent), "lvebench-%d", (int)getpid());
	setenv("LIBLVE_CGROUP_PARENT", parent, 1);
	if (cg_view_load(&view) < 0) {
		fprintf(stderr, "liblve-bench: no cgroup hierarchy with cpu\n");
		return 1;
	}
	lve = malloc((size_t)lve_instance_init(NULL));
	if (!lve || (r = lve_instance_init(lve)) < 0)
		die("lve_instance_init", lve ? r : -ENOMEM);
	printf("liblve-bench: %d hierarchies (cpu on %s), %d samples per figure\n", view.n,
	       view.h[view.cpu].v2 ? "cgroup v2" : "cgroup v1", SAMPLES);

	for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]) && steps[s] <= max; s++) {
		double t0 = now_us();

		while (existing < steps[s]) {
			r = lve_create((uint32_t)(100000 + existing));
			if (r < 0)
				die("lve_create", r);
			existing++;
		}
		if (steps[s] > 0)
			printf("  (made %ld LVEs in %.2f s)\n", steps[s],
			       (now_us() - t0) / 1e6);
		/* the LVE we enter exists already: the common case of a server */
		if ((r = lve_create(1)) < 0)
			die("lve_create", r);
		{
			struct lve_limits ep = { { 0 } };

			ep.value[LVE_LIMIT_EP] = 20;
			if ((r = lve_limits_set(lve, 3, &ep, LVE_LIMIT_BIT(LVE_LIMIT_EP), NULL)) < 0)
				die("lve_limits_set (ep 20)", r);
		}
		for (int i = 0; i < SAMPLES; i++) {
			double t = now_us();

			if ((r = lve_enter(lve, 1, (uint32_t)-1, (uint32_t)-1, &cookie)) < 0)
				die("lve_enter", r);
			if ((r = lve_leave(lve, &cookie)) < 0)
				die("lve_leave", r);
			samples[i] = now_us() - t;
		}
		report("enter+leave", existing, samples, SAMPLES);
		for (int i = 0; i < SAMPLES; i++) {
			double t = now_us();

			if ((r = lve_enter(lve, 3, (uint32_t)-1, (uint32_t)-1, &cookie)) < 0)
				die("lve_enter (ep 20)", r);
			if ((r = lve_leave(lve, &cookie)) < 0)
				die("lve_leave (ep 20)", r);
			samples[i] = now_us() - t;
		}
		report("enter+leave, ep 20", existing, samples, SAMPLES);
		{
			static uint32_t ids[20000];
			struct lve_usage usage;
			double t = now_us();
			int n = lve_list(lve, ids, sizeof(ids) / sizeof(ids[0]));

			if (n < 0)
				die("lve_list", n);
			for (int i = 0; i < n && i < (int)(sizeof(ids) / sizeof(ids[0])); i++)
				if ((r = lve_usage_get(lve, ids[i], &usage)) < 0)
					die("lve_usage_get", r);
			printf("%-22s %7ld LVEs   %d listed and read in %.3f s\n", "usage of every LVE",
			       existing, n, (now_us() - t) / 1e6);
			fflush(stdout);
		}
		for (int i = 0; i < SAMPLES; i++) {
			double t = now_us();

			if ((r = lve_create(2)) < 0 || (r = lve_setup(2, 50, 200)) < 0 ||
			    (r = lve_destroy(2)) < 0)
				die("create/setup/destroy", r);
			samples[i] = now_us() - t;
		}
		report("create+setup+destroy", existing, samples, SAMPLES);
	}

	/* clean up: every LVE, then the tree in each hierarchy */
	for (long i = 0; i < existing; i++)
		lve_destroy((uint32_t)(100000 + i));
	lve_destroy(1);
	lve_destroy(3);
	for (int h = 0; h < view.n; h++) {
		char dir[2048];
		const char *self = strcmp(view.h[h].self, "/") == 0 ? "" : view.h[h].self;

		snprintf(dir, sizeof(dir), "%s%s/%s", view.h[h].mount, self, parent);
		cg_remove_tree(dir);
	}
	lve_instance_destroy(lve);
	free(lve);
	return 0;
}
