/*
 * v1.c - the cgroup v1 layout: one hierarchy per controller (or per group of
 * co-mounted controllers), each with its own copy of the LVE tree.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int v1_prepare_parent(const struct lve_host *host, int h, int hfd, size_t *made)
{
	return lve_mkdir_p(host, h, hfd, host->h[h].parent, made, NULL);
}

/*
 * cpu N is N ms of CPU time in every 100 ms period; 0 lifts the limit.
 *
 * The kernel checks a new period against the current quota and a new quota
 * against the current period (the pair must stay within the parent's
 * bandwidth), so the two writes are ordered: an LVE already on our period
 * needs the quota alone; otherwise the period goes first, and if the kernel
 * refuses it with the old quota in place, the quota goes first instead.
 */
static int v1_set_cpu(const struct lve_host *host, int h, int hfd, const char *rel, uint32_t cpu)
{
	char quota[32], period[32], cur[32];
	int r;

	if (cpu == 0)
		snprintf(quota, sizeof(quota), "-1");
	else
		snprintf(quota, sizeof(quota), "%llu",
			 (unsigned long long)cpu * (LVE_CPU_PERIOD_US / 100));
	snprintf(period, sizeof(period), "%d", LVE_CPU_PERIOD_US);

	r = cgfs_read(host, hfd, rel, "cpu.cfs_period_us", cur, sizeof(cur));
	if (r < 0)
		return r;
	if (strtoul(cur, NULL, 10) == LVE_CPU_PERIOD_US)
		return cgfs_write(host, h, hfd, rel, "cpu.cfs_quota_us", quota);

	r = cgfs_write(host, h, hfd, rel, "cpu.cfs_period_us", period);
	if (r == -EINVAL) {
		r = cgfs_write(host, h, hfd, rel, "cpu.cfs_quota_us", quota);
		if (r < 0)
			return r;
		return cgfs_write(host, h, hfd, rel, "cpu.cfs_period_us", period);
	}
	if (r < 0)
		return r;
	return cgfs_write(host, h, hfd, rel, "cpu.cfs_quota_us", quota);
}

static int v1_set_io(const struct lve_host *host, int h, int hfd, const char *rel, uint32_t io)
{
	char value[16];
	int r;

	r = cgfs_exists(host, hfd, rel, "blkio.bfq.weight");
	if (r <= 0)
		return r < 0 ? r : 1; /* no BFQ: recorded, not enforced */
	snprintf(value, sizeof(value), "%u", io);
	return cgfs_write(host, h, hfd, rel, "blkio.bfq.weight", value);
}

/* cgroup.procs lists every process in the cgroup; none means empty. */
int lve_procs_empty(const struct lve_host *host, int hfd, const char *rel)
{
	char buf[64];
	int r;

	r = cgfs_read(host, hfd, rel, "cgroup.procs", buf, sizeof(buf));
	if (r < 0)
		return r;
	for (int i = 0; i < r; i++)
		if (buf[i] != '\n' && buf[i] != ' ')
			return 0;
	return 1;
}

const struct lve_backend lve_v1_backend = {
	.prepare_parent = v1_prepare_parent,
	.set_cpu = v1_set_cpu,
	.set_io = v1_set_io,
	.empty = lve_procs_empty,
};
