/* The warden's life once its jail's init runs (warden.h): it watches
 * init, the cgroup, the clocks and, on its registry socket, the logins
 * and the questions; it ends the jail when its time is up, and returns
 * only once the jail, its cgroup, its registry entry and its network
 * stack are gone. */
#ifndef JAILSH_WATCH_H
#define JAILSH_WATCH_H

#include <stdint.h>
#include <sys/types.h>

#include "idmap_serve.h"
#include "plan.h"
#include "warden.h"

struct watch {
	const struct plan *pl; /* as the jail was made */
	struct warden *w;      /* its init and cgroup */
	int started;           /* init's one byte: the user's code runs */
	int lifeline;          /* a user's jail: held while it lasts; -1 */
	int registry;          /* the registry directory */
	int listen;            /* the jail's socket in it */
	char name[64];         /* its name there */
	ino_t ino;             /* and what was bound */
	uint64_t fingerprint;  /* of the plan */
	long long born;        /* the wall clock at the start, seconds */
	struct idmap_service *idmap; /* containers = yes; NULL: none */
	int net; /* network = "private": the stack (a pidfd of the warden's
		  * child), which ends with the jail; -1 */
};

void watch_run(struct watch *wt);

#endif
