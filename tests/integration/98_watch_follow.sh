#!/bin/sh
# sekisho-watch --follow --state (issue 5): reads appended lines like
# tail -F, follows a rotated file and a truncated one, and keeps its windows
# and positions across a restart, so that an attack spread over two runs is
# still seen and no line is read (nor alert raised) twice.  Waits only for
# what the watcher writes, each wait bounded.
. "$(dirname "$0")/lib.sh"

WATCH=${SEKISHO_WATCH:-$(dirname "$SEKISHO")/sekisho-watch}
[ -x "$WATCH" ] || fail "no sekisho-watch at $WATCH"
PID=
trap 'kill $PID 2>/dev/null || true; rm -rf "$T"' EXIT INT TERM
mkdir "$T/st"
printf '[auth]\nspray_users = 3\n' >"$T/w.conf"

# line HOUR USER SOURCE: an sshd "Invalid user" line.
line() { printf 'Nov 22 %s:00:00 gw sshd[1]: Invalid user %s from %s port 4242\n' "$1" "$2" "$3"; }
# wait_for FILE TEXT: at most 10 s for the watcher to write it.
wait_for() {
	i=0
	until grep -q "$2" "$1" 2>/dev/null; do
		kill -0 "$PID" 2>/dev/null || { cat "$T/err" >&2; fail "sekisho-watch exited"; }
		i=$((i + 1)); [ $i -lt 100 ] || { cat "$T/err" >&2; fail "no '$2' in $1 after 10 s"; }
		sleep 0.1
	done
}
start() {
	rm -f "$T/st/sekisho-watch.state"
	"$WATCH" --config "$T/w.conf" --follow --state "$T/st" --alerts "$T/alerts" \
		sshd:"$T/auth.log" 2>"$T/err" &
	PID=$!
	i=0
	until [ -f "$T/st/sekisho-watch.state" ]; do
		i=$((i + 1)); [ $i -lt 100 ] || fail "no state file after 10 s"
		sleep 0.1
	done
}
stop() {
	kill -TERM "$PID"
	rc=0; wait "$PID" || rc=$?
	PID=
}
alerts() { grep -c "\"rule\":\"$1\"" "$T/alerts" 2>/dev/null || true; }

# Run 1: two accounts tried from one source, below the threshold.
{ line 05 alpha 203.0.113.9; line 05 bravo 203.0.113.9; } >"$T/auth.log"
start
stop
[ "$rc" = 0 ] || fail "run 1 exit $rc (no alert yet)"
contains "$T/err" "2 lines"
[ "$(alerts auth.spray)" = 0 ] || fail "alert below the threshold"
ok

# Between runs the sprayer tries a third account.  Run 2 reads only that
# line, and its restored window makes three: one alert.
line 05 charlie 203.0.113.9 >>"$T/auth.log"
start
wait_for "$T/alerts" '"source":"203.0.113.9"'
[ "$(alerts auth.spray)" = 1 ] || fail "spray across two runs: $(alerts auth.spray) alerts"
ok

# Rotation: the file is renamed and a new one started.
mv "$T/auth.log" "$T/auth.log.1"
{ line 06 delta 198.51.100.7; line 06 echo 198.51.100.7; line 06 foxtrot 198.51.100.7; } >"$T/auth.log"
wait_for "$T/alerts" '"source":"198.51.100.7"'
# Truncation (copytruncate): the file starts again from nothing.
: >"$T/auth.log"
{ line 07 golf 192.0.2.55; line 07 hotel 192.0.2.55; line 07 india 192.0.2.55; } >>"$T/auth.log"
wait_for "$T/alerts" '"source":"192.0.2.55"'
stop
[ "$rc" = 1 ] || fail "run 2 exit $rc, not 1 (alerts fired)"
contains "$T/err" "0 unparsed"
ok

# Run 3, batch mode with the same state: nothing new, nothing repeated.
rc=0
"$WATCH" --config "$T/w.conf" --state "$T/st" --alerts "$T/alerts" sshd:"$T/auth.log" 2>"$T/err" || rc=$?
[ "$rc" = 0 ] || { cat "$T/err"; fail "run 3 exit $rc: lines read twice?"; }
contains "$T/err" "0 lines"
[ "$(alerts auth.spray)" = 3 ] || fail "$(alerts auth.spray) spray alerts, not 3"
ok

# A damaged state file is reported and replaced, not fatal.
printf 'garbage' >"$T/st/sekisho-watch.state"
rc=0
"$WATCH" --state "$T/st" sshd:"$T/auth.log" >/dev/null 2>"$T/err" || rc=$?
contains "$T/err" "damaged; starting with empty windows"
[ "$rc" = 0 ] || fail "damaged state: exit $rc"
head -c 8 "$T/st/sekisho-watch.state" | grep -q SKWATCH2 || fail "state not rewritten"
ok

# Following standard input (journalctl -f | sekisho-watch --follow sshd:-):
# lines are read as they come, without waiting in read() for more.  Beside it
# a path that cannot be opened (its "directory" is a file) is reported once,
# not five times a second, and keeps the watch going when the pipe closes.
rm -rf "$T/st2"; mkdir "$T/st2"; mkfifo "$T/pipe"; : >"$T/notadir"
"$WATCH" --config "$T/w.conf" --follow --state "$T/st2" --alerts "$T/alerts2" \
	sshd:- sshd:"$T/notadir/auth.log" <"$T/pipe" 2>"$T/err" &
PID=$!
exec 3>"$T/pipe"
{ line 09 mike 192.0.2.88; line 09 november 192.0.2.88; line 09 oscar 192.0.2.88; } >&3
wait_for "$T/alerts2" '"source":"192.0.2.88"'
exec 3>&-
sleep 1 # five polls of the path that cannot be opened: the time under test
kill -0 "$PID" || fail "the watch stopped although a file is still followed"
stop
[ "$rc" = 1 ] || { cat "$T/err" >&2; fail "stdin follow: exit $rc, not 1"; }
[ "$(grep -c 'notadir/auth.log: Not a directory' "$T/err")" = 1 ] ||
	{ cat "$T/err" >&2; fail "the open error was not reported exactly once"; }
ok
# Standard input alone: when the writer closes, the watch stops as on
# SIGTERM, its state saved.
rm -rf "$T/st2"; mkdir "$T/st2"
"$WATCH" --config "$T/w.conf" --follow --state "$T/st2" --alerts "$T/alerts2" sshd:- \
	<"$T/pipe" 2>"$T/err" &
PID=$!
exec 3>"$T/pipe"
line 10 papa 192.0.2.89 >&3
exec 3>&-
rc=0; wait "$PID" || rc=$?
PID=
[ "$rc" = 0 ] || { cat "$T/err" >&2; fail "stdin closed: exit $rc, not 0"; }
contains "$T/err" "standard input closed; stopping"
contains "$T/err" "sshd:-: 1 lines"
[ -f "$T/st2/sekisho-watch.state" ] || fail "no state saved when standard input closed"
ok

# --report while following: the page is rewritten as lines come in (at most
# every [alerts] report_every), not only when the watch stops.
printf '[auth]\nspray_users = 3\n[alerts]\nreport_every = 1s\n' >"$T/w.conf"
: >"$T/live.log"
"$WATCH" --config "$T/w.conf" --follow --report "$T/live.html" sshd:"$T/live.log" \
	>"$T/alerts" 2>"$T/err" &
PID=$!
{ line 08 juliet 192.0.2.77; line 08 kilo 192.0.2.77; line 08 lima 192.0.2.77; } >>"$T/live.log"
wait_for "$T/live.html" '192.0.2.77'
contains "$T/live.html" 'auth.spray'
kill -0 "$PID" || fail "the watch stopped after writing its report"
stop
ok
done_ok
