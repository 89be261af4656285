#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ovl-gre transmit: over IPv6 the outer flow label hashes the inner flow
# (not 0 for everything: ECMP in the underlay spreads tenants' flows), and
# fwmark survives the cross-namespace scrub (the device lives in the VM's
# namespace, its underlay in h1's) over IPv4 and IPv6.
#
#   A-h1 -- br-A -- gA  ovl-gre key 90 (IPv6) ..... gA ovl-gre key 90 -- br-A -- A-h2
#   M-h1 (gM ovl-gre key 91, fwmark 0x2a, underlay h1) ..... gM ovl-gre key 91 in h2
#   M6-h1 (gM6 ovl-gre key 92, IPv6, fwmark 0x2a)   ..... gM6 ovl-gre key 92 in h2
#              h1 ul ============ sw ============ ul h2
set -euo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/topo.sh"

require_cmd nft
check "modprobe ovlnet" modprobe ovlnet
topo_underlay 2

# --- flow label -------------------------------------------------------------
for i in 1 2; do
	j=$((3 - i))
	check "h$i gA key 90 v6" ip -n h$i link add gA type ovl-gre key 90 \
		local 2001:db8::$i remote 2001:db8::$j
	topo_tenant_bridge h$i A gA
	topo_vm h$i A 10.9.0.$i/24 02:00:00:00:09:0$i
done
check "A pings" wait_for -t 20 nsx A-h1 ping -c 1 -W 1 10.9.0.2
nsx h2 tcpdump -Z root -l -nn -v -i ul 'ip6 and proto 47' >/tmp/fl.txt 2>/tmp/fl.err &
cap=$!
check "capture ready" wait_for -t 10 grep -q listening /tmp/fl.err
nsx A-h2 iperf3 -s -D -1 -p 5201 >/dev/null
sleep 0.5
check "A: TCP, 4 flows" nsx A-h1 iperf3 -c 10.9.0.2 -p 5201 -t 2 -P 4 -f m
sleep 0.5
kill $cap
wait $cap 2>/dev/null || true
labels=$(grep -o 'flowlabel 0x[0-9a-f]*' /tmp/fl.txt | awk '{print $2}' | sort | uniq -c | sort -rn)
log "flow labels seen (count label): $(echo $labels)"
[ -n "$labels" ] || fail "no IPv6 GRE captured"
nz=$(grep -o 'flowlabel 0x[0-9a-f]*' /tmp/fl.txt | awk '{print $2}' | grep -vc '^0x0*$' || true)
[ "$nz" -gt 0 ] || fail "every ovl-gre/IPv6 packet has flow label 0"
nl=$(grep -o 'flowlabel 0x[0-9a-f]*' /tmp/fl.txt | awk '{print $2}' | sort -u | wc -l)
[ "$nl" -ge 3 ] || fail "only $nl distinct flow labels for 4 TCP flows and ping"
log "ok: $nl distinct flow labels, $nz packets labelled"

# --- fwmark across namespaces -----------------------------------------------
nsx h1 nft -f - <<-'EOF2'
	table inet t {
		chain out {
			type filter hook output priority 0; policy accept;
			meta l4proto gre meta mark 0x2a counter comment "marked"
		}
	}
EOF2
marked()
{
	nsx h1 nft list chain inet t out |
		awk '/"marked"/ { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }'
}
# mark_case T KEY LOCAL1 LOCAL2 NET: gT on h1 moved into namespace T-h1
mark_case()
{
	local t=$1 key=$2 l1=$3 l2=$4 net=$5 before after
	check "h1 g$t key $key fwmark" ip -n h1 link add g$t type ovl-gre key $key \
		local $l1 remote $l2 fwmark 0x2a
	check "h2 g$t key $key" ip -n h2 link add g$t type ovl-gre key $key \
		local $l2 remote $l1
	ns_create $t-h1
	check "g$t into the VM's namespace" ip -n h1 link set g$t netns $t-h1
	ip -n $t-h1 addr add $net.1/24 dev g$t
	ip -n $t-h1 link set g$t up
	ip -n h2 addr add $net.2/24 dev g$t
	ip -n h2 link set g$t up
	before=$(marked)
	check "$t pings across namespaces" wait_for -t 20 nsx $t-h1 ping -c 1 -W 1 $net.2
	check "$t more pings" nsx $t-h1 ping -c 3 -i 0.2 -W 2 $net.2
	after=$(marked)
	log "$t: $((after - before)) GRE packets left h1 with mark 0x2a"
	[ $((after - before)) -ge 4 ] || fail "$t: fwmark lost in the cross-namespace scrub"
}
mark_case M 91 192.0.2.1 192.0.2.2 10.91.0
mark_case M6 92 2001:db8::1 2001:db8::2 10.92.0
log PASS
