// SPDX-License-Identifier: GPL-2.0
/*
 * ovlnet: multi-tenant overlay network devices.
 *
 *   ovl-vxlan  Ethernet in VXLAN/UDP (RFC 7348), 24-bit VNI
 *   ovl-gre    Ethernet in GRE with a key (RFC 2890), NVGRE (RFC 7637)
 *
 * Both kinds share one FDB, one underlay layer and one netlink style.
 * This file holds the per-namespace state and module load/unload.
 *
 * /proc/net/ovlnet shows, per underlay namespace, the drops that no
 * device owns: a VNI or key without a device, a header too broken to
 * name one.  One "name value" line per counter.
 */

#include "device.h"
#include "external.h"
#include "netlink.h"
#include "socket.h"

#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/netns/generic.h>

unsigned int ovl_net_id __read_mostly;

static int ovl_net_proc_show(struct seq_file *seq, void *v)
{
	struct ovl_net *on = ovl_net(seq_file_single_net(seq));
	u64 cnt[OVL_CNT_MAX];
	int i;

	ovl_counters_sum(on->counters, cnt);
	for (i = 0; i < OVL_CNT_MAX; i++)
		seq_printf(seq, "%s %llu\n", ovl_counter_names[i], cnt[i]);
	return 0;
}

static int __net_init ovl_net_init(struct net *net)
{
	struct ovl_net *on = ovl_net(net);

	on->net = net;
	INIT_LIST_HEAD(&on->devices);
	INIT_LIST_HEAD(&on->socks);
	hash_init(on->ids);
	INIT_HLIST_HEAD(&on->externals);
	on->counters = alloc_percpu(struct ovl_counters);
	if (!on->counters)
		return -ENOMEM;
	if (IS_ENABLED(CONFIG_PROC_FS) &&
	    !proc_create_net_single("ovlnet", 0444, net->proc_net,
				    ovl_net_proc_show, NULL)) {
		free_percpu(on->counters);
		return -ENOMEM;
	}
	if (ovl_ext_proc_init(net)) {
		remove_proc_entry("ovlnet", net->proc_net);
		free_percpu(on->counters);
		return -ENOMEM;
	}
	return 0;
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
	ovl_ext_proc_exit(net);
	remove_proc_entry("ovlnet", net->proc_net);
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
	err = register_netdevice_notifier(&ovl_netdev_notifier);
	if (err)
		goto err_pernet;
	err = ovl_gre_init();
	if (err)
		goto err_notifier;
	err = rtnl_link_register(&ovl_vxlan_link_ops);
	if (err)
		goto err_gre;
	err = rtnl_link_register(&ovl_gre_link_ops);
	if (err)
		goto err_vxlan;
	err = ovl_sock_init();
	if (err)
		goto err_gre_link;
	return 0;

err_gre_link:
	rtnl_link_unregister(&ovl_gre_link_ops);
err_vxlan:
	rtnl_link_unregister(&ovl_vxlan_link_ops);
err_gre:
	ovl_gre_exit();
err_notifier:
	unregister_netdevice_notifier(&ovl_netdev_notifier);
err_pernet:
	unregister_pernet_device(&ovl_net_ops);
	return err;
}

static void __exit ovl_module_exit(void)
{
	ovl_sock_exit();
	rtnl_link_unregister(&ovl_gre_link_ops);
	rtnl_link_unregister(&ovl_vxlan_link_ops);
	ovl_gre_exit();
	/* after the devices are gone: this replays NETDEV_UNREGISTER */
	unregister_netdevice_notifier(&ovl_netdev_notifier);
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
/* ovl-gre over IPv6 receives through ip6_gre (ip_gre is a hard dependency) */
MODULE_SOFTDEP("pre: ip6_gre");
