/*
 * period.c — the named reporting periods (period.h) resolved against a moment.
 *
 * "Today" is the plant's local day of `now`; a month is a calendar month of the plant's zone
 * (kpi_month_range), so February, leap days and the turn of the year need no special case
 * here: the month before January is December of the year before.
 */
#include "report/period.h"
#include "base/clock.h"
#include "report/kpi.h"

#include <string.h>

#define DAY 86400

static const char *const names[PERIOD_COUNT] = {"30d", "month", "last_month"};
static const char *const keys[PERIOD_COUNT] = {"report.period.30d", "report.period.month",
					       "report.period.last_month"};

int report_period_parse(const char *s)
{
	for (int i = 0; s && i < PERIOD_COUNT; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

const char *report_period_name(enum report_period p)
{
	return p >= 0 && p < PERIOD_COUNT ? names[p] : names[PERIOD_DEFAULT];
}

const char *report_period_key(enum report_period p)
{
	return p >= 0 && p < PERIOD_COUNT ? keys[p] : keys[PERIOD_DEFAULT];
}

void report_period_range(enum report_period p, int64_t now, int64_t *from, int64_t *to)
{
	char buf[16];
	int y, m;
	int64_t tomorrow = kpi_day_start(now) + DAY;
	if (p == PERIOD_MONTH || p == PERIOD_LAST_MONTH) {
		clock_format(now, "%Y-%m", buf, sizeof(buf));
		if (!kpi_parse_month(buf, &y, &m)) {
			if (p == PERIOD_LAST_MONTH && --m == 0) {
				m = 12;
				y--;
			}
			kpi_month_range(y, m, from, to);
			return;
		}
	}
	*to = tomorrow;
	*from = tomorrow - 30 * DAY;
}
