#!/bin/sh
# sekisho-watch end to end, one rule at a time, for the rules that
# 97_watch.sh does not reach: the real binary on real log lines
# (tests/data/*, each with its README) under a configuration that makes the
# rule apply, the rule id and its keys asserted, then the same input under a
# configuration (or with the history) that must keep the rule quiet.
#   auth.distributed                real Debian sshd failure lines, address varied
#   proxy.connect_denied            a real Squid's refused CONNECTs
#   proxy.long_connect              a real Squid's tunnel, its elapsed time rewritten
#   firewall.direct_outbound        a real kernel's nft LOG lines (dmesg); the
#                                   hand-written iptables/journald samples too
#   admin.wrong_terminal            real sshd "Accepted publickey"; a real 4624
#   net.decoy                       the real nft LOG lines; the real Squid's CONNECTs
#   inventory.disabled_signin,      Sekisho's own audit, written here by the real
#   inventory.mfa_reset_new_address CLI, then the real sshd sign-in (re-timed)
# winevt.explicit_credentials (4648) is not here: none of the real EVTX
# samples in tests/data/winevt holds a 4648 (evtxexport shows 4624, 4661,
# 4672, 4688, 4698, 4699, 4768, 4771, 4776, 5140, 5145, 7045, 1102), and an
# invented record would not be a real log; test_watch_detect.c covers it.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/watch_lib.sh"
SSHD_LOG="$D/sshd/real-sshd-9.2.log"
# fired RULE KEYS: an alert of RULE whose keys are exactly KEYS (JSON).
fired() {
	grep -F "\"rule\":\"$1\"" "$T/out" | grep -qF "\"keys\":$2," ||
		{ cat "$T/err" "$T/out" >&2; fail "no $1 alert with keys $2"; }
	ok
}
# quiet RULE: no alert of RULE.
quiet() {
	[ "$(count "$1")" = 0 ] || { cat "$T/out" >&2; fail "$1 fired: $(count "$1") alerts"; }
	ok
}
# conf FORMAT [ARGS]: writes the settings file (FORMAT is printf's, for \n).
# shellcheck disable=SC2059
conf() { printf "$@" >"$T/w.conf"; }

# ---- auth.distributed -------------------------------------------------------
# One account failing from many sources: root's one wrong password in the
# real Debian sshd log (pid 13579: pam_unix failure, "Failed password",
# "Connection closed"), the real lines repeated with the client address (and
# sshd's pid: one connection, one process) varied, 198.51.100.1 to .8, the
# way bench/watch.sh varies real lines.  Each repetition is one attempt (the
# three lines of a connection count once), so 8 sources make count 8.
grep -q 'sshd\[13579\]: Failed password for root from 127.0.0.1 ' "$SSHD_LOG" ||
	fail "real-sshd-9.2.log changed: no failure of root in pid 13579"
awk -v n=8 '/sshd\[13579\]/ { line[++k] = $0 }
END {
	for (i = 1; i <= n; i++)
		for (j = 1; j <= k; j++) {
			s = line[j]
			gsub(/127\.0\.0\.1/, "198.51.100." i, s)
			sub(/sshd\[13579\]/, "sshd[" 13579 + 10 * i "]", s)
			print s
		}
}' "$SSHD_LOG" >"$T/distributed.log"
run 1 sshd:"$T/distributed.log"
fired auth.distributed '{"user":"root"}'
contains "$T/out" '"count":8,"keys":{"user":"root"}'
[ "$(grep -c . "$T/out")" = 1 ] || fail "distributed: other alerts: $(cat "$T/out")"
conf '[auth]\ndistributed_sources = 9\n'
run 0 --config "$T/w.conf" sshd:"$T/distributed.log"
# Seven sources at the default of 8: below the threshold.
grep -v 'sshd\[13659\]' "$T/distributed.log" >"$T/seven.log"
run 0 sshd:"$T/seven.log"

# ---- proxy.connect_denied ---------------------------------------------------
# The real Squid refused two CONNECTs to its plain-HTTP port (TCP_DENIED/403,
# from 127.0.0.1 and 127.0.0.2).  With that port allowed, a refusal is
# proxy.connect_denied; with it not allowed (the default, 443 only), the same
# lines are proxy.connect_port and connect_denied stays quiet.  The three
# logs hold the same requests in three formats.
dport=$(awk '$6 == "CONNECT" && $4 ~ /^TCP_DENIED/ {sub(/.*:/, "", $7); print $7; exit}' "$D/squid/native.log")
[ -n "$dport" ] || fail "native.log changed: no refused CONNECT"
conf '[proxy]\nallowed_ports = 443, %s\n' "$dport"
for f in native.log ipa.log combined.log; do
	run 1 --config "$T/w.conf" squid:"$D/squid/$f"
	[ "$(count proxy.connect_denied)" = 2 ] || fail "$f: $(count proxy.connect_denied) connect_denied"
	fired proxy.connect_denied "{\"source\":\"127.0.0.1\",\"destination\":\"127.0.0.1\",\"port\":\"$dport\"}"
	fired proxy.connect_denied "{\"source\":\"127.0.0.2\",\"destination\":\"127.0.0.1\",\"port\":\"$dport\"}"
	[ "$(grep -F '"rule":"proxy.connect_port"' "$T/out" | grep -cF "\"port\":\"$dport\"")" = 0 ] ||
		fail "$f: a refused CONNECT to an allowed port reported as connect_port"
	ok
done
grep ' CONNECT .* HIER_NONE/' "$D/squid/native.log" >"$T/refused.log"
run 1 squid:"$T/refused.log"
quiet proxy.connect_denied
fired proxy.connect_port "{\"source\":\"127.0.0.1\",\"destination\":\"127.0.0.1\",\"port\":\"$dport\"}"
fired proxy.connect_port "{\"source\":\"127.0.0.2\",\"destination\":\"127.0.0.1\",\"port\":\"$dport\"}"
run 1 squid:"$D/squid/native.log"
quiet proxy.connect_denied
# The whole log at the default (443 only): the refused CONNECTs to $dport
# alert although the same clients tunnelled to the same address on another
# port before (suppression is per port too).
fired proxy.connect_port "{\"source\":\"127.0.0.1\",\"destination\":\"127.0.0.1\",\"port\":\"$dport\"}"
fired proxy.connect_port "{\"source\":\"127.0.0.2\",\"destination\":\"127.0.0.1\",\"port\":\"$dport\"}"

# ---- proxy.long_connect -----------------------------------------------------
# The real Squid's tunnels lasted milliseconds (field 2 of native.log: 126 at
# most), so none qualifies even at the smallest setting, 1 s ...
conf '[proxy]\nlong_connect = 1s\n'
run 1 --config "$T/w.conf" squid:"$D/squid/native.log"
quiet proxy.long_connect
# ... and the first tunnel's line is used with only its elapsed time rewritten
# to two hours (7200000 ms, right-aligned as Squid writes it).
awk '!done && $6 == "CONNECT" && $4 ~ /^TCP_TUNNEL/ {
	sub(/^[^ ]+ +[0-9]+ /, $1 sprintf(" %6d ", 7200000)); done = 1 } { print }' \
	"$D/squid/native.log" >"$T/long.log"
[ "$(cmp "$D/squid/native.log" "$T/long.log" | wc -l)" = 1 ] || fail "long.log: no line rewritten"
run 1 squid:"$T/long.log" # default 1h
[ "$(count proxy.long_connect)" = 1 ] || fail "long_connect: $(count proxy.long_connect) alerts at 1h"
fired proxy.long_connect '{"source":"127.0.0.1","destination":"127.0.0.1"}'
contains "$T/out" "stayed open 7200 s"
conf '[proxy]\nlong_connect = 3h\n'
run 1 --config "$T/w.conf" squid:"$T/long.log"
quiet proxy.long_connect
# A tunnel of exactly long_connect is not longer than it.
conf '[proxy]\nlong_connect = 2h\n'
run 1 --config "$T/w.conf" squid:"$T/long.log"
quiet proxy.long_connect

# ---- firewall.direct_outbound -------------------------------------------------
# real-nft-6.18.dmesg: a real kernel's nft LOG lines, loopback only: probes
# from 127.0.0.1 dropped on the way to 127.0.0.99 ("OUTBOUND-DROP: " TCP and
# its retry, "[UFW BLOCK] " UDP).  Loopback is no terminal network by
# default; with 127.0.0.1 as the terminals' network they are direct outbound.
NFT="$D/firewall/real-nft-6.18.dmesg"
run 0 firewall:"$NFT"
conf '[firewall]\ninternal = 127.0.0.1/32\n'
run 1 --config "$T/w.conf" firewall:"$NFT"
contains "$T/err" "8 lines, 8 events, 0 unparsed"
fired firewall.direct_outbound '{"source":"127.0.0.1","destination":"127.0.0.99"}'
# dmesg lines carry no wall-clock time: one alert per rule and key all the same.
[ "$(grep -F '"rule":"firewall.direct_outbound"' "$T/out" | grep -cF '"destination":"127.0.0.99"')" = 1 ] ||
	fail "dmesg: one key alerted more than once"
# The updater allowed: those drops are expected.
conf '[firewall]\ninternal = 127.0.0.1/32\nallow = 127.0.0.99\n'
"$WATCH" --config "$T/w.conf" firewall:"$NFT" >"$T/out" 2>"$T/err" || true
lacks "$T/out" '"destination":"127.0.0.99"'
# Destination inside the terminals' network: not outbound.
conf '[firewall]\ninternal = 127.0.0.0/8\n'
run 0 --config "$T/w.conf" firewall:"$NFT"
# The hand-written samples in the kernel's format (README): iptables in
# syslog, nftables as journald shows it (IPv6 in full and short form, one key).
run 1 firewall:"$D/firewall/iptables-syslog.log"
fired firewall.direct_outbound '{"source":"10.0.0.5","destination":"93.184.216.34"}'
fired firewall.direct_outbound '{"source":"10.0.0.6","destination":"8.8.8.8"}'
lacks "$T/out" '"source":"203.0.113.7"' # inbound scan
conf '[firewall]\ninternal = 10.0.0.5/32\n'
run 1 --config "$T/w.conf" firewall:"$D/firewall/iptables-syslog.log"
quiet_others=$(grep -F '"rule":"firewall.direct_outbound"' "$T/out" | grep -vcF '"source":"10.0.0.5"' || true)
[ "$quiet_others" = 0 ] || fail "direct_outbound from outside [firewall] internal"
ok
conf '[firewall]\ninternal = 2001:db8::/32\n'
run 1 --config "$T/w.conf" firewall:"$D/firewall/nftables-journal.log"
fired firewall.direct_outbound '{"source":"2001:db8:10::23","destination":"2606:4700::6810:84e5"}'
[ "$(count firewall.direct_outbound)" = 1 ] || fail "IPv6 in two forms: $(count firewall.direct_outbound) alerts"

# ---- admin.wrong_terminal -----------------------------------------------------
# The real sshd: root signed in with a key from 127.0.0.1.
conf '[admin]\nusers = root\nterminals = 192.0.2.0/24\n'
run 1 --config "$T/w.conf" sshd:"$SSHD_LOG"
fired admin.wrong_terminal '{"user":"root","source":"127.0.0.1"}'
[ "$(grep -c . "$T/out")" = 1 ] || fail "admin: other alerts: $(cat "$T/out")"
conf '[admin]\nusers = root\nterminals = 192.0.2.0/24, 127.0.0.1\n'
run 0 --config "$T/w.conf" sshd:"$SSHD_LOG"
conf '[admin]\nusers = admin\nterminals = 192.0.2.0/24\n' # root is not an administrator here
run 0 --config "$T/w.conf" sshd:"$SSHD_LOG"
# A real Windows network logon (4624, type 3) of Administrator from 10.0.2.17.
ATSVC="$D/winevt/LM_ScheduledTask_ATSVC_target_host.evtx"
conf '[admin]\nusers = administrator\nterminals = 10.0.9.0/24\n'
run 1 --config "$T/w.conf" winevt:"$ATSVC"
fired admin.wrong_terminal '{"user":"Administrator","source":"10.0.2.17"}'
conf '[admin]\nusers = administrator\nterminals = 10.0.2.0/24\n'
run 1 --config "$T/w.conf" winevt:"$ATSVC" # task_create, admin_share
quiet admin.wrong_terminal

# ---- net.decoy ----------------------------------------------------------------
# The real nft LOG lines: 127.0.0.1 probed 127.0.0.98 (TCP, ICMP echo); the
# ICMP error that 127.0.0.98 sent back quotes a packet *to* .98, whose DST
# must not be read as the error's destination.
conf '[decoys]\naddresses = 127.0.0.98\n'
run 1 --config "$T/w.conf" firewall:"$NFT"
fired net.decoy '{"source":"127.0.0.1","destination":"127.0.0.98"}'
lacks "$T/out" '"keys":{"source":"127.0.0.98"'
conf '[decoys]\naddresses = 127.0.0.97, 127.0.1.0/24\n'
run 0 --config "$T/w.conf" firewall:"$NFT"
# The real Squid's CONNECTs: a tunnel to [::1] (an unused address here).
conf '[proxy]\nallowed_ports = 443, 49683, 52829\n[decoys]\naddresses = ::1\n'
run 1 --config "$T/w.conf" squid:"$D/squid/native.log"
fired net.decoy '{"source":"127.0.0.1","destination":"::1"}'
[ "$(count net.decoy)" = 1 ] || fail "squid decoy: $(count net.decoy) alerts"
conf '[proxy]\nallowed_ports = 443, 49683, 52829\n[decoys]\naddresses = ::2\n'
run 1 --config "$T/w.conf" squid:"$D/squid/native.log" # the refusals remain
quiet net.decoy

# ---- inventory.* : Sekisho's audit, then the sign-in -------------------------
# The real CLI on a fresh database writes the account's story; `sekisho audit
# export` after each step gives the audit as it stood then.  The sign-in is
# the real sshd log's (root, publickey, 127.0.0.1), re-timed: its syslog
# stamps are rewritten to follow (or precede) the audit's times, keeping the
# seconds between lines, and the file's mtime set to match (RFC 3164 stamps
# take their year from it).  Everything else in the lines is as sshd wrote it.
retime() { # IN OUT START: the first line at START (Unix time), the rest after it
	python3 - "$@" <<'PY' || fail "cannot re-time $1"
import calendar, os, sys, time
src, dst, start = sys.argv[1], sys.argv[2], int(sys.argv[3])
def ts(s):
    return calendar.timegm(time.strptime("2001 " + s, "%Y %b %d %H:%M:%S"))
lines = open(src).read().splitlines()
t0 = ts(lines[0][:15])
with open(dst, "w") as f:
    for line in lines:
        t = start + ts(line[:15]) - t0
        f.write(time.strftime("%b %e %H:%M:%S", time.gmtime(t)) + line[15:] + "\n")
os.utime(dst, (start, start))
PY
}
audit_ts() { pyjson "print($1(e['ts'] for e in d))" <"$T/audit.json"; }
export_audit() {
	"$SEKISHO" audit export >"$1" || fail "audit export"
	python3 -c 'import json, sys; print(json.dumps([json.loads(l) for l in open(sys.argv[1])]))' \
		"$1" >"$T/audit.json"
}
"$SEKISHO" init >"$T/init.out" 2>&1 || { cat "$T/init.out" >&2; fail "sekisho init"; }
printf 'Kawa-no-Nagare-77q\n' | "$SEKISHO" user add root --password-stdin >/dev/null || fail "user add"
"$SEKISHO" user disable root >/dev/null || fail "user disable"
export_audit "$T/a-disabled.jsonl"
contains "$T/a-disabled.jsonl" '"action":"user.disable","target":"root"'
# An hour after the account's creation: later than every step below too.
retime "$SSHD_LOG" "$T/after.log" $(($(audit_ts max) + 3600))
retime "$SSHD_LOG" "$T/before.log" $(($(audit_ts min) - 86400))

# A disabled account signs in.
run 1 sekisho:"$T/a-disabled.jsonl" sshd:"$T/after.log"
fired inventory.disabled_signin '{"user":"root","source":"127.0.0.1"}'
quiet inventory.mfa_reset_new_address
# Without the audit, nothing is known of the account.
run 0 sshd:"$T/after.log"
# Enabled again: no alert.
"$SEKISHO" user enable root >/dev/null || fail "user enable"
export_audit "$T/a-enabled.jsonl"
run 0 sekisho:"$T/a-enabled.jsonl" sshd:"$T/after.log"

# The second factor reset: the first sign-in after it comes from an address
# root never used (this audit knows none) ...
"$SEKISHO" mfa reset root >/dev/null || fail "mfa reset"
export_audit "$T/a-reset.jsonl"
reset_time=$(pyjson "print([e['time'] for e in d if e['action'] == 'mfa.reset' and e['target'] == 'root'][-1])" \
	<"$T/audit.json") || fail "no mfa.reset of root in the audit"
run 1 sekisho:"$T/a-reset.jsonl" sshd:"$T/after.log"
fired inventory.mfa_reset_new_address '{"user":"root","source":"127.0.0.1"}'
contains "$T/out" "\"rule\":\"inventory.mfa_reset_new_address\",\"severity\":\"high\",\"requirement\":\"D4\""
grep -F '"rule":"inventory.mfa_reset_new_address"' "$T/out" | grep -qF "\"first_seen\":\"$reset_time\"" ||
	fail "mfa_reset_new_address: first_seen is not the reset's time $reset_time"
ok
quiet inventory.disabled_signin
# ... and so it is when root signed in before the reset, but from elsewhere:
# 192.0.2.7 (the same real log a day before the audit, the address rewritten) ...
sed 's/127\.0\.0\.1/192.0.2.7/g' "$T/before.log" >"$T/before-other.log"
touch -r "$T/before.log" "$T/before-other.log"
run 1 sshd:"$T/before-other.log" sekisho:"$T/a-reset.jsonl" sshd:"$T/after.log"
fired inventory.mfa_reset_new_address '{"user":"root","source":"127.0.0.1"}'
# ... but with root's earlier sign-in from 127.0.0.1 itself, the address is
# known: no alert.
run 0 sshd:"$T/before.log" sekisho:"$T/a-reset.jsonl" sshd:"$T/after.log"

# Deleted: a sign-in is again an account that should not exist.
"$SEKISHO" user delete root >/dev/null || fail "user delete"
export_audit "$T/a-deleted.jsonl"
run 1 sekisho:"$T/a-deleted.jsonl" sshd:"$T/after.log"
fired inventory.disabled_signin '{"user":"root","source":"127.0.0.1"}'
done_ok
