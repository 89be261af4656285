// SPDX-License-Identifier: GPL-2.0
/*
 * The lease keeper: a thread that renews the agent's etcd lease every
 * TTL/3, whatever the main loop is doing.  A sync pass that installs
 * hundreds of flood entries on a starved CPU, or a request that waits
 * out its timeout on a slow etcd, can take longer than the TTL; the
 * lease must not lapse meanwhile, or every peer drops this host and puts
 * it back (flapping).  See Documentation/agent.rst, "Lease keepalive".
 *
 * The thread has its own struct etcd (its own curl easy handle: libcurl
 * handles are not shared between threads) and shares with the main loop
 * only struct lease_keeper's fields below its mutex.  The main loop
 * grants leases (that starts a resync) and reads the keeper's verdict
 * once per iteration; the keeper only renews.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"

static void ts_at(struct timespec *ts, double t)
{
	ts->tv_sec = (time_t)t;
	ts->tv_nsec = (long)((t - (double)ts->tv_sec) * 1e9);
}

static double interval(int ttl)
{
	double s = ttl / 3.0;

	return s < 1 ? 1 : s;
}

/* A retry after a failed renewal: exponential, jittered, never later than
 * a renewal period (the lease must survive the return of etcd).
 */
static double retry_delay(struct lease_keeper *k)
{
	double cap = interval(k->ttl), d = k->backoff;

	if (d > cap)
		d = cap;
	else
		k->backoff *= 2;
	return d * (0.75 + 0.25 * (rand_r(&k->seed) / (double)RAND_MAX));
}

/* libcurl's progress callback: abort a renewal in flight at exit. */
static int stop_cb(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut,
		   curl_off_t un)
{
	struct lease_keeper *k = arg;

	(void)dt; (void)dn; (void)ut; (void)un;
	return __atomic_load_n(&k->stop, __ATOMIC_RELAXED);
}

static void *keeper_main(void *arg)
{
	struct lease_keeper *k = arg;
	struct timespec ts;
	int64_t id, ttl;
	double t;
	int rc;

	pthread_mutex_lock(&k->mu);
	while (!k->stop) {
		t = now_mono();
		if (!k->lease || t < k->next) {
			if (!k->lease) {
				pthread_cond_wait(&k->cv, &k->mu);
			} else {
				ts_at(&ts, k->next);
				pthread_cond_timedwait(&k->cv, &k->mu, &ts);
			}
			continue;
		}
		id = k->lease;
		pthread_mutex_unlock(&k->mu);
		ttl = 0;
		rc = etcd_keepalive(&k->etcd, id, &ttl);
		pthread_mutex_lock(&k->mu);
		if (k->lease != id)	/* a new lease meanwhile */
			continue;
		t = now_mono();
		k->gen++;
		if (rc) {
			snprintf(k->err, sizeof(k->err), "%s", k->etcd.err);
			k->failing = true;
			k->next = t + retry_delay(k);
		} else if (ttl <= 0) {
			k->expired = true;
			k->lease = 0;
		} else {
			k->failing = false;
			k->renewed++;
			k->last_ok = t;
			k->backoff = 1;
			k->next = t + interval(k->ttl);
		}
	}
	pthread_mutex_unlock(&k->mu);
	return NULL;
}

int lease_keeper_start(struct lease_keeper *k, const char *endpoints,
		       long timeout_ms, const struct etcd_tls *tls)
{
	pthread_condattr_t ca;
	sigset_t all, old;
	int err;

	memset(k, 0, sizeof(*k));
	if (etcd_init(&k->etcd, endpoints, timeout_ms, tls)) {
		snprintf(k->err, sizeof(k->err), "%s", k->etcd.err);
		return -1;
	}
	k->etcd.progress_cb = stop_cb;
	k->etcd.progress_arg = k;
	k->backoff = 1;
	k->seed = (unsigned int)getpid() ^ (unsigned int)time(NULL);
	pthread_mutex_init(&k->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&k->cv, &ca);
	pthread_condattr_destroy(&ca);
	/* signals are the main loop's */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&k->thr, NULL, keeper_main, k);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		snprintf(k->err, sizeof(k->err), "pthread_create: %s",
			 strerror(err));
		etcd_fini(&k->etcd);
		return -1;
	}
	k->running = true;
	return 0;
}

void lease_keeper_stop(struct lease_keeper *k)
{
	if (!k->running)
		return;
	pthread_mutex_lock(&k->mu);
	__atomic_store_n(&k->stop, true, __ATOMIC_RELAXED);
	pthread_cond_signal(&k->cv);
	pthread_mutex_unlock(&k->mu);
	pthread_join(k->thr, NULL);
	k->running = false;
	etcd_fini(&k->etcd);
}

void lease_keeper_set(struct lease_keeper *k, int64_t lease, int ttl)
{
	pthread_mutex_lock(&k->mu);
	k->lease = lease;
	k->ttl = ttl;
	k->expired = false;
	k->failing = false;
	k->backoff = 1;
	k->last_ok = now_mono();
	k->next = k->last_ok + interval(ttl);
	pthread_cond_signal(&k->cv);
	pthread_mutex_unlock(&k->mu);
}

void lease_keeper_read(struct lease_keeper *k, struct lease_status *st)
{
	pthread_mutex_lock(&k->mu);
	st->gen = k->gen;
	st->lease = k->lease;
	st->expired = k->expired;
	st->failing = k->failing;
	st->last_ok = k->last_ok;
	st->renewed = k->renewed;
	snprintf(st->err, sizeof(st->err), "%s", k->err);
	pthread_mutex_unlock(&k->mu);
}
