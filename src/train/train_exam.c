/*
 * train_exam.c — the life of an exam sitting: start (draw the questions of the course's bank,
 * shuffle each one's options), save answers as they are given (so a reload or a lost
 * connection on a phone loses nothing within the time limit), hand in once before the
 * deadline, mark automatically (multiple choice all or nothing), and on a pass record the
 * course with its hours. Retakes are limited per exam; a sheet after the time limit or a
 * second time is refused, and a sitting left open is marked on what was saved in time.
 */
#include "train/train.h"
#include "auth/actor.h"
#include "base/day.h"
#include "base/strbuf.h"
#include "db/db.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static void fail(struct train_err *e, int status, const char *key, const char *field)
{
	e->status = status;
	e->key = key;
	e->field = field;
}

/* The persons row of an account, created from it when asked (the certificate module keeps
 * the same rows; its header is not included here, since it asks this module in turn). */
int64_t train_person_of_user(struct db *c, int64_t user_id, int create)
{
	int64_t pid = 0;
	if (db_get_i64(c, &pid, "SELECT id FROM persons WHERE user_id = ?", "I", user_id) == 1)
		return pid;
	if (!create)
		return 0;
	if (db_exec(c, "INSERT INTO persons (user_id, name, employee_no, unit_id, created_at)"
		       " SELECT id, name, employee_no, unit_id, created_at FROM users WHERE id = ?",
		    "I", user_id) != DB_OK || db_changes(c) != 1)
		return 0;
	return db_last_id(c);
}

int64_t train_actor_person(const struct actor *a, int create)
{
	return a->user_id ? train_person_of_user(a->db, a->user_id, create) : 0;
}

static void shuffle(int64_t *v, int n)
{
	for (int i = n - 1; i > 0; i--) {
		int j = (int)randombytes_uniform((uint32_t)i + 1);
		int64_t t = v[i];
		v[i] = v[j];
		v[j] = t;
	}
}

/* Mark a sitting on its saved answers; on a pass, record the course. Inside a transaction. */
static int mark(struct db *c, int64_t attempt_id, int64_t now, int late)
{
	struct db_stmt *st = db_query(c,
		"SELECT a.paper, a.answers, x.pass_mark, x.course_id, k.hours, a.person_id FROM train_attempts a"
		" JOIN train_exams x ON x.id = a.exam_id JOIN train_courses k ON k.id = x.course_id WHERE a.id = ?",
		"I", attempt_id);
	if (!st || db_step(st) != 1) {
		db_done(c, st);
		return -1;
	}
	json_t *paper = json_loads(db_col_text(st, 0), 0, NULL);
	json_t *answers = json_loads(db_col_text(st, 1), 0, NULL);
	int pass_mark = (int)db_col_i64(st, 2), hours = (int)db_col_i64(st, 4);
	int64_t course = db_col_i64(st, 3), person = db_col_i64(st, 5);
	db_done(c, st);
	size_t i, total = json_array_size(paper), right = 0;
	json_t *q;
	json_array_foreach(paper, i, q) {
		int64_t qid = json_integer_value(json_object_get(q, "q"));
		char *kind = NULL, *key = NULL, k[24];
		snprintf(k, sizeof k, "%lld", (long long)qid);
		if (db_get_text(c, &kind, "SELECT kind FROM train_questions WHERE id = ?", "I", qid) == 1 &&
		    db_get_text(c, &key, "SELECT answer FROM train_questions WHERE id = ?", "I", qid) == 1)
			right += (size_t)train_answer_correct(kind, key, json_object_get(answers, k));
		free(kind);
		free(key);
	}
	json_decref(paper);
	json_decref(answers);
	int score = total ? (int)(right * 100 / total) : 0;
	int passed = score >= pass_mark;
	if (db_exec(c, "UPDATE train_attempts SET submitted_at = ?, score = ?, passed = ?, late = ? WHERE id = ?",
		    "IiiiI", now, score, passed, late, attempt_id) != DB_OK)
		return -1;
	if (passed && db_exec(c, "INSERT INTO train_records (person_id, course_id, done_on, hours, source, attempt_id,"
				 " created_at) VALUES (?, ?, ?, ?, 'exam', ?, ?)",
			      "IIIIII", person, course, day_of(now), (int64_t)hours, attempt_id, now) != DB_OK)
		return -1;
	return 0;
}

/* Close the person's (or, with person 0, everyone's) sittings whose time ran out. */
static int close_expired(struct db *c, int64_t person, int64_t now)
{
	struct db_stmt *st = db_query(c, "SELECT id FROM train_attempts WHERE submitted_at = 0 AND deadline < ?"
					 " AND (? = 0 OR person_id = ?) ORDER BY id LIMIT 500",
				      "III", now, person, person);
	int64_t ids[500];
	int n = 0;
	while (st && db_step(st) == 1)
		ids[n++] = db_col_i64(st, 0);
	db_done(c, st);
	if (!st)
		return -1;
	for (int i = 0; i < n; i++)
		if (mark(c, ids[i], now, 1))
			return -1;
	return n;
}

int train_sched_run(struct db *c, int64_t now)
{
	/* read first: the write lock is taken only when a sitting is to be closed, not every
	 * minute (another writer without a busy timeout would find the database locked) */
	int64_t open = 0;
	if (db_get_i64(c, &open, "SELECT count(*) FROM train_attempts WHERE submitted_at = 0 AND deadline < ?", "I",
		       now) != 1)
		return -1;
	int n = 0;
	if (open) {
		if (db_begin(c) != DB_OK)
			return -1;
		n = close_expired(c, 0, now);
		if (n < 0 || db_commit(c) != DB_OK) {
			db_rollback(c);
			return -1;
		}
	}
	/* and once a day, the reminders before requirements fall due (train_remind.c) */
	int m = train_remind_run(c, now);
	return m < 0 ? -1 : n + m;
}

int64_t train_attempt_start(const struct actor *a, int64_t exam_id, struct train_err *e)
{
	struct db *c = a->db;
	if (db_begin(c) != DB_OK) {
		fail(e, 503, "error.unavailable", NULL);
		return -1;
	}
	int64_t person = train_actor_person(a, 1), id = -1, course = 0, nq = 0, minutes = 0, max = 0, used = 0,
		passed = 0;
	struct db_stmt *st = db_query(c, "SELECT course_id, questions, minutes, max_attempts FROM train_exams"
					 " WHERE id = ? AND active = 1", "I", exam_id);
	int found = st && db_step(st) == 1;
	if (found) {
		course = db_col_i64(st, 0);
		nq = db_col_i64(st, 1);
		minutes = db_col_i64(st, 2);
		max = db_col_i64(st, 3);
	}
	db_done(c, st);
	if (!person || close_expired(c, person, a->now) < 0) {
		fail(e, 503, "error.unavailable", NULL);
		goto out;
	}
	if (!found) {
		fail(e, 404, "error.not_found", NULL);
		goto out;
	}
	/* a sitting still open: the same one again (a reload, a lost connection) */
	if (db_get_i64(c, &id, "SELECT id FROM train_attempts WHERE exam_id = ? AND person_id = ? AND submitted_at = 0",
		       "II", exam_id, person) == 1) {
		db_rollback(c);
		return id;
	}
	id = -1;
	db_get_i64(c, &passed, "SELECT count(*) FROM train_attempts WHERE exam_id = ? AND person_id = ? AND passed = 1",
		   "II", exam_id, person);
	db_get_i64(c, &used, "SELECT count(*) FROM train_attempts WHERE exam_id = ? AND person_id = ?", "II",
		   exam_id, person);
	if (passed) {
		fail(e, 409, "train.err.already_passed", NULL);
		goto out;
	}
	if (used >= max) {
		fail(e, 409, "train.err.no_attempts_left", NULL);
		goto out;
	}
	int64_t qs[TRAIN_MAX_QUESTIONS * 5];
	int n = 0;
	/* the exam's category and band of difficulty (0712_train_bank_import.sql) */
	st = db_query(c, "SELECT q.id FROM train_questions q JOIN train_exams x ON x.id = ? WHERE q.course_id = ?"
		      " AND q.active = 1 AND (x.category IS NULL OR q.category = x.category)"
		      " AND q.difficulty BETWEEN x.difficulty_min AND x.difficulty_max ORDER BY q.id LIMIT 1000",
		      "II", exam_id, course);
	while (st && db_step(st) == 1)
		qs[n++] = db_col_i64(st, 0);
	db_done(c, st);
	if (n == 0) {
		fail(e, 409, "train.err.empty_bank", NULL);
		goto out;
	}
	shuffle(qs, n);
	if (nq < n)
		n = (int)nq;
	json_t *paper = json_array();
	for (int i = 0; i < n; i++) {
		char *opts = NULL;
		db_get_text(c, &opts, "SELECT options FROM train_questions WHERE id = ?", "I", qs[i]);
		json_t *oj = opts ? json_loads(opts, 0, NULL) : NULL;
		free(opts);
		int64_t order[64];
		int no = (int)json_array_size(oj);
		if (no > 64)
			no = 64;
		for (int k = 0; k < no; k++)
			order[k] = k;
		shuffle(order, no);
		json_t *oa = json_array();
		for (int k = 0; k < no; k++)
			json_array_append_new(oa, json_integer(order[k]));
		json_decref(oj);
		json_array_append_new(paper, json_pack("{s:I, s:o}", "q", (json_int_t)qs[i], "o", oa));
	}
	char *text = json_dumps(paper, JSON_COMPACT);
	json_decref(paper);
	int rc = db_exec(c, "INSERT INTO train_attempts (exam_id, person_id, started_at, deadline, paper)"
			    " VALUES (?, ?, ?, ?, ?)",
			 "IIIIt", exam_id, person, a->now, a->now + minutes * 60, text);
	free(text);
	if (rc != DB_OK) {
		fail(e, 503, "error.unavailable", NULL);
		goto out;
	}
	id = db_last_id(c);
	char sum[64];
	snprintf(sum, sizeof sum, "exam %lld, %d questions", (long long)exam_id, n);
	if (actor_audit(a, "train_attempt", id, "start", sum) != DB_OK || db_commit(c) != DB_OK) {
		fail(e, 503, "error.unavailable", NULL);
		id = -1;
		goto out;
	}
	return id;
out:
	db_rollback(c);
	return -1;
}

/* The actor's open sitting, loaded for a change: 0, or -1 with e set (the transaction open). */
static int load_own(const struct actor *a, int64_t attempt_id, int64_t *deadline, int64_t *submitted,
		    json_t **paper, json_t **answers, struct train_err *e)
{
	int64_t person = train_actor_person(a, 0);
	struct db_stmt *st = db_query(a->db, "SELECT deadline, submitted_at, paper, answers FROM train_attempts"
					    " WHERE id = ? AND person_id = ?", "II", attempt_id, person);
	if (!st || db_step(st) != 1) {
		db_done(a->db, st);
		fail(e, 404, "error.not_found", NULL);
		return -1;
	}
	*deadline = db_col_i64(st, 0);
	*submitted = db_col_i64(st, 1);
	*paper = json_loads(db_col_text(st, 2), 0, NULL);
	*answers = json_loads(db_col_text(st, 3), 0, NULL);
	db_done(a->db, st);
	if (!*answers)
		*answers = json_object();
	return 0;
}

/* Merge `given` into answers, each checked against the paper. 0, or -1 with e set. */
static int merge(struct db *c, const json_t *paper, json_t *answers, const json_t *given, struct train_err *e)
{
	if (!given)
		return 0;
	if (!json_is_object(given)) {
		fail(e, 422, "train.err.answers", "answers");
		return -1;
	}
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)given, k, v) {
		size_t i;
		json_t *q;
		int found = 0;
		json_array_foreach(paper, i, q) {
			char id[24];
			snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(q, "q")));
			if (strcmp(id, k))
				continue;
			found = 1;
			char *kind = NULL;
			db_get_text(c, &kind, "SELECT kind FROM train_questions WHERE id = ?", "I",
				    (int64_t)json_integer_value(json_object_get(q, "q")));
			int ok = kind && train_answer_valid(kind, (int)json_array_size(json_object_get(q, "o")), v);
			free(kind);
			if (!ok) {
				fail(e, 422, "train.err.answer_shape", "answers");
				return -1;
			}
			break;
		}
		if (!found) {
			fail(e, 422, "train.err.not_on_paper", "answers");
			return -1;
		}
		json_object_set(answers, k, v);
	}
	return 0;
}

static int store_answers(struct db *c, int64_t id, json_t *answers)
{
	char *t = json_dumps(answers, JSON_COMPACT);
	int rc = db_exec(c, "UPDATE train_attempts SET answers = ? WHERE id = ?", "tI", t, id);
	free(t);
	return rc;
}

int train_attempt_save(const struct actor *a, int64_t attempt_id, const json_t *given, struct train_err *e)
{
	if (db_begin(a->db) != DB_OK) {
		fail(e, 503, "error.unavailable", NULL);
		return -1;
	}
	int64_t deadline, submitted;
	json_t *paper = NULL, *answers = NULL;
	int rc = -1;
	if (load_own(a, attempt_id, &deadline, &submitted, &paper, &answers, e))
		goto out;
	if (submitted) {
		fail(e, 409, "train.err.submitted", NULL);
		goto out;
	}
	if (a->now > deadline) {
		fail(e, 409, "train.err.time_up", NULL);
		goto out;
	}
	if (merge(a->db, paper, answers, given, e))
		goto out;
	if (store_answers(a->db, attempt_id, answers) != DB_OK ||
	    actor_audit(a, "train_attempt", attempt_id, "save", "") != DB_OK || db_commit(a->db) != DB_OK) {
		fail(e, 503, "error.unavailable", NULL);
		goto out;
	}
	rc = 0;
out:
	if (rc)
		db_rollback(a->db);
	json_decref(paper);
	json_decref(answers);
	return rc;
}

int train_attempt_submit(const struct actor *a, int64_t attempt_id, const json_t *given, struct train_err *e)
{
	if (db_begin(a->db) != DB_OK) {
		fail(e, 503, "error.unavailable", NULL);
		return -1;
	}
	int64_t deadline, submitted;
	json_t *paper = NULL, *answers = NULL;
	int rc = -1;
	if (load_own(a, attempt_id, &deadline, &submitted, &paper, &answers, e))
		goto out;
	if (submitted) {
		fail(e, 409, "train.err.submitted", NULL);
		goto out;
	}
	if (a->now > deadline) {
		/* refused; the sitting is marked on what was saved before the limit */
		if (mark(a->db, attempt_id, a->now, 1) ||
		    actor_audit(a, "train_attempt", attempt_id, "late", "") != DB_OK || db_commit(a->db) != DB_OK) {
			fail(e, 503, "error.unavailable", NULL);
			goto out;
		}
		fail(e, 409, "train.err.time_up", NULL);
		json_decref(paper);
		json_decref(answers);
		return -1;
	}
	if (merge(a->db, paper, answers, given, e))
		goto out;
	if (store_answers(a->db, attempt_id, answers) != DB_OK || mark(a->db, attempt_id, a->now, 0) ||
	    actor_audit(a, "train_attempt", attempt_id, "submit", "") != DB_OK || db_commit(a->db) != DB_OK) {
		fail(e, 503, "error.unavailable", NULL);
		goto out;
	}
	rc = 0;
out:
	if (rc)
		db_rollback(a->db);
	json_decref(paper);
	json_decref(answers);
	return rc;
}

json_t *train_attempt_json(const struct actor *a, int64_t attempt_id)
{
	int64_t person = train_actor_person(a, 0);
	struct db_stmt *st = db_query(a->db,
		"SELECT a.id, a.exam_id, x.title, a.started_at, a.deadline, a.submitted_at, a.paper, a.answers, a.score,"
		" a.passed, x.pass_mark, a.late FROM train_attempts a JOIN train_exams x ON x.id = a.exam_id"
		" WHERE a.id = ? AND a.person_id = ?", "II", attempt_id, person);
	if (!st || db_step(st) != 1) {
		db_done(a->db, st);
		return NULL;
	}
	int64_t deadline = db_col_i64(st, 4), submitted = db_col_i64(st, 5);
	json_t *paper = json_loads(db_col_text(st, 6), 0, NULL);
	json_t *answers = json_loads(db_col_text(st, 7), 0, NULL);
	json_t *o = json_pack("{s:I, s:I, s:s, s:I, s:I, s:I, s:b, s:i}", "id", (json_int_t)attempt_id,
		"exam_id", (json_int_t)db_col_i64(st, 1), "title", db_col_text(st, 2),
		"started_at", (json_int_t)db_col_i64(st, 3), "deadline", (json_int_t)deadline,
		"seconds_left", (json_int_t)(submitted || a->now > deadline ? 0 : deadline - a->now),
		"submitted", submitted != 0, "pass_mark", (int)db_col_i64(st, 10));
	if (submitted) {
		json_object_set_new(o, "score", json_integer(db_col_i64(st, 8)));
		json_object_set_new(o, "passed", json_boolean(db_col_i64(st, 9)));
		json_object_set_new(o, "late", json_boolean(db_col_i64(st, 11)));
	}
	db_done(a->db, st);
	json_t *qs = json_array();
	size_t i;
	json_t *q;
	json_array_foreach(paper, i, q) {
		int64_t qid = json_integer_value(json_object_get(q, "q"));
		st = db_query(a->db, "SELECT kind, stem, options FROM train_questions WHERE id = ?", "I", qid);
		if (st && db_step(st) == 1) {
			json_t *opts = json_loads(db_col_text(st, 2), 0, NULL), *shown = json_array(), *ord;
			size_t k;
			json_array_foreach(json_object_get(q, "o"), k, ord) {
				json_t *t = json_array_get(opts, (size_t)json_integer_value(ord));
				json_array_append_new(shown, json_pack("{s:I, s:s}", "key", (json_int_t)json_integer_value(ord),
					"text", json_is_string(t) ? json_string_value(t) : ""));
			}
			json_decref(opts);
			char k2[24];
			snprintf(k2, sizeof k2, "%lld", (long long)qid);
			json_t *given = json_object_get(answers, k2);
			json_array_append_new(qs, json_pack("{s:I, s:s, s:s, s:o, s:O?}", "id", (json_int_t)qid,
				"kind", db_col_text(st, 0), "stem", db_col_text(st, 1), "options", shown, "answer", given));
		}
		db_done(a->db, st);
	}
	json_object_set_new(o, "questions", qs);
	json_decref(paper);
	json_decref(answers);
	return o;
}
