#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <syslog.h>
#include <unistd.h>

#include "clock.h"
#include "escape.h"
#include "log.h"

/* How long a write to the user's descriptors may block. */
#define LOG_WRITE_MS 1000

void log_open(void)
{
	openlog("jailsh", LOG_PID, LOG_AUTHPRIV);
}

static void on_alarm(int sig)
{
	(void)sig; /* only to interrupt a write */
}

void log_write(int fd, const char *text)
{
	/* no SA_RESTART: the alarm ends a blocked write with EINTR */
	struct sigaction alarm = { .sa_handler = on_alarm }, old_alarm,
			 ignore = { .sa_handler = SIG_IGN }, old_pipe;
	struct itimerval tick = { { 0, 100000 }, { 0, 100000 } }, off = { 0 };
	long long deadline = clock_ms() + LOG_WRITE_MS;
	size_t len = strlen(text), done = 0;

	sigaction(SIGALRM, &alarm, &old_alarm);
	sigaction(SIGPIPE, &ignore, &old_pipe);
	setitimer(ITIMER_REAL, &tick, NULL);
	while (done < len && clock_ms() < deadline) {
		ssize_t n = write(fd, text + done, len - done);

		if (n > 0)
			done += n;
		else if (n == 0 || errno != EINTR)
			break;
	}
	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	sigaction(SIGALRM, &old_alarm, NULL);
}

/* MSG, escaped in place, as one line on stderr */
static void to_stderr(char *msg, size_t size)
{
	char line[1100];

	escape_in_place(msg, size);
	snprintf(line, sizeof(line), "jailsh: %s\n", msg);
	log_write(STDERR_FILENO, line);
}

void log_refusal(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	to_stderr(msg, sizeof(msg));
	syslog(LOG_ERR, "%s", msg);
}

void log_error(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	to_stderr(msg, sizeof(msg));
}

void log_info(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	escape_in_place(msg, sizeof(msg));
	syslog(LOG_INFO, "%s", msg);
}
