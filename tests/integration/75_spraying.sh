#!/bin/sh
# Password spraying against the portal (A5, DESIGN 4): one address trying a
# wrong password at many accounts is refused after [lockout]
# source_threshold failures (default 30), even for an account it never
# tried and with the right password; the lock names a retry time (429), and
# `sekisho user unlock --address` lifts it, audited.
. "$(dirname "$0")/lib.sh"

SEKISHOD=${SEKISHOD:-$(dirname "$SEKISHO")/sekishod}
command -v curl >/dev/null || fail "curl is missing (scripts/deps.sh installs it)"
PORT=$((20000 + ($$ + 7) % 30000))
"$SEKISHOD" --db "$T/db.sqlite" --port "$PORT" >"$T/log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -rf "$T"' EXIT INT TERM
wait_listening "$PID" "$T/log"
ADMIN_PW=$(sed -n 's/^sekishod: initial password.*: //p' "$T/log")
[ -n "$ADMIN_PW" ] || fail "no initial password printed"
BASE="http://127.0.0.1:$PORT"

# One sign-in attempt with a fresh session; prints the HTTP status.
attempt() {
	rm -f "$T/jar"
	csrf=$(curl -s -c "$T/jar" "$BASE/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
	[ -n "$csrf" ] || fail "no CSRF token on /login"
	curl -s -o "$T/page" -w '%{http_code}' -b "$T/jar" -c "$T/jar" \
		--data-urlencode "csrf=$csrf" --data-urlencode "username=$1" \
		--data-urlencode "password=$2" "$BASE/login"
}

n=0
while [ $n -lt 30 ]; do
	code=$(attempt "victim$n" "Summer2026!")
	[ "$code" = 401 ] || fail "attempt $n at victim$n gave $code, not 401"
	n=$((n + 1))
done
ok
# The 31st attempt from this address: refused though the password is right.
code=$(attempt admin "$ADMIN_PW")
[ "$code" = 429 ] || fail "the sprayer's attempt gave $code, not 429"
ok
contains "$T/page" "2026" # the page names the retry time (a date)
SEKISHO_DB="$T/db.sqlite" "$SEKISHO" user unlock --address 999.1.1.1 >"$T/out" 2>&1 && fail "bad address accepted"
contains "$T/out" "not an IPv4 or IPv6 address"
SEKISHO_DB="$T/db.sqlite" "$SEKISHO" user unlock --address 127.0.0.1 >"$T/out" 2>&1 || { cat "$T/out"; fail "unlock --address failed"; }
contains "$T/out" "allowed again"
code=$(attempt admin "$ADMIN_PW")
[ "$code" = 303 ] || fail "after the unlock, the right password gave $code, not 303"
ok
SEKISHO_DB="$T/db.sqlite" "$SEKISHO" audit export >"$T/audit" 2>&1 || fail "audit export failed"
contains "$T/audit" '"address.unlock"'
done_ok
