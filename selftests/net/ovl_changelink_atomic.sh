#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Changelink is all or nothing.  A `remote` change that cannot be made
# (the new remote is already in the flood list from `bridge fdb append`)
# fails with an extack message and leaves the old remote in place: shown
# by `ip -d link`, in the flood list, and carrying traffic.  A remote
# change on a full FDB (maxaddress reached) needs no new entry and
# succeeds, the new remote replacing the old one.  Both kinds.
#
#   A-h1 10.1.0.1 --br-A-- xA (vni 100) .. xA --br-A-- A-h2 10.1.0.2
#   G-h1 10.2.0.1 --br-G-- xG (key 200) .. xG --br-G-- G-h2 10.2.0.2
#                 h1 ul 192.0.2.1 == sw == 192.0.2.2 ul h2
#                                      `== 192.0.2.3 ul h3 (no tenants)
set -euo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/topo.sh"

check "modprobe ovlnet" modprobe ovlnet
export TOPO_NO_IPV6=1
topo_underlay 3

topo_tenant_pair

# flood_has DEV ADDR: h1's flood list of DEV holds ADDR
flood_has()
{
	bridge -n h1 fdb show dev "$1" | grep "^00:00:00:00:00:00 dst $2 " >/dev/null
}
shows_remote()
{
	ip -n h1 -d link show "$1" | grep "remote $2 " >/dev/null
}

for t in A G; do
	dev=x$t
	kind=ovl-$([ $t = A ] && echo vxlan || echo gre)
	vm=$t-h1
	net=10.$([ $t = A ] && echo 1 || echo 2).0
	log "--- $dev ---"
	check "$t: ping" wait_for -t 10 nsx $vm ping -c 1 -W 1 $net.2

	# 1. the new remote is already a flood-list destination (same key:
	#    address, port, ID and `via` the device's dev): EEXIST
	check "$t: append 192.0.2.3 to the flood list" \
		bridge -n h1 fdb append 00:00:00:00:00:00 dev $dev dst 192.0.2.3 via ul
	rc=0
	out=$(ip -n h1 link set $dev type $kind \
		remote 192.0.2.3 2>&1) || rc=$?
	[ $rc -ne 0 ] || fail "$t: remote change onto a flood-list destination accepted"
	grep -q "IFLA_OVL_REMOTE" <<<"$out" || fail "$t: no extack naming the remote: $out"
	log "ok: $t: refused: $out"
	shows_remote $dev 192.0.2.2 || fail "$t: remote 192.0.2.2 no longer shown"
	flood_has $dev 192.0.2.2 ||
		{ bridge -n h1 fdb show dev $dev; fail "$t: old remote left the flood list"; }
	flood_has $dev 192.0.2.3 ||
		{ bridge -n h1 fdb show dev $dev; fail "$t: the appended destination went away"; }
	check "$t: remove the appended destination" \
		bridge -n h1 fdb del 00:00:00:00:00:00 dev $dev dst 192.0.2.3 via ul
	nsx $vm ip neigh flush dev eth0
	check "$t: old remote still carries traffic (broadcast: ARP)" \
		wait_for -t 5 nsx $vm ping -c 1 -W 1 $net.2

	# 2. a full FDB: flood entry + learned + one static entry >= maxaddress 2
	check "$t: static entry" \
		bridge -n h1 fdb add 02:00:00:00:99:01 dev $dev dst 192.0.2.2
	check "$t: maxaddress 2 (learning stops)" \
		ip -n h1 link set $dev type $kind \
		nolearning maxaddress 2
	check "$t: remote change on a full FDB" \
		ip -n h1 link set $dev type $kind \
		remote 192.0.2.3
	shows_remote $dev 192.0.2.3 || fail "$t: new remote not shown"
	flood_has $dev 192.0.2.3 ||
		{ bridge -n h1 fdb show dev $dev; fail "$t: new remote not in the flood list"; }
	flood_has $dev 192.0.2.2 && fail "$t: old remote still in the flood list"
	check "$t: back to 192.0.2.2" \
		ip -n h1 link set $dev type $kind \
		remote 192.0.2.2
	flood_has $dev 192.0.2.2 || fail "$t: 192.0.2.2 not back in the flood list"
	flood_has $dev 192.0.2.3 && fail "$t: 192.0.2.3 still in the flood list"
	nsx $vm ip neigh flush dev eth0
	check "$t: traffic again" wait_for -t 5 nsx $vm ping -c 1 -W 1 $net.2
done
log PASS
