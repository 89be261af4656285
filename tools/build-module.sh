#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build ovlnet.ko for one kernel, out of the source tree.
#
#   tools/build-module.sh [--sparse] KVER
#
# kmod/ and Kbuild are copied into $CACHE/build/KVER (timestamps kept, so
# rebuilds are incremental and two kernels never share objects), then built
# with `make -C /lib/modules/KVER/build M=... W=1 modules`.  Any compiler or
# modpost warning fails the build.  --sparse additionally runs sparse over
# every source file (C=2) and fails on any sparse warning or error.
# OVLNET_KDIR overrides the kernel tree (e.g. the debug kernel's, see
# tools/build-debug-kernel.sh).
# On success the last line on stdout is the path of the built .ko; the build
# output goes to stderr.
set -euo pipefail

sparse=0
if [ "${1:-}" = "--sparse" ]; then
	sparse=1
	shift
fi
KVER=${1:?usage: $0 [--sparse] KVER}
TOP=$(cd "$(dirname "$0")/.." && pwd)
SRC=${OVLNET_SRC:-$TOP}
CACHE=${CACHE:-${OVLNET_CACHE:-$HOME/.cache/ovlnet}}
KDIR=${OVLNET_KDIR:-/lib/modules/$KVER/build}
B=$CACHE/build/$KVER
JOBS=$(nproc 2>/dev/null || echo 2)

if [ ! -e "$KDIR/Makefile" ]; then
	echo "build-module: no headers for $KVER at $KDIR" >&2
	exit 1
fi
if ! compgen -G "$SRC/kmod/*.c" >/dev/null; then
	echo "build-module: no C sources in $SRC/kmod yet" >&2
	exit 1
fi

mkdir -p "$B"
exec 9>"$B.lock"
flock 9

# Mirror the sources: drop source files that vanished upstream, then copy
# everything over, keeping timestamps (cp -a) so make only rebuilds changes.
mkdir -p "$B/kmod"
(
	cd "$B"
	find kmod -type f \( -name '*.[ch]' -o -name Kbuild -o -name Makefile \) |
	while read -r f; do
		[ -e "$SRC/$f" ] || rm -f "$f"
	done
)
cp -a "$SRC/Kbuild" "$B/Kbuild"
cp -a "$SRC/kmod/." "$B/kmod/"

log=$(mktemp)
trap 'rm -f "$log"' EXIT

rc=0
make -C "$KDIR" M="$B" W=1 -j"$JOBS" modules >"$log" 2>&1 || rc=$?
sed "s|$B/||g" "$log" >&2
if [ $rc -ne 0 ]; then
	echo "build-module: build for $KVER FAILED (make exit $rc)" >&2
	exit 1
fi
if grep -qi 'warning:' "$log"; then
	echo "build-module: build for $KVER has warnings:" >&2
	grep -i 'warning:' "$log" | sed "s|$B/||g" >&2
	# Drop the objects so the next (incremental) build shows them again.
	make -C "$KDIR" M="$B" clean >/dev/null 2>&1 || true
	exit 1
fi

if [ $sparse -eq 1 ]; then
	if ! command -v sparse >/dev/null; then
		echo "build-module: sparse not installed (tools/deps.sh)" >&2
		exit 1
	fi
	rc=0
	make -C "$KDIR" M="$B" W=1 C=2 -j"$JOBS" modules >"$log" 2>&1 || rc=$?
	sed "s|$B/||g" "$log" >&2
	if [ $rc -ne 0 ] || grep -qiE '(warning|error):' "$log"; then
		echo "build-module: sparse for $KVER FAILED:" >&2
		grep -iE '(warning|error):' "$log" | sed "s|$B/||g" >&2 || true
		exit 1
	fi
fi

ko=$B/kmod/ovlnet.ko
[ -f "$ko" ] || ko=$(find "$B" -name ovlnet.ko -print -quit)
if [ -z "$ko" ] || [ ! -f "$ko" ]; then
	echo "build-module: make succeeded but no ovlnet.ko under $B" >&2
	exit 1
fi
echo "$ko"
