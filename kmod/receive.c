// SPDX-License-Identifier: GPL-2.0
/*
 * Receive, shared by both kinds.  The kinds' decapsulation (vxlan.c,
 * gre.c) ends in ovl_deliver(): the outer header has been parsed into
 * struct ovl_outer and pulled, skb->data is the inner Ethernet header,
 * and the device is the one that owns the tenant ID.  No other device is
 * ever considered, so no frame crosses tenants.
 */

#include "receive.h"
#include "device.h"
#include "proto.h"

#include <linux/etherdevice.h>
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
		if (!ipv4_is_multicast(iph->daddr)) {
			o->dst.family = AF_INET;
			o->dst.ip4 = iph->daddr;
		}
	} else {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);

		o->src.family = AF_INET6;
		o->src.ip6 = ip6h->saddr;
		o->tos = ipv6_get_dsfield(ip6h);
		if (!ipv6_addr_is_multicast(&ip6h->daddr)) {
			o->dst.family = AF_INET6;
			o->dst.ip6 = ip6h->daddr;
		}
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

static void ovl_learn(struct ovl_dev *ovl, const struct ovl_cfg *cfg,
		      const u8 *mac, const struct ovl_outer *o)
{
	struct ovl_remote_key key = {};

	key.ip = o->src;
	key.port = ovl->kind->id == OVL_KIND_VXLAN ? cfg->port : 0;
	key.id = cfg->id;
	switch (ovl_fdb_learn(&ovl->fdb, mac, &key, jiffies)) {
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

/* @skb->data is the inner Ethernet header; consumes @skb. */
void ovl_deliver(struct ovl_dev *ovl, struct sk_buff *skb,
		 const struct ovl_outer *o)
{
	const struct ovl_cfg *cfg = rcu_dereference(ovl->cfg);
	struct net_device *dev = ovl->dev;
	const struct ethhdr *eth;
	unsigned int len;

	if (!pskb_may_pull(skb, ETH_HLEN)) {
		ovl_rx_drop(ovl->counters, dev, skb, OVL_CNT_RX_RUNT);
		return;
	}
	skb_reset_mac_header(skb);
	eth = eth_hdr(skb);
	if (!is_valid_ether_addr(eth->h_source)) {
		ovl_rx_drop(ovl->counters, dev, skb, OVL_CNT_RX_BAD_HEADER);
		return;
	}
	/* our own frame: bridged back, or our multicast echoed by the underlay */
	if (ether_addr_equal(eth->h_source, dev->dev_addr) ||
	    ovl_addr_equal(&o->src, &cfg->local)) {
		ovl_rx_drop(ovl->counters, dev, skb, OVL_CNT_RX_LOOP);
		return;
	}
	if (cfg->remotes_only && !ovl_fdb_knows_remote(&ovl->fdb, &o->src)) {
		ovl_rx_drop(ovl->counters, dev, skb, OVL_CNT_RX_NOT_REMOTE);
		return;
	}
	if (cfg->learning)
		ovl_learn(ovl, cfg, eth->h_source, o);

	skb->protocol = eth_type_trans(skb, dev);
	skb_postpull_rcsum(skb, eth_hdr(skb), ETH_HLEN);
	skb_reset_network_header(skb);
	if (INET_ECN_is_ce(o->tos))
		INET_ECN_set_ce(skb);

	len = skb->len;
	if (gro_cells_receive(&ovl->gro_cells, skb) == NET_RX_SUCCESS)
		dev_sw_netstats_rx_add(dev, len + ETH_HLEN);
}
