// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the forwarding database (fdb.c): add/append/replace/del,
 * learning and roaming, maxaddress, ageing driven by a fake clock, flush,
 * remote sharing, growth of the hash table, and lookup cost that stays
 * flat from 10 to 1,000,000 entries; what a control plane relies on:
 * extern_learn and sticky entries, a flood list that never ages, events,
 * bulk delete, the event rate bound, and an ageing scan that visits the
 * entries that can age and no others.
 *
 * Every case gets a fresh database.  Lookups run under rcu_read_lock(),
 * learning additionally with BHs disabled, as in the receive path.
 */

#include <kunit/test.h>
#include <linux/bottom_half.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/rcupdate.h>
#include <linux/string.h>

#include "../fdb.h"

#define OVL_TEST_MAX_DESTS	8

static struct ovl_fdb *ovl_test_fdb(struct kunit *test)
{
	return test->priv;
}

static void ovl_test_mac(u8 *mac, u32 i)
{
	mac[0] = 0x02;			/* locally administered unicast */
	mac[1] = 0x00;
	mac[2] = i >> 24;
	mac[3] = i >> 16;
	mac[4] = i >> 8;
	mac[5] = i;
}

/* An IPv4 VTEP 192.0.2.@host (plus the high bits of @host), VNI @id. */
static void ovl_test_key4(struct ovl_remote_key *key, u32 host, u32 id)
{
	memset(key, 0, sizeof(*key));
	key->ip.family = AF_INET;
	key->ip.ip4 = htonl(0xc0000200 + host);
	key->port = htons(4789);
	key->id = id;
}

static void ovl_test_key6(struct ovl_remote_key *key, u32 host, u32 id)
{
	memset(key, 0, sizeof(*key));
	key->ip.family = AF_INET6;
	key->ip.ip6.s6_addr32[0] = htonl(0x20010db8);
	key->ip.ip6.s6_addr32[3] = htonl(host);
	key->port = htons(4789);
	key->id = id;
}

static bool ovl_test_key_eq(const struct ovl_remote_key *a,
			    const struct ovl_remote_key *b)
{
	return !memcmp(a, b, sizeof(*a));
}

static enum ovl_learn_result ovl_test_learn(struct ovl_fdb *fdb, const u8 *mac,
					    const struct ovl_remote_key *key,
					    unsigned long now)
{
	enum ovl_learn_result res;

	local_bh_disable();
	rcu_read_lock();
	res = ovl_fdb_learn(fdb, mac, key, now);
	rcu_read_unlock();
	local_bh_enable();
	return res;
}

struct ovl_test_entry {
	u16 flags;
	unsigned long updated;
	int ndests;
	struct ovl_remote_key keys[OVL_TEST_MAX_DESTS];	/* list order */
	bool config[OVL_TEST_MAX_DESTS];
	unsigned int refs[OVL_TEST_MAX_DESTS];
	const struct ovl_remote *remotes[OVL_TEST_MAX_DESTS];	/* compare only */
};

/* Snapshot of the entry for @mac; false if there is none. */
static bool ovl_test_get(struct ovl_fdb *fdb, const u8 *mac,
			 struct ovl_test_entry *te)
{
	struct ovl_fdb_entry *e;
	struct ovl_fdb_dest *d;
	int n = 0;

	memset(te, 0, sizeof(*te));
	rcu_read_lock();
	e = ovl_fdb_lookup(fdb, mac);
	if (!e) {
		rcu_read_unlock();
		return false;
	}
	te->flags = READ_ONCE(e->flags);
	te->updated = READ_ONCE(e->updated);
	for (d = rcu_dereference(e->dests); d; d = rcu_dereference(d->next)) {
		if (n < OVL_TEST_MAX_DESTS) {
			te->keys[n] = d->remote->key;
			te->config[n] = d->config;
			te->refs[n] = refcount_read(&d->remote->refs);
			te->remotes[n] = d->remote;
		}
		n++;
	}
	te->ndests = n;
	rcu_read_unlock();
	return true;
}

static bool ovl_test_has(struct ovl_fdb *fdb, const u8 *mac)
{
	bool found;

	rcu_read_lock();
	found = ovl_fdb_lookup(fdb, mac);
	rcu_read_unlock();
	return found;
}

static bool ovl_test_knows(struct ovl_fdb *fdb, const struct ovl_remote_key *key)
{
	struct ovl_addr ip;
	bool known;

	/* bytewise, padding included: the table hashes all of it */
	memcpy(&ip, &key->ip, sizeof(ip));
	rcu_read_lock();
	known = ovl_fdb_knows_remote(fdb, &ip);
	rcu_read_unlock();
	return known;
}

/* Asserts that @mac has exactly the destinations @keys, in this order. */
static void ovl_expect_dests(struct kunit *test, const u8 *mac,
			     const struct ovl_remote_key *const *keys, int n)
{
	struct ovl_test_entry te;
	int i;

	KUNIT_ASSERT_TRUE_MSG(test, ovl_test_get(ovl_test_fdb(test), mac, &te),
			      "no entry for %pM", mac);
	KUNIT_ASSERT_EQ_MSG(test, te.ndests, n, "%pM", mac);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_TRUE_MSG(test, ovl_test_key_eq(&te.keys[i], keys[i]),
				      "%pM dest %d: %pI4 id %u, want %pI4 id %u", mac, i,
				      &te.keys[i].ip.ip4, te.keys[i].id,
				      &keys[i]->ip.ip4, keys[i]->id);
}

/* --- add, lookup, append, replace, del -------------------------------- */

static void ovl_fdb_add_lookup_test(struct kunit *test)
{
	struct ovl_fdb *fdb = ovl_test_fdb(test);
	struct ovl_remote_key k1, k6;
	struct ovl_test_entry te;
	u8 a[ETH_ALEN], b[ETH_ALEN], c[ETH_ALEN];

	ovl_test_mac(a, 1);
	ovl_test_mac(b, 2);
	ovl_test_mac(c, 3);
	ovl_test_key4(&k1, 1, 100);
	ovl_test_key6(&k6, 1, 100);

	KUNIT_EXPECT_FALSE(test, ovl_test_has(fdb, a));
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, a, &k1, OVL_FDB_STATIC, false,
					  false, 1000), 0);
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, b, &k6, 0, false, false, 2000),
			0);
	KUNIT_EXPECT_EQ(test, ovl_fdb_count(fdb), 2);

	KUNIT_ASSERT_TRUE(test, ovl_test_get(fdb, a, &te));
	KUNIT_EXPECT_EQ(test, te.ndests, 1);
	KUNIT_EXPECT_TRUE(test, ovl_test_key_eq(&te.keys[0], &k1));
	KUNIT_EXPECT_FALSE(test, te.config[0]);
	KUNIT_EXPECT_TRUE(test, te.flags & OVL_FDB_STATIC);
	KUNIT_EXPECT_EQ(test, te.updated, 1000);

	KUNIT_ASSERT_TRUE(test, ovl_test_get(fdb, b, &te));
	KUNIT_EXPECT_EQ(test, te.ndests, 1);
	KUNIT_EXPECT_TRUE(test, ovl_test_key_eq(&te.keys[0], &k6));
	KUNIT_EXPECT_FALSE(test, te.flags & OVL_FDB_STATIC);
	KUNIT_EXPECT_EQ(test, te.updated, 2000);

	KUNIT_EXPECT_FALSE(test, ovl_test_has(fdb, c));
	KUNIT_EXPECT_FALSE(test, ovl_test_has(fdb, ovl_flood_mac));
}

static void ovl_fdb_add_exists_test(struct kunit *test)
{
	struct ovl_fdb *fdb = ovl_test_fdb(test);
	const struct ovl_remote_key *want[1];
	struct ovl_remote_key k1, k2;
	u8 a[ETH_ALEN];

	ovl_test_mac(a, 1);
	ovl_test_key4(&k1, 1, 100);
	ovl_test_key4(&k2, 2, 100);

	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, a, &k1, OVL_FDB_STATIC, false,
					  false, 0), 0);
	KUNIT_EXPECT_EQ(test, ovl_fdb_add(fdb, a, &k1, OVL_FDB_STATIC, false,
					  false, 0), -EEXIST);
	KUNIT_EXPECT_EQ(test, ovl_fdb_add(fdb, a, &k2, OVL_FDB_STATIC, false,
					  false, 0), -EEXIST);
	KUNIT_EXPECT_EQ(test, ovl_fdb_add(fdb, a, &k2, 0, false, false, 0),
			-EEXIST);
	want[0] = &k1;
	ovl_expect_dests(test, a, want, 1);
	KUNIT_EXPECT_EQ(test, ovl_fdb_count(fdb), 1);
	KUNIT_EXPECT_FALSE(test, ovl_test_knows(fdb, &k2));
}

static void ovl_fdb_append_test(struct kunit *test)
{
	struct ovl_fdb *fdb = ovl_test_fdb(test);
	const struct ovl_remote_key *want[3];
	struct ovl_remote_key k1, k2, k3;
	u8 a[ETH_ALEN];

	ovl_test_mac(a, 1);
	ovl_test_key4(&k1, 1, 100);
	ovl_test_key4(&k2, 2, 100);
	ovl_test_key4(&k3, 1, 200);	/* same VTEP, another VNI */

	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, a, &k1, OVL_FDB_STATIC, true,
					  false, 0), 0);
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, a, &k2, OVL_FDB_STATIC, true,
					  false, 0), 0);
	want[0] = &k2;
	want[1] = &k1;
	ovl_expect_dests(test, a, want, 2);

	KUNIT_EXPECT_EQ(test, ovl_fdb_add(fdb, a, &k2, OVL_FDB_STATIC, true,
					  false, 0), -EEXIST);
	KUNIT_EXPECT_EQ(test, ovl_fdb_add(fdb, a, &k1, OVL_FDB_STATIC, true,
					  false, 0), -EEXIST);
	ovl_expect_dests(test, a, want, 2);

	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, a, &k3, OVL_FDB_STATIC, true,
					  false, 0), 0);
	want[0] = &k3;
	want[1] = &k2;
	want[2] = &k1;
	ovl_expect_dests(test, a, want, 3);
	KUNIT_EXPECT_EQ(test, ovl_fdb_count(fdb), 1);
}

static void ovl_fdb_replace_test(struct kunit *test)
{
	struct ovl_fdb *fdb = ovl_test_fdb(test);
	const struct ovl_remote_key *want[2];
	struct ovl_remote_key k1, k2, k3, k4;
	struct ovl_test_entry te;
	u8 a[ETH_ALEN];

	ovl_test_mac(a, 1);
	ovl_test_key4(&k1, 1, 100);
	ovl_test_key4(&k2, 2, 100);
	ovl_test_key4(&k3, 3, 100);
	ovl_test_key4(&k4, 4, 100);

	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, a, &k1, OVL_FDB_STATIC, false,
					  false, 10), 0);
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, a, &k2, OVL_FDB_STATIC, false,
					  true, 20), 0);
	want[0] = &k2;
	ovl_expect_dests(test, a, want, 1);
	KUNIT_EXPECT_FALSE(test, ovl_test_knows(fdb, &k1));
	KUNIT_EXPECT_TRUE(test, ovl_test_knows(fdb, &k2));
	KUNIT_ASSERT_TRUE(test, ovl_test_get(fdb, a, &te));
	KUNIT_EXPECT_EQ(test, te.updated, 20);
	KUNIT_EXPECT_EQ(test, te.refs[0], 1);

	/* replacing with the destination it already has changes nothing */
	KUNIT_EXPECT_EQ(test, ovl_fdb_add(fdb, a, &k2, OVL_FDB_STATIC, false,
					  true, 30), 0);
	ovl_expect_dests(test, a, want, 1);

	/* with two destinations, only the first one is replaced */
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, a, &k3, OVL_FDB_STATIC, true,
					  false, 40), 0);
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, a, &k4, OVL_FDB_STATIC, false,
					  true, 50), 0);
	want[0] = &k4;
	want[1] = &k2;
	ovl_expect_dests(test, a, want, 2);
	KUNIT_EXPECT_FALSE(test, ovl_test_knows(fdb, &k3));
	KUNIT_EXPECT_EQ(test, ovl_fdb_count(fdb), 1);

	/* replace may also turn a static entry into a dynamic one */
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, a, &k4, 0, false, true, 60), 0);
	KUNIT_ASSERT_TRUE(test, ovl_test_get(fdb, a, &te));
	KUNIT_EXPECT_FALSE(test, te.flags & OVL_FDB_STATIC);

	/* replace of a missing entry creates it */
	ovl_test_mac(a, 2);
	KUNIT_EXPECT_EQ(test, ovl_fdb_add(fdb, a, &k1, OVL_FDB_STATIC, false,
					  true, 70), 0);
	want[0] = &k1;
	ovl_expect_dests(test, a, want, 1);
	KUNIT_EXPECT_EQ(test, ovl_fdb_count(fdb), 2);
}

/* A static entry that replace makes dynamic must be scheduled to age. */
static void ovl_fdb_replace_ages_test(struct kunit *test)
{
	struct ovl_fdb *fdb = ovl_test_fdb(test);
	struct ovl_remote_key k1, k2;
	u8 a[ETH_ALEN];

	ovl_test_mac(a, 1);
	ovl_test_key4(&k1, 1, 100);
	ovl_test_key4(&k2, 2, 100);
	fdb->ageing = 10 * HZ;

	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, a, &k1, OVL_FDB_STATIC, false,
					  false, 10), 0);
	KUNIT_EXPECT_FALSE(test, delayed_work_pending(&fdb->ageing_work));
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, a, &k2, 0, false, true, 20), 0);
	KUNIT_EXPECT_TRUE(test, delayed_work_pending(&fdb->ageing_work));
}

static void ovl_fdb_del_test(struct kunit *test)
{
	struct ovl_fdb *fdb = ovl_test_fdb(test);
	const struct ovl_remote_key *want[1];
	struct ovl_remote_key k1, k2;
	u8 a[ETH_ALEN], b[ETH_ALEN];

	ovl_test_mac(a, 1);
	ovl_test_mac(b, 2);
	ovl_test_key4(&k1, 1, 100);
	ovl_test_key4(&k2, 2, 100);

	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, a, &k1, OVL_FDB_STATIC, true,
					  false, 0), 0);
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, a, &k2, OVL_FDB_STATIC, true,
					  false, 0), 0);
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, b, &k1, OVL_FDB_STATIC, true,
					  false, 0), 0);
	KUNIT_EXPECT_EQ(test, ovl_fdb_count(fdb), 2);

	/* one destination, the entry stays */
	KUNIT_EXPECT_EQ(test, ovl_fdb_del(fdb, a, &k1), 0);
	want[0] = &k2;
	ovl_expect_dests(test, a, want, 1);
	KUNIT_EXPECT_EQ(test, ovl_fdb_del(fdb, a, &k1), -ENOENT);
	KUNIT_EXPECT_EQ(test, ovl_fdb_count(fdb), 2);
	KUNIT_EXPECT_TRUE(test, ovl_test_knows(fdb, &k1));	/* b uses it */

	/* the last destination takes the entry with it */
	KUNIT_EXPECT_EQ(test, ovl_fdb_del(fdb, a, &k2), 0);
	KUNIT_EXPECT_FALSE(test, ovl_test_has(fdb, a));
	KUNIT_EXPECT_EQ(test, ovl_fdb_count(fdb), 1);
	KUNIT_EXPECT_FALSE(test, ovl_test_knows(fdb, &k2));
	KUNIT_EXPECT_EQ(test, ovl_fdb_del(fdb, a, &k2), -ENOENT);
	KUNIT_EXPECT_EQ(test, ovl_fdb_del(fdb, a, NULL), -ENOENT);

	/* the whole entry at once */
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, b, &k2, OVL_FDB_STATIC, true,
					  false, 0), 0);
	KUNIT_EXPECT_EQ(test, ovl_fdb_del(fdb, b, NULL), 0);
	KUNIT_EXPECT_FALSE(test, ovl_test_has(fdb, b));
	KUNIT_EXPECT_EQ(test, ovl_fdb_count(fdb), 0);
	KUNIT_EXPECT_FALSE(test, ovl_test_knows(fdb, &k1));
	KUNIT_EXPECT_FALSE(test, ovl_test_knows(fdb, &k2));
}

static void ovl_fdb_del_missing_test(struct kunit *test)
{
	struct ovl_fdb *fdb = ovl_test_fdb(test);
	struct ovl_remote_key k1, k2;
	u8 a[ETH_ALEN], b[ETH_ALEN];

	ovl_test_mac(a, 1);
	ovl_test_mac(b, 2);
	ovl_test_key4(&k1, 1, 100);
	ovl_test_key4(&k2, 1, 101);	/* differs from k1 in the VNI only */

	KUNIT_EXPECT_EQ(test, ovl_fdb_del(fdb, a, NULL), -ENOENT);
	KUNIT_EXPECT_EQ(test, ovl_fdb_del(fdb, a, &k1), -ENOENT);
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, a, &k1, 0, false, false, 0), 0);
	KUNIT_EXPECT_EQ(test, ovl_fdb_del(fdb, b, NULL), -ENOENT);
	KUNIT_EXPECT_EQ(test, ovl_fdb_del(fdb, b, &k1), -ENOENT);
	KUNIT_EXPECT_EQ(test, ovl_fdb_del(fdb, a, &k2), -ENOENT);
	KUNIT_EXPECT_TRUE(test, ovl_test_has(fdb, a));
	KUNIT_EXPECT_EQ(test, ovl_fdb_count(fdb), 1);
}

/* --- learning ---------------------------------------------------------- */

static void ovl_fdb_learn_test(struct kunit *test)
{
	struct ovl_fdb *fdb = ovl_test_fdb(test);
	const struct ovl_remote_key *want[1];
	struct ovl_remote_key k1, k2;
	struct ovl_test_entry te;
	u8 a[ETH_ALEN];

	ovl_test_mac(a, 1);
	ovl_test_key4(&k1, 1, 100);
	ovl_test_key4(&k2, 2, 100);

	KUNIT_EXPECT_EQ(test, ovl_test_learn(fdb, a, &k1, 1000), OVL_LEARN_NEW);
	KUNIT_ASSERT_TRUE(test, ovl_test_get(fdb, a, &te));
	KUNIT_EXPECT_EQ(test, te.ndests, 1);
	KUNIT_EXPECT_TRUE(test, ovl_test_key_eq(&te.keys[0], &k1));
	KUNIT_EXPECT_FALSE(test, te.flags & OVL_FDB_STATIC);
	KUNIT_EXPECT_EQ(test, te.updated, 1000);
	KUNIT_EXPECT_EQ(test, ovl_fdb_count(fdb), 1);

	KUNIT_EXPECT_EQ(test, ovl_test_learn(fdb, a, &k1, 1005),
			OVL_LEARN_FRESH);
	KUNIT_ASSERT_TRUE(test, ovl_test_get(fdb, a, &te));
	KUNIT_EXPECT_EQ(test, te.updated, 1005);
	KUNIT_EXPECT_EQ(test, te.refs[0], 1);

	/* roaming */
	KUNIT_EXPECT_EQ(test, ovl_test_learn(fdb, a, &k2, 1010),
			OVL_LEARN_MOVED);
	want[0] = &k2;
	ovl_expect_dests(test, a, want, 1);
	KUNIT_ASSERT_TRUE(test, ovl_test_get(fdb, a, &te));
	KUNIT_EXPECT_EQ(test, te.updated, 1010);
	KUNIT_EXPECT_FALSE(test, ovl_test_knows(fdb, &k1));
	KUNIT_EXPECT_TRUE(test, ovl_test_knows(fdb, &k2));
	KUNIT_EXPECT_EQ(test, ovl_fdb_count(fdb), 1);

	KUNIT_EXPECT_EQ(test, ovl_test_learn(fdb, a, &k2, 1020),
			OVL_LEARN_FRESH);
	KUNIT_EXPECT_EQ(test, ovl_test_learn(fdb, a, &k1, 1030),
			OVL_LEARN_MOVED);
	want[0] = &k1;
	ovl_expect_dests(test, a, want, 1);
	KUNIT_EXPECT_FALSE(test, ovl_test_knows(fdb, &k2));
}

static void ovl_fdb_learn_multi_dest_test(struct kunit *test)
{
	struct ovl_fdb *fdb = ovl_test_fdb(test);
	const struct ovl_remote_key *want[1];
	struct ovl_remote_key k1, k2;
	u8 a[ETH_ALEN];

	ovl_test_mac(a, 1);
	ovl_test_key4(&k1, 1, 100);
	ovl_test_key4(&k2, 2, 100);

	/* a dynamic entry with two destinations collapses to the learned one */
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, a, &k1, 0, true, false, 0), 0);
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, a, &k2, 0, true, false, 0), 0);
	KUNIT_EXPECT_EQ(test, ovl_test_learn(fdb, a, &k1, 10), OVL_LEARN_MOVED);
	want[0] = &k1;
	ovl_expect_dests(test, a, want, 1);
	KUNIT_EXPECT_FALSE(test, ovl_test_knows(fdb, &k2));
	KUNIT_EXPECT_EQ(test, ovl_test_learn(fdb, a, &k1, 20), OVL_LEARN_FRESH);
}

static void ovl_fdb_learn_static_test(struct kunit *test)
{
	struct ovl_fdb *fdb = ovl_test_fdb(test);
	const struct ovl_remote_key *want[2];
	struct ovl_remote_key k1, k2;
	struct ovl_test_entry te;
	u8 a[ETH_ALEN], b[ETH_ALEN];

	ovl_test_mac(a, 1);
	ovl_test_mac(b, 2);
	ovl_test_key4(&k1, 1, 100);
	ovl_test_key4(&k2, 2, 100);

	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, a, &k1, OVL_FDB_STATIC, false,
					  false, 100), 0);
	KUNIT_EXPECT_EQ(test, ovl_test_learn(fdb, a, &k2, 200),
			OVL_LEARN_BLOCKED);
	KUNIT_EXPECT_EQ(test, ovl_test_learn(fdb, a, &k1, 300),
			OVL_LEARN_STATIC);
	want[0] = &k1;
	ovl_expect_dests(test, a, want, 1);
	KUNIT_ASSERT_TRUE(test, ovl_test_get(fdb, a, &te));
	KUNIT_EXPECT_TRUE(test, te.flags & OVL_FDB_STATIC);
	KUNIT_EXPECT_EQ(test, te.updated, 100);
	KUNIT_EXPECT_FALSE(test, ovl_test_knows(fdb, &k2));

	/* also with several destinations (the slow path) */
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, b, &k1, OVL_FDB_STATIC, true,
					  false, 100), 0);
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, b, &k2, OVL_FDB_STATIC, true,
					  false, 100), 0);
	KUNIT_EXPECT_EQ(test, ovl_test_learn(fdb, b, &k1, 400),
			OVL_LEARN_STATIC);
	want[0] = &k2;
	want[1] = &k1;
	ovl_expect_dests(test, b, want, 2);
	KUNIT_EXPECT_EQ(test, ovl_fdb_count(fdb), 2);
}

/* --- control-plane rules ------------------------------------------------ */

/* extern_learn: never aged, never moved by learning, changed by netlink. */
static void ovl_fdb_ext_learned_test(struct kunit *test)
{
	struct ovl_fdb *fdb = ovl_test_fdb(test);
	const struct ovl_fdb_tag tag = { .state = 0x02, .ndm_flags = 0x10,
					 .protocol = 11 };
	const struct ovl_remote_key *want[1];
	unsigned long t0 = jiffies;
	struct ovl_remote_key k1, k2, k3;
	struct ovl_test_entry te;
	u8 a[ETH_ALEN];

	ovl_test_mac(a, 1);
	ovl_test_key4(&k1, 1, 100);
	ovl_test_key4(&k2, 2, 100);
	ovl_test_key4(&k3, 3, 100);
	WRITE_ONCE(fdb->ageing, 10 * HZ);

	KUNIT_ASSERT_EQ(test, ovl_fdb_add_tagged(fdb, a, &k1,
						 OVL_FDB_EXT_LEARNED, &tag,
						 false, true, t0, NULL), 0);
	KUNIT_EXPECT_EQ(test, fdb->n_ageing, 0);
	KUNIT_EXPECT_EQ(test, ovl_test_learn(fdb, a, &k2, t0 + 1),
			OVL_LEARN_BLOCKED);
	KUNIT_EXPECT_EQ(test, ovl_test_learn(fdb, a, &k1, t0 + 2),
			OVL_LEARN_STATIC);
	want[0] = &k1;
	ovl_expect_dests(test, a, want, 1);
	KUNIT_ASSERT_TRUE(test, ovl_test_get(fdb, a, &te));
	KUNIT_EXPECT_EQ(test, te.updated, t0);	/* learning did not touch it */

	KUNIT_EXPECT_EQ(test, ovl_fdb_age(fdb, t0 + 1000 * HZ), 0);
	KUNIT_EXPECT_TRUE(test, ovl_test_has(fdb, a));
	ovl_fdb_flush(fdb, false);		/* device down */
	KUNIT_EXPECT_TRUE(test, ovl_test_has(fdb, a));

	/* the tag is kept as given */
	rcu_read_lock();
	KUNIT_EXPECT_EQ(test, ovl_fdb_lookup(fdb, a)->tag.protocol, 11);
	KUNIT_EXPECT_EQ(test, ovl_fdb_lookup(fdb, a)->tag.state, 0x02);
	rcu_read_unlock();

	/* netlink replaces it; as a plain dynamic entry it ages again */
	KUNIT_ASSERT_EQ(test, ovl_fdb_add_tagged(fdb, a, &k3, 0, NULL, false,
						 true, t0, NULL), 0);
	want[0] = &k3;
	ovl_expect_dests(test, a, want, 1);
	KUNIT_EXPECT_EQ(test, fdb->n_ageing, 1);
	KUNIT_EXPECT_EQ(test, ovl_fdb_age(fdb, t0 + 10 * HZ), 1);
	KUNIT_EXPECT_EQ(test, fdb->n_ageing, 0);
}

/* sticky: never moved by learning, but a dynamic sticky entry ages. */
static void ovl_fdb_sticky_test(struct kunit *test)
{
	struct ovl_fdb *fdb = ovl_test_fdb(test);
	const struct ovl_remote_key *want[1];
	unsigned long t0 = jiffies;
	struct ovl_remote_key k1, k2;
	u8 a[ETH_ALEN], b[ETH_ALEN];

	ovl_test_mac(a, 1);
	ovl_test_mac(b, 2);
	ovl_test_key4(&k1, 1, 100);
	ovl_test_key4(&k2, 2, 100);
	WRITE_ONCE(fdb->ageing, 10 * HZ);

	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, a, &k1, OVL_FDB_STICKY, false,
					  false, t0), 0);
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, b, &k1,
					  OVL_FDB_STICKY | OVL_FDB_STATIC,
					  false, false, t0), 0);
	KUNIT_EXPECT_EQ(test, ovl_test_learn(fdb, a, &k2, t0),
			OVL_LEARN_BLOCKED);
	KUNIT_EXPECT_EQ(test, ovl_test_learn(fdb, b, &k2, t0),
			OVL_LEARN_BLOCKED);
	want[0] = &k1;
	ovl_expect_dests(test, a, want, 1);
	ovl_expect_dests(test, b, want, 1);
	KUNIT_EXPECT_EQ(test, fdb->n_ageing, 1);
	KUNIT_EXPECT_EQ(test, ovl_fdb_age(fdb, t0 + 10 * HZ), 1);
	KUNIT_EXPECT_FALSE(test, ovl_test_has(fdb, a));
	KUNIT_EXPECT_TRUE(test, ovl_test_has(fdb, b));
}

/*
 * The flood list never ages: a dynamic append does not demote the
 * device's own (static) remote, and a list made only of dynamic members
 * stays too.  Each member keeps the tag it was added with.
 */
static void ovl_fdb_flood_never_ages_test(struct kunit *test)
{
	struct ovl_fdb *fdb = ovl_test_fdb(test);
	const struct ovl_fdb_tag dyn = { .state = 0x02 };
	const struct ovl_remote_key *want[2];
	unsigned long t0 = jiffies;
	struct ovl_remote_key k1, k2;
	struct ovl_test_entry te;
	struct ovl_fdb_entry *e;

	ovl_test_key4(&k1, 1, 100);
	ovl_test_key4(&k2, 2, 100);
	WRITE_ONCE(fdb->ageing, 10 * HZ);

	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, ovl_flood_mac, &k1,
					  OVL_FDB_STATIC | OVL_FDB_CONFIG,
					  true, false, t0), 0);
	KUNIT_ASSERT_EQ(test, ovl_fdb_add_tagged(fdb, ovl_flood_mac, &k2, 0,
						 &dyn, true, false, t0, NULL),
			0);
	KUNIT_ASSERT_TRUE(test, ovl_test_get(fdb, ovl_flood_mac, &te));
	KUNIT_EXPECT_TRUE(test, te.flags & OVL_FDB_STATIC);
	KUNIT_EXPECT_EQ(test, fdb->n_ageing, 0);
	KUNIT_EXPECT_EQ(test, ovl_fdb_age(fdb, t0 + 1000 * HZ), 0);
	want[0] = &k2;
	want[1] = &k1;
	ovl_expect_dests(test, ovl_flood_mac, want, 2);
	rcu_read_lock();
	e = ovl_fdb_lookup(fdb, ovl_flood_mac);
	KUNIT_EXPECT_EQ(test, ovl_fdb_tag_of(e, rcu_dereference(e->dests))->state,
			0x02);
	rcu_read_unlock();

	/* only dynamic members: still never aged, nor flushed on down */
	ovl_fdb_del_config(fdb);
	want[0] = &k2;
	ovl_expect_dests(test, ovl_flood_mac, want, 1);
	KUNIT_EXPECT_EQ(test, ovl_fdb_age(fdb, t0 + 2000 * HZ), 0);
	ovl_fdb_flush(fdb, false);
	ovl_expect_dests(test, ovl_flood_mac, want, 1);
}

/* The scan visits the entries that can age, whatever else the table holds. */
static unsigned int ovl_test_visited(struct kunit *test, unsigned int nstatic,
				     unsigned int ndyn)
{
	struct ovl_fdb *fdb = ovl_test_fdb(test);
	unsigned long t0 = jiffies;
	struct ovl_remote_key k1;
	u8 mac[ETH_ALEN];
	u64 before;
	unsigned int i;

	ovl_test_key4(&k1, 1, 100);
	ovl_fdb_flush(fdb, true);
	WRITE_ONCE(fdb->ageing, 10 * HZ);
	for (i = 0; i < nstatic; i++) {
		ovl_test_mac(mac, i);
		KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, mac, &k1, OVL_FDB_STATIC,
						  false, false, t0), 0);
	}
	for (i = 0; i < ndyn; i++) {
		ovl_test_mac(mac, 0x800000 + i);
		KUNIT_ASSERT_EQ(test, ovl_test_learn(fdb, mac, &k1, t0),
				OVL_LEARN_NEW);
	}
	before = fdb->age_visited;
	KUNIT_EXPECT_EQ(test, ovl_fdb_age(fdb, t0 + HZ), 0);	/* none stale */
	return fdb->age_visited - before;
}

static void ovl_fdb_age_scan_cost_test(struct kunit *test)
{
	unsigned int small = ovl_test_visited(test, 1000, 1000);
	unsigned int big = ovl_test_visited(test, 200000, 1000);

	/* make bench greps this line */
	kunit_info(test, "ageing scan visited: 1k static + 1k dynamic: %u, 200k static + 1k dynamic: %u\n",
		   small, big);
	KUNIT_EXPECT_EQ(test, small, 1000);
	KUNIT_EXPECT_EQ(test, big, 1000);
}

/* --- events ---------------------------------------------------------- */

#define OVL_TEST_MAX_EVENTS	16

static struct {
	int n;
	enum ovl_fdb_event ev[OVL_TEST_MAX_EVENTS];
	u8 mac[OVL_TEST_MAX_EVENTS][ETH_ALEN];
	struct ovl_remote_key key[OVL_TEST_MAX_EVENTS];
} ovl_test_events;

static void ovl_test_notify(struct ovl_fdb *fdb, const struct ovl_fdb_entry *e,
			    const struct ovl_fdb_dest *d, enum ovl_fdb_event ev)
{
	int i = ovl_test_events.n++;

	lockdep_assert_held(&fdb->lock);
	if (i >= OVL_TEST_MAX_EVENTS)
		return;
	ovl_test_events.ev[i] = ev;
	ether_addr_copy(ovl_test_events.mac[i], e->mac);
	ovl_test_events.key[i] = d->remote->key;
}

static void ovl_expect_event(struct kunit *test, int i, enum ovl_fdb_event ev,
			     const u8 *mac, const struct ovl_remote_key *key)
{
	KUNIT_ASSERT_LT(test, i, ovl_test_events.n);
	KUNIT_EXPECT_EQ_MSG(test, ovl_test_events.ev[i], ev, "event %d", i);
	KUNIT_EXPECT_TRUE(test, ether_addr_equal(ovl_test_events.mac[i], mac));
	KUNIT_EXPECT_TRUE(test, ovl_test_key_eq(&ovl_test_events.key[i], key));
}

static void ovl_fdb_events_test(struct kunit *test)
{
	struct ovl_fdb *fdb = ovl_test_fdb(test);
	unsigned long t0 = jiffies;
	struct ovl_remote_key k1, k2;
	u8 a[ETH_ALEN], b[ETH_ALEN];

	ovl_test_mac(a, 1);
	ovl_test_mac(b, 2);
	ovl_test_key4(&k1, 1, 100);
	ovl_test_key4(&k2, 2, 100);
	WRITE_ONCE(fdb->ageing, 10 * HZ);
	memset(&ovl_test_events, 0, sizeof(ovl_test_events));
	fdb->notify = ovl_test_notify;

	KUNIT_ASSERT_EQ(test, ovl_test_learn(fdb, a, &k1, t0), OVL_LEARN_NEW);
	ovl_expect_event(test, 0, OVL_FDB_EV_LEARNED, a, &k1);
	KUNIT_ASSERT_EQ(test, ovl_test_learn(fdb, a, &k1, t0), OVL_LEARN_FRESH);
	KUNIT_EXPECT_EQ(test, ovl_test_events.n, 1);	/* a refresh is quiet */
	KUNIT_ASSERT_EQ(test, ovl_test_learn(fdb, a, &k2, t0), OVL_LEARN_MOVED);
	ovl_expect_event(test, 1, OVL_FDB_EV_MOVED, a, &k2);

	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, b, &k1, OVL_FDB_STATIC, false,
					  false, t0), 0);
	ovl_expect_event(test, 2, OVL_FDB_EV_ADDED, b, &k1);
	/* a replace that changes nothing says nothing */
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, b, &k1, OVL_FDB_STATIC, false,
					  true, t0), 0);
	KUNIT_EXPECT_EQ(test, ovl_test_events.n, 3);
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, b, &k2, OVL_FDB_STATIC, true,
					  false, t0), 0);
	ovl_expect_event(test, 3, OVL_FDB_EV_ADDED, b, &k2);

	KUNIT_EXPECT_EQ(test, ovl_fdb_age(fdb, t0 + 10 * HZ), 1);
	ovl_expect_event(test, 4, OVL_FDB_EV_AGED, a, &k2);

	/* one event per destination removed */
	KUNIT_ASSERT_EQ(test, ovl_fdb_del(fdb, b, NULL), 0);
	KUNIT_EXPECT_EQ(test, ovl_test_events.n, 7);
	ovl_expect_event(test, 5, OVL_FDB_EV_DELETED, b, &k2);
	ovl_expect_event(test, 6, OVL_FDB_EV_DELETED, b, &k1);

	/* a blocked learn says nothing; a flush of dynamic entries does */
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, b, &k1, OVL_FDB_EXT_LEARNED,
					  false, false, t0), 0);
	KUNIT_ASSERT_EQ(test, ovl_test_learn(fdb, b, &k2, t0),
			OVL_LEARN_BLOCKED);
	KUNIT_ASSERT_EQ(test, ovl_test_learn(fdb, a, &k1, t0), OVL_LEARN_NEW);
	KUNIT_EXPECT_EQ(test, ovl_test_events.n, 9);
	ovl_fdb_flush(fdb, false);
	ovl_expect_event(test, 9, OVL_FDB_EV_FLUSHED, a, &k1);
	KUNIT_EXPECT_EQ(test, ovl_test_events.n, 10);
	fdb->notify = NULL;
}

/* Bulk delete by destination: dests go one by one, the flood list stays. */
static bool ovl_test_match_key(const struct ovl_fdb_entry *e,
			       const struct ovl_fdb_dest *d, const void *arg)
{
	return ovl_test_key_eq(&d->remote->key, arg);
}

static void ovl_fdb_flush_filter_test(struct kunit *test)
{
	struct ovl_fdb *fdb = ovl_test_fdb(test);
	const struct ovl_remote_key *want[1];
	struct ovl_remote_key k1, k2;
	struct ovl_fdb_filter f = { .match = ovl_test_match_key, .arg = &k2 };
	u8 a[ETH_ALEN], b[ETH_ALEN];

	ovl_test_mac(a, 1);
	ovl_test_mac(b, 2);
	ovl_test_key4(&k1, 1, 100);
	ovl_test_key4(&k2, 2, 100);

	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, a, &k1, OVL_FDB_STATIC, true,
					  false, 0), 0);
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, a, &k2, OVL_FDB_STATIC, true,
					  false, 0), 0);
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, b, &k2, 0, false, false, 0), 0);
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, ovl_flood_mac, &k2,
					  OVL_FDB_STATIC, true, false, 0), 0);

	KUNIT_EXPECT_EQ(test, ovl_fdb_flush_filter(fdb, &f), 2);
	want[0] = &k1;
	ovl_expect_dests(test, a, want, 1);
	KUNIT_EXPECT_FALSE(test, ovl_test_has(fdb, b));
	KUNIT_EXPECT_EQ(test, fdb->n_ageing, 0);
	want[0] = &k2;
	ovl_expect_dests(test, ovl_flood_mac, want, 1);

	/* no match function: everything but the flood list */
	f.match = NULL;
	KUNIT_EXPECT_EQ(test, ovl_fdb_flush_filter(fdb, &f), 1);
	KUNIT_EXPECT_EQ(test, ovl_fdb_count(fdb), 1);
}

/*
 * An underlay device goes away: every destination `via` it goes, the
 * flood list's included; the same address via another device stays.
 */
static void ovl_fdb_forget_ifindex_test(struct kunit *test)
{
	struct ovl_fdb *fdb = ovl_test_fdb(test);
	const struct ovl_remote_key *want[1];
	struct ovl_remote_key k1, k1via, k2via;
	u8 a[ETH_ALEN], b[ETH_ALEN];

	ovl_test_mac(a, 1);
	ovl_test_mac(b, 2);
	ovl_test_key4(&k1, 1, 100);
	k1via = k1;
	k1via.ifindex = 7;
	ovl_test_key4(&k2via, 2, 100);
	k2via.ifindex = 7;

	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, a, &k1, OVL_FDB_STATIC, true,
					  false, 0), 0);
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, a, &k1via, OVL_FDB_STATIC,
					  true, false, 0), 0);
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, b, &k2via, 0, false, false, 0),
			0);
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, ovl_flood_mac, &k1,
					  OVL_FDB_STATIC, true, false, 0), 0);
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, ovl_flood_mac, &k2via,
					  OVL_FDB_STATIC, true, false, 0), 0);

	KUNIT_EXPECT_EQ(test, fdb->n_via, 3);
	KUNIT_EXPECT_EQ(test, ovl_fdb_forget_ifindex(fdb, 8), 0);
	KUNIT_EXPECT_EQ(test, ovl_fdb_forget_ifindex(fdb, 7), 3);
	KUNIT_EXPECT_EQ(test, fdb->n_via, 0);
	want[0] = &k1;
	ovl_expect_dests(test, a, want, 1);
	ovl_expect_dests(test, ovl_flood_mac, want, 1);
	KUNIT_EXPECT_FALSE(test, ovl_test_has(fdb, b));
	KUNIT_EXPECT_EQ(test, fdb->n_ageing, 0);
	KUNIT_EXPECT_EQ(test, ovl_fdb_forget_ifindex(fdb, 7), 0);
}

/* The event bound: @burst at once, then @rate a second, on a fake clock. */
static void ovl_fdb_ratelimit_test(struct kunit *test)
{
	struct ovl_fdb_ratelimit rl = { .tokens = U64_MAX / 2 };
	unsigned long t0 = 1000;
	bool first;
	int i, ok = 0;

	spin_lock_init(&rl.lock);
	rl.last = t0;
	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_TRUE(test, ovl_fdb_ratelimit_allow(&rl, t0, 10, 5,
								&first));
	KUNIT_EXPECT_FALSE(test, ovl_fdb_ratelimit_allow(&rl, t0, 10, 5, &first));
	KUNIT_EXPECT_TRUE(test, first);
	KUNIT_EXPECT_FALSE(test, ovl_fdb_ratelimit_allow(&rl, t0, 10, 5, &first));
	KUNIT_EXPECT_FALSE(test, first);

	/* one second later: only the burst, not the 10 a second brings */
	for (i = 0; i < 20; i++)
		ok += ovl_fdb_ratelimit_allow(&rl, t0 + HZ, 10, 5, &first);
	KUNIT_EXPECT_EQ(test, ok, 5);		/* capped at the burst */
	ok = 0;
	for (i = 1; i <= HZ; i++)
		ok += ovl_fdb_ratelimit_allow(&rl, t0 + HZ + i, 10, 5, &first);
	KUNIT_EXPECT_EQ(test, ok, 10);

	/* a million events in one tick: burst only */
	ok = 0;
	for (i = 0; i < 1000000; i++)
		ok += ovl_fdb_ratelimit_allow(&rl, t0 + 100 * HZ, 10, 5, &first);
	KUNIT_EXPECT_EQ(test, ok, 5);

	/* rate 0: unbounded */
	ok = ovl_fdb_ratelimit_allow(&rl, t0 + 100 * HZ, 0, 5, &first);
	KUNIT_EXPECT_EQ(test, ok, 1);
}

/* --- maxaddress -------------------------------------------------------- */

static void ovl_fdb_max_test(struct kunit *test)
{
	struct ovl_fdb *fdb = ovl_test_fdb(test);
	struct ovl_remote_key k1, k2;
	u8 mac[ETH_ALEN];
	int i;

	ovl_test_key4(&k1, 1, 100);
	ovl_test_key4(&k2, 2, 100);
	WRITE_ONCE(fdb->max, 3);

	for (i = 0; i < 3; i++) {
		ovl_test_mac(mac, i);
		KUNIT_EXPECT_EQ(test, ovl_test_learn(fdb, mac, &k1, 0),
				OVL_LEARN_NEW);
	}
	ovl_test_mac(mac, 3);
	KUNIT_EXPECT_EQ(test, ovl_test_learn(fdb, mac, &k1, 0),
			OVL_LEARN_FULL);
	KUNIT_EXPECT_FALSE(test, ovl_test_has(fdb, mac));
	KUNIT_EXPECT_EQ(test, ovl_fdb_add(fdb, mac, &k1, OVL_FDB_STATIC, false,
					  false, 0), -ENOSPC);
	KUNIT_EXPECT_EQ(test, ovl_fdb_add(fdb, mac, &k1, 0, false, false, 0),
			-ENOSPC);
	KUNIT_EXPECT_FALSE(test, ovl_test_has(fdb, mac));
	KUNIT_EXPECT_EQ(test, ovl_fdb_count(fdb), 3);

	/* known entries can still be refreshed, moved and extended */
	ovl_test_mac(mac, 0);
	KUNIT_EXPECT_EQ(test, ovl_test_learn(fdb, mac, &k1, 1),
			OVL_LEARN_FRESH);
	KUNIT_EXPECT_EQ(test, ovl_test_learn(fdb, mac, &k2, 2),
			OVL_LEARN_MOVED);
	KUNIT_EXPECT_EQ(test, ovl_fdb_add(fdb, mac, &k1, 0, true, false, 3), 0);
	KUNIT_EXPECT_EQ(test, ovl_fdb_count(fdb), 3);

	/* room again after a delete */
	KUNIT_ASSERT_EQ(test, ovl_fdb_del(fdb, mac, NULL), 0);
	ovl_test_mac(mac, 3);
	KUNIT_EXPECT_EQ(test, ovl_fdb_add(fdb, mac, &k1, 0, false, false, 0), 0);
	ovl_test_mac(mac, 4);
	KUNIT_EXPECT_EQ(test, ovl_test_learn(fdb, mac, &k1, 0),
			OVL_LEARN_FULL);

	/* 0 = unlimited */
	WRITE_ONCE(fdb->max, 0);
	KUNIT_EXPECT_EQ(test, ovl_test_learn(fdb, mac, &k1, 0), OVL_LEARN_NEW);
	KUNIT_EXPECT_EQ(test, ovl_fdb_count(fdb), 4);
}

static void ovl_fdb_max_static_test(struct kunit *test)
{
	struct ovl_fdb *fdb = ovl_test_fdb(test);
	struct ovl_remote_key k1;
	u8 mac[ETH_ALEN];
	int i;

	ovl_test_key4(&k1, 1, 100);
	WRITE_ONCE(fdb->max, 3);

	for (i = 0; i < 3; i++) {
		ovl_test_mac(mac, i);
		KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, mac, &k1, OVL_FDB_STATIC,
						  false, false, 0), 0);
	}
	/* a full table of static entries: nothing is evicted for learning */
	for (i = 3; i < 10; i++) {
		ovl_test_mac(mac, i);
		KUNIT_EXPECT_EQ(test, ovl_test_learn(fdb, mac, &k1, 0),
				OVL_LEARN_FULL);
	}
	ovl_test_mac(mac, 3);
	KUNIT_EXPECT_EQ(test, ovl_fdb_add(fdb, mac, &k1, OVL_FDB_STATIC, false,
					  false, 0), -ENOSPC);
	for (i = 0; i < 3; i++) {
		ovl_test_mac(mac, i);
		KUNIT_EXPECT_TRUE(test, ovl_test_has(fdb, mac));
	}
	KUNIT_EXPECT_EQ(test, ovl_fdb_count(fdb), 3);
}

/* --- ageing ------------------------------------------------------------ */

static void ovl_fdb_ageing_test(struct kunit *test)
{
	struct ovl_fdb *fdb = ovl_test_fdb(test);
	unsigned long t0 = jiffies;
	struct ovl_remote_key k1, k2;
	u8 dyn[ETH_ALEN], dyn_add[ETH_ALEN], st[ETH_ALEN];

	ovl_test_mac(dyn, 1);
	ovl_test_mac(dyn_add, 2);
	ovl_test_mac(st, 3);
	ovl_test_key4(&k1, 1, 100);
	ovl_test_key4(&k2, 2, 100);
	WRITE_ONCE(fdb->ageing, 10 * HZ);

	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, st, &k1, OVL_FDB_STATIC, false,
					  false, t0), 0);
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, ovl_flood_mac, &k2,
					  OVL_FDB_STATIC | OVL_FDB_CONFIG,
					  false, false, t0), 0);
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, dyn_add, &k1, 0, false, false,
					  t0), 0);
	KUNIT_ASSERT_EQ(test, ovl_test_learn(fdb, dyn, &k2, t0), OVL_LEARN_NEW);
	KUNIT_EXPECT_EQ(test, ovl_fdb_count(fdb), 4);

	KUNIT_EXPECT_EQ(test, ovl_fdb_age(fdb, t0), 0);
	KUNIT_EXPECT_EQ(test, ovl_fdb_age(fdb, t0 + 9 * HZ), 0);
	KUNIT_EXPECT_EQ(test, ovl_fdb_age(fdb, t0 + 10 * HZ - 1), 0);
	KUNIT_EXPECT_EQ(test, ovl_fdb_count(fdb), 4);
	KUNIT_EXPECT_TRUE(test, ovl_test_has(fdb, dyn));

	KUNIT_EXPECT_EQ(test, ovl_fdb_age(fdb, t0 + 10 * HZ), 2);
	KUNIT_EXPECT_FALSE(test, ovl_test_has(fdb, dyn));
	KUNIT_EXPECT_FALSE(test, ovl_test_has(fdb, dyn_add));
	KUNIT_EXPECT_TRUE(test, ovl_test_has(fdb, st));
	KUNIT_EXPECT_TRUE(test, ovl_test_has(fdb, ovl_flood_mac));
	KUNIT_EXPECT_EQ(test, ovl_fdb_count(fdb), 2);

	/* static entries never age */
	KUNIT_EXPECT_EQ(test, ovl_fdb_age(fdb, t0 + 1000 * HZ), 0);
	KUNIT_EXPECT_EQ(test, ovl_fdb_count(fdb), 2);
	KUNIT_EXPECT_TRUE(test, ovl_test_knows(fdb, &k1));
	KUNIT_EXPECT_TRUE(test, ovl_test_knows(fdb, &k2));
}

static void ovl_fdb_ageing_refresh_test(struct kunit *test)
{
	struct ovl_fdb *fdb = ovl_test_fdb(test);
	unsigned long t0 = jiffies;
	struct ovl_remote_key k1, k2;
	u8 a[ETH_ALEN], b[ETH_ALEN], c[ETH_ALEN];

	ovl_test_mac(a, 1);
	ovl_test_mac(b, 2);
	ovl_test_mac(c, 3);
	ovl_test_key4(&k1, 1, 100);
	ovl_test_key4(&k2, 2, 100);
	WRITE_ONCE(fdb->ageing, 10 * HZ);

	KUNIT_ASSERT_EQ(test, ovl_test_learn(fdb, a, &k1, t0), OVL_LEARN_NEW);
	KUNIT_ASSERT_EQ(test, ovl_test_learn(fdb, b, &k1, t0), OVL_LEARN_NEW);
	KUNIT_ASSERT_EQ(test, ovl_test_learn(fdb, c, &k1, t0), OVL_LEARN_NEW);

	/* a refreshed, c roamed (which refreshes too), b left alone */
	KUNIT_EXPECT_EQ(test, ovl_test_learn(fdb, a, &k1, t0 + 6 * HZ),
			OVL_LEARN_FRESH);
	KUNIT_EXPECT_EQ(test, ovl_test_learn(fdb, c, &k2, t0 + 7 * HZ),
			OVL_LEARN_MOVED);

	KUNIT_EXPECT_EQ(test, ovl_fdb_age(fdb, t0 + 10 * HZ), 1);
	KUNIT_EXPECT_TRUE(test, ovl_test_has(fdb, a));
	KUNIT_EXPECT_FALSE(test, ovl_test_has(fdb, b));
	KUNIT_EXPECT_TRUE(test, ovl_test_has(fdb, c));

	KUNIT_EXPECT_EQ(test, ovl_fdb_age(fdb, t0 + 16 * HZ - 1), 0);
	KUNIT_EXPECT_EQ(test, ovl_fdb_age(fdb, t0 + 16 * HZ), 1);
	KUNIT_EXPECT_FALSE(test, ovl_test_has(fdb, a));
	KUNIT_EXPECT_TRUE(test, ovl_test_has(fdb, c));
	KUNIT_EXPECT_EQ(test, ovl_fdb_age(fdb, t0 + 17 * HZ), 1);
	KUNIT_EXPECT_EQ(test, ovl_fdb_count(fdb), 0);
	KUNIT_EXPECT_FALSE(test, ovl_test_knows(fdb, &k1));
	KUNIT_EXPECT_FALSE(test, ovl_test_knows(fdb, &k2));
}

/* The clock wraps between learning and ageing. */
static void ovl_fdb_ageing_wrap_test(struct kunit *test)
{
	struct ovl_fdb *fdb = ovl_test_fdb(test);
	unsigned long t0 = ULONG_MAX - 3 * HZ;
	struct ovl_remote_key k1;
	u8 a[ETH_ALEN];

	ovl_test_mac(a, 1);
	ovl_test_key4(&k1, 1, 100);
	WRITE_ONCE(fdb->ageing, 10 * HZ);

	KUNIT_ASSERT_EQ(test, ovl_test_learn(fdb, a, &k1, t0), OVL_LEARN_NEW);
	KUNIT_EXPECT_EQ(test, ovl_fdb_age(fdb, t0 + 9 * HZ), 0);
	KUNIT_EXPECT_TRUE(test, ovl_test_has(fdb, a));
	KUNIT_EXPECT_EQ(test, ovl_fdb_age(fdb, t0 + 10 * HZ), 1);
	KUNIT_EXPECT_FALSE(test, ovl_test_has(fdb, a));
}

static void ovl_fdb_ageing_never_test(struct kunit *test)
{
	struct ovl_fdb *fdb = ovl_test_fdb(test);
	unsigned long t0 = jiffies;
	struct ovl_remote_key k1;
	u8 a[ETH_ALEN], b[ETH_ALEN];

	ovl_test_mac(a, 1);
	ovl_test_mac(b, 2);
	ovl_test_key4(&k1, 1, 100);
	KUNIT_ASSERT_EQ(test, fdb->ageing, 0);

	KUNIT_ASSERT_EQ(test, ovl_test_learn(fdb, a, &k1, t0), OVL_LEARN_NEW);
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, b, &k1, 0, false, false, t0), 0);
	KUNIT_EXPECT_FALSE(test, delayed_work_pending(&fdb->ageing_work));
	KUNIT_EXPECT_EQ(test, ovl_fdb_age(fdb, t0 + 10 * HZ), 0);
	KUNIT_EXPECT_EQ(test, ovl_fdb_age(fdb, t0 + 100000 * HZ), 0);
	KUNIT_EXPECT_EQ(test, ovl_fdb_age(fdb, t0 + LONG_MAX), 0);
	KUNIT_EXPECT_TRUE(test, ovl_test_has(fdb, a));
	KUNIT_EXPECT_TRUE(test, ovl_test_has(fdb, b));
	KUNIT_EXPECT_EQ(test, ovl_fdb_count(fdb), 2);
}

static void ovl_fdb_set_ageing_test(struct kunit *test)
{
	struct ovl_fdb *fdb = ovl_test_fdb(test);
	unsigned long t0 = jiffies;
	struct ovl_remote_key k1;
	u8 a[ETH_ALEN];

	ovl_test_mac(a, 1);
	ovl_test_key4(&k1, 1, 100);

	/* an empty database has nothing to scan */
	ovl_fdb_set_ageing(fdb, 10 * HZ);
	KUNIT_EXPECT_EQ(test, READ_ONCE(fdb->ageing), 10 * HZ);
	KUNIT_EXPECT_FALSE(test, delayed_work_pending(&fdb->ageing_work));
	ovl_fdb_set_ageing(fdb, 0);

	/* entries learned while ageing was off start the scan when it is on */
	KUNIT_ASSERT_EQ(test, ovl_test_learn(fdb, a, &k1, t0), OVL_LEARN_NEW);
	KUNIT_EXPECT_FALSE(test, delayed_work_pending(&fdb->ageing_work));
	ovl_fdb_set_ageing(fdb, 10 * HZ);
	KUNIT_EXPECT_TRUE(test, delayed_work_pending(&fdb->ageing_work));
	KUNIT_EXPECT_EQ(test, ovl_fdb_age(fdb, t0 + 10 * HZ), 1);

	/* and switching it off again means never */
	KUNIT_ASSERT_EQ(test, ovl_test_learn(fdb, a, &k1, t0), OVL_LEARN_NEW);
	ovl_fdb_set_ageing(fdb, 0);
	KUNIT_EXPECT_EQ(test, ovl_fdb_age(fdb, t0 + 1000 * HZ), 0);
	KUNIT_EXPECT_TRUE(test, ovl_test_has(fdb, a));
}

/* --- flush ------------------------------------------------------------- */

static void ovl_fdb_flush_test(struct kunit *test)
{
	struct ovl_fdb *fdb = ovl_test_fdb(test);
	struct ovl_remote_key k1, k2, k3;
	u8 mac[ETH_ALEN];
	int i;

	ovl_test_key4(&k1, 1, 100);
	ovl_test_key4(&k2, 2, 100);
	ovl_test_key6(&k3, 3, 100);

	for (i = 0; i < 2; i++) {
		ovl_test_mac(mac, i);
		KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, mac, &k1, OVL_FDB_STATIC,
						  false, false, 0), 0);
	}
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, ovl_flood_mac, &k1,
					  OVL_FDB_STATIC | OVL_FDB_CONFIG,
					  false, false, 0), 0);
	for (i = 10; i < 13; i++) {
		ovl_test_mac(mac, i);
		KUNIT_ASSERT_EQ(test, ovl_test_learn(fdb, mac,
						     i & 1 ? &k2 : &k3, 0),
				OVL_LEARN_NEW);
	}
	KUNIT_EXPECT_EQ(test, ovl_fdb_count(fdb), 6);

	ovl_fdb_flush(fdb, false);
	KUNIT_EXPECT_EQ(test, ovl_fdb_count(fdb), 3);
	for (i = 0; i < 2; i++) {
		ovl_test_mac(mac, i);
		KUNIT_EXPECT_TRUE(test, ovl_test_has(fdb, mac));
	}
	KUNIT_EXPECT_TRUE(test, ovl_test_has(fdb, ovl_flood_mac));
	for (i = 10; i < 13; i++) {
		ovl_test_mac(mac, i);
		KUNIT_EXPECT_FALSE(test, ovl_test_has(fdb, mac));
	}
	KUNIT_EXPECT_TRUE(test, ovl_test_knows(fdb, &k1));
	KUNIT_EXPECT_FALSE(test, ovl_test_knows(fdb, &k2));
	KUNIT_EXPECT_FALSE(test, ovl_test_knows(fdb, &k3));

	ovl_fdb_flush(fdb, true);
	KUNIT_EXPECT_EQ(test, ovl_fdb_count(fdb), 0);
	KUNIT_EXPECT_FALSE(test, ovl_test_has(fdb, ovl_flood_mac));
	KUNIT_EXPECT_FALSE(test, ovl_test_knows(fdb, &k1));

	/* usable again afterwards */
	KUNIT_EXPECT_EQ(test, ovl_test_learn(fdb, mac, &k2, 0), OVL_LEARN_NEW);
	KUNIT_EXPECT_EQ(test, ovl_fdb_count(fdb), 1);
}

/* --- remotes ----------------------------------------------------------- */

static void ovl_fdb_knows_remote_test(struct kunit *test)
{
	struct ovl_fdb *fdb = ovl_test_fdb(test);
	struct ovl_remote_key k1, k1_vni, k2, k6;
	struct ovl_test_entry ta, tb;
	u8 a[ETH_ALEN], b[ETH_ALEN], c[ETH_ALEN], d[ETH_ALEN];

	ovl_test_mac(a, 1);
	ovl_test_mac(b, 2);
	ovl_test_mac(c, 3);
	ovl_test_mac(d, 4);
	ovl_test_key4(&k1, 1, 100);
	ovl_test_key4(&k1_vni, 1, 200);	/* same VTEP address */
	ovl_test_key4(&k2, 2, 100);
	ovl_test_key6(&k6, 1, 100);

	KUNIT_EXPECT_FALSE(test, ovl_test_knows(fdb, &k1));

	/* two MACs behind one VTEP share one remote */
	KUNIT_ASSERT_EQ(test, ovl_test_learn(fdb, a, &k1, 0), OVL_LEARN_NEW);
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, b, &k1, OVL_FDB_STATIC, false,
					  false, 0), 0);
	KUNIT_ASSERT_TRUE(test, ovl_test_get(fdb, a, &ta));
	KUNIT_ASSERT_TRUE(test, ovl_test_get(fdb, b, &tb));
	KUNIT_EXPECT_PTR_EQ(test, ta.remotes[0], tb.remotes[0]);
	KUNIT_EXPECT_EQ(test, ta.refs[0], 2);
	KUNIT_EXPECT_TRUE(test, ovl_test_knows(fdb, &k1));
	KUNIT_EXPECT_FALSE(test, ovl_test_knows(fdb, &k2));
	KUNIT_EXPECT_FALSE(test, ovl_test_knows(fdb, &k6));

	KUNIT_ASSERT_EQ(test, ovl_fdb_del(fdb, a, NULL), 0);
	KUNIT_EXPECT_TRUE(test, ovl_test_knows(fdb, &k1));
	KUNIT_ASSERT_TRUE(test, ovl_test_get(fdb, b, &tb));
	KUNIT_EXPECT_EQ(test, tb.refs[0], 1);
	KUNIT_ASSERT_EQ(test, ovl_fdb_del(fdb, b, &k1), 0);
	KUNIT_EXPECT_FALSE(test, ovl_test_knows(fdb, &k1));

	/* same address, another VNI: a remote of its own, same address known */
	KUNIT_ASSERT_EQ(test, ovl_test_learn(fdb, c, &k1, 0), OVL_LEARN_NEW);
	KUNIT_ASSERT_EQ(test, ovl_test_learn(fdb, d, &k1_vni, 0),
			OVL_LEARN_NEW);
	KUNIT_ASSERT_TRUE(test, ovl_test_get(fdb, c, &ta));
	KUNIT_ASSERT_TRUE(test, ovl_test_get(fdb, d, &tb));
	KUNIT_EXPECT_PTR_NE(test, ta.remotes[0], tb.remotes[0]);
	KUNIT_EXPECT_EQ(test, ta.refs[0], 1);
	KUNIT_EXPECT_EQ(test, tb.refs[0], 1);
	KUNIT_ASSERT_EQ(test, ovl_fdb_del(fdb, c, NULL), 0);
	KUNIT_EXPECT_TRUE(test, ovl_test_knows(fdb, &k1));
	KUNIT_ASSERT_EQ(test, ovl_fdb_del(fdb, d, NULL), 0);
	KUNIT_EXPECT_FALSE(test, ovl_test_knows(fdb, &k1));

	/* IPv6 */
	KUNIT_ASSERT_EQ(test, ovl_test_learn(fdb, a, &k6, 0), OVL_LEARN_NEW);
	KUNIT_EXPECT_TRUE(test, ovl_test_knows(fdb, &k6));
	KUNIT_EXPECT_FALSE(test, ovl_test_knows(fdb, &k1));
	KUNIT_ASSERT_EQ(test, ovl_test_learn(fdb, a, &k2, 0), OVL_LEARN_MOVED);
	KUNIT_EXPECT_FALSE(test, ovl_test_knows(fdb, &k6));
	KUNIT_EXPECT_TRUE(test, ovl_test_knows(fdb, &k2));
	KUNIT_ASSERT_EQ(test, ovl_fdb_del(fdb, a, &k2), 0);
	KUNIT_EXPECT_FALSE(test, ovl_test_knows(fdb, &k2));
	KUNIT_EXPECT_EQ(test, ovl_fdb_count(fdb), 0);
}

static void ovl_fdb_del_config_test(struct kunit *test)
{
	struct ovl_fdb *fdb = ovl_test_fdb(test);
	const struct ovl_remote_key *want[2];
	struct ovl_remote_key k1, k2, k3, k4;
	struct ovl_test_entry te;
	u8 a[ETH_ALEN];

	ovl_test_mac(a, 1);
	ovl_test_key4(&k1, 1, 100);
	ovl_test_key4(&k2, 2, 100);
	ovl_test_key4(&k3, 3, 100);
	ovl_test_key4(&k4, 4, 100);

	/* nothing to do on an empty database */
	ovl_fdb_del_config(fdb);
	KUNIT_EXPECT_EQ(test, ovl_fdb_count(fdb), 0);

	/* flood list: config k1, user k2, config k3 (head first: k3 k2 k1) */
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, ovl_flood_mac, &k1,
					  OVL_FDB_STATIC | OVL_FDB_CONFIG,
					  true, false, 0), 0);
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, ovl_flood_mac, &k2,
					  OVL_FDB_STATIC, true, false, 0), 0);
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, ovl_flood_mac, &k3,
					  OVL_FDB_STATIC | OVL_FDB_CONFIG,
					  true, false, 0), 0);
	KUNIT_ASSERT_TRUE(test, ovl_test_get(fdb, ovl_flood_mac, &te));
	KUNIT_ASSERT_EQ(test, te.ndests, 3);
	KUNIT_EXPECT_TRUE(test, te.config[0]);
	KUNIT_EXPECT_FALSE(test, te.config[1]);
	KUNIT_EXPECT_TRUE(test, te.config[2]);
	/* a config dest elsewhere is not the flood list's business */
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, a, &k4,
					  OVL_FDB_STATIC | OVL_FDB_CONFIG,
					  false, false, 0), 0);

	ovl_fdb_del_config(fdb);
	want[0] = &k2;
	ovl_expect_dests(test, ovl_flood_mac, want, 1);
	want[0] = &k4;
	ovl_expect_dests(test, a, want, 1);
	KUNIT_EXPECT_FALSE(test, ovl_test_knows(fdb, &k1));
	KUNIT_EXPECT_TRUE(test, ovl_test_knows(fdb, &k2));
	KUNIT_EXPECT_FALSE(test, ovl_test_knows(fdb, &k3));
	KUNIT_EXPECT_EQ(test, ovl_fdb_count(fdb), 2);

	/* again: idempotent */
	ovl_fdb_del_config(fdb);
	want[0] = &k2;
	ovl_expect_dests(test, ovl_flood_mac, want, 1);

	/* a flood list of config dests only goes away entirely */
	KUNIT_ASSERT_EQ(test, ovl_fdb_del(fdb, ovl_flood_mac, NULL), 0);
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, ovl_flood_mac, &k1,
					  OVL_FDB_STATIC | OVL_FDB_CONFIG,
					  true, false, 0), 0);
	KUNIT_ASSERT_EQ(test, ovl_fdb_add(fdb, ovl_flood_mac, &k3,
					  OVL_FDB_STATIC | OVL_FDB_CONFIG,
					  true, false, 0), 0);
	ovl_fdb_del_config(fdb);
	KUNIT_EXPECT_FALSE(test, ovl_test_has(fdb, ovl_flood_mac));
	KUNIT_EXPECT_EQ(test, ovl_fdb_count(fdb), 1);
	KUNIT_EXPECT_FALSE(test, ovl_test_knows(fdb, &k1));
	KUNIT_EXPECT_FALSE(test, ovl_test_knows(fdb, &k3));
}

/* --- growth ------------------------------------------------------------ */

#define OVL_TEST_MANY		20000
#define OVL_TEST_VTEPS		64

static void ovl_fdb_resize_test(struct kunit *test)
{
	struct ovl_fdb *fdb = ovl_test_fdb(test);
	unsigned int i, bad_learn = 0, missing = 0, wrong = 0;
	struct ovl_remote_key key, want;
	enum ovl_learn_result res;
	struct ovl_test_entry te;
	u8 mac[ETH_ALEN];

	for (i = 0; i < OVL_TEST_MANY; i++) {
		/* spread over the MAC space, not just the low bytes */
		ovl_test_mac(mac, i * 2654435761U);
		ovl_test_key4(&key, i % OVL_TEST_VTEPS, 100);
		res = ovl_test_learn(fdb, mac, &key, i);
		if (res != OVL_LEARN_NEW && bad_learn++ < 5)
			KUNIT_FAIL(test, "learn %u (%pM): %d", i, mac, res);
	}
	KUNIT_EXPECT_EQ(test, bad_learn, 0);
	KUNIT_EXPECT_EQ(test, ovl_fdb_count(fdb), OVL_TEST_MANY);

	for (i = 0; i < OVL_TEST_MANY; i++) {
		ovl_test_mac(mac, i * 2654435761U);
		ovl_test_key4(&want, i % OVL_TEST_VTEPS, 100);
		if (!ovl_test_get(fdb, mac, &te)) {
			if (missing++ < 5)
				KUNIT_FAIL(test, "%u (%pM) not found", i, mac);
			continue;
		}
		if (te.ndests != 1 || !ovl_test_key_eq(&te.keys[0], &want) ||
		    te.updated != i || te.refs[0] != OVL_TEST_MANY / OVL_TEST_VTEPS +
		    (i % OVL_TEST_VTEPS < OVL_TEST_MANY % OVL_TEST_VTEPS)) {
			if (wrong++ < 5)
				KUNIT_FAIL(test, "%u (%pM): %d dests, refs %u",
					   i, mac, te.ndests, te.refs[0]);
		}
	}
	KUNIT_EXPECT_EQ(test, missing, 0);
	KUNIT_EXPECT_EQ(test, wrong, 0);

	ovl_fdb_flush(fdb, false);
	KUNIT_EXPECT_EQ(test, ovl_fdb_count(fdb), 0);
	missing = 0;
	for (i = 0; i < OVL_TEST_MANY; i++) {
		ovl_test_mac(mac, i * 2654435761U);
		if (ovl_test_has(fdb, mac))
			missing++;
	}
	KUNIT_EXPECT_EQ_MSG(test, missing, 0, "entries left after flush");
	for (i = 0; i < OVL_TEST_VTEPS; i++) {
		ovl_test_key4(&key, i, 100);
		KUNIT_EXPECT_FALSE(test, ovl_test_knows(fdb, &key));
	}
}

/* --- lookup cost -------------------------------------------------------- */

/*
 * What a lookup costs, read off the bucket table itself: the chain walk
 * is the only part of ovl_fdb_lookup() that could grow with the table, so
 * "flat" means the key compares needed to find an entry stay bounded by a
 * constant as the table fills.  (Timings are printed, never asserted:
 * speed targets live in `make bench`.)
 */
struct ovl_chain_stats {
	unsigned int buckets;
	unsigned int entries;
	unsigned int longest;
	unsigned long compares;		/* to find every entry once */
};

static void ovl_test_chains(struct ovl_fdb *fdb, struct ovl_chain_stats *st)
{
	struct bucket_table *tbl;
	struct rhash_head *pos;
	unsigned int i, len;

	memset(st, 0, sizeof(*st));
	rcu_read_lock();
	tbl = rcu_dereference(fdb->entries.tbl);
	st->buckets = tbl->size;
	for (i = 0; i < tbl->size; i++) {
		len = 0;
		rht_for_each_rcu(pos, tbl, i)
			st->compares += ++len;
		st->entries += len;
		st->longest = max(st->longest, len);
	}
	rcu_read_unlock();
}

/* Lets deferred resizing finish, so one bucket table holds everything. */
static bool ovl_test_settle(struct ovl_fdb *fdb)
{
	struct bucket_table *tbl;
	bool settled = false;
	int tries;

	for (tries = 0; tries < 1000 && !settled; tries++) {
		flush_work(&fdb->entries.run_work);
		rcu_read_lock();
		tbl = rcu_dereference(fdb->entries.tbl);
		settled = !rcu_access_pointer(tbl->future_tbl);
		rcu_read_unlock();
		if (!settled)
			msleep(20);
	}
	return settled;
}

#define OVL_TEST_LOOKUPS	100000

static u64 ovl_test_lookup_ns(struct ovl_fdb *fdb, unsigned int n)
{
	unsigned int i, found = 0;
	u8 mac[ETH_ALEN];
	u64 start;

	start = ktime_get_ns();
	rcu_read_lock();
	for (i = 0; i < OVL_TEST_LOOKUPS; i++) {
		ovl_test_mac(mac, (i % n) * 2654435761U);
		found += !!ovl_fdb_lookup(fdb, mac);
	}
	rcu_read_unlock();
	return found == OVL_TEST_LOOKUPS ?
	       div_u64(ktime_get_ns() - start, OVL_TEST_LOOKUPS) : 0;
}

static void ovl_fdb_lookup_flat_test(struct kunit *test)
{
	static const unsigned int sizes[] = { 10, 1000, 100000, 1000000 };
	struct ovl_fdb *fdb = ovl_test_fdb(test);
	struct ovl_remote_key key;
	struct ovl_chain_stats st;
	unsigned int i = 0, s;
	u8 mac[ETH_ALEN];

	ovl_test_key4(&key, 1, 100);
	for (s = 0; s < ARRAY_SIZE(sizes); s++) {
		for (; i < sizes[s]; i++) {
			ovl_test_mac(mac, i * 2654435761U);
			KUNIT_ASSERT_EQ_MSG(test, ovl_test_learn(fdb, mac, &key, 0),
					    OVL_LEARN_NEW, "learn %u", i);
			if (!(i & 0xffff))
				cond_resched();
		}
		KUNIT_ASSERT_TRUE(test, ovl_test_settle(fdb));
		ovl_test_chains(fdb, &st);
		kunit_info(test,
			   "%7u entries: %7u buckets, %u.%02u compares/lookup, longest chain %u, ~%llu ns/lookup\n",
			   sizes[s], st.buckets,
			   (unsigned int)(st.compares / st.entries),
			   (unsigned int)(st.compares * 100 / st.entries % 100),
			   st.longest, ovl_test_lookup_ns(fdb, sizes[s]));
		KUNIT_EXPECT_EQ(test, st.entries, sizes[s]);
		/* the table grows with its contents: load factor <= 1 */
		KUNIT_EXPECT_LE_MSG(test, st.entries, st.buckets,
				    "%u entries in %u buckets", st.entries,
				    st.buckets);
		/* ...so finding an entry takes < 2 compares on average */
		KUNIT_EXPECT_LT_MSG(test, st.compares, 2UL * st.entries,
				    "%lu compares for %u entries", st.compares,
				    st.entries);
		/* and no chain is long (rhashtable rehashes beyond 16) */
		KUNIT_EXPECT_LE(test, st.longest, 16);
	}
	ovl_fdb_flush(fdb, false);
	KUNIT_EXPECT_EQ(test, ovl_fdb_count(fdb), 0);
}

/*
 * Resizing under load: a reader looks up a fixed set of MACs without
 * pause while the table grows from 64 to 200,064 entries through many
 * rehashes; not one lookup may miss.
 */
#define OVL_TEST_STEADY		64
#define OVL_TEST_GROWTH		200000

struct ovl_test_reader {
	struct ovl_fdb *fdb;
	unsigned long lookups;
	unsigned long misses;
};

static int ovl_test_reader_fn(void *arg)
{
	struct ovl_test_reader *r = arg;
	u8 mac[ETH_ALEN];
	unsigned int i;

	while (!kthread_should_stop()) {
		rcu_read_lock();
		for (i = 0; i < OVL_TEST_STEADY; i++) {
			ovl_test_mac(mac, 0xffff0000 + i);
			if (!ovl_fdb_lookup(r->fdb, mac))
				r->misses++;
			r->lookups++;
		}
		rcu_read_unlock();
		cond_resched();
	}
	return 0;
}

static void ovl_fdb_resize_under_load_test(struct kunit *test)
{
	struct ovl_test_reader r = { .fdb = ovl_test_fdb(test) };
	struct ovl_remote_key key;
	struct task_struct *reader;
	u8 mac[ETH_ALEN];
	unsigned int i;

	ovl_test_key4(&key, 1, 100);
	for (i = 0; i < OVL_TEST_STEADY; i++) {
		ovl_test_mac(mac, 0xffff0000 + i);
		KUNIT_ASSERT_EQ(test, ovl_test_learn(r.fdb, mac, &key, 0),
				OVL_LEARN_NEW);
	}
	reader = kthread_run(ovl_test_reader_fn, &r, "ovl-fdb-reader");
	KUNIT_ASSERT_FALSE(test, IS_ERR(reader));
	for (i = 0; i < OVL_TEST_GROWTH; i++) {
		ovl_test_mac(mac, i * 2654435761U);
		KUNIT_EXPECT_EQ(test, ovl_test_learn(r.fdb, mac, &key, 0),
				OVL_LEARN_NEW);
		if (!(i & 255))
			cond_resched();	/* let the reader and the rehash run */
	}
	KUNIT_EXPECT_TRUE(test, ovl_test_settle(r.fdb));
	kthread_stop(reader);
	kunit_info(test, "%lu lookups during growth, %lu misses\n", r.lookups,
		   r.misses);
	KUNIT_EXPECT_GT(test, r.lookups, 0UL);
	KUNIT_EXPECT_EQ(test, r.misses, 0UL);
	KUNIT_EXPECT_EQ(test, ovl_fdb_count(r.fdb),
			OVL_TEST_STEADY + OVL_TEST_GROWTH);
}

/* --- suite ------------------------------------------------------------- */

static int ovl_fdb_test_init(struct kunit *test)
{
	struct ovl_fdb *fdb;
	int err;

	fdb = kunit_kzalloc(test, sizeof(*fdb), GFP_KERNEL);
	if (!fdb)
		return -ENOMEM;
	err = ovl_fdb_init(fdb);
	if (err)
		return err;
	test->priv = fdb;
	return 0;
}

static void ovl_fdb_test_exit(struct kunit *test)
{
	ovl_fdb_destroy(ovl_test_fdb(test));
	/* entries, dests and remotes are freed by RCU callbacks */
	rcu_barrier();
}

static struct kunit_case ovl_fdb_cases[] = {
	KUNIT_CASE(ovl_fdb_add_lookup_test),
	KUNIT_CASE(ovl_fdb_add_exists_test),
	KUNIT_CASE(ovl_fdb_append_test),
	KUNIT_CASE(ovl_fdb_replace_test),
	KUNIT_CASE(ovl_fdb_replace_ages_test),
	KUNIT_CASE(ovl_fdb_del_test),
	KUNIT_CASE(ovl_fdb_del_missing_test),
	KUNIT_CASE(ovl_fdb_learn_test),
	KUNIT_CASE(ovl_fdb_learn_multi_dest_test),
	KUNIT_CASE(ovl_fdb_learn_static_test),
	KUNIT_CASE(ovl_fdb_max_test),
	KUNIT_CASE(ovl_fdb_max_static_test),
	KUNIT_CASE(ovl_fdb_ageing_test),
	KUNIT_CASE(ovl_fdb_ageing_refresh_test),
	KUNIT_CASE(ovl_fdb_ageing_wrap_test),
	KUNIT_CASE(ovl_fdb_ageing_never_test),
	KUNIT_CASE(ovl_fdb_set_ageing_test),
	KUNIT_CASE(ovl_fdb_flush_test),
	KUNIT_CASE(ovl_fdb_knows_remote_test),
	KUNIT_CASE(ovl_fdb_del_config_test),
	KUNIT_CASE(ovl_fdb_ext_learned_test),
	KUNIT_CASE(ovl_fdb_sticky_test),
	KUNIT_CASE(ovl_fdb_flood_never_ages_test),
	KUNIT_CASE(ovl_fdb_age_scan_cost_test),
	KUNIT_CASE(ovl_fdb_events_test),
	KUNIT_CASE(ovl_fdb_flush_filter_test),
	KUNIT_CASE(ovl_fdb_forget_ifindex_test),
	KUNIT_CASE(ovl_fdb_ratelimit_test),
	KUNIT_CASE(ovl_fdb_resize_test),
	KUNIT_CASE(ovl_fdb_lookup_flat_test),
	KUNIT_CASE(ovl_fdb_resize_under_load_test),
	{}
};

static struct kunit_suite ovl_fdb_suite = {
	.name = "ovlnet_fdb",
	.init = ovl_fdb_test_init,
	.exit = ovl_fdb_test_exit,
	.test_cases = ovl_fdb_cases,
};

kunit_test_suites(&ovl_fdb_suite);
