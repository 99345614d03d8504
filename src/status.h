/* How a session ended, and why: for the user (one line when a limit
 * ended it), for syslog (one accounting line) and for programs that
 * drive jailsh (one JSON object, --status-fd). Formats only. */
#ifndef JAILSH_STATUS_H
#define JAILSH_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include "cgroup.h"
#include "conf_profile.h"
#include "report.h"

struct status {
	const char *user;
	const char *profile;
	const char *state;    /* "exited", "killed", "refused" */
	int code;             /* exited, refused: the exit status */
	int signal;           /* killed: the signal */
	const char *error;    /* refused: why */
	const char *reason;   /* a limit that ended it, or NULL */
	char limit_name[32];  /* "memory_max", "max_time", "rlimit cpu" */
	char limit_shown[32]; /* its value for people: "64M", "2s" */
	uint64_t limit;       /* bytes, seconds or a count */
	uint64_t peak;        /* the same unit; reached */
	uint64_t pids_refused;
	char pids_limit[80]; /* "pids_max = 32", for the line about it */
	long long duration_ms;
	uint64_t cpu_ms;
	uint64_t memory_peak; /* bytes */
};

/* From how the shell ended (END, of type 0 if unknown; CODE is jailsh's
 * exit status), what the cgroup saw, and the profile's limits. */
void status_of_session(struct status *st, const struct profile *p,
		       const struct report *end, int code,
		       const struct cgroup_usage *u, long long duration_ms);

/* A session that never started. */
void status_refused(struct status *st, int code, const char *error);

/* The line for the user ("session killed: ..."); 0 if there is none. */
int status_user_line(const struct status *st, char *buf, size_t size);

/* The accounting line for syslog. */
void status_log_line(const struct status *st, char *buf, size_t size);

/* One JSON object, no newline. */
void status_json(const struct status *st, char *buf, size_t size);

#endif
