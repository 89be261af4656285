// SPDX-License-Identifier: GPL-2.0
/*
 * etcd v3 JSON gateway client (see etcd.h).  HTTP is libcurl's, JSON is
 * json-c's, base64 is OpenSSL's: this file only shapes requests and reads
 * the fields it needs.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "etcd.h"

struct buf {
	char *p;
	size_t len;
};

static void seterr(struct etcd *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void seterr(struct etcd *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->err, sizeof(e->err), fmt, ap);
	va_end(ap);
}

/* --- base64 and int64 helpers ------------------------------------ */

static char *b64_encode(const char *s, size_t len)
{
	char *out = malloc(4 * ((len + 2) / 3) + 1);

	if (out)
		EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)s,
				(int)len);
	return out;
}

/* Decoded, NUL-terminated; NULL if not base64. */
static char *b64_decode(const char *s)
{
	size_t len = strlen(s);
	char *out = malloc(3 * (len / 4) + 1);
	int n;

	if (!out)
		return NULL;
	n = EVP_DecodeBlock((unsigned char *)out, (const unsigned char *)s,
			    (int)len);
	if (n < 0) {
		free(out);
		return NULL;
	}
	/* EVP_DecodeBlock counts the padding as data bytes */
	if (len >= 1 && s[len - 1] == '=')
		n--;
	if (len >= 2 && s[len - 2] == '=')
		n--;
	out[n] = '\0';
	return out;
}

static int64_t jint(json_object *o, const char *name)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, name, &v))
		return 0;
	/* the gateway sends int64 as strings; json-c parses both */
	return json_object_get_int64(v);
}

static json_object *jget(json_object *o, const char *name)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, name, &v))
		return NULL;
	return v;
}

static void jadd_b64(json_object *o, const char *name, const char *s)
{
	char *b = b64_encode(s, strlen(s));

	json_object_object_add(o, name, json_object_new_string(b ? b : ""));
	free(b);
}

/* The end of the range of keys starting with prefix. */
static char *prefix_end(const char *prefix)
{
	char *end = strdup(prefix);
	size_t n = strlen(end);

	if (end && n)
		end[n - 1]++;
	return end;
}

/* --- setup --------------------------------------------------------- */

static void apply_tls(const struct etcd *e, CURL *c)
{
	if (e->tls.cacert)
		curl_easy_setopt(c, CURLOPT_CAINFO, e->tls.cacert);
	if (e->tls.cert)
		curl_easy_setopt(c, CURLOPT_SSLCERT, e->tls.cert);
	if (e->tls.key)
		curl_easy_setopt(c, CURLOPT_SSLKEY, e->tls.key);
}

int etcd_init(struct etcd *e, const char *endpoints, long timeout_ms,
	      const struct etcd_tls *tls)
{
	char *list, *tok, *save = NULL;

	memset(e, 0, sizeof(*e));
	e->timeout_ms = timeout_ms;
	if (tls)
		e->tls = *tls;
	list = strdup(endpoints);
	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		size_t n = strlen(tok);

		if (!n)
			continue;
		if (e->n_endpoints == ETCD_MAX_ENDPOINTS) {
			seterr(e, "more than %d endpoints", ETCD_MAX_ENDPOINTS);
			free(list);
			return -1;
		}
		while (n && tok[n - 1] == '/')
			tok[--n] = '\0';
		e->endpoints[e->n_endpoints++] = strdup(tok);
	}
	free(list);
	if (!e->n_endpoints) {
		seterr(e, "no endpoints given");
		return -1;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
		seterr(e, "curl_global_init failed");
		return -1;
	}
	e->easy = curl_easy_init();
	e->multi = curl_multi_init();
	e->tok = json_tokener_new();
	e->hdrs = curl_slist_append(NULL, "Content-Type: application/json");
	if (!e->easy || !e->multi || !e->tok || !e->hdrs) {
		seterr(e, "out of memory");
		return -1;
	}
	return 0;
}

void etcd_fini(struct etcd *e)
{
	int i;

	etcd_watch_stop(e);
	if (e->easy)
		curl_easy_cleanup(e->easy);
	if (e->multi)
		curl_multi_cleanup(e->multi);
	if (e->tok)
		json_tokener_free(e->tok);
	curl_slist_free_all(e->hdrs);
	for (i = 0; i < e->n_endpoints; i++)
		free(e->endpoints[i]);
	curl_global_cleanup();
}

const char *etcd_endpoint(const struct etcd *e)
{
	return e->endpoints[e->cur];
}

/* --- unary requests ------------------------------------------------ */

static size_t collect(char *data, size_t size, size_t nmemb, void *arg)
{
	struct buf *b = arg;
	size_t n = size * nmemb;
	char *p = realloc(b->p, b->len + n + 1);

	if (!p)
		return 0;
	memcpy(p + b->len, data, n);
	b->len += n;
	p[b->len] = '\0';
	b->p = p;
	return n;
}

/* One POST to one endpoint; *resp is the parsed body (HTTP 200 only). */
static int post_one(struct etcd *e, int ep, const char *path,
		    const char *body, json_object **resp)
{
	struct buf b = { NULL, 0 };
	char url[512];
	long code = 0;
	CURLcode rc;

	snprintf(url, sizeof(url), "%s%s", e->endpoints[ep], path);
	curl_easy_reset(e->easy);
	curl_easy_setopt(e->easy, CURLOPT_URL, url);
	curl_easy_setopt(e->easy, CURLOPT_HTTPHEADER, e->hdrs);
	curl_easy_setopt(e->easy, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(e->easy, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(e->easy, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(e->easy, CURLOPT_TIMEOUT_MS, e->timeout_ms);
	/* a dead member refuses or times out the connect: fail over soon */
	curl_easy_setopt(e->easy, CURLOPT_CONNECTTIMEOUT_MS,
			 e->timeout_ms / 2 > 0 ? e->timeout_ms / 2 : 1L);
	curl_easy_setopt(e->easy, CURLOPT_NOSIGNAL, 1L);
	if (e->progress_cb) {
		curl_easy_setopt(e->easy, CURLOPT_XFERINFOFUNCTION, e->progress_cb);
		curl_easy_setopt(e->easy, CURLOPT_XFERINFODATA, e->progress_arg);
		curl_easy_setopt(e->easy, CURLOPT_NOPROGRESS, 0L);
	}
	apply_tls(e, e->easy);
	rc = curl_easy_perform(e->easy);
	if (rc != CURLE_OK) {
		seterr(e, "%s: %s", url, curl_easy_strerror(rc));
		free(b.p);
		return -1;
	}
	curl_easy_getinfo(e->easy, CURLINFO_RESPONSE_CODE, &code);
	*resp = b.p ? json_tokener_parse(b.p) : NULL;
	if (code != 200 || !*resp) {
		const char *msg = jget(*resp, "message") ?
			json_object_get_string(jget(*resp, "message")) :
			(b.p ? b.p : "");

		seterr(e, "%s: HTTP %ld: %.150s", url, code, msg);
		json_object_put(*resp);
		*resp = NULL;
		free(b.p);
		return -1;
	}
	free(b.p);
	return 0;
}

/* POST req (consumed) to the endpoints, current one first. */
static int post(struct etcd *e, const char *path, json_object *req,
		json_object **resp)
{
	const char *body = json_object_to_json_string_ext(req,
							  JSON_C_TO_STRING_PLAIN);
	int i, ep;

	for (i = 0; i < e->n_endpoints; i++) {
		ep = (e->cur + i) % e->n_endpoints;
		if (post_one(e, ep, path, body, resp) == 0) {
			e->cur = ep;
			json_object_put(req);
			return 0;
		}
	}
	json_object_put(req);
	return -1;
}

int etcd_grant(struct etcd *e, int *ttl, int64_t *id)
{
	json_object *req = json_object_new_object(), *resp;

	json_object_object_add(req, "TTL", json_object_new_int(*ttl));
	if (post(e, "/v3/lease/grant", req, &resp))
		return -1;
	*id = jint(resp, "ID");
	if (!*id) {
		seterr(e, "lease grant: %s", jget(resp, "error") ?
		       json_object_get_string(jget(resp, "error")) : "no ID");
		json_object_put(resp);
		return -1;
	}
	if (jint(resp, "TTL") > 0)
		*ttl = (int)jint(resp, "TTL");
	json_object_put(resp);
	return 0;
}

int etcd_keepalive(struct etcd *e, int64_t id, int64_t *ttl)
{
	json_object *req = json_object_new_object(), *resp, *res;

	json_object_object_add(req, "ID", json_object_new_int64(id));
	if (post(e, "/v3/lease/keepalive", req, &resp))
		return -1;
	/* a stream of one message: {"result": {...}} or {"error": {...}} */
	res = jget(resp, "result");
	if (!res) {
		seterr(e, "lease keepalive: %s",
		       json_object_to_json_string(resp));
		json_object_put(resp);
		return -1;
	}
	*ttl = jint(res, "TTL");
	json_object_put(resp);
	return 0;
}

int etcd_revoke(struct etcd *e, int64_t id)
{
	json_object *req = json_object_new_object(), *resp;

	json_object_object_add(req, "ID", json_object_new_int64(id));
	if (post(e, "/v3/lease/revoke", req, &resp))
		return -1;
	json_object_put(resp);
	return 0;
}

static int64_t header_rev(json_object *resp)
{
	return jint(jget(resp, "header"), "revision");
}

int etcd_put(struct etcd *e, const char *key, const char *value,
	     int64_t lease, int64_t *rev)
{
	json_object *req = json_object_new_object(), *resp;

	jadd_b64(req, "key", key);
	jadd_b64(req, "value", value);
	if (lease)
		json_object_object_add(req, "lease",
				       json_object_new_int64(lease));
	if (post(e, "/v3/kv/put", req, &resp))
		return -1;
	if (rev)
		*rev = header_rev(resp);
	json_object_put(resp);
	return 0;
}

int etcd_delete(struct etcd *e, const char *key, int64_t *rev)
{
	json_object *req = json_object_new_object(), *resp;

	jadd_b64(req, "key", key);
	if (post(e, "/v3/kv/deleterange", req, &resp))
		return -1;
	if (rev)
		*rev = header_rev(resp);
	json_object_put(resp);
	return 0;
}

/* One kv object of a range or watch answer -> fn. */
static void deliver_kv(json_object *kv, bool del, etcd_event_fn fn, void *ctx)
{
	json_object *k = jget(kv, "key"), *v = jget(kv, "value");
	struct etcd_event ev = { .del = del };
	char *key, *value = NULL;

	if (!k)
		return;
	key = b64_decode(json_object_get_string(k));
	if (!key)
		return;
	if (v)
		value = b64_decode(json_object_get_string(v));
	ev.key = key;
	ev.value = value ? value : "";
	ev.lease = jint(kv, "lease");
	ev.mod_revision = jint(kv, "mod_revision");
	fn(ctx, &ev);
	free(key);
	free(value);
}

int etcd_range_prefix(struct etcd *e, const char *prefix, int64_t *rev,
		      etcd_event_fn fn, void *ctx)
{
	json_object *req = json_object_new_object(), *resp, *kvs;
	char *end = prefix_end(prefix);
	size_t i, n;

	jadd_b64(req, "key", prefix);
	jadd_b64(req, "range_end", end);
	free(end);
	if (post(e, "/v3/kv/range", req, &resp))
		return -1;
	*rev = header_rev(resp);
	kvs = jget(resp, "kvs");
	n = kvs ? json_object_array_length(kvs) : 0;
	for (i = 0; i < n; i++)
		deliver_kv(json_object_array_get_idx(kvs, i), false, fn, ctx);
	json_object_put(resp);
	return 0;
}

/* --- watch ----------------------------------------------------------- */

static void watch_message(struct etcd *e, json_object *msg)
{
	json_object *res = jget(msg, "result"), *evs, *ev, *t;
	int64_t rev;
	size_t i, n;

	if (!res) {
		seterr(e, "watch: %.200s", json_object_to_json_string(msg));
		e->watch_failed = true;
		return;
	}
	if (jint(res, "compact_revision")) {
		seterr(e, "watch: history compacted up to revision %lld",
		       (long long)jint(res, "compact_revision"));
		e->watch_compacted = true;
		e->watch_failed = true;
		return;
	}
	if (jget(res, "canceled")) {
		seterr(e, "watch canceled by the server: %s",
		       jget(res, "cancel_reason") ?
		       json_object_get_string(jget(res, "cancel_reason")) : "");
		e->watch_failed = true;
		return;
	}
	if (jget(res, "created"))
		e->watch_created = true;
	evs = jget(res, "events");
	n = evs ? json_object_array_length(evs) : 0;
	for (i = 0; i < n; i++) {
		ev = json_object_array_get_idx(evs, i);
		t = jget(ev, "type");
		deliver_kv(jget(ev, "kv"), t && !strcmp(json_object_get_string(t),
							"DELETE"),
			   e->on_event, e->ctx);
		rev = jint(jget(ev, "kv"), "mod_revision");
		if (rev > e->watch_rev)
			e->watch_rev = rev;
	}
	/* A progress notification (no events, not the creation answer) says
	 * the watcher has seen everything up to the header's revision.  Any
	 * other header may run ahead of the events still to come.
	 */
	if (!n && !jget(res, "created")) {
		rev = header_rev(res);
		if (rev > e->watch_rev)
			e->watch_rev = rev;
	}
}

static size_t watch_data(char *data, size_t size, size_t nmemb, void *arg)
{
	struct etcd *e = arg;
	size_t n = size * nmemb, off = 0;
	json_object *msg;

	while (off < n) {
		msg = json_tokener_parse_ex(e->tok, data + off,
					    (int)(n - off));
		if (!msg) {
			if (json_tokener_get_error(e->tok) == json_tokener_continue)
				break;
			seterr(e, "watch: bad JSON: %s",
			       json_tokener_error_desc(json_tokener_get_error(e->tok)));
			json_tokener_reset(e->tok);
			e->watch_failed = true;
			return n;
		}
		off += json_tokener_get_parse_end(e->tok);
		json_tokener_reset(e->tok);
		watch_message(e, msg);
		json_object_put(msg);
	}
	return n;
}

int etcd_watch_start(struct etcd *e, const char *prefix, int64_t start_rev,
		     etcd_event_fn fn, void *ctx)
{
	json_object *req = json_object_new_object();
	json_object *cr = json_object_new_object();
	char *end = prefix_end(prefix);
	char url[512];

	etcd_watch_stop(e);
	jadd_b64(cr, "key", prefix);
	jadd_b64(cr, "range_end", end);
	free(end);
	json_object_object_add(cr, "start_revision",
			       json_object_new_int64(start_rev));
	json_object_object_add(cr, "progress_notify",
			       json_object_new_boolean(1));
	json_object_object_add(req, "create_request", cr);
	e->watch_body = strdup(json_object_to_json_string_ext(req,
						JSON_C_TO_STRING_PLAIN));
	json_object_put(req);

	e->on_event = fn;
	e->ctx = ctx;
	e->watch_created = false;
	e->watch_compacted = false;
	e->watch_failed = false;
	e->watch_rev = start_rev - 1;
	e->watch_ep = e->cur;
	json_tokener_reset(e->tok);

	e->watch = curl_easy_init();
	if (!e->watch) {
		seterr(e, "out of memory");
		return -1;
	}
	snprintf(url, sizeof(url), "%s/v3/watch", e->endpoints[e->watch_ep]);
	curl_easy_setopt(e->watch, CURLOPT_URL, url);
	curl_easy_setopt(e->watch, CURLOPT_HTTPHEADER, e->hdrs);
	curl_easy_setopt(e->watch, CURLOPT_POSTFIELDS, e->watch_body);
	curl_easy_setopt(e->watch, CURLOPT_WRITEFUNCTION, watch_data);
	curl_easy_setopt(e->watch, CURLOPT_WRITEDATA, e);
	curl_easy_setopt(e->watch, CURLOPT_CONNECTTIMEOUT_MS,
			 e->timeout_ms / 2 > 0 ? e->timeout_ms / 2 : 1L);
	curl_easy_setopt(e->watch, CURLOPT_NOSIGNAL, 1L);
	/* a dead peer without RST: notice it through TCP keepalive */
	curl_easy_setopt(e->watch, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e->watch, CURLOPT_TCP_KEEPIDLE, 5L);
	curl_easy_setopt(e->watch, CURLOPT_TCP_KEEPINTVL, 2L);
	apply_tls(e, e->watch);
	curl_multi_add_handle(e->multi, e->watch);
	return 0;
}

void etcd_watch_stop(struct etcd *e)
{
	if (e->watch) {
		curl_multi_remove_handle(e->multi, e->watch);
		curl_easy_cleanup(e->watch);
		e->watch = NULL;
	}
	free(e->watch_body);
	e->watch_body = NULL;
}

bool etcd_watching(const struct etcd *e)
{
	return e->watch && !e->watch_failed;
}

int etcd_wait(struct etcd *e, int extra_fd, int timeout_ms, bool *fd_ready)
{
	struct curl_waitfd w = { .fd = extra_fd, .events = CURL_WAIT_POLLIN };
	int numfds;

	if (curl_multi_poll(e->multi, &w, 1, timeout_ms, &numfds) != CURLM_OK)
		return -1;
	*fd_ready = w.revents != 0;
	return 0;
}

void etcd_watch_perform(struct etcd *e)
{
	int running, left;
	CURLMsg *m;
	long code = 0;

	if (!e->watch)
		return;
	curl_multi_perform(e->multi, &running);
	while ((m = curl_multi_info_read(e->multi, &left))) {
		if (m->msg != CURLMSG_DONE || m->easy_handle != e->watch)
			continue;
		curl_easy_getinfo(e->watch, CURLINFO_RESPONSE_CODE, &code);
		if (!e->watch_failed)
			seterr(e, "watch on %s ended: %s (HTTP %ld)",
			       e->endpoints[e->watch_ep],
			       curl_easy_strerror(m->data.result), code);
		e->watch_failed = true;
	}
}
