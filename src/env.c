#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "env.h"

struct envlist {
	char **v;
	size_t n, cap;
	int failed;
};

static int name_is(const char *entry, const char *name, size_t len)
{
	return !strncmp(entry, name, len) && entry[len] == '=';
}

static void env_unset(struct envlist *l, const char *name)
{
	size_t len = strlen(name), w = 0;

	if (!l->v)
		return;
	for (size_t i = 0; i < l->n; i++) {
		if (name_is(l->v[i], name, len))
			free(l->v[i]);
		else
			l->v[w++] = l->v[i];
	}
	l->n = w;
	l->v[l->n] = NULL;
}

/* Takes ENTRY ("NAME=value", allocated) into the list, replacing NAME. */
static void env_put(struct envlist *l, char *entry)
{
	if (!entry) {
		l->failed = 1;
		return;
	}
	*strchr(entry, '=') = '\0';
	env_unset(l, entry);
	entry[strlen(entry)] = '=';
	if (l->n + 2 > l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		char **v = realloc(l->v, cap * sizeof(char *));

		if (!v) {
			free(entry);
			l->failed = 1;
			return;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = entry;
	l->v[l->n] = NULL;
}

static void env_set(struct envlist *l, const char *name, const char *value)
{
	char *entry;

	if (asprintf(&entry, "%s=%s", name, value) < 0)
		entry = NULL;
	env_put(l, entry);
}

const char *env_get(char *const *env, const char *name)
{
	size_t len = strlen(name);

	for (; env && *env; env++)
		if (name_is(*env, name, len))
			return *env + len + 1;
	return NULL;
}

static void copy_caller(struct envlist *l, char *const *caller)
{
	for (; caller && *caller && !l->failed; caller++)
		if (strchr(*caller, '='))
			env_put(l, strdup(*caller));
}

/* The host's session bus, and whatever else a variable names in the
 * host's runtime directory, is not in the jail's. */
static void put_runtime(struct envlist *l, const struct plan *pl)
{
	if (!pl->runtime_dir)
		return;
	env_set(l, "XDG_RUNTIME_DIR", pl->runtime_dir);
	env_unset(l, "DBUS_SESSION_BUS_ADDRESS");
}

char **env_runtime(const struct plan *pl, char *const *caller)
{
	struct envlist l = { 0 };

	copy_caller(&l, caller);
	put_runtime(&l, pl);
	if (!l.failed && !l.v && !(l.v = calloc(1, sizeof(char *))))
		l.failed = 1;
	if (l.failed) {
		env_free(l.v);
		return NULL;
	}
	return l.v;
}

char **env_build(const struct plan *pl, char *const *caller)
{
	const struct profile *p = pl->profile;
	struct envlist l = { 0 };

	copy_caller(&l, caller);
	for (size_t i = 0; i < p->nenv_unset && !l.failed; i++)
		env_unset(&l, p->env_unset[i]);
	put_runtime(&l, pl);
	env_set(&l, "HOME", pl->id->home);
	env_set(&l, "USER", pl->id->name);
	env_set(&l, "LOGNAME", pl->id->name);
	env_set(&l, "SHELL", pl->shell);
	if (!env_get(l.v, "PATH"))
		env_set(&l, "PATH", ENV_DEFAULT_PATH);
	for (size_t i = 0; i < p->nenv_set && !l.failed; i++)
		env_put(&l, strdup(p->env_set[i]));
	if (l.failed) {
		env_free(l.v);
		return NULL;
	}
	return l.v;
}

void env_drop(char **env, const char *name)
{
	size_t len = strlen(name), w = 0;

	for (size_t i = 0; env && env[i]; i++) {
		if (name_is(env[i], name, len))
			free(env[i]);
		else
			env[w++] = env[i];
	}
	if (env)
		env[w] = NULL;
}

void env_free(char **env)
{
	for (char **e = env; e && *e; e++)
		free(*e);
	free(env);
}

int env_exec(const char *cmd, char *const *argv, char *const *env)
{
	const char *path = env_get(env, "PATH");
	int err = ENOENT;

	if (strchr(cmd, '/')) {
		execve(cmd, argv, env);
		return errno;
	}
	for (path = path ? path : ENV_DEFAULT_PATH; *path;) {
		size_t n = strcspn(path, ":");
		char full[4096];

		snprintf(full, sizeof(full), "%.*s%s%s", (int)n, path,
			 n ? "/" : "", cmd);
		execve(full, argv, env);
		if (errno != ENOENT && errno != ENOTDIR)
			err = errno; /* there, but it cannot be run */
		path += n + (path[n] == ':');
	}
	return err;
}
