/*
 * v2.c - the unified (cgroup v2) layout: one tree, controllers switched on
 * level by level through cgroup.subtree_control.
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

static int has_word(const char *text, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = text; (p = strstr(p, word)); p += n)
		if ((p == text || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || p[n] == '\0'))
			return 1;
	return 0;
}

/*
 * Make the controllers this hierarchy carries available to the children of
 * @rel.  Only what is offered there (cgroup.controllers) and not yet enabled
 * is written, so a level that already delegates them is left alone.
 */
static int enable_below(const struct lve_host *host, int h, int hfd, const char *rel,
			int is_last)
{
	char offered[512], enabled[512], want[128] = "";
	size_t len = 0;
	int r;

	(void)is_last;
	r = cgfs_read(host, hfd, rel, "cgroup.controllers", offered, sizeof(offered));
	if (r < 0)
		return r;
	r = cgfs_read(host, hfd, rel, "cgroup.subtree_control", enabled, sizeof(enabled));
	if (r < 0)
		return r;
	for (size_t i = 0; i < sizeof(v2_controllers) / sizeof(v2_controllers[0]); i++) {
		const char *name = v2_controllers[i].name;

		if (!(host->h[h].ctrls & v2_controllers[i].bit) || has_word(enabled, name))
			continue;
		if (!has_word(offered, name)) {
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

static int v2_prepare_parent(const struct lve_host *host, int h, int hfd, size_t *made)
{
	return lve_mkdir_p(host, h, hfd, host->h[h].parent, made, enable_below);
}

/* cpu.max is "<quota> <period>" in one write; "max" lifts the limit. */
static int v2_set_cpu(const struct lve_host *host, int h, int hfd, const char *rel, uint32_t cpu)
{
	char value[64];

	if (cpu == 0)
		snprintf(value, sizeof(value), "max %d", LVE_CPU_PERIOD_US);
	else
		snprintf(value, sizeof(value), "%llu %d",
			 (unsigned long long)cpu * (LVE_CPU_PERIOD_US / 100), LVE_CPU_PERIOD_US);
	return cgfs_write(host, h, hfd, rel, "cpu.max", value);
}

/* BFQ's weight takes 1..1000 as given; io.weight (iocost) takes 1..10000. */
static int v2_set_io(const struct lve_host *host, int h, int hfd, const char *rel, uint32_t io)
{
	char value[16];
	int r;

	r = cgfs_exists(host, hfd, rel, "io.bfq.weight");
	if (r < 0)
		return r;
	if (r) {
		snprintf(value, sizeof(value), "%u", io);
		return cgfs_write(host, h, hfd, rel, "io.bfq.weight", value);
	}
	r = cgfs_exists(host, hfd, rel, "io.weight");
	if (r <= 0)
		return r < 0 ? r : 1; /* recorded, not enforced */
	snprintf(value, sizeof(value), "%u", io * 10);
	return cgfs_write(host, h, hfd, rel, "io.weight", value);
}

const struct lve_backend lve_v2_backend = {
	.prepare_parent = v2_prepare_parent,
	.set_cpu = v2_set_cpu,
	.set_io = v2_set_io,
	.empty = lve_procs_empty,
};
