/*
 * risk_export.c — the register in the 风险分级管控清单 layout, one row per control measure (an
 * event without measures has one row), as XLSX (libxlsxwriter through web/xlsx_file.h) or CSV
 * (base/csv.h: BOM, quoting, the formula guard). 管控层级 is the risk's control level (the
 * register's column), not each measure's. The columns are the import's titles
 * (risk_import.c), so an exported register reads back unchanged.
 */
#include "risk/risk.h"
#include "risk/risk_web.h"
#include "auth/auth.h"
#include "base/csv.h"
#include "db/db.h"
#include "web/i18n.h"
#include "web/xlsx_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

static const char *const columns[] = {"风险点", "风险分析单元", "危险源", "可能导致的事故", "L", "E", "C", "S", "D",
				      "风险等级", "管控措施", "措施分类", "管控层级", "责任人", NULL};
#define NCOLS 14

/* The rows in the caller's scope, within ?unit_id= and below when given (the unit an import of
 * the file goes back into). */
static struct db_stmt *rows(struct req *r)
{
	int64_t own = auth_scope_owner(r), unit = 0;
	char *path = NULL;
	const char *within = "%";
	if (req_query_id(r, "unit_id", &unit) == 1) {
		within = "-";
		if (db_get_text(r->db, &path, "SELECT path FROM units WHERE id = ?", "I", unit) == 1 && path)
			within = arena_printf(&r->arena, "%s%%", path);
		free(path);
	}
	return db_query(r->db,
		"SELECT o.name, ru.name, e.name,"
		/* the event's first accident type, then the others in the order of their list */
		" COALESCE((SELECT string_agg(a.name_zh, '、') FROM (SELECT 0 AS k, 0 AS s, t.name_zh FROM risk_accident_types t"
		"  WHERE t.id = e.accident_type_id UNION ALL SELECT 1, t.sort, t.name_zh FROM risk_event_accidents x"
		"  JOIN risk_accident_types t ON t.id = x.accident_type_id WHERE x.event_id = e.id"
		"  AND x.accident_type_id <> COALESCE(e.accident_type_id, 0) ORDER BY 1, 2) a), ''),"
		" e.method, e.l_value, e.e_value, e.c_value, e.s_value, e.value, COALESCE(lv.name_zh, ''), COALESCE(m.description, ''),"
		" COALESCE(mc.name_zh, ''), COALESCE(e.control_level, m.control_level, ''), COALESCE(mu.name, ou.name, '')"
		" FROM risk_events e JOIN risk_units ru ON ru.id = e.risk_unit_id JOIN risk_objects o ON o.id = ru.object_id"
		" JOIN units un ON un.id = o.unit_id LEFT JOIN risk_levels lv ON lv.code = e.level"
		" LEFT JOIN risk_measures m ON m.event_id = e.id AND m.active = 1 LEFT JOIN risk_measure_classes mc ON mc.code = m.classify1"
		" LEFT JOIN users mu ON mu.id = m.resp_user_id LEFT JOIN users ou ON ou.id = COALESCE(ru.resp_user_id, o.resp_user_id)"
		" WHERE e.active = 1 AND o.active = 1 AND un.path LIKE ? AND (? = 0 OR o.resp_user_id = ? OR ru.resp_user_id = ?)"
		" AND un.path LIKE ? ORDER BY un.path, o.name, ru.name, e.id, m.sort, m.id LIMIT 100000",
		"tIIIt", auth_scope_pattern(r), own, own, own, within);
}

static const char *cl_words(const char *cl)
{
	return !strcmp(cl, "company") ? "公司级" : !strcmp(cl, "workshop") ? "车间级" : !strcmp(cl, "team") ? "班组级"
	       : !strcmp(cl, "post") ? "岗位级" : "";
}

/* The cells of one row as text ("" for an empty number). */
static void cells(struct db_stmt *st, char num[5][32], const char **v)
{
	v[0] = db_col_text(st, 0);
	v[1] = db_col_text(st, 1);
	v[2] = db_col_text(st, 2);
	v[3] = db_col_text(st, 3);
	for (int i = 0; i < 5; i++) {
		int col = 5 + i;	/* l e c s value */
		if (db_col_null(st, col))
			num[i][0] = 0;
		else
			snprintf(num[i], 32, "%g", db_col_double(st, col));
		v[4 + i] = num[i];
	}
	v[9] = db_col_text(st, 10);
	v[10] = db_col_text(st, 11);
	v[11] = db_col_text(st, 12);
	v[12] = cl_words(db_col_text(st, 13));
	v[13] = db_col_text(st, 14);
}

int risk_export_csv(struct req *r)
{
	struct strbuf sb = STRBUF_INIT;
	csv_begin(&sb);
	for (int i = 0; i < NCOLS; i++)
		csv_field(&sb, columns[i], i == NCOLS - 1);
	struct db_stmt *st = rows(r);
	while (st && db_step(st) == 1) {
		char num[5][32];
		const char *v[NCOLS];
		cells(st, num, v);
		for (int i = 0; i < NCOLS; i++)
			csv_field(&sb, v[i], i == NCOLS - 1);
	}
	db_done(r->db, st);
	resp_text(r, 200, "text/csv; charset=utf-8", sb.buf, sb.len);
	resp_header(r, "Content-Disposition", "attachment; filename=\"risk-register.csv\"");
	sb_release(&sb);
	return 0;
}

int risk_export_xlsx(struct req *r)
{
	char *path = NULL;
	lxw_workbook *wb = xlsx_open(&path);
	lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, "风险分级管控清单") : NULL;
	struct strbuf out = STRBUF_INIT;
	if (!ws) {
		xlsx_finish(wb, path, NULL);
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	lxw_format *head = workbook_add_format(wb);
	format_set_bold(head);
	for (int i = 0; i < NCOLS; i++)
		worksheet_write_string(ws, 0, (lxw_col_t)i, columns[i], head);
	worksheet_set_column(ws, 0, NCOLS - 1, 14, NULL);
	lxw_row_t row = 1;
	struct db_stmt *st = rows(r);
	while (st && db_step(st) == 1) {
		char num[5][32];
		const char *v[NCOLS];
		cells(st, num, v);
		for (int i = 0; i < NCOLS; i++) {
			if (i >= 4 && i <= 8 && *v[i])
				worksheet_write_number(ws, row, (lxw_col_t)i, strtod(v[i], NULL), NULL);
			else if (*v[i])
				worksheet_write_string(ws, row, (lxw_col_t)i, v[i], NULL);
		}
		row++;
	}
	db_done(r->db, st);
	if (xlsx_finish(wb, path, &out)) {
		sb_release(&out);
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	resp_text(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", out.buf, out.len);
	resp_header(r, "Content-Disposition", "attachment; filename=\"risk-register.xlsx\"");
	sb_release(&out);
	return 0;
}
