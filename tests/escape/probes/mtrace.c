/* mtrace: starts malloc tracing (to $MALLOC_TRACE, when
 * libc_malloc_debug.so is preloaded) and allocates once. */
#include <mcheck.h>
#include <stdlib.h>

int main(void)
{
	mtrace();
	free(malloc(16));
	return 0;
}
