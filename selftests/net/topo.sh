#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Topology builders shared by the ovlnet selftests (source after lib.sh).
#
#   ns sw: bridge "sw" = the underlay switch
#     |-- p1 === ul  ns h1  192.0.2.1/24  2001:db8::1/64
#     |-- p2 === ul  ns h2  192.0.2.2/24  2001:db8::2/64
#     `-- pN === ul  ns hN  ...
#
#   on a host, per tenant T:  br-T --- OVL device
#                               `--- v-T === eth0 in ns T-hN (a "VM")

# topo_underlay N: hosts h1..hN on one underlay switch (see TOPO_NO_IPV6).
topo_underlay()
{
	local i
	ns_create sw
	ip -n sw link add sw type bridge || fail "underlay switch"
	ip -n sw link set sw up
	for ((i = 1; i <= $1; i++)); do
		ns_create "h$i"
		ip link add ul netns "h$i" type veth peer name "p$i" netns sw ||
			fail "underlay veth h$i"
		ip -n sw link set "p$i" master sw
		ip -n sw link set "p$i" up
		ip -n "h$i" addr add "192.0.2.$i/24" dev ul
		ip -n "h$i" addr add "2001:db8::$i/64" dev ul nodad
		ip -n "h$i" link set ul up
		# TOPO_NO_IPV6=1: tenant devices created later get no IPv6, so
		# no router solicitations or MLD reports muddy the counters
		[ "${TOPO_NO_IPV6:-0}" = 1 ] &&
			ip netns exec "h$i" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	done
	return 0
}

# topo_tenant_bridge HOST TENANT DEV: bridge br-TENANT with DEV as a port.
topo_tenant_bridge()
{
	local h=$1 t=$2 dev=$3
	ip -n "$h" link add "br-$t" type bridge 2>/dev/null || true
	ip -n "$h" link set "br-$t" up
	ip -n "$h" link set "$dev" master "br-$t" || fail "$h: enslave $dev"
	ip -n "$h" link set "$dev" up || fail "$h: $dev up"
}

# topo_vm HOST TENANT IP MAC: a VM namespace TENANT-HOST on br-TENANT.
# With TOPO_NO_IPV6=1 the VM has no IPv6 (no RS/MLD chatter to capture).
topo_vm()
{
	local h=$1 t=$2 addr=$3 mac=$4 vm="$2-$1"
	ns_create "$vm"
	if [ "${TOPO_NO_IPV6:-0}" = 1 ]; then
		ip netns exec "$vm" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
		ip netns exec "$vm" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	fi
	ip -n "$h" link add "v-$t" type veth peer name eth0 netns "$vm" ||
		fail "$vm: veth"
	ip -n "$h" link set "v-$t" master "br-$t"
	ip -n "$h" link set "v-$t" up
	ip -n "$vm" link set eth0 address "$mac"
	ip -n "$vm" addr add "$addr" dev eth0 nodad 2>/dev/null ||
		ip -n "$vm" addr add "$addr" dev eth0
	ip -n "$vm" link set eth0 up
}

# rx_packets NS DEV: the device's received packet counter.
rx_packets()
{
	ip -n "$1" -s link show "$2" | awk '/RX:/{getline; print $2; exit}'
}

# xstat NS DEV NAME: one of the device's drop/event counters (ethtool -S).
xstat()
{
	ip netns exec "$1" ethtool -S "$2" | awk -v k="$3:" '$1 == k {print $2}'
}
export -f rx_packets xstat

# cap_start NS DEV FILTER: one-packet capture (tcpdump -c 1) in the
# background, returned once tcpdump listens; cap_wait then tells whether
# a packet matched (the capture gives up after 30 s).
cap_start()
{
	rm -f /tmp/cap.out /tmp/cap.err
	ip netns exec "$1" timeout 30 tcpdump -Z root -nn -v -i "$2" -c 1 "$3" \
		>/tmp/cap.out 2>/tmp/cap.err &
	CAP_PID=$!
	wait_for -t 30 grep -q "listening on" /tmp/cap.err
}

# (Not under check: CAP_PID must be set in the test's own shell.)
cap_wait()
{
	wait "$CAP_PID" || true
	cat /tmp/cap.out
	grep -q . /tmp/cap.out
}
