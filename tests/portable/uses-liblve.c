/* SPDX-License-Identifier: MIT */
/*
 * uses-liblve.c - a program an administrator might write against the
 * installed liblve-dev: tests/portable/run builds it inside the Debian 11
 * chroot with that release's gcc and `pkg-config --cflags --libs liblve`,
 * and runs it as root there.
 *
 *   uses-liblve LVE_ID
 *
 * Creates LVE_ID, enters it, prints this process's cgroups as
 * /proc/self/cgroup has them while inside, leaves, destroys the LVE, and
 * exits 0 only if every call returned what lve-ctl.h promises.  Where the
 * LVE lies is liblve's business (LIBLVE_CGROUP_PARENT, relative in the
 * tests): the caller compares the printed paths.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lve-ctl.h>

static int failures;

static void expect(const char *what, int got, int want)
{
	if (got != want) {
		fprintf(stderr, "uses-liblve: %s = %d (%s), want %d\n", what, got,
			got < 0 ? strerror(-got) : "-", want);
		failures++;
	}
}

int main(int argc, char **argv)
{
	struct liblve *lve;
	uint32_t cookie = 0, id;
	int size, entered;
	char line[512];
	FILE *f;

	if (argc != 2 || (id = (uint32_t)strtoul(argv[1], NULL, 10)) == 0) {
		fprintf(stderr, "usage: uses-liblve LVE_ID\n");
		return 2;
	}
	size = lve_instance_init(NULL);
	if (size <= 0 || !(lve = malloc((size_t)size))) {
		fprintf(stderr, "uses-liblve: lve_instance_init(NULL) = %d\n", size);
		return 1;
	}
	expect("lve_instance_init", lve_instance_init(lve), 0);
	expect("lve_is_available", lve_is_available(), 1);
	expect("lve_create", lve_create(id), 0);
	expect("lve_setup(cpu 50, io 100)", lve_setup(id, 50, 100), 0);
	entered = lve_enter(lve, id, (uint32_t)-1, (uint32_t)-1, &cookie);
	expect("lve_enter", entered, 0);
	if (entered == 0) {
		f = fopen("/proc/self/cgroup", "r");
		if (!f) {
			perror("uses-liblve: /proc/self/cgroup");
			failures++;
		} else {
			while (fgets(line, sizeof line, f))
				printf("inside %s", line);
			fclose(f);
		}
		expect("lve_leave", lve_leave(lve, &cookie), 0);
	}
	expect("lve_destroy", lve_destroy(id), 0);
	expect("lve_destroy again", lve_destroy(id), -ENOENT);
	expect("lve_instance_destroy", lve_instance_destroy(lve), 0);
	free(lve);
	return failures != 0;
}
