/* SPDX-License-Identifier: MIT */
/*
 * lock.c - liblve's locks, and how long anyone may wait for them.
 *
 * Each lock is flock(2) on a cgroup file or directory that only root can
 * open (LVE parents are 0711, LVEs 0700), so only root processes can ever
 * hold one, and each is held for a few of liblve's own system calls, never
 * across anything a caller controls (internal.h says which and when).  A
 * holder that dies releases its lock with its last fd.
 *
 * Waiting is bounded: a waiter polls with a growing pause (50 us up to 10
 * ms) and gives up with -EAGAIN after LVE_LOCK_WAIT_MS, so a holder that
 * was stopped (SIGSTOP to a root tool, a debugger) can make others fail,
 * never hang.  flock's own blocking wait cannot be bounded without a
 * signal, and a library must not play with its caller's signals.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int lve_lock(int fd, int how)
{
	long long deadline = 0;
	long pause_us = 50;

	for (;;) {
		struct timespec ts;

		if (flock(fd, how | LOCK_NB) == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK)
			return -errno;
		if (deadline == 0)
			deadline = now_us() + (long long)LVE_LOCK_WAIT_MS * 1000;
		else if (now_us() >= deadline)
			return -EAGAIN;
		ts.tv_sec = 0;
		ts.tv_nsec = pause_us * 1000;
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
		if (pause_us < 10000)
			pause_us *= 2;
	}
}

void lve_unlock(int fd)
{
	if (fd >= 0)
		flock(fd, LOCK_UN);
}

int lve_state_lock(const struct lve_host *host, int dfd)
{
	int fd, r;

	(void)host;
	do
		fd = openat(dfd, "cgroup.procs", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return -errno;
	r = lve_lock(fd, LOCK_EX);
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

void lve_state_unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* the only fd of its open file: the flock goes with it */
}

int lve_creation_lock(const struct lve_tree *t)
{
	const struct lve_host *host = t->host;
	int p = host->primary, fd, r;

	fd = cgfs_open_dir(host, t->fd[p], host->h[p].parent);
	if (fd < 0)
		return fd;
	r = lve_lock(fd, LOCK_EX);
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}
