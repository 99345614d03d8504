#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/ioctl.h>

#include "filter.h"

/* What a login session never needs, and what has given local root or
 * jail escapes before: kernel keyrings shared with the outside, loading
 * code into the kernel, eBPF, userfaultfd (race widening), file handles
 * that bypass path permissions (open_by_handle_at, the "shocker" escape),
 * perf events, and administration calls. The keyrings are keyring_calls. */
static const int denied_by_default[] = {
	SCMP_SYS(kexec_load),
	SCMP_SYS(kexec_file_load),
	SCMP_SYS(init_module),
	SCMP_SYS(finit_module),
	SCMP_SYS(delete_module),
	SCMP_SYS(bpf),
	SCMP_SYS(userfaultfd),
	SCMP_SYS(open_by_handle_at),
	SCMP_SYS(name_to_handle_at),
	SCMP_SYS(perf_event_open),
	SCMP_SYS(fanotify_init),
	SCMP_SYS(lookup_dcookie),
	SCMP_SYS(acct),
	SCMP_SYS(swapon),
	SCMP_SYS(swapoff),
	SCMP_SYS(reboot),
	SCMP_SYS(syslog),
	SCMP_SYS(ioperm),
	SCMP_SYS(iopl),
	SCMP_SYS(quotactl),
	SCMP_SYS(vhangup),
	SCMP_SYS(settimeofday),
	SCMP_SYS(clock_settime),
	SCMP_SYS(clock_adjtime),
	SCMP_SYS(adjtimex),
};

/* Kernel keyrings: refused with the list above (EPERM); with containers =
 * yes with ENOSYS instead, which container runtimes (runc, crun) take for
 * "no keyrings here" rather than a failure. Nothing more is allowed. */
static const int keyring_calls[] = {
	SCMP_SYS(add_key),
	SCMP_SYS(keyctl),
	SCMP_SYS(request_key),
};

/* io_uring: a second way to most system calls, which this filter cannot
 * see into, and a steady source of kernel holes (Docker's default profile
 * refuses it too). Refused with the list above unless io_uring = yes. */
static const int io_uring_calls[] = {
	SCMP_SYS(io_uring_setup),
	SCMP_SYS(io_uring_enter),
	SCMP_SYS(io_uring_register),
};

static int deny_all(scmp_filter_ctx ctx, const int *calls, size_t n, int err)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < n; i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(err), calls[i], 0);
	return r;
}

/* Every ABI the kernel runs on this machine, so that a 32-bit system
 * call cannot go around the native filter. */
static int add_arches(scmp_filter_ctx ctx)
{
	static const uint32_t arches[] = {
#if defined(__x86_64__)
		SCMP_ARCH_X86,
		SCMP_ARCH_X32,
#elif defined(__aarch64__)
		SCMP_ARCH_ARM,
#endif
		0,
	};

	for (size_t i = 0; arches[i]; i++) {
		int r = seccomp_arch_add(ctx, arches[i]);

		if (r < 0 && r != -EEXIST)
			return r;
	}
	return 0;
}

/* ioctl(fd, CMD, ...): only the low 32 bits of CMD count to the kernel,
 * so only they are compared (CVE-2019-10063 went round a filter that
 * compared all 64). */
static int deny_ioctl(scmp_filter_ctx ctx, unsigned long cmd)
{
	return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
				SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL, cmd));
}

static int deny_user_namespaces(scmp_filter_ctx ctx)
{
	int r;

	r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(unshare), 1,
			     SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER,
				     CLONE_NEWUSER));
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
				     SCMP_SYS(clone), 1,
				     SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER,
					     CLONE_NEWUSER));
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
				     SCMP_SYS(clone3), 0);
	return r;
}

int filter_install(const struct profile *p, struct jerr *e)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r;

	if (!ctx)
		return jerr_set(e, "seccomp: cannot make a filter");
	r = add_arches(ctx);
	if (r == 0)
		r = deny_ioctl(ctx, TIOCSTI);
	if (r == 0)
		r = deny_ioctl(ctx, TIOCLINUX);
	if (r == 0 && p->seccomp_default)
		r = deny_all(ctx, denied_by_default,
			     sizeof(denied_by_default) / sizeof(int), EPERM);
	if (r == 0 && p->seccomp_default)
		r = deny_all(ctx, keyring_calls,
			     sizeof(keyring_calls) / sizeof(int),
			     p->containers ? ENOSYS : EPERM);
	if (r == 0 && p->seccomp_default && !p->io_uring)
		r = deny_all(ctx, io_uring_calls,
			     sizeof(io_uring_calls) / sizeof(int), EPERM);
	if (r == 0 && !p->user_namespaces)
		r = deny_user_namespaces(ctx);
	if (r == 0)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	return r < 0 ? jerr_sys(e, -r, "seccomp: install the filter") : 0;
}

int filter_pin_groups(struct jerr *e)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r;

	if (!ctx)
		return jerr_set(e, "seccomp: cannot make a filter");
	r = add_arches(ctx);
	/* errno 0: the call is skipped and returns 0 */
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(0),
				     SCMP_SYS(setgroups), 0);
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(0),
				     SCMP_SYS(setgroups32), 0);
	if (r == 0)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	return r < 0 ? jerr_sys(e, -r, "seccomp: pin the groups") : 0;
}
