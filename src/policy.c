#define _GNU_SOURCE
#include <string.h>

#include "policy.h"
#include "profile_load.h"

int policy_load(struct policy *po, const char *confdir, struct jerr *e)
{
	struct confdir d;
	int r;

	if (confdir_open(&d, confdir, e) < 0)
		return -1;
	r = settings_load(&d, &po->settings, e);
	if (r >= 0)
		r = profile_load(&d, &po->settings, &po->id, &po->profile, e);
	confdir_close(&d);
	if (r < 0)
		return -1;
	return plan_build(&po->profile, &po->id, &po->plan, e);
}

int policy_load_builtin(struct policy *po, struct jerr *e)
{
	if (profile_parse(PROFILE_BUILTIN_NAME, profile_builtin, &po->profile,
			  e) < 0)
		return -1;
	return plan_build(&po->profile, &po->id, &po->plan, e);
}

void policy_free(struct policy *po)
{
	plan_free(&po->plan);
	profile_free(&po->profile);
	settings_free(&po->settings);
	identity_free(&po->id);
}
