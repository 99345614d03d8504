/* evil.so: a shared object that, when loaded into a process running as
 * root (real or effective uid 0), creates a file in ROOTDIR, a directory
 * that only root may write; loaded into anyone else's, it creates one in
 * USERDIR (world-writable), which proves it was loaded at all. Built with
 * -DROOTDIR=\"...\" -DUSERDIR=\"...\". It also carries the two symbols of a
 * gconv module, so that GCONV_PATH can name it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

__attribute__((constructor)) static void evil(void)
{
	char p[4096];
	int root = geteuid() == 0 || getuid() == 0;

	snprintf(p, sizeof(p), "%s/loaded-%s-uid%u-euid%u-pid%d",
		 root ? ROOTDIR : USERDIR, program_invocation_short_name,
		 getuid(), geteuid(), getpid());
	close(open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
}

int gconv_init(void *step)
{
	(void)step;
	return 1; /* __GCONV_NOCONV */
}

int gconv(void *a, void *b, const unsigned char **c, const unsigned char *d,
	  unsigned char **e, size_t *f, int g, int h)
{
	(void)a; (void)b; (void)c; (void)d; (void)e; (void)f; (void)g; (void)h;
	return 1;
}
