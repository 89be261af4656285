#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm: nics=2
#
# Interop over real NIC drivers: the underlay is two virtio-net NICs on one
# qemu hub instead of a veth pair.  virtio-net here has no offloads, so
# every outer checksum is computed in software on transmit and verified on
# receive (a veth carries CHECKSUM_PARTIAL across and hides wrong sums).
# Cases, IPv4 and IPv6 underlay each: ovl-vxlan <-> vxlan without and with
# udpcsum, ovl-vxlan <-> ovl-vxlan udpcsum, ovl-gre <-> gretap (ip6gretap
# over IPv6) without and with csum, ovl-gre <-> ovl-gre csum.  Each: pings
# (full-size DF too) and 2 MiB over TCP each way in turn that must arrive
# intact, with every checksum/error counter unchanged on both sides: the
# *InCsumErrors of every namespace's IPv4/IPv6 MIBs, the ovl devices'
# rx_bad_csum (ethtool -S), the tunnel devices' and NICs' rx/tx error
# counters and the NICs' drop counters.  Every case runs; a failed one is
# followed by the same case between two in-tree drivers (the reference)
# and the failures are listed at the end.
#
#   T-h1 (VM) -- br-T -- t0: KIND1 id/key 500 --.          .-- t0: KIND2 -- br-T -- T-h2 (VM)
#   10.6.0.1                                    |          |                        10.6.0.2
#                          h1: ul = virtio-net 52:54:00:00:00:01   h2: ul = virtio-net ...:02
#                              192.0.2.1  2001:db8::1 \          / 192.0.2.2  2001:db8::2
#                                                      qemu hub 0
set -euo pipefail
DIR=$(dirname "$0")
. "$DIR/lib.sh"
. "$DIR/topo.sh"

SIZE=$((2 * 1024 * 1024))
SRC=/tmp/realnic.src
PORT=5600

check "modprobe ovlnet" modprobe ovlnet
require_mod vxlan ip_gre ip6_gre
topo_nic_underlay 2
for h in h1 h2; do
	log "$h ul: $(nsx $h ethtool -i ul | grep '^driver'), $(nsx $h ethtool -k ul |
		grep -E '^(tx|rx)-checksumming|^tcp-segmentation-offload' | tr '\n' ' ')"
	# The point of this world: no checksum offload on the underlay.  (On
	# receive, ethtool shows virtio-net's rx-checksumming "on [fixed]",
	# but the hub backend has no vnet header, so qemu offers no
	# GUEST_CSUM and never marks a packet DATA_VALID: the stack verifies.)
	check "$h: ul has no tx checksum offload" \
		bash -c "ip netns exec $h ethtool -k ul | grep -q '^tx-checksumming: off'"
done
check "underlay v4 reachable" wait_for -t 10 nsx h1 ping -c 1 -W 1 192.0.2.2
check "underlay v6 reachable" wait_for -t 10 nsx h1 ping -c 1 -W 1 2001:db8::2
head -c $SIZE /dev/urandom >$SRC

COUNTERS=$(cd "$DIR" && pwd)/csum_counters.awk

# snap: "host/[vm/][dev/]counter value" for everything a case watches.
snap()
{
	local i
	for i in 1 2; do
		ip netns exec h$i awk -v pre=h$i/ -v devs="ul t0" \
			-v vms="T-h$i=${VMPID[i]}" -f "$COUNTERS"
	done
}

# moved BEFORE AFTER: the checksum/error/drop counters that changed, and
# a last line "retransmitted N": TCP segments the VMs sent again.
moved()
{
	awk 'NR == FNR { b[$1] = $2; next }
	     $1 ~ /InCsumErrors$|bad_csum$|_errors$|_drops$/ && $2 != b[$1] {
		print "counter moved:", $1, "+" ($2 - b[$1])
	     }
	     $1 ~ /T-h.\/Tcp:RetransSegs$/ { n += $2 - b[$1] }
	     END { print "retransmitted", n + 0 }' "$1" "$2"
}

listening() { [ -n "$(nsx "$1" ss -Hltn "sport = :$2")" ]; }

# tunnel_args KIND CSUM
tunnel_args()
{
	case "$1" in
	ovl-vxlan | vxlan)
		echo "id 500 dstport 4789 $([ "$2" = csum ] && echo udpcsum || echo noudpcsum)" ;;
	*)
		echo "key 500 $([ "$2" = csum ] && echo csum)" ;;
	esac
}

# pair T FAMILY KIND1 KIND2 CSUM: case T, tunnel t0 of KIND1 on h1 and of
# KIND2 on h2, in the tenant bridges.  TCP runs each way in turn: SIZE
# bytes from each VM to the other's busybox nc, compared byte for byte.
pair()
{
	local t=$1 fam=$2 csum=$5 i j k loc rem mtu m t0 t1 bad=()
	local kinds=("" "$3" "$4") rpid=() spid=()
	for i in 1 2; do
		j=$((3 - i)) k=${kinds[i]}
		if [ "$fam" = 4 ]; then loc=192.0.2.$i rem=192.0.2.$j
		else loc=2001:db8::$i rem=2001:db8::$j; fi
		# shellcheck disable=SC2046
		check "$t: h$i $k v$fam $csum" ip -n h$i link add t0 master br-T up \
			type "$k" $(tunnel_args "$k" "$csum") local $loc remote $rem dev ul
	done
	# The VMs get the smaller of the two tunnels' MTUs, as a cloud would.
	mtu=1500
	for i in 1 2; do
		[[ $(ip -n h$i -o link show t0) =~ \ mtu\ ([0-9]+) ]] ||
			fail "$t: h$i: no MTU on t0"
		m=${BASH_REMATCH[1]}
		if [ "$m" -lt "$mtu" ]; then mtu=$m; fi
	done
	PORT=$((PORT + 1))
	for i in 1 2; do
		ip -n "T-h$i" link set eth0 mtu "$mtu"
		ip netns exec "T-h$i" timeout 120 busybox nc -l -p $PORT \
			>/tmp/realnic.h$i.out &
		rpid[i]=$!
	done
	snap >/tmp/realnic.before
	check "$t: ping h1->h2" wait_for -t 20 nsx T-h1 ping -c 1 -W 1 10.6.0.2
	check "$t: full-size DF ping h2->h1 (VM MTU $mtu)" nsx T-h2 ping -c 1 \
		-W 2 -M "do" -s $((mtu - 28)) 10.6.0.1
	for i in 1 2; do
		wait_for -t 10 listening "T-h$i" $PORT >/dev/null ||
			fail "$t: T-h$i: nc is not listening"
	done
	# One direction, then the other.  (Both at once, with both NICs'
	# rings full in both directions, once wedged qemu 7.2's emulated
	# NICs: "NETDEV WATCHDOG: ... transmit queue 0 timed out" on the
	# virtio NIC, and the in-tree vxlan reference then hung as well.)
	t0=$EPOCHREALTIME
	for i in 1 2; do
		j=$((3 - i))
		if ! ip netns exec "T-h$i" timeout 60 \
			bash -c "cat $SRC >/dev/tcp/10.6.0.$j/$PORT"; then
			kill "${rpid[j]}" 2>/dev/null || true
			bad+=("TCP h$i->h$j: the sender did not finish in 60 s")
		fi
	done
	t1=$EPOCHREALTIME
	for i in 1 2; do
		j=$((3 - i))
		wait "${rpid[j]}" 2>/dev/null || true
		cmp -s "$SRC" /tmp/realnic.h$j.out ||
			bad+=("TCP h$i->h$j: $(stat -c %s /tmp/realnic.h$j.out) of $SIZE bytes arrived or they differ")
	done
	snap >/tmp/realnic.after
	mapfile -t -O ${#bad[@]} bad < <(moved /tmp/realnic.before /tmp/realnic.after)
	m=${bad[-1]#retransmitted }
	unset 'bad[-1]'
	t0=$(((${t1/./} - ${t0/./}) / 100000))
	log "$t: TCP each way in turn $((t0 / 10)).$((t0 % 10)) s," \
		"$m segments retransmitted;" \
		"$(grep -c . /tmp/realnic.after) counters watched;" \
		"$(grep -E '^h[12]/t0/rx_bad_csum ' /tmp/realnic.after | tr '\n' ' ')"
	if [ ${#bad[@]} -gt 0 ]; then
		printf '  %s\n' "${bad[@]}"
		fail "$t: ${bad[0]}"
	fi
	log "ok: $t: $3 <-> $4 v$fam $csum: $SIZE bytes intact each way, no checksum or error counter moved"
}

FAILED=()
NCASES=0
# run_case T FAMILY KIND1 KIND2 CSUM: pair in a subshell (a failure ends
# only that case); after a failure, the same with the in-tree driver on
# both ends tells the test world from ovlnet.
run_case()
{
	local rc ref
	NCASES=$((NCASES + 1))
	set +e
	(set -e; pair "$@")
	rc=$?
	set -e
	ip -n h1 link del t0 2>/dev/null || true
	ip -n h2 link del t0 2>/dev/null || true
	[ $rc -eq 0 ] && return 0
	FAILED+=("$1")
	ref=${4#ovl-}
	[ "$ref" = gre ] && ref=$([ "$2" = 4 ] && echo gretap || echo ip6gretap)
	[ "$3" = "$ref" ] && [ "$4" = "$ref" ] && return 0
	log "$1 failed; the reference, $ref <-> $ref, for comparison:"
	set +e
	(set -e; pair "$1-ref" "$2" "$ref" "$ref" "$5")
	rc=$?
	set -e
	ip -n h1 link del t0 2>/dev/null || true
	ip -n h2 link del t0 2>/dev/null || true
	log "$1: reference $ref <-> $ref v$2 $5: $([ $rc = 0 ] && echo passes || echo "fails too")"
}

# The tenant: one VM per host behind br-T; each case plugs its tunnels in.
# VMPID: a process in each VM namespace, for its MIBs in /proc/PID/net.
VMPID=()
for i in 1 2; do
	ip -n h$i link add br-T type bridge || fail "h$i: br-T"
	ip -n h$i link set br-T up
	topo_vm h$i T 10.6.0.$i/24 02:00:00:00:06:0$i
	ip netns exec T-h$i sleep 100000 &
	VMPID[i]=$!
done

for fam in 4 6; do
	gre=gretap
	[ $fam = 6 ] && gre=ip6gretap
	run_case vx${fam}n $fam ovl-vxlan vxlan nocsum
	run_case vx${fam}c $fam ovl-vxlan vxlan csum
	run_case vx${fam}c-oo $fam ovl-vxlan ovl-vxlan csum
	run_case gr${fam}n $fam ovl-gre $gre nocsum
	run_case gr${fam}c $fam ovl-gre $gre csum
	run_case gr${fam}c-oo $fam ovl-gre ovl-gre csum
done

for h in h1 h2; do
	log "$h ul: $(nsx $h ip -s link show ul | awk '/RX:/{getline; r=$2} /TX:/{getline; t=$2} END {print "rx " r " tx " t " packets"}')"
done
[ ${#FAILED[@]} -eq 0 ] || fail "${#FAILED[@]} of $NCASES cases failed: ${FAILED[*]}"
log "PASS: $NCASES cases"
