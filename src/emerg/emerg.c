/*
 * emerg.c — the rules of the emergency module: does a unit meet the drill minimums of
 * 生产安全事故应急预案管理办法 Art. 33 for a year, which drills to plan so that it does, the
 * key actions of a drill, and whether a supply needs its owner. No database here: the pages,
 * the scheduler and the unit tests call the same functions.
 */
#include "emerg/emerg.h"
#include "base/day.h"

#include <string.h>

const char *const emerg_mark_actions[] = {"alarm", "first_response", "evacuated", "headcount", NULL};

int emerg_mark_known(const char *action)
{
	for (int i = 0; action && emerg_mark_actions[i]; i++)
		if (!strcmp(action, emerg_mark_actions[i]))
			return 1;
	return 0;
}

int emerg_drill_minimum(const struct emerg_drill_fact *v, int n, int year, int64_t today,
			struct emerg_minimum *m)
{
	memset(m, 0, sizeof *m);
	int64_t jan1 = day_from_ymd(year, 1, 1), jul1 = day_from_ymd(year, 7, 1);
	int64_t next = day_from_ymd(year + 1, 1, 1);
	for (int i = 0; i < n; i++) {
		if (v[i].day < jan1 || v[i].day >= next || !v[i].kind)
			continue;
		/* a drill planned for a day gone by that never took place does not count */
		if (!v[i].held && v[i].day < today)
			continue;
		if (!strcmp(v[i].kind, "comprehensive") || !strcmp(v[i].kind, "special"))
			m->main_count++;
		else if (!strcmp(v[i].kind, "onsite"))
			*(v[i].day < jul1 ? &m->onsite_h1 : &m->onsite_h2) += 1;
	}
	m->short_main = m->main_count < 1;	/* Art. 33: at least one a year */
	m->short_h1 = m->onsite_h1 < 1;		/* Art. 33: at least one every six months */
	m->short_h2 = m->onsite_h2 < 1;
	return m->short_main || m->short_h1 || m->short_h2;
}

/* The day to plan a drill of the period [from, to): `pref` when still ahead, else a week
 * from today when that is inside the period, else none (DAY_NONE). */
static int64_t plan_day(int64_t pref, int64_t from, int64_t to, int64_t today)
{
	if (pref > today && pref >= from)
		return pref;
	int64_t d = today + 7;
	return d >= from && d < to ? d : DAY_NONE;
}

int emerg_plan_proposals(const struct emerg_minimum *m, int year, int64_t today, struct emerg_proposal out[3])
{
	int64_t jan1 = day_from_ymd(year, 1, 1), jul1 = day_from_ymd(year, 7, 1);
	int64_t next = day_from_ymd(year + 1, 1, 1);
	int k = 0;
	int64_t d;
	if (m->short_main && (d = plan_day(day_from_ymd(year, 6, 15), jan1, next, today)) != DAY_NONE)
		out[k++] = (struct emerg_proposal){"comprehensive", d};
	if (m->short_h1 && (d = plan_day(day_from_ymd(year, 3, 15), jan1, jul1, today)) != DAY_NONE)
		out[k++] = (struct emerg_proposal){"onsite", d};
	if (m->short_h2 && (d = plan_day(day_from_ymd(year, 9, 15), jul1, next, today)) != DAY_NONE)
		out[k++] = (struct emerg_proposal){"onsite", d};
	return k;
}

int emerg_resource_state(int64_t today, int quantity, int min_quantity, int64_t expires, int64_t checked)
{
	int s = 0;
	if (quantity < min_quantity)
		s |= EMERG_RES_SHORT;
	if (expires != DAY_NONE && expires < today)
		s |= EMERG_RES_EXPIRED;
	else if (expires != DAY_NONE && expires <= today + EMERG_EXPIRY_WARN_DAYS)
		s |= EMERG_RES_EXPIRING;
	if (checked == DAY_NONE || checked < today - EMERG_CHECK_DAYS)
		s |= EMERG_RES_CHECK;
	return s;
}

enum emerg_review emerg_plan_review(int64_t approved, int months, int64_t today, int64_t *due)
{
	*due = day_add_months(approved, months);
	if (today > *due)
		return EMERG_REVIEW_OVERDUE;
	return *due - today <= EMERG_REVIEW_WARN_DAYS ? EMERG_REVIEW_DUE : EMERG_REVIEW_OK;
}

const char *emerg_review_code(enum emerg_review s)
{
	return s == EMERG_REVIEW_OVERDUE ? "overdue" : s == EMERG_REVIEW_DUE ? "due" : "ok";
}
