/* pamrun SERVICE USER [-c COMMAND]: what "runuser -l USER [-c COMMAND]"
 * does, under a PAM service of the caller's choosing, so that a test can
 * open PAM-jailed sessions through a stack of its own (/etc/pam.d/SERVICE)
 * and never touch the system's runuser-l or su, which other tests running
 * at the same time append to and put back.
 *
 * As root: pam_start(SERVICE, USER), initgroups, pam_setcred, then
 * pam_open_session (where pam_jailsh moves this process into the jail);
 * then a child takes the user's gid, groups and uid, a clean environment
 * (HOME, SHELL, USER, LOGNAME, PATH, TERM, and what the modules set),
 * starts in the home directory and runs the user's login shell as a login
 * shell ("-bash"), with -c COMMAND if given. No new session and no new
 * terminal: like su --session-command, the shell shares the caller's
 * terminal. The parent waits, closes the session and exits with the
 * shell's status (128+N for signal N). Messages from the modules go to
 * standard error; a prompt fails the conversation. */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <security/pam_appl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int conv(int n, const struct pam_message **msg,
		struct pam_response **resp, void *data)
{
	(void)data;
	*resp = NULL;
	for (int i = 0; i < n; i++) {
		if (msg[i]->msg_style == PAM_ERROR_MSG ||
		    msg[i]->msg_style == PAM_TEXT_INFO)
			fprintf(stderr, "%s\n", msg[i]->msg);
		else
			return PAM_CONV_ERR;
	}
	return PAM_SUCCESS;
}

int main(int argc, char **argv)
{
	struct pam_conv pc = { conv, NULL };
	const char *cmd = NULL;
	pam_handle_t *h;
	struct passwd *pw;
	char *base, *arg0;
	int r, status;
	pid_t child;

	if (argc == 5 && !strcmp(argv[3], "-c"))
		cmd = argv[4];
	else if (argc != 3) {
		fprintf(stderr, "usage: %s SERVICE USER [-c COMMAND]\n", argv[0]);
		return 2;
	}
	pw = getpwnam(argv[2]);
	if (!pw) {
		fprintf(stderr, "pamrun: no user %s\n", argv[2]);
		return 1;
	}
	r = pam_start(argv[1], pw->pw_name, &pc, &h);
	if (r != PAM_SUCCESS) {
		fprintf(stderr, "pamrun: pam_start: %s\n", pam_strerror(h, r));
		return 1;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) < 0) {
		perror("pamrun: initgroups");
		return 1;
	}
	r = pam_setcred(h, PAM_ESTABLISH_CRED);
	if (r == PAM_SUCCESS)
		r = pam_open_session(h, 0);
	if (r != PAM_SUCCESS) {
		fprintf(stderr, "pamrun: cannot open session: %s\n",
			pam_strerror(h, r));
		pam_end(h, r);
		return 1;
	}
	child = fork();
	if (child == 0) {
		char **penv = pam_getenvlist(h);
		const char *term = getenv("TERM");
		char *t = term ? strdup(term) : NULL;

		if (setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0) {
			perror("pamrun: drop");
			_exit(1);
		}
		clearenv();
		for (size_t i = 0; penv && penv[i]; i++)
			putenv(penv[i]);
		setenv("HOME", pw->pw_dir, 1);
		setenv("SHELL", pw->pw_shell, 1);
		setenv("USER", pw->pw_name, 1);
		setenv("LOGNAME", pw->pw_name, 1);
		setenv("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/games", 1);
		if (t)
			setenv("TERM", t, 1);
		if (chdir(pw->pw_dir) < 0 && chdir("/") < 0)
			_exit(1);
		base = strrchr(pw->pw_shell, '/');
		base = base ? base + 1 : pw->pw_shell;
		if (asprintf(&arg0, "-%s", base) < 0)
			_exit(1);
		if (cmd)
			execl(pw->pw_shell, arg0, "-c", cmd, (char *)NULL);
		else
			execl(pw->pw_shell, arg0, (char *)NULL);
		perror("pamrun: exec");
		_exit(127);
	}
	if (child < 0) {
		perror("pamrun: fork");
		status = 1 << 8;
	} else {
		signal(SIGINT, SIG_IGN);
		signal(SIGQUIT, SIG_IGN);
		while (waitpid(child, &status, 0) < 0)
			if (errno != EINTR) {
				status = 1 << 8;
				break;
			}
	}
	pam_close_session(h, 0);
	pam_setcred(h, PAM_DELETE_CRED);
	pam_end(h, PAM_SUCCESS);
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}
