#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_syntax.h"
#include "conf_profile.h"
#include "conf_settings.h"

/* An absolute path without ".." or "//": what it is (a root-owned
 * directory on cgroup2) is checked when a session uses it. */
static int on_cgroup_parent(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);

	if (v[0] != '/' || strstr(v, "/../") || strstr(v, "//") ||
	    (strlen(v) >= 3 && !strcmp(v + strlen(v) - 3, "/..")))
		return conf_syntax_error(cfg,
					 "cgroup_parent = \"%s\": must be "
					 "an absolute path such as "
					 "/sys/fs/cgroup/system.slice/"
					 "jailsh-sessions.service",
					 v);
	return 0;
}

/* The list NAME of CFG into OUT; returns how many of its N were taken. */
static size_t copy_list(cfg_t *cfg, const char *name, char ***out,
			unsigned int *n)
{
	size_t got = 0;

	*n = cfg_size(cfg, name);
	*out = calloc(*n + 1, sizeof(char *));
	for (unsigned int i = 0; *out && i < *n; i++) {
		(*out)[i] = strdup(cfg_getnstr(cfg, name, i));
		if (!(*out)[i])
			break;
		got++;
	}
	return got;
}

int settings_parse(const char *file, const char *text, struct settings *s,
		   struct jerr *e)
{
	cfg_opt_t opts[] = {
		CFG_STR_LIST("group_order", NULL, CFGF_NONE),
		CFG_BOOL("jail_all_users", cfg_false, CFGF_NONE),
		CFG_STR("cgroup_parent", NULL, CFGF_NONE),
		CFG_STR_LIST("root_groups", NULL, CFGF_NONE),
		CFG_END(),
	};
	const char *parent;
	cfg_t *cfg;
	unsigned int n, nroot;

	memset(s, 0, sizeof(*s));
	opts[2].validcb = on_cgroup_parent;
	opts[3].validcb = conf_syntax_group_names;
	cfg = conf_syntax_parse(opts, file, text, e);
	if (!cfg)
		return -1;
	s->jail_all_users = cfg_getbool(cfg, "jail_all_users");
	parent = cfg_getstr(cfg, "cgroup_parent");
	s->cgroup_parent = parent ? strdup(parent) : NULL;
	s->ngroup_order = copy_list(cfg, "group_order", &s->group_order, &n);
	s->nroot_groups =
		copy_list(cfg, "root_groups", &s->root_groups, &nroot);
	cfg_free(cfg);
	if (s->ngroup_order != n || s->nroot_groups != nroot ||
	    (parent && !s->cgroup_parent)) {
		settings_free(s);
		return jerr_sys(e, ENOMEM, "%s", file);
	}
	return 0;
}

int settings_load(const struct conf_dir *d, struct settings *s, struct jerr *e)
{
	char *text, file[4096];
	int r;

	memset(s, 0, sizeof(*s));
	r = conf_dir_read(d, "jailsh.conf", &text, e);
	if (r <= 0)
		return r;
	snprintf(file, sizeof(file), "%s/jailsh.conf", d->path);
	r = settings_parse(file, text, s, e);
	free(text);
	return r;
}

void settings_free(struct settings *s)
{
	for (size_t i = 0; i < s->ngroup_order; i++)
		free(s->group_order[i]);
	free(s->group_order);
	for (size_t i = 0; i < s->nroot_groups; i++)
		free(s->root_groups[i]);
	free(s->root_groups);
	free(s->cgroup_parent);
	memset(s, 0, sizeof(*s));
}
