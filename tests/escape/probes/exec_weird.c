/* exec_weird MODE TARGET [ARGS...]: executes TARGET with hostile process
 * state (after tests/escape/CATALOGUE.md, appendix A.6).
 *
 *   argc0        argv = { NULL }; envp carries pkexec-style junk
 *   nofds        fds 0, 1 and 2 closed
 *   sigs         every catchable signal ignored and blocked
 *   alarm:USEC   ITIMER_REAL armed to fire USEC microseconds after exec
 *   argv0:FILE   argv[0] is the content of FILE (any bytes but NUL)
 *   big:BYTES    BYTES of extra arguments after ARGS, 64 KiB each */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	char *mode, *target;

	if (argc < 3) {
		fprintf(stderr, "usage: exec_weird MODE TARGET [ARGS...]\n");
		return 2;
	}
	mode = argv[1];
	target = argv[2];
	if (!strcmp(mode, "argc0")) {
		char *nargv[] = { NULL };
		char *junk[] = { "-c=touch /tmp/jt-argc0", "LD_PRELOAD=/tmp/jt-evil.so",
				 "GCONV_PATH=.", "CHARSET=JT", "SHELL=/bin/sh", NULL };

		execve(target, nargv, junk);
		perror("execve");
		return 1;
	}
	if (!strcmp(mode, "nofds")) {
		close(0);
		close(1);
		close(2);
	}
	if (!strcmp(mode, "sigs")) {
		sigset_t all;

		sigfillset(&all);
		for (int s = 1; s < NSIG; s++)
			signal(s, SIG_IGN);
		sigprocmask(SIG_BLOCK, &all, NULL);
	}
	if (!strncmp(mode, "alarm:", 6)) {
		struct itimerval it = { { 0, 0 }, { 0, atol(mode + 6) } };

		if (it.it_value.tv_usec >= 1000000) {
			it.it_value.tv_sec = it.it_value.tv_usec / 1000000;
			it.it_value.tv_usec %= 1000000;
		}
		if (!it.it_value.tv_sec && !it.it_value.tv_usec)
			it.it_value.tv_usec = 1;
		setitimer(ITIMER_REAL, &it, NULL);
	}
	if (!strncmp(mode, "argv0:", 6)) {
		struct stat st;
		int fd = open(mode + 6, O_RDONLY);
		char *a0;

		if (fd < 0 || fstat(fd, &st) < 0) {
			perror(mode + 6);
			return 1;
		}
		a0 = calloc(1, st.st_size + 1);
		if (!a0 || read(fd, a0, st.st_size) != st.st_size) {
			perror("read");
			return 1;
		}
		argv[2] = a0;
		execv(target, argv + 2);
		perror("execv");
		return 1;
	}
	if (!strncmp(mode, "big:", 4)) {
		long bytes = atol(mode + 4), chunk = 65536, n = bytes / chunk;
		char **nargv = calloc(argc + n + 1, sizeof(char *));
		char *a = malloc(chunk);
		int i, k = 0;

		if (!nargv || !a)
			return 1;
		memset(a, 'A', chunk - 1);
		a[chunk - 1] = '\0';
		for (i = 2; i < argc; i++)
			nargv[k++] = argv[i];
		for (i = 0; i < n; i++)
			nargv[k++] = a;
		execv(target, nargv);
		perror("execv");
		return 1;
	}
	execv(target, argv + 2);
	perror("execv");
	return 1;
}
