// SPDX-License-Identifier: GPL-2.0
/*
 * pktfuzz: throw malformed VXLAN and GRE at an ovlnet host, or spray
 * random source MACs from a VM.  Deterministic: the same seed sends the
 * same packets.  Prints how many packets of each category it sent, as
 * "cat NAME COUNT" lines, for the test to compare with the drop counters.
 *
 *   pktfuzz vxlan|gre SRC DST COUNT SEED KNOWN_ID UNKNOWN_ID
 *       SRC/DST IPv4 or IPv6 underlay addresses; raw IP (IPPROTO_RAW) so
 *       headers, checksums and fragments are ours to break.  One packet
 *       in 32 is paced by a 1 ms sleep so no queue overflows.
 *   pktfuzz spray IFNAME COUNT SEED BCAST_PERCENT
 *       Ethernet frames (AF_PACKET) with random unicast source MACs
 *       (02:5a:xx:xx:xx:xx); BCAST_PERCENT of them broadcast, the rest to
 *       random unknown unicast MACs, so every one is flooded.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/udp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "helpers.h"


static void rnd_fill(uint8_t *p, size_t n)
{
	while (n--)
		*p++ = rnd();
}

enum cat {
	/* VXLAN */
	V_RUNT_HDR,		/* UDP payload shorter than the VXLAN header */
	V_BAD_FLAGS,		/* known VNI, flags other than I */
	V_RESERVED,		/* known VNI, reserved low byte set */
	V_UNKNOWN_VNI,		/* valid header, VNI nobody has */
	V_INNER_RUNT,		/* known VNI, inner frame under 14 bytes */
	V_INNER_BADMAC,		/* known VNI, inner source MAC multicast/zero */
	V_INNER_GARBAGE,	/* known VNI, valid source MAC, random rest */
	V_BAD_UDPCSUM,		/* valid VXLAN, wrong UDP checksum */
	V_UDP_LEN_LIE,		/* UDP length beyond the datagram */
	V_FRAG,			/* valid VXLAN split into IP fragments */
	V_FRAG_PARTIAL,		/* fragments with one missing */
	/* GRE */
	G_RUNT,			/* fewer than 4 bytes of GRE */
	G_RUNT_KEY,		/* TEB with K flag, key cut off */
	G_BAD_HDR,		/* TEB+K with version/routing/reserved bits */
	G_INNER_RUNT,		/* known key, inner under 14 bytes */
	G_BAD_CSUM,		/* known key, C flag, wrong checksum */
	G_INNER_BADMAC,		/* known key, inner source MAC multicast */
	G_INNER_GARBAGE,	/* known key, garbage inner frame */
	G_SEQ,			/* known key with a sequence number */
	G_UNKNOWN_KEY,		/* not ours: left to the kernel */
	G_NOT_TEB,		/* protocol other than TEB: not ours */
	G_FRAG,			/* valid GRE split into IP fragments */
	CAT_MAX,
};

static const char *const cat_name[CAT_MAX] = {
	"v_runt_hdr", "v_bad_flags", "v_reserved", "v_unknown_vni",
	"v_inner_runt", "v_inner_badmac", "v_inner_garbage", "v_bad_udpcsum",
	"v_udp_len_lie", "v_frag", "v_frag_partial",
	"g_runt", "g_runt_key", "g_bad_hdr", "g_inner_runt", "g_bad_csum",
	"g_inner_badmac", "g_inner_garbage", "g_seq", "g_unknown_key",
	"g_not_teb", "g_frag",
};

static unsigned long sent[CAT_MAX];

/*
 * Set in the IPv6 fragment ID of GRE: IPv6 reassembly queues are keyed
 * without the protocol, and the VXLAN run's incomplete datagrams wait
 * there for a minute; a GRE datagram with the same ID would join one.
 */
static uint32_t id_tag;

struct target {
	int family;
	int fd;
	struct in_addr src4, dst4;
	struct in6_addr src6, dst6;
};

static uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len > 1) {
		sum += (p[0] << 8) | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		sum += p[0] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);
}

/* UDP checksum over the pseudo-header and @udp (header + payload). */
static uint16_t udp_csum(const struct target *t, const uint8_t *udp,
			 size_t len)
{
	uint32_t sum = 0;

	if (t->family == AF_INET) {
		sum = csum_add(sum, &t->src4, 4);
		sum = csum_add(sum, &t->dst4, 4);
		sum += IPPROTO_UDP + len;
	} else {
		sum = csum_add(sum, &t->src6, 16);
		sum = csum_add(sum, &t->dst6, 16);
		sum += len + IPPROTO_UDP;
	}
	sum = csum_add(sum, udp, len);
	return csum_fold(sum) ?: 0xffff;
}

static void pace(void)
{
	static unsigned long n;

	if (!(++n % 32))
		usleep(1000);
}

/*
 * Sends @l4 (@len bytes of protocol @proto) in one IP packet, or in
 * fragments of @fragsz bytes (multiple of 8) when @fragsz; @skip names a
 * fragment index not to send (-1: none).
 */
static void send_ip(struct target *t, int proto, const uint8_t *l4,
		    size_t len, size_t fragsz, int skip)
{
	static uint16_t next_id;
	uint8_t pkt[2048];
	uint32_t id;
	size_t off = 0, chunk;
	int idx = 0;

	/* distinct IDs: a datagram must never join a partial one's queue */
	if (!next_id)
		next_id = rnd() | 1;
	id = next_id++ ?: next_id++;
	if (!fragsz)
		fragsz = len;
	do {
		size_t hl;
		bool more;

		chunk = len - off > fragsz ? fragsz : len - off;
		more = off + chunk < len;
		if (t->family == AF_INET) {
			struct iphdr *iph = (struct iphdr *)pkt;
			struct sockaddr_in sin = {
				.sin_family = AF_INET,
				.sin_addr = t->dst4,
			};

			memset(iph, 0, sizeof(*iph));
			iph->version = 4;
			iph->ihl = 5;
			iph->ttl = 64;
			iph->protocol = proto;
			iph->id = htons(id);
			iph->saddr = t->src4.s_addr;
			iph->daddr = t->dst4.s_addr;
			iph->frag_off = htons((off >> 3) | (more ? IP_MF : 0));
			hl = sizeof(*iph);
			iph->tot_len = htons(hl + chunk);
			memcpy(pkt + hl, l4 + off, chunk);
			if (idx != skip && sendto(t->fd, pkt, hl + chunk, 0,
						  (void *)&sin, sizeof(sin)) < 0 &&
			    errno != ENOBUFS)
				perror("sendto");
		} else {
			struct ip6_hdr *ip6 = (struct ip6_hdr *)pkt;
			struct ip6_frag *fh = (struct ip6_frag *)(ip6 + 1);
			struct sockaddr_in6 sin6 = {
				.sin6_family = AF_INET6,
				.sin6_addr = t->dst6,
			};
			bool frag = fragsz < len;

			memset(ip6, 0, sizeof(*ip6));
			ip6->ip6_flow = htonl(6 << 28);
			ip6->ip6_hlim = 64;
			ip6->ip6_src = t->src6;
			ip6->ip6_dst = t->dst6;
			hl = sizeof(*ip6);
			if (frag) {
				ip6->ip6_nxt = IPPROTO_FRAGMENT;
				memset(fh, 0, sizeof(*fh));
				fh->ip6f_nxt = proto;
				fh->ip6f_offlg = htons(off | (more ? 1 : 0));
				fh->ip6f_ident = htonl(id | id_tag);
				hl += sizeof(*fh);
			} else {
				ip6->ip6_nxt = proto;
			}
			ip6->ip6_plen = htons(hl - sizeof(*ip6) + chunk);
			memcpy(pkt + hl, l4 + off, chunk);
			if (idx != skip && sendto(t->fd, pkt, hl + chunk, 0,
						  (void *)&sin6, sizeof(sin6)) < 0 &&
			    errno != ENOBUFS)
				perror("sendto");
		}
		off += chunk;
		idx++;
	} while (off < len);
	pace();
}

/*
 * A fragment size, a multiple of 8 from 64 to 184 bytes, that cuts @len
 * bytes in two or more.
 */
static size_t frag_size(size_t len)
{
	size_t sz = 8 * (8 + rnd_below(16));

	return sz < len ? sz : 8 * ((len - 1) / 8);
}

/* A plausible inner Ethernet frame: unicast source 02:66:..., IPv4. */
static size_t inner_frame(uint8_t *p, size_t max)
{
	size_t len = 60 + rnd_below(max - 60);

	rnd_fill(p, len);
	p[0] = 0x02;			/* dst: unknown unicast */
	p[6] = 0x02;			/* src: 02:66:xx:xx:xx:xx */
	p[7] = 0x66;
	p[12] = 0x08;
	p[13] = 0x00;
	return len;
}

static void fuzz_vxlan(struct target *t, uint32_t known, uint32_t unknown)
{
	uint8_t d[1600], *vx = d + 8;
	struct udphdr *uh = (struct udphdr *)d;
	uint32_t vni = known, flags = 0x08000000;
	size_t plen, fragsz = 0;
	enum cat c = rnd_below(V_FRAG_PARTIAL + 1);
	bool csum_ok = true;
	int skip = -1;

	plen = 8 + inner_frame(vx + 8, 400);
	switch (c) {
	case V_RUNT_HDR:
		plen = rnd_below(8);
		break;
	case V_BAD_FLAGS:
		do
			flags = rnd();
		while (flags == 0x08000000);
		break;
	case V_RESERVED:
		break;
	case V_UNKNOWN_VNI:
		vni = unknown;
		break;
	case V_INNER_RUNT:
		plen = 8 + rnd_below(14);
		break;
	case V_INNER_BADMAC:
		vx[8 + 6] |= 0x01;	/* multicast source */
		if (rnd() & 1)
			memset(vx + 8 + 6, 0, 6);
		break;
	case V_INNER_GARBAGE:
		break;
	case V_BAD_UDPCSUM:
		csum_ok = false;
		break;
	case V_UDP_LEN_LIE:
		break;
	case V_FRAG:
		fragsz = frag_size(8 + plen);
		break;
	case V_FRAG_PARTIAL:
		fragsz = frag_size(8 + plen);
		skip = rnd_below(2);
		break;
	default:
		break;
	}
	if (plen >= 8) {
		uint32_t w = htonl(flags);

		memcpy(vx, &w, 4);
		w = htonl(vni << 8 | (c == V_RESERVED ? 1 + rnd_below(255) : 0));
		memcpy(vx + 4, &w, 4);
	} else {
		rnd_fill(vx, plen);
	}
	uh->source = htons(49152 + rnd_below(16384));
	uh->dest = htons(4789);
	uh->len = htons(8 + plen + (c == V_UDP_LEN_LIE ? 1 + rnd_below(64) : 0));
	uh->check = 0;
	if (t->family == AF_INET6 || rnd() & 1)
		uh->check = udp_csum(t, d, 8 + plen);
	if (!csum_ok)
		uh->check = uh->check == htons(0x1234) ? htons(0x4321)
						       : htons(0x1234);
	send_ip(t, IPPROTO_UDP, d, 8 + plen, fragsz, skip);
	sent[c]++;
}

static void fuzz_gre(struct target *t, uint32_t known, uint32_t unknown)
{
	enum cat c = G_RUNT + rnd_below(G_FRAG - G_RUNT + 1);
	uint16_t flags = 0x2000, proto = 0x6558;
	uint8_t d[1600], *opt = d + 4;
	size_t hlen, len, fragsz = 0;
	uint32_t key = known;
	bool csum = false, seq = false;

	switch (c) {
	case G_RUNT:
		len = rnd_below(4);
		rnd_fill(d, len);
		send_ip(t, IPPROTO_GRE, d, len, 0, -1);
		sent[c]++;
		return;
	case G_BAD_HDR:
		/* version, routing or reserved0, never zero */
		flags |= (1 + rnd_below(7)) << (rnd_below(3) ? 0 : 3);
		if (!rnd_below(4))
			flags |= 0x4000;
		break;
	case G_BAD_CSUM:
		csum = true;
		break;
	case G_SEQ:
		seq = true;
		break;
	case G_UNKNOWN_KEY:
		key = unknown;
		break;
	case G_NOT_TEB:
		proto = rnd() & 0xffff;
		if (proto == 0x6558)
			proto = 0x0800;
		break;
	case G_FRAG:
		csum = rnd() & 1;
		break;
	default:
		break;
	}
	if (csum)
		flags |= 0x8000;
	if (seq)
		flags |= 0x1000;
	d[0] = flags >> 8;
	d[1] = flags;
	d[2] = proto >> 8;
	d[3] = proto;
	if (csum) {
		memset(opt, 0, 4);
		opt += 4;
	}
	opt[0] = key >> 24;
	opt[1] = key >> 16;
	opt[2] = key >> 8;
	opt[3] = key;
	opt += 4;
	if (seq) {
		rnd_fill(opt, 4);
		opt += 4;
	}
	hlen = opt - d;
	len = hlen + inner_frame(opt, 400);
	if (c == G_RUNT_KEY)
		len = 4 + rnd_below(4);
	else if (c == G_INNER_RUNT)
		len = hlen + rnd_below(14);
	else if (c == G_INNER_BADMAC)
		opt[6] |= 0x01;
	if (csum) {
		uint16_t s = csum_fold(csum_add(0, d, len));

		if (c == G_BAD_CSUM)
			s = s == htons(0x1234) ? htons(0x4321) : htons(0x1234);
		memcpy(d + 4, &s, 2);
	}
	if (c == G_FRAG)
		fragsz = frag_size(len);
	send_ip(t, IPPROTO_GRE, d, len, fragsz, -1);
	sent[c]++;
}

static int spray(const char *ifname, unsigned long count, unsigned int bcast)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = if_nametoindex(ifname),
		.sll_halen = ETH_ALEN,
	};
	unsigned long i, nb = 0;
	uint8_t f[128];
	int fd;

	if (!sll.sll_ifindex)
		return perror(ifname), 2;
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0)
		return perror("socket"), 2;
	for (i = 0; i < count; i++) {
		memset(f, 0, sizeof(f));
		if (rnd_below(100) < bcast) {
			memset(f, 0xff, 6);
			nb++;
		} else {
			rnd_fill(f, 6);
			f[0] = 0x02;
			f[1] = 0x5b;	/* no such MAC anywhere */
		}
		rnd_fill(f + 6, 6);
		f[6] = 0x02;
		f[7] = 0x5a;
		f[12] = 0x88;		/* local experimental ethertype */
		f[13] = 0xb5;
		memcpy(sll.sll_addr, f, 6);
		if (sendto(fd, f, 60, 0, (void *)&sll, sizeof(sll)) < 0 &&
		    errno != ENOBUFS)
			perror("sendto");
		pace();
	}
	printf("cat spray_bcast %lu\ncat spray_unicast %lu\n", nb, count - nb);
	return 0;
}

int main(int argc, char **argv)
{
	struct target t = { 0 };
	unsigned long count, i;
	uint32_t known, unknown;
	bool gre;
	int c;

	if (argc == 6 && !strcmp(argv[1], "spray")) {
		rnd_seed(strtoull(argv[4], NULL, 0));
		printf("seed %s\n", argv[4]);
		return spray(argv[2], strtoul(argv[3], NULL, 0),
			     strtoul(argv[5], NULL, 0));
	}
	if (argc != 8 || (strcmp(argv[1], "vxlan") && strcmp(argv[1], "gre"))) {
		fprintf(stderr,
			"usage: pktfuzz vxlan|gre SRC DST COUNT SEED KNOWN_ID UNKNOWN_ID\n"
			"       pktfuzz spray IFNAME COUNT SEED BCAST_PERCENT\n");
		return 2;
	}
	gre = !strcmp(argv[1], "gre");
	id_tag = gre ? 0x80000000 : 0;
	if (inet_pton(AF_INET, argv[2], &t.src4) == 1 &&
	    inet_pton(AF_INET, argv[3], &t.dst4) == 1)
		t.family = AF_INET;
	else if (inet_pton(AF_INET6, argv[2], &t.src6) == 1 &&
		 inet_pton(AF_INET6, argv[3], &t.dst6) == 1)
		t.family = AF_INET6;
	else
		return fprintf(stderr, "bad addresses\n"), 2;
	count = strtoul(argv[4], NULL, 0);
	rnd_seed(strtoull(argv[5], NULL, 0));
	known = strtoul(argv[6], NULL, 0);
	unknown = strtoul(argv[7], NULL, 0);
	printf("seed %s\n", argv[5]);
	t.fd = socket(t.family, SOCK_RAW, IPPROTO_RAW);
	if (t.fd < 0)
		return perror("socket"), 2;
	for (i = 0; i < count; i++) {
		if (gre)
			fuzz_gre(&t, known, unknown);
		else
			fuzz_vxlan(&t, known, unknown);
	}
	for (c = 0; c < CAT_MAX; c++)
		if (sent[c])
			printf("cat %s %lu\n", cat_name[c], sent[c]);
	return 0;
}
