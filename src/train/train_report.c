/*
 * train_report.c — training hours for the dashboard and the monthly safety report (the
 * report module calls these, as it calls the check module's coverage): the hours recorded in
 * a unit subtree in a period, the people trained and the classes held, and the hours of each
 * of the last six months. Regulators ask plants for the hours (生产经营单位安全培训规定
 * Art. 9, 13: 20 h of re-training a year), so the figure is on the plant's monthly page.
 */
#include "train/train.h"
#include "base/day.h"
#include "db/db.h"
#include "web/html.h"
#include "web/i18n.h"

#include <stdlib.h>

/* records of the subtree at `path` with done_on in [from, to) (days) */
static int64_t count(struct req *r, const char *sql, const char *path, int64_t from, int64_t to)
{
	int64_t v = 0;
	db_get_i64(r->db, &v, sql, "tII", path, from, to);
	return v;
}

#define HOURS_SQL "SELECT COALESCE(sum(t.hours), 0) FROM train_records t JOIN persons p ON p.id = t.person_id" \
	" JOIN units u ON u.id = p.unit_id WHERE u.path LIKE ? AND t.done_on >= ? AND t.done_on < ?"
#define PEOPLE_SQL "SELECT count(DISTINCT t.person_id) FROM train_records t JOIN persons p ON p.id = t.person_id" \
	" JOIN units u ON u.id = p.unit_id WHERE u.path LIKE ? AND t.done_on >= ? AND t.done_on < ?"
#define CLASSES_SQL "SELECT count(*) FROM train_classes s JOIN areas a ON a.id = s.area_id JOIN units u ON u.id = a.unit_id" \
	" WHERE s.active = 1 AND u.path LIKE ? AND s.starts_at >= ? AND s.starts_at < ?"

int train_hours(struct req *r, int64_t unit_id, int64_t from, int64_t to, struct train_hours *out)
{
	char *path = NULL;
	if (db_get_text(r->db, &path, "SELECT path || '%' FROM units WHERE id = ?", "I", unit_id) != 1) {
		free(path);
		return -1;
	}
	out->hours = count(r, HOURS_SQL, path, day_of(from), day_of(to));
	out->people = count(r, PEOPLE_SQL, path, day_of(from), day_of(to));
	out->classes = count(r, CLASSES_SQL, path, from, to);
	for (int i = 0; i < 6; i++) {
		int64_t first = day_add_months(day_of(to - 1), -(5 - i)), y_m;
		int y, m, d;
		day_to_ymd(first, &y, &m, &d);
		first = day_from_ymd(y, m, 1);
		y_m = day_add_months(first, 1);
		out->month[i] = y * 100 + m;
		out->month_hours[i] = count(r, HOURS_SQL, path, first, y_m);
	}
	free(path);
	return 0;
}

void train_hours_html(struct req *r, int64_t unit_id, int64_t from, int64_t to)
{
	struct train_hours h;
	if (train_hours(r, unit_id, from, to, &h))
		return;
	html_printf(&r->out, "<p class=\"train-hours-sum\" data-hours=\"%D\">%s <strong>%D</strong> %s · %s %D · %s %D</p>"
		    "<div class=\"table-wrap\"><table class=\"train-hours\"><thead><tr>", h.hours, T(r, "train.period_hours"),
		    h.hours, T(r, "train.hours"), T(r, "train.people_trained"), h.people, T(r, "train.classes_held"),
		    h.classes);
	for (int i = 0; i < 6; i++)
		html_printf(&r->out, "<th>%s</th>", arena_printf(&r->arena, "%d-%02d", h.month[i] / 100, h.month[i] % 100));
	html_printf(&r->out, "</tr></thead><tbody><tr>");
	for (int i = 0; i < 6; i++)
		html_printf(&r->out, "<td>%D</td>", h.month_hours[i]);
	html_printf(&r->out, "</tr></tbody></table></div>");
}
