/*
 * contractor.c — the rules of the contractor module: may a person be named on a permit (the
 * answer cert_may_operate() folds in), the yearly rating and next year's eligibility, the
 * contractor whose work a permit was, and the scheduler job (expiry reminders, the
 * year-end rating).
 *
 * Why a suspended contractor blocks its people: 安全生产法 Art. 49 leaves the plant
 * answerable for the contractors it lets on site, and the case studies rate contractors on
 * the quality of their work and bar the poor ones ("年度评价不合格的，下一年度不得入厂作业").
 */
#include "contractor/contractor.h"
#include "auth/actor.h"
#include "base/clock.h"
#include "base/day.h"
#include "base/strbuf.h"
#include "base/text.h"
#include "db/db.h"
#include "notify/notify.h"

#include <stdlib.h>
#include <string.h>

static char *name_and_day(const char *name, int64_t day)
{
	char d[16];
	struct strbuf sb = STRBUF_INIT;
	if (name && *name)
		sb_addf(&sb, "%s · ", name);
	if (day != DAY_NONE)
		sb_addf(&sb, "%s", day_format(day, d));
	return sb_detach(&sb, NULL);
}

int contractor_may_operate(struct db *c, int64_t id, int64_t day, const char **reason_key, char **detail)
{
	*reason_key = NULL;
	*detail = NULL;
	struct db_stmt *st = db_query(c,
		"SELECT k.id, k.name, k.status, COALESCE(k.suspended_on, -1000000), k.active, cp.entry_until"
		" FROM contractor_people cp JOIN contractors k ON k.id = cp.contractor_id"
		" JOIN persons p ON p.id = cp.person_id WHERE (p.id = ? OR p.user_id = ?)",
		"II", id, -id);
	if (!st) {
		*reason_key = "contractor.reason.error";
		return 0;
	}
	int rc = db_step(st);
	if (rc != 1) {
		db_done(c, st);
		if (rc < 0)
			*reason_key = "contractor.reason.error";
		return rc == 0;	/* nobody's contractor worker */
	}
	int64_t kid = db_col_i64(st, 0), since = db_col_i64(st, 3), until = db_col_i64(st, 5);
	char *name = xstrdup(db_col_text(st, 1));
	int suspended = !strcmp(db_col_text(st, 2), "suspended") && (since == -1000000 || since <= day);
	int inactive = db_col_i64(st, 4) == 0;
	db_done(c, st);
	if (suspended || inactive) {
		*reason_key = "contractor.reason.suspended";
		*detail = name_and_day(name, suspended && since != -1000000 ? since : DAY_NONE);
		free(name);
		return 0;
	}
	/* a qualification lapses when no qualification of its kind is valid on the day (a
	 * renewed licence is a new row of the same kind) */
	st = db_query(c,
		"SELECT q.kind, q.number, q.valid_to FROM contractor_quals q WHERE q.contractor_id = ? AND q.valid_to < ?"
		" AND NOT EXISTS (SELECT 1 FROM contractor_quals n WHERE n.contractor_id = q.contractor_id"
		"  AND n.kind = q.kind AND n.valid_to >= ?) ORDER BY q.valid_to DESC LIMIT 1",
		"III", kid, day, day);
	if (!st) {
		free(name);
		*reason_key = "contractor.reason.error";
		return 0;
	}
	if (db_step(st) == 1) {
		struct strbuf sb = STRBUF_INIT;
		char d[16];
		sb_addf(&sb, "%s · %s %s · %s", name, db_col_text(st, 0), db_col_text(st, 1),
			day_format(db_col_i64(st, 2), d));
		*detail = sb_detach(&sb, NULL);
		*reason_key = "contractor.reason.qual_expired";
		db_done(c, st);
		free(name);
		return 0;
	}
	db_done(c, st);
	if (until < day) {
		*reason_key = "contractor.reason.entry_expired";
		*detail = name_and_day(name, until);
		free(name);
		return 0;
	}
	free(name);
	return 1;
}

int contractor_year_score(int jobs, int score_sum, int hazards, int major_hazards)
{
	if (jobs <= 0)
		return -1;
	/* mean × 20 in whole points, rounded half up: (sum × 20 + jobs / 2) / jobs */
	long s = ((long)score_sum * 20 + jobs / 2) / jobs;
	s -= 2L * hazards + 10L * major_hazards;
	return s < 0 ? 0 : s > 100 ? 100 : (int)s;
}

int contractor_year_eligible(int score, int threshold)
{
	return score < 0 || score >= threshold;
}

int contractor_threshold(struct db *c)
{
	char *v = NULL;
	int64_t n = CONTRACTOR_THRESHOLD_DEFAULT;
	if (db_get_text(c, &v, "SELECT value FROM settings WHERE key = 'contractor.threshold'", NULL) == 1 && v &&
	    (text_parse_i64(v, &n) != 0 || n < 0 || n > 100))
		n = CONTRACTOR_THRESHOLD_DEFAULT;
	free(v);
	return (int)n;
}

int contractor_rate_year(struct db *c, int year, int64_t now)
{
	int64_t from = day_start_utc(day_from_ymd(year, 1, 1)), to = day_start_utc(day_from_ymd(year + 1, 1, 1));
	int64_t next_year = day_from_ymd(year + 1, 1, 1);
	int threshold = contractor_threshold(c);
	/* most runs find nothing to rate: ask before taking the write lock */
	int64_t waiting = 0;
	if (db_get_i64(c, &waiting, "SELECT count(*) FROM contractors k WHERE active = 1 AND created_at < ?"
			       " AND NOT EXISTS (SELECT 1 FROM contractor_years y WHERE y.contractor_id = k.id AND y.year = ?)",
		       "Ii", to, year) != 1)
		return -1;
	if (!waiting)
		return 0;
	if (db_begin(c) != DB_OK)
		return -1;
	/* collect first: the writes below would disturb the reading statement */
	int64_t ids[1024];
	int n = 0;
	struct db_stmt *st = db_query(c, "SELECT id FROM contractors k WHERE active = 1 AND created_at < ?"
				      " AND NOT EXISTS (SELECT 1 FROM contractor_years y WHERE y.contractor_id = k.id AND y.year = ?)"
				      " ORDER BY id LIMIT 1024", "Ii", to, year);
	while (st && db_step(st) == 1)
		ids[n++] = db_col_i64(st, 0);
	db_done(c, st);
	struct actor sys;
	actor_system(c, "system", &sys);
	sys.now = now;
	for (int i = 0; i < n; i++) {
		int64_t jobs = 0, sum = 0, hz = 0, major = 0;
		st = db_query(c, "SELECT count(*), COALESCE(sum(score), 0) FROM contractor_ratings"
				 " WHERE contractor_id = ? AND rated_at >= ? AND rated_at < ?", "III", ids[i], from, to);
		if (st && db_step(st) == 1) {
			jobs = db_col_i64(st, 0);
			sum = db_col_i64(st, 1);
		}
		db_done(c, st);
		st = db_query(c, "SELECT count(*), COALESCE(sum(CASE WHEN h.level = 'major' THEN 1 ELSE 0 END), 0)"
				 " FROM contractor_hazards l JOIN hazards h ON h.id = l.hazard_id"
				 " WHERE l.contractor_id = ? AND h.reported_at >= ? AND h.reported_at < ?", "III", ids[i], from, to);
		if (st && db_step(st) == 1) {
			hz = db_col_i64(st, 0);
			major = db_col_i64(st, 1);
		}
		db_done(c, st);
		int score = contractor_year_score((int)jobs, (int)sum, (int)(hz - major), (int)major);
		int eligible = contractor_year_eligible(score, threshold);
		double avg = jobs ? (double)sum / (double)jobs : 0;
		if (db_exec(c, "INSERT INTO contractor_years (contractor_id, year, jobs, avg_score, hazards, major_hazards,"
			       " score, eligible, rated_at) VALUES (?, ?, ?, CASE WHEN ? > 0 THEN ? END, ?, ?, NULLIF(?, -1), ?, ?)",
			    "IiIIdIIiiI", ids[i], year, jobs, jobs, avg, hz, major, score, eligible, now) != DB_OK)
			goto fail;
		struct strbuf sum_text = STRBUF_INIT;
		sb_addf(&sum_text, "year %d: jobs %lld, hazards %lld (major %lld), score %d, threshold %d%s", year,
			(long long)jobs, (long long)hz, (long long)major, score, threshold,
			eligible ? "" : ", suspended for next year");
		int bad = actor_audit(&sys, "contractor", ids[i], "rate_year", sum_text.buf) != 0;
		sb_release(&sum_text);
		if (bad)
			goto fail;
		if (!eligible) {
			struct strbuf why = STRBUF_INIT;
			sb_addf(&why, "%d: %d < %d", year, score, threshold);
			int rc = db_exec(c, "UPDATE contractors SET status = 'suspended', suspended_on = ?, suspend_reason = ?"
					    " WHERE id = ?", "ItI", next_year, why.buf, ids[i]);
			sb_release(&why);
			if (rc != DB_OK || actor_audit(&sys, "contractor", ids[i], "suspend", "yearly rating below threshold"))
				goto fail;
		}
	}
	if (db_commit(c) != DB_OK)
		return -1;
	return n;
fail:
	db_rollback(c);
	return -1;
}

int64_t contractor_of_permit(struct db *c, int64_t permit_id)
{
	int64_t id = 0;
	if (db_get_i64(c, &id,
		       "SELECT cp.contractor_id FROM permit_workers w JOIN persons p ON p.user_id = w.user_id"
		       " JOIN contractor_people cp ON cp.person_id = p.id WHERE w.permit_id = ? ORDER BY cp.contractor_id LIMIT 1",
		       "I", permit_id) == 1 && id)
		return id;
	if (db_get_i64(c, &id, "SELECT k.id FROM permits t JOIN contractors k ON k.name = t.work_unit"
			       " WHERE t.id = ? AND t.contractor = 1", "I", permit_id) == 1)
		return id;
	return 0;
}

/* ---- the job ---- */

struct reminder {
	int64_t user_id, contractor_id;
	char key[96];
	const char *title_key;
	char subject[200];
};

static int remind(struct db *c, struct reminder *v, int n)
{
	int sent = 0;
	for (int i = 0; i < n; i++) {
		char link[64];
		snprintf(link, sizeof(link), "/contractors/%lld", (long long)v[i].contractor_id);
		struct notify_msg m = {.kind = "contractor_expiry", .title_key = v[i].title_key, .subject = v[i].subject,
				       .body_key = "contractor.remind.body", .link = link, .dedup_key = v[i].key};
		int rc = notify_send(c, v[i].user_id, &m);
		if (rc < 0)
			return -1;
		sent += rc;
	}
	return sent;
}

/* Qualifications (the newest of each kind) and entry permissions ending within
 * CONTRACTOR_WARN_DAYS: the contractor's manager is told once per end date. */
static int reminders(struct db *c, int64_t now)
{
	int64_t today = day_of(now), until = today + CONTRACTOR_WARN_DAYS;
	enum { MAX = 512 };
	struct reminder *v = xmalloc(MAX * sizeof *v);
	int n = 0;
	char d[16];
	struct db_stmt *st = db_query(c,
		"SELECT k.manager_id, k.id, q.id, q.kind, q.number, q.valid_to, k.name FROM contractor_quals q"
		" JOIN contractors k ON k.id = q.contractor_id WHERE k.active = 1 AND k.manager_id IS NOT NULL"
		" AND q.valid_to BETWEEN ? AND ? AND NOT EXISTS (SELECT 1 FROM contractor_quals n"
		"  WHERE n.contractor_id = q.contractor_id AND n.kind = q.kind AND n.valid_to > q.valid_to)"
		" AND NOT EXISTS (SELECT 1 FROM notifications t WHERE t.dedup_key = 'contractor:qual:' || q.id || ':' || q.valid_to)"
		" ORDER BY q.id LIMIT 256", "II", today, until);
	while (st && db_step(st) == 1 && n < MAX) {
		struct reminder *r = &v[n++];
		r->user_id = db_col_i64(st, 0);
		r->contractor_id = db_col_i64(st, 1);
		r->title_key = "contractor.remind.qual";
		snprintf(r->key, sizeof(r->key), "contractor:qual:%lld:%lld", (long long)db_col_i64(st, 2),
			 (long long)db_col_i64(st, 5));
		snprintf(r->subject, sizeof(r->subject), "%s · %s %s · %s", db_col_text(st, 6), db_col_text(st, 3),
			 db_col_text(st, 4), day_format(db_col_i64(st, 5), d));
	}
	db_done(c, st);
	st = db_query(c,
		"SELECT k.manager_id, k.id, cp.id, p.name, cp.entry_until, k.name FROM contractor_people cp"
		" JOIN contractors k ON k.id = cp.contractor_id JOIN persons p ON p.id = cp.person_id"
		" WHERE k.active = 1 AND p.active = 1 AND k.manager_id IS NOT NULL AND cp.entry_until BETWEEN ? AND ?"
		" AND NOT EXISTS (SELECT 1 FROM notifications t WHERE t.dedup_key = 'contractor:entry:' || cp.id || ':' || cp.entry_until)"
		" ORDER BY cp.id LIMIT 256", "II", today, until);
	while (st && db_step(st) == 1 && n < MAX) {
		struct reminder *r = &v[n++];
		r->user_id = db_col_i64(st, 0);
		r->contractor_id = db_col_i64(st, 1);
		r->title_key = "contractor.remind.entry";
		snprintf(r->key, sizeof(r->key), "contractor:entry:%lld:%lld", (long long)db_col_i64(st, 2),
			 (long long)db_col_i64(st, 4));
		snprintf(r->subject, sizeof(r->subject), "%s · %s · %s", db_col_text(st, 5), db_col_text(st, 3),
			 day_format(db_col_i64(st, 4), d));
	}
	db_done(c, st);
	/* read first, write only when someone is to be told (dedup keys make a repeat a no-op) */
	if (!n) {
		free(v);
		return 0;
	}
	if (db_begin(c) != DB_OK) {
		free(v);
		return -1;
	}
	int sent = remind(c, v, n);
	free(v);
	if (sent < 0 || db_commit(c) != DB_OK) {
		db_rollback(c);
		return -1;
	}
	return sent;
}

int contractor_sched_run(struct db *c, int64_t now)
{
	int sent = reminders(c, now);
	/* the year-end rating: the first run of a year rates the year before (once: a rated
	 * contractor has its row) */
	int y, m, d;
	day_to_ymd(day_of(now), &y, &m, &d);
	int rated = contractor_rate_year(c, y - 1, now);
	if (sent < 0 || rated < 0)
		return -1;
	return sent + rated;
}

/*
 * A worker without a login still has to be named on a permit, and permit_workers names
 * accounts: give the person an account that cannot sign in — no roles, and a password field
 * that is no argon2 hash, so auth_verify_password() never matches it — named after the person
 * row. The permit pickers list it like any other person, and cert_may_operate() (which asks
 * contractor_may_operate() first) still refuses it while its contractor is suspended.
 */
int contractor_sign_less_account(struct db *c, int64_t person_id, const char *name, int64_t unit_id, int64_t now)
{
	char username[48];
	snprintf(username, sizeof username, "contractor-person-%lld", (long long)person_id);
	if (db_exec(c, "INSERT INTO users (username, name, unit_id, password_hash, must_change_password, created_at,"
		       " updated_at) VALUES (?, ?, ?, '!no-sign-in', 0, ?, ?)", "ttIII", username, name, unit_id, now, now) != DB_OK ||
	    db_exec(c, "UPDATE persons SET user_id = ? WHERE id = ? AND user_id IS NULL", "II", db_last_id(c), person_id) != DB_OK ||
	    db_changes(c) != 1)
		return -1;
	return 0;
}
