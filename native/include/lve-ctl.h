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
 * mounted.  The memory must stay valid until lve_instance_destroy().
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
 * Children forked afterwards are inside too.
 *
 * Returns 0, or -EINVAL (bad ve_id or instance), -EFAULT (@cookie is NULL),
 * -EPERM (not root, or the process is already inside an LVE; nothing is
 * created then), -ENOMEM (the LVE could not be allocated).
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

#ifdef __cplusplus
}
#endif

#endif /* LVE_CTL_H */
