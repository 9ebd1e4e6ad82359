/* SPDX-License-Identifier: MIT */
/*
 * cl_broker.c - the broker: a process init_lve() starts when root calls it,
 * which moves processes into and out of LVEs for them after they have
 * dropped privileges (an Apache child running as www-data, say), as
 * CloudLinux's kernel module lets them.  cl.h tells the protocol.
 *
 * Why a process.  The kernel checks a write to cgroup.procs or tasks
 * against the credentials of whoever opened the file, so a descriptor
 * opened by root and inherited by www-data would let www-data (and the
 * customer code it runs) move any process anywhere.  The broker keeps the
 * privilege on its side; the processes hold only a socket to it, and ask.
 *
 * Who asks.  The kernel attaches the sender's pid to every message
 * (SO_PASSCRED); a sender cannot forge it (SCM_CREDENTIALS with a pid not
 * its own needs CAP_SYS_ADMIN).  A connection belongs to the process that
 * registered it, held by a pidfd: while that process lives its pid is its
 * own, so a message with that pid is from it.  Only its messages are
 * served on the connection, and only for one of its own threads.  The broker keeps
 * every entry - task, start time, cookie, the way back - and kills a task
 * that asks to leave an LVE it did not enter or with a cookie not its own,
 * as the kernel module does.
 *
 * Never stalled.  Nothing on the broker's side waits for a client; one
 * message per connection is served per turn of the loop, so a flood on one
 * connection waits behind everyone else's requests, not the other way
 * round; an answer goes back on the asker's own connection, which has room
 * for it (a client asks again only after reading its answer).
 *
 * Its life.  Double-forked from the caller of init_lve() (the caller never
 * has a child to reap), it keeps nothing of the caller's: no descriptor
 * but the one it was handed, default signals, its own session.  It ends
 * when the last holder of the rendezvous has closed it (exited, called
 * destroy_lve(), or exec'd: the descriptor is close-on-exec) and the last
 * connection is gone; nothing of it remains.
 *
 * It runs after a fork() of a process that may have other threads, without
 * an exec: glibc makes malloc, stdio and the dynamic loader usable in the
 * child of fork(), and the broker touches no lock of its caller's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cl.h"

#define REGISTRATIONS_PER_TURN 16
#define CONNECTIONS_PER_PROCESS 256 /* one per thread that asks */
/* Registrations made from inside an LVE (customer code and its children;
 * a server registers before it enters), all of that LVE's together. */
#define CONNECTIONS_PER_LVE 32
#define MAX_FDS_PER_MESSAGE 4
#define ANCESTORS 16

/* What an epoll event is about: a connection, or the end of its process. */
#define EV_CONN 0u
#define EV_EXIT 1u
#define EV(kind, fd) ((uint64_t)(kind) << 32 | (uint32_t)(fd))

struct conn {
	pid_t pid;                 /* the process it belongs to */
	unsigned long long start;  /* that process's start time */
	int pidfd;                 /* that process, -1 where the kernel has no pidfd */
	uint32_t lve;              /* the LVE it was in when it registered, or 0 */
};

struct broker {
	struct lve_host host;
	struct lve_tree tree;      /* the hierarchies, open for the broker's life */
	struct cl_counters counters;
	int rendezvous;            /* -1 once every holder has closed it */
	int epfd;
	struct conn **conns;       /* by descriptor */
	size_t n_slots, n_conns, max_conns;
	struct cl_rec **recs;      /* the entries */
	size_t n_recs, cap_recs, sweep_at;
};

/* --- messages ---------------------------------------------------------------------- */

struct incoming {
	ssize_t len;
	struct cl_request req;
	pid_t pid;                 /* from the kernel; 0 when it did not say */
	int fd;                    /* the first descriptor passed, or -1 */
};

/* Receive one message from @sock without waiting: its length (0 at end of
 * file), -EAGAIN when there is none, or -errno.  Descriptors beyond the
 * first are closed. */
static ssize_t receive(int sock, struct incoming *in)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(MAX_FDS_PER_MESSAGE * sizeof(int))];
	} ctl;
	struct iovec iov = { &in->req, sizeof(in->req) };
	struct msghdr msg = { 0 };
	ssize_t n;

	in->pid = 0;
	in->fd = -1;
	memset(&in->req, 0, sizeof(in->req));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.buf;
	msg.msg_controllen = sizeof(ctl.buf);
	do
		n = recvmsg(sock, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET)
			continue;
		if (c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len == CMSG_LEN(sizeof(struct ucred))) {
			struct ucred cred;

			memcpy(&cred, CMSG_DATA(c), sizeof(cred));
			in->pid = cred.pid;
		} else if (c->cmsg_type == SCM_RIGHTS) {
			size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

			for (size_t i = 0; i < count; i++) {
				int fd;

				memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
				if (in->fd < 0)
					in->fd = fd;
				else
					close(fd);
			}
		}
	}
	/* a message cut short (too long, or too many descriptors) is no request */
	if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
		in->len = -1;
	else
		in->len = n;
	return n;
}

/* Is @fd a Unix seqpacket socket made by process @pid? */
static int socket_of(int fd, pid_t pid)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int type = 0, domain = 0;
	socklen_t tl = sizeof(type), dl = sizeof(domain);

	return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) == 0 && type == SOCK_SEQPACKET &&
	       getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &dl) == 0 && domain == AF_UNIX &&
	       getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 && cred.pid == pid;
}

/* --- connections ------------------------------------------------------------------- */

static void drop_conn(struct broker *b, int fd)
{
	if ((size_t)fd < b->n_slots && b->conns[fd]) {
		if (b->conns[fd]->pidfd >= 0) {
			(void)epoll_ctl(b->epfd, EPOLL_CTL_DEL, b->conns[fd]->pidfd, NULL);
			close(b->conns[fd]->pidfd);
		}
		free(b->conns[fd]);
		b->conns[fd] = NULL;
		b->n_conns--;
	}
	(void)epoll_ctl(b->epfd, EPOLL_CTL_DEL, fd, NULL);
	close(fd);
}

/* The connections of process @pid, and those registered from LVE @lve. */
static void conns_of(const struct broker *b, pid_t pid, uint32_t lve, int *of_pid, int *of_lve)
{
	*of_pid = *of_lve = 0;
	for (size_t i = 0; i < b->n_slots; i++) {
		if (!b->conns[i])
			continue;
		*of_pid += b->conns[i]->pid == pid;
		*of_lve += lve && b->conns[i]->lve == lve;
	}
}

/* A registration: the sender's connection, checked, joins the loop. */
static void registration(struct broker *b, struct incoming *in)
{
	struct epoll_event ev = { 0 };
	struct lve_task task = { in->pid, in->pid, 1 };
	int fd = in->fd, on = 0, of_pid, of_lve;
	socklen_t len = sizeof(on);
	struct conn *c = NULL;
	uint32_t lve;

	if (fd < 0)
		return;
	if (in->len != (ssize_t)sizeof(in->req) || in->req.version != CL_WIRE_VERSION ||
	    in->req.op != CL_OP_REGISTER || in->pid <= 0 ||
	    /* its own socket pair, with the sender's pid on every message */
	    !socket_of(fd, in->pid) ||
	    getsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, &len) < 0 || !on ||
	    b->n_conns >= b->max_conns)
		goto refuse;
	/* the broker's descriptors are shared by everyone: code inside an LVE
	 * gets a small share of them, its LVE's */
	lve = cl_task_lve(&b->host, &task);
	conns_of(b, in->pid, lve, &of_pid, &of_lve);
	if (of_pid >= CONNECTIONS_PER_PROCESS || (lve && of_lve >= CONNECTIONS_PER_LVE))
		goto refuse;
	if ((size_t)fd >= b->n_slots) {
		size_t n = (size_t)fd + 64;
		struct conn **bigger = realloc(b->conns, n * sizeof(*bigger));

		if (!bigger)
			goto refuse;
		memset(bigger + b->n_slots, 0, (n - b->n_slots) * sizeof(*bigger));
		b->conns = bigger;
		b->n_slots = n;
	}
	c = malloc(sizeof(*c));
	if (!c)
		goto refuse;
	c->pid = in->pid;
	c->lve = lve;
	/* the process that sent it, pinned: while it lives, nobody else has
	 * its pid, so its pid on a message says it is the sender */
	c->pidfd = (int)syscall(SYS_pidfd_open, in->pid, 0);
	c->start = lve_task_start(in->pid);
	if (c->start == 0 || (c->pidfd < 0 && errno != ENOSYS))
		goto refuse; /* gone already */
	if (c->pidfd >= 0) {
		ev.events = EPOLLIN;
		ev.data.u64 = EV(EV_EXIT, fd);
		if (epoll_ctl(b->epfd, EPOLL_CTL_ADD, c->pidfd, &ev) < 0)
			goto refuse;
	}
	ev.events = EPOLLIN;
	ev.data.u64 = EV(EV_CONN, fd);
	if (epoll_ctl(b->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		goto refuse;
	b->conns[fd] = c;
	b->n_conns++;
	return;
refuse:
	if (c && c->pidfd >= 0) {
		(void)epoll_ctl(b->epfd, EPOLL_CTL_DEL, c->pidfd, NULL);
		close(c->pidfd);
	}
	free(c);
	close(fd);
}

static void registrations(struct broker *b)
{
	for (int i = 0; i < REGISTRATIONS_PER_TURN; i++) {
		struct incoming in;
		ssize_t n = receive(b->rendezvous, &in);

		if (n == -EAGAIN)
			return;
		if (n <= 0) {
			/* every holder has closed it: nobody new can come */
			(void)epoll_ctl(b->epfd, EPOLL_CTL_DEL, b->rendezvous, NULL);
			close(b->rendezvous);
			b->rendezvous = -1;
			return;
		}
		registration(b, &in);
	}
}

/* Is the process that made connection @c still alive (so that its pid is
 * its own)?  Without a pidfd, by its start time. */
static int alive(const struct conn *c)
{
	struct pollfd p = { c->pidfd, POLLIN, 0 };

	if (c->pidfd < 0)
		return lve_task_start(c->pid) == c->start;
	while (poll(&p, 1, 0) < 0)
		if (errno != EINTR)
			return 0;
	return !(p.revents & (POLLIN | POLLHUP | POLLERR));
}

/* --- entries ------------------------------------------------------------------------- */

static struct cl_rec *find_rec(struct broker *b, pid_t tid, unsigned long long start, size_t *at)
{
	for (size_t i = 0; i < b->n_recs; i++)
		if (b->recs[i]->tid == tid && b->recs[i]->start == start) {
			if (at)
				*at = i;
			return b->recs[i];
		}
	return NULL;
}

static void remove_rec(struct broker *b, size_t i)
{
	free(b->recs[i]);
	b->recs[i] = b->recs[--b->n_recs];
}

/* Entries whose task is gone are over (entry.c takes their slots back). */
static void sweep(struct broker *b)
{
	for (size_t i = 0; i < b->n_recs;)
		if (lve_task_start(b->recs[i]->tid) != b->recs[i]->start)
			remove_rec(b, i);
		else
			i++;
	b->sweep_at = b->n_recs * 2 + 64;
}

static int add_rec(struct broker *b, struct cl_rec *rec)
{
	size_t at;

	if (b->n_recs >= b->sweep_at)
		sweep(b);
	if (find_rec(b, rec->tid, rec->start, &at))
		remove_rec(b, at); /* moved out by someone else, and in again */
	if (b->n_recs == b->cap_recs) {
		size_t cap = b->cap_recs ? b->cap_recs * 2 : 64;
		struct cl_rec **bigger = realloc(b->recs, cap * sizeof(*bigger));

		if (!bigger)
			return -ENOMEM;
		b->recs = bigger;
		b->cap_recs = cap;
	}
	b->recs[b->n_recs++] = rec;
	return 0;
}

/* The entry whose faults @task shares: its own, or that of the nearest
 * ancestor that entered the LVE the task is in. */
static struct cl_rec *fault_rec(struct broker *b, const struct lve_task *task, uint32_t id)
{
	struct cl_rec *rec = find_rec(b, task->tid, lve_task_start(task->tid), NULL);
	pid_t p = task->pid;

	if (rec)
		return rec->entry.id == id ? rec : NULL;
	for (int depth = 0; depth < ANCESTORS && (p = cl_parent_of(p)) > 1; depth++)
		for (size_t i = 0; i < b->n_recs; i++)
			if (b->recs[i]->pid == p && b->recs[i]->entry.id == id &&
			    lve_task_start(b->recs[i]->tid) == b->recs[i]->start)
				return b->recs[i];
	return NULL;
}

/* --- requests -------------------------------------------------------------------------- */

/* SIGKILL to the process that asked: through its pidfd, which names that
 * process and no other, whatever became of its pid. */
static void kill_asker(const struct conn *c)
{
	if (c->pidfd >= 0)
		(void)syscall(SYS_pidfd_send_signal, c->pidfd, SIGKILL, NULL, 0);
	else if (lve_task_start(c->pid) == c->start)
		(void)kill(c->pid, SIGKILL);
}

/* Is @tid a thread of @pid? */
static int thread_of(pid_t pid, pid_t tid)
{
	char path[64];

	if (tid == pid)
		return 1;
	snprintf(path, sizeof(path), "/proc/%d/task/%d", (int)pid, (int)tid);
	return tid > 0 && access(path, F_OK) == 0;
}

static int do_enter(struct broker *b, const struct conn *c, const struct cl_request *req,
		    struct cl_rec **out)
{
	struct lve_task task;
	struct cl_rec *rec;
	int r;

	if (req->id == 0 || req->id > LVE_ID_MAX)
		return -EINVAL;
	r = cl_task(&b->host, c->pid, req->tid, &task);
	if (r < 0)
		return r;
	rec = malloc(sizeof(*rec));
	if (!rec)
		return -ENOMEM;
	r = cl_enter(&b->tree, &task, req->id, req->flags,
		     req->has_settings ? &req->settings : NULL, rec);
	/* had the asker died meanwhile, its pid might name another process
	 * now: that one did not ask */
	if (r == 0 && !alive(c)) {
		(void)lve_tree_task_leave(&b->tree, &task, &rec->entry);
		r = -ESRCH;
	}
	if (r == 0)
		r = add_rec(b, rec);
	if (r < 0) {
		free(rec);
		return r;
	}
	*out = rec;
	return 0;
}

static int do_exit(struct broker *b, const struct conn *c, const struct cl_request *req)
{
	struct lve_task task = { c->pid, req->tid, 1 };
	unsigned long long start = req->tid == c->pid ? c->start : lve_task_start(req->tid);
	size_t at = 0;
	struct cl_rec *rec = find_rec(b, req->tid, start, &at);
	int r = cl_exit(&b->tree, &task, rec, req->cookie, 1);

	if (rec && (r == 0 || r == -ESRCH))
		remove_rec(b, at);
	return r;
}

static int do_fault(struct broker *b, const struct conn *c, const struct cl_request *req,
		    uint32_t *mask)
{
	struct lve_task task = { c->pid, req->tid, 1 };
	struct cl_rec *rec;
	uint32_t id;
	int r;

	r = lve_tree_task_inside(&b->tree, &task);
	if (r <= 0)
		return r < 0 ? r : -ESRCH;
	*mask = 0;
	id = cl_task_lve(&b->host, &task);
	rec = id ? fault_rec(b, &task, id) : NULL;
	return rec ? cl_faults_since(&b->tree, &b->counters, id, &rec->base, mask) : 0;
}

/* Serve one message of connection @fd. */
static void serve(struct broker *b, int fd)
{
	struct conn *c = b->conns[fd];
	struct cl_reply rep = { 0 };
	struct cl_rec *entered = NULL;
	struct incoming in;
	ssize_t n = receive(fd, &in);

	if (n == -EAGAIN)
		return;
	if (n <= 0) {
		drop_conn(b, fd); /* its process and every copy of it are gone */
		return;
	}
	if (in.fd >= 0)
		close(in.fd); /* requests carry none */
	/* Only the process that made the connection is answered: a copy of it
	 * in another process (a child that inherited it) gets nothing, not
	 * even a refusal that the owner could mistake for its own answer. */
	if (in.len != (ssize_t)sizeof(in.req) || in.req.version != CL_WIRE_VERSION ||
	    in.pid != c->pid)
		return;
	if (!alive(c)) {
		drop_conn(b, fd);
		return;
	}
	rep.seq = in.req.seq;
	if (!thread_of(c->pid, in.req.tid)) {
		rep.result = -EINVAL;
	} else {
		switch (in.req.op) {
		case CL_OP_ENTER:
			rep.result = do_enter(b, c, &in.req, &entered);
			if (entered)
				rep.value = entered->cookie;
			break;
		case CL_OP_EXIT:
			rep.result = do_exit(b, c, &in.req);
			break;
		case CL_OP_FAULT:
			rep.result = do_fault(b, c, &in.req, &rep.value);
			break;
		case CL_OP_INSIDE: {
			struct lve_task task = { c->pid, in.req.tid, 1 };

			rep.result = lve_tree_task_inside(&b->tree, &task);
			if (rep.result >= 0) {
				rep.value = (uint32_t)rep.result;
				rep.result = 0;
			}
			break;
		}
		default:
			rep.result = -EINVAL;
		}
	}
	if (rep.result == CL_KILL) {
		kill_asker(c);
		return;
	}
	/* never waits: the asker reads its answer before it asks again */
	(void)send(fd, &rep, sizeof(rep), MSG_DONTWAIT | MSG_NOSIGNAL);
	/* the entrant's fault counters, once it has its answer */
	if (entered)
		(void)cl_faults_read(&b->tree, &b->counters, entered->entry.id, &entered->base);
}

/* --- its life ---------------------------------------------------------------------------- */

static void loop(struct broker *b)
{
	struct epoll_event evs[64];

	for (;;) {
		int n;

		if (b->rendezvous < 0 && b->n_conns == 0)
			return;
		n = epoll_wait(b->epfd, evs, 64, -1);
		if (n < 0 && errno != EINTR)
			return;
		for (int i = 0; i < n; i++) {
			int fd = (int)(uint32_t)evs[i].data.u64;
			unsigned kind = (unsigned)(evs[i].data.u64 >> 32);

			if (kind == EV_CONN && fd == b->rendezvous)
				registrations(b);
			else if ((size_t)fd >= b->n_slots || !b->conns[fd])
				continue; /* dropped earlier in this turn */
			else if (kind == EV_EXIT)
				drop_conn(b, fd); /* its process ended */
			else
				serve(b, fd);
		}
	}
}

/* Close descriptors @lo..@hi. */
static void close_between(unsigned lo, unsigned hi)
{
	struct rlimit rl;

	if (lo > hi || syscall(SYS_close_range, lo, hi, 0u) == 0)
		return;
	/* before Linux 5.9 */
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		rl.rlim_cur = 65536;
	for (unsigned fd = lo; fd <= hi && fd < rl.rlim_cur && fd < 1u << 20; fd++)
		close((int)fd);
}

/* Keep nothing of the caller's: only @keep stays open (returned, moved to
 * 3 or above), /dev/null on 0, 1 and 2. */
static int shed(int keep)
{
	int null, moved;

	moved = fcntl(keep, F_DUPFD_CLOEXEC, 3);
	if (moved < 0)
		return -1;
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0)
		return -1;
	for (int i = 0; i < 3; i++)
		if (null != i && dup2(null, i) < 0)
			return -1;
	close_between(3, (unsigned)moved - 1);
	close_between((unsigned)moved + 1, ~0u);
	return moved;
}

static void reset_signals(void)
{
	struct sigaction sa;
	sigset_t all;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (int s = 1; s < NSIG; s++)
		(void)sigaction(s, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	(void)sigaction(SIGPIPE, &sa, NULL);
	sigemptyset(&all);
	(void)sigprocmask(SIG_SETMASK, &all, NULL);
}

static void send_status(int sock, int result, int fd)
{
	struct cl_reply rep = { .result = result };

	(void)cl_send(sock, &rep, sizeof(rep), fd);
}

static void broker_main(const struct lve_host *host, int setup) __attribute__((noreturn));
static void broker_main(const struct lve_host *host, int setup)
{
	static struct broker b;
	struct epoll_event ev = { 0 };
	struct rlimit rl;
	int pair[2], on = 1;

	(void)setsid();
	reset_signals();
	(void)prctl(PR_SET_NAME, "liblve-broker", 0, 0, 0);
	(void)prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	umask(077);
	if (chdir("/") < 0 || (setup = shed(setup)) < 0)
		_exit(1);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		rl.rlim_cur = 1024;
	memcpy(&b.host, host, sizeof(b.host));
	cl_counters_init(&b.counters);
	if (lve_tree_open(&b.tree, &b.host) < 0) {
		send_status(setup, -(errno ? errno : EIO), -1);
		_exit(1);
	}
	b.tree.cache = lve_fdcache_new(); /* without it, each move opens its files */
	b.max_conns = rl.rlim_cur > 256 ? (size_t)rl.rlim_cur - 64 : 192;
	b.sweep_at = 64;
	b.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (b.epfd < 0 || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0 ||
	    setsockopt(pair[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) < 0) {
		send_status(setup, -(errno ? errno : EIO), -1);
		_exit(1);
	}
	b.rendezvous = pair[1];
	ev.events = EPOLLIN;
	ev.data.u64 = EV(EV_CONN, b.rendezvous);
	if (epoll_ctl(b.epfd, EPOLL_CTL_ADD, b.rendezvous, &ev) < 0) {
		send_status(setup, -errno, -1);
		_exit(1);
	}
	send_status(setup, 0, pair[0]);
	close(pair[0]);
	close(setup);
	loop(&b);
	_exit(0);
}

int cl_broker_start(const struct lve_host *host, int *channel, pid_t *broker)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct cl_reply rep = { .result = -EIO };
	struct iovec iov = { &rep, sizeof(rep) };
	struct msghdr msg = { 0 };
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int setup[2], fd = -1, status;
	pid_t pid;
	ssize_t n;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, setup) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(setup[0]);
		close(setup[1]);
		return -e;
	}
	if (pid == 0) {
		/* the middle process: the broker's parent for an instant, so
		 * that it is nobody's child (init reaps it) */
		pid_t inner = fork();

		if (inner == 0) {
			close(setup[0]);
			broker_main(host, setup[1]);
		}
		_exit(inner < 0 ? 1 : 0);
	}
	close(setup[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* ECHILD: the caller reaps its children itself (SIGCHLD ignored, or a
	 * handler of its own): fine, the middle process exits at once */

	memset(&ctl, 0, sizeof(ctl));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.buf;
	msg.msg_controllen = sizeof(ctl.buf);
	do
		n = recvmsg(setup[0], &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	close(setup[0]);
	for (struct cmsghdr *c = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL; c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(c), sizeof(int));
	if (n != (ssize_t)sizeof(rep) || rep.result < 0 || fd < 0) {
		if (fd >= 0)
			close(fd);
		return n == 0 ? -EAGAIN : rep.result < 0 ? rep.result : -EIO;
	}
	/* the broker made the pair: its pid is the peer's */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || cred.uid != 0) {
		close(fd);
		return -EIO;
	}
	*channel = fd;
	*broker = cred.pid;
	return 0;
}

int cl_channel_valid(int fd, pid_t broker)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int type = 0;
	socklen_t tl = sizeof(type);

	return fd >= 0 && broker > 0 &&
	       getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) == 0 && type == SOCK_SEQPACKET &&
	       getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 && cred.pid == broker &&
	       cred.uid == 0;
}
