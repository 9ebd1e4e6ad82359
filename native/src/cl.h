/* SPDX-License-Identifier: MIT */
/*
 * cl.h - CloudLinux's application API (lve/lve-ctl.h) over liblve: the
 * internal pieces.  Nothing here is exported.
 *
 *   cl_api.c     the exported functions and the instance
 *   cl_core.c    what an enter, an exit, a fault check is, over a host:
 *                shared by root's own calls and by the broker
 *   cl_local.c   what a process keeps outside its instances: the entries
 *                root made directly, its connections to brokers
 *   cl_broker.c  the broker: started by init_lve() as root, it moves the
 *                processes that hold its instance, for them
 *   cl_cagefs.c  CageFS's entry points, answering "disabled"
 *
 * The privilege model (docs/cloudlinux.md tells it in full).  Root moves
 * itself directly.  Anyone else asks the broker root started in init_lve():
 * the instance holds one end of a socket pair (the "rendezvous"), the
 * broker the other; nothing else reaches the broker.  A process registers
 * once per thread, sending the broker one end of a socket pair of its own
 * (its "connection"); the kernel attaches the sender's credentials to every
 * message (SO_PASSCRED), so the broker knows who asks without believing the
 * asker.  A connection answers only the process that made it, and only its
 * thread that made it waits on it.  The broker keeps every entry (its task,
 * start time, cookie, the way back); the asker keeps only its cookie.
 */
#ifndef LIBLVE_CL_H
#define LIBLVE_CL_H

#include "internal.h"
#include "lve/lve-ctl.h"

#define CL_MAGIC 0x4c56434cu /* "LVCL"; the original API's instance has "LVE2" here */
#define CL_API_VERSION ((uint32_t)LIBLVE_API_MAJOR << 16 | LIBLVE_API_MINOR)

/*
 * The instance, as the caller's memory holds it.  CloudLinux's is two
 * pointers and an int (SIZEOF_LIBLVE), and its own header copies just those
 * bytes into old callers' memory: everything ours needs lives in them.
 * The word at offset 8 tells it from the original API's instance.
 */
struct cl_instance {
	liblve_free release; /* init_lve()'s @free, or NULL */
	uint32_t magic;      /* CL_MAGIC */
	int32_t channel;     /* this process's end of the broker's rendezvous, or -1 */
	int32_t broker;      /* the broker's pid (it vouches for @channel), or 0 */
};

/* --- the wire: a request, a reply ------------------------------------------ */

#define CL_WIRE_VERSION 1

enum cl_op {
	CL_OP_REGISTER = 1, /* on the rendezvous, with the asker's connection */
	CL_OP_ENTER,        /* on a connection; so are the rest */
	CL_OP_EXIT,
	CL_OP_FAULT,
	CL_OP_INSIDE,
};

struct cl_request {
	uint32_t version;   /* CL_WIRE_VERSION */
	uint32_t op;        /* enum cl_op */
	uint32_t seq;       /* echoed in the reply */
	int32_t tid;        /* the asking thread (the process comes from the kernel) */
	uint32_t id;        /* ENTER: the LVE */
	uint32_t flags;     /* ENTER: enum liblve_enter_flags */
	uint32_t cookie;    /* EXIT */
	uint32_t has_settings;
	struct liblve_settings settings; /* ENTER with has_settings: lve_setup_enter */
};

struct cl_reply {
	uint32_t seq;       /* the request's */
	int32_t result;     /* 0 or -errno */
	uint32_t value;     /* ENTER: the cookie; FAULT: the fail mask; INSIDE: 1/0 */
};

/* --- cl_core.c: the operations, over a host --------------------------------- */

/* Fault counters of an LVE, from the kernel's own. */
struct cl_faults {
	uint64_t pmem;  /* memory limit reached, OOM kills included */
	uint64_t nproc; /* forks refused at the process limit */
};

/* The counter files of a few LVEs, kept open by a long-lived reader (the
 * broker reads them at every enter). */
#define CL_COUNTER_FILES 8
#define CL_COUNTER_LVES 64
struct cl_counters {
	struct {
		uint32_t id;           /* 0: free */
		uint64_t used;         /* for eviction */
		int n;
		int fd[CL_COUNTER_FILES];
		uint8_t kind[CL_COUNTER_FILES];
	} lve[CL_COUNTER_LVES];
	uint64_t clock;
};

/* One entry: the task that entered, and what it takes to get it back out. */
struct cl_rec {
	pid_t pid, tid;
	unsigned long long start;  /* the entrant thread's start time */
	uint32_t cookie;
	struct cl_faults base;     /* the counters when it entered or last asked */
	struct lve_entry entry;
};

/* A kill is the answer to an exit by a task that must not leave. */
#define CL_KILL 1

/* Does any hierarchy of @host have the cgroup v2 layout? */
LVE_HIDDEN int cl_any_v2(const struct lve_host *host);
/* The threads of process @pid now (from /proc), or -errno. */
LVE_HIDDEN int cl_thread_count(pid_t pid);
/* The task to move for thread @tid of @pid: that thread; -EOPNOTSUPP when
 * the process has other threads and a v2 hierarchy would move them all. */
LVE_HIDDEN int cl_task(const struct lve_host *host, pid_t pid, pid_t tid, struct lve_task *task);
/* Settings to limits: @lim, @mask (the limits they set), @vmem (bytes, or
 * -1 unchanged).  -ERANGE for a value CloudLinux refuses. */
LVE_HIDDEN int cl_settings_limits(const struct liblve_settings *set, struct lve_limits *lim,
				  uint32_t *mask, int64_t *vmem);
/* Set LVE @id's limits from @set, making it if need be. */
LVE_HIDDEN int cl_setup(const struct lve_host *host, uint32_t id, const struct liblve_settings *set);
/* A non-zero random cookie. */
LVE_HIDDEN int cl_cookie(uint32_t *cookie);
/* Enter @task into @id (after applying @set if not NULL, refusing with
 * -EPERM a task inside an LVE before that); fills @rec. */
LVE_HIDDEN int cl_enter(const struct lve_tree *t, const struct lve_task *task, uint32_t id,
			unsigned flags, const struct liblve_settings *set, struct cl_rec *rec);
/*
 * Exit @task.  @rec is its entry (NULL: it has none).  @check_cookie: 0 for
 * root, who is not asked for one.  Returns 0 (left; @rec is over), -ESRCH
 * (not inside; @rec, if any, is over), CL_KILL (inside and must not leave:
 * the caller kills it), or another -errno (@rec still stands).
 */
LVE_HIDDEN int cl_exit(const struct lve_tree *t, const struct lve_task *task, struct cl_rec *rec,
		       uint32_t cookie, int check_cookie);
/* The fault counters of LVE @id (through @cache when not NULL). */
LVE_HIDDEN int cl_faults_read(const struct lve_tree *t, struct cl_counters *cache, uint32_t id,
			      struct cl_faults *out);
/* The LIBLVE fail bits since @base, which becomes the counters now. */
LVE_HIDDEN int cl_faults_since(const struct lve_tree *t, struct cl_counters *cache, uint32_t id,
			       struct cl_faults *base, uint32_t *mask);
LVE_HIDDEN void cl_counters_init(struct cl_counters *cache);
/* The LVE of this tree that @task is in (its primary cgroup or one beneath
 * it), 0 when none. */
LVE_HIDDEN uint32_t cl_task_lve(const struct lve_host *host, const struct lve_task *task);
/* Inside by the path alone (for callers that cannot read the records):
 * 1/0. */
LVE_HIDDEN int cl_path_inside(const struct lve_host *host, const struct lve_task *task);
/* The parent of process @pid (from /proc), 0 if unknown. */
LVE_HIDDEN pid_t cl_parent_of(pid_t pid);
/* The calling thread's id. */
LVE_HIDDEN pid_t cl_gettid(void);
/* Send @len bytes of @buf as one message on @sock, with descriptor @fd
 * attached (SCM_RIGHTS) when >= 0; never raises SIGPIPE. */
LVE_HIDDEN int cl_send(int sock, const void *buf, size_t len, int fd);

/* --- cl_local.c: what a process keeps outside its instances ----------------- */

/* Root's own operations, for the calling thread. */
LVE_HIDDEN int cl_local_enter(uint32_t id, unsigned flags, const struct liblve_settings *set,
			      uint32_t *cookie);
LVE_HIDDEN int cl_local_exit(uint32_t cookie);
LVE_HIDDEN int cl_local_fault(uint32_t *mask);
LVE_HIDDEN int cl_local_inside(void);
/* Did the calling thread enter as root (an entry of its own is kept here)? */
LVE_HIDDEN int cl_local_entered(void);
/* A round trip to the broker of @inst for the calling thread. */
LVE_HIDDEN int cl_local_call(const struct cl_instance *inst, struct cl_request *req,
			     struct cl_reply *rep);
/* This process is done with broker @broker: close its connection to it. */
LVE_HIDDEN void cl_local_forget(pid_t broker);

/* --- cl_broker.c -------------------------------------------------------------- */

/* Start a broker for @host; *channel gets this process's end of its
 * rendezvous (close-on-exec), *broker its pid. */
LVE_HIDDEN int cl_broker_start(const struct lve_host *host, int *channel, pid_t *broker);
/* Is @fd the rendezvous of broker @broker (a socket whose peer is root's
 * process @broker)?  1/0. */
LVE_HIDDEN int cl_channel_valid(int fd, pid_t broker);

#endif /* LIBLVE_CL_H */
