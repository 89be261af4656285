// SPDX-License-Identifier: GPL-2.0
/*
 * External (collect-metadata) mode, `ip link add X type ovl-vxlan|ovl-gre
 * external`: the per-VNI table of such a device, receive (the VNI or GRE
 * key goes up in tunnel metadata, for the bridge's vlan_tunnel to map to
 * a VLAN) and transmit (the ID, and maybe the destination, come down in
 * it).
 * Documentation/external.rst.
 */

#include "external.h"
#include "fdb_netlink.h"
#include "proto.h"
#include "send.h"

#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/dst_metadata.h>
#include <net/ip_tunnels.h>
#include <net/udp_tunnel.h>

/* --- the per-VNI table ------------------------------------------------ */

int ovl_ext_init(struct ovl_dev *ovl)
{
	ovl->ext = kzalloc(sizeof(*ovl->ext), GFP_KERNEL);
	if (!ovl->ext)
		return -ENOMEM;
	hash_init(ovl->ext->vnis);
	return 0;
}

/* Under RCU, or RTNL. */
struct ovl_vni *ovl_vni_find(const struct ovl_dev *ovl, u32 vni)
{
	struct ovl_vni *v;

	if (!ovl->ext)
		return NULL;
	hash_for_each_possible_rcu(ovl->ext->vnis, v, node, vni,
				   lockdep_rtnl_is_held())
		if (v->vni == vni)
			return v;
	return NULL;
}

static void ovl_vni_free(struct ovl_vni *v)
{
	ovl_fdb_destroy(&v->fdb);
	free_percpu(v->stats);
	kfree(v);
}

/* The VNI's FDB follows the device's ageing and maxaddress. */
static void ovl_vni_apply_cfg(struct ovl_vni *v, const struct ovl_cfg *cfg)
{
	WRITE_ONCE(v->fdb.max, cfg->maxaddr);
	ovl_fdb_set_ageing(&v->fdb, (unsigned long)cfg->ageing * HZ);
}

/*
 * Finds or creates @vni of @ovl for the control plane; RTNL.  A VNI that
 * a non-external device of the namespace owns on the same port and local
 * address is refused: its frames would never reach @ovl.
 */
struct ovl_vni *ovl_vni_get(struct ovl_dev *ovl, u32 vni,
			    struct netlink_ext_ack *extack)
{
	const struct ovl_cfg *cfg = rtnl_dereference(ovl->cfg);
	struct ovl_vni *v = ovl_vni_find(ovl, vni);
	int err;

	if (v)
		return v;
	if (ovl_ext_conflict(ovl_net(ovl->net), ovl, cfg, vni)) {
		NL_SET_ERR_MSG(extack,
			       "NDA_SRC_VNI: a non-external device of the namespace owns this ID on the same local address (and UDP port)");
		return ERR_PTR(-EADDRINUSE);
	}
	if (ovl->ext->count >= OVL_EXT_MAX_VNIS) {
		NL_SET_ERR_MSG(extack, "NDA_SRC_VNI: too many VNIs on this device");
		return ERR_PTR(-ENOSPC);
	}
	v = kzalloc(sizeof(*v), GFP_KERNEL);
	if (!v)
		return ERR_PTR(-ENOMEM);
	v->stats = alloc_percpu(struct ovl_vni_stats);
	if (!v->stats) {
		kfree(v);
		return ERR_PTR(-ENOMEM);
	}
	err = ovl_fdb_init(&v->fdb);
	if (err) {
		free_percpu(v->stats);
		kfree(v);
		return ERR_PTR(err);
	}
	v->fdb.notify = ovl_vni_fdb_nl_event;
	v->vni = vni;
	v->ovl = ovl;
	spin_lock_init(&v->bum.lock);
	ovl_vni_apply_cfg(v, cfg);
	hash_add_rcu(ovl->ext->vnis, &v->node, vni);
	ovl->ext->count++;
	return v;
}

/*
 * The control plane removed the last entry of @v (its flood list
 * included): the VNI is no longer registered, and its frames are
 * dropped from now on.  RTNL.
 */
void ovl_vni_put_if_empty(struct ovl_dev *ovl, struct ovl_vni *v)
{
	if (ovl_fdb_count(&v->fdb))
		return;
	hash_del_rcu(&v->node);
	ovl->ext->count--;
	synchronize_net();	/* no reader still holds @v */
	ovl_vni_free(v);
}

/* After a flush: every VNI left empty goes, after one grace period. */
void ovl_ext_flush_empty(struct ovl_dev *ovl)
{
	struct hlist_node *tmp;
	struct ovl_vni *v, *next;
	LIST_HEAD(gone);
	int bkt;

	if (!ovl->ext)
		return;
	hash_for_each_safe(ovl->ext->vnis, bkt, tmp, v, node) {
		if (ovl_fdb_count(&v->fdb))
			continue;
		hash_del_rcu(&v->node);
		ovl->ext->count--;
		list_add(&v->gone, &gone);
	}
	if (list_empty(&gone))
		return;
	synchronize_net();
	list_for_each_entry_safe(v, next, &gone, gone)
		ovl_vni_free(v);
}

/* ndo_uninit: the device is unregistered, no reader is left. */
void ovl_ext_destroy(struct ovl_dev *ovl)
{
	struct hlist_node *tmp;
	struct ovl_vni *v;
	int bkt;

	if (!ovl->ext)
		return;
	hash_for_each_safe(ovl->ext->vnis, bkt, tmp, v, node) {
		hash_del(&v->node);
		ovl_vni_free(v);
	}
	kfree(ovl->ext);
	ovl->ext = NULL;
}

void ovl_ext_fdbs_apply(struct ovl_dev *ovl,
			void (*fn)(struct ovl_fdb *fdb, void *arg),
			void *arg)
{
	struct ovl_vni *v;
	int bkt;

	if (!ovl->ext) {
		fn(&ovl->fdb, arg);
		return;
	}
	hash_for_each(ovl->ext->vnis, bkt, v, node)
		fn(&v->fdb, arg);
}

/* --- the namespace's external devices -------------------------------- */

/* Under RCU or RTNL, like ovl_find_by_id(). */
struct ovl_dev *ovl_find_external(struct ovl_net *on, enum ovl_kind_id kind,
				  u32 space, sa_family_t family,
				  const struct ovl_addr *dst)
{
	struct ovl_dev *ovl;

	hlist_for_each_entry_rcu(ovl, &on->externals, id_node,
				 lockdep_rtnl_is_held()) {
		const struct ovl_cfg *cfg = rcu_dereference_rtnl(ovl->cfg);

		if (ovl->kind->id != kind || ovl_demux_space(ovl, cfg) != space ||
		    cfg->family != family)
			continue;
		if (ovl_addr_any(&cfg->local) || ovl_addr_any(dst) ||
		    ovl_addr_equal(&cfg->local, dst))
			return ovl;
	}
	return NULL;
}

/*
 * Would a non-external device with @cfg take a VNI that an external
 * device of the namespace has registered?  RTNL.
 */
bool ovl_ext_claims(struct ovl_net *on, const struct ovl_dev *self,
		    const struct ovl_cfg *cfg)
{
	struct ovl_dev *ext;
	u32 flow;

	/* an external ovl-gre device has plain keys: demux space 0 */
	ext = ovl_find_external(on, self->kind->id,
				self->kind->id == OVL_KIND_GRE ? 0 :
				ovl_demux_space(self, cfg),
				cfg->family, &cfg->local);
	if (!ext)
		return false;
	if (!cfg->nvgre)
		return ovl_vni_find(ext, cfg->id);
	for (flow = 0; flow < 256; flow++)
		if (ovl_vni_find(ext, ovl_nvgre_key(cfg->id, flow)))
			return true;
	return false;
}

/*
 * Does a non-external device own @vni where external @self listens?  For
 * ovl-gre an NVGRE device's VSID covers 256 keys.  RTNL.
 */
bool ovl_ext_conflict(struct ovl_net *on, const struct ovl_dev *self,
		      const struct ovl_cfg *cfg, u32 vni)
{
	if (ovl_find_by_id(on, self->kind->id, ovl_demux_space(self, cfg),
			   vni, cfg->family, &cfg->local))
		return true;
	return self->kind->id == OVL_KIND_GRE &&
	       ovl_find_by_id(on, OVL_KIND_GRE, 1, ovl_nvgre_vsid(vni),
			      cfg->family, &cfg->local);
}

/* --- receive ---------------------------------------------------------- */

static struct metadata_dst *ovl_ext_udp_rx_dst(struct sk_buff *skb,
					       sa_family_t family, u32 vni)
{
	__be64 id = ovl_id_to_tun_id(vni);
#ifdef IP_TUNNEL_DECLARE_FLAGS		/* 6.10+: flags are a bitmap */
	IP_TUNNEL_DECLARE_FLAGS(flags) = { };

	__set_bit(IP_TUNNEL_KEY_BIT, flags);
	return udp_tun_rx_dst(skb, family, flags, id, 0);
#else
	return udp_tun_rx_dst(skb, family, TUNNEL_KEY, id, 0);
#endif
}

/*
 * A VXLAN frame for external @ovl, outer headers pulled (the network and
 * transport headers still point at them): to the VNI's FDB and up the
 * stack with its tunnel metadata.  Consumes @skb.
 */
int ovl_ext_rx_vxlan(struct ovl_dev *ovl, struct sk_buff *skb, u32 vni,
		     const struct ovl_outer *o)
{
	struct metadata_dst *md;
	struct ovl_vni *v;

	v = ovl_vni_find(ovl, vni);
	if (!v) {
		/* no VLAN may see it: the bridge would put it in the PVID */
		ovl_rx_drop(ovl->counters, ovl->dev, skb, OVL_CNT_RX_UNKNOWN_ID);
		return 0;
	}
	md = ovl_ext_udp_rx_dst(skb, o->src.family, vni);
	if (!md) {
		ovl_vni_count(v, OVL_VNI_RX_DROPPED, 1);
		dev_core_stats_rx_dropped_inc(ovl->dev);
		kfree_skb(skb);
		return 0;
	}
	skb_dst_set(skb, &md->dst);
	ovl_deliver(ovl, v, skb, o);
	return 0;
}

/*
 * A GRE frame for external @ovl, from the receive device (ovl_gre_rx),
 * at its inner Ethernet header.  @md is ip_gre's metadata dst, now ours
 * (NULL if it was only borrowed: then a copy of @info is made); it stays
 * on the frame through the scrub (for the namespace crossing, as on any
 * ovl-gre receive).  True if @skb is accepted as @ovl's (ovl_rx_accept(),
 * counted), false if it was dropped.
 */
bool ovl_ext_rx_gre(struct ovl_dev *ovl, struct sk_buff *skb, u32 key,
		    struct dst_entry *md, const struct ip_tunnel_info *info,
		    const struct ovl_outer *o)
{
	struct metadata_dst *copy;
	struct ovl_vni *v;

	v = ovl_vni_find(ovl, key);
	if (!v) {
		dst_release_immediate(md);
		ovl_rx_drop(ovl->counters, ovl->dev, skb, OVL_CNT_RX_UNKNOWN_ID);
		return false;
	}
	if (!md) {
		copy = metadata_dst_alloc(0, METADATA_IP_TUNNEL, GFP_ATOMIC);
		if (!copy) {
			ovl_vni_count(v, OVL_VNI_RX_DROPPED, 1);
			dev_core_stats_rx_dropped_inc(ovl->dev);
			kfree_skb(skb);
			return false;
		}
		copy->u.tun_info.key = info->key;
		copy->u.tun_info.mode = info->mode;
		md = &copy->dst;
	}
	skb_scrub_packet(skb, ovl_xnet(ovl));
	skb_dst_set(skb, md);
	if (!ovl_rx_accept(ovl, v, skb, o))
		return false;
	ovl_rx_count(ovl, v, skb->len + ETH_HLEN);
	return true;
}

/* --- transmit --------------------------------------------------------- */

static bool ovl_ext_info_dst(const struct ip_tunnel_info *info,
			     struct ovl_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->family = ip_tunnel_info_af(info);
	if (a->family == AF_INET)
		a->ip4 = info->key.u.ipv4.dst;
	else
		a->ip6 = info->key.u.ipv6.dst;
	return !ovl_addr_any(a);
}

/*
 * An explicit destination (tc tunnel_key set, eBPF): no FDB, no route
 * cache (the on-stack remote's dst_cache is empty, which dst_cache_get*()
 * and dst_cache_set*() treat as "none").
 */
static void ovl_ext_xmit_to(struct ovl_dev *ovl, const struct ovl_cfg *cfg,
			    struct sk_buff *skb,
			    const struct ip_tunnel_info *info,
			    const struct ovl_addr *dst, u32 vni)
{
	struct ovl_remote r;

	memset(&r, 0, sizeof(r));
	r.key.ip = *dst;
	r.key.port = ovl->kind->id == OVL_KIND_VXLAN ?
		     (info->key.tp_dst ?: cfg->port) : 0;
	r.key.id = vni;
	ovl->kind->xmit(ovl, cfg, skb, &r);
}

/* ndo_start_xmit of an external device, under RCU; consumes @skb. */
void ovl_ext_xmit(struct ovl_dev *ovl, const struct ovl_cfg *cfg,
		  struct sk_buff *skb)
{
	const struct ip_tunnel_info *info = skb_tunnel_info(skb);
	struct ovl_addr dst;
	struct ovl_vni *v;
	u32 id;

	if (!info || !(info->mode & IP_TUNNEL_INFO_TX)) {
		ovl_tx_error(ovl, skb, OVL_CNT_TX_BAD_METADATA);
		return;
	}
	if (!ovl_tun_id_to_id(info->key.tun_id, ovl_ext_id_max(ovl), &id)) {
		ovl_tx_error(ovl, skb, OVL_CNT_TX_BAD_METADATA);
		return;
	}
	if (!(info->mode & IP_TUNNEL_INFO_BRIDGE) &&
	    ovl_ext_info_dst(info, &dst)) {
		if (dst.family != cfg->family) {
			ovl_tx_error(ovl, skb, OVL_CNT_TX_BAD_METADATA);
			return;
		}
		v = ovl_vni_find(ovl, id);
		if (v) {
			ovl_vni_count(v, OVL_VNI_TX_PACKETS, 1);
			ovl_vni_count(v, OVL_VNI_TX_BYTES, skb->len);
		}
		ovl_ext_xmit_to(ovl, cfg, skb, info, &dst, id);
		return;
	}
	v = ovl_vni_find(ovl, id);
	if (!v) {
		ovl_tx_error(ovl, skb, OVL_CNT_TX_NO_DEST);
		return;
	}
	ovl_vni_count(v, OVL_VNI_TX_PACKETS, 1);
	ovl_vni_count(v, OVL_VNI_TX_BYTES, skb->len);
	ovl_xmit_fdb(ovl, cfg, &v->fdb, &v->bum, skb);
}

/* --- /proc/net/ovlnet_vni -------------------------------------------- */

static void ovl_vni_stats_sum(const struct ovl_vni *v, u64 *out)
{
	int cpu, i;

	memset(out, 0, sizeof(u64) * OVL_VNI_STAT_MAX);
	for_each_possible_cpu(cpu) {
		const struct ovl_vni_stats *s = per_cpu_ptr(v->stats, cpu);

		for (i = 0; i < OVL_VNI_STAT_MAX; i++)
			out[i] += READ_ONCE(s->cnt[i]);
	}
}

/*
 * One line per VNI of each external device whose underlay is this
 * namespace: "DEV VNI rx_packets rx_bytes rx_dropped tx_packets tx_bytes
 * fdb_entries", after a header line.
 */
static int ovl_ext_proc_show(struct seq_file *seq, void *unused)
{
	struct ovl_net *on = ovl_net(seq_file_single_net(seq));
	u64 s[OVL_VNI_STAT_MAX];
	struct ovl_dev *ovl;
	struct ovl_vni *v;
	int bkt;

	seq_puts(seq, "dev vni rx_packets rx_bytes rx_dropped tx_packets tx_bytes fdb_entries\n");
	rtnl_lock();
	list_for_each_entry(ovl, &on->devices, list) {
		if (!ovl->ext)
			continue;
		hash_for_each(ovl->ext->vnis, bkt, v, node) {
			ovl_vni_stats_sum(v, s);
			seq_printf(seq, "%s %u %llu %llu %llu %llu %llu %u\n",
				   ovl->dev->name, v->vni,
				   s[OVL_VNI_RX_PACKETS], s[OVL_VNI_RX_BYTES],
				   s[OVL_VNI_RX_DROPPED], s[OVL_VNI_TX_PACKETS],
				   s[OVL_VNI_TX_BYTES], ovl_fdb_count(&v->fdb));
		}
	}
	rtnl_unlock();
	return 0;
}

int ovl_ext_proc_init(struct net *net)
{
	if (IS_ENABLED(CONFIG_PROC_FS) &&
	    !proc_create_net_single("ovlnet_vni", 0444, net->proc_net,
				    ovl_ext_proc_show, NULL))
		return -ENOMEM;
	return 0;
}

void ovl_ext_proc_exit(struct net *net)
{
	remove_proc_entry("ovlnet_vni", net->proc_net);
}
