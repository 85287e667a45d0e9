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
#define LEND_SECONDS 1.0

struct slot {
	unsigned char key[16];	/* keyed hash of kind + value; all zero: free */
	double tokens, at;
	double lent, lent_at;	/* shared buckets: requests taken from the database, not spent yet */
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

static void key_of(char kind, const char *value, unsigned char key[16])
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, hash_key, sizeof(hash_key), 16);
	crypto_generichash_update(&st, (const unsigned char *)&kind, 1);
	crypto_generichash_update(&st, (const unsigned char *)value, strlen(value));
	crypto_generichash_final(&st, key, 16);
}

/* key's slot, taking its group's stalest for a new key (a full bucket); lock held */
static struct slot *slot_of(const unsigned char key[16], double cap, double now)
{
	unsigned group;
	memcpy(&group, key, sizeof(group));
	group = (group % (SLOTS / WAYS)) * WAYS;
	struct slot *stalest = &table[group];
	for (int i = 0; i < WAYS; i++) {
		struct slot *c = &table[group + i];
		if (!memcmp(c->key, key, 16))
			return c;
		if (c->at < stalest->at)
			stalest = c;
	}
	memcpy(stalest->key, key, 16);
	stalest->tokens = cap;
	stalest->at = now;
	stalest->lent = 0;
	return stalest;
}

/* Take one request from key's bucket: 0 allowed, else the seconds until one is. */
static int take(char kind, const char *value, int per_minute, double now)
{
	if (per_minute <= 0 || !ready)
		return 0;
	unsigned char key[16];
	key_of(kind, value, key);
	double cap = per_minute, rate = per_minute / 60.0;
	int wait = 0;
	pthread_mutex_lock(&lock);
	struct slot *s = slot_of(key, cap, now);
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
 * (or when it fails: a rate limit must not take the site down with it) from memory.
 *
 * One row per client is one row lock that every request of that client waits for in turn,
 * and behind nginx every request of the site has nginx's address: a statement per request
 * would queue the whole site on one row. So a server takes a small share of the bucket at
 * once (half a percent of the minute's allowance, 1 to 64 requests) and spends it from
 * memory within a second; what it has not spent by then is dropped, never handed back. Every
 * request passed was taken from the shared bucket first, so the servers together never pass
 * more than the rate allows; a client spread over N servers may get up to N shares less. */
static int take_shared(struct db **c, char kind, const char *value, int per_minute, double now)
{
	if (per_minute <= 0 || !ready)
		return 0;
	if (atomic_load(&memory_only))
		return take(kind, value, per_minute, now);
	unsigned char key[16];
	key_of(kind, value, key);
	pthread_mutex_lock(&lock);
	struct slot *s = slot_of(key, per_minute, now);
	if (s->lent >= 1 && now - s->lent_at < LEND_SECONDS) {
		s->lent -= 1;
		s->at = now;
		pthread_mutex_unlock(&lock);
		return 0;
	}
	pthread_mutex_unlock(&lock);
	int share = per_minute / 200;
	share = share < 1 ? 1 : share > 64 ? 64 : share;
	if (!*c)
		*c = db_acquire();
	size_t n = strlen(value);
	n = n > 200 ? 200 : n;
	char name[201];
	name[0] = kind;
	memcpy(name + 1, value, n);
	int granted = 0;
	int wait = *c ? db_rate_take(*c, name, n + 1, per_minute, share, &granted) : DB_ERROR;
	if (wait == DB_NOTFOUND)
		atomic_store(&memory_only, 1);
	if (wait < 0)
		return take(kind, value, per_minute, now);
	if (granted > 1) {
		pthread_mutex_lock(&lock);
		s = slot_of(key, per_minute, now);
		s->lent = granted - 1;
		s->lent_at = s->at = now;
		pthread_mutex_unlock(&lock);
	}
	return wait;
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
