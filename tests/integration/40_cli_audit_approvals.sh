#!/bin/sh
# The tamper-evident audit log (D1, D2): verify, export as JSON lines, a row
# altered or removed with sqlite3 is named by `audit verify`.  The two-person
# rule (C4): a privileged action waits for a different administrator, who
# must prove it is them (password and a fresh one-time code) to approve it.
. "$(dirname "$0")/lib.sh"

"$SEKISHO" init >"$T/out" 2>&1 || fail "init"
export PW0="$(initial_password)" PW1="Tani-no-Mizu-45r" SEKISHO_KEY_OUT="$T/key"
drive '[["Password", "{PW0}"], ["Current password", "{PW0}"], ["New password", "{PW1}"], ["Confirm", "{PW1}"],
        ["Code 1", "{code1}"], ["Code 2", "{code2}"], ["Signed in as admin", null]]' login admin >"$T/out" \
	|| { cat "$T/out"; fail "admin first sign-in"; }
ADMIN_KEY=$(cat "$T/key")

# A second administrator: with only one, the rule cannot apply (audited as skipped).
printf 'Umi-no-Iro-27p\n' | "$SEKISHO" user add erin --role admin --password-stdin >"$T/out" 2>&1 || { cat "$T/out"; fail "add erin"; }
"$SEKISHO" user show erin --json | pyjson 'assert d["role"] == "admin", d' || fail "erin is admin"
ok
drive '[["Password", "Umi-no-Iro-27p"], ["Current password", "Umi-no-Iro-27p"], ["New password", "Sora-no-Ao-63d"],
        ["Confirm", "Sora-no-Ao-63d"], ["Code 1", "{code1}"], ["Code 2", "{code2}"], ["Signed in as erin", null]]' \
	login erin >"$T/out" || { cat "$T/out"; fail "erin first sign-in"; }
ERIN_KEY=$(cat "$T/key")

# Now a third admin, an admin password reset and an admin MFA reset all wait.
printf 'Kawa-no-Se-18v\n' | "$SEKISHO" user add frank --role admin --password-stdin >"$T/out" 2>&1 && fail "third admin granted at once"
contains "$T/out" "request #"
"$SEKISHO" user show frank --json | pyjson 'assert d["role"] == "user", d' || fail "frank must not be admin yet"
expect_rc 3 "$SEKISHO" mfa reset erin
contains "$T/out" "approvals approve"
"$SEKISHO" user show erin --json | pyjson 'assert d["mfa_devices"] == 1, d' || fail "erin's MFA reset before approval"
expect_rc 3 "$SEKISHO" user grant frank admin --until +8h
expect_rc 0 "$SEKISHO" approvals list
[ "$(grep -c pending "$T/out")" -eq 3 ] || { cat "$T/out"; fail "3 pending requests expected"; }
ID_FRANK=$(awk '$3 == "grant_admin" && $4 == "frank" && $2 == "pending" {print $1; exit}' "$T/out")
ID_ERIN=$(awk '$3 == "reset_admin_mfa" {print $1}' "$T/out")
ok

# Approving needs --as, and the approver's password and a fresh code.
expect_rc 2 "$SEKISHO" approvals approve "$ID_ERIN"
# erin may not approve a request about herself: told before any password is asked.
expect_rc 1 "$SEKISHO" --as erin approvals approve "$ID_ERIN" </dev/null
contains "$T/out" "different administrator"
lacks "$T/out" "Password"
# A wrong approver password decides nothing; nor does the right one with a wrong code.
expect_rc 1 drive '[["Password", "not-the-password"], ["One-time code", "000000"]]' --as admin approvals approve "$ID_ERIN"
contains "$T/out" "nothing was decided"
export CODE=$(oathtool --totp -b --now "@$(( $(date +%s) + 30 ))" "$ADMIN_KEY")
BAD=$(echo "$CODE" | awk '{ printf "%06d", ($1 + 1) % 1000000 }')
export BAD
expect_rc 1 drive '[["Password", "{PW1}"], ["One-time code", "{BAD}"]]' --as admin approvals approve "$ID_ERIN"
contains "$T/out" "nothing was decided"
"$SEKISHO" user show erin --json | pyjson 'assert d["mfa_devices"] == 1, d' || fail "decided without authentication"
# admin approves with password and code: erin's devices are removed.
expect_rc 0 drive '[["Password", "{PW1}"], ["One-time code", "{CODE}"]]' --as admin approvals approve "$ID_ERIN"
contains "$T/out" "approved and carried out"
# That code is spent: the same code cannot approve again (replay).
expect_rc 1 drive '[["Password", "{PW1}"], ["One-time code", "{CODE}"]]' --as admin approvals approve "$ID_FRANK"
contains "$T/out" "already used"
"$SEKISHO" user show frank --json | pyjson 'assert d["role"] == "user", d' || fail "approved with a used code"
"$SEKISHO" user show erin --json | pyjson 'assert d["mfa_devices"] == 0, d' || fail "approved reset not carried out"
# Decided requests cannot be decided again; an unknown id is refused.
expect_rc 1 "$SEKISHO" --as admin approvals reject "$ID_ERIN" </dev/null
expect_rc 2 "$SEKISHO" --as admin approvals approve abc
ok

# The log holds the story, and the chain verifies.
expect_rc 0 "$SEKISHO" audit verify
contains "$T/out" "ok "
N=$(sed -n 's/^ok \([0-9]*\) events$/\1/p' "$T/out")
[ "$N" -gt 20 ] || fail "expected more than 20 audit events, got $N"
"$SEKISHO" audit export >"$T/audit.jsonl"
[ "$(wc -l <"$T/audit.jsonl")" -eq "$N" ] || fail "export line count"
python3 - "$T/audit.jsonl" <<'PY' || fail "audit export content"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
actions = [e["action"] for e in ev]
for a in ["user.create", "signin.password", "password.change", "mfa.enroll", "signin.ok",
          "approval.request", "approval.approve", "approval.execute", "mfa.reset"]:
    assert a in actions, (a, sorted(set(actions)))
assert [e["seq"] for e in ev] == list(range(1, len(ev) + 1))
assert all(len(e["hash"]) == 64 for e in ev)
assert all(e["time"].endswith("Z") for e in ev)
# No secret in the log: the passwords used in this test never appear.
text = open(sys.argv[1]).read()
for secret in ["Tani-no-Mizu-45r", "Umi-no-Iro-27p", "Sora-no-Ao-63d", "not-the-password"]:
    assert secret not in text, secret
PY
ok
"$SEKISHO" audit export --since 2000-01-01 | wc -l | grep -qx "$N" || fail "--since"
[ "$("$SEKISHO" audit export --since @4102444800 | wc -l)" -eq 0 ] || fail "--since future"
ok

# Tampering: change one event's detail with sqlite3 -> verify names it.
cp "$SEKISHO_DB" "$T/pristine.db"
sqlite3 "$SEKISHO_DB" "UPDATE audit SET actor = 'someone-else' WHERE seq = 7"
expect_rc 1 "$SEKISHO" audit verify
contains "$T/out" "BROKEN at event 7"
# Deleting an event is found too.
cp "$T/pristine.db" "$SEKISHO_DB"
sqlite3 "$SEKISHO_DB" "DELETE FROM audit WHERE seq = 5"
expect_rc 1 "$SEKISHO" audit verify
contains "$T/out" "BROKEN at event 5"
# A forged event appended without the key is found.
cp "$T/pristine.db" "$SEKISHO_DB"
sqlite3 "$SEKISHO_DB" "INSERT INTO audit SELECT seq + 1, ts, actor, action, target, addr, result, detail, hash, hash FROM audit WHERE seq = (SELECT max(seq) FROM audit)"
expect_rc 1 "$SEKISHO" audit verify
contains "$T/out" "BROKEN at event $((N + 1))"
done_ok
