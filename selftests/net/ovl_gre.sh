#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ovl-gre: wire compatibility with the in-tree gretap/ip6gretap `key K` in
# both directions, GRE checksums, NVGRE (VSID on the wire, FlowID varying
# with the inner flow), and coexistence with the kernel's own GRE stack in
# both load orders.
#
#   T-h1 (VM) -- br-T -- ovl-gre key K --.          .-- gretap key K -- br-T -- T-h2 (VM)
#                                h1 ul ===== sw ===== ul h2
set -euo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/topo.sh"

# tenant T KIND1 KIND2 KEY FAMILY [extra args]: KIND1 on h1, KIND2 on h2.
tenant()
{
	local t=$1 k1=$2 k2=$3 key=$4 fam=$5 i j kind loc rem
	shift 5
	for i in 1 2; do
		j=$((3 - i))
		if [ "$fam" = 4 ]; then loc=192.0.2.$i rem=192.0.2.$j
		else loc=2001:db8::$i rem=2001:db8::$j; fi
		kind=$k1
		[ $i = 2 ] && kind=$k2
		check "$t: h$i $kind key $key v$fam" ip -n h$i link add g$t type $kind \
			key $key local $loc remote $rem "$@"
		topo_tenant_bridge h$i $t g$t
		topo_vm h$i $t 10.5.0.$i/24 02:00:00:00:05:0$i
	done
}

pings()
{
	check "$1: ping h1->h2" wait_for -t 10 nsx $1-h1 ping -c 1 -W 1 10.5.0.2
	check "$1: ping h2->h1" nsx $1-h2 ping -c 3 -i 0.2 -W 2 10.5.0.1
}

tcp()
{
	nsx $1-h2 iperf3 -s -D -1 -p 5201 >/dev/null
	sleep 0.5
	check "$1: TCP h1->h2" nsx $1-h1 iperf3 -c 10.5.0.2 -p 5201 -t 2 -f m
}

drop_tenant()
{
	for h in h1 h2; do
		ip -n $h link del g$1
		ip -n $h link del br-$1
		ip netns del $1-$h
	done
}

# --- coexistence, ip_gre loaded first -----------------------------------
check "modprobe ip_gre first" modprobe ip_gre
check "modprobe ip6_gre" modprobe ip6_gre
check "then ovlnet" modprobe ovlnet
topo_underlay 2
tenant A ovl-gre gretap 42 4
tenant B gretap gretap 43 4		# in-tree on both sides, same hosts
pings A
pings B
tcp A
check "default MTU: 1500 - 42 (IPv4 20 + GRE with key 8 + Ethernet 14)" bash -c "ip -n h1 link show gA | grep -q 'mtu 1458'"

# The wire: GRE, key 42, protocol TEB.
nsx h2 timeout 6 tcpdump -nn -v -x -i ul -c 4 'proto gre and ip[24:4] = 42' >/tmp/gre.txt 2>/dev/null &
sleep 1.5
nsx A-h1 ping -c 3 -i 0.2 -W 2 10.5.0.2 >/dev/null || true
wait || true
cat /tmp/gre.txt
check "GRE key 0x2a on the wire" grep -q "key=0x2a" /tmp/gre.txt
check "GRE flags K, protocol 0x6558 (TEB)" grep -q "2000 6558" /tmp/gre.txt

# Reverse roles, with GRE checksums.
tenant C gretap ovl-gre 44 4 csum
pings C
tcp C
check "csum shown" bash -c "ip -n h2 -d link show gC | grep -qw csum"

# IPv6 underlay against ip6gretap.
tenant D ovl-gre ip6gretap 45 6
pings D
tenant E ip6gretap ovl-gre 46 6
pings E
tcp E
for t in A B C D E; do drop_tenant $t; done

# --- NVGRE between two ovl-gre hosts -----------------------------------
tenant N ovl-gre ovl-gre 0x123 4 nvgre
pings N
nsx h2 timeout 10 tcpdump -nn -v -i ul proto gre >/tmp/nv.txt 2>/dev/null &
sleep 1.5
nsx N-h2 iperf3 -s -D -1 -p 5202 >/dev/null
sleep 0.5
nsx N-h1 iperf3 -c 10.5.0.2 -p 5202 -t 2 -P 8 >/dev/null || fail "nvgre iperf3"
wait || true
keys=$(grep -o "key=0x[0-9a-f]*" /tmp/nv.txt | sort -u | cut -d= -f2)
log "NVGRE keys seen: $(echo $keys)"
for k in $keys; do
	[ $((k >> 8)) = $((0x123)) ] || fail "key $k does not carry VSID 0x123"
done
[ "$(echo "$keys" | wc -w)" -ge 2 ] || fail "FlowID never varied: $keys"
log "ok: VSID 0x123 in every key, $(echo "$keys" | wc -w) FlowIDs"
drop_tenant N

# --- coexistence, ovlnet loaded first ------------------------------------
ip netns del h1; ip netns del h2; ip netns del sw
LIB_NETNS=()
sleep 1
check "rmmod ovlnet" rmmod ovlnet
rmmod ip6_gre ip_gre 2>/dev/null || true
rmmod gre 2>/dev/null || true
lsmod | grep "^ip_gre" >/dev/null && fail "ip_gre still loaded"
check "modprobe ovlnet alone" modprobe ovlnet
# ovl-gre receives through ip_gre (a module dependency) and ip6_gre (softdep)
check "ip_gre came with it" bash -c "lsmod | grep -q '^ip_gre'"
check "ip6_gre came with it" bash -c "lsmod | grep -q '^ip6_gre'"
topo_underlay 2
tenant F ovl-gre ovl-gre 50 4
pings F
check "then ip_gre again (no-op)" modprobe ip_gre
tenant G gretap gretap 51 4
tenant H ovl-gre gretap 52 4
pings G
pings H
pings F
log PASS
