/* Descriptors of a process that must hold nothing of its parent's. */
#ifndef JAILSH_FDS_H
#define JAILSH_FDS_H

#include <stddef.h>

/* Keeps only the N descriptors in FDS, renumbered 3, 4, ... in that
 * order (close-on-exec, and written back into FDS); closes every other
 * one above 2, and points 0, 1 and 2 at /dev/null. -1 on failure. */
int fds_keep_only(int *fds, int n);

/* Reads the small file FILE at DIR (not through a link at its end) into
 * BUF, NUL-terminated, in one read: for /proc and cgroup files. -1 on
 * failure. */
int fds_read_at(int dir, const char *file, char *buf, size_t size);

#endif
