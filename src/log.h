/* How the shell wrapper reports: stderr for the person, syslog (authpriv)
 * for the administrator. Every message is one line: what it holds is
 * escaped (escape.h), so that text from the user cannot forge a line. */
#ifndef JAILSH_LOG_H
#define JAILSH_LOG_H

void log_open(void);

/* "jailsh: MESSAGE" on stderr and in syslog at LOG_ERR. */
void log_refusal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "jailsh: MESSAGE" on stderr only: a wrong command line. */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* syslog only, at LOG_INFO. */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
