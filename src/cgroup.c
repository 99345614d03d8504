#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "fds.h"

/* Controllers switched on for every session where the parent offers
 * them, limits or not: what the session used and why it ended (peak
 * memory, an OOM kill, forks refused) is read from their files. */
static const char *const accounting[] = { "memory", "pids" };

/* The number after KEY in a flat-keyed file such as memory.events. */
static int read_key(int dir, const char *file, const char *key, uint64_t *v)
{
	char buf[1024], *p = buf;
	size_t n = strlen(key);

	if (fds_read_at(dir, file, buf, sizeof(buf)) < 0)
		return -1;
	while (p && *p) {
		if (!strncmp(p, key, n) && p[n] == ' ') {
			*v = strtoull(p + n + 1, NULL, 10);
			return 0;
		}
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return -1;
}

/* Is WORD one of the space-separated words of LIST? */
static int has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ') &&
		    (p[n] == ' ' || p[n] == '\n' || !p[n]))
			return 1;
	return 0;
}

/* Switches CONTROLLER on for the children of DIR, unless it is already. */
static int enable(int dir, const char *path, const char *controller,
		  struct jerr *e)
{
	char now[512], word[64];

	if (fds_read_at(dir, "cgroup.subtree_control", now, sizeof(now)) == 0 &&
	    has_word(now, controller))
		return 0;
	snprintf(word, sizeof(word), "+%s", controller);
	if (fds_write_at(dir, "cgroup.subtree_control", word) == 0)
		return 0;
	if (errno == EBUSY)
		return jerr_set(e,
				"cannot enable the %s controller in %s: "
				"the cgroup holds processes of its own; "
				"cgroup_parent must be a delegated cgroup "
				"without processes (see jailsh.conf(5))",
				controller, path);
	return jerr_sys(e, errno, "enable the %s controller in %s", controller,
			path);
}

static int open_parent(const char *path, struct jerr *e)
{
	struct statfs sf;
	struct stat st;
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return jerr_sys(e, errno, "cgroup_parent %s (jailsh.conf)",
				path);
	if (fstatfs(fd, &sf) < 0 || sf.f_type != CGROUP2_SUPER_MAGIC) {
		close(fd);
		return jerr_set(e,
				"cgroup_parent %s (jailsh.conf) is not a "
				"cgroup v2 directory",
				path);
	}
	if (fstat(fd, &st) < 0 || st.st_uid != 0 || (st.st_mode & 022)) {
		close(fd);
		return jerr_set(e,
				"cgroup_parent %s (jailsh.conf) must be "
				"owned by root and writable by no one else",
				path);
	}
	return fd;
}

/* Which limits apply, given what the parent offers (NULL: no parent).
 * A limit that cannot apply is an error, unless it is optional. */
static int choose(struct cgroup_session *cg, const struct profile *p,
		  const char *parent, const char *offered, struct jerr *e)
{
	for (int i = 0; i < CG_NLIMITS; i++) {
		const char *name = cglimit_cg[i].name;
		const char *ctl = cglimit_cg[i].controller;
		size_t n = strlen(cg->skipped);

		if (!p->cg_set[i])
			continue;
		if (offered && has_word(offered, ctl)) {
			cg->applied[i] = true;
			continue;
		}
		if (!p->cg_optional[i] && !parent)
			return jerr_set(e,
					"%s: %s needs a cgroup, and "
					"jailsh.conf sets no cgroup_parent; "
					"set one, or list %s in "
					"optional_limits",
					p->file, name, name);
		if (!p->cg_optional[i])
			return jerr_set(e,
					"%s: %s needs the %s controller, "
					"which cgroup_parent %s does not "
					"offer; delegate it, or list %s in "
					"optional_limits",
					p->file, name, ctl, parent, name);
		snprintf(cg->skipped + n, sizeof(cg->skipped) - n, "%s%s",
			 n ? ", " : "", name);
	}
	return 0;
}

/* The cgroups in TOP (a user's jail's: init, login-N), which must go
 * before it can. */
static void remove_children(int top)
{
	int fd = openat(top, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d)))
		if (de->d_type == DT_DIR && de->d_name[0] != '.')
			unlinkat(top, de->d_name, AT_REMOVEDIR);
	closedir(d);
}

/* The session cgroups of wardens that are gone (killed by root, a
 * crash): the empty ones are removed before a new one is made. A name
 * says whose it is, session-PID[.N] or jail-PID[.N] with the warden's
 * pid; one whose warden lives, or whose pid was taken again, is left
 * alone. */
static void sweep(int user)
{
	int fd = openat(user, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	int pid;

	if (!d) {
		fds_close(&fd);
		return;
	}
	while ((de = readdir(d))) {
		int jail = sscanf(de->d_name, "jail-%d", &pid) == 1, fd2;

		if (!jail && sscanf(de->d_name, "session-%d", &pid) != 1)
			continue;
		if (pid <= 0 || kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		fd2 = jail ? openat(user, de->d_name,
				    O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					    O_CLOEXEC) :
			     -1;
		if (fd2 >= 0) {
			remove_children(fd2);
			close(fd2);
		}
		unlinkat(user, de->d_name, AT_REMOVEDIR); /* or EBUSY */
	}
	closedir(d);
}

/* mkdir, or find it there; then open it. One made here that cannot be
 * opened is removed again: nothing would remember it. */
static int make_dir(int at, const char *name, int exclusive)
{
	int made = mkdirat(at, name, 0755) == 0, fd, err;

	if (!made && (exclusive || errno != EEXIST))
		return -1;
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && made) {
		err = errno;
		unlinkat(at, name, AT_REMOVEDIR);
		errno = err;
	}
	return fd;
}

static int write_limits(const struct cgroup_session *cg,
			const struct profile *p, int dir, const char *path,
			bool user, struct jerr *e)
{
	char value[64];

	for (int i = 0; i < CG_NLIMITS; i++) {
		if (!cg->applied[i] || cglimit_cg[i].user != user)
			continue;
		cglimit_cg_value(i, p->cg[i], value, sizeof(value));
		if (fds_write_at(dir, cglimit_cg[i].file, value) < 0)
			return jerr_sys(e, errno,
					"%s: %s: write \"%s\" to "
					"%s/%s",
					p->file, cglimit_cg[i].name, value,
					path, cglimit_cg[i].file);
	}
	return 0;
}

/* The controllers the user's cgroup hands on to its sessions. */
static int enable_all(struct cgroup_session *cg, int dir, const char *path,
		      const char *offered, bool for_user, struct jerr *e)
{
	for (size_t i = 0; i < sizeof(accounting) / sizeof(accounting[0]); i++)
		if (has_word(offered, accounting[i]) &&
		    enable(dir, path, accounting[i], e) < 0)
			return -1;
	for (int i = 0; i < CG_NLIMITS; i++)
		if (cg->applied[i] && (for_user || !cglimit_cg[i].user) &&
		    enable(dir, path, cglimit_cg[i].controller, e) < 0)
			return -1;
	return 0;
}

int cgroup_prepare(struct cgroup_session *cg, const struct settings *s,
		   const struct profile *p, const struct identity *id,
		   struct jerr *e)
{
	const char *parent = s->cgroup_parent;
	char offered[512], upath[4096];
	int pfd, r;

	memset(cg, 0, sizeof(*cg));
	cg->dir = cg->top = cg->user = cg->parent = -1;
	if (!parent)
		return choose(cg, p, NULL, NULL, e);
	pfd = cg->parent = open_parent(parent, e);
	if (pfd < 0)
		return -1;
	r = fds_read_at(pfd, "cgroup.controllers", offered, sizeof(offered));
	if (r < 0) {
		jerr_sys(e, errno, "read %s/cgroup.controllers", parent);
		goto fail;
	}
	if (choose(cg, p, parent, offered, e) < 0 ||
	    enable_all(cg, pfd, parent, offered, true, e) < 0)
		goto fail;

	snprintf(cg->uname, sizeof(cg->uname), "user-%u", (unsigned)id->uid);
	snprintf(upath, sizeof(upath), "%s/%s", parent, cg->uname);
	/* the user's last session may be removing it right now: again */
	for (int tries = 0; cg->top < 0 && tries < 3; tries++) {
		fds_close(&cg->user);
		cg->user = make_dir(pfd, cg->uname, 0);
		if (cg->user < 0)
			continue;
		sweep(cg->user);
		if (write_limits(cg, p, cg->user, upath, true, e) < 0 ||
		    enable_all(cg, cg->user, upath, offered, false, e) < 0)
			goto fail;
		for (int n = 0; cg->top < 0 && n < 100; n++) {
			snprintf(cg->name, sizeof(cg->name),
				 n ? "%s-%d.%d" : "%s-%d",
				 p->user_jail ? "jail" : "session",
				 (int)getpid(), n);
			cg->top = make_dir(cg->user, cg->name, 1);
			if (cg->top < 0 && errno != EEXIST)
				break;
		}
	}
	if (cg->top < 0) {
		jerr_sys(e, errno, "create a cgroup for the %s in %s",
			 p->user_jail ? "jail" : "session", upath);
		goto fail;
	}
	snprintf(cg->path, sizeof(cg->path), "%s/%s", upath, cg->name);
	if (p->user_jail) {
		/* the logins' cgroups under it get the session's limits */
		if (enable_all(cg, cg->top, cg->path, offered, false, e) < 0)
			goto fail;
		cg->dir = make_dir(cg->top, "init", 1);
	} else {
		cg->dir = fcntl(cg->top, F_DUPFD_CLOEXEC, 0);
		if (cg->dir >= 0 &&
		    write_limits(cg, p, cg->dir, cg->path, false, e) < 0)
			goto fail;
	}
	if (cg->dir < 0) {
		jerr_sys(e, errno, "create a cgroup in %s", cg->path);
		goto fail;
	}
	return 0;
fail:
	cgroup_remove(cg);
	return -1;
}

int cgroup_login(const struct cgroup_session *cg, const struct profile *p,
		 int n, struct jerr *e)
{
	char name[32], path[4300];
	int fd;

	snprintf(name, sizeof(name), "login-%d", n);
	snprintf(path, sizeof(path), "%s/%s", cg->path, name);
	fd = make_dir(cg->top, name, 1);
	if (fd < 0)
		return jerr_sys(e, errno, "create the cgroup %s", path);
	if (write_limits(cg, p, fd, path, false, e) < 0) {
		close(fd);
		unlinkat(cg->top, name, AT_REMOVEDIR);
		return -1;
	}
	return fd;
}

void cgroup_login_remove(const struct cgroup_session *cg, int n)
{
	char name[32];

	snprintf(name, sizeof(name), "login-%d", n);
	unlinkat(cg->top, name, AT_REMOVEDIR);
}

/* Removes the session's cgroup, then the user's if it is empty now. A
 * cgroup whose last process has just died may still be busy briefly. */
static void remove_dirs(int parent, const char *uname, int user,
			const char *name)
{
	struct timespec pause = { 0, 10 * 1000 * 1000 };

	for (int i = 0; i < 300; i++) {
		if (unlinkat(user, name, AT_REMOVEDIR) == 0 || errno != EBUSY)
			break;
		nanosleep(&pause, NULL);
	}
	/* a cgroup with cgroups of its own is EBUSY too */
	/* EBUSY while another session of the user's is in it */
	unlinkat(parent, uname, AT_REMOVEDIR);
}

void cgroup_remove(struct cgroup_session *cg)
{
	if (cg->top >= 0)
		remove_children(cg->top);
	if (cg->parent >= 0 && cg->uname[0])
		remove_dirs(cg->parent, cg->uname, cg->user, cg->name);
	cgroup_close(cg);
}

int cgroup_events(const struct cgroup_session *cg)
{
	return openat(cg->top, "cgroup.events", O_RDONLY | O_CLOEXEC);
}

int cgroup_populated(int events)
{
	char buf[256];
	ssize_t n = pread(events, buf, sizeof(buf) - 1, 0);

	if (n < 0)
		return -1;
	buf[n] = '\0';
	return !strstr(buf, "populated 0");
}

int cgroup_kill(const struct cgroup_session *cg)
{
	return fds_write_at(cg->top, "cgroup.kill", "1");
}

void cgroup_usage_at(int dir, struct cgroup_usage *u)
{
	char buf[64];

	memset(u, 0, sizeof(*u));
	if (dir < 0)
		return;
	read_key(dir, "memory.events", "oom_kill", &u->oom_kills);
	read_key(dir, "pids.events", "max", &u->pids_refused);
	read_key(dir, "cpu.stat", "usage_usec", &u->cpu_usec);
	if (fds_read_at(dir, "memory.peak", buf, sizeof(buf)) == 0)
		u->memory_peak = strtoull(buf, NULL, 10);
	if (fds_read_at(dir, "memory.current", buf, sizeof(buf)) == 0)
		u->memory_now = strtoull(buf, NULL, 10);
}

void cgroup_usage(const struct cgroup_session *cg, struct cgroup_usage *u)
{
	cgroup_usage_at(cg->top, u);
}

void cgroup_close(struct cgroup_session *cg)
{
	fds_close(&cg->dir);
	fds_close(&cg->top);
	fds_close(&cg->user);
	fds_close(&cg->parent);
}

/* For jailsh enter: opens, without changing anything, the session cgroup
 * NAME of user UID under cgroup_parent: root's directories on cgroup2,
 * none reached through a link. */
int cgroup_open_session(const struct settings *s, uid_t uid, const char *name,
			struct jerr *e)
{
	char uname[32];
	int dirs[3] = { -1, -1, -1 }, r = -1;

	snprintf(uname, sizeof(uname), "user-%u", (unsigned)uid);
	if (!s->cgroup_parent)
		return jerr_set(e, "jailsh.conf sets no cgroup_parent");
	dirs[0] = open_parent(s->cgroup_parent, e);
	if (dirs[0] < 0)
		return -1;
	dirs[1] = openat(dirs[0], uname,
			 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirs[1] >= 0)
		dirs[2] =
			openat(dirs[1], name,
			       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirs[2] < 0) {
		jerr_sys(e, errno, "%s/%s/%s", s->cgroup_parent, uname, name);
	} else {
		struct statfs sf;
		struct stat a, b;

		if (fstatfs(dirs[2], &sf) < 0 ||
		    sf.f_type != CGROUP2_SUPER_MAGIC ||
		    fstat(dirs[1], &a) < 0 || fstat(dirs[2], &b) < 0 ||
		    a.st_uid != 0 || b.st_uid != 0)
			jerr_set(e,
				 "%s/%s/%s is not a session cgroup made by "
				 "root",
				 s->cgroup_parent, uname, name);
		else
			r = dirs[2];
	}
	close(dirs[0]);
	fds_close(&dirs[1]);
	if (r < 0 && dirs[2] >= 0)
		close(dirs[2]);
	return r;
}
