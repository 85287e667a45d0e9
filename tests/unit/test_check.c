/*
 * test_check.c — the cycle arithmetic of check tasks (check_period.c): which window of a
 * control measure's cycle holds a local day, for each unit, across month, year and leap-day
 * ends, with N-unit periods anchored so they never drift, work-day-only cycles skipping the
 * weekend, and a work window crossing midnight.
 */
#include "unit.h"
#include "base/day.h"
#include "check/check.h"

static int64_t at(int y, int m, int d, int minute)
{
	return day_start_utc(day_from_ymd(y, m, d)) + minute * 60;
}

TEST(check_windows_each_unit)
{
	struct check_window w[32];
	int64_t dec31 = day_from_ymd(2026, 12, 31), feb29 = day_from_ymd(2028, 2, 29);
	CHECK_INT(check_windows("day", 1, 0, 1440, 0, dec31, w, 32), 1);
	CHECK(w[0].start == at(2026, 12, 31, 0) && w[0].end == at(2027, 1, 1, 0));
	CHECK_INT(check_windows("week", 1, 0, 1440, 0, dec31, w, 32), 1);
	CHECK(w[0].start == at(2026, 12, 28, 0) && w[0].end == at(2027, 1, 4, 0));
	CHECK_INT(check_windows("month", 1, 480, 1050, 0, feb29, w, 32), 1);
	CHECK(w[0].start == at(2028, 2, 1, 480) && w[0].end == at(2028, 2, 29, 1050));
	/* a quarter: months anchored on January 1970, so the calendar quarters */
	CHECK_INT(check_windows("month", 3, 0, 1440, 0, feb29, w, 32), 1);
	CHECK(w[0].start == at(2028, 1, 1, 0) && w[0].end == at(2028, 4, 1, 0));
	CHECK_INT(check_windows("year", 1, 0, 1440, 0, feb29, w, 32), 1);
	CHECK(w[0].start == at(2028, 1, 1, 0) && w[0].end == at(2029, 1, 1, 0));
	/* two days: the same window on both days of the period, the next one after it */
	int64_t d = day_from_ymd(2027, 3, 1);
	CHECK_INT(check_windows("day", 2, 0, 1440, 0, d, w, 32), 1);
	struct check_window a = w[0];
	CHECK_INT(check_windows("day", 2, 0, 1440, 0, a.start == day_start_utc(d) ? d + 1 : d - 1, w, 32), 1);
	CHECK(w[0].start == a.start && w[0].end == a.end);
	CHECK(a.end - a.start == 2 * 86400);
	/* hourly: slots inside the work window, the last one cut at its end */
	CHECK_INT(check_windows("hour", 2, 480, 1020, 0, d, w, 32), 5);
	CHECK(w[0].start == at(2027, 3, 1, 480) && w[4].start == at(2027, 3, 1, 960) && w[4].end == at(2027, 3, 1, 1020));
	/* a night shift crossing midnight */
	CHECK_INT(check_windows("hour", 4, 1200, 480, 0, d, w, 32), 3);
	CHECK(w[2].start == at(2027, 3, 2, 240) && w[2].end == at(2027, 3, 2, 480));
	/* work days only: nothing on Saturday 2027-03-06, one on Monday */
	CHECK_INT(check_windows("day", 1, 0, 1440, 1, day_from_ymd(2027, 3, 6), w, 32), 0);
	CHECK_INT(check_windows("hour", 1, 0, 1440, 1, day_from_ymd(2027, 3, 7), w, 32), 0);
	CHECK_INT(check_windows("day", 1, 0, 1440, 1, day_from_ymd(2027, 3, 8), w, 32), 1);
	CHECK_INT(check_windows("fortnight", 1, 0, 1440, 0, d, w, 32), -1);
	CHECK_INT(check_windows("day", 0, 0, 1440, 0, d, w, 32), -1);
}
