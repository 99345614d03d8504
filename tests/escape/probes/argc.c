/* argc: what the kernel handed over: argc, the length of argv[0] and
 * whether it has a newline, and the first argument. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	printf("argc=%d argv0len=%zu newline=%s arg1=%s\n", argc,
	       argc > 0 && argv[0] ? strlen(argv[0]) : 0,
	       argc > 0 && argv[0] && strchr(argv[0], '\n') ? "yes" : "no",
	       argc > 1 ? argv[1] : "-");
	return 0;
}
