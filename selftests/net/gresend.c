// SPDX-License-Identifier: GPL-2.0
/*
 * gresend: send COUNT Ethernet-over-GRE packets with chosen GRE flags,
 * for tests of what a GRE receiver accepts (reserved bits, no key, ...).
 *
 *   gresend SRC DST FLAGS KEY COUNT
 *
 * SRC/DST are IPv4 or IPv6 addresses of the sending host and the target.
 * FLAGS is the first 16-bit GRE word (e.g. 0x2000 = K, 0x23f8 = K plus
 * the reserved bits 6-12); the protocol is always 0x6558 (TEB).  A key
 * word follows when K is set.  The inner frame is a broadcast Ethernet
 * frame from 02:00:00:00:99:01 with the local experimental EtherType.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_storage ss = {};
	uint8_t pkt[128] = {}, *p = pkt;
	unsigned long count, i;
	uint16_t flags;
	uint32_t key;
	socklen_t sl;
	int fd, fam;

	if (argc != 6) {
		fprintf(stderr, "usage: gresend SRC DST FLAGS KEY COUNT\n");
		return 2;
	}
	fam = strchr(argv[2], ':') ? AF_INET6 : AF_INET;
	flags = strtoul(argv[3], NULL, 0);
	key = strtoul(argv[4], NULL, 0);
	count = strtoul(argv[5], NULL, 0);

	fd = socket(fam, SOCK_RAW, IPPROTO_GRE);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	if (fam == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)&ss;

		s->sin_family = AF_INET;
		if (inet_pton(AF_INET, argv[1], &s->sin_addr) != 1)
			return 2;
		sl = sizeof(*s);
		if (bind(fd, (struct sockaddr *)s, sl))
			perror("bind");
		if (inet_pton(AF_INET, argv[2], &s->sin_addr) != 1)
			return 2;
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;

		s->sin6_family = AF_INET6;
		if (inet_pton(AF_INET6, argv[1], &s->sin6_addr) != 1)
			return 2;
		sl = sizeof(*s);
		if (bind(fd, (struct sockaddr *)s, sl))
			perror("bind");
		if (inet_pton(AF_INET6, argv[2], &s->sin6_addr) != 1)
			return 2;
	}

	*p++ = flags >> 8;
	*p++ = flags;
	*p++ = 0x65;
	*p++ = 0x58;
	if (flags & 0x8000)
		p += 4;		/* checksum + reserved1, filled below */
	if (flags & 0x2000) {
		*p++ = key >> 24;
		*p++ = key >> 16;
		*p++ = key >> 8;
		*p++ = key;
	}
	memset(p, 0xff, 6);			/* broadcast */
	memcpy(p + 6, "\x02\x00\x00\x00\x99\x01", 6);
	p[12] = 0x88;				/* local experimental */
	p[13] = 0xb5;
	p += 14 + 46;
	if (flags & 0x8000) {
		uint32_t sum = 0;
		uint16_t c;
		uint8_t *q;

		for (q = pkt; q < p; q += 2)
			sum += (q[0] << 8) | q[1];
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		c = ~sum;
		pkt[4] = c >> 8;
		pkt[5] = c;
	}
	for (i = 0; i < count; i++) {
		if (sendto(fd, pkt, p - pkt, 0, (struct sockaddr *)&ss, sl) < 0) {
			perror("sendto");
			return 1;
		}
		usleep(1000);
	}
	printf("sent %lu\n", count);
	return 0;
}
