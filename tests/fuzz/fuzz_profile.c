/* libFuzzer harness: the profile parser and the plan builder, the code
 * that reads what an administrator wrote, on any bytes at all. Whatever
 * the input, they must return (0 or -1 with a message), never crash,
 * hang or leak. Also jailsh.conf's parser. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "conf_profile.h"
#include "conf_settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char name[] = "alice", home[] = "/home/alice", group[] = "staff";
static char shell[] = "/usr/sbin/jailsh";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct identity id = {
		.uid = 1000,
		.gid = 100,
		.name = name,
		.home = home,
		.shell = shell,
		.group = group,
	};
	struct settings s;
	struct profile p;
	struct plan pl;
	struct jerr e;
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (profile_parse("fuzz.conf", text, &p, &e) == 0) {
		if (plan_build(&p, &id, &pl, &e) == 0) {
			plan_add_agent(&pl, "/tmp/ssh-AbCdEfGhIj/agent.1", &e);
			plan_add_login_records(&pl, &e);
			plan_free(&pl);
		}
		profile_free(&p);
	}
	if (settings_parse("jailsh.conf", text, &s, &e) == 0)
		settings_free(&s);
	free(text);
	return 0;
}
