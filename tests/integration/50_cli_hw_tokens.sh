#!/bin/sh
# Hardware tokens (B2): an administrator assigns a TOTP token and an HOTP
# (event) token by typing the secret from the vendor's seed file, confirmed
# with two codes; the user then signs in with the token's codes (computed by
# oathtool, standing in for the token), replays are refused, and HOTP
# look-ahead resynchronises after unused presses.
. "$(dirname "$0")/lib.sh"

"$SEKISHO" init >/dev/null 2>&1 || fail "init"
printf 'Hashi-no-Ue-55b\n' | "$SEKISHO" user add kenji --password-stdin >/dev/null 2>&1 || fail "add kenji"
printf 'Hashi-no-Ue-55b\n' | "$SEKISHO" user add yuki --password-stdin >/dev/null 2>&1 || fail "add yuki"
# Password given by the administrator: each user changes it first (piped).
for u in kenji yuki; do
	printf 'Hashi-no-Ue-55b\nHashi-no-Ue-55b\nNami-no-Oto-29c\nNami-no-Oto-29c\n' | "$SEKISHO" login $u >"$T/out" 2>&1 && fail "$u signed in without a device"
	"$SEKISHO" user show $u --json | pyjson 'assert not d["must_change_password"], d' || { cat "$T/out"; fail "$u password change"; }
done
ok

# TOTP token, lower case and spaced secret as printed on a seed sheet.
SECRET=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
SHEET="gezd gnbv gy3t qojq gezd gnbv gy3t qojq"
NOW=$(date +%s)
# Wrong codes first: refused, nothing added.
printf '%s\n000000\n000000\n' "$SHEET" | "$SEKISHO" mfa add kenji --type totp-token --name desk-token >"$T/out" 2>&1 \
	&& fail "token added with wrong codes"
"$SEKISHO" mfa list kenji >"$T/out"
lacks "$T/out" "active"
printf '%s\n%s\n%s\n' "$SHEET" "$(oathtool --totp -b --now "@$((NOW - 30))" $SECRET)" "$(oathtool --totp -b --now "@$NOW" $SECRET)" \
	| "$SEKISHO" mfa add kenji --type totp-token --name desk-token >"$T/out" 2>&1 || { cat "$T/out"; fail "totp token"; }
contains "$T/out" "device 'desk-token' (totp-token) added"
"$SEKISHO" mfa list kenji >"$T/out"
contains "$T/out" "desk-token"
contains "$T/out" "totp-token"
# Too short a secret is refused with the reason.
printf 'GEZDGNBV\n' | "$SEKISHO" mfa add kenji --type totp-token --name short >"$T/out" 2>&1 && fail "short secret"
contains "$T/out" "at least 80 bits"
# So is a secret that is not Base32 (an 8 and a 1), saying so.
printf 'GEZDGNBVGY3TQOJ8GEZDGNBVGY3TQOJ1\n' | "$SEKISHO" mfa add kenji --type totp-token --name bad >"$T/out" 2>&1 && fail "not base32"
contains "$T/out" "not Base32"
# A bad device name (B1 rules) is refused.
expect_rc 2 "$SEKISHO" mfa add kenji --name "bad name!"
contains "$T/out" "A-Z a-z 0-9"
# kenji signs in with the token's next code; the same code again is refused.
CODE=$(oathtool --totp -b --now "@$((NOW + 30))" $SECRET)
printf 'Nami-no-Oto-29c\n%s\n' "$CODE" | "$SEKISHO" login kenji >"$T/out" 2>&1 || { cat "$T/out"; fail "sign-in with totp token"; }
printf 'Nami-no-Oto-29c\n%s\n' "$CODE" | "$SEKISHO" login kenji >"$T/out" 2>&1 && fail "token code replayed"
contains "$T/out" "already used"

# HOTP token: two presses (counters 0, 1) to enroll.
HSECRET=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
hotp() { oathtool --hotp -b -c "$1" $HSECRET; }
printf '%s\n%s\n%s\n' $HSECRET "$(hotp 0)" "$(hotp 1)" | "$SEKISHO" mfa add yuki --type hotp-token >"$T/out" 2>&1 \
	|| { cat "$T/out"; fail "hotp token"; }
contains "$T/out" "Press the button again"
printf 'Nami-no-Oto-29c\n%s\n' "$(hotp 2)" | "$SEKISHO" login yuki >"$T/out" 2>&1 || { cat "$T/out"; fail "hotp sign-in"; }
# Used and earlier counters never work again; a press skipped ahead does.
printf 'Nami-no-Oto-29c\n%s\n' "$(hotp 1)" | "$SEKISHO" login yuki >"$T/out" 2>&1 && fail "old hotp counter"
printf 'Nami-no-Oto-29c\n%s\n' "$(hotp 6)" | "$SEKISHO" login yuki >"$T/out" 2>&1 || { cat "$T/out"; fail "hotp look-ahead"; }
printf 'Nami-no-Oto-29c\n%s\n' "$(hotp 5)" | "$SEKISHO" login yuki >"$T/out" 2>&1 && fail "hotp counter behind the last used"
ok

# The assignment is in the audit log with the administrator as actor.
"$SEKISHO" audit export | python3 -c '
import json, sys
ev = [json.loads(l) for l in sys.stdin]
a = [e for e in ev if e["action"] == "mfa.assign"]
assert len(a) == 2 and all(e["actor"].startswith("local:") for e in a), a
assert {e["target"] for e in a} == {"kenji", "yuki"}' || fail "mfa.assign audit"
expect_rc 0 "$SEKISHO" audit verify
done_ok
