/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtnetlink link operations for the two kinds.
 */
#ifndef _OVL_NETLINK_H
#define _OVL_NETLINK_H

#include <net/rtnetlink.h>

extern struct rtnl_link_ops ovl_vxlan_link_ops;
extern struct rtnl_link_ops ovl_gre_link_ops;

#endif /* _OVL_NETLINK_H */
