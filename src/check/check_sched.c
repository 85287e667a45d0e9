/*
 * check_sched.c — the scheduler job of checks: generate each cycle's 隐患排查任务 from the
 * control measures (risk_measures: check cycle and unit, work window, work-day type, the
 * responsible person or post), from round plans (a route of checkpoints every N minutes of a
 * shift) and for the three 包保 people of each major hazard source (应急管理部 2021《危险化学品
 * 企业重大危险源安全包保责任制办法》: settings check.baobao.*); then mark a task not done in its
 * window missed, tell its person, and escalate it as an overdue hazard is escalated: to the
 * head of its unit after check.escalate_hours, to the safety department after twice that.
 *
 * Every insert carries the task's unique key, every message a dedup key, so the job may run
 * late, twice or after a crash. Generation runs once a day, and again the same day when a
 * measure, plan, object, stop or checkpoint changed (check.generated holds what it last saw).
 * A task whose window overlaps a stop of its object (停用检修) is created suspended (is_defend).
 */
#include "check/check.h"
#include "base/day.h"
#include "base/log.h"
#include "base/text.h"
#include "db/db.h"
#include "notify/notify.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SLOTS 96

static int64_t setting_i64(struct db *c, const char *key, int64_t def)
{
	char *v = NULL;
	int64_t n = def;
	if (db_get_text(c, &v, "SELECT value FROM settings WHERE key = ?", "t", key) == 1 && text_parse_i64(v, &n))
		n = def;
	free(v);
	return n;
}

/* "month:3" → unit, count; false when malformed */
static int parse_cycle(const char *s, char unit[8], int *count)
{
	const char *colon = s ? strchr(s, ':') : NULL;
	if (!colon || colon - s >= 8 || colon == s)
		return 0;
	memcpy(unit, s, (size_t)(colon - s));
	unit[colon - s] = 0;
	int64_t n = 0;
	if (text_parse_i64(colon + 1, &n) || n < 1 || n > 366)
		return 0;
	*count = (int)n;
	return 1;
}

#define STOPPED " EXISTS (SELECT 1 FROM check_stops s WHERE s.object_id = ?9 AND s.active = 1" \
	" AND s.start_at < ?11 AND s.end_at > ?10)"

/* Insert one task (?1 key … ?12 now); 1 when created, 0 when it existed, -1 on error. */
static int add_task(struct db *c, const char *key, const char *origin, int64_t measure, int64_t plan, int64_t object,
		    const char *role, int64_t tmpl, int64_t point, int seq, int64_t unit, int64_t user, int64_t pos,
		    struct check_window w, int64_t now)
{
	int rc = db_exec(c, "INSERT INTO check_tasks (key, origin, measure_id, plan_id, object_id, baobao_role, template_id,"
			    " point_id, seq, unit_id, assignee_id, position_id, window_start, window_end, status, is_defend, created_at)"
			    " VALUES (?1, ?2, NULLIF(?3, 0), NULLIF(?4, 0), NULLIF(?9, 0), ?5, ?6, NULLIF(?7, 0), ?8, ?12,"
			    " NULLIF(?13, 0), NULLIF(?14, 0), ?10, ?11, CASE WHEN" STOPPED " THEN 'suspended' ELSE 'open' END,"
			    " CASE WHEN" STOPPED " THEN 1 ELSE 0 END, ?15) ON CONFLICT (key) DO NOTHING",
			 "ttIItIIiIIIIIII", key, origin, measure, plan, role, tmpl, point, seq, object, w.start, w.end, unit,
			 user, pos, now);
	if (rc != DB_OK)
		return -1;
	return db_changes(c) > 0;
}

struct mrow {
	int64_t id, user, pos, object, unit, tmpl, point, last;	/* last: the window tried last */
	int cycle, ws, we, workdays;
	char unit_name[8];
};

/* The measures' tasks of days d0..d1: the measures are read once, then each day's windows. */
static int gen_measures(struct db *c, int64_t d0, int64_t d1, int64_t now)
{
	struct db_stmt *st = db_query(c,
		"SELECT m.id, m.check_cycle, m.check_cycle_unit, m.work_start, m.work_end, m.work_day_type,"
		" COALESCE(m.resp_user_id, o.resp_user_id, 0), COALESCE(m.resp_position_id, 0), o.id, o.unit_id,"
		" COALESCE((SELECT b.template_id FROM check_bindings b JOIN check_templates t ON t.id = b.template_id"
		"   WHERE b.target = 'measure' AND b.target_id = m.id AND t.active = 1 ORDER BY b.template_id LIMIT 1),"
		"  (SELECT b.template_id FROM check_bindings b JOIN check_templates t ON t.id = b.template_id"
		"   WHERE b.target = 'object' AND b.target_id = o.id AND t.active = 1 ORDER BY b.template_id LIMIT 1),"
		"  (SELECT b.template_id FROM check_bindings b JOIN check_templates t ON t.id = b.template_id"
		"   WHERE b.target = 'equipment' AND b.target_id = o.equipment_id AND t.active = 1 ORDER BY b.template_id LIMIT 1),"
		"  (SELECT b.template_id FROM check_bindings b JOIN check_templates t ON t.id = b.template_id"
		"   WHERE b.target = 'area' AND b.target_id = o.area_id AND t.active = 1 ORDER BY b.template_id LIMIT 1), 1),"
		" COALESCE((SELECT p.id FROM check_points p WHERE p.object_id = o.id AND p.active = 1 ORDER BY p.id LIMIT 1),"
		"  (SELECT p.id FROM check_points p WHERE p.equipment_id = o.equipment_id AND p.active = 1 ORDER BY p.id LIMIT 1),"
		"  (SELECT p.id FROM check_points p WHERE p.area_id = o.area_id AND p.active = 1 ORDER BY p.id LIMIT 1), 0)"
		" FROM risk_measures m JOIN risk_events e ON e.id = m.event_id JOIN risk_units ru ON ru.id = e.risk_unit_id"
		" JOIN risk_objects o ON o.id = ru.object_id"
		" WHERE m.active = 1 AND e.active = 1 AND ru.active = 1 AND o.active = 1 AND m.check_cycle > 0"
		" AND m.work_type = 'routine' ORDER BY m.id", NULL);
	struct mrow *rows = NULL;
	size_t n = 0, cap = 0;
	while (st && db_step(st) == 1) {
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			struct mrow *nr = realloc(rows, cap * sizeof(*rows));
			if (!nr) {
				db_done(c, st);
				free(rows);
				return -1;
			}
			rows = nr;
		}
		struct mrow *m = &rows[n++];
		m->id = db_col_i64(st, 0);
		m->cycle = (int)db_col_i64(st, 1);
		snprintf(m->unit_name, sizeof(m->unit_name), "%s", db_col_text(st, 2));
		m->ws = (int)db_col_i64(st, 3);
		m->we = (int)db_col_i64(st, 4);
		m->workdays = !strcmp(db_col_text(st, 5), "work_day");
		m->user = db_col_i64(st, 6);
		m->pos = db_col_i64(st, 7);
		m->object = db_col_i64(st, 8);
		m->unit = db_col_i64(st, 9);
		m->tmpl = db_col_i64(st, 10);
		m->point = db_col_i64(st, 11);
		m->last = INT64_MIN;
	}
	db_done(c, st);
	if (!st) {
		free(rows);
		return -1;
	}
	int made = 0;
	for (int64_t day = d0; day <= d1; day++)
		for (size_t i = 0; i < n; i++) {
			struct mrow *m = &rows[i];
			struct check_window w[MAX_SLOTS];
			int k = check_windows(m->unit_name, m->cycle, m->ws, m->we, m->workdays, day, w, MAX_SLOTS);
			for (int j = 0; j < k; j++) {
				/* a week's or month's window holds many days: tried once per run */
				if (w[j].start == m->last)
					continue;
				m->last = w[j].start;
				char key[64];
				snprintf(key, sizeof(key), "m:%lld:%lld", (long long)m->id, (long long)w[j].start);
				int rc = add_task(c, key, "measure", m->id, 0, m->object, NULL, m->tmpl, m->point, 0, m->unit, m->user, m->pos,
						  w[j], now);
				if (rc < 0) {
					free(rows);
					return -1;
				}
				made += rc;
			}
		}
	free(rows);
	return made;
}

/* Round plans: a slot every every_min minutes from shift_start to shift_end (crossing midnight
 * when the end is not after the start), one task per checkpoint of the route. */
static int gen_plans(struct db *c, int64_t day, int64_t now)
{
	struct db_stmt *st = db_query(c, "SELECT p.id, p.unit_id, p.template_id, COALESCE(p.user_id, 0), COALESCE(p.position_id, 0),"
				      " p.shift_start, p.shift_end, p.every_min, pp.seq, pp.point_id,"
				      " COALESCE(cp.object_id, 0) FROM check_plans p JOIN check_plan_points pp ON pp.plan_id = p.id"
				      " JOIN check_points cp ON cp.id = pp.point_id WHERE p.active = 1 AND cp.active = 1"
				      " ORDER BY p.id, pp.seq", NULL);
	int made = 0;
	int64_t base = day_start_utc(day);
	while (st && db_step(st) == 1) {
		int64_t pid = db_col_i64(st, 0);
		int ss = (int)db_col_i64(st, 5), se = (int)db_col_i64(st, 6), every = (int)db_col_i64(st, 7);
		if (se <= ss)
			se += 1440;
		for (int m = ss; m < se && every > 0; m += every) {
			struct check_window w = {base + (int64_t)m * 60, base + (int64_t)(m + every < se ? m + every : se) * 60};
			char key[80];
			snprintf(key, sizeof(key), "p:%lld:%lld:%lld", (long long)pid, (long long)w.start,
				 (long long)db_col_i64(st, 8));
			int rc = add_task(c, key, "plan", 0, pid, db_col_i64(st, 10), NULL, db_col_i64(st, 2), db_col_i64(st, 9),
					  (int)db_col_i64(st, 8), db_col_i64(st, 1), db_col_i64(st, 3), db_col_i64(st, 4), w, now);
			if (rc < 0) {
				db_done(c, st);
				return -1;
			}
			made += rc;
		}
	}
	db_done(c, st);
	return st ? made : -1;
}

/* 包保: each major hazard source's principal, technical and operations lead, each on the cycle
 * of the settings (principal and technical quarterly, operations weekly by default). */
static int gen_baobao(struct db *c, int64_t day, int64_t now)
{
	static const char *const roles[3] = {"principal", "technical", "operations"};
	char unit[3][8];
	int count[3], ok[3];
	for (int i = 0; i < 3; i++) {
		char *v = NULL, key[40];
		snprintf(key, sizeof(key), "check.baobao.%s", roles[i]);
		db_get_text(c, &v, "SELECT value FROM settings WHERE key = ?", "t", key);
		ok[i] = parse_cycle(v, unit[i], &count[i]);
		free(v);
	}
	struct db_stmt *st = db_query(c, "SELECT o.id, o.unit_id, COALESCE(o.principal_user_id, 0), COALESCE(o.technical_user_id, 0),"
				      " COALESCE(o.operations_user_id, 0),"
				      " COALESCE((SELECT p.id FROM check_points p WHERE p.object_id = o.id AND p.active = 1 ORDER BY p.id LIMIT 1),"
				      "  (SELECT p.id FROM check_points p WHERE p.area_id = o.area_id AND p.active = 1 ORDER BY p.id LIMIT 1), 0)"
				      " FROM risk_objects o WHERE o.active = 1 AND o.hazard_code <> '' ORDER BY o.id", NULL);
	int made = 0;
	while (st && db_step(st) == 1) {
		for (int i = 0; i < 3; i++) {
			int64_t user = db_col_i64(st, 2 + i);
			struct check_window w;
			if (!ok[i] || !user || check_windows(unit[i], count[i], 0, 1440, 0, day, &w, 1) != 1)
				continue;
			char key[80];
			snprintf(key, sizeof(key), "b:%lld:%s:%lld", (long long)db_col_i64(st, 0), roles[i], (long long)w.start);
			int rc = add_task(c, key, "baobao", 0, 0, db_col_i64(st, 0), roles[i], 1, db_col_i64(st, 5), 0,
					  db_col_i64(st, 1), user, 0, w, now);
			if (rc < 0) {
				db_done(c, st);
				return -1;
			}
			made += rc;
		}
	}
	db_done(c, st);
	return st ? made : -1;
}

int check_generate_days_tx(struct db *c, int64_t d0, int64_t d1, int64_t now)
{
	int a = gen_measures(c, d0, d1, now), b = 0, d = 0;
	for (int64_t day = d0; a >= 0 && b >= 0 && d >= 0 && day <= d1; day++) {
		int pb = gen_plans(c, day, now), pd = pb < 0 ? -1 : gen_baobao(c, day, now);
		b = pb < 0 ? -1 : b + pb;
		d = pd < 0 ? -1 : d + pd;
	}
	return a < 0 || b < 0 || d < 0 ? -1 : a + b + d;
}

int check_generate_day_tx(struct db *c, int64_t day, int64_t now)
{
	return check_generate_days_tx(c, day, day, now);
}

int check_generate_day(struct db *c, int64_t day, int64_t now)
{
	if (db_begin(c) != DB_OK)
		return -1;
	int n = check_generate_day_tx(c, day, now);
	if (n < 0 || db_commit(c) != DB_OK) {
		db_rollback(c);
		log_error("check: task generation failed: %s", db_errmsg(c));
		return -1;
	}
	return n;
}

/* What generation depends on: the day and the last change of its inputs. */
static char *gen_signature(struct db *c, int64_t day)
{
	int64_t a = 0, b = 0, d = 0, e = 0, f = 0, g = 0;
	db_get_i64(c, &a, "SELECT COALESCE(max(updated_at), 0) + count(*) FROM risk_measures", NULL);
	db_get_i64(c, &b, "SELECT COALESCE(max(updated_at), 0) + count(*) FROM check_plans", NULL);
	db_get_i64(c, &d, "SELECT COALESCE(max(updated_at), 0) + count(*) FROM risk_objects", NULL);
	db_get_i64(c, &e, "SELECT COALESCE(max(updated_at), 0) + count(*) FROM check_stops", NULL);
	db_get_i64(c, &f, "SELECT COALESCE(max(updated_at), 0) + count(*) FROM check_points", NULL);
	db_get_i64(c, &g, "SELECT (SELECT count(*) FROM check_bindings) + (SELECT count(*) FROM check_plan_points)", NULL);
	char buf[200];
	snprintf(buf, sizeof(buf), "%lld:%lld:%lld:%lld:%lld:%lld:%lld", (long long)day, (long long)a, (long long)b,
		 (long long)d, (long long)e, (long long)f, (long long)g);
	return strdup(buf);
}

/* The head of a unit, walking up while a unit has none. */
static int64_t unit_head(struct db *c, int64_t unit, int64_t skip)
{
	for (int depth = 0; unit && depth < 16; depth++) {
		int64_t head = 0, parent = 0;
		db_get_i64(c, &head, "SELECT COALESCE(head_user_id, 0) FROM units WHERE id = ?", "I", unit);
		if (head && head != skip)
			return head;
		db_get_i64(c, &parent, "SELECT COALESCE(parent_id, 0) FROM units WHERE id = ?", "I", unit);
		unit = parent;
	}
	return 0;
}

/* One message per person, kind and local day, however many tasks it covers: a round every two
 * hours would otherwise bury the person's inbox (and the certificate warnings in it). The
 * subject is the count when the first message of the day is written. */
static int tell(struct db *c, int64_t user, const char *what, int64_t count, int64_t now)
{
	if (!user || !count)
		return 0;
	char dedup[80], subject[24];
	snprintf(dedup, sizeof(dedup), "check:%s:%lld:%lld", what, (long long)user, (long long)day_of(now));
	snprintf(subject, sizeof(subject), "%lld", (long long)count);
	int missed = !strcmp(what, "missed");
	struct notify_msg m = {.kind = "check", .title_key = missed ? "check.notify_missed" : "check.notify_escalated",
			       .subject = subject, .body_key = missed ? "check.notify_missed_body" : "check.notify_escalated_body",
			       .link = missed ? "/checks" : "/checks/missed", .dedup_key = dedup};
	return notify_send(c, user, &m) < 0 ? -1 : 0;
}

/* Open tasks whose window closed become missed, and their people are told (one message a day
 * each); each missed task climbs one step per check.escalate_hours: 1 the head of its unit,
 * 2 the safety department. */
static int mark_missed(struct db *c, int64_t now)
{
	int64_t step_s = setting_i64(c, "check.escalate_hours", 24) * 3600;
	if (step_s <= 0)
		step_s = 86400;
	if (db_begin(c) != DB_OK)
		return -1;
	int acted = 0;
	if (db_exec(c, "UPDATE check_tasks SET status = 'missed', missed_at = ? WHERE status = 'open' AND window_end <= ?", "II", now,
		    now) != DB_OK)
		goto fail;
	acted += db_changes(c);
	struct db_stmt *st = db_query(c, "SELECT assignee_id, count(*) FROM check_tasks WHERE status = 'missed' AND missed_at = ?"
				      " AND assignee_id IS NOT NULL GROUP BY assignee_id", "I", now);
	int64_t users[256], counts[256];
	int n = 0;
	while (st && db_step(st) == 1 && n < 256) {
		users[n] = db_col_i64(st, 0);
		counts[n++] = db_col_i64(st, 1);
	}
	db_done(c, st);
	if (!st)
		goto fail;
	for (int i = 0; i < n; i++)
		if (tell(c, users[i], "missed", counts[i], now))
			goto fail;
	for (int step = 1; step <= 2; step++) {
		/* the tasks reaching this step now, by the unit they belong to */
		st = db_query(c, "SELECT unit_id, COALESCE(assignee_id, 0), count(*) FROM check_tasks WHERE status = 'missed'"
				 " AND escalation < ? AND window_end + ? <= ? GROUP BY unit_id, COALESCE(assignee_id, 0) LIMIT 1000",
			      "iII", step, step * step_s, now);
		struct {
			int64_t unit, user, count;
		} g[1000];
		int ng = 0;
		while (st && db_step(st) == 1 && ng < 1000) {
			g[ng].unit = db_col_i64(st, 0);
			g[ng].user = db_col_i64(st, 1);
			g[ng++].count = db_col_i64(st, 2);
		}
		db_done(c, st);
		if (!st)
			goto fail;
		int64_t safety[20];
		int ns = 0;
		if (step == 2 && ng) {
			st = db_query(c, "SELECT DISTINCT ur.user_id FROM user_roles ur JOIN roles ro ON ro.id = ur.role_id"
					 " JOIN users u ON u.id = ur.user_id WHERE ro.code = 'safety_dept' AND u.active = 1"
					 " ORDER BY ur.user_id LIMIT 20", NULL);
			while (st && db_step(st) == 1 && ns < 20)
				safety[ns++] = db_col_i64(st, 0);
			db_done(c, st);
		}
		int64_t total = 0;
		for (int i = 0; i < ng; i++) {
			int64_t to = step == 1 ? unit_head(c, g[i].unit, g[i].user) : ns ? safety[0] : 0;
			if (step == 1 && tell(c, to, "escalate1", g[i].count, now))
				goto fail;
			if (db_exec(c, "UPDATE check_tasks SET escalation = ?, escalated_to = NULLIF(?, 0) WHERE status = 'missed'"
				       " AND escalation < ? AND window_end + ? <= ? AND unit_id = ? AND COALESCE(assignee_id, 0) = ?",
				    "iIiIIII", step, to, step, step * step_s, now, g[i].unit, g[i].user) != DB_OK)
				goto fail;
			acted += db_changes(c);
			total += g[i].count;
		}
		for (int k = 0; step == 2 && k < ns; k++)
			if (tell(c, safety[k], "escalate2", total, now))
				goto fail;
	}
	if (db_commit(c) != DB_OK)
		goto fail;
	return acted;
fail:
	db_rollback(c);
	log_error("check: missed-task pass failed: %s", db_errmsg(c));
	return -1;
}

int check_sched_run(struct db *c, int64_t now)
{
	int64_t day = day_of(now);
	char *sig = gen_signature(c, day), *last = NULL;
	int acted = 0;
	db_get_text(c, &last, "SELECT value FROM settings WHERE key = 'check.generated'", NULL);
	if (sig && (!last || strcmp(sig, last))) {
		int n = check_generate_day(c, day, now);
		if (n < 0) {
			free(sig);
			free(last);
			return -1;
		}
		acted += n;
		db_exec(c, "INSERT INTO settings (key, value, updated_at) VALUES ('check.generated', ?, ?)"
			   " ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at", "tI", sig, now);
	}
	free(sig);
	free(last);
	int m = mark_missed(c, now);
	return m < 0 ? -1 : acted + m;
}
