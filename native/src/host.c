/* SPDX-License-Identifier: MIT */
/*
 * host.c - find the cgroup hierarchies an LVE uses, the calling process's
 * place in each, and the LVE parent beneath them.
 *
 * The layout is read from /proc/self/mountinfo at run time, never
 * configured: a controller bound to a v1 hierarchy is used there, and one
 * left to the unified hierarchy is used through cgroup2.  A pure v2 host thus
 * gives one hierarchy, a v1 host one per controller (or per co-mounted
 * group), and a hybrid host a mix of the two.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "internal.h"

#ifndef LIBLVE_DEFAULT_PARENT
#define LIBLVE_DEFAULT_PARENT "/lve"
#endif
#ifndef LIBLVE_CONF
#define LIBLVE_CONF "/etc/lve/lve.conf"
#endif

static const struct {
	const char *v1, *v2;
	unsigned bit;
} controllers[] = {
	{ "cpu", "cpu", LVE_CTRL_CPU },
	{ "cpuacct", NULL, LVE_CTRL_CPUACCT },
	{ "blkio", "io", LVE_CTRL_IO },
	{ "memory", "memory", LVE_CTRL_MEMORY },
	{ "pids", "pids", LVE_CTRL_PIDS },
};

#define N_CONTROLLERS (sizeof(controllers) / sizeof(controllers[0]))

int lve_parent_check(const char *parent)
{
	const char *p = parent;
	size_t total = strlen(parent);

	if (*p == '/')
		p++;
	if (*p == '\0' || total >= LVE_PATH_MAX)
		return -EINVAL;
	while (*p) {
		const char *end = strchrnul(p, '/');
		size_t len = (size_t)(end - p);

		if (len == 0 || len > NAME_MAX)
			return -EINVAL;
		if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
			return -EINVAL;
		for (const char *c = p; c < end; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				return -EINVAL;
		if (*end == '/' && end[1] == '\0')
			return -EINVAL; /* trailing slash: an empty last component */
		p = *end ? end + 1 : end;
	}
	return 0;
}

/* Next whitespace-separated field of a mountinfo line, unescaped in place
 * (the kernel writes space, tab, newline and backslash as \ooo). */
static char *next_field(char **cursor)
{
	char *s = *cursor, *out, *start;

	while (*s == ' ')
		s++;
	if (*s == '\0')
		return NULL;
	start = out = s;
	while (*s && *s != ' ') {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 4;
		} else {
			*out++ = *s++;
		}
	}
	if (*s)
		s++;
	*out = '\0';
	*cursor = s;
	return start;
}

int lve_has_word(const char *list, const char *name, char sep)
{
	size_t n = strlen(name);

	for (const char *p = list; p && *p;) {
		const char *end = p;

		while (*end && (sep == ' ' ? !strchr(" \t\n", *end) : *end != sep))
			end++;
		if ((size_t)(end - p) == n && strncmp(p, name, n) == 0)
			return 1;
		p = *end ? end + 1 : NULL;
	}
	return 0;
}

/*
 * Our cgroup in the hierarchy carrying controller @v1name (v1) or the
 * unified one (@v1name NULL), from the text of /proc/self/cgroup.  Copies the
 * path (with its leading '/') into @out.
 */
static int self_path(const char *proc_cgroup, const char *v1name, char *out, size_t size)
{
	const char *line = proc_cgroup;

	while (line && *line) {
		const char *nl = strchrnul(line, '\n');
		const char *c1 = memchr(line, ':', (size_t)(nl - line));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(nl - c1 - 1)) : NULL;

		if (c2) {
			char ctrls[256];
			size_t clen = (size_t)(c2 - c1 - 1);
			int match;

			if (clen < sizeof(ctrls)) {
				memcpy(ctrls, c1 + 1, clen);
				ctrls[clen] = '\0';
				match = v1name ? lve_has_word(ctrls, v1name, ',')
					       : (clen == 0 && c1 - line == 1 && line[0] == '0');
				if (match) {
					size_t plen = (size_t)(nl - c2 - 1);

					if (plen >= size)
						return -ENAMETOOLONG;
					memcpy(out, c2 + 1, plen);
					out[plen] = '\0';
					return 0;
				}
			}
		}
		line = *nl ? nl + 1 : NULL;
	}
	return -ENOENT;
}

/*
 * Our cgroup relative to a mount whose root is @root: "" for the mount's own
 * root.  A cgroup outside what the mount shows, or one that was deleted, is
 * -ENOENT: that mount cannot be used.
 */
static int relative_to_mount(const char *root, const char *path, char *out, size_t size)
{
	size_t rlen = strlen(root);
	const char *rest;

	if (path[0] != '/' || strstr(path, "/..") || strstr(path, " (deleted)"))
		return -ENOENT;
	if (strcmp(root, "/") == 0) {
		rest = path + 1;
	} else {
		if (strncmp(path, root, rlen) != 0 || (path[rlen] != '\0' && path[rlen] != '/'))
			return -ENOENT;
		rest = path + rlen + (path[rlen] == '/');
	}
	if (strlen(rest) >= size)
		return -ENAMETOOLONG;
	strcpy(out, rest);
	return 0;
}

/*
 * If @self is LVE <n> of the tree @rel beneath some cgroup B ("B/<rel>/<n>"),
 * the length of B; otherwise that of @self.  A relative parent means "beneath
 * the cgroup the caller was started in", and a process inside one of that
 * tree's LVEs must still find the same tree.
 */
static size_t base_len(const char *self, const char *rel)
{
	size_t slen = strlen(self), rlen = strlen(rel), dlen = 0;

	while (dlen < slen && self[slen - 1 - dlen] >= '0' && self[slen - 1 - dlen] <= '9')
		dlen++;
	if (dlen == 0 || dlen == slen || self[slen - dlen - 1] != '/')
		return slen;
	slen -= dlen + 1; /* drop "/<n>" */
	if (slen < rlen || strncmp(self + slen - rlen, rel, rlen) != 0)
		return strlen(self);
	if (slen == rlen)
		return 0;
	if (self[slen - rlen - 1] != '/')
		return strlen(self);
	return slen - rlen - 1;
}

static int resolve_parent(struct lve_hier *hier, const char *parent)
{
	size_t base;

	if (parent[0] == '/') {
		if (strlen(parent + 1) >= sizeof(hier->parent))
			return -ENAMETOOLONG;
		strcpy(hier->parent, parent + 1);
		return 0;
	}
	base = base_len(hier->self, parent);
	if (base + 1 + strlen(parent) >= sizeof(hier->parent))
		return -ENAMETOOLONG;
	if (base == 0) {
		strcpy(hier->parent, parent);
	} else {
		memcpy(hier->parent, hier->self, base);
		hier->parent[base] = '/';
		strcpy(hier->parent + base + 1, parent);
	}
	return 0;
}

/* The v2 controllers the unified mount offers, from its cgroup.controllers. */
static int v2_offered(const struct lve_host *host, int h, unsigned *bits)
{
	char buf[512];
	int fd, r;

	*bits = 0;
	fd = cgfs_open_hier(host, h);
	if (fd < 0)
		return fd;
	r = cgfs_read(host, fd, "", "cgroup.controllers", buf, sizeof(buf));
	close(fd);
	if (r < 0)
		return r;
	for (char *save = NULL, *w = strtok_r(buf, " \n", &save); w; w = strtok_r(NULL, " \n", &save))
		for (size_t i = 0; i < N_CONTROLLERS; i++)
			if (controllers[i].v2 && strcmp(w, controllers[i].v2) == 0)
				*bits |= controllers[i].bit;
	return 0;
}

int lve_host_parse(struct lve_host *host, const char *mountinfo, const char *proc_cgroup,
		   const char *parent)
{
#ifdef LIBLVE_TEST_HOOKS
	const struct lve_fake *fake = host->fake;
#endif
	char *text, *line, *save = NULL;
	unsigned taken = 0;
	int unified = -1, r;

	r = lve_parent_check(parent);
	if (r < 0)
		return r;
	memset(host, 0, sizeof(*host));
#ifdef LIBLVE_TEST_HOOKS
	host->fake = fake;
#endif
	host->primary = -1;

	text = strdup(mountinfo);
	if (!text)
		return -ENOMEM;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *cur = line, *f, *root, *mnt, *fstype, *super;
		struct lve_hier *hier;
		unsigned bits = 0;
		int i;

		/* id parent maj:min root mountpoint options [optional...] - type source super */
		for (i = 0; i < 3; i++)
			if (!next_field(&cur))
				break;
		root = next_field(&cur);
		mnt = next_field(&cur);
		if (i < 3 || !root || !mnt)
			continue;
		while ((f = next_field(&cur)) && strcmp(f, "-") != 0)
			;
		fstype = f ? next_field(&cur) : NULL;
		super = fstype && next_field(&cur) /* source */ ? next_field(&cur) : NULL;
		if (!fstype || !super || host->n == LVE_MAX_HIER)
			continue;

		if (strcmp(fstype, "cgroup2") == 0) {
			char path[LVE_PATH_MAX];

			if (unified >= 0 || strlen(mnt) >= sizeof(host->h[0].mount))
				continue;
			hier = &host->h[host->n];
			if (self_path(proc_cgroup, NULL, path, sizeof(path)) < 0 ||
			    relative_to_mount(root, path, hier->self, sizeof(hier->self)) < 0)
				continue;
			if (strlen(root) >= sizeof(hier->root))
				continue;
			strcpy(hier->mount, mnt);
			strcpy(hier->root, root);
			hier->kind = LVE_V2;
			unified = host->n++;
			continue;
		}
		if (strcmp(fstype, "cgroup") != 0)
			continue;
		for (size_t c = 0; c < N_CONTROLLERS; c++)
			if (lve_has_word(super, controllers[c].v1, ',') && !(taken & controllers[c].bit))
				bits |= controllers[c].bit;
		if (!bits)
			continue;
		hier = &host->h[host->n];
		{
			char path[LVE_PATH_MAX];
			const char *first = NULL;

			for (size_t c = 0; c < N_CONTROLLERS && !first; c++)
				if (bits & controllers[c].bit)
					first = controllers[c].v1;
			if (self_path(proc_cgroup, first, path, sizeof(path)) < 0 ||
			    relative_to_mount(root, path, hier->self, sizeof(hier->self)) < 0)
				continue;
		}
		if (strlen(mnt) >= sizeof(hier->mount) || strlen(root) >= sizeof(hier->root))
			continue;
		strcpy(hier->mount, mnt);
		strcpy(hier->root, root);
		hier->kind = LVE_V1;
		hier->ctrls = bits;
		taken |= bits;
		host->n++;
	}
	free(text);

	/* Controllers no v1 hierarchy took are used through cgroup2, if offered. */
	if (unified >= 0) {
		unsigned offered = 0;

		if (v2_offered(host, unified, &offered) == 0)
			host->h[unified].ctrls = offered & ~taken;
		if (host->h[unified].ctrls & LVE_CTRL_CPU)
			host->h[unified].ctrls |= LVE_CTRL_CPUACCT & ~taken;
		if (host->h[unified].ctrls == 0) {
			/* a hybrid host's empty unified tree: not ours to use */
			memmove(&host->h[unified], &host->h[unified + 1],
				(size_t)(host->n - unified - 1) * sizeof(host->h[0]));
			host->n--;
		}
	}

	strcpy(host->parent_spec, parent);
	for (int i = 0; i < host->n; i++) {
		if (host->h[i].ctrls & LVE_CTRL_CPU)
			host->primary = i;
		r = resolve_parent(&host->h[i], parent);
		if (r < 0)
			return r;
	}
	if (host->primary < 0)
		return -ENOSYS;
	return 0;
}

int lve_host_parse_self(struct lve_host *host, const char *proc_cgroup)
{
	for (int i = 0; i < host->n; i++) {
		struct lve_hier *hier = &host->h[i];
		int r;

		r = lve_host_cgroup_of(host, i, proc_cgroup, hier->self, sizeof(hier->self));
		if (r < 0)
			return r;
		r = resolve_parent(hier, host->parent_spec);
		if (r < 0)
			return r;
	}
	return 0;
}

int lve_read_file(int fd, char *buf, size_t size)
{
	size_t off = 0;

	if (size == 0)
		return -EINVAL;
	/* /proc and cgroupfs (seq_file) fill a read as far as they can: a short
	 * read is the end, and needs no second read to be seen */
	for (;;) {
		size_t want = size - 1 - off;
		ssize_t n;

		if (want == 0) {
			char extra;

			/* full: is there more? */
			do
				n = read(fd, &extra, 1);
			while (n < 0 && errno == EINTR);
			buf[off] = '\0';
			return n == 0 ? (int)off : n < 0 ? -errno : -EFBIG;
		}
		n = read(fd, buf + off, want);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		off += (size_t)n;
		if ((size_t)n < want)
			break;
	}
	buf[off] = '\0';
	return (int)off;
}

int lve_read_at(int dirfd, const char *path, char *buf, size_t size)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0)
		return -errno;
	r = lve_read_file(fd, buf, size);
	close(fd);
	return r;
}

int lve_read_proc(const char *path, char **out)
{
	size_t size = 16384;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		char *buf = malloc(size);

		if (!buf) {
			close(fd);
			return -ENOMEM;
		}
		r = lve_read_file(fd, buf, size);
		if (r >= 0) {
			close(fd);
			*out = buf;
			return 0;
		}
		free(buf);
		if (r != -EFBIG || lseek(fd, 0, SEEK_SET) < 0) {
			close(fd);
			return r == -EFBIG ? -errno : r;
		}
		size *= 2;
	}
}

const char *lve_parent_setting(char *buf, size_t size)
{
	/* In secure mode (setuid, setgid, file capabilities) the environment
	 * belongs to the caller, who must not choose where LVEs live, nor
	 * which configuration says it. */
	int secure = getauxval(AT_SECURE) != 0;
	const char *conf = LIBLVE_CONF;

	if (!secure) {
		const char *env = getenv("LIBLVE_CGROUP_PARENT");

		if (env && *env)
			return env;
		env = getenv("LIBLVE_CONF");
		if (env && *env)
			conf = env;
	}
	if (lve_config_parent(conf, buf, size) == 1)
		return buf;
	return LIBLVE_DEFAULT_PARENT;
}

int lve_host_cgroup_of(const struct lve_host *host, int h, const char *proc_cgroup, char *out,
		       size_t size)
{
	const struct lve_hier *hier = &host->h[h];
	char path[LVE_PATH_MAX];
	const char *first = NULL;
	int r;

	if (hier->kind == LVE_V1)
		for (size_t c = 0; c < N_CONTROLLERS && !first; c++)
			if (hier->ctrls & controllers[c].bit)
				first = controllers[c].v1;
	r = self_path(proc_cgroup, first, path, sizeof(path));
	if (r < 0)
		return r;
	return relative_to_mount(hier->root, path, out, size);
}

int lve_host_discover(struct lve_host *host)
{
	char self[8192], parent[LVE_PATH_MAX];
	char *mountinfo = NULL;
	int r;

	r = lve_read_at(AT_FDCWD, "/proc/self/cgroup", self, sizeof(self));
	if (r < 0)
		return r;
	r = lve_read_proc("/proc/self/mountinfo", &mountinfo);
	if (r < 0)
		return r;
#ifdef LIBLVE_TEST_HOOKS
	host->fake = NULL;
#endif
	r = lve_host_parse(host, mountinfo, self, lve_parent_setting(parent, sizeof(parent)));
	free(mountinfo);
	return r;
}
