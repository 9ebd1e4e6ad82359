/* SPDX-License-Identifier: MIT */
/*
 * config.c - the one setting liblve takes from the administrator's
 * configuration (lvectl.conf(5), /etc/lve/lve.conf): where LVEs live.
 *
 * Every program over liblve (lverun, lvectl, a web-server module) must
 * agree on the LVE parent, so it is read from the same root-owned file by
 * all of them.  The rest of the file is lvectl's; liblve reads the host-wide
 * settings at its head (before the first "[section]") and only "parent".
 *
 * The file is used only when it is safe: a regular file, owned by root,
 * writable by root alone (checked on the opened file, so nothing can be
 * swapped in between), reached without following a symlink.  Otherwise, and
 * when the value is not an absolute clean path, it is as if it said nothing:
 * a relative parent would lie beneath the caller's own cgroup, which a user
 * who owns a delegated subtree could then hold.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* Trim @s in place: leading and trailing blanks, and a comment ("#" at the
 * start or after a blank). */
static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	for (char *p = s; *p; p++)
		if (*p == '#' && (p == s || p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			break;
		}
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

int lve_config_parent(const char *path, char *out, size_t size)
{
	struct stat st;
	char *line = NULL;
	size_t cap = 0;
	int fd, found = 0;
	FILE *f;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH))) {
		close(fd);
		return 0;
	}
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return 0;
	}
	while (getline(&line, &cap, f) > 0) {
		char *s = trim(line), *eq, *key, *value;

		if (*s == '[')
			break; /* the sections are lvectl's */
		eq = strchr(s, '=');
		if (!eq)
			continue;
		*eq = '\0';
		key = trim(s);
		value = trim(eq + 1);
		if (strcmp(key, "parent") != 0)
			continue;
		found = 0;
		if (value[0] == '/' && lve_parent_check(value) == 0 && strlen(value) < size) {
			strcpy(out, value);
			found = 1;
		}
	}
	free(line);
	fclose(f);
	return found;
}
