#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-examples.sh: host-side checks of examples/ (see
# Documentation/config-examples.rst; the guest side is
# selftests/net/ovl_examples.sh).  One TAP line per check.
#   - systemd units: systemd-analyze verify, with the ovl-vxlan(8) that
#     Documentation= names built into a temporary MANPATH
#   - libvirt XML: virt-xml-validate
#   - modules-load.d: the file loads ovlnet
set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
EX=$TOP/examples
n=0
failed=0
tap() # rc what [output]
{
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		failed=$((failed + 1))
		echo "not ok $n - $2"
		[ -n "${3:-}" ] && sed 's/^/#   /' <<<"$3"
	fi
}

man=$(mktemp -d)
trap 'rm -rf "$man"' EXIT
make -s -C "$TOP/tools" man >/dev/null &&
	make -s -C "$TOP/tools" install-man DESTDIR="$man" >/dev/null
tap $? "man pages build (for Documentation= in the units)"

for u in "$EX"/systemd-networkd/*.service; do
	out=$(cd "$(dirname "$u")" && MANPATH=$man/usr/share/man \
		systemd-analyze verify "./$(basename "$u")" 2>&1)
	rc=$?
	[ -z "$out" ] || rc=1    # any complaint counts
	tap $rc "systemd-analyze verify examples/systemd-networkd/$(basename "$u")" "$out"
done

for x in "$EX"/libvirt/*.xml; do
	out=$(virt-xml-validate "$x" 2>&1)
	tap $? "virt-xml-validate examples/libvirt/$(basename "$x")" "$out"
done

grep -qx ovlnet "$EX/modules-load.d/ovlnet.conf"
tap $? "examples/modules-load.d/ovlnet.conf loads ovlnet"

echo "1..$n"
[ $failed -eq 0 ]
