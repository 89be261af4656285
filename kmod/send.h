/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Transmit: ndo_start_xmit for both kinds, and what the kinds'
 * encapsulations (struct ovl_kind.xmit in vxlan.c, gre.c) share: the
 * outer header fields, the route to a remote VTEP and the error path.
 */
#ifndef _OVL_SEND_H
#define _OVL_SEND_H

#include "device.h"

#include <linux/netdevice.h>
#include <net/route.h>

/* Outer IP header fields derived from the configuration and inner frame. */
struct ovl_outer_params {
	u8 tos;
	u8 ttl;		/* 0: the route's default */
	__be16 df;
	bool inner_df;	/* the inner IP packet may not be fragmented */
};

netdev_tx_t ovl_xmit(struct sk_buff *skb, struct net_device *dev);
void ovl_xmit_fdb(struct ovl_dev *ovl, const struct ovl_cfg *cfg,
		  struct ovl_fdb *fdb, struct ovl_bum_limiter *bum,
		  struct sk_buff *skb);

void ovl_outer_params(const struct ovl_cfg *cfg, struct sk_buff *skb,
		      const struct ovl_remote *r, struct ovl_outer_params *p);
void ovl_tx_error(struct ovl_dev *ovl, struct sk_buff *skb,
		  enum ovl_counter why);
struct rtable *ovl_prepare4(struct ovl_dev *ovl, const struct ovl_cfg *cfg,
			    struct sk_buff *skb, struct ovl_remote *r,
			    u8 proto, unsigned int overhead,
			    const struct ovl_outer_params *p, __be32 *saddr);
struct dst_entry *ovl_prepare6(struct ovl_dev *ovl, const struct ovl_cfg *cfg,
			       struct sk_buff *skb, struct ovl_remote *r,
			       u8 proto, unsigned int overhead,
			       const struct ovl_outer_params *p,
			       struct in6_addr *saddr);

/* The underlay is in another namespace than the device. */
static inline bool ovl_xnet(const struct ovl_dev *ovl)
{
	return !net_eq(ovl->net, dev_net(ovl->dev));
}

static inline void ovl_stamp(struct sk_buff *skb, const struct ovl_cfg *cfg)
{
	if (cfg->fwmark)
		skb->mark = cfg->fwmark;
	if (cfg->priority)
		skb->priority = cfg->priority;
}

#endif /* _OVL_SEND_H */
