/*
 * fake_test.c - liblve on fake cgroupfs trees: layout detection from
 * mountinfo, the exact value written for every limit, the order of the v1
 * CPU writes, v2's controller delegation, records and defaults, and what
 * happens when the "kernel" refuses, a file is a symlink, the tree is
 * read-only or missing.  Fast, and needs no cgroups of the machine's own
 * (root is needed only for trusted.* xattrs and the read-only mount).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "faketree.h"
#include "harness.h"

static void need_root(void)
{
	if (geteuid() != 0)
		SKIP("trusted.* xattrs and mounts need root");
}

static struct fake_tree *new_tree(enum fake_layout layout, enum fake_io io, const char *parent)
{
	static struct fake_tree ft;

	need_root();
	REQUIRE(fake_tree_init(&ft, layout, io, parent, "/") == 0);
	return &ft;
}

static int count_lines(const char *text, const char *needle)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* --- layout detection ------------------------------------------------------ */

static const char machine_mountinfo[] =
	"31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
	"32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
	"33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
	"34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
	"35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
	"38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio\n"
	"39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
	"40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n";
static const char machine_cgroup[] = "9:name=systemd:/\n8:pids:/\n7:blkio:/\n"
				     "4:memory:/process_api/db79\n3:cpuset:/\n2:cpuacct:/\n"
				     "1:cpu:/\n0::/\n";

static void t_parse_v1_separate(void)
{
	struct lve_host host = { 0 };

	CHECK_INT(lve_host_parse(&host, machine_mountinfo, machine_cgroup, "t/lve"), 0);
	CHECK_INT(host.n, 5); /* cpuset and the named hierarchy are not used */
	CHECK_STR(host.h[host.primary].mount, "/sys/fs/cgroup/cpu");
	for (int i = 0; i < host.n; i++) {
		CHECK_INT(host.h[i].kind, LVE_V1);
		if (strcmp(host.h[i].mount, "/sys/fs/cgroup/memory") == 0) {
			CHECK_STR(host.h[i].self, "process_api/db79");
			CHECK_STR(host.h[i].parent, "process_api/db79/t/lve");
		} else {
			CHECK_STR(host.h[i].self, "");
			CHECK_STR(host.h[i].parent, "t/lve");
		}
	}
	CHECK_INT(lve_host_parse(&host, machine_mountinfo, machine_cgroup, "/lve"), 0);
	CHECK_STR(host.h[0].parent, "lve");
}

static void t_parse_v1_comounted(void)
{
	static const char mi[] =
		"25 24 0:22 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
		"26 24 0:23 / /sys/fs/cgroup/blkio rw - cgroup cgroup rw,blkio\n"
		"27 24 0:24 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
		"28 24 0:25 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n"
		/* a second mount of the same hierarchy is not a second hierarchy */
		"29 24 0:22 / /mnt/cpu rw - cgroup cgroup rw,cpu,cpuacct\n";
	static const char cg[] = "4:pids:/user.slice\n3:memory:/user.slice\n2:blkio:/user.slice\n"
				 "1:cpu,cpuacct:/user.slice/u\n";
	struct lve_host host = { 0 };

	CHECK_INT(lve_host_parse(&host, mi, cg, "lve"), 0);
	CHECK_INT(host.n, 4);
	CHECK_INT(host.h[host.primary].ctrls, LVE_CTRL_CPU | LVE_CTRL_CPUACCT);
	CHECK_STR(host.h[host.primary].self, "user.slice/u");
	CHECK_STR(host.h[host.primary].parent, "user.slice/u/lve");
}

static void t_parse_container_and_escapes(void)
{
	/* mounted inside a container: the mount shows /docker/abc as its root */
	static const char mi[] = "40 31 0:29 /docker/abc /sys/fs/cgroup/my\\040cpu rw - cgroup "
				 "cgroup rw,cpu,cpuacct\n";
	static const char cg[] = "2:cpu,cpuacct:/docker/abc/inner\n";
	static const char outside[] = "2:cpu,cpuacct:/elsewhere\n";
	struct lve_host host = { 0 };

	CHECK_INT(lve_host_parse(&host, mi, cg, "lve"), 0);
	CHECK_STR(host.h[0].mount, "/sys/fs/cgroup/my cpu");
	CHECK_STR(host.h[0].root, "/docker/abc");
	CHECK_STR(host.h[0].self, "inner");
	CHECK_STR(host.h[0].parent, "inner/lve");
	/* our cgroup is not visible through that mount: nothing usable */
	CHECK_INT(lve_host_parse(&host, mi, outside, "lve"), -ENOSYS);
}

static void t_parse_no_cpu(void)
{
	static const char mi[] = "27 24 0:24 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n";
	static const char cg[] = "3:memory:/\n";
	struct lve_host host = { 0 };

	CHECK_INT(lve_host_parse(&host, mi, cg, "/lve"), -ENOSYS);
	CHECK_INT(lve_host_parse(&host, "", "", "/lve"), -ENOSYS);
}

static void t_parse_v2_and_hybrid(void)
{
	struct fake_tree *ft = new_tree(FAKE_V2, IO_NONE, "/lve");

	CHECK_INT(ft->host.n, 1);
	CHECK_INT(ft->host.h[0].kind, LVE_V2);
	CHECK_INT(ft->host.h[0].ctrls, LVE_CTRL_CPU | LVE_CTRL_CPUACCT | LVE_CTRL_IO |
					       LVE_CTRL_MEMORY | LVE_CTRL_PIDS);
	fake_tree_free(ft);

	ft = new_tree(FAKE_HYBRID, IO_NONE, "/lve");
	CHECK_INT(ft->host.n, 2);
	CHECK_INT(ft->host.h[ft->host.primary].kind, LVE_V1);
	CHECK_INT(ft->host.h[ft->host.primary].ctrls, LVE_CTRL_CPU | LVE_CTRL_CPUACCT);
	for (int h = 0; h < ft->host.n; h++)
		if (ft->host.h[h].kind == LVE_V2)
			CHECK_INT(ft->host.h[h].ctrls, LVE_CTRL_IO | LVE_CTRL_MEMORY | LVE_CTRL_PIDS);
	fake_tree_free(ft);
}

static void t_parse_hybrid_empty_unified(void)
{
	/* this project's machines: a unified tree that offers none of ours */
	struct fake_tree *ft = new_tree(FAKE_V1, IO_NONE, "/lve");
	char mi[8192], dir[256];
	struct lve_host host = { 0 };

	snprintf(dir, sizeof(dir), "%s/unified", ft->root);
	mkdir(dir, 0755);
	fake_put(dir, "cgroup.controllers", "hugetlb\n");
	snprintf(mi, sizeof(mi), "%s99 23 0:99 / %s rw - cgroup2 cgroup2 rw\n", ft->mountinfo, dir);
	host.fake = &ft->fake;
	CHECK_INT(lve_host_parse(&host, mi, ft->proc_cgroup, "/lve"), 0);
	CHECK_INT(host.n, 5);
	for (int h = 0; h < host.n; h++)
		CHECK_INT(host.h[h].kind, LVE_V1);
	fake_tree_free(ft);
}

static void t_parent_paths(void)
{
	static const struct {
		const char *parent;
		int want;
	} table[] = {
		{ "/lve", 0 },      { "lve", 0 },       { "a/b/c", 0 },   { "/a/b", 0 },
		{ "", -EINVAL },    { "/", -EINVAL },   { "..", -EINVAL }, { "a/../b", -EINVAL },
		{ "a/..", -EINVAL }, { "./a", -EINVAL }, { "a//b", -EINVAL }, { "a/", -EINVAL },
		{ "//a", -EINVAL }, { "a\nb", -EINVAL }, { "a\tb", -EINVAL }, { "...", 0 },
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		int r = lve_parent_check(table[i].parent);

		if (r != table[i].want)
			test_note("parent \"%s\"", table[i].parent);
		CHECK_INT(r, table[i].want);
	}
}

static void t_relative_parent_inside_lve(void)
{
	/* A process inside LVE 5 of the tree "t/lve" beneath "user/x" still
	 * resolves the relative parent to that same tree. */
	static const char mi[] = "25 24 0:22 / /cg rw - cgroup cgroup rw,cpu\n";
	struct lve_host host = { 0 };

	CHECK_INT(lve_host_parse(&host, mi, "1:cpu:/user/x\n", "t/lve"), 0);
	CHECK_STR(host.h[0].parent, "user/x/t/lve");
	CHECK_INT(lve_host_parse(&host, mi, "1:cpu:/user/x/t/lve/5\n", "t/lve"), 0);
	CHECK_STR(host.h[0].parent, "user/x/t/lve");
	CHECK_INT(lve_host_parse(&host, mi, "1:cpu:/t/lve/77\n", "t/lve"), 0);
	CHECK_STR(host.h[0].parent, "t/lve");
	/* not an LVE of that tree: beneath where we are */
	CHECK_INT(lve_host_parse(&host, mi, "1:cpu:/user/x/other/5\n", "t/lve"), 0);
	CHECK_STR(host.h[0].parent, "user/x/other/5/t/lve");
	CHECK_INT(lve_host_parse(&host, mi, "1:cpu:/user/xt/lve/5\n", "t/lve"), 0);
	CHECK_STR(host.h[0].parent, "user/xt/lve/5/t/lve");
}

/* --- exact values ---------------------------------------------------------- */

static const struct {
	int32_t cpu;
	const char *v1_quota;
	const char *v2_max;
} cpu_table[] = {
	{ 1, "1000", "1000 100000" },       { 20, "20000", "20000 100000" },
	{ 100, "100000", "100000 100000" }, { 250, "250000", "250000 100000" },
	{ 0, "-1", "max 100000" },          { 100000, "100000000", "100000000 100000" },
};

static void cpu_values(enum fake_layout layout)
{
	struct fake_tree *ft = new_tree(layout, IO_NONE, "/lve");
	int v2 = layout == FAKE_V2;

	CHECK_INT(lve_host_create(&ft->host, 7), 0);
	for (size_t i = 0; i < sizeof(cpu_table) / sizeof(cpu_table[0]); i++) {
		struct lve_limits lim;

		CHECK_INT(lve_host_setup(&ft->host, 7, cpu_table[i].cpu, -1), 0);
		if (v2) {
			CHECK_STR(fake_value(ft, LVE_CTRL_CPU, 7, "cpu.max"), cpu_table[i].v2_max);
		} else {
			CHECK_STR(fake_value(ft, LVE_CTRL_CPU, 7, "cpu.cfs_quota_us"),
				  cpu_table[i].v1_quota);
			CHECK_STR(fake_value(ft, LVE_CTRL_CPU, 7, "cpu.cfs_period_us"), "100000");
		}
		CHECK_INT(lve_host_limits(&ft->host, 7, &lim), 0);
		CHECK_INT(lim.cpu, cpu_table[i].cpu);
		CHECK_INT(lim.io, 100); /* untouched by a cpu-only setup */
	}
	fake_tree_free(ft);
}

static void t_cpu_values_v1(void)
{
	cpu_values(FAKE_V1);
}

static void t_cpu_values_v1_comounted(void)
{
	cpu_values(FAKE_V1_COMOUNT);
}

static void t_cpu_values_v2(void)
{
	cpu_values(FAKE_V2);
}

static void t_cpu_values_hybrid(void)
{
	cpu_values(FAKE_HYBRID);
}

static const int32_t io_table[] = { 1, 100, 1000 };

static void io_values(enum fake_layout layout, enum fake_io io, const char *file, int scale)
{
	struct fake_tree *ft = new_tree(layout, io, "/lve");

	CHECK_INT(lve_host_create(&ft->host, 8), 0);
	for (size_t i = 0; i < sizeof(io_table) / sizeof(io_table[0]); i++) {
		struct lve_limits lim;
		char want[16];

		ft->trace[0] = '\0';
		CHECK_INT(lve_host_setup(&ft->host, 8, -1, io_table[i]), 0);
		CHECK_INT(lve_host_limits(&ft->host, 8, &lim), 0);
		CHECK_INT(lim.io, io_table[i]); /* recorded in every case */
		CHECK_INT(lim.cpu, 100);
		CHECK(!strstr(ft->trace, "cpu.")); /* an io-only setup writes no cpu knob */
		if (!file) {
			/* no knob: nothing written but the record */
			CHECK(!strstr(ft->trace, "weight"));
			continue;
		}
		snprintf(want, sizeof(want), "%d", io_table[i] * scale);
		CHECK_STR(fake_value(ft, LVE_CTRL_IO, 8, file), want);
	}
	fake_tree_free(ft);
}

static void t_io_v1_bfq(void)
{
	io_values(FAKE_V1, IO_BFQ, "blkio.bfq.weight", 1);
}

static void t_io_v2_bfq(void)
{
	io_values(FAKE_V2, IO_BFQ, "io.bfq.weight", 1);
}

static void t_io_v2_iocost(void)
{
	io_values(FAKE_V2, IO_IOCOST, "io.weight", 10);
}

static void t_io_none(void)
{
	io_values(FAKE_V1, IO_NONE, NULL, 0);
	io_values(FAKE_V2, IO_NONE, NULL, 0);
}

/* --- the order of v1's period and quota ------------------------------------ */

static void t_v1_cpu_write_order(void)
{
	struct fake_tree *ft = new_tree(FAKE_V1, IO_NONE, "/lve");
	char period[4096];
	int h = ft->host.primary;

	/* a new LVE is on our period already: the quota alone */
	CHECK_INT(lve_host_create(&ft->host, 9), 0);
	CHECK_INT(count_lines(ft->trace, "cpu:lve/9/cpu.cfs_period_us="), 0);
	CHECK(strstr(ft->trace, "cpu:lve/9/cpu.cfs_quota_us=100000\n") != NULL);

	/* someone set a 1 s period: period first, then quota */
	snprintf(period, sizeof(period), "%s/lve/9", ft->host.h[h].mount);
	fake_put(period, "cpu.cfs_period_us", "1000000\n");
	ft->trace[0] = '\0';
	CHECK_INT(lve_host_setup(&ft->host, 9, 20, -1), 0);
	CHECK_STR(ft->trace, "cpu:lve/9/cpu.cfs_period_us=100000\n"
			     "cpu:lve/9/cpu.cfs_quota_us=20000\n");

	/* the kernel refuses the period next to the old quota: quota first */
	fake_put(period, "cpu.cfs_period_us", "1000000\n");
	ft->trace[0] = '\0';
	ft->fail_file = "cpu.cfs_period_us";
	ft->fail_errno = EINVAL;
	ft->fail_count = 1;
	CHECK_INT(lve_host_setup(&ft->host, 9, 30, -1), 0);
	CHECK_STR(ft->trace, "cpu:lve/9/cpu.cfs_period_us=100000\n"
			     "cpu:lve/9/cpu.cfs_quota_us=30000\n"
			     "cpu:lve/9/cpu.cfs_period_us=100000\n");
	CHECK_STR(fake_value(ft, LVE_CTRL_CPU, 9, "cpu.cfs_period_us"), "100000");
	CHECK_STR(fake_value(ft, LVE_CTRL_CPU, 9, "cpu.cfs_quota_us"), "30000");

	/* any other refusal is the caller's error, and the record stays */
	{
		struct lve_limits lim;

		fake_put(period, "cpu.cfs_period_us", "1000000\n");
		ft->fail_errno = EACCES;
		ft->fail_count = 1;
		CHECK_INT(lve_host_setup(&ft->host, 9, 40, -1), -EACCES);
		CHECK_INT(lve_host_limits(&ft->host, 9, &lim), 0);
		CHECK_INT(lim.cpu, 30);
	}
	fake_tree_free(ft);
}

/* --- v2 delegation ---------------------------------------------------------- */

static void t_v2_subtree_control(void)
{
	struct fake_tree *ft = new_tree(FAKE_V2, IO_BFQ, "/hosting/lve");
	char path[4096], buf[256];
	const char *mnt = ft->host.h[0].mount;

	CHECK_INT(lve_host_create(&ft->host, 11), 0);
	/* every level down to the parent delegates our controllers */
	static const char *levels[] = { "", "/hosting", "/hosting/lve" };
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s%s/cgroup.subtree_control", mnt, levels[i]);
		CHECK(fake_get(path, buf, sizeof(buf)) >= 0);
		CHECK_STR(buf, "cpu io memory pids");
	}
	/* the LVE itself is a leaf: it delegates nothing */
	snprintf(path, sizeof(path), "%s/hosting/lve/11/cgroup.subtree_control", mnt);
	CHECK(fake_get(path, buf, sizeof(buf)) >= 0);
	CHECK_STR(buf, "");
	/* already delegated: nothing rewritten the second time */
	ft->trace[0] = '\0';
	CHECK_INT(lve_host_create(&ft->host, 12), 0);
	CHECK_INT(count_lines(ft->trace, "subtree_control"), 0);
	fake_tree_free(ft);
}

static void t_v2_without_cpu(void)
{
	struct fake_tree *ft = new_tree(FAKE_V2, IO_NONE, "/lve");
	char dir[256];

	/* a parent whose parent does not offer cpu: no LVE without a cpu limit */
	snprintf(dir, sizeof(dir), "%s/unified", ft->root);
	fake_put(dir, "cgroup.controllers", "memory pids\n");
	CHECK_INT(lve_host_create(&ft->host, 13), -EOPNOTSUPP);
	CHECK(!fake_exists(ft, 0, "lve"));
	fake_tree_free(ft);
}

/* --- records, defaults, trees ------------------------------------------------ */

static void t_defaults_per_tree(void)
{
	struct fake_tree *ft = new_tree(FAKE_V1, IO_BFQ, "/a/lve");
	struct lve_host other = ft->host;
	struct lve_limits lim;

	for (int h = 0; h < other.n; h++)
		strcpy(other.h[h].parent, "b/lve");
	CHECK_INT(lve_host_defaults(&ft->host, &lim), 0);
	CHECK_INT(lim.cpu, 100);
	CHECK_INT(lim.io, 100);
	CHECK_INT(lve_host_set_default(&ft->host, 55, 321), 0);
	CHECK_INT(lve_host_defaults(&ft->host, &lim), 0);
	CHECK_INT(lim.cpu, 55);
	CHECK_INT(lim.io, 321);
	CHECK_INT(lve_host_create(&ft->host, 14), 0);
	CHECK_STR(fake_value(ft, LVE_CTRL_CPU, 14, "cpu.cfs_quota_us"), "55000");
	CHECK_STR(fake_value(ft, LVE_CTRL_IO, 14, "blkio.bfq.weight"), "321");
	/* a sibling tree keeps the built-in defaults */
	CHECK_INT(lve_host_defaults(&other, &lim), 0);
	CHECK_INT(lim.cpu, 100);
	CHECK_INT(lve_host_create(&other, 14), 0);
	CHECK_INT(lve_host_limits(&other, 14, &lim), 0);
	CHECK_INT(lim.cpu, 100);
	CHECK_INT(lim.io, 100);
	fake_tree_free(ft);
}

static void t_destroy(void)
{
	struct fake_tree *ft = new_tree(FAKE_V1, IO_NONE, "/lve");
	char dir[4096];

	CHECK_INT(lve_host_destroy(&ft->host, 15), -ENOENT);
	CHECK_INT(lve_host_create(&ft->host, 15), 0);
	/* a process in the memory cgroup alone still makes it busy */
	for (int h = 0; h < ft->host.n; h++)
		if (ft->host.h[h].ctrls & LVE_CTRL_MEMORY) {
			snprintf(dir, sizeof(dir), "%s/lve/15", ft->host.h[h].mount);
			fake_put(dir, "cgroup.procs", "4242\n");
		}
	CHECK_INT(lve_host_destroy(&ft->host, 15), -EBUSY);
	for (int h = 0; h < ft->host.n; h++)
		CHECK(fake_lve_exists(ft, h, 15));
	fake_put(dir, "cgroup.procs", "");
	CHECK_INT(lve_host_destroy(&ft->host, 15), 0);
	for (int h = 0; h < ft->host.n; h++)
		CHECK(!fake_lve_exists(ft, h, 15));
	CHECK_INT(lve_host_setup(&ft->host, 15, 10, 10), -ENOENT);
	fake_tree_free(ft);
}

static void t_unfinished_lve(void)
{
	struct fake_tree *ft = new_tree(FAKE_V1, IO_NONE, "/lve");
	struct lve_limits lim;
	char dir[4096];

	/* a creator killed after mkdir in one hierarchy: no record */
	CHECK_INT(lve_host_set_default(&ft->host, 70, 100), 0);
	snprintf(dir, sizeof(dir), "%s/lve/16", ft->host.h[ft->host.primary].mount);
	REQUIRE(mkdir(dir, 0755) == 0);
	fake_made(ft, &ft->host, ft->host.primary, "lve/16");
	/* it does not exist for setup, nor as a record */
	CHECK_INT(lve_host_setup(&ft->host, 16, 10, 10), -ENOENT);
	CHECK_INT(lve_host_limits(&ft->host, 16, &lim), -ENOENT);
	/* the next creator finishes it, in every hierarchy */
	CHECK_INT(lve_host_create(&ft->host, 16), 0);
	for (int h = 0; h < ft->host.n; h++)
		CHECK(fake_lve_exists(ft, h, 16));
	CHECK_STR(fake_value(ft, LVE_CTRL_CPU, 16, "cpu.cfs_quota_us"), "70000");
	CHECK_INT(lve_host_limits(&ft->host, 16, &lim), 0);
	CHECK_INT(lim.cpu, 70);
	fake_tree_free(ft);
}

/* --- refusals ------------------------------------------------------------------ */

static void t_failure_leaves_nothing(void)
{
	static const int alloc_errors[] = { ENOMEM, ENOSPC, EAGAIN };
	struct fake_tree *ft = new_tree(FAKE_V1, IO_BFQ, "/lve");

	/* a limit the kernel refuses while creating: no half-made LVE */
	ft->fail_file = "blkio.bfq.weight";
	ft->fail_errno = EIO;
	ft->fail_count = 1;
	CHECK_INT(lve_host_create(&ft->host, 17), -EIO);
	for (int h = 0; h < ft->host.n; h++)
		CHECK(!fake_lve_exists(ft, h, 17));

	/* the kernel refusing the mkdir itself: -ENOMEM, whichever way */
	for (size_t i = 0; i < 3; i++) {
		ft->fail_file = "mkdir";
		ft->fail_errno = alloc_errors[i];
		ft->fail_count = 1;
		CHECK_INT(lve_host_create(&ft->host, 18), -ENOMEM);
		for (int h = 0; h < ft->host.n; h++)
			CHECK(!fake_lve_exists(ft, h, 18));
	}
	/* in a later hierarchy: the ones already made are undone */
	ft->fail_file = "mkdir";
	ft->fail_errno = ENOSPC;
	ft->fail_after = 2;
	ft->fail_count = 1;
	CHECK_INT(lve_host_create(&ft->host, 19), -ENOMEM);
	for (int h = 0; h < ft->host.n; h++)
		CHECK(!fake_lve_exists(ft, h, 19));
	CHECK_INT(lve_host_create(&ft->host, 19), 0);
	for (int h = 0; h < ft->host.n; h++)
		CHECK(fake_lve_exists(ft, h, 19));
	fake_tree_free(ft);
}

static void t_missing_hierarchy(void)
{
	struct fake_tree *ft = new_tree(FAKE_V1, IO_NONE, "/a/b/lve");
	char dir[512];

	/* one hierarchy's mount is gone: nothing is made in the others */
	snprintf(dir, sizeof(dir), "%s/pids", ft->root);
	REQUIRE(rmdir(dir) == 0);
	CHECK_INT(lve_host_available(&ft->host), 0);
	CHECK_INT(lve_host_create(&ft->host, 20), -ENOENT);
	CHECK_INT(lve_host_set_default(&ft->host, 20, 20), -ENOENT);
	for (int h = 0; h < ft->host.n; h++)
		CHECK(!fake_exists(ft, h, "a"));
	fake_tree_free(ft);

	/* the whole tree gone */
	ft = new_tree(FAKE_V2, IO_NONE, "/lve");
	fake_tree_free(ft);
	CHECK_INT(lve_host_available(&ft->host), 0);
	CHECK_INT(lve_host_create(&ft->host, 20), -ENOENT);
}

static void t_read_only_tree(void)
{
	struct fake_tree *ft = new_tree(FAKE_V1, IO_NONE, "/lve");
	char root[128];

	/* a private mount namespace: the read-only tmpfs dies with this test */
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		SKIP("cannot make a private mount namespace: %s", strerror(errno));
	snprintf(root, sizeof(root), "%s", ft->root);
	fake_tree_free(ft);
	REQUIRE(mkdir(root, 0755) == 0 || errno == EEXIST);
	REQUIRE(mount("tmpfs", root, "tmpfs", 0, "size=1m") == 0);
	/* the same layout again, on the tmpfs */
	{
		static const char *v1[] = { "cpu", "cpuacct", "blkio", "memory", "pids" };
		char dir[256];

		for (int i = 0; i < 5; i++) {
			snprintf(dir, sizeof(dir), "%s/%s", root, v1[i]);
			REQUIRE(mkdir(dir, 0755) == 0);
		}
	}
	REQUIRE(mount(NULL, root, NULL, MS_REMOUNT | MS_RDONLY, NULL) == 0);
	CHECK_INT(lve_host_available(&ft->host), 1); /* it is there, only not writable */
	CHECK_INT(lve_host_create(&ft->host, 21), -EROFS);
	CHECK_INT(lve_host_set_default(&ft->host, 10, 10), -EROFS);
	CHECK_INT(lve_host_setup(&ft->host, 21, 10, 10), -ENOENT);
	umount2(root, MNT_DETACH);
	rmdir(root);
}

static void symlinks_refused(int walk_only)
{
	struct fake_tree *ft = new_tree(FAKE_V1, IO_NONE, "/lve");
	char dir[4096], link[4200], victim[256], buf[64];

	ft->fake.walk_only = walk_only;
	CHECK_INT(lve_host_create(&ft->host, 22), 0);
	/* a control file replaced by a symlink to somewhere else */
	snprintf(victim, sizeof(victim), "%s/victim", ft->root);
	fake_put(ft->root, "victim", "precious\n");
	snprintf(dir, sizeof(dir), "%s/lve/22", ft->host.h[ft->host.primary].mount);
	snprintf(link, sizeof(link), "%s/cpu.cfs_quota_us", dir);
	REQUIRE(unlink(link) == 0 && symlink(victim, link) == 0);
	CHECK_INT(lve_host_setup(&ft->host, 22, 10, -1), -ELOOP);
	CHECK(fake_get(victim, buf, sizeof(buf)) > 0);
	CHECK_STR(buf, "precious");

	/* a directory on the way replaced by a symlink */
	snprintf(dir, sizeof(dir), "%s/elsewhere", ft->root);
	REQUIRE(mkdir(dir, 0755) == 0);
	snprintf(link, sizeof(link), "%s/lve/23", ft->host.h[ft->host.primary].mount);
	REQUIRE(symlink(dir, link) == 0);
	CHECK(lve_host_create(&ft->host, 23) < 0);
	CHECK(lve_host_setup(&ft->host, 23, 10, -1) < 0);
	/* ... and nothing was made through it */
	{
		char made[4200];
		struct stat st;

		snprintf(made, sizeof(made), "%s/cgroup.procs", dir);
		CHECK(stat(made, &st) < 0);
	}
	fake_tree_free(ft);
}

static void t_symlinks_refused(void)
{
	symlinks_refused(0);
}

static void t_symlinks_refused_walk(void)
{
	symlinks_refused(1);
}

static void t_cpu_values_walk(void)
{
	struct fake_tree *ft = new_tree(FAKE_V1, IO_BFQ, "/a/b/lve");

	ft->fake.walk_only = 1;
	CHECK_INT(lve_host_create(&ft->host, 25), 0);
	CHECK_INT(lve_host_setup(&ft->host, 25, 20, 300), 0);
	CHECK_STR(fake_value(ft, LVE_CTRL_CPU, 25, "cpu.cfs_quota_us"), "20000");
	CHECK_STR(fake_value(ft, LVE_CTRL_IO, 25, "blkio.bfq.weight"), "300");
	CHECK_INT(lve_host_destroy(&ft->host, 25), 0);
	fake_tree_free(ft);
}

static void t_not_cgroupfs_refused(void)
{
	struct fake_tree *ft = new_tree(FAKE_V1, IO_NONE, "/lve");
	struct lve_host real = ft->host;

	/* without the fake, these directories are what they are: not cgroupfs */
	real.fake = NULL;
	CHECK_INT(lve_host_create(&real, 24), -EXDEV);
	CHECK_INT(lve_host_available(&real), 0);
	for (int h = 0; h < ft->host.n; h++)
		CHECK(!fake_exists(ft, h, "lve"));
	fake_tree_free(ft);
}

static const struct test_case tests[] = {
	{ "parse: v1, one hierarchy per controller", t_parse_v1_separate },
	{ "parse: v1 co-mounted cpu,cpuacct", t_parse_v1_comounted },
	{ "parse: container mount root, escaped names", t_parse_container_and_escapes },
	{ "parse: no cpu controller is ENOSYS", t_parse_no_cpu },
	{ "parse: pure v2 and hybrid", t_parse_v2_and_hybrid },
	{ "parse: hybrid with an empty unified tree", t_parse_hybrid_empty_unified },
	{ "parent paths", t_parent_paths },
	{ "relative parent from inside an LVE", t_relative_parent_inside_lve },
	{ "cpu values: v1", t_cpu_values_v1 },
	{ "cpu values: v1 co-mounted", t_cpu_values_v1_comounted },
	{ "cpu values: v2", t_cpu_values_v2 },
	{ "cpu values: hybrid", t_cpu_values_hybrid },
	{ "io values: v1 blkio.bfq.weight", t_io_v1_bfq },
	{ "io values: v2 io.bfq.weight", t_io_v2_bfq },
	{ "io values: v2 io.weight", t_io_v2_iocost },
	{ "io values: no knob, recorded", t_io_none },
	{ "v1 period/quota write order", t_v1_cpu_write_order },
	{ "v2 subtree_control down the path", t_v2_subtree_control },
	{ "v2 without the cpu controller", t_v2_without_cpu },
	{ "defaults belong to their tree", t_defaults_per_tree },
	{ "destroy", t_destroy },
	{ "an unfinished LVE is finished, not used", t_unfinished_lve },
	{ "a refused creation leaves nothing", t_failure_leaves_nothing },
	{ "missing hierarchy", t_missing_hierarchy },
	{ "read-only tree", t_read_only_tree },
	{ "symlinks refused", t_symlinks_refused },
	{ "symlinks refused without openat2", t_symlinks_refused_walk },
	{ "values written without openat2", t_cpu_values_walk },
	{ "not cgroupfs refused", t_not_cgroupfs_refused },
};

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	fake_suite_pid = getpid();
	return run_tests("liblve on fake cgroupfs trees", tests, sizeof(tests) / sizeof(tests[0]),
			 fake_remove_all, argc, argv);
}
