/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ARP and ND suppression (`proxy`): answer ARP requests and IPv6 neighbour
 * solicitations from the device's neighbour tables instead of flooding
 * them to every VTEP.  The parser and the advertisement builder work on
 * plain buffers so KUnit can check them byte by byte.
 */
#ifndef _OVL_PROXY_H
#define _OVL_PROXY_H

#include <linux/if_ether.h>
#include <linux/in6.h>
#include <linux/skbuff.h>

struct ovl_dev;
struct ovl_cfg;

bool ovl_proxy_reply(struct ovl_dev *ovl, const struct ovl_cfg *cfg,
		     struct sk_buff *skb);

/* A neighbour solicitation worth answering (not DAD, not multicast). */
struct ovl_ns_req {
	struct in6_addr saddr;		/* the solicitor */
	struct in6_addr target;
	u8 lladdr[ETH_ALEN];		/* its link-layer address */
};

/* Ethernet + IPv6 + NA + target link-layer address option */
#define OVL_NA_LEN	(ETH_HLEN + 40 + 24 + 8)

bool ovl_ns_parse(const u8 *frame, unsigned int len, struct ovl_ns_req *req);
void ovl_na_build(u8 *frame, const struct ovl_ns_req *req,
		  const u8 *target_lladdr, bool router);

#endif /* _OVL_PROXY_H */
