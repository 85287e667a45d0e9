/*
 * feeds_hr.c — people and organisation from the HR system: one table of rows (a file or a
 * pull, feeds_table.c) checked and applied in one transaction.
 *
 * Matched by employee number (工号). A row's unit must exist, or name a parent that exists
 * (or is created by an earlier row), so a typo in a unit name is a problem, not a new
 * workshop. Positions are created when new. New people get an account named by their
 * employee number with the worker role and no usable password (the administrator issues
 * one); they are "HR-managed" from then on (feeds_hr_people), as are existing accounts a
 * row matches. Leavers are the HR-managed people marked as left or absent from the input:
 * deactivated, signed out, their open work handed to their team leader with a notice
 * (feeds_handover.c). Deactivating more than feeds.hr.max_leave_pct percent of the managed
 * people at once is refused unless confirmed: an export cut short must not empty the plant.
 *
 * The importer's data scope bounds it (the scheduled pull runs as the system, company-wide):
 * a row whose unit (or, for a unit to create, its parent) lies outside the scope, or that
 * names a person now in a unit outside it, is refused with its row number, and only the
 * managed people inside the scope can be leavers — an HR officer of one plant imports that
 * plant's people and cannot move, create or deactivate anyone else's.
 *
 * The hire date (入职日期, users.hired_on) is set when a row gives one (YYYY-MM-DD, or with / or
 * . between the parts; not after today), so "new hires not yet equipped" (PPE) works from
 * HR's data; an empty cell leaves the recorded date as it is.
 *
 * A dry run does everything and rolls back, so what it shows is what the real run changes.
 */
#include "feeds/feeds.h"
#include "auth/actor.h"
#include "base/day.h"
#include "base/strbuf.h"
#include "base/text.h"
#include "db/db.h"
#include "notify/notify.h"
#include "org/org.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define V(r, k) ((r)->f[k] ? (r)->f[k] : "")
#define FEEDS_HR_LEAVE_PCT 10
#define FEEDS_NAME_MAX 64	/* as the user form allows (org_web.h) */	/* default share of managed people one import may deactivate */

static const char *fld(int k)
{
	return feeds_fields(FEEDS_HR)[k];
}

/* 1 active, 0 left, -1 unreadable */
static int parse_status(const char *s)
{
	static const char *const on[] = {"", "在职", "试用", "active", "1", NULL};
	static const char *const off[] = {"离职", "已离职", "left", "inactive", "0", NULL};
	for (int i = 0; on[i]; i++)
		if (!strcmp(s, on[i]))
			return 1;
	for (int i = 0; off[i]; i++)
		if (!strcmp(s, off[i]))
			return 0;
	return -1;
}

/* The LIKE pattern on units.path the importer may touch: their data scope; for the "own"
 * scope (records of one's own) their own unit alone. */
static const char *scope_of(const struct actor *a)
{
	return actor_scope_owner(a) && a->unit_path ? a->unit_path : actor_units_pattern(a);
}

static int unit_in_scope(struct db *c, int64_t unit, const char *pat)
{
	int64_t n = 0;
	return db_get_i64(c, &n, "SELECT count(*) FROM units WHERE id = ? AND path LIKE ?", "It", unit, pat) == 1 && n > 0;
}

/* A hire date as HR systems write it: 2024-03-01, 2024/3/1, 2024.3.1. 0 ok. */
static int parse_hired(const char *s, int64_t *day)
{
	int y, m, d, n = 0;
	char s1, s2;
	if (sscanf(s, "%4d%c%2d%c%2d%n", &y, &s1, &m, &s2, &d, &n) != 5 || s[n] || s1 != s2 || !strchr("-/.", s1))
		return -1;
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	int64_t v = day_from_ymd(y, m, d);
	int yy, mm, dd;
	day_to_ymd(v, &yy, &mm, &dd);
	if (yy != y || mm != m || dd != d)	/* 2024-02-30 */
		return -1;
	*day = v;
	return 0;
}

static int64_t unit_by_name(struct db *c, const char *name)
{
	int64_t id = 0;
	if (db_get_i64(c, &id, "SELECT min(id) FROM units WHERE name = ? AND active = 1 HAVING count(*) > 0", "t",
		       name) != 1)
		return 0;
	return id;
}

/* the kind of a unit placed under a parent of parent_kind; NULL when nothing fits */
static const char *child_kind(const char *parent_kind)
{
	if (!strcmp(parent_kind, "group"))
		return "company";
	if (!strcmp(parent_kind, "company"))
		return "department";
	if (!strcmp(parent_kind, "workshop") || !strcmp(parent_kind, "department"))
		return "team";
	return NULL;
}

/* The unit of a row: existing by name, or created under its parent; inside the importer's
 * scope. 0 with a problem. */
static int64_t row_unit(struct db *c, const struct feeds_row *r, const char *scope, struct feeds_result *res)
{
	int64_t id = unit_by_name(c, V(r, HR_UNIT));
	if (id) {
		if (!unit_in_scope(c, id, scope)) {
			feeds_problem(res, r->line, fld(HR_UNIT), "feeds.hr.unit_out_of_scope", V(r, HR_UNIT));
			return 0;
		}
		return id;
	}
	int64_t parent = *V(r, HR_PARENT) ? unit_by_name(c, V(r, HR_PARENT)) : 0;
	if (!parent) {
		feeds_problem(res, r->line, fld(HR_UNIT), "feeds.hr.unknown_unit", V(r, HR_UNIT));
		return 0;
	}
	if (!unit_in_scope(c, parent, scope)) {
		feeds_problem(res, r->line, fld(HR_PARENT), "feeds.hr.unit_out_of_scope", V(r, HR_PARENT));
		return 0;
	}
	char *pk = NULL;
	const char *kind = NULL;
	if (db_get_text(c, &pk, "SELECT kind FROM units WHERE id = ?", "I", parent) == 1)
		kind = child_kind(pk);
	free(pk);
	if (!kind) {
		feeds_problem(res, r->line, fld(HR_PARENT), "feeds.hr.unit_too_deep", V(r, HR_PARENT));
		return 0;
	}
	id = org_unit_create(c, parent, V(r, HR_UNIT), kind);
	if (id > 0) {
		res->units_created++;
		feeds_change(res, V(r, HR_UNIT), "create_unit", V(r, HR_PARENT));
	}
	return id > 0 ? id : 0;
}

static int64_t position_id(struct db *c, const char *name)
{
	int64_t id = 0;
	if (!*name)
		return 0;
	if (db_get_i64(c, &id, "SELECT id FROM positions WHERE name = ?", "t", name) == 1)
		return id;
	if (db_exec(c, "INSERT INTO positions (name) VALUES (?)", "t", name) != DB_OK)
		return -1;
	return db_last_id(c);
}

/* the account name of a new person: the employee number in lower case */
static char *username_of(const char *empno)
{
	char *u = xstrdup(empno);
	for (char *p = u; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return u;
}

/* an employee number that cannot name an account (org_check_username on its lower case) */
static int lower_bad(const char *e)
{
	char *u = username_of(e);
	int bad = org_check_username(u) != NULL;
	free(u);
	return bad;
}

/* Check the fields of one row; 0 fine. */
static int check_row(const struct feeds_row *r, struct feeds_result *res)
{
	int before = res->nproblems;
	const char *e = V(r, HR_EMPNO);
	if (!*e)
		feeds_problem(res, r->line, fld(HR_EMPNO), "feeds.missing_value", "");
	else if (strlen(e) > 32 || lower_bad(e))
		feeds_problem(res, r->line, fld(HR_EMPNO), "feeds.hr.bad_employee_no", e);
	if (!*V(r, HR_NAME))
		feeds_problem(res, r->line, fld(HR_NAME), "feeds.missing_value", "");
	else if (utf8_chars(V(r, HR_NAME)) > FEEDS_NAME_MAX)
		feeds_problem(res, r->line, fld(HR_NAME), "feeds.too_long", V(r, HR_NAME));
	if (!*V(r, HR_UNIT))
		feeds_problem(res, r->line, fld(HR_UNIT), "feeds.missing_value", "");
	if (utf8_chars(V(r, HR_POSITION)) > FEEDS_NAME_MAX)
		feeds_problem(res, r->line, fld(HR_POSITION), "feeds.too_long", V(r, HR_POSITION));
	if (org_check_phone(V(r, HR_PHONE)))
		feeds_problem(res, r->line, fld(HR_PHONE), "feeds.bad_value", V(r, HR_PHONE));
	if (parse_status(V(r, HR_STATUS)) < 0)
		feeds_problem(res, r->line, fld(HR_STATUS), "feeds.bad_status", V(r, HR_STATUS));
	int64_t hired;
	if (*V(r, HR_HIRED) && parse_hired(V(r, HR_HIRED), &hired))
		feeds_problem(res, r->line, fld(HR_HIRED), "feeds.bad_date", V(r, HR_HIRED));
	else if (*V(r, HR_HIRED) && hired > day_today())
		feeds_problem(res, r->line, fld(HR_HIRED), "feeds.hr.hired_future", V(r, HR_HIRED));
	return res->nproblems != before;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

struct leaver {
	int64_t id;
	char *name, *empno;
};

/* Apply one checked row: create or update the person. 0 ok, -1 problem or error. */
static int apply_row(const struct actor *a, const struct feeds_row *r, struct feeds_result *res,
		     struct leaver **leavers, int *nleavers)
{
	struct db *c = a->db;
	const char *scope = scope_of(a);
	int active = parse_status(V(r, HR_STATUS));
	int64_t hired = DAY_NONE;
	if (*V(r, HR_HIRED))
		parse_hired(V(r, HR_HIRED), &hired);	/* checked in check_row */
	/* a person now outside the scope is not the importer's to move or change */
	int64_t cur_unit = 0;
	if (db_get_i64(c, &cur_unit, "SELECT unit_id FROM users WHERE employee_no = ?", "t", V(r, HR_EMPNO)) == 1 &&
	    !unit_in_scope(c, cur_unit, scope)) {
		feeds_problem(res, r->line, fld(HR_EMPNO), "feeds.hr.person_out_of_scope", V(r, HR_EMPNO));
		return -1;
	}
	int64_t unit = row_unit(c, r, scope, res);
	if (!unit)
		return -1;
	int64_t pos = position_id(c, V(r, HR_POSITION));
	if (pos < 0)
		return -1;
	struct db_stmt *st = db_query(c, "SELECT id, name, unit_id, COALESCE(position_id, 0), COALESCE(phone, ''), active,"
				      " COALESCE(hired_on, -1000000) FROM users WHERE employee_no = ?", "t", V(r, HR_EMPNO));
	int found = st && db_step(st) == 1;
	int64_t uid = 0;
	struct strbuf diff = STRBUF_INIT;
	int was_active = 0;
	if (found) {
		uid = db_col_i64(st, 0);
		was_active = (int)db_col_i64(st, 5);
		if (hired != DAY_NONE && db_col_i64(st, 6) != hired) {
			char hd[16];
			sb_addf(&diff, "hired_on → %s; ", day_format(hired, hd));
		}
		if (strcmp(db_col_text(st, 1), V(r, HR_NAME)))
			sb_addf(&diff, "name: %s → %s; ", db_col_text(st, 1), V(r, HR_NAME));
		if (db_col_i64(st, 2) != unit)
			sb_addf(&diff, "unit → %s; ", V(r, HR_UNIT));
		if (db_col_i64(st, 3) != pos)
			sb_addf(&diff, "position → %s; ", V(r, HR_POSITION));
		if (strcmp(db_col_text(st, 4), V(r, HR_PHONE)))
			sb_addf(&diff, "phone; ");
		if (!was_active && active)
			sb_addf(&diff, "reactivated; ");
	}
	db_done(c, st);
	int rc = 0;
	if (!found && !active) {
		sb_release(&diff);
		return 0;	/* a leaver we never knew: nothing to do */
	}
	if (!found) {
		char *user = username_of(V(r, HR_EMPNO));
		int64_t taken = 0;
		if (db_get_i64(c, &taken, "SELECT id FROM users WHERE username = ?", "t", user) == 1) {
			feeds_problem(res, r->line, fld(HR_EMPNO), "feeds.hr.username_taken", user);
			free(user);
			return -1;
		}
		/* "!" is no argon2id string: nobody signs in until the administrator sets a password */
		uid = org_user_create(c, user, V(r, HR_NAME), V(r, HR_EMPNO), V(r, HR_PHONE), unit, "worker", "!", 1);
		free(user);
		if (uid < 0)
			return -1;
		if (pos && db_exec(c, "UPDATE users SET position_id = ? WHERE id = ?", "II", pos, uid) != DB_OK)
			return -1;
		if (hired != DAY_NONE && db_exec(c, "UPDATE users SET hired_on = ? WHERE id = ?", "II", hired, uid) != DB_OK)
			return -1;
		res->created++;
		feeds_change(res, V(r, HR_EMPNO), "create", V(r, HR_NAME));
	} else if (diff.len) {
		/* hired_on: the row's date when it gives one (a DAY_NONE marker keeps the stored one) */
		rc = db_exec(c, "UPDATE users SET name = ?, unit_id = ?, position_id = NULLIF(?, 0), phone = ?,"
			       " active = CASE WHEN ? = 1 THEN 1 ELSE active END, updated_at = ?,"
			       " hired_on = CASE WHEN ? = 1 THEN ? ELSE hired_on END WHERE id = ?",
			     "tIItiIiII", V(r, HR_NAME), unit, pos, V(r, HR_PHONE), active, a->now, hired != DAY_NONE,
			     hired != DAY_NONE ? hired : 0, uid);
		if (rc != DB_OK) {
			sb_release(&diff);
			return -1;
		}
		res->updated++;
		feeds_change(res, V(r, HR_EMPNO), "update", diff.buf);
	}
	sb_release(&diff);
	if (db_exec(c, "INSERT INTO feeds_hr_people (user_id, employee_no, first_seen, last_seen) VALUES (?1, ?2, ?3, ?3)"
		       " ON CONFLICT (user_id) DO UPDATE SET employee_no = ?2, last_seen = ?3,"
		       " left_at = CASE WHEN ?4 = 1 THEN 0 ELSE feeds_hr_people.left_at END", "ItIi",
		    uid, V(r, HR_EMPNO), a->now, active) != DB_OK)
		return -1;
	if (found && !active && was_active) {
		*leavers = xrealloc(*leavers, (size_t)(*nleavers + 1) * sizeof(**leavers));
		(*leavers)[(*nleavers)++] = (struct leaver){uid, xstrdup(V(r, HR_NAME)), xstrdup(V(r, HR_EMPNO))};
	}
	return 0;
}

/* Deactivate the leavers, then hand over their work: every leaver is inactive first, so
 * nobody's work goes to another person leaving in the same import. */
static int retire(const struct actor *a, struct leaver *lv, int n, struct feeds_result *res)
{
	struct db *c = a->db;
	for (int i = 0; i < n; i++) {
		if (db_exec(c, "UPDATE users SET active = 0, updated_at = ? WHERE id = ?", "II", a->now, lv[i].id) != DB_OK ||
		    db_exec(c, "UPDATE feeds_hr_people SET left_at = ? WHERE user_id = ?", "II", a->now, lv[i].id) != DB_OK ||
		    db_exec(c, "DELETE FROM sessions WHERE user_id = ?", "I", lv[i].id) != DB_OK ||
		    db_exec(c, "UPDATE api_tokens SET revoked = 1 WHERE user_id = ?", "I", lv[i].id) != DB_OK)
			return -1;
		res->deactivated++;
		feeds_change(res, lv[i].empno, "deactivate", lv[i].name);
	}
	for (int i = 0; i < n; i++) {
		int64_t leader = feeds_team_leader(c, lv[i].id);
		if (!leader) {
			feeds_change(res, lv[i].empno, "no_leader", lv[i].name);
			continue;
		}
		int moved = feeds_handover(c, lv[i].id, leader);
		if (moved < 0)
			return -1;
		if (!moved)
			continue;
		res->reassigned += moved;
		char detail[160], dedup[96];
		snprintf(detail, sizeof(detail), "%d → #%lld", moved, (long long)leader);
		feeds_change(res, lv[i].empno, "reassign", detail);
		snprintf(dedup, sizeof(dedup), "feeds:handover:%lld:%lld", (long long)lv[i].id, (long long)a->now);
		struct notify_msg m = {.kind = "feeds", .title_key = "feeds.hr.handover_title", .subject = lv[i].name,
				       .body_key = "feeds.hr.handover_body", .link = "/", .dedup_key = dedup};
		if (notify_send(c, leader, &m) < 0)
			return -1;
	}
	return 0;
}

int feeds_hr_apply(const struct actor *a, const struct feeds_table *t, const struct feeds_opts *o,
		   struct feeds_result *res)
{
	struct db *c = a->db;
	struct leaver *lv = NULL;
	int nlv = 0, rc = -1;
	res->rows = t->n;
	/* 1. the fields of every row, and employee numbers once each; a row with a problem is
	 * left out of step 2, which still runs (and is rolled back) so that every row's
	 * problems, units included, are reported at once */
	char *bad = xcalloc((size_t)t->n + 1, 1);
	for (int i = 0; i < t->n; i++) {
		bad[i] = (char)check_row(&t->rows[i], res);
		for (int j = 0; j < i; j++)
			if (*V(&t->rows[i], HR_EMPNO) && !strcmp(V(&t->rows[i], HR_EMPNO), V(&t->rows[j], HR_EMPNO))) {
				feeds_problem(res, t->rows[i].line, fld(HR_EMPNO), "feeds.duplicate_key", V(&t->rows[i], HR_EMPNO));
				bad[i] = 1;
				break;
			}
	}
	if (res->fatal_key)
		goto record;
	if (db_begin(c) != DB_OK) {
		res->fatal_key = "feeds.db_error";
		goto record;
	}
	/* the managed people of the importer's scope: the only ones this import may retire */
	const char *scope = scope_of(a);
	int64_t managed = 0;
	db_get_i64(c, &managed, "SELECT count(*) FROM feeds_hr_people p JOIN users u ON u.id = p.user_id"
				" JOIN units n ON n.id = u.unit_id WHERE u.active = 1 AND n.path LIKE ?", "t", scope);
	/* 2. people */
	for (int i = 0; i < t->n && !res->fatal_key; i++)
		if (!bad[i] && apply_row(a, &t->rows[i], res, &lv, &nlv) && !res->nproblems)
			res->fatal_key = "feeds.db_error";
	/* 3. team leaders, now that every person of the file exists */
	for (int i = 0; i < t->n && !res->fatal_key; i++) {
		const struct feeds_row *r = &t->rows[i];
		if (bad[i] || !*V(r, HR_LEADER) || !parse_status(V(r, HR_STATUS)))
			continue;
		int64_t lead = 0;
		if (!strcmp(V(r, HR_LEADER), V(r, HR_EMPNO)) ||
		    db_get_i64(c, &lead, "SELECT id FROM users WHERE employee_no = ? AND active = 1", "t", V(r, HR_LEADER)) != 1) {
			feeds_problem(res, r->line, fld(HR_LEADER), "feeds.hr.unknown_leader", V(r, HR_LEADER));
			continue;
		}
		if (db_exec(c, "UPDATE users SET supervisor_id = ? WHERE employee_no = ?", "It", lead, V(r, HR_EMPNO)) != DB_OK)
			res->fatal_key = "feeds.db_error";
	}
	/* 4. the managed people the input no longer lists */
	const char **listed = xcalloc((size_t)t->n + 1, sizeof(*listed));
	for (int i = 0; i < t->n; i++)
		listed[i] = V(&t->rows[i], HR_EMPNO);
	qsort(listed, (size_t)t->n, sizeof(*listed), cmp_str);
	struct db_stmt *st = db_query(c, "SELECT u.id, u.name, p.employee_no FROM feeds_hr_people p JOIN users u ON u.id = p.user_id"
				      " JOIN units n ON n.id = u.unit_id WHERE u.active = 1 AND n.path LIKE ? ORDER BY u.id",
				      "t", scope);
	while (st && db_step(st) == 1 && !res->fatal_key) {
		const char *e = db_col_text(st, 2);
		if (bsearch(&e, listed, (size_t)t->n, sizeof(*listed), cmp_str))
			continue;
		lv = xrealloc(lv, (size_t)(nlv + 1) * sizeof(*lv));
		lv[nlv++] = (struct leaver){db_col_i64(st, 0), xstrdup(db_col_text(st, 1)), xstrdup(e)};
	}
	db_done(c, st);
	free(listed);
	for (int i = 0; i < nlv; i++)
		if (lv[i].id == a->user_id)
			feeds_problem(res, 0, fld(HR_EMPNO), "feeds.hr.self_leaver", lv[i].empno);
	/* 5. the share of leavers */
	res->leave_limit_pct = (int)feeds_setting_int(c, "feeds.hr.max_leave_pct", FEEDS_HR_LEAVE_PCT);
	res->leave_pct = managed ? (int)((nlv * 100 + managed - 1) / managed) : 0;
	if (!res->nproblems && !res->fatal_key && managed && (int64_t)nlv * 100 > res->leave_limit_pct * managed &&
	    !o->confirm) {
		res->share_refused = 1;
		res->fatal_key = "feeds.hr.share_refused";
	}
	if (!res->nproblems && !res->fatal_key && retire(a, lv, nlv, res))
		res->fatal_key = "feeds.db_error";
	if (res->nproblems || res->fatal_key || o->dry_run) {
		db_rollback(c);
		goto record;
	}
	char summary[200];
	snprintf(summary, sizeof(summary), "HR %s: %d rows, %d created, %d updated, %d deactivated, %d tasks reassigned",
		 o->via, res->rows, res->created, res->updated, res->deactivated, res->reassigned);
	res->applied = 1;
	res->run_id = feeds_run_record(c, FEEDS_HR, o->via, o, res, a->user_id, a->now);
	if (res->run_id <= 0 || actor_audit(a, "feeds", res->run_id, "hr_import", summary) != DB_OK || db_commit(c) != DB_OK) {
		db_rollback(c);
		res->applied = 0;
		res->fatal_key = "feeds.db_error";
		res->run_id = 0;
		goto record;
	}
	rc = 0;
	goto out;
record:
	res->run_id = feeds_run_record(c, FEEDS_HR, o->via, o, res, a->user_id, a->now);
	rc = res->nproblems || res->fatal_key ? -1 : 0;
out:
	free(bad);
	for (int i = 0; i < nlv; i++) {
		free(lv[i].name);
		free(lv[i].empno);
	}
	free(lv);
	return rc;
}
