/* The jail as a whole: its namespaces, everything set up inside them as
 * root, and the drop; and telling from the kernel whether we are in one. */
#ifndef JAILSH_JAIL_H
#define JAILSH_JAIL_H

#include <sys/types.h>

#include "plan.h"

/* The clone() flags of the namespaces a plan asks for (the jail's: what
 * joining it enters). */
unsigned long jail_clone_flags(const struct plan *pl);

/* fork() into those namespaces, like bubblewrap's raw_clone (no new
 * stack): with a pidfd of the child if PIDFD, born into the cgroup
 * CGROUP if it is not -1. A login's private network is not made here:
 * the caller is in it already (net.h). Returns what fork() does. */
pid_t jail_clone(const struct plan *pl, int cgroup, int *pidfd);

/* In the new namespaces, as root: mounts, hostname, loopback, resource
 * limits. The drop to the user (priv_drop) comes next. SERVICE is the
 * warden's tmpfs for the plan's MOUNT_SERVICE, or -1 (mount_apply). */
int jail_build(const struct plan *pl, int service, struct jerr *e);

/* The profile's resource limits on this process (and what it starts),
 * all but SKIP (a resource, or -1 for none). */
int jail_limits(const struct profile *p, int skip, struct jerr *e);

/* Is this process inside a jail already? Decided from what the kernel
 * says, never from the environment: no_new_privs is set, the capability
 * bounding set is empty, and the pid namespace is not the host's. */
int jail_inside(void);

#endif
