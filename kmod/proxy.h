/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ARP suppression: answer ARP requests from the device's neighbour table
 * instead of flooding them to every VTEP.
 */
#ifndef _OVL_PROXY_H
#define _OVL_PROXY_H

#include <linux/skbuff.h>

struct ovl_dev;
struct ovl_cfg;

bool ovl_proxy_reply(struct ovl_dev *ovl, const struct ovl_cfg *cfg,
		     struct sk_buff *skb);

#endif /* _OVL_PROXY_H */
