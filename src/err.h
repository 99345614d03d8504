/* Errors from the core: a message the front ends report as they see fit,
 * and the errno behind it, for the callers that decide by it. */
#ifndef JAILSH_ERR_H
#define JAILSH_ERR_H

#define JERR_MAX 512

struct jerr {
	char msg[JERR_MAX];
	int errnum; /* the errno behind it, or 0 */
};

/* All set the message and return -1, so that "return jerr_set(...)" reads
 * as what it does. jerr_sys appends ": strerror(errnum)" and keeps errnum;
 * jerr_set clears it. The message is one line whatever the arguments hold:
 * escaped (escape.h), since paths, names and values in it may come from
 * the user. */
int jerr_set(struct jerr *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int jerr_sys(struct jerr *e, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Puts the context FMT says in front of the message, as written (give its
 * separator: "%s: drop_groups: "); errnum stays what it was. */
int jerr_prefix(struct jerr *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
