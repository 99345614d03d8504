/* Where running jails are found: the registry directory (JAILSH_RUNDIR,
 * /run/jailsh, a tmpfs), root's alone, holding one socket per jail,
 * bound and answered by the jail's warden: user-UID.sock for the one
 * jail of a user (jail = "user"), session-PID.sock for a session's (PID
 * its warden's). Nothing in it is trusted blindly: a login that finds a
 * socket checks who answers (root) and what it hands over (warden.h),
 * and one that nobody answers is stale and replaced. Nothing is written
 * on persistent disk. */
#ifndef JAILSH_REGISTRY_H
#define JAILSH_REGISTRY_H

#include <sys/types.h>

#include "err.h"

/* The registry directory, made if it is missing: root's, mode 0700, not
 * a link; anything else refuses (a directory others can write to could
 * hold anything). Returns its descriptor. */
int registry_open(struct jerr *e);

/* The name of the socket of UID's user jail, or of the session jail
 * whose warden is PID. */
void registry_user_name(char *buf, size_t size, uid_t uid);
void registry_session_name(char *buf, size_t size, pid_t warden);

/* Locks UID's user jail in the registry DIR: held while a login looks
 * for the jail, makes it or joins it, and while its warden takes it out
 * of the registry, so that there is always exactly one. With WAIT 0, -1
 * with errno EWOULDBLOCK when it is held. Returns the lock's descriptor
 * (close it to unlock). */
int registry_lock(int dir, uid_t uid, int wait, struct jerr *e);

/* Connects to the warden whose socket is NAME in DIR. 1: connected, the
 * socket in *SOCK and the warden's pid in *WARDEN (it must be root);
 * 0: nobody answers there (no such socket, or a stale one: it is
 * removed when REMOVE_STALE); -1: error. */
int registry_connect(int dir, const char *name, int remove_stale, int *sock,
		     pid_t *warden, struct jerr *e);

/* The warden's side: listens on NAME in DIR (SOCK_SEQPACKET). Returns the
 * socket; *INO identifies what was bound, for registry_remove. */
int registry_listen(int dir, const char *name, ino_t *ino, struct jerr *e);

/* Takes NAME out of DIR if it is still what was bound as INO. */
void registry_remove(int dir, const char *name, ino_t ino);

/* The peer of the connected socket SOCK: its pid and uid. */
int registry_peer(int sock, pid_t *pid, uid_t *uid);

#endif
