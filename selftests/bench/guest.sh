#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest half of `make bench` (run by selftests/bench/run.sh through
# selftests/vm/run.sh --run).  Builds every case side by side, then measures
# them interleaved, round after round, and prints one machine-readable line
# per measurement:
#
#     BENCH,CASE,METRIC,ROUND,VALUE
#
#   ns sw: bridge "sw" (underlay switch) -- p1/p2 === ul in h1/h2
#          (192.0.2.1-2/24, 2001:db8::1-2/64), rp1/rp2 === raw in h1/h2
#   per case C on host hI:  br-C --- overlay device C (or "raw" for raw)
#                             `--- v-C === eth0 in ns C-hI, 10.20.K.I/24
#
# Cases: raw (VM bridged straight onto the underlay switch, no overlay),
# vx4/vx6 in-tree vxlan, ox4/ox6 ovl-vxlan, gt4 gretap key / gt6 ip6gretap,
# og4/og6 ovl-gre key, on4/on6 ovl-gre nvgre (4 = IPv4 underlay, 6 = IPv6).
# Every VM has MTU 1400 so that every case carries the same TCP segments.
#
# Metrics: tcp1/tcp4 (Mbit/s, iperf3 1 and 4 streams, all cases), pps (64-byte
# UDP datagrams/s received, IPv4-underlay cases), rr_p50/rr_p99/rr_tps (TCP
# 64-byte ping-pong, IPv4-underlay cases); scale: dev_create_s,
# dev_delete_s, dev_slab_kb, dev_mem_kb (per device), fdb pps with small
# and big tables, fdb_fill_s, learn_rate (entries/s) and learn_pct.
#
#   guest.sh [--rounds N] [--dur SEC] [--devs N] [--fdb SMALL:BIG]
#            [--flood N] [--scale-rounds N] [--parts traffic,fdb,learn,devs]
#            [--cases C1,C2,...] [--dev-kinds vx,ox,oxq] [--prof-reps N]
#            [--agent-runs HxT,HxT,...] [--agent-ttl SEC] [--agent-idle SEC]
#            [--ext-tenants N] [--ext-fdb M] [--ext-kinds xoe,xod,xve]
#            [--ext-fill-max SEC]
# (--parts profile: kernel functions per ping round trip, see part_profile;
#  --parts agent: ovlnet-agent and etcd at scale, see part_agent;
#  --parts ext: N tenants on one external device against N devices and the
#  in-tree vxlan external, see part_ext; none of them is in the default
#  parts, which are the quick run's)
#
# For profiling, two more cases: oq4 and gq4 are ox4 and og4 with a root
# mq (one child of the default qdisc, fq_codel, per TX queue: what a NIC
# has, and ovlnet's default before it became noqueue), and dev kind oxq is
# ovl-vxlan with that mq root.
set -euo pipefail
DIR=$(dirname "$0")
. "$DIR/../lib.sh"
. "$DIR/../topo.sh"
B=$DIR/../bench_net

ROUNDS=1 DUR=2 DEVS=200 FDB_SMALL=1000 FDB_BIG=10000 FLOOD=5000 SROUNDS=1
PARTS="traffic fdb learn devs"
CASES=""
DEV_KINDS="vx ox"
PROF_REPS=2
AG_RUNS="25x10 50x10 100x10" AG_TTL=120 AG_IDLE=30
EXT_N=4094 EXT_FDB=1000000 EXT_KINDS="xoe xod xve" EXT_FILL_MAX=600
while [ $# -gt 0 ]; do
	case "$1" in
	--rounds) ROUNDS=$2; shift 2 ;;
	--dur) DUR=$2; shift 2 ;;
	--devs) DEVS=$2; shift 2 ;;
	--fdb) FDB_SMALL=${2%:*} FDB_BIG=${2#*:}; shift 2 ;;
	--flood) FLOOD=$2; shift 2 ;;
	--scale-rounds) SROUNDS=$2; shift 2 ;;
	--parts) PARTS=${2//,/ }; shift 2 ;;
	--cases) CASES=${2//,/ }; shift 2 ;;
	--dev-kinds) DEV_KINDS=${2//,/ }; shift 2 ;;
	--prof-reps) PROF_REPS=$2; shift 2 ;;
	--agent-runs) AG_RUNS=${2//,/ }; shift 2 ;;
	--agent-ttl) AG_TTL=$2; shift 2 ;;
	--agent-idle) AG_IDLE=$2; shift 2 ;;
	--ext-tenants) EXT_N=$2; shift 2 ;;
	--ext-fdb) EXT_FDB=$2; shift 2 ;;
	--ext-kinds) EXT_KINDS=${2//,/ }; shift 2 ;;
	--ext-fill-max) EXT_FILL_MAX=$2; shift 2 ;;
	*) fail "unknown argument $1" ;;
	esac
done

CASES_ALL="raw vx4 ox4 gt4 og4 on4 vx6 ox6 gt6 og6 on6"
CASES_V4="raw vx4 ox4 gt4 og4 on4"
if [ -n "$CASES" ]; then
	CASES_ALL=$CASES
	CASES_V4=$(for c in $CASES; do [[ $c == *6 ]] || echo "$c"; done | tr '\n' ' ')
fi
ERRORS=0

emit() { echo "BENCH,$1,$2,$3,$4"; }
miss() # case metric round why: a measurement that produced no number
{
	echo "BENCH-ERROR,$1,$2,$3,$4"
	ERRORS=$((ERRORS + 1))
}
now() { cut -d' ' -f1 /proc/uptime; }
meminfo() { awk -v k="$1:" '$1 == k {print $2}' /proc/meminfo; }

log "kernel $(uname -r), $(nproc) CPUs, rounds $ROUNDS x ${DUR}s, devs $DEVS, fdb $FDB_SMALL/$FDB_BIG, flood $FLOOD"
modprobe vxlan
modprobe ip_gre
modprobe ip6_gre
modprobe ovlnet || fail "modprobe ovlnet"

TOPO_NO_IPV6=1 topo_underlay 2

# case_dev CASE I: create the overlay (or raw) port of CASE on host hI.
case_dev()
{
	local c=$1 i=$2 j=$((3 - $2)) l4 r4 l6 r6
	l4=192.0.2.$i r4=192.0.2.$j l6=2001:db8::$i r6=2001:db8::$j
	case $c in
	raw)
		ip link add "$c" netns "h$i" type veth peer name "rp$i" netns sw
		ip -n sw link set "rp$i" master sw
		ip -n sw link set "rp$i" up ;;
	vx4) ip -n "h$i" link add "$c" type vxlan id 104 local "$l4" remote "$r4" dstport 4789 dev ul ;;
	vx6) ip -n "h$i" link add "$c" type vxlan id 106 local "$l6" remote "$r6" dstport 4789 dev ul ;;
	ox4) ip -n "h$i" link add "$c" type ovl-vxlan id 114 local "$l4" remote "$r4" dstport 4790 dev ul ;;
	ox6) ip -n "h$i" link add "$c" type ovl-vxlan id 116 local "$l6" remote "$r6" dstport 4790 dev ul ;;
	gt4) ip -n "h$i" link add "$c" type gretap key 204 local "$l4" remote "$r4" ;;
	gt6) ip -n "h$i" link add "$c" type ip6gretap key 206 local "$l6" remote "$r6" ;;
	og4) ip -n "h$i" link add "$c" type ovl-gre key 214 local "$l4" remote "$r4" ;;
	oq4) ip -n "h$i" link add "$c" type ovl-vxlan id 115 local "$l4" remote "$r4" dstport 4790 dev ul &&
		tc -n "h$i" qdisc add dev "$c" root mq ;;
	gq4) ip -n "h$i" link add "$c" type ovl-gre key 215 local "$l4" remote "$r4" &&
		tc -n "h$i" qdisc add dev "$c" root mq ;;
	og6) ip -n "h$i" link add "$c" type ovl-gre key 216 local "$l6" remote "$r6" ;;
	on4) ip -n "h$i" link add "$c" type ovl-gre key 0x224 local "$l4" remote "$r4" nvgre ;;
	on6) ip -n "h$i" link add "$c" type ovl-gre key 0x226 local "$l6" remote "$r6" nvgre ;;
	fs) ip -n "h$i" link add "$c" type ovl-vxlan id 121 local "$l4" remote "$r4" dstport 4790 dev ul ;;
	fb) ip -n "h$i" link add "$c" type ovl-vxlan id 122 local "$l4" remote "$r4" dstport 4790 dev ul ;;
	lvx) ip -n "h$i" link add "$c" type vxlan id 130 local "$l4" remote "$r4" dstport 4789 dev ul ;;
	lox) ip -n "h$i" link add "$c" type ovl-vxlan id 131 local "$l4" remote "$r4" dstport 4790 dev ul ;;
	*) return 1 ;;
	esac
}

# Subnet per case.
declare -A NET=()
k=0
for c in raw vx4 ox4 gt4 og4 on4 vx6 ox6 gt6 og6 on6 fs fb lvx lox oq4 gq4; do
	k=$((k + 1))
	NET[$c]=$k
done

vm_ip() { echo "10.20.${NET[$1]}.$2"; }

setup_case()
{
	local c=$1 i
	for i in 1 2; do
		case_dev "$c" "$i" || fail "$c: create on h$i"
		topo_tenant_bridge "h$i" "$c" "$c"
		topo_vm "h$i" "$c" "$(vm_ip "$c" "$i")/24" "02:00:00:00:$(printf %02x "${NET[$c]}"):0$i"
		ip -n "$c-h$i" link set eth0 mtu 1400
	done
	# servers on the h2 VM: iperf3, TCP ping-pong
	nsx "$c-h2" iperf3 -s -D -p 5201 >/dev/null
	nsx "$c-h2" "$B" rr-server 5300 </dev/null >/dev/null 2>&1 &
	wait_for -t 20 nsx "$c-h1" ping -c 1 -W 1 "$(vm_ip "$c" 2)" >/dev/null ||
		fail "$c: no connectivity"
	nsx "$c-h2" ping -c 1 -W 2 "$(vm_ip "$c" 1)" >/dev/null || true
}

# iperf3 CASE STREAMS: Mbit/s received.
m_tcp()
{
	local c=$1 p=$2 out
	out=$(nsx "$c-h1" timeout $((DUR + 20)) iperf3 -c "$(vm_ip "$c" 2)" -p 5201 \
		-t "$DUR" -P "$p" -f m 2>&1) || { echo "iperf3: $out" | tail -n 3 >&2; return 1; }
	awk '/receiver/ { for (i = 1; i <= NF; i++) if ($i == "Mbits/sec") v = $(i - 1) }
	     END { if (v == "") exit 1; print v }' <<<"$out"
}

# 64-byte UDP datagrams/s arriving at the h2 VM.
m_pps()
{
	local c=$1 out spid
	nsx "$c-h2" "$B" udp-sink 5400 $((DUR + 5)) >/tmp/sink.$c 2>&1 &
	spid=$!
	wait_for -t 5 grep -q ready /tmp/sink.$c >/dev/null 2>&1 || true
	nsx "$c-h1" "$B" udp-send "$(vm_ip "$c" 2)" 5400 "$DUR" 64 >/tmp/send.$c 2>&1 || true
	wait $spid || true
	awk '$1 == "pkts" && $2 > 1 { print $6; ok = 1 } END { exit !ok }' /tmp/sink.$c
}

# TCP 64-byte ping-pong: "p50 p99 tps".
m_rr()
{
	local c=$1 out
	out=$(nsx "$c-h1" timeout $((DUR + 20)) "$B" rr-client "$(vm_ip "$c" 2)" 5300 "$DUR" 2>&1) || return 1
	awk '$1 == "trans" { print $6, $8, $4; ok = 1 } END { exit !ok }' <<<"$out"
}

part_traffic()
{
	local r p c v p50 p99 tps TB
	for c in $CASES_ALL; do
		[ -e "/run/netns/$c-h1" ] || setup_case "$c"
	done
	log "all $(echo $CASES_ALL | wc -w) cases up"
	TB=$(now)
	for ((r = 1; r <= ROUNDS; r++)); do
		log "round $r/$ROUNDS"
		for p in 1 4; do
			for c in $CASES_ALL; do
				if v=$(m_tcp "$c" "$p"); then emit "$c" "tcp$p" "$r" "$v"
				else miss "$c" "tcp$p" "$r" "iperf3 failed"; fi
			done
		done
		for c in $CASES_V4; do
			if v=$(m_pps "$c"); then emit "$c" pps "$r" "$v"
			else miss "$c" pps "$r" "no datagrams"; fi
		done
		for c in $CASES_V4; do
			if v=$(m_rr "$c"); then
				read -r p50 p99 tps <<<"$v"
				emit "$c" rr_p50 "$r" "$p50"
				emit "$c" rr_p99 "$r" "$p99"
				emit "$c" rr_tps "$r" "$tps"
			else
				miss "$c" rr "$r" "rr-client failed"
			fi
		done
	done
	log "traffic rounds took $(awk -v a="$TB" -v b="$(now)" 'BEGIN{printf "%.0f", b - a}') s"
}

# --- FDB size: ovl-vxlan with SMALL vs BIG static entries on h1 -----------
part_fdb()
{
	local c n t1 out r i v T0
	T0=$(now)
	for c in fs fb; do
		setup_case "$c"
	done
	# the h2 VM's MAC as a static entry, like a controller would install it
	for c in fs fb; do
		bridge -n h1 fdb add "02:00:00:00:$(printf %02x "${NET[$c]}"):02" dev "$c" dst 192.0.2.2 self permanent 2>/dev/null ||
			bridge -n h1 fdb replace "02:00:00:00:$(printf %02x "${NET[$c]}"):02" dev "$c" dst 192.0.2.2 self permanent
	done
	for c in fs fb; do
		n=$FDB_SMALL
		[ "$c" = fb ] && n=$FDB_BIG
		t1=$(now)
		out=$(nsx h1 "$B" fdbfill "$c" "$n" 192.0.2.2) || { echo "$out"; miss "$c" fdb_fill 0 "fdbfill failed"; continue; }
		emit "$c" fdb_fill_s 0 "$(awk -v a="$t1" -v b="$(now)" 'BEGIN{printf "%.2f", b - a}')"
		emit "$c" fdb_entries 0 "$n"
		log "$c: $out"
	done
	for ((r = 1; r <= ROUNDS; r++)); do
		for c in fs fb; do
			if v=$(m_pps "$c"); then emit "$c" pps "$r" "$v"
			else miss "$c" pps "$r" "no datagrams"; fi
		done
	done
	# ageing scan cost: 1k learned entries next to SMALL resp. BIG static
	# ones; what one scan visits (fdb_age_visited) is a count, not a time.
	# (No table dumps here: a million lines take long under TCG.)
	for c in fs fb; do
		ip -n h1 link set "$c" type ovl-vxlan ageing none
		l0=$(xstat h1 "$c" learned)
		nsx "$c-h2" "$B" macflood eth0 1000 "${NET[$c]}" >/dev/null ||
			{ miss "$c" age_visited 0 "macflood failed"; continue; }
		wait_for -t 30 bash -c "[ \$(xstat h1 $c learned) -ge $((l0 + 1000)) ]" >/dev/null ||
			{ miss "$c" age_visited 0 "not learned"; continue; }
		sleep 2		# every learned entry is older than the 1 s below
		n=$(($(xstat h1 "$c" learned) - l0))
		v0=$(xstat h1 "$c" fdb_age_visited)
		ip -n h1 link set "$c" type ovl-vxlan ageing 1
		wait_for -t 30 bash -c "[ \$(xstat h1 $c fdb_age_visited) -ge $((v0 + n)) ]" >/dev/null ||
			{ miss "$c" age_visited 0 "no ageing scan"; continue; }
		sleep 2		# a second scan, if any, is counted too
		v1=$(xstat h1 "$c" fdb_age_visited)
		emit "$c" age_dynamic 0 "$n"
		emit "$c" age_visited 0 $((v1 - v0))
		log "$c: one ageing scan visited $((v1 - v0)) entries: $n dynamic next to the static ones"
		ip -n h1 link set "$c" type ovl-vxlan ageing 300
	done
	for c in fs fb; do
		for i in 1 2; do
			ip netns del "$c-h$i"
			ip -n "h$i" link del "$c"
			ip -n "h$i" link del "br-$c"
		done
	done
	log "fdb part took $(awk -v a="$T0" -v b="$(now)" 'BEGIN{printf "%.0f", b - a}') s"
}

# --- Learning under a MAC flood: in-tree vxlan (lvx) vs ovl-vxlan (lox) ---
# The h1 VM sends FLOOD broadcast frames, each from a new source MAC; h2's
# overlay device learns them.  Rate = entries learned / flood duration.
# slabsnap FILE: bytes per slab cache; slabtop A B N: the caches that grew most
slabsnap() { awk 'NR > 2 { print $1, $3 * $4 }' /proc/slabinfo >"$1"; }
slabtop()
{
	awk -v n="$3" 'NR == FNR { a[$1] = $2; next }
		{ d = $2 - a[$1]; if (d > 0) printf "%.1f %s\n", d / n / 1024, $1 }' "$1" "$2" |
		sort -rn | head -n 6 | awk '{ printf "%s %s KiB/dev; ", $2, $1 }'
}

learned() { bridge -n h2 fdb show dev "$1" | grep -c " dst " || true; }
part_learn()
{
	local c r before after out secs n
	for c in lvx lox; do
		setup_case "$c"
	done
	for ((r = 1; r <= SROUNDS; r++)); do
		for c in lvx lox; do
			before=$(learned "$c")
			out=$(nsx "$c-h1" "$B" macflood eth0 "$FLOOD" "$r") || { miss "$c" learn "$r" "macflood failed"; continue; }
			secs=$(awk '{print $4}' <<<"$out")
			sleep 1
			after=$(learned "$c")
			n=$((after - before))
			emit "$c" learn_rate "$r" "$(awk -v n="$n" -v s="$secs" 'BEGIN{printf "%.0f", n / s}')"
			emit "$c" learn_pct "$r" "$(awk -v n="$n" -v f="$FLOOD" 'BEGIN{printf "%.1f", 100 * n / f}')"
			log "$c flood $r: $out; learned $n"
		done
	done
}

# --- 10k tenants: create/delete DEVS devices, time and memory -------------
# All devices up, in their own netns (IPv6 off there: no addrconf noise).
part_devs()
{
	local r c name s0 f0 t0 t1 s1 f1 n t2 t3
	ns_create sc
	nsx sc sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	ip -n sc link add ul type dummy
	ip -n sc addr add 192.0.2.1/24 dev ul
	ip -n sc link set ul up
	awk -v n="$DEVS" 'BEGIN { for (i = 1; i <= n; i++)
		printf "link add d%d group 7 up type vxlan id %d local 192.0.2.1 dstport 4789\n", i, i }' >/tmp/vx.add
	awk -v n="$DEVS" 'BEGIN { for (i = 1; i <= n; i++)
		printf "link add d%d group 7 up type ovl-vxlan id %d local 192.0.2.1 dstport 4790\n", i, i }' >/tmp/ox.add
	awk -v n="$DEVS" 'BEGIN { for (i = 1; i <= n; i++)
		printf "link add d%d group 7 type ovl-vxlan id %d local 192.0.2.1 dstport 4790\n", i, i }' >/tmp/oxq.add
	awk -v n="$DEVS" 'BEGIN { for (i = 1; i <= n; i++)
		printf "qdisc add dev d%d root mq\n", i }' >/tmp/oxq.tc
	for ((r = 1; r <= SROUNDS; r++)); do
		for name in $DEV_KINDS; do
			c=$name
			sync
			sleep 1
			s0=$(meminfo Slab) f0=$(meminfo MemFree)
			slabsnap /tmp/slab0
			t0=$(now)
			ip -n sc -batch "/tmp/$name.add" >/tmp/batch.out 2>&1 || { head -n 3 /tmp/batch.out; miss "$name" dev_create "$r" "ip -batch add failed"; continue; }
			if [ "$name" = oxq ]; then
				tc -n sc -batch /tmp/oxq.tc || miss "$name" dev_create "$r" "tc -batch failed"
				ip -n sc link set group 7 up
			fi
			t1=$(now)
			sleep 1
			s1=$(meminfo Slab) f1=$(meminfo MemFree)
			slabsnap /tmp/slab1
			log "$c slab growth: $(slabtop /tmp/slab0 /tmp/slab1 "$DEVS")"
			n=$(ip -n sc -o link show | grep -c ': d[0-9]*[:@]' || true)
			[ "$n" -ge "$DEVS" ] || miss "$name" dev_create "$r" "only $n devices"
			t2=$(now)
			ip -n sc link del group 7 || miss "$name" dev_delete "$r" "ip link del group failed"
			t3=$(now)
			emit "$name" dev_create_s "$r" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b - a}')"
			emit "$name" dev_delete_s "$r" "$(awk -v a="$t2" -v b="$t3" 'BEGIN{printf "%.2f", b - a}')"
			emit "$name" dev_slab_kb "$r" "$(awk -v a="$s0" -v b="$s1" -v n="$DEVS" 'BEGIN{printf "%.2f", (b - a) / n}')"
			emit "$name" dev_mem_kb "$r" "$(awk -v a="$f0" -v b="$f1" -v n="$DEVS" 'BEGIN{printf "%.2f", (a - b) / n}')"
			log "$c: $DEVS devices created in $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b - a}') s, deleted in $(awk -v a="$t2" -v b="$t3" 'BEGIN{printf "%.1f", b - a}') s"
		done
	done
}

# --- External mode at scale (issue #15): N tenants per host ---------------
# Two hosts e1/e2 (one veth as the underlay, 192.0.2.1-2) with one VM each
# (e1-vm/e2-vm) on a trunk port "vt" carrying VLANs 1..N; tenant v is VLAN
# v and VNI 10000+v.  One set-up after the other, each torn down before the
# next:
#   xoe  one ovl-vxlan external device vx0 in a VLAN-aware br0 (vlan_tunnel,
#        N VLAN<->VNI maps), N per-VNI flood entries (src_vni)
#   xod  N ovl-vxlan devices oV (id 10000+V, remote the other host), each in
#        its own bridge bV with the trunk's VLAN device vt.V (a bridge has
#        at most 1024 ports: one VLAN-aware bridge cannot take 4094)
#   xve  the in-tree vxlan external (with learning), otherwise as xoe
# Measured on e1 (e2 is built the same way, unmeasured): ext_setup_s (all
# of it: overlay, bridge, VLANs, maps; one ip -batch and one bridge -batch
# line per tenant and step), ext_ovl_setup_s (the overlay step alone: the
# device(s) and flood entries), ext_kb (Slab + Percpu of /proc/meminfo
# after minus before, per tenant), ext_ovl_kb (the overlay step's share),
# ext_mem_kb (MemFree consumed per tenant), ext_teardown_s (ip link del
# group); then ext_pps: 64-byte frames/s arriving at e2-vm while e1-vm sends
# to it round robin over all N VLANs (each VLAN's MAC learned beforehand:
# known unicast through every tenant's FDB), ext_vlans: how many distinct
# VLANs arrived.  With --ext-fdb M (xoe, xve): M static (MAC, VNI) entries
# spread over the N VNIs by bench_net fdbfill (stopped after
# --ext-fill-max s), ext_fdb_fill_s, ext_fdb_b (bytes per entry) and the
# same rate again, ext_fdb_pps.
ext_vni() { echo $((10000 + $1)); }
ext_mem() { echo "$(meminfo Slab) $(meminfo Percpu) $(meminfo MemFree)"; }
# ext_settle: until Slab stops moving (deferred frees of a teardown)
ext_settle()
{
	local a b i
	sync
	b=$(meminfo Slab)
	for ((i = 0; i < 60; i++)); do
		sleep 1
		a=$b b=$(meminfo Slab)
		[ $((a - b)) -lt 1024 ] && [ $((b - a)) -lt 1024 ] && break
	done
}
ext_dt() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
# ext_kbper "S0 P0 F0" "S1 P1 F1" N: "slab percpu memfree" KiB per unit
ext_kbper()
{
	awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { split(a, x); split(b, y)
		printf "%.2f %.2f %.2f", (y[1] - x[1]) / n, (y[2] - x[2]) / n, (x[3] - y[3]) / n }'
}

ext_hosts()
{
	local i
	ns_create e1 e2 e1-vm e2-vm
	for i in 1 2; do
		nsx "e$i" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
		nsx "e$i" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
		nsx "e$i-vm" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
		nsx "e$i-vm" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	done
	ip link add ul netns e1 type veth peer name ul netns e2 || fail "ext: underlay veth"
	for i in 1 2; do
		ip -n "e$i" addr add "192.0.2.$i/24" dev ul
		ip -n "e$i" link set ul up
		ip -n "e$i" link add vt type veth peer name eth0 netns "e$i-vm" || fail "ext: trunk veth"
		ip -n "e$i-vm" link set eth0 address "02:00:00:00:ee:0$i"
		ip -n "e$i-vm" link set eth0 up
		ip -n "e$i" link set vt up
	done
}

# ext_batches KIND I N: /tmp/ext.I.{ip1,br1,ip2,br2}, the overlay step
# (1) and the bridge step (2) of host eI as ip and bridge batch files.
ext_batches()
{
	local k=$1 i=$2 n=$3 j=$((3 - $2)) f=/tmp/ext.$2
	case $k in
	xoe | xve)
		if [ "$k" = xoe ]; then
			echo "link add vx0 group 7 type ovl-vxlan external local 192.0.2.$i dstport 4789 dev ul"
		else
			# (ip turns learning off with external: on, as ovlnet's)
			echo "link add vx0 group 7 type vxlan external learning local 192.0.2.$i dstport 4789 dev ul"
		fi >"$f.ip1"
		awk -v n="$n" -v d="192.0.2.$j" 'BEGIN { for (v = 1; v <= n; v++)
			printf "fdb append 00:00:00:00:00:00 dev vx0 dst %s self permanent src_vni %d\n", d, 10000 + v }' >"$f.br1"
		printf '%s\n' "link add br0 group 7 type bridge vlan_filtering 1 vlan_default_pvid 0" \
			"link set vx0 master br0" "link set vt master br0" \
			"link set br0 up" "link set vx0 up" >"$f.ip2"
		awk -v n="$n" 'BEGIN { print "link set dev vx0 vlan_tunnel on"
			for (v = 1; v <= n; v++) {
				printf "vlan add dev vx0 vid %d\n", v
				printf "vlan add dev vx0 vid %d tunnel_info id %d\n", v, 10000 + v
				printf "vlan add dev vt vid %d\n", v
			} }' >"$f.br2" ;;
	xod)
		awk -v n="$n" -v l="192.0.2.$i" -v d="192.0.2.$j" 'BEGIN { for (v = 1; v <= n; v++)
			printf "link add o%d group 7 type ovl-vxlan id %d local %s remote %s dstport 4789 dev ul\n", v, 10000 + v, l, d }' >"$f.ip1"
		: >"$f.br1"
		awk -v n="$n" 'BEGIN { for (v = 1; v <= n; v++) {
			printf "link add b%d group 7 type bridge\n", v
			printf "link add link vt name vt.%d group 7 type vlan id %d\n", v, v
			printf "link set o%d master b%d\n", v, v
			printf "link set vt.%d master b%d\n", v, v
			printf "link set b%d up\n", v
			printf "link set o%d up\n", v
			printf "link set vt.%d up\n", v
		} }' >"$f.ip2"
		: >"$f.br2" ;;
	*) return 1 ;;
	esac
}

# ext_run_batches I STEP: run host eI's STEP (1 or 2) batch files
ext_run_batches()
{
	local f=/tmp/ext.$1
	ip -n "e$1" -batch "$f.ip$2" >/tmp/ext.out 2>&1 || { head -n 5 /tmp/ext.out; return 1; }
	[ -s "$f.br$2" ] || return 0
	bridge -n "e$1" -batch "$f.br$2" >/tmp/ext.out 2>&1 || { head -n 5 /tmp/ext.out; return 1; }
}

# ext_rounds CASE PREFIX: ROUNDS rate rounds, as PREFIX_pps and
# PREFIX_vlans
ext_rounds()
{
	local r out pps vl

	for ((r = 1; r <= ROUNDS; r++)); do
		if out=$(ext_rate); then
			read -r pps vl <<<"$out"
			emit "$1" "$2_pps" "$r" "$pps"
			emit "$1" "$2_vlans" "$r" "$vl"
		else
			miss "$1" "$2_pps" "$r" "no frames"
		fi
	done
}

# ext_rate: "frames/s vlans" arriving at e2-vm, e1-vm sending over all VLANs
ext_rate()
{
	local spid
	rm -f /tmp/ext.sink
	nsx e2-vm "$B" vlansink eth0 $((DUR + 10)) >/tmp/ext.sink 2>&1 &
	spid=$!
	wait_for -t 5 grep -q ready /tmp/ext.sink >/dev/null 2>&1 || true
	nsx e1-vm "$B" vlansend eth0 02:00:00:00:ee:02 "$EXT_N" "$DUR" >/tmp/ext.send 2>&1 || true
	wait $spid || true
	log "ext: $(cat /tmp/ext.send); received: $(grep pkts /tmp/ext.sink || true)" >&2
	awk '$1 == "pkts" && $2 > 1 { print $6, $8; ok = 1 } END { exit !ok }' /tmp/ext.sink
}

# ext_learned: e1's overlay FDB entries for e2-vm's MAC (one per tenant)
ext_learned()
{
	bridge -n e1 fdb show 2>/dev/null | awk '$1 == "02:00:00:00:ee:02" && / dst 192[.]0[.]2[.]2/ { n++ } END { print n + 0 }'
}

part_ext()
{
	local c n=$EXT_N r v pps vl m0 m1 m2 t0 t1 t2 s p f out added secs T0 i
	T0=$(now)
	[ "$n" -ge 1 ] && [ "$n" -le 4094 ] || { miss ext setup 0 "--ext-tenants must be 1..4094"; return 0; }
	ext_hosts
	for c in $EXT_KINDS; do
		ext_settle
		for i in 1 2; do
			ext_batches "$c" "$i" "$n" || { miss "$c" ext_setup 0 "unknown kind"; continue 2; }
		done
		m0=$(ext_mem) t0=$(now)
		ext_run_batches 1 1 || { miss "$c" ext_setup 0 "e1: overlay step failed"; ip -n e1 link del group 7 || true; continue; }
		t1=$(now)
		m1=$(ext_mem)
		ext_run_batches 1 2 || { miss "$c" ext_setup 0 "e1: bridge step failed"; ip -n e1 link del group 7 || true; continue; }
		t2=$(now)
		sleep 1
		m2=$(ext_mem)
		emit "$c" ext_tenants 0 "$n"
		emit "$c" ext_setup_s 0 "$(ext_dt "$t0" "$t2")"
		emit "$c" ext_ovl_setup_s 0 "$(ext_dt "$t0" "$t1")"
		read -r s p f <<<"$(ext_kbper "$m0" "$m2" "$n")"
		emit "$c" ext_slab_kb 0 "$s"
		emit "$c" ext_percpu_kb 0 "$p"
		emit "$c" ext_kb 0 "$(awk -v s="$s" -v p="$p" 'BEGIN { printf "%.2f", s + p }')"
		emit "$c" ext_mem_kb 0 "$f"
		read -r s p f <<<"$(ext_kbper "$m0" "$m1" "$n")"
		emit "$c" ext_ovl_kb 0 "$(awk -v s="$s" -v p="$p" 'BEGIN { printf "%.2f", s + p }')"
		log "$c: $n tenants on e1 in $(ext_dt "$t0" "$t2") s (overlay step $(ext_dt "$t0" "$t1") s), $(ip -n e1 -o link show | grep -c .) devices; slab/percpu/memfree KiB before $m0, after the overlay step $m1, after all $m2"
		ext_run_batches 2 1 && ext_run_batches 2 2 || { miss "$c" ext_setup 0 "e2 failed"; ip -n e1 link del group 7 || true; ip -n e2 link del group 7 || true; continue; }
		# every VLAN's MAC learned (bridge and overlay), twice in case
		# a frame was dropped
		for v in 1 2; do
			nsx e2-vm "$B" vlansend eth0 ff:ff:ff:ff:ff:ff "$n" 0 "$n" >/dev/null || true
			nsx e1-vm "$B" vlansend eth0 ff:ff:ff:ff:ff:ff "$n" 0 "$n" >/dev/null || true
			sleep 1
		done
		v=$(ext_learned)
		emit "$c" ext_learned 0 "$v"
		[ "$v" -ge "$n" ] || log "$c: e1 learned e2-vm's MAC in only $v of $n tenants"
		ext_rounds "$c" ext
		if [ "$EXT_FDB" -gt 0 ] && [ "$c" != xod ]; then
			ext_settle
			m0=$(ext_mem)
			if out=$(nsx e1 "$B" fdbfill vx0 "$EXT_FDB" 192.0.2.2 "$n" 10001 "$EXT_FILL_MAX" 2>&1); then
				m1=$(ext_mem)
				added=$(awk '$1 == "added" { print $2 }' <<<"$out")
				secs=$(awk '$1 == "added" { print $4 }' <<<"$out")
				log "$c: fdbfill: $out"
				emit "$c" ext_fdb_entries 0 "$added"
				emit "$c" ext_fdb_fill_s 0 "$secs"
				emit "$c" ext_fdb_b 0 "$(awk -v a="$m0" -v b="$m1" -v n="$added" 'BEGIN { split(a, x); split(b, y)
					printf "%.0f", (y[1] - x[1] + y[2] - x[2]) * 1024 / n }')"
				ext_rounds "$c" ext_fdb
			else
				echo "$out" | tail -n 3
				miss "$c" ext_fdb 0 "fdbfill failed"
			fi
		fi
		t0=$(now)
		ip -n e1 link del group 7 || miss "$c" ext_teardown 0 "ip link del group failed"
		emit "$c" ext_teardown_s 0 "$(ext_dt "$t0" "$(now)")"
		ip -n e2 link del group 7 || true
		log "$c: done, $(awk -v a="$T0" -v b="$(now)" 'BEGIN{printf "%.0f", b - a}') s into the ext part"
	done
	for i in e1 e2 e1-vm e2-vm; do ip netns del "$i" || true; done
	log "ext part took $(awk -v a="$T0" -v b="$(now)" 'BEGIN{printf "%.0f", b - a}') s"
}

# --- Profile: kernel functions executed per ping round trip ---------------
# The function_graph tracer, limited to what runs under __dev_queue_xmit
# and net_rx_action (i.e. the packet path: VM stack's transmit, bridge,
# encap, underlay, decap, bridge, VM, and back), counts the kernel
# functions called while each case's h1 VM pings its peer PINGS times.
# Calls per round trip compare the paths; /tmp/prof.CASE.ROUND keeps the
# calls by function, and the functions whose counts differ most between two
# cases are printed as "PROFILE,a-vs-b,function,calls per round trip".
part_profile()
{
	local T=/sys/kernel/tracing c r n w pings=10 a b
	[ -e $T/trace ] || mount -t tracefs tracefs $T 2>/dev/null || true
	[ -e $T/trace ] || T=/sys/kernel/debug/tracing
	[ -e $T/trace ] || { miss profile trace 0 "no tracefs"; return 0; }
	for c in $CASES_ALL; do
		[ -e "/run/netns/$c-h1" ] || setup_case "$c"
	done
	echo 0 >$T/tracing_on
	echo 16384 >$T/buffer_size_kb
	printf '%s\n' __dev_queue_xmit net_rx_action >$T/set_graph_function
	echo function_graph >$T/current_tracer
	echo 0 >$T/options/funcgraph-irqs 2>/dev/null || true
	for ((r = 1; r <= PROF_REPS; r++)); do
		for c in $CASES_V4; do
			nsx "$c-h1" ping -c 2 -i 0.2 -W 1 "$(vm_ip "$c" 2)" >/dev/null || true
			echo >$T/trace
			echo 1 >$T/tracing_on
			nsx "$c-h1" ping -c $pings -i 0.05 -W 1 "$(vm_ip "$c" 2)" >/dev/null ||
				miss "$c" profile "$r" "ping failed"
			echo 0 >$T/tracing_on
			w=$(awk '/entries-in-buffer/ { split($NF, a, "/"); print (a[1] == a[2]) ? "ok" : "overrun"; exit }' $T/trace)
			grep -o '[A-Za-z0-9_.]*() [{;]' $T/trace | sed 's/() .*//' | sort | uniq -c |
				awk -v p=$pings '{ printf "%s %.1f\n", $2, $1 / p }' >/tmp/prof.$c.$r
			n=$(awk '{ s += $2 } END { printf "%.0f", s }' /tmp/prof.$c.$r)
			[ "$w" != overrun ] || log "$c: trace buffer overrun, count is a lower bound"
			emit "$c" fn_per_ping "$r" "$n"
		done
	done
	echo nop >$T/current_tracer
	echo >$T/set_graph_function
	echo 1408 >$T/buffer_size_kb
	for ab in ox4:vx4 og4:gt4 on4:gt4 oq4:vx4 gq4:gt4 oq4:ox4 gq4:og4 ox4:raw; do
		a=${ab%:*} b=${ab#*:}
		[ -e "/tmp/prof.$a.1" ] && [ -e "/tmp/prof.$b.1" ] || continue
		awk -v tag="$a-vs-$b" 'NR == FNR { x[$1] = $2; next } { y[$1] = $2 }
			END { for (f in x) d[f] = x[f] - y[f]; for (f in y) if (!(f in x)) d[f] = -y[f];
			      for (f in d) if (d[f] >= 1 || d[f] <= -1) printf "PROFILE,%s,%s,%+.1f\n", tag, f, d[f] }' \
			"/tmp/prof.$a.1" "/tmp/prof.$b.1" | sort -t, -k4 -g | awk '{ l[NR] = $0 }
			END { for (i = 1; i <= NR; i++) if (i <= 12 || i > NR - 25) print l[i] }'
	done
}

# --- ovlnet-agent at scale: H simulated hosts x T tenants through etcd ----
# Each simulated host is a namespace aI with one veth "ul" (10.99.I/16) on
# its own switch "asw" (the traffic cases' h1/h2 are elsewhere), T
# ovl-vxlan devices x1..xT (VNI 1001..1000+T, local = its address, left
# down: the agent manages a device whatever its state, and no tenant
# frame is sent) and one ovlnet-agent (--ttl AG_TTL); one etcd member
# (ns ae, 10.99.255.254, the ovl_agent tests' settings).  For each HxT in
# --agent-runs: a fresh etcd (empty data directory, counters at zero),
# the devices of a1..aH created again (empty flood lists, no state
# files), then all H agents started at once; measured:
#   ag_conv_s      until every flood list of every host is complete
#                  (T x (H - 1) flood entries per host; p50 and first too)
#   ag_leave_s     one host's agent killed (SIGKILL): until every other
#                  host dropped it (lease TTL + etcd's lease check + watch)
#   etcd_*         etcd's own counters (/metrics) from before the first
#                  agent to convergence: keys, revisions, puts, ranges,
#                  watch events sent, RPCs by method, bytes, db size, CPU
#   etcd_idle_*    the same over AG_IDLE s after convergence (keepalives)
#   ag_cpu_s, ag_rss_kb  the agents' CPU time (sum) and memory (mean)
# Times are guest time (the instruction clock under make bench); they are
# reported, never judged.
AG_ETCD=10.99.255.254
ag_addr() { echo "10.99.$(($1 / 256)).$(($1 % 256))"; }
ag_flood_count() # host: flood entries over all its devices
{
	bridge -n "a$1" fdb show 2>/dev/null |
		awk '$1 == "00:00:00:00:00:00" && / self/ { n++ } END { print n + 0 }'
}
# ag_tod: the guest's time of day in seconds (the agents' log stamps)
ag_tod() { date +%H:%M:%S.%N | awk -F: '{ printf "%.3f", $1 * 3600 + $2 * 60 + $3 }'; }
# ag_wait PATTERN N T0 LIMIT HOST...: until the log of every HOST has N
# lines with PATTERN (": flood list + ", ": flood list - ADDR") logged
# since T0 (ag_tod seconds), reading the logs once a
# second (one awk; the agents' own work is not slowed by netlink dumps).
# Prints, sorted, each host's time of its last such line minus T0 (ag_tod
# seconds); the hosts still short when LIMIT s passed are left in AG_LATE.
ag_wait()
{
	local pat=$1 want=$2 t0=$3 end=$(($(date +%s) + $4)) i
	local -a files
	shift 4
	AG_LATE=("$@")
	: >/tmp/ag-done
	while [ ${#AG_LATE[@]} -gt 0 ] && [ "$(date +%s)" -lt "$end" ]; do
		sleep 1
		files=()
		for i in "${AG_LATE[@]}"; do files+=("/tmp/agent-a$i.log"); done
		awk -v pat="$pat" -v want="$want" -v t0="$t0" '
			index($0, pat) {
				# only lines logged since T0
				split($1, t, ":")
				d = t[1] * 3600 + t[2] * 60 + t[3] - t0
				if (d < -43200) d += 86400	# midnight
				if (d < 0) next
				n[FILENAME]++
				last[FILENAME] = d
			}
			END {
				for (f in n) if (n[f] >= want) {
					d = last[f]
					h = f
					gsub(/.*agent-a|[.]log$/, "", h)
					printf "%s %.2f\n", h, d
				}
			}' "${files[@]}" >>/tmp/ag-done
		mapfile -t AG_LATE < <(for i in "${AG_LATE[@]}"; do
			grep -q "^$i " /tmp/ag-done || echo "$i"; done)
	done
	awk '{ print $2 }' /tmp/ag-done | sort -g
}
ag_metrics() # file: selected etcd counters, "name value"
{
	local i
	for ((i = 0; i < 5; i++)); do
		nsx ae curl -s -m 30 "http://$AG_ETCD:2379/metrics" >/tmp/ag-metrics.txt && break
		log "agent: etcd /metrics: curl exit $?; etcd $(kill -0 "$AG_ETCD_PID" 2>/dev/null && echo alive || echo gone)"
		tail -n 5 /tmp/etcd-ae.log
		nsx ae ss -tlnp
		sleep 2
	done
	awk '
		/^#/ { next }
		/^grpc_server_started_total\{/ {
			if (match($0, /grpc_method="[^"]*"/))
				s["rpc_" substr($0, RSTART + 13, RLENGTH - 14)] += $NF
			next
		}
		{
			n = $1; sub(/\{.*/, "", n)
			if (n ~ /^(etcd_mvcc_(put|range|txn|delete)_total|etcd_debugging_mvcc_(events_total|keys_total|watcher_total|watch_stream_total|total_put_size_in_bytes)|etcd_mvcc_db_total_size_in_bytes|etcd_debugging_lease_(granted|renewed)_total|etcd_network_client_grpc_(sent|received)_bytes_total|etcd_server_proposals_committed_total|process_cpu_seconds_total|process_resident_memory_bytes)$/)
				s[n] += $NF
		}
		END { for (k in s) printf "%s %.3f\n", k, s[k] }' /tmp/ag-metrics.txt >"$1"
}
ag_etcd_start()
{
	# (ip netns exec execs env, env execs etcd: $! is etcd itself)
	ip netns exec ae env GOMAXPROCS=1 etcd --name ae --data-dir /tmp/etcd-ae \
		--listen-client-urls "http://$AG_ETCD:2379" \
		--advertise-client-urls "http://$AG_ETCD:2379" \
		--listen-peer-urls "http://$AG_ETCD:2380" \
		--initial-advertise-peer-urls "http://$AG_ETCD:2380" \
		--initial-cluster "ae=http://$AG_ETCD:2380" \
		--heartbeat-interval 1000 --election-timeout 10000 \
		--snapshot-count 5000 --log-level error >>/tmp/etcd-ae.log 2>&1 &
	AG_ETCD_PID=$!
	# etcd runs on machines of its own in a real network; here it shares
	# the one vCPU with every simulated host.  At nice -19 it answers
	# before the agents' work (nice 10, below): at nice 0 against 100
	# agents it got too little CPU, requests timed out and every agent
	# resynced again and again (Documentation/performance.md)
	renice -n -19 -p "$AG_ETCD_PID" >/dev/null || true
	wait_for -t 240 bash -c "ip netns exec ae curl -s -m 10 http://$AG_ETCD:2379/health | grep -q '\"health\":\"true\"'" >/dev/null
}
ag_etcd_stop()
{
	kill -9 "$AG_ETCD_PID" 2>/dev/null || true
	wait "$AG_ETCD_PID" 2>/dev/null || true
	rm -rf /tmp/etcd-ae
}
part_agent()
{
	local H T run maxh=0 i t c want t0 t0s n pids ok a b m
	local -a done_at
	command -v etcd >/dev/null && command -v ovlnet-agent >/dev/null &&
		command -v curl >/dev/null || { miss agent setup 0 "etcd, curl or ovlnet-agent missing in the guest"; return 0; }
	for run in $AG_RUNS; do [ "${run%x*}" -gt "$maxh" ] && maxh=${run%x*}; done
	T0=$(now)
	ns_create asw ae
	ip -n asw link add asw type bridge
	ip -n asw link set asw up
	{
		for ((i = 1; i <= maxh; i++)); do
			echo "netns add a$i"
			echo "link add ul netns a$i type veth peer name p$i netns asw"
		done
		echo "link add ul netns ae type veth peer name pe netns asw"
	} >/tmp/ag-root.batch
	ip -batch /tmp/ag-root.batch || { miss agent setup 0 "ip -batch: hosts"; return 0; }
	for ((i = 1; i <= maxh; i++)); do LIB_NETNS+=("a$i"); done
	{
		for ((i = 1; i <= maxh; i++)); do
			echo "link set p$i master asw"
			echo "link set p$i up"
		done
		echo "link set pe master asw"
		echo "link set pe up"
	} >/tmp/ag-sw.batch
	ip -n asw -batch /tmp/ag-sw.batch || { miss agent setup 0 "ip -batch: switch"; return 0; }
	ip -n ae addr add "$AG_ETCD/16" dev ul
	ip -n ae link set ul up
	for ((i = 1; i <= maxh; i++)); do
		printf 'link set lo up\naddr add %s/16 dev ul\nlink set ul up\n' "$(ag_addr $i)" |
			ip -n "a$i" -batch - || { miss agent setup 0 "host a$i"; return 0; }
	done
	log "agent: $maxh hosts on switch asw in $(awk -v a="$T0" -v b="$(now)" 'BEGIN{printf "%.0f", b - a}') s"

	for run in $AG_RUNS; do
		H=${run%x*} T=${run#*x}
		c=ag$run
		[ "$H" -ge 3 ] && [ "$T" -ge 1 ] || { miss "$c" setup 0 "bad --agent-runs entry"; continue; }
		want=$((T * (H - 1)))
		rm -rf /run/ovlnet-agent /tmp/agent-a*.log
		t0=$(now)
		for ((i = 1; i <= H; i++)); do
			{
				ip -n "a$i" -o link show type ovl-vxlan | awk -F': ' '{ sub(/@.*/, "", $2); print "link del " $2 }'
				for ((t = 1; t <= T; t++)); do
					echo "link add x$t type ovl-vxlan id $((1000 + t)) local $(ag_addr $i) dev ul"
				done
			} | ip -n "a$i" -force -batch - 2>/dev/null || true
		done
		n=$(for ((i = 1; i <= H; i++)); do ip -n "a$i" -o link show type ovl-vxlan; done | grep -c . || true)
		[ "$n" -eq $((H * T)) ] || { miss "$c" setup 0 "$n of $((H * T)) devices"; continue; }
		log "agent: $H hosts x $T tenants: $n devices in $(awk -v a="$t0" -v b="$(now)" 'BEGIN{printf "%.0f", b - a}') s"
		ag_etcd_start || { miss "$c" etcd 0 "etcd not healthy"; tail -n 20 /tmp/etcd-ae.log; ag_etcd_stop; continue; }
		ag_metrics /tmp/ag-m0
		pids=()
		t0=$(now) t0s=$(ag_tod)
		for ((i = 1; i <= H; i++)); do
			# nice 10, etcd -19 (see ag_etcd_start).  (busybox has
			# renice, not nice; the subshell execs ip, ip execs the
			# agent: $! is the agent itself)
			(
				renice -n 10 -p "$BASHPID" >/dev/null
				exec ip netns exec "a$i" ovlnet-agent --endpoints "http://$AG_ETCD:2379" \
					--name "a$i" --timeout 30000 --ttl "$AG_TTL"
			) >>"/tmp/agent-a$i.log" 2>&1 &
			pids[i]=$!
		done
		log "agent: $H agents started in $(awk -v a="$t0" -v b="$(now)" 'BEGIN{printf "%.1f", b - a}') s"
		ag_wait ": flood list + " "$want" "$t0s" $((600 + 10 * H)) $(seq 1 "$H") >/tmp/ag-times
		mapfile -t done_at </tmp/ag-times
		if [ ${#AG_LATE[@]} -gt 0 ]; then
			i=${AG_LATE[0]}
			miss "$c" ag_conv 0 "${#AG_LATE[@]} host(s) incomplete, e.g. a$i: $(ag_flood_count "$i") of $want"
			tail -n 15 "/tmp/agent-a$i.log"
		else
			read -r a b m <<<"$(printf '%s\n' "${done_at[@]}" |
				awk '{ v[NR] = $1 } END { print v[1], v[int((NR + 1) / 2)], v[NR] }')"
			emit "$c" ag_conv_s 1 "$m"
			emit "$c" ag_conv_p50_s 1 "$b"
			emit "$c" ag_conv_first_s 1 "$a"
			log "agent: $H hosts x $T tenants: every flood list complete after $m s (first host $a s, half of them $b s; from the agents' logs)"
		fi
		# what the logs said, checked in the kernel: every host's count,
		# every device of the first and the last host exactly the others
		n=0
		for ((i = 1; i <= H; i++)); do
			m=$(ag_flood_count "$i")
			n=$((n + m))
			[ "$m" -eq "$want" ] || miss "$c" ag_check 0 "a$i: $m flood entries, not $want"
		done
		ag_metrics /tmp/ag-m1
		# every device of the first and the last host: exactly the others
		for i in 1 "$H"; do
			ok=$(bridge -n "a$i" fdb show | awk -v me="$(ag_addr $i)" -v h="$H" -v t="$T" '
				$1 == "00:00:00:00:00:00" && / self/ {
					for (k = 1; k < NF; k++) {
						if ($k == "dev") d = $(k + 1)
						if ($k == "dst") a = $(k + 1)
					}
					if (a == me || seen[d " " a]++) bad++
					n[d]++
				}
				END { for (d in n) { if (n[d] == h - 1) good++ } print (good == t && !bad) ? "ok" : "bad" }')
			[ "$ok" = ok ] || miss "$c" ag_check 0 "a$i: flood lists not exactly the other hosts"
		done
		emit "$c" ag_hosts 1 "$H"
		emit "$c" ag_tenants 1 "$T"
		emit "$c" ag_devices 1 $((H * T))
		emit "$c" ag_flood_entries 1 "$n"
		emit "$c" ag_by_hand_entries 1 $((T * H * (H - 1)))
		awk 'NR == FNR { a[$1] = $2; next } { printf "%s %.3f\n", $1, $2 - a[$1] }' \
			/tmp/ag-m0 /tmp/ag-m1 | sort >/tmp/ag-md
		while read -r k v; do
			case $k in
			# gauges: the value at convergence, not a difference
			etcd_debugging_mvcc_keys_total | etcd_debugging_mvcc_watcher_total | \
			etcd_debugging_mvcc_watch_stream_total | etcd_mvcc_db_total_size_in_bytes | \
			process_resident_memory_bytes)
				v=$(awk -v k="$k" '$1 == k { print $2 }' /tmp/ag-m1) ;;
			esac
			# (RPC methods nobody called are left out)
			[[ $k != rpc_* ]] || [ "$v" != 0.000 ] || continue
			emit "$c" "etcd.$k" 1 "$v"
		done </tmp/ag-md
		emit "$c" etcd_rev 1 "$(nsx ae curl -s -m 30 -X POST "http://$AG_ETCD:2379/v3/kv/range" -d '{"key":"AA=="}' |
			grep -o '"revision":"[0-9]*"' | sed -n 1p | grep -o '[0-9]*')"
		# the agents' CPU time (utime + stime) and memory
		read -r a b <<<"$(for ((i = 1; i <= H; i++)); do
			awk '{ print $14 + $15 }' "/proc/${pids[i]}/stat" 2>/dev/null
			done | awk -v hz=100 '{ s += $1 } END { printf "%.2f %.2f", s / hz, s / hz / NR }')"
		emit "$c" ag_cpu_s 1 "$a"
		emit "$c" ag_cpu_per_agent_s 1 "$b"
		# trouble the agents logged: leases lapsed, etcd slow or away
		emit "$c" ag_log_trouble 1 "$(cat /tmp/agent-a*.log | grep -cE 'expired|unreachable|keeping the current|timed out|resync' || true)"
		# what the agents said, by kind (numbers and names blanked)
		cat /tmp/agent-a*.log | cut -d' ' -f3- |
			sed -E 's/[0-9a-f]{8,}/L/g; s/[0-9]+(\.[0-9]+)?/N/g; s/x[N]+:/xN:/' |
			sort | uniq -c | sort -rn | sed -n '1,25p' | sed 's/^/  agent log: /' || true
		emit "$c" ag_rss_kb 1 "$(for ((i = 1; i <= H; i++)); do
			awk '$1 == "VmRSS:" { print $2 }' "/proc/${pids[i]}/status" 2>/dev/null
			done | awk '{ s += $1 } END { printf "%.0f", s / NR }')"
		log "agent: etcd at convergence: $(grep -v ' 0.000$' /tmp/ag-md | tr '\n' ' ')"
		# at rest: AG_IDLE s of keepalives (and nothing else, ideally),
		# from a fresh snapshot (the checks above took their time)
		ag_metrics /tmp/ag-m1
		t0=$(now)
		sleep "$AG_IDLE"
		ag_metrics /tmp/ag-m2
		awk -v w="$(awk -v a="$t0" -v b="$(now)" 'BEGIN { print b - a }')" 'NR == FNR { a[$1] = $2; next }
			$1 ~ /^rpc_/ { r += $2 - a[$1] }
			$1 == "etcd_debugging_mvcc_events_total" { e = $2 - a[$1] }
			$1 == "etcd_debugging_lease_renewed_total" { k = $2 - a[$1] }
			$1 == "process_cpu_seconds_total" { c = $2 - a[$1] }
			END { printf "%.2f %.2f %.2f %.1f\n", r / w, k / w, e / w, 100 * c / w }' \
			/tmp/ag-m1 /tmp/ag-m2 >/tmp/ag-idle
		read -r a b t m </tmp/ag-idle
		emit "$c" etcd_idle_rpc_per_s 1 "$a"
		emit "$c" etcd_idle_renew_per_s 1 "$b"
		emit "$c" etcd_idle_events_per_s 1 "$t"
		emit "$c" etcd_idle_cpu_pct 1 "$m"
		log "agent: at rest over ${AG_IDLE} s: $a RPCs/s, $b lease renewals/s, $t watch events/s, etcd CPU $m %"
		# one host dies
		t0s=$(ag_tod)
		kill -9 "${pids[H]}" 2>/dev/null
		wait "${pids[H]}" 2>/dev/null || true
		ag_wait ": flood list - $(ag_addr "$H")" "$T" "$t0s" $((300 + 5 * H)) $(seq 1 $((H - 1))) >/tmp/ag-times
		mapfile -t done_at </tmp/ag-times
		if [ ${#AG_LATE[@]} -gt 0 ]; then
			miss "$c" ag_leave 0 "${#AG_LATE[@]} host(s) still list a$H"
			i=${AG_LATE[0]}
			log "a$i: $(ag_flood_count "$i") flood entries; etcd keys: $(nsx ae curl -s -m 30 -X POST \
				"http://$AG_ETCD:2379/v3/kv/range" -d '{"key":"AA==","range_end":"AA==","count_only":true}')"
			tail -n 20 "/tmp/agent-a$i.log" "/tmp/agent-a$H.log" /tmp/etcd-ae.log
		else
			m=${done_at[${#done_at[@]} - 1]}
			emit "$c" ag_leave_s 1 "$m"
			log "agent: a$H killed: gone from all $((H - 1)) other hosts after $m s (lease TTL $(grep -o 'ttl [0-9]* s' /tmp/agent-a1.log | sed -n 1p))"
			for ((i = 1; i < H; i++)); do
				m=$(ag_flood_count "$i")
				[ "$m" -eq $((T * (H - 2))) ] || miss "$c" ag_check 0 "a$i after the leave: $m flood entries, not $((T * (H - 2)))"
			done
		fi
		for ((i = 1; i < H; i++)); do
			kill "${pids[i]}" 2>/dev/null || true
		done
		for ((i = 1; i < H; i++)); do
			wait "${pids[i]}" 2>/dev/null || true
		done
		ag_etcd_stop
	done
	log "agent part took $(awk -v a="$T0" -v b="$(now)" 'BEGIN{printf "%.0f", b - a}') s"
}

TB=$(now)
for part in $PARTS; do
	part_"$part"
done

log "bench done in $(awk -v a="$TB" -v b="$(now)" 'BEGIN{printf "%.0f", b - a}') s after setup, $ERRORS missing measurement(s)"
echo "BENCH-DONE,$ERRORS"
[ "$ERRORS" -eq 0 ]
