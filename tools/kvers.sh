#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Which kernels ovlnet targets on this machine.
#   kvers.sh default   the kernel to build for by hand: the running one when its
#                      headers are installed, else the newest Debian headers
#   kvers.sh targets   one installed kernel per supported series (6.1, 6.12)
set -euo pipefail

installed() {
	local d
	for d in /lib/modules/*/build; do
		[ -e "$d/Makefile" ] && basename "$(dirname "$d")"
	done 2>/dev/null | sort -V
}

case "${1:-default}" in
default)
	if [ -e "/lib/modules/$(uname -r)/build/Makefile" ]; then
		uname -r
	else
		installed | tail -n 1
	fi
	;;
targets)
	for series in 6.1 6.12; do
		installed | grep -E "^${series//./\\.}\.[0-9]+" | tail -n 1
	done
	;;
*)
	echo "usage: $0 default|targets" >&2
	exit 2
	;;
esac
