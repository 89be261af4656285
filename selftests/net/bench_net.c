// SPDX-License-Identifier: GPL-2.0
/*
 * bench_net: small traffic and netlink helpers for `make bench`
 * (selftests/bench/guest.sh); one binary, several modes:
 *
 *   bench_net udp-sink PORT MAXSEC
 *	count UDP datagrams; stop 1 s after the last one (or after MAXSEC);
 *	prints "pkts N secs S pps P" (S from the first to the last datagram)
 *   bench_net udp-send IP PORT SEC SIZE
 *	send SIZE-byte datagrams as fast as possible for SEC seconds;
 *	prints "sent N secs S pps P"
 *   bench_net rr-server PORT
 *	TCP echo of fixed 64-byte messages, one connection after another
 *   bench_net rr-client IP PORT SEC
 *	TCP request/response (64 bytes each way, TCP_NODELAY) for SEC s;
 *	prints "trans N tps T p50_us X p99_us Y"
 *   bench_net macflood IFNAME COUNT SEED
 *	send COUNT broadcast Ethernet frames (ethertype 0x88b5) through an
 *	AF_PACKET socket, each from a different source MAC 02:SEED:xx:xx:xx:xx;
 *	prints "sent N secs S fps F"
 *   bench_net fdbfill IFNAME COUNT DSTIP4 [VNIS VNI0 [MAXSEC]]
 *	add COUNT static FDB entries (NTF_SELF, distinct MACs 06:xx:..) to
 *	IFNAME pointing at DSTIP4, in batches of netlink requests; with VNIS,
 *	entry i gets src_vni VNI0 + i % VNIS (NDA_SRC_VNI, an external
 *	device); with MAXSEC, stops after the batch that ends past MAXSEC s;
 *	prints "added N secs S"
 *   bench_net vlansend IFNAME DSTMAC VLANS SEC [COUNT]
 *	send 64-byte 802.1Q-tagged frames (ethertype 0x88b5 inside) to DSTMAC
 *	through an AF_PACKET socket, VLAN IDs 1..VLANS round robin, for SEC
 *	seconds or COUNT frames; prints "sent N secs S fps F"
 *   bench_net vlansink IFNAME MAXSEC
 *	count the 0x88b5 frames arriving on IFNAME (tagged, or untagged with
 *	the tag in the packet's auxdata) and their distinct VLAN IDs; stops 1 s
 *	after the last one (or after MAXSEC); prints
 *	"pkts N secs S pps P vlans V" (S from the first to the last frame)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RR_SIZE 64

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void addr4(struct sockaddr_in *sa, const char *ip, const char *port)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons(atoi(port));
	if (ip && inet_pton(AF_INET, ip, &sa->sin_addr) != 1) {
		fprintf(stderr, "bad IPv4 address %s\n", ip);
		exit(2);
	}
}

static int udp_sink(const char *port, double maxsec)
{
	struct timeval tv = { .tv_sec = 1 };
	double first = 0, last = 0, start = now();
	struct sockaddr_in sa;
	unsigned long n = 0;
	int rcvbuf = 4 << 20;
	char buf[2048];
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	addr4(&sa, NULL, port);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("bind");
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		ssize_t r = recv(fd, buf, sizeof(buf), 0);
		double t = now();

		if (r < 0) {
			if (errno != EAGAIN && errno != EINTR)
				die("recv");
			if (n)
				break;
		} else {
			if (!n)
				first = t;
			last = t;
			n++;
		}
		if (t - start > maxsec)
			break;
	}
	printf("pkts %lu secs %.3f pps %.0f\n", n, last - first,
	       last > first ? (n - 1) / (last - first) : 0.0);
	return n ? 0 : 1;
}

static int udp_send(const char *ip, const char *port, double sec, int size)
{
	struct sockaddr_in sa;
	unsigned long n = 0;
	double start, t;
	char buf[2048];
	int fd;

	if (size < 1 || size > (int)sizeof(buf))
		size = 64;
	memset(buf, 0xa5, sizeof(buf));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	addr4(&sa, ip, port);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("connect");
	start = now();
	for (;;) {
		int i;

		for (i = 0; i < 64; i++)
			if (send(fd, buf, size, 0) == size)
				n++;
		t = now();
		if (t - start >= sec)
			break;
	}
	printf("sent %lu secs %.3f pps %.0f\n", n, t - start, n / (t - start));
	return 0;
}

static int full_io(int fd, char *buf, int len, int wr)
{
	int done = 0;

	while (done < len) {
		ssize_t r = wr ? send(fd, buf + done, len - done, 0) :
				 recv(fd, buf + done, len - done, 0);
		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			return -1;
		}
		done += r;
	}
	return 0;
}

static int rr_server(const char *port)
{
	struct sockaddr_in sa;
	char buf[RR_SIZE];
	int one = 1;
	int lfd;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0)
		die("socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	addr4(&sa, NULL, port);
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 4))
		die("bind/listen");
	for (;;) {
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0)
			continue;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		while (!full_io(fd, buf, RR_SIZE, 0) &&
		       !full_io(fd, buf, RR_SIZE, 1))
			;
		close(fd);
	}
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int rr_client(const char *ip, const char *port, double sec)
{
	size_t n = 0, cap = 1 << 16;
	double *lat = malloc(cap * sizeof(*lat));
	struct sockaddr_in sa;
	char buf[RR_SIZE];
	double start, t;
	int one = 1;
	int fd;

	if (!lat)
		die("malloc");
	memset(buf, 0x5a, sizeof(buf));
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		die("socket");
	addr4(&sa, ip, port);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("connect");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	start = now();
	t = start;
	while (t - start < sec) {
		double t0 = t;

		if (full_io(fd, buf, RR_SIZE, 1) || full_io(fd, buf, RR_SIZE, 0))
			die("rr transaction");
		t = now();
		if (n == cap) {
			cap *= 2;
			lat = realloc(lat, cap * sizeof(*lat));
			if (!lat)
				die("realloc");
		}
		lat[n++] = (t - t0) * 1e6;
	}
	close(fd);
	if (!n)
		return 1;
	qsort(lat, n, sizeof(*lat), cmp_double);
	printf("trans %zu tps %.0f p50_us %.1f p99_us %.1f\n", n,
	       n / (t - start), lat[n / 2], lat[(size_t)(n * 0.99)]);
	free(lat);
	return 0;
}

/* An AF_PACKET socket to send on @ifname, and its address in @sll. */
static int packet_open(const char *ifname, struct sockaddr_ll *sll)
{
	int fd = socket(AF_PACKET, SOCK_RAW, 0);

	if (fd < 0)
		die("socket(AF_PACKET)");
	memset(sll, 0, sizeof(*sll));
	sll->sll_family = AF_PACKET;
	sll->sll_ifindex = if_nametoindex(ifname);
	sll->sll_halen = ETH_ALEN;
	if (!sll->sll_ifindex)
		die(ifname);
	return fd;
}

/*
 * Sends the @len-byte frame @f @count times (0: until @sec seconds have
 * passed), frame i with i big-endian at f[@num] and, if @vlans, VLAN ID
 * 1 + i % @vlans in the tag at f[12]; prints the rate.
 */
static int send_frames(int fd, const struct sockaddr_ll *sll,
		       unsigned char *f, size_t len, size_t num, int vlans,
		       unsigned long count, double sec)
{
	unsigned long i, n = 0;
	double start = now(), t;

	for (i = 0; !count || i < count; i++) {
		if (!(i & 63) && sec > 0 && now() - start >= sec)
			break;
		if (vlans) {
			int vid = 1 + i % vlans;

			f[14] = vid >> 8;
			f[15] = vid;
		}
		f[num] = i >> 24;
		f[num + 1] = i >> 16;
		f[num + 2] = i >> 8;
		f[num + 3] = i;
		if (sendto(fd, f, len, 0, (const struct sockaddr *)sll,
			   sizeof(*sll)) == (ssize_t)len)
			n++;
	}
	t = now();
	printf("sent %lu secs %.3f fps %.0f\n", n, t - start, n / (t - start));
	return n ? 0 : 1;
}

static int macflood(const char *ifname, unsigned long count, int seed)
{
	struct sockaddr_ll sll;
	unsigned char f[60];
	int fd;

	if (!count) {	/* send_frames() would take 0 as "no limit" */
		fprintf(stderr, "COUNT must be at least 1\n");
		return 2;
	}
	fd = packet_open(ifname, &sll);
	memset(f, 0, sizeof(f));
	memset(f, 0xff, ETH_ALEN);
	memset(sll.sll_addr, 0xff, ETH_ALEN);
	f[6] = 0x02;
	f[7] = seed;
	f[12] = 0x88;
	f[13] = 0xb5;
	return send_frames(fd, &sll, f, sizeof(f), 8, 0, count, 0);
}

/* One RTM_NEWNEIGH: AF_BRIDGE, NTF_SELF, permanent, lladdr + dst. */
struct fdb_req {
	struct nlmsghdr nh;
	struct ndmsg ndm;
	struct rtattr lla;
	unsigned char mac[8];
	struct rtattr dsta;
	struct in_addr dst;
	struct rtattr vnia;
	uint32_t vni;
};

static int fdbfill(const char *ifname, unsigned long count, const char *dst,
		   unsigned long vnis, unsigned long vni0, double maxsec)
{
	enum { BATCH = 256 };
	/* the requests back to back, each vnis ? whole : without vnia */
	static struct fdb_req req[BATCH];
	size_t qlen = vnis ? sizeof(req[0]) : offsetof(struct fdb_req, vnia);
	struct sockaddr_nl snl = { .nl_family = AF_NETLINK };
	unsigned long i = 0, acked = 0, errs = 0;
	int ifindex = if_nametoindex(ifname);
	static char rbuf[BATCH * 64 + 8192];
	struct in_addr ip;
	double start;
	int rcvbuf = 4 << 20;
	int fd;

	if (!ifindex)
		die(ifname);
	if (inet_pton(AF_INET, dst, &ip) != 1) {
		fprintf(stderr, "bad IPv4 address %s\n", dst);
		return 2;
	}
	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	if (fd < 0)
		die("socket(NETLINK_ROUTE)");
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(fd, (struct sockaddr *)&snl, sizeof(snl)))
		die("bind netlink");
	start = now();
	while (i < count) {
		unsigned long b, nb = count - i < BATCH ? count - i : BATCH;

		for (b = 0; b < nb; b++, i++) {
			struct fdb_req *r = (void *)((char *)req + b * qlen);

			memset(r, 0, qlen);
			r->nh.nlmsg_len = qlen;
			r->nh.nlmsg_type = RTM_NEWNEIGH;
			r->nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK |
					    NLM_F_CREATE | NLM_F_EXCL;
			r->nh.nlmsg_seq = i + 1;
			r->ndm.ndm_family = AF_BRIDGE;
			r->ndm.ndm_ifindex = ifindex;
			r->ndm.ndm_state = NUD_PERMANENT;
			r->ndm.ndm_flags = NTF_SELF;
			r->lla.rta_len = RTA_LENGTH(ETH_ALEN);
			r->lla.rta_type = NDA_LLADDR;
			r->mac[0] = 0x06;
			r->mac[1] = i >> 32;
			r->mac[2] = i >> 24;
			r->mac[3] = i >> 16;
			r->mac[4] = i >> 8;
			r->mac[5] = i;
			r->dsta.rta_len = RTA_LENGTH(sizeof(ip));
			r->dsta.rta_type = NDA_DST;
			r->dst = ip;
			if (!vnis)
				continue;
			r->vnia.rta_len = RTA_LENGTH(sizeof(r->vni));
			r->vnia.rta_type = NDA_SRC_VNI;
			r->vni = vni0 + i % vnis;
		}
		if (send(fd, req, nb * qlen, 0) < 0)
			die("send netlink");
		/* one ACK (or error) per request */
		while (acked < i) {
			ssize_t len = recv(fd, rbuf, sizeof(rbuf), 0);
			struct nlmsghdr *nh = (struct nlmsghdr *)rbuf;

			if (len < 0)
				die("recv netlink");
			for (; NLMSG_OK(nh, (unsigned int)len);
			     nh = NLMSG_NEXT(nh, len)) {
				struct nlmsgerr *e = NLMSG_DATA(nh);

				if (nh->nlmsg_type != NLMSG_ERROR)
					continue;
				acked++;
				if (e->error && errs++ < 3)
					fprintf(stderr, "fdb add #%u: %s\n",
						nh->nlmsg_seq,
						strerror(-e->error));
			}
		}
		if (maxsec > 0 && now() - start > maxsec)
			break;
	}
	printf("added %lu secs %.3f\n", i - errs, now() - start);
	return errs ? 1 : 0;
}

static int parse_mac(const char *s, unsigned char *mac)
{
	return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1],
		      &mac[2], &mac[3], &mac[4], &mac[5]) == 6 ? 0 : -1;
}

static int vlansend(const char *ifname, const char *dstmac, int vlans,
		    double sec, unsigned long count)
{
	struct sockaddr_ll sll;
	unsigned char f[64];
	struct ifreq ifr;
	int fd;

	if (vlans < 1 || vlans > 4094) {
		fprintf(stderr, "VLANS must be 1..4094\n");
		return 2;
	}
	fd = packet_open(ifname, &sll);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		die("SIOCGIFHWADDR");
	memset(f, 0, sizeof(f));
	if (parse_mac(dstmac, f)) {
		fprintf(stderr, "bad MAC %s\n", dstmac);
		return 2;
	}
	memcpy(sll.sll_addr, f, ETH_ALEN);
	memcpy(f + 6, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	f[12] = 0x81;
	f[13] = 0x00;
	f[16] = 0x88;
	f[17] = 0xb5;
	return send_frames(fd, &sll, f, sizeof(f), 18, vlans, count, sec);
}

static int vlansink(const char *ifname, double maxsec)
{
	static unsigned char seen[4096];
	struct timeval tv = { .tv_sec = 1 };
	double first = 0, last = 0, start = now();
	unsigned long n = 0, vlans = 0;
	struct sockaddr_ll sll;
	int rcvbuf = 4 << 20, one = 1;
	unsigned char buf[2048];
	char cbuf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
	int fd;

	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (fd < 0)
		die("socket(AF_PACKET)");
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = if_nametoindex(ifname);
	if (!sll.sll_ifindex)
		die(ifname);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)))
		die("PACKET_AUXDATA");
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		die("bind AF_PACKET");
	printf("ready\n");
	for (;;) {
		struct iovec iov = { buf, sizeof(buf) };
		struct sockaddr_ll from;
		struct msghdr mh = {
			.msg_name = &from, .msg_namelen = sizeof(from),
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
		};
		struct cmsghdr *c;
		ssize_t len = recvmsg(fd, &mh, 0);
		double t = now();
		int vid = -1;

		if (t - start > maxsec)
			break;
		if (len < 0) {
			if (n && t - last >= 1)
				break;
			continue;
		}
		if (from.sll_pkttype == PACKET_OUTGOING || len < 18)
			continue;
		if (buf[12] == 0x81 && buf[13] == 0x00 &&
		    buf[16] == 0x88 && buf[17] == 0xb5) {
			vid = (buf[14] << 8 | buf[15]) & 0xfff;
		} else if (buf[12] == 0x88 && buf[13] == 0xb5) {
			for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
				struct tpacket_auxdata *a;

				if (c->cmsg_level != SOL_PACKET ||
				    c->cmsg_type != PACKET_AUXDATA)
					continue;
				a = (struct tpacket_auxdata *)CMSG_DATA(c);
				if (a->tp_status & TP_STATUS_VLAN_VALID)
					vid = a->tp_vlan_tci & 0xfff;
			}
		} else {
			continue;
		}
		if (!n)
			first = t;
		n++;
		last = t;
		if (vid >= 0 && !seen[vid]) {
			seen[vid] = 1;
			vlans++;
		}
	}
	printf("pkts %lu secs %.3f pps %.0f vlans %lu\n", n, last - first,
	       n > 1 && last > first ? (n - 1) / (last - first) : 0.0, vlans);
	return n ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(m, "udp-sink") && argc == 4)
		return udp_sink(argv[2], atof(argv[3]));
	if (!strcmp(m, "udp-send") && argc == 6)
		return udp_send(argv[2], argv[3], atof(argv[4]), atoi(argv[5]));
	if (!strcmp(m, "rr-server") && argc == 3)
		return rr_server(argv[2]);
	if (!strcmp(m, "rr-client") && argc == 5)
		return rr_client(argv[2], argv[3], atof(argv[4]));
	if (!strcmp(m, "macflood") && argc == 5)
		return macflood(argv[2], strtoul(argv[3], NULL, 0),
				atoi(argv[4]));
	if (!strcmp(m, "fdbfill") && (argc == 5 || argc == 7 || argc == 8))
		return fdbfill(argv[2], strtoul(argv[3], NULL, 0), argv[4],
			       argc > 5 ? strtoul(argv[5], NULL, 0) : 0,
			       argc > 6 ? strtoul(argv[6], NULL, 0) : 0,
			       argc > 7 ? atof(argv[7]) : 0);
	if (!strcmp(m, "vlansend") && (argc == 6 || argc == 7))
		return vlansend(argv[2], argv[3], atoi(argv[4]), atof(argv[5]),
				argc > 6 ? strtoul(argv[6], NULL, 0) : 0);
	if (!strcmp(m, "vlansink") && argc == 4)
		return vlansink(argv[2], atof(argv[3]));
	fprintf(stderr, "usage: see the comment at the top of bench_net.c\n");
	return 2;
}
