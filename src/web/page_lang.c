/*
 * page_lang.c — file, date and month controls in the page's language (page_lang.h).
 */
#include "web/page_lang.h"
#include "base/clock.h"
#include "web/i18n.h"

#include <stdio.h>
#include <string.h>

html_raw page_file_input(struct req *r, const char *name, const char *button_key, html_raw attrs)
{
	struct strbuf sb = STRBUF_INIT;
	/* static/app.js puts the chosen files' names into .file-names; without it the line keeps
	 * saying that none was chosen, while the form still sends them */
	html_printf(&sb, "<span class=\"file-pick\"><input type=\"file\" name=\"%s\" %r>"
			 "<span class=\"button file-btn\" aria-hidden=\"true\">%s</span>"
			 "<span class=\"file-names\" data-many=\"%s\">%s</span></span>",
		    name, attrs, T(r, button_key), T(r, "form.files_chosen"), T(r, "form.file_none"));
	char *s = arena_strdup(&r->arena, sb.buf);
	sb_release(&sb);
	return s;
}

html_raw page_date_hint(struct req *r)
{
	struct strbuf sb = STRBUF_INIT;
	html_printf(&sb, "<small class=\"date-hint\">%s</small>", T(r, "form.date_hint"));
	char *s = arena_strdup(&r->arena, sb.buf);
	sb_release(&sb);
	return s;
}

/* "2026年3月" / "March 2026": the catalogue's pattern with {y} and the month's name */
static const char *month_name(struct req *r, int y, int m)
{
	char key[32], year[16];
	snprintf(key, sizeof(key), "form.month.%d", m);
	snprintf(year, sizeof(year), "%d", y);
	const char *pat = T(r, "form.month_year"), *py = strstr(pat, "{y}"), *pm = strstr(pat, "{m}");
	if (!py || !pm)
		return arena_printf(&r->arena, "%d-%02d", y, m);
	const char *first = py < pm ? py : pm, *second = py < pm ? pm : py;
	const char *v1 = py < pm ? year : T(r, key), *v2 = py < pm ? T(r, key) : year;
	return arena_printf(&r->arena, "%.*s%s%.*s%s%s", (int)(first - pat), pat, v1, (int)(second - first - 3),
			    first + 3, v2, second + 3);
}

const char *page_month_name(struct req *r, const char *yyyymm)
{
	int y, m;
	if (!yyyymm || sscanf(yyyymm, "%d-%d", &y, &m) != 2 || m < 1 || m > 12)
		return yyyymm ? yyyymm : "";
	return month_name(r, y, m);
}

void page_month_select(struct req *r, const char *name, const char *current)
{
	char now[16];
	int y = 0, m = 0, cy = 0, cm = 0;
	clock_format(clock_now(), "%Y-%m", now, sizeof(now));
	if (sscanf(now, "%d-%d", &y, &m) != 2)
		return;
	if (!current || sscanf(current, "%d-%d", &cy, &cm) != 2 || cm < 1 || cm > 12)
		cy = cm = 0;
	html_printf(&r->out, "<select name=\"%s\">", name);
	int listed = 0;
	for (int i = 0; i < 25; i++) {
		int sel = y == cy && m == cm;
		listed |= sel;
		html_printf(&r->out, "<option value=\"%s\"%r>%s</option>", arena_printf(&r->arena, "%04d-%02d", y, m),
			    sel ? " selected" : "", month_name(r, y, m));
		if (--m == 0) {
			m = 12;
			y--;
		}
	}
	if (cy && !listed)
		html_printf(&r->out, "<option value=\"%s\" selected>%s</option>",
			    arena_printf(&r->arena, "%04d-%02d", cy, cm), month_name(r, cy, cm));
	html_printf(&r->out, "</select>");
}
