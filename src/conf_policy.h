/* Everything the configuration says about one user, loaded in one step:
 * settings, the profile that applies, and the plan made from it. */
#ifndef JAILSH_CONF_POLICY_H
#define JAILSH_CONF_POLICY_H

#include "conf_dir.h"
#include "identity.h"
#include "plan.h"
#include "conf_profile.h"
#include "conf_settings.h"

struct policy {
	struct identity id; /* filled by the caller before policy_load */
	struct settings settings;
	struct profile profile;
	struct plan plan;
};

/* Loads from the configuration directory CONFDIR for po->id. */
int policy_load(struct policy *po, const char *confdir, struct jerr *e);

/* The same from the built-in default alone, ignoring any files. */
int policy_load_builtin(struct policy *po, struct jerr *e);

/* What a session needs beyond the profile to start as it says: with
 * containers = yes, subordinate uids and gids for the user (subid.h). */
int policy_check_start(const struct policy *po, struct jerr *e);

/* Frees all of it, the identity included. */
void policy_free(struct policy *po);

#endif
