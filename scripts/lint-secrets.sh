#!/bin/sh
# Fails when library code compares something secret-looking with a
# non-constant-time function (STYLE.md "Secrets").  Plain memcmp/bcmp are
# banned from the core library outright; strcmp-family calls are flagged when
# an argument (string literals removed) names a password, code, secret,
# token, hash, key or MAC.
set -u
status=0
if grep -nE '(^|[^_a-z])(memcmp|bcmp)\(' lib/*.c; then
	echo "lint: use sodium_memcmp in the core library (above)" >&2
	status=1
fi
if grep -nE 'str(n)?(case)?cmp\(' lib/*.c lib/host/*.c |
	sed 's/"[^"]*"//g' |
	grep -E '\b(pw|pass|password|passwd|code|codes|secret|token|pwhash|hash|key|mac|otp)\b'; then
	echo "lint: secret-looking value compared with strcmp (above); use sodium_memcmp" >&2
	status=1
fi
[ $status -eq 0 ] && echo "lint: ok"
exit $status
