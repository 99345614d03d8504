#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "config.h"
#include "fds.h"
#include "net.h"
#include "publish.h"

/* Where the stack finds what it is given, once it runs: the jail's
 * network namespace, the pipe it says it is ready on (its "pid file"),
 * and for jailsh run the jail's user namespace. */
#define FD_NETNS "/proc/self/fd/3"
#define FD_READY "/proc/self/fd/4"
#define FD_USERNS "/proc/self/fd/5"

/* What the stack's process says before it runs pasta starts so: the
 * whole line is the message (already "FILE:LINE: ..." where it is a
 * profile's). */
#define OWN_WORD "jailsh-net: "

void net_init(struct net *n)
{
	n->pid = -1;
	n->pidfd = n->netns = n->ready = n->errors = -1;
}

/* --- in the stack's process, before pasta -------------------------------- */

static void __attribute__((noreturn)) give_up(const struct jerr *e)
{
	dprintf(STDERR_FILENO, OWN_WORD "%s\n", e->msg);
	_exit(1);
}

/* A process of its own: no terminal (a ^C there is not for it), every
 * signal at its default, none blocked (the warden ignores them all, the
 * front end blocks some). */
static void plain_process(void)
{
	sigset_t none;

	setsid();
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Only SOCK and ERR (which becomes standard error) of what the parent
 * held; SOCK, renumbered, is returned. */
static int own_descriptors(int sock, int err)
{
	int keep[2] = { sock, err };

	if (fds_keep_only(keep, 2) < 0 || dup2(keep[1], STDERR_FILENO) < 0)
		_exit(1);
	close(keep[1]);
	return keep[0];
}

/* The number below which ports need privilege; 1024 if unknown. */
static unsigned unprivileged_port_start(void)
{
	char buf[32];

	if (fds_read_at(AT_FDCWD,
			"/proc/sys/net/ipv4/ip_unprivileged_port_start", buf,
			sizeof(buf)) < 0)
		return 1024;
	return (unsigned)strtoul(buf, NULL, 10);
}

/* Binds P's port for FAMILY as this process can, and lets it go: 0, or
 * the errno. */
static int try_bind(const struct publish *p, int family)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in a4 = { .sin_family = AF_INET };
	int s, one = 1, r = 0;

	s = socket(family, (p->udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC,
		   0);
	if (s < 0)
		return errno;
	/* as pasta binds its own */
	if (!p->udp)
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6) {
		a6.sin6_port = htons(p->port);
		if (p->addr[0])
			inet_pton(AF_INET6, p->addr, &a6.sin6_addr);
		else
			setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &one,
				   sizeof(one));
		r = bind(s, (struct sockaddr *)&a6, sizeof(a6));
	} else {
		a4.sin_port = htons(p->port);
		if (p->addr[0])
			inet_pton(AF_INET, p->addr, &a4.sin_addr);
		r = bind(s, (struct sockaddr *)&a4, sizeof(a4));
	}
	r = r < 0 ? errno : 0;
	close(s);
	return r;
}

/* Why P's port cannot be had, from ERR, into E. */
static int port_refused(const struct plan *pl, size_t i,
			const struct publish *p, int err, struct jerr *e)
{
	const struct profile *pr = pl->profile;
	char at[4200], what[160];

	snprintf(what, sizeof(what), "publish \"%s\"", pr->publish[i]);
	profile_where(pr, pr->publish_line[i], at, sizeof(at));
	if (err == EADDRINUSE)
		return jerr_set(e,
				"%s%s: %s port %u is already in use on "
				"the host",
				at, what, p->udp ? "udp" : "tcp", p->port);
	if (err == EACCES)
		return jerr_set(e,
				"%s%s: port %u is below %u "
				"(net.ipv4.ip_unprivileged_port_start), and "
				"the network stack runs as %s, who may not "
				"bind it",
				at, what, p->port, unprivileged_port_start(),
				pl->id->name);
	if (err == EADDRNOTAVAIL)
		return jerr_set(e, "%s%s: %s is not an address of the host", at,
				what, p->addr);
	return jerr_sys(e, err, "%s%s: cannot bind it on the host", at, what);
}

/* Can this process bind every port the jail publishes? The stack binds
 * them as this process: asked first, so that a port taken on the host
 * or one the user may not bind is named in one line. Without an
 * address, IPv4 and, where the host has it, IPv6. */
static int check_ports(const struct plan *pl, struct jerr *e)
{
	const struct profile *pr = pl->profile;

	for (size_t i = 0; i < pr->npublish; i++) {
		struct publish p;
		char why[256];
		int err;

		if (publish_parse(pr->publish[i], &p, why, sizeof(why)) < 0)
			return jerr_set(e, "publish \"%s\": %s", pr->publish[i],
					why);
		err = try_bind(&p, p.family == AF_INET6 ? AF_INET6 : AF_INET);
		if (!err && p.family == AF_UNSPEC) {
			err = try_bind(&p, AF_INET6);
			if (err == EAFNOSUPPORT || err == EADDRNOTAVAIL)
				err = 0; /* no IPv6 here */
		}
		if (err)
			return port_refused(pl, i, &p, err, e);
	}
	return 0;
}

/* pasta opens /dev/net/tun as the user. Where the host's is not open to
 * everyone (udev makes it 0666; a container's may be 0600), the stack
 * gets a node of its own, in a mount namespace of its own. Opening the
 * device grants nothing: making an interface with it takes CAP_NET_ADMIN
 * over the namespace it is made in. */
static int own_tun(struct jerr *e)
{
	struct stat st;

	if (stat("/dev/net/tun", &st) < 0)
		return jerr_sys(e, errno,
				"network = \"private\": /dev/net/tun (the tun "
				"module)");
	if (!S_ISCHR(st.st_mode))
		return jerr_set(e, "network = \"private\": /dev/net/tun is "
				   "not a device");
	if ((st.st_mode & 0006) == 0006)
		return 0;
	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tmpfs", "/dev/net", "tmpfs", MS_NOSUID | MS_NOEXEC,
		  "mode=0755,size=4k") < 0 ||
	    mknod("/dev/net/tun", S_IFCHR | 0666, st.st_rdev) < 0 ||
	    chmod("/dev/net/tun", 0666) < 0)
		return jerr_sys(e, errno,
				"network = \"private\": a /dev/net/tun for "
				"the network stack");
	return 0;
}

/* The jail's network namespace, owned by this process's user namespace:
 * made by a child that shares the descriptor table, so that what it
 * opens is this process's too. */
static int make_netns(struct jerr *e)
{
	int slot = open("/dev/null", O_RDONLY | O_CLOEXEC), status;
	pid_t child;

	if (slot < 0)
		return jerr_sys(e, errno, "open /dev/null");
	child = (pid_t)syscall(SYS_clone, CLONE_NEWNET | CLONE_FILES | SIGCHLD,
			       NULL, NULL, NULL, NULL);
	if (child == 0) {
		int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

		_exit(fd < 0 || dup3(fd, slot, O_CLOEXEC) < 0 || close(fd));
	}
	if (child < 0 || waitpid(child, &status, 0) != child ||
	    !WIFEXITED(status) || WEXITSTATUS(status)) {
		close(slot);
		return jerr_sys(e, errno ? errno : EIO,
				"create the jail's network namespace");
	}
	return slot;
}

static void add(char **argv, int *n, const char *a, const char *b)
{
	argv[(*n)++] = (char *)a;
	if (b)
		argv[(*n)++] = (char *)b;
}

/* pasta's command line. JOIN: the jail's user namespace is at FD_USERNS
 * (jailsh run); otherwise the stack is root in its own one already. */
static char **stack_argv(const struct plan *pl, int join)
{
	const struct profile *pr = pl->profile;
	char **argv = calloc(40 + 2 * pr->npublish, sizeof(char *));
	int n = 0, tcp = 0, udp = 0;

	if (!argv)
		return NULL;
	add(argv, &n, "pasta", "--config-net");
	add(argv, &n, "--netns", FD_NETNS);
	if (join)
		add(argv, &n, "--userns", FD_USERNS);
	else
		add(argv, &n, "--netns-only", NULL),
			add(argv, &n, "--runas", "0:0");
	add(argv, &n, "--foreground", "--quiet");
	/* a path under /proc/self/fd is not the namespace's name */
	add(argv, &n, "--no-netns-quit", NULL);
	add(argv, &n, "--pid", FD_READY);
	add(argv, &n, "--address", NET_ADDRESS);
	add(argv, &n, "--netmask", NET_PREFIX);
	add(argv, &n, "--gateway", NET_GATEWAY);
	add(argv, &n, "--dns-forward", NET_DNS);
	/* the gateway is the host's loopback only if the profile says so;
	 * the jail's loopback is never the host's */
	if (!pr->host_loopback)
		add(argv, &n, "--no-map-gw", NULL);
	add(argv, &n, "--tcp-ns", "none");
	add(argv, &n, "--udp-ns", "none");
	for (size_t i = 0; i < pr->npublish; i++) {
		struct publish p;
		char why[256], spec[80], *dup;

		if (publish_parse(pr->publish[i], &p, why, sizeof(why)) < 0)
			continue; /* checked before */
		publish_pasta_spec(&p, spec, sizeof(spec));
		/* a NULL would end the list early, dropping the "none"s
		 * below: pasta would then forward every port */
		if (!(dup = strdup(spec))) {
			free(argv);
			return NULL;
		}
		add(argv, &n, p.udp ? "--udp-ports" : "--tcp-ports", dup);
		tcp += !p.udp;
		udp += p.udp;
	}
	/* none, not pasta's default (every port the jail listens on) */
	if (!tcp)
		add(argv, &n, "--tcp-ports", "none");
	if (!udp)
		add(argv, &n, "--udp-ports", "none");
	return argv;
}

/* pasta, given NETNS, READY and, unless -1, the jail's USERNS; standard
 * error stays. Never returns. */
static void __attribute__((noreturn))
exec_stack(const struct plan *pl, int netns, int ready, int userns)
{
	int keep[4] = { netns, ready, userns, -1 }, n = userns >= 0 ? 4 : 3;
	char *const none[] = { NULL };
	char **argv = stack_argv(pl, userns >= 0);
	struct jerr e;

	keep[n - 1] = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	if (!argv || keep[n - 1] < 0 || fds_keep_only(keep, n) < 0 ||
	    dup2(keep[n - 1], STDERR_FILENO) < 0)
		_exit(1);
	close(keep[n - 1]);
	for (int i = 0; i < n - 1; i++)
		fcntl(keep[i], F_SETFD, 0);
	execve(JAILSH_PASTA, argv, none);
	jerr_sys(&e, errno,
		 "network = \"private\": cannot run %s (the passt package)",
		 JAILSH_PASTA);
	give_up(&e);
}

/* The stack's process for a login's jail, forked by root. It makes a
 * user namespace (root's, as root made it) in which it is root (the
 * parent maps the user there: MAP), then the jail's network namespace
 * in it, hands that and its readiness pipe to the parent, and becomes
 * pasta. */
static void __attribute__((noreturn))
made_stack(const struct plan *pl, pid_t parent, int sock, int err)
{
	struct jerr e = { .msg = "" };
	struct rlimit files = { 65536, 65536 };
	int ready[2], fds[2];
	char byte;

	sock = own_descriptors(sock, err);
	plain_process();
	/* best effort: a host's root without CAP_SYS_RESOURCE keeps the
	 * warden's 1024 */
	setrlimit(RLIMIT_NOFILE, &files);
	if (setgroups(0, NULL) < 0 || own_tun(&e) < 0)
		give_up(&e);
	if (unshare(CLONE_NEWUSER) < 0) {
		jerr_sys(&e, errno,
			 "create the network stack's user namespace");
		give_up(&e);
	}
	if (write(sock, "u", 1) != 1 || read(sock, &byte, 1) != 1)
		_exit(1); /* the parent says why */
	/* root in there, the user everywhere else */
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) {
		jerr_sys(&e, errno, "become the user in the stack's namespace");
		give_up(&e);
	}
	/* after the change of ids, which clears it */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 ||
	    getppid() != parent)
		_exit(1);
	if (check_ports(pl, &e) < 0)
		give_up(&e);
	fds[0] = make_netns(&e);
	if (fds[0] < 0)
		give_up(&e);
	/* made now, so that it is the user's: pasta opens it again by its
	 * /proc path */
	if (pipe2(ready, O_CLOEXEC) < 0) {
		jerr_sys(&e, errno, "pipe");
		give_up(&e);
	}
	fds[1] = ready[0];
	if (fds_send(sock, "n", 1, fds, 2) < 0)
		_exit(1);
	close(ready[0]);
	close(sock);
	exec_stack(pl, fds[0], ready[1], -1);
}

/* The same without privilege (jailsh run): the caller's process, given
 * the jail's USERNS and NETNS, its READY pipe and ERR. */
static void __attribute__((noreturn))
joined_stack(const struct plan *pl, pid_t parent, int userns, int netns,
	     int ready, int err)
{
	struct jerr e = { .msg = "" };
	struct stat st;

	/* the rest of the caller's descriptors go at the exec */
	if (dup2(err, STDERR_FILENO) < 0)
		_exit(1);
	plain_process();
	if (access("/dev/net/tun", R_OK | W_OK) < 0) {
		int why = errno;

		if (why == EACCES && stat("/dev/net/tun", &st) == 0)
			jerr_set(
				&e,
				"network = \"private\" without privilege "
				"needs /dev/net/tun open to everyone (mode "
				"0666, as udev makes it); here it is mode %04o",
				st.st_mode & 07777);
		else
			jerr_sys(&e, why,
				 "network = \"private\": /dev/net/tun (the "
				 "tun module)");
		give_up(&e);
	}
	if (check_ports(pl, &e) < 0)
		give_up(&e);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 ||
	    getppid() != parent)
		_exit(1);
	exec_stack(pl, netns, ready, userns);
}

/* --- in the starter --------------------------------------------------- */

/* The last line in BUF (text the stack wrote), less what pasta says on a
 * host without a syslog socket after each line it logs; NULL if none. */
static const char *last_line(char *buf)
{
	const char *last = NULL;

	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		if (line[0] && strncmp(line, "Failed to send ", 15))
			last = line;
	return last;
}

/* One read of FD into BUF (LEN bytes held so far, kept NUL-terminated),
 * keeping the latest when it fills. What read() returned. */
static ssize_t take(int fd, char *buf, size_t size, size_t *len)
{
	ssize_t got;

	if (*len > size / 2) { /* the later part is what matters */
		memmove(buf, buf + *len - size / 4, size / 4);
		*len = size / 4;
	}
	got = read(fd, buf + *len, size - 1 - *len);
	if (got > 0)
		*len += (size_t)got;
	buf[*len] = '\0';
	return got;
}

/* What FD gives until it is closed, or until DEADLINE. */
static void drain(int fd, char *buf, size_t size, size_t *len,
		  long long deadline)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (fd >= 0 && poll(&p, 1, clock_left_ms(deadline)) > 0 &&
	       take(fd, buf, size, len) > 0)
		;
}

/* The stack did not come up: what it said (STDERR so far, LEN bytes,
 * and what comes until it is gone) into E. */
static int stack_failed(struct net *n, char *text, size_t size, size_t len,
			const char *otherwise, struct jerr *e)
{
	const char *line;

	if (n->pidfd >= 0)
		syscall(SYS_pidfd_send_signal, n->pidfd, SIGKILL, NULL, 0);
	drain(n->errors, text, size, &len, clock_ms() + 2000);
	line = last_line(text);
	if (line && !strncmp(line, OWN_WORD, strlen(OWN_WORD)))
		return jerr_set(e, "%s", line + strlen(OWN_WORD));
	if (line)
		return jerr_set(e,
				"network = \"private\": the network stack (%s) "
				"failed: %s",
				JAILSH_PASTA, line);
	return jerr_set(e, "network = \"private\": %s", otherwise);
}

/* As root, from outside: the user is root in the stack's namespace (and
 * only the user: nobody else's files are its), and it may not change its
 * groups there. */
static int map_user(pid_t pid, const struct identity *id, struct jerr *e)
{
	char path[64], map[64];

	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	snprintf(map, sizeof(map), "0 %u 1\n", id->uid);
	if (fds_write_at(AT_FDCWD, path, map) < 0)
		return jerr_sys(e, errno, "map uid %u for the network stack",
				id->uid);
	snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
	snprintf(map, sizeof(map), "0 %u 1\n", id->gid);
	if (fds_write_at(AT_FDCWD, path, "deny") < 0 ||
	    (snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid),
	     fds_write_at(AT_FDCWD, path, map) < 0))
		return jerr_sys(e, errno, "map gid %u for the network stack",
				id->gid);
	return 0;
}

/* The stack's process, just forked (FORK_ERR: why not): pinned, and its
 * error pipe kept. */
static int started(struct net *n, int err, int fork_err, struct jerr *e)
{
	n->errors = err;
	if (n->pid < 0)
		return jerr_sys(e, fork_err, "fork the network stack");
	n->pidfd = (int)syscall(SYS_pidfd_open, n->pid, 0);
	if (n->pidfd < 0)
		return jerr_sys(e, errno, "pin the network stack");
	return 0;
}

int net_start(struct net *n, const struct plan *pl, struct jerr *e)
{
	int sock[2], err[2], fds[2] = { -1, -1 }, fork_err;
	pid_t parent = getpid();
	char byte, text[2048] = "";

	net_init(n);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sock) < 0)
		return jerr_sys(e, errno, "socketpair");
	if (pipe2(err, O_CLOEXEC) < 0) {
		close(sock[0]);
		close(sock[1]);
		return jerr_sys(e, errno, "pipe");
	}
	n->pid = fork();
	fork_err = errno;
	if (n->pid == 0) {
		close(sock[0]);
		close(err[0]);
		made_stack(pl, parent, sock[1], err[1]);
	}
	close(sock[1]);
	close(err[1]);
	if (started(n, err[0], fork_err, e) < 0)
		goto fail;
	if (read(sock[0], &byte, 1) != 1) {
		stack_failed(n, text, sizeof(text), 0,
			     "the network stack did not start", e);
		goto fail;
	}
	if (map_user(n->pid, pl->id, e) < 0)
		goto fail;
	if (write(sock[0], "m", 1) != 1 ||
	    fds_recv(sock[0], &byte, 1, fds, 2) < 0 || fds[0] < 0 ||
	    fds[1] < 0) {
		stack_failed(n, text, sizeof(text), 0,
			     "the network stack did not make the jail's "
			     "network namespace",
			     e);
		goto fail;
	}
	close(sock[0]);
	n->netns = fds[0];
	n->ready = fds[1];
	return 0;
fail:
	close(sock[0]);
	fds_close(&fds[0]);
	fds_close(&fds[1]);
	net_stop(n);
	return -1;
}

int net_attach(struct net *n, const struct plan *pl, pid_t init, struct jerr *e)
{
	int ns[2] = { -1, -1 }, err[2] = { -1, -1 }, ready[2] = { -1, -1 };
	int fork_err;
	static const char *const which[2] = { "user", "net" };
	pid_t parent = getpid();
	char path[64];

	net_init(n);
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)init,
			 which[i]);
		ns[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (ns[i] < 0) {
			jerr_sys(e, errno, "open %s", path);
			goto out;
		}
	}
	if (pipe2(err, O_CLOEXEC) < 0 || pipe2(ready, O_CLOEXEC) < 0) {
		jerr_sys(e, errno, "pipe");
		goto out;
	}
	n->pid = fork();
	fork_err = errno;
	if (n->pid == 0) {
		close(err[0]);
		close(ready[0]);
		joined_stack(pl, parent, ns[0], ns[1], ready[1], err[1]);
	}
	fds_close(&err[1]);
	fds_close(&ready[1]);
	if (started(n, err[0], fork_err, e) == 0) {
		n->ready = ready[0];
		ready[0] = -1;
	}
	err[0] = -1; /* n's now */
out:
	for (int i = 0; i < 2; i++) {
		fds_close(&ns[i]);
		fds_close(&err[i]);
		fds_close(&ready[i]);
	}
	if (n->ready < 0)
		net_stop(n);
	return n->ready < 0 ? -1 : 0;
}

int net_wait(struct net *n, int timeout_ms, struct jerr *e)
{
	long long deadline = clock_ms() + timeout_ms;
	char text[2048];
	size_t len = 0;
	int errors = n->errors, r = -1;

	text[0] = '\0';
	for (;;) {
		struct pollfd p[3] = {
			{ .fd = n->ready, .events = POLLIN },
			{ .fd = errors, .events = POLLIN },
			{ .fd = n->pidfd, .events = POLLIN },
		};
		int k = poll(p, 3, clock_left_ms(deadline));
		char pid[32];

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			jerr_set(e,
				 "network = \"private\": the network stack "
				 "did not set the jail's network up within "
				 "%d s",
				 timeout_ms / 1000);
			break;
		}
		/* what it says, as it comes: a full pipe would stop it */
		if (p[1].revents && take(errors, text, sizeof(text), &len) <= 0)
			errors = -1; /* it is ending */
		if (p[0].revents && read(n->ready, pid, sizeof(pid)) > 0) {
			r = 0;
			break;
		}
		if (p[0].revents || p[2].revents) {
			stack_failed(n, text, sizeof(text), len,
				     "the network stack ended", e);
			break;
		}
	}
	fds_close(&n->errors);
	fds_close(&n->ready);
	return r;
}

void net_close(struct net *n)
{
	fds_close(&n->pidfd);
	fds_close(&n->netns);
	fds_close(&n->ready);
	fds_close(&n->errors);
	n->pid = -1;
}

void net_stop(struct net *n)
{
	if (n->pidfd >= 0) {
		syscall(SYS_pidfd_send_signal, n->pidfd, SIGKILL, NULL, 0);
		while (waitid(P_PIDFD, n->pidfd, NULL, WEXITED) < 0 &&
		       errno == EINTR)
			;
	} else if (n->pid > 0) {
		kill(n->pid, SIGKILL);
		while (waitpid(n->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	net_close(n);
}

void net_resolv_conf(const char *host, char *buf, size_t size)
{
	size_t len;

	snprintf(buf, size,
		 "# network = \"private\": names are resolved through the "
		 "jail's network\n# stack, which forwards to the host's "
		 "resolver (jailsh)\nnameserver " NET_DNS "\n");
	/* the host's search domains and options, line by line */
	while (host && *host) {
		const char *end = strchr(host, '\n');
		size_t n = end ? (size_t)(end - host) : strlen(host);

		len = strlen(buf);
		if ((!strncmp(host, "search", 6) ||
		     !strncmp(host, "domain", 6) ||
		     !strncmp(host, "options", 7)) &&
		    len + n + 2 < size) {
			memcpy(buf + len, host, n);
			buf[len + n] = '\n';
			buf[len + n + 1] = '\0';
		}
		host += n + (end ? 1 : 0);
	}
}
