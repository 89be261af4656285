#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Which kernels ovlnet targets on this machine.
#   kvers.sh default   the kernel to build for by hand: the running one when its
#                      headers are installed, else the newest generic Debian
#                      headers
#   kvers.sh targets   one installed generic kernel per supported series
#                      (6.1, 6.12): the full VM suite runs on these
#   kvers.sh flavours  the installed extra Debian 12 flavours of 6.12:
#                      -rt (PREEMPT_RT) and -cloud; `make check` builds for
#                      them and smoke-tests them, `make check-kernels` runs
#                      the suite on them
#   kvers.sh all       targets, then flavours
set -euo pipefail

installed() {
	local d
	for d in /lib/modules/*/build; do
		[ -e "$d/Makefile" ] && basename "$(dirname "$d")"
	done 2>/dev/null | sort -V
}

# 6.1.0-57-amd64, 6.12.117+deb12-amd64: generic; ...-rt-amd64, ...-cloud-amd64
generic() { installed | grep -vE -- '-(rt|cloud)-[a-z0-9]+$' || true; }

case "${1:-default}" in
default)
	if [ -e "/lib/modules/$(uname -r)/build/Makefile" ]; then
		uname -r
	else
		generic | tail -n 1 || true
	fi
	;;
targets)
	for series in 6.1 6.12; do
		generic | grep -E "^${series//./\\.}\.[0-9]+" | tail -n 1 || true
	done
	;;
flavours)
	for flavour in rt cloud; do
		installed | grep -E "^6\.12\.[0-9]+.*-${flavour}-amd64$" | tail -n 1 || true
	done
	;;
all)
	"$0" targets
	"$0" flavours
	;;
*)
	echo "usage: $0 default|targets|flavours|all" >&2
	exit 2
	;;
esac
