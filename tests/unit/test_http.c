/* tests/unit/test_http.c - the client address behind trusted proxies. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>

#include <cmocka.h>

#include "http.h"

static server_config
proxies(const char *a, const char *b)
{
	server_config sc;

	memset(&sc, 0, sizeof(sc));
	if (a) strcpy(sc.trusted_proxies[sc.ntrusted++], a);
	if (b) strcpy(sc.trusted_proxies[sc.ntrusted++], b);
	return sc;
}

static const char *
client(const server_config *sc, const char *peer, const char *xff)
{
	static char out[64];

	http_client_addr(sc, peer, xff, out, sizeof(out));
	return out;
}

static void
test_client_addr(void **state)
{
	server_config none = proxies(NULL, NULL), one = proxies("127.0.0.1", NULL),
		      two = proxies("127.0.0.1", "10.0.0.2");

	(void)state;
	/* No trusted proxy: the header is the client's word, ignored. */
	assert_string_equal(client(&none, "198.51.100.1", "203.0.113.9"), "198.51.100.1");
	/* From an untrusted peer: ignored as well. */
	assert_string_equal(client(&one, "198.51.100.1", "203.0.113.9"), "198.51.100.1");
	/* From the proxy: the right-most hop it added. */
	assert_string_equal(client(&one, "127.0.0.1", "203.0.113.9"), "203.0.113.9");
	/* A client that sends its own X-Forwarded-For cannot choose its address. */
	assert_string_equal(client(&one, "127.0.0.1", "1.2.3.4, 203.0.113.9"), "203.0.113.9");
	/* Two proxies: skip every trusted hop from the right. */
	assert_string_equal(client(&two, "127.0.0.1", "1.2.3.4, 203.0.113.9, 10.0.0.2"),
			    "203.0.113.9");
	assert_string_equal(client(&one, "127.0.0.1", " 2001:db8::7 "), "2001:db8::7");
	/* Garbage keeps the proxy's own address, never a made-up string. */
	assert_string_equal(client(&one, "127.0.0.1", "1.2.3.4, not-an-ip"), "127.0.0.1");
	assert_string_equal(client(&one, "127.0.0.1", ""), "127.0.0.1");
	assert_string_equal(client(&one, "127.0.0.1", "1.2.3.4,"), "127.0.0.1");
	assert_string_equal(client(&one, "127.0.0.1", NULL), "127.0.0.1");
	/* Only trusted hops: the left-most one is all we know. */
	assert_string_equal(client(&one, "127.0.0.1", "127.0.0.1"), "127.0.0.1");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_client_addr)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
