#!/bin/sh
# sekisho-watch end to end on real logs (tests/data/*, each with its origin
# and licence): the alerts each sample must raise, the exit status (0 none,
# 1 alerts, 2 errors), JSON alert lines, unparsed lines counted and shown,
# settings errors naming file:line and key, and standard input.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/watch_lib.sh"

# loghub's Linux_2k.log: guessing at root from several hosts, no parse errors.
run 1 sshd:"$D/sshd/loghub-Linux_2k.log"
contains "$T/err" "2000 lines"
contains "$T/err" "0 unparsed"
[ "$(count auth.bruteforce)" -ge 5 ] || fail "loghub: $(count auth.bruteforce) brute-force alerts"
contains "$T/out" '"keys":{"user":"root","source":"220-135-151-1.hinet-ip.hinet.net"}'
ok
# Each alert line is one JSON object with the documented fields.
python3 - "$T/out" <<'PY' || fail "alert lines are not the documented JSON"
import json, sys
for line in open(sys.argv[1]):
    a = json.loads(line)
    assert set(a) == {"rule", "severity", "requirement", "summary", "first_seen", "last_seen",
                      "count", "keys", "evidence"}, a.keys()
    assert a["evidence"] and a["count"] >= 1
PY
ok

# A real Debian sshd's log: sign-ins and failures, below every threshold.
run 0 sshd:"$D/sshd/real-sshd-9.2.log"
contains "$T/err" "0 alerts"
# One attempt is counted once, however many lines it writes: root tried one
# wrong password (pam_unix failure, "Failed password", "Connection closed")
# and, on another connection, keys that were refused ("Connection closed"
# alone): two attempts.  The unknown users' four lines each are one attempt.
for f in real-sshd-9.2.log real-sshd-9.2.devlog real-sshd-9.2.E; do
	printf '[auth]\nbrute_failures = 2\n' >"$T/w.conf"
	run 1 --config "$T/w.conf" sshd:"$D/sshd/$f"
	[ "$(count auth.bruteforce)" = 1 ] || fail "$f: $(count auth.bruteforce) brute-force alerts at 2"
	contains "$T/out" '"count":2,"keys":{"user":"root","source":"127.0.0.1"}'
	printf '[auth]\nbrute_failures = 3\n' >"$T/w.conf"
	run 0 --config "$T/w.conf" sshd:"$D/sshd/$f"
done
ok

# The Windows attack samples (EVTX-ATTACK-SAMPLES, GPL-3.0): one rule each.
run 1 winevt:"$D/winevt/kerberos_pwd_spray_4771.evtx"
[ "$(count auth.spray)" = 1 ] || fail "Kerberos spray not seen"
contains "$T/out" '"source":"172.16.66.1"'
run 1 winevt:"$D/winevt/LM_Remote_Service02_7045.evtx"
[ "$(count winevt.service_install)" = 3 ] || fail "7045: $(count winevt.service_install) alerts"
run 1 winevt:"$D/winevt/LM_renamed_psexecsvc_5145.evtx"
[ "$(count winevt.admin_share)" -ge 1 ] || fail "PsExec share access not seen"
run 1 winevt:"$D/winevt/LM_ScheduledTask_ATSVC_target_host.evtx"
[ "$(count winevt.task_create)" = 1 ] && [ "$(count auth.multi_ip)" = 0 ] ||
	fail "scheduled task: $(count winevt.task_create) task alerts, $(count auth.multi_ip) multi-IP"

# Squid's logs from a real Squid (the guide's format too): CONNECTs to the
# test's "SSL" port (tunnelled) and to another port (refused by the ACL).
run 1 squid:"$D/squid/ipa.log"
[ "$(count proxy.connect_port)" -ge 2 ] || fail "CONNECT to odd ports not seen"
# With the tunnelled port allowed, only the refused CONNECTs remain.
port=$(awk '$6 == "CONNECT" && $4 ~ /TUNNEL/ {sub(/.*:/, "", $7); print $7; exit}' "$D/squid/native.log")
printf '[proxy]\nallowed_ports = 443, %s\n' "$port" >"$T/w.conf"
"$WATCH" --config "$T/w.conf" squid:"$D/squid/native.log" >"$T/out" 2>"$T/err" || true
lacks "$T/out" "\"port\":\"$port\""
contains "$T/out" "refused CONNECT"

# Traffic far above or below a source's own baseline (E8), on a generated
# Squid log in the real log's format: four weeks of 2 MiB per workday from
# three terminals; in week four .5 sends 200 MiB on Tuesday and .6 falls silent.
awk 'BEGIN {
	monday = 1790521200 # 2026-09-28 00:00 in Tokyo, the default [offhours] zone
	for (day = 0; day < 28; day++) {
		if (day % 7 >= 5) continue
		for (i = 0; i < 10; i++) {
			t = monday + day * 86400 + 9 * 3600 + i * 600
			n = split("10.0.0.5 10.0.0.6 10.0.0.7", c, " ")
			for (k = 1; k <= n; k++) {
				if (c[k] == "10.0.0.6" && day >= 21) continue
				bytes = (c[k] == "10.0.0.5" && day == 22) ? 20971520 : 209715
				printf "%d.%03d %6d %s TCP_MISS/200 %d GET http://intranet.example/ - HIER_DIRECT/192.0.2.80 text/html\n", t, k, 40, c[k], bytes
			}
		}
	}
}' >"$T/volume.log"
run 1 squid:"$T/volume.log"
[ "$(count net.volume_high)" = 1 ] && [ "$(count net.volume_low)" = 1 ] ||
	fail "volume: $(count net.volume_high) high, $(count net.volume_low) low"
contains "$T/out" '"keys":{"source":"10.0.0.5","log":"squid"}'
contains "$T/out" '"keys":{"source":"10.0.0.6","log":"squid"}'
[ "$(grep -c . "$T/out")" = 2 ] || fail "volume: other alerts: $(cat "$T/out")"
printf '[volume]\nbucket = 0\n' >"$T/w.conf"
run 0 --config "$T/w.conf" squid:"$T/volume.log"

# Firewall drops: outbound from the terminals only, updaters allowed.
run 1 firewall:"$D/firewall/iptables-syslog.log"
lacks "$T/out" '"source":"203.0.113.7"' # an inbound scan is not "direct outbound"
contains "$T/err" "1 unparsed (line 16:"
printf '[firewall]\nallow = 93.184.216.34\n' >"$T/w.conf"
"$WATCH" --config "$T/w.conf" firewall:"$D/firewall/iptables-syslog.log" >"$T/out" 2>"$T/err" || true
lacks "$T/out" '93.184.216.34'

# Beaconing seen in a firewall's accept log: the real log's line, every 300 s
# (give or take 2) from one terminal to one address for 80 minutes, next to
# a terminal whose connections come at irregular times.
awk 'BEGIN {
	u = 5 * 3600
	for (i = 0; i < 16; i++) {
		t = 5 * 3600 + i * 300 + (i % 3) - 1
		printf "Nov 22 %02d:%02d:%02d gw kernel: [%d.000001] OUT-ACCEPT: IN=eth1 OUT=eth0 SRC=10.0.0.20 DST=198.51.100.9 LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=%d DF PROTO=TCP SPT=%d DPT=8443 WINDOW=64240 RES=0x00 SYN URGP=0 \n", t / 3600, t % 3600 / 60, t % 60, 123456 + i, i, 40000 + i
		u += (i * 7919 + 13) % 900 + 5 # a person: no two gaps alike
		printf "Nov 22 %02d:%02d:%02d gw kernel: [%d.000002] OUT-ACCEPT: IN=eth1 OUT=eth0 SRC=10.0.0.21 DST=198.51.100.10 LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=%d DF PROTO=TCP SPT=%d DPT=443 WINDOW=64240 RES=0x00 SYN URGP=0 \n", u / 3600, u % 3600 / 60, u % 60, 123456 + i, i, 41000 + i
	}
}' | sort -s -k3,3 >"$T/accept.log"
run 1 firewall:"$T/accept.log"
[ "$(count net.beacon)" = 1 ] || fail "firewall beacon: $(count net.beacon) alerts"
contains "$T/out" '"keys":{"source":"10.0.0.20","destination":"198.51.100.9"}'

# Sekisho's own audit, then a trap account and standard input.
run 0 sekisho:"$D/sekisho/audit.jsonl"
printf '[trap]\nusers = administrator\n' >"$T/w.conf"
run 1 --config "$T/w.conf" --format text sekisho:- <"$D/sekisho/audit.jsonl"
contains "$T/out" "auth.trap_account (E5)"

# The HTML report: every rule that fired, the logs with their counts, the
# evidence escaped (log lines are attacker-written), well-formed.
run 1 --report "$T/r.html" sshd:"$D/sshd/loghub-Linux_2k.log" winevt:"$D/winevt/kerberos_pwd_spray_4771.evtx"
contains "$T/r.html" "Alerts by rule"
contains "$T/r.html" "auth.bruteforce"
contains "$T/r.html" "auth.spray"
contains "$T/r.html" "loghub-Linux_2k.log</code></td><td class=\"n\">2000</td>"
contains "$T/r.html" "<svg"
printf 'Nov 22 05:00:00 gw sshd[1]: Invalid user <script>x</script> from 192.0.2.1 port 1\n' >"$T/xss.log"
printf '[trap]\nusers = <script>x</script>\n' >"$T/w.conf"
run 1 --config "$T/w.conf" --report "$T/x.html" sshd:"$T/xss.log"
lacks "$T/x.html" "<script>"
contains "$T/x.html" "&lt;script&gt;"
python3 - "$T/r.html" <<'PY' || fail "report is not well-formed"
import html.parser, sys
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.stack = []
    def handle_starttag(self, tag, a):
        if tag not in ("meta", "br", "rect", "link"): self.stack.append(tag)
    def handle_endtag(self, tag):
        if tag in ("rect",): return
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()
p = P(); p.feed(open(sys.argv[1]).read()); assert p.stack == [], p.stack
PY
ok

# Errors: exit 2 with the reason.
printf '[auth]\nspray_users = many\n' >"$T/bad.conf"
run 2 --config "$T/bad.conf" sshd:-
contains "$T/err" "bad.conf:2: [auth] spray_users: bad value 'many'"
run 2 nosuch:/dev/null
contains "$T/err" "unknown source type 'nosuch'"
run 2 sshd:"$T/missing.log"
contains "$T/err" "No such file"
run 2
done_ok
