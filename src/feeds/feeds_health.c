/*
 * feeds_health.c — a health score per device (设备健康度), 0 to 100, from configurable
 * factors: hazards reported on it in the last 30 days, an overdue periodic inspection, the
 * days since its last maintenance (the EAM's date or a maintenance record, whichever is
 * later) beyond a grace period, and readings out of range in 30 days.
 *
 * The readings factor belongs to the sensors module: modules_register() hands it the alarms
 * of the sensors on the device (sensor_equipment_alarms()) through feeds_readings_hook_set();
 * without that hook the factor is 0.
 *
 * Below the threshold the job opens one preventive task (feeds_health_tasks) for the
 * device's responsible person, else the first equipment manager, and tells them; the task
 * stays open (no second one, no second notice) until the score recovers, which closes it,
 * or until a person closes it with a note (feeds_tasks_web.c); after that the device gets no
 * new task for feeds.health.reopen_days (7), so the work the note records can show.
 */
#include "feeds/feeds.h"
#include "base/day.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "notify/notify.h"

#include <stdio.h>
#include <stdlib.h>

static int readings_none(struct db *c, int64_t equipment_id, int64_t since, int64_t now)
{
	(void)c, (void)equipment_id, (void)since, (void)now;
	return 0;
}
static feeds_readings_fn readings_fn = readings_none;

void feeds_readings_hook_set(feeds_readings_fn fn)
{
	readings_fn = fn ? fn : readings_none;
}

int feeds_health_score(const struct feeds_factors *f, const struct feeds_weights *w)
{
	int periods = 0;
	if (f->days_since < 0)
		periods = 1;
	else if (f->days_since > w->grace_days)
		periods = (f->days_since - w->grace_days + 29) / 30;
	long off = (long)f->hazards * w->hazard + (long)(f->overdue ? 1 : 0) * w->overdue +
		   (long)periods * w->per_30_days + (long)f->readings * w->reading;
	long s = 100 - off;
	return s < 0 ? 0 : s > 100 ? 100 : (int)s;
}

void feeds_weights_load(struct db *c, struct feeds_weights *w)
{
	w->hazard = (int)feeds_setting_int(c, "feeds.health.w_hazard", 10);
	w->overdue = (int)feeds_setting_int(c, "feeds.health.w_overdue", 30);
	w->per_30_days = (int)feeds_setting_int(c, "feeds.health.w_maint", 10);
	w->grace_days = (int)feeds_setting_int(c, "feeds.health.grace_days", 90);
	w->reading = (int)feeds_setting_int(c, "feeds.health.w_reading", 5);
	w->threshold = (int)feeds_setting_int(c, "feeds.health.threshold", 60);
}

/* the person a device's preventive task goes to; 0: nobody */
static int64_t manager_of(struct db *c, int64_t equipment_id)
{
	int64_t id = 0;
	if (db_get_i64(c, &id, "SELECT u.id FROM equipment e JOIN users u ON u.id = e.responsible_user_id"
			       " WHERE e.id = ? AND u.active = 1", "I", equipment_id) == 1)
		return id;
	if (db_get_i64(c, &id, "SELECT min(u.id) FROM users u JOIN user_roles ur ON ur.user_id = u.id"
			       " JOIN roles ro ON ro.id = ur.role_id WHERE ro.code = 'equip_manager' AND u.active = 1"
			       " HAVING count(*) > 0", NULL) == 1)
		return id;
	return 0;
}

struct dev {
	int64_t id;
	char *code;
	struct feeds_factors f;
};

int feeds_health_run(struct db *c, int64_t now)
{
	struct feeds_weights w;
	feeds_weights_load(c, &w);
	int64_t today = day_of(now), since = now - 30 * 86400;
	int64_t reopen = feeds_setting_int(c, "feeds.health.reopen_days", 7) * 86400;
	struct dev *d = NULL;
	int n = 0, opened = 0;
	/* read first, then write: one short transaction rather than one held over the reads */
	struct db_stmt *st = db_query(c,
		"SELECT e.id, e.code,"
		" (SELECT count(*) FROM hazards h WHERE h.equipment_id = e.id AND h.reported_at >= ?1"
		"   AND h.status <> 'cancelled'),"
		" CASE WHEN e.next_inspection_on IS NOT NULL AND e.next_inspection_on < ?2 THEN 1 ELSE 0 END,"
		" COALESCE((SELECT max(m.done_on) FROM equip_maintenance m WHERE m.equipment_id = e.id), -1000000),"
		" COALESCE(f.maintained_on, -1000000)"
		" FROM equipment e LEFT JOIN feeds_equipment f ON f.equipment_id = e.id WHERE e.active = 1 ORDER BY e.id",
		"II", since, today);
	while (st && db_step(st) == 1) {
		d = realloc(d, (size_t)(n + 1) * sizeof(*d));
		if (!d)
			break;
		int64_t m1 = db_col_i64(st, 4), m2 = db_col_i64(st, 5), last = m1 > m2 ? m1 : m2;
		d[n] = (struct dev){db_col_i64(st, 0), NULL, {(int)db_col_i64(st, 2), (int)db_col_i64(st, 3),
							      last == -1000000 ? -1 : (int)(today - last), 0}};
		d[n].code = xstrdup(db_col_text(st, 1));
		n++;
	}
	db_done(c, st);
	for (int i = 0; i < n; i++)
		d[i].f.readings = readings_fn(c, d[i].id, since, now);
	if (db_begin(c) != DB_OK) {
		opened = -1;
		goto out;
	}
	for (int i = 0; i < n && opened >= 0; i++) {
		int score = feeds_health_score(&d[i].f, &w);
		char factors[128];
		snprintf(factors, sizeof(factors), "hazards=%d overdue=%d days=%d readings=%d", d[i].f.hazards,
			 d[i].f.overdue, d[i].f.days_since, d[i].f.readings);
		if (db_exec(c, "INSERT INTO feeds_equipment (equipment_id, score, scored_at, factors) VALUES (?1, ?2, ?3, ?4)"
			       " ON CONFLICT (equipment_id) DO UPDATE SET score = ?2, scored_at = ?3, factors = ?4",
			    "IiIt", d[i].id, score, now, factors) != DB_OK) {
			opened = -1;
			break;
		}
		int64_t open = 0;
		db_get_i64(c, &open, "SELECT id FROM feeds_health_tasks WHERE equipment_id = ? AND closed_at = 0", "I", d[i].id);
		if (score >= w.threshold) {
			if (open && db_exec(c, "UPDATE feeds_health_tasks SET closed_at = ?, closed_how = 'recovered' WHERE id = ?",
					    "II", now, open) != DB_OK)
				opened = -1;
			continue;
		}
		if (open)
			continue;
		int64_t recent = 0;
		db_get_i64(c, &recent, "SELECT count(*) FROM feeds_health_tasks WHERE equipment_id = ? AND closed_how = 'closed'"
				       " AND closed_at > ?", "II", d[i].id, now - reopen);
		if (recent)
			continue;	/* closed by hand lately: its work has not shown in the score yet */
		int64_t who = manager_of(c, d[i].id);
		if (db_exec(c, "INSERT INTO feeds_health_tasks (equipment_id, assignee_id, score, opened_at)"
			       " VALUES (?, NULLIF(?, 0), ?, ?)", "IIiI", d[i].id, who, score, now) != DB_OK) {
			opened = -1;
			break;
		}
		int64_t task = db_last_id(c);
		char link[64], dedup[64];
		snprintf(link, sizeof(link), "/health-tasks/%lld", (long long)task);
		snprintf(dedup, sizeof(dedup), "feeds:health:%lld", (long long)task);
		struct notify_msg m = {.kind = "feeds", .title_key = "feeds.health.task_title", .subject = d[i].code,
				       .body_key = "feeds.health.task_body", .link = link, .dedup_key = dedup};
		if (who && notify_send(c, who, &m) < 0) {
			opened = -1;
			break;
		}
		opened++;
	}
	if (opened < 0 || db_commit(c) != DB_OK) {
		db_rollback(c);
		opened = -1;
	}
out:
	for (int i = 0; i < n; i++)
		free(d[i].code);
	free(d);
	return opened;
}
