/* jailsh check: like sshd -t, for every file in the configuration
 * directory. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "config.h"
#include "confdir.h"
#include "log.h"
#include "plan.h"
#include "settings.h"

struct tally {
	int files, errors;
};

/* Profiles under groups/ and default.conf apply to many users: their plan
 * is checked for a typical one. */
static char sample_name[] = "user", sample_home[] = "/home/user";
static char sample_shell[] = "/bin/sh";
static const struct identity sample = {
	.uid = 1000, .gid = 1000, .name = sample_name, .home = sample_home,
	.shell = sample_shell, .group = sample_name,
};

static void check_profile(const struct confdir *d, const char *rel,
			  const char *user, struct tally *t)
{
	struct identity real = { 0 };
	const struct identity *id = &sample;
	struct profile p;
	struct plan pl;
	char *text;
	struct jerr e;
	int r;

	r = confdir_read(d, rel, &text, &e);
	if (r == 0)
		return;
	t->files++;
	if (r < 0) {
		printf("%s\n", e.msg);
		t->errors++;
		return;
	}
	if (user && identity_from_name(user, &real, &e) == 0)
		id = &real;
	else if (user)
		printf("%s/%s: warning: %s\n", d->path, rel, e.msg);
	{
		char file[4096];

		snprintf(file, sizeof(file), "%s/%s", d->path, rel);
		r = profile_parse(file, text, &p, &e);
	}
	free(text);
	if (r == 0) {
		r = plan_build(&p, id, &pl, &e);
		if (r == 0)
			plan_free(&pl);
		profile_free(&p);
	}
	if (r < 0) {
		printf("%s\n", e.msg);
		t->errors++;
	} else {
		printf("%s/%s: ok\n", d->path, rel);
	}
	identity_free(&real);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every NAME.conf in users/, groups/ or profiles/, in name order. */
static void check_dir(const struct confdir *d, const char *sub,
		      struct tally *t)
{
	char **names = NULL, rel[512];
	size_t n = 0;
	struct dirent *de;
	DIR *dir;
	int fd;

	fd = openat(d->fd, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
				    O_CLOEXEC);
	if (fd < 0)
		return;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return;
	}
	while ((de = readdir(dir))) {
		size_t len = strlen(de->d_name);
		char **grown;

		if (len <= 5 || strcmp(de->d_name + len - 5, ".conf") ||
		    de->d_name[0] == '.')
			continue;
		grown = realloc(names, (n + 1) * sizeof(char *));
		if (!grown)
			break;
		names = grown;
		names[n] = strndup(de->d_name, len - 5);
		if (names[n])
			n++;
	}
	closedir(dir);
	qsort(names, n, sizeof(char *), by_name);
	for (size_t i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), "%s/%s.conf", sub, names[i]);
		check_profile(d, rel, !strcmp(sub, "users") ? names[i] : NULL,
			      t);
		free(names[i]);
	}
	free(names);
}

int cmd_check(int argc, char **argv)
{
	struct tally t = { 0 };
	char *text = NULL;
	struct settings s;
	struct confdir d;
	struct jerr e;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "usage: jailsh check\n");
		return 1;
	}
	if (getuid() != 0) {
		log_refusal("check: only root may check the configuration");
		return 1;
	}
	if (confdir_open(&d, JAILSH_CONFDIR, &e) < 0) {
		printf("%s\n", e.msg);
		return 1;
	}
	if (d.fd < 0) {
		printf("%s does not exist: every user gets the built-in "
		       "default profile\n", JAILSH_CONFDIR);
		return 0;
	}
	if (confdir_read(&d, "jailsh.conf", &text, &e) != 0)
		t.files++;
	free(text);
	if (settings_load(&d, &s, &e) < 0) {
		printf("%s\n", e.msg);
		t.errors++;
	} else {
		if (t.files)
			printf("%s/jailsh.conf: ok\n", d.path);
		settings_free(&s);
	}
	check_profile(&d, "default.conf", NULL, &t);
	check_dir(&d, "users", &t);
	check_dir(&d, "groups", &t);
	check_dir(&d, "profiles", &t);
	confdir_close(&d);
	printf("%d file%s checked, %d with errors\n", t.files,
	       t.files == 1 ? "" : "s", t.errors);
	return t.errors ? 1 : 0;
}
