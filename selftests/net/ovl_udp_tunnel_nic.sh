#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# NICs that offload VXLAN for known UDP ports learn ovl-vxlan's port
# (udp_tunnel_nic), and forget it when the last device on it goes down;
# a NIC that appears later is told too.  Uses netdevsim's udp_tunnel_nic
# debugfs table (entry = port << 16 | type, VXLAN = 1).  Debian's kernels
# are built without netdevsim: there the test skips.
#
#   ns h1: eni (netdevsim port) ... ovl-vxlan xV (dstport 4790)
set -euo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"

check "modprobe ovlnet" modprobe ovlnet
require_mod netdevsim
[ -d /sys/kernel/debug/netdevsim ] ||
	mount -t debugfs none /sys/kernel/debug 2>/dev/null || true
ns_create h1

want=$(( (4790 << 16) | 1 ))
nsim_add()
{
	echo "$1 1" >/sys/bus/netdevsim/new_device || fail "netdevsim $1"
	wait_for -t 5 test -d /sys/bus/netdevsim/devices/netdevsim$1/net
	dev=$(ls /sys/bus/netdevsim/devices/netdevsim$1/net | head -1)
	ip link set "$dev" netns h1 || fail "move $dev"
	ip -n h1 link set "$dev" up
	table=/sys/kernel/debug/netdevsim/netdevsim$1/ports/0/udp_ports_table0
	[ -e "$table" ] || skip "netdevsim without udp_tunnel_nic tables"
}
has_port() { grep -qw "$want" "$1"; }

nsim_add 11
t1=$table
check "xV" ip -n h1 link add xV type ovl-vxlan id 5 remote 192.0.2.2 \
	dstport 4790
check_fail "no port before up" has_port "$t1"
check "up" ip -n h1 link set xV up
check "NIC learned 4790/VXLAN" wait_for -t 5 has_port "$t1"
nsim_add 12
check "a NIC that appears later learns it too" wait_for -t 5 has_port "$table"
check "down" ip -n h1 link set xV down
check "NIC forgot the port" wait_for -t 5 bash -c "! grep -qw $want $t1"
echo 11 >/sys/bus/netdevsim/del_device 2>/dev/null || true
echo 12 >/sys/bus/netdevsim/del_device 2>/dev/null || true
log PASS
