#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The shipped configuration examples (examples/, packaged under
# /usr/share/doc/ovlnet-tools/examples) really configure a host:
#  1. systemd-networkd: the oneshot unit's ExecStart= lines create ov100,
#     then the real systemd-networkd (PID 1 is not systemd here: /sys is
#     read-only in its mount namespace so it does not wait for udev, as in a
#     container) reads br100.netdev, br100.network, ov100.network
#     ([Match] Kind=ovl-vxlan, [BridgeFDB]) and vm-taps.network.
#  2. ifupdown: the real ifup brings up br100 and ov100 from the
#     interfaces.d stanza (pre-up ip link add ..., bridge fdb append ...).
# Each time, the VM behind tap t100-vm1 pings the VM on the other host,
# the bridge ports and FDB entries are the ones the example describes, and
# tearing down (networkd's ExecStop= / ifdown) removes the devices.
#
#   ns vm1 eth0 10.0.0.1                     ns vm2 eth0 10.0.0.2
#        |                                        | 52:54:00:00:02:01
#   h1: t100-vm1 --- br100 --- ov100 (id 100)   brh2 --- ov100   :h2
#                              eth0 192.0.2.1 ==== ul 192.0.2.2
#   (h1 is configured only by the example files)
set -euo pipefail
DIR=$(cd "$(dirname "$0")" && pwd)
. "$DIR/lib.sh"

EX=$DIR/examples
[ -d "$EX" ] || fail "examples/ not in the guest (selftests/vm/run.sh copies it)"
check "modprobe ovlnet" modprobe ovlnet

setup() # the underlay, the remote host h2 and the VMs; h1 stays bare
{
	ns_create h1 h2 vm1 vm2
	ip link add eth0 netns h1 type veth peer name ul netns h2
	ip -n h1 addr add 192.0.2.1/24 dev eth0
	ip -n h1 link set eth0 up
	ip -n h2 addr add 192.0.2.2/24 dev ul
	ip -n h2 link set ul up
	ip -n h2 link add ov100 type ovl-vxlan id 100 local 192.0.2.2 \
		remote 192.0.2.1 dev ul
	ip -n h2 link add brh2 type bridge
	ip -n h2 link set ov100 master brh2
	ip link add eth0 netns vm2 type veth peer name v2 netns h2
	ip -n h2 link set v2 master brh2
	ip -n vm2 link set eth0 address 52:54:00:00:02:01
	ip -n vm2 addr add 10.0.0.2/24 dev eth0
	for l in ov100 brh2 v2; do ip -n h2 link set $l up; done
	ip -n vm2 link set eth0 up
	# the VM's tap on h1, named as vm-taps.network and the libvirt
	# example expect; left unattached
	ip link add eth0 netns vm1 type veth peer name t100-vm1 netns h1
	ip -n vm1 addr add 10.0.0.1/24 dev eth0
	ip -n vm1 link set eth0 up
}

# wait_s SEC cmd...: retry cmd until it succeeds or SEC seconds of wall
# clock have passed (wait_for counts tries, which are slow under TCG).
wait_s()
{
	local end=$(($(date +%s) + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt $end ] || { "$@"; return; }
		sleep 0.5
	done
}

teardown()
{
	local n
	for n in vm1 vm2 h1 h2; do ip netns del $n 2>/dev/null || true; done
}

verify() # what the examples must have built on h1
{
	check "$1: ov100 is an ovl-vxlan with the example's options" bash -c \
		"ip -n h1 -d link show ov100 | grep -q 'ovl-vxlan id 100 local 192.0.2.1 dev eth0'"
	check "$1: ov100 is a port of br100, up" wait_s 30 \
		bash -c "ip -n h1 link show ov100 | grep -q ',UP,.* master br100 '"
	check "$1: flood list has 192.0.2.2" wait_s 20 bash -c \
		"bridge -n h1 fdb show dev ov100 | grep -q '^00:00:00:00:00:00 dst 192.0.2.2 '"
	check "$1: flood list has 192.0.2.3" bash -c \
		"bridge -n h1 fdb show dev ov100 | grep -q '^00:00:00:00:00:00 dst 192.0.2.3 '"
	bridge -n h1 fdb show dev ov100
	check "$1: br100 is up" wait_s 30 \
		bash -c "ip -n h1 link show br100 | grep -q 'state UP'"
	check "$1: ping through the tenant network" \
		wait_s 30 nsx vm1 ping -c 1 -W 1 10.0.0.2
}

# ---- 1. systemd-networkd --------------------------------------------------
if [ -x /lib/systemd/systemd-networkd ]; then
	setup
	unit=$EX/systemd-networkd/ovlnet-ov100.service
	# The oneshot unit, as systemd would run it: ExecStart= lines in order.
	mapfile -t starts < <(sed -n 's/^ExecStart=[-@:+!]*//p' "$unit")
	mapfile -t stops < <(sed -n 's/^ExecStop=[-@:+!]*//p' "$unit")
	check "networkd: the unit has ExecStart= and ExecStop=" \
		test ${#starts[@]} -ge 1 -a ${#stops[@]} -ge 1
	for c in "${starts[@]}"; do
		check "networkd: ExecStart=$c" ip netns exec h1 bash -c "$c"
	done

	rm -rf /etc/systemd/network /run/systemd/netif
	mkdir -p /etc/systemd/network /run/systemd/netif/links \
		/run/systemd/netif/leases /run/systemd/netif/lldp
	cp "$EX"/systemd-networkd/*.network "$EX"/systemd-networkd/*.netdev \
		/etc/systemd/network/
	# The host's own routes and rules (set up above) are not networkd's.
	printf '[Network]\nManageForeignRoutes=no\nManageForeignRoutingPolicyRules=no\n' \
		>/etc/systemd/networkd.conf
	grep -q '^systemd-network:' /etc/passwd ||
		echo 'systemd-network:x:998:998::/:/bin/false' >>/etc/passwd
	grep -q '^systemd-network:' /etc/group ||
		echo 'systemd-network:x:998:' >>/etc/group
	chown -R systemd-network:systemd-network /run/systemd/netif
	SYSTEMD_LOG_LEVEL=debug SYSTEMD_LOG_TARGET=console \
		ip netns exec h1 bash -c \
		'mount -o remount,bind,ro /sys && exec /lib/systemd/systemd-networkd' \
		>/tmp/networkd.log 2>&1 &
	nd=$!
	trap 'echo "--- networkd log:"; grep -v "netif.*No such file" /tmp/networkd.log | tail -n 80; cleanup' EXIT
	verify networkd
	check "networkd: t100-vm1 (vm-taps.network) is a port of br100" bash -c \
		"ip -n h1 link show t100-vm1 | grep -q 'master br100'"
	check "networkd: static entry for 52:54:00:00:02:01" bash -c \
		"bridge -n h1 fdb show dev ov100 | grep -q '^52:54:00:00:02:01 dst 192.0.2.2 '"
	grep -E 'ov100: (found matching|Setting bridge FDB)|rror' /tmp/networkd.log | head -n 10 || true
	trap cleanup EXIT
	kill $nd
	wait $nd 2>/dev/null || true
	for c in "${stops[@]}"; do
		check "networkd: ExecStop=$c" ip netns exec h1 bash -c "$c"
	done
	check_fail "networkd: ov100 gone after ExecStop=" ip -n h1 link show ov100
	teardown
	rm -rf /etc/systemd/network /etc/systemd/networkd.conf
else
	fail "systemd-networkd is not in the guest (selftests/vm/run.sh OPT_BINS)"
fi

# ---- 2. ifupdown ----------------------------------------------------------
if command -v ifup >/dev/null; then
	setup
	rm -rf /etc/network /run/network
	mkdir -p /etc/network/interfaces.d /run/network
	for d in if-pre-up.d if-up.d if-down.d if-post-down.d; do
		mkdir -p /etc/network/$d
	done
	printf 'source /etc/network/interfaces.d/*\n' >/etc/network/interfaces
	cp "$EX/ifupdown/ov100" /etc/network/interfaces.d/
	# ifupdown runs its commands with /bin/sh: dash on Debian; here the
	# real bash (busybox's sh would run its own reduced ip applet).
	ln -sf bash /bin/sh
	trap 'ln -sf busybox /bin/sh; cleanup' EXIT
	check "ifupdown: ifquery --list" bash -c \
		"ifquery --list | tr '\n' ' ' | grep -q 'br100 ov100'"
	check "ifupdown: ifup br100 ov100" ip netns exec h1 ifup -v br100 ov100
	# what libvirt does with the VM's tap (see the libvirt example)
	ip -n h1 link set t100-vm1 master br100
	ip -n h1 link set t100-vm1 up
	verify ifupdown
	check "ifupdown: ifdown ov100 br100" ip netns exec h1 ifdown -v ov100 br100
	check_fail "ifupdown: ov100 gone after ifdown" ip -n h1 link show ov100
	check_fail "ifupdown: br100 gone after ifdown" ip -n h1 link show br100
	ln -sf busybox /bin/sh
	teardown
	rm -rf /etc/network /run/network
else
	fail "ifup is not in the guest (selftests/vm/run.sh OPT_BINS)"
fi
log PASS
