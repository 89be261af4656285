// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz: random and boundary rtnetlink requests for ovl-vxlan and ovl-gre.
 *
 *   nlfuzz fuzz ITERATIONS SEED UNDERLAY
 *       Deterministic (xorshift, seed printed).  Each iteration is one of:
 *       RTM_NEWLINK create (either kind, a random subset of IFLA_OVL_*
 *       with boundary values, sometimes a wrong length or an unknown
 *       type), RTM_NEWLINK change of an existing device, set up/down,
 *       RTM_DELLINK, RTM_NEWNEIGH / RTM_DELNEIGH (bridge fdb add/del) with
 *       random NDA_* attributes, or a link/fdb dump.  With NLM_F_ACK and
 *       NETLINK_EXT_ACK, every reply must be success or an error carrying
 *       an extack message (NLMSGERR_ATTR_MSG); a successful create or
 *       change must read back (RTM_GETLINK) with the scalar values sent,
 *       and a create or change carrying an unknown IFLA_OVL_* type (0 or
 *       above IFLA_OVL_MAX) must fail: parsing is strict.
 *       Prints a summary; exit 1 if any request failed without a message,
 *       did not read back or got an unknown attribute through, 2 on a
 *       tool error.  Deletes its devices.
 *   nlfuzz drop UID CMD [ARG]...
 *       setgid/setuid to UID (dropping every capability), then exec CMD.
 */
#include <errno.h>
#include <grp.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
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


static int nlfd;
static unsigned int seq;
static char req[8192], rsp[65536];
static char errmsg[256];

/* counters */
static unsigned long n_ok, n_err_msg, n_err_nomsg, n_readback_bad;
/* the request carried an IFLA_OVL_* type 0 or above the max */
static bool sent_unknown;
static unsigned long n_unknown_ok;
static unsigned long n_up_fail, n_dumps;
static unsigned long per_op_ok[8], per_op_err[8];
static const char *const op_name[8] = {
	"create", "change", "updown", "dellink", "fdbadd", "fdbdel", "dump",
};

static struct nlmsghdr *msg_start(int type, int flags, size_t hdr)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)req;

	memset(req, 0, sizeof(req));
	nlh->nlmsg_len = NLMSG_LENGTH(hdr);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++seq;
	return nlh;
}

static struct rtattr *put(struct nlmsghdr *nlh, int type, const void *data,
			  int len)
{
	return nl_put(nlh, sizeof(req) - 64, type, data, len);
}

/*
 * Sends @nlh, waits for its ACK.  Returns the (negative) error or 0;
 * errmsg holds the extack message or "".
 */
static int talk(struct nlmsghdr *nlh)
{
	struct nlmsgerr *err;
	struct nlmsghdr *ack;
	int len;

	errmsg[0] = 0;
	if (send(nlfd, nlh, nlh->nlmsg_len, 0) < 0) {
		perror("send");
		exit(2);
	}
	for (;;) {
		len = recv(nlfd, rsp, sizeof(rsp), 0);
		if (len < 0) {
			perror("recv");
			exit(2);
		}
		for (ack = (struct nlmsghdr *)rsp; NLMSG_OK(ack, len);
		     ack = NLMSG_NEXT(ack, len)) {
			struct rtattr *rta;
			int off, alen;

			if (ack->nlmsg_seq != seq || ack->nlmsg_type != NLMSG_ERROR)
				continue;
			err = NLMSG_DATA(ack);
			if (!err->error)
				return 0;
			if (ack->nlmsg_flags & NLM_F_ACK_TLVS) {
				off = sizeof(*err);
				if (!(ack->nlmsg_flags & NLM_F_CAPPED))
					off += err->msg.nlmsg_len -
					       sizeof(struct nlmsghdr);
				rta = (struct rtattr *)((char *)err +
							NLMSG_ALIGN(off));
				alen = ack->nlmsg_len - NLMSG_HDRLEN -
				       NLMSG_ALIGN(off);
				for (; RTA_OK(rta, alen);
				     rta = RTA_NEXT(rta, alen))
					if (rta->rta_type == NLMSGERR_ATTR_MSG)
						snprintf(errmsg, sizeof(errmsg),
							 "%s", (char *)RTA_DATA(rta));
			}
			return err->error;
		}
	}
}

/* Reads a dump to its end; returns the number of messages. */
static int dump(struct nlmsghdr *nlh)
{
	int len, n = 0;

	if (send(nlfd, nlh, nlh->nlmsg_len, 0) < 0) {
		perror("send");
		exit(2);
	}
	for (;;) {
		struct nlmsghdr *h;

		len = recv(nlfd, rsp, sizeof(rsp), 0);
		if (len < 0) {
			perror("recv");
			exit(2);
		}
		for (h = (struct nlmsghdr *)rsp; NLMSG_OK(h, len);
		     h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return n;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				if (e->error)
					fprintf(stderr, "dump error %d\n",
						e->error);
				return n;
			}
			n++;
		}
	}
}

/* --- devices -------------------------------------------------------- */

#define MAX_DEVS 12
static struct fdev {
	char name[IFNAMSIZ];
	int ifindex;
	bool gre;
} devs[MAX_DEVS];
static int ndevs;
static unsigned int name_seq;
static int ul_ifindex;

static const uint32_t u32_edge[] = {
	0, 1, 2, 255, 256, 4789, 65535, 65536, 0xffffff, 0x1000000,
	0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
};
static const uint8_t u8_edge[] = { 0, 1, 2, 3, 4, 127, 128, 254, 255 };
static const uint8_t addr4[][4] = {
	{ 192, 0, 2, 1 }, { 192, 0, 2, 9 }, { 0, 0, 0, 0 },
	{ 239, 1, 1, 1 }, { 255, 255, 255, 255 }, { 127, 0, 0, 1 },
	{ 224, 0, 0, 1 },
};
static const uint8_t addr6[][16] = {
	{ 0x20, 0x01, 0x0d, 0xb8, [15] = 1 },
	{ 0x20, 0x01, 0x0d, 0xb8, [15] = 9 },
	{ 0 },
	{ 0xff, 0x02, [15] = 1 },
	{ 0xff, 0x05, [15] = 5 },
	{ [15] = 1 },
};

enum atype { T_U8, T_BOOL, T_BE16, T_U32, T_A4, T_A6, T_RANGE, T_LINK };

static const enum atype ovl_types[IFLA_OVL_MAX + 1] = {
	[IFLA_OVL_ID] = T_U32,		[IFLA_OVL_LOCAL] = T_A4,
	[IFLA_OVL_LOCAL6] = T_A6,	[IFLA_OVL_REMOTE] = T_A4,
	[IFLA_OVL_REMOTE6] = T_A6,	[IFLA_OVL_GROUP] = T_A4,
	[IFLA_OVL_GROUP6] = T_A6,	[IFLA_OVL_LINK] = T_LINK,
	[IFLA_OVL_PORT] = T_BE16,	[IFLA_OVL_PORT_RANGE] = T_RANGE,
	[IFLA_OVL_TTL] = T_U8,		[IFLA_OVL_TTL_INHERIT] = T_BOOL,
	[IFLA_OVL_TOS] = T_U8,		[IFLA_OVL_TOS_INHERIT] = T_BOOL,
	[IFLA_OVL_DF] = T_U8,		[IFLA_OVL_LEARNING] = T_BOOL,
	[IFLA_OVL_AGEING] = T_U32,	[IFLA_OVL_MAXADDR] = T_U32,
	[IFLA_OVL_UDP_CSUM] = T_BOOL,	[IFLA_OVL_GRE_CSUM] = T_BOOL,
	[IFLA_OVL_NVGRE] = T_BOOL,	[IFLA_OVL_BUMLIMIT] = T_U32,
	[IFLA_OVL_PROXY] = T_BOOL,	[IFLA_OVL_L2MISS] = T_BOOL,
	[IFLA_OVL_L3MISS] = T_BOOL,	[IFLA_OVL_REMOTES_ONLY] = T_BOOL,
	[IFLA_OVL_FWMARK] = T_U32,	[IFLA_OVL_PRIORITY] = T_U32,
};

/* What a create/change sent, for the read-back (scalars only). */
struct sent_val {
	bool set;
	uint32_t v;
	int size;
};

static void put_random(struct nlmsghdr *nlh, int type, struct sent_val *sv,
		       bool small_ids)
{
	uint8_t b[64];
	int len = 0, i;

	memset(b, 0, sizeof(b));
	switch (type <= IFLA_OVL_MAX ? ovl_types[type] : T_U32) {
	case T_U8:
		b[0] = rnd_below(2) ? u8_edge[rnd_below(sizeof(u8_edge))] : rnd();
		len = 1;
		break;
	case T_BOOL:
		b[0] = rnd_below(8) ? rnd_below(2) : u8_edge[rnd_below(sizeof(u8_edge))];
		len = 1;
		break;
	case T_BE16: {
		uint16_t v = rnd_below(2) ? u32_edge[rnd_below(7)] : rnd();

		b[0] = v >> 8;
		b[1] = v;
		len = 2;
		break;
	}
	case T_U32: {
		uint32_t v = rnd_below(2) ? u32_edge[rnd_below(14)] : rnd();

		if (small_ids && type == IFLA_OVL_ID && rnd_below(4))
			v = rnd_below(64);
		memcpy(b, &v, 4);
		len = 4;
		break;
	}
	case T_LINK: {
		uint32_t v;

		switch (rnd_below(5)) {
		case 0:
			v = 0;
			break;
		case 1:
			v = 1;
			break;
		case 2:
			v = rnd();
			break;
		default:
			v = ul_ifindex;
		}
		memcpy(b, &v, 4);
		len = 4;
		break;
	}
	case T_A4:
		memcpy(b, addr4[rnd_below(sizeof(addr4) / 4)], 4);
		len = 4;
		break;
	case T_A6:
		memcpy(b, addr6[rnd_below(sizeof(addr6) / 16)], 16);
		len = 16;
		break;
	case T_RANGE: {
		uint16_t lo = rnd_below(2) ? u32_edge[rnd_below(7)] : rnd();
		uint16_t hi = rnd_below(2) ? u32_edge[rnd_below(7)] : rnd();

		b[0] = lo >> 8;
		b[1] = lo;
		b[2] = hi >> 8;
		b[3] = hi;
		len = 4;
		break;
	}
	}
	if (!rnd_below(12)) {		/* wrong length, random bytes */
		len = rnd_below(21);
		for (i = 0; i < len; i++)
			b[i] = rnd();
	}
	put(nlh, type, b, len);
	if (type == 0 || type > IFLA_OVL_MAX)
		sent_unknown = true;
	if (sv && type <= IFLA_OVL_MAX) {
		sv[type].set = true;
		sv[type].size = len;
		sv[type].v = len == 1 ? b[0] : len == 2 ? (uint32_t)(b[0] << 8 | b[1]) :
			     len == 4 ? *(uint32_t *)b : 0;
	}
}

/* Random IFLA_INFO_DATA content. */
static void put_ovl_data(struct nlmsghdr *nlh, struct sent_val *sv,
			 int density)
{
	int t;

	for (t = 0; t <= IFLA_OVL_MAX + 2; t++)
		if (rnd_below(100) < (unsigned int)density)
			put_random(nlh, t, sv, true);
}

static struct rtattr *link_msg(int flags, const char *name, int ifindex,
			       const char *kind, struct nlmsghdr **pnlh)
{
	struct nlmsghdr *nlh = msg_start(RTM_NEWLINK, flags, sizeof(struct ifinfomsg));
	struct ifinfomsg *ifi = NLMSG_DATA(nlh);
	struct rtattr *li;

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	if (name)
		put(nlh, IFLA_IFNAME, name, strlen(name) + 1);
	li = put(nlh, IFLA_LINKINFO, NULL, 0);
	put(nlh, IFLA_INFO_KIND, kind, strlen(kind));
	*pnlh = nlh;
	return li;
}

static void account(int op, int err, const struct nlmsghdr *nlh)
{
	if (!err && sent_unknown) {	/* parsing must be strict */
		n_unknown_ok++;
		fprintf(stderr, "UNKNOWN ATTRIBUTE ACCEPTED: %s seq %u\n",
			op_name[op], nlh->nlmsg_seq);
	}
	sent_unknown = false;
	if (!err) {
		n_ok++;
		per_op_ok[op]++;
		return;
	}
	per_op_err[op]++;
	if (errmsg[0] || err == -ENOMEM || err == -ENOBUFS) {
		n_err_msg++;
		return;
	}
	n_err_nomsg++;
	fprintf(stderr, "NO EXTACK: %s seq %u: %s; request:", op_name[op],
		nlh->nlmsg_seq, strerror(-err));
	for (unsigned int i = 0; i < nlh->nlmsg_len && i < 256; i++)
		fprintf(stderr, "%s%02x", i % 4 ? "" : " ",
			((const uint8_t *)nlh)[i]);
	fprintf(stderr, "\n");
}

/*
 * Reads @d back and compares every scalar sent with the right length.
 * Returns false on a mismatch (printed).
 */
static bool readback(const struct fdev *d, const struct sent_val *sv)
{
	struct nlmsghdr *nlh = msg_start(RTM_GETLINK, 0, sizeof(struct ifinfomsg));
	struct ifinfomsg *ifi = NLMSG_DATA(nlh);
	struct rtattr *a, *li, *data = NULL;
	struct nlmsghdr *h;
	int len, alen, t;
	bool ok = true;

	ifi->ifi_index = d->ifindex;
	if (send(nlfd, nlh, nlh->nlmsg_len, 0) < 0 ||
	    (len = recv(nlfd, rsp, sizeof(rsp), 0)) < 0) {
		perror("getlink");
		exit(2);
	}
	h = (struct nlmsghdr *)rsp;
	if (!NLMSG_OK(h, len) || h->nlmsg_type != RTM_NEWLINK) {
		fprintf(stderr, "readback %s: no RTM_NEWLINK\n", d->name);
		return false;
	}
	alen = IFLA_PAYLOAD(h);
	for (a = IFLA_RTA(NLMSG_DATA(h)); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
		int l2;

		if (a->rta_type != IFLA_LINKINFO)
			continue;
		l2 = RTA_PAYLOAD(a);
		for (li = RTA_DATA(a); RTA_OK(li, l2); li = RTA_NEXT(li, l2))
			if (li->rta_type == IFLA_INFO_DATA)
				data = li;
	}
	if (!data) {
		fprintf(stderr, "readback %s: no IFLA_INFO_DATA\n", d->name);
		return false;
	}
	for (t = 1; t <= IFLA_OVL_MAX; t++) {
		uint32_t got = 0;
		bool found = false;
		int l3 = RTA_PAYLOAD(data);
		int want = ovl_types[t] == T_U32 ? 4 : ovl_types[t] == T_BE16 ? 2 :
			   (ovl_types[t] == T_U8 || ovl_types[t] == T_BOOL) ? 1 : 0;

		if (!sv[t].set || !want || sv[t].size != want)
			continue;
		for (a = RTA_DATA(data); RTA_OK(a, l3); a = RTA_NEXT(a, l3)) {
			if (a->rta_type != t)
				continue;
			found = true;
			if (RTA_PAYLOAD(a) != (unsigned int)want) {
				fprintf(stderr, "readback %s: attr %d len %u\n",
					d->name, t, (unsigned int)RTA_PAYLOAD(a));
				return false;
			}
			if (want == 1)
				got = *(uint8_t *)RTA_DATA(a);
			else if (want == 2)
				got = ((uint8_t *)RTA_DATA(a))[0] << 8 |
				      ((uint8_t *)RTA_DATA(a))[1];
			else
				got = *(uint32_t *)RTA_DATA(a);
		}
		/* the other kind's attributes are rejected, never accepted */
		if (!found || got != sv[t].v) {
			fprintf(stderr, "readback %s: attr %d sent %u got %s%u\n",
				d->name, t, sv[t].v, found ? "" : "nothing ", got);
			ok = false;
		}
	}
	return ok;
}

static int ifindex_of(const char *name)
{
	return if_nametoindex(name);
}

static void op_create(void)
{
	struct sent_val sv[IFLA_OVL_MAX + 3] = { 0 };
	struct nlmsghdr *nlh;
	struct rtattr *li, *data;
	bool gre = rnd_below(2);
	char name[IFNAMSIZ];
	int err;

	snprintf(name, sizeof(name), "fz%u", name_seq++);
	li = link_msg(NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, name, 0,
		      gre ? OVL_GRE_KIND : OVL_VXLAN_KIND, &nlh);
	data = put(nlh, IFLA_INFO_DATA, NULL, 0);
	/* usually an ID, so creates succeed often enough to matter */
	if (rnd_below(8)) {
		uint32_t id = rnd_below(64);

		put(nlh, IFLA_OVL_ID, &id, 4);
		sv[IFLA_OVL_ID] = (struct sent_val){ true, id, 4 };
	}
	put_ovl_data(nlh, sv, 12);
	nl_nest_end(nlh, data);
	nl_nest_end(nlh, li);
	if (rnd_below(6) == 0) {	/* sometimes an MTU too */
		uint32_t mtu = u32_edge[rnd_below(14)];

		put(nlh, IFLA_MTU, &mtu, 4);
	}
	err = talk(nlh);
	account(0, err, nlh);
	if (err)
		return;
	if (ndevs == MAX_DEVS) {
		fprintf(stderr, "too many devices\n");
		exit(2);
	}
	snprintf(devs[ndevs].name, IFNAMSIZ, "%s", name);
	devs[ndevs].ifindex = ifindex_of(name);
	devs[ndevs].gre = gre;
	if (!readback(&devs[ndevs], sv))
		n_readback_bad++;
	ndevs++;
}

static void op_change(struct fdev *d)
{
	struct sent_val sv[IFLA_OVL_MAX + 3] = { 0 };
	struct nlmsghdr *nlh;
	struct rtattr *li, *data;
	int err;

	li = link_msg(NLM_F_ACK, NULL, d->ifindex,
		      d->gre ? OVL_GRE_KIND : OVL_VXLAN_KIND, &nlh);
	data = put(nlh, IFLA_INFO_DATA, NULL, 0);
	put_ovl_data(nlh, sv, 10);
	nl_nest_end(nlh, data);
	nl_nest_end(nlh, li);
	err = talk(nlh);
	account(1, err, nlh);
	if (!err && !readback(d, sv))
		n_readback_bad++;
}

static void op_updown(struct fdev *d)
{
	struct nlmsghdr *nlh = msg_start(RTM_NEWLINK, NLM_F_ACK,
					 sizeof(struct ifinfomsg));
	struct ifinfomsg *ifi = NLMSG_DATA(nlh);
	int err;

	ifi->ifi_index = d->ifindex;
	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = rnd_below(3) ? IFF_UP : 0;
	err = talk(nlh);
	/* ndo_open has no extack: count, do not judge */
	if (err) {
		n_up_fail++;
		per_op_err[2]++;
	} else {
		per_op_ok[2]++;
	}
}

static void op_dellink(int i)
{
	struct nlmsghdr *nlh = msg_start(RTM_DELLINK, NLM_F_ACK,
					 sizeof(struct ifinfomsg));
	struct ifinfomsg *ifi = NLMSG_DATA(nlh);
	int err;

	ifi->ifi_index = devs[i].ifindex;
	err = talk(nlh);
	account(3, err, nlh);
	if (err) {
		fprintf(stderr, "cannot delete %s: %s\n", devs[i].name,
			strerror(-err));
		exit(2);
	}
	devs[i] = devs[--ndevs];
}

static void op_fdb(struct fdev *d, bool add)
{
	static const uint16_t states[] = {
		NUD_PERMANENT, NUD_NOARP, NUD_REACHABLE, NUD_STALE, 0,
		NUD_PERMANENT | NUD_NOARP,
	};
	struct nlmsghdr *nlh = msg_start(add ? RTM_NEWNEIGH : RTM_DELNEIGH,
					 NLM_F_ACK | (add ? NLM_F_CREATE : 0),
					 sizeof(struct ndmsg));
	struct ndmsg *ndm = NLMSG_DATA(nlh);
	uint8_t b[32];
	int err, i;

	if (add)
		nlh->nlmsg_flags |= rnd_below(3) == 0 ? NLM_F_APPEND :
				    rnd_below(2) ? NLM_F_REPLACE : NLM_F_EXCL;
	ndm->ndm_family = AF_BRIDGE;
	ndm->ndm_ifindex = d->ifindex;
	ndm->ndm_flags = NTF_SELF;
	ndm->ndm_state = states[rnd_below(6)];
	/* a valid LLADDR, else the core rejects it before ovlnet sees it */
	memset(b, 0, 6);
	switch (rnd_below(4)) {
	case 0:
		break;			/* the flood list */
	case 1:
		b[0] = 0x01;		/* multicast: refused */
		b[5] = rnd();
		break;
	default:
		b[0] = 0x02;
		b[5] = rnd_below(8);	/* few MACs: append/del hit */
	}
	put(nlh, NDA_LLADDR, b, 6);
	if (rnd_below(8)) {
		int len;

		switch (rnd_below(6)) {
		case 0:
			memcpy(b, addr4[rnd_below(sizeof(addr4) / 4)], 4);
			len = 4;
			break;
		case 1:
			memcpy(b, addr6[rnd_below(sizeof(addr6) / 16)], 16);
			len = 16;
			break;
		case 2:
		case 3:			/* a plausible VTEP, so adds succeed */
			memcpy(b, addr4[1], 4);
			len = 4;
			break;
		case 4:
			memcpy(b, addr6[1], 16);
			len = 16;
			break;
		default:
			len = rnd_below(21);
			for (i = 0; i < len; i++)
				b[i] = rnd();
		}
		put(nlh, NDA_DST, b, len);
	}
	if (!rnd_below(4)) {
		uint16_t p = rnd_below(2) ? 0 : rnd();

		put(nlh, NDA_PORT, &p, rnd_below(6) ? 2 : rnd_below(5));
	}
	if (!rnd_below(4)) {
		uint32_t v = u32_edge[rnd_below(14)];

		put(nlh, NDA_VNI, &v, rnd_below(6) ? 4 : rnd_below(9));
	}
	if (!rnd_below(5)) {
		uint32_t v = rnd_below(2) ? (uint32_t)ul_ifindex : rnd_below(3) ? 0 : rnd();

		put(nlh, NDA_IFINDEX, &v, rnd_below(6) ? 4 : rnd_below(9));
	}
	if (!rnd_below(10)) {
		uint16_t v = rnd_below(4096);

		put(nlh, NDA_VLAN, &v, 2);
	}
	if (!rnd_below(10)) {
		uint32_t v = rnd();

		put(nlh, NDA_SRC_VNI, &v, 4);
	}
	err = talk(nlh);
	account(add ? 4 : 5, err, nlh);
}

static void op_dump(void)
{
	struct nlmsghdr *nlh;

	if (rnd_below(2)) {
		struct ifinfomsg *ifi;

		nlh = msg_start(RTM_GETLINK, NLM_F_DUMP, sizeof(*ifi));
		ifi = NLMSG_DATA(nlh);
		ifi->ifi_family = AF_UNSPEC;
	} else {
		struct ndmsg *ndm;

		nlh = msg_start(RTM_GETNEIGH, NLM_F_DUMP, sizeof(*ndm));
		ndm = NLMSG_DATA(nlh);
		ndm->ndm_family = AF_BRIDGE;
	}
	dump(nlh);
	n_dumps++;
	per_op_ok[6]++;
}

static int fuzz(unsigned long iters, const char *ul)
{
	unsigned long i;
	int op;

	ul_ifindex = if_nametoindex(ul);
	if (!ul_ifindex)
		return perror(ul), 2;
	for (i = 0; i < iters; i++) {
		op = rnd_below(100);
		if (op < 25 || !ndevs) {
			if (ndevs >= MAX_DEVS)
				op_dellink(rnd_below(ndevs));
			else
				op_create();
		} else if (op < 45) {
			op_change(&devs[rnd_below(ndevs)]);
		} else if (op < 52) {
			op_updown(&devs[rnd_below(ndevs)]);
		} else if (op < 60) {
			op_dellink(rnd_below(ndevs));
		} else if (op < 80) {
			op_fdb(&devs[rnd_below(ndevs)], true);
		} else if (op < 95) {
			op_fdb(&devs[rnd_below(ndevs)], false);
		} else {
			op_dump();
		}
	}
	while (ndevs)
		op_dellink(ndevs - 1);
	for (op = 0; op < 7; op++)
		printf("op %s ok %lu err %lu\n", op_name[op], per_op_ok[op],
		       per_op_err[op]);
	printf("total ok %lu, errors with extack %lu, errors WITHOUT extack %lu, readback mismatches %lu, up/down failures %lu, dumps %lu, unknown attributes accepted %lu\n",
	       n_ok, n_err_msg, n_err_nomsg, n_readback_bad, n_up_fail, n_dumps,
	       n_unknown_ok);
	return n_err_nomsg || n_readback_bad || n_unknown_ok ? 1 : 0;
}

int main(int argc, char **argv)
{
	int one = 1;

	if (argc >= 4 && !strcmp(argv[1], "drop")) {
		uid_t uid = strtoul(argv[2], NULL, 0);

		if (setgroups(0, NULL) || setgid(uid) || setuid(uid))
			return perror("drop"), 2;
		execvp(argv[3], argv + 3);
		return perror(argv[3]), 2;
	}
	if (argc != 5 || strcmp(argv[1], "fuzz")) {
		fprintf(stderr, "usage: nlfuzz fuzz ITERATIONS SEED UNDERLAY\n"
				"       nlfuzz drop UID CMD [ARG]...\n");
		return 2;
	}
	rnd_seed(strtoull(argv[3], NULL, 0));
	printf("seed %s\n", argv[3]);
	nlfd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	if (nlfd < 0)
		return perror("socket"), 2;
	setsockopt(nlfd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	return fuzz(strtoul(argv[2], NULL, 0), argv[4]);
}
