/*
 * day.c — calendar days: for certificates, inspections and date filters, and the date parser
 * for ledgers typed by hand in Excel. In base because several modules compare days (cert,
 * equip, permit, report, the audit log's filter) and none of them should include another
 * for it.
 *
 * A day is a count of days since 1970-01-01 in the plant's zone (clock_local_offset(), UTC+8
 * by default, no DST). Certificates and inspections are valid "until a date", so days, not
 * instants, are what their rules compare. The civil-date conversions are the well-known
 * era-based algorithm (days from civil / civil from days), exact for any Gregorian date.
 */
#include "base/day.h"
#include "base/clock.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

int64_t day_of(int64_t utc)
{
	return floor_div(utc + clock_local_offset(), 86400);
}

int64_t day_today(void)
{
	return day_of(clock_now());
}

int64_t day_start_utc(int64_t day)
{
	return day * 86400 - clock_local_offset();
}

int64_t day_from_ymd(int y, int m, int d)
{
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = floor_div(yy, 400);
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void day_to_ymd(int64_t day, int *y, int *m, int *d)
{
	int64_t z = day + 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int dd = (int)(doy - (153 * mp + 2) / 5 + 1);
	int mm = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (mm <= 2));
	*m = mm;
	*d = dd;
}

static int days_in_month(int y, int m)
{
	static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : dim[m - 1];
}

int64_t day_add_months(int64_t day, int months)
{
	int y, m, d;
	day_to_ymd(day, &y, &m, &d);
	int total = y * 12 + (m - 1) + months;
	y = total / 12;
	m = total % 12 + 1;
	if (d > days_in_month(y, m))
		d = days_in_month(y, m);
	return day_from_ymd(y, m, d);
}

int64_t day_add_years(int64_t day, int years)
{
	return day_add_months(day, years * 12);
}

char *day_format(int64_t day, char out[16])
{
	int y, m, d;
	if (day == DAY_NONE) {
		out[0] = 0;
		return out;
	}
	day_to_ymd(day, &y, &m, &d);
	snprintf(out, 16, "%04d-%02d-%02d", y % 10000, m, d);
	return out;
}

/* Read up to maxd ASCII digits; returns the count read. */
static int digits(const char **p, int maxd, long *v)
{
	int n = 0;
	*v = 0;
	while (n < maxd && isdigit((unsigned char)**p)) {
		*v = *v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n;
}

static int valid_ymd(long y, long m, long d)
{
	return y >= 1900 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month((int)y, (int)m);
}

/* Skip one separator: -, /, . or the UTF-8 年/月. Returns 0 if none is there. */
static int separator(const char **p)
{
	if (**p == '-' || **p == '/' || **p == '.') {
		(*p)++;
		return 1;
	}
	if (!strncmp(*p, "年", 3) || !strncmp(*p, "月", 3)) {
		*p += 3;
		return 1;
	}
	return 0;
}

int day_parse(const char *s, int64_t *day)
{
	long y, m, d;
	if (!s)
		return -1;
	while (isspace((unsigned char)*s))
		s++;
	const char *p = s;
	int nd = digits(&p, 9, &y);
	if (nd == 0)
		return -1;
	/* a bare number: 8 digits are YYYYMMDD, fewer an Excel serial day (1900 date system:
	 * serial 1 is 1900-01-01 and Excel counts a 29 Feb 1900 that never was, so serials from
	 * 61 on are one ahead — 25569 is 1970-01-01) */
	const char *q = p;
	int frac = 0;
	if (*q == '.' && isdigit((unsigned char)q[1]) && nd != 4) {	/* "46082.0" from a float cell */
		q++;
		while (isdigit((unsigned char)*q))
			q++;
		frac = 1;
	}
	while (isspace((unsigned char)*q))
		q++;
	if (!*q && (nd <= 6 || frac) && !(nd == 4 && !frac)) {
		if (y < 1 || y > 2958465)
			return -1;
		int64_t serial = y;
		*day = serial >= 61 ? serial - 25569 : serial - 25568;
		return 0;
	}
	if (!*q && nd == 8) {
		if (!valid_ymd(y / 10000, y / 100 % 100, y % 100))
			return -1;
		*day = day_from_ymd((int)(y / 10000), (int)(y / 100 % 100), (int)(y % 100));
		return 0;
	}
	if (nd != 4 || !separator(&p))
		return -1;
	if (!digits(&p, 2, &m) || !separator(&p) || !digits(&p, 2, &d))
		return -1;
	if (!strncmp(p, "日", 3))
		p += 3;
	/* a time of day after the date ("2026-03-01 00:00:00") is ignored */
	if (*p == ' ' || *p == 'T') {
		p++;
		while (*p && (isdigit((unsigned char)*p) || *p == ':' || *p == '.'))
			p++;
	}
	while (isspace((unsigned char)*p))
		p++;
	if (*p || !valid_ymd(y, m, d))
		return -1;
	*day = day_from_ymd((int)y, (int)m, (int)d);
	return 0;
}

int day_parse_end(const char *s, int64_t *out)
{
	int y, m, d;
	char tail;
	if (!s || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
	    s[4] != '-' || s[7] != '-' || y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 ||
	    d > days_in_month(y, m))
		return -1;
	*out = day_start_utc(day_from_ymd(y, m, d)) + 86399;
	return 0;
}
