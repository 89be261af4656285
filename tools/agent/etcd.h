/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A client for etcd's v3 JSON gateway (etcd 3.4: /v3/kv, /v3/lease,
 * /v3/watch) over libcurl, messages built and parsed with json-c.  Keys
 * and values are base64 on the wire (OpenSSL's EVP coder); int64 fields
 * come as decimal strings.  Unary calls block (bounded by a timeout) and
 * fail over to the next endpoint; the watch is one streaming request on a
 * curl multi handle the main loop polls.
 */
#ifndef OVLNET_AGENT_ETCD_H
#define OVLNET_AGENT_ETCD_H

#include <stdbool.h>
#include <stdint.h>
#include <curl/curl.h>
#include <json-c/json.h>

#define ETCD_MAX_ENDPOINTS 16

struct etcd_tls {
	const char *cacert;
	const char *cert;
	const char *key;
};

struct etcd_event {
	bool del;		/* DELETE, else PUT */
	const char *key;	/* decoded, NUL-terminated */
	const char *value;	/* decoded; "" for a delete */
	int64_t lease;
	int64_t mod_revision;
};

/* Called once per event of a watch response. */
typedef void (*etcd_event_fn)(void *ctx, const struct etcd_event *ev);

struct etcd {
	char *endpoints[ETCD_MAX_ENDPOINTS];
	int n_endpoints;
	int cur;			/* endpoint tried first */
	long timeout_ms;		/* per unary request */
	struct etcd_tls tls;
	CURL *easy;			/* unary requests */
	char err[256];			/* last error, for the log */
	/* unary requests: libcurl's xferinfo callback (nonzero aborts) */
	curl_xferinfo_callback progress_cb;
	void *progress_arg;

	/* the watch stream */
	CURLM *multi;
	CURL *watch;
	struct curl_slist *hdrs;
	json_tokener *tok;
	char *watch_body;
	int watch_ep;
	bool watch_created;
	bool watch_compacted;		/* server said: history compacted */
	bool watch_failed;		/* stream ended or errored */
	int64_t watch_rev;		/* highest revision seen on the stream */
	etcd_event_fn on_event;
	void *ctx;
};

int etcd_init(struct etcd *e, const char *endpoints, long timeout_ms,
	      const struct etcd_tls *tls);
void etcd_fini(struct etcd *e);
const char *etcd_endpoint(const struct etcd *e);

/* Unary calls: 0 on success, -1 with e->err set. */
/* *ttl: asked for; set to what etcd granted (it enforces a minimum). */
int etcd_grant(struct etcd *e, int *ttl, int64_t *id);
/* *ttl = remaining TTL; 0 means the lease is gone. */
int etcd_keepalive(struct etcd *e, int64_t id, int64_t *ttl);
int etcd_revoke(struct etcd *e, int64_t id);
int etcd_put(struct etcd *e, const char *key, const char *value,
	     int64_t lease, int64_t *rev);
int etcd_delete(struct etcd *e, const char *key, int64_t *rev);
/* Every key under prefix; calls fn per key (as a PUT event); *rev is the
 * store revision of the answer.
 */
int etcd_range_prefix(struct etcd *e, const char *prefix, int64_t *rev,
		      etcd_event_fn fn, void *ctx);

/* Watch: start at start_rev (every key under prefix). */
int etcd_watch_start(struct etcd *e, const char *prefix, int64_t start_rev,
		     etcd_event_fn fn, void *ctx);
void etcd_watch_stop(struct etcd *e);
bool etcd_watching(const struct etcd *e);
/* Wait up to timeout_ms for the watch or extra fd; 0 or -1. */
int etcd_wait(struct etcd *e, int extra_fd, int timeout_ms, bool *fd_ready);
/* Move the watch's data; events go to the callback. */
void etcd_watch_perform(struct etcd *e);

#endif
