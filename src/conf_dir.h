/* The configuration directory: only root-owned files that nobody else can
 * write are ever read, because what they say is applied with privilege. */
#ifndef JAILSH_CONF_DIR_H
#define JAILSH_CONF_DIR_H

#include "err.h"

#define CONF_DIR_MAX_FILE (1 << 20)

struct conf_dir {
	const char *path; /* for messages */
	int fd;           /* -1 when the directory does not exist */
};

/* Opens PATH after checking every directory from / down: owned by root and
 * not writable by group or other (above PATH a sticky directory such as
 * /tmp is allowed, since nobody else can rename what root owns there). A
 * directory that does not exist is not an error (fd is -1: the built-in
 * default applies), unless the directory where it is missing can be
 * written by others. */
int conf_dir_open(struct conf_dir *d, const char *path, struct jerr *e);
void conf_dir_close(struct conf_dir *d);

/* Reads REL ("default.conf", "users/alice.conf") into a NUL-terminated
 * buffer. Returns 1 and *text, 0 when the file does not exist (ENOENT,
 * nothing else), -1 when it exists but may not be used (wrong owner or
 * mode, not a regular file, a symbolic link, a NUL byte, too large) or
 * cannot be read. */
int conf_dir_read(const struct conf_dir *d, const char *rel, char **text,
		  struct jerr *e);

/* The names of the files NAME SUFFIX in the subdirectory SUB (no name
 * that starts with a dot), sorted, without SUFFIX, NULL-terminated: only
 * names, each file is checked when it is read. None when SUB does not
 * exist; any other error (SUB not a directory, a symbolic link, a read
 * that fails) is -1. conf_dir_list_free() frees them. */
int conf_dir_list(const struct conf_dir *d, const char *sub, const char *suffix,
		  char ***names, size_t *n, struct jerr *e);
void conf_dir_list_free(char **names, size_t n);

#endif
