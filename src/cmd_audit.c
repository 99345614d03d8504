/* jailsh audit [--json] [USER...]: every way into the account of each
 * jailed user (or of the users named), each with its verdict: jailed
 * (by what), OPEN (why, and the fix), or n/a. Everything is read from
 * the configuration as it is (sshd -T, /etc/pam.d, the cron and at
 * spools, /etc/shells) and nothing is changed. Root only. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "audit_pam.h"
#include "audit_sshd.h"
#include "commands.h"
#include "config.h"
#include "escape.h"
#include "log.h"
#include "conf_policy.h"
#include "self.h"

#define PAM_DIR "/etc/pam.d"
#define SSHD "/usr/sbin/sshd"
#define SSHD_CONFIG "/etc/ssh/sshd_config"
#define SFTP_SERVER "/usr/lib/openssh/sftp-server"
#define SHELLS "/etc/shells"
#define CRONTABS "/var/spool/cron/crontabs"
#define ATJOBS "/var/spool/cron/atjobs"

/* What a service's program does for the user once the session is open. */
enum runs { R_NO_SESSION, R_LOGIN_SHELL, R_ITS_OWN };

struct program {
	const char *service;
	const char *path; /* NULL: always there */
	enum runs runs;
	const char *what; /* %s: the user */
};

static const struct program programs[] = {
	{ "login", "/bin/login", R_LOGIN_SHELL, "login runs the login shell" },
	{ "su", "/bin/su", R_LOGIN_SHELL, "su runs the login shell" },
	{ "su-l", "/bin/su", R_LOGIN_SHELL, "su -l runs the login shell" },
	{ "runuser", "/sbin/runuser", R_ITS_OWN,
	  "runuser -u %s -- COMMAND "
	  "(root's) runs COMMAND itself, without the login shell" },
	{ "runuser-l", "/sbin/runuser", R_LOGIN_SHELL,
	  "runuser -l runs the login shell" },
	{ "sudo", "/usr/bin/sudo", R_ITS_OWN,
	  "sudo -u %s COMMAND runs "
	  "COMMAND itself, without the login shell" },
	{ "sudo-i", "/usr/bin/sudo", R_LOGIN_SHELL,
	  "sudo -i runs the login shell" },
	{ "cron", "/usr/sbin/cron", R_ITS_OWN,
	  "cron runs the jobs of %s's "
	  "crontab with /bin/sh (or the crontab's SHELL), not the login "
	  "shell" },
	{ "atd", "/usr/sbin/atd", R_ITS_OWN,
	  "atd runs the at and batch "
	  "jobs of %s with /bin/sh, not the login shell" },
	{ "systemd-user", NULL, R_ITS_OWN,
	  "systemd starts the service "
	  "manager of %s (user@.service), which runs the units in "
	  "~/.config/systemd/user" },
	{ "other", NULL, R_ITS_OWN,
	  "a program whose PAM service has no file "
	  "of its own (or no session line) uses this stack" },
	{ "passwd", NULL, R_NO_SESSION, NULL },
	{ "chfn", NULL, R_NO_SESSION, NULL },
	{ "chsh", NULL, R_NO_SESSION, NULL },
	{ "chpasswd", NULL, R_NO_SESSION, NULL },
	{ "chage", NULL, R_NO_SESSION, NULL },
	{ "newusers", NULL, R_NO_SESSION, NULL },
	{ "polkit-1", NULL, R_NO_SESSION, NULL },
};

struct service {
	char *name;
	const struct program *prog; /* NULL: not one jailsh knows */
	struct audit_pam pam;
};

enum shell_kind { SH_JAILSH, SH_REFUSES, SH_QUIET, SH_OTHER };

struct who {
	const char *name;
	uid_t uid;
	const char *shell;
	enum shell_kind sh;
	int pam; /* pam_jailsh, where reached, jails the user */
	const char *profile;
	char error[JERR_MAX];
};

struct audit {
	int json, nusers, open, errors;
	char pam_line[600];
	struct service *svc;
	size_t nsvc;
	const struct service *sshd_svc;
	char self[PATH_MAX];
};

/* --- output ---------------------------------------------------------- */

static void json_string(const char *s)
{
	char shown[2048];

	escape_text(shown, sizeof(shown), s ? s : "");
	putchar('"');
	for (const unsigned char *c = (const unsigned char *)shown; *c; c++)
		if (*c == '"' || *c == '\\')
			printf("\\%c", *c);
		else
			putchar(*c);
	putchar('"');
}

static const char *const verdicts[] = { "n/a", "jailed", "OPEN" };
static const char *const fix_kinds[] = { "",        "append", "match",
					 "replace", "remove", "run" };

static void text_fix(const struct who *u, const struct audit_way *w, char *buf,
		     size_t size)
{
	switch (w->fix) {
	case FIX_NONE:
		buf[0] = '\0';
		break;
	case FIX_APPEND:
		snprintf(buf, size, "; fix: add '%s' at the end of %s", w->line,
			 w->file);
		break;
	case FIX_MATCH:
		snprintf(buf, size,
			 "; fix: add '%s' to %s, in a block "
			 "'Match User %s' after all global settings",
			 w->line, w->file, u->name);
		break;
	case FIX_REPLACE:
		snprintf(buf, size, "; fix: make %s read '%s'", w->where,
			 w->line);
		break;
	case FIX_REMOVE:
		snprintf(buf, size, "; fix: remove the line '%s' from %s",
			 w->line, w->file);
		break;
	case FIX_RUN:
		snprintf(buf, size, "; fix: %s", w->line);
		break;
	}
}

static void emit(struct audit *a, const struct who *u,
		 const struct audit_way *w, int first)
{
	char fix[1200], line[2600];

	if (w->v == AUDIT_OPEN)
		a->open++;
	if (a->json) {
		printf("%s\n    {\"way\":", first ? "" : ",");
		json_string(w->name);
		printf(",\"verdict\":\"%s\",\"text\":", verdicts[w->v]);
		json_string(w->text);
		if (w->fix != FIX_NONE) {
			printf(",\"fix\":{\"action\":\"%s\",\"file\":",
			       fix_kinds[w->fix]);
			json_string(w->file);
			printf(",\"line\":");
			json_string(w->line);
			printf(",\"where\":");
			json_string(w->where);
			printf("}");
		}
		printf("}");
		return;
	}
	text_fix(u, w, fix, sizeof(fix));
	snprintf(line, sizeof(line), "%s %s %s: %s%s", u->name, w->name,
		 verdicts[w->v], w->text, fix);
	escape_in_place(line, sizeof(line));
	printf("%s\n", line);
}

/* --- the ways -------------------------------------------------------- */

static void way(struct audit_way *w, const char *name, enum audit_verdict v,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void way(struct audit_way *w, const char *name, enum audit_verdict v,
		const char *fmt, ...)
{
	va_list ap;

	memset(w, 0, sizeof(*w));
	snprintf(w->name, sizeof(w->name), "%s", name);
	w->v = v;
	va_start(ap, fmt);
	vsnprintf(w->text, sizeof(w->text), fmt, ap);
	va_end(ap);
}

static void fix(struct audit_way *w, enum audit_fix kind, const char *file,
		const char *line, const char *where)
{
	w->fix = kind;
	snprintf(w->file, sizeof(w->file), "%s", file);
	snprintf(w->line, sizeof(w->line), "%s", line);
	snprintf(w->where, sizeof(w->where), "%s", where ? where : "");
}

static int sshd_pam(const struct audit *a, const struct who *u,
		    const struct audit_sshd *s)
{
	return s->usepam && u->pam && a->sshd_svc &&
	       a->sshd_svc->pam.state == APAM_JAILS;
}

/* Something sshd runs with the login shell ("shell -c WHAT"). */
static void via_shell(const struct audit *a, const struct who *u,
		      const struct audit_sshd *s, struct audit_way *w,
		      const char *name, const char *what)
{
	int pam = sshd_pam(a, u, s);

	if (u->sh == SH_JAILSH)
		way(w, name, AUDIT_JAILED,
		    "by the login shell (sshd runs %s "
		    "with it)%s",
		    what, pam ? ", and by pam_jailsh in sshd" : "");
	else if (u->sh == SH_REFUSES)
		way(w, name, AUDIT_NA,
		    "sshd runs %s with the login shell "
		    "%s, which runs nothing",
		    what, u->shell);
	else if (pam)
		way(w, name, AUDIT_JAILED,
		    "by pam_jailsh in sshd (%s); sshd "
		    "runs %s with the login shell %s",
		    a->sshd_svc->pam.where, what, u->shell);
	else
		way(w, name, AUDIT_OPEN,
		    "sshd runs %s with the login shell "
		    "%s, outside any jail",
		    what, u->shell);
}

/* What sshd runs itself, in its own process: jailed only by the PAM
 * module, which moves that process into the jail. */
static void in_sshd(const struct audit *a, const struct who *u,
		    const struct audit_sshd *s, struct audit_way *w,
		    const char *name, const char *what)
{
	if (sshd_pam(a, u, s))
		way(w, name, AUDIT_JAILED,
		    "by pam_jailsh in sshd (%s): %s in "
		    "sshd's session process, which is in the jail",
		    a->sshd_svc->pam.where, what);
	else
		way(w, name, AUDIT_OPEN,
		    "%s in sshd's own process, outside "
		    "any jail%s",
		    what,
		    !s->usepam ? " (UsePAM no)" :
		    !u->pam    ? " (pam_jailsh leaves the user alone: no "
				 "profile, jail_all_users off)" :
				 "");
}

static int first_word_is_self(const char *cmd)
{
	char word[PATH_MAX];
	struct jerr e;

	snprintf(word, sizeof(word), "%.*s", (int)strcspn(cmd, " \t"), cmd);
	return word[0] == '/' && self_is(word, &e) == 1;
}

static int is_internal_sftp(const char *cmd)
{
	return !strncmp(cmd, "internal-sftp", 13) &&
	       (!cmd[13] || cmd[13] == ' ' || cmd[13] == '\t');
}

/* Under a ForceCommand: the session, and every subsystem, runs it. */
static void forced(const struct audit *a, const struct who *u,
		   const struct audit_sshd *s, struct audit_way *w,
		   const char *name)
{
	const char *fc = s->forcecommand;

	if (is_internal_sftp(fc)) {
		in_sshd(a, u, s, w, name, "ForceCommand internal-sftp runs");
		fix(w, FIX_MATCH, SSHD_CONFIG, "ForceCommand none", NULL);
		return;
	}
	if (u->sh == SH_JAILSH || u->sh == SH_REFUSES ||
	    !first_word_is_self(fc)) {
		via_shell(a, u, s, w, name, "the ForceCommand");
		if (w->v == AUDIT_OPEN) {
			fix(w, FIX_MATCH, SSHD_CONFIG, "", NULL);
			snprintf(w->line, sizeof(w->line),
				 "ForceCommand %.400s", a->self);
		}
		return;
	}
	if (u->sh == SH_QUIET || sshd_pam(a, u, s)) {
		way(w, name, AUDIT_JAILED,
		    "by ForceCommand %s (the login "
		    "shell %s that runs it reads no file of the user's)%s",
		    fc, u->shell,
		    sshd_pam(a, u, s) ? ", and by pam_jailsh in "
					"sshd" :
					"");
		return;
	}
	way(w, name, AUDIT_OPEN,
	    "ForceCommand %s is run by the login shell "
	    "%s, which reads files of the user's (~/.bashrc, ~/.zshenv) "
	    "first, outside the jail",
	    fc, u->shell);
	fix(w, FIX_RUN, "", "", NULL);
	snprintf(w->line, sizeof(w->line), "usermod -s /bin/sh %s", u->name);
}

static void ssh_session(const struct audit *a, const struct who *u,
			const struct audit_sshd *s, struct audit_way *w)
{
	if (s->forcecommand[0]) {
		forced(a, u, s, w, "ssh-session");
		return;
	}
	via_shell(a, u, s, w, "ssh-session", "the session and its commands");
	if (w->v != AUDIT_OPEN)
		return;
	fix(w, FIX_RUN, "", "", NULL);
	snprintf(w->line, sizeof(w->line), "usermod -s %.400s %s", a->self,
		 u->name);
}

static void ssh_subsystem(const struct audit *a, const struct who *u,
			  const struct audit_sshd *s, int i,
			  struct audit_way *w)
{
	char name[80], what[300];

	snprintf(name, sizeof(name), "ssh-subsystem-%s", s->subsys[i][0]);
	if (s->forcecommand[0]) {
		forced(a, u, s, w, name);
		return;
	}
	if (is_internal_sftp(s->subsys[i][1])) {
		in_sshd(a, u, s, w, name, "internal-sftp runs");
		if (w->v == AUDIT_OPEN)
			fix(w, FIX_REPLACE, SSHD_CONFIG,
			    "Subsystem sftp " SFTP_SERVER,
			    "the Subsystem line of " SSHD_CONFIG);
		return;
	}
	snprintf(what, sizeof(what), "%s", s->subsys[i][1]);
	via_shell(a, u, s, w, name, what);
}

/* TCP, Unix-socket and X11 forwarding and tunnels: sshd does them. */
static void ssh_feature(const struct audit *a, const struct who *u,
			const struct audit_sshd *s, struct audit_way *w,
			const char *name, const char *value, const char *option,
			const char *what)
{
	char off[80];

	snprintf(off, sizeof(off), "%s no", option);
	if (!strcmp(value, "no")) {
		way(w, name, AUDIT_NA, "%s", off);
		return;
	}
	in_sshd(a, u, s, w, name, what);
	if (w->v == AUDIT_OPEN)
		fix(w, FIX_MATCH, SSHD_CONFIG, off, NULL);
}

static void ssh_user_rc(const struct audit *a, const struct who *u,
			const struct audit_sshd *s, struct audit_way *w)
{
	if (!s->userrc)
		way(w, "ssh-user-rc", AUDIT_NA, "PermitUserRC no");
	else if (s->forcecommand[0])
		way(w, "ssh-user-rc", AUDIT_NA,
		    "sshd runs no ~/.ssh/rc under "
		    "a ForceCommand");
	else
		via_shell(a, u, s, w, "ssh-user-rc", "~/.ssh/rc");
	if (w->v == AUDIT_OPEN)
		fix(w, FIX_MATCH, SSHD_CONFIG, "PermitUserRC no", NULL);
}

static void ssh_ways(struct audit *a, const struct who *u, int *first)
{
	struct audit_sshd s;
	struct audit_way w;

	audit_sshd_read(SSHD, u->name, "localhost", "127.0.0.1", &s);
	if (!s.installed) {
		way(&w, "ssh", AUDIT_NA, "%s is not installed", SSHD);
		emit(a, u, &w, *first);
		*first = 0;
		return;
	}
	if (s.err[0]) {
		way(&w, "ssh", AUDIT_OPEN, "cannot tell: %s", s.err);
		emit(a, u, &w, *first);
		*first = 0;
		return;
	}
	ssh_session(a, u, &s, &w);
	emit(a, u, &w, *first);
	*first = 0;
	for (int i = 0; i < s.nsubsys; i++) {
		ssh_subsystem(a, u, &s, i, &w);
		emit(a, u, &w, 0);
	}
	ssh_feature(a, u, &s, &w, "ssh-tcp-forwarding", s.tcp,
		    "AllowTcpForwarding", "TCP forwarding is done");
	emit(a, u, &w, 0);
	ssh_feature(a, u, &s, &w, "ssh-unix-forwarding", s.streamlocal,
		    "AllowStreamLocalForwarding",
		    "Unix-socket forwarding is done");
	emit(a, u, &w, 0);
	ssh_feature(a, u, &s, &w, "ssh-x11-forwarding", s.x11, "X11Forwarding",
		    "X11 forwarding listens");
	emit(a, u, &w, 0);
	ssh_feature(a, u, &s, &w, "ssh-tunnel", s.tunnel, "PermitTunnel",
		    "tun/tap forwarding is done");
	emit(a, u, &w, 0);
	ssh_user_rc(a, u, &s, &w);
	emit(a, u, &w, 0);
}

/* May USER use it, by ALLOW and DENY (cron.allow, at.deny...)?
 * Neither: DFLT. */
static int listed(const char *file, const char *user)
{
	char line[512];
	FILE *f = fopen(file, "re");
	int found = 0;

	if (!f)
		return errno == ENOENT ? -1 : 1; /* unreadable: assume so */
	while (!found && fgets(line, sizeof(line), f)) {
		line[strcspn(line, " \t\r\n")] = '\0';
		found = !strcmp(line, user);
	}
	fclose(f);
	return found;
}

static int may_use(const char *allow, const char *deny, const char *user,
		   int dflt)
{
	int r = listed(allow, user);

	if (r >= 0)
		return r;
	r = listed(deny, user);
	return r >= 0 ? !r : dflt;
}

/* Does the user have a job in the spool DIR (a file they own)? */
static int has_job(const char *dir, uid_t uid)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct stat st;
	int found = 0;

	if (!d)
		return errno != ENOENT; /* cannot tell: as if */
	while (!found && (de = readdir(d)))
		found = de->d_name[0] != '.' &&
			fstatat(dirfd(d), de->d_name, &st,
				AT_SYMLINK_NOFOLLOW) == 0 &&
			S_ISREG(st.st_mode) && st.st_uid == uid;
	closedir(d);
	return found;
}

/* n/a for this user (why, in W), or 0. */
static int not_for(const struct service *sv, const struct who *u,
		   struct audit_way *w, const char *name)
{
	const struct program *p = sv->prog;

	if (p && p->runs == R_NO_SESSION) {
		way(w, name, AUDIT_NA, "%s opens no session", sv->name);
		return 1;
	}
	if (p && p->path && access(p->path, X_OK) < 0) {
		way(w, name, AUDIT_NA, "%s is not installed", p->path);
		return 1;
	}
	if (!strcmp(sv->name, "systemd-user") &&
	    access("/run/systemd/system", F_OK) < 0) {
		way(w, name, AUDIT_NA,
		    "systemd is not the init: no user "
		    "service manager is started");
		return 1;
	}
	if (!strcmp(sv->name, "cron") &&
	    !may_use("/etc/cron.allow", "/etc/cron.deny", u->name, 1) &&
	    !has_job(CRONTABS, u->uid)) {
		way(w, name, AUDIT_NA,
		    "cron.allow or cron.deny keeps %s from "
		    "crontab, and there is no crontab of %s's",
		    u->name, u->name);
		return 1;
	}
	if (!strcmp(sv->name, "atd") &&
	    !may_use("/etc/at.allow", "/etc/at.deny", u->name, 0) &&
	    !has_job(ATJOBS, u->uid)) {
		way(w, name, AUDIT_NA,
		    "at.allow or at.deny keeps %s from at, "
		    "and there is no job of %s's",
		    u->name, u->name);
		return 1;
	}
	return 0;
}

static void what_it_runs(const struct service *sv, const struct who *u,
			 char *buf, size_t size)
{
	const char *w = sv->prog ? sv->prog->what : NULL;
	const char *at = w ? strstr(w, "%s") : NULL;

	if (at)
		snprintf(buf, size, "%.*s%s%s", (int)(at - w), w, u->name,
			 at + 2);
	else if (w)
		snprintf(buf, size, "%s", w);
	else
		snprintf(buf, size,
			 "%s is a service jailsh does not know: "
			 "it may start anything for %s",
			 sv->name, u->name);
	if (!strcmp(sv->name, "cron") && has_job(CRONTABS, u->uid))
		snprintf(buf + strlen(buf), size - strlen(buf),
			 "; %s has a "
			 "crontab",
			 u->name);
}

/* Why pam_jailsh in the stack does not jail the user, or "". */
static const char *pam_gap(const struct service *sv, const struct who *u)
{
	switch (sv->pam.state) {
	case APAM_NONE:
		return sv->pam.why[0] ? sv->pam.why :
					"no pam_jailsh in its session stack";
	case APAM_WEAK:
	case APAM_ERROR:
		return sv->pam.why;
	case APAM_JAILS:
		break;
	}
	return u->pam ? "" :
			"pam_jailsh leaves the user alone (no profile "
			"applies, jail_all_users is off)";
}

static void pam_open(const struct audit *a, const struct service *sv,
		     const struct who *u, struct audit_way *w, const char *name)
{
	char what[400];

	what_it_runs(sv, u, what, sizeof(what));
	way(w, name, AUDIT_OPEN, "%s; %s", what, pam_gap(sv, u));
	if (!strcmp(sv->name, "systemd-user")) {
		fix(w, FIX_RUN, "", "", NULL);
		snprintf(w->line, sizeof(w->line),
			 "systemctl mask "
			 "user@%u.service",
			 u->uid);
	} else if (sv->pam.state == APAM_WEAK) {
		/* FILE:LINE of the module's line: the file is FILE */
		fix(w, FIX_REPLACE, "", a->pam_line, sv->pam.where);
		snprintf(w->file, sizeof(w->file), "%.*s",
			 (int)strcspn(sv->pam.where, ":"), sv->pam.where);
	} else if (sv->pam.state == APAM_NONE) {
		char file[300];

		snprintf(file, sizeof(file), "%s/%s", PAM_DIR, sv->name);
		fix(w, FIX_APPEND, file, a->pam_line, NULL);
	} else if (sv->pam.state == APAM_JAILS) {
		fix(w, FIX_RUN, "", "", NULL);
		snprintf(w->line, sizeof(w->line),
			 "give %s a profile (%s/"
			 "users/%s.conf) or set jail_all_users = yes in %s/"
			 "jailsh.conf",
			 u->name, JAILSH_CONFDIR, u->name, JAILSH_CONFDIR);
	}
}

static void pam_way(const struct audit *a, const struct service *sv,
		    const struct who *u, struct audit_way *w)
{
	char name[80], after[400] = "";
	int login = sv->prog && sv->prog->runs == R_LOGIN_SHELL;
	int pam = sv->pam.state == APAM_JAILS && u->pam;

	snprintf(name, sizeof(name), "pam:%s", sv->name);
	if (not_for(sv, u, w, name))
		return;
	if (pam && sv->pam.after[0])
		snprintf(after, sizeof(after),
			 "; after it in the stack, "
			 "running in the jail: %.200s",
			 sv->pam.after);
	if (pam && sv->pam.again[0])
		snprintf(after + strlen(after), sizeof(after) - strlen(after),
			 "; error: pam_jailsh is in this stack again, at "
			 "%.150s, which runs in the jail and can refuse the "
			 "session: remove one",
			 sv->pam.again);
	if (pam)
		way(w, name, AUDIT_JAILED, "by pam_jailsh in %s (%s)%s%s",
		    sv->name, sv->pam.where,
		    login && u->sh == SH_JAILSH ? ", and by the login shell" :
						  "",
		    after);
	else if (login && u->sh == SH_JAILSH)
		way(w, name, AUDIT_JAILED, "by the login shell (%s)%s%s",
		    sv->prog->what,
		    sv->pam.state == APAM_WEAK ?
			    "; its pam_jailsh does not hold: " :
			    "",
		    sv->pam.state == APAM_WEAK ? sv->pam.why : "");
	else if (login && u->sh == SH_REFUSES)
		way(w, name, AUDIT_NA, "%s, %s, which runs nothing",
		    sv->prog->what, u->shell);
	else
		pam_open(a, sv, u, w, name);
}

/* su -s and chsh: both go by /etc/shells. */
static void shells_way(const struct who *u, struct audit_way *w)
{
	char line[PATH_MAX];
	struct jerr e;
	FILE *f;

	if (u->sh != SH_JAILSH) {
		way(w, "su-s-chsh", AUDIT_NA, "the login shell is not jailsh");
		return;
	}
	f = fopen(SHELLS, "re");
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] != '/' || self_is(line, &e) != 1)
			continue;
		fclose(f);
		way(w, "su-s-chsh", AUDIT_OPEN,
		    "%s, which is jailsh, is in "
		    "%s: su -s SHELL %s and su -m run another shell for "
		    "callers other than root, and chsh lets %s choose one",
		    line, SHELLS, u->name, u->name);
		fix(w, FIX_REMOVE, SHELLS, line, NULL);
		return;
	}
	if (f)
		fclose(f);
	way(w, "su-s-chsh", AUDIT_JAILED,
	    "jailsh is not in %s: su keeps the "
	    "login shell for callers other than root (-s, -m), chsh refuses "
	    "to change it",
	    SHELLS);
}

/* --- users ----------------------------------------------------------- */

static enum shell_kind shell_kind(const char *shell)
{
	char real[PATH_MAX];
	const char *b;
	struct jerr e;

	if (!shell[0])
		shell = "/bin/sh";
	if (shell[0] == '/' && self_is(shell, &e) == 1)
		return SH_JAILSH;
	if (!realpath(shell, real))
		return SH_REFUSES; /* sshd and login refuse it too */
	b = strrchr(real, '/') + 1;
	if (!strcmp(b, "nologin") || !strcmp(b, "false"))
		return SH_REFUSES;
	return !strcmp(b, "dash") ? SH_QUIET : SH_OTHER;
}

/* Fills U from the password database and the configuration. 1: the
 * user is jailed by something (or NAMED); 0: not; -1: no such user. */
static int load_user(struct who *u, struct policy *po, const char *name,
		     int named)
{
	struct jerr e;

	memset(po, 0, sizeof(*po));
	memset(u, 0, sizeof(*u));
	if (identity_from_name(name, &po->id, &e) < 0) {
		snprintf(u->error, sizeof(u->error), "%s", e.msg);
		return -1;
	}
	u->name = po->id.name;
	u->uid = po->id.uid;
	u->shell = po->id.shell;
	u->sh = shell_kind(u->shell);
	if (policy_load(po, JAILSH_CONFDIR, &e) < 0) {
		/* every jailed way refuses the session: none of them opens */
		snprintf(u->error, sizeof(u->error), "%s", e.msg);
		u->profile = "(error)";
		u->pam = 1;
		/* but a user whom only the built-in default would jail, and
		 * it cannot (a home at /), is jailed by nothing */
		return named || u->sh == SH_JAILSH || !po->profile.file ||
		       strcmp(po->profile.file, PROFILE_BUILTIN_NAME) ||
		       po->settings.jail_all_users;
	}
	u->profile = po->profile.file;
	u->pam = strcmp(po->profile.file, PROFILE_BUILTIN_NAME) ||
		 po->settings.jail_all_users;
	return named || u->pam || u->sh == SH_JAILSH;
}

static void user_head(struct audit *a, const struct who *u)
{
	char line[2048];

	if (a->json) {
		printf("%s\n  {\"user\":", a->nusers ? "," : "");
		json_string(u->name);
		printf(",\"uid\":%u,\"login_shell\":", u->uid);
		json_string(u->shell);
		printf(",\"login_shell_is_jailsh\":%s,\"profile\":",
		       u->sh == SH_JAILSH ? "true" : "false");
		json_string(u->profile);
		printf(",\"pam_jailsh_jails\":%s,\"error\":",
		       u->pam ? "true" : "false");
		if (u->error[0])
			json_string(u->error);
		else
			printf("null");
		printf(",\"ways\":[");
	} else {
		snprintf(line, sizeof(line),
			 "%s: uid %u, login shell %s%s, "
			 "profile %s, %s%s%s",
			 u->name, u->uid, u->shell,
			 u->sh == SH_JAILSH ? " (jailsh)" : "", u->profile,
			 u->pam ? "pam_jailsh jails this user" :
				  "pam_jailsh leaves this user alone",
			 u->error[0] ? "; error: " : "", u->error);
		escape_in_place(line, sizeof(line));
		printf("%s\n", line);
	}
	a->nusers++;
	if (u->error[0])
		a->errors++;
}

static void audit_user(struct audit *a, const struct who *u)
{
	struct audit_way w;
	int first = 1;

	user_head(a, u);
	ssh_ways(a, u, &first);
	for (size_t i = 0; i < a->nsvc; i++) {
		if (!strcmp(a->svc[i].name, "sshd"))
			continue; /* the ssh lines say what it does */
		pam_way(a, &a->svc[i], u, &w);
		emit(a, u, &w, 0);
		if (w.v == AUDIT_JAILED && a->svc[i].pam.again[0] && u->pam)
			a->errors++;
	}
	shells_way(u, &w);
	emit(a, u, &w, 0);
	if (a->json)
		printf("\n  ]}");
}

/* NAME, if the user is jailed by something, or named. */
static int one_user(struct audit *a, const char *name, int named)
{
	struct policy po;
	struct who u;
	int r = load_user(&u, &po, name, named);

	if (r < 0) {
		fprintf(stderr, "jailsh: audit: %s\n", u.error);
		a->errors++;
	} else if (r > 0) {
		audit_user(a, &u);
	}
	policy_free(&po);
	return r;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Every user of the password database but root, by name. */
static int all_users(struct audit *a)
{
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct passwd *pw;

	setpwent();
	while ((errno = 0, pw = getpwent())) {
		if (pw->pw_uid == 0)
			continue;
		if (n == cap) {
			char **more = realloc(names, (cap = cap * 2 + 64) *
							     sizeof(char *));

			if (!more)
				break;
			names = more;
		}
		if (!(names[n] = strdup(pw->pw_name)))
			break;
		n++;
	}
	endpwent();
	if (pw || errno) {
		fprintf(stderr,
			"jailsh: audit: reading the password database "
			"failed: %s\n",
			strerror(errno ? errno : ENOMEM));
		a->errors++;
	}
	if (n)
		qsort(names, n, sizeof(char *), cmp_str);
	for (size_t i = 0; i < n; i++) {
		/* the same name twice (files and another source) once */
		if (!i || strcmp(names[i], names[i - 1]))
			one_user(a, names[i], 0);
		free(names[i]);
	}
	free(names);
	return 0;
}

/* --- services -------------------------------------------------------- */

static int add_service(struct audit *a, const char *name)
{
	struct service *sv;

	for (size_t i = 0; i < a->nsvc; i++)
		if (!strcmp(a->svc[i].name, name))
			return 0;
	sv = realloc(a->svc, (a->nsvc + 1) * sizeof(*sv));
	if (!sv)
		return -1;
	a->svc = sv;
	sv = &a->svc[a->nsvc];
	memset(sv, 0, sizeof(*sv));
	if (!(sv->name = strdup(name)))
		return -1;
	a->nsvc++;
	for (size_t i = 0; i < sizeof(programs) / sizeof(*programs); i++)
		if (!strcmp(programs[i].service, name))
			sv->prog = &programs[i];
	audit_pam_read(PAM_DIR, name, JAILSH_PAM_MODULE, JAILSH_PAM_SYSDIR,
		       &sv->pam);
	return 0;
}

static int cmp_service(const void *x, const void *y)
{
	return strcmp(((const struct service *)x)->name,
		      ((const struct service *)y)->name);
}

/* Every file of /etc/pam.d, and the services of the programs jailsh
 * knows that are installed without one (they use "other"). */
static int load_services(struct audit *a)
{
	char **names;
	size_t n;
	struct jerr e;
	int r = 0;

	if (audit_pam_services(PAM_DIR, &names, &n, &e) < 0) {
		fprintf(stderr, "jailsh: audit: %s\n", e.msg);
		return -1;
	}
	for (size_t i = 0; i < n && r == 0; i++)
		r = add_service(a, names[i]);
	audit_pam_services_free(names, n);
	for (size_t i = 0; i < sizeof(programs) / sizeof(*programs); i++)
		if (r == 0 && programs[i].path &&
		    programs[i].runs != R_NO_SESSION &&
		    access(programs[i].path, X_OK) == 0)
			r = add_service(a, programs[i].service);
	if (r == 0 && access(SSHD, X_OK) == 0)
		r = add_service(a, "sshd");
	if (r < 0) {
		fprintf(stderr, "jailsh: audit: out of memory\n");
		return -1;
	}
	qsort(a->svc, a->nsvc, sizeof(*a->svc), cmp_service);
	for (size_t i = 0; i < a->nsvc; i++)
		if (!strcmp(a->svc[i].name, "sshd"))
			a->sshd_svc = &a->svc[i];
	return 0;
}

static void free_services(struct audit *a)
{
	for (size_t i = 0; i < a->nsvc; i++)
		free(a->svc[i].name);
	free(a->svc);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: jailsh audit [--json] [USER...]\n");
}

int cmd_audit(int argc, char **argv)
{
	struct audit a = { 0 };
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (strcmp(argv[i], "--json")) {
			usage(stderr);
			return 2;
		}
		a.json = 1;
	}
	if (getuid() != 0) {
		log_refusal("audit: only root may audit the ways in");
		return 2;
	}
	if (!realpath("/proc/self/exe", a.self) || load_services(&a) < 0)
		return 2;
	audit_pam_line(JAILSH_PAM_MODULE, JAILSH_PAM_SYSDIR, a.pam_line,
		       sizeof(a.pam_line));
	if (a.json)
		printf("{\"users\":[");
	if (i == argc)
		all_users(&a);
	for (; i < argc; i++)
		one_user(&a, argv[i], 1);
	if (a.json)
		printf("\n],\"open\":%d,\"errors\":%d}\n", a.open, a.errors);
	else
		printf("%d user%s, %d way%s open%s\n", a.nusers,
		       a.nusers == 1 ? "" : "s", a.open, a.open == 1 ? "" : "s",
		       a.errors ? ", errors above" : "");
	free_services(&a);
	return a.open || a.errors ? 1 : 0;
}
