/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The FDB as the stock `bridge fdb` command sees it (ndo_fdb_add/del/
 * del_bulk/get/dump, RTM_*NEIGH in family AF_BRIDGE), its events, and miss
 * notifications to a control plane.
 */
#ifndef _OVL_FDB_NETLINK_H
#define _OVL_FDB_NETLINK_H

#include <linux/netdevice.h>
#include <linux/neighbour.h>

#include "fdb.h"

struct ovl_dev;

int ovl_fdb_nl_add(struct ndmsg *ndm, struct nlattr *tb[],
		   struct net_device *dev, const unsigned char *addr, u16 vid,
		   u16 flags, struct netlink_ext_ack *extack);
int ovl_fdb_nl_del(struct ndmsg *ndm, struct nlattr *tb[],
		   struct net_device *dev, const unsigned char *addr, u16 vid,
		   struct netlink_ext_ack *extack);
#ifdef OVL_HAVE_FDB_DEL_BULK_NLH
int ovl_fdb_nl_del_bulk(struct nlmsghdr *nlh, struct net_device *dev,
			struct netlink_ext_ack *extack);
#else
int ovl_fdb_nl_del_bulk(struct ndmsg *ndm, struct nlattr *tb[],
			struct net_device *dev, u16 vid,
			struct netlink_ext_ack *extack);
#endif
int ovl_fdb_nl_get(struct sk_buff *skb, struct nlattr *tb[],
		   struct net_device *dev, const unsigned char *addr,
		   u16 vid, u32 portid, u32 seq,
		   struct netlink_ext_ack *extack);
int ovl_fdb_nl_dump(struct sk_buff *skb, struct netlink_callback *cb,
		    struct net_device *dev, struct net_device *filter_dev,
		    int *idx);

void ovl_fdb_nl_event(struct ovl_fdb *fdb, const struct ovl_fdb_entry *e,
		      const struct ovl_fdb_dest *d, enum ovl_fdb_event ev);
void ovl_vni_fdb_nl_event(struct ovl_fdb *fdb, const struct ovl_fdb_entry *e,
			  const struct ovl_fdb_dest *d, enum ovl_fdb_event ev);
void ovl_fdb_notify_miss(struct ovl_dev *ovl, const u8 *mac);
void ovl_fdb_notify_l3miss(struct ovl_dev *ovl, const struct ovl_addr *ip);

#endif /* _OVL_FDB_NETLINK_H */
