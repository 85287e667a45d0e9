/*
 * contractor_demo.c — the demo's contractors: 南京华建安装工程有限公司, active, whose
 * workers the certificate demo already holds (one with an entry permission ending within
 * the month, a licence expiring too, so the reminders and the home line show), with last
 * year's rating and the closed permit its work was (waiting for the guardian's score); and
 * 江苏恒安防腐保温有限公司, suspended from 1 January after a rating below the threshold,
 * with a lapsed licence and two workers. Dated from clock_now(), so every state shows
 * whenever the demo is loaded.
 */
#include "contractor/contractor.h"
#include "base/clock.h"
#include "base/day.h"
#include "db/db.h"

static int64_t add(struct db *c, const char *name, const char *code, int64_t unit, int64_t manager,
		   const char *contact, const char *phone, int suspended, int64_t since, const char *reason)
{
	if (db_exec(c, "INSERT INTO contractors (name, credit_code, unit_id, manager_id, contact_name, contact_phone, status,"
		       " suspended_on, suspend_reason, created_at) VALUES (?, ?, ?, NULLIF(?, 0), ?, ?, ?, NULLIF(?, -1000000), ?, ?)",
		    "ttIItttItI", name, code, unit, manager, contact, phone, suspended ? "suspended" : "active",
		    suspended ? since : (int64_t)-1000000, reason, clock_now()) != DB_OK)
		return 0;
	return db_last_id(c);
}

static int qual(struct db *c, int64_t k, const char *kind, const char *number, int64_t from, int64_t to)
{
	return db_exec(c, "INSERT INTO contractor_quals (contractor_id, kind, number, valid_from, valid_to, created_at)"
			  " VALUES (?, ?, ?, ?, ?, ?)", "IttIII", k, kind, number, from, to, clock_now()) != DB_OK;
}

static int person(struct db *c, int64_t k, int64_t pid, const char *job, int64_t until)
{
	return db_exec(c, "INSERT INTO contractor_people (contractor_id, person_id, job, entry_until, created_at)"
			  " VALUES (?, ?, ?, ?, ?)", "IItII", k, pid, job, until, clock_now()) != DB_OK;
}

static int year(struct db *c, int64_t k, int y, int jobs, double avg, int hz, int major, int score, int eligible)
{
	return db_exec(c, "INSERT INTO contractor_years (contractor_id, year, jobs, avg_score, hazards, major_hazards, score,"
			  " eligible, rated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", "IiidiiiiI", k, y, jobs, avg, hz, major,
		       score, eligible, day_start_utc(day_from_ymd(y + 1, 1, 1)) + 600) != DB_OK;
}

int contractor_demo_load(struct db *c)
{
	int64_t today = day_today(), unit = 0, manager = 0, hse = 0;
	int y, m, d;
	day_to_ymd(today, &y, &m, &d);
	db_get_i64(c, &unit, "SELECT id FROM units WHERE name = '合成一车间维修班'", NULL);
	db_get_i64(c, &hse, "SELECT unit_id FROM users WHERE username = 'anhuan'", NULL);
	db_get_i64(c, &manager, "SELECT id FROM users WHERE username = 'anhuan'", NULL);
	if (!unit && db_get_i64(c, &unit, "SELECT id FROM units ORDER BY id LIMIT 1", NULL) != 1)
		return -1;
	const char *huajian = "南京华建安装工程有限公司", *hengan = "江苏恒安防腐保温有限公司";
	int64_t k1 = add(c, huajian, "91320100MA1XHJ0001", unit, manager, "王建华", "13905170001", 0, 0, "");
	int64_t k2 = add(c, hengan, "91320500MA2HAF0002", hse ? hse : unit, manager, "刘明", "13805120002", 1,
			 day_from_ymd(y, 1, 1), "上年度综合评价 52 分，低于 60 分");
	if (!k1 || !k2)
		return -1;
	/* 华建: the safety licence expires within the month (reminder, home line), its
	 * construction qualification runs for years */
	if (qual(c, k1, "安全生产许可证", "(苏)JZ安许证字[2024]010001", today - 700, today + 20) ||
	    qual(c, k1, "建筑业企业资质", "D232000001", today - 900, today + 900) ||
	    qual(c, k2, "安全生产许可证", "(苏)JZ安许证字[2023]050002", today - 1100, today - 10))
		return -1;
	/* 华建's workers: the certificate demo's contractor persons; one entry permission ends soon */
	struct db_stmt *st = db_query(c, "SELECT id FROM persons WHERE contractor = 1 AND employer = ? ORDER BY id LIMIT 50",
				      "t", huajian);
	int64_t ids[50];
	int n = 0;
	while (st && db_step(st) == 1 && n < 50)
		ids[n++] = db_col_i64(st, 0);
	db_done(c, st);
	for (int i = 0; i < n; i++)
		if (person(c, k1, ids[i], i == 0 ? "焊工" : i == 1 ? "电工" : "安装工", i == 0 ? today + 12 : today + 120))
			return -1;
	/* 恒安's two workers, without logins: accounts that cannot sign in name them on permits,
	 * where the suspension refuses them */
	static const char *const hengan_people[] = {"钱永福", "孔令军"};
	for (int i = 0; i < 2; i++) {
		int64_t pid;
		if (db_exec(c, "INSERT INTO persons (name, employer, contractor, unit_id, created_at) VALUES (?, ?, 1, ?, ?)",
			    "ttII", hengan_people[i], hengan, hse ? hse : unit, clock_now()) != DB_OK ||
		    (pid = db_last_id(c), contractor_sign_less_account(c, pid, hengan_people[i], hse ? hse : unit, clock_now())) ||
		    person(c, k2, pid, i ? "保温工" : "防腐工", today + 60))
			return -1;
	}
	/* last year's ratings: 华建 good, 恒安 below the threshold (hence its suspension) */
	if (year(c, k1, y - 1, 6, 4.5, 1, 0, 88, 1) || year(c, k2, y - 1, 4, 3.0, 3, 1, 44, 0))
		return -1;
	/* the closed permit of the demo was 华建's work: its guardian still has to score it */
	if (db_exec(c, "UPDATE permits SET contractor = 1, work_unit = ? WHERE id = (SELECT min(id) FROM permits"
		       " WHERE state = 'closed')", "t", huajian) != DB_OK)
		return -1;
	/* a hazard found in 华建's work */
	if (db_exec(c, "INSERT INTO contractor_hazards (contractor_id, hazard_id, linked_at)"
		       " SELECT ?, id, ? FROM hazards WHERE level = 'general' ORDER BY id LIMIT 1", "II", k1, clock_now()) != DB_OK)
		return -1;
	return 0;
}
