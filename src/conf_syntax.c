#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_syntax.h"
#include "conf_text.h"

/* libconfuse's callbacks have no user pointer; a parse runs from start to
 * end in one thread, so what they need lives here for its duration. */
static __thread struct {
	struct jerr *err;
	const char *file; /* sections' own cfg_t have no file name */
	const struct conf_text *text;
} parse;

static void report(int line, const char *fmt, va_list ap)
{
	char msg[JERR_MAX];

	if (!parse.err || parse.err->msg[0])
		return; /* the first error is the one that explains */
	vsnprintf(msg, sizeof(msg), fmt, ap);
	jerr_set(parse.err, "%s:%d: %s", parse.file, line, msg);
}

static void on_error(cfg_t *cfg, const char *fmt, va_list ap)
{
	report(cfg->line, fmt, ap);
}

int conf_syntax_error(cfg_t *cfg, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(cfg->line, fmt, ap);
	va_end(ap);
	return -1;
}

int conf_syntax_error_at(int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(line, fmt, ap);
	va_end(ap);
	return -1;
}

static int group_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 255 || s[0] == '-')
		return 0;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || *s == ',' ||
		    (unsigned char)*s < 0x21 || *s == 0x7f)
			return 0;
	return 1;
}

int conf_syntax_group_names(cfg_t *cfg, cfg_opt_t *opt)
{
	unsigned int n = cfg_opt_size(opt);
	const char *v = n ? cfg_opt_getnstr(opt, n - 1) : NULL;

	if (v && !group_name_ok(v))
		return conf_syntax_error(cfg, "%s: \"%s\" is not a group name",
					 opt->name, v);
	return 0;
}

int conf_syntax_section_line(const char *name, unsigned int index)
{
	return parse.text ? conf_text_section_line(parse.text, name, index) : 0;
}

/* libconfuse replaces ${NAME} by getenv("NAME"), and the environment of a
 * setuid program belongs to the user: refuse the construct outright, so a
 * profile means the same whatever the environment. */
static int refuse_env_refs(const char *file, const char *text, struct jerr *e)
{
	const char *p = strstr(text, "${");
	int line = 1;

	if (!p)
		return 0;
	for (const char *q = text; q < p; q++)
		line += *q == '\n';
	return jerr_set(e,
			"%s:%d: \"${\" (environment substitution) is not "
			"allowed in jailsh configuration",
			file, line);
}

static cfg_opt_t *find_opt(cfg_opt_t *opts, const char *name)
{
	for (; opts && opts->name; opts++)
		if (!strcmp(opts->name, name))
			return opts;
	return NULL;
}

/* What libconfuse would let through: an option set twice, or a section
 * that may appear once appearing twice (it keeps the last, silently); a
 * section or a string left open at the end (it takes what it has). */
static int refuse_repeats(cfg_opt_t *opts, const char *file,
			  const struct conf_text *t, struct jerr *e)
{
	if (t->unclosed_line)
		return jerr_set(e,
				"%s:%d: this \"{\" or quote is never "
				"closed",
				file, t->unclosed_line);
	for (size_t i = 0; i < t->nassigns; i++)
		for (size_t j = 0; j < i; j++) {
			const struct conf_text_item *a = &t->assigns[j];
			const struct conf_text_item *b = &t->assigns[i];

			if (a->section == b->section &&
			    !strcmp(a->name, b->name))
				return jerr_set(e,
						"%s:%d: %s is given twice "
						"(first at line %d); give it "
						"once (a list can grow with "
						"+=)",
						file, b->line, b->name,
						a->line);
		}
	for (size_t i = 0; i < t->nsections; i++) {
		const struct conf_text_item *b = &t->sections[i];
		cfg_opt_t *o = find_opt(opts, b->name);

		if (!o || o->type != CFGT_SEC || (o->flags & CFGF_MULTI))
			continue;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(t->sections[j].name, b->name))
				return jerr_set(
					e,
					"%s:%d: section %s is given "
					"twice (first at line %d); give "
					"it once",
					file, b->line, b->name,
					t->sections[j].line);
	}
	return 0;
}

cfg_t *conf_syntax_parse(cfg_opt_t *opts, const char *file, const char *text,
			 struct jerr *e)
{
	struct conf_text t;
	cfg_t *cfg;
	FILE *fp;
	int r;

	e->msg[0] = '\0';
	if (conf_text_prepare(text, &t) < 0) {
		jerr_sys(e, ENOMEM, "%s", file);
		return NULL;
	}
	if (refuse_env_refs(file, t.text, e) < 0 ||
	    refuse_repeats(opts, file, &t, e) < 0) {
		conf_text_free(&t);
		return NULL;
	}
	cfg = cfg_init(opts, CFGF_NONE);
	/* fmemopen() wants at least one byte: give an empty file a newline */
	fp = fmemopen(t.text[0] ? t.text : (char[]){ "\n" },
		      t.text[0] ? strlen(t.text) : 1, "r");
	if (!cfg || !fp) {
		if (fp)
			fclose(fp);
		if (cfg)
			cfg_free(cfg);
		conf_text_free(&t);
		jerr_sys(e, ENOMEM, "%s", file);
		return NULL;
	}
	cfg_set_error_function(cfg, on_error);
	parse.err = e;
	parse.file = file;
	parse.text = &t;
	r = cfg_parse_fp(cfg, fp);
	memset(&parse, 0, sizeof(parse));
	fclose(fp);
	conf_text_free(&t);
	if (r != CFG_SUCCESS) {
		if (!e->msg[0])
			jerr_set(e, "%s: cannot be parsed", file);
		cfg_free(cfg);
		return NULL;
	}
	return cfg;
}
