/*
 * internal.h - liblve's internal types.  Nothing here is exported from the
 * shared library; the test programs link the static archive and use it to
 * drive the library over fake cgroupfs trees.
 *
 * Every function returns >= 0 on success or a negative errno.
 */
#ifndef LIBLVE_INTERNAL_H
#define LIBLVE_INTERNAL_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define LVE_HIDDEN __attribute__((visibility("hidden")))

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

/* Built-in defaults until lve_set_default() is called. */
#define LVE_DEFAULT_CPU 100
#define LVE_DEFAULT_IO 100
#define LVE_CPU_MAX 100000
#define LVE_IO_MIN 1
#define LVE_IO_MAX 1000
/* CFS period: cpu N means N ms of CPU time per 100 ms. */
#define LVE_CPU_PERIOD_US 100000

struct lve_host;

/*
 * Fake-tree emulation, for tests only.  Production hosts have no fake; the
 * public API never builds one.  A fake host accepts any filesystem (real
 * hosts insist on cgroupfs), and lets the test play the kernel's part:
 * populate the control files of a new directory, empty one before rmdir, see
 * and veto every write.
 */
struct lve_fake {
	void *ctx;
	/* after mkdir of @rel in hierarchy @h: create the control files; a
	 * negative return (after removing the directory) is mkdir's error */
	int (*made)(void *ctx, const struct lve_host *host, int h, const char *rel);
	/* before rmdir of @rel: remove them */
	int (*unmaking)(void *ctx, const struct lve_host *host, int h, const char *rel);
	/* before each write; a negative return is the write's error, a
	 * positive one means the emulation made the write itself */
	int (*writing)(void *ctx, const struct lve_host *host, int h, const char *rel,
		       const char *value);
	/* resolve paths one component at a time, as on kernels without openat2 */
	int walk_only;
};

struct lve_hier {
	enum lve_layout_kind kind;
	unsigned ctrls;                /* LVE_CTRL_* this hierarchy carries */
	char mount[LVE_PATH_MAX];      /* where it is mounted */
	char root[LVE_PATH_MAX];       /* the cgroup shown at the mount point */
	char self[LVE_PATH_MAX];       /* our cgroup, relative to the mount, "" = its root */
	char parent[LVE_PATH_MAX];     /* the LVE parent, relative to the mount */
};

struct lve_host {
	int n;
	int primary;                   /* the hierarchy with the cpu controller */
	struct lve_hier h[LVE_MAX_HIER];
	char parent_spec[LVE_PATH_MAX]; /* the parent as configured: "/lve", "t/lve" */
	const struct lve_fake *fake;   /* NULL on real hosts */
};

/* --- cgfs.c: the one way into cgroupfs ------------------------------------ */

/* Open the mount point of hierarchy @h as a directory on cgroupfs. */
LVE_HIDDEN int cgfs_open_hier(const struct lve_host *host, int h);
/* Open the directory @rel (relative, "" = @dirfd itself) beneath @dirfd,
 * refusing symlinks on every component; O_RDONLY|O_DIRECTORY|O_CLOEXEC. */
LVE_HIDDEN int cgfs_open_dir(const struct lve_host *host, int dirfd, const char *rel);
/* Write @value to control file @file of cgroup @rel in hierarchy @h. */
LVE_HIDDEN int cgfs_write(const struct lve_host *host, int h, int hfd, const char *rel,
			  const char *file, const char *value);
/* Read control file @file of cgroup @rel into @buf (NUL-terminated, trailing
 * newline kept); returns the length. */
LVE_HIDDEN int cgfs_read(const struct lve_host *host, int hfd, const char *rel,
			 const char *file, char *buf, size_t size);
/* 1 if control file @file of cgroup @rel exists, 0 if not. */
LVE_HIDDEN int cgfs_exists(const struct lve_host *host, int hfd, const char *rel,
			   const char *file);
/* mkdir/rmdir of the cgroup @rel (its parent must exist). */
LVE_HIDDEN int cgfs_mkdir(const struct lve_host *host, int h, int hfd, const char *rel,
			  mode_t mode);
LVE_HIDDEN int cgfs_rmdir(const struct lve_host *host, int h, int hfd, const char *rel);
/* Extended attributes on the cgroup directory @rel (trusted.* namespace). */
LVE_HIDDEN int cgfs_getxattr(const struct lve_host *host, int hfd, const char *rel,
			     const char *name, char *buf, size_t size);
LVE_HIDDEN int cgfs_setxattr(const struct lve_host *host, int hfd, const char *rel,
			     const char *name, const char *value);
LVE_HIDDEN int cgfs_removexattr(const struct lve_host *host, int hfd, const char *rel,
				const char *name);

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
/* Read /proc/self/cgroup into @buf. */
LVE_HIDDEN int lve_read_self_cgroup(char *buf, size_t size);
/* The LVE parent in force: LIBLVE_CGROUP_PARENT unless in secure mode, else
 * the built-in default. */
LVE_HIDDEN const char *lve_parent_setting(void);

/* --- v1.c / v2.c: one layout each ------------------------------------------ */

struct lve_limits {
	uint32_t cpu;
	uint32_t io;
};

struct lve_backend {
	/* make the parent directories down to host->h[h].parent; *made is set
	 * to the length of the shallowest prefix this call created (0: none) */
	int (*prepare_parent)(const struct lve_host *host, int h, int hfd, size_t *made);
	/* write the cpu limit of cgroup @rel */
	int (*set_cpu)(const struct lve_host *host, int h, int hfd, const char *rel,
		       uint32_t cpu);
	/* write the io weight of cgroup @rel; 0 if applied, 1 if the kernel offers
	 * no knob (recorded only) */
	int (*set_io)(const struct lve_host *host, int h, int hfd, const char *rel,
		      uint32_t io);
	/* is cgroup @rel free of processes?  1 yes, 0 no */
	int (*empty)(const struct lve_host *host, int hfd, const char *rel);
};

/* Shared by both layouts: does cgroup.procs of @rel list no process?  1/0 */
LVE_HIDDEN int lve_procs_empty(const struct lve_host *host, int hfd, const char *rel);

LVE_HIDDEN extern const struct lve_backend lve_v1_backend;
LVE_HIDDEN extern const struct lve_backend lve_v2_backend;

static inline const struct lve_backend *lve_backend_of(const struct lve_hier *hier)
{
	return hier->kind == LVE_V2 ? &lve_v2_backend : &lve_v1_backend;
}

/*
 * Shared by both layouts: mkdir -p of @path beneath hierarchy @h.  *made
 * receives the length of the shallowest prefix of @path this call created, 0
 * if it created none, so that lve_rmdir_p() can undo exactly that.  @each,
 * if given, runs on every level from the hierarchy root down to @path once
 * it exists.
 */
LVE_HIDDEN int lve_mkdir_p(const struct lve_host *host, int h, int hfd, const char *path,
			   size_t *made,
			   int (*each)(const struct lve_host *host, int h, int hfd,
				       const char *rel, int is_last));
/* Remove @path and its ancestors down to the prefix of length @made. */
LVE_HIDDEN void lve_rmdir_p(const struct lve_host *host, int h, int hfd, const char *path,
			    size_t made);

/* --- lve.c: the API over a given host (the public functions discover it) --- */

LVE_HIDDEN int lve_host_create(const struct lve_host *host, uint32_t ve_id);
LVE_HIDDEN int lve_host_destroy(const struct lve_host *host, uint32_t ve_id);
LVE_HIDDEN int lve_host_setup(const struct lve_host *host, uint32_t ve_id, int32_t cpu,
			      int32_t io);
LVE_HIDDEN int lve_host_set_default(const struct lve_host *host, uint32_t cpu, uint32_t io);
LVE_HIDDEN int lve_host_available(const struct lve_host *host);
/* The limits recorded for LVE @ve_id (its readiness marker); -ENOENT if none. */
LVE_HIDDEN int lve_host_limits(const struct lve_host *host, uint32_t ve_id,
			       struct lve_limits *out);
/* The defaults of @host's tree. */
LVE_HIDDEN int lve_host_defaults(const struct lve_host *host, struct lve_limits *out);

#endif /* LIBLVE_INTERNAL_H */
