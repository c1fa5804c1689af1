# tests/integration/lib.sh - shared by the integration tests (POSIX sh).
# Each test sources it, gets a fresh directory in $T (removed on exit) and
# the helpers below.  $SEKISHO is the CLI under test (set by make).
set -eu
: "${SEKISHO:?set SEKISHO to the sekisho binary}"
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d /tmp/sekisho-test.XXXXXX)
trap 'rm -rf "$T"' EXIT INT TERM
export SEKISHO_DB="$T/var/sekisho.db"
unset SEKISHO_CONFIG SEKISHO_ADMIN
PASSES=0

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { PASSES=$((PASSES + 1)); }

# expect_rc WANT CMD...: runs CMD, output to $T/out, asserts the exit status.
expect_rc() {
	want=$1; shift
	set +e
	"$@" >"$T/out" 2>&1
	got=$?
	set -e
	[ "$got" -eq "$want" ] || { cat "$T/out" >&2; fail "exit $got, wanted $want: $*"; }
	ok
}

# contains FILE TEXT: asserts that FILE contains TEXT (fixed string).
contains() { grep -qF -- "$2" "$1" || { cat "$1" >&2; fail "no '$2' in output"; }; ok; }
lacks() { ! grep -qF -- "$2" "$1" || { cat "$1" >&2; fail "unexpected '$2' in output"; }; ok; }

# drive SCRIPT_JSON ARGS...: runs sekisho ARGS in a pty answering SCRIPT_JSON.
drive() {
	script=$1; shift
	python3 "$HERE/pty_driver.py" "$script" "$SEKISHO" "$@"
}

# initial_password: reads the password printed by init / user add from $T/out.
initial_password() { sed -n 's/^.*Initial password.*: //p; s/^New initial password.*: //p' "$T/out" | tail -n 1; }

# json ARGS...: python3 -c with the JSON module, reading stdin.
pyjson() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

# wait_listening PID LOG: waits (at most 30 s) until the sekishod started as
# PID writes "listening on" to LOG; fails with LOG when it exits first.
wait_listening() {
	i=0
	until grep -q "listening on" "$2"; do
		kill -0 "$1" 2>/dev/null || { cat "$2"; fail "sekishod did not start"; }
		i=$((i + 1)); [ $i -lt 300 ] || fail "sekishod did not start in 30 s"
		sleep 0.1
	done
}

done_ok() { echo "ok: $PASSES checks ($(basename "$0"))"; }
