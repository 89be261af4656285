// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of ND suppression's wire work (proxy.c): which neighbour
 * solicitations are answered, and the advertisement built for them.
 */

#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/ipv6.h>
#include <linux/string.h>
#include <net/ip6_checksum.h>
#include <net/ndisc.h>

#include "../proxy.h"

/* Frames sit 2 bytes into the buffer, as in an skb: IPv6 header aligned. */
#define OVL_TEST_PAD	2
#define OVL_NS_PLEN	(sizeof(struct nd_msg) + 8)
#define OVL_NS_LEN	(ETH_HLEN + sizeof(struct ipv6hdr) + OVL_NS_PLEN)

static const u8 ovl_vm_mac[ETH_ALEN] = { 0x02, 0, 0, 0, 0x06, 0x01 };
static const u8 ovl_opt_mac[ETH_ALEN] = { 0x02, 0, 0, 0, 0x06, 0x11 };
static const u8 ovl_target_mac[ETH_ALEN] = { 0x02, 0, 0, 0, 0x06, 0x03 };

static void ovl_test_in6(struct in6_addr *a, u32 last)
{
	memset(a, 0, sizeof(*a));
	a->s6_addr32[0] = htonl(0xfd000000);	/* fd00::last */
	a->s6_addr32[3] = htonl(last);
}

static struct ipv6hdr *ovl_test_ip6(u8 *frame)
{
	return (struct ipv6hdr *)(frame + ETH_HLEN);
}

static struct nd_msg *ovl_test_nd(u8 *frame)
{
	return (struct nd_msg *)(ovl_test_ip6(frame) + 1);
}

/* A valid solicitation from fd00::1 for fd00::3 with an SLLAO option. */
static u8 *ovl_test_ns(struct kunit *test)
{
	u8 *buf = kunit_kzalloc(test, OVL_TEST_PAD + OVL_NS_LEN, GFP_KERNEL);
	struct ipv6hdr *ip6;
	struct ethhdr *eth;
	struct nd_msg *ns;
	u8 *frame;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	frame = buf + OVL_TEST_PAD;
	eth = (struct ethhdr *)frame;
	ip6 = ovl_test_ip6(frame);
	ns = ovl_test_nd(frame);
	memset(eth->h_dest, 0x33, ETH_ALEN);
	memcpy(eth->h_source, ovl_vm_mac, ETH_ALEN);
	eth->h_proto = htons(ETH_P_IPV6);
	ip6->version = 6;
	ip6->payload_len = htons(OVL_NS_PLEN);
	ip6->nexthdr = IPPROTO_ICMPV6;
	ip6->hop_limit = 255;
	ovl_test_in6(&ip6->saddr, 1);
	ipv6_addr_set(&ip6->daddr, htonl(0xff020000), 0, htonl(1),
		      htonl(0xff000003));
	ns->icmph.icmp6_type = NDISC_NEIGHBOUR_SOLICITATION;
	ovl_test_in6(&ns->target, 3);
	ns->opt[0] = ND_OPT_SOURCE_LL_ADDR;
	ns->opt[1] = 1;
	memcpy(&ns->opt[2], ovl_opt_mac, ETH_ALEN);
	return frame;
}

static void ovl_ns_parse_ok_test(struct kunit *test)
{
	u8 *frame = ovl_test_ns(test);
	struct in6_addr want;
	struct ovl_ns_req req;

	KUNIT_ASSERT_TRUE(test, ovl_ns_parse(frame, OVL_NS_LEN, &req));
	ovl_test_in6(&want, 1);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&req.saddr, &want));
	ovl_test_in6(&want, 3);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&req.target, &want));
	/* the option wins over the Ethernet source */
	KUNIT_EXPECT_TRUE(test, ether_addr_equal(req.lladdr, ovl_opt_mac));
}

static void ovl_ns_parse_no_option_test(struct kunit *test)
{
	u8 *frame = ovl_test_ns(test);
	struct ovl_ns_req req;

	ovl_test_ip6(frame)->payload_len = htons(sizeof(struct nd_msg));
	KUNIT_ASSERT_TRUE(test, ovl_ns_parse(frame, OVL_NS_LEN - 8, &req));
	KUNIT_EXPECT_TRUE(test, ether_addr_equal(req.lladdr, ovl_vm_mac));
}

static void ovl_ns_parse_other_option_test(struct kunit *test)
{
	u8 *frame = ovl_test_ns(test);
	struct ovl_ns_req req;

	ovl_test_nd(frame)->opt[0] = ND_OPT_MTU;	/* skipped, not fatal */
	KUNIT_ASSERT_TRUE(test, ovl_ns_parse(frame, OVL_NS_LEN, &req));
	KUNIT_EXPECT_TRUE(test, ether_addr_equal(req.lladdr, ovl_vm_mac));
}

/* Each mutation turns the valid solicitation into one we must not answer. */
enum ovl_ns_bad {
	OVL_NS_DAD,
	OVL_NS_MCAST_SOURCE,
	OVL_NS_HOP_LIMIT,
	OVL_NS_CODE,
	OVL_NS_TYPE_NA,
	OVL_NS_NOT_ICMP,
	OVL_NS_VERSION,
	OVL_NS_NOT_IPV6,
	OVL_NS_MCAST_TARGET,
	OVL_NS_LOOPBACK_TARGET,
	OVL_NS_OPT_LEN_ZERO,
	OVL_NS_OPT_OVERRUN,
	OVL_NS_PLEN_SHORT,
	OVL_NS_PLEN_BEYOND_FRAME,
	OVL_NS_MCAST_LLADDR,
	OVL_NS_BAD_MAX,
};

static void ovl_ns_mutate(u8 *frame, enum ovl_ns_bad bad)
{
	struct ethhdr *eth = (struct ethhdr *)frame;
	struct ipv6hdr *ip6 = ovl_test_ip6(frame);
	struct nd_msg *ns = ovl_test_nd(frame);

	switch (bad) {
	case OVL_NS_DAD:
		memset(&ip6->saddr, 0, sizeof(ip6->saddr));
		break;
	case OVL_NS_MCAST_SOURCE:
		ip6->saddr.s6_addr[0] = 0xff;
		break;
	case OVL_NS_HOP_LIMIT:
		ip6->hop_limit = 254;
		break;
	case OVL_NS_CODE:
		ns->icmph.icmp6_code = 1;
		break;
	case OVL_NS_TYPE_NA:
		ns->icmph.icmp6_type = NDISC_NEIGHBOUR_ADVERTISEMENT;
		break;
	case OVL_NS_NOT_ICMP:
		ip6->nexthdr = IPPROTO_UDP;
		break;
	case OVL_NS_VERSION:
		ip6->version = 4;
		break;
	case OVL_NS_NOT_IPV6:
		eth->h_proto = htons(ETH_P_IP);
		break;
	case OVL_NS_MCAST_TARGET:
		ns->target.s6_addr[0] = 0xff;
		break;
	case OVL_NS_LOOPBACK_TARGET:
		ns->target = in6addr_loopback;
		break;
	case OVL_NS_OPT_LEN_ZERO:
		ns->opt[1] = 0;
		break;
	case OVL_NS_OPT_OVERRUN:
		ns->opt[1] = 2;
		break;
	case OVL_NS_PLEN_SHORT:
		ip6->payload_len = htons(sizeof(*ns) - 1);
		break;
	case OVL_NS_PLEN_BEYOND_FRAME:
		ip6->payload_len = htons(OVL_NS_PLEN + 8);
		break;
	case OVL_NS_MCAST_LLADDR:
		ns->opt[2] |= 0x01;
		break;
	case OVL_NS_BAD_MAX:
		break;
	}
}

static void ovl_ns_parse_reject_test(struct kunit *test)
{
	struct ovl_ns_req req;
	int bad;

	for (bad = 0; bad < OVL_NS_BAD_MAX; bad++) {
		u8 *frame = ovl_test_ns(test);

		ovl_ns_mutate(frame, bad);
		KUNIT_EXPECT_FALSE_MSG(test,
				       ovl_ns_parse(frame, OVL_NS_LEN, &req),
				       "mutation %d accepted", bad);
	}
}

static void ovl_ns_parse_runt_test(struct kunit *test)
{
	u8 *frame = ovl_test_ns(test);
	struct ovl_ns_req req;
	unsigned int len;

	/* every truncation short of the whole frame is refused */
	for (len = 0; len < OVL_NS_LEN; len++)
		KUNIT_EXPECT_FALSE_MSG(test, ovl_ns_parse(frame, len, &req),
				       "accepted %u of %zu bytes", len,
				       OVL_NS_LEN);
}

static void ovl_na_build_test(struct kunit *test)
{
	u8 *frame = kunit_kzalloc(test, OVL_TEST_PAD + OVL_NA_LEN, GFP_KERNEL);
	struct ovl_ns_req req = {};
	const struct ethhdr *eth;
	const struct ipv6hdr *ip6;
	const struct nd_msg *na;
	unsigned int plen;

	KUNIT_ASSERT_NOT_NULL(test, frame);
	frame += OVL_TEST_PAD;
	ovl_test_in6(&req.saddr, 1);
	ovl_test_in6(&req.target, 3);
	memcpy(req.lladdr, ovl_vm_mac, ETH_ALEN);
	memset(frame, 0xa5, OVL_NA_LEN);
	ovl_na_build(frame, &req, ovl_target_mac, false);

	eth = (const struct ethhdr *)frame;
	ip6 = ovl_test_ip6(frame);
	na = ovl_test_nd(frame);
	plen = ntohs(ip6->payload_len);
	KUNIT_EXPECT_TRUE(test, ether_addr_equal(eth->h_dest, ovl_vm_mac));
	KUNIT_EXPECT_TRUE(test, ether_addr_equal(eth->h_source, ovl_target_mac));
	KUNIT_EXPECT_EQ(test, eth->h_proto, htons(ETH_P_IPV6));
	KUNIT_EXPECT_EQ(test, (int)ip6->version, 6);
	KUNIT_EXPECT_EQ(test, (int)ip6->priority, 0);
	KUNIT_EXPECT_EQ(test, ip6->nexthdr, IPPROTO_ICMPV6);
	KUNIT_EXPECT_EQ(test, ip6->hop_limit, 255);
	KUNIT_EXPECT_EQ(test, plen, OVL_NA_LEN - ETH_HLEN - sizeof(*ip6));
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ip6->saddr, &req.target));
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&ip6->daddr, &req.saddr));
	KUNIT_EXPECT_EQ(test, na->icmph.icmp6_type,
			NDISC_NEIGHBOUR_ADVERTISEMENT);
	KUNIT_EXPECT_EQ(test, na->icmph.icmp6_code, 0);
	KUNIT_EXPECT_EQ(test, (int)na->icmph.icmp6_solicited, 1);
	KUNIT_EXPECT_EQ(test, (int)na->icmph.icmp6_override, 1);
	KUNIT_EXPECT_EQ(test, (int)na->icmph.icmp6_router, 0);
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&na->target, &req.target));
	KUNIT_EXPECT_EQ(test, na->opt[0], ND_OPT_TARGET_LL_ADDR);
	KUNIT_EXPECT_EQ(test, na->opt[1], 1);
	KUNIT_EXPECT_TRUE(test, ether_addr_equal(&na->opt[2], ovl_target_mac));
	/* the checksum verifies: the sum over pseudo header and data is 0 */
	KUNIT_EXPECT_EQ(test, csum_ipv6_magic(&ip6->saddr, &ip6->daddr, plen,
					      IPPROTO_ICMPV6,
					      csum_partial(na, plen, 0)), 0);

	ovl_na_build(frame, &req, ovl_target_mac, true);
	KUNIT_EXPECT_EQ(test, (int)na->icmph.icmp6_router, 1);
	KUNIT_EXPECT_EQ(test, csum_ipv6_magic(&ip6->saddr, &ip6->daddr, plen,
					      IPPROTO_ICMPV6,
					      csum_partial(na, plen, 0)), 0);
	/* an advertisement is never taken for a solicitation */
	KUNIT_EXPECT_FALSE(test, ovl_ns_parse(frame, OVL_NA_LEN, &req));
}

static struct kunit_case ovl_proxy_cases[] = {
	KUNIT_CASE(ovl_ns_parse_ok_test),
	KUNIT_CASE(ovl_ns_parse_no_option_test),
	KUNIT_CASE(ovl_ns_parse_other_option_test),
	KUNIT_CASE(ovl_ns_parse_reject_test),
	KUNIT_CASE(ovl_ns_parse_runt_test),
	KUNIT_CASE(ovl_na_build_test),
	{}
};

static struct kunit_suite ovl_proxy_suite = {
	.name = "ovlnet_proxy",
	.test_cases = ovl_proxy_cases,
};

kunit_test_suites(&ovl_proxy_suite);
