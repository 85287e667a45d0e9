/*
 * test_cert.c — certificates: the status at each boundary day, the date parser, the
 * blocking query against every status, and the spreadsheet readers (CSV quoting, XLSX
 * cells written by libxlsxwriter: shared strings, numbers, dates as serial numbers) with
 * each of their limits crossed by one (small limits, hand-made archives).
 */
#include "unit.h"
#include "auth/actor.h"
#include "cert/cert.h"
#include "base/sheet.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "web/i18n.h"

#include <stdlib.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

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

/* The badge and catalogue names with an actor, no request: the actor's day decides the state
 * and the actor's language the words. */
TEST(cert_badge_and_names_with_an_actor)
{
	int64_t pid;
	struct db *c = with_person(&pid);
	int64_t day = D(2027, 3, 3);
	struct actor a = {.db = c, .lang = "en", .now = cert_day_start_utc(day) + 3600};
	struct strbuf o = STRBUF_INIT;
	cert_badge_write(&a, &o, pid);
	CHECK_STR(o.buf, "");	/* no certificate: nothing to flag */
	add_cert(c, "weld", "weld.fusion", "W1", day + 10, CERT_NODAY, 0);
	cert_badge_write(&a, &o, pid);
	CHECK(strstr(o.buf, "badge warn") && strstr(o.buf, "Certificate expiring"));
	sb_reset(&o);
	a.lang = "zh";
	a.now = cert_day_start_utc(day + 11) + 3600;	/* the day after it expired */
	cert_badge_write(&a, &o, pid);
	CHECK(strstr(o.buf, "badge bad") && strstr(o.buf, "证书失效"));
	sb_release(&o);
	char *name = cert_catalogue_name_of(&a, "weld.fusion");
	CHECK_STR(name, "熔化焊接与热切割作业");
	free(name);
	a.lang = "en";
	name = cert_catalogue_name_of(&a, "no.such");
	CHECK_STR(name, "");
	free(name);
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

/* ---- the readers' limits ---- */

/* A zip of n members (name, XML text) made with libzip, read back into memory. */
static char *make_zip(int n, const char *const *names, const char *const *texts, size_t *len)
{
	char path[] = "/tmp/anquan-unit-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	close(fd);
	int zerr = 0;
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	for (int i = 0; z && i < n; i++) {
		zip_source_t *src = zip_source_buffer(z, texts[i], strlen(texts[i]), 0);
		if (!src || zip_file_add(z, names[i], src, ZIP_FL_OVERWRITE) < 0)
			zip_source_free(src);
	}
	if (!z || zip_close(z) < 0) {
		unlink(path);
		return NULL;
	}
	FILE *f = fopen(path, "rb");
	char *buf = malloc(4 << 20);
	*len = fread(buf, 1, 4 << 20, f);
	fclose(f);
	unlink(path);
	return buf;
}

/* Read a workbook of one sheet (and shared strings, if sst) within lim; the error key, or
 * "ok"; *where gets err.where. */
static const char *read_book(const struct sheet_limits *lim, const char *sheet, const char *sst, char *where,
			     struct rows *r)
{
	static char key[64];
	const char *names[] = {"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"};
	const char *texts[] = {sheet, sst};
	size_t len = 0;
	char *zip = make_zip(sst ? 2 : 1, names, texts, &len);
	struct rows scratch = {0};
	struct sheet_error err;
	int rc = zip ? xlsx_read(zip, len, lim, collect, r ? r : &scratch, &err) : -2;
	free(zip);
	if (where)
		snprintf(where, 96, "%s", rc == -1 ? err.where : "");
	snprintf(key, sizeof(key), "%s", rc == 0 ? "ok" : rc == -1 ? err.key : "no zip");
	return key;
}

#define WS(rows) "<?xml version=\"1.0\"?><worksheet><sheetData>" rows "</sheetData></worksheet>"

TEST(xlsx_limits_each_refused_one_past)
{
	struct sheet_limits lim = sheet_limits_default;
	char where[96];
	struct rows r = {0};
	/* a cell: 10 characters pass (Chinese ones count as one each), 11 do not, named by cell */
	lim.cell_chars = 10;
	CHECK_STR(read_book(&lim, WS("<row r=\"2\"><c r=\"B2\" t=\"inlineStr\"><is><t>安全生产管理系统标准</t></is></c></row>"),
			    NULL, where, &r), "ok");
	CHECK_STR(r.text[0][1], "安全生产管理系统标准");
	CHECK_STR(read_book(&lim, WS("<row r=\"2\"><c r=\"B2\" t=\"inlineStr\"><is><t>12345</t><t>678901</t></is></c></row>"),
			    NULL, where, NULL), "cert.import.limit_cell");
	CHECK_STR(where, "B2");
	CHECK_STR(read_book(&lim, WS("<row r=\"7\"><c r=\"AB7\"><v>12345678901</v></c></row>"), NULL, where, NULL),
		  "cert.import.limit_cell");
	CHECK_STR(where, "AB7");
	const char *sst2 = "<sst><si><t>short</t></si><si><r><t>12345</t></r><r><t>678901</t></r></si></sst>";
	CHECK_STR(read_book(&lim, WS("<row><c t=\"s\"><v>0</v></c></row>"), sst2, where, NULL), "cert.import.limit_cell");
	CHECK_STR(where, "xl/sharedStrings.xml#1");
	lim = sheet_limits_default;

	/* shared strings: 3 items pass, the 4th does not */
	lim.shared_count = 3;
	CHECK_STR(read_book(&lim, WS(""), "<sst><si/><si/><si><t>c</t></si></sst>", where, NULL), "ok");
	CHECK_STR(read_book(&lim, WS(""), "<sst><si/><si/><si/><si/></sst>", where, NULL), "cert.import.limit_shared_count");
	lim = sheet_limits_default;

	/* inflated sizes: each member, and all of them together */
	const char *sheet = WS("<row><c><v>1</v></c></row>");
	const char *sst = "<sst><si><t>x</t></si></sst>";
	lim.sheet_bytes = strlen(sheet);
	CHECK_STR(read_book(&lim, sheet, NULL, where, NULL), "ok");
	lim.sheet_bytes = strlen(sheet) - 1;
	CHECK_STR(read_book(&lim, sheet, NULL, where, NULL), "cert.import.limit_sheet");
	lim = sheet_limits_default;
	lim.shared_bytes = strlen(sst) - 1;
	CHECK_STR(read_book(&lim, sheet, sst, where, NULL), "cert.import.limit_shared");
	lim = sheet_limits_default;
	lim.total_bytes = strlen(sheet) + strlen(sst);
	CHECK_STR(read_book(&lim, sheet, sst, where, NULL), "ok");
	lim.total_bytes--;
	CHECK_STR(read_book(&lim, sheet, sst, where, NULL), "cert.import.limit_total");
	lim = sheet_limits_default;

	/* rows: by count, by number (also one past long's range), and cells in one row */
	lim.rows = 3;
	CHECK_STR(read_book(&lim, WS("<row/><row/><row r=\"3\"/>"), NULL, where, NULL), "ok");
	CHECK_STR(read_book(&lim, WS("<row/><row/><row/><row/>"), NULL, where, NULL), "cert.import.limit_rows");
	CHECK_STR(read_book(&lim, WS("<row r=\"4\"/>"), NULL, where, NULL), "cert.import.limit_rows");
	lim = sheet_limits_default;
	CHECK_STR(read_book(&lim, WS("<row r=\"1048577\"/>"), NULL, where, NULL), "cert.import.limit_rows");
	CHECK_STR(read_book(&lim, WS("<row r=\"99999999999999999999999\"/>"), NULL, where, NULL), "cert.import.limit_rows");
	lim.row_cells = 3;
	CHECK_STR(read_book(&lim, WS("<row r=\"5\"><c/><c/><c/></row>"), NULL, where, NULL), "ok");
	CHECK_STR(read_book(&lim, WS("<row r=\"5\"><c/><c/><c/><c/></row>"), NULL, where, NULL), "cert.import.limit_row_cells");
	CHECK_STR(where, "5");
	lim = sheet_limits_default;

	/* the XML parser's memory: a 1 MB attribute within 256 KiB */
	lim.xml_memory = 256 << 10;
	struct strbuf big = STRBUF_INIT;
	sb_adds(&big, "<?xml version=\"1.0\"?><worksheet><sheetData><row><c x=\"");
	for (int i = 0; i < (1 << 20); i++)
		sb_addc(&big, 'a');
	sb_adds(&big, "\"/></row></sheetData></worksheet>");
	CHECK_STR(read_book(&lim, big.buf, NULL, where, NULL), "cert.import.limit_xml");
	CHECK_STR(where, "xl/worksheets/sheet1.xml");
	lim = sheet_limits_default;
	CHECK_STR(read_book(&lim, big.buf, NULL, where, NULL), "ok");	/* 8 MB is room for 1 MB */
	sb_release(&big);

	/* a DOCTYPE (entity expansion's way in) is refused, however small */
	CHECK_STR(read_book(&lim, "<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;\">]>"
				  "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&b;</t></is></c></row></sheetData></worksheet>",
			    NULL, where, NULL), "cert.import.damaged");
	CHECK_STR(where, "DOCTYPE");
}

TEST(xlsx_limit_on_members_read_before_libzip)
{
	struct sheet_limits lim = sheet_limits_default;
	lim.members = 3;
	const char *names[] = {"xl/worksheets/sheet1.xml", "a.xml", "b.xml", "c.xml"};
	const char *texts[] = {WS("<row><c><v>1</v></c></row>"), "<a/>", "<b/>", "<c/>"};
	size_t len;
	struct rows r = {0};
	struct sheet_error err;
	char *zip = make_zip(3, names, texts, &len);
	CHECK(zip && xlsx_read(zip, len, &lim, collect, &r, &err) == 0);
	free(zip);
	zip = make_zip(4, names, texts, &len);
	CHECK(zip && xlsx_read(zip, len, &lim, collect, &r, &err) == -1);
	CHECK_STR(err.key, "cert.import.limit_members");
	/* the end record claims 65,535 entries: refused from the claim alone */
	if (zip) {
		zip[len - 22 + 8] = zip[len - 22 + 9] = zip[len - 22 + 10] = zip[len - 22 + 11] = (char)0xff;
		CHECK(xlsx_read(zip, len, NULL, collect, &r, &err) == -1);
		CHECK_STR(err.key, "cert.import.limit_members");
	}
	free(zip);
}

TEST(csv_limit_on_a_field)
{
	struct sheet_limits lim = sheet_limits_default;
	lim.cell_chars = 5;
	struct rows r = {0};
	struct sheet_error err;
	const char *ok = "安全生产法,\"a\"\"bcd\"\nx,y\n";
	CHECK(csv_read(ok, strlen(ok), &lim, collect, &r, &err) == 0);
	CHECK_INT(r.n, 2);
	CHECK_STR(r.text[0][0], "安全生产法");
	CHECK_STR(r.text[0][1], "a\"bcd");
	memset(&r, 0, sizeof(r));
	const char *longer = "a,b\nx,\"12\n345\"\n";	/* a quoted newline counts too */
	CHECK(csv_read(longer, strlen(longer), &lim, collect, &r, &err) == -1);
	CHECK_STR(err.key, "cert.import.limit_cell");
	CHECK_STR(err.where, "B2");
	CHECK_INT(r.n, 1);	/* the rows before it were read, the refused one was not handed on */
	/* an unclosed quote swallows the file: refused at the limit, not at the end */
	const char *open = "\"abcdefghij";
	CHECK(csv_read(open, strlen(open), &lim, collect, &r, &err) == -1);
	CHECK_STR(err.where, "A1");
}

TEST(sheet_limits_quoted_by_their_messages)
{
	/* the messages state the numbers; they must be the numbers enforced */
	const struct sheet_limits *d = &sheet_limits_default;
	struct {
		const char *key, *number;
		long long value;
	} m[] = {
		{"cert.import.limit_cell", "32,767", (long long)d->cell_chars},
		{"cert.import.limit_sheet", "100 MB", (long long)(d->sheet_bytes >> 20)},
		{"cert.import.limit_shared", "32 MB", (long long)(d->shared_bytes >> 20)},
		{"cert.import.limit_total", "120 MB", (long long)(d->total_bytes >> 20)},
		{"cert.import.limit_shared_count", "1,000,000", (long long)d->shared_count},
		{"cert.import.limit_members", "10,000", (long long)d->members},
		{"cert.import.limit_xml", "8 MB", (long long)(d->xml_memory >> 20)},
		{"cert.import.limit_rows", "1,048,576", (long long)d->rows},
		{"cert.import.limit_row_cells", "16,384", (long long)d->row_cells},
	};
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		long long n = 0;
		for (const char *p = m[i].number; *p && *p != ' '; p++)
			if (*p != ',')
				n = n * 10 + (*p - '0');
		CHECK_INT(n, m[i].value);
		for (int l = 0; l < 2; l++) {
			const char *text = i18n_get(l ? "en" : "zh", m[i].key);
			if (!strstr(text, m[i].number)) {
				char why[160];
				snprintf(why, sizeof(why), "%s (%s) quotes %s", m[i].key, l ? "en" : "zh", m[i].number);
				unit_fail(__FILE__, __LINE__, why);
			}
		}
	}
}
