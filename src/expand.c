#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expand.h"

#define PATH_LIMIT 4096

static int fail(char *why, size_t len, const char *msg)
{
	snprintf(why, len, "%s", msg);
	return -1;
}

/* Shared by both stages: the characters and components of a path. */
static int check_components(const char *p, char *why, size_t len)
{
	for (const char *c = p; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return fail(why, len, "control character in path");
	for (const char *c = p; *c;) {
		size_t n;

		while (*c == '/')
			c++;
		n = strcspn(c, "/");
		if ((n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			return fail(why, len,
				    "\".\" and \"..\" are not "
				    "allowed in paths");
		c += n;
	}
	return 0;
}

int expand_check(const char *raw, char *why, size_t len)
{
	if (!raw[0])
		return fail(why, len, "empty path");
	if (raw[0] != '/' && !(raw[0] == '~' && (!raw[1] || raw[1] == '/')))
		return fail(why, len,
			    "path must be absolute (or start with "
			    "~/)");
	for (const char *c = strchr(raw, '%'); c; c = strchr(c + 2, '%'))
		if (!c[1] || !strchr("huUg%", c[1]))
			return fail(why, len,
				    "unknown %-sequence in path "
				    "(known: %h %u %U %g %%)");
	return check_components(raw, why, len);
}

/* Appends s to the output buffer, failing when it would not fit. */
static int put(char *buf, size_t *n, const char *s)
{
	size_t l = strlen(s);

	if (*n + l >= PATH_LIMIT)
		return -1;
	memcpy(buf + *n, s, l);
	*n += l;
	buf[*n] = '\0';
	return 0;
}

static void canonicalize(char *p)
{
	char *w = p;

	for (char *r = p; *r; r++)
		if (!(*r == '/' && w > p && w[-1] == '/'))
			*w++ = *r;
	*w = '\0';
	if (w - p > 1 && w[-1] == '/')
		w[-1] = '\0';
}

int expand_path(const char *raw, const struct identity *id, char **out,
		char *why, size_t len)
{
	char buf[PATH_LIMIT] = "", num[16];
	size_t n = 0;
	const char *r = raw;

	*out = NULL;
	if (expand_check(raw, why, len) < 0)
		return -1;
	if (r[0] == '~') {
		if (put(buf, &n, id->home) < 0)
			return fail(why, len, "path too long");
		r++;
	}
	for (; *r; r++) {
		char c[2] = { *r, '\0' };
		const char *s = c;

		if (*r == '%') {
			switch (*++r) {
			case 'h':
				s = id->home;
				break;
			case 'u':
				s = id->name;
				break;
			case 'g':
				s = id->group;
				break;
			case 'U':
				snprintf(num, sizeof(num), "%u", id->uid);
				s = num;
				break;
			default:
				s = "%";
				break;
			}
		}
		if (put(buf, &n, s) < 0)
			return fail(why, len, "path too long");
	}
	if (buf[0] != '/')
		return fail(why, len, "path is not absolute after expansion");
	canonicalize(buf);
	/* the home directory or a name may have brought in "..": check the
	 * result, not only what the administrator wrote */
	if (check_components(buf, why, len) < 0)
		return -1;
	*out = strdup(buf);
	return *out ? 0 : fail(why, len, "out of memory");
}

int path_is_below(const char *child, const char *parent)
{
	size_t n = strlen(parent);

	if (strcmp(parent, "/") == 0)
		return strcmp(child, "/") != 0;
	return strncmp(child, parent, n) == 0 && child[n] == '/';
}

int path_compare(const char *a, const char *b)
{
	/* as strcmp, but '/' sorts before every other character */
	for (; *a && *a == *b; a++, b++)
		;
	if (*a == *b)
		return 0;
	if (*a == '/' || !*b)
		return *b ? -1 : 1;
	if (*b == '/' || !*a)
		return *a ? 1 : -1;
	return (unsigned char)*a - (unsigned char)*b;
}
