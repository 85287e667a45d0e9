/*
 * ppe_rules.c — when a piece of protective equipment is due for replacement, and what a person
 * may still spend. Pure functions over local days (base/day.h): the ledger and the pages call
 * them, and tests/unit/test_ppe.c pins their boundaries.
 *
 * GB 39800.1-2020 asks that equipment past its life or worn out be withdrawn and replaced
 * (判废和更换): the cycle (days from issue, or uses) and the shelf life are the item's data.
 */
#include "ppe/ppe.h"
#include "base/day.h"

int64_t ppe_due_day(int64_t issued, int64_t cycle_days, int64_t received, int64_t shelf_days)
{
	int64_t due = DAY_NONE;
	if (cycle_days > 0 && issued != DAY_NONE)
		due = issued + cycle_days;
	if (shelf_days > 0 && received != DAY_NONE) {
		int64_t shelf = received + shelf_days;
		if (due == DAY_NONE || shelf < due)
			due = shelf;
	}
	return due;
}

enum ppe_state ppe_state_at(int64_t today, int64_t due, int64_t uses, int64_t cycle_uses, int warn_days)
{
	/* the due day itself is the day of replacement: the old piece is not worn on it */
	if (due != DAY_NONE && today >= due)
		return PPE_EXPIRED;
	if (cycle_uses > 0 && uses >= cycle_uses)
		return PPE_EXPIRED;
	if (due != DAY_NONE && today >= due - warn_days)
		return PPE_DUE_SOON;
	if (cycle_uses > 0 && uses == cycle_uses - 1)
		return PPE_DUE_SOON;
	return PPE_OK;
}

int ppe_warn_days(int setting, int64_t cycle_days)
{
	/* gloves replaced monthly would be "due soon" the day they are issued with a 30-day
	 * window: the window is at most a quarter of the cycle, and at least a day */
	if (cycle_days > 0 && cycle_days / 4 < setting)
		return cycle_days / 4 > 0 ? (int)(cycle_days / 4) : 1;
	return setting;
}

const char *ppe_state_code(enum ppe_state s)
{
	return s == PPE_EXPIRED ? "expired" : s == PPE_DUE_SOON ? "due_soon" : "ok";
}

int64_t ppe_balance(int64_t earned, int64_t spent)
{
	return earned > spent ? earned - spent : 0;
}
