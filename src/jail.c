#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "jail.h"
#include "mount.h"
#include "priv.h"

/* The kernel gives the initial pid namespace this fixed inode number
 * (PROC_PID_INIT_INO in include/linux/proc_ns.h). */
#define HOST_PID_NS_INO 0xEFFFFFFCU

unsigned long jail_clone_flags(const struct plan *pl)
{
	unsigned long flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC |
			      CLONE_NEWUTS;

	if (pl->profile->net != NET_HOST)
		flags |= CLONE_NEWNET;
	if (pl->userns)
		flags |= CLONE_NEWUSER;
	return flags;
}

pid_t jail_clone(const struct plan *pl, int cgroup, int *pidfd)
{
	struct clone_args a = {
		.flags = jail_clone_flags(pl),
		.exit_signal = SIGCHLD,
	};

	/* a login's private network: the namespace is made beside the
	 * stack (net.h), and the caller has stepped into it */
	if (pl->profile->net == NET_PRIVATE && !pl->userns)
		a.flags &= ~(unsigned long)CLONE_NEWNET;

	if (pidfd) {
		a.flags |= CLONE_PIDFD;
		a.pidfd = (uintptr_t)pidfd;
	}
	if (cgroup < 0) /* clone() is enough, and not filtered anywhere */
		return (pid_t)syscall(SYS_clone, a.flags | SIGCHLD, NULL, pidfd,
				      NULL, NULL);
	a.flags |= CLONE_INTO_CGROUP;
	a.cgroup = cgroup;
	return (pid_t)syscall(SYS_clone3, &a, sizeof(a));
}

static int loopback_up(struct jerr *e)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int r = 0;

	if (s < 0)
		return jerr_sys(e, errno, "loopback: socket");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		r = jerr_sys(e, errno, "loopback: get flags");
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (!r && ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		r = jerr_sys(e, errno, "loopback: bring up");
	close(s);
	return r;
}

int jail_limits(const struct profile *p, int skip, struct jerr *e)
{
	int r = 0;

	/* every limit is tried; the first failure is the one reported */
	for (int res = 0; res < RLIM_NLIMITS; res++) {
		struct rlimit rl = { p->limit[res], p->limit[res] };

		/* cpu: SIGXCPU at the limit, which a program may catch to
		 * finish up; SIGKILL one second later */
		if (res == RLIMIT_CPU && rl.rlim_max != RLIM_INFINITY)
			rl.rlim_max++;
		if (p->limit_set[res] && res != skip &&
		    setrlimit(res, &rl) < 0 && r == 0)
			r = jerr_sys(e, errno, "%s: rlimit %s", p->file,
				     profile_rlimit_name(res));
	}
	return r;
}

int jail_build(const struct plan *pl, int service, struct jerr *e)
{
	const char *name = pl->profile->hostname;

	if (mount_apply(pl, service, e) < 0)
		return -1;
	if (name && sethostname(name, strlen(name)) < 0)
		return jerr_sys(e, errno, "set hostname %s", name);
	if (pl->profile->net != NET_HOST && loopback_up(e) < 0)
		return -1;
	return jail_limits(pl->profile, -1, e);
}

int jail_inside(void)
{
	struct stat st;

	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return 0;
	if (!priv_bounding_is_empty())
		return 0;
	if (stat("/proc/self/ns/pid", &st) < 0)
		return 0;
	return st.st_ino != HOST_PID_NS_INO;
}
