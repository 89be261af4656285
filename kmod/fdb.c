// SPDX-License-Identifier: GPL-2.0
/*
 * Forwarding database: MAC -> remote VTEPs, learning, ageing, limits.
 *
 * Knows nothing of net_devices or netlink; the caller passes the clock
 * (@now, in jiffies) so that KUnit can drive ageing without sleeping.
 */

#include "fdb.h"

#include <linux/jiffies.h>
#include <linux/slab.h>

const u8 ovl_flood_mac[ETH_ALEN] __aligned(2);

static const struct rhashtable_params ovl_entry_params = {
	.head_offset = offsetof(struct ovl_fdb_entry, node),
	.key_offset = offsetof(struct ovl_fdb_entry, mac),
	.key_len = ETH_ALEN,
	.automatic_shrinking = true,
};

static const struct rhashtable_params ovl_remote_params = {
	.head_offset = offsetof(struct ovl_remote, node),
	.key_offset = offsetof(struct ovl_remote, key.ip),
	.key_len = sizeof(struct ovl_addr),
	.automatic_shrinking = true,
};

static void ovl_fdb_ageing_work(struct work_struct *work);

int ovl_fdb_init(struct ovl_fdb *fdb)
{
	int err;

	spin_lock_init(&fdb->lock);
	fdb->count = 0;
	fdb->max = 0;
	fdb->ageing = 0;
	INIT_DELAYED_WORK(&fdb->ageing_work, ovl_fdb_ageing_work);

	err = rhashtable_init(&fdb->entries, &ovl_entry_params);
	if (err)
		return err;
	err = rhltable_init(&fdb->remotes, &ovl_remote_params);
	if (err)
		rhashtable_destroy(&fdb->entries);
	return err;
}

struct ovl_fdb_entry *ovl_fdb_lookup(struct ovl_fdb *fdb, const u8 *mac)
{
	return rhashtable_lookup(&fdb->entries, mac, ovl_entry_params);
}

/* --- remotes ------------------------------------------------------- */

static struct ovl_remote *ovl_remote_find(struct ovl_fdb *fdb,
					  const struct ovl_remote_key *key)
{
	struct rhlist_head *list, *pos;
	struct ovl_remote *r;

	list = rhltable_lookup(&fdb->remotes, &key->ip, ovl_remote_params);
	rhl_for_each_entry_rcu(r, pos, list, node)
		if (!memcmp(&r->key, key, sizeof(*key)))
			return r;
	return NULL;
}

bool ovl_fdb_knows_remote(struct ovl_fdb *fdb, const struct ovl_addr *ip)
{
	return rhltable_lookup(&fdb->remotes, ip, ovl_remote_params);
}

static void ovl_remote_free_rcu(struct rcu_head *head)
{
	struct ovl_remote *r = container_of(head, struct ovl_remote, rcu);

	dst_cache_destroy(&r->dst_cache);
	kfree(r);
}

/* Called with fdb->lock held; may run in softirq (learning). */
static struct ovl_remote *ovl_remote_get(struct ovl_fdb *fdb,
					 const struct ovl_remote_key *key)
{
	struct ovl_remote *r;

	rcu_read_lock();
	r = ovl_remote_find(fdb, key);
	rcu_read_unlock();
	if (r) {
		refcount_inc(&r->refs);
		return r;
	}

	r = kzalloc(sizeof(*r), GFP_ATOMIC);
	if (!r)
		return NULL;
	r->key = *key;
	refcount_set(&r->refs, 1);
	if (dst_cache_init(&r->dst_cache, GFP_ATOMIC))
		goto err_free;
	if (rhltable_insert(&fdb->remotes, &r->node, ovl_remote_params))
		goto err_cache;
	return r;

err_cache:
	dst_cache_destroy(&r->dst_cache);
err_free:
	kfree(r);
	return NULL;
}

static void ovl_remote_put(struct ovl_fdb *fdb, struct ovl_remote *r)
{
	if (!refcount_dec_and_test(&r->refs))
		return;
	rhltable_remove(&fdb->remotes, &r->node, ovl_remote_params);
	call_rcu(&r->rcu, ovl_remote_free_rcu);
}

/* --- destinations and entries (all under fdb->lock) ----------------- */

#define ovl_dest_deref(fdb, p) \
	rcu_dereference_protected(p, lockdep_is_held(&(fdb)->lock))

static struct ovl_fdb_dest *ovl_dest_find(struct ovl_fdb *fdb,
					  struct ovl_fdb_entry *e,
					  const struct ovl_remote_key *key,
					  struct ovl_fdb_dest __rcu ***link)
{
	struct ovl_fdb_dest __rcu **pp = &e->dests;
	struct ovl_fdb_dest *d;

	for (; (d = ovl_dest_deref(fdb, *pp)); pp = &d->next) {
		if (!memcmp(&d->remote->key, key, sizeof(*key))) {
			if (link)
				*link = pp;
			return d;
		}
	}
	return NULL;
}

static void ovl_dest_free_rcu(struct rcu_head *head)
{
	kfree(container_of(head, struct ovl_fdb_dest, rcu));
}

static void ovl_dest_release(struct ovl_fdb *fdb, struct ovl_fdb_dest *d)
{
	ovl_remote_put(fdb, d->remote);
	call_rcu(&d->rcu, ovl_dest_free_rcu);
}

static int ovl_dest_prepend(struct ovl_fdb *fdb, struct ovl_fdb_entry *e,
			    const struct ovl_remote_key *key, bool config)
{
	struct ovl_fdb_dest *d;

	d = kzalloc(sizeof(*d), GFP_ATOMIC);
	if (!d)
		return -ENOMEM;
	d->remote = ovl_remote_get(fdb, key);
	if (!d->remote) {
		kfree(d);
		return -ENOMEM;
	}
	d->config = config;
	RCU_INIT_POINTER(d->next, ovl_dest_deref(fdb, e->dests));
	rcu_assign_pointer(e->dests, d);
	return 0;
}

static void ovl_dest_unlink(struct ovl_fdb *fdb,
			    struct ovl_fdb_dest __rcu **link,
			    struct ovl_fdb_dest *d)
{
	rcu_assign_pointer(*link, ovl_dest_deref(fdb, d->next));
	ovl_dest_release(fdb, d);
}

static void ovl_entry_free_rcu(struct rcu_head *head)
{
	kfree(container_of(head, struct ovl_fdb_entry, rcu));
}

static void ovl_entry_remove(struct ovl_fdb *fdb, struct ovl_fdb_entry *e)
{
	struct ovl_fdb_dest *d;

	rhashtable_remove_fast(&fdb->entries, &e->node, ovl_entry_params);
	WRITE_ONCE(fdb->count, fdb->count - 1);
	while ((d = ovl_dest_deref(fdb, e->dests)))
		ovl_dest_unlink(fdb, &e->dests, d);
	call_rcu(&e->rcu, ovl_entry_free_rcu);
}

static bool ovl_fdb_full(struct ovl_fdb *fdb)
{
	unsigned int max = READ_ONCE(fdb->max);

	return max && fdb->count >= max;
}

static struct ovl_fdb_entry *ovl_entry_create(struct ovl_fdb *fdb,
					      const u8 *mac, u16 flags,
					      unsigned long now)
{
	struct ovl_fdb_entry *e;

	e = kzalloc(sizeof(*e), GFP_ATOMIC);
	if (!e)
		return ERR_PTR(-ENOMEM);
	ether_addr_copy(e->mac, mac);
	e->flags = flags & OVL_FDB_STATIC;
	e->updated = now;
	e->used = now;
	if (rhashtable_lookup_insert_fast(&fdb->entries, &e->node,
					  ovl_entry_params)) {
		kfree(e);
		return ERR_PTR(-ENOMEM);
	}
	WRITE_ONCE(fdb->count, fdb->count + 1);
	return e;
}

/* How often the ageing scan runs: twice per ageing time, within bounds. */
static unsigned long ovl_fdb_ageing_period(unsigned long ageing)
{
	return clamp(ageing / 2, HZ / 10, 30UL * HZ);
}

static void ovl_fdb_arm_ageing(struct ovl_fdb *fdb)
{
	unsigned long ageing = READ_ONCE(fdb->ageing);

	if (ageing && !delayed_work_pending(&fdb->ageing_work))
		schedule_delayed_work(&fdb->ageing_work,
				      ovl_fdb_ageing_period(ageing));
}

/* --- the API --------------------------------------------------------- */

static int ovl_fdb_update(struct ovl_fdb *fdb, struct ovl_fdb_entry *e,
			  const struct ovl_remote_key *key, u16 flags,
			  bool append, bool replace, unsigned long now)
{
	struct ovl_fdb_dest *d;
	int err = 0;

	d = ovl_dest_find(fdb, e, key, NULL);
	if (append) {
		if (d)
			return -EEXIST;
		err = ovl_dest_prepend(fdb, e, key, flags & OVL_FDB_CONFIG);
	} else if (replace) {
		if (!d) {
			/* replace the first destination, as the bridge does */
			struct ovl_fdb_dest *first = ovl_dest_deref(fdb, e->dests);

			err = ovl_dest_prepend(fdb, e, key,
					       flags & OVL_FDB_CONFIG);
			if (!err && first)
				ovl_dest_unlink(fdb,
						&ovl_dest_deref(fdb, e->dests)->next,
						first);
		}
	} else {
		return -EEXIST;
	}
	if (err)
		return err;
	WRITE_ONCE(e->flags, (e->flags & ~OVL_FDB_STATIC) |
			     (flags & OVL_FDB_STATIC));
	WRITE_ONCE(e->updated, now);
	return 0;
}

/**
 * ovl_fdb_add - add or change an entry
 * @fdb: the database
 * @mac: inner MAC, ovl_flood_mac for the flood list
 * @key: destination
 * @flags: OVL_FDB_STATIC for a permanent entry, OVL_FDB_CONFIG for the
 *	device's own remote/group
 * @append: add @key as one more destination (NLM_F_APPEND)
 * @replace: replace the first destination (NLM_F_REPLACE)
 * @now: jiffies
 *
 * Return: 0, -EEXIST when the entry (or with @append the destination)
 * exists and neither flag allows changing it, -ENOSPC when maxaddress is
 * reached, -ENOMEM.
 */
int ovl_fdb_add(struct ovl_fdb *fdb, const u8 *mac,
		const struct ovl_remote_key *key, u16 flags, bool append,
		bool replace, unsigned long now)
{
	struct ovl_fdb_entry *e;
	int err;

	spin_lock_bh(&fdb->lock);
	e = rhashtable_lookup_fast(&fdb->entries, mac, ovl_entry_params);
	if (e) {
		err = ovl_fdb_update(fdb, e, key, flags, append, replace, now);
		goto out;
	}
	err = -ENOSPC;
	if (ovl_fdb_full(fdb))
		goto out;
	e = ovl_entry_create(fdb, mac, flags, now);
	err = PTR_ERR_OR_ZERO(e);
	if (err)
		goto out;
	err = ovl_dest_prepend(fdb, e, key, flags & OVL_FDB_CONFIG);
	if (err)
		ovl_entry_remove(fdb, e);
out:
	/* new or changed, a dynamic entry must age: also after replace */
	if (!err && !(flags & OVL_FDB_STATIC))
		ovl_fdb_arm_ageing(fdb);
	spin_unlock_bh(&fdb->lock);
	return err;
}

/**
 * ovl_fdb_del - delete an entry or one of its destinations
 * @fdb: the database
 * @mac: inner MAC
 * @key: the destination to remove, or NULL for the whole entry
 *
 * Return: 0 or -ENOENT.
 */
int ovl_fdb_del(struct ovl_fdb *fdb, const u8 *mac,
		const struct ovl_remote_key *key)
{
	struct ovl_fdb_dest __rcu **link;
	struct ovl_fdb_entry *e;
	struct ovl_fdb_dest *d;
	int err = -ENOENT;

	spin_lock_bh(&fdb->lock);
	e = rhashtable_lookup_fast(&fdb->entries, mac, ovl_entry_params);
	if (!e)
		goto out;
	if (key) {
		d = ovl_dest_find(fdb, e, key, &link);
		if (!d)
			goto out;
		ovl_dest_unlink(fdb, link, d);
	}
	if (!key || !rcu_access_pointer(e->dests))
		ovl_entry_remove(fdb, e);
	err = 0;
out:
	spin_unlock_bh(&fdb->lock);
	return err;
}

/* Drops the destinations that came from the device's remote/group. */
void ovl_fdb_del_config(struct ovl_fdb *fdb)
{
	struct ovl_fdb_dest __rcu **link;
	struct ovl_fdb_entry *e;
	struct ovl_fdb_dest *d;

	spin_lock_bh(&fdb->lock);
	e = rhashtable_lookup_fast(&fdb->entries, ovl_flood_mac,
				   ovl_entry_params);
	if (!e)
		goto out;
	link = &e->dests;
	while ((d = ovl_dest_deref(fdb, *link))) {
		if (d->config)
			ovl_dest_unlink(fdb, link, d);
		else
			link = &d->next;
	}
	if (!rcu_access_pointer(e->dests))
		ovl_entry_remove(fdb, e);
out:
	spin_unlock_bh(&fdb->lock);
}

/*
 * Learning, from softirq: the fast path (known MAC, same remote) takes no
 * lock and writes the timestamp only when it changed.
 */
enum ovl_learn_result ovl_fdb_learn(struct ovl_fdb *fdb, const u8 *mac,
				    const struct ovl_remote_key *key,
				    unsigned long now)
{
	enum ovl_learn_result res;
	struct ovl_fdb_entry *e;
	struct ovl_fdb_dest *d;

	e = rhashtable_lookup(&fdb->entries, mac, ovl_entry_params);
	if (e) {
		if (ovl_fdb_is_static(e))
			return OVL_LEARN_STATIC;
		d = rcu_dereference(e->dests);
		if (d && !rcu_access_pointer(d->next) &&
		    !memcmp(&d->remote->key, key, sizeof(*key))) {
			if (READ_ONCE(e->updated) != now)
				WRITE_ONCE(e->updated, now);
			return OVL_LEARN_FRESH;
		}
	}

	spin_lock(&fdb->lock);
	e = rhashtable_lookup_fast(&fdb->entries, mac, ovl_entry_params);
	if (e) {
		res = OVL_LEARN_STATIC;
		if (ovl_fdb_is_static(e))
			goto out;
		/* roaming: the MAC now lives behind another VTEP */
		res = OVL_LEARN_NOMEM;
		if (ovl_dest_prepend(fdb, e, key, false))
			goto out;
		d = ovl_dest_deref(fdb, e->dests);
		while (rcu_access_pointer(d->next))
			ovl_dest_unlink(fdb, &d->next,
					ovl_dest_deref(fdb, d->next));
		WRITE_ONCE(e->updated, now);
		res = OVL_LEARN_MOVED;
		goto out;
	}
	res = OVL_LEARN_FULL;
	if (ovl_fdb_full(fdb))
		goto out;
	res = OVL_LEARN_NOMEM;
	e = ovl_entry_create(fdb, mac, 0, now);
	if (IS_ERR(e))
		goto out;
	if (ovl_dest_prepend(fdb, e, key, false)) {
		ovl_entry_remove(fdb, e);
		goto out;
	}
	ovl_fdb_arm_ageing(fdb);
	res = OVL_LEARN_NEW;
out:
	spin_unlock(&fdb->lock);
	return res;
}

static bool ovl_entry_expired(struct ovl_fdb *fdb, struct ovl_fdb_entry *e,
			      unsigned long now)
{
	unsigned long ageing = READ_ONCE(fdb->ageing);

	return ageing && !ovl_fdb_is_static(e) &&
	       time_after_eq(now, READ_ONCE(e->updated) + ageing);
}

/* Removes every dynamic entry not refreshed within the ageing time. */
unsigned int ovl_fdb_age(struct ovl_fdb *fdb, unsigned long now)
{
	struct rhashtable_iter iter;
	struct ovl_fdb_entry *e;
	unsigned int removed = 0;

	rhashtable_walk_enter(&fdb->entries, &iter);
	rhashtable_walk_start(&iter);
	while ((e = rhashtable_walk_next(&iter))) {
		if (IS_ERR(e))
			continue;	/* -EAGAIN: resized, keep walking */
		if (!ovl_entry_expired(fdb, e, now))
			continue;
		spin_lock_bh(&fdb->lock);
		/* still there and still stale under the lock? */
		if (rhashtable_lookup_fast(&fdb->entries, e->mac,
					   ovl_entry_params) == e &&
		    ovl_entry_expired(fdb, e, now)) {
			ovl_entry_remove(fdb, e);
			removed++;
		}
		spin_unlock_bh(&fdb->lock);
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
	return removed;
}

static void ovl_fdb_ageing_work(struct work_struct *work)
{
	struct ovl_fdb *fdb = container_of(to_delayed_work(work),
					   struct ovl_fdb, ageing_work);

	ovl_fdb_age(fdb, jiffies);
	if (ovl_fdb_count(fdb))
		ovl_fdb_arm_ageing(fdb);
}

/* A new ageing time (jiffies, 0 = never) applies to existing entries too. */
void ovl_fdb_set_ageing(struct ovl_fdb *fdb, unsigned long ageing)
{
	WRITE_ONCE(fdb->ageing, ageing);
	/* a scan pending for the old period may be far off: bring it in */
	if (ageing && ovl_fdb_count(fdb))
		mod_delayed_work(system_wq, &fdb->ageing_work,
				 ovl_fdb_ageing_period(ageing));
}

/* Removes dynamic entries, and static ones too with @include_static. */
void ovl_fdb_flush(struct ovl_fdb *fdb, bool include_static)
{
	struct rhashtable_iter iter;
	struct ovl_fdb_entry *e;

	rhashtable_walk_enter(&fdb->entries, &iter);
	rhashtable_walk_start(&iter);
	while ((e = rhashtable_walk_next(&iter))) {
		if (IS_ERR(e))
			continue;
		if (!include_static && ovl_fdb_is_static(e))
			continue;
		spin_lock_bh(&fdb->lock);
		if (rhashtable_lookup_fast(&fdb->entries, e->mac,
					   ovl_entry_params) == e)
			ovl_entry_remove(fdb, e);
		spin_unlock_bh(&fdb->lock);
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
}

/*
 * Invalidates every remote's cached route: the mark or TOS the lookups
 * used changed.  dst_cache_reset() only stamps a time, so senders racing
 * with it are safe; the next lookup on each CPU routes afresh.  RTNL.
 */
void ovl_fdb_reset_routes(struct ovl_fdb *fdb)
{
	struct rhashtable_iter iter;
	struct ovl_remote *r;

	rhltable_walk_enter(&fdb->remotes, &iter);
	rhashtable_walk_start(&iter);
	while ((r = rhashtable_walk_next(&iter))) {
		if (IS_ERR(r))
			continue;
		dst_cache_reset(&r->dst_cache);
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
}

/*
 * The device is gone.  Every remote left the table when its last dest was
 * put; their RCU callbacks touch only themselves, so no barrier is needed
 * here (module exit has one).
 */
void ovl_fdb_destroy(struct ovl_fdb *fdb)
{
	cancel_delayed_work_sync(&fdb->ageing_work);
	ovl_fdb_flush(fdb, true);
	rhashtable_destroy(&fdb->entries);
	rhltable_destroy(&fdb->remotes);
}
