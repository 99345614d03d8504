#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "clock.h"
#include "fds.h"
#include "idmap.h"
#include "idmap_serve.h"
#include "runmap.h"
#include "subid.h"

/* newuidmap's arguments, at most: the pid, the caller's own id and
 * every granted range, three numbers each. */
#define MAX_ARGS (2 + 3 * (1 + IDMAP_MAX_RANGES) + 1)

int runmap_check(const struct plan *pl, struct jerr *e)
{
	static const char *const tools[] = { IDMAP_NEWUIDMAP, IDMAP_NEWGIDMAP };
	char where[4200];
	size_t n;

	if (!pl->profile->containers)
		return 0;
	profile_where(pl->profile, pl->profile->containers_line, where,
		      sizeof(where));
	n = strlen(where);
	if (n >= 2)
		where[n - 2] = '\0'; /* without its ": " */
	if (subid_require(pl->id, where, e) < 0)
		return -1;
	for (size_t i = 0; i < 2; i++)
		if (access(tools[i], X_OK) < 0)
			return jerr_set(
				e,
				"%s: containers = yes: jailsh run maps "
				"the jail with your own %s, which is "
				"missing: install shadow's newuidmap "
				"and newgidmap (Debian: apt-get install "
				"uidmap)",
				where, tools[i]);
	return 0;
}

/* "newuidmap PID OWN OWN 1 FIRST FIRST COUNT ..." into ARGV, its
 * strings in BUF. */
static int map_args(const char *tool, pid_t pid, unsigned own,
		    const struct subid_set *s, char **argv, char *buf,
		    size_t size)
{
	size_t at = 0;
	int n = 0;

	argv[n++] = (char *)tool;
#define ADD(...) \
	do { \
		int k = snprintf(buf + at, size - at, __VA_ARGS__); \
		if (k < 0 || (size_t)k >= size - at || n >= MAX_ARGS - 1) \
			return -1; \
		argv[n++] = buf + at; \
		at += (size_t)k + 1; \
	} while (0)
	ADD("%d", (int)pid);
	ADD("%u", own);
	ADD("%u", own);
	ADD("1");
	for (size_t i = 0; i < s->n; i++) {
		ADD("%u", s->r[i].first);
		ADD("%u", s->r[i].first);
		ADD("%llu", (unsigned long long)s->r[i].count);
	}
#undef ADD
	argv[n] = NULL;
	return 0;
}

/* Runs ARGV (no environment), its stderr's first line into E when it
 * fails. */
static int run_tool(char **argv, struct jerr *e)
{
	char out[512] = "", *nl;
	int pipefd[2], status = 0;
	ssize_t n, got = 0;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return jerr_sys(e, errno, "pipe");
	pid = fork();
	if (pid == 0) {
		static char *const env[] = { NULL };
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (dup2(pipefd[1], STDERR_FILENO) >= 0 &&
		    dup2(pipefd[1], STDOUT_FILENO) >= 0)
			execve(argv[0], argv, env);
		_exit(127);
	}
	close(pipefd[1]);
	while (pid > 0 && (size_t)got < sizeof(out) - 1 &&
	       ((n = read(pipefd[0], out + got, sizeof(out) - 1 - got)) > 0 ||
		(n < 0 && errno == EINTR)))
		got += n > 0 ? n : 0;
	close(pipefd[0]);
	if (pid < 0)
		return jerr_sys(e, errno, "fork %s", argv[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	out[got] = '\0';
	if ((nl = strchr(out, '\n')))
		*nl = '\0';
	return jerr_set(e, "containers = yes: %s of the jail failed: %s",
			argv[0], out[0] ? out : "no reason given");
}

/* J's maps, by the host's newuidmap and newgidmap. */
static int map_jail(const struct identity *id, pid_t init, struct jerr *e)
{
	static const char *const tools[] = { IDMAP_NEWUIDMAP, IDMAP_NEWGIDMAP };
	static const char *const files[] = { SUBID_UID_FILE, SUBID_GID_FILE };
	char *argv[MAX_ARGS], *buf;
	size_t size = MAX_ARGS * 12;
	int r = 0;

	buf = malloc(size);
	if (!buf)
		return jerr_sys(e, ENOMEM, "containers");
	for (size_t i = 0; i < 2 && r == 0; i++) {
		struct subid_set s;

		if (subid_load(files[i], id, &s, e) < 0) {
			r = -1;
			break;
		}
		if (map_args(tools[i], init, i ? id->gid : id->uid, &s, argv,
			     buf, size) < 0)
			r = jerr_set(e,
				     "containers = yes: too many ranges in "
				     "%s",
				     files[i]);
		else
			r = run_tool(argv, e);
		subid_free(&s);
	}
	free(buf);
	return r;
}

/* The service's loop: until init (PIDFD) ends. */
static void serve(struct idmap_service *svc, int pidfd)
{
	struct pollfd p[1 + IDMAP_SERVE_POLLS];

	for (;;) {
		long long due = idmap_serve_due(svc);
		int n = idmap_serve_polls(svc, p + 1);

		p[0] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
		if (poll(p, 1 + n, clock_left_ms(due)) < 0 && errno != EINTR)
			return;
		if (p[0].revents)
			return; /* the jail has ended */
		idmap_serve_woken(svc, p + 1, n);
		idmap_serve_expire(svc);
	}
}

/* Enters J and makes the socket; 0 with hello sent. */
static int service_setup(struct idmap_service *svc, const struct plan *pl,
			 pid_t init, int pidfd, struct jerr *e)
{
	char who[128];

	snprintf(who, sizeof(who), "jailsh run of %s (uid %u)", pl->id->name,
		 pl->id->uid);
	if (idmap_serve_fix_grant(svc, pl->id, e) < 0)
		return -1;
	/* J's owner gets all of J's capabilities, and only J's; the mount
	 * namespace of its own (J's) lets it make a tmpfs */
	if (setns(pidfd, CLONE_NEWUSER) < 0)
		return jerr_sys(e, errno,
				"containers: enter the jail's user "
				"namespace");
	if (unshare(CLONE_NEWNS) < 0)
		return jerr_sys(e, errno,
				"containers: a mount namespace for "
				"the service");
	if (idmap_serve_open(svc, pl->id, who, e) < 0 ||
	    idmap_serve_jail(svc, init, pidfd, e) < 0)
		return -1;
	return 0;
}

/* The service's life, as the caller. Never returns. */
static void service_main(const struct plan *pl, pid_t parent, pid_t init,
			 int pidfd, int link)
{
	struct runmap_hello h = { 0 };
	struct idmap_service svc;
	struct jerr e = { .msg = "" };
	sigset_t none;
	int keep[5];

	/* it ends with jailsh run, whatever happens to the jail */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (getppid() != parent)
		_exit(1);
	prctl(PR_SET_NAME, "jailsh-idmap", 0, 0, 0);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* nothing of jailsh run's: not the jail's lifeline, nor its
	 * terminal */
	keep[0] = pidfd;
	keep[1] = link;
	if (fds_close_except(keep, 2) < 0)
		_exit(1);
	openlog("jailsh-idmap", LOG_PID, LOG_AUTHPRIV);
	idmap_serve_init(&svc);
	if (service_setup(&svc, pl, init, pidfd, &e) == 0) {
		h.ok = 1;
		if (fds_send(link, &h, sizeof(h), &svc.mnt, 1) < 0)
			_exit(1);
	} else {
		snprintf(h.msg, sizeof(h.msg), "%s", e.msg);
		fds_send(link, &h, sizeof(h), NULL, 0);
		_exit(1);
	}
	fds_close(&svc.mnt); /* init's now */
	close(link);
	keep[0] = pidfd;
	if (fds_close_except(keep, 1 + idmap_serve_fds(&svc, keep + 1)) < 0)
		_exit(1);
	serve(&svc, pidfd);
	idmap_serve_close(&svc);
	_exit(0);
}

int runmap_start(struct runmap *r, const struct plan *pl, pid_t init, int link,
		 struct jerr *e)
{
	pid_t parent = getpid();
	int pidfd;

	r->service = -1;
	if (map_jail(pl->id, init, e) < 0)
		return -1;
	/* init is this process's child, not reaped: its pid is its own */
	pidfd = (int)syscall(SYS_pidfd_open, init, 0);
	if (pidfd < 0)
		return jerr_sys(e, errno, "containers: pidfd of the jail");
	r->service = fork();
	if (r->service == 0)
		service_main(pl, parent, init, pidfd, link);
	close(pidfd);
	if (r->service < 0)
		return jerr_sys(e, errno, "containers: fork the service");
	return 0;
}

int runmap_hello(int link, int *service, struct jerr *e)
{
	struct runmap_hello h;
	int fd = -1;

	*service = -1;
	if (fds_recv(link, &h, sizeof(h), &fd, 1) < 0) {
		close(link);
		return jerr_set(e, "containers = yes: the jail's id service "
				   "did not start");
	}
	close(link);
	h.msg[sizeof(h.msg) - 1] = '\0';
	if (!h.ok || fd < 0) {
		fds_close(&fd);
		return jerr_set(e, "%s",
				h.ok ? "containers = yes: no socket "
				       "from the id service" :
				       h.msg);
	}
	*service = fd;
	return 0;
}

void runmap_stop(struct runmap *r)
{
	if (r->service <= 0)
		return;
	kill(r->service, SIGKILL);
	while (waitpid(r->service, NULL, 0) < 0 && errno == EINTR)
		;
	r->service = -1;
}
