/*
 * train.h — training and competence (安全教育培训): which courses a person must take
 * (requirements as data: per position, for everyone, for contractors' people, after a new
 * hire, a transfer or a return), whether each is complete, due or overdue, exams with
 * automatic marking, and the competence answer the certificate module folds into
 * cert_may_operate() so that a permit never names a person whose training is overdue or
 * who failed the exam of a permit role (学完即考，不合格者自动冻结作业权限).
 *
 * Hours come from 生产经营单位安全培训规定 (原安监总局令第3号, amended 2015): new employees
 * ≥ 24 class hours before starting (72 in the high-risk industries), re-training ≥ 20 h a
 * year; kept as data in train_hour_rules and in each course's hours.
 *
 * A person is a persons.id (> 0) or a user, given as -users.id (as CERT_USER() does), so
 * that an employee without a persons row is still judged by the requirements of his account.
 */
#ifndef ANQUAN_TRAIN_H
#define ANQUAN_TRAIN_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "http/http.h"

struct db;
struct actor;

/* a requirement this close to its date is "due" (reminders, the matrix's yellow) */
#define TRAIN_WARN_DAYS 30
/* limits on what an exam and an answer may be */
#define TRAIN_MAX_QUESTIONS 200
#define TRAIN_MAX_ANSWER 200		/* bytes of a fill-in answer */

enum train_state { TRAIN_COMPLETE, TRAIN_DUE, TRAIN_OVERDUE };

/*
 * The state of one requirement on `today`. done_on: the last completion that counts
 * (DAY_NONE if none); start: the day the requirement began for the person (start of work,
 * or the day of the transfer/return); within: days allowed after start; renew_months: 0 for
 * once, else repeat that often; after_start: only a completion on or after start counts (a
 * transfer or a return asks for the course again, whatever was done before). *due: the day by
 * which it must be (re)done, DAY_NONE when complete for good. A requirement is overdue from
 * the day after its due day.
 */
enum train_state train_state_at(int64_t today, int64_t done_on, int64_t start, int within,
				int renew_months, int after_start, int64_t *due);
const char *train_state_code(enum train_state s);	/* complete, due, overdue */

/* One requirement of a person, as train_person_status() finds it. */
struct train_req_status {
	int64_t course_id;
	char *course;		/* name (malloc'd) */
	int hours;
	const char *applies;	/* a literal: all, position, contractor, new_hire, ... */
	enum train_state state;
	int64_t due, done_on;	/* days, DAY_NONE when none */
};
/* The requirements applying to a person on `day`, worst first; *out malloc'd (free with
 * train_status_free). Returns the count, or -1 on a database error. */
int train_person_status(struct db *c, int64_t person_or_user, int64_t day, struct train_req_status **out);
void train_status_free(struct train_req_status *v, int n);

/*
 * Is the person's training in order for permit `operation` on `day`? 1 yes; 0 no, with
 * *reason_key a catalogue key (train.reason.overdue, train.reason.failed.guardian,
 * train.reason.failed.gas_analyst, train.reason.failed) and *detail (malloc'd) naming the
 * course and date. Called by cert_may_operate() after the certificates.
 */
int train_may_operate(struct db *c, int64_t person_or_user, const char *operation, int64_t day,
		      const char **reason_key, char **detail);

/*
 * Marking one answer. kind: single, multi, judge, fill; key: the stored answer (a JSON array
 * of option indexes, or for fill the accepted texts separated by '|'); given: what was sent
 * (an array of indexes, one index, true/false for judge, a string for fill). Multiple choice
 * is all or nothing: a partial answer is a wrong answer. 1 correct, 0 not.
 */
int train_answer_correct(const char *kind, const char *key, const json_t *given);
/* Is `given` a well-formed answer to a question of `kind` with `noptions` options? */
int train_answer_valid(const char *kind, int noptions, const json_t *given);

/* ---- exams (train_exam.c) ---- */
/* Errors of the exam lifecycle: a catalogue key and an HTTP status. */
struct train_err {
	int status;
	const char *key;
	const char *field;
};
/* Start (or resume, within its time) the person's sitting of an exam. The attempt id, or -1. */
int64_t train_attempt_start(const struct actor *a, int64_t exam_id, struct train_err *e);
/* Save answers ({"question id": answer}) of an open sitting. 0, or -1. */
int train_attempt_save(const struct actor *a, int64_t attempt_id, const json_t *answers, struct train_err *e);
/* Hand the sheet in (with last answers, may be NULL); marks it. 0, or -1 (after the time
 * limit the sheet is refused, and the sitting is marked on what was saved in time). */
int train_attempt_submit(const struct actor *a, int64_t attempt_id, const json_t *answers, struct train_err *e);
/* The sitting as the person sees it (questions with shuffled options, saved answers, time
 * left, the result once marked); NULL when it is not the actor's. */
json_t *train_attempt_json(const struct actor *a, int64_t attempt_id);
/* Mark sittings whose time ran out unsubmitted, and send the day's reminders (scheduler job). */
int train_sched_run(struct db *c, int64_t now);
/* Once a local day: remind the person and their team leader 30 and 7 days before a
 * requirement falls due and once when it has passed. Messages sent, or -1. */
int train_remind_run(struct db *c, int64_t now);
/* The person row of the actor (created when missing, inside a transaction). */
int64_t train_actor_person(const struct actor *a, int create);
int64_t train_person_of_user(struct db *c, int64_t user_id, int create);

/* ---- classes and their QR sign-in (train_class.c) ---- */
struct entity;
extern const struct entity train_class_entity;
int train_classes_page(struct req *r);
int train_class_new_page(struct req *r);
int train_class_create_post(struct req *r);
int train_class_edit_page(struct req *r);
int train_class_update_post(struct req *r);
int train_class_deactivate_post(struct req *r);
int train_api_classes(struct req *r);
int train_api_class(struct req *r);
int train_api_class_create(struct req *r);
int train_api_class_update(struct req *r);
int train_api_class_deactivate(struct req *r);
int train_signin_page(struct req *r);
int train_signin_post(struct req *r);
int train_api_signin(struct req *r);

/* ---- a course's materials (train_material.c) ---- */
/* The type of a file by its first bytes: the MIME type and *kind (pdf, image, video) of the
 * formats a browser shows by itself, or NULL (and *kind NULL) for anything else. */
const char *train_sniff(const unsigned char *b, size_t n, const char **kind);
int train_course_page(struct req *r);
int train_material_post(struct req *r);
int train_material_get(struct req *r);
int train_api_materials(struct req *r);
int train_api_material_create(struct req *r);

/* ---- question banks from Excel (train_import.c) ---- */
/* One question as a sheet row gives it (cells: type, question, options, answer, category,
 * difficulty), checked. 0 with q filled (free with train_bank_q_free), or -1 with *why a
 * catalogue key (train.import.err_*): an unknown type, no question, too few options, no
 * answer (train.import.err_no_answer), an answer that is no option, a bad difficulty. */
struct train_bank_q {
	const char *kind;	/* single, multi, judge, fill */
	char *stem, *options, *answer, *category;	/* options and answer as train_questions keeps them */
	int difficulty;		/* 1..3 */
};
int train_bank_row(const char *const cells[6], struct train_bank_q *q, const char **why);
void train_bank_q_free(struct train_bank_q *q);
int train_api_bank_import(struct req *r);
int train_bank_import_post(struct req *r);

/* ---- what HR and the safety department manage (train_admin.c) ---- */
extern const struct entity train_course_entity, train_requirement_entity, train_exam_entity;
int train_courses_admin_page(struct req *r);
int train_course_new_page(struct req *r);
int train_course_create_post(struct req *r);
int train_course_edit_page(struct req *r);
int train_course_update_post(struct req *r);
int train_course_deactivate_post(struct req *r);
int train_api_courses(struct req *r);
int train_api_course(struct req *r);
int train_api_course_create(struct req *r);
int train_api_course_update(struct req *r);
int train_api_course_deactivate(struct req *r);
int train_requirements_page(struct req *r);
int train_requirement_new_page(struct req *r);
int train_requirement_create_post(struct req *r);
int train_requirement_edit_page(struct req *r);
int train_requirement_update_post(struct req *r);
int train_requirement_deactivate_post(struct req *r);
int train_api_requirements(struct req *r);
int train_api_requirement(struct req *r);
int train_api_requirement_create(struct req *r);
int train_api_requirement_update(struct req *r);
int train_api_requirement_deactivate(struct req *r);
int train_exams_page(struct req *r);
int train_exam_new_page(struct req *r);
int train_exam_create_post(struct req *r);
int train_exam_edit_page(struct req *r);
int train_exam_update_post(struct req *r);
int train_exam_deactivate_post(struct req *r);
int train_api_exams(struct req *r);
int train_api_exam(struct req *r);
int train_api_exam_create(struct req *r);
int train_api_exam_update(struct req *r);
int train_api_exam_deactivate(struct req *r);

/* ---- a person's training file: as JSON (train_web.c), printed and exported (train_file_export.c) ---- */
/* The file of a person (persons.id > 0, or -users.id): requirements, records (with the sign-in
 * proof of a class), exam results and total hours; NULL on a database error. */
json_t *train_file_json(struct req *r, int64_t person_or_user);
int train_file_pdf(struct req *r);
int train_file_xlsx(struct req *r);
int train_my_file_pdf(struct req *r);
int train_my_file_xlsx(struct req *r);

/* ---- hours for the dashboard and the monthly report (train_report.c) ---- */
struct train_hours {
	int64_t hours, people, classes;	/* in the period */
	int month[6];			/* the last six months to the period's end: YYYYMM */
	int64_t month_hours[6];
};
/* The unit subtree's training in [from, to) (UTC local midnights). 0, or -1 (no such unit). */
int train_hours(struct req *r, int64_t unit_id, int64_t from, int64_t to, struct train_hours *out);
void train_hours_html(struct req *r, int64_t unit_id, int64_t from, int64_t to);

/* ---- self-study time from the course page's heartbeats (train_study.c) ---- */
int train_api_study(struct req *r);
int64_t train_study_seconds(struct req *r, int64_t course);

/* ---- pages, API, demo ---- */
int train_demo_load(struct db *c);
int train_in_scope(struct req *r, int64_t person_id);	/* 0 yes; else answered 404 */
extern const struct route train_routes[];
struct module;
extern const struct module train_module;

#endif
