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
#
#   topo_nic_underlay: the same addresses on real NICs instead
#     ns h1: ul = virtio-net 52:54:00:00:00:01 ==.
#     ns h2: ul = virtio-net 52:54:00:00:00:02 ===+== qemu hub (hubid 0)

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

# topo_nic_underlay N: hosts h1..hN, each owning one real NIC (virtio-net
# on one qemu hub, no offloads) renamed "ul" and addressed as in
# topo_underlay; returns once IPv6 DAD has finished everywhere.  The test
# declares "# vm: nics=N" in its header (selftests/vm/run.sh adds the NICs
# and exports OVLNET_NICS); skips when there are fewer.
topo_nic_underlay()
{
	local n=$1 i nics
	read -r -a nics <<<"${OVLNET_NICS:-}"
	[ ${#nics[@]} -ge "$n" ] ||
		skip "needs $n real NICs (\"# vm: nics=$n\"), have ${#nics[@]}"
	for ((i = 1; i <= n; i++)); do
		ns_create "h$i"
		ip link set "${nics[i - 1]}" netns "h$i" || fail "NIC ${nics[i - 1]} -> h$i"
		ip -n "h$i" link set "${nics[i - 1]}" name ul || fail "h$i: rename NIC"
		ip -n "h$i" addr add "192.0.2.$i/24" dev ul
		ip -n "h$i" addr add "2001:db8::$i/64" dev ul
		ip -n "h$i" link set ul up
	done
	for ((i = 1; i <= n; i++)); do
		wait_for -t 30 topo_dad_done "h$i" ul ||
			fail "h$i: IPv6 DAD on ul did not finish"
	done
}

# topo_dad_done NS DEV: DEV has a link-local address and nothing tentative
# (fails for good on "dadfailed": a duplicate on the wire).
topo_dad_done()
{
	local a
	a=$(ip -n "$1" -6 addr show dev "$2")
	case "$a" in *dadfailed*) echo "$1 $2: DAD failed: $a"; return 1 ;; esac
	case "$a" in *tentative*) return 1 ;; esac
	case "$a" in *"scope link"*) return 0 ;; esac
	return 1
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
	topo_vm_port "br-$2" "" "$@"
}

# topo_vlan_vm HOST TENANT VID IP MAC: a VM namespace TENANT-HOST on an
# access port of HOST's VLAN-aware br0 in VLAN VID (1: the default PVID).
topo_vlan_vm()
{
	topo_vm_port br0 "$3" "$1" "$2" "$4" "$5"
}

# topo_vm_port BRIDGE VID HOST TENANT IP MAC: what the two above share;
# VID empty: no VLAN set-up.
topo_vm_port()
{
	local br=$1 vid=$2 h=$3 t=$4 addr=$5 mac=$6 vm="$4-$3"
	ns_create "$vm"
	if [ "${TOPO_NO_IPV6:-0}" = 1 ]; then
		ip netns exec "$vm" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
		ip netns exec "$vm" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	fi
	ip -n "$h" link add "v-$t" type veth peer name eth0 netns "$vm" ||
		fail "$vm: veth"
	ip -n "$h" link set "v-$t" master "$br"
	if [ -n "$vid" ] && [ "$vid" != 1 ]; then
		bridge -n "$h" vlan del dev "v-$t" vid 1
		bridge -n "$h" vlan add dev "v-$t" vid "$vid" pvid untagged
	fi
	ip -n "$h" link set "v-$t" up
	ip -n "$vm" link set eth0 address "$mac"
	ip -n "$vm" addr add "$addr" dev eth0 nodad 2>/dev/null ||
		ip -n "$vm" addr add "$addr" dev eth0
	ip -n "$vm" link set eth0 up
}

# topo_tenant_pair: on the IPv4 underlay of topo_underlay, h1 and h2 each
# get tenant A on xA (ovl-vxlan VNI 100) and tenant G on xG (ovl-gre key
# 200) with the other host as remote, each bridged with one VM: A-hI
# 10.1.0.I/24 02:00:00:00:01:0I and G-hI 10.2.0.I/24 02:00:00:00:02:0I.
topo_tenant_pair()
{
	local i j
	for i in 1 2; do
		j=$((3 - i))
		check "h$i xA" ip -n h$i link add xA type ovl-vxlan id 100 \
			local 192.0.2.$i remote 192.0.2.$j dev ul
		check "h$i xG" ip -n h$i link add xG type ovl-gre key 200 \
			local 192.0.2.$i remote 192.0.2.$j dev ul
		topo_tenant_bridge h$i A xA
		topo_tenant_bridge h$i G xG
		topo_vm h$i A 10.1.0.$i/24 02:00:00:00:01:0$i
		topo_vm h$i G 10.2.0.$i/24 02:00:00:00:02:0$i
	done
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
