/*
 * real_test.c - liblve against the machine's real cgroup hierarchy, through
 * the public API only, checked through the test's own view of cgroupfs.
 *
 * Every LVE tree lives beneath the test's own cgroup in each hierarchy
 * (LIBLVE_CGROUP_PARENT=lvetest-<pid>, a relative parent) and is removed
 * after every test, pass or fail.  LVE_TEST_PARENT=default uses the built-in
 * parent instead; that touches the host's root-level tree, so it is allowed
 * only where the whole hierarchy is ours (the cgroup v2 VM sets
 * LVE_TEST_ALLOW_DEFAULT_PARENT=1).
 *
 * Needs root and a writable hierarchy; says why and skips otherwise (a
 * failure under LVE_TEST_REQUIRE_REAL=1).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lve-ctl.h"
#include "cgtree.h"
#include "harness.h"

static struct cg_view V;
static char tree_rel[128];  /* the parent as liblve is told: "lvetest-123" or "/lve" */
static int default_parent;  /* LVE_TEST_PARENT=default: the library's built-in parent */
static char skip_reason[256];

/* --- where things are ------------------------------------------------------ */

static void tree_dir(int h, char *out, size_t size)
{
	const char *self = strcmp(V.h[h].self, "/") == 0 ? "" : V.h[h].self;

	if (tree_rel[0] == '/')
		snprintf(out, size, "%s%s", V.h[h].mount, tree_rel);
	else
		snprintf(out, size, "%s%s/%s", V.h[h].mount, self, tree_rel);
}

static void lve_dir(int h, uint32_t id, char *out, size_t size)
{
	char tree[2048];

	tree_dir(h, tree, sizeof(tree));
	snprintf(out, size, "%s/%u", tree, id);
}

/* The cgroup liblve should put LVE @id in, as /proc/<pid>/cgroup shows it. */
static void lve_cgpath(int h, uint32_t id, char *out, size_t size)
{
	const char *self = strcmp(V.h[h].self, "/") == 0 ? "" : V.h[h].self;

	if (tree_rel[0] == '/')
		snprintf(out, size, "%s/%u", tree_rel, id);
	else
		snprintf(out, size, "%s/%s/%u", self, tree_rel, id);
}

static int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static int lve_exists_anywhere(uint32_t id)
{
	char dir[2048];

	for (int h = 0; h < V.n; h++) {
		lve_dir(h, id, dir, sizeof(dir));
		if (exists(dir))
			return 1;
	}
	return 0;
}

static int tree_exists_anywhere(void)
{
	char dir[2048];

	for (int h = 0; h < V.n; h++) {
		tree_dir(h, dir, sizeof(dir));
		if (exists(dir))
			return 1;
	}
	return 0;
}

/* The CPU quota of LVE @id as "cpu N" would give it: quota µs per 100 ms, or
 * -1 for no limit. */
static long long lve_quota(uint32_t id)
{
	char dir[2048], file[2100], buf[128];

	lve_dir(V.cpu, id, dir, sizeof(dir));
	if (V.h[V.cpu].v2) {
		snprintf(file, sizeof(file), "%s/cpu.max", dir);
		if (cg_read_file(file, buf, sizeof(buf)) < 0)
			return -2;
		return strncmp(buf, "max", 3) == 0 ? -1 : atoll(buf);
	}
	snprintf(file, sizeof(file), "%s/cpu.cfs_quota_us", dir);
	if (cg_read_file(file, buf, sizeof(buf)) < 0)
		return -2;
	return atoll(buf);
}

/* The quota of the cpu cgroup this process is in now. */
static long long own_quota(void)
{
	char path[1024], file[2048], buf[128];

	if (cg_path_of(getpid(), V.h[V.cpu].v2 ? NULL : "cpu", path, sizeof(path)) < 0)
		return -2;
	if (V.h[V.cpu].v2) {
		snprintf(file, sizeof(file), "%s%s/cpu.max", V.h[V.cpu].mount, path);
		if (cg_read_file(file, buf, sizeof(buf)) < 0)
			return -2;
		return strncmp(buf, "max", 3) == 0 ? -1 : atoll(buf);
	}
	snprintf(file, sizeof(file), "%s%s/cpu.cfs_quota_us", V.h[V.cpu].mount, path);
	if (cg_read_file(file, buf, sizeof(buf)) < 0)
		return -2;
	return atoll(buf);
}

/* The io weight of LVE @id in io's 1..1000 units, -1 where the kernel offers
 * no knob (liblve then records it only). */
static long long lve_io_weight(uint32_t id)
{
	static const struct {
		const char *file;
		int scale;
	} knobs[] = { { "blkio.bfq.weight", 1 }, { "io.bfq.weight", 1 }, { "io.weight", 10 } };
	char dir[2048], file[2100], buf[256];

	for (int h = 0; h < V.n; h++) {
		if (!V.h[h].v2 && strcmp(V.h[h].name, "blkio") != 0)
			continue;
		lve_dir(h, id, dir, sizeof(dir));
		for (size_t k = 0; k < sizeof(knobs) / sizeof(knobs[0]); k++) {
			const char *p;

			snprintf(file, sizeof(file), "%s/%s", dir, knobs[k].file);
			if (cg_read_file(file, buf, sizeof(buf)) < 0)
				continue;
			/* "300", or "default 300" with per-device lines after it */
			p = strncmp(buf, "default ", 8) == 0 ? buf + 8 : buf;
			return atoll(p) / knobs[k].scale;
		}
	}
	return -1;
}

/* CPU time LVE @id has used, in seconds, from its own accounting. */
static double lve_cpu_seconds(uint32_t id)
{
	char dir[2048], file[2100], buf[4096];

	lve_dir(V.cpuacct, id, dir, sizeof(dir));
	if (V.h[V.cpuacct].v2) {
		char *p;

		snprintf(file, sizeof(file), "%s/cpu.stat", dir);
		if (cg_read_file(file, buf, sizeof(buf)) < 0 || !(p = strstr(buf, "usage_usec ")))
			return -1;
		return atof(p + 11) / 1e6;
	}
	snprintf(file, sizeof(file), "%s/cpuacct.usage", dir);
	if (cg_read_file(file, buf, sizeof(buf)) < 0)
		return -1;
	return atof(buf) / 1e9;
}

static int in_lve(pid_t pid, uint32_t id)
{
	char want[2048], got[1024];

	for (int h = 0; h < V.n; h++) {
		lve_cgpath(h, id, want, sizeof(want));
		if (cg_path_of(pid, V.h[h].v2 ? NULL : V.h[h].name, got, sizeof(got)) < 0 ||
		    strcmp(got, want) != 0) {
			test_note("pid %d in %s: %s, want %s", (int)pid, V.h[h].name, got, want);
			return 0;
		}
	}
	return 1;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n - 1; /* the one opendir holds */
}

static struct liblve *new_instance(void)
{
	int size = lve_instance_init(NULL);
	struct liblve *lve;

	REQUIRE(size > 0);
	lve = calloc(1, (size_t)size);
	REQUIRE(lve);
	REQUIRE(lve_instance_init(lve) == 0);
	return lve;
}

static void free_instance(struct liblve *lve)
{
	CHECK_INT(lve_instance_destroy(lve), 0);
	free(lve);
}

static void drop_to_nobody(void)
{
	REQUIRE(setgroups(0, NULL) == 0);
	REQUIRE(setresgid(65534, 65534, 65534) == 0);
	REQUIRE(setresuid(65534, 65534, 65534) == 0);
}

/* Wait for @pid; its wait status. */
static int reap(pid_t pid)
{
	int status = 0;

	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

/* --- the tests ------------------------------------------------------------- */

static void t_available(void)
{
	CHECK_INT(lve_is_available(), 1);
	CHECK(lve_instance_init(NULL) > 0);
	/* asking creates nothing */
	CHECK(!tree_exists_anywhere());
}

static const uint32_t bad_ids[] = { 0, 0x80000000u, 0x80000001u, 0xffffffffu };

static void t_bad_ids(void)
{
	struct liblve *lve = new_instance();
	uint32_t cookie = 0;

	for (size_t i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++) {
		uint32_t id = bad_ids[i];

		CHECK_ERR(lve_create(id), -EINVAL);
		CHECK_ERR(lve_destroy(id), -EINVAL);
		CHECK_ERR(lve_setup(id, 10, 10), -EINVAL);
		CHECK_ERR(lve_enter(lve, id, (uint32_t)-1, (uint32_t)-1, &cookie), -EINVAL);
	}
	CHECK(!tree_exists_anywhere());
	free_instance(lve);
}

static void t_limits_out_of_range(void)
{
	static const int32_t bad_setup[][2] = {
		{ 100001, -1 }, { -2, -1 }, { INT32_MIN, -1 }, { -1, 0 }, { -1, 1001 }, { -1, -2 },
	};
	static const uint32_t bad_default[][2] = {
		{ 100001, 100 }, { 100, 0 }, { 100, 1001 }, { 0xffffffffu, 100 }, { 100, 0xffffffffu },
	};

	REQUIRE(lve_create(10) == 0);
	for (size_t i = 0; i < sizeof(bad_setup) / sizeof(bad_setup[0]); i++)
		CHECK_ERR(lve_setup(10, bad_setup[i][0], bad_setup[i][1]), -EINVAL);
	CHECK_INT(lve_quota(10), 100000); /* untouched */
	CHECK_ERR(lve_destroy(10), 0);
	for (size_t i = 0; i < sizeof(bad_default) / sizeof(bad_default[0]); i++)
		CHECK_ERR(lve_set_default(bad_default[i][0], bad_default[i][1]), -EINVAL);
	/* the edges are fine */
	CHECK_ERR(lve_set_default(100000, 1000), 0);
	CHECK_ERR(lve_set_default(0, 1), 0);
}

static void t_not_root(void)
{
	struct liblve *lve = new_instance();
	uint32_t cookie = 1;

	/* an LVE that exists: a non-root create is still refused */
	REQUIRE(lve_create(20) == 0);
	drop_to_nobody();
	CHECK_ERR(lve_create(20), -EPERM);
	CHECK_ERR(lve_create(21), -EPERM);
	CHECK_ERR(lve_destroy(20), -EPERM);
	CHECK_ERR(lve_setup(20, 10, 10), -EPERM);
	CHECK_ERR(lve_set_default(10, 10), -EPERM);
	CHECK_ERR(lve_enter(lve, 20, (uint32_t)-1, (uint32_t)-1, &cookie), -EPERM);
	CHECK_ERR(lve_leave(lve, &cookie), -EPERM);
	/* argument checks still come first */
	CHECK_ERR(lve_create(0), -EINVAL);
	CHECK_ERR(lve_setup(20, 100001, -1), -EINVAL);
	/* anyone may ask */
	CHECK_INT(lve_is_available(), 1);
	CHECK(!lve_exists_anywhere(21));
	free_instance(lve);
}

static void t_null_cookie(void)
{
	struct liblve *lve = new_instance();

	CHECK_ERR(lve_enter(lve, 30, (uint32_t)-1, (uint32_t)-1, NULL), -EFAULT);
	CHECK_ERR(lve_leave(lve, NULL), -EFAULT);
	CHECK(!lve_exists_anywhere(30));
	CHECK_ERR(lve_enter(NULL, 30, 0, 0, NULL), -EINVAL);
	free_instance(lve);
}

static void t_lifecycle(void)
{
	char before[8192], after[8192], dir[2048];
	struct liblve *lve = new_instance();
	uint32_t cookie = 0;
	struct stat st;

	REQUIRE(cg_read_file("/proc/self/cgroup", before, sizeof(before)) > 0);
	CHECK_ERR(lve_create(100), 0);
	for (int h = 0; h < V.n; h++) {
		lve_dir(h, 100, dir, sizeof(dir));
		CHECK(exists(dir));
	}
	CHECK_INT(lve_quota(100), 100000); /* built-in default: cpu 100 */
	/* only root may open the parent, and so hold the tree's lock */
	tree_dir(V.cpu, dir, sizeof(dir));
	REQUIRE(stat(dir, &st) == 0);
	CHECK_INT(st.st_mode & 07777, 0711);

	CHECK_ERR(lve_setup(100, 20, 300), 0);
	CHECK_INT(lve_quota(100), 20000);
	{
		long long weight = lve_io_weight(100);

		if (weight == -1)
			test_note("io: no weight knob on this host, recorded only");
		else
			CHECK_INT(weight, 300);
	}
	CHECK_ERR(lve_setup(100, -1, 500), 0);
	CHECK_INT(lve_quota(100), 20000);
	CHECK_ERR(lve_setup(100, 0, -1), 0);
	CHECK_INT(lve_quota(100), -1);
	CHECK_ERR(lve_setup(100, 250, -1), 0);
	CHECK_INT(lve_quota(100), 250000);

	CHECK_ERR(lve_enter(lve, 100, (uint32_t)-1, (uint32_t)-1, &cookie), 0);
	CHECK(in_lve(getpid(), 100));
	CHECK_INT(own_quota(), 250000);
	CHECK_ERR(lve_leave(lve, &cookie), 0);
	REQUIRE(cg_read_file("/proc/self/cgroup", after, sizeof(after)) > 0);
	CHECK_STR(after, before); /* exactly where it was, in every hierarchy */

	CHECK_ERR(lve_destroy(100), 0);
	for (int h = 0; h < V.n; h++) {
		lve_dir(h, 100, dir, sizeof(dir));
		CHECK(!exists(dir));
	}
	free_instance(lve);
}

static void t_create_idempotent(void)
{
	CHECK_ERR(lve_create(110), 0);
	CHECK_ERR(lve_setup(110, 37, -1), 0);
	CHECK_ERR(lve_create(110), 0);
	CHECK_INT(lve_quota(110), 37000); /* its limits are left as they are */
}

static void t_enter_creates_with_defaults(void)
{
	struct liblve *lve = new_instance();
	uint32_t cookie = 0;

	CHECK_ERR(lve_set_default(45, 100), 0);
	CHECK(!lve_exists_anywhere(120));
	CHECK_ERR(lve_enter(lve, 120, (uint32_t)-1, (uint32_t)-1, &cookie), 0);
	CHECK_INT(own_quota(), 45000);
	CHECK_INT(lve_quota(120), 45000);
	CHECK_ERR(lve_leave(lve, &cookie), 0);
	/* defaults touch new LVEs only */
	CHECK_ERR(lve_set_default(0, 100), 0);
	CHECK_INT(lve_quota(120), 45000);
	CHECK_ERR(lve_create(121), 0);
	CHECK_INT(lve_quota(121), -1);
	free_instance(lve);
}

static void t_nested_enter_refused(void)
{
	struct liblve *lve = new_instance(), *other = new_instance();
	uint32_t cookie = 0, c2 = 0;

	CHECK_ERR(lve_enter(lve, 130, (uint32_t)-1, (uint32_t)-1, &cookie), 0);
	CHECK_ERR(lve_enter(lve, 131, (uint32_t)-1, (uint32_t)-1, &c2), -EPERM);
	CHECK_ERR(lve_enter(other, 131, (uint32_t)-1, (uint32_t)-1, &c2), -EPERM);
	CHECK_ERR(lve_enter(other, 130, (uint32_t)-1, (uint32_t)-1, &c2), -EPERM);
	CHECK(!lve_exists_anywhere(131)); /* a refused nested enter creates nothing */
	CHECK(in_lve(getpid(), 130));
	/* a child forked inside is inside too, and cannot nest either */
	pid_t pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		struct liblve *l3 = new_instance();
		uint32_t c3;

		_exit(in_lve(getpid(), 130) &&
				      lve_enter(l3, 132, (uint32_t)-1, (uint32_t)-1, &c3) == -EPERM
			      ? 0
			      : 1);
	}
	int status = reap(pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(!lve_exists_anywhere(132));
	CHECK_ERR(lve_leave(lve, &cookie), 0);
	free_instance(lve);
	free_instance(other);
}

static void t_leave_outside(void)
{
	struct liblve *lve = new_instance();
	uint32_t cookie = 12345;

	/* outside an LVE: -ESRCH whatever the cookie says, and nobody dies */
	CHECK_ERR(lve_leave(lve, &cookie), -ESRCH);
	cookie = 0;
	CHECK_ERR(lve_leave(lve, &cookie), -ESRCH);
	/* after a proper leave, leaving again is outside too */
	CHECK_ERR(lve_enter(lve, 140, (uint32_t)-1, (uint32_t)-1, &cookie), 0);
	CHECK_ERR(lve_leave(lve, &cookie), 0);
	CHECK_ERR(lve_leave(lve, &cookie), -ESRCH);
	free_instance(lve);
}

/* Run @fn in a child; its wait status. */
static int in_child(void (*fn)(void))
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		fn();
		fflush(NULL);
		_exit(0);
	}
	return reap(pid);
}

static void forge_plus_one(void)
{
	struct liblve *lve = new_instance();
	uint32_t cookie = 0;

	if (lve_enter(lve, 150, (uint32_t)-1, (uint32_t)-1, &cookie) != 0)
		_exit(3);
	cookie++;
	lve_leave(lve, &cookie);
	_exit(4); /* still alive: the forged cookie was accepted or refused softly */
}

static void forge_other_instance(void)
{
	struct liblve *lve = new_instance(), *other = new_instance();
	uint32_t cookie = 0;

	if (lve_enter(lve, 151, (uint32_t)-1, (uint32_t)-1, &cookie) != 0)
		_exit(3);
	/* the right value, but this instance never handed it out */
	lve_leave(other, &cookie);
	_exit(4);
}

static void t_forged_cookie_kills(void)
{
	int status;

	status = in_child(forge_plus_one);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	if (!WIFSIGNALED(status))
		test_note("child exited %d", WEXITSTATUS(status));
	status = in_child(forge_other_instance);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

static void t_destroy_busy(void)
{
	int ready[2], hold[2];
	char c, dir[2048];
	pid_t pid;

	REQUIRE(pipe(ready) == 0 && pipe(hold) == 0);
	pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		struct liblve *lve = new_instance();
		uint32_t cookie;

		if (lve_enter(lve, 160, (uint32_t)-1, (uint32_t)-1, &cookie) != 0)
			_exit(3);
		(void)!write(ready[1], "x", 1);
		(void)!read(hold[0], &c, 1);
		_exit(0);
	}
	close(ready[1]); /* a child that dies early gives EOF, not a hang */
	close(hold[0]);
	REQUIRE(read(ready[0], &c, 1) == 1);
	CHECK_ERR(lve_destroy(160), -EBUSY);
	/* nothing killed, nothing moved, nothing removed */
	CHECK(in_lve(pid, 160));
	CHECK(kill(pid, 0) == 0);
	for (int h = 0; h < V.n; h++) {
		lve_dir(h, 160, dir, sizeof(dir));
		CHECK(exists(dir));
	}
	(void)!write(hold[1], "x", 1);
	reap(pid);
	CHECK_ERR(lve_destroy(160), 0);
	CHECK(!lve_exists_anywhere(160));
}

static void t_missing_lve(void)
{
	CHECK_ERR(lve_destroy(170), -ENOENT);
	CHECK_ERR(lve_setup(170, 10, 10), -ENOENT);
	CHECK(!lve_exists_anywhere(170));
	REQUIRE(lve_create(171) == 0);
	CHECK_ERR(lve_destroy(170), -ENOENT);
	CHECK_ERR(lve_setup(170, 10, -1), -ENOENT);
	CHECK(!lve_exists_anywhere(170));
}

static void t_defaults_seen_by_other_process(void)
{
	int go[2];
	pid_t setter, creator;
	char c;
	int status;

	REQUIRE(pipe(go) == 0);
	/* The creator exists before the defaults are set, so it cannot have
	 * inherited them in memory. */
	creator = fork();
	REQUIRE(creator >= 0);
	if (creator == 0) {
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		_exit(lve_create(180) == 0 && lve_quota(180) == 33000 ? 0 : 1);
	}
	close(go[0]);
	setter = fork();
	REQUIRE(setter >= 0);
	if (setter == 0)
		_exit(lve_set_default(33, 150) == 0 ? 0 : 1);
	status = reap(setter);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	(void)!write(go[1], "x", 1);
	status = reap(creator);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_INT(lve_quota(180), 33000);
}

static void t_defaults_belong_to_tree(void)
{
	char other[160];

	/* defaults set for this tree ... */
	CHECK_ERR(lve_set_default(33, 150), 0);
	CHECK_ERR(lve_create(190), 0);
	CHECK_INT(lve_quota(190), 33000);
	if (default_parent)
		return; /* no second tree to compare with in that mode */
	/* ... are not those of a sibling tree */
	snprintf(other, sizeof(other), "%s-other", tree_rel);
	setenv("LIBLVE_CGROUP_PARENT", other, 1);
	CHECK_ERR(lve_create(190), 0);
	CHECK_ERR(lve_setup(190, -1, -1), 0);
	{
		char dir[2048], file[2100], buf[64];
		const char *self = strcmp(V.h[V.cpu].self, "/") == 0 ? "" : V.h[V.cpu].self;

		snprintf(dir, sizeof(dir), "%s%s/%s/190", V.h[V.cpu].mount, self, other);
		snprintf(file, sizeof(file), "%s/%s", dir,
			 V.h[V.cpu].v2 ? "cpu.max" : "cpu.cfs_quota_us");
		CHECK(cg_read_file(file, buf, sizeof(buf)) > 0);
		CHECK(atoll(buf) == 100000); /* the built-in default, cpu 100 */
	}
	CHECK_ERR(lve_destroy(190), 0);
	setenv("LIBLVE_CGROUP_PARENT", tree_rel, 1);
}

#define RACERS 200 /* the contract says 200; the issue asks for at least 64 */

static void t_race_into_new_lve(void)
{
	int go[2], out[2];
	pid_t pids[RACERS];
	char line[2300];
	FILE *f;
	int seen = 0;

	CHECK_ERR(lve_set_default(37, 100), 0);
	REQUIRE(pipe(go) == 0 && pipe(out) == 0);
	for (int i = 0; i < RACERS; i++) {
		pids[i] = fork();
		REQUIRE(pids[i] >= 0);
		if (pids[i] == 0) {
			struct liblve *lve = new_instance();
			uint32_t cookie;
			char path[1024], msg[1200];
			char c;
			long long q;
			int r;

			close(go[1]);
			if (read(go[0], &c, 1) != 0)
				_exit(2); /* the barrier is the close of go[1] */
			r = lve_enter(lve, 200, (uint32_t)-1, (uint32_t)-1, &cookie);
			/* first thing inside: are the limits there? */
			q = own_quota();
			cg_path_of(getpid(), V.h[V.cpu].v2 ? NULL : "cpu", path, sizeof(path));
			snprintf(msg, sizeof(msg), "%d %lld %s\n", r, q, path);
			(void)!write(out[1], msg, strlen(msg));
			pause();
			_exit(0);
		}
	}
	close(go[0]);
	close(out[1]);
	close(go[1]); /* release them all at once */
	f = fdopen(out[0], "r");
	REQUIRE(f);
	{
		char want[2048];

		lve_cgpath(V.cpu, 200, want, sizeof(want));
		while (seen < RACERS && fgets(line, sizeof(line), f)) {
			int r;
			long long q;
			char path[1100];

			if (sscanf(line, "%d %lld %1099s", &r, &q, path) != 3) {
				test_note("bad line: %s", line);
				test_failures_in_child++;
				continue;
			}
			CHECK_INT(r, 0);
			CHECK_INT(q, 37000);
			CHECK_STR(path, want);
			seen++;
		}
	}
	CHECK_INT(seen, RACERS);
	for (int i = 0; i < RACERS; i++)
		CHECK(in_lve(pids[i], 200));
	for (int i = 0; i < RACERS; i++)
		kill(pids[i], SIGKILL);
	for (int i = 0; i < RACERS; i++)
		reap(pids[i]);
	fclose(f);
	CHECK_ERR(lve_destroy(200), 0);
}

static void busy_one_second(void)
{
	struct liblve *lve = new_instance();
	uint32_t cookie;
	volatile unsigned long spin = 0;
	double start;

	if (lve_enter(lve, 210, (uint32_t)-1, (uint32_t)-1, &cookie) != 0)
		_exit(3);
	start = cg_now();
	while (cg_now() - start < 1.0)
		spin++;
	_exit(0);
}

static void t_cpu_limit_holds(void)
{
	struct rusage ru;
	double used, accounted, wall;
	pid_t pid;
	int status;

	REQUIRE(lve_create(210) == 0);
	REQUIRE(lve_setup(210, 20, -1) == 0);
	wall = cg_now();
	pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0)
		busy_one_second();
	REQUIRE(wait4(pid, &status, 0, &ru) == pid);
	wall = cg_now() - wall;
	used = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	accounted = lve_cpu_seconds(210);
	test_note("cpu 20: %.3f s of CPU (LVE accounting %.3f s) in %.3f s of wall time", used,
		  accounted, wall);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(wall >= 1.0);
	CHECK(used <= 0.30);
	CHECK(accounted >= 0 && accounted <= 0.30);
	CHECK(accounted >= 0.05); /* it did run, in that LVE */
}

static void t_no_fd_leaks(void)
{
	struct liblve *lve = new_instance();
	uint32_t cookie;
	int fds = count_fds();

	CHECK_ERR(lve_set_default(50, 100), 0);
	CHECK_ERR(lve_create(220), 0);
	CHECK_ERR(lve_setup(220, 60, 200), 0);
	CHECK_ERR(lve_enter(lve, 220, (uint32_t)-1, (uint32_t)-1, &cookie), 0);
	CHECK_INT(count_fds(), fds);
	CHECK_ERR(lve_leave(lve, &cookie), 0);
	CHECK_ERR(lve_destroy(220), 0);
	CHECK_INT(lve_is_available(), 1);
	CHECK_INT(count_fds(), fds);
	free_instance(lve);
}

static void t_kernel_refuses_mkdir(void)
{
	char tree[2048], file[2100];
	struct liblve *lve;
	uint32_t cookie;

	if (!V.h[V.cpu].v2)
		NOT_ON_THIS_LAYOUT("cgroup v1 has no cgroup.max.descendants, so no kernel "
				   "refusal of a mkdir can be arranged; the cgroup v2 lane "
				   "(tests/vm) runs this row");
	REQUIRE(lve_create(230) == 0);
	tree_dir(V.cpu, tree, sizeof(tree));
	snprintf(file, sizeof(file), "%s/cgroup.max.descendants", tree);
	REQUIRE(cg_write_file(file, "1") == 0);
	CHECK_ERR(lve_create(231), -ENOMEM);
	lve = new_instance();
	CHECK_ERR(lve_enter(lve, 231, (uint32_t)-1, (uint32_t)-1, &cookie), -ENOMEM);
	CHECK(!lve_exists_anywhere(231));
	REQUIRE(cg_write_file(file, "max") == 0);
	CHECK_ERR(lve_create(231), 0);
	free_instance(lve);
}

static void t_bad_parent_refused(void)
{
	static const char *bad[] = { "a/../b", "..", "./x", "a//b", "a/", "/", "a/./b", "x\ny" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv("LIBLVE_CGROUP_PARENT", bad[i], 1);
		CHECK_ERR(lve_create(240), -EINVAL);
		CHECK_ERR(lve_set_default(10, 10), -EINVAL);
		CHECK_INT(lve_is_available(), 0);
	}
	setenv("LIBLVE_CGROUP_PARENT", tree_rel, 1);
	CHECK(!tree_exists_anywhere());
}

static void *spin_thread(void *arg)
{
	(void)arg;
	pause();
	return NULL;
}

/* lve_enter moves the whole process: every thread lands in the LVE. */
static void t_threads_move_too(void)
{
	struct liblve *lve = new_instance();
	pthread_t th[4];
	uint32_t cookie;
	char task[64], path[1024], want[2048];

	for (int i = 0; i < 4; i++)
		REQUIRE(pthread_create(&th[i], NULL, spin_thread, NULL) == 0);
	CHECK_ERR(lve_enter(lve, 250, (uint32_t)-1, (uint32_t)-1, &cookie), 0);
	lve_cgpath(V.cpu, 250, want, sizeof(want));
	{
		DIR *d = opendir("/proc/self/task");
		struct dirent *e;
		int n = 0;

		REQUIRE(d);
		while ((e = readdir(d))) {
			char file[300], text[8192], *p;

			if (e->d_name[0] == '.')
				continue;
			snprintf(file, sizeof(file), "/proc/self/task/%s/cgroup", e->d_name);
			REQUIRE(cg_read_file(file, text, sizeof(text)) > 0);
			snprintf(task, sizeof(task), V.h[V.cpu].v2 ? "0::" : ":cpu:");
			p = strstr(text, task);
			REQUIRE(p);
			sscanf(p + strlen(task), "%1023s", path);
			CHECK_STR(path, want);
			n++;
		}
		closedir(d);
		CHECK_INT(n, 5);
	}
	CHECK_ERR(lve_leave(lve, &cookie), 0);
	_exit(test_failures_in_child ? TEST_FAIL : TEST_PASS); /* threads still parked */
}

/* A setuid-root creator still carries its user's gid; the LVE must not. */
static void t_lves_belong_to_root(void)
{
	char dir[2048], file[2100];
	struct stat st;

	REQUIRE(setresgid((gid_t)-1, 4242, (gid_t)-1) == 0); /* euid 0, egid 4242 */
	CHECK_ERR(lve_create(260), 0);
	for (int h = 0; h < V.n; h++) {
		lve_dir(h, 260, dir, sizeof(dir));
		snprintf(file, sizeof(file), "%s/cgroup.procs", dir);
		REQUIRE(stat(dir, &st) == 0);
		CHECK_INT(st.st_uid, 0);
		CHECK_INT(st.st_gid, 0);
		REQUIRE(stat(file, &st) == 0);
		CHECK_INT(st.st_gid, 0);
		tree_dir(h, dir, sizeof(dir));
		REQUIRE(stat(dir, &st) == 0);
		CHECK_INT(st.st_gid, 0);
	}
}

static const struct test_case tests[] = {
	{ "available", t_available },
	{ "bad ids are EINVAL everywhere", t_bad_ids },
	{ "limits out of range are EINVAL", t_limits_out_of_range },
	{ "not root is EPERM", t_not_root },
	{ "NULL cookie is EFAULT", t_null_cookie },
	{ "create, setup, enter, leave, destroy", t_lifecycle },
	{ "every thread moves", t_threads_move_too },
	{ "create is idempotent", t_create_idempotent },
	{ "enter creates with the defaults", t_enter_creates_with_defaults },
	{ "nested enter refused, nothing created", t_nested_enter_refused },
	{ "leave outside an LVE is ESRCH", t_leave_outside },
	{ "a forged cookie kills the caller", t_forged_cookie_kills },
	{ "destroy of a busy LVE is EBUSY", t_destroy_busy },
	{ "destroy/setup of a missing LVE is ENOENT", t_missing_lve },
	{ "defaults seen by another process", t_defaults_seen_by_other_process },
	{ "defaults belong to their tree", t_defaults_belong_to_tree },
	{ "200 processes race into a new LVE", t_race_into_new_lve },
	{ "cpu 20 holds a busy loop", t_cpu_limit_holds },
	{ "no fd leaks", t_no_fd_leaks },
	{ "kernel refusing mkdir is ENOMEM", t_kernel_refuses_mkdir },
	{ "bad parent path is EINVAL", t_bad_parent_refused },
	{ "LVEs are root's whatever the creator's gid", t_lves_belong_to_root },
};

static void cleanup(void)
{
	char dir[2048];

	for (int h = 0; h < V.n; h++) {
		tree_dir(h, dir, sizeof(dir));
		cg_remove_tree(dir);
		if (tree_rel[0] != '/') {
			char other[2100];

			snprintf(other, sizeof(other), "%s-other", dir);
			cg_remove_tree(other);
		}
	}
}

/* Can this process make cgroups beneath itself?  Sets skip_reason if not. */
static int can_run_here(void)
{
	char dir[2048];

	if (geteuid() != 0) {
		snprintf(skip_reason, sizeof(skip_reason), "needs root (euid %d)", (int)geteuid());
		return 0;
	}
	if (cg_view_load(&V) < 0) {
		snprintf(skip_reason, sizeof(skip_reason), "no cgroup hierarchy with cpu mounted");
		return 0;
	}
	if (V.h[V.cpu].v2 && tree_rel[0] != '/' && strcmp(V.h[V.cpu].self, "/") != 0) {
		/* v2 delegates controllers only below cgroups without processes of
		 * their own ("no internal processes"): a tree beneath ours needs our
		 * cgroup to hold nothing but us, in a delegated subtree */
		char procs[4096], file[1100], *p, *save = NULL;
		int others = 0;

		snprintf(file, sizeof(file), "%s%s/cgroup.procs", V.h[V.cpu].mount, V.h[V.cpu].self);
		if (cg_read_file(file, procs, sizeof(procs)) > 0)
			for (p = strtok_r(procs, "\n", &save); p; p = strtok_r(NULL, "\n", &save))
				others += atoi(p) != getpid();
		if (others) {
			snprintf(skip_reason, sizeof(skip_reason),
				 "cgroup v2: our cgroup %s holds %d other process(es), so the kernel "
				 "will not delegate controllers beneath it; run from a delegated "
				 "leaf (systemd Delegate=yes) or see the VM lane (tests/vm)",
				 V.h[V.cpu].self, others);
			return 0;
		}
	}
	tree_dir(V.cpu, dir, sizeof(dir));
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		snprintf(skip_reason, sizeof(skip_reason), "cannot make cgroups (%s: %s)", dir,
			 strerror(errno));
		return 0;
	}
	rmdir(dir);
	return 1;
}

static void skip_all(void)
{
	SKIP("%s", skip_reason);
}

int main(int argc, char **argv)
{
	const char *mode = getenv("LVE_TEST_PARENT");
	static struct test_case skipped[sizeof(tests) / sizeof(tests[0])];
	int r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (mode && strcmp(mode, "default") == 0) {
		const char *allow = getenv("LVE_TEST_ALLOW_DEFAULT_PARENT");

		if (!allow || strcmp(allow, "1") != 0) {
			fprintf(stderr, "real_test: LVE_TEST_PARENT=default would use the host's "
					"own LVE tree; only the v2 VM may (LVE_TEST_ALLOW_DEFAULT_PARENT=1)\n");
			return 2;
		}
		default_parent = 1;
		snprintf(tree_rel, sizeof(tree_rel), "%s", LIBLVE_DEFAULT_PARENT);
		unsetenv("LIBLVE_CGROUP_PARENT");
	} else {
		snprintf(tree_rel, sizeof(tree_rel), "lvetest-%d", (int)getpid());
		setenv("LIBLVE_CGROUP_PARENT", tree_rel, 1);
	}
	/* orphans of our tests come back to us, to be reaped in cleanup */
	prctl(PR_SET_CHILD_SUBREAPER, 1);

	if (!can_run_here()) {
		for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
			skipped[i] = (struct test_case){ tests[i].name, skip_all };
		return run_tests("liblve on the real hierarchy", skipped,
				 sizeof(skipped) / sizeof(skipped[0]), NULL, argc, argv);
	}
	test_note("hierarchies: %d, cpu in %s (%s), parent %s", V.n, V.h[V.cpu].name,
		  V.h[V.cpu].v2 ? "v2" : "v1", tree_rel);
	r = run_tests("liblve on the real hierarchy", tests, sizeof(tests) / sizeof(tests[0]),
		      cleanup, argc, argv);
	cleanup();
	return r;
}
