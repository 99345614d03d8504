#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <sys/capability.h>
#include <sys/fsuid.h>
#include <linux/keyctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "groups.h"
#include "priv.h"

int priv_fs_user(const struct identity *id, struct jerr *e)
{
	if (geteuid() != 0)
		return 0; /* no privilege (jailsh run): the user's already */
	setfsgid(id->gid);
	setfsuid(id->uid);
	/* setfs*id() cannot report failure; ask for the current value by
	 * passing an invalid id, as bubblewrap does */
	if ((uid_t)setfsuid((uid_t)-1) != id->uid ||
	    (gid_t)setfsgid((gid_t)-1) != id->gid)
		return jerr_set(e,
				"cannot take the file system identity of "
				"uid %u",
				id->uid);
	return 0;
}

int priv_fs_root(struct jerr *e)
{
	if (geteuid() != 0)
		return 0;
	setfsuid(0);
	setfsgid(0);
	if (setfsuid((uid_t)-1) != 0 || setfsgid((gid_t)-1) != 0)
		return jerr_set(e, "cannot return to the root file system "
				   "identity");
	return 0;
}

/* Every bit the prctl interface can name. The kernel answers EINVAL past
 * its own last capability; past the last one these headers know, that is
 * expected, before it is an error. Neither libcap's probe of the highest
 * capability nor /proc is trusted here: a failed probe would leave the
 * capabilities above it in the bounding set. */
#define BOUNDING_BITS 64

static int bounding_past_end(cap_value_t c)
{
	return errno == EINVAL && c > CAP_LAST_CAP;
}

static int drop_bounding_and_ambient(struct jerr *e)
{
	for (cap_value_t c = 0; c < BOUNDING_BITS; c++)
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 &&
		    !bounding_past_end(c))
			return jerr_sys(e, errno,
					"drop capability %d from "
					"the bounding set",
					c);
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return jerr_sys(e, errno, "clear the ambient capabilities");
	return 0;
}

int priv_bounding_is_empty(void)
{
	for (cap_value_t c = 0; c < BOUNDING_BITS; c++) {
		int r = prctl(PR_CAPBSET_READ, c, 0, 0, 0);

		if (r != 0 && !(r < 0 && bounding_past_end(c)))
			return 0;
	}
	return 1;
}

int priv_seal(struct jerr *e)
{
	if (drop_bounding_and_ambient(e) < 0)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return jerr_sys(e, errno, "set no_new_privs");
	if (!priv_bounding_is_empty() ||
	    prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return jerr_set(e, "the bounding set or no_new_privs did not "
				   "stick");
	return 0;
}

int priv_new_keyring(struct jerr *e)
{
	/* KEYCTL_JOIN_SESSION_KEYRING with no name: a new anonymous one */
	/* EPERM: an outer jail's filter closes keyrings to this process
	 * already, and to everything it starts */
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 &&
	    errno != ENOSYS && errno != EPERM)
		return jerr_sys(e, errno, "join a new session keyring");
	return 0;
}

static int clear_caps(struct jerr *e)
{
	cap_t none = cap_init();
	int r;

	if (!none)
		return jerr_sys(e, errno, "cap_init");
	r = cap_set_proc(none);
	cap_free(none);
	return r < 0 ? jerr_sys(e, errno, "clear capabilities") : 0;
}

static int caps_are_clear(void)
{
	cap_t now = cap_get_proc(), none = cap_init();
	int clear = now && none && cap_compare(now, none) == 0;

	cap_free(now);
	cap_free(none);
	if (!clear)
		return 0;
	/* the ambient set is a subset of permitted and inheritable, both
	 * seen empty above; the bounding set has to be asked cap by cap */
	return priv_bounding_is_empty();
}

int priv_drop_caps(struct jerr *e)
{
	if (priv_seal(e) < 0 || clear_caps(e) < 0)
		return -1;
	if (!caps_are_clear() || prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return jerr_set(e, "capabilities or no_new_privs changed back");
	return 0;
}

static int groups_match(const struct identity *id)
{
	int n = getgroups(0, NULL);
	gid_t *now;
	int ok;

	if (n != id->ngroups)
		return 0;
	now = calloc(n ? n : 1, sizeof(*now));
	if (!now)
		return 0;
	ok = getgroups(n, now) == n;
	for (int i = 0; ok && i < n; i++) {
		int found = 0;

		for (int j = 0; j < n; j++)
			found |= now[i] == id->groups[j];
		ok = found;
	}
	free(now);
	return ok;
}

int priv_drop(const struct identity *id, struct jerr *e)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (!id->groups_known)
		return jerr_set(e, "the groups of %s are not known", id->name);
	if (setgroups(id->ngroups, id->groups) < 0)
		return jerr_sys(e, errno, "setgroups");
	if (priv_seal(e) < 0)
		return -1;
	if (setresgid(id->gid, id->gid, id->gid) < 0)
		return jerr_sys(e, errno, "setresgid %u", id->gid);
	if (setresuid(id->uid, id->uid, id->uid) < 0)
		return jerr_sys(e, errno, "setresuid %u", id->uid);
	if (clear_caps(e) < 0)
		return -1;

	/* trust nothing above: read every piece back */
	if (getresuid(&ru, &eu, &su) < 0 || ru != id->uid || eu != id->uid ||
	    su != id->uid || getresgid(&rg, &eg, &sg) < 0 || rg != id->gid ||
	    eg != id->gid || sg != id->gid)
		return jerr_set(e,
				"user and group ids did not change to "
				"%u:%u",
				id->uid, id->gid);
	if (!groups_match(id))
		return jerr_set(e, "supplementary groups did not change");
	if (groups_none_dropped(id, e) < 0)
		return -1;
	if (!caps_are_clear() || prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return jerr_set(e, "capabilities or no_new_privs changed back");
	if (setuid(0) == 0 || setgid(0) == 0)
		return jerr_set(e, "root could be regained after the drop");
	return 0;
}
