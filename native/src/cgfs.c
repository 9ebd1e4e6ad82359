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
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
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

/*
 * Walk @rel beneath @dirfd.  The last component is opened with @flags (plus
 * O_NOFOLLOW|O_CLOEXEC); the ones before it as directories.
 */
static int walk(const struct lve_host *host, int dirfd, const char *rel, int flags)
{
	char comp[NAME_MAX + 1];
	const char *p = rel, *slash;
	int cur = dirfd, fd = -1, r;

	if (*p == '\0') {
		/* the directory itself: reopen it so the caller owns the fd */
		fd = openat(dirfd, ".", flags | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		goto check;
	}
	for (;;) {
		size_t len;
		int last;

		slash = strchr(p, '/');
		len = slash ? (size_t)(slash - p) : strlen(p);
		last = !slash || slash[1] == '\0';
		if (len == 0 || len > NAME_MAX) {
			r = len ? -ENAMETOOLONG : -EINVAL;
			goto fail;
		}
		memcpy(comp, p, len);
		comp[len] = '\0';
		if (strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0) {
			r = -EINVAL;
			goto fail;
		}
		fd = openat(cur, comp,
			    (last ? flags : O_RDONLY | O_DIRECTORY) | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			/* O_NOFOLLOW on a symlink: say what it is */
			r = errno == ELOOP ? -ELOOP : -errno;
			goto fail;
		}
		if (cur != dirfd)
			close(cur);
		cur = fd;
		if (last)
			break;
		p = slash + 1;
	}
check:
	r = check_fs(host, fd);
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
fail:
	if (cur != dirfd)
		close(cur);
	return r;
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
	if (strlen(name) > NAME_MAX)
		r = -ENAMETOOLONG;
	else if (mkdirat(pfd, name, mode) < 0)
		r = -errno;
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
