#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ovlnet-agent against a real 3-member etcd cluster that loses members:
#  1. one member of three killed: no flood list changes, the agents fail
#     over, a new host still joins;
#  2. quorum lost (a second member killed): the agents keep the last good
#     flood lists (sampled every second for two lease periods: nothing
#     disappears, the data path forwards), then both members come back and
#     the agents catch up (the leases held: the watches resume, no
#     whole-prefix read); changes flow again.
#
#      e1 192.0.2.201    e2 .202    e3 .203       (etcd members, :2379)
#          \______________ | ______________/
#                          sw  (underlay switch)
#          /          /          \          \
#   ul h1 .1     h2 .2       h3 .3      h4 .4 (joins while e1 is down)
#   each hI: xA ovl-vxlan VNI 100 --br-A-- A-hI 10.0.0.I
#            ovlnet-agent --endpoints e1,e2,e3 --ttl 5
# test-timeout: 1200
set -euo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/topo.sh"
ETCD_N=3
. "$DIR/agent_lib.sh"

require_cmd etcd curl ovlnet-agent
check "modprobe ovlnet" modprobe ovlnet
export TOPO_NO_IPV6=1
topo_underlay 4
trap 'rc=$?; [ $rc -eq 0 ] || agent_logs; cleanup' EXIT
export -f flood_list flood_is nsx

etcd_cluster_setup
for ((n = 1; n <= 3; n++)); do
	etcd_member_start $n
done
t0=$(now)
# Three Go processes raft-chatting under qemu TCG on a loaded machine may
# never settle; that says nothing about the agent.
wait_until 300 etcd_healthy ||
	skip "the 3-member etcd cluster did not form within 300 s (machine too loaded)"
log "etcd: 3-member cluster healthy after $(since "$t0") s"

for i in 1 2 3 4; do
	check "h$i xA" ip -n h$i link add xA type ovl-vxlan id 100 local 192.0.2.$i dev ul
	[ $i = 1 ] || [ $i = 4 ] || continue	# VMs where the ping needs them
	topo_tenant_bridge h$i A xA
	topo_vm h$i A 10.0.0.$i/24 02:00:00:00:00:0$i
done
t0=$(now)
for i in 1 2 3; do
	agent_start h$i --ttl 5
done
for i in 1 2 3; do
	wait_flood 120 h$i xA "$(flood_expect h$i 4 1 2 3)" || fail "h$i xA"
done
log "convergence: 3 hosts synced $(since "$t0") s after start"
TTL=$(grep -o 'granted, ttl [0-9]*' /tmp/agent-h1.log | tail -n 1 | grep -o '[0-9]*$')
log "lease TTL granted by etcd: $TTL s"

snapshot()
{
	local i
	for i in 1 2 3; do echo "h$i: $(flood_list h$i xA)"; done
}
# steady SECONDS: the flood lists stay as they are now, sampled each second
steady()
{
	local want end
	want=$(snapshot)
	end=$(($(date +%s) + $1))
	while [ "$(date +%s)" -lt "$end" ]; do
		if [ "$(snapshot)" != "$want" ]; then
			printf 'was:\n%s\nnow:\n%s\n' "$want" "$(snapshot)"
			return 1
		fi
		sleep 1
	done
}

# --- 1. one member of three killed --------------------------------------
etcd_member_kill 1
log "etcd member e1 killed (the agents' first endpoint)"
steady $((TTL + 5)) || fail "flood lists changed after one member of three died"
log "fault: one member down: flood lists unchanged for $((TTL + 5)) s"
t0=$(now)
agent_start h4 --ttl 5
for i in 1 2 3 4; do
	wait_flood 120 h$i xA "$(flood_expect h$i 4 1 2 3 4)" || fail "h$i: new host h4 did not join"
done
log "fault: one member down: a new host joined in $(since "$t0") s"

# --- 2. quorum lost -----------------------------------------------------------
# full resyncs (whole-prefix reads) so far: losing quorum must not add any
for i in 1 2 3 4; do
	resyncs[$i]=$(grep -c 'synced with etcd' /tmp/agent-h$i.log || true)
done
etcd_member_kill 2
log "etcd member e2 killed: 1 of 3 left, no quorum"
steady $((2 * TTL + 5)) || fail "flood lists changed while quorum was lost"
check "data path forwards without quorum" nsx A-h1 ping -c 2 -W 2 10.0.0.4
grep -h 'keeping the current flood lists' /tmp/agent-h*.log | sed -n 1,4p
grep -q 'keeping the current flood lists' /tmp/agent-h1.log || fail "no log line for the lost etcd"
log "fault: quorum lost: flood lists kept for $((2 * TTL + 5)) s, data path forwards"
etcd_member_start 1
etcd_member_start 2
t0=$(now)
wait_until 300 etcd_healthy || fail "quorum did not come back"
log "quorum back after $(since "$t0") s"
steady 10 || fail "flood lists flapped when quorum came back"
wait_until 120 grep -q 'reachable again' /tmp/agent-h1.log || fail "h1 did not resync"
grep -h 'reachable again' /tmp/agent-h*.log | sed -n 1,4p
# the leases held (etcd does not expire them without a leader): the
# agents resume their watches, they do not read the whole prefix again
for i in 1 2 3 4; do
	n=$(grep -c 'synced with etcd' /tmp/agent-h$i.log || true)
	[ "$n" = "${resyncs[$i]}" ] ||
		fail "h$i did a full resync after quorum came back ($((n - ${resyncs[$i]})) whole-prefix reads)"
done
log "fault: quorum back: no full resync, watches resumed"
t0=$(now)
check "h4 xA deleted" ip -n h4 link del xA
for i in 1 2 3; do
	wait_flood 120 h$i xA "$(flood_expect h$i 4 1 2 3)" || fail "h$i: change after recovery"
done
log "fault: after recovery a deletion reached every host in $(since "$t0") s"
log PASS
