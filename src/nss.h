/* The password and group databases, one entry at a time: the buffer grows
 * while the entry does not fit, and "no such entry" is told apart from a
 * database that failed to answer. */
#ifndef JAILSH_NSS_H
#define JAILSH_NSS_H

#include <grp.h>
#include <pwd.h>
#include <stddef.h>

#include "err.h"

/* The most one entry may take: a group of some 60,000 members. */
#define NSS_MAX_BUF (1 << 20)

struct nss_key {
	int group;        /* the group database; else the password database */
	const char *name; /* by name; NULL: by id */
	unsigned int id;  /* the uid or gid */
};

struct nss_entry {
	union {
		struct passwd pw;
		struct group gr;
	};
	char *buf; /* what the strings of pw or gr point into */
	size_t size;
};

/* One getpwuid_r, getpwnam_r, getgrgid_r or getgrnam_r for KEY into
 * ent->buf (ent->size bytes): its return value, and *found. */
typedef int nss_call_fn(const struct nss_key *key, struct nss_entry *ent,
			int *found);

/* 1: found (ent is filled; nss_entry_free it), 0: no such entry, -1: the
 * database failed (any error, or an entry larger than NSS_MAX_BUF), with
 * e set. ent must be zeroed before the first call. */
int nss_get(const struct nss_key *key, struct nss_entry *ent, struct jerr *e);
/* The same with CALL instead of the C library's (for the unit tests). */
int nss_get_with(nss_call_fn *call, const struct nss_key *key,
		 struct nss_entry *ent, struct jerr *e);
void nss_entry_free(struct nss_entry *ent);

#endif
