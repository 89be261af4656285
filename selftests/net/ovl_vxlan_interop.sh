#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Wire compatibility with the kernel's own vxlan, in both directions and
# over both underlay families: one host runs ovl-vxlan, the other the
# in-tree vxlan, then the roles swap.  Ping plus bulk TCP (GSO/GRO).
#
#   A-h1 (VM) -- br-A -- ovl-vxlan id 300 --.            .-- vxlan id 300 -- br-A -- A-h2 (VM)
#                                  h1 ul ====== sw ====== ul h2
#   (then h1 runs the in-tree vxlan and h2 ovl-vxlan)
set -euo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/topo.sh"

check "modprobe ovlnet" modprobe ovlnet
require_mod vxlan
topo_underlay 2

# run_pair OVLHOST FAMILY: ovl-vxlan on OVLHOST, in-tree vxlan on the other.
run_pair()
{
	local ovl=$1 fam=$2 i j kind loc rem t
	t=T$ovl$fam
	for i in 1 2; do
		j=$((3 - i))
		if [ "$fam" = 4 ]; then
			loc=192.0.2.$i rem=192.0.2.$j
		else
			loc=2001:db8::$i rem=2001:db8::$j
		fi
		kind=vxlan
		[ "h$i" = "$ovl" ] && kind=ovl-vxlan
		check "h$i $kind v$fam" ip -n h$i link add "x$t" type $kind id 300 \
			local $loc remote $rem dstport 4789 dev ul
		topo_tenant_bridge h$i $t "x$t"
		topo_vm h$i $t 10.3.0.$i/24 02:00:00:00:03:0$i
	done
	check "ping h1->h2 ($ovl runs ovl-vxlan, v$fam)" \
		wait_for -t 10 nsx $t-h1 ping -c 1 -W 1 10.3.0.2
	check "ping h2->h1" nsx $t-h2 ping -c 3 -i 0.2 -W 2 10.3.0.1
	check "full-size DF ping" nsx $t-h1 ping -c 2 -W 2 -M do \
		-s $(( fam == 4 ? 1422 : 1402 )) 10.3.0.2
	nsx $t-h2 iperf3 -s -D -1 -p 5301 >/dev/null
	sleep 0.5
	check "TCP h1->h2" nsx $t-h1 iperf3 -c 10.3.0.2 -p 5301 -t 2 -f m
	nsx $t-h1 iperf3 -s -D -1 -p 5302 >/dev/null
	sleep 0.5
	check "TCP h2->h1" nsx $t-h2 iperf3 -c 10.3.0.1 -p 5302 -t 2 -f m
	for i in 1 2; do
		ip -n h$i link del "x$t"
		ip -n h$i link del "br-$t"
	done
}

run_pair h1 4
run_pair h2 4
run_pair h1 6
run_pair h2 6
log PASS
