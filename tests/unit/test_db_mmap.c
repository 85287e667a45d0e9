/*
 * test_db_mmap.c — db.mmap_mb (src/db/db.c): every SQLite connection reads its file through a
 * memory map of the configured size, 0 turns it off, and a connection reading through the map
 * sees what another connection committed, before and after a checkpoint copies it into the
 * file.
 */
#include "unit.h"
#include "base/config.h"
#include "db/db.h"

static int64_t mmap_size(struct db *c)
{
	int64_t v = -1;
	db_get_i64(c, &v, "PRAGMA mmap_size", NULL);
	return v;
}

static int64_t sum(struct db *c)
{
	int64_t v = -1;
	db_get_i64(c, &v, "SELECT coalesce(sum(x), 0) FROM t", NULL);
	return v;
}

TEST(db_mmap_size_follows_the_key)
{
	int saved = cfg.mmap_mb;
	unit_file_new("mmap");
	cfg.mmap_mb = 64;
	struct db *c = unit_file_open();
	CHECK_INT(mmap_size(c), 64 << 20);
	db_close(c);
	cfg.mmap_mb = 0;
	c = unit_file_open();
	CHECK_INT(mmap_size(c), 0);
	db_close(c);
	cfg.mmap_mb = saved;
	unit_file_remove();
}

TEST(db_mmap_reads_another_connections_commits)
{
	int saved = cfg.mmap_mb;
	cfg.mmap_mb = 64;
	unit_file_new("mmapw");
	struct db *a = unit_file_open(), *b = unit_file_open();
	CHECK(db_exec(a, "CREATE TABLE t (x INTEGER)", NULL) == DB_OK);
	/* enough rows for pages of their own, read through the map once checkpointed */
	CHECK(db_begin(a) == DB_OK);
	for (int i = 1; i <= 2000; i++)
		db_exec(a, "INSERT INTO t (x) VALUES (?)", "i", i);
	CHECK(db_commit(a) == DB_OK);
	db_checkpoint(a);
	CHECK_INT(sum(b), 2001000);
	CHECK(db_begin(a) == DB_OK);
	CHECK(db_exec(a, "UPDATE t SET x = x + 1", NULL) == DB_OK);
	CHECK(db_commit(a) == DB_OK);
	CHECK_INT(sum(b), 2003000);	/* the new pages still in the WAL */
	db_checkpoint(a);
	CHECK_INT(sum(b), 2003000);	/* and in the file, under the map */
	db_close(a);
	db_close(b);
	cfg.mmap_mb = saved;
	unit_file_remove();
}
