#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fds.h"
#include "filter.h"
#include "groups.h"
#include "hold.h"
#include "init.h"
#include "jail.h"
#include "priv.h"
#include "report.h"
#include "scope.h"

/* How long the caller waits for the jail to be built. */
#define READY_TIMEOUT_MS 30000

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static int send_fd(int sock, int fd)
{
	char buf[CMSG_SPACE(sizeof(int))] = { 0 }, byte = 0;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = buf, .msg_controllen = sizeof(buf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

static int receive_fd(int sock)
{
	char buf[CMSG_SPACE(sizeof(int))] = { 0 }, byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = buf, .msg_controllen = sizeof(buf),
	};
	struct cmsghdr *c;
	int fd = -1;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
	    c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/* The short-lived child: nothing of the service's (descriptors, signal
 * handlers, session, terminal) goes into the jail. Never returns. */
static void start_init(const struct plan *pl, int report, int lifeline,
		       int sock, int cgroup)
{
	int keep[4] = { report, lifeline, sock, cgroup };
	int pidfd = -1;
	sigset_t none;
	pid_t init;

	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* only these stay, as 3, 4, 5 (and 6, the cgroup): the client's
	 * connection must not stay open in the jail */
	if (fds_keep_only(keep, cgroup >= 0 ? 4 : 3) < 0)
		_exit(125);
	setsid();
	umask(022);
	init = jail_clone(pl, cgroup >= 0 ? 6 : -1, &pidfd);
	if (init == 0) {
		close(5);
		if (cgroup >= 0)
			close(6);
		_exit(init_run(pl, NULL, 3, 4, -1));
	}
	if (init < 0) {
		report_send(3, REPORT_ERROR, 125, "cannot create namespaces");
		_exit(125);
	}
	_exit(send_fd(5, pidfd) < 0 ? 125 : 0);
}

/* Waits for init's first record; returns 0 when it says it is ready. */
static int await_ready(int report, struct jerr *e)
{
	struct pollfd pfd = { .fd = report, .events = POLLIN };
	struct report r;
	ssize_t n;
	int ready;

	do
		ready = poll(&pfd, 1, READY_TIMEOUT_MS);
	while (ready < 0 && errno == EINTR);
	if (ready <= 0)
		return jerr_set(e, "the jail was not ready in time");
	do
		n = read(report, &r, sizeof(r));
	while (n < 0 && errno == EINTR);
	if (n != sizeof(r))
		return jerr_set(e, "the jail's init ended without a report");
	r.msg[sizeof(r.msg) - 1] = '\0';
	if (r.type != REPORT_READY)
		return jerr_set(e, "%s", r.msg);
	return 0;
}

int hold_start(struct hold *h, const struct plan *pl, int cgroup,
	       struct jerr *e)
{
	int rep[2] = { -1, -1 }, life[2] = { -1, -1 }, sock[2] = { -1, -1 };
	struct sigaction dfl = { .sa_handler = SIG_DFL }, old;
	int status, r = -1;
	pid_t child;

	h->pidfd = h->lifeline = -1;
	if (pipe2(rep, O_CLOEXEC) < 0 || pipe2(life, O_CLOEXEC) < 0 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sock) < 0) {
		jerr_sys(e, errno, "pipe");
		goto out;
	}
	/* the service's own SIGCHLD handler must not reap our child */
	sigaction(SIGCHLD, &dfl, &old);
	child = fork();
	if (child == 0)
		start_init(pl, rep[1], life[0], sock[1], cgroup);
	close_fd(&rep[1]);
	close_fd(&life[0]);
	close_fd(&sock[1]);
	if (child < 0) {
		jerr_sys(e, errno, "fork");
	} else {
		while (waitpid(child, &status, 0) < 0 && errno == EINTR)
			;
		h->pidfd = receive_fd(sock[0]);
	}
	sigaction(SIGCHLD, &old, NULL);
	if (child < 0)
		goto out;
	if (h->pidfd < 0) {
		if (await_ready(rep[0], e) == 0)
			jerr_set(e, "the jail's init could not be reached");
		goto out;
	}
	r = await_ready(rep[0], e);
	if (r == 0) {
		h->lifeline = life[1];
		life[1] = -1;
	}
out:
	if (r < 0)
		hold_end(h);
	for (int i = 0; i < 2; i++) {
		close_fd(&rep[i]);
		close_fd(&life[i]);
		close_fd(&sock[i]);
	}
	return r;
}

int hold_join(const struct hold *h, const struct plan *pl, int cgroup,
	      struct jerr *e)
{
	int flags = (int)jail_clone_flags(pl);
	int procs;

	/* into the session's cgroup first ("0": this process), then into
	 * the namespace rooted there */
	if (cgroup >= 0) {
		procs = openat(cgroup, "cgroup.procs", O_WRONLY | O_CLOEXEC);
		if (procs < 0 || write(procs, "0", 1) != 1) {
			jerr_sys(e, errno, "move into the session's cgroup");
			if (procs >= 0)
				close(procs);
			return -1;
		}
		close(procs);
		flags |= CLONE_NEWCGROUP;
	}
	/* one call for all of them: the jail's namespaces exactly */
	if (setns(h->pidfd, flags) < 0)
		return jerr_sys(e, errno, "join the jail");
	/* not fsize: this process goes on writing the login records as
	 * root, and lastlog is as large as the highest uid times 292. The
	 * service sets the session's groups itself (initgroups), after
	 * this: with drop_groups, they are set here and stay. Everything
	 * the service starts is in its Landlock domain. */
	if (jail_limits(pl->profile, RLIMIT_FSIZE, e) < 0 ||
	    priv_new_keyring(e) < 0 || priv_seal(e) < 0 ||
	    (pl->id->nremoved && groups_pin(pl->id, e) < 0) ||
	    scope_apply(e) < 0)
		return -1;
	return filter_install(pl->profile, e);
}

void hold_end(struct hold *h)
{
	if (h->pidfd >= 0)
		syscall(SYS_pidfd_send_signal, h->pidfd, SIGKILL, NULL, 0);
	hold_release(h);
}

void hold_release(struct hold *h)
{
	close_fd(&h->pidfd);
	close_fd(&h->lifeline);
}
