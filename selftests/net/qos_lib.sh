#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Rate measurement helpers for the ovlnet QoS selftests (source after
# lib.sh and topo.sh).
#
# Rates are measured at the receiver by iperf3 in UDP mode with 1400-byte
# datagrams (inner frame 1442 bytes: fits the 1450-byte tenant MTU), over
# QOS_T seconds after a 1 s omitted warm-up that absorbs the HTB bucket
# burst and the start-up of concurrent flows.  UDP at a fixed offered rate
# above the class rate keeps every class backlogged, so what arrives is
# what the shaper let through, independent of TCP's reaction to TCG
# scheduling hiccups.  The sender's datagrams stay charged to its socket
# while they wait in the ovl device's qdisc (veth keeps the socket
# reference), so with the default 208 KB send buffer a deep leaf (sfq's
# 127 packets) blocks the sender instead of dropping; a sender woken late
# on a busy TCG guest then leaves its class idle.  A 2 MB send buffer
# (qos_setup raises wmem_max) keeps the sender free running: the leaf
# drops the excess, as with a VM's real tap.
#
#   QOS_T                   measured seconds (default 3)
#   udp_start OUT VM DST PORT OFFER [SRC]
#                           start one iperf3 UDP client in the background;
#                           its output goes to OUT.log; pid in QOS_PIDS
#   udp_wait                wait for every started client (not under
#                           check: that runs it in a subshell)
#   tcp_start OUT VM DST PORT SECONDS
#                           one TCP iperf3 client flat out, in the
#                           background like udp_start
#   udp_rate OUT            receiver rate of that run in kbit/s (payload)
#   udp_run OUT VM DST PORT OFFER [SRC]
#                           udp_start + udp_wait, echoes the rate
#   goodput KBIT WIRE       UDP payload rate (kbit/s) when a shaper lets
#                           KBIT kbit/s through and counts WIRE bytes for
#                           each 1400-byte datagram
#   htb_burst RATE CEIL     "burst B cburst C" for an HTB class, in Mbit/s:
#                           QOS_BURST_MS (default 50) ms at each rate
#   in_band WHAT MEAS EXP PCT
#                           fail unless MEAS is within +-PCT % of EXP
#   class_bytes NS DEV CLASSID / class_pkts / class_drops
#                           counters from tc -s class show
#   qos_setup               once, in the init netns: allow the send buffer
QOS_T=${QOS_T:-3}
QOS_LEN=1400
QOS_PIDS=()

qos_setup()
{
	# global (init netns) limits; iperf3 -w sets both buffers, both ends
	sysctl -qw net.core.wmem_max=4194304
	sysctl -qw net.core.rmem_max=4194304
}

udp_start()
{
	local out=$1 vm=$2 dst=$3 port=$4 offer=$5 src=${6:-}
	local bind=()

	[ -n "$src" ] && bind=(-B "$src")
	ip netns exec "$vm" iperf3 -c "$dst" -p "$port" "${bind[@]}" -u \
		-b "$offer" -l "$QOS_LEN" -w 2M -t "$QOS_T" -O 1 -f k \
		>"$out.log" 2>&1 &
	QOS_PIDS+=($!)
}

tcp_start()
{
	ip netns exec "$2" iperf3 -c "$3" -p "$4" -t "$5" -O 1 -f k \
		>"$1.log" 2>&1 &
	QOS_PIDS+=($!)
}

udp_wait()
{
	local p rc=0
	for p in "${QOS_PIDS[@]}"; do
		wait "$p" || rc=1
	done
	[ $rc = 0 ] || tail -n 5 /tmp/*.log >&2
	QOS_PIDS=()
	return $rc
}

udp_rate()
{
	awk '/receiver/ {
		for (i = 2; i <= NF; i++)
			if ($i == "Kbits/sec")
				r = $(i - 1)
	     }
	     END { if (r == "") exit 1; printf "%d\n", r }' "$1.log" || {
		cat "$1.log"
		fail "no iperf3 receiver rate in $1.log"
	} >&2
}

udp_run()
{
	udp_start "$@"
	udp_wait || {
		cat "$1.log"
		fail "iperf3 client $*"
	} >&2
	udp_rate "$1"
}

goodput()
{
	echo $(($1 * QOS_LEN / $2))
}

# Buckets of the same duration for every class: a TCG guest on a busy host
# stalls the sender and the qdisc watchdog for tens of ms; each class can
# then catch up its share of the pause, whatever its rate (a fixed-size
# burst favours the slow classes: 15 KB is 120 ms at 1 Mbit/s, 20 ms at 6).
htb_burst()
{
	local ms=${QOS_BURST_MS:-50}
	echo "burst $(($1 * 125 * ms)) cburst $(($2 * 125 * ms))"
}

in_band()
{
	local what=$1 meas=$2 exp=$3 pct=$4
	local lo=$((exp * (100 - pct) / 100)) hi=$((exp * (100 + pct) / 100))

	if [ "$meas" -lt "$lo" ] || [ "$meas" -gt "$hi" ]; then
		fail "$what: measured $meas kbit/s, expected $exp +-$pct% ($lo..$hi)"
	fi
	log "ok: $what: $meas kbit/s (expected $exp +-$pct%)"
}

# class_stat NS DEV CLASSID FIELD: FIELD = bytes, pkts or dropped
class_stat()
{
	ip netns exec "$1" tc -s class show dev "$2" classid "$3" |
		awk -v f="$4" '$1 == "Sent" {
			if (f == "bytes") print $2
			if (f == "pkts") print $4
			if (f == "dropped") { d = $7; sub(",", "", d); print d }
		}'
}
class_bytes() { class_stat "$1" "$2" "$3" bytes; }
class_pkts() { class_stat "$1" "$2" "$3" pkts; }
class_drops() { class_stat "$1" "$2" "$3" dropped; }

# class_drained NS DEV CLASSID...: wait (up to 5 s) until nothing is queued
# in these classes, so the next counter snapshot is not fed by a backlog.
class_drained()
{
	local ns=$1 dev=$2 c
	shift 2
	for c in "$@"; do
		wait_for -t 5 bash -c "ip netns exec $ns tc -s class show dev $dev classid $c | grep -q 'backlog 0b 0p'" ||
			fail "$ns $dev $c: backlog did not drain"
	done
}
