/*
 * cgfs.c - the one way liblve touches cgroupfs.
 *
 * Everything is opened relative to a directory fd of the hierarchy, one path
 * component at a time with O_NOFOLLOW, so no symlink anywhere can redirect a
 * write made as root; every fd is O_CLOEXEC, so nothing leaks into the
 * command a launcher execs; and what was opened is checked with fstatfs to be
 * on a cgroup filesystem, so a path that escaped cgroupfs (a bind mount, a
 * tmpfs mounted over a hierarchy) is refused rather than written.
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

static int check_fs(const struct lve_host *host, int fd)
{
	struct statfs st;

	if (fstatfs(fd, &st) < 0)
		return -errno;
	if (host->fake)
		return 0;
	if ((unsigned long)st.f_type != CGROUP_SUPER_MAGIC &&
	    (unsigned long)st.f_type != CGROUP2_SUPER_MAGIC)
		return -EXDEV;
	return 0;
}

int cgfs_open_hier(const struct lve_host *host, int h)
{
	int fd, r;

	fd = open(host->h[h].mount, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
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
		fd = openat(cur, comp, (last ? flags : O_RDONLY | O_DIRECTORY) | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			fd = -errno;
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
		fd = openat(dirfd, ".", flags | O_CLOEXEC);
		fd = fd < 0 ? -errno : fd;
	} else {
#ifdef SYS_openat2
		int walk_only = host->fake && host->fake->walk_only;
		struct open_how how = {
			.flags = (uint64_t)(flags | O_NOFOLLOW | O_CLOEXEC),
			.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
				   RESOLVE_NO_XDEV,
		};

		if (walk_only) {
			fd = -ENOSYS;
		} else {
			fd = (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
			fd = fd < 0 ? -errno : fd;
		}
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

/* Open control file @file of cgroup @rel. */
static int open_file(const struct lve_host *host, int hfd, const char *rel, const char *file,
		     int flags)
{
	int dfd, fd, r;

	dfd = cgfs_open_dir(host, hfd, rel);
	if (dfd < 0)
		return dfd;
	fd = openat(dfd, file, flags | O_NOFOLLOW | O_CLOEXEC);
	r = fd < 0 ? -errno : check_fs(host, fd);
	close(dfd);
	if (r < 0) {
		if (fd >= 0)
			close(fd);
		return r;
	}
	return fd;
}

int cgfs_write(const struct lve_host *host, int h, int hfd, const char *rel, const char *file,
	       const char *value)
{
	size_t len = strlen(value);
	ssize_t n;
	int fd, r = 0;

	if (host->fake && host->fake->writing) {
		char path[LVE_PATH_MAX + NAME_MAX + 2];

		if (*rel)
			snprintf(path, sizeof(path), "%s/%s", rel, file);
		else
			snprintf(path, sizeof(path), "%s", file);
		r = host->fake->writing(host->fake->ctx, host, h, path, value);
		if (r != 0)
			return r < 0 ? r : 0; /* > 0: the emulation wrote it */
	}
	fd = open_file(host, hfd, rel, file, O_WRONLY);
	if (fd < 0)
		return fd;
	/* cgroupfs takes a value in a single write(); a short one is a failure */
	n = write(fd, value, len);
	if (n < 0)
		r = -errno;
	else if ((size_t)n != len)
		r = -EIO;
	close(fd);
	return r;
}

int cgfs_read(const struct lve_host *host, int hfd, const char *rel, const char *file, char *buf,
	      size_t size)
{
	size_t off = 0;
	int fd, r = 0;

	if (size == 0)
		return -EINVAL;
	fd = open_file(host, hfd, rel, file, O_RDONLY);
	if (fd < 0)
		return fd;
	while (off < size - 1) {
		ssize_t n = read(fd, buf + off, size - 1 - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	buf[off] = '\0';
	return r < 0 ? r : (int)off;
}

int cgfs_exists(const struct lve_host *host, int hfd, const char *rel, const char *file)
{
	struct stat st;
	int dfd, r;

	dfd = cgfs_open_dir(host, hfd, rel);
	if (dfd < 0)
		return dfd;
	r = fstatat(dfd, file, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
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
		 * Both calls act on this thread alone and are undone at once. */
		uid_t fsuid = (uid_t)setfsuid(0);
		gid_t fsgid = (gid_t)setfsgid(0);

		if (mkdirat(pfd, name, mode) < 0)
			r = -errno;
		setfsgid(fsgid);
		setfsuid(fsuid);
	}
	close(pfd);
	if (r == 0 && host->fake && host->fake->made)
		r = host->fake->made(host->fake->ctx, host, h, rel);
	return r;
}

int cgfs_rmdir(const struct lve_host *host, int h, int hfd, const char *rel)
{
	const char *name;
	int pfd, r = 0;

	if (host->fake && host->fake->unmaking) {
		r = host->fake->unmaking(host->fake->ctx, host, h, rel);
		if (r < 0)
			return r;
	}
	pfd = open_parent_of(host, hfd, rel, &name);
	if (pfd < 0)
		return pfd;
	if (unlinkat(pfd, name, AT_REMOVEDIR) < 0)
		r = -errno;
	close(pfd);
	return r;
}

int cgfs_getxattr(const struct lve_host *host, int hfd, const char *rel, const char *name,
		  char *buf, size_t size)
{
	ssize_t n;
	int dfd, r;

	if (size == 0)
		return -EINVAL;
	dfd = cgfs_open_dir(host, hfd, rel);
	if (dfd < 0)
		return dfd;
	n = fgetxattr(dfd, name, buf, size - 1);
	r = n < 0 ? -errno : (int)n;
	close(dfd);
	if (r >= 0)
		buf[r] = '\0';
	return r;
}

int cgfs_setxattr(const struct lve_host *host, int hfd, const char *rel, const char *name,
		  const char *value)
{
	int dfd, r = 0;

	dfd = cgfs_open_dir(host, hfd, rel);
	if (dfd < 0)
		return dfd;
	/* one setxattr replaces the value atomically: readers never see half */
	if (fsetxattr(dfd, name, value, strlen(value), 0) < 0)
		r = -errno;
	close(dfd);
	return r;
}

int cgfs_removexattr(const struct lve_host *host, int hfd, const char *rel, const char *name)
{
	int dfd, r = 0;

	dfd = cgfs_open_dir(host, hfd, rel);
	if (dfd < 0)
		return dfd;
	if (fremovexattr(dfd, name) < 0)
		r = -errno;
	close(dfd);
	return r;
}
