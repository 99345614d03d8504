/* plan_build(): a profile expanded for one user into ordered mount
 * operations, with the built-in ones, and the plans it refuses. */
#define _GNU_SOURCE
#include <stdint.h>
#include <string.h>

#include "expand.h"
#include "plan.h"
#include "conf_profile.h"
#include "fixture.h"
#include "tap.h"

#define MiB (1024ULL * 1024)

static char jailsh_shell[] = "/usr/sbin/jailsh";

static struct identity alice(void)
{
	return fixture_alice(jailsh_shell);
}

/* Parses TEXT as "t.conf" and builds the plan for ID: what plan_build()
 * returns, or -2 when the profile itself is refused. */
static int build(const char *text, const struct identity *id, struct profile *p,
		 struct plan *pl, struct jerr *e)
{
	memset(pl, 0, sizeof(*pl));
	memset(e, 0, sizeof(*e));
	if (profile_parse("t.conf", text, p, e) < 0) {
		diag("profile refused: %s", e->msg);
		return -2;
	}
	return plan_build(p, id, pl, e);
}

static void done(struct profile *p, struct plan *pl)
{
	plan_free(pl);
	profile_free(p);
}

static int find_op(const struct plan *pl, const char *target)
{
	for (size_t i = 0; i < pl->nops; i++)
		if (!strcmp(pl->ops[i].target, target))
			return (int)i;
	return -1;
}

static int count_ops(const struct plan *pl, const char *target)
{
	int n = 0;

	for (size_t i = 0; i < pl->nops; i++)
		n += !strcmp(pl->ops[i].target, target);
	return n;
}

static const struct plan_op *op_at(const struct plan *pl, const char *target)
{
	int i = find_op(pl, target);

	return i < 0 ? NULL : &pl->ops[i];
}

/* The target of OP's parent, or "-" for none. */
static const char *parent_of(const struct plan *pl, const char *target)
{
	const struct plan_op *op = op_at(pl, target);

	if (!op)
		return "(no such op)";
	if (op->parent < 0)
		return "-";
	if ((size_t)op->parent >= pl->nops)
		return "(bad index)";
	return pl->ops[op->parent].target;
}

static int creates(const struct plan *pl, const char *target)
{
	const struct plan_op *op = op_at(pl, target);

	return op ? plan_creates_mountpoint(pl, op) : -1;
}

static void check_sorted(const struct plan *pl, const char *what)
{
	size_t bad = 0;

	for (size_t i = 1; i < pl->nops && !bad; i++)
		if (path_compare(pl->ops[i - 1].target, pl->ops[i].target) >= 0)
			bad = i;
	if (!ok(!bad, "%s: ops sorted by target", what))
		diag("%s before %s", pl->ops[bad - 1].target,
		     pl->ops[bad].target);
}

/* One op, 6 assertions. */
static void check_op(const struct plan *pl, const char *target,
		     enum mount_kind kind, const char *source, int line,
		     const char *parent)
{
	const struct plan_op *op = op_at(pl, target);

	ok(op, "op %s present", target);
	is_int(count_ops(pl, target), 1, "  %s only once", target);
	is_int(op ? (int)op->kind : -1, kind, "  %s is a %s", target,
	       plan_kind_name(kind));
	is_str(op ? op->source : "(no op)", source, "  %s source", target);
	is_int(op ? op->line : -1, line, "  %s line", target);
	is_str(parent_of(pl, target), parent, "  %s parent", target);
}

static void test_builtin_ops(void)
{
	struct identity id = alice();
	struct profile p;
	struct plan pl;
	struct jerr e;
	const struct plan_op *op;
	int r = build("network = \"host\"\n", &id, &p, &pl, &e);

	if (!is_int(r, 0, "a profile without mounts has a plan"))
		diag("error: %s", e.msg);
	ok(pl.profile == &p && pl.id == &id, "plan refers to profile, id");
	if (is_int(pl.nops, 7, "seven built-in ops")) {
		is_str(pl.ops[0].target, "/", "ops[0] is /");
		is_str(pl.ops[1].target, "/dev", "ops[1] is /dev");
		is_str(pl.ops[2].target, "/proc", "ops[2] is /proc");
		is_str(pl.ops[3].target, "/run/screen",
		       "ops[3] is /run/screen");
		is_str(pl.ops[4].target, "/run/user", "ops[4] is /run/user");
		is_str(pl.ops[5].target, "/run/user/1000",
		       "ops[5] is /run/user/1000");
		is_str(pl.ops[6].target, "/tmp", "ops[6] is /tmp");
	}
	check_op(&pl, "/", MOUNT_ROOT, NULL, 0, "-");
	check_op(&pl, "/proc", MOUNT_PROC, NULL, 0, "/");
	check_op(&pl, "/dev", MOUNT_DEV, NULL, 0, "/");
	check_op(&pl, "/tmp", MOUNT_TMPFS, NULL, 0, "/");
	check_op(&pl, "/run/screen", MOUNT_TMPFS, NULL, 0, "/");
	check_op(&pl, "/run/user", MOUNT_HIDE, NULL, 0, "/");
	check_op(&pl, "/run/user/1000", MOUNT_RUNTIME, NULL, 0, "/run/user");
	op = op_at(&pl, "/tmp");
	is_int(op ? op->mode : 0, 01777, "built-in /tmp mode 01777");
	is_int(op ? op->size : 1, 0, "built-in /tmp default size");
	ok(op && !op->optional, "built-in /tmp is not optional");
	is_int(creates(&pl, "/tmp"), 0, "/tmp mount point is the host's");
	is_int(creates(&pl, "/"), 0, "/ creates no mount point");
	op = op_at(&pl, "/run/screen");
	is_int(op ? op->mode : 0, 01777, "built-in /run/screen mode 01777");
	ok(op && op->optional, "  only where the host has /run/screen");
	op = op_at(&pl, "/run/user/1000");
	is_int(op ? op->mode : 0, 0700, "runtime directory mode 0700");
	is_int(creates(&pl, "/run/user/1000"), 1,
	       "  its mount point made in the /run/user hide");
	is_int(creates(&pl, "/run/user"), 0, "/run/user is the host's");
	is_str(pl.runtime_dir, "/run/user/1000", "runtime_dir of the plan");
	is_str(pl.shell, "/bin/sh", "shell: /bin/sh for a jailsh user");
	done(&p, &pl);
	ok(!pl.ops && !pl.nops && !pl.shell && !pl.runtime_dir,
	   "plan_free clears");
}

static void test_runtime_dir(void)
{
	struct identity id = alice();
	struct profile p;
	struct plan pl;
	struct jerr e;
	int r;

	r = build("runtime_dir = \"host\"\n", &id, &p, &pl, &e);
	if (!is_int(r, 0, "runtime_dir = host: plan"))
		diag("error: %s", e.msg);
	is_int(pl.nops, 5, "  /, /dev, /proc, /run/screen, /tmp");
	is_int(find_op(&pl, "/run/user"), -1, "  no /run/user hide");
	is_int(find_op(&pl, "/run/user/1000"), -1, "  no runtime directory");
	ok(!pl.runtime_dir, "  runtime_dir NULL");
	done(&p, &pl);

	/* a profile's own mount on a built-in target replaces it */
	r = build("volume \"/run/screen\" {}\n"
		  "tmpfs \"/run/user/%U\" { mode = \"0750\" }\n"
		  "map \"/run/user\" {}\n",
		  &id, &p, &pl, &e);
	if (!is_int(r, 0, "profile mounts on the built-in targets: plan"))
		diag("error: %s", e.msg);
	is_int(pl.nops, 7, "  as many ops as without");
	check_op(&pl, "/run/screen", MOUNT_VOLUME, "/run/screen", 1, "/");
	check_op(&pl, "/run/user/1000", MOUNT_TMPFS, NULL, 2, "/run/user");
	check_op(&pl, "/run/user", MOUNT_MAP, "/run/user", 3, "/");
	is_int(creates(&pl, "/run/user/1000"), 0,
	       "  in the map: the host's mount point");
	check_sorted(&pl, "replaced built-ins");
	done(&p, &pl);

	/* inside a profile's tmpfs on /run, the mount points are made */
	r = build("tmpfs \"/run\" { mode = \"0755\" }\n"
		  "map \"/srv\" { target = \"/run/user/%U/srv\" }\n",
		  &id, &p, &pl, &e);
	if (!is_int(r, 0, "tmpfs /run: plan"))
		diag("error: %s", e.msg);
	is_str(parent_of(&pl, "/run/user"), "/run", "  /run/user in /run");
	is_int(creates(&pl, "/run/user"), 1, "  its mount point made");
	is_int(creates(&pl, "/run/screen"), 1, "  and /run/screen's");
	is_str(parent_of(&pl, "/run/user/1000/srv"), "/run/user/1000",
	       "  a map in the runtime directory");
	is_int(creates(&pl, "/run/user/1000/srv"), 1,
	       "  whose mount point it makes");
	done(&p, &pl);

	/* a root of its own (jailsh run --rootfs): none of them */
	r = build("map \"/opt\" {}\n", &id, &p, &pl, &e);
	if (!is_int(r, 0, "rootfs: plan"))
		diag("error: %s", e.msg);
	plan_use_rootfs(&pl, "/srv/root", false);
	is_int(pl.nops, 5, "  /, /dev, /opt, /proc, /tmp");
	is_int(find_op(&pl, "/run/screen"), -1, "  no /run/screen");
	is_int(find_op(&pl, "/run/user/1000"), -1, "  no runtime directory");
	ok(!pl.runtime_dir, "  runtime_dir NULL");
	is_str(pl.rootfs, "/srv/root", "  the root");
	is_str(parent_of(&pl, "/tmp"), "/", "  parents linked again");
	check_sorted(&pl, "rootfs");
	done(&p, &pl);
}

static void test_builtin_profile(void)
{
	struct identity id = alice();
	struct profile p;
	struct plan pl;
	struct jerr e = { .msg = "" };
	int r;

	memset(&pl, 0, sizeof(pl));
	r = profile_parse(PROFILE_BUILTIN_NAME, profile_builtin, &p, &e);
	if (r == 0)
		r = plan_build(&p, &id, &pl, &e);
	if (!is_int(r, 0, "built-in profile: plan"))
		diag("error: %s", e.msg);
	is_int(pl.nops, 8, "built-in profile: 8 ops");
	check_sorted(&pl, "built-in profile");
	check_op(&pl, "/home/alice", MOUNT_VOLUME, "/home/alice", 1, "/");
	is_int(creates(&pl, "/home/alice"), 0,
	       "home under / : mount point is the host's");
	done(&p, &pl);
}

static void test_order(void)
{
	static const char text[] =
		"volume \"~\" {}\n"                                /* 1 */
		"volume \"/srv/x\" { target = \"/home-x\" }\n"     /* 2 */
		"hide = { \"/home\" }\n"                           /* 3 */
		"map \"/opt/tools\" { target = \"/tmp/tools\" }\n" /* 4 */
		"tmpfs \"/var/tmp\" {}\n"                          /* 5 */
		"volume \"/data/%u\" { target = \"/var/tmp/work\" }\n"
		"map \"/usr/share\" {}\n"                           /* 7 */
		"volume \"/srv/y\" { target = \"/usr/share/y\" }\n" /* 8 */
		"volume \"/srv/z\" {}\n"                            /* 9 */
		"volume \"/srv/sub\" { target = \"~/sub\" }\n";     /* 10 */
	static const char *const order[] = {
		"/",
		"/dev",
		"/home",
		"/home/alice",
		"/home/alice/sub",
		"/home-x",
		"/proc",
		"/run/screen",
		"/run/user",
		"/run/user/1000",
		"/srv/z",
		"/tmp",
		"/tmp/tools",
		"/usr/share",
		"/usr/share/y",
		"/var/tmp",
		"/var/tmp/work",
	};
	const size_t n = sizeof(order) / sizeof(order[0]);
	struct identity id = alice();
	struct profile p;
	struct plan pl;
	struct jerr e;
	int r = build(text, &id, &p, &pl, &e);

	if (!is_int(r, 0, "nested profile: plan"))
		diag("error: %s", e.msg);
	if (is_int(pl.nops, n, "nested profile: %zu ops", n))
		for (size_t i = 0; i < n; i++)
			is_str(pl.ops[i].target, order[i], "ops[%zu] is %s", i,
			       order[i]);
	check_sorted(&pl, "nested profile");
	ok(find_op(&pl, "/home") < find_op(&pl, "/home/alice"),
	   "hide /home before volume /home/alice (written after it)");
	ok(find_op(&pl, "/home/alice") < find_op(&pl, "/home-x"),
	   "/home-x after /home/alice");

	check_op(&pl, "/home", MOUNT_HIDE, NULL, 3, "/");
	check_op(&pl, "/home/alice", MOUNT_VOLUME, "/home/alice", 1, "/home");
	check_op(&pl, "/home/alice/sub", MOUNT_VOLUME, "/srv/sub", 10,
		 "/home/alice");
	check_op(&pl, "/home-x", MOUNT_VOLUME, "/srv/x", 2, "/");
	check_op(&pl, "/srv/z", MOUNT_VOLUME, "/srv/z", 9, "/");
	check_op(&pl, "/tmp", MOUNT_TMPFS, NULL, 0, "/");
	check_op(&pl, "/tmp/tools", MOUNT_MAP, "/opt/tools", 4, "/tmp");
	check_op(&pl, "/usr/share", MOUNT_MAP, "/usr/share", 7, "/");
	check_op(&pl, "/usr/share/y", MOUNT_VOLUME, "/srv/y", 8, "/usr/share");
	check_op(&pl, "/var/tmp", MOUNT_TMPFS, NULL, 5, "/");
	check_op(&pl, "/var/tmp/work", MOUNT_VOLUME, "/data/alice", 6,
		 "/var/tmp");
	check_op(&pl, "/proc", MOUNT_PROC, NULL, 0, "/");
	check_op(&pl, "/dev", MOUNT_DEV, NULL, 0, "/");

	is_int(creates(&pl, "/home/alice"), 1,
	       "volume in a hide: jailsh creates its mount point");
	is_int(creates(&pl, "/tmp/tools"), 1,
	       "map in the built-in /tmp: jailsh creates its mount point");
	is_int(creates(&pl, "/var/tmp/work"), 1,
	       "volume in a tmpfs: jailsh creates its mount point");
	is_int(creates(&pl, "/home-x"), 0, "volume under /: the host's");
	is_int(creates(&pl, "/srv/z"), 0, "volume under /: the host's (2)");
	is_int(creates(&pl, "/usr/share/y"), 0, "volume in a map: the host's");
	is_int(creates(&pl, "/home/alice/sub"), 0,
	       "volume in a volume: the host's");
	is_int(creates(&pl, "/home"), 0, "hide under /: the host's");
	done(&p, &pl);
}

/* Source and target of the op at TARGET. */
static void check_expanded(const struct plan *pl, const char *target,
			   const char *source, const char *what)
{
	const struct plan_op *op = op_at(pl, target);

	ok(op, "%s: target %s", what, target);
	is_str(op ? op->source : "(no op)", source, "%s: source", what);
}

static void test_expansion(void)
{
	static const char text[] =
		"volume \"~/work\" {}\n"
		"volume \"/srv/%u\" { target = \"/build\" }\n"
		"map \"/by-uid/%U\" {}\n"
		"map \"/groups/%g\" { target = \"/g/%g-%u\" }\n"
		"tmpfs \"/scratch/100%%\" {}\n"
		"hide = { \"/mnt/%h\" }\n"
		"map \"/lit/%%u\" {}\n"
		"volume \"~\" { target = \"/users/%U/%h\" }\n";
	struct identity id = alice();
	struct profile p;
	struct plan pl;
	struct jerr e;
	int r = build(text, &id, &p, &pl, &e);

	if (!is_int(r, 0, "expansion profile: plan"))
		diag("error: %s", e.msg);
	is_int(pl.nops, 15, "expansion profile: 15 ops");
	check_expanded(&pl, "/home/alice/work", "/home/alice/work", "~/work");
	check_expanded(&pl, "/build", "/srv/alice", "volume /srv/%u at /build");
	check_expanded(&pl, "/by-uid/1000", "/by-uid/1000", "%U");
	check_expanded(&pl, "/g/staff-alice", "/groups/staff", "%g and %u");
	check_expanded(&pl, "/scratch/100%", NULL, "%% in a tmpfs");
	check_expanded(&pl, "/mnt/home/alice", NULL, "%h after a /");
	check_expanded(&pl, "/lit/%u", "/lit/%u", "%%u is literal");
	check_expanded(&pl, "/users/1000/home/alice", "/home/alice",
		       "~ as a source, %U and %h in a target");
	done(&p, &pl);
}

static void test_canonical(void)
{
	static const char text[] =
		"volume \"//srv///data//\" { target = \"/data/\" }\n"
		"hide = { \"/opt//x/\" }\n"
		"volume \"~/\" { target = \"/me//\" }\n"
		"tmpfs \"/var//tmp///\" {}\n";
	char home[] = "//home//alice/";
	struct identity id = alice();
	struct profile p;
	struct plan pl;
	struct jerr e;
	int r = build(text, &id, &p, &pl, &e);

	if (!is_int(r, 0, "slashes: plan"))
		diag("error: %s", e.msg);
	check_expanded(&pl, "/data", "/srv/data", "double, trailing slashes");
	check_expanded(&pl, "/opt/x", NULL, "hide with double slash");
	check_expanded(&pl, "/me", "/home/alice", "~/ and a trailing slash");
	check_expanded(&pl, "/var/tmp", NULL, "tmpfs with slashes");
	done(&p, &pl);

	id.home = home;
	r = build(profile_builtin, &id, &p, &pl, &e);
	if (!is_int(r, 0, "home //home//alice/: plan"))
		diag("error: %s", e.msg);
	check_expanded(&pl, "/home/alice", "/home/alice",
		       "home from the password database made canonical");
	done(&p, &pl);
}

static void test_tmp(void)
{
	struct identity id = alice();
	struct profile p;
	struct plan pl;
	struct jerr e;
	const struct plan_op *op;
	int r;

	r = build("tmpfs \"/tmp\" { size = \"64M\" mode = \"0700\" }\n"
		  "map \"/opt\" { target = \"/tmp/opt\" }\n",
		  &id, &p, &pl, &e);
	if (!is_int(r, 0, "profile tmpfs on /tmp: plan"))
		diag("error: %s", e.msg);
	is_int(count_ops(&pl, "/tmp"), 1, "only one /tmp op");
	is_int(pl.nops, 8, "/, /dev, /proc, the three of /run, /tmp, /tmp/opt");
	op = op_at(&pl, "/tmp");
	is_int(op ? op->line : -1, 1, "the /tmp op is the profile's");
	is_int(op ? (int)op->kind : -1, MOUNT_TMPFS, "  a tmpfs");
	is_int(op ? op->size : 0, 64 * MiB, "  of the profile's size");
	is_int(op ? op->mode : 0, 0700, "  with the profile's mode");
	is_str(parent_of(&pl, "/tmp/opt"), "/tmp", "/tmp/opt inside it");
	is_int(creates(&pl, "/tmp/opt"), 1, "  whose mount point it creates");
	check_sorted(&pl, "profile /tmp");
	done(&p, &pl);

	r = build("tmpfs \"//tmp/\" {}\n", &id, &p, &pl, &e);
	if (!is_int(r, 0, "profile tmpfs on //tmp/: plan"))
		diag("error: %s", e.msg);
	is_int(count_ops(&pl, "/tmp"), 1, "  only one /tmp op");
	op = op_at(&pl, "/tmp");
	is_int(op ? op->line : -1, 1, "  the profile's");
	done(&p, &pl);

	r = build("volume \"/scratch/%u\" { target = \"/tmp\" }\n"
		  "map \"/opt\" { target = \"/tmp/opt\" }\n",
		  &id, &p, &pl, &e);
	if (!is_int(r, 0, "profile volume on /tmp: plan"))
		diag("error: %s", e.msg);
	is_int(count_ops(&pl, "/tmp"), 1, "  only one /tmp op");
	check_op(&pl, "/tmp", MOUNT_VOLUME, "/scratch/alice", 1, "/");
	is_int(creates(&pl, "/tmp/opt"), 0, "  /tmp/opt must exist there");
	done(&p, &pl);

	/* the built-in /tmp does not hide a duplicate between two of the
	 * profile's own mounts */
	r = build("tmpfs \"/tmp\" {}\nvolume \"/x\" { target = \"/tmp\" }\n",
		  &id, &p, &pl, &e);
	is_int(r, -1, "two profile mounts on /tmp: refused");
	like(e.msg, "t.conf:2: ", "  at the later line");
	like(e.msg, "line 1", "  naming the earlier");
	done(&p, &pl);
}

/* The plan for TEXT is refused: "FILE:LINE: " then each of PARTS. */
static void refuses_(const char *name, const char *text,
		     const struct identity *id, const char *prefix,
		     const char *const *parts)
{
	struct profile p;
	struct plan pl;
	struct jerr e;
	int r = build(text, id, &p, &pl, &e);

	is_int(r, -1, "%s: refused", name);
	if (!ok(!strncmp(e.msg, prefix, strlen(prefix)),
		"%s: message starts \"%s\"", name, prefix))
		diag("message: %s", e.msg);
	for (; *parts; parts++)
		like(e.msg, *parts, "%s: message says \"%s\"", name, *parts);
	ok(!pl.ops && !pl.nops && !pl.shell, "%s: plan left empty", name);
	done(&p, &pl);
}

#define refuses(name, text, id, prefix, ...) \
	refuses_(name, text, id, prefix, \
		 (const char *const[]){ __VA_ARGS__, NULL })

static void accepts(const char *name, const char *text)
{
	struct identity id = alice();
	struct profile p;
	struct plan pl;
	struct jerr e;
	int r = build(text, &id, &p, &pl, &e);

	if (!is_int(r, 0, "%s: accepted", name))
		diag("error: %s", e.msg);
	done(&p, &pl);
}

static void test_rejections(void)
{
	struct identity id = alice();
	char dotdot_home[] = "/home/../etc", rel_home[] = "home/alice";
	char ctl_home[] = "/home/al\nice", dotdot_name[] = "..";

	refuses("duplicate target",
		"volume \"~\" {}\nmap \"/etc\" {}\n\n"
		"map \"/srv/home\" { target = \"/home/alice/\" }\n",
		&id, "t.conf:4: ", "/home/alice", "line 1");
	refuses("duplicate target, hide then volume",
		"hide = { \"/srv\" }\nvolume \"/srv\" {}\n", &id,
		"t.conf:2: ", "/srv", "line 1");
	refuses("duplicate target, volume then hide",
		"\nvolume \"/srv\" {}\n\n\nhide = { \"/srv\" }\n", &id,
		"t.conf:5: ", "line 2");
	refuses("duplicate target spelled differently",
		"map \"/a//b/\" {}\nmap \"/x\" { target = \"/a/b\" }\n", &id,
		"t.conf:2: ", "/a/b", "line 1");
	refuses("duplicate target through expansion",
		"volume \"~\" {}\nhide = { \"/home/%u\" }\n", &id,
		"t.conf:2: ", "line 1");

	refuses("target /", "volume \"/srv\" { target = \"/\" }\n", &id,
		"t.conf:1: ", "cannot mount over /");
	refuses("hide /", "\nhide = { \"/\" }\n", &id,
		"t.conf:2: ", "cannot mount over /");
	refuses("tmpfs //", "tmpfs \"//\" {}\n", &id,
		"t.conf:1: ", "cannot mount over /");
	refuses("target /proc", "map \"/x\" { target = \"/proc\" }\n", &id,
		"t.conf:1: ", "/proc", "set up by jailsh");
	refuses("hide /proc/sys", "\n\nhide = { \"/proc/sys\" }\n", &id,
		"t.conf:3: ", "/proc/sys", "set up by jailsh");
	refuses("target /proc/x", "volume \"/srv\" { target = \"/proc/x\" }\n",
		&id, "t.conf:1: ", "/proc");
	refuses("target /dev", "volume \"/srv/dev\" { target = \"/dev\" }\n",
		&id, "t.conf:1: ", "/dev");
	refuses("tmpfs /dev/shm", "tmpfs \"/dev/shm\" {}\n", &id,
		"t.conf:1: ", "/dev/shm", "set up by jailsh");
	refuses("target //dev//pts/",
		"map \"/x\" { target = \"//dev//pts/\" }\n", &id,
		"t.conf:1: ", "/dev/pts");

	accepts("/devices is not /dev",
		"map \"/x\" { target = \"/devices\" }\n");
	accepts("/process is not /proc", "hide = { \"/process\" }\n");
	accepts("/tmpfoo is not /tmp", "tmpfs \"/tmpfoo\" {}\n");

	id.home = dotdot_home;
	refuses("home /home/../etc", profile_builtin, &id, "t.conf:1: ", "~",
		"\"..\"");
	refuses("home /home/../etc in %h",
		"map \"/x\" {}\nmap \"/y\" { target = \"/%h\" }\n", &id,
		"t.conf:2: ", "%h");
	id.home = rel_home;
	refuses("relative home", profile_builtin, &id,
		"t.conf:1: ", "absolute");
	id.home = ctl_home;
	refuses("home with a newline", profile_builtin, &id,
		"t.conf:1: ", "control");
	id = alice();
	id.name = dotdot_name;
	refuses("user name ..", "volume \"/srv/%u\" {}\n", &id,
		"t.conf:1: ", "\"..\"");
}

static void check_shell(const char *profile_text, char *passwd_shell,
			const char *want, const char *what)
{
	struct identity id = alice();
	struct profile p;
	struct plan pl;
	struct jerr e;
	int r;

	id.shell = passwd_shell;
	r = build(profile_text, &id, &p, &pl, &e);
	if (!is_int(r, 0, "%s: plan", what))
		diag("error: %s", e.msg);
	is_str(pl.shell, want, "%s: shell %s", what, want);
	done(&p, &pl);
}

static void test_shell(void)
{
	char zsh[] = "/bin/zsh", jailsh[] = "/usr/sbin/jailsh";
	char jailsh2[] = "/usr/local/bin/jailsh";
	char jailshell[] = "/bin/jailshell";
	char empty[] = "", relative[] = "zsh";
	static const char with_shell[] = "shell = \"/bin/bash\"\n";
	static const char without[] = "devices = \"minimal\"\n";

	check_shell(with_shell, zsh, "/bin/bash", "profile shell wins");
	check_shell(with_shell, jailsh, "/bin/bash",
		    "profile shell for a jailsh user");
	check_shell(without, zsh, "/bin/zsh", "passwd shell");
	check_shell(without, jailsh, "/bin/sh", "passwd shell is jailsh");
	check_shell(without, jailsh2, "/bin/sh",
		    "passwd shell is jailsh elsewhere");
	check_shell(without, jailshell, "/bin/jailshell",
		    "passwd shell only named like jailsh");
	check_shell(without, empty, "/bin/sh", "empty passwd shell");
	check_shell(without, relative, "/bin/sh", "relative passwd shell");
}

static void test_kind_names(void)
{
	is_str(plan_kind_name(MOUNT_ROOT), "root", "kind name root");
	is_str(plan_kind_name(MOUNT_PROC), "proc", "kind name proc");
	is_str(plan_kind_name(MOUNT_DEV), "dev", "kind name dev");
	is_str(plan_kind_name(MOUNT_TMPFS), "tmpfs", "kind name tmpfs");
	is_str(plan_kind_name(MOUNT_HIDE), "hide", "kind name hide");
	is_str(plan_kind_name(MOUNT_MAP), "map", "kind name map");
	is_str(plan_kind_name(MOUNT_VOLUME), "volume", "kind name volume");
	is_str(plan_kind_name(MOUNT_AGENT), "agent", "kind name agent");
}

/* plan_add_agent(): only sshd's form of path, only with ssh_agent = yes */
static void test_agent(void)
{
	static const char *const refused[] = {
		"/run/user/1000/systemd/private",
		"/tmp/ssh-abc/agent.1",
		"/tmp/ssh-Ju3JmJmIKh/agent.",
		"/tmp/ssh-Ju3JmJmIKh/agent.1x",
		"/tmp/ssh-Ju3JmJmIKh/../agent.1",
		"/tmp/ssh-Ju3J.mIKh/agent.1",
		"/tmp/ssh-Ju3JmJmIKh/x/agent.1",
		"/home/alice/ssh-Ju3JmJmIKh/agent.1",
		"tmp/ssh-Ju3JmJmIKh/agent.1",
		"/tmp/ssh-Ju3JmJmIKh/agent.1/",
		"",
		NULL,
	};
	const char *good = "/tmp/ssh-Ju3JmJmIKh/agent.5197";
	struct identity id = alice();
	struct profile p;
	struct plan pl;
	struct jerr e;
	const struct plan_op *op;

	build("volume \"~\" {}\n", &id, &p, &pl, &e);
	is_int(plan_add_agent(&pl, good, &e), 0,
	       "agent: not brought in with ssh_agent = no");
	is_int(find_op(&pl, good), -1, "  and no op for it");
	done(&p, &pl);

	build("ssh_agent = yes\nvolume \"~\" {}\n", &id, &p, &pl, &e);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		is_int(plan_add_agent(&pl, refused[i], &e), 0,
		       "agent: not brought in from \"%s\"",
		       refused[i] ? refused[i] : "(unset)");
	is_int(plan_add_agent(&pl, good, &e), 1, "agent: sshd's socket is");
	op = op_at(&pl, good);
	ok(op && op->kind == MOUNT_AGENT && !strcmp(op->source, good),
	   "  as an agent op from and to the same path");
	ok(op && op->parent == find_op(&pl, "/tmp") &&
		   plan_creates_mountpoint(&pl, op),
	   "  inside the private /tmp, which gets its mount point");
	{
		int sorted = 1;

		for (size_t i = 1; i < pl.nops; i++)
			sorted &= path_compare(pl.ops[i - 1].target,
					       pl.ops[i].target) < 0;
		ok(sorted, "  and the plan is still parents first, in order");
	}
	done(&p, &pl);
}

/* TEXT's plan for alice, fingerprinted; with the login records if
 * RECORDS. 0 when it cannot be built. */
static uint64_t fingerprint(const char *text, int records)
{
	struct identity id = alice();
	struct profile p;
	struct plan pl;
	struct jerr e;
	uint64_t fp = 0;

	if (build(text, &id, &p, &pl, &e) == 0 &&
	    (!records || plan_add_login_records(&pl, &e) == 0))
		fp = plan_fingerprint(&pl);
	done(&p, &pl);
	return fp;
}

static void test_fingerprint(void)
{
	const char *base = "jail = \"user\"\nvolume \"~\" {}\n";
	uint64_t a = fingerprint(base, 0);

	ok(a != 0, "a plan has a fingerprint");
	ok(fingerprint(base, 0) == a, "  the same plan, the same fingerprint");
	ok(fingerprint(base, 1) == a,
	   "  the login records (the PAM module's) do not count");
	ok(fingerprint("jail = \"user\"\nvolume \"~\" {}\nhostname = \"x\"\n",
		       0) != a,
	   "  a hostname changes it");
	ok(fingerprint("jail = \"user\"\nvolume \"~\" {}\n"
		       "map \"/usr/share\" { target = \"/srv\" }\n",
		       0) != a,
	   "  a mount changes it");
	ok(fingerprint("jail = \"user\"\nvolume \"~\" {}\n"
		       "rlimit { nofile = 64 }\n",
		       0) != a,
	   "  a limit changes it");
	ok(fingerprint("jail = \"user\"\nlinger = \"1h\"\n"
		       "volume \"~\" {}\n",
		       0) != a,
	   "  the linger changes it");
}

int main(void)
{
	test_builtin_ops();
	test_runtime_dir();
	test_builtin_profile();
	test_order();
	test_expansion();
	test_canonical();
	test_tmp();
	test_rejections();
	test_shell();
	test_kind_names();
	test_agent();
	test_fingerprint();
	return done_testing();
}
