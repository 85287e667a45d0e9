/*
 * period.h — the reporting periods a dashboard offers by name (统计期): the last 30 days, this
 * month, last month.
 *
 * A plant's morning meeting opens the dashboard on any day, the 1st of a month included, and
 * must see the recent weeks, not an empty month that began at midnight: so the default is the
 * last 30 days up to and including today, and the calendar months are one click away. Each
 * period is [from, to) of local (UTC+8) midnights, resolved against a given "now" (the
 * caller passes clock_now(), so tests move it with the test clock).
 */
#ifndef ANQUAN_PERIOD_H
#define ANQUAN_PERIOD_H

#include <stdint.h>

enum report_period {
	PERIOD_30D,		/* the 30 local days ending with today: the default */
	PERIOD_MONTH,		/* this calendar month, so far */
	PERIOD_LAST_MONTH,	/* the calendar month before */
	PERIOD_COUNT
};

#define PERIOD_DEFAULT PERIOD_30D

/* "30d", "month", "last_month" → the period; -1 for anything else (NULL included). */
int report_period_parse(const char *s);
/* Its name in URLs ("30d") and its catalogue key ("report.period.30d"). */
const char *report_period_name(enum report_period p);
const char *report_period_key(enum report_period p);
/* [*from, *to) of the period as seen at `now` (UTC seconds). */
void report_period_range(enum report_period p, int64_t now, int64_t *from, int64_t *to);

#endif
