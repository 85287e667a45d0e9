/*
 * test_leader_rate.c — what several app servers on one PostgreSQL database share through it:
 * the rate buckets (db/rate.c: whole requests granted, never more than the bucket holds, the
 * same bucket seen from every connection) and the one-at-a-time locks (db/leader.c: a lock
 * taken on one connection is refused on another until released). On SQLite both say
 * "not shared": memory buckets, and a lock that is always taken (one process).
 */
#include "unit.h"
#include "db/db.h"
#include "db/leader.h"
#include "db/pg.h"
#include "db/rate.h"
#include "base/strbuf.h"

#include <stdlib.h>
#include <string.h>

/* A second connection on the test's database (another app server's, as far as PostgreSQL
 * can tell). */
static struct db *second(struct db *c)
{
	char *name = NULL;
	const char *admin = getenv("ANQUAN_TEST_PG_URL");
	if (!admin || db_get_text(c, &name, "SELECT current_database()", NULL) != 1) {
		free(name);
		return NULL;
	}
	struct strbuf url = STRBUF_INIT;
	sb_add(&url, admin, (size_t)(strrchr(admin, '/') - admin + 1));
	sb_adds(&url, name);
	char *err = NULL;
	struct db *d = db_open(url.buf, &err);
	free(err);
	free(name);
	sb_release(&url);
	return d;
}

TEST(rate_buckets_grant_whole_requests_shared_by_every_connection)
{
	struct db *c = unit_db();
	int got = -1;
	if (!db_pg(c)) {
		CHECK_INT(db_rate_take(c, "a1", 2, 10, 4, &got), DB_NOTFOUND);
		CHECK_INT(db_lock_try(c, DB_LOCK_PROVINCE_UPLOAD), 1);
		db_close(c);
		return;
	}
	struct db *d = second(c);
	CHECK(d != NULL);
	if (!d) {
		db_close(c);
		return;
	}
	/* 10 a minute: 4 + 4 from two connections, then the 2 left, then nothing */
	CHECK_INT(db_rate_take(c, "a1", 2, 10, 4, &got), 0);
	CHECK_INT(got, 4);
	CHECK_INT(db_rate_take(d, "a1", 2, 10, 4, &got), 0);
	CHECK_INT(got, 4);
	CHECK_INT(db_rate_take(c, "a1", 2, 10, 4, &got), 0);
	CHECK_INT(got, 2);
	int wait = db_rate_take(d, "a1", 2, 10, 1, &got);
	CHECK_INT(got, 0);
	CHECK(wait >= 1 && wait <= 6);	/* one request refills in 6 s */
	/* another key has its own bucket; the token is stored as a hash only */
	CHECK_INT(db_rate_take(d, "t-secret-token", 14, 10, 1, &got), 0);
	CHECK_INT(got, 1);
	int64_t plain = -1;
	CHECK_INT(db_get_i64(c, &plain, "SELECT count(*) FROM http_rate WHERE key LIKE '%secret%'", NULL), 1);
	CHECK_INT(plain, 0);

	/* a lock one connection holds is refused to the other until released */
	CHECK_INT(db_lock_try(c, DB_LOCK_PROVINCE_UPLOAD), 1);
	CHECK_INT(db_lock_try(d, DB_LOCK_PROVINCE_UPLOAD), 0);
	db_lock_release(c, DB_LOCK_PROVINCE_UPLOAD);
	CHECK_INT(db_lock_try(d, DB_LOCK_PROVINCE_UPLOAD), 1);
	/* and with the connection that held it (a server that died) */
	db_close(d);
	CHECK_INT(db_lock_try(c, DB_LOCK_PROVINCE_UPLOAD), 1);
	db_lock_release(c, DB_LOCK_PROVINCE_UPLOAD);
	db_close(c);
}
