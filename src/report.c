#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "report.h"

void report_write(int fd, const struct report *r)
{
	ssize_t n;

	do
		n = write(fd, r, sizeof(*r));
	while (n < 0 && errno == EINTR);
}

void report_send(int fd, int type, int code, const char *msg)
{
	struct report r = { .type = type, .code = code };

	if (msg)
		snprintf(r.msg, sizeof(r.msg), "%s", msg);
	report_write(fd, &r);
}

int report_read(int fd, struct report *r)
{
	ssize_t n;

	do
		n = read(fd, r, sizeof(*r));
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return 0;
	if (n != sizeof(*r))
		return -1;
	r->msg[sizeof(r->msg) - 1] = '\0';
	return 1;
}
