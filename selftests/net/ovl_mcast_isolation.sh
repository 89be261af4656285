#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Two tenants on one VNI, told apart by their local addresses: U is
# unicast (remote), M uses a multicast group for its BUM traffic.  A frame
# to the group belongs to M alone, whichever device was created first
# (the ID table walks its chain newest first).  Identical address plans
# and MACs, so any leak shows in the other tenant's captures.
#
#   U-h1 10.0.0.1 --br-U-- xU (vni 100, 192.0.2.1  -> 192.0.2.2)  .. xU --br-U-- U-h2 10.0.0.2
#   M-h1 10.0.0.1 --br-M-- xM (vni 100, 192.0.2.11 -> 239.1.1.1)  .. xM --br-M-- M-h2 10.0.0.2
#                  h1 ul 192.0.2.1, .11 ===== sw ===== ul 192.0.2.2, .12 h2
set -euo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/topo.sh"

check "modprobe ovlnet" modprobe ovlnet
export TOPO_NO_IPV6=1
topo_underlay 2
for i in 1 2; do
	ip -n h$i addr add 192.0.2.1$i/24 dev ul
done

mk_u()
{
	local i=$1 j=$((3 - $1))
	check "h$i xU" ip -n h$i link add xU type ovl-vxlan id 100 \
		local 192.0.2.$i remote 192.0.2.$j
}

mk_m()
{
	check "h$1 xM" ip -n h$1 link add xM type ovl-vxlan id 100 \
		local 192.0.2.1$1 group 239.1.1.1 dev ul
}

# isolated SENDER VICTIM: SENDER floods and pings, VICTIM's VMs see nothing.
isolated()
{
	local s=$1 v=$2 n h pids=()
	for h in h1 h2; do
		ip -n $v-$h neigh flush dev eth0
		ip -n $s-$h neigh flush dev eth0
	done
	for h in h1 h2; do
		rm -f /tmp/$v-$h.pcap /tmp/$v-$h.err
		nsx $v-$h tcpdump -Z root -nn -i eth0 -w /tmp/$v-$h.pcap \
			2>/tmp/$v-$h.err &
		pids+=($!)
	done
	for h in h1 h2; do
		check "capture in $v-$h" wait_for -t 30 grep -q "listening on" \
			/tmp/$v-$h.err
	done
	check "$s pings its peer" wait_for -t 10 nsx $s-h1 ping -c 1 -W 1 10.0.0.2
	nsx $s-h1 ping -b -c 2 -i 0.2 -W 1 10.0.0.255 >/dev/null 2>&1 || true
	sleep 1
	kill "${pids[@]}" 2>/dev/null || true
	wait "${pids[@]}" 2>/dev/null || true
	for h in h1 h2; do
		n=$(tcpdump -nn -r /tmp/$v-$h.pcap 2>/dev/null | wc -l) || true
		tcpdump -nn -r /tmp/$v-$h.pcap 2>/dev/null | head -5 || true
		[ "$n" -eq 0 ] || fail "$n frames of tenant $s reached tenant $v on $h"
		log "ok: nothing of $s in $v-$h"
	done
}

for order in "U M" "M U"; do
	log "creation order: $order"
	for i in 1 2; do
		for t in $order; do mk_$(tr UM um <<<"$t") $i; done
		for t in U M; do
			topo_tenant_bridge h$i $t x$t
			topo_vm h$i $t 10.0.0.$i/24 02:00:00:00:00:0$i
		done
	done
	isolated M U
	isolated U M
	check "no M frame learned in xU" \
		bash -c "! bridge -n h2 fdb show dev xU | grep -q 192.0.2.11"
	check "M learned its peer" \
		bash -c "bridge -n h2 fdb show dev xM | grep -q 'dst 192.0.2.11'"
	for i in 1 2; do
		for t in U M; do
			ip -n h$i link del x$t
			ip -n h$i link del br-$t
			ip netns del $t-h$i
		done
	done
done
# Two devices cannot share a VNI and a group: nothing would tell them apart.
check "h1 xM" ip -n h1 link add xM type ovl-vxlan id 100 local 192.0.2.11 \
	group 239.1.1.1 dev ul
check_fail "same VNI and group, other local address" \
	ip -n h1 link add xM2 type ovl-vxlan id 100 local 192.0.2.1 \
	group 239.1.1.1 dev ul
log PASS
