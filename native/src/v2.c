/* SPDX-License-Identifier: MIT */
/*
 * v2.c - the knobs of the unified (cgroup v2) layout: one tree, controllers
 * switched on level by level through cgroup.subtree_control.  One writer per
 * limit, named by the limits table (limits.c).
 *
 * v2 allows processes only in leaves ("no internal processes"): the LVE
 * parent and everything above it hold none of ours, the LVE cgroups do.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static const struct {
	const char *name;
	unsigned bit;
} v2_controllers[] = {
	{ "cpu", LVE_CTRL_CPU },
	{ "io", LVE_CTRL_IO },
	{ "memory", LVE_CTRL_MEMORY },
	{ "pids", LVE_CTRL_PIDS },
};

/*
 * Make the controllers this hierarchy carries available to the children of
 * @rel.  Only what is offered there (cgroup.controllers) and not yet enabled
 * is written, so a level that already delegates them is left alone.
 */
int lve_v2_enable_below(const struct lve_host *host, int h, int hfd, const char *rel)
{
	char offered[512], enabled[512], want[128] = "";
	size_t len = 0;
	int r;

	r = cgfs_read(host, hfd, rel, "cgroup.controllers", offered, sizeof(offered));
	if (r < 0)
		return r;
	r = cgfs_read(host, hfd, rel, "cgroup.subtree_control", enabled, sizeof(enabled));
	if (r < 0)
		return r;
	for (size_t i = 0; i < sizeof(v2_controllers) / sizeof(v2_controllers[0]); i++) {
		const char *name = v2_controllers[i].name;

		if (!(host->h[h].ctrls & v2_controllers[i].bit) || lve_has_word(enabled, name, ' '))
			continue;
		if (!lve_has_word(offered, name, ' ')) {
			/* the cpu limit is the point of an LVE: without it, fail */
			if (v2_controllers[i].bit == LVE_CTRL_CPU)
				return -EOPNOTSUPP;
			continue;
		}
		len += (size_t)snprintf(want + len, sizeof(want) - len, "%s+%s", len ? " " : "",
					name);
	}
	if (len == 0)
		return 0;
	return cgfs_write(host, h, hfd, rel, "cgroup.subtree_control", want);
}

static int write_knob(const struct lve_knob *k, const char *file, const char *value)
{
	return cgfs_write(k->host, k->h, k->hfd, k->rel, file, value);
}

/* cpu.max is "<quota> <period>" in one write; "max" lifts the limit. */
int lve_v2_speed(const struct lve_knob *k, uint64_t speed)
{
	char value[64];

	if (speed == 0)
		snprintf(value, sizeof(value), "max %d", LVE_CPU_PERIOD_US);
	else
		snprintf(value, sizeof(value), "%llu %d",
			 (unsigned long long)speed * (LVE_CPU_PERIOD_US / 100), LVE_CPU_PERIOD_US);
	return write_knob(k, "cpu.max", value);
}

/* BFQ's weight takes 1..1000 as given; io.weight (iocost) takes 1..10000. */
int lve_v2_io_weight(const struct lve_knob *k, uint64_t weight)
{
	char value[24];

	if (cgfs_exists_at(k->dfd, "io.bfq.weight")) {
		snprintf(value, sizeof(value), "%llu", (unsigned long long)weight);
		return write_knob(k, "io.bfq.weight", value);
	}
	if (!cgfs_exists_at(k->dfd, "io.weight"))
		return 1; /* recorded, not enforced */
	snprintf(value, sizeof(value), "%llu", (unsigned long long)weight * 10);
	return write_knob(k, "io.weight", value);
}

/*
 * pmem: memory.max, and memory.swap.max 0 while a limit is set.  v1 caps
 * memory plus swap at pmem (memsw); v2 counts swap apart, so swap.max equal
 * to pmem would let an LVE hold pmem in RAM and as much again in swap.  0
 * keeps the LVE's total at pmem, as on v1, keeps one account from filling
 * the host's swap, and makes pmem mean what it says: physical memory.
 * Without swap accounting (no memory.swap.max) there is nothing to cap.
 */
int lve_v2_pmem(const struct lve_knob *k, uint64_t bytes)
{
	char value[32];
	int r;

	if (bytes == 0)
		snprintf(value, sizeof(value), "max");
	else
		snprintf(value, sizeof(value), "%llu", (unsigned long long)bytes);
	r = write_knob(k, "memory.max", value);
	if (r < 0 || !cgfs_exists_at(k->dfd, "memory.swap.max"))
		return r;
	return write_knob(k, "memory.swap.max", bytes ? "0" : "max");
}

/* io.max: one line per disk, "MAJ:MIN rbps=N wbps=N"; "max" lifts a limit. */
static int io_max(const struct lve_knob *k, const char *rkey, const char *wkey, uint64_t value)
{
	const struct lve_devices *devs = k->devs;
	char num[24];

	if (!cgfs_exists_at(k->dfd, "io.max"))
		return 1; /* no io throttling in this kernel */
	if (devs->n == 0)
		return value ? 1 : 0;
	if (value == 0)
		snprintf(num, sizeof(num), "max");
	else
		snprintf(num, sizeof(num), "%llu", (unsigned long long)value);
	for (int i = 0; i < devs->n; i++) {
		char rule[96];
		int r;

		snprintf(rule, sizeof(rule), "%u:%u %s=%s %s=%s", devs->dev[i].major,
			 devs->dev[i].minor, rkey, num, wkey, num);
		r = write_knob(k, "io.max", rule);
		if (r < 0 && r != -ENODEV)
			return r;
	}
	return 0;
}

int lve_v2_io_bps(const struct lve_knob *k, uint64_t bytes_per_sec)
{
	return io_max(k, "rbps", "wbps", bytes_per_sec);
}

int lve_v2_iops(const struct lve_knob *k, uint64_t ops_per_sec)
{
	return io_max(k, "riops", "wiops", ops_per_sec);
}
