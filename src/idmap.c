#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idmap.h"
#include "subid.h"

/* The kernel's bound: FIRST + COUNT must not pass this (no id is 2^32-1). */
#define ID_END 0xffffffffULL

static const char *kind_word(uint32_t kind)
{
	return kind == IDMAP_GID ? "gid" : "uid";
}

static int overlap(uint64_t a, uint64_t n, uint64_t b, uint64_t m)
{
	return a < b + m && b < a + n;
}

/* Range I of R, on its own and against those before it. */
static int check_range(const struct idmap_request *r, uint32_t i, char *why,
		       size_t size)
{
	const struct idmap_range *x = &r->range[i];

	if (x->count == 0 || x->inside + (uint64_t)x->count > ID_END ||
	    x->outside + (uint64_t)x->count > ID_END) {
		snprintf(why, size,
			 "malformed request: %s range %u is empty or runs "
			 "past the last id",
			 kind_word(r->kind), i + 1);
		return -1;
	}
	for (uint32_t j = 0; j < i; j++) {
		const struct idmap_range *y = &r->range[j];

		if (overlap(x->inside, x->count, y->inside, y->count) ||
		    overlap(x->outside, x->count, y->outside, y->count)) {
			snprintf(why, size,
				 "malformed request: %s ranges %u and %u "
				 "overlap",
				 kind_word(r->kind), j + 1, i + 1);
			return -1;
		}
	}
	return 0;
}

int idmap_parse(const void *buf, size_t len, int nfds,
		struct idmap_request *out, char *why, size_t size)
{
	static const struct idmap_range zero;
	struct idmap_request *r = out;

	if (len != sizeof(*r) || nfds != 1) {
		snprintf(why, size,
			 "malformed request: %zu bytes and %d descriptors, "
			 "not %zu and one",
			 len, nfds, sizeof(*r));
		return -1;
	}
	memcpy(r, buf, sizeof(*r));
	if (r->magic != IDMAP_MAGIC ||
	    (r->kind != IDMAP_UID && r->kind != IDMAP_GID) || r->pid <= 0 ||
	    r->nranges < 1 || r->nranges > IDMAP_MAX_RANGES) {
		snprintf(why, size,
			 "malformed request: not a uid or gid map of 1 to "
			 "%d ranges for a process",
			 IDMAP_MAX_RANGES);
		return -1;
	}
	for (uint32_t i = 0; i < IDMAP_MAX_RANGES; i++) {
		if (i >= r->nranges) {
			if (memcmp(&r->range[i], &zero, sizeof(zero))) {
				snprintf(why, size,
					 "malformed request: data past the "
					 "last range");
				return -1;
			}
		} else if (check_range(r, i, why, size) < 0) {
			return -1;
		}
	}
	return 0;
}

int idmap_allowed(const struct idmap_request *req,
		  const struct subid_set *granted, uint32_t own, int *subids,
		  char *why, size_t size)
{
	const char *k = kind_word(req->kind);

	*subids = 0;
	for (uint32_t i = 0; i < req->nranges; i++) {
		const struct idmap_range *x = &req->range[i];
		unsigned long long in = x->inside, out = x->outside,
				   n = x->count;

		if (x->outside == 0) {
			snprintf(why, size,
				 "%s range [%llu-%llu) -> [%llu-%llu) not "
				 "allowed: it maps the host's root",
				 k, in, in + n, out, out + n);
			return -1;
		}
		if (subid_covers(granted, x->outside, x->count)) {
			*subids = 1;
			continue;
		}
		if (x->count == 1 && x->outside == own)
			continue;
		snprintf(why, size,
			 "%s range [%llu-%llu) -> [%llu-%llu) not allowed: "
			 "not your own %s and not granted in %s",
			 k, in, in + n, out, out + n, k,
			 req->kind == IDMAP_GID ? SUBID_GID_FILE :
						  SUBID_UID_FILE);
		return -1;
	}
	return 0;
}

int idmap_format(const struct idmap_request *req, char *buf, size_t size)
{
	size_t at = 0;

	for (uint32_t i = 0; i < req->nranges; i++) {
		const struct idmap_range *x = &req->range[i];
		int n = snprintf(buf + at, size - at, "%u %u %u\n", x->inside,
				 x->outside, x->count);

		if (n < 0 || (size_t)n >= size - at)
			return -1;
		at += (size_t)n;
	}
	return (int)at;
}

static int decimal(const char *s, unsigned long long max, unsigned long long *v)
{
	size_t n = strlen(s);

	if (!n || n > 10 || strspn(s, "0123456789") != n)
		return -1;
	*v = strtoull(s, NULL, 10);
	return *v > max ? -1 : 0;
}

static int target(const char *s, int *pid, int *procfd)
{
	unsigned long long v;

	*pid = 0;
	*procfd = -1;
	if (!strncmp(s, "fd:", 3) && s[3]) {
		if (decimal(s + 3, INT_MAX, &v) < 0)
			return -1;
		*procfd = (int)v;
		return 0;
	}
	if (decimal(s, INT_MAX, &v) < 0 || v == 0)
		return -1;
	*pid = (int)v;
	return 0;
}

int idmap_from_args(int kind, int argc, char *const *argv,
		    struct idmap_request *req, int *pid, int *procfd, char *why,
		    size_t size)
{
	int n = argc - 1;

	memset(req, 0, sizeof(*req));
	req->magic = IDMAP_MAGIC;
	req->kind = (uint32_t)kind;
	if (argc < 4 || n % 3 || n / 3 > IDMAP_MAX_RANGES ||
	    target(argv[0], pid, procfd) < 0) {
		snprintf(why, size,
			 "usage: new%smap [<pid>|fd:<pidfd>] <%s> <lower%s> "
			 "<count> [ <%s> <lower%s> <count> ] ...",
			 kind_word(req->kind), kind_word(req->kind),
			 kind_word(req->kind), kind_word(req->kind),
			 kind_word(req->kind));
		return -1;
	}
	req->nranges = (uint32_t)(n / 3);
	for (int i = 0; i < n / 3; i++) {
		uint64_t in, out, count;
		const char *const *a = (const char *const *)argv + 1 + 3 * i;

		if (subid_number(a[0], 0, UINT_MAX - 1, &in) < 0 ||
		    subid_number(a[1], 0, UINT_MAX - 1, &out) < 0 ||
		    subid_number(a[2], 1, UINT_MAX - (in > out ? in : out),
				 &count) < 0) {
			snprintf(why, size,
				 "%s range %d: not a number, or out "
				 "of range",
				 kind_word(req->kind), i + 1);
			return -1;
		}
		req->range[i] = (struct idmap_range){ (uint32_t)in,
						      (uint32_t)out,
						      (uint32_t)count };
	}
	return 0;
}
