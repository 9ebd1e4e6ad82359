/* SPDX-License-Identifier: MIT */
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

#include <sys/file.h>
#include <sys/wait.h>
#include <sys/xattr.h>

#include "cgtree.h"
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


/* --- the seed's two limits, over the table --------------------------------- */

static int set_default(const struct lve_host *host, uint32_t cpu, uint32_t io)
{
	struct lve_limits lim = { { 0 } };

	lim.value[LVE_LIMIT_SPEED] = cpu;
	lim.value[LVE_LIMIT_IO_WEIGHT] = io;
	return lve_host_set_defaults(host, &lim,
				     LVE_LIMIT_BIT(LVE_LIMIT_SPEED) | LVE_LIMIT_BIT(LVE_LIMIT_IO_WEIGHT));
}

/* One limit of LVE @id, or -1 when it has none (no record). */
static long long limit_of(const struct lve_host *host, uint32_t id, unsigned limit)
{
	struct lve_limits lim;

	if (lve_host_get(host, id, &lim, NULL) < 0)
		return -1;
	return (long long)lim.value[limit];
}

static long long default_of(const struct lve_host *host, unsigned limit)
{
	struct lve_limits lim;

	if (lve_host_defaults(host, &lim) < 0)
		return -1;
	return (long long)lim.value[limit];
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
		CHECK_INT(lve_host_get(&ft->host, 7, &lim, NULL), 0);
		CHECK_INT(lim.value[LVE_LIMIT_SPEED], cpu_table[i].cpu);
		CHECK_INT(lim.value[LVE_LIMIT_IO_WEIGHT], 100); /* untouched by a cpu-only setup */
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
		CHECK_INT(lve_host_get(&ft->host, 8, &lim, NULL), 0);
		CHECK_INT(lim.value[LVE_LIMIT_IO_WEIGHT], io_table[i]); /* recorded in every case */
		CHECK_INT(lim.value[LVE_LIMIT_SPEED], 100);
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

	/* a new LVE is on our period already: the quota alone (written while
	 * it is still under its temporary name) */
	CHECK_INT(lve_host_create(&ft->host, 9), 0);
	CHECK_INT(count_lines(ft->trace, "cpu.cfs_period_us="), 0);
	CHECK(strstr(ft->trace, "cpu:lve/.lve-new-9/cpu.cfs_quota_us=100000\n") != NULL);

	/* someone set a 1 s period: period first, then quota */
	snprintf(period, sizeof(period), "%s/lve/9", ft->host.h[h].mount);
	fake_put(period, "cpu.cfs_period_us", "1000000\n");
	ft->trace[0] = '\0';
	CHECK_INT(lve_host_setup(&ft->host, 9, 20, -1), 0);
	CHECK_STR(ft->trace, "cpu:lve/9/cpu.cfs_period_us=100000\n"
			     "cpu:lve/9/cpu.cfs_quota_us=20000\n"
			     "cpu:lve/9:xattr trusted.liblve.limits\n");

	/* the kernel refuses the period next to the old quota: quota first */
	fake_put(period, "cpu.cfs_period_us", "1000000\n");
	ft->trace[0] = '\0';
	ft->fail_file = "cpu.cfs_period_us";
	ft->fail_errno = EINVAL;
	ft->fail_count = 1;
	CHECK_INT(lve_host_setup(&ft->host, 9, 30, -1), 0);
	CHECK_STR(ft->trace, "cpu:lve/9/cpu.cfs_period_us=100000\n"
			     "cpu:lve/9/cpu.cfs_quota_us=30000\n"
			     "cpu:lve/9/cpu.cfs_period_us=100000\n"
			     "cpu:lve/9:xattr trusted.liblve.limits\n");
	CHECK_STR(fake_value(ft, LVE_CTRL_CPU, 9, "cpu.cfs_period_us"), "100000");
	CHECK_STR(fake_value(ft, LVE_CTRL_CPU, 9, "cpu.cfs_quota_us"), "30000");

	/* any other refusal is the caller's error, and the record stays */
	{
		struct lve_limits lim;

		fake_put(period, "cpu.cfs_period_us", "1000000\n");
		ft->fail_errno = EACCES;
		ft->fail_count = 1;
		CHECK_INT(lve_host_setup(&ft->host, 9, 40, -1), -EACCES);
		CHECK_INT(lve_host_get(&ft->host, 9, &lim, NULL), 0);
		CHECK_INT(lim.value[LVE_LIMIT_SPEED], 30);
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
	CHECK_INT(lim.value[LVE_LIMIT_SPEED], 100);
	CHECK_INT(lim.value[LVE_LIMIT_IO_WEIGHT], 100);
	CHECK_INT(set_default(&ft->host, 55, 321), 0);
	CHECK_INT(lve_host_defaults(&ft->host, &lim), 0);
	CHECK_INT(lim.value[LVE_LIMIT_SPEED], 55);
	CHECK_INT(lim.value[LVE_LIMIT_IO_WEIGHT], 321);
	CHECK_INT(lve_host_create(&ft->host, 14), 0);
	CHECK_STR(fake_value(ft, LVE_CTRL_CPU, 14, "cpu.cfs_quota_us"), "55000");
	CHECK_STR(fake_value(ft, LVE_CTRL_IO, 14, "blkio.bfq.weight"), "321");
	/* a sibling tree keeps the built-in defaults */
	CHECK_INT(lve_host_defaults(&other, &lim), 0);
	CHECK_INT(lim.value[LVE_LIMIT_SPEED], 100);
	CHECK_INT(lve_host_create(&other, 14), 0);
	CHECK_INT(lve_host_get(&other, 14, &lim, NULL), 0);
	CHECK_INT(lim.value[LVE_LIMIT_SPEED], 100);
	CHECK_INT(lim.value[LVE_LIMIT_IO_WEIGHT], 100);
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
	CHECK_INT(set_default(&ft->host, 70, 100), 0);
	snprintf(dir, sizeof(dir), "%s/lve/16", ft->host.h[ft->host.primary].mount);
	REQUIRE(mkdir(dir, 0755) == 0);
	fake_made(ft, &ft->host, ft->host.primary, "lve/16");
	/* it does not exist for setup, nor as a record */
	CHECK_INT(lve_host_setup(&ft->host, 16, 10, 10), -ENOENT);
	CHECK_INT(lve_host_get(&ft->host, 16, &lim, NULL), -ENOENT);
	/* the next creator finishes it, in every hierarchy */
	CHECK_INT(lve_host_create(&ft->host, 16), 0);
	for (int h = 0; h < ft->host.n; h++)
		CHECK(fake_lve_exists(ft, h, 16));
	CHECK_STR(fake_value(ft, LVE_CTRL_CPU, 16, "cpu.cfs_quota_us"), "70000");
	CHECK_INT(lve_host_get(&ft->host, 16, &lim, NULL), 0);
	CHECK_INT(lim.value[LVE_LIMIT_SPEED], 70);
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
	CHECK_INT(set_default(&ft->host, 20, 20), -ENOENT);
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
	CHECK_INT(set_default(&ft->host, 10, 10), -EROFS);
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

/* --- every limit: the exact file and value ---------------------------------- */

static const struct lve_devices two_disks = { 2, { { 8, 0 }, { 259, 1 } } };

/* Set limit @limit of LVE @id to @value (made if need be). */
static int set_limit(const struct lve_host *host, uint32_t id, unsigned limit, uint64_t value,
		     uint32_t *unenforced)
{
	struct lve_limits lim = { { 0 } };

	lim.value[limit] = value;
	return lve_host_set(host, id, &lim, LVE_LIMIT_BIT(limit), 1, unenforced);
}

static const struct {
	unsigned limit;
	uint64_t value;
	const char *file;   /* in the hierarchy carrying @ctrl */
	unsigned ctrl;
	const char *v1, *v2; /* what it holds after, NULL: not on that layout */
} exact[] = {
	{ LVE_LIMIT_PMEM, 64ull << 20, "memory.limit_in_bytes", LVE_CTRL_MEMORY, "67108864", NULL },
	/* one charge batch above: the memory limit is hit first, and counted */
	{ LVE_LIMIT_PMEM, 64ull << 20, "memory.memsw.limit_in_bytes", LVE_CTRL_MEMORY, "67371008", NULL },
	{ LVE_LIMIT_PMEM, 64ull << 20, "memory.max", LVE_CTRL_MEMORY, NULL, "67108864" },
	{ LVE_LIMIT_PMEM, 64ull << 20, "memory.swap.max", LVE_CTRL_MEMORY, NULL, "0" },
	{ LVE_LIMIT_PMEM, 0, "memory.limit_in_bytes", LVE_CTRL_MEMORY, "-1", NULL },
	{ LVE_LIMIT_PMEM, 0, "memory.memsw.limit_in_bytes", LVE_CTRL_MEMORY, "-1", NULL },
	{ LVE_LIMIT_PMEM, 0, "memory.max", LVE_CTRL_MEMORY, NULL, "max" },
	{ LVE_LIMIT_PMEM, 0, "memory.swap.max", LVE_CTRL_MEMORY, NULL, "max" },
	{ LVE_LIMIT_NPROC, 10, "pids.max", LVE_CTRL_PIDS, "10", "10" },
	{ LVE_LIMIT_NPROC, 0, "pids.max", LVE_CTRL_PIDS, "max", "max" },
	{ LVE_LIMIT_IO, 1048576, "blkio.throttle.read_bps_device", LVE_CTRL_IO,
	  "8:0 1048576\n259:1 1048576", NULL },
	{ LVE_LIMIT_IO, 1048576, "blkio.throttle.write_bps_device", LVE_CTRL_IO,
	  "8:0 1048576\n259:1 1048576", NULL },
	{ LVE_LIMIT_IO, 1048576, "io.max", LVE_CTRL_IO, NULL,
	  "8:0 rbps=1048576 wbps=1048576 riops=max wiops=max\n"
	  "259:1 rbps=1048576 wbps=1048576 riops=max wiops=max" },
	{ LVE_LIMIT_IOPS, 500, "blkio.throttle.read_iops_device", LVE_CTRL_IO, "8:0 500\n259:1 500", NULL },
	{ LVE_LIMIT_IOPS, 500, "blkio.throttle.write_iops_device", LVE_CTRL_IO, "8:0 500\n259:1 500", NULL },
	{ LVE_LIMIT_IOPS, 500, "io.max", LVE_CTRL_IO, NULL,
	  "8:0 rbps=1048576 wbps=1048576 riops=500 wiops=500\n"
	  "259:1 rbps=1048576 wbps=1048576 riops=500 wiops=500" },
	/* 0 lifts a per-disk limit: the rule goes (or its keys go back to max) */
	{ LVE_LIMIT_IO, 0, "blkio.throttle.read_bps_device", LVE_CTRL_IO, "", NULL },
	{ LVE_LIMIT_IO, 0, "io.max", LVE_CTRL_IO, NULL,
	  "8:0 rbps=max wbps=max riops=500 wiops=500\n259:1 rbps=max wbps=max riops=500 wiops=500" },
	{ LVE_LIMIT_IOPS, 0, "blkio.throttle.read_iops_device", LVE_CTRL_IO, "", NULL },
	{ LVE_LIMIT_IOPS, 0, "io.max", LVE_CTRL_IO, NULL, "" },
};

static void limit_values(enum fake_layout layout)
{
	struct fake_tree *ft = new_tree(layout, IO_BFQ, "/lve");
	int v2 = fake_hier_of(ft, LVE_CTRL_MEMORY) >= 0 &&
		 ft->host.h[fake_hier_of(ft, LVE_CTRL_MEMORY)].kind == LVE_V2;

	lve_devices_override(&two_disks);
	CHECK_INT(lve_host_create(&ft->host, 31), 0);
	for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++) {
		const char *want = v2 ? exact[i].v2 : exact[i].v1;
		uint32_t unenforced = ~0u;

		CHECK_INT(set_limit(&ft->host, 31, exact[i].limit, exact[i].value, &unenforced), 0);
		CHECK_INT(unenforced, 0);
		CHECK_INT(limit_of(&ft->host, 31, exact[i].limit), (long long)exact[i].value);
		if (!want)
			continue;
		if (strcmp(fake_value(ft, exact[i].ctrl, 31, exact[i].file), want) != 0)
			test_note("row %zu: %s = %llu", i, lve_limit_info(exact[i].limit)->name,
				  (unsigned long long)exact[i].value);
		CHECK_STR(fake_value(ft, exact[i].ctrl, 31, exact[i].file), want);
	}
	/* every limit at once, and the record names them all */
	{
		struct lve_limits lim, got;
		uint32_t unenforced = ~0u;

		for (unsigned l = 0; l < LVE_LIMIT_COUNT; l++)
			lim.value[l] = lve_limit_info(l)->min + 1;
		CHECK_INT(lve_host_set(&ft->host, 32, &lim, LVE_LIMIT_ALL, 1, &unenforced), 0);
		CHECK_INT(unenforced, 0);
		CHECK_INT(lve_host_get(&ft->host, 32, &got, NULL), 0);
		for (unsigned l = 0; l < LVE_LIMIT_COUNT; l++)
			CHECK_INT(got.value[l], lim.value[l]);
	}
	lve_devices_override(NULL);
	fake_tree_free(ft);
}

static void t_limit_values_v1(void)
{
	limit_values(FAKE_V1);
}

static void t_limit_values_v2(void)
{
	limit_values(FAKE_V2);
}

static void t_limit_values_hybrid(void)
{
	limit_values(FAKE_HYBRID);
}

static void t_limit_ranges(void)
{
	struct fake_tree *ft = new_tree(FAKE_V1, IO_NONE, "/lve");

	/* the table's own ranges */
	for (unsigned l = 0; l < LVE_LIMIT_COUNT; l++) {
		const struct lve_limit_info *info = lve_limit_info(l);

		CHECK(info != NULL && info->name[0] != '\0');
		CHECK(lve_limit_valid(l, info->max));
		CHECK(!lve_limit_valid(l, info->max + 1));
		CHECK(lve_limit_valid(l, info->min));
		CHECK_INT(lve_limit_valid(l, 0), info->zero_unlimited);
	}
	CHECK(lve_limit_info(LVE_LIMIT_COUNT) == NULL);
	CHECK_INT(lve_limit_valid(LVE_LIMIT_IO_WEIGHT, 0), 0);
	CHECK_INT(lve_limit_valid(LVE_LIMIT_SPEED, 100001), 0);
	fake_tree_free(ft);
}

/* v1's memory and memory+swap limits, in the order the kernel takes them. */
static void t_pmem_order_v1(void)
{
	struct fake_tree *ft = new_tree(FAKE_V1, IO_BFQ, "/lve");

	CHECK_INT(lve_host_create(&ft->host, 33), 0);
	/* lowering from no limit: memory first, then memory+swap */
	ft->trace[0] = '\0';
	CHECK_INT(set_limit(&ft->host, 33, LVE_LIMIT_PMEM, 1ull << 30, NULL), 0);
	CHECK_STR(ft->trace, "memory:lve/33/memory.limit_in_bytes=1073741824\n"
			     "memory:lve/33/memory.memsw.limit_in_bytes=1074003968\n"
			     "cpu:lve/33:xattr trusted.liblve.limits\n");
	/* raising: the kernel refuses memory above memory+swap, so that first */
	ft->trace[0] = '\0';
	CHECK_INT(set_limit(&ft->host, 33, LVE_LIMIT_PMEM, 2ull << 30, NULL), 0);
	CHECK_STR(ft->trace, "memory:lve/33/memory.limit_in_bytes=2147483648\n"
			     "memory:lve/33/memory.memsw.limit_in_bytes=2147745792\n"
			     "memory:lve/33/memory.limit_in_bytes=2147483648\n"
			     "cpu:lve/33:xattr trusted.liblve.limits\n");
	CHECK_STR(fake_value(ft, LVE_CTRL_MEMORY, 33, "memory.limit_in_bytes"), "2147483648");
	CHECK_STR(fake_value(ft, LVE_CTRL_MEMORY, 33, "memory.memsw.limit_in_bytes"), "2147745792");
	/* back to none: the same, with -1 */
	CHECK_INT(set_limit(&ft->host, 33, LVE_LIMIT_PMEM, 0, NULL), 0);
	CHECK_STR(fake_value(ft, LVE_CTRL_MEMORY, 33, "memory.limit_in_bytes"), "-1");
	CHECK_STR(fake_value(ft, LVE_CTRL_MEMORY, 33, "memory.memsw.limit_in_bytes"), "-1");
	/* a kernel without swap accounting: memory alone, still enforced */
	ft->missing = "memory.memsw.limit_in_bytes";
	{
		uint32_t unenforced = ~0u;

		CHECK_INT(set_limit(&ft->host, 34, LVE_LIMIT_PMEM, 1ull << 30, &unenforced), 0);
		CHECK_INT(unenforced, 0);
		CHECK_STR(fake_value(ft, LVE_CTRL_MEMORY, 34, "memory.limit_in_bytes"), "1073741824");
	}
	fake_tree_free(ft);
}

/* A knob the kernel does not offer: recorded, reported, never a silent success. */
static void t_missing_knobs(void)
{
	static const struct {
		enum fake_layout layout;
		enum fake_io io;
		const char *missing;
		unsigned limit;
		uint64_t value;
	} rows[] = {
		{ FAKE_V1, IO_NONE, NULL, LVE_LIMIT_IO_WEIGHT, 300 },
		{ FAKE_V2, IO_NONE, NULL, LVE_LIMIT_IO_WEIGHT, 300 },
		{ FAKE_V1, IO_BFQ,
		  "blkio.throttle.read_bps_device blkio.throttle.write_bps_device "
		  "blkio.throttle.read_iops_device blkio.throttle.write_iops_device",
		  LVE_LIMIT_IO, 1048576 },
		{ FAKE_V1, IO_BFQ,
		  "blkio.throttle.read_bps_device blkio.throttle.write_bps_device "
		  "blkio.throttle.read_iops_device blkio.throttle.write_iops_device",
		  LVE_LIMIT_IOPS, 100 },
		{ FAKE_V2, IO_IOCOST, "io.max", LVE_LIMIT_IO, 1048576 },
		{ FAKE_V2, IO_BFQ, "io.max", LVE_LIMIT_IOPS, 100 },
	};

	lve_devices_override(&two_disks);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct fake_tree *ft = new_tree(rows[i].layout, rows[i].io, "/lve");
		uint32_t unenforced = 0, again = 0;
		struct lve_limits lim;

		ft->missing = rows[i].missing;
		CHECK_INT(set_limit(&ft->host, 35, rows[i].limit, rows[i].value, &unenforced), 0);
		if (unenforced != LVE_LIMIT_BIT(rows[i].limit))
			test_note("row %zu", i);
		CHECK_INT(unenforced, LVE_LIMIT_BIT(rows[i].limit));
		/* recorded, and reported again later */
		CHECK_INT(lve_host_get(&ft->host, 35, &lim, &again), 0);
		CHECK_INT(lim.value[rows[i].limit], rows[i].value);
		CHECK_INT(again, LVE_LIMIT_BIT(rows[i].limit));
		/* "no limit" is no longer a limit that cannot be enforced */
		CHECK_INT(set_limit(&ft->host, 35, rows[i].limit,
				    rows[i].limit == LVE_LIMIT_IO_WEIGHT ? 100 : 0, &unenforced), 0);
		CHECK_INT(unenforced, rows[i].limit == LVE_LIMIT_IO_WEIGHT ? LVE_LIMIT_BIT(rows[i].limit) : 0);
		fake_tree_free(ft);
	}
	/* no disk to put a rule on: an io limit is not enforced */
	{
		static const struct lve_devices none = { 0, { { 0, 0 } } };
		struct fake_tree *ft = new_tree(FAKE_V1, IO_BFQ, "/lve");
		uint32_t unenforced = 0;

		lve_devices_override(&none);
		CHECK_INT(set_limit(&ft->host, 36, LVE_LIMIT_IO, 1048576, &unenforced), 0);
		CHECK_INT(unenforced, LVE_LIMIT_BIT(LVE_LIMIT_IO));
		fake_tree_free(ft);
	}
	lve_devices_override(NULL);
	/* a controller no hierarchy carries (no pids mounted): not enforced */
	{
		static const char mi[] = "25 24 0:22 / %s/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n";
		struct fake_tree *ft = new_tree(FAKE_V1_COMOUNT, IO_NONE, "/lve");
		char text[512], proc[] = "1:cpu,cpuacct:/\n";
		struct lve_host host = { 0 };
		uint32_t unenforced = 0;

		snprintf(text, sizeof(text), mi, ft->root);
		host.fake = &ft->fake;
		REQUIRE(lve_host_parse(&host, text, proc, "/lve") == 0);
		CHECK_INT(set_limit(&host, 37, LVE_LIMIT_NPROC, 50, &unenforced), 0);
		/* (no blkio either: the io weight is not enforced, as ever) */
		CHECK_INT(unenforced, LVE_LIMIT_BIT(LVE_LIMIT_NPROC) | LVE_LIMIT_BIT(LVE_LIMIT_IO_WEIGHT));
		CHECK_INT(set_limit(&host, 37, LVE_LIMIT_SPEED, 50, &unenforced), 0);
		CHECK_INT(unenforced, LVE_LIMIT_BIT(LVE_LIMIT_NPROC) | LVE_LIMIT_BIT(LVE_LIMIT_IO_WEIGHT));
		fake_tree_free(ft);
	}
}

/* --- creation: atomic for observers, the record last --------------------------- */

/* The line number (0-based) of the first line of @trace containing @needle,
 * or -1. */
static int line_of(const char *trace, const char *needle)
{
	const char *p = strstr(trace, needle);
	int n = 0;

	if (!p)
		return -1;
	for (const char *c = trace; c < p; c++)
		n += *c == '\n';
	return n;
}

static int last_line_of(const char *trace, const char *needle)
{
	int last = -1, n = 0;
	size_t len = strlen(needle);

	for (const char *line = trace; *line; n++) {
		const char *end = strchrnul(line, '\n');

		if (memmem(line, (size_t)(end - line), needle, len))
			last = n;
		line = *end ? end + 1 : end;
	}
	return last;
}

static void t_v1_built_aside_then_renamed(void)
{
	struct fake_tree *ft = new_tree(FAKE_V1, IO_BFQ, "/lve");
	struct lve_limits lim = { { 0 } };
	int record, rename_cpu;

	lve_devices_override(&two_disks);
	lim.value[LVE_LIMIT_PMEM] = 1ull << 30;
	lim.value[LVE_LIMIT_IO] = 1 << 20;
	CHECK_INT(lve_host_set(&ft->host, 40, &lim,
			       LVE_LIMIT_BIT(LVE_LIMIT_PMEM) | LVE_LIMIT_BIT(LVE_LIMIT_IO), 1, NULL), 0);
	/* nothing is ever written under the LVE's own name while it is made */
	CHECK_INT(line_of(ft->trace, "/40/"), -1);
	/* each hierarchy renamed into place after its limits; the primary
	 * (cpu) last, with its record written before its rename */
	record = line_of(ft->trace, ":xattr trusted.liblve.limits");
	rename_cpu = line_of(ft->trace, "cpu:lve/.lve-new-40:rename 40");
	CHECK(record >= 0 && rename_cpu > record);
	CHECK_INT(last_line_of(ft->trace, "rename 40"), rename_cpu);
	CHECK(line_of(ft->trace, "memory:lve/.lve-new-40/memory.limit_in_bytes=") <
	      line_of(ft->trace, "memory:lve/.lve-new-40:rename 40"));
	CHECK(line_of(ft->trace, "blkio:lve/.lve-new-40/blkio.throttle.read_bps_device=") <
	      line_of(ft->trace, "blkio:lve/.lve-new-40:rename 40"));
	/* the record comes after every limit of every hierarchy */
	CHECK_INT(last_line_of(ft->trace, "="), record - 1);
	for (int h = 0; h < ft->host.n; h++) {
		CHECK(fake_lve_exists(ft, h, 40));
		CHECK(!fake_exists(ft, h, "lve/.lve-new-40"));
	}
	CHECK_STR(fake_value(ft, LVE_CTRL_MEMORY, 40, "memory.limit_in_bytes"), "1073741824");
	lve_devices_override(NULL);
	fake_tree_free(ft);
}

static void t_v2_record_last(void)
{
	struct fake_tree *ft = new_tree(FAKE_V2, IO_BFQ, "/lve");
	struct lve_limits lim = { { 0 } };

	lim.value[LVE_LIMIT_NPROC] = 42;
	CHECK_INT(lve_host_set(&ft->host, 41, &lim, LVE_LIMIT_BIT(LVE_LIMIT_NPROC), 1, NULL), 0);
	/* made in place (v2 cannot rename), the record after every limit */
	CHECK_INT(line_of(ft->trace, "rename"), -1);
	CHECK(line_of(ft->trace, "unified:lve/41/pids.max=42") >= 0);
	CHECK_INT(last_line_of(ft->trace, "="), line_of(ft->trace, ":xattr trusted.liblve.limits") - 1);
	fake_tree_free(ft);
}

/* What a creator or destroyer that was killed leaves: taken over. */
static void t_leftovers_taken_over(void)
{
	struct fake_tree *ft = new_tree(FAKE_V1, IO_NONE, "/lve");
	int mem = fake_hier_of(ft, LVE_CTRL_MEMORY), cpu = ft->host.primary;
	char dir[4096];

	CHECK_INT(set_default(&ft->host, 60, 100), 0); /* makes the parent */
	/* a stale temporary name in the primary, a finished memory cgroup
	 * with someone else's limit in it */
	snprintf(dir, sizeof(dir), "%s/lve/.lve-new-42", ft->host.h[cpu].mount);
	REQUIRE(mkdir(dir, 0700) == 0);
	fake_made(ft, &ft->host, cpu, "lve/.lve-new-42");
	snprintf(dir, sizeof(dir), "%s/lve/42", ft->host.h[mem].mount);
	REQUIRE(mkdir(dir, 0700) == 0);
	fake_made(ft, &ft->host, mem, "lve/42");
	fake_put(dir, "memory.limit_in_bytes", "4096\n");
	fake_put(dir, "memory.memsw.limit_in_bytes", "4096\n");

	CHECK_INT(lve_host_create(&ft->host, 42), 0);
	for (int h = 0; h < ft->host.n; h++)
		CHECK(fake_lve_exists(ft, h, 42));
	CHECK(!fake_exists(ft, cpu, "lve/.lve-new-42"));
	CHECK_STR(fake_value(ft, LVE_CTRL_CPU, 42, "cpu.cfs_quota_us"), "60000");
	/* the leftover got this LVE's limits (the defaults: no memory limit) */
	CHECK_STR(fake_value(ft, LVE_CTRL_MEMORY, 42, "memory.limit_in_bytes"), "-1");
	fake_tree_free(ft);
}

/* --- records ------------------------------------------------------------------ */

static void t_records(void)
{
	struct lve_limits lim;
	uint32_t bits = 0;
	char text[LVE_RECORD_MAX];

	/* the seed's record */
	CHECK_INT(lve_record_parse("cpu=50 io=200", &lim, &bits), 0);
	CHECK_INT(lim.value[LVE_LIMIT_SPEED], 50);
	CHECK_INT(lim.value[LVE_LIMIT_IO_WEIGHT], 200);
	CHECK_INT(lim.value[LVE_LIMIT_PMEM], 0);
	CHECK_INT(lim.value[LVE_LIMIT_IO], 0);
	CHECK_INT(bits, 0);
	/* a round trip names every limit of the table */
	for (unsigned l = 0; l < LVE_LIMIT_COUNT; l++)
		lim.value[l] = lve_limit_info(l)->max;
	lve_record_format(&lim, LVE_LIMIT_BIT(LVE_LIMIT_IO), text, sizeof(text));
	for (unsigned l = 0; l < LVE_LIMIT_COUNT; l++) {
		char word[64];

		snprintf(word, sizeof(word), "%s=%llu", lve_limit_info(l)->name,
			 (unsigned long long)lve_limit_info(l)->max);
		CHECK(strstr(text, word) != NULL);
	}
	{
		struct lve_limits back;

		CHECK_INT(lve_record_parse(text, &back, &bits), 0);
		CHECK(memcmp(&back.value, &lim.value, LVE_LIMIT_COUNT * sizeof(uint64_t)) == 0);
		CHECK_INT(bits, LVE_LIMIT_BIT(LVE_LIMIT_IO));
	}
	/* a newer liblve's name is skipped; missing names take the built-in */
	CHECK_INT(lve_record_parse("speed=70 io_weight=100 future=9", &lim, &bits), 0);
	CHECK_INT(lim.value[LVE_LIMIT_SPEED], 70);
	CHECK_INT(lim.value[LVE_LIMIT_NPROC], 0);
	/* corruption */
	static const char *bad[] = { "speed=", "speed=x", "speed=-1", "speed=100001", "io_weight=0",
				     "speed", "speed=1 =2", "pmem=99999999999999999999" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (lve_record_parse(bad[i], &lim, &bits) != -EIO)
			test_note("accepted \"%s\"", bad[i]);
		CHECK_INT(lve_record_parse(bad[i], &lim, &bits), -EIO);
	}
}

static void t_seed_record_read(void)
{
	struct fake_tree *ft = new_tree(FAKE_V1, IO_NONE, "/lve");
	char dir[4096];

	/* an LVE made by the seed's liblve, before the table */
	CHECK_INT(lve_host_create(&ft->host, 43), 0);
	snprintf(dir, sizeof(dir), "%s/lve/43", ft->host.h[ft->host.primary].mount);
	REQUIRE(setxattr(dir, LVE_XATTR_LIMITS, "cpu=25 io=300", 13, 0) == 0);
	CHECK_INT(limit_of(&ft->host, 43, LVE_LIMIT_SPEED), 25);
	CHECK_INT(limit_of(&ft->host, 43, LVE_LIMIT_IO_WEIGHT), 300);
	CHECK_INT(limit_of(&ft->host, 43, LVE_LIMIT_EP), 0);
	/* and changed, it gets a table record */
	CHECK_INT(set_limit(&ft->host, 43, LVE_LIMIT_EP, 5, NULL), 0);
	CHECK_INT(limit_of(&ft->host, 43, LVE_LIMIT_SPEED), 25);
	CHECK_INT(limit_of(&ft->host, 43, LVE_LIMIT_EP), 5);
	fake_tree_free(ft);
}

static void t_defaults_every_limit(void)
{
	struct fake_tree *ft = new_tree(FAKE_V2, IO_NONE, "/lve");
	struct lve_limits lim = { { 0 } };

	for (unsigned l = 0; l < LVE_LIMIT_COUNT; l++)
		CHECK_INT(default_of(&ft->host, l), (long long)lve_limit_info(l)->builtin);
	lim.value[LVE_LIMIT_PMEM] = 1ull << 30;
	lim.value[LVE_LIMIT_EP] = 20;
	CHECK_INT(lve_host_set_defaults(&ft->host, &lim,
					LVE_LIMIT_BIT(LVE_LIMIT_PMEM) | LVE_LIMIT_BIT(LVE_LIMIT_EP)), 0);
	CHECK_INT(default_of(&ft->host, LVE_LIMIT_PMEM), 1ll << 30);
	CHECK_INT(default_of(&ft->host, LVE_LIMIT_EP), 20);
	CHECK_INT(default_of(&ft->host, LVE_LIMIT_SPEED), 100); /* untouched */
	CHECK_INT(lve_host_create(&ft->host, 44), 0);
	CHECK_STR(fake_value(ft, LVE_CTRL_MEMORY, 44, "memory.max"), "1073741824");
	CHECK_INT(limit_of(&ft->host, 44, LVE_LIMIT_EP), 20);
	/* the seed's call changes its two and nothing else */
	CHECK_INT(set_default(&ft->host, 30, 200), 0);
	CHECK_INT(default_of(&ft->host, LVE_LIMIT_PMEM), 1ll << 30);
	CHECK_INT(default_of(&ft->host, LVE_LIMIT_SPEED), 30);
	fake_tree_free(ft);
}

/* --- entering and leaving, over the fake's own tasks ----------------------------- */

static struct lve_task self_as_task(void)
{
	struct lve_task task = { getpid(), getpid(), 0 };

	return task;
}

/* Is @pid in LVE @id in every hierarchy (1), none (0), or some (-1)? */
static int fake_in_lve(struct fake_tree *ft, pid_t pid, uint32_t id)
{
	int in = 0, out = 0;

	for (int i = 0; i < FAKE_TASKS; i++) {
		if (ft->tasks[i].pid != pid)
			continue;
		for (int h = 0; h < ft->host.n; h++) {
			char want[600];

			snprintf(want, sizeof(want), "/%s/%u", ft->host.h[h].parent, id);
			if (strcmp(ft->tasks[i].path[h], want) == 0)
				in++;
			else
				out++;
		}
	}
	return in && out ? -1 : in > 0;
}

static void t_enter_leave_every_hierarchy(void)
{
	struct fake_tree *ft = new_tree(FAKE_V1, IO_NONE, "/lve");
	struct lve_task task = self_as_task();
	struct lve_entry entry;

	fake_place(ft, getpid(), "/");
	CHECK_INT(lve_task_enter(&ft->host, 45, &task, 0, &entry), 0);
	CHECK_INT(fake_in_lve(ft, getpid(), 45), 1);
	CHECK_INT(fake_value(ft, LVE_CTRL_MEMORY, 45, "cgroup.procs")[0] != '\0', 1);
	/* the primary last in */
	CHECK_INT(last_line_of(ft->trace, "cgroup.procs="), line_of(ft->trace, "cpu:lve/45/cgroup.procs="));
	CHECK_INT(lve_task_leave(&ft->host, &task, &entry), 0);
	CHECK_INT(fake_in_lve(ft, getpid(), 45), 0);
	CHECK_INT(lve_task_leave(&ft->host, &task, &entry), -ESRCH);
	fake_tree_free(ft);
}

/* A leave that fails half-way is retried for what is left, never -ESRCH. */
static void t_leave_half_way(void)
{
	struct fake_tree *ft = new_tree(FAKE_V1, IO_NONE, "/lve");
	struct lve_task task = self_as_task();
	struct lve_entry entry;

	fake_place(ft, getpid(), "/");
	CHECK_INT(lve_task_enter(&ft->host, 46, &task, 0, &entry), 0);
	/* the kernel refuses the third move back */
	ft->fail_file = "cgroup.procs";
	ft->fail_errno = ENOMEM;
	ft->fail_after = 2;
	ft->fail_count = 1;
	CHECK_INT(lve_task_leave(&ft->host, &task, &entry), -ENOMEM);
	CHECK_INT(fake_in_lve(ft, getpid(), 46), -1); /* half inside */
	/* the retry finds it inside (by any hierarchy, not only cpu) and ends it */
	CHECK_INT(lve_task_within(&ft->host, &task, 46) != 0, 1);
	CHECK_INT(lve_task_leave(&ft->host, &task, &entry), 0);
	CHECK_INT(fake_in_lve(ft, getpid(), 46), 0);
	fake_tree_free(ft);
}

/* "Already inside" is the task's cgroup or any cgroup above it. */
static void t_inside_by_ancestors(void)
{
	struct fake_tree *ft = new_tree(FAKE_V1, IO_NONE, "/lve");
	struct lve_task task = self_as_task();
	struct lve_entry entry;

	CHECK_INT(lve_host_create(&ft->host, 47), 0);
	for (int h = 0; h < ft->host.n; h++) {
		char dir[4096];

		snprintf(dir, sizeof(dir), "%s/lve/47/sub", ft->host.h[h].mount);
		REQUIRE(mkdir(dir, 0755) == 0);
		fake_made(ft, &ft->host, h, "lve/47/sub");
	}
	fake_place(ft, getpid(), "/lve/47/sub");
	CHECK_INT(lve_task_inside(&ft->host, &task), 1);
	ft->trace[0] = '\0';
	CHECK_INT(lve_task_enter(&ft->host, 48, &task, 0, &entry), -EPERM);
	CHECK_INT(line_of(ft->trace, "48"), -1); /* nothing made, nothing moved */
	for (int h = 0; h < ft->host.n; h++)
		CHECK(!fake_lve_exists(ft, h, 48));
	fake_place(ft, getpid(), "/lve/47");
	CHECK_INT(lve_task_enter(&ft->host, 48, &task, 0, &entry), -EPERM);
	fake_place(ft, getpid(), "/");
	CHECK_INT(lve_task_inside(&ft->host, &task), 0);
	CHECK_INT(lve_task_enter(&ft->host, 48, &task, 0, &entry), 0);
	fake_tree_free(ft);
}

/* Destroy judges the whole subtree, in every hierarchy, before removing. */
static void t_destroy_whole_subtree(void)
{
	enum fake_layout layouts[] = { FAKE_V1, FAKE_V2 };

	for (size_t i = 0; i < 2; i++) {
		struct fake_tree *ft = new_tree(layouts[i], IO_NONE, "/lve");
		int mem = fake_hier_of(ft, LVE_CTRL_MEMORY);
		char dir[4096];

		CHECK_INT(lve_host_create(&ft->host, 49), 0);
		snprintf(dir, sizeof(dir), "%s/lve/49/sub", ft->host.h[mem].mount);
		REQUIRE(mkdir(dir, 0755) == 0);
		fake_made(ft, &ft->host, mem, "lve/49/sub");
		fake_put(dir, "cgroup.procs", "4242\n");
		if (layouts[i] == FAKE_V2) {
			/* the kernel says it for the whole subtree */
			snprintf(dir, sizeof(dir), "%s/lve/49", ft->host.h[mem].mount);
			fake_put(dir, "cgroup.events", "populated 1\nfrozen 0\n");
		}
		CHECK_INT(lve_host_destroy(&ft->host, 49), -EBUSY);
		for (int h = 0; h < ft->host.n; h++)
			CHECK(fake_lve_exists(ft, h, 49));
		CHECK(limit_of(&ft->host, 49, LVE_LIMIT_SPEED) == 100); /* the record too */
		/* empty again: everything goes, sub-cgroup included */
		snprintf(dir, sizeof(dir), "%s/lve/49/sub", ft->host.h[mem].mount);
		fake_put(dir, "cgroup.procs", "");
		snprintf(dir, sizeof(dir), "%s/lve/49", ft->host.h[mem].mount);
		fake_put(dir, "cgroup.events", "populated 0\nfrozen 0\n");
		CHECK_INT(lve_host_destroy(&ft->host, 49), 0);
		for (int h = 0; h < ft->host.n; h++)
			CHECK(!fake_lve_exists(ft, h, 49));
		fake_tree_free(ft);
	}
}

/* --- entry slots ------------------------------------------------------------------- */

/* A child that lives until end_sleeper(). */
static pid_t sleeper(void)
{
	pid_t pid = fork();

	REQUIRE(pid >= 0);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	return pid;
}

static void end_sleeper(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void t_ep_slots(void)
{
	struct fake_tree *ft = new_tree(FAKE_V1, IO_NONE, "/lve");
	struct lve_entry entry[4];
	struct lve_task task[4];
	struct lve_usage usage;
	struct lve_tree t;
	pid_t pid[4];

	REQUIRE(set_limit(&ft->host, 50, LVE_LIMIT_EP, 2, NULL) == 0);
	for (int i = 0; i < 4; i++) {
		pid[i] = sleeper();
		task[i] = (struct lve_task){ pid[i], pid[i], 0 };
		fake_place(ft, pid[i], "/");
	}
	CHECK_INT(lve_task_enter(&ft->host, 50, &task[0], 0, &entry[0]), 0);
	CHECK_INT(lve_task_enter(&ft->host, 50, &task[1], 0, &entry[1]), 0);
	/* full: refused, nothing moves, a fault is counted */
	CHECK_INT(lve_task_enter(&ft->host, 50, &task[2], 0, &entry[2]), -E2BIG);
	CHECK_INT(fake_in_lve(ft, pid[2], 50), 0);
	REQUIRE(lve_tree_open(&t, &ft->host) == 0);
	CHECK_INT(lve_tree_usage(&t, 50, &usage), 0);
	CHECK_INT(usage.ep, 2);
	CHECK_INT(usage.fault_ep, 1);
	/* LVE_ENTER_NO_MAXENTER: in all the same, and counted */
	CHECK_INT(lve_task_enter(&ft->host, 50, &task[3], LVE_ENTER_NO_MAXENTER, &entry[3]), 0);
	CHECK_INT(lve_tree_usage(&t, 50, &usage), 0);
	CHECK_INT(usage.ep, 3);
	CHECK_INT(lve_task_leave(&ft->host, &task[3], &entry[3]), 0);
	/* a leave frees its slot */
	CHECK_INT(lve_task_leave(&ft->host, &task[1], &entry[1]), 0);
	CHECK_INT(lve_task_enter(&ft->host, 50, &task[2], 0, &entry[2]), 0);
	/* an entrant that dies frees its slot without anyone cleaning up */
	CHECK_INT(lve_task_enter(&ft->host, 50, &task[1], 0, &entry[1]), -E2BIG);
	end_sleeper(pid[0]);
	CHECK_INT(lve_tree_usage(&t, 50, &usage), 0);
	CHECK_INT(usage.ep, 1);
	CHECK_INT(lve_task_enter(&ft->host, 50, &task[1], 0, &entry[1]), 0);
	CHECK_INT(lve_tree_usage(&t, 50, &usage), 0);
	CHECK_INT(usage.ep, 2);
	CHECK_INT(usage.fault_ep, 2);
	/* the limit lowered below what is inside: nobody more gets in */
	REQUIRE(set_limit(&ft->host, 50, LVE_LIMIT_EP, 1, NULL) == 0);
	CHECK_INT(lve_task_leave(&ft->host, &task[2], &entry[2]), 0);
	CHECK_INT(lve_tree_usage(&t, 50, &usage), 0);
	CHECK_INT(usage.ep, 1);
	CHECK_INT(lve_task_enter(&ft->host, 50, &task[3], 0, &entry[3]), -E2BIG);
	/* no limit: entries are still counted, by task */
	REQUIRE(set_limit(&ft->host, 50, LVE_LIMIT_EP, 0, NULL) == 0);
	CHECK_INT(lve_task_enter(&ft->host, 50, &task[3], 0, &entry[3]), 0);
	CHECK_INT(entry[3].slot, LVE_SLOT_TID);
	CHECK_INT(lve_tree_usage(&t, 50, &usage), 0);
	CHECK_INT(usage.ep, 2);
	lve_tree_close(&t);
	for (int i = 1; i < 4; i++)
		end_sleeper(pid[i]);
	fake_tree_free(ft);
}

/* lverun's session path: the entrant forks, leaves, and its entry stays
 * with the child until the child ends. */
static void t_entry_handed_over(void)
{
	struct fake_tree *ft = new_tree(FAKE_V1, IO_NONE, "/lve");
	struct lve_task me = self_as_task(), other;
	struct lve_entry entry, refused;
	struct lve_usage usage;
	struct lve_tree t;
	pid_t heir = sleeper(), second = sleeper();

	other = (struct lve_task){ second, second, 0 };
	REQUIRE(set_limit(&ft->host, 59, LVE_LIMIT_EP, 1, NULL) == 0);
	fake_place(ft, getpid(), "/");
	fake_place(ft, second, "/");
	REQUIRE(lve_tree_open(&t, &ft->host) == 0);
	CHECK_INT(lve_task_enter(&ft->host, 59, &me, 0, &entry), 0);
	CHECK_INT(lve_entry_hand_over(&ft->host, &me, &entry, heir), 0);
	CHECK_INT(entry.slot, LVE_SLOT_NONE);
	CHECK_INT(lve_task_leave(&ft->host, &me, &entry), 0);
	/* the heir holds the one slot: nobody else gets in */
	CHECK_INT(lve_tree_usage(&t, 59, &usage), 0);
	CHECK_INT(usage.ep, 1);
	CHECK_INT(lve_task_enter(&ft->host, 59, &other, 0, &refused), -E2BIG);
	/* until it ends */
	end_sleeper(heir);
	CHECK_INT(lve_tree_usage(&t, 59, &usage), 0);
	CHECK_INT(usage.ep, 0);
	CHECK_INT(lve_task_enter(&ft->host, 59, &other, 0, &refused), 0);
	/* no ep limit: the entry named by the task is renamed for the heir */
	REQUIRE(set_limit(&ft->host, 59, LVE_LIMIT_EP, 0, NULL) == 0);
	heir = sleeper();
	CHECK_INT(lve_task_enter(&ft->host, 59, &me, 0, &entry), 0);
	CHECK_INT(entry.slot, LVE_SLOT_TID);
	CHECK_INT(lve_entry_hand_over(&ft->host, &me, &entry, heir), 0);
	CHECK_INT(lve_task_leave(&ft->host, &me, &entry), 0);
	CHECK_INT(lve_tree_usage(&t, 59, &usage), 0);
	CHECK_INT(usage.ep, 2); /* the heir's and the second task's */
	end_sleeper(heir);
	end_sleeper(second);
	CHECK_INT(lve_tree_usage(&t, 59, &usage), 0);
	CHECK_INT(usage.ep, 0);
	lve_tree_close(&t);
	fake_tree_free(ft);
}

static void t_entry_records(void)
{
	char record[64];

	/* this process, as it is: alive; a different start time: not */
	snprintf(record, sizeof(record), "%d %llu", (int)getpid(), lve_task_start(getpid()));
	CHECK_INT(lve_entry_alive(record), 1);
	snprintf(record, sizeof(record), "%d %llu", (int)getpid(), lve_task_start(getpid()) + 1);
	CHECK_INT(lve_entry_alive(record), 0);
	CHECK_INT(lve_entry_alive("0 5"), 0);
	CHECK_INT(lve_entry_alive("garbage"), 0);
	/* a zombie's entry is over */
	{
		pid_t pid = fork();

		REQUIRE(pid >= 0);
		if (pid == 0)
			_exit(0);
		for (int i = 0; i < 200 && lve_task_start(pid) != 0; i++)
			usleep(5000);
		CHECK_INT(lve_task_start(pid), 0);
		waitpid(pid, NULL, 0);
	}
}

/* --- the rest ---------------------------------------------------------------------- */

static void t_eintr_written_again(void)
{
	struct fake_tree *ft = new_tree(FAKE_V1, IO_NONE, "/lve");

	CHECK_INT(lve_host_create(&ft->host, 51), 0);
	ft->fail_file = "pids.max";
	ft->fail_errno = EINTR;
	ft->fail_count = 2;
	ft->trace[0] = '\0';
	CHECK_INT(set_limit(&ft->host, 51, LVE_LIMIT_NPROC, 77, NULL), 0);
	CHECK_INT(count_lines(ft->trace, "pids:lve/51/pids.max=77"), 3);
	CHECK_STR(fake_value(ft, LVE_CTRL_PIDS, 51, "pids.max"), "77");
	fake_tree_free(ft);
}

static void t_devices(void)
{
	char dir[] = "/tmp/lve-fake-devices-XXXXXX", path[256];
	static const struct {
		const char *name, *dev;
		int hardware;
	} blocks[] = {
		{ "sda", "8:0", 1 },    { "nvme0n1", "259:0", 1 }, { "vda", "254:0", 1 },
		{ "loop0", "7:0", 0 },  { "loop1", "7:1", 0 },     { "zram0", "253:0", 0 },
		{ "ram0", "1:0", 0 },   { "dm-0", "252:0", 0 },    { "md0", "9:0", 0 },
	};
	const char *mountinfo = "21 1 254:0 / / rw - ext4 /dev/vda rw\n"
				"40 21 7:1 / /srv rw - ext4 /dev/loop1 rw\n"
				"41 21 252:0 / /home rw - xfs /dev/mapper/vg-home rw\n";
	struct lve_devices devs;
	char seen[256] = "";

	REQUIRE(mkdtemp(dir));
	for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, blocks[i].name);
		REQUIRE(mkdir(path, 0755) == 0);
		fake_put(path, "dev", blocks[i].dev);
		if (blocks[i].hardware) {
			snprintf(path, sizeof(path), "%s/%s/device", dir, blocks[i].name);
			REQUIRE(mkdir(path, 0755) == 0);
		}
	}
	CHECK_INT(lve_devices_scan(&devs, dir, mountinfo), 0);
	for (int i = 0; i < devs.n; i++) {
		char one[32];

		snprintf(one, sizeof(one), " %u:%u", devs.dev[i].major, devs.dev[i].minor);
		strcat(seen, one);
	}
	/* disks with hardware behind them, and what holds a mounted filesystem */
	CHECK_INT(devs.n, 5);
	CHECK(strstr(seen, " 8:0") && strstr(seen, " 259:0") && strstr(seen, " 254:0"));
	CHECK(strstr(seen, " 7:1") && strstr(seen, " 252:0"));
	/* never an idle loop, ram or zram device, nor an unmounted md */
	CHECK(!strstr(seen, " 7:0") && !strstr(seen, " 253:0") && !strstr(seen, " 1:0") &&
	      !strstr(seen, " 9:0"));
	if (devs.n != 5)
		test_note("found%s", seen);
	nftw(dir, fake_rm, 16, FTW_DEPTH | FTW_PHYS);
}

static void t_config_parent(void)
{
	char dir[] = "/tmp/lve-fake-conf-XXXXXX", path[256], link[300], out[LVE_PATH_MAX];
	static const struct {
		const char *text;
		mode_t mode;
		int want;
		const char *value;
	} rows[] = {
		{ "parent = /system.slice/lve.service/lve\n", 0644, 1, "/system.slice/lve.service/lve" },
		{ "# comment\n  parent=/hosting/lve   # where LVEs live\n[default]\npmem = 1G\n", 0600, 1,
		  "/hosting/lve" },
		{ "parent = /a\nparent = /b\n", 0644, 1, "/b" },        /* the last one counts */
		{ "[default]\nparent = /x\n", 0644, 0, NULL },          /* sections are lvectl's */
		{ "parent = relative/lve\n", 0644, 0, NULL },           /* test builds only */
		{ "parent = /a/../b\n", 0644, 0, NULL },
		{ "parent = /\n", 0644, 0, NULL },
		{ "parent = /lve\n", 0664, 0, NULL },                   /* group-writable: unsafe */
		{ "parent = /lve\n", 0646, 0, NULL },                   /* world-writable */
		{ "speed = 100\n", 0644, 0, NULL },
	};

	REQUIRE(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/lve.conf", dir);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int r;

		fake_put(dir, "lve.conf", rows[i].text);
		REQUIRE(chmod(path, rows[i].mode) == 0);
		r = lve_config_parent(path, out, sizeof(out));
		if (r != rows[i].want)
			test_note("row %zu", i);
		CHECK_INT(r, rows[i].want);
		if (r == 1 && rows[i].value)
			CHECK_STR(out, rows[i].value);
	}
	/* not root's */
	fake_put(dir, "lve.conf", "parent = /lve\n");
	REQUIRE(chmod(path, 0644) == 0 && chown(path, 65534, 0) == 0);
	CHECK_INT(lve_config_parent(path, out, sizeof(out)), 0);
	/* reached through a symlink, missing, a directory */
	REQUIRE(chown(path, 0, 0) == 0);
	snprintf(link, sizeof(link), "%s/link.conf", dir);
	REQUIRE(symlink(path, link) == 0);
	CHECK_INT(lve_config_parent(link, out, sizeof(out)), 0);
	CHECK_INT(lve_config_parent(path, out, sizeof(out)), 1);
	snprintf(link, sizeof(link), "%s/none.conf", dir);
	CHECK_INT(lve_config_parent(link, out, sizeof(out)), 0);
	CHECK_INT(lve_config_parent(dir, out, sizeof(out)), 0);
	nftw(dir, fake_rm, 16, FTW_DEPTH | FTW_PHYS);
}

static const char *lve_dir_52(const struct fake_tree *ft, int h, char *dir, size_t size)
{
	snprintf(dir, size, "%s/lve/52", ft->host.h[h].mount);
	return dir;
}

static void t_usage_fields(void)
{
	enum fake_layout layouts[] = { FAKE_V1, FAKE_V2 };

	for (size_t i = 0; i < 2; i++) {
		struct fake_tree *ft = new_tree(layouts[i], IO_NONE, "/lve");
		int v2 = layouts[i] == FAKE_V2;
		struct lve_usage u;
		struct lve_tree t;
		char dir[4096];
		int cpu = ft->host.primary, mem = fake_hier_of(ft, LVE_CTRL_MEMORY);
		int pids = fake_hier_of(ft, LVE_CTRL_PIDS), io = fake_hier_of(ft, LVE_CTRL_IO);
		int acct = fake_hier_of(ft, LVE_CTRL_CPUACCT);

		CHECK_INT(lve_host_create(&ft->host, 52), 0);
#define AT(hi) lve_dir_52(ft, hi, dir, sizeof(dir))
		if (v2) {
			fake_put(AT(cpu), "cpu.stat", "usage_usec 1500\nnr_periods 9\nnr_throttled 4\n"
						      "throttled_usec 250\n");
			fake_put(AT(mem), "memory.current", "4096\n");
			fake_put(AT(mem), "memory.events", "low 0\nhigh 0\nmax 7\noom 2\noom_kill 1\n");
			fake_put(AT(io), "io.stat", "8:0 rbytes=100 wbytes=200 rios=1 wios=2 dbytes=0 dios=0\n"
						    "259:0 rbytes=1000 wbytes=2000 rios=10 wios=20\n");
			/* a kernel before 5.19 has no memory.peak */
			snprintf(dir, sizeof(dir), "%s/lve/52/memory.peak", ft->host.h[mem].mount);
			unlink(dir);
		} else {
			fake_put(AT(cpu), "cpu.stat", "nr_periods 9\nnr_throttled 4\nthrottled_time 250000\n");
			fake_put(AT(acct), "cpuacct.usage", "1500000\n");
			fake_put(AT(mem), "memory.usage_in_bytes", "4096\n");
			fake_put(AT(mem), "memory.max_usage_in_bytes", "8192\n");
			fake_put(AT(mem), "memory.failcnt", "7\n");
			fake_put(AT(mem), "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
			fake_put(AT(io), "blkio.throttle.io_service_bytes_recursive",
				 "8:0 Read 100\n8:0 Write 200\n8:0 Sync 300\n8:0 Async 0\n8:0 Total 300\n"
				 "259:0 Read 1000\n259:0 Write 2000\nTotal 3300\n");
			fake_put(AT(io), "blkio.throttle.io_serviced_recursive",
				 "8:0 Read 1\n8:0 Write 2\n259:0 Read 10\n259:0 Write 20\nTotal 33\n");
		}
		fake_put(AT(pids), "pids.current", "3\n");
		fake_put(AT(pids), "pids.events", "max 5\n");
#undef AT
		REQUIRE(lve_tree_open(&t, &ft->host) == 0);
		CHECK_INT(lve_tree_usage(&t, 52, &u), 0);
		CHECK_INT(u.cpu_ns, 1500000);
		CHECK_INT(u.cpu_throttled_ns, 250000);
		CHECK_INT(u.fault_speed, 4);
		CHECK_INT(u.pmem, 4096);
		CHECK_INT(u.fault_pmem, 7);
		CHECK_INT(u.fault_oom, 1);
		CHECK_INT(u.nproc, 3);
		CHECK_INT(u.fault_nproc, 5);
		CHECK_INT(u.io_read_bytes, 1100);
		CHECK_INT(u.io_write_bytes, 2200);
		CHECK_INT(u.io_read_ops, 11);
		CHECK_INT(u.io_write_ops, 22);
		CHECK_INT(u.ep, 0);
		CHECK_INT(u.fault_ep, 0);
		if (v2) {
			CHECK_INT(u.unavailable, LVE_USAGE_BIT(LVE_USAGE_PMEM_PEAK));
		} else {
			CHECK_INT(u.pmem_peak, 8192);
			CHECK_INT(u.unavailable, 0);
		}
		CHECK_INT(lve_tree_usage(&t, 53, &u), -ENOENT);
		lve_tree_close(&t);
		fake_tree_free(ft);
	}
}

static void t_list(void)
{
	struct fake_tree *ft = new_tree(FAKE_V1, IO_NONE, "/lve");
	uint32_t ids[8] = { 0 };
	struct lve_tree t;
	char dir[4096];

	REQUIRE(lve_tree_open(&t, &ft->host) == 0);
	CHECK_INT(lve_tree_list(&t, ids, 8), 0); /* no tree yet */
	CHECK_INT(lve_host_create(&ft->host, 10), 0);
	CHECK_INT(lve_host_create(&ft->host, 2), 0);
	CHECK_INT(lve_host_create(&ft->host, 7), 0);
	/* never finished, a temporary name, not an id: none is an LVE */
	static const char *others[] = { "9", ".lve-new-11", "012", "x", "2147483648" };
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		snprintf(dir, sizeof(dir), "%s/lve/%s", ft->host.h[ft->host.primary].mount, others[i]);
		REQUIRE(mkdir(dir, 0700) == 0);
	}
	CHECK_INT(lve_tree_list(&t, ids, 8), 3);
	CHECK_INT(ids[0], 2);
	CHECK_INT(ids[1], 7);
	CHECK_INT(ids[2], 10);
	/* a short array: the count says how many there are */
	memset(ids, 0, sizeof(ids));
	CHECK_INT(lve_tree_list(&t, ids, 2), 3);
	CHECK_INT(ids[1], 7);
	CHECK_INT(ids[2], 0);
	CHECK_INT(lve_tree_list(&t, NULL, 0), 3);
	lve_tree_close(&t);
	fake_tree_free(ft);
}

/* A lock held by a stopped or hostile root process: bounded waits only. */
static void t_locks_bounded(void)
{
	struct fake_tree *ft = new_tree(FAKE_V1, IO_NONE, "/lve");
	struct lve_task task = self_as_task();
	struct lve_entry entry;
	char dir[4096];
	double t0;
	int fd;

	fake_place(ft, getpid(), "/");
	CHECK_INT(lve_host_create(&ft->host, 54), 0);
	CHECK_INT(lve_host_create(&ft->host, 55), 0);
	/* someone holds LVE 54's lock */
	snprintf(dir, sizeof(dir), "%s/lve/54", ft->host.h[ft->host.primary].mount);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	REQUIRE(fd >= 0 && flock(fd, LOCK_EX) == 0);
	t0 = cg_now();
	CHECK_INT(lve_task_enter(&ft->host, 54, &task, 0, &entry), -EAGAIN);
	CHECK(cg_now() - t0 < LVE_LOCK_WAIT_MS / 1000.0 + 1.5);
	CHECK_INT(lve_host_destroy(&ft->host, 54), -EBUSY);
	/* another LVE is not held up at all */
	t0 = cg_now();
	CHECK_INT(lve_task_enter(&ft->host, 55, &task, 0, &entry), 0);
	CHECK(cg_now() - t0 < 0.5);
	CHECK_INT(lve_task_leave(&ft->host, &task, &entry), 0);
	close(fd);
	/* the creation lock held: existing LVEs are entered all the same */
	snprintf(dir, sizeof(dir), "%s/lve", ft->host.h[ft->host.primary].mount);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	REQUIRE(fd >= 0 && flock(fd, LOCK_EX) == 0);
	CHECK_INT(lve_task_enter(&ft->host, 54, &task, 0, &entry), 0);
	CHECK_INT(lve_task_leave(&ft->host, &task, &entry), 0);
	t0 = cg_now();
	CHECK_INT(lve_host_create(&ft->host, 56), -EAGAIN);
	CHECK(cg_now() - t0 < LVE_LOCK_WAIT_MS / 1000.0 + 1.5);
	close(fd);
	fake_tree_free(ft);
}

/* The tree's modes: the parent 0711 (only root can open it, so only root
 * can hold its lock), each LVE 0700 (no account can look inside). */
static void t_modes(void)
{
	enum fake_layout layouts[] = { FAKE_V1, FAKE_V2 };

	for (size_t i = 0; i < 2; i++) {
		struct fake_tree *ft = new_tree(layouts[i], IO_NONE, "/a/lve");
		mode_t old = umask(0);
		struct stat st;
		char dir[4096];

		CHECK_INT(lve_host_create(&ft->host, 57), 0);
		umask(old);
		for (int h = 0; h < ft->host.n; h++) {
			snprintf(dir, sizeof(dir), "%s/a/lve", ft->host.h[h].mount);
			REQUIRE(stat(dir, &st) == 0);
			CHECK_INT(st.st_mode & 07777, 0711);
			snprintf(dir, sizeof(dir), "%s/a/lve/57", ft->host.h[h].mount);
			REQUIRE(stat(dir, &st) == 0);
			CHECK_INT(st.st_mode & 07777, 0700);
		}
		/* a parent someone made 0755 is closed again */
		snprintf(dir, sizeof(dir), "%s/a/lve", ft->host.h[ft->host.primary].mount);
		REQUIRE(chmod(dir, 0755) == 0);
		CHECK_INT(lve_host_create(&ft->host, 58), 0);
		REQUIRE(stat(dir, &st) == 0);
		CHECK_INT(st.st_mode & 07777, 0711);
		fake_tree_free(ft);
	}
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
	{ "every limit's values: v1", t_limit_values_v1 },
	{ "every limit's values: v2", t_limit_values_v2 },
	{ "every limit's values: hybrid", t_limit_values_hybrid },
	{ "the limits table's ranges", t_limit_ranges },
	{ "pmem on v1: memory and memory+swap in the kernel's order", t_pmem_order_v1 },
	{ "a knob the kernel lacks: recorded, reported unenforced", t_missing_knobs },
	{ "v1: built aside, record last, renamed into place", t_v1_built_aside_then_renamed },
	{ "v2: the record after every limit", t_v2_record_last },
	{ "leftovers of a killed creator are taken over", t_leftovers_taken_over },
	{ "records: format, the seed's, corruption", t_records },
	{ "an LVE with the seed's record", t_seed_record_read },
	{ "defaults: every limit", t_defaults_every_limit },
	{ "enter and leave: every hierarchy", t_enter_leave_every_hierarchy },
	{ "a leave that failed half-way is finished by a retry", t_leave_half_way },
	{ "already inside: the cgroup or any above it", t_inside_by_ancestors },
	{ "destroy judges the whole subtree first", t_destroy_whole_subtree },
	{ "entry slots: ep, faults, dead entrants, lowered limit", t_ep_slots },
	{ "entry records: alive, gone, zombie", t_entry_records },
	{ "an entry handed over to a child lasts as long as the child", t_entry_handed_over },
	{ "a write interrupted by a signal is made again", t_eintr_written_again },
	{ "the disks io and iops apply to", t_devices },
	{ "the parent from the administrator's configuration", t_config_parent },
	{ "usage: every field, unavailable where missing", t_usage_fields },
	{ "list: finished LVEs, ascending", t_list },
	{ "a held lock: bounded waits, other LVEs not held up", t_locks_bounded },
	{ "modes: parent 0711, LVEs 0700", t_modes },
};

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	fake_suite_pid = getpid();
	return run_tests("liblve on fake cgroupfs trees", tests, sizeof(tests) / sizeof(tests[0]),
			 fake_remove_all, argc, argv);
}
