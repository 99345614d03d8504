/* The administrator's tools of the shell wrapper. */
#ifndef JAILSH_COMMANDS_H
#define JAILSH_COMMANDS_H

#include "inherit.h"

/* jailsh check: validates every file in the configuration directory. */
int cmd_check(int argc, char **argv);

/* jailsh list: the running jails (root: all; a user: their own). */
int cmd_list(int argc, char **argv);

/* For jailsh explain: a line about UID's running user jail, if any. */
void cmd_list_running(uid_t uid);

/* jailsh stop USER|PID (root): ends the jails of USER, or the one whose
 * init or warden is PID. */
int cmd_stop(int argc, char **argv);

/* jailsh explain [USER]: which profile applies and the plan, in order. */
int cmd_explain(int argc, char **argv);

/* jailsh audit [--json] [USER...]: every way in, jailed or open. */
int cmd_audit(int argc, char **argv);

/* jailsh run and jailsh build: an ad-hoc jail for the caller, made
 * without any privilege (ARGV[0] is "run" or "build"). */
int cmd_run(int argc, char **argv, const struct inherited *in);

/* jailsh enter PID|NAME [CMD...]: CMD in a running jail of the caller's
 * (ARGV[0] is "enter"). */
int cmd_enter(int argc, char **argv, const struct inherited *in);

#endif
