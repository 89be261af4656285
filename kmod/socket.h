/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The underlay side: UDP tunnel sockets shared per (namespace, family,
 * port) for ovl-vxlan.
 */
#ifndef _OVL_SOCKET_H
#define _OVL_SOCKET_H

#include <linux/socket.h>
#include <linux/types.h>

struct ovl_dev;
struct ovl_net;
struct sock;

/* An ovl-vxlan UDP socket; every device on this (family, port) uses it. */
struct ovl_sock {
	struct list_head list;		/* in ovl_net.socks; RTNL */
	struct socket *sock;
	struct ovl_net *on;
	sa_family_t family;
	__be16 port;
	bool zero_csum6_rx;		/* accepts RFC 6935 zero checksums */
	unsigned int users;		/* devices that are up; RTNL */
	struct rcu_head rcu;
};

int ovl_vxlan_open(struct ovl_dev *ovl);
void ovl_vxlan_stop(struct ovl_dev *ovl);
struct sock *ovl_vxlan_sk(struct ovl_dev *ovl);
int ovl_sock_init(void);
void ovl_sock_exit(void);

#endif /* _OVL_SOCKET_H */
