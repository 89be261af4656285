#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for the ovlnet guest selftests.  Every test does
#     . "$(dirname "$0")/lib.sh"
# Tests run as root inside the qemu guest (selftests/vm/run.sh), one script
# per test; exit 0 = pass, 1 = fail, 4 = skip (use skip "reason").
#
#   log msg...              timestamped progress line
#   fail msg...             print "FAIL: msg" and exit 1
#   skip msg...             print "SKIP: msg" and exit 4
#   check "what" cmd...     run cmd; on failure print its output and fail
#   check_fail "what" cmd.. cmd must fail
#   ns_create NAME...       create netns NAME (lo up), remembered for cleanup
#   nsx NAME cmd...         ip netns exec NAME cmd...
#   wait_for [-t SEC] cmd.. retry cmd every 0.1 s until it succeeds
#   require_cmd CMD...      skip unless each command exists
#   require_mod MOD...      skip unless modprobe MOD works
#   ovl_dev_add NAME        remember an init-netns device for cleanup
#   cleanup                 (EXIT trap) deletes every netns and remembered dev
set -u

export KSFT_PASS=0
export KSFT_FAIL=1
export KSFT_SKIP=4

TEST_NAME=$(basename "$0" .sh)
LIB_NETNS=()
LIB_DEVS=()
# Paths to the real iproute2 etc.  (busybox applets live in /bin only)
export PATH=/usr/sbin:/usr/bin:/sbin:/bin

log()
{
	printf '[%s %s] %s\n' "$TEST_NAME" "$(date +%T)" "$*"
}

fail()
{
	printf 'FAIL: %s: %s\n' "$TEST_NAME" "$*"
	exit "$KSFT_FAIL"
}

skip()
{
	printf 'SKIP: %s\n' "$*"
	exit "$KSFT_SKIP"
}

# check "description" cmd args...   -- runs cmd, fails the test if it fails
check()
{
	local what=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	if [ $rc -ne 0 ]; then
		printf '%s\n' "$out"
		fail "$what (exit $rc: $*)"
	fi
	log "ok: $what"
}

# check_fail "description" cmd args...   -- cmd must fail
check_fail()
{
	local what=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	if [ $rc -eq 0 ]; then
		printf '%s\n' "$out"
		fail "$what (unexpectedly succeeded: $*)"
	fi
	log "ok: $what"
}

# check_refused "description" WANT cmd args...   -- cmd must fail, and its
# error (the kernel's extack, as ip/bridge print it) must contain WANT
check_refused()
{
	local what=$1 want=$2 out
	shift 2
	out=$("$@" 2>&1) && fail "$what: accepted: $*"
	case "$out" in *"$want"*) ;; *) printf '%s\n' "$out"; fail "$what: no '$want'" ;; esac
	log "ok: $what refused: $out"
}

ns_create()
{
	local ns
	for ns in "$@"; do
		ip netns add "$ns" || fail "ip netns add $ns"
		LIB_NETNS+=("$ns")
		ip -n "$ns" link set lo up || fail "lo up in $ns"
	done
}

nsx()
{
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# wait_for [-t SECONDS] cmd args...   (default 5 s)
wait_for()
{
	local t=5 i
	if [ "${1:-}" = "-t" ]; then
		t=$2
		shift 2
	fi
	for ((i = 0; i < t * 10; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	"$@"
}

require_cmd()
{
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip "command $c not available"
	done
}

require_mod()
{
	local m
	for m in "$@"; do
		modprobe "$m" 2>/dev/null || skip "module $m not available"
	done
}

ovl_dev_add()
{
	LIB_DEVS+=("$@")
}

cleanup()
{
	local d ns
	set +e
	for d in "${LIB_DEVS[@]}"; do
		ip link del "$d" 2>/dev/null
	done
	for ns in "${LIB_NETNS[@]}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	# Any ovl-* devices a test left in the init netns.
	ip -o link show type ovl-vxlan 2>/dev/null | awk -F': ' '{print $2}' |
		cut -d@ -f1 | xargs -r -n1 ip link del 2>/dev/null
	ip -o link show type ovl-gre 2>/dev/null | awk -F': ' '{print $2}' |
		cut -d@ -f1 | xargs -r -n1 ip link del 2>/dev/null
	return 0
}
trap cleanup EXIT
