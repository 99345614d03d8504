/* jailsh.conf: settings that are not per user. */
#ifndef JAILSH_CONF_SETTINGS_H
#define JAILSH_CONF_SETTINGS_H

#include <stddef.h>

#include "conf_dir.h"
#include "err.h"

struct settings {
	char **group_order; /* groups whose profiles win, in this order */
	size_t ngroup_order;
	/* PAM: jail users without a profile of their own (the built-in
	 * default), instead of leaving them alone */
	int jail_all_users;
	/* where sessions get their cgroups; NULL: no cgroups */
	char *cgroup_parent;
	/* groups that give root on the host, besides the built-in ones
	 * (groups.h): check and explain warn about their members */
	char **root_groups;
	size_t nroot_groups;
};

/* Reads jailsh.conf from the configuration directory; a missing file
 * means the defaults. */
int settings_load(const struct conf_dir *d, struct settings *s, struct jerr *e);
/* The same from text, for tests and "jailsh check". */
int settings_parse(const char *file, const char *text, struct settings *s,
		   struct jerr *e);
void settings_free(struct settings *s);

#endif
