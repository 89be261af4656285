// SPDX-License-Identifier: GPL-2.0
/*
 * Transmit, shared by both kinds: pick destinations from the FDB,
 * replicate BUM frames to the flood list, and hand each copy to the
 * kind's encapsulation (vxlan.c, gre.c) with the outer route and header
 * fields it needs.  Shaping (the qdisc) has already happened on the inner
 * frame.
 */

#include "send.h"
#include "device.h"
#include "fdb_netlink.h"
#include "proto.h"
#include "proxy.h"

#include <linux/etherdevice.h>
#include <net/dst_cache.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ipv6_stubs.h>
#include <net/route.h>

/* What the outer header copies from the inner one. */
struct ovl_inner {
	u8 tos;
	u8 ttl;
	bool df;
};

static void ovl_inner_fields(struct sk_buff *skb, struct ovl_inner *in)
{
	memset(in, 0, sizeof(*in));
	if (skb->protocol == htons(ETH_P_IP) &&
	    pskb_network_may_pull(skb, sizeof(struct iphdr))) {
		const struct iphdr *iph = ip_hdr(skb);

		in->tos = iph->tos;
		in->ttl = iph->ttl;
		in->df = iph->frag_off & htons(IP_DF);
	} else if (skb->protocol == htons(ETH_P_IPV6) &&
		   pskb_network_may_pull(skb, sizeof(struct ipv6hdr))) {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);

		in->tos = ipv6_get_dsfield(ip6h);
		in->ttl = ip6h->hop_limit;
		in->df = true;	/* IPv6 routers never fragment */
	}
}

void ovl_outer_params(const struct ovl_cfg *cfg, struct sk_buff *skb,
		      const struct ovl_remote *r, struct ovl_outer_params *p)
{
	struct ovl_inner in;

	ovl_inner_fields(skb, &in);
	p->tos = INET_ECN_encapsulate(cfg->tos_inherit ? in.tos : cfg->tos,
				      in.tos);
	p->ttl = cfg->ttl_inherit && in.ttl ? in.ttl : cfg->ttl;
	if (!p->ttl && ovl_addr_multicast(&r->key.ip))
		p->ttl = 1;
	p->df = 0;
	if (cfg->df == OVL_DF_SET || (cfg->df == OVL_DF_INHERIT && in.df))
		p->df = htons(IP_DF);
}

void ovl_tx_error(struct ovl_dev *ovl, struct sk_buff *skb,
		  enum ovl_counter why)
{
	ovl_count(ovl->counters, why);
	DEV_STATS_INC(ovl->dev, tx_errors);
	dev_core_stats_tx_dropped_inc(ovl->dev);
	kfree_skb(skb);
}

/* --- routes ---------------------------------------------------------- */

static bool ovl_route_cacheable(const struct ovl_cfg *cfg)
{
	return !cfg->tos_inherit;
}

static struct rtable *ovl_route4(struct ovl_dev *ovl,
				 const struct ovl_cfg *cfg,
				 struct ovl_remote *r, u8 proto, u8 tos,
				 __be32 *saddr)
{
	bool cache = ovl_route_cacheable(cfg);
	struct flowi4 fl4 = {
		.flowi4_oif = r->key.ifindex ?: cfg->link,
		.flowi4_tos = tos & IPTOS_TOS_MASK,
		.flowi4_proto = proto,
		.flowi4_mark = cfg->fwmark,	/* policy routing sees the mark */
		.daddr = r->key.ip.ip4,
		.saddr = cfg->local.ip4,
	};
	struct rtable *rt;

	if (cache) {
		rt = dst_cache_get_ip4(&r->dst_cache, saddr);
		if (rt)
			return rt;
	}
	rt = ip_route_output_key(ovl->net, &fl4);
	if (IS_ERR(rt))
		return rt;
	if (rt->dst.dev == ovl->dev) {	/* would loop into ourselves */
		ip_rt_put(rt);
		return ERR_PTR(-ELOOP);
	}
	*saddr = fl4.saddr;
	if (cache)
		dst_cache_set_ip4(&r->dst_cache, &rt->dst, fl4.saddr);
	return rt;
}

static struct dst_entry *ovl_route6(struct ovl_dev *ovl,
				    const struct ovl_cfg *cfg,
				    struct ovl_remote *r, u8 proto, u8 tos,
				    struct in6_addr *saddr)
{
	bool cache = ovl_route_cacheable(cfg);
	struct flowi6 fl6 = {
		.flowi6_oif = r->key.ifindex ?: cfg->link,
		.flowi6_proto = proto,
		.flowi6_mark = cfg->fwmark,
		.flowlabel = ip6_make_flowinfo(tos, 0),
		.daddr = r->key.ip.ip6,
		.saddr = cfg->local.ip6,
	};
	struct dst_entry *dst;

	if (cache) {
		dst = dst_cache_get_ip6(&r->dst_cache, saddr);
		if (dst)
			return dst;
	}
	dst = ipv6_stub->ipv6_dst_lookup_flow(ovl->net, NULL, &fl6, NULL);
	if (IS_ERR(dst))
		return dst;
	if (dst->dev == ovl->dev) {
		dst_release(dst);
		return ERR_PTR(-ELOOP);
	}
	*saddr = fl6.saddr;
	if (cache)
		dst_cache_set_ip6(&r->dst_cache, dst, saddr);
	return dst;
}

/*
 * With DF set, a frame whose encapsulation (@overhead: outer IP and tunnel
 * headers) exceeds the path MTU is dropped and counted, not fragmented.
 */
static bool ovl_too_big(const struct sk_buff *skb, const struct dst_entry *dst,
			unsigned int overhead, __be16 df)
{
	if (!df || skb_is_gso(skb))
		return false;
	return skb->len + overhead > dst_mtu(dst);
}

/*
 * Route to @r and check the encapsulated size (@overhead: outer IP and
 * tunnel headers).  On failure @skb is counted, freed, and NULL returned.
 */
struct rtable *ovl_prepare4(struct ovl_dev *ovl,
			    const struct ovl_cfg *cfg,
			    struct sk_buff *skb, struct ovl_remote *r,
			    u8 proto, unsigned int overhead,
			    const struct ovl_outer_params *p,
			    __be32 *saddr)
{
	struct rtable *rt = ovl_route4(ovl, cfg, r, proto, p->tos, saddr);

	if (IS_ERR(rt)) {
		ovl_tx_error(ovl, skb, OVL_CNT_TX_NO_ROUTE);
		return NULL;
	}
	if (ovl_too_big(skb, &rt->dst, overhead, p->df)) {
		ip_rt_put(rt);
		ovl_tx_error(ovl, skb, OVL_CNT_TX_TOO_BIG);
		return NULL;
	}
	return rt;
}

struct dst_entry *ovl_prepare6(struct ovl_dev *ovl,
			       const struct ovl_cfg *cfg,
			       struct sk_buff *skb,
			       struct ovl_remote *r, u8 proto,
			       unsigned int overhead,
			       const struct ovl_outer_params *p,
			       struct in6_addr *saddr)
{
	struct dst_entry *dst = ovl_route6(ovl, cfg, r, proto, p->tos, saddr);

	if (IS_ERR(dst)) {
		ovl_tx_error(ovl, skb, OVL_CNT_TX_NO_ROUTE);
		return NULL;
	}
	if (ovl_too_big(skb, dst, overhead, p->df)) {
		dst_release(dst);
		ovl_tx_error(ovl, skb, OVL_CNT_TX_TOO_BIG);
		return NULL;
	}
	return dst;
}

/* --- ndo_start_xmit ---------------------------------------------------- */

/* Token bucket: @bumlimit packets per second, a second's worth of burst. */
static bool ovl_bum_allowed(struct ovl_dev *ovl, const struct ovl_cfg *cfg)
{
	struct ovl_bum_limiter *b = &ovl->bum;
	u64 cost = HZ, cap = (u64)cfg->bumlimit * HZ;
	unsigned long now = jiffies;
	bool ok;

	if (!cfg->bumlimit)
		return true;
	spin_lock(&b->lock);
	b->tokens = min(cap, b->tokens + (u64)(now - b->last) * cfg->bumlimit);
	b->last = now;
	ok = b->tokens >= cost;
	if (ok)
		b->tokens -= cost;
	spin_unlock(&b->lock);
	return ok;
}

/* Sends @skb to every destination of @e: clones for all but the last. */
static void ovl_xmit_dests(struct ovl_dev *ovl, const struct ovl_cfg *cfg,
			   struct sk_buff *skb, struct ovl_fdb_entry *e)
{
	struct ovl_fdb_dest *d, *next;
	struct sk_buff *copy;

	for (d = rcu_dereference(e->dests); d; d = next) {
		next = rcu_dereference(d->next);
		if (!next) {
			ovl->kind->xmit(ovl, cfg, skb, d->remote);
			return;
		}
		copy = skb_clone(skb, GFP_ATOMIC);
		if (copy)
			ovl->kind->xmit(ovl, cfg, copy, d->remote);
		else
			dev_core_stats_tx_dropped_inc(ovl->dev);
	}
	ovl_tx_error(ovl, skb, OVL_CNT_TX_NO_DEST);
}

netdev_tx_t ovl_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct ovl_dev *ovl = netdev_priv(dev);
	const struct ovl_cfg *cfg;
	struct ovl_fdb_entry *e = NULL;
	const struct ethhdr *eth;

	rcu_read_lock();
	cfg = rcu_dereference(ovl->cfg);
	if (!pskb_may_pull(skb, ETH_HLEN)) {
		ovl_tx_error(ovl, skb, OVL_CNT_TX_NO_DEST);
		goto out;
	}
	skb_reset_mac_header(skb);
	eth = eth_hdr(skb);

	if (cfg->proxy && ovl_proxy_reply(ovl, cfg, skb))
		goto out;
	eth = eth_hdr(skb);		/* proxy may have pulled the header */

	if (!is_multicast_ether_addr(eth->h_dest))
		e = ovl_fdb_lookup(&ovl->fdb, eth->h_dest);
	if (e) {
		unsigned long now = jiffies;

		/* dirty the cache line at most once a tick */
		if (READ_ONCE(e->used) != now)
			WRITE_ONCE(e->used, now);
	} else {
		if (cfg->l2miss && !is_multicast_ether_addr(eth->h_dest))
			ovl_fdb_notify_miss(ovl, eth->h_dest);
		if (!ovl_bum_allowed(ovl, cfg)) {
			ovl_count(ovl->counters, OVL_CNT_TX_BUM_LIMITED);
			dev_core_stats_tx_dropped_inc(dev);
			kfree_skb(skb);
			goto out;
		}
		e = ovl_fdb_lookup(&ovl->fdb, ovl_flood_mac);
		if (!e) {
			ovl_tx_error(ovl, skb, OVL_CNT_TX_NO_DEST);
			goto out;
		}
	}
	ovl_xmit_dests(ovl, cfg, skb, e);
out:
	rcu_read_unlock();
	return NETDEV_TX_OK;
}
