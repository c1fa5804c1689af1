#!/bin/sh
# `sekisho login` in a real pseudo-terminal: forced change of the issued
# password (weak one refused), enrollment from the setup key on the screen
# with two consecutive codes from oathtool, recovery codes, sign-in with a
# code, the same code refused, recovery-code sign-in, lockout and unlock,
# administrator MFA reset and re-enrollment.  Also the piped mode.
. "$(dirname "$0")/lib.sh"

"$SEKISHO" init >"$T/out" 2>&1 || fail "init"
export PW0="$(initial_password)"
export PW1="Yama-no-Oto-58t"
export SEKISHO_KEY_OUT="$T/key" SEKISHO_CODE_OUT="$T/code"

# First sign-in: the whole journey.
drive '[["Password", "{PW0}"],
        ["initial password", null],
        ["Current password", "{PW0}"], ["New password", "Password1234"], ["Confirm", "Password1234"],
        ["easy to guess", null],
        ["Current password", "{PW0}"], ["New password", "{PW1}"], ["Confirm", "{PW1}"],
        ["Password changed", null],
        ["\u2588\u2588\u2588", null],
        ["Code 1", "000000"], ["Code 2", "000000"], ["did not match", null],
        ["Code 1", "{code1}"], ["Code 2", "{code2}"],
        ["Device added", null], ["Recovery codes", null],
        ["Signed in as admin", null]]' login admin >"$T/first" || { cat "$T/first"; fail "first sign-in"; }
ok
KEY=$(cat "$T/key")
[ ${#KEY} -eq 32 ] || fail "setup key should be 160 bits in Base32"
# The QR code on the screen scans (zbarimg) to the key URI an app expects.
URI=$(python3 "$HERE/qr_decode.py" "$T/first") || fail "QR code does not scan"
[ "$URI" = "otpauth://totp/Sekisho:admin?secret=$KEY&issuer=Sekisho&algorithm=SHA1&digits=6&period=30" ] \
	|| fail "QR code holds '$URI'"
ok
# Secrets typed at a no-echo prompt never reach the screen.
lacks "$T/first" "$PW1"
lacks "$T/first" "$PW0"
grep -Eo '^  [0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}' "$T/first" \
	| tr -d ' \r' >"$T/codes"
[ "$(wc -l <"$T/codes")" -eq 10 ] || { cat "$T/first"; fail "10 recovery codes expected"; }
ok
"$SEKISHO" user show admin --json | pyjson 'assert d["mfa_devices"] == 1 and d["recovery_codes_left"] == 10 and not d["must_change_password"], d' \
	|| fail "state after enrollment"
ok

# Second sign-in.  The code that completed the enrollment is spent; the
# next one (within the +-1 step window) signs in.
expect_rc 1 sh -c 'printf "%s\n%s\n" "$PW1" "$(cat "$0")" | "$SEKISHO" login admin' "$T/code"
contains "$T/out" "already used"
export CODE=$(oathtool --totp -b --now "@$(( $(date +%s) + 30 ))" "$KEY")
drive '[["Password", "{PW1}"], ["Verification code", "{CODE}"], ["Signed in as admin", null]]' \
	login admin >"$T/out" || { cat "$T/out"; fail "sign-in with a code"; }
ok
set +e
drive '[["Password", "{PW1}"], ["Verification code", "{CODE}"], ["already used", null],
        ["Verification code", ""]]' \
	login admin >"$T/out"
rc=$?
set -e
[ $rc -eq 1 ] || { cat "$T/out"; fail "replayed code accepted (exit $rc)"; }
ok

# A recovery code works once.
export RC1=$(head -1 "$T/codes")
drive '[["Password", "{PW1}"], ["Verification code", "{RC1}"], ["Signed in as admin with a recovery code", null]]' \
	login admin >"$T/out" || { cat "$T/out"; fail "recovery code sign-in"; }
ok
"$SEKISHO" user show admin --json | pyjson 'assert d["recovery_codes_left"] == 9, d' || fail "recovery count"
printf '%s\n%s\n' "$PW1" "$RC1" | "$SEKISHO" login admin >"$T/out" 2>&1 && fail "recovery code reused"
ok

# Lockout: three wrong passwords from one place lock it, with the retry time.
"$SEKISHO" user add carol --password-stdin >/dev/null 2>&1 <<EOF2
Hoshi-no-Kage-31z
EOF2
for i in 1 2 3; do
	printf 'wrong-password-%s\n' $i | "$SEKISHO" login carol >"$T/out" 2>&1 && fail "wrong password accepted"
done
contains "$T/out" "try again after"
printf 'Hoshi-no-Kage-31z\n' | "$SEKISHO" login carol >"$T/out" 2>&1 && fail "locked account signed in"
contains "$T/out" "try again after"
# The same for a user that does not exist: no difference to see.
for i in 1 2 3; do
	printf 'wrong-password-%s\n' $i | "$SEKISHO" login nosuchuser >"$T/out2" 2>&1 && fail "unknown user signed in"
done
contains "$T/out2" "try again after"
"$SEKISHO" inventory --format json | pyjson 'f={u["name"]:u["flags"] for u in d}; assert "locked" not in f["carol"], f' \
	|| fail "per-address throttle must not lock the account itself"
ok
# An administrator unlocks; the right password then works (must change it: given by admin).
expect_rc 0 "$SEKISHO" user unlock carol
drive '[["Password", "Hoshi-no-Kage-31z"], ["Current password", "Hoshi-no-Kage-31z"],
        ["New password", "Kumo-no-Ue-92w"], ["Confirm", "Kumo-no-Ue-92w"], ["Code 1", "{code1}"],
        ["Code 2", "{code2}"], ["Signed in as carol", null]]' login carol >"$T/out" \
	|| { cat "$T/out"; fail "sign-in after unlock"; }
ok

# Piped answers work for scripts (no prompts, same rules): carol's next code.
printf '%s\n%s\n' "Kumo-no-Ue-92w" "$(oathtool --totp -b --now "@$(( $(date +%s) + 30 ))" "$(cat "$T/key")")" \
	| "$SEKISHO" login carol >"$T/out" 2>&1 || { cat "$T/out"; fail "piped sign-in"; }
contains "$T/out" "Signed in as carol"

# B8: the administrator resets carol's MFA; she enrolls again with a new key.
OLDKEY=$(cat "$T/key")
expect_rc 0 "$SEKISHO" mfa reset carol
contains "$T/out" "enrolls again"
"$SEKISHO" user show carol --json | pyjson 'assert d["mfa_devices"] == 0 and d["recovery_codes_left"] == 0' || fail "mfa reset"
drive '[["Password", "Kumo-no-Ue-92w"], ["Code 1", "{code1}"], ["Code 2", "{code2}"], ["Recovery codes", null],
        ["Signed in as carol", null]]' login carol >"$T/out" || { cat "$T/out"; fail "re-enrollment"; }
[ "$(cat "$T/key")" != "$OLDKEY" ] || fail "re-enrollment reused the old key"
ok

# B5: leaving the enrollment (end of input) abandons it; the next visit shows a new key.
"$SEKISHO" user add dave --password-stdin >/dev/null 2>&1 <<EOF2
Kaze-no-Uta-64m
EOF2
"$SEKISHO" user expire dave never >/dev/null
expect_rc 1 drive '[["Password", "Kaze-no-Uta-64m"], ["Current password", "Kaze-no-Uta-64m"], ["New password", "Mori-no-Koe-83k"],
        ["Confirm", "Mori-no-Koe-83k"], ["Code 1", "<EOF>"]]' login dave
K1=$(cat "$T/key")
drive '[["Password", "Mori-no-Koe-83k"], ["Code 1", "{code1}"], ["Code 2", "{code2}"], ["Signed in as dave", null]]' \
	login dave >"$T/out" || { cat "$T/out"; fail "enrollment after abandoning"; }
[ "$(cat "$T/key")" != "$K1" ] || fail "abandoned enrollment key shown again"
"$SEKISHO" mfa list dave >"$T/out"
[ "$(grep -c active "$T/out")" -eq 1 ] && ! grep -q pending "$T/out" || { cat "$T/out"; fail "abandoned device left behind"; }
ok

expect_rc 0 "$SEKISHO" audit verify
done_ok
