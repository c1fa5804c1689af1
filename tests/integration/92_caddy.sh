#!/bin/sh
# Caddy's forward_auth in front of an application (DESIGN 8,
# docs/integrations/caddy.md): Debian's caddy (2.6) with the configuration
# the guide gives, the portal and the application behind it, and a tiny
# upstream (a third Caddy site) that echoes the Remote-User and Remote-Groups
# it receives.  Checks: a signed-out request gets 302 to the portal's login
# with the original URL as rd; a sign-in with curl (CSRF token and cookies,
# the forced change of the issued password) returns to rd; with its session
# cookie the upstream answers 200 and sees the user and role; a header
# Remote-User sent by the client never reaches the upstream; a deny rule
# gives 403; the portal sees the client's address through Caddy
# (trusted_proxies).  The Caddyfile is the guide's snippet.  Caddy runs with admin off and auto_https off, on
# loopback only, with its state in the test's directory.
. "$(dirname "$0")/lib.sh"

SEKISHOD=${SEKISHOD:-$(dirname "$SEKISHO")/sekishod}
command -v caddy >/dev/null || fail "caddy is missing (scripts/deps.sh installs it)"
command -v curl >/dev/null || fail "curl is missing (scripts/deps.sh installs it)"
# Three loopback ports nobody listens on (the kernel's choice).
set -- $(python3 -c 'import socket
ss = [socket.socket() for _ in range(3)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])')
SP=$1 CP=$2 UP=$3
PORTAL="http://auth.example.test:$CP"
APP="http://app.example.test:$CP"
RES="--resolve auth.example.test:$CP:127.0.0.1 --resolve app.example.test:$CP:127.0.0.1"
# The client speaks from another loopback address than Caddy, so that the
# address sekishod records can only be right through X-Forwarded-For.
CLIENT=127.0.0.2

cat >"$T/s.conf" <<CONF
[storage]
database = $T/db.sqlite
key_file = $T/db.key
[mfa]
required = optional
[server]
trusted_proxies = 127.0.0.1
[forward_auth]
portal_url = $PORTAL
cookie_domain = example.test
[rule public]
host = app.example.test
path = /public/*
policy = bypass
[rule forbidden]
host = app.example.test
path = /forbidden/*
policy = deny
[rule apps]
host = *.example.test
policy = one_factor
CONF
cat >"$T/Caddyfile" <<CADDY
{
	admin off
	auto_https off
	default_bind 127.0.0.1
}

http://auth.example.test:$CP {
	reverse_proxy 127.0.0.1:$SP
}

(sekisho) {
	route {
		request_header -Remote-User
		request_header -Remote-Groups
		request_header -Remote-Email
		forward_auth 127.0.0.1:$SP {
			uri /auth/verify
			copy_headers Remote-User Remote-Groups
		}
	}
}

http://app.example.test:$CP {
	import sekisho
	reverse_proxy 127.0.0.1:$UP
}

http://:$UP {
	respond "upstream page for {header.Remote-User} ({header.Remote-Groups}) at {path} email={header.Remote-Email}"
}
CADDY

SEKISHO_CONFIG="$T/s.conf"; export SEKISHO_CONFIG
"$SEKISHOD" --config "$T/s.conf" --port "$SP" >"$T/log" 2>&1 &
PID=$!
# Caddy keeps its state (autosave.json, certificate storage) under HOME and XDG_*.
HOME="$T" XDG_CONFIG_HOME="$T/config" XDG_DATA_HOME="$T/data" \
	caddy run --config "$T/Caddyfile" --adapter caddyfile >"$T/caddy.log" 2>&1 &
CPID=$!
trap 'kill $PID $CPID 2>/dev/null || true; rm -rf "$T"' EXIT INT TERM
i=0
until grep -q "listening on" "$T/log" && grep -q "serving initial configuration" "$T/caddy.log"; do
	kill -0 $PID 2>/dev/null || { cat "$T/log"; fail "sekishod did not start"; }
	kill -0 $CPID 2>/dev/null || { cat "$T/caddy.log"; fail "caddy did not start"; }
	i=$((i + 1)); [ $i -lt 300 ] || fail "sekishod or caddy did not start in 30 s"
	sleep 0.1
done
printf 'Hashi-no-Ue-55b\n' | "$SEKISHO" user add kenji --password-stdin >"$T/out" 2>&1 || { cat "$T/out"; fail "user add"; }

# get URL [curl options]: body in $T/page, headers in $T/h, prints the status.
get() { u=$1; shift; curl -s $RES --interface $CLIENT -o "$T/page" -D "$T/h" -w '%{http_code}' "$@" "$u"; }
header() { sed -n "s/^$1: //Ip" "$T/h" | tr -d '\r'; }
csrf_of() { sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/page" | head -n 1; }

# Signed out: 302 to the portal's login with the original URL (host and port
# from Caddy's X-Forwarded-Host, path and query from X-Forwarded-Uri).
[ "$(get "$APP/hello?x=1")" = 302 ] || { cat "$T/h"; fail "signed out: not 302"; }
LOGIN="$PORTAL/login?rd=http%3A%2F%2Fapp.example.test%3A$CP%2Fhello%3Fx%3D1"
[ "$(header location)" = "$LOGIN" ] || fail "signed out: Location $(header location), not $LOGIN"
lacks "$T/page" "upstream page"
ok
# A bypass path: the upstream, with no user, whatever the client claims to be.
[ "$(get "$APP/public/logo.png" -H 'Remote-User: admin' -H 'Remote-Groups: admin' -H 'Remote-Email: a@evil.test')" = 200 ] || fail "bypass rule"
contains "$T/page" "upstream page for"
lacks "$T/page" "admin"
lacks "$T/page" "evil"
# A deny rule: 403 from sekishod, passed on by Caddy; the upstream never asked.
[ "$(get "$APP/forbidden/report")" = 403 ] || fail "deny rule: not 403"
lacks "$T/page" "upstream page"
ok

# Sign-in with curl: the login page from the redirect, then the forced change
# of the issued password; the last step returns to rd.
[ "$(get "$LOGIN" -c "$T/jar")" = 200 ] || fail "login page"
csrf=$(csrf_of); [ -n "$csrf" ] || fail "no CSRF token on the login page"
[ "$(get "$PORTAL/login" -b "$T/jar" -c "$T/jar" --data-urlencode "csrf=$csrf" \
	--data-urlencode username=kenji --data-urlencode password=Hashi-no-Ue-55b)" = 303 ] || fail "sign-in: not 303"
[ "$(header location)" = /login/password ] || fail "sign-in: to $(header location), not the forced change"
[ "$(get "$PORTAL/login/password" -b "$T/jar" -c "$T/jar")" = 200 ] || fail "change page"
csrf=$(csrf_of); [ -n "$csrf" ] || fail "no CSRF token on the change page"
[ "$(get "$PORTAL/login/password" -b "$T/jar" -c "$T/jar" --data-urlencode "csrf=$csrf" \
	--data-urlencode current_password=Hashi-no-Ue-55b --data-urlencode new_password=Nami-no-Oto-29c \
	--data-urlencode confirm_password=Nami-no-Oto-29c)" = 303 ] || fail "password change: not 303"
[ "$(header location)" = "$APP/hello?x=1" ] || fail "after sign-in: to $(header location), not back to the application"
ok
# The cookie is for the whole domain (Domain=example.test), so the application gets it.
grep -q '^#HttpOnly_\.example\.test	.*sekisho_dev_session' "$T/jar" || { cat "$T/jar"; fail "session cookie not for .example.test"; }

# Signed in: the upstream answers and sees who (a forged Remote-User is replaced).
[ "$(get "$APP/hello?x=1" -b "$T/jar" -H 'Remote-User: admin' -H 'Remote-Groups: admin')" = 200 ] || fail "signed in: not 200"
contains "$T/page" "upstream page for kenji (user) at /hello"
[ "$(get "$APP/other" -b "$T/jar")" = 200 ] || fail "signed in, second request (cached session): not 200"
contains "$T/page" "upstream page for kenji (user) at /other"
[ "$(get "$APP/forbidden/report" -b "$T/jar")" = 403 ] || fail "deny rule, signed in: not 403"
ok

# The portal saw the client through Caddy (X-Forwarded-For from a trusted
# proxy): the sign-in and the denial are audited with the client's address.
kill $PID; wait $PID 2>/dev/null || true
"$SEKISHO" audit export >"$T/audit" 2>&1 || { cat "$T/audit"; fail "audit export"; }
python3 - "$T/audit" "$APP" "$CLIENT" <<'PY' || fail "audit events"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
deny = [e for e in ev if e["action"] == "forward_auth.check" and e["result"] == "deny"]
assert any(e["detail"] == sys.argv[2] + "/forbidden/report" and e["addr"] == sys.argv[3] for e in deny), deny
signin = [e for e in ev if e["target"] == "kenji" and e["action"].startswith("signin")]
assert signin and all(e["addr"] == sys.argv[3] for e in signin), signin
PY
ok
done_ok
