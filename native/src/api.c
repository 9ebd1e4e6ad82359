/* SPDX-License-Identifier: MIT */
/*
 * api.c - the public functions of lve-ctl.h, and the instance.
 *
 * The public functions check what can never be valid (ids, ranges,
 * pointers), then privilege, then hand over to tree.c, entry.c and usage.c,
 * and report failure both ways: -errno and errno.
 *
 * The instance (struct liblve) is the caller's memory, lve_instance_init(NULL)
 * bytes.  It keeps what must outlive a call (the hierarchies found at init,
 * and while entered, the cgroups to go back to), packed: the full
 * description of the host (struct lve_host) is rebuilt on the stack for
 * each call from it and the process's current /proc cgroup file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lve-ctl.h"
#include "internal.h"

#define INSTANCE_MAGIC 0x4c564532u /* "LVE2" */
#define INSTANCE_STRINGS 3072

struct liblve {
	/* The head is laid out as CloudLinux's instance is (a pointer, then a
	 * word we use as the magic), so that one kind can always be told from
	 * the other by the word at offset 8. */
	void *head;
	uint32_t magic;
	uint32_t entered;              /* a cookie is outstanding */
	uint32_t cookie;
	uint32_t ve_id;
	int32_t slot;                  /* the entry slot held */
	int32_t thread_only;           /* entered by lve_enter_thread */
	int32_t tid;                   /* the thread that entered */
	uint8_t n, primary;
	struct {
		uint8_t kind, ctrls;
		uint16_t mount, root;  /* offsets in strings */
		uint16_t parent;       /* as resolved at init, for the admin calls */
	} hier[LVE_MAX_HIER];
	uint16_t parent_spec;
	uint16_t origin[LVE_MAX_HIER];
	uint16_t fixed_end;            /* strings before it live as long as the instance */
	uint16_t used;
	char strings[INSTANCE_STRINGS];
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

static int is_root(void)
{
	return geteuid() == 0;
}

static int valid_instance(const struct liblve *lve)
{
	return lve && lve->magic == INSTANCE_MAGIC;
}

/* --- the instance's strings -------------------------------------------------- */

static int put_string(struct liblve *lve, const char *s, uint16_t *at)
{
	size_t len = strlen(s) + 1;

	if (lve->used + len > sizeof(lve->strings))
		return -ENAMETOOLONG;
	memcpy(lve->strings + lve->used, s, len);
	*at = lve->used;
	lve->used = (uint16_t)(lve->used + len);
	return 0;
}

static int instance_pack(struct liblve *lve, const struct lve_host *host)
{
	int r = 0;

	lve->n = (uint8_t)host->n;
	lve->primary = (uint8_t)host->primary;
	lve->used = 0;
	for (int i = 0; i < host->n && r == 0; i++) {
		lve->hier[i].kind = (uint8_t)host->h[i].kind;
		lve->hier[i].ctrls = (uint8_t)host->h[i].ctrls;
		r = put_string(lve, host->h[i].mount, &lve->hier[i].mount);
		if (r == 0)
			r = put_string(lve, host->h[i].root, &lve->hier[i].root);
		if (r == 0)
			r = put_string(lve, host->h[i].parent, &lve->hier[i].parent);
	}
	if (r == 0)
		r = put_string(lve, host->parent_spec, &lve->parent_spec);
	lve->fixed_end = lve->used;
	return r;
}

/* The host as the instance knows it.  With @self_path (/proc/self/cgroup or
 * a thread's), the task's cgroups as /proc shows them now, and the parent
 * resolved against them; without, the parent as resolved at init (the
 * admin calls: where the task is does not matter to them). */
static int instance_host(const struct liblve *lve, struct lve_host *host, const char *self_path)
{
	char text[8192];
	int r;

	memset(host, 0, offsetof(struct lve_host, h));
	host->n = lve->n;
	host->primary = lve->primary;
	for (int i = 0; i < lve->n; i++) {
		struct lve_hier *h = &host->h[i];

		h->kind = (enum lve_layout_kind)lve->hier[i].kind;
		h->ctrls = lve->hier[i].ctrls;
		strcpy(h->mount, lve->strings + lve->hier[i].mount);
		strcpy(h->root, lve->strings + lve->hier[i].root);
		strcpy(h->parent, lve->strings + lve->hier[i].parent);
		h->self[0] = '\0';
	}
	strcpy(host->parent_spec, lve->strings + lve->parent_spec);
#ifdef LIBLVE_TEST_HOOKS
	host->fake = NULL;
#endif
	if (!self_path)
		return 0;
	r = lve_read_at(AT_FDCWD, self_path, text, sizeof(text));
	if (r < 0)
		return r;
	return lve_host_parse_self(host, text);
}

static void self_task(struct lve_task *task, int thread_only)
{
	task->pid = getpid();
	task->tid = (pid_t)syscall(SYS_gettid);
	task->thread_only = thread_only;
}

/* --- the nine ---------------------------------------------------------------------- */

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
	struct lve_limits lim = { { 0 } };
	struct lve_host host;
	int r;

	lim.value[LVE_LIMIT_SPEED] = cpu;
	lim.value[LVE_LIMIT_IO_WEIGHT] = io;
	if (!lve_limit_valid(LVE_LIMIT_SPEED, cpu) || !lve_limit_valid(LVE_LIMIT_IO_WEIGHT, io))
		return fail(-EINVAL);
	if (!is_root())
		return fail(-EPERM);
	r = lve_host_discover(&host);
	if (r == 0)
		r = lve_host_set_defaults(&host, &lim,
					  LVE_LIMIT_BIT(LVE_LIMIT_SPEED) | LVE_LIMIT_BIT(LVE_LIMIT_IO_WEIGHT));
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

	if (!valid_id(ve_id) || (cpu != -1 && !lve_limit_valid(LVE_LIMIT_SPEED, (uint64_t)cpu)) ||
	    (io != -1 && !lve_limit_valid(LVE_LIMIT_IO_WEIGHT, (uint64_t)io)))
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
	struct lve_host host;
	int r;

	if (!lve)
		return (int)sizeof(struct liblve);
	memset(lve, 0, sizeof(*lve));
	r = lve_host_discover(&host);
	if (r == 0)
		r = instance_pack(lve, &host);
	if (r < 0)
		return fail(r);
	lve->magic = INSTANCE_MAGIC;
	return 0;
}

LVE_API int lve_instance_destroy(struct liblve *lve)
{
	if (!valid_instance(lve))
		return fail(-EINVAL);
	memset(lve, 0, sizeof(*lve));
	return 0;
}

/* Enter as the seed's lve_enter does, or the calling thread alone. */
static int enter(struct liblve *lve, uint32_t ve_id, uint32_t *cookie, int thread_only)
{
	struct lve_entry entry;
	struct lve_host host;
	struct lve_task task;
	uint32_t value = 0;
	int r;

	self_task(&task, thread_only);
	r = instance_host(lve, &host, thread_only ? "/proc/thread-self/cgroup" : "/proc/self/cgroup");
	if (r < 0)
		return r;
	while (value == 0) {
		if (getrandom(&value, sizeof(value), 0) != sizeof(value))
			return errno == EINTR ? -EINTR : -EAGAIN;
	}
	r = lve_task_enter(&host, ve_id, &task, 0, &entry);
	if (r < 0)
		return r;
	lve->used = lve->fixed_end;
	for (int i = 0; i < host.n && r == 0; i++)
		r = put_string(lve, entry.origin[i], &lve->origin[i]);
	if (r < 0) {
		/* nowhere to keep the way back: do not stay */
		(void)lve_task_leave(&host, &task, &entry);
		return r;
	}
	lve->ve_id = ve_id;
	lve->slot = entry.slot;
	lve->thread_only = thread_only;
	lve->tid = task.tid;
	lve->cookie = value;
	lve->entered = 1;
	*cookie = value;
	return 0;
}

/*
 * Leave.  "Inside" is judged over every hierarchy of the LVE the instance
 * entered (a leave that failed half-way leaves some behind, and a retry
 * must find them), and by the record above the process's cgroup: outside,
 * whatever the cookie, is -ESRCH; inside with a cookie this instance did
 * not hand out is death.
 */
static int leave(struct liblve *lve, const uint32_t *cookie)
{
	struct lve_entry entry;
	struct lve_host host;
	struct lve_task task;
	int r, inside;

	self_task(&task, lve->entered && lve->thread_only);
	if (lve->entered && lve->thread_only)
		task.tid = lve->tid; /* the thread that entered is the one to go back */
	r = instance_host(lve, &host,
			  task.thread_only ? "/proc/thread-self/cgroup" : "/proc/self/cgroup");
	if (r < 0)
		return r;
	if (lve->entered) {
		entry.id = lve->ve_id;
		entry.slot = lve->slot;
		for (int i = 0; i < host.n; i++)
			strcpy(entry.origin[i], lve->strings + lve->origin[i]);
	}
	if (lve->entered && *cookie == lve->cookie) {
		r = lve_task_leave(&host, &task, &entry);
		if (r == 0 || r == -ESRCH)
			lve->entered = 0;
		return r;
	}
	inside = lve_task_inside(&host, &task);
	if (inside == 0 && lve->entered)
		inside = lve_task_within(&host, &task, lve->ve_id);
	if (inside < 0)
		return inside;
	if (inside == 0)
		return -ESRCH;
	/* As the kernel module did: a task inside an LVE must not be able to
	 * guess its way out. */
	kill(getpid(), SIGKILL);
	return -EPERM;
}

LVE_API int lve_enter(struct liblve *lve, uint32_t ve_id, uint32_t uid, uint32_t gid,
		      uint32_t *cookie)
{
	(void)uid; /* unused, as in the original API: callers pass (uint32_t)-1 */
	(void)gid;
	if (!valid_instance(lve) || !valid_id(ve_id))
		return fail(-EINVAL);
	if (!cookie)
		return fail(-EFAULT);
	if (!is_root())
		return fail(-EPERM);
	return fail(enter(lve, ve_id, cookie, 0));
}

/*
 * lve_enter_thread - lve_enter for a process about to execve (lverun): on
 * cgroup v1 only the calling thread moves (its tid into tasks), which skips
 * the kernel's process-wide lock and the RCU grace period a first move
 * after a quiet spell waits for; execve then ends the other threads, and
 * the process is inside whole.  On v2 it is lve_enter.  lve_leave undoes
 * it.  Not exported from the shared library: a program that keeps running
 * must not leave its other threads outside.
 */
LVE_HIDDEN int lve_enter_thread(struct liblve *lve, uint32_t ve_id, uint32_t *cookie)
{
	if (!valid_instance(lve) || !valid_id(ve_id))
		return fail(-EINVAL);
	if (!cookie)
		return fail(-EFAULT);
	if (!is_root())
		return fail(-EPERM);
	return fail(enter(lve, ve_id, cookie, 1));
}

/*
 * lve_leave_handing_over - lve_leave for lverun's session path: the process
 * that entered forked @heir inside the LVE (the command, or the root
 * monitor that waits for it) and must not stay there itself; the entry
 * goes to @heir, so the entry limit counts the command until it ends.  Not
 * exported.
 */
LVE_HIDDEN int lve_leave_handing_over(struct liblve *lve, uint32_t *cookie, pid_t heir)
{
	struct lve_entry entry;
	struct lve_host host;
	struct lve_task task;
	int r;

	if (!valid_instance(lve) || heir <= 0)
		return fail(-EINVAL);
	if (!cookie)
		return fail(-EFAULT);
	if (!is_root())
		return fail(-EPERM);
	if (!lve->entered || *cookie != lve->cookie)
		return fail(leave(lve, cookie)); /* the plain rules, death included */
	self_task(&task, lve->thread_only);
	if (lve->thread_only)
		task.tid = lve->tid;
	r = instance_host(lve, &host, task.thread_only ? "/proc/thread-self/cgroup" : "/proc/self/cgroup");
	if (r < 0)
		return fail(r);
	entry.id = lve->ve_id;
	entry.slot = lve->slot;
	for (int i = 0; i < host.n; i++)
		strcpy(entry.origin[i], lve->strings + lve->origin[i]);
	r = lve_entry_hand_over(&host, &task, &entry, heir);
	if (r < 0)
		return fail(r);
	lve->slot = LVE_SLOT_NONE;
	r = lve_task_leave(&host, &task, &entry);
	if (r == 0 || r == -ESRCH)
		lve->entered = 0;
	return fail(r);
}

LVE_API int lve_leave(struct liblve *lve, uint32_t *cookie)
{
	if (!valid_instance(lve))
		return fail(-EINVAL);
	if (!cookie)
		return fail(-EFAULT);
	if (!is_root())
		return fail(-EPERM);
	return fail(leave(lve, cookie));
}

/* --- beyond the nine ------------------------------------------------------------- */

/* The checks every admin call makes, then the host for it. */
static int admin(const struct liblve *lve, struct lve_host *host)
{
	if (!valid_instance(lve))
		return -EINVAL;
	if (!is_root())
		return -EPERM;
	return instance_host(lve, host, NULL);
}

static int valid_limits(const struct lve_limits *lim, uint32_t mask)
{
	if (!lim || (mask & ~LVE_LIMIT_ALL))
		return 0;
	for (unsigned i = 0; i < LVE_LIMIT_COUNT; i++)
		if ((mask & LVE_LIMIT_BIT(i)) && !lve_limit_valid(i, lim->value[i]))
			return 0;
	return 1;
}

LVE_API int lve_limits_get(struct liblve *lve, uint32_t ve_id, struct lve_limits *out,
			   uint32_t *unenforced)
{
	struct lve_host host;
	int r;

	if (!valid_id(ve_id) || !out)
		return fail(-EINVAL);
	r = admin(lve, &host);
	if (r == 0)
		r = lve_host_get(&host, ve_id, out, unenforced);
	return fail(r);
}

LVE_API int lve_limits_set(struct liblve *lve, uint32_t ve_id, const struct lve_limits *lim,
			   uint32_t mask, uint32_t *unenforced)
{
	struct lve_host host;
	int r;

	if (!valid_id(ve_id) || !valid_limits(lim, mask))
		return fail(-EINVAL);
	r = admin(lve, &host);
	if (r == 0)
		r = lve_host_set(&host, ve_id, lim, mask, 1, unenforced);
	return fail(r);
}

LVE_API int lve_defaults_get(struct liblve *lve, struct lve_limits *out)
{
	struct lve_host host;
	int r;

	if (!out)
		return fail(-EINVAL);
	r = admin(lve, &host);
	if (r == 0)
		r = lve_host_defaults(&host, out);
	return fail(r);
}

LVE_API int lve_defaults_set(struct liblve *lve, const struct lve_limits *lim, uint32_t mask)
{
	struct lve_host host;
	int r;

	if (!valid_limits(lim, mask))
		return fail(-EINVAL);
	r = admin(lve, &host);
	if (r == 0)
		r = lve_host_set_defaults(&host, lim, mask);
	return fail(r);
}

LVE_API int lve_list(struct liblve *lve, uint32_t *ids, size_t max)
{
	struct lve_host host;
	int r;

	if (!ids && max)
		return fail(-EINVAL);
	r = admin(lve, &host);
	if (r == 0)
		r = WITH_TREE(&host, lve_tree_list(&t_, ids, max));
	return fail(r);
}

LVE_API int lve_usage_get(struct liblve *lve, uint32_t ve_id, struct lve_usage *out)
{
	struct lve_host host;
	struct lve_tree t;
	int r;

	if (!valid_id(ve_id) || !out)
		return fail(-EINVAL);
	r = admin(lve, &host);
	if (r == 0) {
		/* reading needs only the LVE's own cgroups */
		lve_tree_lazy(&t, &host);
		r = lve_tree_usage(&t, ve_id, out);
	}
	return fail(r);
}
