/* The administrator's tools of the shell wrapper. */
#ifndef JAILSH_COMMANDS_H
#define JAILSH_COMMANDS_H

#include <limits.h>
#include <signal.h>
#include <sys/types.h>

/* jailsh check: validates every file in the configuration directory. */
int cmd_check(int argc, char **argv);

/* jailsh explain [USER]: which profile applies and the plan, in order. */
int cmd_explain(int argc, char **argv);

/* jailsh audit [--json] [USER...]: every way in, jailed or open. */
int cmd_audit(int argc, char **argv);

/* What the process inherited and hands on to what it runs, taken before
 * anything else and then reset, so that none of it steers the privileged
 * part. */
struct inherited {
	int status_fd;          /* --status-fd N: where the end goes; -1 */
	char status_error[128]; /* --status-fd given, but not usable */
	char **env;
	char cwd[PATH_MAX];
	mode_t umask;
	sigset_t mask;
	sigset_t ignored;
};

/* jailsh run and jailsh build: an ad-hoc jail for the caller, made
 * without any privilege (ARGV[0] is "run" or "build"). */
int cmd_run(int argc, char **argv, const struct inherited *in);

/* jailsh enter PID|NAME [CMD...]: CMD in a running jail of the caller's
 * (ARGV[0] is "enter"). */
int cmd_enter(int argc, char **argv, const struct inherited *in);

#endif
