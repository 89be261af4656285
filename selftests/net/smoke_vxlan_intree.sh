#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Smoke test of the VM runner using only in-tree drivers: two "hosts" joined
# by a veth underlay, an in-tree vxlan device bridged on each host with a
# veth to a "VM" namespace; the VMs ping each other across the overlay.
#
#   ns vm1                                                      ns vm2
#   eth0 10.10.0.1/24                                 eth0 10.10.0.2/24
#     |  (veth)                                              (veth) |
#   vm1p                                                         vm2p
#     |                                                             |
#   br0 --- vx0 (vxlan vni 42)            (vxlan vni 42) vx0 --- br0
#           ns h1                                           ns h2
#           ul 192.0.2.1/24 ======== veth ======== ul 192.0.2.2/24
#                          (underlay, udp/4789)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

require_cmd ip bridge ping
require_mod veth vxlan bridge

ns_create h1 h2 vm1 vm2

check "underlay veth" ip link add ul netns h1 type veth peer name ul netns h2
for i in 1 2; do
	h=h$i
	check "$h underlay addr" ip -n $h addr add 192.0.2.$i/24 dev ul
	check "$h underlay up" ip -n $h link set ul up
	check "$h vxlan" ip -n $h link add vx0 type vxlan id 42 \
		local 192.0.2.$i remote 192.0.2.$((3 - i)) dstport 4789 dev ul
	check "$h bridge" ip -n $h link add br0 type bridge
	check "$h vm veth" ip -n $h link add vm${i}p type veth peer name eth0 netns vm$i
	for d in vx0 vm${i}p; do
		check "$h enslave $d" ip -n $h link set "$d" master br0
		check "$h $d up" ip -n $h link set "$d" up
	done
	check "$h br0 up" ip -n $h link set br0 up
	check "vm$i addr" ip -n vm$i addr add 10.10.0.$i/24 dev eth0
	check "vm$i up" ip -n vm$i link set eth0 up
done

log "overlay MTU: $(ip -n h1 -o link show vx0 | grep -o 'mtu [0-9]*')"
check "underlay ping" wait_for -t 10 nsx h1 ping -c 1 -W 1 192.0.2.2
check "overlay ping vm1->vm2" wait_for -t 10 nsx vm1 ping -c 1 -W 1 10.10.0.2
check "overlay ping x5" nsx vm1 ping -c 5 -i 0.2 -W 2 10.10.0.2
check "overlay ping vm2->vm1" nsx vm2 ping -c 2 -i 0.2 -W 2 10.10.0.1
check "fdb learned remote mac" \
	bash -c "bridge -n h1 fdb show dev vx0 | grep -q 'dst 192.0.2.2'"
# Large packet: 1400 bytes fits vxlan's 1450 MTU with no fragmentation.
check "overlay ping 1400B DF" nsx vm1 ping -c 2 -i 0.2 -W 2 -M "do" -s 1372 10.10.0.2
rx=$(ip -n h2 -s -j link show vx0 | grep -o '"rx":{[^}]*' | grep -o '"packets":[0-9]*' | cut -d: -f2)
log "h2 vx0 rx packets: $rx"
[ "${rx:-0}" -ge 8 ] || fail "too few packets received on h2 vx0: ${rx:-none}"
log "PASS"
