#!/bin/sh
# Forward-auth at the HTTP level (DESIGN 8; B10, B11, C7): /auth/verify as
# nginx (X-Original-URL) and Caddy (X-Forwarded-*) call it, rules decided
# first-match, Remote-* headers for a session, step-up to a fresh code
# through /login/stepup, revocation at sign-out (the loops' caches), rd
# kept inside the configured domain, admin_networks, and configuration
# errors that name the key.  Browser and real nginx: tests/e2e/forward_auth.mjs.
. "$(dirname "$0")/lib.sh"

SEKISHOD=${SEKISHOD:-$(dirname "$SEKISHO")/sekishod}
command -v curl >/dev/null || fail "curl is missing (scripts/deps.sh installs it)"
PORT=$((20000 + ($$ + 13) % 30000))
# The portal is reached by its name, so that cookies for Domain=example.test stick.
BASE="http://auth.example.test:$PORT"
RES="auth.example.test:$PORT:127.0.0.1"
cat >"$T/s.conf" <<CONF
[storage]
database = $T/db.sqlite
key_file = $T/db.key
[mfa]
required = optional
[server]
trusted_proxies = 127.0.0.1
admin_networks = 10.0.0.0/8
[forward_auth]
portal_url = http://auth.example.test:$PORT
cookie_domain = example.test
audit = all
[rule open]
host = app.example.test
path = /public*
policy = bypass
[rule ops]
host = app.example.test
path = /ops*
policy = two_factor
[rule hidden]
host = app.example.test
path = /hidden*
policy = deny
[rule admins]
host = admin.example.test
policy = one_factor
roles = admin
[rule app]
host = *.example.test
policy = one_factor
CONF

# Configuration errors name the key and what is wrong.
printf '[forward_auth]\nportal_url = http://a.test\n[rule x]\nhost = a.test\n' >"$T/bad1.conf"
"$SEKISHOD" --config "$T/bad1.conf" >"$T/out" 2>&1 && fail "a rule without policy was accepted"
contains "$T/out" "[rule x] has no policy"
printf '[forward_auth]\nportal_url = http://a.test\n[rule x]\npolicy = two_factor\nnetworks = 10.1.0.0/8\n' >"$T/bad2.conf"
"$SEKISHOD" --config "$T/bad2.conf" >"$T/out" 2>&1 && fail "bad network accepted"
contains "$T/out" "[rule x] networks: '10.1.0.0/8'"
printf '[forward_auth]\ncookie_domain = example.test\n' >"$T/bad3.conf"
"$SEKISHOD" --config "$T/bad3.conf" >"$T/out" 2>&1 && fail "no portal_url accepted"
contains "$T/out" "portal_url is required"

SEKISHO_CONFIG="$T/s.conf"; export SEKISHO_CONFIG # the CLI reads the server's file too
"$SEKISHO" init >/dev/null 2>&1 || fail "init"
printf 'Hashi-no-Ue-55b\n' | "$SEKISHO" user add kenji --email kenji@example.test --password-stdin >/dev/null 2>&1 || fail "add kenji"
printf 'Hashi-no-Ue-55b\nHashi-no-Ue-55b\nNami-no-Oto-29c\nNami-no-Oto-29c\n' | "$SEKISHO" login kenji >/dev/null 2>&1 || fail "kenji's first sign-in"

"$SEKISHOD" --config "$T/s.conf" --port "$PORT" >"$T/log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -rf "$T"' EXIT INT TERM
wait_listening "$PID" "$T/log"
# A domain cookie over plain HTTP is allowed for this test, never silently.
contains "$T/log" "cookie_domain = example.test without TLS"
ok

# verify URL [curl options...]: status and headers of /auth/verify in $T/h.
verify() {
	url=$1; shift
	curl -s --resolve "$RES" -o /dev/null -D "$T/h" -w '%{http_code}' -H "X-Original-URL: $url" "$@" "$BASE/auth/verify"
}
header() { sed -n "s/^$1: //Ip" "$T/h" | tr -d '\r'; }

[ "$(verify https://app.example.test/public/logo.png)" = 200 ] || fail "bypass rule"
ok
[ "$(verify 'https://app.example.test/wiki?page=1')" = 401 ] || fail "no session: not 401"
[ "$(header location)" = "http://auth.example.test:$PORT/login?rd=https%3A%2F%2Fapp.example.test%2Fwiki%3Fpage%3D1" ] \
	|| fail "401 Location: $(header location)"
ok
code=$(curl -s --resolve "$RES" -o /dev/null -D "$T/h" -w '%{http_code}' -H 'X-Forwarded-Proto: https' \
	-H 'X-Forwarded-Host: app.example.test' -H 'X-Forwarded-Uri: /wiki' "$BASE/auth/verify")
[ "$code" = 302 ] || fail "Caddy-style request: $code, not 302"
[ "$(header location)" = "http://auth.example.test:$PORT/login?rd=https%3A%2F%2Fapp.example.test%2Fwiki" ] || fail "302 Location"
ok
[ "$(verify https://app.example.test/hidden/x)" = 403 ] || fail "deny rule"
[ "$(verify https://other.test/)" = 403 ] || fail "no rule: default deny"
[ "$(curl -s --resolve "$RES" -o /dev/null -w '%{http_code}' "$BASE/auth/verify")" = 403 ] || fail "a proxy that sends no URL must get 403"
ok

# Sign in (password only: a one-factor session) with rd into the domain.
RD='https://app.example.test/wiki'
csrf=$(curl -s --resolve "$RES" -c "$T/jar" "$BASE/login?rd=$(printf %s "$RD" | sed 's/:/%3A/; s#/#%2F#g')" \
	| sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
[ -n "$csrf" ] || fail "no CSRF token"
grep -q "sekisho_rd" "$T/jar" || fail "rd was not kept for after the sign-in"
grep -q "example.test" "$T/jar" || fail "session cookie without the configured domain"
code=$(curl -s --resolve "$RES" -o /dev/null -D "$T/h" -w '%{http_code}' -b "$T/jar" -c "$T/jar" \
	--data-urlencode "csrf=$csrf" --data-urlencode "username=kenji" \
	--data-urlencode "password=Nami-no-Oto-29c" "$BASE/login")
[ "$code" = 303 ] && [ "$(header location)" = "$RD" ] || fail "after sign-in: $code to $(header location), not $RD"
ok
COOKIE=$(awk '$6 == "sekisho_dev_session" {print $7}' "$T/jar")
[ -n "$COOKIE" ] || fail "no session cookie"
[ "$(verify https://app.example.test/wiki -H "Cookie: sekisho_dev_session=$COOKIE")" = 200 ] || fail "signed in: not 200"
[ "$(header remote-user)" = kenji ] && [ "$(header remote-groups)" = user ] &&
	[ "$(header remote-email)" = kenji@example.test ] || { cat "$T/h"; fail "Remote-* headers"; }
ok
# The second answer comes from the loop's cache: same result.
[ "$(verify https://app.example.test/wiki -H "Cookie: sekisho_dev_session=$COOKIE")" = 200 ] || fail "cached: not 200"
[ "$(verify https://admin.example.test/ -H "Cookie: sekisho_dev_session=$COOKIE")" = 403 ] || fail "role rule let a user in"
# two_factor with a one-factor session: step up; without a device the portal says so.
[ "$(verify https://app.example.test/ops -H "Cookie: sekisho_dev_session=$COOKIE")" = 401 ] || fail "two_factor: not 401"
header location | grep -q "/login/stepup?rd=https%3A%2F%2Fapp.example.test%2Fops" || fail "step-up Location: $(header location)"
curl -s --resolve "$RES" -b "$T/jar" -c "$T/jar" "$BASE/login/stepup?rd=https%3A%2F%2Fapp.example.test%2Fops" >"$T/page"
contains "$T/page" "has no authenticator yet"
ok

# With a TOTP device, the step-up page takes a code and returns to the app.
SECRET=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
NOW=$(date +%s)
printf '%s\n%s\n%s\n' "$SECRET" "$(oathtool --totp -b --now "@$((NOW - 30))" $SECRET)" "$(oathtool --totp -b --now "@$NOW" $SECRET)" \
	| "$SEKISHO" mfa add kenji --type totp-token --name desk-token >"$T/out" 2>&1 || { cat "$T/out"; fail "totp token"; }
csrf=$(curl -s --resolve "$RES" -b "$T/jar" -c "$T/jar" "$BASE/login/stepup?rd=https%3A%2F%2Fapp.example.test%2Fops" \
	| sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
[ -n "$csrf" ] || fail "no step-up form"
code=$(curl -s --resolve "$RES" -o "$T/page" -D "$T/h" -w '%{http_code}' -b "$T/jar" -c "$T/jar" \
	--data-urlencode "csrf=$csrf" --data-urlencode "code=000000" "$BASE/login/stepup")
[ "$code" = 401 ] || fail "wrong step-up code gave $code"
contains "$T/page" "incorrect"
code=$(curl -s --resolve "$RES" -o /dev/null -D "$T/h" -w '%{http_code}' -b "$T/jar" -c "$T/jar" --data-urlencode "csrf=$csrf" \
	--data-urlencode "code=$(oathtool --totp -b --now "@$((NOW + 30))" $SECRET)" "$BASE/login/stepup")
[ "$code" = 303 ] && [ "$(header location)" = "https://app.example.test/ops" ] || fail "step-up: $code to $(header location)"
[ "$(verify https://app.example.test/ops -H "Cookie: sekisho_dev_session=$COOKIE")" = 200 ] || fail "after step-up: not 200"
ok

# rd outside the domain is never followed.
code=$(curl -s --resolve "$RES" -o /dev/null -D "$T/h" -w '%{http_code}' -b "$T/jar" "$BASE/login?rd=https%3A%2F%2Fevil.test%2F")
[ "$(header location)" = "/account" ] || fail "rd to a foreign domain followed: $(header location)"
code=$(curl -s --resolve "$RES" -o /dev/null -D "$T/h" -w '%{http_code}' -b "$T/jar" "$BASE/login?rd=https%3A%2F%2Fapp.example.test.evil.test%2F")
[ "$(header location)" = "/account" ] || fail "rd to a look-alike domain followed"
ok

# C7: the console is closed to this (loopback) address.
[ "$(curl -s --resolve "$RES" -o "$T/page" -w '%{http_code}' -b "$T/jar" "$BASE/admin")" = 403 ] || fail "admin_networks"
contains "$T/page" "admin_networks"

# Sign-out ends the session for forward-auth at once (no wait for cache_ttl).
csrf=$(curl -s --resolve "$RES" -b "$T/jar" "$BASE/account" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
curl -s --resolve "$RES" -o /dev/null -b "$T/jar" -c "$T/jar" --data-urlencode "csrf=$csrf" "$BASE/logout"
[ "$(verify https://app.example.test/wiki -H "Cookie: sekisho_dev_session=$COOKIE")" = 401 ] || fail "signed out, still allowed"
ok

kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true
"$SEKISHO" audit export >"$T/audit" 2>&1 || fail "audit export"
contains "$T/audit" '"forward_auth.check"'
contains "$T/audit" '"deny"'
lacks "$T/audit" 'page=1' # the query string of a URL is not logged
ok

# Plain HTTP on an address other machines reach: allowed, never silently.
printf '[storage]\ndatabase = %s\nkey_file = %s\n' "$T/db.sqlite" "$T/db.key" >"$T/open.conf"
"$SEKISHOD" --config "$T/open.conf" --listen 0.0.0.0 --port "$PORT" >"$T/log" 2>&1 &
PID=$!
wait_listening "$PID" "$T/log"
contains "$T/log" "listening on 0.0.0.0 without TLS"
done_ok
