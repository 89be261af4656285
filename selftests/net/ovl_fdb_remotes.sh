#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A control plane adds many remotes at once (agents joining large
# tenants, an EVPN route replay): every add succeeds, every delete undoes
# it.  Each new remote carries a per-CPU route cache.  These were
# allocated under the FDB lock with GFP_ATOMIC, and in the agent's scale
# bench (100 simulated hosts, one vCPU) 70 flood appends failed with
# ENOMEM: the atomic per-CPU reserve ran dry.  Adds now allocate before
# the lock, in process context.  This guest does not drain that reserve
# (8 x 5000 adds at once passed before the change too), so the test
# guards the bulk path, not the reserve.
#
#   h1: vx0..vx7 ovl-vxlan id 100..107, each flood list += 5000 remotes,
#       8 bridge -batch processes at once
#       ul 192.0.2.1 == sw (no traffic: control plane only)
set -euo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/topo.sh"

N=${REMOTES:-5000}

check "modprobe ovlnet" modprobe ovlnet
export TOPO_NO_IPV6=1
topo_underlay 1
P=${PARALLEL:-8}
for ((j = 0; j < P; j++)); do
	check "h1 vx$j" ip -n h1 link add vx$j type ovl-vxlan id $((100 + j)) \
		local 192.0.2.1 dstport $((4789 + j)) dev ul
	ip -n h1 link set vx$j up
done

# N remotes per device, P control-plane processes at once (as P agents
# or one per tenant would)
B=/tmp/fdb_remotes.batch
for ((j = 0; j < P; j++)); do
	for ((i = 0; i < N; i++)); do
		echo "fdb append 00:00:00:00:00:00 dev vx$j dst 10.$((i >> 16)).$(((i >> 8) & 255)).$((i & 255)) self permanent"
	done >$B.$j
done
pcpu0=$(awk '/^Percpu:/ {print $2}' /proc/meminfo)
for ((j = 0; j < P; j++)); do
	bridge -n h1 -force -batch $B.$j >$B.$j.out 2>&1 &
done
wait
nerr=$(cat $B.*.out | grep -c "RTNETLINK answers" || true)
[ "$nerr" = 0 ] || fail "$nerr of $((P * N)) flood appends failed: $(cat $B.*.out | grep -m 1 "RTNETLINK")"
for ((j = 0; j < P; j++)); do
	n=$(bridge -n h1 fdb show dev vx$j | grep -c "^00:00:00:00:00:00 dst 10\." || true)
	[ "$n" = "$N" ] || fail "vx$j: the flood list has $n of $N remotes"
done
pcpu1=$(awk '/^Percpu:/ {print $2}' /proc/meminfo)
log "ok: $P x $N remotes added by $P processes at once, none refused (Percpu $pcpu0 -> $pcpu1 kB)"

for ((j = 0; j < P; j++)); do
	sed 's/^fdb append/fdb del/' $B.$j >$B.$j.del
	out=$(bridge -n h1 -force -batch $B.$j.del 2>&1) || true
	nerr=$(grep -c "RTNETLINK answers" <<<"$out" || true)
	[ "$nerr" = 0 ] || fail "vx$j: $nerr of $N deletes failed"
	n=$(bridge -n h1 fdb show dev vx$j | grep -c "^00:00:00:00:00:00" || true)
	[ "$n" = 0 ] || fail "vx$j: $n flood members left after deleting them all"
done
log "ok: and all deleted"
log "PASS"
exit 0
