/*
 * contractor.h — contractors (相关方管理): the companies that work on site, their
 * qualifications (资质) and status, their people (persons rows, with or without a login)
 * and each one's entry permission (入厂许可), the guardian's score of each finished job
 * (作业质量评分), the hazards found in their work, and the yearly rating that decides next
 * year's eligibility.
 *
 * The certificate module asks contractor_may_operate() first in cert_may_operate(), so a
 * permit never names a person of a suspended contractor, of a contractor whose
 * qualification has lapsed, or whose own entry permission has run out (安全生产法 Art. 49:
 * the plant answers for the safety of the contractors it lets work on site; GB 30871-2022
 * §4.4: the permit's workers are named and qualified).
 *
 * Days are local calendar days (base/day.h); a qualification or entry permission "valid to
 * 2026-12-31" is usable that day and lapsed the day after.
 */
#ifndef ANQUAN_CONTRACTOR_H
#define ANQUAN_CONTRACTOR_H

#include <stdint.h>

#include "http/http.h"

struct db;

/* reminders and the "waiting for me" line look this many days ahead */
#define CONTRACTOR_WARN_DAYS 30
/* the yearly score below which a contractor is suspended for the next year, unless the
 * setting contractor.threshold says otherwise */
#define CONTRACTOR_THRESHOLD_DEFAULT 60

/*
 * May this person (a persons.id > 0, or -users.id) be named on a permit on `day`? 1 yes
 * (also for anyone who is no contractor's person); 0 no, with *reason_key one of
 * contractor.reason.suspended, contractor.reason.qual_expired, contractor.reason.entry_expired,
 * contractor.reason.error, and *detail (malloc'd) naming the contractor and the day.
 */
int contractor_may_operate(struct db *c, int64_t person_or_user, int64_t day, const char **reason_key,
			   char **detail);

/*
 * The yearly score (0–100) from the guardians' scores of the year's jobs and the hazards
 * found in its work: the mean score × 20, less 2 per general hazard and 10 per major one,
 * kept within 0–100. jobs 0: no rating (-1). Rounded to the nearest whole point.
 */
int contractor_year_score(int jobs, int score_sum, int hazards, int major_hazards);
/* eligible for next year: a score at or above the threshold, or no rating at all */
int contractor_year_eligible(int score, int threshold);
/* Rate every contractor for `year` that has no rating for it yet, and suspend those below
 * the threshold from 1 January of the next year (audited). Returns how many were rated. */
int contractor_rate_year(struct db *c, int year, int64_t now);
/* The configured threshold (settings contractor.threshold). */
int contractor_threshold(struct db *c);

/* The contractor whose work a permit was (one of its people among the workers, or its name
 * as the permit's work unit), 0 if none. */
int64_t contractor_of_permit(struct db *c, int64_t permit_id);
/* The rating block on a closed permit's page: the guardian's form, or the score given. */
void contractor_permit_panel(struct req *r, int64_t permit_id, int64_t guardian_id, int closed);

/* Give a person row without a login an account that cannot sign in (no roles, no password
 * hash), so that a permit can name the person; inside a transaction. 0, or -1. */
int contractor_sign_less_account(struct db *c, int64_t person_id, const char *name, int64_t unit_id, int64_t now);

/* scheduler: expiry reminders and the year-end rating */
int contractor_sched_run(struct db *c, int64_t now);
/* "waiting for me": contractors in scope with something expiring (the list ?todo=expiring) */
int64_t contractor_todo_count(struct req *r);
int contractor_demo_load(struct db *c);

extern const struct route contractor_routes[];
struct module;
extern const struct module contractor_module;
struct entity;
extern const struct entity contractor_entity;

#endif
