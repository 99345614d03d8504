/* A profile: what the administrator wrote for a user, parsed and checked
 * value by value, not yet expanded for anyone. */
#ifndef JAILSH_CONF_PROFILE_H
#define JAILSH_CONF_PROFILE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "err.h"
#include "cglimit.h"

/* The order is the order of precedence in the plan when targets nest. */
enum mount_kind {
	MOUNT_ROOT,    /* the host tree, read-only */
	MOUNT_PROC,    /* a fresh /proc for the pid namespace */
	MOUNT_DEV,     /* a minimal /dev, or the host's */
	MOUNT_TMPFS,   /* an empty writable tmpfs */
	MOUNT_HIDE,    /* an empty read-only tmpfs over a host path */
	MOUNT_RUNTIME, /* the session's own /run/user/UID: the user's tmpfs */
	MOUNT_MAP,     /* a read-only bind of a host path */
	MOUNT_VOLUME,  /* a writable bind of a host path */
	MOUNT_AGENT,   /* sshd's forwarded agent socket (ssh_agent = yes) */
	MOUNT_SERVICE, /* the warden's socket for containers (idmap.h) */
};

/* network: the host's; none (a namespace with loopback only); private (a
 * namespace of its own, connected to the host's by a network stack that
 * runs as the user: net.h) */
enum net_mode { NET_HOST, NET_NONE, NET_PRIVATE };
enum dev_mode { DEV_MINIMAL, DEV_HOST };

struct profile_mount {
	enum mount_kind kind;
	char *source;  /* as written: volume, map; the path for hide, tmpfs */
	char *target;  /* as written, or NULL for "same as source" */
	uint64_t size; /* tmpfs: bytes, 0 for the kernel's default */
	mode_t mode;   /* tmpfs: permissions of its root */
	int line;
};

struct profile {
	char *file; /* for messages: a path, or "(built-in default)" */
	char *shell;
	char *hostname;
	enum net_mode net;
	enum dev_mode devices;
	bool ssh_agent;       /* bring sshd's forwarded agent socket in */
	bool seccomp_default; /* seccomp = default (or none) */
	bool user_namespaces; /* the session may create its own */
	bool io_uring;        /* seccomp = default lets io_uring through */
	bool runtime_private; /* runtime_dir = "private" (or "host") */
	bool containers;      /* rootless containers: the warden maps the user's
			  * subordinate ids (idmap.h), /dev/fuse, /dev/net/tun */
	int containers_line;  /* where containers was set; 0: not set */
	/* network = "private": the host's loopback is reachable at the
	 * gateway's address (host_loopback = yes), and the host's ports
	 * forwarded into the jail (publish.h), as written */
	bool host_loopback;
	int host_loopback_line; /* where it was set; 0: not set */
	char **publish;
	int *publish_line; /* where each was given (PROFILE_ARG_LINE + N
			    * for jailsh run's command line) */
	size_t npublish;
	struct profile_mount *mounts;
	size_t nmounts;
	bool limit_set[RLIM_NLIMITS];
	rlim_t limit[RLIM_NLIMITS];
	bool cg_set[CG_NLIMITS]; /* cgroup limits (cglimit.h) */
	uint64_t cg[CG_NLIMITS];
	bool cg_optional[CG_NLIMITS]; /* may be skipped where impossible */
	unsigned max_time;            /* seconds of wall clock; 0: none */
	bool user_jail;  /* jail = "user": one jail for all of the user's
			 * logins, which they join */
	unsigned linger; /* a user's jail: seconds it lasts after its last
			  * login; PROFILE_FOREVER: until stopped */
	int linger_line; /* where linger was set; 0: not set */
	char **env_set;  /* "NAME=value" */
	size_t nenv_set;
	char **env_unset; /* "NAME" */
	size_t nenv_unset;
	char **drop_groups; /* group names taken out of the session's groups */
	size_t ndrop_groups;
};

#define PROFILE_BUILTIN_NAME "(built-in default)"
#define PROFILE_FOREVER ((unsigned)-1)
extern const char profile_builtin[];

/* Parses TEXT, the contents of FILE. On error e says "FILE:LINE: what". */
int profile_parse(const char *file, const char *text, struct profile *p,
		  struct jerr *e);
void profile_free(struct profile *p);

const char *profile_rlimit_name(int resource);

/* Is S a hostname the jail may have (hostname, jailsh run --hostname)? 1
 * to 64 letters, digits, '-' and '.', not starting with '-' or '.'. */
int profile_hostname_ok(const char *s);

/* Mounts that come from the command line (jailsh run) rather than a
 * file have as their line this plus the argument's position. */
#define PROFILE_ARG_LINE 1000000

/* "FILE:LINE: " for messages, or "argument N: " for the command line. */
const char *profile_where(const struct profile *p, int line, char *buf,
			  size_t size);

/* Adds SPEC (checked as the profile's publish = checks each) to the
 * ports P publishes; LINE as above. */
int profile_add_publish(struct profile *p, const char *spec, int line,
			struct jerr *e);

/* Adds a mount as the profile's "volume", "map" or "tmpfs" would (source
 * and target checked the same way); LINE as above. */
int profile_add_mount(struct profile *p, enum mount_kind kind,
		      const char *source, const char *target, int line,
		      struct jerr *e);

#endif
