/* The environment the real shell starts with. */
#ifndef JAILSH_ENV_H
#define JAILSH_ENV_H

#include "plan.h"

#define ENV_DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin:/usr/games"

/* The caller's environment, without what the profile unsets; HOME, USER,
 * LOGNAME and SHELL of the user (PATH only if missing); the session's
 * runtime directory (env_runtime); then what the profile sets. NULL when
 * out of memory. */
char **env_build(const struct plan *pl, char *const *caller);
void env_free(char **env);

/* The caller's environment, with the session's own runtime directory in
 * XDG_RUNTIME_DIR and without DBUS_SESSION_BUS_ADDRESS, whose bus is the
 * host's (when the plan has a private runtime directory): what jailsh run
 * gives its command. NULL when out of memory. */
char **env_runtime(const struct plan *pl, char *const *caller);

/* Takes NAME out of ENV (made by env_build). */
void env_drop(char **env, const char *name);

/* The value of NAME in ENV, or NULL. */
const char *env_get(char *const *env, const char *name);

/* execve() of CMD, looked up in ENV's own PATH when it has no '/' (the
 * process itself may have no environment). Returns only on failure, with
 * why: ENOENT if it was found nowhere. */
int env_exec(const char *cmd, char *const *argv, char *const *env);

#endif
