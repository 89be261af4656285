#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Outer fragmentation: with the tenant MTU above what the underlay carries
# (and df unset, the default), the sending host fragments the outer packet
# of an inner packet that may be fragmented (IPv4 without DF) and the
# receiving host must reassemble it before decapsulation, for both kinds
# over IPv4 and IPv6.  An inner packet with DF is answered with ICMP
# Frag-Needed instead (as by the in-tree vxlan), and the VM learns the
# path.  (ovl-gre receives through ip_gre/ip6_gre,
# after the IP stack reassembled: no netfilter defragmentation involved.)
#
#   T-h1 --br-T-- xT (mtu 3000, no dev) .. xT --br-T-- T-h2,  T in
#   A (ovl-vxlan/IPv4) A6 (ovl-vxlan/IPv6) G (ovl-gre/IPv4) G6 (ovl-gre/IPv6)
#   Z (ovl-vxlan/IPv6 with zero UDP checksums, RFC 6935, on port 4790:
#   the setting belongs to the port's socket)
#                 h1 ul (mtu 1500) ===== sw ===== ul h2
set -euo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/topo.sh"

check "modprobe ovlnet" modprobe ovlnet
export TOPO_NO_IPV6=1
topo_underlay 2
# reasm: datagrams h2 reassembled (IPv4 and IPv6)
reasm() { nsx h2 nstat -asz IpReasmOKs Ip6ReasmOKs | awk '{ s += $2 } END { print s + 0 }'; }
n=0
for t in "A ovl-vxlan id 100 192.0.2." "A6 ovl-vxlan id 101 2001:db8::" \
	 "G ovl-gre key 200 192.0.2." "G6 ovl-gre key 201 2001:db8::" \
	 "Z ovl-vxlan id 102 2001:db8:: dstport 4790 udp6zerocsumtx udp6zerocsumrx"; do
	read -r name kind idw id pfx opts <<<"$t"
	n=$((n + 1))
	for i in 1 2; do
		j=$((3 - i))
		check "h$i x$name" ip -n h$i link add x$name mtu 3000 type $kind \
			$idw $id local $pfx$i remote $pfx$j $opts
		topo_tenant_bridge h$i $name x$name
		topo_vm h$i $name 10.$n.0.$i/24 02:00:00:00:0$n:0$i
		ip -n $name-h$i link set eth0 mtu 3000
		ip -n h$i link set v-$name mtu 3000
		ip -n h$i link set br-$name mtu 3000
	done
	check "$name: small ping" wait_for -t 10 nsx $name-h1 ping -c 1 -W 1 10.$n.0.2
	r0=$(reasm)
	check "$name: 2500-byte ping without DF (outer fragmented)" \
		wait_for -t 5 nsx $name-h1 ping -M dont -c 1 -W 1 -s 2500 10.$n.0.2
	r1=$(reasm)
	check "$name: h2 reassembled outer packets ($r0 -> $r1)" [ "$r1" -gt "$r0" ]
	check_fail "$name: 2500-byte ping with DF: too big" \
		nsx $name-h1 ping -M do -c 1 -W 1 -s 2500 10.$n.0.2
	check "$name: ... the VM learned the path" bash -c \
		"ip -n $name-h1 route get 10.$n.0.2 | grep -qE 'mtu 1[0-9]{3}'"
	log "$name: $(ip -n $name-h1 route get 10.$n.0.2 | tr -s '\n ' ' ')"
done
log PASS
