// SPDX-License-Identifier: GPL-2.0
/*
 * ovl-gre: Ethernet over GRE with a key (RFC 2890), or NVGRE (RFC 7637:
 * 24-bit VSID, 8-bit FlowID).  Transmit pushes the GRE header and sends
 * through the IP tunnel helpers.
 *
 * Receive: the kernel's GRE demultiplexer has one slot per GRE version,
 * owned by ip_gre when it is loaded.  Rather than fight over it, ovl-gre
 * looks at GRE packets in netfilter's LOCAL_IN (after defragmentation,
 * for IPv6 netfilter's own, and the filter table) and steals only those
 * whose key one of its devices owns; everything else continues to
 * ip_gre, whatever the load order.
 */

#include "device.h"
#include "proto.h"
#include "receive.h"
#include "send.h"

#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/ip.h>
#include <net/ip6_tunnel.h>
#include <net/ip_tunnels.h>
#include <net/ipv6.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>

/* --- transmit --------------------------------------------------------- */

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

/* --- receive ---------------------------------------------------------- */

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

static unsigned int ovl_gre_hook4(void *priv, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	const struct iphdr *iph = ip_hdr(skb);

	if (iph->protocol != IPPROTO_GRE || ip_is_fragment(iph))
		return NF_ACCEPT;
	return ovl_gre_rcv(state->net, skb, skb_network_offset(skb) +
			   ip_hdrlen(skb), AF_INET);
}

static unsigned int ovl_gre_hook6(void *priv, struct sk_buff *skb,
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

static const struct nf_hook_ops ovl_gre_hook_ops[] = {
	{
		.hook = ovl_gre_hook4,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP_PRI_FILTER + 1,
	},
	{
		.hook = ovl_gre_hook6,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP6_PRI_FILTER + 1,
	},
};

/*
 * IPv6 reassembles fragments only after LOCAL_IN (IPv4 before it), so
 * without netfilter's IPv6 defragmentation a fragmented GRE packet would
 * never reach ovl_gre_hook6 whole.
 */
static int ovl_gre_defrag6_enable(struct net *net)
{
	return IS_ENABLED(CONFIG_NF_DEFRAG_IPV6) ? nf_defrag_ipv6_enable(net) : 0;
}

static void ovl_gre_defrag6_disable(struct net *net)
{
	if (IS_ENABLED(CONFIG_NF_DEFRAG_IPV6))
		nf_defrag_ipv6_disable(net);
}

/* Called at creation (RTNL): ovl-gre needs the hook in its underlay. */
static int ovl_gre_attach(struct ovl_dev *ovl)
{
	struct ovl_net *on = ovl_net(ovl->net);
	int err;

	if (!on->gre_users) {
		err = ovl_gre_defrag6_enable(on->net);
		if (err)
			return err;
		err = nf_register_net_hooks(on->net, ovl_gre_hook_ops,
					    ARRAY_SIZE(ovl_gre_hook_ops));
		if (err) {
			ovl_gre_defrag6_disable(on->net);
			return err;
		}
	}
	on->gre_users++;
	return 0;
}

static void ovl_gre_detach(struct ovl_dev *ovl)
{
	struct ovl_net *on = ovl_net(ovl->net);

	if (!--on->gre_users) {
		nf_unregister_net_hooks(on->net, ovl_gre_hook_ops,
					ARRAY_SIZE(ovl_gre_hook_ops));
		ovl_gre_defrag6_disable(on->net);
	}
}

const struct ovl_kind ovl_gre_kind = {
	.id		= OVL_KIND_GRE,
	.name		= OVL_GRE_KIND,
	.overhead	= ovl_gre_overhead,
	.attach		= ovl_gre_attach,
	.detach		= ovl_gre_detach,
	.xmit		= ovl_gre_xmit,
};
