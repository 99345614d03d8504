#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "clock.h"
#include "env.h"
#include "exit_status.h"
#include "fds.h"
#include "filter.h"
#include "init.h"
#include "jail.h"
#include "priv.h"
#include "report.h"
#include "runmap.h"
#include "scope.h"

#define MAX_GROUPS 65536

void init_forwarded_signals(sigset_t *set)
{
	static const int sigs[] = { SIGHUP,  SIGINT,  SIGQUIT, SIGTERM,
				    SIGUSR1, SIGUSR2, SIGCONT };

	sigemptyset(set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(set, sigs[i]);
}

/* In the shell's process (pid 2), already without privilege. */
void init_exec_shell(const struct plan *pl, const struct shell_start *sh,
		     int report)
{
	char msg[JERR_MAX];
	int err;

	/* init runs with default dispositions; give back what the caller
	 * ignored (nohup) */
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(&sh->ignored, sig) == 1)
			signal(sig, SIG_IGN);
	if (sh->foreground) {
		/* SIGTTOU is still blocked here, as tcsetpgrp() needs */
		setpgid(0, 0);
		tcsetpgrp(STDIN_FILENO, getpid());
	}
	sigprocmask(SIG_SETMASK, &sh->mask, NULL);
	umask(sh->umask);
	/* a new chdir: the old working directory is the host's, under
	 * whatever the jail mounted on top of it */
	if (!sh->cwd || chdir(sh->cwd) < 0)
		if ((pl->userns || chdir(pl->id->home) < 0) && chdir("/") < 0)
			_exit(EXIT_FAILED);
	if (sh->search_path)
		err = env_exec(sh->path, sh->argv, sh->envp);
	else
		err = execve(sh->path, sh->argv, sh->envp) < 0 ? errno : 0;
	snprintf(msg, sizeof(msg), "%s: %s", sh->path, strerror(err));
	report_send(report, REPORT_ERROR, exit_status_of_exec(err), msg);
	_exit(exit_status_of_exec(err));
}

static int io_full(int fd, void *buf, size_t len, int out)
{
	char *p = buf;

	while (len) {
		ssize_t n = out ? write(fd, p, len) : read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

int init_send_groups(int fd, const struct identity *id)
{
	int n = id->ngroups, nd = id->ndropped;

	if (io_full(fd, &n, sizeof(n), 1) < 0 ||
	    io_full(fd, id->groups, sizeof(gid_t) * n, 1) < 0 ||
	    io_full(fd, &nd, sizeof(nd), 1) < 0 ||
	    io_full(fd, id->dropped, sizeof(gid_t) * nd, 1) < 0)
		return -1;
	return 0;
}

/* A count, then that many gids, from FD; NULL when they do not come. */
static gid_t *receive_gids(int fd, int *n)
{
	gid_t *list;

	if (io_full(fd, n, sizeof(*n), 0) < 0 || *n < 0 || *n > MAX_GROUPS)
		return NULL;
	list = calloc(*n ? *n : 1, sizeof(gid_t));
	if (list && io_full(fd, list, sizeof(gid_t) * *n, 0) < 0) {
		free(list);
		return NULL;
	}
	return list;
}

/* The drop, once the groups are known: from the process outside, which
 * looked them up while the jail was being built, with those drop_groups
 * took out, for the read-back. */
static int drop_privileges(const struct plan *pl, int groups, struct jerr *e)
{
	struct identity id = *pl->id;
	gid_t *list, *dropped = NULL;
	int n, nd = 0, r;

	if (pl->userns)
		return priv_drop_caps(e);
	if (groups < 0)
		return priv_drop(pl->id, e);
	list = receive_gids(groups, &n);
	if (list)
		dropped = receive_gids(groups, &nd);
	if (!list || !dropped) {
		free(list);
		return jerr_set(e, "the groups of %s did not arrive", id.name);
	}
	id.groups = list;
	id.ngroups = n;
	id.dropped = dropped;
	id.ndropped = nd;
	id.groups_known = 1;
	r = priv_drop(&id, e);
	free(list);
	free(dropped);
	return r;
}

/* The shell's end, with what everything init has reaped used. */
/* The shell's end: its wait status, and its own cpu time (not its
 * children's), which is what its cpu rlimit counts. */
struct ending {
	int status; /* -1 while it runs */
	unsigned long long cpu_usec;
};

/* The cpu time of PID, a zombie not reaped yet, from /proc/PID/stat. */
static unsigned long long own_cpu_usec(pid_t pid)
{
	unsigned long long ut = 0, st = 0;
	char path[64], buf[1024], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (fds_read_at(AT_FDCWD, path, buf, sizeof(buf)) < 0)
		return 0;
	/* after the name: state, 5 numbers, flags, 4 fault counts, then
	 * utime and stime in clock ticks */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2,
			 "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
			 "%llu %llu",
			 &ut, &st) != 2)
		return 0;
	return (ut + st) * 1000000ULL /
	       (unsigned long long)sysconf(_SC_CLK_TCK);
}

static void report_exit(int report, const struct ending *end, int timed_out)
{
	struct report r = { .type = REPORT_EXIT,
			    .code = end->status,
			    .timed_out = timed_out,
			    .shell_cpu_usec = end->cpu_usec };
	struct rusage ru;

	if (getrusage(RUSAGE_CHILDREN, &ru) == 0) {
		r.cpu_usec =
			(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000ULL +
			ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
		r.maxrss_kib = ru.ru_maxrss;
	}
	report_write(report, &r);
}

/* In a new user namespace: the user is themself in it, and nobody else
 * exists there (no setgroups, which could drop a group that denies). */
static int map_self(const struct identity *id, struct jerr *e)
{
	char map[64];

	snprintf(map, sizeof(map), "%u %u 1\n", id->uid, id->uid);
	if (fds_write_at(AT_FDCWD, "/proc/self/uid_map", map) < 0)
		return jerr_sys(e, errno, "map uid %u in the user namespace",
				id->uid);
	snprintf(map, sizeof(map), "%u %u 1\n", id->gid, id->gid);
	if (fds_write_at(AT_FDCWD, "/proc/self/setgroups", "deny") < 0 ||
	    fds_write_at(AT_FDCWD, "/proc/self/gid_map", map) < 0)
		return jerr_sys(e, errno, "map gid %u in the user namespace",
				id->gid);
	return 0;
}

/* Reaps every child that ended. Returns 1 once the session is over: the
 * shell has ended, and, after max_time's SIGTERM, everything else too
 * (or the grace is over: LAST), so that jobs get their time to clean
 * up. The shell's status goes out on REPORT then. */
static int reap(pid_t shell, int report, int timed_out, int last,
		struct ending *end)
{
	siginfo_t si = { 0 };
	int st;
	pid_t pid;

	/* a look at the shell before it is reaped: its own cpu time */
	if (shell > 0 && end->status < 0 &&
	    waitid(P_PID, shell, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
	    si.si_pid == shell)
		end->cpu_usec = own_cpu_usec(shell);
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
		if (shell > 0 && pid == shell)
			end->status = st;
	if (shell <= 0 || end->status < 0)
		return 0;
	if (timed_out && !last && !(pid < 0 && errno == ECHILD))
		return 0;
	report_exit(report, end, timed_out);
	return 1;
}

/* Until the process outside has read the session's cgroup (or is gone):
 * everything left in the jail keeps the cgroup, so that what it used is
 * still there to read. It only ever waits for the outside to hang up. */
static void await_goodbye(int lifeline)
{
	struct pollfd p = { .fd = lifeline, .events = POLLIN };

	while (poll(&p, 1, -1) < 0 && errno == EINTR)
		;
}

/* network = "private": the user's code waits for the jail's network,
 * which the stack's starter (the warden, or jailsh run) says is up with
 * one byte on STARTED. It hangs up instead when the stack failed. */
static int await_network(const struct plan *pl, int started, struct jerr *e)
{
	char byte;
	ssize_t n;

	if (pl->profile->net != NET_PRIVATE)
		return 0;
	if (started < 0)
		return jerr_set(e, "network = \"private\" has no network "
				   "stack here");
	do
		n = read(started, &byte, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		return jerr_set(e, "the jail's network did not come up");
	return 0;
}

/* Init's life once the shell runs (SHELL is 0 for a jail that is only
 * held): reaps, passes signals on, enforces max_time, and ends when the
 * shell has, or when the process outside is gone. */
static int watch(const struct plan *pl, pid_t shell, int sfd, int report,
		 int lifeline)
{
	struct signalfd_siginfo si;
	struct pollfd fds[2];
	struct ending end = { .status = -1 };
	long long deadline = -1;
	int timed_out = 0;

	/* a user's jail has no end of its own: each login's max_time is
	 * kept by its warden */
	if (pl->profile->max_time && !pl->profile->user_jail)
		deadline = clock_ms() + pl->profile->max_time * 1000LL;

	fds[0] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	fds[1] = (struct pollfd){ .fd = lifeline, .events = POLLIN };
	for (;;) {
		int n;

		n = poll(fds, 2, clock_left_ms(deadline));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (n == 0) {
			/* max_time: first a polite end, then no choice */
			if (timed_out && !shell)
				break;
			if (timed_out && reap(shell, report, 1, 1, &end)) {
				await_goodbye(lifeline);
				break;
			}
			kill(-1, timed_out ? SIGKILL : SIGTERM);
			deadline = clock_ms() + INIT_MAX_TIME_GRACE_MS;
			timed_out = 1;
			continue;
		}
		if (fds[1].revents) {
			/* the process outside is gone: so is the session */
			kill(-1, SIGKILL);
			return 0;
		}
		if (read(sfd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo == SIGCHLD) {
			if (reap(shell, report, timed_out, 0, &end)) {
				await_goodbye(lifeline);
				break;
			}
		} else if (shell > 0 && end.status < 0 &&
			   si.ssi_signo != SIGTTOU) {
			kill(shell, si.ssi_signo);
		} else if (!shell &&
			   (si.ssi_signo == SIGTERM || si.ssi_signo == SIGHUP ||
			    si.ssi_signo == SIGINT)) {
			break; /* the holder is told to end the session */
		}
	}
	kill(-1, SIGKILL);
	return 0;
}

int init_run(const struct plan *pl, const struct shell_start *sh, int report,
	     int lifeline, int groups, int started, int service)
{
	struct jerr e = { .msg = "" };
	struct pollfd fds[1];
	sigset_t mask;
	pid_t shell = 0;
	int sfd;

	/* what ps shows for pid 1, also when it was forked from a service */
	prctl(PR_SET_NAME, "jailsh", 0, 0, 0);
	/* A pid 1 ignores every signal it has no handler for; blocked and
	 * read from a signalfd, they all arrive. SIGTTOU stays blocked so the
	 * shell's process can take the terminal. */
	init_forwarded_signals(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTTOU);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0) {
		jerr_sys(&e, errno, "signalfd");
		goto fail;
	}
	/* jailsh run: with containers = yes the map is written from
	 * outside (runmap.h), and SERVICE is where the socket comes when
	 * it is */
	if (pl->userns && pl->profile->containers &&
	    runmap_hello(service, &service, &e) < 0)
		goto fail;
	if (pl->userns && !pl->profile->containers && map_self(pl->id, &e) < 0)
		goto fail;
	/* the session's cgroup, which it was born in, is the root of what
	 * it sees of cgroups (mounted at /sys/fs/cgroup by jail_build) */
	if (pl->cgroup && unshare(CLONE_NEWCGROUP) < 0) {
		jerr_sys(&e, errno, "create a cgroup namespace");
		goto fail;
	}
	/* the shell, and init with it, in a Landlock domain of their own;
	 * a jail only held for a service is not: the service's process
	 * makes its own when it joins (hold_join), and init must reach
	 * everything in the jail to end it */
	if (jail_build(pl, service, &e) < 0 ||
	    drop_privileges(pl, groups, &e) < 0 ||
	    (sh && scope_apply(&e) < 0) || priv_new_keyring(&e) < 0 ||
	    filter_install(pl->profile, &e) < 0)
		goto fail;
	fds_close(&groups);
	fds_close(&service);
	if (await_network(pl, started, &e) < 0)
		goto fail;
	/* the process outside may have given up meanwhile: then no shell */
	fds[0] = (struct pollfd){ .fd = lifeline, .events = POLLIN };
	if (poll(fds, 1, 0) != 0) {
		jerr_set(&e, "the session ended while its jail was built");
		goto fail;
	}
	/* the warden's clock for max_time starts with the user's code */
	if (started >= 0) {
		if (write(started, "", 1) != 1) {
			jerr_sys(&e, errno, "tell the warden");
			goto fail;
		}
		close(started);
	}
	/* vfork: no page tables to copy; the child only execs (or fails) */
	if (sh && (shell = vfork()) < 0) {
		jerr_sys(&e, errno, "fork");
		goto fail;
	}
	if (sh && shell == 0)
		init_exec_shell(pl, sh, report); /* the rest: close-on-exec */
	report_send(report, REPORT_READY, 0, NULL);
	return watch(pl, shell, sfd, report, lifeline);
fail:
	report_send(report, REPORT_ERROR, EXIT_FAILED, e.msg);
	return EXIT_FAILED;
}
