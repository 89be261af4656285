/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ovlnet-agent: shared state.  One struct agent per process (one network
 * namespace); one struct dev per ovl-vxlan/ovl-gre device in it.  One
 * thread does everything but renew the lease: nothing here is locked
 * except struct lease_keeper (lease.c), shared with the renewing thread.
 *
 * Sets and maps are json-c objects (hash tables keyed by string), which
 * also makes the state file and --status output plain JSON.
 */
#ifndef OVLNET_AGENT_H
#define OVLNET_AGENT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>
#include <json-c/json.h>

#include "etcd.h"
#include "rtnl.h"

#define AGENT_DEFAULT_PREFIX	"/ovlnet"
#define AGENT_DEFAULT_TTL	10
#define AGENT_DEFAULT_PROTO	233	/* NDA_PROTOCOL of our FDB entries */
#define AGENT_STATE_DIR		"/run/ovlnet-agent"

struct dev {
	struct dev *next;
	int ifindex;
	char name[IF_NAMESIZE];
	char kind[8];		/* "vxlan", "gre" or "nvgre" */
	uint32_t id;		/* VNI, key or VSID */
	uint16_t port;		/* UDP port (vxlan), 0 for GRE */
	struct ip_addr local;	/* the device's local, may be unset */
	int link;		/* underlay ifindex, 0 if none */
	int master;		/* bridge ifindex, 0 if none */
	bool group;		/* multicast group mode: not managed */
	bool seen;		/* found in the latest link dump */

	struct ip_addr vtep;	/* what we register: local or dev's addr */
	char group_key[48];	/* "kind/id/port" */

	/* FDB entries we installed: flood dsts {addr: 1}, MACs {mac: addr} */
	json_object *own_flood;
	json_object *own_macs;
	/* what the kernel holds, from the latest FDB dump */
	json_object *cur_flood;	/* {addr: proto} */
	json_object *cur_macs;	/* {mac: {"dst", "static", "proto", "ext"}} */
	json_object *local_macs;/* {mac: 1}: behind local bridge ports */
};

/* lease.c: the thread that renews the lease; fields below mu are shared */
struct lease_keeper {
	struct etcd etcd;	/* the thread's own (own curl handle) */
	pthread_t thr;
	bool running;
	unsigned int seed;	/* jitter */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
	int64_t lease;		/* to renew; 0: none (expired: cleared) */
	int ttl;
	double next;		/* next renewal (CLOCK_MONOTONIC) */
	int backoff;		/* seconds, after a failed renewal */
	bool failing;		/* the latest renewal failed */
	bool expired;		/* etcd said the lease is gone */
	double last_ok;		/* latest renewal that worked */
	unsigned long renewed;	/* renewals that worked */
	unsigned long gen;	/* bumped by every renewal attempt */
	char err[256];		/* the latest failure */
};

/* What the main loop reads of it. */
struct lease_status {
	unsigned long gen;
	int64_t lease;
	bool expired;
	bool failing;
	double last_ok;
	unsigned long renewed;
	char err[256];
};

struct agent {
	/* options */
	const char *prefix;
	int ttl;
	bool once;
	bool macs;
	uint8_t proto;
	const char *state_path;
	char hostname[64];

	struct etcd etcd;
	struct lease_keeper keeper;
	struct rtnl rtnl;
	struct dev *devs;

	/* etcd session */
	int64_t lease;		/* 0: none */
	bool etcd_up;		/* last request worked */
	bool need_resync;	/* full range + new watch */
	bool synced;		/* the cache reflects etcd at least once */
	int64_t rev;		/* revision the cache is at */
	unsigned long keeper_gen;	/* the keeper's verdict last read */
	bool keeper_down;	/* etcd_up fell with a failed renewal */
	double next_try;	/* backoff: no etcd request before this */
	int backoff;		/* seconds */
	double down_since;
	double last_nag;	/* last "still unreachable" line */
	double next_watch;	/* no watch restart before this */
	int watch_backoff;	/* seconds */
	unsigned int seed;	/* jitter */
	unsigned long resyncs;	/* full range reads */

	/* etcd's view: vteps {group: {addr: {"lease", "rev"}}},
	 * macs {group: {mac: {addr: {"lease", "rev"}}}}
	 */
	json_object *vteps;
	json_object *rmacs;

	/* what needs a pass */
	bool dirty_links;	/* re-dump links and addresses */
	bool dirty_fdb;		/* re-dump FDBs and reconcile */
	bool dirty_state;	/* rewrite the state file */

	/* kernel support, learnt from what it echoes: -1 unknown */
	int proto_ok;
	int ext_ok;

	json_object *saved;	/* state file loaded at start */
	double started;
};

/* lease.c */
int lease_keeper_start(struct lease_keeper *k, const char *endpoints,
		       long timeout_ms, const struct etcd_tls *tls);
void lease_keeper_stop(struct lease_keeper *k);
void lease_keeper_set(struct lease_keeper *k, int64_t lease, int ttl);
void lease_keeper_read(struct lease_keeper *k, struct lease_status *st);

/* main.c */
void logmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
double now_mono(void);

/* links.c: devices from rtnetlink */
int links_refresh(struct agent *a);
int fdb_refresh(struct agent *a);
void links_event(struct agent *a, const struct nlmsghdr *nlh);
struct dev *dev_by_ifindex(struct agent *a, int ifindex);
void dev_free(struct dev *d);

/* sync.c: etcd cache and reconciliation */
void cache_event(void *ctx, const struct etcd_event *ev);
void cache_clear(struct agent *a);
int sync_registrations(struct agent *a);
int sync_fdb(struct agent *a, struct dev *d);
void sync_forget(struct agent *a, struct dev *d);
int sync_unregister_all(struct agent *a);

/* state.c: state file, status */
void state_load(struct agent *a);
void state_save(struct agent *a);
void state_adopt(struct agent *a, struct dev *d);
void status_print(struct agent *a, FILE *f);
int status_show(const char *path);
const char *state_default_path(void);

#endif
