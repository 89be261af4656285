#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Two tenants with identical address plans and identical MACs, on
# ovl-vxlan VNIs 100/200 and on ovl-gre keys 100/200, across two hosts.
# Each tenant reaches its own peer; captures in the other tenant's VMs
# see none of its frames.
#
#   A-h1 10.0.0.1  02:00:00:00:00:01 --br-A-- xA (vni 100) .. xA --br-A-- A-h2 10.0.0.2 02:..:02
#   B-h1 10.0.0.1  02:00:00:00:00:01 --br-B-- xB (vni 200) .. xB --br-B-- B-h2 10.0.0.2 02:..:02
#   C/D: the same on ovl-gre keys 100/200
#                          h1 ul ===== sw ===== ul h2
set -euo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/topo.sh"

check "modprobe ovlnet" modprobe ovlnet
# No IPv6 on tenant devices and VMs: every captured frame must be explained.
export TOPO_NO_IPV6=1
topo_underlay 2

for i in 1 2; do
	j=$((3 - i))
	for t in A:100:ovl-vxlan:id B:200:ovl-vxlan:id C:100:ovl-gre:key D:200:ovl-gre:key; do
		IFS=: read -r name id kind idw <<<"$t"
		check "h$i $name" ip -n h$i link add x$name type $kind $idw $id \
			local 192.0.2.$i remote 192.0.2.$j dev ul
		topo_tenant_bridge h$i $name x$name
		topo_vm h$i $name 10.0.0.$i/24 02:00:00:00:00:0$i
	done
done

# isolated SENDER VICTIM: SENDER pings, captures in VICTIM's VMs stay empty.
isolated()
{
	local s=$1 v=$2 n
	# The victim must be silent on its own: with an empty neighbour cache
	# it sends no ARP probes (its own probes look exactly like a leak,
	# the address plans being identical).  The sender floods afresh.
	for h in h1 h2; do
		ip -n $v-$h neigh flush dev eth0
		ip -n $s-$h neigh flush dev eth0
	done
	for h in h1 h2; do
		nsx $v-$h timeout 6 tcpdump -nn -i eth0 -w /tmp/$v-$h.pcap \
			2>/dev/null &
	done
	sleep 1.5
	check "$s pings its peer" nsx $s-h1 ping -c 5 -i 0.2 -W 2 10.0.0.2
	# broadcast ICMP: flooded to every VTEP of the tenant, answered or not
	nsx $s-h1 ping -b -c 2 -i 0.2 -W 1 10.0.0.255 >/dev/null 2>&1 || true
	wait
	for h in h1 h2; do
		n=$(tcpdump -nn -r /tmp/$v-$h.pcap 2>/dev/null | wc -l)
		tcpdump -nn -r /tmp/$v-$h.pcap 2>/dev/null | sed -n 1,5p
		[ "$n" -eq 0 ] || fail "$n frames of tenant $s reached tenant $v on $h"
		log "ok: nothing of $s in $v-$h"
	done
}

# Flush ARP so every run floods, the worst case for isolation.
for t in A B C D; do
	for h in h1 h2; do ip -n $t-$h neigh flush dev eth0; done
done
isolated A B
isolated B A
isolated C D
isolated A C
isolated C A
check "B still works" nsx B-h1 ping -c 2 -i 0.2 -W 2 10.0.0.2
check "D still works" nsx D-h1 ping -c 2 -i 0.2 -W 2 10.0.0.2
log PASS
