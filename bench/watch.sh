#!/bin/sh
# bench/watch.sh - sekisho-watch's single pass (DESIGN 14) against its peers,
# in one run on the same files, generated into a temp dir from real lines:
#   1. a 1,000,000-line sshd log: tests/data/sshd/loghub-Linux_2k.log (a real
#      host's syslog, 2005; its CRs dropped: syslog files end lines with LF) and
#      tests/data/sshd/real-sshd-9.2.log, repeated with every IPv4 address and
#      client port rewritten per repetition (the first two octets kept; the
#      loopback client of the 9.2 lines becomes 203.0.113.1 first); timestamps
#      and everything else byte for byte (so the clock starts again with each
#      repetition).  sekisho-watch sshd:FILE (every
#      detector on, alerts to /dev/null) against sshguard's parser
#      (sshg-parser on stdin), fail2ban-regex with Debian's sshd filter, and
#      wc -l as the ceiling;
#   2. a 1,000,000-line Squid log in Squid's native format, the 14 real lines of
#      tests/data/squid/native.log with client addresses, hosts, server
#      addresses and timestamps varied: sekisho-watch squid:FILE against
#      goaccess (the predefined SQUID format without its syslog prefix);
#   3. peak memory (max RSS) of sekisho-watch on a 1,000,000-line sshd log
#      where every line has its own source address (real 9.2 failure lines as
#      templates), and on the log of 1, with the evictions it reports.
# Wall-clock time of each whole run (date +%s%N around it; GNU time -f %M for
# the RSS), best of 3 except fail2ban-regex (one run: about a minute).
# sshg-parser looks up in DNS every token that looks like a host name, in any
# line (loghub's "rpc.statd", "kernel.core": about 1,500 lookups here), so
# its speed is that of the resolver: it is measured in a network namespace of
# its own (unshare -n: every lookup fails at once), its parsing alone, and,
# with SSHG_DNS=1, once more with the host's resolver (minutes here).
# Needs sshguard, fail2ban, goaccess, time (Debian packages; scripts/deps.sh).
# Usage: bench/watch.sh [build dir]     LINES=N for a smaller run.
set -eu
B=$(cd "${1:-build}" && pwd)
HERE=$(cd "$(dirname "$0")/.." && pwd)
N=${LINES:-1000000}
W="$B/sekisho-watch"
SSHG=/usr/libexec/sshguard/sshg-parser
F2B_FILTER=/etc/fail2ban/filter.d/sshd.conf
die() { echo "bench/watch.sh: $*" >&2; exit 1; }
[ -x "$W" ] || die "$W not built (make all)"
if unshare -n true 2>/dev/null; then NONET="unshare -n"
elif unshare -rn true 2>/dev/null; then NONET="unshare -rn"
else NONET=""; fi
for t in "$SSHG" /usr/bin/time; do [ -x "$t" ] || die "$t missing (scripts/deps.sh)"; done
for t in fail2ban-regex goaccess; do command -v $t >/dev/null || die "$t missing (scripts/deps.sh)"; done
T=$(mktemp -d /tmp/sekisho-bench-watch.XXXXXX)
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM

# Every detector on: without these settings the off-hours, trap, admin and
# decoy rules are off and cost nothing.
cat >"$T/watch.conf" <<'CONF'
[offhours]
hours = 08:30-18:00
holidays = 2026-01-01, 2026-05-03
[trap]
users = backup_admin, svc_trap
[admin]
users = root, administrator
terminals = 192.0.2.0/24
[decoys]
addresses = 192.0.2.250, 198.51.100.0/28
CONF

# ---- the files ----------------------------------------------------------
tr -d '\r' <"$HERE/tests/data/sshd/loghub-Linux_2k.log" | awk 1 >"$T/base.log"
cat "$HERE/tests/data/sshd/real-sshd-9.2.log" >>"$T/base.log"
BASE_LINES=$(wc -l <"$T/base.log")
awk -v N="$N" '
function ipmap(q, k,   a) {
	if (q == "127.0.0.1") q = "203.0.113.1"
	split(q, a, ".")
	return a[1] "." a[2] "." (a[3] + k) % 256 "." (a[4] + 37 * int(k / 256)) % 256
}
function vary(s, k,   out, q, p) {
	out = ""
	while (match(s, /[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+/)) {
		out = out substr(s, 1, RSTART - 1) ipmap(substr(s, RSTART, RLENGTH), k)
		s = substr(s, RSTART + RLENGTH)
	}
	s = out s
	out = ""
	while (match(s, /port [0-9]+/)) {
		p = substr(s, RSTART + 5, RLENGTH - 5) + 0
		if (p != 22) p = (p - 1024 + 7919 * k) % 64511 + 1024
		out = out substr(s, 1, RSTART + 4) p
		s = substr(s, RSTART + RLENGTH)
	}
	return out s
}
{ line[NR] = $0 }
END {
	n = 0
	for (k = 0; n < N; k++)
		for (i = 1; i <= NR && n < N; i++) {
			print (line[i] ~ /listening on/ ? line[i] : vary(line[i], k))
			n++
		}
}' "$T/base.log" >"$T/sshd.log"

# Every line its own source address: a bijection of the line number onto
# 45.0.0.0/8; the four failure lines of a real OpenSSH 9.2 with UsePAM.
awk -v N="$N" 'BEGIN {
	split("nosuchuser admin oracle test guest ubuntu postgres ftp", u, " ")
	t0 = 6 * 3600 + 24 * 60 + 33
	for (i = 0; i < N; i++) {
		y = (i * 2654435761) % 16777216
		a = "45." int(y / 65536) "." int(y / 256) % 256 "." y % 256
		t = t0 + int(i / 12)
		ts = sprintf("Nov %2d %02d:%02d:%02d", 22 + int(t / 86400), int(t / 3600) % 24, int(t / 60) % 60, t % 60)
		pid = 13000 + i % 50000
		port = 1024 + (i * 7919) % 64511
		v = u[1 + i % 8]
		if (i % 4 == 0) printf "%s gate sshd[%d]: Invalid user %s from %s port %d\n", ts, pid, v, a, port
		else if (i % 4 == 1) printf "%s gate sshd[%d]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=%s  user=root\n", ts, pid, a
		else if (i % 4 == 2) printf "%s gate sshd[%d]: Failed password for root from %s port %d ssh2\n", ts, pid, a, port
		else printf "%s gate sshd[%d]: Failed password for invalid user %s from %s port %d ssh2\n", ts, pid, v, a, port
	}
}' >"$T/distinct.log"

# Squid native: 3000 clients in 10.1.0.0/16, 20,000 destination hosts; the
# port that stood for 443 in the test run is 443, the denied one 8080.  The
# templates are cut at their variable fields (\001 and a letter) once; the
# lines are put together by concatenation (mawk's sub() with a new
# replacement string every line is quadratic).
awk -v N="$N" '
{
	t = $0
	sub(/^[0-9.]+/, "", t)
	match(t, /^ +[0-9]+ /)
	r = substr(t, RLENGTH + 1)
	sub(/^[^ ]+/, "", r)
	t = substr(t, 1, RLENGTH) "\001C" r
	gsub(/(127\.0\.0\.1|localhost):49683/, "\001H:443", t)
	gsub(/\[::1\]:49683/, "[::1]:443", t)
	gsub(/(127\.0\.0\.1|localhost):52829/, "\001H:8080", t)
	gsub(/HIER_DIRECT\/127\.0\.0\.1/, "HIER_DIRECT/\001S", t)
	tpl[NR] = t
}
END {
	for (i = 0; i < N; i++) {
		c = (i * 7919) % 3000
		h = (i * 104729) % 20000
		v["C"] = "10.1." int(c / 250) "." 1 + c % 250
		v["H"] = "www.s" h ".example"
		v["S"] = "93.184." int(h / 250) "." 1 + h % 250
		n = split(tpl[1 + i % NR], part, "\001")
		out = sprintf("%.3f", 1795329060.932 + i * 0.05) part[1]
		for (j = 2; j <= n; j++)
			out = out v[substr(part[j], 1, 1)] substr(part[j], 2)
		print out
	}
}' "$HERE/tests/data/squid/native.log" >"$T/squid.log"
for f in sshd distinct squid; do
	[ "$(wc -l <"$T/$f.log")" -eq "$N" ] || die "$f.log does not have $N lines"
done

# ---- measuring ------------------------------------------------------------
now() { date +%s%N; }
# run NAME TIMES STDIN CMD...: the best wall-clock time of TIMES runs into
# $T/NAME.sec, that run's max RSS (KiB) into $T/NAME.rss; stdout to
# $T/NAME.out, stderr to $T/NAME.err (of the last run).
run() {
	name=$1 times=$2 in=$3
	shift 3
	best=""
	i=0
	while [ $i -lt "$times" ]; do
		t0=$(now)
		rc=0
		/usr/bin/time -f %M -o "$T/$name.time" "$@" <"$in" >"$T/$name.out" 2>"$T/$name.err" || rc=$?
		t1=$(now)
		# sekisho-watch exits 1 when alerts fired; anything else is a failure.
		case "$rc:$1" in 0:* | 1:"$W") ;; *) cat "$T/$name.err" >&2; die "$name: $* exited $rc" ;; esac
		ns=$((t1 - t0))
		if [ -z "$best" ] || [ $ns -lt "$best" ]; then
			best=$ns
			tail -n 1 "$T/$name.time" >"$T/$name.rss"
		fi
		i=$((i + 1))
	done
	awk -v ns="$best" 'BEGIN { printf "%.3f\n", ns / 1e9 }' >"$T/$name.sec"
}
# fail2ban-regex: --no-check-all stops at the first matching failregex (as
# fail2ban-server does); -r: no DNS (loghub's lines name hosts); no line
# listings.  goaccess: its predefined SQUID format expects a syslog prefix
# ("%^ %^ %^ %v %^: " before the native fields), so the same without it.
GA_FORMAT='%x.%^ %~%L %h %^/%s %b %m %U'

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
cat "$T/sshd.log" "$T/squid.log" "$T/distinct.log" >/dev/null
Z=/dev/null
run w_sshd 3 $Z "$W" --config "$T/watch.conf" "sshd:$T/sshd.log"
# shellcheck disable=SC2086 # NONET is a command and its option, or nothing.
run sshg 3 "$T/sshd.log" $NONET "$SSHG"
run f2b 1 $Z fail2ban-regex -r --no-check-all --print-no-missed --print-no-ignored \
	"$T/sshd.log" "$F2B_FILTER"
run wc_sshd 3 $Z wc -l "$T/sshd.log"
run w_squid 3 $Z "$W" --config "$T/watch.conf" "squid:$T/squid.log"
run goaccess 3 $Z goaccess "$T/squid.log" --log-format="$GA_FORMAT" --date-format=%s --time-format=%s \
	-o "$T/goaccess.json"
run wc_squid 3 $Z wc -l "$T/squid.log"
run w_distinct 1 $Z "$W" --config "$T/watch.conf" "sshd:$T/distinct.log"
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
[ "${SSHG_DNS:-0}" = 0 ] || run sshg_dns 1 "$T/sshd.log" "$SSHG"

# ---- the tables ------------------------------------------------------------
row() { # row LABEL NAME REF: seconds, lines/s, ratio of lines/s to REF's, max RSS
	awk -v l="$1" -v s="$(cat "$T/$2.sec")" -v r="$(cat "$T/$3.sec")" -v m="$(cat "$T/$2.rss")" -v n="$N" \
		'BEGIN { printf "  %-40s %8.3f s %12.0f lines/s %7.3fx %8.1f MiB\n", l, s, n / s, r / s, m / 1024 }'
}
hdr() { printf '  %-40s %10s %20s %8s %12s\n' tool seconds lines/s "vs watch" "max RSS"; }
evictions() { sed -n 's/.*: \([0-9]*\) table entries evicted.*/\1/p' "$T/$1.err" | grep . || echo 0; }
summary() { grep -E ': [0-9]+ (lines|records),' "$T/$1.err" | sed 's/^sekisho-watch: [^:]*:[^:]*: //'; }

echo "sekisho-watch against its peers: $N lines each, $(nproc) cores, load $LOAD_BEFORE before, $LOAD_AFTER after"
echo "(\"vs watch\": the tool's lines/s divided by sekisho-watch's)"
echo
echo "1. sshd log ($BASE_LINES real lines repeated, addresses and ports varied; $(du -m "$T/sshd.log" | cut -f1) MB)"
hdr
row "sekisho-watch sshd:FILE (all detectors)" w_sshd w_sshd
row "sshguard sshg-parser <FILE${NONET:+ (no net)}" sshg w_sshd
[ ! -f "$T/sshg_dns.sec" ] || row "  the same with the host's resolver" sshg_dns w_sshd
row "fail2ban-regex -r --no-check-all (sshd)" f2b w_sshd
row "wc -l (ceiling)" wc_sshd w_sshd
echo "  found:"
echo "    sekisho-watch:  $(summary w_sshd); $(sed -n 's/^sekisho-watch: \([0-9]* alerts\)$/\1/p' "$T/w_sshd.err")"
echo "    sshg-parser:    $(wc -l <"$T/sshg.out") attacks"
echo "    fail2ban-regex: $(grep -E '^Lines:' "$T/f2b.out" | sed 's/^Lines: //'); $(grep -E '^Failregex:' "$T/f2b.out")"
echo "    grep:           $(grep -c -E 'Failed (password|publickey|keyboard)' "$T/sshd.log") 'Failed ...' lines," \
	"$(grep -c 'authentication failure;.*rhost=' "$T/sshd.log") pam 'authentication failure' lines with rhost," \
	"$(grep -c 'Invalid user' "$T/sshd.log") 'Invalid user' lines"
echo
echo "2. Squid native access.log (14 real lines, clients, hosts and times varied; $(du -m "$T/squid.log" | cut -f1) MB)"
hdr
row "sekisho-watch squid:FILE (all detectors)" w_squid w_squid
row "goaccess (SQUID format, JSON report)" goaccess w_squid
row "wc -l (ceiling)" wc_squid w_squid
echo "  found:"
echo "    sekisho-watch:  $(summary w_squid); $(sed -n 's/^sekisho-watch: \([0-9]* alerts\)$/\1/p' "$T/w_squid.err")"
python3 -c 'import json, sys
g = json.load(open(sys.argv[1]))["general"]
print("    goaccess:       %d requests, %d valid, %d failed" % (g["total_requests"], g["valid_requests"], g["failed_requests"]))' \
	"$T/goaccess.json" 2>/dev/null || echo "    goaccess:       (no JSON report: $(tail -n 1 "$T/goaccess.err"))"
echo
echo "3. sekisho-watch peak memory (table_capacity 8192, the default)"
awk -v a="$(cat "$T/w_sshd.rss")" -v b="$(cat "$T/w_distinct.rss")" \
	-v ea="$(evictions w_sshd)" -v eb="$(evictions w_distinct)" 'BEGIN {
	printf "  %-40s %8.1f MiB  %9d evictions\n", "the sshd log of table 1", a / 1024, ea
	printf "  %-40s %8.1f MiB  %9d evictions\n", "every line a distinct source address", b / 1024, eb }'
echo "    distinct:       $(summary w_distinct); $(cat "$T/w_distinct.sec") s"
