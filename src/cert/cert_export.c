/*
 * cert_export.c — the certificate ledger out again, in the layout the importer reads:
 * XLSX written with libxlsxwriter, or CSV in UTF-8 with a BOM (without the BOM, Excel on
 * Chinese Windows opens a UTF-8 CSV as GBK and shows mojibake).
 *
 * libxlsxwriter 1.1.4 (Debian 12) writes only to a file, so the workbook goes to a private
 * temporary file that is read back and removed.
 */
#include "cert/cert.h"
#include "base/csv.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "web/xlsx_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define NCOLS 11	/* cert_ledger_columns without 身份证号, plus 状态 */

static const char *const extra_header = "状态";

static struct db_stmt *ledger_query(struct db *c, const char *scope_pattern, int64_t owner)
{
	return db_query(c,
		"SELECT p.name, COALESCE(p.employee_no, ''), k.name_zh, ce.number, ce.authority, ce.issued_on,"
		" ce.expires_on, ce.review_on, u.name, p.employer, ce.revoked_at"
		" FROM certs ce JOIN persons p ON p.id = ce.person_id JOIN units u ON u.id = p.unit_id"
		" JOIN cert_catalogue k ON k.code = COALESCE(ce.item, ce.category)"
		" WHERE u.path LIKE ? AND (? = 0 OR p.user_id = ?) ORDER BY u.path, p.name, ce.id",
		"tII", scope_pattern, owner, owner);
}

static int64_t col_day(struct db_stmt *st, int i)
{
	return db_col_null(st, i) ? CERT_NODAY : db_col_i64(st, i);
}

static int export_csv(struct db_stmt *st, struct strbuf *sb, int64_t today)
{
	csv_begin(sb);	/* base/csv.h: BOM, quoting, the formula guard */
	for (int i = 0; i < NCOLS - 1; i++)
		csv_field(sb, cert_ledger_columns[i], 0);
	csv_field(sb, extra_header, 1);
	while (db_step(st) == 1) {
		char d[16];
		for (int i = 0; i < 5; i++)
			csv_field(sb, db_col_text(st, i), 0);
		for (int i = 5; i < 8; i++)
			csv_field(sb, cert_day_format(col_day(st, i), d), 0);
		csv_field(sb, db_col_text(st, 8), 0);
		csv_field(sb, db_col_text(st, 9), 0);
		csv_field(sb, cert_status_code(cert_status_at(today, col_day(st, 6), col_day(st, 7),
							     db_col_i64(st, 10) != 0)), 1);
	}
	return 0;
}

static int export_xlsx(struct db_stmt *st, struct strbuf *out, int64_t today)
{
	char *path = NULL;
	lxw_workbook *wb = xlsx_open(&path);
	lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, "证书台账") : NULL;
	if (!ws) {
		xlsx_finish(wb, path, NULL);
		return -1;
	}
	lxw_format *head = workbook_add_format(wb);
	format_set_bold(head);
	lxw_format *date = workbook_add_format(wb);
	format_set_num_format(date, "yyyy-mm-dd");
	for (int i = 0; i < NCOLS - 1; i++)
		worksheet_write_string(ws, 0, (lxw_col_t)i, cert_ledger_columns[i], head);
	worksheet_write_string(ws, 0, NCOLS - 1, extra_header, head);
	worksheet_set_column(ws, 0, NCOLS - 1, 16, NULL);
	lxw_row_t row = 1;
	while (db_step(st) == 1) {
		for (int i = 0; i < 5; i++)
			worksheet_write_string(ws, row, (lxw_col_t)i, db_col_text(st, i), NULL);
		for (int i = 5; i < 8; i++) {
			int64_t day = col_day(st, i);
			if (day == CERT_NODAY)
				continue;
			int y, m, d;
			cert_day_to_ymd(day, &y, &m, &d);
			lxw_datetime dt = {y, m, d, 0, 0, 0};
			worksheet_write_datetime(ws, row, (lxw_col_t)i, &dt, date);
		}
		worksheet_write_string(ws, row, 8, db_col_text(st, 8), NULL);
		worksheet_write_string(ws, row, 9, db_col_text(st, 9), NULL);
		worksheet_write_string(ws, row, 10, cert_status_code(cert_status_at(today, col_day(st, 6),
			col_day(st, 7), db_col_i64(st, 10) != 0)), NULL);
		row++;
	}
	return xlsx_finish(wb, path, out);
}

int cert_export(struct db *c, int xlsx, const char *scope_pattern, int64_t owner, char **out, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	struct db_stmt *st = ledger_query(c, scope_pattern, owner);
	if (!st)
		return -1;
	int rc = xlsx ? export_xlsx(st, &sb, cert_today()) : export_csv(st, &sb, cert_today());
	db_done(c, st);
	if (rc) {
		sb_release(&sb);
		return -1;
	}
	*out = sb_detach(&sb, len);
	return 0;
}
