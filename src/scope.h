/* Landlock scoping: what a session reaches beyond its namespaces. */
#ifndef JAILSH_SCOPE_H
#define JAILSH_SCOPE_H

#include <stddef.h>

#include "err.h"

/* The Landlock ABI version of the running kernel; 0 when it has none
 * (not built, not enabled, or refused by a filter around us), with why
 * in WHY if it is not NULL. */
int scope_abi(char *why, size_t size);

/* Does this kernel scope abstract Unix sockets and signals (ABI 6,
 * Linux 6.12)? */
int scope_available(void);

/* Puts the calling process, and everything it starts, in a Landlock
 * domain of its own that scopes abstract Unix sockets and signals: it can
 * connect to an abstract socket, or signal a process, only inside the
 * domain (or domains nested in it). Needs no_new_privs. Returns 1 when
 * applied, 0 when the kernel cannot (the session goes on without: this
 * is on top of the namespaces), -1 when it can but failed. */
int scope_apply(struct jerr *e);

/* One line for jailsh explain and the logs: whether sessions are scoped
 * here, and why not. */
void scope_describe(char *buf, size_t size);

#endif
