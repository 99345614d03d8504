/* The user the unit tests expand and plan for. */
#ifndef JAILSH_TEST_FIXTURE_H
#define JAILSH_TEST_FIXTURE_H

#include "identity.h"

static char fixture_name[] = "alice";
static char fixture_home[] = "/home/alice";
static char fixture_group[] = "staff";

/* alice: uid 1000, gid 100 ("staff"), home /home/alice, login shell SHELL;
 * no supplementary groups. */
static inline struct identity fixture_alice(char *shell)
{
	struct identity id = {
		.uid = 1000,
		.gid = 100,
		.name = fixture_name,
		.home = fixture_home,
		.shell = shell,
		.group = fixture_group,
	};

	return id;
}

#endif
