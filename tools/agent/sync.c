// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's two reconciliations:
 *  - etcd side: the keys this host should hold under its lease (one per
 *    VTEP and, with --macs, one per local MAC) against the cache of what
 *    etcd holds; put what is missing, delete what is ours and stale;
 *  - kernel side: each device's flood list (and remote MACs) against the
 *    other live VTEPs of its (kind, id, port) in the cache.
 * Only entries this agent installed are ever removed or changed.
 *
 * Keys:  PREFIX/vtep/KIND/ID/PORT/ADDR          {"host":..., "dev":...}
 *        PREFIX/mac/KIND/ID/PORT/MAC/ADDR       {"host":..., "dev":...}
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "agent.h"

/* --- the cache of etcd's keys --------------------------------------- */

static json_object *obj_child(json_object *o, const char *k)
{
	json_object *c;

	if (!json_object_object_get_ex(o, k, &c)) {
		c = json_object_new_object();
		json_object_object_add(o, k, c);
	}
	return c;
}

static void cache_set(json_object *set, const char *k,
		      const struct etcd_event *ev)
{
	json_object *v;

	if (ev->del) {
		json_object_object_del(set, k);
		return;
	}
	v = json_object_new_object();
	json_object_object_add(v, "lease", json_object_new_int64(ev->lease));
	json_object_object_add(v, "rev", json_object_new_int64(ev->mod_revision));
	json_object_object_add(set, k, v);
}

/* Drop empty containers so the cache does not grow with history. */
static void cache_prune(json_object *parent, const char *k)
{
	json_object *c;

	if (json_object_object_get_ex(parent, k, &c) &&
	    !json_object_object_length(c))
		json_object_object_del(parent, k);
}

void cache_event(void *ctx, const struct etcd_event *ev)
{
	struct agent *a = ctx;
	size_t plen = strlen(a->prefix);
	char *p, *f[7], *save = NULL;
	char group[48];
	int n = 0;

	if (strncmp(ev->key, a->prefix, plen) || ev->key[plen] != '/')
		return;
	p = strdup(ev->key + plen + 1);
	for (f[n] = strtok_r(p, "/", &save); f[n] && n < 6;
	     f[++n] = strtok_r(NULL, "/", &save))
		;
	if (n >= 5)
		snprintf(group, sizeof(group), "%s/%s/%s", f[1], f[2], f[3]);
	if (n == 5 && !strcmp(f[0], "vtep")) {
		cache_set(obj_child(a->vteps, group), f[4], ev);
		cache_prune(a->vteps, group);
	} else if (n == 6 && !strcmp(f[0], "mac")) {
		json_object *g = obj_child(a->rmacs, group);

		cache_set(obj_child(g, f[4]), f[5], ev);
		cache_prune(g, f[4]);
		cache_prune(a->rmacs, group);
	}
	free(p);
	if (ev->mod_revision > a->rev)
		a->rev = ev->mod_revision;
	a->dirty_fdb = true;
}

void cache_clear(struct agent *a)
{
	json_object_put(a->vteps);
	json_object_put(a->rmacs);
	a->vteps = json_object_new_object();
	a->rmacs = json_object_new_object();
}

/* --- etcd side: our registrations ----------------------------------- */

static void key_vtep(const struct agent *a, const struct dev *d, char *k,
		     size_t len)
{
	char s[INET6_ADDRSTRLEN];

	snprintf(k, len, "%s/vtep/%s/%s", a->prefix, d->group_key,
		 ip_str(&d->vtep, s, sizeof(s)));
}

static void key_mac(const struct agent *a, const struct dev *d,
		    const char *mac, char *k, size_t len)
{
	char s[INET6_ADDRSTRLEN];

	snprintf(k, len, "%s/mac/%s/%s/%s", a->prefix, d->group_key, mac,
		 ip_str(&d->vtep, s, sizeof(s)));
}

static char *reg_value(const struct agent *a, const struct dev *d)
{
	json_object *v = json_object_new_object();
	char *s;

	json_object_object_add(v, "host", json_object_new_string(a->hostname));
	json_object_object_add(v, "dev", json_object_new_string(d->name));
	s = strdup(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
	json_object_put(v);
	return s;
}

/* {key: value} of every key this host should hold. */
static json_object *desired_keys(struct agent *a)
{
	json_object *want = json_object_new_object();
	char k[512];
	struct dev *d;

	for (d = a->devs; d; d = d->next) {
		char *v;

		if (d->group || !d->vtep.family)
			continue;
		v = reg_value(a, d);
		key_vtep(a, d, k, sizeof(k));
		json_object_object_add(want, k, json_object_new_string(v));
		if (a->macs) {
			json_object_object_foreach(d->local_macs, mac, one) {
				(void)one;
				key_mac(a, d, mac, k, sizeof(k));
				json_object_object_add(want, k,
						       json_object_new_string(v));
			}
		}
		free(v);
	}
	return want;
}

/* The cache entry for a full key, or NULL. */
static json_object *cache_lookup(struct agent *a, const char *key)
{
	json_object *v = NULL, *g, *m;
	char *p, *f[7], *save = NULL, group[48];
	int n = 0;

	p = strdup(key + strlen(a->prefix) + 1);
	for (f[n] = strtok_r(p, "/", &save); f[n] && n < 6;
	     f[++n] = strtok_r(NULL, "/", &save))
		;
	if (n >= 5)
		snprintf(group, sizeof(group), "%s/%s/%s", f[1], f[2], f[3]);
	if (n == 5 && !strcmp(f[0], "vtep")) {
		if (json_object_object_get_ex(a->vteps, group, &g))
			json_object_object_get_ex(g, f[4], &v);
	} else if (n == 6 && !strcmp(f[0], "mac")) {
		if (json_object_object_get_ex(a->rmacs, group, &g) &&
		    json_object_object_get_ex(g, f[4], &m))
			json_object_object_get_ex(m, f[5], &v);
	}
	free(p);
	return v;
}

static int64_t entry_lease(json_object *e)
{
	json_object *l;

	return e && json_object_object_get_ex(e, "lease", &l) ?
	       json_object_get_int64(l) : 0;
}

/* Keys in the cache held by our lease. */
static json_object *our_keys(struct agent *a)
{
	json_object *ours = json_object_new_array();
	char k[512];

	json_object_object_foreach(a->vteps, g, addrs) {
		json_object_object_foreach(addrs, addr, e) {
			if (entry_lease(e) != a->lease)
				continue;
			snprintf(k, sizeof(k), "%s/vtep/%s/%s", a->prefix, g, addr);
			json_object_array_add(ours, json_object_new_string(k));
		}
	}
	json_object_object_foreach(a->rmacs, g2, macs) {
		json_object_object_foreach(macs, mac, addrs2) {
			json_object_object_foreach(addrs2, addr2, e2) {
				if (entry_lease(e2) != a->lease)
					continue;
				snprintf(k, sizeof(k), "%s/mac/%s/%s/%s",
					 a->prefix, g2, mac, addr2);
				json_object_array_add(ours,
						      json_object_new_string(k));
			}
		}
	}
	return ours;
}

int sync_registrations(struct agent *a)
{
	json_object *want, *ours;
	struct etcd_event ev;
	int rc = 0;
	size_t i;

	if (!a->synced || !a->lease)
		return 0;
	want = desired_keys(a);
	json_object_object_foreach(want, key, val) {
		json_object *e = cache_lookup(a, key);

		if (e && entry_lease(e) == a->lease)
			continue;
		memset(&ev, 0, sizeof(ev));
		if (etcd_put(&a->etcd, key, json_object_get_string(val),
			     a->lease, &ev.mod_revision)) {
			rc = -1;
			break;
		}
		logmsg("registered %s", key);
		ev.key = key;
		ev.lease = a->lease;
		cache_event(a, &ev);
	}
	ours = rc ? NULL : our_keys(a);
	for (i = 0; ours && i < json_object_array_length(ours); i++) {
		const char *key = json_object_get_string(
			json_object_array_get_idx(ours, i));

		if (json_object_object_get_ex(want, key, NULL))
			continue;
		memset(&ev, 0, sizeof(ev));
		if (etcd_delete(&a->etcd, key, &ev.mod_revision)) {
			rc = -1;
			break;
		}
		logmsg("unregistered %s", key);
		ev.key = key;
		ev.del = true;
		cache_event(a, &ev);
	}
	json_object_put(ours);
	json_object_put(want);
	return rc;
}

/* --- kernel side: flood lists and MACs ------------------------------- */

/* Test knob: OVLNET_AGENT_TEST_FDB_DELAY_MS makes every FDB write that
 * much slower, standing in for a starved CPU (selftests/net/
 * ovl_agent_faults.sh: a sync pass longer than the lease TTL).
 */
static void test_delay(void)
{
	static long ms = -1;
	const char *s;

	if (ms < 0) {
		s = getenv("OVLNET_AGENT_TEST_FDB_DELAY_MS");
		ms = s ? atol(s) : 0;
		if (ms > 0)
			logmsg("test: every FDB write delayed by %ld ms", ms);
	}
	if (ms > 0)
		usleep(ms * 1000);
}

static int fdb_op(struct agent *a, struct dev *d, enum fdb_op op,
		  const char *mac, const char *dst)
{
	uint8_t m[6];
	struct ip_addr ip;
	struct fdb_req q = { .op = op, .ifindex = d->ifindex, .mac = m,
			     .dst = &ip };
	int err;

	if (ip_parse(dst, &ip) ||
	    sscanf(mac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &m[0], &m[1], &m[2],
		   &m[3], &m[4], &m[5]) != 6)
		return -EINVAL;
	q.protocol = a->proto_ok ? a->proto : 0;
	q.ext_learned = a->ext_ok && strcmp(mac, "00:00:00:00:00:00");
	test_delay();
	err = rtnl_fdb(&a->rtnl, &q);
	if (err == -EINVAL && op != FDB_DEL && (q.protocol || q.ext_learned)) {
		/* an older module may refuse what it does not know */
		logmsg("%s: kernel refused the entry (%s); retrying without %s",
		       d->name, a->rtnl.err,
		       q.ext_learned ? "NTF_EXT_LEARNED" : "NDA_PROTOCOL");
		if (q.ext_learned)
			a->ext_ok = 0;
		else
			a->proto_ok = 0;
		return fdb_op(a, d, op, mac, dst);
	}
	if (err && !(err == -EEXIST && op == FDB_APPEND) &&
	    !(err == -ENOENT && op == FDB_DEL))
		logmsg("%s: bridge fdb %s %s dst %s failed: %s", d->name,
		       op == FDB_DEL ? "del" : op == FDB_APPEND ? "append" : "replace",
		       mac, dst, a->rtnl.err);
	return err;
}

static int cur_proto(json_object *set, const char *k)
{
	json_object *v;

	if (!json_object_object_get_ex(set, k, &v))
		return -1;
	return json_object_get_int(v);
}

/* Learn from the kernel's echo whether it keeps NDA_PROTOCOL. */
static void learn_proto(struct agent *a, struct dev *d, int proto)
{
	if (a->proto_ok == 1 || (a->proto_ok == 0 && proto != a->proto))
		return;
	if (proto == a->proto) {
		if (a->proto_ok != 1)
			logmsg("kernel keeps NDA_PROTOCOL: own FDB entries carry protocol %u",
			       a->proto);
		a->proto_ok = 1;
	} else {
		logmsg("%s: the module does not report NDA_PROTOCOL; own entries are tracked in %s",
		       d->name, a->state_path);
		a->proto_ok = 0;
	}
}

static bool same_family(const struct dev *d, const char *addr)
{
	struct ip_addr ip;
	int fam = d->vtep.family ? d->vtep.family : d->local.family;

	return !ip_parse(addr, &ip) && ip.family == fam;
}

static void sync_flood(struct agent *a, struct dev *d)
{
	json_object *peers = NULL, *drop = json_object_new_array();
	char me[INET6_ADDRSTRLEN];
	size_t i;
	int p;

	json_object_object_get_ex(a->vteps, d->group_key, &peers);
	ip_str(&d->vtep, me, sizeof(me));
	if (peers) {
		json_object_object_foreach(peers, addr, e) {
			(void)e;
			if (!strcmp(addr, me) || !same_family(d, addr))
				continue;
			p = cur_proto(d->cur_flood, addr);
			if (p < 0) {
				int err = fdb_op(a, d, FDB_APPEND,
						 "00:00:00:00:00:00", addr);

				if (!err) {
					logmsg("%s: flood list + %s", d->name, addr);
					json_object_object_add(d->own_flood, addr,
							       json_object_new_int(1));
					a->dirty_state = true;
				}
				continue;
			}
			if (json_object_object_get_ex(d->own_flood, addr, NULL)) {
				learn_proto(a, d, p);
			} else if (a->proto_ok == 1 && p == a->proto) {
				/* ours from an earlier run */
				json_object_object_add(d->own_flood, addr,
						       json_object_new_int(1));
				a->dirty_state = true;
			}
		}
	}
	json_object_object_foreach(d->own_flood, addr, one) {
		(void)one;
		if (!peers || !json_object_object_get_ex(peers, addr, NULL) ||
		    !strcmp(addr, me))
			json_object_array_add(drop, json_object_new_string(addr));
	}
	for (i = 0; i < json_object_array_length(drop); i++) {
		const char *addr = json_object_get_string(
			json_object_array_get_idx(drop, i));

		if (cur_proto(d->cur_flood, addr) >= 0) {
			int err = fdb_op(a, d, FDB_DEL, "00:00:00:00:00:00", addr);

			if (err && err != -ENOENT)
				continue;
		}
		logmsg("%s: flood list - %s", d->name, addr);
		json_object_object_del(d->own_flood, addr);
		a->dirty_state = true;
	}
	json_object_put(drop);
}

/* The VTEP a remote MAC lives behind: its newest registration. */
static const char *mac_home(const struct dev *d, json_object *addrs,
			    const char *me)
{
	const char *best = NULL;
	int64_t best_rev = -1;
	json_object *r;

	json_object_object_foreach(addrs, addr, e) {
		if (!strcmp(addr, me) || !same_family(d, addr))
			continue;
		json_object_object_get_ex(e, "rev", &r);
		if (json_object_get_int64(r) > best_rev) {
			best_rev = json_object_get_int64(r);
			best = addr;
		}
	}
	return best;
}

static const char *jstr(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : "";
}

static bool jbool(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) && json_object_get_boolean(v);
}

static void learn_ext(struct agent *a, json_object *cur)
{
	if (a->ext_ok != -1)
		return;
	a->ext_ok = jbool(cur, "ext");
	if (a->ext_ok)
		logmsg("kernel keeps NTF_EXT_LEARNED: remote MACs are extern_learn entries");
	else
		logmsg("the module ignores NTF_EXT_LEARNED: remote MACs are installed as static entries");
}

static void sync_macs(struct agent *a, struct dev *d)
{
	json_object *macs = NULL, *drop = json_object_new_array(), *cur;
	char me[INET6_ADDRSTRLEN];
	const char *home, *own;
	size_t i;

	json_object_object_get_ex(a->rmacs, d->group_key, &macs);
	ip_str(&d->vtep, me, sizeof(me));
	if (macs) {
		json_object_object_foreach(macs, mac, addrs) {
			if (json_object_object_get_ex(d->local_macs, mac, NULL))
				continue;
			home = mac_home(d, addrs, me);
			if (!home)
				continue;
			own = json_object_object_get_ex(d->own_macs, mac, &cur) ?
			      json_object_get_string(cur) : NULL;
			if (!json_object_object_get_ex(d->cur_macs, mac, &cur))
				cur = NULL;
			if (cur && !strcmp(jstr(cur, "dst"), home) && own &&
			    !strcmp(own, home)) {
				learn_ext(a, cur);
				learn_proto(a, d, json_object_get_int(
					json_object_object_get(cur, "proto")));
				continue;
			}
			/* a static entry someone else made stays */
			if (cur && jbool(cur, "static") && !own &&
			    !(a->proto_ok == 1 &&
			      json_object_get_int(json_object_object_get(cur, "proto")) ==
			      a->proto))
				continue;
			if (fdb_op(a, d, FDB_REPLACE, mac, home))
				continue;
			logmsg("%s: MAC %s -> %s", d->name, mac, home);
			json_object_object_add(d->own_macs, mac,
					       json_object_new_string(home));
			a->dirty_state = true;
		}
	}
	json_object_object_foreach(d->own_macs, mac, dst) {
		json_object *addrs;

		if (macs && json_object_object_get_ex(macs, mac, &addrs) &&
		    !json_object_object_get_ex(d->local_macs, mac, NULL) &&
		    mac_home(d, addrs, me))
			continue;
		json_object_array_add(drop, json_object_new_string(mac));
		(void)dst;
	}
	for (i = 0; i < json_object_array_length(drop); i++) {
		const char *mac = json_object_get_string(
			json_object_array_get_idx(drop, i));
		const char *dst = json_object_get_string(
			json_object_object_get(d->own_macs, mac));

		if (json_object_object_get_ex(d->cur_macs, mac, &cur) &&
		    !strcmp(jstr(cur, "dst"), dst))
			fdb_op(a, d, FDB_DEL, mac, dst);
		logmsg("%s: MAC %s removed", d->name, mac);
		json_object_object_del(d->own_macs, mac);
		a->dirty_state = true;
	}
	json_object_put(drop);
}

int sync_fdb(struct agent *a, struct dev *d)
{
	if (!a->synced || d->group)
		return 0;
	if (!d->vtep.family && !d->local.family)
		return 0;
	sync_flood(a, d);
	if (a->macs)
		sync_macs(a, d);
	return 0;
}

void sync_forget(struct agent *a, struct dev *d)
{
	(void)a;
	(void)d;
	/* the kernel dropped the device's FDB with it; its keys go at the
	 * next sync_registrations (no longer desired)
	 */
	a->dirty_state = true;
}
