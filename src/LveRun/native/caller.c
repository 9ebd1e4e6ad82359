/* SPDX-License-Identifier: MIT */
/*
 * caller.c - what the caller handed lverun, recorded and made safe before
 * the .NET runtime starts.
 *
 * glibc runs the main program's .preinit_array with (argc, argv, envp)
 * before any shared library's constructor and before the NativeAOT runtime
 * initialises.  lverun is setuid root, and the runtime trusts its
 * environment: it reads DOTNET_* before Main with no secure-mode check, and
 * (measured) with DOTNET_DbgEnableMiniDump=1 a crash of lverun, or a SIGSEGV
 * its caller sends, makes it execute <directory of argv[0]>/createdump as
 * root.  Nothing in managed code can prevent that, so this file does, first
 * thing (SECURITY.md rules 1, 7, 8, 15):
 *
 *   1. argc 0, or an empty argv[0], exits 127 at once (Linux turns an empty
 *      argv into { "" }).
 *   1a. The caller's real uid and gid are recorded, and lverun's real uid
 *      becomes 0 (rule 20): the kernel lets a process signal another only
 *      if its real or effective uid is the other's real or saved uid, so
 *      from here on the caller can no longer stop, slow down or kill lverun
 *      while it may hold what other accounts wait for.  What is left to the
 *      caller: SIGCONT within its session (harmless), and what its terminal
 *      sends with no permission check: ^C and ^\ end lverun (its locks go
 *      with it), ^Z and a background read or write would stop it, so those
 *      three stop signals are blocked (2).  The privilege drop gives the
 *      command the target's real uid again.
 *   1b. lverun works with the normal scheduling policy, nice 0, every CPU
 *      and a normal I/O priority, whatever the caller gave it (SCHED_IDLE,
 *      SCHED_BATCH, nice 19, one busy CPU, the idle I/O class); the
 *      caller's are recorded and put back right before execve (launch.c).
 *      Settings better than normal (a real-time policy, a negative nice)
 *      are kept: they cannot slow lverun down.
 *   2. The caller's signal dispositions (which are ignored) and mask are
 *      recorded; the mask is cleared for lverun's own run, since the runtime
 *      relies on its own signals, except for the stop signals of a terminal
 *      (SIGTSTP, SIGTTIN, SIGTTOU), blocked so that they wait until the
 *      caller's mask is back, right before execve.  Every thread the
 *      runtime starts inherits this mask.
 *   3. Core dumps are off (RLIMIT_CORE soft 0) while lverun runs, and the
 *      limits the runtime cannot start under (the caller can set any, e.g.
 *      `ulimit -n 4 -v 20000`) are raised; the caller's are recorded and
 *      put back right before execve (launch.c).  A limit lverun cannot make
 *      workable exits 125.  PR_SET_DUMPABLE is never touched: the kernel
 *      keeps a setuid process undumpable.
 *   4. fds 0, 1 and 2 are opened on /dev/null where closed, so that no file
 *      lverun opens later lands there.
 *   5. A caller that is not root passes no fd >= 3: they are closed.
 *   6. The umask is recorded and set to 022 for lverun's own run.
 *   7. The environment pointers are kept in a read-only copy (the command's
 *      environment is built from it), and envp is compacted in place down
 *      to a fixed PATH: libc and the runtime read that very array, so
 *      assigning a new environ would not do.  LIBLVE_CGROUP_PARENT stays
 *      when not in secure mode (liblve ignores it in secure mode anyway).
 *   8. argv[0] becomes the installed path of lverun, so that the runtime
 *      never looks beside a path the caller chose.  The other arguments are
 *      untouched: the command's argv is passed on from here, as the
 *      caller's own bytes.
 *
 * No malloc: nothing here depends on the allocator's state this early.
 * Linked into lverun as an object file; the managed side binds the
 * accessors with DirectPInvoke ("lverun_caller").
 */
#define _GNU_SOURCE
#include "caller.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef LVERUN_INSTALLED_PATH
#error "LVERUN_INSTALLED_PATH must be defined (src/dotnet.mk passes $(SBINDIR)/lverun)"
#endif


struct lverun_caller lverun_caller;

/* Writable arrays, not literals: nothing may fault writing into argv[0] or
 * an environment string. */
static char installed_path[] = LVERUN_INSTALLED_PATH;
static char secure_path[] = "PATH=" LVERUN_SECURE_PATH;

static size_t append(char *buf, size_t at, size_t size, const char *text)
{
	while (*text && at + 1 < size)
		buf[at++] = *text++;
	return at;
}

void lverun_say(const char *what, const char *why)
{
	char line[512];
	size_t n = 0;

	if (fcntl(2, F_GETFD) < 0)
		return;
	n = append(line, n, sizeof line, "lverun: ");
	n = append(line, n, sizeof line, what);
	n = append(line, n, sizeof line, ": ");
	n = append(line, n, sizeof line, why);
	line[n++] = '\n';
	if (write(2, line, n) < 0) {
		/* the caller's stderr is the caller's business */
	}
}

static __attribute__((noreturn)) void fail(int status, const char *what, const char *why)
{
	lverun_say(what, why);
	_exit(status);
}

/* "unlimited" or the decimal value, into buf. */
static const char *limit_text(rlim_t value, char *buf, size_t size)
{
	char digits[24];
	size_t n = 0, at = 0;

	if (value == RLIM_INFINITY)
		return "unlimited";
	do {
		digits[n++] = (char)('0' + value % 10);
		value /= 10;
	} while (value && n < sizeof digits);
	while (n && at + 1 < size)
		buf[at++] = digits[--n];
	buf[at] = '\0';
	return buf;
}

static void record_signals(void)
{
	sigemptyset(&lverun_caller.ignored);
	for (int sig = 1; sig < NSIG; sig++) {
		struct sigaction now;

		/* glibc refuses its two internal signals; they are its own */
		if (sig == SIGKILL || sig == SIGSTOP || sigaction(sig, NULL, &now) != 0)
			continue;
		if (!(now.sa_flags & SA_SIGINFO) && now.sa_handler == SIG_IGN)
			sigaddset(&lverun_caller.ignored, sig);
	}
	sigprocmask(SIG_BLOCK, NULL, &lverun_caller.mask);

	/* The runtime suspends threads for its GC with a signal of its own;
	 * a mask the caller chose must not get in its way.  A terminal's stop
	 * signals stay blocked (rule 20, see above). */
	sigset_t stops;
	lverun_stop_signals(&stops);
	sigprocmask(SIG_SETMASK, &stops, NULL);
}

void lverun_stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTSTP);
	sigaddset(set, SIGTTIN);
	sigaddset(set, SIGTTOU);
}

/* The real uid becomes 0 (1a above); the caller's real ids are recorded
 * first.  Only when lverun runs with euid 0 (setuid root): a copy without
 * the bit can enter nothing anyway. */
static void take_over_real_uid(void)
{
	lverun_caller.ruid = getuid();
	lverun_caller.rgid = getgid();
	if (lverun_caller.ruid == 0 || geteuid() != 0)
		return;
	if (setresuid(0, (uid_t)-1, (uid_t)-1) != 0 || getuid() != 0)
		fail(125, "setresuid", "cannot make the real uid 0");
}

#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_CLASS_SHIFT 13
#define IOPRIO_CLASS_IDLE 3

/* 1b above.  Only what is worse than normal is changed, and noted. */
static void normal_scheduling(void)
{
	struct lverun_sched *s = &lverun_caller.sched;
	struct sched_param param = { 0 };

	s->policy = sched_getscheduler(0);
	if (s->policy >= 0 && sched_getparam(0, &param) == 0)
		s->priority = param.sched_priority;
	int policy = s->policy & ~SCHED_RESET_ON_FORK;
	if (s->policy >= 0 && policy != SCHED_OTHER && policy != SCHED_FIFO && policy != SCHED_RR) {
		struct sched_param normal = { 0 };
		/* keeping SCHED_RESET_ON_FORK: an unprivileged process cannot
		 * clear it, so the caller's policy could not be put back */
		if (sched_setscheduler(0, SCHED_OTHER | (s->policy & SCHED_RESET_ON_FORK), &normal) == 0)
			s->changed |= LVERUN_SCHED_POLICY;
	}

	errno = 0;
	s->nice = getpriority(PRIO_PROCESS, 0);
	if (errno == 0 && s->nice > 0 && setpriority(PRIO_PROCESS, 0, 0) == 0)
		s->changed |= LVERUN_SCHED_NICE;

	cpu_set_t all;
	CPU_ZERO(&all);
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		CPU_SET(cpu, &all);
	if (sched_getaffinity(0, sizeof s->affinity, &s->affinity) == 0 &&
	    sched_setaffinity(0, sizeof all, &all) == 0)
		s->changed |= LVERUN_SCHED_AFFINITY;

	s->ioprio = (int)syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, 0);
	if (s->ioprio >= 0 && (s->ioprio >> IOPRIO_CLASS_SHIFT) == IOPRIO_CLASS_IDLE &&
	    syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, 0) == 0)
		s->changed |= LVERUN_SCHED_IOPRIO;
}

int lverun_restore_sched(void)
{
	const struct lverun_sched *s = &lverun_caller.sched;

	/* nice first: setting it needs no privilege while it only rises, and
	 * a SCHED_IDLE thread keeps it for when it leaves that policy */
	if ((s->changed & LVERUN_SCHED_NICE) && setpriority(PRIO_PROCESS, 0, s->nice) != 0)
		return errno;
	if (s->changed & LVERUN_SCHED_POLICY) {
		struct sched_param param = { .sched_priority = s->priority };
		if (sched_setscheduler(0, s->policy, &param) != 0)
			return errno;
	}
	if ((s->changed & LVERUN_SCHED_AFFINITY) && sched_setaffinity(0, sizeof s->affinity, &s->affinity) != 0)
		return errno;
	if ((s->changed & LVERUN_SCHED_IOPRIO) && syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, s->ioprio) != 0)
		return errno;
	return 0;
}

/*
 * What lverun needs to start the runtime and do its work.  "want" is what
 * lverun sets when the limit is below it (raising the hard limit too, which
 * needs CAP_SYS_RESOURCE: euid 0 normally has it, some containers' root
 * does not); "need" is the least it can work with when it cannot raise it:
 * below that it exits 125 rather than let the runtime fail.  Measured on
 * NativeAOT .NET 10: a launch opens 13 fds with five cgroup hierarchies
 * (RLIMIT_NOFILE 12 fails in lve_enter); under RLIMIT_AS the GC's address
 * space reservation fails (exit 255) or crashes (SIGSEGV) erratically below
 * about 180 MiB, and never failed from 256 MiB on; RLIMIT_DATA fails at
 * 10 MB; a launch crashed (SIGSEGV in lve_enter) under a 16 KiB
 * RLIMIT_STACK and worked from 20 KiB on.
 */
static const struct {
	int resource;
	const char *name;
	rlim_t want;
	rlim_t need;
} needs[] = {
	{ RLIMIT_NOFILE, "RLIMIT_NOFILE", 1024, 32 },
	{ RLIMIT_AS, "RLIMIT_AS", RLIM_INFINITY, (rlim_t)512 << 20 },
	{ RLIMIT_DATA, "RLIMIT_DATA", RLIM_INFINITY, (rlim_t)256 << 20 },
	{ RLIMIT_STACK, "RLIMIT_STACK", (rlim_t)8 << 20, (rlim_t)256 << 10 },
	/* the watching parent of a new session forks after the privilege drop */
	{ RLIMIT_NPROC, "RLIMIT_NPROC", RLIM_INFINITY, 0 },
	/* the runtime's thread suspension signal is a real-time one */
	{ RLIMIT_SIGPENDING, "RLIMIT_SIGPENDING", 1024, 0 },
};

static void limit_resources(void)
{
	char a[24], b[24], why[160];

	for (int r = 0; r < LVERUN_NLIMITS; r++) {
		if (getrlimit(r, &lverun_caller.limits[r]) != 0)
			fail(125, "getrlimit", "cannot read the caller's resource limits");
	}

	/* Core dumps off first: nothing below may leave one. */
	struct rlimit core = lverun_caller.limits[RLIMIT_CORE];
	if (core.rlim_cur != 0) {
		core.rlim_cur = 0;
		if (setrlimit(RLIMIT_CORE, &core) != 0)
			fail(125, "RLIMIT_CORE", "cannot turn core dumps off");
		lverun_caller.changed_limits |= 1u << RLIMIT_CORE;
	}

	for (size_t i = 0; i < sizeof needs / sizeof needs[0]; i++) {
		int r = needs[i].resource;
		struct rlimit old = lverun_caller.limits[r], raised = old;

		if (old.rlim_cur >= needs[i].want)
			continue;
		raised.rlim_cur = needs[i].want;
		if (raised.rlim_max < needs[i].want)
			raised.rlim_max = needs[i].want;
		if (setrlimit(r, &raised) != 0) {
			/* without privilege: as far as the hard limit goes */
			raised = old;
			raised.rlim_cur = old.rlim_max;
			if (raised.rlim_cur != old.rlim_cur && setrlimit(r, &raised) != 0)
				raised = old;
		}
		if (raised.rlim_cur != old.rlim_cur)
			lverun_caller.changed_limits |= 1u << r;
		if (raised.rlim_cur < needs[i].need) {
			size_t n = 0;
			n = append(why, n, sizeof why, limit_text(old.rlim_cur, a, sizeof a));
			n = append(why, n, sizeof why, " (hard ");
			n = append(why, n, sizeof why, limit_text(old.rlim_max, a, sizeof a));
			n = append(why, n, sizeof why, ") is below the ");
			n = append(why, n, sizeof why, limit_text(needs[i].need, b, sizeof b));
			n = append(why, n, sizeof why, " lverun needs");
			why[n] = '\0';
			fail(125, needs[i].name, why);
		}
	}
}

int lverun_restore_limits(void)
{
	for (int r = 0; r < LVERUN_NLIMITS; r++) {
		if (!(lverun_caller.changed_limits & (1u << r)))
			continue;
		if (setrlimit(r, &lverun_caller.limits[r]) != 0)
			return errno;
	}
	return 0;
}

static void repair_stdio(void)
{
	for (int fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* The lowest free fd is this one, the lower ones being open.  Not
		 * close-on-exec: the command finds /dev/null there too. */
		int got = open("/dev/null", O_RDWR | O_NOCTTY);
		if (got != fd) {
			if (got >= 0)
				close(got);
			fail(125, "/dev/null", "cannot open it on a closed fd 0, 1 or 2");
		}
	}
}

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

int lverun_each_fd_from_3(void (*apply)(int fd))
{
	char buf[4096];
	int dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	long n;

	if (dir < 0)
		return errno;
	while ((n = syscall(SYS_getdents64, dir, buf, sizeof buf)) > 0) {
		for (long at = 0; at < n;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + at);
			int fd = 0;
			const char *c = d->d_name;

			at += d->d_reclen;
			if (*c < '0' || *c > '9')
				continue;
			while (*c >= '0' && *c <= '9' && fd < 1 << 24)
				fd = fd * 10 + (*c++ - '0');
			if (fd >= 3 && fd != dir)
				apply(fd);
		}
	}
	int error = n < 0 ? errno : 0;
	close(dir);
	return error;
}

static void close_fd(int fd)
{
	close(fd);
}

/* fds >= 3 from a caller that is not root: a web server's sockets are
 * root's to pass on, an ordinary user's are not (rule 15). */
static void close_inherited_fds(void)
{
	if (syscall(SYS_close_range, 3, ~0u, 0) == 0)
		return;
	/* before Linux 5.9 */
	if (lverun_each_fd_from_3(close_fd) == 0)
		return;
	for (rlim_t fd = 3; fd < lverun_caller.limits[RLIMIT_NOFILE].rlim_max && fd < 65536; fd++)
		close((int)fd);
}

static void keep_environment(char **envp)
{
	size_t n = 0, kept = 0;

	while (envp && envp[n])
		n++;
	size_t size = (n + 1) * sizeof(char *);
	char **copy = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (copy == MAP_FAILED)
		fail(125, "environment", "cannot keep a copy (out of memory)");
	for (size_t i = 0; i < n; i++)
		copy[i] = envp[i];
	copy[n] = NULL;
	mprotect(copy, size, PROT_READ);
	lverun_caller.envp = copy;

	/* In place, within the caller's n slots (the kernel's auxiliary vector
	 * follows the NULL).  An empty environment stays empty. */
	if (n == 0)
		return;
	envp[kept++] = secure_path;
	if (!getauxval(AT_SECURE)) {
		static const char parent[] = "LIBLVE_CGROUP_PARENT=";
		for (size_t i = 0; i < n && kept < n; i++) {
			if (strncmp(copy[i], parent, sizeof parent - 1) == 0) {
				envp[kept++] = copy[i];
				break;
			}
		}
	}
	for (size_t i = kept; i <= n; i++)
		envp[i] = NULL;
}

static void scrub(int argc, char **argv, char **envp)
{
	if (argc < 1 || argv == NULL || argv[0] == NULL || argv[0][0] == '\0')
		fail(127, "argv", "empty (argc 0 or no argv[0]): refusing to run");
	take_over_real_uid();
	normal_scheduling();
	record_signals();
	limit_resources();
	repair_stdio();
	if (lverun_caller.ruid != 0)
		close_inherited_fds();
	lverun_caller.umask = umask(022);
	keep_environment(envp);
	argv[0] = installed_path;
	lverun_caller.argc = argc;
	lverun_caller.argv = argv;
}

__attribute__((section(".preinit_array"), used))
static void (*const lverun_preinit)(int, char **, char **) = scrub;

/* argc as the kernel passed it (at least 1: the scrubber exits otherwise). */
LVERUN_API int lverun_caller_argc(void)
{
	return lverun_caller.argc;
}

/* argv: lverun_caller_argc() pointers, then NULL.  argv[0] is the installed
 * path; the rest are the caller's own. */
LVERUN_API char **lverun_caller_argv(void)
{
	return lverun_caller.argv;
}

/* The caller's real uid and gid, as they were when lverun started. */
LVERUN_API void lverun_caller_ids(uint32_t *uid, uint32_t *gid)
{
	*uid = lverun_caller.ruid;
	*gid = lverun_caller.rgid;
}

/* The environment lverun was started with, NULL-terminated, read-only. */
LVERUN_API char **lverun_caller_envp(void)
{
	return lverun_caller.envp;
}
