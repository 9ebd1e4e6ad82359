/* SPDX-License-Identifier: MIT */
/*
 * planted.c - a library an attacker plants where a setuid program might load
 * it from: beside the binary as libc.so, liblve.so or
 * libMonoPosixHelper.so, or through LD_PRELOAD.  If it is ever loaded, its
 * constructor writes "<the library's own path>.loaded" with the ids it ran
 * with, which the tests look for.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

__attribute__((constructor)) static void planted(void)
{
	Dl_info info;
	char path[4096], line[128];

	if (!dladdr((void *)planted, &info) || !info.dli_fname)
		return;
	snprintf(path, sizeof path, "%s.loaded", info.dli_fname);
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
	if (fd < 0)
		return;
	int n = snprintf(line, sizeof line, "loaded uid %d euid %d\n", (int)getuid(), (int)geteuid());
	if (write(fd, line, (size_t)n) < 0) {
	}
	close(fd);
}
