/* SPDX-License-Identifier: MIT */
/*
 * harness.h - a small test harness for liblve's C tests.
 *
 * Each test runs in its own forked child, so a crash, a SIGKILL (the forged
 * cookie test wants one) or a failed REQUIRE ends that test alone.  Output is
 * TAP: "ok N name", "not ok N name", "ok N name # SKIP why".  A test that
 * cannot run here says why; with LVE_TEST_REQUIRE_REAL=1 in the environment
 * (as `make test` sets it) a skip counts as a failure.
 *
 * After every test, pass or fail, the suite's cleanup hook runs in the
 * parent, so whatever a test made is removed even if it died.
 */
#ifndef LVE_TEST_HARNESS_H
#define LVE_TEST_HARNESS_H

#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct test_case {
	const char *name;
	void (*fn)(void);
};

/* Exit codes a test child uses to report. */
#define TEST_PASS 0
#define TEST_FAIL 1
#define TEST_SKIP 77
#define TEST_NOT_HERE 78 /* the row does not exist on this layout */
#define TEST_TIMEOUT_SECONDS 120

static int test_failures_in_child;

static inline void test_note(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

/* CHECK records a failure and goes on; REQUIRE ends the test. */
#define CHECK(cond)                                                                     \
	do {                                                                            \
		if (!(cond)) {                                                          \
			test_note("%s:%d: CHECK failed: %s", __FILE__, __LINE__, #cond);  \
			test_failures_in_child++;                                       \
		}                                                                       \
	} while (0)

#define CHECK_INT(got, want)                                                            \
	do {                                                                            \
		long long g_ = (long long)(got), w_ = (long long)(want);                \
		if (g_ != w_) {                                                         \
			test_note("%s:%d: %s is %lld, want %lld", __FILE__, __LINE__, #got, \
				  g_, w_);                                              \
			test_failures_in_child++;                                       \
		}                                                                       \
	} while (0)

#define CHECK_STR(got, want)                                                            \
	do {                                                                            \
		const char *g_ = (got), *w_ = (want);                                   \
		if (!g_ || strcmp(g_, w_) != 0) {                                       \
			test_note("%s:%d: %s is \"%s\", want \"%s\"", __FILE__, __LINE__,   \
				  #got, g_ ? g_ : "(null)", w_);                        \
			test_failures_in_child++;                                       \
		}                                                                       \
	} while (0)

/* A call that returns -errno must also leave errno at the positive value. */
#define CHECK_ERR(call, want_neg)                                                       \
	do {                                                                            \
		errno = 0;                                                              \
		long long r_ = (long long)(call);                                       \
		int e_ = errno;                                                         \
		if (r_ != (long long)(want_neg) || (want_neg < 0 && e_ != -(want_neg))) { \
			test_note("%s:%d: %s returned %lld errno %d, want %lld errno %d", \
				  __FILE__, __LINE__, #call, r_, e_,                    \
				  (long long)(want_neg), (want_neg) < 0 ? -(want_neg) : 0); \
			test_failures_in_child++;                                       \
		}                                                                       \
	} while (0)

#define REQUIRE(cond)                                                                   \
	do {                                                                            \
		if (!(cond)) {                                                          \
			test_note("%s:%d: REQUIRE failed: %s", __FILE__, __LINE__, #cond); \
			fflush(NULL);                                                   \
			_exit(TEST_FAIL);                                               \
		}                                                                       \
	} while (0)

#define SKIP(...)                                                                       \
	do {                                                                            \
		printf("# SKIP ");                                                      \
		printf(__VA_ARGS__);                                                    \
		printf("\n");                                                           \
		fflush(NULL);                                                           \
		_exit(TEST_SKIP);                                                       \
	} while (0)

/* For a check that this kind of host cannot have at all (a v2-only knob on a
 * v1 host), not one that this machine fails to allow: never a failure, and
 * the reason says where it does run. */
#define NOT_ON_THIS_LAYOUT(...)                                                         \
	do {                                                                            \
		printf("# not on this layout: ");                                       \
		printf(__VA_ARGS__);                                                    \
		printf("\n");                                                           \
		fflush(NULL);                                                           \
		_exit(TEST_NOT_HERE);                                                   \
	} while (0)

/*
 * Run @tests; @cleanup (may be NULL) runs in the parent after each one.
 * Returns the process exit status: 0 when all passed.
 */
static inline int run_tests(const char *suite, const struct test_case *tests, size_t n,
			    void (*cleanup)(void), int argc, char **argv)
{
	const char *req = getenv("LVE_TEST_REQUIRE_REAL");
	int require_real = req && strcmp(req, "1") == 0;
	int failed = 0, skipped = 0, ran = 0;

	printf("# %s\n1..%zu\n", suite, n);
	fflush(stdout);
	for (size_t i = 0; i < n; i++) {
		int status = 0, code;
		pid_t pid;

		/* a name on the command line selects tests */
		if (argc > 1) {
			int want = 0;

			for (int a = 1; a < argc; a++)
				if (strstr(tests[i].name, argv[a]))
					want = 1;
			if (!want) {
				printf("ok %zu %s # SKIP not selected\n", i + 1, tests[i].name);
				continue;
			}
		}
		ran++;
		fflush(NULL);
		pid = fork();
		if (pid < 0) {
			perror("fork");
			return 2;
		}
		if (pid == 0) {
			/* a test that hangs (a child that never answers) ends here,
			 * and the suite goes on */
			alarm(TEST_TIMEOUT_SECONDS);
			test_failures_in_child = 0;
			tests[i].fn();
			fflush(NULL);
			_exit(test_failures_in_child ? TEST_FAIL : TEST_PASS);
		}
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (cleanup)
			cleanup();
		if (WIFSIGNALED(status)) {
			if (WTERMSIG(status) == SIGALRM)
				printf("# timed out after %d s\n", TEST_TIMEOUT_SECONDS);
			else
				printf("# killed by signal %d\n", WTERMSIG(status));
			code = TEST_FAIL;
		} else {
			code = WEXITSTATUS(status);
		}
		if (code == TEST_PASS) {
			printf("ok %zu %s\n", i + 1, tests[i].name);
		} else if (code == TEST_NOT_HERE) {
			printf("ok %zu %s # SKIP not on this layout (reason above)\n", i + 1,
			       tests[i].name);
			skipped++;
		} else if (code == TEST_SKIP && !require_real) {
			printf("ok %zu %s # SKIP (reason above)\n", i + 1, tests[i].name);
			skipped++;
		} else {
			if (code == TEST_SKIP)
				printf("# LVE_TEST_REQUIRE_REAL=1: a skip is a failure here\n");
			printf("not ok %zu %s\n", i + 1, tests[i].name);
			failed++;
		}
		fflush(stdout);
	}
	printf("# %s: %d run, %d failed, %d skipped\n", suite, ran, failed, skipped);
	return failed ? 1 : 0;
}

#endif /* LVE_TEST_HARNESS_H */
