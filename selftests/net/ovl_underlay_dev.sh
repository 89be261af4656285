#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The underlay device named by `dev` is followed, as the in-tree vxlan
# does it: its MTU bounds max_mtu (and an MTU above the new bound comes
# down), and when it is deleted or moved to another namespace, the
# devices on it are deleted with it -- both kinds, unicast and group
# mode, up or down, in the underlay's namespace or moved elsewhere.  The
# in-tree vxlan on the same dummy is the reference.  A device without
# `dev` is left alone.
#
#   init netns                                     ns other
#   d0 (dummy, 192.0.2.1, mtu 1500)                xo (ovl-vxlan, dev d0)
#    |- xv  ovl-vxlan id 10 remote 192.0.2.2      (moved here, underlay
#    |- xg  ovl-gre   key 11 remote 192.0.2.2       stays in init netns)
#    |- xm  ovl-vxlan id 12 group 239.1.1.1 (up)
#    `- vx  in-tree vxlan id 13 (reference)
#   d1 (dummy): moved to ns other -> xd (on d1) goes too
#   xn  ovl-vxlan id 14, no dev: survives everything; its FDB destinations
#       `via d2` (dummy) go when d2 is deleted
set -euo pipefail
. "$(dirname "$0")/lib.sh"

check "modprobe ovlnet" modprobe ovlnet
require_mod dummy vxlan
ns_create other

ip link add d0 type dummy
ip addr add 192.0.2.1/24 dev d0
ip link set d0 up
ip link add d1 type dummy
ip link set d1 up
ovl_dev_add d0 d1
d0idx=$(cat /sys/class/net/d0/ifindex)

check "xv" ip link add xv type ovl-vxlan id 10 local 192.0.2.1 remote 192.0.2.2 dev d0
check "xg" ip link add xg type ovl-gre key 11 local 192.0.2.1 remote 192.0.2.2 dev d0
check "xm" ip link add xm type ovl-vxlan id 12 group 239.1.1.1 dev d0
check "xm up" ip link set xm up
check "xv up" ip link set xv up
check "xo" ip link add xo type ovl-vxlan id 15 remote 192.0.2.2 dev d0
check "move xo" ip link set xo netns other
check "xd" ip link add xd type ovl-gre key 16 dev d1
check "xn" ip link add xn type ovl-vxlan id 14 remote 192.0.2.2
check "in-tree vxlan" ip link add vx type vxlan id 13 remote 192.0.2.2 dev d0 dstport 4789

maxmtu() { ip -d link show "$1" | grep -o 'maxmtu [0-9]*' | cut -d' ' -f2; }
mtu() { cat "/sys/class/net/$1/mtu"; }

# --- iflink and MTU bound -------------------------------------------------
[ "$(cat /sys/class/net/xv/iflink)" = "$d0idx" ] || fail "xv iflink is not d0"
[ "$(cat /sys/class/net/xg/iflink)" = "$d0idx" ] || fail "xg iflink is not d0"
check "xv shows dev d0" bash -c "ip -d link show xv | grep -q 'dev d0'"
[ "$(mtu xv)" = 1450 ] || fail "xv mtu $(mtu xv), not 1500 - 50"
[ "$(maxmtu xv)" = 1450 ] || fail "xv maxmtu $(maxmtu xv), not 1450"
[ "$(maxmtu xg)" = 1458 ] || fail "xg maxmtu $(maxmtu xg), not 1458"

check "d0 mtu 9000" ip link set d0 mtu 9000
[ "$(maxmtu xv)" = 8950 ] || fail "xv maxmtu $(maxmtu xv) after d0 mtu 9000, not 8950"
[ "$(maxmtu xg)" = 8958 ] || fail "xg maxmtu $(maxmtu xg) after d0 mtu 9000, not 8958"
[ "$(mtu xv)" = 1450 ] || fail "xv mtu changed by itself to $(mtu xv)"
check "xv mtu 8950 allowed now" ip link set xv mtu 8950
check_fail "xv mtu 8951 refused" ip link set xv mtu 8951

check "d0 mtu 1400" ip link set d0 mtu 1400
[ "$(maxmtu xv)" = 1350 ] || fail "xv maxmtu $(maxmtu xv) after d0 mtu 1400, not 1350"
[ "$(mtu xv)" = 1350 ] || fail "xv mtu $(mtu xv) above its underlay's 1400 - 50"
[ "$(mtu xg)" = 1358 ] || fail "xg mtu $(mtu xg) above its underlay's 1400 - 42"
check_fail "xv mtu 1351 refused" ip link set xv mtu 1351
[ "$(maxmtu xn)" -gt 9000 ] || fail "xn (no dev) got a lower bound: $(maxmtu xn)"
check "d0 mtu 1500" ip link set d0 mtu 1500
[ "$(maxmtu xv)" = 1450 ] || fail "xv maxmtu $(maxmtu xv) after d0 mtu 1500"
check "live change still works" ip link set xv type ovl-vxlan ttl 7

# --- FDB destinations `via` a device that goes away ------------------------
# xn (no dev) sends some destinations via d2: when d2 is deleted they go
# (its index may be reused by an unrelated device), with RTM_DELNEIGH;
# the same address without via stays.
ip link add d2 type dummy
ip link set d2 up
M=02:00:00:00:aa:01
check "xn: flood dest via d2" bridge fdb append 00:00:00:00:00:00 dev xn \
	dst 192.0.2.7 via d2
check "xn: $M via d2" bridge fdb add $M dev xn dst 192.0.2.7 via d2
check "xn: $M also without via" bridge fdb append $M dev xn dst 192.0.2.7
check "shown via d2" bash -c "bridge fdb show dev xn | grep -q 'dst 192.0.2.7 via d2'"
bridge monitor fdb >/tmp/via.mon 2>&1 &
mon=$!
# subscribed: its netlink socket exists and it sleeps waiting for events
check "bridge monitor listening" wait_for -t 10 bash -c \
	"ls -l /proc/$mon/fd | grep -q socket && grep -q '^State:.*S' /proc/$mon/status"
check "delete d2" ip link del d2
wait_for -t 10 bash -c "[ \$(grep -c '^Deleted.*dst 192.0.2.7' /tmp/via.mon) -ge 2 ]" || true
kill $mon 2>/dev/null || true
wait $mon 2>/dev/null || true
out=$(bridge fdb show dev xn)
log "after: $(tr '\n' ';' <<<"$out")"
grep 'via' <<<"$out" >/dev/null && fail "destinations via the deleted d2 left"
grep "^$M dst 192.0.2.7 " <<<"$out" >/dev/null || fail "$M without via went too"
grep '^00:00:00:00:00:00 dst 192.0.2.2 ' <<<"$out" >/dev/null ||
	fail "xn's own remote went"
n=$(grep -c '^Deleted.*dst 192.0.2.7' /tmp/via.mon || true)
log "RTM_DELNEIGH seen: $n ($(tr '\n' ';' </tmp/via.mon))"
[ "$n" -ge 2 ] || fail "removal via d2 not announced (RTM_DELNEIGH: $n)"

# --- the underlay goes away ----------------------------------------------
check "d1 to ns other" ip link set d1 netns other
check "xd deleted when d1 left the namespace" \
	bash -c "! ip link show xd 2>/dev/null"

check "delete d0" ip link del d0
for d in xv xg xm; do
	check "$d deleted with d0" bash -c "! ip link show $d 2>/dev/null"
done
check "xo (other netns) deleted with d0" bash -c "! ip -n other link show xo 2>/dev/null"
check "in-tree vxlan deleted with d0 too (the reference)" \
	bash -c "! ip link show vx 2>/dev/null"
check "xn (no dev) still there" ip link show xn
check "xn changelink" ip link set xn type ovl-vxlan ttl 9

# The module holds no reference to what it deleted.
check "rmmod" rmmod ovlnet
check "modprobe" modprobe ovlnet
log PASS
