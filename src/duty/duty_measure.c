/*
 * duty_measure.c — what the duty evaluation counts, as pure functions over the database: for
 * each measure one query selects the records behind a person's figure of a month, and the
 * figure is computed from the rows of that same query (so the drill-down lists exactly the
 * records counted). Nothing here writes; no score is ever entered by hand for what the
 * system can count ("自动采集巡检记录、培训签到、整改闭环数据").
 *
 *   checks    check records the person finished in the month (src/check)
 *   hazards   hazards of the person's unit and below whose rectification deadline fell in
 *             the month (and has passed): rectified on time = closed with the rectification
 *             submitted by the deadline (the dashboard's on-time rule, src/report/kpi.c);
 *             the figure is a percentage, and a month with none due is not held against
 *             anyone (no data, fulfilled)
 *   training  courses completed in the month (src/train records of the person)
 *   meetings  safety meetings attended in the month (duty_attendance)
 *
 * A count measure asks target × 1 a month, or target × 4 when the duty is weekly
 * (DUTY_WEEKS_PER_MONTH); its fulfilment is actual / required, capped at 100 %.
 */
#include "duty/duty.h"
#include "base/day.h"
#include "base/strbuf.h"
#include "db/db.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int duty_measure_known(const char *m)
{
	return m && (!strcmp(m, "checks") || !strcmp(m, "hazards") || !strcmp(m, "training") || !strcmp(m, "meetings"));
}

void duty_month_bounds(int yyyymm, int64_t *from, int64_t *to)
{
	int y = yyyymm / 100, m = yyyymm % 100;
	int64_t d0 = day_from_ymd(y, m, 1), d1 = day_add_months(d0, 1);
	*from = day_start_utc(d0);
	*to = day_start_utc(d1);
}

int duty_month_parse(const char *s, int *yyyymm)
{
	int y, m;
	char tail;
	if (!s || strlen(s) != 7 || sscanf(s, "%4d-%2d%c", &y, &m, &tail) != 2 || s[4] != '-' || y < 2000 || y > 2199 ||
	    m < 1 || m > 12)
		return -1;
	*yyyymm = y * 100 + m;
	return 0;
}

int duty_month_of(int64_t t)
{
	int y, m, d;
	day_to_ymd(day_of(t), &y, &m, &d);
	return y * 100 + m;
}

struct db_stmt *duty_measure_records(struct db *c, const char *measure, int64_t user_id, int yyyymm, int64_t now)
{
	int64_t from, to;
	duty_month_bounds(yyyymm, &from, &to);
	if (!strcmp(measure, "checks"))
		return db_query(c, "SELECT r.id, t.name, r.finished_at, 1, 0 FROM check_records r"
				   " JOIN check_templates t ON t.id = r.template_id"
				   " WHERE r.user_id = ? AND r.finished_at >= ? AND r.finished_at < ? ORDER BY r.finished_at, r.id",
				"III", user_id, from, to);
	if (!strcmp(measure, "hazards")) {
		/* only deadlines that have passed: a hazard still within its time is not yet late */
		int64_t end = to < now ? to : now;
		return db_query(c, "SELECT h.id, h.number || ' ' || h.description, h.rectify_due,"
				   " CASE WHEN h.status = 'closed' AND h.submitted_at > 0 AND h.submitted_at <= h.rectify_due"
				   " THEN 1 ELSE 0 END, 0 FROM hazards h JOIN units hu ON hu.id = h.unit_id"
				   " WHERE hu.path LIKE (SELECT pu.path FROM users p JOIN units pu ON pu.id = p.unit_id WHERE p.id = ?) || '%'"
				   " AND h.status <> 'cancelled' AND h.rectify_due > 0 AND h.rectify_due >= ? AND h.rectify_due < ?"
				   " ORDER BY h.rectify_due, h.id",
				"III", user_id, from, end);
	}
	if (!strcmp(measure, "training")) {
		int y = yyyymm / 100, m = yyyymm % 100;
		int64_t d0 = day_from_ymd(y, m, 1), d1 = day_add_months(d0, 1);
		return db_query(c, "SELECT t.id, k.name, 0, 1, t.done_on FROM train_records t"
				   " JOIN train_courses k ON k.id = t.course_id JOIN persons p ON p.id = t.person_id"
				   " WHERE p.user_id = ? AND t.done_on >= ? AND t.done_on < ? ORDER BY t.done_on, t.id",
				"III", user_id, d0, d1);
	}
	if (!strcmp(measure, "meetings"))
		return db_query(c, "SELECT m.id, m.title, m.held_at, 1, 0 FROM duty_attendance a"
				   " JOIN duty_meetings m ON m.id = a.meeting_id"
				   " WHERE a.user_id = ? AND m.held_at >= ? AND m.held_at < ? ORDER BY m.held_at, m.id",
				"III", user_id, from, to);
	return NULL;
}

int duty_fulfil(const char *measure, double actual, double required, int no_data)
{
	if (!strcmp(measure, "hazards") && no_data)
		return 100;
	if (required <= 0)
		return 100;
	double f = 100.0 * actual / required;
	if (f > 100)
		f = 100;
	if (f < 0)
		f = 0;
	return (int)floor(f + 1e-9);
}

int duty_measure(struct db *c, const char *measure, const char *frequency, double target, int64_t user_id, int yyyymm,
		 int64_t now, struct duty_figure *out)
{
	memset(out, 0, sizeof *out);
	struct db_stmt *st = duty_measure_records(c, measure, user_id, yyyymm, now);
	if (!st)
		return -1;
	int rc;
	while ((rc = db_step(st)) == 1) {
		out->rows++;
		out->ok += db_col_i64(st, 3) ? 1 : 0;
	}
	db_done(c, st);
	if (rc < 0)
		return -1;
	if (!strcmp(measure, "hazards")) {
		out->no_data = out->rows == 0;
		out->actual = out->rows ? floor(1000.0 * (double)out->ok / (double)out->rows + 0.5) / 10.0 : 0;
		out->required = target;
	} else {
		out->actual = (double)out->ok;
		out->required = target * (frequency && !strcmp(frequency, "week") ? DUTY_WEEKS_PER_MONTH : 1);
	}
	out->fulfil = duty_fulfil(measure, out->actual, out->required, out->no_data);
	return 0;
}

void duty_lines_free(struct duty_line *v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i].title);
	free(v);
}

int duty_eval_person(struct db *c, int64_t user_id, int yyyymm, int64_t now, struct duty_line **out, int *score)
{
	/* a closed month whose snapshot was taken is read as it was stored (duty_snapshot.c) */
	if (yyyymm < duty_month_of(now)) {
		int n = duty_snapshot_lines(c, user_id, yyyymm, out, score);
		if (n != -2)
			return n;
	}
	return duty_eval_person_live(c, user_id, yyyymm, now, out, score);
}

int duty_eval_person_live(struct db *c, int64_t user_id, int yyyymm, int64_t now, struct duty_line **out, int *score)
{
	*out = NULL;
	*score = 0;
	int n = 0, cap = 0, rc;
	struct duty_line *v = NULL;
	struct db_stmt *st = db_query(c, "SELECT i.id, i.title, i.measure, i.frequency, i.target,"
		" COALESCE(d.declared_at, 0), COALESCE(d.confirmed_at, 0) FROM duty_items i JOIN users u ON u.position_id = i.position_id"
		" LEFT JOIN duty_declarations d ON d.item_id = i.id AND d.user_id = u.id AND d.month = ?"
		" WHERE u.id = ? AND i.active = 1 ORDER BY i.id", "iI", yyyymm, user_id);
	if (!st)
		return -1;
	while ((rc = db_step(st)) == 1) {
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			v = xrealloc(v, (size_t)cap * sizeof *v);
		}
		struct duty_line *l = &v[n++];
		memset(l, 0, sizeof *l);
		l->item_id = db_col_i64(st, 0);
		l->title = xstrdup(db_col_text(st, 1));
		snprintf(l->measure, sizeof l->measure, "%s", db_col_text(st, 2));
		snprintf(l->frequency, sizeof l->frequency, "%s", db_col_text(st, 3));
		l->target = db_col_double(st, 4);
		l->declared = db_col_i64(st, 5) > 0;
		l->confirmed = db_col_i64(st, 6) > 0;
	}
	db_done(c, st);
	if (rc < 0) {
		duty_lines_free(v, n);
		return -1;
	}
	int sum = 0;
	for (int i = 0; i < n; i++) {
		struct duty_line *l = &v[i];
		if (duty_measure_known(l->measure)) {
			if (duty_measure(c, l->measure, l->frequency, l->target, user_id, yyyymm, now, &l->fig)) {
				duty_lines_free(v, n);
				return -1;
			}
		} else {
			/* self-declared: counts once the superior has confirmed it */
			l->fig.fulfil = l->confirmed ? 100 : 0;
		}
		sum += l->fig.fulfil;
	}
	*score = n ? (sum + n / 2) / n : 0;
	*out = v;
	return n;
}
