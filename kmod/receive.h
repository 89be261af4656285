/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Receive: decapsulate VXLAN (UDP encap_rcv, GRO) and GRE (netfilter
 * LOCAL_IN), check, learn, and deliver into the device through gro_cells.
 */
#ifndef _OVL_RECEIVE_H
#define _OVL_RECEIVE_H

#include <linux/netfilter.h>
#include <linux/skbuff.h>

struct sock;
struct list_head;

int ovl_vxlan_rcv(struct sock *sk, struct sk_buff *skb);
struct sk_buff *ovl_vxlan_gro_receive(struct sock *sk, struct list_head *head,
				      struct sk_buff *skb);
int ovl_vxlan_gro_complete(struct sock *sk, struct sk_buff *skb, int nhoff);

unsigned int ovl_gre_hook4(void *priv, struct sk_buff *skb,
			   const struct nf_hook_state *state);
unsigned int ovl_gre_hook6(void *priv, struct sk_buff *skb,
			   const struct nf_hook_state *state);

#endif /* _OVL_RECEIVE_H */
