/* SPDX-License-Identifier: GPL-2.0 */
/*
 * External (collect-metadata) mode: one device carries many VNIs (for
 * ovl-gre: keys; "VNI" below means either), the VNI of each frame
 * travelling in its tunnel metadata (bridge
 * vlan_tunnel, tc tunnel_key, eBPF).  Each VNI the control plane
 * registers (with a `bridge fdb ... src_vni N` entry) gets a struct
 * ovl_vni: its own FDB, flood list, BUM bucket and counters, so
 * learning, ageing, maxaddress, bumlimit and remotes-only work per VNI
 * with the code the single-VNI devices use.  A VNI without one is
 * dropped on receive and on transmit through the FDB, and counted.
 */
#ifndef _OVL_EXTERNAL_H
#define _OVL_EXTERNAL_H

#include "device.h"
#include "receive.h"

#include <linux/hashtable.h>

struct ip_tunnel_info;

enum ovl_vni_stat {
	OVL_VNI_RX_PACKETS,
	OVL_VNI_RX_BYTES,
	OVL_VNI_RX_DROPPED,
	OVL_VNI_TX_PACKETS,
	OVL_VNI_TX_BYTES,
	OVL_VNI_STAT_MAX,
};

struct ovl_vni_stats {
	u64 cnt[OVL_VNI_STAT_MAX];
};

/*
 * One VNI of an external device.  Created and freed under RTNL (bridge
 * fdb requests, device teardown); the data path finds it under RCU, and
 * it is freed only after a grace period (ovl_vni_remove()).
 */
struct ovl_vni {
	struct hlist_node node;		/* in ovl_ext.vnis; RTNL writes */
	u32 vni;
	struct ovl_dev *ovl;
	struct ovl_fdb fdb;		/* its notify reports NDA_SRC_VNI */
	struct ovl_bum_limiter bum;
	struct ovl_vni_stats __percpu *stats;
	struct list_head gone;		/* ovl_ext_flush_empty()'s; RTNL */
};

#define OVL_VNI_HASH_BITS	8
#define OVL_EXT_MAX_VNIS	16384

/* The VNIs of an external device; RTNL writes, RCU reads. */
struct ovl_ext {
	DECLARE_HASHTABLE(vnis, OVL_VNI_HASH_BITS);
	unsigned int count;		/* RTNL */
};

int ovl_ext_init(struct ovl_dev *ovl);
void ovl_ext_destroy(struct ovl_dev *ovl);

struct ovl_vni *ovl_vni_find(const struct ovl_dev *ovl, u32 vni);
struct ovl_vni *ovl_vni_get(struct ovl_dev *ovl, u32 vni,
			    struct netlink_ext_ack *extack);
void ovl_vni_put_if_empty(struct ovl_dev *ovl, struct ovl_vni *v);

/* Every FDB of @ovl: its own, or each VNI's.  RTNL. */
void ovl_ext_fdbs_apply(struct ovl_dev *ovl,
			void (*fn)(struct ovl_fdb *fdb, void *arg),
			void *arg);
void ovl_ext_flush_empty(struct ovl_dev *ovl);

struct ovl_dev *ovl_find_external(struct ovl_net *on, enum ovl_kind_id kind,
				  u32 space, sa_family_t family,
				  const struct ovl_addr *dst);
bool ovl_ext_claims(struct ovl_net *on, const struct ovl_dev *self,
		    const struct ovl_cfg *cfg);
bool ovl_ext_conflict(struct ovl_net *on, const struct ovl_dev *self,
		      const struct ovl_cfg *cfg, u32 vni);

/* The largest ID of the kind: a 24-bit VNI, a 32-bit GRE key. */
static inline u32 ovl_ext_id_max(const struct ovl_dev *ovl)
{
	return ovl->kind->id == OVL_KIND_VXLAN ? OVL_VNI_MAX : U32_MAX;
}

int ovl_ext_rx_vxlan(struct ovl_dev *ovl, struct sk_buff *skb, u32 vni,
		     const struct ovl_outer *o);
bool ovl_ext_rx_gre(struct ovl_dev *ovl, struct sk_buff *skb, u32 key,
		    struct dst_entry *md, const struct ip_tunnel_info *info,
		    const struct ovl_outer *o);
void ovl_ext_xmit(struct ovl_dev *ovl, const struct ovl_cfg *cfg,
		  struct sk_buff *skb);

static inline void ovl_vni_count(struct ovl_vni *v, enum ovl_vni_stat what,
				 u64 n)
{
	this_cpu_add(v->stats->cnt[what], n);
}

int ovl_ext_proc_init(struct net *net);
void ovl_ext_proc_exit(struct net *net);

#endif /* _OVL_EXTERNAL_H */
