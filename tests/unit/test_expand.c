/* expand_check(), expand_path(), path_is_below(), path_compare(). */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "expand.h"
#include "fixture.h"
#include "tap.h"

static char alice_shell[] = "/bin/bash";
static char unset[] = "(not set)";

static struct identity alice(void)
{
	return fixture_alice(alice_shell);
}

static void check_ok(const char *raw)
{
	char why[128] = "";

	if (!is_int(expand_check(raw, why, sizeof(why)), 0,
		    "expand_check accepts \"%s\"", raw))
		diag("why: %s", why);
}

static void check_bad(const char *raw, const char *reason, const char *name)
{
	char why[128] = "";

	is_int(expand_check(raw, why, sizeof(why)), -1,
	       "expand_check refuses %s", name);
	like(why, reason, "  because: %s", reason);
}

static void test_check(void)
{
	char why[8];

	check_ok("/");
	check_ok("/srv/data");
	check_ok("~");
	check_ok("~/");
	check_ok("~/work");
	check_ok("/srv/%u/%U/%g/%h/%%");
	check_ok("/a/%%x");
	check_ok("/a/.hidden");
	check_ok("/a/..b");
	check_ok("/a/b..");
	check_ok("/a/...");
	check_ok("//a//b//");
	check_ok("/a b/c-d_e:f@g#h");

	check_bad("", "empty", "the empty path");
	check_bad("srv", "absolute", "a relative path");
	check_bad("./srv", "absolute", "./srv");
	check_bad("~alice", "absolute", "~alice");
	check_bad("~alice/x", "absolute", "~alice/x");
	check_bad("%h/x", "absolute", "%h/x (not written absolute)");
	check_bad("/srv/%x", "%-sequence", "%x");
	check_bad("/srv/%", "%-sequence", "a trailing %");
	check_bad("/srv/%%%", "%-sequence", "%%% (a trailing % after %%)");
	check_bad("/srv/%H", "%-sequence", "%H");
	check_bad("/srv/..", "\"..\"", "a trailing ..");
	check_bad("/srv/../etc", "\"..\"", "a .. inside");
	check_bad("/..", "\"..\"", "/..");
	check_bad("/srv/.", "\".\"", "a trailing .");
	check_bad("/./srv", "\".\"", "/./srv");
	check_bad("~/../x", "\"..\"", "~/../x");
	check_bad("/srv//..//x", "\"..\"", ".. between double slashes");
	check_bad("/a\tb", "control", "a tab");
	check_bad("/a\nb", "control", "a newline");
	check_bad("/a\x7f", "control", "DEL");
	check_bad("/a\x1b[0m", "control", "an escape sequence");

	/* a short buffer gets a truncated reason, not an overflow */
	is_int(expand_check("", why, sizeof(why)), -1, "short why buffer");
	is_int(strlen(why), sizeof(why) - 1, "  reason truncated");
}

static void expands(const struct identity *id, const char *raw,
		    const char *want)
{
	char why[128] = "", *out = unset;
	int r = expand_path(raw, id, &out, why, sizeof(why));

	if (!is_int(r, 0, "expand_path(\"%s\")", raw))
		diag("why: %s", why);
	is_str(r == 0 ? out : NULL, want, "  is %s", want);
	if (r == 0)
		free(out);
}

static void refused(const struct identity *id, const char *raw,
		    const char *reason, const char *name)
{
	char why[128] = "", *out = unset;
	int r = expand_path(raw, id, &out, why, sizeof(why));

	is_int(r, -1, "expand_path refuses %s", name);
	ok(!out, "  and gives no path");
	like(why, reason, "  because: %s", reason);
	if (r == 0)
		free(out);
}

static void test_expand(void)
{
	struct identity id = alice();
	char root_home[] = "/", slashy_home[] = "//home//alice//";
	char dotdot_home[] = "/home/../etc", dot_home[] = "/home/./alice";
	char rel_home[] = "home/alice", empty_home[] = "";
	char ctl_home[] = "/home/al\x01ice", dotdot_name[] = "..";
	char long_home[5000];

	expands(&id, "~", "/home/alice");
	expands(&id, "~/", "/home/alice");
	expands(&id, "~/work", "/home/alice/work");
	expands(&id, "~/a/b/", "/home/alice/a/b");
	expands(&id, "/x/%h", "/x/home/alice");
	expands(&id, "/x%h", "/x/home/alice");
	expands(&id, "/srv/%u", "/srv/alice");
	expands(&id, "/srv/%U", "/srv/1000");
	expands(&id, "/srv/%g", "/srv/staff");
	expands(&id, "/srv/%g-%u.%U", "/srv/staff-alice.1000");
	expands(&id, "/p/100%%", "/p/100%");
	expands(&id, "/p/%%u", "/p/%u");
	expands(&id, "/p/%%%u", "/p/%alice");
	expands(&id, "/", "/");
	expands(&id, "//", "/");
	expands(&id, "///srv//data///", "/srv/data");
	expands(&id, "/srv/data/", "/srv/data");
	expands(&id, "/a/.b/..c", "/a/.b/..c");

	id.uid = 4294967294u;
	expands(&id, "/u/%U", "/u/4294967294");
	id = alice();

	id.home = root_home;
	expands(&id, "~", "/");
	expands(&id, "~/x", "/x");
	id.home = slashy_home;
	expands(&id, "~/x", "/home/alice/x");
	expands(&id, "/a/%h", "/a/home/alice");

	/* what the identity brings in is checked too */
	id.home = dotdot_home;
	refused(&id, "~", "\"..\"", "~ for home /home/../etc");
	refused(&id, "/x/%h/y", "\"..\"", "%h for home /home/../etc");
	id.home = dot_home;
	refused(&id, "~/x", "\".\"", "~ for home /home/./alice");
	id.home = rel_home;
	refused(&id, "~", "absolute", "~ for a relative home");
	id.home = empty_home;
	refused(&id, "~", "absolute", "~ for an empty home");
	id.home = ctl_home;
	refused(&id, "~", "control", "~ for a home with a control character");
	id = alice();
	id.name = dotdot_name;
	refused(&id, "/srv/%u", "\"..\"", "%u for the user name ..");
	expands(&id, "/srv/%u.d", "/srv/...d");

	memset(long_home, 'a', sizeof(long_home) - 1);
	long_home[0] = '/';
	long_home[sizeof(long_home) - 1] = '\0';
	id = alice();
	id.home = long_home;
	refused(&id, "~", "too long", "a home of 5000 characters");
	id = alice();

	/* what expand_check refuses, expand_path refuses */
	refused(&id, "srv", "absolute", "a relative path");
	refused(&id, "/srv/%x", "%-sequence", "an unknown sequence");
	refused(&id, "/srv/../x", "\"..\"", "a written ..");
}

static void below(const char *child, const char *parent, int want)
{
	is_int(path_is_below(child, parent), want, "%s is %sbelow %s", child,
	       want ? "" : "not ", parent);
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

static void compares(const char *a, const char *b, int want)
{
	is_int(sign(path_compare(a, b)), want, "path_compare(%s, %s) %s", a, b,
	       want < 0 ? "< 0" :
	       want > 0 ? "> 0" :
			  "= 0");
	is_int(sign(path_compare(b, a)), -want, "path_compare(%s, %s) %s", b, a,
	       want > 0 ? "< 0" :
	       want < 0 ? "> 0" :
			  "= 0");
}

static int by_path(const void *a, const void *b)
{
	return path_compare(*(char *const *)a, *(char *const *)b);
}

static void test_paths(void)
{
	static const char *const paths[] = {
		"/home-x",     "/home/alice/sub",
		"/",           "/a b",
		"/home/alice", "/a",
		"/a/b",        "/a.b",
		"/home",       "/a-b/c",
		"/a/b c",      "/a/b/c",
		"/tmp",        "/home/alice-2",
		"/tmp/x",      "/a0",
		"/A",          "/a/B",
		"/home/alic",  "/home/alice/sub/deeper",
		"/z",          "/a/\xc3\xa9",
	};
	enum { N = sizeof(paths) / sizeof(paths[0]) };
	const char *sorted[N];
	int parents_first = 1, contiguous = 1;

	below("/home/alice", "/home", 1);
	below("/home/alice/x/y", "/home", 1);
	below("/home", "/home", 0);
	below("/home-x", "/home", 0);
	below("/homes", "/home", 0);
	below("/home", "/home/alice", 0);
	below("/a", "/", 1);
	below("/", "/", 0);
	below("/proc/sys", "/proc", 1);
	below("/dev/shm", "/dev", 1);
	below("/devices", "/dev", 0);

	compares("/a", "/a", 0);
	compares("/", "/", 0);
	compares("/", "/a", -1);
	compares("/home", "/home/alice", -1);
	compares("/home/alice", "/home-x", -1);
	compares("/home/alice", "/home.x", -1);
	compares("/home/alice", "/home x", -1);
	compares("/home/alice/sub", "/home/alice-2", -1);
	compares("/a/z", "/a0", -1);
	compares("/a", "/ab", -1);
	compares("/a", "/b", -1);
	compares("/A", "/a", -1);
	compares("/a/\xc3\xa9", "/a/z", 1);

	/* sorted, every parent comes before its children, and a parent's
	 * descendants follow it without anything else in between */
	memcpy(sorted, paths, sizeof(sorted));
	qsort(sorted, N, sizeof(sorted[0]), by_path);
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			if (!path_is_below(sorted[j], sorted[i]))
				continue;
			if (j < i)
				parents_first = 0;
			for (int k = i + 1; k < j; k++)
				if (!path_is_below(sorted[k], sorted[i]))
					contiguous = 0;
		}
	ok(parents_first, "sorted: parents before children");
	ok(contiguous, "sorted: a subtree is contiguous");
	is_str(sorted[0], "/", "sorted: / first");
}

int main(void)
{
	test_check();
	test_expand();
	test_paths();
	return done_testing();
}
