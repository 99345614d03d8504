/* jailsh list and jailsh stop: the running jails, as their wardens
 * answer for them in the registry (registry.h). The registry is root's
 * alone: jailsh reads it as root (it is setuid), and shows a user only
 * their own jails. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "commands.h"
#include "config.h"
#include "fds.h"
#include "init.h"
#include "log.h"
#include "conf_policy.h"
#include "registry.h"
#include "warden.h"

/* One running jail: its warden's socket and what it said. */
struct jail_seen {
	int sock;
	struct warden_info info;
	char user[64];
};

/* The fingerprint of the plan UID would get now, to tell whether the
 * jail runs an older profile; 0 if it cannot be made. */
static uint64_t current_fingerprint(uid_t uid)
{
	struct policy po = { 0 };
	struct jerr e;
	uint64_t fp = 0;

	if (identity_from_uid(uid, &po.id, &e) == 0 &&
	    policy_load(&po, JAILSH_CONFDIR, &e) == 0 &&
	    plan_add_login_records(&po.plan, &e) == 0)
		fp = plan_fingerprint(&po.plan);
	policy_free(&po);
	return fp;
}

/* Asks the warden behind NAME in DIR; 1 with *J filled (its socket still
 * open), 0 when nobody answers there. */
static int ask(int dir, const char *name, int op, struct jail_seen *j)
{
	struct warden_request req = { .op = WARDEN_INFO };
	struct identity id;
	struct jerr e;
	int fds[2];
	pid_t warden;

	if (registry_connect(dir, name, 0, &j->sock, &warden, &e) <= 0)
		return 0;
	if (warden_ask(j->sock, &req, &j->info, fds, &e) < 0) {
		fds_close(&j->sock);
		return 0;
	}
	fds_close(&fds[0]);
	fds_close(&fds[1]);
	if (op == WARDEN_INFO) {
		uint64_t fp = current_fingerprint(j->info.uid);

		req.fingerprint = fp;
		j->info.changed =
			fp &&
			warden_ask(j->sock, &req, &j->info, fds, &e) == 0 &&
			j->info.changed;
	}
	if (identity_from_uid(j->info.uid, &id, &e) == 0) {
		snprintf(j->user, sizeof(j->user), "%s", id.name);
		identity_free(&id);
	} else {
		snprintf(j->user, sizeof(j->user), "%u", (unsigned)j->info.uid);
	}
	return 1;
}

/* Calls FN for every running jail that the caller may see. */
static int each_jail(int op, void (*fn)(struct jail_seen *, void *), void *arg)
{
	struct jerr e;
	struct dirent *de;
	DIR *d;
	int dir = registry_open(&e), n = 0;

	if (dir < 0) {
		log_refusal("%s", e.msg);
		return -1;
	}
	d = fdopendir(dir);
	if (!d) {
		close(dir);
		log_refusal("%s: %s", JAILSH_RUNDIR, strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		struct jail_seen j = { .sock = -1 };
		size_t len = strlen(de->d_name);

		if (len < 6 || strcmp(de->d_name + len - 5, ".sock"))
			continue;
		if (!ask(dirfd(d), de->d_name, op, &j))
			continue;
		if (getuid() == 0 || j.info.uid == getuid()) {
			fn(&j, arg);
			n++;
		}
		fds_close(&j.sock);
	}
	closedir(d);
	return n;
}

static void show_duration(char *buf, size_t size, long long s)
{
	if (s < 60)
		snprintf(buf, size, "%llds", s);
	else if (s < 3600)
		snprintf(buf, size, "%lldm%02llds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, size, "%lldh%02lldm", s / 3600, s / 60 % 60);
	else
		snprintf(buf, size, "%lldd%02lldh", s / 86400, s / 3600 % 24);
}

static void print_one(struct jail_seen *j, void *arg)
{
	const struct warden_info *in = &j->info;
	char age[32], mem[32] = "-", cpu[32] = "-", logins[32];

	(void)arg;
	show_duration(age, sizeof(age), time(NULL) - in->started);
	if (in->have_usage) {
		snprintf(mem, sizeof(mem), "%lluM",
			 (unsigned long long)(in->memory >> 20));
		snprintf(cpu, sizeof(cpu), "%.1fs", in->cpu_usec / 1e6);
	}
	if (in->user_jail)
		snprintf(logins, sizeof(logins), "%d", in->logins);
	else
		snprintf(logins, sizeof(logins), "-");
	printf("%-16s %-8s %8d %9s %6s %6d %8s %8s %s\n", j->user,
	       in->user_jail ? "user" : "session", (int)in->init, age, logins,
	       in->processes, mem, cpu, in->changed ? "changed" : "same");
}

void cmd_list_running(uid_t uid)
{
	struct jail_seen j = { .sock = -1 };
	struct jerr e;
	char name[64];
	int dir;

	if (geteuid() != 0 || (dir = registry_open(&e)) < 0)
		return;
	registry_user_name(name, sizeof(name), uid);
	if (ask(dir, name, WARDEN_INFO, &j)) {
		printf("\nrunning: the user jail (init %d, %d login%s)%s\n",
		       (int)j.info.init, j.info.logins,
		       j.info.logins == 1 ? "" : "s",
		       j.info.changed ?
			       "; it runs the profile as it was when it "
			       "started, which differs from the above: the "
			       "new one applies once the jail ends" :
			       ", with this plan");
		fds_close(&j.sock);
	}
	close(dir);
}

int cmd_list(int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		log_error("usage: jailsh list");
		return 2;
	}
	if (geteuid() != 0) {
		log_refusal("list: jailsh must be installed setuid root");
		return 1;
	}
	printf("%-16s %-8s %8s %9s %6s %6s %8s %8s %s\n", "USER", "KIND",
	       "INIT", "AGE", "LOGINS", "PROCS", "MEMORY", "CPU", "PROFILE");
	return each_jail(WARDEN_INFO, print_one, NULL) < 0 ? 1 : 0;
}

struct stop_args {
	uid_t uid; /* the user's jails, or */
	pid_t pid; /* the jail whose init or warden this is */
	int socks[64];
	int n;
};

static void stop_one(struct jail_seen *j, void *arg)
{
	struct stop_args *a = arg;
	struct warden_request req = { .op = WARDEN_STOP };
	struct warden_info in;
	struct jerr e;
	int fds[2];

	if (a->pid ? (j->info.init != a->pid && j->info.warden != a->pid) :
		     j->info.uid != a->uid)
		return;
	if (warden_ask(j->sock, &req, &in, fds, &e) < 0) {
		log_error("stop: %s (init %d): %s", j->user, (int)j->info.init,
			  e.msg);
		return;
	}
	printf("stopping the %s jail of %s: init %d, %d process%s, %d "
	       "login%s\n",
	       in.user_jail ? "user" : "session", j->user, (int)in.init,
	       in.processes, in.processes == 1 ? "" : "es", in.logins,
	       in.logins == 1 ? "" : "s");
	fflush(stdout);
	if (a->n < (int)(sizeof(a->socks) / sizeof(a->socks[0]))) {
		a->socks[a->n++] = j->sock; /* to see it go */
		j->sock = -1;
	}
}

/* Each warden closes its socket when its jail is gone. */
static int await_gone(struct stop_args *a)
{
	long long deadline =
		clock_ms() + INIT_MAX_TIME_GRACE_MS + WARDEN_MARGIN_MS + 5000;
	int left = 0;

	for (int i = 0; i < a->n; i++) {
		struct pollfd p = { .fd = a->socks[i], .events = POLLIN };
		char byte;

		while (poll(&p, 1, clock_left_ms(deadline)) > 0 &&
		       recv(a->socks[i], &byte, 1, 0) > 0)
			;
		if (clock_left_ms(deadline) == 0)
			left++;
		close(a->socks[i]);
	}
	return left;
}

int cmd_stop(int argc, char **argv)
{
	struct stop_args a = { 0 };
	struct identity id;
	struct jerr e;
	char *end;
	long v;

	if (argc != 2) {
		log_error("usage: jailsh stop USER|PID");
		return 2;
	}
	if (getuid() != 0 || geteuid() != 0) {
		log_refusal("stop: only root may stop a jail");
		return 1;
	}
	errno = 0;
	v = strtol(argv[1], &end, 10);
	if (!*end && argv[1][0] && !errno && v > 0) {
		a.pid = (pid_t)v;
	} else if (identity_from_name(argv[1], &id, &e) == 0) {
		a.uid = id.uid;
		identity_free(&id);
	} else {
		log_refusal("stop: %s", e.msg);
		return 1;
	}
	if (each_jail(WARDEN_INFO, stop_one, &a) < 0)
		return 1;
	if (a.n == 0) {
		log_error("stop %s: no running jail", argv[1]);
		return 1;
	}
	if (await_gone(&a)) {
		log_error("stop %s: a jail has not ended yet", argv[1]);
		return 1;
	}
	printf("stopped\n");
	return 0;
}
