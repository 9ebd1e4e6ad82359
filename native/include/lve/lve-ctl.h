/* SPDX-License-Identifier: MIT */
/*
 * lve/lve-ctl.h - CloudLinux's application API for LVEs (liblve API 1.3),
 * on Linux cgroups, for programs written against it: Apache modules that
 * put each request in its account's LVE, suexec patches, spawners, PHP-FPM
 * patches.  Such programs include <lve/lve-ctl.h> (or "lve/lve-ctl.h") and
 * compile here unchanged; those that dlopen("liblve.so.0") and look the
 * functions up by name run here unchanged.
 *
 * Not to be confused with <lve-ctl.h>, the original LVE API (lve_create,
 * lve_enter, ...).  Both may be included in one program: struct liblve is
 * one opaque type, and each API tells its own instances from the other's
 * (an instance of one given to the other is -EINVAL).
 *
 * Every function that returns int returns 0 (or the documented value) on
 * success and a negative errno on failure, and then also sets errno to the
 * positive value.  The LVE is the one of liblve's tree (lve-ctl.h: the
 * parent /lve, or LIBLVE_CGROUP_PARENT, or the administrator's setting).
 *
 * Who may enter.  An instance made by root (init_lve() with euid 0) starts a
 * small broker process that holds the right to move processes between
 * cgroups.  A process that has that instance (root itself, or a child that
 * inherited it across fork() and then dropped privileges, as web server
 * children do) may enter and exit through it; one without it gets -EPERM.
 * Nothing world-writable or world-reachable is made: the broker is reached
 * only through the descriptor the instance holds, the kernel tells it who
 * asks, and it checks every cookie itself, so code running inside an LVE
 * cannot leave it, nor move another process, by going around liblve.  The
 * descriptor is close-on-exec: a program run by exec() does not inherit the
 * right (as a program started by suexec must not).
 *
 * Threads.  CloudLinux enters the calling thread.  In a single-threaded
 * process that is the whole process, as there.  In a multi-threaded one the
 * other threads never move: on cgroup v1 the calling thread enters alone
 * (processes it forks are inside); on cgroup v2, where memory and io cannot
 * be split between threads, lve_enter_flags() refuses with -EOPNOTSUPP.
 *
 * Not offered: CloudLinux's admin section (LVE_ADMIN: lve_create(lve, id),
 * lve_setup(), lve_info() and the rest) - its names are those of the
 * original API's functions in <lve-ctl.h>, with other arguments.  Use
 * <lve-ctl.h> or lvectl for administration.  CageFS is not offered either:
 * its entry points answer "disabled".  read_min_uid() is not offered.
 */
#ifndef _LVE_CTL_H_
#define _LVE_CTL_H_

#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "lve-type.h"

#ifdef LVE_ADMIN
#error "liblve does not offer CloudLinux's LVE_ADMIN section (its names are the original API's functions in <lve-ctl.h>); use <lve-ctl.h> or lvectl"
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define LIBLVE_API_MAJOR 1
#define LIBLVE_API_MINOR 3

/* What the LVE_DEPRICATED lve_instance_init() below copies.  Everything an
 * instance needs lives in these first bytes (or outside the instance), so a
 * copy of them works after the original is freed. */
#define SIZEOF_LIBLVE (sizeof(void *) + sizeof(void *) + sizeof(int))

struct liblve;

/*
 * init_lve - make an instance.
 * @alloc: gives the instance's memory (an Apache pool allocator will do).
 * @free:  gives it back in destroy_lve(); may be NULL (then nothing is freed).
 *
 * Called as root (euid 0), it also starts the broker through which this
 * process, and the processes that inherit the instance, may enter and exit
 * after dropping privileges; the broker ends by itself when the last of them
 * has exited or called destroy_lve().  Root calling from inside an LVE gets
 * no broker (it would live in that LVE; nothing below the caller could
 * enter anyway): root itself needs none.  Called as another user, it makes
 * an instance that can tell whether the caller is inside an LVE, and
 * nothing more (entering is -EPERM).
 *
 * Returns the instance, or NULL with errno set: EINVAL (@alloc is NULL),
 * ENOMEM (@alloc gave NULL), ENOSYS (no cgroup hierarchy with the cpu
 * controller is mounted), or the error that kept the broker from starting.
 */
struct liblve *init_lve(liblve_alloc alloc, liblve_free free);

static inline struct liblve *init_lve_generic(void)
{
	return init_lve(malloc, free);
}

/*
 * destroy_lve - let go of an instance: this process's hold on the broker
 * ends, and the memory goes back through init_lve()'s @free when that was
 * not NULL.  Does not leave an LVE the caller is in.
 *
 * Returns 0, or -EINVAL (not an instance).
 */
int destroy_lve(struct liblve *lve);

/*
 * lve_enter_flags - put the calling thread (the whole process when it has
 * one thread; see "Threads" above) into LVE @lve_id, made first with the
 * defaults if it does not exist.  Processes it forks afterwards are inside
 * too but are not entries: the entry is the caller, and it ends when the
 * caller leaves, exits or is killed.
 * @cookie: receives a non-zero value that lve_exit() must be given.
 * @flags:  LVE_NO_MAXENTER enters even when the LVE's entry limit is
 *          reached; the other flags are accepted and change nothing.
 *
 * Returns 0, or -EINVAL (@lve_id 0 or >= 2^31, or not an instance),
 * -EFAULT (@cookie is NULL), -EPERM (the caller is inside an LVE already,
 * or has no right to enter: see "Who may enter"), -E2BIG (the entry limit
 * is reached), -ENOMEM (the LVE could not be made), -EOPNOTSUPP (cgroup v2
 * and the caller has other threads), -EAGAIN (one of liblve's locks stayed
 * taken), -EIO (the broker is gone).
 */
int lve_enter_flags(struct liblve *lve, uint32_t lve_id, uint32_t *cookie,
		    enum liblve_enter_flags flags);

/*
 * lve_enter_fs - CloudLinux enters CageFS's copy of the file system here.
 * There is no CageFS: the file system stays as it is.
 *
 * Returns 0 when the caller is inside an LVE, -EINVAL when it is not.
 */
int lve_enter_fs(struct liblve *lve);

/*
 * lve_exit - leave the LVE lve_enter_flags() put the caller in: back to
 * exactly the cgroups it was in before, in every hierarchy.
 * @cookie: what lve_enter_flags() gave.
 *
 * As CloudLinux's kernel does, a task inside an LVE that did not enter it
 * (a child of the entrant) and asks to leave, or that presents a cookie
 * that is not its own, is killed with SIGKILL: a task inside must not be
 * able to guess or inherit its way out.  Root is not asked for the cookie.
 *
 * Returns 0, or -ESRCH (the caller is not inside an LVE, whatever the
 * cookie), -EFAULT (@cookie is NULL), -EINVAL (not an instance; NULL
 * included), -EPERM (no right to exit, or the entry was made as root and
 * the caller has dropped privileges since: leave before dropping them).
 */
int lve_exit(struct liblve *lve, uint32_t *cookie);

/*
 * lve_setup_enter - set LVE @ve_id's limits to @set (kept afterwards; made
 * with them if it does not exist), then lve_enter_flags().  Units map as:
 *   ls_cpu        % of ls_cpus cores (ls_cpus < 1 counts as one), or with
 *                 LIBLVE_SETTINGS_LS_CPU_HIRES 10000 = one core  -> speed
 *   ls_memory_phy 4 KiB pages                                    -> pmem
 *   ls_io         KB/s (at least 4)                              -> io
 *   ls_iops, ls_nproc, ls_enters                                 -> iops, nproc, ep
 *   ls_memory     4 KiB pages of virtual memory: recorded beside the LVE
 *                 (trusted.liblve.vmem) and not enforced - no cgroup can
 *   ls_cpu_weight 0..100: accepted, not enforced
 * 0 means no limit, -1 leaves a limit as it is; a value above what liblve
 * accepts is taken as its largest.
 *
 * Returns what lve_enter_flags() returns, and -EFAULT (@set is NULL),
 * -ERANGE (a value below -1, or ls_cpu_weight above 100).  A caller inside
 * an LVE gets -EPERM and changes nothing.
 */
int lve_setup_enter(struct liblve *lve, uint32_t ve_id, struct liblve_settings *set,
		    uint32_t *cookie, enum liblve_enter_flags flags);

/*
 * lve_check_fault - which limits the caller's LVE reached since the caller
 * entered it or last asked (a child of the entrant shares its entrant's),
 * as LVE_FAIL_MEM_PHY and LVE_FAIL_NPROC bits in @failmask; asking clears
 * them.  Read from the kernel's own counters of the LVE.
 *
 * Returns 0, or -ESRCH (not inside an LVE), -EFAULT (@failmask is NULL),
 * -EINVAL (not an instance), -EPERM (no right: see "Who may enter").
 */
int lve_check_fault(struct liblve *lve, uint32_t *failmask);

/*
 * is_in_lve - is the calling thread inside an LVE?
 *
 * Returns 1 or 0, or -EINVAL (not an instance).
 */
int is_in_lve(struct liblve *lve);

/* The kernel-side API version this liblve reproduces: 1 << 16 | 3. */
uint32_t lve_kapi_ver(struct liblve *lve);

/* The application API's version, LIBLVE_API_MAJOR << 16 | LIBLVE_API_MINOR. */
uint32_t lve_get_api_version(void);

/*
 * LVE_DEPRICATED: CloudLinux's header offers the original API's functions,
 * made from this one, to programs that define LVE_DEPRICATED.  So does this
 * one.  They share the original API's names, so a program that defines
 * LVE_DEPRICATED cannot include <lve-ctl.h> as well.
 */
#ifdef LVE_DEPRICATED
#ifdef LVE_CTL_H
#error "LVE_DEPRICATED defines the original API's functions itself: do not include <lve-ctl.h> as well"
#endif
static inline int lve_is_available(void)
{
	struct liblve *lve = init_lve(malloc, free);

	if (!lve)
		return 0;
	destroy_lve(lve);
	return 1;
}

/* Fills @lve with a copy of an instance's first SIZEOF_LIBLVE bytes. */
static inline int lve_instance_init(struct liblve *lve)
{
	struct liblve *made;

	if (!lve)
		return (int)SIZEOF_LIBLVE;
	made = init_lve(malloc, NULL);
	if (!made)
		return -1;
	memcpy(lve, made, SIZEOF_LIBLVE);
	free(made);
	return 0;
}

static inline int lve_instance_destroy(struct liblve *lve)
{
	return destroy_lve(lve);
}

static inline int lve_enter(struct liblve *lve, uint32_t ve_id, int32_t uid, int32_t gid,
			    uint32_t *cookie)
{
	(void)uid;
	(void)gid;
	return lve_enter_flags(lve, ve_id, cookie, (enum liblve_enter_flags)0);
}

static inline int lve_leave(struct liblve *lve, uint32_t *cookie)
{
	return lve_exit(lve, cookie);
}
#endif /* LVE_DEPRICATED */

/* ===========================================================================
 * CageFS.  There is no CageFS here: these answer as CloudLinux's do where
 * CageFS is disabled, so that programs which insist on finding them run.
 * =========================================================================== */

#define SECURELVE_JAIL "/usr/share/cagefs-skeleton"
#define SECURELVE_BASEDIR "/var/cagefs/"
#define SECURELVE_SHELL "/usr/sbin/securelve_sh"
#define SECURELVE_ETC_MP_FILE "/etc/cagefs/cagefs.mp"
#define SECURELVE_MP_FILE "/usr/share/cagefs/cagefs.mp.work"
#define SECURELVE_CONFIG_DIR "/etc/cagefs"
#define SECURELVE_MIN_UID 500
#define SECURELVE_MIN_UID_FILENAME "/etc/cagefs/cagefs.min.uid"
#define HOME_REGEX_FILE "/etc/cagefs/cagefs.base.home.dirs"
#define MAX_REXPS 100
#define DISABLE_ETCFS "/etc/cagefs/etc.safe/disable.etcfs"
#define PGSQL_SOCKET_CFG "/usr/share/cagefs/pgsql.socket.name"
#define MYSQL_SOCKET_CFG "/usr/share/cagefs/mysql.socket.name"

/* Put the user in CageFS: returns 0, "CageFS is disabled" (1 would be
 * success, -1 an error).  @error_str is not written. */
int jail(struct passwd *pw, char *error_str);
int lve_jail(struct passwd *pw, char *error_str);
int lve_jail_uid(struct passwd *pw, unsigned int min_uid, char *error_str);

/* Set up CageFS's namespace for an LVE: returns 0, "CageFS is disabled". */
int lve_namespace_setup(unsigned int lve_id);

#ifdef __cplusplus
}
#endif

#endif /* _LVE_CTL_H_ */
