/* A jail held for a session that the calling process joins: how the PAM
 * module jails whatever the service (sshd, login, su) starts next. */
#ifndef JAILSH_HOLD_H
#define JAILSH_HOLD_H

#include "plan.h"
#include "conf_settings.h"
#include "warden.h"

struct hold {
	struct warden warden; /* its init, its cgroup */
	int lifeline;         /* the last copy closed, the jail ends */
	int login; /* in a user's jail instead: the login's connection
		       * to its warden, closed when the session ends */
};

/* Nothing held yet. */
void hold_init(struct hold *h);

/* Builds the jail for PL without disturbing the caller: the jail's
 * warden (warden.h) makes the session's cgroup under the settings S and
 * clones the jail's init (pid 1 of a new pid namespace), so that init is
 * never the caller's child; init builds the jail, drops to the user and
 * then only holds it. Returns once init is ready. The user's groups must
 * be known. For a user's jail (jail = "user"), the warden holds the
 * jail's lifeline, and is in the registry when this returns: the caller
 * (which holds the user's registry lock) then lets go of it
 * (hold_release) and joins it as any other login does (userjail.h). */
int hold_start(struct hold *h, const struct plan *pl, const struct settings *s,
	       struct jerr *e);

/* Moves the calling process into the held jail's cgroup, if it has one,
 * and its namespaces: its children
 * are born in the jail's pid namespace, it sees the jail's mounts; it
 * takes the profile's limits and is sealed (priv_seal), so that nothing
 * it starts can ever regain privilege; its groups are pinned when
 * drop_groups took one of the user's away (groups_pin); it gets a
 * Landlock domain of its own (scope_apply) and the syscall filter. */
int hold_join(const struct hold *h, const struct plan *pl, struct jerr *e);

/* What hold_join does once in the jail's namespaces: limits, the seal,
 * groups, Landlock, the filter. */
int hold_seal(const struct plan *pl, struct jerr *e);

/* Ends the jail: init, and with it everything in the jail, is killed.
 * Never waits. */
void hold_end(struct hold *h);

/* Lets go of the jail in this process only (a child of the caller that is
 * about to exec): closes the descriptors, kills nothing. */
void hold_release(struct hold *h);

#endif
