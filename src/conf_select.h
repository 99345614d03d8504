/* Which profile applies to a user, read from the configuration directory. */
#ifndef JAILSH_CONF_SELECT_H
#define JAILSH_CONF_SELECT_H

#include "conf_dir.h"
#include "identity.h"
#include "conf_profile.h"
#include "conf_settings.h"

/* The first that exists: users/NAME.conf; groups/GROUP.conf for the user's
 * groups, those in group_order first and in that order, then the others
 * alphabetically; default.conf; the built-in default. A file that exists
 * but cannot be used is an error, never a reason to try the next one, and
 * so is any error of the group database or of reading groups/ (only a
 * groups/ that does not exist means "no group profiles"). The user's
 * groups are looked up only if groups/ holds a profile. */
int conf_select_profile(const struct conf_dir *d, const struct settings *s,
			struct identity *id, struct profile *p, struct jerr *e);

#endif
