/* jailsh audit: "sshd -T -C user=U,host=H,addr=A", which prints the
 * settings sshd would apply to that connection, Match blocks and
 * Includes done, read into struct audit_sshd. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit_sshd.h"

#define OUT_MAX (256 * 1024)

/* In the child, in a mount namespace of its own: /run becomes a tmpfs
 * that holds the host's entries, each bound back as it is, and an empty
 * sshd/, sshd's privilege separation directory, which sshd -T wants to
 * see although it uses nothing in it. */
static int fake_privsep_dir(void)
{
	struct dirent *de;
	int old;
	DIR *d;

	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -1;
	old = open("/run", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (old < 0 || mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV,
			     "mode=755") < 0)
		return -1;
	d = fdopendir(dup(old));
	while (d && (de = readdir(d))) {
		char from[PATH_MAX], to[PATH_MAX], link[PATH_MAX];
		struct stat st;
		ssize_t len;
		int fd;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    fstatat(old, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		snprintf(to, sizeof(to), "/run/%s", de->d_name);
		snprintf(from, sizeof(from), "/proc/self/fd/%d/%s", old,
			 de->d_name);
		if (S_ISLNK(st.st_mode)) {
			len = readlinkat(old, de->d_name, link,
					 sizeof(link) - 1);
			if (len >= 0) {
				link[len] = '\0';
				if (symlink(link, to) < 0)
					return -1;
			}
			continue;
		}
		if (S_ISDIR(st.st_mode))
			fd = mkdir(to, 0755);
		else if ((fd = open(to, O_CREAT | O_WRONLY | O_CLOEXEC,
				    0644)) >= 0)
			fd = close(fd);
		if (fd < 0 || mount(from, to, NULL, MS_BIND | MS_REC, NULL) < 0)
			return -1;
	}
	if (d)
		closedir(d);
	return mkdir("/run/sshd", 0755) < 0 && errno != EEXIST ? -1 : 0;
}

static void child(const char *sshd, const char *spec, int out)
{
	static char *const env[] = {
		(char *)"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL
	};
	const char *argv[] = { sshd, "-T", "-C", spec, NULL };
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	struct stat st;

	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 ||
	    dup2(out, 2) < 0)
		_exit(127);
	if (stat("/run/sshd", &st) < 0 && fake_privsep_dir() < 0) {
		dprintf(2, "cannot make a private /run/sshd for sshd -T: %s\n",
			strerror(errno));
		_exit(127);
	}
	execve(sshd, (char *const *)argv, env);
	dprintf(2, "%s: %s\n", sshd, strerror(errno));
	_exit(127);
}

/* All SSHD prints, and its status; -1 where it could not be run. */
static int run(const char *sshd, const char *spec, char **out)
{
	size_t n = 0;
	int p[2], status;
	pid_t pid;

	*out = calloc(OUT_MAX + 1, 1);
	if (!*out || pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0)
		child(sshd, spec, p[1]);
	close(p[1]);
	for (;;) {
		ssize_t r = read(p[0], *out + n, OUT_MAX - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += r;
		if (n == OUT_MAX) /* the rest is read and dropped */
			n = OUT_MAX - 4096;
	}
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static void value(char *dst, size_t size, const char *v)
{
	snprintf(dst, size, "%s", v);
}

static void take(struct audit_sshd *s, char *key, char *v)
{
	if (!strcmp(key, "usepam"))
		s->usepam = !strcmp(v, "yes");
	else if (!strcmp(key, "forcecommand"))
		value(s->forcecommand, sizeof(s->forcecommand),
		      strcmp(v, "none") ? v : "");
	else if (!strcmp(key, "subsystem") && s->nsubsys < AUDIT_SSHD_SUBSYS) {
		char *cmd = v + strcspn(v, " \t");

		if (*cmd)
			*cmd++ = '\0';
		cmd += strspn(cmd, " \t");
		value(s->subsys[s->nsubsys][0], 256, v);
		value(s->subsys[s->nsubsys++][1], 256, cmd);
	} else if (!strcmp(key, "allowtcpforwarding"))
		value(s->tcp, sizeof(s->tcp), v);
	else if (!strcmp(key, "allowstreamlocalforwarding"))
		value(s->streamlocal, sizeof(s->streamlocal), v);
	else if (!strcmp(key, "x11forwarding"))
		value(s->x11, sizeof(s->x11), v);
	else if (!strcmp(key, "permittunnel"))
		value(s->tunnel, sizeof(s->tunnel), v);
	else if (!strcmp(key, "permituserrc"))
		s->userrc = !strcmp(v, "yes");
}

void audit_sshd_read(const char *sshd, const char *user, const char *host,
		     const char *addr, struct audit_sshd *s)
{
	char spec[512], *out = NULL, *save = NULL, *line;
	int status, disable = 0;

	memset(s, 0, sizeof(*s));
	if (access(sshd, X_OK) < 0) {
		if (errno != ENOENT)
			snprintf(s->err, sizeof(s->err), "%s: %s", sshd,
				 strerror(errno));
		s->installed = errno != ENOENT;
		return;
	}
	s->installed = 1;
	snprintf(spec, sizeof(spec), "user=%s,host=%s,addr=%s", user, host,
		 addr);
	status = run(sshd, spec, &out);
	if (status != 0) {
		snprintf(s->err, sizeof(s->err), "%s -T -C %.200s failed: %.*s",
			 sshd, spec, out ? (int)strcspn(out, "\n") : 0,
			 out ? out : "");
		free(out);
		return;
	}
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *v = line + strcspn(line, " ");

		if (!*v)
			continue;
		*v++ = '\0';
		if (!strcmp(line, "disableforwarding"))
			disable = !strcmp(v, "yes");
		take(s, line, v);
	}
	free(out);
	/* sshd -T prints each setting as given; DisableForwarding yes
	 * overrides the forwarding ones (X11, TCP, Unix sockets) */
	if (disable) {
		value(s->tcp, sizeof(s->tcp), "no");
		value(s->streamlocal, sizeof(s->streamlocal), "no");
		value(s->x11, sizeof(s->x11), "no");
	}
}
