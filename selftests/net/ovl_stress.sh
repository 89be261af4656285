#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Stress and faults, bounded in time (STRESS_SECS, default 20) and count:
# while tenants A (ovl-vxlan) and G (ovl-gre) ping and stream between h1
# and h2, at the same time
#   - devices of both kinds are created, brought up, sent through and
#     deleted in a loop on h1,
#   - static FDB entries are added and deleted in batches on the live xA,
#   - h2's underlay link flaps down and up,
#   - a device whose underlay netns (uN) or own netns (dN) is deleted under
#     traffic, alternately;
# a silent tenant S with A's address plan is captured throughout;
# then the module is removed and loaded again under traffic, three times,
# the devices re-created each time.  Afterwards: every loop ran, nothing
# is left over, the tenants work again, refcount 0, rmmod clean.  A
# splat fails the run by itself (the VM runner).
#
#   A-h1 10.1.0.1 --br-A-- xA (vni 100) .. xA --br-A-- A-h2 10.1.0.2
#   G-h1 10.2.0.1 --br-G-- xG (key 200) .. xG --br-G-- G-h2 10.2.0.2
#                 h1 ul ====== sw ====== ul h2
#   S-h1 10.1.0.1 --br-S-- xS (vni 300) .. xS --br-S-- S-h2 10.1.0.2 (silent, captured)
#   h1: xT* come and go;  uN: dummy0 10.99.0.1 + xQ (moved to dN)
set -euo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/topo.sh"

SECS=${STRESS_SECS:-20}
check "modprobe ovlnet" modprobe ovlnet
export TOPO_NO_IPV6=1
topo_underlay 2

mkdevs()
{
	local i j
	for i in 1 2; do
		j=$((3 - i))
		ip -n h$i link add xA type ovl-vxlan id 100 local 192.0.2.$i \
			remote 192.0.2.$j dev ul || return 1
		ip -n h$i link add xG type ovl-gre key 200 local 192.0.2.$i \
			remote 192.0.2.$j dev ul || return 1
		topo_tenant_bridge h$i A xA
		topo_tenant_bridge h$i G xG
	done
}
check "tenant devices" mkdevs
for i in 1 2; do
	topo_vm h$i A 10.1.0.$i/24 02:00:00:00:01:0$i
	topo_vm h$i G 10.2.0.$i/24 02:00:00:00:02:0$i
	check "h$i xS" ip -n h$i link add xS type ovl-vxlan id 300 \
		local 192.0.2.$i remote 192.0.2.$((3 - i)) dev ul
	topo_tenant_bridge h$i S xS
	topo_vm h$i S 10.1.0.$i/24 02:00:00:00:03:0$i
done
# Tenant S's own frames are not foreign: its VMs', and those of its
# bridges, ports and devices on either host (an IGMP report of br-S as it
# comes up, say).
own="ether src 02:00:00:00:03:01 or ether src 02:00:00:00:03:02"
for i in 1 2; do
	for d in br-S xS v-S; do
		own+=" or ether src $(nsx h$i cat /sys/class/net/$d/address)"
	done
done
caps=()
for i in 1 2; do
	nsx S-h$i timeout 120 tcpdump -U -nn -i eth0 -w /tmp/stress-S-h$i.pcap \
		"not ($own)" 2>/dev/null &
	caps+=($!)
done
check "A pings" wait_for -t 30 nsx A-h1 ping -c 1 -W 1 10.1.0.2
check "G pings" wait_for -t 30 nsx G-h1 ping -c 1 -W 1 10.2.0.2

END=$((SECONDS + SECS))
bg=()
nsx A-h1 ping -i 0.02 -w $((SECS + 2)) -W 1 10.1.0.2 >/dev/null 2>&1 &
bg+=($!)
nsx G-h1 ping -i 0.02 -w $((SECS + 2)) -W 1 10.2.0.2 >/dev/null 2>&1 &
bg+=($!)
nsx A-h2 iperf3 -s -D -1 >/dev/null
sleep 0.3
nsx A-h1 timeout $((SECS + 10)) iperf3 -c 10.1.0.2 -t $SECS >/dev/null 2>&1 &
bg+=($!)

# device create / up / traffic / delete loop on h1
churn()
{
	local n=0 k
	while [ $SECONDS -lt $END ]; do
		k=$((n % 2))
		if [ $k = 0 ]; then
			ip -n h1 link add xT$n type ovl-vxlan id $((1000 + n)) \
				remote 192.0.2.2 dev ul || exit 1
		else
			ip -n h1 link add xT$n type ovl-gre key $((1000 + n)) \
				remote 192.0.2.2 dev ul || exit 1
		fi
		ip -n h1 link set xT$n up
		ip -n h1 addr add 10.50.$((n % 250)).1/24 dev xT$n
		nsx h1 ping -c 2 -i 0.05 -W 0.2 10.50.$((n % 250)).2 >/dev/null 2>&1 || true
		ip -n h1 link del xT$n || exit 1
		n=$((n + 1))
	done
	echo "$n" >/tmp/stress-churn
}

# static FDB batches on the live xA
fdbstorm()
{
	local n=0 m
	for m in $(seq 0 99); do
		printf 'fdb add 02:77:00:00:%02x:%02x dev xA dst 192.0.2.%d self permanent\n' \
			$((m / 256)) $((m % 256)) $((3 + m % 50))
	done >/tmp/fdb-add
	sed 's/^fdb add/fdb del/; s/ self permanent$/ self/' /tmp/fdb-add >/tmp/fdb-del
	while [ $SECONDS -lt $END ]; do
		bridge -n h1 -batch /tmp/fdb-add >/dev/null || exit 1
		bridge -n h1 -batch /tmp/fdb-del >/dev/null || exit 1
		n=$((n + 1))
	done
	echo "$n" >/tmp/stress-fdb
}

# h2's underlay flaps
flap()
{
	local n=0
	while [ $SECONDS -lt $END ]; do
		ip -n h2 link set ul down
		sleep 0.3
		ip -n h2 link set ul up
		sleep 1
		n=$((n + 1))
	done
	echo "$n" >/tmp/stress-flap
}

# delete the netns of the underlay or of the device, under traffic
nsdel()
{
	local n=0 u d
	while [ $SECONDS -lt $END ]; do
		u=u$n d=d$n
		ip netns add $u && ip netns add $d || exit 1
		ip -n $u link add dummy0 type dummy
		ip -n $u addr add 10.99.0.1/24 dev dummy0
		ip -n $u link set dummy0 up
		if [ $((n % 2)) = 0 ]; then
			ip -n $u link add xQ type ovl-vxlan id 7 remote 10.99.0.2 dev dummy0 || exit 1
		else
			ip -n $u link add xQ type ovl-gre key 7 remote 10.99.0.2 dev dummy0 || exit 1
		fi
		ip -n $u link set xQ netns $d || exit 1
		ip -n $d addr add 10.98.0.1/24 dev xQ
		ip -n $d link set xQ up
		ip -n $d link set lo up
		nsx $d ping -f -w 2 10.98.0.2 >/dev/null 2>&1 &
		sleep 0.5
		if [ $((n % 4)) -lt 2 ]; then
			ip netns del $u
			wait_for -t 30 bash -c "! ip -n $d link show xQ" >/dev/null 2>&1 ||
				{ echo "xQ outlived its underlay netns"; exit 1; }
			wait
			ip netns del $d
		else
			ip netns del $d
			wait
			ip netns del $u
		fi
		n=$((n + 1))
	done
	echo "$n" >/tmp/stress-nsdel
}

log "stress for ${SECS}s: churn, fdb storm, underlay flap, netns deletion"
churn & c1=$!
fdbstorm & c2=$!
flap & c3=$!
nsdel & c4=$!
wait $c1 || fail "device churn loop failed"
wait $c2 || fail "fdb storm failed"
wait $c3 || fail "underlay flap loop failed"
wait $c4 || fail "netns deletion loop failed"
wait "${bg[@]}" 2>/dev/null || true
log "loops: $(cat /tmp/stress-churn) devices created+deleted, $(cat /tmp/stress-fdb) fdb batches (100 add + 100 del), $(cat /tmp/stress-flap) flaps, $(cat /tmp/stress-nsdel) netns deletions"
for f in churn fdb flap nsdel; do
	[ "$(cat /tmp/stress-$f)" -gt 0 ] || fail "loop $f never completed a round"
done
ip -n h2 link set ul up
check "no churn device left" bash -c "! ip -n h1 -o link show | grep -q xT"
check "no netns left" bash -c "! ip netns list | grep -q '^[ud][0-9]'"
check "no storm entry left" bash -c "! bridge -n h1 fdb show dev xA | grep -q 02:77:"
kill "${caps[@]}" 2>/dev/null || true
wait "${caps[@]}" 2>/dev/null || true
for i in 1 2; do
	[ -s /tmp/stress-S-h$i.pcap ] || fail "no capture file from tenant S on h$i"
	n=$(tcpdump -nn -r /tmp/stress-S-h$i.pcap 2>/dev/null | wc -l) || true
	tcpdump -nn -e -r /tmp/stress-S-h$i.pcap 2>/dev/null | head -5 || true
	[ "$n" -eq 0 ] || fail "$n foreign frames reached the silent tenant S on h$i"
	log "ok: nothing foreign in tenant S on h$i"
done
check "A pings after the storm" wait_for -t 30 nsx A-h1 ping -c 1 -W 1 10.1.0.2
check "G pings after the storm" wait_for -t 30 nsx G-h1 ping -c 1 -W 1 10.2.0.2

# rmmod / modprobe under traffic
for r in 1 2 3; do
	tr=()
	nsx A-h1 ping -f -w 3 -W 1 10.1.0.2 >/dev/null 2>&1 &
	tr+=($!)
	nsx G-h1 ping -f -w 3 -W 1 10.2.0.2 >/dev/null 2>&1 &
	tr+=($!)
	sleep 1
	check "rmmod under traffic ($r)" rmmod ovlnet
	check "devices gone ($r)" bash -c "! ip -n h1 link show xA 2>/dev/null && ! ip -n h2 link show xG 2>/dev/null"
	wait "${tr[@]}" || true
	check "modprobe ($r)" modprobe ovlnet
	check "re-create ($r)" mkdevs
	check "A pings again ($r)" wait_for -t 30 nsx A-h1 ping -c 1 -W 1 10.1.0.2
	check "G pings again ($r)" wait_for -t 30 nsx G-h1 ping -c 1 -W 1 10.2.0.2
done
for i in 1 2; do ip -n h$i link del xA; ip -n h$i link del xG; done
check "refcount 0" bash -c "[ \$(cat /sys/module/ovlnet/refcnt) = 0 ]"
check "final rmmod" rmmod ovlnet
log PASS
