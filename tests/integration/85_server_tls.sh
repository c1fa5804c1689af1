#!/bin/sh
# sekishod over TLS: HTTPS with a self-signed certificate, HTTP/2 by ALPN,
# HSTS, and the session cookie named __Host-sekisho with Secure (G1; the
# cookie prefix makes browsers refuse it over plain HTTP or for another path).
. "$(dirname "$0")/lib.sh"

SEKISHOD=${SEKISHOD:-$(dirname "$SEKISHO")/sekishod}
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
	-subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
	-keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1 || fail "openssl req"
PORT=$((20000 + ($$ + 7) % 30000))
printf '[server]\ntls_certificate = %s\ntls_key = %s\n[storage]\ndatabase = %s\nkey_file = %s\n' \
	"$T/cert.pem" "$T/key.pem" "$T/db.sqlite" "$T/db.key" >"$T/tls.conf"
"$SEKISHOD" --config "$T/tls.conf" --port "$PORT" >"$T/log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; rm -rf "$T"' EXIT INT TERM
wait_listening "$PID" "$T/log"
contains "$T/log" "https://"
curl -s --http2 --cacert "$T/cert.pem" -D "$T/h" -o "$T/body" "https://127.0.0.1:$PORT/login" || fail "https request"
head -1 "$T/h" | grep -q "^HTTP/2 200" || { cat "$T/h"; fail "no HTTP/2 200"; }
ok
grep -qi '^set-cookie: __Host-sekisho=[A-Za-z0-9_-]\{43\}; Path=/; SameSite=Lax; HttpOnly; Secure' "$T/h" \
	|| { cat "$T/h"; fail "__Host- cookie with Secure, HttpOnly, SameSite=Lax, Path=/"; }
grep -qi '^strict-transport-security: max-age=' "$T/h" || fail "HSTS"
lacks "$T/h" "sekisho_dev_session"
contains "$T/body" 'name="csrf"'
# TLS 1.1 and older are refused.
if curl -s --tls-max 1.1 --cacert "$T/cert.pem" -o /dev/null "https://127.0.0.1:$PORT/healthz" 2>/dev/null; then
	fail "TLS 1.1 accepted"
fi
ok
# Plain HTTP to the TLS port gets nothing usable.
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/login")" != 200 ] || fail "plain HTTP served"
done_ok
