/* What jailsh inherits from whoever started it, and hands on to what it
 * runs: taken before anything else and then reset, so that none of it
 * steers the privileged part. */
#ifndef JAILSH_INHERIT_H
#define JAILSH_INHERIT_H

#include <limits.h>
#include <signal.h>
#include <sys/types.h>

#include "init.h"

struct inherited {
	int status_fd;          /* --status-fd N: where the end goes; -1 */
	char status_error[128]; /* --status-fd given, but not usable */
	char **env;
	char cwd[PATH_MAX];
	mode_t umask;
	sigset_t mask;
	sigset_t ignored;
};

/* First thing in main: takes "--status-fd N" out of the arguments, closes
 * every other descriptor above 2 (and opens what is missing of 0-2), takes
 * the umask, the signal mask and dispositions, the environment and the
 * working directory, and leaves the process with none of them. Exits with
 * EXIT_FAILED if 0-2 cannot be made or the environment kept. */
void inherit_take(int *argc, char **argv, struct inherited *in);

/* What the shell (or command) SH gets of it: the umask, the signal mask
 * and what was ignored, the terminal if this process had it in the
 * foreground, and the working directory (NULL if there was none). */
void inherit_shell_start(const struct inherited *in, struct shell_start *sh);

#endif
