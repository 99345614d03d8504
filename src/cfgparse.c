#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfgparse.h"

/* libconfuse's error callback has no user pointer; a parse runs start to
 * end in one thread, so the destination lives here for its duration. */
static __thread struct jerr *parse_err;

static void on_error(cfg_t *cfg, const char *fmt, va_list ap)
{
	char msg[JERR_MAX];

	if (!parse_err || parse_err->msg[0])
		return; /* the first error is the one that explains */
	vsnprintf(msg, sizeof(msg), fmt, ap);
	jerr_set(parse_err, "%s:%d: %s", cfg->filename ? cfg->filename : "?",
		 cfg->line, msg);
}

int cfgparse_error(cfg_t *cfg, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	on_error(cfg, fmt, ap);
	va_end(ap);
	return -1;
}

/* libconfuse replaces ${NAME} by getenv("NAME"), and the environment of a
 * setuid program belongs to the user: refuse the construct outright, so a
 * profile means the same whatever the environment. */
static int refuse_env_refs(const char *file, const char *text,
			   struct jerr *e)
{
	const char *p = strstr(text, "${");
	int line = 1;

	if (!p)
		return 0;
	for (const char *q = text; q < p; q++)
		line += *q == '\n';
	return jerr_set(e, "%s:%d: \"${\" (environment substitution) is not "
			"allowed in jailsh configuration", file, line);
}

cfg_t *cfgparse(cfg_opt_t *opts, const char *file, const char *text,
		struct jerr *e)
{
	cfg_t *cfg;
	FILE *fp;
	int r;

	e->msg[0] = '\0';
	if (refuse_env_refs(file, text, e) < 0)
		return NULL;
	cfg = cfg_init(opts, CFGF_NONE);
	if (!cfg) {
		jerr_sys(e, ENOMEM, "%s", file);
		return NULL;
	}
	cfg_set_error_function(cfg, on_error);
	free(cfg->filename);
	cfg->filename = strdup(file);
	fp = fmemopen((void *)text, strlen(text) ? strlen(text) : 1, "r");
	if (!cfg->filename || !fp) {
		if (fp)
			fclose(fp);
		cfg_free(cfg);
		jerr_sys(e, ENOMEM, "%s", file);
		return NULL;
	}
	parse_err = e;
	r = cfg_parse_fp(cfg, fp);
	parse_err = NULL;
	fclose(fp);
	if (r != CFG_SUCCESS) {
		if (!e->msg[0])
			jerr_set(e, "%s: cannot be parsed", file);
		cfg_free(cfg);
		return NULL;
	}
	return cfg;
}
