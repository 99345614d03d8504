/* Opening paths that a user may control, without trusting them. */
#ifndef JAILSH_PATH_H
#define JAILSH_PATH_H

#include "err.h"

/* Opens PATH (absolute, canonical) as an O_PATH descriptor, one component
 * at a time from /. A symbolic link is followed only if root owns it: the
 * user cannot have made it and cannot change where it points (without
 * privilege, as in jailsh run, every link is followed). Every step
 * is relative to the descriptor of the step before, so nothing can be
 * swapped between check and use. The caller's file system credentials
 * decide what may be searched. WHAT names the path in messages. On
 * failure e->errnum says why (ENOENT: something on the way is missing;
 * 0 for a link that is not followed). */
int path_open(const char *path, const char *what, struct jerr *e);

#endif
