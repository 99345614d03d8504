#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"

static int cont(unsigned char c, unsigned char lo, unsigned char hi)
{
	return c >= lo && c <= hi;
}

/* The length of the valid UTF-8 sequence at S (Unicode, table 3-7: no
 * overlong forms, no surrogates, nothing past U+10FFFF), or 0. Stops at
 * the NUL, which is never a continuation byte. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return cont(s[1], 0x80, 0xbf) ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		unsigned char lo = c == 0xe0 ? 0xa0 : 0x80,
			      hi = c == 0xed ? 0x9f : 0xbf;

		return cont(s[1], lo, hi) && cont(s[2], 0x80, 0xbf) ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned char lo = c == 0xf0 ? 0x90 : 0x80,
			      hi = c == 0xf4 ? 0x8f : 0xbf;

		if (!cont(s[1], lo, hi) || !cont(s[2], 0x80, 0xbf))
			return 0;
		return cont(s[3], 0x80, 0xbf) ? 4 : 0;
	}
	return 0;
}

/* How the character at S (LEN bytes, 0 for a bad byte) is shown: into
 * OUT (at least 7 bytes); returns its length, or 0 if it is kept. */
static size_t shown(const unsigned char *s, size_t len, char *out)
{
	if (len == 0)
		return (size_t)sprintf(out, "\\x%02x", s[0]);
	if (len == 2 && s[0] == 0xc2 && s[1] < 0xa0)
		return (size_t)sprintf(out, "\\u%04x", s[1]);
	if (len > 1 || (s[0] >= 0x20 && s[0] != 0x7f))
		return 0;
	if (s[0] == '\n' || s[0] == '\r' || s[0] == '\t')
		return (size_t)sprintf(out, "\\%c",
				       s[0] == '\n' ? 'n' :
				       s[0] == '\r' ? 'r' :
						      't');
	return (size_t)sprintf(out, "\\x%02x", s[0]);
}

size_t escape_text(char *dst, size_t size, const char *src)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t n = 0;

	while (*s) {
		size_t len = utf8_len(s), k;
		char esc[8];
		const char *put = esc;

		k = shown(s, len, esc);
		if (!k) {
			put = (const char *)s;
			k = len;
		}
		if (n + k >= size)
			break;
		memcpy(dst + n, put, k);
		n += k;
		s += len ? len : 1;
	}
	dst[n] = '\0';
	return n;
}

void escape_in_place(char *buf, size_t size)
{
	unsigned char *s = (unsigned char *)buf;
	char esc[8], *copy;
	int clean = 1;

	for (size_t len; *s && clean; s += len ? len : 1) {
		len = utf8_len(s);
		clean = !shown(s, len, esc);
	}
	if (clean)
		return;
	copy = strdup(buf);
	if (copy) {
		escape_text(buf, size, copy);
		free(copy);
		return;
	}
	for (s = (unsigned char *)buf; *s;) {
		size_t len = utf8_len(s);

		if (!shown(s, len, esc)) {
			s += len;
			continue;
		}
		len = len ? len : 1;
		memset(s, '?', len);
		s += len;
	}
}
