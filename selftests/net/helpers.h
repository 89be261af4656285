/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the selftest helper programs: a seeded pseudo-random stream
 * (the same everywhere, so a failing seed replays) and rtnetlink
 * attribute building.
 */
#ifndef OVL_SELFTEST_HELPERS_H
#define OVL_SELFTEST_HELPERS_H

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t *rnd_state(void)
{
	static uint64_t state;

	return &state;
}

/* splitmix64 of the seed: neighbouring seeds give unrelated streams */
static inline void rnd_seed(uint64_t seed)
{
	seed += 0x9E3779B97F4A7C15ULL;
	seed = (seed ^ (seed >> 30)) * 0xBF58476D1CE4E5B9ULL;
	seed = (seed ^ (seed >> 27)) * 0x94D049BB133111EBULL;
	*rnd_state() = (seed ^ (seed >> 31)) | 1;
}

/* xorshift64* */
static inline uint32_t rnd(void)
{
	uint64_t *s = rnd_state();

	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (*s * 0x2545F4914F6CDD1DULL) >> 32;
}

static inline uint32_t rnd_below(uint32_t n)
{
	return n ? rnd() % n : 0;
}

/*
 * Appends attribute @type to @nlh, which sits at the start of a buffer of
 * @cap bytes.  An attribute that would not fit is silently left out.
 */
static inline struct rtattr *nl_put(struct nlmsghdr *nlh, size_t cap,
				    int type, const void *data, int len)
{
	struct rtattr *rta = (void *)((char *)nlh + NLMSG_ALIGN(nlh->nlmsg_len));

	if (NLMSG_ALIGN(nlh->nlmsg_len) + RTA_SPACE(len) > cap)
		return rta;
	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	nlh->nlmsg_len = NLMSG_ALIGN(nlh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
	return rta;
}

static inline void nl_nest_end(struct nlmsghdr *nlh, struct rtattr *nest)
{
	nest->rta_len = (char *)nlh + nlh->nlmsg_len - (char *)nest;
}

#endif /* OVL_SELFTEST_HELPERS_H */
