/* SPDX-License-Identifier: MIT */
/*
 * floor - the least a launcher into an LVE does, in C, for
 * bench/lverun-bench: what lverun does for a root caller without --user,
 * and nothing else.
 *
 *   floor ID PROGRAM [ARG...]   enter LVE ID as lverun does (the calling
 *                               thread, lve_enter_thread from liblve.a),
 *                               drop to the caller's own ids and groups
 *                               (setgroups, setresgid, setresuid, each
 *                               checked, then getresuid/getresgid), execv
 *   floor empty                 exit 0 at once: a process of this size
 *
 * No argument checks beyond what keeps it from misbehaving, no policy, no
 * configuration, no environment handling, no leave on failure (it exits):
 * a floor to measure lverun against, never a tool.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lve-ctl.h"

/* Hidden in liblve.so, linked from liblve.a (native/src/internal.h). */
int lve_enter_thread(struct liblve *lve, uint32_t ve_id, uint32_t *cookie);

static int die(const char *what, int err)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(err));
	return 125;
}

int main(int argc, char **argv)
{
	gid_t groups[NGROUPS_MAX];
	uid_t uid = getuid(), ru, eu, su;
	gid_t gid = getgid(), rg, eg, sg;
	struct liblve *lve;
	uint32_t cookie;
	int n, r;

	if (argc == 2 && strcmp(argv[1], "empty") == 0)
		return 0;
	if (argc < 3)
		return 2;
	n = getgroups(NGROUPS_MAX, groups);
	if (n < 0)
		return die("getgroups", errno);
	lve = calloc(1, (size_t)lve_instance_init(NULL));
	if (!lve)
		return die("calloc", ENOMEM);
	r = lve_instance_init(lve);
	if (r < 0)
		return die("lve_instance_init", -r);
	r = lve_enter_thread(lve, (uint32_t)strtoul(argv[1], NULL, 10), &cookie);
	if (r < 0)
		return die("lve_enter", -r);
	if (setgroups((size_t)n, groups) < 0)
		return die("setgroups", errno);
	if (setresgid(gid, gid, gid) < 0)
		return die("setresgid", errno);
	if (setresuid(uid, uid, uid) < 0)
		return die("setresuid", errno);
	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0 || ru != uid || eu != uid ||
	    su != uid || rg != gid || eg != gid || sg != gid)
		return die("the drop", EPERM);
	execv(argv[2], argv + 2);
	return die("execv", errno);
}
