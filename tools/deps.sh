#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install (idempotently) every Debian package that building ovlnet, its
# tests, the demo and the benchmarks need.  Packages already installed are
# left alone; `apt-get update` only runs when something is missing.
#
#   tools/deps.sh [--quiet]     --quiet: print nothing when all is present
set -euo pipefail

quiet=0
[ "${1:-}" = "--quiet" ] && quiet=1

pkgs=(
	linux-image-amd64 linux-headers-amd64
	linux-image-6.12-amd64 linux-headers-6.12-amd64
	qemu-system-x86 busybox-static iproute2 bridge-utils iperf3 tcpdump
	ethtool linux-source-6.1 bc flex bison libelf-dev libssl-dev sparse
	kmod cpio xz-utils python3 gnuplot-nox gcc make iputils-ping rsync
	# the -rt (PREEMPT_RT) and -cloud flavours of 6.12 (tools/kvers.sh flavours)
	linux-image-6.12-rt-amd64 linux-headers-6.12-rt-amd64
	linux-image-6.12-cloud-amd64 linux-headers-6.12-cloud-amd64
	# make deb and its test (selftests/deb-test.sh), the man pages, the
	# configuration examples (selftests/net/ovl_examples.sh,
	# tools/check-examples.sh)
	dpkg-dev debhelper dh-dkms dkms lintian python3-docutils man-db
	systemd ifupdown libvirt-clients
	# conntrack/NFQUEUE hosts (selftests/net/ovl_prod_host.sh and friends)
	nftables libnetfilter-queue-dev
	# ovlnet-agent (tools/agent) and its etcd tests
	libmnl-dev libcurl4-openssl-dev libjson-c-dev pkg-config
	etcd-server etcd-client curl
)

missing=()
for p in "${pkgs[@]}"; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	# triggers-pending/-awaited: installed, while another dpkg run (e.g.
	# selftests/deb-test.sh) has not yet run its triggers (man-db's)
	case "$st" in
	"install ok installed" | "install ok triggers-"*) ;;
	*) missing+=("$p") ;;
	esac
done

if [ ${#missing[@]} -eq 0 ]; then
	[ $quiet -eq 1 ] || echo "deps: all ${#pkgs[@]} packages present"
	exit 0
fi

echo "deps: installing: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: must be root to install packages" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Wait for another apt/dpkg run rather than fail on its lock.
apt-get -o DPkg::Lock::Timeout=900 update -q
apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends "${missing[@]}"
echo "deps: done"
