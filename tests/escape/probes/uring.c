/* uring ABI...: io_uring_setup(2), io_uring_enter(2) and io_uring_register(2)
 * by number (no liburing), through each system call ABI named, which a
 * filter must cover alike:
 *   native  syscall(2)
 *   i386    int $0x80 (the 32-bit entry of a 64-bit kernel)
 *   x32     syscall(__X32_SYSCALL_BIT | N)
 * For each, "ABI-setup=ok" (a ring of one entry was made, and is closed)
 * or "ABI-setup=<error>"; then "ABI-enter=" and "ABI-register=" for the
 * two calls on descriptor -1, which the kernel answers with an error of
 * its own (EBADF; EINVAL for register since Linux 6.13). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* the same numbers in every ABI (asm-generic, x86 32 and 64) */
#define NR_SETUP 425
#define NR_ENTER 426
#define NR_REGISTER 427

/* struct io_uring_params; static: below 4 GiB in a non-PIE binary, where
 * the i386 entry can reach it */
static unsigned char params[120];

static long call(const char *abi, long nr, long a, long b, long c, long d)
{
	long r;

	if (!strcmp(abi, "native")) {
		r = syscall(nr, a, b, c, d, 0L, 0L);
		return r < 0 ? -errno : r;
	}
	if (!strcmp(abi, "x32")) {
		r = syscall(0x40000000L | nr, a, b, c, d, 0L, 0L);
		return r < 0 ? -errno : r;
	}
#if defined(__x86_64__)
	asm volatile("int $0x80"
		     : "=a"(r)
		     : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(0L)
		     : "memory");
	return r;
#else
	(void)a, (void)b, (void)c, (void)d;
	return -ENOSYS;
#endif
}

static void say(const char *abi, const char *what, long r)
{
	printf("%s-%s=%s\n", abi, what, r >= 0 ? "ok" : strerror((int)-r));
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *abi = argv[i];
		long fd;

		memset(params, 0, sizeof(params));
		fd = call(abi, NR_SETUP, 1, (long)(unsigned long)params, 0, 0);
		say(abi, "setup", fd);
		if (fd >= 0)
			close((int)fd);
		say(abi, "enter", call(abi, NR_ENTER, -1, 0, 0, 0));
		say(abi, "register", call(abi, NR_REGISTER, -1, 0, 0, 0));
	}
	fflush(stdout);
	return 0;
}
