/* jailsh audit: a PAM service's session stack, written out as libpam
 * builds it (pam_handlers.c): "@include" and "include" put the lines of
 * another file in place, "substack" too, one level down; a service with
 * no session line, or no file, uses "other". Then: is this
 * installation's pam_jailsh reached on every path, and does its
 * failure fail the session? */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "audit_pam.h"

#define MAX_ENTRIES 256
#define MAX_LEVEL 8 /* libpam's PAM_SUBSTACK_MAX_LEVEL is 16 */

enum control {
	C_REQUIRED,
	C_REQUISITE,
	C_OPTIONAL,
	C_SUFFICIENT,
	C_BRACKET,
	C_SUBSTACK
};

struct entry {
	enum control ctl;
	char actions[200]; /* inside the brackets */
	char module[256];
	int dash;        /* "-session": a module that does not load is
			    * passed over */
	int level;       /* of substacks */
	char where[300]; /* FILE:LINE */
};

struct stack {
	struct entry *ent;
	int n;
	char err[400];
	const char *dir;
};

/* One logical line: comments gone, "\" at the end joins the next. */
static int next_line(FILE *f, char *buf, size_t size, int *lineno)
{
	size_t n = 0;
	char part[1024];

	buf[0] = '\0';
	while (fgets(part, sizeof(part), f)) {
		size_t len;
		char *hash;

		(*lineno)++;
		hash = strchr(part, '#');
		if (hash)
			*hash = '\0';
		len = strcspn(part, "\n");
		part[len] = '\0';
		if (len && part[len - 1] == '\\') {
			part[len - 1] = ' ';
			n += snprintf(buf + n, n < size ? size - n : 0, "%s",
				      part);
			continue;
		}
		snprintf(buf + n, n < size ? size - n : 0, "%s", part);
		return 1;
	}
	return buf[0] != '\0';
}

/* Splits LINE into words; a word that starts with "[" goes on to the
 * "]" (a bracketed control has spaces in it). */
static int split(char *line, char **w, int max)
{
	int n = 0;
	char *s = line;

	while (n < max) {
		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		w[n++] = s;
		if (*s == '[') {
			char *end = strchr(s, ']');

			s = end ? end + 1 : s + strlen(s);
		} else {
			while (*s && !isspace((unsigned char)*s))
				s++;
		}
		if (*s)
			*s++ = '\0';
	}
	return n;
}

static int add(struct stack *st, enum control ctl, const char *actions,
	       const char *module, int dash, int level, const char *file,
	       int line)
{
	struct entry *e;

	if (st->n == MAX_ENTRIES) {
		snprintf(st->err, sizeof(st->err),
			 "%s: more than %d "
			 "session lines",
			 file, MAX_ENTRIES);
		return -1;
	}
	e = &st->ent[st->n++];
	e->ctl = ctl;
	snprintf(e->actions, sizeof(e->actions), "%s", actions);
	snprintf(e->module, sizeof(e->module), "%s", module);
	e->dash = dash;
	e->level = level;
	snprintf(e->where, sizeof(e->where), "%.280s:%d", file, line);
	return 0;
}

static int load(struct stack *st, const char *name, int level, int depth);

static int control_of(const char *s, enum control *c)
{
	static const char *const names[] = { "required", "requisite",
					     "optional", "sufficient" };

	for (int i = 0; i < 4; i++)
		if (!strcasecmp(s, names[i])) {
			*c = (enum control)i;
			return 0;
		}
	if (s[0] == '[') {
		*c = C_BRACKET;
		return 0;
	}
	return -1;
}

/* One line of FILE (its words W): only session lines are kept, from
 * the file itself and from what it includes ("@include" takes every
 * type, "session include" only session lines: the same here). */
static int parse(struct stack *st, const char *file, int lineno, char **w,
		 int n, int level, int depth)
{
	enum control ctl;
	const char *type = w[0];
	int dash = type[0] == '-';
	char actions[200] = "";

	if (!strcmp(type, "@include"))
		return n < 2 ? 0 : load(st, w[1], level, depth + 1);
	if (strcasecmp(type + dash, "session") || n < 3)
		return 0;
	if (!strcasecmp(w[1], "include"))
		return load(st, w[2], level, depth + 1);
	if (!strcasecmp(w[1], "substack")) {
		if (add(st, C_SUBSTACK, "", w[2], 0, level, file, lineno) < 0)
			return -1;
		return load(st, w[2], level + 1, depth + 1);
	}
	if (control_of(w[1], &ctl) < 0) {
		snprintf(st->err, sizeof(st->err),
			 "%.300s:%d: unknown "
			 "control \"%.64s\"",
			 file, lineno, w[1]);
		return -1;
	}
	if (ctl == C_BRACKET)
		snprintf(actions, sizeof(actions), "%.*s",
			 (int)strcspn(w[1] + 1, "]"), w[1] + 1);
	return add(st, ctl, actions, w[2], dash, level, file, lineno);
}

static int load(struct stack *st, const char *name, int level, int depth)
{
	char path[512], line[4096], *w[64];
	int lineno = 0, r = 0;
	FILE *f;

	if (depth > MAX_LEVEL) {
		snprintf(st->err, sizeof(st->err),
			 "%s: includes nested "
			 "more than %d deep",
			 name, MAX_LEVEL);
		return -1;
	}
	if (name[0] == '/')
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "%s/%s", st->dir, name);
	f = fopen(path, "re");
	if (!f) {
		snprintf(st->err, sizeof(st->err), "%.300s: %s", path,
			 strerror(errno));
		return -1;
	}
	while (r == 0 && next_line(f, line, sizeof(line), &lineno)) {
		int n = split(line, w, 64);

		if (n > 0)
			r = parse(st, path, lineno, w, n, level, depth);
	}
	fclose(f);
	return r;
}

/* The action of a bracketed control for VALUE: its own, else default's,
 * else libpam's default for brackets, "bad". */
static void action_of(const char *actions, const char *value, char *out,
		      size_t size)
{
	char copy[200], dflt[32] = "bad", *save = NULL, *tok;

	snprintf(copy, sizeof(copy), "%s", actions);
	for (tok = strtok_r(copy, " \t", &save); tok;
	     tok = strtok_r(NULL, " \t", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq)
			continue;
		*eq = '\0';
		if (!strcasecmp(tok, value)) {
			snprintf(out, size, "%s", eq + 1);
			return;
		}
		if (!strcasecmp(tok, "default"))
			snprintf(dflt, sizeof(dflt), "%s", eq + 1);
	}
	snprintf(out, size, "%s", dflt);
}

/* Can the entry at I end the stack, or jump, so that the entry at J is
 * never run? What it is, in WHY. */
static int may_skip(const struct stack *st, int i, int j, char *why,
		    size_t size)
{
	const struct entry *e = &st->ent[i];
	char copy[200], *save = NULL, *tok;

	if (e->level > st->ent[j].level)
		return 0; /* done ends only its substack; no jump leaves it */
	if (e->ctl == C_SUFFICIENT) {
		snprintf(why, size,
			 "%.200s: %.64s is \"sufficient\": "
			 "when it "
			 "succeeds, the stack ends before pam_jailsh",
			 e->where, e->module);
		return 1;
	}
	if (e->ctl != C_BRACKET)
		return 0;
	snprintf(copy, sizeof(copy), "%s", e->actions);
	for (tok = strtok_r(copy, " \t", &save); tok;
	     tok = strtok_r(NULL, " \t", &save)) {
		const char *a = strchr(tok, '=');

		if (!a)
			continue;
		a++;
		if (!strcasecmp(a, "done")) {
			snprintf(why, size,
				 "%.200s: %.64s ends the stack "
				 "(%.60s) "
				 "before pam_jailsh",
				 e->where, e->module, tok);
			return 1;
		}
		if (isdigit((unsigned char)a[0]) && i + atoi(a) >= j) {
			snprintf(why, size,
				 "%.200s: %.64s jumps over "
				 "pam_jailsh (%.60s)",
				 e->where, e->module, tok);
			return 1;
		}
	}
	return 0;
}

/* Does a failure of the module's own line fail the session? */
static int fails_closed(const struct entry *e, char *why, size_t size)
{
	char err[32], dflt[32];

	if (e->dash) {
		snprintf(why, size,
			 "%.200s: \"-session\": where the module "
			 "cannot be loaded, the session opens without it",
			 e->where);
		return 0;
	}
	switch (e->ctl) {
	case C_REQUIRED:
	case C_REQUISITE:
		return 1;
	case C_BRACKET:
		action_of(e->actions, "session_err", err, sizeof(err));
		action_of(e->actions, "default", dflt, sizeof(dflt));
		if ((!strcasecmp(err, "bad") || !strcasecmp(err, "die")) &&
		    (!strcasecmp(dflt, "bad") || !strcasecmp(dflt, "die")))
			return 1;
		snprintf(why, size,
			 "%.200s: [%.120s]: a failure of the "
			 "module "
			 "(session_err=%s, default=%s) does not fail the "
			 "session",
			 e->where, e->actions, err, dflt);
		return 0;
	default:
		snprintf(why, size,
			 "%.200s: \"%s\": a failure of the module "
			 "does not fail the session",
			 e->where,
			 e->ctl == C_OPTIONAL ? "optional" : "sufficient");
		return 0;
	}
}

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* 1: MODULE names this installation's file, OURS; 0: another file of
 * that name (in OTHER), or none. */
static int is_ours(const char *module, const struct stat *ours,
		   const char *sysdir, char *other, size_t size)
{
	char path[512];
	struct stat st;

	if (strcmp(base(module), "pam_jailsh.so"))
		return 0;
	if (module[0] == '/')
		snprintf(path, sizeof(path), "%s", module);
	else
		snprintf(path, sizeof(path), "%s/%s", sysdir, module);
	if (ours && stat(path, &st) == 0 && st.st_dev == ours->st_dev &&
	    st.st_ino == ours->st_ino)
		return 1;
	snprintf(other, size, "%s", path);
	return 0;
}

static void judge(const struct stack *st, const char *module,
		  const char *sysdir, struct audit_pam *ap)
{
	struct stat ours_st,
		*ours = stat(module, &ours_st) == 0 ? &ours_st : NULL;
	char other[512] = "";
	int j = -1;
	size_t n = 0;

	for (int i = 0; i < st->n; i++) {
		if (!strcmp(base(st->ent[i].module), "pam_systemd.so"))
			ap->systemd = 1;
		if (st->ent[i].ctl == C_SUBSTACK)
			continue;
		ap->nsession++;
		if (!is_ours(st->ent[i].module, ours, sysdir, other,
			     sizeof(other)))
			continue;
		if (j < 0)
			j = i;
		else if (!ap->again[0])
			snprintf(ap->again, sizeof(ap->again), "%s",
				 st->ent[i].where);
	}
	if (j < 0) {
		ap->state = APAM_NONE;
		if (other[0])
			snprintf(ap->why, sizeof(ap->why),
				 "its pam_jailsh "
				 "is %s, not this installation's %s",
				 other, module);
		return;
	}
	snprintf(ap->where, sizeof(ap->where), "%s", st->ent[j].where);
	ap->state = APAM_JAILS;
	if (!fails_closed(&st->ent[j], ap->why, sizeof(ap->why)))
		ap->state = APAM_WEAK;
	for (int i = 0; i < j && ap->state == APAM_JAILS; i++)
		if (may_skip(st, i, j, ap->why, sizeof(ap->why)))
			ap->state = APAM_WEAK;
	for (int i = j + 1; i < st->n && n < sizeof(ap->after); i++)
		if (st->ent[i].ctl != C_SUBSTACK)
			n += snprintf(ap->after + n, sizeof(ap->after) - n,
				      "%s%s", n ? " " : "",
				      base(st->ent[i].module));
}

void audit_pam_read(const char *dir, const char *service, const char *module,
		    const char *sysdir, struct audit_pam *ap)
{
	struct stack st = { .dir = dir };
	char path[512];
	struct stat s;

	memset(ap, 0, sizeof(*ap));
	st.ent = calloc(MAX_ENTRIES, sizeof(*st.ent));
	if (!st.ent) {
		ap->state = APAM_ERROR;
		snprintf(ap->why, sizeof(ap->why), "out of memory");
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, service);
	/* libpam: no file, or no session line in it: "other"'s */
	if ((stat(path, &s) < 0 && errno == ENOENT) ||
	    (load(&st, service, 0, 0) == 0 && st.n == 0)) {
		st.n = 0;
		st.err[0] = '\0';
		load(&st, "other", 0, 0);
	}
	if (st.err[0]) {
		ap->state = APAM_ERROR;
		snprintf(ap->why, sizeof(ap->why), "%s", st.err);
	} else {
		judge(&st, module, sysdir, ap);
	}
	free(st.ent);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_service(const char *name)
{
	size_t len = strlen(name);

	return name[0] != '.' && strncmp(name, "common-", 7) &&
	       !strstr(name, ".dpkg-") && !strstr(name, ".ucf-") &&
	       name[len - 1] != '~';
}

int audit_pam_services(const char *dir, char ***names, size_t *n,
		       struct jerr *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t cap = 0;

	*names = NULL;
	*n = 0;
	if (!d)
		return errno == ENOENT ? 0 : jerr_sys(e, errno, "%s", dir);
	while ((de = readdir(d))) {
		if (!is_service(de->d_name) ||
		    (de->d_type != DT_REG && de->d_type != DT_LNK &&
		     de->d_type != DT_UNKNOWN))
			continue;
		if (*n + 1 >= cap) {
			char **more;

			cap = cap ? cap * 2 : 32;
			more = realloc(*names, cap * sizeof(char *));
			if (!more)
				break;
			*names = more;
		}
		(*names)[*n] = strdup(de->d_name);
		if (!(*names)[*n])
			break;
		(*n)++;
	}
	closedir(d);
	if (de) {
		audit_pam_services_free(*names, *n);
		return jerr_set(e, "%s: out of memory", dir);
	}
	if (*n)
		qsort(*names, *n, sizeof(char *), cmp_names);
	return 0;
}

void audit_pam_services_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

void audit_pam_line(const char *module, const char *sysdir, char *buf,
		    size_t size)
{
	char path[512];
	struct stat a, b;

	snprintf(path, sizeof(path), "%s/pam_jailsh.so", sysdir);
	if (stat(module, &a) == 0 && stat(path, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		snprintf(buf, size, "session required pam_jailsh.so");
	else
		snprintf(buf, size, "session required %s", module);
}
