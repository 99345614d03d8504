/* A configuration file's text as libconfuse is given it: comments blanked
 * out (libconfuse 3.3 miscounts the lines they span, so every later error
 * would name the wrong line); where each top-level section starts
 * (libconfuse only knows where one ends); and every "name =" assignment,
 * so that an option given twice is an error rather than silently the last
 * one (or, for libconfuse's lists, a replacement of the first). */
#ifndef JAILSH_CONF_TEXT_H
#define JAILSH_CONF_TEXT_H

#include <stddef.h>

struct conf_text_item {
	char name[32];
	int line;
	int section; /* assignments: index of the enclosing section, or -1 */
};

struct conf_text {
	char *text; /* as long as the original, with the same lines */
	struct conf_text_item *sections; /* top level, in order */
	size_t nsections;
	struct conf_text_item *assigns; /* "name =", not "name +=" */
	size_t nassigns;
	/* libconfuse accepts a file that ends inside a section */
	int unclosed_line; /* a "{" or a quote never closed; 0 if none */
};

int conf_text_prepare(const char *in, struct conf_text *t);
void conf_text_free(struct conf_text *t);

/* The line where the INDEX-th (from 0) section called NAME starts; 0 if
 * there is no such section. */
int conf_text_section_line(const struct conf_text *t, const char *name,
			   unsigned int index);

#endif
