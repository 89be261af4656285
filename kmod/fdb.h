/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The forwarding database shared by ovl-vxlan and ovl-gre: inner MAC ->
 * remote VTEPs.  The all-zeros MAC holds the flood list (head-end
 * replication) for broadcast, unknown unicast and multicast frames.
 *
 * Remote VTEPs are objects of their own (struct ovl_remote), shared by
 * every entry that points at them, so a million MACs behind a hundred
 * VTEPs cost a hundred route caches, not a million.
 */
#ifndef _OVL_FDB_H
#define _OVL_FDB_H

#include <linux/etherdevice.h>
#include <linux/in6.h>
#include <linux/rhashtable.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/dst_cache.h>

struct ovl_addr {
	sa_family_t family;		/* AF_UNSPEC, AF_INET or AF_INET6 */
	union {
		__be32 ip4;
		struct in6_addr ip6;
	};
};

static inline bool ovl_addr_equal(const struct ovl_addr *a,
				  const struct ovl_addr *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return a->ip4 == b->ip4;
	if (a->family == AF_INET6)
		return ipv6_addr_equal(&a->ip6, &b->ip6);
	return true;
}

static inline bool ovl_addr_any(const struct ovl_addr *a)
{
	if (a->family == AF_INET)
		return a->ip4 == 0;
	if (a->family == AF_INET6)
		return ipv6_addr_any(&a->ip6);
	return true;
}

static inline bool ovl_addr_multicast(const struct ovl_addr *a)
{
	if (a->family == AF_INET)
		return ipv4_is_multicast(a->ip4);
	if (a->family == AF_INET6)
		return ipv6_addr_is_multicast(&a->ip6);
	return false;
}

/* Where a frame goes: the hash key of a remote, zero-padded. */
struct ovl_remote_key {
	struct ovl_addr ip;
	__be16 port;		/* ovl-vxlan UDP port; 0 for ovl-gre */
	u32 id;			/* VNI / key to send with */
	u32 ifindex;		/* underlay device, 0 = route decides */
};

struct ovl_remote {
	struct rhlist_head node;	/* in ovl_fdb.remotes, by key.ip */
	struct ovl_remote_key key;
	refcount_t refs;		/* one per ovl_fdb_dest pointing here */
	struct dst_cache dst_cache;
	struct rcu_head rcu;
};

struct ovl_fdb_dest {
	struct ovl_fdb_dest __rcu *next;
	struct ovl_remote *remote;	/* holds a reference */
	bool config;			/* the device's own remote or group */
	struct rcu_head rcu;
};

/* entry->flags; ovl_fdb_add() also takes OVL_FDB_CONFIG */
#define OVL_FDB_STATIC		BIT(0)	/* added by the user, never ages */
#define OVL_FDB_CONFIG		BIT(1)	/* dest is the device's remote/group */

struct ovl_fdb_entry {
	struct rhash_head node;		/* in ovl_fdb.entries */
	u8 mac[ETH_ALEN];
	u16 flags;			/* OVL_FDB_*, written under fdb->lock */
	unsigned long updated;		/* jiffies, last learned or changed */
	unsigned long used;		/* jiffies, last used to send */
	struct ovl_fdb_dest __rcu *dests;
	struct rcu_head rcu;
};

/*
 * Locking: lookups run under RCU (rcu_read_lock or softirq).  Every change
 * (insert, delete, dest list edits, ageing, flags) takes @lock, from
 * process context and from softirq (learning), hence the _bh variant.
 * Entries and remotes are freed after an RCU grace period.  @ageing and
 * @max are read locklessly (READ_ONCE) and written under RTNL.
 */
struct ovl_fdb {
	struct rhashtable entries;	/* ovl_fdb_entry, keyed by mac */
	struct rhltable remotes;	/* ovl_remote, keyed by key.ip */
	spinlock_t lock;
	unsigned int count;		/* entries, under @lock */
	unsigned int max;		/* maxaddress, 0 = unlimited */
	unsigned long ageing;		/* jiffies, 0 = never */
	struct delayed_work ageing_work;
};

extern const u8 ovl_flood_mac[ETH_ALEN];

int ovl_fdb_init(struct ovl_fdb *fdb);
void ovl_fdb_destroy(struct ovl_fdb *fdb);

struct ovl_fdb_entry *ovl_fdb_lookup(struct ovl_fdb *fdb, const u8 *mac);

int ovl_fdb_add(struct ovl_fdb *fdb, const u8 *mac,
		const struct ovl_remote_key *key, u16 flags, bool append,
		bool replace, unsigned long now);
int ovl_fdb_del(struct ovl_fdb *fdb, const u8 *mac,
		const struct ovl_remote_key *key);
void ovl_fdb_del_config(struct ovl_fdb *fdb);

enum ovl_learn_result {
	OVL_LEARN_FRESH,	/* known, same remote: timestamp refreshed */
	OVL_LEARN_NEW,		/* new entry */
	OVL_LEARN_MOVED,	/* roamed to another remote */
	OVL_LEARN_STATIC,	/* a static entry owns this MAC */
	OVL_LEARN_FULL,		/* maxaddress reached */
	OVL_LEARN_NOMEM,
};

enum ovl_learn_result ovl_fdb_learn(struct ovl_fdb *fdb, const u8 *mac,
				    const struct ovl_remote_key *key,
				    unsigned long now);
unsigned int ovl_fdb_age(struct ovl_fdb *fdb, unsigned long now);
void ovl_fdb_flush(struct ovl_fdb *fdb, bool include_static);
void ovl_fdb_set_ageing(struct ovl_fdb *fdb, unsigned long ageing);
void ovl_fdb_reset_routes(struct ovl_fdb *fdb);
bool ovl_fdb_knows_remote(struct ovl_fdb *fdb, const struct ovl_addr *ip);

static inline unsigned int ovl_fdb_count(const struct ovl_fdb *fdb)
{
	return READ_ONCE(fdb->count);
}

static inline bool ovl_fdb_is_static(const struct ovl_fdb_entry *e)
{
	return READ_ONCE(e->flags) & OVL_FDB_STATIC;
}

#endif /* _OVL_FDB_H */
