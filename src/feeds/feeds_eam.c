/*
 * feeds_eam.c — equipment from the EAM (设备资产管理系统): code, name, type, area,
 * special-equipment class and last maintenance date, matched by code, applied in one
 * transaction as the HR feed is (feeds.h).
 *
 * The area must exist (it gives the device its responsible unit, the data scope of every
 * hazard and permit on it); the special-equipment class must be one of equip_kinds (by code
 * or by name), since it decides the periodic inspection interval (特种设备安全法 §40). A device
 * the EAM marks as retired (报废/停用) is deactivated; one the EAM no longer lists is left
 * alone, because equipment is also registered by hand.
 */
#include "feeds/feeds.h"
#include "auth/actor.h"
#include "base/day.h"
#include "base/strbuf.h"
#include "base/text.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define V(r, k) ((r)->f[k] ? (r)->f[k] : "")

static const char *fld(int k)
{
	return feeds_fields(FEEDS_EAM)[k];
}

static int parse_status(const char *s)
{
	static const char *const on[] = {"", "在用", "运行", "active", "1", NULL};
	static const char *const off[] = {"报废", "停用", "retired", "inactive", "0", NULL};
	for (int i = 0; on[i]; i++)
		if (!strcmp(s, on[i]))
			return 1;
	for (int i = 0; off[i]; i++)
		if (!strcmp(s, off[i]))
			return 0;
	return -1;
}

/* the equip_kinds code of a class text ("" → keep), malloc'd; NULL when unknown */
static char *kind_of(struct db *c, const char *s)
{
	char *code = NULL;
	if (!*s)
		return xstrdup("");
	if (db_get_text(c, &code, "SELECT min(code) FROM equip_kinds WHERE code = ?1 OR name_zh = ?1 OR name_en = ?1"
				  " HAVING count(*) > 0", "t", s) == 1 && code)
		return code;
	free(code);
	return NULL;
}

struct eam_row {
	int64_t area, unit, day;
	char *kind;
	int active;
};

static int check_row(struct db *c, const struct feeds_row *r, struct feeds_result *res, struct eam_row *e)
{
	int before = res->nproblems;
	e->day = DAY_NONE;
	e->active = parse_status(V(r, EAM_STATUS));
	if (!*V(r, EAM_CODE))
		feeds_problem(res, r->line, fld(EAM_CODE), "feeds.missing_value", "");
	else if (strlen(V(r, EAM_CODE)) > 40)
		feeds_problem(res, r->line, fld(EAM_CODE), "feeds.too_long", V(r, EAM_CODE));
	if (!*V(r, EAM_NAME))
		feeds_problem(res, r->line, fld(EAM_NAME), "feeds.missing_value", "");
	else if (utf8_chars(V(r, EAM_NAME)) > 100)
		feeds_problem(res, r->line, fld(EAM_NAME), "feeds.too_long", V(r, EAM_NAME));
	if (utf8_chars(V(r, EAM_TYPE)) > 60)
		feeds_problem(res, r->line, fld(EAM_TYPE), "feeds.too_long", V(r, EAM_TYPE));
	if (*V(r, EAM_AREA)) {
		struct db_stmt *st = db_query(c, "SELECT id, unit_id FROM areas WHERE name = ? AND active = 1 ORDER BY id LIMIT 1",
					      "t", V(r, EAM_AREA));
		if (st && db_step(st) == 1) {
			e->area = db_col_i64(st, 0);
			e->unit = db_col_i64(st, 1);
		}
		db_done(c, st);
		if (!e->area)
			feeds_problem(res, r->line, fld(EAM_AREA), "feeds.eam.unknown_area", V(r, EAM_AREA));
	}
	if (!(e->kind = kind_of(c, V(r, EAM_CLASS))))
		feeds_problem(res, r->line, fld(EAM_CLASS), "feeds.eam.unknown_class", V(r, EAM_CLASS));
	if (*V(r, EAM_MAINTAINED) && day_parse(V(r, EAM_MAINTAINED), &e->day))
		feeds_problem(res, r->line, fld(EAM_MAINTAINED), "feeds.bad_date", V(r, EAM_MAINTAINED));
	if (e->active < 0)
		feeds_problem(res, r->line, fld(EAM_STATUS), "feeds.bad_status", V(r, EAM_STATUS));
	return res->nproblems != before;
}

static int apply_row(const struct actor *a, const struct feeds_row *r, const struct eam_row *e, struct feeds_result *res)
{
	struct db *c = a->db;
	struct db_stmt *st = db_query(c, "SELECT id, name, kind, COALESCE(area_id, 0), active FROM equipment WHERE code = ?",
				      "t", V(r, EAM_CODE));
	int found = st && db_step(st) == 1;
	int64_t id = 0;
	struct strbuf diff = STRBUF_INIT;
	if (found) {
		id = db_col_i64(st, 0);
		if (strcmp(db_col_text(st, 1), V(r, EAM_NAME)))
			sb_addf(&diff, "name: %s → %s; ", db_col_text(st, 1), V(r, EAM_NAME));
		if (*e->kind && strcmp(db_col_text(st, 2), e->kind))
			sb_addf(&diff, "class → %s; ", e->kind);
		if (e->area && db_col_i64(st, 3) != e->area)
			sb_addf(&diff, "area → %s; ", V(r, EAM_AREA));
		if (db_col_i64(st, 4) != e->active)
			sb_addf(&diff, e->active ? "reactivated; " : "retired; ");
	}
	db_done(c, st);
	int rc = DB_OK;
	if (!found) {
		if (!e->area) {
			feeds_problem(res, r->line, fld(EAM_AREA), "feeds.missing_value", "");
			sb_release(&diff);
			return -1;
		}
		rc = db_exec(c, "INSERT INTO equipment (code, name, kind, area_id, unit_id, active, created_at)"
			       " VALUES (?, ?, ?, ?, ?, ?, ?)", "tttIIiI", V(r, EAM_CODE), V(r, EAM_NAME),
			     *e->kind ? e->kind : "general", e->area, e->unit, e->active, a->now);
		id = db_last_id(c);
		res->created++;
		feeds_change(res, V(r, EAM_CODE), "create", V(r, EAM_NAME));
	} else if (diff.len) {
		rc = db_exec(c, "UPDATE equipment SET name = ?1, kind = CASE WHEN ?2 = '' THEN kind ELSE ?2 END,"
			       " area_id = CASE WHEN ?3 = 0 THEN area_id ELSE ?3 END,"
			       " unit_id = CASE WHEN ?3 = 0 THEN unit_id ELSE ?4 END, active = ?5 WHERE id = ?6",
			     "ttIIiI", V(r, EAM_NAME), e->kind, e->area, e->unit, e->active, id);
		if (e->active)
			res->updated++;
		else
			res->deactivated++;
		feeds_change(res, V(r, EAM_CODE), e->active ? "update" : "deactivate", diff.buf);
	}
	sb_release(&diff);
	if (rc != DB_OK)
		return -1;
	return db_exec(c, "INSERT INTO feeds_equipment (equipment_id, eam_type, maintained_on, updated_at)"
			  " VALUES (?1, ?2, NULLIF(?3, -1000000), ?4) ON CONFLICT (equipment_id) DO UPDATE SET"
			  " eam_type = ?2, maintained_on = COALESCE(NULLIF(?3, -1000000), feeds_equipment.maintained_on),"
			  " updated_at = ?4", "ItII", id, V(r, EAM_TYPE), e->day == DAY_NONE ? (int64_t)-1000000 : e->day,
		       a->now) == DB_OK ? 0 : -1;
}

int feeds_eam_apply(const struct actor *a, const struct feeds_table *t, const struct feeds_opts *o,
		    struct feeds_result *res)
{
	struct db *c = a->db;
	struct eam_row *e = xcalloc((size_t)t->n + 1, sizeof(*e));
	int rc = -1;
	res->rows = t->n;
	for (int i = 0; i < t->n; i++) {
		check_row(c, &t->rows[i], res, &e[i]);
		for (int j = 0; j < i; j++)
			if (*V(&t->rows[i], EAM_CODE) && !strcmp(V(&t->rows[i], EAM_CODE), V(&t->rows[j], EAM_CODE))) {
				feeds_problem(res, t->rows[i].line, fld(EAM_CODE), "feeds.duplicate_key", V(&t->rows[i], EAM_CODE));
				break;
			}
	}
	if (res->nproblems || res->fatal_key)
		goto record;
	if (db_begin(c) != DB_OK) {
		res->fatal_key = "feeds.db_error";
		goto record;
	}
	for (int i = 0; i < t->n && !res->fatal_key && !res->nproblems; i++)
		if (apply_row(a, &t->rows[i], &e[i], res) && !res->nproblems)
			res->fatal_key = "feeds.db_error";
	if (res->nproblems || res->fatal_key || o->dry_run) {
		db_rollback(c);
		goto record;
	}
	char summary[160];
	snprintf(summary, sizeof(summary), "EAM %s: %d rows, %d created, %d updated, %d retired", o->via, res->rows,
		 res->created, res->updated, res->deactivated);
	/* new or changed devices are scored at the scheduler's next run, not an hour later */
	if (feeds_setting_put(c, "feeds.health.last_run", "0", a->now) != DB_OK) {
		db_rollback(c);
		res->fatal_key = "feeds.db_error";
		goto record;
	}
	res->applied = 1;
	res->run_id = feeds_run_record(c, FEEDS_EAM, o->via, o, res, a->user_id, a->now);
	if (res->run_id <= 0 || actor_audit(a, "feeds", res->run_id, "eam_import", summary) != DB_OK || db_commit(c) != DB_OK) {
		db_rollback(c);
		res->applied = 0;
		res->run_id = 0;
		res->fatal_key = "feeds.db_error";
		goto record;
	}
	rc = 0;
	goto out;
record:
	res->run_id = feeds_run_record(c, FEEDS_EAM, o->via, o, res, a->user_id, a->now);
	rc = res->nproblems || res->fatal_key ? -1 : 0;
out:
	for (int i = 0; i < t->n; i++)
		free(e[i].kind);
	free(e);
	return rc;
}
