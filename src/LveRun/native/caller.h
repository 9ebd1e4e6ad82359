/* SPDX-License-Identifier: MIT */
/*
 * caller.h - what lverun recorded about its caller before the .NET runtime
 * started (caller.c), and the last step of a launch that gives it back to
 * the command (launch.c).
 *
 * lverun is installed setuid root, so its caller chooses argv, the
 * environment, the open fds, the resource limits, the signal dispositions
 * and mask and the umask.  caller.c records all of them from
 * .preinit_array, then makes lverun's own process safe to run (see there);
 * launch.c restores exactly the caller's state on the thread that calls
 * execve, right before it.
 *
 * Functions with default visibility are bound from C# with DirectPInvoke
 * (library name "lverun_caller"); they return >= 0 or a positive errno as
 * documented on each.
 */
#ifndef LVERUN_CALLER_H
#define LVERUN_CALLER_H

#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/types.h>

#define LVERUN_API __attribute__((visibility("default")))
#define LVERUN_HIDDEN __attribute__((visibility("hidden")))

/* The fixed search path of lverun itself, and of the command when the
 * caller is not root, or when root's environment has no PATH (SECURITY.md
 * rules 1, 14, 17).  The one definition: LveRun.csproj reads it from here
 * into BuildInfo.SecurePath. */
#define LVERUN_SECURE_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Linux 5.9; older headers lack the number (the call then fails with
 * ENOSYS, and each user has a fallback). */
#ifndef SYS_close_range
#define SYS_close_range 436
#endif

/* RLIM_NLIMITS as of Linux 6.x; a newer limit is left alone. */
#define LVERUN_NLIMITS 16

/* The caller's scheduling, which lverun puts back right before execve for
 * whatever it changed (see caller.c, rule 20). */
struct lverun_sched {
	int policy;        /* sched_getscheduler(), SCHED_RESET_ON_FORK included */
	int priority;      /* its sched_priority */
	int nice;
	int ioprio;        /* ioprio_get(IOPRIO_WHO_PROCESS, 0) */
	cpu_set_t affinity;
	unsigned changed;  /* LVERUN_SCHED_* */
};

enum {
	LVERUN_SCHED_POLICY = 1 << 0,
	LVERUN_SCHED_NICE = 1 << 1,
	LVERUN_SCHED_AFFINITY = 1 << 2,
	LVERUN_SCHED_IOPRIO = 1 << 3,
};

struct lverun_caller {
	int argc;
	char **argv;
	/* The caller's environment pointers, NULL-terminated, in a read-only
	 * mapping: the array the kernel handed over is compacted in place. */
	char **envp;
	/* The caller's real ids.  lverun's own real uid is 0 from then on
	 * (when it is setuid root), so that its caller cannot signal it. */
	uid_t ruid;
	gid_t rgid;
	mode_t umask;
	struct lverun_sched sched;
	/* Signals the caller ignored (SIG_IGN), and its signal mask. */
	sigset_t ignored;
	sigset_t mask;
	/* The caller's limits, and which ones lverun changed for itself. */
	struct rlimit limits[LVERUN_NLIMITS];
	unsigned changed_limits;
};

LVERUN_HIDDEN extern struct lverun_caller lverun_caller;

/* Put back the caller's limits that lverun changed.  0 or a positive errno. */
LVERUN_HIDDEN int lverun_restore_limits(void);

/* Put back, on the calling thread, the caller's scheduling policy, nice
 * value, CPU affinity and I/O priority that lverun changed.  Works
 * unprivileged: lverun only ever changed them for the better.  0 or a
 * positive errno. */
LVERUN_HIDDEN int lverun_restore_sched(void);

/* The job-control stop signals a terminal sends without any permission
 * check (^Z, a background read or write): blocked while lverun works, so
 * that they take effect only once it holds nothing that others wait for. */
LVERUN_HIDDEN void lverun_stop_signals(sigset_t *set);

/* Call @apply on every open fd >= 3 that /proc/self/fd lists (the way
 * before close_range).  0, or a positive errno if it cannot be listed. */
LVERUN_HIDDEN int lverun_each_fd_from_3(void (*apply)(int fd));

/* Write "lverun: <what>: <why>\n" to fd 2, in one write, if fd 2 is open. */
LVERUN_HIDDEN void lverun_say(const char *what, const char *why);

/* lverun_exec and lverun_spawn flags. */
enum {
	/* Mark every fd >= 3 close-on-exec: the caller is not root. */
	LVERUN_EXEC_CLOSE_FDS = 1 << 0,
};

/* launch.c, shared with session.c. */
LVERUN_HIDDEN int lverun_become_command(const char *path, char *const argv[], char *const envp[], int new_session,
					int umask_value, int *error);
LVERUN_HIDDEN void lverun_stay(const sigset_t *mask);
LVERUN_HIDDEN int lverun_mark_fds_cloexec(void);
/* After lverun_spawn: the child it started (the command, or the monitor
 * that waits for it), which lives as long as the command. */
LVERUN_HIDDEN pid_t lverun_spawned(void);
LVERUN_HIDDEN int lverun_has_terminal(void);

/* What lverun_exec was doing when it failed (its *stage). */
enum {
	LVERUN_STAGE_EXECVE = 1,
	LVERUN_STAGE_LIMITS = 2,
	LVERUN_STAGE_SIGNALS = 3,
	LVERUN_STAGE_FDS = 4,
	LVERUN_STAGE_SETSID = 5,
	LVERUN_STAGE_FORK = 6,
	LVERUN_STAGE_WAIT = 7,
	LVERUN_STAGE_SCHED = 8,
	LVERUN_STAGE_DROP = 9,     /* the privilege drop in a new session's child */
	LVERUN_STAGE_PTY = 10,     /* making the pseudo-terminal */
	LVERUN_STAGE_STARTED = 11, /* lverun_spawn: the command's child runs */
};

#endif
