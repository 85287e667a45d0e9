/*
 * check_period.c — the cycle arithmetic of check tasks: which window of a control measure's
 * check cycle (checkCycle × checkCycleUnit, workStartTime–workEndTime, workDayType of the data
 * exchange specification) holds a local day. Pure: no database, so the unit tests and the
 * scheduler's bench call it directly.
 */
#include "check/check.h"
#include "base/day.h"

#include <string.h>

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* 0 Monday … 6 Sunday (1970-01-01 was a Thursday) */
static int weekday(int64_t day)
{
	return (int)(((day + 3) % 7 + 7) % 7);
}

static int window_of(int64_t first, int64_t last, int ws, int we, struct check_window *w)
{
	w->start = day_start_utc(first) + (int64_t)ws * 60;
	w->end = day_start_utc(last) + (int64_t)we * 60;
	return 1;
}

int check_windows(const char *unit, int count, int work_start, int work_end, int work_days_only,
		  int64_t day, struct check_window *out, int max)
{
	if (!unit || count < 1 || max < 1 || work_start < 0 || work_start > 1440 || work_end < 0 || work_end > 1440)
		return -1;
	/* a window that ends before it starts crosses midnight: it closes the next day */
	int ws = work_start, we = work_end <= work_start ? work_end + 1440 : work_end;
	int weekend = weekday(day) >= 5;
	if (!strcmp(unit, "hour")) {
		if (work_days_only && weekend)
			return 0;
		int n = 0;
		int64_t base = day_start_utc(day);
		for (int m = ws; m < we && n < max; m += count * 60) {
			out[n].start = base + (int64_t)m * 60;
			int e = m + count * 60;
			out[n].end = base + (int64_t)(e < we ? e : we) * 60;
			n++;
		}
		return n;
	}
	if (!strcmp(unit, "day")) {
		if (work_days_only && weekend)
			return 0;
		int64_t first = floor_div(day, count) * count;
		return window_of(first, first + count - 1, ws, we, out);
	}
	if (!strcmp(unit, "week")) {
		/* Monday-based weeks: week 0 began on Monday 1969-12-29 (day -3) */
		int64_t wk = floor_div(day + 3, 7), block = floor_div(wk, count) * count;
		int64_t first = block * 7 - 3;
		return window_of(first, first + 7 * (int64_t)count - 1, ws, we, out);
	}
	if (!strcmp(unit, "month") || !strcmp(unit, "year")) {
		int y, m, d;
		day_to_ymd(day, &y, &m, &d);
		int64_t months = !strcmp(unit, "month") ? count : (int64_t)count * 12;
		int64_t mi = (int64_t)(y - 1970) * 12 + (m - 1), block = floor_div(mi, months) * months;
		int64_t first = day_from_ymd((int)(1970 + floor_div(block, 12)), (int)(block - floor_div(block, 12) * 12) + 1, 1);
		int64_t next = day_add_months(first, (int)months);
		return window_of(first, next - 1, ws, we, out);
	}
	return -1;
}
