// SPDX-License-Identifier: GPL-2.0
/*
 * Receive path.  Both kinds end in ovl_deliver(): the outer header has
 * been parsed into struct ovl_outer and pulled, skb->data is the inner
 * Ethernet header, and the device is the one that owns the tenant ID.
 * No other device is ever considered, so no frame crosses tenants.
 */

#include "receive.h"
#include "device.h"
#include "proto.h"
#include "socket.h"

#include <linux/etherdevice.h>
#include <net/gro.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ip_tunnels.h>
#include <net/ipv6.h>
#include <net/udp.h>

struct ovl_outer {
	struct ovl_addr src;
	struct ovl_addr dst;		/* unspecified for multicast */
	u8 tos;
};

static void ovl_outer_parse(const struct sk_buff *skb, struct ovl_outer *o)
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

static void ovl_rx_drop(struct ovl_counters __percpu *c, struct net_device *dev,
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
static void ovl_deliver(struct ovl_dev *ovl, struct sk_buff *skb,
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

static bool ovl_rx_ready(struct ovl_dev *ovl)
{
	return netif_running(ovl->dev);
}

/* --- VXLAN --------------------------------------------------------- */

/* UDP encap_rcv: always consumes the datagram (returns 0). */
int ovl_vxlan_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct ovl_sock *os = rcu_dereference_sk_user_data(sk);
	struct ovl_vxlanhdr *vh;
	enum ovl_parse_result res;
	struct ovl_outer o;
	struct ovl_dev *ovl;
	u32 vni;

	if (!os)
		goto drop;
	if (!pskb_may_pull(skb, OVL_VXLAN_HLEN)) {
		ovl_rx_drop(os->on->counters, NULL, skb, OVL_CNT_RX_RUNT);
		return 0;
	}
	vh = (struct ovl_vxlanhdr *)(udp_hdr(skb) + 1);
	res = ovl_vxlan_parse(vh, &vni);
	if (res != OVL_PARSE_OK)
		vni = be32_to_cpu(vh->vni) >> 8;	/* blame the owner */
	ovl_outer_parse(skb, &o);
	ovl = ovl_find_by_id(os->on, OVL_KIND_VXLAN, (__force u16)os->port,
			     vni, os->family, &o.dst);
	if (!ovl || !ovl_rx_ready(ovl)) {
		ovl_rx_drop(os->on->counters, NULL, skb,
			    res == OVL_PARSE_OK ? OVL_CNT_RX_UNKNOWN_ID
						: OVL_CNT_RX_BAD_HEADER);
		return 0;
	}
	if (res != OVL_PARSE_OK) {
		ovl_rx_drop(ovl->counters, ovl->dev, skb, OVL_CNT_RX_BAD_HEADER);
		return 0;
	}
	if (skb->len < OVL_VXLAN_HLEN + ETH_HLEN ||
	    iptunnel_pull_header(skb, OVL_VXLAN_HLEN, htons(ETH_P_TEB),
				 !net_eq(ovl->net, dev_net(ovl->dev)))) {
		ovl_rx_drop(ovl->counters, ovl->dev, skb, OVL_CNT_RX_RUNT);
		return 0;
	}
	ovl_deliver(ovl, skb, &o);
	return 0;
drop:
	kfree_skb(skb);
	return 0;
}

/*
 * GRO: packets of one VNI merge when the inner Ethernet flows do; the
 * VXLAN header itself must be identical.
 */
struct sk_buff *ovl_vxlan_gro_receive(struct sock *sk, struct list_head *head,
				      struct sk_buff *skb)
{
	unsigned int off = skb_gro_offset(skb);
	const struct ovl_vxlanhdr *vh, *vh2;
	struct sk_buff *pp = NULL, *p;
	int flush = 1;

	vh = skb_gro_header(skb, off + sizeof(*vh), off);
	if (!vh)
		goto out;
	if (vh->flags != OVL_VXLAN_FLAG_I)
		goto out;
	skb_gro_postpull_rcsum(skb, vh, sizeof(*vh));

	list_for_each_entry(p, head, list) {
		if (!NAPI_GRO_CB(p)->same_flow)
			continue;
		vh2 = (const struct ovl_vxlanhdr *)(p->data + off);
		if (vh->flags != vh2->flags || vh->vni != vh2->vni)
			NAPI_GRO_CB(p)->same_flow = 0;
	}
	skb_gro_pull(skb, sizeof(*vh));
	pp = call_gro_receive(eth_gro_receive, head, skb);
	flush = 0;
out:
	skb_gro_flush_final(skb, pp, flush);
	return pp;
}

int ovl_vxlan_gro_complete(struct sock *sk, struct sk_buff *skb, int nhoff)
{
	return eth_gro_complete(skb, nhoff + sizeof(struct ovl_vxlanhdr));
}

/* --- GRE --------------------------------------------------------------- */

static struct ovl_dev *ovl_gre_owner(struct ovl_net *on, u32 key,
				     sa_family_t family,
				     const struct ovl_addr *local)
{
	struct ovl_dev *ovl;

	ovl = ovl_find_by_id(on, OVL_KIND_GRE, 0, key, family, local);
	if (!ovl)
		ovl = ovl_find_by_id(on, OVL_KIND_GRE, 1, ovl_nvgre_vsid(key),
				     family, local);
	return ovl;
}

/*
 * @off is the GRE header's offset from skb->data (the network header).
 * NF_ACCEPT hands the packet back to the kernel's own GRE stack.
 */
static unsigned int ovl_gre_rcv(struct net *net, struct sk_buff *skb,
				unsigned int off, sa_family_t family)
{
	struct ovl_net *on = ovl_net(net);
	u8 buf[OVL_GRE_MAX_HLEN];
	enum ovl_parse_result res;
	struct ovl_gre_info gi;
	struct ovl_outer o;
	struct ovl_dev *ovl;
	unsigned int avail;
	const u8 *hdr;

	avail = min_t(unsigned int, skb->len - off, sizeof(buf));
	hdr = skb_header_pointer(skb, off, avail, buf);
	if (!hdr)
		return NF_ACCEPT;
	res = ovl_gre_parse(hdr, avail, &gi);
	if (res == OVL_PARSE_NOT_OURS)
		return NF_ACCEPT;
	if (res != OVL_PARSE_OK) {
		/* Ethernet-with-key GRE that nobody can parse */
		ovl_rx_drop(on->counters, NULL, skb,
			    res == OVL_PARSE_RUNT ? OVL_CNT_RX_RUNT
						  : OVL_CNT_RX_BAD_HEADER);
		return NF_STOLEN;
	}

	ovl_outer_parse(skb, &o);
	ovl = ovl_gre_owner(on, gi.key, family, &o.dst);
	if (!ovl)
		return NF_ACCEPT;	/* maybe an in-tree gretap's key */
	if (!ovl_rx_ready(ovl)) {
		ovl_rx_drop(ovl->counters, NULL, skb, OVL_CNT_RX_UNKNOWN_ID);
		return NF_STOLEN;
	}
	if (!pskb_may_pull(skb, off + gi.hlen + ETH_HLEN) ||
	    !skb_pull_rcsum(skb, off)) {
		ovl_rx_drop(ovl->counters, ovl->dev, skb, OVL_CNT_RX_RUNT);
		return NF_STOLEN;
	}
	/*
	 * skb->data is the GRE header.  A checksum that is still
	 * CHECKSUM_PARTIAL (a local sender over veth) counts as valid, as in
	 * the kernel's own GRE; GRO checked each merged segment already.
	 */
	if (gi.csum && !skb_is_gso(skb) && skb_checksum_simple_validate(skb)) {
		ovl_rx_drop(ovl->counters, ovl->dev, skb, OVL_CNT_RX_BAD_CSUM);
		return NF_STOLEN;
	}
	if (iptunnel_pull_header(skb, gi.hlen, htons(ETH_P_TEB),
				 !net_eq(ovl->net, dev_net(ovl->dev)))) {
		ovl_rx_drop(ovl->counters, ovl->dev, skb, OVL_CNT_RX_RUNT);
		return NF_STOLEN;
	}
	ovl_deliver(ovl, skb, &o);
	return NF_STOLEN;
}

unsigned int ovl_gre_hook4(void *priv, struct sk_buff *skb,
			   const struct nf_hook_state *state)
{
	const struct iphdr *iph = ip_hdr(skb);

	if (iph->protocol != IPPROTO_GRE || ip_is_fragment(iph))
		return NF_ACCEPT;
	return ovl_gre_rcv(state->net, skb, skb_network_offset(skb) +
			   ip_hdrlen(skb), AF_INET);
}

unsigned int ovl_gre_hook6(void *priv, struct sk_buff *skb,
			   const struct nf_hook_state *state)
{
	unsigned int thoff = skb_network_offset(skb) + sizeof(struct ipv6hdr);
	u8 nexthdr = ipv6_hdr(skb)->nexthdr;
	__be16 frag_off;
	int off;

	off = ipv6_skip_exthdr(skb, thoff, &nexthdr, &frag_off);
	if (off < 0 || nexthdr != IPPROTO_GRE || frag_off)
		return NF_ACCEPT;
	return ovl_gre_rcv(state->net, skb, off, AF_INET6);
}
