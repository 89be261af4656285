// SPDX-License-Identifier: GPL-2.0
/*
 * net_device plumbing shared by ovl-vxlan and ovl-gre: setup, open/stop,
 * statistics, ethtool, and the per-namespace tenant-ID table.
 */

#include "device.h"
#include "external.h"
#include "fdb_netlink.h"
#include "proto.h"
#include "send.h"

#include <linux/ethtool.h>
#include <linux/etherdevice.h>
#include <linux/jhash.h>
#include <net/ip_tunnels.h>

const char ovl_counter_names[OVL_CNT_MAX][ETH_GSTRING_LEN] = {
	[OVL_CNT_RX_BAD_HEADER]		= "rx_bad_header",
	[OVL_CNT_RX_UNKNOWN_ID]		= "rx_unknown_id",
	[OVL_CNT_RX_RUNT]		= "rx_runt",
	[OVL_CNT_RX_BAD_CSUM]		= "rx_bad_csum",
	[OVL_CNT_RX_NOT_REMOTE]		= "rx_not_remote",
	[OVL_CNT_RX_LOOP]		= "rx_loop",
	[OVL_CNT_LEARN_REFUSED]		= "learn_refused",
	[OVL_CNT_LEARNED]		= "learned",
	[OVL_CNT_TX_NO_ROUTE]		= "tx_no_route",
	[OVL_CNT_TX_NO_DEST]		= "tx_no_dest",
	[OVL_CNT_TX_BUM_LIMITED]	= "tx_bum_limited",
	[OVL_CNT_TX_TOO_BIG]		= "tx_too_big",
	[OVL_CNT_TX_PROXY_REPLIES]	= "tx_proxy_replies",
	[OVL_CNT_TX_ENCAP_ERRORS]	= "tx_encap_errors",
	[OVL_CNT_LEARN_BLOCKED]		= "learn_blocked",
	[OVL_CNT_FDB_EVENTS]		= "fdb_events",
	[OVL_CNT_FDB_EVENTS_SUPPRESSED]	= "fdb_events_suppressed",
	[OVL_CNT_FDB_AGE_VISITED]	= "fdb_age_visited",
	[OVL_CNT_RX_ECN_ERRORS]		= "rx_ecn_errors",
	[OVL_CNT_TX_BAD_METADATA]	= "tx_bad_metadata",
};

void ovl_counters_sum(struct ovl_counters __percpu *c, u64 *out)
{
	int cpu, i;

	memset(out, 0, sizeof(u64) * OVL_CNT_MAX);
	for_each_possible_cpu(cpu) {
		const struct ovl_counters *pc = per_cpu_ptr(c, cpu);

		for (i = 0; i < OVL_CNT_MAX; i++)
			out[i] += READ_ONCE(pc->cnt[i]);
	}
}

/* A device's counters: the per-CPU ones and what the FDB keeps itself. */
void ovl_dev_counters(const struct ovl_dev *ovl, u64 *out)
{
	ovl_counters_sum(ovl->counters, out);
	out[OVL_CNT_FDB_AGE_VISITED] = READ_ONCE(ovl->fdb.age_visited);
}

/* --- netdev ops ------------------------------------------------------ */

static int ovl_init(struct net_device *dev)
{
	struct ovl_dev *ovl = netdev_priv(dev);
	int err;

	ovl->counters = alloc_percpu(struct ovl_counters);
	if (!ovl->counters)
		return -ENOMEM;
	err = ovl_fdb_init(&ovl->fdb);
	if (err)
		goto err_counters;
	ovl->fdb.notify = ovl_fdb_nl_event;
	/* newlink published the configuration before registering */
	if (rtnl_dereference(ovl->cfg)->external) {
		err = ovl_ext_init(ovl);
		if (err)
			goto err_fdb;
	}
	err = gro_cells_init(&ovl->gro_cells, dev);
	if (err)
		goto err_ext;
	return 0;

err_ext:
	ovl_ext_destroy(ovl);
err_fdb:
	ovl_fdb_destroy(&ovl->fdb);
err_counters:
	free_percpu(ovl->counters);
	return err;
}

static void ovl_uninit(struct net_device *dev)
{
	struct ovl_dev *ovl = netdev_priv(dev);

	gro_cells_destroy(&ovl->gro_cells);
	ovl_ext_destroy(ovl);
	ovl_fdb_destroy(&ovl->fdb);
	free_percpu(ovl->counters);
	kfree(rtnl_dereference(ovl->cfg));
	RCU_INIT_POINTER(ovl->cfg, NULL);
}

static int ovl_open(struct net_device *dev)
{
	struct ovl_dev *ovl = netdev_priv(dev);

	return ovl->kind->open ? ovl->kind->open(ovl) : 0;
}

static void ovl_flush_dynamic(struct ovl_fdb *fdb, void *unused)
{
	ovl_fdb_flush(fdb, false);
}

static int ovl_stop(struct net_device *dev)
{
	struct ovl_dev *ovl = netdev_priv(dev);

	if (ovl->kind->stop)
		ovl->kind->stop(ovl);
	ovl_ext_fdbs_apply(ovl, ovl_flush_dynamic, NULL);
	return 0;
}

/* Called from sysfs without RTNL or RCU: only immutable fields here. */
static int ovl_get_iflink(const struct net_device *dev)
{
	const struct ovl_dev *ovl = netdev_priv(dev);

	return ovl->link;
}

static const struct net_device_ops ovl_netdev_ops = {
	.ndo_init		= ovl_init,
	.ndo_uninit		= ovl_uninit,
	.ndo_open		= ovl_open,
	.ndo_stop		= ovl_stop,
	.ndo_start_xmit		= ovl_xmit,
	.ndo_get_stats64	= dev_get_tstats64,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_get_iflink		= ovl_get_iflink,
	.ndo_fdb_add		= ovl_fdb_nl_add,
	.ndo_fdb_del		= ovl_fdb_nl_del,
	.ndo_fdb_del_bulk	= ovl_fdb_nl_del_bulk,
	.ndo_fdb_dump		= ovl_fdb_nl_dump,
	.ndo_fdb_get		= ovl_fdb_nl_get,
};

/* --- ethtool ------------------------------------------------------- */

static void ovl_get_drvinfo(struct net_device *dev,
			    struct ethtool_drvinfo *info)
{
	const struct ovl_dev *ovl = netdev_priv(dev);

	strscpy(info->driver, ovl->kind->name, sizeof(info->driver));
	strscpy(info->version, "1.0", sizeof(info->version));
}

static int ovl_get_sset_count(struct net_device *dev, int sset)
{
	return sset == ETH_SS_STATS ? OVL_CNT_MAX : -EOPNOTSUPP;
}

static void ovl_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	if (sset == ETH_SS_STATS)
		memcpy(data, ovl_counter_names, sizeof(ovl_counter_names));
}

static void ovl_get_ethtool_stats(struct net_device *dev,
				  struct ethtool_stats *stats, u64 *data)
{
	struct ovl_dev *ovl = netdev_priv(dev);

	ovl_dev_counters(ovl, data);
}

static const struct ethtool_ops ovl_ethtool_ops = {
	.get_drvinfo		= ovl_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_sset_count		= ovl_get_sset_count,
	.get_strings		= ovl_get_strings,
	.get_ethtool_stats	= ovl_get_ethtool_stats,
};

/* --- setup ----------------------------------------------------------- */

#define OVL_FEATURES	(NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_RXCSUM | \
			 NETIF_F_FRAGLIST | NETIF_F_GSO_SOFTWARE)

/*
 * Lockless transmit: ovl_xmit() takes no per-queue state (see below).
 * 6.12 moved the flag from the NETIF_F_LLTX feature bit (then removed)
 * to dev->lltx, so the bit's macro tells which kernel this is.
 */
static void ovl_set_lltx(struct net_device *dev)
{
#ifdef NETIF_F_LLTX
	dev->features |= NETIF_F_LLTX;
#else
	dev->lltx = true;
#endif
}

/*
 * An Ethernet device that costs nothing until it is shaped, like veth:
 * IFF_NO_QUEUE (the default root is noqueue, so a frame goes straight
 * from the bridge to ovl_xmit() with no qdisc stage and no qdisc memory)
 * and LLTX (no TX queue lock).  ovl_xmit() may therefore run on several
 * CPUs at once for one queue: what it touches is RCU (cfg, FDB), per-CPU
 * (tstats, core stats, ovl counters, dst caches), atomic (DEV_STATS) or
 * locked (the BUM bucket).  tx_queue_len stays ether_setup()'s 1000 and
 * the TX queues stay real (one per CPU, see ovl_get_num_tx_queues()), so
 * `tc qdisc add dev X root htb|mq|fq_codel ...` works as on a NIC, and
 * the pfifo leaves HTB and mq create get a 1000-packet limit.
 */
void ovl_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->priv_flags |= IFF_NO_QUEUE;
	ovl_set_lltx(dev);
	dev->netdev_ops = &ovl_netdev_ops;
	dev->ethtool_ops = &ovl_ethtool_ops;
	dev->needs_free_netdev = true;
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;
	dev->features |= OVL_FEATURES;
	dev->hw_features |= OVL_FEATURES;
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	dev->priv_flags |= IFF_LIVE_ADDR_CHANGE;
	dev->min_mtu = ETH_MIN_MTU;
	/* newlink sets the real bound; until then let IFLA_MTU through */
	dev->max_mtu = IP_MAX_MTU;
	netif_keep_dst(dev);
	eth_hw_addr_random(dev);
}

/* Lower device's MTU (or Ethernet's 1500) minus the encapsulation. */
unsigned int ovl_default_mtu(const struct ovl_dev *ovl,
			     const struct ovl_cfg *cfg, struct net *net)
{
	unsigned int overhead = ovl->kind->overhead(cfg);
	unsigned int lower = ETH_DATA_LEN;
	struct net_device *ldev;

	if (cfg->link) {
		ldev = __dev_get_by_index(net, cfg->link);
		if (ldev)
			lower = ldev->mtu;
	}
	return lower > overhead + ETH_MIN_MTU ? lower - overhead : ETH_MIN_MTU;
}

/* The largest MTU: what the lower device carries, else what IP does. */
unsigned int ovl_max_mtu(const struct ovl_dev *ovl, const struct ovl_cfg *cfg,
			 struct net *net)
{
	struct net_device *ldev = cfg->link ?
				  __dev_get_by_index(net, cfg->link) : NULL;
	unsigned int overhead = ovl->kind->overhead(cfg);

	if (!ldev)
		return IP_MAX_MTU - overhead;
	return ldev->mtu > overhead + ETH_MIN_MTU ? ldev->mtu - overhead
						  : ETH_MIN_MTU;
}

/* --- the underlay device ---------------------------------------------- */

/*
 * The lower device's MTU changed: max_mtu follows it, and an MTU above
 * the new maximum comes down to it (as for vlan and macvlan devices).
 */
static void ovl_lower_mtu_changed(struct ovl_dev *ovl)
{
	const struct ovl_cfg *cfg = rtnl_dereference(ovl->cfg);
	struct net_device *dev = ovl->dev;
	unsigned int max = ovl_max_mtu(ovl, cfg, ovl->net);

	dev->max_mtu = max;
	if (dev->mtu > max)
		dev_set_mtu(dev, max);
}

static void ovl_forget_ifindex(struct ovl_fdb *fdb, void *ifindex)
{
	ovl_fdb_forget_ifindex(fdb, *(int *)ifindex);
}

/*
 * Follows the lower devices (the `dev` option).  As the in-tree vxlan
 * does (vxlan_handle_lowerdev_unregister()), a device whose lower device
 * is unregistered -- deleted, or moved to another namespace -- is deleted
 * with it: its route oif, multicast joins, iflink and MTU bound all name
 * that device.  The other devices of the namespace forget the FDB
 * destinations sent `via` it (`bridge fdb ... via DEV`).  RTNL.
 */
static int ovl_netdev_event(struct notifier_block *nb, unsigned long event,
			    void *ptr)
{
	struct net_device *ldev = netdev_notifier_info_to_dev(ptr);
	struct ovl_net *on = ovl_net(dev_net(ldev));
	struct ovl_dev *ovl, *next;
	LIST_HEAD(kill);

	/* NULL for a namespace that failed before ovlnet's init ran */
	if (!on || (event != NETDEV_UNREGISTER && event != NETDEV_CHANGEMTU))
		return NOTIFY_DONE;
	list_for_each_entry_safe(ovl, next, &on->devices, list) {
		if (ovl->link != ldev->ifindex) {
			if (event == NETDEV_UNREGISTER)
				ovl_ext_fdbs_apply(ovl, ovl_forget_ifindex,
						   &ldev->ifindex);
			continue;
		}
		if (event == NETDEV_CHANGEMTU)
			ovl_lower_mtu_changed(ovl);
		else
			ovl->dev->rtnl_link_ops->dellink(ovl->dev, &kill);
	}
	unregister_netdevice_many(&kill);
	return NOTIFY_DONE;
}

struct notifier_block ovl_netdev_notifier = {
	.notifier_call = ovl_netdev_event,
};

/* --- the tenant-ID table -------------------------------------------- */

static u32 ovl_id_hash(enum ovl_kind_id kind, u32 space, u32 id)
{
	return jhash_3words(kind, space, id, 0);
}

/*
 * Does a packet to @dst belong to @cfg's device?  A multicast destination
 * belongs only to the devices of that group: two tenants may share an ID
 * on different local addresses, and the group is what tells their BUM
 * traffic apart.  A unicast one must be the device's local address
 * (unless either side is the wildcard).
 */
static bool ovl_dst_matches(const struct ovl_cfg *cfg,
			    const struct ovl_addr *dst)
{
	if (ovl_addr_multicast(dst))
		return ovl_addr_equal(&cfg->remote, dst);
	return ovl_addr_any(&cfg->local) || ovl_addr_any(dst) ||
	       ovl_addr_equal(&cfg->local, dst);
}

/*
 * The device for a received packet to @dst (a local address or a
 * multicast group), under RCU or RTNL.
 */
struct ovl_dev *ovl_find_by_id(struct ovl_net *on, enum ovl_kind_id kind,
			       u32 space, u32 id, sa_family_t family,
			       const struct ovl_addr *dst)
{
	struct ovl_dev *ovl;

	hash_for_each_possible_rcu(on->ids, ovl, id_node,
				   ovl_id_hash(kind, space, id),
				   lockdep_rtnl_is_held()) {
		const struct ovl_cfg *cfg = rcu_dereference_rtnl(ovl->cfg);

		if (ovl->kind->id == kind && cfg->id == id &&
		    ovl_demux_space(ovl, cfg) == space &&
		    cfg->family == family && ovl_dst_matches(cfg, dst))
			return ovl;
	}
	return NULL;
}

static bool ovl_taken(struct ovl_net *on, const struct ovl_dev *self,
		      u32 space, u32 id, const struct ovl_cfg *cfg)
{
	struct ovl_dev *other;

	other = ovl_find_by_id(on, self->kind->id, space, id, cfg->family,
			       &cfg->local);
	if (other && other != self)
		return true;
	/* one device per (ID, group): the group is what demultiplexes */
	if (!ovl_addr_multicast(&cfg->remote))
		return false;
	other = ovl_find_by_id(on, self->kind->id, space, id, cfg->family,
			       &cfg->remote);
	return other && other != self;
}

/*
 * Another device that would receive packets meant for @cfg; RTNL.  For
 * ovl-gre an NVGRE VSID covers 256 keys, so plain keys and VSIDs are
 * checked against each other too: otherwise one tenant's FlowIDs could
 * land in another tenant's device.
 */
bool ovl_find_conflict(struct ovl_net *on, const struct ovl_dev *self,
		       const struct ovl_cfg *cfg)
{
	u32 flow;

	if (ovl_taken(on, self, ovl_demux_space(self, cfg), cfg->id, cfg))
		return true;
	if (self->kind->id != OVL_KIND_GRE)
		return false;
	if (!cfg->nvgre)
		return ovl_taken(on, self, 1, ovl_nvgre_vsid(cfg->id), cfg);
	for (flow = 0; flow < 256; flow++)
		if (ovl_taken(on, self, 0, ovl_nvgre_key(cfg->id, flow), cfg))
			return true;
	return false;
}

/*
 * Hashes the device by tenant ID (an external one goes on the
 * namespace's list of those); its cfg is published.  RTNL.
 */
void ovl_register(struct ovl_dev *ovl)
{
	const struct ovl_cfg *cfg = rtnl_dereference(ovl->cfg);
	struct ovl_net *on = ovl_net(ovl->net);

	if (cfg->external)
		hlist_add_head_rcu(&ovl->id_node, &on->externals);
	else
		hash_add_rcu(on->ids, &ovl->id_node,
			     ovl_id_hash(ovl->kind->id,
					 ovl_demux_space(ovl, cfg), cfg->id));
	list_add(&ovl->list, &on->devices);
}

/* Unhashes and queues the device for unregistration; RTNL. */
void ovl_unregister(struct ovl_dev *ovl, struct list_head *head)
{
	hash_del_rcu(&ovl->id_node);
	list_del(&ovl->list);
	unregister_netdevice_queue(ovl->dev, head);
}
