/* jailsh explain [USER] */
#define _GNU_SOURCE
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cglimit.h"
#include "commands.h"
#include "config.h"
#include "groups.h"
#include "log.h"
#include "net.h"
#include "publish.h"
#include "conf_policy.h"
#include "scope.h"
#include "subid.h"

static void describe(const struct plan *pl, const struct plan_op *op, char *buf,
		     size_t len)
{
	const struct profile *p = pl->profile;

	switch (op->kind) {
	case MOUNT_ROOT:
		snprintf(buf, len, "the host's tree: read-only, nosuid, nodev");
		break;
	case MOUNT_PROC:
		snprintf(buf, len, "a new /proc for the jail's processes");
		break;
	case MOUNT_DEV:
		if (p->devices == DEV_HOST)
			snprintf(buf, len,
				 "the host's /dev, nosuid, with a "
				 "private /dev/shm and /dev/mqueue");
		else
			snprintf(buf, len,
				 "minimal: null zero full random "
				 "urandom tty ptmx%s, the host's /dev/pts, a "
				 "private /dev/shm",
				 p->containers ? " fuse net/tun" : "");
		break;
	case MOUNT_TMPFS:
		if (op->size)
			snprintf(buf, len,
				 "empty tmpfs, writable, mode %04o, "
				 "size %llu bytes",
				 op->mode, (unsigned long long)op->size);
		else
			snprintf(buf, len, "empty tmpfs, writable, mode %04o",
				 op->mode);
		break;
	case MOUNT_HIDE:
		snprintf(buf, len, "hidden under an empty read-only tmpfs");
		break;
	case MOUNT_RUNTIME:
		snprintf(buf, len,
			 "the session's runtime directory: an empty "
			 "tmpfs of the user's, mode %04o",
			 op->mode);
		break;
	case MOUNT_MAP:
		snprintf(buf, len, "%s from the host, read-only", op->source);
		break;
	case MOUNT_VOLUME:
		snprintf(buf, len, "%s from the host, writable", op->source);
		break;
	case MOUNT_AGENT:
		snprintf(buf, len, "the ssh agent socket sshd forwarded");
		break;
	case MOUNT_SERVICE:
		snprintf(buf, len,
			 "the warden's socket, which maps subordinate ids for "
			 "newuidmap and newgidmap");
		break;
	}
}

/* The groups drop_groups takes away, and a warning for each group of the
 * user's that gives root on the host and stays. */
static void print_groups(const struct policy *po)
{
	const struct identity *id = &po->id;
	int any = 0;

	for (int i = 0; i < id->ndropped; i++) {
		for (size_t j = 0; j < po->profile.ndrop_groups; j++) {
			struct group *g = getgrnam(po->profile.drop_groups[j]);

			if (g && g->gr_gid == id->dropped[i])
				printf("%s %s (gid %u)",
				       any++ ? "," :
					       "groups    dropped in the jail:",
				       po->profile.drop_groups[j], g->gr_gid);
		}
	}
	if (any)
		printf("\n");
	for (int i = 0; i < id->ngroups; i++) {
		const char *name = id->group_names[i];
		const char *why =
			name ? groups_root_reason(&po->settings, name) : NULL;

		if (!why)
			continue;
		if (id->groups[i] == id->gid)
			printf("warning: user %s is in group %s, which gives "
			       "root on the host (%s); it is the primary "
			       "group, which drop_groups cannot take away\n",
			       id->name, name, why);
		else
			printf("warning: user %s is in group %s, which gives "
			       "root on the host (%s); drop_groups in %s "
			       "would take it away in the jail\n",
			       id->name, name, why, po->profile.file);
	}
}

static void print_mounts(const struct plan *pl, const struct profile *p)
{
	char desc[4200];

	printf("mounts, in the order they are made:\n");
	for (size_t i = 0; i < pl->nops; i++) {
		const struct plan_op *op = &pl->ops[i];

		describe(pl, op, desc, sizeof(desc));
		printf("  %-24s %-7s %s", op->target, plan_kind_name(op->kind),
		       desc);
		if (op->line && strcmp(p->file, PROFILE_BUILTIN_NAME))
			printf(" (line %d)", op->line);
		if (!op->line && op->optional)
			printf(" (where the host has it)");
		printf("\n");
	}
}

/* The rlimits, the cgroup limits and max_time, each on a line if set. */
static void print_limits(const struct profile *p)
{
	int any = 0;

	for (int r = 0; r < RLIM_NLIMITS; r++) {
		if (!p->limit_set[r])
			continue;
		printf(any++ ? "" : "rlimits  ");
		if (p->limit[r] == RLIM_INFINITY)
			printf(" %s=unlimited", profile_rlimit_name(r));
		else
			printf(" %s=%llu", profile_rlimit_name(r),
			       (unsigned long long)p->limit[r]);
	}
	if (any)
		printf("\n");
	any = 0;
	for (int i = 0; i < CG_NLIMITS; i++) {
		char v[32];

		if (!p->cg_set[i])
			continue;
		cglimit_show(i, p->cg[i], v, sizeof(v));
		printf("%s %s=%s%s", any++ ? "" : "cgroup   ",
		       cglimit_cg[i].name, v,
		       p->cg_optional[i] ? " (optional)" : "");
	}
	if (any)
		printf("\n");
	if (p->max_time)
		printf("max time  %u s%s\n", p->max_time,
		       p->user_jail ? " (each login)" : "");
	if (p->user_jail && p->linger == PROFILE_FOREVER)
		printf("jail      user: one for all logins, lingers until "
		       "stopped\n");
	else if (p->user_jail)
		printf("jail      user: one for all logins, lingers %u s after "
		       "the last\n",
		       p->linger);
}

/* containers = yes: what the warden will map for the user, and the
 * devices; a user without ranges is refused at the start. */
static void print_containers(const struct policy *po)
{
	static const char *const files[] = { SUBID_UID_FILE, SUBID_GID_FILE };
	const struct profile *p = &po->profile;

	if (!p->containers) {
		printf("containers no\n");
		return;
	}
	printf("containers yes: newuidmap and newgidmap are jailsh's; the "
	       "warden maps these ranges%s\n",
	       p->devices == DEV_HOST ? "" : "; /dev/fuse and /dev/net/tun");
	for (size_t i = 0; i < 2; i++) {
		struct subid_set s;
		struct jerr e;
		char desc[1024];

		if (subid_load(files[i], &po->id, &s, &e) < 0) {
			printf("  %-12s %s\n", files[i], e.msg);
			continue;
		}
		subid_describe(&s, desc, sizeof(desc));
		printf("  %-12s %s%s\n", files[i], desc,
		       s.n ? "" : ": sessions are refused");
		subid_free(&s);
	}
}

/* network = "private": the link, and what of the host it reaches. */
static void print_network(const struct profile *p)
{
	if (p->net != NET_PRIVATE) {
		printf("network   %s\n",
		       p->net == NET_NONE ? "none (own namespace, loopback "
					    "only)" :
					    "host");
		return;
	}
	printf("network   private (own namespace; pasta, as the user, "
	       "outside the jail): address " NET_ADDRESS "/" NET_PREFIX
	       ", gateway " NET_GATEWAY ", DNS " NET_DNS
	       " (forwarded to the host's resolver)\n");
	printf("loopback  %s\n",
	       p->host_loopback ? "the host's 127.0.0.1 and ::1 are reached "
				  "at the gateway, " NET_GATEWAY
				  " (host_loopback = yes)" :
				  "the host's is not reachable");
	for (size_t i = 0; i < p->npublish; i++) {
		struct publish pub;
		char why[256], desc[128];

		if (publish_parse(p->publish[i], &pub, why, sizeof(why)) < 0)
			continue;
		publish_describe(&pub, desc, sizeof(desc));
		printf("publish   %s\n", desc);
	}
}

static void print_policy(const struct policy *po)
{
	const struct profile *p = &po->profile;
	const struct plan *pl = &po->plan;
	char desc[160];

	printf("user      %s (uid %u, gid %u)\n", po->id.name, po->id.uid,
	       po->id.gid);
	printf("profile   %s\n", p->file);
	printf("shell     %s\n", pl->shell);
	printf("hostname  %s\n", p->hostname ? p->hostname : "(the host's)");
	print_network(p);
	printf("devices   %s\n", p->devices == DEV_HOST ? "host" : "minimal");
	printf("ssh agent %s\n",
	       p->ssh_agent ? "yes, when sshd forwards one" : "no");
	printf("seccomp   %s; user namespaces %s\n",
	       !p->seccomp_default ? "none (TIOCSTI and TIOCLINUX only)" :
	       p->io_uring         ? "default, io_uring allowed" :
				     "default, io_uring refused",
	       p->user_namespaces ? "allowed" : "refused");
	if (pl->runtime_dir)
		printf("runtime   private: %s is the session's own, empty "
		       "(XDG_RUNTIME_DIR; DBUS_SESSION_BUS_ADDRESS unset)\n",
		       pl->runtime_dir);
	else
		printf("runtime   host: /run/user/%u is the host's, with the "
		       "user's services there (systemd --user, the session "
		       "bus, agents)\n",
		       po->id.uid);
	scope_describe(desc, sizeof(desc));
	printf("landlock  %s\n", desc);
	print_containers(po);
	print_groups(po);
	print_mounts(pl, p);
	print_limits(p);
	for (size_t i = 0; i < p->nenv_set; i++)
		printf("env set   %s\n", p->env_set[i]);
	for (size_t i = 0; i < p->nenv_unset; i++)
		printf("env unset %s\n", p->env_unset[i]);
}

int cmd_explain(int argc, char **argv)
{
	struct policy po = { 0 };
	struct jerr e;
	int r;

	if (argc > 2) {
		fprintf(stderr, "usage: jailsh explain [USER]\n");
		return 1;
	}
	if (argc < 2 && getuid() == 0) {
		fprintf(stderr, "usage: jailsh explain USER (root is never "
				"jailed)\n");
		return 1;
	}
	r = argc == 2 ? identity_from_name(argv[1], &po.id, &e) :
			identity_from_uid(getuid(), &po.id, &e);
	if (r < 0) {
		fprintf(stderr, "jailsh: %s\n", e.msg);
		return 1;
	}
	if (getuid() != 0 && po.id.uid != getuid()) {
		identity_free(&po.id);
		log_refusal("explain: only root may explain another user");
		return 1;
	}
	r = policy_load(&po, JAILSH_CONFDIR, &e);
	if (r == 0)
		r = identity_load_groups(&po.id, &e);
	if (r == 0)
		r = groups_drop(&po.id, &po.profile, &e);
	if (r < 0)
		fprintf(stderr, "jailsh: %s\n", e.msg);
	else
		print_policy(&po);
	if (r == 0 && po.profile.user_jail)
		cmd_list_running(po.id.uid);
	policy_free(&po);
	return r < 0 ? 1 : 0;
}
