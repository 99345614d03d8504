/* The syscall filter of a session (seccomp, through libseccomp). */
#ifndef JAILSH_FILTER_H
#define JAILSH_FILTER_H

#include "conf_profile.h"

/* Installs the filter the profile asks for; no_new_privs must be set
 * already (priv_drop or priv_seal). Whatever the profile says, TIOCSTI and
 * TIOCLINUX are refused: a jailed process must not type into a terminal
 * that something outside the jail reads after the session. With seccomp =
 * default, what a jailed session never needs is refused too, and io_uring
 * unless io_uring = yes; with user_namespaces = no, creating a user
 * namespace. Refused calls fail
 * with EPERM (clone3, which cannot be inspected, with ENOSYS, so that libc
 * falls back to clone); nothing is killed. */
int filter_install(const struct profile *p, struct jerr *e);

/* A second filter on top, for a PAM service's own process whose groups
 * the module set (groups_pin): setgroups() returns 0 and does nothing, on
 * every ABI, in it and in everything it starts. */
int filter_pin_groups(struct jerr *e);

#endif
