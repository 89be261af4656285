// SPDX-License-Identifier: GPL-2.0
/*
 * ovlnet-agent: keeps the flood lists (and, with --macs, the remote MACs)
 * of every ovl-vxlan and ovl-gre device of this network namespace in step
 * with the other hosts, through etcd.  Options, the main loop and the
 * etcd session (lease grant, resync, watch, backoff) live here, the lease
 * renewals in a thread of their own (lease.c); see
 * Documentation/agent.rst for the design.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"

static volatile sig_atomic_t got_stop, got_usr1;
static const char *log_name = "";

double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void logmsg(const char *fmt, ...)
{
	struct timespec ts;
	struct tm tm;
	va_list ap;

	/* journald adds its own timestamps */
	if (!getenv("JOURNAL_STREAM")) {
		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		fprintf(stderr, "%02d:%02d:%02d.%03ld ", tm.tm_hour, tm.tm_min,
			tm.tm_sec, ts.tv_nsec / 1000000);
	}
	fprintf(stderr, "ovlnet-agent%s%s%s: ", *log_name ? "[" : "", log_name,
		*log_name ? "]" : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		got_usr1 = 1;
	else
		got_stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: ovlnet-agent --endpoints http://A:2379[,http://B:2379...]\n"
"                    [--prefix /ovlnet] [--ttl SECONDS] [--once] [--macs]\n"
"                    [--name HOST] [--state FILE] [--proto N] [--timeout MS]\n"
"                    [--cacert FILE] [--cert FILE] [--key FILE]\n"
"       ovlnet-agent --status [--state FILE]\n"
"Keeps the flood lists of this namespace's ovl-vxlan/ovl-gre devices equal\n"
"to the live VTEPs registered in etcd (see ovlnet-agent(8)).\n");
}

/* --- the etcd session ----------------------------------------------- */

/* A jittered delay: d scaled by [0.75, 1] (agents that failed together
 * do not come back together).
 */
static double jitter(struct agent *a, double d)
{
	return d * (0.75 + 0.25 * (rand_r(&a->seed) / (double)RAND_MAX));
}

static void etcd_fail(struct agent *a, const char *what)
{
	double t = now_mono();
	/* with a lease, never wait longer than a keepalive period */
	int cap = !a->lease ? 10 : a->ttl / 3 > 1 ? a->ttl / 3 : 1;

	if (!a->synced && (a->backoff < cap || t - a->last_nag >= 30))
		logmsg("etcd unreachable (%s: %s); retrying in %d s", what,
		       a->etcd.err, a->backoff);
	else if (!a->synced)
		goto quiet;
	else if (a->etcd_up)
		logmsg("etcd: %s failed (%s); keeping the current flood lists, retrying in %d s",
		       what, a->etcd.err, a->backoff);
	else if (t - a->last_nag >= 10)
		logmsg("etcd still unreachable (%s: %s) for %.0f s; retrying every %d s",
		       what, a->etcd.err, t - a->down_since, a->backoff);
	else
		goto quiet;
	a->last_nag = t;
quiet:
	if (a->etcd_up || !a->down_since)
		a->down_since = t;
	a->etcd_up = false;
	a->next_try = t + jitter(a, a->backoff);
	a->backoff = a->backoff * 2 > cap ? cap : a->backoff * 2;
	a->dirty_state = true;
}

/*
 * A request worked.  After a failure nothing is read again as such: the
 * lease (renewed by the keeper) and the cache are still good, and a watch
 * that broke resumes from the last revision seen (watch_check).  A full
 * resync is only for a new lease (etcd deleted our keys: the lease
 * expired) and a compacted watch history.
 */
static void etcd_ok(struct agent *a)
{
	if (!a->etcd_up && a->synced) {
		if (a->need_resync)
			logmsg("etcd reachable again at %s after %.1f s; full resync",
			       etcd_endpoint(&a->etcd), now_mono() - a->down_since);
		else
			logmsg("etcd reachable again at %s after %.1f s; the lease held, no full resync (the watch goes on from revision %lld)",
			       etcd_endpoint(&a->etcd), now_mono() - a->down_since,
			       (long long)a->etcd.watch_rev + 1);
	}
	a->etcd_up = true;
	a->keeper_down = false;
	a->backoff = 1;
	a->down_since = 0;
}

static int resync(struct agent *a)
{
	json_object *old_v = a->vteps, *old_m = a->rmacs;
	int64_t rev;
	int nv = 0, nm = 0;

	/* into a fresh cache; the old one stays if etcd fails us */
	a->vteps = json_object_new_object();
	a->rmacs = json_object_new_object();
	if (etcd_range_prefix(&a->etcd, a->prefix, &rev, cache_event, a)) {
		json_object_put(a->vteps);
		json_object_put(a->rmacs);
		a->vteps = old_v;
		a->rmacs = old_m;
		return -1;
	}
	json_object_put(old_v);
	json_object_put(old_m);
	json_object_object_foreach(a->vteps, g, addrs) {
		(void)g;
		nv += json_object_object_length(addrs);
	}
	json_object_object_foreach(a->rmacs, g2, macs) {
		(void)g2;
		nm += json_object_object_length(macs);
	}
	a->rev = rev;
	a->synced = true;
	a->need_resync = false;
	a->dirty_fdb = true;
	a->dirty_state = true;
	a->resyncs++;
	logmsg("synced with etcd %s at revision %lld: %d VTEPs, %d MACs",
	       etcd_endpoint(&a->etcd), (long long)rev, nv, nm);
	a->watch_backoff = 1;
	if (etcd_watch_start(&a->etcd, a->prefix, rev + 1, cache_event, a))
		logmsg("watch: %s", a->etcd.err);
	return 0;
}

static void watch_check(struct agent *a, double t)
{
	struct etcd *e = &a->etcd;
	int64_t rev;

	if (!e->watch || a->need_resync)
		return;
	if (!e->watch_failed) {
		if (e->watch_created)
			a->watch_backoff = 1;
		return;
	}
	if (e->watch_compacted) {
		logmsg("%s; full resync", e->err);
		etcd_watch_stop(e);
		a->need_resync = true;
		return;
	}
	/* with etcd away, wait until a request works again; then resume */
	if (t < a->next_watch || !a->etcd_up)
		return;
	/* a member that keeps refusing is not asked every second */
	a->next_watch = t + jitter(a, a->watch_backoff);
	a->watch_backoff = a->watch_backoff * 2 > 10 ? 10 : a->watch_backoff * 2;
	logmsg("%s", e->err);
	/* the member may be gone: resume on the next one */
	if (e->cur == e->watch_ep)
		e->cur = (e->cur + 1) % e->n_endpoints;
	/* from the stream's own revision: a->rev may be ahead of it (our
	 * own puts), and events between the two would be lost
	 */
	rev = e->watch_rev + 1;
	logmsg("watch: resuming on %s from revision %lld", etcd_endpoint(e),
	       (long long)rev);
	etcd_watch_start(e, a->prefix, rev, cache_event, a);
}

/* The keeper's verdict since the last look. */
static void lease_check(struct agent *a)
{
	struct lease_status st;

	lease_keeper_read(&a->keeper, &st);
	if (st.gen == a->keeper_gen || !a->lease)
		return;
	a->keeper_gen = st.gen;
	if (st.expired) {
		logmsg("lease %llx expired while etcd was out of reach; registering again",
		       (unsigned long long)a->lease);
		a->lease = 0;
		a->need_resync = true;
		a->next_try = 0;
		return;
	}
	if (st.failing) {
		snprintf(a->etcd.err, sizeof(a->etcd.err), "%s", st.err);
		if (a->etcd_up) {
			etcd_fail(a, "lease keepalive");
			a->keeper_down = true;
		}
		return;
	}
	/* a renewal worked: etcd is back (the watch resumes, see etcd_ok).
	 * After a failure of the main loop's own request, not before its
	 * backoff: a slow etcd may renew leases but not serve the rest.
	 */
	if (!a->etcd_up && (a->keeper_down || now_mono() >= a->next_try)) {
		etcd_ok(a);
		a->next_try = 0;
	}
}

static void etcd_step(struct agent *a, double t)
{
	lease_check(a);
	if (t < a->next_try)
		return;
	if (!a->lease) {
		int ttl = a->ttl;

		if (etcd_grant(&a->etcd, &ttl, &a->lease)) {
			etcd_fail(a, "lease grant");
			return;
		}
		logmsg("etcd %s: lease %llx granted, ttl %d s%s",
		       etcd_endpoint(&a->etcd), (unsigned long long)a->lease,
		       ttl, ttl != a->ttl ? " (etcd's minimum for its election timeout)" : "");
		a->ttl = ttl;
		lease_keeper_set(&a->keeper, a->lease, ttl);
		a->need_resync = true;
		etcd_ok(a);
	}
	if (a->need_resync) {
		if (resync(a)) {
			etcd_fail(a, "range");
			return;
		}
		etcd_ok(a);
	}
	watch_check(a, t);
}

/* --- main loop ------------------------------------------------------- */

static int on_nl_event(const struct nlmsghdr *nlh, void *data)
{
	links_event(data, nlh);
	return MNL_CB_OK;
}

static void fdb_pass(struct agent *a)
{
	struct dev *d;

	a->dirty_fdb = false;
	if (fdb_refresh(a))
		return;
	for (d = a->devs; d; d = d->next)
		sync_fdb(a, d);
}

static int timeout_ms(const struct agent *a, double t)
{
	/* at least once a second: the keeper's verdict */
	double until = t + 1;

	if (a->next_try > t && a->next_try < until)
		until = a->next_try;
	if (a->etcd.watch_failed && a->next_watch < until)
		until = a->next_watch;
	if (a->dirty_links || a->dirty_fdb || a->need_resync)
		return 0;
	return until <= t ? 0 : (int)((until - t) * 1000) + 1;
}

static int run(struct agent *a)
{
	bool nl_ready;
	double t;
	int err;

	logmsg("starting: etcd %s, prefix %s, ttl %d s%s%s", etcd_endpoint(&a->etcd),
	       a->prefix, a->ttl, a->macs ? ", MACs" : "", a->once ? ", once" : "");
	a->dirty_links = true;
	while (!got_stop) {
		t = now_mono();
		if (got_usr1) {
			got_usr1 = 0;
			status_print(a, stderr);
			a->dirty_state = true;
		}
		if (a->dirty_links) {
			a->dirty_links = false;
			links_refresh(a);
		}
		etcd_step(a, t);
		if (a->dirty_fdb && a->synced)
			fdb_pass(a);
		if (a->synced && a->etcd_up && t >= a->next_try &&
		    sync_registrations(a))
			etcd_fail(a, "register");
		if (a->dirty_state) {
			a->dirty_state = false;
			state_save(a);
		}
		if (a->once && a->synced && a->etcd_up && !a->dirty_fdb &&
		    !a->dirty_links) {
			logmsg("--once: in sync, exiting");
			return 0;
		}
		if (a->once && !a->synced && !a->etcd_up && a->next_try > t) {
			logmsg("--once: etcd unreachable, giving up");
			return 1;
		}
		if (etcd_wait(&a->etcd, rtnl_event_fd(&a->rtnl),
			      timeout_ms(a, now_mono()), &nl_ready))
			continue;
		if (nl_ready) {
			err = rtnl_events(&a->rtnl, on_nl_event, a);
			if (err == -ENOBUFS) {
				logmsg("rtnetlink events lost; re-reading everything");
				a->dirty_links = true;
			}
		}
		etcd_watch_perform(&a->etcd);
	}
	logmsg("exiting; this host's registrations expire with lease %llx within %d s",
	       (unsigned long long)a->lease, a->ttl);
	state_save(a);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "endpoints", required_argument, NULL, 'e' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "ttl", required_argument, NULL, 't' },
		{ "once", no_argument, NULL, 'o' },
		{ "macs", no_argument, NULL, 'm' },
		{ "status", no_argument, NULL, 's' },
		{ "name", required_argument, NULL, 'n' },
		{ "state", required_argument, NULL, 'S' },
		{ "proto", required_argument, NULL, 'P' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "cacert", required_argument, NULL, 'A' },
		{ "cert", required_argument, NULL, 'C' },
		{ "key", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static struct agent a;
	struct etcd_tls tls = { NULL, NULL, NULL };
	const char *endpoints = NULL;
	long timeout = 2000;
	bool status = false;
	struct sigaction sa;
	int c, rc, err;

	a.prefix = AGENT_DEFAULT_PREFIX;
	a.ttl = AGENT_DEFAULT_TTL;
	a.proto = AGENT_DEFAULT_PROTO;
	a.proto_ok = -1;
	a.ext_ok = -1;
	a.backoff = 1;
	gethostname(a.hostname, sizeof(a.hostname) - 1);
	while ((c = getopt_long(argc, argv, "e:p:t:omsn:S:P:T:h", opts, NULL)) != -1) {
		switch (c) {
		case 'e': endpoints = optarg; break;
		case 'p': a.prefix = optarg; break;
		case 't': a.ttl = atoi(optarg); break;
		case 'o': a.once = true; break;
		case 'm': a.macs = true; break;
		case 's': status = true; break;
		case 'n': snprintf(a.hostname, sizeof(a.hostname), "%s", optarg); break;
		case 'S': a.state_path = optarg; break;
		case 'P': a.proto = (uint8_t)atoi(optarg); break;
		case 'T': timeout = atol(optarg); break;
		case 'A': tls.cacert = optarg; break;
		case 'C': tls.cert = optarg; break;
		case 'K': tls.key = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!a.state_path)
		a.state_path = state_default_path();
	if (status)
		return status_show(a.state_path);
	if (!endpoints || optind != argc || a.ttl < 2 || !a.proto ||
	    a.prefix[0] != '/' || a.prefix[strlen(a.prefix) - 1] == '/') {
		usage(stderr);
		fprintf(stderr, "ovlnet-agent: --endpoints is required; --ttl >= 2; --prefix /like/this\n");
		return 2;
	}
	log_name = a.hostname;
	if (etcd_init(&a.etcd, endpoints, timeout, &tls)) {
		logmsg("etcd: %s", a.etcd.err);
		return 1;
	}
	err = rtnl_open(&a.rtnl);
	if (err) {
		logmsg("rtnetlink: %s", strerror(-err));
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	a.vteps = json_object_new_object();
	a.rmacs = json_object_new_object();
	a.started = now_mono();
	a.seed = (unsigned int)getpid() ^ (unsigned int)time(NULL);
	a.watch_backoff = 1;
	if (lease_keeper_start(&a.keeper, endpoints, timeout, &tls)) {
		logmsg("lease keeper: %s", a.keeper.err);
		return 1;
	}
	state_load(&a);
	rc = run(&a);
	lease_keeper_stop(&a.keeper);
	etcd_fini(&a.etcd);
	rtnl_close(&a.rtnl);
	return rc;
}
