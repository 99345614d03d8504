/* tiocsti32 MODE MARKER: pushes "touch MARKER-MODE\n" into the terminal on
 * standard input with TIOCSTI, through another system call ABI than the
 * native one, which a filter must cover as well:
 *   i386  int $0x80, ioctl = 54 (the 32-bit entry of a 64-bit kernel)
 *   x32   syscall(__X32_SYSCALL_BIT | 514), the x32 ioctl
 * Prints "MODE: injected" or "MODE: <error>". */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static char ch; /* static: below 4 GiB in a non-PIE binary */

int main(int argc, char **argv)
{
	char text[512];

	if (argc != 3) {
		fprintf(stderr, "usage: %s i386|x32 MARKER\n", argv[0]);
		return 2;
	}
	snprintf(text, sizeof(text), "touch %s-%s\n", argv[2], argv[1]);
	for (const char *p = text; *p; p++) {
		long r;

		ch = *p;
		if (!strcmp(argv[1], "i386")) {
#if defined(__x86_64__)
			asm volatile("int $0x80"
				     : "=a"(r)
				     : "a"(54L), "b"(0L), "c"(0x5412L), "d"(&ch)
				     : "memory");
#else
			r = -ENOSYS;
#endif
		} else {
			r = syscall(0x40000000 | 514, 0, 0x5412, &ch);
			if (r < 0)
				r = -errno;
		}
		if (r != 0) {
			printf("%s: %s\n", argv[1], strerror((int)-r));
			return 1;
		}
	}
	printf("%s: injected\n", argv[1]);
	return 0;
}
