/* A configuration file's text as libconfuse is given it: comments blanked
 * out (libconfuse 3.3 miscounts the lines they span, so every later error
 * would name the wrong line), and where each top-level section starts
 * (libconfuse only knows where one ends). */
#ifndef JAILSH_CFGTEXT_H
#define JAILSH_CFGTEXT_H

#include <stddef.h>

struct cfgtext_section {
	char name[16];
	int line;
};

struct cfgtext {
	char *text; /* as long as the original, with the same lines */
	struct cfgtext_section *sections; /* in the order they appear */
	size_t nsections;
};

int cfgtext_prepare(const char *in, struct cfgtext *t);
void cfgtext_free(struct cfgtext *t);

/* The line where the INDEX-th (from 0) section called NAME starts; 0 if
 * there is no such section. */
int cfgtext_section_line(const struct cfgtext *t, const char *name,
			 unsigned int index);

#endif
