/*
 * risk_import.c — import of the 风险分级管控清单 that plants keep in Excel: XLSX or CSV read by
 * the sheet readers of base/sheet.h, columns mapped by their titles (the common layout: 风险点 /
 * 危险源 / 可能导致的事故 / L / E / C / D / 风险等级 / 管控措施 / 管控层级 / 责任人, with 风险分析单元,
 * 措施分类, S and R as optional columns), every row checked, and the whole file stored or
 * nothing (one transaction, rolled back on the first bad row or for a dry run, which reports
 * what would be created).
 *
 * A row is one control measure of one risk event: rows that repeat (or leave empty, as merged
 * cells read) the 风险点 and 危险源 of the row above add measures to the same event, so the
 * export's layout (risk_export.c) reads back unchanged. An event's assessment comes from its
 * first row; an object or unit of the same name in the target unit is reused, an event of the
 * same name under it gets a new assessment version only when its values changed.
 */
#include "risk/risk.h"
#include "auth/actor.h"
#include "base/sheet.h"
#include "base/text.h"
#include "db/db.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The default of setting risk.import_max_rows. */
#define RISK_IMPORT_MAX_ROWS 20000

enum col { C_OBJECT, C_UNIT, C_EVENT, C_ACCIDENT, C_L, C_E, C_C, C_S, C_D, C_LEVEL, C_MEASURE, C_CLASS, C_CL, C_RESP,
	   C_COUNT };

/* the column titles accepted for each field, the first is the one the export writes */
static const char *const titles[C_COUNT][5] = {
	[C_OBJECT] = {"风险点", "风险点名称", "风险分析对象", NULL},
	[C_UNIT] = {"风险分析单元", "分析单元", NULL},
	[C_EVENT] = {"危险源", "危险源（风险事件）", "风险事件", "危险有害因素", NULL},
	[C_ACCIDENT] = {"可能导致的事故", "可能导致的事故类型", "事故类型", NULL},
	[C_L] = {"L", NULL},
	[C_E] = {"E", NULL},
	[C_C] = {"C", NULL},
	[C_S] = {"S", NULL},
	[C_D] = {"D", "R", NULL},
	[C_LEVEL] = {"风险等级", "风险级别", NULL},
	[C_MEASURE] = {"管控措施", "控制措施", NULL},
	[C_CLASS] = {"措施分类", "管控措施分类", NULL},
	[C_CL] = {"管控层级", "管控级别", NULL},
	[C_RESP] = {"责任人", "管控责任人", NULL},
};

struct imp {
	const struct actor *a;
	struct db *c;
	int64_t unit_id, approver;
	int col[C_COUNT];
	int header_row, dry_run, failed_db;
	int64_t max_rows;
	const char *method;
	struct risk_band_set bs;
	struct risk_import_report *out;
	/* the event the previous row was about */
	char last_object[256], last_unit[256], last_event[256];
	int64_t object, runit, event;
	const char *accident_list;
};

static void bad(struct imp *im, int row, int col, const char *key)
{
	struct risk_import_report *o = im->out;
	if (o->nerrors >= (int)(sizeof(o->errors) / sizeof(o->errors[0]))) {
		o->nerrors++;	/* counted, not listed */
		return;
	}
	struct risk_import_error *e = &o->errors[o->nerrors++];
	e->row = row;
	snprintf(e->field, sizeof(e->field), "%s", col >= 0 ? titles[col][0] : "");
	snprintf(e->key, sizeof(e->key), "%s", key);
}

static const char *cellv(struct imp *im, int k, int ncells, const char *const *cells)
{
	int i = im->col[k];
	return i >= 0 && i < ncells ? cells[i] : "";
}

static int header(struct imp *im, int ncells, const char *const *cells)
{
	for (int k = 0; k < C_COUNT; k++)
		im->col[k] = -1;
	for (int i = 0; i < ncells; i++)
		for (int k = 0; k < C_COUNT; k++)
			for (int t = 0; titles[k][t]; t++)
				if (im->col[k] < 0 && !strcmp(cells[i], titles[k][t]))
					im->col[k] = i;
	return im->col[C_OBJECT] >= 0 && im->col[C_EVENT] >= 0;
}

/* A number cell: 0 ok, 1 empty, -1 malformed. */
static int number(const char *s, double *v)
{
	if (!*s)
		return 1;
	char *end = NULL;
	*v = strtod(s, &end);
	return end && !*end && isfinite(*v) ? 0 : -1;
}

static const char *level_of_words(const char *s)
{
	static const struct {
		const char *words, *level;
	} w[] = {{"重大", "major"}, {"较大", "large"}, {"一般", "general"}, {"低", "low"}, {"红", "major"},
		 {"橙", "large"}, {"黄", "general"}, {"蓝", "low"}, {"major", "major"}, {"large", "large"},
		 {"general", "general"}, {"low", "low"}};
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		if (strstr(s, w[i].words))
			return w[i].level;
	return NULL;
}

static const char *control_of_words(const char *s)
{
	if (strstr(s, "公司") || strstr(s, "厂级") || strstr(s, "部门"))
		return "company";
	if (strstr(s, "车间"))
		return "workshop";
	if (strstr(s, "班组"))
		return "team";
	if (strstr(s, "岗位"))
		return "post";
	return NULL;
}

static const char *class_of_words(const char *s)
{
	if (!*s)
		return "oper";	/* the common layout has no class: a measure is taken as 操作行为 */
	if (strstr(s, "工程"))
		return "eng";
	if (strstr(s, "维护") || strstr(s, "保养"))
		return "maint";
	if (strstr(s, "操作") || strstr(s, "管理") || strstr(s, "培训"))
		return "oper";
	if (strstr(s, "应急") || strstr(s, "防护"))
		return "emerg";
	return NULL;
}

/* The accident types named in a cell (separated by 、，,;；/ or spaces): the first one's id, and
 * every id in ids[]. 0 ok, -1 an unknown name. */
static int accidents(struct imp *im, const char *cell, int64_t *first, int64_t *ids, int *n)
{
	char buf[512];
	snprintf(buf, sizeof(buf), "%s", cell);
	*first = 0;
	*n = 0;
	char *p = buf;
	while (*p) {
		/* cut at the next separator (ASCII or a 3-byte CJK punctuation mark) */
		char *q = p;
		size_t skip = 0;
		while (*q) {
			if (strchr(",;/ ", *q)) {
				skip = 1;
				break;
			}
			if (!strncmp(q, "、", 3) || !strncmp(q, "，", 3) || !strncmp(q, "；", 3)) {
				skip = 3;
				break;
			}
			q++;
		}
		char save = *q;
		*q = 0;
		if (*p) {
			int64_t id = 0;
			if (db_get_i64(im->c, &id, "SELECT id FROM risk_accident_types WHERE active = 1 AND (name_zh = ? OR code = ?)"
					       " ORDER BY CASE WHEN list = ? THEN 0 ELSE 1 END LIMIT 1", "ttt", p, p,
				       im->accident_list) != 1)
				return -1;
			if (!*first)
				*first = id;
			if (*n < 8)
				ids[(*n)++] = id;
		}
		if (!save)
			break;
		p = q + skip;
	}
	return 0;
}

static int64_t person(struct imp *im, const char *s)
{
	int64_t id = 0;
	if (!*s)
		return 0;
	if (db_get_i64(im->c, &id, "SELECT id FROM users WHERE active = 1 AND (username = ? OR name = ?) ORDER BY id LIMIT 1",
		       "tt", s, s) != 1)
		return -1;
	return id;
}

static int64_t find_or_make(struct imp *im, int object, const char *name, int64_t resp)
{
	int64_t id = 0;
	int64_t now = im->a->now;
	if (object) {
		if (db_get_i64(im->c, &id, "SELECT id FROM risk_objects WHERE unit_id = ? AND name = ? AND active = 1 ORDER BY id LIMIT 1",
			       "It", im->unit_id, name) == 1)
			return id;
		/* an area or a device of that name makes it an area or equipment object */
		int64_t area = 0, eq = 0;
		db_get_i64(im->c, &area, "SELECT id FROM areas WHERE name = ? AND active = 1 ORDER BY id LIMIT 1", "t", name);
		if (!area)
			db_get_i64(im->c, &eq, "SELECT id FROM equipment WHERE (name = ? OR code = ?) AND active = 1 ORDER BY id LIMIT 1",
				   "tt", name, name);
		if (db_exec(im->c, "INSERT INTO risk_objects (kind, name, unit_id, area_id, equipment_id, resp_user_id, created_by,"
				   " created_at, updated_at) VALUES (?, ?, ?, NULLIF(?, 0), NULLIF(?, 0), NULLIF(?, 0), NULLIF(?, 0), ?, ?)",
			    "ttIIIIIII", area ? "area" : eq ? "equipment" : "facility", name, im->unit_id, area, eq, resp,
			    im->a->user_id, now, now) != DB_OK)
			return -1;
		im->out->objects++;
		return db_last_id(im->c);
	}
	if (db_get_i64(im->c, &id, "SELECT id FROM risk_units WHERE object_id = ? AND name = ? AND active = 1 ORDER BY id LIMIT 1",
		       "It", im->object, name) == 1)
		return id;
	if (db_exec(im->c, "INSERT INTO risk_units (object_id, name, resp_user_id, created_by, created_at, updated_at)"
			   " VALUES (?, ?, NULLIF(?, 0), NULLIF(?, 0), ?, ?)", "ItIIII", im->object, name, resp, im->a->user_id,
		    now, now) != DB_OK)
		return -1;
	im->out->units++;
	return db_last_id(im->c);
}

static int on_row(void *ctx, int rownum, int ncells, const char *const *cells)
{
	struct imp *im = ctx;
	if (!im->header_row) {
		if (header(im, ncells, cells))
			im->header_row = rownum;
		else if (rownum >= 10)
			return 1;	/* no header in the first ten rows: not a register */
		return 0;
	}
	int empty = 1;
	for (int i = 0; i < ncells && empty; i++)
		empty = !*cells[i];
	if (empty)
		return 0;
	/* one transaction holds the database's write lock: a register past this size is imported
	 * unit by unit (5,000 rows take about a second) */
	if (im->out->rows >= im->max_rows) {
		bad(im, rownum, -1, "risk.import.err_rows");
		return 1;
	}
	im->out->rows++;
	int errs = im->out->nerrors;
	const char *obj = cellv(im, C_OBJECT, ncells, cells), *unit = cellv(im, C_UNIT, ncells, cells);
	const char *ev = cellv(im, C_EVENT, ncells, cells), *measure = cellv(im, C_MEASURE, ncells, cells);
	/* an empty 风险点 or 危险源 continues the row above (a merged cell) */
	if (!*obj)
		obj = im->last_object;
	if (!*ev && !strcmp(obj, im->last_object))
		ev = im->last_event;
	if (!*unit)
		unit = !strcmp(obj, im->last_object) && *im->last_unit ? im->last_unit : obj;
	if (!*obj) {
		bad(im, rownum, C_OBJECT, "risk.import.err_required");
		return 0;
	}
	if (!*ev) {
		bad(im, rownum, C_EVENT, "risk.import.err_required");
		return 0;
	}
	if (utf8_chars(obj) > 100 || utf8_chars(unit) > 100) {
		bad(im, rownum, utf8_chars(obj) > 100 ? C_OBJECT : C_UNIT, "risk.import.err_too_long");
		return 0;
	}
	if (utf8_chars(ev) > 200 || utf8_chars(measure) > 1000) {
		bad(im, rownum, utf8_chars(ev) > 200 ? C_EVENT : C_MEASURE, "risk.import.err_too_long");
		return 0;
	}
	int same_event = !strcmp(obj, im->last_object) && !strcmp(unit, im->last_unit) && !strcmp(ev, im->last_event) &&
			 im->event > 0;
	int64_t resp = person(im, cellv(im, C_RESP, ncells, cells));
	if (resp < 0)
		bad(im, rownum, C_RESP, "risk.import.err_person");
	const char *cls = class_of_words(cellv(im, C_CLASS, ncells, cells));
	if (!cls)
		bad(im, rownum, C_CLASS, "risk.import.err_class");
	const char *clw = cellv(im, C_CL, ncells, cells);
	const char *cl = *clw ? control_of_words(clw) : NULL;
	if (*clw && !cl)
		bad(im, rownum, C_CL, "risk.import.err_control");

	/* the assessment, on an event's first row */
	struct risk_scores sc = {.l = 0};
	struct risk_result res = {0};
	int scored = 0;
	if (!same_event) {
		/* LS when the row carries S and no E or C; else LEC */
		int lec = !(*cellv(im, C_S, ncells, cells) && !*cellv(im, C_E, ncells, cells) && !*cellv(im, C_C, ncells, cells));
		snprintf(sc.method, sizeof(sc.method), "%s", lec ? "LEC" : "LS");
		const char *fld = NULL;
		int rl = number(cellv(im, C_L, ncells, cells), &sc.l);
		int r2 = lec ? number(cellv(im, C_E, ncells, cells), &sc.e) : number(cellv(im, C_S, ncells, cells), &sc.s);
		int r3 = lec ? number(cellv(im, C_C, ncells, cells), &sc.c) : 0;
		if (rl == 1 && r2 == 1 && r3 == 1) {
			/* no scores: the event is registered unassessed */
		} else if (rl) {
			bad(im, rownum, C_L, "risk.import.err_score");
		} else if (r2) {
			bad(im, rownum, lec ? C_E : C_S, "risk.import.err_score");
		} else if (r3) {
			bad(im, rownum, C_C, "risk.import.err_score");
		} else if (strcmp(im->bs.method, sc.method) && risk_band_set_in_use(im->c, sc.method, &im->bs)) {
			bad(im, rownum, C_L, "risk.import.err_score");
		} else if (risk_evaluate(&im->bs, &sc, &res, &fld)) {
			bad(im, rownum, !strcmp(fld, "l") ? C_L : !strcmp(fld, "e") ? C_E : !strcmp(fld, "c") ? C_C : C_S,
			    "risk.import.err_score");
		} else {
			scored = 1;
			double d;
			if (number(cellv(im, C_D, ncells, cells), &d) == 0 && fabs(d - res.value) > 0.01)
				bad(im, rownum, C_D, "risk.import.err_d");
			const char *lw = cellv(im, C_LEVEL, ncells, cells);
			if (*lw && (!level_of_words(lw) || strcmp(level_of_words(lw), res.level)))
				bad(im, rownum, C_LEVEL, "risk.import.err_level");
			if (cl && !risk_control_level_allowed(res.level, cl))
				bad(im, rownum, C_CL, "risk.import.err_major_company");
		}
	}
	int64_t first = 0, acc[8];
	int nacc = 0;
	if (!same_event && accidents(im, cellv(im, C_ACCIDENT, ncells, cells), &first, acc, &nacc))
		bad(im, rownum, C_ACCIDENT, "risk.import.err_accident");
	if (im->out->nerrors > errs || im->failed_db)
		return 0;	/* checked on; nothing more stored (the transaction rolls back at the end) */

	/* store */
	int64_t now = im->a->now;
	if (!same_event) {
		if (strcmp(obj, im->last_object)) {
			im->object = find_or_make(im, 1, obj, resp);
			snprintf(im->last_object, sizeof(im->last_object), "%s", obj);
			im->last_unit[0] = 0;
		}
		if (im->object < 0 || (im->runit = find_or_make(im, 0, unit, resp)) < 0) {
			im->failed_db = 1;
			return 0;
		}
		snprintf(im->last_unit, sizeof(im->last_unit), "%s", unit);
		snprintf(im->last_event, sizeof(im->last_event), "%s", ev);
		int64_t id = 0;
		if (db_get_i64(im->c, &id, "SELECT id FROM risk_events WHERE risk_unit_id = ? AND name = ? AND active = 1"
					   " ORDER BY id LIMIT 1", "It", im->runit, ev) != 1) {
			if (db_exec(im->c, "INSERT INTO risk_events (risk_unit_id, name, accident_type_id, consequence, created_by,"
					   " created_at, updated_at) VALUES (?, ?, NULLIF(?, 0), ?, NULLIF(?, 0), ?, ?)", "ItItIII",
				    im->runit, ev, first, cellv(im, C_ACCIDENT, ncells, cells), im->a->user_id, now, now) != DB_OK) {
				im->failed_db = 1;
				return 0;
			}
			id = db_last_id(im->c);
			im->out->events++;
			for (int i = 0; i < nacc; i++)
				if (db_exec(im->c, "INSERT INTO risk_event_accidents (event_id, accident_type_id) VALUES (?, ?)"
						   " ON CONFLICT DO NOTHING", "II", id, acc[i]) != DB_OK)
					im->failed_db = 1;
		}
		im->event = id;
		if (scored) {
			/* a new version only when the values changed */
			int64_t same = 0;
			db_get_i64(im->c, &same, "SELECT count(*) FROM risk_events WHERE id = ? AND value = ? AND method = ?", "Idt",
				   id, res.value, sc.method);
			if (!same) {
				struct risk_assess_in in = {.event_id = id, .scores = sc, .reason = "import", .control_level = cl};
				const char *fld = NULL;
				int64_t aid = 0;
				int rc = risk_assess(im->a, &in, &aid, &fld);
				if (rc == -1)
					bad(im, rownum, C_CL, "risk.import.err_major_company");
				else if (rc)
					im->failed_db = 1;
				else if (im->approver && risk_needs_approval(res.level) && risk_approve(im->a, aid, 1, "import"))
					im->failed_db = 1;
			}
		}
	}
	if (*measure && !im->failed_db) {
		int64_t have = 0;
		db_get_i64(im->c, &have, "SELECT count(*) FROM risk_measures WHERE event_id = ? AND description = ?", "It",
			   im->event, measure);
		if (!have) {
			if (db_exec(im->c, "INSERT INTO risk_measures (event_id, description, classify1, control_level, resp_user_id,"
					   " created_by, created_at, updated_at) VALUES (?, ?, ?, ?, NULLIF(?, 0), NULLIF(?, 0), ?, ?)",
				    "ItttIIII", im->event, measure, cls, cl ? cl : "team", resp,
				    im->a->user_id, now, now) != DB_OK)
				im->failed_db = 1;
			else
				im->out->measures++;
		}
	}
	return 0;
}

int risk_import(const struct actor *a, const char *data, size_t len, int64_t unit_id, int dry_run,
		struct risk_import_report *out)
{
	memset(out, 0, sizeof(*out));
	struct imp im = {.a = a, .c = a->db, .unit_id = unit_id, .dry_run = dry_run, .out = out};
	char *list = NULL;
	db_get_text(a->db, &list, "SELECT value FROM settings WHERE key = 'risk.accident_list'", NULL);
	im.accident_list = list && !strcmp(list, "1986") ? "1986" : "2025";
	free(list);
	im.approver = actor_has(a, "risk.approve");
	im.max_rows = RISK_IMPORT_MAX_ROWS;
	char *mr = NULL;
	if (db_get_text(a->db, &mr, "SELECT value FROM settings WHERE key = 'risk.import_max_rows'", NULL) == 1 && mr &&
	    strtoll(mr, NULL, 10) > 0)
		im.max_rows = strtoll(mr, NULL, 10);
	free(mr);
	char *m = NULL;
	db_get_text(a->db, &m, "SELECT value FROM settings WHERE key = 'risk.method'", NULL);
	if (risk_band_set_in_use(a->db, m && !strcmp(m, "LS") ? "LS" : "LEC", &im.bs)) {
		free(m);
		return -2;
	}
	free(m);
	if (db_begin(a->db) != DB_OK)
		return -2;
	struct sheet_error err = {0};
	int xlsx = len >= 4 && !memcmp(data, "PK\x03\x04", 4);
	int rc = xlsx ? xlsx_read(data, len, NULL, on_row, &im, &err) : csv_read(data, len, NULL, on_row, &im, &err);
	if (rc || !im.header_row) {
		db_rollback(a->db);
		if (!rc || !out->nerrors)
			bad(&im, 0, -1, err.key ? err.key : "risk.import.err_header");
		return -1;
	}
	if (im.failed_db) {
		db_rollback(a->db);
		return -2;
	}
	if (out->nerrors || dry_run) {
		db_rollback(a->db);
		return out->nerrors ? 1 : 0;
	}
	char sum[160];
	snprintf(sum, sizeof(sum), "rows %d: objects %d, units %d, events %d, measures %d", out->rows, out->objects, out->units,
		 out->events, out->measures);
	if (actor_audit(a, "risk_register", unit_id, "import", sum) != DB_OK || db_commit(a->db) != DB_OK) {
		db_rollback(a->db);
		return -2;
	}
	return 0;
}
