/*
 * test_calls.c — the run-time half of the checks on the two small languages: a db_* type
 * string must have one letter per placeholder of its statement (SQLite would bind NULL to a
 * placeholder left over), and html_raw_sb hands out what the writer built. The static half is
 * tools/check_calls.c, run by tests/check-static.
 */
#include "unit.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "web/html.h"

#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

/* The failing calls below log an ERROR line on purpose: hide stderr around them. */
static int hide_stderr(void)
{
	int saved = dup(2), null = open("/dev/null", O_WRONLY);
	dup2(null, 2);
	close(null);
	return saved;
}

static void show_stderr(int saved)
{
	dup2(saved, 2);
	close(saved);
}

TEST(bind_refuses_a_type_string_of_the_wrong_length)
{
	struct db *c = unit_db();
	CHECK(db_exec(c, "CREATE TABLE t (a INTEGER, b TEXT)", "") == DB_OK);
	int err = hide_stderr();
	/* one letter short: without the check, b would be stored as NULL */
	int shortrc = db_exec(c, "INSERT INTO t (a, b) VALUES (?, ?)", "I", (int64_t)1);
	int longrc = db_exec(c, "INSERT INTO t (a, b) VALUES (?, ?)", "Itt", (int64_t)2, "x", "y");
	struct db_stmt *st = db_query(c, "SELECT a FROM t WHERE a = ?", "", (int64_t)1);
	int64_t n = -1;
	int getrc = db_get_i64(c, &n, "SELECT count(*) FROM t WHERE a = ?1 OR a = ?1", "II", (int64_t)1, (int64_t)1);
	show_stderr(err);
	CHECK_INT(shortrc, DB_ERROR);
	CHECK_INT(longrc, DB_ERROR);
	CHECK(st == NULL);
	CHECK(getrc < 0);	/* ?1 twice is one parameter */
	int64_t rows = -1;
	CHECK_INT(db_get_i64(c, &rows, "SELECT count(*) FROM t", ""), 1);
	CHECK_INT(rows, 0);	/* nothing half-stored */
	/* the right length still works, numbered placeholders counted once */
	CHECK(db_exec(c, "INSERT INTO t (a, b) VALUES (?, ?)", "It", (int64_t)3, "z") == DB_OK);
	CHECK_INT(db_get_i64(c, &rows, "SELECT count(*) FROM t WHERE a = ?1 OR b = ?2 OR a = ?1", "It",
			     (int64_t)3, "z"), 1);
	CHECK_INT(rows, 1);
	db_close(c);
}

TEST(html_raw_sb_is_the_markup_the_writer_built)
{
	struct strbuf sb = STRBUF_INIT, out = STRBUF_INIT;
	CHECK_STR(html_raw_sb(&sb), "");	/* nothing written yet */
	html_printf(&sb, "<b>%s</b>", "<i>");
	html_printf(&out, "<p>%r</p>", html_raw_sb(&sb));
	CHECK_STR(out.buf, "<p><b>&lt;i&gt;</b></p>");
	sb_release(&sb);
	sb_release(&out);
}
