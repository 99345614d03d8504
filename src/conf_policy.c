#define _GNU_SOURCE
#include <string.h>

#include <stdlib.h>

#include "conf_policy.h"
#include "conf_select.h"
#include "self.h"
#include "subid.h"

/* The real shell is never jailsh itself: the plan knows it by the name
 * "jailsh" only, and a link by another name would start jailsh in the
 * jail, which would start itself again, without end. A login shell that
 * is jailsh runs /bin/sh, as the plan does for "jailsh"; a profile that
 * names it is refused. */
static int not_self(struct policy *po, struct jerr *e)
{
	char *sh;
	int r = self_is(po->plan.shell, e);

	if (r <= 0)
		return r;
	if (po->profile.shell)
		return jerr_set(e,
				"%s: shell = \"%s\" is jailsh itself; name "
				"the real shell",
				po->profile.file, po->profile.shell);
	sh = strdup("/bin/sh");
	if (!sh)
		return jerr_set(e, "out of memory");
	free(po->plan.shell);
	po->plan.shell = sh;
	return 0;
}

int policy_load(struct policy *po, const char *confdir, struct jerr *e)
{
	struct conf_dir d;
	int r;

	if (conf_dir_open(&d, confdir, e) < 0)
		return -1;
	r = settings_load(&d, &po->settings, e);
	if (r >= 0)
		r = conf_select_profile(&d, &po->settings, &po->id,
					&po->profile, e);
	conf_dir_close(&d);
	if (r < 0 || plan_build(&po->profile, &po->id, &po->plan, e) < 0)
		return -1;
	return not_self(po, e);
}

int policy_load_builtin(struct policy *po, struct jerr *e)
{
	if (profile_parse(PROFILE_BUILTIN_NAME, profile_builtin, &po->profile,
			  e) < 0)
		return -1;
	if (plan_build(&po->profile, &po->id, &po->plan, e) < 0)
		return -1;
	return not_self(po, e);
}

int policy_check_start(const struct policy *po, struct jerr *e)
{
	char where[4200];
	size_t n;

	if (!po->profile.containers)
		return 0;
	profile_where(&po->profile, po->profile.containers_line, where,
		      sizeof(where));
	n = strlen(where);
	if (n >= 2)
		where[n - 2] = '\0'; /* without its ": " */
	return subid_require(&po->id, where, e);
}

void policy_free(struct policy *po)
{
	plan_free(&po->plan);
	profile_free(&po->profile);
	settings_free(&po->settings);
	identity_free(&po->id);
}
