// SPDX-License-Identifier: GPL-2.0
/*
 * The state file: which FDB entries this agent installed (so a restarted
 * agent removes only its own stale entries, also on a module that does
 * not keep NDA_PROTOCOL), plus what --status and SIGUSR1 print.  One file
 * per network namespace, rewritten atomically (write + rename).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "agent.h"

const char *state_default_path(void)
{
	static char path[128];
	struct stat st;

	/* the namespace's inode tells agents of different namespaces apart */
	if (stat("/proc/self/ns/net", &st))
		st.st_ino = 0;
	snprintf(path, sizeof(path), "%s/netns-%lu.json", AGENT_STATE_DIR,
		 (unsigned long)st.st_ino);
	return path;
}

void state_load(struct agent *a)
{
	a->saved = json_object_from_file(a->state_path);
	if (a->saved)
		logmsg("state file %s: entries of the previous run loaded",
		       a->state_path);
}

/* A device seen for the first time: take over what the previous run of
 * the agent installed on it (same ifindex, name, kind and id).
 */
void state_adopt(struct agent *a, struct dev *d)
{
	json_object *devs, *s, *v;
	char k[16];

	snprintf(k, sizeof(k), "%d", d->ifindex);
	if (!a->saved || !json_object_object_get_ex(a->saved, "devices", &devs) ||
	    !json_object_object_get_ex(devs, k, &s))
		return;
	if (strcmp(json_object_get_string(json_object_object_get(s, "name")), d->name) ||
	    strcmp(json_object_get_string(json_object_object_get(s, "kind")), d->kind) ||
	    (uint32_t)json_object_get_int64(json_object_object_get(s, "id")) != d->id)
		return;
	if (json_object_object_get_ex(s, "own_flood", &v)) {
		json_object_put(d->own_flood);
		d->own_flood = json_object_get(v);
	}
	if (json_object_object_get_ex(s, "own_macs", &v)) {
		json_object_put(d->own_macs);
		d->own_macs = json_object_get(v);
	}
	logmsg("device %s: %d flood and %d MAC entries of the previous run are ours",
	       d->name, json_object_object_length(d->own_flood),
	       json_object_object_length(d->own_macs));
}

static json_object *state_json(struct agent *a)
{
	json_object *o = json_object_new_object(), *devs = json_object_new_object();
	char k[24], s[INET6_ADDRSTRLEN];
	struct dev *d;

	json_object_object_add(o, "pid", json_object_new_int(getpid()));
	json_object_object_add(o, "host", json_object_new_string(a->hostname));
	json_object_object_add(o, "prefix", json_object_new_string(a->prefix));
	json_object_object_add(o, "endpoint", json_object_new_string(
		etcd_endpoint(&a->etcd)));
	json_object_object_add(o, "etcd", json_object_new_string(
		!a->synced ? "never reached" : a->etcd_up ? "up" : "unreachable"));
	snprintf(k, sizeof(k), "%llx", (unsigned long long)a->lease);
	json_object_object_add(o, "lease", json_object_new_string(k));
	json_object_object_add(o, "ttl", json_object_new_int(a->ttl));
	json_object_object_add(o, "revision", json_object_new_int64(a->rev));
	json_object_object_add(o, "full_resyncs", json_object_new_int64(a->resyncs));
	json_object_object_add(o, "nda_protocol", json_object_new_int(a->proto_ok));
	json_object_object_add(o, "ext_learned", json_object_new_int(a->ext_ok));
	for (d = a->devs; d; d = d->next) {
		json_object *j = json_object_new_object(), *peers, *list;

		json_object_object_add(j, "name", json_object_new_string(d->name));
		json_object_object_add(j, "kind", json_object_new_string(d->kind));
		json_object_object_add(j, "id", json_object_new_int64(d->id));
		json_object_object_add(j, "port", json_object_new_int(d->port));
		json_object_object_add(j, "vtep", json_object_new_string(
			d->group ? "(multicast group: not managed)" :
			ip_str(&d->vtep, s, sizeof(s))));
		list = json_object_new_array();
		if (json_object_object_get_ex(a->vteps, d->group_key, &peers)) {
			json_object_object_foreach(peers, addr, e) {
				(void)e;
				json_object_array_add(list, json_object_new_string(addr));
			}
		}
		json_object_object_add(j, "live_vteps", list);
		json_object_object_add(j, "own_flood", json_object_get(d->own_flood));
		json_object_object_add(j, "own_macs", json_object_get(d->own_macs));
		json_object_object_add(j, "local_macs", json_object_get(d->local_macs));
		snprintf(k, sizeof(k), "%d", d->ifindex);
		json_object_object_add(devs, k, j);
	}
	json_object_object_add(o, "devices", devs);
	return o;
}

void state_save(struct agent *a)
{
	json_object *o = state_json(a);
	char tmp[160];

	mkdir(AGENT_STATE_DIR, 0755);
	snprintf(tmp, sizeof(tmp), "%s.tmp", a->state_path);
	if (json_object_to_file_ext(tmp, o, JSON_C_TO_STRING_PRETTY) ||
	    rename(tmp, a->state_path))
		logmsg("cannot write state file %s: %s", a->state_path,
		       strerror(errno));
	json_object_put(o);
}

static void print_set(FILE *f, const char *what, json_object *set)
{
	int n = 0;

	fprintf(f, "    %s:", what);
	json_object_object_foreach(set, k, v) {
		if (json_object_get_type(v) == json_type_string)
			fprintf(f, " %s->%s", k, json_object_get_string(v));
		else
			fprintf(f, " %s", k);
		n++;
	}
	fprintf(f, "%s\n", n ? "" : " none");
}

static void print_status(json_object *o, FILE *f)
{
	json_object *devs;

	fprintf(f, "ovlnet-agent pid %d on %s: etcd %s (%s), lease %s (ttl %d s), revision %lld\n",
		json_object_get_int(json_object_object_get(o, "pid")),
		json_object_get_string(json_object_object_get(o, "host")),
		json_object_get_string(json_object_object_get(o, "etcd")),
		json_object_get_string(json_object_object_get(o, "endpoint")),
		json_object_get_string(json_object_object_get(o, "lease")),
		json_object_get_int(json_object_object_get(o, "ttl")),
		(long long)json_object_get_int64(json_object_object_get(o, "revision")));
	if (!json_object_object_get_ex(o, "devices", &devs))
		return;
	json_object_object_foreach(devs, ifindex, d) {
		json_object *l = json_object_object_get(d, "live_vteps");
		size_t i;

		fprintf(f, "  %s (ifindex %s): %s id %lld port %d, VTEP %s\n",
			json_object_get_string(json_object_object_get(d, "name")),
			ifindex,
			json_object_get_string(json_object_object_get(d, "kind")),
			(long long)json_object_get_int64(json_object_object_get(d, "id")),
			json_object_get_int(json_object_object_get(d, "port")),
			json_object_get_string(json_object_object_get(d, "vtep")));
		fprintf(f, "    live VTEPs:");
		for (i = 0; l && i < json_object_array_length(l); i++)
			fprintf(f, " %s", json_object_get_string(
				json_object_array_get_idx(l, i)));
		fprintf(f, "%s\n", l && json_object_array_length(l) ? "" : " none");
		print_set(f, "flood entries we own",
			  json_object_object_get(d, "own_flood"));
		print_set(f, "MAC entries we own",
			  json_object_object_get(d, "own_macs"));
		print_set(f, "local MACs published",
			  json_object_object_get(d, "local_macs"));
	}
}

void status_print(struct agent *a, FILE *f)
{
	json_object *o = state_json(a);

	print_status(o, f);
	fflush(f);
	json_object_put(o);
}

int status_show(const char *path)
{
	json_object *o = json_object_from_file(path);
	int pid;

	if (!o) {
		fprintf(stderr, "ovlnet-agent: no state file %s (no agent ran in this namespace?)\n",
			path);
		return 1;
	}
	pid = json_object_get_int(json_object_object_get(o, "pid"));
	if (pid <= 0 || kill(pid, 0)) {
		printf("(the agent that wrote %s is not running; last state:)\n",
		       path);
	} else {
		/* ask it for a fresh copy */
		kill(pid, SIGUSR1);
		usleep(300000);
		json_object_put(o);
		o = json_object_from_file(path);
		if (!o)
			return 1;
	}
	print_status(o, stdout);
	json_object_put(o);
	return 0;
}
