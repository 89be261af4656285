// SPDX-License-Identifier: GPL-2.0
/*
 * `bridge fdb add|append|replace|del|get|flush|show dev OVL ...`, FDB
 * events (RTM_NEWNEIGH/RTM_DELNEIGH as the in-tree vxlan sends them) and
 * miss notifications.  Requests run under RTNL; events come from
 * wherever the FDB changes (fdb->lock held, maybe softirq) and misses
 * from the transmit path.
 */

#include "fdb_netlink.h"
#include "device.h"
#include "external.h"

#include <linux/module.h>
#include <net/netlink.h>
#include <net/rtnetlink.h>

/*
 * Events the data path causes (learn, roam, ageing, l2miss, l3miss) are
 * bounded per device: a MAC flood must not become a netlink flood.
 */
static unsigned int fdb_event_rate = 1000;
module_param(fdb_event_rate, uint, 0644);
MODULE_PARM_DESC(fdb_event_rate,
		 "data-path FDB/miss notifications per second per device (0 = unbounded)");
static unsigned int fdb_event_burst = 1000;
module_param(fdb_event_burst, uint, 0644);
MODULE_PARM_DESC(fdb_event_burst,
		 "data-path FDB/miss notifications at once per device");

/* NTF_* flags an entry keeps and shows (NTF_SELF is always shown). */
#define OVL_NTF_KEPT	(NTF_EXT_LEARNED | NTF_STICKY | NTF_ROUTER)

struct ovl_fdb_msg {
	const u8 *mac;
	const struct ovl_remote_key *key;	/* NULL: no destination */
	u16 state;
	u8 ndm_flags;				/* besides NTF_SELF */
	u8 protocol;				/* 0: none */
	bool has_src_vni;			/* an external device's VNI */
	u32 src_vni;
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
	ndm->ndm_flags = NTF_SELF | m->ndm_flags;
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
		if (k->id != (m->has_src_vni ? m->src_vni : cfg->id) &&
		    nla_put_u32(skb, NDA_VNI, k->id))
			goto cancel;
		if (k->ifindex && nla_put_u32(skb, NDA_IFINDEX, k->ifindex))
			goto cancel;
	}
	if (m->protocol && nla_put_u8(skb, NDA_PROTOCOL, m->protocol))
		goto cancel;
	if (m->has_src_vni && nla_put_u32(skb, NDA_SRC_VNI, m->src_vni))
		goto cancel;
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
	       nla_total_size(sizeof(u32)) * 4 +		/* VNI IFINDEX NSID
								 * SRC_VNI
								 */
	       nla_total_size(sizeof(u8)) +			/* PROTOCOL */
	       nla_total_size(sizeof(struct nda_cacheinfo));
}

/*
 * What a dump or an event says of destination @d of @e, in VNI @v of an
 * external device (NULL: not external).
 */
static void ovl_fdb_msg_of(struct ovl_fdb_msg *m, const struct ovl_fdb_entry *e,
			   const struct ovl_fdb_dest *d, const struct ovl_vni *v)
{
	const struct ovl_fdb_tag *tag = d ? ovl_fdb_tag_of(e, d) : &e->tag;

	memset(m, 0, sizeof(*m));
	m->mac = e->mac;
	m->key = d ? &d->remote->key : NULL;
	m->state = tag->state;
	if (!m->state)
		m->state = READ_ONCE(e->flags) & OVL_FDB_STATIC ?
			   NUD_PERMANENT | NUD_NOARP : NUD_REACHABLE;
	m->ndm_flags = tag->ndm_flags & OVL_NTF_KEPT;
	m->protocol = tag->protocol;
	m->used = READ_ONCE(e->used);
	m->updated = READ_ONCE(e->updated);
	if (v) {
		m->has_src_vni = true;
		m->src_vni = v->vni;
	}
}

static void ovl_fdb_notify(struct ovl_dev *ovl, const struct ovl_fdb_msg *m,
			   int type)
{
	struct net *net = dev_net(ovl->dev);
	struct sk_buff *skb;

	/* a MAC flood with nobody listening costs no allocation */
	if (!rtnl_has_listeners(net, RTNLGRP_NEIGH))
		return;
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

/*
 * May one more data-path event go out?  Counts what goes and what does
 * not.  A suppressed event is only counted: signalling an overrun
 * (ENOBUFS) to the listeners instead would make some of them (zebra)
 * exit.  They re-read the table with a dump.
 */
static bool ovl_fdb_event_allowed(struct ovl_dev *ovl, struct ovl_fdb *fdb)
{
	bool first;

	if (!ovl_fdb_ratelimit_allow(&fdb->events, jiffies,
				     READ_ONCE(fdb_event_rate),
				     READ_ONCE(fdb_event_burst), &first)) {
		ovl_count(ovl->counters, OVL_CNT_FDB_EVENTS_SUPPRESSED);
		return false;
	}
	ovl_count(ovl->counters, OVL_CNT_FDB_EVENTS);
	return true;
}

static void ovl_fdb_event(struct ovl_dev *ovl, struct ovl_fdb *fdb,
			  const struct ovl_vni *v, const struct ovl_fdb_entry *e,
			  const struct ovl_fdb_dest *d, enum ovl_fdb_event ev)
{
	struct ovl_fdb_msg m;
	int type = RTM_DELNEIGH;

	switch (ev) {
	case OVL_FDB_EV_LEARNED:
	case OVL_FDB_EV_MOVED:
		type = RTM_NEWNEIGH;
		fallthrough;
	case OVL_FDB_EV_AGED:
		if (!ovl_fdb_event_allowed(ovl, fdb))
			return;
		break;
	case OVL_FDB_EV_ADDED:
		type = RTM_NEWNEIGH;
		break;
	case OVL_FDB_EV_FLUSHED:
	case OVL_FDB_EV_DELETED:
		break;
	}
	ovl_fdb_msg_of(&m, e, d, v);
	/* as the in-tree vxlan: what aged out is reported stale */
	if (ev == OVL_FDB_EV_AGED)
		m.state = NUD_STALE;
	/* the ageing worker holds neither RTNL nor RCU for ovl->cfg */
	rcu_read_lock();
	ovl_fdb_notify(ovl, &m, type);
	rcu_read_unlock();
}

/* The FDB's notify hook (fdb->lock held, BHs off). */
void ovl_fdb_nl_event(struct ovl_fdb *fdb, const struct ovl_fdb_entry *e,
		      const struct ovl_fdb_dest *d, enum ovl_fdb_event ev)
{
	struct ovl_dev *ovl = container_of(fdb, struct ovl_dev, fdb);

	ovl_fdb_event(ovl, fdb, NULL, e, d, ev);
}

/* The same for the FDB of one VNI of an external device: NDA_SRC_VNI. */
void ovl_vni_fdb_nl_event(struct ovl_fdb *fdb, const struct ovl_fdb_entry *e,
			  const struct ovl_fdb_dest *d, enum ovl_fdb_event ev)
{
	struct ovl_vni *v = container_of(fdb, struct ovl_vni, fdb);

	ovl_fdb_event(v->ovl, fdb, v, e, d, ev);
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

	if (ovl_fdb_event_allowed(ovl, &ovl->fdb))
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

	if (!ovl_fdb_event_allowed(ovl, &ovl->fdb))
		return;
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

/*
 * NDA_SRC_VNI: required by an external device (the VNI whose FDB the
 * request is for), refused by the others.
 */
static int ovl_fdb_parse_src_vni(struct ovl_dev *ovl, struct nlattr *tb[],
				 u32 *vni, struct netlink_ext_ack *extack)
{
	if (!ovl->ext) {
		if (tb[NDA_SRC_VNI]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[NDA_SRC_VNI],
					    "NDA_SRC_VNI: only for external devices");
			return -EOPNOTSUPP;
		}
		return 0;
	}
	if (!tb[NDA_SRC_VNI]) {
		NL_SET_ERR_MSG(extack,
			       "NDA_SRC_VNI: an external device needs the VNI (src_vni)");
		return -EINVAL;
	}
	if (nla_len(tb[NDA_SRC_VNI]) != sizeof(u32) ||
	    nla_get_u32(tb[NDA_SRC_VNI]) > ovl_ext_id_max(ovl)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NDA_SRC_VNI],
				    "NDA_SRC_VNI: must be a 24-bit VNI (ovl-gre: a 32-bit key)");
		return -ERANGE;
	}
	*vni = nla_get_u32(tb[NDA_SRC_VNI]);
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
	err = ovl_fdb_parse_src_vni(ovl, tb, &key->id, extack);
	if (err)
		return err;
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

/* NTF_* and NDA_PROTOCOL of a request: what the entry will keep and show. */
static int ovl_fdb_parse_tag(const struct ndmsg *ndm, struct nlattr *tb[],
			     struct ovl_fdb_tag *tag, u16 *flags,
			     struct netlink_ext_ack *extack)
{
	memset(tag, 0, sizeof(*tag));
	tag->state = ndm->ndm_state;
	tag->ndm_flags = ndm->ndm_flags & OVL_NTF_KEPT;
	if (tb[NDA_PROTOCOL]) {
		if (nla_len(tb[NDA_PROTOCOL]) != sizeof(u8)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[NDA_PROTOCOL],
					    "NDA_PROTOCOL: must be a u8");
			return -EINVAL;
		}
		tag->protocol = nla_get_u8(tb[NDA_PROTOCOL]);
	}
	*flags = 0;
	if (ndm->ndm_state & (NUD_PERMANENT | NUD_NOARP))
		*flags |= OVL_FDB_STATIC;
	if (ndm->ndm_flags & NTF_EXT_LEARNED)
		*flags |= OVL_FDB_EXT_LEARNED;
	if (ndm->ndm_flags & NTF_STICKY)
		*flags |= OVL_FDB_STICKY;
	return 0;
}

int ovl_fdb_nl_add(struct ndmsg *ndm, struct nlattr *tb[],
		   struct net_device *dev, const unsigned char *addr, u16 vid,
		   u16 flags, struct netlink_ext_ack *extack)
{
	struct ovl_dev *ovl = netdev_priv(dev);
	struct ovl_fdb *fdb = &ovl->fdb;
	struct ovl_vni *v = NULL;
	struct ovl_remote_key key;
	struct ovl_fdb_tag tag;
	u16 fflags;
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
	err = ovl_fdb_parse_tag(ndm, tb, &tag, &fflags, extack);
	if (err)
		return err;
	if (ovl->ext) {
		u32 vni = nla_get_u32(tb[NDA_SRC_VNI]);	/* checked above */

		v = ovl_vni_get(ovl, vni, extack);
		if (IS_ERR(v))
			return PTR_ERR(v);
		fdb = &v->fdb;
		/* the destination's VNI is the entry's unless NDA_VNI says */
		if (!tb[NDA_VNI])
			key.id = vni;
	}
	/* the event (RTM_NEWNEIGH) comes from the FDB, if anything changed */
	err = ovl_fdb_add_tagged(fdb, addr, &key, fflags, &tag,
				 flags & NLM_F_APPEND, flags & NLM_F_REPLACE,
				 jiffies, NULL);
	if (v)
		ovl_vni_put_if_empty(ovl, v);	/* a VNI whose add failed */
	if (err == -EEXIST && (flags & NLM_F_APPEND))
		NL_SET_ERR_MSG_ATTR(extack, tb[NDA_DST],
				    "NDA_DST: the entry has this destination already");
	else if (err == -EEXIST)
		NL_SET_ERR_MSG_ATTR(extack, tb[NDA_LLADDR],
				    "NDA_LLADDR: entry exists; use replace or append");
	else if (err == -ENOSPC)
		NL_SET_ERR_MSG(extack, "FDB is full (maxaddress reached)");
	return err;
}

int ovl_fdb_nl_del(struct ndmsg *ndm, struct nlattr *tb[],
		   struct net_device *dev, const unsigned char *addr, u16 vid,
		   struct netlink_ext_ack *extack)
{
	struct ovl_dev *ovl = netdev_priv(dev);
	struct ovl_remote_key key, *k = NULL;
	struct ovl_fdb *fdb = &ovl->fdb;
	struct ovl_vni *v = NULL;
	u32 vni = 0;
	int err;

	err = ovl_fdb_parse_src_vni(ovl, tb, &vni, extack);
	if (err)
		return err;
	if (ovl->ext) {
		v = ovl_vni_find(ovl, vni);
		if (!v) {
			NL_SET_ERR_MSG_ATTR(extack, tb[NDA_SRC_VNI],
					    "NDA_SRC_VNI: no entries for this VNI");
			return -ENOENT;
		}
		fdb = &v->fdb;
	}
	if (tb[NDA_DST]) {
		err = ovl_fdb_parse(ovl, tb, vid, &key, extack);
		if (err)
			return err;
		k = &key;
	}
	/* RTM_DELNEIGH for each destination removed comes from the FDB */
	err = ovl_fdb_del(fdb, addr, k);
	if (err)
		NL_SET_ERR_MSG_ATTR(extack, tb[NDA_LLADDR],
				    "NDA_LLADDR: no such entry");
	if (v)
		ovl_vni_put_if_empty(ovl, v);
	return err;
}

/* --- bridge fdb get ------------------------------------------------- */

/* As the in-tree vxlan: the entry with its first destination. */
int ovl_fdb_nl_get(struct sk_buff *skb, struct nlattr *tb[],
		   struct net_device *dev, const unsigned char *addr,
		   u16 vid, u32 portid, u32 seq,
		   struct netlink_ext_ack *extack)
{
	struct ovl_dev *ovl = netdev_priv(dev);
	struct ovl_fdb_entry *e = NULL;
	struct ovl_fdb_dest *d;
	struct ovl_vni *v = NULL;
	struct ovl_fdb_msg m;
	int err = -ENOENT;
	u32 vni = 0;

	if (vid) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NDA_VLAN],
				    "NDA_VLAN: VLAN-aware entries are not supported");
		return -EINVAL;
	}
	err = ovl_fdb_parse_src_vni(ovl, tb, &vni, extack);
	if (err)
		return err;
	err = -ENOENT;
	rcu_read_lock();
	if (ovl->ext) {
		v = ovl_vni_find(ovl, vni);
		if (v)
			e = ovl_fdb_lookup(&v->fdb, addr);
	} else {
		e = ovl_fdb_lookup(&ovl->fdb, addr);
	}
	d = e ? rcu_dereference(e->dests) : NULL;
	if (d) {
		ovl_fdb_msg_of(&m, e, d, v);
		err = ovl_fdb_fill(skb, ovl, &m, portid, seq, RTM_NEWNEIGH, 0);
	} else {
		NL_SET_ERR_MSG_ATTR(extack, tb[NDA_LLADDR],
				    "NDA_LLADDR: no such entry");
	}
	rcu_read_unlock();
	return err;
}

/* --- bridge fdb flush (bulk delete) --------------------------------- */

struct ovl_flush_desc {
	u16 state, state_mask;		/* on the state shown */
	u8 flags, flags_mask;		/* on the NTF_* flags shown */
	struct ovl_addr dst;		/* AF_UNSPEC: any */
	__be16 port;			/* 0: any */
	bool has_vni;
	u32 vni;
};

static bool ovl_flush_match(const struct ovl_fdb_entry *e,
			    const struct ovl_fdb_dest *d, const void *arg)
{
	const struct ovl_flush_desc *f = arg;
	const struct ovl_remote_key *k = &d->remote->key;
	struct ovl_fdb_msg m;

	ovl_fdb_msg_of(&m, e, d, NULL);
	if ((m.state & f->state_mask) != f->state)
		return false;
	if ((m.ndm_flags & f->flags_mask) != f->flags)
		return false;
	if (f->dst.family && !ovl_addr_equal(&f->dst, &k->ip))
		return false;
	if (f->port && f->port != k->port)
		return false;
	return !f->has_vni || f->vni == k->id;
}

#define OVL_FLUSH_STATES	(NUD_PERMANENT | NUD_NOARP)
#define OVL_FLUSH_FLAGS		(NTF_EXT_LEARNED | NTF_STICKY | NTF_ROUTER | \
				 NTF_OFFLOADED)

static int ovl_fdb_flush_desc(const struct ndmsg *ndm, struct nlattr *tb[],
			      struct ovl_flush_desc *f,
			      struct netlink_ext_ack *extack)
{
	u8 flags = ndm->ndm_flags & ~(NTF_SELF | NTF_MASTER);

	memset(f, 0, sizeof(*f));
	if (ndm->ndm_flags & NTF_MASTER) {
		NL_SET_ERR_MSG(extack,
			       "ndm_flags: an ovl device's own entries are flushed with self, not master");
		return -EINVAL;
	}
	if (flags & ~OVL_FLUSH_FLAGS) {
		NL_SET_ERR_MSG(extack, "ndm_flags: unsupported flag bits for a flush");
		return -EINVAL;
	}
	if (ndm->ndm_state & ~OVL_FLUSH_STATES) {
		NL_SET_ERR_MSG(extack, "ndm_state: unsupported state bits for a flush");
		return -EINVAL;
	}
	f->state = ndm->ndm_state;
	f->flags = flags;
	if (tb[NDA_NDM_STATE_MASK]) {
		f->state_mask = nla_get_u16(tb[NDA_NDM_STATE_MASK]);
		if (f->state_mask & ~OVL_FLUSH_STATES) {
			NL_SET_ERR_MSG_ATTR(extack, tb[NDA_NDM_STATE_MASK],
					    "NDA_NDM_STATE_MASK: only permanent and noarp");
			return -EINVAL;
		}
	}
	if (tb[NDA_NDM_FLAGS_MASK]) {
		f->flags_mask = nla_get_u8(tb[NDA_NDM_FLAGS_MASK]);
		if (f->flags_mask & ~OVL_FLUSH_FLAGS) {
			NL_SET_ERR_MSG_ATTR(extack, tb[NDA_NDM_FLAGS_MASK],
					    "NDA_NDM_FLAGS_MASK: unsupported flag bits");
			return -EINVAL;
		}
	}
	/* a state or flag asked for without a mask is asked for exactly */
	f->state_mask |= f->state;
	f->flags_mask |= f->flags;
	if (tb[NDA_IFINDEX]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NDA_IFINDEX],
				    "NDA_IFINDEX: an ovl device has no bridge ports");
		return -EINVAL;
	}
	return 0;
}

static void ovl_fdb_flush_one(struct ovl_fdb *fdb, void *arg)
{
	/* RTM_DELNEIGH for each destination removed comes from the FDB */
	ovl_fdb_flush_filter(fdb, arg);
}

/* An external device: every VNI's FDB, and the VNIs left empty go. */
static int ovl_fdb_do_flush(struct ovl_dev *ovl, struct ovl_flush_desc *f)
{
	struct ovl_fdb_filter filter = { .match = ovl_flush_match, .arg = f };

	ovl_ext_fdbs_apply(ovl, ovl_fdb_flush_one, &filter);
	ovl_ext_flush_empty(ovl);
	return 0;
}

#ifdef OVL_HAVE_FDB_DEL_BULK_NLH
static const struct nla_policy ovl_fdb_bulk_policy[NDA_MAX + 1] = {
	[NDA_NDM_STATE_MASK]	= { .type = NLA_U16 },
	[NDA_NDM_FLAGS_MASK]	= { .type = NLA_U8 },
	[NDA_DST]		= NLA_POLICY_RANGE(NLA_BINARY, sizeof(__be32),
						   sizeof(struct in6_addr)),
	[NDA_PORT]		= { .type = NLA_U16 },
	[NDA_VNI]		= { .type = NLA_U32 },
};

/* Since 6.8 the driver parses the request itself, dst/port/vni included. */
int ovl_fdb_nl_del_bulk(struct nlmsghdr *nlh, struct net_device *dev,
			struct netlink_ext_ack *extack)
{
	struct ovl_dev *ovl = netdev_priv(dev);
	const struct ovl_cfg *cfg = rtnl_dereference(ovl->cfg);
	struct ndmsg *ndm = nlmsg_data(nlh);
	struct nlattr *tb[NDA_MAX + 1];
	struct ovl_flush_desc f;
	int err;

	err = nlmsg_parse(nlh, sizeof(*ndm), tb, NDA_MAX, ovl_fdb_bulk_policy,
			  extack);
	if (err)
		return err;
	err = ovl_fdb_flush_desc(ndm, tb, &f, extack);
	if (err)
		return err;
	if (tb[NDA_DST]) {
		err = ovl_fdb_parse_dst(cfg, tb[NDA_DST], &f.dst, extack);
		if (err)
			return err;
	}
	if (tb[NDA_PORT]) {
		if (ovl->kind->id != OVL_KIND_VXLAN) {
			NL_SET_ERR_MSG_ATTR(extack, tb[NDA_PORT],
					    "NDA_PORT: ovl-gre has no UDP port");
			return -EINVAL;
		}
		f.port = nla_get_be16(tb[NDA_PORT]);
	}
	if (tb[NDA_VNI]) {
		f.has_vni = true;
		f.vni = nla_get_u32(tb[NDA_VNI]);
	}
	return ovl_fdb_do_flush(ovl, &f);
}
#else
/*
 * Before 6.8 the core parses the request with its own policy: state and
 * flag masks only (dst, port and vni are refused before they get here).
 */
int ovl_fdb_nl_del_bulk(struct ndmsg *ndm, struct nlattr *tb[],
			struct net_device *dev, u16 vid,
			struct netlink_ext_ack *extack)
{
	struct ovl_dev *ovl = netdev_priv(dev);
	struct ovl_flush_desc f;
	int err;

	if (vid) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NDA_VLAN],
				    "NDA_VLAN: VLAN-aware entries are not supported");
		return -EINVAL;
	}
	err = ovl_fdb_flush_desc(ndm, tb, &f, extack);
	if (err)
		return err;
	return ovl_fdb_do_flush(ovl, &f);
}
#endif

/* --- bridge fdb show ------------------------------------------------ */

static int ovl_fdb_dump_entry(struct sk_buff *skb, struct netlink_callback *cb,
			      const struct ovl_dev *ovl,
			      const struct ovl_vni *v,
			      struct ovl_fdb_entry *e, int *idx)
{
	struct ovl_fdb_dest *d;
	struct ovl_fdb_msg m;
	int err;

	for (d = rcu_dereference(e->dests); d; d = rcu_dereference(d->next)) {
		if (*idx >= cb->args[2]) {
			ovl_fdb_msg_of(&m, e, d, v);
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

static int ovl_fdb_dump_fdb(struct sk_buff *skb, struct netlink_callback *cb,
			    const struct ovl_dev *ovl, struct ovl_fdb *fdb,
			    const struct ovl_vni *v, int *idx)
{
	struct rhashtable_iter iter;
	struct ovl_fdb_entry *e;
	int err = 0;

	rhashtable_walk_enter(&fdb->entries, &iter);
	rhashtable_walk_start(&iter);
	while ((e = rhashtable_walk_next(&iter))) {
		if (IS_ERR(e))
			continue;
		err = ovl_fdb_dump_entry(skb, cb, ovl, v, e, idx);
		if (err)
			break;
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
	return err;
}

/* An external device's VNIs are walked under RCU (freed after a grace). */
int ovl_fdb_nl_dump(struct sk_buff *skb, struct netlink_callback *cb,
		    struct net_device *dev, struct net_device *filter_dev,
		    int *idx)
{
	struct ovl_dev *ovl = netdev_priv(dev);
	struct ovl_vni *v;
	int bkt, err = 0;

	if (!ovl->ext)
		return ovl_fdb_dump_fdb(skb, cb, ovl, &ovl->fdb, NULL, idx);
	rcu_read_lock();
	hash_for_each_rcu(ovl->ext->vnis, bkt, v, node) {
		err = ovl_fdb_dump_fdb(skb, cb, ovl, &v->fdb, v, idx);
		if (err)
			break;
	}
	rcu_read_unlock();
	return err;
}
