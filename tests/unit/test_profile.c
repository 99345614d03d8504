/* profile_parse() and settings_parse() on text: what a profile means, and
 * every way one is refused, with the file and line of the mistake. */
#define _GNU_SOURCE
#include <stdint.h>
#include <string.h>

#include "conf_profile.h"
#include "conf_settings.h"
#include "tap.h"

#define FILE_NAME "users/bob.conf"
#define GiB (1024ULL * 1024 * 1024)

static const struct profile_mount *find_mount(const struct profile *p,
					      enum mount_kind kind,
					      const char *source)
{
	for (size_t i = 0; i < p->nmounts; i++)
		if (p->mounts[i].kind == kind &&
		    !strcmp(p->mounts[i].source, source))
			return &p->mounts[i];
	return NULL;
}

static int count_mounts(const struct profile *p, enum mount_kind kind,
			const char *source)
{
	int n = 0;

	for (size_t i = 0; i < p->nmounts; i++)
		n += p->mounts[i].kind == kind &&
		     !strcmp(p->mounts[i].source, source);
	return n;
}

/* One mount, all its fields; 8 assertions. */
static void check_mount(const struct profile *p, enum mount_kind kind,
			const char *source, const char *target, uint64_t size,
			mode_t mode, int line)
{
	const struct profile_mount *m = find_mount(p, kind, source);

	if (!ok(m, "mount %s is there", source)) {
		for (int i = 0; i < 7; i++)
			ok(0, "  (no mount %s to check)", source);
		return;
	}
	is_int(count_mounts(p, kind, source), 1, "  %s: only once", source);
	is_int(m->kind, kind, "  %s: kind", source);
	is_str(m->source, source, "  %s: source", source);
	is_str(m->target, target, "  %s: target", source);
	is_int(m->size, size, "  %s: size", source);
	is_int(m->mode, mode, "  %s: mode", source);
	is_int(m->line, line, "  %s: line", source);
}

static void check_limit(const struct profile *p, int resource, rlim_t want)
{
	const char *name = profile_rlimit_name(resource);

	if (ok(p->limit_set[resource], "rlimit %s is set", name))
		is_int(p->limit[resource], want, "rlimit %s value", name);
	else
		ok(0, "rlimit %s value (not set)", name);
}

static int list_has(char **list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], s))
			return 1;
	return 0;
}

static void test_full_example(void)
{
	/* no comments here: see test_comments() */
	static const char text[] =
		"\n"                                                 /* 1 */
		"shell    = \"/bin/bash\"\n"                         /* 2 */
		"hostname = \"build-jail\"\n"                        /* 3 */
		"network  = \"none\"\n"                              /* 4 */
		"devices  = \"host\"\n"                              /* 5 */
		"\n"                                                 /* 6 */
		"volume \"~\" {}\n"                                  /* 7 */
		"volume \"/srv/build/%u\" { target = \"/build\" }\n" /* 8 */
		"map \"/opt/toolchains\" {}\n"                       /* 9 */
		"tmpfs \"/var/tmp\" { size = \"2G\" mode = \"0700\" }\n"
		"tmpfs \"/scratch\" {}\n" /* 11 */
		"hide = { \"/home\",\n"   /* 12 */
		"         \"/root\" }\n"  /* 13 */
		"\n"                      /* 14 */
		"rlimit { nofile = 4096  nproc = 512  as = \"8G\"  core = 0\n"
		"         stack = \"unlimited\"  fsize = \"512K\"  cpu = 3600\n"
		"         memlock = \"64m\"  rss = \"infinity\" }\n" /* 15-17 */
		"env { set = { \"EDITOR=vi\", \"LANG=C.UTF-8\", \"EMPTY=\" }\n"
		"      unset = { \"http_proxy\", \"https_proxy\" } }\n";
	struct profile p;
	struct jerr e = { .msg = "" };
	int r = profile_parse(FILE_NAME, text, &p, &e);

	if (!is_int(r, 0, "full example parses"))
		diag("error: %s", e.msg);
	is_str(p.file, FILE_NAME, "file name kept for messages");
	is_str(p.shell, "/bin/bash", "shell");
	is_str(p.hostname, "build-jail", "hostname");
	is_int(p.net, NET_NONE, "network none");
	is_int(p.devices, DEV_HOST, "devices host");

	is_int(p.nmounts, 7, "7 mounts");
	check_mount(&p, MOUNT_VOLUME, "~", NULL, 0, 01777, 7);
	check_mount(&p, MOUNT_VOLUME, "/srv/build/%u", "/build", 0, 01777, 8);
	check_mount(&p, MOUNT_MAP, "/opt/toolchains", NULL, 0, 01777, 9);
	check_mount(&p, MOUNT_TMPFS, "/var/tmp", NULL, 2 * GiB, 0700, 10);
	check_mount(&p, MOUNT_TMPFS, "/scratch", NULL, 0, 01777, 11);
	check_mount(&p, MOUNT_HIDE, "/home", NULL, 0, 01777, 12);
	check_mount(&p, MOUNT_HIDE, "/root", NULL, 0, 01777, 13);

	check_limit(&p, RLIMIT_NOFILE, 4096);
	check_limit(&p, RLIMIT_NPROC, 512);
	check_limit(&p, RLIMIT_AS, 8 * GiB);
	check_limit(&p, RLIMIT_CORE, 0);
	check_limit(&p, RLIMIT_STACK, RLIM_INFINITY);
	check_limit(&p, RLIMIT_FSIZE, 512 * 1024);
	check_limit(&p, RLIMIT_CPU, 3600);
	check_limit(&p, RLIMIT_MEMLOCK, 64 * 1024 * 1024);
	check_limit(&p, RLIMIT_RSS, RLIM_INFINITY);
	ok(!p.limit_set[RLIMIT_DATA], "rlimit data not set");
	ok(!p.limit_set[RLIMIT_NICE], "rlimit nice not set");

	is_int(p.nenv_set, 3, "3 variables set");
	ok(list_has(p.env_set, p.nenv_set, "EDITOR=vi"), "sets EDITOR=vi");
	ok(list_has(p.env_set, p.nenv_set, "LANG=C.UTF-8"),
	   "sets LANG=C.UTF-8");
	ok(list_has(p.env_set, p.nenv_set, "EMPTY="), "sets EMPTY= (empty)");
	is_int(p.nenv_unset, 2, "2 variables unset");
	ok(list_has(p.env_unset, p.nenv_unset, "http_proxy"),
	   "unsets http_proxy");
	ok(list_has(p.env_unset, p.nenv_unset, "https_proxy"),
	   "unsets https_proxy");
	ok(p.env_set && !p.env_set[p.nenv_set], "env_set NULL-terminated");
	ok(p.env_unset && !p.env_unset[p.nenv_unset],
	   "env_unset NULL-terminated");
	profile_free(&p);
	ok(!p.mounts && !p.nmounts && !p.file, "profile_free clears");
}

static void test_defaults(void)
{
	struct profile p;
	struct jerr e = { .msg = "" };
	int r;

	r = profile_parse(FILE_NAME, "# nothing but a comment\n", &p, &e);
	if (!is_int(r, 0, "a comment-only profile parses"))
		diag("error: %s", e.msg);
	ok(!p.shell, "default shell: none (chosen by the plan)");
	ok(!p.hostname, "default hostname: none (the host's)");
	is_int(p.net, NET_HOST, "default network: host");
	is_int(p.devices, DEV_MINIMAL, "default devices: minimal");
	is_int(p.nmounts, 0, "no mounts");
	is_int(p.nenv_set + p.nenv_unset, 0, "no env changes");
	ok(p.runtime_private, "default runtime_dir: private");
	is_int(p.ndrop_groups, 0, "no drop_groups");
	{
		int any = 0;

		for (int i = 0; i < RLIM_NLIMITS; i++)
			any |= p.limit_set[i];
		ok(!any, "no rlimits set");
	}
	profile_free(&p);

	r = profile_parse(FILE_NAME,
			  "network = \"host\"\ndevices = "
			  "\"minimal\"\ntmpfs \"/t\" {}\n",
			  &p, &e);
	if (!is_int(r, 0, "explicit host/minimal parse"))
		diag("error: %s", e.msg);
	is_int(p.net, NET_HOST, "network host");
	is_int(p.devices, DEV_MINIMAL, "devices minimal");
	if (is_int(p.nmounts, 1, "one tmpfs")) {
		is_int(p.mounts[0].mode, 01777, "tmpfs default mode 01777");
		is_int(p.mounts[0].size, 0, "tmpfs default size 0");
		ok(!p.mounts[0].target, "tmpfs has no separate target");
	}
	profile_free(&p);

	/* An empty file states no option: every default applies. */
	memset(&e, 0, sizeof(e));
	r = profile_parse(FILE_NAME, "", &p, &e);
	if (!is_int(r, 0, "an empty profile parses (all defaults)"))
		diag("error: %s", e.msg);
	is_int(p.nmounts, 0, "empty profile: no mounts");
	profile_free(&p);
}

static void test_values(void)
{
	static const char hostname64[] =
		"hostname = \"a123456789b123456789c123456789d123456789"
		"e123456789f123456789g1-x\"\n";
	struct profile p;
	struct jerr e = { .msg = "" };
	int r;

	r = profile_parse(FILE_NAME, hostname64, &p, &e);
	if (!is_int(r, 0, "a 64-character hostname is accepted"))
		diag("error: %s", e.msg);
	is_int(p.hostname ? strlen(p.hostname) : 0, 64, "  all of it");
	profile_free(&p);

	r = profile_parse(FILE_NAME,
			  "rlimit { as = \"8g\" data = \"1T\" "
			  "nofile = \"unlimited\" }\n",
			  &p, &e);
	if (!is_int(r, 0, "lower-case units, T, unlimited count"))
		diag("error: %s", e.msg);
	check_limit(&p, RLIMIT_AS, 8 * GiB);
	check_limit(&p, RLIMIT_DATA, 1024 * GiB);
	check_limit(&p, RLIMIT_NOFILE, RLIM_INFINITY);
	profile_free(&p);

	r = profile_parse(FILE_NAME,
			  "tmpfs \"/t\" { size = \"512K\" "
			  "mode = \"755\" }\ntmpfs \"/u\" { mode = \"0\" "
			  "size = \"1048576\" }\n",
			  &p, &e);
	if (!is_int(r, 0, "tmpfs sizes and modes"))
		diag("error: %s", e.msg);
	check_mount(&p, MOUNT_TMPFS, "/t", NULL, 512 * 1024, 0755, 1);
	check_mount(&p, MOUNT_TMPFS, "/u", NULL, 1048576, 0, 2);
	profile_free(&p);

	/* expansion sequences are checked here, expanded by the plan */
	r = profile_parse(FILE_NAME,
			  "map \"/a/%h/%u/%U/%g/100%%\" {}\n"
			  "volume \"~/x\" { target = \"/y/%u\" }\n",
			  &p, &e);
	if (!is_int(r, 0, "every %%-sequence and ~/ are accepted"))
		diag("error: %s", e.msg);
	ok(find_mount(&p, MOUNT_MAP, "/a/%h/%u/%U/%g/100%%"),
	   "  kept as written");
	profile_free(&p);

	is_str(profile_rlimit_name(RLIMIT_NOFILE), "nofile",
	       "profile_rlimit_name(RLIMIT_NOFILE)");
	is_str(profile_rlimit_name(RLIMIT_AS), "as", "profile_rlimit_name(AS)");
	is_str(profile_rlimit_name(-1), "?", "profile_rlimit_name(unknown)");
}

/* Multi-line constructs: the line of a mount is the line that names it. */
static void test_lines(void)
{
	static const char text[] = "\n"                  /* 1 */
				   "volume \"/a\" {\n"   /* 2 */
				   "\ttarget = \"/b\"\n" /* 3 */
				   "}\n"                 /* 4 */
				   "hide = {\n"          /* 5 */
				   "\t\"/h1\",\n"        /* 6 */
				   "\n"                  /* 7 */
				   "\t\"/h2\"\n"         /* 8 */
				   "}\n";                /* 9 */
	struct profile p;
	struct jerr e = { .msg = "" };
	const struct profile_mount *m;
	int r = profile_parse(FILE_NAME, text, &p, &e);

	if (!is_int(r, 0, "multi-line profile parses"))
		diag("error: %s", e.msg);
	m = find_mount(&p, MOUNT_HIDE, "/h1");
	is_int(m ? m->line : -1, 6, "hide entry on line 6");
	m = find_mount(&p, MOUNT_HIDE, "/h2");
	is_int(m ? m->line : -1, 8, "hide entry on line 8");
	m = find_mount(&p, MOUNT_VOLUME, "/a");
	is_int(m ? m->line : -1, 2,
	       "a volume written over three lines is at its first line");
	profile_free(&p);

	r = profile_parse(FILE_NAME, "hide = { \"/a\" }\nhide += { \"/b\" }\n",
			  &p, &e);
	if (!is_int(r, 0, "hide += parses"))
		diag("error: %s", e.msg);
	m = find_mount(&p, MOUNT_HIDE, "/b");
	is_int(m ? m->line : -1, 2, "hide += adds /b at line 2");
	is_int(p.nmounts, 2, "  and keeps /a");
	profile_free(&p);
}

/* Comments do not move the lines that messages and mounts report. */
static void test_comments(void)
{
	static const char text[] =
		"# users/bob.conf\n"                   /* 1 */
		"// another style\n"                   /* 2 */
		"/* and a C comment */\n"              /* 3 */
		"/* over\n"                            /* 4 */
		"   two lines */\n"                    /* 5 */
		"volume \"~\" {}   # home: writable\n" /* 6 */
		"map \"/opt/a#b\" {}\n";               /* 7 */
	struct profile p;
	struct jerr e = { .msg = "" };
	const struct profile_mount *m;
	int r = profile_parse(FILE_NAME, text, &p, &e);

	if (!is_int(r, 0, "a profile with comments parses"))
		diag("error: %s", e.msg);
	is_int(p.nmounts, 2, "comments: two mounts");
	m = find_mount(&p, MOUNT_VOLUME, "~");
	is_int(m ? m->line : -1, 6, "comments: volume ~ on line 6");
	m = find_mount(&p, MOUNT_MAP, "/opt/a#b");
	ok(m, "comments: '#' inside quotes is part of the path");
	is_int(m ? m->line : -1, 7, "comments: map on line 7");
	profile_free(&p);
}

/* TEXT is refused with a message that starts "users/bob.conf:LINE: " and
 * contains every one of PARTS (up to 3). 2 + nparts assertions. */
static void rejects_(const char *name, const char *text, int line,
		     const char *const *parts)
{
	char prefix[64];
	struct profile p;
	struct jerr e = { .msg = "" };
	int r = profile_parse(FILE_NAME, text, &p, &e);

	snprintf(prefix, sizeof(prefix), "%s:%d: ", FILE_NAME, line);
	is_int(r, -1, "%s: refused", name);
	if (!ok(!strncmp(e.msg, prefix, strlen(prefix)),
		"%s: message starts \"%s\"", name, prefix))
		diag("message: %s", e.msg);
	for (; *parts; parts++)
		like(e.msg, *parts, "%s: message says \"%s\"", name, *parts);
	profile_free(&p);
}

#define rejects(name, text, line, ...) \
	rejects_(name, text, line, (const char *const[]){ __VA_ARGS__, NULL })

static void test_rejections(void)
{
	/* options */
	rejects("unknown option", "shell = \"/bin/sh\"\n\nbogus = 1\n", 3,
		"bogus");
	rejects("unknown volume sub-option",
		"\nvolume \"/a\" { bogus = \"x\" }\n", 2, "bogus");
	rejects("tmpfs has no target", "tmpfs \"/t\" { target = \"/u\" }\n", 1,
		"target");
	rejects("unknown rlimit", "\n\nrlimit { cpu = 1 bogus = 2 }\n", 3,
		"bogus");
	rejects("unknown env sub-option", "env { add = { \"A=1\" } }\n", 1,
		"add");
	rejects("bad network", "\nnetwork = \"bridge\"\n", 2, "network",
		"bridge", "\"host\", \"none\" or \"private\"");
	rejects("bad devices", "devices = \"all\"\n", 1, "devices", "all",
		"\"minimal\" or \"host\"");
	rejects("bad runtime_dir", "\n\nruntime_dir = \"shared\"\n", 3,
		"runtime_dir", "shared", "\"private\" or \"host\"");
	rejects("bad seccomp", "seccomp = \"strict\"\n", 1,
		"seccomp = \"strict\": must be \"default\" or \"none\"");
	rejects("drop_groups with a slash",
		"drop_groups = { \"docker\",\n\"../x\" }\n", 2, "drop_groups",
		"../x", "not a group name");
	rejects("drop_groups empty name", "drop_groups = { \"\" }\n", 1,
		"drop_groups");
	rejects("drop_groups with a space", "drop_groups = { \"a b\" }\n", 1,
		"not a group name");

	/* paths */
	rejects("relative volume", "volume \"~\" {}\nvolume \"srv\" {}\n", 2,
		"volume \"srv\"", "absolute");
	rejects("relative map target", "map \"/a\" { target = \"b\" }\n", 1,
		"target \"b\"", "absolute");
	rejects("relative hide", "hide = { \"/a\",\n\"tmp\" }\n", 2, "tmp",
		"absolute");
	rejects("relative tmpfs", "tmpfs \"t\" {}\n", 1, "absolute");
	rejects("~user", "volume \"~bob/x\" {}\n", 1, "absolute");
	rejects("empty path", "map \"\" {}\n", 1, "empty");
	rejects("\"..\" in a source", "map \"/a/../etc\" {}\n", 1, "\"..\"");
	rejects("\"..\" at the end", "\n\nvolume \"~/..\" {}\n", 3, "\"..\"");
	rejects("\".\" in a target", "map \"/a\" { target = \"/x/./y\" }\n", 1,
		"\".\"");
	rejects("\"..\" in hide", "hide = { \"/srv/..\" }\n", 1, "\"..\"");
	rejects("\"..\" in tmpfs", "tmpfs \"/a/../b\" {}\n", 1, "\"..\"");
	rejects("control character", "map \"/a\tb\" {}\n", 1, "control");
	rejects("unknown %-sequence", "\nvolume \"/srv/%x\" {}\n", 2,
		"%-sequence", "/srv/%x");
	rejects("% at the end", "map \"/srv/%\" {}\n", 1, "%-sequence");
	rejects("unknown %-sequence in target",
		"map \"/a\" { target = \"/b/%s\" }\n", 1, "%-sequence");

	/* environment substitution, wherever libconfuse would do it; a
	 * comment never reaches libconfuse, so "${" there is only text */
	rejects("${} in a path", "\n\nvolume \"/srv/${USER}\" {}\n", 3,
		"environment substitution");
	{
		struct profile p;
		struct jerr e = { .msg = "" };

		is_int(profile_parse(FILE_NAME, "# ${HOME}\nhostname = \"a\"\n",
				     &p, &e),
		       0, "${} in a comment: ignored");
		is_str(p.hostname, "a", "${} in a comment: the rest applies");
		profile_free(&p);
	}
	rejects("${} in a value", "volume \"~\" {}\nhostname = \"${H}\"\n", 2,
		"environment substitution");
	rejects("${} in env set", "\n\n\n\nenv { set = { \"A=${PATH}\" } }\n",
		5, "environment substitution");

	/* tmpfs */
	rejects("size 12X", "\ntmpfs \"/t\" { size = \"12X\" }\n", 2,
		"size \"12X\"");
	rejects("size 0", "tmpfs \"/t\" { size = \"0\" }\n", 1, "size \"0\"");
	rejects("size unlimited", "tmpfs \"/t\" { size = \"unlimited\" }\n", 1,
		"size");
	rejects("size -1", "tmpfs \"/t\" { size = \"-1\" }\n", 1, "size");
	rejects("size 2GB", "tmpfs \"/t\" { size = \"2GB\" }\n", 1, "size");
	rejects("size too large", "tmpfs \"/t\" { size = \"99999999999T\" }\n",
		1, "size");
	rejects("mode 999", "\n\ntmpfs \"/t\" { mode = \"999\" }\n", 3,
		"mode \"999\"", "octal");
	rejects("mode abc", "tmpfs \"/t\" { mode = \"abc\" }\n", 1,
		"mode \"abc\"");
	rejects("mode 17777", "tmpfs \"/t\" { mode = \"17777\" }\n", 1, "mode");
	rejects("mode empty", "tmpfs \"/t\" { mode = \"\" }\n", 1, "mode");

	/* rlimits */
	rejects("rlimit not a number", "\nrlimit { nofile = \"lots\" }\n", 2,
		"nofile", "lots");
	rejects("rlimit count with a unit", "rlimit { nproc = \"4K\" }\n", 1,
		"nproc", "4K");
	rejects("rlimit bad unit", "rlimit { as = \"8Q\" }\n", 1, "8Q");
	rejects("rlimit negative", "rlimit { as = \"-1\" }\n", 1, "-1");
	rejects("rlimit overflow", "rlimit { fsize = \"99999999999T\" }\n", 1,
		"fsize");
	rejects("rlimit on a later line",
		"rlimit {\n\tcpu = 10\n\n\tnice = \"x\"\n}\n", 4, "nice");

	/* env */
	rejects("env set without =", "env { set = { \"FOO\" } }\n", 1, "FOO",
		"NAME=value");
	rejects("env set bad name", "\nenv { set = { \"FO-O=1\" } }\n", 2,
		"FO-O");
	rejects("env set empty name", "env { set = { \"=x\" } }\n", 1, "=x");
	rejects("env set name starts with a digit",
		"env { set = { \"1A=x\" } }\n", 1, "1A");
	rejects("env unset bad name",
		"env {\n  unset = { \"OK\", \"NOT OK\" }\n}\n", 2, "NOT OK");
	rejects("env unset NAME=value", "env { unset = { \"A=1\" } }\n", 1,
		"A=1");

	/* duplicate titles (libconfuse's own check) */
	rejects("duplicate volume", "volume \"/a\" {}\n\nvolume \"/a\" {}\n", 3,
		"duplicate", "/a");
	rejects("duplicate map", "map \"/m\" {}\nmap \"/m\" {}\n", 2,
		"duplicate");
	rejects("duplicate tmpfs", "tmpfs \"/t\" {}\ntmpfs \"/t\" {}\n", 2,
		"duplicate");

	/* shell, hostname */
	rejects("relative shell", "\nshell = \"bash\"\n", 2, "shell",
		"absolute");
	rejects("shell with %u", "shell = \"/bin/%u\"\n", 1, "shell");
	rejects("shell with ..", "shell = \"/bin/../tmp/sh\"\n", 1, "shell");
	rejects("shell ~", "shell = \"~/bin/sh\"\n", 1, "shell");
	rejects("hostname with _", "hostname = \"bad_host\"\n", 1, "hostname",
		"bad_host");
	rejects("empty hostname", "\nhostname = \"\"\n", 2, "hostname");
	rejects("hostname starting with -", "hostname = \"-x\"\n", 1,
		"hostname");
	rejects("hostname starting with .", "hostname = \".x\"\n", 1,
		"hostname");
	rejects("hostname of 65 characters",
		"hostname = \"a123456789b123456789c123456789d123456789"
		"e123456789f123456789g1234\"\n",
		1, "hostname");
	rejects("hostname with a space", "hostname = \"a b\"\n", 1, "hostname");

	/* syntax */
	rejects("option without a value", "volume \"/a\" { target }\n", 1,
		"target");
	rejects("stray closing brace", "\nvolume \"/a\" {} }\n", 2, "brace");
	rejects("section without a title", "map = \"/x\"\n", 1, "title");
	rejects("include() is not a function of profiles",
		"\ninclude(\"/etc/shadow\")\n", 2, "include");
	rejects("unterminated list", "hide = { \"/home\",\n", 1,
		"never closed");

	/* the line of an error after comments */
	rejects("error after a hash comment", "# comment\n\nbogus = 1\n", 3,
		"bogus");
	rejects("error after a header of comments",
		"# one\n# two\n# three\n\nvolume \"srv\" {}\n", 5, "srv");
	rejects("error after a C comment", "/* c */\nbogus = 1\n", 2, "bogus");
}

/* An option given twice is refused, naming both lines: libconfuse would
 * keep the last (or, for a list such as hide, replace the first list). */
static void test_repeats(void)
{
	struct profile p;
	struct jerr e = { .msg = "" };

	rejects("hide given twice", "hide = { \"/a\" }\nhide = { \"/b\" }\n", 2,
		"hide is given twice", "first at line 1");
	rejects("hide given twice, the second list shorter",
		"hide = { \"/a\", \"/b\" }\n\nhide = { \"/c\" }\n", 3,
		"hide is given twice");
	rejects("shell given twice",
		"shell = \"/bin/sh\"\n# x\n"
		"shell = \"/bin/bash\"\n",
		3, "shell is given twice", "first at line 1");
	rejects("network given twice on one line",
		"network = none network = host\n", 1, "network is given twice");
	rejects("rlimit section given twice",
		"rlimit { nofile = 10 }\n"
		"rlimit { nproc = 10 }\n",
		2, "section rlimit is given twice");
	rejects("env section given twice",
		"env { set = {\"A=1\"} }\n"
		"env { set = {\"B=1\"} }\n",
		2, "section env is given twice");
	rejects("env set given twice in the section",
		"env {\n set = {\"A=1\"}\n set = {\"B=1\"}\n}\n", 3,
		"set is given twice");
	rejects("a volume's target given twice",
		"volume \"/a\" {\n target = \"/b\"\n target = \"/c\"\n}\n", 3,
		"target is given twice");

	/* what libconfuse 3.3 accepts and applies though the file ends early */
	rejects("a section never closed", "volume \"~\" {}\nmap \"/usr\" {\n",
		2, "never closed");
	rejects("a list never closed", "\n\nhide = { \"/a\",\n", 3,
		"never closed");
	rejects("a string never closed", "hostname = \"abc\n", 1,
		"never closed");

	/* the filter's options */
	rejects("seccomp value", "seccomp = \"strict\"\n", 1, "seccomp");
	rejects("user_namespaces value", "\nuser_namespaces = maybe\n", 2,
		"user_namespaces");
	rejects("io_uring value", "io_uring = \"sometimes\"\n", 1, "io_uring");
	is_int(profile_parse(FILE_NAME, "", &p, &e), 0, "filter defaults");
	ok(p.seccomp_default && p.user_namespaces && !p.io_uring,
	   "  seccomp = default, user_namespaces = yes, io_uring = no");
	profile_free(&p);
	is_int(profile_parse(FILE_NAME,
			     "seccomp = none\nuser_namespaces = no"
			     "\nio_uring = yes\n",
			     &p, &e),
	       0, "filter options parse");
	ok(!p.seccomp_default && !p.user_namespaces && p.io_uring,
	   "  and apply");
	profile_free(&p);

	/* what is not a repeat */
	is_int(profile_parse(FILE_NAME,
			     "rlimit { nofile = 4096  nproc = 512 "
			     " as = \"8G\" }\n",
			     &p, &e),
	       0, "several rlimits on one line are not repeats");
	profile_free(&p);
	is_int(profile_parse(FILE_NAME,
			     "volume \"/a\" { target = \"/x\" }\n"
			     "volume \"/b\" { target = \"/y\" }\n",
			     &p, &e),
	       0, "target in two different volumes is not a repeat");
	profile_free(&p);
	is_int(profile_parse(FILE_NAME,
			     "hide = { \"/a\" }\nhide += { \"/b\" }"
			     "\nhide += { \"/c\" }\n",
			     &p, &e),
	       0, "hide += may be repeated");
	is_int((int)p.nmounts, 3, "  and adds every path");
	profile_free(&p);
	is_int(profile_parse(FILE_NAME, "hostname = \"a\" # hostname = \"b\"\n",
			     &p, &e),
	       0, "a repeat in a comment is no repeat");
	profile_free(&p);
}

static void test_builtin(void)
{
	struct profile p;
	struct jerr e = { .msg = "" };
	int r = profile_parse(PROFILE_BUILTIN_NAME, profile_builtin, &p, &e);

	if (!is_int(r, 0, "the built-in profile parses"))
		diag("error: %s", e.msg);
	is_str(p.file, "(built-in default)", "  named (built-in default)");
	if (is_int(p.nmounts, 1, "  one mount")) {
		is_int(p.mounts[0].kind, MOUNT_VOLUME, "  a volume");
		is_str(p.mounts[0].source, "~", "  of ~");
		ok(!p.mounts[0].target, "  at the same place");
		is_int(p.mounts[0].line, 1, "  line 1");
	}
	is_int(p.net, NET_HOST, "  network host");
	is_int(p.devices, DEV_MINIMAL, "  devices minimal");
	profile_free(&p);
}

static void test_runtime_groups(void)
{
	struct profile p;
	struct jerr e = { .msg = "" };
	int r;

	r = profile_parse(
		FILE_NAME,
		"runtime_dir = \"host\"\n"
		"drop_groups = { \"docker\", \"lxd\", \"jt.x-1_y\" }\n",
		&p, &e);
	if (!is_int(r, 0, "runtime_dir = host, drop_groups: parse"))
		diag("error: %s", e.msg);
	ok(!p.runtime_private, "runtime_dir host");
	if (is_int(p.ndrop_groups, 3, "three groups to drop")) {
		is_str(p.drop_groups[0], "docker", "  docker");
		is_str(p.drop_groups[1], "lxd", "  lxd");
		is_str(p.drop_groups[2], "jt.x-1_y", "  jt.x-1_y");
		ok(!p.drop_groups[3], "  NULL-terminated");
	}
	profile_free(&p);
	ok(!p.drop_groups && !p.ndrop_groups, "profile_free clears them");

	r = profile_parse(FILE_NAME, "runtime_dir = \"private\"\n", &p, &e);
	if (!is_int(r, 0, "runtime_dir = private: parse"))
		diag("error: %s", e.msg);
	ok(p.runtime_private, "runtime_dir private");
	profile_free(&p);
}

/* jail = "user", linger: the values, and what goes only with them. */
/* network = "private", host_loopback and publish. */
static void test_private_network(void)
{
	struct profile p;
	struct jerr e = { .msg = "" };
	const char *text = "network = \"private\"\n"          /* 1 */
			   "host_loopback = yes\n"            /* 2 */
			   "publish = { \"tcp:8080\",\n"      /* 3 */
			   "  \"udp:127.0.0.1:5353:53\" }\n"; /* 4 */

	if (!is_int(profile_parse(FILE_NAME, text, &p, &e), 0,
		    "a private network with ports parses"))
		diag("error: %s", e.msg);
	is_int(p.net, NET_PRIVATE, "  network private");
	ok(p.host_loopback, "  host_loopback yes");
	if (is_int(p.npublish, 2, "  two ports published")) {
		is_str(p.publish[0], "tcp:8080", "  the first as written");
		is_str(p.publish[1], "udp:127.0.0.1:5353:53",
		       "  the second as written");
		is_int(p.publish_line[0], 3, "  the first's line");
		is_int(p.publish_line[1], 4, "  the second's line");
	} else {
		skip(4, "not two ports");
	}
	profile_free(&p);
	if (is_int(profile_parse(FILE_NAME, "network = \"private\"\n", &p, &e),
		   0, "network = \"private\" alone"))
		ok(!p.host_loopback && p.npublish == 0,
		   "  the default: no host loopback, no port published");
	profile_free(&p);
	if (is_int(profile_parse(FILE_NAME, "", &p, &e), 0, "no network"))
		ok(p.net == NET_HOST && !p.host_loopback && !p.npublish,
		   "  the host's network, nothing else");
	profile_free(&p);

	rejects("publish: a bad port",
		"network = \"private\"\n\npublish = "
		"{ \"tcp:99999\" }\n",
		3, "publish \"tcp:99999\"", "a port is a number");
	rejects("publish: no protocol",
		"network = \"private\"\npublish = { \"8080\" }\n", 2,
		"publish \"8080\"", "tcp:PORT");
	rejects("publish: a port twice",
		"network = \"private\"\npublish = { \"tcp:8080\",\n"
		"\"tcp:127.0.0.1:8080:81\" }\n",
		3, "publish \"tcp:127.0.0.1:8080:81\"",
		"tcp port 8080 of the host is published already");
	is_int(profile_parse(FILE_NAME, "\npublish = { \"tcp:8080\" }\n", &p,
			     &e),
	       -1, "publish without network = \"private\": refused");
	like(e.msg, "users/bob.conf:2: publish is for network = \"private\"",
	     "  naming the line");
	profile_free(&p);
	is_int(profile_parse(FILE_NAME,
			     "network = \"none\"\nhost_loopback = yes\n", &p,
			     &e),
	       -1, "host_loopback with network = \"none\": refused");
	like(e.msg,
	     "users/bob.conf:2: host_loopback is for network = \"private\"",
	     "  naming the line");
	profile_free(&p);
	is_int(profile_parse(FILE_NAME, "network = \"private\"\n", &p, &e), 0,
	       "jailsh run's --publish on a parsed profile");
	is_int(profile_add_publish(&p, "tcp:9000", PROFILE_ARG_LINE + 3, &e), 0,
	       "  tcp:9000 is added");
	is_int(profile_add_publish(&p, "tcp:9000:22", PROFILE_ARG_LINE + 5, &e),
	       -1, "  tcp:9000 again is refused");
	like(e.msg, "argument 5: publish \"tcp:9000:22\"",
	     "  naming the argument");
	is_int(profile_add_publish(&p, "tcp:x", PROFILE_ARG_LINE + 7, &e), -1,
	       "  tcp:x is refused");
	is_int(p.npublish, 1, "  one port published");
	profile_free(&p);
}

static void test_user_jail(void)
{
	static const struct {
		const char *text;
		unsigned linger;
	} ok_cases[] = {
		{ "jail = \"user\"\n", 0 },
		{ "jail = \"user\"\nlinger = \"0\"\n", 0 },
		{ "jail = \"user\"\nlinger = \"90s\"\n", 90 },
		{ "jail = \"user\"\nlinger = \"8h\"\n", 8 * 3600 },
		{ "jail = \"user\"\nlinger = \"forever\"\n", PROFILE_FOREVER },
	};
	struct profile p;
	struct jerr e = { .msg = "" };

	if (is_int(profile_parse(FILE_NAME, "", &p, &e), 0, "no jail option"))
		ok(!p.user_jail && p.linger == 0,
		   "  the default: a session's jail, no linger");
	profile_free(&p);
	for (size_t i = 0; i < sizeof(ok_cases) / sizeof(ok_cases[0]); i++) {
		if (!is_int(profile_parse(FILE_NAME, ok_cases[i].text, &p, &e),
			    0, "parses: %s", ok_cases[i].text))
			diag("error: %s", e.msg);
		ok(p.user_jail, "  a user's jail");
		is_int(p.linger, ok_cases[i].linger, "  linger %u",
		       ok_cases[i].linger);
		profile_free(&p);
	}
	rejects("jail: a value of its own", "\njail = \"host\"\n", 2,
		"jail = \"host\"", "\"session\" or \"user\"");
	rejects("linger: not a time", "jail = \"user\"\nlinger = \"soon\"\n", 2,
		"linger = \"soon\"", "forever");
	is_int(profile_parse(FILE_NAME, "linger = \"1h\"\n", &p, &e), -1,
	       "linger without jail = \"user\": refused");
	like(e.msg, "users/bob.conf:1: linger is for jail = \"user\" only",
	     "  naming the line");
	profile_free(&p);
	is_int(profile_parse(FILE_NAME, "jail = \"user\"\nssh_agent = yes\n",
			     &p, &e),
	       -1, "ssh_agent = yes with jail = \"user\": refused");
	like(e.msg, "ssh_agent = yes cannot go with jail = \"user\"",
	     "  saying why");
	profile_free(&p);
}

static void test_settings(void)
{
	struct settings s;
	struct jerr e = { .msg = "" };
	int r;

	r = settings_parse("jailsh.conf",
			   "# order\ngroup_order = { "
			   "\"students\", \"staff\", \"wheel\" }\n",
			   &s, &e);
	if (!is_int(r, 0, "settings with group_order parse"))
		diag("error: %s", e.msg);
	if (is_int(s.ngroup_order, 3, "three groups")) {
		is_str(s.group_order[0], "students", "first students");
		is_str(s.group_order[1], "staff", "then staff");
		is_str(s.group_order[2], "wheel", "then wheel");
		ok(!s.group_order[3], "NULL-terminated");
	}
	settings_free(&s);
	ok(!s.group_order && !s.ngroup_order, "settings_free clears");

	r = settings_parse("jailsh.conf", "# group_order = { \"a\" }\n", &s,
			   &e);
	if (!is_int(r, 0, "settings without group_order parse"))
		diag("error: %s", e.msg);
	is_int(s.ngroup_order, 0, "no group order");
	settings_free(&s);

	r = settings_parse("/etc/jailsh/jailsh.conf",
			   "group_order = { \"a\" }\n\n"
			   "group_ordr = { \"b\" }\n",
			   &s, &e);
	is_int(r, -1, "settings: unknown key refused");
	is_str(e.msg, "/etc/jailsh/jailsh.conf:3: no such option 'group_ordr'",
	       "  with file, line and key");
	settings_free(&s);

	r = settings_parse("jailsh.conf", "\ngroup_order = { \"${G}\" }\n", &s,
			   &e);
	is_int(r, -1, "settings: ${} refused");
	like(e.msg, "jailsh.conf:2: ", "  at its line");
	settings_free(&s);

	r = settings_parse("jailsh.conf", "network = \"none\"\n", &s, &e);
	is_int(r, -1, "settings: profile options are not settings");
	settings_free(&s);

	memset(&e, 0, sizeof(e));
	r = settings_parse("jailsh.conf", "", &s, &e);
	if (!is_int(r, 0, "an empty jailsh.conf parses (the defaults)"))
		diag("error: %s", e.msg);
	is_int(s.nroot_groups, 0, "  no root_groups");
	settings_free(&s);

	r = settings_parse("jailsh.conf",
			   "root_groups = { \"podman\", "
			   "\"wheel\" }\n",
			   &s, &e);
	if (!is_int(r, 0, "settings with root_groups parse"))
		diag("error: %s", e.msg);
	if (is_int(s.nroot_groups, 2, "two root groups")) {
		is_str(s.root_groups[0], "podman", "  podman");
		is_str(s.root_groups[1], "wheel", "  wheel");
	}
	settings_free(&s);
	ok(!s.root_groups && !s.nroot_groups, "settings_free clears them");

	r = settings_parse("jailsh.conf", "\nroot_groups = { \"a:b\" }\n", &s,
			   &e);
	is_int(r, -1, "root_groups: a name with ':' refused");
	like(e.msg, "jailsh.conf:2: root_groups: \"a:b\" is not a group name",
	     "  at its line, saying why");
	settings_free(&s);
}

int main(void)
{
	test_full_example();
	test_defaults();
	test_values();
	test_lines();
	test_comments();
	test_rejections();
	test_repeats();
	test_builtin();
	test_runtime_groups();
	test_user_jail();
	test_private_network();
	test_settings();
	return done_testing();
}
