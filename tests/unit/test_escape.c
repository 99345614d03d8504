/* escape_text(), escape_in_place(), and the messages and JSON built on
 * them (jerr_set, jerr_sys, jerr_prefix, status_json): text from users
 * never makes a second line, a control sequence or invalid UTF-8. */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "err.h"
#include "escape.h"
#include "status.h"
#include "tap.h"

static const char *esc(const char *in)
{
	static char out[1024];

	escape_text(out, sizeof(out), in);
	return out;
}

static void kept(const char *in, const char *what)
{
	is_str(esc(in), in, "%s: kept as it is", what);
}

int main(void)
{
	char buf[64], small[8];
	struct jerr e;
	struct status st;
	char json[1024];
	size_t n;

	kept("", "the empty string");
	kept("/home/alice/data: No such file or directory", "plain ASCII");
	kept("a\\nb \\x7f \\u0085",
	     "backslashes (escaping twice changes nothing)");
	kept("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80",
	     "UTF-8 of two, three and four bytes");
	kept("\xc2\xa0\xc2\xbf\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80"
	     "\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf",
	     "the edges of valid UTF-8 (U+00A0, U+07FF, U+0800, U+D7FF, "
	     "U+E000, U+FFFF, U+10000, U+10FFFF)");

	is_str(esc("a\nb\rc\td"), "a\\nb\\rc\\td", "newline, return, tab");
	is_str(esc("\x01\x1b[31mred\x1b[0m\x1f"),
	       "\\x01\\x1b[31mred\\x1b[0m\\x1f", "other control characters");
	is_str(esc("del\x7f"), "del\\x7f", "DEL");
	is_str(esc("\xc2\x80\xc2\x85\xc2\x9b"
		   "2J\xc2\x9f"),
	       "\\u0080\\u0085\\u009b2J\\u009f", "the C1 controls");
	is_str(esc("\xff\xfe"), "\\xff\\xfe", "bytes that are never UTF-8");
	is_str(esc("\xc3"), "\\xc3", "a sequence cut short at the end");
	is_str(esc("\xe6\x97x"), "\\xe6\\x97x",
	       "a sequence cut short by an ASCII byte");
	is_str(esc("\x80\xbf"), "\\x80\\xbf", "continuation bytes alone");
	is_str(esc("\xc0\xaf\xc1\xbf\xe0\x80\xaf\xf0\x80\x80\xaf"),
	       "\\xc0\\xaf\\xc1\\xbf\\xe0\\x80\\xaf\\xf0\\x80\\x80\\xaf",
	       "overlong forms");
	is_str(esc("\xed\xa0\x80\xed\xbf\xbf"),
	       "\\xed\\xa0\\x80\\xed\\xbf\\xbf", "surrogates");
	is_str(esc("\xf4\x90\x80\x80\xf5\x80\x80\x80"),
	       "\\xf4\\x90\\x80\\x80\\xf5\\x80\\x80\\x80", "beyond U+10FFFF");
	is_str(esc("\xe9t\xc3\xa9"), "\\xe9t\xc3\xa9",
	       "Latin-1 next to UTF-8: only the bad byte is escaped");
	is_str(esc("--status-fd 9\nMar  3 00:00:00 host sshd[1]: Accepted"),
	       "--status-fd 9\\nMar  3 00:00:00 host sshd[1]: Accepted",
	       "the forged log line of issue 16 stays on one line");
	is_str(esc(esc("a\n\x7f\xff\xc2\x85\xc3\xa9")),
	       "a\\n\\x7f\\xff\\u0085\xc3\xa9",
	       "escaping twice changes nothing");

	/* cut short between characters, never inside an escape */
	n = escape_text(small, 5, "ab\ncd");
	is_str(small, "ab\\n",
	       "size 5: \"ab\\\\n\", the next character "
	       "does not fit");
	is_int(n, 4, "  ... and the length is returned");
	escape_text(small, 4, "ab\ncd");
	is_str(small, "ab", "size 4: the escape does not fit whole: left out");
	escape_text(small, 3, "a\xc3\xa9");
	is_str(small, "a", "size 3: a two-byte character is not cut");
	escape_text(small, 1, "abc");
	is_str(small, "", "size 1: the empty string");

	strcpy(buf, "x\ny\x7f");
	escape_in_place(buf, sizeof(buf));
	is_str(buf, "x\\ny\\x7f", "escape_in_place");
	strcpy(buf, "clean caf\xc3\xa9");
	escape_in_place(buf, sizeof(buf));
	is_str(buf, "clean caf\xc3\xa9", "escape_in_place: clean text kept");
	strcpy(small, "ab\n\n\n");
	escape_in_place(small, sizeof(small));
	is_str(small, "ab\\n\\n", "escape_in_place: within the buffer's size");

	jerr_set(&e, "volume %s: no", "/x\ny");
	is_str(e.msg, "volume /x\\ny: no", "jerr_set: one line");
	jerr_sys(&e, ENOENT, "volume %s", "/x\x1b]0;owned\x07");
	is_str(e.msg, "volume /x\\x1b]0;owned\\x07: No such file or directory",
	       "jerr_sys: one line, no terminal sequence");
	is_int(e.errnum, ENOENT, "jerr_sys: keeps the errno");
	jerr_prefix(&e, "%s:%d: ", "/etc/jailsh/a\tb.conf", 3);
	is_str(e.msg,
	       "/etc/jailsh/a\\tb.conf:3: volume /x\\x1b]0;owned\\x07: "
	       "No such file or directory",
	       "jerr_prefix: the context in front, escaped, the message kept");
	is_int(e.errnum, ENOENT, "jerr_prefix: keeps the errno");
	jerr_set(&e, "no errno");
	is_int(e.errnum, 0, "jerr_set: no errno");

	status_refused(&st, 125, "--status-fd 9\nMar  3 host: \x7f\xff\"\\");
	st.user = "al\xffice";
	status_json(&st, json, sizeof(json));
	is_str(json,
	       "{\"status\":\"refused\",\"code\":125,\"error\":\"--status-fd "
	       "9\\\\nMar  3 host: \\\\x7f\\\\xff\\\"\\\\\",\"user\":"
	       "\"al\\\\xffice\"}",
	       "status_json: the error and the user as shown on stderr, "
	       "then quoted: valid UTF-8, no control character");
	status_refused(&st, 125, "caf\xc3\xa9 \xe6\x97\xa5");
	st.user = NULL;
	status_json(&st, json, sizeof(json));
	is_str(json,
	       "{\"status\":\"refused\",\"code\":125,\"error\":\"caf"
	       "\xc3\xa9 \xe6\x97\xa5\"}",
	       "status_json: UTF-8 kept");
	return done_testing();
}
