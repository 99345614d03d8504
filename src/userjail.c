#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "fds.h"
#include "hold.h"
#include "registry.h"
#include "userjail.h"

/* How often a login asks again while the jail it found is ending (its
 * warden takes it out of the registry under the lock), 100 ms apart. */
#define ENDING_TRIES 100

/* The jail's init, as the warden named it: checked, not trusted. */
static int check_init(struct userjail *u, int pidfd, pid_t warden, uid_t uid,
		      struct jerr *e)
{
	struct jerr why;

	if (target_pin(&u->init, u->info.init, pidfd, uid, &why) < 0)
		return jerr_set(e, "the user's jail (init %d): %s",
				(int)u->info.init, why.msg);
	if (!target_owned_by_host(&u->init) ||
	    target_parent(&u->init) != warden)
		return jerr_set(e,
				"the user's jail (init %d) is not one "
				"that jailsh made",
				(int)u->info.init);
	return 0;
}

/* A new jail: its warden registers it, and the login then finds it as
 * every other one does. */
static int make(const struct plan *pl, const struct settings *s, struct jerr *e)
{
	struct hold h;

	if (hold_start(&h, pl, s, e) < 0)
		return -1;
	hold_release(&h);
	return 0;
}

/* Under the lock: connect, or make the jail and connect. 1: joined;
 * 0: the jail found is ending (try again); -1: error. */
static int attempt(struct userjail *u, int dir, const char *name,
		   const struct plan *pl, const struct settings *s,
		   struct jerr *e)
{
	struct warden_request req = {
		.op = WARDEN_JOIN,
		.fingerprint = plan_fingerprint(pl),
		.max_time = pl->profile->max_time,
	};
	int fds[2] = { -1, -1 }, r;
	pid_t warden;

	r = registry_connect(dir, name, 1, &u->sock, &warden, e);
	if (r == 0) {
		if (make(pl, s, e) < 0)
			return -1;
		u->made = 1;
		r = registry_connect(dir, name, 0, &u->sock, &warden, e);
		if (r == 0)
			return jerr_set(e, "the user's jail was made, but its "
					   "warden does not answer");
	}
	if (r < 0)
		return -1;
	if (warden_ask(u->sock, &req, &u->info, fds, e) < 0) {
		fds_close(&u->sock);
		return u->info.ending ? 0 : -1;
	}
	u->cgroup = fds[1];
	if (fds[0] < 0)
		return jerr_set(e, "the user's jail: its warden's answer was "
				   "incomplete");
	r = check_init(u, fds[0], warden, pl->id->uid, e);
	/* an init that died since its warden answered: the jail is ending,
	 * and its warden will take it out of the registry */
	if (r < 0 && syscall(SYS_pidfd_send_signal, fds[0], 0, NULL, 0) < 0) {
		fds_close(&fds[0]);
		fds_close(&u->sock);
		fds_close(&u->cgroup);
		target_unpin(&u->init);
		return 0;
	}
	fds_close(&fds[0]);
	if (r == 0 && s->cgroup_parent && u->cgroup < 0)
		r = jerr_set(e, "the user's jail has no cgroup, and "
				"jailsh.conf sets cgroup_parent");
	return r < 0 ? -1 : 1;
}

int userjail_join(struct userjail *u, const struct plan *pl,
		  const struct settings *s, struct jerr *e)
{
	struct timespec pause = { 0, 100 * 1000 * 1000 };
	char name[64];
	int dir, r = 0;

	memset(u, 0, sizeof(*u));
	u->sock = u->cgroup = -1;
	target_init(&u->init);
	dir = registry_open(e);
	if (dir < 0)
		return -1;
	registry_user_name(name, sizeof(name), pl->id->uid);
	for (int tries = 0; r == 0 && tries < ENDING_TRIES; tries++) {
		int lock = registry_lock(dir, pl->id->uid, 1, e);

		if (lock < 0) {
			r = -1;
			break;
		}
		r = attempt(u, dir, name, pl, s, e);
		close(lock);
		if (r == 0)
			nanosleep(&pause, NULL);
	}
	close(dir);
	if (r == 0)
		r = jerr_set(e, "the user's jail is ending and does not go");
	if (r < 0) {
		userjail_close(u);
		return -1;
	}
	return 0;
}

int userjail_enter(const struct userjail *u, struct jerr *e)
{
	if (u->cgroup >= 0) {
		int procs =
			openat(u->cgroup, "cgroup.procs", O_WRONLY | O_CLOEXEC);

		if (procs < 0 || write(procs, "0", 1) != 1) {
			jerr_sys(e, errno, "move into the login's cgroup");
			if (procs >= 0)
				close(procs);
			return -1;
		}
		close(procs);
	}
	return target_join(&u->init, e);
}

void userjail_close(struct userjail *u)
{
	fds_close(&u->sock);
	fds_close(&u->cgroup);
	target_unpin(&u->init);
}
