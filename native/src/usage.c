/* SPDX-License-Identifier: MIT */
/*
 * usage.c - what an LVE uses and how often it hit its limits, read from the
 * kernel's own counters (and, for entries, from liblve's slots), and the
 * list of the LVEs of a tree.
 *
 *   field         cgroup v1                               cgroup v2
 *   cpu_ns        cpuacct.usage                           cpu.stat usage_usec
 *   throttled     cpu.stat throttled_time, nr_throttled   cpu.stat throttled_usec, nr_throttled
 *   pmem, peak    memory.usage_in_bytes, max_usage_in_bytes  memory.current, memory.peak (5.19+)
 *   pmem faults   memory.failcnt                          memory.events max
 *   oom kills     memory.oom_control oom_kill (4.13+)     memory.events oom_kill
 *   nproc         pids.current, pids.events max           pids.current, pids.events max
 *   io            blkio.throttle.io_service{d,_bytes}_recursive   io.stat
 *   ep, ep faults liblve's entry slots and fault record   the same
 *
 * A counter this kernel does not keep is reported in `unavailable`, never
 * as a zero that looks measured.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

struct reading {
	const struct lve_host *host;
	int dfd;
	struct lve_usage *out;
};

/* The number after "@key " on a line of @text; -1 if there is none. */
static int keyed(const char *text, const char *key, uint64_t *value)
{
	size_t n = strlen(key);

	for (const char *p = text; p && *p;) {
		if (strncmp(p, key, n) == 0 && p[n] == ' ') {
			*value = strtoull(p + n + 1, NULL, 10);
			return 0;
		}
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return -1;
}

/* Set field @f from a whole file holding one number. */
static void single(struct reading *rd, const char *file, int f, uint64_t *field)
{
	char buf[64];

	if (cgfs_read_at(rd->host, rd->dfd, file, buf, sizeof(buf)) > 0) {
		*field = strtoull(buf, NULL, 10);
		rd->out->unavailable &= ~LVE_USAGE_BIT(f);
	}
}

/* One "key N" line of a file, and the field it fills. */
struct keyed_field {
	const char *key;
	int field;
	uint64_t *value;
	uint64_t scale;
};

/* Read @file once and fill the fields of the lines @keys names. */
static void from_lines(struct reading *rd, const char *file, const struct keyed_field *keys, size_t n)
{
	char buf[2048];
	uint64_t v;

	if (cgfs_read_at(rd->host, rd->dfd, file, buf, sizeof(buf)) <= 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (keyed(buf, keys[i].key, &v) == 0) {
			*keys[i].value = v * keys[i].scale;
			rd->out->unavailable &= ~LVE_USAGE_BIT(keys[i].field);
		}
}

#define FROM_LINES(rd, file, ...)                                                        \
	do {                                                                             \
		const struct keyed_field keys_[] = { __VA_ARGS__ };                      \
		from_lines(rd, file, keys_, sizeof(keys_) / sizeof(keys_[0]));            \
	} while (0)

/* v1 blkio: "MAJ:MIN Read N" and "MAJ:MIN Write N" lines, per device. */
static void blkio_sum(struct reading *rd, const char *file, int fr, uint64_t *read, int fw,
		      uint64_t *write)
{
	char buf[16384], recursive[96];
	int r;

	snprintf(recursive, sizeof(recursive), "%s_recursive", file);
	r = cgfs_read_at(rd->host, rd->dfd, recursive, buf, sizeof(buf));
	if (r < 0)
		r = cgfs_read_at(rd->host, rd->dfd, file, buf, sizeof(buf));
	if (r < 0)
		return;
	*read = *write = 0;
	for (char *line = buf; line && *line;) {
		char dev[32], op[16];
		unsigned long long v;

		if (sscanf(line, "%31s %15s %llu", dev, op, &v) == 3) {
			if (strcmp(op, "Read") == 0)
				*read += v;
			else if (strcmp(op, "Write") == 0)
				*write += v;
		}
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	rd->out->unavailable &= ~(LVE_USAGE_BIT(fr) | LVE_USAGE_BIT(fw));
}

/* v2 io.stat: "MAJ:MIN rbytes=N wbytes=N rios=N wios=N ...", per device. */
static void io_stat(struct reading *rd)
{
	static const struct {
		const char *key;
		int field;
	} keys[] = { { "rbytes=", LVE_USAGE_IO_READ_BYTES },
		     { "wbytes=", LVE_USAGE_IO_WRITE_BYTES },
		     { "rios=", LVE_USAGE_IO_READ_OPS },
		     { "wios=", LVE_USAGE_IO_WRITE_OPS } };
	uint64_t *fields[] = { &rd->out->io_read_bytes, &rd->out->io_write_bytes,
			       &rd->out->io_read_ops, &rd->out->io_write_ops };
	char buf[16384];

	if (cgfs_read_at(rd->host, rd->dfd, "io.stat", buf, sizeof(buf)) < 0)
		return;
	for (size_t k = 0; k < 4; k++) {
		*fields[k] = 0;
		rd->out->unavailable &= ~LVE_USAGE_BIT(keys[k].field);
	}
	for (char *w = buf; *w;) {
		size_t len = strcspn(w, " \n");

		for (size_t k = 0; k < 4; k++)
			if (strncmp(w, keys[k].key, strlen(keys[k].key)) == 0)
				*fields[k] += strtoull(w + strlen(keys[k].key), NULL, 10);
		w += len;
		while (*w == ' ' || *w == '\n')
			w++;
	}
}

static void read_v1(struct reading *rd, unsigned ctrls)
{
	struct lve_usage *u = rd->out;

	if (ctrls & LVE_CTRL_CPU)
		FROM_LINES(rd, "cpu.stat",
			   { "nr_throttled", LVE_USAGE_FAULT_SPEED, &u->fault_speed, 1 },
			   { "throttled_time", LVE_USAGE_CPU_THROTTLED_NS, &u->cpu_throttled_ns, 1 });
	if (ctrls & LVE_CTRL_CPUACCT)
		single(rd, "cpuacct.usage", LVE_USAGE_CPU_NS, &u->cpu_ns);
	if (ctrls & LVE_CTRL_MEMORY) {
		single(rd, "memory.usage_in_bytes", LVE_USAGE_PMEM, &u->pmem);
		single(rd, "memory.max_usage_in_bytes", LVE_USAGE_PMEM_PEAK, &u->pmem_peak);
		single(rd, "memory.failcnt", LVE_USAGE_FAULT_PMEM, &u->fault_pmem);
		FROM_LINES(rd, "memory.oom_control", { "oom_kill", LVE_USAGE_FAULT_OOM, &u->fault_oom, 1 });
	}
	if (ctrls & LVE_CTRL_PIDS) {
		single(rd, "pids.current", LVE_USAGE_NPROC, &u->nproc);
		FROM_LINES(rd, "pids.events", { "max", LVE_USAGE_FAULT_NPROC, &u->fault_nproc, 1 });
	}
	if (ctrls & LVE_CTRL_IO) {
		blkio_sum(rd, "blkio.throttle.io_service_bytes", LVE_USAGE_IO_READ_BYTES,
			  &u->io_read_bytes, LVE_USAGE_IO_WRITE_BYTES, &u->io_write_bytes);
		blkio_sum(rd, "blkio.throttle.io_serviced", LVE_USAGE_IO_READ_OPS, &u->io_read_ops,
			  LVE_USAGE_IO_WRITE_OPS, &u->io_write_ops);
	}
}

static void read_v2(struct reading *rd, unsigned ctrls)
{
	struct lve_usage *u = rd->out;

	if (ctrls & LVE_CTRL_CPU)
		FROM_LINES(rd, "cpu.stat",
			   { "usage_usec", LVE_USAGE_CPU_NS, &u->cpu_ns, 1000 },
			   { "throttled_usec", LVE_USAGE_CPU_THROTTLED_NS, &u->cpu_throttled_ns, 1000 },
			   { "nr_throttled", LVE_USAGE_FAULT_SPEED, &u->fault_speed, 1 });
	if (ctrls & LVE_CTRL_MEMORY) {
		single(rd, "memory.current", LVE_USAGE_PMEM, &u->pmem);
		single(rd, "memory.peak", LVE_USAGE_PMEM_PEAK, &u->pmem_peak);
		FROM_LINES(rd, "memory.events", { "max", LVE_USAGE_FAULT_PMEM, &u->fault_pmem, 1 },
			   { "oom_kill", LVE_USAGE_FAULT_OOM, &u->fault_oom, 1 });
	}
	if (ctrls & LVE_CTRL_PIDS) {
		single(rd, "pids.current", LVE_USAGE_NPROC, &u->nproc);
		FROM_LINES(rd, "pids.events", { "max", LVE_USAGE_FAULT_NPROC, &u->fault_nproc, 1 });
	}
	if (ctrls & LVE_CTRL_IO)
		io_stat(rd);
}

/* Is @name among the NUL-separated @names (@n bytes)? */
static int has_name(const char *names, int n, const char *name)
{
	for (const char *p = names; p < names + n; p += strlen(p) + 1)
		if (strcmp(p, name) == 0)
			return 1;
	return 0;
}

int lve_tree_usage(const struct lve_tree *t, uint32_t id, struct lve_usage *out)
{
	const struct lve_host *host = t->host;
	int n;

	memset(out, 0, sizeof(*out));
	out->unavailable = LVE_USAGE_BIT(LVE_USAGE_FIELDS) - 1;
	for (int h = 0; h < host->n; h++) {
		struct reading rd = { host, -1, out };

		rd.dfd = lve_open_lve(t, h, id);
		if (rd.dfd < 0) {
			if (h == host->primary || rd.dfd != -ENOENT)
				return rd.dfd;
			continue; /* that hierarchy's cgroup is missing: its fields stay unavailable */
		}
		if (h == host->primary) {
			/* one list of its attributes: finished (the record is
			 * there), its entries, whether a fault was ever counted */
			char names[16384];
			int len = cgfs_listxattr(rd.dfd, names, sizeof(names));

			if (len < 0 || !has_name(names, len, LVE_XATTR_LIMITS)) {
				close(rd.dfd);
				return len < 0 ? len : -ENOENT;
			}
			n = lve_entries_count_in(rd.dfd, names, len);
			if (n >= 0) {
				out->ep = (uint64_t)n;
				out->unavailable &= ~LVE_USAGE_BIT(LVE_USAGE_EP);
			}
			out->fault_ep = has_name(names, len, LVE_XATTR_FAULTS) ? lve_faults_ep(rd.dfd) : 0;
			out->unavailable &= ~LVE_USAGE_BIT(LVE_USAGE_FAULT_EP);
		}
		if (host->h[h].kind == LVE_V2)
			read_v2(&rd, host->h[h].ctrls);
		else
			read_v1(&rd, host->h[h].ctrls);
		close(rd.dfd);
	}
	return 0;
}

/* An LVE's directory name: decimal 1..2^31-1, no sign, no leading zero. */
static int parse_id(const char *name, uint32_t *id)
{
	unsigned long long v = 0;

	if (name[0] < '1' || name[0] > '9' || strlen(name) > 10)
		return -1;
	for (const char *p = name; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (unsigned)(*p - '0');
	}
	if (v > LVE_ID_MAX)
		return -1;
	*id = (uint32_t)v;
	return 0;
}

static int cmp_id(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int lve_tree_list(const struct lve_tree *t, uint32_t *ids, size_t max)
{
	const struct lve_host *host = t->host;
	int p = host->primary, pfd;
	size_t n = 0, cap = 1024;
	uint32_t *all;
	struct dirent *e;
	DIR *d;

	pfd = cgfs_open_dir(host, t->fd[p], host->h[p].parent);
	if (pfd == -ENOENT)
		return 0; /* no tree yet: no LVE */
	if (pfd < 0)
		return pfd;
	d = fdopendir(pfd);
	if (!d) {
		close(pfd);
		return -errno;
	}
	all = malloc(cap * sizeof(*all));
	if (!all) {
		closedir(d);
		return -ENOMEM;
	}
	while ((e = readdir(d))) {
		char buf[LVE_RECORD_MAX];
		uint32_t id;
		int dfd, ready;

		if (e->d_type != DT_DIR || parse_id(e->d_name, &id) < 0)
			continue;
		dfd = cgfs_open_dir(host, pfd, e->d_name);
		if (dfd < 0)
			continue; /* gone meanwhile */
		ready = cgfs_getxattr(dfd, LVE_XATTR_LIMITS, buf, sizeof(buf)) >= 0;
		close(dfd);
		if (!ready)
			continue; /* never finished: not an LVE yet */
		if (n == cap) {
			uint32_t *bigger = realloc(all, cap * 2 * sizeof(*all));

			if (!bigger) {
				free(all);
				closedir(d);
				return -ENOMEM;
			}
			all = bigger;
			cap *= 2;
		}
		all[n++] = id;
	}
	closedir(d);
	qsort(all, n, sizeof(*all), cmp_id);
	if (ids)
		memcpy(ids, all, (n < max ? n : max) * sizeof(*ids));
	free(all);
	return n > INT32_MAX ? -EOVERFLOW : (int)n;
}
