#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exit_status.h"
#include "inherit.h"

/* Signals: the caller's mask and what it ignored are kept for the shell;
 * the privileged part runs with none blocked or ignored. */
static void take_signals(struct inherited *in)
{
	sigset_t none;

	sigemptyset(&none);
	sigemptyset(&in->ignored);
	sigprocmask(SIG_SETMASK, &none, &in->mask);
	for (int sig = 1; sig < NSIG; sig++) {
		struct sigaction sa;

		if (sigaction(sig, NULL, &sa) < 0 || sa.sa_handler == SIG_DFL)
			continue; /* a new program has no handlers */
		if (sa.sa_handler == SIG_IGN)
			sigaddset(&in->ignored, sig);
		signal(sig, SIG_DFL);
	}
}

/* libc and libconfuse read the environment, and in a setuid program it
 * belongs to the user: it is kept aside for the shell, and from here on
 * the process has none. */
static void take_environment(struct inherited *in)
{
	extern char **environ;
	size_t n = 0;

	for (char **e = environ; e && *e; e++)
		n++;
	in->env = calloc(n + 1, sizeof(char *));
	if (!in->env)
		_exit(EXIT_FAILED);
	memcpy(in->env, environ, n * sizeof(char *));
	clearenv();
}

/* "--status-fd N" in front of the shell's arguments: taken out of them,
 * and N kept (close-on-exec) for the JSON object at the end. */
static void take_status_fd(int *argc, char **argv, struct inherited *in)
{
	char *end;
	long n;
	int flags;

	in->status_fd = -1;
	in->status_error[0] = '\0';
	if (*argc < 2 || argv[0][0] == '-' || strcmp(argv[1], "--status-fd"))
		return;
	if (*argc < 3) {
		snprintf(in->status_error, sizeof(in->status_error),
			 "--status-fd: a descriptor number is missing");
		return;
	}
	errno = 0;
	n = strtol(argv[2], &end, 10);
	flags = -1;
	if (!errno && !*end && argv[2][0] && n >= 0 && n <= INT_MAX)
		flags = fcntl((int)n, F_GETFL);
	if (flags < 0 || (flags & O_ACCMODE) == O_RDONLY)
		snprintf(in->status_error, sizeof(in->status_error),
			 "--status-fd %.32s: not a descriptor open for "
			 "writing",
			 argv[2]);
	else
		in->status_fd = (int)n;
	memmove(argv + 1, argv + 3, (*argc - 2) * sizeof(char *));
	*argc -= 2;
}

void inherit_take(int *argc, char **argv, struct inherited *in)
{
	int sfd;

	/* descriptors first: nothing opened by the caller may reach the
	 * jail (but --status-fd's, which is made close-on-exec), and 0-2
	 * must exist so that nothing we open lands there */
	take_status_fd(argc, argv, in);
	sfd = in->status_fd;
	if (sfd > 3)
		close_range(3, sfd - 1, 0);
	close_range(sfd >= 3 ? sfd + 1 : 3, ~0U, 0);
	if (sfd >= 0 && sfd != STDIN_FILENO && sfd != STDOUT_FILENO &&
	    sfd != STDERR_FILENO)
		fcntl(sfd, F_SETFD, FD_CLOEXEC);
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 &&
		    open("/dev/null", O_RDWR | O_NOCTTY) != fd)
			_exit(EXIT_FAILED);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	in->umask = umask(022);
	take_signals(in);
	take_environment(in);
	if (!getcwd(in->cwd, sizeof(in->cwd)))
		in->cwd[0] = '\0';
}

void inherit_shell_start(const struct inherited *in, struct shell_start *sh)
{
	sh->cwd = in->cwd[0] ? in->cwd : NULL;
	sh->foreground = isatty(STDIN_FILENO) &&
			 tcgetpgrp(STDIN_FILENO) == getpgrp();
	sh->umask = in->umask;
	sh->mask = in->mask;
	sh->ignored = in->ignored;
}
