#!/bin/sh
# Produces audit.jsonl: the audit log of a real Sekisho, written by the real
# CLI (`sekisho audit export`), after sign-ins in a pseudo-terminal (the
# integration tests' pty_driver.py with oathtool codes), wrong passwords, an
# unknown user, and an administrator disabling, enabling, expiring, deleting
# an account and resetting a second factor.  Run from the repository after
# `make all`; needs python3 and oathtool.  Times and hashes differ per run.
set -eu
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
OUT=$(cd "$(dirname "$0")" && pwd)
SEKISHO=${SEKISHO:-"$ROOT/build/sekisho"}
T=$(mktemp -d /tmp/sekisho-sample.XXXXXX)
trap 'rm -rf "$T"' EXIT INT TERM
export SEKISHO_DB="$T/db/sekisho.db"
unset SEKISHO_CONFIG SEKISHO_ADMIN
drive() { script=$1; shift; python3 "$ROOT/tests/integration/pty_driver.py" "$script" "$SEKISHO" "$@"; }

"$SEKISHO" init >"$T/init" 2>&1
printf 'Kawa-no-Nagare-77q\n' | "$SEKISHO" user add alice --email alice@example.com --password-stdin >/dev/null
printf 'Hoshi-no-Kage-31z\n' | "$SEKISHO" user add bob --password-stdin >/dev/null
# alice: first sign-in (change the issued password, enrol a device), then two
# wrong passwords; someone tries a name that does not exist.
drive '[["Password", "Kawa-no-Nagare-77q"], ["Current password", "Kawa-no-Nagare-77q"],
        ["New password", "Yama-no-Oto-58t"], ["Confirm", "Yama-no-Oto-58t"], ["Code 1", "{code1}"],
        ["Code 2", "{code2}"], ["Signed in as alice", null]]' login alice >"$T/alice"
for pw in Yama-no-Oto-58x Kawa-no-Nagare-77q; do
	printf '%s\n' $pw | "$SEKISHO" login alice >/dev/null 2>&1 || true
done
printf 'password123\n' | "$SEKISHO" login administrator >/dev/null 2>&1 || true
# The administrator: bob disabled, enabled, given an expiry date, deleted;
# alice's second factor reset (she must enrol again).
"$SEKISHO" user disable bob >/dev/null
"$SEKISHO" user enable bob >/dev/null
"$SEKISHO" user expire bob 2030-01-31 >/dev/null
"$SEKISHO" mfa reset alice >/dev/null
"$SEKISHO" user delete bob >/dev/null
"$SEKISHO" audit export >"$OUT/audit.jsonl"
"$SEKISHO" audit verify
