/* idmap_probe: talks to a jail's subordinate id service (src/idmap.h)
 * directly, as an attacker in the jail would, for tests/escape/97-idmap.t.
 * Built with -I src (the wire format is the service's own header).
 *
 *   idmap_probe send uid|gid PID [IN OUT COUNT]...
 *   idmap_probe sendfd uid|gid FD [IN OUT COUNT]...
 *       one request for PID (a pidfd of it) or with the inherited
 *       descriptor FD; prints "OK" or "REFUSED: reason"
 *   idmap_probe raw MODE PID
 *       a malformed request (MODE: see raw() below) about PID; prints
 *       the answer, or "NO ANSWER"
 *   idmap_probe passfd SOCKET PID
 *       connects to the Unix socket SOCKET and sends a pidfd of PID
 *   idmap_probe recvsend SOCKET uid|gid [IN OUT COUNT]...
 *       listens on SOCKET, takes one descriptor from whoever connects,
 *       and sends the request with it
 *   idmap_probe reuse uid|gid [IN OUT COUNT]...
 *       a child in a user namespace of its own is pinned (pidfd), killed
 *       and reaped; children are forked until one gets its pid again and
 *       makes a user namespace too; then the request with the old pidfd
 *       ("STALE: ..."), the new child's map ("MAP: ..."), and the same
 *       request with a pidfd of the new child ("CONTROL: ...")
 *   idmap_probe hold N SECONDS
 *       N connections that send nothing, held open SECONDS; prints how
 *       many were accepted and how many were told to try again
 *   idmap_probe hammer SECONDS PID
 *       requests about PID (mapped already: each is refused) as fast as
 *       they are answered, for SECONDS; prints "SENT n ANSWERED n BUSY n"
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "idmap.h"

static int pidfd_of(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static int connect_to(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		if (s >= 0)
			close(s);
		return -1;
	}
	return s;
}

/* LEN bytes of BUF with the N descriptors FDS, on a new connection; the
 * answer into REP. 1: answered, 0: no answer, -1: no connection. */
static int exchange(const void *buf, size_t len, const int *fds, int n,
		    struct idmap_reply *rep)
{
	char control[CMSG_SPACE(sizeof(int) * 8)] = { 0 };
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	int s = connect_to(IDMAP_SOCKET);
	ssize_t r;

	if (s < 0)
		return -1;
	if (n > 0) {
		struct cmsghdr *c;

		msg.msg_control = control;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * n);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * n);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
	}
	if (sendmsg(s, &msg, MSG_NOSIGNAL) < 0) {
		close(s);
		return 0;
	}
	memset(rep, 0, sizeof(*rep));
	r = recv(s, rep, sizeof(*rep), 0);
	close(s);
	rep->msg[sizeof(rep->msg) - 1] = '\0';
	return r == (ssize_t)sizeof(*rep);
}

static int show(int answered, const struct idmap_reply *rep)
{
	if (answered < 0) {
		printf("NO SERVICE: %s\n", strerror(errno));
		return 2;
	}
	if (!answered) {
		printf("NO ANSWER\n");
		return 2;
	}
	if (rep->ok) {
		printf("OK\n");
		return 0;
	}
	printf("REFUSED: %s\n", rep->msg);
	return 1;
}

/* A request from the command line: KIND, then triples. */
static int build(struct idmap_request *req, const char *kind, pid_t pid,
		 int argc, char **argv)
{
	memset(req, 0, sizeof(*req));
	req->magic = IDMAP_MAGIC;
	req->kind = !strcmp(kind, "gid") ? IDMAP_GID : IDMAP_UID;
	req->pid = pid;
	if (argc % 3 || argc / 3 > IDMAP_MAX_RANGES) {
		fprintf(stderr, "ranges: IN OUT COUNT...\n");
		return -1;
	}
	req->nranges = (uint32_t)(argc / 3);
	for (int i = 0; i < argc / 3; i++) {
		req->range[i].inside = strtoul(argv[3 * i], NULL, 0);
		req->range[i].outside = strtoul(argv[3 * i + 1], NULL, 0);
		req->range[i].count = strtoul(argv[3 * i + 2], NULL, 0);
	}
	return 0;
}

static int send_one(const char *kind, pid_t pid, int fd, int argc,
		    char **argv)
{
	struct idmap_request req;
	struct idmap_reply rep;

	if (build(&req, kind, pid, argc, argv) < 0)
		return 2;
	return show(exchange(&req, sizeof(req), &fd, 1, &rep), &rep);
}

/* The malformed requests. */
static int raw(const char *mode, pid_t pid)
{
	struct idmap_request req;
	struct idmap_reply rep;
	int fd = pidfd_of(pid), fds[3] = { fd, fd, fd }, nfds = 1;
	size_t len = sizeof(req);
	char big[sizeof(req) + 512];
	const void *buf = &req;

	memset(&req, 0, sizeof(req));
	req.magic = IDMAP_MAGIC;
	req.kind = IDMAP_UID;
	req.pid = pid;
	req.nranges = 1;
	req.range[0] = (struct idmap_range){ 0, getuid(), 1 };
	if (!strcmp(mode, "empty")) {
		len = 0;
	} else if (!strcmp(mode, "short")) {
		len = 10;
	} else if (!strcmp(mode, "long")) {
		memset(big, 0, sizeof(big));
		memcpy(big, &req, sizeof(req));
		buf = big;
		len = sizeof(big);
	} else if (!strcmp(mode, "nofd")) {
		nfds = 0;
	} else if (!strcmp(mode, "threefds")) {
		nfds = 3;
	} else if (!strcmp(mode, "notpidfd")) {
		fds[0] = open("/proc/self/status", O_RDONLY);
	} else if (!strcmp(mode, "magic")) {
		req.magic = ~IDMAP_MAGIC;
	} else if (!strcmp(mode, "kind")) {
		req.kind = 7;
	} else if (!strcmp(mode, "noranges")) {
		req.nranges = 0;
	} else if (!strcmp(mode, "toomany")) {
		req.nranges = IDMAP_MAX_RANGES + 1;
	} else if (!strcmp(mode, "hugecount")) {
		req.nranges = 0x7fffffff;
	} else if (!strcmp(mode, "zerocount")) {
		req.range[0].count = 0;
	} else if (!strcmp(mode, "wrap")) {
		req.range[0] = (struct idmap_range){ 0xfffffff0U, getuid(),
						     0x20 };
	} else if (!strcmp(mode, "overlap")) {
		req.nranges = 2;
		req.range[1] = (struct idmap_range){ 0, getuid(), 1 };
	} else if (!strcmp(mode, "trailing")) {
		req.range[5] = (struct idmap_range){ 1, 0, 1 };
	} else if (!strcmp(mode, "negpid")) {
		req.pid = -1;
	} else if (!strcmp(mode, "garbage")) {
		FILE *f = fopen("/dev/urandom", "r");

		if (!f || fread(&req, sizeof(req), 1, f) != 1)
			return 2;
		fclose(f);
	} else {
		fprintf(stderr, "unknown mode %s\n", mode);
		return 2;
	}
	return show(exchange(buf, len, fds, nfds, &rep), &rep);
}

static int passfd(const char *path, pid_t pid)
{
	int fd = pidfd_of(pid), s = -1;
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	char byte = 'x';
	char control[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = control,
			      .msg_controllen = sizeof(control) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || s < 0 ||
	    connect(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("passfd");
		return 2;
	}
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(s, &msg, 0) == 1 ? 0 : 2;
}

static int recvsend(const char *path, const char *kind, int argc, char **argv)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	char byte, control[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = control,
			      .msg_controllen = sizeof(control) };
	int s = socket(AF_UNIX, SOCK_STREAM, 0), c, fd = -1;

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	unlink(path);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(s, 1) < 0) {
		perror("recvsend");
		return 2;
	}
	printf("LISTENING\n");
	fflush(stdout);
	c = accept(s, NULL, NULL);
	if (c < 0 || recvmsg(c, &msg, 0) != 1 || !CMSG_FIRSTHDR(&msg)) {
		perror("recvsend: no descriptor");
		return 2;
	}
	memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof(int));
	return send_one(kind, 1, fd, argc, argv);
}

/* A child in a user namespace of its own, unmapped, waiting to be killed;
 * its pid, once it is in it. */
static pid_t userns_child(void)
{
	int p[2];
	char c;
	pid_t pid;

	if (pipe(p) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		if (unshare(CLONE_NEWUSER) < 0)
			_exit(1);
		if (write(p[1], "u", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	if (pid < 0 || read(p[0], &c, 1) != 1)
		pid = -1;
	close(p[0]);
	return pid;
}

static void print_map(const char *what, pid_t pid, const char *file)
{
	char path[64], buf[512] = "";
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	f = fopen(path, "r");
	n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	if (f)
		fclose(f);
	buf[n] = '\0';
	for (char *p = buf; *p; p++)
		if (*p == '\n')
			*p = '|';
	printf("%s: [%s]\n", what, buf);
}

/* A plain child that ends at once; its pid. */
static pid_t burn(void)
{
	pid_t p = fork();

	if (p == 0)
		_exit(0);
	if (p > 0)
		waitpid(p, NULL, 0);
	return p;
}

/* After a wrap pids start again at 300 (RESERVED_PIDS, in every pid
 * namespace): the first target's pid is above that. */
static int reuse(const char *kind, int argc, char **argv)
{
	const char *file = !strcmp(kind, "gid") ? "gid_map" : "uid_map";
	pid_t first, again = -1, p = 0;
	int old, fd, r;
	long forks = 0;

	while (p >= 0 && p <= 310)
		p = burn();
	first = userns_child();
	old = pidfd_of(first);
	if (p < 0 || first < 0 || old < 0)
		return 2;
	kill(first, SIGKILL);
	waitpid(first, NULL, 0);
	/* round the pids until the one before FIRST, then a target */
	while (again != first && forks < 20000000) {
		p = burn();
		forks++;
		if (p < 0)
			return 2;
		if (p != first - 1)
			continue;
		again = userns_child();
		if (again != first && again > 0) {
			kill(again, SIGKILL);
			waitpid(again, NULL, 0);
		}
	}
	if (again != first) {
		printf("NOT REUSED after %ld forks\n", forks);
		return 3;
	}
	printf("REUSED %d after %ld forks\n", (int)again, forks);
	printf("STALE: ");
	r = send_one(kind, again, old, argc, argv);
	print_map("MAP", again, file);
	fd = pidfd_of(again);
	printf("CONTROL: ");
	send_one(kind, again, fd, argc, argv);
	print_map("CONTROL MAP", again, file);
	kill(again, SIGKILL);
	return r;
}

static int hold(int n, int seconds)
{
	struct idmap_reply rep;
	int open = 0, busy = 0;

	for (int i = 0; i < n; i++) {
		int s = connect_to(IDMAP_SOCKET);
		struct timeval tv = { 0, 200000 };

		if (s < 0)
			continue;
		open++;
		/* told to try again at once, or held */
		setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		if (recv(s, &rep, sizeof(rep), 0) == (ssize_t)sizeof(rep))
			busy++;
	}
	printf("OPEN %d BUSY %d\n", open, busy);
	fflush(stdout);
	sleep(seconds);
	return 0;
}

static int hammer(int seconds, pid_t pid)
{
	struct idmap_request req;
	struct idmap_reply rep;
	time_t end = time(NULL) + seconds;
	long sent = 0, answered = 0, busy = 0;
	int fd = pidfd_of(pid);
	char *none[] = { NULL };

	build(&req, "uid", pid, 0, none);
	req.nranges = 1;
	req.range[0] = (struct idmap_range){ 0, getuid(), 1 };
	while (time(NULL) < end) {
		sent++;
		if (exchange(&req, sizeof(req), &fd, 1, &rep) == 1) {
			answered++;
			busy += !!strstr(rep.msg, "try again");
		}
	}
	printf("SENT %ld ANSWERED %ld BUSY %ld\n", sent, answered, busy);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 3 && !strcmp(argv[1], "send"))
		return send_one(argv[2], atoi(argv[3]), pidfd_of(atoi(argv[3])),
				argc - 4, argv + 4);
	if (argc >= 4 && !strcmp(argv[1], "sendfd"))
		return send_one(argv[2], 1, atoi(argv[3]), argc - 4, argv + 4);
	if (argc == 4 && !strcmp(argv[1], "raw"))
		return raw(argv[2], atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "passfd"))
		return passfd(argv[2], atoi(argv[3]));
	if (argc >= 4 && !strcmp(argv[1], "recvsend"))
		return recvsend(argv[2], argv[3], argc - 4, argv + 4);
	if (argc >= 3 && !strcmp(argv[1], "reuse"))
		return reuse(argv[2], argc - 3, argv + 3);
	if (argc == 4 && !strcmp(argv[1], "hold"))
		return hold(atoi(argv[2]), atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "hammer"))
		return hammer(atoi(argv[2]), atoi(argv[3]));
	fprintf(stderr, "usage: see the comment in idmap_probe.c\n");
	return 2;
}
