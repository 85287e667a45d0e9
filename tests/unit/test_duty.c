/*
 * test_duty.c — the duty evaluation's measures against a hand-computed month (November 2026,
 * local days): each measure's figure, its records (the drill-down) equal to what it counted,
 * the month's edges (the last second of October and the first of December stay out), the
 * unit subtree of the hazards measure, a deadline not yet passed, a weekly target asked four
 * times a month, and the person's score as the mean of the items' fulfilment.
 *
 * The data set (user 1, the workshop director of unit 2 "/1/2/", team 3 "/1/2/3/" below it,
 * another workshop 4 "/1/4/"):
 *   checks   by user 1 at 31 Oct 23:59:59 (out), 1 Nov 00:00 (in), 15 Nov (in),
 *            30 Nov 23:59:59 (in), 1 Dec 00:00 (out); by user 2 on 15 Nov (out)  → 3 of 4 = 75 %
 *   hazards  due in Nov: h1 unit 2 on time; h2 team 3 submitted a day late; h3 unit 2 still
 *            open; h7 unit 2 on time (due 28 Nov); out: h4 another workshop, h5 due
 *            in Dec, h6 cancelled                           → 2 of 4 = 50 % of 95 % → 52
 *            seen on 26 Nov (h7 not yet due): 1 of 3 = 33.3 % of 95 % → 35
 *   training 3 Nov, 30 Nov in; 31 Oct, 1 Dec out          → 2 of 1 → 100 (capped)
 *   meetings attended 5 Nov (in) and 1 Dec 00:00 (out); 7 Nov not attended → 1 of 2 = 50
 *   none     one confirmed (100), one declared only (0)
 *   score    (75 + 52 + 100 + 50 + 100 + 0) / 6 = 62.8 → 63
 */
#include "unit.h"
#include "base/day.h"
#include "db/db.h"
#include "base/strbuf.h"
#include "duty/duty.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* a write of the data set (a long statement, kept out of the failure message) */
#define OK(x) do { int rc_ = (x); CHECK_INT(rc_, DB_OK); } while (0)

static int64_t at(int m, int d, int h, int mi, int s)
{
	return day_start_utc(day_from_ymd(2026, m, d)) + h * 3600 + mi * 60 + s;
}

static struct db *dataset(void)
{
	struct db *c = unit_db();
	OK(db_exec_script(c,
		"INSERT INTO units (id, parent_id, name, kind, path, created_at) VALUES (1, NULL, 'C', 'company', '/1/', 0),"
		" (2, 1, 'W', 'workshop', '/1/2/', 0), (3, 2, 'T', 'team', '/1/2/3/', 0), (4, 1, 'X', 'workshop', '/1/4/', 0);"
		"INSERT INTO positions (id, name) VALUES (1, '车间主任');"
		"INSERT INTO users (id, username, name, unit_id, position_id, password_hash, created_at, updated_at) VALUES"
		" (1, 'd', 'D', 2, 1, 'x', 0, 0), (2, 'o', 'O', 2, NULL, 'x', 0, 0);"
		"INSERT INTO duty_items (id, position_id, title, measure, frequency, target, created_at) VALUES"
		" (1, 1, 'checks', 'checks', 'week', 1, 0), (2, 1, 'hazards', 'hazards', 'month', 95, 0),"
		" (3, 1, 'training', 'training', 'month', 1, 0), (4, 1, 'meetings', 'meetings', 'month', 2, 0),"
		" (5, 1, 'declared+confirmed', 'none', 'month', 1, 0), (6, 1, 'declared', 'none', 'month', 1, 0),"
		" (7, 1, 'retired', 'checks', 'month', 1, 0);"
		"UPDATE duty_items SET active = 0 WHERE id = 7;"
		"INSERT INTO duty_declarations (user_id, item_id, month, declared_at, confirmed_by, confirmed_at) VALUES"
		" (1, 5, 202611, 1, 2, 2), (1, 6, 202611, 1, NULL, 0), (1, 6, 202610, 1, 2, 2);"
		"INSERT INTO check_templates (id, name, created_at, updated_at) VALUES (900, 'T', 0, 0);"
		"INSERT INTO persons (id, user_id, name, unit_id, created_at) VALUES (1, 1, 'D', 2, 0);"
		"INSERT INTO train_courses (id, code, name, hours, created_at) VALUES (1, 'c', 'C', 4, 0);"
		"INSERT INTO areas (id, name, unit_id, qr_token, created_at) VALUES (1, 'A', 2, 'q', 0);"));
	/* checks: (user, finished_at) */
	struct { int64_t user, t; } ck[] = {
		{1, at(10, 31, 23, 59, 59)}, {1, at(11, 1, 0, 0, 0)}, {1, at(11, 15, 9, 0, 0)},
		{1, at(11, 30, 23, 59, 59)}, {1, at(12, 1, 0, 0, 0)}, {2, at(11, 15, 9, 0, 0)},
	};
	for (int i = 0; i < 6; i++) {
		char key[16];
		snprintf(key, sizeof key, "k%d", i);
		OK(db_exec(c, "INSERT INTO check_tasks (id, key, origin, template_id, unit_id, window_start, window_end, created_at)"
				     " VALUES (?, ?, 'plan', 900, 2, 0, 1, 0)", "it", i + 1, key));
		OK(db_exec(c, "INSERT INTO check_records (task_id, template_id, template_version, user_id, idem_key, finished_at)"
				     " VALUES (?, 900, 1, ?, ?, ?)", "iItI", i + 1, ck[i].user, key, ck[i].t));
	}
	/* hazards: (id, unit, status, rectify_due, submitted_at) */
	struct { int id, unit; const char *status; int64_t due, sub; } hz[] = {
		{1, 2, "closed", at(11, 10, 18, 0, 0), at(11, 9, 10, 0, 0)},
		{2, 3, "closed", at(11, 20, 18, 0, 0), at(11, 21, 10, 0, 0)},
		{3, 2, "rectifying", at(11, 25, 18, 0, 0), 0},
		{4, 4, "closed", at(11, 12, 18, 0, 0), at(11, 11, 10, 0, 0)},
		{5, 2, "rectifying", at(12, 2, 18, 0, 0), 0},
		{6, 2, "cancelled", at(11, 5, 18, 0, 0), 0},
		{7, 2, "closed", at(11, 28, 18, 0, 0), at(11, 27, 10, 0, 0)},
	};
	for (int i = 0; i < 7; i++) {
		char num[16];
		snprintf(num, sizeof num, "H%d", hz[i].id);
		OK(db_exec(c, "INSERT INTO hazards (id, number, status, area_id, unit_id, category_id, reported_at, rectify_due,"
				     " submitted_at, updated_at) VALUES (?, ?, ?, 1, ?, 1, 0, ?, ?, 0)", "itti" "II", hz[i].id, num,
				  hz[i].status, hz[i].unit, hz[i].due, hz[i].sub));
	}
	/* training: done_on days */
	int64_t tr[] = {day_from_ymd(2026, 11, 3), day_from_ymd(2026, 11, 30), day_from_ymd(2026, 10, 31), day_from_ymd(2026, 12, 1)};
	for (int i = 0; i < 4; i++)
		OK(db_exec(c, "INSERT INTO train_records (person_id, course_id, done_on, hours, source, created_at)"
				     " VALUES (1, 1, ?, 4, 'class', 0)", "I", tr[i]));
	/* meetings */
	OK(db_exec(c, "INSERT INTO duty_meetings (id, unit_id, kind, title, held_at, token, created_at) VALUES"
			     " (1, 2, 'committee', 'M1', ?, 't1', 0), (2, 2, 'preshift', 'M2', ?, 't2', 0), (3, 2, 'preshift', 'M3', ?, 't3', 0)",
			  "III", at(11, 5, 9, 0, 0), at(12, 1, 0, 0, 0), at(11, 7, 9, 0, 0)));
	OK(db_exec_script(c, "INSERT INTO duty_attendance (meeting_id, user_id, at) VALUES (1, 1, 0), (2, 1, 0), (3, 2, 0);"));
	return c;
}

/* the records listed for a figure: their count and the sum of their ids */
static int64_t listed(struct db *c, const char *m, int64_t now, int64_t *idsum)
{
	struct db_stmt *st = duty_measure_records(c, m, 1, 202611, now);
	int64_t n = 0;
	*idsum = 0;
	while (st && db_step(st) == 1) {
		n++;
		*idsum += db_col_i64(st, 0);
	}
	db_done(c, st);
	return n;
}

TEST(duty_measure_checks_counts_the_month_only)
{
	struct db *c = dataset();
	struct duty_figure f;
	int64_t late = at(12, 20, 0, 0, 0), sum;
	CHECK_INT(duty_measure(c, "checks", "week", 1, 1, 202611, late, &f), 0);
	CHECK_INT(f.rows, 3);
	CHECK(f.actual == 3 && f.required == 4);	/* weekly: four times a month */
	CHECK_INT(f.fulfil, 75);
	CHECK_INT(listed(c, "checks", late, &sum), 3);
	CHECK_INT(sum, 2 + 3 + 4);	/* the records of 1, 15 and 30 Nov */
	CHECK_INT(duty_measure(c, "checks", "month", 2, 1, 202611, late, &f), 0);
	CHECK_INT(f.fulfil, 100);	/* capped */
	db_close(c);
}

TEST(duty_measure_hazards_on_time_rate_of_the_subtree)
{
	struct db *c = dataset();
	struct duty_figure f;
	int64_t sum;
	CHECK_INT(duty_measure(c, "hazards", "month", 95, 1, 202611, at(12, 20, 0, 0, 0), &f), 0);
	CHECK_INT(f.rows, 4);
	CHECK_INT(f.ok, 2);
	CHECK(f.actual == 50.0);
	CHECK_INT(f.fulfil, 52);
	CHECK_INT(listed(c, "hazards", at(12, 20, 0, 0, 0), &sum), 4);
	CHECK_INT(sum, 1 + 2 + 3 + 7);
	/* on 26 Nov the hazard due on the 28th is not yet late, nor counted */
	CHECK_INT(duty_measure(c, "hazards", "month", 95, 1, 202611, at(11, 26, 12, 0, 0), &f), 0);
	CHECK_INT(f.rows, 3);
	CHECK(f.actual > 33.29 && f.actual < 33.31);
	CHECK_INT(f.fulfil, 35);
	/* a month with none due: nothing to hold against anyone */
	CHECK_INT(duty_measure(c, "hazards", "month", 95, 1, 202609, at(12, 20, 0, 0, 0), &f), 0);
	CHECK_INT(f.rows, 0);
	CHECK(f.no_data);
	CHECK_INT(f.fulfil, 100);
	db_close(c);
}

TEST(duty_measure_training_and_meetings)
{
	struct db *c = dataset();
	struct duty_figure f;
	int64_t late = at(12, 20, 0, 0, 0), sum;
	CHECK_INT(duty_measure(c, "training", "month", 1, 1, 202611, late, &f), 0);
	CHECK_INT(f.rows, 2);
	CHECK_INT(f.fulfil, 100);
	CHECK_INT(listed(c, "training", late, &sum), 2);
	CHECK_INT(duty_measure(c, "meetings", "month", 2, 1, 202611, late, &f), 0);
	CHECK_INT(f.rows, 1);
	CHECK_INT(f.fulfil, 50);
	CHECK_INT(listed(c, "meetings", late, &sum), 1);
	CHECK_INT(sum, 1);
	/* December holds the meeting at its first second */
	CHECK_INT(duty_measure(c, "meetings", "month", 2, 1, 202612, late, &f), 0);
	CHECK_INT(f.rows, 1);
	db_close(c);
}

TEST(duty_eval_person_scores_the_mean)
{
	struct db *c = dataset();
	struct duty_line *v;
	int score;
	int n = duty_eval_person(c, 1, 202611, at(12, 20, 0, 0, 0), &v, &score);
	CHECK_INT(n, 6);	/* the retired duty is not on the list */
	CHECK_INT(v[0].fig.fulfil, 75);
	CHECK_INT(v[1].fig.fulfil, 52);
	CHECK_INT(v[2].fig.fulfil, 100);
	CHECK_INT(v[3].fig.fulfil, 50);
	CHECK(v[4].declared && v[4].confirmed);
	CHECK_INT(v[4].fig.fulfil, 100);
	CHECK(v[5].declared && !v[5].confirmed);
	CHECK_INT(v[5].fig.fulfil, 0);
	CHECK_INT(score, 63);
	/* the radar writes the titles escaped */
	free(v[0].title);
	v[0].title = strdup("<b>&");
	struct strbuf sb = STRBUF_INIT;
	duty_radar_svg(&sb, v, n);
	CHECK(strstr(sb.buf, "&lt;b&gt;&amp;") != NULL);
	CHECK(strstr(sb.buf, "<b>") == NULL);
	CHECK(strstr(sb.buf, "class=\"score\"") != NULL);
	sb_release(&sb);
	duty_lines_free(v, n);
	/* someone without a list */
	CHECK_INT(duty_eval_person(c, 2, 202611, at(12, 20, 0, 0, 0), &v, &score), 0);
	duty_lines_free(v, 0);
	db_close(c);
}

/* A closed month stored on the next month's first run, once, and read from the store after
 * its list changed; a declaration confirmed afterwards still counts; live it has changed. */
TEST(duty_snapshot_keeps_a_closed_month)
{
	struct db *c = dataset();
	int64_t first = at(12, 1, 0, 10, 0), later = at(12, 20, 0, 0, 0);
	struct duty_line *v;
	int score;
	CHECK_INT(duty_snapshot_lines(c, 1, 202611, &v, &score), -2);	/* not taken yet */
	CHECK_INT(duty_snapshot_run(c, first), 1);
	CHECK_INT(duty_snapshot_run(c, first + 3600), 0);	/* once */
	CHECK(duty_snapshot_taken(c, 202611) == first);
	OK(db_exec_script(c, "UPDATE duty_items SET active = 0 WHERE id = 4;"
		"INSERT INTO duty_items (id, position_id, title, measure, frequency, target, created_at) VALUES (8, 1, 'new', 'training', 'month', 1, 0);"
		"UPDATE duty_declarations SET confirmed_by = 2, confirmed_at = 3 WHERE item_id = 6 AND month = 202611;"));
	int n = duty_eval_person(c, 1, 202611, later, &v, &score);
	CHECK_INT(n, 6);
	CHECK(v[3].item_id == 4);	/* retired since, still in the closed month */
	CHECK_INT(v[3].fig.fulfil, 50);
	CHECK_INT(v[1].fig.fulfil, 52);
	CHECK_INT(v[5].fig.fulfil, 100);	/* confirmed in December: read live */
	CHECK_INT(score, 80);	/* (75 + 52 + 100 + 50 + 100 + 100) / 6 = 79.5 */
	duty_lines_free(v, n);
	n = duty_eval_person_live(c, 1, 202611, later, &v, &score);
	CHECK_INT(n, 6);
	CHECK(v[3].item_id == 5 && v[5].item_id == 8);	/* live: 4 gone, 8 there */
	duty_lines_free(v, n);
	/* the current month is computed, never read from a store */
	CHECK_INT(duty_snapshot_lines(c, 1, 202612, &v, &score), -2);
	db_close(c);
}

TEST(duty_month_parse_and_bounds)
{
	int m;
	CHECK_INT(duty_month_parse("2024-02", &m), 0);
	CHECK_INT(m, 202402);
	CHECK_INT(duty_month_parse("2024-13", &m), -1);
	CHECK_INT(duty_month_parse("2024-2", &m), -1);
	CHECK_INT(duty_month_parse("2024-02x", &m), -1);
	CHECK_INT(duty_month_parse(NULL, &m), -1);
	int64_t from, to;
	duty_month_bounds(202402, &from, &to);	/* a leap February: 29 days */
	CHECK_INT(to - from, 29 * 86400);
	duty_month_bounds(202612, &from, &to);	/* December ends at the new year */
	CHECK_INT(to, day_start_utc(day_from_ymd(2027, 1, 1)));
	CHECK_INT(duty_month_of(from), 202612);
	CHECK_INT(duty_month_of(to - 1), 202612);
	CHECK_INT(duty_fulfil("hazards", 100, 95, 0), 100);
	CHECK_INT(duty_fulfil("checks", 0, 4, 0), 0);
}
