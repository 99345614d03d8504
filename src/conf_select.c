#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_select.h"

/* 1: loaded, 0: no such file, -1: error. */
static int try_file(const struct conf_dir *d, const char *rel,
		    struct profile *p, struct jerr *e)
{
	char *text, file[4096];
	int r;

	r = conf_dir_read(d, rel, &text, e);
	if (r <= 0)
		return r;
	snprintf(file, sizeof(file), "%s/%s", d->path, rel);
	r = profile_parse(file, text, p, e);
	free(text);
	return r < 0 ? -1 : 1;
}

static int try_group(const struct conf_dir *d, const char *group,
		     struct profile *p, struct jerr *e)
{
	char rel[512];

	snprintf(rel, sizeof(rel), "groups/%s.conf", group);
	return try_file(d, rel, p, e);
}

/* GROUP's profile, if the user is in GROUP. A doubt about that is an
 * error, said with the profile it is about. */
static int try_member(const struct conf_dir *d, const struct identity *id,
		      const char *group, struct profile *p, struct jerr *e)
{
	int r = identity_in_group(id, group, e);

	if (r > 0)
		return try_group(d, group, p, e);
	if (r < 0)
		jerr_prefix(e, "%s/groups/%s.conf: ", d->path, group);
	return r;
}

static int listed(char **names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], s))
			return 1;
	return 0;
}

/* The profiles in groups/, those in group_order first; each that comes
 * before the one that applies is asked about, so that none is passed over
 * because the database failed to say the user is in it. */
static int try_groups(const struct conf_dir *d, const struct settings *s,
		      struct identity *id, struct profile *p, struct jerr *e)
{
	char **names;
	size_t n;
	int r;

	if (conf_dir_list(d, "groups", ".conf", &names, &n, e) < 0)
		return -1;
	r = n ? identity_load_groups(id, e) : 0;
	for (size_t i = 0; r == 0 && n && i < s->ngroup_order; i++)
		if (listed(names, n, s->group_order[i]))
			r = try_member(d, id, s->group_order[i], p, e);
	for (size_t i = 0; r == 0 && i < n; i++)
		r = try_member(d, id, names[i], p, e);
	conf_dir_list_free(names, n);
	return r;
}

int conf_select_profile(const struct conf_dir *d, const struct settings *s,
			struct identity *id, struct profile *p, struct jerr *e)
{
	char rel[512];
	int r;

	snprintf(rel, sizeof(rel), "users/%s.conf", id->name);
	r = try_file(d, rel, p, e);
	if (!r)
		r = try_groups(d, s, id, p, e);
	if (!r)
		r = try_file(d, "default.conf", p, e);
	if (!r)
		r = profile_parse(PROFILE_BUILTIN_NAME, profile_builtin, p, e);
	return r < 0 ? -1 : 0;
}
