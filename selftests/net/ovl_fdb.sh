#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The shared FDB on three hosts: flood-and-learn through the flood list
# (head-end replication), unicast to one host once learned, static entries
# via `bridge fdb` (text and JSON), ageing, maxaddress, bumlimit, ARP
# suppression, l2miss, multicast group mode, and ovl-gre multipoint.
#
#   A-h1 10.6.0.1        A-h2 10.6.0.2        A-h3 10.6.0.3     (VMs)
#     br-A                 br-A                 br-A
#     xA (vni 500)         xA                   xA   flood list: the other two
#     ul 192.0.2.1         ul 192.0.2.2         ul 192.0.2.3
#      `================== ns sw: bridge sw ==================='
#   M: the same with `group 239.1.1.1 dev ul` (vni 600);
#   G: the same with ovl-gre key 700.
set -euo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/topo.sh"

ZERO=00:00:00:00:00:00
check "modprobe ovlnet" modprobe ovlnet
export TOPO_NO_IPV6=1
topo_underlay 3

# tenant T KIND-ARGS...: T on three hosts, head-end flood list to the others
tenant()
{
	local t=$1 i j
	shift
	for i in 1 2 3; do
		check "h$i x$t" ip -n h$i link add x$t "$@" local 192.0.2.$i dev ul
		for j in 1 2 3; do
			[ $i = $j ] && continue
			check "h$i flood list += h$j" \
				bridge -n h$i fdb append $ZERO dev x$t dst 192.0.2.$j
		done
		topo_tenant_bridge h$i $t x$t
		topo_vm h$i $t 10.6.0.$i/24 02:00:00:00:06:0$i
	done
}

tenant A type ovl-vxlan id 500
check "flood list shown" bash -c "bridge -n h1 fdb show dev xA | grep -c '^$ZERO' | grep -q 2"

# Flood-and-learn.
check "ping h1->h2 (flood, then learn)" wait_for -t 10 nsx A-h1 ping -c 1 -W 1 10.6.0.2
check "h1 learned h2's VM" bash -c "bridge -n h1 fdb show dev xA | grep -q '02:00:00:00:06:02 dst 192.0.2.2'"
check "learned entry is dynamic" bash -c "! bridge -n h1 fdb show dev xA | grep '02:00:00:00:06:02' | grep -q permanent"
before=$(rx_packets h3 xA)
check "ping x10 after learning" nsx A-h1 ping -c 10 -i 0.1 -W 2 10.6.0.2
after=$(rx_packets h3 xA)
log "h3 xA rx packets: $before -> $after"
[ "$after" = "$before" ] || fail "h3 received $((after - before)) packets of a learned h1<->h2 flow"
log "ok: learned unicast reached h2 only"
check "JSON dump" bash -c "bridge -n h1 -j fdb show dev xA | grep -q '\"mac\":\"02:00:00:00:06:02\"'"
check "JSON dump has dst" bash -c "bridge -n h1 -j fdb show dev xA | grep -q '\"dst\":\"192.0.2.2\"'"

# Static entries.
M=02:00:00:00:06:99
check "static add" bridge -n h1 fdb add $M dev xA dst 192.0.2.3
check "static shown permanent" bash -c "bridge -n h1 fdb show dev xA | grep '$M' | grep -q 'dst 192.0.2.3.*permanent'"
check "replace" bridge -n h1 fdb replace $M dev xA dst 192.0.2.2
check "replaced" bash -c "bridge -n h1 fdb show dev xA | grep '$M' | grep -q 'dst 192.0.2.2'"
check "append 2nd dest" bridge -n h1 fdb append $M dev xA dst 192.0.2.3
check "two dests" bash -c "[ \$(bridge -n h1 fdb show dev xA | grep -c '$M') = 2 ]"
check "del one dest" bridge -n h1 fdb del $M dev xA dst 192.0.2.3
check "one left" bash -c "[ \$(bridge -n h1 fdb show dev xA | grep -c '$M') = 1 ]"
check "del entry" bridge -n h1 fdb del $M dev xA
check "gone" bash -c "! bridge -n h1 fdb show dev xA | grep -q '$M'"
check "dynamic add with port and vni" bridge -n h1 fdb add $M dev xA dst 192.0.2.3 port 4790 vni 77 dynamic
check "port/vni shown" bash -c "bridge -n h1 fdb show dev xA | grep '$M' | grep -q 'port 4790 vni 77'"
check "del" bridge -n h1 fdb del $M dev xA

# Ageing: learned entries expire, static ones stay.
check "ageing 2" ip -n h1 link set xA type ovl-vxlan ageing 2
# (`bridge fdb show dev xA` also lists br-A's own entries: keep "self")
wait_for -t 8 bash -c "! bridge -n h1 fdb show dev xA | grep self | grep -q 02:00:00:00:06:02" ||
	fail "learned entry did not age out"
log "ok: learned entry aged out"
check "flood list survives ageing" bash -c "bridge -n h1 fdb show dev xA | grep -q '^$ZERO'"
check "ageing back to 300" ip -n h1 link set xA type ovl-vxlan ageing 300

# maxaddress: a VM spraying source MACs cannot grow the table past it.
check "maxaddress 4 on h1" ip -n h1 link set xA type ovl-vxlan maxaddress 4
for n in $(seq 10 29); do
	ip -n A-h2 link set eth0 address 02:00:00:00:07:$n
	nsx A-h2 ping -b -c 1 -W 0.2 10.6.0.255 >/dev/null 2>&1 || true
done
ip -n A-h2 link set eth0 address 02:00:00:00:06:02
n=$(bridge -n h1 fdb show dev xA | grep self | awk '{print $1}' | sort -u | wc -l)
log "h1 FDB MACs: $n, learn_refused $(xstat h1 xA learn_refused)"
[ "$n" -le 4 ] || fail "FDB grew to $n MACs beyond maxaddress 4"
check "refusals counted" bash -c "[ \$(xstat h1 xA learn_refused) -ge 10 ]"
check "maxaddress off" ip -n h1 link set xA type ovl-vxlan maxaddress 0

# bumlimit: a broadcast storm is cut at the tunnel.
check "bumlimit 20 on h2" ip -n h2 link set xA type ovl-vxlan bumlimit 20
nsx A-h2 ping -b -f -c 400 -W 1 10.6.0.255 >/dev/null 2>&1 || true
check "BUM drops counted" bash -c "[ \$(xstat h2 xA tx_bum_limited) -ge 100 ]"
check "bumlimit off" ip -n h2 link set xA type ovl-vxlan bumlimit 0

# ARP suppression.
check "proxy on h1" ip -n h1 link set xA type ovl-vxlan proxy
check "neigh entry on xA" ip -n h1 neigh add 10.6.0.3 lladdr 02:00:00:00:06:03 dev xA nud permanent
ip -n A-h1 neigh flush dev eth0
check "ping h1->h3 with proxy" nsx A-h1 ping -c 2 -i 0.2 -W 2 10.6.0.3
check "ARP answered locally" bash -c "[ \$(xstat h1 xA tx_proxy_replies) -ge 1 ]"

# l2miss: an unknown unicast destination is reported on netlink.
check "l2miss on h1" ip -n h1 link set xA type ovl-vxlan l2miss
nsx h1 timeout 4 ip monitor neigh >/tmp/mon.txt 2>&1 &
sleep 1
ip -n A-h1 neigh add 10.6.0.77 lladdr 02:00:00:00:06:77 dev eth0 nud permanent
nsx A-h1 ping -c 2 -i 0.2 -W 1 10.6.0.77 >/dev/null 2>&1 || true
wait || true
cat /tmp/mon.txt
check "miss seen in ip monitor" grep -q "miss.*02:00:00:00:06:77" /tmp/mon.txt

# Multicast group mode: BUM goes to the group, replies are learned unicast.
for i in 1 2 3; do
	check "h$i xM group" ip -n h$i link add xM type ovl-vxlan id 600 \
		group 239.1.1.1 dev ul local 192.0.2.$i
	topo_tenant_bridge h$i M xM
	topo_vm h$i M 10.6.0.$i/24 02:00:00:00:08:0$i
done
check "group shown" bash -c "ip -n h1 -d link show xM | grep -q 'group 239.1.1.1'"
check "ping h1->h2 via group" wait_for -t 10 nsx M-h1 ping -c 1 -W 1 10.6.0.2
check "ping h1->h3 via group" wait_for -t 10 nsx M-h1 ping -c 1 -W 1 10.6.0.3
check "learned unicast from group traffic" bash -c "bridge -n h1 fdb show dev xM | grep -q '02:00:00:00:08:02 dst 192.0.2.2'"

# ovl-gre multipoint through the same FDB.
tenant G type ovl-gre key 700
check "gre ping h1->h2" wait_for -t 10 nsx G-h1 ping -c 1 -W 1 10.6.0.2
check "gre ping h1->h3" wait_for -t 10 nsx G-h1 ping -c 1 -W 1 10.6.0.3
check "gre ping h2->h3" wait_for -t 10 nsx G-h2 ping -c 1 -W 1 10.6.0.3
check "gre learned" bash -c "bridge -n h1 fdb show dev xG | grep -q '02:00:00:00:06:03 dst 192.0.2.3'"
log PASS
