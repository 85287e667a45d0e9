/*
 * accident_level.c — the pure rules of the accident module: the level of an accident under
 * 生产安全事故报告和调查处理条例 (国务院令第493号) Art. 3, whether it must be reported within the
 * hour, whether the casualty numbers of a report add up, and the lost-time injury frequency
 * rate. No database, no clock: tests/unit/test_accident.c checks every boundary.
 */
#include "accident/accident.h"

#include <string.h>

/* 493号 Art. 3 thresholds: deaths, serious injuries, direct loss (yuan). Art. 3 ¶3: "以上"
 * includes the number itself, "以下" does not, so each threshold is the first value of the
 * higher level. */
static const struct {
	enum accident_level level;
	int64_t deaths, serious, loss_yuan;
} bands[] = {
	{ACCIDENT_ESPECIALLY_MAJOR, 30, 100, 100000000},	/* 30 人以上死亡, 100 人以上重伤, 1 亿元以上 */
	{ACCIDENT_MAJOR, 10, 50, 50000000},			/* 10–29, 50–99, 5000 万–1 亿 */
	{ACCIDENT_LARGER, 3, 10, 10000000},			/* 3–9, 10–49, 1000 万–5000 万 */
};

enum accident_level accident_level_of(int64_t deaths, int64_t serious, int64_t loss_yuan)
{
	for (size_t i = 0; i < sizeof(bands) / sizeof(bands[0]); i++)
		if (deaths >= bands[i].deaths || serious >= bands[i].serious || loss_yuan >= bands[i].loss_yuan)
			return bands[i].level;
	/* 一般事故: 3 人以下死亡, 10 人以下重伤, 1000 万元以下 — everything below 较大, including an
	 * accident with only minor injuries or a small loss */
	return ACCIDENT_GENERAL;
}

const char *accident_level_code(enum accident_level l)
{
	switch (l) {
	case ACCIDENT_GENERAL: return "general";
	case ACCIDENT_LARGER: return "larger";
	case ACCIDENT_MAJOR: return "major";
	case ACCIDENT_ESPECIALLY_MAJOR: return "especially_major";
	default: return "none";
	}
}

int accident_reportable(int deaths, int serious, int marked)
{
	return deaths > 0 || serious > 0 || marked;
}

int accident_casualties_check(int near_miss, const int64_t counts[3], const int named[3], int64_t loss_yuan,
			      const char **field, const char **key)
{
	static const char *const names[3] = {"deaths", "serious", "minor"};
	for (int i = 0; i < 3; i++)
		if (counts[i] < 0 || counts[i] > ACCIDENT_MAX_PEOPLE) {
			*field = names[i];
			*key = "accident.err_count";
			return -1;
		}
	if (loss_yuan < 0) {
		*field = "loss_wan";
		*key = "accident.err_count";
		return -1;
	}
	/* a near miss (未遂事件) is an event that could have hurt and did not: a casualty or a
	 * loss makes it an accident */
	if (near_miss) {
		for (int i = 0; i < 3; i++)
			if (counts[i] > 0 || named[i] > 0) {
				*field = counts[i] > 0 ? names[i] : "people";
				*key = "accident.err_near_miss_hurt";
				return -1;
			}
		if (loss_yuan > 0) {
			*field = "loss_wan";
			*key = "accident.err_near_miss_loss";
			return -1;
		}
		return 0;
	}
	for (int i = 0; i < 3; i++)
		if (named[i] > counts[i]) {
			*field = names[i];
			*key = "accident.err_named_more";
			return -1;
		}
	return 0;
}

double accident_ltifr(int64_t injuries, int64_t hours)
{
	if (hours <= 0)
		return -1;
	return (double)injuries * 1000000.0 / (double)hours;
}
