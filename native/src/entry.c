/* SPDX-License-Identifier: MIT */
/*
 * entry.c - entering and leaving an LVE, and the entry slots of its ep limit.
 *
 * An entry is one successful enter.  It ends when the task that entered
 * leaves, exits or is killed (SIGKILL included), without anyone cleaning
 * up; children it forks are inside the LVE but are not entries.  So an
 * entry is recorded as its owner's identity, "<tid> <start time>" (the start
 * time from /proc tells a live owner from a new task that got the same id),
 * in a slot of the LVE: the extended attribute trusted.liblve.ep.<n>, n
 * below the LVE's ep limit.  A slot is taken with XATTR_CREATE, which the
 * kernel makes atomic: of any number of racing entrants, exactly as many
 * succeed as there are free slots, with no lock.  When every slot is taken,
 * the entrant looks at the owners; a dead owner's slot is taken back under
 * the LVE's state lock (checked again there, so that two entrants never
 * free a slot the other just took).  An LVE without an ep limit still
 * records its entries, by tid (trusted.liblve.ep.t<tid>), so that its usage
 * can count them.  An entry made with LVE_ENTER_NO_MAXENTER is recorded as
 * trusted.liblve.ep.n<tid>: usage counts it, the limit does not (as
 * CloudLinux's kernel does not charge such an entry to it).
 *
 * Moving a task writes its pid to each hierarchy's cgroup.procs (the whole
 * process), or for a thread-only move on v1 its tid to tasks (that thread
 * alone, which skips the kernel's process-wide lock and the RCU grace
 * period it can wait for).  The primary (cpu) hierarchy goes last in, so a
 * task "inside" by the primary is inside everywhere; leaving moves back
 * every hierarchy that is still in the LVE, and judges "inside" by all of
 * them, so that a leave that failed half-way can be retried.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "internal.h"

#define LVE_MODE 0700

unsigned long long lve_task_start(pid_t tid)
{
	char path[64], buf[1024], *p;
	unsigned long long start = 0;
	int field;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)tid);
	if (lve_read_at(AT_FDCWD, path, buf, sizeof(buf)) < 0)
		return 0;
	/* "pid (comm) state ..." and comm may hold anything: after the last ')' */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return 0;
	p += 2;
	if (*p == 'Z' || *p == 'X' || *p == 'x')
		return 0; /* exited: its entry is over, reaped or not */
	/* state is field 3; starttime is field 22 */
	for (field = 3; field < 22 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (p)
		start = strtoull(p, NULL, 10);
	return start;
}

int lve_entry_alive(const char *record)
{
	unsigned long long start;
	int tid;

	if (sscanf(record, "%d %llu", &tid, &start) != 2 || tid <= 0)
		return 0;
	return start != 0 && lve_task_start(tid) == start;
}

static void slot_name(int slot, pid_t tid, char *out, size_t size)
{
	if (slot == LVE_SLOT_TID)
		snprintf(out, size, LVE_XATTR_SLOT "t%d", (int)tid);
	else if (slot == LVE_SLOT_UNCOUNTED)
		snprintf(out, size, LVE_XATTR_SLOT "n%d", (int)tid);
	else
		snprintf(out, size, LVE_XATTR_SLOT "%d", slot);
}

/* Call @fn for each entry slot among the attribute names @names (@n bytes,
 * NUL-separated, as flistxattr gives them) of the LVE open as @dfd, with its
 * name and record; stops when @fn returns non-zero and returns that. */
static int each_slot_in(int dfd, const char *names, int n,
			int (*fn)(void *ctx, const char *name, const char *record), void *ctx)
{
	char record[64];
	int r;

	for (const char *name = names; name < names + n; name += strlen(name) + 1) {
		if (strncmp(name, LVE_XATTR_SLOT, strlen(LVE_XATTR_SLOT)) != 0)
			continue;
		if (cgfs_getxattr(dfd, name, record, sizeof(record)) < 0)
			continue; /* gone meanwhile */
		r = fn(ctx, name, record);
		if (r)
			return r;
	}
	return 0;
}

/* The same over the LVE's attributes as they are now. */
static int each_slot(int dfd, int (*fn)(void *ctx, const char *name, const char *record),
		     void *ctx)
{
	char names[16384];
	int n;

	n = cgfs_listxattr(dfd, names, sizeof(names));
	if (n < 0)
		return n;
	return each_slot_in(dfd, names, n, fn, ctx);
}

struct alive {
	int charged_only; /* leave out the entries that count for nothing */
	int count;
};

static int count_alive(void *ctx, const char *name, const char *record)
{
	struct alive *a = ctx;

	if (a->charged_only && name[strlen(LVE_XATTR_SLOT)] == 'n')
		return 0;
	if (lve_entry_alive(record))
		a->count++;
	return 0;
}

/* The live entries, or with @charged_only those charged to the limit. */
static int entries_alive(int dfd, int charged_only)
{
	struct alive a = { charged_only, 0 };
	int r = each_slot(dfd, count_alive, &a);

	return r < 0 ? r : a.count;
}

int lve_entries_count(int dfd)
{
	return entries_alive(dfd, 0);
}

int lve_entries_count_in(int dfd, const char *names, int n)
{
	struct alive a = { 0, 0 };
	int r = each_slot_in(dfd, names, n, count_alive, &a);

	return r < 0 ? r : a.count;
}

struct beyond {
	uint32_t ep;
	int found;
};

/* Is there a slot outside 0..ep-1 (the limit was lowered, or entries were
 * made while there was none)? */
static int slot_beyond(void *ctx, const char *name, const char *record)
{
	struct beyond *b = ctx;
	const char *n = name + strlen(LVE_XATTR_SLOT);
	char *end;
	unsigned long v = strtoul(n, &end, 10);

	(void)record;
	if (*n == 'n')
		return 0; /* uncounted */
	if (*n == 't' || *end || v >= b->ep)
		b->found = 1;
	return b->found;
}

/* Count an ep fault; best effort (a lock that stays taken skips it). */
static void count_ep_fault(const struct lve_host *host, int dfd)
{
	int state = lve_state_lock(host, dfd);

	if (state >= 0) {
		(void)lve_faults_add_ep(host, dfd);
		lve_state_unlock(state);
	}
}

/* Take back the slots whose owners are dead; 1 if any was freed. */
static int reclaim(const struct lve_host *host, int dfd, uint32_t ep)
{
	int state = -1, freed = 0;

	for (uint32_t i = 0; i < ep; i++) {
		char name[64], record[64], again[64];
		int r;

		slot_name((int)i, 0, name, sizeof(name));
		r = cgfs_getxattr(dfd, name, record, sizeof(record));
		if (r == -ENODATA) {
			freed = 1; /* its owner left meanwhile */
			continue;
		}
		if (r < 0 || lve_entry_alive(record))
			continue;
		if (state < 0) {
			state = lve_state_lock(host, dfd);
			if (state < 0)
				return state;
		}
		/* still the same dead owner?  Then it is ours to free */
		if (cgfs_getxattr(dfd, name, again, sizeof(again)) >= 0 && strcmp(again, record) == 0 &&
		    cgfs_removexattr(dfd, name) == 0)
			freed = 1;
	}
	lve_state_unlock(state);
	return freed;
}

/*
 * Take an entry slot for the owner recorded as @record: one of 0..ep-1, or
 * one named by @owner where there is no limit to keep.  -E2BIG when every
 * slot has a live owner.
 */
static int claim_slot(const struct lve_host *host, int dfd, uint32_t ep, unsigned flags,
		      pid_t owner, const char *record, int *slot)
{
	char name[64];
	int r;

	if (ep == 0 || (flags & LVE_ENTER_NO_MAXENTER)) {
		int named = (flags & LVE_ENTER_NO_MAXENTER) ? LVE_SLOT_UNCOUNTED : LVE_SLOT_TID;

		/* a dead task's leftover with the same tid is replaced */
		slot_name(named, owner, name, sizeof(name));
		r = cgfs_setxattr(host, host->primary, dfd, "", name, record, 0);
		if (r == 0)
			*slot = named;
		return r;
	}
	for (int pass = 0; pass < 3; pass++) {
		for (uint32_t i = 0; i < ep; i++) {
			slot_name((int)i, 0, name, sizeof(name));
			r = cgfs_setxattr(host, host->primary, dfd, "", name, record, XATTR_CREATE);
			if (r == 0) {
				struct beyond b = { ep, 0 };

				*slot = (int)i;
				/* slots beyond the limit: count them all */
				if (each_slot(dfd, slot_beyond, &b) > 0 &&
				    entries_alive(dfd, 1) > (int)ep) {
					(void)cgfs_removexattr(dfd, name);
					return -E2BIG;
				}
				return 0;
			}
			if (r != -EEXIST)
				return r;
		}
		r = reclaim(host, dfd, ep);
		if (r < 0)
			return r;
		if (r == 0)
			break;
	}
	return -E2BIG;
}

static void release_slot(int dfd, int slot, pid_t owner)
{
	char name[64];

	if (slot == LVE_SLOT_NONE)
		return; /* handed over */
	slot_name(slot, owner, name, sizeof(name));
	(void)cgfs_removexattr(dfd, name);
}

/* The text of the task's /proc cgroup file: the thread's for a thread-only
 * move, else the process's. */
static int task_cgroups(const struct lve_host *host, const struct lve_task *task, char *buf,
			size_t size)
{
	char path[64];
	int r;

	(void)host; /* only test builds have a fake */
	if (LVE_FAKE(host) && LVE_FAKE(host)->proc_cgroup)
		return LVE_FAKE(host)->proc_cgroup(LVE_FAKE(host)->ctx, host, task->pid, task->tid,
						   task->thread_only, buf, size);

	if (task->thread_only)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/cgroup", (int)task->pid, (int)task->tid);
	else
		snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)task->pid);
	r = lve_read_at(AT_FDCWD, path, buf, size);
	return r == -ENOENT ? -ESRCH : r;
}

/*
 * Move @task into cgroup @rel of hierarchy @h.  A thread-only move of the
 * calling thread writes "0" to tasks, not its tid: the kernel moves current
 * alone then without taking cgroup_threadgroup_rwsem for writing, whereas
 * any other id (the caller's own tid too) takes it, and the first such
 * write after a quiet spell waits for an RCU grace period (milliseconds).
 */
static int move_task(const struct lve_tree *t, int h, const char *rel, const struct lve_task *task)
{
	int thread = task->thread_only && t->host->h[h].kind == LVE_V1;
	char id[16];

	if (thread && !LVE_FAKE(t->host) && task->tid == (pid_t)syscall(SYS_gettid))
		snprintf(id, sizeof(id), "0");
	else
		snprintf(id, sizeof(id), "%d", (int)(thread ? task->tid : task->pid));
	return lve_fdcache_write(t->cache, t->host, h, t->fd[h], rel, thread ? "tasks" : "cgroup.procs",
				 id);
}

/* Is the primary cgroup @cg (relative to its mount), or any above it, an
 * LVE (it carries a record)?  This holds for any tree, so a task in a test
 * tree's LVE cannot nest into the host's or the other way round. */
static int inside_path(const struct lve_tree *t, const char *cg)
{
	const struct lve_host *host = t->host;
	int p = host->primary, cur = t->fd[p], inside = 0;
	const char *s = cg;
	char comp[NAME_MAX + 1], buf[LVE_RECORD_MAX];

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
		inside = cgfs_getxattr(fd, LVE_XATTR_LIMITS, buf, sizeof(buf));
		inside = inside >= 0 ? 1 : inside == -ENODATA ? 0 : inside;
		s = *end ? end + 1 : end;
	}
	if (cur != t->fd[p])
		close(cur);
	return inside;
}

int lve_tree_task_inside(const struct lve_tree *t, const struct lve_task *task)
{
	const struct lve_host *host = t->host;
	char text[8192], cg[LVE_PATH_MAX];
	int r;

	r = task_cgroups(host, task, text, sizeof(text));
	if (r >= 0)
		r = lve_host_cgroup_of(host, host->primary, text, cg, sizeof(cg));
	return r < 0 ? r : inside_path(t, cg);
}

int lve_task_inside(const struct lve_host *host, const struct lve_task *task)
{
	return WITH_TREE(host, lve_tree_task_inside(&t_, task));
}

/* Open LVE @id's primary cgroup, made and finished, with its LVE lock held
 * shared; its limits in @lim. */
static int open_ready(const struct lve_tree *t, uint32_t id, struct lve_limits *lim)
{
	struct lve_limits none = { { 0 } };
	struct stat st;
	int r, pfd;

	for (int tries = 0; tries < 4; tries++) {
		pfd = lve_open_lve(t, t->host->primary, id);
		if (pfd == -ENOENT) {
			r = lve_tree_create(t, id, &none, 0);
			if (r < 0)
				return r;
			continue;
		}
		if (pfd < 0)
			return pfd;
		/* an LVE made before they were root's alone */
		if (fstat(pfd, &st) == 0 && (st.st_mode & 077))
			(void)fchmod(pfd, LVE_MODE);
		r = lve_lock(pfd, LOCK_SH);
		if (r == 0)
			r = lve_record_read(pfd, lim, NULL);
		if (r == 1)
			return pfd;
		close(pfd);
		if (r == 0 || r == -ENOENT || r == -ENODEV) {
			/* unfinished (a creator was killed), or removed while we
			 * waited: make or finish it, under the creation lock */
			r = lve_tree_create(t, id, &none, 0);
			if (r < 0)
				return r;
			continue;
		}
		return r;
	}
	return -EAGAIN;
}

int lve_tree_task_enter(const struct lve_tree *tree, uint32_t id, const struct lve_task *task,
			unsigned flags, struct lve_entry *entry)
{
	const struct lve_host *host = tree->host;
	const struct lve_tree t = *tree;
	char text[8192], record[64], lrel[LVE_PATH_MAX];
	pid_t owner = task->thread_only ? task->tid : task->pid;
	int order[LVE_MAX_HIER], n = 0, joined = 0, pfd = -1, slot = 0, r, i;
	struct lve_limits lim;

	r = task_cgroups(host, task, text, sizeof(text));
	if (r < 0)
		goto out;
	for (i = 0; i < host->n; i++) {
		r = lve_host_cgroup_of(host, i, text, entry->origin[i], sizeof(entry->origin[i]));
		if (r < 0)
			goto out;
	}
	r = inside_path(&t, entry->origin[host->primary]);
	if (r != 0) {
		r = r > 0 ? -EPERM : r;
		goto out;
	}
	pfd = open_ready(&t, id, &lim);
	if (pfd < 0) {
		r = pfd;
		goto out;
	}

	entry->start = lve_task_start(owner);
	if (entry->start == 0) {
		r = -ESRCH;
		goto out;
	}
	snprintf(record, sizeof(record), "%d %llu", (int)owner, entry->start);
	r = claim_slot(host, pfd, (uint32_t)lim.value[LVE_LIMIT_EP], flags, owner, record, &slot);
	if (r == -E2BIG)
		count_ep_fault(host, pfd);
	if (r < 0)
		goto out;

	/* the primary last: inside by it is inside everywhere */
	for (i = 0; i < host->n; i++)
		if (i != host->primary)
			order[n++] = i;
	order[n++] = host->primary;
	for (joined = 0; joined < n; joined++) {
		r = lve_rel(&host->h[order[joined]], id, lrel, sizeof(lrel));
		if (r == 0)
			r = move_task(&t, order[joined], lrel, task);
		if (r < 0)
			break;
	}
	if (r < 0) {
		/* back to where it was in the hierarchies already joined */
		while (joined-- > 0)
			(void)move_task(&t, order[joined], entry->origin[order[joined]], task);
		release_slot(pfd, slot, owner);
		r = r == -ENOENT ? -EAGAIN : r; /* removed under us: try again */
		goto out;
	}
	entry->id = id;
	entry->slot = slot;
out:
	if (pfd >= 0)
		close(pfd); /* and with it the shared LVE lock */
	return r;
}

int lve_task_enter(const struct lve_host *host, uint32_t id, const struct lve_task *task,
		   unsigned flags, struct lve_entry *entry)
{
	return WITH_TREE(host, lve_tree_task_enter(&t_, id, task, flags, entry));
}

/* Is cgroup @cg @lve_rel or beneath it? */
static int within(const char *cg, const char *lve_rel)
{
	size_t n = strlen(lve_rel);

	return strncmp(cg, lve_rel, n) == 0 && (cg[n] == '\0' || cg[n] == '/');
}

int lve_entry_hand_over(const struct lve_host *host, const struct lve_task *task,
			struct lve_entry *entry, pid_t heir)
{
	pid_t owner = task->thread_only ? task->tid : task->pid;
	unsigned long long start = lve_task_start(heir);
	char record[64], name[64];
	struct lve_tree t;
	int pfd, r;

	if (start == 0)
		return -ESRCH;
	if (entry->slot == LVE_SLOT_NONE)
		return 0;
	snprintf(record, sizeof(record), "%d %llu", (int)heir, start);
	lve_tree_lazy(&t, host);
	pfd = lve_open_lve(&t, host->primary, entry->id);
	if (pfd < 0)
		return pfd;
	/* the slot now names the heir: one write, never a moment with the
	 * entry counted twice or not at all */
	slot_name(entry->slot == LVE_SLOT_TID ? LVE_SLOT_TID : entry->slot, heir, name, sizeof(name));
	r = cgfs_setxattr(host, host->primary, pfd, "", name, record, 0);
	if (r == 0 && (entry->slot == LVE_SLOT_TID || entry->slot == LVE_SLOT_UNCOUNTED))
		release_slot(pfd, entry->slot, owner); /* named by the old owner */
	if (r == 0)
		entry->slot = LVE_SLOT_NONE;
	close(pfd);
	return r;
}

int lve_task_within(const struct lve_host *host, const struct lve_task *task, uint32_t id)
{
	char text[8192], cg[LVE_PATH_MAX], lrel[LVE_PATH_MAX];
	int r, inside = 0;

	r = task_cgroups(host, task, text, sizeof(text));
	if (r < 0)
		return r;
	for (int i = 0; i < host->n; i++) {
		r = lve_host_cgroup_of(host, i, text, cg, sizeof(cg));
		if (r == 0)
			r = lve_rel(&host->h[i], id, lrel, sizeof(lrel));
		if (r < 0)
			return r;
		if (within(cg, lrel))
			inside |= 1 << i;
	}
	return inside;
}

int lve_tree_task_leave(const struct lve_tree *tree, const struct lve_task *task,
			struct lve_entry *entry)
{
	const struct lve_host *host = tree->host;
	const struct lve_tree t = *tree;
	pid_t owner = task->thread_only ? task->tid : task->pid;
	int r, first = 0, pfd, inside;

	inside = lve_task_within(host, task, entry->id);
	if (inside < 0)
		return inside;
	if (!inside) {
		r = -ESRCH; /* moved out by someone else: the entry is over all the same */
		goto release;
	}
	/* every hierarchy still in the LVE goes back, whatever failed before */
	for (int i = 0; i < host->n; i++) {
		if (!(inside & (1 << i)))
			continue;
		r = move_task(&t, i, entry->origin[i], task);
		if (r == 0)
			inside &= ~(1 << i);
		else if (first == 0)
			first = r;
	}
	if (inside) {
		r = first;
		goto out;
	}
	r = 0;
release:
	/* out everywhere: the entry is over */
	pfd = lve_open_lve(&t, host->primary, entry->id);
	if (pfd >= 0) {
		release_slot(pfd, entry->slot, owner);
		close(pfd);
	}
out:
	return r;
}

int lve_task_leave(const struct lve_host *host, const struct lve_task *task,
		   struct lve_entry *entry)
{
	return WITH_TREE(host, lve_tree_task_leave(&t_, task, entry));
}
