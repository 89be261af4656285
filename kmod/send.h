/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Transmit: ndo_start_xmit for both kinds, and the per-kind encapsulation
 * (struct ovl_kind.xmit).
 */
#ifndef _OVL_SEND_H
#define _OVL_SEND_H

#include <linux/netdevice.h>

netdev_tx_t ovl_xmit(struct sk_buff *skb, struct net_device *dev);

#endif /* _OVL_SEND_H */
