// SPDX-License-Identifier: GPL-2.0
/*
 * Receive, shared by both kinds.  The kinds' decapsulation (vxlan.c,
 * gre.c) ends in ovl_rx_accept(): the outer header has been parsed into
 * struct ovl_outer and pulled, skb->data is the inner Ethernet header,
 * and the device is the one that owns the tenant ID.  No other device is
 * ever considered, so no frame crosses tenants.  VXLAN then delivers
 * through the device's gro_cells (ovl_deliver()); GRE, already in the
 * NAPI poll of ip_gre's receive device, hands the frame back to the core
 * for another round as the ovl-gre device's (gre.c).
 */

#include "receive.h"
#include "device.h"
#include "external.h"
#include "proto.h"

#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ip_tunnels.h>
#include <net/ipv6.h>

void ovl_outer_parse(const struct sk_buff *skb, struct ovl_outer *o)
{
	memset(o, 0, sizeof(*o));
	if (ip_hdr(skb)->version == 4) {
		const struct iphdr *iph = ip_hdr(skb);

		o->src.family = AF_INET;
		o->src.ip4 = iph->saddr;
		o->tos = iph->tos;
		o->dst.family = AF_INET;
		o->dst.ip4 = iph->daddr;
	} else {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);

		o->src.family = AF_INET6;
		o->src.ip6 = ip6h->saddr;
		o->tos = ipv6_get_dsfield(ip6h);
		o->dst.family = AF_INET6;
		o->dst.ip6 = ip6h->daddr;
	}
}

void ovl_rx_drop(struct ovl_counters __percpu *c, struct net_device *dev,
		 struct sk_buff *skb, enum ovl_counter why)
{
	ovl_count(c, why);
	if (dev) {
		dev_core_stats_rx_dropped_inc(dev);
		if (why != OVL_CNT_RX_NOT_REMOTE && why != OVL_CNT_RX_LOOP)
			DEV_STATS_INC(dev, rx_errors);
	}
	kfree_skb(skb);
}

static void ovl_learn(struct ovl_dev *ovl, struct ovl_fdb *fdb, u32 id,
		      const struct ovl_cfg *cfg, const u8 *mac,
		      const struct ovl_outer *o)
{
	struct ovl_remote_key key = {};

	/* ovl_fdb_learn() takes fdb->lock without _bh: BHs must be off */
	lockdep_assert_in_softirq();
	key.ip = o->src;
	key.port = ovl->kind->id == OVL_KIND_VXLAN ? cfg->port : 0;
	key.id = id;
	switch (ovl_fdb_learn(fdb, mac, &key, jiffies)) {
	case OVL_LEARN_NEW:
	case OVL_LEARN_MOVED:
		ovl_count(ovl->counters, OVL_CNT_LEARNED);
		break;
	case OVL_LEARN_FULL:
		ovl_count(ovl->counters, OVL_CNT_LEARN_REFUSED);
		break;
	case OVL_LEARN_BLOCKED:
		ovl_count(ovl->counters, OVL_CNT_LEARN_BLOCKED);
		break;
	default:
		break;
	}
}

/*
 * The inner IP header behind @skb->data (after the Ethernet header, and
 * any VLAN tags of a trunked VM): its offset from skb->data, and its
 * EtherType in @proto; -1 if the frame carries no IP.
 */
static int ovl_inner_ip(struct sk_buff *skb, __be16 *proto)
{
	__be16 type = skb->protocol;
	struct vlan_hdr _vh;
	const struct vlan_hdr *vh;
	int off = 0, depth;

	for (depth = 0; eth_type_vlan(type) && depth < 4; depth++) {
		vh = skb_header_pointer(skb, off, sizeof(_vh), &_vh);
		if (!vh)
			return -1;
		type = vh->h_vlan_encapsulated_proto;
		off += VLAN_HLEN;
	}
	*proto = type;
	if (type == htons(ETH_P_IP))
		return pskb_may_pull(skb, off + sizeof(struct iphdr)) ? off : -1;
	if (type == htons(ETH_P_IPV6))
		return pskb_may_pull(skb, off + sizeof(struct ipv6hdr)) ? off : -1;
	return -1;
}

/*
 * RFC 6040 decapsulation: the outer ECN field @outer onto the inner IP
 * header.  False if the packet must be dropped (CE on Not-ECT).  The
 * header is only written (made private first) when it changes.
 */
static bool ovl_ecn_decapsulate(struct sk_buff *skb, u8 outer)
{
	enum ovl_ecn_action act;
	__be16 proto;
	u8 *l3, inner;
	int off;

	if (!(outer & INET_ECN_MASK))
		return true;		/* Not-ECT outer: nothing to do */
	off = ovl_inner_ip(skb, &proto);
	if (off < 0)
		return true;
	l3 = skb->data + off;
	inner = proto == htons(ETH_P_IP) ? ((struct iphdr *)l3)->tos
					 : ipv6_get_dsfield((struct ipv6hdr *)l3);
	act = ovl_ecn_decap(outer, inner);
	if (act == OVL_ECN_KEEP)
		return true;
	if (act == OVL_ECN_DROP)
		return false;
	if (skb_ensure_writable(skb, off + (proto == htons(ETH_P_IP) ?
					    sizeof(struct iphdr) :
					    sizeof(struct ipv6hdr))))
		return true;
	l3 = skb->data + off;
	if (proto == htons(ETH_P_IP)) {
		if (act == OVL_ECN_SET_CE)
			IP_ECN_set_ce((struct iphdr *)l3);
		else
			IP_ECN_set_ect1((struct iphdr *)l3);
	} else {
		if (act == OVL_ECN_SET_CE)
			IP6_ECN_set_ce(skb, (struct ipv6hdr *)l3);
		else
			IP6_ECN_set_ect1(skb, (struct ipv6hdr *)l3);
	}
	return true;
}

/* A drop in ovl_rx_accept(): the device's counters, and the VNI's. */
static void ovl_rx_accept_drop(struct ovl_dev *ovl, struct ovl_vni *v,
			       struct sk_buff *skb, enum ovl_counter why)
{
	if (v)
		ovl_vni_count(v, OVL_VNI_RX_DROPPED, 1);
	ovl_rx_drop(ovl->counters, ovl->dev, skb, why);
}

/*
 * @skb->data is the inner Ethernet header.  The checks every frame must
 * pass, learning, then the frame made @ovl's own: eth_type_trans() (so
 * skb->dev is ovl->dev and skb->data the inner network header) and RFC
 * 6040.  False if @skb was dropped (counted and freed).  @v is the VNI
 * of an external device (its FDB learns), NULL for the others.
 */
bool ovl_rx_accept(struct ovl_dev *ovl, struct ovl_vni *v,
		   struct sk_buff *skb, const struct ovl_outer *o)
{
	const struct ovl_cfg *cfg = rcu_dereference(ovl->cfg);
	struct ovl_fdb *fdb = v ? &v->fdb : &ovl->fdb;
	struct net_device *dev = ovl->dev;
	const struct ethhdr *eth;

	if (!pskb_may_pull(skb, ETH_HLEN)) {
		ovl_rx_accept_drop(ovl, v, skb, OVL_CNT_RX_RUNT);
		return false;
	}
	skb_reset_mac_header(skb);
	eth = eth_hdr(skb);
	if (!is_valid_ether_addr(eth->h_source)) {
		ovl_rx_accept_drop(ovl, v, skb, OVL_CNT_RX_BAD_HEADER);
		return false;
	}
	/* our own frame: bridged back, or our multicast echoed by the underlay */
	if (ether_addr_equal(eth->h_source, dev->dev_addr) ||
	    ovl_addr_equal(&o->src, &cfg->local)) {
		ovl_rx_accept_drop(ovl, v, skb, OVL_CNT_RX_LOOP);
		return false;
	}
	if (cfg->remotes_only && !ovl_fdb_knows_remote(fdb, &o->src)) {
		ovl_rx_accept_drop(ovl, v, skb, OVL_CNT_RX_NOT_REMOTE);
		return false;
	}
	if (cfg->learning)
		ovl_learn(ovl, fdb, v ? v->vni : cfg->id, cfg, eth->h_source,
			  o);

	skb->protocol = eth_type_trans(skb, dev);
	skb_postpull_rcsum(skb, eth_hdr(skb), ETH_HLEN);
	skb_reset_network_header(skb);
	if (!ovl_ecn_decapsulate(skb, o->tos)) {
		ovl_rx_accept_drop(ovl, v, skb, OVL_CNT_RX_ECN_ERRORS);
		return false;
	}
	return true;
}

/* A frame of @len bytes (Ethernet header included) received by @ovl. */
void ovl_rx_count(struct ovl_dev *ovl, struct ovl_vni *v, unsigned int len)
{
	dev_sw_netstats_rx_add(ovl->dev, len);
	if (v) {
		ovl_vni_count(v, OVL_VNI_RX_PACKETS, 1);
		ovl_vni_count(v, OVL_VNI_RX_BYTES, len);
	}
}

/*
 * ovl_rx_accept(), then up through @ovl's gro_cells: for a receive that is
 * not in a NAPI poll of its own (a UDP encap_rcv).  Consumes @skb.
 */
void ovl_deliver(struct ovl_dev *ovl, struct ovl_vni *v, struct sk_buff *skb,
		 const struct ovl_outer *o)
{
	unsigned int len;

	if (!ovl_rx_accept(ovl, v, skb, o))
		return;
	len = skb->len + ETH_HLEN;
	if (gro_cells_receive(&ovl->gro_cells, skb) == NET_RX_SUCCESS)
		ovl_rx_count(ovl, v, len);
	else if (v)
		ovl_vni_count(v, OVL_VNI_RX_DROPPED, 1);
}
