/* How the shell wrapper reports: stderr for the person, syslog (authpriv)
 * for the administrator. Every message is one line: what it holds is
 * escaped (escape.h), so that text from the user cannot forge a line. */
#ifndef JAILSH_LOG_H
#define JAILSH_LOG_H

void log_open(void);

/* "jailsh: MESSAGE" on stderr and in syslog at LOG_ERR. */
void log_refusal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "jailsh: MESSAGE" on stderr only: a wrong command line, or how a
 * session ended. */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* syslog only, at LOG_INFO. */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Writes TEXT to FD, which the user controls (a terminal whose output
 * they stopped, a pipe nobody reads), giving up after a moment rather
 * than waiting for them; a reader that is gone is no signal either.
 * Every write to stderr above goes through it. */
void log_write(int fd, const char *text);

#endif
