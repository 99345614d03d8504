/* jailsh check: like sshd -t, for every file in the configuration
 * directory. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "config.h"
#include "conf_dir.h"
#include "groups.h"
#include "log.h"
#include "nss.h"
#include "plan.h"
#include "conf_policy.h"
#include "conf_settings.h"
#include "subid.h"

struct tally {
	int files, errors;
};

/* Profiles under groups/ and default.conf apply to many users: their plan
 * is checked for a typical one. */
static char sample_name[] = "user", sample_home[] = "/home/user";
static char sample_shell[] = "/bin/sh";
static const struct identity sample = {
	.uid = 1000,
	.gid = 1000,
	.name = sample_name,
	.home = sample_home,
	.shell = sample_shell,
	.group = sample_name,
};

/* A group profile for a group the database does not have refuses the
 * sessions that reach it (a failing source would answer the same). */
static int check_group(const char *file, const char *group, struct jerr *e)
{
	struct nss_entry ent = { 0 };
	int r;

	r = nss_get(&(struct nss_key){ .group = 1, .name = group }, &ent, e);
	nss_entry_free(&ent);
	if (r == 0)
		return jerr_set(e,
				"%s: no group %s in the group database: "
				"sessions that reach this profile are refused; "
				"create the group or remove the profile",
				file, group);
	return r < 0 ? -1 : 0;
}

/* network = "private" needs the stack: without it the sessions that reach
 * the profile are refused. */
static int check_stack(const char *file, const struct profile *p,
		       struct jerr *e)
{
	if (p->net != NET_PRIVATE || access(JAILSH_PASTA, X_OK) == 0)
		return 0;
	return jerr_sys(e, errno,
			"%s: network = \"private\" needs %s (the passt "
			"package): sessions that reach this profile are "
			"refused",
			file, JAILSH_PASTA);
}

/* 0, or for a good profile that sets containers = yes, the line where
 * it does. */
static int check_text(const char *file, const char *text,
		      const struct identity *id, struct jerr *e)
{
	struct profile p;
	struct plan pl;
	int r;

	r = profile_parse(file, text, &p, e);
	if (r < 0)
		return -1;
	if (check_stack(file, &p, e) < 0) {
		profile_free(&p);
		return -1;
	}
	r = plan_build(&p, id, &pl, e);
	if (r == 0)
		plan_free(&pl);
	if (r == 0 && p.containers)
		r = p.containers_line > 0 ? p.containers_line : 1;
	profile_free(&p);
	return r;
}

/* containers = yes at FILE:LINE for USER: a warning when the user has no
 * subordinate ids (every session of theirs is refused). */
static void check_subids(const char *file, int line, const char *user)
{
	struct identity id = { 0 };
	char where[4200];
	struct jerr e;

	snprintf(where, sizeof(where), "%s:%d", file, line);
	if (identity_from_name(user, &id, &e) == 0 &&
	    subid_require(&id, where, &e) < 0)
		printf("warning: %s\n", e.msg);
	identity_free(&id);
}

/* The same for the members of GROUP that the group database lists. */
static void check_group_subids(const char *file, int line, const char *group)
{
	struct nss_entry ent = { 0 };
	struct jerr e;

	if (nss_get(&(struct nss_key){ .group = 1, .name = group }, &ent, &e) <=
	    0)
		return;
	for (size_t i = 0; ent.gr.gr_mem[i]; i++)
		check_subids(file, line, ent.gr.gr_mem[i]);
	nss_entry_free(&ent);
}

/* REL, for USER (users/) or GROUP (groups/), or a typical user. */
static void check_profile(const struct conf_dir *d, const char *rel,
			  const char *user, const char *group, struct tally *t)
{
	struct identity real = { 0 };
	const struct identity *id = &sample;
	char *text, file[4096];
	struct jerr e;
	int r, containers;

	r = conf_dir_read(d, rel, &text, &e);
	if (r == 0)
		return;
	t->files++;
	if (r < 0) {
		printf("%s\n", e.msg);
		t->errors++;
		return;
	}
	snprintf(file, sizeof(file), "%s/%s", d->path, rel);
	if (user && identity_from_name(user, &real, &e) == 0)
		id = &real;
	else if (user)
		printf("%s: warning: %s\n", file, e.msg);
	r = check_text(file, text, id, &e);
	free(text);
	containers = r > 0 ? r : 0;
	if (r >= 0 && group)
		r = check_group(file, group, &e);
	if (r < 0) {
		printf("%s\n", e.msg);
		t->errors++;
	} else {
		printf("%s: ok\n", file);
	}
	if (r >= 0 && containers && id == &real)
		check_subids(file, containers, user);
	else if (r >= 0 && containers && group)
		check_group_subids(file, containers, group);
	else if (r >= 0 && containers && !strncmp(rel, "profiles/", 9))
		printf("%s:%d: note: containers = yes: jailsh run --profile "
		       "maps with each caller's own newuidmap and newgidmap "
		       "(package uidmap): its callers need subordinate ids in "
		       "%s and %s, or are refused\n",
		       file, containers, SUBID_UID_FILE, SUBID_GID_FILE);
	else if (r >= 0 && containers && !user)
		printf("%s: note: containers = yes: the users it applies to "
		       "need subordinate ids in %s and %s, or their sessions "
		       "are refused\n",
		       file, SUBID_UID_FILE, SUBID_GID_FILE);
	identity_free(&real);
}

/* Every NAME.conf in users/, groups/ or profiles/, in name order. */
static void check_dir(const struct conf_dir *d, const char *sub,
		      struct tally *t)
{
	char **names, rel[512];
	struct jerr e;
	size_t n;

	if (conf_dir_list(d, sub, ".conf", &names, &n, &e) < 0) {
		printf("%s\n", e.msg);
		t->errors++;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), "%s/%s.conf", sub, names[i]);
		check_profile(d, rel, !strcmp(sub, "users") ? names[i] : NULL,
			      !strcmp(sub, "groups") ? names[i] : NULL, t);
	}
	conf_dir_list_free(names, n);
}

/* USER is in GROUP (gid GID), which gives root on the host: a warning
 * unless the profile that applies to USER drops it. */
static void check_member(const char *user, const char *group, gid_t gid,
			 const char *why)
{
	struct policy po = { 0 };
	struct jerr e;
	int dropped = 0;

	/* root is never jailed; a broken profile is reported as such */
	if (identity_from_name(user, &po.id, &e) == 0 &&
	    policy_load(&po, JAILSH_CONFDIR, &e) == 0 &&
	    identity_load_groups(&po.id, &e) == 0 &&
	    groups_drop(&po.id, &po.profile, &e) == 0) {
		for (int i = 0; i < po.id.ndropped; i++)
			dropped |= po.id.dropped[i] == gid;
		if (!dropped)
			printf("warning: user %s is in group %s, which gives "
			       "root on the host (%s); %s does not drop it "
			       "(drop_groups)\n",
			       user, group, why, po.profile.file);
	}
	policy_free(&po);
}

/* The members of every group that gives root on the host (as the group
 * database lists them: not those whose primary group it is). */
static void check_root_groups(const struct settings *s)
{
	size_t nb = 0;

	while (groups_builtin_root[nb])
		nb++;
	for (size_t i = 0; i < nb + s->nroot_groups; i++) {
		const char *name = i < nb ? groups_builtin_root[i] :
					    s->root_groups[i - nb];
		struct nss_entry ent = { 0 };
		struct jerr e;
		int r = nss_get(&(struct nss_key){ .group = 1, .name = name },
				&ent, &e);

		if (r < 0)
			printf("warning: %s\n", e.msg);
		/* the entry is ours (ent.buf): the profiles looked up next
		 * use the group database too */
		for (size_t j = 0; r > 0 && ent.gr.gr_mem[j]; j++)
			check_member(ent.gr.gr_mem[j], name, ent.gr.gr_gid,
				     groups_root_reason(s, name));
		if (r > 0)
			nss_entry_free(&ent);
	}
}

int cmd_check(int argc, char **argv)
{
	struct tally t = { 0 };
	char *text = NULL;
	struct settings s;
	struct conf_dir d;
	struct jerr e;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "usage: jailsh check\n");
		return 1;
	}
	if (getuid() != 0) {
		log_refusal("check: only root may check the configuration");
		return 1;
	}
	if (conf_dir_open(&d, JAILSH_CONFDIR, &e) < 0) {
		printf("%s\n", e.msg);
		return 1;
	}
	if (d.fd < 0) {
		printf("%s does not exist: every user gets the built-in "
		       "default profile\n",
		       JAILSH_CONFDIR);
		memset(&s, 0, sizeof(s));
		check_root_groups(&s);
		return 0;
	}
	if (conf_dir_read(&d, "jailsh.conf", &text, &e) != 0)
		t.files++;
	free(text);
	if (settings_load(&d, &s, &e) < 0) {
		printf("%s\n", e.msg);
		t.errors++;
	} else if (t.files) {
		printf("%s/jailsh.conf: ok\n", d.path);
	}
	check_profile(&d, "default.conf", NULL, NULL, &t);
	check_dir(&d, "users", &t);
	check_dir(&d, "groups", &t);
	check_dir(&d, "profiles", &t);
	conf_dir_close(&d);
	if (!t.errors)
		check_root_groups(&s);
	settings_free(&s);
	printf("%d file%s checked, %d with errors\n", t.files,
	       t.files == 1 ? "" : "s", t.errors);
	return t.errors ? 1 : 0;
}
