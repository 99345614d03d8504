/* newuidmap and newgidmap in a jail with containers = yes: the same
 * command line as shadow's, but nothing setuid (nothing setuid could
 * work under no_new_privs). The request goes to the jail's warden over
 * IDMAP_SOCKET, with a pidfd of the target; the warden checks it and
 * writes the map, or says why not, which is printed here. Built twice,
 * with IDMAP_KIND_NAME "uid" or "gid". */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "fds.h"
#include "idmap.h"

#ifndef IDMAP_KIND_NAME
#error "IDMAP_KIND_NAME must be \"uid\" or \"gid\""
#endif

static const char prog[] = "new" IDMAP_KIND_NAME "map";

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	return 1;
}

/* The pid behind "fd:N", a descriptor of a /proc/PID directory: read
 * from it, and then seen to be still that process once pinned. */
static int pin_proc_fd(int procfd, int *pid)
{
	char buf[4096], *p;
	int pidfd;

	if (fds_read_at(procfd, "status", buf, sizeof(buf)) < 0 ||
	    !(p = strstr(buf, "\nPid:")))
		return -1;
	*pid = (int)strtol(p + 5, NULL, 10);
	pidfd = (int)syscall(SYS_pidfd_open, *pid, 0);
	if (pidfd >= 0 && fds_read_at(procfd, "status", buf, sizeof(buf)) < 0) {
		close(pidfd); /* it ended: the pid may be another's now */
		return -1;
	}
	return pidfd;
}

static int ask(const struct idmap_request *req, int pidfd,
	       struct idmap_reply *rep)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	ssize_t n;

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", IDMAP_SOCKET);
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int err = errno;

		if (s >= 0)
			close(s);
		errno = err;
		return -1;
	}
	if (fds_send(s, req, sizeof(*req), &pidfd, 1) < 0) {
		close(s);
		return -2;
	}
	do
		n = recv(s, rep, sizeof(*rep), 0);
	while (n < 0 && errno == EINTR);
	close(s);
	if (n != (ssize_t)sizeof(*rep))
		return -2;
	rep->msg[sizeof(rep->msg) - 1] = '\0';
	return 0;
}

int main(int argc, char **argv)
{
	int kind = !strcmp(IDMAP_KIND_NAME, "gid") ? IDMAP_GID : IDMAP_UID;
	struct idmap_request req;
	struct idmap_reply rep;
	char why[300];
	int pid, procfd, pidfd, r;

	if (idmap_from_args(kind, argc - 1, argv + 1, &req, &pid, &procfd, why,
			    sizeof(why)) < 0) {
		fprintf(stderr, "%s\n", why);
		return 1;
	}
	if (procfd >= 0)
		pidfd = pin_proc_fd(procfd, &pid);
	else
		pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return fail("Could not open proc directory for target %s",
			    argv[1]);
	req.pid = pid;
	r = ask(&req, pidfd, &rep);
	close(pidfd);
	if (r == -1 && (errno == ENOENT || errno == ENOTDIR))
		return fail("%s: no such socket: this is not a jail with "
			    "containers = yes (see jailsh.conf(5))",
			    IDMAP_SOCKET);
	if (r == -1)
		return fail("cannot reach the jail's warden: %s",
			    strerror(errno));
	if (r < 0)
		return fail("the jail's warden did not answer");
	if (!rep.ok)
		return fail("%s", rep.msg);
	return 0;
}
