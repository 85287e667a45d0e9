/*
 * test_contractor.c — contractors: the yearly score and next year's eligibility against a
 * hand-computed data set (mean job score × 20, less 2 per general and 10 per major hazard,
 * within 0–100; no job, no rating), the year-end job that rates a year once and suspends
 * below the threshold from 1 January (audited), and the answer cert_may_operate() folds in:
 * a suspension from its day, a lapsed qualification unless renewed, an entry permission
 * usable on its last day and lapsed the day after.
 */
#include "unit.h"
#include "base/day.h"
#include "cert/cert.h"
#include "contractor/contractor.h"
#include "db/db.h"

#include <stdlib.h>
#include <string.h>

/* a statement that must succeed, and a single value that must be found (the macros keep the
 * long SQL out of CHECK's message) */
#define EXEC(...) do { int rc_ = db_exec(__VA_ARGS__); CHECK_INT(rc_, DB_OK); } while (0)
#define GET(...) do { int rc_ = db_get_i64(__VA_ARGS__); CHECK_INT(rc_, 1); } while (0)

static int64_t D(int y, int m, int d)
{
	return day_from_ymd(y, m, d);
}

/* noon, local, of a day */
static int64_t noon(int y, int m, int d)
{
	return day_start_utc(D(y, m, d)) + 12 * 3600;
}

TEST(contractor_year_score_by_hand)
{
	CHECK_INT(contractor_year_score(0, 0, 3, 1), -1);	/* no rated job: no rating */
	CHECK_INT(contractor_year_score(1, 5, 0, 0), 100);
	CHECK_INT(contractor_year_score(1, 1, 0, 0), 20);
	CHECK_INT(contractor_year_score(3, 13, 0, 0), 87);	/* 4.33 × 20 = 86.7 → 87 */
	CHECK_INT(contractor_year_score(3, 10, 0, 0), 67);	/* 66.7 → 67 */
	CHECK_INT(contractor_year_score(2, 5, 0, 0), 50);
	CHECK_INT(contractor_year_score(3, 13, 1, 1), 75);	/* 87 − 2 − 10 */
	CHECK_INT(contractor_year_score(1, 1, 5, 1), 0);	/* 20 − 10 − 10: never below 0 */
	CHECK_INT(contractor_year_eligible(60, 60), 1);
	CHECK_INT(contractor_year_eligible(59, 60), 0);
	CHECK_INT(contractor_year_eligible(-1, 60), 1);	/* not rated: eligibility unchanged */
	CHECK_INT(contractor_year_eligible(0, 0), 1);
}

static void setup(struct db *c)
{
	static const char *const rows[] = {
		"INSERT INTO units (id, name, kind, path, created_at) VALUES (1, 'U', 'company', '/1/', 0)",
		"INSERT INTO users (id, username, name, unit_id, password_hash, created_at, updated_at)"
		" VALUES (1, 'g', '监护人', 1, 'x', 0, 0), (2, 'w', '焊工', 1, 'x', 0, 0)",
		"INSERT INTO areas (id, name, unit_id, qr_token, created_at) VALUES (1, 'A', 1, 't1', 0)",
		"INSERT INTO persons (id, user_id, name, contractor, unit_id, created_at) VALUES (1, 2, '焊工', 1, 1, 0),"
		" (2, NULL, '力工', 1, 1, 0), (3, NULL, '员工', 0, 1, 0)",
	};
	int rc = DB_OK;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]) && rc == DB_OK; i++)
		if ((rc = db_exec(c, rows[i], NULL)) != DB_OK)
			fprintf(stderr, "setup %zu failed\n", i);
	CHECK_INT(rc, DB_OK);
	/* three contractors of 2025 and 2026 (创建 before the year's end) */
	EXEC(c, "INSERT INTO contractors (id, name, unit_id, created_at) VALUES (1, '甲', 1, ?), (2, '乙', 1, ?),"
			     " (3, '丙', 1, ?)", "III", noon(2025, 3, 1), noon(2025, 3, 1), noon(2026, 6, 1));
	/* a permit per job; the scores of 2026: 甲 5, 4, 4 (and a 1 of 2025 that does not
	 * count), 乙 2, 3 */
	static const int who[] = {1, 1, 1, 1, 2, 2};
	static const int score[] = {5, 4, 4, 1, 2, 3};
	for (int i = 0; i < 6; i++) {
		int64_t at = i == 3 ? noon(2025, 12, 31) : noon(2026, 1 + i, 10);
		EXEC(c, "INSERT INTO permits (id, number, type, state, area_id, unit_id, applicant_id, guardian_id,"
				     " content, planned_start, planned_end, closed_at, created_at, updated_at)"
				     " VALUES (?, ?, 'temp_power', 'closed', 1, 1, 1, 1, 'x', ?, ?, ?, ?, ?)", "ItIIIII",
				  (int64_t)(i + 1), i == 0 ? "P1" : i == 1 ? "P2" : i == 2 ? "P3" : i == 3 ? "P4" : i == 4 ? "P5" : "P6",
				  at - 7200, at - 3600, at - 3600, at - 86400, at);
		EXEC(c, "INSERT INTO contractor_ratings (contractor_id, permit_id, score, rated_by, rated_at)"
				     " VALUES (?, ?, ?, 1, ?)", "IIiI", (int64_t)who[i], (int64_t)(i + 1), score[i], at);
	}
	/* hazards found in their work: 甲 one general and one major in 2026 (and one in 2027,
	 * not counted), 乙 one general */
	EXEC(c, "INSERT INTO hazards (id, number, status, area_id, unit_id, category_id, level, reported_at,"
			     " updated_at) VALUES (1, 'H1', 'closed', 1, 1, (SELECT min(id) FROM hazard_categories), 'general', ?, 0),"
			     " (2, 'H2', 'closed', 1, 1, (SELECT min(id) FROM hazard_categories), 'major', ?, 0),"
			     " (3, 'H3', 'reported', 1, 1, (SELECT min(id) FROM hazard_categories), 'general', ?, 0),"
			     " (4, 'H4', 'closed', 1, 1, (SELECT min(id) FROM hazard_categories), 'general', ?, 0)",
			  "IIII", noon(2026, 4, 1), noon(2026, 8, 1), noon(2027, 1, 2), noon(2026, 9, 1));
	EXEC(c, "INSERT INTO contractor_hazards (contractor_id, hazard_id, linked_at) VALUES"
			     " (1, 1, 0), (1, 2, 0), (1, 3, 0), (2, 4, 0)", NULL);
}

TEST(contractor_year_end_rating_suspends_below_threshold)
{
	struct db *c = unit_db();
	setup(c);
	int64_t jan1 = day_start_utc(D(2027, 1, 1)) + 300;	/* 00:05 local on 1 January */
	CHECK_INT(contractor_threshold(c), 60);
	CHECK_INT(contractor_rate_year(c, 2026, jan1), 3);
	CHECK_INT(contractor_rate_year(c, 2026, jan1 + 60), 0);	/* once: the next run does nothing */
	int64_t score = 0, eligible = 0, n = 0;
	GET(c, &score, "SELECT score FROM contractor_years WHERE contractor_id = 1 AND year = 2026", NULL);
	CHECK_INT(score, 75);	/* (5 + 4 + 4) / 3 × 20 = 87, − 2 − 10 */
	GET(c, &score, "SELECT score FROM contractor_years WHERE contractor_id = 2 AND year = 2026", NULL);
	CHECK_INT(score, 48);	/* 2.5 × 20 = 50, − 2 */
	GET(c, &eligible, "SELECT eligible FROM contractor_years WHERE contractor_id = 2", NULL);
	CHECK_INT(eligible, 0);
	GET(c, &n, "SELECT count(*) FROM contractor_years WHERE contractor_id = 3 AND score IS NULL"
				    " AND eligible = 1", NULL);
	CHECK_INT(n, 1);
	/* 乙 suspended from 1 January 2027, 甲 and 丙 not; the audit log says so */
	GET(c, &n, "SELECT count(*) FROM contractors WHERE status = 'suspended'", NULL);
	CHECK_INT(n, 1);
	GET(c, &n, "SELECT suspended_on FROM contractors WHERE id = 2 AND status = 'suspended'", NULL);
	CHECK_INT(n, D(2027, 1, 1));
	GET(c, &n, "SELECT count(*) FROM audit_log WHERE entity = 'contractor' AND entity_id = 2"
				    " AND action = 'suspend'", NULL);
	CHECK_INT(n, 1);
	GET(c, &n, "SELECT count(*) FROM audit_log WHERE entity = 'contractor' AND action = 'rate_year'", NULL);
	CHECK_INT(n, 3);
	/* a higher threshold from the setting: 甲's 75 would now fail (checked on a new year) */
	EXEC(c, "UPDATE settings SET value = '80' WHERE key = 'contractor.threshold'", NULL);
	CHECK_INT(contractor_threshold(c), 80);
	CHECK_INT(contractor_year_eligible(75, contractor_threshold(c)), 0);
	db_close(c);
}

TEST(contractor_blocks_people_on_permits)
{
	struct db *c = unit_db();
	setup(c);
	const char *why;
	char *detail;
	/* 焊工 (a login, user 2) works for 甲: licence to 5 Jan 2027 renewed to 2028, a second
	 * kind to 3 Jan 2027 not renewed; entry permitted to 10 Jan 2027 */
	EXEC(c, "INSERT INTO contractor_people (contractor_id, person_id, entry_until, created_at)"
			     " VALUES (1, 1, ?, 0), (2, 2, ?, 0)", "II", D(2027, 1, 10), D(2027, 6, 30));
	EXEC(c, "INSERT INTO contractor_quals (contractor_id, kind, number, valid_from, valid_to, created_at)"
			     " VALUES (1, '安全生产许可证', 'A1', ?, ?, 0), (1, '安全生产许可证', 'A2', ?, ?, 0)",
			  "IIII", D(2024, 1, 1), D(2027, 1, 5), D(2027, 1, 5), D(2028, 1, 5));
	CHECK_INT(contractor_may_operate(c, -2, D(2027, 1, 10), &why, &detail), 1);	/* last day: allowed */
	CHECK(why == NULL);
	free(detail);
	CHECK_INT(contractor_may_operate(c, 1, D(2027, 1, 11), &why, &detail), 0);	/* the day after */
	CHECK_STR(why, "contractor.reason.entry_expired");
	CHECK_STR(detail, "甲 · 2027-01-10");
	free(detail);
	/* the certificate module's answer is the same, for a user as for the person */
	CHECK_INT(cert_may_operate(c, -2, "hot_work", D(2027, 1, 11), &why, &detail), 0);
	CHECK_STR(why, "contractor.reason.entry_expired");
	free(detail);
	/* a second kind lapsing on 3 Jan blocks from the 4th, naming it */
	EXEC(c, "INSERT INTO contractor_quals (contractor_id, kind, number, valid_from, valid_to, created_at)"
			     " VALUES (1, '建筑业企业资质', 'B1', ?, ?, 0)", "II", D(2024, 1, 1), D(2027, 1, 3));
	CHECK_INT(contractor_may_operate(c, 1, D(2027, 1, 3), &why, &detail), 1);
	free(detail);
	CHECK_INT(contractor_may_operate(c, 1, D(2027, 1, 4), &why, &detail), 0);
	CHECK_STR(why, "contractor.reason.qual_expired");
	CHECK_STR(detail, "甲 · 建筑业企业资质 B1 · 2027-01-03");
	free(detail);
	/* 乙 suspended by the year-end job from 1 January: 力工 works on 31 December, not after */
	CHECK_INT(contractor_rate_year(c, 2026, day_start_utc(D(2027, 1, 1)) + 300), 3);
	CHECK_INT(contractor_may_operate(c, 2, D(2026, 12, 31), &why, &detail), 1);
	free(detail);
	CHECK_INT(contractor_may_operate(c, 2, D(2027, 1, 1), &why, &detail), 0);
	CHECK_STR(why, "contractor.reason.suspended");
	CHECK_STR(detail, "乙 · 2027-01-01");
	free(detail);
	/* reinstated: allowed again; an employee is nobody's contractor worker */
	EXEC(c, "UPDATE contractors SET status = 'active', suspended_on = NULL WHERE id = 2", NULL);
	CHECK_INT(contractor_may_operate(c, 2, D(2027, 1, 1), &why, &detail), 1);
	free(detail);
	CHECK_INT(contractor_may_operate(c, 3, D(2027, 1, 1), &why, &detail), 1);
	free(detail);
	db_close(c);
}
