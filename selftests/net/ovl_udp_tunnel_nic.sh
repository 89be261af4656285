#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# NICs that offload VXLAN for known UDP ports learn ovl-vxlan's port
# (udp_tunnel_nic), and forget it when the last device on it goes down;
# a NIC that appears later is told too, and a second port gets its own
# entry.  The NICs are ovl_test_nic's (selftests/mod: a NIC with one
# 4-entry VXLAN port table and nothing else; Debian's kernels have no
# netdevsim); their tables are read back with `ethtool --show-tunnels`,
# which the kernel's udp_tunnel_nic core answers.
#
#   ns h1: eni1, eni2 (ovltnic) ... ovl-vxlan xV (dstport 4790)
#                                    ovl-vxlan xW (dstport 4791)
set -euo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"

check "modprobe ovlnet" modprobe ovlnet
check "modprobe ovl_test_nic" modprobe ovl_test_nic
require_cmd ethtool
ns_create h1

# has_port NIC PORT: NIC's VXLAN port table holds PORT
has_port()
{
	local out
	out=$(ip netns exec h1 ethtool --show-tunnels "$1") || return 1
	grep -E "port $2, vxlan" <<<"$out" >/dev/null
}
lacks_port() { ! has_port "$@"; }

check "eni1" ip -n h1 link add eni1 type ovltnic
check "eni1 up" ip -n h1 link set eni1 up
log "$(ip netns exec h1 ethtool --show-tunnels eni1 2>&1 | tr '\n' ' ')"
check "ethtool reads eni1's table" bash -c \
	"ip netns exec h1 ethtool --show-tunnels eni1 | grep -q 'Types: vxlan'"
check "xV" ip -n h1 link add xV type ovl-vxlan id 5 remote 192.0.2.2 \
	dstport 4790
check_fail "no port before up" has_port eni1 4790
check "xV up" ip -n h1 link set xV up
check "eni1 learned 4790/VXLAN" wait_for -t 5 has_port eni1 4790
check "eni2, created after" ip -n h1 link add eni2 type ovltnic
check "eni2 up" ip -n h1 link set eni2 up
check "a NIC that appears later learns it too" wait_for -t 5 has_port eni2 4790
check "xW on 4791" ip -n h1 link add xW type ovl-vxlan id 6 \
	remote 192.0.2.2 dstport 4791
check "xW up" ip -n h1 link set xW up
check "eni1 has both ports" wait_for -t 5 has_port eni1 4791
check "xV down" ip -n h1 link set xV down
check "eni1 forgot 4790" wait_for -t 5 lacks_port eni1 4790
check "... and kept 4791" has_port eni1 4791
check "xW deleted" ip -n h1 link del xW
check "eni2 forgot 4791" wait_for -t 5 lacks_port eni2 4791
log PASS
