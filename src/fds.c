#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fds.h"

/* The most descriptors one message carries. */
#define FDS_MAX 4
/* The most that fds_close_except keeps. */
#define FDS_KEEP_MAX 16

int fds_keep_only(int *fds, int n)
{
	int top = 2, null;

	/* above all of them first, so that none is overwritten on the way
	 * down to 3, 4, ... */
	for (int i = 0; i < n; i++)
		top = fds[i] > top ? fds[i] : top;
	for (int i = 0; i < n; i++)
		if ((fds[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, top + 1)) < 0)
			return -1;
	for (int i = 0; i < n; i++) {
		if (dup3(fds[i], 3 + i, O_CLOEXEC) < 0)
			return -1;
		fds[i] = 3 + i;
	}
	close_range(3 + n, ~0U, 0);
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (int fd = 0; fd < 3; fd++)
		if (null < 0 || (null != fd && dup2(null, fd) < 0))
			return -1;
	if (null > 2)
		close(null);
	return 0;
}

static int by_number(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int fds_close_except(const int *keep, int n)
{
	int sorted[FDS_KEEP_MAX], from = 3;

	if (n > FDS_KEEP_MAX)
		return -1;
	memcpy(sorted, keep, sizeof(int) * n);
	qsort(sorted, n, sizeof(int), by_number);
	for (int i = 0; i < n; i++) {
		if (sorted[i] > from)
			close_range(from, sorted[i] - 1, 0);
		if (sorted[i] >= from)
			from = sorted[i] + 1;
	}
	close_range(from, ~0U, 0);
	for (int fd = 0; fd < 3; fd++) {
		close(fd);
		if (open("/dev/null", O_RDWR | O_CLOEXEC) != fd)
			return -1;
	}
	return 0;
}

int fds_read_at(int dir, const char *file, char *buf, size_t size)
{
	int fd = openat(dir, file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

int fds_write_at(int dir, const char *file, const char *text)
{
	int fd = openat(dir, file, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t len = strlen(text);
	ssize_t n;
	int err;

	if (fd < 0)
		return -1;
	n = write(fd, text, len);
	err = errno;
	close(fd);
	errno = err;
	return n == (ssize_t)len ? 0 : -1;
}

void fds_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

int fds_send(int sock, const void *buf, size_t len, const int *fds, int n)
{
	char control[CMSG_SPACE(sizeof(int) * FDS_MAX)] = { 0 };
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t r;

	if (n > FDS_MAX) {
		errno = EINVAL;
		return -1;
	}
	if (n > 0) {
		struct cmsghdr *c;

		msg.msg_control = control;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * n);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * n);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
	}
	do
		r = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR);
	return r == (ssize_t)len ? 0 : -1;
}

int fds_recv(int sock, void *buf, size_t len, int *fds, int n)
{
	char control[CMSG_SPACE(sizeof(int) * FDS_MAX)] = { 0 };
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control,
		.msg_controllen = sizeof(control),
	};
	struct cmsghdr *c;
	int got = 0;
	ssize_t r;

	for (int i = 0; i < n; i++)
		fds[i] = -1;
	do
		r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -1;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		int *in = (int *)CMSG_DATA(c);
		size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0; i < k; i++) {
			int fd;

			memcpy(&fd, in + i, sizeof(fd));
			if (got < n)
				fds[got++] = fd;
			else
				close(fd); /* more than asked for */
		}
	}
	if (r != (ssize_t)len || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
		for (int i = 0; i < n; i++)
			fds_close(&fds[i]);
		errno = EPROTO;
		return -1;
	}
	return 0;
}
