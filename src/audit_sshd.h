/* jailsh audit: sshd's effective settings for one user, as sshd itself
 * computes them ("sshd -T -C user=..."). Used by cmd_audit.c only. */
#ifndef JAILSH_AUDIT_SSHD_H
#define JAILSH_AUDIT_SSHD_H

#define AUDIT_SSHD_SUBSYS 8

struct audit_sshd {
	int installed; /* the program exists */
	char err[512]; /* sshd -T failed: what it said */
	int usepam;
	char forcecommand[512]; /* "" for none */
	int nsubsys;
	char subsys[AUDIT_SSHD_SUBSYS][2][256]; /* name, command */
	/* what sshd does itself, outside any shell, when not "no" */
	char tcp[16], streamlocal[16], x11[16], tunnel[16];
	int userrc;
};

/* Runs SSHD -T -C user=USER,host=HOST,addr=ADDR and reads what it
 * prints. Where /run/sshd (which sshd insists on) does not exist, it
 * runs in a mount namespace of its own where it does: nothing on the
 * host changes. installed is 0 where SSHD does not exist; err is set
 * where it failed. */
void audit_sshd_read(const char *sshd, const char *user, const char *host,
		     const char *addr, struct audit_sshd *s);

#endif
