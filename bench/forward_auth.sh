#!/bin/sh
# bench/forward_auth.sh - the forward-auth hot path (DESIGN 8), in one run on
# loopback with wrk:
#   - GET /auth/verify with a valid session cookie, straight to sekishod
#     (answered on the event loop from the session cache), against nginx
#     answering `return 204;` (DESIGN 7's yardstick for a trivial handler);
#   - a static page behind nginx auth_request (every request asks sekishod),
#     against the same page served by the same nginx unprotected.
# Prints requests/s, p99 latency and the ratios side by side.  Every
# measured request must succeed (a 401 or 403 would measure the wrong path).
# Needs wrk, nginx, curl (Debian packages).  Usage: bench/forward_auth.sh [build dir]
set -eu
B=$(cd "${1:-build}" && pwd)
T=$(mktemp -d /tmp/sekisho-bench-fa.XXXXXX)
DURATION=${DURATION:-10s}
CONNS=${CONNS:-32}
cleanup() {
	[ -n "${NPID:-}" ] && kill "$NPID" 2>/dev/null
	[ -n "${PID:-}" ] && kill "$PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
die() { echo "bench/forward_auth.sh: $*" >&2; exit 1; }
# Three loopback ports nobody listens on (the kernel's choice).
set -- $(python3 -c 'import socket
ss = [socket.socket() for _ in range(3)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])')
SP=$1 NP=$2 PP=$3

cat >"$T/s.conf" <<CONF
[storage]
database = $T/db.sqlite
key_file = $T/db.key
[mfa]
required = optional
[server]
trusted_proxies = 127.0.0.1
[forward_auth]
portal_url = http://auth.example.test:$NP
cookie_domain = example.test
[rule apps]
host = *.example.test
policy = one_factor
CONF
"$B/sekishod" --config "$T/s.conf" --port "$SP" >"$T/log" 2>&1 &
PID=$!
i=0
until grep -q "listening on" "$T/log"; do
	kill -0 "$PID" 2>/dev/null || { cat "$T/log"; die "sekishod did not start"; }
	i=$((i + 1)); [ $i -lt 300 ] || die "sekishod did not start in 30 s"
	sleep 0.1
done

# A signed-in session: the CLI sets an initial password, the first sign-in
# changes it (as a browser would), and the cookie is kept.
printf 'Kawa-no-Nagare-77q\n' | SEKISHO_CONFIG="$T/s.conf" "$B/sekisho" user add bench --password-stdin >/dev/null
# By name: the cookie is for Domain=example.test.
BASE="http://auth.example.test:$SP"
curl() { command curl --resolve "auth.example.test:$SP:127.0.0.1" "$@"; }
csrf() { sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/page" | head -n 1; }
curl -s -c "$T/jar" -o "$T/page" "$BASE/login"
curl -s -b "$T/jar" -c "$T/jar" -o /dev/null --data-urlencode "csrf=$(csrf)" \
	--data-urlencode username=bench --data-urlencode password=Kawa-no-Nagare-77q "$BASE/login"
curl -s -b "$T/jar" -c "$T/jar" -o "$T/page" "$BASE/login/password"
curl -s -b "$T/jar" -c "$T/jar" -o /dev/null --data-urlencode "csrf=$(csrf)" \
	--data-urlencode current_password=Kawa-no-Nagare-77q --data-urlencode new_password=Mori-no-Kaze-41t \
	--data-urlencode confirm_password=Mori-no-Kaze-41t "$BASE/login/password"
TOKEN=$(awk '$6 == "sekisho_dev_session" {print $7}' "$T/jar")
COOKIE="Cookie: sekisho_dev_session=$TOKEN"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "$COOKIE" -H 'X-Original-URL: http://app.example.test/' "$BASE/auth/verify")
[ "$code" = 200 ] || die "/auth/verify with the session gave $code, not 200"

mkdir -p "$T/www" "$T/nginx"
# nginx started as root serves files as its unprivileged worker user.
chmod 755 "$T" "$T/www"
# A small static page (about 1 KiB), as an application's landing page.
{ echo '<!doctype html><title>app</title><h1>app</h1>'; i=0; while [ $i -lt 20 ]; do echo '<p>Lorem ipsum dolor sit amet, consectetur.</p>'; i=$((i + 1)); done; } >"$T/www/index.html"
cat >"$T/nginx.conf" <<NGINX
worker_processes auto;
pid $T/nginx.pid;
error_log $T/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $T/nginx/body;
  proxy_temp_path $T/nginx/proxy;
  fastcgi_temp_path $T/nginx/fastcgi;
  uwsgi_temp_path $T/nginx/uwsgi;
  scgi_temp_path $T/nginx/scgi;
  upstream sekisho { server 127.0.0.1:$SP; keepalive 64; }
  # The yardstick, and the page without protection.
  server {
    listen 127.0.0.1:$PP;
    root $T/www;
    location = /204 { return 204; }
  }
  # The same page behind auth_request.
  server {
    listen 127.0.0.1:$NP;
    root $T/www;
    location / {
      auth_request /_sekisho;
      auth_request_set \$sekisho_user \$upstream_http_remote_user;
      add_header X-User \$sekisho_user;
    }
    location = /_sekisho {
      internal;
      proxy_pass http://sekisho/auth/verify;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-URL \$scheme://\$http_host\$request_uri;
      proxy_set_header X-Forwarded-For \$remote_addr;
    }
  }
}
NGINX
nginx -p "$T" -e "$T/nginx-error.log" -c "$T/nginx.conf" -g 'daemon off;' >"$T/nginx.out" 2>&1 &
NPID=$!
i=0
until curl -s -o /dev/null "http://127.0.0.1:$PP/204" && curl -s -o /dev/null "http://127.0.0.1:$NP/"; do
	kill -0 "$NPID" 2>/dev/null || { cat "$T/nginx.out" "$T/nginx-error.log"; die "nginx did not start"; }
	i=$((i + 1)); [ $i -lt 300 ] || die "nginx did not start in 30 s"
	sleep 0.1
done
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: app.example.test' -H "$COOKIE" "http://127.0.0.1:$NP/")
[ "$code" = 200 ] || { tail -n 5 "$T/nginx-error.log" "$T/log" >&2; die "the protected page with the session gave $code, not 200"; }
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: app.example.test' "http://127.0.0.1:$NP/")
[ "$code" = 401 ] || die "the protected page without a session gave $code, not 401: the benchmark would not measure the check"

# cpu_ticks PID...: user+system clock ticks used so far by these processes
# (all their threads) and by their children (nginx's workers).
cpu_ticks() {
	for p in "$@" $(pgrep -P "$1" 2>/dev/null); do
		# fields 14 and 15 of /proc/PID/stat, counted after the ")" that ends the name
		sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13}'
	done | awk '{t += $1} END {print t + 0}'
}
# run NAME URL [wrk -H options]: requests/s and p99 into $T/NAME.{rps,p99},
# and the server CPU per request (sekishod's and nginx's, in microseconds)
# into $T/NAME.cpu: on two cores shared with wrk, requests/s also measures
# who got the cores; CPU time per request measures the work.
run() {
	name=$1; url=$2; shift 2
	s0=$(cpu_ticks "$PID"); n0=$(cpu_ticks "$NPID")
	wrk -t1 -c"$CONNS" -d"$DURATION" --latency "$@" "$url" >"$T/$name.wrk" 2>&1 || { cat "$T/$name.wrk"; die "wrk failed"; }
	s1=$(cpu_ticks "$PID"); n1=$(cpu_ticks "$NPID")
	reqs=$(awk '/requests in/ {print $1}' "$T/$name.wrk")
	awk -v s=$((s1 - s0)) -v n=$((n1 - n0)) -v r="$reqs" -v hz="$(getconf CLK_TCK)" \
		'BEGIN { printf "%.1f %.1f", s * 1e6 / hz / r, n * 1e6 / hz / r }' >"$T/$name.cpu"
	bad=$(awk '/Non-2xx or 3xx/ {print $5}' "$T/$name.wrk")
	[ -z "$bad" ] || { cat "$T/$name.wrk"; die "$name: $bad requests were not 2xx"; }
	awk '/Requests\/sec/ {print $2}' "$T/$name.wrk" >"$T/$name.rps"
	awk '$1 == "99%" {print $2}' "$T/$name.wrk" >"$T/$name.p99"
}
run verify "http://127.0.0.1:$SP/auth/verify" -H "$COOKIE" -H 'X-Original-URL: http://app.example.test/index.html'
run n204 "http://127.0.0.1:$PP/204"
run protected "http://127.0.0.1:$NP/index.html" -H 'Host: app.example.test' -H "$COOKIE"
run plain "http://127.0.0.1:$PP/index.html"

ratio() { awk -v a="$(cat "$T/$1.rps")" -v b="$(cat "$T/$2.rps")" 'BEGIN { printf "%.2f", a / b }'; }
row() {
	set -- "$1" "$2" $(cat "$T/$2.cpu")
	printf '  %-46s %10s req/s  p99 %8s  CPU/request: sekishod %5s us, nginx %5s us\n' \
		"$1" "$(cat "$T/$2.rps")" "$(cat "$T/$2.p99")" "$3" "$4"
}
echo "Forward-auth (wrk -t1 -c$CONNS -d$DURATION on loopback, $(nproc) cores)"
row "sekishod GET /auth/verify, valid session" verify
row "nginx return 204" n204
echo "  ratio /auth/verify : nginx 204                     $(ratio verify n204)"
row "static page behind nginx auth_request" protected
row "same page, nginx, unprotected" plain
echo "  ratio protected : unprotected                      $(ratio protected plain)"
