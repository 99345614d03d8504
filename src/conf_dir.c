#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf_dir.h"
#include "fds.h"

static int check_owner(const struct stat *st, const char *what,
		       const char *path, int allow_sticky, struct jerr *e)
{
	if (st->st_uid != 0)
		return jerr_set(e,
				"%s %s is owned by uid %u, not root; "
				"chown root it",
				what, path, st->st_uid);
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) &&
	    !(allow_sticky && (st->st_mode & S_ISVTX)))
		return jerr_set(e,
				"%s %s is writable by group or others "
				"(mode %04o); chmod go-w it",
				what, path, st->st_mode & 07777);
	return 0;
}

int conf_dir_open(struct conf_dir *d, const char *path, struct jerr *e)
{
	char buf[4096], dir[4096], *comp, *save = NULL;
	struct stat st;
	int fd, r = 0;

	d->path = path;
	d->fd = -1;
	if (path[0] != '/' || strlen(path) >= sizeof(buf))
		return jerr_set(e,
				"configuration directory %s: not an "
				"absolute path",
				path);
	strcpy(buf, path);
	fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return jerr_sys(e, errno, "open /");
	for (comp = strtok_r(buf, "/", &save); comp;
	     comp = strtok_r(NULL, "/", &save)) {
		int next;

		/* the directory that holds comp, for messages */
		snprintf(dir, sizeof(dir), "%.*s", (int)(comp - buf - 1), path);
		if (fstat(fd, &st) < 0) {
			r = jerr_sys(e, errno, "stat %s/", dir);
			goto out;
		}
		r = check_owner(&st, "directory", dir[0] ? dir : "/", 1, e);
		if (r < 0)
			goto out;
		next = openat(fd, comp,
			      O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && errno == ENOENT &&
		    (st.st_mode & (S_IWGRP | S_IWOTH))) {
			/* in a directory others may write to, "missing" can
			 * be a rename the user made: refuse, never fall back */
			r = jerr_set(e,
				     "configuration directory %s is missing "
				     "from %s, which others can write to",
				     path, dir[0] ? dir : "/");
			goto out;
		}
		if (next < 0) {
			/* no configuration at all: the built-in default */
			if (errno != ENOENT)
				r = jerr_sys(e, errno,
					     "configuration "
					     "directory %s (symbolic links "
					     "are not followed)",
					     path);
			goto out;
		}
		close(fd);
		fd = next;
	}
	if (fstat(fd, &st) < 0) {
		r = jerr_sys(e, errno, "stat %s", path);
		goto out;
	}
	r = check_owner(&st, "configuration directory", path, 0, e);
	if (r < 0)
		goto out;
	d->fd = fd;
	return 0;
out:
	close(fd);
	return r;
}

void conf_dir_close(struct conf_dir *d)
{
	fds_close(&d->fd);
}

/* The directory part of REL ("users/") is checked as well as the file. */
static int check_subdir(const struct conf_dir *d, const char *rel,
			struct jerr *e)
{
	const char *slash = strrchr(rel, '/');
	char sub[256], full[4096];
	struct stat st;

	if (!slash)
		return 0;
	if ((size_t)(slash - rel) >= sizeof(sub))
		return jerr_set(e, "%s/%s: name too long", d->path, rel);
	memcpy(sub, rel, slash - rel);
	sub[slash - rel] = '\0';
	if (fstatat(d->fd, sub, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ?
			       0 :
			       jerr_sys(e, errno, "%s/%s", d->path, sub);
	snprintf(full, sizeof(full), "%s/%s", d->path, sub);
	if (!S_ISDIR(st.st_mode))
		return jerr_set(e, "%s is not a directory", full);
	return check_owner(&st, "directory", full, 0, e);
}

/* Exactly size bytes, as fstat() said, or an error: a profile cut short
 * by a failing disk or by a writer racing this read must never be taken
 * for the whole profile (a missing hide or a missing jail_all_users would
 * fail open). Returns 0 with errno set. */
static char *read_all(int fd, size_t size)
{
	char *buf = malloc(size + 2);
	size_t got = 0;
	ssize_t n = 1;

	if (!buf)
		return NULL;
	/* one byte more than expected: a file that grew is also refused */
	while (got <= size && n != 0) {
		n = read(fd, buf + got, size + 1 - got);
		if (n < 0 && errno != EINTR)
			break;
		if (n > 0)
			got += n;
	}
	if (n < 0 || got != size) {
		if (n >= 0)
			errno = ESTALE;
		free(buf);
		return NULL;
	}
	buf[got] = '\0';
	return buf;
}

int conf_dir_read(const struct conf_dir *d, const char *rel, char **text,
		  struct jerr *e)
{
	char full[4096];
	struct stat st;
	int fd;

	*text = NULL;
	if (d->fd < 0)
		return 0;
	snprintf(full, sizeof(full), "%s/%s", d->path, rel);
	if (check_subdir(d, rel, e) < 0)
		return -1;
	/* O_NONBLOCK: a FIFO planted here must not hang the login. */
	fd = openat(d->fd, rel,
		    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 0; /* the only error that means "no such profile" */
	if (fd < 0 && errno == ELOOP)
		return jerr_set(e,
				"%s is a symbolic link; profiles must be "
				"regular files",
				full);
	if (fd < 0)
		return jerr_sys(e, errno, "open %s", full);
	if (fstat(fd, &st) < 0) {
		jerr_sys(e, errno, "stat %s", full);
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		jerr_set(e, "%s is not a regular file", full);
		goto fail;
	}
	if (check_owner(&st, "profile", full, 0, e) < 0)
		goto fail;
	if (st.st_size > CONF_DIR_MAX_FILE) {
		jerr_set(e, "%s is larger than %d bytes", full,
			 CONF_DIR_MAX_FILE);
		goto fail;
	}
	*text = read_all(fd, st.st_size);
	if (!*text) {
		if (errno == ESTALE)
			jerr_set(e,
				 "%s changed size while it was read; try "
				 "again once it is written",
				 full);
		else
			jerr_sys(e, errno, "read %s", full);
		goto fail;
	}
	close(fd);
	if (strlen(*text) != (size_t)st.st_size) {
		free(*text);
		*text = NULL;
		return jerr_set(e, "%s contains a NUL byte", full);
	}
	return 1;
fail:
	close(fd);
	return -1;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_name(char ***names, size_t *n, const char *s, size_t len)
{
	char **grown = realloc(*names, (*n + 2) * sizeof(char *));

	if (!grown)
		return -1;
	*names = grown;
	grown[*n] = strndup(s, len);
	if (!grown[*n])
		return -1;
	grown[++*n] = NULL;
	return 0;
}

/* Every NAME of NAME SUFFIX in DIR, in *names. -1 with errno set when
 * the directory cannot be read to its end. */
static int read_names(DIR *dir, const char *suffix, char ***names, size_t *n)
{
	size_t slen = strlen(suffix);
	struct dirent *de;

	for (;;) {
		size_t len;

		errno = 0; /* readdir says "the end" and "an error" alike */
		de = readdir(dir);
		if (!de)
			return errno ? -1 : 0;
		len = strlen(de->d_name);
		if (len <= slen || de->d_name[0] == '.' ||
		    strcmp(de->d_name + len - slen, suffix))
			continue;
		if (add_name(names, n, de->d_name, len - slen) < 0)
			return -1;
	}
}

int conf_dir_list(const struct conf_dir *d, const char *sub, const char *suffix,
		  char ***names, size_t *n, struct jerr *e)
{
	char full[4096];
	DIR *dir;
	int fd, r;

	*names = NULL;
	*n = 0;
	if (d->fd < 0)
		return 0;
	snprintf(full, sizeof(full), "%s/%s", d->path, sub);
	fd = openat(d->fd, sub,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 0; /* the only error that means "none" */
	if (fd < 0 && (errno == ENOTDIR || errno == ELOOP))
		return jerr_set(e,
				"%s is not a directory (symbolic links are "
				"not followed)",
				full);
	dir = fd < 0 ? NULL : fdopendir(fd);
	if (!dir) {
		r = jerr_sys(e, errno, "open %s", full);
		fds_close(&fd);
		return r;
	}
	r = read_names(dir, suffix, names, n);
	if (r < 0) {
		jerr_sys(e, errno, "read %s", full);
		conf_dir_list_free(*names, *n);
		*names = NULL;
		*n = 0;
	}
	closedir(dir);
	if (*n > 1)
		qsort(*names, *n, sizeof(char *), by_name);
	return r;
}

void conf_dir_list_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}
