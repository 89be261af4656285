#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages as an operator uses them, on this (build) machine:
#   1. make deb (dpkg-buildpackage + lintian, no lintian error allowed)
#   2. apt-get install ./ovlnet-dkms_*.deb ./ovlnet-tools_*.deb; DKMS must
#      have built and installed ovlnet.ko for every installed kernel with
#      headers (tools/kvers.sh all and any other)
#   3. a guest boots each kernel in $DEB_TEST_KVERS (default: the newest
#      generic 6.12) with the DKMS-built module and the installed plugins
#      (selftests/vm/run.sh --module ... --plugins ...) and runs ovl_smoke,
#      which checks it loaded the module from updates/dkms
#   4. apt-get purge of both; no file of either package, no
#      /usr/src/ovlnet-*, /var/lib/dkms/ovlnet, ovlnet.ko* or modules.dep
#      line may remain
# One TAP line per check ("ok N - ..."); exit 0 only if all passed.
# Refuses to run when ovlnet packages it did not install itself are present.
# Documentation/packaging.rst describes it.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${CACHE:-${OVLNET_CACHE:-$HOME/.cache/ovlnet}}
export CACHE
OUT=$CACHE/deb
MARK=/var/lib/ovlnet-deb-test.installed
PKGS=(ovlnet-dkms ovlnet-tools)
APT=(apt-get -y -q -o DPkg::Lock::Timeout=900)
export DEBIAN_FRONTEND=noninteractive

n=0
failed=0
tap() # rc what [details]
{
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - deb: $2"
	else
		failed=$((failed + 1))
		echo "not ok $n - deb: $2"
		[ -z "${3:-}" ] || sed 's/^/#   /' <<<"$3" | tail -n 40
	fi
	return "$1"
}
finish() { echo "1..$n"; [ $failed -eq 0 ] && [ $n -gt 0 ]; exit $?; }
say() { echo "deb-test: $*" >&2; }

installed() { dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep ' installed$' >/dev/null; }
present() { dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -v 'not-installed$' >/dev/null; }

# ---- 0. nothing of ours is installed (or only from an aborted run) -------
for p in "${PKGS[@]}"; do
	if present "$p"; then
		if [ -e "$MARK" ]; then
			say "purging $p left by an aborted run"
			"${APT[@]}" purge "${PKGS[@]}" >/dev/null 2>&1 || true
		else
			tap 1 "$p is already installed (not by this test); not touching it"
			finish
		fi
	fi
done
rm -f "$MARK"

# ---- 1. build -------------------------------------------------------------
debs=$("$TOP/tools/make-deb.sh" "$OUT" 2>"$OUT.log" | tail -n 2)
rc=$?
tap $rc "make deb + lintian (no errors)" "$(cat "$OUT.log")" || finish
lint=$(grep -cE '^W:' "$OUT/lintian.log" || true)
say "lintian: $lint warning(s), see $OUT/lintian.log"
mapfile -t DEBS <<<"$debs"

# ---- 2. install -----------------------------------------------------------
touch "$MARK"
out=$("${APT[@]}" install "${DEBS[@]}" 2>&1)
tap $? "apt-get install ${DEBS[*]##*/}" "$out" || finish
version=$(dpkg-query -W -f='${source:Upstream-Version}' ovlnet-dkms)
tap $? "ovlnet-dkms $version installed"
echo "$out" | grep -iE 'dkms|building|ovlnet' | head -n 20 | sed 's/^/# /'

mapfile -t KERNELS < <(for b in /lib/modules/*/build; do
	[ -e "$b/Makefile" ] && basename "$(dirname "$b")"; done | sort -V)
for k in "${KERNELS[@]}"; do
	st=$(dkms status -m ovlnet -v "$version" -k "$k" 2>&1)
	ko=$(ls /lib/modules/"$k"/updates/dkms/ovlnet.ko* 2>/dev/null | head -n 1)
	[[ $st == *": installed"* ]] && [ -n "$ko" ]
	tap $? "DKMS built and installed ovlnet for $k${ko:+ ($ko)}" "$st"
done
tap "$( [ -d "/usr/src/ovlnet-$version" ] && [ -f "/usr/src/ovlnet-$version/dkms.conf" ]; echo $?)" \
	"source and dkms.conf in /usr/src/ovlnet-$version"
grep -q '^AUTOINSTALL="yes"' "/usr/src/ovlnet-$version/dkms.conf"
tap $? "dkms.conf has AUTOINSTALL=yes"
man -w ovl-vxlan >/dev/null 2>&1 && man -w ovl-gre >/dev/null 2>&1
tap $? "man pages ovl-vxlan(8) and ovl-gre(8) installed"
out=$(ip link help ovl-vxlan 2>&1)
[[ $out == *"ovl-vxlan id VNI"* ]]
tap $? "installed plugin answers ip link help ovl-vxlan" "$out"

# ---- 3. guest smoke test with the packaged artefacts ---------------------
: "${DEB_TEST_KVERS:=$("$TOP/tools/kvers.sh" targets | tail -n 1)}"
for k in $DEB_TEST_KVERS; do
	ko=$(ls /lib/modules/"$k"/updates/dkms/ovlnet.ko* 2>/dev/null | head -n 1)
	if [ -z "$ko" ]; then
		tap 1 "guest smoke on $k: no DKMS module"
		continue
	fi
	out=$("$TOP/selftests/vm/run.sh" --kver "$k" --module "$ko" \
		--plugins /usr/lib/x86_64-linux-gnu/ip --tests ovl_smoke 2>&1)
	rc=$?
	grep -q "ok: module from /lib/modules/$k/updates/dkms" <<<"$out" || rc=1
	tap $rc "guest $k: ovl_smoke with the DKMS-built module and the packaged plugins" \
		"$(grep -vE '^\s*\| \[ *[0-9.]+\] ' <<<"$out")"
done

# ---- 4. purge, nothing left ------------------------------------------------
files=$(dpkg -L "${PKGS[@]}" 2>/dev/null | sort -u)
out=$("${APT[@]}" purge "${PKGS[@]}" 2>&1)
tap $? "apt-get purge ${PKGS[*]}" "$out"
rm -f "$MARK"
left=$(for f in $files; do [ -e "$f" ] && [ ! -d "$f" ] && echo "$f"; done)
tap "$( [ -z "$left" ]; echo $?)" "no packaged file left after purge" "$left"
left=$( {
	ls -d /usr/src/ovlnet-* /var/lib/dkms/ovlnet 2>/dev/null
	find /lib/modules -name 'ovlnet.ko*' 2>/dev/null
	grep -l 'ovlnet' /lib/modules/*/modules.dep 2>/dev/null
	for p in "${PKGS[@]}"; do present "$p" && echo "dpkg still knows $p"; done
} )
tap "$( [ -z "$left" ]; echo $?)" "no DKMS tree, source, module or modules.dep entry left" "$left"
finish
