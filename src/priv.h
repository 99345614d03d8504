/* Credentials and capabilities: the drop from root to the user. */
#ifndef JAILSH_PRIV_H
#define JAILSH_PRIV_H

#include "identity.h"

/* While still root, look at the file system as the user would: groups,
 * fsgid and fsuid become the user's, which also clears the file system
 * capabilities from the effective set. priv_fs_root() undoes it. */
int priv_fs_user(const struct identity *id, struct jerr *e);
int priv_fs_root(struct jerr *e);

/* The one-way drop, in this order: supplementary groups, capability
 * bounding set, ambient set, gid, uid, all capability sets, no_new_privs.
 * Then each step is read back; any mismatch is an error. */
int priv_drop(const struct identity *id, struct jerr *e);

#endif
