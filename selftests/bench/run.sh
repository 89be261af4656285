#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench [QUICK=1]: ovlnet against the in-tree vxlan/gretap drivers and
# raw veth, and (full run only) ovlnet-agent with etcd at 25-100 simulated
# hosts (guest.sh --parts agent), one guest run per target kernel
# (selftests/bench/guest.sh does the measuring, interleaved round by
# round), then a table with medians, min-max and ratios, CSV files and
# gnuplot PNGs (selftests/bench/report.py).
#
#   selftests/bench/run.sh [--quick] [--kver KVER]... [--publish]
#                          [--icount SHIFT|off]
#
#   --quick    one short round, small scale (the `make check` smoke run):
#              fails only when a case produced no number or the guest
#              broke (splat, hang), never on the numbers themselves
#   --kver K   only kernel K (repeatable; default: tools/kvers.sh targets)
#   --publish  also copy the CSV files and plots into Documentation/perf/
#              (the default for a full run, never for --quick)
#   --no-publish  not even for a full run (a partial one, e.g. with
#              OVLNET_BENCH_ARGS="... --parts fdb")
#   --icount S the guests' clock (default 3: qemu -icount shift=3,sleep=off,
#              guest time counts guest instructions, 8 ns each, so a rate is
#              work per packet whatever the host's load; "off" for the
#              host's wall clock; OVLNET_BENCH_ICOUNT sets the default)
#
# The kernels' guests run at once (one host core each); under the
# instruction clock they cannot disturb each other's numbers.
#
# Output: $CACHE/bench/{quick,full}/: raw.csv (kver,case,metric,round,value),
# summary.csv, profile.csv (functions whose calls differ per ping round trip),
# table.txt, *.png, and each kernel's console log.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${CACHE:-${OVLNET_CACHE:-$HOME/.cache/ovlnet}}
export CACHE

QUICK=0
PUBLISH=
KVERS=()
ICOUNT=${OVLNET_BENCH_ICOUNT:-3}
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) QUICK=1; shift ;;
	--kver) KVERS+=("$2"); shift 2 ;;
	--publish) PUBLISH=1; shift ;;
	--no-publish) PUBLISH=0; shift ;;
	--icount) ICOUNT=$2; shift 2 ;;
	*) echo "bench: unknown argument $1" >&2; exit 2 ;;
	esac
done
[ ${#KVERS[@]} -gt 0 ] || mapfile -t KVERS < <("$TOP/tools/kvers.sh" targets)

if [ $QUICK -eq 1 ]; then
	MODE=quick
	# 200 devices: a smoke run inside make check, kept short
	ARGS="--rounds 1 --dur 1 --devs 200 --fdb 1000:10000 --flood 5000 --scale-rounds 1"
	# wall-clock limit only: under the instruction clock a loaded host
	# makes the run slower, never different
	TIMEOUT=1800
	MEM=2048
	PUBLISH=${PUBLISH:-0}
else
	MODE=full
	# (plus the noqueue variants, the function-count profile and
	# ovlnet-agent with etcd at 25, 50 and 100 simulated hosts x 10
	# tenants, see guest.sh; about 20 minutes per kernel on the 2-core
	# TCG host before the agent part, which took about 20 minutes alone
	# in one guest on 2026-12-07; then external mode at 4,094 tenants
	# per host against 4,094 devices and the in-tree vxlan external,
	# with 1M (MAC, VNI) entries, 10-13 more minutes, see performance.md; the
	# timeout is wall and guest time)
	ARGS=${OVLNET_BENCH_ARGS:---rounds 5 --dur 2 --devs 10000 --fdb 1000:1000000 --flood 50000 --scale-rounds 1 --cases raw,vx4,ox4,gt4,og4,on4,vx6,ox6,gt6,og6,on6,oq4,gq4 --dev-kinds vx,ox,oxq --parts traffic,fdb,learn,devs,profile,agent,ext --prof-reps 2 --agent-runs 25x10,50x10,100x10 --ext-tenants 4094 --ext-fdb 1000000}
	TIMEOUT=7200
	# 10k ovl-vxlan devices with their qdiscs need about 2 GiB; 100
	# agents about 1 GiB
	MEM=4096
	PUBLISH=${PUBLISH:-1}
fi
OUT=$CACHE/bench/$MODE
mkdir -p "$OUT"
RAW=$OUT/raw.csv
echo "kver,case,metric,round,value" >"$RAW"
echo "kver,comparison,function,calls_per_round_trip_difference" >"$OUT/profile.csv"

T0=$(date +%s)
failed=0
declare -A PID=()
for k in "${KVERS[@]}"; do
	log=$OUT/console-$k.log
	echo "bench: $MODE run on $k (icount $ICOUNT; guest.sh $ARGS)" >&2
	OVLNET_VM_MEM=$MEM "$TOP/selftests/vm/run.sh" --kver "$k" \
		--run selftests/bench/guest.sh --args "$ARGS" --timeout "$TIMEOUT" \
		--test-timeout $((TIMEOUT - 30)) --icount "$ICOUNT" \
		>"$log" 2>&1 &
	PID[$k]=$!
done
for k in "${KVERS[@]}"; do
	log=$OUT/console-$k.log
	rc=0
	wait "${PID[$k]}" || rc=$?
	grep -a -E '^\[guest |^BENCH-ERROR|^FAIL|^not ok|kernel splat' "$log" | sed "s/^/  $k: /" >&2 || true
	grep -a '^BENCH,' "$log" | tr -d '\r' | sed "s/^BENCH,/$k,/" >>"$RAW" || true
	grep -a '^PROFILE,' "$log" | tr -d '\r' | sed "s/^PROFILE,/$k,/" >>"$OUT/profile.csv" || true
	n=$(grep -ac '^BENCH,' "$log" || true)
	if [ $rc -ne 0 ] || ! grep -aq '^BENCH-DONE,0' "$log"; then
		echo "bench: $k FAILED (vm run exit $rc, $n numbers; see $log)" >&2
		failed=1
	else
		echo "bench: $k: $n numbers, $(grep -ao 'qemu exited ([0-9]*) after [0-9.]*s wall' "$log" | tail -n 1)" >&2
	fi
done

WALL=$(($(date +%s) - T0))
CMD="make bench"
if [ $QUICK -eq 1 ]; then
	CMD+=" QUICK=1"
fi
CLOCK="instruction clock (qemu -icount shift=$ICOUNT,sleep=off)"
[ "$ICOUNT" != off ] || CLOCK="host wall clock"
python3 "$TOP/selftests/bench/report.py" --raw "$RAW" --out "$OUT" \
	--title "$CMD" --wall "$WALL" --args "$ARGS; $CLOCK" | tee "$OUT/table.txt"
if [ "$PUBLISH" = 1 ] && [ $failed -eq 0 ]; then
	mkdir -p "$TOP/Documentation/perf"
	cp "$OUT"/raw.csv "$OUT"/summary.csv "$OUT"/profile.csv "$OUT"/table.txt "$OUT"/*.png \
		"$TOP/Documentation/perf/"
	echo "bench: results copied to Documentation/perf/" >&2
fi
echo "bench: $MODE run: ${WALL}s wall, results in $OUT" >&2
exit $failed
