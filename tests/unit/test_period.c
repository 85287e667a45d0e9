/*
 * test_period.c — the dashboard's named periods (src/report/period.c) at the moments where
 * calendars go wrong: the first minutes of a month (and of the month after February), the
 * last minutes of a year, a leap day, New Year's Day. Each moment is passed in, so nothing
 * here reads the clock.
 */
#include "unit.h"
#include "report/kpi.h"
#include "report/period.h"

static int64_t at(const char *day, int h, int m)
{
	return kpi_parse_day(day) + h * 3600 + m * 60;	/* local (UTC+8) time of that day */
}

static void check_range(enum report_period p, int64_t now, const char *from, const char *to)
{
	int64_t f = 0, t = 0;
	report_period_range(p, now, &f, &t);
	char a[16], b[16];
	kpi_format_day(f, a, sizeof(a));
	kpi_format_day(t, b, sizeof(b));
	CHECK_STR(a, from);
	CHECK_STR(b, to);	/* the first day after the period */
	CHECK_INT(f, kpi_parse_day(from));
	CHECK_INT(t, kpi_parse_day(to));
}

TEST(period_names)
{
	CHECK_INT(report_period_parse("30d"), PERIOD_30D);
	CHECK_INT(report_period_parse("month"), PERIOD_MONTH);
	CHECK_INT(report_period_parse("last_month"), PERIOD_LAST_MONTH);
	CHECK_INT(report_period_parse(NULL), -1);
	CHECK_INT(report_period_parse(""), -1);
	CHECK_INT(report_period_parse("Month"), -1);
	CHECK_INT(report_period_parse("30d "), -1);
	CHECK_STR(report_period_name(PERIOD_LAST_MONTH), "last_month");
	CHECK_STR(report_period_key(PERIOD_30D), "report.period.30d");
	CHECK_INT(PERIOD_DEFAULT, PERIOD_30D);
}

TEST(period_first_of_month_after_february)
{
	int64_t t = at("2027-03-01", 0, 5);
	check_range(PERIOD_30D, t, "2027-01-31", "2027-03-02");	/* 30 days up to today */
	check_range(PERIOD_MONTH, t, "2027-03-01", "2027-04-01");
	check_range(PERIOD_LAST_MONTH, t, "2027-02-01", "2027-03-01");
	/* one minute before, still in February */
	check_range(PERIOD_MONTH, t - 6 * 60, "2027-02-01", "2027-03-01");
	check_range(PERIOD_30D, t - 6 * 60, "2027-01-30", "2027-03-01");
}

TEST(period_new_years_eve_and_day)
{
	int64_t t = at("2026-12-31", 23, 55);
	check_range(PERIOD_30D, t, "2026-12-02", "2027-01-01");
	check_range(PERIOD_MONTH, t, "2026-12-01", "2027-01-01");
	check_range(PERIOD_LAST_MONTH, t, "2026-11-01", "2026-12-01");
	t += 10 * 60;	/* 00:05 on New Year's Day: last month is December of the year before */
	check_range(PERIOD_30D, t, "2026-12-03", "2027-01-02");
	check_range(PERIOD_MONTH, t, "2027-01-01", "2027-02-01");
	check_range(PERIOD_LAST_MONTH, t, "2026-12-01", "2027-01-01");
}

TEST(period_leap_day)
{
	int64_t t = at("2028-02-29", 12, 0);
	check_range(PERIOD_30D, t, "2028-01-31", "2028-03-01");
	check_range(PERIOD_MONTH, t, "2028-02-01", "2028-03-01");
	check_range(PERIOD_LAST_MONTH, t, "2028-01-01", "2028-02-01");
	check_range(PERIOD_LAST_MONTH, at("2028-03-01", 0, 5), "2028-02-01", "2028-03-01");
}

TEST(period_local_midnight_not_utc)
{
	/* 2027-03-01 07:59 +08:00 is still 2027-02-28 in UTC: the plant's day counts */
	int64_t t = at("2027-03-01", 7, 59);
	check_range(PERIOD_MONTH, t, "2027-03-01", "2027-04-01");
	check_range(PERIOD_30D, t, "2027-01-31", "2027-03-02");
}
