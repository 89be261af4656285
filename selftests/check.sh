#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Everything `make check` runs, with one closing line "N passed, N failed,
# N skipped":
#   deps; per target kernel: module build (W=1, no warnings) and sparse;
#   the build (W=1) for the -rt and -cloud flavours too (tools/kvers.sh
#   all); checkpatch style; man pages against `ip link help` and the
#   configuration examples (host side); KUnit (selftests/kunit/run.sh, if
#   present); the VM selftests on every target kernel, each kernel's
#   suite in OVLNET_CHECK_SLOTS (2) guests, all at once (output in
#   $CACHE/check-vm-KVER-partN.log, printed and counted when all are
#   done); ovl_smoke on the -rt and -cloud kernels (`make check-kernels`
#   runs their whole suite) and the quick benchmark (if present, both
#   kernels at once, host wall clock: a smoke run), started as soon as the
#   first VM guest is done.  The Debian package test
#   (selftests/deb-test.sh: build, lintian, install, DKMS, guest smoke
#   test, purge) is `make check-deb`; KUnit under KASAN+UBSAN is part of
#   `make check-debug`.
#
#   selftests/check.sh --debug      (`make check-debug`)
#   deps; the debug kernel (tools/build-debug-kernel.sh: KASAN, UBSAN,
#   lockdep, PROVE_RCU, kmemleak, DEBUG_ATOMIC_SLEEP; cached); the module
#   built against it (W=1); every VM selftest booted on it, where any
#   kernel report or kmemleak object fails; KUnit under KASAN+UBSAN.
# Every "ok"/"not ok" line counts; "ok ... # SKIP" counts as skipped.
# Exit 1 if anything failed or nothing passed.
set -euo pipefail

# The whole script is one compound command: bash reads it completely
# before running it, so editing this file during a run cannot break it.
{
DEBUG=0
case "${1:-}" in
--debug) DEBUG=1 ;;
"") ;;
*) echo "usage: $0 [--debug]" >&2; exit 2 ;;
esac

TOP=$(cd "$(dirname "$0")/.." && pwd)
# count_tap: the TAP result lines of a sub-runner's output file
# shellcheck source=selftests/tap_lib.sh
. "$TOP/selftests/tap_lib.sh"
cd "$TOP"
CACHE=${CACHE:-${OVLNET_CACHE:-$HOME/.cache/ovlnet}}
export CACHE
mkdir -p "$CACHE"

passed=0
failed=0
skipped=0
FAILS=()
PHASES=()
T_ALL=$(date +%s)

result() # ok|fail|skip name [reason]
{
	case $1 in
	ok) passed=$((passed + 1)); echo "ok - $2" ;;
	skip) skipped=$((skipped + 1)); echo "ok - $2 # SKIP ${3:-}" ;;
	*) failed=$((failed + 1)); FAILS+=("$2${3:+ ($3)}"); echo "not ok - $2${3:+ # $3}" ;;
	esac
}

phase_start() { P_NAME=$1; P_T0=$(date +%s); echo; echo "=== $1 ==="; }
phase_end() { local s=$(($(date +%s) - P_T0)); PHASES+=("$P_NAME: ${s}s"); echo "=== $P_NAME done in ${s}s ==="; }

OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT

phase_start deps
if tools/deps.sh --quiet; then :; else result fail deps "tools/deps.sh failed"; fi
phase_end

kunit_phase() # name [run.sh args]
{
	local name=$1 rc=0
	shift
	phase_start "$name"
	bash selftests/kunit/run.sh "$@" 2>&1 | tee "$OUT" || rc=${PIPESTATUS[0]}
	count_tap "$OUT"
	if [ "$rc" -ne 0 ] && [ "$c_fail" -eq 0 ]; then
		result fail "$name" "selftests/kunit/run.sh $* exit $rc"
	fi
	echo "$name: $c_ok passed, $c_fail failed, $c_skip skipped (exit $rc)"
	phase_end
}

summary()
{
	echo
	echo "=== summary ==="
	for p in "${PHASES[@]}"; do
		echo "  time  $p"
	done
	echo "  total: $(($(date +%s) - T_ALL))s"
	if [ ${#FAILS[@]} -gt 0 ]; then
		echo "failures:"
		for f in "${FAILS[@]}"; do
			echo "  - $f"
		done
	fi
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
}

# suite_split N TEST...: N lines, the tests split into N parts of about
# equal time (greedy, longest first, each to the part with least so far)
# by the "# time Ns" of the last make check's logs (unknown: 30 s).
suite_split()
{
	local n=$1 t sec
	shift
	for t in "$@"; do
		sec=$(sed -n "s|^ok [0-9]* [^/]*/$t # time \\([0-9]*\\).*|\\1|p" \
			"$CACHE"/check-vm-*.log 2>/dev/null | sort -n | tail -n 1)
		echo "${sec:-30} $t"
	done | sort -k1,1nr -k2 |
		awk -v n="$n" '{
			m = 0
			for (i = 1; i < n; i++)
				if (s[i] < s[m]) m = i
			s[m] += $1; l[m] = l[m] " " $2
		}
		END { for (i = 0; i < n; i++) print substr(l[i], 2) }'
}

# suite_tests [SKIP-GLOB]: the VM selftests, as run.sh finds them, sorted,
# on one line; tests matching SKIP-GLOB left out.
suite_tests()
{
	local f
	(cd selftests/net && for f in *.sh; do
		case "$f" in lib.sh | *lib.sh | topo*.sh | _*) continue ;; esac
		# shellcheck disable=SC2254
		case "$f" in ${1:-""}) continue ;; esac
		echo "${f%.sh}"
	done) | sort | tr '\n' ' '
}

# guest_done NAME LOG RC: a guest run's output printed and counted; a
# non-zero exit without a failed test (a hang, a build failure) fails NAME.
guest_done()
{
	cat "$2"
	count_tap "$2"
	if [ "$3" -ne 0 ] && [ "$c_fail" -eq 0 ]; then
		result fail "$1" "selftests/vm/run.sh exit $3"
	fi
	echo "$1: $c_ok passed, $c_fail failed, $c_skip skipped (exit $3)"
}

if [ $DEBUG -eq 1 ]; then
	DK=$CACHE/debug-kernel
	phase_start "debug kernel"
	if dkver=$(tools/build-debug-kernel.sh | tail -n 1); then
		result ok "debug kernel $dkver"
	else
		result fail "debug kernel" "tools/build-debug-kernel.sh failed"
	fi
	phase_end
	if [ -n "${dkver:-}" ]; then
		phase_start "build $dkver"
		if OVLNET_KDIR=$DK/root/lib/modules/$dkver/build \
			tools/build-module.sh "$dkver" >/dev/null; then
			result ok "build $dkver"
		else
			result fail "build $dkver" "build failed or warned"
		fi
		phase_end
		# Everything runs 7-10 times slower under KASAN+lockdep in TCG.
		phase_start "vm selftests $dkver"
		# All tests but the QoS rate bands: they assume the guest forwards
		# several times faster than the shaped rates, which KASAN+lockdep
		# in TCG does not (the shaping itself is the same code either way).
		dtests=$(suite_tests 'ovl_qos_*')
		# Two guests at once, one host core each (qemu TCG is one thread),
		# each with half of the suite: longest first, each test to the
		# half with less so far, by the times of the last make check
		# (none known: 30 s).
		mapfile -t halves < <(suite_split 2 $dtests)
		declare -A DPID=()
		for h in 0 1; do
			selftests/vm/run.sh --kver "$dkver" --kernel "$DK/bzImage" \
				--modroot "$DK/root" --slot "half$h" \
				--timeout 9000 --test-timeout 2400 \
				--tests "${halves[$h]}" \
				>"$CACHE/check-debug-half$h.log" 2>&1 &
			DPID[$h]=$!
			echo "vm $dkver half $h: ${halves[$h]}"
		done
		for h in 0 1; do
			rc=0
			wait "${DPID[$h]}" || rc=$?
			guest_done "vm $dkver half $h" "$CACHE/check-debug-half$h.log" $rc
		done
		phase_end
	fi
	kunit_phase "kunit kasan" --kasan
	summary
	exit
fi

mapfile -t KVERS < <(tools/kvers.sh targets)
if [ ${#KVERS[@]} -eq 0 ]; then
	result fail kernels "no target kernel headers installed (tools/deps.sh)"
fi

for k in "${KVERS[@]}"; do
	phase_start "build $k"
	if tools/build-module.sh "$k" >/dev/null; then
		result ok "build $k"
		if tools/build-module.sh --sparse "$k" >/dev/null; then
			result ok "sparse $k"
		else
			result fail "sparse $k" "sparse warnings"
		fi
	else
		result fail "build $k" "build failed or warned"
		result fail "sparse $k" "not run: build failed"
	fi
	phase_end
done

# Debian 12's -rt and -cloud flavours of 6.12: build (W=1) here, ovl_smoke
# in a guest after the suites below.
mapfile -t FLAVOURS < <(tools/kvers.sh flavours)
[ ${#FLAVOURS[@]} -eq 2 ] ||
	result fail "kernel flavours" "-rt/-cloud headers missing (tools/deps.sh): ${FLAVOURS[*]}"
for k in "${FLAVOURS[@]}"; do
	phase_start "build $k"
	if tools/build-module.sh "$k" >/dev/null; then
		result ok "build $k"
	else
		result fail "build $k" "build failed or warned"
	fi
	phase_end
done

phase_start "man pages and examples"
if make -s -C tools check-man; then result ok "man pages = ip link help"; else result fail "man pages = ip link help" "tools/man/check-man.py"; fi
if tools/check-examples.sh | tee "$OUT"; then
	result ok "examples (host side)"
else
	result fail "examples (host side)" "$(grep '^not ok' "$OUT" | head -n 3 | tr '\n' ';')"
fi
phase_end

phase_start style
if tools/style.sh; then result ok style; else result fail style "checkpatch"; fi
phase_end

if [ -f selftests/kunit/run.sh ]; then
	kunit_phase kunit
fi

# The tail, started once, as soon as the VM phase has a core to spare
# (its first guest done), and collected after it: the -rt and -cloud
# flavours' smoke guests and the quick bench (both kernels), all on the
# host's wall clock; neither asserts a rate.  Their phase times in the
# summary are the waits after the VM phase.
declare -A SMPID=()
BENCHPID=
TAIL_STARTED=0
start_tail()
{
	[ $TAIL_STARTED -eq 0 ] || return 0
	TAIL_STARTED=1
	for k in "${FLAVOURS[@]}"; do
		selftests/vm/run.sh --kver "$k" --tests ovl_smoke \
			>"$CACHE/check-smoke-$k.log" 2>&1 &
		SMPID[$k]=$!
	done
	if [ -f selftests/bench/run.sh ]; then
		# host wall clock: the smoke run asserts no number, and the
		# instruction clock's busy guests would only make it longer
		OVLNET_BENCH_ICOUNT=off make -s bench QUICK=1 \
			>"$CACHE/check-bench-quick.log" 2>&1 &
		BENCHPID=$!
	fi
}

# Each kernel's suite in OVLNET_CHECK_SLOTS (default 2) parts, all guests
# at once: 4 guests on the 2 host cores.  A guest (single-threaded TCG)
# keeps its core busy only about 60 % of the time (pings, sleeps, timers:
# run.sh prints qemu's CPU seconds beside its wall time), so one guest per
# kernel left a third of the machine idle.  The parts are balanced by the
# last run's test times (suite_split); each part's output goes to its own
# file, printed and counted when all are done.  OVLNET_CHECK_SLOTS=1 is
# one guest per kernel; OVLNET_CHECK_SERIAL=1 runs the guests one after
# another.
if [ ${#KVERS[@]} -gt 0 ]; then
	phase_start "vm selftests ${KVERS[*]}"
	nslots=${OVLNET_CHECK_SLOTS:-2}
	declare -A VMPID=() VMRC=() VMLOG=()
	VMS=()
	for k in "${KVERS[@]}"; do
		# shellcheck disable=SC2046 # one word per test
		mapfile -t parts < <(suite_split "$nslots" $(suite_tests))
		for ((i = 0; i < nslots; i++)); do
			[ -n "${parts[$i]:-}" ] || continue
			vm="$k part $i"
			VMS+=("$vm")
			VMLOG[$vm]=$CACHE/check-vm-$k-part$i.log
			selftests/vm/run.sh --kver "$k" --slot "part$i" \
				--timeout 3600 --tests "${parts[$i]}" \
				>"${VMLOG[$vm]}" 2>&1 &
			VMPID[$vm]=$!
			echo "vm $vm: ${parts[$i]}"
			if [ "${OVLNET_CHECK_SERIAL:-0}" = 1 ]; then
				rc=0
				wait "${VMPID[$vm]}" || rc=$?
				VMRC[$vm]=$rc
			fi
		done
	done
	# when the first guest is done, its core goes to the tail
	if [ "${OVLNET_CHECK_SERIAL:-0}" != 1 ]; then
		rc=0
		wait -n -p first "${VMPID[@]}" || rc=$?
		for vm in "${VMS[@]}"; do
			[ "${VMPID[$vm]}" = "$first" ] && VMRC[$vm]=$rc
		done
	fi
	start_tail
	for vm in "${VMS[@]}"; do
		rc=${VMRC[$vm]:-0}
		[ -n "${VMRC[$vm]:-}" ] || wait "${VMPID[$vm]}" || rc=$?
		echo
		echo "--- vm selftests $vm ---"
		guest_done "vm $vm" "${VMLOG[$vm]}" $rc
	done
	phase_end
fi
start_tail

if [ ${#FLAVOURS[@]} -gt 0 ]; then
	phase_start "vm smoke ${FLAVOURS[*]}"
	for k in "${FLAVOURS[@]}"; do
		rc=0
		wait "${SMPID[$k]}" || rc=$?
		guest_done "vm smoke $k" "$CACHE/check-smoke-$k.log" $rc
	done
	phase_end
fi

if [ -n "$BENCHPID" ]; then
	phase_start "bench (quick)"
	rc=0
	wait "$BENCHPID" || rc=$?
	cat "$CACHE/check-bench-quick.log"
	if [ $rc -eq 0 ]; then
		result ok "bench quick"
	else
		result fail "bench quick" "make bench QUICK=1 failed"
	fi
	phase_end
fi

# Not here, to keep CI within its 90 minutes (the VM suites of both
# kernels take about 30 of them): KUnit under KASAN+UBSAN (make
# check-debug runs it) and the Debian package test (make check-deb).
summary
}
exit
