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
# (--parts profile: kernel functions per ping round trip, see part_profile)
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

TB=$(now)
for part in $PARTS; do
	part_"$part"
done

log "bench done in $(awk -v a="$TB" -v b="$(now)" 'BEGIN{printf "%.0f", b - a}') s after setup, $ERRORS missing measurement(s)"
echo "BENCH-DONE,$ERRORS"
[ "$ERRORS" -eq 0 ]
