/*
 * tests/integration/pamtest_run.c - runs one PAM transaction through
 * libpamtest (pam_wrapper's test library) for tests/integration/90_pam.sh.
 * Run it under pam_wrapper (LD_PRELOAD=libpam_wrapper.so PAM_WRAPPER=1
 * PAM_WRAPPER_SERVICE_DIR=DIR) so the service file comes from DIR, not
 * /etc/pam.d.
 *
 * usage: pamtest_run SERVICE USER [-s] [-r RHOST] [-t TTY] [-a ANSWER]... STEP...
 *   -s passes PAM_SILENT to the steps that follow it.
 *   STEP is OP=CODE with OP one of auth setcred acct open close and CODE a
 *   PAM return code name (PAM_SUCCESS, PAM_AUTH_ERR, PAM_MAXTRIES, ...).
 *   Each echo-off prompt is answered with the next ANSWER (none left: the
 *   conversation fails).  Prompts and messages are printed as
 *   "prompt: TEXT", "info: TEXT", "error: TEXT".
 * Exit status 0 when every step returned its CODE; 1 otherwise, naming the
 * step and what it returned; 2 on a usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpamtest.h>
#include <security/pam_appl.h>

#define MAX_STEPS 8
#define MAX_ANSWERS 8

static const struct {
	const char *name;
	int code;
} codes[] = {
	{"PAM_SUCCESS", PAM_SUCCESS},
	{"PAM_AUTH_ERR", PAM_AUTH_ERR},
	{"PAM_MAXTRIES", PAM_MAXTRIES},
	{"PAM_USER_UNKNOWN", PAM_USER_UNKNOWN},
	{"PAM_AUTHINFO_UNAVAIL", PAM_AUTHINFO_UNAVAIL},
	{"PAM_IGNORE", PAM_IGNORE},
	{"PAM_SERVICE_ERR", PAM_SERVICE_ERR},
	{"PAM_PERM_DENIED", PAM_PERM_DENIED},
	{"PAM_SESSION_ERR", PAM_SESSION_ERR},
	{"PAM_CONV_ERR", PAM_CONV_ERR},
	{"PAM_SYSTEM_ERR", PAM_SYSTEM_ERR},
	{"PAM_MODULE_UNKNOWN", PAM_MODULE_UNKNOWN},
	{"PAM_CRED_INSUFFICIENT", PAM_CRED_INSUFFICIENT},
	{"PAM_ABORT", PAM_ABORT},
};

static const struct {
	const char *name;
	enum pamtest_ops op;
} ops[] = {
	{"auth", PAMTEST_AUTHENTICATE},
	{"setcred", PAMTEST_SETCRED},
	{"acct", PAMTEST_ACCOUNT},
	{"open", PAMTEST_OPEN_SESSION},
	{"close", PAMTEST_CLOSE_SESSION},
};

struct conv_data {
	const char *answers[MAX_ANSWERS];
	int n, next;
};

static const char *
code_name(int code)
{
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i].code == code)
			return codes[i].name;
	return "PAM_(other)";
}

static int
conv(int num_msg, const struct pam_message **msg, struct pam_response **resp, void *arg)
{
	struct conv_data *d = arg;
	struct pam_response *r = calloc((size_t)num_msg, sizeof(*r));

	if (r == NULL)
		return PAM_BUF_ERR;
	for (int i = 0; i < num_msg; i++) {
		switch (msg[i]->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
		case PAM_PROMPT_ECHO_ON:
			printf("prompt: %s\n", msg[i]->msg);
			if (d->next == d->n) {
				for (int j = 0; j < i; j++)
					free(r[j].resp);
				free(r);
				return PAM_CONV_ERR;
			}
			if ((r[i].resp = strdup(d->answers[d->next++])) == NULL) {
				free(r);
				return PAM_BUF_ERR;
			}
			break;
		case PAM_TEXT_INFO:
			printf("info: %s\n", msg[i]->msg);
			break;
		case PAM_ERROR_MSG:
			printf("error: %s\n", msg[i]->msg);
			break;
		default:
			break;
		}
	}
	fflush(stdout);
	*resp = r;
	return PAM_SUCCESS;
}

int
main(int argc, char **argv)
{
	struct pam_testcase tests[MAX_STEPS];
	struct conv_data d;
	struct pam_conv pc = {conv, &d};
	const char *rhost = NULL, *tty = NULL;
	pam_handle_t *ph = NULL;
	size_t n = 0;
	enum pamtest_err perr;
	int i, flags = 0;

	memset(&d, 0, sizeof(d));
	if (argc < 4) {
		fprintf(stderr, "usage: pamtest_run SERVICE USER [-s] [-r RHOST] [-t TTY] "
				"[-a ANSWER]... OP=CODE...\n");
		return 2;
	}
	for (i = 3; i < argc; i++) {
		if (strcmp(argv[i], "-s") == 0) {
			flags = PAM_SILENT;
		} else if (i + 1 < argc && strcmp(argv[i], "-r") == 0) {
			rhost = argv[++i];
		} else if (i + 1 < argc && strcmp(argv[i], "-t") == 0) {
			tty = argv[++i];
		} else if (i + 1 < argc && strcmp(argv[i], "-a") == 0) {
			if (d.n == MAX_ANSWERS)
				return 2;
			d.answers[d.n++] = argv[++i];
		} else {
			const char *eq = strchr(argv[i], '=');
			size_t k, c;
			if (eq == NULL || n == MAX_STEPS)
				return 2;
			for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
				if (strlen(ops[k].name) == (size_t)(eq - argv[i]) &&
				    strncmp(ops[k].name, argv[i], (size_t)(eq - argv[i])) == 0)
					break;
			for (c = 0; c < sizeof(codes) / sizeof(codes[0]); c++)
				if (strcmp(codes[c].name, eq + 1) == 0)
					break;
			if (k == sizeof(ops) / sizeof(ops[0]) || c == sizeof(codes) / sizeof(codes[0])) {
				fprintf(stderr, "pamtest_run: bad step %s\n", argv[i]);
				return 2;
			}
			tests[n++] = (struct pam_testcase)pam_test_flags(ops[k].op, codes[c].code, flags);
		}
	}
	/* The remote host and tty are what sshd would set; libpamtest runs the steps. */
	if (pam_start(argv[1], argv[2], &pc, &ph) != PAM_SUCCESS) {
		fprintf(stderr, "pamtest_run: pam_start failed\n");
		return 1;
	}
	if ((rhost != NULL && pam_set_item(ph, PAM_RHOST, rhost) != PAM_SUCCESS) ||
	    (tty != NULL && pam_set_item(ph, PAM_TTY, tty) != PAM_SUCCESS)) {
		fprintf(stderr, "pamtest_run: pam_set_item failed\n");
		return 1;
	}
	perr = _pamtest_conv(argv[1], argv[2], conv, &d, tests, n, ph);
	if (perr == PAMTEST_ERR_CASE) {
		const struct pam_testcase *f = _pamtest_failed_case(tests, n);
		for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
			if (f != NULL && ops[k].op == f->pam_operation)
				printf("FAILED: %s returned %s, wanted %s\n", ops[k].name,
				       code_name(f->op_rv), code_name(f->expected_rv));
		return 1;
	}
	if (perr != PAMTEST_ERR_OK) {
		printf("FAILED: %s\n", pamtest_strerror(perr));
		return 1;
	}
	for (size_t k = 0; k < n; k++)
		printf("step %zu: %s\n", k + 1, code_name(tests[k].op_rv));
	return 0;
}
