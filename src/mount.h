/* Applying a plan: the only code that mounts. Runs as root in the jail's
 * new mount namespace, before anything of the user's runs there. */
#ifndef JAILSH_MOUNT_H
#define JAILSH_MOUNT_H

#include "plan.h"

/* Builds the jail's file system view from the plan: the host tree
 * read-only, nosuid and nodev; volumes, maps, tmpfs and hidden paths; a
 * fresh /proc; /dev. Volume sources are opened with the user's file system
 * credentials, which the caller has set up (priv_fs_user). SERVICE is
 * the warden's tmpfs that MOUNT_SERVICE attaches (containers = yes), or
 * -1 where there is no warden. */
int mount_apply(const struct plan *pl, int service, struct jerr *e);

#endif
