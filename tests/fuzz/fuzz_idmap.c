/* libFuzzer harness: the subordinate id service's parsers (idmap.h,
 * subid.h), the code that the warden runs as root on what a jailed
 * process sends, and on /etc/subuid and /etc/subgid. Whatever the input,
 * they must return, never crash, hang or leak, and what they accept must
 * hold: a request that idmap_allowed passes maps only granted ids or the
 * user's own, never the host's root.
 *
 * The input: one byte, the number of descriptors that came with the
 * message (0 to 3); two bytes, the length of the message (the rest of the
 * input at most); the message (with the first byte's top bit, padded with
 * zeros to a request's size, so that the fields are reached); then the
 * text of a subid file, which is also split at blanks into a newuidmap
 * command line. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "idmap.h"
#include "subid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OWN 1000
#define MAX_ARGS 64

/* "alias" is another name of the user's uid */
static int alias(const char *owner, uid_t uid, void *ctx)
{
	(void)ctx;
	return uid == OWN && !strcmp(owner, "alias");
}

static void check_allowed(const struct idmap_request *req,
			  const struct subid_set *granted)
{
	char why[300];
	int subids;

	if (idmap_allowed(req, granted, OWN, &subids, why, sizeof(why)) < 0)
		return;
	for (uint32_t i = 0; i < req->nranges; i++) {
		const struct idmap_range *x = &req->range[i];

		if (x->outside == 0)
			abort(); /* the host's root */
		if (!subid_covers(granted, x->outside, x->count) &&
		    !(x->count == 1 && x->outside == OWN))
			abort(); /* more than was granted */
	}
}

/* What idmap_parse accepted is what the kernel takes: 1 to
 * IDMAP_MAX_RANGES ranges, none empty, none past the last id, none
 * overlapping another inside or outside. */
static void check_parsed(const struct idmap_request *r)
{
	if (r->nranges < 1 || r->nranges > IDMAP_MAX_RANGES)
		abort();
	for (uint32_t i = 0; i < r->nranges; i++) {
		const struct idmap_range *x = &r->range[i];

		if (!x->count || (uint64_t)x->inside + x->count > 0xffffffffU ||
		    (uint64_t)x->outside + x->count > 0xffffffffU)
			abort();
		for (uint32_t j = 0; j < i; j++) {
			const struct idmap_range *y = &r->range[j];

			if ((x->inside < (uint64_t)y->inside + y->count &&
			     y->inside < (uint64_t)x->inside + x->count) ||
			    (x->outside < (uint64_t)y->outside + y->count &&
			     y->outside < (uint64_t)x->outside + x->count))
				abort();
		}
	}
}

static void try_args(const char *text, size_t len,
		     const struct subid_set *granted)
{
	char *copy = strndup(text, len), *argv[MAX_ARGS + 1], *save = NULL;
	struct idmap_request req, got;
	int argc = 0, pid, procfd;
	char why[300], buf[4096];

	if (!copy)
		return;
	for (char *w = strtok_r(copy, " \t\n", &save); w && argc < MAX_ARGS;
	     w = strtok_r(NULL, " \t\n", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	for (int kind = IDMAP_UID; kind <= IDMAP_GID; kind++) {
		if (idmap_from_args(kind, argc, argv, &req, &pid, &procfd, why,
				    sizeof(why)) < 0)
			continue;
		req.pid = 1;
		/* what the client sends, the service must read back */
		if (idmap_parse(&req, sizeof(req), 1, &got, why, sizeof(why)) ==
		    0) {
			check_parsed(&got);
			check_allowed(&got, granted);
			idmap_format(&got, buf, sizeof(buf));
		}
	}
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct idmap_request req;
	struct subid_set granted;
	size_t mlen;
	char why[300], buf[4096];
	int nfds, padded;

	if (size < 3)
		return 0;
	nfds = data[0] % 4;
	padded = data[0] & 0x80;
	mlen = (size_t)data[1] << 8 | data[2];
	data += 3;
	size -= 3;
	/* a message of the request's size, zero-filled past the input */
	if (mlen > size)
		mlen = size;
	if (padded) {
		uint8_t *msg = calloc(1, sizeof(req));

		if (!msg)
			return 0;
		memcpy(msg, data, mlen < sizeof(req) ? mlen : sizeof(req));
		if (idmap_parse(msg, sizeof(req), nfds, &req, why,
				sizeof(why)) < 0)
			memset(&req, 0, sizeof(req));
		else
			check_parsed(&req);
		free(msg);
	} else if (idmap_parse(data, mlen, nfds, &req, why, sizeof(why)) < 0) {
		memset(&req, 0, sizeof(req));
	} else {
		check_parsed(&req);
	}
	if (subid_parse((const char *)data + mlen, size - mlen, "alice", OWN,
			alias, NULL, &granted) < 0)
		return 0;
	if (req.magic == IDMAP_MAGIC) {
		check_allowed(&req, &granted);
		idmap_format(&req, buf, sizeof(buf));
	}
	subid_describe(&granted, buf, sizeof(buf));
	try_args((const char *)data + mlen, size - mlen, &granted);
	subid_free(&granted);
	return 0;
}
