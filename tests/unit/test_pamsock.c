/*
 * tests/unit/test_pamsock.c - the protocol between pam_sekisho.so and
 * sekishod (server/pamsock.c): the request parser (strict: unknown keys,
 * wrong types, bad lengths, secrets where none belong), the password+code
 * split, the answers pamproto_handle gives with a real library context,
 * the reply lines and the [pam] configuration keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pamsock.h"
#include "testutil.h"
#include "totputil.h"

#define PW "Quartz-Lantern-58!"

static int
parse(const char *line, pamproto_request *rq)
{
	return pamproto_parse(line, strlen(line), rq);
}

static void
test_parse_good(void **state)
{
	pamproto_request rq;

	(void)state;
	assert_int_equal(parse("{\"v\":1,\"op\":\"query\",\"user\":\"alice\",\"service\":\"sshd\","
			       "\"rhost\":\"192.0.2.1\",\"tty\":\"ssh\",\"nullok\":true}", &rq), 0);
	assert_int_equal(rq.op, PAMPROTO_QUERY);
	assert_string_equal(rq.user, "alice");
	assert_string_equal(rq.service, "sshd");
	assert_string_equal(rq.rhost, "192.0.2.1");
	assert_string_equal(rq.tty, "ssh");
	assert_true(rq.nullok);
	assert_int_equal(rq.secret_len, 0);

	assert_int_equal(parse("{\"user\":\"bob\",\"secret\":\"123 456\",\"op\":\"verify\",\"v\":1}",
			       &rq), 0);
	assert_int_equal(rq.op, PAMPROTO_VERIFY);
	assert_string_equal(rq.secret, "123 456");
	assert_int_equal(rq.secret_len, 7);
	assert_string_equal(rq.service, "");
	pamproto_request_clear(&rq);
	assert_int_equal(rq.secret[0], 0);

	/* A password may hold anything UTF-8, escapes included. */
	assert_int_equal(parse("{\"v\":1,\"op\":\"password\",\"user\":\"carol\","
			       "\"secret\":\"p\\u00e4ss \\\"w\\\\rd\\\"123456\"}", &rq), 0);
	assert_string_equal(rq.secret, "p\xc3\xa4ss \"w\\rd\"123456");
	assert_int_equal(rq.secret_len, strlen(rq.secret));

	assert_int_equal(parse("{\"v\":1,\"op\":\"session_close\",\"user\":\"d\",\"tty\":\"/dev/pts/0\"}",
			       &rq), 0);
	assert_int_equal(rq.op, PAMPROTO_SESSION_CLOSE);
	/* Not NUL-terminated input: only len bytes are read. */
	const char line[] = "{\"v\":1,\"op\":\"session_open\",\"user\":\"e\"}XXXX";
	assert_int_equal(pamproto_parse(line, sizeof(line) - 5, &rq), 0);
	assert_int_equal(rq.op, PAMPROTO_SESSION_OPEN);
}

static void
test_parse_bad(void **state)
{
	static const char *bad[] = {
		"",
		"[]",
		"null",
		"{}",
		"{\"v\":1,\"op\":\"query\"}",                                  /* no user */
		"{\"v\":2,\"op\":\"query\",\"user\":\"a\"}",                    /* version */
		"{\"v\":\"1\",\"op\":\"query\",\"user\":\"a\"}",
		"{\"op\":\"query\",\"user\":\"a\"}",                             /* no v */
		"{\"v\":1,\"op\":\"QUERY\",\"user\":\"a\"}",
		"{\"v\":1,\"op\":\"query\",\"user\":\"\"}",
		"{\"v\":1,\"op\":\"query\",\"user\":\"a\\nb\"}",
		"{\"v\":1,\"op\":\"query\",\"user\":\"a\\u0000b\"}",
		"{\"v\":1,\"op\":\"query\",\"user\":\"a\",\"user\":\"b\"}",        /* duplicate */
		"{\"v\":1,\"op\":\"query\",\"user\":\"a\",\"extra\":1}",          /* unknown key */
		"{\"v\":1,\"op\":\"query\",\"user\":\"a\",\"service\":\"ss hd\"}", /* blank */
		"{\"v\":1,\"op\":\"query\",\"user\":\"a\",\"rhost\":\"h\\u00e9\"}",
		"{\"v\":1,\"op\":\"query\",\"user\":\"a\",\"tty\":7}",
		"{\"v\":1,\"op\":\"query\",\"user\":\"a\",\"nullok\":1}",
		"{\"v\":1,\"op\":\"verify\",\"user\":\"a\",\"nullok\":false,\"secret\":\"1\"}",
		"{\"v\":1,\"op\":\"verify\",\"user\":\"a\"}",                     /* no secret */
		"{\"v\":1,\"op\":\"verify\",\"user\":\"a\",\"secret\":123456}",
		"{\"v\":1,\"op\":\"query\",\"user\":\"a\",\"secret\":\"1\"}",     /* secret not wanted */
		"{\"v\":1,\"op\":\"session_open\",\"user\":\"a\",\"secret\":\"x\"}",
		"{\"v\":1,\"op\":\"query\",\"user\":\"a\"} trailing",
		"{\"v\":1,\"op\":\"query\",\"user\":\"a\"",
		"{\"v\":1,\"op\":\"query\",\"user\":\"\xff\"}",                   /* not UTF-8 */
	};
	pamproto_request rq;
	char big[PAMPROTO_LINE_MAX + 64];
	int n;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&rq, 'x', sizeof(rq));
		if (parse(bad[i], &rq) != -1)
			fail_msg("accepted: %s", bad[i]);
		assert_int_equal(rq.user[0], 0); /* nothing left behind */
		assert_int_equal(rq.secret[0], 0);
	}
	assert_int_equal(pamproto_parse(NULL, 3, &rq), -1);

	/* Length bounds: user 256, code 64, password 1024, service 64, rhost 255. */
	char user[PAMPROTO_USER_MAX + 2];
	memset(user, 'u', sizeof(user) - 1);
	user[sizeof(user) - 1] = '\0';
	snprintf(big, sizeof(big), "{\"v\":1,\"op\":\"query\",\"user\":\"%s\"}", user);
	assert_int_equal(parse(big, &rq), -1);
	user[PAMPROTO_USER_MAX] = '\0';
	snprintf(big, sizeof(big), "{\"v\":1,\"op\":\"query\",\"user\":\"%s\"}", user);
	assert_int_equal(parse(big, &rq), 0);

	char secret[PAMPROTO_SECRET_MAX + 2];
	memset(secret, '7', sizeof(secret) - 1);
	secret[PAMPROTO_CODE_MAX + 1] = '\0';
	snprintf(big, sizeof(big), "{\"v\":1,\"op\":\"verify\",\"user\":\"a\",\"secret\":\"%s\"}", secret);
	assert_int_equal(parse(big, &rq), -1);
	secret[PAMPROTO_CODE_MAX] = '\0';
	snprintf(big, sizeof(big), "{\"v\":1,\"op\":\"verify\",\"user\":\"a\",\"secret\":\"%s\"}", secret);
	assert_int_equal(parse(big, &rq), 0);
	memset(secret, '7', sizeof(secret) - 1);
	secret[PAMPROTO_SECRET_MAX + 1] = '\0';
	snprintf(big, sizeof(big), "{\"v\":1,\"op\":\"password\",\"user\":\"a\",\"secret\":\"%s\"}", secret);
	assert_int_equal(parse(big, &rq), -1);
	secret[PAMPROTO_SECRET_MAX] = '\0';
	snprintf(big, sizeof(big), "{\"v\":1,\"op\":\"password\",\"user\":\"a\",\"secret\":\"%s\"}", secret);
	assert_int_equal(parse(big, &rq), 0);
	assert_int_equal(rq.secret_len, PAMPROTO_SECRET_MAX);

	char host[PAMPROTO_RHOST_MAX + 2];
	memset(host, 'h', sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	snprintf(big, sizeof(big), "{\"v\":1,\"op\":\"query\",\"user\":\"a\",\"rhost\":\"%s\"}", host);
	assert_int_equal(parse(big, &rq), -1);
	host[PAMPROTO_RHOST_MAX] = '\0';
	snprintf(big, sizeof(big), "{\"v\":1,\"op\":\"query\",\"user\":\"a\",\"rhost\":\"%s\"}", host);
	assert_int_equal(parse(big, &rq), 0);
	host[PAMPROTO_ITEM_MAX + 1] = '\0';
	snprintf(big, sizeof(big), "{\"v\":1,\"op\":\"query\",\"user\":\"a\",\"service\":\"%s\"}", host);
	assert_int_equal(parse(big, &rq), -1);

	/* The whole line is bounded too. */
	n = snprintf(big, sizeof(big), "{\"v\":1,\"op\":\"query\",\"user\":\"a\"%*s}",
		     PAMPROTO_LINE_MAX, "");
	assert_true(n > PAMPROTO_LINE_MAX);
	assert_int_equal(pamproto_parse(big, (size_t)n, &rq), -1);
	pamproto_request_clear(&rq);
}

static void
test_split(void **state)
{
	size_t pw;

	(void)state;
	pamproto_split("hunter2123456", 13, 6, &pw);
	assert_int_equal(pw, 7);
	pamproto_split("123456", 6, 6, &pw); /* only a code: empty password */
	assert_int_equal(pw, 0);
	pamproto_split("secret12345", 11, 6, &pw); /* 5 digits only after a letter */
	assert_int_equal(pw, 11);
	pamproto_split("pw12345678", 10, 8, &pw);
	assert_int_equal(pw, 2);
	pamproto_split("pwabcd-efgh-2jkm-9xyz", 21, 6, &pw);
	assert_int_equal(pw, 2);
	pamproto_split("pwabcd-efgh-2jkm_9xyz", 21, 6, &pw);
	assert_int_equal(pw, 21);
	pamproto_split("short", 5, 6, &pw);
	assert_int_equal(pw, 5);
	pamproto_split("", 0, 6, &pw);
	assert_int_equal(pw, 0);
}

static void
test_reply(void **state)
{
	char buf[128];

	(void)state;
	size_t n = pamproto_reply(buf, sizeof(buf), PAMPROTO_CODE, 0);
	assert_int_equal(n, strlen(buf));
	assert_string_equal(buf, "{\"v\":1,\"result\":\"code\"}\n");
	pamproto_reply(buf, sizeof(buf), PAMPROTO_LOCKED, 1700000060);
	assert_string_equal(buf, "{\"v\":1,\"result\":\"locked\",\"retry_at\":1700000060}\n");
	pamproto_reply(buf, sizeof(buf), PAMPROTO_LOCKED, INT64_MAX);
	assert_string_equal(buf, "{\"v\":1,\"result\":\"locked\",\"retry_at\":-1}\n");
	assert_int_equal(pamproto_reply(buf, 8, PAMPROTO_OK, 0), 0);
	for (int r = PAMPROTO_OK; r <= PAMPROTO_ERROR; r++)
		assert_string_not_equal(pamproto_result_name((pamproto_result)r), "");
	assert_string_equal(pamproto_result_name(PAMPROTO_CHANGE_PASSWORD), "change_password");
}

static pamproto_result
ask(test_env *t, const char *json, int64_t *retry_at)
{
	pamproto_request rq;
	pamproto_result r;
	int64_t dummy;

	assert_int_equal(parse(json, &rq), 0);
	r = pamproto_handle(t->ctx, &rq, retry_at ? retry_at : &dummy);
	pamproto_request_clear(&rq);
	return r;
}

static void
test_handle(void **state)
{
	test_env *t = test_env_new(NULL);
	char secret[128], code[SK_OTP_CODE_MAX + 1], line[512];
	int64_t retry = 0;

	(void)state;
	enroll_app(t, test_add_user(t, "alice", SK_ROLE_USER, PW), "phone", secret, sizeof(secret));
	test_add_user(t, "bob", SK_ROLE_USER, PW);
	t->now += 60;

	assert_int_equal(ask(t, "{\"v\":1,\"op\":\"query\",\"user\":\"alice\",\"service\":\"sshd\"}", NULL),
			 PAMPROTO_CODE);
	assert_int_equal(ask(t, "{\"v\":1,\"op\":\"query\",\"user\":\"nobody\"}", NULL), PAMPROTO_UNKNOWN);
	assert_int_equal(ask(t, "{\"v\":1,\"op\":\"query\",\"user\":\"bob\"}", NULL), PAMPROTO_NO_MFA);
	assert_int_equal(ask(t, "{\"v\":1,\"op\":\"query\",\"user\":\"bob\",\"nullok\":false}", NULL),
			 PAMPROTO_NO_MFA);
	assert_int_equal(ask(t, "{\"v\":1,\"op\":\"query\",\"user\":\"bob\",\"nullok\":true}", NULL),
			 PAMPROTO_OK);
	/* nullok never lets an unknown user through. */
	assert_int_equal(ask(t, "{\"v\":1,\"op\":\"query\",\"user\":\"nobody\",\"nullok\":true}", NULL),
			 PAMPROTO_UNKNOWN);
	assert_int_equal(ask(t, "{\"v\":1,\"op\":\"verify\",\"user\":\"bob\",\"secret\":\"123456\"}", NULL),
			 PAMPROTO_NO_MFA);

	totp_at(t, secret, t->now, code);
	snprintf(line, sizeof(line), "{\"v\":1,\"op\":\"verify\",\"user\":\"alice\",\"rhost\":\"192.0.2.1\","
		 "\"secret\":\"%s\"}", code);
	assert_int_equal(ask(t, line, NULL), PAMPROTO_OK);
	assert_int_equal(ask(t, line, NULL), PAMPROTO_REPLAY);
	assert_int_equal(ask(t, "{\"v\":1,\"op\":\"verify\",\"user\":\"alice\",\"rhost\":\"192.0.2.1\","
				"\"secret\":\"000000\"}", NULL),
			 PAMPROTO_FAIL);
	/* Third failure from that address: locked, with the time to retry. */
	assert_int_equal(ask(t, "{\"v\":1,\"op\":\"verify\",\"user\":\"alice\",\"rhost\":\"192.0.2.1\","
				"\"secret\":\"000000\"}", &retry),
			 PAMPROTO_LOCKED);
	assert_int_equal(retry, t->now + 60);

	/* password+otp: the password, then the code, one string. */
	t->now += 30;
	totp_at(t, secret, t->now, code);
	snprintf(line, sizeof(line), "{\"v\":1,\"op\":\"password\",\"user\":\"alice\",\"secret\":\"%s%s\"}",
		 PW, code);
	assert_int_equal(ask(t, line, NULL), PAMPROTO_OK);
	snprintf(line, sizeof(line), "{\"v\":1,\"op\":\"password\",\"user\":\"alice\",\"secret\":\"%s%s\"}",
		 "Wrong-Password-1", code);
	assert_int_equal(ask(t, line, NULL), PAMPROTO_FAIL);
	/* A right password without a code is the same "fail". */
	snprintf(line, sizeof(line), "{\"v\":1,\"op\":\"password\",\"user\":\"alice\",\"secret\":\"%s\"}", PW);
	assert_int_equal(ask(t, line, NULL), PAMPROTO_FAIL);
	/* An unknown user is a plain "fail" here: no first factor vouched for the name. */
	snprintf(line, sizeof(line), "{\"v\":1,\"op\":\"password\",\"user\":\"nobody\",\"secret\":\"%s123456\"}", PW);
	assert_int_equal(ask(t, line, NULL), PAMPROTO_FAIL);
	/* bob has no device and MFA is required: enroll on the portal first. */
	snprintf(line, sizeof(line), "{\"v\":1,\"op\":\"password\",\"user\":\"bob\",\"secret\":\"%s\"}", PW);
	assert_int_equal(ask(t, line, NULL), PAMPROTO_NO_MFA);

	/* An issued password must be changed on the portal first. */
	sk_actor a = test_local_actor();
	char initial[SK_INITIAL_PASSWORD_MAX];
	assert_int_equal(sk_account_reset_password(t->ctx, &a, "alice", initial), SK_OK);
	t->now += 30;
	totp_at(t, secret, t->now, code);
	snprintf(line, sizeof(line), "{\"v\":1,\"op\":\"password\",\"user\":\"alice\",\"secret\":\"%s%s\"}",
		 initial, code);
	assert_int_equal(ask(t, line, NULL), PAMPROTO_CHANGE_PASSWORD);
	sodium_memzero(initial, sizeof(initial));

	/* Disabled accounts are denied in both modes. */
	assert_int_equal(sk_account_set_disabled(t->ctx, &a, "alice", 1), SK_OK);
	assert_int_equal(ask(t, "{\"v\":1,\"op\":\"query\",\"user\":\"alice\"}", NULL), PAMPROTO_DENIED);

	assert_int_equal(ask(t, "{\"v\":1,\"op\":\"session_open\",\"user\":\"alice\",\"service\":\"sshd\","
				"\"rhost\":\"192.0.2.1\",\"tty\":\"ssh\"}", NULL),
			 PAMPROTO_OK);
	assert_int_equal(ask(t, "{\"v\":1,\"op\":\"session_close\",\"user\":\"alice\"}", NULL), PAMPROTO_OK);
	test_env_free(t);
}

static void
test_config_keys(void **state)
{
	pamsock_config pc;
	char err[256];
	char longpath[200];

	(void)state;
	pamsock_config_default(&pc);
	assert_string_equal(pc.socket_path, "");
	assert_int_equal(pc.threads, 2);
	assert_int_equal(pc.timeout, 5);
	assert_int_equal(pc.nuids, 0);
	assert_int_equal(pamsock_config_key(&pc, "socket", "/run/sekisho/pam.sock", err, sizeof(err)), 1);
	assert_string_equal(pc.socket_path, "/run/sekisho/pam.sock");
	assert_int_equal(pamsock_config_key(&pc, "socket", "", err, sizeof(err)), 1);
	assert_string_equal(pc.socket_path, "");
	memset(longpath, 'p', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	assert_int_equal(pamsock_config_key(&pc, "socket", longpath, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "[pam] socket"));
	assert_int_equal(pamsock_config_key(&pc, "allowed_uids", "0, 1001 1002", err, sizeof(err)), 1);
	assert_int_equal(pc.nuids, 3);
	assert_int_equal(pc.allowed_uids[1], 1001);
	assert_int_equal(pamsock_config_key(&pc, "allowed_uids", "", err, sizeof(err)), 1);
	assert_int_equal(pc.nuids, 0);
	assert_int_equal(pamsock_config_key(&pc, "allowed_uids", "root", err, sizeof(err)), -1);
	assert_int_equal(pamsock_config_key(&pc, "allowed_uids", "-1", err, sizeof(err)), -1);
	assert_int_equal(pamsock_config_key(&pc, "allowed_uids", "4294967295", err, sizeof(err)), -1);
	assert_int_equal(pamsock_config_key(&pc, "allowed_uids",
					    "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17", err,
					    sizeof(err)),
			 -1);
	assert_int_equal(pamsock_config_key(&pc, "threads", "4", err, sizeof(err)), 1);
	assert_int_equal(pc.threads, 4);
	assert_int_equal(pamsock_config_key(&pc, "threads", "0", err, sizeof(err)), -1);
	assert_int_equal(pamsock_config_key(&pc, "threads", "17", err, sizeof(err)), -1);
	assert_int_equal(pamsock_config_key(&pc, "timeout", "10", err, sizeof(err)), 1);
	assert_int_equal(pamsock_config_key(&pc, "timeout", "61", err, sizeof(err)), -1);
	assert_int_equal(pamsock_config_key(&pc, "timeout", "5s", err, sizeof(err)), -1);
	assert_int_equal(pamsock_config_key(&pc, "sockets", "/x", err, sizeof(err)), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_reply),
		cmocka_unit_test(test_handle),
		cmocka_unit_test(test_config_keys),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
