# tests/integration/watch_lib.sh - shared by the sekisho-watch tests (after
# lib.sh): $WATCH, $D (tests/data) and the helpers below.
WATCH=${SEKISHO_WATCH:-$(dirname "$SEKISHO")/sekisho-watch}
[ -x "$WATCH" ] || fail "no sekisho-watch at $WATCH"
D="$HERE/../data"

# run EXPECTED_RC args...: alerts in $T/out, the summary in $T/err.
run() {
	want=$1; shift
	rc=0
	"$WATCH" "$@" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = "$want" ] || { cat "$T/err" "$T/out" >&2; fail "exit $rc, not $want: $*"; }
	ok
}
# count RULE: how many alerts of RULE are in $T/out.
count() { grep -c "\"rule\":\"$1\"" "$T/out" || true; }
