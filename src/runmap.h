/* containers = yes for jailsh run, which has no privilege and no warden.
 *
 * The jail's user namespace J is the caller's own. Its map is written
 * from outside by the host's setuid newuidmap and newgidmap (shadow's,
 * package uidmap), run as the caller, as rootless podman does for its own
 * namespace: the caller's uid and gid as themselves, and the ranges that
 * /etc/subuid and /etc/subgid grant the caller, each as itself. That is
 * the caller's own grant, checked by those programs, not jailsh's.
 *
 * Then a service process of the caller's (runmap_start) enters J, where,
 * as its owner, it holds every capability (and nowhere else), makes the
 * tmpfs with idmap_serve_open in a mount namespace of its own, sends it
 * to init (which attaches it at IDMAP_DIR), and serves the jail exactly
 * as a login jail's warden does (idmap_serve.h): the jail's pid and user
 * namespaces are the references, and the kernel refuses any map beyond
 * J's, which is the grant. It is not in the jail's pid namespace (the
 * jail cannot name it), holds no descriptor the jail has, and ends when
 * the jail's init does, or when jailsh run does. */
#ifndef JAILSH_RUNMAP_H
#define JAILSH_RUNMAP_H

#include <sys/types.h>

#include "err.h"
#include "plan.h"

/* What the service says to init: the tmpfs of the socket comes with
 * OK; otherwise why not. */
struct runmap_hello {
	int ok;
	char msg[JERR_MAX];
};

struct runmap {
	pid_t service; /* this process's child; -1: none */
};

/* Before anything starts: the caller has a range in both files (the
 * login jail's line), and the host has newuidmap and newgidmap. */
int runmap_check(const struct plan *pl, struct jerr *e);

/* INIT, just cloned in J and waiting on the other end of LINK (a
 * SOCK_SEQPACKET pair) for a struct runmap_hello: J is mapped, then
 * the service started, which answers init. -1 with why (init is then
 * the caller's to kill). */
int runmap_start(struct runmap *r, const struct plan *pl, pid_t init, int link,
		 struct jerr *e);

/* In init: the hello on LINK (closed here); the tmpfs into *SERVICE. */
int runmap_hello(int link, int *service, struct jerr *e);

/* Ends the service, if it has not ended with the jail, and reaps it. */
void runmap_stop(struct runmap *r);

#endif
