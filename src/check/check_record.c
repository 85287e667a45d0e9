/*
 * check_record.c — proof on site and the record of a check: a scan of a checkpoint (QR token or
 * NFC tag id, with the phone's GPS fix checked against the checkpoint's radius), the record of
 * a task with its results (each item validated against its kind and limits; a reading outside
 * the limits fails the item), and a failed item filed as a hazard in one step.
 *
 * Refused input names its field and stores nothing: a task outside its window, a record not
 * started by a scan when the template requires one, a reading that is not a number, a second
 * submission of the same form (its idem_key finds the stored record instead).
 */
#include "check/check.h"
#include "auth/actor.h"
#include "base/module.h"
#include "base/text.h"
#include "db/db.h"
#include "hazard/hazard.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How long a scan stays good for starting a record at its checkpoint. */
#define SCAN_VALID_SECONDS (4 * 3600)

/* Metres between two fixes (haversine; plenty for a plant's radius). */
static double distance_m(double la1, double lo1, double la2, double lo2)
{
	const double r = 6371000.0, k = M_PI / 180.0;
	double dla = (la2 - la1) * k, dlo = (lo2 - lo1) * k;
	double a = sin(dla / 2) * sin(dla / 2) + cos(la1 * k) * cos(la2 * k) * sin(dlo / 2) * sin(dlo / 2);
	return 2 * r * atan2(sqrt(a), sqrt(1 - a));
}

int64_t check_scan(const struct actor *a, const char *token, const char *nfc, const char *lat_s, const char *lng_s,
		   const char *acc_s, int64_t *point_id, const char **field, const char **msg_key)
{
	struct db *c = a->db;
	int64_t pid = 0, radius = 0;
	*field = token && *token ? "token" : "nfc_id";
	*msg_key = "check.err_point";
	if (token && *token) {
		if (strlen(token) > 64 || db_get_i64(c, &pid, "SELECT id FROM check_points WHERE token = ? AND active = 1", "t", token) != 1)
			return -1;
	} else if (nfc && *nfc) {
		if (strlen(nfc) > 64 || db_get_i64(c, &pid, "SELECT id FROM check_points WHERE nfc_id = upper(?) AND active = 1", "t",
						   nfc) != 1)
			return -1;
	} else
		return -1;
	struct hazard_gps g = {.lat_s = lat_s, .lng_s = lng_s, .acc_s = acc_s};
	if (hazard_gps_parse(&g, field, msg_key))
		return -1;
	db_get_i64(c, &radius, "SELECT radius_m FROM check_points WHERE id = ? AND latitude IS NOT NULL", "I", pid);
	if (radius > 0) {
		/* the checkpoint has a radius: the fix must fall inside it (its accuracy counted in the
		 * person's favour, as a phone's fix wanders) */
		*field = "lat";
		if (!g.has) {
			*msg_key = "check.err_gps_needed";
			return -1;
		}
		struct db_stmt *st = db_query(c, "SELECT latitude, longitude FROM check_points WHERE id = ?", "I", pid);
		double d = 1e12;
		if (st && db_step(st) == 1)
			d = distance_m(g.lat, g.lng, db_col_double(st, 0), db_col_double(st, 1));
		db_done(c, st);
		if (d > (double)radius + (g.acc < 200 ? g.acc : 200)) {
			*msg_key = "check.err_gps_far";
			return -1;
		}
	}
	*field = NULL;
	*msg_key = "error.unavailable";
	if (db_begin(c) != DB_OK)
		return -1;
	int rc = g.has ? db_exec(c, "INSERT INTO check_scans (point_id, user_id, method, at, latitude, longitude, accuracy_m)"
				    " VALUES (?, ?, ?, ?, ?, ?, ?)", "IItIddd", pid, a->user_id, token && *token ? "qr" : "nfc",
				 a->now, g.lat, g.lng, g.acc)
		       : db_exec(c, "INSERT INTO check_scans (point_id, user_id, method, at) VALUES (?, ?, ?, ?)", "IItI", pid,
				 a->user_id, token && *token ? "qr" : "nfc", a->now);
	int64_t id = rc == DB_OK ? db_last_id(c) : -1;
	char sum[48];
	snprintf(sum, sizeof(sum), "point %lld", (long long)pid);
	if (id < 0 || actor_audit(a, "check_scan", id, "scan", sum) != DB_OK || db_commit(c) != DB_OK) {
		db_rollback(c);
		return -1;
	}
	*point_id = pid;
	*msg_key = NULL;
	return id;
}

struct task_row {
	int64_t id, template_id, version, point, ws, we, assignee, position, measure, unit;
	int require_scan, is_defend;
	char status[16];
};

static int task_load(struct db *c, int64_t id, struct task_row *t)
{
	struct db_stmt *st = db_query(c, "SELECT k.id, k.template_id, t.version, COALESCE(k.point_id, 0), k.window_start, k.window_end,"
				      " COALESCE(k.assignee_id, 0), COALESCE(k.position_id, 0), COALESCE(k.measure_id, 0), k.unit_id,"
				      " t.require_scan, k.is_defend, k.status FROM check_tasks k JOIN check_templates t ON t.id = k.template_id"
				      " WHERE k.id = ?", "I", id);
	int found = st && db_step(st) == 1;
	if (found) {
		t->id = db_col_i64(st, 0);
		t->template_id = db_col_i64(st, 1);
		t->version = db_col_i64(st, 2);
		t->point = db_col_i64(st, 3);
		t->ws = db_col_i64(st, 4);
		t->we = db_col_i64(st, 5);
		t->assignee = db_col_i64(st, 6);
		t->position = db_col_i64(st, 7);
		t->measure = db_col_i64(st, 8);
		t->unit = db_col_i64(st, 9);
		t->require_scan = (int)db_col_i64(st, 10);
		t->is_defend = (int)db_col_i64(st, 11);
		snprintf(t->status, sizeof(t->status), "%s", db_col_text(st, 12));
	}
	db_done(c, st);
	return found ? 0 : -1;
}

/* Is the task the actor's: theirs by name, by post, or (an unassigned task) in their scope? */
static int task_mine(const struct actor *a, const struct task_row *t)
{
	if (a->system || (t->assignee && t->assignee == a->user_id))
		return 1;
	int64_t pos = 0;
	db_get_i64(a->db, &pos, "SELECT COALESCE(position_id, 0) FROM users WHERE id = ?", "I", a->user_id);
	int64_t here = 0;
	if (!t->assignee && t->position && t->position == pos)
		db_get_i64(a->db, &here, "SELECT count(*) FROM units WHERE id = ? AND ? LIKE path || '%'", "It", t->unit,
			   a->unit_path ? a->unit_path : "");
	if (here)
		return 1;
	return !t->assignee && !t->position && actor_scope_allows(a, t->unit, 0);
}

struct item {
	int64_t id;
	char kind[12];
	double lo, hi;
	int has_lo, has_hi, photo_required;
	char *choices, *fail_choices;
};

/* Is s one of the '|'-separated values of list? */
static int in_list(const char *list, const char *s)
{
	size_t n = strlen(s);
	for (const char *p = list; p && *p;) {
		const char *e = strchr(p, '|');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && !strncmp(p, s, n))
			return 1;
		p = e ? e + 1 : NULL;
	}
	return 0;
}

int64_t check_record_store(const struct actor *a, struct check_record_in *in, int *dup, const char **field,
			   const char **msg_key, int *status)
{
	struct db *c = a->db;
	*dup = 0;
	*status = 422;
	*field = "idem_key";
	*msg_key = "check.err_idem";
	if (!in->idem_key || !*in->idem_key || strlen(in->idem_key) > 64)
		return -1;
	/* a retry of a stored submission: the same record, not a second */
	int64_t have = 0, owner = 0;
	if (db_get_i64(c, &have, "SELECT id FROM check_records WHERE idem_key = ?", "t", in->idem_key) == 1) {
		db_get_i64(c, &owner, "SELECT user_id FROM check_records WHERE id = ?", "I", have);
		if (owner == a->user_id) {
			*dup = 1;
			*field = *msg_key = NULL;
			return have;
		}
		*status = 409;
		return -1;
	}
	/* the time the check was made: now, or when a phone without signal captured it (within
	 * the same bounds as a queued hazard report) */
	int64_t at = a->now;
	if (in->captured_at) {
		*field = "captured_at";
		if (hazard_capture_check(c, a->now, in->captured_at, msg_key))
			return -1;
		at = in->captured_at;
	}
	struct task_row t;
	*field = "task_id";
	*msg_key = "check.err_task";
	if (task_load(c, in->task_id, &t) || !task_mine(a, &t)) {
		*status = 404;
		return -1;
	}
	/* its checkpoint taken out of use while the round waited on the phone */
	int64_t point_active = 1;
	if (t.point)
		db_get_i64(c, &point_active, "SELECT active FROM check_points WHERE id = ?", "I", t.point);
	if (!point_active) {
		*status = 409;
		*msg_key = "check.err_point_inactive";
		return -1;
	}
	int64_t recorded = 0;
	db_get_i64(c, &recorded, "SELECT count(*) FROM check_records WHERE task_id = ?", "I", t.id);
	if (!strcmp(t.status, "done") || recorded) {
		*status = 409;
		*msg_key = "check.err_done";
		return -1;
	}
	/* a suspended task (its object out of use, 停用检修) may still be recorded — what the person
	 * found on site — and the record carries is_defend, the regulator's isDefend, from its task;
	 * the task stays suspended, so it counts neither as done nor as missed in coverage */
	int late = in->captured_at && !strcmp(t.status, "missed");
	if (at < t.ws || at >= t.we || (strcmp(t.status, "open") && strcmp(t.status, "suspended") && !late)) {
		*msg_key = "check.err_window";
		return -1;
	}
	int64_t scanned_at = 0;
	if (t.require_scan || in->scan_id) {
		/* the scan must be this person's, of this task's checkpoint, recent and within the window */
		int64_t sp = 0, su = 0;
		*field = "scan_id";
		*msg_key = "check.err_scan_required";
		struct db_stmt *st = db_query(c, "SELECT point_id, user_id, at FROM check_scans WHERE id = ?", "I", in->scan_id);
		if (st && db_step(st) == 1) {
			sp = db_col_i64(st, 0);
			su = db_col_i64(st, 1);
			scanned_at = db_col_i64(st, 2);
		}
		db_done(c, st);
		if (!in->scan_id || su != a->user_id || (t.point && sp != t.point) || scanned_at > at ||
		    at - scanned_at > SCAN_VALID_SECONDS || scanned_at < t.ws - 600)
			return -1;
	}
	struct hazard_gps g = {.lat_s = in->lat_s, .lng_s = in->lng_s, .acc_s = in->acc_s};
	if (hazard_gps_parse(&g, field, msg_key))
		return -1;
	if (in->note && utf8_chars(in->note) > 500) {
		*field = "note";
		*msg_key = "check.err_long";
		return -1;
	}

	/* the items of the template's current version, each answered and valid */
	struct item items[64];
	int ni = 0;
	struct db_stmt *st = db_query(c, "SELECT id, kind, min_value, max_value, photo_required, choices, fail_choices,"
				      " min_value IS NOT NULL, max_value IS NOT NULL FROM check_template_items"
				      " WHERE template_id = ? AND version = ? ORDER BY seq LIMIT 64", "II", t.template_id, t.version);
	while (st && db_step(st) == 1) {
		struct item *it = &items[ni++];
		it->id = db_col_i64(st, 0);
		snprintf(it->kind, sizeof(it->kind), "%s", db_col_text(st, 1));
		it->lo = db_col_double(st, 2);
		it->hi = db_col_double(st, 3);
		it->photo_required = (int)db_col_i64(st, 4);
		it->choices = strdup(db_col_text(st, 5));
		it->fail_choices = strdup(db_col_text(st, 6));
		it->has_lo = (int)db_col_i64(st, 7);
		it->has_hi = (int)db_col_i64(st, 8);
	}
	db_done(c, st);
	int64_t id = -1;
	int ok[64] = {0}, failed = 0;
	double num[64] = {0};
	const struct check_answer *ans[64] = {0};
	for (int i = 0; i < ni; i++) {
		for (size_t k = 0; k < in->nanswers; k++)
			if (in->answers[k].item_id == items[i].id)
				ans[i] = &in->answers[k];
		const char *v = ans[i] && ans[i]->value ? ans[i]->value : "";
		const char *photo = ans[i] && ans[i]->photo && *ans[i]->photo ? ans[i]->photo : NULL;
		snprintf(in->field_buf, sizeof(in->field_buf), "item_%lld", (long long)items[i].id);
		*field = in->field_buf;
		*status = 422;
		const char *kind = items[i].kind;
		if (!strcmp(kind, "pass_fail")) {
			if (strcmp(v, "pass") && strcmp(v, "fail")) {
				*msg_key = *v ? "check.err_pass_fail" : "check.err_required";
				goto out;
			}
			ok[i] = !strcmp(v, "pass");
		} else if (!strcmp(kind, "number")) {
			if (!*v) {
				*msg_key = "check.err_required";
				goto out;
			}
			if (strlen(v) > 32 || text_parse_double(v, &num[i]) || !isfinite(num[i])) {
				*msg_key = "check.err_number";
				goto out;
			}
			ok[i] = !(items[i].has_lo && num[i] < items[i].lo) && !(items[i].has_hi && num[i] > items[i].hi);
		} else if (!strcmp(kind, "choice")) {
			if (!in_list(items[i].choices, v)) {
				*msg_key = *v ? "check.err_choice" : "check.err_required";
				goto out;
			}
			ok[i] = !in_list(items[i].fail_choices, v);
		} else if (!strcmp(kind, "text")) {
			if (!*v) {
				*msg_key = "check.err_required";
				goto out;
			}
			if (utf8_chars(v) > 500) {
				*msg_key = "check.err_long";
				goto out;
			}
			ok[i] = 1;
		} else {	/* photo: the photo is the answer */
			ok[i] = 1;
		}
		if ((items[i].photo_required || !strcmp(kind, "photo")) && !photo) {
			*msg_key = "check.err_photo";
			goto out;
		}
		/* a failure is shown, not only ticked: its photo goes with the hazard it becomes */
		if (!ok[i] && !photo) {
			*msg_key = "check.err_photo_fail";
			goto out;
		}
		if (photo) {
			struct hazard_photo_in p = {.sha = photo};
			if (strlen(photo) != 64 || hazard_photos_check(c, a->user_id, &p, 1, msg_key))
				goto out;
		}
		if (ans[i] && ans[i]->note && utf8_chars(ans[i]->note) > 500) {
			*msg_key = "check.err_long";
			goto out;
		}
		failed += !ok[i];
	}
	for (size_t k = 0; k < in->nanswers; k++) {
		int known = 0;
		for (int i = 0; i < ni; i++)
			known |= in->answers[k].item_id == items[i].id;
		if (!known) {
			*field = "items";
			*msg_key = "check.err_item";
			goto out;
		}
	}

	if (in->voice_len && hazard_voice_check(c, in->voice, in->voice_len, msg_key)) {
		*field = "voice";
		*status = 422;
		goto out;
	}

	/* ---- one transaction: the record, its results, its voice note, the task done, the audit
	 * entry; the record's row holds the idempotency key, so a key exists exactly when its
	 * results do ---- */
	*field = NULL;
	*msg_key = "error.unavailable";
	*status = 503;
	if (db_begin(c) != DB_OK)
		goto out;
	int rc = db_exec(c, "INSERT INTO check_records (task_id, template_id, template_version, user_id, idem_key, scan_id, scanned_at,"
			    " latitude, longitude, accuracy_m, finished_at, failed, is_defend, note, captured_at)"
			    " VALUES (?, ?, ?, ?, ?, NULLIF(?, 0), ?, CASE WHEN ? <> 0 THEN ? END, CASE WHEN ? <> 0 THEN ? END,"
			    " CASE WHEN ? <> 0 THEN ? END, ?, ?, ?, ?, ?)",
			 "IIIItIIidididIiitI", t.id, t.template_id, t.version, a->user_id, in->idem_key, in->scan_id, scanned_at,
			 g.has, g.lat, g.has, g.lng, g.has, g.acc, at, failed, t.is_defend, in->note ? in->note : "",
			 in->captured_at > 0 ? in->captured_at : 0);
	if (rc != DB_OK)
		goto fail;
	id = db_last_id(c);
	for (int i = 0; i < ni && rc == DB_OK; i++) {
		const char *v = ans[i] && ans[i]->value ? ans[i]->value : "";
		const char *photo = ans[i] && ans[i]->photo && *ans[i]->photo ? ans[i]->photo : NULL;
		rc = db_exec(c, "INSERT INTO check_results (record_id, item_id, value, num, ok, photo_sha, note)"
				" VALUES (?, ?, ?, CASE WHEN ? <> 0 THEN ? END, ?, ?, ?)", "IItiditt", id, items[i].id, v,
			     !strcmp(items[i].kind, "number"), num[i], ok[i], photo, ans[i] && ans[i]->note ? ans[i]->note : "");
	}
	if (rc == DB_OK && in->voice_len) {
		char sha[65];
		rc = hazard_voice_blob(c, in->voice, in->voice_len, a->now, sha);
		if (rc == DB_OK)
			rc = db_exec(c, "INSERT INTO check_voice (record_id, sha256, user_id, at, seconds) VALUES (?, ?, ?, ?, ?)", "ItIII",
				     id, sha, a->user_id, at, in->voice_seconds);
	}
	if (rc != DB_OK)
		goto fail;
	/* the task must still be open (or missed, for a check captured in its window): two phones
	 * finishing it at once store one record */
	if (db_exec(c, "UPDATE check_tasks SET status = CASE WHEN status = 'suspended' THEN status ELSE 'done' END, record_id = ?"
		       " WHERE id = ? AND (status IN ('open', 'suspended') OR (? <> 0 AND status = 'missed')) AND record_id IS NULL", "IIi",
		       id, t.id, late) != DB_OK)
		goto fail;
	if (db_changes(c) != 1) {
		db_rollback(c);
		*field = "task_id";
		*msg_key = "check.err_done";
		*status = 409;
		id = -1;
		goto out;
	}
	/* the modules that make check tasks of their own (an emergency supply's monthly check:
	 * its checked day, its owner told of failures), through the module list */
	for (const struct module *const *m = module_registry(); *m; m++)
		if ((*m)->check_recorded && (*m)->check_recorded(c, t.id, id, at) != DB_OK)
			goto fail;
	char sum[96];
	snprintf(sum, sizeof(sum), "task %lld, %d failed", (long long)t.id, failed);
	if (actor_audit(a, "check_record", id, "record", sum) != DB_OK || db_commit(c) != DB_OK)
		goto fail;
	*msg_key = NULL;
	*status = 201;
	goto out;
fail:
	db_rollback(c);
	id = -1;
out:
	for (int i = 0; i < ni; i++) {
		free(items[i].choices);
		free(items[i].fail_choices);
	}
	return id;
}

struct link_ctx {
	const struct actor *a;
	int64_t record_id, item_id;
};

/* Inside the hazard's transaction: the result points at its hazard (once), audited. */
static int link_result(struct db *c, int64_t hazard_id, void *ctx)
{
	struct link_ctx *l = ctx;
	if (db_exec(c, "UPDATE check_results SET hazard_id = ? WHERE record_id = ? AND item_id = ? AND hazard_id IS NULL", "III",
		    hazard_id, l->record_id, l->item_id) != DB_OK || db_changes(c) != 1)
		return -1;
	char sum[64];
	snprintf(sum, sizeof(sum), "item %lld → hazard %lld", (long long)l->item_id, (long long)hazard_id);
	return actor_audit(l->a, "check_record", l->record_id, "hazard", sum) != DB_OK;
}

int64_t check_item_hazard(const struct actor *a, int64_t record_id, int64_t item_id, const char **field, const char **msg_key)
{
	struct db *c = a->db;
	*field = "item_id";
	*msg_key = "check.err_item";
	struct db_stmt *st = db_query(c,
		"SELECT r.user_id, cr.ok, COALESCE(cr.hazard_id, 0), COALESCE(cr.photo_sha, ''), cr.value, cr.note, i.label, i.unit,"
		" COALESCE(i.category_id, 0), COALESCE(k.measure_id, 0), COALESCE(cp.area_id, 0), COALESCE(cp.equipment_id, 0),"
		" COALESCE(o.area_id, 0), COALESCE(o.equipment_id, 0), COALESCE(m.check_content, ''), t.source, t.kind,"
		" COALESCE(m.classify1, '')"
		" FROM check_records r JOIN check_results cr ON cr.record_id = r.id JOIN check_template_items i ON i.id = cr.item_id"
		" JOIN check_tasks k ON k.id = r.task_id JOIN check_templates t ON t.id = r.template_id"
		" LEFT JOIN check_points cp ON cp.id = k.point_id LEFT JOIN risk_objects o ON o.id = k.object_id"
		" LEFT JOIN risk_measures m ON m.id = k.measure_id WHERE r.id = ? AND cr.item_id = ?", "II", record_id, item_id);
	if (!st || db_step(st) != 1) {
		db_done(c, st);
		return -1;
	}
	int64_t user = db_col_i64(st, 0), okv = db_col_i64(st, 1), hz = db_col_i64(st, 2), cat = db_col_i64(st, 8);
	int64_t measure = db_col_i64(st, 9), area = db_col_i64(st, 10) ? db_col_i64(st, 10) : db_col_i64(st, 12);
	int64_t equip = db_col_i64(st, 11) ? db_col_i64(st, 11) : db_col_i64(st, 13);
	int source = (int)db_col_i64(st, 15);
	char sha[65], desc[1400], cls[16];
	snprintf(sha, sizeof(sha), "%s", db_col_text(st, 3));
	snprintf(cls, sizeof(cls), "%s", db_col_text(st, 17));
	const char *value = db_col_text(st, 4), *note = db_col_text(st, 5), *unit = db_col_text(st, 7);
	snprintf(desc, sizeof(desc), "%s%s%s%s%s%s%s%s", db_col_text(st, 6), *value && strcmp(value, "fail") ? "：" : "",
		 *value && strcmp(value, "fail") ? value : "", *value && strcmp(value, "fail") ? unit : "", *note ? "。" : "",
		 note, *db_col_text(st, 14) ? "（" : "", db_col_text(st, 14));
	if (*db_col_text(st, 14))
		strncat(desc, "）", sizeof(desc) - strlen(desc) - 1);
	db_done(c, st);
	if (user != a->user_id && !a->system) {
		*msg_key = "check.err_not_yours";
		return -1;
	}
	if (okv) {
		*msg_key = "check.err_item_passed";
		return -1;
	}
	if (hz)
		return hz;	/* made before: one failure, one hazard */
	if (!area) {
		*field = "area_id";
		*msg_key = "check.err_no_place";
		return -1;
	}
	if (!cat) {
		/* the item names none: by the measure's class, else housekeeping (现场管理) */
		const char *code = !strcmp(cls, "emerg") ? "fire" : !strcmp(cls, "oper") ? "management"
				 : !strcmp(cls, "eng") || !strcmp(cls, "maint") ? "mechanical" : "housekeeping";
		db_get_i64(c, &cat, "SELECT id FROM hazard_categories WHERE code = ? AND active = 1", "t", code);
	}
	struct link_ctx l = {a, record_id, item_id};
	struct hazard_new hn = {.reporter_id = a->user_id, .area_id = area, .category_id = cat, .equipment_id = equip,
				.level = "general", .urgency = "B", .description = desc,
				.source = measure ? 9 : source, .measure_id = measure, .link = link_result, .link_ctx = &l};
	if (*sha) {
		hn.photos[0].sha = sha;
		hn.nphotos = 1;
		/* the check's photo was uploaded for the record; renew its upload so the hazard may
		 * take it by hash (its uploader is the person filing) */
		if (db_begin(c) != DB_OK || hazard_photo_uploaded(c, sha, a->user_id) != DB_OK || db_commit(c) != DB_OK) {
			db_rollback(c);
			*msg_key = "error.unavailable";
			return -1;
		}
	}
	return hazard_create(a, &hn, field, msg_key);
}
