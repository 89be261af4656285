// SPDX-License-Identifier: GPL-2.0
/*
 * tapvm: a minimal "VM" behind a real tap device, the way qemu holds one:
 * opens /dev/net/tun (IFF_TAP | IFF_NO_PI), keeps the fd, and answers ARP
 * requests and ICMP echo requests for its address until killed.
 *
 *   tapvm TAPNAME IPV4 MAC
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_ether.h>
#include <linux/if_tun.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

struct arp_eth {
	unsigned short hrd, pro;
	unsigned char hln, pln;
	unsigned short op;
	unsigned char sha[6], sip[4], tha[6], tip[4];
} __attribute__((packed));

static unsigned short csum(const void *data, int len)
{
	const unsigned short *p = data;
	unsigned int sum = 0;

	for (; len > 1; len -= 2)
		sum += *p++;
	if (len)
		sum += *(const unsigned char *)p;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

static int answer_arp(unsigned char *f, int n, const unsigned char *mac,
		      struct in_addr ip)
{
	struct arp_eth *a = (struct arp_eth *)(f + ETH_HLEN);

	if (n < ETH_HLEN + (int)sizeof(*a) || a->op != htons(1) ||
	    memcmp(a->tip, &ip, 4))
		return 0;
	a->op = htons(2);
	memcpy(a->tha, a->sha, 6);
	memcpy(a->tip, a->sip, 4);
	memcpy(a->sha, mac, 6);
	memcpy(a->sip, &ip, 4);
	memcpy(f, a->tha, 6);
	memcpy(f + 6, mac, 6);
	return n;
}

static int answer_ping(unsigned char *f, int n, const unsigned char *mac,
		       struct in_addr ip)
{
	struct iphdr *iph = (struct iphdr *)(f + ETH_HLEN);
	struct icmphdr *ic;
	int ihl, len;

	if (n < ETH_HLEN + 20 + 8 || iph->protocol != IPPROTO_ICMP ||
	    iph->daddr != ip.s_addr)
		return 0;
	ihl = iph->ihl * 4;
	len = ntohs(iph->tot_len);
	if (ETH_HLEN + len > n || len < ihl + 8)
		return 0;
	ic = (struct icmphdr *)((unsigned char *)iph + ihl);
	if (ic->type != ICMP_ECHO)
		return 0;
	ic->type = ICMP_ECHOREPLY;
	ic->checksum = 0;
	ic->checksum = csum(ic, len - ihl);
	iph->daddr = iph->saddr;
	iph->saddr = ip.s_addr;
	iph->check = 0;
	iph->check = csum(iph, ihl);
	memcpy(f, f + 6, 6);
	memcpy(f + 6, mac, 6);
	return ETH_HLEN + len;
}

int main(int argc, char **argv)
{
	unsigned char mac[6], f[2048];
	struct in_addr ip;
	struct ifreq ifr;
	int fd, n, out;

	if (argc != 4 || inet_pton(AF_INET, argv[2], &ip) != 1 ||
	    sscanf(argv[3], "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1],
		   &mac[2], &mac[3], &mac[4], &mac[5]) != 6) {
		fprintf(stderr, "usage: tapvm TAPNAME IPV4 MAC\n");
		return 2;
	}
	fd = open("/dev/net/tun", O_RDWR);
	if (fd < 0)
		return perror("/dev/net/tun"), 1;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	strncpy(ifr.ifr_name, argv[1], IFNAMSIZ - 1);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		return perror("TUNSETIFF"), 1;
	printf("tapvm: %s up as %s\n", ifr.ifr_name, argv[2]);
	fflush(stdout);
	for (;;) {
		n = read(fd, f, sizeof(f));
		if (n < ETH_HLEN)
			continue;
		out = 0;
		if (f[12] == 0x08 && f[13] == 0x06)
			out = answer_arp(f, n, mac, ip);
		else if (f[12] == 0x08 && f[13] == 0x00)
			out = answer_ping(f, n, mac, ip);
		if (out > 0 && write(fd, f, out) != out)
			perror("write");
	}
}
