/* Paths in profiles: "~", "%h" (home), "%u" (user name), "%U" (uid), "%g"
 * (primary group), "%%"; absolute, no "." or ".." components. */
#ifndef JAILSH_EXPAND_H
#define JAILSH_EXPAND_H

#include <stddef.h>

#include "identity.h"

/* Checks a path as written in a profile, before expansion. Returns 0, or
 * -1 with the reason in why. */
int expand_check(const char *raw, char *why, size_t whylen);

/* Expands RAW for ID into a fresh canonical absolute path (single slashes,
 * no trailing slash). Returns 0, or -1 with the reason in why. */
int expand_path(const char *raw, const struct identity *id, char **out,
		char *why, size_t whylen);

/* Is CHILD strictly inside PARENT (component-wise)? Both canonical. */
int path_is_below(const char *child, const char *parent);

/* Orders canonical paths so that every parent sorts before its children. */
int path_compare(const char *a, const char *b);

#endif
