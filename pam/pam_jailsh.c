/* pam_jailsh: the jail of the user's profile, from a PAM session.
 *
 * pam_sm_open_session builds the jail in a process of its own and moves
 * the calling process (sshd's session process, login, su, runuser) into
 * its namespaces, sealed: everything the service starts from then on (the
 * shell, commands, sftp, forwardings, ~/.ssh/rc) is in the jail and can
 * never regain privilege. pam_sm_close_session kills the jail, without
 * waiting. The module never exits, never prints, and keeps only the jail's
 * two descriptors (close-on-exec) between open and close. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#define PAM_SM_SESSION
#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "config.h"
#include "escape.h"
#include "groups.h"
#include "hold.h"
#include "userjail.h"
#include "nss.h"
#include "conf_policy.h"
#include "scope.h"

#define DATA_NAME "pam_jailsh_hold"

struct args {
	int debug;
	int systemd_limits; /* pam_systemd follows and applies limits */
};

/* pam_syslog, with what it says made one line: the user name (PAM_USER,
 * which the service may have from a client) and paths are escaped. */
static void __attribute__((format(printf, 3, 4)))
say(pam_handle_t *pamh, int priority, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	escape_in_place(msg, sizeof(msg));
	pam_syslog(pamh, priority, "%s", msg);
}

/* Strict: an argument this module does not know is an error, never
 * ignored, so that a typo cannot turn the jail off. */
static int parse_args(pam_handle_t *pamh, int argc, const char **argv,
		      struct args *a)
{
	memset(a, 0, sizeof(*a));
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "debug")) {
			a->debug = 1;
			continue;
		}
		if (!strcmp(argv[i], "systemd_limits")) {
			a->systemd_limits = 1;
			continue;
		}
		say(pamh, LOG_ERR,
		    "unknown argument \"%s\" (known: "
		    "debug, systemd_limits); refusing the session",
		    argv[i]);
		return -1;
	}
	return 0;
}

static void refuse_session(pam_handle_t *pamh, int flags, const char *user,
			   const char *msg)
{
	char shown[1024];

	say(pamh, LOG_ERR, "refusing the session of %s: %s", user ? user : "?",
	    msg);
	escape_text(shown, sizeof(shown), msg);
	if (!(flags & PAM_SILENT))
		pam_error(pamh, "jailsh: %s", shown);
}

/* pam_end(), or a replacement: the jail goes with the session, except in
 * a child that the service forked and that only cleans up before exec
 * (PAM_DATA_SILENT): that one lets go of its copies and nothing else. */
static void cleanup(pam_handle_t *pamh, void *data, int status)
{
	struct hold *h = data;

	(void)pamh;
	if (status & PAM_DATA_SILENT)
		hold_release(h);
	else
		hold_end(h);
	free(h);
}

/* 1: USER is root, 0: not (or no such user: identity_from_name says so),
 * -1: the password database failed, and nobody can say. */
static int is_root(const char *user, struct jerr *e)
{
	struct nss_entry ent = { 0 };
	int r;

	r = nss_get(&(struct nss_key){ .name = user }, &ent, e);
	if (r > 0)
		r = ent.pw.pw_uid == 0;
	nss_entry_free(&ent);
	return r;
}

/* Loads what applies to USER. Returns PAM_SUCCESS, PAM_IGNORE (no profile
 * and jail_all_users off, or root), or PAM_SESSION_ERR with e set. */
static int load(pam_handle_t *pamh, const struct args *a, const char *user,
		struct policy *po, struct jerr *e)
{
	int builtin, root = is_root(user, e);

	if (root < 0)
		return PAM_SESSION_ERR;
	if (root) {
		if (a->debug)
			say(pamh, LOG_DEBUG, "%s: root is never jailed", user);
		return PAM_IGNORE;
	}
	if (identity_from_name(user, &po->id, e) < 0 ||
	    policy_load(po, JAILSH_CONFDIR, e) < 0)
		return PAM_SESSION_ERR;
	builtin = !strcmp(po->profile.file, PROFILE_BUILTIN_NAME);
	if (builtin && !po->settings.jail_all_users) {
		if (a->debug)
			say(pamh, LOG_DEBUG,
			    "%s: no profile, and "
			    "jail_all_users is off: not jailed",
			    user);
		return PAM_IGNORE;
	}
	if (policy_check_start(po, e) < 0 ||
	    identity_load_groups(&po->id, e) < 0 ||
	    groups_drop(&po->id, &po->profile, e) < 0 ||
	    plan_add_login_records(&po->plan, e) < 0)
		return PAM_SESSION_ERR;
	return PAM_SUCCESS;
}

/* The session's environment (what the service gives the shell): its own
 * runtime directory, and no address of the host's session bus, which
 * pam_systemd may have set before. */
static int set_env(pam_handle_t *pamh, const struct plan *pl, struct jerr *e)
{
	char v[128];
	int r;

	if (!pl->runtime_dir)
		return 0;
	snprintf(v, sizeof(v), "XDG_RUNTIME_DIR=%s", pl->runtime_dir);
	r = pam_putenv(pamh, v);
	if (r == PAM_SUCCESS) {
		r = pam_putenv(pamh, "DBUS_SESSION_BUS_ADDRESS");
		if (r == PAM_BAD_ITEM) /* it was not set */
			r = PAM_SUCCESS;
	}
	if (r != PAM_SUCCESS)
		return jerr_set(e, "cannot set the session's environment: %s",
				pam_strerror(pamh, r));
	return 0;
}

static void free_string(pam_handle_t *pamh, void *data, int status)
{
	(void)pamh;
	(void)status;
	free(data);
}

/* With systemd_limits and no cgroup_parent: the limits pam_systemd
 * knows go to it as session data (it must come later in the stack),
 * and are taken off the profile's list of what jailsh applies itself. */
static int hand_to_systemd(pam_handle_t *pamh, struct profile *p,
			   struct jerr *e)
{
	static const struct {
		int limit;
		const char *data;
	} known[] = {
		{ CG_MEMORY_MAX, "systemd.memory_max" },
		{ CG_PIDS_MAX, "systemd.tasks_max" },
		{ CG_CPU_WEIGHT, "systemd.cpu_weight" },
		{ CG_IO_WEIGHT, "systemd.io_weight" },
	};
	char *v;

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		int l = known[i].limit;

		if (!p->cg_set[l])
			continue;
		if (p->cg[l] == UINT64_MAX)
			v = strdup("infinity");
		else if (asprintf(&v, "%llu", (unsigned long long)p->cg[l]) < 0)
			v = NULL;
		if (!v || pam_set_data(pamh, known[i].data, v, free_string) !=
				  PAM_SUCCESS) {
			free(v);
			return jerr_set(e, "cannot hand %s to pam_systemd",
					cglimit_cg[l].name);
		}
		p->cg_set[l] = false;
	}
	if (p->max_time) {
		if (asprintf(&v, "%u", p->max_time) < 0)
			return jerr_set(e, "out of memory");
		if (pam_set_data(pamh, "systemd.runtime_max_sec", v,
				 free_string) != PAM_SUCCESS) {
			free(v);
			return jerr_set(e, "cannot hand max_time to "
					   "pam_systemd");
		}
	}
	return 0;
}

/* The user's one jail (jail = "user"): the session joins it (it makes
 * it if there is none), and keeps its connection to the jail's warden
 * while it lasts: a login. */
static int join_user_jail(pam_handle_t *pamh, int flags, struct policy *po,
			  struct hold *h, struct jerr *e)
{
	struct userjail u;
	int r;

	if (userjail_join(&u, &po->plan, &po->settings, e) < 0)
		return -1;
	h->login = u.sock;
	u.sock = -1;
	r = userjail_enter(&u, e);
	if (r == 0 && u.info.changed && !(flags & PAM_SILENT))
		pam_info(pamh, "jailsh: %s", USERJAIL_CHANGED);
	if (r == 0)
		say(pamh, LOG_INFO,
		    "session of %s joins the user jail (init "
		    "%d, %s)",
		    po->id.name, (int)u.info.init,
		    u.made ? "made now" : "running");
	userjail_close(&u);
	return r < 0 ? -1 : hold_seal(&po->plan, e);
}

/* The jail held for the session, with its cgroup if it gets one; the
 * calling process joins both. */
static int enter_held_jail(pam_handle_t *pamh, int flags, const struct args *a,
			   struct policy *po, struct hold *h, struct jerr *e)
{
	if (a->systemd_limits && !po->settings.cgroup_parent &&
	    hand_to_systemd(pamh, &po->profile, e) < 0)
		return -1;
	po->plan.cgroup = po->settings.cgroup_parent != NULL;
	if (po->profile.user_jail)
		return join_user_jail(pamh, flags, po, h, e);
	if (hold_start(h, &po->plan, &po->settings, e) < 0 ||
	    hold_join(h, &po->plan, e) < 0)
		return -1;
	if (h->warden.cg.skipped[0])
		pam_syslog(pamh, LOG_INFO, "optional limits not applied: %s",
			   h->warden.cg.skipped);
	return 0;
}

PAM_EXTERN int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc,
				   const char **argv)
{
	struct policy po = { 0 };
	const void *item = NULL;
	const char *user;
	char landlock[160];
	struct jerr e = { .msg = "" };
	struct hold *h;
	struct args a;
	int r;

	if (parse_args(pamh, argc, argv, &a) < 0)
		return PAM_SESSION_ERR;
	if (pam_get_item(pamh, PAM_USER, &item) != PAM_SUCCESS || !item) {
		refuse_session(pamh, flags, NULL, "no user name");
		return PAM_SESSION_ERR;
	}
	user = item;
	r = load(pamh, &a, user, &po, &e);
	if (r != PAM_SUCCESS) {
		if (r == PAM_SESSION_ERR)
			refuse_session(pamh, flags, user, e.msg);
		policy_free(&po);
		return r;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		refuse_session(pamh, flags, user, "out of memory");
		policy_free(&po);
		return PAM_SESSION_ERR;
	}
	hold_init(h);
	if (enter_held_jail(pamh, flags, &a, &po, h, &e) < 0 ||
	    set_env(pamh, &po.plan, &e) < 0 ||
	    pam_set_data(pamh, DATA_NAME, h, cleanup) != PAM_SUCCESS) {
		if (!e.msg[0])
			jerr_set(&e, "cannot keep the session's data");
		refuse_session(pamh, flags, user, e.msg);
		hold_end(h);
		free(h);
		policy_free(&po);
		return PAM_SESSION_ERR;
	}
	scope_describe(landlock, sizeof(landlock));
	say(pamh, LOG_INFO,
	    "session jailed: user %s (uid %u), profile %s; "
	    "landlock: %s",
	    user, po.id.uid, po.profile.file, landlock);
	policy_free(&po);
	return PAM_SUCCESS;
}

PAM_EXTERN int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc,
				    const char **argv)
{
	const void *data = NULL;
	struct args a;

	(void)flags;
	if (parse_args(pamh, argc, argv, &a) < 0)
		return PAM_SESSION_ERR;
	if (pam_get_data(pamh, DATA_NAME, &data) != PAM_SUCCESS || !data)
		return PAM_IGNORE; /* this session was not jailed */
	/* the jail ends now; pam_end() frees what is left */
	hold_end((struct hold *)data);
	if (a.debug)
		pam_syslog(pamh, LOG_DEBUG, "session closed: jail ended");
	return PAM_SUCCESS;
}
