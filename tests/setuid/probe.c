/* SPDX-License-Identifier: MIT */
/*
 * probe - the command the setuid tests run through lverun: it reports what
 * it inherited, one "key value" line per item, on stdout (or into a file,
 * for a caller that closed stdout).
 *
 *   probe fds                 each open fd: "fd N TARGET"
 *   probe stdio FILE          fds 0-2 into FILE: "fd N TARGET"
 *   probe limits              "limit NAME SOFT HARD" (-1: unlimited)
 *   probe tty [FILE]          "name fdN TTY" and "tiocsti fdN ok|<error>"
 *                             (a '#' pushed) for each tty among fds 0-2, "devtty ok|<error>" (opening
 *                             /dev/tty), and "tiocsti devtty ..." when it
 *                             opens; "session leader yes|no" (into FILE:
 *                             for fds 0-2 redirected away)
 *   probe sched               "sched policy P nice N cpus LIST ioprio C/D":
 *                             its scheduling policy, nice value, CPU
 *                             affinity and I/O priority class and data
 *   probe exit N              exit with status N
 *   probe kill SIG            die of signal SIG
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static void fd_lines(FILE *out, int only_stdio)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *d;
	char path[64], target[PATH_MAX];

	if (!dir) {
		fprintf(out, "error %s\n", strerror(errno));
		return;
	}
	while ((d = readdir(dir))) {
		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		int fd = atoi(d->d_name);
		if (fd == dirfd(dir) || (only_stdio && fd > 2))
			continue;
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
		ssize_t n = readlink(path, target, sizeof target - 1);
		target[n < 0 ? 0 : n] = '\0';
		fprintf(out, "fd %d %s\n", fd, target);
	}
	closedir(dir);
}

static FILE *report;

static void tiocsti(const char *name, int fd)
{
	char c = '#';
	if (ioctl(fd, TIOCSTI, &c) == 0)
		fprintf(report, "tiocsti %s ok\n", name);
	else
		fprintf(report, "tiocsti %s %s\n", name, strerror(errno));
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	if (strcmp(argv[1], "fds") == 0) {
		fd_lines(stdout, 0);
		return 0;
	}
	if (strcmp(argv[1], "stdio") == 0 && argc == 3) {
		FILE *out = fopen(argv[2], "w");
		if (!out)
			return 3;
		fd_lines(out, 1);
		return fclose(out) == 0 ? 0 : 3;
	}
	if (strcmp(argv[1], "limits") == 0) {
		static const struct {
			const char *name;
			int resource;
		} limits[] = {
			{ "core", RLIMIT_CORE }, { "nofile", RLIMIT_NOFILE }, { "as", RLIMIT_AS },
			{ "data", RLIMIT_DATA }, { "stack", RLIMIT_STACK }, { "nproc", RLIMIT_NPROC },
			{ "sigpending", RLIMIT_SIGPENDING }, { "fsize", RLIMIT_FSIZE },
		};
		for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
			struct rlimit r;
			getrlimit(limits[i].resource, &r);
			printf("limit %s %lld %lld\n", limits[i].name,
			       r.rlim_cur == RLIM_INFINITY ? -1LL : (long long)r.rlim_cur,
			       r.rlim_max == RLIM_INFINITY ? -1LL : (long long)r.rlim_max);
		}
		return 0;
	}
	if (strcmp(argv[1], "tty") == 0) {
		char name[8];
		report = argc == 3 ? fopen(argv[2], "w") : stdout;
		if (!report)
			return 3;
		for (int fd = 0; fd < 3; fd++) {
			if (!isatty(fd))
				continue;
			snprintf(name, sizeof name, "fd%d", fd);
			fprintf(report, "name %s %s\n", name, ttyname(fd) ? ttyname(fd) : "?");
			tiocsti(name, fd);
		}
		int tty = open("/dev/tty", O_RDWR | O_NOCTTY);
		if (tty < 0) {
			fprintf(report, "devtty %s\n", strerror(errno));
		} else {
			fprintf(report, "devtty ok\n");
			tiocsti("devtty", tty);
		}
		fprintf(report, "session leader %s\n", getsid(0) == getpid() ? "yes" : "no");
		return fclose(report) == 0 ? 0 : 3;
	}
	if (strcmp(argv[1], "sched") == 0) {
		cpu_set_t cpus;
		int prio = (int)syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);
		errno = 0;
		int nice = getpriority(PRIO_PROCESS, 0);
		printf("sched policy %d nice %d cpus", sched_getscheduler(0), errno ? 99 : nice);
		if (sched_getaffinity(0, sizeof cpus, &cpus) == 0) {
			const char *sep = " ";
			for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
				if (CPU_ISSET(cpu, &cpus)) {
					printf("%s%d", sep, cpu);
					sep = ",";
				}
		}
		printf(" ioprio %d/%d\n", prio < 0 ? -1 : prio >> 13, prio < 0 ? -1 : prio & 0x1fff);
		return 0;
	}
	if (strcmp(argv[1], "exit") == 0 && argc == 3)
		return atoi(argv[2]);
	if (strcmp(argv[1], "kill") == 0 && argc == 3) {
		fflush(stdout);
		kill(getpid(), atoi(argv[2]));
		pause();
	}
	return 2;
}
