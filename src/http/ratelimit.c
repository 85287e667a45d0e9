/*
 * ratelimit.c — 429 Too Many Requests with Retry-After, per client address and per bearer
 * token (http.rate_per_address, http.rate_per_token: requests per minute, 0 = off).
 *
 * A token bucket per key: it holds up to a minute's allowance and refills continuously, so
 * a burst of a page and its assets passes and only a sustained flood is refused. Keys live
 * in a fixed table (no allocation per request, bounded memory under a flood of addresses):
 * each key hashes to a group of slots, and a new key takes the group's stalest slot. A
 * token is kept as a hash of the header, never as itself. The defaults are generous (a whole
 * shift office behind one NAT address, the test suites from one address); the guard
 * (guard.c) bounds connections, this bounds their rate.
 */
#include "http/http.h"
#include "base/i18n.h"
#include "db/db.h"
#include "db/rate.h"
#include "base/metrics.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define SLOTS 4096
#define WAYS 8

struct slot {
	unsigned char key[16];	/* keyed hash of kind + value; all zero: free */
	double tokens, at;
};

static struct slot table[SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char hash_key[crypto_shorthash_KEYBYTES];
static int per_address, per_token, ready;

void http_ratelimit_config(int address_per_minute, int token_per_minute)
{
	pthread_mutex_lock(&lock);
	per_address = address_per_minute;
	per_token = token_per_minute;
	if (!ready) {
		randombytes_buf(hash_key, sizeof(hash_key));
		ready = 1;
	}
	memset(table, 0, sizeof(table));
	pthread_mutex_unlock(&lock);
}

/* Take one request from key's bucket: 0 allowed, else the seconds until one is. */
static int take(char kind, const char *value, int per_minute, double now)
{
	if (per_minute <= 0 || !ready)
		return 0;
	unsigned char key[16];
	crypto_generichash_state st;
	crypto_generichash_init(&st, hash_key, sizeof(hash_key), sizeof(key));
	crypto_generichash_update(&st, (const unsigned char *)&kind, 1);
	crypto_generichash_update(&st, (const unsigned char *)value, strlen(value));
	crypto_generichash_final(&st, key, sizeof(key));
	unsigned group;
	memcpy(&group, key, sizeof(group));
	group = (group % (SLOTS / WAYS)) * WAYS;
	double cap = per_minute, rate = per_minute / 60.0;
	int wait = 0;
	pthread_mutex_lock(&lock);
	struct slot *s = NULL, *stalest = &table[group];
	for (int i = 0; i < WAYS; i++) {
		struct slot *c = &table[group + i];
		if (!memcmp(c->key, key, sizeof(key))) {
			s = c;
			break;
		}
		if (c->at < stalest->at)
			stalest = c;
	}
	if (!s) {
		s = stalest;
		memcpy(s->key, key, sizeof(key));
		s->tokens = cap;
		s->at = now;
	}
	s->tokens = fmin(cap, s->tokens + (now - s->at) * rate);
	s->at = now;
	if (s->tokens >= 1)
		s->tokens -= 1;
	else
		wait = (int)ceil((1 - s->tokens) / rate);
	pthread_mutex_unlock(&lock);
	return wait;
}

/* 1 once a connection has shown the database is not shared (SQLite): memory from then on */
static _Atomic int memory_only;

/* Take from the shared bucket of kind + value (db/rate.h) when the database is shared, else
 * (or when it fails: a rate limit must not take the site down with it) from memory. */
static int take_shared(struct db **c, char kind, const char *value, int per_minute, double now)
{
	if (per_minute <= 0 || !ready)
		return 0;
	if (!atomic_load(&memory_only)) {
		if (!*c)
			*c = db_acquire();
		size_t n = strlen(value);
		n = n > 200 ? 200 : n;
		char key[201];
		key[0] = kind;
		memcpy(key + 1, value, n);
		int wait = *c ? db_rate_take(*c, key, n + 1, per_minute) : DB_ERROR;
		if (wait == DB_NOTFOUND)
			atomic_store(&memory_only, 1);
		else if (wait >= 0)
			return wait;
	}
	return take(kind, value, per_minute, now);
}

int http_ratelimit(struct req *r)
{
	/* the liveness check and the assets a page pulls in are not what a flood is made of */
	if (!strcmp(r->path, "/healthz") || !strncmp(r->path, "/static/", 8))
		return 0;
	double now = metrics_now();
	struct db *c = NULL;
	int wait = take_shared(&c, 'a', r->client_ip, per_address, now);
	const char *auth = wait ? NULL : req_header(r, "Authorization");
	if (auth && !strncmp(auth, "Bearer ", 7))
		wait = take_shared(&c, 't', auth + 7, per_token, now);
	db_release(c);
	if (!wait)
		return 0;
	r->is_api = r->is_api || !strncmp(r->path, "/api/", 5);
	char secs[16];
	snprintf(secs, sizeof(secs), "%d", wait);
	resp_error(r, 429, "rate_limited", i18n_get(r->lang, "error.rate_limited"), NULL);
	resp_header(r, "Retry-After", secs);
	return 1;
}
