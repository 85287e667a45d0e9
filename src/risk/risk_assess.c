/*
 * risk_assess.c — versioned assessments: a new version of an event's assessment checked
 * against the value tables and scored in the band set in use, recorded with the set and
 * version that produced its level, why it was made and the level before it. A 重大 or 较大
 * result waits for the safety department's approval before it becomes the event's current
 * level; below that it counts at once. Becoming current sets the next periodic review
 * (yearly, 重大 half-yearly by default) and, when the level changed, asks the people of the
 * place or post to confirm it (岗位风险告知, risk_ack.c).
 */
#include "risk/risk.h"
#include "auth/actor.h"
#include "base/day.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t setting(struct db *c, const char *key, int64_t def)
{
	char *v = NULL;
	int64_t n = def;
	if (db_get_text(c, &v, "SELECT value FROM settings WHERE key = ?", "t", key) == 1 && v)
		n = strtoll(v, NULL, 10);
	free(v);
	return n > 0 ? n : def;
}

int64_t risk_review_due(struct db *c, const char *level, int64_t day)
{
	int64_t months = !strcmp(level ? level : "", "major") ? setting(c, "risk.review_months_major", 6)
							      : setting(c, "risk.review_months", 12);
	return day_add_months(day, (int)months);
}

int risk_event_apply(struct db *c, int64_t assessment_id, int64_t now)
{
	struct db_stmt *st = db_query(c, "SELECT event_id, stage, level, COALESCE(old_level, ''), version FROM risk_assessments"
				    " WHERE id = ?", "I", assessment_id);
	if (!st || db_step(st) != 1) {
		db_done(c, st);
		return -1;
	}
	int64_t event = db_col_i64(st, 0);
	int inherent = !strcmp(db_col_text(st, 1), "inherent");
	char level[16], old[16];
	snprintf(level, sizeof(level), "%s", db_col_text(st, 2));
	snprintf(old, sizeof(old), "%s", db_col_text(st, 3));
	db_done(c, st);
	char *cur = NULL;
	db_get_text(c, &cur, "SELECT COALESCE(level, '') FROM risk_events WHERE id = ?", "I", event);
	int changed = !cur || strcmp(cur, level);
	free(cur);
	int rc = db_exec(c, "UPDATE risk_events SET (method, l_value, e_value, c_value, s_value, value, level, band_set_id,"
			    " band_version, control_level) = (SELECT method, l_value, e_value, c_value, s_value, value, level,"
			    " band_set_id, band_version, control_level FROM risk_assessments WHERE id = ?),"
			    " assessment_id = ?, assessed_at = ?, review_due = ?, updated_at = ? WHERE id = ?",
			 "IIIIII", assessment_id, assessment_id, now, risk_review_due(c, level, day_of(now)), now, event);
	if (rc == DB_OK && inherent)
		rc = db_exec(c, "UPDATE risk_events SET inherent_level = level, inherent_value = value WHERE id = ?", "I", event);
	if (rc != DB_OK)
		return -1;
	if (changed && risk_ack_ask(c, event, now) < 0)
		return -1;
	return 0;
}

int risk_assess(const struct actor *a, const struct risk_assess_in *in, int64_t *assessment_id, const char **field)
{
	struct db *c = a->db;
	*field = NULL;
	const char *stage = in->stage && *in->stage ? in->stage : "residual";
	const char *reason = in->reason && *in->reason ? in->reason : "change";
	static const char *const reasons[] = {"initial", "periodic", "change", "hazard", "import", NULL};
	int ok = 0;
	for (int i = 0; reasons[i]; i++)
		ok |= !strcmp(reason, reasons[i]);
	if (!ok) {
		*field = "reason";
		return -1;
	}
	if (strcmp(stage, "inherent") && strcmp(stage, "residual")) {
		*field = "stage";
		return -1;
	}
	if (in->note && strlen(in->note) > 2000) {
		*field = "note";
		return -1;
	}
	int64_t active = 0;
	if (db_get_i64(c, &active, "SELECT active FROM risk_events WHERE id = ?", "I", in->event_id) != 1 || !active)
		return -3;
	struct risk_band_set bs;
	if (strcmp(in->scores.method, "LEC") && strcmp(in->scores.method, "LS")) {
		*field = "method";
		return -1;
	}
	if (risk_band_set_in_use(c, in->scores.method, &bs))
		return -2;
	struct risk_result res;
	if (risk_evaluate(&bs, &in->scores, &res, field))
		return -1;
	const char *cl = in->control_level && *in->control_level ? in->control_level
								 : risk_default_control_level(c, res.level);
	if (!risk_control_level_allowed(res.level, cl)) {
		*field = "control_level";
		return -1;
	}
	if (in->task_id) {
		int64_t n = 0;
		if (db_get_i64(c, &n, "SELECT count(*) FROM risk_tasks WHERE id = ? AND event_id = ?", "II", in->task_id,
			       in->event_id) != 1 || !n) {
			*field = "task_id";
			return -1;
		}
	}
	int own = !db_in_tx(c);
	if (own && db_begin(c) != DB_OK)
		return -2;
	int64_t version = 0;
	db_get_i64(c, &version, "SELECT COALESCE(max(version), 0) + 1 FROM risk_assessments WHERE event_id = ?", "I",
		   in->event_id);
	int pending = risk_needs_approval(res.level);
	int lec = !strcmp(in->scores.method, "LEC");
	int rc = db_exec(c, "INSERT INTO risk_assessments (event_id, version, stage, method, l_value, e_value, c_value, s_value,"
			    " value, band_set_id, band_version, level, control_level, reason, note, task_id, old_level, old_value,"
			    " assessed_by, assessed_at, approval) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0),"
			    " level, value, NULLIF(?, 0), ?, ? FROM risk_events WHERE id = ?",
			 "IIttdddddIittttIIItI",
			 in->event_id, version, stage, in->scores.method, in->scores.l, lec ? in->scores.e : 0.0,
			 lec ? in->scores.c : 0.0, lec ? 0.0 : in->scores.s, res.value, res.band_set_id, res.band_version,
			 res.level, cl, reason, in->note ? in->note : "", in->task_id, a->user_id, a->now,
			 pending ? "pending" : "none", in->event_id);
	int64_t id = rc == DB_OK ? db_last_id(c) : 0;
	/* e/c are NULL for LS and s for LEC: the columns say which method was used */
	if (rc == DB_OK)
		rc = db_exec(c, lec ? "UPDATE risk_assessments SET s_value = NULL WHERE id = ?"
				    : "UPDATE risk_assessments SET e_value = NULL, c_value = NULL WHERE id = ?", "I", id);
	/* the re-assessment is done (its approval, if any, is the safety department's step) */
	if (rc == DB_OK)
		rc = db_exec(c, "UPDATE risk_tasks SET closed_at = ?, assessment_id = ?, closed_by = NULLIF(?, 0)"
				" WHERE event_id = ? AND closed_at = 0", "IIII", a->now, id, a->user_id, in->event_id);
	if (rc == DB_OK)
		rc = db_exec(c, "UPDATE risk_events SET needs_reassessment = 0, reassess_reason = '', reassess_due = 0,"
				" updated_at = ? WHERE id = ?", "II", a->now, in->event_id);
	if (rc == DB_OK && !pending && risk_event_apply(c, id, a->now))
		rc = DB_ERROR;
	if (rc == DB_OK) {
		char sum[160];
		snprintf(sum, sizeof(sum), "v%lld %s %s=%g %s %s%s", (long long)version, reason, in->scores.method,
			 res.value, res.level, cl, pending ? " pending" : "");
		rc = actor_audit(a, "risk_event", in->event_id, "assess", sum);
	}
	if (rc != DB_OK) {
		if (own)
			db_rollback(c);
		return -2;
	}
	if (own && db_commit(c) != DB_OK) {
		db_rollback(c);
		return -2;
	}
	if (assessment_id)
		*assessment_id = id;
	return 0;
}

int risk_approve(const struct actor *a, int64_t assessment_id, int approve, const char *note)
{
	struct db *c = a->db;
	int own = !db_in_tx(c);
	if (own && db_begin(c) != DB_OK)
		return -2;
	int64_t event = 0;
	int rc = DB_OK, found = db_get_i64(c, &event, "SELECT event_id FROM risk_assessments WHERE id = ?"
						       " AND approval = 'pending'", "I", assessment_id) == 1;
	if (found)
		rc = db_exec(c, "UPDATE risk_assessments SET approval = ?, approver_id = NULLIF(?, 0), approved_at = ?,"
				" approval_note = ? WHERE id = ?", "tIItI", approve ? "approved" : "rejected", a->user_id,
			     a->now, note ? note : "", assessment_id);
	if (found && rc == DB_OK && approve && risk_event_apply(c, assessment_id, a->now))
		rc = DB_ERROR;
	/* a rejected result sends the event back for re-assessment */
	if (found && rc == DB_OK && !approve)
		rc = risk_event_mark(c, event, "rejected", a->now + 7 * 86400, a->now) ? DB_ERROR : DB_OK;
	if (found && rc == DB_OK)
		rc = actor_audit(a, "risk_assessment", assessment_id, approve ? "approve" : "reject", note ? note : "");
	if (!found || rc != DB_OK) {
		if (own)
			db_rollback(c);
		return found ? -2 : -1;
	}
	if (own && db_commit(c) != DB_OK) {
		db_rollback(c);
		return -2;
	}
	return 0;
}
