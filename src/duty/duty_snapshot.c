/*
 * duty_snapshot.c — monthly snapshots of the duty evaluation. On the first scheduler run of
 * a month (the first day, or later if the server was down) the evaluation of the month just
 * closed is computed for everyone with a duty list and stored (migration 0901), once: the
 * month's marker row makes the job idempotent. A closed month is then read from the snapshot,
 * so a duty retired or added afterwards, or a record edited later, does not rewrite last
 * month's radar chart; the current month, and a month closed before the first snapshot was
 * taken, are computed from the records as before (duty_measure.c).
 *
 * Self-declared duties (measure none) are the one exception: their declaration and the
 * superior's confirmation are read live, because confirming last month's declaration in the
 * first days of the next is the normal course, not a rewrite.
 */
#include "duty/duty.h"
#include "base/strbuf.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The month before yyyymm. */
static int month_before(int yyyymm)
{
	int y = yyyymm / 100, m = yyyymm % 100;
	return m == 1 ? (y - 1) * 100 + 12 : y * 100 + m - 1;
}

int64_t duty_snapshot_taken(struct db *c, int yyyymm)
{
	int64_t at = 0;
	if (db_get_i64(c, &at, "SELECT taken_at FROM duty_snapshot_months WHERE month = ?", "i", yyyymm) != 1)
		return 0;
	return at;
}

/* Store the lines of one person (inside the transaction). */
static int store_person(struct db *c, int64_t uid, int yyyymm, int64_t now)
{
	struct duty_line *v;
	int score;
	int n = duty_eval_person_live(c, uid, yyyymm, now, &v, &score);
	if (n < 0)
		return -1;
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		const struct duty_line *l = &v[i];
		if (db_exec(c, "INSERT INTO duty_snapshots (month, user_id, item_id, title, measure, frequency, target, records, ok,"
			       " actual, required, no_data, fulfil) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			    "iIItttdIIddii", yyyymm, uid, l->item_id, l->title, l->measure, l->frequency, l->target, l->fig.rows,
			    l->fig.ok, l->fig.actual, l->fig.required, l->fig.no_data, l->fig.fulfil) != DB_OK)
			rc = -1;
	}
	duty_lines_free(v, n);
	return rc;
}

int duty_snapshot_month(struct db *c, int yyyymm, int64_t now)
{
	if (duty_snapshot_taken(c, yyyymm))
		return 0;
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	struct db_stmt *st = db_query(c, "SELECT u.id FROM users u WHERE u.active = 1 AND EXISTS (SELECT 1 FROM duty_items i"
					 " WHERE i.position_id = u.position_id AND i.active = 1) ORDER BY u.id", NULL);
	while (st && db_step(st) == 1) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			ids = xrealloc(ids, cap * sizeof *ids);
		}
		ids[n++] = db_col_i64(st, 0);
	}
	db_done(c, st);
	if (!st || db_begin(c) != DB_OK) {
		free(ids);
		return -1;
	}
	/* the marker first: a second run racing this one fails on its key and rolls back */
	int ok = db_exec(c, "INSERT INTO duty_snapshot_months (month, people, taken_at) VALUES (?, ?, ?)", "iII", yyyymm,
			 (int64_t)n, now) == DB_OK;
	for (size_t i = 0; ok && i < n; i++)
		ok = store_person(c, ids[i], yyyymm, now) == 0;
	free(ids);
	if (!ok || db_commit(c) != DB_OK) {
		db_rollback(c);
		return -1;
	}
	return 1;
}

int duty_snapshot_run(struct db *c, int64_t now)
{
	return duty_snapshot_month(c, month_before(duty_month_of(now)), now);
}

int duty_snapshot_lines(struct db *c, int64_t user_id, int yyyymm, struct duty_line **out, int *score)
{
	*out = NULL;
	*score = 0;
	if (!duty_snapshot_taken(c, yyyymm))
		return -2;
	int n = 0, cap = 0, rc;
	struct duty_line *v = NULL;
	struct db_stmt *st = db_query(c, "SELECT s.item_id, s.title, s.measure, s.frequency, s.target, s.records, s.ok, s.actual,"
		" s.required, s.no_data, s.fulfil, COALESCE(d.declared_at, 0), COALESCE(d.confirmed_at, 0) FROM duty_snapshots s"
		" LEFT JOIN duty_declarations d ON d.item_id = s.item_id AND d.user_id = s.user_id AND d.month = s.month"
		" WHERE s.month = ? AND s.user_id = ? ORDER BY s.item_id", "iI", yyyymm, user_id);
	if (!st)
		return -1;
	int sum = 0;
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
		l->fig.rows = db_col_i64(st, 5);
		l->fig.ok = db_col_i64(st, 6);
		l->fig.actual = db_col_double(st, 7);
		l->fig.required = db_col_double(st, 8);
		l->fig.no_data = (int)db_col_i64(st, 9);
		l->fig.fulfil = (int)db_col_i64(st, 10);
		l->declared = db_col_i64(st, 11) > 0;
		l->confirmed = db_col_i64(st, 12) > 0;
		if (!duty_measure_known(l->measure))
			l->fig.fulfil = l->confirmed ? 100 : 0;	/* read live, see above */
		sum += l->fig.fulfil;
	}
	db_done(c, st);
	if (rc < 0) {
		duty_lines_free(v, n);
		return -1;
	}
	*score = n ? (sum + n / 2) / n : 0;
	*out = v;
	return n;
}

/* the module's job: 沉默即同意 on the co-working threads, and last month's snapshot */
int duty_sched_run(struct db *c, int64_t now)
{
	int a = duty_consent_run(c, now);
	int b = duty_snapshot_run(c, now);
	if (a < 0 || b < 0)
		return -1;
	return a + b;
}
