/* The session's cgroup: limits per session and per user, under the
 * delegated parent named in jailsh.conf (cgroup_parent). */
#ifndef JAILSH_CGROUP_H
#define JAILSH_CGROUP_H

#include <stdbool.h>
#include <stdint.h>

#include "identity.h"
#include "conf_profile.h"
#include "conf_settings.h"

struct cgroup_session {
	int dir;         /* where init is born; -1: the jail has no cgroup */
	int top;         /* the jail's own: dir, or for a user's jail the
			     * one that holds init's and each login's */
	int user;        /* the user's cgroup, which holds it */
	int parent;      /* cgroup_parent, which holds the user's */
	char uname[32];  /* the user's, under cgroup_parent */
	char name[64];   /* the jail's, under the user's */
	char path[4200]; /* the jail's, for messages */
	bool applied[CG_NLIMITS]; /* written; an optional one may be not */
	char skipped[256]; /* optional limits that could not be applied */
};

/* As root: with no cgroup_parent, nothing (dir is -1), or an error if
 * the profile sets a cgroup limit it does not call optional. Otherwise
 * PARENT/user-UID with the user_* limits and PARENT/user-UID/session-PID
 * with the others, each controller enabled where a limit needs it; the
 * session's is named after this process (session-PID), and empty ones
 * of processes that are gone are removed first. For a user's jail
 * (jail = "user"), PARENT/user-UID/jail-PID instead, without limits of
 * its own, holding init in jail-PID/init and each login in a cgroup of
 * its own with the session's limits (cgroup_login). */
int cgroup_prepare(struct cgroup_session *cg, const struct settings *s,
		   const struct profile *p, const struct identity *id,
		   struct jerr *e);

/* Removes the jail's cgroup (and what it holds), then the user's if no
 * other jail is left in it (the warden does, once the jail's is empty;
 * and at once for a jail that never started). */
void cgroup_remove(struct cgroup_session *cg);

/* As root, in a user's jail: login-N, a cgroup for one login, with the
 * session's limits. Returns its descriptor. */
int cgroup_login(const struct cgroup_session *cg, const struct profile *p,
		 int n, struct jerr *e);
/* Removes login-N if it is empty. */
void cgroup_login_remove(const struct cgroup_session *cg, int n);

/* cgroup.events of the jail's cgroup, to poll (POLLPRI) for changes;
 * -1 on error. */
int cgroup_events(const struct cgroup_session *cg);
/* From that file: 1 while a process is in the cgroup, 0 once it is
 * empty, -1 on error. */
int cgroup_populated(int events);
/* Kills every process in the jail's cgroup (cgroup.kill). */
int cgroup_kill(const struct cgroup_session *cg);

/* What the session used, read from its cgroup while it still exists. */
struct cgroup_usage {
	uint64_t oom_kills;    /* memory.events oom_kill */
	uint64_t pids_refused; /* pids.events max: forks refused */
	uint64_t memory_peak;  /* bytes, memory.peak; 0: unknown */
	uint64_t memory_now;   /* bytes, memory.current; 0: unknown */
	uint64_t cpu_usec;     /* cpu.stat usage_usec; 0: unknown */
};
void cgroup_usage(const struct cgroup_session *cg, struct cgroup_usage *u);
/* The same of the cgroup DIR (a login's); all 0 if DIR is -1. */
void cgroup_usage_at(int dir, struct cgroup_usage *u);

void cgroup_close(struct cgroup_session *cg);

/* For jailsh enter, which changes nothing here: the directory of the
 * session cgroup NAME ("session-...") of user UID under cgroup_parent,
 * root's and on cgroup2, opened; -1 on error. */
int cgroup_open_session(const struct settings *s, uid_t uid, const char *name,
			struct jerr *e);

#endif
