/* SPDX-License-Identifier: MIT */
/*
 * session.c - a command that runs as another user while a terminal is
 * attached (SECURITY.md rules 16 and 22): it gets a session of its own and,
 * when any of fds 0-2 is a terminal, a pseudo-terminal of lverun's in its
 * place, as su --pty and sudo's use_pty do.  No descriptor of the caller's
 * terminal reaches the other account, so it can neither push input into it
 * (TIOCSTI) nor read what the caller types, then or after lverun returns:
 * what it leaves behind holds only lverun's pty, which goes with lverun.
 *
 * lverun forks after entering the LVE and before dropping privileges:
 *
 *   the child   starts a session (setsid) and makes the pty's slave its
 *               controlling terminal; as that session's monitor, still
 *               root, it starts the command as a job of the session
 *               (run_child below), which puts the slave on those of fds
 *               0-2 that were terminals (the others, files or pipes, stay
 *               as the caller gave them), closes any other terminal a root
 *               caller passed, drops privileges here in C (the runtime
 *               cannot run managed code in a forked child) and proves the
 *               drop as PrivilegeDrop.cs does, then becomes the command
 *               (launch.c).  A failure before execve is reported through a
 *               pipe.
 *   the parent  stays root, with real uid 0, so that neither the caller
 *               (rule 20) nor the other account can signal or stop it,
 *               leaves the LVE (Launcher.cs), and relays: the caller's
 *               input to the pty (the caller's terminal in raw mode while
 *               lverun is its foreground job, so ^C, ^Z and ^\ reach the
 *               command's terminal as they would a local one), the pty's
 *               output to the caller's terminal, the window size on
 *               SIGWINCH, signals sent to lverun on to the command, job
 *               control both ways (the command stopped: the caller's
 *               terminal back as it was and lverun stopped; continued: raw
 *               again and the command continued), and in the end the
 *               command's exit status, or its death by a signal, as its own.
 *
 * Without a terminal on fds 0-2 but with a controlling terminal reachable
 * as /dev/tty, the command gets a new session and no terminal at all.
 *
 * Between fork and execve the child makes only async-signal-safe calls and
 * glibc's credential wrappers (safe in a child: it has one thread).
 */
#define _GNU_SOURCE
#include "caller.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

/* The command's child and what the parent relays. */
static pid_t child;
static int report_fd = -1;
static int master = -1;
static int tty_in = -1, tty_out = -1;
static struct termios saved_termios;
static int raw;
static int signal_pipe[2] = { -1, -1 };

/* What a terminal, a job-control shell or the caller may send lverun for the command. */
static const int forwarded_signals[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM };

struct child_report {
	int stage;
	int error;
};

/* --- the child ------------------------------------------------------- */

static int same_sorted(gid_t *a, int na, gid_t *b, int nb)
{
	if (na != nb)
		return 0;
	/* insertion sorts: a few dozen groups at most */
	for (gid_t *list = a; list; list = list == a ? b : NULL)
		for (int i = 1; i < na; i++)
			for (int j = i; j > 0 && list[j - 1] > list[j]; j--) {
				gid_t t = list[j];
				list[j] = list[j - 1];
				list[j - 1] = t;
			}
	return memcmp(a, b, (size_t)na * sizeof *a) == 0;
}

static int capabilities_empty(int clear)
{
	struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof data);
	if (clear && syscall(SYS_capset, &header, data) != 0)
		return 0;
	if (syscall(SYS_capget, &header, data) != 0)
		return 0;
	for (int i = 0; i < 2; i++)
		if (data[i].effective || data[i].permitted || data[i].inheritable)
			return 0;
	return 1;
}

/* PrivilegeDrop.Apply and Verify, for the child of a new session: groups,
 * gid, uid, then proof.  0, or a positive errno (EPERM for a proof that
 * failed). */
static int drop_privileges(uid_t uid, gid_t gid, gid_t *groups, int ngroups)
{
	static gid_t now[65536];
	uid_t r, e, s;
	gid_t rg, eg, sg;

	if (setgroups((size_t)ngroups, groups) != 0 || setresgid(gid, gid, gid) != 0 || setresuid(uid, uid, uid) != 0)
		return errno;
	if (uid != 0) {
		/* leaving uid 0 empties the permitted and effective sets, not the
		 * inheritable one; no ambient capability may survive either */
		prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
		capabilities_empty(1);
	}
	if (getresuid(&r, &e, &s) != 0 || r != uid || e != uid || s != uid)
		return EPERM;
	if (getresgid(&rg, &eg, &sg) != 0 || rg != gid || eg != gid || sg != gid)
		return EPERM;
	int n = getgroups((int)(sizeof now / sizeof now[0]), now);
	if (n < 0 || !same_sorted(now, n, groups, ngroups))
		return EPERM;
	if (uid != 0 && (setuid(0) == 0 || setresuid((uid_t)-1, 0, (uid_t)-1) == 0 || !capabilities_empty(0)))
		return EPERM;
	return 0;
}

static void close_if_terminal(int fd)
{
	if (isatty(fd))
		close(fd);
}

/* The command: the pty (if any) on those of fds 0-2 that were terminals,
 * no other terminal, the drop, the command.  Reports a failure on @report. */
static __attribute__((noreturn)) void run_command(const char *path, char *const argv[], char *const envp[],
						  int umask_value, uid_t uid, gid_t gid, gid_t *groups, int ngroups,
						  int slave, const int is_tty[3], int report)
{
	struct child_report rep = { 0, 0 };

	for (int fd = 0; slave >= 0 && fd < 3; fd++)
		if (is_tty[fd] && dup2(slave, fd) != fd) {
			rep.stage = LVERUN_STAGE_PTY;
			rep.error = errno;
			goto failed;
		}
	if (slave > 2)
		close(slave);
	/* a terminal a root caller passed above fd 2 is the caller's too */
	lverun_each_fd_from_3(close_if_terminal);
	if ((rep.error = drop_privileges(uid, gid, groups, ngroups)) != 0) {
		rep.stage = LVERUN_STAGE_DROP;
		goto failed;
	}
	rep.stage = lverun_become_command(path, argv, envp, 1, umask_value, &rep.error);
failed:
	if (write(report, &rep, sizeof rep) < 0) {
		/* the parent then sees the exit status alone */
	}
	_exit(rep.stage == LVERUN_STAGE_EXECVE ? (rep.error == ENOENT ? 127 : 126) : 125);
}

/* The monitor: the command's pid, for the signals it passes on. */
static volatile sig_atomic_t monitored;

static void pass_on(int sig)
{
	int saved = errno;
	if (monitored > 0)
		kill(-(pid_t)monitored, sig);
	errno = saved;
}

/*
 * The child of lverun: a session of its own.  With a pty it becomes the
 * session's leader and monitor, still root, as sudo's monitor is: the
 * command runs as a job of that session (a process group of its own, the
 * terminal's foreground), so that ^Z on the pty stops it, which a session
 * leader's own group, orphaned, would not; when it stops, the monitor
 * stops too (lverun's relay sees that and stops in turn), and when the
 * monitor is continued it continues the command; when the command ends,
 * the monitor ends the same way.  Without a pty (no terminal on fds 0-2)
 * the child is the command itself.
 */
static __attribute__((noreturn)) void run_child(const char *path, char *const argv[], char *const envp[], int umask_value,
						uid_t uid, gid_t gid, gid_t *groups, int ngroups, int slave,
						const int is_tty[3], int report)
{
	struct child_report rep = { 0, 0 };
	int go[2];

	if (setsid() < 0) {
		rep.stage = LVERUN_STAGE_SETSID;
		rep.error = errno;
		goto failed;
	}
	if (slave < 0)
		run_command(path, argv, envp, umask_value, uid, gid, groups, ngroups, slave, is_tty, report);
	if (ioctl(slave, TIOCSCTTY, 0) != 0 || pipe2(go, O_CLOEXEC) != 0) {
		rep.stage = LVERUN_STAGE_PTY;
		rep.error = errno;
		goto failed;
	}
	pid_t command = fork();
	if (command < 0) {
		rep.stage = LVERUN_STAGE_FORK;
		rep.error = errno;
		goto failed;
	}
	if (command == 0) {
		char byte;
		setpgid(0, 0);
		close(go[1]);
		/* until the monitor has made this group the terminal's foreground */
		if (read(go[0], &byte, 1) != 1)
			_exit(125);
		run_command(path, argv, envp, umask_value, uid, gid, groups, ngroups, slave, is_tty, report);
	}
	setpgid(command, command);
	tcsetpgrp(slave, command);
	close(go[0]);
	if (write(go[1], "g", 1) != 1)
		_exit(125);
	close(go[1]);
	close(report);
	/* nothing of the caller's terminal stays here either */
	for (int fd = 0; fd < 3; fd++)
		if (is_tty[fd])
			dup2(slave, fd);

	monitored = command;
	struct sigaction pass = { 0 };
	pass.sa_handler = pass_on;
	sigfillset(&pass.sa_mask);
	for (size_t i = 0; i < sizeof forwarded_signals / sizeof forwarded_signals[0]; i++)
		sigaction(forwarded_signals[i], &pass, NULL);
	sigaction(SIGTSTP, &pass, NULL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	int status;
	for (;;) {
		if (waitpid(command, &status, WUNTRACED) < 0) {
			if (errno == EINTR)
				continue;
			_exit(125);
		}
		if (!WIFSTOPPED(status))
			break;
		kill(getpid(), SIGSTOP);
		/* continued ("fg"): the command too, in the foreground again */
		tcsetpgrp(slave, command);
		kill(-command, SIGCONT);
	}
	if (WIFEXITED(status))
		_exit(WEXITSTATUS(status));
	struct sigaction dfl = { 0 };
	dfl.sa_handler = SIG_DFL;
	sigaction(WTERMSIG(status), &dfl, NULL);
	raise(WTERMSIG(status));
	_exit(128 + WTERMSIG(status));
failed:
	if (write(report, &rep, sizeof rep) < 0) {
		/* the parent then sees the exit status alone */
	}
	_exit(125);
}

/* --- start ------------------------------------------------------------- */

/* The pseudo-terminal: the master kept here, the slave returned, owned by
 * the target and set up as the caller's terminal is. */
static int open_pty(uid_t uid, int like, int *slave_out)
{
	char name[64];
	struct termios t;
	struct winsize ws;

	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return errno;
	if (grantpt(master) != 0 || unlockpt(master) != 0 || ptsname_r(master, name, sizeof name) != 0)
		return errno;
	int slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return errno;
	/* the target's own terminal, as login would make it; nobody else's */
	if (fchown(slave, uid, (gid_t)-1) != 0 || fchmod(slave, 0620) != 0) {
		int error = errno;
		close(slave);
		return error;
	}
	if (tcgetattr(like, &t) == 0)
		tcsetattr(slave, TCSANOW, &t);
	if (ioctl(like, TIOCGWINSZ, &ws) == 0)
		ioctl(master, TIOCSWINSZ, &ws);
	*slave_out = slave;
	return 0;
}

/*
 * Start the command in a session of its own (see above) as @uid, @gid,
 * @groups.  0 in the parent, with *stage LVERUN_STAGE_STARTED: call
 * lverun_relay next (after leaving the LVE).  Else a positive errno with
 * *stage.
 */
LVERUN_API int lverun_spawn(const char *path, char *const argv[], char *const envp[], int flags, int umask_value,
			    uint32_t uid, uint32_t gid, const uint32_t *groups, int ngroups, int *stage)
{
	static gid_t list[65536];
	int is_tty[3], slave = -1, report[2], error;
	sigset_t all, old;

	if (ngroups < 0 || ngroups > (int)(sizeof list / sizeof list[0])) {
		*stage = LVERUN_STAGE_DROP;
		return EINVAL;
	}
	for (int i = 0; i < ngroups; i++)
		list[i] = (gid_t)groups[i];
	if ((flags & LVERUN_EXEC_CLOSE_FDS) && (error = lverun_mark_fds_cloexec()) != 0) {
		*stage = LVERUN_STAGE_FDS;
		return error;
	}
	for (int fd = 0; fd < 3; fd++)
		is_tty[fd] = isatty(fd);
	tty_in = is_tty[0] ? 0 : -1;
	tty_out = is_tty[1] ? 1 : is_tty[2] ? 2 : is_tty[0] ? 0 : -1;
	if (tty_out >= 0 && (error = open_pty((uid_t)uid, tty_out, &slave)) != 0) {
		*stage = LVERUN_STAGE_PTY;
		return error;
	}
	if (pipe2(report, O_CLOEXEC) != 0 || pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		*stage = LVERUN_STAGE_FORK;
		return errno;
	}

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	child = fork();
	if (child < 0) {
		error = errno;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		*stage = LVERUN_STAGE_FORK;
		return error;
	}
	if (child == 0) {
		close(report[0]);
		run_child(path, argv, envp, umask_value, (uid_t)uid, (gid_t)gid, list, ngroups, slave, is_tty, report[1]);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	close(report[1]);
	if (slave >= 0)
		close(slave);
	report_fd = report[0];
	*stage = LVERUN_STAGE_STARTED;
	return 0;
}

pid_t lverun_spawned(void)
{
	return child;
}

/* --- the relay --------------------------------------------------------- */

static void on_signal(int sig)
{
	int saved = errno;
	unsigned char byte = (unsigned char)sig;
	if (write(signal_pipe[1], &byte, 1) < 0) {
		/* full: the loop has plenty to read already */
	}
	errno = saved;
}


static int foreground(void)
{
	return tty_in >= 0 && tcgetpgrp(tty_in) == getpgrp();
}

static void set_raw(void)
{
	struct termios t;

	if (raw || !foreground() || tcgetattr(tty_in, &saved_termios) != 0)
		return;
	t = saved_termios;
	cfmakeraw(&t);
	if (tcsetattr(tty_in, TCSADRAIN, &t) == 0)
		raw = 1;
}

static void restore_terminal(void)
{
	if (raw)
		tcsetattr(tty_in, TCSADRAIN, &saved_termios);
	raw = 0;
}

static void copy_window_size(void)
{
	struct winsize ws;

	if (master >= 0 && tty_out >= 0 && ioctl(tty_out, TIOCGWINSZ, &ws) == 0)
		ioctl(master, TIOCSWINSZ, &ws);
}

static void write_all(int fd, const char *buf, size_t n)
{
	while (n > 0 && fd >= 0) {
		ssize_t w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		buf += w;
		n -= (size_t)w;
	}
}

/* The pty's output to the caller's terminal, as much as there is now. */
static int drain_master(void)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(master, buf, sizeof buf)) > 0)
		write_all(tty_out, buf, (size_t)n);
	return n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR) ? -1 : 0;
}

/* The command stopped (^Z on its terminal, or a signal): give the caller
 * its terminal back and stop too, if a job-control shell can continue
 * lverun; otherwise continue the command at once. */
static void command_stopped(void)
{
	pid_t parent = getppid();

	restore_terminal();
	if (getsid(parent) == getsid(0) && getpgid(parent) != getpgrp()) {
		kill(getpid(), SIGSTOP);
		return; /* continued: SIGCONT follows through the pipe */
	}
	kill(child, SIGCONT);
}

static void resumed(void)
{
	if (master >= 0)
		set_raw();
	copy_window_size();
	kill(child, SIGCONT);
}

static __attribute__((noreturn)) void end_as(int status)
{
	restore_terminal();
	if (WIFEXITED(status))
		_exit(WEXITSTATUS(status));
	int sig = WTERMSIG(status);
	struct sigaction dfl = { 0 };
	sigset_t one;
	dfl.sa_handler = SIG_DFL;
	sigaction(sig, &dfl, NULL);
	sigemptyset(&one);
	sigaddset(&one, sig);
	pthread_sigmask(SIG_UNBLOCK, &one, NULL);
	/* no core: RLIMIT_CORE is 0 here, and a setuid process is not dumpable */
	raise(sig);
	_exit(128 + sig);
}

/*
 * Relay until the command ends, then end as it did.  Returns only when the
 * child failed before its execve: the positive errno, with *stage.
 */
LVERUN_API int lverun_relay(int *stage)
{
	struct child_report rep = { 0, 0 };
	struct sigaction handler = { 0 }, ignore = { 0 };
	char in[4096];
	size_t in_len = 0;
	int status = 0, done = 0, reported = 0, master_open = master >= 0, input_open = tty_in >= 0;
	sigset_t mask;

	handler.sa_handler = on_signal;
	sigfillset(&handler.sa_mask);
	for (size_t i = 0; i < sizeof forwarded_signals / sizeof forwarded_signals[0]; i++)
		if (sigismember(&lverun_caller.ignored, forwarded_signals[i]) != 1)
			sigaction(forwarded_signals[i], &handler, NULL);
	sigaction(SIGCHLD, &handler, NULL);
	sigaction(SIGWINCH, &handler, NULL);
	sigaction(SIGCONT, &handler, NULL);
	/* ^Z on the caller's terminal while it is not in raw mode: the command's */
	sigaction(SIGTSTP, &handler, NULL);
	ignore.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ignore, NULL);
	/* this thread takes the signals; SIGTTIN and SIGTTOU stay blocked
	 * (caller.c): lverun stops only as command_stopped decides */
	lverun_stop_signals(&mask);
	sigdelset(&mask, SIGTSTP);
	pthread_sigmask(SIG_SETMASK, &mask, NULL);
	/* the child may have ended before the handler was there */
	on_signal(SIGCHLD);
	if (master >= 0) {
		fcntl(master, F_SETFL, O_NONBLOCK);
		set_raw();
	}

	while (!done) {
		struct pollfd p[4];
		int n = 0, at_sig, at_report = -1, at_master = -1, at_in = -1;

		p[at_sig = n++] = (struct pollfd){ signal_pipe[0], POLLIN, 0 };
		if (report_fd >= 0)
			p[at_report = n++] = (struct pollfd){ report_fd, POLLIN, 0 };
		if (master_open)
			p[at_master = n++] = (struct pollfd){ master, (short)(POLLIN | (in_len ? POLLOUT : 0)), 0 };
		if (input_open && raw && in_len < sizeof in)
			p[at_in = n++] = (struct pollfd){ tty_in, POLLIN, 0 };
		if (poll(p, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}

		if (p[at_sig].revents) {
			unsigned char sigs[64];
			ssize_t got = read(signal_pipe[0], sigs, sizeof sigs);
			for (ssize_t i = 0; i < got; i++) {
				int sig = sigs[i];
				if (sig == SIGCHLD) {
					pid_t w;
					while ((w = waitpid(child, &status, WNOHANG | WUNTRACED)) == child) {
						if (WIFSTOPPED(status))
							command_stopped();
						else
							done = 1;
					}
				} else if (sig == SIGWINCH) {
					copy_window_size();
				} else if (sig == SIGCONT) {
					resumed();
				} else {
					kill(child, sig);
				}
			}
		}
		if (at_report >= 0 && p[at_report].revents) {
			ssize_t got = read(report_fd, &rep, sizeof rep);
			if (got == (ssize_t)sizeof rep)
				reported = 1;
			if (got <= 0 || reported) {
				close(report_fd);
				report_fd = -1;
			}
		}
		if (at_master >= 0 && (p[at_master].revents & (POLLIN | POLLHUP | POLLERR)))
			if (drain_master() < 0)
				master_open = 0;
		if (at_master >= 0 && master_open && (p[at_master].revents & POLLOUT) && in_len) {
			ssize_t w = write(master, in, in_len);
			if (w > 0) {
				memmove(in, in + w, in_len - (size_t)w);
				in_len -= (size_t)w;
			}
		}
		if (at_in >= 0 && (p[at_in].revents & (POLLIN | POLLHUP | POLLERR))) {
			ssize_t got = read(tty_in, in + in_len, sizeof in - in_len);
			if (got > 0)
				in_len += (size_t)got;
			else if (got == 0 || (errno != EINTR && errno != EAGAIN))
				input_open = 0;
		}
	}
	if (!done) {
		while (waitpid(child, &status, 0) < 0 && errno == EINTR)
			;
	}
	if (master >= 0) {
		drain_master();
		close(master);
	}
	if (report_fd >= 0 && read(report_fd, &rep, sizeof rep) == (ssize_t)sizeof rep)
		reported = 1;
	if (reported) {
		sigset_t old;
		restore_terminal();
		pthread_sigmask(SIG_SETMASK, NULL, &old);
		lverun_stay(&old);
		*stage = rep.stage;
		return rep.error;
	}
	end_as(status);
}

/* Whether a command that runs as another user needs a session of its own:
 * a terminal on fds 0-2, or a controlling one it could open as /dev/tty. */
LVERUN_API int lverun_needs_session(void)
{
	return lverun_has_terminal();
}
