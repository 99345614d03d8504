#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "cfgtext.h"

/* What libconfuse reads as a word (an unquoted string or a keyword). */
static int word_char(const char *p)
{
	if (p[0] == '/' && (p[1] == '/' || p[1] == '*'))
		return 0;
	return !strchr(" \t\r\n#\"'={}()+,*", p[0]);
}

struct scanner {
	const char *in;
	char *out;
	size_t i;
	int line;
	/* the last two tokens at depth 0: a section starts with a word, its
	 * title, then "{" */
	const char *word;
	size_t word_len;
	int word_line;
	int tokens; /* tokens since that word: 1 means "word title" */
	int depth;
};

static void blank_until(struct scanner *s, const char *end)
{
	size_t n = strlen(end);

	while (s->in[s->i] && strncmp(s->in + s->i, end, n)) {
		if (s->in[s->i] == '\n')
			s->line++;
		else
			s->out[s->i] = ' ';
		s->i++;
	}
	if (s->in[s->i] && n > 1) { /* the closing of a block comment */
		memset(s->out + s->i, ' ', n);
		s->i += n;
	}
}

static void skip_string(struct scanner *s, char quote)
{
	s->i++;
	while (s->in[s->i] && s->in[s->i] != quote) {
		if (s->in[s->i] == '\\' && s->in[s->i + 1])
			s->i++;
		if (s->in[s->i] == '\n')
			s->line++;
		s->i++;
	}
	if (s->in[s->i])
		s->i++;
}

static int add_section(struct scanner *s, struct cfgtext *t)
{
	struct cfgtext_section *sec;

	sec = realloc(t->sections, sizeof(*sec) * (t->nsections + 1));
	if (!sec)
		return -1;
	t->sections = sec;
	sec += t->nsections++;
	memset(sec, 0, sizeof(*sec));
	if (s->word_len < sizeof(sec->name))
		memcpy(sec->name, s->word, s->word_len);
	sec->line = s->word_line;
	return 0;
}

int cfgtext_prepare(const char *in, struct cfgtext *t)
{
	struct scanner s = { .in = in, .line = 1, .tokens = 2 };

	memset(t, 0, sizeof(*t));
	t->text = strdup(in);
	if (!t->text)
		return -1;
	s.out = t->text;
	while (in[s.i]) {
		const char *p = in + s.i;

		if (*p == '\n') {
			s.line++;
			s.i++;
		} else if (*p == ' ' || *p == '\t' || *p == '\r') {
			s.i++;
		} else if (*p == '#' || (p[0] == '/' && p[1] == '/')) {
			blank_until(&s, "\n");
		} else if (p[0] == '/' && p[1] == '*') {
			blank_until(&s, "*/");
		} else if (*p == '"' || *p == '\'') {
			skip_string(&s, *p);
			s.tokens++;
		} else if (word_char(p)) {
			size_t n = 0;

			while (p[n] && word_char(p + n))
				n++;
			s.i += n;
			if (s.depth == 0 && s.tokens != 0) {
				s.word = p;
				s.word_len = n;
				s.word_line = s.line;
				s.tokens = 0;
			} else {
				s.tokens++; /* an unquoted title, or a value */
			}
		} else {
			if (*p == '{' && s.depth++ == 0 && s.tokens == 1 &&
			    add_section(&s, t) < 0) {
				cfgtext_free(t);
				return -1;
			}
			if (*p == '}' && s.depth > 0)
				s.depth--;
			s.tokens = 2;
			s.i++;
		}
	}
	return 0;
}

void cfgtext_free(struct cfgtext *t)
{
	free(t->text);
	free(t->sections);
	memset(t, 0, sizeof(*t));
}

int cfgtext_section_line(const struct cfgtext *t, const char *name,
			 unsigned int index)
{
	for (size_t i = 0; i < t->nsections; i++)
		if (!strcmp(t->sections[i].name, name) && index-- == 0)
			return t->sections[i].line;
	return 0;
}
