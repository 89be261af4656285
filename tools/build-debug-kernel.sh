#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the debug guest kernel for `make check-debug` (cached, outside the
# repository).
#
#   tools/build-debug-kernel.sh [--print]
#
# Source: Debian's linux-source-6.1 (/usr/src/linux-source-6.1.tar.xz),
# unpacked into $CACHE/debug-kernel/src.  Config: x86_64 defconfig +
# kvm_guest.config, the networking the VM selftests need (the modules of
# selftests/vm/run.sh as modules, like Debian's), and the debug options:
# KASAN (generic, inline), UBSAN, lockdep (PROVE_LOCKING), PROVE_RCU(_LIST),
# KMEMLEAK, DEBUG_ATOMIC_SLEEP, DEBUG_LIST.  LOCALVERSION makes the release
# 6.1.<sublevel>-ovldebug.
#
# Output, under $CACHE/debug-kernel:
#   bzImage                         the kernel
#   root/lib/modules/KVER/          modules_install'ed modules, with
#                                   build -> the built tree (for M= builds)
#   kver                            the release string
# The build is redone only when this script's code (which holds the config),
# the compiler or the source package changes; the key is in
# $CACHE/debug-kernel/key.  A redo is incremental (make in the same tree).
# On success the last line on stdout is KVER (--print: only print it, fail
# if the kernel is not built and current).  Build output goes to
# $CACHE/debug-kernel/build.log; it runs under `nice -n 15` with
# OVLNET_DEBUG_JOBS (default: nproc) jobs.
set -euo pipefail

CACHE=${CACHE:-${OVLNET_CACHE:-$HOME/.cache/ovlnet}}
TARBALL=${OVLNET_LINUX_SOURCE:-/usr/src/linux-source-6.1.tar.xz}
D=$CACHE/debug-kernel
SRC=$D/src
JOBS=${OVLNET_DEBUG_JOBS:-$(nproc 2>/dev/null || echo 2)}

say() { echo "debug-kernel: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

[ -r "$TARBALL" ] || die "$TARBALL not found (apt-get install linux-source-6.1)"

# The key: the script without its comments (they don't change the kernel).
key=$( {
	grep -v '^[[:space:]]*#' "$0"
	stat -c '%n %Y %s' "$TARBALL"
	gcc --version | head -n 1
} | sha256sum | cut -c1-16)

if [ "${1:-}" = "--print" ]; then
	[ "$(cat "$D/key" 2>/dev/null)" = "$key" ] && [ -f "$D/kver" ] ||
		die "not built (run tools/build-debug-kernel.sh)"
	cat "$D/kver"
	exit 0
fi

mkdir -p "$D"
exec 9>"$D/.lock"
flock 9

if [ "$(cat "$D/key" 2>/dev/null)" = "$key" ] && [ -f "$D/kver" ] &&
	[ -f "$D/bzImage" ]; then
	say "cached: $(cat "$D/kver") (key $key)"
	cat "$D/kver"
	exit 0
fi

T0=$(date +%s)
if [ ! -f "$SRC/Makefile" ] ||
	[ "$(cat "$D/src.stamp" 2>/dev/null)" != "$(stat -c '%Y %s' "$TARBALL")" ]; then
	say "unpacking $TARBALL"
	rm -rf "$SRC" "$D/src.tmp"
	mkdir -p "$D/src.tmp"
	tar -xf "$TARBALL" -C "$D/src.tmp" --strip-components=1
	mv "$D/src.tmp" "$SRC"
	stat -c '%Y %s' "$TARBALL" >"$D/src.stamp"
fi
rm -f "$D/key"

cd "$SRC"
say "configuring"
make -s ARCH=x86_64 defconfig >/dev/null
make -s ARCH=x86_64 kvm_guest.config >/dev/null

C=scripts/config
# --- what the guest and the selftests need ---------------------------------
$C --set-str LOCALVERSION "-ovldebug" -d LOCALVERSION_AUTO
$C -e MODULES -e MODULE_UNLOAD -d MODULE_SIG -d MODVERSIONS
$C -e BLK_DEV_INITRD -e DEVTMPFS -e DEVTMPFS_MOUNT -e SERIAL_8250 \
	-e SERIAL_8250_CONSOLE -e TMPFS -e PROC_FS -e SYSFS -e DEBUG_FS \
	-e UNIX -e INET -e BINFMT_SCRIPT -e BINFMT_ELF
$C -e NET_NS -e USER_NS -e IPV6 -e PACKET -e NETFILTER \
	-e NETFILTER_ADVANCED -e NET_UDP_TUNNEL
# conntrack only for what it selects: NF_DEFRAG_IPV6, which ovl-gre uses to
# see fragmented GRE over IPv6 whole (ovl_outer_frag)
$C -m NF_CONNTRACK
# In-tree modules selftests/vm/run.sh packs, as modules (ovl_gre.sh rmmods
# and reloads the GRE family, so those at least cannot be built in).
$C -m VETH -m BRIDGE -e BRIDGE_VLAN_FILTERING -m VXLAN -m NET_IPGRE_DEMUX \
	-m NET_IPGRE \
	-e NET_IPGRE_BROADCAST -m IPV6_GRE -m IPV6_TUNNEL -m NET_IP_TUNNEL \
	-m TUN -m DUMMY -m MACVLAN -m GENEVE -m VLAN_8021Q
$C -e NET_SCHED -e NET_CLS -e NET_CLS_ACT -e NET_EMATCH \
	-m NET_SCH_HTB -m NET_SCH_SFQ -m NET_SCH_FQ_CODEL -m NET_SCH_FQ \
	-m NET_SCH_INGRESS -m NET_SCH_PRIO -m NET_SCH_TBF -m NET_SCH_NETEM \
	-m NET_SCH_RED -m NET_SCH_MULTIQ \
	-m NET_CLS_U32 -m NET_CLS_FLOWER -m NET_CLS_MATCHALL -m NET_CLS_FW \
	-m NET_CLS_BASIC \
	-m NET_ACT_POLICE -m NET_ACT_GACT -m NET_ACT_MIRRED -m NET_ACT_SKBEDIT \
	-m NET_ACT_VLAN -m NET_ACT_PEDIT -m NET_ACT_CSUM \
	-m NET_ACT_TUNNEL_KEY
# --- size: nothing the guest never sees --------------------------------------
$C -d DRM -d SOUND -d WLAN -d WIRELESS -d CFG80211 -d USB_SUPPORT \
	-d INPUT_JOYSTICK -d INPUT_TABLET -d INPUT_TOUCHSCREEN -d HID \
	-d AGP -d FB -d NFS_FS -d ETHERNET -d WIRELESS -d BT -d NFC -d RFKILL \
	-d AUDIT -d SECURITY_SELINUX -d HIBERNATION -d SUSPEND -d ACPI_VIDEO \
	-d MACINTOSH_DRIVERS -d PCCARD -d ATA -d SCSI -d MD -d BLK_DEV_DM \
	-d EXT4_FS -d ISO9660_FS -d AUTOFS_FS -d QUOTA -d KVM -d XEN \
	-d DEBUG_INFO -e DEBUG_INFO_NONE -d DEBUG_INFO_DWARF5 \
	-d DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT -d DEBUG_INFO_BTF
# (no iptables: the tests use nft; no disk, NIC, firmware, power management
# or tracing either)
$C -d NETFILTER_XTABLES -d IP_NF_IPTABLES \
	-d IP6_NF_IPTABLES -d NETFILTER_NETLINK_LOG \
	-d IP_VS -d NETLABEL -d NET_9P -d 9P_FS -d VIRTIO_NET -d VIRTIO_BLK \
	-d VIRTIO_CONSOLE -d HW_RANDOM -d EFI -d KEXEC -d CRASH_DUMP \
	-d CPU_FREQ -d THERMAL -d HWMON -d WATCHDOG -d KPROBES -d FTRACE \
	-d NUMA -d MICROCODE -d IA32_EMULATION -d HIBERNATION -d VT \
	-d INPUT_MOUSE -d INPUT_KEYBOARD -d SECURITY -d PROFILING \
	-d NETWORK_FILESYSTEMS -d MISC_FILESYSTEMS -d EXT2_FS -d EXT3_FS \
	-d VFAT_FS -d MSDOS_FS -d PARPORT -d I2C -d SPI -d GPIOLIB -d MEDIA_SUPPORT \
	-d IPV6_SIT -d IP_PNP -d NET_KEY
# --- a host like a production one (ovl_gre_host): nft with conntrack and
# NFQUEUE, IPsec transport mode with cbc(aes)+hmac(sha256)
$C -m NF_TABLES -e NF_TABLES_INET -m NFT_CT -m NFT_QUEUE \
	-m NETFILTER_NETLINK_QUEUE -m XFRM_USER -m INET_ESP -m INET6_ESP \
	-e CRYPTO_AES -e CRYPTO_CBC -e CRYPTO_HMAC -e CRYPTO_SHA256
# --- netdevsim: its udp_tunnel_nic tables (ovl_udp_tunnel_nic)
$C -e NET_DEVLINK -m NETDEVSIM
# --- real NICs: virtio-net for the tests that declare "# vm: nics=N"
# (ovl_realnic_interop), a module as on Debian (the guest loads it per test)
$C -e VIRTIO -e VIRTIO_PCI -m VIRTIO_NET
# --- debug -------------------------------------------------------------------
$C -e KASAN -e KASAN_GENERIC -e KASAN_INLINE -d KASAN_OUTLINE \
	-e KASAN_STACK -d KASAN_VMALLOC
$C -e UBSAN -e UBSAN_BOUNDS -e UBSAN_SHIFT -e UBSAN_DIV_ZERO \
	-e UBSAN_BOOL -e UBSAN_ENUM -d UBSAN_TRAP \
	-e UBSAN_SANITIZE_ALL
$C -e DEBUG_KERNEL -e LOCK_DEBUGGING_SUPPORT -e PROVE_LOCKING \
	-e DEBUG_SPINLOCK -e DEBUG_MUTEXES -e DEBUG_LOCK_ALLOC \
	-e DEBUG_ATOMIC_SLEEP -e PROVE_RCU -e DEBUG_OBJECTS_RCU_HEAD \
	-e DEBUG_LIST -e DEBUG_OBJECTS -e DEBUG_OBJECTS_TIMERS \
	-e DEBUG_OBJECTS_WORK -e DEBUG_OBJECTS_FREE
$C -e DEBUG_KMEMLEAK -d DEBUG_KMEMLEAK_DEFAULT_OFF \
	-d DEBUG_KMEMLEAK_AUTO_SCAN --set-val DEBUG_KMEMLEAK_MEM_POOL_SIZE 65536
$C -d KASAN_MODULE_TEST -d TEST_KASAN_MODULE
# lockdep conditions of list_for_each_entry_rcu()/hlist_for_each_entry_rcu()
# and the hash_for_each_possible_rcu() built on them (needs RCU_EXPERT)
$C -e RCU_EXPERT -e PROVE_RCU_LIST
make -s ARCH=x86_64 olddefconfig >/dev/null

# olddefconfig silently drops what it cannot satisfy: insist.
miss=
for o in KASAN KASAN_GENERIC KASAN_INLINE UBSAN UBSAN_BOUNDS PROVE_LOCKING \
	PROVE_RCU DEBUG_KMEMLEAK DEBUG_ATOMIC_SLEEP DEBUG_LIST MODULE_UNLOAD \
	NET_NS IPV6 NETFILTER BLK_DEV_INITRD DEVTMPFS SERIAL_8250_CONSOLE; do
	grep -qx "CONFIG_$o=y" .config || miss+=" $o"
done
for o in VETH BRIDGE VXLAN NET_IPGRE IPV6_GRE TUN GENEVE NET_SCH_HTB \
	NET_CLS_FLOWER NET_ACT_MIRRED NET_ACT_TUNNEL_KEY NF_TABLES NFT_CT \
	NFT_QUEUE XFRM_USER INET_ESP INET6_ESP NETDEVSIM; do
	grep -qE "^CONFIG_$o=[ym]$" .config || miss+=" $o"
done
for o in PROVE_RCU_LIST VIRTIO_PCI BRIDGE_VLAN_FILTERING; do
	grep -qx "CONFIG_$o=y" .config || miss+=" $o"
done
grep -qE '^CONFIG_VIRTIO_NET=[ym]$' .config || miss+=" VIRTIO_NET"
[ -z "$miss" ] || die "config lacks:$miss"
cp .config "$D/config"

say "building with $JOBS jobs (log: $D/build.log)"
if ! nice -n 15 make ARCH=x86_64 -j"$JOBS" bzImage modules >"$D/build.log" 2>&1; then
	tail -n 30 "$D/build.log" >&2
	die "kernel build failed (see $D/build.log)"
fi
KVER=$(make -s kernelrelease)
rm -rf "$D/root"
make -s INSTALL_MOD_PATH="$D/root" modules_install >>"$D/build.log" 2>&1
ln -sfn "$SRC" "$D/root/lib/modules/$KVER/build"
cp arch/x86/boot/bzImage "$D/bzImage"
echo "$KVER" >"$D/kver"
echo "$key" >"$D/key"
say "built $KVER in $(($(date +%s) - T0)) s"
echo "$KVER"
