#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/landlock.h>

#include "scope.h"

/* Debian 12's linux/landlock.h (Linux 6.1) stops at ABI 3: the scopes
 * (ABI 6, Linux 6.12) and the fields before them are defined here, as in
 * later kernels' uapi header. */
struct scope_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net; /* ABI 4 */
	uint64_t scoped;             /* ABI 6 */
};
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#endif
#ifndef LANDLOCK_SCOPE_SIGNAL
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#endif
#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif
#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_restrict_self 446
#endif

#define SCOPE_ABI 6

int scope_abi(char *why, size_t size)
{
	long v = syscall(SYS_landlock_create_ruleset, NULL, 0,
			 LANDLOCK_CREATE_RULESET_VERSION);

	if (v >= 0)
		return (int)v;
	if (!why)
		return 0;
	if (errno == EOPNOTSUPP)
		snprintf(why, size,
			 "Landlock is not enabled (lsm= on the "
			 "kernel command line)");
	else if (errno == ENOSYS)
		snprintf(why, size, "this kernel has no Landlock");
	else
		snprintf(why, size, "%s", strerror(errno));
	return 0;
}

int scope_available(void)
{
	return scope_abi(NULL, 0) >= SCOPE_ABI;
}

int scope_apply(struct jerr *e)
{
	struct scope_ruleset_attr attr = {
		.scoped = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET |
			  LANDLOCK_SCOPE_SIGNAL,
	};
	int fd, r = 1;

	if (!scope_available())
		return 0;
	fd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (fd < 0)
		return jerr_sys(e, errno, "landlock: create a ruleset");
	if (syscall(SYS_landlock_restrict_self, fd, 0) < 0)
		r = errno == E2BIG ?
			    jerr_set(e,
				     "landlock: too many jails nested in each "
				     "other (the kernel allows 16 Landlock "
				     "domains)") :
			    jerr_sys(e, errno,
				     "landlock: restrict the session");
	close(fd);
	return r;
}

void scope_describe(char *buf, size_t size)
{
	char why[128] = "";
	int abi = scope_abi(why, sizeof(why));

	if (abi >= SCOPE_ABI)
		snprintf(buf, size,
			 "abstract Unix sockets and signals scoped "
			 "to the session (Landlock ABI %d)",
			 abi);
	else if (abi > 0)
		snprintf(buf, size,
			 "not scoped: Landlock ABI %d here, scoping "
			 "needs %d (Linux 6.12)",
			 abi, SCOPE_ABI);
	else
		snprintf(buf, size, "not scoped: %s", why);
}
