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
	int dir;         /* the session's cgroup; -1: the session has none */
	int user;        /* the user's cgroup, which holds it */
	int parent;      /* cgroup_parent, which holds the user's */
	char uname[32];  /* the user's, under cgroup_parent */
	char name[64];   /* the session's, under the user's */
	char path[4200]; /* the session's, for messages */
	bool applied[CG_NLIMITS]; /* written; an optional one may be not */
	char skipped[256]; /* optional limits that could not be applied */
};

/* As root: with no cgroup_parent, nothing (dir is -1), or an error if
 * the profile sets a cgroup limit it does not call optional. Otherwise
 * PARENT/user-UID with the user_* limits and PARENT/user-UID/session-PID
 * with the others, each controller enabled where a limit needs it; the
 * session's is named after this process (session-PID), and empty ones
 * of processes that are gone are removed first. */
int cgroup_prepare(struct cgroup_session *cg, const struct settings *s,
		   const struct profile *p, const struct identity *id,
		   struct jerr *e);

/* Removes the session's cgroup, then the user's if no other session is
 * left in it (the warden does, once the session's is empty; and at once
 * for a session that never started). */
void cgroup_remove(struct cgroup_session *cg);

/* cgroup.events of the session's cgroup, to poll (POLLPRI) for changes;
 * -1 on error. */
int cgroup_events(const struct cgroup_session *cg);
/* From that file: 1 while a process is in the cgroup, 0 once it is
 * empty, -1 on error. */
int cgroup_populated(int events);
/* Kills every process in the session's cgroup (cgroup.kill). */
int cgroup_kill(const struct cgroup_session *cg);

/* What the session used, read from its cgroup while it still exists. */
struct cgroup_usage {
	uint64_t oom_kills;    /* memory.events oom_kill */
	uint64_t pids_refused; /* pids.events max: forks refused */
	uint64_t memory_peak;  /* bytes, memory.peak; 0: unknown */
	uint64_t cpu_usec;     /* cpu.stat usage_usec; 0: unknown */
};
void cgroup_usage(const struct cgroup_session *cg, struct cgroup_usage *u);

void cgroup_close(struct cgroup_session *cg);

/* For jailsh enter, which changes nothing here: the directory of the
 * session cgroup NAME ("session-...") of user UID under cgroup_parent,
 * root's and on cgroup2, opened; -1 on error. */
int cgroup_open_session(const struct settings *s, uid_t uid, const char *name,
			struct jerr *e);

#endif
