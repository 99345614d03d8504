#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "fds.h"
#include "init.h"
#include "jail.h"
#include "idmap_serve.h"
#include "net.h"
#include "registry.h"
#include "watch.h"
#include "warden.h"

/* What the user may have set on the process that starts a session, to
 * slow, starve or kill the warden: kept for init, which runs the session
 * with it, and reset in the warden. */
struct caller_state {
	struct rlimit limit[RLIM_NLIMITS];
	int nice;
	int policy;
	struct sched_param param;
	char oom[16]; /* oom_score_adj, as written in /proc */
};

/* The warden's answer once init exists (or not). */
struct reply {
	int ok;
	pid_t init;
	struct cgroup_session cg; /* descriptors come with the message */
	char msg[JERR_MAX];
};

static void caller_save(struct caller_state *c)
{
	for (int r = 0; r < RLIM_NLIMITS; r++)
		getrlimit(r, &c->limit[r]);
	errno = 0;
	c->nice = getpriority(PRIO_PROCESS, 0);
	c->policy = sched_getscheduler(0);
	sched_getparam(0, &c->param);
	if (fds_read_at(AT_FDCWD, "/proc/self/oom_score_adj", c->oom,
			sizeof(c->oom)) < 0)
		c->oom[0] = '\0';
}

/* Root's own: no limit the user chose, normal scheduling, and no
 * preference as the OOM killer's victim. */
static void caller_reset(void)
{
	struct rlimit files = { 1024, 1024 },
		      none = { RLIM_INFINITY, RLIM_INFINITY };
	struct sched_param normal = { 0 };

	for (int r = 0; r < RLIM_NLIMITS; r++)
		if (r != RLIMIT_CORE)
			setrlimit(r, r == RLIMIT_NOFILE ? &files : &none);
	setpriority(PRIO_PROCESS, 0, 0);
	sched_setscheduler(0, SCHED_OTHER, &normal);
	fds_write_at(AT_FDCWD, "/proc/self/oom_score_adj", "0");
}

/* In init, as root: the session gets what its caller had. */
static void caller_restore(const struct caller_state *c)
{
	for (int r = 0; r < RLIM_NLIMITS; r++)
		setrlimit(r, &c->limit[r]);
	if (c->policy >= 0)
		sched_setscheduler(0, c->policy, &c->param);
	setpriority(PRIO_PROCESS, 0, c->nice);
	if (c->oom[0])
		fds_write_at(AT_FDCWD, "/proc/self/oom_score_adj", c->oom);
}

/* The clone's side: init, which must not keep the warden's descriptors
 * (the socket, the cgroup, the clock's socket, the service's socket, the
 * network stack's). */
static void run_init(struct warden *w, int sock, int clock_fd, int keep,
		     struct idmap_service *idmap, struct net *net,
		     const struct caller_state *c, warden_init_fn fn, void *arg,
		     int started)
{
	close(sock);
	close(clock_fd);
	if (keep >= 0)
		close(keep); /* the jail's lifeline is the warden's */
	cgroup_close(&w->cg);
	fds_close(&idmap->listen);
	net_close(net);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	caller_restore(c);
	_exit(fn(arg, started, idmap->mnt));
}

/* Init, born in the jail's network namespace where the stack made one
 * (network = "private"): the warden steps into it for the clone, and
 * back out. In the child, returns 0 as jail_clone does. */
static pid_t clone_init(const struct plan *pl, struct warden *w,
			const struct net *net, struct jerr *e)
{
	int host = -1;
	pid_t pid;

	if (net->netns >= 0) {
		host = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (host < 0 || setns(net->netns, CLONE_NEWNET) < 0) {
			jerr_sys(e, errno,
				 "enter the jail's network namespace");
			fds_close(&host);
			return -1;
		}
	}
	pid = jail_clone(pl, w->cg.dir, &w->pidfd);
	if (pid == 0) {
		fds_close(&host);
		return 0;
	}
	if (pid < 0)
		jerr_sys(e, errno, "create namespaces");
	if (host >= 0 && setns(host, CLONE_NEWNET) < 0) {
		jerr_sys(e, errno, "leave the jail's network namespace");
		if (pid > 0) /* nothing may run with a warden inside */
			syscall(SYS_pidfd_send_signal, w->pidfd, SIGKILL, NULL,
				0);
	}
	fds_close(&host);
	return pid;
}

/* network = "private": until the stack has set the jail's network up,
 * then init may go on (one byte on CLOCK, which init reads before the
 * user's code starts). */
static int network_ready(struct net *net, int clock, struct jerr *e)
{
	if (net->pid < 0)
		return 0;
	fds_close(&net->netns); /* init's now */
	if (net_wait(net, NET_READY_MS, e) < 0)
		return -1;
	if (write(clock, "", 1) != 1)
		return jerr_sys(e, errno, "tell the jail its network is up");
	return 0;
}

/* Its socket in the registry: a user's jail under the user's name, a
 * session's under the warden's pid. */
static int register_jail(struct watch *wt, struct jerr *e)
{
	wt->registry = registry_open(e);
	if (wt->registry < 0)
		return -1;
	if (wt->pl->profile->user_jail)
		registry_user_name(wt->name, sizeof(wt->name), wt->pl->id->uid);
	else
		registry_session_name(wt->name, sizeof(wt->name), getpid());
	wt->listen = registry_listen(wt->registry, wt->name, &wt->ino, e);
	return wt->listen < 0 ? -1 : 0;
}

/* With containers = yes, the service that maps subordinate ids for the
 * jail (idmap_serve.h): its socket is made now, before the clone, and
 * init attaches the tmpfs that holds it. How syslog names the jail is
 * watch.c's. */
static int open_idmap(const struct plan *pl, struct idmap_service *svc,
		      struct jerr *e)
{
	char who[128];

	idmap_serve_init(svc);
	if (!pl->profile->containers || pl->userns)
		return 0;
	snprintf(who, sizeof(who), "%s of %s (uid %u)",
		 pl->profile->user_jail ? "user jail" : "session jail",
		 pl->id->name, pl->id->uid);
	return idmap_serve_open(svc, pl->id, who, e);
}

/* Nothing of the caller's: not the terminal, not the pipes that are
 * init's now; and no new descriptor needed for it, whatever limit the
 * user set (this process cannot raise it without CAP_SYS_RESOURCE). */
static void keep_only_own(int sock, int clock, const struct warden *w, int keep,
			  const struct idmap_service *svc, int net)
{
	int fds[16] = { sock, clock, w->pidfd, keep }, n = 4;

	if (net >= 0)
		fds[n++] = net;

	if (w->cg.dir >= 0) {
		fds[n++] = w->cg.dir;
		fds[n++] = w->cg.top;
		fds[n++] = w->cg.user;
		fds[n++] = w->cg.parent;
	}
	n += idmap_serve_fds(svc, fds + n);
	fds_close_except(fds, n);
}

/* The warden's life, as root in every id, in the caller's session until
 * init is cloned. Never returns. */
static void warden_main(const struct plan *pl, const struct settings *s,
			int sock, int keep, warden_init_fn fn, void *arg)
{
	struct reply r = { 0 };
	struct caller_state c;
	struct warden w = { .init = -1, .pidfd = -1 };
	struct watch wt = { .pl = pl,
			    .w = &w,
			    .lifeline = keep,
			    .registry = -1,
			    .listen = -1,
			    .net = -1 };
	int clock[2] = { -1, -1 };
	struct idmap_service svc;
	struct jerr e = { .msg = "" };
	struct net net;

	/* nothing from the terminal (the session is still the caller's)
	 * or from the user may end or stop it; its own children (helpers,
	 * init) it reaps itself */
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, sig == SIGCHLD ? SIG_DFL : SIG_IGN);
	prctl(PR_SET_NAME, "jailsh-warden", 0, 0, 0);
	openlog("jailsh-warden", LOG_PID, LOG_AUTHPRIV);
	idmap_serve_init(&svc);
	caller_save(&c);
	caller_reset();
	w.cg.dir = w.cg.top = w.cg.user = w.cg.parent = -1;
	net_init(&net);
	wt.fingerprint = plan_fingerprint(pl);
	wt.born = time(NULL);
	if (open_idmap(pl, &svc, &e) < 0 ||
	    cgroup_prepare(&w.cg, s, pl->profile, pl->id, &e) < 0)
		goto refuse;
	/* the stack sets up while init builds the jail */
	if (pl->profile->net == NET_PRIVATE && net_start(&net, pl, &e) < 0)
		goto refuse;
	/* a socket: with network = "private" the warden answers on it */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, clock) < 0) {
		jerr_sys(&e, errno, "socketpair");
		goto refuse;
	}
	w.init = clone_init(pl, &w, &net, &e);
	if (w.init == 0)
		run_init(&w, sock, clock[0], keep, &svc, &net, &c, fn, arg,
			 clock[1]);
	if (w.init < 0 || e.msg[0])
		goto refuse;
	close(clock[1]);
	wt.started = clock[0];
	fds_close(&svc.mnt); /* init's now */
	if (svc.listen >= 0 &&
	    idmap_serve_jail(&svc, w.init, w.pidfd, &e) < 0) {
		syscall(SYS_pidfd_send_signal, w.pidfd, SIGKILL, NULL, 0);
		goto refuse;
	}
	if (network_ready(&net, clock[0], &e) < 0) {
		syscall(SYS_pidfd_send_signal, w.pidfd, SIGKILL, NULL, 0);
		goto refuse;
	}
	wt.idmap = &svc;
	wt.net = net.pidfd;
	keep_only_own(sock, clock[0], &w, keep, &svc, net.pidfd);
	/* in the registry before the answer: the login that made a user's
	 * jail joins it right away, as every other login does */
	if (register_jail(&wt, &e) < 0) {
		syscall(SYS_pidfd_send_signal, w.pidfd, SIGKILL, NULL, 0);
		goto refuse;
	}
	r.ok = 1;
	r.init = w.init;
	r.cg = w.cg;
	{
		int fds[2] = { w.pidfd, w.cg.dir };

		fds_send(sock, &r, sizeof(r), fds, w.cg.dir >= 0 ? 2 : 1);
	}
	close(sock);
	setsid();
	setgroups(0, NULL);
	watch_run(&wt);
	cgroup_remove(&w.cg);
	_exit(0);
refuse:
	snprintf(r.msg, sizeof(r.msg), "%s", e.msg);
	fds_send(sock, &r, sizeof(r), NULL, 0);
	idmap_serve_close(&svc);
	net_stop(&net);
	if (w.init > 0)
		waitid(P_PIDFD, w.pidfd, NULL, WEXITED);
	cgroup_remove(&w.cg);
	_exit(1);
}

/* The front end's side: the warden's answer, with its descriptors. */
static int take_reply(struct warden *w, int sock, struct jerr *e)
{
	struct reply r;
	int fds[2];

	if (fds_recv(sock, &r, sizeof(r), fds, 2) < 0)
		return jerr_set(e, "the warden did not start");
	if (!r.ok) {
		fds_close(&fds[0]);
		fds_close(&fds[1]);
		r.msg[sizeof(r.msg) - 1] = '\0';
		return jerr_set(e, "%s", r.msg);
	}
	w->init = r.init;
	w->pidfd = fds[0];
	w->cg = r.cg;
	w->cg.dir = fds[1];
	w->cg.user = w->cg.parent = -1;
	/* a session's jail is its cgroup: what it used is read there */
	w->cg.top = w->cg.dir < 0 ? -1 : fcntl(w->cg.dir, F_DUPFD_CLOEXEC, 0);
	if (w->pidfd < 0 || (r.cg.dir >= 0 && w->cg.top < 0)) {
		warden_close(w);
		return jerr_set(e, "the warden's answer was incomplete");
	}
	return 0;
}

int warden_start(struct warden *w, const struct plan *pl,
		 const struct settings *s, int keep, warden_init_fn fn,
		 void *arg, struct jerr *e)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL }, old;
	int sock[2], status = 0, r;
	pid_t child;

	memset(w, 0, sizeof(*w));
	w->init = -1;
	w->pidfd = w->cg.dir = w->cg.top = w->cg.user = w->cg.parent = -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sock) < 0)
		return jerr_sys(e, errno, "socketpair");
	/* twice, so that the warden is nobody's child here: a service's
	 * SIGCHLD handler (sshd's) never sees it, and its own must not
	 * reap the first child */
	sigaction(SIGCHLD, &dfl, &old);
	child = fork();
	if (child == 0) {
		close(sock[0]);
		/* root in every id before the warden exists: the user can
		 * signal neither it nor, before the drop, its init */
		if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
			_exit(1);
		child = fork();
		if (child == 0)
			warden_main(pl, s, sock[1], keep, fn, arg);
		_exit(child < 0);
	}
	close(sock[1]);
	if (child > 0)
		while (waitpid(child, &status, 0) < 0 && errno == EINTR)
			;
	sigaction(SIGCHLD, &old, NULL);
	if (child < 0)
		r = jerr_sys(e, errno, "fork the warden");
	else if (!WIFEXITED(status) || WEXITSTATUS(status))
		r = jerr_set(e, "the warden did not start");
	else
		r = take_reply(w, sock[0], e);
	close(sock[0]);
	return r;
}

void warden_close(struct warden *w)
{
	fds_close(&w->pidfd);
	cgroup_close(&w->cg);
}

int warden_ask(int sock, const struct warden_request *req,
	       struct warden_info *info, int fds[2], struct jerr *e)
{
	if (fds_send(sock, req, sizeof(*req), NULL, 0) < 0 ||
	    fds_recv(sock, info, sizeof(*info), fds, 2) < 0)
		return jerr_set(e, "the jail's warden did not answer");
	info->msg[sizeof(info->msg) - 1] = '\0';
	info->profile[sizeof(info->profile) - 1] = '\0';
	if (!info->ok) {
		fds_close(&fds[0]);
		fds_close(&fds[1]);
		return jerr_set(e, "%s", info->msg);
	}
	return 0;
}
