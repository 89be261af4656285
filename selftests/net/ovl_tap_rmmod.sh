#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A VM on a real tap device (held open by tapvm, as qemu holds it) reached
# across ovl-vxlan; then the module is removed while traffic flows in both
# kinds, and loaded again.
#
#   h1: tap0 (tapvm 10.7.0.1) -- br-A -- xA (ovl-vxlan 800) ..  xA -- br-A -- A-h2 10.7.0.2
#       A-h1 ...                 br-G -- xG (ovl-gre 801)   ..  xG -- br-G -- G-h2 10.8.0.2
#                         h1 ul ========= sw ========= ul h2
set -euo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/topo.sh"

check "modprobe ovlnet" modprobe ovlnet
require_mod tun
topo_underlay 2

for i in 1 2; do
	j=$((3 - i))
	check "h$i xA" ip -n h$i link add xA type ovl-vxlan id 800 \
		local 192.0.2.$i remote 192.0.2.$j dev ul
	check "h$i xG" ip -n h$i link add xG type ovl-gre key 801 \
		local 192.0.2.$i remote 192.0.2.$j dev ul
	topo_tenant_bridge h$i A xA
	topo_tenant_bridge h$i G xG
done
topo_vm h2 A 10.7.0.2/24 02:00:00:00:09:02
topo_vm h1 G 10.8.0.1/24 02:00:00:00:0a:01
topo_vm h2 G 10.8.0.2/24 02:00:00:00:0a:02

# The tap VM on h1.
nsx h1 "$DIR/tapvm" tap0 10.7.0.1 02:00:00:00:09:01 >/tmp/tapvm.log 2>&1 &
wait_for -t 5 ip -n h1 link show tap0 || fail "tap0 never appeared"
check "tap0 into br-A" ip -n h1 link set tap0 master br-A
check "tap0 up" ip -n h1 link set tap0 up
check "tap0 carrier (fd held open)" bash -c "ip -n h1 link show tap0 | grep -q LOWER_UP"
check "ping the tap VM across the overlay" wait_for -t 10 nsx A-h2 ping -c 1 -W 1 10.7.0.1
check "ping x5" nsx A-h2 ping -c 5 -i 0.2 -W 2 10.7.0.1

# rmmod under traffic, both kinds.
traffic=()
nsx A-h2 ping -f -W 1 -w 8 10.7.0.1 >/dev/null 2>&1 &
traffic+=($!)
nsx G-h2 ping -f -W 1 -w 8 10.8.0.1 >/dev/null 2>&1 &
traffic+=($!)
nsx G-h1 iperf3 -s -D -1 >/dev/null
sleep 0.3
nsx G-h2 timeout 10 iperf3 -c 10.8.0.1 -t 6 >/dev/null 2>&1 &
traffic+=($!)
sleep 2
check "rmmod under traffic" rmmod ovlnet
check "devices gone" bash -c "! ip -n h1 link show xA 2>/dev/null && ! ip -n h2 link show xG 2>/dev/null"
wait "${traffic[@]}" || true
check "modprobe again" modprobe ovlnet
check "recreate" ip -n h1 link add xA type ovl-vxlan id 800 local 192.0.2.1 remote 192.0.2.2 dev ul
log PASS
