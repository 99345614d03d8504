#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "clock.h"
#include "escape.h"
#include "fds.h"
#include "init.h"
#include "registry.h"
#include "watch.h"

#define MAX_CLIENTS 128
/* Logins that left a cgroup behind (work that outlives them), removed
 * once it is empty. */
#define MAX_LEFT 256
/* How long a user's jail waits for its first login. */
#define UNJOINED_MS 30000

struct client {
	int sock;
	int login;         /* a login attached (JOIN) */
	int n;             /* its number: its cgroup is login-N */
	int leader;        /* a pidfd of the process that joined */
	long long term_at; /* its max_time: SIGTERM then */
	long long kill_at; /* and SIGKILL then */
};

struct state {
	struct watch *wt;
	struct client c[MAX_CLIENTS];
	int nclients;
	int logins, next_login;
	int left[MAX_LEFT], nleft;
	int init_gone, populated, registered;
	int ending;             /* SIGTERM sent to everything */
	long long hard_kill_at; /* then SIGKILL to init and the cgroup */
	long long linger_at;    /* a user's jail without logins ends then */
	int stop_wanted;        /* end as soon as it is out of the registry */
	ino_t pidns;            /* its pid namespace, to count processes */
	int started;            /* init's pipe (watch.h) */
	int events;             /* cgroup.events of the jail's cgroup */
};

static void say(struct state *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* One syslog line about the jail, escaped (the user's name is the user
 * database's, not necessarily clean text). A session's jail has its
 * start and end said by its front end already: only what the warden
 * did to it is said here. */
static void say(struct state *st, const char *fmt, ...)
{
	const struct identity *id = st->wt->pl->id;
	int user_jail = st->wt->pl->profile->user_jail;
	char msg[512], line[1024];
	va_list ap;

	if (!user_jail &&
	    (!strncmp(fmt, "started", 7) || !strcmp(fmt, "ended")))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(line, sizeof(line), "%s of %s (uid %u): %s",
		 user_jail ? "user jail" : "session jail", id->name, id->uid,
		 msg);
	escape_in_place(line, sizeof(line));
	syslog(LOG_INFO, "%s", line);
}

/* SIG to every process in the jail but its init: from inside its pid
 * namespace (kill(-1) there), by a child made for it. */
static void signal_all(struct state *st, int sig)
{
	pid_t helper = fork();

	if (helper == 0) {
		pid_t inner;

		if (setns(st->wt->w->pidfd, CLONE_NEWPID) < 0)
			_exit(1);
		inner = fork();
		if (inner == 0)
			_exit(kill(-1, sig) < 0);
		_exit(inner < 0);
	}
	if (helper > 0)
		while (waitpid(helper, NULL, 0) < 0 && errno == EINTR)
			;
}

static void signal_leaders(struct state *st, int sig)
{
	for (int i = 0; i < st->nclients; i++)
		if (st->c[i].login && st->c[i].leader >= 0)
			syscall(SYS_pidfd_send_signal, st->c[i].leader, sig,
				NULL, 0);
}

/* The network stack of a private network (net.h), which serves nothing
 * once init is gone: ended and reaped. */
static void end_network(struct state *st)
{
	struct watch *wt = st->wt;

	if (wt->net < 0)
		return;
	syscall(SYS_pidfd_send_signal, wt->net, SIGKILL, NULL, 0);
	while (waitid(P_PIDFD, wt->net, NULL, WEXITED) < 0 && errno == EINTR)
		;
	fds_close(&wt->net);
}

/* The stack ended while the jail runs: the jail has no network from now
 * on, which is all it loses. Said, and reaped. */
static void network_ended(struct state *st)
{
	struct watch *wt = st->wt;
	siginfo_t si = { 0 };

	waitid(P_PIDFD, wt->net, &si, WEXITED | WNOHANG);
	if (si.si_code == CLD_EXITED)
		say(st,
		    "its network stack ended (status %d); the jail has "
		    "no network now",
		    si.si_status);
	else
		say(st,
		    "its network stack was killed (signal %d); the jail "
		    "has no network now",
		    si.si_status);
	fds_close(&wt->net);
}

/* The hard end: init (its pid namespace with it), the cgroup. */
static void kill_jail(struct state *st)
{
	syscall(SYS_pidfd_send_signal, st->wt->w->pidfd, SIGKILL, NULL, 0);
	if (st->wt->w->cg.top >= 0)
		cgroup_kill(&st->wt->w->cg);
	signal_leaders(st, SIGKILL);
}

/* Out of the registry: no login finds it from now on. A user's jail
 * needs the user's lock for it (a login may be joining); 0 while it is
 * held, and the caller tries again. */
static int unregister(struct state *st)
{
	struct watch *wt = st->wt;
	struct jerr e;
	int lock = -1;

	if (!st->registered)
		return 1;
	if (wt->pl->profile->user_jail) {
		lock = registry_lock(wt->registry, wt->pl->id->uid, 0, &e);
		if (lock < 0)
			return 0;
		if (st->logins > 0 && !st->stop_wanted && !st->init_gone) {
			close(lock); /* someone joined meanwhile */
			return -1;
		}
	}
	registry_remove(wt->registry, wt->name, wt->ino);
	fds_close(&wt->listen);
	st->registered = 0;
	if (lock >= 0)
		close(lock);
	return 1;
}

/* The polite end: SIGTERM to everything, SIGKILL a grace later. */
static void begin_end(struct state *st, const char *why)
{
	if (st->ending)
		return;
	st->ending = 1;
	st->linger_at = -1;
	say(st, "ends (%s)", why);
	signal_all(st, SIGTERM);
	signal_leaders(st, SIGTERM);
	st->hard_kill_at = clock_ms() + INIT_MAX_TIME_GRACE_MS;
}

/* A user's jail whose last login has gone: it lingers, or ends. */
static void last_login_gone(struct state *st)
{
	unsigned linger = st->wt->pl->profile->linger;

	if (linger == PROFILE_FOREVER) {
		say(st, "no login left; lingers until stopped");
	} else if (linger == 0) {
		st->stop_wanted = 1;
	} else {
		st->linger_at = clock_ms() + linger * 1000LL;
		say(st, "no login left; lingers for %us", linger);
	}
}

static int count_processes(const struct state *st)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char path[64];
		struct stat s;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%.20s/ns/pid", de->d_name);
		if (stat(path, &s) == 0 && s.st_ino == st->pidns)
			n++;
	}
	closedir(d);
	return n;
}

/* What the jail is; with COUNTS (for list and stop, not for a join, which
 * would wait on a walk of /proc) its processes and cgroup usage too. */
static void fill_info(const struct state *st, struct warden_info *in,
		      const struct warden_request *req, int counts)
{
	const struct watch *wt = st->wt;
	struct cgroup_usage u;

	memset(in, 0, sizeof(*in));
	in->ok = 1;
	in->user_jail = wt->pl->profile->user_jail;
	in->uid = wt->pl->id->uid;
	in->warden = getpid();
	in->init = wt->w->init;
	in->started = wt->born;
	in->logins = st->logins;
	if (counts)
		in->processes = st->init_gone ? 0 : count_processes(st);
	if (counts && wt->w->cg.top >= 0) {
		cgroup_usage(&wt->w->cg, &u);
		in->have_usage = 1;
		in->memory = u.memory_now;
		in->cpu_usec = u.cpu_usec;
	}
	in->changed = req->fingerprint != wt->fingerprint;
	in->linger = wt->pl->profile->linger;
	in->linger_left_ms = st->linger_at < 0 ? -1 :
						 clock_left_ms(st->linger_at);
	snprintf(in->profile, sizeof(in->profile), "%s", wt->pl->profile->file);
}

static void refuse_ending(int sock)
{
	struct warden_info in = { .ok = 0, .ending = 1 };

	snprintf(in.msg, sizeof(in.msg), "the jail is ending");
	fds_send(sock, &in, sizeof(in), NULL, 0);
}

static void refuse(int sock, const char *why)
{
	struct warden_info in = { .ok = 0 };

	snprintf(in.msg, sizeof(in.msg), "%.250s", why);
	fds_send(sock, &in, sizeof(in), NULL, 0);
}

static void join(struct state *st, struct client *c,
		 const struct warden_request *req)
{
	struct watch *wt = st->wt;
	struct warden_info in;
	struct jerr e;
	int fds[2] = { wt->w->pidfd, -1 };
	pid_t pid;
	uid_t uid;

	if (!wt->pl->profile->user_jail)
		return refuse(c->sock, "not a user's jail");
	if (st->ending || st->init_gone || !st->registered)
		return refuse_ending(c->sock);
	if (c->login || registry_peer(c->sock, &pid, &uid) < 0)
		return refuse(c->sock, "not a login");
	c->leader = (int)syscall(SYS_pidfd_open, pid, 0);
	if (c->leader < 0)
		return refuse(c->sock, "the login is gone");
	c->n = st->next_login++;
	if (wt->w->cg.top >= 0) {
		fds[1] = cgroup_login(&wt->w->cg, wt->pl->profile, c->n, &e);
		if (fds[1] < 0) {
			fds_close(&c->leader);
			return refuse(c->sock, e.msg);
		}
	}
	fill_info(st, &in, req, 0);
	if (fds_send(c->sock, &in, sizeof(in), fds, fds[1] >= 0 ? 2 : 1) < 0) {
		fds_close(&fds[1]);
		fds_close(&c->leader);
		if (wt->w->cg.top >= 0)
			cgroup_login_remove(&wt->w->cg, c->n);
		return;
	}
	fds_close(&fds[1]);
	c->login = 1;
	st->logins++;
	st->linger_at = -1;
	st->stop_wanted = 0;
	if (req->max_time)
		c->term_at = clock_ms() + req->max_time * 1000LL;
	say(st, "joined by pid %d (%d login%s)", (int)pid, st->logins,
	    st->logins == 1 ? "" : "s");
}

/* -1 once the client is gone. */
static int answer(struct state *st, struct client *c)
{
	struct warden_request req;
	struct warden_info in;
	int fds[1];

	if (fds_recv(c->sock, &req, sizeof(req), fds, 0) < 0)
		return -1;
	switch (req.op) {
	case WARDEN_JOIN:
		join(st, c, &req);
		break;
	case WARDEN_INFO:
		fill_info(st, &in, &req, 1);
		fds_send(c->sock, &in, sizeof(in), NULL, 0);
		break;
	case WARDEN_STOP:
		fill_info(st, &in, &req, 1);
		fds_send(c->sock, &in, sizeof(in), NULL, 0);
		st->stop_wanted = 1;
		say(st, "stop asked for");
		break;
	default:
		refuse(c->sock, "unknown request");
	}
	return 0;
}

static void drop_client(struct state *st, int i)
{
	struct client *c = &st->c[i];

	fds_close(&c->sock);
	if (c->login) {
		fds_close(&c->leader);
		st->logins--;
		if (st->wt->w->cg.top >= 0 && st->nleft < MAX_LEFT)
			st->left[st->nleft++] = c->n;
		say(st, "a login left (%d attached)", st->logins);
		if (st->logins == 0 && !st->ending)
			last_login_gone(st);
	}
	st->c[i] = st->c[--st->nclients];
}

/* The cgroups of logins that left, once nothing runs in them. */
static void tidy_left(struct state *st)
{
	for (int i = 0; i < st->nleft; i++) {
		char name[32];

		snprintf(name, sizeof(name), "login-%d", st->left[i]);
		if (unlinkat(st->wt->w->cg.top, name, AT_REMOVEDIR) == 0 ||
		    errno == ENOENT)
			st->left[i--] = st->left[--st->nleft];
	}
}

static void accept_all(struct state *st)
{
	for (;;) {
		int s = accept4(st->wt->listen, NULL, NULL,
				SOCK_CLOEXEC | SOCK_NONBLOCK);
		pid_t pid;
		uid_t uid;

		if (s < 0)
			return;
		/* only root asks: the directory is root's alone, but the
		 * socket is not trusted for that */
		if (st->nclients == MAX_CLIENTS ||
		    registry_peer(s, &pid, &uid) < 0 || uid != 0) {
			close(s);
			continue;
		}
		st->c[st->nclients++] = (struct client){
			.sock = s, .leader = -1, .term_at = -1, .kill_at = -1
		};
	}
}

static long long earliest(const struct state *st)
{
	long long t = -1;
	long long cand[3] = { st->hard_kill_at, st->linger_at, -1 };

	for (int i = 0; i < 3; i++)
		if (cand[i] >= 0 && (t < 0 || cand[i] < t))
			t = cand[i];
	for (int i = 0; i < st->nclients; i++) {
		long long c = st->c[i].term_at >= 0 ? st->c[i].term_at :
						      st->c[i].kill_at;

		if (c >= 0 && (t < 0 || c < t))
			t = c;
	}
	if (st->wt->idmap) {
		long long c = idmap_serve_due(st->wt->idmap);

		if (c >= 0 && (t < 0 || c < t))
			t = c;
	}
	return t;
}

static void deadlines(struct state *st)
{
	long long now = clock_ms();

	if (st->hard_kill_at >= 0 && now >= st->hard_kill_at) {
		st->hard_kill_at = -1;
		kill_jail(st);
	}
	if (st->linger_at >= 0 && now >= st->linger_at) {
		st->linger_at = -1;
		st->stop_wanted = 1;
	}
	if (st->wt->idmap)
		idmap_serve_expire(st->wt->idmap);
	for (int i = 0; i < st->nclients; i++) {
		struct client *c = &st->c[i];

		if (c->term_at >= 0 && now >= c->term_at) {
			/* the login's max_time: it ends as a logout would */
			c->term_at = -1;
			c->kill_at = now + INIT_MAX_TIME_GRACE_MS;
			say(st, "a login reached max_time");
			syscall(SYS_pidfd_send_signal, c->leader, SIGTERM, NULL,
				0);
		}
		if (c->kill_at >= 0 && now >= c->kill_at) {
			c->kill_at = -1;
			syscall(SYS_pidfd_send_signal, c->leader, SIGKILL, NULL,
				0);
		}
	}
}

enum { P_INIT, P_STARTED, P_EVENTS, P_LISTEN, P_NET, P_CLIENTS };

/* What to do without being woken: end the jail once it is out of the
 * registry; kill what is left once all that heeded SIGTERM is gone. 1
 * when the warden's work is done. */
static int settle(struct state *st)
{
	if (st->events >= 0)
		st->populated = cgroup_populated(st->events) > 0;
	if (st->stop_wanted && !st->ending && unregister(st) > 0)
		begin_end(st, st->logins ? "stopped" : "no login left");
	if (st->ending && st->hard_kill_at >= 0 && !st->init_gone &&
	    count_processes(st) <= 1 && st->logins == 0) {
		st->hard_kill_at = -1;
		kill_jail(st);
	}
	return st->init_gone && !st->populated && unregister(st) > 0;
}

/* How long poll() may sleep: until the next deadline; briefly while a
 * lock is awaited or the end is near; a safety net for the cgroup. */
static int how_long(const struct state *st)
{
	long long due = earliest(st);
	int timeout = due >= 0 ? clock_left_ms(due) : -1;

	if ((st->stop_wanted && !st->ending) ||
	    (st->init_gone && !st->populated) ||
	    (st->ending && st->hard_kill_at >= 0))
		return timeout < 0 || timeout > 50 ? 50 : timeout;
	if (st->events >= 0 && (timeout < 0 || timeout > 10000))
		return 10000;
	return timeout;
}

static int fill_polls(const struct state *st, struct pollfd *p)
{
	const struct watch *wt = st->wt;

	p[P_INIT] = (struct pollfd){ .fd = st->init_gone ? -1 : wt->w->pidfd,
				     .events = POLLIN };
	p[P_STARTED] = (struct pollfd){ .fd = st->started, .events = POLLIN };
	p[P_EVENTS] = (struct pollfd){ .fd = st->events, .events = POLLPRI };
	p[P_LISTEN] = (struct pollfd){ .fd = wt->listen, .events = POLLIN };
	p[P_NET] = (struct pollfd){ .fd = wt->net, .events = POLLIN };
	for (int i = 0; i < st->nclients; i++)
		p[P_CLIENTS + i] = (struct pollfd){ .fd = st->c[i].sock,
						    .events = POLLIN };
	/* the subordinate id service's, after the clients */
	return P_CLIENTS + st->nclients +
	       (wt->idmap ? idmap_serve_polls(wt->idmap,
					      p + P_CLIENTS + st->nclients) :
			    0);
}

/* Init's word that the user's code runs: a session's max_time starts. */
static void user_code_runs(struct state *st)
{
	const struct profile *p = st->wt->pl->profile;
	char byte;

	if (read(st->started, &byte, 1) == 1 && p->max_time && !p->user_jail)
		st->hard_kill_at = clock_ms() + p->max_time * 1000LL +
				   INIT_MAX_TIME_GRACE_MS + WARDEN_MARGIN_MS;
	fds_close(&st->started);
}

static void woken(struct state *st, const struct pollfd *p, int np)
{
	struct watch *wt = st->wt;
	int nclients = st->nclients;

	if (p[P_INIT].revents) {
		st->init_gone = 1;
		waitid(P_PIDFD, wt->w->pidfd, NULL, WEXITED | WNOHANG);
		end_network(st);
		say(st, "ended");
	} else if (p[P_NET].revents) {
		network_ended(st);
	}
	if (p[P_STARTED].revents)
		user_code_runs(st);
	if (p[P_EVENTS].revents)
		tidy_left(st);
	/* the clients polled, before any new one comes */
	for (int i = st->nclients - 1; i >= 0; i--) {
		short r = p[P_CLIENTS + i].revents;

		if (((r & POLLIN) && answer(st, &st->c[i]) < 0) ||
		    (r & (POLLHUP | POLLERR)))
			drop_client(st, i);
	}
	if (wt->listen >= 0 && p[P_LISTEN].revents)
		accept_all(st);
	if (wt->idmap)
		idmap_serve_woken(wt->idmap, p + P_CLIENTS + nclients,
				  np - P_CLIENTS - nclients);
}

void watch_run(struct watch *wt)
{
	struct state *st = calloc(1, sizeof(*st));
	struct pollfd p[P_CLIENTS + MAX_CLIENTS + IDMAP_SERVE_POLLS];
	struct stat ns;
	char path[64];

	if (!st)
		return; /* the cgroup is swept by the next session */
	st->wt = wt;
	st->started = wt->started;
	st->events = -1;
	st->registered = wt->listen >= 0;
	st->hard_kill_at = st->linger_at = -1;
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)wt->w->init);
	if (stat(path, &ns) == 0)
		st->pidns = ns.st_ino;
	if (wt->w->cg.top >= 0) {
		st->events = cgroup_events(&wt->w->cg);
		st->populated = st->events >= 0;
	}
	say(st, "started (init %d, profile %s)", (int)wt->w->init,
	    wt->pl->profile->file);
	/* a user's jail that no login ever joins (the one that made it
	 * failed) does not linger */
	if (wt->pl->profile->user_jail)
		st->linger_at = clock_ms() + UNJOINED_MS;
	while (!settle(st)) {
		int np = fill_polls(st, p);
		int n = poll(p, np, how_long(st));

		if (n < 0 && errno != EINTR)
			break;
		deadlines(st);
		if (n > 0)
			woken(st, p, np);
	}
	while (st->nclients)
		drop_client(st, st->nclients - 1);
	if (wt->idmap)
		idmap_serve_close(wt->idmap);
	end_network(st);
	fds_close(&st->events);
	fds_close(&st->started);
	free(st);
}
