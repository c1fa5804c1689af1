#!/bin/sh
# bench/portal.sh - sekishod under load, in one run:
#   - password sign-ins per second (POST /login, correct password, one Argon2id
#     verification each at the default cost) against the machine's ceiling,
#     all cores hashing (bench_password measures it beside this);
#   - resident memory of the idle server and under load.
# Needs wrk (Debian package).  Usage: bench/portal.sh [build dir]
set -eu
B=${1:-build}
T=$(mktemp -d /tmp/sekisho-bench.XXXXXX)
PORT=$((30000 + $$ % 20000))
cleanup() { [ -n "${PID:-}" ] && kill "$PID" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT INT TERM
# The key file beside the database (the config names none).
printf "[storage]\ndatabase = %s\nkey_file = %s\n" "$T/db.sqlite" "$T/db.key" >>"$T/bench.conf.head"
cat "$T/bench.conf.head" >"$T/bench.conf"
printf '[mfa]\nrequired = optional\n' >>"$T/bench.conf"
"$B/sekishod" --config "$T/bench.conf" --port "$PORT" >"$T/log" 2>&1 &
PID=$!
i=0
until grep -q "listening on" "$T/log"; do
	i=$((i + 1)); [ $i -lt 100 ] || { cat "$T/log"; echo "sekishod did not start" >&2; exit 1; }
	sleep 0.1
done
printf 'Kawa-no-Nagare-77q\n' | "$B/sekisho" --config "$T/bench.conf" user add bench --password-stdin >/dev/null
sqlite3 "$T/db.sqlite" "UPDATE users SET must_change = 0 WHERE name = 'bench'"
rss() { awk '/VmRSS/ {print $2}' "/proc/$PID/status"; }
IDLE=$(rss)

# Each sign-in gets a new token (no session fixation), so every request needs
# its own pre-sign-in session and CSRF token, as each browser would have:
# 1500 of them, from GET /login, used once each.
n=0
while [ $n -lt 1500 ]; do
	curl -s -c "$T/jar" "http://127.0.0.1:$PORT/login" >"$T/login.html"
	printf '%s %s\n' "$(awk '$6 == "sekisho_dev_session" {print $7}' "$T/jar")" \
		"$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/login.html" | head -1)" >>"$T/pairs"
	n=$((n + 1))
done
cat >"$T/post.lua" <<LUA
local pairs_ = {}
for line in io.lines("$T/pairs") do
  local c, x = line:match("(%S+) (%S+)")
  table.insert(pairs_, {c, x})
end
local i = 0
request = function()
  i = i + 1
  local p = pairs_[(i - 1) % #pairs_ + 1]
  return wrk.format("POST", "/login", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "sekisho_dev_session=" .. p[1] },
    "csrf=" .. p[2] .. "&username=bench&password=Kawa-no-Nagare-77q")
end
LUA
CEIL=$("$B/bench/bench_password" 2>/dev/null | awk '/all cores/ {print $4}')
wrk -t1 -c8 -d10s --latency -s "$T/post.lua" "http://127.0.0.1:$PORT" >"$T/wrk.out" 2>&1 &
WRK=$!
sleep 5
LOAD=$(rss)
wait $WRK
RPS=$(awk '/Requests\/sec/ {print $2}' "$T/wrk.out")
P99=$(awk '$1 == "99%" {print $2}' "$T/wrk.out")
NON2XX=$(awk '/Non-2xx or 3xx/ {print $5}' "$T/wrk.out")
echo "Portal sign-ins (POST /login, correct password, default Argon2id cost)"
printf '  %-36s %8s sign-ins/s  (p99 %s)\n' "sekishod" "$RPS" "$P99"
printf '  %-36s %8s hashes/s\n' "ceiling: all cores hashing" "${CEIL:-?}"
[ -n "$NON2XX" ] && echo "  (non-2xx/3xx responses: $NON2XX: more requests than prepared sessions?)"
printf '  %-36s %8s KiB\n' "resident memory, idle" "$IDLE" "resident memory, under load" "$LOAD"
