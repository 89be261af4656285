// SPDX-License-Identifier: GPL-2.0
/*
 * iproute2 plugin for ovlnet's ovl-gre links (Ethernet
 * over GRE with key, optionally NVGRE):
 *
 *   ip link add NAME type ovl-gre key KEY [ OPTIONS ]
 *   ip link add NAME type ovl-gre external [ OPTIONS ]
 *   ip link set NAME type ovl-gre [ OPTIONS ]
 *   ip -d [-s] [-j] link show NAME
 *
 * Installed as <ip lib dir>/link_ovl-gre.so; ip finds the symbol
 * "ovl-gre_link_util" in it.
 */
#include <string.h>
#include <arpa/inet.h>

#include "ovl_common.h"

static void ovl_gre_explain(FILE *f)
{
	fprintf(f,
		"Usage: ... ovl-gre key KEY\n"
		"                 [ external ]\n");
	ovl_print_help_common(f);
	fprintf(f,
		"                 [ [no]csum ] [ [no]nvgre ]\n"
		"\n"
		"Where: KEY  := { 0-4294967295 | DOTTED_QUAD }\n"
		"       ADDR := { IPv4_ADDRESS | IPv6_ADDRESS }\n"
		"       TOS  := 0-255 (decimal or 0x hex)\n");
}

static const struct ovl_flag ovl_gre_flags[] = {
	{ "csum",	IFLA_OVL_GRE_CSUM,	1 },
	{ "nocsum",	IFLA_OVL_GRE_CSUM,	0 },
	{ "nvgre",	IFLA_OVL_NVGRE,		1 },
	{ "nonvgre",	IFLA_OVL_NVGRE,		0 },
	{ "external",	IFLA_OVL_EXTERNAL,	1 },
	{ NULL }
};

/* KEY is an integer or, as for ip's gre, a dotted quad (1.2.3.4). */
static __u32 ovl_gre_get_key(const char *arg)
{
	struct in_addr a;

	if (strchr(arg, '.')) {
		if (inet_pton(AF_INET, arg, &a) != 1)
			invarg("key", arg);
		return ntohl(a.s_addr);
	}
	return ovl_get_u32(arg, "key", UINT32_MAX);
}

/* Returns 1 if **argvp is an ovl-gre option (consumed), else 0. */
static int ovl_gre_parse_one(struct ovl_parse *p, int *argcp, char ***argvp)
{
	char **argv = *argvp;
	int argc = *argcp;
	const char *key = *argv;

	if (ovl_parse_flag(p, ovl_gre_flags, key))
		return 1;
	if (strcmp(key, "key"))
		return 0;

	NEXT_ARG();
	ovl_mark(p, IFLA_OVL_ID, key, *argv);
	addattr32(p->n, OVL_REQ_MAXLEN, IFLA_OVL_ID, ovl_gre_get_key(*argv));
	*argcp = argc;
	*argvp = argv;
	return 1;
}

static int ovl_gre_parse_opt(struct link_util *lu, int argc, char **argv,
			     struct nlmsghdr *n)
{
	(void)lu;
	return ovl_parse_args(OVL_GRE_KIND, n, argc, argv, ovl_gre_parse_one,
			      ovl_gre_explain);
}

static void ovl_gre_print_opt(struct link_util *lu, FILE *f,
			      struct rtattr *tb[])
{
	(void)lu;
	(void)f;
	if (!tb)
		return;

	ovl_print_id(tb, "key");
	ovl_print_addrs(tb);
	ovl_print_common(tb);
	ovl_print_flag(tb, IFLA_OVL_GRE_CSUM, "csum", "csum");
	ovl_print_flag(tb, IFLA_OVL_NVGRE, "nvgre", "nvgre");
}

static void ovl_gre_print_help(struct link_util *lu, int argc, char **argv,
			       FILE *f)
{
	(void)lu;
	(void)argc;
	(void)argv;
	ovl_gre_explain(f);
}

OVL_EXPORT struct link_util ovl_gre_link_util
	__asm__("\"ovl-gre_link_util\"") = {
	.id		= OVL_GRE_KIND,
	.maxattr	= IFLA_OVL_MAX,
	.parse_opt	= ovl_gre_parse_opt,
	.print_opt	= ovl_gre_print_opt,
	.print_xstats	= ovl_print_xstats,
	.print_help	= ovl_gre_print_help,
};
