/* SPDX-License-Identifier: MIT */
/*
 * attack - one account's attack on its own setuid lverun (SECURITY.md rule
 * 20), at a state of lverun's that anyone can see from outside rather than
 * after a fixed delay.  Run as root by tests/setuid (StallTests); after the
 * set-up everything is the account's own doing.
 *
 *   attack [--uid N --gid N --groups A,B,..] [--from-root] [--cgroup DIR]... [--pty]
 *          [--idle] [--busy N] [--hold-locks DIR]... [--lve SUFFIX]
 *          [--target-uid N] [--release FILE] [--timeout SEC] [--argv0 TEXT]
 *          [--chdir DIR] [--core-unlimited] [--env NAME=VALUE]...
 *          --state STATE --action ACTION -- PROGRAM [ARG]...
 *
 * As root it joins the cgroups (as runas does), then becomes the user for
 * good and starts PROGRAM (lverun) in a process group of its own, so that
 * job-control signals reach it as they reach a shell's job; with --pty on a
 * new pseudo-terminal, as the foreground job of a session the attacker
 * leads.  It then watches lverun's world-readable /proc files, without
 * pausing, until lverun reaches STATE:
 *
 *   start     the program runs (no wait)
 *   runtime   more than one thread: the .NET runtime has started
 *   lock      /proc/locks shows a lock held on one of the cgroup
 *             filesystems of --cgroup, by lverun's pid (or -1: an open file
 *             description lock)
 *   entered   /proc/PID/cgroup has a path ending in --lve
 *   dropped   its Uid line is --target-uid four times
 *
 * always while lverun is still lverun (its Name line), and then does
 * ACTION as the user:
 *
 *   stop, tstp, kill, term, segv, abrt
 *                      kill(2) with SIGSTOP, SIGTSTP, SIGKILL, SIGTERM,
 *                      SIGSEGV, SIGABRT
 *   ctrl-z             types ^Z on the terminal (--pty)
 *   none               nothing (the slow attack, with --idle)
 *
 * With --from-root only lverun becomes the user, and the action is root's:
 * for what must hold whoever (or whatever) ends lverun at that state.
 *
 * --idle starts lverun with SCHED_IDLE, nice 19, only CPU 0 and the idle
 * I/O class, and --busy
 * N keeps N busy loops of the user's pinned on every CPU for the whole run.
 * --hold-locks opens each DIR it can and holds flock(LOCK_EX) on it.
 * PROGRAM gets the environment PATH=/usr/bin:/bin and each --env, argv[0]
 * --argv0, the working directory --chdir, and with --core-unlimited
 * RLIMIT_CORE unlimited.
 *
 * It prints "hit STATE ACTION RESULT" (RESULT: "ok" or the error of the
 * kill) and "lverun-sched policy P nice N cpus LIST euid E" (lverun's scheduling right
 * then, from /proc) or "miss STATE WHY", flushed, then waits until FILE exists
 * (--release) before it continues lverun with SIGCONT (stop, tstp,
 * ctrl-z), waits for it and prints "status exit N" or "status signal N".
 * Past --timeout seconds (default 30) of waiting for anything it kills
 * what it can and says so.  Exit status 0, or 200 when attack itself
 * failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pty.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_LIST 64

static void die(const char *what)
{
	fprintf(stderr, "attack: %s: %s\n", what, strerror(errno));
	exit(200);
}

static void usage(const char *why)
{
	fprintf(stderr, "attack: %s\n", why);
	exit(200);
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void join_cgroup(const char *dir)
{
	char path[4096], pid[32];
	snprintf(path, sizeof path, "%s/cgroup.procs", dir);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		die(path);
	int n = snprintf(pid, sizeof pid, "%d", (int)getpid());
	if (write(fd, pid, (size_t)n) != n)
		die(path);
	close(fd);
}

/* The whole of a /proc file into buf (NUL-terminated); -1 when it is gone. */
static ssize_t slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t got = 0;
	ssize_t n;
	while (got + 1 < size && (n = read(fd, buf + got, size - 1 - got)) > 0)
		got += (size_t)n;
	close(fd);
	buf[got] = '\0';
	return (ssize_t)got;
}

static const char *field(const char *text, const char *name)
{
	size_t len = strlen(name);
	for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (strncmp(line, name, len) == 0)
			return line + len;
	return NULL;
}

static pid_t child;
static const char *lve_suffix;
static long target_uid = -1;
static dev_t lock_devs[MAX_LIST];
static int nlock_devs;

/* 1: in STATE, 0: not yet, -1: lverun is gone or no longer lverun. */
static int reached(const char *state)
{
	char path[64], status[4096], buf[65536];

	snprintf(path, sizeof path, "/proc/%d/status", (int)child);
	if (slurp(path, status, sizeof status) < 0)
		return -1;
	const char *name = field(status, "Name:\t");
	const char *state_line = field(status, "State:\t");
	if (!name || !state_line || *state_line == 'Z' || *state_line == 'X')
		return -1;
	if (strncmp(name, "attack\n", 7) == 0)
		return 0; /* before its execve */
	if (strncmp(name, "lverun\n", 7) != 0)
		return -1; /* the command's by now */
	if (strcmp(state, "start") == 0)
		return 1;
	if (strcmp(state, "runtime") == 0) {
		const char *threads = field(status, "Threads:\t");
		return threads && atoi(threads) > 1;
	}
	if (strcmp(state, "dropped") == 0) {
		const char *uid = field(status, "Uid:\t");
		long ids[4];
		if (!uid || sscanf(uid, "%ld %ld %ld %ld", &ids[0], &ids[1], &ids[2], &ids[3]) != 4)
			return 0;
		return ids[0] == target_uid && ids[1] == target_uid && ids[2] == target_uid && ids[3] == target_uid;
	}
	if (strcmp(state, "entered") == 0) {
		snprintf(path, sizeof path, "/proc/%d/cgroup", (int)child);
		if (slurp(path, buf, sizeof buf) < 0)
			return -1;
		size_t len = strlen(lve_suffix);
		for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
			size_t n = strlen(line);
			if (n >= len && strcmp(line + n - len, lve_suffix) == 0)
				return 1;
		}
		return 0;
	}
	if (strcmp(state, "lock") == 0) {
		if (slurp("/proc/locks", buf, sizeof buf) < 0)
			return 0;
		for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
			char type[16], mode[16], access[16];
			long pid;
			unsigned maj, min;
			/* "1: FLOCK  ADVISORY  WRITE 1234 00:2d:5678 0 EOF"; "1: -> ..." is a waiter */
			if (strstr(line, "->"))
				continue;
			char *colon = strchr(line, ':');
			if (!colon || sscanf(colon + 1, "%15s %15s %15s %ld %x:%x:", type, mode, access, &pid, &maj, &min) != 6)
				continue;
			if (pid != child && pid != -1)
				continue;
			for (int i = 0; i < nlock_devs; i++)
				if (major(lock_devs[i]) == maj && minor(lock_devs[i]) == min)
					return 1;
		}
		return 0;
	}
	usage("unknown state");
	return -1;
}

/* "policy P nice N cpus LIST euid E" of @pid, from /proc/PID/stat (fields
 * 19 and 41), then the Cpus_allowed_list and Uid of /proc/PID/status. */
static const char *sched_of(pid_t pid)
{
	static char text[256];
	char path[64], stat[4096], status[4096];
	long nice = 0, policy = -1;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (slurp(path, stat, sizeof stat) < 0)
		return "gone";
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if (slurp(path, status, sizeof status) < 0)
		return "gone";
	char *after = strrchr(stat, ')');
	int n = 2;
	for (char *f = after ? strtok(after + 1, " ") : NULL; f; f = strtok(NULL, " ")) {
		n++;
		if (n == 19)
			nice = atol(f);
		if (n == 41)
			policy = atol(f);
	}
	const char *cpus = field(status, "Cpus_allowed_list:\t");
	const char *uid = field(status, "Uid:\t");
	long ids[2] = { -1, -1 };
	if (uid)
		sscanf(uid, "%ld %ld", &ids[0], &ids[1]);
	/* stat was read first: with euid 0 still in status, the sample is
	 * from before the privilege drop (and so before the scheduling is
	 * given back) */
	snprintf(text, sizeof text, "policy %ld nice %ld cpus %.*s euid %ld", policy, nice,
		 cpus ? (int)strcspn(cpus, "\n") : 1, cpus ? cpus : "?", ids[1]);
	return text;
}

static void become(long uid, long gid, int ngroups, const gid_t *groups)
{
	if (setgroups((size_t)ngroups, groups) != 0 || setresgid((gid_t)gid, (gid_t)gid, (gid_t)gid) != 0 ||
	    setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) != 0)
		die("becoming the user");
}

static void busy_loop(int cpu)
{
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	sched_setaffinity(0, sizeof one, &one);
	for (volatile unsigned long n = 0;; n++)
		;
}

int main(int argc, char **argv)
{
	long uid = -1, gid = -1, timeout = 30;
	gid_t groups[MAX_LIST];
	int ngroups = -1, ncgroups = 0, nholds = 0, use_pty = 0, idle = 0, busy = 0, from_root = 0;
	const char *cgroups[MAX_LIST], *holds[MAX_LIST], *state = NULL, *action = NULL, *release = NULL;
	const char *argv0 = NULL, *chdir_to = NULL;
	char *env[MAX_LIST + 2] = { "PATH=/usr/bin:/bin" };
	int nenv = 1, core_unlimited = 0;
	int i;

	for (i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(o, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(o, "--pty") == 0) {
			use_pty = 1;
			continue;
		}
		if (strcmp(o, "--idle") == 0) {
			idle = 1;
			continue;
		}
		if (strcmp(o, "--from-root") == 0) {
			from_root = 1;
			continue;
		}
		if (strcmp(o, "--core-unlimited") == 0) {
			core_unlimited = 1;
			continue;
		}
		if (!v)
			usage("an option needs a value");
		i++;
		if (strcmp(o, "--uid") == 0)
			uid = atol(v);
		else if (strcmp(o, "--gid") == 0)
			gid = atol(v);
		else if (strcmp(o, "--groups") == 0) {
			char *copy = strdup(v), *tok, *save = NULL;
			ngroups = 0;
			for (tok = strtok_r(copy, ",", &save); tok && ngroups < MAX_LIST; tok = strtok_r(NULL, ",", &save))
				groups[ngroups++] = (gid_t)atol(tok);
		} else if (strcmp(o, "--cgroup") == 0 && ncgroups < MAX_LIST)
			cgroups[ncgroups++] = v;
		else if (strcmp(o, "--hold-locks") == 0 && nholds < MAX_LIST)
			holds[nholds++] = v;
		else if (strcmp(o, "--busy") == 0)
			busy = atoi(v);
		else if (strcmp(o, "--lve") == 0)
			lve_suffix = v;
		else if (strcmp(o, "--target-uid") == 0)
			target_uid = atol(v);
		else if (strcmp(o, "--release") == 0)
			release = v;
		else if (strcmp(o, "--timeout") == 0)
			timeout = atol(v);
		else if (strcmp(o, "--state") == 0)
			state = v;
		else if (strcmp(o, "--action") == 0)
			action = v;
		else if (strcmp(o, "--argv0") == 0)
			argv0 = v;
		else if (strcmp(o, "--chdir") == 0)
			chdir_to = v;
		else if (strcmp(o, "--env") == 0 && nenv < MAX_LIST)
			env[nenv++] = (char *)v;
		else
			usage("unknown option");
	}
	if (i >= argc || !state || !action)
		usage("usage: attack [OPTION]... --state STATE --action ACTION -- PROGRAM [ARG]...");
	if (strcmp(state, "entered") == 0 && !lve_suffix)
		usage("--state entered needs --lve");
	if (strcmp(state, "dropped") == 0 && target_uid < 0)
		usage("--state dropped needs --target-uid");
	if (strcmp(action, "ctrl-z") == 0 && !use_pty)
		usage("--action ctrl-z needs --pty");
	int signal_to_send = strcmp(action, "stop") == 0 ? SIGSTOP
		: strcmp(action, "tstp") == 0 ? SIGTSTP
		: strcmp(action, "kill") == 0 ? SIGKILL
		: strcmp(action, "term") == 0 ? SIGTERM
		: strcmp(action, "segv") == 0 ? SIGSEGV
		: strcmp(action, "abrt") == 0 ? SIGABRT : 0;
	if (!signal_to_send && strcmp(action, "ctrl-z") != 0 && strcmp(action, "none") != 0)
		usage("unknown action");
	char **program = argv + i;

	if (core_unlimited) {
		struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
		if (setrlimit(RLIMIT_CORE, &unlimited) != 0)
			die("setrlimit");
	}
	/* As root: the run's cgroups, and the filesystems whose locks count. */
	for (int c = 0; c < ncgroups; c++) {
		struct stat st;
		join_cgroup(cgroups[c]);
		if (stat(cgroups[c], &st) == 0 && nlock_devs < MAX_LIST)
			lock_devs[nlock_devs++] = st.st_dev;
	}
	if (uid >= 0) {
		if (gid < 0)
			gid = uid;
		if (ngroups < 0) {
			groups[0] = (gid_t)gid;
			ngroups = 1;
		}
		if (!from_root)
			become(uid, gid, ngroups, groups);
	}

	/* From here on: the user, and nothing more. */
	int held = 0;
	for (int h = 0; h < nholds; h++) {
		int fd = open(holds[h], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
			held++;
	}
	if (nholds)
		printf("held %d of %d\n", held, nholds);

	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	for (int cpu = 0; cpu < ncpu; cpu++)
		for (int b = 0; b < busy; b++) {
			pid_t loop = fork();
			if (loop < 0)
				die("fork");
			if (loop == 0)
				busy_loop(cpu);
		}

	int master = -1, slave = -1;
	if (use_pty) {
		if (setsid() < 0)
			die("setsid");
		if (openpty(&master, &slave, NULL, NULL, NULL) != 0)
			die("openpty");
		if (ioctl(slave, TIOCSCTTY, 0) != 0)
			die("TIOCSCTTY");
		fcntl(master, F_SETFD, FD_CLOEXEC);
	}
	int sync_pipe[2];
	if (pipe2(sync_pipe, O_CLOEXEC) != 0)
		die("pipe");

	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		char go;
		setpgid(0, 0);
		if (from_root && uid >= 0)
			become(uid, gid, ngroups, groups);
		if (read(sync_pipe[0], &go, 1) != 1)
			_exit(200);
		if (use_pty) {
			for (int fd = 0; fd < 3; fd++)
				dup2(slave, fd);
			if (slave > 2)
				close(slave);
		}
		if (idle) {
			struct sched_param none = { 0 };
			cpu_set_t one;
			CPU_ZERO(&one);
			CPU_SET(0, &one);
			if (setpriority(PRIO_PROCESS, 0, 19) != 0 || sched_setscheduler(0, SCHED_IDLE, &none) != 0 ||
			    sched_setaffinity(0, sizeof one, &one) != 0 ||
			    syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0, 3 << 13 /* IOPRIO_CLASS_IDLE */) != 0)
				_exit(201);
		}
		if (chdir_to && chdir(chdir_to) != 0)
			_exit(203);
		const char *file = program[0];
		if (argv0)
			program[0] = (char *)argv0;
		execve(file, program, env);
		_exit(202);
	}
	setpgid(child, child);
	if (use_pty) {
		/* lverun's group is the terminal's foreground; this process, in
		 * the same session, is its job-control parent (the group is not
		 * orphaned, so ^Z stops it as it would a shell's job) */
		signal(SIGTTOU, SIG_IGN);
		if (tcsetpgrp(slave, child) != 0)
			die("tcsetpgrp");
		close(slave);
		fcntl(master, F_SETFL, O_NONBLOCK);
	}
	if (write(sync_pipe[1], "g", 1) != 1)
		die("sync");
	close(sync_pipe[0]);
	close(sync_pipe[1]);

	char drain[4096];
	double deadline = now() + (double)timeout;
	int r;
	while ((r = reached(state)) == 0 && now() < deadline)
		if (master >= 0)
			while (read(master, drain, sizeof drain) > 0)
				;
	if (r == 1) {
		const char *result = "ok";
		if (signal_to_send && kill(child, signal_to_send) != 0)
			result = strerror(errno);
		if (strcmp(action, "ctrl-z") == 0 && write(master, "\032", 1) != 1)
			result = strerror(errno);
		printf("hit %s %s %s\n", state, action, result);
		printf("lverun-sched %s\n", sched_of(child));
	} else {
		printf("miss %s %s\n", state, r < 0 ? "lverun was gone first" : "timeout");
	}
	fflush(stdout);

	while (release && access(release, F_OK) != 0 && now() < deadline + (double)timeout) {
		if (master >= 0)
			while (read(master, drain, sizeof drain) > 0)
				;
		usleep(2000);
	}
	if (signal_to_send == SIGSTOP || signal_to_send == SIGTSTP || strcmp(action, "ctrl-z") == 0)
		kill(child, SIGCONT);

	int status;
	double end = now() + (double)timeout;
	pid_t got;
	while ((got = waitpid(child, &status, WNOHANG)) == 0) {
		if (master >= 0)
			while (read(master, drain, sizeof drain) > 0)
				;
		if (now() > end) {
			printf("timeout waiting for lverun: %s\n", kill(child, SIGKILL) == 0 ? "killed" : strerror(errno));
			kill(child, SIGCONT);
			end = now() + (double)timeout;
		}
		usleep(1000);
	}
	if (got < 0)
		die("waitpid");
	if (WIFSIGNALED(status))
		printf("status signal %d\n", WTERMSIG(status));
	else
		printf("status exit %d\n", WEXITSTATUS(status));
	return 0;
}
