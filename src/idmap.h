/* Subordinate ids for rootless containers in a jail (containers = yes).
 *
 * A jailed process cannot run the setuid newuidmap and newgidmap (no
 * setuid program gains anything under no_new_privs), so the jail's
 * warden writes the maps instead. jailsh's own newuidmap and newgidmap,
 * bound over the real ones in the jail, take the same arguments and send
 * one request each over the socket IDMAP_SOCKET, which only the jail
 * sees; with it goes a pidfd of the process whose user namespace is to
 * be mapped. The warden answers once it has checked everything
 * (idmap_serve.h) and written the map, or refused with a reason.
 *
 * This part is pure: the wire format, the parse of a request and of the
 * command line, and the policy (what a user may map); no system call. */
#ifndef JAILSH_IDMAP_H
#define JAILSH_IDMAP_H

#include <stddef.h>
#include <stdint.h>

#include "subid.h"

/* Where the jail sees the warden's socket: a read-only tmpfs of the
 * warden's, mounted over the host's /run/jailsh in the jail. */
#define IDMAP_DIR "/run/jailsh"
#define IDMAP_SOCKET_NAME "idmap.sock"
#define IDMAP_SOCKET IDMAP_DIR "/" IDMAP_SOCKET_NAME

/* Where the jail's newuidmap and newgidmap are: jailsh's own go there. */
#define IDMAP_NEWUIDMAP "/usr/bin/newuidmap"
#define IDMAP_NEWGIDMAP "/usr/bin/newgidmap"

#define IDMAP_MAGIC 0x6a696d31U /* "jim1" */
/* The kernel's most lines in one map (UID_GID_MAP_MAX_EXTENTS). */
#define IDMAP_MAX_RANGES 340

enum idmap_kind {
	IDMAP_UID = 1,
	IDMAP_GID = 2,
};

/* One line of a map: COUNT ids from INSIDE in the namespace are OUTSIDE
 * and on in its parent (newuidmap's "uid loweruid count"). */
struct idmap_range {
	uint32_t inside, outside, count;
};

/* The request, in one message of exactly this size, with exactly one
 * descriptor: a pidfd of the target. Ranges past NRANGES are zero. */
struct idmap_request {
	uint32_t magic;
	uint32_t kind;
	int32_t pid; /* the target as the client named it: for messages */
	uint32_t nranges;
	struct idmap_range range[IDMAP_MAX_RANGES];
};

/* The answer: ok, or why not (one line, for the client's stderr). */
struct idmap_reply {
	int32_t ok;
	char msg[300];
};

/* Is BUF (LEN bytes, which came with NFDS descriptors) a well-formed
 * request? Everything is checked that can be without the system: the
 * size, the magic, the kind, 1 to IDMAP_MAX_RANGES ranges, each of at
 * least one id, none past the last id the kernel takes, no two that
 * overlap inside or outside, the unused ones zero, a pid, one
 * descriptor. 0 and a copy in OUT, or -1 with why in WHY. */
int idmap_parse(const void *buf, size_t len, int nfds,
		struct idmap_request *out, char *why, size_t size);

/* May the user whose own id is OWN map REQ's ranges, GRANTED being what
 * /etc/subuid or /etc/subgid give them (by kind)? As shadow's newuidmap
 * and newgidmap decide: each range lies within the granted ones, or is
 * the one id OWN; and never the host's root (outside id 0), whatever
 * the files say. *SUBIDS is set when a granted range is used (newgidmap
 * then leaves setgroups alone; otherwise it is denied first). 0, or -1
 * with why in WHY. */
int idmap_allowed(const struct idmap_request *req,
		  const struct subid_set *granted, uint32_t own, int *subids,
		  char *why, size_t size);

/* The map's text, as the kernel takes it in one write: "inside outside
 * count\n" per range. Returns its length, or -1 if SIZE is too small. */
int idmap_format(const struct idmap_request *req, char *buf, size_t size);

/* newuidmap's command line (KIND, ARGV after the program's name, ARGC
 * of them): "PID ID LOWERID COUNT [ID LOWERID COUNT]...", the numbers as
 * shadow reads them (decimal, 0x hex or 0 octal). The target is a pid
 * (*PID) or "fd:N", a descriptor of its /proc directory (*PROCFD; then
 * *PID is 0). Fills REQ but for the pid; 0, or -1 with why in WHY. */
int idmap_from_args(int kind, int argc, char *const *argv,
		    struct idmap_request *req, int *pid, int *procfd, char *why,
		    size_t size);

#endif
