#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Path MTU through the overlay: the underlay path is narrower (1400) than
# the hosts' own links (h1: 1500), so no host can know it in advance.
# Bridged VMs (MTU = the device's) must still move TCP both ways:
#  - outer ICMP Frag-Needed / PTB from the router reaches the tunnel
#    (ovl-vxlan: encap_err_lookup on its UDP socket; ovl-gre: the GRE
#    error handler) and lowers the outer route's PMTU;
#  - with DF on the outer header, a frame too big for that PMTU is
#    answered with ICMP Frag-Needed / ICMPv6 PTB to the VM;
#  - without DF on the outer header, a bridged frame whose inner packet
#    may not be fragmented (IPv4 DF, any IPv6) is answered the same way,
#    as by the in-tree vxlan (skb_tunnel_check_pmtu): TCP moves to the
#    right MSS instead of riding in outer fragments.
#
#   T-h1 (VM) -- br-T -- xT          router r                 xT -- br-T -- T-h2 (VM)
#               h1 ul 192.0.2.1 === ra | rb === ul 198.51.100.2 h2
#                  2001:db8:1::1  mtu 1500 | mtu 1400  2001:db8:2::2
#   T: V  ovl-vxlan over IPv4, df inherit (inner IPv4 and IPv6 TCP)
#      V6 ovl-vxlan over IPv6, df unset (the default)
#      G  ovl-gre over IPv4, df inherit
set -euo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/topo.sh"

check "modprobe ovlnet" modprobe ovlnet
require_mod ip_gre

ns_create h1 h2 r
ip link add ul netns h1 type veth peer name ra netns r || fail "veth h1-r"
ip link add ul netns h2 type veth peer name rb netns r || fail "veth h2-r"
nsx r sysctl -qw net.ipv4.ip_forward=1
nsx r sysctl -qw net.ipv6.conf.all.forwarding=1
ip -n r addr add 192.0.2.254/24 dev ra
ip -n r addr add 2001:db8:1::fe/64 dev ra nodad
ip -n r addr add 198.51.100.254/24 dev rb
ip -n r addr add 2001:db8:2::fe/64 dev rb nodad
ip -n r link set rb mtu 1400
ip -n h2 link set ul mtu 1400
ip -n r link set ra up
ip -n r link set rb up
ip -n h1 addr add 192.0.2.1/24 dev ul
ip -n h1 addr add 2001:db8:1::1/64 dev ul nodad
ip -n h2 addr add 198.51.100.2/24 dev ul
ip -n h2 addr add 2001:db8:2::2/64 dev ul nodad
for h in h1 h2; do ip -n $h link set ul up; done
ip -n h1 route add 198.51.100.0/24 via 192.0.2.254
ip -n h1 -6 route add 2001:db8:2::/64 via 2001:db8:1::fe
ip -n h2 route add 192.0.2.0/24 via 198.51.100.254
ip -n h2 -6 route add 2001:db8:1::/64 via 2001:db8:2::fe
check "underlay routed" wait_for -t 5 nsx h1 ping -c 1 -W 1 198.51.100.2
check "underlay routed v6" wait_for -t 5 nsx h1 ping -6 -c 1 -W 1 2001:db8:2::2
check "underlay path is 1400" nsx h1 ping -c 1 -W 1 -M do -s 1372 198.51.100.2

# bulk NAME CLIENT-NS SERVER-ADDR PORT [-6]: a fixed amount of TCP data
# (not a rate) must arrive; a black hole makes it time out.
bulk()
{
	local what=$1 c=$2 addr=$3 port=$4 s=$5
	shift 5
	nsx $s iperf3 -s -D -1 -p $port >/dev/null
	sleep 0.5
	check "$what" timeout 60 ip netns exec $c iperf3 -c $addr -p $port \
		-n 2M -f m "$@"
}

n=0
for t in "V ovl-vxlan id 10 192.0.2.1 198.51.100.2 inherit" \
	 "V6 ovl-vxlan id 11 2001:db8:1::1 2001:db8:2::2 unset" \
	 "G ovl-gre key 12 192.0.2.1 198.51.100.2 inherit"; do
	read -r name kind idw id l1 l2 df <<<"$t"
	n=$((n + 1))
	check "h1 x$name" ip -n h1 link add x$name type $kind $idw $id \
		local $l1 remote $l2 df $df
	check "h2 x$name" ip -n h2 link add x$name type $kind $idw $id \
		local $l2 remote $l1 df $df
	for i in 1 2; do
		mtu=$(ip -n h$i -o link show x$name | sed 's/.* mtu \([0-9]*\).*/\1/')
		topo_tenant_bridge h$i $name x$name
		topo_vm h$i $name 10.$n.0.$i/24 02:00:00:00:0$n:0$i
		ip -n $name-h$i link set eth0 mtu "$mtu"
		ip -n $name-h$i addr add fd00:$n::$i/64 dev eth0 nodad
	done
	check "$name: ping" wait_for -t 10 nsx $name-h1 ping -c 1 -W 1 10.$n.0.2
	bulk "$name: TCP h1->h2 over a narrower path" $name-h1 10.$n.0.2 \
		$((5200 + n)) $name-h2
	bulk "$name: TCP h2->h1" $name-h2 10.$n.0.1 $((5210 + n)) $name-h1
	if [ "$name" = V ]; then
		bulk "$name: TCP over inner IPv6 h1->h2" $name-h1 fd00:$n::2 \
			$((5220 + n)) $name-h2 -6
		check "$name: the VM learned the path (ICMP from the tunnel)" \
			bash -c "ip -n $name-h1 route get 10.$n.0.2 | grep -q 'mtu 1350'"
		check "$name: tx_too_big counted" \
			bash -c "[ \$(xstat h1 x$name tx_too_big) -ge 1 ]"
	fi
	if [ "$name" = V6 ]; then
		check "$name: h1 learned the outer PMTU" \
			bash -c "ip -n h1 -6 route get 2001:db8:2::2 | grep -q 'mtu 1400'"
		# 1400 - IPv6 40 - UDP 8 - VXLAN 8 - inner Ethernet 14
		check "$name: the VM learned the path although df is unset" \
			bash -c "ip -n $name-h1 route get 10.$n.0.2 | grep -q 'mtu 1330'"
	fi
	if [ "$name" = G ]; then
		check "$name: the VM learned the path (ICMP from the tunnel)" \
			bash -c "ip -n $name-h1 route get 10.$n.0.2 | grep -q 'mtu 1358'"
	fi
	for i in 1 2; do
		ip -n h$i link del x$name
		ip -n h$i link del br-$name
	done
	# the next case learns the path afresh
	ip -n h1 route flush cache 2>/dev/null || true
	ip -n h1 -6 route flush cache 2>/dev/null || true
done
log PASS
