#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "escape.h"

int jerr_set(struct jerr *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	escape_in_place(e->msg, sizeof(e->msg));
	e->errnum = 0;
	return -1;
}

int jerr_sys(struct jerr *e, int errnum, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	n = strlen(e->msg);
	snprintf(e->msg + n, sizeof(e->msg) - n, ": %s", strerror(errnum));
	escape_in_place(e->msg, sizeof(e->msg));
	e->errnum = errnum;
	return -1;
}

int jerr_prefix(struct jerr *e, const char *fmt, ...)
{
	char msg[JERR_MAX];
	va_list ap;
	size_t n;

	snprintf(msg, sizeof(msg), "%s", e->msg);
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	n = strlen(e->msg);
	snprintf(e->msg + n, sizeof(e->msg) - n, "%s", msg);
	escape_in_place(e->msg, sizeof(e->msg));
	return -1;
}
