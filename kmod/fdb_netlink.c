// SPDX-License-Identifier: GPL-2.0
/*
 * `bridge fdb add|append|replace|del|show dev OVL ...` and miss
 * notifications.  Everything here runs under RTNL except the miss
 * notifications, which come from the transmit path.
 */

#include "fdb_netlink.h"
#include "device.h"

#include <net/netlink.h>
#include <net/rtnetlink.h>

struct ovl_fdb_msg {
	const u8 *mac;
	const struct ovl_remote_key *key;	/* NULL: no destination */
	u16 state;
	unsigned long used;
	unsigned long updated;
};

static int ovl_nla_put_dst(struct sk_buff *skb, const struct ovl_addr *ip)
{
	if (ip->family == AF_INET)
		return nla_put_in_addr(skb, NDA_DST, ip->ip4);
	return nla_put_in6_addr(skb, NDA_DST, &ip->ip6);
}

static int ovl_fdb_fill(struct sk_buff *skb, const struct ovl_dev *ovl,
			const struct ovl_fdb_msg *m, u32 portid, u32 seq,
			int type, unsigned int flags)
{
	const struct ovl_cfg *cfg = rcu_dereference_rtnl(ovl->cfg);
	const struct ovl_remote_key *k = m->key;
	unsigned long now = jiffies;
	struct nda_cacheinfo ci;
	struct nlmsghdr *nlh;
	struct ndmsg *ndm;

	nlh = nlmsg_put(skb, portid, seq, type, sizeof(*ndm), flags);
	if (!nlh)
		return -EMSGSIZE;
	ndm = nlmsg_data(nlh);
	memset(ndm, 0, sizeof(*ndm));
	ndm->ndm_family = AF_BRIDGE;
	ndm->ndm_state = m->state;
	ndm->ndm_flags = NTF_SELF;
	ndm->ndm_ifindex = ovl->dev->ifindex;
	ndm->ndm_type = RTN_UNICAST;

	if (nla_put(skb, NDA_LLADDR, ETH_ALEN, m->mac))
		goto cancel;
	if (k) {
		if (ovl_nla_put_dst(skb, &k->ip))
			goto cancel;
		if (k->port && k->port != cfg->port &&
		    nla_put_be16(skb, NDA_PORT, k->port))
			goto cancel;
		if (k->id != cfg->id && nla_put_u32(skb, NDA_VNI, k->id))
			goto cancel;
		if (k->ifindex && nla_put_u32(skb, NDA_IFINDEX, k->ifindex))
			goto cancel;
	}
	if (!net_eq(ovl->net, dev_net(ovl->dev)) &&
	    nla_put_s32(skb, NDA_LINK_NETNSID,
			peernet2id(dev_net(ovl->dev), ovl->net)))
		goto cancel;
	memset(&ci, 0, sizeof(ci));
	ci.ndm_used = jiffies_to_clock_t(now - m->used);
	ci.ndm_updated = jiffies_to_clock_t(now - m->updated);
	if (nla_put(skb, NDA_CACHEINFO, sizeof(ci), &ci))
		goto cancel;
	nlmsg_end(skb, nlh);
	return 0;
cancel:
	nlmsg_cancel(skb, nlh);
	return -EMSGSIZE;
}

static size_t ovl_fdb_msg_size(void)
{
	return NLMSG_ALIGN(sizeof(struct ndmsg)) +
	       nla_total_size(ETH_ALEN) +			/* LLADDR */
	       nla_total_size(sizeof(struct in6_addr)) +	/* DST */
	       nla_total_size(sizeof(__be16)) +		/* PORT */
	       nla_total_size(sizeof(u32)) * 3 +		/* VNI IFINDEX NSID */
	       nla_total_size(sizeof(struct nda_cacheinfo));
}

static void ovl_fdb_notify(struct ovl_dev *ovl, const struct ovl_fdb_msg *m,
			   int type)
{
	struct net *net = dev_net(ovl->dev);
	struct sk_buff *skb;

	skb = nlmsg_new(ovl_fdb_msg_size(), GFP_ATOMIC);
	if (!skb)
		goto err;
	if (ovl_fdb_fill(skb, ovl, m, 0, 0, type, 0)) {
		kfree_skb(skb);
		goto err;
	}
	rtnl_notify(skb, net, 0, RTNLGRP_NEIGH, NULL, GFP_ATOMIC);
	return;
err:
	rtnl_set_sk_err(net, RTNLGRP_NEIGH, -ENOBUFS);
}

/* An unknown destination MAC: RTM_GETNEIGH, as `ip monitor` shows "miss". */
void ovl_fdb_notify_miss(struct ovl_dev *ovl, const u8 *mac)
{
	struct ovl_fdb_msg m = {
		.mac = mac,
		.state = NUD_STALE,
		.used = jiffies,
		.updated = jiffies,
	};

	ovl_fdb_notify(ovl, &m, RTM_GETNEIGH);
}

/*
 * An ARP request or neighbour solicitation `proxy` could not answer:
 * RTM_GETNEIGH for @ip, in its own family.
 */
void ovl_fdb_notify_l3miss(struct ovl_dev *ovl, const struct ovl_addr *ip)
{
	struct net *net = dev_net(ovl->dev);
	struct nlmsghdr *nlh;
	struct sk_buff *skb;
	struct ndmsg *ndm;

	skb = nlmsg_new(NLMSG_ALIGN(sizeof(*ndm)) +
			nla_total_size(sizeof(struct in6_addr)), GFP_ATOMIC);
	if (!skb)
		return;
	nlh = nlmsg_put(skb, 0, 0, RTM_GETNEIGH, sizeof(*ndm), 0);
	if (!nlh || ovl_nla_put_dst(skb, ip)) {
		kfree_skb(skb);
		return;
	}
	ndm = nlmsg_data(nlh);
	memset(ndm, 0, sizeof(*ndm));
	ndm->ndm_family = ip->family;
	ndm->ndm_state = NUD_STALE;
	ndm->ndm_ifindex = ovl->dev->ifindex;
	ndm->ndm_type = RTN_UNICAST;
	nlmsg_end(skb, nlh);
	rtnl_notify(skb, net, 0, RTNLGRP_NEIGH, NULL, GFP_ATOMIC);
}

/* --- bridge fdb add / del ------------------------------------------ */

static int ovl_fdb_parse_dst(const struct ovl_cfg *cfg, struct nlattr *nla,
			     struct ovl_addr *ip,
			     struct netlink_ext_ack *extack)
{
	memset(ip, 0, sizeof(*ip));
	if (nla_len(nla) == sizeof(__be32)) {
		ip->family = AF_INET;
		ip->ip4 = nla_get_in_addr(nla);
	} else if (nla_len(nla) == sizeof(struct in6_addr)) {
		ip->family = AF_INET6;
		ip->ip6 = nla_get_in6_addr(nla);
	} else {
		NL_SET_ERR_MSG_ATTR(extack, nla,
				    "NDA_DST: not an IPv4 or IPv6 address");
		return -EAFNOSUPPORT;
	}
	if (ip->family != cfg->family) {
		NL_SET_ERR_MSG_ATTR(extack, nla,
				    "NDA_DST: address family differs from the device's underlay");
		return -EAFNOSUPPORT;
	}
	if (ovl_addr_any(ip)) {
		NL_SET_ERR_MSG_ATTR(extack, nla,
				    "NDA_DST: the unspecified address is no destination");
		return -EINVAL;
	}
	return 0;
}

static int ovl_fdb_parse(struct ovl_dev *ovl, struct nlattr *tb[], u16 vid,
			 struct ovl_remote_key *key,
			 struct netlink_ext_ack *extack)
{
	const struct ovl_cfg *cfg = rtnl_dereference(ovl->cfg);
	bool vxlan = ovl->kind->id == OVL_KIND_VXLAN;
	u32 max_id = vxlan || cfg->nvgre ? OVL_VNI_MAX : U32_MAX;
	int err;

	memset(key, 0, sizeof(*key));
	key->port = vxlan ? cfg->port : 0;
	key->id = cfg->id;
	if (vid) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NDA_VLAN],
				    "NDA_VLAN: VLAN-aware entries are not supported");
		return -EINVAL;
	}
	if (tb[NDA_SRC_VNI]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NDA_SRC_VNI],
				    "NDA_SRC_VNI: not supported");
		return -EOPNOTSUPP;
	}
	if (!tb[NDA_DST]) {
		NL_SET_ERR_MSG(extack, "NDA_DST: a destination (dst) is required");
		return -EINVAL;
	}
	err = ovl_fdb_parse_dst(cfg, tb[NDA_DST], &key->ip, extack);
	if (err)
		return err;
	if (tb[NDA_PORT]) {
		if (!vxlan || nla_len(tb[NDA_PORT]) != sizeof(__be16) ||
		    !nla_get_be16(tb[NDA_PORT])) {
			NL_SET_ERR_MSG_ATTR(extack, tb[NDA_PORT],
					    "NDA_PORT: needs ovl-vxlan and a nonzero port");
			return -EINVAL;
		}
		key->port = nla_get_be16(tb[NDA_PORT]);
	}
	if (tb[NDA_VNI]) {
		if (nla_len(tb[NDA_VNI]) != sizeof(u32) ||
		    nla_get_u32(tb[NDA_VNI]) > max_id) {
			NL_SET_ERR_MSG_ATTR(extack, tb[NDA_VNI],
					    "NDA_VNI: must be a 24-bit VNI/VSID");
			return -ERANGE;
		}
		key->id = nla_get_u32(tb[NDA_VNI]);
	}
	if (tb[NDA_IFINDEX]) {
		if (nla_len(tb[NDA_IFINDEX]) != sizeof(u32) ||
		    !__dev_get_by_index(ovl->net,
					nla_get_u32(tb[NDA_IFINDEX]))) {
			NL_SET_ERR_MSG_ATTR(extack, tb[NDA_IFINDEX],
					    "NDA_IFINDEX: no such underlay device");
			return -ENODEV;
		}
		key->ifindex = nla_get_u32(tb[NDA_IFINDEX]);
	}
	return 0;
}

static int ovl_fdb_check_mac(const unsigned char *addr, struct nlattr *tb[],
			     struct netlink_ext_ack *extack)
{
	if (is_zero_ether_addr(addr) || is_valid_ether_addr(addr))
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, tb[NDA_LLADDR],
			    "NDA_LLADDR: multicast goes by the flood list (00:00:00:00:00:00)");
	return -EINVAL;
}

int ovl_fdb_nl_add(struct ndmsg *ndm, struct nlattr *tb[],
		   struct net_device *dev, const unsigned char *addr, u16 vid,
		   u16 flags, struct netlink_ext_ack *extack)
{
	struct ovl_dev *ovl = netdev_priv(dev);
	bool permanent = ndm->ndm_state & (NUD_PERMANENT | NUD_NOARP);
	struct ovl_remote_key key;
	struct ovl_fdb_msg m;
	int err;

	if (!(ndm->ndm_state & (NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE))) {
		NL_SET_ERR_MSG(extack,
			       "ndm_state: must be permanent, static or dynamic");
		return -EINVAL;
	}
	err = ovl_fdb_check_mac(addr, tb, extack);
	if (err)
		return err;
	err = ovl_fdb_parse(ovl, tb, vid, &key, extack);
	if (err)
		return err;
	err = ovl_fdb_add(&ovl->fdb, addr, &key,
			  permanent ? OVL_FDB_STATIC : 0,
			  flags & NLM_F_APPEND, flags & NLM_F_REPLACE,
			  jiffies);
	if (err == -EEXIST && (flags & NLM_F_APPEND))
		NL_SET_ERR_MSG_ATTR(extack, tb[NDA_DST],
				    "NDA_DST: the entry has this destination already");
	else if (err == -EEXIST)
		NL_SET_ERR_MSG_ATTR(extack, tb[NDA_LLADDR],
				    "NDA_LLADDR: entry exists; use replace or append");
	else if (err == -ENOSPC)
		NL_SET_ERR_MSG(extack, "FDB is full (maxaddress reached)");
	if (err)
		return err;

	m = (struct ovl_fdb_msg) {
		.mac = addr, .key = &key, .used = jiffies, .updated = jiffies,
		.state = permanent ? NUD_PERMANENT | NUD_NOARP : NUD_REACHABLE,
	};
	ovl_fdb_notify(ovl, &m, RTM_NEWNEIGH);
	return 0;
}

int ovl_fdb_nl_del(struct ndmsg *ndm, struct nlattr *tb[],
		   struct net_device *dev, const unsigned char *addr, u16 vid,
		   struct netlink_ext_ack *extack)
{
	struct ovl_dev *ovl = netdev_priv(dev);
	struct ovl_remote_key key;
	struct ovl_fdb_msg m = {
		.mac = addr, .used = jiffies, .updated = jiffies,
		.state = NUD_NOARP,
	};
	int err;

	if (tb[NDA_DST]) {
		err = ovl_fdb_parse(ovl, tb, vid, &key, extack);
		if (err)
			return err;
		m.key = &key;
	}
	err = ovl_fdb_del(&ovl->fdb, addr, m.key);
	if (err) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NDA_LLADDR],
				    "NDA_LLADDR: no such entry");
		return err;
	}
	ovl_fdb_notify(ovl, &m, RTM_DELNEIGH);
	return 0;
}

/* --- bridge fdb show ------------------------------------------------ */

static int ovl_fdb_dump_entry(struct sk_buff *skb, struct netlink_callback *cb,
			      const struct ovl_dev *ovl,
			      struct ovl_fdb_entry *e, int *idx)
{
	struct ovl_fdb_msg m = {
		.mac = e->mac,
		.used = READ_ONCE(e->used),
		.updated = READ_ONCE(e->updated),
		.state = ovl_fdb_is_static(e) ? NUD_PERMANENT | NUD_NOARP
					      : NUD_REACHABLE,
	};
	struct ovl_fdb_dest *d;
	int err;

	for (d = rcu_dereference(e->dests); d; d = rcu_dereference(d->next)) {
		if (*idx >= cb->args[2]) {
			m.key = &d->remote->key;
			err = ovl_fdb_fill(skb, ovl, &m,
					   NETLINK_CB(cb->skb).portid,
					   cb->nlh->nlmsg_seq, RTM_NEWNEIGH,
					   NLM_F_MULTI);
			if (err)
				return err;
		}
		*idx += 1;
	}
	return 0;
}

int ovl_fdb_nl_dump(struct sk_buff *skb, struct netlink_callback *cb,
		    struct net_device *dev, struct net_device *filter_dev,
		    int *idx)
{
	struct ovl_dev *ovl = netdev_priv(dev);
	struct rhashtable_iter iter;
	struct ovl_fdb_entry *e;
	int err = 0;

	rhashtable_walk_enter(&ovl->fdb.entries, &iter);
	rhashtable_walk_start(&iter);
	while ((e = rhashtable_walk_next(&iter))) {
		if (IS_ERR(e))
			continue;
		err = ovl_fdb_dump_entry(skb, cb, ovl, e, idx);
		if (err)
			break;
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
	return err;
}
