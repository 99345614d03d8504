/* Is a file this very program? For a login shell that is jailsh under
 * another name (a link), or another copy's path. */
#ifndef JAILSH_SELF_H
#define JAILSH_SELF_H

#include <sys/types.h>

#include "err.h"

/* 1 when PATH (links followed) is the file this process runs, as
 * /proc/self/exe says; 0 when it is not, or does not exist; -1 with E
 * set when that cannot be told (PATH not absolute, another error). */
int self_is(const char *path, struct jerr *e);

/* The same for UID's login shell in the password database (never the
 * environment; an empty one is /bin/sh). A failed lookup, or no entry,
 * is -1: nothing can be told about it. */
int self_is_login_shell(uid_t uid, struct jerr *e);

#endif
