/* A login into its user's one jail (jail = "user"), from either front
 * end: the jail is found in the registry or made, exactly once whatever
 * the race (under the user's registry lock), and what the warden hands
 * over is checked as jailsh enter checks its target (target.h): the
 * jail's init must be the user's, jailed, in namespaces root made, and
 * the child of the warden that answered, which must be root. */
#ifndef JAILSH_USERJAIL_H
#define JAILSH_USERJAIL_H

#include "plan.h"
#include "conf_settings.h"
#include "target.h"
#include "warden.h"

/* What a login is told when its profile no longer makes the jail that
 * runs (the plans' fingerprints differ). */
#define USERJAIL_CHANGED \
	"your profile has changed since your jail started; " \
	"the jail runs it as it was, and the new one applies once the jail " \
	"ends (the linger after your last login, or jailsh stop)"

struct userjail {
	int sock;   /* to the warden: the login lasts while it is open */
	int cgroup; /* the login's own cgroup, or -1 */
	int made;   /* this login made the jail */
	struct target init; /* the jail's init, pinned and checked */
	struct warden_info info;
};

/* As root: the user's jail for the login whose plan is PL (its
 * fingerprint is compared with the jail's: info.changed), made under the
 * settings S if there is none. */
int userjail_join(struct userjail *u, const struct plan *pl,
		  const struct settings *s, struct jerr *e);

/* Moves the calling process into the jail: into the login's cgroup (if
 * any), then the jail's namespaces. What else a login needs (groups,
 * limits, the seal, the filter) is the caller's. */
int userjail_enter(const struct userjail *u, struct jerr *e);

/* The login is over (or this process lets go of it): the warden counts
 * one login less once every copy is closed. */
void userjail_close(struct userjail *u);

#endif
