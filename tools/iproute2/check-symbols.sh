#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-symbols.sh IP PLUGIN.so...
#
# A plugin may only use symbols that the ip binary exports (it is linked
# with -export-dynamic) or that the C library provides.  Anything else
# makes ip fail at call time, or print "Garbage instead of arguments"
# when the plugin cannot be loaded at all.
set -euo pipefail

ip=$1
shift
libc=$(ldd "$ip" | awk '/libc\.so/ { print $3 }')
libc=${libc:-/lib/x86_64-linux-gnu/libc.so.6}

defined() {
	nm -D --defined-only "$1" | awk 'NF >= 3 { sub(/@.*/, "", $3); print $3 }'
}

have=$(mktemp)
trap 'rm -f "$have"' EXIT
{ defined "$ip"; defined "$libc"; } | sort -u >"$have"

status=0
for so in "$@"; do
	# Strong undefined symbols only: weak ones (w) may stay unresolved.
	missing=$(nm -D --undefined-only "$so" |
		  awk '$1 == "U" { sub(/@.*/, "", $2); print $2 }' |
		  sort -u | comm -23 - "$have")
	if [ -n "$missing" ]; then
		echo "$so: not exported by $ip nor libc:" >&2
		echo "$missing" | sed 's/^/  /' >&2
		status=1
	fi
	# ip looks the plugin up by this name.
	kind=$(basename "$so" .so)
	kind=${kind#link_}
	if ! nm -D --defined-only "$so" | grep -q " ${kind}_link_util\$"; then
		echo "$so: does not define ${kind}_link_util" >&2
		status=1
	fi
done
exit $status
