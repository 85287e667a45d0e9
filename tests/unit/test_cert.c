/*
 * test_cert.c — certificates: the status at each boundary day, the date parser, the
 * blocking query against every status, and the spreadsheet readers (CSV quoting, XLSX
 * cells written by libxlsxwriter: shared strings, numbers, dates as serial numbers).
 */
#include "unit.h"
#include "cert/cert.h"
#include "cert/sheet.h"
#include "db/db.h"

#include <stdlib.h>
#include <unistd.h>
#include <xlsxwriter.h>

static int64_t D(int y, int m, int d)
{
	return cert_day_from_ymd(y, m, d);
}

TEST(cert_days_round_trip)
{
	char buf[16];
	CHECK_INT(D(1970, 1, 1), 0);
	CHECK_STR(cert_day_format(D(2026, 3, 1), buf), "2026-03-01");
	CHECK_STR(cert_day_format(D(2000, 2, 29), buf), "2000-02-29");
	CHECK_STR(cert_day_format(cert_day_add_years(D(2024, 2, 29), 6), buf), "2030-02-28");
	CHECK_STR(cert_day_format(cert_day_add_months(D(2026, 1, 31), 1), buf), "2026-02-28");
	CHECK_STR(cert_day_format(CERT_NODAY, buf), "");
	/* local midnight in UTC+8 is 16:00 UTC the day before */
	CHECK_INT(cert_day_of(cert_day_start_utc(D(2026, 11, 23))), D(2026, 11, 23));
	CHECK_INT(cert_day_of(cert_day_start_utc(D(2026, 11, 23)) - 1), D(2026, 11, 22));
}

TEST(cert_status_at_each_boundary)
{
	int64_t exp = D(2027, 3, 1), rev = D(2026, 9, 1), N = CERT_NODAY;
	/* expiry alone */
	CHECK_INT(cert_status_at(exp - 31, exp, N, 0), CERT_VALID);
	CHECK_INT(cert_status_at(exp - 30, exp, N, 0), CERT_EXPIRING);
	CHECK_INT(cert_status_at(exp, exp, N, 0), CERT_EXPIRING);
	CHECK_INT(cert_status_at(exp + 1, exp, N, 0), CERT_EXPIRED);
	/* review alone */
	CHECK_INT(cert_status_at(rev - 31, N, rev, 0), CERT_VALID);
	CHECK_INT(cert_status_at(rev - 30, N, rev, 0), CERT_REVIEW_DUE);
	CHECK_INT(cert_status_at(rev, N, rev, 0), CERT_REVIEW_DUE);
	CHECK_INT(cert_status_at(rev + 1, N, rev, 0), CERT_REVIEW_OVERDUE);
	/* both: review overdue is invalid even though the expiry is far */
	CHECK_INT(cert_status_at(rev + 1, exp, rev, 0), CERT_REVIEW_OVERDUE);
	CHECK_INT(cert_status_at(exp + 1, exp, rev, 0), CERT_EXPIRED);
	CHECK_INT(cert_status_at(rev - 100, exp, rev, 1), CERT_REVOKED);
	CHECK(cert_status_usable(CERT_VALID) && cert_status_usable(CERT_EXPIRING) && cert_status_usable(CERT_REVIEW_DUE));
	CHECK(!cert_status_usable(CERT_EXPIRED) && !cert_status_usable(CERT_REVIEW_OVERDUE) &&
	      !cert_status_usable(CERT_REVOKED));
	CHECK_STR(cert_status_code(CERT_REVIEW_OVERDUE), "review_overdue");
	CHECK_INT(cert_status_parse("expiring"), CERT_EXPIRING);
	CHECK_INT(cert_status_parse("nope"), -1);
}

TEST(cert_parse_date_formats)
{
	int64_t d = 0, want = D(2026, 3, 1);
	const char *good[] = {"2026-03-01", "2026/3/1", "2026.3.1", "2026年3月1日", "2026年03月01日", " 2026-3-1 ",
			      "20260301", "46082", "46082.0", "2026-03-01 00:00:00", NULL};
	for (int i = 0; good[i]; i++) {
		d = 0;
		CHECK(cert_parse_date(good[i], &d) == 0);
		CHECK_INT(d, want);
	}
	const char *bad[] = {"", "abc", "2026-02-30", "2026-13-01", "2026/3", "3/1/2026", "2026-03-01x", "2026",
			     "20261301", "-5", NULL};
	for (int i = 0; bad[i]; i++)
		CHECK(cert_parse_date(bad[i], &d) == -1);
	CHECK(cert_parse_date("25569", &d) == 0);	/* Excel's serial for 1970-01-01 */
	CHECK_INT(d, 0);
	CHECK(cert_parse_date("2024年2月29日", &d) == 0);
	CHECK_INT(d, D(2024, 2, 29));
}

/* a database with one unit, a person, and a welding certificate in the given state */
static struct db *with_person(int64_t *pid)
{
	struct db *c = unit_db();
	db_exec(c, "INSERT INTO units (id, name, kind, path, created_at) VALUES (1, 'plant', 'company', '/1/', 0)", NULL);
	db_exec(c, "INSERT INTO persons (id, name, unit_id, created_at) VALUES (7, 'welder', 1, 0)", NULL);
	*pid = 7;
	return c;
}

static void add_cert(struct db *c, const char *cat, const char *item, const char *num, int64_t exp, int64_t rev,
		     int revoked)
{
	CHECK(db_exec(c, "INSERT INTO certs (person_id, category, item, number, expires_on, review_on, revoked_at,"
			 " created_at, updated_at) VALUES (7, ?, ?, ?, ?, NULLIF(?, -1000000), ?, 0, 0)",
		      "tttIIi", cat, item, num, exp, cert_day_arg(rev), revoked) == DB_OK);
}

static int may(struct db *c, int64_t who, const char *op, int64_t day, const char **reason)
{
	char *detail = NULL;
	int ok = cert_may_operate(c, who, op, day, reason, &detail);
	free(detail);
	return ok;
}

TEST(cert_may_operate_every_status)
{
	int64_t pid, day = D(2026, 11, 23);
	const char *reason;
	struct db *c = with_person(&pid);
	/* nothing held */
	CHECK_INT(may(c, pid, "hot_work", day, &reason), 0);
	CHECK_STR(reason, "cert.reason.none");
	/* operations without a mapping need nothing; unknown codes are refused */
	CHECK_INT(may(c, pid, "confined_space", day, &reason), 1);
	CHECK(reason == NULL);
	CHECK_INT(may(c, pid, "juggling", day, &reason), 0);
	CHECK_STR(reason, "cert.reason.unknown_operation");
	CHECK_INT(may(c, 999, "hot_work", day, &reason), 0);
	CHECK_STR(reason, "cert.reason.no_person");
	/* revoked */
	add_cert(c, "weld", "weld.fusion", "A1", day + 1000, CERT_NODAY, 1);
	CHECK_INT(may(c, pid, "hot_work", day, &reason), 0);
	CHECK_STR(reason, "cert.reason.revoked");
	/* expired beats revoked as the explanation */
	add_cert(c, "weld", "weld.fusion", "A2", day - 1, CERT_NODAY, 0);
	CHECK_INT(may(c, pid, "hot_work", day, &reason), 0);
	CHECK_STR(reason, "cert.reason.expired");
	/* review overdue: invalid (原安监总局令第30号) */
	add_cert(c, "weld", "weld.pressure", "A3", day + 900, day - 1, 0);
	CHECK_INT(may(c, pid, "hot_work", day, &reason), 0);
	CHECK_STR(reason, "cert.reason.review_overdue");
	/* the same certificate on its review day is still usable */
	CHECK_INT(may(c, pid, "hot_work", day - 1, &reason), 1);
	/* a certificate of another category does not help */
	add_cert(c, "elec", "elec.low", "E1", day + 900, CERT_NODAY, 0);
	CHECK_INT(may(c, pid, "hot_work", day, &reason), 0);
	CHECK_INT(may(c, pid, "temp_power", day, &reason), 1);
	CHECK_INT(may(c, pid, "height", day, &reason), 0);
	CHECK_STR(reason, "cert.reason.none");
	/* expiring and review-due certificates are still usable */
	add_cert(c, "weld", "weld.braze", "A4", day + 10, CERT_NODAY, 0);
	char *detail = NULL;
	CHECK_INT(cert_may_operate(c, pid, "hot_work", day, &reason, &detail), 1);
	CHECK(detail && strstr(detail, "A4"));
	free(detail);
	CHECK_INT(may(c, pid, "hot_work", day + 11, &reason), 0);
	CHECK_STR(reason, "cert.reason.review_overdue");
	/* a user id resolves to the person linked to it */
	db_exec(c, "INSERT INTO users (id, username, name, unit_id, password_hash, created_at, updated_at)"
		   " VALUES (3, 'w', 'welder', 1, 'x', 0, 0)", NULL);
	CHECK_INT(may(c, CERT_USER(3), "hot_work", day, &reason), 0);
	CHECK_STR(reason, "cert.reason.none");	/* no person row yet: holds nothing */
	db_exec(c, "UPDATE persons SET user_id = 3 WHERE id = 7", NULL);
	CHECK_INT(may(c, CERT_USER(3), "hot_work", day, &reason), 1);
	CHECK_INT(may(c, CERT_USER(99), "hot_work", day, &reason), 0);
	CHECK_STR(reason, "cert.reason.no_person");
	db_close(c);
}

TEST(cert_catalogue_lookup_names)
{
	struct db *c = unit_db();
	char *cat, *item;
	CHECK(cert_catalogue_lookup(c, "熔化焊接与热切割作业", &cat, &item) == 0);
	CHECK_STR(cat, "weld");
	CHECK_STR(item, "weld.fusion");
	free(cat);
	free(item);
	CHECK(cert_catalogue_lookup(c, "焊接与热切割作业/熔化焊接与热切割作业", &cat, &item) == 0);
	CHECK_STR(item, "weld.fusion");
	free(cat);
	free(item);
	CHECK(cert_catalogue_lookup(c, "制冷与空调作业", &cat, &item) == 0);
	CHECK_STR(cat, "refrig");
	CHECK(item == NULL);
	free(cat);
	CHECK(cert_catalogue_lookup(c, "Q2", &cat, &item) == 0);
	CHECK_STR(item, "se.Q2");
	free(cat);
	free(item);
	CHECK(cert_catalogue_lookup(c, "杂技作业", &cat, &item) == -1);
	db_close(c);
}

struct rows {
	int n;
	char text[8][8][40];
	int ncells[8], rownum[8];
};

static int collect(void *ctx, int rownum, int ncells, const char *const *cells)
{
	struct rows *r = ctx;
	if (r->n < 8) {
		r->rownum[r->n] = rownum;
		r->ncells[r->n] = ncells;
		for (int i = 0; i < ncells && i < 8; i++)
			snprintf(r->text[r->n][i], 40, "%s", cells[i]);
		r->n++;
	}
	return 0;
}

TEST(csv_read_quotes_and_lines)
{
	const char *csv = "\xEF\xBB\xBF" "a,\"b,c\",\"say \"\"hi\"\"\"\r\n\r\n1,\"two\nlines\",3\nlast,,";
	struct rows r = {0};
	struct sheet_error err;
	CHECK(csv_read(csv, strlen(csv), NULL, collect, &r, &err) == 0);
	CHECK_INT(r.n, 4);
	CHECK_INT(r.ncells[3], 3);
	CHECK_STR(r.text[3][0], "last");
	CHECK_STR(r.text[0][0], "a");
	CHECK_STR(r.text[0][1], "b,c");
	CHECK_STR(r.text[0][2], "say \"hi\"");
	CHECK_INT(r.ncells[1], 1);	/* the empty line */
	CHECK_STR(r.text[2][1], "two\nlines");
	CHECK_INT(r.rownum[2], 3);
}

TEST(xlsx_cells_shared_inline_numbers_dates)
{
	CHECK_INT(xlsx_col_index("A1"), 0);
	CHECK_INT(xlsx_col_index("Z9"), 25);
	CHECK_INT(xlsx_col_index("AB12"), 27);
	CHECK_INT(xlsx_col_index("a1"), -1);
	CHECK_INT(xlsx_col_index("A1x"), -1);
	char path[] = "/tmp/anquan-unit-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	close(fd);
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
	lxw_format *df = workbook_add_format(wb);
	format_set_num_format(df, "yyyy-mm-dd");
	worksheet_write_string(ws, 0, 0, "姓名", NULL);
	worksheet_write_string(ws, 0, 2, "有效期至", NULL);
	worksheet_write_string(ws, 2, 0, "张三", NULL);	/* row 2 (1-based 2) left empty */
	worksheet_write_number(ws, 2, 1, 42, NULL);
	lxw_datetime dt = {2026, 3, 1, 0, 0, 0};
	worksheet_write_datetime(ws, 2, 2, &dt, df);
	worksheet_write_string(ws, 2, 4, "a & <b>", NULL);
	CHECK(workbook_close(wb) == LXW_NO_ERROR);
	FILE *f = fopen(path, "rb");
	char *buf = malloc(1 << 20);
	size_t len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	unlink(path);
	struct rows r = {0};
	struct sheet_error err;
	CHECK(xlsx_read(buf, len, NULL, collect, &r, &err) == 0);
	CHECK_INT(r.n, 2);
	CHECK_STR(r.text[0][0], "姓名");
	CHECK_STR(r.text[0][1], "");
	CHECK_STR(r.text[0][2], "有效期至");
	CHECK_INT(r.rownum[1], 3);
	CHECK_STR(r.text[1][0], "张三");
	CHECK_STR(r.text[1][1], "42");
	CHECK_STR(r.text[1][3], "");
	CHECK_STR(r.text[1][4], "a & <b>");
	int64_t day;
	CHECK(cert_parse_date(r.text[1][2], &day) == 0);
	CHECK_INT(day, D(2026, 3, 1));
	/* not a zip, and a zip without a worksheet */
	CHECK(xlsx_read("hello", 5, NULL, collect, &r, &err) == -1);
	CHECK_STR(err.key, "cert.import.not_xlsx");
	free(buf);
}
