#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

#include "escape.h"
#include "log.h"

void log_open(void)
{
	openlog("jailsh", LOG_PID, LOG_AUTHPRIV);
}

void log_refusal(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	escape_in_place(msg, sizeof(msg));
	fprintf(stderr, "jailsh: %s\n", msg);
	syslog(LOG_ERR, "%s", msg);
}

void log_error(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	escape_in_place(msg, sizeof(msg));
	fprintf(stderr, "jailsh: %s\n", msg);
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
