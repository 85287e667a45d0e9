/*
 * csv.c — the one CSV writer for every export: RFC 4180 quoting and the formula guard
 * (see csv.h for the rules and why).
 */
#include "base/csv.h"

#include <string.h>

void csv_begin(struct strbuf *sb)
{
	sb_adds(sb, "\xEF\xBB\xBF");
}

/* -?digits[.digits][%]: what a spreadsheet reads as a number, never as a formula */
static int plain_number(const char *v)
{
	const char *p = v + (*v == '-');
	int digits = 0;
	for (; *p >= '0' && *p <= '9'; p++)
		digits++;
	if (!digits)
		return 0;
	if (*p == '.') {
		int frac = 0;
		for (p++; *p >= '0' && *p <= '9'; p++)
			frac++;
		if (!frac)
			return 0;
	}
	if (*p == '%')
		p++;
	return *p == 0;
}

int csv_formula_risk(const char *v)
{
	return v && *v && strchr("=+-@\t\r", *v) && !plain_number(v);
}

void csv_field(struct strbuf *sb, const char *v, int last)
{
	if (!v)
		v = "";
	sb_addc(sb, '"');
	if (csv_formula_risk(v))
		sb_addc(sb, '\'');
	for (; *v; v++) {
		if (*v == '"')
			sb_addc(sb, '"');
		sb_addc(sb, *v);
	}
	sb_adds(sb, last ? "\"\r\n" : "\",");
}

void csv_row(struct strbuf *sb, int n, const char *const *cells)
{
	for (int i = 0; i < n; i++)
		csv_field(sb, cells[i], i == n - 1);
}
