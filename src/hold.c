#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exit_status.h"
#include "fds.h"
#include "filter.h"
#include "groups.h"
#include "hold.h"
#include "init.h"
#include "jail.h"
#include "priv.h"
#include "report.h"
#include "scope.h"

/* How long the caller waits for the jail to be built. */
#define READY_TIMEOUT_MS 30000

/* What init is started with, in the warden's clone. */
struct hold_start {
	const struct plan *pl;
	int report, lifeline;
};

/* Nothing of the service's (descriptors, session, terminal) goes into
 * the jail: only the two pipes stay, as 3 and 4, the warden's clock as
 * 5 and, with containers = yes, the tmpfs of its socket as 6. */
static int start_init(void *arg, int started, int service)
{
	struct hold_start *a = arg;
	int keep[4] = { a->report, a->lifeline, started, service };
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (fds_keep_only(keep, service >= 0 ? 4 : 3) < 0)
		return EXIT_FAILED;
	setsid();
	umask(022);
	return init_run(a->pl, NULL, keep[0], keep[1], -1, keep[2],
			service >= 0 ? keep[3] : -1);
}

/* Waits for init's first record; returns 0 when it says it is ready. */
static int await_ready(int report, struct jerr *e)
{
	struct pollfd pfd = { .fd = report, .events = POLLIN };
	struct report r;
	int ready;

	do
		ready = poll(&pfd, 1, READY_TIMEOUT_MS);
	while (ready < 0 && errno == EINTR);
	if (ready <= 0)
		return jerr_set(e, "the jail was not ready in time");
	if (report_read(report, &r) < 1)
		return jerr_set(e, "the jail's init ended without a report");
	if (r.type != REPORT_READY)
		return jerr_set(e, "%s", r.msg);
	return 0;
}

void hold_init(struct hold *h)
{
	memset(h, 0, sizeof(*h));
	h->lifeline = h->login = -1;
	h->warden.pidfd = -1;
	h->warden.cg.dir = h->warden.cg.top = -1;
	h->warden.cg.user = h->warden.cg.parent = -1;
}

int hold_start(struct hold *h, const struct plan *pl, const struct settings *s,
	       struct jerr *e)
{
	int rep[2] = { -1, -1 }, life[2] = { -1, -1 }, r = -1;
	struct hold_start a;

	hold_init(h);
	if (pipe2(rep, O_CLOEXEC) < 0 || pipe2(life, O_CLOEXEC) < 0) {
		jerr_sys(e, errno, "pipe");
		goto out;
	}
	a = (struct hold_start){ .pl = pl,
				 .report = rep[1],
				 .lifeline = life[0] };
	/* a user's jail outlives this session: its warden holds the
	 * lifeline */
	if (warden_start(&h->warden, pl, s,
			 pl->profile->user_jail ? life[1] : -1, start_init, &a,
			 e) < 0)
		goto out;
	fds_close(&rep[1]);
	fds_close(&life[0]);
	r = await_ready(rep[0], e);
	if (r == 0 && !pl->profile->user_jail) {
		h->lifeline = life[1];
		life[1] = -1;
	}
out:
	if (r < 0)
		hold_end(h);
	for (int i = 0; i < 2; i++) {
		fds_close(&rep[i]);
		fds_close(&life[i]);
	}
	return r;
}

int hold_join(const struct hold *h, const struct plan *pl, struct jerr *e)
{
	int flags = (int)jail_clone_flags(pl), cgroup = h->warden.cg.dir;
	int procs;

	/* into the session's cgroup first ("0": this process), then into
	 * the namespace rooted there */
	if (cgroup >= 0) {
		procs = openat(cgroup, "cgroup.procs", O_WRONLY | O_CLOEXEC);
		if (procs < 0 || write(procs, "0", 1) != 1) {
			jerr_sys(e, errno, "move into the session's cgroup");
			fds_close(&procs);
			return -1;
		}
		close(procs);
		flags |= CLONE_NEWCGROUP;
	}
	/* one call for all of them: the jail's namespaces exactly */
	if (setns(h->warden.pidfd, flags) < 0)
		return jerr_sys(e, errno, "join the jail");
	return hold_seal(pl, e);
}

int hold_seal(const struct plan *pl, struct jerr *e)
{
	/* not fsize: this process goes on writing the login records as
	 * root, and lastlog is as large as the highest uid times 292. The
	 * service sets the session's groups itself (initgroups), after
	 * this: with drop_groups, they are set here and stay. Everything
	 * the service starts is in its Landlock domain. */
	if (jail_limits(pl->profile, RLIMIT_FSIZE, e) < 0 ||
	    priv_new_keyring(e) < 0 || priv_seal(e) < 0 ||
	    (pl->id->nremoved && groups_pin(pl->id, e) < 0) ||
	    scope_apply(e) < 0)
		return -1;
	return filter_install(pl->profile, e);
}

void hold_end(struct hold *h)
{
	if (h->warden.pidfd >= 0)
		syscall(SYS_pidfd_send_signal, h->warden.pidfd, SIGKILL, NULL,
			0);
	hold_release(h);
}

void hold_release(struct hold *h)
{
	warden_close(&h->warden);
	fds_close(&h->lifeline);
	fds_close(&h->login);
}
