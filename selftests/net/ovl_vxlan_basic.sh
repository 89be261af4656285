#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ovl-vxlan end to end over an IPv4 and an IPv6 underlay: VM <-> VM ping and
# TCP, full-size frames with DF, the wire format seen by tcpdump, defaults.
#
#        ns A-h1 (VM)                               ns A-h2 (VM)
#        eth0 10.1.0.1                              eth0 10.1.0.2
#          |                                            |
#   h1:  br-A --- ov4 (id 100, v4) / ov6 (id 101, v6)   br-A   :h2
#                  |                                    |
#                  ul 192.0.2.1 / 2001:db8::1   ul 192.0.2.2 / 2001:db8::2
#                  `------------ ns sw: bridge sw -------'
set -euo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/topo.sh"

check "modprobe ovlnet" modprobe ovlnet
topo_underlay 2

for i in 1 2; do
	j=$((3 - i))
	check "h$i ov4" ip -n h$i link add ov4 type ovl-vxlan id 100 \
		local 192.0.2.$i remote 192.0.2.$j dev ul
	topo_tenant_bridge h$i A ov4
	topo_vm h$i A 10.1.0.$i/24 02:00:00:00:0a:0$i
done

check "default MTU is lower MTU - 50" \
	bash -c "ip -n h1 link show ov4 | grep -q 'mtu 1450'"
check "dstport defaults to 4789" \
	bash -c "ip -n h1 -d link show ov4 | grep -q 'dstport 4789'"
check "ping VM->VM over v4" wait_for -t 10 nsx A-h1 ping -c 1 -W 1 10.1.0.2
check "ping x5" nsx A-h1 ping -c 5 -i 0.2 -W 2 10.1.0.2

# The wire: UDP 4789 and VNI 100, seen on the underlay.
nsx h2 timeout 8 tcpdump -nn -i ul -c 4 udp port 4789 >/tmp/cap.txt 2>/dev/null &
cap=$!
sleep 1.5
nsx A-h1 ping -c 4 -i 0.2 -W 2 10.1.0.2 >/dev/null || true
wait $cap || true
cat /tmp/cap.txt
check "tcpdump sees VXLAN vni 100" grep -q "VXLAN.*vni 100" /tmp/cap.txt
check "tcpdump sees port 4789" grep -q "\.4789: VXLAN" /tmp/cap.txt

# Full-size frames with DF: 1450 - 28 = 1422 bytes of ICMP payload.
check "DF ping at full MTU" nsx A-h1 ping -c 2 -W 2 -M do -s 1422 10.1.0.2
# Outer DF set live: a frame one byte too big (the bridge lets it through
# within its VLAN slack) is dropped by ov4 and counted, not fragmented.
check "df set live" ip -n h1 link set ov4 type ovl-vxlan df set
check "df shown" bash -c "ip -n h1 -d link show ov4 | grep -q 'df set'"
check "DF ping at full MTU, outer DF" nsx A-h1 ping -c 2 -W 2 -M do -s 1422 10.1.0.2
check_fail "DF ping 1 byte above MTU" nsx A-h1 ping -c 1 -W 1 -M do -s 1423 10.1.0.2
check "tx_too_big counted" bash -c "[ \$(xstat h1 ov4 tx_too_big) -ge 1 ]"

nsx A-h2 iperf3 -s -D -1 >/dev/null
sleep 0.5
check "iperf3 TCP VM->VM" nsx A-h1 iperf3 -c 10.1.0.2 -t 2 -f m
check "FDB learned the peer" \
	bash -c "bridge -n h1 fdb show dev ov4 | grep -q '02:00:00:00:0a:02 dst 192.0.2.2'"
check "learned counter moved" bash -c "[ \$(xstat h1 ov4 learned) -ge 1 ]"
check "xstats in ip -s -d" bash -c "ip -n h1 -s -d link show ov4 | grep -q rx_unknown_id"

# IPv6 underlay on a second tenant.
for i in 1 2; do
	j=$((3 - i))
	check "h$i ov6" ip -n h$i link add ov6 type ovl-vxlan id 101 \
		local 2001:db8::$i remote 2001:db8::$j dev ul
	topo_tenant_bridge h$i B ov6
	topo_vm h$i B 10.1.0.$i/24 02:00:00:00:0b:0$i
done
check "v6 default MTU is lower MTU - 70" \
	bash -c "ip -n h1 link show ov6 | grep -q 'mtu 1430'"
check "ping VM->VM over v6" wait_for -t 10 nsx B-h1 ping -c 1 -W 1 10.1.0.2
check "DF ping at v6 full MTU" nsx B-h1 ping -c 2 -W 2 -M do -s 1402 10.1.0.2
check "learned v6 peer" \
	bash -c "bridge -n h1 fdb show dev ov6 | grep -q 'dst 2001:db8::2'"
log PASS
