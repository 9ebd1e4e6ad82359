/* SPDX-License-Identifier: MIT */
/*
 * lve-ctl.h - the LVE userland API (liblve), on Linux cgroups v1 and v2.
 *
 * A lightweight virtual environment (LVE) is a numbered resource container
 * for one hosting account.  Programs written against the original LVE API
 * compile and link against this header and liblve unchanged.
 *
 * Every function returns 0 (or the documented positive value) on success and
 * a negative errno on failure.  On failure it also sets errno to the positive
 * value, because existing callers test errno.  Checks come in this order:
 * arguments that can never be valid, then privilege, then state; a refused
 * call changes nothing.
 *
 * Units:
 *   cpu  CPU power as a percentage of one core: 100 is one core, 250 is two
 *        and a half, 1 the smallest; 0 means no CPU limit.  At most 100000.
 *   io   IO priority as a relative weight, 1..1000 (100 is the kernel's
 *        default).  Applied through blkio.bfq.weight (v1), io.bfq.weight
 *        (v2) or io.weight (v2, value x 10); recorded but not enforced where
 *        the kernel offers none of them.
 *
 * Errors common to every function that touches cgroups:
 *   -ENOSYS   no cgroup hierarchy with the cpu controller is mounted.
 *   -EINVAL   the LVE parent (LIBLVE_CGROUP_PARENT or the built-in default)
 *             is not a clean path (empty component, "." or "..").
 *   other     the errno of the cgroupfs operation that failed (-EROFS,
 *             -EACCES, -EIO, ...).
 *
 * An LVE is the cgroup <parent>/<ve_id> in each hierarchy the library uses.
 * The parent is /lve from each hierarchy's root unless the library was built
 * with another LIBLVE_DEFAULT_PARENT, or the environment variable
 * LIBLVE_CGROUP_PARENT names one (ignored in secure mode, as in a setuid
 * program).  A parent without a leading '/' lies beneath the calling
 * process's own cgroup in each hierarchy.
 */
#ifndef LVE_CTL_H
#define LVE_CTL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Opaque per-caller state: allocate lve_instance_init(NULL) bytes. */
struct liblve;

/*
 * lve_is_available - can this host run LVEs?
 *
 * Returns 1 when a cgroup hierarchy with the cpu controller is mounted and the
 * LVE parent exists or can be made beneath it, 0 otherwise.  Answers whoever
 * asks (no privilege needed), creates nothing and never fails.
 */
int lve_is_available(void);

/*
 * lve_set_default - set the limits that newly created LVEs get.
 * @cpu: 0..100000 (0 = no limit).
 * @io:  1..1000.
 *
 * The setting outlives the calling process and is seen by every later
 * process using the same LVE parent; it belongs to that parent's tree (a test
 * tree never changes the host's defaults).  Existing LVEs keep their limits.
 * The other limits of the defaults (lve_defaults_set) stay as they are.
 * Until it is first called the defaults are cpu 100, io 100.
 *
 * Returns 0, or -EINVAL (out of range), -EPERM (caller is not root).
 */
int lve_set_default(uint32_t cpu, uint32_t io);

/*
 * lve_create - create LVE @ve_id with the current defaults.
 * @ve_id: 1..2^31-1.
 *
 * Idempotent: creating an LVE that exists returns 0 and leaves its limits as
 * they are.  Creation is atomic for observers: no process runs inside the new
 * LVE before its limits are written.
 *
 * Returns 0, or -EINVAL (ve_id 0 or >= 2^31), -EPERM (not root), -ENOMEM
 * (the kernel refused to make the cgroup: ENOMEM, ENOSPC, EAGAIN).
 */
int lve_create(uint32_t ve_id);

/*
 * lve_destroy - remove the empty LVE @ve_id.
 *
 * Returns 0, or -EINVAL (bad ve_id), -EPERM (not root), -ENOENT (no such
 * LVE), -EBUSY (processes are still inside: nothing is killed or moved).
 */
int lve_destroy(uint32_t ve_id);

/*
 * lve_setup - change the limits of the existing LVE @ve_id.
 * @cpu: 0..100000, or -1 to leave it unchanged.
 * @io:  1..1000, or -1 to leave it unchanged.
 *
 * Returns 0, or -EINVAL (bad ve_id or a limit out of range), -EPERM (not
 * root), -ENOENT (no such LVE).
 */
int lve_setup(uint32_t ve_id, int32_t cpu, int32_t io);

/*
 * lve_instance_init - size or initialise per-caller state.
 * @lve: NULL to ask for the size, or memory of that many bytes.
 *
 * With NULL returns the number of bytes to allocate (> 0).  With a pointer
 * initialises it and returns 0, or -ENOSYS when no usable cgroup hierarchy is
 * mounted.  Any process may initialise one, root or not, on v1 and v2 alike
 * (what it may then do is checked by each call).  The memory must stay valid
 * until lve_instance_destroy().
 */
int lve_instance_init(struct liblve *lve);

/*
 * lve_instance_destroy - release per-caller state set up by
 * lve_instance_init().  Does not leave an LVE the process is in.
 *
 * Returns 0, or -EINVAL for memory that is not an initialised instance.
 */
int lve_instance_destroy(struct liblve *lve);

/*
 * lve_enter - move the calling process (all its threads) into LVE @ve_id.
 * @lve:    an initialised instance.
 * @ve_id:  1..2^31-1.  An LVE that does not exist is created first, with the
 *          defaults.
 * @uid, @gid: unused; callers pass (uint32_t)-1.  Any value is accepted.
 * @cookie: receives the value lve_leave() must be given.
 *
 * Children forked afterwards are inside too, but they are not entries: the
 * entry is this process, and it ends when the process leaves, exits or is
 * killed (by any signal), with nobody needing to clean up.
 *
 * Returns 0, or -EINVAL (bad ve_id or instance), -EFAULT (@cookie is NULL),
 * -EPERM (not root, or the process is already inside an LVE; nothing is
 * created then), -ENOMEM (the LVE could not be allocated), -E2BIG (the LVE's
 * entry limit, ep, is reached: nothing changes, and an ep fault is counted),
 * -EAGAIN (one of liblve's locks stayed taken for 2 s).
 */
int lve_enter(struct liblve *lve, uint32_t ve_id, uint32_t uid, uint32_t gid,
	      uint32_t *cookie);

/*
 * lve_leave - move the calling process back to exactly the cgroups it was in
 * before lve_enter().
 * @lve:    the instance that entered.
 * @cookie: the cookie lve_enter() handed out.
 *
 * A process inside an LVE that presents a cookie this instance did not hand
 * out is killed with SIGKILL: a task inside an LVE must not be able to guess
 * its way out.
 *
 * Returns 0, or -EINVAL (bad instance), -EFAULT (@cookie is NULL), -EPERM
 * (not root), -ESRCH (the process is not inside an LVE, whatever the cookie).
 */
int lve_leave(struct liblve *lve, uint32_t *cookie);

/* ===========================================================================
 * Beyond the nine: every limit, usage and faults, the list of LVEs.
 *
 * These are admin functions: root only (-EPERM otherwise), like lve_create.
 * They work over an instance (lve_instance_init), which keeps the host's
 * hierarchies between calls, so that reading the usage of thousands of LVEs
 * costs no more than the reads themselves.
 *
 * One unit system everywhere (here, in lvectl's configuration and in its
 * JSON): a percentage of one core, bytes, bytes per second, operations per
 * second, counts.  0 means "no limit" for every limit but io_weight.
 *
 * Not offered: VMEM (no cgroup can limit virtual memory; CloudLinux
 * deprecated it) and NCPU (deprecated there too).
 * =========================================================================== */

/* The limits, in the order of the table lve_limit_info() describes. */
enum lve_limit_id {
	LVE_LIMIT_SPEED = 0, /* CPU, % of one core (the seed's cpu): cpu.cfs_quota_us / cpu.max */
	LVE_LIMIT_IO_WEIGHT, /* IO priority 1..1000 (the seed's io): *.bfq.weight / io.weight */
	LVE_LIMIT_PMEM,      /* physical memory, bytes, page cache included:
				memory.limit_in_bytes + memory.memsw.limit_in_bytes /
				memory.max + memory.swap.max 0 */
	LVE_LIMIT_NPROC,     /* processes and threads: pids.max */
	LVE_LIMIT_EP,        /* entry processes alive at once: liblve's own */
	LVE_LIMIT_IO,        /* read and write bytes/s on every disk:
				blkio.throttle.{read,write}_bps_device / io.max rbps wbps */
	LVE_LIMIT_IOPS,      /* read and write operations/s on every disk:
				blkio.throttle.{read,write}_iops_device / io.max riops wiops */
	LVE_LIMIT_COUNT
};

/* Room for limits to come: the structure's size never changes. */
#define LVE_LIMIT_SLOTS 16
#define LVE_LIMIT_BIT(id) (1u << (id))
#define LVE_LIMIT_ALL ((1u << LVE_LIMIT_COUNT) - 1u)

/* A value per limit, indexed by enum lve_limit_id. */
struct lve_limits {
	uint64_t value[LVE_LIMIT_SLOTS];
};

enum lve_unit {
	LVE_UNIT_PERCENT = 1, /* of one core */
	LVE_UNIT_WEIGHT,      /* relative, 1..1000 */
	LVE_UNIT_BYTES,
	LVE_UNIT_BYTES_PER_SEC,
	LVE_UNIT_OPS_PER_SEC,
	LVE_UNIT_COUNT,
};

/* One row of the limits table: what programs over liblve (lvectl, its
 * configuration, its JSON) learn the limits from. */
struct lve_limit_info {
	const char *name;    /* "speed", "io_weight", "pmem", ...: the one name */
	const char *summary; /* one line for people */
	enum lve_unit unit;
	uint64_t min, max;   /* accepted values (besides 0 = no limit, where it is one) */
	uint64_t builtin;    /* the default until lve_defaults_set() */
	int zero_unlimited;  /* 1: 0 means "no limit" */
	const char *v1_knob; /* the cgroup v1 file(s), "" for liblve's own */
	const char *v2_knob; /* the cgroup v2 file(s) */
};

/*
 * lve_limit_info - row @id of the limits table, or NULL past its end.
 * Needs no privilege and no instance; never fails otherwise.
 */
const struct lve_limit_info *lve_limit_info(unsigned id);

/*
 * lve_limits_get - the limits of LVE @ve_id.
 * @unenforced: if not NULL, receives LVE_LIMIT_BIT(id) for each limit set
 *              (non-zero) that this host cannot enforce (the kernel offers
 *              no knob for it: recorded, not enforced).
 *
 * Returns 0, or -EINVAL (bad id or instance), -EPERM (not root), -ENOENT.
 */
int lve_limits_get(struct liblve *lve, uint32_t ve_id, struct lve_limits *out,
		   uint32_t *unenforced);

/*
 * lve_limits_set - set the limits @mask names (LVE_LIMIT_BIT()s) of LVE
 * @ve_id to the values in @lim; the others stay as they are.  An LVE that
 * does not exist is made, atomically, with the defaults and these values.
 * @unenforced: as for lve_limits_get, after the change.
 *
 * A limit the kernel offers no knob for is recorded and reported in
 * @unenforced, never silently dropped.  io and iops apply to every disk
 * the host has now (see lve-ctl.h's README section "Limits").
 *
 * Returns 0, or -EINVAL (bad id, instance or value; nothing changes),
 * -EPERM (not root), -ENOMEM (the LVE could not be made), -EAGAIN (a lock
 * stayed taken), or the errno of the knob the kernel refused (the limits
 * before it are in place; the record still says what was asked for before).
 */
int lve_limits_set(struct liblve *lve, uint32_t ve_id, const struct lve_limits *lim,
		   uint32_t mask, uint32_t *unenforced);

/*
 * lve_defaults_get / lve_defaults_set - the limits a new LVE of this tree
 * gets (the whole table; lve_set_default() sets speed and io_weight only).
 * Existing LVEs keep theirs.
 */
int lve_defaults_get(struct liblve *lve, struct lve_limits *out);
int lve_defaults_set(struct liblve *lve, const struct lve_limits *lim, uint32_t mask);

/*
 * lve_list - the ids of every LVE that exists in this tree, ascending.
 * Writes at most @max of them to @ids (which may be NULL when @max is 0)
 * and returns how many there are: call again with a bigger array when the
 * result is larger than @max.
 */
int lve_list(struct liblve *lve, uint32_t *ids, size_t max);

/* What an LVE uses, and how often it hit its limits, from the kernel's own
 * counters (no sampling).  Counts and totals run from the LVE's creation. */
struct lve_usage {
	uint64_t cpu_ns;           /* CPU time used */
	uint64_t cpu_throttled_ns; /* time the speed limit held it back */
	uint64_t pmem;             /* memory in use now, bytes, page cache included */
	uint64_t pmem_peak;        /* the highest it has been */
	uint64_t nproc;            /* processes and threads now */
	uint64_t ep;               /* entries alive now */
	uint64_t io_read_bytes;
	uint64_t io_write_bytes;
	uint64_t io_read_ops;
	uint64_t io_write_ops;
	uint64_t fault_speed;      /* periods the speed limit throttled it */
	uint64_t fault_pmem;       /* times it reached its memory limit */
	uint64_t fault_oom;        /* processes the kernel OOM-killed inside it */
	uint64_t fault_nproc;      /* forks refused at its nproc limit */
	uint64_t fault_ep;         /* entries refused at its ep limit */
	uint64_t unavailable;      /* LVE_USAGE_BIT(field) for each one this kernel does not count */
	uint64_t reserved[16];
};

/* Fields of struct lve_usage, in order, for its unavailable bits. */
enum lve_usage_field {
	LVE_USAGE_CPU_NS = 0,
	LVE_USAGE_CPU_THROTTLED_NS,
	LVE_USAGE_PMEM,
	LVE_USAGE_PMEM_PEAK,
	LVE_USAGE_NPROC,
	LVE_USAGE_EP,
	LVE_USAGE_IO_READ_BYTES,
	LVE_USAGE_IO_WRITE_BYTES,
	LVE_USAGE_IO_READ_OPS,
	LVE_USAGE_IO_WRITE_OPS,
	LVE_USAGE_FAULT_SPEED,
	LVE_USAGE_FAULT_PMEM,
	LVE_USAGE_FAULT_OOM,
	LVE_USAGE_FAULT_NPROC,
	LVE_USAGE_FAULT_EP,
	LVE_USAGE_FIELDS
};
#define LVE_USAGE_BIT(field) (1ull << (field))

/*
 * lve_usage_get - what LVE @ve_id uses now, and its faults.
 *
 * Returns 0, or -EINVAL, -EPERM, -ENOENT.
 */
int lve_usage_get(struct liblve *lve, uint32_t ve_id, struct lve_usage *out);

#ifdef __cplusplus
}
#endif

#endif /* LVE_CTL_H */
