/* jailsh enter: a command in a running jail of the caller's.
 *
 * The target is named by a pid the caller chose, so nothing about it is
 * trusted: it is pinned with a pidfd before /proc is read, it must be the
 * caller's in every uid, and it must be jailed. What the joined command
 * gets is decided before any namespace is joined (identity, groups,
 * profile: read on the host, never in the target's mount namespace), and
 * it is sealed (no_new_privs, no capabilities, the filter) before it runs
 * anything. A jail in a user namespace (jailsh run) is joined with the
 * caller's own rights only; privilege is used only to join a jail that
 * root made (a login session), and gives nothing the session had not:
 * the command runs in the session's cgroup too, under its limits. */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "commands.h"
#include "config.h"
#include "env.h"
#include "exit_status.h"
#include "fds.h"
#include "filter.h"
#include "groups.h"
#include "jail.h"
#include "log.h"
#include "conf_policy.h"
#include "priv.h"
#include "target.h"

/* The init of the caller's jail started with "--name NAME": its command
 * line is jailsh's, and it is pid 1 of its namespace. */
static pid_t find_by_name(const char *name, uid_t uid)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	pid_t found = 0;

	while (d && (de = readdir(d))) {
		char path[300], buf[8192], status[4096], *p, *end;
		int proc, hit = 0;
		ssize_t n;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s", de->d_name);
		proc = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (proc < 0)
			continue;
		if (target_owned_by(proc, uid) &&
		    fds_read_at(proc, "status", status, sizeof(status)) == 0 &&
		    (p = strstr(status, "\nNSpid:"))) {
			/* the last field is the pid in its own namespace */
			end = strchr(p + 1, '\n');
			if (end)
				*end = '\0';
			hit = strrchr(p, '\t') &&
			      !strcmp(strrchr(p, '\t'), "\t1") &&
			      strchr(p + 8, '\t');
		}
		n = -1;
		if (hit) {
			int fd = openat(proc, "cmdline", O_RDONLY | O_CLOEXEC);

			n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
			fds_close(&fd);
		}
		close(proc);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		/* argv: ... "run" ... "--name" NAME ... */
		for (char *a = buf; a < buf + n; a += strlen(a) + 1)
			if (!strcmp(a, "--name") &&
			    a + strlen(a) + 1 < buf + n &&
			    !strcmp(a + strlen(a) + 1, name)) {
				found = found ? -1 : atoi(de->d_name);
				break;
			}
	}
	if (d)
		closedir(d);
	return found;
}

static int refuse_target(const char *what, const char *why)
{
	log_refusal("enter %s: %s", what, why);
	return -1;
}

/* Pins the target, named by pid or by name, and checks it: the
 * caller's, alive, jailed (target.h). */
static int pin_target(const char *arg, uid_t uid, struct target *t)
{
	struct jerr e;
	char *end;
	pid_t pid;
	long v;

	target_init(t);
	errno = 0;
	v = strtol(arg, &end, 10);
	if (!*end && arg[0] && !errno && v > 0 && v < (1L << 22)) {
		pid = (pid_t)v;
	} else {
		pid = find_by_name(arg, uid);
		if (pid < 0)
			return refuse_target(arg,
					     "more than one of your jails has "
					     "that name; give a pid");
		if (pid == 0)
			return refuse_target(arg,
					     "none of your jails has that name "
					     "(jailsh run --name)");
	}
	if (target_pin(t, pid, -1, uid, &e) < 0)
		return refuse_target(arg, e.msg);
	return 0;
}

#define SELF_CGROUP "/proc/self/cgroup"

/* PATH of "0::PATH", the cgroup v2 line of FILE at DIR (/proc/PID and
 * "cgroup"); -1 when there is none. */
static int read_cgroup(int dir, const char *file, char *path, size_t size)
{
	char buf[8192], *p, *end;

	if (fds_read_at(dir, file, buf, sizeof(buf)) < 0)
		return -1;
	p = !strncmp(buf, "0::", 3) ? buf : strstr(buf, "\n0::");
	if (!p)
		return -1;
	p += p == buf ? 3 : 4;
	end = strchr(p, '\n');
	if (end)
		*end = '\0';
	if (p[0] != '/' || strlen(p) >= size)
		return -1;
	snprintf(path, size, "%s", p);
	return 0;
}

/* NAME when PATH ends in "/user-UID/NAME", NAME a session's (session-W)
 * or a user jail's cgroup (jail-W/init, jail-W/login-N); else NULL. */
static const char *session_name(const char *path, uid_t uid)
{
	const char *name = strrchr(path, '/'), *user, *leaf;
	char want[32];
	size_t n;

	if (!name || name == path)
		return NULL;
	leaf = name + 1;
	/* a user's jail: jail-W/init or jail-W/login-N */
	if (!strcmp(leaf, "init") || !strncmp(leaf, "login-", 6)) {
		for (name--; name > path && *name != '/'; name--)
			;
		if (strncmp(name + 1, "jail-", 5) || name[6] == '/')
			return NULL;
	} else if (strncmp(leaf, "session-", 8) || !leaf[8]) {
		return NULL;
	}
	for (user = name - 1; user > path && *user != '/'; user--)
		;
	n = snprintf(want, sizeof(want), "/user-%u/", (unsigned)uid);
	return strncmp(user, want, n) || user + n != name + 1 ? NULL : name + 1;
}

static int not_session(const char *arg, const char *cgroup, const char *parent)
{
	log_refusal("enter %s: its cgroup %s is not a session cgroup of yours "
		    "under cgroup_parent %s (jailsh.conf)",
		    arg, cgroup, parent);
	return -1;
}

/* A jail root made with a cgroup (cgroup_parent) is joined only in it:
 * this process moves into the cgroup the kernel names for the pinned
 * target, which must be a session cgroup of the caller's under
 * cgroup_parent, before it joins anything; then the kernel must name
 * the same cgroup for both. A target with a cgroup namespace of its own
 * has a cgroup: without cgroup_parent it is refused. */
static int join_cgroup(const struct target *t, const struct policy *po,
		       const char *arg)
{
	const char *parent = po->settings.cgroup_parent, *name;
	char theirs[4096], again[4096], mine[4096];
	struct jerr e = { .msg = "" };
	int dir, procs, ok;

	if (!parent && !(t->differ & CLONE_NEWCGROUP))
		return 0; /* a session without a cgroup: nothing to join */
	if (read_cgroup(t->proc, "cgroup", theirs, sizeof(theirs)) < 0 ||
	    syscall(SYS_pidfd_send_signal, t->pidfd, 0, NULL, 0) < 0)
		return refuse_target(arg, "its cgroup cannot be read");
	if (!parent)
		return refuse_target(
			arg, "it has a cgroup of its own, and jailsh.conf "
			     "sets no cgroup_parent: it cannot be joined");
	name = session_name(theirs, po->id.uid);
	if (!name)
		return not_session(arg, theirs, parent);
	dir = cgroup_open_session(&po->settings, po->id.uid, name, &e);
	if (dir >= 0) {
		procs = openat(dir, "cgroup.procs", O_WRONLY | O_CLOEXEC);
		ok = procs >= 0 && write(procs, "0", 1) == 1;
		if (!ok)
			jerr_sys(&e, errno, "move into %s/user-%u/%s", parent,
				 (unsigned)po->id.uid, name);
		fds_close(&procs);
		close(dir);
		if (!ok)
			dir = -1;
	}
	if (dir < 0) {
		log_refusal("enter %s: its cgroup %s cannot be joined: %s", arg,
			    theirs, e.msg);
		return -1;
	}
	/* the kernel's word for where this process is now (the same
	 * PARENT/user-UID/NAME as the target's only if the target's is
	 * under cgroup_parent), and for where the target still is */
	if (read_cgroup(AT_FDCWD, SELF_CGROUP, mine, sizeof(mine)) < 0 ||
	    read_cgroup(t->proc, "cgroup", again, sizeof(again)) < 0 ||
	    syscall(SYS_pidfd_send_signal, t->pidfd, 0, NULL, 0) < 0)
		return refuse_target(arg, "its cgroup cannot be read");
	if (strcmp(again, theirs))
		return refuse_target(arg,
				     "it moved to another cgroup meanwhile");
	if (strcmp(mine, theirs))
		return not_session(arg, theirs, parent);
	return 0;
}

/* The command and its argv: the given one, or the caller's shell. */
static char **command(int argc, char **argv, int first, char *const *env,
		      char **shell_argv)
{
	const char *shell = "/bin/sh";

	if (first < argc)
		return argv + first;
	for (char *const *v = env; *v; v++)
		if (!strncmp(*v, "SHELL=", 6) && (*v)[6] == '/')
			shell = *v + 6;
	shell_argv[0] = (char *)shell;
	shell_argv[1] = NULL;
	return shell_argv;
}

/* Runs CMD; returns the exit status to use when it cannot. */
static int exec_in(char **cmd, char *const *env)
{
	int err = env_exec(cmd[0], cmd, env);

	log_error("%s: %s", cmd[0], strerror(err));
	return exit_status_of_exec(err);
}

/* Into the target's namespaces, and sealed. POLICY is the caller's, for a
 * jail root made; NULL for one in a user namespace. */
static int join_and_seal(const struct target *t, const struct policy *po,
			 struct jerr *e)
{
	struct profile dflt;
	int r;

	if (target_join(t, e) < 0 || priv_new_keyring(e) < 0)
		return -1;
	if (po) {
		if (jail_limits(&po->profile, -1, e) < 0 ||
		    priv_drop(&po->id, e) < 0)
			return -1;
		return filter_install(&po->profile, e);
	}
	/* in the jail's user namespace every capability is there: none
	 * stays, and the filter of jailsh run comes on */
	if (priv_drop_caps(e) < 0 ||
	    profile_parse("(jailsh run)", "", &dflt, e) < 0)
		return -1;
	r = filter_install(&dflt, e);
	profile_free(&dflt);
	return r;
}

static int wait_for(pid_t child)
{
	int status;

	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return EXIT_FAILED;
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) :
				     WEXITSTATUS(status);
}

/* A jail in a user namespace is the caller's own making: joined with
 * nothing but the caller's rights. One that root made is joined with
 * privilege, which jailsh has only when installed setuid root and run
 * outside any jail. Returns 1 to join with privilege, 0 without, -1 when
 * refused. */
static int choose_rights(const struct target *t, const char *arg, uid_t uid)
{
	int privileged = !(t->differ & CLONE_NEWUSER);
	gid_t g = getgid();

	if (privileged && geteuid() == 0) {
		if (!target_owned_by_host(t))
			return refuse_target(arg,
					     "not a jail that root made, "
					     "nor one in a user namespace of "
					     "yours");
		return 1;
	}
	if (setresgid(g, g, g) < 0 || setresuid(uid, uid, uid) < 0) {
		log_refusal("enter: cannot become uid %u", uid);
		return -1;
	}
	if (privileged)
		return refuse_target(arg,
				     "a jail that root made can only be "
				     "entered with jailsh installed setuid "
				     "root, from outside any jail");
	return 0;
}

/* What the caller's login session gets, for a jail that root made. */
static int load_caller_policy(uid_t uid, struct policy *po, struct jerr *e)
{
	if (identity_from_uid(uid, &po->id, e) < 0 ||
	    identity_load_groups(&po->id, e) < 0 ||
	    policy_load(po, JAILSH_CONFDIR, e) < 0)
		return -1;
	return groups_drop(&po->id, &po->profile, e);
}

/* The pid namespace is the children's: the command runs in one. */
static int run_child(char **cmd, const struct inherited *in)
{
	pid_t child = fork();

	if (child < 0) {
		log_refusal("enter: fork: %s", strerror(errno));
		return EXIT_FAILED;
	}
	if (child == 0) {
		sigprocmask(SIG_SETMASK, &in->mask, NULL);
		umask(in->umask);
		_exit(exec_in(cmd, in->env));
	}
	return wait_for(child);
}

int cmd_enter(int argc, char **argv, const struct inherited *in)
{
	struct policy po = { 0 };
	struct target t;
	struct jerr e = { .msg = "" };
	char *shell_argv[2], **cmd;
	int first = 1, rest, privileged, code = EXIT_FAILED;
	uid_t uid = getuid();

	if (first < argc && !strcmp(argv[first], "--"))
		first++;
	if (first >= argc) {
		log_refusal("enter: which jail? give a pid or a name "
			    "(see jailsh(8))");
		return EXIT_FAILED;
	}
	if (pin_target(argv[first], uid, &t) < 0)
		goto out;
	/* "enter NAME -- CMD" as well as "enter -- NAME CMD" */
	rest = first + 1;
	if (rest < argc && !strcmp(argv[rest], "--"))
		rest++;
	cmd = command(argc, argv, rest, in->env, shell_argv);
	privileged = choose_rights(&t, argv[first], uid);
	if (privileged < 0)
		goto out;
	if (privileged && load_caller_policy(uid, &po, &e) < 0) {
		log_refusal("enter: %s", e.msg);
		goto out;
	}
	/* into the session's cgroup first, while still root: never the
	 * command outside it */
	if (privileged && join_cgroup(&t, &po, argv[first]) < 0)
		goto out;
	if (join_and_seal(&t, privileged ? &po : NULL, &e) < 0) {
		log_refusal("enter %s: %s", argv[first], e.msg);
		goto out;
	}
	if (chdir(t.cwd[0] ? t.cwd : "/") < 0 && chdir("/") < 0) {
		log_refusal("enter %s: no working directory", argv[first]);
		goto out;
	}
	code = run_child(cmd, in);
out:
	target_unpin(&t);
	policy_free(&po);
	return code;
}
