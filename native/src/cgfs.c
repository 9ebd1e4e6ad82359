/* SPDX-License-Identifier: MIT */
/*
 * cgfs.c - the one way liblve touches cgroupfs.
 *
 * Everything is opened relative to a directory fd of the hierarchy, one path
 * component at a time with O_NOFOLLOW, so no symlink anywhere can redirect a
 * write made as root; every fd is O_CLOEXEC, so nothing leaks into the
 * command a launcher execs; and what was opened is checked with fstatfs to be
 * on a cgroup filesystem, so a path that escaped cgroupfs (a bind mount, a
 * tmpfs mounted over a hierarchy) is refused rather than written.
 *
 * Calls the kernel may interrupt with a signal are retried on EINTR, as runc
 * does: a multithreaded runtime (.NET suspends its threads with signals)
 * would otherwise see cgroupfs writes fail at random.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "internal.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

/* Run a call that returns -1 and sets errno until it is not interrupted;
 * the value it returned, or -errno. */
#define RETRY(call)                                                                     \
	({                                                                              \
		long r_;                                                                \
		do                                                                      \
			r_ = (long)(call);                                              \
		while (r_ < 0 && errno == EINTR);                                       \
		r_ < 0 ? -errno : r_;                                                   \
	})

static int check_fs(const struct lve_host *host, int fd)
{
	struct statfs st;
	long r = RETRY(fstatfs(fd, &st));

	if (r < 0)
		return (int)r;
	(void)host; /* only test builds have a fake */
	if (LVE_FAKE(host))
		return 0;
	if ((unsigned long)st.f_type != CGROUP_SUPER_MAGIC &&
	    (unsigned long)st.f_type != CGROUP2_SUPER_MAGIC)
		return -EXDEV;
	return 0;
}

int cgfs_open_hier(const struct lve_host *host, int h)
{
	int fd, r;

	fd = (int)RETRY(open(host->h[h].mount, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
	if (fd < 0)
		return fd;
	r = check_fs(host, fd);
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

/* Every component of @rel is a plain name: not empty, ".", ".." or too long. */
static int check_rel(const char *rel)
{
	const char *p = rel;

	while (*p) {
		const char *end = strchrnul(p, '/');
		size_t len = (size_t)(end - p);

		if (len == 0 || (len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
			return -EINVAL;
		if (len > NAME_MAX)
			return -ENAMETOOLONG;
		p = *end ? end + 1 : end;
	}
	return 0;
}

/* The portable way: one component at a time, each with O_NOFOLLOW. */
static int walk_components(int dirfd, const char *rel, int flags)
{
	char comp[NAME_MAX + 1];
	const char *p = rel;
	int cur = dirfd, fd;

	for (;;) {
		const char *end = strchrnul(p, '/');
		size_t len = (size_t)(end - p);
		int last = *end == '\0';

		memcpy(comp, p, len);
		comp[len] = '\0';
		fd = (int)RETRY(openat(cur, comp,
				       (last ? flags : O_RDONLY | O_DIRECTORY) | O_NOFOLLOW | O_CLOEXEC));
		if (cur != dirfd)
			close(cur);
		if (fd < 0 || last)
			return fd;
		cur = fd;
		p = end + 1;
	}
}

/*
 * Open @rel beneath @dirfd without following a symlink anywhere on the way:
 * openat2(RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH) does it in one call; where
 * the kernel (before 5.6) or a seccomp filter refuses openat2, the walk does
 * it one component at a time.  The result is checked to be on cgroupfs.
 */
static int walk(const struct lve_host *host, int dirfd, const char *rel, int flags)
{
	int fd, r;

	r = check_rel(rel);
	if (r < 0)
		return r;
	if (*rel == '\0') {
		/* the directory itself: reopen it so the caller owns the fd */
		fd = (int)RETRY(openat(dirfd, ".", flags | O_CLOEXEC));
	} else {
#ifdef SYS_openat2
		int walk_only = LVE_FAKE(host) && LVE_FAKE(host)->walk_only;
		struct open_how how = {
			.flags = (uint64_t)(flags | O_NOFOLLOW | O_CLOEXEC),
			.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
				   RESOLVE_NO_XDEV,
		};

		if (walk_only)
			fd = -ENOSYS;
		else
			fd = (int)RETRY(syscall(SYS_openat2, dirfd, rel, &how, sizeof(how)));
		if (fd == -ENOSYS || fd == -EPERM || fd == -E2BIG)
#endif
			fd = walk_components(dirfd, rel, flags);
	}
	if (fd < 0)
		return fd;
	r = check_fs(host, fd);
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

int cgfs_open_dir(const struct lve_host *host, int dirfd, const char *rel)
{
	return walk(host, dirfd, rel, O_RDONLY | O_DIRECTORY);
}

int cgfs_open_mounted(const struct lve_host *host, int h, const char *rel)
{
	char path[2 * LVE_PATH_MAX + 2];
	int fd, r;

	r = check_rel(rel);
	if (r < 0)
		return r;
	if (snprintf(path, sizeof(path), "%s/%s", host->h[h].mount, rel) >= (int)sizeof(path))
		return -ENAMETOOLONG;
#ifdef SYS_openat2
	{
		struct open_how how = {
			.flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
			.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
		};

		fd = LVE_FAKE(host) && LVE_FAKE(host)->walk_only
			     ? -ENOSYS
			     : (int)RETRY(syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how)));
	}
	if (fd == -ENOSYS || fd == -EPERM || fd == -E2BIG)
#endif
	{
		int hfd = cgfs_open_hier(host, h);

		if (hfd < 0)
			return hfd;
		fd = cgfs_open_dir(host, hfd, rel);
		close(hfd);
		return fd;
	}
	if (fd < 0)
		return fd;
	r = check_fs(host, fd);
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

/* Open control file @file of cgroup @rel: one walk of "<rel>/<file>", with
 * the same guarantees as opening the directory and then the file, in a
 * third of the system calls (a move writes one file per hierarchy). */
int cgfs_open_file(const struct lve_host *host, int hfd, const char *rel, const char *file,
		   int flags)
{
	char path[LVE_PATH_MAX + NAME_MAX + 2];
	int n;

	if (strchr(file, '/'))
		return -EINVAL;
	n = *rel ? snprintf(path, sizeof(path), "%s/%s", rel, file)
		 : snprintf(path, sizeof(path), "%s", file);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	return walk(host, hfd, path, flags);
}

static int write_once(const struct lve_host *host, int h, int hfd, const char *rel,
		      const char *file, const char *value)
{
	size_t len = strlen(value);
	ssize_t n;
	int fd, r;

	if (LVE_FAKE(host) && LVE_FAKE(host)->writing) {
		char path[LVE_PATH_MAX + NAME_MAX + 2];

		if (*rel)
			snprintf(path, sizeof(path), "%s/%s", rel, file);
		else
			snprintf(path, sizeof(path), "%s", file);
		r = LVE_FAKE(host)->writing(LVE_FAKE(host)->ctx, host, h, path, value);
		if (r != 0)
			return r < 0 ? r : 0; /* > 0: the emulation wrote it */
	}
	(void)h;
	fd = cgfs_open_file(host, hfd, rel, file, O_WRONLY);
	if (fd < 0)
		return fd;
	/* cgroupfs takes a value in a single write(); a short one is a failure */
	n = write(fd, value, len);
	r = n < 0 ? -errno : (size_t)n != len ? -EIO : 0;
	close(fd);
	return r;
}

int cgfs_write(const struct lve_host *host, int h, int hfd, const char *rel, const char *file,
	       const char *value)
{
	int r;

	/* A signal may interrupt the write (a .NET runtime suspends its threads
	 * with signals; the kernel may be waiting on a lock): write again, as
	 * runc does.  The whole write, so that the fake trees prove it. */
	do
		r = write_once(host, h, hfd, rel, file, value);
	while (r == -EINTR);
	return r;
}

int cgfs_read_at(const struct lve_host *host, int dfd, const char *file, char *buf, size_t size)
{
	int fd, r;

	/* Only what liblve writes needs the cgroupfs check on the file itself:
	 * reads are of files in a cgroup directory already checked, and an
	 * admin reading usage reads many of them. */
	(void)host;
	if (size == 0)
		return -EINVAL;
	fd = (int)RETRY(openat(dfd, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
	if (fd < 0)
		return fd;
	r = lve_read_file(fd, buf, size);
	close(fd);
	/* a control file longer than @size: its head is what callers parse */
	return r == -EFBIG ? (int)strlen(buf) : r;
}

int cgfs_read(const struct lve_host *host, int hfd, const char *rel, const char *file, char *buf,
	      size_t size)
{
	int dfd, r;

	if (size == 0)
		return -EINVAL;
	dfd = cgfs_open_dir(host, hfd, rel);
	if (dfd < 0)
		return dfd;
	r = cgfs_read_at(host, dfd, file, buf, size);
	close(dfd);
	return r;
}

int cgfs_exists_at(int dfd, const char *file)
{
	struct stat st;

	return fstatat(dfd, file, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

int cgfs_exists(const struct lve_host *host, int hfd, const char *rel, const char *file)
{
	int dfd, r;

	dfd = cgfs_open_dir(host, hfd, rel);
	if (dfd < 0)
		return dfd;
	r = cgfs_exists_at(dfd, file);
	close(dfd);
	return r;
}

/* Split @rel into the directory that holds it (opened) and its last name. */
static int open_parent_of(const struct lve_host *host, int hfd, const char *rel,
			  const char **name)
{
	char dir[LVE_PATH_MAX];
	const char *slash = strrchr(rel, '/');
	size_t len;

	if (*rel == '\0')
		return -EINVAL;
	if (!slash) {
		*name = rel;
		return cgfs_open_dir(host, hfd, "");
	}
	len = (size_t)(slash - rel);
	if (len >= sizeof(dir))
		return -ENAMETOOLONG;
	memcpy(dir, rel, len);
	dir[len] = '\0';
	*name = slash + 1;
	return cgfs_open_dir(host, hfd, dir);
}

int cgfs_mkdir(const struct lve_host *host, int h, int hfd, const char *rel, mode_t mode)
{
	const char *name;
	int pfd, r = 0;

	pfd = open_parent_of(host, hfd, rel, &name);
	if (pfd < 0)
		return pfd;
	if (strlen(name) > NAME_MAX) {
		r = -ENAMETOOLONG;
	} else {
		/* The kernel gives a new cgroup, and every control file in it, the
		 * creator's fsuid and fsgid, and a setuid-root caller still carries
		 * its user's gid: made as root:root, an LVE belongs to no user.
		 * Both calls act on this thread alone and are undone at once.
		 * The mode is final from the first instant (the umask can only
		 * make it closer). */
		uid_t fsuid = (uid_t)setfsuid(0);
		gid_t fsgid = (gid_t)setfsgid(0);

		r = (int)RETRY(mkdirat(pfd, name, mode));
		setfsgid(fsgid);
		setfsuid(fsuid);
	}
	close(pfd);
	if (r == 0 && LVE_FAKE(host) && LVE_FAKE(host)->made)
		r = LVE_FAKE(host)->made(LVE_FAKE(host)->ctx, host, h, rel);
	return r;
}

int cgfs_rmdir(const struct lve_host *host, int h, int hfd, const char *rel)
{
	const char *name;
	int pfd, r = 0;

	if (LVE_FAKE(host) && LVE_FAKE(host)->unmaking) {
		r = LVE_FAKE(host)->unmaking(LVE_FAKE(host)->ctx, host, h, rel);
		if (r < 0)
			return r;
	}
	pfd = open_parent_of(host, hfd, rel, &name);
	if (pfd < 0)
		return pfd;
	r = (int)RETRY(unlinkat(pfd, name, AT_REMOVEDIR));
	close(pfd);
	return r < 0 ? r : 0;
}

int cgfs_rename(const struct lve_host *host, int h, int hfd, const char *from, const char *to)
{
	const char *from_slash = strrchr(from, '/'), *to_slash = strrchr(to, '/');
	size_t dir_len = from_slash ? (size_t)(from_slash - from) : 0;
	const char *name, *to_name = to_slash ? to_slash + 1 : to;
	int pfd, r;

	/* only ever beside itself: the kernel refuses anything else on v1 */
	if (dir_len != (to_slash ? (size_t)(to_slash - to) : 0) || strncmp(from, to, dir_len) != 0)
		return -EINVAL;
	pfd = open_parent_of(host, hfd, from, &name);
	if (pfd < 0)
		return pfd;
	r = (int)RETRY(renameat(pfd, name, pfd, to_name));
	close(pfd);
	/* an existing target is refused by cgroupfs itself (EEXIST); on a plain
	 * directory (the fake trees) renaming onto a non-empty one says so */
	if (r == -ENOTEMPTY)
		r = -EEXIST;
	if (r == 0 && LVE_FAKE(host) && LVE_FAKE(host)->noted) {
		char what[NAME_MAX + 8];

		snprintf(what, sizeof(what), "rename %s", to_name);
		LVE_FAKE(host)->noted(LVE_FAKE(host)->ctx, host, h, from, what);
	}
	return r;
}

int cgfs_getxattr(int dfd, const char *name, char *buf, size_t size)
{
	long n;

	if (size == 0)
		return -EINVAL;
	n = RETRY(fgetxattr(dfd, name, buf, size - 1));
	if (n < 0)
		return (int)n;
	buf[n] = '\0';
	return (int)n;
}

int cgfs_setxattr(const struct lve_host *host, int h, int dfd, const char *rel, const char *name,
		  const char *value, int flags)
{
	/* one setxattr replaces the value atomically: readers never see half */
	long r = RETRY(fsetxattr(dfd, name, value, strlen(value), flags));

	if (r == 0 && LVE_FAKE(host) && LVE_FAKE(host)->noted) {
		char what[128];

		snprintf(what, sizeof(what), "xattr %s", name);
		LVE_FAKE(host)->noted(LVE_FAKE(host)->ctx, host, h, rel, what);
	}
	return r < 0 ? (int)r : 0;
}

int cgfs_removexattr(int dfd, const char *name)
{
	long r = RETRY(fremovexattr(dfd, name));

	return r < 0 ? (int)r : 0;
}

int cgfs_listxattr(int dfd, char *buf, size_t size)
{
	return (int)RETRY(flistxattr(dfd, buf, size));
}
