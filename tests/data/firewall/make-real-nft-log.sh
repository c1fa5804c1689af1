#!/bin/sh
# Produces real-nft-6.18.dmesg: netfilter LOG lines written by the running
# kernel (nftables "log" statements), read back with dmesg.  Run as root
# on a host (the kernel logs from the initial network namespace only,
# unless net.netfilter.nf_log_all_netns=1).  Only loopback traffic to
# 127.0.0.98/.99 and [::1] port 9 is matched, the table is removed at the
# end, and nothing is dropped but those probes.
set -eu
OUT=$(cd "$(dirname "$0")" && pwd)
trap 'nft delete table inet sekisho_sample 2>/dev/null || true' EXIT INT TERM
nft -f - <<'NFT'
table inet sekisho_sample {
	chain out {
		type filter hook output priority 0; policy accept;
		ip daddr 127.0.0.99 tcp dport 9 log prefix "OUTBOUND-DROP: " drop
		ip daddr 127.0.0.99 udp dport 9 log prefix "[UFW BLOCK] " drop
		ip daddr 127.0.0.98 icmp type echo-request log prefix "ICMP ACCEPT " accept
		ip6 daddr ::1 tcp dport 9 log prefix "v6-reject: " reject with tcp reset
		ip6 daddr ::1 udp dport 9 log prefix "[UFW ALLOW] " accept
	}
	chain in {
		type filter hook input priority 0; policy accept;
		ip daddr 127.0.0.98 tcp dport 9 log
		ip daddr 127.0.0.1 icmp type destination-unreachable log prefix "icmp-err: "
	}
}
NFT
M0=$(dmesg | wc -l)
python3 - <<'PY'
import socket, struct
def tcp(addr, fam=socket.AF_INET, t=1.2):
    s = socket.socket(fam); s.settimeout(t)
    try: s.connect((addr, 9))
    except OSError: pass
def udp(data, addr, fam=socket.AF_INET):
    try: socket.socket(fam, socket.SOCK_DGRAM).sendto(data, (addr, 9))
    except OSError: pass                            # EPERM: dropped on the way out
tcp("127.0.0.99")                                   # dropped: OUTBOUND-DROP (and its retry)
udp(b"x", "127.0.0.99")                             # dropped: [UFW BLOCK]
tcp("::1", socket.AF_INET6)                         # rejected: v6-reject
udp(b"hello", "::1", socket.AF_INET6)               # accepted: [UFW ALLOW]
tcp("127.0.0.98")                                   # input chain, no prefix; refused
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b)); s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff
h = struct.pack("!BBHHH", 8, 0, 0, 0x1234, 1) + b"sekisho\0"
h = h[:2] + struct.pack("!H", csum(h)) + h[4:]
socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP).sendto(h, ("127.0.0.98", 0))
udp(b"ping", "127.0.0.98")                          # closed port: ICMP error quoting the packet
PY
sleep 0.5
dmesg | tail -n +$((M0 + 1)) | grep -E 'IN=' >"$OUT/real-nft-6.18.dmesg"
