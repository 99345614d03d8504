#define _GNU_SOURCE
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "self.h"

/* NSS entries can be large (LDAP, SSSD): the buffer grows to this */
#define PW_BUF_MAX (1 << 20)

int self_is(const char *path, struct jerr *e)
{
	struct stat st, me;

	if (path[0] != '/')
		return jerr_set(e, "%s: not an absolute path", path);
	if (stat("/proc/self/exe", &me) < 0)
		return jerr_sys(e, errno, "/proc/self/exe");
	if (stat(path, &st) < 0) {
		/* nothing there: nothing could have run it as us */
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return jerr_sys(e, errno, "%s", path);
	}
	return st.st_dev == me.st_dev && st.st_ino == me.st_ino;
}

int self_is_login_shell(uid_t uid, struct jerr *e)
{
	struct passwd pw, *res = NULL;
	size_t size = 16384;
	char *buf = NULL;
	int r;

	for (;;) {
		char *b = realloc(buf, size);

		if (!b) {
			free(buf);
			return jerr_sys(e, ENOMEM, "uid %u: password database",
					uid);
		}
		buf = b;
		r = getpwuid_r(uid, &pw, buf, size, &res);
		if (r != ERANGE || size >= PW_BUF_MAX)
			break;
		size *= 2;
	}
	if (r)
		r = jerr_sys(e, r, "uid %u: password database", uid);
	else if (!res)
		r = jerr_set(e, "uid %u has no entry in the password database",
			     uid);
	else
		r = self_is(pw.pw_shell[0] ? pw.pw_shell : "/bin/sh", e);
	free(buf);
	return r;
}
