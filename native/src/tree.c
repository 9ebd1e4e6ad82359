/* SPDX-License-Identifier: MIT */
/*
 * tree.c - an LVE's life: its parent, its creation, its limits, its removal.
 *
 *   <parent>/<id>   the LVE: one cgroup per hierarchy used, mode 0700 (only
 *                   root can look inside: no account can list another's
 *                   processes or read its usage through the tree)
 *   <parent>        mode 0711: only root can open it (and so hold its lock)
 *
 * Creation is atomic for observers: no process can be inside an LVE whose
 * limits are not written, and on v1 no reader of the tree ever sees the LVE
 * without them.  On v1 each hierarchy's cgroup is built under a temporary
 * name (".lve-new-<id>") with its limits, then renamed into place; the
 * primary (cpu) hierarchy goes last, with the record written before its
 * rename, so that the record's presence means "every hierarchy is ready".
 * v2 cannot rename a cgroup: there the LVE is made in place and its record
 * written last, and entrants, who look for the record, wait for the
 * creation lock when it is missing.  Creations are serialised by that lock
 * (the parent's), so a temporary name left by a creator that was killed is
 * stale by definition and the next one removes it.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define PARENT_MODE 0711
#define LVE_MODE 0700
#define TEMP_PREFIX ".lve-new-"

int lve_rel(const struct lve_hier *hier, uint32_t id, char *out, size_t size)
{
	int n = snprintf(out, size, "%s/%u", hier->parent, id);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static int temp_rel(const struct lve_hier *hier, uint32_t id, char *out, size_t size)
{
	int n = snprintf(out, size, "%s/" TEMP_PREFIX "%u", hier->parent, id);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int lve_tree_open(struct lve_tree *t, const struct lve_host *host)
{
	t->host = host;
	t->cache = NULL;
	for (int i = 0; i < LVE_MAX_HIER; i++)
		t->fd[i] = -1;
	for (int i = 0; i < host->n; i++) {
		t->fd[i] = cgfs_open_hier(host, i);
		if (t->fd[i] < 0) {
			int r = t->fd[i];

			lve_tree_close(t);
			return r;
		}
	}
	return 0;
}

void lve_tree_close(struct lve_tree *t)
{
	for (int i = 0; i < t->host->n; i++)
		if (t->fd[i] >= 0)
			close(t->fd[i]);
}

void lve_tree_lazy(struct lve_tree *t, const struct lve_host *host)
{
	t->host = host;
	t->cache = NULL;
	for (int i = 0; i < LVE_MAX_HIER; i++)
		t->fd[i] = -1;
}

int lve_open_lve(const struct lve_tree *t, int h, uint32_t id)
{
	char rel[LVE_PATH_MAX];
	int r = lve_rel(&t->host->h[h], id, rel, sizeof(rel));

	if (r < 0)
		return r;
	if (t->fd[h] < 0)
		return cgfs_open_mounted(t->host, h, rel);
	return cgfs_open_dir(t->host, t->fd[h], rel);
}

/* The kernel's ways of saying "no room for another cgroup". */
static int alloc_error(int r)
{
	return r == -ENOMEM || r == -ENOSPC || r == -EAGAIN ? -ENOMEM : r;
}

/* The limits no hierarchy of this host carries a controller for. */
static uint32_t uncarried(const struct lve_host *host, const struct lve_limits *lim)
{
	unsigned carried = 0;
	uint32_t bits = 0;

	for (int h = 0; h < host->n; h++)
		carried |= host->h[h].ctrls;
	for (unsigned i = 0; i < LVE_LIMIT_COUNT; i++)
		if (lve_limit_table[i].ctrl && !(carried & lve_limit_table[i].ctrl) &&
		    !lve_limit_is_fresh_default(i, lim->value[i]))
			bits |= LVE_LIMIT_BIT(i);
	return bits;
}

/* --- the parent ------------------------------------------------------------- */

/* Remove @path and its ancestors down to the prefix of length @made. */
static void rmdir_p(const struct lve_host *host, int h, int hfd, const char *path, size_t made)
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

/*
 * mkdir -p of the parent in hierarchy @h, mode 0711 from the first instant.
 * *made receives the length of the shallowest prefix this call created (0:
 * none).  On v2 every level from the hierarchy's root down to the parent
 * makes our controllers available below it.  The parent itself is set to
 * 0711 if someone made it otherwise: anyone who can open it could hold the
 * creation lock.
 */
static int make_parent(const struct lve_tree *t, int h, size_t *made)
{
	const struct lve_host *host = t->host;
	const char *path = host->h[h].parent, *p = path;
	int v2 = host->h[h].kind == LVE_V2, hfd = t->fd[h], r = 0, dfd;
	char rel[LVE_PATH_MAX];
	struct stat st;

	*made = 0;
	if (strlen(path) >= sizeof(rel))
		return -ENAMETOOLONG;
	if (v2) {
		r = lve_v2_enable_below(host, h, hfd, "");
		if (r < 0)
			return r;
	}
	while (*p) {
		const char *end = strchrnul(p, '/');
		size_t len = (size_t)(end - path);

		memcpy(rel, path, len);
		rel[len] = '\0';
		r = cgfs_mkdir(host, h, hfd, rel, PARENT_MODE);
		if (r == 0 && *made == 0)
			*made = len;
		else if (r < 0 && r != -EEXIST)
			goto undo;
		if (v2) {
			r = lve_v2_enable_below(host, h, hfd, rel);
			if (r < 0)
				goto undo;
		}
		p = *end ? end + 1 : end;
	}
	dfd = cgfs_open_dir(host, hfd, path);
	if (dfd < 0) {
		r = dfd;
		goto undo;
	}
	if (fstat(dfd, &st) == 0 && (st.st_mode & 07777) != PARENT_MODE)
		(void)fchmod(dfd, PARENT_MODE);
	close(dfd);
	return 0;
undo:
	rmdir_p(host, h, hfd, path, *made);
	*made = 0;
	return r;
}

/*
 * Is the parent of hierarchy @h ready: there, 0711, and on v2 handing our
 * controllers down (which the kernel allows only if every level above it
 * does)?  The common case of every creation after the first: no mkdir to
 * try level by level.
 */
static int parent_ready(const struct lve_tree *t, int h)
{
	const struct lve_host *host = t->host;
	char enabled[512];
	struct stat st;
	int dfd, ready;

	dfd = cgfs_open_dir(host, t->fd[h], host->h[h].parent);
	if (dfd < 0)
		return 0;
	ready = fstat(dfd, &st) == 0 && (st.st_mode & 07777) == PARENT_MODE;
	if (ready && host->h[h].kind == LVE_V2) {
		ready = cgfs_read_at(host, dfd, "cgroup.subtree_control", enabled, sizeof(enabled)) >= 0;
		for (int c = 0; ready && c < 5; c++) {
			static const struct {
				unsigned bit;
				const char *name;
			} ctrl[] = { { LVE_CTRL_CPU, "cpu" }, { LVE_CTRL_IO, "io" },
				     { LVE_CTRL_MEMORY, "memory" }, { LVE_CTRL_PIDS, "pids" },
				     { 0, "" } };

			if (ctrl[c].bit && (host->h[h].ctrls & ctrl[c].bit))
				ready = lve_has_word(enabled, ctrl[c].name, ' ');
		}
	}
	close(dfd);
	return ready;
}

int lve_tree_ensure_parents(const struct lve_tree *t)
{
	const struct lve_host *host = t->host;
	size_t made[LVE_MAX_HIER] = { 0 };
	int r = 0, i;

	for (i = 0; i < host->n; i++) {
		if (parent_ready(t, i))
			continue;
		r = make_parent(t, i, &made[i]);
		if (r < 0)
			break;
	}
	if (r < 0)
		while (i-- > 0)
			rmdir_p(host, i, t->fd[i], host->h[i].parent, made[i]);
	return r;
}

static int remove_tree(const struct lve_host *host, int h, int hfd, const char *rel);

/* --- creation ------------------------------------------------------------------ */

/* Make (or find) cgroup @rel in hierarchy @h, open it, and write @lim into
 * it.  *made is set when this call made it. */
static int build_one(const struct lve_tree *t, int h, const char *rel,
		     const struct lve_limits *lim, int *made, uint32_t *unenforced, int *dfd_out)
{
	int r, dfd;

	*made = 0;
	r = cgfs_mkdir(t->host, h, t->fd[h], rel, LVE_MODE);
	if (r == 0)
		*made = 1;
	else if (r != -EEXIST)
		return alloc_error(r);
	dfd = cgfs_open_dir(t->host, t->fd[h], rel);
	if (dfd < 0)
		return dfd;
	r = lve_limits_apply(t, h, dfd, rel, lim, LVE_LIMIT_ALL, *made, unenforced);
	if (r < 0) {
		close(dfd);
		return r;
	}
	*dfd_out = dfd;
	return 0;
}

/*
 * Hierarchy @h's cgroup of LVE @id, with @lim, in place.  On v1 it is
 * built as the temporary name and renamed; @record (the primary) is written
 * on it first.  A cgroup already there (left by a creator or destroyer that
 * was killed) is taken as it is and given @lim.
 */
static int place_one(const struct lve_tree *t, int h, uint32_t id, const struct lve_limits *lim,
		     int is_primary, uint32_t *unenforced, int *made)
{
	const struct lve_hier *hier = &t->host->h[h];
	char rel[LVE_PATH_MAX], temp[LVE_PATH_MAX];
	int r, dfd = -1, temp_made;

	*made = 0;
	r = lve_rel(hier, id, rel, sizeof(rel));
	if (r == 0)
		r = temp_rel(hier, id, temp, sizeof(temp));
	if (r < 0)
		return r;
	if (hier->kind == LVE_V2) {
		r = build_one(t, h, rel, lim, made, unenforced, &dfd);
		if (r == 0 && is_primary)
			r = lve_record_write(t, dfd, rel, lim, *unenforced | uncarried(t->host, lim));
		if (dfd >= 0)
			close(dfd);
		return r;
	}
	r = build_one(t, h, temp, lim, &temp_made, unenforced, &dfd);
	if (r == 0 && !temp_made) {
		/* a stale temporary name: its creator is gone (creations are
		 * serialised), and it may hold anything: start it afresh */
		close(dfd);
		dfd = -1;
		r = cgfs_rmdir(t->host, h, t->fd[h], temp);
		if (r == 0)
			r = build_one(t, h, temp, lim, &temp_made, unenforced, &dfd);
	}
	if (r == 0 && is_primary)
		r = lve_record_write(t, dfd, temp, lim, *unenforced | uncarried(t->host, lim));
	if (dfd >= 0)
		close(dfd);
	if (r == 0) {
		r = cgfs_rename(t->host, h, t->fd[h], temp, rel);
		if (r == 0) {
			*made = 1;
			return 0;
		}
	}
	(void)cgfs_rmdir(t->host, h, t->fd[h], temp);
	if (r != -EEXIST)
		return r;
	/* a leftover is in place already: it gets these limits */
	dfd = cgfs_open_dir(t->host, t->fd[h], rel);
	if (dfd < 0)
		return dfd;
	r = lve_limits_apply(t, h, dfd, rel, lim, LVE_LIMIT_ALL, 0, unenforced);
	if (r == 0 && is_primary)
		r = lve_record_write(t, dfd, rel, lim, *unenforced | uncarried(t->host, lim));
	close(dfd);
	return r;
}

int lve_tree_create(const struct lve_tree *t, uint32_t id, const struct lve_limits *lim,
		    uint32_t mask)
{
	const struct lve_host *host = t->host;
	int made[LVE_MAX_HIER] = { 0 };
	struct lve_limits want;
	uint32_t unenforced = 0;
	int lock, pfd, r, i, order[LVE_MAX_HIER], n = 0;

	r = lve_tree_ensure_parents(t);
	if (r < 0)
		return r;
	lock = lve_creation_lock(t);
	if (lock < 0)
		return lock;

	pfd = lve_open_lve(t, host->primary, id);
	if (pfd >= 0) {
		r = lve_record_read(pfd, NULL, NULL);
		close(pfd);
		if (r != 0)
			goto out; /* 1: there, with its limits; or an error */
	} else if (pfd != -ENOENT) {
		r = pfd;
		goto out;
	}
	r = lve_defaults_read(t, &want);
	if (r < 0)
		goto out;
	for (unsigned k = 0; k < LVE_LIMIT_COUNT; k++)
		if (mask & LVE_LIMIT_BIT(k))
			want.value[k] = lim->value[k];

	/* the other hierarchies first, the primary with the record last */
	for (i = 0; i < host->n; i++)
		if (i != host->primary)
			order[n++] = i;
	order[n++] = host->primary;
	for (i = 0; i < n; i++) {
		r = place_one(t, order[i], id, &want, order[i] == host->primary, &unenforced,
			      &made[order[i]]);
		if (r < 0)
			break;
	}
	if (r < 0) {
		char rel[LVE_PATH_MAX];

		/* undo what this call made, the hierarchy that failed included */
		r = alloc_error(r);
		for (int j = i < n ? i : n - 1; j >= 0; j--)
			if (made[order[j]] && lve_rel(&host->h[order[j]], id, rel, sizeof(rel)) == 0)
				(void)remove_tree(host, order[j], t->fd[order[j]], rel);
	}
out:
	lve_unlock(lock);
	close(lock);
	return r;
}

/* --- emptiness and removal --------------------------------------------------- */

/* v1: cgroup.procs of @rel and of every cgroup beneath it list no process. */
static int empty_v1(const struct lve_host *host, int dfd)
{
	char buf[64];
	DIR *d;
	struct dirent *e;
	int r, sub;

	r = cgfs_read_at(host, dfd, "cgroup.procs", buf, sizeof(buf));
	if (r < 0)
		return r;
	for (int i = 0; i < r; i++)
		if (buf[i] != '\n' && buf[i] != ' ')
			return 0;
	sub = dup(dfd);
	if (sub < 0)
		return -errno;
	d = fdopendir(sub);
	if (!d) {
		close(sub);
		return -errno;
	}
	r = 1;
	while (r == 1 && (e = readdir(d))) {
		int child;

		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		child = cgfs_open_dir(host, dfd, e->d_name);
		if (child < 0) {
			r = child == -ENOENT ? 1 : child;
			continue;
		}
		r = empty_v1(host, child);
		close(child);
	}
	closedir(d);
	return r;
}

int lve_tree_empty(const struct lve_tree *t, int h, const char *rel)
{
	const struct lve_host *host = t->host;
	char buf[256];
	int dfd, r;

	dfd = cgfs_open_dir(host, t->fd[h], rel);
	if (dfd < 0)
		return dfd;
	if (host->h[h].kind == LVE_V2) {
		/* "populated" covers the whole subtree */
		r = cgfs_read_at(host, dfd, "cgroup.events", buf, sizeof(buf));
		if (r >= 0) {
			const char *p = strstr(buf, "populated ");

			r = p ? p[10] == '0' : -EIO;
		}
	} else {
		r = empty_v1(host, dfd);
	}
	close(dfd);
	return r;
}

/* rmdir @rel and every (empty) cgroup beneath it, deepest first. */
static int remove_tree(const struct lve_host *host, int h, int hfd, const char *rel)
{
	char sub[LVE_PATH_MAX];
	struct dirent *e;
	DIR *d;
	int dfd, r = 0;

	dfd = cgfs_open_dir(host, hfd, rel);
	if (dfd < 0)
		return dfd;
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return -errno;
	}
	while ((e = readdir(d)) && r == 0) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", rel, e->d_name) >= (int)sizeof(sub))
			r = -ENAMETOOLONG;
		else
			r = remove_tree(host, h, hfd, sub);
	}
	closedir(d);
	return r < 0 ? r : cgfs_rmdir(host, h, hfd, rel);
}

int lve_tree_destroy(const struct lve_tree *t, uint32_t id)
{
	const struct lve_host *host = t->host;
	char rel[LVE_PATH_MAX];
	int lock, pfd, r, exists = 0;

	lock = lve_creation_lock(t);
	if (lock < 0)
		return lock;
	pfd = lve_open_lve(t, host->primary, id);
	if (pfd >= 0) {
		r = lve_record_read(pfd, NULL, NULL);
		if (r < 0)
			goto out;
		exists = r;
		/* the LVE lock: no entrant is half-way in while it goes */
		r = lve_lock(pfd, LOCK_EX);
		if (r < 0) {
			r = r == -EAGAIN ? -EBUSY : r;
			goto out;
		}
	} else if (pfd != -ENOENT) {
		r = pfd;
		goto out;
	}
	/* Refuse before removing anything: a busy LVE stays whole.  Every
	 * hierarchy and the whole subtree: a process in a cgroup beneath the
	 * LVE, or in its memory cgroup alone, makes it busy too. */
	for (int i = 0; i < host->n; i++) {
		r = lve_rel(&host->h[i], id, rel, sizeof(rel));
		if (r == 0)
			r = lve_tree_empty(t, i, rel);
		if (r == -ENOENT)
			continue;
		if (r < 0)
			goto out;
		if (r == 0) {
			r = -EBUSY;
			goto out;
		}
	}
	/* The primary, with the record, first: from then on the LVE is gone for
	 * everyone, and a destroy killed halfway leaves only cgroups that the
	 * next creator takes over. */
	r = lve_rel(&host->h[host->primary], id, rel, sizeof(rel));
	if (r == 0) {
		r = remove_tree(host, host->primary, t->fd[host->primary], rel);
		if (r == -ENOENT)
			r = 0;
	}
	for (int i = 0; i < host->n && r == 0; i++) {
		if (i == host->primary)
			continue;
		r = lve_rel(&host->h[i], id, rel, sizeof(rel));
		if (r == 0)
			r = remove_tree(host, i, t->fd[i], rel);
		if (r == -ENOENT)
			r = 0;
		if (r == 0 && host->h[i].kind == LVE_V1 && temp_rel(&host->h[i], id, rel, sizeof(rel)) == 0)
			(void)cgfs_rmdir(host, i, t->fd[i], rel);
	}
	if (r == 0 && host->h[host->primary].kind == LVE_V1 &&
	    temp_rel(&host->h[host->primary], id, rel, sizeof(rel)) == 0)
		(void)cgfs_rmdir(host, host->primary, t->fd[host->primary], rel);
	if (r == 0 && !exists)
		r = -ENOENT; /* leftovers went, but there was no LVE */
out:
	if (pfd >= 0)
		close(pfd);
	lve_unlock(lock);
	close(lock);
	return r;
}

/* --- limits of an existing LVE, and defaults ------------------------------------ */

int lve_tree_set(const struct lve_tree *t, uint32_t id, const struct lve_limits *lim,
		 uint32_t mask, uint32_t *unenforced)
{
	const struct lve_host *host = t->host;
	struct lve_limits cur;
	uint32_t bits = 0;
	int pfd, state = -1, r;

	pfd = lve_open_lve(t, host->primary, id);
	if (pfd < 0)
		return pfd;
	/* shared: not removed meanwhile; the state lock: one setter at a time */
	r = lve_lock(pfd, LOCK_SH);
	if (r == 0)
		state = r = lve_state_lock(host, pfd);
	if (r >= 0)
		r = lve_record_read(pfd, &cur, &bits);
	if (r == 0)
		r = -ENOENT; /* never finished: it does not exist yet */
	if (r < 0)
		goto out;
	for (unsigned k = 0; k < LVE_LIMIT_COUNT; k++)
		if (mask & LVE_LIMIT_BIT(k))
			cur.value[k] = lim->value[k];
	bits &= ~mask;
	for (int h = 0; h < host->n; h++) {
		char rel[LVE_PATH_MAX];
		int dfd;

		r = lve_rel(&host->h[h], id, rel, sizeof(rel));
		if (r < 0)
			goto out;
		dfd = h == host->primary ? pfd : cgfs_open_dir(host, t->fd[h], rel);
		if (dfd < 0) {
			r = dfd;
			goto out;
		}
		r = lve_limits_apply(t, h, dfd, rel, &cur, mask, 0, &bits);
		if (dfd != pfd)
			close(dfd);
		if (r < 0)
			goto out;
	}
	bits |= uncarried(host, &cur) & mask;
	{
		char prel[LVE_PATH_MAX];

		r = lve_rel(&host->h[host->primary], id, prel, sizeof(prel));
		if (r == 0)
			r = lve_record_write(t, pfd, prel, &cur, bits);
	}
	if (r == 0 && unenforced)
		*unenforced = bits;
out:
	lve_state_unlock(state);
	close(pfd);
	return r;
}

int lve_tree_get(const struct lve_tree *t, uint32_t id, struct lve_limits *lim,
		 uint32_t *unenforced)
{
	int pfd, r;

	pfd = lve_open_lve(t, t->host->primary, id);
	if (pfd < 0)
		return pfd;
	r = lve_record_read(pfd, lim, unenforced);
	close(pfd);
	return r == 0 ? -ENOENT : r < 0 ? r : 0;
}

int lve_tree_set_defaults(const struct lve_tree *t, const struct lve_limits *lim, uint32_t mask)
{
	struct lve_limits cur;
	int lock, r;

	r = lve_tree_ensure_parents(t);
	if (r < 0)
		return r;
	lock = lve_creation_lock(t);
	if (lock < 0)
		return lock;
	r = lve_defaults_read(t, &cur);
	if (r == 0) {
		for (unsigned k = 0; k < LVE_LIMIT_COUNT; k++)
			if (mask & LVE_LIMIT_BIT(k))
				cur.value[k] = lim->value[k];
		r = lve_defaults_write(t, &cur);
	}
	lve_unlock(lock);
	close(lock);
	return r;
}

int lve_tree_available(const struct lve_tree *t)
{
	const struct lve_host *host = t->host;

	for (int i = 0; i < host->n; i++) {
		char rel[LVE_PATH_MAX];
		int fd;

		/* the parent, or the closest ancestor that exists, must be a
		 * directory on this hierarchy's cgroupfs */
		strcpy(rel, host->h[i].parent);
		for (;;) {
			char *slash;

			fd = cgfs_open_dir(host, t->fd[i], rel);
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
			return 0;
		if (fd >= 0)
			close(fd);
	}
	return 1;
}

/* --- the same over a host ------------------------------------------------------- */

int lve_host_create(const struct lve_host *host, uint32_t id)
{
	struct lve_limits none = { { 0 } };
	int r = WITH_TREE(host, lve_tree_create(&t_, id, &none, 0));

	return r > 0 ? 0 : r;
}

int lve_host_destroy(const struct lve_host *host, uint32_t id)
{
	return WITH_TREE(host, lve_tree_destroy(&t_, id));
}

int lve_host_set(const struct lve_host *host, uint32_t id, const struct lve_limits *lim,
		 uint32_t mask, int create, uint32_t *unenforced)
{
	struct lve_tree t;
	int r;

	r = lve_tree_open(&t, host);
	if (r < 0)
		return r;
	r = lve_tree_set(&t, id, lim, mask, unenforced);
	if (r == -ENOENT && create) {
		/* made with these limits from the first instant; if someone else
		 * made it meanwhile (1), these limits go on top */
		r = lve_tree_create(&t, id, lim, mask);
		if (r == 1)
			r = lve_tree_set(&t, id, lim, mask, unenforced);
		else if (r == 0 && unenforced)
			r = lve_tree_get(&t, id, &(struct lve_limits){ { 0 } }, unenforced);
	}
	lve_tree_close(&t);
	return r;
}

int lve_host_setup(const struct lve_host *host, uint32_t id, int32_t cpu, int32_t io)
{
	struct lve_limits lim = { { 0 } };
	uint32_t mask = 0;

	if (cpu != -1) {
		lim.value[LVE_LIMIT_SPEED] = (uint64_t)cpu;
		mask |= LVE_LIMIT_BIT(LVE_LIMIT_SPEED);
	}
	if (io != -1) {
		lim.value[LVE_LIMIT_IO_WEIGHT] = (uint64_t)io;
		mask |= LVE_LIMIT_BIT(LVE_LIMIT_IO_WEIGHT);
	}
	return lve_host_set(host, id, &lim, mask, 0, NULL);
}

int lve_host_get(const struct lve_host *host, uint32_t id, struct lve_limits *lim,
		 uint32_t *unenforced)
{
	struct lve_tree t;

	/* the record is on the LVE's primary cgroup: nothing else to open */
	lve_tree_lazy(&t, host);
	return lve_tree_get(&t, id, lim, unenforced);
}

int lve_host_defaults(const struct lve_host *host, struct lve_limits *lim)
{
	return WITH_TREE(host, lve_defaults_read(&t_, lim));
}

int lve_host_set_defaults(const struct lve_host *host, const struct lve_limits *lim,
			  uint32_t mask)
{
	return WITH_TREE(host, lve_tree_set_defaults(&t_, lim, mask));
}

int lve_host_available(const struct lve_host *host)
{
	struct lve_tree t;
	int ok;

	if (host->primary < 0 || lve_tree_open(&t, host) < 0)
		return 0;
	ok = lve_tree_available(&t);
	lve_tree_close(&t);
	return ok;
}
