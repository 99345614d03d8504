#define _GNU_SOURCE
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "escape.h"
#include "status.h"

/* The limit a reason refers to: the session's own if the profile sets
 * it, else the user's. */
static void name_limit(struct status *st, const struct profile *p, int session,
		       int user)
{
	int i = p->cg_set[session] || !p->cg_set[user] ? session : user;

	snprintf(st->limit_name, sizeof(st->limit_name), "%s",
		 cglimit_cg[i].name);
	st->limit = p->cg_set[i] ? p->cg[i] : 0;
	if (p->cg_set[i])
		cglimit_show(i, p->cg[i], st->limit_shown,
			     sizeof(st->limit_shown));
	else
		snprintf(st->limit_shown, sizeof(st->limit_shown), "none");
}

/* Did the cpu rlimit end the shell? SIGXCPU comes at the limit, SIGKILL
 * a second later (jail_limits); either counts only if the shell itself
 * (the limit is per process) used a good part of it, so that a kill -XCPU
 * or -KILL from elsewhere is not taken for the limit. The kernel counts
 * for the limit in ticks, which run up to 15% ahead of the cpu time the
 * process is charged: hence the margins. */
static int cpu_limit_hit(const struct profile *p, int sig, uint64_t cpu_ms)
{
	uint64_t limit = p->limit[RLIMIT_CPU];

	if (!p->limit_set[RLIMIT_CPU] || limit == RLIM_INFINITY)
		return 0;
	return (sig == SIGXCPU && cpu_ms >= limit * 500) ||
	       (sig == SIGKILL && cpu_ms >= limit * 800);
}

void status_of_session(struct status *st, const struct profile *p,
		       const struct report *end, int code,
		       const struct cgroup_usage *u, long long duration_ms)
{
	int sig = 0;

	memset(st, 0, sizeof(*st));
	st->profile = p->file;
	st->duration_ms = duration_ms;
	st->pids_refused = u->pids_refused;
	st->cpu_ms = (u->cpu_usec ? u->cpu_usec : end->cpu_usec) / 1000;
	st->memory_peak = u->memory_peak ? u->memory_peak :
					   end->maxrss_kib * 1024;
	if (end->type && WIFSIGNALED(end->code))
		sig = WTERMSIG(end->code);
	else if (!end->type && code > 128 && code < 128 + NSIG)
		sig = code - 128; /* hung up */
	st->state = sig ? "killed" : "exited";
	st->signal = sig;
	st->code = code;

	if (u->pids_refused) {
		struct status pids;

		name_limit(&pids, p, CG_PIDS_MAX, CG_USER_PIDS_MAX);
		snprintf(st->pids_limit, sizeof(st->pids_limit), "%s = %s",
			 pids.limit_name, pids.limit_shown);
	}
	if (end->timed_out) {
		st->reason = "time";
		snprintf(st->limit_name, sizeof(st->limit_name), "max_time");
		snprintf(st->limit_shown, sizeof(st->limit_shown), "%us",
			 p->max_time);
		st->limit = p->max_time;
		st->peak = duration_ms / 1000;
	} else if (sig && u->oom_kills) {
		st->reason = "memory";
		name_limit(st, p, CG_MEMORY_MAX, CG_USER_MEMORY_MAX);
		st->peak = st->memory_peak;
	} else if (cpu_limit_hit(p, sig, end->shell_cpu_usec / 1000)) {
		st->reason = "cpu";
		snprintf(st->limit_name, sizeof(st->limit_name), "rlimit cpu");
		snprintf(st->limit_shown, sizeof(st->limit_shown), "%llus",
			 (unsigned long long)p->limit[RLIMIT_CPU]);
		st->limit = p->limit[RLIMIT_CPU];
		st->peak = (end->shell_cpu_usec / 1000 + 500) / 1000;
	} else if (u->pids_refused) {
		/* no other limit ended it, but this one was hit: whatever
		 * failed to fork is why it ended as it did */
		st->reason = "pids";
		name_limit(st, p, CG_PIDS_MAX, CG_USER_PIDS_MAX);
		st->peak = st->limit;
	}
}

void status_refused(struct status *st, int code, const char *error)
{
	memset(st, 0, sizeof(*st));
	st->state = "refused";
	st->code = code;
	st->error = error;
}

int status_user_line(const struct status *st, char *buf, size_t size)
{
	char peak[32];
	int n = 0;

	buf[0] = '\0';
	if (!st->reason) {
		/* forks refused, yet the session ended on its own */
	} else if (!strcmp(st->reason, "time")) {
		n = snprintf(buf, size,
			     "session ended: time limit reached "
			     "(max_time = %s)",
			     st->limit_shown);
	} else if (!strcmp(st->reason, "memory")) {
		cglimit_show_size(st->peak, peak, sizeof(peak));
		n = snprintf(buf, size,
			     "session killed: memory limit reached "
			     "(%s = %s, peak %s)",
			     st->limit_name,
			     st->limit_shown[0] ? st->limit_shown : "?", peak);
	} else if (!strcmp(st->reason, "cpu")) {
		n = snprintf(buf, size,
			     "session killed: cpu time limit "
			     "reached (rlimit cpu = %s)",
			     st->limit_shown);
	}
	if (st->pids_refused)
		n += snprintf(buf + n, n < (int)size ? size - n : 0,
			      "%ssession hit its process limit (%s) %llu "
			      "times",
			      n ? "; " : "", st->pids_limit,
			      (unsigned long long)st->pids_refused);
	return n > 0;
}

void status_log_line(const struct status *st, char *buf, size_t size)
{
	char mem[32], how[96];

	cglimit_show_size(st->memory_peak, mem, sizeof(mem));
	if (st->signal)
		snprintf(how, sizeof(how), "killed by signal %d%s%s%s",
			 st->signal, st->reason ? " (" : "",
			 st->reason ? st->reason : "",
			 st->reason ? " limit)" : "");
	else
		snprintf(how, sizeof(how), "exited %d%s%s%s", st->code,
			 st->reason ? " (" : "", st->reason ? st->reason : "",
			 st->reason ? " limit)" : "");
	snprintf(buf, size,
		 "session ended: profile %s, %.1f s, cpu %.2f s, "
		 "peak memory %s, %s",
		 st->profile, st->duration_ms / 1000.0, st->cpu_ms / 1000.0,
		 mem, how);
}

/* Appends to BUF, never past SIZE. */
static void put(char *buf, size_t size, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (*n >= size)
		return;
	va_start(ap, fmt);
	r = vsnprintf(buf + *n, size - *n, fmt, ap);
	va_end(ap);
	if (r > 0)
		*n += r;
}

/* The string as it is shown on stderr and in syslog (escaped: valid UTF-8
 * without control characters, as JSON wants), then in JSON's quotes. */
static void put_string(char *buf, size_t size, size_t *n, const char *key,
		       const char *v)
{
	char shown[4096];

	escape_text(shown, sizeof(shown), v);
	put(buf, size, n, ",\"%s\":\"", key);
	for (const unsigned char *c = (const unsigned char *)shown; *c; c++) {
		if (*c == '"' || *c == '\\')
			put(buf, size, n, "\\%c", *c);
		else if (*c < 0x20)
			put(buf, size, n, "\\u%04x", *c);
		else
			put(buf, size, n, "%c", *c);
	}
	put(buf, size, n, "\"");
}

void status_json(const struct status *st, char *buf, size_t size)
{
	size_t n = 0;

	put(buf, size, &n, "{\"status\":\"%s\"", st->state);
	if (st->signal)
		put(buf, size, &n, ",\"signal\":%d", st->signal);
	else
		put(buf, size, &n, ",\"code\":%d", st->code);
	if (st->error)
		put_string(buf, size, &n, "error", st->error);
	if (st->reason) {
		put_string(buf, size, &n, "reason", st->reason);
		put(buf, size, &n, ",\"limit\":%llu,\"peak\":%llu",
		    (unsigned long long)st->limit,
		    (unsigned long long)st->peak);
	}
	if (st->user)
		put_string(buf, size, &n, "user", st->user);
	if (st->profile)
		put_string(buf, size, &n, "profile", st->profile);
	if (strcmp(st->state, "refused"))
		put(buf, size, &n,
		    ",\"duration_ms\":%lld,\"cpu_ms\":%llu,"
		    "\"memory_peak\":%llu,\"pids_refused\":%llu",
		    st->duration_ms, (unsigned long long)st->cpu_ms,
		    (unsigned long long)st->memory_peak,
		    (unsigned long long)st->pids_refused);
	put(buf, size, &n, "}");
	if (n >= size) /* cut short: still one whole object */
		snprintf(buf, size, "{\"status\":\"%s\",\"code\":%d}",
			 st->state, st->code);
}
