#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The seeds' picture, narrated: two hosts on one underlay, three tenants
# with the same address plan, each on its own overlay; then many hosts:
# two more tenants on one external device per host (VLAN <-> VNI in the
# bridge, seed 000's tunnel switch); a third host and one etcd member
# join, ovlnet-agent fills a fourth tenant's flood lists on all three, one
# host dies and the others drop it.
# Run in the VM by `make demo` (selftests/vm/run.sh --demo); exits 0 only
# if every step worked.
#
#   demo.sh [--no-agent]     (--no-agent: without the agent scene)
#
#   ns A-h1  eth0 10.0.0.1         ns A-h2  eth0 10.0.0.2   tenant A, VNI 100
#   ns B-h1  eth0 10.0.0.1         ns B-h2  eth0 10.0.0.2   tenant B, VNI 200
#   ns C-h1  eth0 10.0.0.1         ns C-h2  eth0 10.0.0.2   tenant C, GRE key 300
#      |  (same MACs 02:00:00:00:00:01/02 in every tenant)     |
#   h1: br-A - vx100   br-B - vx200   br-C - gre300   (same on h2)
#       ul 192.0.2.1  ------ ns sw: bridge sw ------  ul 192.0.2.2
set -euo pipefail

# In the guest this file is /selftests/demo/demo.sh next to /selftests/lib.sh;
# in the source tree the helpers are in selftests/net/.
HERE=$(cd "$(dirname "$0")" && pwd)
for LIBDIR in "$HERE/.." "$HERE/../net"; do
	[ -f "$LIBDIR/lib.sh" ] && [ -f "$LIBDIR/topo.sh" ] && break
done
[ -f "$LIBDIR/lib.sh" ] || { echo "demo: lib.sh not found" >&2; exit 1; }
. "$LIBDIR/lib.sh"
. "$LIBDIR/topo.sh"
TEST_NAME=demo
AGENT_SCENE=1
case "${1:-}" in
--no-agent) AGENT_SCENE=0 ;;
--agent | "") ;;	# (--agent: the default now, kept for old command lines)
*) echo "usage: demo.sh [--no-agent]" >&2; exit 2 ;;
esac
if [ $AGENT_SCENE = 1 ]; then
	for c in etcd ovlnet-agent curl; do
		command -v $c >/dev/null ||
			fail "$c is not in the guest (tools/deps.sh installs etcd-server and curl, make -C tools builds ovlnet-agent); demo.sh --no-agent runs without the agent scene"
	done
fi

say() { echo; echo "== $*"; }
tell() { echo "   $*"; }
# show CMD...: print the command, run it, indent its output, fail on error.
show()
{
	local out rc=0
	echo "   \$ $*"
	out=$("$@" 2>&1) || rc=$?
	[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/     /'
	[ $rc -eq 0 ] || fail "'$*' exited $rc"
}
# quiet CMD...: run, fail with its output on error.
quiet()
{
	local out rc=0
	out=$("$@" 2>&1) || rc=$?
	[ $rc -eq 0 ] || { printf '%s\n' "$out"; fail "'$*' exited $rc"; }
}

say "The underlay"
tell "Two hypervisor hosts, h1 (192.0.2.1) and h2 (192.0.2.2), share one"
tell "physical network: the underlay.  Tenants never see it."
quiet modprobe ovlnet
topo_underlay 2
# No IPv6 chatter on the tenant side: the captures below stay readable.
for i in 1 2; do
	quiet ip netns exec h$i sysctl -qw net.ipv6.conf.default.disable_ipv6=1
done
show ip -n h1 -br addr show dev ul

say "Three tenants, one address plan"
tell "Two tenants, A and B, use the same addresses 10.0.0.1 and 10.0.0.2"
tell "and even the same MACs.  A VLAN could separate only 4094 of them; the"
tell "overlay gives each tenant a 24-bit ID instead: A is VXLAN VNI 100, B is"
tell "VXLAN VNI 200.  A third tenant, C, uses the same plan again over GRE"
tell "with key 300.  On each host every tenant gets a bridge: its VMs' taps"
tell "and the tenant's overlay device are ports of it."
for i in 1 2; do
	j=$((3 - i))
	quiet ip -n h$i link add vx100 type ovl-vxlan id 100 \
		local 192.0.2.$i remote 192.0.2.$j dev ul
	quiet ip -n h$i link add vx200 type ovl-vxlan id 200 \
		local 192.0.2.$i remote 192.0.2.$j dev ul
	quiet ip -n h$i link add gre300 type ovl-gre key 300 \
		local 192.0.2.$i remote 192.0.2.$j dev ul
	topo_tenant_bridge h$i A vx100
	topo_tenant_bridge h$i B vx200
	topo_tenant_bridge h$i C gre300
	for t in A B C; do
		topo_vm h$i $t 10.0.0.$i/24 02:00:00:00:00:0$i
		quiet ip netns exec $t-h$i sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1
	done
	# Inner MTU = underlay 1500 - 50 (VXLAN) or - 42 (GRE with key).
	quiet ip -n A-h$i link set eth0 mtu 1450
	quiet ip -n B-h$i link set eth0 mtu 1450
	quiet ip -n C-h$i link set eth0 mtu 1458
done
tell "On h1, as on h2:"
show ip netns exec h1 brctl show
tell "Every VM has the same address and MAC as its twins in the other tenants:"
show ip -n A-h1 -br link show dev eth0
show ip -n B-h1 -br link show dev eth0
show ip -n A-h1 -br addr show dev eth0
show ip -n B-h1 -br addr show dev eth0

say "The overlay devices"
tell "The tenant ID, the local VTEP address and the first remote VTEP are"
tell "options of the device (ip -d link show).  The MTU is 1500 - 50 for"
tell "VXLAN and 1500 - 42 for GRE with a key."
show ip -n h1 -d link show vx100
show ip -n h1 -d link show gre300

say "Pinging across the overlay"
tell "Tenant A's VM on h1 pings 10.0.0.2, its own VM on h2."
quiet wait_for -t 10 nsx A-h1 ping -c 1 -W 1 10.0.0.2
show nsx A-h1 ping -c 3 -i 0.2 -W 2 10.0.0.2
tell "Tenant B does the same, with the same addresses, and reaches its own VM."
quiet wait_for -t 10 nsx B-h1 ping -c 1 -W 1 10.0.0.2
show nsx B-h1 ping -c 3 -i 0.2 -W 2 10.0.0.2
tell "And tenant C, over GRE."
quiet wait_for -t 10 nsx C-h1 ping -c 1 -W 1 10.0.0.2
show nsx C-h1 ping -c 3 -i 0.2 -W 2 10.0.0.2

say "On the wire"
tell "On the underlay each frame travels in UDP to port 4789 with its VNI,"
tell "or in GRE (protocol 0x6558, Ethernet) with its key."
nsx h2 timeout 5 tcpdump -nn -l -i ul \
	'src host 192.0.2.1 and (udp port 4789 or proto gre)' \
	>/tmp/wire.txt 2>/dev/null &
cap=$!
sleep 1.5
nsx A-h1 ping -c 1 -W 2 10.0.0.2 >/dev/null
nsx B-h1 ping -c 1 -W 2 10.0.0.2 >/dev/null
nsx C-h1 ping -c 1 -W 2 10.0.0.2 >/dev/null
wait $cap || true
# The echo requests only (VXLAN prints the inner packet on a second line).
awk '/ICMP echo request/ { if ($0 !~ /GREv0/) print prev; print } { prev = $0 }' \
	/tmp/wire.txt >/tmp/wire-echo.txt
sed 's/^/     /' /tmp/wire-echo.txt
grep -q 'vni 100' /tmp/wire.txt || fail "no VNI 100 on the wire"
grep -q 'vni 200' /tmp/wire.txt || fail "no VNI 200 on the wire"
grep -q 'GREv0.*key=0x12c' /tmp/wire.txt || fail "no GRE key 300 on the wire"

say "Isolation"
tell "While tenant A pings, tcpdump runs in tenant B's VM with the very"
tell "address tenant A is pinging, and in tenant A's own VM for comparison."
# (tenant B's own ARP refreshes may show up in an ARP capture; ICMP only)
nsx B-h2 timeout 5 tcpdump -nn -l -i eth0 icmp >/tmp/b.txt 2>/dev/null &
capb=$!
nsx A-h2 timeout 5 tcpdump -nn -l -i eth0 'icmp or arp' >/tmp/a.txt 2>/dev/null &
capa=$!
sleep 1.5
quiet nsx A-h1 ping -c 5 -i 0.2 -W 2 10.0.0.2
wait $capb || true
wait $capa || true
na=$(grep -c 'ICMP echo request' /tmp/a.txt || true)
nb=$(grep -c . /tmp/b.txt || true)
tell "tenant A's VM 10.0.0.2 saw $na echo requests; tenant B's VM 10.0.0.2 saw $nb ICMP packets."
[ "$na" -ge 5 ] || fail "tenant A's VM did not see the pings"
[ "$nb" -eq 0 ] || { cat /tmp/b.txt; fail "tenant B's VM saw tenant A's traffic"; }
tell "Receiving hosts pick the device by VNI or key alone, so a frame can"
tell "only ever reach the bridge of the tenant that sent it."

say "What each host learned"
tell "Like a switch, each overlay device learns which VTEP each inner MAC"
tell "lives behind.  The all-zeros entry is the flood list for broadcast and"
tell "unknown frames (head-end replication), seeded by 'remote'."
show bridge -n h1 fdb show dev vx100
show bridge -n h1 fdb show dev vx200
show bridge -n h1 fdb show dev gre300
bridge -n h1 fdb show dev vx100 | grep '02:00:00:00:00:02 dst 192.0.2.2' >/dev/null ||
	fail "vx100 did not learn 02:00:00:00:00:02"
tell "A third host would be added to the flood list with"
tell "  bridge fdb append 00:00:00:00:00:00 dev vx100 dst 192.0.2.3"

say "Counters"
tell "Per-device drop and event counters (ethtool -S, or ip -s -d link show):"
show ip netns exec h1 ethtool -S vx100

say "One device, many tenants: external mode"
tell "A device per tenant is 4,000 devices for 4,000 tenants.  Seed 000's"
tell "tunnel switch maps each tenant's VLAN to a tunnel ID instead; the Linux"
tell "bridge does the same with one 'external' overlay device: VLAN 10 <->"
tell "VNI 1000 (tenant X), VLAN 20 <-> VNI 2000 (tenant Y), X and Y with the"
tell "same address plan again.  Each VNI gets its own FDB and flood list"
tell "(bridge fdb ... src_vni); a VNI with none is dropped, never delivered"
tell "untagged into VLAN 1 (Documentation/external.rst)."
for i in 1 2; do
	j=$((3 - i))
	quiet ip -n h$i link add br0 type bridge vlan_filtering 1
	quiet ip -n h$i link set br0 up
	quiet ip -n h$i link add vx0 type ovl-vxlan external local 192.0.2.$i dev ul
	quiet ip -n h$i link set vx0 master br0
	quiet bridge -n h$i link set dev vx0 vlan_tunnel on
	for vni in 1000 2000; do
		quiet bridge -n h$i vlan add dev vx0 vid $((vni / 100))
		quiet bridge -n h$i vlan add dev vx0 vid $((vni / 100)) tunnel_info id $vni
		quiet bridge -n h$i fdb append 00:00:00:00:00:00 dev vx0 \
			dst 192.0.2.$j self permanent src_vni $vni
	done
	quiet ip -n h$i link set vx0 up
	topo_vlan_vm h$i X 10 10.0.0.$i/24 02:00:00:00:00:0$i
	topo_vlan_vm h$i Y 20 10.0.0.$i/24 02:00:00:00:00:0$i
done
show ip -n h1 -d link show vx0
show bridge -n h1 vlan tunnelshow dev vx0
for t in X Y; do
	wait_for -t 10 ip netns exec $t-h1 ping -c 1 -W 1 10.0.0.2 >/dev/null ||
		fail "tenant $t: no reply over the external device"
done
show ip netns exec X-h1 ping -c 2 -W 1 10.0.0.2
show ip netns exec Y-h1 ping -c 2 -W 1 10.0.0.2
tell "h1's one device learned each tenant's VM in its own VNI (the bridge's"
tell "entries carry the VLAN, the device's own the VNI):"
show bridge -n h1 fdb show dev vx0
tell "and counts per VNI (/proc/net/ovlnet_vni):"
show ip netns exec h1 cat /proc/net/ovlnet_vni

# The agent scene (selftests/vm/run.sh --demo --args --no-agent leaves it
# out).
if [ $AGENT_SCENE = 1 ]; then
	say "Many hosts: ovlnet-agent and etcd"
	tell "With hundreds of hosts nobody types flood lists.  Each host runs"
	tell "ovlnet-agent: it registers its VTEP per tenant in etcd under a lease"
	tell "and keeps every flood list equal to the other live hosts.  A third"
	tell "host, h3, and one etcd member (192.0.2.201) join the underlay; the"
	tell "three hosts get tenant D (VNI 900) with no 'remote' at all."
	ETCD_N=1
	. "$LIBDIR/agent_lib.sh"
	quiet ns_create h3
	quiet ip link add ul netns h3 type veth peer name p3 netns sw
	quiet ip -n sw link set p3 master sw
	quiet ip -n sw link set p3 up
	quiet ip -n h3 addr add 192.0.2.3/24 dev ul
	quiet ip -n h3 link set ul up
	quiet ip netns exec h3 sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	etcd_cluster_start >/dev/null
	for i in 1 2 3; do
		quiet ip -n h$i link add vx900 type ovl-vxlan id 900 local 192.0.2.$i dev ul
		quiet ip -n h$i link set vx900 up
	done
	show ip -n h1 -d link show vx900
	t0=$(now)
	for i in 1 2 3; do
		agent_start h$i --ttl 5
	done
	for i in 1 2 3; do
		wait_flood 120 h$i vx900 "$(flood_expect h$i 4 1 2 3)" ||
			fail "h$i: the agent did not fill the flood list"
	done
	tell "All three flood lists complete $(since "$t0") s after the agents started:"
	show bridge -n h1 fdb show dev vx900
	tell "The agent registers tenants A, B and C too.  Their flood lists already"
	tell "hold the other host (typed as 'remote'): entries it did not add, it"
	tell "leaves alone and never owns."
	show ip netns exec h1 ovlnet-agent --status
	tell "h3 dies (its agent is killed).  Its lease runs out, etcd deletes its"
	tell "key, and h1 and h2 drop it from their flood lists:"
	t0=$(now)
	agent_kill h3 KILL
	for i in 1 2; do
		wait_flood 120 h$i vx900 "$(flood_expect h$i 4 1 2)" ||
			fail "h$i still lists h3"
	done
	tell "gone $(since "$t0") s after the kill (lease TTL $(grep -o 'granted, ttl [0-9]*' /tmp/agent-h1.log | tail -n 1 | grep -o '[0-9]*$') s)"
	show bridge -n h1 fdb show dev vx900
	grep -h 'flood list' /tmp/agent-h1.log | sed 's/^/     /'
fi

say "Done"
tell "Three tenants, one address plan, no crosstalk."
