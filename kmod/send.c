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
#include "external.h"
#include "fdb_netlink.h"
#include "proto.h"
#include "proxy.h"

#include <linux/etherdevice.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/if_vlan.h>
#include <net/dst_cache.h>
#ifdef OVL_HAVE_NET_GSO_H	/* 6.5+: skb_gso_validate_network_len() */
#include <net/gso.h>
#endif
#include <net/icmp.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include <net/ipv6_stubs.h>
#include <net/ndisc.h>
#include <net/route.h>

/* What the outer header copies from the inner one. */
struct ovl_inner {
	u8 tos;
	u8 ttl;
	bool df;
};

/*
 * skb_protocol(, true) looks through VLAN tags, so trunked VMs' tagged
 * frames inherit too: the network header is the inner IP header behind
 * the tags (set by the receiving device and kept when the tag is pushed
 * back in).
 */
static void ovl_inner_fields(struct sk_buff *skb, struct ovl_inner *in)
{
	__be16 proto = skb_protocol(skb, true);

	memset(in, 0, sizeof(*in));
	if (proto == htons(ETH_P_IP) &&
	    pskb_network_may_pull(skb, sizeof(struct iphdr))) {
		const struct iphdr *iph = ip_hdr(skb);

		in->tos = iph->tos;
		in->ttl = iph->ttl;
		in->df = iph->frag_off & htons(IP_DF);
	} else if (proto == htons(ETH_P_IPV6) &&
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
	p->inner_df = in.df;
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
		/* the ECN bits are no part of the route key */
		.flowlabel = ip6_make_flowinfo(tos & ~INET_ECN_MASK, 0),
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

/* --- path MTU -------------------------------------------------------- */

/*
 * Builds the ICMP "fragmentation needed" (RFC 1191) or ICMPv6 "packet too
 * big" (RFC 8201) answer to a bridged @skb that the path cannot carry,
 * in a new skb that looks as if the inner destination had sent it:
 * addresses and MACs swapped, as much of the offending packet quoted as
 * the minimum MTU allows.  NULL if @skb must not be answered (not DF, an
 * ICMP error itself, a source that cannot be answered).
 */
struct ovl_icmp_reply {
	unsigned int l3len;	/* outer IP + ICMP header */
	unsigned int quote;	/* bytes of the offending packet */
};

static bool ovl_pmtu_reply4(struct sk_buff *skb, unsigned int mtu,
			    struct ovl_icmp_reply *r)
{
	const struct iphdr *iph;
	u8 type, buf;

	if (mtu < 576 || !pskb_network_may_pull(skb, sizeof(*iph)))
		return false;
	iph = ip_hdr(skb);
	/* DF and no fragment: only an unfragmented DF packet is ours to answer */
	if (iph->frag_off != htons(IP_DF) || iph->ihl < 5 ||
	    ipv4_is_multicast(iph->daddr) || ipv4_is_lbcast(iph->daddr) ||
	    ipv4_is_zeronet(iph->saddr) || ipv4_is_loopback(iph->saddr) ||
	    ipv4_is_multicast(iph->saddr) || ipv4_is_lbcast(iph->saddr))
		return false;
	if (iph->protocol == IPPROTO_ICMP) {
		if (skb_copy_bits(skb, skb_network_offset(skb) + iph->ihl * 4,
				  &buf, 1))
			return false;
		type = buf;
		if (icmp_is_err(type))
			return false;
	}
	r->l3len = sizeof(struct iphdr) + sizeof(struct icmphdr);
	r->quote = min_t(unsigned int, skb->len - skb_network_offset(skb),
			 576 - r->l3len);
	return true;
}

static bool ovl_pmtu_reply6(struct sk_buff *skb, unsigned int mtu,
			    struct ovl_icmp_reply *r)
{
	const struct ipv6hdr *ip6h;
	__be16 frag_off;
	int off, stype;
	u8 nexthdr, type;

	if (mtu < IPV6_MIN_MTU ||
	    !pskb_network_may_pull(skb, sizeof(*ip6h)))
		return false;
	ip6h = ipv6_hdr(skb);
	stype = ipv6_addr_type(&ip6h->saddr);
	if (stype == IPV6_ADDR_ANY || (stype & (IPV6_ADDR_MULTICAST |
						IPV6_ADDR_LOOPBACK)) ||
	    ipv6_addr_is_multicast(&ip6h->daddr))
		return false;
	nexthdr = ip6h->nexthdr;
	off = ipv6_skip_exthdr(skb, skb_network_offset(skb) + sizeof(*ip6h),
			       &nexthdr, &frag_off);
	if (off < 0 || (frag_off & htons(~0x7)))
		return false;
	if (nexthdr == IPPROTO_ICMPV6) {
		if (skb_copy_bits(skb, off, &type, 1))
			return false;
		if (icmpv6_is_err(type) || type == NDISC_REDIRECT)
			return false;
	}
	r->l3len = sizeof(struct ipv6hdr) + sizeof(struct icmp6hdr);
	r->quote = min_t(unsigned int, skb->len - skb_network_offset(skb),
			 IPV6_MIN_MTU - r->l3len);
	return true;
}

static void ovl_pmtu_fill4(struct sk_buff *nskb, const struct sk_buff *skb,
			   unsigned int mtu, const struct ovl_icmp_reply *r)
{
	const struct iphdr *oiph = ip_hdr(skb);
	struct icmphdr *icmph = icmp_hdr(nskb);
	struct iphdr *iph = ip_hdr(nskb);
	unsigned int len = sizeof(*icmph) + r->quote;

	memset(icmph, 0, sizeof(*icmph));
	icmph->type = ICMP_DEST_UNREACH;
	icmph->code = ICMP_FRAG_NEEDED;
	icmph->un.frag.mtu = htons(mtu);
	icmph->checksum = csum_fold(csum_partial(icmph, len, 0));

	memset(iph, 0, sizeof(*iph));
	iph->version = 4;
	iph->ihl = 5;
	iph->tot_len = htons(sizeof(*iph) + len);
	iph->frag_off = htons(IP_DF);
	iph->ttl = oiph->ttl;
	iph->protocol = IPPROTO_ICMP;
	iph->saddr = oiph->daddr;
	iph->daddr = oiph->saddr;
	ip_send_check(iph);
}

static void ovl_pmtu_fill6(struct sk_buff *nskb, const struct sk_buff *skb,
			   unsigned int mtu, const struct ovl_icmp_reply *r)
{
	const struct ipv6hdr *oip6h = ipv6_hdr(skb);
	struct icmp6hdr *icmp6h = icmp6_hdr(nskb);
	struct ipv6hdr *ip6h = ipv6_hdr(nskb);
	unsigned int len = sizeof(*icmp6h) + r->quote;

	memset(ip6h, 0, sizeof(*ip6h));
	ip6h->version = 6;
	ip6h->payload_len = htons(len);
	ip6h->nexthdr = IPPROTO_ICMPV6;
	ip6h->hop_limit = oip6h->hop_limit;
	ip6h->saddr = oip6h->daddr;
	ip6h->daddr = oip6h->saddr;

	memset(icmp6h, 0, sizeof(*icmp6h));
	icmp6h->icmp6_type = ICMPV6_PKT_TOOBIG;
	icmp6h->icmp6_mtu = htonl(mtu);
	icmp6h->icmp6_cksum = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, len,
					      IPPROTO_ICMPV6,
					      csum_partial(icmp6h, len, 0));
}

/*
 * Answers a bridged frame too big for the path: a bridge port has no
 * route to report to, so the answer goes back through the device's
 * receive side to the bridge and on to the sending VM.  Only untagged
 * IPv4/IPv6 frames are answered (like the in-tree drivers).
 */
static bool ovl_pmtu_reply(struct ovl_dev *ovl, struct sk_buff *skb,
			   unsigned int mtu)
{
	struct net_device *dev = ovl->dev;
	const struct ethhdr *eth = eth_hdr(skb);
	struct ovl_icmp_reply r;
	struct sk_buff *nskb;
	struct ethhdr *neth;
	bool v4;

	if (skb->protocol == htons(ETH_P_IP))
		v4 = true;
	else if (skb->protocol == htons(ETH_P_IPV6))
		v4 = false;
	else
		return false;
	if (skb_network_offset(skb) != ETH_HLEN ||
	    !(v4 ? ovl_pmtu_reply4(skb, mtu, &r) : ovl_pmtu_reply6(skb, mtu, &r)))
		return false;
	nskb = netdev_alloc_skb_ip_align(dev, ETH_HLEN + r.l3len + r.quote);
	if (!nskb)
		return false;
	skb_put(nskb, ETH_HLEN + r.l3len + r.quote);
	skb_reset_mac_header(nskb);
	skb_set_network_header(nskb, ETH_HLEN);
	skb_set_transport_header(nskb, ETH_HLEN + r.l3len - (v4 ?
				 sizeof(struct icmphdr) : sizeof(struct icmp6hdr)));
	if (skb_copy_bits(skb, skb_network_offset(skb),
			  nskb->data + ETH_HLEN + r.l3len, r.quote)) {
		kfree_skb(nskb);
		return false;
	}
	if (v4)
		ovl_pmtu_fill4(nskb, skb, mtu, &r);
	else
		ovl_pmtu_fill6(nskb, skb, mtu, &r);
	neth = eth_hdr(nskb);
	ether_addr_copy(neth->h_dest, eth->h_source);
	ether_addr_copy(neth->h_source, eth->h_dest);
	neth->h_proto = skb->protocol;
	nskb->protocol = eth_type_trans(nskb, dev);
	nskb->ip_summed = CHECKSUM_NONE;
	if (netif_rx(nskb) == NET_RX_SUCCESS)
		dev_sw_netstats_rx_add(dev, ETH_HLEN + r.l3len + r.quote);
	return true;
}

/*
 * A frame whose encapsulation (@overhead: outer IP and tunnel headers)
 * exceeds the path MTU.  The inner sender learns the MTU it can use: a
 * routed or local sender through its route (like any router's next hop),
 * a bridged one by an ICMP/ICMPv6 error that looks as if it came from the
 * inner destination.  With DF on the outer header the frame cannot be
 * sent at all.  Without it, as with the in-tree drivers
 * (skb_tunnel_check_pmtu()), only a bridged frame whose inner packet
 * forbids fragmenting (IPv4 DF, IPv6) is answered and dropped; everything
 * else goes out in outer fragments.  Outer fragments are the slow path
 * (and a bulk TCP flow of a bridged VM whose MTU exceeds the device's
 * would never leave it); the answer moves the VM's TCP to the right MSS
 * at once.  Per packet this costs what skb_tunnel_check_pmtu() costs: one
 * dst_mtu().
 */
static bool ovl_too_big(struct ovl_dev *ovl, struct sk_buff *skb,
			const struct dst_entry *dst, unsigned int overhead,
			const struct ovl_outer_params *p)
{
	unsigned int mtu;

	mtu = dst_mtu(dst);
	if (likely(skb->len + overhead <= mtu))
		return false;
	/* the inner IP packet's MTU: outer headers and inner Ethernet off */
	mtu = mtu > overhead + ETH_HLEN ? mtu - overhead - ETH_HLEN : 0;
	if (skb_is_gso(skb) && skb_gso_validate_network_len(skb, mtu))
		return false;
	skb_dst_update_pmtu_no_confirm(skb, mtu);
	/*
	 * An external device's answer would come back without tunnel
	 * metadata, into the bridge port's PVID: another tenant's VLAN.
	 * It does not answer, it treats the frame as a routed one's.
	 */
	switch (ovl_pmtu_action(p->df, p->inner_df,
				netif_is_any_bridge_port(ovl->dev) &&
				!ovl->ext)) {
	case OVL_PMTU_SEND:
		return false;
	case OVL_PMTU_ANSWER_OR_SEND:
		return ovl_pmtu_reply(ovl, skb, mtu);
	case OVL_PMTU_ANSWER:
		ovl_pmtu_reply(ovl, skb, mtu);
		return true;
	case OVL_PMTU_DROP:
	default:
		return true;
	}
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
	if (ovl_too_big(ovl, skb, &rt->dst, overhead, p)) {
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
	if (ovl_too_big(ovl, skb, dst, overhead, p)) {
		dst_release(dst);
		ovl_tx_error(ovl, skb, OVL_CNT_TX_TOO_BIG);
		return NULL;
	}
	return dst;
}

/* --- ndo_start_xmit ---------------------------------------------------- */

/* Token bucket: @bumlimit packets per second, a second's worth of burst. */
static bool ovl_bum_allowed(struct ovl_bum_limiter *b,
			    const struct ovl_cfg *cfg)
{
	u64 cost = HZ, cap = (u64)cfg->bumlimit * HZ;
	unsigned long now = jiffies;
	bool ok;

	if (!cfg->bumlimit)
		return true;
	/* b->lock is taken without _bh: xmit runs with BHs off */
	lockdep_assert_in_softirq();
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

/*
 * Sends @skb by @fdb: to the entry of its destination MAC, else to the
 * flood list within @bum's budget.  Under RCU; consumes @skb.
 */
void ovl_xmit_fdb(struct ovl_dev *ovl, const struct ovl_cfg *cfg,
		  struct ovl_fdb *fdb, struct ovl_bum_limiter *bum,
		  struct sk_buff *skb)
{
	const struct ethhdr *eth = eth_hdr(skb);
	struct ovl_fdb_entry *e = NULL;

	if (!is_multicast_ether_addr(eth->h_dest))
		e = ovl_fdb_lookup(fdb, eth->h_dest);
	if (e) {
		unsigned long now = jiffies;

		/* dirty the cache line at most once a tick */
		if (READ_ONCE(e->used) != now)
			WRITE_ONCE(e->used, now);
	} else {
		if (cfg->l2miss && !is_multicast_ether_addr(eth->h_dest))
			ovl_fdb_notify_miss(ovl, eth->h_dest);
		if (!ovl_bum_allowed(bum, cfg)) {
			ovl_count(ovl->counters, OVL_CNT_TX_BUM_LIMITED);
			dev_core_stats_tx_dropped_inc(ovl->dev);
			kfree_skb(skb);
			return;
		}
		e = ovl_fdb_lookup(fdb, ovl_flood_mac);
		if (!e) {
			ovl_tx_error(ovl, skb, OVL_CNT_TX_NO_DEST);
			return;
		}
	}
	ovl_xmit_dests(ovl, cfg, skb, e);
}

netdev_tx_t ovl_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct ovl_dev *ovl = netdev_priv(dev);
	const struct ovl_cfg *cfg;

	rcu_read_lock();
	cfg = rcu_dereference(ovl->cfg);
	if (!pskb_may_pull(skb, ETH_HLEN)) {
		ovl_tx_error(ovl, skb, OVL_CNT_TX_NO_DEST);
		goto out;
	}
	skb_reset_mac_header(skb);
	if (ovl->ext) {
		ovl_ext_xmit(ovl, cfg, skb);
		goto out;
	}
	if (cfg->proxy && ovl_proxy_reply(ovl, cfg, skb))
		goto out;
	/* proxy may have pulled the header: eth_hdr() is read afresh */
	ovl_xmit_fdb(ovl, cfg, &ovl->fdb, &ovl->bum, skb);
out:
	rcu_read_unlock();
	return NETDEV_TX_OK;
}
