/* A running jail, named by the pid of its init, pinned and checked
 * before it is joined: the process is held by a pidfd while /proc is
 * read, must be the given user's in every uid and jailed (a pid and a
 * mount namespace of its own, no_new_privs), and its namespaces are
 * opened when checked and joined by those descriptors, so that a target
 * that moves to namespaces of its own making afterwards takes nobody
 * along (the CVE-2022-31214 pattern). Used by jailsh enter and by the
 * logins that join a user's jail. */
#ifndef JAILSH_TARGET_H
#define JAILSH_TARGET_H

#include <sys/types.h>

#include "err.h"

#define TARGET_NS 7 /* user, mnt, pid, ipc, uts, net, cgroup */

struct target {
	pid_t pid;
	int pidfd;
	int proc;          /* /proc/PID of the same process */
	int differ;        /* CLONE_NEW* of the namespaces not ours */
	int ns[TARGET_NS]; /* those, opened when checked; -1 for the others */
	char cwd[4096];
};

/* Nothing pinned yet (target_unpin does nothing). */
void target_init(struct target *t);

/* Is the process whose /proc directory is PROC UID's in every uid? */
int target_owned_by(int proc, uid_t uid);

/* Is it in the group GID in every gid (real, effective, saved, fs)? */
int target_group_is(int proc, gid_t gid);

/* Pins PID (with PIDFD, a pidfd of it, or -1 to open one) and checks it:
 * alive, UID's in every uid, jailed. On failure e says why, without the
 * pid (the caller says which). */
int target_pin(struct target *t, pid_t pid, int pidfd, uid_t uid,
	       struct jerr *e);
void target_unpin(struct target *t);

/* Is every namespace of the target owned by the host's user namespace
 * (a jail root made, not one in a user namespace of someone's)? The
 * network namespace may also be a private network's (net.h): owned by a
 * user namespace that root made just below the host's. */
int target_owned_by_host(const struct target *t);

/* The target's parent pid, from /proc; -1 if unknown. */
pid_t target_parent(const struct target *t);

/* Joins the namespaces that were opened, the user namespace first (in
 * it the others are the caller's to join). */
int target_join(const struct target *t, struct jerr *e);

#endif
