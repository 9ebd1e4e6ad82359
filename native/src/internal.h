/* SPDX-License-Identifier: MIT */
/*
 * internal.h - liblve's internal types.  Nothing here is exported from the
 * shared library; the test programs link a test build of the library
 * (LIBLVE_TEST_HOOKS) and use it to drive the library over fake cgroupfs
 * trees.
 *
 * Every function returns >= 0 on success or a negative errno.
 *
 * The library, one file per concept:
 *   cgfs.c     the one way into cgroupfs (no symlinks, cgroupfs only, EINTR)
 *   host.c     which hierarchies, where we are, where LVEs live
 *   config.c   the LVE parent from the administrator's configuration
 *   v1.c v2.c  the knobs of each layout
 *   limits.c   the limits table: one row per limit
 *   record.c   what liblve keeps beside the tree (trusted.* xattrs)
 *   lock.c     the locks, and how long anyone may wait for them
 *   tree.c     an LVE's life: create, set limits, destroy
 *   entry.c    entering and leaving, and the entry slots (ep)
 *   usage.c    usage, faults and the list of LVEs
 *   devices.c  the block devices io and iops limits apply to
 *   fdcache.c  control files kept open by a long-lived mover
 *   api.c      the public functions and the instance
 *   cl_*.c     CloudLinux's application API (lve/lve-ctl.h; cl.h)
 */
#ifndef LIBLVE_INTERNAL_H
#define LIBLVE_INTERNAL_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lve-ctl.h"

#define LVE_HIDDEN __attribute__((visibility("hidden")))
/* What the shared library exports (native/liblve.map lists the names). */
#define LVE_API __attribute__((visibility("default")))

/* Controllers an LVE uses.  cpuacct has no v2 counterpart: cpu.stat is
 * always there. */
enum {
	LVE_CTRL_CPU = 1 << 0,
	LVE_CTRL_CPUACCT = 1 << 1,
	LVE_CTRL_IO = 1 << 2, /* blkio on v1, io on v2 */
	LVE_CTRL_MEMORY = 1 << 3,
	LVE_CTRL_PIDS = 1 << 4,
};

enum lve_layout_kind { LVE_V1 = 1, LVE_V2 = 2 };

/* At most one v1 hierarchy per controller above, plus the unified one. */
#define LVE_MAX_HIER 6

/* Longest cgroup path (relative to a mount) we keep. */
#define LVE_PATH_MAX 1024

#define LVE_ID_MAX 0x7fffffffu
/* CFS period: speed N means N ms of CPU time per 100 ms. */
#define LVE_CPU_PERIOD_US 100000
/* v1: memory+swap's limit above pmem's, one memcg charge batch (64 pages):
 * see lve_v1_pmem(). */
#define LVE_MEMSW_MARGIN (256u * 1024)

struct lve_host;

/*
 * Fake-tree emulation, for tests only: a host carries a pointer to one only
 * in test builds (LIBLVE_TEST_HOOKS); shipped libraries have no hooks, and
 * always insist on cgroupfs.  A fake host accepts any filesystem, and lets
 * the test play the kernel's part: populate the control files of a new
 * directory, empty one before rmdir, see and veto every write, and see every
 * record and rename, in order.
 */
struct lve_fake {
	void *ctx;
	/* after mkdir of @rel in hierarchy @h: create the control files; a
	 * negative return (after removing the directory) is mkdir's error */
	int (*made)(void *ctx, const struct lve_host *host, int h, const char *rel);
	/* before rmdir of @rel: remove them */
	int (*unmaking)(void *ctx, const struct lve_host *host, int h, const char *rel);
	/* before each write of @value to @rel (a control file); a negative
	 * return is the write's error, a positive one means the emulation made
	 * the write itself */
	int (*writing)(void *ctx, const struct lve_host *host, int h, const char *rel,
		       const char *value);
	/* after a record was written ("xattr <name>") or a cgroup renamed
	 * ("rename <to>") at @rel: for tests of the order of things */
	void (*noted)(void *ctx, const struct lve_host *host, int h, const char *rel,
		      const char *what);
	/* the text of a task's /proc cgroup file (the fake knows where its
	 * tasks are); returns its length or -errno */
	int (*proc_cgroup)(void *ctx, const struct lve_host *host, pid_t pid, pid_t tid,
			   int thread, char *buf, size_t size);
	/* resolve paths one component at a time, as on kernels without openat2 */
	int walk_only;
};
#ifdef LIBLVE_TEST_HOOKS
#define LVE_FAKE(host) ((host)->fake)
#else
#define LVE_FAKE(host) ((const struct lve_fake *)NULL)
#endif

struct lve_hier {
	enum lve_layout_kind kind;
	unsigned ctrls;                /* LVE_CTRL_* this hierarchy carries */
	char mount[LVE_PATH_MAX];      /* where it is mounted */
	char root[LVE_PATH_MAX];       /* the cgroup shown at the mount point */
	char self[LVE_PATH_MAX];       /* our cgroup, relative to the mount, "" = its root */
	char parent[LVE_PATH_MAX];     /* the LVE parent, relative to the mount */
};

/* The hierarchies of one call, as found (host.c).  Big: it lives on the
 * stack for the length of a call, never in a caller's instance. */
struct lve_host {
	int n;
	int primary;                   /* the hierarchy with the cpu controller */
	struct lve_hier h[LVE_MAX_HIER];
	char parent_spec[LVE_PATH_MAX]; /* the parent as configured: "/lve", "t/lve" */
#ifdef LIBLVE_TEST_HOOKS
	const struct lve_fake *fake;   /* NULL on real hosts */
#endif
};

/* --- cgfs.c: the one way into cgroupfs ------------------------------------ */

/* Open the mount point of hierarchy @h as a directory on cgroupfs. */
LVE_HIDDEN int cgfs_open_hier(const struct lve_host *host, int h);
/* Open the directory @rel (relative, "" = @dirfd itself) beneath @dirfd,
 * refusing symlinks on every component; O_RDONLY|O_DIRECTORY|O_CLOEXEC. */
LVE_HIDDEN int cgfs_open_dir(const struct lve_host *host, int dirfd, const char *rel);
/* Open cgroup @rel of hierarchy @h from its mount point's path, with no
 * directory fd of the hierarchy at hand (a tree opened lazily), refusing
 * symlinks and anything not on cgroupfs as cgfs_open_dir does. */
LVE_HIDDEN int cgfs_open_mounted(const struct lve_host *host, int h, const char *rel);
/* Write @value to control file @file of cgroup @rel in hierarchy @h. */
LVE_HIDDEN int cgfs_write(const struct lve_host *host, int h, int hfd, const char *rel,
			  const char *file, const char *value);
/* Read control file @file of cgroup @rel into @buf (NUL-terminated, trailing
 * newline kept; a file longer than @size is cut); returns the length. */
LVE_HIDDEN int cgfs_read(const struct lve_host *host, int hfd, const char *rel,
			 const char *file, char *buf, size_t size);
/* The same for a cgroup already open as @dfd. */
LVE_HIDDEN int cgfs_read_at(const struct lve_host *host, int dfd, const char *file, char *buf,
			    size_t size);
/* 1 if control file @file of cgroup @rel exists, 0 if not. */
LVE_HIDDEN int cgfs_exists(const struct lve_host *host, int hfd, const char *rel,
			   const char *file);
/* The same for the cgroup open as @dfd. */
LVE_HIDDEN int cgfs_exists_at(int dfd, const char *file);
/* Open control file @file of cgroup @rel, as cgfs_write() does. */
LVE_HIDDEN int cgfs_open_file(const struct lve_host *host, int hfd, const char *rel,
			      const char *file, int flags);
/* mkdir/rmdir of the cgroup @rel (its parent must exist). */
LVE_HIDDEN int cgfs_mkdir(const struct lve_host *host, int h, int hfd, const char *rel,
			  mode_t mode);
LVE_HIDDEN int cgfs_rmdir(const struct lve_host *host, int h, int hfd, const char *rel);
/* Rename cgroup @from to @to, beside it (same parent; v1 only).  -EEXIST
 * when @to exists. */
LVE_HIDDEN int cgfs_rename(const struct lve_host *host, int h, int hfd, const char *from,
			   const char *to);
/* Extended attributes (trusted.* namespace) of the cgroup open as @dfd.
 * setxattr with XATTR_CREATE is -EEXIST when the name exists; @h and @rel
 * only tell the fake trees where it happened. */
LVE_HIDDEN int cgfs_getxattr(int dfd, const char *name, char *buf, size_t size);
LVE_HIDDEN int cgfs_setxattr(const struct lve_host *host, int h, int dfd, const char *rel,
			     const char *name, const char *value, int flags);
LVE_HIDDEN int cgfs_removexattr(int dfd, const char *name);
/* The names of @dfd's extended attributes, NUL-separated; returns the length. */
LVE_HIDDEN int cgfs_listxattr(int dfd, char *buf, size_t size);

/* --- host.c: which hierarchies, where we are, where LVEs live ------------- */

/* Is @parent a clean cgroup path ("" and "/" excluded; no ".", "..", empty
 * component, control characters)?  Returns 0 or -EINVAL. */
LVE_HIDDEN int lve_parent_check(const char *parent);
/* Build @host from the text of /proc/self/mountinfo and /proc/self/cgroup.
 * Parent paths are resolved against the process's own cgroups.  Returns 0,
 * -ENOSYS (no cpu controller) or -EINVAL (bad parent). */
LVE_HIDDEN int lve_host_parse(struct lve_host *host, const char *mountinfo,
			      const char *proc_cgroup, const char *parent);
/* Re-read the process's own cgroups into host->h[].self from the text of
 * /proc/self/cgroup, and resolve a relative parent against them again. */
LVE_HIDDEN int lve_host_parse_self(struct lve_host *host, const char *proc_cgroup);
/* The real host: /proc/self/... and the configured parent. */
LVE_HIDDEN int lve_host_discover(struct lve_host *host);
/* The line of @proc_cgroup (the text of a /proc/.../cgroup file) for
 * hierarchy @h, as a path relative to its mount, into @out. */
LVE_HIDDEN int lve_host_cgroup_of(const struct lve_host *host, int h, const char *proc_cgroup,
				  char *out, size_t size);
/* The LVE parent in force: LIBLVE_CGROUP_PARENT unless in secure mode, then
 * the configuration's (LIBLVE_CONF names the file, unless in secure mode),
 * else the built-in default.  @buf holds the configuration's. */
LVE_HIDDEN const char *lve_parent_setting(char *buf, size_t size);
/* Read a whole small file (a /proc file, a configuration) into @buf,
 * NUL-terminated; -EFBIG if it does not fit (@buf then holds its head).
 * Returns the length. */
LVE_HIDDEN int lve_read_file(int fd, char *buf, size_t size);
/* The same for the file @path names (relative to @dirfd, or AT_FDCWD);
 * -errno if it cannot be opened. */
LVE_HIDDEN int lve_read_at(int dirfd, const char *path, char *buf, size_t size);
/* Read a whole /proc file into a malloc'd, NUL-terminated buffer. */
LVE_HIDDEN int lve_read_proc(const char *path, char **out);
/* Is @name one of the words of @list, separated by @sep (or by any
 * whitespace when @sep is ' ')? */
LVE_HIDDEN int lve_has_word(const char *list, const char *name, char sep);

/* --- config.c: the administrator's configuration -------------------------- */

/* The "parent" setting of the configuration file @path into @out: 1 when
 * set, 0 when the file or the setting is absent, or the file is not safe
 * (not a regular file owned by root and writable by root alone) or the
 * value is not an absolute clean path. */
LVE_HIDDEN int lve_config_parent(const char *path, char *out, size_t size);

/* --- the tree of one call: its hierarchies, opened ----------------------- */

struct lve_fdcache;

struct lve_tree {
	const struct lve_host *host;
	int fd[LVE_MAX_HIER]; /* -1: not opened (lve_tree_lazy) */
	/* NULL, or the control files a long-lived mover keeps open (fdcache.c);
	 * lve_tree_open() and lve_tree_lazy() leave it NULL */
	struct lve_fdcache *cache;
};

LVE_HIDDEN int lve_tree_open(struct lve_tree *t, const struct lve_host *host);
/* A tree whose hierarchies are not opened: only lve_open_lve() works on it
 * (reading an LVE needs no more, and bulk readers save the opens). */
LVE_HIDDEN void lve_tree_lazy(struct lve_tree *t, const struct lve_host *host);
LVE_HIDDEN void lve_tree_close(struct lve_tree *t);
/* CALL, an int expression naming the tree t_, on a tree of @host opened for
 * it and closed after; or lve_tree_open()'s error. */
#define WITH_TREE(host, call)                                                          \
	({                                                                             \
		struct lve_tree t_;                                                    \
		int r_ = lve_tree_open(&t_, (host));                                   \
		if (r_ == 0) {                                                         \
			r_ = (call);                                                   \
			lve_tree_close(&t_);                                           \
		}                                                                      \
		r_;                                                                    \
	})
/* "<parent>/<id>" in hierarchy @h. */
LVE_HIDDEN int lve_rel(const struct lve_hier *hier, uint32_t id, char *out, size_t size);
/* Open LVE @id's cgroup in hierarchy @h: -ENOENT when it is not there. */
LVE_HIDDEN int lve_open_lve(const struct lve_tree *t, int h, uint32_t id);

/* --- fdcache.c: control files kept open by a long-lived mover -------------- */

/* A cache of open control files, for a process that moves many tasks
 * between the same cgroups (the CloudLinux broker): a move then costs one
 * write.  NULL on allocation failure. */
LVE_HIDDEN struct lve_fdcache *lve_fdcache_new(void);
LVE_HIDDEN void lve_fdcache_free(struct lve_fdcache *c);
/* cgfs_write() through @c (NULL: cgfs_write() itself). */
LVE_HIDDEN int lve_fdcache_write(struct lve_fdcache *c, const struct lve_host *host, int h,
				 int hfd, const char *rel, const char *file, const char *value);

/* --- devices.c: the disks io and iops apply to ------------------------------ */

#define LVE_MAX_DEVICES 64
struct lve_devices {
	int n;
	struct {
		unsigned major, minor;
	} dev[LVE_MAX_DEVICES];
};
/* Every whole disk (no partitions) backed by hardware, plus any other block
 * device that holds a mounted filesystem (a loop device, device-mapper,
 * md); never an idle loop, ram or zram device.  @sysblock is /sys/block
 * (tests pass a fake), @mountinfo the text of /proc/self/mountinfo. */
LVE_HIDDEN int lve_devices_scan(struct lve_devices *out, const char *sysblock,
				const char *mountinfo);
/* The devices of this host now (or, in test builds, the list a test put in
 * place). */
LVE_HIDDEN int lve_devices(struct lve_devices *out);
#ifdef LIBLVE_TEST_HOOKS
/* Tests put their own list in place (NULL: the real one again). */
LVE_HIDDEN void lve_devices_override(const struct lve_devices *devs);
#endif

/* --- limits.c: the table, one row per limit -------------------------------- */

/* Where a knob is written: the LVE's cgroup @rel in hierarchy @h, open as
 * @dfd. */
struct lve_knob {
	const struct lve_host *host;
	int h;
	int hfd;
	int dfd;
	const char *rel;
	const struct lve_devices *devs; /* for io and iops */
};

/* Write one limit: 0 applied, 1 the kernel offers no knob here (recorded
 * only), or -errno. */
typedef int (*lve_apply_fn)(const struct lve_knob *k, uint64_t value);

struct lve_limit_row {
	struct lve_limit_info info;
	unsigned ctrl;       /* the controller whose hierarchy holds it; 0: liblve's own */
	lve_apply_fn v1, v2; /* NULL: nothing to write (ep) */
};

LVE_HIDDEN extern const struct lve_limit_row lve_limit_table[LVE_LIMIT_COUNT];
/* Is @value acceptable for limit @id? */
LVE_HIDDEN int lve_limit_valid(unsigned id, uint64_t value);
/* The built-in defaults. */
LVE_HIDDEN void lve_limits_builtin(struct lve_limits *out);
/* Does @value mean "no limit" for limit @id, which is what a new cgroup
 * has?  Such limits need no write when an LVE is made. */
LVE_HIDDEN int lve_limit_is_fresh_default(unsigned id, uint64_t value);

/* v1.c and v2.c: the knob writers the table names. */
LVE_HIDDEN int lve_v1_speed(const struct lve_knob *k, uint64_t value);
LVE_HIDDEN int lve_v2_speed(const struct lve_knob *k, uint64_t value);
LVE_HIDDEN int lve_v1_io_weight(const struct lve_knob *k, uint64_t value);
LVE_HIDDEN int lve_v2_io_weight(const struct lve_knob *k, uint64_t value);
LVE_HIDDEN int lve_v1_pmem(const struct lve_knob *k, uint64_t value);
LVE_HIDDEN int lve_v2_pmem(const struct lve_knob *k, uint64_t value);
LVE_HIDDEN int lve_pids_max(const struct lve_knob *k, uint64_t value);
LVE_HIDDEN int lve_v1_io_bps(const struct lve_knob *k, uint64_t value);
LVE_HIDDEN int lve_v2_io_bps(const struct lve_knob *k, uint64_t value);
LVE_HIDDEN int lve_v1_iops(const struct lve_knob *k, uint64_t value);
LVE_HIDDEN int lve_v2_iops(const struct lve_knob *k, uint64_t value);

/* Write the limits of @lim that @mask names into LVE cgroup @rel (open as
 * @dfd) of hierarchy @h; *unenforced gets a bit for each one the kernel
 * cannot enforce here.  @fresh: the cgroup was just made, so limits that
 * mean "no limit" need no write. */
LVE_HIDDEN int lve_limits_apply(const struct lve_tree *t, int h, int dfd, const char *rel,
				const struct lve_limits *lim, uint32_t mask, int fresh,
				uint32_t *unenforced);

/* v2.c: make our controllers available beneath cgroup @rel. */
LVE_HIDDEN int lve_v2_enable_below(const struct lve_host *host, int h, int hfd,
				   const char *rel);

/* --- record.c: what liblve keeps beside the tree ---------------------------- */

/*
 *   trusted.liblve.limits     on the LVE's primary cgroup: its limits
 *                             ("speed=100 io_weight=100 pmem=0 ...
 *                             unenforced=0"); written last when the LVE is
 *                             made, so its presence means "limits in place"
 *   trusted.liblve.defaults   on the parent's primary cgroup: the limits a
 *                             new LVE of this tree gets
 *   trusted.liblve.faults     on the LVE: the faults only liblve can count
 *                             ("ep=N")
 *   trusted.liblve.ep.<slot>  on the LVE: one live entry ("<tid> <start>")
 */
#define LVE_XATTR_LIMITS "trusted.liblve.limits"
#define LVE_XATTR_DEFAULTS "trusted.liblve.defaults"
#define LVE_XATTR_FAULTS "trusted.liblve.faults"
#define LVE_XATTR_SLOT "trusted.liblve.ep."
#define LVE_RECORD_MAX 512

LVE_HIDDEN void lve_record_format(const struct lve_limits *lim, uint32_t unenforced, char *buf,
				  size_t size);
/* Parse a limits record (also the seed's "cpu=N io=N").  -EIO when it is
 * not one: only root writes trusted.*, so a bad record is corruption. */
LVE_HIDDEN int lve_record_parse(const char *text, struct lve_limits *lim, uint32_t *unenforced);
/* 1: the LVE open as @dfd carries its record (filled in); 0: it was never
 * finished; -errno. */
LVE_HIDDEN int lve_record_read(int dfd, struct lve_limits *lim, uint32_t *unenforced);
LVE_HIDDEN int lve_record_write(const struct lve_tree *t, int dfd, const char *rel,
				const struct lve_limits *lim, uint32_t unenforced);
/* The defaults of the tree (built-in ones where none were set). */
LVE_HIDDEN int lve_defaults_read(const struct lve_tree *t, struct lve_limits *out);
LVE_HIDDEN int lve_defaults_write(const struct lve_tree *t, const struct lve_limits *lim);
/* Add one ep fault to the LVE open as @dfd (its state lock held). */
LVE_HIDDEN int lve_faults_add_ep(const struct lve_host *host, int dfd);
LVE_HIDDEN uint64_t lve_faults_ep(int dfd);

/* --- lock.c: the locks ------------------------------------------------------- */

/*
 * Three locks, all flock(2), all held only by root (they are on cgroups
 * only root can open), all for a few system calls of liblve's own and never
 * across anything a caller controls:
 *   the creation lock   the parent's primary cgroup, exclusive while an LVE
 *                       is made or removed, or the defaults change;
 *   the LVE lock        the LVE's primary cgroup: shared while a process
 *                       enters or limits change, exclusive while it is
 *                       removed;
 *   the state lock      the LVE's cgroup.procs file: exclusive while a dead
 *                       entry's slot is taken back, a fault is counted, or
 *                       the limits change.
 * Order: creation, LVE, state.  A waiter gives up after LVE_LOCK_WAIT_MS
 * (-EAGAIN): no stopped or hostile process can make another wait for good.
 */
#define LVE_LOCK_WAIT_MS 2000
LVE_HIDDEN int lve_lock(int fd, int how);
LVE_HIDDEN void lve_unlock(int fd);
/* Open and take the state lock of the LVE open as @dfd; returns its fd. */
LVE_HIDDEN int lve_state_lock(const struct lve_host *host, int dfd);
LVE_HIDDEN void lve_state_unlock(int fd);
/* Take the creation lock of the tree (its parent must exist); returns the
 * fd that holds it. */
LVE_HIDDEN int lve_creation_lock(const struct lve_tree *t);

/* --- tree.c: an LVE's life ---------------------------------------------------- */

/* Make the parent in every hierarchy (mode 0711); undoes what it made on
 * failure. */
LVE_HIDDEN int lve_tree_ensure_parents(const struct lve_tree *t);
/* Make LVE @id with the tree's defaults, @lim overriding the limits @mask
 * names, or finish one that was never finished.  Atomic for observers (see
 * tree.c).  An LVE that exists is left as it is (returns 1). */
LVE_HIDDEN int lve_tree_create(const struct lve_tree *t, uint32_t id,
			       const struct lve_limits *lim, uint32_t mask);
LVE_HIDDEN int lve_tree_destroy(const struct lve_tree *t, uint32_t id);
/* Change the limits @mask names of the existing LVE @id. */
LVE_HIDDEN int lve_tree_set(const struct lve_tree *t, uint32_t id, const struct lve_limits *lim,
			    uint32_t mask, uint32_t *unenforced);
LVE_HIDDEN int lve_tree_get(const struct lve_tree *t, uint32_t id, struct lve_limits *lim,
			    uint32_t *unenforced);
LVE_HIDDEN int lve_tree_set_defaults(const struct lve_tree *t, const struct lve_limits *lim,
				     uint32_t mask);
/* Is the LVE's cgroup @rel in hierarchy @h free of processes, sub-cgroups
 * included?  1 yes, 0 no. */
LVE_HIDDEN int lve_tree_empty(const struct lve_tree *t, int h, const char *rel);
LVE_HIDDEN int lve_tree_available(const struct lve_tree *t);

/* The same over a host, opening and closing the tree (the fake-tree tests
 * and the public functions use these). */
LVE_HIDDEN int lve_host_create(const struct lve_host *host, uint32_t id);
LVE_HIDDEN int lve_host_destroy(const struct lve_host *host, uint32_t id);
/* @create: make the LVE, with these limits from the first instant, if it
 * does not exist. */
LVE_HIDDEN int lve_host_set(const struct lve_host *host, uint32_t id,
			    const struct lve_limits *lim, uint32_t mask, int create,
			    uint32_t *unenforced);
/* The seed's lve_setup on @host: CPU and IO weight, -1 leaving either as it
 * is; the values are valid. */
LVE_HIDDEN int lve_host_setup(const struct lve_host *host, uint32_t id, int32_t cpu, int32_t io);
LVE_HIDDEN int lve_host_get(const struct lve_host *host, uint32_t id, struct lve_limits *lim,
			    uint32_t *unenforced);
LVE_HIDDEN int lve_host_defaults(const struct lve_host *host, struct lve_limits *lim);
LVE_HIDDEN int lve_host_set_defaults(const struct lve_host *host, const struct lve_limits *lim,
				     uint32_t mask);
LVE_HIDDEN int lve_host_available(const struct lve_host *host);

/* --- entry.c: entering and leaving --------------------------------------- */

/* Which task moves, and how. */
struct lve_task {
	pid_t pid;       /* its process */
	pid_t tid;       /* the thread, for thread-only moves (== pid otherwise) */
	int thread_only; /* v1: move this thread alone (tasks); v2: the process */
};

/* How to get a task back out: where it was, and which slot it holds. */
struct lve_entry {
	uint32_t id;
	int slot;                      /* >= 0 an ep slot; LVE_SLOT_TID: named by the tid;
					  LVE_SLOT_UNCOUNTED: named by the tid, not charged to ep */
	unsigned long long start;      /* the owner's start time */
	char origin[LVE_MAX_HIER][LVE_PATH_MAX];
};
#define LVE_SLOT_TID (-1)
#define LVE_SLOT_NONE (-2) /* handed over: nothing to free on leaving */
#define LVE_SLOT_UNCOUNTED (-3)

enum {
	LVE_ENTER_NO_MAXENTER = 1 << 0, /* ignore the entry limit; the entry is kept and its
					   usage counts it, but it takes no place under the
					   limit (CloudLinux's kernel does not charge it) */
};

/* Put @task into LVE @id (made with the defaults if need be).  -EPERM
 * when it is inside an LVE already, -E2BIG when the entry limit is reached
 * (an ep fault is counted), -ENOMEM when the LVE cannot be made. */
LVE_HIDDEN int lve_task_enter(const struct lve_host *host, uint32_t id, const struct lve_task *task,
			      unsigned flags, struct lve_entry *entry);
/* Move @task back to where @entry says it was, every hierarchy that is
 * still in the LVE, and free its slot.  On failure a retry moves only those
 * still inside; -ESRCH when it is in none of the LVE's cgroups any more
 * (its slot is freed all the same). */
LVE_HIDDEN int lve_task_leave(const struct lve_host *host, const struct lve_task *task,
			      struct lve_entry *entry);
/* Give the entry @entry records for @task to @heir, a process @task forked
 * inside the LVE, which then holds it until it exits (@entry then holds no
 * slot: leaving frees nothing). */
LVE_HIDDEN int lve_entry_hand_over(const struct lve_host *host, const struct lve_task *task,
				   struct lve_entry *entry, pid_t heir);
/* The hierarchies (bit h) in which @task is in LVE @id or beneath it. */
LVE_HIDDEN int lve_task_within(const struct lve_host *host, const struct lve_task *task,
			       uint32_t id);
/* 1 when @task is inside any LVE (its cgroup or an ancestor carries a
 * record), 0 when not. */
LVE_HIDDEN int lve_task_inside(const struct lve_host *host, const struct lve_task *task);
/* The same three over a tree the caller keeps open (a long-lived process
 * that moves many tasks opens the hierarchies once). */
LVE_HIDDEN int lve_tree_task_enter(const struct lve_tree *t, uint32_t id,
				   const struct lve_task *task, unsigned flags,
				   struct lve_entry *entry);
LVE_HIDDEN int lve_tree_task_leave(const struct lve_tree *t, const struct lve_task *task,
				   struct lve_entry *entry);
LVE_HIDDEN int lve_tree_task_inside(const struct lve_tree *t, const struct lve_task *task);
/* Is the entry recorded as "<tid> <start>" alive?  1/0 */
LVE_HIDDEN int lve_entry_alive(const char *record);
/* The start time of @tid (clock ticks after boot, from /proc), 0 if it is
 * gone or a zombie. */
LVE_HIDDEN unsigned long long lve_task_start(pid_t tid);
/* Count the live entries of the LVE open as @dfd. */
LVE_HIDDEN int lve_entries_count(int dfd);
/* The same, its attribute names read already (@names, @n as flistxattr
 * gives them). */
LVE_HIDDEN int lve_entries_count_in(int dfd, const char *names, int n);

/* --- usage.c ------------------------------------------------------------------ */

LVE_HIDDEN int lve_tree_usage(const struct lve_tree *t, uint32_t id, struct lve_usage *out);
/* The ids of the finished LVEs of the tree, ascending, at most @max; returns
 * how many there are. */
LVE_HIDDEN int lve_tree_list(const struct lve_tree *t, uint32_t *ids, size_t max);

/* --- api.c ---------------------------------------------------------------------- */

/* lve_enter for a process about to execve (lverun): see api.c. */
LVE_HIDDEN int lve_enter_thread(struct liblve *lve, uint32_t ve_id, uint32_t *cookie);
/* lve_leave that leaves the entry to @heir (lverun's session child): see api.c. */
LVE_HIDDEN int lve_leave_handing_over(struct liblve *lve, uint32_t *cookie, pid_t heir);

#endif /* LIBLVE_INTERNAL_H */
