/*
 * train.c — the rules of training: the state of a requirement at a date, the requirements
 * that apply to a person (as data: train_requirements), the marking of an answer, and the
 * competence answer for permits (train_may_operate, called by cert_may_operate()).
 *
 * Why a failed exam blocks: the plants' own maturity tables put training at its highest
 * level when "学完即考，不合格者自动冻结作业权限" — a guardian (监护人, GB 30871-2022 §4.10)
 * who failed the guardian exam is not trained, whatever his certificates say.
 */
#include "train/train.h"
#include "base/day.h"
#include "base/strbuf.h"
#include "db/db.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum train_state train_state_at(int64_t today, int64_t done_on, int64_t start, int within,
				int renew_months, int after_start, int64_t *due)
{
	if (done_on == DAY_NONE || (after_start && start != DAY_NONE && done_on < start)) {
		/* never done (or done before the event that asks for it again) */
		*due = (start == DAY_NONE ? today : start) + within;
		return today > *due ? TRAIN_OVERDUE : TRAIN_DUE;
	}
	if (renew_months <= 0) {
		*due = DAY_NONE;
		return TRAIN_COMPLETE;
	}
	*due = day_add_months(done_on, renew_months);
	if (today > *due)
		return TRAIN_OVERDUE;
	return *due - today <= TRAIN_WARN_DAYS ? TRAIN_DUE : TRAIN_COMPLETE;
}

const char *train_state_code(enum train_state s)
{
	return s == TRAIN_OVERDUE ? "overdue" : s == TRAIN_DUE ? "due" : "complete";
}

static const char *applies_literal(const char *s)
{
	static const char *const kinds[] = {"all", "position", "contractor", "new_hire", "transfer", "return", NULL};
	for (int i = 0; kinds[i]; i++)
		if (!strcmp(s, kinds[i]))
			return kinds[i];
	return "all";
}

/* The requirements of a person with what counts for each. The person is p (may be NULL for
 * an account without a persons row) and u (NULL for a contractor's worker). An event kind
 * starts on the person's last event of that kind; the others on the day the person was
 * entered. */
#define STATUS_SQL(FROM) \
	"SELECT c.id, c.name, c.hours, c.renew_months, q.within_days, q.applies," \
	" CASE WHEN q.applies IN ('new_hire','transfer','return')" \
	"  THEN (SELECT max(e.on_day) FROM train_events e WHERE e.person_id = p.id AND e.kind = q.applies)" \
	"  ELSE NULL END," \
	" COALESCE(p.created_at, u.created_at)," \
	" (SELECT max(t.done_on) FROM train_records t WHERE t.person_id = p.id AND t.course_id = c.id)" \
	FROM \
	" CROSS JOIN train_requirements q JOIN train_courses c ON c.id = q.course_id AND c.active = 1 AND q.active = 1" \
	" WHERE (q.applies = 'all' AND COALESCE(p.contractor, 0) = 0" \
	"  OR q.applies = 'position' AND u.position_id = q.position_id" \
	"  OR q.applies = 'contractor' AND p.contractor = 1" \
	"  OR q.applies IN ('new_hire','transfer','return') AND EXISTS (SELECT 1 FROM train_events e" \
	"   WHERE e.person_id = p.id AND e.kind = q.applies))"

static int cmp_status(const void *x, const void *y)
{
	const struct train_req_status *a = x, *b = y;
	if (a->state != b->state)
		return (int)b->state - (int)a->state;
	return a->due < b->due ? -1 : a->due > b->due;
}

int train_person_status(struct db *c, int64_t id, int64_t day, struct train_req_status **out)
{
	*out = NULL;
	struct db_stmt *st = id > 0
		? db_query(c, STATUS_SQL(" FROM persons p LEFT JOIN users u ON u.id = p.user_id") " AND p.id = ?"
			   " ORDER BY c.id", "I", id)
		: db_query(c, STATUS_SQL(" FROM users u LEFT JOIN persons p ON p.user_id = u.id") " AND u.id = ?"
			   " ORDER BY c.id", "I", -id);
	if (!st)
		return -1;
	int n = 0, cap = 0, rc;
	struct train_req_status *v = NULL;
	while ((rc = db_step(st)) == 1) {
		if (n == cap) {
			cap = cap ? 2 * cap : 8;
			v = xrealloc(v, (size_t)cap * sizeof *v);
		}
		struct train_req_status *s = &v[n++];
		s->course_id = db_col_i64(st, 0);
		s->course = xstrdup(db_col_text(st, 1));
		s->hours = (int)db_col_i64(st, 2);
		s->applies = applies_literal(db_col_text(st, 5));
		int64_t start = db_col_null(st, 6) ? day_of(db_col_i64(st, 7)) : db_col_i64(st, 6);
		s->done_on = db_col_null(st, 8) ? DAY_NONE : db_col_i64(st, 8);
		s->state = train_state_at(day, s->done_on, start, (int)db_col_i64(st, 4), (int)db_col_i64(st, 3),
					  !db_col_null(st, 6), &s->due);
	}
	db_done(c, st);
	if (rc < 0) {
		train_status_free(v, n);
		return -1;
	}
	if (n > 1)
		qsort(v, (size_t)n, sizeof *v, cmp_status);
	*out = v;
	return n;
}

void train_status_free(struct train_req_status *v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i].course);
	free(v);
}

static char *course_and_day(const char *course, int64_t day)
{
	char d[16];
	struct strbuf sb = STRBUF_INIT;
	if (course && *course)
		sb_addf(&sb, "%s · ", course);
	sb_addf(&sb, "%s", day_format(day, d));
	return sb_detach(&sb, NULL);
}

int train_may_operate(struct db *c, int64_t id, const char *operation, int64_t day,
		      const char **reason_key, char **detail)
{
	*reason_key = NULL;
	*detail = NULL;
	/* 1. the exam tied to this permit role: the last marked sitting decides, unless a
	 * record of the course was entered after it (a class retaken and signed off) */
	struct db_stmt *st = db_query(c,
		"SELECT a.passed, a.submitted_at, k.id, k.name FROM train_attempts a"
		" JOIN train_exams x ON x.id = a.exam_id JOIN train_courses k ON k.id = x.course_id"
		" JOIN persons p ON p.id = a.person_id"
		" WHERE k.permit_role = ? AND a.passed IS NOT NULL AND (p.id = ? OR p.user_id = ?)"
		" ORDER BY a.submitted_at DESC, a.id DESC LIMIT 1",
		"tII", operation, id, -id);
	if (!st) {
		*reason_key = "train.reason.error";
		return 0;
	}
	int failed = 0;
	int64_t failed_day = DAY_NONE, course_id = 0;
	char *course = NULL;
	if (db_step(st) == 1 && db_col_i64(st, 0) == 0) {
		failed = 1;
		failed_day = day_of(db_col_i64(st, 1));
		course_id = db_col_i64(st, 2);
		course = xstrdup(db_col_text(st, 3));
	}
	db_done(c, st);
	if (failed) {
		int64_t later = 0;
		db_get_i64(c, &later,
			   "SELECT count(*) FROM train_records t JOIN persons p ON p.id = t.person_id"
			   " WHERE t.course_id = ? AND t.done_on > ? AND (p.id = ? OR p.user_id = ?)",
			   "IIII", course_id, failed_day, id, -id);
		if (!later) {
			*reason_key = !strcmp(operation, "guardian")	  ? "train.reason.failed.guardian"
				    : !strcmp(operation, "gas_analyst") ? "train.reason.failed.gas_analyst"
									: "train.reason.failed";
			*detail = course_and_day(NULL, failed_day);
			free(course);
			return 0;
		}
	}
	free(course);
	/* 2. every requirement of the person met or still within its time */
	struct train_req_status *v;
	int n = train_person_status(c, id, day, &v);
	if (n < 0) {
		*reason_key = "train.reason.error";
		return 0;
	}
	int ok = 1;
	if (n > 0 && v[0].state == TRAIN_OVERDUE) {	/* worst first */
		*reason_key = "train.reason.overdue";
		*detail = course_and_day(v[0].course, v[0].due);
		ok = 0;
	}
	train_status_free(v, n);
	return ok;
}

/* ---- marking ---- */

static int index_set(const json_t *j, int *out, int max)
{
	if (json_is_integer(j)) {
		out[0] = (int)json_integer_value(j);
		return 1;
	}
	if (!json_is_array(j) || (int)json_array_size(j) > max)
		return -1;
	size_t i;
	json_t *x;
	int n = 0;
	json_array_foreach(j, i, x) {
		if (!json_is_integer(x) || json_integer_value(x) < 0 || json_integer_value(x) > 64)
			return -1;
		int v = (int)json_integer_value(x);
		for (int k = 0; k < n; k++)
			if (out[k] == v)
				return -1;	/* the same option twice is not an answer */
		out[n++] = v;
	}
	return n;
}

static void trim(const char **s, size_t *n)
{
	while (*n && isspace((unsigned char)**s))
		(*s)++, (*n)--;
	while (*n && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

int train_answer_correct(const char *kind, const char *key, const json_t *given)
{
	if (!given || !kind || !key)
		return 0;
	if (!strcmp(kind, "fill")) {
		if (!json_is_string(given))
			return 0;
		const char *g = json_string_value(given);
		size_t gn = strlen(g);
		trim(&g, &gn);
		if (!gn)
			return 0;
		for (const char *p = key;;) {
			const char *bar = strchr(p, '|');
			size_t n = bar ? (size_t)(bar - p) : strlen(p);
			const char *k = p;
			trim(&k, &n);
			if (n == gn && !strncasecmp(k, g, n))
				return 1;
			if (!bar)
				return 0;
			p = bar + 1;
		}
	}
	json_t *kj = json_loads(key, 0, NULL);
	int want[65], got[65];
	int nw = kj ? index_set(kj, want, 64) : -1;
	json_decref(kj);
	int ng;
	if (!strcmp(kind, "judge") && json_is_boolean(given)) {
		got[0] = json_is_true(given);
		ng = 1;
	} else {
		ng = index_set(given, got, 64);
	}
	if (nw <= 0 || ng != nw)
		return 0;	/* a partial (or excessive) multiple choice is wrong */
	for (int i = 0; i < nw; i++) {
		int found = 0;
		for (int k = 0; k < ng; k++)
			found |= got[k] == want[i];
		if (!found)
			return 0;
	}
	return 1;
}

int train_answer_valid(const char *kind, int noptions, const json_t *given)
{
	if (!strcmp(kind, "fill"))
		return json_is_string(given) && strlen(json_string_value(given)) <= TRAIN_MAX_ANSWER;
	if (!strcmp(kind, "judge"))
		return json_is_boolean(given) || (json_is_integer(given) && (json_integer_value(given) == 0 ||
									   json_integer_value(given) == 1));
	int v[65];
	int n = index_set(given, v, 64);
	if (n < 0 || (!strcmp(kind, "single") && n > 1))
		return 0;
	for (int i = 0; i < n; i++)
		if (v[i] >= noptions)
			return 0;
	return 1;
}
