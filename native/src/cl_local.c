/* SPDX-License-Identifier: MIT */
/*
 * cl_local.c - what a process keeps outside its instances, for
 * CloudLinux's API.  An instance is at most SIZEOF_LIBLVE bytes that its
 * owner may copy and free (lve/lve-ctl.h), so nothing else can live in it:
 *
 *   entries     the entries root made itself (root moves directly, without
 *               the broker): the task, its cookie, the way back
 *   connections this process's connection to each broker it talks to
 *               (cl.h tells the protocol)
 *
 * Both are per process.  After fork() a child sees its parent's copies,
 * tagged with the parent's pid: never its own.  An entry of the parent is
 * not the child's (the child of an entrant may not leave for it), and a
 * connection of the parent is the parent's: the child makes its own the
 * first time it needs one.
 *
 * One lock guards both, held for a few instructions and never across a
 * call to the broker or to cgroupfs.  It records the pid that holds it, so
 * a child forked while another thread held it takes it over instead of
 * waiting for a thread that does not exist there.  Not for signal handlers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cl.h"

static _Atomic int lock_holder; /* the pid holding the lock, 0 when free */

static void lock(void)
{
	int me = getpid();

	for (;;) {
		int cur = 0;

		if (atomic_compare_exchange_weak(&lock_holder, &cur, me))
			return;
		/* held by the process we were forked from: nobody here will
		 * ever release it */
		if (cur != 0 && cur != me && atomic_compare_exchange_strong(&lock_holder, &cur, me))
			return;
		sched_yield();
	}
}

static void unlock(void)
{
	atomic_store(&lock_holder, 0);
}

/* @array (room for *@cap elements of @size, @n of them used), with room for
 * one more: itself, or grown to twice the room; NULL (and @array as it was)
 * when memory is short. */
static void *with_room(void *array, size_t *cap, size_t n, size_t size)
{
	size_t want;
	void *bigger;

	if (n < *cap)
		return array;
	want = *cap ? *cap * 2 : 8;
	bigger = realloc(array, want * size);
	if (bigger)
		*cap = want;
	return bigger;
}

/* --- root's own entries ----------------------------------------------------------- */

static struct cl_rec **entries;
static size_t n_entries, cap_entries;

/* The calling thread's entry, or NULL; with @take it leaves the table. */
static struct cl_rec *own_entry(int take)
{
	pid_t pid = getpid(), tid = cl_gettid();
	unsigned long long start = lve_task_start(tid);
	struct cl_rec *found = NULL;

	lock();
	for (size_t i = 0; i < n_entries; i++) {
		struct cl_rec *e = entries[i];

		if (e->pid == pid && e->tid == tid && e->start == start) {
			found = e;
			if (take)
				entries[i] = entries[--n_entries];
			break;
		}
	}
	unlock();
	return found;
}

static int add_entry(struct cl_rec *rec)
{
	struct cl_rec **room;
	int r = 0;

	lock();
	/* the entries of dead threads and of the process we came from go */
	for (size_t i = 0; i < n_entries;) {
		struct cl_rec *e = entries[i];

		if (e->pid != rec->pid || lve_task_start(e->tid) != e->start) {
			entries[i] = entries[--n_entries];
			free(e); /* a parent's entry here is this process's copy */
		} else {
			i++;
		}
	}
	room = with_room(entries, &cap_entries, n_entries, sizeof(*entries));
	if (room) {
		entries = room;
		entries[n_entries++] = rec;
	} else {
		r = -ENOMEM;
	}
	unlock();
	return r;
}

/*
 * The hierarchies, found once per process (reading mountinfo costs more
 * than a move) and kept with the cgroup this process was in then; each
 * call only learns again where the process is now.  A child forked later
 * keeps its parent's, as it keeps its parent's tree.
 */
static struct lve_host known_host;
static int host_known;

static int here(struct lve_host *host, struct lve_tree *t, struct lve_task *task, int for_enter)
{
	char text[8192];
	int r;

	lock();
	if (host_known)
		memcpy(host, &known_host, sizeof(*host));
	unlock();
	if (!host_known) {
		r = lve_host_discover(host);
		if (r < 0)
			return r;
		lock();
		memcpy(&known_host, host, sizeof(*host));
		host_known = 1;
		unlock();
	} else {
		r = lve_read_at(AT_FDCWD, "/proc/self/cgroup", text, sizeof(text));
		if (r >= 0)
			r = lve_host_parse_self(host, text);
		if (r < 0)
			return r;
	}
	if (for_enter)
		r = cl_task(host, getpid(), cl_gettid(), task);
	else {
		task->pid = getpid();
		task->tid = cl_gettid();
		task->thread_only = 1;
		r = 0;
	}
	return r < 0 ? r : lve_tree_open(t, host);
}

int cl_local_enter(uint32_t id, unsigned flags, const struct liblve_settings *set, uint32_t *cookie)
{
	struct lve_host host;
	struct lve_task task;
	struct lve_tree t;
	struct cl_rec *rec;
	int r;

	r = here(&host, &t, &task, 1);
	if (r < 0)
		return r;
	rec = malloc(sizeof(*rec));
	r = rec ? cl_enter(&t, &task, id, flags, set, rec) : -ENOMEM;
	if (r == 0) {
		(void)cl_faults_read(&t, NULL, id, &rec->base);
		r = add_entry(rec);
		if (r < 0)
			(void)lve_tree_task_leave(&t, &task, &rec->entry); /* nowhere to keep it */
	}
	lve_tree_close(&t);
	if (r < 0) {
		free(rec);
		return r;
	}
	*cookie = rec->cookie;
	return 0;
}

int cl_local_exit(uint32_t cookie)
{
	struct lve_host host;
	struct lve_task task;
	struct lve_tree t;
	struct cl_rec *rec;
	int r;

	r = here(&host, &t, &task, 0);
	if (r < 0)
		return r;
	rec = own_entry(1);
	/* root is not asked for the cookie, as the kernel module does not ask
	 * an LVE admin */
	r = cl_exit(&t, &task, rec, cookie, 0);
	lve_tree_close(&t);
	if (r == CL_KILL) {
		/* inside, and not the task that entered: as the kernel module does */
		kill(getpid(), SIGKILL);
		return -EPERM;
	}
	if (rec && r != 0 && r != -ESRCH && add_entry(rec) == 0)
		return r; /* still inside somewhere: a retry can finish */
	free(rec);
	return r;
}

int cl_local_entered(void)
{
	return own_entry(0) != NULL;
}

int cl_local_fault(uint32_t *mask)
{
	pid_t parent = getppid();
	struct lve_host host;
	struct lve_task task;
	struct lve_tree t;
	struct cl_rec *rec;
	uint32_t id;
	int r;

	r = here(&host, &t, &task, 0);
	if (r < 0)
		return r;
	r = lve_tree_task_inside(&t, &task);
	if (r <= 0) {
		lve_tree_close(&t);
		return r < 0 ? r : -ESRCH;
	}
	id = cl_task_lve(&host, &task);
	*mask = 0;
	rec = own_entry(0);
	if (!rec && id) {
		/* a child shares its entrant's faults: the parent's entry, as
		 * fork() left it here */
		lock();
		for (size_t i = 0; i < n_entries && !rec; i++)
			if (entries[i]->pid == parent && entries[i]->entry.id == id)
				rec = entries[i];
		unlock();
	}
	/* without one, inside by someone else's doing: nothing to compare with */
	r = rec && id && rec->entry.id == id ? cl_faults_since(&t, NULL, id, &rec->base, mask) : 0;
	lve_tree_close(&t);
	return r;
}

int cl_local_inside(void)
{
	struct lve_host host;
	struct lve_task task;
	struct lve_tree t;
	int r;

	r = here(&host, &t, &task, 0);
	if (r < 0)
		return r;
	r = lve_tree_task_inside(&t, &task);
	lve_tree_close(&t);
	return r;
}

/* --- connections to brokers ---------------------------------------------------------- */

/*
 * One connection per thread and broker: a thread waits for the answer to
 * its own request on a socket no other thread reads, and a child forked
 * later makes its own (a connection answers only the process that made
 * it).  They are listed by the thread that made them; a thread that ended
 * leaves its connection to the next thread given its id (they never run at
 * once), and the next registration closes those of ids no thread of this
 * process has any more, and a parent's copies.  No thread-local storage: a
 * shared library with some would need the dynamic loader's
 * __tls_get_addr.
 */
struct made {
	pid_t pid, tid;            /* the thread that made it */
	pid_t broker;
	int fd;
};

static struct made *made;
static size_t n_made, cap_made;
static _Atomic uint32_t seq;

/* Is @fd still the connection @owner made (a socket pair it created)? */
static int still_ours(int fd, pid_t owner)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 && cred.pid == owner;
}

/* Close listed connection @i if it still is one (the caller may have closed
 * the descriptor and got the number back for something else) and unlist it. */
static void unlist(size_t i)
{
	if (still_ours(made[i].fd, made[i].pid))
		close(made[i].fd);
	made[i] = made[--n_made];
}

/* Register a new connection with the broker of @inst; returns its fd. */
static int connect_broker(const struct cl_instance *inst)
{
	struct cl_request req = { 0 };
	int pair[2], on = 1, r;

	if (!cl_channel_valid(inst->channel, inst->broker))
		return -EPERM; /* not the descriptor root's init_lve() left here */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
		return -errno;
	/* set before the broker has it, so that the kernel tells it who sent
	 * every message, the first included */
	if (setsockopt(pair[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) < 0) {
		r = -errno;
		goto fail;
	}
	req.version = CL_WIRE_VERSION;
	req.op = CL_OP_REGISTER;
	req.tid = cl_gettid();
	r = cl_send(inst->channel, &req, sizeof(req), pair[1]);
	if (r < 0)
		goto fail;
	close(pair[1]);
	return pair[0];
fail:
	close(pair[0]);
	close(pair[1]);
	return r == -EPIPE || r == -ECONNRESET ? -EIO : r;
}

/* Is thread @tid one of this process's? */
static int thread_here(pid_t tid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/task/%d", (int)tid);
	return access(path, F_OK) == 0;
}

static int find_conn(pid_t pid, pid_t tid, pid_t broker)
{
	int fd = -1;

	lock();
	for (size_t i = 0; i < n_made && fd < 0; i++)
		if (made[i].pid == pid && made[i].tid == tid && made[i].broker == broker)
			fd = made[i].fd;
	unlock();
	return fd;
}

static int conn_for(const struct cl_instance *inst)
{
	pid_t pid = getpid(), tid = cl_gettid();
	int fd = find_conn(pid, tid, inst->broker), r = 0;
	struct made *room;

	if (fd >= 0)
		return fd;
	fd = connect_broker(inst);
	if (fd < 0)
		return fd;
	lock();
	/* those of threads that ended, and a parent's copies, go */
	for (size_t i = 0; i < n_made;)
		if (made[i].pid != pid || !thread_here(made[i].tid))
			unlist(i);
		else
			i++;
	room = with_room(made, &cap_made, n_made, sizeof(*made));
	if (room) {
		made = room;
		made[n_made++] = (struct made){ pid, tid, inst->broker, fd };
	} else {
		r = -ENOMEM;
	}
	unlock();
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

void cl_local_forget(pid_t broker)
{
	pid_t me = getpid();

	lock();
	for (size_t i = 0; i < n_made;)
		if (made[i].pid == me && made[i].broker == broker)
			unlist(i);
		else
			i++;
	unlock();
}

/* One request and its answer on this thread's connection @conn. */
static int round_trip(int conn, struct cl_request *req, struct cl_reply *rep)
{
	ssize_t n;
	int r;

	req->seq = atomic_fetch_add(&seq, 1) + 1;
	r = cl_send(conn, req, sizeof(*req), -1);
	if (r < 0)
		return r;
	/* no time limit: the broker answers or dies (then this is EOF), and a
	 * signal must not make an enter look failed while it goes on */
	for (;;) {
		n = recv(conn, rep, sizeof(*rep), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(*rep))
			return n < 0 ? -errno : -EIO;
		if (rep->seq == req->seq)
			return 0;
		/* an answer to an earlier request of this thread: not this one's */
	}
}

int cl_local_call(const struct cl_instance *inst, struct cl_request *req, struct cl_reply *rep)
{
	int conn, r;

	req->version = CL_WIRE_VERSION;
	req->tid = cl_gettid();
	for (int attempt = 0; attempt < 2; attempt++) {
		conn = conn_for(inst);
		if (conn < 0)
			return conn;
		r = round_trip(conn, req, rep);
		if (r != -EPIPE && r != -ECONNRESET && r != -ENOTCONN)
			return r == 0 ? rep->result : r;
		/* the broker let go of this connection (before it read the
		 * request: nothing happened): make another */
		cl_local_forget(inst->broker);
	}
	return -EIO;
}
