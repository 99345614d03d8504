/* The plan: a profile expanded for one user into the ordered mount
 * operations that build the jail. Pure: nothing here touches the system,
 * so it is what "jailsh explain" prints and what the unit tests check. */
#ifndef JAILSH_PLAN_H
#define JAILSH_PLAN_H

#include "identity.h"
#include "conf_profile.h"

struct plan_op {
	enum mount_kind kind;
	char *source;  /* map, volume: the host path */
	char *target;  /* where it appears in the jail */
	uint64_t size; /* tmpfs */
	mode_t mode;   /* tmpfs */
	int parent;    /* the op whose mount holds target; -1 for "/" */
	int line;      /* where the profile asked for it; 0 if built in */
	bool optional; /* skipped when the source (a bind) or the mount
			* point (a built-in tmpfs on the host) does not exist */
};

struct plan {
	const struct profile *profile;
	const struct identity *id;
	char *shell; /* the real shell */
	bool cgroup; /* the session has a cgroup of its own (set at start) */
	/* jailsh run: everything without privilege, in a user namespace
	 * that maps the user to themself (set by the front end) */
	bool userns;
	const char *rootfs;   /* the root instead of the host's, or NULL */
	bool rootfs_writable; /* jailsh build */
	/* runtime_dir = "private": the session's own /run/user/UID, which
	 * XDG_RUNTIME_DIR names; NULL otherwise */
	char *runtime_dir;
	struct plan_op *ops; /* parents before children */
	size_t nops;
};

int plan_build(const struct profile *p, const struct identity *id,
	       struct plan *pl, struct jerr *e);
void plan_free(struct plan *pl);

/* jailsh run --rootfs, build: DIR (absolute, owned by the caller) is the
 * root instead of the host's, whose services the jail cannot see: the
 * built-in mounts that hide them (/run/user, /run/screen) go. */
void plan_use_rootfs(struct plan *pl, const char *dir, bool writable);

const char *plan_kind_name(enum mount_kind kind);

/* With ssh_agent = yes: brings the agent socket that sshd made for a
 * forwarded agent (SSH_AUTH_SOCK, PATH) into the jail at the same path.
 * Only a path of the form sshd uses, /tmp/ssh-XXXXXXXXXX/agent.N, is
 * taken; at apply time it must also be a socket the user owns, in a
 * directory the user owns that no one else may enter. Returns 1 if the
 * socket is brought in, 0 if not (ssh_agent = no, no PATH, or a PATH of
 * another form), -1 on error. */
int plan_add_agent(struct plan *pl, const char *path, struct jerr *e);

/* For a jail that a service's own process joins (the PAM module): that
 * process goes on recording the login in utmp, wtmp, btmp and lastlog,
 * so they stay writable, for whom the host's permissions allow (root and
 * group utmp, not the user). Those that do not exist are skipped. */
int plan_add_login_records(struct plan *pl, struct jerr *e);

/* A number that changes when anything that shapes the jail does: two
 * logins of a user compare it to tell whether the profile changed since
 * the user's jail was made. */
uint64_t plan_fingerprint(const struct plan *pl);

/* Does a jail built from this op create TARGET's mount point itself (in a
 * tmpfs of the plan) rather than find it on the host? */
int plan_creates_mountpoint(const struct plan *pl, const struct plan_op *op);

#endif
