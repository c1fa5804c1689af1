#!/bin/sh
# tests/integration/10_totp_oathtool.sh - `sekisho totp` must print exactly
# what oathtool (OATH Toolkit, the reference peer) prints, for random
# secrets, times, digit counts, periods and algorithms; and refuse bad
# usage with exit status 2.
#
# Usage: SEKISHO=/abs/path/to/sekisho sh tests/integration/10_totp_oathtool.sh
# CASES=N overrides the number of random cases (default 300).
set -eu

: "${SEKISHO:?set SEKISHO to the sekisho binary}"
CASES=${CASES:-300}

for tool in oathtool base32 od awk; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "FAIL: $tool not found (scripts/deps.sh installs oathtool and coreutils)" >&2
		exit 1
	fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

compared=0

# compare ALG DIGITS PERIOD TIME CANONICAL_SECRET [SECRET_AS_GIVEN_TO_SEKISHO]
compare() {
	alg=$1 digits=$2 period=$3 t=$4 canon=$5 given=${6:-$5}
	want=$(oathtool --totp="$alg" -b --digits="$digits" --time-step-size="${period}s" \
		--now="@$t" "$canon") || {
		echo "FAIL: oathtool refused alg=$alg digits=$digits period=$period time=$t secret=$canon" >&2
		exit 1
	}
	got=$("$SEKISHO" totp --algorithm "$alg" --digits "$digits" --period "$period" \
		--time "$t" "$given") || {
		echo "FAIL: sekisho totp exited $? for alg=$alg digits=$digits period=$period" \
			"time=$t secret='$given'" >&2
		exit 1
	}
	if [ "$got" != "$want" ]; then
		echo "FAIL: mismatch after $compared cases: alg=$alg digits=$digits period=$period" \
			"time=$t secret='$given' (canonical $canon): sekisho '$got', oathtool '$want'" >&2
		exit 1
	fi
	compared=$((compared + 1))
}

# Fixed edge cases: the RFC 6238 seed at its Appendix B times, epoch and
# step boundaries, and the 32-bit rollover.
rfc=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
for t in 0 1 29 30 59 60 1111111109 1111111111 1234567890 2000000000 \
	4294967295 4294967296 20000000000; do
	for alg in sha1 sha256 sha512; do
		compare "$alg" 8 30 "$t" "$rfc"
	done
done

# Random cases.  One awk run draws every parameter (seeded from
# /dev/urandom); each secret is 10..64 random bytes through coreutils base32;
# a second awk run writes the forms a person might type (one pass, to keep
# the process count, and so the run time, low).
seed=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
awk -v n="$CASES" -v seed="$seed" 'BEGIN {
	srand(seed);
	split("15 30 60", periods, " ");
	split("sha1 sha256 sha512", algs, " ");
	for (i = 0; i < n; i++) {
		len = 10 + int(rand() * 55);
		t = int(rand() * 4000000001);
		printf "%d %.0f %d %d %s\n", len, t, 6 + int(rand() * 3),
		    periods[1 + int(rand() * 3)], algs[1 + int(rand() * 3)];
	}
}' >"$tmp/params"
while read -r len rest; do
	printf '%s %s ' "$len" "$rest"
	head -c "$len" /dev/urandom | base32 -w0
	echo
done <"$tmp/params" >"$tmp/secrets"

# Fields: t digits period alg canonical|typed-by-sekisho|typed-by-oathtool
awk 'function group(s, n, sep,   out, i) {
	out = "";
	for (i = 1; i <= length(s); i += n)
		out = out (i > 1 ? sep : "") substr(s, i, n);
	return out;
}
{
	canon = $6; bare = canon; gsub(/=/, "", bare);
	kind = NR % 4;
	if (kind == 0) {          # as base32 prints it, with = padding
		mine = canon; theirs = canon;
	} else if (kind == 1) {   # unpadded, lower case, groups of four
		mine = group(tolower(bare), 4, " "); theirs = canon;
	} else if (kind == 2) {   # mixed case, hyphens and a tab
		mine = group(substr(bare, 1, 3), 3, "") "\t" group(tolower(substr(bare, 4)), 8, "-");
		theirs = canon;
	} else {                  # lower case and spaces to both tools (oathtool takes those)
		mine = group(tolower(canon), 5, " "); theirs = mine;
	}
	printf "%s %s %s %s|%s|%s|%s\n", $2, $3, $4, $5, canon, mine, theirs;
}' "$tmp/secrets" >"$tmp/cases"

while IFS='|' read -r params canon mine theirs; do
	# shellcheck disable=SC2086 # split "t digits period alg" into $1..$4
	set -- $params
	compare "$4" "$2" "$3" "$1" "$theirs" "$mine"
done <"$tmp/cases"

# Without --time both use the clock: retry once if a step boundary fell between.
now_ok=0
for _ in 1 2; do
	a=$(oathtool --totp -b "$rfc")
	b=$("$SEKISHO" totp "$rfc")
	if [ "$a" = "$b" ]; then
		now_ok=1
		break
	fi
done
if [ "$now_ok" -ne 1 ]; then
	echo "FAIL: without --time sekisho printed '$b', oathtool '$a'" >&2
	exit 1
fi
compared=$((compared + 1))

# Usage errors: exit status 2 and a message on stderr, nothing on stdout.
usage_checked=0
expect_usage() {
	rc=0
	"$SEKISHO" totp "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	if [ "$rc" -ne 2 ]; then
		echo "FAIL: 'sekisho totp $*' exited $rc, expected 2 (usage error)" >&2
		exit 1
	fi
	if [ ! -s "$tmp/err" ] || [ -s "$tmp/out" ]; then
		echo "FAIL: 'sekisho totp $*' should explain on stderr and print nothing on stdout" >&2
		exit 1
	fi
	usage_checked=$((usage_checked + 1))
}
expect_usage
expect_usage "$rfc" "$rfc"
expect_usage --digits 5 "$rfc"
expect_usage --digits 9 "$rfc"
expect_usage --digits six "$rfc"
expect_usage --digits
expect_usage --period 0 "$rfc"
expect_usage --period 301 "$rfc"
expect_usage --period 30s "$rfc"
expect_usage --algorithm md5 "$rfc"
expect_usage --time -1 "$rfc"
expect_usage --time 12abc "$rfc"
expect_usage --time 99999999999999999999999 "$rfc"
expect_usage --no-such-option "$rfc"
expect_usage "GEZD1"                      # '1' is not Base32
expect_usage "GEZDGNBVG"                  # impossible length
expect_usage "   "                        # empty
expect_usage "$rfc$rfc$rfc$rfc$rfc"       # 100 bytes > 64

echo "10_totp_oathtool: $compared codes identical to oathtool, $usage_checked usage errors exit 2"
