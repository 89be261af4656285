#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# RFC 6935 zero UDP checksums over IPv6, against the in-tree vxlan with
# udp6zerocsumtx/udp6zerocsumrx, both directions: ping and bulk TCP.  A
# peer that does not accept zero checksums must drop what a zero-checksum
# sender sends (so the zeros are really on the wire), and ovl-vxlan
# without udp6zerocsumrx drops the in-tree vxlan's zeros.
#
#   Z-h1 (VM) -- br-Z -- ovl-vxlan id 700 ==.        .== vxlan id 700 -- br-Z -- Z-h2 (VM)
#                    h1 ul 2001:db8::1 ===== sw ===== ul 2001:db8::2 h2
set -euo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/topo.sh"

check "modprobe ovlnet" modprobe ovlnet
require_mod vxlan
export TOPO_NO_IPV6=1
topo_underlay 2

# pair OVL-OPTS INTREE-OPTS: ovl-vxlan on h1, in-tree vxlan on h2.
pair()
{
	check "h1 ovl-vxlan $1" ip -n h1 link add xZ type ovl-vxlan id 700 \
		local 2001:db8::1 remote 2001:db8::2 $1
	check "h2 vxlan $2" ip -n h2 link add xZ type vxlan id 700 \
		local 2001:db8::2 remote 2001:db8::1 dstport 4789 dev ul $2
	for i in 1 2; do
		topo_tenant_bridge h$i Z xZ
		topo_vm h$i Z 10.7.0.$i/24 02:00:00:00:07:0$i
	done
}

unpair()
{
	for i in 1 2; do
		ip -n h$i link del xZ
		ip -n h$i link del br-Z
		# the veth first: a namespace dies asynchronously, and with it
		# its end of the pair; the next pair() reuses the names
		ip -n h$i link del v-Z
		ip netns del Z-h$i
	done
}

pair "udp6zerocsumtx udp6zerocsumrx" "udp6zerocsumtx udp6zerocsumrx"
check "shown" bash -c "ip -n h1 -d link show xZ | grep -q 'udp6zerocsumtx udp6zerocsumrx'"
check "ping h1->h2 with zero checksums" \
	wait_for -t 10 nsx Z-h1 ping -c 1 -W 1 10.7.0.2
check "ping h2->h1" nsx Z-h2 ping -c 3 -i 0.2 -W 2 10.7.0.1
cap_start h2 ul "ip6 and udp port 4789 and ip6[46:2] == 0" || fail "capture"
nsx Z-h1 ping -c 2 -i 0.3 -W 1 10.7.0.2 >/dev/null || true
cap_wait || fail "ovl-vxlan sends zero UDP checksums"; log "ok: ovl-vxlan sends zero UDP checksums"
nsx Z-h2 iperf3 -s -D -1 -p 5701 >/dev/null
sleep 0.5
check "TCP h1->h2" timeout 60 ip netns exec Z-h1 iperf3 -c 10.7.0.2 -p 5701 -n 2M
nsx Z-h1 iperf3 -s -D -1 -p 5702 >/dev/null
sleep 0.5
check "TCP h2->h1" timeout 60 ip netns exec Z-h2 iperf3 -c 10.7.0.1 -p 5702 -n 2M
unpair

# ovl-vxlan sends zeros, the in-tree end refuses them.
pair "udp6zerocsumtx" "noudp6zerocsumrx"
check_fail "zeros refused by a peer without udp6zerocsumrx" \
	nsx Z-h1 ping -c 2 -i 0.3 -W 1 10.7.0.2
unpair

# The in-tree end sends zeros, ovl-vxlan refuses them by default.
pair "" "udp6zerocsumtx"
check_fail "ovl-vxlan refuses zeros without udp6zerocsumrx" \
	nsx Z-h2 ping -c 2 -i 0.3 -W 1 10.7.0.1
unpair
pair "udp6zerocsumrx" "udp6zerocsumtx"
check "... and accepts them with it" \
	wait_for -t 10 nsx Z-h2 ping -c 1 -W 1 10.7.0.1
unpair
# The setting belongs to the shared socket: a second device that differs
# cannot come up on the same port.
check "h1 a" ip -n h1 link add xa type ovl-vxlan id 701 local 2001:db8::1 \
	remote 2001:db8::2 udp6zerocsumrx
check "h1 b" ip -n h1 link add xb type ovl-vxlan id 702 local 2001:db8::1 \
	remote 2001:db8::2
check "a up" ip -n h1 link set xa up
check_fail "b up: udp6zerocsumrx differs on port 4789" ip -n h1 link set xb up
check_fail "udp6zerocsumrx is fixed after creation" \
	ip -n h1 link set xa type ovl-vxlan noudp6zerocsumrx
log PASS
