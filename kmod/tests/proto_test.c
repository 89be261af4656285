// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the wire formats in proto.h: VXLAN and GRE headers,
 * NVGRE's key split, the UDP source port hash and external mode's
 * tunnel IDs.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <net/ip_tunnels.h>

#include "../proto.h"

/* Compares @len bytes and prints both sides on a mismatch. */
static void ovl_expect_bytes(struct kunit *test, const char *what,
			     const void *got, const void *want, size_t len)
{
	KUNIT_EXPECT_TRUE_MSG(test, !memcmp(got, want, len),
			      "%s:\ngot  %*ph\nwant %*ph", what, (int)len, got,
			      (int)len, want);
}

/* --- VXLAN ----------------------------------------------------------- */

static void ovl_vxlan_round_trip_test(struct kunit *test)
{
	static const u32 vnis[] = { 0, 1, 100, 0xabcdef, (1U << 24) - 1 };
	struct ovl_vxlanhdr vh;
	unsigned int i;
	u32 vni;

	for (i = 0; i < ARRAY_SIZE(vnis); i++) {
		memset(&vh, 0xa5, sizeof(vh));
		ovl_vxlan_build(&vh, vnis[i]);
		vni = ~0U;
		KUNIT_EXPECT_EQ_MSG(test, ovl_vxlan_parse(&vh, &vni),
				    OVL_PARSE_OK, "vni %#x", vnis[i]);
		KUNIT_EXPECT_EQ(test, vni, vnis[i]);
	}
}

static void ovl_vxlan_wire_bytes_test(struct kunit *test)
{
	static const u8 want[8] = { 0x08, 0, 0, 0, 0, 0, 0x64, 0 };
	static const u8 want_max[8] = { 0x08, 0, 0, 0, 0xab, 0xcd, 0xef, 0 };
	struct ovl_vxlanhdr vh;

	KUNIT_ASSERT_EQ(test, sizeof(vh), 8);
	KUNIT_EXPECT_EQ(test, OVL_VXLAN_HLEN, 16);

	memset(&vh, 0xa5, sizeof(vh));
	ovl_vxlan_build(&vh, 100);
	ovl_expect_bytes(test, "vni 100", &vh, want, sizeof(want));

	memset(&vh, 0xa5, sizeof(vh));
	ovl_vxlan_build(&vh, 0xabcdef);
	ovl_expect_bytes(test, "vni 0xabcdef", &vh, want_max,
			 sizeof(want_max));
}

static enum ovl_parse_result ovl_vxlan_parse_bytes(const u8 *bytes, u32 *vni)
{
	struct ovl_vxlanhdr vh;

	memcpy(&vh, bytes, sizeof(vh));
	return ovl_vxlan_parse(&vh, vni);
}

static void ovl_vxlan_parse_reject_test(struct kunit *test)
{
	static const u8 ok[8] = { 0x08, 0, 0, 0, 0x12, 0x34, 0x56, 0 };
	u8 b[8];
	u32 vni = 0;
	int i;

	KUNIT_EXPECT_EQ(test, ovl_vxlan_parse_bytes(ok, &vni), OVL_PARSE_OK);
	KUNIT_EXPECT_EQ(test, vni, 0x123456);

	/* no I flag */
	memcpy(b, ok, sizeof(b));
	b[0] = 0;
	vni = 7;
	KUNIT_EXPECT_EQ(test, ovl_vxlan_parse_bytes(b, &vni),
			OVL_PARSE_BAD_HEADER);
	KUNIT_EXPECT_EQ(test, vni, 7);

	/* every other bit of the flags word, with and without I */
	for (i = 0; i < 32; i++) {
		if (i == 4)	/* the I flag, 0x08 in byte 0 */
			continue;
		memcpy(b, ok, sizeof(b));
		b[i / 8] |= 0x80 >> (i % 8);
		KUNIT_EXPECT_EQ_MSG(test, ovl_vxlan_parse_bytes(b, &vni),
				    OVL_PARSE_BAD_HEADER, "flag bit %d", i);
		b[0] &= ~0x08;
		KUNIT_EXPECT_EQ_MSG(test, ovl_vxlan_parse_bytes(b, &vni),
				    OVL_PARSE_BAD_HEADER,
				    "flag bit %d without I", i);
	}

	/* the reserved byte after the VNI */
	for (i = 0; i < 8; i++) {
		memcpy(b, ok, sizeof(b));
		b[7] = 1 << i;
		KUNIT_EXPECT_EQ_MSG(test, ovl_vxlan_parse_bytes(b, &vni),
				    OVL_PARSE_BAD_HEADER, "reserved %#x", b[7]);
	}
}

/* --- GRE ------------------------------------------------------------- */

static void ovl_gre_build_test(struct kunit *test)
{
	static const u8 want[8] = {
		0x20, 0x00, 0x65, 0x58, 0x01, 0x02, 0x03, 0x04,
	};
	static const u8 want_csum[12] = {
		0xa0, 0x00, 0x65, 0x58, 0x00, 0x00, 0x00, 0x00,
		0x01, 0x02, 0x03, 0x04,
	};
	u8 buf[16] __aligned(4);

	KUNIT_EXPECT_EQ(test, ovl_gre_hlen(false), 8);
	KUNIT_EXPECT_EQ(test, ovl_gre_hlen(true), 12);

	memset(buf, 0xa5, sizeof(buf));
	KUNIT_EXPECT_EQ(test, ovl_gre_build(buf, 0x01020304, false), 8);
	ovl_expect_bytes(test, "no csum", buf, want, sizeof(want));
	KUNIT_EXPECT_EQ(test, buf[8], 0xa5);	/* nothing written past it */

	memset(buf, 0xa5, sizeof(buf));
	KUNIT_EXPECT_EQ(test, ovl_gre_build(buf, 0x01020304, true), 12);
	ovl_expect_bytes(test, "csum", buf, want_csum, sizeof(want_csum));
	KUNIT_EXPECT_EQ(test, buf[12], 0xa5);
}

/* --- NVGRE ----------------------------------------------------------- */

static void ovl_nvgre_key_test(struct kunit *test)
{
	static const u32 vsids[] = { 0, 1, 0x123456, 0xfffffe, 0xffffff };
	static const u32 flows[] = { 0, 1, 0x7f, 0xff, 0x100, 0xabcdef12 };
	unsigned int i, j;
	u32 key;

	KUNIT_EXPECT_EQ(test, ovl_nvgre_key(0x123456, 0x78), 0x12345678);
	KUNIT_EXPECT_EQ(test, ovl_nvgre_vsid(0x12345678), 0x123456);
	KUNIT_EXPECT_EQ(test, ovl_nvgre_key(0xffffff, 0xff), 0xffffffff);

	for (i = 0; i < ARRAY_SIZE(vsids); i++) {
		for (j = 0; j < ARRAY_SIZE(flows); j++) {
			key = ovl_nvgre_key(vsids[i], flows[j]);
			/* the FlowID keeps only the low 8 bits of the hash */
			KUNIT_EXPECT_EQ(test, key & 0xff, flows[j] & 0xff);
			KUNIT_EXPECT_EQ(test, ovl_nvgre_vsid(key), vsids[i]);
		}
	}
}

/* --- source port hash ------------------------------------------------ */

/* Hashes 0, ~0 and a spread of values in between (Knuth's constant). */
static u32 ovl_test_hash(unsigned int i)
{
	if (i == 0)
		return 0;
	if (i == 1)
		return 0xffffffff;
	return i * 2654435761U;
}

static void ovl_hash_to_port_range_test(struct kunit *test)
{
	static const struct { u16 low, high; } ranges[] = {
		{ 32768, 61000 }, { 1, 2 }, { 0, 65535 }, { 65534, 65535 },
		{ 4789, 4789 }, { 0, 0 }, { 65535, 65535 }, { 10000, 10003 },
	};
	unsigned int r, i;
	u16 port;

	for (r = 0; r < ARRAY_SIZE(ranges); r++) {
		u16 low = ranges[r].low, high = ranges[r].high;

		for (i = 0; i < 10000; i++) {
			port = ovl_hash_to_port(ovl_test_hash(i), low, high);
			if (port < low || port > high) {
				KUNIT_FAIL(test, "hash %#x -> %u outside [%u, %u]",
					   ovl_test_hash(i), port, low, high);
				break;
			}
		}
		/* the ends of the hash space reach the ends of the range */
		KUNIT_EXPECT_EQ(test, ovl_hash_to_port(0, low, high), low);
		KUNIT_EXPECT_EQ(test, ovl_hash_to_port(~0U, low, high), high);
	}
}

static void ovl_hash_to_port_single_test(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < 1000; i++)
		KUNIT_EXPECT_EQ(test, ovl_hash_to_port(ovl_test_hash(i),
						       4789, 4789), 4789);
}

static void ovl_hash_to_port_full_test(struct kunit *test)
{
	/* with the whole port space, the port is the hash's top half */
	KUNIT_EXPECT_EQ(test, ovl_hash_to_port(0, 0, 65535), 0);
	KUNIT_EXPECT_EQ(test, ovl_hash_to_port(0x0000ffff, 0, 65535), 0);
	KUNIT_EXPECT_EQ(test, ovl_hash_to_port(0x00010000, 0, 65535), 1);
	KUNIT_EXPECT_EQ(test, ovl_hash_to_port(0x12345678, 0, 65535), 0x1234);
	KUNIT_EXPECT_EQ(test, ovl_hash_to_port(0x80000000, 0, 65535), 32768);
	KUNIT_EXPECT_EQ(test, ovl_hash_to_port(0xffffffff, 0, 65535), 65535);
}

static void ovl_hash_to_port_uniform_test(struct kunit *test)
{
	const unsigned int n = 4096, nports = 4;
	unsigned int counts[4] = {};
	unsigned int i, want = n / nports;
	u16 port;

	for (i = 0; i < n; i++) {
		port = ovl_hash_to_port(i * 2654435761U, 1000, 1000 + nports - 1);
		KUNIT_ASSERT_GE(test, port, 1000);
		KUNIT_ASSERT_LT(test, port, 1000 + nports);
		counts[port - 1000]++;
	}
	for (i = 0; i < nports; i++)
		KUNIT_EXPECT_TRUE_MSG(test,
				      counts[i] >= want - want / 10 &&
				      counts[i] <= want + want / 10,
				      "port %u got %u of %u hashes", 1000 + i,
				      counts[i], n);

	/* the hash space is split in equal quarters */
	KUNIT_EXPECT_EQ(test, ovl_hash_to_port(0x3fffffff, 0, 3), 0);
	KUNIT_EXPECT_EQ(test, ovl_hash_to_port(0x40000000, 0, 3), 1);
	KUNIT_EXPECT_EQ(test, ovl_hash_to_port(0xbfffffff, 0, 3), 2);
	KUNIT_EXPECT_EQ(test, ovl_hash_to_port(0xc0000000, 0, 3), 3);
}

/* --- external mode: tunnel IDs ---------------------------------------- */

static void ovl_tun_id_test(struct kunit *test)
{
	static const u32 ids[] = { 0, 1, 1000, 0xabcdef, (1U << 24) - 1 };
	unsigned int i;
	u32 id;

	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		/* what the bridge's tunnel_info id and ip_gre put there */
		__be64 tun_id = key32_to_tunnel_id(cpu_to_be32(ids[i]));

		KUNIT_EXPECT_EQ(test, (__force u64)ovl_id_to_tun_id(ids[i]),
				(__force u64)tun_id);
		id = ~0U;
		KUNIT_EXPECT_TRUE(test, ovl_tun_id_to_id(tun_id, (1U << 24) - 1,
							 &id));
		KUNIT_EXPECT_EQ(test, id, ids[i]);
	}
	/* a VNI has 24 bits: 2^24 is refused, not truncated to VNI 0 */
	id = 7;
	KUNIT_EXPECT_FALSE(test, ovl_tun_id_to_id(cpu_to_be64(1U << 24),
						  (1U << 24) - 1, &id));
	KUNIT_EXPECT_EQ(test, id, 7);
	/* a GRE key has 32 */
	KUNIT_EXPECT_TRUE(test, ovl_tun_id_to_id(cpu_to_be64(U32_MAX), U32_MAX,
						 &id));
	KUNIT_EXPECT_EQ(test, id, U32_MAX);
	KUNIT_EXPECT_FALSE(test, ovl_tun_id_to_id(cpu_to_be64(1ULL << 32),
						  U32_MAX, &id));
	KUNIT_EXPECT_FALSE(test, ovl_tun_id_to_id(cpu_to_be64(~0ULL), U32_MAX,
						  &id));
}

static struct kunit_case ovl_proto_cases[] = {
	KUNIT_CASE(ovl_vxlan_round_trip_test),
	KUNIT_CASE(ovl_vxlan_wire_bytes_test),
	KUNIT_CASE(ovl_vxlan_parse_reject_test),
	KUNIT_CASE(ovl_gre_build_test),
	KUNIT_CASE(ovl_nvgre_key_test),
	KUNIT_CASE(ovl_hash_to_port_range_test),
	KUNIT_CASE(ovl_hash_to_port_single_test),
	KUNIT_CASE(ovl_hash_to_port_full_test),
	KUNIT_CASE(ovl_hash_to_port_uniform_test),
	KUNIT_CASE(ovl_tun_id_test),
	{}
};

static struct kunit_suite ovl_proto_suite = {
	.name = "ovlnet_proto",
	.test_cases = ovl_proto_cases,
};

kunit_test_suites(&ovl_proto_suite);
