#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the ovlnet-agent tests (source after lib.sh and topo.sh):
# a real 3-member etcd cluster (Debian's etcd 3.4 binary), each member in
# its own namespace e1..e3 on the underlay switch, and ovlnet-agent runs
# in host namespaces.
#
#   sw --- e1 192.0.2.201   e2 192.0.2.202   e3 192.0.2.203  (etcd :2379)
#    `---- h1 .. hN (topo_underlay)
#
#   etcd_cluster_start            three members (ETCD_N), waits for a leader
#                                 (= etcd_cluster_setup + _start_members)
#   etcd_member_start N / etcd_member_kill N
#   etcd_api N PATH JSON          a v3 JSON gateway call (curl) to member N
#   etcd_revision N / etcd_count N PREFIX / etcd_healthy [N]
#   wait_until SEC cmd...         retry cmd (every 0.5 s) for SEC guest seconds
#   agent_start HOST [ARGS...]    ovlnet-agent in HOST, log /tmp/agent-HOST.log
#   agent_kill HOST [SIGNAL]
#   flood_list NS DEV             the flood list's destinations, sorted
#   flood_expect HOST FAMILY N... the expected flood list of HOST: the
#                                 others among hosts N... (family 4 or 6)
#   wait_flood [-t] SEC NS DEV "LIST" until flood_list equals LIST
#   now                           the guest clock, seconds (float)

# ETCD_N=1 (set before sourcing) runs a one-member cluster: the same code
# paths for the agent, a fraction of the CPU under qemu TCG.
ETCD_N=${ETCD_N:-3}
ETCD_EPS=$(for ((n = 1; n <= ETCD_N; n++)); do echo "http://192.0.2.20$n:2379"; done | tr "\n" , | sed "s/,$//")
ETCD_CLUSTER=$(for ((n = 1; n <= ETCD_N; n++)); do echo "e$n=http://192.0.2.20$n:2380"; done | tr "\n" , | sed "s/,$//")
declare -A ETCD_PID AGENT_PID

now()
{
	date +%s.%N
}

# wait_until SEC cmd...: like wait_for, but bounded by the clock (a slow
# command does not stretch the wait)
wait_until()
{
	local end
	end=$(echo "$(now) $1" | awk '{printf "%d", $1 + $2}')
	shift
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "$(date +%s)" -lt "$end" ] || break
		sleep 0.5
	done
	"$@"
}

since() # T0 -> seconds since, 1 decimal
{
	echo "$(now) $1" | awk '{printf "%.1f", $1 - $2}'
}

etcd_member_start()
{
	local n=$1
	# Under qemu TCG every CPU cycle counts: one Go thread per member and
	# a relaxed raft clock (elections after 5 s without a heartbeat).
	ip netns exec e$n env GOMAXPROCS=1 etcd --name e$n --data-dir /tmp/etcd-e$n \
		--listen-client-urls http://192.0.2.20$n:2379 \
		--advertise-client-urls http://192.0.2.20$n:2379 \
		--listen-peer-urls http://192.0.2.20$n:2380 \
		--initial-advertise-peer-urls http://192.0.2.20$n:2380 \
		--initial-cluster "$ETCD_CLUSTER" --initial-cluster-state new \
		--initial-cluster-token ovlnet-test \
		--heartbeat-interval 1000 --election-timeout 10000 \
		--snapshot-count 5000 --log-level error \
		>>/tmp/etcd-e$n.log 2>&1 &
	ETCD_PID[$n]=$!
}

etcd_member_kill()
{
	local n=$1
	kill -9 "${ETCD_PID[$n]}" 2>/dev/null || true
	wait "${ETCD_PID[$n]}" 2>/dev/null || true	# its status is the signal
	ETCD_PID[$n]=
	return 0
}

# etcd_api N PATH JSON: one v3 JSON gateway call to member N (curl).
etcd_api()
{
	nsx e$1 curl -s -m 10 -X POST "http://192.0.2.20$1:2379$2" -d "$3"
}

# etcd_revision N: the store revision member N reports.
etcd_revision()
{
	etcd_api "$1" /v3/kv/range '{"key":"AA=="}' |
		grep -o '"revision":"[0-9]*"' | sed -n 1p | grep -o '[0-9]*'
}

# etcd_count N PREFIX: number of keys under PREFIX.
etcd_count()
{
	local k e
	k=$(printf '%s' "$2" | base64)
	e=$(printf '%s' "${2%?}$(printf '%s' "${2: -1}" | tr '/' '0')" | base64)
	etcd_api "$1" /v3/kv/range "{\"key\":\"$k\",\"range_end\":\"$e\",\"count_only\":true}" |
		grep -o '"count":"[0-9]*"' | grep -o '[0-9]*' || echo 0
}

etcd_healthy() # [N]: member N (default: any) answers /health true
{
	local n
	for n in ${1:-$(seq 1 $ETCD_N)}; do
		nsx e$n curl -s -m 10 "http://192.0.2.20$n:2379/health" 2>/dev/null |
			grep -q '"health":"true"' && return 0
	done
	return 1
}

# etcd_cluster_setup: the members' namespaces on the switch, no etcd yet
etcd_cluster_setup()
{
	local n
	# A guest runs several agent tests in turn: nothing of an earlier one
	# (etcd's data and leases, the agents' state files, which are keyed by
	# a netns inode that a new namespace may reuse, their logs) may leak in.
	rm -rf /tmp/etcd-e* /tmp/agent-*.log /run/ovlnet-agent
	for ((n = 1; n <= ETCD_N; n++)); do
		ns_create e$n
		ip link add ul netns e$n type veth peer name pe$n netns sw ||
			fail "etcd veth e$n"
		ip -n sw link set pe$n master sw
		ip -n sw link set pe$n up
		ip -n e$n addr add 192.0.2.20$n/24 dev ul
		ip -n e$n link set ul up
	done
}

# etcd_cluster_start_members: start every member, wait for a quorum
etcd_cluster_start_members()
{
	local n t0
	for ((n = 1; n <= ETCD_N; n++)); do
		etcd_member_start $n
	done
	t0=$(now)
	wait_until 240 etcd_healthy || {
		tail -n 20 /tmp/etcd-e*.log
		fail "etcd cluster did not become healthy"
	}
	log "etcd: $ETCD_N-member cluster healthy after $(since "$t0") s"
}

etcd_cluster_start()
{
	etcd_cluster_setup
	etcd_cluster_start_members
}

agent_start()
{
	local h=$1
	shift
	# etcd answers slowly under TCG: 10 s per request, not 2.  `ip netns
	# exec` execs the agent: $! is the agent's own pid (signals reach it).
	ip netns exec "$h" ovlnet-agent --endpoints "$ETCD_EPS" --name "$h" \
		--timeout 10000 "$@" >>/tmp/agent-$h.log 2>&1 &
	AGENT_PID[$h]=$!
}

agent_kill()
{
	local h=$1 sig=${2:-TERM}
	kill -"$sig" "${AGENT_PID[$h]}" 2>/dev/null || true
	wait "${AGENT_PID[$h]}" 2>/dev/null || true	# its status is the signal
	AGENT_PID[$h]=
	return 0
}

flood_list()
{
	bridge -n "$1" fdb show dev "$2" 2>/dev/null |
		awk '$1 == "00:00:00:00:00:00" && / self/ {print $3}' | sort | tr '\n' ' '
}

flood_expect()
{
	local me=$1 fam=$2 j
	shift 2
	for j in "$@"; do
		[ "h$j" = "$me" ] && continue
		if [ "$fam" = 4 ]; then echo "192.0.2.$j"; else echo "2001:db8::$j"; fi
	done | sort | tr '\n' ' '
}

flood_is()
{
	[ "$(flood_list "$1" "$2")" = "$3" ]
}

wait_flood()
{
	[ "$1" = -t ] && shift
	local t=$1 ns=$2 dev=$3 want=$4
	wait_until "$t" flood_is "$ns" "$dev" "$want" >/dev/null 2>&1 && return 0
	log "$ns $dev flood list: '$(flood_list "$ns" "$dev")', want '$want'"
	return 1
}

agent_logs()
{
	local f
	for f in /tmp/agent-*.log; do
		[ -e "$f" ] || continue
		echo "---- $f (last 25 lines)"
		tail -n 25 "$f"
	done
}
