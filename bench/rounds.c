/* SPDX-License-Identifier: MIT */
/*
 * rounds - time commands in interleaved rounds, for bench/lverun-bench.
 *
 *   rounds [-n ROUNDS] [-w WARMUP] [-i IDLE_MS] [-o SAMPLES] CMD...
 *
 * Each CMD is one argument, "NAME=PROGRAM ARG...", split at spaces (no
 * shell, no quoting).  Every round runs each command once, in an order
 * that rotates from round to round, so that a slow spell of the machine
 * (other work on it, frequency changes) falls on every command alike
 * instead of on whichever ran then.  A run is timed from just before
 * posix_spawn to the end of waitpid, with stdin, stdout and stderr on
 * /dev/null; a run that does not exit 0 is reported, and the command's
 * figures are then marked.
 *
 * -i IDLE_MS sleeps that long before each timed run: the state after a
 * quiet spell (the kernel's RCU-synchronised locks go back to their slow
 * path after a grace period without writers), instead of back to back.
 *
 * Prints one line per command: name, samples, median, mean, p10, p90,
 * min (milliseconds), failures.  -o writes every sample ("name ms" lines).
 *
 * Measured, never asserted: a benchmark, not a test.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

struct cmd {
	char *name;
	char **argv;
	double *ms;
	int n, failed;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int parse_cmd(char *spec, struct cmd *c)
{
	char *eq = strchr(spec, '='), *save = NULL, *tok;
	int n = 0;

	if (!eq || eq == spec)
		return -1;
	*eq = '\0';
	c->name = spec;
	c->argv = calloc(strlen(eq + 1) / 2 + 2, sizeof(char *));
	if (!c->argv)
		return -1;
	for (char *s = eq + 1; (tok = strtok_r(s, " ", &save)); s = NULL)
		c->argv[n++] = tok;
	return n > 0 ? 0 : -1;
}

/* One run: its wall time in ms, or a negative value if it did not exit 0. */
static double run(const struct cmd *c, posix_spawn_file_actions_t *fa)
{
	double start, end;
	pid_t pid;
	int status;

	start = now_ms();
	if (posix_spawn(&pid, c->argv[0], fa, NULL, c->argv, environ) != 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	end = now_ms();
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? end - start : -(end - start);
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double quantile(const double *sorted, int n, double q)
{
	double pos = q * (n - 1);
	int lo = (int)pos;

	return lo + 1 < n ? sorted[lo] + (pos - lo) * (sorted[lo + 1] - sorted[lo]) : sorted[lo];
}

int main(int argc, char **argv)
{
	int rounds = 100, warmup = 10, idle = 0, opt, n;
	const char *samples = NULL;
	posix_spawn_file_actions_t fa;
	struct cmd *cmds;

	while ((opt = getopt(argc, argv, "n:w:i:o:")) != -1) {
		switch (opt) {
		case 'n': rounds = atoi(optarg); break;
		case 'w': warmup = atoi(optarg); break;
		case 'i': idle = atoi(optarg); break;
		case 'o': samples = optarg; break;
		default: goto usage;
		}
	}
	n = argc - optind;
	if (n < 1 || rounds < 1 || warmup < 0 || idle < 0)
		goto usage;
	cmds = calloc((size_t)n, sizeof(*cmds));
	if (!cmds)
		return 1;
	for (int i = 0; i < n; i++) {
		if (parse_cmd(argv[optind + i], &cmds[i]) < 0)
			goto usage;
		cmds[i].ms = calloc((size_t)rounds, sizeof(double));
		if (!cmds[i].ms)
			return 1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);

	for (int r = 0; r < warmup; r++)
		for (int i = 0; i < n; i++)
			(void)run(&cmds[i], &fa);
	for (int r = 0; r < rounds; r++) {
		for (int k = 0; k < n; k++) {
			struct cmd *c = &cmds[(r + k) % n];
			double ms;

			if (idle)
				sleep_ms(idle);
			ms = run(c, &fa);
			if (ms < 0) {
				c->failed++;
				ms = -ms;
			}
			c->ms[c->n++] = ms;
		}
	}

	FILE *out = samples ? fopen(samples, "w") : NULL;
	for (int i = 0; i < n; i++) {
		struct cmd *c = &cmds[i];
		double sum = 0;

		if (out)
			for (int k = 0; k < c->n; k++)
				fprintf(out, "%s %.4f\n", c->name, c->ms[k]);
		qsort(c->ms, (size_t)c->n, sizeof(double), by_value);
		for (int k = 0; k < c->n; k++)
			sum += c->ms[k];
		printf("%s\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%d\n", c->name, c->n, quantile(c->ms, c->n, 0.5),
		       sum / c->n, quantile(c->ms, c->n, 0.1), quantile(c->ms, c->n, 0.9), c->ms[0], c->failed);
	}
	if (out)
		fclose(out);
	return 0;
usage:
	fputs("usage: rounds [-n ROUNDS] [-w WARMUP] [-i IDLE_MS] [-o SAMPLES] NAME=PROGRAM [ARG...]...\n", stderr);
	return 2;
}
