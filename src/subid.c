#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nss.h"
#include "subid.h"

/* shadow's own limit on a line of these files */
#define LINE_MAX_LEN 1024
/* more than any real file; a bound on what the warden reads */
#define FILE_MAX (64 << 20)

int subid_number(const char *s, uint64_t min, uint64_t max, uint64_t *v)
{
	const char *p = s;
	char *end;

	while (isspace((unsigned char)*p))
		p++;
	if (!*s || *p == '-')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return end == s || *end || errno || *v < min || *v > max ? -1 : 0;
}

/* Is the owner field the user's: the name, the uid as a number, or
 * another name of the same uid? */
static int owner_is(const char *owner, const char *name, uid_t uid,
		    subid_alias_fn *alias, void *ctx)
{
	uint64_t v;

	if (!strcmp(owner, name))
		return 1;
	if (strspn(owner, "0123456789") == strlen(owner))
		return subid_number(owner, 0, UINT32_MAX, &v) == 0 && v == uid;
	return alias && alias(owner, uid, ctx) == 1;
}

/* One line, in BUF (modifiable): 1 with *R when it grants the user a
 * range, 0 when it does not. */
static int parse_line(char *buf, const char *name, uid_t uid,
		      subid_alias_fn *alias, void *ctx, struct subid_range *r)
{
	char *f[3], *p = buf;
	uint64_t first, count;

	for (int i = 0; i < 3; i++) {
		f[i] = p;
		p = strchr(p, ':');
		if (i < 2 && !p)
			return 0;
		if (p)
			*p++ = '\0';
	}
	if (p || !*f[0] || !*f[1] || !*f[2])
		return 0; /* a field too many, or an empty one */
	if (subid_number(f[1], 0, UINT32_MAX, &first) < 0 ||
	    subid_number(f[2], 0, UINT32_MAX, &count) < 0 ||
	    count > (uint64_t)UINT32_MAX + 1 - first || count == 0)
		return 0;
	if (!owner_is(f[0], name, uid, alias, ctx))
		return 0;
	r->first = (uint32_t)first;
	r->count = count;
	return 1;
}

int subid_parse(const char *text, size_t len, const char *name, uid_t uid,
		subid_alias_fn *alias, void *ctx, struct subid_set *out)
{
	size_t at = 0;

	out->r = NULL;
	out->n = 0;
	len = strnlen(text, len);
	while (at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = (nl ? (size_t)(nl - text) : len) - at;
		char line[LINE_MAX_LEN];
		struct subid_range r, *grown;

		if (n < sizeof(line)) {
			memcpy(line, text + at, n);
			line[n] = '\0';
			if (parse_line(line, name, uid, alias, ctx, &r)) {
				grown = realloc(out->r,
						(out->n + 1) * sizeof(r));
				if (!grown) {
					subid_free(out);
					return -1;
				}
				out->r = grown;
				out->r[out->n++] = r;
			}
		}
		at += n + 1;
	}
	return 0;
}

/* The password database's word on OWNER; a failure is "no". */
static int alias_by_nss(const char *owner, uid_t uid, void *ctx)
{
	struct nss_entry ent = { 0 };
	struct jerr e;
	int same;

	(void)ctx;
	if (nss_get(&(struct nss_key){ .name = owner }, &ent, &e) <= 0)
		return 0;
	same = ent.pw.pw_uid == uid;
	nss_entry_free(&ent);
	return same;
}

/* FILE, whole, into *TEXT. */
static int read_file(const char *file, char **text, size_t *len, struct jerr *e)
{
	struct stat st;
	size_t n = 0;
	char *buf = NULL;
	int fd = open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return jerr_sys(e, errno, "cannot open %s", file);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & 002) || ((st.st_mode & 020) && st.st_gid != 0) ||
	    st.st_size > FILE_MAX) {
		close(fd);
		return jerr_set(e,
				"%s must be a regular file of root's that "
				"no one else may write",
				file);
	}
	buf = malloc((size_t)st.st_size + 1);
	while (buf && n <= (size_t)st.st_size) {
		ssize_t r = read(fd, buf + n, (size_t)st.st_size + 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (!buf || n > (size_t)st.st_size) {
		free(buf);
		return jerr_set(e, "cannot read %s", file);
	}
	*text = buf;
	*len = n;
	return 0;
}

int subid_load(const char *file, const struct identity *id,
	       struct subid_set *out, struct jerr *e)
{
	char *text = NULL;
	size_t len = 0;
	int r;

	out->r = NULL;
	out->n = 0;
	if (read_file(file, &text, &len, e) < 0)
		return -1;
	r = subid_parse(text, len, id->name, id->uid, alias_by_nss, NULL, out);
	free(text);
	return r < 0 ? jerr_sys(e, ENOMEM, "%s", file) : 0;
}

int subid_covers(const struct subid_set *s, uint32_t first, uint64_t count)
{
	uint64_t at = first, end = (uint64_t)first + count;

	if (count == 0)
		return 0;
	while (at < end) {
		uint64_t next = at;

		/* the furthest any range holding AT reaches */
		for (size_t i = 0; i < s->n; i++) {
			uint64_t a = s->r[i].first, b = a + s->r[i].count;

			if (a <= at && at < b && b > next)
				next = b;
		}
		if (next == at)
			return 0;
		at = next;
	}
	return 1;
}

void subid_describe(const struct subid_set *s, char *buf, size_t size)
{
	size_t at = 0;

	snprintf(buf, size, "none");
	for (size_t i = 0; i < s->n && at < size; i++) {
		const struct subid_range *r = &s->r[i];
		int n = snprintf(buf + at, size - at, "%s%u-%llu (%llu ids)",
				 i ? ", " : "", r->first,
				 (unsigned long long)(r->first + r->count - 1),
				 (unsigned long long)r->count);

		if (n < 0)
			break;
		at += (size_t)n;
	}
}

int subid_require(const struct identity *id, const char *why, struct jerr *e)
{
	struct subid_set u, g;
	int have;

	if (subid_load(SUBID_UID_FILE, id, &u, e) < 0)
		return jerr_prefix(e, "%s: containers = yes: ", why);
	if (subid_load(SUBID_GID_FILE, id, &g, e) < 0) {
		subid_free(&u);
		return jerr_prefix(e, "%s: containers = yes: ", why);
	}
	have = u.n && g.n;
	subid_free(&u);
	subid_free(&g);
	if (have)
		return 0;
	return jerr_set(e,
			"%s: containers = yes, but %s has no subordinate ids "
			"in %s and %s; root grants a range that no other "
			"user has with: usermod --add-subuids FIRST-LAST "
			"--add-subgids FIRST-LAST %s",
			why, id->name, SUBID_UID_FILE, SUBID_GID_FILE,
			id->name);
}

void subid_free(struct subid_set *s)
{
	free(s->r);
	s->r = NULL;
	s->n = 0;
}
