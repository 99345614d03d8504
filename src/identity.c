#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "identity.h"
#include "nss.h"

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

static int has_gid(const struct identity *id, gid_t gid)
{
	for (int i = 0; i < id->ngroups; i++)
		if (id->groups[i] == gid)
			return 1;
	return 0;
}

/* getgrouplist() into id->groups. glibc's cannot report a source that
 * failed (its errno is no help either: nothing promises it is left alone
 * on success): a failure there gives a shorter list, not an error. That
 * is why identity_in_group() asks the group of every profile it passes
 * over, by name, and refuses when the entry and the list disagree. Here,
 * at least, a failing call is never taken for a list, and the primary gid
 * must be in it. */
static int list_groups(struct identity *id, struct jerr *e)
{
	int n = 64;

	for (;;) {
		int got = n;
		gid_t *g = realloc(id->groups, sizeof(*g) * n);

		if (!g)
			return jerr_sys(e, ENOMEM, "groups of %s", id->name);
		id->groups = g;
		if (getgrouplist(id->name, id->gid, g, &got) >= 0) {
			id->ngroups = got;
			break;
		}
		if (got <= n || got > MAX_GROUPS)
			return jerr_set(e,
					"group database: cannot list the "
					"groups of %s",
					id->name);
		n = got;
	}
	if (!has_gid(id, id->gid))
		return jerr_set(e,
				"group database: the groups of %s leave out "
				"its primary gid %u",
				id->name, id->gid);
	return 0;
}

/* The name of gid I of the list, or NULL where the gid has no entry (or
 * a name that cannot be a file name): that gid has no profile. */
static int name_group(struct identity *id, int i, struct nss_entry *ent,
		      struct jerr *e)
{
	int r = nss_get(&(struct nss_key){ .group = 1, .id = id->groups[i] },
			ent, e);

	if (r <= 0 || !name_ok(ent->gr.gr_name))
		return r < 0 ? -1 : 0;
	id->group_names[i] = strdup(ent->gr.gr_name);
	return id->group_names[i] ?
		       0 :
		       jerr_sys(e, ENOMEM, "groups of %s", id->name);
}

/* The primary group's name was looked up before (for %g): a database that
 * says another thing now has failed one of the two times. */
static int same_primary(const struct identity *id, struct jerr *e)
{
	char num[16];

	snprintf(num, sizeof(num), "%u", id->gid);
	for (int i = 0; i < id->ngroups; i++) {
		const char *now = id->group_names[i] ? id->group_names[i] : num;

		if (id->groups[i] == id->gid && id->group &&
		    strcmp(now, id->group))
			return jerr_set(e,
					"group database: gid %u is \"%s\" "
					"in one lookup and \"%s\" in the next; "
					"try again",
					id->gid, id->group, now);
	}
	return 0;
}

static void forget_groups(struct identity *id)
{
	for (int i = 0; id->group_names && i < id->ngroups; i++)
		free(id->group_names[i]);
	free(id->group_names);
	id->group_names = NULL;
	id->ngroups = 0;
}

int identity_load_groups(struct identity *id, struct jerr *e)
{
	struct nss_entry ent = { 0 };
	int r;

	if (id->groups_known)
		return 0;
	forget_groups(id); /* what a call that failed may have left */
	r = list_groups(id, e);
	if (r == 0) {
		id->group_names = calloc(id->ngroups, sizeof(char *));
		if (!id->group_names)
			r = jerr_sys(e, ENOMEM, "groups of %s", id->name);
	}
	for (int i = 0; r == 0 && i < id->ngroups; i++)
		r = name_group(id, i, &ent, e);
	nss_entry_free(&ent);
	if (r == 0)
		r = same_primary(id, e);
	if (r == 0)
		id->groups_known = 1;
	else
		forget_groups(id);
	return r;
}

static int has_name(const struct identity *id, const char *group)
{
	for (int i = 0; id->group_names && i < id->ngroups; i++)
		if (id->group_names[i] && !strcmp(id->group_names[i], group))
			return 1;
	return 0;
}

/* Is ID in GR, which is not among the names of its groups? 1 when GR's
 * gid is in ID's list (another name of one of its gids); -1 when GR lists
 * ID as a member but the list does not have it: the list is short, a
 * source failed while it was made; 0 otherwise. */
static int membership(const struct identity *id, const struct group *gr,
		      struct jerr *e)
{
	if (has_gid(id, gr->gr_gid))
		return 1;
	for (char **m = gr->gr_mem; m && *m; m++)
		if (!strcmp(*m, id->name))
			return jerr_set(e,
					"group database: %s is a member of "
					"%s (gid %u), but the list of its "
					"groups leaves that out; try again",
					id->name, gr->gr_name, gr->gr_gid);
	return 0;
}

int identity_in_group(const struct identity *id, const char *group,
		      struct jerr *e)
{
	struct nss_entry ent = { 0 };
	int r;

	if (!name_ok(group))
		return 0; /* such a group never has a profile */
	if (has_name(id, group))
		return 1;
	r = nss_get(&(struct nss_key){ .group = 1, .name = group }, &ent, e);
	if (r > 0)
		r = membership(id, &ent.gr, e);
	else if (r == 0)
		r = jerr_set(e,
			     "group database: no group %s; a source that "
			     "fails answers the same, so no profile is chosen "
			     "(remove that profile or create the group)",
			     group);
	nss_entry_free(&ent);
	return r;
}

/* The primary group's name, for %g: the number where the gid has no entry
 * (it need not have one), but never where the database failed. */
static int primary_group(struct identity *id, struct jerr *e)
{
	struct nss_entry ent = { 0 };
	int r;

	r = nss_get(&(struct nss_key){ .group = 1, .id = id->gid }, &ent, e);
	if (r > 0 && name_ok(ent.gr.gr_name))
		id->group = strdup(ent.gr.gr_name);
	else if (r >= 0 && asprintf(&id->group, "%u", id->gid) < 0)
		id->group = NULL;
	nss_entry_free(&ent);
	if (r < 0)
		return -1;
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
		return jerr_set(e,
				"user name \"%s\" is not usable as a file "
				"name",
				pw->pw_name);
	if (pw->pw_dir[0] != '/')
		return jerr_set(e,
				"user %s: home directory \"%s\" is not an "
				"absolute path",
				pw->pw_name, pw->pw_dir);
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

/* The password database's entry for K, made an identity. */
static int from_key(const struct nss_key *k, struct identity *id,
		    struct jerr *e)
{
	struct nss_entry ent = { 0 };
	int r;

	memset(id, 0, sizeof(*id));
	r = nss_get(k, &ent, e);
	if (r > 0)
		r = from_passwd(&ent.pw, id, e);
	else if (r == 0 && k->name)
		r = jerr_set(e, "no such user: %s", k->name);
	else if (r == 0)
		r = jerr_set(e,
			     "uid %u has no entry in the password "
			     "database",
			     k->id);
	nss_entry_free(&ent);
	return r;
}

int identity_from_uid(uid_t uid, struct identity *id, struct jerr *e)
{
	return from_key(&(struct nss_key){ .id = uid }, id, e);
}

int identity_from_name(const char *name, struct identity *id, struct jerr *e)
{
	return from_key(&(struct nss_key){ .name = name }, id, e);
}

void identity_free(struct identity *id)
{
	forget_groups(id);
	free(id->groups);
	free(id->dropped);
	free(id->group);
	free(id->shell);
	free(id->home);
	free(id->name);
	memset(id, 0, sizeof(*id));
}
