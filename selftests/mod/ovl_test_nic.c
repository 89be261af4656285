// SPDX-License-Identifier: GPL-2.0
/*
 * ovl_test_nic: a NIC for the selftests that offloads VXLAN for the UDP
 * ports the stack tells it about (udp_tunnel_nic), and does nothing else:
 * what it transmits is dropped.  Debian's kernels are built without
 * netdevsim, so the selftests bring this instead.  `ip link add eni type
 * ovltnic` makes one; `ethtool --show-tunnels eni` shows its port table,
 * which the udp_tunnel_nic core keeps from our callbacks' answers.
 */

#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <net/rtnetlink.h>
#include <net/udp_tunnel.h>

static int tnic_port(struct net_device *dev, unsigned int table,
		     unsigned int entry, struct udp_tunnel_info *ti)
{
	return 0;	/* the core records the entry; a NIC would program it */
}

static const struct udp_tunnel_nic_info tnic_udp_tunnels = {
	.set_port	= tnic_port,
	.unset_port	= tnic_port,
	.tables		= {
		{ .n_entries = 4, .tunnel_types = UDP_TUNNEL_TYPE_VXLAN },
	},
};

static netdev_tx_t tnic_xmit(struct sk_buff *skb, struct net_device *dev)
{
	dev_core_stats_tx_dropped_inc(dev);
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops tnic_ops = {
	.ndo_start_xmit		= tnic_xmit,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
};

static void tnic_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &tnic_ops;
	dev->needs_free_netdev = true;
	dev->udp_tunnel_nic_info = &tnic_udp_tunnels;
	dev->hw_features |= NETIF_F_RX_UDP_TUNNEL_PORT;
	dev->features |= NETIF_F_RX_UDP_TUNNEL_PORT;
	eth_hw_addr_random(dev);
}

static struct rtnl_link_ops tnic_link_ops __read_mostly = {
	.kind	= "ovltnic",
	.setup	= tnic_setup,
};

static int __init tnic_init(void)
{
	return rtnl_link_register(&tnic_link_ops);
}

static void __exit tnic_exit(void)
{
	rtnl_link_unregister(&tnic_link_ops);
}

module_init(tnic_init);
module_exit(tnic_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ovlnet selftests: a NIC with a VXLAN UDP port table");
MODULE_ALIAS_RTNL_LINK("ovltnic");
