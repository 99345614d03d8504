/* Pid 1 of the jail. */
#ifndef JAILSH_INIT_H
#define JAILSH_INIT_H

#include <signal.h>

#include "plan.h"

/* How the real shell is started, and the state it inherits from whoever
 * started jailsh (which jailsh itself reset while privileged). */
struct shell_start {
	const char *path;
	char *const *argv;
	char *const *envp;
	const char *cwd; /* where to start; NULL or missing: home */
	int foreground;  /* give the shell the terminal on stdin */
	int search_path; /* a PATH without '/' is looked up in envp's PATH */
	mode_t umask;
	sigset_t mask;
	sigset_t ignored;
};

/* In the new namespaces, as root, with every signal disposition at its
 * default: builds the jail (jail_build), drops to
 * the user (priv_drop), starts the shell as pid 2, then reaps orphans and
 * forwards signals. The moment the shell ends its wait status goes out on
 * REPORT, and init returns, which makes the kernel end everything left in
 * the pid namespace. If LIFELINE (the read end of a pipe held by the
 * process outside) hangs up, that process is gone: everything in the jail
 * is killed. GROUPS, unless -1, is where the user's supplementary groups
 * arrive (init_send_groups) when they were not known before the clone;
 * they are needed only for the drop. STARTED, unless -1, gets one byte
 * just before the user's code starts (the warden's clock); with network =
 * "private" one byte comes on it first: the network is up (net.h). It is
 * a socket then. SERVICE, unless -1, is the warden's tmpfs for IDMAP_DIR
 * (jail_build), closed once attached; for jailsh run with containers =
 * yes, the socket on which the id service sends it (runmap.h), once the
 * jail's user namespace is mapped. Returns init's exit status. */
int init_run(const struct plan *pl, const struct shell_start *sh, int report,
	     int lifeline, int groups, int started, int service);
/* SH may be NULL: then init only holds the jail for processes that join
 * it from outside (the PAM module), reaping them, until LIFELINE hangs up
 * or init gets SIGTERM, SIGHUP or SIGINT. */

/* After max_time, init sends SIGTERM to everything in the jail, and this
 * much later SIGKILL. */
#define INIT_MAX_TIME_GRACE_MS 5000

/* In the shell's process, without privilege, with SIGTTOU blocked: the
 * caller's ignored signals, the terminal (foreground), mask, umask and
 * directory, then the exec; if that fails, a REPORT_ERROR on REPORT and
 * _exit(126 or 127). Never returns. */
void init_exec_shell(const struct plan *pl, const struct shell_start *sh,
		     int report) __attribute__((noreturn));

/* Writes ID's groups to FD, for init_run. */
int init_send_groups(int fd, const struct identity *id);

/* The signals init passes on to the shell. */
void init_forwarded_signals(sigset_t *set);

#endif
