/* Text from users made safe for one line of a log, a terminal or JSON. */
#ifndef JAILSH_ESCAPE_H
#define JAILSH_ESCAPE_H

#include <stddef.h>

/* SRC into DST (SIZE > 0 bytes, always NUL-terminated), with what could
 * forge a line or steer a terminal made visible: \n, \r and \t, the other
 * control characters and DEL as \xNN, the C1 controls (U+0080..U+009F) as
 * \u0080..\u009f, and each byte that is not part of valid UTF-8 as \xNN.
 * Valid UTF-8 is kept, and so are backslashes: escaping twice changes
 * nothing. Cut short only between characters, never inside an escape.
 * Returns the length written. */
size_t escape_text(char *dst, size_t size, const char *src);

/* The same in BUF (SIZE bytes), in place. Without memory for a copy,
 * each byte that would be escaped becomes '?'. */
void escape_in_place(char *buf, size_t size);

#endif
