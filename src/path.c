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

int path_open(const char *path, const char *what, struct jerr *e)
{
	char rest[PATH_MAX], link[PATH_MAX], *comp;
	int dfd, links = 0;

	if (path[0] != '/' || strlen(path) >= sizeof(rest))
		return jerr_set(e, "%s %s: not an absolute path", what, path);
	dfd = open_without_links(path);
	if (dfd >= 0)
		return dfd;
	if (errno != ELOOP && errno != ENOSYS)
		return jerr_sys(e, errno, "%s %s", what, path);
	/* a link on the way: walk, following only root's */
	snprintf(rest, sizeof(rest), "%s", path);
	dfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return jerr_sys(e, errno, "%s %s: open /", what, path);
	comp = rest;
	for (;;) {
		struct stat st;
		size_t n;
		int fd;

		while (*comp == '/')
			comp++;
		if (!*comp)
			return dfd; /* "/" itself, or a trailing slash */
		n = strcspn(comp, "/");
		if (comp[n])
			comp[n++] = '\0';
		fd = openat(dfd, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			int err = errno;

			close(dfd);
			return jerr_sys(e, err, "%s %s", what, path);
		}
		if (fstat(fd, &st) < 0) {
			int err = errno;

			close(fd);
			close(dfd);
			return jerr_sys(e, err, "%s %s", what, path);
		}
		comp += n;
		if (S_ISLNK(st.st_mode)) {
			ssize_t len;

			/* without privilege (jailsh run) every link is
			 * followed: nothing is reached that the caller could
			 * not reach anyway */
			if ((st.st_uid != 0 && geteuid() == 0) ||
			    ++links > MAX_LINKS) {
				close(fd);
				close(dfd);
				return jerr_set(
					e,
					"%s %s: goes through a "
					"symbolic link owned by uid %u; "
					"links that are not root's are "
					"not followed",
					what, path, st.st_uid);
			}
			len = readlinkat(fd, "", link, sizeof(link) - 1);
			close(fd);
			if (len <= 0 ||
			    (size_t)len + strlen(comp) + 2 >= sizeof(rest)) {
				close(dfd);
				return jerr_set(e,
						"%s %s: cannot read a "
						"symbolic link on the way",
						what, path);
			}
			link[len] = '\0';
			/* what is left of the path now follows the link */
			snprintf(link + len, sizeof(link) - len, "/%s", comp);
			snprintf(rest, sizeof(rest), "%s", link);
			comp = rest;
			if (rest[0] == '/') {
				close(dfd);
				dfd = open("/",
					   O_PATH | O_DIRECTORY | O_CLOEXEC);
				if (dfd < 0)
					return jerr_sys(e, errno, "open /");
			}
			continue;
		}
		close(dfd);
		dfd = fd;
		if (*comp == '\0')
			return dfd;
		if (!S_ISDIR(st.st_mode)) {
			close(dfd);
			return jerr_sys(e, ENOTDIR, "%s %s", what, path);
		}
	}
}
