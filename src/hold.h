/* A jail held for a session that the calling process joins: how the PAM
 * module jails whatever the service (sshd, login, su) starts next. */
#ifndef JAILSH_HOLD_H
#define JAILSH_HOLD_H

#include "plan.h"

struct hold {
	int pidfd;    /* the jail's init */
	int lifeline; /* the last copy closed, the jail ends */
};

/* Builds the jail for PL without disturbing the caller: a short-lived
 * child clones the jail's init (pid 1 of a new pid namespace) and exits,
 * so that init is never the caller's child; init builds the jail, drops
 * to the user and then only holds it. Returns once init is ready. The
 * user's groups must be known. SIGCHLD is at its default meanwhile, and
 * restored. Init is born in the cgroup CGROUP unless it is -1. */
int hold_start(struct hold *h, const struct plan *pl, int cgroup,
	       struct jerr *e);

/* Moves the calling process into the held jail's namespaces: its children
 * are born in the jail's pid namespace, it sees the jail's mounts; it
 * takes the profile's limits and is sealed (priv_seal), so that nothing
 * it starts can ever regain privilege; its groups are pinned when
 * drop_groups took one of the user's away (groups_pin); it gets a
 * Landlock domain of its own (scope_apply) and the syscall filter. */
int hold_join(const struct hold *h, const struct plan *pl, int cgroup,
	      struct jerr *e);

/* Ends the jail: init, and with it everything in the jail, is killed.
 * Never waits. */
void hold_end(struct hold *h);

/* Lets go of the jail in this process only (a child of the caller that is
 * about to exec): closes the descriptors, kills nothing. */
void hold_release(struct hold *h);

#endif
