/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Code shared by the ovl-vxlan and ovl-gre iproute2 link-type plugins.
 */
#ifndef OVL_COMMON_H
#define OVL_COMMON_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/ovlnet.h>

#include "ip_exports.h"

/* Room in ip's request buffer (struct iplink_req::buf) for our attributes. */
#define OVL_REQ_MAXLEN	1024

/* Mark the link_util of a plugin as the only symbol the .so exports. */
#define OVL_EXPORT	__attribute__((visibility("default")))

/* Parse state of one `ip link add|set ... type ovl-*` command line. */
struct ovl_parse {
	const char	*kind;		/* "ovl-vxlan" or "ovl-gre" */
	struct nlmsghdr	*n;
	bool		create;		/* RTM_NEWLINK with NLM_F_CREATE */
	unsigned long long seen;	/* bit per IFLA_OVL_* given */
	int		local_af;	/* AF_UNSPEC until local is given */
	int		dst_af;		/* family of remote or group */
};

/* A [no]word option carried as a u8 0/1 attribute. */
struct ovl_flag {
	const char	*word;
	int		attr;
	__u8		val;
};

void ovl_parse_init(struct ovl_parse *p, const char *kind,
		    struct nlmsghdr *n);
bool ovl_has_help(int argc, char **argv);
void ovl_mark(struct ovl_parse *p, int attr, const char *key,
	      const char *arg);
bool ovl_seen(const struct ovl_parse *p, int attr);
int ovl_parse_common(struct ovl_parse *p, int *argcp, char ***argvp);
int ovl_parse_finish(struct ovl_parse *p);
void ovl_unknown_option(const struct ovl_parse *p, const char *arg);

/* A kind's own options; 1 = consumed, 0 = not its option, -1 = error. */
typedef int (*ovl_parse_one_t)(struct ovl_parse *p, int *argcp, char ***argvp);

/* The whole parse_opt loop: kind options first, then the common ones. */
int ovl_parse_args(const char *kind, struct nlmsghdr *n, int argc,
		   char **argv, ovl_parse_one_t parse_one,
		   void (*explain)(FILE *f));

__u32 ovl_get_u32(const char *arg, const char *what, __u32 max);
void ovl_add_flag(struct ovl_parse *p, int attr, const char *arg, __u8 val);
int ovl_parse_flag(struct ovl_parse *p, const struct ovl_flag *t,
		   const char *arg);

void ovl_print_help_common(FILE *f);
void ovl_print_id(struct rtattr *tb[], const char *key);
void ovl_print_addrs(struct rtattr *tb[]);
void ovl_print_common(struct rtattr *tb[]);
void ovl_print_flag(struct rtattr *tb[], int attr, const char *key,
		    const char *word);
void ovl_print_xstats(struct link_util *lu, FILE *f, struct rtattr *xstats);

static inline __u8 ovl_rta_u8(const struct rtattr *rta)
{
	return *(const __u8 *)RTA_DATA(rta);
}

static inline __u16 ovl_rta_u16(const struct rtattr *rta)
{
	return *(const __u16 *)RTA_DATA(rta);
}

static inline __u32 ovl_rta_u32(const struct rtattr *rta)
{
	return *(const __u32 *)RTA_DATA(rta);
}

/* tb[attr] if present and at least len bytes long, else NULL. */
static inline struct rtattr *ovl_attr(struct rtattr *tb[], int attr,
				      size_t len)
{
	if (!tb || !tb[attr] || RTA_PAYLOAD(tb[attr]) < len)
		return NULL;
	return tb[attr];
}

#endif /* OVL_COMMON_H */
