/* A jailed session seen from outside: started, then waited for. */
#ifndef JAILSH_SESSION_H
#define JAILSH_SESSION_H

#include <sys/types.h>

#include "init.h"
#include "net.h"
#include "runmap.h"
#include "report.h"
#include "conf_settings.h"
#include "warden.h"

struct session {
	pid_t init;        /* pid 1 of the jail, as the host sees it */
	int report;        /* records from the jail */
	int lifeline;      /* closing it (or dying) ends the jail */
	int signals;       /* signalfd of the signals passed on to init */
	int foreground;    /* the terminal was ours: take it back at the end */
	int code;          /* exit status to use when start or wait fails */
	unsigned max_time; /* the profile's, in seconds; 0: none */
	long long started_ms; /* when the shell started (clock_ms) */
	struct warden warden; /* a login session's; pidfd -1 for jailsh run */
	struct report end;    /* how the shell ended; type 0 if unknown */
	/* jailsh run with network = "private": the stack (this process's
	 * child, ended with the session) and the socket on which init
	 * hears that it is up */
	struct net net;
	int net_link;
	/* jailsh run with containers = yes: the id service (runmap.h) */
	struct runmap idmap;
};

/* Creates the namespaces with init as pid 1, which builds the jail and
 * starts the shell. Meanwhile this process looks up ID's groups, if they
 * are not known yet, and hands them to init for its drop; then it drops
 * to the user itself. ID is the plan's identity. With the settings SET
 * (a login session) init is started by the session's warden, which makes
 * its cgroup and stands guard over it (warden.h); without (jailsh run,
 * in a user namespace of the caller's) it is this process's child.
 * Returns when the shell has started, or -1 with the reason and s->code
 * set. Afterwards this process has no privilege left. */
int session_start(struct session *s, const struct plan *pl, struct identity *id,
		  const struct shell_start *sh, const struct settings *set,
		  struct jerr *e);

/* Passes signals on until the shell ends, then returns the status to exit
 * with: its own, or 128+N if a signal N killed it; s->end says more.
 * What is left in the jail, and with it the session's cgroup (whose
 * counters the caller may read meanwhile), lasts until session_close(),
 * which ends it without waiting for its teardown. */
int session_wait(struct session *s, struct jerr *e);
void session_close(struct session *s);

#endif
