/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ovl-vxlan receive entry points, installed on the shared UDP socket
 * (socket.c); the kind itself is ovl_vxlan_kind (device.h).
 */
#ifndef _OVL_VXLAN_H
#define _OVL_VXLAN_H

#include <linux/skbuff.h>

struct sock;
struct list_head;

int ovl_vxlan_rcv(struct sock *sk, struct sk_buff *skb);
struct sk_buff *ovl_vxlan_gro_receive(struct sock *sk, struct list_head *head,
				      struct sk_buff *skb);
int ovl_vxlan_err_lookup(struct sock *sk, struct sk_buff *skb);
int ovl_vxlan_gro_complete(struct sock *sk, struct sk_buff *skb, int nhoff);

#endif /* _OVL_VXLAN_H */
