#!/bin/sh
# sekisho-watch's alert sinks end to end (issue 5 "sinks"): the real binary
# on an sshd log that fires known alerts, with real receivers on the loopback
# (tests/integration/sink_receiver.c): the webhook's POST (JSON body, its
# Content-Type, the bearer header), retries on 5xx and none on 4xx, TLS
# verified (a self-signed certificate refused, accepted with webhook_ca), a
# dead or silent receiver that neither hangs the run nor holds up the reading
# of logs, every alert counted; syslog as RFC 5424 over a unix datagram socket
# and over UDP with the priority of each severity and facility; settings
# errors; the secret never on standard error.  Receivers report ready through
# a FIFO; runs are bounded with timeout(1).
. "$(dirname "$0")/lib.sh"

WATCH=${SEKISHO_WATCH:-$(dirname "$SEKISHO")/sekisho-watch}
RECV=${SINK_RECEIVER:-$(dirname "$SEKISHO")/tests/sink_receiver}
[ -x "$WATCH" ] || fail "no sekisho-watch at $WATCH"
[ -x "$RECV" ] || fail "no sink_receiver at $RECV (make $RECV)"
# A proxy from the environment must not carry the loopback POSTs.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
# Settings files that hold a webhook's secret must not be world-readable.
umask 077
RPID=
trap 'kill $RPID 2>/dev/null || true; rm -rf "$T"' EXIT INT TERM
SECRET="s3cr3t-$$-token"

# receive ARGS...: starts sink_receiver ARGS; $READY is its first line (the
# port, or "ready"), written once its socket is bound.
receive() {
	rm -f "$T/fifo"
	mkfifo "$T/fifo"
	"$RECV" "$@" >"$T/fifo" 2>"$T/recv.err" &
	RPID=$!
	READY=
	read -r READY <"$T/fifo" || true
	[ -n "$READY" ] || { cat "$T/recv.err" >&2; fail "sink_receiver $1 did not start"; }
}
# stop: SIGTERM; a datagram receiver first records what is queued.
stop() {
	kill -TERM "$RPID" 2>/dev/null || true
	wait "$RPID" || true
	RPID=
}
# watch RC ARGS...: sekisho-watch ARGS at most 60 s; alerts in $T/out, the rest in $T/err.
watch() {
	want=$1; shift
	rc=0
	timeout 60 "$WATCH" "$@" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" != 124 ] || fail "sekisho-watch still running after 60 s: $*"
	[ "$rc" = "$want" ] || { cat "$T/err" "$T/out" >&2; fail "exit $rc, not $want: $*"; }
	ok
}
requests() { grep -c '^POST /hook HTTP/1.1' "$T/req" 2>/dev/null || true; }

# 12 failed passwords for alice from one address: one auth.bruteforce (medium).
i=1
while [ $i -le 12 ]; do
	printf 'Nov 22 05:00:%02d gw sshd[%d]: Failed password for alice from 203.0.113.5 port %d ssh2\n' \
		$i $((100 + i)) $((40000 + i))
	i=$((i + 1))
done >"$T/auth.log"

# ---- webhook ----------------------------------------------------------------

# The POST: the alert's JSON (the same bytes as the JSON line), its
# Content-Type and the bearer header.  --webhook wins over the config's URL
# (a dead one here), the header comes from the config.
receive http "$T/req"
printf '[alerts]\nwebhook = http://127.0.0.1:1/dead\nwebhook_header = Authorization: Bearer %s\n' \
	"$SECRET" >"$T/w.conf"
watch 1 --config "$T/w.conf" --webhook "http://127.0.0.1:$READY/hook" sshd:"$T/auth.log"
[ "$(requests)" = 1 ] || { cat "$T/req"; fail "$(requests) POSTs for one alert"; }
tr -d '\r' <"$T/req" >"$T/req.txt"
contains "$T/req.txt" "Content-Type: application/json"
contains "$T/req.txt" "Authorization: Bearer $SECRET"
contains "$T/req.txt" "User-Agent: sekisho-watch"
grep '^{' "$T/req.txt" >"$T/body"
contains "$T/body" '"rule":"auth.bruteforce"'
cmp -s "$T/body" "$T/out" || { cat "$T/body" "$T/out"; fail "the POSTed JSON is not the alert line"; }
lacks "$T/err" "$SECRET"
lacks "$T/err" "webhook" # all delivered: nothing to report
stop

# 503 then 200: retried, delivered; the second POST is the same alert.
rm -f "$T/req"
receive http "$T/req" 503 200
watch 1 --config "$T/w.conf" --webhook "http://127.0.0.1:$READY/hook" sshd:"$T/auth.log"
[ "$(requests)" = 2 ] || fail "$(requests) POSTs, not 2 (one retry after 503)"
lacks "$T/err" "failed"
stop

# 404: not retried, counted as failed and reported.
rm -f "$T/req"
receive http "$T/req" 404
watch 1 --config "$T/w.conf" --webhook "http://127.0.0.1:$READY/hook" sshd:"$T/auth.log"
[ "$(requests)" = 1 ] || fail "$(requests) POSTs after a 404, not 1"
contains "$T/err" "0 delivered, 1 failed, 0 dropped (queue full), 0 not sent at exit (last error: HTTP 404)"
stop

# A closed port: no hang, the alert still on standard output, the failure
# counted on standard error, never the secret.
receive http "$T/req"
dead=$READY
stop
watch 1 --config "$T/w.conf" --webhook "http://127.0.0.1:$dead/hook" sshd:"$T/auth.log"
contains "$T/out" '"rule":"auth.bruteforce"'
contains "$T/err" "webhook http://127.0.0.1:$dead: 0 delivered, 1 failed"
contains "$T/err" "Couldn't connect to server"
lacks "$T/err" "$SECRET"
lacks "$T/err" "/hook"

# A receiver that takes the connection and never answers, with 300 alerts
# (one per account and source address): every alert is still written at once, the queue
# drops its oldest, the run ends within the webhook's 2 s drain, and each
# alert is counted exactly once.
i=1
while [ $i -le 300 ]; do
	j=1
	while [ $j -le 10 ]; do
		printf 'Nov 22 06:00:%02d gw sshd[%d]: Failed password for u%d from 198.18.%d.%d port 4%04d ssh2\n' \
			$j $((1000 + i * 10 + j)) $i $((i / 256)) $((i % 256)) $i
		j=$((j + 1))
	done
	i=$((i + 1))
done >"$T/many.log"
rm -f "$T/req"
receive http "$T/req" hang
printf '[alerts]\nwebhook_timeout = 2s\n' >"$T/hang.conf"
watch 1 --config "$T/hang.conf" --webhook "http://127.0.0.1:$READY/hook" sshd:"$T/many.log"
[ "$(grep -c '"rule":"auth.bruteforce"' "$T/out")" = 300 ] && [ "$(wc -l <"$T/out")" = 300 ] ||
	fail "not 300 alerts on standard output"
line=$(grep "webhook http://127.0.0.1:$READY:" "$T/err" | tail -n 1)
[ -n "$line" ] || { cat "$T/err"; fail "no webhook report"; }
set -- $(echo "$line" | sed 's/.*: \([0-9]*\) delivered, \([0-9]*\) failed, \([0-9]*\) dropped (queue full), \([0-9]*\) not sent at exit.*/\1 \2 \3 \4/')
[ $# = 4 ] || fail "cannot read the counts in: $line"
[ "$1" = 0 ] || fail "delivered to a receiver that never answers: $line"
[ "$3" -ge 43 ] || fail "fewer than 300 - 256 - 1 dropped: $line"
[ $(($1 + $2 + $3 + $4)) = 300 ] || fail "alerts not all counted: $line"
ok
stop

# TLS: a self-signed certificate is refused; with webhook_ca it is trusted.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
	-subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
	-keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1 || fail "openssl req"
rm -f "$T/req"
receive https "$T/cert.pem" "$T/key.pem" "$T/req"
watch 1 --webhook "https://127.0.0.1:$READY/hook" sshd:"$T/auth.log"
contains "$T/err" "0 delivered, 1 failed"
contains "$T/err" "certificate"
[ "$(requests)" = 0 ] || fail "a POST went to an unverified server"
printf '[alerts]\nwebhook_ca = %s\nwebhook_header = Authorization: Bearer %s\n' "$T/cert.pem" \
	"$SECRET" >"$T/ca.conf"
watch 1 --config "$T/ca.conf" --webhook "https://127.0.0.1:$READY/hook" sshd:"$T/auth.log"
[ "$(requests)" = 1 ] || { cat "$T/err"; fail "nothing POSTed over TLS with webhook_ca"; }
contains "$T/req" "Authorization: Bearer $SECRET"
lacks "$T/err" "webhook"
stop

# Settings errors: exit 2, saying what is wrong, never the secret.
watch 2 --webhook "ftp://127.0.0.1/$SECRET" sshd:"$T/auth.log"
contains "$T/err" "must start with https://"
lacks "$T/err" "$SECRET"
# A settings file every user can read is refused when it holds the secret.
printf '[alerts]\nwebhook_header = Authorization: Bearer %s\n' "$SECRET" >"$T/open.conf"
chmod 644 "$T/open.conf"
watch 2 --config "$T/open.conf" sshd:"$T/auth.log"
contains "$T/err" "every user can read it: chmod o-r"
lacks "$T/err" "$SECRET"
chmod 640 "$T/open.conf"
watch 1 --config "$T/open.conf" sshd:"$T/auth.log"
printf '[alerts]\nwebhook_header = Authorization Bearer %s\n' "$SECRET" >"$T/bad.conf"
watch 2 --config "$T/bad.conf" sshd:"$T/auth.log"
contains "$T/err" "bad.conf:2: [alerts] webhook_header: not a 'Name: value' header"
lacks "$T/err" "$SECRET"
printf '[alerts]\nwebhook_ca = %s/none.pem\n' "$T" >"$T/bad.conf"
watch 2 --config "$T/bad.conf" --webhook "https://127.0.0.1:1/hook" sshd:"$T/auth.log"
contains "$T/err" "none.pem: No such file"

# ---- syslog -----------------------------------------------------------------

# RFC 5424 lines on a unix datagram socket: authpriv (10) and warning (4)
# for a medium alert make <84>; the message is the alert's JSON line.
receive unix "$T/log.sock" "$T/dgram"
watch 1 --syslog "unix:$T/log.sock" sshd:"$T/auth.log"
stop
[ "$(wc -l <"$T/dgram")" = 1 ] || { cat "$T/dgram"; fail "not one syslog message"; }
grep -Eq '^<84>1 [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z [!-~]+ sekisho-watch [0-9]+ alert - \{"rule":"auth\.bruteforce"' \
	"$T/dgram" || { cat "$T/dgram"; fail "not an RFC 5424 line with <84>"; }
sed 's/^[^{]*//' "$T/dgram" >"$T/msg"
cmp -s "$T/msg" "$T/out" || { cat "$T/msg" "$T/out"; fail "the syslog MSG is not the alert line"; }
lacks "$T/err" "syslog"

# UDP, facility local3 (19) from the config: a trap account (critical, 2)
# makes <154>, the brute force (warning, 4) <156>.
receive udp "$T/udp"
printf '[alerts]\nsyslog = udp:127.0.0.1:%s\nsyslog_facility = local3\n[trap]\nusers = alice\n' \
	"$READY" >"$T/s.conf"
watch 1 --config "$T/s.conf" sshd:"$T/auth.log"
stop
contains "$T/udp" '<154>1 '
grep -q '^<154>1 .* sekisho-watch [0-9]* alert - {"rule":"auth.trap_account","severity":"critical"' \
	"$T/udp" || { cat "$T/udp"; fail "no critical trap alert at <154>"; }
grep -q '^<156>1 .* sekisho-watch [0-9]* alert - {"rule":"auth.bruteforce","severity":"medium"' \
	"$T/udp" || { cat "$T/udp"; fail "no medium brute-force alert at <156>"; }
ok

# Nobody on the socket: counted and reported, never fatal.
watch 1 --syslog "unix:$T/nobody.sock" sshd:"$T/auth.log"
contains "$T/out" '"rule":"auth.bruteforce"'
contains "$T/err" "syslog unix:$T/nobody.sock: 1 of 1 alerts not sent"
# A target that is not one: exit 2 with the forms allowed.
watch 2 --syslog "tcp:127.0.0.1:514" sshd:"$T/auth.log"
contains "$T/err" "use local, unix:/PATH or udp:HOST:PORT"
printf '[alerts]\nsyslog_facility = kern\n' >"$T/bad.conf"
watch 2 --config "$T/bad.conf" sshd:"$T/auth.log"
contains "$T/err" "bad.conf:2: [alerts] syslog_facility: unknown facility 'kern'"
done_ok
