#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Device lifecycle for both kinds: create, bridge, move between
# namespaces, delete, and unload the module with devices still present.
#
#   init netns                        ns other
#   br0 --- x0 (ovl-vxlan id 10)      x1 (ovl-gre key 7), moved here
#       \-- g0 (ovl-gre key 5)        (underlay stays in init netns)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

check "modprobe ovlnet" modprobe ovlnet
ns_create other

check "create ovl-vxlan" ip link add x0 type ovl-vxlan id 10
check "create ovl-gre" ip link add g0 type ovl-gre key 5
check "x0 is Ethernet" bash -c "ip -d link show x0 | grep -q 'link/ether'"
check "x0 kind shown" bash -c "ip -d link show x0 | grep -q 'ovl-vxlan'"
check "g0 kind shown" bash -c "ip -d link show g0 | grep -q 'ovl-gre'"
check "x0 qlen 1000" bash -c "ip link show x0 | grep -q 'qlen 1000'"

check "bridge" ip link add br0 type bridge
check "enslave x0" ip link set x0 master br0
check "enslave g0" ip link set g0 master br0
check "up" ip link set x0 up
check "up" ip link set g0 up
check "br0 up" ip link set br0 up
# IFF_NO_QUEUE like veth: once up, the root is noqueue (no qdisc stage)
check "x0 up: noqueue" bash -c "ip link show x0 | grep -q 'qdisc noqueue'"
check "g0 up: noqueue" bash -c "ip link show g0 | grep -q 'qdisc noqueue'"
check "x0 in bridge" bash -c "bridge link show | grep -q 'x0.*master br0'"
check "brctl sees ports" bash -c "brctl show br0 | grep -q g0"

check "create x1" ip link add x1 type ovl-gre key 7
check "move x1 to other netns" ip link set x1 netns other
check "x1 in other netns" ip -n other link show x1
check "x1 gone here" bash -c "! ip link show x1 2>/dev/null"
check "x1 up in other netns" ip -n other link set x1 up
check "x1 shows link-netns" bash -c "ip -n other -d link show x1 | grep -q link-netns"

check "delete g0" ip link del g0
check "g0 gone" bash -c "! ip link show g0 2>/dev/null"
check "recreate g0" ip link add g0 type ovl-gre key 5

# Deleting the namespace that holds a device deletes the device.
check "create x2 in other" ip -n other link add x2 type ovl-vxlan id 11
ip netns del other
LIB_NETNS=()

check "rmmod with devices present" rmmod ovlnet
check "devices gone" bash -c "! ip link show x0 2>/dev/null && ! ip link show g0 2>/dev/null"
check "modprobe again" modprobe ovlnet
check "create after reload" ip link add x0 type ovl-vxlan id 10
check "rmmod again" rmmod ovlnet
log PASS
