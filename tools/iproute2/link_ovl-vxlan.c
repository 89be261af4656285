// SPDX-License-Identifier: GPL-2.0
/*
 * iproute2 plugin for ovlnet's ovl-vxlan links:
 *
 *   ip link add NAME type ovl-vxlan id VNI [ OPTIONS ]
 *   ip link add NAME type ovl-vxlan external [ OPTIONS ]
 *   ip link set NAME type ovl-vxlan [ OPTIONS ]
 *   ip -d [-s] [-j] link show NAME
 *
 * Installed as <ip lib dir>/link_ovl-vxlan.so; ip finds the symbol
 * "ovl-vxlan_link_util" in it.
 */
#include <string.h>
#include <arpa/inet.h>

#include "ovl_common.h"

static void ovl_vxlan_explain(FILE *f)
{
	fprintf(f,
		"Usage: ... ovl-vxlan id VNI\n"
		"                 [ external ]\n"
		"                 [ dstport PORT ] [ srcport MIN MAX ]\n");
	ovl_print_help_common(f);
	fprintf(f,
		"                 [ [no]udpcsum ] [ [no]udp6zerocsumtx ]\n"
		"                 [ [no]udp6zerocsumrx ]\n"
		"\n"
		"Where: VNI  := 0-16777215 (\"vni VNI\" is a synonym)\n"
		"       ADDR := { IPv4_ADDRESS | IPv6_ADDRESS }\n"
		"       PORT := 0-65535\n"
		"       TOS  := 0-255 (decimal or 0x hex)\n");
}

static const struct ovl_flag ovl_vxlan_flags[] = {
	{ "udpcsum",	IFLA_OVL_UDP_CSUM,	1 },
	{ "noudpcsum",	IFLA_OVL_UDP_CSUM,	0 },
	{ "udp6zerocsumtx",	IFLA_OVL_UDP6_ZERO_CSUM_TX,	1 },
	{ "noudp6zerocsumtx",	IFLA_OVL_UDP6_ZERO_CSUM_TX,	0 },
	{ "udp6zerocsumrx",	IFLA_OVL_UDP6_ZERO_CSUM_RX,	1 },
	{ "noudp6zerocsumrx",	IFLA_OVL_UDP6_ZERO_CSUM_RX,	0 },
	{ "external",	IFLA_OVL_EXTERNAL,	1 },
	{ NULL }
};

static void ovl_vxlan_parse_srcport(struct ovl_parse *p, int *argcp,
				    char ***argvp)
{
	struct ifla_ovl_port_range range;
	char **argv = *argvp;
	int argc = *argcp;
	__u32 low, high;

	NEXT_ARG();
	ovl_mark(p, IFLA_OVL_PORT_RANGE, "srcport", *argv);
	low = ovl_get_u32(*argv, "srcport MIN", 65535);
	NEXT_ARG();
	high = ovl_get_u32(*argv, "srcport MAX", 65535);
	if (low > high)
		invarg("srcport (MAX is below MIN)", *argv);
	range.low = htons(low);
	range.high = htons(high);
	addattr_l(p->n, OVL_REQ_MAXLEN, IFLA_OVL_PORT_RANGE, &range,
		  sizeof(range));
	*argcp = argc;
	*argvp = argv;
}

/* Returns 1 if **argvp is an ovl-vxlan option (consumed), else 0. */
static int ovl_vxlan_parse_one(struct ovl_parse *p, int *argcp,
			       char ***argvp)
{
	char **argv = *argvp;
	int argc = *argcp;
	const char *key = *argv;

	if (ovl_parse_flag(p, ovl_vxlan_flags, key))
		return 1;
	if (strcmp(key, "srcport") == 0) {
		ovl_vxlan_parse_srcport(p, argcp, argvp);
		return 1;
	}
	if (strcmp(key, "id") && strcmp(key, "vni") && strcmp(key, "dstport"))
		return 0;

	NEXT_ARG();
	if (strcmp(key, "dstport") == 0) {
		ovl_mark(p, IFLA_OVL_PORT, key, *argv);
		addattr16(p->n, OVL_REQ_MAXLEN, IFLA_OVL_PORT,
			  htons(ovl_get_u32(*argv, "dstport", 65535)));
	} else {
		ovl_mark(p, IFLA_OVL_ID, "id", *argv);
		addattr32(p->n, OVL_REQ_MAXLEN, IFLA_OVL_ID,
			  ovl_get_u32(*argv, "id", OVL_VNI_MAX));
	}
	*argcp = argc;
	*argvp = argv;
	return 1;
}

static int ovl_vxlan_parse_opt(struct link_util *lu, int argc, char **argv,
			       struct nlmsghdr *n)
{
	(void)lu;
	return ovl_parse_args(OVL_VXLAN_KIND, n, argc, argv, ovl_vxlan_parse_one,
			      ovl_vxlan_explain);
}

static void ovl_vxlan_print_ports(struct rtattr *tb[])
{
	const struct ifla_ovl_port_range *r;
	struct rtattr *a;

	a = ovl_attr(tb, IFLA_OVL_PORT_RANGE, sizeof(*r));
	if (a) {
		r = RTA_DATA(a);
		open_json_object("port_range");
		print_uint(PRINT_JSON, "low", NULL, ntohs(r->low));
		print_uint(PRINT_JSON, "high", NULL, ntohs(r->high));
		close_json_object();
		print_uint(PRINT_FP, NULL, "srcport %u ", ntohs(r->low));
		print_uint(PRINT_FP, NULL, "%u ", ntohs(r->high));
	}

	a = ovl_attr(tb, IFLA_OVL_PORT, sizeof(__u16));
	if (a)
		print_uint(PRINT_ANY, "port", "dstport %u ",
			   ntohs(ovl_rta_u16(a)));
}

static void ovl_vxlan_print_opt(struct link_util *lu, FILE *f,
				struct rtattr *tb[])
{
	(void)lu;
	(void)f;
	if (!tb)
		return;

	ovl_print_id(tb, "id");
	ovl_print_addrs(tb);
	ovl_vxlan_print_ports(tb);
	ovl_print_common(tb);
	ovl_print_flag(tb, IFLA_OVL_UDP_CSUM, "udp_csum", "udpcsum");
	ovl_print_flag(tb, IFLA_OVL_UDP6_ZERO_CSUM_TX, "udp_zero_csum6_tx",
		       "udp6zerocsumtx");
	ovl_print_flag(tb, IFLA_OVL_UDP6_ZERO_CSUM_RX, "udp_zero_csum6_rx",
		       "udp6zerocsumrx");
}

static void ovl_vxlan_print_help(struct link_util *lu, int argc, char **argv,
				 FILE *f)
{
	(void)lu;
	(void)argc;
	(void)argv;
	ovl_vxlan_explain(f);
}

OVL_EXPORT struct link_util ovl_vxlan_link_util
	__asm__("\"ovl-vxlan_link_util\"") = {
	.id		= OVL_VXLAN_KIND,
	.maxattr	= IFLA_OVL_MAX,
	.parse_opt	= ovl_vxlan_parse_opt,
	.print_opt	= ovl_vxlan_print_opt,
	.print_xstats	= ovl_print_xstats,
	.print_help	= ovl_vxlan_print_help,
};
