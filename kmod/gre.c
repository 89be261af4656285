// SPDX-License-Identifier: GPL-2.0
/*
 * ovl-gre: Ethernet over GRE with a key (RFC 2890), or NVGRE (RFC 7637:
 * 24-bit VSID, 8-bit FlowID).  Transmit pushes the GRE header and sends
 * through the IP tunnel helpers.
 *
 * Receive goes through the IP stack and the kernel's own GRE drivers:
 * per underlay namespace and family, ovlnet owns one collect-metadata
 * GRE device (ovlgre4: gretap, ovlgre6: ip6gre), which ip_gre/ip6_gre
 * hand every packet whose key no in-tree tunnel claims; its rx_handler
 * delivers to the ovl-gre device owning the key.  In-tree gretap and
 * ip6gretap devices keep their keys, whatever the load order.
 */

#include "device.h"
#include "external.h"
#include "proto.h"
#include "receive.h"
#include "send.h"

#include <linux/if_arp.h>
#include <linux/if_tunnel.h>
#include <net/dst_metadata.h>
#include <net/gre.h>
#include <net/ip.h>
#include <net/ip6_tunnel.h>
#include <net/ip_tunnels.h>
#include <net/ipv6.h>
#include <net/rtnetlink.h>

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
	/* scrub (across namespaces: the mark too) before stamping */
	skb_scrub_packet(skb, ovl_xnet(ovl));
	ovl_stamp(skb, cfg);
	iptunnel_xmit(NULL, rt, skb, saddr, r->key.ip.ip4, IPPROTO_GRE,
		      p.tos, p.ttl ?: ip4_dst_hoplimit(&rt->dst), p.df, false);
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
	struct flowi6 fl6 = {};
	__be32 label;

	/* the flow label hashes the inner flow, as ip6gretap's does */
	skb_get_hash(skb);
	label = ip6_make_flowlabel(ovl->net, skb, 0, true, &fl6);
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
	skb_scrub_packet(skb, ovl_xnet(ovl));
	ovl_stamp(skb, cfg);		/* after the scrub, which clears the mark */
	skb->ignore_df = !p.df;		/* as in ovl_vxlan_xmit6() */
	skb_dst_set(skb, dst);
	ip6h = skb_push(skb, sizeof(*ip6h));
	skb_reset_network_header(skb);
	ip6_flow_hdr(ip6h, p.tos, label);
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

/*
 * Receive goes through the IP stack and ip_gre/ip6_gre, like any GRE:
 * ovlnet keeps one collect-metadata ("external") GRE device per underlay
 * namespace and family, which the kernel's tunnel lookup picks for every
 * packet whose key no in-tree gretap/ip6gretap claims.  An rx_handler on
 * it hands the frame to the ovl-gre device that owns the key, found from
 * the tunnel metadata.  Documentation/architecture.rst, "GRE receive".
 */
#define OVL_GRE_RX_NAME4	"ovlgre4"
#define OVL_GRE_RX_NAME6	"ovlgre6"
#define OVL_GRE_RX_ALIAS	"ovlnet: ovl-gre receive, do not delete"

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

static bool ovl_gre_info_has_key(const struct ip_tunnel_info *info)
{
#ifdef IP_TUNNEL_DECLARE_FLAGS		/* 6.10+: flags are a bitmap */
	return test_bit(IP_TUNNEL_KEY_BIT, info->key.tun_flags);
#else
	return info->key.tun_flags & TUNNEL_KEY;
#endif
}

/* The outer header as ip_gre/ip6_gre recorded it in the tunnel metadata. */
static void ovl_gre_outer(const struct ip_tunnel_info *info,
			  struct ovl_outer *o)
{
	memset(o, 0, sizeof(*o));
	o->tos = info->key.tos;
	if (ip_tunnel_info_af(info) == AF_INET) {
		o->src.family = AF_INET;
		o->src.ip4 = info->key.u.ipv4.src;
		if (!ipv4_is_multicast(info->key.u.ipv4.dst)) {
			o->dst.family = AF_INET;
			o->dst.ip4 = info->key.u.ipv4.dst;
		}
	} else {
		o->src.family = AF_INET6;
		o->src.ip6 = info->key.u.ipv6.src;
		if (!ipv6_addr_is_multicast(&info->key.u.ipv6.dst)) {
			o->dst.family = AF_INET6;
			o->dst.ip6 = info->key.u.ipv6.dst;
		}
	}
}

/*
 * ip_gre's metadata dst, made for this packet by ip_tun_rx_dst() and
 * reachable only through it (a tap's clone holds a reference of its own),
 * taken off @skb; NULL if @skb only borrows it (noref), which never
 * happens today: the scrub then drops it as any dst.
 */
static struct dst_entry *ovl_gre_take_md(struct sk_buff *skb)
{
	struct dst_entry *dst = skb_dst(skb);

	if (!dst || skb_dst_is_noref(skb))
		return NULL;
	skb_dst_set(skb, NULL);
	return dst;
}

/*
 * Softirq, under RCU: the receive device's gro_cells NAPI.  ip_gre has
 * checked the GRE header and checksum, decapsulated (RFC 6040 ECN
 * included) and, for the gretap device, run eth_type_trans(); the IP
 * stack before it did reassembly, the xfrm policy check, conntrack and
 * raw sockets.  skb_dst() is the tunnel metadata.
 */
static rx_handler_result_t ovl_gre_rx_handler(struct sk_buff **pskb)
{
	struct ovl_net *on = ovl_net(dev_net((*pskb)->dev));
	const struct ip_tunnel_info *info;
	struct sk_buff *skb;
	struct ovl_dev *ovl, *ext = NULL;
	struct dst_entry *md;
	struct ovl_outer o;
	u32 key;

	skb = skb_share_check(*pskb, GFP_ATOMIC);
	if (!skb)
		return RX_HANDLER_CONSUMED;
	info = skb_tunnel_info(skb);
	/* an ip6gre device also gets IP-in-GRE nobody claims: not ours */
	if (!info || (info->mode & IP_TUNNEL_INFO_TX) ||
	    !ovl_gre_info_has_key(info) ||
	    (skb->dev->type != ARPHRD_ETHER &&
	     skb->protocol != htons(ETH_P_TEB))) {
		ovl_rx_drop(on->counters, NULL, skb, OVL_CNT_RX_UNKNOWN_ID);
		return RX_HANDLER_CONSUMED;
	}
	key = be32_to_cpu(tunnel_id_to_key32(info->key.tun_id));
	ovl_gre_outer(info, &o);
	ovl = ovl_gre_owner(on, key, o.src.family, &o.dst);
	/* a key no other device owns is the external device's, if any */
	if (!ovl) {
		ext = ovl_find_external(on, OVL_KIND_GRE, 0, o.src.family,
					&o.dst);
		ovl = ext;
	}
	if (!ovl) {
		ovl_rx_drop(on->counters, NULL, skb, OVL_CNT_RX_UNKNOWN_ID);
		return RX_HANDLER_CONSUMED;
	}
	if (!ovl_rx_ready(ovl)) {
		ovl_rx_drop(ovl->counters, NULL, skb, OVL_CNT_RX_UNKNOWN_ID);
		return RX_HANDLER_CONSUMED;
	}
	/* back to the inner Ethernet header (gretap pulled it) */
	skb_push_rcsum(skb, skb->data - skb_mac_header(skb));
	/*
	 * ip_gre's metadata: an external device keeps it as the frame's, the
	 * others free it at once rather than after an RCU grace period (a
	 * call_rcu() per packet, whose batches lengthened the RR tail).
	 */
	md = ovl_gre_take_md(skb);
	if (ext) {
		if (!ovl_ext_rx_gre(ext, skb, key, md, info, &o))
			return RX_HANDLER_CONSUMED;
	} else {
		dst_release_immediate(md);
		/* across namespaces drops mark etc. */
		skb_scrub_packet(skb, ovl_xnet(ovl));
		if (!ovl_rx_accept(ovl, NULL, skb, &o))
			return RX_HANDLER_CONSUMED;
		ovl_rx_count(ovl, NULL, skb->len + ETH_HLEN);
	}
	/*
	 * GRO and the NAPI poll have been done, by the receive device's
	 * gro_cells: the core takes the frame round again as ovl->dev's
	 * (taps, tc ingress, its bridge port), where a second gro_cells
	 * would cost another NAPI pass per packet and, with the softirq
	 * re-raised for it, latency.
	 */
	*pskb = skb;
	return RX_HANDLER_ANOTHER;
}

/*
 * ip6_gre exports nothing to create a device with, and the rtnl_link_ops
 * registry is not exported either: take the "ip6gre" ops from a device of
 * that kind, normally ip6_gre's own fallback device ip6gre0 in init_net.
 * RTNL: the ops stay registered while such a device exists.
 */
static const struct rtnl_link_ops *ovl_gre6_ops(struct net *net)
{
	struct net *nets[] = { net, &init_net };
	struct net_device *dev;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nets); i++)
		for_each_netdev(nets[i], dev)
			if (dev->rtnl_link_ops &&
			    !strcmp(dev->rtnl_link_ops->kind, "ip6gre"))
				return dev->rtnl_link_ops;
	return NULL;
}

/* "ip link add NAME type ip6gre external [icsum]", from the kernel. */
static struct net_device *ovl_gre6_create(struct net *net, bool csum,
					  struct netlink_ext_ack *extack)
{
	const struct rtnl_link_ops *ops = ovl_gre6_ops(net);
	struct nlattr *data[IFLA_GRE_MAX + 1] = {};
	struct nlattr *tb[IFLA_MAX + 1] = {};
	struct nlattr md = {
		.nla_len = nla_attr_size(0),
		.nla_type = IFLA_GRE_COLLECT_METADATA,
	};
	struct {
		struct nlattr nla;
		__be16 flags;
	} iflags = {
		.nla.nla_len = nla_attr_size(sizeof(__be16)),
		.nla.nla_type = IFLA_GRE_IFLAGS,
		.flags = GRE_CSUM,
	};
	struct net_device *dev;
	LIST_HEAD(kill);
	int err;

	if (!ops) {
		NL_SET_ERR_MSG(extack,
			       "ovl-gre over IPv6 needs ip6_gre and its ip6gre0");
		return ERR_PTR(-EOPNOTSUPP);
	}
	data[IFLA_GRE_COLLECT_METADATA] = &md;
	if (csum)
		data[IFLA_GRE_IFLAGS] = &iflags.nla;
	dev = rtnl_create_link(net, OVL_GRE_RX_NAME6, NET_NAME_USER, ops, tb,
			       extack);
	if (IS_ERR(dev))
		return dev;
	err = ops->newlink(net, dev, tb, data, extack);
	if (err < 0) {
		free_netdev(dev);
		return ERR_PTR(err);
	}
	err = rtnl_configure_link(dev, NULL, 0, NULL);
	if (err < 0) {
		ops->dellink(dev, &kill);
		unregister_netdevice_many(&kill);
		return ERR_PTR(err);
	}
	return dev;
}

/* "ip link add NAME type gretap external [icsum]", ip_gre's own API. */
static struct net_device *ovl_gre4_create(struct net *net, bool csum)
{
	struct net_device *dev;
	struct ip_tunnel *t;

	dev = gretap_fb_dev_create(net, OVL_GRE_RX_NAME4, NET_NAME_USER);
	if (IS_ERR(dev) || !csum)
		return dev;
	/* not up yet: nothing reads the flags concurrently */
	t = netdev_priv(dev);
#ifdef IP_TUNNEL_DECLARE_FLAGS
	__set_bit(IP_TUNNEL_CSUM_BIT, t->parms.i_flags);
#else
	t->parms.i_flags |= TUNNEL_CSUM;
#endif
	return dev;
}

static void ovl_gre_rx_delete(struct net_device *dev)
{
	LIST_HEAD(kill);

	dev->rtnl_link_ops->dellink(dev, &kill);
	unregister_netdevice_many(&kill);
}

/* Creates, hooks and brings up the receive device of @rx.  RTNL. */
static int ovl_gre_rx_create(struct ovl_net *on, struct ovl_gre_rx *rx,
			     struct netlink_ext_ack *extack)
{
	bool v6 = rx == &on->gre_rx[1];
	const char *name = v6 ? OVL_GRE_RX_NAME6 : OVL_GRE_RX_NAME4;
	struct net_device *dev;
	int err;

	if (__dev_get_by_name(on->net, name)) {
		if (v6)
			NL_SET_ERR_MSG(extack,
				       "ovl-gre: the name ovlgre6 (its receive device) is taken");
		else
			NL_SET_ERR_MSG(extack,
				       "ovl-gre: the name ovlgre4 (its receive device) is taken");
		return -EEXIST;
	}
	dev = v6 ? ovl_gre6_create(on->net, rx->csum, extack)
		 : ovl_gre4_create(on->net, rx->csum);
	if (IS_ERR(dev)) {
		err = PTR_ERR(dev);
		if (err == -EEXIST && v6)
			NL_SET_ERR_MSG(extack,
				       "ovl-gre: another collect-metadata ip6gre(tap) is here");
		else if (err == -EEXIST)
			NL_SET_ERR_MSG(extack,
				       "ovl-gre: another collect-metadata gretap is here");
		else if (!v6)	/* ip6_gre set its own message */
			NL_SET_ERR_MSG(extack,
				       "ovl-gre: cannot create the GRE receive device");
		return err;
	}
	err = netdev_rx_handler_register(dev, ovl_gre_rx_handler, rx);
	if (err)
		goto err_delete;
	dev_set_alias(dev, OVL_GRE_RX_ALIAS, strlen(OVL_GRE_RX_ALIAS));
	err = dev_change_flags(dev, dev->flags | IFF_UP, extack);
	if (err)
		goto err_unhook;
	rx->dev = dev;
	return 0;

err_unhook:
	netdev_rx_handler_unregister(dev);
err_delete:
	ovl_gre_rx_delete(dev);
	NL_SET_ERR_MSG(extack,
		       "ovl-gre: cannot set up the GRE receive device");
	return err;
}

static void ovl_gre_rx_destroy(struct ovl_gre_rx *rx)
{
	struct net_device *dev = rx->dev;

	if (!dev)
		return;
	rx->dev = NULL;
	netdev_rx_handler_unregister(dev);	/* waits for readers */
	ovl_gre_rx_delete(dev);
}

/*
 * At creation (RTNL), before the device is registered.  One receive
 * device serves every ovl-gre device of a namespace and family, and
 * ip_gre checks the C bit against that device's flags: so they all agree
 * on csum, as the first one set it.
 */
static int ovl_gre_attach(struct ovl_dev *ovl, const struct ovl_cfg *cfg,
			  struct netlink_ext_ack *extack)
{
	struct ovl_net *on = ovl_net(ovl->net);
	struct ovl_gre_rx *rx = &on->gre_rx[cfg->family == AF_INET6];
	int err;

	if (rx->users && rx->csum != cfg->gre_csum) {
		if (rx->csum)
			NL_SET_ERR_MSG(extack,
				       "IFLA_OVL_GRE_CSUM: the others here use csum; all must agree");
		else
			NL_SET_ERR_MSG(extack,
				       "IFLA_OVL_GRE_CSUM: the others here use nocsum; all must agree");
		return -EINVAL;
	}
	if (!rx->users)
		rx->csum = cfg->gre_csum;
	if (!rx->dev) {
		err = ovl_gre_rx_create(on, rx, extack);
		if (err)
			return err;
	}
	rx->users++;
	ovl->gre_rx = rx;
	return 0;
}

static void ovl_gre_detach(struct ovl_dev *ovl)
{
	struct ovl_gre_rx *rx = ovl->gre_rx;

	if (!rx)
		return;
	ovl->gre_rx = NULL;
	if (!--rx->users)
		ovl_gre_rx_destroy(rx);
}

/* ndo_open (RTNL): re-create a receive device the administrator deleted. */
static int ovl_gre_open(struct ovl_dev *ovl)
{
	struct ovl_gre_rx *rx = ovl->gre_rx;

	if (!rx)
		return 0;
	if (!rx->dev)
		return ovl_gre_rx_create(ovl_net(ovl->net), rx, NULL);
	if (!(rx->dev->flags & IFF_UP))
		return dev_change_flags(rx->dev, rx->dev->flags | IFF_UP, NULL);
	return 0;
}

/* Deleted, or moved to another namespace, by someone else.  RTNL. */
static int ovl_gre_netdev_event(struct notifier_block *nb,
				unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct ovl_gre_rx *rx;

	if (event != NETDEV_UNREGISTER ||
	    rcu_access_pointer(dev->rx_handler) != ovl_gre_rx_handler)
		return NOTIFY_DONE;
	rx = rtnl_dereference(dev->rx_handler_data);
	netdev_rx_handler_unregister(dev);
	rx->dev = NULL;
	pr_warn("%s removed: ovl-gre devices in its namespace receive no GRE until one of them is set down and up\n",
		dev->name);
	return NOTIFY_OK;
}

static struct notifier_block ovl_gre_notifier = {
	.notifier_call = ovl_gre_netdev_event,
};

int __init ovl_gre_init(void)
{
	return register_netdevice_notifier(&ovl_gre_notifier);
}

void ovl_gre_exit(void)
{
	unregister_netdevice_notifier(&ovl_gre_notifier);
}

const struct ovl_kind ovl_gre_kind = {
	.id		= OVL_KIND_GRE,
	.name		= OVL_GRE_KIND,
	.overhead	= ovl_gre_overhead,
	.attach		= ovl_gre_attach,
	.detach		= ovl_gre_detach,
	.open		= ovl_gre_open,
	.xmit		= ovl_gre_xmit,
};
