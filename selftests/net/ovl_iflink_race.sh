#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sysfs `iflink` reads (ndo_get_iflink, called without RTNL or RCU) race
# changelink (which replaces and kfree_rcu()s the configuration) and
# device deletion (ndo_uninit frees it): a reader loops over
# /sys/class/net/{xr,gr}/iflink while one loop changes the devices live
# and another deletes and re-creates them.  Bounded by counts, not time.
# Every value read must be the underlay's ifindex.  On Debian's kernels a
# read of freed memory rarely shows; on the debug kernel (make
# check-debug: KASAN, PROVE_RCU) the old code fails at once
# ("suspicious rcu_dereference_check() usage" on the first read, KASAN
# use-after-free under the race) -- the VM runner fails on the splat.
#
#   init netns: dummy ul 192.0.2.1/24
#               xr (ovl-vxlan id 20 dev ul), gr (ovl-gre key 21 dev ul)
#               deleted and re-created in a loop, changed in another
set -euo pipefail
. "$(dirname "$0")/lib.sh"

check "modprobe ovlnet" modprobe ovlnet
require_mod dummy
ip link add ul type dummy
ip addr add 192.0.2.1/24 dev ul
ip link set ul up
ovl_dev_add ul xr gr
ulidx=$(cat /sys/class/net/ul/ifindex)

CHANGES=${IFLINK_CHANGES:-20}
RECREATE=${IFLINK_RECREATE:-10}
STOP=/tmp/iflink-race.stop
rm -f "$STOP" /tmp/iflink-race.r*

mk()
{
	ip link add xr type ovl-vxlan id 20 local 192.0.2.1 remote 192.0.2.2 dev ul &&
		ip link add gr type ovl-gre key 21 local 192.0.2.1 remote 192.0.2.2 dev ul
}
check "devices" mk

# reader OUT DEV...: read each DEV's iflink in turn until told to stop;
# "reads bad" to OUT.  One reader only: a TCG guest has two vCPUs, and the
# ip commands of the other loops must get one.
reader()
{
	local out=$1 v n=0 bad=0 i dev
	shift
	for ((i = 0; i < 500000; i++)); do
		[ -e "$STOP" ] && break
		for dev in "$@"; do
			v=
			read -r v 2>/dev/null <"/sys/class/net/$dev/iflink" || true
			if [ -n "$v" ]; then
				n=$((n + 1))
				[ "$v" = "$ulidx" ] || bad=$((bad + 1))
			fi
		done
	done
	echo "$n $bad" >"$out"
}
reader /tmp/iflink-race.r1 xr gr &
r1=$!

(
	for ((i = 1; i <= CHANGES; i++)); do
		ip link set xr type ovl-vxlan ttl $((i % 255 + 1)) ageing $i 2>/dev/null || true
		ip link set gr type ovl-gre tos $((i % 64 * 4)) 2>/dev/null || true
	done
) &
changer=$!
rc=0
for ((i = 1; i <= RECREATE; i++)); do
	ip link del xr && ip link del gr && mk || { rc=1; break; }
done
wait $changer || true
touch "$STOP"
wait $r1 || true
[ $rc = 0 ] || fail "delete/re-create loop failed at round $i"

read -r n1 bad1 </tmp/iflink-race.r1
log "reads: $n1 ($bad1 wrong); $CHANGES changes, $RECREATE re-creations"
[ "$n1" -gt 0 ] || fail "the reader never read an iflink"
[ "$bad1" = 0 ] || fail "iflink read something else than the underlay's ifindex"
[ "$(cat /sys/class/net/xr/iflink)" = "$ulidx" ] || fail "xr iflink after the race"
check "devices still work" ip link set xr type ovl-vxlan ttl 3
check "rmmod" rmmod ovlnet
log PASS
