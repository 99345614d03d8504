/* subid_parse(), subid_covers(), subid_describe(): /etc/subuid as shadow
 * reads it; idmap_parse(), idmap_allowed(), idmap_format() and
 * idmap_from_args(): the id-mapping service's request, policy and
 * newuidmap's command line. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "idmap.h"
#include "subid.h"
#include "tap.h"

#define OWN 1000

/* "al" is another name of uid 1000 */
static int alias(const char *owner, uid_t uid, void *ctx)
{
	(void)ctx;
	return uid == OWN && !strcmp(owner, "al");
}

static void describe(const char *text, const char *want, const char *what)
{
	struct subid_set s;
	char buf[256];

	if (!is_int(subid_parse(text, strlen(text), "alice", OWN, alias, NULL,
				&s),
		    0, "subid_parse: %s", what))
		return;
	subid_describe(&s, buf, sizeof(buf));
	is_str(buf, want, "  ... %s", want);
	subid_free(&s);
}

static void test_subid(void)
{
	struct subid_set s;
	char text[2048];

	describe("alice:100000:65536\n", "100000-165535 (65536 ids)",
		 "by name");
	describe("1000:200000:10", "200000-200009 (10 ids)",
		 "by uid, no newline at the end");
	describe("al:300000:5\n", "300000-300004 (5 ids)",
		 "by another name of the same uid");
	describe("bob:100000:65536\n1001:1:1\nalic:5:5\nalicee:6:6\n", "none",
		 "other users' lines, and names that are almost hers");
	describe("alice:0x10:010\n", "16-23 (8 ids)", "hex and octal");
	describe("alice:1:2:3\nalice:1\nalice::5\n:1:2\nalice:-1:5\n"
		 "alice:5:-1\nalice:5:0\nalice:x:1\nalice:1:1x\n"
		 "alice:4294967296:1\n# alice:1:1\n alice:1:1\n",
		 "none", "malformed lines are no grant");
	describe("alice:4294967295:1\nalice:4294967295:2\n",
		 "4294967295-4294967295 (1 ids)",
		 "a range that would pass the last id is no grant");
	describe("alice:1:4294967295\n", "1-4294967295 (4294967295 ids)",
		 "every id but 0, in one range");
	describe("alice:0:4294967296\n", "none",
		 "a count of 2^32 (more than a map line holds) is no grant");
	describe("alice:1:1\0alice:2:2\n", "1-1 (1 ids)", "a NUL ends it");
	describe("alice:10:5\nalice:15:5\n", "10-14 (5 ids), 15-19 (5 ids)",
		 "two lines, two ranges");

	/* a line longer than shadow's 1024 bytes is no grant */
	memset(text, ' ', sizeof(text));
	memcpy(text, "alice:1:1", 9);
	memcpy(text + 1500, "\nalice:7:1\n", 11);
	text[1511] = '\0';
	describe(text, "7-7 (1 ids)", "an overlong line");

	subid_parse("alice:10:5\nalice:15:5\nalice:30:5\n", 33, "alice", OWN,
		    NULL, NULL, &s);
	ok(subid_covers(&s, 10, 10), "subid_covers: two adjacent ranges");
	ok(subid_covers(&s, 12, 3), "  ... a part of one");
	ok(!subid_covers(&s, 12, 20), "  ... not across a gap");
	ok(!subid_covers(&s, 9, 2), "  ... not past the first id");
	ok(!subid_covers(&s, 10, 0), "  ... never no ids");
	subid_free(&s);
}

static struct idmap_request request(int kind, int n, const uint32_t *r)
{
	struct idmap_request q;

	memset(&q, 0, sizeof(q));
	q.magic = IDMAP_MAGIC;
	q.kind = (uint32_t)kind;
	q.pid = 42;
	q.nranges = (uint32_t)n;
	for (int i = 0; i < n; i++)
		q.range[i] = (struct idmap_range){ r[3 * i], r[3 * i + 1],
						   r[3 * i + 2] };
	return q;
}

static int parse(const struct idmap_request *q, size_t len, int nfds, char *why)
{
	struct idmap_request out;

	return idmap_parse(q, len, nfds, &out, why, 300);
}

static void test_parse(void)
{
	static const uint32_t good[] = { 0, OWN, 1, 1, 100000, 65536 };
	static const uint32_t overlap_in[] = { 0, OWN, 1, 0, 100000, 10 };
	static const uint32_t overlap_out[] = { 0, 100000, 10, 20, 100005, 1 };
	static const uint32_t empty[] = { 0, OWN, 0 };
	static const uint32_t past[] = { 0xfffffff0U, OWN, 0x10 };
	static const uint32_t last[] = { 0xffffffefU, OWN, 0x10 };
	struct idmap_request q = request(IDMAP_UID, 2, good);
	char why[300];

	is_int(parse(&q, sizeof(q), 1, why), 0, "idmap_parse: a good request");
	is_int(parse(&q, sizeof(q) - 1, 1, why), -1, "  ... one byte short");
	like(why, "malformed request", "  ... is malformed");
	is_int(parse(&q, sizeof(q), 0, why), -1, "  ... without a descriptor");
	is_int(parse(&q, sizeof(q), 2, why), -1, "  ... with two");
	q.magic++;
	is_int(parse(&q, sizeof(q), 1, why), -1, "  ... another magic");
	q = request(3, 2, good);
	is_int(parse(&q, sizeof(q), 1, why), -1, "  ... another kind");
	q = request(IDMAP_GID, 2, good);
	q.pid = 0;
	is_int(parse(&q, sizeof(q), 1, why), -1, "  ... pid 0");
	q = request(IDMAP_GID, 0, good);
	is_int(parse(&q, sizeof(q), 1, why), -1, "  ... no range");
	q = request(IDMAP_GID, 2, good);
	q.nranges = IDMAP_MAX_RANGES + 1;
	is_int(parse(&q, sizeof(q), 1, why), -1, "  ... too many ranges");
	q = request(IDMAP_UID, 2, good);
	q.range[2].count = 1;
	is_int(parse(&q, sizeof(q), 1, why), -1, "  ... data past the last");
	q = request(IDMAP_UID, 2, overlap_in);
	is_int(parse(&q, sizeof(q), 1, why), -1, "  ... overlapping inside");
	like(why, "overlap", "  ... says so");
	q = request(IDMAP_UID, 2, overlap_out);
	is_int(parse(&q, sizeof(q), 1, why), -1, "  ... overlapping outside");
	q = request(IDMAP_UID, 1, empty);
	is_int(parse(&q, sizeof(q), 1, why), -1, "  ... an empty range");
	q = request(IDMAP_UID, 1, past);
	is_int(parse(&q, sizeof(q), 1, why), -1,
	       "  ... a range past the last id (4294967295 is none)");
	q = request(IDMAP_UID, 1, last);
	is_int(parse(&q, sizeof(q), 1, why), 0, "  ... one up to it");
}

static void test_allowed(void)
{
	static const uint32_t own[] = { 0, OWN, 1 };
	static const uint32_t own2[] = { 0, OWN, 2 };
	static const uint32_t sub[] = { 0, OWN, 1, 1, 100000, 65536 };
	static const uint32_t split[] = { 1, 100000, 10, 20, 100010, 10 };
	static const uint32_t past[] = { 1, 100000, 65537 };
	static const uint32_t root[] = { 0, 0, 1 };
	static const uint32_t other[] = { 0, 1001, 1 };
	struct subid_set g, zero;
	struct idmap_request q;
	char why[300];
	int subids;

	subid_parse("alice:100000:65536\n", 19, "alice", OWN, NULL, NULL, &g);
	subid_parse("alice:0:200000\n", 15, "alice", OWN, NULL, NULL, &zero);
	q = request(IDMAP_UID, 1, own);
	is_int(idmap_allowed(&q, &g, OWN, &subids, why, sizeof(why)), 0,
	       "idmap_allowed: the user's own id");
	is_int(subids, 0,
	       "  ... no subordinate range (newgidmap: setgroups "
	       "deny)");
	q = request(IDMAP_UID, 1, own2);
	is_int(idmap_allowed(&q, &g, OWN, &subids, why, sizeof(why)), -1,
	       "  ... but not two ids from it");
	q = request(IDMAP_UID, 2, sub);
	is_int(idmap_allowed(&q, &g, OWN, &subids, why, sizeof(why)), 0,
	       "  ... the own id and the granted range");
	is_int(subids, 1, "  ... a subordinate range");
	q = request(IDMAP_UID, 2, split);
	is_int(idmap_allowed(&q, &g, OWN, &subids, why, sizeof(why)), 0,
	       "  ... two parts of the grant");
	q = request(IDMAP_UID, 1, past);
	is_int(idmap_allowed(&q, &g, OWN, &subids, why, sizeof(why)), -1,
	       "  ... not one id past it");
	like(why, "not granted in /etc/subuid", "  ... says where");
	q = request(IDMAP_GID, 1, past);
	idmap_allowed(&q, &g, OWN, &subids, why, sizeof(why));
	like(why, "not granted in /etc/subgid", "  ... for gids, the gid file");
	q = request(IDMAP_UID, 1, other);
	is_int(idmap_allowed(&q, &g, OWN, &subids, why, sizeof(why)), -1,
	       "  ... not another user's id");
	q = request(IDMAP_UID, 1, root);
	is_int(idmap_allowed(&q, &zero, OWN, &subids, why, sizeof(why)), -1,
	       "  ... never the host's root, whatever the file grants");
	like(why, "maps the host's root", "  ... says so");
	subid_free(&g);
	subid_free(&zero);
}

static void test_format(void)
{
	static const uint32_t sub[] = { 0, OWN, 1, 1, 100000, 65536 };
	struct idmap_request q = request(IDMAP_UID, 2, sub);
	char buf[64], small[8];

	is_int(idmap_format(&q, buf, sizeof(buf)),
	       (int)strlen("0 1000 1\n1 100000 65536\n"),
	       "idmap_format: its length");
	is_str(buf, "0 1000 1\n1 100000 65536\n", "  ... the kernel's lines");
	is_int(idmap_format(&q, small, sizeof(small)), -1,
	       "  ... -1 when it does not fit");
}

static int args(const char *line, struct idmap_request *q, int *pid, int *fd)
{
	char copy[512], *argv[64], *save = NULL, why[300];
	int argc = 0;

	snprintf(copy, sizeof(copy), "%s", line);
	for (char *w = strtok_r(copy, " ", &save); w;
	     w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	return idmap_from_args(IDMAP_UID, argc, argv, q, pid, fd, why,
			       sizeof(why));
}

static void test_args(void)
{
	struct idmap_request q;
	int pid, fd;

	is_int(args("42 0 1000 1 1 100000 65536", &q, &pid, &fd), 0,
	       "idmap_from_args: newuidmap's command line");
	is_int(pid, 42, "  ... the pid");
	is_int(fd, -1, "  ... no descriptor");
	is_int((int)q.nranges, 2, "  ... two ranges");
	ok(q.range[1].inside == 1 && q.range[1].outside == 100000 &&
		   q.range[1].count == 65536,
	   "  ... as given");
	is_int(args("fd:7 0 0x3e8 1 1 0x186a0 010", &q, &pid, &fd), 0,
	       "  ... fd:N, hex and octal");
	ok(pid == 0 && fd == 7 && q.range[0].outside == 1000 &&
		   q.range[1].outside == 100000 && q.range[1].count == 8,
	   "  ... read as shadow reads them");
	is_int(args("42 0 1000", &q, &pid, &fd), -1, "  ... a range short");
	is_int(args("42", &q, &pid, &fd), -1, "  ... no range");
	is_int(args("0 0 1000 1", &q, &pid, &fd), -1, "  ... pid 0");
	is_int(args("-5 0 1000 1", &q, &pid, &fd), -1, "  ... a negative pid");
	is_int(args("fd: 0 1000 1", &q, &pid, &fd), -1, "  ... fd: alone");
	is_int(args("42 0 -1000 1", &q, &pid, &fd), -1, "  ... a negative id");
	is_int(args("42 0 1000 0", &q, &pid, &fd), -1, "  ... count 0");
	is_int(args("42 0 1000 1x", &q, &pid, &fd), -1, "  ... 1x");
	is_int(args("42 0 4294967295 1", &q, &pid, &fd), -1,
	       "  ... id 4294967295");
	is_int(args("42 4294967294 0 2", &q, &pid, &fd), -1,
	       "  ... a range past the last id");
}

int main(void)
{
	test_subid();
	test_parse();
	test_allowed();
	test_format();
	test_args();
	return done_testing();
}
