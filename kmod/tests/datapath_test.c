// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the data path's pure rules in proto.h: RFC 6040 ECN
 * decapsulation, the VXLAN headroom/overhead arithmetic and what a frame
 * too big for the path gets.
 */

#include <kunit/test.h>
#include <linux/kernel.h>

#include "../proto.h"

/* RFC 6040 section 4.2, Figure 4: every (inner, outer) pair. */
static void ovl_ecn_decap_table_test(struct kunit *test)
{
	static const struct {
		u8 inner, outer;
		enum ovl_ecn_action want;
	} t[] = {
		{ OVL_ECN_NOT_ECT, OVL_ECN_NOT_ECT, OVL_ECN_KEEP },
		{ OVL_ECN_NOT_ECT, OVL_ECN_ECT_0, OVL_ECN_KEEP },
		{ OVL_ECN_NOT_ECT, OVL_ECN_ECT_1, OVL_ECN_KEEP },
		{ OVL_ECN_NOT_ECT, OVL_ECN_CE, OVL_ECN_DROP },
		{ OVL_ECN_ECT_0, OVL_ECN_NOT_ECT, OVL_ECN_KEEP },
		{ OVL_ECN_ECT_0, OVL_ECN_ECT_0, OVL_ECN_KEEP },
		{ OVL_ECN_ECT_0, OVL_ECN_ECT_1, OVL_ECN_SET_ECT1 },
		{ OVL_ECN_ECT_0, OVL_ECN_CE, OVL_ECN_SET_CE },
		{ OVL_ECN_ECT_1, OVL_ECN_NOT_ECT, OVL_ECN_KEEP },
		{ OVL_ECN_ECT_1, OVL_ECN_ECT_0, OVL_ECN_KEEP },
		{ OVL_ECN_ECT_1, OVL_ECN_ECT_1, OVL_ECN_KEEP },
		{ OVL_ECN_ECT_1, OVL_ECN_CE, OVL_ECN_SET_CE },
		{ OVL_ECN_CE, OVL_ECN_NOT_ECT, OVL_ECN_KEEP },
		{ OVL_ECN_CE, OVL_ECN_ECT_0, OVL_ECN_KEEP },
		{ OVL_ECN_CE, OVL_ECN_ECT_1, OVL_ECN_KEEP },
		{ OVL_ECN_CE, OVL_ECN_CE, OVL_ECN_KEEP },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++)
		KUNIT_EXPECT_EQ_MSG(test, ovl_ecn_decap(t[i].outer, t[i].inner),
				    t[i].want, "inner %u outer %u",
				    t[i].inner, t[i].outer);
}

/* Only the ECN bits count: DSCP values around them change nothing. */
static void ovl_ecn_decap_dscp_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, ovl_ecn_decap(0xb8 | OVL_ECN_CE, 0x28),
			OVL_ECN_DROP);
	KUNIT_EXPECT_EQ(test, ovl_ecn_decap(0x28 | OVL_ECN_CE,
					    0xb8 | OVL_ECN_ECT_0),
			OVL_ECN_SET_CE);
	KUNIT_EXPECT_EQ(test, ovl_ecn_decap(0xfc | OVL_ECN_ECT_1,
					    0x04 | OVL_ECN_ECT_0),
			OVL_ECN_SET_ECT1);
	KUNIT_EXPECT_EQ(test, ovl_ecn_decap(0xfc, 0xfc | OVL_ECN_ECT_0),
			OVL_ECN_KEEP);
}

/*
 * The headroom transmit asks of skb_cow_head() is what VXLAN pushes in
 * front of the inner frame (outer IP + UDP + VXLAN), not the overhead
 * that counts the inner Ethernet header already in the skb: asking 14
 * bytes more reallocates every frame that arrives with just enough.
 */
static void ovl_vxlan_headroom_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, OVL_VXLAN4_HEADROOM, 20 + 8 + 8);
	KUNIT_EXPECT_EQ(test, OVL_VXLAN6_HEADROOM, 40 + 8 + 8);
	KUNIT_EXPECT_EQ(test, OVL_VXLAN4_OVERHEAD, OVL_VXLAN4_HEADROOM + 14);
	KUNIT_EXPECT_EQ(test, OVL_VXLAN6_OVERHEAD, OVL_VXLAN6_HEADROOM + 14);
	/* the MTU rule: 1500-byte underlay, 1450/1430-byte tenant frames */
	KUNIT_EXPECT_EQ(test, 1500 - OVL_VXLAN4_OVERHEAD, 1450);
	KUNIT_EXPECT_EQ(test, 1500 - OVL_VXLAN6_OVERHEAD, 1430);
}

/* A frame too big for the path: every (outer DF, inner DF, bridged). */
static void ovl_pmtu_action_test(struct kunit *test)
{
	static const struct {
		bool outer_df, inner_df, bridged;
		enum ovl_pmtu_action want;
	} t[] = {
		{ false, false, false, OVL_PMTU_SEND },
		{ false, true, false, OVL_PMTU_SEND },
		{ true, false, false, OVL_PMTU_DROP },
		{ true, true, false, OVL_PMTU_DROP },
		{ false, false, true, OVL_PMTU_SEND },
		{ false, true, true, OVL_PMTU_ANSWER_OR_SEND },
		{ true, false, true, OVL_PMTU_ANSWER },
		{ true, true, true, OVL_PMTU_ANSWER },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++)
		KUNIT_EXPECT_EQ_MSG(test, ovl_pmtu_action(t[i].outer_df,
							  t[i].inner_df,
							  t[i].bridged),
				    t[i].want, "outer df %d inner df %d bridged %d",
				    t[i].outer_df, t[i].inner_df, t[i].bridged);
}

static struct kunit_case ovl_datapath_cases[] = {
	KUNIT_CASE(ovl_ecn_decap_table_test),
	KUNIT_CASE(ovl_ecn_decap_dscp_test),
	KUNIT_CASE(ovl_vxlan_headroom_test),
	KUNIT_CASE(ovl_pmtu_action_test),
	{}
};

static struct kunit_suite ovl_datapath_suite = {
	.name = "ovlnet_datapath",
	.test_cases = ovl_datapath_cases,
};

kunit_test_suites(&ovl_datapath_suite);
