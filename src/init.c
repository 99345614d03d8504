#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "init.h"
#include "jail.h"
#include "report.h"

void report_send(int fd, int type, int code, const char *msg)
{
	struct report r = { .type = type, .code = code };
	ssize_t n;

	if (msg)
		snprintf(r.msg, sizeof(r.msg), "%s", msg);
	do
		n = write(fd, &r, sizeof(r));
	while (n < 0 && errno == EINTR);
}

void init_forwarded_signals(sigset_t *set)
{
	static const int sigs[] = { SIGHUP,  SIGINT,  SIGQUIT, SIGTERM,
				    SIGUSR1, SIGUSR2, SIGCONT };

	sigemptyset(set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(set, sigs[i]);
}

/* In the shell's process (pid 2), already without privilege. */
static void exec_shell(const struct plan *pl, const struct shell_start *sh,
		       int report)
{
	char msg[JERR_MAX];
	int err;

	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, sigismember(&sh->ignored, sig) ? SIG_IGN :
								      SIG_DFL);
	if (sh->foreground) {
		/* SIGTTOU is still blocked here, as tcsetpgrp() needs */
		setpgid(0, 0);
		tcsetpgrp(STDIN_FILENO, getpid());
	}
	sigprocmask(SIG_SETMASK, &sh->mask, NULL);
	umask(sh->umask);
	/* a new chdir: the old working directory is the host's, under
	 * whatever the jail mounted on top of it */
	if (!sh->cwd || chdir(sh->cwd) < 0)
		if (chdir(pl->id->home) < 0 && chdir("/") < 0)
			_exit(125);
	execve(sh->path, sh->argv, sh->envp);
	err = errno;
	snprintf(msg, sizeof(msg), "%s: %s", sh->path, strerror(err));
	report_send(report, REPORT_ERROR, err == ENOENT ? 127 : 126, msg);
	_exit(err == ENOENT ? 127 : 126);
}

/* Reaps every child that ended; returns 1 once the shell has. */
static int reap(pid_t shell, int report)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		if (pid == shell) {
			report_send(report, REPORT_EXIT, status, NULL);
			return 1;
		}
	return 0;
}

int init_run(const struct plan *pl, const struct shell_start *sh,
	     int report, int lifeline)
{
	struct signalfd_siginfo si;
	struct jerr e = { "" };
	struct pollfd fds[2];
	sigset_t mask;
	pid_t shell;
	int sfd;

	/* A pid 1 ignores every signal it has no handler for; blocked and
	 * read from a signalfd, they all arrive. SIGTTOU stays blocked so the
	 * shell's process can take the terminal. */
	init_forwarded_signals(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTTOU);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0) {
		jerr_sys(&e, errno, "signalfd");
		goto fail;
	}
	if (jail_setup(pl, &e) < 0)
		goto fail;
	shell = fork();
	if (shell < 0) {
		jerr_sys(&e, errno, "fork");
		goto fail;
	}
	if (shell == 0) {
		close(sfd);
		close(lifeline);
		exec_shell(pl, sh, report);
	}
	report_send(report, REPORT_READY, 0, NULL);

	fds[0] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	fds[1] = (struct pollfd){ .fd = lifeline, .events = POLLIN };
	for (;;) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[1].revents) {
			/* the process outside is gone: so is the session */
			kill(-1, SIGKILL);
			return 0;
		}
		if (read(sfd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo == SIGCHLD) {
			if (reap(shell, report))
				return 0;
		} else if (si.ssi_signo != SIGTTOU) {
			kill(shell, si.ssi_signo);
		}
	}
	kill(-1, SIGKILL);
	return 0;
fail:
	report_send(report, REPORT_ERROR, 125, e.msg);
	return 125;
}
