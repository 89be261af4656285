#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build ovlnet (kmod/) into a UML kernel from linux-source-6.1 and run its
# KUnit suites with tools/testing/kunit/kunit.py.
#
#   run.sh [--kasan] [--filter GLOB]     GLOB: suite or suite.case, e.g. 'ovlnet_fdb*'
#
# Everything is cached under ${CACHE:-$HOME/.cache/ovlnet}/kunit/ (unpacked
# tree, build/ and build-kasan/), so re-runs only rebuild what changed.
# Prints one line per test case on stdout ("ok - kunit/<suite>/<case>" or
# "not ok - kunit/<suite>/<case>") and a closing "kunit: N passed, N failed"
# line; exits non-zero if the build failed, a case failed or no case ran.
#
# Environment: CACHE, JOBS (default nproc), KUNIT_TIMEOUT (seconds, default
# 600), OVLNET_KMOD_DIR (module dir to overlay, default <repo>/kmod; for
# testing the runner itself).
set -euo pipefail
# The whole script is one brace group: bash parses it before running, so
# editing this file during a (long) run can't derail that run.
{

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$TOP/selftests/kunit
KMOD=${OVLNET_KMOD_DIR:-$TOP/kmod}
CACHE=${CACHE:-$HOME/.cache/ovlnet}
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
JOBS=${JOBS:-$(nproc)}
KUNIT_TIMEOUT=${KUNIT_TIMEOUT:-600}
TARBALL=/usr/src/linux-source-6.1.tar.xz
WORK=$CACHE/kunit
SRC=$WORK/linux-source-6.1
STAMP=$WORK/linux-source-6.1.unpacked

kasan=0
glob=
usage() { sed -n '7p' "$0" | sed 's/^#  *//; s/^/usage: /' >&2; exit 2; }
while [ $# -gt 0 ]; do
	case "$1" in
	--kasan) kasan=1 ;;
	--filter) [ $# -ge 2 ] || usage; glob=$2; shift ;;
	--filter=*) glob=${1#--filter=} ;;
	-h|--help) usage ;;
	*) echo "run.sh: unknown argument: $1" >&2; usage ;;
	esac
	shift
done

say() { echo "kunit: $*" >&2; }
now() { date +%s.%N; }
secs() { printf '%.1f' "$(echo "$2 - $1" | bc)"; }

# Report a failure that happened before any test could run.
die_setup() {
	say "$*"
	echo "not ok - kunit/setup"
	echo "kunit: 0 passed, 1 failed"
	exit 1
}

# --- prerequisites -----------------------------------------------------------
# command or file -> Debian package; missing ones are installed when root
# (tools/deps.sh normally has done that already).
declare -A need=([rsync]=rsync [make]=make [gcc]=gcc [flex]=flex [bison]=bison
	[bc]=bc [python3]=python3 [xz]=xz-utils [perl]=perl [flock]=util-linux
	[/usr/include/libelf.h]=libelf-dev [/usr/include/openssl/ssl.h]=libssl-dev
	[$TARBALL]=linux-source-6.1)
missing=()
for k in "${!need[@]}"; do
	case "$k" in
	/*) [ -e "$k" ] || missing+=("${need[$k]}") ;;
	*) command -v "$k" >/dev/null 2>&1 || missing+=("${need[$k]}") ;;
	esac
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
		say "installing ${missing[*]}"
		export DEBIAN_FRONTEND=noninteractive
		apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 ||
			{ apt-get update -q >&2 &&
			  apt-get install -y -q --no-install-recommends "${missing[@]}" >&2; } ||
			die_setup "could not install ${missing[*]}"
	else
		die_setup "missing packages: ${missing[*]} (apt-get install them)"
	fi
fi
for f in Kconfig Kbuild; do
	[ -f "$KMOD/$f" ] || die_setup "$KMOD/$f is missing; nothing to build"
done
ls "$KMOD"/tests/*_test.c >/dev/null 2>&1 ||
	die_setup "no KUnit suites ($KMOD/tests/*_test.c)"

mkdir -p "$WORK"
# One run at a time per cache: the tree and build dirs are shared.
exec 9>"$WORK/.lock"
if ! flock -n 9; then
	say "waiting for another run.sh using $WORK"
	flock 9
fi

# --- unpack (once; redone if partial or if the tarball changed) --------------
t0=$(now)
tarid=$(stat -c '%s %Y' "$TARBALL")
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$tarid" ]; then
	say "unpacking $TARBALL into $WORK"
	rm -f "$STAMP"
	rm -rf "$SRC" "$WORK/unpack.tmp" "$WORK/build" "$WORK/build-kasan"
	mkdir "$WORK/unpack.tmp"
	tar -xf "$TARBALL" -C "$WORK/unpack.tmp"
	mv "$WORK/unpack.tmp/linux-source-6.1" "$SRC"
	rmdir "$WORK/unpack.tmp"
	echo "$tarid" >"$STAMP"
fi
t_unpack=$(secs "$t0" "$(now)")

# --- overlay kmod/ as drivers/net/ovlnet/ -------------------------------------
# Checksum comparison and no -t: unchanged files keep their mtime (no rebuild),
# changed files get a fresh one. Build products of out-of-tree builds in kmod/
# are kept out (make would find them through VPATH).
t0=$(now)
rsync -rlc --delete --delete-excluded \
	--exclude='*.o' --exclude='*.ko' --exclude='*.mod' --exclude='*.mod.c' \
	--exclude='*.a' --exclude='.*.cmd' --exclude='.*.d' --exclude='.tmp*' \
	--exclude='modules.order' --exclude='Module.symvers' --exclude='*.dwo' \
	"$KMOD/" "$SRC/drivers/net/ovlnet/"
if ! grep -q '^source "drivers/net/ovlnet/Kconfig"' "$SRC/drivers/net/Kconfig"; then
	sed -i 's|^endif # NETDEVICES|source "drivers/net/ovlnet/Kconfig"\n\n&|' \
		"$SRC/drivers/net/Kconfig"
	grep -q '^source "drivers/net/ovlnet/Kconfig"' "$SRC/drivers/net/Kconfig" ||
		die_setup "could not patch $SRC/drivers/net/Kconfig"
fi
if ! grep -q '^obj-$(CONFIG_OVLNET) += ovlnet/' "$SRC/drivers/net/Makefile"; then
	echo 'obj-$(CONFIG_OVLNET) += ovlnet/' >>"$SRC/drivers/net/Makefile"
fi
t_overlay=$(secs "$t0" "$(now)")

# --- configure, build, run ---------------------------------------------------
args=(--kunitconfig="$HERE/ovlnet.kunitconfig")
build=$WORK/build
if [ "$kasan" = 1 ]; then
	args+=(--kunitconfig="$HERE/kasan.kunitconfig")
	build=$WORK/build-kasan
fi
mkdir -p "$build"
# On 6.1, a Kbuild's "-I$(src)/include" is relative to the build dir in an
# O= build (only M= builds get an absolute $(src)); give it something to find.
mkdir -p "$build/drivers/net/ovlnet"
if [ -d "$SRC/drivers/net/ovlnet/include" ] && [ ! -e "$build/drivers/net/ovlnet/include" ]; then
	ln -s "$SRC/drivers/net/ovlnet/include" "$build/drivers/net/ovlnet/include"
fi
log=$build/kunit.log
json=$build/results.json
rm -f "$json" "$build/test.log"
args+=(--build_dir="$build" --jobs="$JOBS" --timeout="$KUNIT_TIMEOUT"
	--json="$json")
[ -n "$glob" ] && args+=("$glob")

say "kunit.py run ${args[*]}"
t0=$(now)
set +e
# kunit.py's human output goes through as is, except that lines that would
# look like our result lines ("ok ..."/"not ok ...") are indented.
(cd "$SRC" && python3 tools/testing/kunit/kunit.py run "${args[@]}") 2>&1 |
	tee "$log" | sed -u -e "/^stty: 'standard input': Inappropriate ioctl/d" \
		-e 's/^\(not \)\{0,1\}ok /  &/'
rc=${PIPESTATUS[0]}
set -e
t_kunit=$(secs "$t0" "$(now)")

# --- results -----------------------------------------------------------------
# Flatten kunit.py's JSON: one line per case (a parameterised case is one line,
# failed if any parameter failed).
results=$(python3 - "$json" <<'EOF'
import json, os, sys

path = sys.argv[1]
if not os.path.exists(path):
    sys.exit(0)
with open(path) as f:
    root = json.load(f)

def status_of(group):
    st = [c["status"] for c in group.get("test_cases", [])]
    st += [status_of(g) for g in group.get("sub_groups", [])]
    if any(s not in ("PASS", "SKIP") for s in st):
        return "FAIL"
    if st and all(s == "SKIP" for s in st):
        return "SKIP"
    return "PASS" if st else "FAIL"

def line(name, status):
    # A case that crashed the kernel has no name in the KTAP output.
    if not name or name.endswith("/"):
        name += "crashed-case"
    if status == "PASS":
        print(f"ok - kunit/{name}")
    elif status == "SKIP":
        print(f"ok - kunit/{name} # SKIP")
    else:
        print(f"not ok - kunit/{name}")

# A suite with no cases (e.g. crashed before any ran) shows up as a case.
for c in root.get("test_cases", []):
    line(c["name"], c["status"])
for suite in root.get("sub_groups", []):
    for c in suite.get("test_cases", []):
        line(f'{suite["name"]}/{c["name"]}', c["status"])
    for case in suite.get("sub_groups", []):
        line(f'{suite["name"]}/{case["name"]}', status_of(case))
EOF
)
[ -n "$results" ] && echo "$results"
npass=$(grep -c '^ok ' <<<"$results" || true)
nskip=$(grep -c '^ok .*# SKIP$' <<<"$results" || true)
nfail=$(grep -c '^not ok ' <<<"$results" || true)
npass=$((npass - nskip))

fail=0
if [ ! -s "$json" ]; then
	# Configuration or build failure: no kernel was run.
	fail=1
	say "configuration or build failed (full log: $log)"
	# Compiler/linker/Kconfig diagnostics, with the overlay's paths mapped
	# back to the repo's kmod/; make's own "Error N" lines only if nothing else.
	errs=$(sed -e 's/^ERROR:root://' -e "s|$SRC/drivers/net/ovlnet/|kmod/|g" \
		-e "s|$SRC/||g" "$log" |
		grep -E ': (fatal )?error:|: undefined reference|^ld: |ERROR: modpost|^Missing: CONFIG_|^Not all Kconfig|^Specified kunitconfig|^Multiple values|^Could not call' |
		awk '!seen[$0]++' | head -n 80 || true)
	[ -n "$errs" ] || errs=$(grep -E '\*\*\*|Error [0-9]+' "$log" | head -n 20 || true)
	if [ -n "$errs" ]; then
		echo "kunit: errors:" >&2
		sed 's/^/    /' <<<"$errs" >&2
	fi
	echo "not ok - kunit/build"
	nfail=$((nfail + 1))
elif [ $((npass + nskip + nfail)) -eq 0 ]; then
	fail=1
	say "no test case ran${glob:+ (filter: $glob)} (full log: $log)"
	echo "not ok - kunit/no-tests-ran"
	nfail=$((nfail + 1))
elif [ "$rc" -ne 0 ] && [ "$nfail" -eq 0 ]; then
	# kunit.py saw a crash, a timeout or missing cases that the per-case
	# results don't show.
	fail=1
	say "kunit.py failed (exit $rc) although no case failed: crash or" \
		"incomplete run? (full log: $log)"
	echo "not ok - kunit/run"
	nfail=$((nfail + 1))
fi
# Sanitizer reports and ovlnet WARN()s outside a test's own context don't
# fail any case; look for them in the kernel's log.
if [ -s "$build/test.log" ]; then
	klog=$(grep -aE 'BUG: KASAN|UBSAN:|BUG: |kernel BUG at|WARNING: .* at drivers/net/ovlnet/' \
		"$build/test.log" | sed "s|$SRC/||g" | awk '!seen[$0]++' | head -n 20 || true)
	if [ -n "$klog" ]; then
		say "kernel log reports (full kernel log: $build/test.log):"
		sed 's/^/    /' <<<"$klog" >&2
		echo "not ok - kunit/kernel-log"
		nfail=$((nfail + 1))
	fi
fi
[ "$nfail" -gt 0 ] && fail=1
[ "$rc" -ne 0 ] && fail=1

# The module's own compiler warnings (they don't fail the run).
warns=$(sed -e "s|$SRC/drivers/net/ovlnet/|kmod/|g" -e 's|[^/:]*/\.\./||g' "$log" |
	awk '/: warning: / { w = ""; if ($0 ~ /^kmod\//) print; else w = $0; next }
	     w != "" && /^kmod\/[^:]*:[0-9]+:[0-9]+: note: / {
		sub(/: note: .*/, "", $0); m = w; sub(/^.*: warning: /, "", m)
		print $0 ": warning: " m " (from a macro)"; w = "" }' |
	awk '!seen[$0]++' | head -n 40 || true)
if [ -n "$warns" ]; then
	echo "kunit: compiler warnings in kmod/ (UML build, when recompiled):" >&2
	sed 's/^/    /' <<<"$warns" >&2
fi

elapsed=$(grep -o 'Elapsed time:.*' "$log" | tail -n 1 || true)
say "timings: unpack ${t_unpack}s, overlay ${t_overlay}s, kunit.py ${t_kunit}s${elapsed:+ ($elapsed)}"
say "$([ "$kasan" = 1 ] && echo 'KASAN+UBSAN build, ')log: $log"
echo "kunit: $npass passed, $nfail failed$([ "$nskip" -gt 0 ] && echo ", $nskip skipped")"
exit "$fail"
}
