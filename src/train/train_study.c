/*
 * train_study.c — self-study time (自学学时) counted honestly. A course's page, while it is
 * visible on the screen, sends a heartbeat every TRAIN_BEAT seconds (static/train.js stops
 * when the page is hidden: another tab, a locked phone). Only the time between two beats
 * that follow each other closely counts: a gap longer than TRAIN_BEAT_GAP (the page was
 * hidden, closed, or the phone slept) counts nothing and starts a new span, so there are no
 * hours without presence. When the counted time reaches the course's hours, the course is
 * recorded once (source 'study') and counts on the person's file like a class.
 */
#include "train/train.h"
#include "audit/audit.h"
#include "base/clock.h"
#include "base/day.h"
#include "db/db.h"
#include "web/i18n.h"

#define TRAIN_BEAT 30		/* seconds between the page's heartbeats */
#define TRAIN_BEAT_GAP 45	/* a longer gap counts nothing */

/* POST /api/v1/train/courses/:id/study — one heartbeat of the caller's page of course :id */
int train_api_study(struct req *r)
{
	int64_t course, hours = 0, now = clock_now();
	if (req_param_id(r, "id", &course) ||
	    db_get_i64(r->db, &hours, "SELECT hours FROM train_courses WHERE id = ? AND active = 1", "I", course) != 1) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	if (db_begin(r->db) != DB_OK)
		goto unavailable;
	int64_t person = train_person_of_user(r->db, r->who->user_id, 1), seconds = 0, last = 0, rec = 0;
	if (!person || db_exec(r->db, "INSERT INTO train_study (person_id, course_id) VALUES (?, ?)"
			       " ON CONFLICT (person_id, course_id) DO NOTHING", "II", person, course) != DB_OK)
		goto unavailable;
	struct db_stmt *st = db_query(r->db, "SELECT seconds, last_beat, COALESCE(credited_record, 0) FROM train_study"
				      " WHERE person_id = ? AND course_id = ?", "II", person, course);
	if (st && db_step(st) == 1) {
		seconds = db_col_i64(st, 0);
		last = db_col_i64(st, 1);
		rec = db_col_i64(st, 2);
	}
	db_done(r->db, st);
	int64_t gap = now - last;
	if (last && gap > 0 && gap <= TRAIN_BEAT_GAP)
		seconds += gap;
	int credit = !rec && seconds >= hours * 3600;
	if (credit) {
		if (db_exec(r->db, "INSERT INTO train_records (person_id, course_id, done_on, hours, source, created_at)"
			    " VALUES (?, ?, ?, ?, 'study', ?)", "IIIII", person, course, day_of(now), hours, now) != DB_OK)
			goto unavailable;
		rec = db_last_id(r->db);
		if (audit_req(r, "train_record", rec, "create", "self-study completed") != DB_OK)
			goto unavailable;
	}
	if (db_exec(r->db, "UPDATE train_study SET seconds = ?, last_beat = ?, credited_record = NULLIF(?, 0)"
		    " WHERE person_id = ? AND course_id = ?", "IIIII", seconds, now, rec, person, course) != DB_OK ||
	    db_commit(r->db) != DB_OK)
		goto unavailable;
	resp_json(r, 200, json_pack("{s:I, s:I, s:b, s:i}", "seconds", (json_int_t)seconds, "required_seconds",
				    (json_int_t)(hours * 3600), "completed", rec != 0, "beat_every", TRAIN_BEAT));
	return 0;
unavailable:
	db_rollback(r->db);
	resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
	return 0;
}

/* The caller's counted time on a course (seconds), for its page. */
int64_t train_study_seconds(struct req *r, int64_t course)
{
	int64_t s = 0;
	db_get_i64(r->db, &s, "SELECT t.seconds FROM train_study t JOIN persons p ON p.id = t.person_id"
		   " WHERE p.user_id = ? AND t.course_id = ?", "II", r->who->user_id, course);
	return s;
}
