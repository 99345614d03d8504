/* The lookups on the way to a profile: nss_get() (a buffer that grows on
 * ERANGE, to a bound; "no entry" apart from an error), identity_in_group()
 * and identity_load_groups() (a doubt is an error), conf_dir_list() (only
 * a groups/ that does not exist means none). Without root. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf_dir.h"
#include "identity.h"
#include "nss.h"
#include "tap.h"

/* --- nss_get_with and a fake database ------------------------------------ */

static size_t fake_need; /* the buffer the entry needs */
static int fake_error;   /* returned instead, if set */
static int fake_found;
static int fake_calls;
static size_t fake_sizes[32];

static int fake_call(const struct nss_key *k, struct nss_entry *ent, int *found)
{
	(void)k;
	fake_sizes[fake_calls++ % 32] = ent->size;
	*found = 0;
	if (fake_error)
		return fake_error;
	if (ent->size < fake_need)
		return ERANGE;
	*found = fake_found;
	return 0;
}

static int fake(size_t need, int error, int found, const struct nss_key *k,
		struct jerr *e)
{
	struct nss_entry ent = { 0 };
	int r;

	fake_need = need;
	fake_error = error;
	fake_found = found;
	fake_calls = 0;
	e->msg[0] = '\0';
	r = nss_get_with(fake_call, k, &ent, e);
	nss_entry_free(&ent);
	return r;
}

static void test_growth(void)
{
	struct nss_key gid = { .group = 1, .id = 42 };
	struct jerr e;

	is_int(fake(100, 0, 1, &gid, &e), 1, "an entry that fits: found");
	is_int(fake_calls, 1, "  ... in one call");
	ok(fake_sizes[0] >= 16384, "  ... with at least 16 KiB (%zu)",
	   fake_sizes[0]);
	is_int(fake(100000, 0, 1, &gid, &e), 1,
	       "an entry of 100,000 bytes (a group of thousands): found");
	is_int(fake_calls, 4, "  ... after the buffer doubled three times");
	ok(fake_sizes[3] >= 100000 && fake_sizes[3] == 2 * fake_sizes[2],
	   "  ... to %zu bytes", fake_sizes[3]);
	is_int(fake(NSS_MAX_BUF, 0, 1, &gid, &e), 1,
	       "an entry of exactly the bound: found");
	is_int(fake_sizes[fake_calls - 1], NSS_MAX_BUF,
	       "  ... the last size is the bound itself");
	is_int(fake(NSS_MAX_BUF + 1, 0, 1, &gid, &e), -1,
	       "an entry larger than the bound: an error, not \"no entry\"");
	like(e.msg, "group database: gid 42", "  ... naming the gid");
	like(e.msg, "1048576", "  ... and the bound");
}

static void test_answers(void)
{
	struct nss_key gid = { .group = 1, .id = 42 };
	struct nss_key grp = { .group = 1, .name = "staff" };
	struct nss_key uid = { .id = 1000 };
	struct nss_key user = { .name = "bob" };
	struct jerr e;

	is_int(fake(10, 0, 0, &gid, &e), 0, "0 and no entry: no entry (0)");
	is_str(e.msg, "", "  ... and no message");
	is_int(fake(10, EIO, 0, &gid, &e), -1, "EIO: an error");
	like(e.msg, "group database: gid 42: Input/output error",
	     "  ... group database: gid N: strerror");
	is_int(fake(10, ENOMEM, 0, &grp, &e), -1, "ENOMEM: an error");
	like(e.msg, "group database: group staff: Cannot allocate memory",
	     "  ... naming the group");
	is_int(fake(10, ENOENT, 0, &uid, &e), -1,
	       "ENOENT (a source that cannot be read): an error too");
	like(e.msg, "password database: uid 1000: No such file",
	     "  ... naming the uid");
	is_int(fake(10, EAGAIN, 0, &user, &e), -1, "EAGAIN: an error");
	like(e.msg, "password database: user bob: ", "  ... naming the user");
}

/* The real database: root is there on every system. */
static void test_libc(void)
{
	struct nss_entry ent = { 0 };
	struct jerr e;

	if (is_int(nss_get(&(struct nss_key){ .id = 0 }, &ent, &e), 1,
		   "uid 0: found"))
		is_str(ent.pw.pw_name, "root", "  ... root");
	if (is_int(nss_get(&(struct nss_key){ .group = 1, .name = "root" },
			   &ent, &e),
		   1, "group root: found"))
		is_int(ent.gr.gr_gid, 0, "  ... gid 0");
	is_int(nss_get(&(struct nss_key){ .name = "jt-no-such-user-x" }, &ent,
		       &e),
	       0, "a user that does not exist: 0");
	is_int(nss_get(&(struct nss_key){ .group = 1,
					  .name = "jt-no-such-group-x" },
		       &ent, &e),
	       0, "a group that does not exist: 0");
	nss_entry_free(&ent);
}

/* --- identity_in_group ---------------------------------------------------- */

static char id_name[64] = "jt-nobody-x";

static struct identity fake_id(gid_t *groups, char **names, int n)
{
	struct identity id = {
		.uid = 4000,
		.gid = groups[0],
		.name = id_name,
		.groups_known = 1,
		.groups = groups,
		.group_names = names,
		.ngroups = n,
	};

	return id;
}

static void test_in_group(void)
{
	gid_t g0[] = { 0 }, g1[] = { 54321 };
	char *named[] = { (char *)"root" }, *unnamed[] = { NULL };
	struct identity id;
	struct group *gr;
	struct jerr e;
	char *group;

	id = fake_id(g0, named, 1);
	is_int(identity_in_group(&id, "root", &e), 1,
	       "a group among the names of the user's gids: in it");
	id = fake_id(g0, unnamed, 1);
	is_int(identity_in_group(&id, "root", &e), 1,
	       "a gid that got no name, but whose group's entry has that gid: "
	       "in it");
	id = fake_id(g1, unnamed, 1);
	is_int(identity_in_group(&id, "root", &e), 0,
	       "a group whose gid the user does not have, and that does not "
	       "list the user: not in it");
	is_int(identity_in_group(&id, "jt-no-such-group-x", &e), -1,
	       "a group that does not exist: an error (a failing source "
	       "answers the same)");
	like(e.msg, "no group jt-no-such-group-x", "  ... saying so");
	is_int(identity_in_group(&id, "-x", &e), 0,
	       "a name no group profile can have (\"-x\"): not in it, "
	       "no lookup");

	/* a group that lists a member, for a user of that name whose list
	 * of groups does not have it: a short list */
	setgrent();
	while ((gr = getgrent()) && !(gr->gr_mem && gr->gr_mem[0]))
		;
	if (!gr) {
		endgrent();
		skip(2, "no group with members here");
		return;
	}
	snprintf(id_name, sizeof(id_name), "%s", gr->gr_mem[0]);
	g1[0] = gr->gr_gid + 1;
	group = strdup(gr->gr_name);
	endgrent();
	id = fake_id(g1, unnamed, 1);
	is_int(identity_in_group(&id, group, &e), -1,
	       "%s lists %s, whose groups do not have it: an error", group,
	       id_name);
	like(e.msg, "leaves that out", "  ... saying the list is short");
	free(group);
	snprintf(id_name, sizeof(id_name), "jt-nobody-x");
}

/* --- identity_load_groups ------------------------------------------------ */

static void test_load_groups(void)
{
	struct identity id;
	struct jerr e;
	int found = 0;

	if (identity_from_name("nobody", &id, &e) < 0) {
		skip(5, "no user nobody");
		return;
	}
	is_int(identity_load_groups(&id, &e), 0, "nobody's groups: loaded");
	for (int i = 0; i < id.ngroups; i++)
		found |= id.groups[i] == id.gid;
	ok(found, "  ... the primary gid among them");
	free(id.group);
	id.group = strdup("jt-another-name");
	id.groups_known = 0;
	is_int(identity_load_groups(&id, &e), -1,
	       "the primary gid named otherwise than before: an error");
	like(e.msg, "in one lookup and", "  ... saying the database changed");
	is_int(id.groups_known, 0, "  ... and the groups are not known");
	identity_free(&id);
}

/* --- conf_dir_list ------------------------------------------------------- */

static void touch(int dir, const char *name)
{
	int fd = openat(dir, name, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	if (fd >= 0)
		close(fd);
}

static void test_list(void)
{
	char tmpl[] = "/tmp/jt-lookups.XXXXXX", **names;
	struct conf_dir d;
	struct jerr e;
	size_t n;
	int g;

	d.path = mkdtemp(tmpl);
	d.fd = d.path ? open(d.path, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
	if (!ok(d.fd >= 0, "a temporary directory"))
		return;
	is_int(conf_dir_list(&d, "groups", ".conf", &names, &n, &e), 0,
	       "no groups/: no error");
	is_int(n, 0, "  ... and no names");
	mkdirat(d.fd, "groups", 0755);
	g = openat(d.fd, "groups", O_PATH | O_DIRECTORY | O_CLOEXEC);
	touch(g, "b.conf");
	touch(g, "a.conf");
	touch(g, ".x.conf");
	touch(g, "c.conf.example");
	touch(g, ".conf");
	touch(g, "d.txt");
	if (is_int(conf_dir_list(&d, "groups", ".conf", &names, &n, &e), 0,
		   "groups/ with profiles: listed") &&
	    is_int(n, 2, "  ... two names")) {
		is_str(names[0], "a", "  ... a");
		is_str(names[1], "b", "  ... then b");
		ok(names[2] == NULL, "  ... NULL-terminated");
	}
	conf_dir_list_free(names, n);
	unlinkat(g, "a.conf", 0);
	unlinkat(g, "b.conf", 0);
	unlinkat(g, ".x.conf", 0);
	unlinkat(g, "c.conf.example", 0);
	unlinkat(g, ".conf", 0);
	unlinkat(g, "d.txt", 0);
	close(g);
	unlinkat(d.fd, "groups", AT_REMOVEDIR);

	touch(d.fd, "groups");
	is_int(conf_dir_list(&d, "groups", ".conf", &names, &n, &e), -1,
	       "groups a regular file: an error, not \"none\"");
	like(e.msg, "/groups is not a directory", "  ... naming it");
	unlinkat(d.fd, "groups", 0);
	if (symlinkat("/etc", d.fd, "groups") == 0) {
		is_int(conf_dir_list(&d, "groups", ".conf", &names, &n, &e), -1,
		       "groups a symbolic link: an error");
		like(e.msg,
		     "/groups is not a directory (symbolic links are "
		     "not followed)",
		     "  ... saying so");
		unlinkat(d.fd, "groups", 0);
	}
	mkdirat(d.fd, "groups", 0);
	if (geteuid() != 0) {
		is_int(conf_dir_list(&d, "groups", ".conf", &names, &n, &e), -1,
		       "groups/ that cannot be read: an error");
		like(e.msg, "Permission denied", "  ... EACCES");
	} else {
		skip(2, "root reads any directory");
	}
	unlinkat(d.fd, "groups", AT_REMOVEDIR);
	close(d.fd);
	rmdir(d.path);
}

int main(void)
{
	test_growth();
	test_answers();
	test_libc();
	test_in_group();
	test_load_groups();
	test_list();
	return done_testing();
}
