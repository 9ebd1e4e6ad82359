/* SPDX-License-Identifier: MIT */
/*
 * runas - start a program exactly as a hostile (or ordinary) caller of a
 * setuid lverun would: as a given user, with the argv, environment, fds,
 * resource limits, signal dispositions, mask and umask the test chooses.
 * Run as root by the setuid tests (tests/setuid); C rather than setpriv
 * because setpriv cannot give argc 0, an argv[0] of its own, closed fds 0-2
 * or a signal at a chosen instant.
 *
 *   runas [OPTION]... -- PROGRAM [ARG]...
 *
 *   --uid N --gid N --groups A,B,..   become this user (setgroups, setresgid,
 *                                     setresuid; default: stay root)
 *   --cgroup DIR                      first join DIR (write our pid into its
 *                                     cgroup.procs); repeatable, one per
 *                                     hierarchy
 *   --argv0 TEXT                      argv[0] (default PROGRAM)
 *   --no-argv                         execve with an empty argv (argc 0)
 *   --env-clear, --env NAME=VALUE     the environment (default: ours)
 *   --rlimit NAME=SOFT:HARD           NAME as in ulimit: core nofile as data
 *                                     stack nproc fsize; "u" is unlimited;
 *                                     set after the drop
 *   --ignore SIG, --block SIG         number or name (HUP, INT, PIPE, USR1,
 *                                     TERM, ...)
 *   --umask OCTAL
 *   --chdir DIR
 *   --close FD                        close FD first
 *   --open FD:PATH                    open PATH (O_RDWR|O_CREAT, else
 *                                     O_RDONLY) on FD, inherited
 *   --kill-after USEC:SIG             fork: the child runs PROGRAM, the parent
 *                                     sends SIG to it after USEC microseconds,
 *                                     waits, and exits 128+signal or the
 *                                     child's status
 *
 * The caller's state starts clean, whatever started runas (the test host
 * ignores SIGPIPE, say, and has fds of its own): every signal at its
 * default and none blocked, no fd above 2; the options then set what the
 * test wants.
 *
 * Exit status: PROGRAM's (it is exec'd), or 200 when runas itself failed
 * (with a message on stderr, unless it closed it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_LIST 64

static void die(const char *what)
{
	fprintf(stderr, "runas: %s: %s\n", what, strerror(errno));
	exit(200);
}

static void usage(const char *why)
{
	fprintf(stderr, "runas: %s\n", why);
	exit(200);
}

static const struct {
	const char *name;
	int sig;
} signames[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 },
	{ "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM }, { "CHLD", SIGCHLD }, { "SEGV", SIGSEGV },
	{ "KILL", SIGKILL }, { "ABRT", SIGABRT }, { "TSTP", SIGTSTP }, { "WINCH", SIGWINCH },
};

static int parse_signal(const char *text)
{
	char *end;
	long n = strtol(text, &end, 10);
	if (*text && !*end && n > 0 && n < NSIG)
		return (int)n;
	for (size_t i = 0; i < sizeof signames / sizeof signames[0]; i++)
		if (strcmp(text, signames[i].name) == 0)
			return signames[i].sig;
	usage("unknown signal");
	return 0;
}

static const struct {
	const char *name;
	int resource;
} limits[] = {
	{ "core", RLIMIT_CORE }, { "nofile", RLIMIT_NOFILE }, { "as", RLIMIT_AS }, { "data", RLIMIT_DATA },
	{ "stack", RLIMIT_STACK }, { "nproc", RLIMIT_NPROC }, { "fsize", RLIMIT_FSIZE },
	{ "sigpending", RLIMIT_SIGPENDING }, { "cpu", RLIMIT_CPU },
};

struct limit_setting {
	int resource;
	struct rlimit value;
};

static rlim_t parse_limit_value(const char *text)
{
	char *end;
	if (strcmp(text, "u") == 0)
		return RLIM_INFINITY;
	unsigned long long n = strtoull(text, &end, 10);
	if (!*text || *end)
		usage("bad limit value");
	return (rlim_t)n;
}

static struct limit_setting parse_limit(const char *text)
{
	struct limit_setting s;
	char name[32], soft[32], hard[32];
	if (sscanf(text, "%31[a-z]=%31[0-9u]:%31[0-9u]", name, soft, hard) != 3)
		usage("--rlimit NAME=SOFT:HARD");
	s.resource = -1;
	for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++)
		if (strcmp(name, limits[i].name) == 0)
			s.resource = limits[i].resource;
	if (s.resource < 0)
		usage("unknown limit");
	s.value.rlim_cur = parse_limit_value(soft);
	s.value.rlim_max = parse_limit_value(hard);
	return s;
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

static void open_on(const char *spec)
{
	char *colon = strchr(spec, ':');
	if (!colon)
		usage("--open FD:PATH");
	int want = atoi(spec);
	int fd = open(colon + 1, O_RDWR | O_CREAT, 0644);
	if (fd < 0)
		fd = open(colon + 1, O_RDONLY);
	if (fd < 0)
		die(colon + 1);
	if (fd != want) {
		if (dup2(fd, want) < 0)
			die("dup2");
		close(fd);
	}
}

/* Every signal at its default, none blocked; the raw call, since glibc's
 * sigaction refuses its own two (32 and 33), which a parent may have left
 * ignored. */
static void clean_signals(void)
{
	struct {
		void (*handler)(int);
		unsigned long flags;
		void (*restorer)(void);
		unsigned long mask;
	} dfl = { SIG_DFL, 0, NULL, 0 };
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof dfl.mask);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

int main(int argc, char **argv)
{
	long uid = -1, gid = -1;
	gid_t groups[MAX_LIST];
	int ngroups = -1, no_argv = 0, env_clear = 0, nenv = 0, nlimits = 0, nignore = 0, nblock = 0;
	int nclose = 0, nopen = 0, ncgroups = 0;
	const char *argv0 = NULL, *chdir_to = NULL, *cgroups[MAX_LIST], *opens[MAX_LIST];
	char **env = calloc((size_t)argc + 1, sizeof(char *));
	struct limit_setting set_limits[MAX_LIST];
	int ignore[MAX_LIST], block[MAX_LIST], closes[MAX_LIST];
	long umask_value = -1, kill_usec = -1;
	int kill_sig = 0;
	int i;

	for (i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(o, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(o, "--no-argv") == 0) {
			no_argv = 1;
			continue;
		}
		if (strcmp(o, "--env-clear") == 0) {
			env_clear = 1;
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
		else if (strcmp(o, "--argv0") == 0)
			argv0 = v;
		else if (strcmp(o, "--env") == 0)
			env[nenv++] = (char *)v;
		else if (strcmp(o, "--rlimit") == 0 && nlimits < MAX_LIST)
			set_limits[nlimits++] = parse_limit(v);
		else if (strcmp(o, "--ignore") == 0 && nignore < MAX_LIST)
			ignore[nignore++] = parse_signal(v);
		else if (strcmp(o, "--block") == 0 && nblock < MAX_LIST)
			block[nblock++] = parse_signal(v);
		else if (strcmp(o, "--umask") == 0)
			umask_value = strtol(v, NULL, 8);
		else if (strcmp(o, "--chdir") == 0)
			chdir_to = v;
		else if (strcmp(o, "--close") == 0 && nclose < MAX_LIST)
			closes[nclose++] = atoi(v);
		else if (strcmp(o, "--open") == 0 && nopen < MAX_LIST)
			opens[nopen++] = v;
		else if (strcmp(o, "--kill-after") == 0) {
			char *colon = strchr(v, ':');
			if (!colon)
				usage("--kill-after USEC:SIG");
			kill_usec = atol(v);
			kill_sig = parse_signal(colon + 1);
		} else
			usage("unknown option");
	}
	if (i >= argc)
		usage("no program");
	char **program = argv + i;

	clean_signals();
	close_range(3, ~0u, 0);
	for (int c = 0; c < ncgroups; c++)
		join_cgroup(cgroups[c]);
	if (chdir_to && chdir(chdir_to) != 0)
		die(chdir_to);
	for (int n = 0; n < nopen; n++)
		open_on(opens[n]);

	if (uid >= 0) {
		if (gid < 0)
			gid = uid;
		if (ngroups < 0) {
			groups[0] = (gid_t)gid;
			ngroups = 1;
		}
		if (setgroups((size_t)ngroups, groups) != 0)
			die("setgroups");
		if (setresgid((gid_t)gid, (gid_t)gid, (gid_t)gid) != 0)
			die("setresgid");
		if (setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) != 0)
			die("setresuid");
	}
	/* After the drop: RLIMIT_NPROC checked at the drop would otherwise
	 * refuse our own execve. */
	for (int n = 0; n < nlimits; n++)
		if (setrlimit(set_limits[n].resource, &set_limits[n].value) != 0)
			die("setrlimit");
	for (int n = 0; n < nignore; n++)
		signal(ignore[n], SIG_IGN);
	if (nblock) {
		sigset_t set;
		sigemptyset(&set);
		for (int n = 0; n < nblock; n++)
			sigaddset(&set, block[n]);
		sigprocmask(SIG_BLOCK, &set, NULL);
	}
	if (umask_value >= 0)
		umask((mode_t)umask_value);

	char *none[] = { NULL };
	char **child_argv = none;
	if (!no_argv) {
		int n = 0;
		while (program[n])
			n++;
		child_argv = calloc((size_t)n + 1, sizeof(char *));
		if (!child_argv)
			die("calloc");
		for (int a = 0; a < n; a++)
			child_argv[a] = program[a];
		if (argv0)
			child_argv[0] = (char *)argv0;
	}
	env[nenv] = NULL;
	extern char **environ;
	char **child_env = env_clear || nenv ? env : environ;

	pid_t child = 0;
	if (kill_usec >= 0) {
		child = fork();
		if (child < 0)
			die("fork");
	}
	if (child == 0) {
		for (int n = 0; n < nclose; n++)
			close(closes[n]);
		execve(program[0], child_argv, child_env);
		if (fcntl(2, F_GETFD) >= 0)
			die(program[0]);
		_exit(200);
	}

	struct timespec delay = { kill_usec / 1000000, (kill_usec % 1000000) * 1000 };
	nanosleep(&delay, NULL);
	kill(child, kill_sig);
	int status;
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	if (WIFSIGNALED(status)) {
		fprintf(stderr, "runas: signal %d%s\n", WTERMSIG(status), WCOREDUMP(status) ? " (core dumped)" : "");
		return 128 + WTERMSIG(status);
	}
	return WEXITSTATUS(status);
}
