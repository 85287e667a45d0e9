/*
 * day.h — calendar days in the plant's zone, for the rules that compare dates rather than
 * instants: a certificate or an inspection is valid "until a date", a list is filtered "to"
 * a date.
 *
 * A day is a count of days since 1970-01-01 in the plant's zone (clock_local_offset(), UTC+8
 * by default, no DST).
 */
#ifndef ANQUAN_DAY_H
#define ANQUAN_DAY_H

#include <stdint.h>

/* "no date" for the day arguments below (a NULL column) */
#define DAY_NONE INT64_MIN

int64_t day_today(void);			/* the plant's local day of clock_now() */
int64_t day_of(int64_t utc);			/* local day of a UTC instant */
int64_t day_from_ymd(int y, int m, int d);	/* proleptic Gregorian */
void day_to_ymd(int64_t day, int *y, int *m, int *d);
int64_t day_add_years(int64_t day, int years);	/* 29 Feb → 28 Feb */
int64_t day_add_months(int64_t day, int months);	/* clamps to the month's last day */
int64_t day_start_utc(int64_t day);		/* UTC seconds of local midnight */
/* "2026-03-01"; "" for DAY_NONE. Returns out. */
char *day_format(int64_t day, char out[16]);
/* Parse 2026-03-01, 2026/3/1, 2026.3.1, 2026年3月1日, 20260301, or an Excel serial number
 * (1900 date system, e.g. 46082). 0 ok; -1 if the text is not a real date. */
int day_parse(const char *s, int64_t *day);
/* Strictly "YYYY-MM-DD" (1970 on), as a date input sends it: the last second of that local
 * day (UTC), so that "to 2026-03-01" includes all of it. 0 ok; -1 if malformed. */
int day_parse_end(const char *s, int64_t *out);

#endif
