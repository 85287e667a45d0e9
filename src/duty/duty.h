/*
 * duty.h — the all-staff responsibility system (全员安全生产责任制; 安全生产法 Art. 4 and 22
 * make it the principal person's duty): duty lists per position (履职清单), the monthly duty
 * evaluation computed from the records (巡检记录, 隐患整改, 培训签到, 会议签到) with a radar
 * chart, yearly responsibility letters (安全生产责任书) signed level by level, co-working
 * groups on a hazard (协同任务组, 沉默即同意), and safety meetings (安委会, 班前会).
 *
 * Measures are pure functions over the database (duty_measure.c): one query per measure
 * selects the records behind a figure, and both the figure and the drill-down list come from
 * that query, so the list always holds exactly the records counted.
 */
#ifndef ANQUAN_DUTY_H
#define ANQUAN_DUTY_H

#include <stdint.h>

#include "http/http.h"

struct db;
struct strbuf;

/* a weekly duty is asked this many times in a month (the month's four whole weeks) */
#define DUTY_WEEKS_PER_MONTH 4
/* hours a proposal waits for an objection before it is agreed (setting duty.consent_hours) */
#define DUTY_CONSENT_HOURS 24
/* limits of what people type */
#define DUTY_TITLE_MAX 120
#define DUTY_TEXT_MAX 2000

/* What the system counts for a measured duty in a month. */
struct duty_figure {
	int64_t rows;		/* records behind the figure */
	int64_t ok;		/* of which count (hazards: rectified on time) */
	double actual;		/* count, or percentage for hazards */
	double required;	/* what the target asks for this month */
	int no_data;		/* hazards: none fell due, nothing to judge */
	int fulfil;		/* 0..100 */
};

/* Is `m` a measure the system counts? (checks, hazards, training, meetings) */
int duty_measure_known(const char *m);
/* The local month [from, to) in UTC seconds of month key yyyymm (202611). */
void duty_month_bounds(int yyyymm, int64_t *from, int64_t *to);
/* Parse "2026-11" into 202611; 0 ok, -1 malformed. */
int duty_month_parse(const char *s, int *yyyymm);
/* The month key of a UTC instant, in the plant's time zone. */
int duty_month_of(int64_t t);
/*
 * The records behind `measure` for user_id in month yyyymm as seen at `now` (hazards count
 * only those whose deadline has passed): a statement yielding (id, label, at, ok, day) — at
 * UTC seconds or 0, day a local day or 0 — or NULL on error. Finish with db_done().
 */
struct db_stmt *duty_measure_records(struct db *c, const char *measure, int64_t user_id, int yyyymm, int64_t now);
/* The figure of a measured duty: 0, or -1 on a database error. */
int duty_measure(struct db *c, const char *measure, const char *frequency, double target, int64_t user_id, int yyyymm,
		 int64_t now, struct duty_figure *out);
/* The fulfilment (0..100) of a count against what is required, or of a rate against a target. */
int duty_fulfil(const char *measure, double actual, double required, int no_data);

/* One duty of a person's month, as the evaluation shows it. */
struct duty_line {
	int64_t item_id;
	char *title;		/* malloc'd */
	char measure[16], frequency[8];
	double target;
	struct duty_figure fig;
	int declared, confirmed;	/* measure "none" only */
};
/* The person's duties for the month with their figures; *out malloc'd (duty_lines_free).
 * Returns the count (0: the position has no list), or -1. *score: the mean fulfilment. */
int duty_eval_person(struct db *c, int64_t user_id, int yyyymm, int64_t now, struct duty_line **out, int *score);
/* The same computed from the records whatever the month (what a snapshot stores). */
int duty_eval_person_live(struct db *c, int64_t user_id, int yyyymm, int64_t now, struct duty_line **out, int *score);
void duty_lines_free(struct duty_line *v, int n);

/* Monthly snapshots (duty_snapshot.c): a closed month's evaluation stored once on its first
 * scheduler run of the next month; duty_eval_person() reads a closed month from it. */
int duty_snapshot_month(struct db *c, int yyyymm, int64_t now);	/* 1 taken, 0 already there, -1 */
int duty_snapshot_run(struct db *c, int64_t now);	/* the month before now's */
int64_t duty_snapshot_taken(struct db *c, int yyyymm);	/* when it was taken, 0 none */
/* A person's stored lines of a month: the count, -1 on error, -2 when the month has none. */
int duty_snapshot_lines(struct db *c, int64_t user_id, int yyyymm, struct duty_line **out, int *score);
/* The radar chart of a person's lines, as SVG (labels escaped). */
void duty_radar_svg(struct strbuf *out, const struct duty_line *v, int n);

/* jobs, demo, pages */
int duty_sched_run(struct db *c, int64_t now);	/* the job: both below */
int duty_consent_run(struct db *c, int64_t now);	/* 沉默即同意: agree proposals nobody objected to */
/* the group and its thread drawn on a hazard's page (hazard.h; src/modules.c hands it over) */
struct hazard_section;
extern const struct hazard_section duty_hazard_section;
int duty_demo_load(struct db *c);
int64_t duty_todo_letters(struct req *r);
int64_t duty_todo_resolutions(struct req *r);
extern const struct route duty_routes[];
struct module;
extern const struct module duty_module;

/* shared by the page files (duty_common.c) */
void duty_fail(struct req *r, int status, const char *key, const char *field);
int duty_user_in_scope(struct req *r, int64_t user_id);	/* 1 visible */
void duty_fmt(char *buf, size_t n, double v);	/* 95, 95.5 */

#endif
