#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Two tenants on one host: each shaped by its own HTB tree on its ovl
# device (one pushing flat out does not move the other), then shaped
# together by one HTB on the underlay NIC that sees the devices' fwmark
# (fw filter) and priority (HTB class by skb->priority); the fwmark also
# steers the outer packets by policy routing (IPv4 and IPv6 underlay);
# ingress policing on the receiving ovl device.
#
#   ns A-h1 10.1.0.1   ns B-h1 10.2.0.1           ns A-h2 10.1.0.2   ns B-h2 10.2.0.2
#        |                  |                          |                  |
#  h1: br-A              br-B                    h2: br-A              br-B
#        |                  |                          |                  |
#      ovA ovl-vxlan 100  ovB ovl-gre key 200        ovA (ingress:      ovB
#      fwmark 0x10        priority 1:20               matchall police)
#        `------ ul 192.0.2.1 --------------- ns sw --------------- ul 192.0.2.2
#                root 1: htb default 30                      |
#                 `-- 1:1 rate 20 ceil 20                    |
#                      |-- 1:10 rate 3 ceil 3   <- fw 0x10   |
#                      |-- 1:20 rate 5 ceil 5   <- prio 1:20 |
#                      `-- 1:30 rate 12 ceil 20 (default)    |
#                ul2 ========== direct veth ============== ul2
#                (ip rule fwmark 0x10 table 100: 192.0.2.2 dev ul2)
#                (ip -6 rule fwmark 0x10 table 100: 2001:db8::2 dev ul2,
#                 used by a third tenant C, ovC ovl-vxlan id 300 over IPv6)
#
# Rates in Mbit/s, scaled for the qemu TCG guest like ovl_qos_htb.sh.
# Expected rates are UDP goodput of 1400-byte datagrams for the bytes
# each shaper counts: 1442 (inner frame, on ovA/ovB), 1492 (VXLAN on ul),
# 1484 (GRE with key on ul), 1428 (IP packet, ingress police); bands +-10%.
#
# Rates are asserted, so the runner boots this test under qemu's
# instruction-counting clock (selftests/vm/run.sh): host load cannot move
# them.
# ovlnet-vm: icount
set -euo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/topo.sh"
. "$DIR/qos_lib.sh"
export TOPO_NO_IPV6=1

require_mod sch_htb sch_sfq cls_fw cls_matchall act_police sch_ingress
check "modprobe ovlnet" modprobe ovlnet
qos_setup
topo_underlay 2
for i in 1 2; do
	j=$((3 - i))
	mark=() prio=()
	[ $i = 1 ] && mark=(fwmark 0x10) prio=(priority 0x10020)
	# no "dev ul": the route lookup, and so the policy rule, picks the NIC
	check "h$i ovA" ip -n h$i link add ovA type ovl-vxlan id 100 \
		local 192.0.2.$i remote 192.0.2.$j "${mark[@]}"
	check "h$i ovB" ip -n h$i link add ovB type ovl-gre key 200 \
		local 192.0.2.$i remote 192.0.2.$j "${prio[@]}"
	for t in A B; do
		topo_tenant_bridge h$i $t ov$t
		topo_vm h$i $t 10.$([ $t = A ] && echo 1 || echo 2).0.$i/24 \
			02:00:00:00:0$t:0$i
		ip -n $t-h$i link set eth0 mtu 1450
	done
done
check "ovA shows fwmark" \
	bash -c "ip -n h1 -d link show ovA | grep -q 'fwmark 0x10'"
check "ovB shows priority" \
	bash -c "ip -n h1 -d link show ovB | grep -q 'priority 65568'"
check "ping A" wait_for -t 10 nsx A-h1 ping -c 1 -W 1 10.1.0.2
check "ping B" wait_for -t 10 nsx B-h1 ping -c 1 -W 1 10.2.0.2
nsx A-h2 iperf3 -s -D -p 5201
nsx B-h2 iperf3 -s -D -p 5201
sleep 0.5

# --- unshaped: what the path carries ---------------------------------------
rA=$(udp_run /tmp/a0 A-h1 10.1.0.2 5201 6M)
log "A unshaped (offered 6M): $rA kbit/s"
check "A unshaped gets its 6 Mbit/s through" [ "$rA" -gt 5000 ]
tcp_start /tmp/b0 B-h1 10.2.0.2 5201 3
udp_wait || fail "B TCP run"
rB=$(udp_rate /tmp/b0)
log "B unshaped TCP flat out: $rB kbit/s"
check "B unshaped runs far above its 6 Mbit/s tree" [ "$rB" -gt 12000 ]

# --- per tenant: one HTB tree per device -----------------------------------
tree()	# HOST DEV MBIT
{
	check "$2: root htb" tc -n $1 qdisc add dev $2 root handle 1: htb default 1
	check "$2: 1:1 $3" tc -n $1 class add dev $2 parent 1: classid 1:1 htb \
		rate ${3}mbit ceil ${3}mbit $(htb_burst $3 $3)
	check "$2: sfq leaf" tc -n $1 qdisc add dev $2 parent 1:1 \
		sfq perturb 10
}
tree h1 ovA 4
tree h1 ovB 6
alone=$(udp_run /tmp/a1 A-h1 10.1.0.2 5201 6M)
in_band "A alone, own tree" "$alone" "$(goodput 4000 1442)" 10
tcp_start /tmp/b1 B-h1 10.2.0.2 5201 6
sleep 1
udp_start /tmp/a2 A-h1 10.1.0.2 5201 6M
udp_wait || fail "A+B iperf3 runs"
busy=$(udp_rate /tmp/a2) rB=$(udp_rate /tmp/b1)
log "A while B pushes flat out: $busy kbit/s (alone $alone); B: $rB kbit/s"
in_band "A unmoved by B flat out" "$busy" "$alone" 10
check "B held by its tree" [ "$rB" -le $((6000 * 110 / 100)) ]
tc -n h1 qdisc del dev ovA root
tc -n h1 qdisc del dev ovB root

# --- aggregate: one HTB on the underlay NIC ---------------------------------
tc_ul() { tc -n h1 "$@"; }
check "ul root htb" tc_ul qdisc add dev ul root handle 1: htb default 30
check "ul 1:1" tc_ul class add dev ul parent 1: classid 1:1 htb \
	rate 20mbit ceil 20mbit $(htb_burst 20 20)
check "ul 1:10" tc_ul class add dev ul parent 1:1 classid 1:10 htb \
	rate 3mbit ceil 3mbit $(htb_burst 3 3)
check "ul 1:20" tc_ul class add dev ul parent 1:1 classid 1:20 htb \
	rate 5mbit ceil 5mbit $(htb_burst 5 5)
check "ul 1:30" tc_ul class add dev ul parent 1:1 classid 1:30 htb \
	rate 12mbit ceil 20mbit $(htb_burst 12 20)
for c in 10 20 30; do
	check "ul leaf $c" tc_ul qdisc add dev ul parent 1:$c \
		sfq perturb 10
done
check "fw filter 0x10 -> 1:10" tc_ul filter add dev ul parent 1: protocol ip \
	prio 1 handle 0x10 fw classid 1:10

class_drained h1 ul 1:10 1:20 1:30
p10=$(class_pkts h1 ul 1:10) p20=$(class_pkts h1 ul 1:20)
r=$(udp_run /tmp/a3 A-h1 10.1.0.2 5201 6M)
in_band "A (fwmark) shaped by ul 1:10" "$r" "$(goodput 3000 1492)" 10
d10=$(($(class_pkts h1 ul 1:10) - p10)) d20=$(($(class_pkts h1 ul 1:20) - p20))
log "ul counters during A: 1:10 +$d10 1:20 +$d20"
check "A's packets counted in 1:10" [ "$d10" -gt 700 ]
check "none of them in 1:20" [ "$d20" -lt 10 ]

# A's last packets may still sit in 1:10's queue: let them go first
class_drained h1 ul 1:10 1:20 1:30
p10=$(class_pkts h1 ul 1:10) p20=$(class_pkts h1 ul 1:20)
r=$(udp_run /tmp/b3 B-h1 10.2.0.2 5201 8M)
in_band "B (priority 1:20) shaped by ul 1:20" "$r" "$(goodput 5000 1484)" 10
d10=$(($(class_pkts h1 ul 1:10) - p10)) d20=$(($(class_pkts h1 ul 1:20) - p20))
log "ul counters during B: 1:10 +$d10 1:20 +$d20"
check "B's packets counted in 1:20" [ "$d20" -gt 1200 ]
check "none of them in 1:10" [ "$d10" -lt 10 ]
tc -n h1 -s class show dev ul
tc -n h1 qdisc del dev ul root

# --- the fwmark steers the outer packet by policy routing -------------------
check "ul2 veth" ip link add ul2 netns h1 type veth peer name ul2 netns h2
ip -n h1 link set ul2 up
ip -n h2 link set ul2 up
check "rule fwmark 0x10" ip -n h1 rule add fwmark 0x10 table 100
check "table 100 route" ip -n h1 route add 192.0.2.2/32 dev ul2 table 100
via_ul2()	# VM DST: ul2 packets at h2 during 20 pings
{
	local before
	before=$(rx_packets h2 ul2)
	nsx "$1" ping -q -c 20 -i 0.05 -W 2 "$2" >/dev/null ||
		fail "$1: ping $2"
	echo $(($(rx_packets h2 ul2) - before))
}
n=$(via_ul2 A-h1 10.1.0.2)
check "A (fwmark 0x10) leaves by ul2: $n" [ "$n" -ge 20 ]
n=$(via_ul2 B-h1 10.2.0.2)
check "B (no mark) stays on ul: $n" [ "$n" -lt 5 ]
check "fwmark 0 live" ip -n h1 link set ovA type ovl-vxlan fwmark 0
n=$(via_ul2 A-h1 10.1.0.2)
check "A without mark back on ul (cached route dropped): $n" [ "$n" -lt 5 ]
check "fwmark 0x10 live" ip -n h1 link set ovA type ovl-vxlan fwmark 0x10
n=$(via_ul2 A-h1 10.1.0.2)
check "A marked again leaves by ul2: $n" [ "$n" -ge 20 ]
# The same for the IPv6 route lookup: tenant C over an IPv6 underlay.
for i in 1 2; do
	j=$((3 - i))
	mark=()
	[ $i = 1 ] && mark=(fwmark 0x10)
	check "h$i ovC (IPv6 underlay)" ip -n h$i link add ovC type ovl-vxlan \
		id 300 local 2001:db8::$i remote 2001:db8::$j "${mark[@]}"
	topo_tenant_bridge h$i C ovC
	topo_vm h$i C 10.3.0.$i/24 02:00:00:00:0c:0$i
	ip netns exec h$i sysctl -qw net.ipv6.conf.ul2.disable_ipv6=0
done
check "ping C" wait_for -t 10 nsx C-h1 ping -c 1 -W 1 10.3.0.2
mac2=$(ip -n h2 link show ul2 | awk '/link\/ether/ {print $2}')
check "-6 rule fwmark 0x10" ip -n h1 -6 rule add fwmark 0x10 table 100
check "-6 table 100 route" ip -n h1 -6 route add 2001:db8::2/128 dev ul2 \
	table 100
check "-6 neighbour on ul2" ip -n h1 -6 neigh replace 2001:db8::2 \
	lladdr "$mac2" dev ul2 nud permanent
n=$(via_ul2 C-h1 10.3.0.2)
check "C (fwmark 0x10, IPv6 underlay) leaves by ul2: $n" [ "$n" -ge 20 ]

# --- ingress policing on the receiving ovl device ---------------------------
check "h2 ovA ingress" tc -n h2 qdisc add dev ovA handle ffff: ingress
check "police 2mbit" tc -n h2 filter add dev ovA parent ffff: protocol all \
	prio 1 matchall action police rate 2mbit burst 16k conform-exceed drop
r=$(udp_run /tmp/a4 A-h1 10.1.0.2 5201 6M)
tc -n h2 -s filter show dev ovA parent ffff:
in_band "A policed at h2" "$r" "$(goodput 2000 1428)" 10
drops=$(tc -n h2 -s filter show dev ovA parent ffff: |
	sed -n 's/.*(dropped \([0-9]*\),.*/\1/p' | sed -n 1p)
check "police dropped the excess: ${drops:-none}" [ "${drops:-0}" -gt 500 ]
log PASS
