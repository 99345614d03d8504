#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "clock.h"
#include "escape.h"
#include "fds.h"
#include "idmap.h"
#include "idmap_serve.h"
#include "subid.h"
#include "target.h"

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77 /* Linux 6.5 */
#endif

/* How deep pid namespaces may nest below the jail's (the kernel's own
 * limit is 32 in all). */
#define PIDNS_DEPTH 32

void idmap_serve_init(struct idmap_service *s)
{
	memset(s, 0, sizeof(*s));
	s->listen = s->mnt = s->pidns = s->userns = -1;
	s->tokens = IDMAP_BURST;
}

int idmap_serve_fix_grant(struct idmap_service *s, const struct identity *id,
			  struct jerr *e)
{
	if (subid_load(SUBID_UID_FILE, id, &s->grant[0], e) < 0)
		return -1;
	if (subid_load(SUBID_GID_FILE, id, &s->grant[1], e) < 0) {
		subid_free(&s->grant[0]);
		return -1;
	}
	s->grant_fixed = 1;
	return 0;
}

static void note(struct idmap_service *s, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* One syslog line, escaped; refusals (LOG_NOTICE) at most
 * IDMAP_LOG_BURST a window, the rest counted. */
static void note(struct idmap_service *s, int prio, const char *fmt, ...)
{
	char msg[700], line[900];
	long long now = clock_ms();
	va_list ap;

	if (now - s->log_window >= IDMAP_LOG_WINDOW_MS) {
		if (s->unlogged)
			syslog(LOG_NOTICE,
			       "%s: containers: %d more refusals not logged "
			       "one by one",
			       s->who, s->unlogged);
		s->log_window = now;
		s->logged = s->unlogged = 0;
	}
	if (prio == LOG_NOTICE && s->logged >= IDMAP_LOG_BURST) {
		s->unlogged++;
		return;
	}
	if (prio == LOG_NOTICE)
		s->logged++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(line, sizeof(line), "%s: containers: %s", s->who, msg);
	escape_in_place(line, sizeof(line));
	syslog(prio, "%s", line);
}

int idmap_serve_open(struct idmap_service *s, const struct identity *id,
		     const char *who, struct jerr *e)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
	struct subid_set grant[2] = { s->grant[0], s->grant[1] };
	int fs, fixed = s->grant_fixed;

	idmap_serve_init(s); /* but for a grant fixed already */
	s->grant[0] = grant[0];
	s->grant[1] = grant[1];
	s->grant_fixed = fixed;
	s->id = id;
	snprintf(s->who, sizeof(s->who), "%s", who);
	/* root's mount point; jailsh run's service cannot make it */
	if (geteuid() == 0 && mkdir(IDMAP_DIR, 0700) < 0 && errno != EEXIST)
		return jerr_sys(e, errno, "make %s", IDMAP_DIR);
	fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0755", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "size", "4k", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "nr_inodes", "4", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0 ||
	    (s->mnt = fsmount(fs, FSMOUNT_CLOEXEC,
			      MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
				      MOUNT_ATTR_NOEXEC)) < 0) {
		jerr_sys(e, errno, "containers: the tmpfs for %s", IDMAP_DIR);
		goto fail;
	}
	fds_close(&fs);
	snprintf(a.sun_path, sizeof(a.sun_path), "/proc/self/fd/%d/%s", s->mnt,
		 IDMAP_SOCKET_NAME);
	s->listen = socket(AF_UNIX,
			   SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	/* anyone in the jail may connect; only the jail sees it */
	if (s->listen < 0 ||
	    bind(s->listen, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    fchmodat(s->mnt, IDMAP_SOCKET_NAME, 0666, 0) < 0 ||
	    listen(s->listen, IDMAP_MAX_CONNS) < 0 ||
	    mount_setattr(s->mnt, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0) {
		jerr_sys(e, errno, "containers: the socket %s", IDMAP_SOCKET);
		goto fail;
	}
	return 0;
fail:
	fds_close(&fs);
	idmap_serve_close(s);
	return -1;
}

/* The namespace NAME of the process at PROC, opened, and its identity. */
static int open_ns(int proc, const char *name, struct stat *st)
{
	char path[32];
	int fd;

	snprintf(path, sizeof(path), "ns/%s", name);
	fd = openat(proc, path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && fstat(fd, st) < 0)
		fds_close(&fd);
	return fd;
}

static int alive(int pidfd)
{
	return syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) == 0;
}

/* /proc/PID of the process PIDFD holds: opened, then seen to be still
 * alive, so that the directory is that process's and not a successor's. */
static int open_proc(int pidfd, pid_t pid)
{
	char path[32];
	int proc;

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	proc = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (proc >= 0 && !alive(pidfd))
		fds_close(&proc);
	return proc;
}

int idmap_serve_jail(struct idmap_service *s, pid_t init, int pidfd,
		     struct jerr *e)
{
	int proc = open_proc(pidfd, init);

	if (proc >= 0) {
		s->pidns = open_ns(proc, "pid", &s->pidns_st);
		s->userns = open_ns(proc, "user", &s->userns_st);
		close(proc);
	}
	if (s->pidns < 0 || s->userns < 0 || !alive(pidfd))
		return jerr_set(e, "containers: the jail's namespaces cannot "
				   "be seen");
	return 0;
}

int idmap_serve_fds(const struct idmap_service *s, int *fds)
{
	int n = 0;

	if (s->listen >= 0)
		fds[n++] = s->listen;
	if (s->pidns >= 0)
		fds[n++] = s->pidns;
	if (s->userns >= 0)
		fds[n++] = s->userns;
	return n;
}

static int same(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Is namespace FD (closed here) the one whose identity is WANT? */
static int is_ns(int fd, const struct stat *want)
{
	struct stat st;
	int r = fd >= 0 && fstat(fd, &st) == 0 && same(&st, want);

	if (fd >= 0)
		close(fd);
	return r;
}

/* The pid of the process a pidfd holds, as this process sees it: 0 when
 * it is not a pidfd, -1 when the process has ended. */
static pid_t pidfd_pid(int pidfd)
{
	char path[64], buf[1024], *p;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", pidfd);
	if (fds_read_at(AT_FDCWD, path, buf, sizeof(buf)) < 0 ||
	    !(p = strstr(buf, "\nPid:")))
		return 0;
	return (pid_t)strtol(p + 5, NULL, 10);
}

/* Is the pid namespace of the process at PROC the jail's, or (WITHIN)
 * one inside it? */
static int in_jail_pidns(const struct idmap_service *s, int proc, int within)
{
	struct stat st;
	int fd = open_ns(proc, "pid", &st);

	for (int depth = 0; fd >= 0 && depth <= PIDNS_DEPTH; depth++) {
		int parent;

		if (fstat(fd, &st) == 0 && same(&st, &s->pidns_st)) {
			close(fd);
			return 1;
		}
		parent = within ? ioctl(fd, NS_GET_PARENT) : -1;
		close(fd);
		fd = parent;
	}
	fds_close(&fd);
	return 0;
}

/* A request being answered: what was checked, held until the write. */
struct job {
	struct idmap_request req;
	int peer;   /* pidfd of the requester */
	int target; /* pidfd of the target, from the request */
	int proc;   /* the target's /proc directory */
	int userns; /* the target's user namespace when checked */
	pid_t pid;  /* the target, as the warden sees it */
	char why[300];
};

static int refuse(struct job *j, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int refuse(struct job *j, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(j->why, sizeof(j->why), fmt, ap);
	va_end(ap);
	return -1;
}

/* The requester: the user's, in the jail's own pid and user namespaces. */
static int check_peer(const struct idmap_service *s, int sock, struct job *j)
{
	struct ucred c;
	socklen_t len = sizeof(c);
	int ok, proc;

	if (getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &c, &len) < 0)
		return refuse(j, "the requester cannot be seen");
	len = sizeof(j->peer);
	if (getsockopt(sock, SOL_SOCKET, SO_PEERPIDFD, &j->peer, &len) < 0)
		j->peer = (int)syscall(SYS_pidfd_open, c.pid, 0);
	proc = j->peer < 0 ? -1 : open_proc(j->peer, c.pid);
	if (proc < 0)
		return refuse(j, "the requester is gone");
	ok = target_owned_by(proc, s->id->uid) &&
	     target_group_is(proc, s->id->gid);
	if (ok)
		ok = in_jail_pidns(s, proc, 0) &&
		     is_ns(open_ns(proc, "user", &(struct stat){ 0 }),
			   &s->userns_st);
	close(proc);
	if (!ok)
		return refuse(j,
			      "the requester (pid %d) is not a process of "
			      "%s in this jail",
			      (int)c.pid, s->id->name);
	return 0;
}

/* The target's user namespace: a child of the jail's that the user
 * owns, its map (FILE) not written yet. */
static int check_userns(const struct idmap_service *s, struct job *j,
			const char *file)
{
	struct stat st;
	uid_t owner;
	char map[64];

	j->userns = open_ns(j->proc, "user", &st);
	if (j->userns < 0)
		return refuse(j, "the user namespace of pid %d cannot be seen",
			      j->req.pid);
	if (!is_ns(ioctl(j->userns, NS_GET_PARENT), &s->userns_st))
		return refuse(j,
			      "pid %d is not in a user namespace made in "
			      "this jail (its parent is not the jail's)",
			      j->req.pid);
	if (ioctl(j->userns, NS_GET_OWNER_UID, &owner) < 0 ||
	    owner != s->id->uid)
		return refuse(j, "the user namespace of pid %d is not %s's",
			      j->req.pid, s->id->name);
	if (fds_read_at(j->proc, file, map, sizeof(map)) < 0)
		return refuse(j, "the %s of pid %d cannot be read", file,
			      j->req.pid);
	if (map[0])
		return refuse(j, "the %s of pid %d is written already", file,
			      j->req.pid);
	return 0;
}

/* The target: alive, the user's, in the jail, in a fresh user namespace
 * of the jail's. */
static int check_target(const struct idmap_service *s, struct job *j)
{
	const char *file = j->req.kind == IDMAP_GID ? "gid_map" : "uid_map";

	j->pid = pidfd_pid(j->target);
	if (j->pid == 0)
		return refuse(j, "not a pidfd of a process in this jail");
	j->proc = open_proc(j->target, j->pid);
	if (j->proc < 0)
		return refuse(j, "pid %d is gone", j->req.pid);
	if (!target_owned_by(j->proc, s->id->uid) ||
	    !target_group_is(j->proc, s->id->gid))
		return refuse(j, "pid %d is not %s's in every uid and gid",
			      j->req.pid, s->id->name);
	if (!in_jail_pidns(s, j->proc, 1))
		return refuse(j, "pid %d is not in this jail", j->req.pid);
	return check_userns(s, j, file);
}

/* The ranges against /etc/subuid or /etc/subgid, read now (a grant
 * taken away applies to the next request), or as read at the start
 * (idmap_serve_fix_grant). */
static int check_ranges(const struct idmap_service *s, struct job *j,
			int *subids)
{
	int gid = j->req.kind == IDMAP_GID;
	struct subid_set granted;
	struct jerr e;
	int r;

	if (s->grant_fixed)
		return idmap_allowed(&j->req, &s->grant[gid],
				     gid ? (uint32_t)s->id->gid :
					   (uint32_t)s->id->uid,
				     subids, j->why, sizeof(j->why));
	if (subid_load(gid ? SUBID_GID_FILE : SUBID_UID_FILE, s->id, &granted,
		       &e) < 0)
		return refuse(j, "%s", e.msg);
	r = idmap_allowed(&j->req, &granted,
			  gid ? (uint32_t)s->id->gid : (uint32_t)s->id->uid,
			  subids, j->why, sizeof(j->why));
	subid_free(&granted);
	return r;
}

/* setgroups "deny", unless it is already (as newgidmap does). */
static int deny_setgroups(int fd)
{
	char now[16];
	ssize_t n = read(fd, now, sizeof(now) - 1);

	if (n < 0)
		return -1;
	now[n] = '\0';
	if (!strncmp(now, "deny", 4))
		return 0;
	/* a proc file: no pread or pwrite */
	if (lseek(fd, 0, SEEK_SET) < 0)
		return -1;
	return write(fd, "deny\n", 5) == 5 ? 0 : -1;
}

/* The write itself, through files opened first: the target is then seen
 * to be alive and in the user namespace that was checked, which it can
 * have left only for one within it (never back), so what was opened is
 * that namespace's. */
static int write_map(struct job *j, int subids)
{
	const char *file = j->req.kind == IDMAP_GID ? "gid_map" : "uid_map";
	int map, sg = -1, r = -1, len;
	char text[4096]; /* the kernel takes less than a page */
	struct stat st;

	len = idmap_format(&j->req, text, sizeof(text));
	map = openat(j->proc, file, O_WRONLY | O_CLOEXEC);
	if (map >= 0 && j->req.kind == IDMAP_GID && !subids)
		sg = openat(j->proc, "setgroups", O_RDWR | O_CLOEXEC);
	if (map < 0 || (j->req.kind == IDMAP_GID && !subids && sg < 0)) {
		refuse(j, "the %s of pid %d cannot be opened: %s", file,
		       j->req.pid, strerror(errno));
		goto out;
	}
	if (fstat(j->userns, &st) < 0 ||
	    !is_ns(open_ns(j->proc, "user", &(struct stat){ 0 }), &st) ||
	    !alive(j->target)) {
		refuse(j, "pid %d changed while it was checked", j->req.pid);
		goto out;
	}
	if (sg >= 0 && deny_setgroups(sg) < 0) {
		refuse(j, "setgroups of pid %d: %s", j->req.pid,
		       strerror(errno));
		goto out;
	}
	if (len < 0 || write(map, text, (size_t)len) != len) {
		refuse(j, "the %s of pid %d: %s", file, j->req.pid,
		       len < 0 ? "too long" : strerror(errno));
		goto out;
	}
	r = 0;
out:
	fds_close(&map);
	fds_close(&sg);
	return r;
}

/* One message, whatever it holds: at most one byte more than a request
 * (so that a longer one is seen), its descriptors counted and all but
 * the first closed; -1 for a descriptor list that did not fit. */
static ssize_t receive(int sock, struct idmap_request *req, int *fd, int *nfds)
{
	char buf[sizeof(*req) + 1];
	char control[CMSG_SPACE(sizeof(int) * 4)];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = control,
			      .msg_controllen = sizeof(control) };
	ssize_t n = recvmsg(sock, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);

	*fd = -1;
	*nfds = 0;
	if (n < 0)
		return -1;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c;
	     c = CMSG_NXTHDR(&msg, c)) {
		size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0; i < k; i++) {
			int got;

			memcpy(&got, CMSG_DATA(c) + i * sizeof(int),
			       sizeof(got));
			if (*fd < 0)
				*fd = got;
			else
				close(got);
			(*nfds)++;
		}
	}
	if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
		*nfds = -1;
	if ((size_t)n == sizeof(*req))
		memcpy(req, buf, sizeof(*req));
	return (msg.msg_flags & MSG_TRUNC) ? (ssize_t)sizeof(buf) : n;
}

static void reply(int sock, int ok, const char *msg)
{
	struct idmap_reply r = { .ok = ok };

	snprintf(r.msg, sizeof(r.msg), "%s", msg);
	send(sock, &r, sizeof(r), MSG_DONTWAIT | MSG_NOSIGNAL);
}

/* Does the rate allow one more request now? */
static int within_rate(struct idmap_service *s)
{
	long long now = clock_ms();

	s->tokens += (now - s->tokens_at) * (IDMAP_RATE / 1000.0);
	if (s->tokens > IDMAP_BURST)
		s->tokens = IDMAP_BURST;
	s->tokens_at = now;
	if (s->tokens < 1)
		return 0;
	s->tokens--;
	return 1;
}

static void release(struct job *j)
{
	fds_close(&j->peer);
	fds_close(&j->target);
	fds_close(&j->proc);
	fds_close(&j->userns);
}

/* One request on SOCK. 0 when it is answered (the connection is done),
 * 1 when nothing came after all. */
static int serve(struct idmap_service *s, int sock)
{
	struct job j = { .peer = -1, .target = -1, .proc = -1, .userns = -1 };
	struct idmap_request raw;
	int nfds, subids = 0, r;
	ssize_t n = receive(sock, &raw, &j.target, &nfds);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 1;
	if (n < 0)
		return 0; /* the client is gone */
	if (!within_rate(s))
		r = refuse(&j, "too many requests; try again");
	else if ((r = idmap_parse(&raw, (size_t)n, nfds, &j.req, j.why,
				  sizeof(j.why))) == 0 &&
		 (r = check_peer(s, sock, &j)) == 0 &&
		 (r = check_target(s, &j)) == 0 &&
		 (r = check_ranges(s, &j, &subids)) == 0)
		r = write_map(&j, subids);
	if (r < 0) {
		note(s, LOG_NOTICE, "refused a %s map for pid %d: %s",
		     j.req.kind == IDMAP_GID ? "gid" : "uid", (int)j.pid,
		     j.why);
		reply(sock, 0, j.why);
	} else {
		note(s, LOG_INFO,
		     "%s map of pid %d written: %u range%s, the first %u %u "
		     "%u",
		     j.req.kind == IDMAP_GID ? "gid" : "uid", (int)j.pid,
		     j.req.nranges, j.req.nranges == 1 ? "" : "s",
		     j.req.range[0].inside, j.req.range[0].outside,
		     j.req.range[0].count);
		reply(sock, 1, "");
	}
	release(&j);
	return 0;
}

static void drop(struct idmap_service *s, int i)
{
	fds_close(&s->c[i].sock);
	s->c[i] = s->c[--s->n];
}

/* Every connection waiting; those past IDMAP_MAX_CONNS are told so and
 * closed at once, so that a flood never fills the backlog for long. */
static void accept_all(struct idmap_service *s)
{
	for (;;) {
		int sock = accept4(s->listen, NULL, NULL,
				   SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (sock < 0)
			return;
		if (s->n == IDMAP_MAX_CONNS) {
			reply(sock, 0, "too many requests at once; try again");
			close(sock);
			continue;
		}
		s->c[s->n++] = (struct idmap_conn){
			.sock = sock, .deadline = clock_ms() + IDMAP_IDLE_MS
		};
	}
}

int idmap_serve_polls(const struct idmap_service *s, struct pollfd *p)
{
	if (s->listen < 0)
		return 0;
	p[0] = (struct pollfd){ .fd = s->listen, .events = POLLIN };
	for (int i = 0; i < s->n; i++)
		p[1 + i] =
			(struct pollfd){ .fd = s->c[i].sock, .events = POLLIN };
	return 1 + s->n;
}

void idmap_serve_woken(struct idmap_service *s, const struct pollfd *p, int n)
{
	if (s->listen < 0 || n < 1)
		return;
	/* the connections polled, last first (drop moves the last) */
	for (int i = n - 2; i >= 0; i--) {
		short r = p[1 + i].revents;

		if (i >= s->n || p[1 + i].fd != s->c[i].sock)
			continue;
		if (((r & POLLIN) && serve(s, s->c[i].sock) == 0) ||
		    (r & (POLLHUP | POLLERR | POLLNVAL)))
			drop(s, i);
	}
	if (p[0].revents)
		accept_all(s);
}

long long idmap_serve_due(const struct idmap_service *s)
{
	long long t = -1;

	for (int i = 0; i < s->n; i++)
		if (t < 0 || s->c[i].deadline < t)
			t = s->c[i].deadline;
	return t;
}

void idmap_serve_expire(struct idmap_service *s)
{
	long long now = clock_ms();

	for (int i = s->n - 1; i >= 0; i--)
		if (now >= s->c[i].deadline)
			drop(s, i);
}

void idmap_serve_close(struct idmap_service *s)
{
	while (s->n)
		drop(s, s->n - 1);
	fds_close(&s->listen);
	fds_close(&s->mnt);
	fds_close(&s->pidns);
	fds_close(&s->userns);
	subid_free(&s->grant[0]);
	subid_free(&s->grant[1]);
	s->grant_fixed = 0;
}
