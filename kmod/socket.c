// SPDX-License-Identifier: GPL-2.0
/*
 * Underlay UDP sockets: one kernel UDP socket per (namespace, family,
 * port), opened by the first ovl-vxlan device that comes up and closed by
 * the last that goes down; received datagrams go to vxlan.c through
 * encap_rcv and GRO.
 */

#include "socket.h"
#include "device.h"
#include "vxlan.h"

#include <linux/igmp.h>
#include <net/ipv6_stubs.h>
#include <net/udp_tunnel.h>

static struct ovl_sock *ovl_sock_find(struct ovl_net *on, sa_family_t family,
				      __be16 port)
{
	struct ovl_sock *os;

	list_for_each_entry(os, &on->socks, list)
		if (os->family == family && os->port == port)
			return os;
	return NULL;
}

/*
 * NICs that parse VXLAN for known ports (checksum offload, inner RSS)
 * learn each socket's port through udp_tunnel_nic; NICs that appear later
 * are told by ovl_sock_netdev_event().
 */
static void ovl_sock_offload(struct ovl_sock *os, bool add)
{
	if (add)
		udp_tunnel_notify_add_rx_port(os->sock, UDP_TUNNEL_TYPE_VXLAN);
	else
		udp_tunnel_notify_del_rx_port(os->sock, UDP_TUNNEL_TYPE_VXLAN);
}

/*
 * A VTEP must not hear its own multicast: the copy looped back to the
 * sending host would teach its FDB that the local VMs live behind itself.
 */
static int ovl_sock_no_mc_loop(struct socket *sock, sa_family_t family)
{
	int off = 0;

	if (family == AF_INET)
		return sock->ops->setsockopt(sock, SOL_IP, IP_MULTICAST_LOOP,
					     KERNEL_SOCKPTR(&off), sizeof(off));
	return sock->ops->setsockopt(sock, SOL_IPV6, IPV6_MULTICAST_LOOP,
				     KERNEL_SOCKPTR(&off), sizeof(off));
}

static struct ovl_sock *ovl_sock_create(struct ovl_net *on,
					sa_family_t family, __be16 port,
					bool zero_csum6_rx)
{
	struct udp_tunnel_sock_cfg tcfg = {
		.encap_type = 1,
		.encap_rcv = ovl_vxlan_rcv,
		.encap_err_lookup = ovl_vxlan_err_lookup,
		.gro_receive = ovl_vxlan_gro_receive,
		.gro_complete = ovl_vxlan_gro_complete,
	};
	struct udp_port_cfg ucfg = {
		.family = family,
		.local_udp_port = port,
		.ipv6_v6only = 1,
		/* RFC 6935: zero checksums accepted only where configured */
		.use_udp6_rx_checksums = !zero_csum6_rx,
		.use_udp6_tx_checksums = 1,
	};
	struct ovl_sock *os;
	int err;

	os = kzalloc(sizeof(*os), GFP_KERNEL);
	if (!os)
		return ERR_PTR(-ENOMEM);
	err = udp_sock_create(on->net, &ucfg, &os->sock);
	if (err) {
		kfree(os);
		return ERR_PTR(err);
	}
	err = ovl_sock_no_mc_loop(os->sock, family);
	if (err) {
		udp_tunnel_sock_release(os->sock);
		kfree(os);
		return ERR_PTR(err);
	}
	os->on = on;
	os->family = family;
	os->port = port;
	os->zero_csum6_rx = zero_csum6_rx;
	tcfg.sk_user_data = os;
	setup_udp_tunnel_sock(on->net, os->sock, &tcfg);
	list_add(&os->list, &on->socks);
	ovl_sock_offload(os, true);
	return os;
}

static void ovl_sock_put(struct ovl_sock *os)
{
	if (--os->users)
		return;
	list_del(&os->list);
	ovl_sock_offload(os, false);
	udp_tunnel_sock_release(os->sock);
	kfree_rcu(os, rcu);
}

/* Joins or leaves the device's multicast group on the shared socket. */
static int ovl_group_op(struct ovl_sock *os, const struct ovl_cfg *cfg,
			bool join)
{
	struct sock *sk = os->sock->sk;
	int err;

	lock_sock(sk);
	if (cfg->family == AF_INET) {
		struct ip_mreqn mreq = {
			.imr_multiaddr.s_addr = cfg->remote.ip4,
			.imr_ifindex = cfg->link,
		};

		err = join ? ip_mc_join_group(sk, &mreq)
			   : ip_mc_leave_group(sk, &mreq);
	} else {
		err = join ? ipv6_stub->ipv6_sock_mc_join(sk, cfg->link,
							  &cfg->remote.ip6)
			   : ipv6_stub->ipv6_sock_mc_drop(sk, cfg->link,
							  &cfg->remote.ip6);
	}
	release_sock(sk);
	/* another device on this socket already joined the same group */
	return err == -EADDRINUSE ? 0 : err;
}

/* Another up device of @os still in @cfg's group (so stay joined)? */
static bool ovl_group_shared(struct ovl_dev *self, const struct ovl_cfg *cfg)
{
	struct ovl_dev *ovl;

	list_for_each_entry(ovl, &ovl_net(self->net)->devices, list) {
		const struct ovl_cfg *c = rtnl_dereference(ovl->cfg);

		if (ovl != self && ovl->sock == self->sock &&
		    ovl_addr_equal(&c->remote, &cfg->remote) &&
		    c->link == cfg->link)
			return true;
	}
	return false;
}

int ovl_vxlan_open(struct ovl_dev *ovl)
{
	const struct ovl_cfg *cfg = rtnl_dereference(ovl->cfg);
	struct ovl_net *on = ovl_net(ovl->net);
	struct ovl_sock *os;
	int err;

	os = ovl_sock_find(on, cfg->family, cfg->port);
	if (os && cfg->family == AF_INET6 &&
	    os->zero_csum6_rx != cfg->udp6_zero_csum_rx) {
		/* one socket per port, and the setting is the socket's */
		return -EADDRINUSE;
	}
	if (!os) {
		os = ovl_sock_create(on, cfg->family, cfg->port,
				     cfg->family == AF_INET6 &&
				     cfg->udp6_zero_csum_rx);
		if (IS_ERR(os))
			return PTR_ERR(os);
	}
	os->users++;
	if (ovl_addr_multicast(&cfg->remote)) {
		err = ovl_group_op(os, cfg, true);
		if (err) {
			ovl_sock_put(os);
			return err;
		}
	}
	WRITE_ONCE(ovl->sock, os);
	return 0;
}

void ovl_vxlan_stop(struct ovl_dev *ovl)
{
	const struct ovl_cfg *cfg = rtnl_dereference(ovl->cfg);
	struct ovl_sock *os = ovl->sock;

	if (!os)
		return;
	if (ovl_addr_multicast(&cfg->remote) && !ovl_group_shared(ovl, cfg))
		ovl_group_op(os, cfg, false);
	/* the queue is stopped: no transmit is using the socket */
	WRITE_ONCE(ovl->sock, NULL);
	ovl_sock_put(os);
}

struct sock *ovl_vxlan_sk(struct ovl_dev *ovl)
{
	struct ovl_sock *os = READ_ONCE(ovl->sock);

	return os ? os->sock->sk : NULL;
}

/* A NIC (re)announcing its UDP tunnel offload wants our ports again. */
static int ovl_sock_netdev_event(struct notifier_block *nb,
				 unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct ovl_sock *os;

	if (event != NETDEV_UDP_TUNNEL_PUSH_INFO &&
	    event != NETDEV_UDP_TUNNEL_DROP_INFO)
		return NOTIFY_DONE;
	/* RTNL, like every change to the list */
	list_for_each_entry(os, &ovl_net(dev_net(dev))->socks, list) {
		if (event == NETDEV_UDP_TUNNEL_PUSH_INFO)
			udp_tunnel_push_rx_port(dev, os->sock,
						UDP_TUNNEL_TYPE_VXLAN);
		else
			udp_tunnel_drop_rx_port(dev, os->sock,
						UDP_TUNNEL_TYPE_VXLAN);
	}
	return NOTIFY_DONE;
}

static struct notifier_block ovl_sock_notifier = {
	.notifier_call = ovl_sock_netdev_event,
};

int ovl_sock_init(void)
{
	return register_netdevice_notifier(&ovl_sock_notifier);
}

void ovl_sock_exit(void)
{
	unregister_netdevice_notifier(&ovl_sock_notifier);
}
