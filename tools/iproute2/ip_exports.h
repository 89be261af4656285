/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The parts of iproute2's internal interface that a link-type plugin uses.
 *
 * iproute2 does not install its headers, so the declarations are repeated
 * here.  Every function below is exported by the `ip` binary (it is linked
 * with -export-dynamic); the build checks that with nm (check-symbols.sh).
 * Layouts and prototypes are those of iproute2 6.0 .. 6.19.
 */
#ifndef OVL_IP_EXPORTS_H
#define OVL_IP_EXPORTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

/* ip/ip_common.h */
struct link_util {
	struct link_util	*next;
	const char		*id;
	int			maxattr;
	int			(*parse_opt)(struct link_util *lu, int argc,
					     char **argv, struct nlmsghdr *n);
	void			(*print_opt)(struct link_util *lu, FILE *f,
					     struct rtattr *tb[]);
	void			(*print_xstats)(struct link_util *lu, FILE *f,
						struct rtattr *xstats);
	void			(*print_help)(struct link_util *lu, int argc,
					      char **argv, FILE *f);
	int			(*parse_ifla_xstats)(struct link_util *lu,
						     int argc, char **argv);
	int			(*print_ifla_xstats)(struct nlmsghdr *n,
						     void *arg);
};

/* include/libnetlink.h */
int addattr8(struct nlmsghdr *n, int maxlen, int type, __u8 data);
int addattr16(struct nlmsghdr *n, int maxlen, int type, __u16 data);
int addattr32(struct nlmsghdr *n, int maxlen, int type, __u32 data);
int addattr_l(struct nlmsghdr *n, int maxlen, int type, const void *data,
	      int alen);

/* include/utils.h */
void invarg(const char *msg, const char *arg) __attribute__((noreturn));
void duparg(const char *key, const char *arg) __attribute__((noreturn));
void incomplete_command(void) __attribute__((noreturn));
const char *format_host(int af, int len, const void *addr);

/* include/ll_map.h */
unsigned int ll_name_to_index(const char *name);
const char *ll_index_to_name(unsigned int idx);

/* include/color.h */
enum color_attr {
	COLOR_IFNAME,
	COLOR_MAC,
	COLOR_INET,
	COLOR_INET6,
	COLOR_OPERSTATE_UP,
	COLOR_OPERSTATE_DOWN,
	COLOR_NONE
};

/* include/json_print.h */
enum output_type {
	PRINT_FP = 1,
	PRINT_JSON = 2,
	PRINT_ANY = 4,
};

bool is_json_context(void);
void open_json_object(const char *str);
void close_json_object(void);
void print_nl(void);
int print_color_string(enum output_type t, enum color_attr color,
		       const char *key, const char *fmt, const char *value);
int print_color_uint(enum output_type t, enum color_attr color,
		     const char *key, const char *fmt, unsigned int value);
int print_color_u64(enum output_type t, enum color_attr color,
		    const char *key, const char *fmt, uint64_t value);
int print_color_bool(enum output_type t, enum color_attr color,
		     const char *key, const char *fmt, bool value);

static inline void print_string(enum output_type t, const char *key,
				const char *fmt, const char *value)
{
	print_color_string(t, COLOR_NONE, key, fmt, value);
}

static inline void print_uint(enum output_type t, const char *key,
			      const char *fmt, unsigned int value)
{
	print_color_uint(t, COLOR_NONE, key, fmt, value);
}

static inline void print_u64(enum output_type t, const char *key,
			     const char *fmt, uint64_t value)
{
	print_color_u64(t, COLOR_NONE, key, fmt, value);
}

static inline void print_bool(enum output_type t, const char *key,
			      const char *fmt, bool value)
{
	print_color_bool(t, COLOR_NONE, key, fmt, value);
}

/* What iproute2 keeps static inline or unexported: local versions. */
#define NEXT_ARG()						\
	do {							\
		argv++;						\
		if (--argc <= 0)				\
			incomplete_command();			\
	} while (0)

#endif /* OVL_IP_EXPORTS_H */
