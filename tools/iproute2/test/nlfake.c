// SPDX-License-Identifier: GPL-2.0
/*
 * nlfake.so - LD_PRELOAD shim for offline tests of the plugins' printers
 * through the real ip binary (text and JSON), without the kernel module.
 *
 * An RTM_GETLINK dump request sent on a netlink socket is not passed to
 * the kernel; the next recvmsg() on that socket returns the RTM_NEWLINK
 * messages stored in $OVL_FAKE_LINKS (written by ovltest.py), renumbered
 * to the request, followed by NLMSG_DONE.
 *
 * An RTM_NEWLINK request (ip link add/set) is not passed to the kernel
 * either: it is appended to $OVL_FAKE_REQS and acknowledged with success.
 *
 * Everything else (e.g. ip's ifindex <-> name look-ups) goes to the kernel.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

static int fake_fd = -1;
static char *fake_buf;
static size_t fake_len;

static void fake_reply(int fd, const struct nlmsghdr *req)
{
	struct sockaddr_nl sa;
	socklen_t salen = sizeof(sa);
	struct nlmsghdr *h, *done;
	const char *path = getenv("OVL_FAKE_LINKS");
	size_t len = 0, off;
	FILE *f;

	f = path ? fopen(path, "rb") : NULL;
	if (!f) {
		perror("nlfake: OVL_FAKE_LINKS");
		exit(3);
	}
	free(fake_buf);
	fake_buf = malloc(1 << 20);
	len = fread(fake_buf, 1, (1 << 20) - 64, f);
	fclose(f);
	if (getsockname(fd, (struct sockaddr *)&sa, &salen))
		sa.nl_pid = 0;

	for (off = 0; off + sizeof(*h) <= len;
	     off += NLMSG_ALIGN(h->nlmsg_len)) {
		h = (struct nlmsghdr *)(fake_buf + off);
		h->nlmsg_seq = req->nlmsg_seq;
		h->nlmsg_pid = sa.nl_pid;
		h->nlmsg_flags |= NLM_F_MULTI;
	}
	done = (struct nlmsghdr *)(fake_buf + off);
	memset(done, 0, NLMSG_LENGTH(sizeof(int)));
	done->nlmsg_len = NLMSG_LENGTH(sizeof(int));
	done->nlmsg_type = NLMSG_DONE;
	done->nlmsg_flags = NLM_F_MULTI;
	done->nlmsg_seq = req->nlmsg_seq;
	done->nlmsg_pid = sa.nl_pid;
	fake_len = off + done->nlmsg_len;
	fake_fd = fd;
}

/* Save an RTM_NEWLINK request and queue an ACK (NLMSG_ERROR, error 0). */
static void fake_ack(int fd, const struct nlmsghdr *req)
{
	const char *path = getenv("OVL_FAKE_REQS");
	struct sockaddr_nl sa;
	socklen_t salen = sizeof(sa);
	struct nlmsgerr *err;
	struct nlmsghdr *h;
	FILE *f;

	f = path ? fopen(path, "ab") : NULL;
	if (!f) {
		perror("nlfake: OVL_FAKE_REQS");
		exit(3);
	}
	fwrite(req, 1, req->nlmsg_len, f);
	fclose(f);
	if (getsockname(fd, (struct sockaddr *)&sa, &salen))
		sa.nl_pid = 0;

	free(fake_buf);
	fake_buf = calloc(1, NLMSG_SPACE(sizeof(*err)));
	h = (struct nlmsghdr *)fake_buf;
	h->nlmsg_len = NLMSG_LENGTH(sizeof(*err));
	h->nlmsg_type = NLMSG_ERROR;
	h->nlmsg_seq = req->nlmsg_seq;
	h->nlmsg_pid = sa.nl_pid;
	err = NLMSG_DATA(h);
	err->error = 0;
	err->msg = *req;
	fake_len = h->nlmsg_len;
	fake_fd = fd;
}

static int capture(int fd, const void *buf, size_t len)
{
	const struct nlmsghdr *h = buf;

	if (!buf || len < sizeof(*h))
		return 0;
	if (h->nlmsg_type == RTM_NEWLINK && h->nlmsg_len <= len) {
		fake_ack(fd, h);
		return 1;
	}
	if (h->nlmsg_type != RTM_GETLINK ||
	    (h->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP)
		return 0;
	fake_reply(fd, h);
	return 1;
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	static ssize_t (*real)(int, const void *, size_t, int);

	if (capture(fd, buf, len))
		return len;
	if (!real)
		real = dlsym(RTLD_NEXT, "send");
	return real(fd, buf, len, flags);
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags,
	       const struct sockaddr *to, socklen_t tolen)
{
	static ssize_t (*real)(int, const void *, size_t, int,
			       const struct sockaddr *, socklen_t);

	if (capture(fd, buf, len))
		return len;
	if (!real)
		real = dlsym(RTLD_NEXT, "sendto");
	return real(fd, buf, len, flags, to, tolen);
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	static ssize_t (*real)(int, const struct msghdr *, int);

	if (msg->msg_iovlen >= 1 &&
	    capture(fd, msg->msg_iov[0].iov_base, msg->msg_iov[0].iov_len))
		return msg->msg_iov[0].iov_len;
	if (!real)
		real = dlsym(RTLD_NEXT, "sendmsg");
	return real(fd, msg, flags);
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	static ssize_t (*real)(int, struct msghdr *, int);
	size_t n = fake_len;

	if (fd != fake_fd || !fake_len) {
		if (!real)
			real = dlsym(RTLD_NEXT, "recvmsg");
		return real(fd, msg, flags);
	}
	if (msg->msg_iovlen < 1)
		return -1;
	if (n > msg->msg_iov[0].iov_len)
		n = msg->msg_iov[0].iov_len;
	memcpy(msg->msg_iov[0].iov_base, fake_buf, n);
	if (msg->msg_name && msg->msg_namelen >= sizeof(struct sockaddr_nl)) {
		memset(msg->msg_name, 0, sizeof(struct sockaddr_nl));
		((struct sockaddr_nl *)msg->msg_name)->nl_family = AF_NETLINK;
		msg->msg_namelen = sizeof(struct sockaddr_nl);
	}
	msg->msg_flags = n < fake_len ? MSG_TRUNC : 0;
	n = (flags & MSG_TRUNC) ? fake_len : n;
	if (!(flags & MSG_PEEK))
		fake_len = 0;
	return n;
}
