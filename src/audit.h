/* jailsh audit: one way into an account, and what holds it. */
#ifndef JAILSH_AUDIT_H
#define JAILSH_AUDIT_H

enum audit_verdict { AUDIT_NA, AUDIT_JAILED, AUDIT_OPEN };

/* What to change: FILE and LINE, and how. */
enum audit_fix {
	FIX_NONE,
	FIX_APPEND,  /* LINE at the end of FILE */
	FIX_MATCH,   /* LINE in a "Match User U" block at the end of FILE */
	FIX_REPLACE, /* LINE instead of the one at WHERE (FILE:N) */
	FIX_REMOVE,  /* the line LINE out of FILE */
	FIX_RUN,     /* the command LINE */
};

struct audit_way {
	char name[80]; /* "ssh-session", "pam:cron" */
	enum audit_verdict v;
	char text[1024]; /* how it is jailed, why it is open or n/a */
	enum audit_fix fix;
	char file[256];
	char line[512];
	char where[320];
};

#endif
