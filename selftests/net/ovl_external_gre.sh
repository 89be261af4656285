#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# External (collect-metadata) ovl-gre with VLAN-aware bridges, and the
# in-tree gretap external as a peer.  h1 and h2 run ovl-gre external
# with tenants A (VLAN 10 = key 1000) and B (VLAN 20 = key 2000), same
# addresses and MACs, per-key flood lists (src_vni).  h3 runs the
# in-tree `gretap external`: it receives through the bridge's
# vlan_tunnel, and sends where tc tunnel_key says (the in-tree gretap
# has no FDB).
#
#   A-hI 10.0.0.I 02:00:00:00:00:0I --(vid 10)--.
#   B-hI 10.0.0.I 02:00:00:00:00:0I --(vid 20)--+-- br0 --- gr0 ovl-gre external
#                                                          (h1, h2; vlan_tunnel)
#   h3: A-h3 10.0.0.3 --(vid 10)-- br0 --- gt0 gretap external (vlan_tunnel)
#        v-A ingress: tc tunnel_key set id 1000 dst_ip 192.0.2.1 nocsum -> gt0
#
#   h1 ul 192.0.2.1 ==== sw ==== h2 ul 192.0.2.2
#                          `==== h3 ul 192.0.2.3
set -euo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/topo.sh"

check "modprobe ovlnet" modprobe ovlnet
require_mod ip_gre act_tunnel_key cls_matchall act_mirred
export TOPO_NO_IPV6=1
topo_underlay 3

# vm HOST TENANT VID IP: an access port of br0 in VLAN VID, MAC
# 02:00:00:00:00:0I on host hI.
vm() { topo_vlan_vm "$1" "$2" "$3" "$4/24" "02:00:00:00:00:0${1#h}"; }

# vlan_map HOST DEV VID KEY
vlan_map()
{
	bridge -n "$1" vlan add dev "$2" vid "$3"
	check "$1: vid $3 = key $4" bridge -n "$1" vlan add dev "$2" vid "$3" \
		tunnel_info id "$4"
}

for h in h1 h2 h3; do
	ip -n $h link add br0 type bridge vlan_filtering 1
	ip -n $h link set br0 up
done
for i in 1 2; do
	h=h$i
	vm $h A 10 10.0.0.$i
	vm $h B 20 10.0.0.$i
	check "$h: ovl-gre external" ip -n $h link add gr0 type ovl-gre \
		external local 192.0.2.$i dev ul
	ip -n $h link set gr0 master br0
	check "$h: vlan_tunnel" bridge -n $h link set dev gr0 vlan_tunnel on
	vlan_map $h gr0 10 1000
	vlan_map $h gr0 20 2000
	for key in 1000 2000; do
		for j in 1 2 3; do
			[ $j = $i ] && continue
			check "$h: key $key floods to h$j" bridge -n $h fdb append \
				00:00:00:00:00:00 dev gr0 dst 192.0.2.$j src_vni $key
		done
	done
	ip -n $h link set gr0 up
done
vm h3 A 10 10.0.0.3
check "h3: in-tree gretap external" ip -n h3 link add gt0 type gretap external
ip -n h3 link set gt0 master br0
bridge -n h3 link set dev gt0 vlan_tunnel on
vlan_map h3 gt0 10 1000
ip -n h3 link set gt0 up
tc -n h3 qdisc add dev v-A clsact
# nocsum: tunnel_key asks for a GRE checksum by default, and the
# receiving collect-metadata gretap (ovl-gre's, nocsum) takes only what
# its csum setting says
check "h3: tc tunnel_key to h1" tc -n h3 filter add dev v-A ingress matchall \
	action tunnel_key set src_ip 192.0.2.3 dst_ip 192.0.2.1 id 1000 nocsum \
	action mirred egress redirect dev gt0

for t in A B; do
	check "$t-h1 -> $t-h2" wait_for -t 10 nsx $t-h1 ping -c 1 -W 1 10.0.0.2
	check "$t-h2 -> $t-h1" nsx $t-h2 ping -c 2 -i 0.2 -W 1 10.0.0.1
done
check "h1 learned h2's MAC under key 1000" bash -c \
	"bridge -n h1 fdb show dev gr0 | grep '^02:00:00:00:00:02 dst 192.0.2.2 .*src_vni 1000 '"
check "h1 learned the same MAC under key 2000" bash -c \
	"bridge -n h1 fdb show dev gr0 | grep '^02:00:00:00:00:02 dst 192.0.2.2 .*src_vni 2000 '"

# isolation: tenant A pings, tenant B's VM with the same address captures
nsx B-h2 timeout 5 tcpdump -nn -i eth0 -w /tmp/b.pcap icmp 2>/dev/null &
sleep 1.5
check "tenant A pings during capture" nsx A-h1 ping -c 5 -i 0.2 -W 1 10.0.0.2
wait || true
[ -s /tmp/b.pcap ] || fail "no capture in B-h2"
n=$(tcpdump -nn -r /tmp/b.pcap 2>/dev/null | wc -l)
[ "$n" = 0 ] || fail "tenant B's VM saw $n ICMP packets of tenant A"
log "ok: tenant B's 10.0.0.2 saw none of tenant A's pings"

# the in-tree gretap external on h3, both directions
check "A-h3 (in-tree gretap) -> A-h1 (ovl-gre)" wait_for -t 10 \
	nsx A-h3 ping -c 1 -W 1 10.0.0.1
check "again, 5 pings" nsx A-h3 ping -c 5 -i 0.2 -W 1 10.0.0.1
check "h1 learned A-h3 under key 1000" bash -c \
	"bridge -n h1 fdb show dev gr0 | grep '^02:00:00:00:00:03 dst 192.0.2.3 .*src_vni 1000 '"
check "per-key counters" bash -c \
	"[ \$(ip netns exec h1 awk '\$1 == \"gr0\" && \$2 == 1000 {print \$3}' /proc/net/ovlnet_vni) -ge 5 ]"

# bad input
check_refused "external with key" IFLA_OVL_ID \
	ip -n h1 link add bad type ovl-gre external key 5
check_refused "external with nvgre" IFLA_OVL_NVGRE \
	ip -n h1 link add bad type ovl-gre external nvgre
check_refused "plain ovl-gre on a registered key" IFLA_OVL_ID \
	ip -n h1 link add bad type ovl-gre key 1000 local 192.0.2.1
check_refused "NVGRE VSID covering a registered key" IFLA_OVL_ID \
	ip -n h1 link add bad type ovl-gre key 3 nvgre local 192.0.2.1
check "plain ovl-gre key 3000" ip -n h1 link add g3000 type ovl-gre key 3000 \
	local 192.0.2.1 dev ul
check_refused "src_vni owned by a plain ovl-gre" NDA_SRC_VNI \
	bridge -n h1 fdb append 00:00:00:00:00:00 dev gr0 dst 192.0.2.2 src_vni 3000
log PASS
