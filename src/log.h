/* How the shell wrapper reports: stderr for the person, syslog (authpriv)
 * for the administrator. */
#ifndef JAILSH_LOG_H
#define JAILSH_LOG_H

void log_open(void);

/* "jailsh: MESSAGE" on stderr and in syslog at LOG_ERR. */
void log_refusal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* syslog only, at LOG_INFO. */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
