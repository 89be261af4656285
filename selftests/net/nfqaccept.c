// SPDX-License-Identifier: GPL-2.0
/*
 * nfqaccept: an NFQUEUE consumer that accepts everything, like an inline
 * IPS that lets the traffic pass (libnetfilter_queue).
 *
 *   nfqaccept QUEUE COUNTFILE
 *
 * Binds queue QUEUE, gives every packet the NF_ACCEPT verdict and keeps
 * the number of verdicts in COUNTFILE (rewritten every packet).  Runs
 * until killed; prints "ready" once bound.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <linux/netfilter.h>

static unsigned long verdicts;
static const char *countfile;

static int on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg,
		     struct nfq_data *nfa, void *data)
{
	struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
	uint32_t id = ph ? ntohl(ph->packet_id) : 0;
	FILE *f;

	(void)msg;
	(void)data;
	verdicts++;
	f = fopen(countfile, "w");
	if (f) {
		fprintf(f, "%lu\n", verdicts);
		fclose(f);
	}
	return nfq_set_verdict(qh, id, NF_ACCEPT, 0, NULL);
}

int main(int argc, char **argv)
{
	struct nfq_q_handle *qh;
	struct nfq_handle *h;
	char buf[65536] __attribute__((aligned));
	int fd, n;

	if (argc != 3) {
		fprintf(stderr, "usage: nfqaccept QUEUE COUNTFILE\n");
		return 2;
	}
	countfile = argv[2];
	h = nfq_open();
	if (!h) {
		perror("nfq_open");
		return 1;
	}
	qh = nfq_create_queue(h, atoi(argv[1]), on_packet, NULL);
	if (!qh) {
		perror("nfq_create_queue");
		return 1;
	}
	if (nfq_set_mode(qh, NFQNL_COPY_PACKET, 128) < 0) {
		perror("nfq_set_mode");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	fd = nfq_fd(h);
	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n >= 0)
			nfq_handle_packet(h, buf, n);
		/* ENOBUFS: the queue overran; keep going */
	}
}
