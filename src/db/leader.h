/*
 * leader.h — which app server runs the background work, when several share one database.
 *
 * On PostgreSQL several `anquan serve` processes may run against one database (a group of
 * plants behind a load balancer). Requests may go to any of them, but the scheduler, the
 * outbox sender and the MQTT subscriber must run on exactly one: two schedulers would race
 * on the same due rows, two subscribers would store every reading twice. The leader is the
 * server that holds an advisory lock on a connection of its own, which PostgreSQL keeps for
 * as long as that connection lasts, and the server for as long as it lives; when it dies its
 * connection closes, PostgreSQL releases the lock, and the next server that asks (every db.leader_retry seconds) takes over.
 *
 * On SQLite there is one process per database (DATA/anquan.lock), which is always the leader.
 *
 * db_lock_try()/db_lock_release() are the same mechanism for a piece of work that any server
 * may start but only one may run at a time (a province upload): an advisory lock on the
 * connection the work runs on, released by the work or by the connection's end.
 */
#ifndef ANQUAN_DB_LEADER_H
#define ANQUAN_DB_LEADER_H

#include <stdint.h>

struct db;

/* Start asking for leadership on the database at path (the pool's): the first try is made
 * before this returns, so a lone server leads from its first scheduler round. retry_s: how
 * often a follower asks again and the leader checks its lock. 0 ok, <0 the thread failed. */
int db_leader_start(const char *path, int retry_s);
void db_leader_stop(void);	/* releases the lock (closes its connection) */

/* 0: this server is not the leader now. Otherwise the number of the term it leads in: a new
 * number each time it gains the lock, so that work which must be redone on taking over (the
 * outbox's interrupted sends) sees the change. Also anquan_leader in /metrics. */
uint64_t db_leader_term(void);

/* Named cross-server locks (keys below the leader's; see leader.c): 1 taken, 0 another
 * server holds it, <0 error. On SQLite always 1 (one process; the caller's mutex orders its
 * own threads). Release on the same connection. */
int db_lock_try(struct db *c, int64_t key);
void db_lock_release(struct db *c, int64_t key);

/* keys of db_lock_try() */
#define DB_LOCK_PROVINCE_UPLOAD 0x616e7170	/* "anqp" */

#endif
