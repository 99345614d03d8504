#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "config.h"
#include "registry.h"

int registry_open(struct jerr *e)
{
	struct stat st;
	int fd;

	if (mkdir(JAILSH_RUNDIR, 0700) < 0 && errno != EEXIST)
		return jerr_sys(e, errno, "make %s", JAILSH_RUNDIR);
	fd = open(JAILSH_RUNDIR,
		  O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return jerr_sys(e, errno, "open %s (links are not followed)",
				JAILSH_RUNDIR);
	if (fstat(fd, &st) < 0 || st.st_uid != 0 || (st.st_mode & 077)) {
		close(fd);
		return jerr_set(e,
				"%s must be a directory of root's that "
				"nobody else may enter (mode 0700); remove "
				"it, and jailsh makes it again",
				JAILSH_RUNDIR);
	}
	return fd;
}

void registry_user_name(char *buf, size_t size, uid_t uid)
{
	snprintf(buf, size, "user-%u.sock", (unsigned)uid);
}

void registry_session_name(char *buf, size_t size, pid_t warden)
{
	snprintf(buf, size, "session-%d.sock", (int)warden);
}

int registry_lock(int dir, uid_t uid, int wait, struct jerr *e)
{
	char name[64];
	int fd;

	snprintf(name, sizeof(name), "user-%u.lock", (unsigned)uid);
	fd = openat(dir, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return jerr_sys(e, errno, "%s/%s", JAILSH_RUNDIR, name);
	while (flock(fd, wait ? LOCK_EX : LOCK_EX | LOCK_NB) < 0) {
		int err = errno;

		if (err == EINTR)
			continue;
		close(fd);
		errno = err;
		return jerr_sys(e, err, "lock %s/%s", JAILSH_RUNDIR, name);
	}
	return fd;
}

/* NAME in DIR as an address: through the directory's descriptor, so
 * that the path that was checked is the one used. */
static int address(struct sockaddr_un *a, int dir, const char *name)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	return snprintf(a->sun_path, sizeof(a->sun_path), "/proc/self/fd/%d/%s",
			dir, name) < (int)sizeof(a->sun_path) ?
		       0 :
		       -1;
}

int registry_peer(int sock, pid_t *pid, uid_t *uid)
{
	struct ucred c;
	socklen_t len = sizeof(c);

	if (getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &c, &len) < 0)
		return -1;
	*pid = c.pid;
	*uid = c.uid;
	return 0;
}

int registry_connect(int dir, const char *name, int remove_stale, int *sock,
		     pid_t *warden, struct jerr *e)
{
	struct sockaddr_un a;
	uid_t uid;
	int s;

	*sock = -1;
	if (address(&a, dir, name) < 0)
		return jerr_set(e, "%s: name too long", name);
	s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s < 0)
		return jerr_sys(e, errno, "socket");
	if (connect(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int err = errno;

		close(s);
		if (err == ENOENT)
			return 0;
		/* a socket nobody listens on: its warden is gone */
		if (err == ECONNREFUSED) {
			if (remove_stale)
				unlinkat(dir, name, 0);
			return 0;
		}
		return jerr_sys(e, err, "connect to %s/%s", JAILSH_RUNDIR,
				name);
	}
	if (registry_peer(s, warden, &uid) < 0 || uid != 0) {
		close(s);
		return jerr_set(e, "%s/%s is not answered by root",
				JAILSH_RUNDIR, name);
	}
	*sock = s;
	return 1;
}

int registry_listen(int dir, const char *name, ino_t *ino, struct jerr *e)
{
	struct sockaddr_un a;
	struct stat st;
	int s;

	if (address(&a, dir, name) < 0)
		return jerr_set(e, "%s: name too long", name);
	s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s < 0)
		return jerr_sys(e, errno, "socket");
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    listen(s, 64) < 0) {
		jerr_sys(e, errno, "listen on %s/%s", JAILSH_RUNDIR, name);
		close(s);
		return -1;
	}
	*ino = st.st_ino;
	return s;
}

void registry_remove(int dir, const char *name, ino_t ino)
{
	struct stat st;

	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    st.st_ino == ino)
		unlinkat(dir, name, 0);
}
