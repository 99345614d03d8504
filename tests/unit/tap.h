/* A tiny TAP producer for the unit tests: header only, one test program
 * per file.
 *
 *	plan(n);                      or nothing, and done_testing() says it
 *	ok(cond, "what");
 *	is_int(got, want, "what");
 *	is_str(got, want, "what");    NULL equals only NULL
 *	like(got, "part", "what");    strstr(); a NULL string never matches
 *	diag("a note");
 *	skip(n, "why");               n checks that cannot be made here
 *	return done_testing();        non-zero if a test failed or the
 *	                              count is not the planned one
 *
 * Every assertion returns whether it passed, so a test can stop looking
 * at a value that is not there: if (is_int(n, 3, "...")) use(v[2]);
 */
#ifndef JAILSH_TAP_H
#define JAILSH_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_planned = -1;
static int tap_run;
static int tap_failed;

static inline void tap_vdiag(const char *fmt, va_list ap)
{
	char buf[4096];
	char *line, *save = NULL;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	/* every line of a diagnostic is a TAP comment */
	fflush(stdout);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		fprintf(stderr, "# %s\n", line);
	fflush(stderr);
}

static inline void __attribute__((format(printf, 1, 2)))
diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vdiag(fmt, ap);
	va_end(ap);
}

static inline void plan(int n)
{
	tap_planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

/* Prints the result line; on failure, where the assertion is. */
static inline int tap_result(int pass, const char *file, int line,
			     const char *fmt, va_list ap)
{
	char name[1024];

	vsnprintf(name, sizeof(name), fmt, ap);
	tap_run++;
	if (!pass)
		tap_failed++;
	/* '#' would start a directive, a newline would end the line */
	for (char *c = name; *c; c++)
		if (*c == '#' || *c == '\n')
			*c = ' ';
	printf("%sok %d - %s\n", pass ? "" : "not ", tap_run, name);
	fflush(stdout);
	if (!pass)
		diag("  Failed test '%s'\n  at %s line %d.", name, file, line);
	return pass;
}

static inline int __attribute__((format(printf, 4, 5)))
tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_result(pass, file, line, fmt, ap);
	va_end(ap);
	return pass;
}

static inline int __attribute__((format(printf, 5, 6)))
tap_is_int(long long got, long long want, const char *file, int line,
	   const char *fmt, ...)
{
	int pass = got == want;
	va_list ap;

	va_start(ap, fmt);
	tap_result(pass, file, line, fmt, ap);
	va_end(ap);
	if (!pass)
		diag("         got: %lld\n    expected: %lld", got, want);
	return pass;
}

static inline int __attribute__((format(printf, 5, 6)))
tap_is_str(const char *got, const char *want, const char *file, int line,
	   const char *fmt, ...)
{
	int pass = got && want ? !strcmp(got, want) : got == want;
	va_list ap;

	va_start(ap, fmt);
	tap_result(pass, file, line, fmt, ap);
	va_end(ap);
	if (!pass)
		diag("         got: %s%s%s\n    expected: %s%s%s",
		     got ? "'" : "", got ? got : "NULL", got ? "'" : "",
		     want ? "'" : "", want ? want : "NULL", want ? "'" : "");
	return pass;
}

static inline int __attribute__((format(printf, 5, 6)))
tap_like(const char *got, const char *part, const char *file, int line,
	 const char *fmt, ...)
{
	int pass = got && part && strstr(got, part);
	va_list ap;

	va_start(ap, fmt);
	tap_result(pass, file, line, fmt, ap);
	va_end(ap);
	if (!pass)
		diag("                  '%s'\n    doesn't contain '%s'",
		     got ? got : "(NULL)", part ? part : "(NULL)");
	return pass;
}

/* N checks that cannot be made here: "ok N # SKIP WHY". */
static inline void skip(int n, const char *why)
{
	while (n-- > 0)
		printf("ok %d # SKIP %s\n", ++tap_run, why);
	fflush(stdout);
}

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, want, ...) \
	tap_is_int((long long)(got), (long long)(want), __FILE__, __LINE__, \
		   __VA_ARGS__)
#define is_str(got, want, ...) \
	tap_is_str((got), (want), __FILE__, __LINE__, __VA_ARGS__)
#define like(got, part, ...) \
	tap_like((got), (part), __FILE__, __LINE__, __VA_ARGS__)

/* The exit status of the test program. */
static inline int done_testing(void)
{
	if (tap_planned < 0) {
		printf("1..%d\n", tap_run);
		fflush(stdout);
	} else if (tap_run != tap_planned) {
		diag("Looks like you planned %d tests but ran %d.", tap_planned,
		     tap_run);
		return 255;
	}
	if (tap_failed)
		diag("Looks like you failed %d test%s of %d.", tap_failed,
		     tap_failed == 1 ? "" : "s", tap_run);
	return tap_failed > 254 ? 254 : tap_failed;
}

#endif
