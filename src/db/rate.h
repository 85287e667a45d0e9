/*
 * rate.h — request-rate buckets kept in the database, shared by the app servers on it.
 *
 * http/ratelimit.c keeps a token bucket per client address and per bearer token. One server
 * keeps them in memory; several servers behind one load balancer must count together, or
 * each would allow the whole rate and the site N times it. On PostgreSQL the bucket is a row
 * of http_rate (migration 1300), taken with one statement per request.
 */
#ifndef ANQUAN_DB_RATE_H
#define ANQUAN_DB_RATE_H

#include <stddef.h>

struct db;

/* Take up to want requests (at least 1) from the bucket named key (hashed before it is
 * stored) that holds per_minute and refills per_minute a minute; *granted gets how many were
 * taken. Returns 0 when at least one was, >0 the seconds until one is, DB_ERROR on a
 * database error, DB_NOTFOUND when c is not shared (SQLite: keep the bucket in memory). */
int db_rate_take(struct db *c, const void *key, size_t len, int per_minute, int want, int *granted);

#endif
