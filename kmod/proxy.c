// SPDX-License-Identifier: GPL-2.0
/*
 * ARP suppression (`proxy`): when the device's own neighbour table knows
 * the target, answer locally; on a miss with `l3miss`, tell the control
 * plane.
 */

#include "proxy.h"
#include "device.h"
#include "fdb_netlink.h"

#include <linux/if_arp.h>
#include <net/arp.h>
#include <net/neighbour.h>

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
	struct neighbour *n;

	if (!ovl_arp_parse(dev, skb, &req))
		return false;
	n = neigh_lookup(&arp_tbl, &req.tip, dev);
	if (!n || !(READ_ONCE(n->nud_state) & NUD_CONNECTED)) {
		if (n)
			neigh_release(n);
		if (cfg->l3miss)
			ovl_fdb_notify_l3miss(ovl, req.tip);
		return false;
	}
	reply = arp_create(ARPOP_REPLY, ETH_P_ARP, req.sip, dev, req.tip,
			   req.sha, n->ha, req.sha);
	neigh_release(n);
	if (!reply)
		return false;

	skb_reset_mac_header(reply);
	__skb_pull(reply, skb_network_offset(reply));
	reply->ip_summed = CHECKSUM_UNNECESSARY;
	reply->pkt_type = PACKET_HOST;
	if (netif_rx(reply) == NET_RX_SUCCESS) {
		dev_sw_netstats_rx_add(dev, reply->len);
		ovl_count(ovl->counters, OVL_CNT_TX_PROXY_REPLIES);
	}
	consume_skb(skb);
	return true;
}

/* Consumes @skb and returns true when it was answered locally. */
bool ovl_proxy_reply(struct ovl_dev *ovl, const struct ovl_cfg *cfg,
		     struct sk_buff *skb)
{
	if (eth_hdr(skb)->h_proto == htons(ETH_P_ARP))
		return ovl_arp_reply(ovl, cfg, skb);
	return false;
}
