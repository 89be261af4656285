/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The forwarding database shared by ovl-vxlan and ovl-gre: inner MAC ->
 * remote VTEPs.  The all-zeros MAC holds the flood list (head-end
 * replication) for broadcast, unknown unicast and multicast frames.
 *
 * Remote VTEPs are objects of their own (struct ovl_remote), shared by
 * every entry that points at them, so a million MACs behind a hundred
 * VTEPs cost a hundred route caches, not a million.
 *
 * Entries that can age (learned or added dynamic, not the flood list, not
 * externally learned) are also on a list of their own, so the ageing scan
 * visits only them, however many static entries the table holds.
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

/*
 * What the control plane said when it added an entry (ndm_state, the
 * NTF_* flags it set, NDA_PROTOCOL), kept only to be shown back: the FDB
 * itself acts on OVL_FDB_* flags.  All zero for learned entries.
 */
struct ovl_fdb_tag {
	u16 state;
	u8 ndm_flags;
	u8 protocol;
};

struct ovl_fdb_dest {
	struct ovl_fdb_dest __rcu *next;
	struct ovl_remote *remote;	/* holds a reference */
	bool config;			/* the device's own remote or group */
	struct ovl_fdb_tag tag;		/* flood list: per member */
	struct rcu_head rcu;
};

/* entry->flags; ovl_fdb_add() also takes OVL_FDB_CONFIG */
#define OVL_FDB_STATIC		BIT(0)	/* permanent/static: never ages */
#define OVL_FDB_CONFIG		BIT(1)	/* dest is the device's remote/group */
#define OVL_FDB_EXT_LEARNED	BIT(2)	/* a control plane's: never ages */
#define OVL_FDB_STICKY		BIT(3)	/* never moved by learning */
/* learning neither moves nor refreshes these */
#define OVL_FDB_PINNED		(OVL_FDB_STATIC | OVL_FDB_EXT_LEARNED | \
				 OVL_FDB_STICKY)

struct ovl_fdb_entry {
	struct rhash_head node;		/* in ovl_fdb.entries */
	u8 mac[ETH_ALEN];
	u16 flags;			/* OVL_FDB_*, written under fdb->lock */
	struct ovl_fdb_tag tag;		/* under fdb->lock; not the flood list */
	unsigned long updated;		/* jiffies, last learned or changed */
	unsigned long used;		/* jiffies, last used to send */
	struct ovl_fdb_dest __rcu *dests;
	union {
		/*
		 * In ovl_fdb.ageing while the entry can age; fdb->lock.
		 * Unlinked for good before the entry is freed, so the RCU
		 * head may reuse its room.
		 */
		struct list_head age_node;
		struct rcu_head rcu;
	};
};

/* Why an entry or one of its destinations is reported. */
enum ovl_fdb_event {
	OVL_FDB_EV_LEARNED,		/* new entry from the data path */
	OVL_FDB_EV_MOVED,		/* learning moved it to another VTEP */
	OVL_FDB_EV_AGED,		/* removed by the ageing scan */
	OVL_FDB_EV_FLUSHED,		/* removed by a flush */
	OVL_FDB_EV_ADDED,		/* added or changed by ovl_fdb_add*() */
	OVL_FDB_EV_DELETED,		/* removed by ovl_fdb_del*() */
};

struct ovl_fdb;

/*
 * Called under fdb->lock (BHs off, may be softirq) for each destination
 * an event concerns, before a removed one is unlinked.  Must not sleep.
 */
typedef void (*ovl_fdb_notify_t)(struct ovl_fdb *fdb,
				  const struct ovl_fdb_entry *e,
				  const struct ovl_fdb_dest *d,
				  enum ovl_fdb_event ev);

/*
 * A token bucket for events: @burst at once, @rate per second after
 * that.  One per device, shared by every data-path driven notification
 * (learn, roam, ageing, l2miss, l3miss).  @lock protects the rest.
 */
struct ovl_fdb_ratelimit {
	spinlock_t lock;		/* protects the fields below */
	u64 tokens;			/* in 1/HZ event units */
	unsigned long last;		/* jiffies of the last refill */
	bool suppressing;		/* the last event was refused */
};

/* Which entries and destinations a bulk delete removes. */
struct ovl_fdb_filter {
	u16 flags, flags_mask;		/* on entry->flags (OVL_FDB_*) */
	bool (*match)(const struct ovl_fdb_entry *e,
		      const struct ovl_fdb_dest *d, const void *arg);
	const void *arg;		/* for @match; NULL @match: all */
	bool flood;			/* the flood list's members too */
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
	struct list_head ageing_list;	/* entries that can age; @lock */
	unsigned int n_ageing;		/* on @ageing_list; @lock */
	unsigned int n_via;		/* destinations with a `via` ifindex;
					 * written under @lock, read with
					 * READ_ONCE
					 */
	u64 age_visited;		/* entries the scans looked at; @lock */
	ovl_fdb_notify_t notify;	/* NULL: none; set before use */
	struct ovl_fdb_ratelimit events;
};

extern const u8 ovl_flood_mac[ETH_ALEN];

int ovl_fdb_init(struct ovl_fdb *fdb);
void ovl_fdb_destroy(struct ovl_fdb *fdb);

struct ovl_fdb_entry *ovl_fdb_lookup(struct ovl_fdb *fdb, const u8 *mac);

int ovl_fdb_add(struct ovl_fdb *fdb, const u8 *mac,
		const struct ovl_remote_key *key, u16 flags, bool append,
		bool replace, unsigned long now);
int ovl_fdb_add_tagged(struct ovl_fdb *fdb, const u8 *mac,
		       const struct ovl_remote_key *key, u16 flags,
		       const struct ovl_fdb_tag *tag, bool append,
		       bool replace, unsigned long now, bool *changed);
int ovl_fdb_del(struct ovl_fdb *fdb, const u8 *mac,
		const struct ovl_remote_key *key);
void ovl_fdb_del_config(struct ovl_fdb *fdb);

enum ovl_learn_result {
	OVL_LEARN_FRESH,	/* known, same remote: timestamp refreshed */
	OVL_LEARN_NEW,		/* new entry */
	OVL_LEARN_MOVED,	/* roamed to another remote */
	OVL_LEARN_STATIC,	/* pinned (static, extern_learn, sticky): same VTEP */
	OVL_LEARN_BLOCKED,	/* pinned to another VTEP: not moved */
	OVL_LEARN_FULL,		/* maxaddress reached */
	OVL_LEARN_NOMEM,
};

enum ovl_learn_result ovl_fdb_learn(struct ovl_fdb *fdb, const u8 *mac,
				    const struct ovl_remote_key *key,
				    unsigned long now);
unsigned int ovl_fdb_age(struct ovl_fdb *fdb, unsigned long now);
void ovl_fdb_flush(struct ovl_fdb *fdb, bool include_static);
unsigned int ovl_fdb_flush_filter(struct ovl_fdb *fdb,
				  const struct ovl_fdb_filter *f);
bool ovl_fdb_ratelimit_allow(struct ovl_fdb_ratelimit *rl, unsigned long now,
			     u32 rate, u32 burst, bool *first_refused);
void ovl_fdb_set_ageing(struct ovl_fdb *fdb, unsigned long ageing);
void ovl_fdb_reset_routes(struct ovl_fdb *fdb);
bool ovl_fdb_knows_remote(struct ovl_fdb *fdb, const struct ovl_addr *ip);
unsigned int ovl_fdb_forget_ifindex(struct ovl_fdb *fdb, u32 ifindex);

static inline unsigned int ovl_fdb_count(const struct ovl_fdb *fdb)
{
	return READ_ONCE(fdb->count);
}

static inline bool ovl_fdb_is_static(const struct ovl_fdb_entry *e)
{
	return READ_ONCE(e->flags) & OVL_FDB_STATIC;
}

static inline bool ovl_fdb_is_flood(const struct ovl_fdb_entry *e)
{
	return is_zero_ether_addr(e->mac);
}

/* The tag to show for @d of @e: the flood list keeps one per member. */
static inline const struct ovl_fdb_tag *
ovl_fdb_tag_of(const struct ovl_fdb_entry *e, const struct ovl_fdb_dest *d)
{
	return ovl_fdb_is_flood(e) ? &d->tag : &e->tag;
}

#endif /* _OVL_FDB_H */
