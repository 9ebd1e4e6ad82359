/* SPDX-License-Identifier: MIT */
/*
 * limits.c - the limits table: one row per limit.
 *
 * A row says everything liblve and the programs over it need to know of a
 * limit: its name (the one name the record, lvectl's configuration, its
 * command line and its JSON use), unit, range, built-in default, the
 * controller whose hierarchy carries it, and the function that writes it on
 * each layout (v1.c, v2.c).  Adding a limit is one row here, one value in
 * enum lve_limit_id, and its writers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "internal.h"

#define KIB 1024ull
#define TIB (1024ull * 1024 * 1024 * 1024)

const struct lve_limit_row lve_limit_table[LVE_LIMIT_COUNT] = {
	[LVE_LIMIT_SPEED] = {
		.info = { "speed", "CPU time, as a percentage of one core (100 = one core)",
			  LVE_UNIT_PERCENT, 1, 100000, 100, 1,
			  "cpu.cfs_period_us, cpu.cfs_quota_us", "cpu.max" },
		.ctrl = LVE_CTRL_CPU, .v1 = lve_v1_speed, .v2 = lve_v2_speed,
	},
	[LVE_LIMIT_IO_WEIGHT] = {
		.info = { "io_weight", "IO priority, relative to other LVEs (100 = the kernel's default)",
			  LVE_UNIT_WEIGHT, 1, 1000, 100, 0,
			  "blkio.bfq.weight", "io.bfq.weight or io.weight" },
		.ctrl = LVE_CTRL_IO, .v1 = lve_v1_io_weight, .v2 = lve_v2_io_weight,
	},
	[LVE_LIMIT_PMEM] = {
		.info = { "pmem", "physical memory, page cache included",
			  LVE_UNIT_BYTES, 4 * KIB, 64 * TIB, 0, 1,
			  "memory.limit_in_bytes, memory.memsw.limit_in_bytes",
			  "memory.max, memory.swap.max" },
		.ctrl = LVE_CTRL_MEMORY, .v1 = lve_v1_pmem, .v2 = lve_v2_pmem,
	},
	[LVE_LIMIT_NPROC] = {
		.info = { "nproc", "processes and threads",
			  LVE_UNIT_COUNT, 1, 4194304, 0, 1, "pids.max", "pids.max" },
		.ctrl = LVE_CTRL_PIDS, .v1 = lve_pids_max, .v2 = lve_pids_max,
	},
	[LVE_LIMIT_EP] = {
		.info = { "ep", "entry processes: entries into the LVE alive at once",
			  LVE_UNIT_COUNT, 1, 100000, 0, 1, "", "" },
		.ctrl = 0, /* liblve's own: entry slots beside the tree */
	},
	[LVE_LIMIT_IO] = {
		.info = { "io", "disk read and write bandwidth, each, on every disk",
			  LVE_UNIT_BYTES_PER_SEC, 4 * KIB, 1024 * TIB, 0, 1,
			  "blkio.throttle.read_bps_device, blkio.throttle.write_bps_device",
			  "io.max rbps wbps" },
		.ctrl = LVE_CTRL_IO, .v1 = lve_v1_io_bps, .v2 = lve_v2_io_bps,
	},
	[LVE_LIMIT_IOPS] = {
		.info = { "iops", "disk read and write operations per second, each, on every disk",
			  LVE_UNIT_OPS_PER_SEC, 1, 100000000, 0, 1,
			  "blkio.throttle.read_iops_device, blkio.throttle.write_iops_device",
			  "io.max riops wiops" },
		.ctrl = LVE_CTRL_IO, .v1 = lve_v1_iops, .v2 = lve_v2_iops,
	},
};

int lve_limit_valid(unsigned id, uint64_t value)
{
	const struct lve_limit_info *info;

	if (id >= LVE_LIMIT_COUNT)
		return 0;
	info = &lve_limit_table[id].info;
	if (value == 0)
		return info->zero_unlimited;
	return value >= info->min && value <= info->max;
}

void lve_limits_builtin(struct lve_limits *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < LVE_LIMIT_COUNT; i++)
		out->value[i] = lve_limit_table[i].info.builtin;
}

int lve_limit_is_fresh_default(unsigned id, uint64_t value)
{
	return value == 0 && lve_limit_table[id].info.zero_unlimited;
}

int lve_limits_apply(const struct lve_tree *t, int h, int dfd, const char *rel,
		     const struct lve_limits *lim, uint32_t mask, int fresh, uint32_t *unenforced)
{
	const struct lve_hier *hier = &t->host->h[h];
	uint32_t io_mask = LVE_LIMIT_BIT(LVE_LIMIT_IO) | LVE_LIMIT_BIT(LVE_LIMIT_IOPS);
	struct lve_devices devs = { 0 };
	struct lve_knob k = { t->host, h, t->fd[h], dfd, rel, &devs };

	/* the disks now, if this hierarchy writes per-disk limits (a new
	 * cgroup has none to lift) */
	if ((hier->ctrls & LVE_CTRL_IO) && (mask & io_mask) &&
	    (!fresh || lim->value[LVE_LIMIT_IO] || lim->value[LVE_LIMIT_IOPS])) {
		int r = lve_devices(&devs);

		if (r < 0)
			return r;
	}

	for (unsigned i = 0; i < LVE_LIMIT_COUNT; i++) {
		const struct lve_limit_row *row = &lve_limit_table[i];
		lve_apply_fn apply = hier->kind == LVE_V2 ? row->v2 : row->v1;
		int r;

		if (!(mask & LVE_LIMIT_BIT(i)) || !row->ctrl || !(hier->ctrls & row->ctrl) || !apply)
			continue;
		if (fresh && lve_limit_is_fresh_default(i, lim->value[i]))
			continue;
		r = apply(&k, lim->value[i]);
		if (r < 0)
			return r;
		if (r > 0 && !lve_limit_is_fresh_default(i, lim->value[i]))
			*unenforced |= LVE_LIMIT_BIT(i);
	}
	return 0;
}

LVE_API const struct lve_limit_info *lve_limit_info(unsigned id)
{
	return id < LVE_LIMIT_COUNT ? &lve_limit_table[id].info : NULL;
}
