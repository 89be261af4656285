// SPDX-License-Identifier: GPL-2.0
/*
 * ovlnl: send RTM_NEWLINK for an ovl-* device with exactly the attributes
 * given, bypassing the iproute2 plugin's own checks, and print the
 * kernel's extack message.  For selftests of the kernel's validation.
 *
 *   ovlnl add|set NAME KIND [ATTR VALUE]...
 *   ATTR: id local remote group link port portrange ttl ttlinherit tos
 *         tosinherit df learning ageing maxaddr udpcsum grecsum nvgre
 *         bumlimit proxy l2miss l3miss remotesonly fwmark priority
 *         rawN (VALUE is hex bytes for attribute type N)
 *   Addresses pick the IPv4 or IPv6 attribute by their format.
 *   Exit 0 on success; 1 with "error: <errno text>: <extack>" otherwise.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "../../kmod/include/uapi/linux/ovlnet.h"
#include "helpers.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

static char buf[8192];

struct req {
	struct nlmsghdr *nlh;
};

static struct rtattr *put(struct nlmsghdr *nlh, int type, const void *data,
			  int len)
{
	return nl_put(nlh, sizeof(buf) - ((char *)nlh - buf), type, data, len);
}

struct attr_name {
	const char *name;
	int type, size;	/* size: 1, 2 (be16), 4, -1 address, -2 range */
	int type6;
};

static const struct attr_name names[] = {
	{ "id", IFLA_OVL_ID, 4, 0 },
	{ "local", IFLA_OVL_LOCAL, -1, IFLA_OVL_LOCAL6 },
	{ "remote", IFLA_OVL_REMOTE, -1, IFLA_OVL_REMOTE6 },
	{ "group", IFLA_OVL_GROUP, -1, IFLA_OVL_GROUP6 },
	{ "link", IFLA_OVL_LINK, 4, 0 },
	{ "port", IFLA_OVL_PORT, 2, 0 },
	{ "portrange", IFLA_OVL_PORT_RANGE, -2, 0 },
	{ "ttl", IFLA_OVL_TTL, 1, 0 },
	{ "ttlinherit", IFLA_OVL_TTL_INHERIT, 1, 0 },
	{ "tos", IFLA_OVL_TOS, 1, 0 },
	{ "tosinherit", IFLA_OVL_TOS_INHERIT, 1, 0 },
	{ "df", IFLA_OVL_DF, 1, 0 },
	{ "learning", IFLA_OVL_LEARNING, 1, 0 },
	{ "ageing", IFLA_OVL_AGEING, 4, 0 },
	{ "maxaddr", IFLA_OVL_MAXADDR, 4, 0 },
	{ "udpcsum", IFLA_OVL_UDP_CSUM, 1, 0 },
	{ "grecsum", IFLA_OVL_GRE_CSUM, 1, 0 },
	{ "nvgre", IFLA_OVL_NVGRE, 1, 0 },
	{ "bumlimit", IFLA_OVL_BUMLIMIT, 4, 0 },
	{ "proxy", IFLA_OVL_PROXY, 1, 0 },
	{ "l2miss", IFLA_OVL_L2MISS, 1, 0 },
	{ "l3miss", IFLA_OVL_L3MISS, 1, 0 },
	{ "remotesonly", IFLA_OVL_REMOTES_ONLY, 1, 0 },
	{ "fwmark", IFLA_OVL_FWMARK, 4, 0 },
	{ "priority", IFLA_OVL_PRIORITY, 4, 0 },
	{ NULL }
};

static int put_raw(struct nlmsghdr *nlh, int type, const char *hex)
{
	unsigned char data[256];
	int n = 0;

	while (hex[0] && hex[1] && n < (int)sizeof(data)) {
		unsigned int b;

		if (sscanf(hex, "%2x", &b) != 1)
			return -1;
		data[n++] = b;
		hex += 2;
	}
	put(nlh, type, data, n);
	return 0;
}

static int put_attr(struct nlmsghdr *nlh, const char *key, const char *val)
{
	const struct attr_name *a;
	unsigned char addr[16];

	if (!strncmp(key, "raw", 3))
		return put_raw(nlh, atoi(key + 3), val);
	for (a = names; a->name && strcmp(a->name, key); a++)
		;
	if (!a->name)
		return -1;
	switch (a->size) {
	case 1: {
		unsigned char v = strtoul(val, NULL, 0);

		put(nlh, a->type, &v, 1);
		break;
	}
	case 2: {
		unsigned short v = htons(strtoul(val, NULL, 0));

		put(nlh, a->type, &v, 2);
		break;
	}
	case 4: {
		unsigned int v = strtoul(val, NULL, 0);

		if (a->type == IFLA_OVL_LINK && !(val[0] >= '0' && val[0] <= '9'))
			v = if_nametoindex(val);
		put(nlh, a->type, &v, 4);
		break;
	}
	case -1:
		if (inet_pton(AF_INET, val, addr) == 1)
			put(nlh, a->type, addr, 4);
		else if (inet_pton(AF_INET6, val, addr) == 1)
			put(nlh, a->type6, addr, 16);
		else
			return -1;
		break;
	case -2: {
		struct ifla_ovl_port_range r;
		unsigned int lo, hi;

		if (sscanf(val, "%u:%u", &lo, &hi) != 2)
			return -1;
		r.low = htons(lo);
		r.high = htons(hi);
		put(nlh, a->type, &r, sizeof(r));
		break;
	}
	}
	return 0;
}

static int talk(struct nlmsghdr *nlh)
{
	int fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE), one = 1, len;
	struct nlmsghdr *ack;
	struct nlmsgerr *err;
	struct rtattr *rta;
	int alen;

	if (fd < 0)
		return perror("socket"), 2;
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	if (send(fd, nlh, nlh->nlmsg_len, 0) < 0)
		return perror("send"), 2;
	len = recv(fd, buf, sizeof(buf), 0);
	if (len < 0)
		return perror("recv"), 2;
	ack = (struct nlmsghdr *)buf;
	if (ack->nlmsg_type != NLMSG_ERROR)
		return 2;
	err = NLMSG_DATA(ack);
	if (!err->error) {
		printf("ok\n");
		return 0;
	}
	printf("error: %s", strerror(-err->error));
	if (ack->nlmsg_flags & NLM_F_ACK_TLVS) {
		int off = sizeof(*err);

		if (!(ack->nlmsg_flags & NLM_F_CAPPED))
			off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
		rta = (struct rtattr *)((char *)err + NLMSG_ALIGN(off));
		alen = ack->nlmsg_len - NLMSG_HDRLEN - NLMSG_ALIGN(off);
		for (; RTA_OK(rta, alen); rta = RTA_NEXT(rta, alen))
			if (rta->rta_type == NLMSGERR_ATTR_MSG)
				printf(": %s", (char *)RTA_DATA(rta));
	}
	printf("\n");
	return 1;
}

int main(int argc, char **argv)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct rtattr *linkinfo, *data;
	struct ifinfomsg *ifi;
	bool add;
	int i;

	if (argc < 4 || (argc - 4) % 2) {
		fprintf(stderr, "usage: ovlnl add|set NAME KIND [ATTR VALUE]...\n");
		return 2;
	}
	add = !strcmp(argv[1], "add");
	memset(buf, 0, sizeof(buf));
	nlh->nlmsg_len = NLMSG_LENGTH(sizeof(*ifi));
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK |
			   (add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	ifi = NLMSG_DATA(nlh);
	ifi->ifi_family = AF_UNSPEC;
	put(nlh, IFLA_IFNAME, argv[2], strlen(argv[2]) + 1);
	linkinfo = put(nlh, IFLA_LINKINFO, NULL, 0);
	put(nlh, IFLA_INFO_KIND, argv[3], strlen(argv[3]));
	data = put(nlh, IFLA_INFO_DATA, NULL, 0);
	for (i = 4; i < argc; i += 2) {
		if (put_attr(nlh, argv[i], argv[i + 1])) {
			fprintf(stderr, "bad attribute %s %s\n", argv[i], argv[i + 1]);
			return 2;
		}
	}
	nl_nest_end(nlh, data);
	nl_nest_end(nlh, linkinfo);
	return talk(nlh);
}
