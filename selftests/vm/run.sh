#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# VM selftest runner: boots a Debian kernel in qemu (TCG) with a throw-away
# initramfs holding busybox, the real iproute2/iperf3/tcpdump/... binaries,
# the in-tree modules the tests need, ovlnet.ko and selftests/net, runs the
# selected tests in the guest and reports TAP.
#
#   selftests/vm/run.sh --kver KVER [--tests "a b"] [--timeout SEC]
#                       [--test-timeout SEC] [--append "cmdline"]
#                       [--kernel IMAGE --modroot DIR] [--icount SHIFT|off]
#                       [--nics N] [--module KO] [--plugins DIR]
#                       [--slot NAME]
#   selftests/vm/run.sh --kver KVER --demo            (selftests/demo/demo.sh;
#                       its agent scene needs etcd and ovlnet-agent, else
#                       the run stops here; --args --no-agent leaves it out)
#   selftests/vm/run.sh --kver KVER --run PATH [--args "a b"]
#                       (any script under selftests/, output printed plainly)
#
# Tests are selftests/net/*.sh except the libraries (lib.sh, *lib.sh,
# topo*.sh) and _*.sh, sorted; a test passes with exit 0, is skipped with
# exit 4 and fails otherwise.
# stdout: the console, each line prefixed "  | " (dmesg dump elided), then
# one TAP line per result: "ok N KVER/name", "not ok N KVER/name # why",
# "ok N KVER/name # SKIP why"; a kernel splat adds "not ok N KVER/kernel-splat".
# qemu runs TCG single-threaded (OVLNET_TCG_THREAD=multi to change): with
# multi-threaded TCG, the guest kernel's live text patching (static keys
# flipping, e.g. when iperf3 enables timestamps) intermittently oopses on a
# stale int3 in another vCPU's translated code.
# --kernel/--modroot boot a self-built kernel (tools/build-debug-kernel.sh)
# instead of /boot/vmlinuz-KVER: modules come from DIR/lib/modules/KVER and
# ovlnet.ko is built against DIR/lib/modules/KVER/build.
# --module KO takes ovlnet.ko from KO (e.g. the DKMS-built
# /lib/modules/KVER/updates/dkms/ovlnet.ko) instead of building it, and puts
# it at the same place in the guest (updates/dkms when KO's path has it,
# else extra/); the guest exports OVLNET_KO_DIR=that directory for tests.
# --plugins DIR takes the iproute2 plugins (link_*.so) from DIR (e.g. the
# installed /usr/lib/x86_64-linux-gnu/ip) instead of building tools/.
# With a kmemleak kernel (/sys/kernel/debug/kmemleak), the guest scans once
# right after boot and clears what it found (the kernel's own boot-time
# objects), and scans twice again after the last test and after deleting
# every namespace and device: any object reported then fails the run
# ("not ok ... kmemleak").
# Guest memory: 2048 MiB, OVLNET_VM_MEM=MiB to change (make bench uses more).
# Real NICs: a test whose header has a line "# vm: nics=N" (or --nics N)
# gets N virtio-net-pci NICs (MACs 52:54:00:00:00:01..) wired to each other
# on one qemu hub (no offloads: checksums are computed and verified in
# software).  The guest loads virtio_net just before such a test, exports
# OVLNET_NICS="names in MAC order" to it (topo_nic_underlay in topo.sh) and
# unloads it afterwards, so other tests never see the NICs.
# OVLNET_QEMU_EXTRA="args" adds qemu arguments.  OVLNET_VM_SMP=N vCPUs
# (default 2).
# Instruction-counting clock: a test whose header has the line
#   # ovlnet-vm: icount
# (the QoS rate tests) boots under `-icount shift=3,sleep=off`: guest time
# then advances 8 ns per executed guest instruction and jumps over idle
# time, so whatever the host's load, a rate measured in the guest is the
# same (work per guest second, not per host second).  A selection mixing
# marked and unmarked tests boots twice (unmarked first) and prints one
# TAP stream.  --icount SHIFT runs every selected test under
# `-icount shift=SHIFT,sleep=off`, --icount off none.  An icount guest has
# two possible CPUs but one online (-smp 2, kernel maxcpus=1: ovlnet
# devices still get two TX queues), and runs a SCHED_IDLE busy loop so
# that its vCPU never halts: qemu 7.2's round-robin TCG under icount
# never finishes bringing up 6.1's second vCPU, and an idle single vCPU
# sometimes never wakes again (lost warp to the next timer).  Guest time
# is then purely instructions executed.
# --slot NAME keeps this run's initramfs, console log and lock in
# $CACHE/vm/KVER-NAME instead of $CACHE/vm/KVER, so that two guests of one
# kernel can run at once (make check-debug splits its suite in two).
# Exit status: 0 only if every test passed or was skipped, the guest did not
# hang and a TAP plan was seen.  The full console goes to
# $CACHE/vm/KVER/last.log.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${CACHE:-${OVLNET_CACHE:-$HOME/.cache/ovlnet}}
export CACHE
ARCH_LIB=/usr/lib/x86_64-linux-gnu

KVER=
TESTS=
MODE=tests
RUN_SCRIPT=
RUN_ARGS=
TIMEOUT=1800
TEST_TIMEOUT=300
APPEND=
KERNEL=
MODROOT=
ICOUNT=
ICOUNT_SHIFT=3
NICS=
MODULE=
PLUGIN_DIR=
SLOT=
ARGV=("$@")

usage()
{
	sed -n '3,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--kver) KVER=$2; shift 2 ;;
	--tests) TESTS=$2; shift 2 ;;
	--demo) MODE=run; RUN_SCRIPT=selftests/demo/demo.sh; shift ;;
	--run) MODE=run; RUN_SCRIPT=$2; shift 2 ;;
	--args) RUN_ARGS=$2; shift 2 ;;
	--timeout) TIMEOUT=$2; shift 2 ;;
	--test-timeout) TEST_TIMEOUT=$2; TT_SET=1; shift 2 ;;
	--append) APPEND=$2; shift 2 ;;
	--kernel) KERNEL=$2; shift 2 ;;
	--modroot) MODROOT=$(cd "$2" && pwd); shift 2 ;;
	--icount) ICOUNT=$2; shift 2 ;;
	--nics) NICS=$2; shift 2 ;;
	--module) MODULE=$2; shift 2 ;;
	--plugins) PLUGIN_DIR=$2; shift 2 ;;
	--slot) SLOT=$2; shift 2 ;;
	-h | --help) usage ;;
	*) echo "run.sh: unknown argument $1" >&2; usage ;;
	esac
done
[ -n "$KVER" ] || KVER=$("$TOP/tools/kvers.sh" default)
# A per-test timeout beyond the whole run's only makes sense when asked for.
if [ -z "${TT_SET:-}" ] && [ "$TEST_TIMEOUT" -ge "$TIMEOUT" ]; then
	TEST_TIMEOUT=$((TIMEOUT > 20 ? TIMEOUT - 10 : TIMEOUT))
fi

# Which tests.
if [ "$MODE" = tests ]; then
	if [ -z "$TESTS" ]; then
		TESTS=$(cd "$TOP/selftests/net" && for f in *.sh; do
			[ -e "$f" ] || continue
			case "$f" in lib.sh | *lib.sh | topo*.sh | _*) continue ;; esac
			echo "${f%.sh}"
		done | sort | tr '\n' ' ')
	fi
	for t in $TESTS; do
		[ -f "$TOP/selftests/net/$t.sh" ] || {
			echo "vm[$KVER]: ERROR: no such test: selftests/net/$t.sh" >&2
			exit 1
		}
	done
elif [ ! -f "$TOP/$RUN_SCRIPT" ]; then
	echo "vm[$KVER]: ERROR: $RUN_SCRIPT not found" >&2
	exit 1
fi

# Tests marked "# ovlnet-vm: icount" boot under the instruction clock.
if [ "$MODE" = tests ] && [ -z "$ICOUNT" ]; then
	plain=() counted=()
	for t in $TESTS; do
		if grep -qx '# ovlnet-vm: icount' "$TOP/selftests/net/$t.sh"; then
			counted+=("$t")
		else
			plain+=("$t")
		fi
	done
	if [ ${#counted[@]} -gt 0 ] && [ ${#plain[@]} -eq 0 ]; then
		ICOUNT=$ICOUNT_SHIFT
	elif [ ${#counted[@]} -gt 0 ]; then
		# Two boots, one TAP stream: the second's numbers follow the
		# first's, its "TAP version" line is dropped.
		first=$(mktemp)
		trap 'rm -f "$first"' EXIT
		rc=0
		"$0" "${ARGV[@]}" --tests "${plain[*]}" --icount off |
			tee "$first" || rc=1
		off=$(grep -aoE '^(not ok|ok) [0-9]+' "$first" |
			awk '$NF > m { m = $NF } END { print m + 0 }')
		"$0" "${ARGV[@]}" --tests "${counted[*]}" --icount "$ICOUNT_SHIFT" |
			awk -v off="$off" '
			/^TAP version/ { next }
			/^(not )?ok [0-9]+ / {
				n = ($1 == "ok") ? 2 : 3
				$n = $n + off
			}
			{ print; fflush() }' || rc=1
		exit $rc
	fi
fi
[ "$ICOUNT" != off ] || ICOUNT=

[ -n "$KERNEL" ] || KERNEL=/boot/vmlinuz-$KVER
# MODDIR: the guest's path; HMODDIR: where the modules are on the host.
MODDIR=/lib/modules/$KVER
HMODDIR=$MODROOT$MODDIR
if [ -n "$MODROOT" ]; then
	export OVLNET_KDIR=$HMODDIR/build
fi
VMD=$CACHE/vm/$KVER${SLOT:+-$SLOT}
ROOT=$VMD/root
mkdir -p "$VMD"
# One run per kernel and cache at a time (they share $VMD).
exec 9>"$VMD/.lock"
if ! flock -n 9; then
	echo "vm[$KVER]: waiting for another run using $VMD" >&2
	flock 9
fi
# Real NICs: as many as the neediest selected test declares ("# vm: nics=N").
if [ -z "$NICS" ]; then
	NICS=0
	if [ "$MODE" = tests ]; then
		nic_files=$(for t in $TESTS; do echo "$TOP/selftests/net/$t.sh"; done)
	else
		nic_files=$TOP/$RUN_SCRIPT
	fi
	for f in $nic_files; do
		n=$(sed -n 's/^# vm: nics=\([0-9][0-9]*\).*/\1/p' "$f" | head -n 1)
		if [ "${n:-0}" -gt "$NICS" ]; then NICS=$n; fi
	done
fi

say() { echo "vm[$KVER]: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

[ -r "$KERNEL" ] || die "$KERNEL not found (tools/deps.sh)"
[ -e "$HMODDIR/modules.dep" ] || die "$HMODDIR/modules.dep not found"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing (tools/deps.sh)"

T0=$(date +%s.%N)
elapsed() { echo "$(date +%s.%N) $T0" | awk '{printf "%.1f", $1 - $2}'; }

# TAP lines produced on the host (build failures, hangs, splats).
HOST_TAP=()
host_fail() { HOST_TAP+=("not ok $1 # $2"); }

# --------------------------------------------------------------------------
# Host-side builds: module, iproute2 plugins, test helpers.
# --------------------------------------------------------------------------
KO=
KO_DIR=extra
if [ -n "$MODULE" ]; then
	[ -r "$MODULE" ] || die "--module $MODULE: not found"
	case "$MODULE" in */updates/dkms/*) KO_DIR=updates/dkms ;; esac
	KO=$(mktemp)
	case "$MODULE" in
	*.xz) xz -dc "$MODULE" >"$KO" ;;
	*.zst) zstd -qdc "$MODULE" >"$KO" ;;
	*) cp "$MODULE" "$KO" ;;
	esac
	trap 'rm -f "$KO"' EXIT
	say "ovlnet.ko from $MODULE (guest: $MODDIR/$KO_DIR)"
elif compgen -G "$TOP/kmod/*.c" >/dev/null; then
	say "building ovlnet.ko"
	if out=$("$TOP/tools/build-module.sh" "$KVER"); then
		KO=$(tail -n 1 <<<"$out")
	else
		say "WARNING: ovlnet.ko did not build for $KVER; running without it"
		host_fail module-build "ovlnet.ko failed to build (see above)"
	fi
else
	say "kmod/ has no sources yet; running without ovlnet.ko"
fi

# The selftests' own helper modules (selftests/mod: ovl_test_nic), built
# against the same tree, W=1 and warning-free like ovlnet.ko.
TEST_KOS=()
build_test_mods()
{
	local kdir=${OVLNET_KDIR:-/lib/modules/$KVER/build} b=$CACHE/build/$KVER-testmod log
	[ -f "$TOP/selftests/mod/Kbuild" ] && [ -e "$kdir/Makefile" ] || return 0
	mkdir -p "$b"
	cp -a "$TOP/selftests/mod/." "$b/"
	log=$b/build.log
	if ! flock "$b.lock" make -C "$kdir" M="$b" W=1 modules >"$log" 2>&1 ||
		grep -qi 'warning:' "$log"; then
		cat "$log" >&2
		host_fail test-modules "selftests/mod did not build cleanly for $KVER"
		return 0
	fi
	mapfile -t TEST_KOS < <(find "$b" -maxdepth 1 -name '*.ko' | sort)
	say "test modules: ${TEST_KOS[*]##*/}"
}
build_test_mods

PLUGINS=()
if [ -n "$PLUGIN_DIR" ]; then
	mapfile -t PLUGINS < <(find "$PLUGIN_DIR" -maxdepth 1 -name 'link_*.so' | sort)
	[ ${#PLUGINS[@]} -gt 0 ] || die "--plugins $PLUGIN_DIR: no link_*.so there"
	say "iproute2 plugins from $PLUGIN_DIR: ${PLUGINS[*]##*/}"
elif [ -f "$TOP/tools/Makefile" ]; then
	say "building tools (make -C tools)"
	if flock "$CACHE/.tools.lock" make -s -C "$TOP/tools" >&2; then
		mapfile -t PLUGINS < <(find "$TOP/tools/iproute2" -maxdepth 1 -name 'link_*.so' 2>/dev/null | sort)
	else
		say "WARNING: make -C tools failed"
		host_fail tools-build "make -C tools failed (see above)"
	fi
else
	say "no tools/Makefile yet; no iproute2 plugins"
fi

HELPER_OUT=$VMD/net-helpers		# per kernel: two kernels' runs may overlap
rm -rf "$HELPER_OUT"
mkdir -p "$HELPER_OUT"
if [ -f "$TOP/selftests/net/Makefile" ]; then
	if ! make -s -C "$TOP/selftests/net" OUT="$HELPER_OUT" >&2; then
		say "WARNING: make -C selftests/net failed"
		host_fail net-helpers-build "make -C selftests/net failed"
	fi
fi

# --------------------------------------------------------------------------
# Static part of the initramfs (cached): busybox, binaries, libs, modules.
# --------------------------------------------------------------------------
BINS=(/usr/sbin/ip /usr/sbin/bridge /usr/sbin/tc /usr/bin/ss /usr/bin/nstat
	/usr/sbin/brctl /usr/bin/iperf3 /usr/bin/tcpdump /usr/sbin/ethtool
	/usr/bin/bash /usr/bin/timeout /usr/bin/ping /usr/sbin/sysctl /usr/bin/kmod
	/usr/bin/date /usr/bin/stdbuf /usr/bin/env)
OPT_BINS=(/usr/bin/socat /usr/bin/ncat /usr/sbin/arping /usr/bin/tracepath
	/usr/sbin/mausezahn /usr/bin/strace /usr/bin/chrt /usr/sbin/nft
	/usr/bin/etcd /usr/bin/etcdctl /usr/bin/curl
	/lib/systemd/systemd-networkd /usr/bin/networkctl
	/usr/sbin/ifup /usr/sbin/ifdown /usr/sbin/ifquery /usr/bin/run-parts)
MODS=(veth bridge vxlan ip_gre ip6_gre gre ip6_tunnel ip_tunnel udp_tunnel
	ip6_udp_tunnel tun dummy macvlan geneve 8021q af_packet ipv6 nf_defrag_ipv6
	sch_htb sch_sfq sch_fq_codel sch_fq sch_ingress sch_prio sch_tbf sch_netem
	sch_red sch_multiq cls_u32 cls_flower cls_matchall cls_fw cls_basic
	act_police act_gact act_mirred act_skbedit act_vlan act_pedit act_csum
	act_tunnel_key
	virtio_pci virtio_net netdevsim
	nf_conntrack nf_tables nft_ct nft_queue nfnetlink_queue xfrm_user esp4
	esp6 authenc echainiv seqiv geniv drbg jitterentropy_rng ctr cbc hmac
	sha512_generic sha256_generic)
# Extra modules for a test under development: OVLNET_EXTRA_MODULES="a b".
read -r -a extra_mods <<<"${OVLNET_EXTRA_MODULES:-}"
MODS+=("${extra_mods[@]}")

# Everything the static image depends on: this script, package versions,
# the kernel's module set.
key=$( {
	cat "$0"
	echo "${BINS[*]} ${OPT_BINS[*]} ${MODS[*]}"
	dpkg-query -W busybox-static iproute2 bridge-utils iperf3 tcpdump ethtool \
		bash coreutils kmod iputils-ping procps libc6 nftables 2>/dev/null || true
	stat -c '%n %Y %s' "$HMODDIR/modules.dep" "$KERNEL"
	# optional binaries installed since (etcd-server for the demo)
	for b in "${OPT_BINS[@]}"; do [ -x "$b" ] && echo "$b"; done
} | sha256sum | cut -c1-16)

copy_file() # host-path -> same path under $ROOT (following symlinks)
{
	local f=$1
	mkdir -p "$ROOT$(dirname "$f")"
	cp -L "$f" "$ROOT$f"
}

copy_libs() # ldd closure of an ELF file
{
	local lib
	for lib in $(ldd "$1" 2>/dev/null | grep -oE '/[^ ]+' || true); do
		[ -e "$ROOT$lib" ] || copy_file "$lib"
	done
}

build_static()
{
	local b a path rel ko n=0
	say "building static initramfs part (cache key $key)"
	rm -rf "$ROOT" "$VMD/static.cpio"
	mkdir -p "$ROOT"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,etc,proc,sys,dev,tmp,run,root,selftests,var}
	ln -s ../run "$ROOT/var/run"

	# busybox applets in /bin only; the real tools go to /usr/{s,}bin,
	# which come first in the guest's PATH.
	cp /bin/busybox "$ROOT/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ "$a" = busybox ] || ln -s busybox "$ROOT/bin/$a"
	done
	for b in "${BINS[@]}"; do
		[ -x "$b" ] || die "$b missing (tools/deps.sh)"
		copy_file "$b"
		copy_libs "$b"
	done
	for b in "${OPT_BINS[@]}"; do
		[ -x "$b" ] || continue
		copy_file "$b"
		copy_libs "$b"
	done
	# #!/bin/bash must be the real bash.
	rm -f "$ROOT/bin/bash"
	cp /usr/bin/bash "$ROOT/bin/bash"
	# Real kmod as /sbin/modprobe (the kernel's request_module helper).
	for a in modprobe insmod rmmod lsmod depmod modinfo; do
		ln -sf /usr/bin/kmod "$ROOT/sbin/$a"
	done
	# tc's qdisc distribution tables and plugins.
	if [ -d "$ARCH_LIB/tc" ]; then
		mkdir -p "$ROOT$ARCH_LIB"
		cp -a "$ARCH_LIB/tc" "$ROOT$ARCH_LIB/tc"
		for b in "$ARCH_LIB"/tc/*.so; do
			[ -e "$b" ] && copy_libs "$b"
		done
	fi
	mkdir -p "$ROOT$ARCH_LIB/ip"
	[ -d /etc/iproute2 ] && cp -a /etc/iproute2 "$ROOT/etc/"
	[ -d /usr/share/iproute2 ] && mkdir -p "$ROOT/usr/share" && cp -a /usr/share/iproute2 "$ROOT/usr/share/"
	for b in /etc/protocols /etc/services /etc/ethertypes; do
		[ -e "$b" ] && cp -L "$b" "$ROOT$b"
	done
	cat >"$ROOT/etc/passwd" <<-EOF
	root:x:0:0:root:/root:/bin/bash
	tcpdump:x:105:110::/nonexistent:/bin/false
	nobody:x:65534:65534:nobody:/nonexistent:/bin/false
	EOF
	cat >"$ROOT/etc/group" <<-EOF
	root:x:0:
	tcpdump:x:110:
	nogroup:x:65534:
	EOF
	echo "127.0.0.1 localhost" >"$ROOT/etc/hosts"
	echo "ovlnet-guest" >"$ROOT/etc/hostname"
	printf '%s\n' /lib/x86_64-linux-gnu "$ARCH_LIB" >"$ROOT/etc/ld.so.conf"
	ldconfig -r "$ROOT" 2>/dev/null || true

	# In-tree modules: dependency closure, decompressed.
	mkdir -p "$ROOT$MODDIR"
	for a in "${MODS[@]}"; do
		if ! out=$(modprobe ${MODROOT:+-d "$MODROOT"} -S "$KVER" --show-depends "$a" 2>/dev/null); then
			say "note: module $a not available for $KVER"
			continue
		fi
		while read -r w path _; do
			[ "$w" = insmod ] || continue
			rel=${path#"$HMODDIR"/}
			ko=$ROOT$MODDIR/${rel%.xz}
			ko=${ko%.zst}
			[ -e "$ko" ] && continue
			mkdir -p "$(dirname "$ko")"
			case "$path" in
			*.xz) xz -dc "$path" >"$ko" ;;
			*.zst) zstd -qdc "$path" >"$ko" ;;
			*) cp "$path" "$ko" ;;
			esac
			n=$((n + 1))
		done <<<"$out"
	done
	for a in modules.order modules.builtin modules.builtin.modinfo; do
		[ -e "$HMODDIR/$a" ] && cp "$HMODDIR/$a" "$ROOT$MODDIR/$a"
	done
	# modules.order names .ko.xz on 6.12; depmod only uses it for ordering.
	sed -i 's/\.ko\.\(xz\|zst\)$/.ko/' "$ROOT$MODDIR/modules.order" 2>/dev/null || true
	say "static part: $n modules, $(du -sh "$ROOT" | cut -f1)"

	(cd "$ROOT" && find . -path "./lib/modules/$KVER/extra" -prune -o -print |
		LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$VMD/static.cpio.tmp"
	mv "$VMD/static.cpio.tmp" "$VMD/static.cpio"
	echo "$key" >"$VMD/static.key"
}

if [ ! -f "$VMD/static.cpio" ] || [ "$(cat "$VMD/static.key" 2>/dev/null)" != "$key" ]; then
	build_static
fi

# --------------------------------------------------------------------------
# Dynamic part (every run): ovlnet.ko + depmod, plugins, tests, /init.
# --------------------------------------------------------------------------
DYN=$VMD/dyn
rm -rf "$DYN" "$ROOT$MODDIR/extra" "$ROOT$MODDIR/updates"
mkdir -p "$DYN$MODDIR/$KO_DIR" "$DYN$ARCH_LIB/ip" "$DYN/selftests" "$DYN/etc" "$ROOT$MODDIR/$KO_DIR"
if [ -n "$KO" ]; then
	cp "$KO" "$ROOT$MODDIR/$KO_DIR/ovlnet.ko"
	cp "$KO" "$DYN$MODDIR/$KO_DIR/ovlnet.ko"
fi
mkdir -p "$ROOT$MODDIR/extra" "$DYN$MODDIR/extra"
for k in "${TEST_KOS[@]}"; do
	cp "$k" "$ROOT$MODDIR/extra/"
	cp "$k" "$DYN$MODDIR/extra/"
done
depmod -b "$ROOT" "$KVER"
cp "$ROOT$MODDIR"/modules.* "$DYN$MODDIR/"

for p in "${PLUGINS[@]}"; do
	cp "$p" "$DYN$ARCH_LIB/ip/"
	for lib in $(ldd "$p" 2>/dev/null | grep -oE '/[^ ]+' || true); do
		if [ ! -e "$ROOT$lib" ] && [ ! -e "$DYN$lib" ]; then
			mkdir -p "$DYN$(dirname "$lib")"
			cp -L "$lib" "$DYN$lib"
		fi
	done
done

# The control-plane agent (tools/agent) and its libraries.
AGENT=$TOP/tools/agent/ovlnet-agent
if [ -x "$AGENT" ]; then
	mkdir -p "$DYN/usr/sbin"
	cp "$AGENT" "$DYN/usr/sbin/"
	for lib in $(ldd "$AGENT" 2>/dev/null | grep -oE '/[^ ]+' || true); do
		if [ ! -e "$ROOT$lib" ] && [ ! -e "$DYN$lib" ]; then
			mkdir -p "$DYN$(dirname "$lib")"
			cp -L "$lib" "$DYN$lib"
		fi
	done
fi

# The demo's agent scene (the default) needs etcd, curl and the agent.
if [ "$RUN_SCRIPT" = selftests/demo/demo.sh ] && [[ " $RUN_ARGS " != *" --no-agent "* ]]; then
	[ -x "$ROOT/usr/bin/etcd" ] && [ -x "$ROOT/usr/bin/curl" ] ||
		die "the demo's agent scene needs etcd and curl in the guest (tools/deps.sh installs etcd-server and curl); --args --no-agent leaves the scene out"
	[ -x "$AGENT" ] ||
		die "the demo's agent scene needs tools/agent/ovlnet-agent (make -C tools; tools/deps.sh installs its libraries)"
fi

cp -a "$TOP/selftests/net/." "$DYN/selftests/"
rm -f "$DYN/selftests/Makefile" "$DYN"/selftests/*.c "$DYN"/selftests/*.h
cp -a "$HELPER_OUT/." "$DYN/selftests/"
# helpers linked against libraries (nfqaccept: libnetfilter_queue)
for p in "$HELPER_OUT"/*; do
	[ -x "$p" ] || continue
	for lib in $(ldd "$p" 2>/dev/null | grep -oE '/[^ ]+' || true); do
		if [ ! -e "$ROOT$lib" ] && [ ! -e "$DYN$lib" ]; then
			mkdir -p "$DYN$(dirname "$lib")"
			cp -L "$lib" "$DYN$lib"
		fi
	done
done
for d in demo bench; do
	[ -d "$TOP/selftests/$d" ] && cp -a "$TOP/selftests/$d" "$DYN/selftests/$d"
done
# The configuration examples, for selftests/net/ovl_examples.sh.
[ -d "$TOP/examples" ] && cp -a "$TOP/examples" "$DYN/selftests/examples"

cat >"$DYN/etc/ovlnet-test.conf" <<EOF
MODE=$MODE
TESTS="$TESTS"
TEST_TIMEOUT=$TEST_TIMEOUT
RUN_SCRIPT="/selftests/${RUN_SCRIPT#selftests/}"
RUN_ARGS="$RUN_ARGS"
KVER=$KVER
NICS=$NICS
OVLNET_KO_DIR=$MODDIR/$KO_DIR
ICOUNT=$ICOUNT
EOF
# RUN_SCRIPT is relative to the repo; selftests/net/x -> /selftests/x
sed -i 's|^RUN_SCRIPT="/selftests/net/|RUN_SCRIPT="/selftests/|' "$DYN/etc/ovlnet-test.conf"

cat >"$DYN/init" <<'INIT'
#!/bin/bash
# Guest init for the ovlnet VM selftests (generated by selftests/vm/run.sh).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb LANG=C
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /dev/shm
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mkdir -p /run/netns
ip link set lo up
hostname ovlnet-guest
echo 5 >/proc/sys/kernel/printk   # warnings and worse reach the console live
. /etc/ovlnet-test.conf
export IP_LIB_DIR=/usr/lib/x86_64-linux-gnu/ip
export OVLNET_KVER=$KVER OVLNET_KO_DIR

exec 3>/dev/ttyS1
res() { echo "$*"; echo "$*" >&3; }

echo "# init: userspace up after $(cut -d' ' -f1 /proc/uptime) s, kernel $(uname -r)"
# Instruction clock: keep the vCPU busy at the lowest priority, so guest
# time only ever advances by executed instructions (never by qemu's idle
# warp, see run.sh).
if [ -n "$ICOUNT" ]; then
	chrt -i 0 /bin/bash -c 'while :; do :; done' &
	echo "# init: icount guest, SCHED_IDLE spinner $!"
fi

# kmemleak (debug kernels): what the kernel leaked while booting is not ours;
# scan once now and forget it, so the final scan shows only the tests' leaks.
KMEMLEAK=/sys/kernel/debug/kmemleak
if [ -w $KMEMLEAK ]; then
	echo "# kmemleak: baseline scan"
	echo scan >$KMEMLEAK
	sleep 1
	echo scan >$KMEMLEAK
	echo "# kmemleak: $(grep -c '^unreferenced object' $KMEMLEAK) boot-time object(s) cleared"
	echo clear >$KMEMLEAK
fi

# nics_up N: load virtio-net, wait for N NICs, OVLNET_NICS=their names by MAC.
nics_up()
{
	local i d names
	modprobe virtio_pci 2>/dev/null   # built in on 6.12
	modprobe virtio_net || echo "# nics: modprobe virtio_net failed"
	for ((i = 0; i < 100; i++)); do
		names=$(for d in /sys/class/net/*; do
			case "$(readlink -f "$d/device/driver")" in
			*/virtio_net) echo "$(cat "$d/address") ${d##*/}" ;;
			esac
		done | sort | awk '{print $2}' | tr '\n' ' ')
		[ "$(echo $names | wc -w)" -ge "$1" ] && break
		sleep 0.1
	done
	export OVLNET_NICS="${names% }"
	echo "# nics: OVLNET_NICS=\"$OVLNET_NICS\""
}
# nics_down: unload virtio_net (the NICs vanish wherever they are).
nics_down()
{
	unset OVLNET_NICS
	grep -q '^virtio_net ' /proc/modules && rmmod virtio_net
}
test_nics() { sed -n 's/^# vm: nics=\([0-9][0-9]*\).*/\1/p' "$1" | head -n 1; }

run_one() # script args... ; returns its exit code, output in /tmp/out
{
	local tpid rc teepid i tt=$TEST_TIMEOUT x
	# a test may ask for more time: a "# test-timeout: SEC" line
	x=$(sed -n 's/^# test-timeout: *\([0-9][0-9]*\)$/\1/p' "$1" | head -n 1)
	[ -n "$x" ] && [ "$x" -gt "$tt" ] && tt=$x
	echo "$tt" >/tmp/tt
	: >/tmp/out
	exec 4> >(tee /tmp/out)
	teepid=$!
	(cd "$(dirname "$1")" && exec timeout -k 10 "$tt" /bin/bash "$@") \
		</dev/null >&4 2>&4 &
	tpid=$!
	wait $tpid
	rc=$?
	exec 4>&-
	for ((i = 0; i < 20; i++)); do
		kill -0 $teepid 2>/dev/null || break
		sleep 0.1
	done
	return $rc
}

if [ "$MODE" = run ]; then
	echo "# running $RUN_SCRIPT $RUN_ARGS"
	[ "$NICS" -gt 0 ] && nics_up "$NICS"
	rc=0
	# shellcheck disable=SC2086
	run_one "$RUN_SCRIPT" $RUN_ARGS || rc=$?
	echo "exit $rc" >&3
else
	set -- $TESTS
	res "TAP version 13"
	res "1..$#"
	n=0
	for t in "$@"; do
		n=$((n + 1))
		start=$(cut -d' ' -f1 /proc/uptime)
		echo "# ===== $n $t ====="
		tn=$(test_nics "/selftests/$t.sh")
		[ -n "$tn" ] && [ "$NICS" -gt 0 ] && nics_up "$tn"
		rc=0
		run_one "/selftests/$t.sh" || rc=$?
		end=$(cut -d' ' -f1 /proc/uptime)
		dur=$(echo "$start $end" | awk '{printf "%.1f", $2 - $1}')
		case $rc in
		0) res "ok $n $t # time ${dur}s" ;;
		4)
			why=$(grep -a '^SKIP:' /tmp/out | tail -n 1 | sed 's/^SKIP: *//')
			res "ok $n $t # SKIP ${why:-no reason given}" ;;
		124 | 137) res "not ok $n $t # TIMEOUT after $(cat /tmp/tt)s" ;;
		*)
			why=$(grep -a '^FAIL:' /tmp/out | tail -n 1 | cut -c1-200)
			res "not ok $n $t # exit $rc, time ${dur}s${why:+: $why}" ;;
		esac
		# Leftovers from a test must not leak into the next one.
		for ns in $(ip netns list 2>/dev/null | cut -d' ' -f1); do
			ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
			ip netns del "$ns" 2>/dev/null
		done
		for dev in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
			[ "$dev" = lo ] || ip link del "$dev" 2>/dev/null   # fallback devs stay
		done
		[ -n "$tn" ] && nics_down
	done
fi
if [ -w $KMEMLEAK ]; then
	# Every namespace and device of the last test is gone (above); let
	# RCU callbacks and deferred frees run, then scan twice (an object is
	# only reported once it has been seen unreferenced and unchanged).
	for ns in $(ip netns list 2>/dev/null | cut -d' ' -f1); do
		ip netns del "$ns" 2>/dev/null
	done
	sleep 5
	echo scan >$KMEMLEAK
	sleep 5
	echo scan >$KMEMLEAK
	echo "----- kmemleak begin -----"
	cat $KMEMLEAK
	echo "----- kmemleak end -----"
	echo "kmemleak $(grep -c '^unreferenced object' $KMEMLEAK)" >&3
fi
echo "----- dmesg begin -----"
dmesg
echo "----- dmesg end -----"
echo done >&3
sleep 0.3
poweroff -f
INIT
chmod +x "$DYN/init"

(cd "$DYN" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$VMD/dyn.cpio"
cat "$VMD/static.cpio" "$VMD/dyn.cpio" >"$VMD/initrd.img"
say "initramfs ready ($(du -h "$VMD/initrd.img" | cut -f1)) after $(elapsed) s"

# --------------------------------------------------------------------------
# Boot.
# --------------------------------------------------------------------------
LOG=$VMD/last.log
RES=$VMD/results.log
: >"$RES"
CMDLINE="console=ttyS0,115200 panic=-1 printk.time=1 loglevel=5 rdinit=/init"
# no_timer_check: a starved TCG vCPU can fail the IO-APIC timer probe and
# panic at boot ("IO-APIC + timer doesn't work"); skip the probe
CMDLINE+=" mitigations=off no_timer_check"
# PREEMPT_RT runs the serial console's interrupt in a thread; under TCG
# that thread often finds the UART already drained and returns IRQ_NONE,
# and after 99,900 such answers the spurious-IRQ detector reports "irq 4:
# nobody cared" (a Call Trace of irq/4-ttyS0) and disables the console's
# IRQ.  noirqdebug turns that detector off on -rt guests: no ovlnet or
# network code handles an interrupt there.
case "$KVER" in *-rt-*) CMDLINE+=" noirqdebug" ;; esac
CMDLINE+=" $APPEND"
TB=$(date +%s.%N)
read -r -a qemu_extra <<<"${OVLNET_QEMU_EXTRA:-}"
nic_args=()
for ((i = 1; i <= NICS; i++)); do
	nic_args+=(-netdev "hubport,id=nic$i,hubid=0"
		-device "virtio-net-pci,netdev=nic$i,mac=52:54:00:00:00:$(printf %02x "$i"),romfile=")
done
SMP=${OVLNET_VM_SMP:-2}
if [ -n "$ICOUNT" ]; then
	# single-threaded TCG only (icount and MTTCG exclude each other)
	qemu_extra+=(-icount "shift=$ICOUNT,sleep=off")
	CMDLINE+=" maxcpus=1"
	say "instruction-counting clock: -icount shift=$ICOUNT,sleep=off, one of $SMP vCPUs online"
fi
say "booting qemu (timeout ${TIMEOUT}s)"
# children_cpu: CPU seconds (user+sys) of this shell's waited-for children
# so far, from the `times` builtin (run in this shell, not in a command
# substitution's subshell); its difference across the guest's run is
# qemu's share of a host core (an idle guest leaves the core to others).
children_cpu()
{
	times >"$VMD/times"
	tail -n 1 "$VMD/times" | awk '{
		for (i = 1; i <= 2; i++) {
			split($i, p, "m"); sub("s", "", p[2]); c += p[1] * 60 + p[2]
		}
		printf "%.1f\n", c }'
}
children_cpu >"$VMD/cpu0"
set +e
timeout -k 10 "$TIMEOUT" qemu-system-x86_64 \
	-accel "tcg,thread=${OVLNET_TCG_THREAD:-single}" -smp "$SMP" -m "${OVLNET_VM_MEM:-2048}" \
	-nodefaults -no-user-config -display none -no-reboot -net none \
	-serial stdio -serial "file:$RES" \
	-kernel "$KERNEL" -initrd "$VMD/initrd.img" -append "$CMDLINE" \
	"${qemu_extra[@]}" "${nic_args[@]}" \
	</dev/null 2>&1 |
	{
		in_dmesg=0
		: >"$LOG"
		while IFS= read -r line; do
			line=${line%$'\r'}
			printf '%s\n' "$line" >>"$LOG"
			case "$line" in
			"----- dmesg begin -----") in_dmesg=1; [ "$MODE" = run ] || echo "  | [dmesg dump elided, see $LOG]"; continue ;;
			"----- dmesg end -----") in_dmesg=0; continue ;;
			esac
			[ $in_dmesg -eq 1 ] && continue
			if [ "$MODE" = run ]; then
				printf '%s\n' "$line"
			else
				printf '  | %s\n' "$line"
			fi
		done
	}
qrc=${PIPESTATUS[0]}
set -e
BOOT_WALL=$(echo "$(date +%s.%N) $TB" | awk '{printf "%.1f", $1 - $2}')
tr -d '\r' <"$RES" >"$RES.tmp" && mv "$RES.tmp" "$RES"
boot_s=$(grep -o 'userspace up after [0-9.]* s' "$LOG" | grep -o '[0-9.]*' | head -n 1 || true)
children_cpu >"$VMD/cpu1"
QEMU_CPU=$(cat "$VMD/cpu1" "$VMD/cpu0" | awk 'NR == 1 { a = $1 } NR == 2 { printf "%.1f", a - $1 }')
say "qemu exited ($qrc) after ${BOOT_WALL}s wall, ${QEMU_CPU}s CPU; guest userspace up after ${boot_s:-?}s guest time; console log: $LOG"

hung=0
if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
	hung=1
	host_fail guest-timeout "guest timed out after ${TIMEOUT} s (hung?)"
elif ! grep -qx 'done' "$RES"; then
	host_fail guest-crash "guest stopped before finishing (qemu exit $qrc; panic?)"
fi

# --------------------------------------------------------------------------
# Kernel splats (from any kernel line of the console, live or dmesg dump).
# --------------------------------------------------------------------------
# Lockdep reports are "WARNING: possible ...", "WARNING: inconsistent lock
# state", "WARNING: suspicious RCU usage", ...; a bare "lockdep" would match
# the boot banner of a lockdep kernel ("RCU lockdep checking is enabled").
SPLAT_RE='WARNING:|BUG:|BUG: KASAN|UBSAN:|WARNING: possible|inconsistent lock state|suspicious RCU usage|sleeping function called|circular locking dependency|lockdep is turned off|DEBUG_LOCKS_WARN_ON|Oops|KASAN|UBSAN|possible recursive locking|refcount_t|unreferenced object|general protection fault|Call Trace|Kernel panic|soft lockup|hard LOCKUP|blocked for more than|rcu_sched self-detected|rcu: INFO|stack-protector|list_add corruption|list_del corruption|kernel BUG'
splat_lines=$(grep -aE '^\[ *[0-9]+\.[0-9]+\]' "$LOG" | grep -aE "$SPLAT_RE" | awk '!seen[$0]++' || true)
if [ -n "$splat_lines" ]; then
	echo "---- kernel splat(s) on $KVER ----"
	printf '%s\n' "$splat_lines" | head -n 40 || true
	# Name the splat by its most telling line, not a bare "Call Trace:".
	first=$(grep -avE 'Call Trace|^\[ *[0-9.]+\] *$' <<<"$splat_lines" | head -n 1 || true)
	[ -n "$first" ] || first=$(head -n 1 <<<"$splat_lines")
	# Show the first splat with its context from the log.
	echo "---- context ----"
	grep -aE '^\[ *[0-9]+\.[0-9]+\]' "$LOG" | grep -aF -m 1 -B 4 -A 30 -- "$(head -n 1 <<<"$splat_lines")" | head -n 35 || true
	echo "---- end of splat ----"
	first=${first#*] }
	host_fail kernel-splat "kernel warning/oops in dmesg: ${first:0:100}"
fi

# kmemleak: the guest's final scans found objects nobody references.  All
# count, not only ovlnet's (a leaked skb or dst shows the core's allocator
# as its owner): the boot-time ones were cleared before the first test.
nleak=$(grep -aoE '^kmemleak [0-9]+' "$RES" | awk '{print $2}' | tail -n 1 || true)
if [ -n "$nleak" ] && [ "$nleak" -gt 0 ]; then
	echo "---- kmemleak on $KVER: $nleak unreferenced object(s) ----"
	sed -n '/^----- kmemleak begin -----$/,/^----- kmemleak end -----$/p' "$LOG" |
		sed '1d;$d' | head -n 60 || true
	echo "---- end of kmemleak ----"
	owner=$(sed -n '/^----- kmemleak begin -----$/,/^----- kmemleak end -----$/p' "$LOG" |
		grep -aoE '\[ovlnet\]' | head -n 1 || true)
	host_fail kmemleak "$nleak unreferenced object(s)${owner:+, ovlnet in a backtrace} (see $LOG)"
fi

# --------------------------------------------------------------------------
# Results.
# --------------------------------------------------------------------------
failed=0
n=0
if [ "$MODE" = run ]; then
	rc=$(grep -aoE '^exit [0-9]+' "$RES" | awk '{print $2}' | tail -n 1 || true)
	say "$RUN_SCRIPT exit status: ${rc:-none}, ${BOOT_WALL}s"
	[ "${rc:-1}" = 0 ] || failed=1
	for l in "${HOST_TAP[@]}"; do
		echo "$l" | sed -E "s/^(not ok) /\1 - $KVER\//"
		failed=1
	done
	exit $failed
fi

plan=$(grep -aoE '^1\.\.[0-9]+' "$RES" | head -n 1 | cut -d. -f3 || true)
echo "TAP version 13"
declare -A seen=()
while IFS= read -r l; do
	if [[ $l =~ ^(not\ ok|ok)\ ([0-9]+)\ ([^ ]+)(.*)$ ]]; then
		n=${BASH_REMATCH[2]}
		seen[${BASH_REMATCH[3]}]=1
		echo "${BASH_REMATCH[1]} $n $KVER/${BASH_REMATCH[3]}${BASH_REMATCH[4]}"
		[ "${BASH_REMATCH[1]}" = ok ] || failed=$((failed + 1))
	fi
done <"$RES"
n=${plan:-$n}
if [ -z "$plan" ]; then
	n=$((n + 1))
	echo "not ok $n $KVER/tap-plan # no TAP plan from the guest"
	failed=$((failed + 1))
fi
i=0
for t in $TESTS; do
	i=$((i + 1))
	[ -n "${seen[$t]:-}" ] && continue
	[ $i -le "$n" ] || n=$i
	echo "not ok $i $KVER/$t # no result ($([ $hung -eq 1 ] && echo "guest hung" || echo "guest died"))"
	failed=$((failed + 1))
done
for l in "${HOST_TAP[@]}"; do
	n=$((n + 1))
	echo "$l" | sed -E "s/^not ok /not ok $n $KVER\//"
	failed=$((failed + 1))
done
if [ $hung -eq 1 ]; then
	echo "# guest timed out after ${TIMEOUT} s (hung?) -- see $LOG"
fi
say "done in $(elapsed) s total (qemu ${BOOT_WALL}s): $failed failure(s); log: $LOG"
[ $failed -eq 0 ]
