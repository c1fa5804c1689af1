#!/bin/sh
# sekisho init, user add/list/show/disable/enable/expire/delete, key-file
# safety, no clear-text secret in the database, inventory formats.
. "$(dirname "$0")/lib.sh"

# init: database and key file created 0600 with a bootstrap admin.
expect_rc 0 "$SEKISHO" init
contains "$T/out" "Administrator: admin"
ADMIN_PW=$(initial_password)
[ ${#ADMIN_PW} -eq 16 ] || fail "initial password should be 16 characters, got '${#ADMIN_PW}'"
[ "$(stat -c %a "$T/var/sekisho.key")" = 600 ] || fail "key file mode"
[ "$(stat -c %a "$T/var/sekisho.db")" = 600 ] || fail "database mode"
[ "$(stat -c %s "$T/var/sekisho.key")" = 32 ] || fail "key file size"
ok
# The issued password passes the policy it will be checked against.
printf '%s\n' "$ADMIN_PW" | "$SEKISHO" password check --user admin >/dev/null || fail "issued password fails policy"
ok
# Running init again changes nothing.
cp "$T/var/sekisho.key" "$T/key.before"
expect_rc 0 "$SEKISHO" init
contains "$T/out" "Already initialised"
cmp -s "$T/key.before" "$T/var/sekisho.key" || fail "init replaced the key"
ok

# An unsafe key file is refused, with the reason and what to do.
chmod 644 "$T/var/sekisho.key"
expect_rc 1 "$SEKISHO" user list
contains "$T/out" "chmod 600"
chmod 600 "$T/var/sekisho.key"
ln -s "$T/var/sekisho.key" "$T/link.key"
printf '[storage]\ndatabase = %s\nkey_file = %s\n' "$SEKISHO_DB" "$T/link.key" >"$T/link.conf"
expect_rc 1 "$SEKISHO" --config "$T/link.conf" user list
contains "$T/out" "symbolic link"
printf '[storage]\ndatabase = %s\nkey_file = %s\nfrobs = 1\n' "$SEKISHO_DB" "$T/link.key" >"$T/bad.conf"
expect_rc 1 "$SEKISHO" --config "$T/bad.conf" user list
contains "$T/out" "frobs"

# So is a database that others can read (it holds hashes and sealed secrets).
chmod 640 "$SEKISHO_DB"
expect_rc 1 "$SEKISHO" user list
contains "$T/out" "chmod 600 $SEKISHO_DB"
chmod 600 "$SEKISHO_DB"

# No database yet at another path: say what to do.
expect_rc 1 "$SEKISHO" --db "$T/none/db.sqlite" user list
contains "$T/out" "sekisho init"

# user add: generated password shown once, must change.
expect_rc 0 "$SEKISHO" user add alice --email alice@example.com
contains "$T/out" "Initial password"
ALICE_PW=$(initial_password)
expect_rc 0 "$SEKISHO" user show alice
contains "$T/out" "must change password"
contains "$T/out" "alice@example.com"
# Names are case-insensitive and unique.
expect_rc 1 "$SEKISHO" user add ALICE
contains "$T/out" "already exists"
expect_rc 1 "$SEKISHO" user add "bad/name"
contains "$T/out" "user names are"
# A given password goes through the policy, every failed rule named.
printf 'Password1234\n' >"$T/pw"
set +e; "$SEKISHO" user add bob --password-stdin <"$T/pw" >"$T/out" 2>&1; rc=$?; set -e
[ $rc -eq 1 ] || fail "weak --password-stdin accepted"
contains "$T/out" "easy to guess"
contains "$T/out" "推測されやすい"
printf 'Kawa-no-Nagare-77q\n' >"$T/pw"
"$SEKISHO" user add bob --role auditor --expires 2099-12-31 --password-stdin <"$T/pw" >"$T/out" 2>&1 || fail "good password refused"
lacks "$T/out" "Kawa-no-Nagare-77q"
ok

# list / show in JSON.
"$SEKISHO" user list --json >"$T/list.json"
python3 - "$T/list.json" <<'PY' || fail "user list --json"
import json, sys
users = {u["name"]: u for u in json.load(open(sys.argv[1]))}
assert set(users) == {"admin", "alice", "bob"}, users
assert users["admin"]["role"] == "admin"
assert users["bob"]["role"] == "auditor" and users["bob"]["expires_at"] > 4000000000
assert users["alice"]["must_change_password"] is True
assert "pwhash" not in users["alice"]
PY
ok
"$SEKISHO" user show bob --json | pyjson 'assert d["email"] == "" and d["role"] == "auditor"' || fail "show --json"
ok

# disable / enable / expire / delete, and the last administrator is protected.
expect_rc 0 "$SEKISHO" user disable alice
"$SEKISHO" user show alice --json | pyjson 'assert d["disabled"] is True' || fail "disable"
expect_rc 0 "$SEKISHO" user enable alice
expect_rc 0 "$SEKISHO" user expire alice 2030-01-31
"$SEKISHO" user show alice --json | pyjson 'assert d["expires_at"] == 1896134399, d' || fail "expire date"
expect_rc 0 "$SEKISHO" user expire alice never
expect_rc 2 "$SEKISHO" user expire alice 31/01/2030
expect_rc 1 "$SEKISHO" user disable admin
contains "$T/out" "no enabled administrator"
expect_rc 1 "$SEKISHO" user delete admin
expect_rc 1 "$SEKISHO" user role admin user
expect_rc 1 "$SEKISHO" user disable nobody
contains "$T/out" "no such account"

# --as must be a real administrator: an auditor may not change anything.
expect_rc 1 "$SEKISHO" --as bob user disable alice
contains "$T/out" "permission denied"
expect_rc 1 "$SEKISHO" --as ghost user disable alice

# reset-password issues a new initial password; the old one stops working.
expect_rc 0 "$SEKISHO" user reset-password alice
NEW_PW=$(initial_password)
[ -n "$NEW_PW" ] && [ "$NEW_PW" != "$ALICE_PW" ] || fail "reset-password"
ok

# Nothing secret in clear in the database (A4): passwords, hashes only.
sqlite3 "$SEKISHO_DB" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
for secret in "$ADMIN_PW" "$ALICE_PW" "$NEW_PW" "Kawa-no-Nagare-77q"; do
	if grep -aqF -- "$secret" "$SEKISHO_DB" "$T/var/sekisho.db-wal" 2>/dev/null; then
		fail "clear-text password found in the database"
	fi
done
[ "$(sqlite3 "$SEKISHO_DB" "select count(*) from users where pwhash like '\$argon2id\$v=19\$m=19456,t=2,p=1\$%'")" = 3 ] \
	|| fail "passwords not stored as Argon2id at the OWASP cost"
ok

# A hostile e-mail is defused in the CSV (a spreadsheet would run it).
expect_rc 0 "$SEKISHO" user add mallory --email "=1+2@example.com"
"$SEKISHO" inventory --format csv >"$T/inv.csv"
grep -qF "mallory,\"'=1+2@example.com\"," "$T/inv.csv" || { cat "$T/inv.csv"; fail "formula not defused"; }
ok
expect_rc 0 "$SEKISHO" user delete mallory

# inventory in three formats, with the review flags.
expect_rc 0 "$SEKISHO" inventory
contains "$T/out" "privileged-without-mfa"
"$SEKISHO" inventory --format csv >"$T/inv.csv"
head -1 "$T/inv.csv" | grep -q '^name,email,role,effective_role,state' || fail "csv header"
[ "$(wc -l <"$T/inv.csv")" -eq 4 ] || fail "csv rows"
"$SEKISHO" inventory --format json | pyjson '
f = {u["name"]: u["flags"] for u in d}
assert "never-signed-in" in f["alice"] and "must-change-password" in f["alice"], f
assert "privileged-without-mfa" in f["admin"], f
assert "privileged-without-mfa" not in f["bob"], f' || fail "inventory json flags"
"$SEKISHO" inventory --format json --stale-days 1 >/dev/null || fail "stale-days"
expect_rc 2 "$SEKISHO" inventory --format xml
ok

expect_rc 0 "$SEKISHO" user delete bob
expect_rc 1 "$SEKISHO" user show bob
expect_rc 2 "$SEKISHO" user frobnicate
expect_rc 2 "$SEKISHO" nonsense
done_ok
