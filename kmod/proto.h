/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Wire formats: the VXLAN header (RFC 7348), the GRE header with key
 * (RFC 2784/2890, transmit) and NVGRE's VSID/FlowID split (RFC 7637).
 *
 * Pure functions over byte buffers: no skb, no locking.  KUnit tests
 * them in tests/proto_test.c.
 */
#ifndef _OVL_PROTO_H
#define _OVL_PROTO_H

#include <linux/types.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <asm/byteorder.h>

/* VXLAN: 8 bytes, the I flag says the VNI field is valid. */
struct ovl_vxlanhdr {
	__be32 flags;
	__be32 vni;
};

#define OVL_VXLAN_FLAG_I	cpu_to_be32(0x08000000)
#define OVL_VXLAN_HLEN		(sizeof(struct udphdr) + sizeof(struct ovl_vxlanhdr))

/*
 * GRE: 4 bytes base, then checksum+reserved1 and key if flagged.  Only
 * transmit builds GRE here: receive is the kernel's gre_parse_header()
 * (ip_gre/ip6_gre), which ignores the reserved bits 6-12 as RFC 2784 asks
 * (over IPv4, gre_demux drops bits 9-12, taking them for the version).
 */
#define OVL_GRE_F_CSUM		0x8000
#define OVL_GRE_F_KEY		0x2000
#define OVL_GRE_BASE_HLEN	4

/*
 * What VXLAN pushes in front of the inner Ethernet header (outer IP, UDP,
 * VXLAN): the headroom transmit needs, the inner frame being in the skb
 * already.
 */
#define OVL_VXLAN4_HEADROOM	(sizeof(struct iphdr) + OVL_VXLAN_HLEN)
#define OVL_VXLAN6_HEADROOM	(sizeof(struct ipv6hdr) + OVL_VXLAN_HLEN)
/* Whole encapsulation overhead including the inner Ethernet header. */
#define OVL_VXLAN4_OVERHEAD	(OVL_VXLAN4_HEADROOM + ETH_HLEN)
#define OVL_VXLAN6_OVERHEAD	(OVL_VXLAN6_HEADROOM + ETH_HLEN)

enum ovl_parse_result {
	OVL_PARSE_OK,
	OVL_PARSE_BAD_HEADER,	/* flags or reserved bits wrong */
};

static inline void ovl_vxlan_build(struct ovl_vxlanhdr *vh, u32 vni)
{
	vh->flags = OVL_VXLAN_FLAG_I;
	vh->vni = cpu_to_be32(vni << 8);
}

/*
 * Like the kernel's own vxlan without extensions, anything but the I
 * flag and a VNI is refused: reserved bits set mean a sender speaks an
 * extension (GBP, GPE, RCO) we would misinterpret.
 */
static inline enum ovl_parse_result
ovl_vxlan_parse(const struct ovl_vxlanhdr *vh, u32 *vni)
{
	if (vh->flags != OVL_VXLAN_FLAG_I || (vh->vni & cpu_to_be32(0xff)))
		return OVL_PARSE_BAD_HEADER;
	*vni = be32_to_cpu(vh->vni) >> 8;
	return OVL_PARSE_OK;
}

static inline unsigned int ovl_gre_hlen(bool csum)
{
	return OVL_GRE_BASE_HLEN + 4 /* key */ + (csum ? 4 : 0);
}

/*
 * Writes a GRE header with key (and, with @csum, a zero checksum field the
 * caller fills in) carrying transparent Ethernet bridging.  Returns its
 * length.
 */
static inline unsigned int ovl_gre_build(u8 *buf, u32 key, bool csum)
{
	__be16 *base = (__be16 *)buf;
	__be32 *opt = (__be32 *)(buf + OVL_GRE_BASE_HLEN);
	u16 flags = OVL_GRE_F_KEY | (csum ? OVL_GRE_F_CSUM : 0);

	base[0] = htons(flags);
	base[1] = htons(ETH_P_TEB);
	if (csum)
		*opt++ = 0;
	*opt = htonl(key);
	return ovl_gre_hlen(csum);
}

/* NVGRE (RFC 7637): the key is a 24-bit VSID and an 8-bit FlowID. */
static inline u32 ovl_nvgre_key(u32 vsid, u32 flow_hash)
{
	return (vsid << 8) | (flow_hash & 0xff);
}

static inline u32 ovl_nvgre_vsid(u32 key)
{
	return key >> 8;
}

/*
 * External mode: tunnel metadata carries a 64-bit tunnel ID (big endian,
 * struct ip_tunnel_key.tun_id); the bridge's vlan_tunnel, tc tunnel_key
 * and the in-tree drivers put a VNI or GRE key in its low 32 bits.  An ID
 * above @max (2^24-1 for a VNI, 2^32-1 for a key) is refused, not
 * truncated into another tenant's ID.
 */
static inline bool ovl_tun_id_to_id(__be64 tun_id, u32 max, u32 *id)
{
	u64 v = be64_to_cpu(tun_id);

	if (v > max)
		return false;
	*id = v;
	return true;
}

static inline __be64 ovl_id_to_tun_id(u32 id)
{
	return cpu_to_be64(id);
}

/*
 * RFC 6040 section 4.2, decapsulation: what the outer ECN field @outer
 * does to the inner one @inner (both the two low bits of TOS / traffic
 * class).
 */
enum ovl_ecn_action {
	OVL_ECN_KEEP,		/* forward the inner packet as it is */
	OVL_ECN_SET_CE,		/* congestion seen on the tunnel path */
	OVL_ECN_SET_ECT1,	/* ECT(1) outer over ECT(0) inner (L4S) */
	OVL_ECN_DROP,		/* CE outer, Not-ECT inner: must drop */
};

#define OVL_ECN_NOT_ECT		0
#define OVL_ECN_ECT_1		1
#define OVL_ECN_ECT_0		2
#define OVL_ECN_CE		3

static inline enum ovl_ecn_action ovl_ecn_decap(u8 outer, u8 inner)
{
	outer &= 3;
	inner &= 3;
	if (inner == OVL_ECN_NOT_ECT)
		/* Not-ECT or ECT outer: forward unchanged (RFC 6040 notes the
		 * ECT-over-Not-ECT case as unusual, not harmful)
		 */
		return outer == OVL_ECN_CE ? OVL_ECN_DROP : OVL_ECN_KEEP;
	if (outer == OVL_ECN_CE && inner != OVL_ECN_CE)
		return OVL_ECN_SET_CE;
	if (outer == OVL_ECN_ECT_1 && inner == OVL_ECN_ECT_0)
		return OVL_ECN_SET_ECT1;
	return OVL_ECN_KEEP;
}

/*
 * Maps a flow hash onto [low, high] without modulo bias worth speaking of:
 * multiply-shift, so each port of the range gets an equal share of the
 * 32-bit hash space (RFC 7348 section 5: source port from the inner flow).
 */
static inline u16 ovl_hash_to_port(u32 hash, u16 low, u16 high)
{
	u32 span = (u32)high - low + 1;

	return low + (u16)(((u64)hash * span) >> 32);
}

/*
 * What happens to a frame whose encapsulation exceeds the path MTU, by
 * the outer DF bit, whether the inner packet may be fragmented (IPv4 DF,
 * IPv6: @inner_df) and whether the sender is a bridge port (it has no
 * route to learn the MTU through).  Without outer DF this is the in-tree
 * vxlan's rule (skb_tunnel_check_pmtu()).
 */
enum ovl_pmtu_action {
	OVL_PMTU_SEND,		/* in outer fragments */
	OVL_PMTU_DROP,		/* the sender learns through its route */
	OVL_PMTU_ANSWER,	/* ICMP to the bridged sender, then drop */
	OVL_PMTU_ANSWER_OR_SEND,/* the same; sent if it cannot be answered */
};

static inline enum ovl_pmtu_action ovl_pmtu_action(bool outer_df,
						   bool inner_df, bool bridged)
{
	if (!bridged)
		return outer_df ? OVL_PMTU_DROP : OVL_PMTU_SEND;
	if (outer_df)
		return OVL_PMTU_ANSWER;
	return inner_df ? OVL_PMTU_ANSWER_OR_SEND : OVL_PMTU_SEND;
}

#endif /* _OVL_PROTO_H */
