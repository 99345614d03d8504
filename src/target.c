#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fds.h"
#include "target.h"

/* The namespaces a jail may have of its own, by their /proc names, the
 * user namespace first. */
static const struct {
	const char *name;
	int flag;
} kinds[TARGET_NS] = {
	{ "user", CLONE_NEWUSER },     { "mnt", CLONE_NEWNS },
	{ "pid", CLONE_NEWPID },       { "ipc", CLONE_NEWIPC },
	{ "uts", CLONE_NEWUTS },       { "net", CLONE_NEWNET },
	{ "cgroup", CLONE_NEWCGROUP },
};

/* The number after KEY ("\nUid:") in /proc/PID/status, all COUNT of
 * them, into V. */
static int status_field(int proc, const char *key, unsigned long *v, int count)
{
	char buf[4096], *p;
	int n = 0;

	if (fds_read_at(proc, "status", buf, sizeof(buf)) < 0 ||
	    !(p = strstr(buf, key)))
		return -1;
	p += strlen(key);
	while (n < count) {
		char *end;

		v[n] = strtoul(p, &end, 10);
		if (end == p)
			return -1;
		p = end;
		n++;
	}
	return 0;
}

int target_owned_by(int proc, uid_t uid)
{
	unsigned long ids[4];

	if (status_field(proc, "\nUid:", ids, 4) < 0)
		return 0;
	for (int i = 0; i < 4; i++)
		if (ids[i] != uid)
			return 0;
	return 1;
}

int target_group_is(int proc, gid_t gid)
{
	unsigned long ids[4];

	if (status_field(proc, "\nGid:", ids, 4) < 0)
		return 0;
	for (int i = 0; i < 4; i++)
		if (ids[i] != gid)
			return 0;
	return 1;
}

static int no_new_privs(int proc)
{
	unsigned long v;

	return status_field(proc, "\nNoNewPrivs:", &v, 1) == 0 && v == 1;
}

pid_t target_parent(const struct target *t)
{
	unsigned long v;

	return status_field(t->proc, "\nPPid:", &v, 1) < 0 ? -1 : (pid_t)v;
}

static int same_ns(int proc, const char *name)
{
	char path[64];
	struct stat a, b;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	if (stat(path, &a) < 0)
		return 1; /* not in this kernel: nothing to join */
	snprintf(path, sizeof(path), "ns/%s", name);
	if (fstatat(proc, path, &b, 0) < 0)
		return -1;
	return a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

static int alive(const struct target *t)
{
	return syscall(SYS_pidfd_send_signal, t->pidfd, 0, NULL, 0) == 0;
}

void target_init(struct target *t)
{
	memset(t, 0, sizeof(*t));
	t->pidfd = t->proc = -1;
	for (int i = 0; i < TARGET_NS; i++)
		t->ns[i] = -1;
}

int target_pin(struct target *t, pid_t pid, int pidfd, uid_t uid,
	       struct jerr *e)
{
	char path[64];
	ssize_t n;

	target_init(t);
	t->pid = pid;
	t->pidfd = pidfd >= 0 ? fcntl(pidfd, F_DUPFD_CLOEXEC, 0) :
				(int)syscall(SYS_pidfd_open, pid, 0);
	if (t->pidfd < 0)
		return jerr_set(e, "no such process");
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	t->proc = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	/* still the process the pidfd holds: /proc/PID is that one */
	if (t->proc < 0 || !alive(t))
		return jerr_set(e, "no such process");
	if (!target_owned_by(t->proc, uid))
		return jerr_set(e, "not a process of yours");
	/* the namespaces are opened now and joined by these descriptors */
	for (int i = 0; i < TARGET_NS; i++) {
		int same = same_ns(t->proc, kinds[i].name);

		if (same < 0)
			return jerr_set(e, "its namespaces cannot be seen");
		if (same)
			continue;
		snprintf(path, sizeof(path), "ns/%s", kinds[i].name);
		t->ns[i] = openat(t->proc, path, O_RDONLY | O_CLOEXEC);
		if (t->ns[i] < 0)
			return jerr_set(e, "its namespaces cannot be opened");
		t->differ |= kinds[i].flag;
	}
	/* ... and they were the pinned process's, not a successor's */
	if (!alive(t))
		return jerr_set(e, "no such process");
	if (!(t->differ & CLONE_NEWPID) || !(t->differ & CLONE_NEWNS) ||
	    !no_new_privs(t->proc))
		return jerr_set(e, "not in a jail");
	n = readlinkat(t->proc, "cwd", t->cwd, sizeof(t->cwd) - 1);
	t->cwd[n > 0 ? n : 0] = '\0';
	return 0;
}

void target_unpin(struct target *t)
{
	fds_close(&t->pidfd);
	fds_close(&t->proc);
	for (int i = 0; i < TARGET_NS; i++)
		fds_close(&t->ns[i]);
}

/* Is USERNS (a user namespace's descriptor) the host's, or, where NET,
 * one of root's just below the host's: a private network's (net.h), which
 * root made for the stack, and whose root is the user? */
static int host_or_stack(int userns, const struct stat *host, int net)
{
	struct stat st;
	uid_t owner;
	int parent, ok;

	if (fstat(userns, &st) < 0)
		return 0;
	if (st.st_ino == host->st_ino && st.st_dev == host->st_dev)
		return 1;
	if (!net || ioctl(userns, NS_GET_OWNER_UID, &owner) < 0 || owner != 0)
		return 0;
	parent = ioctl(userns, NS_GET_PARENT);
	ok = parent >= 0 && fstat(parent, &st) == 0 &&
	     st.st_ino == host->st_ino && st.st_dev == host->st_dev;
	if (parent >= 0)
		close(parent);
	return ok;
}

int target_owned_by_host(const struct target *t)
{
	struct stat host;

	if (stat("/proc/self/ns/user", &host) < 0)
		return 0;
	for (int i = 0; i < TARGET_NS; i++) {
		int fd = t->ns[i] < 0 ? -1 : ioctl(t->ns[i], NS_GET_USERNS);
		int ok;

		if (t->ns[i] < 0)
			continue;
		ok = fd >= 0 &&
		     host_or_stack(fd, &host, kinds[i].flag == CLONE_NEWNET);
		if (fd >= 0)
			close(fd);
		if (!ok)
			return 0;
	}
	return 1;
}

int target_join(const struct target *t, struct jerr *e)
{
	for (int i = 0; i < TARGET_NS; i++)
		if (t->ns[i] >= 0 && setns(t->ns[i], kinds[i].flag) < 0)
			return jerr_sys(e, errno,
					"join the %s namespace of "
					"pid %d",
					kinds[i].name, (int)t->pid);
	return 0;
}
