/* The warden: one root-owned process beside each login jail, outside it.
 *
 * It is born before anything it must clean up exists, owes nothing to
 * the user (no descriptor, signal path, resource limit, scheduling or OOM
 * setting of theirs), and dies only after the jail and its cgroup are
 * gone. It makes the jail's cgroup, clones the jail's init into it, and
 * then enforces what the user must not be able to stretch: max_time
 * (init enforces it politely; the warden kills the jail if init has not
 * ended it a grace later, whatever init and the front end are doing) and
 * the removal of the cgroup once the jail is empty.
 *
 * Every warden answers on a socket in the registry (registry.h): what
 * its jail is (jailsh list), and the request to end it (jailsh stop). The
 * warden of a user's jail (jail = "user") also lets the user's logins
 * join it, counts them, and ends the jail a linger after the last one. */
#ifndef JAILSH_WARDEN_H
#define JAILSH_WARDEN_H

#include <stdint.h>
#include <sys/types.h>

#include "cgroup.h"
#include "plan.h"
#include "conf_settings.h"

struct warden {
	pid_t init;               /* the jail's init, as the host sees it */
	int pidfd;                /* the same, pinned */
	struct cgroup_session cg; /* cg.dir: where init was born, or -1 */
};

/* What the jail's init runs, in the clone, as root, with every signal
 * at its default and the caller's limits and scheduling given back.
 * STARTED is where init says, with one byte, that the user's code is
 * about to run: the warden's clock for max_time starts then. SERVICE,
 * unless -1, is the warden's tmpfs for the jail's IDMAP_DIR (containers
 * = yes: idmap_serve.h), which init attaches there (mount_apply). */
typedef int (*warden_init_fn)(void *arg, int started, int service);

/* As root: starts the warden for the plan PL (its profile and identity)
 * under the settings S, which makes the jail's cgroup (cgroup_prepare)
 * and clones the jail's init (jail_clone) to run FN(ARG). Every
 * descriptor of the caller is inherited by init; the warden keeps none
 * but KEEP (unless -1: the lifeline of a user's jail, which the warden
 * holds for the jail's life). For a user's jail (the profile's
 * jail = "user"), the warden is in the registry as that user's jail when
 * this returns (the caller holds the user's registry lock). Returns once
 * init exists, with W filled, or -1 with nothing left behind. SIGCHLD is
 * at its default meanwhile, and restored. */
int warden_start(struct warden *w, const struct plan *pl,
		 const struct settings *s, int keep, warden_init_fn fn,
		 void *arg, struct jerr *e);

/* This process's copies of the warden's descriptors; nothing ends. */
void warden_close(struct warden *w);

/* Added to init's own grace after max_time before the warden kills: it
 * only acts when init did not. */
#define WARDEN_MARGIN_MS 1000

/* --- what a warden is asked on its registry socket ---------------------- */

enum warden_op {
	WARDEN_JOIN = 1, /* a login joins (a user's jail only) */
	WARDEN_INFO,     /* what the jail is */
	WARDEN_STOP,     /* end it (SIGTERM, grace, SIGKILL) */
};

struct warden_request {
	int op;
	uint64_t fingerprint; /* the asker's plan for this user (JOIN, INFO) */
	unsigned max_time;    /* JOIN: the login's, in seconds; 0: none */
};

/* The answer. To a JOIN that is accepted come the jail's init (a pidfd)
 * and, where the jail has a cgroup, the login's own cgroup. */
struct warden_info {
	int ok;     /* 0: refused, with why in msg */
	int ending; /* refused because the jail is ending: a login tries
		     * again, and finds the next */
	char msg[256];
	int user_jail; /* jail = "user" */
	uid_t uid;
	pid_t warden, init; /* as the host sees them */
	long long started;  /* the wall clock when it started, seconds */
	int logins;         /* attached now (a user's jail) */
	int processes;      /* in its pid namespace, init included (not in the
			     * answer to a join) */
	int have_usage;     /* a cgroup: memory and cpu are known */
	uint64_t memory;    /* bytes, now */
	uint64_t cpu_usec;
	int changed;     /* the asker's fingerprint is not the jail's */
	unsigned linger; /* seconds; PROFILE_FOREVER; 0 */
	long long linger_left_ms; /* counting down since the last login; -1 */
	char profile[256];        /* the file the jail was made from */
};

/* Asks the warden on SOCK (a registry_connect) REQ; the answer in INFO,
 * with up to two descriptors in FDS (-1 where none came). */
int warden_ask(int sock, const struct warden_request *req,
	       struct warden_info *info, int fds[2], struct jerr *e);

#endif
