#!/bin/sh
# sekishod under concurrent load stays up and keeps answering correctly.
# Regression test: loops built on one thread and run on another shared h2o's
# thread-local buffer recycler and crashed at ~20k requests/s.  Runs wrk for
# a few seconds against the worker path (POST /login without a CSRF token:
# 403) and the page path (GET /login), then checks the server is alive and
# still answers.  Not a timing test: no figure is asserted.
. "$(dirname "$0")/lib.sh"

SEKISHOD=${SEKISHOD:-$(dirname "$SEKISHO")/sekishod}
command -v wrk >/dev/null || fail "wrk is missing (scripts/deps.sh installs it)"
PORT=$((20000 + $$ % 30000))
"$SEKISHOD" --db "$T/db.sqlite" --port "$PORT" >"$T/log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -rf "$T"' EXIT INT TERM
wait_listening "$PID" "$T/log"
cat >"$T/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = "username=admin&password=x"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
LUA
wrk -t2 -c32 -d3s -s "$T/post.lua" "http://127.0.0.1:$PORT/login" >"$T/wrk1" 2>&1 || true
wrk -t2 -c32 -d2s "http://127.0.0.1:$PORT/login" >"$T/wrk2" 2>&1 || true
kill -0 $PID 2>/dev/null || { cat "$T/log"; fail "sekishod died under load"; }
ok
grep -q "ERROR: AddressSanitizer" "$T/log" && { cat "$T/log"; fail "sanitizer report"; }
[ "$(curl -s "http://127.0.0.1:$PORT/healthz")" = "ok" ] || fail "no answer after the load"
code=$(curl -s -o /dev/null -w '%{http_code}' -d 'username=a&password=b' "http://127.0.0.1:$PORT/login")
[ "$code" = 403 ] || fail "POST without CSRF token gave $code, not 403"
ok
N=$(awk '/requests in/ {print $1}' "$T/wrk1")
echo "ok: $PASSES checks (80_server_load.sh; $N requests in the first run)"
