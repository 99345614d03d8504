/* groups.c: which groups give root on the host, and drop_groups taken out
 * of a user's groups (with Debian's base-passwd groups root, 0; users,
 * 100; nogroup, 65534). */
#define _GNU_SOURCE
#include <grp.h>
#include <stdlib.h>
#include <string.h>

#include "groups.h"
#include "fixture.h"
#include "tap.h"

static char shell[] = "/bin/sh";

static void test_root_reason(void)
{
	struct settings s = { 0 };
	char *extra[] = { (char *)"podman", (char *)"jt-docker", NULL };

	for (size_t i = 0; groups_builtin_root[i]; i++)
		ok(groups_root_reason(NULL, groups_builtin_root[i]) != NULL,
		   "built-in: %s gives root", groups_builtin_root[i]);
	like(groups_root_reason(NULL, "docker"), "Docker",
	     "docker: the reason names the Docker daemon");
	like(groups_root_reason(NULL, "disk"), "disks",
	     "disk: the reason names the disks");
	ok(!groups_root_reason(NULL, "users"), "users does not");
	ok(!groups_root_reason(NULL, "Docker"), "names are exact (Docker)");
	ok(!groups_root_reason(NULL, "docker2"), "names are exact (docker2)");
	ok(!groups_root_reason(&s, "podman"),
	   "podman: not without root_groups");
	s.root_groups = extra;
	s.nroot_groups = 2;
	like(groups_root_reason(&s, "podman"), "root_groups",
	     "root_groups adds podman, saying so");
	like(groups_root_reason(&s, "jt-docker"), "root_groups",
	     "  and jt-docker");
	like(groups_root_reason(&s, "lxd"), "LXD",
	     "root_groups adds to the built-in list, which stays");
	ok(!groups_root_reason(&s, "users"), "  users still does not");
}

/* alice with the groups LIST (N of them) and profile TEXT; groups_drop's
 * return. */
static int drop(const char *text, const gid_t *list, int n, struct identity *id,
		struct profile *p, struct jerr *e)
{
	*id = fixture_alice(shell);
	id->groups = calloc(n + 1, sizeof(gid_t));
	id->group_names = calloc(n + 1, sizeof(char *));
	if (!id->groups || !id->group_names)
		abort();
	memcpy(id->groups, list, n * sizeof(gid_t));
	for (int i = 0; i < n; i++) {
		struct group *g = getgrgid(list[i]);

		id->group_names[i] = g ? strdup(g->gr_name) : NULL;
	}
	id->ngroups = n;
	id->groups_known = 1;
	memset(e, 0, sizeof(*e));
	if (profile_parse("t.conf", text, p, e) < 0)
		return -2;
	return groups_drop(id, p, e);
}

static void undo(struct identity *id, struct profile *p)
{
	for (int i = 0; i < id->ngroups; i++)
		free(id->group_names[i]);
	free(id->group_names);
	free(id->groups);
	free(id->dropped);
	profile_free(p);
}

static void test_drop(void)
{
	static const gid_t three[] = { 100, 0, 65534 };
	struct identity id;
	struct profile p;
	struct jerr e;
	int r;

	if (!getgrnam("root") || !getgrnam("nogroup") || !getgrnam("users") ||
	    getgrnam("users")->gr_gid != 100) {
		/* not Debian's base-passwd: a TAP skip for each */
		for (int i = 0; i < 13; i++)
			printf("ok %d # SKIP no Debian root, users (100) and "
			       "nogroup groups here\n",
			       ++tap_run);
		return;
	}
	r = drop("network = \"host\"\n", three, 3, &id, &p, &e);
	is_int(r, 0, "no drop_groups: nothing to do");
	is_int(id.ngroups, 3, "  all three groups stay");
	undo(&id, &p);

	r = drop("drop_groups = { \"root\", \"jt-no-such-group\" }\n", three, 3,
		 &id, &p, &e);
	if (!is_int(r, 0, "drop root and a group that does not exist"))
		diag("error: %s", e.msg);
	is_int(id.ngroups, 2, "  two groups left");
	ok(id.ngroups == 2 && id.groups[0] == 100 && id.groups[1] == 65534,
	   "  100 and 65534, in order");
	is_str(id.group_names[1], "nogroup", "  names moved with them");
	is_int(id.ndropped, 1, "  one gid dropped (the missing one is none)");
	ok(id.ndropped == 1 && id.dropped[0] == 0, "  gid 0");
	is_int(id.nremoved, 1, "  which alice had");
	r = groups_drop(&id, &p, &e);
	ok(r == 0 && id.ngroups == 2 && id.ndropped == 1 && id.nremoved == 0,
	   "again: the same groups, nothing more removed");
	undo(&id, &p);

	r = drop("drop_groups = { \"nogroup\" }\n", three, 1, &id, &p, &e);
	ok(r == 0 && id.ngroups == 1 && id.ndropped == 1 && id.nremoved == 0,
	   "drop a group alice is not in: kept in dropped, nothing removed");
	undo(&id, &p);

	r = drop("\ndrop_groups = { \"users\" }\n", three, 3, &id, &p, &e);
	is_int(r, -1, "drop alice's primary group (users, 100): refused");
	like(e.msg, "t.conf: drop_groups: users is the primary group of alice",
	     "  saying why, with the file");
	undo(&id, &p);
}

int main(void)
{
	test_root_reason();
	test_drop();
	return done_testing();
}
