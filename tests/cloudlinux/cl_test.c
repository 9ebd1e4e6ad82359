/* SPDX-License-Identifier: MIT */
/*
 * cl_test.c - CloudLinux's application API (lve/lve-ctl.h) on the real
 * hierarchy, written from its semantics: every function, its errors, the
 * privilege model (init_lve as root, then enter and exit after dropping to
 * an unprivileged uid), the threads rule, and what code inside an LVE must
 * not be able to do.  Checked through the test's own view of cgroupfs.
 *
 * Built twice from this one source: linked against liblve.a, and (with
 * CL_VIA_DLOPEN) taking every function from dlopen("liblve.so.0") and dlsym
 * by name, as the programs written for CloudLinux do (CL_TEST_LIBLVE names
 * the file; default build/liblve.so.0).
 *
 * Every LVE tree lies beneath the test's own cgroup (LIBLVE_CGROUP_PARENT,
 * relative) and is removed after every test, pass or fail.  Needs root;
 * with LVE_TEST_REQUIRE_REAL=1 (make test) a test that cannot run fails.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "lve-ctl.h"
#include "lve/lve-ctl.h"
#include "../native/cgtree.h"
#include "../native/harness.h"

/* --- the functions, as a consumer finds them --------------------------------- */

static struct {
	struct liblve *(*init_lve)(liblve_alloc, liblve_free);
	int (*destroy_lve)(struct liblve *);
	int (*lve_enter_flags)(struct liblve *, uint32_t, uint32_t *, enum liblve_enter_flags);
	int (*lve_exit)(struct liblve *, uint32_t *);
	int (*lve_setup_enter)(struct liblve *, uint32_t, struct liblve_settings *, uint32_t *,
			       enum liblve_enter_flags);
	int (*lve_check_fault)(struct liblve *, uint32_t *);
	int (*is_in_lve)(struct liblve *);
	int (*lve_enter_fs)(struct liblve *);
	uint32_t (*lve_kapi_ver)(struct liblve *);
	uint32_t (*lve_get_api_version)(void);
	int (*jail)(struct passwd *, char *);
	int (*lve_jail)(struct passwd *, char *);
	int (*lve_jail_uid)(struct passwd *, unsigned int, char *);
	int (*lve_namespace_setup)(unsigned int);
	/* the original API, to see that the two kinds of instance stay apart */
	int (*lve_instance_init)(struct liblve *);
	int (*lve_enter)(struct liblve *, uint32_t, uint32_t, uint32_t, uint32_t *);
} A;

static const char *how;

static void load_api(void)
{
#ifdef CL_VIA_DLOPEN
	const char *path = getenv("CL_TEST_LIBLVE");
	void *h;

	if (!path)
		path = "build/liblve.so.0";
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		fprintf(stderr, "cl_test: dlopen %s: %s\n", path, dlerror());
		exit(2);
	}
#define GET(name)                                                                         \
	do {                                                                              \
		*(void **)&A.name = dlsym(h, #name);                                      \
		if (!A.name) {                                                            \
			fprintf(stderr, "cl_test: dlsym %s: %s\n", #name, dlerror());     \
			exit(2);                                                          \
		}                                                                         \
	} while (0)
	how = "dlopen(liblve.so.0) + dlsym";
#else
#define GET(name) A.name = name
	how = "liblve.a";
#endif
	GET(init_lve);
	GET(destroy_lve);
	GET(lve_enter_flags);
	GET(lve_exit);
	GET(lve_setup_enter);
	GET(lve_check_fault);
	GET(is_in_lve);
	GET(lve_enter_fs);
	GET(lve_kapi_ver);
	GET(lve_get_api_version);
	GET(jail);
	GET(lve_jail);
	GET(lve_jail_uid);
	GET(lve_namespace_setup);
	GET(lve_instance_init);
	GET(lve_enter);
#undef GET
}

/* --- where things are ----------------------------------------------------------- */

static struct cg_view V;
static char tree_rel[128];
static int any_v2;
static char skip_reason[256];

#define USER 65534   /* "www-data": any unprivileged uid */
#define OTHER 1002   /* another account's uid */

static void tree_dir(int h, char *out, size_t size)
{
	const char *self = strcmp(V.h[h].self, "/") == 0 ? "" : V.h[h].self;

	snprintf(out, size, "%s%s/%s", V.h[h].mount, self, tree_rel);
}

static void lve_dir(int h, uint32_t id, char *out, size_t size)
{
	char tree[2048];

	tree_dir(h, tree, sizeof(tree));
	snprintf(out, size, "%s/%u", tree, id);
}

static void lve_cgpath(int h, uint32_t id, char *out, size_t size)
{
	const char *self = strcmp(V.h[h].self, "/") == 0 ? "" : V.h[h].self;

	snprintf(out, size, "%s/%s/%u", self, tree_rel, id);
}

/* The cgroup of thread @tid of @pid (0: the process) in hierarchy @h. */
static int cg_of(pid_t pid, pid_t tid, int h, char *out, size_t size)
{
	char file[96], text[8192], *line, *save = NULL;

	if (tid)
		snprintf(file, sizeof(file), "/proc/%d/task/%d/cgroup", (int)pid, (int)tid);
	else
		snprintf(file, sizeof(file), "/proc/%d/cgroup", (int)pid);
	if (cg_read_file(file, text, sizeof(text)) < 0)
		return -1;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

		if (!c2)
			continue;
		*c1 = *c2 = '\0';
		if (V.h[h].v2 ? strcmp(line, "0") == 0 && c1[1] == '\0' : cg_has_word(c1 + 1, V.h[h].name)) {
			snprintf(out, size, "%s", c2 + 1);
			return 0;
		}
	}
	return -1;
}

/* In how many hierarchies is thread @tid of @pid (0: the process) in LVE
 * @id?  @say: note where it is instead. */
static int hierarchies_in(pid_t pid, pid_t tid, uint32_t id, int say)
{
	char want[2048], got[1024];
	int n = 0;

	for (int h = 0; h < V.n; h++) {
		lve_cgpath(h, id, want, sizeof(want));
		if (cg_of(pid, tid, h, got, sizeof(got)) == 0 && strcmp(got, want) == 0)
			n++;
		else if (say)
			test_note("%d/%d in %s: %s, want %s", (int)pid, (int)tid, V.h[h].name, got, want);
	}
	return n;
}

/* Inside LVE @id in every hierarchy. */
static int in_lve(pid_t pid, pid_t tid, uint32_t id)
{
	return hierarchies_in(pid, tid, id, 1) == V.n;
}

/* Outside LVE @id in every hierarchy. */
static int out_of_lve(pid_t pid, pid_t tid, uint32_t id)
{
	return hierarchies_in(pid, tid, id, 0) == 0;
}

/* Where thread @tid of @pid is in every hierarchy, as one string. */
static void where(pid_t pid, pid_t tid, char *out, size_t size)
{
	size_t off = 0;

	out[0] = '\0';
	for (int h = 0; h < V.n && off < size; h++) {
		char got[1024] = "?";

		cg_of(pid, tid, h, got, sizeof(got));
		off += (size_t)snprintf(out + off, size - off, "%s:%s ", V.h[h].name, got);
	}
}

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static int lve_exists(uint32_t id)
{
	char dir[2048];

	lve_dir(V.cpu, id, dir, sizeof(dir));
	return exists(dir);
}

static int tree_exists(void)
{
	char dir[2048];

	tree_dir(V.cpu, dir, sizeof(dir));
	return exists(dir);
}

/* A control file of LVE @id in the hierarchy carrying @ctrl (v1 name), as
 * a number; -1 when absent, -2 for "max". */
static long long knob(const char *ctrl, uint32_t id, const char *file)
{
	char dir[2048], path[2200], buf[256];

	for (int h = 0; h < V.n; h++) {
		if (!V.h[h].v2 && strcmp(V.h[h].name, ctrl) != 0)
			continue;
		lve_dir(h, id, dir, sizeof(dir));
		snprintf(path, sizeof(path), "%s/%s", dir, file);
		if (cg_read_file(path, buf, sizeof(buf)) < 0)
			continue;
		return strncmp(buf, "max", 3) == 0 ? -2 : atoll(buf);
	}
	return -1;
}

/* The record liblve keeps on LVE @id (trusted.*, root reads it). */
static int lve_xattr(uint32_t id, const char *name, char *out, size_t size)
{
	char dir[2048];
	ssize_t n;

	lve_dir(V.cpu, id, dir, sizeof(dir));
	n = getxattr(dir, name, out, size - 1);
	if (n < 0)
		return -errno;
	out[n] = '\0';
	return 0;
}

/* The value of "name=" in a record, or -1. */
static long long record_value(const char *record, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = record; p && *p;) {
		if (strncmp(p, name, n) == 0 && p[n] == '=')
			return atoll(p + n + 1);
		p = strchr(p, ' ');
		p = p ? p + 1 : NULL;
	}
	return -1;
}

static void drop_to(uid_t uid)
{
	REQUIRE(setgroups(0, NULL) == 0);
	REQUIRE(setresgid(uid, uid, uid) == 0);
	REQUIRE(setresuid(uid, uid, uid) == 0);
}

static int reap(pid_t pid)
{
	int status = 0;

	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

/* Run @fn in a child (dropped to @uid unless it is 0) and return its wait
 * status.  The child's CHECK failures make it exit 1. */
static int in_child(uid_t uid, void (*fn)(void *), void *arg)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		test_failures_in_child = 0;
		if (uid)
			drop_to(uid);
		fn(arg);
		fflush(NULL);
		_exit(test_failures_in_child ? 1 : 0);
	}
	return reap(pid);
}

#define CHECK_EXITED_0(status)                                                           \
	do {                                                                             \
		int s_ = (status);                                                       \
		if (!WIFEXITED(s_) || WEXITSTATUS(s_) != 0) {                            \
			test_note("%s:%d: child %s %d", __FILE__, __LINE__,              \
				  WIFSIGNALED(s_) ? "killed by signal" : "exited",       \
				  WIFSIGNALED(s_) ? WTERMSIG(s_) : WEXITSTATUS(s_));     \
			test_failures_in_child++;                                        \
		}                                                                        \
	} while (0)

#define CHECK_KILLED(status)                                                             \
	do {                                                                             \
		int s_ = (status);                                                       \
		if (!WIFSIGNALED(s_) || WTERMSIG(s_) != SIGKILL) {                       \
			test_note("%s:%d: child was not killed (status %#x)", __FILE__,  \
				  __LINE__, s_);                                         \
			test_failures_in_child++;                                        \
		}                                                                        \
	} while (0)

static struct liblve *new_lve(void)
{
	struct liblve *lve = A.init_lve(malloc, free);

	if (!lve)
		test_note("init_lve: %s", strerror(errno));
	REQUIRE(lve);
	return lve;
}

/* The broker of an instance: liblve's layout (cl.h), white-box. */
static pid_t broker_of(struct liblve *lve)
{
	int32_t v;

	memcpy(&v, (char *)lve + 16, sizeof(v));
	return (pid_t)v;
}

static int channel_of(struct liblve *lve)
{
	int32_t v;

	memcpy(&v, (char *)lve + 12, sizeof(v));
	return (int)v;
}

/* Wait (up to @ms) until process @pid has ended (gone, or a zombie its
 * new parent has not reaped yet). */
static int gone_within(pid_t pid, int ms)
{
	for (int i = 0; i < ms / 10; i++) {
		char path[64], stat[512] = "";
		const char *p;

		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
		if (cg_read_file(path, stat, sizeof(stat)) < 0)
			return 1;
		p = strrchr(stat, ')');
		if (p && (p[2] == 'Z' || p[2] == 'X'))
			return 1;
		usleep(10000);
	}
	return 0;
}

/* --- versions, constants, CageFS ------------------------------------------------ */

static void t_versions(void)
{
	struct liblve *lve = new_lve();
	char err[64];

	CHECK_INT(A.lve_get_api_version(), (1u << 16) | 3u);
	CHECK_INT(A.lve_get_api_version(), (uint32_t)LIBLVE_API_MAJOR << 16 | LIBLVE_API_MINOR);
	CHECK_INT(A.lve_kapi_ver(lve), (1u << 16) | 3u);
	CHECK_INT(SIZEOF_LIBLVE, 2 * sizeof(void *) + sizeof(int));
	CHECK_INT(LIBLVE_SETTINGS_LS_CPU_HIRES, INT32_MIN);
	CHECK_INT(LVE_NO_MAXENTER, 4);
	CHECK_INT(LVE_FAIL_MEM_PHY, 2);
	CHECK_INT(LVE_FAIL_NPROC, 4);
	CHECK_INT(sizeof(struct liblve_settings), 9 * sizeof(int32_t));
	/* CageFS: "disabled", and the error buffer is left alone */
	memset(err, 'x', sizeof(err));
	CHECK_INT(A.jail(NULL, err), 0);
	CHECK_INT(A.lve_jail(NULL, err), 0);
	CHECK_INT(A.lve_jail_uid(NULL, 500, err), 0);
	CHECK_INT(A.lve_namespace_setup(1001), 0);
	for (size_t i = 0; i < sizeof(err); i++)
		CHECK(err[i] == 'x');
	CHECK_INT(A.destroy_lve(lve), 0);
}

/* --- init_lve and destroy_lve ----------------------------------------------------- */

static int allocs, frees;
static void *counting_alloc(size_t size)
{
	allocs++;
	return malloc(size);
}
static void counting_free(void *p)
{
	frees++;
	free(p);
}
static void *failing_alloc(size_t size)
{
	(void)size;
	return NULL;
}
/* An Apache pool: memory that is never freed one piece at a time. */
static char pool[4096];
static size_t pool_used;
static void *pool_alloc(size_t size)
{
	void *p = pool + pool_used;

	pool_used += (size + 15) & ~(size_t)15;
	return p;
}

static void t_init_destroy(void)
{
	struct liblve *lve;
	char seed_mem[8192];

	errno = 0;
	CHECK(A.init_lve(NULL, free) == NULL);
	CHECK_INT(errno, EINVAL);
	errno = 0;
	CHECK(A.init_lve(failing_alloc, free) == NULL);
	CHECK_INT(errno, ENOMEM);

	/* through @free, once, only when it is given */
	lve = A.init_lve(counting_alloc, counting_free);
	REQUIRE(lve);
	CHECK_INT(allocs, 1);
	CHECK_INT(A.destroy_lve(lve), 0);
	CHECK_INT(frees, 1);
	lve = A.init_lve(pool_alloc, NULL);
	REQUIRE(lve);
	CHECK((char *)lve >= pool && (char *)lve < pool + sizeof(pool));
	CHECK_INT(A.destroy_lve(lve), 0);
	CHECK_INT(frees, 1);

	/* not an instance */
	CHECK_ERR(A.destroy_lve(NULL), -EINVAL);
	memset(seed_mem, 0, sizeof(seed_mem));
	CHECK_ERR(A.destroy_lve((struct liblve *)(void *)seed_mem), -EINVAL);
	/* the original API's instance and this one's are told apart */
	REQUIRE(A.lve_instance_init(NULL) <= (int)sizeof(seed_mem));
	REQUIRE(A.lve_instance_init((struct liblve *)(void *)seed_mem) == 0);
	CHECK_ERR(A.destroy_lve((struct liblve *)(void *)seed_mem), -EINVAL);
	CHECK_ERR(A.is_in_lve((struct liblve *)(void *)seed_mem), -EINVAL);
	lve = new_lve();
	{
		uint32_t cookie;

		CHECK_ERR(A.lve_enter(lve, 1001, (uint32_t)-1, (uint32_t)-1, &cookie), -EINVAL);
	}
	CHECK_INT(A.destroy_lve(lve), 0);
	CHECK(!tree_exists());
}

/* The caller of init_lve() has no child to reap afterwards, and the broker
 * keeps nothing of the caller's, ends when the last holder lets go, and
 * leaves no process behind. */
static void t_broker_life(void)
{
	char marker[64], path[96], target[256];
	struct liblve *lve;
	pid_t broker;
	int fd, n = 0, theirs = 0;
	DIR *d;
	struct dirent *e;

	snprintf(marker, sizeof(marker), "/tmp/cl-test-marker-%d", (int)getpid());
	fd = open(marker, O_CREAT | O_RDWR, 0600); /* inheritable, like a server's logs */
	REQUIRE(fd >= 0);
	lve = new_lve();
	broker = broker_of(lve);
	CHECK(broker > 0 && broker != getpid());
	errno = 0;
	CHECK(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD);
	/* what it holds is its own: /dev/null, its epoll and sockets, the
	 * hierarchies (descriptors being handed over at start may linger) */
	usleep(100000);
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)broker);
	d = opendir(path);
	REQUIRE(d);
	while ((e = readdir(d))) {
		char link[128];
		ssize_t len;
		int own = 0;

		if (e->d_name[0] == '.')
			continue;
		n++;
		snprintf(link, sizeof(link), "%s/%s", path, e->d_name);
		len = readlink(link, target, sizeof(target) - 1);
		if (len <= 0)
			continue;
		target[len] = '\0';
		if (strcmp(target, marker) == 0)
			theirs++;
		own = strcmp(target, "/dev/null") == 0 || strncmp(target, "socket:", 7) == 0 ||
		      strcmp(target, "anon_inode:[eventpoll]") == 0;
		for (int h = 0; h < V.n && !own; h++)
			own = strcmp(target, V.h[h].mount) == 0;
		if (!own) {
			test_note("the broker holds %s", target);
			theirs++;
		}
	}
	closedir(d);
	CHECK_INT(theirs, 0);
	test_note("broker %d holds %d descriptors", (int)broker, n);
	{
		char stat[512];
		const char *p;
		int sid = 0;

		snprintf(path, sizeof(path), "/proc/%d/stat", (int)broker);
		REQUIRE(cg_read_file(path, stat, sizeof(stat)) > 0);
		p = strrchr(stat, ')');
		REQUIRE(p && sscanf(p + 2, "%*c %*d %*d %d", &sid) == 1);
		CHECK_INT(sid, broker); /* its own session */
	}
	close(fd);
	unlink(marker);
	CHECK_INT(A.destroy_lve(lve), 0);
	CHECK(gone_within(broker, 5000));

	/* a caller that ignores SIGCHLD (its children reaped by the kernel) */
	signal(SIGCHLD, SIG_IGN);
	lve = new_lve();
	broker = broker_of(lve);
	CHECK(broker > 0);
	CHECK_INT(A.destroy_lve(lve), 0);
	CHECK(gone_within(broker, 5000));
	signal(SIGCHLD, SIG_DFL);
}

/* --- enter and exit as root ------------------------------------------------------- */

static const uint32_t bad_ids[] = { 0, 0x80000000u, 0xffffffffu };

static void t_enter_errors(void)
{
	struct liblve *lve = new_lve();
	struct liblve_settings set = { -1, -1, -1, -1, -1, -1, -1, -1, -1 };
	uint32_t cookie = 0;

	for (size_t i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++) {
		CHECK_ERR(A.lve_enter_flags(lve, bad_ids[i], &cookie, 0), -EINVAL);
		CHECK_ERR(A.lve_setup_enter(lve, bad_ids[i], &set, &cookie, 0), -EINVAL);
	}
	CHECK_ERR(A.lve_enter_flags(lve, 1001, NULL, 0), -EFAULT);
	CHECK_ERR(A.lve_setup_enter(lve, 1001, NULL, &cookie, 0), -EFAULT);
	CHECK_ERR(A.lve_setup_enter(lve, 1001, &set, NULL, 0), -EFAULT);
	CHECK_ERR(A.lve_enter_flags(NULL, 1001, &cookie, 0), -EINVAL);
	CHECK_ERR(A.lve_exit(NULL, &cookie), -EINVAL); /* a real consumer does this */
	CHECK_ERR(A.lve_exit(lve, NULL), -EFAULT);
	CHECK_ERR(A.lve_check_fault(NULL, &cookie), -EINVAL);
	CHECK_ERR(A.lve_check_fault(lve, NULL), -EFAULT);
	CHECK_ERR(A.is_in_lve(NULL), -EINVAL);
	CHECK_ERR(A.lve_enter_fs(NULL), -EINVAL);
	CHECK(!tree_exists()); /* nothing was made */
	CHECK_INT(A.destroy_lve(lve), 0);
}

/* Enter, check, exit, check, for the calling thread; @lve as the caller has it. */
static void cycle(struct liblve *lve, uint32_t id)
{
	char before[4096], after[4096];
	uint32_t cookie = 0, other;

	where(getpid(), gettid_(), before, sizeof(before));
	CHECK_ERR(A.is_in_lve(lve), 0);
	CHECK_ERR(A.lve_enter_fs(lve), -EINVAL);
	CHECK_ERR(A.lve_exit(lve, &cookie), -ESRCH);
	CHECK_ERR(A.lve_enter_flags(lve, id, &cookie, 0), 0);
	CHECK(cookie != 0);
	CHECK(in_lve(getpid(), gettid_(), id));
	CHECK_ERR(A.is_in_lve(lve), 1);
	CHECK_ERR(A.lve_enter_fs(lve), 0);
	/* nested: refused, and nothing made */
	CHECK_ERR(A.lve_enter_flags(lve, id + 1, &other, 0), -EPERM);
	CHECK_ERR(A.lve_enter_flags(lve, id, &other, LVE_NO_MAXENTER), -EPERM);
	CHECK(!lve_exists(id + 1));
	CHECK_ERR(A.lve_exit(lve, &cookie), 0);
	where(getpid(), gettid_(), after, sizeof(after));
	CHECK_STR(after, before); /* exactly where it was, every hierarchy */
	CHECK_ERR(A.is_in_lve(lve), 0);
	CHECK_ERR(A.lve_exit(lve, &cookie), -ESRCH);
}

static void t_root_cycle(void)
{
	struct liblve *lve = new_lve();

	cycle(lve, 1001);
	CHECK(lve_exists(1001)); /* made with the defaults, kept */
	CHECK_INT(knob("cpu", 1001, "cpu.cfs_quota_us") != -1 || knob("cpu", 1001, "cpu.max") != -1, 1);
	cycle(lve, 1001);
	CHECK_INT(A.destroy_lve(lve), 0);
}

/* As the kernel module does for an LVE admin: root is not asked for the
 * cookie; but a root task inside that did not enter (a child of the
 * entrant) is killed. */
static void child_exits_for_parent(void *arg)
{
	struct liblve *lve = arg;
	uint32_t cookie = 12345;

	A.lve_exit(lve, &cookie);
	test_note("still alive after exiting for its parent");
	test_failures_in_child++;
}

/* Root inside an LVE makes an instance (Passenger's spawn-env-setupper
 * does, as root, in the LVE it spawns into), but no broker is born there:
 * its children, after dropping privileges, may not enter. */
static void below_inside(void *arg)
{
	uint32_t cookie = 0;

	CHECK_ERR(A.lve_enter_flags(arg, 1002, &cookie, 0), -EPERM);
	CHECK_ERR(A.lve_exit(arg, &cookie), -EPERM);
	CHECK_ERR(A.is_in_lve(arg), 1);
}

static void init_inside(void *arg)
{
	struct liblve *inner;
	uint32_t cookie, other;

	REQUIRE(A.lve_enter_flags(arg, 1001, &cookie, 0) == 0);
	inner = A.init_lve(malloc, free);
	REQUIRE(inner);
	CHECK_INT(broker_of(inner), 0);
	CHECK_INT(channel_of(inner), -1);
	CHECK_ERR(A.is_in_lve(inner), 1);
	CHECK_ERR(A.lve_enter_flags(inner, 1002, &other, 0), -EPERM); /* nested */
	CHECK_EXITED_0(in_child(USER, below_inside, inner));
	CHECK_ERR(A.lve_exit(inner, &cookie), 0); /* root: either instance */
	CHECK_INT(A.destroy_lve(inner), 0);
}

static void t_root_cookie(void)
{
	struct liblve *lve = new_lve();
	char before[4096], after[4096];
	uint32_t cookie = 0, wrong;

	where(getpid(), gettid_(), before, sizeof(before));
	REQUIRE(A.lve_enter_flags(lve, 1001, &cookie, 0) == 0);
	CHECK_KILLED(in_child(0, child_exits_for_parent, lve));
	CHECK(in_lve(getpid(), gettid_(), 1001));
	wrong = cookie + 1;
	CHECK_ERR(A.lve_exit(lve, &wrong), 0);
	where(getpid(), gettid_(), after, sizeof(after));
	CHECK_STR(after, before);
	CHECK_EXITED_0(in_child(0, init_inside, lve));
	CHECK_INT(A.destroy_lve(lve), 0);
}

/* --- the privilege model ----------------------------------------------------------- */

static void user_cycle(void *arg)
{
	cycle(arg, 1001);
}

/* init_lve as root, then fork, drop to an unprivileged uid, enter, exit:
 * a web server's children, 200 times. */
static void t_root_then_drop(void)
{
	struct liblve *lve = new_lve();
	int bad = 0;

	for (int i = 0; i < 200; i++) {
		pid_t pid;
		int status;

		fflush(NULL);
		pid = fork();
		REQUIRE(pid >= 0);
		if (pid == 0) {
			uint32_t cookie = 0;
			int ok;

			drop_to(USER);
			ok = A.lve_enter_flags(lve, 1001, &cookie, 0) == 0 && cookie != 0 &&
			     in_lve(getpid(), 0, 1001) && A.is_in_lve(lve) == 1 &&
			     A.lve_exit(lve, &cookie) == 0 && out_of_lve(getpid(), 0, 1001) &&
			     A.is_in_lve(lve) == 0;
			_exit(ok ? 0 : 1);
		}
		status = reap(pid);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			bad++;
	}
	CHECK_INT(bad, 0);
	/* and the full set of checks, once, as that user */
	CHECK_EXITED_0(in_child(USER, user_cycle, lve));
	CHECK_INT(A.destroy_lve(lve), 0);
}

/* The 20-byte copy CloudLinux's own header makes for old callers: all the
 * instance needs is in SIZEOF_LIBLVE bytes, so the copy works once the
 * original is freed, as root and after dropping privileges. */
static void t_copy(void)
{
	struct liblve *made = A.init_lve(malloc, NULL), *copy;

	REQUIRE(made);
	copy = calloc(1, 64);
	REQUIRE(copy);
	memcpy(copy, made, SIZEOF_LIBLVE);
	memset(made, 0xa5, SIZEOF_LIBLVE + 4);
	free(made);
	cycle(copy, 1001);
	CHECK_EXITED_0(in_child(USER, user_cycle, copy));
	CHECK_INT(A.destroy_lve(copy), 0);
	free(copy);
}

/* A process that never had an instance from root may not enter. */
static void no_instance(void *arg)
{
	struct liblve *lve;
	uint32_t cookie = 0, mask;

	(void)arg;
	lve = A.init_lve(malloc, free);
	CHECK(lve != NULL);
	if (!lve)
		return;
	CHECK_ERR(A.lve_enter_flags(lve, 1001, &cookie, 0), -EPERM);
	CHECK_ERR(A.lve_enter_flags(lve, OTHER, &cookie, LVE_NO_MAXENTER), -EPERM);
	CHECK_ERR(A.lve_exit(lve, &cookie), -EPERM);
	CHECK_ERR(A.lve_check_fault(lve, &mask), -EPERM);
	CHECK_ERR(A.is_in_lve(lve), 0);
	CHECK_INT(A.destroy_lve(lve), 0);
}

static void t_no_instance_refused(void)
{
	CHECK_EXITED_0(in_child(USER, no_instance, NULL));
	CHECK(!lve_exists(1001) && !lve_exists(OTHER));
}

/* Entered as root, privileges dropped since: it cannot be moved back by
 * anything it may ask, and it did enter, so it is refused, not killed. */
static void t_drop_after_enter(void)
{
	struct liblve *lve = new_lve();
	pid_t pid;

	fflush(NULL);
	pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		uint32_t cookie = 0;

		test_failures_in_child = 0;
		REQUIRE(A.lve_enter_flags(lve, 1001, &cookie, 0) == 0);
		drop_to(USER);
		CHECK_ERR(A.lve_exit(lve, &cookie), -EPERM);
		CHECK(in_lve(getpid(), 0, 1001));
		_exit(test_failures_in_child ? 1 : 0);
	}
	CHECK_EXITED_0(reap(pid));
	CHECK_INT(A.destroy_lve(lve), 0);
}

/* A wrong cookie from an unprivileged caller inside: SIGKILL, as the
 * kernel module does. */
static void wrong_cookie(void *arg)
{
	struct liblve *lve = arg;
	uint32_t cookie = 0, wrong;

	REQUIRE(A.lve_enter_flags(lve, 1001, &cookie, 0) == 0);
	wrong = cookie ^ 0x5a5a5a5au;
	A.lve_exit(lve, &wrong);
	test_note("alive after a wrong cookie");
	test_failures_in_child++;
}

/* A wrong cookie from outside any LVE is only -ESRCH. */
static void wrong_cookie_outside(void *arg)
{
	uint32_t cookie = 777;

	CHECK_ERR(A.lve_exit(arg, &cookie), -ESRCH);
}

static void t_wrong_cookie_kills(void)
{
	struct liblve *lve = new_lve();

	CHECK_KILLED(in_child(USER, wrong_cookie, lve));
	CHECK_EXITED_0(in_child(USER, wrong_cookie_outside, lve));
	CHECK_INT(A.destroy_lve(lve), 0);
}

/* The child of an entrant, with the entrant's own cookie, cannot leave for
 * it: it is killed, and the entrant stays inside until it leaves itself. */
static void entrant_with_child(void *arg)
{
	struct liblve *lve = arg;
	uint32_t cookie = 0;
	pid_t child;
	int status;

	REQUIRE(A.lve_enter_flags(lve, 1001, &cookie, 0) == 0);
	fflush(NULL);
	child = fork();
	REQUIRE(child >= 0);
	if (child == 0) {
		A.lve_exit(lve, &cookie); /* the right cookie, the wrong task */
		_exit(0);
	}
	status = reap(child);
	CHECK_KILLED(status);
	CHECK(in_lve(getpid(), 0, 1001));
	CHECK_ERR(A.lve_exit(lve, &cookie), 0);
	CHECK(out_of_lve(getpid(), 0, 1001));
}

static void t_child_cannot_exit_for_parent(void)
{
	struct liblve *lve = new_lve();

	CHECK_EXITED_0(in_child(USER, entrant_with_child, lve));
	CHECK_INT(A.destroy_lve(lve), 0);
}

/* --- entries and their limit (ep) ---------------------------------------------------- */

static struct liblve_settings unset(void)
{
	struct liblve_settings set = { -1, -1, -1, -1, -1, -1, -1, -1, -1 };

	return set;
}

/* A process that enters LVE @id as @uid, forks @kids children that wait
 * inside with it, and waits for SIGUSR1 to leave (a signal, not a pipe:
 * later holders inherit the test's descriptors); reports its enter's result
 * on @report. */
struct holder {
	pid_t pid;
	int report;
};

static struct holder hold_entry(struct liblve *lve, uint32_t id, uid_t uid, unsigned flags, int kids)
{
	struct holder h;
	sigset_t usr1, old;
	int rep[2];

	REQUIRE(pipe(rep) == 0);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &old);
	fflush(NULL);
	h.pid = fork();
	REQUIRE(h.pid >= 0);
	if (h.pid == 0) {
		pid_t kid[8];
		uint32_t cookie = 0;
		int r, n = 0, sig;

		close(rep[0]);
		if (uid)
			drop_to(uid);
		r = A.lve_enter_flags(lve, id, &cookie, (enum liblve_enter_flags)flags);
		for (; r == 0 && n < kids && n < 8; n++) {
			kid[n] = fork();
			if (kid[n] == 0) {
				pause();
				_exit(0);
			}
		}
		if (write(rep[1], &r, sizeof(r)) != sizeof(r))
			_exit(3);
		if (r < 0)
			_exit(0);
		sigwait(&usr1, &sig);
		while (n-- > 0) {
			kill(kid[n], SIGKILL);
			reap(kid[n]);
		}
		_exit(A.lve_exit(lve, &cookie) == 0 ? 0 : 5);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(rep[1]);
	h.report = rep[0];
	return h;
}

static int holder_result(struct holder *h)
{
	int r = 1;

	REQUIRE(read(h->report, &r, sizeof(r)) == sizeof(r));
	return r;
}

static int release(struct holder *h)
{
	close(h->report);
	kill(h->pid, SIGUSR1);
	return reap(h->pid);
}

static void t_entry_limit(void)
{
	struct liblve *lve = new_lve();
	struct liblve_settings set = unset();
	struct holder r, a, b, c, d, e;
	uint32_t cookie;
	char rec[512];

	set.ls_enters = 2;
	CHECK_ERR(A.lve_setup_enter(lve, 1001, &set, &cookie, 0), 0);
	CHECK_ERR(A.lve_exit(lve, &cookie), 0);
	REQUIRE(lve_xattr(1001, "trusted.liblve.limits", rec, sizeof(rec)) == 0);
	CHECK_INT(record_value(rec, "ep"), 2);
	/* root enters, with three children inside: one entry, not four */
	r = hold_entry(lve, 1001, 0, 0, 3);
	CHECK_INT(holder_result(&r), 0);
	a = hold_entry(lve, 1001, USER, 0, 0);
	CHECK_INT(holder_result(&a), 0);
	/* two entries alive: the next is over the limit */
	b = hold_entry(lve, 1001, USER, 0, 0);
	CHECK_INT(holder_result(&b), -E2BIG);
	CHECK_EXITED_0(release(&b));
	b = hold_entry(lve, 1001, 0, 0, 0);
	CHECK_INT(holder_result(&b), -E2BIG);
	CHECK_EXITED_0(release(&b));
	/* unless it asks to pass it */
	c = hold_entry(lve, 1001, USER, LVE_NO_MAXENTER, 0);
	CHECK_INT(holder_result(&c), 0);
	/* an entry ends when its task leaves ... */
	CHECK_EXITED_0(release(&r));
	d = hold_entry(lve, 1001, USER, 0, 0);
	CHECK_INT(holder_result(&d), 0);
	e = hold_entry(lve, 1001, USER, 0, 0);
	CHECK_INT(holder_result(&e), -E2BIG);
	CHECK_EXITED_0(release(&e));
	/* ... or is killed */
	kill(d.pid, SIGKILL);
	CHECK_KILLED(release(&d));
	e = hold_entry(lve, 1001, USER, 0, 0);
	CHECK_INT(holder_result(&e), 0);
	CHECK_EXITED_0(release(&e));
	CHECK_EXITED_0(release(&a));
	CHECK_EXITED_0(release(&c));
	CHECK_INT(A.destroy_lve(lve), 0);
}

/* --- lve_setup_enter: CloudLinux's units onto liblve's limits ------------------------ */

static void setup_as_user(void *arg)
{
	struct liblve *lve = arg;
	struct liblve_settings set = unset();
	uint32_t cookie = 0, other;

	set.ls_nproc = 77;
	CHECK_ERR(A.lve_setup_enter(lve, 1003, &set, &cookie, 0), 0);
	CHECK(in_lve(getpid(), 0, 1003));
	/* inside, a caller may not change limits: refused, nothing changed */
	set.ls_nproc = 99;
	CHECK_ERR(A.lve_setup_enter(lve, 1003, &set, &other, 0), -EPERM);
	CHECK_ERR(A.lve_setup_enter(lve, 1004, &set, &other, 0), -EPERM);
	CHECK_ERR(A.lve_exit(lve, &cookie), 0);
}

static void t_setup_enter(void)
{
	struct liblve *lve = new_lve();
	struct liblve_settings set = unset();
	uint32_t cookie = 0;
	char rec[512];
	long long period = knob("cpu", 1001, "cpu.cfs_period_us");

	(void)period;
	/* % of ls_cpus cores: 50% of 2 cores is one core */
	set.ls_cpu = 50;
	set.ls_cpus = 2;
	set.ls_memory_phy = 25600;   /* pages: 100 MiB */
	set.ls_nproc = 40;
	set.ls_io = 2048;            /* KB/s: 2 MiB/s */
	set.ls_iops = 300;
	set.ls_enters = 7;
	set.ls_memory = 51200;       /* VMEM, pages: 200 MiB, recorded only */
	set.ls_cpu_weight = 50;
	CHECK_ERR(A.lve_setup_enter(lve, 1001, &set, &cookie, 0), 0);
	CHECK(in_lve(getpid(), gettid_(), 1001));
	CHECK_ERR(A.lve_exit(lve, &cookie), 0);
	REQUIRE(lve_xattr(1001, "trusted.liblve.limits", rec, sizeof(rec)) == 0);
	test_note("record: %s", rec);
	CHECK_INT(record_value(rec, "speed"), 100);
	CHECK_INT(record_value(rec, "pmem"), 100ll << 20);
	CHECK_INT(record_value(rec, "nproc"), 40);
	CHECK_INT(record_value(rec, "io"), 2ll << 20);
	CHECK_INT(record_value(rec, "iops"), 300);
	CHECK_INT(record_value(rec, "ep"), 7);
	REQUIRE(lve_xattr(1001, "trusted.liblve.vmem", rec, sizeof(rec)) == 0);
	CHECK_STR(rec, "vmem=209715200 enforced=0");
	/* and the kernel's own knobs */
	if (V.h[V.cpu].v2) {
		char dir[2048], path[2200], buf[64];

		lve_dir(V.cpu, 1001, dir, sizeof(dir));
		snprintf(path, sizeof(path), "%s/cpu.max", dir);
		REQUIRE(cg_read_file(path, buf, sizeof(buf)) > 0);
		CHECK_STR(buf, "100000 100000\n");
		CHECK_INT(knob("memory", 1001, "memory.max"), 100ll << 20);
	} else {
		CHECK_INT(knob("cpu", 1001, "cpu.cfs_quota_us"), 100000);
		CHECK_INT(knob("memory", 1001, "memory.limit_in_bytes"), 100ll << 20);
	}
	CHECK_INT(knob("pids", 1001, "pids.max"), 40);

	/* HIRES: 10000 is one core; -1 leaves the rest as they are */
	set = unset();
	set.ls_cpu = LIBLVE_SETTINGS_LS_CPU_HIRES | 2500;
	CHECK_ERR(A.lve_setup_enter(lve, 1001, &set, &cookie, 0), 0);
	CHECK_ERR(A.lve_exit(lve, &cookie), 0);
	REQUIRE(lve_xattr(1001, "trusted.liblve.limits", rec, sizeof(rec)) == 0);
	CHECK_INT(record_value(rec, "speed"), 25);
	CHECK_INT(record_value(rec, "nproc"), 40);
	CHECK_INT(record_value(rec, "ep"), 7);
	if (!V.h[V.cpu].v2)
		CHECK_INT(knob("cpu", 1001, "cpu.cfs_quota_us"), 25000);
	/* 0 is no limit; ls_cpus below one counts as one core */
	set = unset();
	set.ls_nproc = 0;
	set.ls_cpu = 30;
	set.ls_cpus = 0;
	CHECK_ERR(A.lve_setup_enter(lve, 1001, &set, &cookie, 0), 0);
	CHECK_ERR(A.lve_exit(lve, &cookie), 0);
	REQUIRE(lve_xattr(1001, "trusted.liblve.limits", rec, sizeof(rec)) == 0);
	CHECK_INT(record_value(rec, "nproc"), 0);
	CHECK_INT(record_value(rec, "speed"), 30);
	CHECK_INT(knob("pids", 1001, "pids.max"), -2);

	/* what CloudLinux refuses: nothing changes, nothing is entered */
	set = unset();
	set.ls_nproc = -2;
	CHECK_ERR(A.lve_setup_enter(lve, 1002, &set, &cookie, 0), -ERANGE);
	set = unset();
	set.ls_cpu_weight = 101;
	CHECK_ERR(A.lve_setup_enter(lve, 1002, &set, &cookie, 0), -ERANGE);
	CHECK(!lve_exists(1002));
	CHECK_ERR(A.is_in_lve(lve), 0);

	/* a user who inherited root's instance may set limits from outside */
	CHECK_EXITED_0(in_child(USER, setup_as_user, lve));
	CHECK_INT(knob("pids", 1003, "pids.max"), 77);
	CHECK(!lve_exists(1004));
	CHECK_INT(A.destroy_lve(lve), 0);
}

/* --- lve_check_fault ------------------------------------------------------------------- */

static void faults(void *arg)
{
	struct liblve *lve = arg;
	struct liblve_settings set = unset();
	uint32_t cookie = 0, mask = 123;
	pid_t kids[10];
	int forked = 0;

	CHECK_ERR(A.lve_check_fault(lve, &mask), -ESRCH);
	set.ls_nproc = 3;
	REQUIRE(A.lve_setup_enter(lve, 1005, &set, &cookie, 0) == 0);
	CHECK_ERR(A.lve_check_fault(lve, &mask), 0);
	CHECK_INT(mask, 0);
	/* forks until the process limit refuses one */
	fflush(NULL);
	for (int i = 0; i < 10; i++) {
		pid_t p = fork();

		if (p == 0) {
			pause();
			_exit(0);
		}
		if (p < 0)
			break;
		kids[forked++] = p;
	}
	CHECK(forked < 10);
	CHECK_ERR(A.lve_check_fault(lve, &mask), 0);
	CHECK(mask & LVE_FAIL_NPROC);
	CHECK(!(mask & LVE_FAIL_MEM));
	/* asking clears them */
	CHECK_ERR(A.lve_check_fault(lve, &mask), 0);
	CHECK_INT(mask, 0);
	for (int i = 0; i < forked; i++) {
		kill(kids[i], SIGKILL);
		reap(kids[i]);
	}
	CHECK_ERR(A.lve_exit(lve, &cookie), 0);
}

/* Memory: a child inside allocates beyond the LVE's physical memory. */
static void memory_fault(void *arg)
{
	struct liblve *lve = arg;
	struct liblve_settings set = unset();
	uint32_t cookie = 0, mask = 123;
	pid_t hog;

	set.ls_memory_phy = 2048; /* 8 MiB */
	REQUIRE(A.lve_setup_enter(lve, 1006, &set, &cookie, 0) == 0);
	CHECK_ERR(A.lve_check_fault(lve, &mask), 0);
	CHECK_INT(mask, 0);
	fflush(NULL);
	hog = fork();
	REQUIRE(hog >= 0);
	if (hog == 0) {
		for (int i = 0; i < 64; i++) {
			char *p = malloc(1 << 20);

			if (p)
				memset(p, i + 1, 1 << 20);
		}
		_exit(0);
	}
	reap(hog);
	/* a child shares its entrant's faults: it sees them, and so does the
	 * entrant, which the hog's fault was charged to */
	fflush(NULL);
	hog = fork();
	REQUIRE(hog >= 0);
	if (hog == 0) {
		uint32_t m = 0;

		_exit(A.lve_check_fault(lve, &m) == 0 && (m & LVE_FAIL_MEM_PHY) ? 0 : 1);
	}
	CHECK_EXITED_0(reap(hog));
	CHECK_ERR(A.lve_check_fault(lve, &mask), 0);
	CHECK_ERR(A.lve_check_fault(lve, &mask), 0);
	CHECK_INT(mask, 0);
	CHECK_ERR(A.lve_exit(lve, &cookie), 0);
	CHECK_ERR(A.lve_check_fault(lve, &mask), -ESRCH);
}

static void t_check_fault(void)
{
	struct liblve *lve = new_lve();

	CHECK_EXITED_0(in_child(USER, faults, lve));
	CHECK_EXITED_0(in_child(USER, memory_fault, lve));
	CHECK_EXITED_0(in_child(0, memory_fault, lve)); /* root's own path too */
	CHECK_INT(A.destroy_lve(lve), 0);
}

/* --- threads ------------------------------------------------------------------------- */

struct thread_arg {
	struct liblve *lve;
	pid_t main_tid;
	int failures;
};

#define TCHECK(ta, cond)                                                                   \
	do {                                                                               \
		if (!(cond)) {                                                             \
			test_note("%s:%d: thread CHECK failed: %s", __FILE__, __LINE__, #cond); \
			(ta)->failures++;                                                  \
		}                                                                          \
	} while (0)

static void *second_thread(void *p)
{
	struct thread_arg *ta = p;
	char main_before[4096], main_now[4096], mine_before[4096], mine_now[4096];
	uint32_t cookie = 0;
	pid_t tid = gettid_(), child;
	int r;

	where(getpid(), ta->main_tid, main_before, sizeof(main_before));
	where(getpid(), tid, mine_before, sizeof(mine_before));
	errno = 0;
	r = A.lve_enter_flags(ta->lve, 1001, &cookie, 0);
	if (any_v2) {
		/* v2 would move the whole process: refused, nothing moved */
		TCHECK(ta, r == -EOPNOTSUPP && errno == EOPNOTSUPP);
		where(getpid(), tid, mine_now, sizeof(mine_now));
		TCHECK(ta, strcmp(mine_now, mine_before) == 0);
		where(getpid(), ta->main_tid, main_now, sizeof(main_now));
		TCHECK(ta, strcmp(main_now, main_before) == 0);
		return NULL;
	}
	/* v1: this thread alone */
	TCHECK(ta, r == 0);
	TCHECK(ta, in_lve(getpid(), tid, 1001));
	TCHECK(ta, A.is_in_lve(ta->lve) == 1);
	where(getpid(), ta->main_tid, main_now, sizeof(main_now));
	TCHECK(ta, strcmp(main_now, main_before) == 0);
	/* what it forks is inside: a spawner's way (Passenger) */
	fflush(NULL);
	child = fork();
	if (child == 0)
		_exit(in_lve(getpid(), 0, 1001) ? 0 : 1);
	TCHECK(ta, child > 0 && WIFEXITED(reap(child)));
	TCHECK(ta, A.lve_exit(ta->lve, &cookie) == 0);
	where(getpid(), tid, mine_now, sizeof(mine_now));
	TCHECK(ta, strcmp(mine_now, mine_before) == 0);
	where(getpid(), ta->main_tid, main_now, sizeof(main_now));
	TCHECK(ta, strcmp(main_now, main_before) == 0);
	return NULL;
}

static void threads(void *arg)
{
	struct thread_arg ta = { arg, gettid_(), 0 };
	pthread_t t;

	REQUIRE(pthread_create(&t, NULL, second_thread, &ta) == 0);
	REQUIRE(pthread_join(t, NULL) == 0);
	CHECK_INT(ta.failures, 0);
	CHECK_ERR(A.is_in_lve(arg), 0);
	/* single-threaded again: the whole process, as CloudLinux */
	cycle(arg, 1001);
}

static void t_threads(void)
{
	struct liblve *lve = new_lve();

	if (any_v2)
		test_note("cgroup v2: a thread of a multi-threaded process is refused");
	else
		test_note("cgroup v1: the calling thread enters alone");
	CHECK_EXITED_0(in_child(0, threads, lve));
	CHECK_EXITED_0(in_child(USER, threads, lve));
	CHECK_INT(A.destroy_lve(lve), 0);
}

/* A threaded server's workers: each thread enters and leaves its own
 * account's LVE, all at once, answers never crossing. */
static void *worker(void *p)
{
	struct thread_arg *ta = p;
	uint32_t id = 3000 + (uint32_t)(gettid_() % 8);

	for (int i = 0; i < 50; i++) {
		uint32_t cookie = 0;
		int r = A.lve_enter_flags(ta->lve, id, &cookie, 0);

		if (any_v2) {
			TCHECK(ta, r == -EOPNOTSUPP);
			continue;
		}
		TCHECK(ta, r == 0 && in_lve(getpid(), gettid_(), id));
		TCHECK(ta, A.is_in_lve(ta->lve) == 1);
		TCHECK(ta, A.lve_exit(ta->lve, &cookie) == 0);
		TCHECK(ta, out_of_lve(getpid(), gettid_(), id));
	}
	return NULL;
}

static void workers(void *arg)
{
	struct thread_arg ta[8];
	pthread_t t[8];

	for (int i = 0; i < 8; i++) {
		ta[i] = (struct thread_arg){ arg, gettid_(), 0 };
		REQUIRE(pthread_create(&t[i], NULL, worker, &ta[i]) == 0);
	}
	for (int i = 0; i < 8; i++) {
		REQUIRE(pthread_join(t[i], NULL) == 0);
		CHECK_INT(ta[i].failures, 0);
	}
}

static void t_threaded_server(void)
{
	struct liblve *lve = new_lve();

	CHECK_EXITED_0(in_child(USER, workers, lve));
	CHECK_EXITED_0(in_child(0, workers, lve));
	CHECK_INT(A.destroy_lve(lve), 0);
}

/* --- going around liblve -------------------------------------------------------------- */

#include "../../native/src/cl.h"

/* Send @req on @sock with @fd attached (if >= 0) and with @cred as the
 * credentials claimed (if not NULL). */
static ssize_t raw_send(int sock, const struct cl_request *req, int fd, const struct ucred *cred)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct ucred))];
	} ctl;
	struct iovec iov = { (void *)req, sizeof(*req) };
	struct msghdr msg = { 0 };
	struct cmsghdr *c;
	size_t len = 0;

	memset(&ctl, 0, sizeof(ctl));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.buf;
	msg.msg_controllen = sizeof(ctl.buf);
	c = CMSG_FIRSTHDR(&msg);
	if (fd >= 0) {
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
		len += CMSG_SPACE(sizeof(int));
		c = CMSG_NXTHDR(&msg, c);
	}
	if (cred) {
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_CREDENTIALS;
		c->cmsg_len = CMSG_LEN(sizeof(*cred));
		memcpy(CMSG_DATA(c), cred, sizeof(*cred));
		len += CMSG_SPACE(sizeof(*cred));
	}
	msg.msg_controllen = len;
	if (!len)
		msg.msg_control = NULL;
	return sendmsg(sock, &msg, MSG_NOSIGNAL);
}

/* A connection of our own to the broker behind @rendezvous, made by hand. */
static int raw_connect(int rendezvous)
{
	struct cl_request req = { 0 };
	int pair[2], on = 1;

	REQUIRE(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) == 0);
	REQUIRE(setsockopt(pair[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) == 0);
	req.version = CL_WIRE_VERSION;
	req.op = CL_OP_REGISTER;
	req.tid = gettid_();
	REQUIRE(raw_send(rendezvous, &req, pair[1], NULL) == (ssize_t)sizeof(req));
	close(pair[1]);
	return pair[0];
}

/* One raw request and its answer (-ETIMEDOUT when none comes in 1 s). */
static int raw_call(int conn, uint32_t op, pid_t tid, uint32_t id, uint32_t cookie)
{
	static uint32_t seq = 1000;
	struct cl_request req = { 0 };
	struct cl_reply rep;
	struct pollfd p = { conn, POLLIN, 0 };

	req.version = CL_WIRE_VERSION;
	req.op = op;
	req.seq = ++seq;
	req.tid = tid;
	req.id = id;
	req.cookie = cookie;
	if (raw_send(conn, &req, -1, NULL) != (ssize_t)sizeof(req))
		return -errno;
	for (;;) {
		if (poll(&p, 1, 1000) <= 0)
			return -ETIMEDOUT;
		if (recv(conn, &rep, sizeof(rep), 0) != (ssize_t)sizeof(rep))
			return -EIO;
		if (rep.seq == req.seq)
			return rep.result;
	}
}

struct around {
	struct liblve *lve;
	pid_t victim; /* an unprivileged process outside any LVE */
};

static void go_around(void *arg)
{
	struct around *a = arg;
	char victim_before[4096], victim_now[4096], mine[4096], now[4096];
	char pidbuf[32], vbuf[32];
	uint32_t cookie = 0;
	struct ucred forged;
	int rv = channel_of(a->lve), conn, r;
	struct dirent *e;
	DIR *d;

	/* what it holds is what liblve gave it: the descriptors the test's
	 * own runner passed down (make's pipes) are not ours to scribble on */
	d = opendir("/proc/self/fd");
	REQUIRE(d);
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);

		if (e->d_name[0] != '.' && fd > 2 && fd != dirfd(d) && fd != rv)
			close(fd);
	}
	closedir(d);
	signal(SIGPIPE, SIG_IGN); /* writes to sockets whose peer is gone */
	where(a->victim, 0, victim_before, sizeof(victim_before));
	REQUIRE(A.lve_enter_flags(a->lve, 1001, &cookie, 0) == 0);
	REQUIRE(A.is_in_lve(a->lve) == 1); /* a connection of its own exists now */
	where(getpid(), 0, mine, sizeof(mine));
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)getpid());
	snprintf(vbuf, sizeof(vbuf), "%d", (int)a->victim);

	/* 1. every descriptor it holds: written to, and used as a directory */
	d = opendir("/proc/self/fd");
	REQUIRE(d);
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name), sub;

		if (e->d_name[0] == '.' || fd <= 2 || fd == dirfd(d))
			continue;
		(void)!write(fd, vbuf, strlen(vbuf));
		(void)!write(fd, pidbuf, strlen(pidbuf));
		(void)!pwrite(fd, vbuf, strlen(vbuf), 0);
		for (int k = 0; k < 4; k++) {
			static const char *files[] = { "cgroup.procs", "tasks", "../cgroup.procs",
						       "../tasks" };

			sub = openat(fd, files[k], O_WRONLY | O_CLOEXEC);
			CHECK(sub < 0);
			if (sub >= 0) {
				(void)!write(sub, vbuf, strlen(vbuf));
				close(sub);
			}
		}
	}
	closedir(d);

	/* 2. the tree by its paths: nothing writable, no record to forge */
	for (int h = 0; h < V.n; h++) {
		char dir[2048], path[2300];
		const char *files[] = { "1001/cgroup.procs", "1001/tasks", "cgroup.procs", "1002/cgroup.procs" };

		tree_dir(h, dir, sizeof(dir));
		for (size_t k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
			snprintf(path, sizeof(path), "%s/%s", dir, files[k]);
			CHECK(cg_write_file(path, pidbuf) < 0);
			CHECK(cg_write_file(path, vbuf) < 0);
		}
		snprintf(path, sizeof(path), "%s/1001", dir);
		CHECK(setxattr(path, "trusted.liblve.limits", "speed=0", 7, 0) < 0);
	}

	/* 3. the broker, asked by hand: another's pid cannot be claimed */
	forged.pid = a->victim;
	forged.uid = getuid();
	forged.gid = getgid();
	{
		struct cl_request req = { 0 };

		req.version = CL_WIRE_VERSION;
		req.op = CL_OP_REGISTER;
		req.tid = a->victim;
		errno = 0;
		CHECK(raw_send(rv, &req, -1, &forged) < 0 && errno == EPERM);
		forged.pid = getpid();
		forged.uid = 0; /* nor root's uid */
		errno = 0;
		CHECK(raw_send(rv, &req, -1, &forged) < 0 && errno == EPERM);
	}
	conn = raw_connect(rv);
	/* for another process's task: refused, the victim unmoved */
	CHECK_INT(raw_call(conn, CL_OP_ENTER, a->victim, 1002, 0), -EINVAL);
	CHECK_INT(raw_call(conn, CL_OP_EXIT, a->victim, 0, 0), -EINVAL);
	CHECK_INT(raw_call(conn, CL_OP_INSIDE, a->victim, 0, 0), -EINVAL);
	/* for itself: what the API would say */
	CHECK_INT(raw_call(conn, CL_OP_ENTER, gettid_(), 1002, 0), -EPERM);
	CHECK_INT(raw_call(conn, CL_OP_INSIDE, gettid_(), 0, 0), 0);
	CHECK_INT(raw_call(conn, 99, gettid_(), 0, 0), -EINVAL);

	/* 4. a child using its parent's connection is not answered, and the
	 * parent is not confused by it */
	{
		pid_t child;
		int status;

		fflush(NULL);
		child = fork();
		REQUIRE(child >= 0);
		if (child == 0) {
			int fails = 0;

			fails += raw_call(conn, CL_OP_EXIT, getpid(), 0, cookie) != -ETIMEDOUT;
			fails += raw_call(conn, CL_OP_INSIDE, getpid(), 0, 0) != -ETIMEDOUT;
			_exit(fails);
		}
		status = reap(child);
		CHECK_EXITED_0(status);
	}
	close(conn);

	/* 5. from inside an LVE, only a small share of the broker's
	 * connections: the 40th registration is refused */
	{
		int conns[40], answered = 0;

		for (int i = 0; i < 40; i++) {
			conns[i] = raw_connect(rv);
			answered += raw_call(conns[i], CL_OP_INSIDE, gettid_(), 0, 0) == 0;
		}
		test_note("%d of 40 connections from inside an LVE were answered", answered);
		CHECK(answered > 0 && answered <= 32);
		for (int i = 0; i < 40; i++)
			close(conns[i]);
	}

	where(getpid(), 0, now, sizeof(now));
	CHECK_STR(now, mine); /* still inside, where it entered */
	where(a->victim, 0, victim_now, sizeof(victim_now));
	CHECK_STR(victim_now, victim_before);
	r = A.lve_exit(a->lve, &cookie);
	CHECK_INT(r, 0);
}

/* An exec'd program holds no right: the descriptors are close-on-exec. */
static int probe_fds(pid_t broker)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int found = 0;

	while (d && (e = readdir(d))) {
		struct ucred cred;
		socklen_t len = sizeof(cred);
		int fd = atoi(e->d_name);

		if (e->d_name[0] == '.' || fd == dirfd(d))
			continue;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 && cred.pid == broker)
			found++;
	}
	if (d)
		closedir(d);
	return found ? 1 : 0;
}

static void exec_probe(void *arg)
{
	struct liblve *lve = arg;
	char b[32];
	uint32_t cookie;

	/* with a connection made, too */
	REQUIRE(A.lve_enter_flags(lve, 1001, &cookie, 0) == 0);
	snprintf(b, sizeof(b), "%d", (int)broker_of(lve));
	execl("/proc/self/exe", "cl_test", "--probe-fds", b, (char *)NULL);
	_exit(2);
}

/* nftw: a file of the tree someone other than root could write. */
static int reachable(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)type;
	(void)ftw;
	if (st->st_uid != 0 || (st->st_mode & (S_IWGRP | S_IWOTH))) {
		test_note("reachable: %s (mode %o, uid %d)", path, (unsigned)st->st_mode & 07777,
			  (int)st->st_uid);
		test_failures_in_child++;
	}
	return 0;
}

/* Connecting, or sending, to the socket named @arg ("@abstract" or a path)
 * fails, whatever the kind asked for. */
static void try_connect(void *arg)
{
	const char *name = arg;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t len;
	static const int types[] = { SOCK_SEQPACKET, SOCK_STREAM, SOCK_DGRAM };

	if (name[0] == '@') {
		memcpy(sa.sun_path + 1, name + 1, strlen(name + 1));
		len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(name));
	} else {
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", name);
		len = sizeof(sa);
	}
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		int fd = socket(AF_UNIX, types[i] | SOCK_CLOEXEC, 0);

		REQUIRE(fd >= 0);
		CHECK(connect(fd, (struct sockaddr *)&sa, len) < 0);
		CHECK(sendto(fd, "x", 1, MSG_NOSIGNAL, (struct sockaddr *)&sa, len) < 0);
		close(fd);
	}
}

/* No file or service anyone could reach around liblve. */
static void t_nothing_to_go_around(void)
{
	struct liblve *lve = new_lve();
	struct around a = { lve, 0 };
	char path[96], text[65536];
	int status, sockets = 0;
	DIR *d;
	struct dirent *e;

	fflush(NULL);
	a.victim = fork();
	REQUIRE(a.victim >= 0);
	if (a.victim == 0) {
		drop_to(USER);
		pause();
		_exit(0);
	}
	CHECK_EXITED_0(in_child(USER, go_around, &a));
	kill(a.victim, SIGKILL);
	reap(a.victim);
	CHECK_EXITED_0(in_child(USER, exec_probe, lve));

	/* the tree: root's alone, nothing group- or world-writable */
	for (int h = 0; h < V.n; h++) {
		char dir[2048];

		tree_dir(h, dir, sizeof(dir));
		CHECK(nftw(dir, reachable, 16, FTW_PHYS) == 0);
	}
	/* the broker's sockets have no name anyone could connect to */
	REQUIRE(cg_read_file("/proc/net/unix", text, sizeof(text)) > 0);
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)broker_of(lve));
	d = opendir(path);
	REQUIRE(d);
	while ((e = readdir(d))) {
		char link[400], target[64];
		ssize_t n;
		unsigned long inode;

		snprintf(link, sizeof(link), "%s/%s", path, e->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (sscanf(target, "socket:[%lu]", &inode) != 1)
			continue;
		sockets++;
		for (char *line = text; line && *line;) {
			char *nl = strchr(line, '\n');
			unsigned long ino = 0;
			char name[256] = "";

			if (nl)
				*nl = '\0';
			if (sscanf(line, "%*s %*s %*s %*s %*s %*s %lu %255s", &ino, name) >= 1 &&
			    ino == inode && name[0]) {
				/* a socket the kernel named by itself (it does, for one
				 * with SO_PASSCRED that sends) must still be one nobody
				 * can reach: connected, not listening */
				if (in_child(USER, try_connect, name) != 0) {
					test_note("broker socket %lu (%s) can be reached", inode, name);
					test_failures_in_child++;
				}
			}
			if (nl)
				*nl = '\n';
			line = nl ? nl + 1 : NULL;
		}
	}
	closedir(d);
	CHECK(sockets >= 1);
	(void)status;
	CHECK_INT(A.destroy_lve(lve), 0);
}

/* --- many accounts at once, and one of them flooding ----------------------------------- */

static void many(void *arg)
{
	struct liblve *lve = arg;
	uint32_t id = 2000 + (uint32_t)(getpid() % 16);

	for (int i = 0; i < 20; i++) {
		uint32_t cookie = 0;

		CHECK_ERR(A.lve_enter_flags(lve, id, &cookie, 0), 0);
		CHECK(in_lve(getpid(), 0, id));
		CHECK_ERR(A.lve_exit(lve, &cookie), 0);
	}
}

static void t_many_accounts(void)
{
	struct liblve *lve = new_lve();
	pid_t kids[16];

	for (int i = 0; i < 16; i++) {
		fflush(NULL);
		kids[i] = fork();
		REQUIRE(kids[i] >= 0);
		if (kids[i] == 0) {
			test_failures_in_child = 0;
			drop_to(USER + 0 * (uid_t)i);
			many(lve);
			_exit(test_failures_in_child ? 1 : 0);
		}
	}
	for (int i = 0; i < 16; i++)
		CHECK_EXITED_0(reap(kids[i]));
	CHECK_INT(A.destroy_lve(lve), 0);
}

static atomic_int flooding = 1;

/* Requests as fast as it can send them, never reading an answer. */
static void *flood_requests(void *arg)
{
	struct liblve *lve = arg;
	int conn = raw_connect(channel_of(lve));
	struct cl_request req = { 0 };

	req.version = CL_WIRE_VERSION;
	req.op = CL_OP_INSIDE;
	req.tid = gettid_();
	fcntl(conn, F_SETFL, O_NONBLOCK);
	while (atomic_load(&flooding)) {
		req.seq++;
		if (raw_send(conn, &req, -1, NULL) < 0)
			usleep(100);
	}
	return NULL;
}

/* Registrations as fast as it can make them. */
static void *flood_registrations(void *arg)
{
	struct liblve *lve = arg;

	while (atomic_load(&flooding))
		close(raw_connect(channel_of(lve)));
	return NULL;
}

static void t_flood(void)
{
	struct liblve *lve = new_lve();
	pid_t flooder;
	int go[2];

	REQUIRE(pipe(go) == 0);
	fflush(NULL);
	flooder = fork();
	REQUIRE(flooder >= 0);
	if (flooder == 0) {
		pthread_t t[4];
		char c;

		drop_to(USER);
		for (int i = 0; i < 4; i++)
			pthread_create(&t[i], NULL, i < 3 ? flood_requests : flood_registrations, lve);
		close(go[1]);
		(void)!read(go[0], &c, 1);
		_exit(0);
	}
	close(go[0]);
	usleep(200000); /* let it fill its queues */
	/* another account, meanwhile, as usual */
	{
		pid_t pid;
		int status;

		fflush(NULL);
		pid = fork();
		REQUIRE(pid >= 0);
		if (pid == 0) {
			test_failures_in_child = 0;
			alarm(60); /* stalled behind the flood: a failure, not a hang */
			drop_to(OTHER);
			for (int i = 0; i < 100; i++) {
				uint32_t cookie = 0;

				CHECK_ERR(A.lve_enter_flags(lve, OTHER, &cookie, 0), 0);
				CHECK_ERR(A.lve_exit(lve, &cookie), 0);
			}
			_exit(test_failures_in_child ? 1 : 0);
		}
		status = reap(pid);
		CHECK_EXITED_0(status);
	}
	close(go[1]);
	kill(flooder, SIGKILL);
	reap(flooder);
	CHECK_INT(A.destroy_lve(lve), 0);
}

/* --- the suite --------------------------------------------------------------------------- */

static const struct test_case tests[] = {
	{ "versions, constants, CageFS disabled", t_versions },
	{ "init_lve and destroy_lve", t_init_destroy },
	{ "the broker: no child, nothing of the caller's, gone at the end", t_broker_life },
	{ "enter errors, nothing made", t_enter_errors },
	{ "root: enter, nested, exit restores every hierarchy", t_root_cycle },
	{ "root: no cookie asked; a child of the entrant killed; init inside: no broker", t_root_cookie },
	{ "init as root, drop, enter, exit: 200 times", t_root_then_drop },
	{ "the 20-byte copy outlives the original", t_copy },
	{ "no instance from root: EPERM", t_no_instance_refused },
	{ "entered as root, dropped since: EPERM, not killed", t_drop_after_enter },
	{ "a wrong cookie kills an unprivileged caller", t_wrong_cookie_kills },
	{ "a child of the entrant cannot exit for it", t_child_cannot_exit_for_parent },
	{ "entry limit: E2BIG, LVE_NO_MAXENTER, entries end with their task", t_entry_limit },
	{ "lve_setup_enter: units, -1, 0, ERANGE, EPERM inside", t_setup_enter },
	{ "lve_check_fault: nproc and memory, cleared on read", t_check_fault },
	{ "threads: v1 the thread alone, v2 refused", t_threads },
	{ "8 threads at once, each its own account", t_threaded_server },
	{ "nothing to go around: descriptors, paths, forged requests, exec", t_nothing_to_go_around },
	{ "16 accounts at once", t_many_accounts },
	{ "one account flooding stalls no other", t_flood },
};

static void cleanup(void)
{
	char dir[2048];

	for (int h = 0; h < V.n; h++) {
		tree_dir(h, dir, sizeof(dir));
		cg_remove_tree(dir);
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		; /* brokers that ended come back to us */
}

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
	for (int h = 0; h < V.n; h++)
		any_v2 |= V.h[h].v2;
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
	static struct test_case skipped[sizeof(tests) / sizeof(tests[0])];
	char suite[128];
	int r;

	if (argc == 3 && strcmp(argv[1], "--probe-fds") == 0)
		return probe_fds((pid_t)atoi(argv[2]));
	setvbuf(stdout, NULL, _IOLBF, 0);
	load_api();
	snprintf(suite, sizeof(suite), "CloudLinux's API through %s", how);
	snprintf(tree_rel, sizeof(tree_rel), "cltest-%d", (int)getpid());
	setenv("LIBLVE_CGROUP_PARENT", tree_rel, 1);
	/* brokers and orphans of our tests come back to us, to be reaped */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	if (!can_run_here()) {
		for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
			skipped[i] = (struct test_case){ tests[i].name, skip_all };
		return run_tests(suite, skipped, sizeof(skipped) / sizeof(skipped[0]), NULL, argc,
				 argv);
	}
	test_note("hierarchies: %d, cpu on %s, parent %s", V.n, V.h[V.cpu].v2 ? "v2" : "v1",
		  tree_rel);
	r = run_tests(suite, tests, sizeof(tests) / sizeof(tests[0]), cleanup, argc, argv);
	cleanup();
	return r;
}
