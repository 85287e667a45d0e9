/*
 * rate.c — the shared token buckets of http/ratelimit.c, one row of http_rate each.
 *
 * One INSERT … ON CONFLICT DO UPDATE … RETURNING per take, outside any transaction: the
 * row's lock orders the servers taking from one bucket, and the update reads the row as the
 * previous taker left it, so two servers together allow per_minute, not twice it. A take may
 * ask for several requests at once (http/ratelimit.c spends them from memory: a row per
 * request would queue every request of a busy client on that row's lock). The bucket is the in-memory one's: it holds up to a minute's allowance and
 * refills continuously, so a burst passes and only a sustained flood is refused. Its clock is
 * the database server's (clock_timestamp()), the one the app servers share; their own
 * clocks may differ by seconds.
 *
 * A row whose bucket has been full for a minute says nothing a missing row would not: the
 * leftovers are deleted now and then, by whichever server takes a multiple of 4096 requests
 * (one statement over a table of the last minutes' clients).
 *
 * The key is a BLAKE2b hash of the kind and the value, so a bearer token never reaches the
 * table; unkeyed, because every server must name the same bucket the same way.
 */
#include "db/rate.h"
#include "db/db.h"
#include "db/pg.h"

#include <math.h>
#include <stdint.h>
#include <sodium.h>
#include <stdatomic.h>

#define SWEEP_EVERY 4096

static _Atomic unsigned taken;

int db_rate_take(struct db *c, const void *key, size_t len, int per_minute, int want, int *granted)
{
	*granted = 0;
	if (!db_pg(c))
		return DB_NOTFOUND;
	if (per_minute <= 0) {
		*granted = want;
		return 0;
	}
	unsigned char h[16];
	char hex[sizeof(h) * 2 + 1];
	crypto_generichash(h, sizeof(h), key, len > 256 ? 256 : len, NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	double cap = per_minute;
	want = want < 1 ? 1 : want;
	/* ?2 the allowance, ?3 the refill a second, ?4 how many are wanted; LEVEL the bucket
	 * refilled to now, written out where it is used (an expression has no name within one
	 * SET); what is granted is whole requests, never more than the level holds */
#define LEVEL "least(?2, b.tokens + greatest(0, excluded.at - b.at) * ?3)"
#define GRANT "least(?4, floor(" LEVEL "))"
	struct db_stmt *st = db_query(c, "INSERT INTO http_rate AS b (key, tokens, at, granted)"
				      " VALUES (?1, ?2 - least(?4, floor(?2)), extract(epoch FROM clock_timestamp()),"
				      " least(?4, floor(?2)))"
				      " ON CONFLICT (key) DO UPDATE SET"
				      " tokens = " LEVEL " - " GRANT ", granted = " GRANT ", at = excluded.at"
				      " RETURNING granted, tokens", "tddI", hex, cap, cap / 60.0, (int64_t)want);
#undef GRANT
#undef LEVEL
	if (!st)
		return DB_ERROR;
	int rc = db_step(st), wait = 0;
	if (rc == 1) {
		*granted = (int)db_col_i64(st, 0);
		if (*granted < 1) {
			wait = (int)ceil((1 - db_col_double(st, 1)) / (cap / 60.0));
			wait = wait < 1 ? 1 : wait;
		}
	}
	db_done(c, st);
	if (rc != 1)
		return DB_ERROR;
	if (atomic_fetch_add(&taken, 1) % SWEEP_EVERY == SWEEP_EVERY - 1)
		/* full again after a minute, whatever the allowance: nothing to keep */
		db_exec(c, "DELETE FROM http_rate WHERE at < extract(epoch FROM clock_timestamp()) - 120", NULL);
	return wait;
}
