#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IPv6 VXLAN transmit scrubs the inner packet.  Packets the host itself
# sends through the device (neighbour solicitations here) carry a dst of
# their own; udp_tunnel6_xmit_skb() sets the outer dst over it, so unless
# the device drops it first every such packet leaks one dst.  The
# namespace's IPv6 dst count (/proc/net/rt6_stats, 6th field) must come
# back once the solicitations are over.  The device lives in a tenant
# namespace t1, its underlay in h1: the mark the tenant side sets must not
# reach the outer packet either (the device has no fwmark).
#
#   ns t1: xS fd00::1/64 (ovl-vxlan id 600, underlay in h1:
#          2001:db8::1 -> 2001:db8::2)
#       h1 ul ===== sw ===== ul h2 -- xS fd00::2/64 in ns t2
#   (nobody at fd00::3..22)
set -euo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/topo.sh"

check "modprobe ovlnet" modprobe ovlnet
require_mod sch_ingress cls_fw cls_basic act_gact act_skbedit
topo_underlay 2
for i in 1 2; do
	j=$((3 - i))
	ns_create t$i
	check "h$i xS" ip -n h$i link add xS type ovl-vxlan id 600 \
		local 2001:db8::$i remote 2001:db8::$j
	check "xS to t$i" ip -n h$i link set xS netns t$i
	ip netns exec t$i sysctl -qw net.ipv6.conf.xS.router_solicitations=0
	ip -n t$i addr add fd00::$i/64 dev xS nodad
	ip -n t$i link set xS up
done
check "ping over the device itself" wait_for -t 10 nsx t1 ping -6 -c 1 -W 1 fd00::2

dsts()
{
	local a b c d e f g
	read -r a b c d e f g <"/proc/net/rt6_stats"
	echo $((16#$f))
}
export -f dsts

base=$(nsx t1 bash -c dsts)
log "IPv6 dst entries before: $base"
for n in $(seq 3 22); do
	nsx t1 ping -6 -c 1 -W 2 fd00::$n >/dev/null 2>&1 &
done
wait
nsx t1 ip -6 neigh flush dev xS
after=$(nsx t1 bash -c dsts)
log "IPv6 dst entries right after 20 unanswered lookups: $after"
check "no dst leaked per solicitation" \
	wait_for -t 10 nsx t1 bash -c "[ \$(dsts) -le $((base + 5)) ]"

# Inner mark: the tenant marks what it sends on xS; the outer UDP packets
# on ul must leave unmarked (the device has no fwmark).
tc -n h1 qdisc add dev ul clsact
check "count marked outer packets" tc -n h1 filter add dev ul egress \
	protocol ipv6 prio 1 handle 7 fw action pass
tc -n t1 qdisc add dev xS clsact
check "mark the inner packets" tc -n t1 filter add dev xS egress \
	protocol all prio 1 basic action skbedit mark 7
check "ping with inner mark" nsx t1 ping -6 -c 3 -i 0.2 -W 1 fd00::2
marked=$(tc -n h1 -s filter show dev ul egress | awk '/Sent/ {print $2; exit}')
log "outer packets with the inner mark: ${marked:-0}"
[ "${marked:-0}" -eq 0 ] || fail "the inner mark reached $marked outer packets"
log PASS
