#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "filter.h"
#include "groups.h"
#include "nss.h"

/* Groups whose members can make the host do anything: through a daemon
 * that runs containers or machines for them as root, or the disks. */
static const struct {
	const char *name;
	const char *why;
} builtin[] = {
	{ "docker", "the Docker daemon runs containers as root for it" },
	{ "lxd", "the LXD daemon runs containers as root for it" },
	{ "incus", "the Incus daemon runs containers for it" },
	{ "incus-admin", "the Incus daemon obeys it as it does root" },
	{ "libvirt", "libvirtd runs virtual machines with the host's "
		     "devices for it" },
	{ "disk", "it reads and writes the host's disks" },
};

const char *const groups_builtin_root[] = {
	"docker", "lxd", "incus", "incus-admin", "libvirt", "disk", NULL,
};

const char *groups_root_reason(const struct settings *s, const char *name)
{
	for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
		if (!strcmp(builtin[i].name, name))
			return builtin[i].why;
	for (size_t i = 0; s && i < s->nroot_groups; i++)
		if (!strcmp(s->root_groups[i], name))
			return "listed in root_groups in jailsh.conf";
	return NULL;
}

/* The gid of group NAME: 1 found, 0 no such group, -1 the database could
 * not say. */
static int lookup(const char *name, gid_t *gid, struct jerr *e)
{
	struct nss_entry ent = { 0 };
	int r = nss_get(&(struct nss_key){ .group = 1, .name = name }, &ent, e);

	if (r > 0) {
		*gid = ent.gr.gr_gid;
		nss_entry_free(&ent);
	}
	return r;
}

int groups_drop(struct identity *id, const struct profile *p, struct jerr *e)
{
	free(id->dropped);
	id->dropped = NULL;
	id->ndropped = id->nremoved = 0;
	if (!p->ndrop_groups)
		return 0;
	if (!id->groups_known)
		return jerr_set(e, "the groups of %s are not known", id->name);
	id->dropped = calloc(p->ndrop_groups, sizeof(gid_t));
	if (!id->dropped)
		return jerr_sys(e, ENOMEM, "drop_groups");
	for (size_t i = 0; i < p->ndrop_groups; i++) {
		const char *name = p->drop_groups[i];
		gid_t gid;
		int r = lookup(name, &gid, e), w = 0;

		if (r < 0)
			return jerr_prefix(e, "%s: drop_groups: ", p->file);
		if (r == 0)
			continue; /* no such group: nobody is in it */
		if (gid == id->gid)
			return jerr_set(e,
					"%s: drop_groups: %s is the primary "
					"group of %s, which cannot be dropped",
					p->file, name, id->name);
		id->dropped[id->ndropped++] = gid;
		for (int j = 0; j < id->ngroups; j++) {
			if (id->groups[j] == gid) {
				id->nremoved++;
				free(id->group_names[j]);
				continue;
			}
			id->group_names[w] = id->group_names[j];
			id->groups[w++] = id->groups[j];
		}
		id->ngroups = w;
	}
	return 0;
}

static int is_dropped(const struct identity *id, gid_t g)
{
	for (int i = 0; i < id->ndropped; i++)
		if (id->dropped[i] == g)
			return 1;
	return 0;
}

int groups_none_dropped(const struct identity *id, struct jerr *e)
{
	int n = getgroups(0, NULL), bad = 0;
	gid_t *now;

	if (!id->ndropped)
		return 0;
	now = calloc(n > 0 ? n : 1, sizeof(gid_t));
	if (n < 0 || !now || getgroups(n, now) != n) {
		free(now);
		return jerr_set(e, "cannot read the groups back");
	}
	for (int i = 0; i < n; i++)
		bad |= is_dropped(id, now[i]);
	free(now);
	if (bad || is_dropped(id, getgid()) || is_dropped(id, getegid()))
		return jerr_set(e, "a group that drop_groups removes is still "
				   "there after the drop");
	return 0;
}

int groups_check_unprivileged(const struct profile *p, struct jerr *e)
{
	int n = getgroups(0, NULL);
	gid_t *now = calloc(n > 0 ? n : 1, sizeof(gid_t));
	int r = 0;

	if (n < 0 || !now || getgroups(n, now) != n) {
		free(now);
		return jerr_set(e, "cannot read this process's groups");
	}
	for (size_t i = 0; i < p->ndrop_groups && r == 0; i++) {
		gid_t gid;
		int has;

		r = lookup(p->drop_groups[i], &gid, e);
		if (r <= 0)
			continue;
		has = gid == getgid() || gid == getegid();
		for (int j = 0; j < n; j++)
			has |= now[j] == gid;
		r = 0;
		if (has)
			r = jerr_set(e,
				     "%s: drop_groups: you are in group %s, "
				     "and jailsh run cannot take a group away "
				     "(only a login session can)",
				     p->file, p->drop_groups[i]);
	}
	free(now);
	return r < 0 ? -1 : 0;
}

int groups_pin(const struct identity *id, struct jerr *e)
{
	if (setgroups(id->ngroups, id->groups) < 0)
		return jerr_sys(e, errno, "setgroups (drop_groups)");
	if (groups_none_dropped(id, e) < 0)
		return -1;
	return filter_pin_groups(e);
}
