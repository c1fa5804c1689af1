#!/bin/sh
# make install into a staging root (DESTDIR=$T/root PREFIX=/usr): every file
# in place with its mode, sekisho-watch and its man page included (they were
# missing), the installed programs run, both man pages render without a
# groff warning, and systemd-analyze verify accepts
# contrib/systemd/sekisho-watch.service with the installed program and man
# page (skipped, with a note, where systemd-analyze is missing).  The build
# under test is installed as it is, never rebuilt (-o all), so nothing is
# written outside $T.
. "$(dirname "$0")/lib.sh"

ROOT=$(cd "$HERE/../.." && pwd)
DEST="$T/root"
BDIR=$(cd "$(dirname "$SEKISHO")" && pwd)
# The build the other tests ran: build/, or build/asan/ under make asan.
BUILDARG=
case $BDIR in
"$ROOT"/*) BUILDARG="BUILD=${BDIR#"$ROOT"/}" ;;
esac

# A make of its own: not the jobserver or variables of a calling make.
# shellcheck disable=SC2086 # BUILDARG is one word or none
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$ROOT" -o all install \
	DESTDIR="$DEST" PREFIX=/usr SAN="${SAN:-0}" $BUILDARG >"$T/make.out" 2>&1 ||
	{ cat "$T/make.out" >&2; fail "make install failed"; }
ok

# installed PATH MODE: PATH (below $DEST) is a regular file of mode MODE.
installed() {
	[ -f "$DEST$1" ] && [ ! -L "$DEST$1" ] || fail "not installed: $1"
	m=$(stat -c %a "$DEST$1")
	[ "$m" = "$2" ] || fail "$1: mode $m, wanted $2"
	ok
}

installed /usr/bin/sekisho 755
installed /usr/bin/sekishod 755
installed /usr/bin/sekisho-watch 755
installed /usr/share/man/man1/sekisho.1 644
installed /usr/share/man/man1/sekisho-watch.1 644
installed /usr/lib/libsekisho.a 644
installed /usr/lib/libsekisho-host.a 644
installed /usr/lib/libsekisho.so.0 755
[ "$(readlink "$DEST/usr/lib/libsekisho.so")" = libsekisho.so.0 ] ||
	fail "/usr/lib/libsekisho.so is not a link to libsekisho.so.0"
ok
# Where the Makefile puts it: libpam's directory, outside PREFIX.
PAMDIR=$(pkg-config --variable=libdir pam 2>/dev/null)/security
installed "$PAMDIR/pam_sekisho.so" 644
n=0
for h in "$ROOT"/include/sekisho/*.h; do
	installed "/usr/include/sekisho/$(basename "$h")" 644
	n=$((n + 1))
done
[ "$n" -gt 0 ] || fail "no headers in $ROOT/include/sekisho"
# The unit is left to the administrator (contrib/systemd/README.md).
[ -z "$(find "$DEST" -name '*.service')" ] || fail "make install installed a systemd unit"
ok

# The programs installed are the ones built, and they run.
if [ -n "$BUILDARG" ]; then
	for p in sekisho sekishod sekisho-watch; do
		cmp -s "$BDIR/$p" "$DEST/usr/bin/$p" || fail "/usr/bin/$p is not $BDIR/$p"
		ok
	done
fi
expect_rc 0 "$DEST/usr/bin/sekisho" --help
expect_rc 0 "$DEST/usr/bin/sekishod" --help
expect_rc 0 "$DEST/usr/bin/sekisho-watch" --help
contains "$T/out" "--follow"
cp "$T/out" "$T/help"

# The man pages render without a warning, and sekisho-watch(1) documents
# every option --help lists.
command -v groff >/dev/null 2>&1 || fail "groff not found (Debian: groff-base)"
for page in sekisho.1 sekisho-watch.1; do
	groff -man -ww -z "$DEST/usr/share/man/man1/$page" >"$T/groff.out" 2>&1 ||
		{ cat "$T/groff.out" >&2; fail "groff failed on $page"; }
	[ ! -s "$T/groff.out" ] || { cat "$T/groff.out" >&2; fail "groff warnings on $page"; }
	ok
done
for opt in $(grep -o -- '--[a-z][a-z-]*' "$T/help" | sort -u); do
	grep -qF -- "\\-\\-${opt#--}" "$DEST/usr/share/man/man1/sekisho-watch.1" ||
		fail "sekisho-watch(1) does not mention $opt"
	ok
done

# The unit, pointed at the installed program; man:sekisho-watch(1) is
# looked up in the installed pages.
UNIT="$ROOT/contrib/systemd/sekisho-watch.service"
contains "$UNIT" "ExecStart=/usr/local/bin/sekisho-watch --follow"
if command -v systemd-analyze >/dev/null 2>&1; then
	mkdir "$T/unit"
	sed "s|/usr/local/bin/sekisho-watch|$DEST/usr/bin/sekisho-watch|" "$UNIT" \
		>"$T/unit/sekisho-watch.service"
	contains "$T/unit/sekisho-watch.service" "ExecStart=$DEST/usr/bin/sekisho-watch"
	man=
	command -v man >/dev/null 2>&1 || {
		man=--man=no
		echo "note: no man(1) here: systemd-analyze verify does not check Documentation="
	}
	rc=0
	# shellcheck disable=SC2086 # man is one word or none
	MANPATH="$DEST/usr/share/man" systemd-analyze verify $man \
		"$T/unit/sekisho-watch.service" >"$T/verify.out" 2>&1 || rc=$?
	# Complaints about the host's own units are not this test's business;
	# any line about this unit is.
	if [ "$rc" -ne 0 ] || grep -q sekisho-watch "$T/verify.out"; then
		cat "$T/verify.out" >&2
		fail "systemd-analyze verify refused contrib/systemd/sekisho-watch.service (exit $rc)"
	fi
	ok
	sed 's/^/note: systemd-analyze, other units: /' "$T/verify.out"
else
	echo "note: systemd-analyze not found: contrib/systemd/sekisho-watch.service NOT verified"
fi

done_ok
