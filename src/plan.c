#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "expand.h"
#include "idmap.h"
#include "plan.h"

const char *plan_kind_name(enum mount_kind kind)
{
	switch (kind) {
	case MOUNT_ROOT:
		return "root";
	case MOUNT_PROC:
		return "proc";
	case MOUNT_DEV:
		return "dev";
	case MOUNT_TMPFS:
		return "tmpfs";
	case MOUNT_HIDE:
		return "hide";
	case MOUNT_RUNTIME:
		return "runtime";
	case MOUNT_MAP:
		return "map";
	case MOUNT_VOLUME:
		return "volume";
	case MOUNT_AGENT:
		return "agent";
	case MOUNT_SERVICE:
		return "service";
	}
	return "?";
}

static int add_op(struct plan *pl, enum mount_kind kind, char *source,
		  char *target, int line)
{
	struct plan_op *op = realloc(pl->ops, sizeof(*op) * (pl->nops + 1));

	if (!op) {
		free(source);
		free(target);
		return -1;
	}
	pl->ops = op;
	op += pl->nops++;
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->source = source;
	op->target = target;
	op->line = line;
	op->mode = 0755;
	return 0;
}

static int add_builtin(struct plan *pl, enum mount_kind kind,
		       const char *target)
{
	char *t = strdup(target);

	return t ? add_op(pl, kind, NULL, t, 0) : -1;
}

static int expand(const struct plan *pl, const struct profile_mount *m,
		  const char *raw, char **out, struct jerr *e)
{
	char why[128], at[4200];

	if (expand_path(raw, pl->id, out, why, sizeof(why)) < 0)
		return jerr_set(e, "%s%s \"%s\": %s",
				profile_where(pl->profile, m->line, at,
					      sizeof(at)),
				plan_kind_name(m->kind), raw, why);
	return 0;
}

static int add_profile_mount(struct plan *pl, const struct profile_mount *m,
			     struct jerr *e)
{
	char *source = NULL, *target = NULL;

	if (expand(pl, m, m->source, &source, e) < 0)
		return -1;
	if (m->kind == MOUNT_TMPFS || m->kind == MOUNT_HIDE) {
		target = source;
		source = NULL;
	} else if (m->target && expand(pl, m, m->target, &target, e) < 0) {
		free(source);
		return -1;
	} else if (!m->target && !(target = strdup(source))) {
		free(source);
		return jerr_sys(e, ENOMEM, "plan");
	}
	if (add_op(pl, m->kind, source, target, m->line) < 0)
		return jerr_sys(e, ENOMEM, "plan");
	pl->ops[pl->nops - 1].size = m->size;
	pl->ops[pl->nops - 1].mode = m->mode;
	return 0;
}

static int by_target(const void *a, const void *b)
{
	const struct plan_op *x = a, *y = b;

	return path_compare(x->target, y->target);
}

static int check_target(const struct plan *pl, const struct plan_op *op,
			struct jerr *e)
{
	static const char *const reserved[] = { "/proc", "/dev", IDMAP_DIR };
	char at[4200];

	if (op->line == 0)
		return 0;
	profile_where(pl->profile, op->line, at, sizeof(at));
	if (!strcmp(op->target, "/"))
		return jerr_set(e, "%s%s: cannot mount over /", at,
				plan_kind_name(op->kind));
	/* the warden's socket is only there with containers = yes */
	for (size_t i = 0; i < (pl->profile->containers ? 3 : 2); i++)
		if (!strcmp(op->target, reserved[i]) ||
		    path_is_below(op->target, reserved[i]))
			return jerr_set(e,
					"%s%s %s: %s is set up by "
					"jailsh and cannot hold other mounts",
					at, plan_kind_name(op->kind),
					op->target, reserved[i]);
	return 0;
}

static int find_conflicts(const struct plan *pl, struct jerr *e)
{
	for (size_t i = 0; i < pl->nops; i++) {
		const struct plan_op *op = &pl->ops[i];

		if (check_target(pl, op, e) < 0)
			return -1;
		if (i == 0 || strcmp(op->target, op[-1].target))
			continue;
		/* sorted, so equal targets are neighbours */
		if (op[-1].line == 0 || op->line == 0)
			continue; /* a profile's /tmp replaces the default */
		{
			int later = op[-1].line > op->line ? op[-1].line :
							     op->line;
			int first = op[-1].line > op->line ? op->line :
							     op[-1].line;
			char at[4200];

			profile_where(pl->profile, later, at, sizeof(at));
			return jerr_set(
				e, "%s%s %s: target already used at %s %d", at,
				plan_kind_name(op->kind), op->target,
				first >= PROFILE_ARG_LINE ? "argument" : "line",
				first % PROFILE_ARG_LINE);
		}
	}
	return 0;
}

/* A profile's own mount on the target of a built-in one (/tmp, /run/user,
 * /run/screen...) replaces it. */
static void drop_replaced_builtins(struct plan *pl)
{
	for (size_t i = 0; i + 1 < pl->nops;) {
		struct plan_op *a = &pl->ops[i], *b = &pl->ops[i + 1];
		struct plan_op *builtin = a->line == 0 ? a : b;

		if (strcmp(a->target, b->target) || (a->line && b->line) ||
		    (!a->line && !b->line)) {
			i++;
			continue;
		}
		free(builtin->source);
		free(builtin->target);
		memmove(builtin, builtin + 1,
			(pl->ops + pl->nops - builtin - 1) * sizeof(*builtin));
		pl->nops--;
	}
}

static void link_parents(struct plan *pl)
{
	for (size_t i = 0; i < pl->nops; i++) {
		pl->ops[i].parent = -1;
		for (size_t j = i; j-- > 0;)
			if (path_is_below(pl->ops[i].target,
					  pl->ops[j].target)) {
				pl->ops[i].parent = (int)j;
				break;
			}
	}
}

static int choose_shell(struct plan *pl)
{
	const char *s = pl->profile->shell;
	const char *own = pl->id->shell;
	const char *base = strrchr(own, '/');

	/* the login shell from the password database, unless it is jailsh
	 * itself (the usual case when jailsh is the login shell) */
	if (!s && own[0] == '/' && base && strcmp(base + 1, "jailsh"))
		s = own;
	pl->shell = strdup(s ? s : "/bin/sh");
	return pl->shell ? 0 : -1;
}

/* containers = yes: the warden's socket, and jailsh's own newuidmap and
 * newgidmap over the host's, which could not work in the jail (setuid,
 * under no_new_privs); and a private /var/tmp, where image tools put
 * what they unpack. */
static int add_containers(struct plan *pl)
{
	static const char *const tools[][2] = {
		{ JAILSH_HELPERDIR "/newuidmap", IDMAP_NEWUIDMAP },
		{ JAILSH_HELPERDIR "/newgidmap", IDMAP_NEWGIDMAP },
	};

	if (add_builtin(pl, MOUNT_SERVICE, IDMAP_DIR) < 0 ||
	    add_builtin(pl, MOUNT_TMPFS, "/var/tmp") < 0)
		return -1;
	pl->ops[pl->nops - 1].mode = 01777;
	pl->ops[pl->nops - 1].optional = true;
	for (size_t i = 0; i < 2; i++) {
		char *source = strdup(tools[i][0]);
		char *target = strdup(tools[i][1]);

		if (!source || !target) {
			free(source);
			free(target);
			return -1;
		}
		if (add_op(pl, MOUNT_MAP, source, target, 0) < 0)
			return -1;
	}
	return 0;
}

/* What every session gets besides the profile's mounts. Services on the
 * host that act for the user listen in the user's runtime directory
 * (systemd --user, the session bus, pipewire, gpg-agent...) and in
 * /run/screen: the session gets its own of each. */
static int add_builtins(struct plan *pl)
{
	char dir[64];

	if (add_builtin(pl, MOUNT_ROOT, "/") < 0 ||
	    add_builtin(pl, MOUNT_PROC, "/proc") < 0 ||
	    add_builtin(pl, MOUNT_DEV, "/dev") < 0 ||
	    add_builtin(pl, MOUNT_TMPFS, "/tmp") < 0)
		return -1;
	pl->ops[pl->nops - 1].mode = 01777;
	if (add_builtin(pl, MOUNT_TMPFS, "/run/screen") < 0)
		return -1;
	pl->ops[pl->nops - 1].mode = 01777;
	pl->ops[pl->nops - 1].optional = true;
	if (pl->profile->containers && add_containers(pl) < 0)
		return -1;
	if (!pl->profile->runtime_private)
		return 0;
	snprintf(dir, sizeof(dir), "/run/user/%u", pl->id->uid);
	pl->runtime_dir = strdup(dir);
	if (!pl->runtime_dir || add_builtin(pl, MOUNT_HIDE, "/run/user") < 0 ||
	    add_builtin(pl, MOUNT_RUNTIME, dir) < 0)
		return -1;
	pl->ops[pl->nops - 1].mode = 0700;
	return 0;
}

int plan_build(const struct profile *p, const struct identity *id,
	       struct plan *pl, struct jerr *e)
{
	memset(pl, 0, sizeof(*pl));
	pl->profile = p;
	pl->id = id;
	if (choose_shell(pl) < 0 || add_builtins(pl) < 0) {
		plan_free(pl);
		return jerr_sys(e, ENOMEM, "plan");
	}
	for (size_t i = 0; i < p->nmounts; i++)
		if (add_profile_mount(pl, &p->mounts[i], e) < 0) {
			plan_free(pl);
			return -1;
		}
	qsort(pl->ops, pl->nops, sizeof(*pl->ops), by_target);
	if (find_conflicts(pl, e) < 0) {
		plan_free(pl);
		return -1;
	}
	drop_replaced_builtins(pl);
	link_parents(pl);
	return 0;
}

/* /tmp/ssh-XXXXXXXXXX/agent.N, as sshd names the socket of a forwarded
 * agent; nothing else, so that no other path can come in this way. */
static int is_agent_path(const char *p)
{
	const char *dir = "/tmp/ssh-", *sock = "/agent.";
	size_t n;

	if (strncmp(p, dir, strlen(dir)))
		return 0;
	p += strlen(dir);
	n = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		      "0123456789");
	if (n < 6 || n > 32 || strncmp(p + n, sock, strlen(sock)))
		return 0;
	p += n + strlen(sock);
	n = strspn(p, "0123456789");
	return n > 0 && n < 12 && p[n] == '\0';
}

int plan_add_agent(struct plan *pl, const char *path, struct jerr *e)
{
	char *source, *target;

	if (!pl->profile->ssh_agent || !path || !is_agent_path(path))
		return 0;
	source = strdup(path);
	target = strdup(path);
	if (!source || !target) {
		free(source);
		free(target);
		return jerr_sys(e, ENOMEM, "plan");
	}
	if (add_op(pl, MOUNT_AGENT, source, target, 0) < 0)
		return jerr_sys(e, ENOMEM, "plan");
	qsort(pl->ops, pl->nops, sizeof(*pl->ops), by_target);
	link_parents(pl);
	return 1;
}

int plan_add_login_records(struct plan *pl, struct jerr *e)
{
	static const char *const files[] = {
		"/run/utmp",
		"/var/log/wtmp",
		"/var/log/btmp",
		"/var/log/lastlog",
	};

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *source, *target;
		int taken = 0;

		for (size_t j = 0; j < pl->nops; j++)
			taken |= !strcmp(pl->ops[j].target, files[i]);
		if (taken)
			continue; /* the profile says what goes there */
		source = strdup(files[i]);
		target = strdup(files[i]);

		if (!source || !target) {
			free(source);
			free(target);
			return jerr_sys(e, ENOMEM, "plan");
		}
		if (add_op(pl, MOUNT_VOLUME, source, target, 0) < 0)
			return jerr_sys(e, ENOMEM, "plan");
		pl->ops[pl->nops - 1].optional = true;
	}
	qsort(pl->ops, pl->nops, sizeof(*pl->ops), by_target);
	link_parents(pl);
	return 0;
}

void plan_use_rootfs(struct plan *pl, const char *dir, bool writable)
{
	size_t w = 0;

	pl->rootfs = dir;
	pl->rootfs_writable = writable;
	free(pl->runtime_dir);
	pl->runtime_dir = NULL;
	for (size_t i = 0; i < pl->nops; i++) {
		struct plan_op *op = &pl->ops[i];

		if (op->line == 0 && (!strcmp(op->target, "/run/screen") ||
				      !strcmp(op->target, "/run/user") ||
				      op->kind == MOUNT_RUNTIME)) {
			free(op->source);
			free(op->target);
			continue;
		}
		pl->ops[w++] = *op;
	}
	pl->nops = w;
	link_parents(pl);
}

int plan_creates_mountpoint(const struct plan *pl, const struct plan_op *op)
{
	if (op->parent < 0)
		return 0;
	switch (pl->ops[op->parent].kind) {
	case MOUNT_TMPFS:
	case MOUNT_HIDE:
	case MOUNT_RUNTIME:
		return 1;
	default:
		return 0;
	}
}

void plan_free(struct plan *pl)
{
	for (size_t i = 0; i < pl->nops; i++) {
		free(pl->ops[i].source);
		free(pl->ops[i].target);
	}
	free(pl->ops);
	free(pl->shell);
	free(pl->runtime_dir);
	memset(pl, 0, sizeof(*pl));
}

/* FNV-1a, 64 bits: not against an adversary (only root writes profiles),
 * only to tell one plan from another. */
static uint64_t hash(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

static uint64_t hash_str(uint64_t h, const char *s)
{
	return hash(h, s ? s : "", s ? strlen(s) + 1 : 1);
}

static uint64_t hash_list(uint64_t h, char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = hash_str(h, list[i]);
	return hash(h, &n, sizeof(n));
}

uint64_t plan_fingerprint(const struct plan *pl)
{
	const struct profile *p = pl->profile;
	uint64_t h = 0xcbf29ce484222325ULL;
	int flags[] = { p->net,
			p->devices,
			p->ssh_agent,
			p->seccomp_default,
			p->user_namespaces,
			p->io_uring,
			p->runtime_private,
			p->user_jail,
			p->containers,
			p->host_loopback };

	for (size_t i = 0; i < pl->nops; i++) {
		const struct plan_op *op = &pl->ops[i];
		int kind = op->kind, optional = op->optional;

		/* what one front end adds for its own use: the login
		 * records (the PAM module's), a login's agent socket */
		if ((kind == MOUNT_VOLUME && op->line == 0) ||
		    kind == MOUNT_AGENT)
			continue;

		h = hash(h, &kind, sizeof(kind));
		h = hash_str(hash_str(h, op->source), op->target);
		h = hash(h, &op->size, sizeof(op->size));
		h = hash(h, &op->mode, sizeof(op->mode));
		h = hash(h, &optional, sizeof(optional));
	}
	h = hash_str(hash_str(h, pl->shell), p->hostname);
	h = hash(h, flags, sizeof(flags));
	for (int r = 0; r < RLIM_NLIMITS; r++)
		if (p->limit_set[r])
			h = hash(hash(h, &r, sizeof(r)), &p->limit[r],
				 sizeof(p->limit[r]));
	for (int i = 0; i < CG_NLIMITS; i++)
		if (p->cg_set[i])
			h = hash(hash(h, &i, sizeof(i)), &p->cg[i],
				 sizeof(p->cg[i]));
	h = hash(h, &p->max_time, sizeof(p->max_time));
	h = hash(h, &p->linger, sizeof(p->linger));
	h = hash_list(h, p->env_set, p->nenv_set);
	h = hash_list(h, p->env_unset, p->nenv_unset);
	h = hash_list(h, p->publish, p->npublish);
	return hash_list(h, p->drop_groups, p->ndrop_groups);
}
