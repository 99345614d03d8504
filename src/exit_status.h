/* The exit statuses that are jailsh's own, as jailsh(8) lists them under
 * EXIT STATUS; any other is the shell's or the command's. */
#ifndef JAILSH_EXIT_STATUS_H
#define JAILSH_EXIT_STATUS_H

#include <errno.h>

#define EXIT_FAILED 125     /* refused, or the jail could not be built */
#define EXIT_CANNOT_RUN 126 /* the shell exists but cannot be executed */
#define EXIT_NOT_FOUND 127  /* the shell does not exist */

/* The status for an execve() of the shell (or command) that failed with
 * ERR. */
static inline int exit_status_of_exec(int err)
{
	return err == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN;
}

#endif
