/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Receive: what the kinds' decapsulation (vxlan.c, gre.c) shares - the
 * outer header summary, drops counted by reason, and delivery (checks,
 * learning, then gro_cells or the caller's NAPI) into the device that owns
 * the tenant ID.
 */
#ifndef _OVL_RECEIVE_H
#define _OVL_RECEIVE_H

#include "device.h"

#include <linux/skbuff.h>

struct ovl_outer {
	struct ovl_addr src;
	struct ovl_addr dst;		/* local address or multicast group */
	u8 tos;
};

void ovl_outer_parse(const struct sk_buff *skb, struct ovl_outer *o);
void ovl_rx_drop(struct ovl_counters __percpu *c, struct net_device *dev,
		 struct sk_buff *skb, enum ovl_counter why);
struct ovl_vni;
bool ovl_rx_accept(struct ovl_dev *ovl, struct ovl_vni *v,
		   struct sk_buff *skb, const struct ovl_outer *o);
void ovl_rx_count(struct ovl_dev *ovl, struct ovl_vni *v, unsigned int len);
void ovl_deliver(struct ovl_dev *ovl, struct ovl_vni *v, struct sk_buff *skb,
		 const struct ovl_outer *o);

static inline bool ovl_rx_ready(struct ovl_dev *ovl)
{
	return netif_running(ovl->dev);
}

#endif /* _OVL_RECEIVE_H */
