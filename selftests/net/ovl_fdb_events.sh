#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# FDB events and the control-plane verbs, against the in-tree vxlan in the
# same guest: RTM_NEWNEIGH on learn and roam, RTM_DELNEIGH on ageing and
# flush with the state and flags the in-tree vxlan sends; `bridge monitor
# fdb`; extern_learn entries never age; the flood list never ages, even
# with a dynamic member (a dynamic append used to demote the whole list,
# the device's remote included, and age it out); `bridge fdb get`;
# `bridge fdb flush` by state and flag (and, where the kernel passes them
# to the driver, 6.8+, by dst, vni and port); the event rate bound
# (fdb_events + fdb_events_suppressed = what happened, l2miss included).
#
#   h1 (under test)                    h2, h3
#   br-vx: vx  vxlan id 100 :4789      vxlan id 100 :4789 remote h1
#   br-ox: ox  ovl-vxlan id 200 :4790  vxlan id 200 :4790 remote h1
#   br-og: og  ovl-gre key 300         gretap key 300 remote h1
#   flood list on h1: h2 (static)      VM K-hI 10.N.0.I  02:00:00:00:N:0I
#   ul 192.0.2.1 ====== ns sw ======   ul 192.0.2.2, 192.0.2.3
# test-timeout: 900
set -euo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/topo.sh"

E="$DIR/evpnfdb"
B="$DIR/bench_net"
[ -x "$E" ] && [ -x "$B" ] || skip "evpnfdb/bench_net helpers not built"
check "modprobe ovlnet" modprobe ovlnet
require_mod vxlan ip_gre
export TOPO_NO_IPV6=1
topo_underlay 3

KINDS="vx ox og"
declare -A NUM=([vx]=10 [ox]=20 [og]=30) TYPE=([vx]=vxlan [ox]=ovl-vxlan [og]=ovl-gre)
mac() { printf '02:00:00:00:%02x:%02x' "${NUM[$1]}" "$2"; }
vm_ip() { echo "10.${NUM[$1]}.0.$2"; }

ip -n h1 link add vx type vxlan id 100 dstport 4789 local 192.0.2.1 dev ul
ip -n h1 link add ox type ovl-vxlan id 200 dstport 4790 local 192.0.2.1 dev ul
ip -n h1 link add og type ovl-gre key 300 local 192.0.2.1
for i in 2 3; do
	ip -n h$i link add vx type vxlan id 100 dstport 4789 local 192.0.2.$i remote 192.0.2.1 dev ul
	ip -n h$i link add ox type vxlan id 200 dstport 4790 local 192.0.2.$i remote 192.0.2.1 dev ul
	ip -n h$i link add og type gretap key 300 local 192.0.2.$i remote 192.0.2.1
done
for i in 1 2 3; do
	for k in $KINDS; do
		topo_tenant_bridge h$i $k $k
		[ $i = 3 ] || topo_vm h$i $k "$(vm_ip $k $i)/24" "$(mac $k $i)"
	done
done
for k in $KINDS; do
	check "$k: flood list += h2" bridge -n h1 fdb append 00:00:00:00:00:00 dev $k dst 192.0.2.2 self permanent
done

EV=/tmp/fdbev.events
MON=/tmp/fdbev.monitor
nsx h1 "$E" listen vx ox og >$EV 2>&1 &
nsx h1 bridge monitor fdb >$MON 2>&1 &
wait_for grep -q ready $EV || fail "event listener did not start"
# bridge monitor is ready once it shows an event: poke until it does
wait_for -t 10 bash -c "bridge -n h1 fdb add 02:ff:00:00:00:01 dev vx dst 192.0.2.9 self permanent 2>/dev/null;
	bridge -n h1 fdb del 02:ff:00:00:00:01 dev vx self 2>/dev/null; grep -q 02:ff:00:00:00:01 $MON" ||
	fail "bridge monitor fdb shows nothing"

# the event lines of device K (no dev name, no proto) matching PATTERN
ev() { grep "^$1 " $EV | sed "s/^$1 //; s/ proto [0-9]*//" | grep -e "$2" || true; }

# --- learn, roam, age --------------------------------------------------------
for k in $KINDS; do
	wait_for -t 10 nsx $k-h2 ping -c 1 -W 1 "$(vm_ip $k 1)" >/dev/null || fail "$k: h2 VM cannot reach h1's"
done
for k in $KINDS; do
	wait_for -t 5 grep -q "^$k new $(mac $k 2) dst 192.0.2.2 state 0x02 flags 0x00" $EV ||
		fail "$k: no RTM_NEWNEIGH for the learned MAC"
done
for k in ox og; do
	diff <(ev vx "new 02:00:00:00:0a:02" | sed 's/ 02:00:00:00:0a:02 / M /') \
		<(ev $k "new $(mac $k 2)" | sed "s/ $(mac $k 2) / M /") ||
		fail "learn: $k's event differs from the in-tree vxlan's"
done
log "ok: learn: RTM_NEWNEIGH as the in-tree vxlan: $(ev ox "new $(mac ox 2)")"
grep -q "$(mac ox 2) dev ox dst 192.0.2.2 self" $MON || fail "bridge monitor fdb missed ox's learn event"
log "ok: bridge monitor fdb shows learning"

# roam: the h2 VM's MAC shows up behind h3
for k in $KINDS; do
	ns_create "r-$k"
	ip -n h3 link add "r-$k" type veth peer name eth0 netns "r-$k"
	ip -n h3 link set "r-$k" master "br-$k"
	ip -n h3 link set "r-$k" up
	ip -n "r-$k" link set eth0 address "$(mac $k 2)"
	ip -n "r-$k" addr add "$(vm_ip $k 2)/24" dev eth0
	ip -n "r-$k" link set eth0 up
	nsx "r-$k" ping -c 1 -W 1 "$(vm_ip $k 1)" >/dev/null 2>&1 || true
	wait_for -t 5 grep -q "^$k new $(mac $k 2) dst 192.0.2.3 state 0x02 flags 0x00" $EV ||
		fail "$k: no RTM_NEWNEIGH for the roam"
done
grep -q "$(mac og 2) dev og dst 192.0.2.3 self" $MON || fail "bridge monitor fdb missed og's roam"
log "ok: roam: RTM_NEWNEIGH with the new VTEP on $KINDS"

# extern_learn never ages (as in-tree); the flood list never ages, a
# dynamic member included (ovl only: the in-tree vxlan would age it all)
X=02:00:00:00:77:01
for k in $KINDS; do
	check "$k: extern_learn add" bridge -n h1 fdb replace $X dev $k dst 192.0.2.2 self extern_learn dynamic
done
for k in ox og; do
	check "$k: dynamic flood member" bridge -n h1 fdb append 00:00:00:00:00:00 dev $k dst 192.0.2.3 self dynamic
done
for k in $KINDS; do
	ip -n h1 link set $k type ${TYPE[$k]} ageing 3
done
for k in $KINDS; do
	wait_for -t 30 grep -q "^$k del $(mac $k 2) dst 192.0.2.3 state 0x04 flags 0x00" $EV ||
		fail "$k: no RTM_DELNEIGH when the learned entry aged"
done
grep -q "Deleted $(mac ox 2) dev ox dst 192.0.2.3 self" $MON || fail "bridge monitor fdb missed ox's ageing"
log "ok: ageing: RTM_DELNEIGH on $KINDS"
sleep 4	# one more ageing time: nothing else may go
for k in $KINDS; do
	bridge -n h1 fdb show dev $k | grep "$X" | grep -v master | grep "extern_learn" >/dev/null ||
		fail "$k: the extern_learn entry aged or lost its flag"
	bridge -n h1 fdb show dev $k | grep "^00:00:00:00:00:00 dst 192.0.2.2 self permanent" >/dev/null ||
		fail "$k: the flood list's static member aged"
done
for k in ox og; do
	bridge -n h1 fdb show dev $k | grep "^00:00:00:00:00:00 dst 192.0.2.3 self" >/dev/null ||
		fail "$k: the flood list's dynamic member aged"
	[ "$(xstat h1 $k fdb_age_visited)" -ge 1 ] || fail "$k: the ageing scan never ran"
	bridge -n h1 fdb del 00:00:00:00:00:00 dev $k dst 192.0.2.3 self
done
log "ok: extern_learn entries and the flood list (dynamic member too) never age"
for k in $KINDS; do
	ip -n h1 link set $k type ${TYPE[$k]} ageing 300
done

# --- bridge fdb get ------------------------------------------------------------
for k in $KINDS; do
	out=$(bridge -n h1 fdb get $X dev $k self) || fail "$k: bridge fdb get: $out"
	grep "^$X dev $k dst 192.0.2.2 " <<<"$out" | grep -q extern_learn || fail "$k: fdb get said: $out"
	check_fail "$k: fdb get of an unknown MAC" bridge -n h1 fdb get 02:00:00:00:77:99 dev $k self
done
log "ok: bridge fdb get"

# --- bridge fdb flush ----------------------------------------------------------
fill()
{
	local k=$1
	bridge -n h1 fdb replace 02:00:00:00:77:01 dev $k dst 192.0.2.2 self extern_learn dynamic
	bridge -n h1 fdb replace 02:00:00:00:77:02 dev $k dst 192.0.2.2 self permanent
	bridge -n h1 fdb replace 02:00:00:00:77:03 dev $k dst 192.0.2.3 self dynamic
	bridge -n h1 fdb replace 02:00:00:00:77:04 dev $k dst 192.0.2.3 self static
	bridge -n h1 fdb replace 02:00:00:00:77:05 dev $k dst 192.0.2.2 self static sticky
}
left() { nsx h1 "$E" dump $1 | awk '$1 ~ /^02:00:00:00:77:/ {print substr($1, 16)}' | sort | tr '\n' ' '; }
vx_bulk=1
bridge -n h1 fdb flush dev vx self 2>/dev/null || vx_bulk=0
[ $vx_bulk = 1 ] || log "the in-tree vxlan has no bulk delete on $(uname -r): ovl devices checked alone"
# flush_case WANT KINDS CMD...: after CMD K on a fresh fill, WANT is left
flush_case()
{
	local want=$1 kinds=$2 k got
	shift 2
	for k in $kinds; do
		[ $k = vx ] && [ $vx_bulk = 0 ] && continue
		fill $k
		check "$k: flush $*" "$@" $k
		got=$(left $k)
		[ "$got" = "$want" ] || fail "$k: after '$*' left '$got', want '$want'"
	done
	log "ok: flush $*: left $want"
}
fl() { bridge -n h1 fdb flush dev "${@: -1}" self "${@:1:$#-1}"; }
flush_case "01 02 04 05 " "$KINDS" fl dynamic noextern_learn
flush_case "02 03 04 05 " "$KINDS" fl extern_learn
flush_case "01 03 04 05 " "$KINDS" fl permanent
flush_case "01 02 03 " "$KINDS" fl static
# (the in-tree vxlan refuses sticky in a flush)
flush_case "01 02 03 04 " "ox og" fl sticky
flush_case "" "$KINDS" fl
for k in ox og; do
	bridge -n h1 fdb show dev $k | grep "^00:00:00:00:00:00 dst 192.0.2.2 self" >/dev/null ||
		fail "$k: flush took the flood list"
	grep -q "^$k del 02:00:00:00:77:03 dst 192.0.2.3 state 0x02 flags 0x00" $EV ||
		fail "$k: no RTM_DELNEIGH for a flushed entry"
done
ef() { nsx h1 "$E" flush "${@: -1}" "${@:1:$#-1}"; }
if out=$(nsx h1 "$E" flush ox dst 192.0.2.9); then
	flush_case "01 02 05 " "$KINDS" ef dst 192.0.2.3
	declare -A VNI=([vx]=100 [ox]=200 [og]=300) PORT=([vx]=4789 [ox]=4790)
	for k in $KINDS; do
		[ $k = vx ] && [ $vx_bulk = 0 ] && continue
		fill $k
		check "$k: flush vni ${VNI[$k]}" ef vni "${VNI[$k]}" $k
		[ "$(left $k)" = "" ] || fail "$k: flush vni ${VNI[$k]} left $(left $k)"
		fill $k
		check "$k: flush vni 7 (none)" ef vni 7 $k
		[ "$(left $k)" = "01 02 03 04 05 " ] || fail "$k: flush vni 7 took entries"
		[ $k = og ] && { check_fail "og: flush port refused" ef port 4790 og; continue; }
		check "$k: flush port ${PORT[$k]}" ef port "${PORT[$k]}" $k
		[ "$(left $k)" = "" ] || fail "$k: flush port ${PORT[$k]} left $(left $k)"
	done
	log "ok: flush by dst, vni and port"
else
	log "this kernel refuses dst/vni/port in a bulk delete before the driver sees it: $out"
	grep -q "error:" <<<"$out" || fail "ox: flush with dst: $out"
fi
for k in $KINDS; do bridge -n h1 fdb flush dev $k self 2>/dev/null || true; done

# --- the event bound ---------------------------------------------------------
P=/sys/module/ovlnet/parameters
echo 5 >$P/fdb_event_rate
echo 5 >$P/fdb_event_burst
for k in ox og; do
	ev0=$(xstat h1 $k fdb_events) sup0=$(xstat h1 $k fdb_events_suppressed) l0=$(xstat h1 $k learned)
	out=$(nsx $k-h2 "$B" macflood eth0 1000 $((NUM[$k] + 1)))
	wait_for -t 20 bash -c "[ \$(xstat h1 $k learned) -ge $((l0 + 1000)) ]" ||
		fail "$k: learned $(($(xstat h1 $k learned) - l0)) of 1000 ($out)"
	# The listener's lines for the flood's own MACs (02:SEED:...): events
	# sent just before this window (a VM's relearn) may still be on their
	# way to the listener, so its whole count cannot be compared.
	fm="^$k new 02:$(printf %02x $((NUM[$k] + 1))):"
	nf=-1
	while [ "$nf" != "$(grep -c "$fm" $EV || true)" ]; do
		nf=$(grep -c "$fm" $EV || true)
		sleep 1
	done
	# learned is counted after the event is sent or suppressed: read it
	# last at the start and first at the end, so a learn in between is
	# at most one event too many, never one too few
	l1=$(xstat h1 $k learned) ev1=$(xstat h1 $k fdb_events) sup1=$(xstat h1 $k fdb_events_suppressed)
	# Every learn is sent or suppressed.  The window may also hold an
	# event that is not one of the flood's learns (seen once: 1001 for
	# 1000 on 6.1, cause not pinned down), so up to 2 more are allowed.
	tot=$((ev1 - ev0 + sup1 - sup0))
	[ $tot -ge $((l1 - l0)) ] && [ $tot -le $((l1 - l0 + 2)) ] ||
		fail "$k: $((ev1 - ev0)) events + $((sup1 - sup0)) suppressed, $((l1 - l0)) learned"
	[ $((sup1 - sup0)) -gt 0 ] || fail "$k: a 1000-MAC flood at 5 events/s suppressed nothing ($out)"
	# every flood event sent reached the listener (up to the same 2 others)
	[ $nf -le $((ev1 - ev0)) ] && [ $nf -ge $((ev1 - ev0 - 2)) ] ||
		fail "$k: listener got $nf events for the flood's MACs, fdb_events says $((ev1 - ev0))"
	log "ok: $k: MAC flood of 1000: $((ev1 - ev0)) events sent, $((sup1 - sup0)) suppressed ($out)"
done
# l2miss draws on the same bucket
ip -n h1 link set ox type ovl-vxlan l2miss
echo 1 >$P/fdb_event_rate
echo 1 >$P/fdb_event_burst
sup0=$(xstat h1 ox fdb_events_suppressed)
ip -n ox-h1 neigh replace 10.20.0.77 lladdr 02:00:00:00:77:77 dev eth0 nud permanent
nsx ox-h1 ping -c 30 -i 0.01 -W 1 10.20.0.77 >/dev/null 2>&1 || true
sup1=$(xstat h1 ox fdb_events_suppressed)
[ $((sup1 - sup0)) -gt 0 ] || fail "ox: 30 l2misses at 1/s suppressed nothing"
log "ok: l2miss bound: $((sup1 - sup0)) of 30 misses suppressed"
echo 1000 >$P/fdb_event_rate
echo 1000 >$P/fdb_event_burst

# --- device-driven removal ------------------------------------------------------
# The flood's 1000 MACs go first: with them, down would send 1001 events
# through a 1000-event bucket, and the one awaited below could be the one
# suppressed.  (The bucket refills at 1000/s; wait for it.)
bridge -n h1 fdb flush dev og self dynamic
sleep 2
nsx og-h2 ping -c 1 -W 2 "$(vm_ip og 1)" >/dev/null || true
wait_for -t 5 bash -c "bridge -n h1 fdb show dev og | grep -v master | grep -q '$(mac og 2) dst 192.0.2.2'" ||
	fail "og: did not relearn h2's VM"
ip -n h1 link set og down
wait_for -t 5 grep -q "^og del $(mac og 2) dst 192.0.2.2 state 0x02 flags 0x00" $EV ||
	fail "og: no RTM_DELNEIGH when down flushed the learned entry"
log "ok: device down: RTM_DELNEIGH for what it flushed"

! grep -q overrun $EV || fail "the event listener overran (lost events)"
kill %1 %2 2>/dev/null || true
log "PASS"
exit 0
