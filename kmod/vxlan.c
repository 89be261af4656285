// SPDX-License-Identifier: GPL-2.0
/*
 * ovl-vxlan: Ethernet in VXLAN in UDP (RFC 7348).  Transmit pushes the
 * VXLAN header and hands the packet to the UDP tunnel; receive comes from
 * the shared UDP socket's encap_rcv (socket.c) and GRO, finds the device
 * by (port, VNI, local address) and delivers through receive.c.
 */

#include "device.h"
#include "external.h"
#include "proto.h"
#include "receive.h"
#include "send.h"
#include "socket.h"
#include "vxlan.h"

#include <linux/etherdevice.h>
#include <net/gro.h>
#include <net/ip.h>
#include <net/ip_tunnels.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

/* --- transmit --------------------------------------------------------- */

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

/*
 * The packet is scrubbed here, as for every tunnel, and only then stamped
 * with the configured mark and priority: the UDP tunnel helpers' own
 * scrub (IPv4 only, IPv6 has none) then runs without crossing namespaces
 * and keeps them.  Without it the inner dst (one reference leaked per
 * packet on IPv6, whose helper sets the outer dst over it), conntrack
 * entry, secpath and mark would ride on the outer packet.
 */
static void ovl_vxlan_scrub(struct ovl_dev *ovl, const struct ovl_cfg *cfg,
			    struct sk_buff *skb)
{
	skb_scrub_packet(skb, ovl_xnet(ovl));
	ovl_stamp(skb, cfg);
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
	rt = ovl_prepare4(ovl, cfg, skb, r, IPPROTO_UDP, OVL_VXLAN4_HEADROOM,
			  &p, &saddr);
	if (!rt)
		return;
	err = ovl_vxlan_push(skb, cfg, r->key.id,
			     LL_RESERVED_SPACE(rt->dst.dev) + rt->dst.header_len +
			     OVL_VXLAN4_HEADROOM, cfg->udp_csum);
	if (err) {
		ip_rt_put(rt);
		ovl_tx_error(ovl, skb, OVL_CNT_TX_ENCAP_ERRORS);
		return;
	}
	ovl_vxlan_scrub(ovl, cfg, skb);
	udp_tunnel_xmit_skb(rt, sk, skb, saddr, r->key.ip.ip4, p.tos,
			    p.ttl ?: ip4_dst_hoplimit(&rt->dst), p.df, sport,
			    r->key.port ?: cfg->port, false, !cfg->udp_csum);
}

static void ovl_vxlan_xmit6(struct ovl_dev *ovl, const struct ovl_cfg *cfg,
			    struct sk_buff *skb, struct ovl_remote *r,
			    struct sock *sk, __be16 sport)
{
	/* RFC 6935: a zero UDP checksum only where configured */
	bool csum = !cfg->udp6_zero_csum_tx;
	struct ovl_outer_params p;
	struct in6_addr saddr;
	struct dst_entry *dst;
	int err;

	ovl_outer_params(cfg, skb, r, &p);
	dst = ovl_prepare6(ovl, cfg, skb, r, IPPROTO_UDP, OVL_VXLAN6_HEADROOM,
			   &p, &saddr);
	if (!dst)
		return;
	err = ovl_vxlan_push(skb, cfg, r->key.id,
			     LL_RESERVED_SPACE(dst->dev) + dst->header_len +
			     OVL_VXLAN6_HEADROOM, csum);
	if (err) {
		dst_release(dst);
		ovl_tx_error(ovl, skb, OVL_CNT_TX_ENCAP_ERRORS);
		return;
	}
	ovl_vxlan_scrub(ovl, cfg, skb);
	/* df unset: the source fragments (IPv6 routers never do) */
	skb->ignore_df = !p.df;
	udp_tunnel6_xmit_skb(dst, sk, skb, ovl->dev, &saddr, &r->key.ip.ip6,
			     p.tos, p.ttl ?: ip6_dst_hoplimit(dst), 0, sport,
			     r->key.port ?: cfg->port, !csum);
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

/* --- receive ---------------------------------------------------------- */

/* UDP encap_rcv: always consumes the datagram (returns 0). */
int ovl_vxlan_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct ovl_sock *os = rcu_dereference_sk_user_data(sk);
	struct ovl_vxlanhdr *vh;
	enum ovl_parse_result res;
	struct ovl_outer o;
	struct ovl_dev *ovl, *ext = NULL;
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
	/* a VNI no other device owns is the external device's, if any */
	if (!ovl) {
		ext = ovl_find_external(os->on, OVL_KIND_VXLAN,
					(__force u16)os->port, os->family,
					&o.dst);
		ovl = ext;
	}
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
	if (ext)
		return ovl_ext_rx_vxlan(ext, skb, vni, &o);
	ovl_deliver(ovl, NULL, skb, &o);
	return 0;
drop:
	kfree_skb(skb);
	return 0;
}

/*
 * UDP encap_err_lookup: an ICMP error (Frag-Needed, PTB) quoting one of
 * our outer packets.  The network header is the quoted outer IP header,
 * the transport header its UDP header.  Returning 0 claims it: the UDP
 * error handler then updates the route's PMTU, which the next transmit
 * sees (dst_cache entries are invalidated by the new exception).
 */
int ovl_vxlan_err_lookup(struct sock *sk, struct sk_buff *skb)
{
	struct ovl_sock *os = rcu_dereference_sk_user_data(sk);
	const struct ovl_vxlanhdr *vh;
	struct ovl_addr local = {};
	u32 vni;

	if (!os || !pskb_may_pull(skb, skb_transport_offset(skb) +
					OVL_VXLAN_HLEN))
		return -EINVAL;
	vh = (const struct ovl_vxlanhdr *)(udp_hdr(skb) + 1);
	if (ovl_vxlan_parse(vh, &vni) != OVL_PARSE_OK)
		return -EINVAL;
	local.family = os->family;
	if (os->family == AF_INET)
		local.ip4 = ip_hdr(skb)->saddr;
	else
		local.ip6 = ipv6_hdr(skb)->saddr;
	if (!ovl_find_by_id(os->on, OVL_KIND_VXLAN, (__force u16)os->port,
			    vni, os->family, &local) &&
	    !ovl_find_external(os->on, OVL_KIND_VXLAN, (__force u16)os->port,
			       os->family, &local))
		return -ENOENT;
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

const struct ovl_kind ovl_vxlan_kind = {
	.id		= OVL_KIND_VXLAN,
	.name		= OVL_VXLAN_KIND,
	.overhead	= ovl_vxlan_overhead,
	.open		= ovl_vxlan_open,
	.stop		= ovl_vxlan_stop,
	.xmit		= ovl_vxlan_xmit,
};
