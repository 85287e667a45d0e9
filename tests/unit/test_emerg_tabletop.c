/*
 * test_emerg_tabletop.c — the comparison at the end of a tabletop exercise: a step done by its
 * target (to the second) is done, a second later it is one minute late, minutes late round
 * up, a step with no target is done whenever it is done, a step never done is pending while
 * the exercise runs and missing once it has ended.
 */
#include "unit.h"
#include "emerg/emerg_tabletop.h"

TEST(emerg_tabletop_step_compared_with_its_target)
{
	const int64_t s = 1900000000;	/* the start */
	int late = -1;
	/* exactly at the target (5 min): done */
	CHECK_INT(emerg_tt_compare(s, 5, s + 300, 1, &late), EMERG_TT_DONE);
	CHECK_INT(late, 0);
	/* before it */
	CHECK_INT(emerg_tt_compare(s, 5, s + 10, 0, &late), EMERG_TT_DONE);
	/* one second after: late by one minute, rounded up */
	CHECK_INT(emerg_tt_compare(s, 5, s + 301, 1, &late), EMERG_TT_LATE);
	CHECK_INT(late, 1);
	/* 3 min 1 s after: 4 minutes; exactly 7 minutes after: 7 */
	CHECK_INT(emerg_tt_compare(s, 5, s + 481, 1, &late), EMERG_TT_LATE);
	CHECK_INT(late, 4);
	CHECK_INT(emerg_tt_compare(s, 15, s + 22 * 60, 1, &late), EMERG_TT_LATE);
	CHECK_INT(late, 7);
	/* a target of 0 minutes: anything after the start is late */
	CHECK_INT(emerg_tt_compare(s, 0, s + 1, 1, &late), EMERG_TT_LATE);
	CHECK_INT(late, 1);
	/* no target: done whenever */
	CHECK_INT(emerg_tt_compare(s, -1, s + 86400, 1, &late), EMERG_TT_DONE);
	CHECK_INT(late, 0);
	/* never done: pending while it runs, missing at the end */
	CHECK_INT(emerg_tt_compare(s, 5, 0, 0, &late), EMERG_TT_PENDING);
	CHECK_INT(emerg_tt_compare(s, 5, 0, 1, &late), EMERG_TT_MISSING);
	CHECK_INT(late, 0);
	CHECK_STR(emerg_tt_result_code(EMERG_TT_LATE), "late");
	CHECK_STR(emerg_tt_result_code(EMERG_TT_MISSING), "missing");
	CHECK_STR(emerg_tt_result_code(EMERG_TT_DONE), "done");
	CHECK_STR(emerg_tt_result_code(EMERG_TT_PENDING), "pending");
}
