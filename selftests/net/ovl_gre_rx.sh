#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ovl-gre receive through ip_gre/ip6_gre: one collect-metadata GRE device
# per underlay namespace and family (ovlgre4: gretap, ovlgre6: ip6gre),
# whose rx_handler demultiplexes by key.  Checks: in-tree gretap keys win
# over ovl-gre in both creation orders; the GRE reserved bits 6-12 are
# ignored (RFC 2784) for ovl-gre as for in-tree keys (over IPv4 the
# kernel's gre_demux drops bits 9-12 for both alike); keys nobody has
# are counted; the receive device comes back after an administrator
# deletes it; refusals with extack: another collect-metadata device, csum
# disagreeing within a namespace, NVGRE with csum, group for ovl-gre.
#
#   A-h1 -- br-A -- gA ovl-gre key 60 ............ gA ovl-gre key 60 -- br-A -- A-h2
#   B-h1 -- br-B -- gB ovl-gre key 61 ............ gB gretap key 61 -- br-B -- B-h2
#                                                  oB ovl-gre key 61 (same key, loses)
#   gresend (raw GRE) -> h2: gR ovl-gre key 62, gT gretap key 63, gR6 ovl-gre key 64 (IPv6)
#                h1 ul ============ sw ============ ul h2
#   x: a namespace of its own for the refusals
set -euo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/topo.sh"

check "modprobe ovlnet" modprobe ovlnet
topo_underlay 2

# --- an ovl-gre tenant; the receive device -------------------------------
for i in 1 2; do
	j=$((3 - i))
	check "h$i gA key 60" ip -n h$i link add gA type ovl-gre key 60 \
		local 192.0.2.$i remote 192.0.2.$j
	topo_tenant_bridge h$i A gA
	topo_vm h$i A 10.6.0.$i/24 02:00:00:00:06:0$i
done
check "A pings" wait_for -t 20 nsx A-h1 ping -c 1 -W 1 10.6.0.2
check "ovlgre4 is a collect-metadata gretap" \
	bash -c "ip -n h2 -d link show ovlgre4 | grep -q external"
check "ovlgre4 says whose it is" \
	bash -c "ip -n h2 link show ovlgre4 | grep -q 'alias ovlnet'"
check_fail "no ovlgre6 without an IPv6 ovl-gre device" ip -n h2 link show ovlgre6

# --- in-tree gretap keeps its key, whichever was created first ------------
check "h1 gB ovl-gre key 61" ip -n h1 link add gB type ovl-gre key 61 \
	local 192.0.2.1 remote 192.0.2.2
topo_tenant_bridge h1 B gB
topo_vm h1 B 10.7.0.1/24 02:00:00:00:07:01
topo_vm_h2B() { topo_vm h2 B 10.7.0.2/24 02:00:00:00:07:02; }
gretap_h2B()
{
	check "h2 gB gretap key 61" ip -n h2 link add gB type gretap key 61 \
		local 192.0.2.2 remote 192.0.2.1
	topo_tenant_bridge h2 B gB
}
ovl_h2B()
{
	check "h2 oB ovl-gre key 61 (same key)" ip -n h2 link add oB \
		type ovl-gre key 61 local 192.0.2.2 remote 192.0.2.1
	ip -n h2 link set oB up
}
ovl_h2B
gretap_h2B
topo_vm_h2B
# before the gretap existed, key 61 was oB's: count from here
sleep 1
rx0=$(rx_packets h2 oB)
check "B pings (ovl-gre first, gretap second)" \
	wait_for -t 20 nsx B-h1 ping -c 1 -W 1 10.7.0.2
check "B h2->h1" nsx B-h2 ping -c 3 -i 0.2 -W 2 10.7.0.1
[ "$(rx_packets h2 oB)" = "$rx0" ] || fail "ovl-gre oB took packets of gretap key 61"
ip -n h2 link del oB
ip -n h2 link del gB
ip netns exec B-h1 ip neigh flush dev eth0
gretap_h2B
ovl_h2B
check "B pings (gretap first, ovl-gre second)" \
	wait_for -t 20 nsx B-h1 ping -c 1 -W 1 10.7.0.2
[ "$(rx_packets h2 oB)" = 0 ] || fail "ovl-gre oB took packets of gretap key 61"
log "ok: gretap key 61 kept its packets in both creation orders"

# --- reserved bits 6-12 ignored; unknown keys counted ---------------------
check "h2 gR ovl-gre key 62" ip -n h2 link add gR type ovl-gre key 62 \
	local 192.0.2.2 remote 192.0.2.1
check "h2 gT gretap key 63" ip -n h2 link add gT type gretap key 63 \
	local 192.0.2.2 remote 192.0.2.1
check "h2 gR6 ovl-gre key 64" ip -n h2 link add gR6 type ovl-gre key 64 \
	local 2001:db8::2 remote 2001:db8::1
for d in gR gT gR6; do ip -n h2 link set $d up; done
check "ovlgre6 is a collect-metadata ip6gre" \
	bash -c "ip -n h2 -d link show ovlgre6 | grep -q external"
sleep 1
# sent DEV SRC DST FLAGS KEY: 20 packets, DEV must receive all of them
sent()
{
	local dev=$1 before after
	before=$(rx_packets h2 $dev)
	check "gresend $3 flags $4 key $5" nsx h1 "$DIR/gresend" $2 $3 $4 $5 20
	wait_for -t 5 bash -c "[ \$(rx_packets h2 $dev) -ge $((before + 20)) ]" || true
	after=$(rx_packets h2 $dev)
	[ $((after - before)) = 20 ] ||
		fail "$dev received $((after - before)) of 20 GRE packets with flags $4"
	log "ok: $dev received 20 of 20 with flags $4"
}
sent gR 192.0.2.1 192.0.2.2 0x2000 62
sent gR 192.0.2.1 192.0.2.2 0x2380 62		# K + reserved bits 6-8
sent gT 192.0.2.1 192.0.2.2 0x2380 63		# in-tree key, same bits
sent gR6 2001:db8::1 2001:db8::2 0x23f8 64	# IPv6: bits 6-12
# IPv4's gre_demux reads bits 9-12 as part of the version (data[1] & 0x7f)
# and drops such packets, gretap's as ovl-gre's: the same fate for both
lost()
{
	local dev=$1 before
	before=$(rx_packets h2 $dev)
	check "gresend flags 0x2078 key $2" nsx h1 "$DIR/gresend" 192.0.2.1 \
		192.0.2.2 0x2078 $2 20
	sleep 1
	[ "$(rx_packets h2 $dev)" = "$before" ] || fail "$dev: bits 9-12 unlike gretap"
}
lost gT 63
lost gR 62
log "ok: reserved bits 9-12 over IPv4 dropped by gre_demux for gretap and ovl-gre alike"
nsc() { nsx h2 awk -v k="$1" '$1 == k { print $2 }' /proc/net/ovlnet; }
u0=$(nsc rx_unknown_id)
check "gresend unknown key" nsx h1 "$DIR/gresend" 192.0.2.1 192.0.2.2 0x2000 999 10
check "gresend no key" nsx h1 "$DIR/gresend" 192.0.2.1 192.0.2.2 0x0000 0 10
sleep 1
n=$(($(nsc rx_unknown_id) - u0))
[ $n = 20 ] || fail "rx_unknown_id counted $n of 20 (unknown key, no key)"
log "ok: 20 of 20 counted as rx_unknown_id"
for d in gR gT gR6; do ip -n h2 link del $d; done

# --- the receive device, deleted by an administrator, comes back ----------
check "delete ovlgre4 behind ovlnet's back" ip -n h2 link del ovlgre4
check_fail "A receives nothing now" nsx A-h1 ping -c 2 -W 1 10.6.0.2
ip -n h2 link set gA down
check "gA down/up re-creates ovlgre4" ip -n h2 link set gA up
check "ovlgre4 is back" ip -n h2 link show ovlgre4
check "A pings again" wait_for -t 20 nsx A-h1 ping -c 1 -W 1 10.6.0.2

# --- refusals -------------------------------------------------------------
ns_create x
# refused WHAT PATTERN cmd...: cmd fails and its message matches PATTERN
refused()
{
	local what=$1 pat=$2 out
	shift 2
	if out=$("$@" 2>&1); then
		fail "$what: accepted"
	fi
	grep -q -- "$pat" <<<"$out" || fail "$what: message '$out' lacks '$pat'"
	log "ok: $what: $out"
}
check "x: gretap external" ip -n x link add gx type gretap external
refused "ovl-gre next to a collect-metadata gretap" "collect-metadata" \
	ip -n x link add o1 type ovl-gre key 1 local 192.0.2.9
ip -n x link del gx
check "x: ovl-gre o1" ip -n x link add o1 type ovl-gre key 1 local 192.0.2.9
check_fail "gretap external next to ovl-gre" \
	ip -n x link add gx type gretap external
check "x: ip6gretap external" ip -n x link add gx6 type ip6gretap external
refused "IPv6 ovl-gre next to a collect-metadata ip6gretap" "collect-metadata" \
	ip -n x link add o6 type ovl-gre key 6 local 2001:db8::9
ip -n x link del gx6
refused "csum disagreeing with o1" "IFLA_OVL_GRE_CSUM" \
	ip -n x link add o2 type ovl-gre key 2 csum local 192.0.2.9
check "csum in the other family" ip -n x link add o6 type ovl-gre key 6 \
	csum local 2001:db8::9
refused "nvgre with csum (RFC 7637)" "IFLA_OVL_GRE_CSUM: NVGRE" \
	ip -n x link add o3 type ovl-gre key 3 nvgre csum local 2001:db8::9
refused "group for ovl-gre" "IFLA_OVL_GROUP" \
	ip -n x link add o4 type ovl-gre key 4 local 192.0.2.9 group 239.1.1.1
ip -n x link del o1
ip -n x link del o6
check_fail "last ovl-gre gone: ovlgre4 too" ip -n x link show ovlgre4
check_fail "and ovlgre6" ip -n x link show ovlgre6
log PASS
