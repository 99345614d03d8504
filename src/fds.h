/* Descriptors: of a process that must hold nothing of its parent's, and
 * passed between processes. */
#ifndef JAILSH_FDS_H
#define JAILSH_FDS_H

#include <stddef.h>

/* Keeps only the N descriptors in FDS, renumbered 3, 4, ... in that
 * order (close-on-exec, and written back into FDS); closes every other
 * one above 2, and points 0, 1 and 2 at /dev/null. -1 on failure. */
int fds_keep_only(int *fds, int n);

/* Closes every descriptor above 2 but the N in KEEP, and points 0, 1 and
 * 2 at /dev/null; needs no free descriptor, so that it works under any
 * RLIMIT_NOFILE. -1 on failure. */
int fds_close_except(const int *keep, int n);

/* Reads the small file FILE at DIR (not through a link at its end) into
 * BUF, NUL-terminated, in one read: for /proc and cgroup files. -1 on
 * failure. */
int fds_read_at(int dir, const char *file, char *buf, size_t size);

/* Writes TEXT to the file FILE at DIR (not through a link at its end) in
 * one write: for /proc and cgroup files. -1 with errno on failure, or if
 * not all of it was taken. */
int fds_write_at(int dir, const char *file, const char *text);

/* Closes *FD if it is open, and makes it -1. */
void fds_close(int *fd);

/* One message of LEN bytes over the socket SOCK (a SOCK_SEQPACKET), with
 * the N descriptors FDS (none if N is 0). -1 with errno on failure. */
int fds_send(int sock, const void *buf, size_t len, const int *fds, int n);

/* Receives such a message: exactly LEN bytes, and up to N descriptors
 * into FDS (close-on-exec; -1 where none came). -1 with errno on failure
 * or a message of another size (EPROTO); descriptors that came with a
 * failed message are closed. */
int fds_recv(int sock, void *buf, size_t len, int *fds, int n);

#endif
