/* SPDX-License-Identifier: MIT */
/*
 * v1.c - the knobs of the cgroup v1 layout: one hierarchy per controller (or
 * per group of co-mounted controllers), each with its own copy of the LVE
 * tree.  One writer per limit, named by the limits table (limits.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int write_knob(const struct lve_knob *k, const char *file, const char *value)
{
	return cgfs_write(k->host, k->h, k->hfd, k->rel, file, value);
}

static int has_knob(const struct lve_knob *k, const char *file)
{
	return cgfs_exists_at(k->dfd, file);
}

/*
 * speed N is N ms of CPU time in every 100 ms period; 0 lifts the limit.
 *
 * The kernel checks a new period against the current quota and a new quota
 * against the current period (the pair must stay within the parent's
 * bandwidth), so the two writes are ordered: an LVE already on our period
 * needs the quota alone; otherwise the period goes first, and if the kernel
 * refuses it with the old quota in place, the quota goes first instead.
 */
int lve_v1_speed(const struct lve_knob *k, uint64_t speed)
{
	char quota[32], period[32], cur[32];
	int r;

	if (speed == 0)
		snprintf(quota, sizeof(quota), "-1");
	else
		snprintf(quota, sizeof(quota), "%llu",
			 (unsigned long long)speed * (LVE_CPU_PERIOD_US / 100));
	snprintf(period, sizeof(period), "%d", LVE_CPU_PERIOD_US);

	r = cgfs_read_at(k->host, k->dfd, "cpu.cfs_period_us", cur, sizeof(cur));
	if (r < 0)
		return r;
	if (strtoul(cur, NULL, 10) == LVE_CPU_PERIOD_US)
		return write_knob(k, "cpu.cfs_quota_us", quota);

	r = write_knob(k, "cpu.cfs_period_us", period);
	if (r == -EINVAL) {
		r = write_knob(k, "cpu.cfs_quota_us", quota);
		if (r < 0)
			return r;
		return write_knob(k, "cpu.cfs_period_us", period);
	}
	if (r < 0)
		return r;
	return write_knob(k, "cpu.cfs_quota_us", quota);
}

int lve_v1_io_weight(const struct lve_knob *k, uint64_t weight)
{
	char value[24];
	int r;

	r = has_knob(k, "blkio.bfq.weight");
	if (r <= 0)
		return r < 0 ? r : 1; /* no BFQ: recorded, not enforced */
	snprintf(value, sizeof(value), "%llu", (unsigned long long)weight);
	return write_knob(k, "blkio.bfq.weight", value);
}

/*
 * pmem: memory.limit_in_bytes, and memory.memsw.limit_in_bytes (memory plus
 * swap) where swap accounting exists, so that swap is not a way around the
 * limit.  memsw is set one charge batch (LVE_MEMSW_MARGIN) above the memory
 * limit, not equal to it: the kernel charges memory+swap first, so with the
 * two equal every hit is memsw's, and (measured on 6.18) neither
 * memory.failcnt nor memory.memsw.failcnt counts it; one batch above, the
 * memory limit is hit first and counted, and swap can hold at most that
 * batch.  The kernel keeps memsw >= the memory limit at every instant:
 * lowering writes the memory limit first, raising (refused first with
 * EINVAL) the memsw one first.  Lowering below what the LVE uses makes the
 * kernel reclaim; if it cannot, the write fails (EBUSY) and the old limit
 * stays.
 */
int lve_v1_pmem(const struct lve_knob *k, uint64_t bytes)
{
	char value[32], total[32];
	int memsw, r;

	if (bytes == 0) {
		snprintf(value, sizeof(value), "-1");
		snprintf(total, sizeof(total), "-1");
	} else {
		snprintf(value, sizeof(value), "%llu", (unsigned long long)bytes);
		snprintf(total, sizeof(total), "%llu", (unsigned long long)(bytes + LVE_MEMSW_MARGIN));
	}
	memsw = has_knob(k, "memory.memsw.limit_in_bytes");
	if (memsw < 0)
		return memsw;
	r = write_knob(k, "memory.limit_in_bytes", value);
	if (r == -EINVAL && memsw) {
		r = write_knob(k, "memory.memsw.limit_in_bytes", total);
		if (r == 0)
			r = write_knob(k, "memory.limit_in_bytes", value);
		return r;
	}
	if (r == 0 && memsw)
		r = write_knob(k, "memory.memsw.limit_in_bytes", total);
	return r;
}

/* nproc, the same file on both layouts: "max" lifts the limit. */
int lve_pids_max(const struct lve_knob *k, uint64_t count)
{
	char value[24];

	if (count == 0)
		snprintf(value, sizeof(value), "max");
	else
		snprintf(value, sizeof(value), "%llu", (unsigned long long)count);
	return write_knob(k, "pids.max", value);
}

/*
 * One rule per disk in each of the two files; "MAJ:MIN 0" removes a rule.
 * A disk that went away since the list was made (ENODEV) is skipped.
 */
static int throttle(const struct lve_knob *k, const char *read_file, const char *write_file,
		    uint64_t value)
{
	const struct lve_devices *devs = k->devs;
	int r;

	r = has_knob(k, read_file);
	if (r <= 0)
		return r < 0 ? r : 1; /* no blk-throttle in this kernel */
	if (devs->n == 0)
		return value ? 1 : 0;
	for (int i = 0; i < devs->n; i++) {
		char rule[64];

		snprintf(rule, sizeof(rule), "%u:%u %llu", devs->dev[i].major, devs->dev[i].minor,
			 (unsigned long long)value);
		r = write_knob(k, read_file, rule);
		if (r == 0)
			r = write_knob(k, write_file, rule);
		if (r < 0 && r != -ENODEV)
			return r;
	}
	return 0;
}

int lve_v1_io_bps(const struct lve_knob *k, uint64_t bytes_per_sec)
{
	return throttle(k, "blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device",
			bytes_per_sec);
}

int lve_v1_iops(const struct lve_knob *k, uint64_t ops_per_sec)
{
	return throttle(k, "blkio.throttle.read_iops_device", "blkio.throttle.write_iops_device",
			ops_per_sec);
}
