#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile_load.h"

/* 1: loaded, 0: no such file, -1: error. */
static int try_file(const struct confdir *d, const char *rel,
		    struct profile *p, struct jerr *e)
{
	char *text, file[4096];
	int r;

	r = confdir_read(d, rel, &text, e);
	if (r <= 0)
		return r;
	snprintf(file, sizeof(file), "%s/%s", d->path, rel);
	r = profile_parse(file, text, p, e);
	free(text);
	return r < 0 ? -1 : 1;
}

static int try_group(const struct confdir *d, const char *group,
		     struct profile *p, struct jerr *e)
{
	char rel[512];

	snprintf(rel, sizeof(rel), "groups/%s.conf", group);
	return try_file(d, rel, p, e);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_member(const struct identity *id, const char *group)
{
	for (int i = 0; i < id->ngroups; i++)
		if (id->group_names[i] && !strcmp(id->group_names[i], group))
			return 1;
	return 0;
}

static int try_groups(const struct confdir *d, const struct settings *s,
		      const struct identity *id, struct profile *p,
		      struct jerr *e)
{
	const char **sorted;
	int n = 0, r = 0;

	for (size_t i = 0; i < s->ngroup_order; i++) {
		if (!is_member(id, s->group_order[i]))
			continue;
		r = try_group(d, s->group_order[i], p, e);
		if (r)
			return r;
	}
	sorted = calloc(id->ngroups + 1, sizeof(*sorted));
	if (!sorted)
		return jerr_set(e, "out of memory");
	for (int i = 0; i < id->ngroups; i++)
		if (id->group_names[i])
			sorted[n++] = id->group_names[i];
	qsort(sorted, n, sizeof(sorted[0]), by_name);
	for (int i = 0; i < n && !r; i++)
		r = try_group(d, sorted[i], p, e);
	free(sorted);
	return r;
}

int profile_load(const struct confdir *d, const struct settings *s,
		 struct identity *id, struct profile *p, struct jerr *e)
{
	char rel[512];
	int r;

	snprintf(rel, sizeof(rel), "users/%s.conf", id->name);
	r = try_file(d, rel, p, e);
	if (!r && confdir_has(d, "groups", ".conf")) {
		r = identity_load_groups(id, e);
		if (!r)
			r = try_groups(d, s, id, p, e);
	}
	if (!r)
		r = try_file(d, "default.conf", p, e);
	if (!r)
		r = profile_parse(PROFILE_BUILTIN_NAME, profile_builtin, p, e) <
				    0 ? -1 : 1;
	return r < 0 ? -1 : 0;
}
