/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtnetlink through libmnl: one socket for requests and dumps, one
 * subscribed to link, address and neighbour (FDB) events.
 */
#ifndef OVLNET_AGENT_RTNL_H
#define OVLNET_AGENT_RTNL_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>
#include <libmnl/libmnl.h>

struct rtnl {
	struct mnl_socket *cmd;
	struct mnl_socket *ev;
	unsigned int seq;
	unsigned int portid;
	char err[256];		/* the kernel's extack message, if any */
};

struct ip_addr {
	int family;		/* AF_INET, AF_INET6 or 0 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	};
};

int rtnl_open(struct rtnl *r);
void rtnl_close(struct rtnl *r);
int rtnl_event_fd(const struct rtnl *r);

/* Dump: type RTM_GETLINK/GETADDR/GETNEIGH, family; cb per message. */
int rtnl_dump(struct rtnl *r, int type, int family, mnl_cb_t cb, void *data);
/* Read pending events; -ENOBUFS when some were lost. */
int rtnl_events(struct rtnl *r, mnl_cb_t cb, void *data);

/* bridge fdb add|append|replace|del on a device's own table (NTF_SELF). */
enum fdb_op { FDB_APPEND, FDB_REPLACE, FDB_DEL };
struct fdb_req {
	enum fdb_op op;
	int ifindex;
	const uint8_t *mac;
	const struct ip_addr *dst;
	bool ext_learned;	/* NTF_EXT_LEARNED */
	uint8_t protocol;	/* NDA_PROTOCOL, 0: none */
};
/* 0 or -errno; r->err holds the kernel's message. */
int rtnl_fdb(struct rtnl *r, const struct fdb_req *q);

int ip_parse(const char *s, struct ip_addr *a);
const char *ip_str(const struct ip_addr *a, char *buf, size_t len);
bool ip_eq(const struct ip_addr *a, const struct ip_addr *b);

#endif
