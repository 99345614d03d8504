/* The warden's side of the subordinate id service (idmap.h), for a jail
 * with containers = yes.
 *
 * Before the jail's init is cloned, the warden makes a small read-only
 * tmpfs of its own, not attached anywhere, holding the listening socket;
 * init attaches it at IDMAP_DIR in the jail (mount.c), so that only the
 * jail reaches the socket. Every request is answered only after:
 *   - the requester (SO_PEERCRED, pinned by a pidfd) is the user's in
 *     every uid, in the user's own primary group, in the jail's pid
 *     namespace and in the jail's user namespace;
 *   - the target (the pidfd that came with the request) is alive, the
 *     user's in every uid and gid, in the jail's pid namespace or one
 *     within it, and in a user namespace that the user owns, whose parent
 *     is the jail's, and whose map is not written yet;
 *   - every range is one /etc/subuid or /etc/subgid grants the user, or
 *     the user's own id, and none maps the host's root (idmap_allowed).
 * Then the map is written, in one write, through the target's /proc
 * directory, which was checked to still be the same process in the same
 * user namespace; for gid maps without a subordinate range, setgroups is
 * denied first, as newgidmap does. The kernel takes one write per map.
 * Refusals go back with the reason and to syslog (escaped, and at most
 * IDMAP_LOG_BURST lines a window, with a count of the rest). The service
 * never blocks: every socket is non-blocking, a connection that sends
 * nothing is dropped after IDMAP_IDLE_MS, at most IDMAP_MAX_CONNS are
 * open at once and IDMAP_RATE requests a second are served. */
#ifndef JAILSH_IDMAP_SERVE_H
#define JAILSH_IDMAP_SERVE_H

#include <poll.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "err.h"
#include "identity.h"
#include "subid.h"

#define IDMAP_MAX_CONNS 16
#define IDMAP_IDLE_MS 5000
#define IDMAP_RATE 50      /* requests a second, on average */
#define IDMAP_BURST 200    /* and at most this many at once */
#define IDMAP_LOG_BURST 20 /* syslog lines per window */
#define IDMAP_LOG_WINDOW_MS 10000

struct idmap_conn {
	int sock;
	long long deadline; /* clock_ms */
};

struct idmap_service {
	int listen;        /* the socket the jail reaches; -1: no service */
	int mnt;           /* the tmpfs that holds it, until init has it */
	int pidns, userns; /* the jail's, held open */
	struct stat pidns_st, userns_st;
	const struct identity *id;
	char who[128]; /* "session jail of NAME (uid N)", for syslog */
	struct idmap_conn c[IDMAP_MAX_CONNS];
	int n;
	long long tokens_at; /* the rate: when the bucket was filled */
	double tokens;
	long long log_window; /* syslog: the window's start, lines in it */
	int logged, unlogged;
	/* jailsh run's service: the grant as read at the start */
	int grant_fixed;
	struct subid_set grant[2]; /* uids, gids */
};

/* No service: every member -1 (idmap_serve_close does nothing). */
void idmap_serve_init(struct idmap_service *s);

/* jailsh run's service (runmap.h), before it enters the jail's user
 * namespace, where root's files no longer look root's: the grant read
 * once, for every request (the jail's own map, made from the same
 * grant at the start, bounds them anyway). */
int idmap_serve_fix_grant(struct idmap_service *s, const struct identity *id,
			  struct jerr *e);

/* Before the clone, as root: the tmpfs (s->mnt, for init: mount.c
 * attaches it at IDMAP_DIR) and the listening socket in it. ID is the
 * jail's user, WHO how syslog names the jail. Also makes IDMAP_DIR on
 * the host (root's, mode 0700, as the registry) where it is missing:
 * the mount point; as anyone else (jailsh run's service, in the jail's
 * user namespace and a mount namespace of its own), it must be there. */
int idmap_serve_open(struct idmap_service *s, const struct identity *id,
		     const char *who, struct jerr *e);

/* After the clone: the jail's pid and user namespaces, from its init
 * INIT (pinned by PIDFD). */
int idmap_serve_jail(struct idmap_service *s, pid_t init, int pidfd,
		     struct jerr *e);

/* The descriptors the warden keeps for the service: into FDS, returns
 * how many (at most 3). */
int idmap_serve_fds(const struct idmap_service *s, int *fds);

/* The warden's loop: the descriptors to poll (at most
 * IDMAP_SERVE_POLLS, into P; returns how many), what woke (the same P),
 * and the deadline of the next idle connection (-1: none), after which
 * idmap_serve_expire drops it. */
#define IDMAP_SERVE_POLLS (1 + IDMAP_MAX_CONNS)
int idmap_serve_polls(const struct idmap_service *s, struct pollfd *p);
void idmap_serve_woken(struct idmap_service *s, const struct pollfd *p, int n);
long long idmap_serve_due(const struct idmap_service *s);
void idmap_serve_expire(struct idmap_service *s);

void idmap_serve_close(struct idmap_service *s);

#endif
