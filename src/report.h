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
	int timed_out;     /* EXIT: max_time ended the session */
	unsigned long long cpu_usec;   /* EXIT: of everything init reaped */
	unsigned long long shell_cpu_usec; /* EXIT: the shell's own */
	unsigned long long maxrss_kib; /* EXIT: the largest process */
	char msg[JERR_MAX];
};

void report_send(int fd, int type, int code, const char *msg);

#endif
