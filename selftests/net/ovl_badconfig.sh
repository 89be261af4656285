#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every invalid configuration is refused with an extack message naming
# the problem, and leaves no device behind.  Bad `bridge fdb` calls too.
#
#   init netns: dummy ul0 192.0.2.1/24, 2001:db8::1/64 (an underlay to name)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

check "modprobe ovlnet" modprobe ovlnet
require_mod dummy
ip link add ul0 type dummy
ip addr add 192.0.2.1/24 dev ul0
ip addr add 2001:db8::1/64 dev ul0 nodad
ip link set ul0 up

NL=$(dirname "$0")/ovlnl

# refused "expected extack" KIND ATTR VALUE...: raw RTM_NEWLINK (no plugin
# checks in the way) must fail with that message and leave nothing behind.
refused()
{
	local msg=$1 out rc=0
	shift
	out=$("$NL" add bad0 "$@" 2>&1) || rc=$?
	[ $rc -ne 0 ] || fail "accepted: $*"
	printf '%s\n' "$out" | grep -qF -- "$msg" ||
		fail "$*: expected '$msg', got: $out"
	ip link show bad0 >/dev/null 2>&1 && fail "bad0 left behind after: $*"
	log "ok: refused: $out"
}

refused "IFLA_OVL_ID: a VNI (id) is required" ovl-vxlan remote 192.0.2.2
refused "IFLA_OVL_ID: a GRE key is required" ovl-gre remote 192.0.2.2
refused "IFLA_OVL_ID: VNI must be below 2^24" ovl-vxlan id 16777216
refused "IFLA_OVL_ID: NVGRE VSID must be below 2^24" ovl-gre id 16777216 nvgre 1
refused "IFLA_OVL_GROUP: remote and group are mutually exclusive" \
	ovl-vxlan id 1 remote 192.0.2.2 group 239.1.1.1 link ul0
refused "mixed IPv4 and IPv6" ovl-vxlan id 1 local 192.0.2.1 remote 2001:db8::2
refused "IFLA_OVL_GROUP: not a multicast address" ovl-vxlan id 1 group 192.0.2.9 link ul0
refused "IFLA_OVL_GROUP: a multicast group needs dev" ovl-vxlan id 1 group 239.1.1.1
refused "IFLA_OVL_REMOTE: multicast address, use group" ovl-vxlan id 1 remote 239.1.1.1
refused "IFLA_OVL_LOCAL: must be a unicast address" ovl-vxlan id 1 local 239.1.1.1
refused "IFLA_OVL_PORT: destination port must not be 0" ovl-vxlan id 1 port 0
refused "IFLA_OVL_PORT_RANGE" ovl-vxlan id 1 portrange 2000:1000
refused "IFLA_OVL_PORT_RANGE" ovl-vxlan id 1 portrange 0:10
refused "IFLA_OVL_LINK: no such underlay device" ovl-vxlan id 1 link 99999
refused "IFLA_OVL_PORT: ovl-gre has no UDP port" ovl-gre id 1 port 4789
refused "IFLA_OVL_NVGRE: nvgre is an ovl-gre option" ovl-vxlan id 1 nvgre 1
refused "IFLA_OVL_GRE_CSUM" ovl-vxlan id 1 grecsum 1
refused "IFLA_OVL_UDP_CSUM" ovl-gre id 1 udpcsum 1
refused "" ovl-vxlan id 1 df 9
refused "" ovl-vxlan id 1 learning 2
refused "" ovl-vxlan id 1 raw1 0102
# Strict parsing: an attribute this module does not know (a newer uapi,
# a typo) is refused, never silently ignored.  rtnetlink itself skips them.
refused "IFLA_INFO_DATA: unknown IFLA_OVL_* attribute" ovl-vxlan id 1 raw1000 00
refused "IFLA_INFO_DATA: unknown IFLA_OVL_* attribute" ovl-gre id 1 raw1000 0000
refused "IFLA_INFO_DATA: unknown IFLA_OVL_* attribute" ovl-vxlan id 1 raw0 00000000

check "first device" ip link add x1 type ovl-vxlan id 7 local 192.0.2.1 dstport 4789
refused "IFLA_OVL_ID: this ID is in use" ovl-vxlan id 7 local 192.0.2.1
refused "IFLA_OVL_ID: this ID is in use" ovl-vxlan id 7
check "same VNI on another port is fine" ip link add x2 type ovl-vxlan id 7 dstport 4790
check "same VNI on IPv6 is fine" ip link add x3 type ovl-vxlan id 7 local 2001:db8::1
check "gre key 0x500" ip link add g1 type ovl-gre key 0x500
refused "IFLA_OVL_ID: this ID is in use" ovl-gre id 5 nvgre 1
check "gre nvgre vsid 6" ip link add g2 type ovl-gre key 6 nvgre
refused "IFLA_OVL_ID: this ID is in use" ovl-gre id 0x6ff

# The plugin also answers bad command lines itself, before the kernel.
check_fail "plugin: missing id" ip link add bad0 type ovl-vxlan remote 192.0.2.2
check_fail "plugin: id too big" ip link add bad0 type ovl-vxlan id 16777216
check "plugin: help" bash -c "ip link help ovl-vxlan 2>&1 | grep -q dstport"
ip link show bad0 >/dev/null 2>&1 && fail "bad0 left behind by the plugin cases"

# Immutable attributes on a live device; nothing changes.
out=$(ip link set x1 type ovl-vxlan id 8 2>&1) && fail "id change accepted"
printf '%s\n' "$out" | grep -q "IFLA_OVL_ID: cannot change" || fail "id change: $out"
ip -d link show x1 | grep "id 7" >/dev/null || fail "id changed anyway"
out=$(ip link set x1 type ovl-vxlan dstport 4791 2>&1) && fail "port change accepted"
printf '%s\n' "$out" | grep -q "IFLA_OVL_PORT: cannot change" || fail "port change: $out"
out=$(ip link set x1 type ovl-vxlan remote 2001:db8::2 2>&1) && fail "family change accepted"
log "ok: immutable attributes refused"
out=$("$NL" set x1 ovl-vxlan ttl 5 raw1000 00 2>&1) && fail "changelink with an unknown attribute accepted"
printf '%s\n' "$out" | grep -qF "unknown IFLA_OVL_* attribute" || fail "changelink unknown attribute: $out"
ip -d link show x1 | grep "ttl 5" >/dev/null && fail "changelink with an unknown attribute half applied"
log "ok: changelink refused: $out"
check "live change ttl/ageing/maxaddress" ip link set x1 type ovl-vxlan ttl 9 ageing 20 maxaddress 50
check "live values shown" bash -c "ip -d link show x1 | grep -q 'ttl 9' && ip -d link show x1 | grep -q 'ageing 20'"

# bridge fdb errors
fdb_refused()
{
	local msg=$1 out rc=0
	shift
	out=$(bridge fdb "$@" 2>&1) || rc=$?
	[ $rc -ne 0 ] || fail "accepted: bridge fdb $*"
	printf '%s\n' "$out" | grep -qF -- "$msg" || fail "bridge fdb $*: expected '$msg', got: $out"
	log "ok: fdb refused ($msg): $*"
}
fdb_refused "NDA_DST: a destination" add 02:00:00:00:00:01 dev x1
fdb_refused "NDA_DST: address family" add 02:00:00:00:00:01 dev x1 dst 2001:db8::2
fdb_refused "NDA_LLADDR: multicast" add 01:00:5e:00:00:01 dev x1 dst 192.0.2.2
fdb_refused "NDA_PORT" add 02:00:00:00:00:01 dev g1 dst 192.0.2.2 port 5
check "fdb add" bridge fdb add 02:00:00:00:00:01 dev x1 dst 192.0.2.2
fdb_refused "entry exists" add 02:00:00:00:00:01 dev x1 dst 192.0.2.3
fdb_refused "no such entry" del 02:00:00:00:00:09 dev x1
check "maxaddress 1" ip link set x1 type ovl-vxlan maxaddress 1
fdb_refused "maxaddress" add 02:00:00:00:00:02 dev x1 dst 192.0.2.2
log PASS
