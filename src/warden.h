/* The warden: one root-owned process beside each login jail, outside it.
 *
 * It is born before anything it must clean up exists, owes nothing to
 * the user (no descriptor, signal path, resource limit, scheduling or OOM
 * setting of theirs), and dies only after the jail and its cgroup are
 * gone. It makes the session's cgroup, clones the jail's init into it,
 * and then enforces what the user must not be able to stretch: max_time
 * (init enforces it politely; the warden kills the jail if init has not
 * ended it a grace later, whatever init and the front end are doing) and
 * the removal of the cgroup once the jail is empty. */
#ifndef JAILSH_WARDEN_H
#define JAILSH_WARDEN_H

#include <sys/types.h>

#include "cgroup.h"
#include "plan.h"
#include "conf_settings.h"

struct warden {
	pid_t init;               /* the jail's init, as the host sees it */
	int pidfd;                /* the same, pinned */
	struct cgroup_session cg; /* cg.dir: the session's cgroup, or -1 */
};

/* What the jail's init runs, in the clone, as root, with every signal
 * at its default and the caller's limits and scheduling given back.
 * STARTED is where init says, with one byte, that the user's code is
 * about to run: the warden's clock for max_time starts then. */
typedef int (*warden_init_fn)(void *arg, int started);

/* As root: starts the warden for the plan PL (its profile and identity)
 * under the settings S, which makes the session's cgroup (see
 * cgroup_prepare) and clones the jail's init (jail_clone) to run FN(ARG).
 * Every descriptor of the caller is inherited by init; the warden keeps
 * none. Returns once init exists, with W filled, or -1 with nothing left
 * behind. SIGCHLD is at its default meanwhile, and restored. */
int warden_start(struct warden *w, const struct plan *pl,
		 const struct settings *s, warden_init_fn fn, void *arg,
		 struct jerr *e);

/* This process's copies of the warden's descriptors; nothing ends. */
void warden_close(struct warden *w);

/* Added to init's own grace after max_time before the warden kills: it
 * only acts when init did not. */
#define WARDEN_MARGIN_MS 1000

#endif
