/*
 * lve.c - the LVE API over cgroups: the nine public functions and the tree
 * operations they share.
 *
 * State lives in cgroupfs, beside the tree, so it outlives any process and
 * every process sees the same:
 *
 *   <parent>/<ve_id>                 the LVE, one cgroup per hierarchy used
 *   trusted.liblve.limits            on the LVE's cpu cgroup: "cpu=N io=N",
 *                                    written last when it is made, so its
 *                                    presence means "limits in place"
 *   trusted.liblve.defaults          on the parent's cpu cgroup: the limits a
 *                                    new LVE of this tree gets
 *
 * (trusted.* attributes need CAP_SYS_ADMIN to read or write.)
 *
 * Atomic creation, one scheme for v1 and v2.  v2 cannot rename a cgroup, so
 * an LVE cannot be built elsewhere and moved into place; instead its cpu
 * cgroup only counts as existing once it carries its limits record, and the
 * record is written after every limit in every hierarchy.  Entrants look for
 * the record under a shared flock(2) on the parent directory; whoever finds
 * none takes the lock exclusively, then builds or completes the LVE (a
 * creator that was killed halfway leaves a directory without a record, which
 * the next one finishes).  destroy and setup also lock exclusively, so no
 * entrant slips into an LVE that is being removed.  The parent is mode 0711
 * so that only root can open it, and so only root can hold the lock.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "lve-ctl.h"
#include "internal.h"

#define LVE_API __attribute__((visibility("default")))

#define XATTR_LIMITS "trusted.liblve.limits"
#define XATTR_DEFAULTS "trusted.liblve.defaults"
#define LVE_ID_MAX 0x7fffffffu
#define INSTANCE_MAGIC 0x4c564531u /* "LVE1" */
#define PARENT_MODE 0711

struct liblve {
	uint32_t magic;
	uint32_t entered;              /* a cookie is outstanding */
	uint32_t cookie;
	uint32_t ve_id;
	struct lve_host host;          /* hierarchies found at init; self/parent as of the last call */
	char origin[LVE_MAX_HIER][LVE_PATH_MAX]; /* our cgroups before lve_enter */
};

/* Every public function reports failure both ways: -errno and errno. */
static int fail(int r)
{
	if (r < 0)
		errno = -r;
	return r;
}

static int valid_id(uint32_t id)
{
	return id >= 1 && id <= LVE_ID_MAX;
}

static int valid_cpu(int64_t cpu)
{
	return cpu >= 0 && cpu <= LVE_CPU_MAX;
}

static int valid_io(int64_t io)
{
	return io >= LVE_IO_MIN && io <= LVE_IO_MAX;
}

static int is_root(void)
{
	return geteuid() == 0;
}

static int lve_rel(const struct lve_hier *hier, uint32_t id, char *out, size_t size)
{
	int n = snprintf(out, size, "%s/%u", hier->parent, id);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* --- tree: the hierarchies of one operation, opened, and the lock ------- */

struct tree {
	const struct lve_host *host;
	int fd[LVE_MAX_HIER];
	int lock; /* the primary parent, flock'ed; -1 when not held */
};

static void tree_unlock(struct tree *t)
{
	if (t->lock >= 0)
		close(t->lock); /* closing the only fd drops the flock */
	t->lock = -1;
}

static void tree_close(struct tree *t)
{
	tree_unlock(t);
	for (int i = 0; i < t->host->n; i++)
		if (t->fd[i] >= 0)
			close(t->fd[i]);
}

static int tree_open(struct tree *t, const struct lve_host *host)
{
	t->host = host;
	t->lock = -1;
	for (int i = 0; i < LVE_MAX_HIER; i++)
		t->fd[i] = -1;
	for (int i = 0; i < host->n; i++) {
		t->fd[i] = cgfs_open_hier(host, i);
		if (t->fd[i] < 0) {
			int r = t->fd[i];

			tree_close(t);
			return r;
		}
	}
	return 0;
}

/*
 * Lock the tree (LOCK_SH or LOCK_EX).  -ENOENT when the parent does not
 * exist yet.  A fresh open file description each time: flock belongs to it,
 * and one inherited across fork() would be shared with the parent.
 */
static int tree_lock(struct tree *t, int how)
{
	const struct lve_host *host = t->host;
	int p = host->primary, fd, r = 0;
	struct stat st;

	fd = cgfs_open_dir(host, t->fd[p], host->h[p].parent);
	if (fd < 0)
		return fd;
	/* Anyone who can open the parent can hold its lock and stall every
	 * lve_enter on the host: only root may. */
	if (fstat(fd, &st) == 0 && (st.st_mode & 07777) != PARENT_MODE)
		(void)fchmod(fd, PARENT_MODE);
	while (flock(fd, how) < 0) {
		if (errno != EINTR) {
			r = -errno;
			close(fd);
			return r;
		}
	}
	t->lock = fd;
	return 0;
}

/* --- mkdir -p, shared by the layouts ------------------------------------- */

int lve_mkdir_p(const struct lve_host *host, int h, int hfd, const char *path, size_t *made,
		int (*each)(const struct lve_host *host, int h, int hfd, const char *rel,
			    int is_last))
{
	char rel[LVE_PATH_MAX];
	const char *p = path;
	int r;

	*made = 0;
	if (strlen(path) >= sizeof(rel))
		return -ENAMETOOLONG;
	if (each) {
		r = each(host, h, hfd, "", *path == '\0');
		if (r < 0)
			return r;
	}
	while (*p) {
		const char *end = strchrnul(p, '/');
		size_t len = (size_t)(end - path);

		memcpy(rel, path, len);
		rel[len] = '\0';
		r = cgfs_mkdir(host, h, hfd, rel, 0755);
		if (r == 0 && *made == 0)
			*made = len;
		else if (r < 0 && r != -EEXIST)
			goto undo;
		if (each) {
			r = each(host, h, hfd, rel, *end == '\0');
			if (r < 0)
				goto undo;
		}
		p = *end ? end + 1 : end;
	}
	return 0;
undo:
	lve_rmdir_p(host, h, hfd, path, *made);
	*made = 0;
	return r;
}

void lve_rmdir_p(const struct lve_host *host, int h, int hfd, const char *path, size_t made)
{
	char rel[LVE_PATH_MAX];

	if (made == 0 || strlen(path) >= sizeof(rel))
		return;
	strcpy(rel, path);
	while (strlen(rel) >= made) {
		char *slash;

		(void)cgfs_rmdir(host, h, hfd, rel); /* ENOENT: never got that far */
		slash = strrchr(rel, '/');
		if (!slash)
			break;
		*slash = '\0';
	}
}

/* Make the parent in every hierarchy; on failure undo what this call made. */
static int ensure_parents(struct tree *t)
{
	const struct lve_host *host = t->host;
	size_t made[LVE_MAX_HIER] = { 0 };
	int r = 0, i;

	for (i = 0; i < host->n; i++) {
		r = lve_backend_of(&host->h[i])->prepare_parent(host, i, t->fd[i], &made[i]);
		if (r < 0)
			break;
	}
	if (r < 0)
		while (i-- > 0)
			lve_rmdir_p(host, i, t->fd[i], host->h[i].parent, made[i]);
	return r;
}

/* --- the records: limits of an LVE, defaults of a tree --------------------- */

static int parse_limits(const char *text, struct lve_limits *out)
{
	unsigned cpu, io;

	if (sscanf(text, "cpu=%u io=%u", &cpu, &io) != 2 || !valid_cpu(cpu) || !valid_io(io))
		return -EIO; /* only root writes trusted.*: a bad record is corruption */
	out->cpu = cpu;
	out->io = io;
	return 0;
}

static void format_limits(const struct lve_limits *lim, char *buf, size_t size)
{
	snprintf(buf, size, "cpu=%u io=%u", lim->cpu, lim->io);
}

/* 1: the LVE exists with its limits (filled in if @out); 0: its directory is
 * there but was never finished; -ENOENT: no such LVE. */
static int read_record(const struct tree *t, uint32_t id, struct lve_limits *out)
{
	const struct lve_host *host = t->host;
	int p = host->primary, r;
	char rel[LVE_PATH_MAX], buf[64];
	struct lve_limits lim;

	r = lve_rel(&host->h[p], id, rel, sizeof(rel));
	if (r < 0)
		return r;
	r = cgfs_getxattr(host, t->fd[p], rel, XATTR_LIMITS, buf, sizeof(buf));
	if (r == -ENODATA)
		return 0;
	if (r < 0)
		return r;
	r = parse_limits(buf, &lim);
	if (r < 0)
		return r;
	if (out)
		*out = lim;
	return 1;
}

static int read_defaults(const struct tree *t, struct lve_limits *out)
{
	const struct lve_host *host = t->host;
	int p = host->primary, r;
	char buf[64];

	r = cgfs_getxattr(host, t->fd[p], host->h[p].parent, XATTR_DEFAULTS, buf, sizeof(buf));
	if (r == -ENODATA || r == -ENOENT) {
		out->cpu = LVE_DEFAULT_CPU;
		out->io = LVE_DEFAULT_IO;
		return 0;
	}
	if (r < 0)
		return r;
	return parse_limits(buf, out);
}

/*
 * Write the limits of LVE @id that @set asks for (cpu and/or io), then its
 * record @lim.  The record goes last: it is what says the LVE is ready.
 */
enum { SET_CPU = 1, SET_IO = 2 };

static int apply_limits(const struct tree *t, uint32_t id, const struct lve_limits *lim,
			unsigned set)
{
	const struct lve_host *host = t->host;
	char rel[LVE_PATH_MAX], record[64];
	int r;

	for (int i = 0; i < host->n; i++) {
		const struct lve_backend *be = lve_backend_of(&host->h[i]);

		r = lve_rel(&host->h[i], id, rel, sizeof(rel));
		if (r < 0)
			return r;
		if ((set & SET_CPU) && (host->h[i].ctrls & LVE_CTRL_CPU)) {
			r = be->set_cpu(host, i, t->fd[i], rel, lim->cpu);
			if (r < 0)
				return r;
		}
		if ((set & SET_IO) && (host->h[i].ctrls & LVE_CTRL_IO)) {
			r = be->set_io(host, i, t->fd[i], rel, lim->io);
			if (r < 0)
				return r;
		}
	}
	format_limits(lim, record, sizeof(record));
	r = lve_rel(&host->h[host->primary], id, rel, sizeof(rel));
	if (r < 0)
		return r;
	return cgfs_setxattr(host, t->fd[host->primary], rel, XATTR_LIMITS, record);
}

/* The kernel's ways of saying "no room for another cgroup". */
static int alloc_error(int r)
{
	return r == -ENOMEM || r == -ENOSPC || r == -EAGAIN ? -ENOMEM : r;
}

/*
 * Make LVE @id with the tree's defaults, or finish one a killed creator left
 * without its record.  Called with the tree locked exclusively and the
 * parents in place.  On failure, removes what this call made.
 */
static int ensure_lve(const struct tree *t, uint32_t id)
{
	const struct lve_host *host = t->host;
	int made[LVE_MAX_HIER] = { 0 };
	struct lve_limits lim;
	char rel[LVE_PATH_MAX];
	int r, i;

	r = read_record(t, id, NULL);
	if (r == 1)
		return 0; /* already there, limits as they are */
	if (r != 0 && r != -ENOENT)
		return r;
	r = read_defaults(t, &lim);
	if (r < 0)
		return r;
	for (i = 0; i < host->n; i++) {
		r = lve_rel(&host->h[i], id, rel, sizeof(rel));
		if (r == 0)
			r = cgfs_mkdir(host, i, t->fd[i], rel, 0755);
		if (r == 0)
			made[i] = 1;
		else if (r != -EEXIST)
			goto undo;
	}
	r = apply_limits(t, id, &lim, SET_CPU | SET_IO);
	if (r == 0)
		return 0;
	i = host->n;
undo:
	r = alloc_error(r);
	while (i-- > 0)
		if (made[i] && lve_rel(&host->h[i], id, rel, sizeof(rel)) == 0)
			(void)cgfs_rmdir(host, i, t->fd[i], rel);
	return r;
}

/* --- membership ------------------------------------------------------------ */

/* Move this process into cgroup @rel of hierarchy @i. */
static int move_self(const struct tree *t, int i, const char *rel)
{
	char pid[16];

	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	return cgfs_write(t->host, i, t->fd[i], rel, "cgroup.procs", pid);
}

/*
 * Is the process inside an LVE?  True when its own cpu cgroup, or any cgroup
 * above it, carries an LVE record: this holds for any tree, so a process in
 * a test tree's LVE cannot nest into the host's or the other way round.
 */
static int inside_lve(const struct tree *t)
{
	const struct lve_host *host = t->host;
	int p = host->primary, cur = t->fd[p], inside = 0;
	const char *s = host->h[p].self;
	char comp[NAME_MAX + 1], buf[64];

	while (*s && !inside) {
		const char *end = strchrnul(s, '/');
		size_t len = (size_t)(end - s);
		int fd;

		if (len == 0 || len > NAME_MAX) {
			inside = -EINVAL;
			break;
		}
		memcpy(comp, s, len);
		comp[len] = '\0';
		fd = cgfs_open_dir(host, cur, comp);
		if (cur != t->fd[p])
			close(cur);
		if (fd < 0)
			return fd;
		cur = fd;
		if (fgetxattr(fd, XATTR_LIMITS, buf, sizeof(buf)) >= 0)
			inside = 1;
		else if (errno != ENODATA)
			inside = -errno;
		s = *end ? end + 1 : end;
	}
	if (cur != t->fd[p])
		close(cur);
	return inside;
}

/* Refresh the instance's view of where the process is now. */
static int refresh_self(struct lve_host *host)
{
	char text[8192];
	int r;

	r = lve_read_self_cgroup(text, sizeof(text));
	if (r < 0)
		return r;
	return lve_host_parse_self(host, text);
}

static int join(struct liblve *lve, struct tree *t, uint32_t id)
{
	const struct lve_host *host = &lve->host;
	char rel[LVE_PATH_MAX];
	int r = 0, i;

	for (i = 0; i < host->n; i++) {
		r = lve_rel(&host->h[i], id, rel, sizeof(rel));
		if (r == 0)
			r = move_self(t, i, rel);
		if (r < 0)
			break;
	}
	if (r < 0) {
		/* back to where we were in the hierarchies already joined */
		while (i-- > 0)
			(void)move_self(t, i, host->h[i].self);
		return r;
	}
	return 0;
}

static int enter(struct liblve *lve, uint32_t id, uint32_t *cookie)
{
	struct lve_host *host = &lve->host;
	struct tree t;
	uint32_t value = 0;
	int r;

	r = refresh_self(host);
	if (r < 0)
		return r;
	r = tree_open(&t, host);
	if (r < 0)
		return r;
	r = inside_lve(&t);
	if (r != 0) {
		r = r > 0 ? -EPERM : r;
		goto out;
	}

	/* The common case: the LVE exists and is ready. */
	r = tree_lock(&t, LOCK_SH);
	if (r == 0) {
		r = read_record(&t, id, NULL);
		if (r < 0 && r != -ENOENT)
			goto out;
		if (r != 1)
			tree_unlock(&t);
	} else if (r != -ENOENT) {
		goto out;
	}
	if (t.lock < 0) {
		r = ensure_parents(&t);
		if (r == 0)
			r = tree_lock(&t, LOCK_EX);
		if (r == 0)
			r = ensure_lve(&t, id);
		if (r < 0)
			goto out;
	}

	while (value == 0) {
		if (getrandom(&value, sizeof(value), 0) != sizeof(value)) {
			r = errno == EINTR ? -EINTR : -EAGAIN;
			goto out;
		}
	}
	r = join(lve, &t, id);
	if (r < 0)
		goto out;
	for (int i = 0; i < host->n; i++)
		strcpy(lve->origin[i], host->h[i].self);
	lve->ve_id = id;
	lve->cookie = value;
	lve->entered = 1;
	*cookie = value;
out:
	tree_close(&t);
	return r;
}

static int leave(struct liblve *lve, const uint32_t *cookie)
{
	struct lve_host *host = &lve->host;
	struct tree t;
	int r, first = 0;

	r = refresh_self(host);
	if (r < 0)
		return r;
	r = tree_open(&t, host);
	if (r < 0)
		return r;
	r = inside_lve(&t);
	if (r <= 0) {
		tree_close(&t);
		return r < 0 ? r : -ESRCH;
	}
	if (!lve->entered || *cookie != lve->cookie) {
		/* As the kernel module did: a task inside an LVE must not be able
		 * to guess its way out. */
		tree_close(&t);
		kill(getpid(), SIGKILL);
		return -EPERM;
	}
	for (int i = 0; i < host->n; i++) {
		r = move_self(&t, i, lve->origin[i]);
		if (r < 0 && first == 0)
			first = r;
	}
	tree_close(&t);
	if (first < 0)
		return first;
	lve->entered = 0;
	lve->cookie = 0;
	return 0;
}

/* --- the API over a given host ------------------------------------------- */

int lve_host_create(const struct lve_host *host, uint32_t ve_id)
{
	struct tree t;
	int r;

	if (!valid_id(ve_id))
		return -EINVAL;
	if (!is_root())
		return -EPERM;
	r = tree_open(&t, host);
	if (r < 0)
		return r;
	r = ensure_parents(&t);
	if (r == 0)
		r = tree_lock(&t, LOCK_EX);
	if (r == 0)
		r = ensure_lve(&t, ve_id);
	tree_close(&t);
	return r;
}

int lve_host_destroy(const struct lve_host *host, uint32_t ve_id)
{
	char rel[LVE_PATH_MAX];
	struct tree t;
	int r, any = 0;

	if (!valid_id(ve_id))
		return -EINVAL;
	if (!is_root())
		return -EPERM;
	r = tree_open(&t, host);
	if (r < 0)
		return r;
	r = tree_lock(&t, LOCK_EX);
	if (r < 0)
		goto out;
	/* Refuse before removing anything: a busy LVE stays whole. */
	for (int i = 0; i < host->n; i++) {
		r = lve_rel(&host->h[i], ve_id, rel, sizeof(rel));
		if (r == 0)
			r = lve_backend_of(&host->h[i])->empty(host, t.fd[i], rel);
		if (r == -ENOENT)
			continue;
		if (r < 0)
			goto out;
		if (r == 0) {
			r = -EBUSY;
			goto out;
		}
		any = 1;
	}
	if (!any) {
		r = -ENOENT;
		goto out;
	}
	/* The cpu cgroup, with the record, first: from then on the LVE is gone
	 * for everyone, and a destroy killed halfway leaves only leftovers that
	 * the next creator reuses. */
	r = lve_rel(&host->h[host->primary], ve_id, rel, sizeof(rel));
	if (r == 0)
		r = cgfs_rmdir(host, host->primary, t.fd[host->primary], rel);
	for (int i = 0; i < host->n && (r == 0 || r == -ENOENT); i++) {
		if (i == host->primary)
			continue;
		r = lve_rel(&host->h[i], ve_id, rel, sizeof(rel));
		if (r == 0)
			r = cgfs_rmdir(host, i, t.fd[i], rel);
	}
	if (r == -ENOENT)
		r = 0;
out:
	tree_close(&t);
	return r;
}

int lve_host_setup(const struct lve_host *host, uint32_t ve_id, int32_t cpu, int32_t io)
{
	struct lve_limits lim;
	unsigned set = 0;
	struct tree t;
	int r;

	if (!valid_id(ve_id) || (cpu != -1 && !valid_cpu(cpu)) || (io != -1 && !valid_io(io)))
		return -EINVAL;
	if (!is_root())
		return -EPERM;
	r = tree_open(&t, host);
	if (r < 0)
		return r;
	r = tree_lock(&t, LOCK_EX);
	if (r == 0)
		r = read_record(&t, ve_id, &lim);
	if (r == 0)
		r = -ENOENT; /* never finished: it does not exist yet */
	if (r < 0)
		goto out;
	if (cpu != -1) {
		lim.cpu = (uint32_t)cpu;
		set |= SET_CPU;
	}
	if (io != -1) {
		lim.io = (uint32_t)io;
		set |= SET_IO;
	}
	r = apply_limits(&t, ve_id, &lim, set);
out:
	tree_close(&t);
	return r;
}

int lve_host_set_default(const struct lve_host *host, uint32_t cpu, uint32_t io)
{
	struct lve_limits lim = { cpu, io };
	char record[64];
	struct tree t;
	int r, p = host->primary;

	if (!valid_cpu(cpu) || !valid_io(io))
		return -EINVAL;
	if (!is_root())
		return -EPERM;
	r = tree_open(&t, host);
	if (r < 0)
		return r;
	r = ensure_parents(&t);
	if (r == 0)
		r = tree_lock(&t, LOCK_EX);
	if (r == 0) {
		format_limits(&lim, record, sizeof(record));
		r = cgfs_setxattr(host, t.fd[p], host->h[p].parent, XATTR_DEFAULTS, record);
	}
	tree_close(&t);
	return r;
}

int lve_host_defaults(const struct lve_host *host, struct lve_limits *out)
{
	struct tree t;
	int r;

	r = tree_open(&t, host);
	if (r < 0)
		return r;
	r = read_defaults(&t, out);
	tree_close(&t);
	return r;
}

int lve_host_limits(const struct lve_host *host, uint32_t ve_id, struct lve_limits *out)
{
	struct tree t;
	int r;

	r = tree_open(&t, host);
	if (r < 0)
		return r;
	r = read_record(&t, ve_id, out);
	tree_close(&t);
	return r == 0 ? -ENOENT : r < 0 ? r : 0;
}

int lve_host_available(const struct lve_host *host)
{
	struct tree t;
	int ok = 1;

	if (host->primary < 0 || tree_open(&t, host) < 0)
		return 0;
	for (int i = 0; i < host->n && ok; i++) {
		char rel[LVE_PATH_MAX];
		int fd;

		/* the parent, or the closest ancestor that exists, must be a
		 * directory on this hierarchy's cgroupfs */
		strcpy(rel, host->h[i].parent);
		for (;;) {
			char *slash;

			fd = cgfs_open_dir(host, t.fd[i], rel);
			if (fd >= 0 || fd != -ENOENT || rel[0] == '\0')
				break;
			slash = strrchr(rel, '/');
			if (slash)
				*slash = '\0';
			else
				rel[0] = '\0';
		}
		/* EACCES: there, and closed to the caller (the parent is 0711) */
		if (fd < 0 && fd != -EACCES)
			ok = 0;
		else if (fd >= 0)
			close(fd);
	}
	tree_close(&t);
	return ok;
}

/* --- the public functions -------------------------------------------------- */

LVE_API int lve_is_available(void)
{
	struct lve_host host;
	int saved = errno, r;

	r = lve_host_discover(&host) == 0 && lve_host_available(&host);
	errno = saved;
	return r;
}

LVE_API int lve_set_default(uint32_t cpu, uint32_t io)
{
	struct lve_host host;
	int r;

	if (!valid_cpu(cpu) || !valid_io(io))
		return fail(-EINVAL);
	if (!is_root())
		return fail(-EPERM);
	r = lve_host_discover(&host);
	if (r == 0)
		r = lve_host_set_default(&host, cpu, io);
	return fail(r);
}

LVE_API int lve_create(uint32_t ve_id)
{
	struct lve_host host;
	int r;

	if (!valid_id(ve_id))
		return fail(-EINVAL);
	if (!is_root())
		return fail(-EPERM);
	r = lve_host_discover(&host);
	if (r == 0)
		r = lve_host_create(&host, ve_id);
	return fail(r);
}

LVE_API int lve_destroy(uint32_t ve_id)
{
	struct lve_host host;
	int r;

	if (!valid_id(ve_id))
		return fail(-EINVAL);
	if (!is_root())
		return fail(-EPERM);
	r = lve_host_discover(&host);
	if (r == 0)
		r = lve_host_destroy(&host, ve_id);
	return fail(r);
}

LVE_API int lve_setup(uint32_t ve_id, int32_t cpu, int32_t io)
{
	struct lve_host host;
	int r;

	if (!valid_id(ve_id) || (cpu != -1 && !valid_cpu(cpu)) || (io != -1 && !valid_io(io)))
		return fail(-EINVAL);
	if (!is_root())
		return fail(-EPERM);
	r = lve_host_discover(&host);
	if (r == 0)
		r = lve_host_setup(&host, ve_id, cpu, io);
	return fail(r);
}

LVE_API int lve_instance_init(struct liblve *lve)
{
	int r;

	if (!lve)
		return (int)sizeof(struct liblve);
	memset(lve, 0, sizeof(*lve));
	r = lve_host_discover(&lve->host);
	if (r < 0)
		return fail(r);
	lve->magic = INSTANCE_MAGIC;
	return 0;
}

LVE_API int lve_instance_destroy(struct liblve *lve)
{
	if (!lve || lve->magic != INSTANCE_MAGIC)
		return fail(-EINVAL);
	memset(lve, 0, sizeof(*lve));
	return 0;
}

LVE_API int lve_enter(struct liblve *lve, uint32_t ve_id, uint32_t uid, uint32_t gid,
		      uint32_t *cookie)
{
	(void)uid; /* unused, as in the original API: callers pass (uint32_t)-1 */
	(void)gid;
	if (!lve || lve->magic != INSTANCE_MAGIC || !valid_id(ve_id))
		return fail(-EINVAL);
	if (!cookie)
		return fail(-EFAULT);
	if (!is_root())
		return fail(-EPERM);
	return fail(enter(lve, ve_id, cookie));
}

LVE_API int lve_leave(struct liblve *lve, uint32_t *cookie)
{
	if (!lve || lve->magic != INSTANCE_MAGIC)
		return fail(-EINVAL);
	if (!cookie)
		return fail(-EFAULT);
	if (!is_root())
		return fail(-EPERM);
	return fail(leave(lve, cookie));
}
