#!/bin/sh
# A real Squid (Debian's) with the IPA guide's ACL and log format (seed 003,
# "Squid における ACL の設定例"; requirement E3), driven by curl, and
# sekisho-watch's squid parser reading what it wrote (issue 5).
#
# Squid runs in the foreground on a free loopback port with its own config,
# pid file and logs in $T (no cache_dir, no pinger, DNS only to 127.0.0.1
# where nothing answers: names come from /etc/hosts), as proxy when the test
# runs as root.  It writes every request to three logs at once: native
# (logformat squid), the guide's format (named "ipa" here: Squid 5 refuses
# the guide's "logformat combined ..." with "ERROR: logformat combined is
# already defined. Ignoring." and keeps its built-in quoted one) and the
# built-in combined.  Proxy users come from basic_ncsa_auth.
#
# The guide's ACL allows CONNECT to 443 only.  Loopback ports are not 443:
# a TLS listener (openssl s_server, on 127.0.0.1 and ::1) stands for it and
# its port is the SSL_ports entry; a second listener (python's http.server)
# serves plain GETs and is the "other port" whose CONNECTs must be
# TCP_DENIED.  Requests: tunnels as alice from 127.0.0.1 and 127.0.0.2 (one
# user from two terminals, E1), to a name, to an IPv6 literal; CONNECTs to
# the other port (denied before authentication); GETs with and without
# credentials, a wrong password, claimed user names with a space, a tab and
# a bracketed time in them, a 404, a user agent with spaces; a request line
# that is not HTTP.
#
# Asserts, for each of the three logs: every line parses (a small driver,
# watch_parse_dump.c, built here against libwatch.a), as WK_PROXY, with the
# client, user, method, CONNECT host and port (or the URL's authority),
# status and Squid result code expected for each request; the three logs
# agree on every line's time (native epoch vs. %tl written with +0900).
#
# SQUID_SAMPLES=DIR copies the three logs there (tests/data/squid/ was made so).
. "$(dirname "$0")/lib.sh"

ROOT=$(cd "$HERE/../.." && pwd)
SQUID=${SQUID:-/usr/sbin/squid}
NCSA=/usr/lib/squid/basic_ncsa_auth
[ -x "$SQUID" ] || fail "no $SQUID (scripts/deps.sh installs squid)"
[ -x "$NCSA" ] || fail "no $NCSA (Debian's squid package has it)"
for tool in curl openssl python3 cc pkg-config; do
	command -v $tool >/dev/null || fail "$tool is needed (scripts/deps.sh)"
done
if [ "${SAN:-0}" = 1 ]; then
	LIBWATCH="$ROOT/build/asan/libwatch.a"
	SANFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all"
else
	LIBWATCH="$ROOT/build/libwatch.a"
	SANFLAGS=
fi
[ -f "$LIBWATCH" ] || fail "no $LIBWATCH (run make)"
# shellcheck disable=SC2086
cc -std=c17 -D_GNU_SOURCE -I"$ROOT/watch" $SANFLAGS -o "$T/dump" "$HERE/watch_parse_dump.c" \
	"$LIBWATCH" $(pkg-config --libs libevtx) || fail "cannot build watch_parse_dump"

# Three loopback ports nobody listens on (the kernel's choice).
set -- $(python3 -c 'import socket
ss = [socket.socket() for _ in range(3)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])')
PP=$1 TP=$2 HP=$3

QPID= SPID= S6PID= HPID=
stop_all() {
	for p in $QPID $SPID $S6PID $HPID; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	QPID= SPID= S6PID= HPID=
}
trap 'stop_all; rm -rf "$T"' EXIT INT TERM

# Squid started as root runs as cache_effective_user: its directory is its own.
SD="$T/squid"
mkdir -p "$SD" "$T/www"
RUNAS=
if [ "$(id -u)" -eq 0 ]; then
	RUNAS="cache_effective_user proxy"
	chmod 711 "$T"
	chown proxy "$SD"
fi
printf 'alice:%s\n' "$(openssl passwd -apr1 alice-pw)" >"$SD/passwd"
chmod 644 "$SD/passwd"
echo hello >"$T/www/hello.txt"
cat >"$SD/squid.conf" <<CONF
http_port 127.0.0.1:$PP
pid_filename $SD/squid.pid
cache_log $SD/cache.log
coredump_dir $SD
cache deny all
cache_mem 8 MB
netdb_filename none
pinger_enable off
dns_nameservers 127.0.0.1
shutdown_lifetime 0 seconds
$RUNAS
auth_param basic program $NCSA $SD/passwd
auth_param basic realm sekisho-test
acl authed proxy_auth REQUIRED
acl lan src 127.0.0.0/8
# The guide's ACL: no CONNECT but to the allowed port ($TP stands for 443).
acl SSL_ports port $TP
acl CONNECT method CONNECT
http_access deny CONNECT !SSL_ports
http_access allow lan authed
http_access deny all
# The guide's log format, under another name than the built-in combined.
logformat ipa %>a %ui %un [%tl] %rm %ru HTTP/%rv %>Hs %<st %{Referer}>h %{User-Agent}>h %Ss:%Sh
access_log stdio:$SD/native.log squid
access_log stdio:$SD/ipa.log ipa
access_log stdio:$SD/combined.log combined
CONF

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 1 \
	-subj /CN=localhost >/dev/null 2>&1 || fail "openssl req"
openssl s_server -accept "127.0.0.1:$TP" -cert "$T/cert.pem" -key "$T/key.pem" -www -quiet \
	</dev/null >"$T/tls.log" 2>&1 &
SPID=$!
openssl s_server -accept "[::1]:$TP" -cert "$T/cert.pem" -key "$T/key.pem" -www -quiet \
	</dev/null >"$T/tls6.log" 2>&1 &
S6PID=$!
python3 -m http.server --bind 127.0.0.1 --directory "$T/www" "$HP" >"$T/http.log" 2>&1 &
HPID=$!
TZ=Asia/Tokyo "$SQUID" -N -f "$SD/squid.conf" >"$SD/squid.out" 2>&1 &
QPID=$!

i=0
until grep -q "Accepting HTTP Socket connections" "$SD/cache.log" 2>/dev/null &&
	curl -s -o /dev/null "http://127.0.0.1:$HP/hello.txt" &&
	curl -sk -o /dev/null "https://127.0.0.1:$TP/" && curl -sk -o /dev/null "https://[::1]:$TP/"; do
	i=$((i + 1))
	[ $i -lt 100 ] || { cat "$SD/squid.out" "$SD/cache.log" >&2 2>/dev/null; fail "squid or a listener did not start"; }
	kill -0 $QPID 2>/dev/null || { cat "$SD/squid.out" "$SD/cache.log" >&2 2>/dev/null; fail "squid exited"; }
	sleep 0.1
done

PX="http://127.0.0.1:$PP"
# req WANT_HTTP_CODE CURL_ARGS...: one request through the proxy.
req() {
	want=$1
	shift
	got=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -x "$PX" "$@" || true)
	[ "$got" = "$want" ] || fail "curl $*: HTTP $got, wanted $want"
	ok
}
# Tunnels to the allowed port: by address, by name, from a second address, to IPv6.
req 200 -U alice:alice-pw -k "https://127.0.0.1:$TP/"
req 200 -U alice:alice-pw -k "https://localhost:$TP/"
req 200 -U alice:alice-pw -k --interface 127.0.0.2 "https://127.0.0.1:$TP/"
req 200 -U alice:alice-pw -k "https://[::1]:$TP/"
# CONNECT to another port: denied by the guide's ACL (curl sees no tunnel: 000).
req 000 -U alice:alice-pw -p "http://127.0.0.1:$HP/hello.txt"
req 000 --interface 127.0.0.2 -p "http://127.0.0.1:$HP/hello.txt"
# Plain requests.
req 200 -U alice:alice-pw -A 'Mozilla/5.0 (X11; Linux x86_64) Sekisho test' \
	-e "http://referer.example/a b" "http://127.0.0.1:$HP/hello.txt"
req 404 -U alice:alice-pw "http://localhost:$HP/missing"
req 407 "http://127.0.0.1:$HP/hello.txt"
req 407 -U alice:wrong "http://127.0.0.1:$HP/hello.txt"
req 407 -U 'bob smith:x' "http://127.0.0.1:$HP/hello.txt"
# Claimed names are logged as claimed (lower-cased, cut at the first colon):
# a bracketed "time" and a tab must not move the fields around them.
req 407 -U 'Eve [22/Nov/2026:06:22:29 +0000] "q" HIER_NONE/- -:x' "http://127.0.0.1:$HP/hello.txt"
req 407 -U "$(printf 'tab\tuser'):x" "http://127.0.0.1:$HP/hello.txt"
# Not HTTP at all: Squid logs it as error:invalid-request.
python3 -c 'import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GARBAGE\r\n\r\n")
s.recv(4096)' "$PP"
NREQ=14

# Tunnels are logged when they close: wait for all the lines, then stop Squid.
i=0
while [ "$(wc -l <"$SD/combined.log")" -lt $NREQ ] && [ $i -lt 100 ]; do
	i=$((i + 1))
	sleep 0.1
done
stop_all

# kind src user method dst dst_port status result-code (before its / or :)
cat >"$T/want" <<EOF
PROXY 127.0.0.1 alice CONNECT 127.0.0.1 $TP 200 TCP_TUNNEL
PROXY 127.0.0.1 alice CONNECT localhost $TP 200 TCP_TUNNEL
PROXY 127.0.0.2 alice CONNECT 127.0.0.1 $TP 200 TCP_TUNNEL
PROXY 127.0.0.1 alice CONNECT ::1 $TP 200 TCP_TUNNEL
PROXY 127.0.0.1 - CONNECT 127.0.0.1 $HP 403 TCP_DENIED
PROXY 127.0.0.2 - CONNECT 127.0.0.1 $HP 403 TCP_DENIED
PROXY 127.0.0.1 alice GET 127.0.0.1 $HP 200 TCP_MISS
PROXY 127.0.0.1 alice GET localhost $HP 404 TCP_MISS
PROXY 127.0.0.1 - GET 127.0.0.1 $HP 407 TCP_DENIED
PROXY 127.0.0.1 alice GET 127.0.0.1 $HP 407 TCP_DENIED
PROXY 127.0.0.1 bob_smith GET 127.0.0.1 $HP 407 TCP_DENIED
PROXY 127.0.0.1 eve_[22/nov/2026 GET 127.0.0.1 $HP 407 TCP_DENIED
PROXY 127.0.0.1 tab_user GET 127.0.0.1 $HP 407 TCP_DENIED
PROXY 127.0.0.1 - GARBAGE - 0 400 ANY
EOF
sort "$T/want" >"$T/want.sorted"

for log in native ipa combined; do
	f="$SD/$log.log"
	[ "$(wc -l <"$f")" -eq $NREQ ] || { cat "$f" >&2; fail "$log.log has $(wc -l <"$f") lines, wanted $NREQ"; }
	"$T/dump" squid "$f" >"$T/$log.dump" || fail "watch_parse_dump on $log.log"
	lacks "$T/$log.dump" "UNPARSED"
	# Columns: 1 kind 2 ts 3 src 4 src_port 5 user 6 method 7 url 8 dst 9 dst_port 10 status 11 result
	awk -F '\t' '{
		code = $11; sub(/[\/:].*/, "", code)
		if ($10 == 400 && $8 == "") code = "ANY"  # the name of this code changes between Squid versions
		# native and combined encode "[" and a tab (%[un); the %un of the guide does not
		u = $5; gsub(/%5[bB]/, "[", u); gsub(/ |%09|\\x09/, "_", u)
		printf "%s %s %s %s %s %s %s %s\n", $1, $3, (u == "" ? "-" : u), $6, ($8 == "" ? "-" : $8), $9, $10, code
	}' "$T/$log.dump" | sort >"$T/$log.got"
	diff -u "$T/want.sorted" "$T/$log.got" >&2 || { cat "$f" >&2; fail "$log.log: fields differ (above)"; }
	ok
	cut -f2 "$T/$log.dump" >"$T/$log.ts"
done
# The same request, the same second, whichever format wrote it (%tl is +0900 here).
contains "$SD/ipa.log" "+0900]"
cmp -s "$T/native.ts" "$T/ipa.ts" || { paste "$T/native.ts" "$T/ipa.ts" >&2; fail "native and ipa times differ"; }
cmp -s "$T/native.ts" "$T/combined.ts" || fail "native and combined times differ"
ok
# Squid's own fields: the result code as written, the size and elapsed time of a tunnel.
awk -F '\t' '$6 == "CONNECT" && $10 == 200 && ($11 != "TCP_TUNNEL/200" || $12 + 0 <= 0) { bad = 1 } END { exit bad }' \
	"$T/native.dump" || fail "native CONNECT lines lack TCP_TUNNEL/200 or a size"
awk -F '\t' '$10 == 403 && $11 != "TCP_DENIED:HIER_NONE" { bad = 1 } END { exit bad }' "$T/ipa.dump" ||
	fail "ipa TCP_DENIED lines lack TCP_DENIED:HIER_NONE"
ok

if [ -n "${SQUID_SAMPLES:-}" ]; then
	mkdir -p "$SQUID_SAMPLES"
	cp "$SD/native.log" "$SD/ipa.log" "$SD/combined.log" "$SQUID_SAMPLES/"
fi
done_ok
