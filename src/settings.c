#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfgparse.h"
#include "settings.h"

/* An absolute path without ".." or "//": what it is (a root-owned
 * directory on cgroup2) is checked when a session uses it. */
static int on_cgroup_parent(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);

	if (v[0] != '/' || strstr(v, "/../") || strstr(v, "//") ||
	    (strlen(v) >= 3 && !strcmp(v + strlen(v) - 3, "/..")))
		return cfgparse_error(cfg, "cgroup_parent = \"%s\": must be "
				      "an absolute path such as "
				      "/sys/fs/cgroup/system.slice/"
				      "jailsh-sessions.service", v);
	return 0;
}

int settings_parse(const char *file, const char *text, struct settings *s,
		   struct jerr *e)
{
	cfg_opt_t opts[] = {
		CFG_STR_LIST("group_order", NULL, CFGF_NONE),
		CFG_BOOL("jail_all_users", cfg_false, CFGF_NONE),
		CFG_STR("cgroup_parent", NULL, CFGF_NONE),
		CFG_END(),
	};
	const char *parent;
	cfg_t *cfg;
	unsigned int n;

	memset(s, 0, sizeof(*s));
	opts[2].validcb = on_cgroup_parent;
	cfg = cfgparse(opts, file, text, e);
	if (!cfg)
		return -1;
	s->jail_all_users = cfg_getbool(cfg, "jail_all_users");
	parent = cfg_getstr(cfg, "cgroup_parent");
	s->cgroup_parent = parent ? strdup(parent) : NULL;
	n = cfg_size(cfg, "group_order");
	s->group_order = calloc(n + 1, sizeof(char *));
	for (unsigned int i = 0; s->group_order && i < n; i++) {
		s->group_order[i] = strdup(cfg_getnstr(cfg, "group_order", i));
		if (!s->group_order[i])
			break;
		s->ngroup_order++;
	}
	cfg_free(cfg);
	if (s->ngroup_order != n || (parent && !s->cgroup_parent)) {
		settings_free(s);
		return jerr_sys(e, ENOMEM, "%s", file);
	}
	return 0;
}

int settings_load(const struct confdir *d, struct settings *s,
		  struct jerr *e)
{
	char *text, file[4096];
	int r;

	memset(s, 0, sizeof(*s));
	r = confdir_read(d, "jailsh.conf", &text, e);
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
	free(s->cgroup_parent);
	memset(s, 0, sizeof(*s));
}
