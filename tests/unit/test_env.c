/* env_build(): the environment the real shell starts with. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "env.h"
#include "fixture.h"
#include "tap.h"

static char alice_shell[] = "/bin/zsh";

static struct identity alice(void)
{
	return fixture_alice(alice_shell);
}

/* A caller's environment: a NULL-terminated copy of LIST. */
static char **mkenv(const char *const *list)
{
	size_t n = 0;
	char **env;

	while (list[n])
		n++;
	env = calloc(n + 1, sizeof(*env));
	if (!env)
		abort();
	for (size_t i = 0; i < n; i++)
		if (!(env[i] = strdup(list[i])))
			abort();
	return env;
}

#define ENV(...) mkenv((const char *const[]){ __VA_ARGS__, NULL })

static size_t count(char **env)
{
	size_t n = 0;

	while (env && env[n])
		n++;
	return n;
}

/* How many entries define NAME. */
static int defines(char **env, const char *name)
{
	size_t len = strlen(name);
	int n = 0;

	for (; env && *env; env++)
		n += !strncmp(*env, name, len) && (*env)[len] == '=';
	return n;
}

/* Every entry is NAME=value, and no NAME comes twice. */
static void check_well_formed(char **env, const char *what)
{
	int bad = 0, dup = 0;

	for (size_t i = 0; env && env[i]; i++) {
		size_t len = strcspn(env[i], "=");

		if (!env[i][len] || !len)
			bad++;
		for (size_t j = i + 1; env[j]; j++)
			if (!strncmp(env[i], env[j], len + 1))
				dup++;
	}
	is_int(bad, 0, "%s: every entry is NAME=value", what);
	is_int(dup, 0, "%s: no duplicate names", what);
}

/* The plan env_build() gets: the profile TEXT for ID. */
static int setup(const char *text, const struct identity *id, struct profile *p,
		 struct plan *pl)
{
	struct jerr e = { .msg = "" };

	memset(pl, 0, sizeof(*pl));
	if (profile_parse("t.conf", text, p, &e) < 0 ||
	    plan_build(p, id, pl, &e) < 0) {
		diag("no plan: %s", e.msg);
		return -1;
	}
	return 0;
}

static void teardown(struct profile *p, struct plan *pl, char **caller,
		     char **env)
{
	env_free(env);
	env_free(caller);
	plan_free(pl);
	profile_free(p);
}

static void test_forced(void)
{
	struct identity id = alice();
	struct profile p;
	struct plan pl;
	char **caller, **env;

	ok(!setup("devices = \"minimal\"\n", &id, &p, &pl), "plan");
	caller = ENV("FOO=bar", "HOME=/root", "USER=root", "LOGNAME=root",
		     "SHELL=/bin/evil", "PATH=/x:/y", "NOEQUALS",
		     "TERM=xterm-256color", "EMPTY=");
	env = env_build(&pl, caller);
	ok(env, "env_build");
	is_str(env_get(env, "FOO"), "bar", "caller's FOO kept");
	is_str(env_get(env, "TERM"), "xterm-256color", "caller's TERM kept");
	is_str(env_get(env, "EMPTY"), "", "caller's empty EMPTY kept");
	is_str(env_get(env, "PATH"), "/x:/y", "caller's PATH kept");
	is_str(env_get(env, "HOME"), "/home/alice", "HOME is the user's");
	is_str(env_get(env, "USER"), "alice", "USER is the user's");
	is_str(env_get(env, "LOGNAME"), "alice", "LOGNAME is the user's");
	is_str(env_get(env, "SHELL"), "/bin/zsh", "SHELL is the plan's");
	is_str(env_get(env, "SHELL"), pl.shell, "  that is, pl.shell");
	is_int(defines(env, "HOME") + defines(env, "USER") +
		       defines(env, "LOGNAME") + defines(env, "SHELL"),
	       4, "each forced variable once");
	ok(!env_get(env, "NOEQUALS"), "an entry without '=' is dropped");
	is_int(count(env), 9, "8 variables and XDG_RUNTIME_DIR");
	check_well_formed(env, "forced");
	ok(caller[1] && !strcmp(caller[1], "HOME=/root"),
	   "the caller's array is not modified");
	teardown(&p, &pl, caller, env);

	/* the shell from the profile */
	ok(!setup("shell = \"/bin/bash\"\n", &id, &p, &pl), "plan, shell");
	caller = ENV("SHELL=/bin/zsh");
	env = env_build(&pl, caller);
	is_str(env_get(env, "SHELL"), "/bin/bash", "SHELL is the profile's");
	is_int(defines(env, "SHELL"), 1, "  once");
	teardown(&p, &pl, caller, env);
}

static void test_path(void)
{
	struct identity id = alice();
	struct profile p;
	struct plan pl;
	char **caller, **env;

	ok(!setup("devices = \"minimal\"\n", &id, &p, &pl), "plan");
	caller = ENV("LANG=C.UTF-8");
	env = env_build(&pl, caller);
	is_str(env_get(env, "PATH"), ENV_DEFAULT_PATH,
	       "PATH defaulted when missing");
	is_str(env_get(env, "LANG"), "C.UTF-8", "LANG kept");
	is_int(count(env), 7, "LANG and the six");
	check_well_formed(env, "PATH missing");
	teardown(&p, &pl, caller, env);

	ok(!setup("devices = \"minimal\"\n", &id, &p, &pl), "plan");
	caller = ENV("PATH=");
	env = env_build(&pl, caller);
	is_str(env_get(env, "PATH"), "", "an empty PATH is not missing");
	is_int(defines(env, "PATH"), 1, "  once");
	teardown(&p, &pl, caller, env);

	ok(!setup("devices = \"minimal\"\n", &id, &p, &pl), "plan");
	env = env_build(&pl, NULL);
	ok(env, "env_build without a caller environment");
	is_int(count(env), 6,
	       "HOME, USER, LOGNAME, SHELL, PATH, "
	       "XDG_RUNTIME_DIR");
	is_str(env_get(env, "HOME"), "/home/alice", "  HOME");
	is_str(env_get(env, "USER"), "alice", "  USER");
	is_str(env_get(env, "LOGNAME"), "alice", "  LOGNAME");
	is_str(env_get(env, "SHELL"), "/bin/zsh", "  SHELL");
	is_str(env_get(env, "PATH"), ENV_DEFAULT_PATH, "  PATH");
	check_well_formed(env, "no caller");
	teardown(&p, &pl, NULL, env);
}

static void test_profile_env(void)
{
	struct identity id = alice();
	struct profile p;
	struct plan pl;
	char **caller, **env;

	ok(!setup("env { unset = { \"http_proxy\", \"FOO\", \"PATH\", "
		  "\"HOME\", \"NOTSET\" } }\n",
		  &id, &p, &pl),
	   "plan, unset");
	caller = ENV("http_proxy=http://proxy:3128", "FOO=1", "FOOBAR=2",
		     "FOO_X=3", "XFOO=4", "PATH=/mine", "HOME=/root");
	env = env_build(&pl, caller);
	ok(!env_get(env, "http_proxy"), "unset http_proxy removed");
	ok(!env_get(env, "FOO"), "unset FOO removed");
	is_str(env_get(env, "FOOBAR"), "2", "  FOOBAR kept");
	is_str(env_get(env, "FOO_X"), "3", "  FOO_X kept");
	is_str(env_get(env, "XFOO"), "4", "  XFOO kept");
	is_str(env_get(env, "PATH"), ENV_DEFAULT_PATH,
	       "unset PATH: the default PATH");
	is_str(env_get(env, "HOME"), "/home/alice", "unset HOME: the user's");
	is_int(count(env), 9, "8 variables and XDG_RUNTIME_DIR");
	check_well_formed(env, "unset");
	teardown(&p, &pl, caller, env);

	ok(!setup("env { set = { \"EDITOR=vi\", \"PATH=/opt/bin:/usr/bin\", "
		  "\"TERM=dumb\", \"OPTS=a=b\", \"X=1\", \"NEW=\" }\n"
		  "      unset = { \"X\", \"TERM\" } }\n",
		  &id, &p, &pl),
	   "plan, set");
	caller = ENV("EDITOR=emacs", "TERM=xterm", "PATH=/mine", "X=0",
		     "KEEP=yes");
	env = env_build(&pl, caller);
	is_str(env_get(env, "EDITOR"), "vi", "set EDITOR overrides");
	is_str(env_get(env, "TERM"), "dumb", "set TERM (also unset) wins");
	is_str(env_get(env, "PATH"), "/opt/bin:/usr/bin",
	       "set PATH overrides the caller's");
	is_str(env_get(env, "OPTS"), "a=b", "a value with '='");
	is_str(env_get(env, "X"), "1", "set X (also unset) wins");
	is_str(env_get(env, "NEW"), "", "a new empty variable");
	is_str(env_get(env, "KEEP"), "yes", "KEEP kept");
	is_str(env_get(env, "HOME"), "/home/alice", "HOME still the user's");
	is_int(count(env), 12, "11 variables and XDG_RUNTIME_DIR");
	check_well_formed(env, "set");
	teardown(&p, &pl, caller, env);
}

static void test_duplicates(void)
{
	struct identity id = alice();
	struct profile p;
	struct plan pl;
	char **caller, **env;

	ok(!setup("env { set = { \"B=3\", \"B=4\" } }\n", &id, &p, &pl),
	   "plan");
	caller = ENV("A=1", "A=2", "HOME=/x", "HOME=/y", "B=1", "PATH=/p",
		     "PATH=/q");
	env = env_build(&pl, caller);
	is_int(defines(env, "A"), 1, "A given twice: once");
	ok(env_get(env, "A") && (!strcmp(env_get(env, "A"), "1") ||
				 !strcmp(env_get(env, "A"), "2")),
	   "  with one of its values");
	is_int(defines(env, "HOME"), 1, "HOME given twice: once");
	is_str(env_get(env, "HOME"), "/home/alice", "  the user's");
	is_int(defines(env, "PATH"), 1, "PATH given twice: once");
	is_int(defines(env, "B"), 1, "B set twice by the profile: once");
	is_str(env_get(env, "B"), "4", "  the last value");
	check_well_formed(env, "duplicates");
	teardown(&p, &pl, caller, env);
}

static void test_env_get(void)
{
	char **env = ENV("HOME=/h", "HOMEDIR=/d", "X==", "Y");

	is_str(env_get(env, "HOME"), "/h", "env_get HOME");
	is_str(env_get(env, "HOMEDIR"), "/d", "env_get HOMEDIR");
	ok(!env_get(env, "HOM"), "env_get: no prefix match");
	is_str(env_get(env, "X"), "=", "env_get: value '='");
	ok(!env_get(env, "Y"), "env_get: an entry without '='");
	ok(!env_get(NULL, "HOME"), "env_get on NULL");
	env_free(env);
	env_free(NULL);
	ok(1, "env_free(NULL)");
}

static void test_runtime(void)
{
	struct identity id = alice();
	struct profile p;
	struct plan pl;
	char **caller, **env;

	ok(!setup("devices = \"minimal\"\n", &id, &p, &pl), "plan");
	caller = ENV("XDG_RUNTIME_DIR=/run/user/1000",
		     "DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus",
		     "DBUS_SESSION_BUS_ADDRESSX=1", "XDG_CONFIG_HOME=/c");
	env = env_build(&pl, caller);
	is_str(env_get(env, "XDG_RUNTIME_DIR"), "/run/user/1000",
	       "runtime_dir = private: XDG_RUNTIME_DIR the session's");
	ok(!env_get(env, "DBUS_SESSION_BUS_ADDRESS"),
	   "  DBUS_SESSION_BUS_ADDRESS removed");
	is_str(env_get(env, "DBUS_SESSION_BUS_ADDRESSX"), "1",
	       "  a longer name kept");
	is_str(env_get(env, "XDG_CONFIG_HOME"), "/c", "  XDG_CONFIG_HOME kept");
	check_well_formed(env, "private");
	env_free(env);
	env = env_runtime(&pl, caller);
	is_str(env_get(env, "XDG_RUNTIME_DIR"), "/run/user/1000",
	       "env_runtime: XDG_RUNTIME_DIR the session's");
	ok(!env_get(env, "DBUS_SESSION_BUS_ADDRESS"),
	   "  DBUS_SESSION_BUS_ADDRESS removed");
	is_int(count(env), 3, "  the caller's others, and nothing more");
	ok(!env_get(env, "HOME"), "  HOME not added");
	env_free(env);
	env = env_runtime(&pl, NULL);
	is_int(count(env), 1,
	       "env_runtime without a caller environment: "
	       "XDG_RUNTIME_DIR alone");
	teardown(&p, &pl, caller, env);

	/* no caller's XDG_RUNTIME_DIR: the session's all the same */
	ok(!setup("devices = \"minimal\"\n", &id, &p, &pl), "plan");
	env = env_build(&pl, NULL);
	is_str(env_get(env, "XDG_RUNTIME_DIR"), "/run/user/1000",
	       "XDG_RUNTIME_DIR set without the caller's");
	teardown(&p, &pl, NULL, env);

	ok(!setup("runtime_dir = \"host\"\n", &id, &p, &pl), "plan, host");
	caller = ENV("XDG_RUNTIME_DIR=/run/user/1000",
		     "DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus");
	env = env_build(&pl, caller);
	is_str(env_get(env, "DBUS_SESSION_BUS_ADDRESS"),
	       "unix:path=/run/user/1000/bus",
	       "runtime_dir = host: DBUS_SESSION_BUS_ADDRESS kept");
	is_str(env_get(env, "XDG_RUNTIME_DIR"), "/run/user/1000",
	       "  XDG_RUNTIME_DIR the caller's");
	env_free(env);
	env = env_runtime(&pl, caller);
	is_int(count(env), 2, "env_runtime, host: the caller's, unchanged");
	teardown(&p, &pl, caller, env);

	ok(!setup("env { set = { \"XDG_RUNTIME_DIR=/x\", "
		  "\"DBUS_SESSION_BUS_ADDRESS=unix:path=/x/bus\" } }\n",
		  &id, &p, &pl),
	   "plan, set");
	env = env_build(&pl, NULL);
	is_str(env_get(env, "XDG_RUNTIME_DIR"), "/x",
	       "the profile's env set wins over the runtime directory");
	is_str(env_get(env, "DBUS_SESSION_BUS_ADDRESS"), "unix:path=/x/bus",
	       "  and may set a bus");
	teardown(&p, &pl, NULL, env);

	ok(!setup("devices = \"minimal\"\n", &id, &p, &pl), "plan, rootfs");
	plan_use_rootfs(&pl, "/srv/root", false);
	caller = ENV("XDG_RUNTIME_DIR=/run/user/1000",
		     "DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus");
	env = env_runtime(&pl, caller);
	is_int(count(env), 2, "env_runtime, --rootfs: the caller's, unchanged");
	teardown(&p, &pl, caller, env);
}

int main(void)
{
	test_forced();
	test_runtime();
	test_path();
	test_profile_env();
	test_duplicates();
	test_env_get();
	return done_testing();
}
