#!/bin/sh
# The JSON API of sekishod (docs/api.md) against the real server on a
# loopback port: API tokens made with the CLI on the same database, read and
# admin scopes, account changes audited as the token's owner, JSON errors,
# revocation.  CSRF for session callers is covered by tests/unit/test_apitoken.c.
. "$(dirname "$0")/lib.sh"

SEKISHOD=${SEKISHOD:-"$(dirname "$0")/../../build/sekishod"}
[ -x "$SEKISHOD" ] || fail "no sekishod at $SEKISHOD (run make all, or set SEKISHOD)"
command -v curl >/dev/null || fail "curl is needed (apt-get install curl)"

PID=
stop_server() {
	if [ -n "$PID" ]; then
		kill "$PID" 2>/dev/null || true
		wait "$PID" 2>/dev/null || true
		PID=
	fi
}
trap 'stop_server; rm -rf "$T"' EXIT INT TERM

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Starts sekishod on a free port; another port when one was taken meanwhile.
start_server() {
	for attempt in 1 2 3 4 5; do
		PORT=$(free_port)
		: >"$T/server.log"
		"$SEKISHOD" --db "$SEKISHO_DB" --listen 127.0.0.1 --port "$PORT" >"$T/server.log" 2>&1 &
		PID=$!
		# Start-up polling only: at most 50 x 0.1 s for the "listening on" line.
		i=0
		while [ $i -lt 50 ]; do
			grep -q "listening on" "$T/server.log" && return 0
			grep -q "cannot listen" "$T/server.log" && break
			kill -0 "$PID" 2>/dev/null || break
			sleep 0.1
			i=$((i + 1))
		done
		if grep -q "cannot listen" "$T/server.log"; then
			stop_server
			continue
		fi
		cat "$T/server.log" >&2
		stop_server
		fail "sekishod did not print 'listening on' within 5 s (attempt $attempt, port $PORT)"
	done
	fail "sekishod found no free port in 5 attempts"
}

start_server
BASE="http://127.0.0.1:$PORT"
contains "$T/server.log" "created the administrator 'admin'"


# token: the text after "Token (...): " in $T/out.
token() { sed -n 's/^Token (shown once[^)]*): \(skt_[A-Za-z0-9_-]*\)$/\1/p' "$T/out"; }

# api METHOD PATH [CURL ARGS...]: the status into $STATUS, the body into $T/body,
# the headers into $T/headers.
api() {
	m=$1
	p=$2
	shift 2
	STATUS=$(curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' -X "$m" "$@" "$BASE$p") \
		|| fail "curl $m $p failed"
}
# expect STATUS [ERROR_CODE]: asserts the last answer.
expect() {
	[ "$STATUS" = "$1" ] || { cat "$T/body" >&2; fail "status $STATUS, wanted $1"; }
	grep -qi '^content-type: application/json' "$T/headers" || { cat "$T/headers" >&2; fail "not JSON"; }
	if [ $# -ge 2 ]; then
		pyjson "assert d['error'] == '$2', d; assert len(d['message']) > 20, d" <"$T/body" \
			|| fail "error code $2 wanted"
	fi
	ok
}
json() { pyjson "$1" <"$T/body" || { cat "$T/body" >&2; fail "JSON check: $1"; }; ok; }

# A second administrator (for the two-person rule) and the tokens.
printf 'Kawa-no-Nagare-77q\n' | "$SEKISHO" user add ops --role admin --password-stdin >/dev/null 2>&1 || fail "add ops"
expect_rc 0 "$SEKISHO" token create admin automation --scope admin --expires +7d
ADMIN_TOKEN=$(token)
expect_rc 0 "$SEKISHO" token create admin dashboard --scope read --expires +7d
READ_TOKEN=$(token)
[ -n "$ADMIN_TOKEN" ] && [ -n "$READ_TOKEN" ] || fail "tokens not printed"
ADMIN="Authorization: Bearer $ADMIN_TOKEN"
READ="Authorization: Bearer $READ_TOKEN"
JSON="Content-Type: application/json"

# 401: no token, a wrong one, a malformed one - one and the same answer.
api GET /api/v1/users
expect 401 unauthorized
cp "$T/body" "$T/401"
api GET /api/v1/users -H "Authorization: Bearer skt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
expect 401
cmp -s "$T/body" "$T/401" || fail "401 bodies differ"
api GET /api/v1/users -H "Authorization: Basic YWRtaW46eA=="
expect 401
cmp -s "$T/body" "$T/401" || fail "401 bodies differ"
grep -qi '^cache-control: no-store' "$T/headers" || fail "no cache-control: no-store"
ok

# me
api GET /api/v1/me -H "$READ"
expect 200
json 'assert d["name"] == "admin" and d["auth"] == "token" and d["token"]["scope"] == "read", d'

# A read token reads, and gets 403 for any change.
api GET /api/v1/users -H "$READ"
expect 200
json 'n = {u["name"] for u in d["users"]}; assert n == {"admin", "ops"}, n'
json 'u = [u for u in d["users"] if u["name"] == "ops"][0]; assert u["role"] == "admin" and "flags" in u, u'
api POST /api/v1/users -H "$READ" -H "$JSON" -d '{"name":"carol"}'
expect 403 read_only_token
api POST /api/v1/users/ops/disable -H "$READ"
expect 403 read_only_token

# An admin token creates an account: 201, an initial password that passes the policy.
api POST /api/v1/users -H "$ADMIN" -H "$JSON" -d '{"name":"carol","email":"carol@example.com","role":"user"}'
expect 201
json 'assert d["name"] == "carol" and d["must_change_password"] is True, d'
CAROL_PW=$(pyjson 'print(d["initial_password"])' <"$T/body")
printf '%s\n' "$CAROL_PW" | "$SEKISHO" password check --user carol >/dev/null || fail "initial password fails the policy"
ok
"$SEKISHO" user show carol --json | pyjson 'assert d["email"] == "carol@example.com" and d["must_change_password"], d' \
	|| fail "carol not created"
ok
api POST /api/v1/users -H "$ADMIN" -H "$JSON" -d '{"name":"carol"}'
expect 409 exists
api POST /api/v1/users -H "$ADMIN" -H "$JSON" -d '{"name":"bad/name"}'
expect 422 invalid_name

# disable / enable, seen by the CLI, audited as admin from the client's address.
api POST /api/v1/users/carol/disable -H "$ADMIN"
expect 200
json 'assert d["result"] == "ok" and d["action"] == "disable", d'
api GET /api/v1/users/carol -H "$READ"
expect 200
json 'assert d["state"] == "disabled", d'
"$SEKISHO" user show carol --json | pyjson 'assert d["disabled"] is True' || fail "disable not stored"
api POST /api/v1/users/carol/enable -H "$ADMIN"
expect 200
"$SEKISHO" audit export >"$T/audit.jsonl"
python3 - "$T/audit.jsonl" <<'PY' || fail "API changes not audited as the token's owner"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
dis = [e for e in ev if e["action"] == "user.disable" and e["target"] == "carol"]
assert dis and dis[-1]["actor"] == "admin" and dis[-1]["addr"] == "127.0.0.1", dis
assert any(e["action"] == "user.create" and e["target"] == "carol" and e["actor"] == "admin" for e in ev)
assert any(e["action"] == "token.create" for e in ev)
PY
ok

# Two administrators: resetting one's password waits for the other's approval (202).
api POST /api/v1/users/ops/reset-password -H "$ADMIN"
expect 202
json 'assert d["result"] == "pending" and d["approval_id"] > 0 and "initial_password" not in d, d'
APPROVAL=$(pyjson 'print(d["approval_id"])' <"$T/body")
api GET /api/v1/approvals -H "$READ"
expect 200
json "a = [x for x in d['approvals'] if x['id'] == $APPROVAL][0]; assert a['state'] == 'pending' and a['target'] == 'ops', a"

# The audit log and its verification.
api GET /api/v1/audit/verify -H "$READ"
expect 200
json 'assert d["ok"] is True and d["events"] > 5, d'
api GET "/api/v1/audit?limit=2" -H "$READ"
expect 200
json 'assert len(d["events"]) == 2 and d["truncated"] is True and d["events"][0]["seq"] == 1, d'
api GET "/api/v1/audit?limit=0" -H "$READ"
expect 400 bad_query

# JSON errors that say what is wrong.
api POST /api/v1/users -H "$ADMIN" -H "$JSON" -d '{"name": '
expect 400 bad_json
json 'assert "not valid JSON" in d["message"], d'
api POST /api/v1/users -H "$ADMIN" -d 'name=dave'
expect 415 unsupported_media_type
head -c 70000 /dev/zero | tr '\0' ' ' >"$T/big.json"
api POST /api/v1/users -H "$ADMIN" -H "$JSON" --data-binary "@$T/big.json"
expect 413 too_large
api GET /api/v1/nothing -H "$READ"
expect 404 not_found
api GET /api/v1/users/nobody -H "$READ"
expect 404 not_found
api GET /api/v1/users/carol/disable -H "$ADMIN"
expect 405 method_not_allowed

# DELETE removes the account.
api DELETE /api/v1/users/carol -H "$ADMIN"
if [ "$STATUS" = 405 ] && ! grep -qi '^content-type: application/json' "$T/headers"; then
	fail "DELETE was refused before the API saw it: portal_handle() must pass every method on /api/ to api_handle()"
fi
expect 200
api GET /api/v1/users/carol -H "$READ"
expect 404 not_found

# A revoked token is refused with the same 401 as any other.
expect_rc 0 "$SEKISHO" token revoke 2
api GET /api/v1/users -H "$READ"
expect 401
cmp -s "$T/body" "$T/401" || fail "revoked token: different 401 body"
api GET /api/v1/me -H "$ADMIN"
expect 200

# No token in the server's output.
lacks "$T/server.log" "${ADMIN_TOKEN#skt_}"
lacks "$T/server.log" "${READ_TOKEN#skt_}"
stop_server
done_ok
