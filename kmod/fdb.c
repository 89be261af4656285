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

	/* Documentation/fdb.rst: an entry is 64 bytes, a destination 64 */
	BUILD_BUG_ON(sizeof(struct ovl_fdb_entry) > 64);
	BUILD_BUG_ON(sizeof(struct ovl_fdb_dest) > 64);
	spin_lock_init(&fdb->lock);
	fdb->count = 0;
	fdb->max = 0;
	fdb->ageing = 0;
	INIT_DELAYED_WORK(&fdb->ageing_work, ovl_fdb_ageing_work);
	INIT_LIST_HEAD(&fdb->ageing_list);
	fdb->n_ageing = 0;
	fdb->n_via = 0;
	fdb->age_visited = 0;
	fdb->notify = NULL;
	spin_lock_init(&fdb->events.lock);
	fdb->events.tokens = U64_MAX / 2;	/* full on first use */
	fdb->events.last = jiffies;
	fdb->events.suppressing = false;

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

/*
 * What an add may need, allocated before fdb->lock by the control plane's
 * (sleeping) add, so that it never depends on GFP_ATOMIC: per-CPU memory
 * (a new remote's dst_cache) is scarce atomically, and a control plane
 * adding hundreds of remotes at once got -ENOMEM for some.  Learning, in
 * softirq, has none and allocates atomically.  What the add did not use
 * is freed after the lock.
 */
struct ovl_fdb_spare {
	struct ovl_fdb_entry *entry;
	struct ovl_fdb_dest *dest;
	struct ovl_remote *remote;
};

/* The spare entry (@spare may be NULL), or one allocated atomically. */
static struct ovl_fdb_entry *ovl_spare_entry(struct ovl_fdb_spare *spare)
{
	struct ovl_fdb_entry *e = spare ? spare->entry : NULL;

	if (!e)
		return kzalloc(sizeof(*e), GFP_ATOMIC);
	spare->entry = NULL;
	return e;
}

/* The spare destination (@spare may be NULL), or one allocated atomically. */
static struct ovl_fdb_dest *ovl_spare_dest(struct ovl_fdb_spare *spare)
{
	struct ovl_fdb_dest *d = spare ? spare->dest : NULL;

	if (!d)
		return kzalloc(sizeof(*d), GFP_ATOMIC);
	spare->dest = NULL;
	return d;
}

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

/* A remote with its route cache; NULL on failure. */
static struct ovl_remote *ovl_remote_alloc(gfp_t gfp)
{
	struct ovl_remote *r = kzalloc(sizeof(*r), gfp);

	if (r && dst_cache_init(&r->dst_cache, gfp)) {
		kfree(r);
		r = NULL;
	}
	return r;
}

static void ovl_remote_free(struct ovl_remote *r)
{
	dst_cache_destroy(&r->dst_cache);
	kfree(r);
}

static void ovl_remote_free_rcu(struct rcu_head *head)
{
	ovl_remote_free(container_of(head, struct ovl_remote, rcu));
}

/* Called with fdb->lock held; may run in softirq (learning, @spare NULL). */
static struct ovl_remote *ovl_remote_get(struct ovl_fdb *fdb,
					 const struct ovl_remote_key *key,
					 struct ovl_fdb_spare *spare)
{
	struct ovl_remote *r;

	rcu_read_lock();
	r = ovl_remote_find(fdb, key);
	rcu_read_unlock();
	if (r) {
		refcount_inc(&r->refs);
		return r;
	}

	r = spare ? spare->remote : NULL;
	if (r)
		spare->remote = NULL;
	else
		r = ovl_remote_alloc(GFP_ATOMIC);
	if (!r)
		return NULL;
	r->key = *key;
	refcount_set(&r->refs, 1);
	if (rhltable_insert(&fdb->remotes, &r->node, ovl_remote_params)) {
		ovl_remote_free(r);
		return NULL;
	}
	return r;
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
	if (d->remote->key.ifindex)
		WRITE_ONCE(fdb->n_via, fdb->n_via - 1);
	ovl_remote_put(fdb, d->remote);
	call_rcu(&d->rcu, ovl_dest_free_rcu);
}

static int ovl_dest_prepend(struct ovl_fdb *fdb, struct ovl_fdb_entry *e,
			    const struct ovl_remote_key *key, bool config,
			    const struct ovl_fdb_tag *tag,
			    struct ovl_fdb_spare *spare)
{
	struct ovl_fdb_dest *d;

	d = ovl_spare_dest(spare);
	if (!d)
		return -ENOMEM;
	d->remote = ovl_remote_get(fdb, key, spare);
	if (!d->remote) {
		kfree(d);
		return -ENOMEM;
	}
	if (key->ifindex)
		WRITE_ONCE(fdb->n_via, fdb->n_via + 1);
	d->config = config;
	if (tag)
		d->tag = *tag;
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

static void ovl_emit(struct ovl_fdb *fdb, const struct ovl_fdb_entry *e,
		     const struct ovl_fdb_dest *d, enum ovl_fdb_event ev)
{
	if (fdb->notify)
		fdb->notify(fdb, e, d, ev);
}

static void ovl_emit_all(struct ovl_fdb *fdb, const struct ovl_fdb_entry *e,
			 enum ovl_fdb_event ev)
{
	struct ovl_fdb_dest *d;

	if (!fdb->notify)
		return;
	for (d = ovl_dest_deref(fdb, e->dests); d;
	     d = ovl_dest_deref(fdb, d->next))
		fdb->notify(fdb, e, d, ev);
}

/* What ageing may remove: not static, not a control plane's, not flood. */
static bool ovl_entry_can_age(const struct ovl_fdb_entry *e)
{
	return !(e->flags & (OVL_FDB_STATIC | OVL_FDB_EXT_LEARNED)) &&
	       !ovl_fdb_is_flood(e);
}

/* Puts @e on the ageing list, or takes it off, as its flags say.  Lock. */
static void ovl_entry_sync_ageing(struct ovl_fdb *fdb, struct ovl_fdb_entry *e)
{
	bool listed = !list_empty(&e->age_node);

	if (ovl_entry_can_age(e) && !listed) {
		list_add_tail(&e->age_node, &fdb->ageing_list);
		fdb->n_ageing++;
	} else if (!ovl_entry_can_age(e) && listed) {
		list_del_init(&e->age_node);
		fdb->n_ageing--;
	}
}

static void ovl_entry_remove(struct ovl_fdb *fdb, struct ovl_fdb_entry *e)
{
	struct ovl_fdb_dest *d;

	if (!list_empty(&e->age_node)) {
		list_del(&e->age_node);
		fdb->n_ageing--;
	}
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
					      unsigned long now,
					      struct ovl_fdb_spare *spare)
{
	struct ovl_fdb_entry *e;

	e = ovl_spare_entry(spare);
	if (!e)
		return ERR_PTR(-ENOMEM);
	ether_addr_copy(e->mac, mac);
	e->flags = flags & OVL_FDB_PINNED;
	INIT_LIST_HEAD(&e->age_node);
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

	if (ageing && fdb->n_ageing &&
	    !delayed_work_pending(&fdb->ageing_work))
		schedule_delayed_work(&fdb->ageing_work,
				      ovl_fdb_ageing_period(ageing));
}

/*
 * Fills @spare, in process context, with what adding @key for @mac may
 * need: an entry if @mac is new, a destination, a remote if @key is new.
 * A failed allocation leaves its slot empty (the add then tries
 * atomically); a slot made useless by a concurrent change is freed
 * after the add.
 */
static void ovl_fdb_spare_alloc(struct ovl_fdb *fdb,
				struct ovl_fdb_spare *spare, const u8 *mac,
				const struct ovl_remote_key *key)
{
	bool have_entry, have_remote;

	might_sleep();
	rcu_read_lock();
	have_entry = rhashtable_lookup(&fdb->entries, mac, ovl_entry_params);
	have_remote = ovl_remote_find(fdb, key);
	rcu_read_unlock();
	spare->entry = have_entry ? NULL :
		       kzalloc(sizeof(*spare->entry), GFP_KERNEL);
	spare->dest = kzalloc(sizeof(*spare->dest), GFP_KERNEL);
	spare->remote = have_remote ? NULL : ovl_remote_alloc(GFP_KERNEL);
}

static void ovl_fdb_spare_free(struct ovl_fdb_spare *spare)
{
	kfree(spare->entry);
	kfree(spare->dest);
	if (spare->remote)
		ovl_remote_free(spare->remote);
}

/* --- the API --------------------------------------------------------- */

/* Takes what a netlink add says about behaviour (flags) and display (tag). */
static bool ovl_entry_set(struct ovl_fdb *fdb, struct ovl_fdb_entry *e,
			  u16 flags, const struct ovl_fdb_tag *tag)
{
	u16 nflags = (e->flags & ~OVL_FDB_PINNED) | (flags & OVL_FDB_PINNED);
	bool changed = nflags != e->flags || memcmp(&e->tag, tag, sizeof(*tag));

	WRITE_ONCE(e->flags, nflags);
	e->tag = *tag;
	ovl_entry_sync_ageing(fdb, e);
	return changed;
}

static int ovl_fdb_update(struct ovl_fdb *fdb, struct ovl_fdb_entry *e,
			  const struct ovl_remote_key *key, u16 flags,
			  const struct ovl_fdb_tag *tag, bool append,
			  bool replace, unsigned long now, bool *changed,
			  struct ovl_fdb_spare *spare)
{
	bool config = flags & OVL_FDB_CONFIG;
	struct ovl_fdb_dest *d;
	int err = 0;

	d = ovl_dest_find(fdb, e, key, NULL);
	if (append) {
		if (d)
			return -EEXIST;
		err = ovl_dest_prepend(fdb, e, key, config, tag, spare);
		*changed = true;
	} else if (replace) {
		if (!d) {
			/* replace the first destination, as the bridge does */
			struct ovl_fdb_dest *first = ovl_dest_deref(fdb, e->dests);

			err = ovl_dest_prepend(fdb, e, key, config, tag, spare);
			if (!err && first)
				ovl_dest_unlink(fdb,
						&ovl_dest_deref(fdb, e->dests)->next,
						first);
			*changed = true;
		} else if (memcmp(&d->tag, tag, sizeof(*tag))) {
			d->tag = *tag;
			if (ovl_fdb_is_flood(e))
				*changed = true;
		}
	} else {
		return -EEXIST;
	}
	if (err)
		return err;
	/*
	 * The flood list never ages and each member keeps its own tag: an
	 * append there never demotes the list (only replace may change it).
	 */
	if (ovl_fdb_is_flood(e) && !replace)
		flags |= e->flags & OVL_FDB_STATIC;
	if (ovl_entry_set(fdb, e, flags, tag))
		*changed = true;
	WRITE_ONCE(e->updated, now);
	return 0;
}

/**
 * ovl_fdb_add_tagged - add or change an entry
 * @fdb: the database
 * @mac: inner MAC, ovl_flood_mac for the flood list
 * @key: destination
 * @flags: OVL_FDB_STATIC (never ages), OVL_FDB_EXT_LEARNED (a control
 *	plane's: never ages, never moved by learning), OVL_FDB_STICKY
 *	(never moved by learning), OVL_FDB_CONFIG (the device's own
 *	remote/group)
 * @tag: kept for display (NULL: all zero)
 * @append: add @key as one more destination (NLM_F_APPEND)
 * @replace: replace the first destination (NLM_F_REPLACE)
 * @now: jiffies
 * @changed: set to true when anything changed (may be NULL)
 *
 * Return: 0, -EEXIST when the entry (or with @append the destination)
 * exists and neither flag allows changing it, -ENOSPC when maxaddress is
 * reached, -ENOMEM.
 */
int ovl_fdb_add_tagged(struct ovl_fdb *fdb, const u8 *mac,
		       const struct ovl_remote_key *key, u16 flags,
		       const struct ovl_fdb_tag *tag, bool append,
		       bool replace, unsigned long now, bool *changed)
{
	static const struct ovl_fdb_tag none;
	struct ovl_fdb_spare spare;
	struct ovl_fdb_entry *e;
	bool dummy = false;
	int err;

	if (!tag)
		tag = &none;
	if (!changed)
		changed = &dummy;
	*changed = false;
	ovl_fdb_spare_alloc(fdb, &spare, mac, key);
	spin_lock_bh(&fdb->lock);
	e = rhashtable_lookup_fast(&fdb->entries, mac, ovl_entry_params);
	if (e) {
		err = ovl_fdb_update(fdb, e, key, flags, tag, append, replace,
				     now, changed, &spare);
		goto out;
	}
	err = -ENOSPC;
	if (ovl_fdb_full(fdb))
		goto out;
	e = ovl_entry_create(fdb, mac, flags, now, &spare);
	err = PTR_ERR_OR_ZERO(e);
	if (err)
		goto out;
	e->tag = *tag;
	err = ovl_dest_prepend(fdb, e, key, flags & OVL_FDB_CONFIG, tag,
			       &spare);
	if (err) {
		ovl_entry_remove(fdb, e);
		goto out;
	}
	ovl_entry_sync_ageing(fdb, e);
	*changed = true;
out:
	if (!err && *changed)
		ovl_emit(fdb, e, ovl_dest_find(fdb, e, key, NULL),
			 OVL_FDB_EV_ADDED);
	/* new or changed, a dynamic entry must age: also after replace */
	if (!err)
		ovl_fdb_arm_ageing(fdb);
	spin_unlock_bh(&fdb->lock);
	ovl_fdb_spare_free(&spare);
	return err;
}

/* ovl_fdb_add_tagged() without a tag. */
int ovl_fdb_add(struct ovl_fdb *fdb, const u8 *mac,
		const struct ovl_remote_key *key, u16 flags, bool append,
		bool replace, unsigned long now)
{
	return ovl_fdb_add_tagged(fdb, mac, key, flags, NULL, append, replace,
				  now, NULL);
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
		ovl_emit(fdb, e, d, OVL_FDB_EV_DELETED);
		ovl_dest_unlink(fdb, link, d);
	} else {
		ovl_emit_all(fdb, e, OVL_FDB_EV_DELETED);
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
		if (d->config) {
			ovl_emit(fdb, e, d, OVL_FDB_EV_DELETED);
			ovl_dest_unlink(fdb, link, d);
		} else {
			link = &d->next;
		}
	}
	if (!rcu_access_pointer(e->dests))
		ovl_entry_remove(fdb, e);
out:
	spin_unlock_bh(&fdb->lock);
}

/* Does @e send to @key?  Under RCU or fdb->lock. */
static bool ovl_entry_has_key(const struct ovl_fdb_entry *e,
			      const struct ovl_remote_key *key)
{
	const struct ovl_fdb_dest *d;

	for (d = rcu_dereference_check(e->dests, 1); d;
	     d = rcu_dereference_check(d->next, 1))
		if (!memcmp(&d->remote->key, key, sizeof(*key)))
			return true;
	return false;
}

/*
 * Learning, from softirq: the fast path (known MAC, same remote) takes no
 * lock and writes the timestamp only when it changed.  Pinned entries
 * (static, extern_learn, sticky) are never moved nor refreshed: a frame
 * from their MAC through another VTEP is OVL_LEARN_BLOCKED.
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
		if (READ_ONCE(e->flags) & OVL_FDB_PINNED)
			return ovl_entry_has_key(e, key) ? OVL_LEARN_STATIC
							 : OVL_LEARN_BLOCKED;
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
		if (e->flags & OVL_FDB_PINNED) {
			res = ovl_entry_has_key(e, key) ? OVL_LEARN_STATIC
							: OVL_LEARN_BLOCKED;
			goto out;
		}
		/* roaming: the MAC now lives behind another VTEP */
		res = OVL_LEARN_NOMEM;
		if (ovl_dest_prepend(fdb, e, key, false, NULL, NULL))
			goto out;
		d = ovl_dest_deref(fdb, e->dests);
		while (rcu_access_pointer(d->next))
			ovl_dest_unlink(fdb, &d->next,
					ovl_dest_deref(fdb, d->next));
		/* learning owns it now: what a user had said of it is gone */
		memset(&e->tag, 0, sizeof(e->tag));
		WRITE_ONCE(e->updated, now);
		ovl_emit(fdb, e, d, OVL_FDB_EV_MOVED);
		res = OVL_LEARN_MOVED;
		goto out;
	}
	res = OVL_LEARN_FULL;
	if (ovl_fdb_full(fdb))
		goto out;
	res = OVL_LEARN_NOMEM;
	e = ovl_entry_create(fdb, mac, 0, now, NULL);
	if (IS_ERR(e))
		goto out;
	if (ovl_dest_prepend(fdb, e, key, false, NULL, NULL)) {
		ovl_entry_remove(fdb, e);
		goto out;
	}
	ovl_entry_sync_ageing(fdb, e);
	ovl_fdb_arm_ageing(fdb);
	ovl_emit(fdb, e, ovl_dest_deref(fdb, e->dests), OVL_FDB_EV_LEARNED);
	res = OVL_LEARN_NEW;
out:
	spin_unlock(&fdb->lock);
	return res;
}

static bool ovl_entry_expired(struct ovl_fdb *fdb, struct ovl_fdb_entry *e,
			      unsigned long now)
{
	unsigned long ageing = READ_ONCE(fdb->ageing);

	return ageing && ovl_entry_can_age(e) &&
	       time_after_eq(now, READ_ONCE(e->updated) + ageing);
}

/* Entries handled per lock hold by the scans of the ageing list. */
#define OVL_FDB_BATCH	64

/*
 * Removes every dynamic entry not refreshed within the ageing time.  The
 * scan walks the ageing list only, so it visits the entries that can age
 * and no others: live ones go to the tail, and at most as many entries
 * are visited as the list held when the scan began.
 */
unsigned int ovl_fdb_age(struct ovl_fdb *fdb, unsigned long now)
{
	unsigned int budget, visited = 0, removed = 0;
	struct ovl_fdb_entry *e;

	if (!READ_ONCE(fdb->ageing))
		return 0;
	spin_lock_bh(&fdb->lock);
	budget = fdb->n_ageing;
	while (visited < budget && !list_empty(&fdb->ageing_list)) {
		e = list_first_entry(&fdb->ageing_list, struct ovl_fdb_entry,
				     age_node);
		visited++;
		if (ovl_entry_expired(fdb, e, now)) {
			ovl_emit_all(fdb, e, OVL_FDB_EV_AGED);
			ovl_entry_remove(fdb, e);
			removed++;
		} else {
			list_move_tail(&e->age_node, &fdb->ageing_list);
		}
		if (visited % OVL_FDB_BATCH == 0) {
			spin_unlock_bh(&fdb->lock);
			cond_resched();
			spin_lock_bh(&fdb->lock);
		}
	}
	fdb->age_visited += visited;
	spin_unlock_bh(&fdb->lock);
	return removed;
}

static void ovl_fdb_ageing_work(struct work_struct *work)
{
	struct ovl_fdb *fdb = container_of(to_delayed_work(work),
					   struct ovl_fdb, ageing_work);

	ovl_fdb_age(fdb, jiffies);
	spin_lock_bh(&fdb->lock);
	ovl_fdb_arm_ageing(fdb);
	spin_unlock_bh(&fdb->lock);
}

/* A new ageing time (jiffies, 0 = never) applies to existing entries too. */
void ovl_fdb_set_ageing(struct ovl_fdb *fdb, unsigned long ageing)
{
	WRITE_ONCE(fdb->ageing, ageing);
	/* a scan pending for the old period may be far off: bring it in */
	if (ageing && READ_ONCE(fdb->n_ageing))
		mod_delayed_work(system_wq, &fdb->ageing_work,
				 ovl_fdb_ageing_period(ageing));
}

/* Removes what can age (learned and dynamic entries), from the list. */
static void ovl_fdb_flush_dynamic(struct ovl_fdb *fdb)
{
	unsigned int budget, n = 0;
	struct ovl_fdb_entry *e;

	spin_lock_bh(&fdb->lock);
	budget = fdb->n_ageing;
	while (n++ < budget && !list_empty(&fdb->ageing_list)) {
		e = list_first_entry(&fdb->ageing_list, struct ovl_fdb_entry,
				     age_node);
		ovl_emit_all(fdb, e, OVL_FDB_EV_FLUSHED);
		ovl_entry_remove(fdb, e);
		if (n % OVL_FDB_BATCH == 0) {
			spin_unlock_bh(&fdb->lock);
			cond_resched();
			spin_lock_bh(&fdb->lock);
		}
	}
	spin_unlock_bh(&fdb->lock);
}

/*
 * Removes the entries that can age, and with @include_static every
 * entry (the flood list and extern_learn ones included).
 */
void ovl_fdb_flush(struct ovl_fdb *fdb, bool include_static)
{
	struct rhashtable_iter iter;
	struct ovl_fdb_entry *e;

	if (!include_static) {
		ovl_fdb_flush_dynamic(fdb);
		return;
	}
	rhashtable_walk_enter(&fdb->entries, &iter);
	rhashtable_walk_start(&iter);
	while ((e = rhashtable_walk_next(&iter))) {
		if (IS_ERR(e))
			continue;
		spin_lock_bh(&fdb->lock);
		if (rhashtable_lookup_fast(&fdb->entries, e->mac,
					   ovl_entry_params) == e) {
			ovl_emit_all(fdb, e, OVL_FDB_EV_FLUSHED);
			ovl_entry_remove(fdb, e);
		}
		spin_unlock_bh(&fdb->lock);
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
}

/* Removes the destinations of @e that @f matches; lock held. */
static unsigned int ovl_entry_filter(struct ovl_fdb *fdb,
				     struct ovl_fdb_entry *e,
				     const struct ovl_fdb_filter *f)
{
	struct ovl_fdb_dest __rcu **link = &e->dests;
	unsigned int removed = 0;
	struct ovl_fdb_dest *d;

	while ((d = ovl_dest_deref(fdb, *link))) {
		if (f->match && !f->match(e, d, f->arg)) {
			link = &d->next;
			continue;
		}
		ovl_emit(fdb, e, d, OVL_FDB_EV_FLUSHED);
		ovl_dest_unlink(fdb, link, d);
		removed++;
	}
	if (!rcu_access_pointer(e->dests))
		ovl_entry_remove(fdb, e);
	return removed;
}

/**
 * ovl_fdb_flush_filter - bulk delete
 * @fdb: the database
 * @f: which destinations go; an entry goes with its last destination
 *
 * The flood list is left alone unless @f->flood, as the in-tree vxlan
 * leaves its default entry: its members are deleted one by one.
 *
 * Return: the number of destinations removed.
 */
unsigned int ovl_fdb_flush_filter(struct ovl_fdb *fdb,
				  const struct ovl_fdb_filter *f)
{
	struct rhashtable_iter iter;
	struct ovl_fdb_entry *e;
	unsigned int removed = 0;

	rhashtable_walk_enter(&fdb->entries, &iter);
	rhashtable_walk_start(&iter);
	while ((e = rhashtable_walk_next(&iter))) {
		if (IS_ERR(e) || (ovl_fdb_is_flood(e) && !f->flood))
			continue;
		spin_lock_bh(&fdb->lock);
		if (rhashtable_lookup_fast(&fdb->entries, e->mac,
					   ovl_entry_params) == e)
			removed += ovl_entry_filter(fdb, e, f);
		spin_unlock_bh(&fdb->lock);
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
	return removed;
}

static bool ovl_via_match(const struct ovl_fdb_entry *e,
			  const struct ovl_fdb_dest *d, const void *arg)
{
	return d->remote->key.ifindex == *(const u32 *)arg;
}

/**
 * ovl_fdb_forget_ifindex - an underlay device is gone
 * @fdb: the database
 * @ifindex: its index
 *
 * Every destination sent `via` that device goes, flood-list members
 * included (each announced as flushed): the index may be reused by an
 * unrelated device, which must never carry a tenant's traffic.
 *
 * Return: the number of destinations removed.
 */
unsigned int ovl_fdb_forget_ifindex(struct ovl_fdb *fdb, u32 ifindex)
{
	struct ovl_fdb_filter f = {
		.match = ovl_via_match, .arg = &ifindex, .flood = true,
	};

	/* every device of the namespace is asked on every unregistration */
	if (!READ_ONCE(fdb->n_via))
		return 0;
	return ovl_fdb_flush_filter(fdb, &f);
}

/**
 * ovl_fdb_ratelimit_allow - may one more event go out?
 * @rl: the bucket
 * @now: jiffies
 * @rate: events per second, 0 = no limit
 * @burst: events at once
 * @first_refused: set when this refusal starts a run of refusals
 *
 * Return: true if the event may be sent.
 */
bool ovl_fdb_ratelimit_allow(struct ovl_fdb_ratelimit *rl, unsigned long now,
			     u32 rate, u32 burst, bool *first_refused)
{
	u64 cap = (u64)max(burst, 1U) * HZ;
	unsigned long dt;
	bool ok;

	*first_refused = false;
	if (!rate)
		return true;
	spin_lock_bh(&rl->lock);
	/* a clock that went back (KUnit) or a long pause: a full bucket */
	dt = min(now - rl->last, 3600UL * HZ);
	rl->tokens = min(cap, rl->tokens + (u64)dt * rate);
	rl->last = now;
	ok = rl->tokens >= HZ;
	if (ok) {
		rl->tokens -= HZ;
		rl->suppressing = false;
	} else {
		*first_refused = !rl->suppressing;
		rl->suppressing = true;
	}
	spin_unlock_bh(&rl->lock);
	return ok;
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
