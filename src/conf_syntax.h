/* libconfuse, used safely: no environment expansion, no include, errors
 * with file and line. Shared by jailsh.conf and the profiles. */
#ifndef JAILSH_CONF_SYNTAX_H
#define JAILSH_CONF_SYNTAX_H

#include <confuse.h>

#include "err.h"

/* Parses TEXT (the contents of FILE) into a cfg made by cfg_init() from
 * OPTS. Returns the cfg, or NULL with "FILE:LINE: message" in e. */
cfg_t *conf_syntax_parse(cfg_opt_t *opts, const char *file, const char *text,
			 struct jerr *e);

/* For validation callbacks: report "FILE:LINE: message" and fail. */
int conf_syntax_error(cfg_t *cfg, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* For validation callbacks of a section: the line where the INDEX-th
 * section called NAME starts (libconfuse only tells where it ends). */
int conf_syntax_section_line(const char *name, unsigned int index);

/* The same "FILE:LINE: message" for a given line. */
int conf_syntax_error_at(int line, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The validation callback of a list of group names (drop_groups,
 * root_groups): each as the group database has them, nothing that could
 * be a path or an option. */
int conf_syntax_group_names(cfg_t *cfg, cfg_opt_t *opt);

#endif
