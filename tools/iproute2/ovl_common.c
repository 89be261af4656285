// SPDX-License-Identifier: GPL-2.0
/*
 * Option parser and printers shared by the ovl-vxlan and
 * ovl-gre iproute2 link-type plugins.
 *
 * Everything is sent in IFLA_INFO_DATA as IFLA_OVL_* attributes
 * (linux/ovlnet.h).  Only what the user gave is sent: the kernel applies
 * its defaults on newlink and leaves everything else alone on changelink.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "ovl_common.h"

struct ovl_u32_opt {
	const char	*word;
	int		attr;
	const char	*zero_word;	/* keyword meaning 0, or NULL */
};

static const struct ovl_flag ovl_common_flags[] = {
	{ "learning",		IFLA_OVL_LEARNING,	1 },
	{ "nolearning",		IFLA_OVL_LEARNING,	0 },
	{ "proxy",		IFLA_OVL_PROXY,		1 },
	{ "noproxy",		IFLA_OVL_PROXY,		0 },
	{ "l2miss",		IFLA_OVL_L2MISS,	1 },
	{ "nol2miss",		IFLA_OVL_L2MISS,	0 },
	{ "l3miss",		IFLA_OVL_L3MISS,	1 },
	{ "nol3miss",		IFLA_OVL_L3MISS,	0 },
	{ "remotes-only",	IFLA_OVL_REMOTES_ONLY,	1 },
	{ "noremotes-only",	IFLA_OVL_REMOTES_ONLY,	0 },
	{ NULL }
};

static const struct ovl_u32_opt ovl_u32_opts[] = {
	{ "ageing",	IFLA_OVL_AGEING,	"none" },
	{ "maxaddress",	IFLA_OVL_MAXADDR,	"unlimited" },
	{ "bumlimit",	IFLA_OVL_BUMLIMIT,	"off" },
	{ "fwmark",	IFLA_OVL_FWMARK,	NULL },
	{ "priority",	IFLA_OVL_PRIORITY,	NULL },
	{ NULL }
};

void ovl_parse_init(struct ovl_parse *p, const char *kind,
		    struct nlmsghdr *n)
{
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->n = n;
	p->create = n->nlmsg_type == RTM_NEWLINK &&
		    (n->nlmsg_flags & NLM_F_CREATE);
	p->local_af = AF_UNSPEC;
	p->dst_af = AF_UNSPEC;
}

bool ovl_has_help(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		if (strcmp(argv[i], "help") == 0)
			return true;
	return false;
}

bool ovl_seen(const struct ovl_parse *p, int attr)
{
	return p->seen & (1ULL << attr);
}

/* Record that attr was given; a second time is an error. */
void ovl_mark(struct ovl_parse *p, int attr, const char *key,
	      const char *arg)
{
	if (ovl_seen(p, attr))
		duparg(key, arg);
	p->seen |= 1ULL << attr;
}

void ovl_unknown_option(const struct ovl_parse *p, const char *arg)
{
	fprintf(stderr, "%s: unknown option \"%s\"?\n", p->kind, arg);
}

/* Decimal, 0x hex or 0 octal; anything else or > max is an error. */
__u32 ovl_get_u32(const char *arg, const char *what, __u32 max)
{
	unsigned long val;
	char *end;

	if (!*arg || *arg == '-' || *arg == '+')
		invarg(what, arg);
	errno = 0;
	val = strtoul(arg, &end, 0);
	if (errno || *end || val > max)
		invarg(what, arg);
	return val;
}

void ovl_add_flag(struct ovl_parse *p, int attr, const char *arg, __u8 val)
{
	ovl_mark(p, attr, arg, arg);
	addattr8(p->n, OVL_REQ_MAXLEN, attr, val);
}

/* If arg is a word of table t, send its attribute; returns 1, else 0. */
int ovl_parse_flag(struct ovl_parse *p, const struct ovl_flag *t,
		   const char *arg)
{
	for (; t->word; t++) {
		if (strcmp(t->word, arg) == 0) {
			ovl_add_flag(p, t->attr, arg, t->val);
			return 1;
		}
	}
	return 0;
}

static const struct ovl_u32_opt *ovl_find_u32(const char *arg)
{
	const struct ovl_u32_opt *o;

	for (o = ovl_u32_opts; o->word; o++)
		if (strcmp(o->word, arg) == 0)
			return o;
	return NULL;
}

static bool ovl_addr_is_multicast(int af, const void *addr)
{
	if (af == AF_INET)
		return IN_MULTICAST(ntohl(*(const __u32 *)addr));
	return IN6_IS_ADDR_MULTICAST((const struct in6_addr *)addr);
}

/*
 * Parse an IPv4 or IPv6 address for option key and send it as attr4
 * (be32) or attr6 (struct in6_addr).  mcast: 1 must be multicast,
 * 0 must not be.  Returns the address family.
 */
static int ovl_parse_addr(struct ovl_parse *p, const char *key,
			  const char *arg, int attr4, int attr6, int mcast)
{
	struct in6_addr addr;
	char what[64];
	int af;

	snprintf(what, sizeof(what), "%s (not an IPv4/IPv6 address)", key);
	if (inet_pton(AF_INET, arg, &addr) == 1)
		af = AF_INET;
	else if (inet_pton(AF_INET6, arg, &addr) == 1)
		af = AF_INET6;
	else
		invarg(what, arg);

	if (ovl_addr_is_multicast(af, &addr) != !!mcast) {
		snprintf(what, sizeof(what), "%s (%s a multicast address)",
			 key, mcast ? "not" : "must not be");
		invarg(what, arg);
	}

	if (af == AF_INET)
		addattr_l(p->n, OVL_REQ_MAXLEN, attr4, &addr, 4);
	else
		addattr_l(p->n, OVL_REQ_MAXLEN, attr6, &addr,
			  sizeof(struct in6_addr));
	return af;
}

static int ovl_check_af(const struct ovl_parse *p)
{
	if (p->local_af == AF_UNSPEC || p->dst_af == AF_UNSPEC ||
	    p->local_af == p->dst_af)
		return 0;
	fprintf(stderr,
		"%s: local and remote/group must be of the same address family\n",
		p->kind);
	return -1;
}

static int ovl_parse_dst(struct ovl_parse *p, const char *key,
			 const char *arg)
{
	bool group = strcmp(key, "group") == 0;

	if (ovl_seen(p, group ? IFLA_OVL_REMOTE : IFLA_OVL_GROUP)) {
		fprintf(stderr,
			"%s: both remote and group cannot be specified\n",
			p->kind);
		return -1;
	}
	if (group) {
		ovl_mark(p, IFLA_OVL_GROUP, key, arg);
		p->dst_af = ovl_parse_addr(p, key, arg, IFLA_OVL_GROUP,
					   IFLA_OVL_GROUP6, 1);
	} else {
		ovl_mark(p, IFLA_OVL_REMOTE, key, arg);
		p->dst_af = ovl_parse_addr(p, key, arg, IFLA_OVL_REMOTE,
					   IFLA_OVL_REMOTE6, 0);
	}
	return ovl_check_af(p);
}

static int ovl_parse_local(struct ovl_parse *p, const char *arg)
{
	ovl_mark(p, IFLA_OVL_LOCAL, "local", arg);
	p->local_af = ovl_parse_addr(p, "local", arg, IFLA_OVL_LOCAL,
				     IFLA_OVL_LOCAL6, 0);
	return ovl_check_af(p);
}

static int ovl_parse_dev(struct ovl_parse *p, const char *arg)
{
	unsigned int ifindex;

	ovl_mark(p, IFLA_OVL_LINK, "dev", arg);
	ifindex = ll_name_to_index(arg);
	if (!ifindex) {
		fprintf(stderr, "Cannot find device \"%s\"\n", arg);
		return -1;
	}
	addattr32(p->n, OVL_REQ_MAXLEN, IFLA_OVL_LINK, ifindex);
	return 0;
}

/*
 * ttl N|auto|inherit and tos N|inherit.  A value (or auto) also turns
 * inheritance off, so that `ip link set` from inherit to a value works.
 */
static void ovl_parse_ttl_tos(struct ovl_parse *p, const char *key,
			      const char *arg)
{
	bool ttl = strcmp(key, "ttl") == 0;
	int attr = ttl ? IFLA_OVL_TTL : IFLA_OVL_TOS;
	int inherit = ttl ? IFLA_OVL_TTL_INHERIT : IFLA_OVL_TOS_INHERIT;
	__u32 val = 0;

	ovl_mark(p, attr, key, arg);
	if (strcmp(arg, "inherit") == 0) {
		addattr8(p->n, OVL_REQ_MAXLEN, inherit, 1);
		return;
	}
	if (!ttl || strcmp(arg, "auto") != 0)
		val = ovl_get_u32(arg, key, 255);
	addattr8(p->n, OVL_REQ_MAXLEN, attr, val);
	addattr8(p->n, OVL_REQ_MAXLEN, inherit, 0);
}

static void ovl_parse_df(struct ovl_parse *p, const char *arg)
{
	__u8 df;

	ovl_mark(p, IFLA_OVL_DF, "df", arg);
	if (strcmp(arg, "set") == 0)
		df = OVL_DF_SET;
	else if (strcmp(arg, "unset") == 0)
		df = OVL_DF_UNSET;
	else if (strcmp(arg, "inherit") == 0)
		df = OVL_DF_INHERIT;
	else
		invarg("df (expected set, unset or inherit)", arg);
	addattr8(p->n, OVL_REQ_MAXLEN, IFLA_OVL_DF, df);
}

static void ovl_parse_u32_opt(struct ovl_parse *p,
			      const struct ovl_u32_opt *o, const char *arg)
{
	__u32 val;

	ovl_mark(p, o->attr, o->word, arg);
	if (o->zero_word && strcmp(arg, o->zero_word) == 0)
		val = 0;
	else
		val = ovl_get_u32(arg, o->word, UINT32_MAX);
	addattr32(p->n, OVL_REQ_MAXLEN, o->attr, val);
}

/*
 * Consume one option shared by both kinds at **argvp (and its value).
 * Returns 1 if consumed, 0 if not a common option, -1 on error.
 * Leaves *argvp on the last word consumed, like NEXT_ARG().
 */
int ovl_parse_common(struct ovl_parse *p, int *argcp, char ***argvp)
{
	const struct ovl_u32_opt *o;
	char **argv = *argvp;
	int argc = *argcp;
	const char *key = *argv;
	int ret = 1;

	if (ovl_parse_flag(p, ovl_common_flags, key))
		return 1;
	o = ovl_find_u32(key);
	if (!o && strcmp(key, "local") && strcmp(key, "remote") &&
	    strcmp(key, "group") && strcmp(key, "dev") &&
	    strcmp(key, "ttl") && strcmp(key, "tos") && strcmp(key, "df"))
		return 0;

	NEXT_ARG();
	if (o)
		ovl_parse_u32_opt(p, o, *argv);
	else if (strcmp(key, "local") == 0)
		ret = ovl_parse_local(p, *argv) ? -1 : 1;
	else if (strcmp(key, "dev") == 0)
		ret = ovl_parse_dev(p, *argv) ? -1 : 1;
	else if (strcmp(key, "ttl") == 0 || strcmp(key, "tos") == 0)
		ovl_parse_ttl_tos(p, key, *argv);
	else if (strcmp(key, "df") == 0)
		ovl_parse_df(p, *argv);
	else
		ret = ovl_parse_dst(p, key, *argv) ? -1 : 1;

	*argcp = argc;
	*argvp = argv;
	return ret;
}

/* Checks once the whole line is parsed. */
int ovl_parse_finish(struct ovl_parse *p)
{
	/* an external device takes its ID from each packet */
	if (p->create && !ovl_seen(p, IFLA_OVL_ID) &&
	    !ovl_seen(p, IFLA_OVL_EXTERNAL)) {
		fprintf(stderr, "%s: missing %s\n", p->kind,
			strcmp(p->kind, OVL_GRE_KIND) ? "\"id VNI\"" :
							"\"key KEY\"");
		return -1;
	}
	return 0;
}

void ovl_print_help_common(FILE *f)
{
	fprintf(f,
		"                 [ local ADDR ] [ remote ADDR | group ADDR ]\n"
		"                 [ dev PHYS_DEV ]\n"
		"                 [ ttl { 1..255 | auto | inherit } ]\n"
		"                 [ tos { TOS | inherit } ]\n"
		"                 [ df { set | unset | inherit } ]\n"
		"                 [ [no]learning ] [ ageing { SECONDS | none } ]\n"
		"                 [ maxaddress { NUMBER | unlimited } ]\n"
		"                 [ bumlimit { PPS | off } ]\n"
		"                 [ [no]proxy ] [ [no]l2miss ] [ [no]l3miss ]\n"
		"                 [ [no]remotes-only ]\n"
		"                 [ fwmark MARK ] [ priority PRIO ]\n");
}

/* ---------------------------------------------------------------- */
/* Printing: text and JSON only through ip's print_* helpers.        */

/* On/off attribute: JSON bool key, text "word" or "noword". */
void ovl_print_flag(struct rtattr *tb[], int attr, const char *key,
		    const char *word)
{
	struct rtattr *a = ovl_attr(tb, attr, sizeof(__u8));
	bool on;

	if (!a)
		return;
	on = ovl_rta_u8(a);
	print_bool(PRINT_JSON, key, NULL, on);
	if (!on)
		print_string(PRINT_FP, NULL, "%s", "no");
	print_string(PRINT_FP, NULL, "%s ", word);
}

/* "word ADDR": JSON key word for IPv4, word6 for IPv6 (as ip's vxlan). */
static void ovl_print_addr(struct rtattr *tb[], int attr4, int attr6,
			   const char *word)
{
	char key6[16], fmt[24];
	struct rtattr *a;

	snprintf(fmt, sizeof(fmt), "%s %%s ", word);
	a = ovl_attr(tb, attr4, sizeof(__u32));
	if (a && ovl_rta_u32(a))
		print_string(PRINT_ANY, word, fmt,
			     format_host(AF_INET, 4, RTA_DATA(a)));

	a = ovl_attr(tb, attr6, sizeof(struct in6_addr));
	if (a && !IN6_IS_ADDR_UNSPECIFIED((struct in6_addr *)RTA_DATA(a))) {
		snprintf(key6, sizeof(key6), "%s6", word);
		print_string(PRINT_ANY, key6, fmt,
			     format_host(AF_INET6, sizeof(struct in6_addr),
					 RTA_DATA(a)));
	}
}

/*
 * "external", or the tenant ID under its kind's name (@key: "id" for
 * ovl-vxlan, "key" for ovl-gre).  An external device's ID comes with each
 * packet: none to show.
 */
void ovl_print_id(struct rtattr *tb[], const char *key)
{
	struct rtattr *a = ovl_attr(tb, IFLA_OVL_EXTERNAL, sizeof(__u8));

	if (a && ovl_rta_u8(a)) {
		print_bool(PRINT_ANY, "external", "external ", true);
		return;
	}
	a = ovl_attr(tb, IFLA_OVL_ID, sizeof(__u32));
	if (!a)
		return;
	print_string(PRINT_FP, NULL, "%s ", key);
	print_uint(PRINT_ANY, key, "%u ", ovl_rta_u32(a));
}

/* remote, group, local, dev: printed right after id / key. */
void ovl_print_addrs(struct rtattr *tb[])
{
	struct rtattr *a;

	ovl_print_addr(tb, IFLA_OVL_REMOTE, IFLA_OVL_REMOTE6, "remote");
	ovl_print_addr(tb, IFLA_OVL_GROUP, IFLA_OVL_GROUP6, "group");
	ovl_print_addr(tb, IFLA_OVL_LOCAL, IFLA_OVL_LOCAL6, "local");

	a = ovl_attr(tb, IFLA_OVL_LINK, sizeof(__u32));
	if (a && ovl_rta_u32(a))
		print_string(PRINT_ANY, "link", "dev %s ",
			     ll_index_to_name(ovl_rta_u32(a)));
}

/* ttl N | ttl auto | ttl inherit; JSON "ttl" (number), "ttl_inherit". */
static void ovl_print_ttl(struct rtattr *tb[])
{
	struct rtattr *a = ovl_attr(tb, IFLA_OVL_TTL, sizeof(__u8));
	struct rtattr *inh = ovl_attr(tb, IFLA_OVL_TTL_INHERIT, sizeof(__u8));
	__u8 ttl = a ? ovl_rta_u8(a) : 0;

	if (a)
		print_uint(PRINT_JSON, "ttl", NULL, ttl);
	if (inh)
		print_bool(PRINT_JSON, "ttl_inherit", NULL, ovl_rta_u8(inh));

	if (inh && ovl_rta_u8(inh))
		print_string(PRINT_FP, NULL, "ttl %s ", "inherit");
	else if (a && ttl)
		print_uint(PRINT_FP, NULL, "ttl %u ", ttl);
	else if (a)
		print_string(PRINT_FP, NULL, "ttl %s ", "auto");
}

/* tos 0xNN | tos inherit; JSON "tos" (number), "tos_inherit". */
static void ovl_print_tos(struct rtattr *tb[])
{
	struct rtattr *a = ovl_attr(tb, IFLA_OVL_TOS, sizeof(__u8));
	struct rtattr *inh = ovl_attr(tb, IFLA_OVL_TOS_INHERIT, sizeof(__u8));

	if (a)
		print_uint(PRINT_JSON, "tos", NULL, ovl_rta_u8(a));
	if (inh)
		print_bool(PRINT_JSON, "tos_inherit", NULL, ovl_rta_u8(inh));

	if (inh && ovl_rta_u8(inh))
		print_string(PRINT_FP, NULL, "tos %s ", "inherit");
	else if (a)
		print_uint(PRINT_FP, NULL, "tos 0x%x ", ovl_rta_u8(a));
}

static void ovl_print_df(struct rtattr *tb[])
{
	static const char * const names[] = {
		[OVL_DF_UNSET]		= "unset",
		[OVL_DF_SET]		= "set",
		[OVL_DF_INHERIT]	= "inherit",
	};
	struct rtattr *a = ovl_attr(tb, IFLA_OVL_DF, sizeof(__u8));
	char buf[8];
	__u8 df;

	if (!a)
		return;
	df = ovl_rta_u8(a);
	if (df <= OVL_DF_MAX) {
		print_string(PRINT_ANY, "df", "df %s ", names[df]);
	} else {
		snprintf(buf, sizeof(buf), "%u", df);
		print_string(PRINT_ANY, "df", "df %s ", buf);
	}
}

static void ovl_print_u32(struct rtattr *tb[], int attr, const char *key,
			  const char *fmt, const char *zero_word)
{
	struct rtattr *a = ovl_attr(tb, attr, sizeof(__u32));
	char zfmt[32];
	__u32 val;

	if (!a)
		return;
	val = ovl_rta_u32(a);
	print_uint(PRINT_JSON, key, NULL, val);
	if (!val && zero_word) {
		/* "maxaddress %u " -> "maxaddress unlimited " */
		snprintf(zfmt, sizeof(zfmt), "%.*s%%s ",
			 (int)(strchr(fmt, '%') - fmt), fmt);
		print_string(PRINT_FP, NULL, zfmt, zero_word);
	} else {
		print_uint(PRINT_FP, NULL, fmt, val);
	}
}

/* Everything after the kind's own options. */
void ovl_print_common(struct rtattr *tb[])
{
	ovl_print_ttl(tb);
	ovl_print_tos(tb);
	ovl_print_df(tb);
	ovl_print_flag(tb, IFLA_OVL_LEARNING, "learning", "learning");
	ovl_print_flag(tb, IFLA_OVL_PROXY, "proxy", "proxy");
	ovl_print_flag(tb, IFLA_OVL_L2MISS, "l2miss", "l2miss");
	ovl_print_flag(tb, IFLA_OVL_L3MISS, "l3miss", "l3miss");
	ovl_print_flag(tb, IFLA_OVL_REMOTES_ONLY, "remotes_only",
		       "remotes-only");
	ovl_print_u32(tb, IFLA_OVL_AGEING, "ageing", "ageing %u ", NULL);
	ovl_print_u32(tb, IFLA_OVL_MAXADDR, "limit", "maxaddress %u ",
		      "unlimited");
	ovl_print_u32(tb, IFLA_OVL_BUMLIMIT, "bumlimit", "bumlimit %u ",
		      "off");
	ovl_print_u32(tb, IFLA_OVL_FWMARK, "fwmark", "fwmark 0x%x ", NULL);
	ovl_print_u32(tb, IFLA_OVL_PRIORITY, "priority", "priority %u ",
		      NULL);
}

/* ---------------------------------------------------------------- */
/* Extended statistics: `ip -s -d link show`.                        */

static const struct {
	const char	*name;
	char		group;		/* a new text line per group */
} ovl_xstats[IFLA_OVL_XSTATS_MAX + 1] = {
	[IFLA_OVL_XSTATS_RX_BAD_HEADER]	= { "rx_bad_header",	'r' },
	[IFLA_OVL_XSTATS_RX_UNKNOWN_ID]	= { "rx_unknown_id",	'r' },
	[IFLA_OVL_XSTATS_RX_RUNT]	= { "rx_runt",		'r' },
	[IFLA_OVL_XSTATS_RX_BAD_CSUM]	= { "rx_bad_csum",	'r' },
	[IFLA_OVL_XSTATS_RX_NOT_REMOTE]	= { "rx_not_remote",	'r' },
	[IFLA_OVL_XSTATS_RX_LOOP]	= { "rx_loop",		'r' },
	[IFLA_OVL_XSTATS_LEARN_REFUSED]	= { "learn_refused",	'l' },
	[IFLA_OVL_XSTATS_LEARNED]	= { "learned",		'l' },
	[IFLA_OVL_XSTATS_TX_NO_ROUTE]	= { "tx_no_route",	't' },
	[IFLA_OVL_XSTATS_TX_NO_DEST]	= { "tx_no_dest",	't' },
	[IFLA_OVL_XSTATS_TX_BUM_LIMITED] = { "tx_bum_limited",	't' },
	[IFLA_OVL_XSTATS_TX_TOO_BIG]	= { "tx_too_big",	't' },
	[IFLA_OVL_XSTATS_TX_PROXY_REPLIES] = { "tx_proxy_replies", 't' },
	[IFLA_OVL_XSTATS_TX_ENCAP_ERRORS] = { "tx_encap_errors", 't' },
	[IFLA_OVL_XSTATS_LEARN_BLOCKED]	= { "learn_blocked",	'l' },
	[IFLA_OVL_XSTATS_FDB_EVENTS]	= { "fdb_events",	'f' },
	[IFLA_OVL_XSTATS_FDB_EVENTS_SUPPRESSED] = { "fdb_events_suppressed", 'f' },
	[IFLA_OVL_XSTATS_FDB_AGE_VISITED] = { "fdb_age_visited", 'f' },
	[IFLA_OVL_XSTATS_RX_ECN_ERRORS]	= { "rx_ecn_errors",	'r' },
	[IFLA_OVL_XSTATS_TX_BAD_METADATA] = { "tx_bad_metadata", 't' },
};

static void ovl_print_xstat(unsigned int type, __u64 val, char *group)
{
	const char *name = NULL;
	char other[24], g = '?';

	if (type <= IFLA_OVL_XSTATS_MAX && ovl_xstats[type].name) {
		name = ovl_xstats[type].name;
		g = ovl_xstats[type].group;
	}
	if (!name) {		/* from a newer kernel */
		snprintf(other, sizeof(other), "xstat_%u", type);
		name = other;
	}
	if (g != *group) {
		print_nl();
		print_string(PRINT_FP, NULL, "%s", "    ");
		*group = g;
	}
	print_u64(PRINT_JSON, name, NULL, val);
	print_string(PRINT_FP, NULL, "%s ", name);
	print_u64(PRINT_FP, NULL, "%" PRIu64 " ", val);
}

/*
 * xstats is the IFLA_INFO_XSTATS attribute itself: a nest of
 * IFLA_OVL_XSTATS_* u64 counters.  ip has opened the "info_xstats"
 * JSON object already.
 */
void ovl_print_xstats(struct link_util *lu, FILE *f, struct rtattr *xstats)
{
	struct rtattr *a;
	char group = 0;
	__u64 val;
	int len;

	(void)lu;
	(void)f;
	if (!xstats)
		return;
	len = RTA_PAYLOAD(xstats);
	for (a = RTA_DATA(xstats); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (RTA_PAYLOAD(a) < sizeof(__u64))
			continue;
		memcpy(&val, RTA_DATA(a), sizeof(val));
		ovl_print_xstat(a->rta_type & NLA_TYPE_MASK, val, &group);
	}
	if (group) {
		print_nl();
		print_string(PRINT_FP, NULL, "%s", "    ");
	}
}

int ovl_parse_args(const char *kind, struct nlmsghdr *n, int argc,
		   char **argv, ovl_parse_one_t parse_one,
		   void (*explain)(FILE *f))
{
	struct ovl_parse p;
	int ret;

	if (ovl_has_help(argc, argv)) {
		explain(stderr);
		return -1;
	}

	ovl_parse_init(&p, kind, n);
	while (argc > 0) {
		ret = parse_one(&p, &argc, &argv);
		if (!ret)
			ret = ovl_parse_common(&p, &argc, &argv);
		if (ret < 0)
			return -1;
		if (!ret) {
			ovl_unknown_option(&p, *argv);
			explain(stderr);
			return -1;
		}
		argc--;
		argv++;
	}
	return ovl_parse_finish(&p);
}
