#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>

#include "fds.h"

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
