#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# External (collect-metadata) ovl-vxlan with VLAN-aware bridges: the
# seed-000 picture.  Three hosts, two tenants per host with the same
# addresses and MACs; one overlay device per host carries both, the
# bridge mapping VLAN 10 <-> VNI 1000 (tenant A) and VLAN 20 <-> VNI 2000
# (tenant B) with vlan_tunnel; per-VNI flood lists (src_vni).  First
# ovlnet on every host, then h3 runs the in-tree `vxlan external`.
#
#   A-hI 10.0.0.I 02:00:00:00:00:0I --(vid 10 pvid)--.
#   B-hI 10.0.0.I 02:00:00:00:00:0I --(vid 20 pvid)--+-- br0 (vlan_filtering)
#   C-h2 10.0.0.9 (VLAN 1, h2 only) ------------------'     |
#                                  vx0 ovl-vxlan external, vlan_tunnel:
#                                  vid 10 = VNI 1000, vid 20 = VNI 2000
#                                          |
#                  h1 ul 192.0.2.1 ==== sw ==== h2 ul 192.0.2.2
#                                        `===== h3 ul 192.0.2.3
#
# Also: per-VNI learning (bridge fdb shows src_vni), a VNI no VLAN maps
# (3000) dropped and counted and never seen in VLAN 1, per-VNI counters
# (/proc/net/ovlnet_vni), and bad input refused with extack.
set -euo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/topo.sh"

check "modprobe ovlnet" modprobe ovlnet
require_mod vxlan
export TOPO_NO_IPV6=1
topo_underlay 3

# vm HOST TENANT VID IP: an access port of br0 in VLAN VID, MAC
# 02:00:00:00:00:0I on host hI.
vm() { topo_vlan_vm "$1" "$2" "$3" "$4/24" "02:00:00:00:00:0${1#h}"; }

# overlay HOST KIND: vx0 (ovl-vxlan or the in-tree vxlan, external) in
# br0 with the two tenants' VLAN <-> VNI maps and flood lists.
overlay()
{
	local h=$1 kind=$2 i=${1#h} j vni
	check "$h: $kind external" ip -n "$h" link add vx0 type "$kind" \
		external local "192.0.2.$i" dstport 4789 dev ul
	ip -n "$h" link set vx0 master br0
	check "$h: vlan_tunnel" bridge -n "$h" link set dev vx0 vlan_tunnel on
	for vni in 1000 2000; do
		bridge -n "$h" vlan add dev vx0 vid $((vni / 100))
		check "$h: vid $((vni / 100)) = VNI $vni" bridge -n "$h" vlan add \
			dev vx0 vid $((vni / 100)) tunnel_info id $vni
		for j in 1 2 3; do
			[ "$j" = "$i" ] && continue
			check "$h: VNI $vni floods to h$j" bridge -n "$h" fdb append \
				00:00:00:00:00:00 dev vx0 dst "192.0.2.$j" src_vni $vni
		done
	done
	ip -n "$h" link set vx0 up
}

for h in h1 h2 h3; do
	ip -n $h link add br0 type bridge vlan_filtering 1
	ip -n $h link set br0 up
	vm $h A 10 10.0.0.${h#h}
	vm $h B 20 10.0.0.${h#h}
	overlay $h ovl-vxlan
done
vm h2 C 1 10.0.0.9

# pings TAG: every VM reaches the same address on the other hosts, in its
# own tenant.
pings()
{
	local t i j
	for t in A B; do
		for i in 1 2 3; do
			for j in 1 2 3; do
				[ $i = $j ] && continue
				check "$1: $t-h$i -> 10.0.0.$j" wait_for -t 10 \
					nsx $t-h$i ping -c 1 -W 1 10.0.0.$j
			done
		done
	done
}

# fdb_has NS MAC DST VNI: the device's FDB maps MAC to DST in VNI.
fdb_has()
{
	bridge -n "$1" fdb show dev vx0 | awk -v m="$2" -v d="dst $3 " \
		-v v="src_vni $4 " '$1 == m && index($0 " ", d) && index($0 " ", v) { f = 1 }
		END { exit !f }'
}

# vni_stat NS VNI FIELD: a per-VNI counter from /proc/net/ovlnet_vni.
vni_stat()
{
	nsx "$1" cat /proc/net/ovlnet_vni | awk -v v="$2" -v f="$3" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$1 == "vx0" && $2 == v { print $col[f] }'
}

# isolated TAG: tenant A pings while tenant B's VM with the same address
# captures: B sees no ICMP.
isolated()
{
	local n
	nsx B-h2 timeout 5 tcpdump -nn -i eth0 -w /tmp/b.pcap icmp \
		2>/dev/null &
	sleep 1.5
	nsx A-h1 ping -c 5 -i 0.2 -W 1 10.0.0.2 >/dev/null ||
		fail "$1: tenant A ping during capture"
	wait || true
	[ -s /tmp/b.pcap ] || fail "$1: no capture in tenant B's VM"
	n=$(tcpdump -nn -r /tmp/b.pcap 2>/dev/null | wc -l)
	[ "$n" = 0 ] || fail "$1: tenant B's VM saw $n ICMP packets of tenant A"
	log "ok: $1: tenant B's 10.0.0.2 saw none of tenant A's pings"
}

pings "ovlnet x3"
isolated "ovlnet x3"
check "h1 learned h2's MAC in VNI 1000" fdb_has h1 02:00:00:00:00:02 192.0.2.2 1000
check "h1 learned the same MAC in VNI 2000" fdb_has h1 02:00:00:00:00:02 192.0.2.2 2000
check "per-VNI rx counter" test "$(vni_stat h2 1000 rx_packets)" -gt 0
check "per-VNI tx counter" test "$(vni_stat h2 2000 tx_packets)" -gt 0
check "per-VNI FDB size" test "$(vni_stat h1 1000 fdb_entries)" -ge 3
log "h2's /proc/net/ovlnet_vni:"
nsx h2 cat /proc/net/ovlnet_vni

# maxaddress is per VNI: with 2 (the flood entry and one MAC), h1 learns
# one MAC in VNI 1000 and, independently, one in VNI 2000.
check "h1: maxaddress 2" ip -n h1 link set vx0 type ovl-vxlan maxaddress 2
ip -n h1 link set vx0 down	# forgets what was learned
ip -n h1 link set vx0 up
before=$(xstat h1 vx0 learn_refused)
check "A-h1 -> 10.0.0.2" wait_for -t 10 nsx A-h1 ping -c 1 -W 1 10.0.0.2
check "A-h1 -> 10.0.0.3 (flooded, not learned)" nsx A-h1 ping -c 1 -W 2 10.0.0.3
check "B-h1 -> 10.0.0.2" nsx B-h1 ping -c 1 -W 2 10.0.0.2
check "VNI 1000 is full at 2 entries" test "$(vni_stat h1 1000 fdb_entries)" = 2
check "VNI 2000 learned its own MAC" test "$(vni_stat h1 2000 fdb_entries)" = 2
check "learn_refused counted" test "$(xstat h1 vx0 learn_refused)" -gt "$before"
check "h1: maxaddress unlimited" ip -n h1 link set vx0 type ovl-vxlan \
	maxaddress unlimited

# A VNI that no VLAN maps and no flood list names: h1 sends VNI 3000 to
# h2 from a plain ovl-vxlan device.  Dropped and counted on h2's vx0;
# the VLAN 1 VM (the port's PVID) never sees it.
check "h1: plain VNI 3000 beside external" ip -n h1 link add x3000 type \
	ovl-vxlan id 3000 local 192.0.2.1 remote 192.0.2.2 dev ul
topo_tenant_bridge h1 T3000 x3000
topo_vm h1 T3000 10.0.0.1/24 02:00:00:00:00:31
before=$(xstat h2 vx0 rx_unknown_id)
nsx C-h2 timeout 5 tcpdump -nn -e -i eth0 -w /tmp/c.pcap \
	ether src 02:00:00:00:00:31 2>/dev/null &
sleep 1.5
nsx T3000-h1 ping -c 3 -i 0.2 -W 1 10.0.0.9 >/dev/null && fail "VNI 3000 answered"
wait || true
[ -s /tmp/c.pcap ] || fail "no capture in the VLAN 1 VM"
n=$(tcpdump -nn -r /tmp/c.pcap 2>/dev/null | wc -l)
[ "$n" = 0 ] || fail "VLAN 1 saw $n frames of the unmapped VNI 3000"
log "ok: VLAN 1 saw nothing of VNI 3000"
check "unmapped VNI counted" test "$(xstat h2 vx0 rx_unknown_id)" -gt "$before"

# Bad input, refused with extack naming the attribute.
check_refused "external with id" IFLA_OVL_ID \
	ip -n h1 link add bad type ovl-vxlan external id 5
check_refused "external with remote" IFLA_OVL_REMOTE \
	ip -n h1 link add bad type ovl-vxlan external remote 192.0.2.2
check_refused "external with proxy" IFLA_OVL_PROXY \
	ip -n h1 link add bad type ovl-vxlan external proxy
check_refused "second external device, same port" IFLA_OVL_EXTERNAL \
	ip -n h1 link add bad type ovl-vxlan external local 192.0.2.1 dstport 4789
check_refused "non-external device on a registered VNI" IFLA_OVL_ID \
	ip -n h1 link add bad type ovl-vxlan id 1000 local 192.0.2.1 dstport 4789
check_refused "src_vni owned by a non-external device" NDA_SRC_VNI \
	bridge -n h1 fdb append 00:00:00:00:00:00 dev vx0 dst 192.0.2.2 src_vni 3000
# (the stock bridge refuses this one itself, "invalid src VNI"; the
# kernel's own check answers other clients with "NDA_SRC_VNI: ...")
check_refused "src_vni out of range" "VNI" \
	bridge -n h1 fdb append 00:00:00:00:00:00 dev vx0 dst 192.0.2.2 src_vni 16777216
check_refused "no src_vni on an external device" NDA_SRC_VNI \
	bridge -n h1 fdb append 00:00:00:00:00:00 dev vx0 dst 192.0.2.2
check_refused "src_vni on a non-external device" NDA_SRC_VNI \
	bridge -n h1 fdb append 00:00:00:00:00:00 dev x3000 dst 192.0.2.3 src_vni 7
check "ip -d shows external" bash -c \
	"ip -n h1 -d link show vx0 | grep -qw external"
ip -n h1 link del x3000

# A VNI's last entry gone: the VNI is forgotten (and can be claimed).
check "register VNI 4000" bridge -n h1 fdb append 00:00:00:00:00:00 dev vx0 \
	dst 192.0.2.2 src_vni 4000
check "unregister VNI 4000" bridge -n h1 fdb del 00:00:00:00:00:00 dev vx0 \
	dst 192.0.2.2 src_vni 4000
check "VNI 4000 free again" ip -n h1 link add x4000 type ovl-vxlan id 4000 \
	local 192.0.2.1 dev ul
ip -n h1 link del x4000

# The in-tree vxlan in external mode on h3, the rest unchanged.
ip -n h3 link del vx0
overlay h3 vxlan
pings "h3 in-tree"
isolated "h3 in-tree"
check "h1 learned h3's MAC in VNI 2000 from the in-tree vxlan" \
	wait_for fdb_has h1 02:00:00:00:00:03 192.0.2.3 2000

# A flush (which spares flood lists) empties every VNI's FDB of the
# rest; a VNI left with nothing is forgotten, the others keep their
# flood list.
check "h1: VNI 5000 with one static MAC" bridge -n h1 fdb add \
	02:00:00:00:50:00 dev vx0 dst 192.0.2.2 src_vni 5000 static
check "VNI 5000 registered" test "$(vni_stat h1 5000 fdb_entries)" = 1
check "h1: bridge fdb flush" bridge -n h1 fdb flush dev vx0 self
check "VNI 5000 forgotten" test -z "$(vni_stat h1 5000 fdb_entries)"
check "VNI 1000 kept its flood list" test "$(vni_stat h1 1000 fdb_entries)" -ge 1
log PASS
