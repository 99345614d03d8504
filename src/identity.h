/* Who a session is for, from the password and group databases. */
#ifndef JAILSH_IDENTITY_H
#define JAILSH_IDENTITY_H

#include <sys/types.h>

#include "err.h"

struct identity {
	uid_t uid;
	gid_t gid;
	char *name;
	char *home;
	char *shell; /* the login shell in the password database */
	char *group; /* name of the primary group */
	/* The supplementary groups from the group database. Looking them
	 * up can be slow (NSS modules are loaded for it), so it is a step of
	 * its own, done only where it is needed. */
	int groups_known;
	gid_t *groups;      /* for setgroups() */
	char **group_names; /* names of groups[], NULL where a gid has none
			      * (no entry, or a name no file can have) */
	int ngroups;
	/* the gids of the profile's drop_groups (groups_drop): taken out of
	 * groups[], and never among the session's */
	gid_t *dropped;
	int ndropped;
	int nremoved; /* how many of them groups[] had */
};

/* Never from the environment: the uid is getuid() in the shell wrapper and
 * PAM_USER in the module. Refuses root and the invalid uid (uid_t)-1.
 * Fills everything but the supplementary groups. */
int identity_from_uid(uid_t uid, struct identity *id, struct jerr *e);
int identity_from_name(const char *name, struct identity *id, struct jerr *e);
/* Looks up the supplementary groups; does nothing if they are known. Any
 * error of the group database is an error (a gid that has no entry is
 * not: it has no name). */
int identity_load_groups(struct identity *id, struct jerr *e);
/* Is the user in GROUP (groups known)? 1 or 0 (0 also for a name that
 * could not be a file name); -1 when the database cannot say for sure:
 * GROUP has no entry (a failing source answers the same), a lookup
 * failed, or GROUP's entry lists the user but the list of the user's
 * groups does not have it. */
int identity_in_group(const struct identity *id, const char *group,
		      struct jerr *e);
void identity_free(struct identity *id);

#endif
