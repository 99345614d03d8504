#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "identity.h"

#define MAX_GROUPS 65536

/* A name becomes a file name (users/NAME.conf) and a path (%u): only what
 * useradd itself would create, nothing that can walk a directory tree. */
static int name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 255 || s[0] == '.' || s[0] == '-')
		return 0;
	for (; *s; s++)
		if (*s == '/' || (unsigned char)*s < 0x21 || *s == 0x7f)
			return 0;
	return 1;
}

int identity_load_groups(struct identity *id, struct jerr *e)
{
	struct group gr, *res;
	char buf[16384];
	int n = 64;

	if (id->groups_known)
		return 0;
	for (;;) {
		int got = n;
		gid_t *g = realloc(id->groups, sizeof(*g) * n);

		if (!g)
			return jerr_sys(e, ENOMEM, "groups of %s", id->name);
		id->groups = g;
		if (getgrouplist(id->name, id->gid, g, &got) >= 0) {
			n = got;
			break;
		}
		if (got <= n || got > MAX_GROUPS)
			return jerr_set(e, "groups of %s: cannot list them",
					id->name);
		n = got;
	}
	id->group_names = calloc(n, sizeof(char *));
	if (!id->group_names)
		return jerr_sys(e, ENOMEM, "groups of %s", id->name);
	id->ngroups = n;
	for (int i = 0; i < n; i++) {
		if (getgrgid_r(id->groups[i], &gr, buf, sizeof(buf), &res) ||
		    !res || !name_ok(gr.gr_name))
			continue; /* a gid without a usable name: no profile */
		id->group_names[i] = strdup(gr.gr_name);
		if (!id->group_names[i])
			return jerr_sys(e, ENOMEM, "groups of %s", id->name);
	}
	id->groups_known = 1;
	return 0;
}

/* The primary group's name, for %g: one lookup, which the first NSS
 * module usually answers. */
static int primary_group(struct identity *id, struct jerr *e)
{
	struct group gr, *res;
	char buf[16384];

	if (getgrgid_r(id->gid, &gr, buf, sizeof(buf), &res) == 0 && res &&
	    name_ok(gr.gr_name))
		id->group = strdup(gr.gr_name);
	else if (asprintf(&id->group, "%u", id->gid) < 0)
		id->group = NULL;
	return id->group ? 0 : jerr_sys(e, ENOMEM, "group of %s", id->name);
}

static int from_passwd(const struct passwd *pw, struct identity *id,
		       struct jerr *e)
{
	memset(id, 0, sizeof(*id));
	if (pw->pw_uid == 0)
		return jerr_set(e, "refusing to jail root (uid 0, user %s)",
				pw->pw_name);
	if (pw->pw_uid == (uid_t)-1 || pw->pw_gid == (gid_t)-1 ||
	    pw->pw_gid == 0)
		return jerr_set(e, "user %s: uid %u or gid %u not allowed",
				pw->pw_name, pw->pw_uid, pw->pw_gid);
	if (!name_ok(pw->pw_name))
		return jerr_set(e, "user name \"%s\" is not usable as a file "
				"name", pw->pw_name);
	if (pw->pw_dir[0] != '/')
		return jerr_set(e, "user %s: home directory \"%s\" is not an "
				"absolute path", pw->pw_name, pw->pw_dir);
	id->uid = pw->pw_uid;
	id->gid = pw->pw_gid;
	id->name = strdup(pw->pw_name);
	id->home = strdup(pw->pw_dir);
	id->shell = strdup(pw->pw_shell ? pw->pw_shell : "");
	if (!id->name || !id->home || !id->shell) {
		identity_free(id);
		return jerr_sys(e, ENOMEM, "user %s", pw->pw_name);
	}
	if (primary_group(id, e) < 0) {
		identity_free(id);
		return -1;
	}
	return 0;
}

int identity_from_uid(uid_t uid, struct identity *id, struct jerr *e)
{
	struct passwd pw, *res;
	char buf[16384];
	int r;

	memset(id, 0, sizeof(*id));
	r = getpwuid_r(uid, &pw, buf, sizeof(buf), &res);
	if (r)
		return jerr_sys(e, r, "uid %u: password database", uid);
	if (!res)
		return jerr_set(e, "uid %u has no entry in the password "
				"database", uid);
	return from_passwd(&pw, id, e);
}

int identity_from_name(const char *name, struct identity *id,
		       struct jerr *e)
{
	struct passwd pw, *res;
	char buf[16384];
	int r;

	memset(id, 0, sizeof(*id));
	r = getpwnam_r(name, &pw, buf, sizeof(buf), &res);
	if (r)
		return jerr_sys(e, r, "user %s: password database", name);
	if (!res)
		return jerr_set(e, "no such user: %s", name);
	return from_passwd(&pw, id, e);
}

void identity_free(struct identity *id)
{
	if (id->group_names)
		for (int i = 0; i < id->ngroups; i++)
			free(id->group_names[i]);
	free(id->group_names);
	free(id->groups);
	free(id->group);
	free(id->shell);
	free(id->home);
	free(id->name);
	memset(id, 0, sizeof(*id));
}
