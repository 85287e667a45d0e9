/*
 * accident.c — storing incidents and near misses and moving them through their life: the
 * report (level, one-hour clock, named injured, photo), the external report, the four steps
 * of 四不放过, corrective actions, closing. Each change is one transaction with its audit entry
 * and its notifications; the rules themselves are in accident_level.c.
 */
#include "accident/accident.h"
#include "auth/actor.h"
#include "base/clock.h"
#include "base/day.h"
#include "base/text.h"
#include "db/db.h"
#include "hazard/hazard.h"
#include "notify/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const accident_steps[4] = {"cause", "responsibility", "lessons", "measures"};

int64_t accident_company_of(struct db *c, int64_t unit_id)
{
	int64_t unit = unit_id, last = unit_id;
	for (int depth = 0; unit && depth < 32; depth++) {
		char *kind = NULL;
		int64_t parent = 0;
		if (db_get_text(c, &kind, "SELECT kind FROM units WHERE id = ?", "I", unit) != 1)
			break;
		int company = !strcmp(kind, "company");
		free(kind);
		if (company)
			return unit;
		last = unit;
		db_get_i64(c, &parent, "SELECT coalesce(parent_id, 0) FROM units WHERE id = ?", "I", unit);
		unit = parent;
	}
	return last;
}

int accident_reporters(struct db *c, int64_t company_id, int64_t *ids, int max)
{
	int n = 0;
	int64_t cand[64];
	int nc = 0;
	struct db_stmt *st = db_query(c, "SELECT us.id FROM users us JOIN units uu ON uu.id = us.unit_id"
				       " JOIN units cu ON cu.id = ? WHERE us.active = 1 AND uu.path LIKE cu.path || '%'"
				       " ORDER BY us.id", "I", company_id);
	while (st && db_step(st) == 1 && nc < 64)
		cand[nc++] = db_col_i64(st, 0);
	db_done(c, st);
	for (int i = 0; i < nc && n < max; i++)
		if (actor_user_has(c, cand[i], "accident.external"))
			ids[n++] = cand[i];
	return n;
}

static int bad(struct accident_err *e, int status, const char *key, const char *field)
{
	e->status = status;
	e->key = key;
	e->field = field;
	return -1;
}

static int valid_injury(const char *s)
{
	return s && (!strcmp(s, "death") || !strcmp(s, "serious") || !strcmp(s, "minor"));
}

static int notify_reporters(const struct actor *a, int64_t id, int64_t company, const char *what)
{
	int64_t ids[32];
	int n = accident_reporters(a->db, company, ids, 32);
	char key[96], link[48];
	snprintf(link, sizeof(link), "/incidents/%lld", (long long)id);
	for (int i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "incident:%lld:report:%lld", (long long)id, (long long)ids[i]);
		if (notify_send(a->db, ids[i], &(struct notify_msg){"accident.report", "accident.notify_report", what,
								    "accident.notify_report_body", NULL, link, key}) < 0)
			return -1;
	}
	return 0;
}

int64_t accident_create(const struct actor *a, const struct accident_new *in, const char **field,
			const char **key)
{
	struct db *c = a->db;
	int64_t unit = 0, ok = 0;
	if (!in->what || !*in->what) {
		*field = "what";
		*key = "form.err_required";
		return -1;
	}
	if (utf8_chars(in->what) > 500) {
		*field = "what";
		*key = "accident.err_too_long";
		return -1;
	}
	if (in->area_id <= 0 || db_get_i64(c, &unit, "SELECT unit_id FROM areas WHERE id = ? AND active = 1", "I",
					   in->area_id) != 1) {
		*field = "area_id";
		*key = in->area_id <= 0 ? "form.err_required" : "accident.err_unknown";
		return -1;
	}
	if (!in->type_code || !*in->type_code) {
		*field = "type_code";
		*key = "form.err_required";
		return -1;
	}
	if (db_get_i64(c, &ok, "SELECT count(*) FROM accident_types WHERE code = ? AND active = 1", "t", in->type_code) != 1 ||
	    !ok) {
		*field = "type_code";
		*key = "accident.err_unknown";
		return -1;
	}
	/* a new report takes its type from the edition in force (accident.type_edition); the
	 * other edition's rows stay for the incidents reported under it */
	if (db_get_i64(c, &ok, "SELECT count(*) FROM accident_types WHERE code = ? AND edition = ?", "tt", in->type_code,
		       accident_type_edition(c)) != 1 ||
	    !ok) {
		*field = "type_code";
		*key = "accident.err_edition";
		return -1;
	}
	/* a report is of what happened: a time ahead of the clock (beyond a phone's drift) is a typo */
	if (in->occurred_at > a->now + 600 || in->occurred_at < a->now - 366LL * 86400) {
		*field = "occurred_at";
		*key = "accident.err_when";
		return -1;
	}
	int named[3] = {0, 0, 0};
	for (int i = 0; i < in->npeople; i++) {
		const struct accident_person *p = &in->people[i];
		if (!p->name || !*p->name || utf8_chars(p->name) > 64 || !valid_injury(p->injury)) {
			*field = "people";
			*key = "accident.err_person";
			return -1;
		}
		named[!strcmp(p->injury, "death") ? 0 : !strcmp(p->injury, "serious") ? 1 : 2]++;
	}
	if (accident_casualties_check(in->near_miss, in->counts, named, in->loss_yuan, field, key))
		return -1;
	if (in->photo_sha) {
		struct hazard_photo_in p = {.sha = in->photo_sha};
		if (strlen(in->photo_sha) != 64 || hazard_photos_check(c, a->user_id, &p, 1, key)) {
			*field = "photo";
			*key = "hazard.photo_not_uploaded";
			return -1;
		}
	}
	enum accident_level lv = in->near_miss ? ACCIDENT_NONE
					       : accident_level_of(in->counts[0], in->counts[1], in->loss_yuan);
	int reportable = !in->near_miss && accident_reportable((int)in->counts[0], (int)in->counts[1],
								 in->mark_reportable);
	int64_t company = accident_company_of(c, unit);
	if (db_begin(c) != DB_OK)
		return -2;
	char sha[65] = "";
	if (in->image) {
		if (hazard_store_image(c, (const struct hazard_image *)in->image, sha))
			goto fail;
	} else if (in->photo_sha) {
		snprintf(sha, sizeof(sha), "%s", in->photo_sha);
	}
	if (db_exec(c, "INSERT INTO incidents (kind, what, area_id, unit_id, company_id, occurred_at, type_code, deaths,"
		       " serious, minor, loss_yuan, level, photo_sha, reporter_id, reported_at, reportable, report_due)"
		       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		    "ttIIIItIIIIttIIiI", in->near_miss ? "near_miss" : "accident", in->what, in->area_id, unit, company,
		    in->occurred_at, in->type_code, in->counts[0], in->counts[1], in->counts[2], in->loss_yuan,
		    accident_level_code(lv), *sha ? sha : NULL, a->user_id, a->now, reportable,
		    reportable ? a->now + ACCIDENT_REPORT_SECONDS : 0) != DB_OK)
		goto fail;
	int64_t id = db_last_id(c);
	if (!reportable && db_exec(c, "UPDATE incidents SET report_due = NULL WHERE id = ?", "I", id) != DB_OK)
		goto fail;
	for (int i = 0; i < in->npeople; i++)
		if (db_exec(c, "INSERT INTO incident_people (incident_id, name, injury) VALUES (?, ?, ?)", "Itt", id,
			    in->people[i].name, in->people[i].injury) != DB_OK)
			goto fail;
	char sum[160];
	snprintf(sum, sizeof(sum), "%s level=%s deaths=%lld serious=%lld minor=%lld loss=%lld reportable=%d",
		 in->near_miss ? "near_miss" : "accident", accident_level_code(lv), (long long)in->counts[0],
		 (long long)in->counts[1], (long long)in->counts[2], (long long)in->loss_yuan, reportable);
	if (actor_audit(a, "incident", id, "create", sum) != DB_OK)
		goto fail;
	if (reportable && notify_reporters(a, id, company, in->what))
		goto fail;
	/* a near miss reported is praised: points on the one ledger the rankings sum (积分,
	 * 0100_hazards.sql), once per report, never taken away for an accident */
	if (in->near_miss && a->user_id) {
		char reason[48];
		snprintf(reason, sizeof(reason), "near_miss:%lld", (long long)id);
		if (db_exec(c, "INSERT INTO points (user_id, unit_id, hazard_id, reason, points, at)"
			       " SELECT id, unit_id, NULL, ?, ?, ? FROM users WHERE id = ?", "tIII", reason,
			    hazard_setting(c, "accident.points.near_miss", ACCIDENT_NEAR_MISS_POINTS), a->now,
			    a->user_id) != DB_OK)
			goto fail;
	}
	if (db_commit(c) != DB_OK)
		return -2;
	return id;
fail:
	db_rollback(c);
	return -2;
}

/* The incident's status and whether it is reportable; 0, or -1 (404). */
static int load_state(struct db *c, int64_t id, char status[16], int *reportable, int64_t *reported)
{
	struct db_stmt *st = db_query(c, "SELECT status, reportable, coalesce(ext_reported_at, 0) FROM incidents WHERE id = ?",
				      "I", id);
	int rc = -1;
	if (st && db_step(st) == 1) {
		snprintf(status, 16, "%s", db_col_text(st, 0));
		*reportable = (int)db_col_i64(st, 1);
		*reported = db_col_i64(st, 2);
		rc = 0;
	}
	db_done(c, st);
	return rc;
}

/* After the caller's one write inside db_begin(): its audit entry and the commit. 0, or -1
 * with e (503) and everything rolled back. */
static int write_end(const struct actor *a, int rc, const char *entity, int64_t eid, const char *action,
		     const char *summary, struct accident_err *e)
{
	if (rc != DB_OK || db_changes(a->db) != 1 || actor_audit(a, entity, eid, action, summary) != DB_OK) {
		db_rollback(a->db);
		return bad(e, 503, "error.unavailable", NULL);
	}
	return db_commit(a->db) == DB_OK ? 0 : bad(e, 503, "error.unavailable", NULL);
}

int accident_mark_reported(const struct actor *a, int64_t id, const char *note, struct accident_err *e)
{
	char status[16];
	int reportable;
	int64_t reported;
	if (load_state(a->db, id, status, &reportable, &reported))
		return bad(e, 404, "error.not_found", NULL);
	if (!reportable)
		return bad(e, 409, "accident.err_not_reportable", NULL);
	if (reported)
		return bad(e, 409, "accident.err_already_reported", NULL);
	if (!note || !*note)
		return bad(e, 422, "form.err_required", "note");
	if (utf8_chars(note) > 500)
		return bad(e, 422, "accident.err_too_long", "note");
	if (db_begin(a->db) != DB_OK)
		return bad(e, 503, "error.unavailable", NULL);
	int rc = db_exec(a->db, "UPDATE incidents SET ext_reported_at = ?, ext_reported_by = ?, ext_note = ?"
				" WHERE id = ? AND ext_reported_at IS NULL", "IItI", a->now, a->user_id, note, id);
	return write_end(a, rc, "incident", id, "report_external", note, e);
}

int accident_record_step(const struct actor *a, int64_t id, const char *step, const char *text,
			 const char *root_cause, struct accident_err *e)
{
	char status[16];
	int reportable;
	int64_t reported;
	if (load_state(a->db, id, status, &reportable, &reported))
		return bad(e, 404, "error.not_found", NULL);
	if (!strcmp(status, "closed"))
		return bad(e, 409, "accident.err_closed", NULL);
	int k = -1;
	for (int i = 0; i < 4; i++)
		if (step && !strcmp(step, accident_steps[i]))
			k = i;
	if (k < 0)
		return bad(e, 422, "accident.err_unknown", "step");
	if (!text || !*text)
		return bad(e, 422, "form.err_required", "text");
	if (utf8_chars(text) > 4000)
		return bad(e, 422, "accident.err_too_long", "text");
	if (k == 0) {
		int64_t ok = 0;
		if (!root_cause || !*root_cause)
			return bad(e, 422, "form.err_required", "root_cause");
		if (db_get_i64(a->db, &ok, "SELECT count(*) FROM accident_causes WHERE code = ?", "t", root_cause) != 1 || !ok)
			return bad(e, 422, "accident.err_unknown", "root_cause");
	}
	static const char *const sql[4] = {
		"UPDATE incidents SET cause_note = ?, root_cause = ?, cause_at = ? WHERE id = ?",
		"UPDATE incidents SET responsibility_note = ?, responsibility_at = ? WHERE id = ?",
		"UPDATE incidents SET lessons_note = ?, lessons_at = ? WHERE id = ?",
		"UPDATE incidents SET measures_note = ?, measures_at = ? WHERE id = ?",
	};
	char action[32];
	snprintf(action, sizeof(action), "step_%s", step);
	if (db_begin(a->db) != DB_OK)
		return bad(e, 503, "error.unavailable", NULL);
	int rc = k == 0 ? db_exec(a->db, sql[0], "ttII", text, root_cause, a->now, id)
			: db_exec(a->db, sql[k], "tII", text, a->now, id);
	return write_end(a, rc, "incident", id, action, text, e);
}

int64_t accident_action_add(const struct actor *a, int64_t id, const char *title, int64_t owner_id,
			    int64_t due_day, struct accident_err *e)
{
	char status[16];
	int reportable;
	int64_t reported, ok = 0;
	if (load_state(a->db, id, status, &reportable, &reported))
		return bad(e, 404, "error.not_found", NULL);
	if (!strcmp(status, "closed"))
		return bad(e, 409, "accident.err_closed", NULL);
	if (!title || !*title)
		return bad(e, 422, "form.err_required", "title");
	if (utf8_chars(title) > 200)
		return bad(e, 422, "accident.err_too_long", "title");
	if (owner_id <= 0)
		return bad(e, 422, "form.err_required", "owner_id");
	if (db_get_i64(a->db, &ok, "SELECT count(*) FROM users WHERE id = ? AND active = 1", "I", owner_id) != 1 || !ok)
		return bad(e, 422, "accident.err_unknown", "owner_id");
	if (due_day <= 0)
		return bad(e, 422, "form.err_required", "due");
	if (due_day < day_of(a->now))
		return bad(e, 422, "accident.err_due_past", "due");
	if (db_begin(a->db) != DB_OK)
		return bad(e, 503, "error.unavailable", NULL);
	char link[48], key[64], sum[256];
	if (db_exec(a->db, "INSERT INTO incident_actions (incident_id, title, owner_id, due_day, created_by, created_at)"
			   " VALUES (?, ?, ?, ?, ?, ?)", "ItIIII", id, title, owner_id, due_day, a->user_id, a->now) != DB_OK)
		goto fail;
	int64_t aid = db_last_id(a->db);
	snprintf(sum, sizeof(sum), "action %lld owner=%lld: %s", (long long)aid, (long long)owner_id, title);
	snprintf(link, sizeof(link), "/incidents/%lld", (long long)id);
	snprintf(key, sizeof(key), "incident_action:%lld:assigned", (long long)aid);
	if (actor_audit(a, "incident", id, "action_add", sum) != DB_OK ||
	    notify_send(a->db, owner_id, &(struct notify_msg){"accident.action", "accident.notify_action", title,
							      "accident.notify_action_body", NULL, link, key}) < 0)
		goto fail;
	if (db_commit(a->db) != DB_OK)
		return bad(e, 503, "error.unavailable", NULL);
	return aid;
fail:
	db_rollback(a->db);
	return bad(e, 503, "error.unavailable", NULL);
}

int accident_action_done(const struct actor *a, int64_t action_id, const char *note, struct accident_err *e)
{
	int64_t incident = 0, owner = 0;
	char *st = NULL;
	struct db_stmt *q = db_query(a->db, "SELECT incident_id, owner_id, status FROM incident_actions WHERE id = ?", "I",
				     action_id);
	if (q && db_step(q) == 1) {
		incident = db_col_i64(q, 0);
		owner = db_col_i64(q, 1);
		st = strdup(db_col_text(q, 2));
	}
	db_done(a->db, q);
	if (!incident) {
		free(st);
		return bad(e, 404, "error.not_found", NULL);
	}
	int done = st && !strcmp(st, "done");
	free(st);
	if (done)
		return bad(e, 409, "accident.err_action_done", NULL);
	/* the owner closes their own action; the investigators may close any */
	if (owner != a->user_id && !actor_has(a, "accident.investigate"))
		return bad(e, 403, "error.forbidden", NULL);
	if (!note || !*note)
		return bad(e, 422, "form.err_required", "note");
	if (utf8_chars(note) > 1000)
		return bad(e, 422, "accident.err_too_long", "note");
	char sum[64];
	snprintf(sum, sizeof(sum), "action %lld done", (long long)action_id);
	if (db_begin(a->db) != DB_OK)
		return bad(e, 503, "error.unavailable", NULL);
	int rc = db_exec(a->db, "UPDATE incident_actions SET status = 'done', done_at = ?, done_by = ?, done_note = ?"
				" WHERE id = ? AND status = 'open'", "IItI", a->now, a->user_id, note, action_id);
	return write_end(a, rc, "incident", incident, "action_done", sum, e);
}

int accident_close(const struct actor *a, int64_t id, struct accident_err *e)
{
	char status[16];
	int reportable;
	int64_t reported, open = 0;
	if (load_state(a->db, id, status, &reportable, &reported))
		return bad(e, 404, "error.not_found", NULL);
	if (!strcmp(status, "closed"))
		return bad(e, 409, "accident.err_closed", NULL);
	if (reportable && !reported)
		return bad(e, 409, "accident.err_close_unreported", NULL);
	/* 四不放过: 原因未查清、责任人员未处理、整改措施未落实、有关人员未受到教育不放过 — each
	 * step recorded before the case is closed, the first missing one named */
	static const char *const sql[4] = {
		"SELECT count(*) FROM incidents WHERE id = ? AND cause_at IS NOT NULL",
		"SELECT count(*) FROM incidents WHERE id = ? AND responsibility_at IS NOT NULL",
		"SELECT count(*) FROM incidents WHERE id = ? AND lessons_at IS NOT NULL",
		"SELECT count(*) FROM incidents WHERE id = ? AND measures_at IS NOT NULL",
	};
	for (int i = 0; i < 4; i++) {
		int64_t have = 0;
		if (db_get_i64(a->db, &have, sql[i], "I", id) != 1 || !have)
			return bad(e, 409, "accident.err_step_missing", accident_steps[i]);
	}
	if (db_get_i64(a->db, &open, "SELECT count(*) FROM incident_actions WHERE incident_id = ? AND status = 'open'", "I",
		       id) != 1 || open)
		return bad(e, 409, "accident.err_actions_open", "actions");
	if (db_begin(a->db) != DB_OK)
		return bad(e, 503, "error.unavailable", NULL);
	if (db_exec(a->db, "UPDATE incidents SET status = 'closed', closed_at = ?, closed_by = ? WHERE id = ? AND status = 'open'",
		    "III", a->now, a->user_id, id) != DB_OK || db_changes(a->db) != 1 ||
	    actor_audit(a, "incident", id, "close", "closed") != DB_OK) {
		db_rollback(a->db);
		return bad(e, 503, "error.unavailable", NULL);
	}
	return db_commit(a->db) == DB_OK ? 0 : bad(e, 503, "error.unavailable", NULL);
}
