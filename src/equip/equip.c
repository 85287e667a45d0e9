/*
 * equip.c — the rules of special equipment: the inspection state on a day, the interval to
 * the next periodic inspection, and the demo registry.
 *
 * Intervals (DOMAIN.md §5, to be verified against each TSG rule; all editable): boilers
 * yearly (external; internal every 2 years, TSG 11-2020), pressure vessels by safety grade
 * (TSG 21-2016 §8.1.6: grade 1–2 every 6 years, grade 3 every 3–6 years — we take 3, grade 4
 * at most 3 years in total, grade 5 out of use), cranes yearly or every 2 years by type
 * (TSG Q7015-2016), elevators yearly (TSG T7001), in-plant vehicles yearly (TSG N0001-2017).
 */
#include "equip/equip.h"
#include "base/clock.h"
#include "base/day.h"
#include "db/db.h"

#include <stdlib.h>
#include <string.h>

enum equip_state equip_state_at(int64_t day, int64_t next_due)
{
	if (next_due == DAY_NONE)
		return EQUIP_UNKNOWN;
	if (day > next_due)
		return EQUIP_OVERDUE;
	if (next_due - day <= 30)
		return EQUIP_DUE30;
	if (next_due - day <= 60)
		return EQUIP_DUE60;
	return EQUIP_OK;
}

const char *equip_state_code(enum equip_state s)
{
	static const char *const codes[] = {"ok", "due60", "due30", "overdue", "unknown"};
	return (unsigned)s < 5 ? codes[s] : "unknown";
}

const char *equip_state_badge(enum equip_state s)
{
	return s == EQUIP_OK ? "ok" : s == EQUIP_OVERDUE ? "bad" : "warn";
}

int equip_interval_months(struct db *c, const char *kind, int own_months, int safety_grade)
{
	if (own_months > 0)
		return own_months;
	if (kind && !strcmp(kind, "pressure_vessel") && safety_grade > 0) {
		if (safety_grade <= 2)
			return 72;
		if (safety_grade <= 4)
			return 36;
		return 0;	/* grade 5: not to be used; no next inspection */
	}
	int64_t m = 0;
	if (db_get_i64(c, &m, "SELECT interval_months FROM equip_kinds WHERE code = ? AND interval_months IS NOT NULL",
		       "t", kind ? kind : "") != 1)
		return 0;
	return (int)m;
}

/* Demo: the platform's equipment list gets registration numbers, a responsible person and
 * due dates in every state relative to today: ok, due within 60, within 30, overdue. */
int equip_demo_load(struct db *c)
{
	static const struct {
		const char *code, *reg;
		int due_in;	/* days from today; 0 = leave without dates */
		int grade;
	} demo[] = {
		{"R-101", "容3LSu苏A00101(24)", 400, 2}, {"R-102", "容3LSu苏A00102(24)", 45, 2},
		{"R-201", "容3LSu苏A00201(23)", 20, 3}, {"C-301", "容3LSu苏A00301(22)", -12, 3},
		{"B-501", "锅11苏A00501(21)", 150, 0}, {"QZ-01", "起17苏A00011(22)", 55, 0},
		{"QZ-02", "起11苏A00012(22)", 25, 0}, {"CC-01", "车11苏A00021(23)", -3, 0},
		{"GD-01", "GC2苏A00031(20)", 700, 0}, {"P-503", "容3LSu苏A00503(24)", 300, 3},
		{NULL, NULL, 0, 0},
	};
	int64_t today = day_today(), resp = 0;
	db_get_i64(c, &resp, "SELECT id FROM users WHERE username = 'shebei'", NULL);
	for (int i = 0; demo[i].code; i++) {
		int64_t next = today + demo[i].due_in;
		char *kind = NULL;
		int months = 12;
		if (db_get_text(c, &kind, "SELECT kind FROM equipment WHERE code = ?", "t", demo[i].code) == 1) {
			months = equip_interval_months(c, kind, 0, demo[i].grade);
			free(kind);
		}
		int64_t last = day_add_months(next, -(months ? months : 12));
		if (db_exec(c, "UPDATE equipment SET reg_no = ?, responsible_user_id = NULLIF(?, 0), last_inspection_on = ?,"
			       " next_inspection_on = ?, safety_grade = NULLIF(?, 0) WHERE code = ?",
			    "tIIIit", demo[i].reg, resp, last, next, demo[i].grade, demo[i].code) != DB_OK)
			return -1;
	}
	/* an elevator, so every kind in the registry has an example */
	if (db_exec(c, "INSERT INTO equipment (code, name, kind, area_id, unit_id, created_at, reg_no, responsible_user_id,"
		       " last_inspection_on, next_inspection_on) SELECT 'DT-01', '办公楼客梯', 'elevator', NULL, u.id, ?,"
		       " '梯11苏A00041(23)', NULLIF(?, 0), ?, ? FROM units u WHERE u.name = '公用工程车间'",
		    "IIII", clock_now(), resp, day_add_months(today + 200, -12), today + 200) != DB_OK)
		return -1;
	return 0;
}
