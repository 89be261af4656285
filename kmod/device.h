/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ovl net_device: one struct for both kinds, a per-kind ops table,
 * and the per-namespace state (device list, tenant-ID demux table).
 */
#ifndef _OVL_DEVICE_H
#define _OVL_DEVICE_H

#include "fdb.h"

#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/hashtable.h>
#include <net/gro_cells.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <uapi/linux/ovlnet.h>

struct ovl_dev;
struct ovl_ext;
struct ovl_sock;

enum ovl_kind_id {
	OVL_KIND_VXLAN,
	OVL_KIND_GRE,
};

/*
 * Configuration.  Replaced as a whole on changelink (RTNL) and published
 * with RCU, so the data path always sees one consistent version.
 */
struct ovl_cfg {
	u32 id;				/* VNI, or GRE key / NVGRE VSID */
	sa_family_t family;		/* underlay: AF_INET or AF_INET6 */
	struct ovl_addr local;
	struct ovl_addr remote;		/* unicast remote or multicast group */
	u32 link;			/* underlay ifindex, 0 = any */
	__be16 port;			/* ovl-vxlan destination port */
	u16 port_min, port_max;		/* ovl-vxlan source port range */
	u8 ttl;
	u8 tos;
	u8 df;				/* enum ovl_df */
	bool ttl_inherit;
	bool tos_inherit;
	bool learning;
	bool udp_csum;
	bool udp6_zero_csum_tx;		/* RFC 6935 zero UDP checksum over IPv6 */
	bool udp6_zero_csum_rx;		/* accept them (per UDP socket) */
	bool gre_csum;
	bool nvgre;
	bool proxy;
	bool l2miss;
	bool l3miss;
	bool remotes_only;
	bool external;			/* collect metadata: external.c */
	u32 ageing;			/* seconds */
	u32 maxaddr;
	u32 bumlimit;			/* packets per second, 0 = off */
	u32 fwmark;
	u32 priority;
	struct rcu_head rcu;
};

/* Reasons a packet was dropped or an event counted; see uapi. */
enum ovl_counter {
	OVL_CNT_RX_BAD_HEADER,
	OVL_CNT_RX_UNKNOWN_ID,
	OVL_CNT_RX_RUNT,
	OVL_CNT_RX_BAD_CSUM,
	OVL_CNT_RX_NOT_REMOTE,
	OVL_CNT_RX_LOOP,
	OVL_CNT_LEARN_REFUSED,
	OVL_CNT_LEARNED,
	OVL_CNT_TX_NO_ROUTE,
	OVL_CNT_TX_NO_DEST,
	OVL_CNT_TX_BUM_LIMITED,
	OVL_CNT_TX_TOO_BIG,
	OVL_CNT_TX_PROXY_REPLIES,
	OVL_CNT_TX_ENCAP_ERRORS,
	OVL_CNT_LEARN_BLOCKED,
	OVL_CNT_FDB_EVENTS,
	OVL_CNT_FDB_EVENTS_SUPPRESSED,
	OVL_CNT_FDB_AGE_VISITED,	/* kept in ovl_fdb, see ovl_dev_counters() */
	OVL_CNT_RX_ECN_ERRORS,
	OVL_CNT_TX_BAD_METADATA,
	OVL_CNT_MAX,
};

struct ovl_counters {
	u64 cnt[OVL_CNT_MAX];
};

/* Token bucket for broadcast/unknown/multicast frames, per device. */
struct ovl_bum_limiter {
	spinlock_t lock;		/* protects tokens and last */
	u64 tokens;			/* in 1/HZ packet units */
	unsigned long last;		/* jiffies */
};

struct ovl_kind {
	enum ovl_kind_id id;
	const char *name;
	/* bytes the encapsulation adds, inner Ethernet header included */
	unsigned int (*overhead)(const struct ovl_cfg *cfg);
	/* at creation and deletion (RTNL): underlay receive set-up */
	int (*attach)(struct ovl_dev *ovl, const struct ovl_cfg *cfg,
		      struct netlink_ext_ack *extack);
	void (*detach)(struct ovl_dev *ovl);
	/* ndo_open/ndo_stop (RTNL) */
	int (*open)(struct ovl_dev *ovl);
	void (*stop)(struct ovl_dev *ovl);
	/* encapsulate one copy of @skb (consumed) towards @remote */
	void (*xmit)(struct ovl_dev *ovl, const struct ovl_cfg *cfg,
		     struct sk_buff *skb, struct ovl_remote *remote);
};

struct ovl_dev {
	struct net_device *dev;
	struct net *net;		/* underlay namespace (no reference) */
	const struct ovl_kind *kind;
	struct ovl_cfg __rcu *cfg;	/* RTNL writes, RCU reads */
	/*
	 * Underlay ifindex in @net (cfg->link), 0 = any.  Set before
	 * register_netdevice() and never changed: the device is deleted
	 * with its underlay device (ovl_netdev_event()), so lockless
	 * readers (ndo_get_iflink from sysfs) need no lock.
	 */
	int link;
	struct ovl_fdb fdb;
	struct gro_cells gro_cells;
	struct ovl_sock *sock;		/* ovl-vxlan, while up; RTNL */
	struct ovl_gre_rx *gre_rx;	/* ovl-gre: its receive device; RTNL */
	/* in ovl_net.ids, or ovl_net.externals if external; RTNL writes */
	struct hlist_node id_node;
	struct ovl_ext *ext;		/* external: the per-VNI table, else NULL */
	struct list_head list;		/* in ovl_net.devices; RTNL */
	struct ovl_counters __percpu *counters;
	struct ovl_bum_limiter bum;
};

/*
 * ovl-gre receive (gre.c): the collect-metadata GRE device of one
 * namespace and family, shared by its ovl-gre devices.  RTNL.
 */
struct ovl_gre_rx {
	struct net_device *dev;		/* NULL once someone deleted it */
	unsigned int users;		/* ovl-gre devices of this family */
	bool csum;			/* the device wants the C bit */
};

#define OVL_ID_HASH_BITS	10
#define OVL_MAX_TX_QUEUES	16

/*
 * Per underlay namespace.  RTNL protects the lists and every change of
 * @ids; rx reads @ids under RCU, RTNL holders walk it without RCU (the
 * walkers pass lockdep_rtnl_is_held() as the list's lockdep condition).
 */
struct ovl_net {
	struct net *net;
	struct list_head devices;	/* devices whose underlay is here */
	struct list_head socks;		/* ovl_sock, shared UDP sockets */
	DECLARE_HASHTABLE(ids, OVL_ID_HASH_BITS);
	struct hlist_head externals;	/* external devices, same rules as @ids */
	struct ovl_gre_rx gre_rx[2];	/* [0] IPv4, [1] IPv6 */
	struct ovl_counters __percpu *counters;	/* drops no device owns */
};

extern unsigned int ovl_net_id;
extern const struct ovl_kind ovl_vxlan_kind;
extern const struct ovl_kind ovl_gre_kind;

int ovl_gre_init(void);
void ovl_gre_exit(void);

static inline struct ovl_net *ovl_net(struct net *net)
{
	return net_generic(net, ovl_net_id);
}

static inline void ovl_count(struct ovl_counters __percpu *c,
			     enum ovl_counter what)
{
	this_cpu_inc(c->cnt[what]);
}

void ovl_counters_sum(struct ovl_counters __percpu *c, u64 *out);
void ovl_dev_counters(const struct ovl_dev *ovl, u64 *out);
extern const char ovl_counter_names[OVL_CNT_MAX][ETH_GSTRING_LEN];

void ovl_setup(struct net_device *dev);
unsigned int ovl_default_mtu(const struct ovl_dev *ovl,
			     const struct ovl_cfg *cfg, struct net *net);
unsigned int ovl_max_mtu(const struct ovl_dev *ovl, const struct ovl_cfg *cfg,
			 struct net *net);
extern struct notifier_block ovl_netdev_notifier;
void ovl_register(struct ovl_dev *ovl);
void ovl_unregister(struct ovl_dev *ovl, struct list_head *head);

/*
 * Received packets find their device by (kind, space, id): for ovl-vxlan
 * the space is the UDP port, for ovl-gre it tells plain keys (0) from
 * NVGRE VSIDs (1).
 */
static inline u32 ovl_demux_space(const struct ovl_dev *ovl,
				  const struct ovl_cfg *cfg)
{
	if (ovl->kind->id == OVL_KIND_VXLAN)
		return (__force u16)cfg->port;
	return cfg->nvgre;
}

struct ovl_dev *ovl_find_by_id(struct ovl_net *on, enum ovl_kind_id kind,
			       u32 space, u32 id, sa_family_t family,
			       const struct ovl_addr *dst);
bool ovl_find_conflict(struct ovl_net *on, const struct ovl_dev *self,
		       const struct ovl_cfg *cfg);

#endif /* _OVL_DEVICE_H */
