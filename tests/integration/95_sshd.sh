#!/bin/sh
# A real transit server (F1, F2): Debian's sshd on a free loopback port with
# its own host key and sshd_config in $T, UsePAM yes and
# AuthenticationMethods publickey,keyboard-interactive, whose PAM "sshd"
# service is pam_sekisho.so.  /etc/pam.d is not touched: sshd runs under
# pam_wrapper (LD_PRELOAD), which makes libpam read the service files from
# $T/pam.d.  A real client (ssh with a generated key, sshpass typing the
# code from oathtool at the keyboard-interactive prompt) logs in as the user
# running the test and runs `echo ok`.
#
# Asserts: the key alone is not enough (no code: refused); key + right code
# -> `echo ok` runs; a wrong code -> refused; the same code again -> refused
# (replay); the audit log shows signin.ok and the session opened and closed
# with service sshd and the client's address; sshd's own log shows the two
# methods.  Runs as root (PermitRootLogin yes for this sshd only) or as any
# other user whose account has a login shell (allowed_uids gets its uid).
#
# Under SAN=1 sekishod runs with ASan+UBSan, but the module inside sshd is
# the ordinary build: sshd is not built with ASan, so an ASan module cannot
# be loaded into it.  That one combination is skipped, and said so.
. "$(dirname "$0")/lib.sh"

SEKISHOD=${SEKISHOD:-"$HERE/../../build/sekishod"}
PAM_SEKISHO=${PAM_SEKISHO:-"$HERE/../../build/pam_sekisho.so"}
SSHD=${SSHD:-/usr/sbin/sshd}
[ -x "$SEKISHOD" ] || fail "no $SEKISHOD (run make all, or set SEKISHOD)"
for tool in oathtool ssh ssh-keygen sshpass; do
	command -v $tool >/dev/null || fail "$tool is needed (scripts/deps.sh)"
done
[ -x "$SSHD" ] || fail "no $SSHD (scripts/deps.sh installs openssh-server)"
WRAPPER=$(pkg-config --libs pam_wrapper 2>/dev/null | tr -d " ")
[ -f "$WRAPPER" ] || fail "libpam_wrapper.so not found (scripts/deps.sh installs libpam-wrapper)"
if [ "${SAN:-0}" = 1 ]; then
	PLAIN="$HERE/../../build/pam_sekisho.so"
	if [ ! -f "$PLAIN" ]; then
		echo "SKIP: pam_sekisho.so under ASan inside sshd (sshd is not built with ASan) and no"
		echo "SKIP: ordinary build/pam_sekisho.so to use instead: run make first ($(basename "$0"); not a pass)"
		exit 0
	fi
	echo "note: skipped combination: the ASan build of pam_sekisho.so inside sshd (sshd is not"
	echo "note: built with ASan); using the ordinary module with sekishod under ASan+UBSan"
	PAM_SEKISHO=$PLAIN
fi
[ -f "$PAM_SEKISHO" ] || fail "no $PAM_SEKISHO (run make)"

ME=$(id -un)
SOCK="$T/run/pam.sock"
SPID=
DPID=
stop_all() {
	for p in $DPID $SPID; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	DPID=
	SPID=
}
# Under SAN=1 a leak or UB report of sekishod lands in its log at exit.
no_sanitizer_report() {
	if grep -qE "Sanitizer|runtime error" "$T/sekishod.log"; then
		cat "$T/sekishod.log" >&2
		fail "sanitizer report from sekishod"
	fi
	ok
}
trap 'stop_all; rm -rf "$T"' EXIT INT TERM

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for FILE TEXT PID: polls (at most 10 s) until FILE contains TEXT.
wait_for() {
	i=0
	while [ $i -lt 100 ]; do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		kill -0 "$3" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	cat "$1" >&2
	fail "no '$2' in $1 within 10 s"
}

# --- sekishod with its socket; the account and its token ----------------------
mkdir -p "$T/var" "$T/pam.d" "$T/ssh"
cat >"$T/lib.conf" <<EOF
[storage]
database = $SEKISHO_DB
key_file = $T/var/sekisho.key
audit_log = $T/audit.jsonl
[mfa]
window = 2
EOF
{ cat "$T/lib.conf"; printf '[pam]\nsocket = %s\nallowed_uids = %s\n' "$SOCK" "$(id -u)"; } >"$T/sekishod.conf"
export SEKISHO_CONFIG="$T/lib.conf"

SECRET=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
S0=$(( $(date +%s) / 30 * 30 ))
NEXT=$((S0 + 60))
code() { oathtool --totp -b -N "@$1" $SECRET; }
"$SEKISHO" init >/dev/null 2>&1 || fail "init"
printf 'Kawa-no-Nagare-77q\n' | "$SEKISHO" user add "$ME" --password-stdin >/dev/null 2>&1 \
	|| fail "no Sekisho account for $ME"
printf '%s\n%s\n%s\n' $SECRET "$(code $S0)" "$(code $((S0 + 30)))" \
	| "$SEKISHO" mfa add "$ME" --type totp-token --name token >"$T/out" 2>&1 \
	|| { cat "$T/out" >&2; fail "token for $ME"; }

"$SEKISHOD" --config "$T/sekishod.conf" --port "$(free_port)" >"$T/sekishod.log" 2>&1 &
SPID=$!
wait_for "$T/sekishod.log" "listening on" $SPID
[ -S "$SOCK" ] || fail "no socket $SOCK"
ok

# --- sshd --------------------------------------------------------------------
ssh-keygen -q -t ed25519 -N '' -C host -f "$T/ssh/host_key" || fail "host key"
ssh-keygen -q -t ed25519 -N '' -C client -f "$T/ssh/id" || fail "client key"
cp "$T/ssh/id.pub" "$T/ssh/authorized_keys"
cat >"$T/pam.d/sshd" <<EOF
auth     required $PAM_SEKISHO socket=$SOCK debug
account  required pam_permit.so
password required pam_deny.so
session  required $PAM_SEKISHO socket=$SOCK
EOF
printf 'auth required pam_deny.so\naccount required pam_deny.so\n' >"$T/pam.d/other"
if [ "$(id -u)" -eq 0 ]; then
	ROOTLOGIN="PermitRootLogin yes"
	# What Debian's ssh.service does at start (RuntimeDirectory): sshd's privsep chroot.
	[ -d /run/sshd ] || mkdir -m 0755 /run/sshd
else
	ROOTLOGIN=""
fi

start_sshd() {
	for attempt in 1 2 3 4 5; do
		PORT=$(free_port)
		cat >"$T/ssh/sshd_config" <<EOF
Port $PORT
ListenAddress 127.0.0.1
HostKey $T/ssh/host_key
PidFile $T/ssh/sshd.pid
AuthorizedKeysFile $T/ssh/authorized_keys
StrictModes no
UsePAM yes
PubkeyAuthentication yes
KbdInteractiveAuthentication yes
PasswordAuthentication no
AuthenticationMethods publickey,keyboard-interactive
$ROOTLOGIN
LogLevel VERBOSE
EOF
		: >"$T/sshd.log"
		LD_PRELOAD="${LD_PRELOAD:+$LD_PRELOAD }$WRAPPER" PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$T/pam.d" \
			"$SSHD" -D -e -f "$T/ssh/sshd_config" >>"$T/sshd.log" 2>&1 &
		DPID=$!
		i=0
		while [ $i -lt 100 ]; do
			grep -q "Server listening on" "$T/sshd.log" && return 0
			grep -q "Address already in use" "$T/sshd.log" && break
			kill -0 "$DPID" 2>/dev/null || break
			sleep 0.1
			i=$((i + 1))
		done
		grep -q "Address already in use" "$T/sshd.log" || { cat "$T/sshd.log" >&2; fail "sshd did not start"; }
		kill "$DPID" 2>/dev/null || true
		wait "$DPID" 2>/dev/null || true
	done
	fail "sshd found no free port in 5 attempts"
}
start_sshd
printf '[127.0.0.1]:%s %s\n' "$PORT" "$(cat "$T/ssh/host_key.pub")" >"$T/ssh/known_hosts"
ok

# login CODE: ssh with the key, sshpass typing CODE at "Verification code:".
# Output in $T/out; returns ssh's (or sshpass's) exit status.
login() {
	set +e
	SSHPASS="$1" sshpass -e -P "Verification code" \
		ssh -F /dev/null -p "$PORT" -i "$T/ssh/id" -o IdentitiesOnly=yes \
		-o UserKnownHostsFile="$T/ssh/known_hosts" -o StrictHostKeyChecking=yes \
		-o PreferredAuthentications=publickey,keyboard-interactive \
		-o NumberOfPasswordPrompts=1 -o ConnectTimeout=10 \
		"$ME@127.0.0.1" echo ok >"$T/out" 2>&1
	rc=$?
	set -e
	return $rc
}

# The key alone: without the code (BatchMode: nothing can be typed) refused.
set +e
ssh -F /dev/null -p "$PORT" -i "$T/ssh/id" -o IdentitiesOnly=yes -o BatchMode=yes \
	-o UserKnownHostsFile="$T/ssh/known_hosts" -o StrictHostKeyChecking=yes \
	"$ME@127.0.0.1" echo ok >"$T/out" 2>&1
rc=$?
set -e
[ $rc -ne 0 ] || fail "logged in with the key alone"
lacks "$T/out" "ok"
contains "$T/out" "Permission denied"

# A wrong code: refused.
login 000000 && fail "logged in with a wrong code"
lacks "$T/out" "ok"
ok

# Key and the right code: the command runs.
CODE=$(code $NEXT)
login "$CODE" || { cat "$T/out" "$T/sshd.log" >&2; fail "login with key and code"; }
[ "$(tr -d '\r' <"$T/out")" = ok ] || { cat "$T/out" >&2; fail "echo ok did not run"; }
ok
contains "$T/sshd.log" "Partial publickey for $ME"
contains "$T/sshd.log" "Accepted keyboard-interactive/pam for $ME"

# The same code again: replay, refused.
login "$CODE" && fail "a used code was accepted again"
lacks "$T/out" "ok"
ok

# The audit log: the sign-in and the session, with service and address.  The
# close is written when sshd ends the session, after the client has left:
# poll the JSON mirror for it (at most 10 s).
wait_for "$T/audit.jsonl" '"action":"session.close"' $SPID
"$SEKISHO" audit export >"$T/audit"
python3 - "$T/audit" "$ME" <<'EOF' || fail "audit events"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
me = sys.argv[2]
def of(action):
    return [e for e in ev if e["action"] == action and e["target"] == me]
ok = of("signin.ok")
assert len(ok) == 1 and ok[0]["detail"] == "external first factor, second factor", ok
assert ok[0]["addr"] == "127.0.0.1", ok
for a in ("session.open", "session.close"):
    s = of(a)
    assert len(s) == 1, (a, s)
    assert s[0]["addr"] == "127.0.0.1" and s[0]["detail"].startswith("service=sshd tty="), s
ext = of("signin.external")
assert ext and all(e["detail"].startswith("first factor: pam:sshd") for e in ext), ext
fails = [e for e in of("signin.mfa") if e["result"] == "fail"]
assert {e["detail"] for e in fails} == {"wrong code", "code already used"}, fails
EOF
ok
expect_rc 0 "$SEKISHO" audit verify

# sekisho-watch on what this sshd wrote (-E, LogLevel VERBOSE): three refused
# attempts (the key alone, a wrong code, a replayed code), each a "Failed"
# and/or "Connection closed by authenticating user" line of one connection,
# count three, not five; the sign-in is an administrator's from a terminal
# that is not an admin terminal (E6).
WATCH=$(dirname "$SEKISHO")/sekisho-watch
printf '[auth]\nbrute_failures = 3\n[admin]\nusers = %s\nterminals = 10.0.0.0/8\n' "$ME" >"$T/watch.conf"
rc=0; "$WATCH" --config "$T/watch.conf" sshd:"$T/sshd.log" >"$T/alerts" 2>"$T/watch.err" || rc=$?
[ $rc = 1 ] || { cat "$T/watch.err" >&2; fail "sekisho-watch exit $rc, not 1"; }
contains "$T/watch.err" "0 unparsed"
contains "$T/alerts" "\"rule\":\"auth.bruteforce\""
contains "$T/alerts" "\"count\":3,\"keys\":{\"user\":\"$ME\",\"source\":\"127.0.0.1\"}"
contains "$T/alerts" "\"rule\":\"admin.wrong_terminal\""
printf '[auth]\nbrute_failures = 4\n' >"$T/watch.conf"
rc=0; "$WATCH" --config "$T/watch.conf" sshd:"$T/sshd.log" >"$T/alerts" 2>"$T/watch.err" || rc=$?
[ $rc = 0 ] || { cat "$T/alerts" >&2; fail "three attempts counted as more than three"; }
ok
lacks "$T/sshd.log" "$CODE"
lacks "$T/sekishod.log" "$CODE"

stop_all
no_sanitizer_report

# The same again as an unprivileged user, when started as root: uid 65534
# under nss_wrapper, which gives it a passwd entry ("tester", a login shell, a
# home in /tmp) without touching /etc/passwd.  sekishod, sshd and the client
# then all run as that user, and [pam] allowed_uids is its uid.
if [ "$(id -u)" -eq 0 ] && [ -z "${SEKISHO_NONROOT:-}" ]; then
	NSSW=$(pkg-config --libs nss_wrapper 2>/dev/null | tr -d " ")
	if command -v setpriv >/dev/null && [ -f "$NSSW" ]; then
		H=$(mktemp -d /tmp/sekisho-nonroot.XXXXXX)
		trap 'stop_all; rm -rf "$T" "$H"' EXIT INT TERM
		printf 'tester:x:65534:65534:Sekisho test:%s:/bin/sh\n' "$H" >"$H/passwd"
		printf 'tester:x:65534:\n' >"$H/group"
		chown -R 65534:65534 "$H"
		chmod 0755 "$H"
		# Under SAN=1: nss_wrapper is preloaded before the ASan runtime of
		# sekisho and sekishod, which ASan accepts with verify_asan_link_order=0.
		echo "== $(basename "$0") again as uid 65534 (nss_wrapper user 'tester')"
		setpriv --reuid=65534 --regid=65534 --clear-groups env -i PATH=/usr/bin:/bin HOME="$H" \
			LD_PRELOAD="$NSSW" NSS_WRAPPER_PASSWD="$H/passwd" NSS_WRAPPER_GROUP="$H/group" \
			SEKISHO="$SEKISHO" SEKISHOD="$SEKISHOD" PAM_SEKISHO="$PAM_SEKISHO" SAN="${SAN:-0}" \
			ASAN_OPTIONS=verify_asan_link_order=0 SEKISHO_NONROOT=1 \
			sh "$HERE/$(basename "$0")" || fail "the non-root run failed"
		ok
	else
		echo "note: the non-root run needs setpriv and libnss-wrapper; not exercised (not counted)"
	fi
fi
done_ok
