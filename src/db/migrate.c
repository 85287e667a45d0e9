/*
 * migrate.c — apply the numbered SQL files embedded from src/db/migrations/ in order.
 *
 * Each migration runs in its own transaction together with its row in schema_migrations, so
 * a failure leaves the database at the previous version. Files are named NNNN_what.sql;
 * modules take their own number ranges (0001–0099 platform, 0100 hazards, 0200 certificates
 * and equipment, 0300 permits, 0400 reports) so that parallel work does not collide.
 *
 * On PostgreSQL each file is first put in its dialect (pg_dialect in pg_schema.c: a few type
 * words and FTS5 tables, nothing else), or replaced whole by src/db/migrations/pg/ of the
 * same name when one is there; and after each, the identity columns' sequences move past
 * the ids the file inserted by hand.
 */
#include "db/db.h"
#include "db/pg.h"
#include "base/clock.h"
#include "base/embed.h"
#include "base/log.h"
#include "base/version.h"

#include <stdlib.h>
#include <string.h>

#define MIG_DIR "src/db/migrations/"
#define PG_DIR MIG_DIR "pg/"

/* The PostgreSQL text of a migration: its own file under pg/ if there is one, else the
 * shared file put in PostgreSQL's dialect. malloc'd. */
static char *pg_text(const struct embedded_file *f)
{
	const char *base = f->name + strlen(MIG_DIR);
	for (const struct embedded_file *e = embedded_files; e->name; e++)
		if (strncmp(e->name, PG_DIR, strlen(PG_DIR)) == 0 &&
		    strcmp(e->name + strlen(PG_DIR), base) == 0)
			return pg_dialect((const char *)e->data);
	return pg_dialect((const char *)f->data);
}

/* An identity column numbers the rows inserted without an id, but not past the ids a
 * migration inserted itself (SQLite's rowid does): move each sequence to the column's max. */
int db_pg_sync_identities(struct db *c)
{
	/* the statements are written by PostgreSQL itself (format's %I quotes a name) */
	char *script = NULL;
	if (db_get_text(c, &script,
			"SELECT coalesce(string_agg(format('SELECT setval(pg_get_serial_sequence(%L, %L),"
			" coalesce(max(%I), 0) + 1, false) FROM %I', table_name, column_name, column_name,"
			" table_name), '; '), '') FROM information_schema.columns"
			" WHERE is_identity = 'YES' AND table_schema = current_schema()", NULL) < 0)
		return DB_ERROR;
	int rc = script && *script ? db_exec_script(c, script) : DB_OK;
	free(script);
	return rc;
}

static int cmp_name(const void *a, const void *b)
{
	const struct embedded_file *x = *(const struct embedded_file *const *)a;
	const struct embedded_file *y = *(const struct embedded_file *const *)b;
	return strcmp(x->name, y->name);
}

int db_migrate(struct db *c, int verbose)
{
	const struct embedded_file *list[512];
	int n = 0;
	for (const struct embedded_file *f = embedded_files; f->name && n < 512; f++) {
		size_t l = strlen(f->name);
		if (strncmp(f->name, MIG_DIR, strlen(MIG_DIR)) == 0 && l > 4 &&
		    !strchr(f->name + strlen(MIG_DIR), '/') &&
		    strcmp(f->name + l - 4, ".sql") == 0)
			list[n++] = f;
	}
	qsort(list, (size_t)n, sizeof(list[0]), cmp_name);

	/* under the write lock too: on PostgreSQL two servers' CREATE TABLE IF NOT EXISTS at the
	 * same moment can both pass the check, and the second fails on the catalogue's unique
	 * index ("type schema_migrations already exists") */
	if (db_begin(c) != DB_OK)
		return DB_ERROR;
	if (db_exec(c, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
		       " name TEXT NOT NULL, applied_at BIGINT NOT NULL)", NULL) != DB_OK) {
		db_rollback(c);
		return DB_ERROR;
	}
	if (db_commit(c) != DB_OK)
		return DB_ERROR;

	/* A migration this program does not have was applied by a newer anquan: its tables may
	 * hold what this one would mishandle. Refuse, naming both versions. */
	int64_t newest = n ? atoll(list[n - 1]->name + strlen(MIG_DIR)) : 0, unknown = 0;
	struct db_stmt *st = db_query(c, "SELECT version FROM schema_migrations ORDER BY version", NULL);
	while (st && db_step(st) == 1) {
		int64_t v = db_col_i64(st, 0);
		int known = 0;
		for (int i = 0; i < n && !known; i++)
			known = atoll(list[i]->name + strlen(MIG_DIR)) == v;
		if (!known)
			unknown = v;
	}
	db_done(c, st);
	if (unknown) {
		char *by = NULL;
		db_get_text(c, &by, "SELECT version FROM program_version WHERE id = 1", NULL);
		log_error("database: migrated by anquan %s (schema %04lld), newer than this anquan %s "
			  "(schema up to %04lld); install anquan %s or newer, or restore a backup made "
			  "by this version", by && *by ? by : "(a newer version)", (long long)unknown,
			  version_string(), (long long)newest, by && *by ? by : "that");
		free(by);
		return DB_ERROR;
	}

	int applied = 0;
	for (int i = 0; i < n; i++) {
		const char *base = list[i]->name + strlen(MIG_DIR);
		int64_t version = atoll(base), have = 0;
		if (version <= 0) {
			log_error("migrate: %s has no number", base);
			return DB_ERROR;
		}
		/* looked up under the write lock: two app servers starting at once on one
		 * PostgreSQL database queue here, and the second finds the first's migration */
		if (db_begin(c) != DB_OK)
			return DB_ERROR;
		if (db_get_i64(c, &have, "SELECT count(*) FROM schema_migrations WHERE version = ?",
			       "I", version) < 0) {
			db_rollback(c);
			return DB_ERROR;
		}
		if (have) {
			db_rollback(c);
			continue;
		}
		char *pg = db_pg(c) ? pg_text(list[i]) : NULL;
		int ok = db_exec_script(c, pg ? pg : (const char *)list[i]->data) == DB_OK &&
			 (!pg || db_pg_sync_identities(c) == DB_OK);
		free(pg);
		if (!ok ||
		    db_exec(c, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
			    "ItI", version, base, clock_now()) != DB_OK) {
			log_error("migrate: %s failed", base);
			db_rollback(c);
			return DB_ERROR;
		}
		if (db_commit(c) != DB_OK)
			return DB_ERROR;
		applied++;
		if (verbose)
			log_info("migrate: applied %s", base);
	}
	if (applied &&
	    db_exec(c, "INSERT INTO program_version (id, version, migrated_at) VALUES (1, ?, ?)"
		       " ON CONFLICT (id) DO UPDATE SET version = excluded.version,"
		       " migrated_at = excluded.migrated_at", "tI", version_string(), clock_now()) != DB_OK)
		return DB_ERROR;
	/* the tables are there now; the modules' permissions reach their default roles */
	return db_grant_defaults(c, verbose);
}
