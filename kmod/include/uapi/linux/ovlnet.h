/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ovlnet: multi-tenant overlay network devices (ovl-vxlan, ovl-gre).
 *
 * Attributes carried in IFLA_INFO_DATA of RTM_NEWLINK / RTM_GETLINK for
 * both link kinds.  One attribute space serves both kinds; an attribute
 * that does not apply to a kind is rejected with an extack message.
 */
#ifndef _UAPI_LINUX_OVLNET_H
#define _UAPI_LINUX_OVLNET_H

#include <linux/types.h>

#define OVL_VXLAN_KIND		"ovl-vxlan"
#define OVL_GRE_KIND		"ovl-gre"

#define OVL_VXLAN_DEFAULT_PORT	4789
#define OVL_VNI_MAX		((1U << 24) - 1)
#define OVL_DEFAULT_AGEING	300	/* seconds */

enum ovl_df {
	OVL_DF_UNSET,		/* never set DF on the outer header */
	OVL_DF_SET,		/* always set DF */
	OVL_DF_INHERIT,		/* copy DF from an inner IPv4 header */
	__OVL_DF_END,
	OVL_DF_MAX = __OVL_DF_END - 1,
};

struct ifla_ovl_port_range {
	__be16	low;
	__be16	high;
};

enum {
	IFLA_OVL_UNSPEC,
	IFLA_OVL_ID,		/* u32: VNI (ovl-vxlan) or GRE key / VSID (ovl-gre) */
	IFLA_OVL_LOCAL,		/* be32: local IPv4 underlay address */
	IFLA_OVL_LOCAL6,	/* struct in6_addr */
	IFLA_OVL_REMOTE,	/* be32: first flood-list destination */
	IFLA_OVL_REMOTE6,	/* struct in6_addr */
	IFLA_OVL_GROUP,		/* be32: multicast group for BUM traffic */
	IFLA_OVL_GROUP6,	/* struct in6_addr */
	IFLA_OVL_LINK,		/* u32: ifindex of the underlay device */
	IFLA_OVL_PORT,		/* be16: UDP destination port (ovl-vxlan) */
	IFLA_OVL_PORT_RANGE,	/* struct ifla_ovl_port_range (ovl-vxlan) */
	IFLA_OVL_TTL,		/* u8: outer TTL / hop limit, 0 = route default */
	IFLA_OVL_TTL_INHERIT,	/* u8 bool: copy TTL from the inner IP header */
	IFLA_OVL_TOS,		/* u8: outer TOS / traffic class */
	IFLA_OVL_TOS_INHERIT,	/* u8 bool: copy TOS from the inner IP header */
	IFLA_OVL_DF,		/* u8: enum ovl_df */
	IFLA_OVL_LEARNING,	/* u8 bool: learn MAC -> VTEP from received frames */
	IFLA_OVL_AGEING,	/* u32: seconds, 0 = entries never age */
	IFLA_OVL_MAXADDR,	/* u32: cap on FDB entries, 0 = unlimited */
	IFLA_OVL_UDP_CSUM,	/* u8 bool: UDP checksum over IPv4 (ovl-vxlan) */
	IFLA_OVL_GRE_CSUM,	/* u8 bool: GRE checksum (ovl-gre) */
	IFLA_OVL_NVGRE,		/* u8 bool: key = VSID << 8 | FlowID (ovl-gre) */
	IFLA_OVL_BUMLIMIT,	/* u32: broadcast/unknown/multicast packets/s, 0 = off */
	IFLA_OVL_PROXY,		/* u8 bool: ARP/ND suppression */
	IFLA_OVL_L2MISS,	/* u8 bool: netlink notification on unknown MAC */
	IFLA_OVL_L3MISS,	/* u8 bool: netlink notification on unknown IP */
	IFLA_OVL_REMOTES_ONLY,	/* u8 bool: accept frames only from known VTEPs */
	IFLA_OVL_FWMARK,	/* u32: skb->mark of the encapsulated packet */
	IFLA_OVL_PRIORITY,	/* u32: skb->priority of the encapsulated packet */
	IFLA_OVL_UDP6_ZERO_CSUM_TX, /* u8 bool: zero UDP checksum over IPv6 (RFC 6935) */
	IFLA_OVL_UDP6_ZERO_CSUM_RX, /* u8 bool: accept zero UDP checksums over IPv6 */
	IFLA_OVL_EXTERNAL,	/* u8 bool: collect metadata, ID per packet (ovl-vxlan) */
	__IFLA_OVL_MAX
};

#define IFLA_OVL_MAX	(__IFLA_OVL_MAX - 1)

/*
 * Per-device drop and event counters, nested in IFLA_INFO_XSTATS
 * (printed by `ip -s -d link show`) and reported by `ethtool -S`.
 * Each is a u64.
 */
enum {
	IFLA_OVL_XSTATS_UNSPEC,
	IFLA_OVL_XSTATS_RX_BAD_HEADER,	/* wrong flags, version or reserved bits */
	IFLA_OVL_XSTATS_RX_UNKNOWN_ID,	/* no device for this VNI / key */
	IFLA_OVL_XSTATS_RX_RUNT,	/* truncated header or inner frame */
	IFLA_OVL_XSTATS_RX_BAD_CSUM,	/* GRE checksum mismatch */
	IFLA_OVL_XSTATS_RX_NOT_REMOTE,	/* remotes-only: unknown VTEP */
	IFLA_OVL_XSTATS_RX_LOOP,	/* frame carrying our own source MAC */
	IFLA_OVL_XSTATS_LEARN_REFUSED,	/* maxaddress reached */
	IFLA_OVL_XSTATS_LEARNED,	/* entries learned */
	IFLA_OVL_XSTATS_TX_NO_ROUTE,	/* underlay route lookup failed */
	IFLA_OVL_XSTATS_TX_NO_DEST,	/* no FDB entry and empty flood list */
	IFLA_OVL_XSTATS_TX_BUM_LIMITED,	/* bumlimit exceeded */
	IFLA_OVL_XSTATS_TX_TOO_BIG,	/* frame larger than the path allows */
	IFLA_OVL_XSTATS_TX_PROXY_REPLIES, /* ARP/ND answered locally */
	IFLA_OVL_XSTATS_TX_ENCAP_ERRORS, /* no headroom or offload setup failed */
	IFLA_OVL_XSTATS_LEARN_BLOCKED,	/* static/sticky/extern_learn MAC seen via another VTEP */
	IFLA_OVL_XSTATS_FDB_EVENTS,	/* data-path FDB notifications sent */
	IFLA_OVL_XSTATS_FDB_EVENTS_SUPPRESSED, /* ... not sent: rate bound */
	IFLA_OVL_XSTATS_FDB_AGE_VISITED, /* entries the ageing scans looked at */
	IFLA_OVL_XSTATS_RX_ECN_ERRORS,	/* RFC 6040: CE on a Not-ECT inner packet */
	IFLA_OVL_XSTATS_TX_BAD_METADATA, /* external: no tunnel metadata, ID or family wrong */
	__IFLA_OVL_XSTATS_MAX
};

#define IFLA_OVL_XSTATS_MAX	(__IFLA_OVL_XSTATS_MAX - 1)

#endif /* _UAPI_LINUX_OVLNET_H */
