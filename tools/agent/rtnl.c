// SPDX-License-Identifier: GPL-2.0
/*
 * rtnetlink requests, dumps and events (see rtnl.h).  Messages are built
 * and parsed with libmnl; errors keep the kernel's extack text.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include "rtnl.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

static int ext_ack_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(a, NLMSGERR_ATTR_MAX) > 0)
		tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

/* The error of an NLMSG_ERROR message, its extack text into r->err. */
static int ack_error(struct rtnl *r, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { NULL };
	unsigned int off = sizeof(*e);

	r->err[0] = '\0';
	if (e->error && (nlh->nlmsg_flags & NLM_F_ACK_TLVS)) {
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - sizeof(e->msg);
		mnl_attr_parse(nlh, off, ext_ack_cb, tb);
		if (tb[NLMSGERR_ATTR_MSG])
			snprintf(r->err, sizeof(r->err), "%s",
				 mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]));
	}
	if (e->error && !r->err[0])
		snprintf(r->err, sizeof(r->err), "%s", strerror(-e->error));
	return e->error;
}

int rtnl_open(struct rtnl *r)
{
	int one = 1, rcvbuf = 4 << 20;
	unsigned int groups[] = { RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR,
				  RTNLGRP_IPV6_IFADDR, RTNLGRP_NEIGH };
	unsigned int i;

	memset(r, 0, sizeof(*r));
	r->seq = (unsigned int)time(NULL);
	r->cmd = mnl_socket_open(NETLINK_ROUTE);
	r->ev = mnl_socket_open(NETLINK_ROUTE);
	if (!r->cmd || !r->ev)
		return -errno;
	if (mnl_socket_bind(r->cmd, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_bind(r->ev, 0, MNL_SOCKET_AUTOPID) < 0)
		return -errno;
	r->portid = mnl_socket_get_portid(r->cmd);
	mnl_socket_setsockopt(r->cmd, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(r->cmd, NETLINK_CAP_ACK, &one, sizeof(one));
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (mnl_socket_setsockopt(r->ev, NETLINK_ADD_MEMBERSHIP,
					  &groups[i], sizeof(groups[i])) < 0)
			return -errno;
	setsockopt(mnl_socket_get_fd(r->ev), SOL_SOCKET, SO_RCVBUFFORCE,
		   &rcvbuf, sizeof(rcvbuf));
	fcntl(mnl_socket_get_fd(r->ev), F_SETFL, O_NONBLOCK);
	return 0;
}

void rtnl_close(struct rtnl *r)
{
	if (r->cmd)
		mnl_socket_close(r->cmd);
	if (r->ev)
		mnl_socket_close(r->ev);
}

int rtnl_event_fd(const struct rtnl *r)
{
	return mnl_socket_get_fd(r->ev);
}

/* Send nlh on the command socket, run cb over the answer. */
static int transact(struct rtnl *r, struct nlmsghdr *nlh, mnl_cb_t cb,
		    void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE * 4];
	unsigned int seq = nlh->nlmsg_seq;
	struct nlmsghdr *m;
	int n;

	r->err[0] = '\0';
	if (mnl_socket_sendto(r->cmd, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = (int)mnl_socket_recvfrom(r->cmd, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		for (m = (struct nlmsghdr *)buf; mnl_nlmsg_ok(m, n);
		     m = mnl_nlmsg_next(m, &n)) {
			if (m->nlmsg_seq != seq)
				continue;
			if (m->nlmsg_type == NLMSG_ERROR)
				return ack_error(r, m);
			if (m->nlmsg_type == NLMSG_DONE)
				return 0;
			if (cb && cb(m, data) == MNL_CB_ERROR)
				return -EIO;
		}
	}
}

int rtnl_dump(struct rtnl *r, int type, int family, mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++r->seq;
	/* every rtnetlink dump accepts an ifinfomsg-sized header (the FDB
	 * dump reads it as one: no port filter when ifi_index is 0)
	 */
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = family;
	return transact(r, nlh, cb, data);
}

int rtnl_events(struct rtnl *r, mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE * 4];
	struct nlmsghdr *m;
	int n;

	for (;;) {
		n = (int)mnl_socket_recvfrom(r->ev, buf, sizeof(buf));
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		for (m = (struct nlmsghdr *)buf; mnl_nlmsg_ok(m, n);
		     m = mnl_nlmsg_next(m, &n))
			cb(m, data);
	}
}

int rtnl_fdb(struct rtnl *r, const struct fdb_req *q)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ndmsg *ndm;

	nlh->nlmsg_type = q->op == FDB_DEL ? RTM_DELNEIGH : RTM_NEWNEIGH;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	if (q->op == FDB_APPEND)
		nlh->nlmsg_flags |= NLM_F_CREATE | NLM_F_APPEND;
	else if (q->op == FDB_REPLACE)
		nlh->nlmsg_flags |= NLM_F_CREATE | NLM_F_REPLACE;
	nlh->nlmsg_seq = ++r->seq;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = AF_BRIDGE;
	ndm->ndm_ifindex = q->ifindex;
	ndm->ndm_state = NUD_NOARP | NUD_PERMANENT;
	ndm->ndm_flags = NTF_SELF | (q->ext_learned ? NTF_EXT_LEARNED : 0);
	mnl_attr_put(nlh, NDA_LLADDR, 6, q->mac);
	if (q->dst && q->dst->family == AF_INET)
		mnl_attr_put(nlh, NDA_DST, 4, &q->dst->v4);
	else if (q->dst && q->dst->family == AF_INET6)
		mnl_attr_put(nlh, NDA_DST, 16, &q->dst->v6);
	if (q->protocol && q->op != FDB_DEL)
		mnl_attr_put_u8(nlh, NDA_PROTOCOL, q->protocol);
	return transact(r, nlh, NULL, NULL);
}

int ip_parse(const char *s, struct ip_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, &a->v4) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &a->v6) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	return -1;
}

const char *ip_str(const struct ip_addr *a, char *buf, size_t len)
{
	if (!a->family || !inet_ntop(a->family, &a->v6, buf, len))
		snprintf(buf, len, "-");
	return buf;
}

bool ip_eq(const struct ip_addr *a, const struct ip_addr *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return a->v4.s_addr == b->v4.s_addr;
	return !memcmp(&a->v6, &b->v6, sizeof(a->v6));
}
