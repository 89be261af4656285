// SPDX-License-Identifier: GPL-2.0
/*
 * rtnetlink for both kinds: one attribute space (IFLA_OVL_*), one parser,
 * one validator, one dumper.  Every rejection names its attribute.
 */

#include "netlink.h"
#include "device.h"
#include "external.h"
#include "socket.h"

#include <linux/if_arp.h>
#include <net/ip.h>
#include <net/netlink.h>
#include <net/rtnetlink.h>

#define OVL_BOOL	NLA_POLICY_MAX(NLA_U8, 1)

static const struct nla_policy ovl_policy[IFLA_OVL_MAX + 1] = {
	[IFLA_OVL_UNSPEC]	= { .strict_start_type = IFLA_OVL_ID },
	[IFLA_OVL_ID]		= { .type = NLA_U32 },
	[IFLA_OVL_LOCAL]	= { .type = NLA_BE32 },
	[IFLA_OVL_LOCAL6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[IFLA_OVL_REMOTE]	= { .type = NLA_BE32 },
	[IFLA_OVL_REMOTE6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[IFLA_OVL_GROUP]	= { .type = NLA_BE32 },
	[IFLA_OVL_GROUP6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[IFLA_OVL_LINK]		= { .type = NLA_U32 },
	[IFLA_OVL_PORT]		= { .type = NLA_BE16 },
	[IFLA_OVL_PORT_RANGE]	= NLA_POLICY_EXACT_LEN(sizeof(struct ifla_ovl_port_range)),
	[IFLA_OVL_TTL]		= { .type = NLA_U8 },
	[IFLA_OVL_TTL_INHERIT]	= OVL_BOOL,
	[IFLA_OVL_TOS]		= { .type = NLA_U8 },
	[IFLA_OVL_TOS_INHERIT]	= OVL_BOOL,
	[IFLA_OVL_DF]		= NLA_POLICY_MAX(NLA_U8, OVL_DF_MAX),
	[IFLA_OVL_LEARNING]	= OVL_BOOL,
	[IFLA_OVL_AGEING]	= { .type = NLA_U32 },
	[IFLA_OVL_MAXADDR]	= { .type = NLA_U32 },
	[IFLA_OVL_UDP_CSUM]	= OVL_BOOL,
	[IFLA_OVL_GRE_CSUM]	= OVL_BOOL,
	[IFLA_OVL_NVGRE]	= OVL_BOOL,
	[IFLA_OVL_BUMLIMIT]	= { .type = NLA_U32 },
	[IFLA_OVL_PROXY]	= OVL_BOOL,
	[IFLA_OVL_L2MISS]	= OVL_BOOL,
	[IFLA_OVL_L3MISS]	= OVL_BOOL,
	[IFLA_OVL_REMOTES_ONLY]	= OVL_BOOL,
	[IFLA_OVL_FWMARK]	= { .type = NLA_U32 },
	[IFLA_OVL_PRIORITY]	= { .type = NLA_U32 },
	[IFLA_OVL_UDP6_ZERO_CSUM_TX] = OVL_BOOL,
	[IFLA_OVL_UDP6_ZERO_CSUM_RX] = OVL_BOOL,
	[IFLA_OVL_EXTERNAL]	= OVL_BOOL,
};

/*
 * True, with an extack message naming @attr, when @attr is present.  @msg
 * must be a string literal (NL_SET_ERR_MSG_ATTR() keeps it static).
 */
#define OVL_REFUSE(extack, data, attr, msg) ({				\
	struct nlattr *__nla = (data)[attr];				\
									\
	if (__nla)							\
		NL_SET_ERR_MSG_ATTR(extack, __nla, #attr ": " msg);	\
	!!__nla;							\
})

/* Refuses the attributes that only the other kind understands. */
static int ovl_refuse_foreign(const struct ovl_kind *kind,
			      struct nlattr *data[],
			      struct netlink_ext_ack *extack)
{
	if (kind->id == OVL_KIND_VXLAN) {
		if (OVL_REFUSE(extack, data, IFLA_OVL_GRE_CSUM,
			       "ovl-vxlan has no GRE checksum, use udpcsum") ||
		    OVL_REFUSE(extack, data, IFLA_OVL_NVGRE,
			       "nvgre is an ovl-gre option"))
			return -EOPNOTSUPP;
		return 0;
	}
	if (OVL_REFUSE(extack, data, IFLA_OVL_PORT,
		       "ovl-gre has no UDP port") ||
	    OVL_REFUSE(extack, data, IFLA_OVL_UDP6_ZERO_CSUM_TX,
		       "ovl-gre has no UDP checksum") ||
	    OVL_REFUSE(extack, data, IFLA_OVL_UDP6_ZERO_CSUM_RX,
		       "ovl-gre has no UDP checksum") ||
	    OVL_REFUSE(extack, data, IFLA_OVL_PORT_RANGE,
		       "ovl-gre has no UDP source port") ||
	    OVL_REFUSE(extack, data, IFLA_OVL_UDP_CSUM,
		       "ovl-gre has no UDP checksum, use csum"))
		return -EOPNOTSUPP;
	return 0;
}

#define OVL_FIXED(extack, data, attr)					\
	OVL_REFUSE(extack, data, attr,					\
		   "cannot change on an existing device; delete and re-create it")

/* Attributes that rebind sockets or the ID table: fixed after creation. */
static int ovl_refuse_immutable(struct nlattr *data[],
				struct netlink_ext_ack *extack)
{
	if (!data)
		return 0;
	if (OVL_FIXED(extack, data, IFLA_OVL_ID) ||
	    OVL_FIXED(extack, data, IFLA_OVL_LOCAL) ||
	    OVL_FIXED(extack, data, IFLA_OVL_LOCAL6) ||
	    OVL_FIXED(extack, data, IFLA_OVL_GROUP) ||
	    OVL_FIXED(extack, data, IFLA_OVL_GROUP6) ||
	    OVL_FIXED(extack, data, IFLA_OVL_LINK) ||
	    OVL_FIXED(extack, data, IFLA_OVL_PORT) ||
	    OVL_FIXED(extack, data, IFLA_OVL_UDP6_ZERO_CSUM_RX) || /* socket's */
	    OVL_FIXED(extack, data, IFLA_OVL_NVGRE) ||
	    OVL_FIXED(extack, data, IFLA_OVL_EXTERNAL) ||
	    /* changes the overhead, hence the MTU */
	    OVL_FIXED(extack, data, IFLA_OVL_GRE_CSUM))
		return -EOPNOTSUPP;
	return 0;
}

static const struct ovl_kind *ovl_kind_of(const struct rtnl_link_ops *ops)
{
	return ops == &ovl_gre_link_ops ? &ovl_gre_kind : &ovl_vxlan_kind;
}

static void ovl_cfg_defaults(struct ovl_cfg *cfg, const struct ovl_kind *kind)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->family = AF_INET;
	cfg->learning = true;
	cfg->ageing = OVL_DEFAULT_AGEING;
	cfg->df = OVL_DF_UNSET;
	if (kind->id == OVL_KIND_VXLAN) {
		cfg->port = htons(OVL_VXLAN_DEFAULT_PORT);
		/* RFC 7348 section 5: the dynamic/private port range */
		cfg->port_min = 49152;
		cfg->port_max = 65535;
	}
}

static void ovl_nla_get_addr(struct ovl_addr *a, const struct nlattr *nla,
			     sa_family_t family)
{
	memset(a, 0, sizeof(*a));
	a->family = family;
	if (family == AF_INET)
		a->ip4 = nla_get_in_addr(nla);
	else
		a->ip6 = nla_get_in6_addr(nla);
}

static int ovl_nla_put_addr(struct sk_buff *skb, int type4, int type6,
			    const struct ovl_addr *a)
{
	if (a->family == AF_INET)
		return nla_put_in_addr(skb, type4, a->ip4);
	if (a->family == AF_INET6)
		return nla_put_in6_addr(skb, type6, &a->ip6);
	return 0;
}

#define OVL_ERR(extack, data, attr, msg) \
	NL_SET_ERR_MSG_ATTR(extack, (data)[attr], #attr ": " msg)

/* Reads the addresses; every one given must be of one family. */
static int ovl_parse_addrs(struct ovl_cfg *cfg, struct nlattr *data[],
			   struct netlink_ext_ack *extack)
{
	static const struct {
		u8 attr;
		sa_family_t family;
	} addrs[] = {
		{ IFLA_OVL_LOCAL, AF_INET }, { IFLA_OVL_LOCAL6, AF_INET6 },
		{ IFLA_OVL_REMOTE, AF_INET }, { IFLA_OVL_REMOTE6, AF_INET6 },
		{ IFLA_OVL_GROUP, AF_INET }, { IFLA_OVL_GROUP6, AF_INET6 },
	};
	sa_family_t family = AF_UNSPEC;
	size_t i;

	if ((data[IFLA_OVL_REMOTE] || data[IFLA_OVL_REMOTE6]) &&
	    (data[IFLA_OVL_GROUP] || data[IFLA_OVL_GROUP6])) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_OVL_GROUP] ?:
				    data[IFLA_OVL_GROUP6],
				    "IFLA_OVL_GROUP: remote and group are mutually exclusive");
		return -EINVAL;
	}
	for (i = 0; i < ARRAY_SIZE(addrs); i++) {
		struct nlattr *nla = data[addrs[i].attr];

		if (!nla)
			continue;
		if (family != AF_UNSPEC && family != addrs[i].family) {
			NL_SET_ERR_MSG_ATTR(extack, nla,
					    "IFLA_OVL_LOCAL/REMOTE/GROUP: mixed IPv4 and IPv6 addresses");
			return -EINVAL;
		}
		family = addrs[i].family;
		ovl_nla_get_addr(i < 2 ? &cfg->local : &cfg->remote, nla,
				 family);
	}
	if (family != AF_UNSPEC) {
		if ((cfg->local.family && cfg->local.family != family) ||
		    (cfg->remote.family && cfg->remote.family != family)) {
			NL_SET_ERR_MSG(extack,
				       "IFLA_OVL_REMOTE: address family differs from the device's underlay");
			return -EINVAL;
		}
		cfg->family = family;
	}
	return 0;
}

static u32 ovl_nla_u32(const struct nlattr *nla, u32 old)
{
	return nla ? nla_get_u32(nla) : old;
}

static u8 ovl_nla_u8(const struct nlattr *nla, u8 old)
{
	return nla ? nla_get_u8(nla) : old;
}

static void ovl_parse_scalars(struct ovl_cfg *cfg, struct nlattr *data[])
{
	cfg->id = ovl_nla_u32(data[IFLA_OVL_ID], cfg->id);
	cfg->link = ovl_nla_u32(data[IFLA_OVL_LINK], cfg->link);
	if (data[IFLA_OVL_PORT])
		cfg->port = nla_get_be16(data[IFLA_OVL_PORT]);
	cfg->ttl = ovl_nla_u8(data[IFLA_OVL_TTL], cfg->ttl);
	cfg->ttl_inherit = ovl_nla_u8(data[IFLA_OVL_TTL_INHERIT],
				      cfg->ttl_inherit);
	cfg->tos = ovl_nla_u8(data[IFLA_OVL_TOS], cfg->tos);
	cfg->tos_inherit = ovl_nla_u8(data[IFLA_OVL_TOS_INHERIT],
				      cfg->tos_inherit);
	cfg->df = ovl_nla_u8(data[IFLA_OVL_DF], cfg->df);
	cfg->learning = ovl_nla_u8(data[IFLA_OVL_LEARNING], cfg->learning);
	cfg->ageing = ovl_nla_u32(data[IFLA_OVL_AGEING], cfg->ageing);
	cfg->maxaddr = ovl_nla_u32(data[IFLA_OVL_MAXADDR], cfg->maxaddr);
	cfg->udp_csum = ovl_nla_u8(data[IFLA_OVL_UDP_CSUM], cfg->udp_csum);
	cfg->udp6_zero_csum_tx = ovl_nla_u8(data[IFLA_OVL_UDP6_ZERO_CSUM_TX],
					    cfg->udp6_zero_csum_tx);
	cfg->udp6_zero_csum_rx = ovl_nla_u8(data[IFLA_OVL_UDP6_ZERO_CSUM_RX],
					    cfg->udp6_zero_csum_rx);
	cfg->gre_csum = ovl_nla_u8(data[IFLA_OVL_GRE_CSUM], cfg->gre_csum);
	cfg->nvgre = ovl_nla_u8(data[IFLA_OVL_NVGRE], cfg->nvgre);
	cfg->bumlimit = ovl_nla_u32(data[IFLA_OVL_BUMLIMIT], cfg->bumlimit);
	cfg->proxy = ovl_nla_u8(data[IFLA_OVL_PROXY], cfg->proxy);
	cfg->l2miss = ovl_nla_u8(data[IFLA_OVL_L2MISS], cfg->l2miss);
	cfg->l3miss = ovl_nla_u8(data[IFLA_OVL_L3MISS], cfg->l3miss);
	cfg->remotes_only = ovl_nla_u8(data[IFLA_OVL_REMOTES_ONLY],
				       cfg->remotes_only);
	cfg->fwmark = ovl_nla_u32(data[IFLA_OVL_FWMARK], cfg->fwmark);
	cfg->priority = ovl_nla_u32(data[IFLA_OVL_PRIORITY], cfg->priority);
	cfg->external = ovl_nla_u8(data[IFLA_OVL_EXTERNAL], cfg->external);
	if (data[IFLA_OVL_PORT_RANGE]) {
		const struct ifla_ovl_port_range *r =
			nla_data(data[IFLA_OVL_PORT_RANGE]);

		cfg->port_min = ntohs(r->low);
		cfg->port_max = ntohs(r->high);
	}
}

/*
 * External mode: the ID comes with each packet, destinations from the
 * per-VNI FDBs.  What needs one ID per device, or answers frames back
 * into the bridge without tunnel metadata (proxy, misses), is refused.
 */
static int ovl_check_external(const struct ovl_kind *kind,
			      const struct ovl_cfg *cfg, struct nlattr *data[],
			      struct netlink_ext_ack *extack)
{
	if (!cfg->external)
		return 0;
	if (cfg->nvgre) {
		OVL_ERR(extack, data, IFLA_OVL_NVGRE,
			"not supported by an external device (plain keys only)");
		return -EOPNOTSUPP;
	}
	if (OVL_REFUSE(extack, data, IFLA_OVL_ID,
		       "an external device takes the VNI or key from each packet's metadata") ||
	    OVL_REFUSE(extack, data, IFLA_OVL_REMOTE,
		       "an external device has per-VNI flood lists (bridge fdb ... src_vni)") ||
	    OVL_REFUSE(extack, data, IFLA_OVL_REMOTE6,
		       "an external device has per-VNI flood lists (bridge fdb ... src_vni)") ||
	    OVL_REFUSE(extack, data, IFLA_OVL_GROUP,
		       "not supported by an external device") ||
	    OVL_REFUSE(extack, data, IFLA_OVL_GROUP6,
		       "not supported by an external device"))
		return -EINVAL;
	if (cfg->proxy) {
		OVL_ERR(extack, data, IFLA_OVL_PROXY,
			"not supported by an external device");
		return -EOPNOTSUPP;
	}
	if (cfg->l2miss) {
		OVL_ERR(extack, data, IFLA_OVL_L2MISS,
			"not supported by an external device");
		return -EOPNOTSUPP;
	}
	if (cfg->l3miss) {
		OVL_ERR(extack, data, IFLA_OVL_L3MISS,
			"not supported by an external device");
		return -EOPNOTSUPP;
	}
	return 0;
}

static int ovl_check_cfg(const struct ovl_kind *kind, struct ovl_cfg *cfg,
			 struct net *net, struct nlattr *data[],
			 struct netlink_ext_ack *extack)
{
	bool group = ovl_addr_multicast(&cfg->remote);
	int err;

	err = data ? ovl_check_external(kind, cfg, data, extack) : 0;
	if (err)
		return err;

	if (kind->id == OVL_KIND_VXLAN && cfg->id > OVL_VNI_MAX) {
		OVL_ERR(extack, data, IFLA_OVL_ID, "VNI must be below 2^24");
		return -ERANGE;
	}
	if (cfg->nvgre && cfg->id > OVL_VNI_MAX) {
		OVL_ERR(extack, data, IFLA_OVL_ID,
			"NVGRE VSID must be below 2^24");
		return -ERANGE;
	}
	if ((data[IFLA_OVL_REMOTE] || data[IFLA_OVL_REMOTE6]) && group) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_OVL_REMOTE] ?:
				    data[IFLA_OVL_REMOTE6],
				    "IFLA_OVL_REMOTE: multicast address, use group");
		return -EINVAL;
	}
	if ((data[IFLA_OVL_GROUP] || data[IFLA_OVL_GROUP6]) && !group) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_OVL_GROUP] ?:
				    data[IFLA_OVL_GROUP6],
				    "IFLA_OVL_GROUP: not a multicast address");
		return -EINVAL;
	}
	if (data && kind->id == OVL_KIND_GRE && group) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_OVL_GROUP] ?:
				    data[IFLA_OVL_GROUP6],
				    "IFLA_OVL_GROUP: ovl-gre has no group, use the flood list");
		return -EOPNOTSUPP;
	}
	if (data && cfg->nvgre && cfg->gre_csum) {
		OVL_ERR(extack, data, IFLA_OVL_GRE_CSUM,
			"NVGRE (RFC 7637) sends no GRE checksum");
		return -EINVAL;
	}
	if (group && !cfg->link) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_OVL_GROUP] ?:
				    data[IFLA_OVL_GROUP6],
				    "IFLA_OVL_GROUP: a multicast group needs dev (IFLA_OVL_LINK)");
		return -EINVAL;
	}
	if (ovl_addr_multicast(&cfg->local)) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_OVL_LOCAL] ?:
				    data[IFLA_OVL_LOCAL6],
				    "IFLA_OVL_LOCAL: must be a unicast address");
		return -EINVAL;
	}
	if (kind->id == OVL_KIND_VXLAN && !cfg->port) {
		OVL_ERR(extack, data, IFLA_OVL_PORT,
			"destination port must not be 0");
		return -EINVAL;
	}
	if (kind->id == OVL_KIND_VXLAN &&
	    (!cfg->port_min || cfg->port_min > cfg->port_max)) {
		OVL_ERR(extack, data, IFLA_OVL_PORT_RANGE,
			"source port range must be MIN <= MAX, MIN > 0");
		return -EINVAL;
	}
	if (cfg->link && !__dev_get_by_index(net, cfg->link)) {
		OVL_ERR(extack, data, IFLA_OVL_LINK, "no such underlay device");
		return -ENODEV;
	}
	if (cfg->ageing > INT_MAX / HZ) {
		OVL_ERR(extack, data, IFLA_OVL_AGEING, "ageing time too large");
		return -ERANGE;
	}
	return 0;
}

/*
 * rtnetlink parses IFLA_INFO_DATA with nla_parse_nested_deprecated() (on
 * 6.1 and 6.12 alike): attribute types above ovl_policy's maxtype, type 0
 * and trailing bytes pass unseen, so a request written for a newer ovlnet
 * would be half applied.  Validate every IFLA_INFO_DATA nest again,
 * strictly (nla_validate_nested(): NL_VALIDATE_STRICT), the last one --
 * which rtnetlink uses -- included.
 */
static int ovl_validate_strict(struct nlattr *tb[],
			       struct netlink_ext_ack *extack)
{
	struct nlattr *info, *nla;
	int rem, rem2, err;

	if (!tb[IFLA_LINKINFO])
		return 0;
	nla_for_each_nested(info, tb[IFLA_LINKINFO], rem) {
		if (nla_type(info) != IFLA_INFO_DATA)
			continue;
		nla_for_each_nested(nla, info, rem2) {
			if (nla_type(nla) && nla_type(nla) <= IFLA_OVL_MAX)
				continue;
			NL_SET_ERR_MSG_ATTR(extack, nla,
					    "IFLA_INFO_DATA: unknown IFLA_OVL_* attribute type (not supported by this ovlnet)");
			return -EINVAL;
		}
		err = nla_validate_nested(info, IFLA_OVL_MAX, ovl_policy,
					  extack);
		if (err)
			return err;
	}
	return 0;
}

static int ovl_validate(struct nlattr *tb[], struct nlattr *data[],
			struct netlink_ext_ack *extack)
{
	int err;

	err = ovl_validate_strict(tb, extack);
	if (err)
		return err;
	if (tb[IFLA_ADDRESS]) {
		if (nla_len(tb[IFLA_ADDRESS]) != ETH_ALEN) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
					    "IFLA_ADDRESS: not an Ethernet address");
			return -EINVAL;
		}
		if (!is_valid_ether_addr(nla_data(tb[IFLA_ADDRESS]))) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
					    "IFLA_ADDRESS: not a unicast address");
			return -EADDRNOTAVAIL;
		}
	}
	return 0;
}

/* Builds a complete configuration from @base and the attributes given. */
static int ovl_build_cfg(const struct ovl_kind *kind, struct ovl_cfg *cfg,
			 struct net *net, struct nlattr *data[],
			 struct netlink_ext_ack *extack)
{
	int err;

	if (!data)
		return ovl_check_cfg(kind, cfg, net, data, extack);
	err = ovl_refuse_foreign(kind, data, extack);
	if (err)
		return err;
	err = ovl_parse_addrs(cfg, data, extack);
	if (err)
		return err;
	ovl_parse_scalars(cfg, data);
	return ovl_check_cfg(kind, cfg, net, data, extack);
}

static void ovl_default_key(const struct ovl_cfg *cfg,
			    struct ovl_remote_key *key)
{
	memset(key, 0, sizeof(*key));
	key->ip = cfg->remote;
	key->port = cfg->port;
	key->id = cfg->id;
	key->ifindex = cfg->link;
}

/* The device's own remote or group is the first flood-list entry. */
static int ovl_add_default_dest(struct ovl_dev *ovl,
				const struct ovl_cfg *cfg)
{
	struct ovl_remote_key key;

	if (ovl_addr_any(&cfg->remote))
		return 0;
	ovl_default_key(cfg, &key);
	return ovl_fdb_add(&ovl->fdb, ovl_flood_mac, &key,
			   OVL_FDB_STATIC | OVL_FDB_CONFIG, true, false,
			   jiffies);
}

/*
 * Changelink moves the device's flood-list entry from @old's remote to
 * @cfg's: all or nothing.  The new destination is appended first; if
 * that fails (-EEXIST: already in the flood list from `bridge fdb
 * append`; -ENOSPC: maxaddress reached when no flood entry exists yet;
 * -ENOMEM) the old one is still in place and the error is returned.
 * Only then is the old destination removed (by key: the flood list
 * holds one destination per key).  RTNL.
 */
static int ovl_move_default_dest(struct ovl_dev *ovl,
				 const struct ovl_cfg *old,
				 const struct ovl_cfg *cfg,
				 struct nlattr *data[],
				 struct netlink_ext_ack *extack)
{
	struct ovl_remote_key key;
	int err;

	err = ovl_add_default_dest(ovl, cfg);
	if (err == -EEXIST) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_OVL_REMOTE] ?:
				    data[IFLA_OVL_REMOTE6],
				    "IFLA_OVL_REMOTE: already in the flood list (bridge fdb); delete it there first");
		return err;
	}
	if (err == -ENOSPC) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_OVL_REMOTE] ?:
				    data[IFLA_OVL_REMOTE6],
				    "IFLA_OVL_REMOTE: the FDB is full (maxaddress)");
		return err;
	}
	if (err) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_OVL_REMOTE] ?:
				    data[IFLA_OVL_REMOTE6],
				    "IFLA_OVL_REMOTE: cannot add to the FDB");
		return err;
	}
	if (!ovl_addr_any(&old->remote)) {
		ovl_default_key(old, &key);
		/* -ENOENT: `bridge fdb del` already removed it */
		ovl_fdb_del(&ovl->fdb, ovl_flood_mac, &key);
	}
	return 0;
}

static void ovl_apply_one_fdb(struct ovl_fdb *fdb, void *arg)
{
	const struct ovl_cfg *cfg = arg;

	WRITE_ONCE(fdb->max, cfg->maxaddr);
	ovl_fdb_set_ageing(fdb, (unsigned long)cfg->ageing * HZ);
}

/* The device's FDB, or an external device's per-VNI ones. */
static void ovl_apply_fdb_cfg(struct ovl_dev *ovl, const struct ovl_cfg *cfg)
{
	ovl_ext_fdbs_apply(ovl, ovl_apply_one_fdb, (void *)cfg);
}

static void ovl_reset_one_fdb(struct ovl_fdb *fdb, void *unused)
{
	ovl_fdb_reset_routes(fdb);
}

static void ovl_flush_one_fdb(struct ovl_fdb *fdb, void *unused)
{
	ovl_fdb_flush(fdb, false);
}

static int ovl_set_mtu(struct ovl_dev *ovl, const struct ovl_cfg *cfg,
		       struct nlattr *tb[], struct netlink_ext_ack *extack)
{
	struct net_device *dev = ovl->dev;

	dev->max_mtu = ovl_max_mtu(ovl, cfg, ovl->net);
	if (!tb[IFLA_MTU]) {
		dev->mtu = ovl_default_mtu(ovl, cfg, ovl->net);
		return 0;
	}
	if (dev->mtu > dev->max_mtu) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_MTU],
				    "IFLA_MTU: above what the underlay device allows");
		return -EINVAL;
	}
	return 0;
}

static void ovl_kind_detach(struct ovl_dev *ovl)
{
	if (ovl->kind->detach)
		ovl->kind->detach(ovl);
}

static int ovl_newlink(struct net *src_net, struct net_device *dev,
		       struct nlattr *tb[], struct nlattr *data[],
		       struct netlink_ext_ack *extack)
{
	struct ovl_dev *ovl = netdev_priv(dev);
	struct ovl_cfg *cfg;
	bool external;
	int err;

	ovl->dev = dev;
	ovl->net = src_net;
	ovl->kind = ovl_kind_of(dev->rtnl_link_ops);
	spin_lock_init(&ovl->bum.lock);

	external = data && data[IFLA_OVL_EXTERNAL] &&
		   nla_get_u8(data[IFLA_OVL_EXTERNAL]);
	if (!data || (!data[IFLA_OVL_ID] && !external)) {
		if (ovl->kind->id == OVL_KIND_VXLAN)
			NL_SET_ERR_MSG(extack, "IFLA_OVL_ID: a VNI (id) is required");
		else
			NL_SET_ERR_MSG(extack, "IFLA_OVL_ID: a GRE key is required");
		return -EINVAL;
	}

	cfg = kmalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg)
		return -ENOMEM;
	ovl_cfg_defaults(cfg, ovl->kind);
	err = ovl_build_cfg(ovl->kind, cfg, src_net, data, extack);
	if (err)
		goto err_free;
	if (cfg->external &&
	    ovl_find_external(ovl_net(src_net), ovl->kind->id,
			      ovl_demux_space(ovl, cfg), cfg->family,
			      &cfg->local)) {
		OVL_ERR(extack, data, IFLA_OVL_EXTERNAL,
			"another external device of this kind uses the same local address (and UDP port)");
		err = -EEXIST;
		goto err_free;
	}
	if (!cfg->external && ovl_find_conflict(ovl_net(src_net), ovl, cfg)) {
		OVL_ERR(extack, data, IFLA_OVL_ID,
			"this ID is in use on the same local address (and UDP port)");
		err = -EEXIST;
		goto err_free;
	}
	if (!cfg->external && ovl_ext_claims(ovl_net(src_net), ovl, cfg)) {
		OVL_ERR(extack, data, IFLA_OVL_ID,
			"an external device on the same local address (and UDP port) has this ID (bridge fdb ... src_vni)");
		err = -EEXIST;
		goto err_free;
	}
	err = ovl_set_mtu(ovl, cfg, tb, extack);
	if (err)
		goto err_free;
	dev->needed_headroom = ovl->kind->overhead(cfg) + LL_MAX_HEADER;

	err = ovl->kind->attach ? ovl->kind->attach(ovl, cfg, extack) : 0;
	if (err)
		goto err_free;
	/* from here on ndo_uninit owns @cfg */
	rcu_assign_pointer(ovl->cfg, cfg);
	ovl->link = cfg->link;
	err = register_netdevice(dev);
	if (err)
		goto err_detach;
	ovl_apply_fdb_cfg(ovl, cfg);
	err = ovl_add_default_dest(ovl, cfg);
	if (err) {
		NL_SET_ERR_MSG(extack, "IFLA_OVL_REMOTE: cannot add to the FDB");
		ovl_kind_detach(ovl);
		unregister_netdevice(dev);
		return err;
	}
	ovl_register(ovl);
	return 0;

err_detach:
	ovl_kind_detach(ovl);
	/* ndo_uninit freed cfg if ndo_init ran */
	cfg = rtnl_dereference(ovl->cfg);
	RCU_INIT_POINTER(ovl->cfg, NULL);
err_free:
	kfree(cfg);
	return err;
}

static int ovl_changelink(struct net_device *dev, struct nlattr *tb[],
			  struct nlattr *data[],
			  struct netlink_ext_ack *extack)
{
	struct ovl_dev *ovl = netdev_priv(dev);
	struct ovl_cfg *old = rtnl_dereference(ovl->cfg);
	struct ovl_cfg *cfg;
	int err;

	err = ovl_refuse_immutable(data, extack);
	if (err)
		return err;
	cfg = kmemdup(old, sizeof(*old), GFP_KERNEL);
	if (!cfg)
		return -ENOMEM;
	if (data && (data[IFLA_OVL_REMOTE] || data[IFLA_OVL_REMOTE6])) {
		if (ovl_addr_multicast(&old->remote)) {
			NL_SET_ERR_MSG_ATTR(extack, data[IFLA_OVL_REMOTE] ?:
					    data[IFLA_OVL_REMOTE6],
					    "IFLA_OVL_REMOTE: the device uses a multicast group; delete and re-create it");
			kfree(cfg);
			return -EOPNOTSUPP;
		}
		memset(&cfg->remote, 0, sizeof(cfg->remote));
	}
	err = ovl_build_cfg(ovl->kind, cfg, ovl->net, data, extack);
	if (!err && cfg->family != old->family) {
		NL_SET_ERR_MSG(extack,
			       "IFLA_OVL_REMOTE: the underlay address family cannot change");
		err = -EINVAL;
	}
	/* the last step that can fail: nothing is changed before it */
	if (!err && !ovl_addr_equal(&cfg->remote, &old->remote))
		err = ovl_move_default_dest(ovl, old, cfg, data, extack);
	if (err) {
		kfree(cfg);
		return err;
	}
	ovl_apply_fdb_cfg(ovl, cfg);
	rcu_assign_pointer(ovl->cfg, cfg);
	if (cfg->fwmark != old->fwmark || cfg->tos != old->tos ||
	    cfg->tos_inherit != old->tos_inherit) {
		/* no sender still routes with the old mark/TOS after this */
		synchronize_net();
		ovl_ext_fdbs_apply(ovl, ovl_reset_one_fdb, NULL);
	}
	/*
	 * Switching remotes-only on: what was learned before came from any
	 * sender, and would keep that sender a "known" VTEP.  Forget it.
	 */
	if (cfg->remotes_only && !old->remotes_only)
		ovl_ext_fdbs_apply(ovl, ovl_flush_one_fdb, NULL);
	kfree_rcu(old, rcu);
	return 0;
}

static void ovl_dellink(struct net_device *dev, struct list_head *head)
{
	struct ovl_dev *ovl = netdev_priv(dev);

	ovl_kind_detach(ovl);
	ovl_unregister(ovl, head);
}

static size_t ovl_get_size(const struct net_device *dev)
{
	return nla_total_size(sizeof(u32)) * 6 +	/* ID LINK AGEING MAXADDR
							 * BUMLIMIT FWMARK
							 */
	       nla_total_size(sizeof(u32)) +		/* PRIORITY */
	       nla_total_size(sizeof(struct in6_addr)) * 2 + /* LOCAL REMOTE */
	       nla_total_size(sizeof(__be16)) +		/* PORT */
	       nla_total_size(sizeof(struct ifla_ovl_port_range)) +
	       nla_total_size(sizeof(u8)) * 18;		/* u8s and bools */
}

static int ovl_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	const struct ovl_dev *ovl = netdev_priv(dev);
	const struct ovl_cfg *cfg = rtnl_dereference(ovl->cfg);
	bool group = ovl_addr_multicast(&cfg->remote);

	if (nla_put_u32(skb, IFLA_OVL_ID, cfg->id) ||
	    ovl_nla_put_addr(skb, IFLA_OVL_LOCAL, IFLA_OVL_LOCAL6,
			     &cfg->local) ||
	    ovl_nla_put_addr(skb, group ? IFLA_OVL_GROUP : IFLA_OVL_REMOTE,
			     group ? IFLA_OVL_GROUP6 : IFLA_OVL_REMOTE6,
			     &cfg->remote) ||
	    (cfg->link && nla_put_u32(skb, IFLA_OVL_LINK, cfg->link)) ||
	    nla_put_u8(skb, IFLA_OVL_TTL, cfg->ttl) ||
	    nla_put_u8(skb, IFLA_OVL_TTL_INHERIT, cfg->ttl_inherit) ||
	    nla_put_u8(skb, IFLA_OVL_TOS, cfg->tos) ||
	    nla_put_u8(skb, IFLA_OVL_TOS_INHERIT, cfg->tos_inherit) ||
	    nla_put_u8(skb, IFLA_OVL_DF, cfg->df) ||
	    nla_put_u8(skb, IFLA_OVL_LEARNING, cfg->learning) ||
	    nla_put_u32(skb, IFLA_OVL_AGEING, cfg->ageing) ||
	    nla_put_u32(skb, IFLA_OVL_MAXADDR, cfg->maxaddr) ||
	    nla_put_u32(skb, IFLA_OVL_BUMLIMIT, cfg->bumlimit) ||
	    nla_put_u8(skb, IFLA_OVL_PROXY, cfg->proxy) ||
	    nla_put_u8(skb, IFLA_OVL_L2MISS, cfg->l2miss) ||
	    nla_put_u8(skb, IFLA_OVL_L3MISS, cfg->l3miss) ||
	    nla_put_u8(skb, IFLA_OVL_REMOTES_ONLY, cfg->remotes_only) ||
	    nla_put_u8(skb, IFLA_OVL_EXTERNAL, cfg->external) ||
	    nla_put_u32(skb, IFLA_OVL_FWMARK, cfg->fwmark) ||
	    nla_put_u32(skb, IFLA_OVL_PRIORITY, cfg->priority))
		return -EMSGSIZE;

	if (ovl->kind->id == OVL_KIND_VXLAN) {
		struct ifla_ovl_port_range r = {
			.low = htons(cfg->port_min),
			.high = htons(cfg->port_max),
		};

		if (nla_put_be16(skb, IFLA_OVL_PORT, cfg->port) ||
		    nla_put(skb, IFLA_OVL_PORT_RANGE, sizeof(r), &r) ||
		    nla_put_u8(skb, IFLA_OVL_UDP_CSUM, cfg->udp_csum) ||
		    nla_put_u8(skb, IFLA_OVL_UDP6_ZERO_CSUM_TX,
			       cfg->udp6_zero_csum_tx) ||
		    nla_put_u8(skb, IFLA_OVL_UDP6_ZERO_CSUM_RX,
			       cfg->udp6_zero_csum_rx))
			return -EMSGSIZE;
	} else {
		if (nla_put_u8(skb, IFLA_OVL_GRE_CSUM, cfg->gre_csum) ||
		    nla_put_u8(skb, IFLA_OVL_NVGRE, cfg->nvgre))
			return -EMSGSIZE;
	}
	return 0;
}

static struct net *ovl_get_link_net(const struct net_device *dev)
{
	const struct ovl_dev *ovl = netdev_priv(dev);

	return ovl->net;
}

static size_t ovl_get_xstats_size(const struct net_device *dev)
{
	return nla_total_size(0) + OVL_CNT_MAX * nla_total_size_64bit(8);
}

static int ovl_fill_xstats(struct sk_buff *skb, const struct net_device *dev)
{
	const struct ovl_dev *ovl = netdev_priv(dev);
	u64 cnt[OVL_CNT_MAX];
	struct nlattr *nest;
	int i;

	ovl_dev_counters(ovl, cnt);
	nest = nla_nest_start(skb, IFLA_INFO_XSTATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < OVL_CNT_MAX; i++)
		if (nla_put_u64_64bit(skb, i + 1, cnt[i],
				      IFLA_OVL_XSTATS_UNSPEC))
			goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* One queue per CPU up to a cap: mq + children or a root HTB both work. */
static unsigned int ovl_get_num_tx_queues(void)
{
	return min_t(unsigned int, num_possible_cpus(), OVL_MAX_TX_QUEUES);
}

#define OVL_LINK_OPS(_kind)					\
	{								\
		.kind			= _kind,			\
		.maxtype		= IFLA_OVL_MAX,			\
		.policy			= ovl_policy,			\
		.priv_size		= sizeof(struct ovl_dev),	\
		.setup			= ovl_setup,			\
		.validate		= ovl_validate,			\
		.newlink		= ovl_newlink,			\
		.changelink		= ovl_changelink,		\
		.dellink		= ovl_dellink,			\
		.get_size		= ovl_get_size,			\
		.fill_info		= ovl_fill_info,		\
		.get_link_net		= ovl_get_link_net,		\
		.get_xstats_size	= ovl_get_xstats_size,		\
		.fill_xstats		= ovl_fill_xstats,		\
		.get_num_tx_queues	= ovl_get_num_tx_queues,	\
	}

struct rtnl_link_ops ovl_vxlan_link_ops __read_mostly =
	OVL_LINK_OPS(OVL_VXLAN_KIND);
struct rtnl_link_ops ovl_gre_link_ops __read_mostly =
	OVL_LINK_OPS(OVL_GRE_KIND);
