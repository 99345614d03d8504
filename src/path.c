#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fds.h"
#include "path.h"

#define MAX_LINKS 40

/* The common case in one system call: a path with no symbolic link at
 * all. Returns -1 with errno ELOOP when there is one somewhere. */
static int open_without_links(const char *path)
{
	/* not O_NOFOLLOW: with it, a link as the last component would be
	 * opened itself instead of failing */
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
}

/* A walk down a path, one component at a time. */
struct walk {
	const char *path, *what; /* for messages */
	char rest[PATH_MAX];     /* what is left of the path */
	char *comp;              /* where the next component starts, in rest */
	int dfd;                 /* the directory reached so far */
	int links;               /* symbolic links followed */
};

/* The component just opened (FD, owned by OWNER) is a symbolic link: what
 * is left of the path now goes on from where it points, from / if that
 * is absolute. FD is closed. */
static int follow_link(struct walk *w, int fd, uid_t owner, struct jerr *e)
{
	char link[PATH_MAX];
	ssize_t len;

	/* without privilege (jailsh run) every link is followed: nothing is
	 * reached that the caller could not reach anyway */
	if ((owner != 0 && geteuid() == 0) || ++w->links > MAX_LINKS) {
		close(fd);
		return jerr_set(e,
				"%s %s: goes through a symbolic link owned "
				"by uid %u; links that are not root's are not "
				"followed",
				w->what, w->path, owner);
	}
	len = readlinkat(fd, "", link, sizeof(link) - 1);
	close(fd);
	if (len <= 0 || (size_t)len + strlen(w->comp) + 2 >= sizeof(w->rest))
		return jerr_set(e,
				"%s %s: cannot read a symbolic link on the "
				"way",
				w->what, w->path);
	link[len] = '\0';
	snprintf(link + len, sizeof(link) - len, "/%s", w->comp);
	snprintf(w->rest, sizeof(w->rest), "%s", link);
	w->comp = w->rest;
	if (w->rest[0] != '/')
		return 0;
	close(w->dfd);
	w->dfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	return w->dfd < 0 ? jerr_sys(e, errno, "open /") : 0;
}

/* The next component, opened at the directory reached. Returns 1 when
 * w->dfd is the whole path, 0 to go on, -1 on failure. */
static int step(struct walk *w, struct jerr *e)
{
	struct stat st;
	size_t n;
	int fd;

	while (*w->comp == '/')
		w->comp++;
	if (!*w->comp)
		return 1; /* "/" itself, or a trailing slash */
	n = strcspn(w->comp, "/");
	if (w->comp[n])
		w->comp[n++] = '\0';
	fd = openat(w->dfd, w->comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		int err = errno;

		fds_close(&fd);
		return jerr_sys(e, err, "%s %s", w->what, w->path);
	}
	w->comp += n;
	if (S_ISLNK(st.st_mode))
		return follow_link(w, fd, st.st_uid, e);
	close(w->dfd);
	w->dfd = fd;
	if (!*w->comp)
		return 1;
	if (!S_ISDIR(st.st_mode))
		return jerr_sys(e, ENOTDIR, "%s %s", w->what, w->path);
	return 0;
}

int path_open(const char *path, const char *what, struct jerr *e)
{
	struct walk w = { .path = path, .what = what };
	int r;

	if (path[0] != '/' || strlen(path) >= sizeof(w.rest))
		return jerr_set(e, "%s %s: not an absolute path", what, path);
	w.dfd = open_without_links(path);
	if (w.dfd >= 0)
		return w.dfd;
	if (errno != ELOOP && errno != ENOSYS)
		return jerr_sys(e, errno, "%s %s", what, path);
	/* a link on the way: walk, following only root's */
	snprintf(w.rest, sizeof(w.rest), "%s", path);
	w.comp = w.rest;
	w.dfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (w.dfd < 0)
		return jerr_sys(e, errno, "%s %s: open /", what, path);
	while ((r = step(&w, e)) == 0)
		;
	if (r < 0)
		fds_close(&w.dfd);
	return r < 0 ? -1 : w.dfd;
}
