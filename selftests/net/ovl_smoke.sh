#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Smoke test: the module loads (from $OVLNET_KO_DIR when the runner says
# where it put it, e.g. DKMS's updates/dkms), the ip plugins create both
# kinds and print them, and a VM pings across each.  Quick on purpose: the
# package test (selftests/deb-test.sh) and the -rt/-cloud kernels in
# `make check` run this one test.
#
#        ns A-h1 (VM) 10.1.0.1                ns A-h2 (VM) 10.1.0.2
#        ns G-h1 (VM) 10.2.0.1                ns G-h2 (VM) 10.2.0.2
#          |                                    |
#   h1:  br-A --- ovx (ovl-vxlan id 100)      br-A --- ovx   :h2
#        br-G --- ogr (ovl-gre key 200)       br-G --- ogr
#                  ul 192.0.2.1 ------ sw ------ ul 192.0.2.2
set -euo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/topo.sh"

check "modprobe ovlnet" modprobe ovlnet
path=$(modinfo -n ovlnet)
log "module: $path ($(uname -r), vermagic $(modinfo -F vermagic ovlnet))"
if [ -n "${OVLNET_KO_DIR:-}" ]; then
	check "module from $OVLNET_KO_DIR" test "$(dirname "$path")" = "$OVLNET_KO_DIR"
fi
check "vermagic is this kernel" \
	bash -c "modinfo -F vermagic ovlnet | grep -q '^$(uname -r) '"
check "ip link help ovl-vxlan (plugin)" \
	bash -c "ip link help ovl-vxlan 2>&1 | grep -q 'Usage: ... ovl-vxlan id VNI'"
check "ip link help ovl-gre (plugin)" \
	bash -c "ip link help ovl-gre 2>&1 | grep -q 'Usage: ... ovl-gre key KEY'"

TOPO_NO_IPV6=1 topo_underlay 2
for i in 1 2; do
	j=$((3 - i))
	check "h$i ovl-vxlan" ip -n h$i link add ovx type ovl-vxlan id 100 \
		local 192.0.2.$i remote 192.0.2.$j dev ul
	check "h$i ovl-gre" ip -n h$i link add ogr type ovl-gre key 200 \
		local 192.0.2.$i remote 192.0.2.$j dev ul
	topo_tenant_bridge h$i A ovx
	topo_tenant_bridge h$i G ogr
	topo_vm h$i A 10.1.0.$i/24 02:00:00:00:0a:0$i
	topo_vm h$i G 10.2.0.$i/24 02:00:00:00:0b:0$i
done
check "ip -d shows the vxlan options" \
	bash -c "ip -n h1 -d link show ovx | grep -q 'id 100 remote 192.0.2.2 local 192.0.2.1 dev ul'"
check "ip -d shows the gre options" \
	bash -c "ip -n h1 -d link show ogr | grep -q 'key 200'"
check "ping over ovl-vxlan" wait_for -t 10 nsx A-h1 ping -c 1 -W 1 10.1.0.2
check "ping over ovl-gre" wait_for -t 10 nsx G-h1 ping -c 1 -W 1 10.2.0.2
check "ip link set live" ip -n h1 link set ovx type ovl-vxlan ttl 32
check "ping x3 after the change" nsx A-h1 ping -c 3 -i 0.2 -W 2 10.1.0.2
# Namespaces go away asynchronously: rmmod succeeds once their devices did.
for n in A-h1 A-h2 G-h1 G-h2 h1 h2 sw; do ip netns del "$n"; done
check "rmmod after deleting the devices" wait_for -t 20 rmmod ovlnet
log PASS
