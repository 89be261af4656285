#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check-kernels`: the whole VM selftest suite on Debian 12's extra 6.12
# flavours (tools/kvers.sh flavours): -rt (PREEMPT_RT: spinlocks sleep,
# softirqs run in threads) and -cloud.  By hand or nightly; `make check`
# only builds for them and runs ovl_smoke on them.
#
#   selftests/check-kernels.sh [--tests "a b"] [--kver KVER]...
#
# Per kernel: the module build (W=1, no warnings) and the suite (or the
# given tests) in one guest; the kernels at once.  Closing line
# "N passed, N failed, N skipped"; exit 0 only if nothing failed.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${CACHE:-${OVLNET_CACHE:-$HOME/.cache/ovlnet}}
# shellcheck source=selftests/tap_lib.sh
. "$TOP/selftests/tap_lib.sh"
export CACHE
TESTS=
KVERS=()
while [ $# -gt 0 ]; do
	case "$1" in
	--tests) TESTS=$2; shift 2 ;;
	--kver) KVERS+=("$2"); shift 2 ;;
	*) echo "usage: $0 [--tests \"a b\"] [--kver KVER]..." >&2; exit 2 ;;
	esac
done
[ ${#KVERS[@]} -gt 0 ] || mapfile -t KVERS < <("$TOP/tools/kvers.sh" flavours)

passed=0 failed=0 skipped=0
FAILS=()
if [ ${#KVERS[@]} -eq 0 ]; then
	echo "not ok - kernels: no -rt/-cloud headers installed (tools/deps.sh)"
	failed=1
fi
# The kernels' guests run at once, one host core each (as in make check);
# each kernel's output goes to $CACHE/check-kernels-KVER.log and is
# printed when all are done.
run_kernel() # KVER
{
	local k=$1 t0
	t0=$(date +%s)
	if ! "$TOP/tools/build-module.sh" "$k" >/dev/null; then
		echo "not ok - build $k # failed or warned"
		return 1
	fi
	echo "ok - build $k"
	# The -rt guest is several times slower in TCG.
	"$TOP/selftests/vm/run.sh" --kver "$k" --timeout 7200 --test-timeout 900 \
		${TESTS:+--tests "$TESTS"}
	echo "=== $k: run.sh exit $? after $(($(date +%s) - t0))s ==="
}
declare -A PID
for k in "${KVERS[@]}"; do
	run_kernel "$k" >"$CACHE/check-kernels-$k.log" 2>&1 &
	PID[$k]=$!
	echo "$k: started (output in $CACHE/check-kernels-$k.log)"
done
for k in "${KVERS[@]}"; do
	wait "${PID[$k]}" || true
	OUT=$CACHE/check-kernels-$k.log
	cat "$OUT"
	count_tap "$OUT"
	if ! grep -aq "^=== $k: run.sh exit 0 " "$OUT" && [ "$c_fail" -eq 0 ]; then
		failed=$((failed + 1))
		FAILS+=("vm $k: run.sh failed")
	fi
	echo "=== $k: $c_ok passed, $c_fail failed, $c_skip skipped ==="
done
if [ ${#FAILS[@]} -gt 0 ]; then
	echo "failures:"
	printf '  - %s\n' "${FAILS[@]}"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
