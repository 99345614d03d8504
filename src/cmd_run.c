/* jailsh run and jailsh build: a jail any user can make for one command,
 * as selfdock does. Nothing here uses privilege: the process is the
 * caller before it reads a single option, and the jail is built in a
 * user namespace that maps the caller to themself, so it can never hold
 * more than the caller already has. Inside a jail, it nests. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "config.h"
#include "conf_dir.h"
#include "env.h"
#include "exit_status.h"
#include "groups.h"
#include "log.h"
#include "plan.h"
#include "publish.h"
#include "runmap.h"
#include "session.h"

struct run_options {
	int build;
	const char *rootfs;
	const char *profile;
	const char *name; /* seen in the command line, for jailsh enter */
	char **cmd;       /* what to run, NULL-terminated */
};

/* A wrong command line: one line, and nothing runs. */
static int bad(const char *what, const char *why)
{
	log_error("%s: %s (see jailsh(8))", what, why);
	return -1;
}

/* An absolute path for a path given relative to the working directory. */
static char *absolute(const char *path)
{
	char cwd[PATH_MAX], *out;

	if (path[0] == '/')
		return strdup(path);
	if (!getcwd(cwd, sizeof(cwd)))
		return NULL;
	if (asprintf(&out, "%s/%s", strcmp(cwd, "/") ? cwd : "", path) < 0)
		return NULL;
	return out;
}

/* A name the configuration directory may hold as profiles/NAME.conf. */
static int plain_name(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 64 && s[0] != '.' && s[0] != '-' &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789._-") == n;
}

static int load_profile(const char *name, struct profile *p, struct jerr *e)
{
	char rel[128], file[4096], *text = NULL;
	struct conf_dir d;
	int r;

	if (!name)
		return profile_parse("(command line)", "", p, e);
	if (!plain_name(name))
		return jerr_set(e,
				"--profile %s: not a profile name (letters, "
				"digits, '.', '_' and '-')",
				name);
	if (conf_dir_open(&d, JAILSH_CONFDIR, e) < 0)
		return -1;
	snprintf(rel, sizeof(rel), "profiles/%s.conf", name);
	snprintf(file, sizeof(file), "%s/%s", JAILSH_CONFDIR, rel);
	r = conf_dir_read(&d, rel, &text, e);
	conf_dir_close(&d);
	if (r == 0)
		return jerr_set(e, "--profile %s: there is no %s", name, file);
	if (r < 0)
		return -1;
	r = profile_parse(file, text, p, e);
	free(text);
	return r;
}

/* The mount options, in the order given, onto the profile. */
static int add_mounts(int end, char **argv, struct profile *p, struct jerr *e)
{
	for (int i = 1; i < end && strcmp(argv[i], "--"); i++) {
		enum mount_kind kind;
		char *source;
		const char *target = NULL;
		int r;

		if (!strcmp(argv[i], "--map"))
			kind = MOUNT_MAP;
		else if (!strcmp(argv[i], "--vol"))
			kind = MOUNT_VOLUME;
		else if (!strcmp(argv[i], "--tmpfs"))
			kind = MOUNT_TMPFS;
		else
			continue;
		if (kind != MOUNT_TMPFS)
			target = argv[i + 2];
		source = kind == MOUNT_TMPFS ? strdup(argv[i + 1]) :
					       absolute(argv[i + 1]);
		if (!source)
			return jerr_sys(e, errno, "%s", argv[i + 1]);
		r = profile_add_mount(p, kind, source, target,
				      PROFILE_ARG_LINE + i + 2, e);
		free(source);
		if (r < 0)
			return -1;
		i += kind == MOUNT_TMPFS ? 1 : 2;
	}
	return 0;
}

/* The options, checked; the profile's own settings are overridden by
 * --net and --hostname afterwards (set_simple). */
static int parse(int argc, char **argv, struct run_options *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->build = !strcmp(argv[0], "build");
	for (i = 1; i < argc; i++) {
		const char *opt = argv[i];
		int two = !strcmp(opt, "--map") || !strcmp(opt, "--vol");
		int one = two || !strcmp(opt, "--tmpfs") ||
			  !strcmp(opt, "--rootfs") || !strcmp(opt, "--net") ||
			  !strcmp(opt, "--hostname") ||
			  !strcmp(opt, "--name") || !strcmp(opt, "--profile") ||
			  !strcmp(opt, "--publish");

		if (!strcmp(opt, "--")) {
			i++;
			break;
		}
		if (opt[0] != '-' || !opt[1])
			break;
		if (!one)
			return bad(opt, "unknown option");
		if (i + 1 + two >= argc)
			return bad(opt, two ? "needs SOURCE and TARGET" :
					      "needs an argument");
		if (!strcmp(opt, "--rootfs"))
			o->rootfs = argv[i + 1];
		else if (!strcmp(opt, "--profile"))
			o->profile = argv[i + 1];
		else if (!strcmp(opt, "--name"))
			o->name = argv[i + 1];
		else if (!strcmp(opt, "--net") && strcmp(argv[i + 1], "host") &&
			 strcmp(argv[i + 1], "none") &&
			 strcmp(argv[i + 1], "private"))
			return bad("--net", "must be host, none or private");
		else if (!strcmp(opt, "--hostname") &&
			 !profile_hostname_ok(argv[i + 1]))
			return bad("--hostname", "use 1 to 64 letters, digits, "
						 "'-' and '.'");
		else if (!strcmp(opt, "--name") && !plain_name(argv[i + 1]))
			return bad("--name", "use letters, digits, '.', '_' "
					     "and '-'");
		i += 1 + two;
	}
	if (i >= argc)
		return bad(argv[0], "no command to run");
	if (o->build && !o->rootfs)
		return bad(argv[0], "--rootfs DIR is required");
	o->cmd = argv + i;
	return i;
}

/* --net and --hostname, the last of each, over the profile's. */
static int set_simple(int end, char **argv, struct profile *p)
{
	for (int i = 1; i < end && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--net"))
			p->net = !strcmp(argv[i + 1], "none")    ? NET_NONE :
				 !strcmp(argv[i + 1], "private") ? NET_PRIVATE :
								   NET_HOST;
		if (!strcmp(argv[i], "--hostname")) {
			free(p->hostname);
			p->hostname = strdup(argv[i + 1]);
			if (!p->hostname)
				return -1;
		}
	}
	return 0;
}

/* Can the caller bind ports below net.ipv4.ip_unprivileged_port_start
 * (CAP_NET_BIND_SERVICE, root)? */
static int can_bind_low(void)
{
	cap_flag_value_t v = CAP_CLEAR;
	cap_t caps = cap_get_proc();

	if (caps)
		cap_get_flag(caps, CAP_NET_BIND_SERVICE, CAP_EFFECTIVE, &v);
	cap_free(caps);
	return v == CAP_SET;
}

static unsigned low_ports_end(void)
{
	char buf[32];
	FILE *f = fopen("/proc/sys/net/ipv4/ip_unprivileged_port_start", "re");
	unsigned v = 1024;

	if (f && fgets(buf, sizeof(buf), f))
		v = (unsigned)strtoul(buf, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

/* --publish, in the order given: only ports the caller could bind on
 * the host anyway (the stack binds them as the caller). */
static int add_publish(int end, char **argv, struct profile *p, struct jerr *e)
{
	for (int i = 1; i < end && strcmp(argv[i], "--"); i++) {
		struct publish pub;
		char why[256];

		if (strcmp(argv[i], "--publish"))
			continue;
		if (publish_parse(argv[i + 1], &pub, why, sizeof(why)) == 0 &&
		    pub.port < low_ports_end() && !can_bind_low())
			return jerr_set(
				e,
				"argument %d: --publish \"%s\": port "
				"%u is below %u "
				"(net.ipv4.ip_unprivileged_port_start), "
				"which you may not bind",
				i + 1, argv[i + 1], pub.port, low_ports_end());
		if (profile_add_publish(p, argv[i + 1],
					PROFILE_ARG_LINE + i + 1, e) < 0)
			return -1;
		i++;
	}
	/* the profile's own went through its check already */
	if (p->net != NET_PRIVATE && (p->npublish || p->host_loopback))
		return jerr_set(e,
				"%s needs --net private (or a profile with "
				"network = \"private\")",
				p->host_loopback && !p->npublish ?
					"host_loopback" :
					"--publish");
	return 0;
}

/* Cgroup limits need privilege; a profile that requires one cannot be
 * applied here, and is refused rather than applied in part. */
static int check_no_cgroup(const struct profile *p, struct jerr *e)
{
	for (int i = 0; i < CG_NLIMITS; i++)
		if (p->cg_set[i] && !p->cg_optional[i])
			return jerr_set(e,
					"%s: %s needs a cgroup, which jailsh "
					"run cannot make without privilege; "
					"list it in optional_limits to run "
					"without it",
					p->file, cglimit_cg[i].name);
	return 0;
}

/* build: only into a directory of the caller's own, reached without
 * links that are not root's. */
static int check_build_root(const char *dir, struct jerr *e)
{
	struct stat st;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return jerr_sys(e, errno, "--rootfs %s", dir);
	if (fstat(fd, &st) < 0 || st.st_uid != getuid()) {
		close(fd);
		return jerr_set(e,
				"--rootfs %s: build writes only into a "
				"directory you own",
				dir);
	}
	close(fd);
	return 0;
}

/* Did the kernel refuse the caller the namespaces? Nothing else that
 * session_start does fails with these (what init says comes as text). */
static int userns_refused(const struct jerr *e)
{
	return e->errnum == EPERM || e->errnum == ENOSPC || e->errnum == EUSERS;
}

/* The one line for a kernel without user namespaces for everyone. */
static void explain_userns(const char *msg)
{
	log_refusal("%s: user namespaces are not available to unprivileged "
		    "users here; an administrator can allow them (sysctl "
		    "user.max_user_namespaces=N with N > 0, "
		    "kernel.unprivileged_userns_clone=1, or "
		    "kernel.apparmor_restrict_unprivileged_userns=0)",
		    msg);
}

/* Becomes the caller: real, effective and saved ids, for good. */
static int drop_to_caller(void)
{
	gid_t g = getgid();
	uid_t u = getuid();

	if (setresgid(g, g, g) < 0 || setresuid(u, u, u) < 0 ||
	    geteuid() != u || getegid() != g)
		return -1;
	/* an ordinary process of the caller's now, with nothing to hide:
	 * and its /proc files must be the caller's, or the user namespace
	 * cannot be given its map */
	return prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
}

/* The caller, and the profile (--profile's, or the default) with what
 * the command line changes in it, checked. */
static int make_profile(const struct run_options *o, int end, char **argv,
			const char *rootfs, struct identity *id,
			struct profile *p, struct jerr *e)
{
	if ((o->build && check_build_root(rootfs, e) < 0) ||
	    identity_from_uid(getuid(), id, e) < 0 ||
	    load_profile(o->profile, p, e) < 0 || check_no_cgroup(p, e) < 0 ||
	    groups_check_unprivileged(p, e) < 0 ||
	    add_mounts(end, argv, p, e) < 0)
		return -1;
	if (set_simple(end, argv, p) < 0)
		return jerr_set(e, "out of memory");
	if (add_publish(end, argv, p, e) < 0)
		return -1;
	/* the process's own gid (newgrp) is what can be mapped */
	id->gid = getgid();
	id->groups_known = 1;
	return 0;
}

/* The command in the jail of PL; returns the status to exit with. */
static int run_command(const struct run_options *o, const struct inherited *in,
		       const struct plan *pl, struct identity *id, char **env)
{
	struct shell_start sh = { 0 };
	struct session s;
	struct jerr e = { .msg = "" };
	int code;

	sh.path = o->cmd[0];
	sh.argv = o->cmd;
	sh.envp = env;
	sh.search_path = 1;
	inherit_shell_start(in, &sh);
	if (!sh.cwd)
		sh.cwd = "/";
	if (session_start(&s, pl, id, &sh, NULL, &e) < 0) {
		if (userns_refused(&e))
			explain_userns(e.msg);
		else
			log_refusal("%s", e.msg);
		return s.code;
	}
	code = session_wait(&s, &e);
	if (e.msg[0])
		log_refusal("%s", e.msg);
	session_close(&s);
	return code;
}

int cmd_run(int argc, char **argv, const struct inherited *in)
{
	struct run_options o;
	struct profile p = { 0 };
	struct identity id = { 0 };
	struct plan pl = { 0 };
	char *rootfs = NULL, **env = NULL;
	struct jerr e = { .msg = "" };
	int code = EXIT_FAILED, have_plan = 0, end;

	if (drop_to_caller() < 0) {
		log_refusal("cannot become uid %u", getuid());
		return EXIT_FAILED;
	}
	end = parse(argc, argv, &o);
	if (end < 0)
		return EXIT_FAILED;
	if (o.rootfs && !(rootfs = absolute(o.rootfs))) {
		log_refusal("--rootfs %s: %s", o.rootfs, strerror(errno));
		return EXIT_FAILED;
	}
	if (make_profile(&o, end, argv, rootfs, &id, &p, &e) < 0 ||
	    plan_build(&p, &id, &pl, &e) < 0) {
		log_refusal("%s", e.msg);
		goto out;
	}
	have_plan = 1;
	if (runmap_check(&pl, &e) < 0) {
		log_refusal("%s", e.msg);
		goto out;
	}
	pl.userns = true;
	if (rootfs)
		plan_use_rootfs(&pl, rootfs, o.build);
	env = env_runtime(&pl, in->env);
	if (!env) {
		log_refusal("out of memory");
		goto out;
	}
	code = run_command(&o, in, &pl, &id, env);
out:
	env_free(env);
	if (have_plan)
		plan_free(&pl);
	profile_free(&p);
	identity_free(&id);
	free(rootfs);
	return code;
}
