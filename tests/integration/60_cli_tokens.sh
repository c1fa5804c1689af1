#!/bin/sh
# sekisho token create/list/revoke (C6): API tokens shown once, stored as
# hashes only, scoped (read / admin), always expiring within a year,
# revocable, audited without the token text.
. "$(dirname "$0")/lib.sh"

"$SEKISHO" init >/dev/null 2>&1 || fail "init"
printf 'Kawa-no-Nagare-77q\n' | "$SEKISHO" user add robot --password-stdin >/dev/null 2>&1 || fail "add robot"
printf 'Kawa-no-Nagare-77q\n' | "$SEKISHO" user add watcher --role auditor --password-stdin >/dev/null 2>&1 || fail "add watcher"

# token: the text after "Token (...): " in $T/out.
token() { sed -n 's/^Token (shown once[^)]*): \(skt_[A-Za-z0-9_-]*\)$/\1/p' "$T/out"; }

# create: printed once, the right shape, and a way to revoke it.
expect_rc 0 "$SEKISHO" token create admin deploy --scope admin --expires +30d
contains "$T/out" "Created API token #1 'deploy' for admin (scope admin"
contains "$T/out" "sekisho token revoke 1"
ADMIN_TOKEN=$(token)
[ ${#ADMIN_TOKEN} -eq 47 ] || fail "token should be 47 characters, got '${#ADMIN_TOKEN}'"
ok
# An expiry further than a year away is refused.
expect_rc 2 "$SEKISHO" token create watcher monitor --expires 2099-01-01 --scope read
contains "$T/out" "at most one year"
expect_rc 0 "$SEKISHO" token create watcher monitor --expires +365d
READ_TOKEN=$(token)
[ -n "$READ_TOKEN" ] && [ "$READ_TOKEN" != "$ADMIN_TOKEN" ] || fail "second token"
ok
# Default scope is read.
expect_rc 0 "$SEKISHO" token create robot nightly --expires +1d
contains "$T/out" "scope read"
ROBOT_TOKEN=$(token)

# Refusals, each with what to do.
expect_rc 2 "$SEKISHO" token create robot x --scope admin
contains "$T/out" "needs an expiry"
expect_rc 2 "$SEKISHO" token create robot x --expires @1000000000
contains "$T/out" "in the future"
expect_rc 2 "$SEKISHO" token create robot x --expires yesterday
contains "$T/out" "cannot read the date"
expect_rc 2 "$SEKISHO" token create robot x --scope write --expires +1d
contains "$T/out" "read or admin"
expect_rc 2 "$SEKISHO" token create robot "bad name" --expires +1d
contains "$T/out" "A-Z a-z 0-9"
expect_rc 1 "$SEKISHO" token create robot x --scope admin --expires +1d
contains "$T/out" "not an administrator"
expect_rc 1 "$SEKISHO" token create watcher monitor --expires +1d
contains "$T/out" "already has a token named 'monitor'"
expect_rc 1 "$SEKISHO" token create nobody x --expires +1d
contains "$T/out" "no such account"
expect_rc 1 "$SEKISHO" --as watcher token create robot x --expires +1d
contains "$T/out" "permission denied"
expect_rc 2 "$SEKISHO" token frob

# list: all, per owner, JSON; never the token itself.
expect_rc 0 "$SEKISHO" token list
contains "$T/out" "deploy"
contains "$T/out" "monitor"
contains "$T/out" "nightly"
lacks "$T/out" "$ADMIN_TOKEN"
lacks "$T/out" "skt_"
expect_rc 0 "$SEKISHO" token list watcher
contains "$T/out" "monitor"
lacks "$T/out" "deploy"
expect_rc 1 "$SEKISHO" token list nobody
"$SEKISHO" token list --json | pyjson '
t = {x["name"]: x for x in d}
assert set(t) == {"deploy", "monitor", "nightly"}, t
assert t["deploy"]["scope"] == "admin" and t["deploy"]["owner"] == "admin", t
assert t["monitor"]["scope"] == "read" and t["monitor"]["state"] == "active", t
assert t["deploy"]["created_by"].startswith("local:"), t
assert all("hash" not in x and "token" not in x for x in d), d' || fail "token list --json"
ok

# revoke: by number; again is refused; unknown is refused.
expect_rc 0 "$SEKISHO" token revoke 3
contains "$T/out" "Revoked API token #3"
expect_rc 1 "$SEKISHO" token revoke 3
contains "$T/out" "already revoked"
expect_rc 1 "$SEKISHO" token revoke 999
contains "$T/out" "no token #999"
expect_rc 2 "$SEKISHO" token revoke abc
"$SEKISHO" token list --json | pyjson '
t = {x["name"]: x for x in d}
assert t["nightly"]["state"] == "revoked" and t["nightly"]["revoked_at"] > 0, t' || fail "revoked state"
# The name of a revoked token can be used again.
expect_rc 0 "$SEKISHO" token create robot nightly --expires +1d
ok

# Audited, without the token text.
"$SEKISHO" audit export >"$T/audit.jsonl"
contains "$T/audit.jsonl" '"action":"token.create"'
contains "$T/audit.jsonl" '"action":"token.revoke"'
contains "$T/audit.jsonl" "token #1 'deploy' scope=admin"
for tk in "$ADMIN_TOKEN" "$READ_TOKEN" "$ROBOT_TOKEN"; do
	lacks "$T/audit.jsonl" "${tk#skt_}"
done
expect_rc 0 "$SEKISHO" audit verify

# Nothing of a token in the database, in any form but its hash.
sqlite3 "$SEKISHO_DB" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
for tk in "$ADMIN_TOKEN" "$READ_TOKEN" "$ROBOT_TOKEN"; do
	if grep -aqF -- "${tk#skt_}" "$SEKISHO_DB" "$SEKISHO_DB-wal" 2>/dev/null; then
		fail "token text found in the database"
	fi
	# ...nor its 32 bytes: the stored hash is BLAKE2b-256 of them.
	python3 - "$SEKISHO_DB" "$tk" <<'PY' || fail "token bytes or hash wrong in the database"
import base64, hashlib, sys
db = open(sys.argv[1], "rb").read()
raw = base64.urlsafe_b64decode(sys.argv[2][4:] + "=")
assert len(raw) == 32
assert raw not in db, "raw token bytes stored"
assert hashlib.blake2b(raw, digest_size=32).digest() in db, "hash not stored"
PY
done
[ "$(sqlite3 "$SEKISHO_DB" 'select count(*) from apitokens where length(token_hash) = 32')" = 4 ] \
	|| fail "apitokens rows"
ok

# Deleting the owner deletes its tokens.
expect_rc 0 "$SEKISHO" user delete robot
"$SEKISHO" token list --json | pyjson 'assert all(x["owner"] != "robot" for x in d), d' || fail "cascade"
ok
done_ok
