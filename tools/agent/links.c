// SPDX-License-Identifier: GPL-2.0
/*
 * The namespace's ovl devices, their VTEP addresses and FDBs, read from
 * rtnetlink dumps.  Events only mark what must be read again; the main
 * loop then re-dumps (coalescing bursts of events into one pass).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "agent.h"
#include "../../kmod/include/uapi/linux/ovlnet.h"

struct dump_ctx {
	struct agent *a;
	json_object *addrs;	/* {"ifindex": [addr...]}, "all": {addr: 1} */
};

struct dev *dev_by_ifindex(struct agent *a, int ifindex)
{
	struct dev *d;

	for (d = a->devs; d; d = d->next)
		if (d->ifindex == ifindex)
			return d;
	return NULL;
}

void dev_free(struct dev *d)
{
	json_object_put(d->own_flood);
	json_object_put(d->own_macs);
	json_object_put(d->cur_flood);
	json_object_put(d->cur_macs);
	json_object_put(d->local_macs);
	free(d);
}

static struct dev *dev_new(struct agent *a, int ifindex)
{
	struct dev *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->ifindex = ifindex;
	d->own_flood = json_object_new_object();
	d->own_macs = json_object_new_object();
	d->cur_flood = json_object_new_object();
	d->cur_macs = json_object_new_object();
	d->local_macs = json_object_new_object();
	d->next = a->devs;
	a->devs = d;
	return d;
}

/* --- links ----------------------------------------------------------- */

struct link_info {
	const char *name;
	const char *kind;
	int master;
	const struct nlattr *data;
};

static int attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	/* only attribute types the caller's table is sized for */
	if (type <= IFLA_MAX)
		tb[type] = attr;
	return MNL_CB_OK;
}

static int ovl_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (type <= IFLA_OVL_MAX)
		tb[type] = attr;
	return MNL_CB_OK;
}

static bool parse_link(const struct nlmsghdr *nlh, struct link_info *li)
{
	const struct nlattr *tb[IFLA_MAX + 1] = { NULL };
	const struct nlattr *ti[IFLA_MAX + 1] = { NULL };

	memset(li, 0, sizeof(*li));
	mnl_attr_parse(nlh, sizeof(struct ifinfomsg), attr_cb, tb);
	if (!tb[IFLA_IFNAME] || !tb[IFLA_LINKINFO])
		return false;
	li->name = mnl_attr_get_str(tb[IFLA_IFNAME]);
	if (tb[IFLA_MASTER])
		li->master = (int)mnl_attr_get_u32(tb[IFLA_MASTER]);
	mnl_attr_parse_nested(tb[IFLA_LINKINFO], attr_cb, ti);
	if (!ti[IFLA_INFO_KIND])
		return false;
	li->kind = mnl_attr_get_str(ti[IFLA_INFO_KIND]);
	li->data = ti[IFLA_INFO_DATA];
	return !strcmp(li->kind, OVL_VXLAN_KIND) ||
	       !strcmp(li->kind, OVL_GRE_KIND);
}

static void fill_dev(struct dev *d, const struct link_info *li)
{
	const struct nlattr *tb[IFLA_OVL_MAX + 1] = { NULL };
	bool vxlan = !strcmp(li->kind, OVL_VXLAN_KIND);

	snprintf(d->name, sizeof(d->name), "%s", li->name);
	d->master = li->master;
	if (li->data)
		mnl_attr_parse_nested(li->data, ovl_attr_cb, tb);
	d->id = tb[IFLA_OVL_ID] ? mnl_attr_get_u32(tb[IFLA_OVL_ID]) : 0;
	d->port = vxlan && tb[IFLA_OVL_PORT] ?
		  ntohs(mnl_attr_get_u16(tb[IFLA_OVL_PORT])) : 0;
	if (vxlan)
		snprintf(d->kind, sizeof(d->kind), "vxlan");
	else if (tb[IFLA_OVL_NVGRE] && mnl_attr_get_u8(tb[IFLA_OVL_NVGRE]))
		snprintf(d->kind, sizeof(d->kind), "nvgre");
	else
		snprintf(d->kind, sizeof(d->kind), "gre");
	memset(&d->local, 0, sizeof(d->local));
	if (tb[IFLA_OVL_LOCAL]) {
		d->local.family = AF_INET;
		memcpy(&d->local.v4, mnl_attr_get_payload(tb[IFLA_OVL_LOCAL]), 4);
	} else if (tb[IFLA_OVL_LOCAL6]) {
		d->local.family = AF_INET6;
		memcpy(&d->local.v6, mnl_attr_get_payload(tb[IFLA_OVL_LOCAL6]), 16);
	}
	d->link = tb[IFLA_OVL_LINK] ? (int)mnl_attr_get_u32(tb[IFLA_OVL_LINK]) : 0;
	d->group = tb[IFLA_OVL_GROUP] || tb[IFLA_OVL_GROUP6];
	snprintf(d->group_key, sizeof(d->group_key), "%s/%u/%u",
		 d->kind, d->id, d->port);
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *c = data;
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	struct link_info li;
	struct dev *d;
	bool is_new;

	if (nlh->nlmsg_type != RTM_NEWLINK || !parse_link(nlh, &li))
		return MNL_CB_OK;
	d = dev_by_ifindex(c->a, ifm->ifi_index);
	is_new = !d;
	if (is_new) {
		d = dev_new(c->a, ifm->ifi_index);
		if (!d)
			return MNL_CB_ERROR;
	}
	fill_dev(d, &li);
	d->seen = true;
	if (is_new) {
		logmsg("device %s: %s id %u port %u found", d->name, d->kind,
		       d->id, d->port);
		state_adopt(c->a, d);
	}
	return MNL_CB_OK;
}

/* --- addresses ------------------------------------------------------- */

static int addr_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (type <= IFA_MAX)
		tb[type] = attr;
	return MNL_CB_OK;
}

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *c = data;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFA_MAX + 1] = { NULL };
	const struct nlattr *at;
	char key[16], s[INET6_ADDRSTRLEN];
	json_object *list;

	if (nlh->nlmsg_type != RTM_NEWADDR || ifa->ifa_scope != RT_SCOPE_UNIVERSE)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*ifa), addr_attr_cb, tb);
	at = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!at || !inet_ntop(ifa->ifa_family, mnl_attr_get_payload(at), s,
			      sizeof(s)))
		return MNL_CB_OK;
	snprintf(key, sizeof(key), "%u", ifa->ifa_index);
	if (!json_object_object_get_ex(c->addrs, key, &list)) {
		list = json_object_new_array();
		json_object_object_add(c->addrs, key, list);
	}
	json_object_array_add(list, json_object_new_string(s));
	json_object_object_add(json_object_object_get(c->addrs, "all"), s,
			       json_object_new_int(1));
	return MNL_CB_OK;
}

/* The VTEP address of d: its local if configured here, else the first
 * global address of its underlay device (IPv4 first).
 */
static void pick_vtep(const struct dev *d, json_object *addrs,
		      struct ip_addr *v)
{
	char s[INET6_ADDRSTRLEN], key[16];
	json_object *list;
	struct ip_addr x;
	size_t i, n;
	int fam;

	memset(v, 0, sizeof(*v));
	if (d->local.family) {
		ip_str(&d->local, s, sizeof(s));
		if (json_object_object_get_ex(json_object_object_get(addrs, "all"),
					      s, NULL))
			*v = d->local;
		return;
	}
	snprintf(key, sizeof(key), "%d", d->link);
	if (!d->link || !json_object_object_get_ex(addrs, key, &list))
		return;
	n = json_object_array_length(list);
	for (fam = AF_INET; !v->family; fam = AF_INET6) {
		for (i = 0; i < n && !v->family; i++)
			if (!ip_parse(json_object_get_string(
					json_object_array_get_idx(list, i)), &x) &&
			    x.family == fam)
				*v = x;
		if (fam == AF_INET6)
			break;
	}
}

int links_refresh(struct agent *a)
{
	struct dump_ctx c = { .a = a, .addrs = json_object_new_object() };
	char o[INET6_ADDRSTRLEN], n[INET6_ADDRSTRLEN];
	struct dev *d, **pp;
	struct ip_addr v;
	int err;

	json_object_object_add(c.addrs, "all", json_object_new_object());
	for (d = a->devs; d; d = d->next)
		d->seen = false;
	err = rtnl_dump(&a->rtnl, RTM_GETLINK, AF_UNSPEC, link_cb, &c);
	if (!err)
		err = rtnl_dump(&a->rtnl, RTM_GETADDR, AF_UNSPEC, addr_cb, &c);
	if (err) {
		logmsg("rtnetlink dump failed: %s", strerror(-err));
		json_object_put(c.addrs);
		return err;
	}
	for (pp = &a->devs; (d = *pp);) {
		if (!d->seen) {
			logmsg("device %s (%s id %u) deleted", d->name, d->kind,
			       d->id);
			*pp = d->next;
			sync_forget(a, d);
			dev_free(d);
			a->dirty_state = true;
			continue;
		}
		pp = &d->next;
		if (d->group)
			continue;
		pick_vtep(d, c.addrs, &v);
		if (!ip_eq(&v, &d->vtep)) {
			ip_str(&d->vtep, o, sizeof(o));
			ip_str(&v, n, sizeof(n));
			if (v.family)
				logmsg("device %s: VTEP %s (%s/%u/%u)%s%s", d->name,
				       n, d->kind, d->id, d->port,
				       d->vtep.family ? ", was " : "",
				       d->vtep.family ? o : "");
			else
				logmsg("device %s: no usable VTEP address (local %s not configured here); not registered",
				       d->name, d->local.family ?
				       ip_str(&d->local, o, sizeof(o)) : "unset");
			d->vtep = v;
			a->dirty_state = true;
		}
	}
	json_object_put(c.addrs);
	a->dirty_fdb = true;
	return 0;
}

/* --- FDB ------------------------------------------------------------- */

static int nda_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (type <= NDA_MAX)
		tb[type] = attr;
	return MNL_CB_OK;
}

static void mac_str(const uint8_t *m, char *s)
{
	sprintf(s, "%02x:%02x:%02x:%02x:%02x:%02x",
		m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void fdb_self(struct dev *d, const struct ndmsg *ndm,
		     const char *mac, const char *dst, int proto)
{
	json_object *e;

	if (!strcmp(mac, "00:00:00:00:00:00")) {
		json_object_object_add(d->cur_flood, dst,
				       json_object_new_int(proto));
		return;
	}
	e = json_object_new_object();
	json_object_object_add(e, "dst", json_object_new_string(dst));
	json_object_object_add(e, "static", json_object_new_boolean(
		(ndm->ndm_state & (NUD_PERMANENT | NUD_NOARP)) != 0));
	json_object_object_add(e, "proto", json_object_new_int(proto));
	json_object_object_add(e, "ext", json_object_new_boolean(
		(ndm->ndm_flags & NTF_EXT_LEARNED) != 0));
	json_object_object_add(d->cur_macs, mac, e);
}

static int fdb_cb(const struct nlmsghdr *nlh, void *data)
{
	struct agent *a = data;
	const struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[NDA_MAX + 1] = { NULL };
	char mac[18], dst[INET6_ADDRSTRLEN] = "";
	int proto = 0, master;
	struct dev *d;

	if (nlh->nlmsg_type != RTM_NEWNEIGH || ndm->ndm_family != AF_BRIDGE)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*ndm), nda_attr_cb, tb);
	if (!tb[NDA_LLADDR] || mnl_attr_get_payload_len(tb[NDA_LLADDR]) != 6)
		return MNL_CB_OK;
	mac_str(mnl_attr_get_payload(tb[NDA_LLADDR]), mac);
	if (tb[NDA_PROTOCOL])
		proto = mnl_attr_get_u8(tb[NDA_PROTOCOL]);
	if (tb[NDA_MASTER]) {
		/* a bridge's entry: a MAC behind one of its ports */
		master = (int)mnl_attr_get_u32(tb[NDA_MASTER]);
		if (ndm->ndm_state & NUD_PERMANENT)
			return MNL_CB_OK;	/* the port's own address */
		for (d = a->devs; d; d = d->next)
			if (d->master == master && d->ifindex != ndm->ndm_ifindex &&
			    ndm->ndm_ifindex != master)
				json_object_object_add(d->local_macs, mac,
						       json_object_new_int(1));
		return MNL_CB_OK;
	}
	d = dev_by_ifindex(a, ndm->ndm_ifindex);
	if (!d || !(ndm->ndm_flags & NTF_SELF) || !tb[NDA_DST])
		return MNL_CB_OK;
	if (!inet_ntop(mnl_attr_get_payload_len(tb[NDA_DST]) == 4 ? AF_INET : AF_INET6,
		       mnl_attr_get_payload(tb[NDA_DST]), dst, sizeof(dst)))
		return MNL_CB_OK;
	fdb_self(d, ndm, mac, dst, proto);
	return MNL_CB_OK;
}

int fdb_refresh(struct agent *a)
{
	struct dev *d;
	int err;

	for (d = a->devs; d; d = d->next) {
		json_object_put(d->cur_flood);
		json_object_put(d->cur_macs);
		json_object_put(d->local_macs);
		d->cur_flood = json_object_new_object();
		d->cur_macs = json_object_new_object();
		d->local_macs = json_object_new_object();
	}
	err = rtnl_dump(&a->rtnl, RTM_GETNEIGH, AF_BRIDGE, fdb_cb, a);
	if (err)
		logmsg("FDB dump failed: %s", strerror(-err));
	return err;
}

/* --- events ---------------------------------------------------------- */

void links_event(struct agent *a, const struct nlmsghdr *nlh)
{
	const struct ndmsg *ndm;
	const struct nlattr *tb[NDA_MAX + 1] = { NULL };
	struct dev *d;
	int master;

	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
	case RTM_NEWADDR:
	case RTM_DELADDR:
		a->dirty_links = true;
		break;
	case RTM_NEWNEIGH:
	case RTM_DELNEIGH:
		ndm = mnl_nlmsg_get_payload(nlh);
		if (ndm->ndm_family != AF_BRIDGE)
			break;
		if (dev_by_ifindex(a, ndm->ndm_ifindex)) {
			a->dirty_fdb = true;
			break;
		}
		if (!a->macs)
			break;
		mnl_attr_parse(nlh, sizeof(*ndm), nda_attr_cb, tb);
		if (!tb[NDA_MASTER])
			break;
		master = (int)mnl_attr_get_u32(tb[NDA_MASTER]);
		for (d = a->devs; d; d = d->next)
			if (d->master == master)
				a->dirty_fdb = true;
		break;
	}
}
