/* suid [MARKER [FILE]]: what a setuid, setgid or file-capability copy of
 * this program gets. Prints its ids and effective capabilities; with
 * euid 0 it creates MARKER (in a directory only root may write); it tries
 * to read FILE (a root-only secret, or /etc/shadow for setgid shadow). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	uid_t r, e, s;
	gid_t rg, eg, sg;
	char line[256], caps[64] = "?";
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %63s", caps) == 1)
			break;
	getresuid(&r, &e, &s);
	getresgid(&rg, &eg, &sg);
	printf("uid=%u,%u,%u gid=%u,%u,%u capeff=%s\n", r, e, s, rg, eg, sg,
	       caps);
	if (argc > 1 && argv[1][0] && e == 0) {
		int fd = open(argv[1], O_CREAT | O_WRONLY, 0600);

		printf("marker=%s\n", fd >= 0 ? "written" : strerror(errno));
	}
	if (argc > 2) {
		int fd = open(argv[2], O_RDONLY);
		char buf[128];
		ssize_t n;

		if (fd < 0) {
			printf("read=%s\n", strerror(errno));
		} else {
			n = read(fd, buf, sizeof(buf) - 1);
			buf[n > 0 ? n : 0] = '\0';
			buf[strcspn(buf, "\n")] = '\0';
			printf("read=OK:%s\n", buf);
		}
	}
	return 0;
}
