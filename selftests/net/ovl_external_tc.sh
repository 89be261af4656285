#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# External ovl-vxlan sending where tc's tunnel_key says: the VNI and an
# explicit remote come with the packet, no FDB is consulted (h1's device
# has no VNI registered at all).  h2 and h3 are the usual external hosts
# (VLAN 10 = VNI 1000, flood lists to each other and h1).
#
#   T-h1 10.0.0.9 === v-T (tc ingress: tunnel_key set id 1000
#                          dst_ip 192.0.2.3, mirred -> vx0)
#                     vx0 ovl-vxlan external (no bridge, no VNI)
#                      |
#   h1 ul 192.0.2.1 == sw == h2 ul: br0 - vx0 external - A-h2 10.0.0.2 (vid 10)
#                         `== h3 ul: br0 - vx0 external - A-h3 10.0.0.3 (vid 10)
#
# The pings reach A-h3 and not A-h2, although h2 and h3 are in the same
# tenant (h1 has no flood list, and h3 sends nothing it received from the
# overlay back into it); an id above 2^24-1 is dropped and counted
# (tx_bad_metadata), as is a frame without metadata.
set -euo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/topo.sh"

check "modprobe ovlnet" modprobe ovlnet
require_mod act_tunnel_key cls_matchall act_mirred
export TOPO_NO_IPV6=1
topo_underlay 3

check "h1: external" ip -n h1 link add vx0 type ovl-vxlan external \
	local 192.0.2.1 dev ul
ip -n h1 link set vx0 up
ns_create T-h1
ip -n h1 link add v-T type veth peer name eth0 netns T-h1
ip -n h1 link set v-T up
ip -n T-h1 link set eth0 address 02:00:00:00:00:09
ip -n T-h1 addr add 10.0.0.9/24 dev eth0
ip -n T-h1 link set eth0 up
# no ARP: h1 cannot hear the answer (its vx0 has no VNI 1000)
ip -n T-h1 neigh add 10.0.0.2 lladdr 02:00:00:00:00:02 dev eth0
ip -n T-h1 neigh add 10.0.0.3 lladdr 02:00:00:00:00:03 dev eth0

for i in 2 3; do
	h=h$i
	ip -n $h link add br0 type bridge vlan_filtering 1
	ip -n $h link set br0 up
	check "$h: external" ip -n $h link add vx0 type ovl-vxlan external \
		local 192.0.2.$i dev ul
	ip -n $h link set vx0 master br0
	bridge -n $h link set dev vx0 vlan_tunnel on
	bridge -n $h vlan add dev vx0 vid 10
	check "$h: vid 10 = VNI 1000" bridge -n $h vlan add dev vx0 vid 10 \
		tunnel_info id 1000
	for j in 1 2 3; do
		[ $j = $i ] && continue
		bridge -n $h fdb append 00:00:00:00:00:00 dev vx0 \
			dst 192.0.2.$j src_vni 1000
	done
	ip -n $h link set vx0 up
	ns_create A-$h
	nsx A-$h sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip -n $h link add v-A type veth peer name eth0 netns A-$h
	ip -n $h link set v-A master br0
	bridge -n $h vlan del dev v-A vid 1
	bridge -n $h vlan add dev v-A vid 10 pvid untagged
	ip -n $h link set v-A up
	ip -n A-$h link set eth0 address 02:00:00:00:00:0$i
	ip -n A-$h addr add 10.0.0.$i/24 dev eth0
	ip -n A-$h link set eth0 up
done

# tunnel_key ID: T-h1's frames go to vx0 with VNI ID towards h3.
tunnel_key()
{
	tc -n h1 filter del dev v-T ingress 2>/dev/null || true
	tc -n h1 filter add dev v-T ingress matchall action tunnel_key set \
		src_ip 192.0.2.1 dst_ip 192.0.2.3 id "$1" dst_port 4789 \
		action mirred egress redirect dev vx0
}

# seen VM: T-h1's pings to 10.0.0.3 (and .2) as VM captures them.
seen()
{
	nsx "$1" timeout 5 tcpdump -nn -i eth0 -w "/tmp/$1.pcap" \
		icmp and src 10.0.0.9 2>/dev/null &
	sleep 1.5
	nsx T-h1 ping -c 3 -i 0.2 -W 1 10.0.0.3 >/dev/null || true
	nsx T-h1 ping -c 3 -i 0.2 -W 1 10.0.0.2 >/dev/null || true
	wait || true
	[ -s "/tmp/$1.pcap" ] || fail "no capture in $1"
	tcpdump -nn -r "/tmp/$1.pcap" 2>/dev/null | wc -l
}

check "tc clsact" tc -n h1 qdisc add dev v-T clsact
check "tc tunnel_key id 1000 dst_ip 192.0.2.3" tunnel_key 1000
n=$(seen A-h3)
[ "$n" -ge 3 ] || fail "A-h3 saw $n of T-h1's pings sent by tunnel_key"
log "ok: A-h3 got $n pings: VNI 1000, remote 192.0.2.3 from tunnel_key"
n=$(seen A-h2)
[ "$n" = 0 ] || fail "A-h2 saw $n pings that tunnel_key sent to h3"
log "ok: A-h2 got none: the explicit remote, not a flood list"
check "h3 counted them in VNI 1000" bash -c \
	"[ \$(ip netns exec h3 awk '\$2 == 1000 {print \$3}' /proc/net/ovlnet_vni) -ge 3 ]"

before=$(xstat h1 vx0 tx_bad_metadata)
check "tc tunnel_key id 16777216" tunnel_key 16777216
nsx T-h1 ping -c 3 -i 0.2 -W 1 10.0.0.3 >/dev/null && fail "VNI 2^24 got through"
check "VNI above 2^24-1 dropped and counted" \
	test "$(xstat h1 vx0 tx_bad_metadata)" -ge $((before + 3))

tc -n h1 filter del dev v-T ingress
check "tc without tunnel_key" tc -n h1 filter add dev v-T ingress matchall \
	action mirred egress redirect dev vx0
before=$(xstat h1 vx0 tx_bad_metadata)
nsx T-h1 ping -c 3 -i 0.2 -W 1 10.0.0.3 >/dev/null && fail "no metadata got through"
check "no metadata: dropped and counted" \
	test "$(xstat h1 vx0 tx_bad_metadata)" -ge $((before + 3))
log PASS
