/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Wire formats: the VXLAN header (RFC 7348), the GRE header with key
 * (RFC 2784/2890) and NVGRE's VSID/FlowID split (RFC 7637).
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

/* GRE: 4 bytes base, then checksum+reserved1, key, sequence if flagged. */
#define OVL_GRE_F_CSUM		0x8000
#define OVL_GRE_F_ROUTING	0x4000
#define OVL_GRE_F_KEY		0x2000
#define OVL_GRE_F_SEQ		0x1000
#define OVL_GRE_F_RESERVED0	0x0ff8	/* strict-source-route, recursion, flags */
#define OVL_GRE_VERSION_MASK	0x0007
#define OVL_GRE_BASE_HLEN	4
#define OVL_GRE_MAX_HLEN	16

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
	OVL_PARSE_RUNT,		/* buffer shorter than the header says */
	OVL_PARSE_BAD_HEADER,	/* flags, version or reserved bits wrong */
	OVL_PARSE_NOT_OURS,	/* valid, but not Ethernet-with-key (GRE) */
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

struct ovl_gre_info {
	u32 key;
	unsigned int hlen;
	bool csum;
};

/*
 * Parses a GRE header of @len available bytes.  Ethernet over GRE with a
 * key is OVL_PARSE_OK; any other valid GRE (no key, another payload) is
 * OVL_PARSE_NOT_OURS and belongs to the kernel's own GRE stack.
 */
static inline enum ovl_parse_result
ovl_gre_parse(const u8 *buf, unsigned int len, struct ovl_gre_info *gi)
{
	const __be16 *base = (const __be16 *)buf;
	unsigned int off = OVL_GRE_BASE_HLEN;
	u16 flags;

	if (len < OVL_GRE_BASE_HLEN)
		return OVL_PARSE_RUNT;
	flags = ntohs(base[0]);
	if (base[1] != htons(ETH_P_TEB) || !(flags & OVL_GRE_F_KEY))
		return OVL_PARSE_NOT_OURS;
	if (flags & (OVL_GRE_VERSION_MASK | OVL_GRE_F_ROUTING |
		     OVL_GRE_F_RESERVED0))
		return OVL_PARSE_BAD_HEADER;
	gi->csum = flags & OVL_GRE_F_CSUM;
	if (gi->csum)
		off += 4;
	if (len < off + 4)
		return OVL_PARSE_RUNT;
	gi->key = ntohl(*(const __be32 *)(buf + off));
	off += 4;
	if (flags & OVL_GRE_F_SEQ)
		off += 4;
	if (len < off)
		return OVL_PARSE_RUNT;
	gi->hlen = off;
	return OVL_PARSE_OK;
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

#endif /* _OVL_PROTO_H */
