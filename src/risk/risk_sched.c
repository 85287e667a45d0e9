/*
 * risk_sched.c — the living register, run every minute by the scheduler (and by the test
 * tick). The hazard module knows nothing of risks: this job reads the hazards reported since
 * its last run and
 *  - links each to its risk events: the event chosen on the hazard (risk_event_id), the event
 *    of the measure that failed (measure_id), else the events of the objects of its equipment
 *    or, failing that, of its area — and marks those events for re-assessment;
 *  - opens a re-assessment task when risk.trigger_count hazards of one accident type reach one
 *    object within risk.trigger_days days, or when a hazard's source is 9, a control-measure
 *    failure (dangerSrc of the data exchange specification, DOMAIN.md §7);
 * then escalates overdue tasks (the object unit's head, then the safety department, each
 * risk.task_escalate_hours apart), opens the periodic review tasks that fall due, and reminds
 * the people who have not confirmed a post risk (岗位风险告知).
 *
 * Idempotent: a hazard is linked once (risk_hazard_links' key), one task is open per event
 * and reason (a unique index), notifications carry dedup keys, and the scan's resume point
 * moves in the same transaction as the links it made.
 */
#include "risk/risk.h"
#include "base/day.h"
#include "db/db.h"
#include "notify/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The first column of up to max rows of st (finished here): the ids a job works through in
 * one transaction. -1 when the query failed. */
static int first_ids(struct db *c, struct db_stmt *st, int64_t *ids, int max)
{
	int n = 0;
	while (st && n < max && db_step(st) == 1)
		ids[n++] = db_col_i64(st, 0);
	db_done(c, st);
	return st ? n : -1;
}

static int64_t setting(struct db *c, const char *key, int64_t def)
{
	char *v = NULL;
	int64_t n = def;
	if (db_get_text(c, &v, "SELECT value FROM settings WHERE key = ?", "t", key) == 1 && v)
		n = strtoll(v, NULL, 10);
	free(v);
	return n >= 0 ? n : def;
}

/* Who answers for an event: its analysis unit's responsible person, else its object's, else
 * the head of the object's unit. */
static int64_t event_owner(struct db *c, int64_t event_id)
{
	int64_t uid = 0;
	db_get_i64(c, &uid, "SELECT COALESCE(ru.resp_user_id, o.resp_user_id, un.head_user_id, 0) FROM risk_events e"
			    " JOIN risk_units ru ON ru.id = e.risk_unit_id JOIN risk_objects o ON o.id = ru.object_id"
			    " JOIN units un ON un.id = o.unit_id WHERE e.id = ?", "I", event_id);
	return uid;
}

int64_t risk_task_open(struct db *c, int64_t event_id, const char *reason, int64_t hazard_id, const char *note,
		       int64_t now)
{
	int64_t open = 0;
	if (db_get_i64(c, &open, "SELECT count(*) FROM risk_tasks WHERE event_id = ? AND reason = ? AND closed_at = 0", "It",
		       event_id, reason) != 1)
		return -1;
	if (open)
		return 0;
	int64_t due = now + setting(c, "risk.task_due_days", 7) * 86400;
	int64_t owner = event_owner(c, event_id);
	if (db_exec(c, "INSERT INTO risk_tasks (event_id, reason, hazard_id, note, opened_at, due_at, assignee_id)"
		       " VALUES (?, ?, NULLIF(?, 0), ?, ?, ?, NULLIF(?, 0))", "ItItIII", event_id, reason, hazard_id,
		    note ? note : "", now, due, owner) != DB_OK)
		return -1;
	int64_t id = db_last_id(c);
	if (risk_event_mark(c, event_id, reason, due, now))
		return -1;
	char link[48], dedup[48], key[48];
	snprintf(link, sizeof(link), "/risk/events/%lld", (long long)event_id);
	snprintf(dedup, sizeof(dedup), "risk.task.%lld", (long long)id);
	snprintf(key, sizeof(key), "risk.task.reason.%s", reason);
	struct notify_msg m = {.kind = "risk.task", .title_key = "risk.task.notify", .body_key = key, .link = link,
			       .dedup_key = dedup};
	if (notify_send(c, owner, &m) < 0)
		return -1;
	return id;
}

/* One hazard: its links, marks and triggers. */
static int scan_one(struct db *c, int64_t hid, int64_t now, int64_t count_n, int64_t days);

int risk_hazard_link(struct db *c, int64_t hazard_id, int64_t now)
{
	return scan_one(c, hazard_id, now, setting(c, "risk.trigger_count", 3), setting(c, "risk.trigger_days", 30));
}

static int scan_one(struct db *c, int64_t hid, int64_t now, int64_t count_n, int64_t days)
{
	struct db_stmt *st = db_query(c, "SELECT COALESCE(risk_event_id, 0), COALESCE(measure_id, 0), COALESCE(equipment_id, 0),"
				    " area_id, source, reported_at, number FROM hazards WHERE id = ?", "I", hid);
	if (!st || db_step(st) != 1) {
		db_done(c, st);
		return st ? 0 : -1;
	}
	int64_t ev = db_col_i64(st, 0), ms = db_col_i64(st, 1), eq = db_col_i64(st, 2), area = db_col_i64(st, 3);
	int64_t source = db_col_i64(st, 4), at = db_col_i64(st, 5);
	char number[40];
	snprintf(number, sizeof(number), "%s", db_col_text(st, 6));
	db_done(c, st);

	/* which events, and how found */
	const char *via;
	const char *sql;
	int64_t arg;
	if (ev) {
		via = "event", arg = ev;
		sql = "SELECT e.id FROM risk_events e WHERE e.id = ? AND e.active = 1";
	} else if (ms) {
		via = "measure", arg = ms;
		sql = "SELECT e.id FROM risk_events e JOIN risk_measures m ON m.event_id = e.id WHERE m.id = ? AND e.active = 1";
	} else {
		int64_t n = 0;
		if (eq)
			db_get_i64(c, &n, "SELECT count(*) FROM risk_objects WHERE equipment_id = ? AND active = 1", "I", eq);
		via = n ? "equipment" : "area", arg = n ? eq : area;
		sql = n ? "SELECT e.id FROM risk_events e JOIN risk_units u ON u.id = e.risk_unit_id JOIN risk_objects o"
			  " ON o.id = u.object_id WHERE o.equipment_id = ? AND o.active = 1 AND e.active = 1 AND u.active = 1"
			: "SELECT e.id FROM risk_events e JOIN risk_units u ON u.id = e.risk_unit_id JOIN risk_objects o"
			  " ON o.id = u.object_id WHERE o.area_id = ? AND o.active = 1 AND e.active = 1 AND u.active = 1";
	}
	int64_t events[64];
	int n = 0;
	st = db_query(c, sql, "I", arg);
	while (st && db_step(st) == 1 && n < 64)
		events[n++] = db_col_i64(st, 0);
	db_done(c, st);
	if (!st)
		return -1;
	char reason[80];
	snprintf(reason, sizeof(reason), "hazard %s", number);
	int acted = 0;
	for (int i = 0; i < n; i++) {
		if (db_exec(c, "INSERT INTO risk_hazard_links (hazard_id, event_id, object_id, accident_type_id, via, reported_at,"
			       " linked_at) SELECT ?, e.id, u.object_id, e.accident_type_id, ?, ?, ? FROM risk_events e"
			       " JOIN risk_units u ON u.id = e.risk_unit_id WHERE e.id = ? ON CONFLICT DO NOTHING",
			    "ItIII", hid, via, at, now, events[i]) != DB_OK)
			return -1;
		if (risk_event_mark(c, events[i], reason, now + setting(c, "risk.task_due_days", 7) * 86400, now))
			return -1;
		acted++;
		/* N hazards of one accident type on one object within the period */
		int64_t cnt = 0;
		if (db_get_i64(c, &cnt, "SELECT count(DISTINCT l.hazard_id) FROM risk_hazard_links l JOIN risk_hazard_links me"
				       " ON me.hazard_id = ? AND me.event_id = ? WHERE l.object_id = me.object_id"
				       " AND l.accident_type_id = me.accident_type_id AND l.reported_at > ? AND l.reported_at <= ?",
			       "IIII", hid, events[i], at - days * 86400, at) == 1 && count_n > 0 && cnt >= count_n) {
			char note[96];
			snprintf(note, sizeof(note), "%lld × %s", (long long)cnt, number);
			if (risk_task_open(c, events[i], "hazard_count", hid, note, now) < 0)
				return -1;
		}
	}
	/* a control-measure failure re-opens the assessment of the measure's event */
	if (source == 9 && ms) {
		int64_t me = 0;
		if (db_get_i64(c, &me, "SELECT event_id FROM risk_measures WHERE id = ?", "I", ms) == 1 &&
		    risk_task_open(c, me, "measure_failure", hid, number, now) < 0)
			return -1;
	}
	return acted;
}

static int scan_hazards(struct db *c, int64_t now)
{
	int64_t after = setting(c, "risk.hazard_scan_after", 0), count_n = setting(c, "risk.trigger_count", 3);
	int64_t days = setting(c, "risk.trigger_days", 30);
	int64_t ids[200];
	int n = first_ids(c, db_query(c, "SELECT id FROM hazards WHERE id > ? ORDER BY id LIMIT 200", "I", after), ids, 200);
	if (n < 0)
		return -1;
	if (!n)
		return 0;
	if (db_begin(c) != DB_OK)
		return -1;
	int acted = 0;
	for (int i = 0; i < n; i++) {
		int r = scan_one(c, ids[i], now, count_n, days);
		if (r < 0) {
			db_rollback(c);
			return -1;
		}
		acted += r;
	}
	char last[24];
	snprintf(last, sizeof(last), "%lld", (long long)ids[n - 1]);
	if (db_exec(c, "UPDATE settings SET value = ?, updated_at = ? WHERE key = 'risk.hazard_scan_after'", "tI", last,
		    now) != DB_OK || db_commit(c) != DB_OK) {
		db_rollback(c);
		return -1;
	}
	return acted;
}

/* Overdue tasks go up one step each risk.task_escalate_hours: the head of the object's unit,
 * then the safety department (the first active holder of the safety_dept role). */
static int escalate(struct db *c, int64_t now)
{
	int64_t step = setting(c, "risk.task_escalate_hours", 48) * 3600;
	struct db_stmt *st = db_query(c, "SELECT t.id, t.escalation, t.event_id, COALESCE(un.head_user_id, 0) FROM risk_tasks t"
				    " JOIN risk_events e ON e.id = t.event_id JOIN risk_units ru ON ru.id = e.risk_unit_id"
				    " JOIN risk_objects o ON o.id = ru.object_id JOIN units un ON un.id = o.unit_id"
				    " WHERE t.closed_at = 0 AND t.escalation < 2 AND t.due_at + t.escalation * ? < ?"
				    " ORDER BY t.id LIMIT 200", "II", step, now);
	struct {
		int64_t id, level, event, head;
	} rows[200];
	int n = 0;
	while (st && db_step(st) == 1 && n < 200) {
		rows[n].id = db_col_i64(st, 0);
		rows[n].level = db_col_i64(st, 1);
		rows[n].event = db_col_i64(st, 2);
		rows[n].head = db_col_i64(st, 3);
		n++;
	}
	db_done(c, st);
	if (!st)
		return -1;
	if (!n)
		return 0;
	int64_t safety = 0;
	db_get_i64(c, &safety, "SELECT min(u.id) FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN roles r"
			       " ON r.id = ur.role_id WHERE r.code = 'safety_dept' AND u.active = 1", NULL);
	if (db_begin(c) != DB_OK)
		return -1;
	for (int i = 0; i < n; i++) {
		int64_t to = rows[i].level == 0 && rows[i].head ? rows[i].head : safety;
		int level = rows[i].level == 0 && rows[i].head ? 1 : 2;
		char link[48], dedup[48];
		snprintf(link, sizeof(link), "/risk/events/%lld", (long long)rows[i].event);
		snprintf(dedup, sizeof(dedup), "risk.task.%lld.esc%d", (long long)rows[i].id, level);
		struct notify_msg m = {.kind = "risk.escalation", .title_key = "risk.task.escalated",
				       .body_key = "risk.task.escalated_body", .link = link, .dedup_key = dedup};
		if (db_exec(c, "UPDATE risk_tasks SET escalation = ?, escalated_to = NULLIF(?, 0), escalated_at = ? WHERE id = ?",
			    "iIII", level, to, now, rows[i].id) != DB_OK || notify_send(c, to, &m) < 0) {
			db_rollback(c);
			return -1;
		}
	}
	return db_commit(c) == DB_OK ? n : -1;
}

/* Periodic re-assessment: events whose review day has come get a 'periodic' task. */
static int periodic(struct db *c, int64_t now)
{
	int64_t ids[200];
	int n = first_ids(c, db_query(c, "SELECT e.id FROM risk_events e WHERE e.active = 1 AND e.review_due > 0"
				    " AND e.review_due <= ? AND NOT EXISTS (SELECT 1 FROM risk_tasks t WHERE t.event_id = e.id"
				    " AND t.reason = 'periodic' AND t.closed_at = 0) ORDER BY e.id LIMIT 200", "I", day_of(now)), ids, 200);
	if (n < 0)
		return -1;
	if (!n)
		return 0;
	if (db_begin(c) != DB_OK)
		return -1;
	for (int i = 0; i < n; i++)
		if (risk_task_open(c, ids[i], "periodic", 0, "", now) < 0) {
			db_rollback(c);
			return -1;
		}
	return db_commit(c) == DB_OK ? n : -1;
}

/* 岗位风险告知 reminders: one message per person every risk.ack_remind_hours while anything of
 * theirs is unconfirmed (however many risks wait, one message names the page). */
static int remind_acks(struct db *c, int64_t now)
{
	int64_t every = setting(c, "risk.ack_remind_hours", 24) * 3600;
	if (!every)
		return 0;
	int64_t users[500];
	int n = 0;
	struct db_stmt *st = db_query(c, "SELECT k.user_id FROM risk_acks k JOIN users u ON u.id = k.user_id"
				    " WHERE k.confirmed_at = 0 AND u.active = 1 GROUP BY k.user_id"
				    " HAVING max(CASE WHEN k.reminded_at > k.asked_at THEN k.reminded_at ELSE k.asked_at END) + ? <= ?"
				    " ORDER BY k.user_id LIMIT 500", "II", every, now);
	while (st && db_step(st) == 1 && n < 500)
		users[n++] = db_col_i64(st, 0);
	db_done(c, st);
	if (!st)
		return -1;
	if (!n)
		return 0;
	if (db_begin(c) != DB_OK)
		return -1;
	for (int i = 0; i < n; i++) {
		char dedup[64];
		snprintf(dedup, sizeof(dedup), "risk.ack.remind.%lld.%lld", (long long)users[i], (long long)(now / every));
		struct notify_msg m = {.kind = "risk.ack", .title_key = "risk.ack.remind", .body_key = "risk.ack.notify_body",
				       .link = "/risk/acks", .dedup_key = dedup};
		if (db_exec(c, "UPDATE risk_acks SET reminded_at = ?, reminders = reminders + 1 WHERE user_id = ? AND confirmed_at = 0",
			    "II", now, users[i]) != DB_OK || notify_send(c, users[i], &m) < 0) {
			db_rollback(c);
			return -1;
		}
	}
	return db_commit(c) == DB_OK ? n : -1;
}

int risk_sched_run(struct db *c, int64_t now)
{
	int total = 0, r;
	if ((r = scan_hazards(c, now)) < 0)
		return r;
	total += r;
	if ((r = escalate(c, now)) < 0)
		return r;
	total += r;
	if ((r = periodic(c, now)) < 0)
		return r;
	total += r;
	if ((r = remind_acks(c, now)) < 0)
		return r;
	return total + r;
}
