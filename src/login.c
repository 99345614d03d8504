#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "clock.h"
#include "fds.h"
#include "filter.h"
#include "groups.h"
#include "jail.h"
#include "login.h"
#include "priv.h"
#include "scope.h"

#define EXIT_FAILED 125

/* After a hangup the shell gets SIGHUP, and SIGKILL this much later if
 * it is still there. Only the shell: what the login left running in the
 * background is the user's jail's (nohup, tmux), as after a logout. */
#define HANGUP_GRACE_MS 500

/* Into the jail and down to the user: what init does for a session's
 * shell, and the PAM module for the service's process. */
static int enter(struct login *l, const struct plan *pl,
		 const struct identity *id, struct jerr *e)
{
	if (userjail_enter(&l->u, e) < 0 ||
	    jail_limits(pl->profile, -1, e) < 0 || priv_drop(id, e) < 0 ||
	    scope_apply(e) < 0 || priv_new_keyring(e) < 0)
		return -1;
	return filter_install(pl->profile, e);
}

/* The shell's process: dies with this one (PR_SET_PDEATHSIG, which
 * survives the exec of a program that is not setuid), and must not
 * outlive a parent that is gone already. */
static void run_shell(const struct plan *pl, const struct shell_start *sh,
		      int report, int parent)
{
	struct pollfd p = { .fd = parent, .events = POLLIN };

	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (poll(&p, 1, 0) != 0)
		_exit(EXIT_FAILED);
	init_exec_shell(pl, sh, report);
}

static int start_shell(struct login *l, const struct plan *pl,
		       const struct shell_start *sh, struct jerr *e)
{
	int rep[2], parent[2];
	struct report r;
	sigset_t ttou;
	ssize_t n;

	if (pipe2(rep, O_CLOEXEC) < 0)
		return jerr_sys(e, errno, "pipe");
	if (pipe2(parent, O_CLOEXEC) < 0) {
		close(rep[0]);
		close(rep[1]);
		return jerr_sys(e, errno, "pipe");
	}
	/* blocked for tcsetpgrp() in the child, as init has it */
	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	sigprocmask(SIG_BLOCK, &ttou, NULL);
	l->shell = fork();
	if (l->shell == 0) {
		close(rep[0]);
		close(parent[1]);
		fds_close(&l->signals);
		fds_close(&l->u.sock);
		run_shell(pl, sh, rep[1], parent[0]);
	}
	close(rep[1]);
	close(parent[0]);
	if (l->shell < 0) {
		close(rep[0]);
		close(parent[1]);
		return jerr_sys(e, errno, "fork");
	}
	/* the shell runs once this closes on its exec */
	do
		n = read(rep[0], &r, sizeof(r));
	while (n < 0 && errno == EINTR);
	close(rep[0]);
	if (n == sizeof(r) && r.type == REPORT_ERROR) {
		r.msg[sizeof(r.msg) - 1] = '\0';
		l->code = r.code;
		close(parent[1]);
		return jerr_set(e, "%s", r.msg);
	}
	/* kept open for the shell's life: it checked it at its start */
	l->parent_alive = parent[1];
	return 0;
}

int login_start(struct login *l, const struct plan *pl, struct identity *id,
		const struct settings *s, const struct shell_start *sh,
		struct jerr *e)
{
	sigset_t fwd;

	memset(l, 0, sizeof(*l));
	l->shell = -1;
	l->signals = l->parent_alive = -1;
	l->code = EXIT_FAILED;
	l->foreground = sh->foreground;
	l->max_time = pl->profile->max_time;
	/* the groups the login gets, and those a jail made here gets */
	if (identity_load_groups(id, e) < 0 ||
	    groups_drop(id, pl->profile, e) < 0 ||
	    userjail_join(&l->u, pl, s, e) < 0)
		return -1;
	/* and SIGCHLD, which wakes login_wait: the shell is this process's
	 * only child */
	init_forwarded_signals(&fwd);
	sigaddset(&fwd, SIGCHLD);
	sigprocmask(SIG_BLOCK, &fwd, NULL);
	l->signals = signalfd(-1, &fwd, SFD_CLOEXEC);
	if (l->signals < 0)
		return jerr_sys(e, errno, "signalfd");
	if (enter(l, pl, id, e) < 0)
		return -1;
	/* never stopped for touching the terminal when taking it back */
	signal(SIGTTOU, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	l->started_ms = clock_ms();
	return start_shell(l, pl, sh, e);
}

/* Is FD the writing end of a pipe or a socket, whose reader can go away?
 * sshd's is, when the client's connection drops. */
static int reader_can_vanish(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 &&
	       (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
}

int login_wait(struct login *l, struct jerr *e)
{
	struct pollfd fds[2] = {
		{ .fd = l->signals, .events = POLLIN },
		{ .fd = reader_can_vanish(STDOUT_FILENO) ? STDOUT_FILENO : -1 },
	};
	long long deadline = -1;
	int status;
	pid_t got;

	e->msg[0] = '\0';
	memset(&l->end, 0, sizeof(l->end));
	while ((got = waitpid(l->shell, &status, WNOHANG)) == 0) {
		struct signalfd_siginfo si;
		int n = poll(fds, 2, clock_left_ms(deadline));

		if (n < 0 && errno != EINTR)
			break;
		if (n == 0 && deadline >= 0) {
			kill(l->shell, SIGKILL); /* the grace is over */
			deadline = -1;
			continue;
		}
		if (n > 0 && fds[1].revents) {
			fds[1].fd = -1;
			kill(l->shell, SIGHUP);
			deadline = clock_ms() + HANGUP_GRACE_MS;
		}
		if (n > 0 && fds[0].revents &&
		    read(l->signals, &si, sizeof(si)) == sizeof(si) &&
		    si.ssi_signo != SIGCHLD) {
			kill(l->shell, si.ssi_signo);
			if (si.ssi_signo == SIGHUP && deadline < 0)
				deadline = clock_ms() + HANGUP_GRACE_MS;
		}
	}
	if (l->foreground)
		tcsetpgrp(STDIN_FILENO, getpgrp());
	if (got != l->shell) {
		jerr_sys(e, errno, "wait for the shell");
		return EXIT_FAILED;
	}
	l->end.type = REPORT_EXIT;
	l->end.code = status;
	l->end.timed_out = l->max_time &&
			   clock_ms() >= l->started_ms + l->max_time * 1000LL;
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) :
				     WEXITSTATUS(status);
}

void login_close(struct login *l)
{
	fds_close(&l->signals);
	fds_close(&l->parent_alive);
	userjail_close(&l->u);
}
