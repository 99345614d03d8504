#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "conf_text.h"

/* What libconfuse reads as a word (an unquoted string or a keyword). */
static int word_char(const char *p)
{
	if (p[0] == '/' && (p[1] == '/' || p[1] == '*'))
		return 0;
	return !strchr(" \t\r\n#\"'={}()+,*", p[0]);
}

/* The scanner keeps the last word that could name something, and counts
 * the tokens since: "name title {" starts a section, "name {" too, and
 * "name =" assigns. A token right after "=" is a value, never a name. */
struct scanner {
	const char *in;
	char *out;
	size_t i;
	int line;
	const char *word;
	size_t word_len;
	int word_line;
	int since; /* 0: the word was the last token; 1: word, title */
	int after_eq;
	int depth;
	int open_line; /* of the outermost "{" still open */
	int section;   /* the top-level section we are in, or -1 */
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

/* Returns 0, or the line of a string that never ends. */
static int skip_string(struct scanner *s, char quote)
{
	int start = s->line;

	s->i++;
	while (s->in[s->i] && s->in[s->i] != quote) {
		if (s->in[s->i] == '\\' && s->in[s->i + 1])
			s->i++;
		if (s->in[s->i] == '\n')
			s->line++;
		s->i++;
	}
	if (!s->in[s->i])
		return start;
	s->i++;
	return 0;
}

static int add(struct conf_text_item **list, size_t *n, const struct scanner *s,
	       int section)
{
	struct conf_text_item *it = realloc(*list, sizeof(*it) * (*n + 1));

	if (!it)
		return -1;
	*list = it;
	it += (*n)++;
	memset(it, 0, sizeof(*it));
	if (s->word_len < sizeof(it->name))
		memcpy(it->name, s->word, s->word_len);
	it->line = s->word_line;
	it->section = section;
	return 0;
}

/* A value or a title: anything that is not a name. */
static void value(struct scanner *s)
{
	if (s->after_eq) {
		s->after_eq = 0;
		s->since = 2;
	} else {
		s->since = s->since == 0 ? 1 : 2;
	}
}

static int punct(struct scanner *s, struct conf_text *t)
{
	const char c = s->in[s->i];
	int named = s->since <= 1;

	s->i++;
	s->since = 2;
	if (c == '=') {
		/* "+=" appends to a list, and that may be repeated */
		if (named && s->i >= 2 && s->in[s->i - 2] != '+' &&
		    add(&t->assigns, &t->nassigns, s, s->section) < 0)
			return -1;
		s->after_eq = 1;
		return 0;
	}
	if (c == '{') {
		if (s->depth == 0)
			s->open_line = s->line;
		if (s->depth++ == 0 && named && !s->after_eq) {
			if (add(&t->sections, &t->nsections, s, -1) < 0)
				return -1;
			s->section = (int)t->nsections - 1;
		}
		s->after_eq = 0;
	} else if (c == '}' && s->depth > 0 && --s->depth == 0) {
		s->section = -1;
	}
	return 0;
}

int conf_text_prepare(const char *in, struct conf_text *t)
{
	struct scanner s = { .in = in, .line = 1, .since = 2, .section = -1 };

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
			int open = skip_string(&s, *p);

			if (open && !t->unclosed_line)
				t->unclosed_line = open;
			value(&s);
		} else if (word_char(p)) {
			size_t n = 0;

			while (p[n] && word_char(p + n))
				n++;
			s.i += n;
			if (s.after_eq || s.since == 0) {
				value(&s);
			} else {
				s.word = p;
				s.word_len = n;
				s.word_line = s.line;
				s.since = 0;
			}
		} else if (punct(&s, t) < 0) {
			conf_text_free(t);
			return -1;
		}
	}
	if (s.depth > 0 && !t->unclosed_line)
		t->unclosed_line = s.open_line;
	return 0;
}

void conf_text_free(struct conf_text *t)
{
	free(t->text);
	free(t->sections);
	free(t->assigns);
	memset(t, 0, sizeof(*t));
}

int conf_text_section_line(const struct conf_text *t, const char *name,
			   unsigned int index)
{
	for (size_t i = 0; i < t->nsections; i++)
		if (!strcmp(t->sections[i].name, name) && index-- == 0)
			return t->sections[i].line;
	return 0;
}
