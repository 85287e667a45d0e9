/*
 * leader.c — the one app server that runs the background work (leader.h says why).
 *
 * A thread of its own asks PostgreSQL for an advisory lock held by the connection, with
 * pg_try_advisory_lock on a connection opened only for it, every db.leader_retry seconds (5):
 * a follower asks again, the leader checks in pg_locks that its connection still holds the
 * lock. A leader whose check fails (the database restarted, the connection was cut or
 * terminated) stops leading at once and opens a new connection for the next try, so two
 * servers lead together for at most one retry interval, and then only if the first lost its
 * connection without dying; what they run is safe to run twice (sched.h: idempotent jobs;
 * notify_sender.c: a row is claimed by one sender only, though the new leader sends again,
 * with the same delivery key, a message the old one had in flight).
 *
 * Takeover: the lock goes with the dead leader's connection, which PostgreSQL closes as soon
 * as it sees the process gone (at once for a killed process, whose kernel closes the socket;
 * after TCP keepalive for a machine that lost power: keep tcp_keepalives_* of the database
 * server short), so a follower leads within one retry interval of that.
 *
 * The advisory keys: WRITE_LOCK_KEY (pg.c, "anqu", every write transaction), LEADER_KEY
 * ("anql") and the db_lock_try() keys of leader.h ("anqp", …), all distinct.
 */
#include "db/leader.h"
#include "db/db.h"
#include "db/pg.h"
#include "base/log.h"
#include "base/metrics.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#define LEADER_KEY 0x616e716c	/* "anql" */

static pthread_t thread;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static int stopping, running, retry = 5;
static char *url;
static struct db *conn;		/* the lock's own connection; only the thread touches it */
static _Atomic uint64_t term, terms;

static void gauge(int yes)
{
	metrics_gauge_set("anquan_leader", "1 if this server runs the scheduler and the notification sender"
			  " (the leader of the servers sharing the database), else 0", yes ? 1 : 0);
}

static void set_leading(int yes)
{
	uint64_t was = atomic_load(&term);
	if (yes && !was) {
		atomic_store(&term, atomic_fetch_add(&terms, 1) + 1);
		log_info("leader: this server now runs the scheduler, the notification sender and the MQTT"
			 " subscriber");
	} else if (!yes && was) {
		atomic_store(&term, 0);
		log_warn("leader: the lock was lost; the background work stops here until it is taken again");
	}
	gauge(yes);
}

static void drop_connection(void)
{
	db_close(conn);
	conn = NULL;
	set_leading(0);
}

/* One try: take the lock when following, check it when leading. */
static void attempt(void)
{
	if (!conn) {
		char *err = NULL;
		conn = db_open(url, &err);
		if (!conn) {
			log_warn("leader: cannot connect: %s", err ? err : "?");
			free(err);
			set_leading(0);
			return;
		}
	}
	int64_t held = 0;
	int rc;
	if (atomic_load(&term))
		/* a bigint key is held as classid = its high 32 bits, objid = its low ones, objsubid 1 */
		rc = db_get_i64(conn, &held, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
					     " AND pid = pg_backend_pid() AND granted AND classid = 0"
					     " AND objid = CAST(? AS BIGINT)::oid AND objsubid = 1", "I",
				(int64_t)LEADER_KEY);
	else
		rc = db_get_i64(conn, &held, "SELECT pg_try_advisory_lock(?)", "I", (int64_t)LEADER_KEY);
	if (rc != 1) {
		log_warn("leader: %s", db_errmsg(conn));
		drop_connection();
		return;
	}
	set_leading(held > 0);
}

static void *loop(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	while (!stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += retry;
		while (!stopping && pthread_cond_timedwait(&wake, &lock, &until) == 0)
			;
		if (stopping)
			break;
		pthread_mutex_unlock(&lock);
		attempt();
		pthread_mutex_lock(&lock);
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

int db_leader_start(const char *path, int retry_s)
{
	if (!pg_is_url(path)) {
		/* SQLite: the only process on its database */
		atomic_store(&term, atomic_fetch_add(&terms, 1) + 1);
		gauge(1);
		return 0;
	}
	retry = retry_s > 0 ? retry_s : 5;
	url = xstrdup(path);
	attempt();
	if (!atomic_load(&term))
		log_info("leader: another server runs the background work; asking again every %d s", retry);
	stopping = 0;
	if (pthread_create(&thread, NULL, loop, NULL) != 0)
		return -1;
	running = 1;
	return 0;
}

void db_leader_stop(void)
{
	if (running) {
		pthread_mutex_lock(&lock);
		stopping = 1;
		pthread_cond_signal(&wake);
		pthread_mutex_unlock(&lock);
		pthread_join(thread, NULL);
		running = 0;
	}
	atomic_store(&term, 0);
	gauge(0);
	db_close(conn);	/* closing the connection is what releases the lock */
	conn = NULL;
	free(url);
	url = NULL;
}

uint64_t db_leader_term(void)
{
	return atomic_load(&term);
}

int db_lock_try(struct db *c, int64_t key)
{
	if (!db_pg(c))
		return 1;
	int64_t got = 0;
	int rc = db_get_i64(c, &got, "SELECT pg_try_advisory_lock(?)", "I", key);
	return rc == 1 ? (got ? 1 : 0) : DB_ERROR;
}

void db_lock_release(struct db *c, int64_t key)
{
	int64_t ok = 0;
	if (db_pg(c))
		db_get_i64(c, &ok, "SELECT pg_advisory_unlock(?)", "I", key);
}
