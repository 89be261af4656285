// SPDX-License-Identifier: GPL-2.0
/*
 * evpnfdb: replay the FDB requests an EVPN speaker (FRR's zebra) sends
 * over rtnetlink, byte for byte, and read back what the device made of
 * them: its dump, one entry (RTM_GETNEIGH), and its events.
 *
 *   evpnfdb flood-add DEV VTEP      zebra's netlink_vxlan_flood_update_ctx
 *   evpnfdb flood-del DEV VTEP      (RTM_NEWNEIGH NLM_F_CREATE|NLM_F_APPEND /
 *                                    RTM_DELNEIGH, NTF_SELF, NUD_NOARP|
 *                                    NUD_PERMANENT, 00:00:00:00:00:00)
 *   evpnfdb mac-add DEV MAC VTEP [sticky]
 *   evpnfdb mac-del DEV MAC VTEP [sticky]
 *                                   zebra's netlink_macfdb_update_ctx for a
 *                                   remote MAC: NLM_F_CREATE|NLM_F_REPLACE,
 *                                   NTF_MASTER|NTF_SELF|NTF_EXT_LEARNED,
 *                                   NUD_REACHABLE; sticky: NTF_STICKY
 *                                   instead and NUD_REACHABLE|NUD_NOARP
 *   evpnfdb dump DEV                the device's own (self) entries
 *   evpnfdb get DEV MAC             `bridge fdb get MAC dev DEV self`
 *   evpnfdb flush DEV [state S] [smask M] [flags F] [fmask M] [dst IP]
 *                 [vni N] [port P]  RTM_DELNEIGH with NLM_F_BULK, NTF_SELF
 *   evpnfdb listen DEV...           events (RTNLGRP_NEIGH, family bridge)
 *                                   of DEVs, one line each; "ready" first
 *
 * Every request carries NDA_PROTOCOL = RTPROT_ZEBRA (11) first, then the
 * attributes in zebra's order (NDA_LLADDR, NDA_DST), and is printed as
 * hex before it is sent ("req <hex>").  Entries and events print as
 *   new|del|miss MAC dst IP state 0xSS flags 0xFF [proto N] [vni N] [port N]
 * with NTF_SELF left out of flags.  Exit 0 when the kernel acked, 1 with
 * "error: <errno text>: <extack>" otherwise.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_bridge.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "helpers.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NLM_F_BULK
#define NLM_F_BULK 0x200
#endif
#ifndef NDA_NDM_STATE_MASK
#define NDA_NDM_STATE_MASK 18
#define NDA_NDM_FLAGS_MASK 19
#endif
#ifndef NTF_STICKY
#define NTF_STICKY 0x40
#endif
#define RTPROT_ZEBRA 11

static char buf[65536];

static int nl_open(unsigned int groups)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = groups };
	int one = 1, fd, rcv = 32 << 20;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("netlink");
		exit(2);
	}
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	/* a flush of thousands of entries must not overrun a listener */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	return fd;
}

static int ifindex_of(const char *name)
{
	int i = if_nametoindex(name);

	if (!i) {
		fprintf(stderr, "no device %s\n", name);
		exit(2);
	}
	return i;
}

static int parse_ip(const char *s, unsigned char *out)
{
	if (inet_pton(AF_INET, s, out) == 1)
		return 4;
	if (inet_pton(AF_INET6, s, out) == 1)
		return 16;
	fprintf(stderr, "bad address %s\n", s);
	exit(2);
}

static void parse_mac(const char *s, unsigned char *mac)
{
	if (sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1],
		   &mac[2], &mac[3], &mac[4], &mac[5]) != 6) {
		fprintf(stderr, "bad MAC %s\n", s);
		exit(2);
	}
}

/* the request as zebra lays it out: ndmsg, NDA_PROTOCOL, NDA_LLADDR, NDA_DST */
static struct nlmsghdr *zebra_req(int type, unsigned int flags, int ifindex,
				  unsigned char ndm_flags, unsigned short state,
				  const unsigned char *mac, const char *vtep)
{
	static char req[1024];
	struct nlmsghdr *nlh = (void *)req;
	struct ndmsg *ndm = NLMSG_DATA(nlh);
	unsigned char proto = RTPROT_ZEBRA, ip[16];
	int len;

	memset(req, 0, sizeof(req));
	nlh->nlmsg_len = NLMSG_LENGTH(sizeof(*ndm));
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = 1;
	ndm->ndm_family = PF_BRIDGE;
	ndm->ndm_state = state;
	ndm->ndm_flags = ndm_flags;
	ndm->ndm_ifindex = ifindex;
	nl_put(nlh, sizeof(req), NDA_PROTOCOL, &proto, 1);
	nl_put(nlh, sizeof(req), NDA_LLADDR, mac, 6);
	if (vtep) {
		len = parse_ip(vtep, ip);
		nl_put(nlh, sizeof(req), NDA_DST, ip, len);
	}
	return nlh;
}

/* sends @nlh, prints it in hex, waits for the ack */
static int talk(struct nlmsghdr *nlh)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd = nl_open(0), len;
	unsigned int i;

	printf("req ");
	for (i = 0; i < nlh->nlmsg_len; i++)
		printf("%02x", ((unsigned char *)nlh)[i]);
	printf("\n");
	fflush(stdout);
	if (sendto(fd, nlh, nlh->nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0)
		return perror("sendto"), 2;
	len = recv(fd, buf, sizeof(buf), 0);
	if (len < 0)
		return perror("recv"), 2;
	for (nlh = (void *)buf; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len)) {
		struct nlmsgerr *err = NLMSG_DATA(nlh);
		const char *msg = "";
		struct rtattr *rta;
		int alen;

		if (nlh->nlmsg_type != NLMSG_ERROR)
			continue;
		if (!err->error)
			return 0;
		if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
			rta = (void *)((char *)err + sizeof(*err) +
				       (nlh->nlmsg_flags & NLM_F_CAPPED ? 0 :
					err->msg.nlmsg_len - NLMSG_HDRLEN));
			alen = (char *)nlh + nlh->nlmsg_len - (char *)rta;
			for (; RTA_OK(rta, alen); rta = RTA_NEXT(rta, alen))
				if (rta->rta_type == NLMSGERR_ATTR_MSG)
					msg = RTA_DATA(rta);
		}
		printf("error: %s: %s\n", strerror(-err->error), msg);
		return 1;
	}
	return 2;
}

/* one RTM_*NEIGH of family bridge as a line; 0 if not of @ifindex/self */
static int format(struct nlmsghdr *nlh, const int *ifs, int nifs, char *out,
		  size_t cap)
{
	struct ndmsg *ndm = NLMSG_DATA(nlh);
	struct rtattr *rta = (void *)((char *)ndm + NLMSG_ALIGN(sizeof(*ndm)));
	int alen = nlh->nlmsg_len - NLMSG_LENGTH(sizeof(*ndm)), i, n = 0;
	char ip[INET6_ADDRSTRLEN] = "-", tail[64] = "";
	const char *type, *dev = "";
	unsigned char *mac = NULL;
	char name[IF_NAMESIZE];

	if (ndm->ndm_family != PF_BRIDGE || !(ndm->ndm_flags & NTF_SELF) ||
	    (ndm->ndm_flags & NTF_MASTER))
		return 0;
	for (i = 0; i < nifs; i++)
		if (ifs[i] == ndm->ndm_ifindex)
			break;
	if (i == nifs)
		return 0;
	if (nifs > 1 && if_indextoname(ndm->ndm_ifindex, name))
		dev = name;
	type = nlh->nlmsg_type == RTM_NEWNEIGH ? "new" :
	       nlh->nlmsg_type == RTM_DELNEIGH ? "del" : "miss";
	for (; RTA_OK(rta, alen); rta = RTA_NEXT(rta, alen)) {
		void *d = RTA_DATA(rta);
		size_t used = strlen(tail);

		switch (rta->rta_type) {
		case NDA_LLADDR:
			mac = d;
			break;
		case NDA_DST:
			inet_ntop(RTA_PAYLOAD(rta) == 4 ? AF_INET : AF_INET6, d,
				  ip, sizeof(ip));
			break;
		case NDA_PROTOCOL:
			snprintf(tail + used, sizeof(tail) - used, " proto %u",
				 *(unsigned char *)d);
			break;
		case NDA_VNI:
			snprintf(tail + used, sizeof(tail) - used, " vni %u",
				 *(unsigned int *)d);
			break;
		case NDA_PORT:
			snprintf(tail + used, sizeof(tail) - used, " port %u",
				 ntohs(*(unsigned short *)d));
			break;
		}
	}
	if (!mac)
		return 0;
	n = snprintf(out, cap, "%s%s%s %02x:%02x:%02x:%02x:%02x:%02x dst %s state 0x%02x flags 0x%02x%s",
		     dev, *dev ? " " : "", type, mac[0], mac[1], mac[2], mac[3],
		     mac[4], mac[5], ip, ndm->ndm_state,
		     ndm->ndm_flags & ~NTF_SELF, tail);
	return n;
}

static int dump(int ifindex)
{
	struct {
		struct nlmsghdr nlh;
		struct ndmsg ndm;
	} req = {
		.nlh = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETNEIGH,
			 .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1 },
		.ndm = { .ndm_family = PF_BRIDGE },
	};
	int fd = nl_open(0), len;
	struct nlmsghdr *nlh;
	char line[256];

	if (send(fd, &req, sizeof(req), 0) < 0)
		return perror("send"), 2;
	for (;;) {
		len = recv(fd, buf, sizeof(buf), 0);
		if (len < 0)
			return perror("recv"), 2;
		for (nlh = (void *)buf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (nlh->nlmsg_type == NLMSG_ERROR)
				return 2;
			if (format(nlh, &ifindex, 1, line, sizeof(line)))
				printf("%s\n", line + 4);	/* no "new " */
		}
	}
}

static int get(int ifindex, const char *macs)
{
	unsigned char mac[6];
	struct nlmsghdr *nlh;
	int fd = nl_open(0), len;
	char line[256];

	parse_mac(macs, mac);
	nlh = zebra_req(RTM_GETNEIGH, 0, ifindex, NTF_SELF, 0, mac, NULL);
	/* a get has no NDA_PROTOCOL: drop it (the first attribute) */
	nlh->nlmsg_len = NLMSG_LENGTH(sizeof(struct ndmsg));
	nl_put(nlh, 1024, NDA_LLADDR, mac, 6);
	nlh->nlmsg_flags = NLM_F_REQUEST;
	if (send(fd, nlh, nlh->nlmsg_len, 0) < 0)
		return perror("send"), 2;
	len = recv(fd, buf, sizeof(buf), 0);
	if (len < 0)
		return perror("recv"), 2;
	nlh = (void *)buf;
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		struct nlmsgerr *err = NLMSG_DATA(nlh);

		printf("error: %s\n", strerror(-err->error));
		return 1;
	}
	if (format(nlh, &ifindex, 1, line, sizeof(line)))
		printf("%s\n", line + 4);
	return 0;
}

static int flush(int ifindex, int argc, char **argv)
{
	unsigned char ip[16];
	struct nlmsghdr *nlh;
	struct ndmsg *ndm;
	unsigned int v;
	int i;

	nlh = zebra_req(RTM_DELNEIGH, NLM_F_BULK, ifindex, NTF_SELF, 0,
			(unsigned char *)"", NULL);
	nlh->nlmsg_len = NLMSG_LENGTH(sizeof(struct ndmsg));	/* no attrs */
	ndm = NLMSG_DATA(nlh);
	for (i = 0; i + 1 < argc; i += 2) {
		v = strtoul(argv[i + 1], NULL, 0);
		if (!strcmp(argv[i], "state")) {
			ndm->ndm_state = v;
		} else if (!strcmp(argv[i], "flags")) {
			ndm->ndm_flags |= v;
		} else if (!strcmp(argv[i], "smask")) {
			unsigned short m = v;

			nl_put(nlh, 1024, NDA_NDM_STATE_MASK, &m, 2);
		} else if (!strcmp(argv[i], "fmask")) {
			unsigned char m = v;

			nl_put(nlh, 1024, NDA_NDM_FLAGS_MASK, &m, 1);
		} else if (!strcmp(argv[i], "dst")) {
			nl_put(nlh, 1024, NDA_DST, ip, parse_ip(argv[i + 1], ip));
		} else if (!strcmp(argv[i], "vni")) {
			nl_put(nlh, 1024, NDA_VNI, &v, 4);
		} else if (!strcmp(argv[i], "port")) {
			unsigned short p = htons(v);

			nl_put(nlh, 1024, NDA_PORT, &p, 2);
		} else {
			fprintf(stderr, "flush: unknown %s\n", argv[i]);
			return 2;
		}
	}
	return talk(nlh);
}

static int listen_events(int argc, char **argv)
{
	int fd = nl_open(1 << (RTNLGRP_NEIGH - 1)), len, ifs[16], n = 0, i;
	struct nlmsghdr *nlh;
	char line[256];

	for (i = 0; i < argc && n < 16; i++)
		ifs[n++] = ifindex_of(argv[i]);
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		len = recv(fd, buf, sizeof(buf), 0);
		if (len < 0) {
			if (errno == ENOBUFS) {
				printf("overrun\n");
				fflush(stdout);
				continue;
			}
			return perror("recv"), 2;
		}
		for (nlh = (void *)buf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (format(nlh, ifs, n, line, sizeof(line))) {
				printf("%s\n", line);
				fflush(stdout);
			}
		}
	}
}

int main(int argc, char **argv)
{
	unsigned char mac[6] = { 0 };
	const char *cmd = argc > 2 ? argv[1] : "";
	bool sticky = argc > 5 && !strcmp(argv[5], "sticky");
	int ifindex;

	if (!strcmp(cmd, "listen"))
		return listen_events(argc - 2, argv + 2);
	if (argc < 3)
		goto usage;
	ifindex = ifindex_of(argv[2]);
	if (!strcmp(cmd, "flood-add") && argc == 4)
		return talk(zebra_req(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_APPEND,
				      ifindex, NTF_SELF,
				      NUD_NOARP | NUD_PERMANENT, mac, argv[3]));
	if (!strcmp(cmd, "flood-del") && argc == 4)
		return talk(zebra_req(RTM_DELNEIGH, 0, ifindex, NTF_SELF,
				      NUD_NOARP | NUD_PERMANENT, mac, argv[3]));
	if ((!strcmp(cmd, "mac-add") || !strcmp(cmd, "mac-del")) &&
	    (argc == 5 || sticky)) {
		parse_mac(argv[3], mac);
		return talk(zebra_req(cmd[4] == 'a' ? RTM_NEWNEIGH : RTM_DELNEIGH,
				      cmd[4] == 'a' ? NLM_F_CREATE | NLM_F_REPLACE : 0,
				      ifindex,
				      NTF_MASTER | NTF_SELF |
				      (sticky ? NTF_STICKY : NTF_EXT_LEARNED),
				      NUD_REACHABLE | (sticky ? NUD_NOARP : 0),
				      mac, argv[4]));
	}
	if (!strcmp(cmd, "dump"))
		return dump(ifindex);
	if (!strcmp(cmd, "get") && argc == 4)
		return get(ifindex, argv[3]);
	if (!strcmp(cmd, "flush"))
		return flush(ifindex, argc - 3, argv + 3);
usage:
	fprintf(stderr, "usage: see the head of evpnfdb.c\n");
	return 2;
}
