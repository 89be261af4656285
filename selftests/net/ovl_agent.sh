#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ovlnet-agent: six hosts find each other through a real 3-member etcd
# cluster; no device is given a `remote` and no flood list is typed by hand.
# Four tenants with identical address plans (VM i is 10.0.0.i, MAC
# 02:00:00:00:00:0i on every tenant): A ovl-vxlan VNI 100 and B ovl-gre
# key 100 over IPv4, C ovl-vxlan VNI 200 and D ovl-gre key 200 over IPv6.
# Then: a hand-added flood entry is never touched; devices created and
# deleted after the agents started; a VTEP whose local address comes and
# goes on the underlay; --status; --once; --macs installs remote MACs.
#
#                  e1 192.0.2.201  (etcd, :2379; ovl_agent_etcd runs
#                          |        the 3-member cluster and its faults)
#                          sw  (underlay switch)
#          /        /      |      \        \       \
#   ul h1 .1    h2 .2    h3 .3    h4 .4    h5 .5    h6 .6   (+ 2001:db8::i)
#   each hI:  xA --br-A-- A-hI 10.0.0.I     xB --br-B-- B-hI 10.0.0.I
#             xC --br-C-- C-hI 10.0.0.I     xD --br-D-- D-hI 10.0.0.I
#             (VMs on h1 and h6 for all four, on h3 for A)
#             ovlnet-agent --endpoints http://192.0.2.201:2379 --ttl 120
# test-timeout: 1200
set -euo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/topo.sh"
ETCD_N=1
. "$DIR/agent_lib.sh"

require_cmd etcd etcdctl ovlnet-agent
check "modprobe ovlnet" modprobe ovlnet
export TOPO_NO_IPV6=1
H=6
TTL=120
topo_underlay $H
etcd_cluster_start
trap 'rc=$?; [ $rc -eq 0 ] || agent_logs; cleanup' EXIT
export ETCD_EPS
export -f flood_list flood_is nsx

for ((i = 1; i <= H; i++)); do
	check "h$i xA" ip -n h$i link add xA type ovl-vxlan id 100 local 192.0.2.$i dev ul
	check "h$i xB" ip -n h$i link add xB type ovl-gre key 100 local 192.0.2.$i dev ul
	check "h$i xC" ip -n h$i link add xC type ovl-vxlan id 200 local 2001:db8::$i dev ul
	check "h$i xD" ip -n h$i link add xD type ovl-gre key 200 local 2001:db8::$i dev ul
done
# VMs where the pings need them (every namespace costs seconds under TCG):
# all four tenants on h1 and h6, tenant A on h3 too.
for v in "1 A B C D" "6 A B C D" "3 A"; do
	set -- $v
	i=$1
	shift
	for t in "$@"; do
		topo_tenant_bridge h$i $t x$t
		topo_vm h$i $t 10.0.0.$i/24 02:00:00:00:00:0$i
	done
done
# a hand-made flood entry the agent must leave alone
check "h1 hand-added flood entry" bridge -n h1 fdb append 00:00:00:00:00:00 dev xA dst 192.0.2.99

all=$(seq 1 $H)
t0=$(now)
for ((i = 1; i <= H; i++)); do
	agent_start h$i --ttl $TTL
done
for ((i = 1; i <= H; i++)); do
	want4=$(flood_expect h$i 4 $all)
	want6=$(flood_expect h$i 6 $all)
	[ $i = 1 ] && want4A=$(echo "$want4 192.0.2.99" | tr ' ' '\n' | sed '/^$/d' | sort | tr '\n' ' ')
	wait_flood -t 90 h$i xA "${want4A:-$want4}" || fail "h$i xA flood list"
	unset want4A
	wait_flood -t 30 h$i xB "$want4" || fail "h$i xB flood list"
	wait_flood -t 30 h$i xC "$want6" || fail "h$i xC flood list"
	wait_flood -t 30 h$i xD "$want6" || fail "h$i xD flood list"
done
log "convergence: $H hosts x 4 tenants, all flood lists complete $(since "$t0") s after the agents started"

for t in A B C D; do
	check "$t: VM h1 -> h6" wait_for -t 20 nsx $t-h1 ping -c 1 -W 2 10.0.0.6
done
check "A: VM h3 -> h1" wait_for -t 20 nsx A-h3 ping -c 1 -W 2 10.0.0.1
check "D: VM h6 -> h1 (ovl-gre, IPv6 underlay)" nsx D-h6 ping -c 2 -W 2 10.0.0.1

# the hand-added entry is still there and nobody registered it
check "hand-added flood entry kept" bash -c "flood_list h1 xA | grep -q 192.0.2.99"
check "192.0.2.99 not in etcd" bash -c "! nsx h2 ovlnet-agent --status | grep -q 192.0.2.99"
check "no flood entry twice" bash -c "[ -z \"\$(bridge -n h2 fdb show dev xA | grep ^00:00:00:00:00:00 | sort | uniq -d)\" ]"

log "keys in etcd: $(etcd_count 1 /ovlnet/), revision $(etcd_revision 1)"

# --- devices created and deleted after start --------------------------
t0=$(now)
for i in 1 2 3; do
	check "h$i xE (vni 300, created after start)" \
		ip -n h$i link add xE type ovl-vxlan id 300 local 192.0.2.$i dev ul
	[ $i = 2 ] && continue
	topo_tenant_bridge h$i E xE
	topo_vm h$i E 10.0.0.$i/24 02:00:00:00:00:0$i
done
for i in 1 2 3; do
	wait_flood -t 30 h$i xE "$(flood_expect h$i 4 1 2 3)" || fail "h$i xE: new device not synced"
done
log "convergence: a tenant created on 3 hosts after start synced in $(since "$t0") s"
check "E: VM h1 -> h3" wait_for -t 10 nsx E-h1 ping -c 1 -W 2 10.0.0.3
t0=$(now)
check "h2 xE deleted" ip -n h2 link del xE
wait_flood -t 30 h1 xE "$(flood_expect h1 4 1 3)" || fail "h1 xE: deleted device's VTEP not dropped"
wait_flood -t 30 h3 xE "$(flood_expect h3 4 1 3)" || fail "h3 xE: deleted device's VTEP not dropped"
log "convergence: a deleted device left its peers' flood lists in $(since "$t0") s (no lease expiry needed)"

# --- a VTEP address that comes and goes ---------------------------------
check "h3 xF local 192.0.2.103 (not configured yet)" \
	ip -n h3 link add xF type ovl-vxlan id 400 local 192.0.2.103 dev ul
check "h1 xF" ip -n h1 link add xF type ovl-vxlan id 400 local 192.0.2.1 dev ul
sleep 2
flood_is h1 xF "" || fail "h1 xF lists h3 although 192.0.2.103 is not configured"
t0=$(now)
check "h3: 192.0.2.103 added" ip -n h3 addr add 192.0.2.103/24 dev ul
wait_flood -t 30 h1 xF "192.0.2.103 " || fail "h1 xF: new underlay address not registered"
log "convergence: underlay address added -> in the peer's flood list in $(since "$t0") s"
check "h3: 192.0.2.103 removed" ip -n h3 addr del 192.0.2.103/24 dev ul
wait_flood -t 30 h1 xF "" || fail "h1 xF: removed underlay address still listed"
check "h3 xF: flood list has h1" flood_is h3 xF "192.0.2.1 "

# --- status -------------------------------------------------------------
out=$(nsx h1 ovlnet-agent --status) || fail "--status"
printf '%s\n' "$out" | head -n 12
grep -q 'etcd up' <<<"$out" || fail "--status: etcd not up"
grep -q 'xA (ifindex' <<<"$out" || fail "--status: xA missing"
kill -USR1 "${AGENT_PID[h2]}"
wait_for -t 5 grep -q 'ovlnet-agent pid' /tmp/agent-h2.log || fail "SIGUSR1 printed no status"

# --- --macs: remote MACs installed, published local ones ----------------
for i in 1 3; do
	agent_kill h$i
	agent_start h$i --ttl $TTL --macs
done
nsx A-h1 ping -c 1 -W 2 10.0.0.3 >/dev/null || true
has_mac() { bridge -n "$1" fdb show dev "$2" | grep "^$3 dst $4 self" >/dev/null; }
export -f has_mac
check "h1 xA: VM h3's MAC from etcd" wait_until 60 has_mac h1 xA 02:00:00:00:00:03 192.0.2.3
check "h3 xA: VM h1's MAC from etcd" wait_until 60 has_mac h3 xA 02:00:00:00:00:01 192.0.2.1
bridge -n h1 fdb show dev xA | grep 02:00:00:00:00:03
if grep -q 'ignores NTF_EXT_LEARNED' /tmp/agent-h1.log; then
	log "note: this module does not keep extern_learn; the agent installed static entries"
fi

# --- --once ------------------------------------------------------------
agent_kill h4
check "h4 xA flood list wiped by hand" bash -c \
	"for d in \$(flood_list h4 xA); do bridge -n h4 fdb del 00:00:00:00:00:00 dev xA dst \$d; done"
check "--once" nsx h4 timeout 120 ovlnet-agent --endpoints "$ETCD_EPS" --name h4 --ttl $TTL --timeout 10000 --once
wait_flood -t 5 h4 xA "$(flood_expect h4 4 $all)" || fail "--once did not restore the flood list"
log PASS
