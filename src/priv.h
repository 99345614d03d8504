/* Credentials and capabilities: the drop from root to the user. */
#ifndef JAILSH_PRIV_H
#define JAILSH_PRIV_H

#include "identity.h"

/* While still root, look at the file system as the user would: fsgid and
 * fsuid become the user's, which also clears the file system capabilities
 * from the effective set; the supplementary groups are those the process
 * has (the caller's, for the setuid wrapper). priv_fs_root() undoes it. */
int priv_fs_user(const struct identity *id, struct jerr *e);
int priv_fs_root(struct jerr *e);

/* No privilege can ever come back to this process or anything it starts,
 * whatever its uid becomes: the capability bounding set and the ambient
 * set emptied, no_new_privs set. The PAM module seals the process that
 * will start the session's shell, which then changes uid itself. */
int priv_seal(struct jerr *e);

/* Whether the bounding set is empty, asked of the kernel bit by bit: any
 * answer other than "not set" (an error included) means no. */
int priv_bounding_is_empty(void);

/* A new, empty session keyring: nothing of the caller's keys (root's, or
 * the outer session's) is reachable from the jail. */
int priv_new_keyring(struct jerr *e);

/* The one-way drop, in this order: supplementary groups (from the group
 * database: id->groups must be known, less drop_groups), the seal
 * (bounding set, ambient set, no_new_privs), gid, uid, all capability
 * sets. Then each step is read back, and that none of id->dropped is
 * left; any mismatch is an error. */
int priv_drop(const struct identity *id, struct jerr *e);

/* The drop of a process that is the user already, with capabilities only
 * in a user namespace of the user's own (jailsh run): the seal, then no
 * capability at all, read back. */
int priv_drop_caps(struct jerr *e);

#endif
