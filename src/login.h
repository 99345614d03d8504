/* A login shell in its user's one jail (jail = "user"), from the shell
 * wrapper: the process joins the jail (userjail.h), drops to the user,
 * and runs the shell as its child there, then waits for it and relays
 * its status. What the shell leaves running stays in the jail, which
 * lingers after its last login (warden.h). */
#ifndef JAILSH_LOGIN_H
#define JAILSH_LOGIN_H

#include <sys/types.h>

#include "init.h"
#include "report.h"
#include "userjail.h"

struct login {
	struct userjail u;
	pid_t shell;
	int signals;      /* signalfd of the signals passed on */
	int parent_alive; /* held while this process lives: the shell
			       * checks it at its start */
	int foreground;   /* the terminal was ours: take it back */
	unsigned max_time;
	long long started_ms; /* clock_ms */
	int code;             /* exit status when start or wait fails */
	struct report end;    /* how the shell ended; type 0 if unknown */
};

/* As root: joins (or makes) the user's jail for the plan PL under the
 * settings S, and starts the shell SH there as ID, whose groups are
 * looked up here. Returns once the shell runs, or -1 with the reason
 * and l->code. Afterwards this process has no privilege left. */
int login_start(struct login *l, const struct plan *pl, struct identity *id,
		const struct settings *s, const struct shell_start *sh,
		struct jerr *e);

/* Passes signals on until the shell ends; returns the status to exit
 * with (128+N if signal N killed it); l->end says more. */
int login_wait(struct login *l, struct jerr *e);

/* The login is over: the warden counts one less. */
void login_close(struct login *l);

#endif
