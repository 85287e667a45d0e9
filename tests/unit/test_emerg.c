/*
 * test_emerg.c — emergency drills: the drill minimums of 生产安全事故应急预案管理办法 Art. 33
 * (a comprehensive or special drill a year, an on-site drill every half year) — a unit short
 * of either is flagged, a planned drill counts only while its day is ahead, a half's boundary
 * falls on 1 July — the drills proposed to close the gaps, and when a supply needs its owner.
 */
#include "unit.h"
#include "base/day.h"
#include "emerg/emerg.h"

static int64_t D(int y, int m, int d)
{
	return day_from_ymd(y, m, d);
}

TEST(emerg_unit_short_of_its_drill_minimum_is_flagged)
{
	struct emerg_minimum m;
	/* nothing at all: short of all three */
	CHECK_INT(emerg_drill_minimum(NULL, 0, 2026, D(2026, 1, 5), &m), 1);
	CHECK_INT(m.short_main && m.short_h1 && m.short_h2, 1);
	/* a comprehensive drill and one on-site drill in June: the second half is still short */
	struct emerg_drill_fact v[] = {
		{"comprehensive", D(2026, 5, 10), 1},
		{"onsite", D(2026, 6, 30), 1},
		{"onsite", D(2025, 9, 1), 1},	/* last year: does not count */
	};
	CHECK_INT(emerg_drill_minimum(v, 3, 2026, D(2026, 7, 2), &m), 1);
	CHECK_INT(m.short_main, 0);
	CHECK_INT(m.onsite_h1, 1);
	CHECK_INT(m.short_h2, 1);
	/* a special plan's drill counts as the yearly one; one on 1 July is the second half's */
	struct emerg_drill_fact ok[] = {
		{"special", D(2026, 11, 30), 1},
		{"onsite", D(2026, 1, 1), 1},
		{"onsite", D(2026, 7, 1), 1},
	};
	CHECK_INT(emerg_drill_minimum(ok, 3, 2026, D(2026, 12, 31), &m), 0);
	CHECK_INT(m.onsite_h2, 1);
	/* planned and still ahead: counts; planned for a day gone by and never held: does not */
	struct emerg_drill_fact planned[] = {
		{"comprehensive", D(2026, 6, 15), 0},
		{"onsite", D(2026, 3, 15), 0},
		{"onsite", D(2026, 9, 15), 0},
	};
	CHECK_INT(emerg_drill_minimum(planned, 3, 2026, D(2026, 3, 15), &m), 0);
	CHECK_INT(emerg_drill_minimum(planned, 3, 2026, D(2026, 3, 16), &m), 1);
	CHECK_INT(m.short_h1, 1);
	CHECK_INT(m.short_main, 0);
}

TEST(emerg_yearly_plan_proposes_what_is_missing)
{
	struct emerg_minimum m;
	struct emerg_proposal p[3];
	/* at the start of a leap year: all three at their usual days */
	emerg_drill_minimum(NULL, 0, 2028, D(2028, 1, 2), &m);
	CHECK_INT(emerg_plan_proposals(&m, 2028, D(2028, 1, 2), p), 3);
	CHECK_STR(p[0].kind, "comprehensive");
	CHECK_INT(p[0].day, D(2028, 6, 15));
	CHECK_INT(p[1].day, D(2028, 3, 15));
	CHECK_INT(p[2].day, D(2028, 9, 15));
	/* on 29 February the first half's day is still ahead; after mid-June a week ahead */
	CHECK_INT(emerg_plan_proposals(&m, 2028, D(2028, 2, 29), p), 3);
	CHECK_INT(p[1].day, D(2028, 3, 15));
	CHECK_INT(emerg_plan_proposals(&m, 2028, D(2028, 6, 20), p), 3);
	CHECK_INT(p[0].day, D(2028, 6, 27));
	CHECK_INT(p[1].day, D(2028, 6, 27));
	/* the last week of June: the first half can no longer be met (flagged, not planned) */
	CHECK_INT(emerg_plan_proposals(&m, 2028, D(2028, 6, 25), p), 2);
	CHECK_INT(p[1].day, D(2028, 9, 15));
	/* 31 December: nothing left to plan in the year */
	CHECK_INT(emerg_plan_proposals(&m, 2028, D(2028, 12, 31), p), 0);
	/* met: nothing proposed */
	struct emerg_drill_fact ok[] = {{"comprehensive", D(2028, 5, 1), 1}, {"onsite", D(2028, 2, 1), 1},
					{"onsite", D(2028, 8, 1), 1}};
	emerg_drill_minimum(ok, 3, 2028, D(2028, 9, 1), &m);
	CHECK_INT(emerg_plan_proposals(&m, 2028, D(2028, 9, 1), p), 0);
}

TEST(emerg_supply_states)
{
	int64_t t = D(2026, 12, 31);
	CHECK_INT(emerg_resource_state(t, 4, 2, D(2027, 6, 1), D(2026, 12, 1)), 0);
	CHECK_INT(emerg_resource_state(t, 1, 2, DAY_NONE, t), EMERG_RES_SHORT);
	CHECK_INT(emerg_resource_state(t, 4, 2, D(2027, 1, 30), t), EMERG_RES_EXPIRING);
	CHECK_INT(emerg_resource_state(t, 4, 2, D(2027, 1, 31), t), 0);
	CHECK_INT(emerg_resource_state(t, 4, 2, D(2026, 12, 30), t), EMERG_RES_EXPIRED);
	CHECK_INT(emerg_resource_state(t, 4, 2, DAY_NONE, D(2026, 11, 30)), 0);
	CHECK_INT(emerg_resource_state(t, 4, 2, DAY_NONE, D(2026, 11, 29)), EMERG_RES_CHECK);
	CHECK_INT(emerg_resource_state(t, 4, 2, DAY_NONE, DAY_NONE), EMERG_RES_CHECK);
}

TEST(emerg_plan_review_every_three_years)
{
	int64_t due;
	/* approved on 29 February: three years on is 28 February (no 29th) */
	CHECK_INT(emerg_plan_review(D(2024, 2, 29), 36, D(2026, 12, 30), &due), EMERG_REVIEW_DUE);	/* 60 days before */
	CHECK_INT(due, D(2027, 2, 28));
	CHECK_INT(emerg_plan_review(D(2024, 2, 29), 36, D(2026, 12, 29), &due), EMERG_REVIEW_OK);
	CHECK_INT(emerg_plan_review(D(2024, 2, 29), 36, D(2027, 2, 28), &due), EMERG_REVIEW_DUE);
	CHECK_INT(emerg_plan_review(D(2024, 2, 29), 36, D(2027, 3, 1), &due), EMERG_REVIEW_OVERDUE);
	/* a shorter cycle set for the plan */
	CHECK_INT(emerg_plan_review(D(2026, 1, 31), 12, D(2027, 2, 1), &due), EMERG_REVIEW_OVERDUE);
	CHECK_INT(due, D(2027, 1, 31));
}

/* A supply's monthly check task covers its calendar month from local midnight of the 1st to
 * local midnight of the next 1st: on the 1st itself, on 31 December (the window ends at the new
 * year) and on 29 February of a leap year (February's window, March next). */
TEST(emerg_supply_check_month_window)
{
	int64_t s, e;
	CHECK_INT(emerg_res_check_window(D(2027, 1, 1), &s, &e), 0);
	CHECK(s == day_start_utc(D(2027, 1, 1)) && e == day_start_utc(D(2027, 2, 1)));
	CHECK_INT(emerg_res_check_window(D(2026, 12, 31), &s, &e), 0);
	CHECK(s == day_start_utc(D(2026, 12, 1)) && e == day_start_utc(D(2027, 1, 1)));
	CHECK_INT(emerg_res_check_window(D(2028, 2, 29), &s, &e), 0);
	CHECK(s == day_start_utc(D(2028, 2, 1)) && e == day_start_utc(D(2028, 3, 1)));
	CHECK_INT(emerg_res_check_window(D(2028, 3, 1), &s, &e), 0);
	CHECK(s == day_start_utc(D(2028, 3, 1)) && e == day_start_utc(D(2028, 4, 1)));
}
