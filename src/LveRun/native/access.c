/* SPDX-License-Identifier: MIT */
/*
 * access.c - whether an account can reach and run a file, asked with that
 * account's own file-system identity (SECURITY.md rule 21).
 *
 * lverun is root while it looks the command up.  Had root's view decided
 * anything, a caller could learn through lverun's answers what lies in
 * directories it cannot search.  So the lookup asks as the caller, and for
 * --user also as the target: the calling thread takes their fsuid, fsgid
 * and supplementary groups for the length of one check and then its own
 * back.  The kernel drops root's file capabilities (CAP_DAC_OVERRIDE and
 * the like) while the fsuid is not 0 and gives them back with it, and every
 * permission check of path walking, statx and faccessat2 (AT_EACCESS) uses
 * the file-system ids, so the answer is exactly the account's own.
 *
 * Raw syscalls, on purpose: they change only the calling thread, whereas
 * glibc's setgroups changes every thread of the process; the runtime's
 * other threads never touch the file system on lverun's behalf.
 */
#define _GNU_SOURCE
#include "caller.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef SYS_faccessat2
#define SYS_faccessat2 439
#endif
#ifndef AT_EACCESS
#define AT_EACCESS 0x200
#endif

#define MAX_GROUPS 65536

static gid_t own_groups[MAX_GROUPS], their_groups[MAX_GROUPS];

static int same_groups(const gid_t *a, int na, const uint32_t *b, int nb)
{
	if (na != nb)
		return 0;
	for (int i = 0; i < na; i++)
		if (a[i] != (gid_t)b[i])
			return 0;
	return 1;
}

/* The current fsuid or fsgid: setfs*id with an invalid id changes nothing
 * and returns the current one. */
static uid_t current_fsuid(void)
{
	return (uid_t)syscall(SYS_setfsuid, (uid_t)-1);
}

static gid_t current_fsgid(void)
{
	return (gid_t)syscall(SYS_setfsgid, (gid_t)-1);
}

/* What faccessat2 would say, from the mode alone (kernels before 5.8,
 * without ACLs): the owner's bits, else a group's, else the others'. */
static int mode_allows_execute(const struct stat *st, uid_t uid, gid_t gid, const uint32_t *groups, int n)
{
	if (st->st_uid == uid)
		return (st->st_mode & S_IXUSR) != 0;
	int member = st->st_gid == gid;
	for (int i = 0; i < n && !member; i++)
		member = st->st_gid == (gid_t)groups[i];
	if (member)
		return (st->st_mode & S_IXGRP) != 0;
	return (st->st_mode & S_IXOTH) != 0;
}

/* Restoring our own identity must not fail; if it does, nothing lverun
 * does next can be trusted. */
static void restore(uid_t fsuid, gid_t fsgid, int ngroups, int groups_changed)
{
	syscall(SYS_setfsuid, fsuid);
	syscall(SYS_setfsgid, fsgid);
	if (groups_changed && syscall(SYS_setgroups, (size_t)ngroups, own_groups) != 0)
		goto broken;
	if (current_fsuid() != fsuid || current_fsgid() != fsgid)
		goto broken;
	return;
broken:
	lverun_say("command lookup", "cannot take lverun's own file-system identity back");
	_exit(125);
}

/*
 * Whether @uid, @gid with supplementary @groups can reach @path (a regular
 * file with some execute bit, following symbolic links) and, with
 * @execute, run it.  0, or the errno the account itself would get: ENOENT,
 * ENOTDIR, ELOOP, ENAMETOOLONG, EACCES (a directory it cannot search, or a
 * file it may not run, or one that is not a regular file with an execute
 * bit), ...  Only this thread's identity changes, and only during the call.
 */
LVERUN_API int lverun_check_as(const char *path, uint32_t uid, uint32_t gid, const uint32_t *groups, int ngroups,
			       int execute)
{
	uid_t fsuid = current_fsuid();
	gid_t fsgid = current_fsgid();
	int own = getgroups(MAX_GROUPS, own_groups);
	int error = 0, groups_changed = 0;

	if (own < 0 || ngroups < 0 || ngroups > MAX_GROUPS)
		return own < 0 ? errno : EINVAL;
	if (!same_groups(own_groups, own, groups, ngroups)) {
		for (int i = 0; i < ngroups; i++)
			their_groups[i] = (gid_t)groups[i];
		if (syscall(SYS_setgroups, (size_t)ngroups, their_groups) != 0)
			return errno;
		groups_changed = 1;
	}
	syscall(SYS_setfsgid, (gid_t)gid);
	syscall(SYS_setfsuid, (uid_t)uid);
	if (current_fsuid() != (uid_t)uid || current_fsgid() != (gid_t)gid) {
		error = EPERM;
		goto out;
	}

	struct stat st;
	if (stat(path, &st) != 0) {
		error = errno;
	} else if (!S_ISREG(st.st_mode) || !(st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH))) {
		error = EACCES;
	} else if (execute) {
		if (syscall(SYS_faccessat2, AT_FDCWD, path, X_OK, AT_EACCESS) != 0) {
			error = errno;
			if (error == ENOSYS)
				error = mode_allows_execute(&st, uid, gid, groups, ngroups) ? 0 : EACCES;
		}
	}
out:
	restore(fsuid, fsgid, own, groups_changed);
	return error;
}
