/* fakewarden PATH PID: a forged warden of a user's jail, for the escape
 * tests: listens on PATH (as root), answers the first JOIN with an
 * "accepted" naming PID as the jail's init, with a pidfd of PID, and then
 * waits for the login to hang up. Built by the test against jailsh's own
 * warden.h, so that only what it says is forged, not its format. */
#define _GNU_SOURCE
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "warden.h"

int main(int argc, char **argv)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct warden_request req;
	struct warden_info in = { .ok = 1, .user_jail = 1 };
	char control[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &in, .iov_len = sizeof(in) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = control,
			      .msg_controllen = sizeof(control) };
	struct cmsghdr *c;
	int s, conn, pidfd;

	if (argc != 3)
		return 2;
	in.init = atoi(argv[2]);
	in.warden = getpid();
	pidfd = (int)syscall(SYS_pidfd_open, in.init, 0);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", argv[1]);
	s = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (pidfd < 0 || s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(s, 8) < 0) {
		perror("fakewarden");
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	conn = accept(s, NULL, NULL);
	if (conn < 0 || recv(conn, &req, sizeof(req), 0) != sizeof(req))
		return 1;
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &pidfd, sizeof(int));
	if (sendmsg(conn, &msg, 0) != sizeof(in))
		return 1;
	{
		struct pollfd p = { .fd = conn, .events = POLLIN };
		poll(&p, 1, 10000);
	}
	unlink(argv[1]);
	return 0;
}
