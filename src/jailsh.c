/* jailsh: a login shell that puts the session in a jail, then runs the
 * user's real shell there. Installed setuid root; the privilege is used
 * only for what root-owned profiles say, and dropped before anything of
 * the user's runs. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "commands.h"
#include "config.h"
#include "env.h"
#include "exit_status.h"
#include "jail.h"
#include "log.h"
#include "login.h"
#include "cgroup.h"
#include "conf_policy.h"
#include "scope.h"
#include "self.h"
#include "session.h"
#include "status.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: jailsh [--status-fd N] [-c COMMAND | "
		"SHELL-ARGUMENTS...]\n"
		"       jailsh run [OPTIONS] [--] COMMAND [ARG...]\n"
		"       jailsh build [OPTIONS] --rootfs DIR [--] COMMAND "
		"[ARG...]\n"
		"       jailsh enter [--] PID|NAME [COMMAND [ARG...]]\n"
		"       jailsh check\n"
		"       jailsh list\n"
		"       jailsh stop USER|PID\n"
		"       jailsh explain [USER]\n"
		"       jailsh audit [--json] [USER...]\n"
		"       jailsh --help | --version\n"
		"\n"
		"As a login shell, jailsh puts the session in the jail "
		"that the\n"
		"profiles in %s describe and runs the real shell there;\n"
		"any arguments are passed on to that shell. See jailsh(8).\n",
		JAILSH_CONFDIR);
}

/* argv for the real shell: "-bash" for a login shell, "bash" otherwise,
 * then the arguments jailsh got, unchanged; with none, the command sshd's
 * ForceCommand replaced, or else an interactive login shell. */
static char **shell_argv(const char *shell, int argc, char **argv,
			 const char *forced)
{
	const char *base = strrchr(shell, '/') ? strrchr(shell, '/') + 1 :
						 shell;
	int login = argc < 1 || argv[0][0] == '-';
	char **out = calloc(argc + 3, sizeof(char *));
	int n = 0;

	if (!out)
		return NULL;
	if (argc <= 1 && forced && forced[0]) {
		out[n++] = strdup(base);
		out[n++] = strdup("-c");
		out[n++] = strdup(forced);
	} else {
		if (argc <= 1)
			login = 1;
		if (asprintf(&out[n++], "%s%s", login ? "-" : "", base) < 0)
			out[0] = NULL;
		for (int i = 1; i < argc; i++)
			out[n++] = strdup(argv[i]);
	}
	for (int i = 0; i < n; i++)
		if (!out[i])
			return NULL; /* exits right after: no need to free */
	return out;
}

/* The shell's argv and environment. SSH_ORIGINAL_COMMAND is used up when
 * it becomes the command (under sshd's ForceCommand), so that a jailsh
 * run by that command does not run it again. */
static int shell_command(const struct plan *pl, int argc, char **argv,
			 char *const *caller, char ***sargv, char ***env)
{
	const char *forced = env_get(caller, "SSH_ORIGINAL_COMMAND");

	*env = env_build(pl, caller);
	*sargv = shell_argv(pl->shell, argc, argv, forced);
	if (!*env || !*sargv)
		return -1;
	if (argc <= 1 && forced && forced[0])
		env_drop(*env, "SSH_ORIGINAL_COMMAND");
	return 0;
}

/* Can the configuration be seen from in here? A jail may hide it, or
 * show it through a user namespace, where root's files are nobody's. */
static int config_visible(void)
{
	struct conf_dir d;
	struct jerr e;
	int seen = conf_dir_open(&d, JAILSH_CONFDIR, &e) == 0 && d.fd >= 0;

	conf_dir_close(&d);
	return seen;
}

/* The policy in a jail: the profile, read as the user. Where the
 * configuration cannot be seen, or only root may read it (EACCES), the
 * built-in default's rule for the shell (the login shell, unless that is
 * jailsh) decides: nothing here has privilege, the jail is built. Any
 * other error (a lookup, a read, a bad profile) refuses, as outside. */
static int in_place_policy(struct policy *po, struct jerr *e)
{
	struct identity id;

	if (config_visible()) {
		if (policy_load(po, JAILSH_CONFDIR, e) == 0)
			return 0;
		if (e->errnum != EACCES)
			return -1;
	}
	id = po->id;
	memset(&po->id, 0, sizeof(po->id));
	policy_free(po);
	po->id = id;
	return policy_load_builtin(po, e);
}

/* Inside a jail already (a nested shell, vim's :sh, tmux): no privilege
 * is left and none is needed; run the real shell in place. */
static int run_in_place(int argc, char **argv, struct inherited *in)
{
	struct policy po = { 0 };
	struct jerr e;
	char **sargv, **env;
	int err;

	if (identity_from_uid(getuid(), &po.id, &e) < 0 ||
	    in_place_policy(&po, &e) < 0) {
		log_refusal("%s", e.msg);
		policy_free(&po);
		return EXIT_FAILED;
	}
	if (shell_command(&po.plan, argc, argv, in->env, &sargv, &env) < 0) {
		log_refusal("out of memory");
		return EXIT_FAILED;
	}
	/* the profile's limits once more, as far as they only lower: under
	 * the PAM module, fsize was left to the shell (best effort) */
	jail_limits(&po.profile, -1, &e);
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(&in->ignored, sig) == 1)
			signal(sig, SIG_IGN);
	sigprocmask(SIG_SETMASK, &in->mask, NULL);
	umask(in->umask);
	execve(po.plan.shell, sargv, env);
	err = errno; /* before logging can change it */
	log_refusal("%s: %s", po.plan.shell, strerror(err));
	return exit_status_of_exec(err);
}

/* The JSON object for --status-fd, if it was asked for. */
static void write_status(const struct inherited *in, const struct status *st)
{
	char json[16384];

	if (in->status_fd < 0)
		return;
	status_json(st, json, sizeof(json) - 1);
	strcat(json, "\n");
	log_write(in->status_fd, json);
}

/* Refused before the session started: said on stderr, syslog and, if
 * asked for, the status descriptor. */
static int refuse_session(const struct inherited *in, struct policy *po,
			  int code, const char *fmt, ...)
{
	struct status st;
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_refusal("%s", msg);
	status_refused(&st, code, msg);
	st.user = po->id.name;
	write_status(in, &st);
	return code;
}

/* The end: one line for the user if a limit ended the session, one for
 * syslog, the JSON object if asked for. The jail is gone by now: these
 * writes, to descriptors the user controls, hold nothing up but this
 * process, and only for a moment (log_write). */
static void report_end(const struct inherited *in, const struct policy *po,
		       const struct report *end, const struct cgroup_usage *u,
		       int code, long long started)
{
	struct status st;
	char line[512];

	status_of_session(&st, &po->profile, end, code, u,
			  clock_ms() - started);
	st.user = po->id.name;
	if (status_user_line(&st, line, sizeof(line)))
		log_error("%s", line);
	status_log_line(&st, line, sizeof(line));
	log_info("user %s (uid %u): %s", po->id.name, po->id.uid, line);
	write_status(in, &st);
}

/* sshd's forwarded agent, if the profile lets it in; otherwise the
 * variable would only point at nothing. */
static int bring_agent(struct plan *pl, char **env, struct jerr *e)
{
	int agent = plan_add_agent(pl, env_get(env, "SSH_AUTH_SOCK"), e);

	if (agent == 0)
		env_drop(env, "SSH_AUTH_SOCK");
	return agent < 0 ? -1 : 0;
}

static void log_started(const struct policy *po, const struct session *s,
			const struct shell_start *sh)
{
	const struct cgroup_session *cg = &s->warden.cg;
	char landlock[160];

	if (cg->skipped[0])
		log_info("user %s: optional limits not applied: %s",
			 po->id.name, cg->skipped);
	scope_describe(landlock, sizeof(landlock));
	log_info("session started: user %s (uid %u), profile %s, shell %s, "
		 "%s, pid %d%s%s; landlock: %s",
		 po->id.name, po->id.uid, po->profile.file, po->plan.shell,
		 sh->argv[1] ? "command" : "interactive", (int)getpid(),
		 cg->dir >= 0 ? ", cgroup " : "", cg->dir >= 0 ? cg->path : "",
		 landlock);
}

/* Until the shell ends; then what it used, read while the jail still
 * holds its cgroup, and the end, written once the jail is gone. */
static int wait_and_report(const struct inherited *in, const struct policy *po,
			   struct session *s, long long started)
{
	struct cgroup_usage u;
	struct jerr e;
	int code = session_wait(s, &e);

	cgroup_usage(&s->warden.cg, &u);
	session_close(s);
	if (e.msg[0])
		log_refusal("%s", e.msg);
	report_end(in, po, &s->end, &u, code, started);
	return code;
}

/* A login into the user's one jail (jail = "user"): joined, or made by
 * this login; the shell runs as this process's child there. */
static int run_login(const struct inherited *in, struct policy *po,
		     const struct shell_start *sh, long long started)
{
	struct cgroup_usage u;
	struct login l;
	struct jerr e;
	int code;

	if (login_start(&l, &po->plan, &po->id, &po->settings, sh, &e) < 0) {
		code = refuse_session(in, po, l.code, "user %s: %s",
				      po->id.name, e.msg);
		login_close(&l);
		return code;
	}
	if (l.u.info.changed)
		log_error("%s", USERJAIL_CHANGED);
	log_info("login of user %s (uid %u) in the user jail (init %d), "
		 "%s: shell %s, %s, pid %d",
		 po->id.name, po->id.uid, (int)l.u.info.init,
		 l.u.made ? "made now" : "joined", po->plan.shell,
		 sh->argv[1] ? "command" : "interactive", (int)getpid());
	code = login_wait(&l, &e);
	cgroup_usage_at(l.u.cgroup, &u);
	login_close(&l);
	if (e.msg[0])
		log_refusal("%s", e.msg);
	report_end(in, po, &l.end, &u, code, started);
	return code;
}

static int run_session(int argc, char **argv, struct inherited *in)
{
	struct policy po = { 0 };
	struct shell_start sh = { 0 };
	char **sargv = NULL, **env = NULL;
	struct session s;
	struct jerr e;
	int code = EXIT_FAILED;
	long long started = clock_ms();

	if (in->status_error[0]) {
		code = refuse_session(in, &po, EXIT_FAILED, "%s",
				      in->status_error);
		goto out;
	}
	if (identity_from_uid(getuid(), &po.id, &e) < 0 ||
	    policy_load(&po, JAILSH_CONFDIR, &e) < 0 ||
	    policy_check_start(&po, &e) < 0) {
		code = refuse_session(in, &po, EXIT_FAILED, "%s", e.msg);
		goto out;
	}
	if (shell_command(&po.plan, argc, argv, in->env, &sargv, &env) < 0) {
		code = refuse_session(in, &po, EXIT_FAILED, "out of memory");
		goto out;
	}
	if (bring_agent(&po.plan, env, &e) < 0) {
		code = refuse_session(in, &po, EXIT_FAILED, "%s", e.msg);
		goto out;
	}
	sh.path = po.plan.shell;
	sh.argv = sargv;
	sh.envp = env;
	inherit_shell_start(in, &sh);
	/* a login shell starts at home, a command where it was started */
	if (sh.argv[0][0] == '-')
		sh.cwd = NULL;

	po.plan.cgroup = po.settings.cgroup_parent != NULL;
	if (po.profile.user_jail) {
		/* the same plan as a login through the PAM module makes */
		code = plan_add_login_records(&po.plan, &e) < 0 ?
			       refuse_session(in, &po, EXIT_FAILED, "%s",
					      e.msg) :
			       run_login(in, &po, &sh, started);
		goto out;
	}
	if (session_start(&s, &po.plan, &po.id, &sh, &po.settings, &e) < 0) {
		code = refuse_session(in, &po, s.code, "user %s: %s",
				      po.id.name, e.msg);
		goto out;
	}
	log_started(&po, &s, &sh);
	code = wait_and_report(in, &po, &s, started);
out:
	env_free(sargv); /* a NULL-terminated array of strings, as env is */
	env_free(env);
	policy_free(&po);
	return code;
}

/* Is this the caller's login shell, outside any jail? Then whatever
 * started it (su USER -- ARGS, runuser, anything that runs a login shell
 * with arguments) chose its arguments, and none of them may choose a
 * subcommand over the profile's jail. Root is never jailed. */
static int login_shell_outside(struct jerr *e)
{
	if (getuid() == 0 || jail_inside())
		return 0;
	return self_is_login_shell(getuid(), e);
}

static int dispatch(int argc, char **argv, struct inherited *in)
{
	const char *cmd = argc > 1 && argv[0][0] != '-' ? argv[1] : "";
	struct jerr e;
	int r;

	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
		printf("jailsh %s\n", JAILSH_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "check") || !strcmp(cmd, "run") ||
	    !strcmp(cmd, "build") || !strcmp(cmd, "enter") ||
	    !strcmp(cmd, "explain") || !strcmp(cmd, "audit") ||
	    !strcmp(cmd, "list") || !strcmp(cmd, "stop")) {
		r = login_shell_outside(&e);
		if (r < 0) {
			log_refusal("%s: cannot tell whether jailsh is the "
				    "login shell: %s",
				    cmd, e.msg);
			return EXIT_FAILED;
		}
		if (r > 0)
			cmd = ""; /* the real shell's arguments, in the jail */
	}
	if (!strcmp(cmd, "check"))
		return cmd_check(argc - 1, argv + 1);
	if (!strcmp(cmd, "run") || !strcmp(cmd, "build"))
		return cmd_run(argc - 1, argv + 1, in);
	if (!strcmp(cmd, "enter"))
		return cmd_enter(argc - 1, argv + 1, in);
	if (!strcmp(cmd, "explain"))
		return cmd_explain(argc - 1, argv + 1);
	if (!strcmp(cmd, "audit"))
		return cmd_audit(argc - 1, argv + 1);
	if (!strcmp(cmd, "list"))
		return cmd_list(argc - 1, argv + 1);
	if (!strcmp(cmd, "stop"))
		return cmd_stop(argc - 1, argv + 1);

	if (geteuid() != 0) {
		if (jail_inside())
			return run_in_place(argc, argv, in);
		log_refusal("not running as root: jailsh must be installed "
			    "setuid root (chown root:root; chmod 4755) on a "
			    "file system mounted without nosuid");
		return EXIT_FAILED;
	}
	return run_session(argc, argv, in);
}

int main(int argc, char **argv)
{
	static char name[] = "jailsh";
	static char *no_args[] = { name, NULL };
	struct inherited in;
	int code;

	inherit_take(&argc, argv, &in);
	log_open();
	if (argc < 1) { /* execve with an empty argv: as no arguments */
		argc = 1;
		argv = no_args;
	}
	code = dispatch(argc, argv, &in);
	free(in.env);
	return code;
}
