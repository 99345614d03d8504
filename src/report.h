/* What the jail tells the process outside, over a pipe: one record each,
 * small enough to be written atomically. */
#ifndef JAILSH_REPORT_H
#define JAILSH_REPORT_H

#include "err.h"

enum report_type {
	REPORT_READY = 1, /* the jail is built and the shell started */
	REPORT_ERROR,     /* it could not be: code and message */
	REPORT_EXIT,      /* the shell ended: code is its wait status */
};

struct report {
	int type;
	int code;
	int timed_out;               /* EXIT: max_time ended the session */
	unsigned long long cpu_usec; /* EXIT: of everything init reaped */
	unsigned long long shell_cpu_usec; /* EXIT: the shell's own */
	unsigned long long maxrss_kib;     /* EXIT: the largest process */
	char msg[JERR_MAX];
};

/* One record to FD, written whole (the pipe's writes of this size are
 * atomic); a reader that is gone is no error here. */
void report_write(int fd, const struct report *r);
/* A record of TYPE, CODE and MSG (NULL: none). */
void report_send(int fd, int type, int code, const char *msg);

/* The next record from FD: 1 with *R filled (its msg NUL-terminated), 0
 * when the writer is gone without one, -1 on anything else. */
int report_read(int fd, struct report *r);

#endif
