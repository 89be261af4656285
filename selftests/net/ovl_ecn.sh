#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# RFC 6040 decapsulation and VLAN-tagged inner frames.  A tc pedit on h1's
# underlay rewrites the ECN field of the outer VXLAN packets (what a
# congested router on the path does) and h2 must apply RFC 6040 to the
# inner packet: CE over Not-ECT dropped and counted (rx_ecn_errors), CE
# over ECT(0) becomes CE, ECT(1) over ECT(0) becomes ECT(1) - for
# untagged and for VLAN-tagged (trunked VM) inner frames.  On transmit, a
# tagged inner frame's TOS is inherited like an untagged one's.
#
#   T-h1 eth0 10.5.0.1, eth0.10 10.9.0.1 -- br-T -- xT (vni 500, tos inherit)
#        h1 ul [tc egress: pedit outer ECN] ===== sw ===== ul h2
#   T-h2 eth0 10.5.0.2, eth0.10 10.9.0.2 -- br-T -- xT
set -euo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/topo.sh"

check "modprobe ovlnet" modprobe ovlnet
require_mod 8021q act_pedit act_csum cls_u32 sch_ingress
export TOPO_NO_IPV6=1
topo_underlay 2
for i in 1 2; do
	j=$((3 - i))
	check "h$i xT" ip -n h$i link add xT type ovl-vxlan id 500 \
		local 192.0.2.$i remote 192.0.2.$j tos inherit
	topo_tenant_bridge h$i T xT
	topo_vm h$i T 10.5.0.$i/24 02:00:00:00:05:0$i
	ip -n T-h$i link add link eth0 name eth0.10 type vlan id 10
	ip -n T-h$i addr add 10.9.0.$i/24 dev eth0.10
	ip -n T-h$i link set eth0.10 up
done
check "ping" wait_for -t 10 nsx T-h1 ping -c 1 -W 1 10.5.0.2
check "ping over VLAN 10" wait_for -t 10 nsx T-h1 ping -c 1 -W 1 10.9.0.2

# Transmit: the tagged frame's TOS reaches the outer header.
cap_start h1 ul "udp port 4789 and (ip[1] & 0xfc) == 0x20" || fail "capture"
nsx T-h1 ping -c 2 -i 0.3 -W 1 -Q 0x20 10.9.0.2 >/dev/null || true
cap_wait || fail "tagged inner TOS 0x20 inherited by the outer header"; log "ok: tagged inner TOS 0x20 inherited by the outer header"

tc -n h1 qdisc add dev ul clsact
# outer_ecn VALUE: every outer VXLAN packet leaves h1 with that ECN field
outer_ecn()
{
	tc -n h1 filter del dev ul egress 2>/dev/null || true
	check "pedit ECN $1" tc -n h1 filter add dev ul egress protocol ip \
		prio 1 u32 match ip protocol 17 0xff \
		action pedit ex munge ip tos set "$1" retain 0x03 pipe \
		action csum ip
}

# inner_ecn_seen WHAT DEV SRC-TOS ADDR ECN: a ping from T-h1 with SRC-TOS
# reaches T-h2 on DEV with the ECN field ECN.
inner_ecn_seen()
{
	cap_start T-h2 "$2" "icmp and (ip[1] & 3) == $5" || fail "capture $1"
	nsx T-h1 ping -c 2 -i 0.3 -W 1 -Q "$3" "$4" >/dev/null || true
	cap_wait || fail "$1"; log "ok: $1"
}

for v in "untagged eth0 10.5.0.2" "VLAN eth0.10 10.9.0.2"; do
	read -r what dev addr <<<"$v"
	outer_ecn 0x03
	inner_ecn_seen "$what: CE over ECT(0) -> CE" $dev 0x02 $addr 3
	before=$(xstat h2 xT rx_ecn_errors)
	check_fail "$what: CE over Not-ECT is dropped" \
		nsx T-h1 ping -c 2 -i 0.3 -W 1 $addr
	check "$what: rx_ecn_errors counted" \
		bash -c "[ \$(xstat h2 xT rx_ecn_errors) -ge \$(($before + 2)) ]"
	outer_ecn 0x01
	inner_ecn_seen "$what: ECT(1) over ECT(0) -> ECT(1)" $dev 0x02 $addr 1
	inner_ecn_seen "$what: ECT(1) over ECT(1) stays" $dev 0x01 $addr 1
	check "$what: Not-ECT under ECT(1) passes" \
		nsx T-h1 ping -c 1 -W 2 $addr
done
tc -n h1 filter del dev ul egress
check "unmodified again" nsx T-h1 ping -c 1 -W 2 10.5.0.2
log PASS
