#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# An EVPN speaker's FDB programming, replayed byte for byte (evpnfdb.c
# builds the requests exactly as FRR's zebra does): flood list append/del
# with NUD_NOARP|NUD_PERMANENT, remote MACs with NTF_EXT_LEARNED and
# NUD_REACHABLE under NLM_F_REPLACE, sticky MACs, protocol 11 (zebra),
# deletion.  The same sequence goes to an in-tree vxlan, an ovl-vxlan and
# an ovl-gre on h1; after every step the dump, the events and the data path
# of the ovl devices must be those of the in-tree vxlan (NDA_PROTOCOL
# aside: the in-tree vxlan drops it, ovlnet keeps and echoes it).  Then:
# a frame from an extern_learn MAC through another VTEP is counted
# (learn_blocked), not learned.
#
#   h1 (EVPN VTEP, nolearning)          h2, h3 (remote VTEPs)
#   br-vx: vx  vxlan id 100 :4789        vxlan id 100 :4789 remote h1
#   br-ox: ox  ovl-vxlan id 200 :4790    vxlan id 200 :4790 remote h1
#   br-og: og  ovl-gre key 300           gretap key 300 remote h1
#   VM K-h1 10.N.0.1                     VM K-hI 10.N.0.I  02:00:00:00:N:0I
#   ul 192.0.2.1  ====== ns sw ======    ul 192.0.2.2, 192.0.2.3
# test-timeout: 900
set -euo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/topo.sh"

E="$DIR/evpnfdb"
[ -x "$E" ] || skip "evpnfdb helper not built"
check "modprobe ovlnet" modprobe ovlnet
require_mod vxlan ip_gre
export TOPO_NO_IPV6=1
topo_underlay 3

KINDS="vx ox og"
declare -A NUM=([vx]=10 [ox]=20 [og]=30)
mac() { printf '02:00:00:00:%02x:%02x' "${NUM[$1]}" "$2"; }
vm_ip() { echo "10.${NUM[$1]}.0.$2"; }

for i in 1 2 3; do
	if [ $i = 1 ]; then
		ip -n h1 link add vx type vxlan id 100 dstport 4789 local 192.0.2.1 dev ul nolearning
		ip -n h1 link add ox type ovl-vxlan id 200 dstport 4790 local 192.0.2.1 dev ul nolearning
		ip -n h1 link add og type ovl-gre key 300 local 192.0.2.1 nolearning
	else
		ip -n h$i link add vx type vxlan id 100 dstport 4789 local 192.0.2.$i remote 192.0.2.1 dev ul
		ip -n h$i link add ox type vxlan id 200 dstport 4790 local 192.0.2.$i remote 192.0.2.1 dev ul
		ip -n h$i link add og type gretap key 300 local 192.0.2.$i remote 192.0.2.1
	fi
	for k in $KINDS; do
		topo_tenant_bridge h$i $k $k
		topo_vm h$i $k "$(vm_ip $k $i)/24" "$(mac $k $i)"
	done
done
# static neighbours: only unicast ICMP crosses, the FDB alone decides
for k in $KINDS; do
	for i in 1 2 3; do
		for j in 1 2 3; do
			[ $i = $j ] && continue
			ip -n $k-h$i neigh replace "$(vm_ip $k $j)" lladdr "$(mac $k $j)" dev eth0 nud permanent
		done
	done
done

EV=/tmp/evpn.events
nsx h1 "$E" listen vx ox og >$EV 2>&1 &
LISTENER=$!
wait_for grep -q ready $EV || fail "event listener did not start"

SEQ=0
# A sentinel event after the step's own: a request's events are queued to
# the listener before its ack, in order, so once the sentinel is in the
# file all of the step's events are.
settle()
{
	SEQ=$((SEQ + 1))
	nsx h1 "$E" mac-add vx "02:ff:00:00:00:$(printf %02x $SEQ)" 192.0.2.9 >/dev/null ||
		fail "sentinel add"
	wait_for -t 10 grep -q "^vx new 02:ff:00:00:00:$(printf %02x $SEQ) dst 192.0.2.9" $EV ||
		fail "events of step $SEQ did not arrive"
	nsx h1 "$E" mac-del vx "02:ff:00:00:00:$(printf %02x $SEQ)" 192.0.2.9 >/dev/null ||
		fail "sentinel del"
}

# events of the last step for device K, without sentinels, dev name, proto
MARK=0
# (each kind's VMs have their own MACs: 02:00:00:00:N:0I shows as M:0I)
norm() { sed "s/ proto [0-9]*//; s/02:00:00:00:$(printf %02x "${NUM[$1]}"):/M:/g"; }
events_of() { tail -n +"$((MARK + 1))" $EV | grep "^$1 " | grep -v ' 02:ff:00:00:00:' | sed "s/^$1 //" | norm "$1" | sort; }
dump_of() { nsx h1 "$E" dump "$1" | norm "$1" | sort; }

# reach K J: VM K-h1 reaches VM K-hJ
reach() { wait_for -t 6 nsx "$1-h1" ping -c 1 -W 1 "$(vm_ip "$1" "$2")"; }
unreach() { ! nsx "$1-h1" ping -c 1 -W 1 "$(vm_ip "$1" "$2")"; }

# step "what" "REACH" ARGS...: evpnfdb ARGS with DEV for each kind (VTEP
# and MAC placeholders: @2/@3 = 192.0.2.2/3, M2/M3 = that kind's VM MAC),
# then compare and check reachability REACH ("2+ 3-": h2 reachable, h3 not)
step()
{
	local what=$1 want=$2 k args a out r pids
	shift 2
	MARK=$(wc -l <$EV)
	for k in $KINDS; do
		args=()
		for a in "$@"; do
			case $a in
			@*) args+=("192.0.2.${a#@}") ;;
			M*) args+=("$(mac $k "${a#M}")") ;;
			DEV) args+=("$k") ;;
			*) args+=("$a") ;;
			esac
		done
		out=$(nsx h1 "$E" "${args[@]}") || { echo "$out"; fail "$what: $k: ${args[*]}"; }
		log "$k: $(grep -v '^req' <<<"$out" || true)$(grep '^req' <<<"$out" | head -c 120)"
	done
	settle
	dump_of vx >/tmp/evpn.vx
	for k in ox og; do
		if ! diff /tmp/evpn.vx <(dump_of $k) >/tmp/evpn.diff; then
			cat /tmp/evpn.diff
			fail "$what: $k's dump differs from the in-tree vxlan's"
		fi
		if ! diff <(events_of vx) <(events_of $k) >/tmp/evpn.diff; then
			cat /tmp/evpn.diff
			fail "$what: $k's events differ from the in-tree vxlan's"
		fi
	done
	log "ok: $what: dump and events as the in-tree vxlan's ($(events_of vx | wc -l) events)"
	sed 's/^/    /' /tmp/evpn.vx
	# the data path of the three kinds, checked side by side
	pids=()
	for k in $KINDS; do
		(
			for r in $want; do
				case $r in
				*+) reach $k "${r%+}" >/dev/null || echo "$k: h1 cannot reach h${r%+}" ;;
				*-) unreach $k "${r%-}" >/dev/null || echo "$k: h1 reaches h${r%-}" ;;
				esac
			done
		) >/tmp/evpn.path.$k &
		pids+=($!)
	done
	wait "${pids[@]}"
	out=$(cat /tmp/evpn.path.*)
	[ -z "$out" ] || fail "$what: $out"
	log "ok: $what: data path ($want) on $KINDS"
}

for k in $KINDS; do unreach $k 2 >/dev/null || fail "$k: reachable before any FDB entry"; done

step "flood list += h2" "2+ 3-" flood-add DEV @2
step "flood list += h3" "2+ 3+" flood-add DEV @3
step "remote MAC M3 -> h3 (extern_learn)" "3+" mac-add DEV M3 @3
step "flood list -= h3" "2+ 3+" flood-del DEV @3
step "sticky MAC M2 -> h2" "2+" mac-add DEV M2 @2 sticky
step "flood list -= h2" "2+ 3+" flood-del DEV @2

# What was set is what is shown: flags, state and protocol.
for k in ox og; do
	out=$(nsx h1 "$E" dump $k)
	grep -q "^$(mac $k 3) dst 192.0.2.3 state 0x02 flags 0x10 proto 11$" <<<"$out" ||
		fail "$k: extern_learn entry shown as: $out"
	grep -q "^$(mac $k 2) dst 192.0.2.2 state 0x42 flags 0x40 proto 11$" <<<"$out" ||
		fail "$k: sticky entry shown as: $out"
	bridge -n h1 fdb show dev $k | grep "$(mac $k 3)" | grep -v master | grep extern_learn >/dev/null ||
		fail "$k: bridge fdb show lacks extern_learn"
	bridge -n h1 fdb show dev $k | grep "$(mac $k 2)" | grep -v master | grep sticky >/dev/null ||
		fail "$k: bridge fdb show lacks sticky"
done
log "ok: flags, state and NDA_PROTOCOL shown as set"

step "remote MAC M3 replaced -> h2" "3-" mac-add DEV M3 @2
step "remote MAC M3 replaced -> h3" "3+" mac-add DEV M3 @3

# Learning never moves them: a frame from M3 (and from M2) through h2's
# and h3's VTEP is counted, not learned.
for k in ox og; do
	ip -n h1 link set $k type "$([ $k = ox ] && echo ovl-vxlan || echo ovl-gre)" learning
done
for spoof in 3:2 2:3; do
	m=${spoof%:*} via=${spoof#*:}
	for k in ox og; do
		ns_create "sp-$k"
		ip -n h$via link add "sp-$k" type veth peer name eth0 netns "sp-$k"
		ip -n h$via link set "sp-$k" master "br-$k"
		ip -n h$via link set "sp-$k" up
		ip -n "sp-$k" link set eth0 address "$(mac $k $m)"
		ip -n "sp-$k" addr add "$(vm_ip $k 99)/24" dev eth0
		ip -n "sp-$k" link set eth0 up
		before=$(xstat h1 $k learn_blocked)
		nsx "sp-$k" ping -c 2 -i 0.2 -W 1 "$(vm_ip $k 1)" >/dev/null 2>&1 || true
		wait_for -t 5 bash -c "[ \$(xstat h1 $k learn_blocked) -gt $before ]" ||
			fail "$k: a frame from $(mac $k $m) via h$via was not counted in learn_blocked"
		nsx h1 "$E" dump $k | grep "^$(mac $k $m) dst 192.0.2.$m " >/dev/null ||
			fail "$k: learning moved $(mac $k $m): $(nsx h1 "$E" dump $k)"
		ip netns del "sp-$k"
	done
done
log "ok: extern_learn and sticky entries are not moved by learning (learn_blocked counts)"
for k in ox og; do
	ip -n h1 link set $k type "$([ $k = ox ] && echo ovl-vxlan || echo ovl-gre)" nolearning
done
step "remote MAC M3 deleted" "3- 2+" mac-del DEV M3 @3
step "sticky MAC M2 deleted" "2- 3-" mac-del DEV M2 @2 sticky

kill $LISTENER 2>/dev/null || true
log "PASS"
exit 0
