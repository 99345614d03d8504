#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "clock.h"
#include "exit_status.h"
#include "fds.h"
#include "groups.h"
#include "jail.h"
#include "priv.h"
#include "report.h"
#include "runmap.h"
#include "session.h"

static void close_all(struct session *s)
{
	fds_close(&s->report);
	fds_close(&s->lifeline);
	fds_close(&s->signals);
	warden_close(&s->warden);
	net_close(&s->net);
	fds_close(&s->net_link);
}

/* By its pidfd where the warden gave one: init is not this process's
 * child then, and its pid may be another's once it has ended. */
static void signal_init(const struct session *s, int sig)
{
	if (s->warden.pidfd >= 0)
		syscall(SYS_pidfd_send_signal, s->warden.pidfd, sig, NULL, 0);
	else if (s->init > 0)
		kill(s->init, sig);
}

static int fail(struct session *s, int code)
{
	signal_init(s, SIGKILL);
	runmap_stop(&s->idmap);
	net_stop(&s->net);
	close_all(s);
	s->code = code;
	return -1;
}

/* After a hangup the shell gets SIGHUP; whatever still runs this long
 * afterwards is killed, so that a lost connection never leaves a session
 * behind (a shell may ignore SIGHUP; a job may have been started with
 * nohup). */
#define HANGUP_GRACE_MS 500

/* Is FD the writing end of a pipe or a socket, whose reader can go away?
 * sshd's is, when the client's connection drops. */
static int reader_can_vanish(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 &&
	       (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
}

/* Is the session past max_time? Then a jail that ended without a word
 * was ended by its warden. */
static int time_is_up(const struct session *s)
{
	return s->max_time &&
	       clock_ms() >= s->started_ms + s->max_time * 1000LL;
}

/* Reads the next record. Signals that arrive meanwhile go to init once the
 * jail is started, and end the session while it is being built. Once
 * started, a hangup (SIGHUP, or nobody left to read the output) ends the
 * session: returns 1 when it has been ended that way. */
static int next_report(struct session *s, int started, struct report *r,
		       struct jerr *e)
{
	struct pollfd fds[3] = {
		{ .fd = s->report, .events = POLLIN },
		{ .fd = s->signals, .events = POLLIN },
		{ .fd = started && reader_can_vanish(STDOUT_FILENO) ?
				STDOUT_FILENO :
				-1 },
	};
	long long deadline = -1;

	for (;;) {
		struct signalfd_siginfo si;
		int hangup = 0;
		ssize_t n;

		n = poll(fds, 3, clock_left_ms(deadline));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return jerr_sys(e, errno, "poll");
		if (n == 0) {
			/* the grace is over: init kills everything left */
			close(s->lifeline);
			s->lifeline = -1;
			return 1;
		}
		if (fds[1].revents &&
		    read(s->signals, &si, sizeof(si)) == sizeof(si)) {
			if (started) {
				signal_init(s, si.ssi_signo);
				hangup = si.ssi_signo == SIGHUP;
			} else if (si.ssi_signo != SIGCONT) {
				s->code = 128 + si.ssi_signo;
				return jerr_set(e,
						"interrupted by signal %d "
						"while the jail was built",
						si.ssi_signo);
			}
		}
		if (fds[2].revents) {
			fds[2].fd = -1; /* reported once is enough */
			signal_init(s, SIGHUP);
			hangup = 1;
		}
		if (hangup && deadline < 0)
			deadline = clock_ms() + HANGUP_GRACE_MS;
		if (!fds[0].revents)
			continue;
		n = report_read(s->report, r);
		if (n == 0 && started && time_is_up(s)) {
			/* the warden ended it: init did not in time */
			*r = (struct report){ .type = REPORT_EXIT,
					      .code = SIGKILL,
					      .timed_out = 1 };
			return 0;
		}
		if (n < 1)
			return jerr_set(e, "the jail ended without a report");
		return 0;
	}
}

/* The pipes between this process and init. GRP is for the groups, only
 * when they are not known yet (otherwise both ends stay -1). */
static int open_pipes(int rep[2], int life[2], int grp[2], int need_groups,
		      struct jerr *e)
{
	rep[0] = rep[1] = life[0] = life[1] = grp[0] = grp[1] = -1;
	if (pipe2(rep, O_CLOEXEC) == 0 && pipe2(life, O_CLOEXEC) == 0 &&
	    (!need_groups || pipe2(grp, O_CLOEXEC) == 0))
		return 0;
	jerr_sys(e, errno, "pipe");
	for (int i = 0; i < 2; i++) {
		fds_close(&rep[i]);
		fds_close(&life[i]);
		fds_close(&grp[i]);
	}
	return -1;
}

/* The group database can be slow: it is asked here while init builds the
 * jail, and the answer (less drop_groups) goes to init for its drop. */
static int hand_over_groups(int fd, struct identity *id, const struct plan *pl,
			    struct jerr *e)
{
	int r;

	/* init may have failed and gone already: then its report, not a
	 * SIGPIPE here, says what happened */
	signal(SIGPIPE, SIG_IGN);
	r = identity_load_groups(id, e);
	if (r == 0)
		r = groups_drop(id, pl->profile, e);
	if (r == 0 && init_send_groups(fd, id) < 0 && errno != EPIPE)
		r = jerr_sys(e, errno, "hand the groups to the jail");
	close(fd);
	return r;
}

/* What the jail's init is started with, in the clone. */
struct init_start {
	struct session *s;
	const struct plan *pl;
	const struct shell_start *sh;
	int report, lifeline, groups[2];
};

static int start_init(void *arg, int started, int service)
{
	struct init_start *a = arg;

	/* the outside's ends stay outside */
	close_all(a->s);
	fds_close(&a->groups[1]);
	return init_run(a->pl, a->sh, a->report, a->lifeline, a->groups[0],
			started, service);
}

/* jailsh run, network = "private": the stack, as the caller, for the
 * jail's namespaces; init hears on the link when it is up. */
static int attach_network(struct session *s, const struct plan *pl,
			  struct jerr *e)
{
	if (net_attach(&s->net, pl, s->init, e) < 0 ||
	    net_wait(&s->net, NET_READY_MS, e) < 0)
		return -1;
	if (write(s->net_link, "", 1) != 1)
		return jerr_sys(e, errno, "tell the jail its network is up");
	return 0;
}

/* Init, by the warden (a login session) or as this process's own child
 * (jailsh run, which has no privilege to start a warden with). */
static int clone_init(struct session *s, struct init_start *a,
		      const struct settings *set, struct jerr *e)
{
	int link[2] = { -1, -1 }, ids[2] = { -1, -1 };
	pid_t pid;

	if (set) {
		if (warden_start(&s->warden, a->pl, set, -1, start_init, a, e) <
		    0)
			return -1;
		s->init = s->warden.init;
		return 0;
	}
	if (a->pl->profile->net == NET_PRIVATE &&
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, link) < 0)
		return jerr_sys(e, errno, "socketpair");
	s->net_link = link[0];
	/* containers = yes: init waits on it for the id service's socket,
	 * and for its map (runmap.h) */
	if (a->pl->profile->containers &&
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ids) < 0)
		return jerr_sys(e, errno, "socketpair");
	pid = jail_clone(a->pl, -1, NULL);
	if (pid == 0) {
		fds_close(&ids[0]);
		_exit(start_init(a, link[1], ids[1]));
	}
	fds_close(&link[1]);
	fds_close(&ids[1]);
	if (pid < 0) {
		fds_close(&ids[0]);
		return jerr_sys(e, errno, "create namespaces");
	}
	s->init = pid;
	if ((ids[0] >= 0 &&
	     runmap_start(&s->idmap, a->pl, pid, ids[0], e) < 0) ||
	    (s->net_link >= 0 && attach_network(s, a->pl, e) < 0)) {
		fds_close(&ids[0]);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		runmap_stop(&s->idmap);
		s->init = -1;
		return -1;
	}
	fds_close(&ids[0]);
	return 0;
}

int session_start(struct session *s, const struct plan *pl, struct identity *id,
		  const struct shell_start *sh, const struct settings *set,
		  struct jerr *e)
{
	int rep[2], life[2], grp[2];
	struct init_start a;
	struct report r;
	sigset_t fwd;

	memset(s, 0, sizeof(*s));
	s->init = -1;
	s->report = s->lifeline = s->signals = s->net_link = -1;
	s->idmap.service = -1;
	net_init(&s->net);
	s->warden.pidfd = s->warden.cg.dir = -1;
	s->warden.cg.user = s->warden.cg.parent = -1;
	s->foreground = sh->foreground;
	s->code = EXIT_FAILED;
	s->max_time = pl->profile->max_time;
	/* groups known already (they chose the profile): init takes them
	 * from its copy of the identity, less drop_groups */
	if (id->groups_known && !pl->userns &&
	    groups_drop(id, pl->profile, e) < 0)
		return -1;
	if (open_pipes(rep, life, grp, !id->groups_known, e) < 0)
		return -1;
	s->report = rep[0];
	s->lifeline = life[1];
	a = (struct init_start){ .s = s,
				 .pl = pl,
				 .sh = sh,
				 .report = rep[1],
				 .lifeline = life[0],
				 .groups = { grp[0], grp[1] } };
	/* blocked before the clone, so that none is lost in between */
	init_forwarded_signals(&fwd);
	sigprocmask(SIG_BLOCK, &fwd, NULL);
	s->signals = signalfd(-1, &fwd, SFD_CLOEXEC);
	if (s->signals < 0)
		jerr_sys(e, errno, "signalfd");
	else
		clone_init(s, &a, set, e);
	fds_close(&rep[1]);
	fds_close(&life[0]);
	fds_close(&grp[0]);
	if (s->init < 0) {
		fds_close(&grp[1]);
		return fail(s, EXIT_FAILED);
	}
	if (grp[1] >= 0 && hand_over_groups(grp[1], id, pl, e) < 0)
		return fail(s, EXIT_FAILED);

	/* Nothing out here needs privilege any more (jailsh run has none
	 * to drop). */
	if (!pl->userns && priv_drop(id, e) < 0)
		return fail(s, EXIT_FAILED);
	/* Never stopped for touching the terminal when taking it back. */
	signal(SIGTTOU, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);

	if (next_report(s, 0, &r, e) < 0)
		return fail(s, s->code);
	s->started_ms = clock_ms();
	if (r.type == REPORT_READY)
		return 0;
	if (r.type == REPORT_ERROR) {
		jerr_set(e, "%s", r.msg);
		return fail(s, r.code);
	}
	jerr_set(e, "unexpected report %d from the jail", r.type);
	return fail(s, EXIT_FAILED);
}

/* The status to exit with, from the record that ended the session. */
static int session_status(const struct report *r, struct jerr *e)
{
	if (r->type == REPORT_EXIT)
		return WIFSIGNALED(r->code) ? 128 + WTERMSIG(r->code) :
					      WEXITSTATUS(r->code);
	if (r->type == REPORT_ERROR) {
		jerr_set(e, "%s", r->msg);
		return r->code;
	}
	jerr_set(e, "unexpected report %d from the jail", r->type);
	return EXIT_FAILED;
}

int session_wait(struct session *s, struct jerr *e)
{
	struct report *r = &s->end;
	int code;

	e->msg[0] = '\0';
	memset(r, 0, sizeof(*r));
	switch (next_report(s, 1, r, e)) {
	case -1:
		code = EXIT_FAILED;
		break;
	case 1:
		code = 128 + SIGHUP; /* hung up, and ended */
		break;
	default:
		code = session_status(r, e);
	}
	if (r->type != REPORT_EXIT)
		r->type = 0;
	if (s->foreground)
		tcsetpgrp(STDIN_FILENO, getpgrp());
	return code;
}

void session_close(struct session *s)
{
	/* init is ending the jail; there is nothing to wait for but the
	 * network stack of jailsh run, this process's child, and its id
	 * service, which ends with init */
	net_stop(&s->net);
	runmap_stop(&s->idmap);
	close_all(s);
}
