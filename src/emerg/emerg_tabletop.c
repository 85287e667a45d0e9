/*
 * emerg_tabletop.c — the rule of a tabletop exercise's end: what became of each step of the
 * plan against its target time. No database here: the pages and the unit tests call it.
 */
#include "emerg/emerg_tabletop.h"

enum emerg_tt_result emerg_tt_compare(int64_t started, int target_min, int64_t done_at, int ended, int *late_min)
{
	*late_min = 0;
	if (!done_at)
		return ended ? EMERG_TT_MISSING : EMERG_TT_PENDING;
	if (target_min < 0 || !started)
		return EMERG_TT_DONE;
	int64_t over = done_at - (started + (int64_t)target_min * 60);
	if (over <= 0)
		return EMERG_TT_DONE;
	*late_min = (int)((over + 59) / 60);
	return EMERG_TT_LATE;
}

const char *emerg_tt_result_code(enum emerg_tt_result r)
{
	switch (r) {
	case EMERG_TT_DONE: return "done";
	case EMERG_TT_LATE: return "late";
	case EMERG_TT_MISSING: return "missing";
	default: return "pending";
	}
}
