/* Supplementary groups: those that give root on the host, and those a
 * profile takes out of the session (drop_groups). */
#ifndef JAILSH_GROUPS_H
#define JAILSH_GROUPS_H

#include "identity.h"
#include "conf_profile.h"
#include "conf_settings.h"

/* Why membership of group NAME gives root on the host: the built-in list
 * (docker, lxd, incus, incus-admin, libvirt, disk) or jailsh.conf's
 * root_groups, which adds to it; NULL when it does not. */
const char *groups_root_reason(const struct settings *s, const char *name);

/* The names of the built-in list, NULL-terminated. */
extern const char *const groups_builtin_root[];

/* Takes the groups of the profile's drop_groups out of ID's
 * supplementary groups (which must be known), by the gid each name has
 * in the group database, and keeps those gids in id->dropped for the
 * read-back after the drop. A name that does not exist drops nothing;
 * one that cannot be looked up, or that is the user's primary group,
 * refuses the session. Can be called again. */
int groups_drop(struct identity *id, const struct profile *p, struct jerr *e);

/* None of ID's dropped groups is among this process's groups. */
int groups_none_dropped(const struct identity *id, struct jerr *e);

/* jailsh run, which cannot change groups: refuses a profile whose
 * drop_groups names a group this process has. */
int groups_check_unprivileged(const struct profile *p, struct jerr *e);

/* A PAM service's own process, joined to the jail, as root: its groups
 * become ID's (less the dropped ones), read back, and from then on
 * setgroups() does nothing in it and in what it starts, so that the
 * service's own initgroups() for the session (sshd's, after the session
 * is open) cannot bring a dropped group back. */
int groups_pin(const struct identity *id, struct jerr *e);

#endif
