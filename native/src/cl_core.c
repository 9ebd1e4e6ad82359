/* SPDX-License-Identifier: MIT */
/*
 * cl_core.c - what CloudLinux's enter, exit and fault check are, over a
 * host: the rules of its kernel module, on liblve's tree.  Root's own calls
 * (cl_local.c) and the broker (cl_broker.c) both come here, each with the
 * task it acts for.
 *
 * An entry is the task that entered: a thread, which in a single-threaded
 * process is the process.  The kernel module enters the calling thread; so
 * do we, by writing the thread's id into each v1 hierarchy's `tasks`.  On a
 * v2 hierarchy a write moves the whole process, so a process with other
 * threads is refused there (-EOPNOTSUPP) rather than have threads that
 * serve other accounts moved with it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cl.h"

#define PAGE_BYTES 4096ull
#define KB_BYTES 1024ull
#define VMEM_XATTR "trusted.liblve.vmem"

pid_t cl_gettid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

int cl_send(int sock, const void *buf, size_t len, int fd)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { (void *)buf, len };
	struct msghdr msg = { 0 };
	ssize_t n;

	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

int cl_any_v2(const struct lve_host *host)
{
	for (int h = 0; h < host->n; h++)
		if (host->h[h].kind == LVE_V2)
			return 1;
	return 0;
}

/* A small /proc file of @pid ("" for the process itself) into @buf. */
static int read_proc(pid_t pid, pid_t tid, const char *file, char *buf, size_t size)
{
	char path[96];
	int r;

	if (tid > 0)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/%s", (int)pid, (int)tid, file);
	else
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	r = lve_read_at(AT_FDCWD, path, buf, size);
	if (r == -ENOENT)
		return -ESRCH;
	return r == -EFBIG ? (int)strlen(buf) : r;
}

int cl_thread_count(pid_t pid)
{
	char buf[4096];
	const char *p;
	int r = read_proc(pid, 0, "status", buf, sizeof(buf));

	if (r < 0)
		return r;
	p = strstr(buf, "\nThreads:");
	if (!p)
		return -EIO;
	return atoi(p + 9);
}

int cl_task(const struct lve_host *host, pid_t pid, pid_t tid, struct lve_task *task)
{
	task->pid = pid;
	task->tid = tid;
	/* v1: this thread alone; a v2 hierarchy moves the process whatever
	 * we ask, and entry.c writes the pid there */
	task->thread_only = 1;
	if (cl_any_v2(host)) {
		int n = cl_thread_count(pid);

		/* A thread that was just joined is still counted for a moment:
		 * pthread_join returns when it has cleared its tid, before the
		 * kernel has removed it.  Give it that moment (only a refusal
		 * waits, and at most about a millisecond). */
		for (int tries = 0; n > 1 && tries < 20; tries++) {
			struct timespec ts = { 0, 50000 };

			nanosleep(&ts, NULL);
			n = cl_thread_count(pid);
		}
		if (n < 0)
			return n;
		if (n > 1)
			return -EOPNOTSUPP;
	}
	return 0;
}

pid_t cl_parent_of(pid_t pid)
{
	char buf[1024];
	const char *p;
	int ppid = 0;

	if (read_proc(pid, 0, "stat", buf, sizeof(buf)) < 0)
		return 0;
	/* "pid (comm) S ppid ...": comm may hold anything, so after the last ')' */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %d", &ppid) != 1)
		return 0;
	return (pid_t)ppid;
}

/* --- settings ------------------------------------------------------------------ */

/* One setting onto limit @id: -1 leaves it, 0 is no limit, a value outside
 * what liblve accepts is taken as the nearest it does. */
static int one(int32_t v, unsigned id, uint64_t scale, struct lve_limits *lim, uint32_t *mask)
{
	const struct lve_limit_info *info = lve_limit_info(id);
	uint64_t value;

	if (v == -1)
		return 0;
	if (v < -1)
		return -ERANGE;
	value = (uint64_t)v * scale;
	if (value && value < info->min)
		value = info->min;
	if (value > info->max)
		value = info->max;
	lim->value[id] = value;
	*mask |= LVE_LIMIT_BIT(id);
	return 0;
}

int cl_settings_limits(const struct liblve_settings *set, struct lve_limits *lim, uint32_t *mask,
		       int64_t *vmem)
{
	uint32_t cpu = (uint32_t)set->ls_cpu;
	int r;

	memset(lim, 0, sizeof(*lim));
	*mask = 0;
	*vmem = -1;
	if (set->ls_cpus < -1 || set->ls_cpu_weight < -1 || set->ls_cpu_weight > 100 ||
	    set->ls_memory < -1)
		return -ERANGE;
	if (set->ls_cpu != -1) {
		uint64_t speed;

		if (cpu & (uint32_t)LIBLVE_SETTINGS_LS_CPU_HIRES) {
			/* 10000 is one core, and speed 100 is one core: round up,
			 * so that a small limit stays a limit */
			speed = ((uint64_t)(cpu & 0x7fffffffu) + 99) / 100;
		} else {
			uint64_t cores = set->ls_cpus >= 1 ? (uint64_t)set->ls_cpus : 1;

			speed = (uint64_t)cpu * cores;
		}
		if (speed > lve_limit_info(LVE_LIMIT_SPEED)->max)
			speed = lve_limit_info(LVE_LIMIT_SPEED)->max;
		lim->value[LVE_LIMIT_SPEED] = speed;
		*mask |= LVE_LIMIT_BIT(LVE_LIMIT_SPEED);
	}
	r = one(set->ls_memory_phy, LVE_LIMIT_PMEM, PAGE_BYTES, lim, mask);
	if (r == 0)
		r = one(set->ls_io, LVE_LIMIT_IO, KB_BYTES, lim, mask);
	if (r == 0)
		r = one(set->ls_iops, LVE_LIMIT_IOPS, 1, lim, mask);
	if (r == 0)
		r = one(set->ls_nproc, LVE_LIMIT_NPROC, 1, lim, mask);
	if (r == 0)
		r = one(set->ls_enters, LVE_LIMIT_EP, 1, lim, mask);
	if (r == 0 && set->ls_memory >= 0)
		*vmem = (int64_t)set->ls_memory * (int64_t)PAGE_BYTES;
	return r;
}

/* VMEM: no cgroup limits virtual memory, so it is kept beside the LVE, on
 * its primary cgroup, saying so ("vmem=<bytes> enforced=0"); 0 removes it. */
static int record_vmem(const struct lve_host *host, uint32_t id, int64_t vmem)
{
	char rel[LVE_PATH_MAX], value[64];
	struct lve_tree t;
	int r, dfd;

	r = lve_tree_open(&t, host);
	if (r < 0)
		return r;
	r = dfd = lve_open_lve(&t, host->primary, id);
	if (dfd >= 0) {
		if (vmem == 0) {
			r = cgfs_removexattr(dfd, VMEM_XATTR);
			r = r == -ENODATA ? 0 : r;
		} else {
			snprintf(value, sizeof(value), "vmem=%lld enforced=0", (long long)vmem);
			r = lve_rel(&host->h[host->primary], id, rel, sizeof(rel));
			if (r == 0)
				r = cgfs_setxattr(host, host->primary, dfd, rel, VMEM_XATTR, value, 0);
		}
		close(dfd);
	}
	lve_tree_close(&t);
	return r;
}

int cl_setup(const struct lve_host *host, uint32_t id, const struct liblve_settings *set)
{
	struct lve_limits lim;
	uint32_t mask;
	int64_t vmem;
	int r;

	r = cl_settings_limits(set, &lim, &mask, &vmem);
	if (r < 0)
		return r;
	/* made with these limits from its first instant if it is new */
	r = mask ? lve_host_set(host, id, &lim, mask, 1, NULL) : lve_host_create(host, id);
	if (r == 0 && vmem >= 0)
		r = record_vmem(host, id, vmem);
	return r;
}

int cl_cookie(uint32_t *cookie)
{
	uint32_t v = 0;

	while (v == 0) {
		ssize_t n = getrandom(&v, sizeof(v), 0);

		if (n < 0 && errno != EINTR)
			return -errno;
	}
	*cookie = v;
	return 0;
}

/* --- enter, exit ------------------------------------------------------------------ */

int cl_enter(const struct lve_tree *t, const struct lve_task *task, uint32_t id, unsigned flags,
	     const struct liblve_settings *set, struct cl_rec *rec)
{
	int r;

	memset(rec, 0, sizeof(*rec));
	r = cl_cookie(&rec->cookie);
	if (r < 0)
		return r;
	if (set) {
		/* a task inside may not change limits, its own least of all;
		 * and a refused call changes nothing */
		r = lve_tree_task_inside(t, task);
		if (r < 0)
			return r;
		if (r > 0)
			return -EPERM;
		r = cl_setup(t->host, id, set);
		if (r < 0)
			return r;
	}
	r = lve_tree_task_enter(t, id, task, (flags & LVE_NO_MAXENTER) ? LVE_ENTER_NO_MAXENTER : 0,
				&rec->entry);
	if (r < 0)
		return r;
	rec->pid = task->pid;
	rec->tid = task->tid;
	rec->start = rec->entry.start;
	return 0;
}

int cl_exit(const struct lve_tree *t, const struct lve_task *task, struct cl_rec *rec,
	    uint32_t cookie, int check_cookie)
{
	int inside;

	if (rec && (!check_cookie || cookie == rec->cookie))
		return lve_tree_task_leave(t, task, &rec->entry);
	/* Outside is -ESRCH whatever the cookie.  "Inside" is any LVE, of any
	 * tree, and the one the entry names even if half-left. */
	inside = lve_tree_task_inside(t, task);
	if (inside == 0 && rec)
		inside = lve_task_within(t->host, task, rec->entry.id);
	if (inside < 0)
		return inside;
	if (inside == 0) {
		if (rec)
			(void)lve_tree_task_leave(t, task, &rec->entry); /* frees its slot */
		return -ESRCH;
	}
	/* inside, and not the entrant, or the entrant with a wrong cookie */
	return CL_KILL;
}

/* --- faults -------------------------------------------------------------------------- */

/*
 * The counters: where each is, on each layout.  Any increase of a pmem one
 * is LVE_FAIL_MEM_PHY, of the nproc one LVE_FAIL_NPROC.
 */
enum { PMEM, NPROC };
static const struct {
	unsigned ctrl;
	int v2;
	const char *file, *key; /* key NULL: the file is the number */
	int kind;
} counter_files[] = {
	{ LVE_CTRL_MEMORY, 0, "memory.failcnt", NULL, PMEM },
	{ LVE_CTRL_MEMORY, 0, "memory.memsw.failcnt", NULL, PMEM },
	{ LVE_CTRL_MEMORY, 0, "memory.oom_control", "oom_kill", PMEM },
	{ LVE_CTRL_MEMORY, 1, "memory.events", "max", PMEM },
	{ LVE_CTRL_MEMORY, 1, "memory.events", "oom_kill", PMEM },
	{ LVE_CTRL_PIDS, 0, "pids.events", "max", NPROC },
	{ LVE_CTRL_PIDS, 1, "pids.events", "max", NPROC },
};
#define N_COUNTER_FILES (sizeof(counter_files) / sizeof(counter_files[0]))
_Static_assert(N_COUNTER_FILES <= CL_COUNTER_FILES, "room for every counter file");

static uint64_t number_after(const char *text, const char *key)
{
	size_t n;

	if (!key)
		return strtoull(text, NULL, 10);
	n = strlen(key);
	for (const char *p = text; p && *p;) {
		if (strncmp(p, key, n) == 0 && p[n] == ' ')
			return strtoull(p + n + 1, NULL, 10);
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return 0;
}

static void add_count(struct cl_faults *out, int kind, uint64_t v)
{
	if (kind == PMEM)
		out->pmem += v;
	else
		out->nproc += v;
}

/* Read every counter of LVE @id afresh; with @fds, leave them open there
 * (@kinds the index in counter_files of each), and return how many. */
static int read_counters(const struct lve_tree *t, uint32_t id, struct cl_faults *out, int *fds,
			 uint8_t *kinds)
{
	const struct lve_host *host = t->host;
	int n = 0;

	memset(out, 0, sizeof(*out));
	for (int h = 0; h < host->n; h++) {
		int v2 = host->h[h].kind == LVE_V2, dfd;

		if (!(host->h[h].ctrls & (LVE_CTRL_MEMORY | LVE_CTRL_PIDS)))
			continue;
		dfd = lve_open_lve(t, h, id);
		if (dfd < 0) {
			for (int i = 0; i < n; i++)
				close(fds[i]);
			return dfd;
		}
		for (size_t k = 0; k < N_COUNTER_FILES; k++) {
			char buf[1024];
			int fd, r;

			if (!(host->h[h].ctrls & counter_files[k].ctrl) || counter_files[k].v2 != v2)
				continue;
			fd = openat(dfd, counter_files[k].file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0)
				continue; /* this kernel does not keep it */
			r = lve_read_file(fd, buf, sizeof(buf));
			if (r >= 0 || r == -EFBIG)
				add_count(out, counter_files[k].kind,
					  number_after(buf, counter_files[k].key));
			if (fds) {
				fds[n] = fd;
				kinds[n++] = (uint8_t)k;
			} else {
				close(fd);
			}
		}
		close(dfd);
	}
	return n;
}

void cl_counters_init(struct cl_counters *cache)
{
	memset(cache, 0, sizeof(*cache));
}

static void forget_lve(struct cl_counters *cache, int i)
{
	for (int k = 0; k < cache->lve[i].n; k++)
		close(cache->lve[i].fd[k]);
	cache->lve[i].id = 0;
	cache->lve[i].n = 0;
}

/* Through the open files: -ENODEV (or another error) once the LVE they
 * belong to was removed. */
static int read_cached(struct cl_counters *cache, int i, struct cl_faults *out)
{
	memset(out, 0, sizeof(*out));
	for (int k = 0; k < cache->lve[i].n; k++) {
		char buf[1024];
		ssize_t len = pread(cache->lve[i].fd[k], buf, sizeof(buf) - 1, 0);

		if (len < 0)
			return -errno;
		buf[len] = '\0';
		add_count(out, counter_files[cache->lve[i].kind[k]].kind,
			  number_after(buf, counter_files[cache->lve[i].kind[k]].key));
	}
	return 0;
}

int cl_faults_read(const struct lve_tree *t, struct cl_counters *cache, uint32_t id,
		   struct cl_faults *out)
{
	int i, victim = 0, r;

	if (!cache) {
		r = read_counters(t, id, out, NULL, NULL);
		return r < 0 ? r : 0;
	}
	cache->clock++;
	for (i = 0; i < CL_COUNTER_LVES; i++) {
		if (cache->lve[i].id == id) {
			cache->lve[i].used = cache->clock;
			if (read_cached(cache, i, out) == 0)
				return 0;
			forget_lve(cache, i); /* removed and made again since */
			break;
		}
		if (cache->lve[i].used < cache->lve[victim].used)
			victim = i;
	}
	if (i == CL_COUNTER_LVES)
		i = victim;
	forget_lve(cache, i);
	r = read_counters(t, id, out, cache->lve[i].fd, cache->lve[i].kind);
	if (r < 0)
		return r;
	cache->lve[i].id = id;
	cache->lve[i].n = r;
	cache->lve[i].used = cache->clock;
	return 0;
}

int cl_faults_since(const struct lve_tree *t, struct cl_counters *cache, uint32_t id,
		    struct cl_faults *base, uint32_t *mask)
{
	struct cl_faults now;
	int r = cl_faults_read(t, cache, id, &now);

	if (r < 0)
		return r;
	*mask = (now.pmem > base->pmem ? LVE_FAIL_MEM_PHY : 0) |
		(now.nproc > base->nproc ? LVE_FAIL_NPROC : 0);
	*base = now;
	return 0;
}

/* --- where a task is ------------------------------------------------------------------ */

uint32_t cl_task_lve(const struct lve_host *host, const struct lve_task *task)
{
	const char *parent = host->h[host->primary].parent, *p;
	char text[8192], cg[LVE_PATH_MAX];
	size_t plen = strlen(parent);
	uint64_t id = 0;

	if (read_proc(task->pid, task->thread_only ? task->tid : 0, "cgroup", text, sizeof(text)) < 0 ||
	    lve_host_cgroup_of(host, host->primary, text, cg, sizeof(cg)) < 0)
		return 0;
	if (strncmp(cg, parent, plen) != 0 || cg[plen] != '/')
		return 0;
	p = cg + plen + 1;
	if (*p < '1' || *p > '9')
		return 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		id = id * 10 + (uint64_t)(*p - '0');
		if (id > LVE_ID_MAX)
			return 0;
	}
	return *p == '\0' || *p == '/' ? (uint32_t)id : 0;
}

int cl_path_inside(const struct lve_host *host, const struct lve_task *task)
{
	return cl_task_lve(host, task) != 0;
}
