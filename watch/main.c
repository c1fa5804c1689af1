/* watch/main.c - `sekisho-watch` (issue 5; DESIGN 12, 14).  Being built. */
#include <stdio.h>
#include <string.h>

int
main(int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("usage: sekisho-watch [--config FILE] [--format json|text] SOURCE...\n");
		return 0;
	}
	fprintf(stderr, "sekisho-watch: not built yet (issue 5)\n");
	return 2;
}
