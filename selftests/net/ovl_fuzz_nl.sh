#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Netlink fuzz and privilege checks.
#
# nlfuzz (seeded, fixed count) sends random and boundary RTM_NEWLINK
# (create and change, both kinds), up/down, RTM_DELLINK, RTM_NEWNEIGH and
# RTM_DELNEIGH (bridge fdb add/del) and dumps to a host: every request
# must succeed or fail with an extack message, every success must read
# back as sent, and no create or change with an unknown IFLA_OVL_* type
# may succeed (strict parsing).  Run twice: the second run must not grow the slab
# (kmemleak is not enabled in Debian's kernels, so the leak check is
# Slab in /proc/meminfo, plus the module's reference count back at 0
# and rmmod succeeding).  Then: without CAP_NET_ADMIN in the user
# namespace owning the netns, create/change/delete/fdb add all fail
# with EPERM.
#
#   ns h1: ul 192.0.2.1 (the underlay device the fuzzer may name)
#          fz0..fz11 come and go; xA (ovl-vxlan 5) for the privilege checks
set -euo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/topo.sh"

ITER=${NLFUZZ_ITER:-3000}
SEED=${NLFUZZ_SEED:-$(date +%s)}

check "modprobe ovlnet" modprobe ovlnet
topo_underlay 1

slab() { awk '/^Slab:/ { print $2 }' /proc/meminfo; }
refcnt() { cat /sys/module/ovlnet/refcnt; }

declare -a s
log "seed $SEED, $ITER requests per run"
for run in 1 2; do
	out=$(nsx h1 "$DIR/nlfuzz" fuzz $ITER $((SEED + run)) ul 2>/tmp/nlfuzz.err) ||
		{ echo "$out"; head -40 /tmp/nlfuzz.err; fail "nlfuzz run $run (seed $((SEED + run)))"; }
	echo "$out" | sed 's/^/    /'
	ok=$(awk '/^total/ { print $3 }' <<<"$out" | tr -d ,)
	[ "${ok:-0}" -gt $((ITER / 10)) ] ||
		fail "only ${ok:-0} requests succeeded: the fuzz barely reached the code"
	[ "$(ip -n h1 -o link show type ovl-vxlan; ip -n h1 -o link show type ovl-gre)" = "" ] ||
		fail "devices left after run $run"
	sleep 1
	echo 3 >/proc/sys/vm/drop_caches
	s[$run]=$(slab)
	log "after run $run: Slab ${s[$run]} kB, ovlnet refcnt $(refcnt)"
done
[ "$(refcnt)" = 0 ] || fail "ovlnet refcount $(refcnt) with no devices"
grow=$((s[2] - s[1]))
log "Slab growth over the second run: $grow kB"
[ $grow -lt 2048 ] || fail "Slab grew by $grow kB over $ITER requests"
check "rmmod with no devices" rmmod ovlnet
check "modprobe again" modprobe ovlnet

# --- CAP_NET_ADMIN in the owning user namespace ----------------------
check "xA" ip -n h1 link add xA type ovl-vxlan id 5 local 192.0.2.1 dev ul
check "fdb add as root" bridge -n h1 fdb add 02:00:00:00:00:05 dev xA dst 192.0.2.7
eperm()
{
	local what=$1 out rc=0
	shift
	out=$(nsx h1 "$@" 2>&1) || rc=$?
	[ $rc -ne 0 ] || fail "$what: succeeded without CAP_NET_ADMIN"
	grep -qi "not permitted" <<<"$out" || { echo "$out"; fail "$what: not EPERM"; }
	log "ok: $what: EPERM"
}
NOBODY=("$DIR/nlfuzz" drop 65534)
eperm "uid 65534: create" "${NOBODY[@]}" "$DIR/ovlnl" add xZ ovl-vxlan id 7
eperm "uid 65534: changelink" "${NOBODY[@]}" "$DIR/ovlnl" set xA ovl-vxlan ttl 9
eperm "uid 65534: ip link del" "${NOBODY[@]}" ip link del xA
eperm "uid 65534: bridge fdb add" "${NOBODY[@]}" bridge fdb add 02:00:00:00:00:06 dev xA dst 192.0.2.8
eperm "uid 65534: bridge fdb del" "${NOBODY[@]}" bridge fdb del 02:00:00:00:00:05 dev xA
# root of a child user namespace does not own h1's network namespace
eperm "userns root: create" unshare -U -r "$DIR/ovlnl" add xZ ovl-vxlan id 7
eperm "userns root: changelink" unshare -U -r "$DIR/ovlnl" set xA ovl-vxlan ttl 9
eperm "userns root: bridge fdb add" unshare -U -r bridge fdb add 02:00:00:00:00:06 dev xA dst 192.0.2.8
check "ttl unchanged" bash -c "! ip -n h1 -d link show xA | grep -q 'ttl 9'"
check "fdb entry still there" bash -c "bridge -n h1 fdb show dev xA | grep -q 02:00:00:00:00:05"
check "no fdb entry added" bash -c "! bridge -n h1 fdb show dev xA | grep -q 02:00:00:00:00:06"
check "no xZ" bash -c "! ip -n h1 link show xZ 2>/dev/null"
# ... but it owns a network namespace it creates (as with vxlan)
check "userns root: create in its own netns" \
	unshare -U -r -n "$DIR/ovlnl" add xZ ovl-vxlan id 7
log "seed $SEED"
log PASS
