#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf_syntax.h"
#include "expand.h"
#include "cglimit.h"
#include "conf_profile.h"
#include "publish.h"

/* What applies when the configuration directory has no profile for a user:
 * the host read-only, the home directory writable, a private /tmp. */
const char profile_builtin[] = "volume \"~\" {}\n";

static const struct {
	const char *name;
	int resource;
	int is_size; /* accepts K, M, G, T suffixes */
} rlimits[] = {
	{ "as", RLIMIT_AS, 1 },
	{ "core", RLIMIT_CORE, 1 },
	{ "cpu", RLIMIT_CPU, 0 },
	{ "data", RLIMIT_DATA, 1 },
	{ "fsize", RLIMIT_FSIZE, 1 },
	{ "memlock", RLIMIT_MEMLOCK, 1 },
	{ "msgqueue", RLIMIT_MSGQUEUE, 1 },
	{ "nice", RLIMIT_NICE, 0 },
	{ "nofile", RLIMIT_NOFILE, 0 },
	{ "nproc", RLIMIT_NPROC, 0 },
	{ "rss", RLIMIT_RSS, 1 },
	{ "rtprio", RLIMIT_RTPRIO, 0 },
	{ "sigpending", RLIMIT_SIGPENDING, 0 },
	{ "stack", RLIMIT_STACK, 1 },
};
#define NRLIMITS (sizeof(rlimits) / sizeof(rlimits[0]))

const char *profile_rlimit_name(int resource)
{
	for (size_t i = 0; i < NRLIMITS; i++)
		if (rlimits[i].resource == resource)
			return rlimits[i].name;
	return "?";
}

/* The profile being filled by the callbacks below during one parse. */
static __thread struct profile *building;

static const char *kind_word(enum mount_kind kind)
{
	switch (kind) {
	case MOUNT_VOLUME:
		return "volume";
	case MOUNT_MAP:
		return "map";
	case MOUNT_HIDE:
		return "hide";
	default:
		return "tmpfs";
	}
}

const char *profile_where(const struct profile *p, int line, char *buf,
			  size_t size)
{
	if (line >= PROFILE_ARG_LINE)
		snprintf(buf, size, "argument %d: ", line - PROFILE_ARG_LINE);
	else
		snprintf(buf, size, "%s:%d: ", p->file, line);
	return buf;
}

/* One more mount for P; WHY says what is wrong with it, if anything. */
static int push_mount(struct profile *p, int line, enum mount_kind kind,
		      const char *source, const char *target, char *why,
		      size_t size)
{
	struct profile_mount *m;
	char bad[128];

	if (expand_check(source, bad, sizeof(bad)) < 0) {
		snprintf(why, size, "%s \"%s\": %s", kind_word(kind), source,
			 bad);
		return -1;
	}
	if (target && expand_check(target, bad, sizeof(bad)) < 0) {
		snprintf(why, size, "%s \"%s\": target \"%s\": %s",
			 kind_word(kind), source, target, bad);
		return -1;
	}
	snprintf(why, size, "out of memory");
	m = realloc(p->mounts, sizeof(*m) * (p->nmounts + 1));
	if (!m)
		return -1;
	p->mounts = m;
	m += p->nmounts;
	memset(m, 0, sizeof(*m));
	m->kind = kind;
	m->line = line;
	m->mode = 01777;
	m->source = strdup(source);
	m->target = target ? strdup(target) : NULL;
	p->nmounts++;
	if (!m->source || (target && !m->target))
		return -1;
	return 0;
}

static int add_mount(int line, enum mount_kind kind, const char *source,
		     const char *target)
{
	char why[256];
	int r = push_mount(building, line, kind, source, target, why,
			   sizeof(why));

	return r < 0 ? conf_syntax_error_at(line, "%s", why) : 0;
}

int profile_add_mount(struct profile *p, enum mount_kind kind,
		      const char *source, const char *target, int line,
		      struct jerr *e)
{
	char why[256], at[4200];

	if (push_mount(p, line, kind, source, target, why, sizeof(why)) < 0)
		return jerr_set(e, "%s%s",
				profile_where(p, line, at, sizeof(at)), why);
	return 0;
}

/* The section just parsed: its line is where it starts, not where
 * libconfuse finished it. */
static cfg_t *last_section(cfg_t *cfg, cfg_opt_t *opt, int *line)
{
	unsigned int n = cfg_opt_size(opt);

	*line = conf_syntax_section_line(opt->name, n - 1);
	if (!*line)
		*line = cfg->line;
	return cfg_opt_getnsec(opt, n - 1);
}

static int on_bind(cfg_t *cfg, cfg_opt_t *opt)
{
	enum mount_kind kind = !strcmp(opt->name, "volume") ? MOUNT_VOLUME :
							      MOUNT_MAP;
	int line;
	cfg_t *sec = last_section(cfg, opt, &line);

	return add_mount(line, kind, cfg_title(sec), cfg_getstr(sec, "target"));
}

static int on_tmpfs(cfg_t *cfg, cfg_opt_t *opt)
{
	int line;
	cfg_t *sec = last_section(cfg, opt, &line);
	const char *size = cfg_getstr(sec, "size");
	const char *mode = cfg_getstr(sec, "mode");
	struct profile_mount *m;
	unsigned long v;
	char *end;

	if (add_mount(line, MOUNT_TMPFS, cfg_title(sec), NULL) < 0)
		return -1;
	m = &building->mounts[building->nmounts - 1];
	if (size && (cglimit_parse_amount(size, 1, &m->size) < 0 ||
		     m->size == UINT64_MAX || m->size == 0))
		return conf_syntax_error_at(
			line,
			"tmpfs \"%s\": size \"%s\" is "
			"not a size such as 512K, 256M or 2G",
			cfg_title(sec), size);
	errno = 0;
	v = strtoul(mode, &end, 8);
	if (!mode[0] || *end || errno || v > 07777)
		return conf_syntax_error_at(line,
					    "tmpfs \"%s\": mode \"%s\" is "
					    "not an octal mode such as 1777 or "
					    "0755",
					    cfg_title(sec), mode);
	m->mode = v;
	return 0;
}

/* Called after each value of the list and once more at its end. */
static int on_hide(cfg_t *cfg, cfg_opt_t *opt)
{
	unsigned int n = cfg_opt_size(opt), have = 0;

	for (size_t i = 0; i < building->nmounts; i++)
		have += building->mounts[i].kind == MOUNT_HIDE;
	if (n == have)
		return 0;
	return add_mount(cfg->line, MOUNT_HIDE, cfg_opt_getnstr(opt, n - 1),
			 NULL);
}

/* The options that take one of two words (or three). */
static const struct {
	const char *opt, *one, *other, *third;
} choices[] = {
	{ "network", "host", "none", "private" },
	{ "seccomp", "default", "none", NULL },
	{ "runtime_dir", "private", "host", NULL },
	{ "devices", "minimal", "host", NULL },
	{ "jail", "session", "user", NULL },
};

static int on_choice(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);

	for (size_t i = 0; i < sizeof(choices) / sizeof(choices[0]); i++) {
		const char *third = choices[i].third;

		if (strcmp(choices[i].opt, opt->name))
			continue;
		if (!strcmp(v, choices[i].one) ||
		    !strcmp(v, choices[i].other) ||
		    (third && !strcmp(v, third)))
			return 0;
		if (third)
			return conf_syntax_error(
				cfg,
				"%s = \"%s\": must be \"%s\", \"%s\" or "
				"\"%s\"",
				opt->name, v, choices[i].one, choices[i].other,
				third);
		return conf_syntax_error(
			cfg, "%s = \"%s\": must be \"%s\" or \"%s\"", opt->name,
			v, choices[i].one, choices[i].other);
	}
	return conf_syntax_error(cfg, "%s: not a choice", opt->name);
}

/* SPEC as one more port P publishes, unless it is wrong or takes a port
 * already published: then WHY says so. */
static int push_publish(struct profile *p, const char *spec, int line,
			char *why, size_t size)
{
	struct publish a, b;
	char **specs;
	int *lines;

	if (publish_parse(spec, &a, why, size) < 0)
		return -1;
	if (p->npublish >= PUBLISH_MAX) {
		snprintf(why, size, "more than %d ports", PUBLISH_MAX);
		return -1;
	}
	for (size_t i = 0; i < p->npublish; i++)
		if (publish_parse(p->publish[i], &b, why, size) == 0 &&
		    publish_clash(&a, &b)) {
			snprintf(why, size,
				 "%s port %u of the host is published "
				 "already (\"%.64s\")",
				 a.udp ? "udp" : "tcp", a.port, p->publish[i]);
			return -1;
		}
	snprintf(why, size, "out of memory");
	specs = realloc(p->publish, sizeof(char *) * (p->npublish + 1));
	if (!specs)
		return -1;
	p->publish = specs;
	lines = realloc(p->publish_line, sizeof(int) * (p->npublish + 1));
	if (!lines)
		return -1;
	p->publish_line = lines;
	specs[p->npublish] = strdup(spec);
	if (!specs[p->npublish])
		return -1;
	lines[p->npublish++] = line;
	return 0;
}

int profile_add_publish(struct profile *p, const char *spec, int line,
			struct jerr *e)
{
	char why[256], at[4200];

	if (push_publish(p, spec, line, why, sizeof(why)) < 0)
		return jerr_set(e, "%spublish \"%s\": %s",
				profile_where(p, line, at, sizeof(at)), spec,
				why);
	return 0;
}

/* Called after each value of the list and once more at its end: each
 * value is taken once, with the line where it was read. */
static int on_publish(cfg_t *cfg, cfg_opt_t *opt)
{
	unsigned int n = cfg_opt_size(opt);
	const char *v;
	char why[256];

	if (n == 0 || n <= building->npublish)
		return 0;
	v = cfg_opt_getnstr(opt, n - 1);
	if (push_publish(building, v, cfg->line, why, sizeof(why)) < 0)
		return conf_syntax_error(cfg, "publish \"%s\": %s", v, why);
	return 0;
}

static int on_host_loopback(cfg_t *cfg, cfg_opt_t *opt)
{
	building->host_loopback_line = cfg->line;
	return 0;
}

static int on_shell(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);
	char why[128];

	if (v[0] != '/')
		return conf_syntax_error(cfg,
					 "shell = \"%s\": must be an "
					 "absolute path",
					 v);
	if (strchr(v, '%') || expand_check(v, why, sizeof(why)) < 0)
		return conf_syntax_error(cfg,
					 "shell = \"%s\": not a plain "
					 "absolute path",
					 v);
	return 0;
}

int profile_hostname_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 64 && s[0] != '-' && s[0] != '.' &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyz"
			 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") == n;
}

static int on_hostname(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);

	if (!profile_hostname_ok(v))
		return conf_syntax_error(cfg,
					 "hostname = \"%s\": use 1 to 64 "
					 "letters, digits, '-' and '.', not "
					 "starting with '-' or '.'",
					 v);
	return 0;
}

static int on_rlimit(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);

	for (size_t i = 0; i < NRLIMITS; i++) {
		uint64_t amount;

		if (strcmp(rlimits[i].name, opt->name))
			continue;
		if (cglimit_parse_amount(v, rlimits[i].is_size, &amount) < 0)
			return conf_syntax_error(
				cfg, "rlimit %s = \"%s\": not %s", opt->name, v,
				rlimits[i].is_size ?
					"a number, a size such as 8G, or "
					"\"unlimited\"" :
					"a number or \"unlimited\"");
		building->limit_set[rlimits[i].resource] = true;
		building->limit[rlimits[i].resource] =
			amount == UINT64_MAX ? RLIM_INFINITY : amount;
		return 0;
	}
	return conf_syntax_error(cfg, "unknown rlimit %s", opt->name);
}

static int on_cglimit(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);
	int i = cglimit_find(opt->name);
	static const char *const expect[] = {
		[CG_SIZE] = "a size such as 512M or 2G, or \"unlimited\"",
		[CG_COUNT] = "a number, or \"unlimited\"",
		[CG_PERCENT] = "a share of one CPU such as \"50%\" or "
			       "\"200%\"",
		[CG_WEIGHT] = "a weight from 1 to 10000",
	};

	if (cglimit_parse(i, v, &building->cg[i]) < 0)
		return conf_syntax_error(cfg, "%s = \"%s\": expected %s",
					 opt->name, v,
					 expect[cglimit_cg[i].kind]);
	building->cg_set[i] = true;
	return 0;
}

static int on_optional(cfg_t *cfg, cfg_opt_t *opt)
{
	unsigned int n = cfg_opt_size(opt);
	const char *v = n ? cfg_opt_getnstr(opt, n - 1) : NULL;
	int i;

	if (!v)
		return 0;
	i = cglimit_find(v);
	if (i < 0)
		return conf_syntax_error(
			cfg,
			"optional_limits: \"%s\" is not a "
			"cgroup limit (memory_max, memory_high, "
			"pids_max, cpu_max, cpu_weight, "
			"io_weight, user_memory_max, "
			"user_pids_max, user_cpu_max)",
			v);
	building->cg_optional[i] = true;
	return 0;
}

static int on_max_time(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);

	if (cglimit_parse_duration(v, &building->max_time) < 0)
		return conf_syntax_error(cfg,
					 "max_time = \"%s\": expected "
					 "seconds, or a time such as \"90s\", "
					 "\"30m\", \"8h\" or \"2d\"",
					 v);
	return 0;
}

/* "0", a duration as max_time takes it, or "forever" */
static int on_linger(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);

	if (!strcmp(v, "0"))
		building->linger = 0;
	else if (!strcmp(v, "forever"))
		building->linger = PROFILE_FOREVER;
	else if (cglimit_parse_duration(v, &building->linger) < 0)
		return conf_syntax_error(cfg,
					 "linger = \"%s\": expected \"0\", "
					 "seconds, a time such as \"90s\", "
					 "\"30m\", \"8h\" or \"2d\", or "
					 "\"forever\"",
					 v);
	building->linger_line = cfg->line;
	return 0;
}

static int env_name_ok(const char *s, size_t n)
{
	if (n == 0 || isdigit((unsigned char)s[0]))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return 0;
	return 1;
}

static int on_env(cfg_t *cfg, cfg_opt_t *opt)
{
	unsigned int n = cfg_opt_size(opt);
	const char *v = n ? cfg_opt_getnstr(opt, n - 1) : "";
	int set = !strcmp(opt->name, "set");
	size_t len = set ? strcspn(v, "=") : strlen(v);

	if (!n)
		return 0;
	if (!env_name_ok(v, len) || (set && !v[len]))
		return conf_syntax_error(
			cfg, "env %s \"%s\": expected %s", opt->name, v,
			set ? "NAME=value" : "a variable name");
	return 0;
}

static int copy_list(cfg_t *cfg, const char *name, char ***out, size_t *n)
{
	unsigned int count = cfg ? cfg_size(cfg, name) : 0;

	*n = 0;
	*out = calloc(count + 1, sizeof(char *));
	if (!*out)
		return -1;
	for (unsigned int i = 0; i < count; i++) {
		(*out)[i] = strdup(cfg_getnstr(cfg, name, i));
		if (!(*out)[i])
			return -1;
		(*n)++;
	}
	return 0;
}

/* containers: where it was set, for messages */
static int on_containers(cfg_t *cfg, cfg_opt_t *opt)
{
	(void)opt;
	building->containers_line = cfg->line;
	return 0;
}

/* The options every profile has, before the cgroup limits. */
#define NFIXED 23

/* The option tables of one parse: the top one points to the sections'
 * tables, so all of them live together. */
struct options {
	cfg_opt_t bind[2];
	cfg_opt_t tmpfs[3];
	cfg_opt_t rlimit[NRLIMITS + 1];
	cfg_opt_t env[3];
	/* the options every profile has, one per cgroup limit, the end */
	cfg_opt_t top[NFIXED + CG_NLIMITS + 1];
};

/* conf_syntax_parse() does cfg_init() and the parse in one step, but the
 * callbacks must be registered in between: they go in through the option
 * tables instead. */
static void add_checks(struct options *o)
{
	static const struct {
		const char *opt;
		cfg_validate_callback_t cb;
	} checks[] = {
		{ "shell", on_shell },
		{ "hostname", on_hostname },
		{ "network", on_choice },
		{ "devices", on_choice },
		{ "seccomp", on_choice },
		{ "volume", on_bind },
		{ "map", on_bind },
		{ "tmpfs", on_tmpfs },
		{ "hide", on_hide },
		{ "env|set", on_env },
		{ "env|unset", on_env },
		{ "max_time", on_max_time },
		{ "optional_limits", on_optional },
		{ "runtime_dir", on_choice },
		{ "drop_groups", conf_syntax_group_names },
		{ "jail", on_choice },
		{ "linger", on_linger },
		{ "containers", on_containers },
		{ "publish", on_publish },
		{ "host_loopback", on_host_loopback },
	};

	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		const char *bar = strchr(checks[i].opt, '|');
		cfg_opt_t *table = o->top;
		const char *name = checks[i].opt;

		if (bar) {
			table = o->env;
			name = bar + 1;
		}
		for (cfg_opt_t *opt = table; opt->name; opt++)
			if (!strcmp(opt->name, name))
				opt->validcb = checks[i].cb;
	}
	for (size_t i = 0; i < NRLIMITS; i++)
		o->rlimit[i].validcb = on_rlimit;
	for (size_t i = 0; i < CG_NLIMITS; i++)
		o->top[NFIXED + i].validcb = on_cglimit;
}

/* Every option a profile may have, each with its check. */
static void make_options(struct options *o)
{
	cfg_opt_t bind[] = {
		CFG_STR("target", NULL, CFGF_NONE),
		CFG_END(),
	};
	cfg_opt_t tmpfs[] = {
		CFG_STR("size", NULL, CFGF_NONE),
		CFG_STR("mode", "1777", CFGF_NONE),
		CFG_END(),
	};
	cfg_opt_t env[] = {
		CFG_STR_LIST("set", NULL, CFGF_NONE),
		CFG_STR_LIST("unset", NULL, CFGF_NONE),
		CFG_END(),
	};
	const int multi = CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES;
	cfg_opt_t fixed[] = {
		CFG_STR("shell", NULL, CFGF_NONE),
		CFG_STR("hostname", NULL, CFGF_NONE),
		CFG_STR("network", "host", CFGF_NONE),
		CFG_STR("devices", "minimal", CFGF_NONE),
		CFG_BOOL("ssh_agent", cfg_false, CFGF_NONE),
		CFG_STR("seccomp", "default", CFGF_NONE),
		CFG_BOOL("user_namespaces", cfg_true, CFGF_NONE),
		CFG_BOOL("io_uring", cfg_false, CFGF_NONE),
		CFG_SEC("volume", o->bind, multi),
		CFG_SEC("map", o->bind, multi),
		CFG_SEC("tmpfs", o->tmpfs, multi),
		CFG_STR_LIST("hide", NULL, CFGF_NONE),
		CFG_SEC("rlimit", o->rlimit, CFGF_NONE),
		CFG_SEC("env", o->env, CFGF_NONE),
		CFG_STR("max_time", NULL, CFGF_NONE),
		CFG_STR_LIST("optional_limits", NULL, CFGF_NONE),
		CFG_STR("runtime_dir", "private", CFGF_NONE),
		CFG_STR_LIST("drop_groups", NULL, CFGF_NONE),
		CFG_STR("jail", "session", CFGF_NONE),
		CFG_STR("linger", NULL, CFGF_NONE),
		CFG_BOOL("containers", cfg_false, CFGF_NONE),
		CFG_BOOL("host_loopback", cfg_false, CFGF_NONE),
		CFG_STR_LIST("publish", NULL, CFGF_NONE),
	};
	cfg_opt_t end = CFG_END();

	_Static_assert(sizeof(bind) == sizeof(o->bind), "bind");
	_Static_assert(sizeof(tmpfs) == sizeof(o->tmpfs), "tmpfs");
	_Static_assert(sizeof(env) == sizeof(o->env), "env");
	_Static_assert(sizeof(fixed) / sizeof(fixed[0]) == NFIXED, "NFIXED");
	memcpy(o->bind, bind, sizeof(bind));
	memcpy(o->tmpfs, tmpfs, sizeof(tmpfs));
	memcpy(o->env, env, sizeof(env));
	for (size_t i = 0; i < NRLIMITS; i++) {
		cfg_opt_t opt = CFG_STR(rlimits[i].name, NULL, CFGF_NONE);

		o->rlimit[i] = opt;
	}
	o->rlimit[NRLIMITS] = end;
	memcpy(o->top, fixed, sizeof(fixed));
	for (size_t i = 0; i < CG_NLIMITS; i++) {
		cfg_opt_t opt = CFG_STR(cglimit_cg[i].name, NULL, CFGF_NONE);

		o->top[NFIXED + i] = opt;
	}
	o->top[NFIXED + CG_NLIMITS] = end;
	add_checks(o);
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static enum net_mode net_mode(const char *v)
{
	if (!strcmp(v, "none"))
		return NET_NONE;
	return strcmp(v, "private") ? NET_HOST : NET_PRIVATE;
}

/* The values of a parse, into P; -1 when memory runs out. */
static int take_values(cfg_t *cfg, struct profile *p)
{
	cfg_t *env = cfg_getsec(cfg, "env");

	p->shell = dup_or_null(cfg_getstr(cfg, "shell"));
	p->hostname = dup_or_null(cfg_getstr(cfg, "hostname"));
	p->net = net_mode(cfg_getstr(cfg, "network"));
	p->host_loopback = cfg_getbool(cfg, "host_loopback");
	p->devices = !strcmp(cfg_getstr(cfg, "devices"), "host") ? DEV_HOST :
								   DEV_MINIMAL;
	p->ssh_agent = cfg_getbool(cfg, "ssh_agent");
	p->seccomp_default = !strcmp(cfg_getstr(cfg, "seccomp"), "default");
	p->user_namespaces = cfg_getbool(cfg, "user_namespaces");
	p->io_uring = cfg_getbool(cfg, "io_uring");
	p->runtime_private = !strcmp(cfg_getstr(cfg, "runtime_dir"), "private");
	p->user_jail = !strcmp(cfg_getstr(cfg, "jail"), "user");
	p->containers = cfg_getbool(cfg, "containers");
	if ((cfg_getstr(cfg, "shell") && !p->shell) ||
	    (cfg_getstr(cfg, "hostname") && !p->hostname))
		return -1;
	if (copy_list(env, "set", &p->env_set, &p->nenv_set) < 0 ||
	    copy_list(env, "unset", &p->env_unset, &p->nenv_unset) < 0)
		return -1;
	return copy_list(cfg, "drop_groups", &p->drop_groups, &p->ndrop_groups);
}

/* What options mean together: linger goes with jail = "user" only; a
 * forwarded agent is one login's, and a user's jail is every login's (it
 * cannot be brought into a jail that runs already); host_loopback and
 * publish are a private network's. */
static int check_together(const struct profile *p, struct jerr *e)
{
	if (p->net != NET_PRIVATE && p->host_loopback_line)
		return jerr_set(e,
				"%s:%d: host_loopback is for network = "
				"\"private\" only",
				p->file, p->host_loopback_line);
	if (p->net != NET_PRIVATE && p->npublish)
		return jerr_set(e,
				"%s:%d: publish is for network = \"private\" "
				"only",
				p->file, p->publish_line[0]);
	if (p->linger_line && !p->user_jail)
		return jerr_set(e, "%s:%d: linger is for jail = \"user\" only",
				p->file, p->linger_line);
	if (p->user_jail && p->ssh_agent)
		return jerr_set(e,
				"%s: ssh_agent = yes cannot go with jail = "
				"\"user\"",
				p->file);
	/* the containers' own user namespaces are the point */
	if (p->containers && !p->user_namespaces)
		return jerr_set(e,
				"%s:%d: containers = yes needs "
				"user_namespaces = yes",
				p->file, p->containers_line);
	return 0;
}

int profile_parse(const char *file, const char *text, struct profile *p,
		  struct jerr *e)
{
	struct options opts;
	cfg_t *cfg;
	int r = -1;

	memset(p, 0, sizeof(*p));
	make_options(&opts);
	p->file = strdup(file);
	if (!p->file)
		return jerr_sys(e, ENOMEM, "%s", file);
	building = p;
	cfg = conf_syntax_parse(opts.top, file, text, e);
	building = NULL;
	if (cfg) {
		r = take_values(cfg, p);
		if (r < 0)
			jerr_sys(e, ENOMEM, "%s", file);
		else
			r = check_together(p, e);
		cfg_free(cfg);
	}
	if (r < 0)
		profile_free(p);
	return r;
}

static void free_list(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

void profile_free(struct profile *p)
{
	for (size_t i = 0; i < p->nmounts; i++) {
		free(p->mounts[i].source);
		free(p->mounts[i].target);
	}
	free(p->mounts);
	free_list(p->env_set, p->nenv_set);
	free_list(p->env_unset, p->nenv_unset);
	free_list(p->drop_groups, p->ndrop_groups);
	free_list(p->publish, p->npublish);
	free(p->publish_line);
	free(p->hostname);
	free(p->shell);
	free(p->file);
	memset(p, 0, sizeof(*p));
}
