#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The shared FDB on three hosts: flood-and-learn through the flood list
# (head-end replication), unicast to one host once learned, static entries
# via `bridge fdb` (text and JSON), ageing, nolearning, maxaddress,
# bumlimit, ARP and ND suppression (no request reaches another VTEP),
# l2miss and l3miss, multicast group mode, and ovl-gre multipoint with the
# same MACs as tenant A, learned separately.
#
#   A-h1 10.6.0.1        A-h2 10.6.0.2        A-h3 10.6.0.3     (VMs)
#     br-A                 br-A                 br-A
#     xA (vni 500)         xA                   xA   flood list: the other two
#     ul 192.0.2.1         ul 192.0.2.2         ul 192.0.2.3
#      `================== ns sw: bridge sw ==================='
#   M: the same with `group 239.1.1.1 dev ul` (vni 600), M6 with
#      `group ff05::1:600` over the IPv6 underlay (vni 601);
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
check "learned entry reports its age" bash -c "bridge -n h1 -s fdb show dev xA | grep '02:00:00:00:06:02 dst' | grep -Eq 'used [0-9]+/[0-9]+'"

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

# nolearning: frames still flow (flooded), nothing is learned.
check "nolearning on h1" ip -n h1 link set xA type ovl-vxlan nolearning
check "learning off shown" bash -c "ip -n h1 -d link show xA | grep -q nolearning"
bridge -n h1 fdb del 02:00:00:00:06:02 dev xA 2>/dev/null || true
before=$(rx_packets h3 xA)
check "ping h1->h2 without learning" nsx A-h1 ping -c 3 -i 0.2 -W 2 10.6.0.2
check "nothing learned" bash -c "! bridge -n h1 fdb show dev xA | grep self | grep -q 02:00:00:00:06:02"
after=$(rx_packets h3 xA)
log "h3 xA rx packets while h1 does not learn: $before -> $after"
[ "$after" -ge $((before + 3)) ] || fail "h1's unlearned unicast was not flooded to h3"
check "learning back on" ip -n h1 link set xA type ovl-vxlan learning
check "ping h1->h2 learns again" nsx A-h1 ping -c 2 -i 0.2 -W 2 10.6.0.2
check "learned again" bash -c "bridge -n h1 fdb show dev xA | grep -q '02:00:00:00:06:02 dst 192.0.2.2'"

# capture_h2 FILTER CMD...: how many frames matching FILTER arrive at h2's
# xA while CMD runs (they are printed to stderr).
capture_h2()
{
	local filter=$1 out=/tmp/cap-h2.txt n pid
	shift
	nsx h2 timeout 5 tcpdump -l -n -e -i xA "$filter" >$out 2>/dev/null &
	pid=$!
	sleep 1.5
	"$@" >/dev/null 2>&1 || true
	wait $pid || true
	n=$(grep -c . $out || true)
	[ "$n" = 0 ] || sed 's/^/    h2 saw: /' $out >&2
	echo "$n"
}

# ARP suppression: h1 answers from its neighbour table; no request leaves.
ARP_REQ_FOR_3='arp and arp[6:2] = 1 and arp[24:4] = 0x0a060003'
check "proxy on h1" ip -n h1 link set xA type ovl-vxlan proxy
check "neigh entry on xA" ip -n h1 neigh add 10.6.0.3 lladdr 02:00:00:00:06:03 dev xA nud permanent
ip -n A-h1 neigh flush dev eth0
n=$(capture_h2 "$ARP_REQ_FOR_3" nsx A-h1 ping -c 2 -i 0.2 -W 2 10.6.0.3)
check "ping h1->h3 with proxy" nsx A-h1 ping -c 1 -W 2 10.6.0.3
check "ARP answered locally" bash -c "[ \$(xstat h1 xA tx_proxy_replies) -ge 1 ]"
[ "$n" = 0 ] || fail "ARP request for 10.6.0.3 reached h2 $n times with proxy on"
log "ok: no ARP request reached h2"
# the same request without proxy is flooded: the capture can see it
check "noproxy on h1" ip -n h1 link set xA type ovl-vxlan noproxy
ip -n A-h1 neigh flush dev eth0
n=$(capture_h2 "$ARP_REQ_FOR_3" nsx A-h1 ping -c 2 -i 0.2 -W 2 10.6.0.3)
[ "$n" -ge 1 ] || fail "without proxy, h2 saw no ARP request (capture broken?)"
log "ok: without proxy h2 saw $n ARP requests"

# ND suppression: the same for IPv6 neighbour solicitations.
# (target fd00::3: DAD for h3's link-local address also ends in 03)
NS_FOR_3='icmp6 and ip6[40] = 135 and ip6[48] = 0xfd and ip6[63] = 3'
for i in 1 3; do
	nsx A-h$i sysctl -qw net.ipv6.conf.all.disable_ipv6=0
	nsx A-h$i sysctl -qw net.ipv6.conf.eth0.disable_ipv6=0
	check "A-h$i fd00::$i" ip -n A-h$i addr add fd00::$i/64 dev eth0 nodad
done
# h3's VM knows h1's VM already: only h1's solicitations are in play
check "A-h3 knows fd00::1" ip -n A-h3 -6 neigh replace fd00::1 \
	lladdr 02:00:00:00:06:01 dev eth0 nud permanent
check "IPv6 on h1's xA" ip netns exec h1 sysctl -qw net.ipv6.conf.xA.disable_ipv6=0
check "nd entry on xA" ip -n h1 -6 neigh add fd00::3 lladdr 02:00:00:00:06:03 dev xA nud permanent
check "proxy on h1 (ND)" ip -n h1 link set xA type ovl-vxlan proxy
replies=$(xstat h1 xA tx_proxy_replies)
n=$(capture_h2 "$NS_FOR_3" nsx A-h1 ping -6 -c 2 -i 0.2 -W 2 fd00::3)
check "ping6 h1->h3 with proxy" nsx A-h1 ping -6 -c 1 -W 2 fd00::3
check "A-h1 learned h3's MAC from the advertisement" \
	bash -c "ip -n A-h1 -6 neigh show fd00::3 | grep -q 02:00:00:00:06:03"
check "NS answered locally" bash -c "[ \$(xstat h1 xA tx_proxy_replies) -gt $replies ]"
[ "$n" = 0 ] || fail "neighbour solicitation for fd00::3 reached h2 $n times with proxy on"
log "ok: no neighbour solicitation reached h2"
check "noproxy on h1 (ND)" ip -n h1 link set xA type ovl-vxlan noproxy
ip -n A-h1 -6 neigh flush dev eth0
n=$(capture_h2 "$NS_FOR_3" nsx A-h1 ping -6 -c 2 -i 0.2 -W 2 fd00::3)
[ "$n" -ge 1 ] || fail "without proxy, h2 saw no solicitation (capture broken?)"
log "ok: without proxy h2 saw $n solicitations"

# l3miss: requests proxy cannot answer are reported, in both families.
check "proxy l3miss on h1" ip -n h1 link set xA type ovl-vxlan proxy l3miss
# Each ping is retried until its miss is seen: how long the monitor takes
# to start, or the VM's IPv6 address to leave DAD, is the machine's, not
# ovlnet's (a debug kernel under TCG is 10 times slower).
# miss_seen FILE PATTERN PING-ARGS...: one ping, then PATTERN in FILE?
miss_seen()
{
	local file=$1 pattern=$2
	shift 2
	nsx A-h1 ping -c 1 -W 1 "$@" >/dev/null 2>&1 || true
	grep "$pattern" "$file" >/dev/null
}
nsx h1 ip monitor neigh >/tmp/mon3.txt 2>&1 &
mon=$!
sleep 1
check "l3miss IPv4 seen" wait_for -t 30 \
	miss_seen /tmp/mon3.txt "miss 10.6.0.88 dev xA" 10.6.0.88
check "l3miss IPv6 seen" wait_for -t 30 \
	miss_seen /tmp/mon3.txt "miss fd00::88 dev xA" -6 fd00::88
kill $mon
wait $mon || true
cat /tmp/mon3.txt
check "noproxy nol3miss" ip -n h1 link set xA type ovl-vxlan noproxy nol3miss

# l2miss: an unknown unicast destination is reported on netlink.
check "l2miss on h1" ip -n h1 link set xA type ovl-vxlan l2miss
nsx h1 ip monitor neigh >/tmp/mon.txt 2>&1 &
mon=$!
sleep 1
ip -n A-h1 neigh add 10.6.0.77 lladdr 02:00:00:00:06:77 dev eth0 nud permanent
check "miss seen in ip monitor" wait_for -t 30 \
	miss_seen /tmp/mon.txt "miss.*02:00:00:00:06:77" 10.6.0.77
kill $mon
wait $mon || true
cat /tmp/mon.txt

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
check "IGMP membership on ul" bash -c "ip -n h2 maddr show dev ul | grep -q 239.1.1.1"
check "h2 xM down leaves the group" ip -n h2 link set xM down
check "membership gone" bash -c "! ip -n h2 maddr show dev ul | grep -q 239.1.1.1"
check "h2 xM up" ip -n h2 link set xM up

# The same over an IPv6 underlay: MLD join, BUM to ff05::1:600.
for i in 1 2 3; do
	check "h$i xM6 group" ip -n h$i link add xM6 type ovl-vxlan id 601 \
		group ff05::1:600 dev ul local 2001:db8::$i
	topo_tenant_bridge h$i M6 xM6
	topo_vm h$i M6 10.6.0.$i/24 02:00:00:00:09:0$i
done
check "MLD membership on ul" bash -c "ip -n h3 maddr show dev ul | grep -q ff05::1:600"
check "ping h1->h3 via v6 group" wait_for -t 10 nsx M6-h1 ping -c 1 -W 1 10.6.0.3
check "learned v6 unicast from group traffic" bash -c "bridge -n h1 fdb show dev xM6 | grep -q '02:00:00:00:09:03 dst 2001:db8::3'"

# ovl-gre multipoint through the same FDB.
tenant G type ovl-gre key 700
check "gre ping h1->h2" wait_for -t 10 nsx G-h1 ping -c 1 -W 1 10.6.0.2
check "gre ping h1->h3" wait_for -t 10 nsx G-h1 ping -c 1 -W 1 10.6.0.3
check "gre ping h2->h3" wait_for -t 10 nsx G-h2 ping -c 1 -W 1 10.6.0.3
check "gre learned" bash -c "bridge -n h1 fdb show dev xG | grep -q '02:00:00:00:06:03 dst 192.0.2.3'"

# Same MACs in A and G, two databases: steering A's copy elsewhere
# leaves G's alone.
check "A: 06:03 -> h2 (static)" bridge -n h1 fdb replace 02:00:00:00:06:03 dev xA dst 192.0.2.2
check "G still has 06:03 at h3" bash -c "bridge -n h1 fdb show dev xG | grep -q '02:00:00:00:06:03 dst 192.0.2.3'"
check "gre ping h1->h3 unaffected" nsx G-h1 ping -c 2 -i 0.2 -W 2 10.6.0.3
check "A's entry is its own" bash -c "bridge -n h1 fdb show dev xA | grep '02:00:00:00:06:03' | grep -q 'dst 192.0.2.2.*permanent'"
log PASS
