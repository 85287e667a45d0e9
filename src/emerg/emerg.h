/*
 * emerg.h — emergency management (应急管理): drills that test people rather than paper —
 * a yearly plan per unit that meets the drill minimums, announced and unannounced drills,
 * check-in by QR at the muster point, key actions time-stamped by the server's clock, the
 * incident commander's page, an evaluation whose shortcomings become tracked actions — and
 * the emergency supplies that must really be there (quantities, expiry, monthly checks).
 *
 * The minimums come from 生产安全事故应急预案管理办法 (应急管理部令第2号, 2019) Art. 33: each
 * year at least one drill of the comprehensive plan or a special plan, and at least every six
 * months one drill of an on-site response plan (现场处置方案).
 *
 * The files, one job each:
 *   emerg.c            the rules: drill minimums, the yearly plan, response times, supplies
 *   emerg_drill_web.c  drills: list, yearly plan, a drill's page, start/end, taps, evaluation
 *   emerg_mode_web.c   the phone check-in page and the commander's page (emergency mode)
 *   emerg_res_web.c    supplies (the entity layer) and their monthly check
 *   emerg_sched.c      the scheduler job: warnings to supply owners
 *   emerg_demo.c       demo records;  emerg_module.c  the descriptor
 *   emerg_tabletop*.c  tabletop exercises (应急推演), described in emerg_tabletop.h
 *   emerg_incident_web.c  emergency mode of a real incident (a drill row of kind 'incident')
 *   emerg_team_web.c   teams and outside contacts, and their card;  emerg_team_demo.c  their demo
 *   emerg_action_sched.c  overdue drill actions: the owner, then his superior
 *   emerg_res_check.c  the supplies' monthly check as a check task (checklist 应急物资月检)
 */
#ifndef ANQUAN_EMERG_H
#define ANQUAN_EMERG_H

#include <stddef.h>
#include <stdint.h>

#include "http/http.h"

struct db;

/* ---- drill minimums (emerg.c): pure functions, unit-tested ---- */

/* One drill of a unit as the minimum check sees it. kind: comprehensive, special, onsite;
 * held: it took place (ended); a drill still planned counts only while its day is ahead. */
struct emerg_drill_fact {
	const char *kind;
	int64_t day;
	int held;
};

/* What a unit has for `year`: comprehensive-or-special drills in the year, on-site drills in
 * each half (January–June, July–December), and which minimum it falls short of. */
struct emerg_minimum {
	int main_count, onsite_h1, onsite_h2;
	int short_main, short_h1, short_h2;
};

/* Count the drills of `year` that count on `today` and flag each minimum not met. Returns 1
 * when the unit falls short of any, else 0. */
int emerg_drill_minimum(const struct emerg_drill_fact *v, int n, int year, int64_t today,
			struct emerg_minimum *m);

/* The drills to plan so that a unit short of its minimums meets them: kind and day, at most
 * three (one comprehensive, one on-site per half), only on days from `today` inside their
 * period (mid-June, mid-March and mid-September, or a week ahead when that has passed).
 * Returns how many were written to out. */
struct emerg_proposal {
	const char *kind;
	int64_t day;
};
int emerg_plan_proposals(const struct emerg_minimum *m, int year, int64_t today,
			 struct emerg_proposal out[3]);

/* The key actions a drill time-stamps, in the order they happen; NULL-ended. */
extern const char *const emerg_mark_actions[];
int emerg_mark_known(const char *action);

/* ---- plans (emerg.c) ---- */
#define EMERG_REVIEW_WARN_DAYS 60	/* a review this close reminds the plan's owner */
enum emerg_review { EMERG_REVIEW_OK, EMERG_REVIEW_DUE, EMERG_REVIEW_OVERDUE };
/* A plan approved on `approved` is evaluated again `months` later (Art. 35: 36 by default):
 * *due gets that day; DUE within EMERG_REVIEW_WARN_DAYS of it, OVERDUE from the day after. */
enum emerg_review emerg_plan_review(int64_t approved, int months, int64_t today, int64_t *due);
const char *emerg_review_code(enum emerg_review s);	/* ok, due, overdue */

/* ---- supplies (emerg.c) ---- */
#define EMERG_EXPIRY_WARN_DAYS 30	/* an expiry this close warns the owner */
#define EMERG_CHECK_DAYS 31		/* a monthly check older than this is due */
/* Why a supply needs its owner: a bit set of these (0: in order). */
enum {
	EMERG_RES_SHORT = 1,	/* fewer than the minimum */
	EMERG_RES_EXPIRING = 2,	/* expires within EMERG_EXPIRY_WARN_DAYS */
	EMERG_RES_EXPIRED = 4,
	EMERG_RES_CHECK = 8,	/* the monthly check is due */
};
/* expires, checked: days, DAY_NONE when none. */
int emerg_resource_state(int64_t today, int quantity, int min_quantity, int64_t expires, int64_t checked);
/* The SQL condition of a supply needing attention (emerg_resource_state() != 0) on a day: on
 * `emerg_resources e`, binding the day twice (the todo list and its count, the scheduler). */
#define EMERG_RES_ATTENTION_SQL \
	" (e.quantity < e.min_quantity OR (e.expires_on IS NOT NULL AND e.expires_on <= ? + 30)" \
	"  OR e.checked_on IS NULL OR e.checked_on < ? - 31) "

/* ---- the supplies' monthly check as a check task (emerg_res_check.c) ---- */
/* The calendar month of local day `day` as a check window [start, end) in UTC seconds. */
int emerg_res_check_window(int64_t day, int64_t *start, int64_t *end);
/* This month's check task of every active supply with an owner (idempotent): made, or -1. */
int emerg_res_checks_generate(struct db *c, int64_t now);
/* The module's check_recorded (base/module.h), inside check_record_store()'s transaction: a
 * record of a supply's task sets its checked_on and warns its owner of each failed item. DB_OK
 * for any other task. */
int emerg_res_check_recorded(struct db *c, int64_t task_id, int64_t record_id, int64_t at);
/* The supply page's last check and next due, with the open task's link. */
void emerg_res_check_panel(struct req *r, int64_t resource_id);

/* ---- emergency mode of a real incident (emerg_incident_web.c) ---- */
/* The incident page's record of its emergency mode (or the button that opens it). */
void emerg_incident_panel(struct req *r, int64_t incident_id);

/* ---- the module ---- */
int emerg_sched_run(struct db *c, int64_t now);
/* overdue drill actions: the owner once, then his superior (emerg_action_sched.c) */
#define EMERG_ACTION_ESCALATE_DAYS 3
int emerg_action_reminders(struct db *c, int64_t today);
int emerg_demo_load(struct db *c);
int64_t emerg_todo_actions(struct req *r);
int64_t emerg_todo_resources(struct req *r);
extern const struct route emerg_routes[];
extern const struct entity emerg_resource_entity;
struct module;
extern const struct module emerg_module;

#endif
