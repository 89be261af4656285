// SPDX-License-Identifier: GPL-2.0
/*
 * ovlnet: multi-tenant overlay network devices.
 *
 *   ovl-vxlan  Ethernet in VXLAN/UDP (RFC 7348), 24-bit VNI
 *   ovl-gre    Ethernet in GRE with a key (RFC 2890), NVGRE (RFC 7637)
 *
 * Both kinds share one FDB, one underlay layer and one netlink style.
 * This file holds the per-namespace state and module load/unload.
 */

#include "device.h"
#include "netlink.h"

#include <linux/module.h>
#include <net/netns/generic.h>

unsigned int ovl_net_id __read_mostly;

static int __net_init ovl_net_init(struct net *net)
{
	struct ovl_net *on = ovl_net(net);

	on->net = net;
	INIT_LIST_HEAD(&on->devices);
	INIT_LIST_HEAD(&on->socks);
	hash_init(on->ids);
	on->counters = alloc_percpu(struct ovl_counters);
	return on->counters ? 0 : -ENOMEM;
}

/* The underlay namespace is going: so are the devices that used it. */
static void __net_exit ovl_net_exit_rtnl(struct list_head *net_list,
					 struct list_head *dev_kill_list)
{
	struct ovl_dev *ovl, *next;
	struct net *net;

	list_for_each_entry(net, net_list, exit_list)
		list_for_each_entry_safe(ovl, next, &ovl_net(net)->devices,
					 list)
			ovl->dev->rtnl_link_ops->dellink(ovl->dev,
							 dev_kill_list);
}

static void __net_exit ovl_net_exit(struct net *net)
{
	free_percpu(ovl_net(net)->counters);
}

static struct pernet_operations ovl_net_ops = {
	.init = ovl_net_init,
	.exit_batch_rtnl = ovl_net_exit_rtnl,
	.exit = ovl_net_exit,
	.id = &ovl_net_id,
	.size = sizeof(struct ovl_net),
};

static int __init ovl_module_init(void)
{
	int err;

	err = register_pernet_device(&ovl_net_ops);
	if (err)
		return err;
	err = rtnl_link_register(&ovl_vxlan_link_ops);
	if (err)
		goto err_pernet;
	err = rtnl_link_register(&ovl_gre_link_ops);
	if (err)
		goto err_vxlan;
	return 0;

err_vxlan:
	rtnl_link_unregister(&ovl_vxlan_link_ops);
err_pernet:
	unregister_pernet_device(&ovl_net_ops);
	return err;
}

static void __exit ovl_module_exit(void)
{
	rtnl_link_unregister(&ovl_gre_link_ops);
	rtnl_link_unregister(&ovl_vxlan_link_ops);
	unregister_pernet_device(&ovl_net_ops);
	rcu_barrier();	/* remote, dest and entry frees queued by the FDB */
}

module_init(ovl_module_init);
module_exit(ovl_module_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Multi-tenant overlay network devices (VXLAN, GRE)");
MODULE_AUTHOR("ovlnet developers");
MODULE_ALIAS_RTNL_LINK(OVL_VXLAN_KIND);
MODULE_ALIAS_RTNL_LINK(OVL_GRE_KIND);
