#!/bin/sh
# Produces real-sshd-9.2.log and real-sshd-9.2.devlog from Debian's sshd on
# loopback (run as root; nothing outside a temporary directory is changed).
#
# sshd runs in a private mount namespace whose /dev is a small tmpfs with
# null, zero, urandom and a "log" symlink to a datagram socket that a Python
# listener reads: every syslog(3) datagram sshd and pam_unix send is kept
# byte for byte (.devlog: "<pri>Mmm dd hh:mm:ss prog[pid]: msg", no host,
# as sent on /dev/log) and also written the way rsyslog writes a file
# (.log: "Mmm dd hh:mm:ss HOST prog[pid]: msg").  The same sshd run with
# -E FILE gives the bare lines of an sshd -E file (.E).  PAM is pam_unix
# through pam_wrapper, so /etc/pam.d is not touched.
#
# Logins: root with an authorized key (Accepted publickey, Disconnected),
# root with a wrong password (pam_unix authentication failure, Failed
# password), a user that does not exist, one whose name has spaces, and a
# key that is not authorized (Connection closed by authenticating user).
set -eu
OUT=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d /tmp/realsshd.XXXXXX)
LPID=
DPID=
cleanup() {
	for p in $DPID $LPID; do kill "$p" 2>/dev/null || true; done
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
WRAPPER=$(pkg-config --libs pam_wrapper | tr -d ' ')
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
HOST=${SYSLOG_HOST:-gate}

python3 - "$T/log.sock" "$T/devlog" "$T/rsyslog" "$HOST" <<'PY' &
import os, socket, sys
sock, raw, cooked, host = sys.argv[1:5]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sock); os.chmod(sock, 0o666)
with open(raw, "ab", buffering=0) as r, open(cooked, "ab", buffering=0) as c:
    while True:
        d = s.recv(65536).rstrip(b"\n")
        r.write(d + b"\n")
        # rsyslog's traditional file format: drop <pri>, insert the host.
        body = d[d.index(b">") + 1:] if d.startswith(b"<") else d
        c.write(body[:15] + b" " + host.encode() + body[15:] + b"\n")
PY
LPID=$!
mkdir -p "$T/pam.d" "$T/ssh"
ssh-keygen -q -t ed25519 -N '' -C host -f "$T/ssh/host_key"
ssh-keygen -q -t ed25519 -N '' -C client -f "$T/ssh/id"
ssh-keygen -q -t ed25519 -N '' -C stranger -f "$T/ssh/other"
cp "$T/ssh/id.pub" "$T/ssh/authorized_keys"
cat >"$T/pam.d/sshd" <<PAM
auth     required pam_unix.so
account  required pam_permit.so
password required pam_deny.so
session  required pam_unix.so
PAM
printf 'auth required pam_deny.so\naccount required pam_deny.so\n' >"$T/pam.d/other"
cat >"$T/ssh/sshd_config" <<CFG
Port $PORT
ListenAddress 127.0.0.1
HostKey $T/ssh/host_key
PidFile $T/ssh/sshd.pid
AuthorizedKeysFile $T/ssh/authorized_keys
StrictModes no
UsePAM yes
PermitRootLogin yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
PubkeyAuthentication yes
CFG
[ -d /run/sshd ] || mkdir -m 0755 /run/sshd
i=0; while [ ! -S "$T/log.sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done

# $1: extra sshd options.  /dev inside the namespace: null, zero, urandom, log.
start_sshd() {
	unshare -m sh -c '
		mount --make-rprivate /
		mkdir -p "$1/dev"
		mount -t tmpfs -o mode=0755 none "$1/dev"
		for n in null zero urandom random; do
			touch "$1/dev/$n"; mount --bind /dev/$n "$1/dev/$n"
		done
		ln -s "$1/log.sock" "$1/dev/log"
		mount --bind "$1/dev" /dev
		shift
		exec env LD_PRELOAD="$WRAPPER" PAM_WRAPPER=1 PAM_WRAPPER_USE_SYSLOG=1 \
			PAM_WRAPPER_SERVICE_DIR="$T/pam.d" \
			/usr/sbin/sshd -D -f "$T/ssh/sshd_config" "$@"
	' sh "$T" "$@" &
	DPID=$!
	i=0
	while ! ssh-keyscan -p "$PORT" 127.0.0.1 >/dev/null 2>&1 && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
}
export T WRAPPER
SSH="ssh -F /dev/null -p $PORT -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no -o ConnectTimeout=5 -o LogLevel=ERROR"
logins() {
	$SSH -i "$T/ssh/id" -o IdentitiesOnly=yes -o BatchMode=yes root@127.0.0.1 true || true
	SSHPASS=wrong-1 sshpass -e $SSH -o PubkeyAuthentication=no -o NumberOfPasswordPrompts=2 \
		root@127.0.0.1 true || true
	SSHPASS=wrong-2 sshpass -e $SSH -o PubkeyAuthentication=no -o NumberOfPasswordPrompts=1 \
		nosuchuser@127.0.0.1 true || true
	SSHPASS=wrong-3 sshpass -e $SSH -o PubkeyAuthentication=no -o NumberOfPasswordPrompts=1 \
		-l 'admin from 10.9.9.9 port 22' 127.0.0.1 true || true
	$SSH -i "$T/ssh/other" -o IdentitiesOnly=yes -o BatchMode=yes root@127.0.0.1 true || true
	sleep 1
}
# The PAM messages of pam_unix go to syslog even with -E: keep only the first run's.
start_sshd
logins
kill $DPID; wait $DPID 2>/dev/null || true
sleep 0.5
cp "$T/rsyslog" "$OUT/real-sshd-9.2.log"
cp "$T/devlog" "$OUT/real-sshd-9.2.devlog"
start_sshd -E "$T/sshd.E"
logins
kill $DPID; wait $DPID 2>/dev/null || true
DPID=
cp "$T/sshd.E" "$OUT/real-sshd-9.2.E"
