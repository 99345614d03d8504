/* A jail's private network (network = "private"): a network namespace of
 * its own, with loopback and one interface, connected to the host's
 * network by a user-mode network stack, pasta (the passt package), which
 * runs outside the jail, as the user.
 *
 * For a login's jail the warden (root) starts it: the namespace is made
 * here, owned by a user namespace of root's that holds only the stack,
 * whose root is the user. So the stack has privilege over the jail's
 * network and nothing else, and the jail's processes, which are the user
 * in the host's user namespace, have none over it. The jail's init
 * enters the namespace (the warden clones it there). Without privilege
 * (jailsh run) the stack joins the jail's own user and network
 * namespaces, which the caller made.
 *
 * The stack is the starter's child: it ends and is reaped with the jail,
 * and dies with its starter (PR_SET_PDEATHSIG). Nothing is written on the
 * host: the jail's /etc/resolv.conf is a file of its own (mount.c). */
#ifndef JAILSH_NET_H
#define JAILSH_NET_H

#include <stddef.h>
#include <sys/types.h>

#include "plan.h"

/* The jail's side of the link, as slirp and QEMU number it: its address,
 * its gateway (with host_loopback = yes, the host's loopback), and the
 * stack's DNS forwarder, which passes queries on to the host's resolver. */
#define NET_ADDRESS "10.0.2.100"
#define NET_PREFIX "24"
#define NET_GATEWAY "10.0.2.2"
#define NET_DNS "10.0.2.3"

/* How long the stack may take to set the jail's network up. */
#define NET_READY_MS 20000

struct net {
	pid_t pid;  /* the stack: this process's child; -1 */
	int pidfd;  /* the same, pinned */
	int netns;  /* net_start: the jail's network namespace, for init */
	int ready;  /* readable once the stack has set the namespace up */
	int errors; /* the stack's standard error */
};

void net_init(struct net *n);

/* As root, for a login's jail: makes the jail's network namespace and
 * starts the stack for PL's user there. Returns 0 with N filled (the
 * stack may still be setting up: net_wait), or -1 with nothing left. */
int net_start(struct net *n, const struct plan *pl, struct jerr *e);

/* Without privilege (jailsh run): starts the stack, as the caller, for
 * the jail whose init is INIT (this process's child, in a user namespace
 * of the caller's). */
int net_attach(struct net *n, const struct plan *pl, pid_t init,
	       struct jerr *e);

/* Until the stack has set the jail's network up (0), or has failed or
 * not done it within TIMEOUT_MS (-1, with what it said); its standard
 * error and readiness are closed either way. */
int net_wait(struct net *n, int timeout_ms, struct jerr *e);

/* Ends the stack (SIGKILL), reaps it and closes N's descriptors. */
void net_stop(struct net *n);

/* Closes this process's copies of N's descriptors; the stack goes on. */
void net_close(struct net *n);

/* The jail's /etc/resolv.conf into BUF: the stack's DNS forwarder, and
 * the host's search domains and options from HOST (the host's file's
 * text, or ""). */
void net_resolv_conf(const char *host, char *buf, size_t size);

#endif
