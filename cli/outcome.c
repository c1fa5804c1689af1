/* cli/outcome.c - one place that words the CLI's results. */
#include <inttypes.h>
#include <stdio.h>

#include "cli.h"
#include "env.h"
#include "outcome.h"

int
outcome(struct cli_env *env, const char *what, int r)
{
	switch (r) {
	case SK_OK:
		return 0;
	case SK_ERR_APPROVAL:
		printf("%s: needs a second administrator's approval: request #%" PRId64
		       " recorded.\n"
		       "Another administrator runs: sekisho --as THEIR_NAME approvals approve %" PRId64
		       "\n",
		       what, env->actor.approval_id, env->actor.approval_id);
		return EXIT_PENDING;
	case SK_ERR_PERM:
		fprintf(stderr,
			"sekisho: %s: %s\n(--as must name an enabled administrator account)\n", what,
			sk_strerror(r));
		return EXIT_REFUSED;
	case SK_ERR_NOTFOUND:
		fprintf(stderr, "sekisho: %s: no such account (see `sekisho user list`)\n", what);
		return EXIT_REFUSED;
	case SK_ERR_NAME:
		fprintf(stderr,
			"sekisho: %s: user names are 1-64 characters from a-z 0-9 . _ @ + - and "
			"start with a letter or digit\n",
			what);
		return EXIT_REFUSED;
	default:
		report(what, r);
		return EXIT_REFUSED;
	}
}
