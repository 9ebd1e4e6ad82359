/* SPDX-License-Identifier: MIT */
/*
 * launch.c - the last step of a launch: give the command the caller's own
 * process state back, and execve it (SECURITY.md rules 8, 15, 16).
 *
 * Called from C# on the thread that entered the LVE and dropped privileges,
 * after the proof of the drop.  Before execve, on that thread:
 *
 *   - fds >= 3 are marked close-on-exec when the caller is not root (the
 *     caller's own were closed at start; this catches any lverun opened);
 *   - the caller's resource limits are put back (caller.c raised some and
 *     turned core dumps off for lverun's own run);
 *   - the umask is the policy's, else the caller's;
 *   - the caller's scheduling policy, nice value, CPU affinity and I/O
 *     priority, where lverun changed them for its own run (caller.c);
 *   - the signals the caller ignored are ignored and every other one is at
 *     its default, so that the runtime's SIGPIPE ignore and its handlers do
 *     not reach the command while a `nohup` does; then the caller's signal
 *     mask is set on this thread, which execve keeps.
 *
 * When the command runs as another user than the caller and a terminal is
 * attached, lverun does not exec it itself: session.c starts it in a
 * session of its own, on a pseudo-terminal of lverun's, and relays.
 *
 * Only async-signal-safe calls between fork and execve: the runtime has
 * other threads, which the child does not.
 */
#define _GNU_SOURCE
#include "caller.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1u << 2)
#endif

static void set_cloexec(int fd)
{
	fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/* Every fd >= 3 close-on-exec: close_range, else each one /proc/self/fd lists. */
int lverun_mark_fds_cloexec(void)
{
	if (syscall(SYS_close_range, 3, ~0u, CLOSE_RANGE_CLOEXEC) == 0)
		return 0;
	return lverun_each_fd_from_3(set_cloexec);
}

/*
 * The caller's ignores, and the default for every other signal.  With
 * @all false only what execve would not fix is changed (it resets handled
 * signals to the default by itself, and keeps ignored ones ignored), so
 * that the runtime's handlers stay in place for its other threads up to
 * the execve.
 */
static int restore_dispositions(int all)
{
	for (int sig = 1; sig < NSIG; sig++) {
		struct sigaction now, want = { 0 };

		if (sig == SIGKILL || sig == SIGSTOP || sigaction(sig, NULL, &now) != 0)
			continue;
		int plain = !(now.sa_flags & SA_SIGINFO);
		int ignored = plain && now.sa_handler == SIG_IGN;
		int defaulted = plain && now.sa_handler == SIG_DFL;
		int ignore = sigismember(&lverun_caller.ignored, sig) == 1;
		if (ignore ? ignored : defaulted)
			continue;
		if (!ignore && !ignored && !all)
			continue; /* a handler: execve resets it to the default */
		want.sa_handler = ignore ? SIG_IGN : SIG_DFL;
		sigemptyset(&want.sa_mask);
		if (sigaction(sig, &want, NULL) != 0)
			return errno;
	}
	return 0;
}

/*
 * Become the command: everything from the list above, then execve.  Returns
 * only on failure: the stage, with the errno in *error.  All signals are
 * blocked on this thread when it is called.  @new_session: in a new
 * session's child (session.c), where every handler is reset, not only the
 * ones execve would not reset.
 */
int lverun_become_command(const char *path, char *const argv[], char *const envp[], int new_session, int umask_value,
			  int *error)
{
	if ((*error = lverun_restore_limits()) != 0)
		return LVERUN_STAGE_LIMITS;
	umask((mode_t)(umask_value >= 0 ? umask_value : (int)lverun_caller.umask) & 0777);
	if ((*error = restore_dispositions(new_session)) != 0)
		return LVERUN_STAGE_SIGNALS;
	if ((*error = lverun_restore_sched()) != 0)
		return LVERUN_STAGE_SCHED;
	if ((*error = pthread_sigmask(SIG_SETMASK, &lverun_caller.mask, NULL)) != 0)
		return LVERUN_STAGE_SIGNALS;
	execve(path, argv, envp);
	*error = errno;
	return LVERUN_STAGE_EXECVE;
}

/* Back to lverun's own state after a failed attempt; it exits next. */
void lverun_stay(const sigset_t *mask)
{
	struct rlimit core = lverun_caller.limits[RLIMIT_CORE];
	struct sigaction ignore = { 0 };

	core.rlim_cur = 0;
	setrlimit(RLIMIT_CORE, &core);
	/* a message to a closed pipe must not kill lverun before its exit code */
	ignore.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ignore, NULL);
	pthread_sigmask(SIG_SETMASK, mask, NULL);
}

/*
 * A terminal the command could reach: one on fd 0, 1 or 2, or a
 * controlling terminal it could open as /dev/tty whatever the caller
 * redirected.  In doubt (an error other than "no controlling terminal"),
 * yes.
 */
int lverun_has_terminal(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (isatty(fd))
			return 1;
	int tty = open("/dev/tty", O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (tty < 0)
		return errno != ENXIO;
	close(tty);
	return 1;
}

/*
 * Run the command: @path with @argv and @envp, as described above.  @umask_value
 * is the command's umask, or -1 for the caller's.  Returns only on failure:
 * a positive errno, with *stage saying what failed (LVERUN_STAGE_*).
 */
LVERUN_API int lverun_exec(const char *path, char *const argv[], char *const envp[], int flags, int umask_value,
			   int *stage)
{
	sigset_t all, old;
	int error;

	if ((flags & LVERUN_EXEC_CLOSE_FDS) && (error = lverun_mark_fds_cloexec()) != 0) {
		*stage = LVERUN_STAGE_FDS;
		return error;
	}
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	*stage = lverun_become_command(path, argv, envp, 0, umask_value, &error);
	lverun_stay(&old);
	return error;
}
