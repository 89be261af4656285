#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# remotes-only: an attacker on the underlay (h3) who knows a tenant's VNI
# or GRE key configures its own device with it and sends frames to h2.
# By default (RFC 7348) h2 delivers them: the capture in the tenant's VM
# shows the attacker's MAC, so this test can fail.  With remotes-only
# they are dropped and counted in rx_not_remote; the tenant's real peer
# (h1, in the flood list) keeps working; adding h3 to the FDB admits it.
#
#   A-h1 10.1.0.1 --br-A-- xA (vni 100) .. xA --br-A-- A-h2 10.1.0.2 (captured)
#   G-h1 10.2.0.1 --br-G-- xG (key 200) .. xG --br-G-- G-h2 10.2.0.2 (captured)
#                 h1 ul ======= sw ======= ul h2
#                                 |
#               ul h3: xA (vni 100, remote h2) --br-A-- A-h3 10.1.0.3 02:00:00:00:0e:03
#                      xG (key 200, remote h2) --br-G-- G-h3 10.2.0.3 02:00:00:00:0e:04
set -euo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/topo.sh"

check "modprobe ovlnet" modprobe ovlnet
export TOPO_NO_IPV6=1
topo_underlay 3

topo_tenant_pair
# the attacker
check "h3 xA" ip -n h3 link add xA type ovl-vxlan id 100 local 192.0.2.3 remote 192.0.2.2 dev ul
check "h3 xG" ip -n h3 link add xG type ovl-gre key 200 local 192.0.2.3 remote 192.0.2.2 dev ul
topo_tenant_bridge h3 A xA
topo_tenant_bridge h3 G xG
topo_vm h3 A 10.1.0.3/24 02:00:00:00:0e:03
topo_vm h3 G 10.2.0.3/24 02:00:00:00:0e:04

check "A: h1 <-> h2" wait_for -t 10 nsx A-h1 ping -c 1 -W 1 10.1.0.2
check "G: h1 <-> h2" wait_for -t 10 nsx G-h1 ping -c 1 -W 1 10.2.0.2

# inject T MAC: the attacker's VM of tenant T sends (ARP broadcasts and
# pings); prints how many of its frames the capture in T-h2 saw.
inject()
{
	local t=$1 mac=$2 ip=$3 n
	ip -n $t-h3 neigh flush dev eth0
	nsx $t-h2 timeout 5 tcpdump -U -nn -i eth0 -w /tmp/ro-$t.pcap "ether src $mac" 2>/dev/null &
	sleep 1.5
	nsx $t-h3 ping -c 3 -i 0.3 -W 1 "$ip" >/dev/null 2>&1 || true
	wait
	n=$(tcpdump -nn -r /tmp/ro-$t.pcap 2>/dev/null | wc -l) || true
	tcpdump -nn -e -r /tmp/ro-$t.pcap 2>/dev/null | head -3 >&2 || true
	echo "$n"
}

# --- default: RFC behaviour, the attacker gets in -----------------------
for t in "A xA ovl-vxlan 02:00:00:00:0e:03 10.1.0.2" \
	 "G xG ovl-gre 02:00:00:00:0e:04 10.2.0.2"; do
	read -r name dev kind mac ip <<<"$t"
	n=$(inject $name $mac $ip)
	log "$dev default: $n frames of the attacker reached $name-h2"
	[ "$n" -gt 0 ] || fail "$dev without remotes-only: the attacker's frames did not arrive (the test cannot tell)"

	# switching remotes-only on forgets what the attack taught
	check "$dev: attacker was learned" bash -c "bridge -n h2 fdb show dev $dev | grep -q 'dst 192.0.2.3'"
	check "$dev: remotes-only on" ip -n h2 link set $dev type $kind remotes-only
	check "$dev: shown" bash -c "ip -n h2 -d link show $dev | grep -q ' remotes-only'"
	check "$dev: learned entries forgotten" bash -c "! bridge -n h2 fdb show dev $dev | grep -q 'dst 192.0.2.3'"
	before=$(xstat h2 $dev rx_not_remote)
	n=$(inject $name $mac $ip)
	after=$(xstat h2 $dev rx_not_remote)
	log "$dev remotes-only: $n frames reached $name-h2, rx_not_remote $before -> $after"
	[ "$n" -eq 0 ] || fail "$dev remotes-only: $n frames of the attacker reached the tenant"
	[ "$after" -gt "$before" ] || fail "$dev remotes-only: drops not counted in rx_not_remote"
	check "$dev remotes-only: the real peer still works" \
		nsx $name-h1 ping -c 3 -i 0.2 -W 2 $ip
	check "$dev: attacker not learned" bash -c "! bridge -n h2 fdb show dev $dev | grep -q 192.0.2.3"

	# h3 in the FDB (flood list): admitted
	check "$dev: h3 into the flood list" bridge -n h2 fdb append 00:00:00:00:00:00 dev $dev dst 192.0.2.3
	n=$(inject $name $mac $ip)
	log "$dev remotes-only, h3 in the FDB: $n frames"
	[ "$n" -gt 0 ] || fail "$dev: a VTEP in the FDB is refused"
	check "$dev: h3 out of the flood list" bridge -n h2 fdb del 00:00:00:00:00:00 dev $dev dst 192.0.2.3
done
log PASS
