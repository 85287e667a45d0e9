/*
 * test_accident.c — the accident rules: the level of 国务院令第493号 Art. 3 on each side of
 * every threshold (deaths 2|3, 9|10, 29|30; serious injuries 9|10, 49|50, 99|100; direct loss
 * 999万|1000万, 4999万|5000万, 9999万|1亿, to the yuan), the highest of the three winning,
 * which accidents start the one-hour clock, casualty numbers that do not add up (each refusal
 * names its field), and the lost-time injury frequency rate.
 */
#include "unit.h"
#include "accident/accident.h"

#include <math.h>
#include <string.h>

#define WAN 10000LL	/* 万元 in yuan */

TEST(accident_level_deaths)
{
	CHECK_INT(accident_level_of(0, 0, 0), ACCIDENT_GENERAL);
	CHECK_INT(accident_level_of(1, 0, 0), ACCIDENT_GENERAL);
	CHECK_INT(accident_level_of(2, 0, 0), ACCIDENT_GENERAL);
	CHECK_INT(accident_level_of(3, 0, 0), ACCIDENT_LARGER);
	CHECK_INT(accident_level_of(9, 0, 0), ACCIDENT_LARGER);
	CHECK_INT(accident_level_of(10, 0, 0), ACCIDENT_MAJOR);
	CHECK_INT(accident_level_of(29, 0, 0), ACCIDENT_MAJOR);
	CHECK_INT(accident_level_of(30, 0, 0), ACCIDENT_ESPECIALLY_MAJOR);
}

TEST(accident_level_serious_injuries)
{
	CHECK_INT(accident_level_of(0, 9, 0), ACCIDENT_GENERAL);
	CHECK_INT(accident_level_of(0, 10, 0), ACCIDENT_LARGER);
	CHECK_INT(accident_level_of(0, 49, 0), ACCIDENT_LARGER);
	CHECK_INT(accident_level_of(0, 50, 0), ACCIDENT_MAJOR);
	CHECK_INT(accident_level_of(0, 99, 0), ACCIDENT_MAJOR);
	CHECK_INT(accident_level_of(0, 100, 0), ACCIDENT_ESPECIALLY_MAJOR);
}

TEST(accident_level_direct_loss)
{
	CHECK_INT(accident_level_of(0, 0, 999 * WAN), ACCIDENT_GENERAL);
	CHECK_INT(accident_level_of(0, 0, 1000 * WAN - 1), ACCIDENT_GENERAL);
	CHECK_INT(accident_level_of(0, 0, 1000 * WAN), ACCIDENT_LARGER);
	CHECK_INT(accident_level_of(0, 0, 4999 * WAN), ACCIDENT_LARGER);
	CHECK_INT(accident_level_of(0, 0, 5000 * WAN - 1), ACCIDENT_LARGER);
	CHECK_INT(accident_level_of(0, 0, 5000 * WAN), ACCIDENT_MAJOR);
	CHECK_INT(accident_level_of(0, 0, 9999 * WAN), ACCIDENT_MAJOR);
	CHECK_INT(accident_level_of(0, 0, 10000 * WAN - 1), ACCIDENT_MAJOR);
	CHECK_INT(accident_level_of(0, 0, 10000 * WAN), ACCIDENT_ESPECIALLY_MAJOR);
}

TEST(accident_level_highest_wins)
{
	/* two deaths (一般) with 10 serious injuries (较大): 较大 */
	CHECK_INT(accident_level_of(2, 10, 0), ACCIDENT_LARGER);
	/* one death, 5 serious, but 5000万 lost: 重大 */
	CHECK_INT(accident_level_of(1, 5, 5000 * WAN), ACCIDENT_MAJOR);
	CHECK_INT(accident_level_of(3, 100, 0), ACCIDENT_ESPECIALLY_MAJOR);
	CHECK_STR(accident_level_code(ACCIDENT_LARGER), "larger");
	CHECK_STR(accident_level_code(ACCIDENT_ESPECIALLY_MAJOR), "especially_major");
	CHECK_STR(accident_level_code(ACCIDENT_NONE), "none");
}

TEST(accident_reportable_clock)
{
	CHECK_INT(accident_reportable(1, 0, 0), 1);
	CHECK_INT(accident_reportable(0, 1, 0), 1);
	CHECK_INT(accident_reportable(0, 0, 0), 0);	/* minor injuries only: the company's record */
	CHECK_INT(accident_reportable(0, 0, 1), 1);	/* unless the reporter marks it */
}

TEST(accident_casualties_refused)
{
	const char *field = NULL, *key = NULL;
	int64_t c[3] = {0, 1, 2};
	int named[3] = {0, 1, 2};
	CHECK_INT(accident_casualties_check(0, c, named, 0, &field, &key), 0);
	/* three named with minor injuries, two counted */
	named[2] = 3;
	CHECK_INT(accident_casualties_check(0, c, named, 0, &field, &key), -1);
	CHECK_STR(field, "minor");
	CHECK_STR(key, "accident.err_named_more");
	named[2] = 0;
	c[0] = -1;
	CHECK_INT(accident_casualties_check(0, c, named, 0, &field, &key), -1);
	CHECK_STR(field, "deaths");
	c[0] = 0;
	CHECK_INT(accident_casualties_check(0, c, named, -1, &field, &key), -1);
	CHECK_STR(field, "loss_wan");
	/* a near miss hurts nobody and loses nothing */
	int64_t none[3] = {0, 0, 0};
	int nonamed[3] = {0, 0, 0};
	CHECK_INT(accident_casualties_check(1, none, nonamed, 0, &field, &key), 0);
	CHECK_INT(accident_casualties_check(1, c, nonamed, 0, &field, &key), -1);
	CHECK_STR(field, "serious");
	CHECK_STR(key, "accident.err_near_miss_hurt");
	CHECK_INT(accident_casualties_check(1, none, nonamed, 100, &field, &key), -1);
	CHECK_STR(field, "loss_wan");
}

TEST(accident_ltifr_rate)
{
	CHECK(fabs(accident_ltifr(2, 400000) - 5.0) < 1e-9);
	CHECK(fabs(accident_ltifr(0, 400000)) < 1e-9);
	CHECK(accident_ltifr(3, 0) < 0);	/* no hours: no rate, not infinity */
}

TEST(accident_chain_steps)
{
	struct accident_chain_step v[ACCIDENT_CHAIN_MAX];
	char buf[200];
	CHECK_INT(accident_chain_parse(ACCIDENT_CHAIN_DEFAULT, v, ACCIDENT_CHAIN_MAX), 2);
	CHECK_INT(v[0].minutes, 60);
	CHECK_STR(v[0].target, "superior");
	CHECK_INT(v[1].minutes, 90);
	CHECK_STR(v[1].target, "safety_director");
	/* spaces are forgiven; the text comes back in one spelling */
	CHECK_INT(accident_chain_parse(" 60:safety_dept , 120:superior", v, ACCIDENT_CHAIN_MAX), 2);
	CHECK_STR(accident_chain_format(v, 2, buf, sizeof buf), "60:safety_dept,120:superior");
	/* the boundaries: the hour the report is due, and a day */
	CHECK_INT(accident_chain_parse("59:superior", v, ACCIDENT_CHAIN_MAX), -1);
	CHECK_INT(accident_chain_parse("1440:superior", v, ACCIDENT_CHAIN_MAX), 1);
	CHECK_INT(accident_chain_parse("1441:superior", v, ACCIDENT_CHAIN_MAX), -1);
	/* each later than the one before; known targets only; no empty step; at most max */
	CHECK_INT(accident_chain_parse("90:superior,90:safety_director", v, ACCIDENT_CHAIN_MAX), -1);
	CHECK_INT(accident_chain_parse("90:superior,60:safety_director", v, ACCIDENT_CHAIN_MAX), -1);
	CHECK_INT(accident_chain_parse("60:boss", v, ACCIDENT_CHAIN_MAX), -1);
	CHECK_INT(accident_chain_parse("60:superiority", v, ACCIDENT_CHAIN_MAX), -1);
	CHECK_INT(accident_chain_parse("60:superior,", v, ACCIDENT_CHAIN_MAX), 1);
	CHECK_INT(accident_chain_parse("60:superior,,90:safety_dept", v, ACCIDENT_CHAIN_MAX), -1);
	CHECK_INT(accident_chain_parse("", v, ACCIDENT_CHAIN_MAX), -1);
	CHECK_INT(accident_chain_parse(":superior", v, ACCIDENT_CHAIN_MAX), -1);
	CHECK_INT(accident_chain_parse("60:superior,70:safety_dept,80:safety_director", v, 2), -1);
}
