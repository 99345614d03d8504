/* The subordinate ids an administrator granted a user: /etc/subuid and
 * /etc/subgid, read as shadow's newuidmap and newgidmap read them. Each
 * line is OWNER:FIRST:COUNT; OWNER is the user's name, or a number that
 * is the user's uid, or another name the password database gives the
 * same uid; the numbers are decimal, 0x hex or 0 octal. A line that is
 * not exactly that (a comment, a field too many, a number too large) is
 * no grant, as for shadow. nsswitch's "subid:" sources are not asked. */
#ifndef JAILSH_SUBID_H
#define JAILSH_SUBID_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "identity.h"

#define SUBID_UID_FILE "/etc/subuid"
#define SUBID_GID_FILE "/etc/subgid"

struct subid_range {
	uint32_t first;
	uint64_t count; /* 1 to 2^32 - first, and below 2^32 */
};

struct subid_set {
	struct subid_range *r;
	size_t n;
};

/* A number as shadow's tools take one, in a file or on newuidmap's command
 * line: strtoul's base 0, all of S, not negative, from MIN to MAX. */
int subid_number(const char *s, uint64_t min, uint64_t max, uint64_t *v);

/* Is OWNER, a name that is neither the user's nor a number, another
 * name of the same uid? 1 yes, 0 no (and when the database cannot say). */
typedef int subid_alias_fn(const char *owner, uid_t uid, void *ctx);

/* The ranges in TEXT (LEN bytes, a NUL among them ends it) that belong to
 * the user NAME with UID (ALIAS, if not NULL, for other names), into OUT
 * (subid_free it). -1 only when memory runs out. */
int subid_parse(const char *text, size_t len, const char *name, uid_t uid,
		subid_alias_fn *alias, void *ctx, struct subid_set *out);

/* The same from FILE (SUBID_UID_FILE or SUBID_GID_FILE), which must be a
 * regular file of root's that no one else may write: -1 with e set when
 * it is not, or cannot be read. */
int subid_load(const char *file, const struct identity *id,
	       struct subid_set *out, struct jerr *e);

/* Do the ranges of S cover every id of FIRST .. FIRST + COUNT - 1, one
 * range after another if need be? (COUNT 0 never is.) */
int subid_covers(const struct subid_set *s, uint32_t first, uint64_t count);

/* "100000-165535 (65536 ids)" for each range, ", " between them; "none"
 * for none. */
void subid_describe(const struct subid_set *s, char *buf, size_t size);

/* Refuses (one line naming both files and the usermod command that
 * grants ranges) when ID has no subordinate uids or gids; WHY is the
 * profile's "FILE:LINE" that asks for them. 0 when there are both. */
int subid_require(const struct identity *id, const char *why, struct jerr *e);

void subid_free(struct subid_set *s);

#endif
