// SPDX-License-Identifier: GPL-2.0
/*
 * ARP and ND suppression (`proxy`): when the device's own neighbour table
 * knows the target, answer locally instead of flooding the request to
 * every VTEP; on a miss with `l3miss`, tell the control plane.
 *
 * Duplicate address detection (a solicitation from ::) is never answered:
 * only the real owner of the address may defend it.
 */

#include "proxy.h"
#include "device.h"
#include "fdb.h"
#include "fdb_netlink.h"

#include <linux/if_arp.h>
#include <linux/ipv6.h>
#include <net/arp.h>
#include <net/ip6_checksum.h>
#include <net/ipv6_stubs.h>
#include <net/ndisc.h>
#include <net/neighbour.h>

/*
 * Is @addr a known, usable neighbour of @dev?  If so, copy its link-layer
 * address (consistently, under the entry's seqlock) and flags.
 */
static bool ovl_neigh_known(struct neigh_table *tbl, const void *addr,
			    struct net_device *dev, u8 *ha, u8 *flags)
{
	struct neighbour *n = neigh_lookup(tbl, addr, dev);
	bool known;

	if (!n)
		return false;
	known = READ_ONCE(n->nud_state) & NUD_CONNECTED;
	if (known) {
		neigh_ha_snapshot(ha, n, dev);
		*flags = READ_ONCE(n->flags);
	}
	neigh_release(n);
	return known;
}

/* Hands a locally built answer to the stack as if the VTEP had sent it. */
static void ovl_proxy_deliver(struct ovl_dev *ovl, struct sk_buff *reply)
{
	struct net_device *dev = ovl->dev;

	reply->ip_summed = CHECKSUM_UNNECESSARY;
	reply->pkt_type = PACKET_HOST;
	if (netif_rx(reply) == NET_RX_SUCCESS) {
		dev_sw_netstats_rx_add(dev, reply->len);
		ovl_count(ovl->counters, OVL_CNT_TX_PROXY_REPLIES);
	}
}

/* --- ARP ----------------------------------------------------------------- */

struct ovl_arp_req {
	const u8 *sha;
	__be32 sip;
	__be32 tip;
};

static bool ovl_arp_parse(struct net_device *dev, struct sk_buff *skb,
			  struct ovl_arp_req *req)
{
	const struct arphdr *arp;
	const u8 *p;

	if (!pskb_may_pull(skb, ETH_HLEN + arp_hdr_len(dev)))
		return false;
	arp = (const struct arphdr *)(skb_mac_header(skb) + ETH_HLEN);
	if (arp->ar_hrd != htons(ARPHRD_ETHER) ||
	    arp->ar_pro != htons(ETH_P_IP) ||
	    arp->ar_op != htons(ARPOP_REQUEST) ||
	    arp->ar_hln != dev->addr_len || arp->ar_pln != 4)
		return false;
	p = (const u8 *)(arp + 1);
	req->sha = p;
	memcpy(&req->sip, p + dev->addr_len, 4);
	memcpy(&req->tip, p + 2 * dev->addr_len + 4, 4);
	return !ipv4_is_loopback(req->tip) && !ipv4_is_multicast(req->tip);
}

static bool ovl_arp_reply(struct ovl_dev *ovl, const struct ovl_cfg *cfg,
			  struct sk_buff *skb)
{
	struct net_device *dev = ovl->dev;
	struct ovl_arp_req req;
	struct sk_buff *reply;
	u8 ha[MAX_ADDR_LEN];
	u8 flags;

	if (!ovl_arp_parse(dev, skb, &req))
		return false;
	if (!ovl_neigh_known(&arp_tbl, &req.tip, dev, ha, &flags)) {
		if (cfg->l3miss) {
			struct ovl_addr ip = { .family = AF_INET, .ip4 = req.tip };

			ovl_fdb_notify_l3miss(ovl, &ip);
		}
		return false;
	}
	reply = arp_create(ARPOP_REPLY, ETH_P_ARP, req.sip, dev, req.tip,
			   req.sha, ha, req.sha);
	if (!reply)
		return false;

	skb_reset_mac_header(reply);
	__skb_pull(reply, skb_network_offset(reply));
	ovl_proxy_deliver(ovl, reply);
	consume_skb(skb);
	return true;
}

/* --- IPv6 neighbour discovery ---------------------------------------------- */

/*
 * @frame: Ethernet frame of @len linear bytes.  Accepts a neighbour
 * solicitation as RFC 4861 7.1.1 validates it (hop limit 255, code 0,
 * well-formed options), from a unicast source, for a unicast target.
 */
bool ovl_ns_parse(const u8 *frame, unsigned int len, struct ovl_ns_req *req)
{
	const struct ethhdr *eth = (const struct ethhdr *)frame;
	const struct ipv6hdr *ip6;
	const struct nd_msg *ns;
	const u8 *opt, *end;
	unsigned int plen;

	if (len < ETH_HLEN + sizeof(*ip6) + sizeof(*ns) ||
	    eth->h_proto != htons(ETH_P_IPV6))
		return false;
	ip6 = (const struct ipv6hdr *)(frame + ETH_HLEN);
	plen = ntohs(ip6->payload_len);
	if (ip6->version != 6 || ip6->nexthdr != IPPROTO_ICMPV6 ||
	    ip6->hop_limit != 255 || plen < sizeof(*ns) ||
	    plen > len - ETH_HLEN - sizeof(*ip6))
		return false;
	ns = (const struct nd_msg *)(ip6 + 1);
	if (ns->icmph.icmp6_type != NDISC_NEIGHBOUR_SOLICITATION ||
	    ns->icmph.icmp6_code)
		return false;
	if (ipv6_addr_any(&ip6->saddr) || ipv6_addr_is_multicast(&ip6->saddr) ||
	    ipv6_addr_is_multicast(&ns->target) ||
	    ipv6_addr_loopback(&ns->target))
		return false;

	ether_addr_copy(req->lladdr, eth->h_source);
	end = (const u8 *)ns + plen;
	for (opt = ns->opt; opt < end; opt += opt[1] * 8) {
		if (end - opt < 2 || !opt[1] || opt[1] * 8 > end - opt)
			return false;
		if (opt[0] != ND_OPT_SOURCE_LL_ADDR)
			continue;
		if (opt[1] * 8 < 2 + ETH_ALEN)
			return false;
		memcpy(req->lladdr, opt + 2, ETH_ALEN);
	}
	if (!is_valid_ether_addr(req->lladdr))
		return false;
	req->saddr = ip6->saddr;
	req->target = ns->target;
	return true;
}

/* Writes OVL_NA_LEN bytes: the solicited advertisement answering @req. */
void ovl_na_build(u8 *frame, const struct ovl_ns_req *req,
		  const u8 *target_lladdr, bool router)
{
	struct ethhdr *eth = (struct ethhdr *)frame;
	struct ipv6hdr *ip6 = (struct ipv6hdr *)(frame + ETH_HLEN);
	struct nd_msg *na = (struct nd_msg *)(ip6 + 1);
	unsigned int plen = sizeof(*na) + 8;

	BUILD_BUG_ON(ETH_HLEN + sizeof(*ip6) + sizeof(*na) + 8 != OVL_NA_LEN);
	memset(frame, 0, OVL_NA_LEN);
	memcpy(eth->h_dest, req->lladdr, ETH_ALEN);
	memcpy(eth->h_source, target_lladdr, ETH_ALEN);
	eth->h_proto = htons(ETH_P_IPV6);

	ip6->version = 6;
	ip6->payload_len = htons(plen);
	ip6->nexthdr = IPPROTO_ICMPV6;
	ip6->hop_limit = 255;
	ip6->saddr = req->target;
	ip6->daddr = req->saddr;

	na->icmph.icmp6_type = NDISC_NEIGHBOUR_ADVERTISEMENT;
	na->icmph.icmp6_router = router;
	na->icmph.icmp6_solicited = 1;
	na->icmph.icmp6_override = 1;
	na->target = req->target;
	na->opt[0] = ND_OPT_TARGET_LL_ADDR;
	na->opt[1] = 1;				/* in units of 8 octets */
	memcpy(&na->opt[2], target_lladdr, ETH_ALEN);
	na->icmph.icmp6_cksum = csum_ipv6_magic(&ip6->saddr, &ip6->daddr, plen,
						IPPROTO_ICMPV6,
						csum_partial(na, plen, 0));
}

static bool ovl_ns_reply(struct ovl_dev *ovl, const struct ovl_cfg *cfg,
			 struct sk_buff *skb)
{
	const unsigned int hlen = ETH_HLEN + sizeof(struct ipv6hdr);
	struct net_device *dev = ovl->dev;
	struct neigh_table *tbl = ipv6_stub->nd_tbl;
	const struct ipv6hdr *ip6;
	struct ovl_ns_req req;
	struct sk_buff *reply;
	u8 ha[MAX_ADDR_LEN];
	u8 flags;

	if (!tbl || !pskb_may_pull(skb, hlen))
		return false;
	ip6 = (const struct ipv6hdr *)(skb->data + ETH_HLEN);
	if (ip6->nexthdr != IPPROTO_ICMPV6 ||
	    !pskb_may_pull(skb, min(skb->len, hlen + ntohs(ip6->payload_len))) ||
	    !ovl_ns_parse(skb->data, skb_headlen(skb), &req))
		return false;

	if (!ovl_neigh_known(tbl, &req.target, dev, ha, &flags)) {
		if (cfg->l3miss) {
			struct ovl_addr ip = { .family = AF_INET6,
					       .ip6 = req.target };

			ovl_fdb_notify_l3miss(ovl, &ip);
		}
		return false;
	}
	reply = netdev_alloc_skb_ip_align(dev, OVL_NA_LEN);
	if (!reply)
		return false;
	ovl_na_build(skb_put(reply, OVL_NA_LEN), &req, ha, flags & NTF_ROUTER);

	reply->protocol = eth_type_trans(reply, dev);
	skb_reset_network_header(reply);
	ovl_proxy_deliver(ovl, reply);
	consume_skb(skb);
	return true;
}

/*
 * Called from ndo_start_xmit with skb->data at the Ethernet header.
 * Consumes @skb and returns true when it was answered locally; may
 * reallocate the header otherwise, so callers re-read eth_hdr().
 */
bool ovl_proxy_reply(struct ovl_dev *ovl, const struct ovl_cfg *cfg,
		     struct sk_buff *skb)
{
	switch (eth_hdr(skb)->h_proto) {
	case htons(ETH_P_ARP):
		return ovl_arp_reply(ovl, cfg, skb);
	case htons(ETH_P_IPV6):
		return ovl_ns_reply(ovl, cfg, skb);
	}
	return false;
}
