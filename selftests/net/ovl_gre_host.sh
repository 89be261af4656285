#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ovl-gre on a host that runs what production hosts run, next to the
# in-tree gretap as the reference: conntrack with an nft ct-state rule
# (ovl-gre packets get confirmed entries, ESTABLISHED, as gretap's do), an
# IPsec policy requiring ESP for GRE (plaintext ovl-gre is dropped exactly
# as gretap's; with an ESP SA both pass), and an NFQUEUE consumer that
# accepts every GRE packet (ovl-gre over IPv4 and IPv6 keeps working; a
# splat would fail the run).
#
#   A-h1  -- br-A  -- gA  ovl-gre key 70 ........ gA  ovl-gre key 70 -- br-A  -- A-h2
#   A6-h1 -- br-A6 -- gA6 ovl-gre key 72 (IPv6) .. gA6 ovl-gre key 72 -- br-A6 -- A6-h2
#   R-h1  -- br-R  -- gR  gretap key 71 ......... gR  gretap key 71 -- br-R  -- R-h2
#                h1 ul ============ sw ============ ul h2
#                                          (h2: nft + conntrack, xfrm, NFQUEUE)
set -euo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/topo.sh"

require_cmd nft
check "modprobe ovlnet" modprobe ovlnet
topo_underlay 2

tenant()
{
	local t=$1 kind=$2 key=$3 net=$4 fam=$5 i j loc rem
	for i in 1 2; do
		j=$((3 - i))
		if [ "$fam" = 4 ]; then loc=192.0.2.$i rem=192.0.2.$j
		else loc=2001:db8::$i rem=2001:db8::$j; fi
		check "h$i g$t $kind key $key" ip -n h$i link add g$t type $kind \
			key $key local $loc remote $rem
		topo_tenant_bridge h$i $t g$t
		topo_vm h$i $t $net.$i/24 02:00:00:00:$key:0$i
	done
}
tenant A ovl-gre 70 10.70.0 4
tenant R gretap 71 10.71.0 4
tenant A6 ovl-gre 72 10.72.0 6

# --- conntrack: confirmed entries, ESTABLISHED like gretap ----------------
# The GRE key is the transport header's second word (no C bit here).
nsx h2 nft -f - <<-'EOF2'
	table inet t {
		chain in {
			type filter hook input priority 0; policy accept;
			meta l4proto gre @th,32,32 70 ct state established counter comment "est70"
			meta l4proto gre @th,32,32 71 ct state established counter comment "est71"
			meta l4proto gre @th,32,32 72 ct state established counter comment "est72"
		}
	}
EOF2
# est KEY: packets of GRE key KEY that conntrack saw as ESTABLISHED
est()
{
	nsx h2 nft list chain inet t in |
		awk -v c="\"est$1\"" '$0 ~ c { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }'
}
for t in A:10.70.0 R:10.71.0 A6:10.72.0; do
	IFS=: read -r n net <<<"$t"
	check "$n pings" wait_for -t 20 nsx $n-h1 ping -c 1 -W 1 $net.2
	check "$n more pings" nsx $n-h1 ping -c 4 -i 0.2 -W 2 $net.2
done
for k in 70 71 72; do
	n=$(est $k)
	log "GRE key $k: $n packets ESTABLISHED on h2"
	[ "${n:-0}" -gt 0 ] || fail "key $k: never ESTABLISHED (conntrack entry never confirmed)"
done

# --- IPsec: an inbound policy requiring ESP for GRE ------------------------
# numbers, not names: the guest may lack /etc/protocols
nsx h2 ip xfrm policy add src 192.0.2.1/32 dst 192.0.2.2/32 proto 47 dir in \
	tmpl src 192.0.2.1 dst 192.0.2.2 proto esp mode transport level required
for t in R:10.71.0 A:10.70.0; do
	IFS=: read -r n net <<<"$t"
	nsx $n-h1 ip neigh flush dev eth0
	check_fail "$n: plaintext GRE dropped by the IPsec policy" \
		nsx $n-h1 ping -c 3 -i 0.3 -W 1 $net.2
done
mism=$(nsx h2 awk '$1 == "XfrmInTmplMismatch" { print $2 }' /proc/net/xfrm_stat 2>/dev/null || echo ?)
log "h2 XfrmInTmplMismatch: $mism"
ENC=0x0123456789abcdef0123456789abcdef
AUTH=0x0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
for h in h1 h2; do
	check "$h: ESP SA" nsx $h ip xfrm state add src 192.0.2.1 dst 192.0.2.2 \
		proto esp spi 0x1000 mode transport enc 'cbc(aes)' $ENC \
		auth-trunc 'hmac(sha256)' $AUTH 128
done
check "h1: GRE out through ESP" nsx h1 ip xfrm policy add src 192.0.2.1/32 \
	dst 192.0.2.2/32 proto 47 dir out \
	tmpl src 192.0.2.1 dst 192.0.2.2 proto esp mode transport
for t in R:10.71.0 A:10.70.0; do
	IFS=: read -r n net <<<"$t"
	check "$n: GRE in ESP passes" wait_for -t 20 nsx $n-h1 ping -c 1 -W 1 $net.2
done
n=$(nsx h2 ip -s xfrm state | awk '/lifetime current/ { getline; print $1; exit }')
log "h2 ESP SA decrypted ${n:-?} bytes"
for h in h1 h2; do
	nsx $h ip xfrm policy flush
	nsx $h ip xfrm state flush
done

# --- NFQUEUE: every GRE packet through a userspace verdict ----------------
nsx h2 "$DIR/nfqaccept" 0 /tmp/nfq.count >/tmp/nfq.out 2>&1 &
nfq=$!
check "nfqaccept bound" wait_for -t 10 grep -q ready /tmp/nfq.out
check "GRE to NFQUEUE 0" nsx h2 nft add rule inet t in meta l4proto gre queue num 0
for t in A:10.70.0 R:10.71.0 A6:10.72.0; do
	IFS=: read -r n net <<<"$t"
	check "$n pings through NFQUEUE" wait_for -t 20 nsx $n-h1 ping -c 1 -W 1 $net.2
done
nsx A-h2 iperf3 -s -D -1 -p 5201 >/dev/null
sleep 0.5
check "A: TCP through NFQUEUE" nsx A-h1 iperf3 -c 10.70.0.2 -p 5201 -t 2 -f m
check "A6 still pings" nsx A6-h1 ping -c 3 -i 0.2 -W 2 10.72.0.2
kill $nfq
wait $nfq 2>/dev/null || true
log "NFQUEUE verdicts: $(cat /tmp/nfq.count)"
[ "$(cat /tmp/nfq.count)" -gt 10 ] || fail "NFQUEUE saw almost nothing"
log PASS
