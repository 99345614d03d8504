#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nss.h"

static int libc_call(const struct nss_key *k, struct nss_entry *ent, int *found)
{
	struct passwd *pw = NULL;
	struct group *gr = NULL;
	int r;

	if (k->group && k->name)
		r = getgrnam_r(k->name, &ent->gr, ent->buf, ent->size, &gr);
	else if (k->group)
		r = getgrgid_r(k->id, &ent->gr, ent->buf, ent->size, &gr);
	else if (k->name)
		r = getpwnam_r(k->name, &ent->pw, ent->buf, ent->size, &pw);
	else
		r = getpwuid_r(k->id, &ent->pw, ent->buf, ent->size, &pw);
	*found = pw || gr;
	return r;
}

/* "group database: gid 100", for messages */
static void describe(const struct nss_key *k, char *buf, size_t len)
{
	const char *db = k->group ? "group database" : "password database";

	if (k->name)
		snprintf(buf, len, "%s: %s %s", db, k->group ? "group" : "user",
			 k->name);
	else
		snprintf(buf, len, "%s: %s %u", db, k->group ? "gid" : "uid",
			 k->id);
}

/* What the C library says fits most entries; 16 KiB if it says less. */
static size_t first_size(const struct nss_key *k)
{
	long n =
		sysconf(k->group ? _SC_GETGR_R_SIZE_MAX : _SC_GETPW_R_SIZE_MAX);

	return n > 16384 && n <= NSS_MAX_BUF ? (size_t)n : 16384;
}

static int grow(struct nss_entry *ent, size_t size)
{
	char *buf = realloc(ent->buf, size);

	if (!buf)
		return -1;
	ent->buf = buf;
	ent->size = size;
	return 0;
}

int nss_get_with(nss_call_fn *call, const struct nss_key *key,
		 struct nss_entry *ent, struct jerr *e)
{
	size_t size = ent->size ? ent->size : first_size(key);
	char what[300];
	int r, found;

	describe(key, what, sizeof(what));
	for (;;) {
		if (size != ent->size && grow(ent, size) < 0)
			return jerr_sys(e, ENOMEM, "%s", what);
		r = call(key, ent, &found);
		if (r != ERANGE)
			break;
		if (size >= NSS_MAX_BUF)
			return jerr_set(e,
					"%s: the entry is larger than %d "
					"bytes, the most jailsh reads",
					what, NSS_MAX_BUF);
		size = size * 2 > NSS_MAX_BUF ? NSS_MAX_BUF : size * 2;
	}
	/* only 0 without an entry means "none": any error (a file that
	 * cannot be read, a server that does not answer, ENOMEM) is not an
	 * answer, and never taken for one */
	if (r)
		return jerr_set(e,
				"%s: %s; no profile is chosen without an "
				"answer (see nsswitch.conf)",
				what, strerror(r));
	return found;
}

int nss_get(const struct nss_key *key, struct nss_entry *ent, struct jerr *e)
{
	return nss_get_with(libc_call, key, ent, e);
}

void nss_entry_free(struct nss_entry *ent)
{
	free(ent->buf);
	ent->buf = NULL;
	ent->size = 0;
}
