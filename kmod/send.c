// SPDX-License-Identifier: GPL-2.0
/*
 * Transmit: pick destinations from the FDB, replicate BUM frames to the
 * flood list, and encapsulate each copy in VXLAN/UDP or GRE over IPv4 or
 * IPv6.  Shaping (the qdisc) has already happened on the inner frame.
 */

#include "send.h"
#include "device.h"
#include "fdb_netlink.h"
#include "proto.h"
#include "proxy.h"
#include "socket.h"

#include <linux/etherdevice.h>
#include <net/dst_cache.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ip6_tunnel.h>
#include <net/ip_tunnels.h>
#include <net/ipv6_stubs.h>
#include <net/route.h>
#include <net/udp_tunnel.h>

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

struct ovl_outer_params {
	u8 tos;
	u8 ttl;		/* 0: the route's default */
	__be16 df;
};

static void ovl_outer_params(const struct ovl_cfg *cfg, struct sk_buff *skb,
			     const struct ovl_remote *r,
			     struct ovl_outer_params *p)
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

static bool ovl_xnet(const struct ovl_dev *ovl)
{
	return !net_eq(ovl->net, dev_net(ovl->dev));
}

static void ovl_tx_error(struct ovl_dev *ovl, struct sk_buff *skb,
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
static struct rtable *ovl_prepare4(struct ovl_dev *ovl,
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

static struct dst_entry *ovl_prepare6(struct ovl_dev *ovl,
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

/* --- VXLAN ------------------------------------------------------------ */

static int ovl_vxlan_push(struct sk_buff *skb, const struct ovl_cfg *cfg,
			  u32 vni, unsigned int headroom, bool udp_csum)
{
	struct ovl_vxlanhdr *vh;
	int err;

	err = skb_cow_head(skb, headroom);
	if (err)
		return err;
	err = udp_tunnel_handle_offloads(skb, udp_csum);
	if (err)
		return err;
	vh = __skb_push(skb, sizeof(*vh));
	ovl_vxlan_build(vh, vni);
	skb_set_inner_protocol(skb, htons(ETH_P_TEB));
	return 0;
}

static void ovl_stamp(struct sk_buff *skb, const struct ovl_cfg *cfg)
{
	if (cfg->fwmark)
		skb->mark = cfg->fwmark;
	if (cfg->priority)
		skb->priority = cfg->priority;
}

static void ovl_vxlan_xmit4(struct ovl_dev *ovl, const struct ovl_cfg *cfg,
			    struct sk_buff *skb, struct ovl_remote *r,
			    struct sock *sk, __be16 sport)
{
	struct ovl_outer_params p;
	struct rtable *rt;
	__be32 saddr = 0;
	int err;

	ovl_outer_params(cfg, skb, r, &p);
	rt = ovl_prepare4(ovl, cfg, skb, r, IPPROTO_UDP,
			  OVL_VXLAN4_OVERHEAD - ETH_HLEN, &p, &saddr);
	if (!rt)
		return;
	err = ovl_vxlan_push(skb, cfg, r->key.id,
			     LL_RESERVED_SPACE(rt->dst.dev) + rt->dst.header_len +
			     OVL_VXLAN4_OVERHEAD, cfg->udp_csum);
	if (err) {
		ip_rt_put(rt);
		ovl_tx_error(ovl, skb, OVL_CNT_TX_ENCAP_ERRORS);
		return;
	}
	ovl_stamp(skb, cfg);
	udp_tunnel_xmit_skb(rt, sk, skb, saddr, r->key.ip.ip4, p.tos,
			    p.ttl ?: ip4_dst_hoplimit(&rt->dst), p.df, sport,
			    r->key.port ?: cfg->port, ovl_xnet(ovl),
			    !cfg->udp_csum);
}

static void ovl_vxlan_xmit6(struct ovl_dev *ovl, const struct ovl_cfg *cfg,
			    struct sk_buff *skb, struct ovl_remote *r,
			    struct sock *sk, __be16 sport)
{
	struct ovl_outer_params p;
	struct in6_addr saddr;
	struct dst_entry *dst;
	int err;

	ovl_outer_params(cfg, skb, r, &p);
	dst = ovl_prepare6(ovl, cfg, skb, r, IPPROTO_UDP,
			   OVL_VXLAN6_OVERHEAD - ETH_HLEN, &p, &saddr);
	if (!dst)
		return;
	/* IPv6 UDP always carries a checksum (RFC 6935 zero-checksum off) */
	err = ovl_vxlan_push(skb, cfg, r->key.id,
			     LL_RESERVED_SPACE(dst->dev) + dst->header_len +
			     OVL_VXLAN6_OVERHEAD, true);
	if (err) {
		dst_release(dst);
		ovl_tx_error(ovl, skb, OVL_CNT_TX_ENCAP_ERRORS);
		return;
	}
	ovl_stamp(skb, cfg);
	/* df unset: the source fragments (IPv6 routers never do) */
	skb->ignore_df = !p.df;
	udp_tunnel6_xmit_skb(dst, sk, skb, ovl->dev, &saddr, &r->key.ip.ip6,
			     p.tos, p.ttl ?: ip6_dst_hoplimit(dst), 0, sport,
			     r->key.port ?: cfg->port, false);
}

static void ovl_vxlan_xmit(struct ovl_dev *ovl, const struct ovl_cfg *cfg,
			   struct sk_buff *skb, struct ovl_remote *r)
{
	struct sock *sk = ovl_vxlan_sk(ovl);
	__be16 sport;

	if (unlikely(!sk)) {
		ovl_tx_error(ovl, skb, OVL_CNT_TX_NO_ROUTE);
		return;
	}
	sport = htons(ovl_hash_to_port(skb_get_hash(skb), cfg->port_min,
				       cfg->port_max));
	if (r->key.ip.family == AF_INET)
		ovl_vxlan_xmit4(ovl, cfg, skb, r, sk, sport);
	else
		ovl_vxlan_xmit6(ovl, cfg, skb, r, sk, sport);
}

static unsigned int ovl_vxlan_overhead(const struct ovl_cfg *cfg)
{
	return cfg->family == AF_INET6 ? OVL_VXLAN6_OVERHEAD
				       : OVL_VXLAN4_OVERHEAD;
}

const struct ovl_kind ovl_vxlan_kind = {
	.id		= OVL_KIND_VXLAN,
	.name		= OVL_VXLAN_KIND,
	.overhead	= ovl_vxlan_overhead,
	.open		= ovl_vxlan_open,
	.stop		= ovl_vxlan_stop,
	.xmit		= ovl_vxlan_xmit,
};

/* --- GRE -------------------------------------------------------------- */

static int ovl_gre_push(struct sk_buff *skb, const struct ovl_cfg *cfg,
			u32 key, unsigned int headroom)
{
	unsigned int hlen = ovl_gre_hlen(cfg->gre_csum);
	u8 *hdr;
	int err;

	err = skb_cow_head(skb, headroom + hlen);
	if (err)
		return err;
	err = iptunnel_handle_offloads(skb, cfg->gre_csum ? SKB_GSO_GRE_CSUM
							  : SKB_GSO_GRE);
	if (err)
		return err;
	skb_set_inner_protocol(skb, htons(ETH_P_TEB));
	hdr = __skb_push(skb, hlen);
	/* lco_csum() sums from the transport header: make it the GRE one */
	skb_reset_transport_header(skb);
	ovl_gre_build(hdr, key, cfg->gre_csum);
	/* GSO fills per-segment checksums; otherwise do it here */
	if (cfg->gre_csum && !skb_is_gso(skb)) {
		__sum16 *csum = (__sum16 *)(hdr + OVL_GRE_BASE_HLEN);

		if (skb->ip_summed == CHECKSUM_PARTIAL)
			*csum = csum_fold(lco_csum(skb));
		else
			*csum = csum_fold(skb_checksum(skb, 0, skb->len, 0));
	}
	return 0;
}

static u32 ovl_gre_key(const struct ovl_cfg *cfg, struct sk_buff *skb,
		       const struct ovl_remote *r)
{
	return cfg->nvgre ? ovl_nvgre_key(r->key.id, skb_get_hash(skb))
			  : r->key.id;
}

static void ovl_gre_xmit4(struct ovl_dev *ovl, const struct ovl_cfg *cfg,
			  struct sk_buff *skb, struct ovl_remote *r, u32 key)
{
	unsigned int overhead = sizeof(struct iphdr) +
				ovl_gre_hlen(cfg->gre_csum);
	struct ovl_outer_params p;
	struct rtable *rt;
	__be32 saddr = 0;

	ovl_outer_params(cfg, skb, r, &p);
	rt = ovl_prepare4(ovl, cfg, skb, r, IPPROTO_GRE, overhead, &p, &saddr);
	if (!rt)
		return;
	if (ovl_gre_push(skb, cfg, key, LL_RESERVED_SPACE(rt->dst.dev) +
			 rt->dst.header_len + sizeof(struct iphdr))) {
		ip_rt_put(rt);
		ovl_tx_error(ovl, skb, OVL_CNT_TX_ENCAP_ERRORS);
		return;
	}
	ovl_stamp(skb, cfg);
	iptunnel_xmit(NULL, rt, skb, saddr, r->key.ip.ip4, IPPROTO_GRE,
		      p.tos, p.ttl ?: ip4_dst_hoplimit(&rt->dst), p.df,
		      ovl_xnet(ovl));
}

static void ovl_gre_xmit6(struct ovl_dev *ovl, const struct ovl_cfg *cfg,
			  struct sk_buff *skb, struct ovl_remote *r, u32 key)
{
	unsigned int overhead = sizeof(struct ipv6hdr) +
				ovl_gre_hlen(cfg->gre_csum);
	struct ovl_outer_params p;
	struct in6_addr saddr;
	struct dst_entry *dst;
	struct ipv6hdr *ip6h;

	ovl_outer_params(cfg, skb, r, &p);
	dst = ovl_prepare6(ovl, cfg, skb, r, IPPROTO_GRE, overhead, &p, &saddr);
	if (!dst)
		return;
	if (ovl_gre_push(skb, cfg, key, LL_RESERVED_SPACE(dst->dev) +
			 dst->header_len + sizeof(struct ipv6hdr))) {
		dst_release(dst);
		ovl_tx_error(ovl, skb, OVL_CNT_TX_ENCAP_ERRORS);
		return;
	}
	ovl_stamp(skb, cfg);
	skb_scrub_packet(skb, ovl_xnet(ovl));
	skb->ignore_df = !p.df;		/* as in ovl_vxlan_xmit6() */
	skb_dst_set(skb, dst);
	ip6h = skb_push(skb, sizeof(*ip6h));
	skb_reset_network_header(skb);
	ip6_flow_hdr(ip6h, p.tos, 0);
	ip6h->payload_len = htons(skb->len - sizeof(*ip6h));
	ip6h->nexthdr = IPPROTO_GRE;
	ip6h->hop_limit = p.ttl ?: ip6_dst_hoplimit(dst);
	ip6h->saddr = saddr;
	ip6h->daddr = r->key.ip.ip6;
	memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
	ip6tunnel_xmit(NULL, skb, ovl->dev);
}

static void ovl_gre_xmit(struct ovl_dev *ovl, const struct ovl_cfg *cfg,
			 struct sk_buff *skb, struct ovl_remote *r)
{
	u32 key = ovl_gre_key(cfg, skb, r);

	if (r->key.ip.family == AF_INET)
		ovl_gre_xmit4(ovl, cfg, skb, r, key);
	else
		ovl_gre_xmit6(ovl, cfg, skb, r, key);
}

static unsigned int ovl_gre_overhead(const struct ovl_cfg *cfg)
{
	return (cfg->family == AF_INET6 ? sizeof(struct ipv6hdr)
					: sizeof(struct iphdr)) +
	       ovl_gre_hlen(cfg->gre_csum) + ETH_HLEN;
}

const struct ovl_kind ovl_gre_kind = {
	.id		= OVL_KIND_GRE,
	.name		= OVL_GRE_KIND,
	.overhead	= ovl_gre_overhead,
	.xmit		= ovl_gre_xmit,
};

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
