/* jailsh audit: what a PAM service's session stack does about
 * pam_jailsh, read from its file in /etc/pam.d with its includes and
 * substacks written out as libpam does. Used by cmd_audit.c only. */
#ifndef JAILSH_AUDIT_PAM_H
#define JAILSH_AUDIT_PAM_H

#include <stddef.h>

#include "err.h"

enum audit_pam_state {
	APAM_NONE,  /* no line of this installation's module */
	APAM_JAILS, /* reached on every path, and its failure fails */
	APAM_WEAK,  /* there, but a session can open without it (why) */
	APAM_ERROR, /* the stack cannot be read (why) */
};

struct audit_pam {
	enum audit_pam_state state;
	int nsession;    /* session lines, includes written out */
	int systemd;     /* pam_systemd.so is among them */
	char why[512];   /* WEAK, ERROR; NONE: a module of another
			     * installation, if there is one */
	char where[320]; /* FILE:LINE of the module's line */
	char after[256]; /* the session modules after it */
	char again[320]; /* FILE:LINE of a second line of it, which runs
			     * in the jail the first made */
};

/* The session stack of SERVICE, whose file is DIR/SERVICE, as it
 * concerns the module MODULE (this installation's pam_jailsh.so; a
 * line names it by a path, or by a name relative to SYSDIR, libpam's
 * own directory). */
void audit_pam_read(const char *dir, const char *service, const char *module,
		    const char *sysdir, struct audit_pam *ap);

/* The services in DIR: every file there but common-* (pieces that
 * services include), editors' and dpkg's copies and dot files, sorted.
 * Free with audit_pam_services_free. */
int audit_pam_services(const char *dir, char ***names, size_t *n,
		       struct jerr *e);
void audit_pam_services_free(char **names, size_t n);

/* The line to add for MODULE: "session required pam_jailsh.so" where
 * libpam finds it by that name in SYSDIR, else with its path. */
void audit_pam_line(const char *module, const char *sysdir, char *buf,
		    size_t size);

#endif
