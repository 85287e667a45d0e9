/*
 * permit_demo.c — demo permits in several states for `anquan demo`, so every page has
 * something to show: a hot-work permit in progress, a confined-space entry approved and
 * waiting for its gas test, others being approved, refused, closed or still drafts.
 * Runs inside demo_load()'s transaction, after the certificate demo. The records are
 * history: they are written as they would stand, not walked through the checks. The
 * workshop safety officer (ws1anquan), guardian of the demo permits, gets the guardian's
 * certificate here, so that the on-site start works in the demo.
 */
#include "permit/permit.h"
#include "base/clock.h"
#include "db/db.h"

#include <stdlib.h>
#include <string.h>

struct demo_permit {
	const char *type, *grade, *state, *area, *applicant, *guardian, *content, *hot_place;
	int start_h, hours, chain_step;
	const char *workers[3];
};

static const struct demo_permit demo[] = {
	{"hot_work", "1", "in_progress", "合成一车间 反应釜区", "banzhang", "ws1anquan",
	 "R-101 出料管线法兰焊接修复", "hazard_area", -1, 6, 2, {"yuangong", NULL, NULL}},
	{"confined_space", "", "approved", "合成一车间 反应釜区", "banzhang", "ws1anquan",
	 "R-102 反应釜内部检查清理", "", 1, 8, 1, {"u001", NULL, NULL}},
	{"height", "II", "submitted", "精馏车间 精馏塔区", "banzhang", "ws1anquan",
	 "C-301 精馏塔 12 m 平台保温拆除", "", 24, 8, 0, {"u002", NULL, NULL}},
	{"lifting", "3", "approving", "合成二车间 离心机房", "banzhang", "ws1anquan",
	 "离心机电机吊装更换 (8 t)", "", 26, 6, 1, {"u001", NULL, NULL}},
	{"temp_power", "", "closed", "公用工程 锅炉房", "banzhang", "ws1anquan",
	 "锅炉房检修临时照明", "", -72, 24, 1, {"u002", NULL, NULL}},
	{"excavation", "", "refused", "全厂 管廊", "banzhang", "ws1anquan",
	 "管廊 3 号支架基础开挖", "", 48, 8, 0, {"u001", NULL, NULL}},
	{"blind_plate", "", "draft", "罐区 甲类储罐区", "banzhang", "ws1anquan",
	 "T-401 进料线加盲板", "", 30, 4, 0, {"u002", NULL, NULL}},
	{"road_closure", "", "cancelled", "罐区 装卸站台", "banzhang", "ws1anquan",
	 "装卸站台道路断路施工", "", 50, 8, 0, {"u001", NULL, NULL}},
	{NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, {NULL, NULL, NULL}},
};

static int64_t user_id(struct db *c, const char *username)
{
	int64_t id = 0;
	db_get_i64(c, &id, "SELECT id FROM users WHERE username = ?", "t", username);
	return id;
}

/* The demo guardian's certificate (internal guardian training, valid 2 years). */
static int guardian_cert(struct db *c)
{
	int64_t uid = user_id(c, "ws1anquan"), today = cert_today(), now = clock_now();
	int64_t pid = uid ? cert_person_for_user(c, uid, 1) : 0;
	if (!pid)
		return -1;
	return db_exec(c, "INSERT INTO certs (person_id, category, item, number, authority, issued_on, expires_on,"
			  " created_at, updated_at) VALUES (?, 'int', 'int.guardian', 'JN-JH-0009', '江宁精细化工有限公司',"
			  " ?, ?, ?, ?)", "IIIII", pid, today - 100, today + 630, now, now) == DB_OK ? 0 : -1;
}

int permit_demo_load(struct db *c)
{
	int64_t now = clock_now() / 3600 * 3600;
	if (guardian_cert(c))
		return -1;
	for (const struct demo_permit *d = demo; d->type; d++) {
		int64_t area = 0, unit = 0;
		if (db_get_i64(c, &area, "SELECT id FROM areas WHERE name = ?", "t", d->area) != 1 ||
		    db_get_i64(c, &unit, "SELECT unit_id FROM areas WHERE id = ?", "I", area) != 1)
			return -1;
		char *num = permit_next_number(c, d->type, now);
		int64_t start = now + (int64_t)d->start_h * 3600, end = start + (int64_t)d->hours * 3600;
		int64_t applicant = user_id(c, d->applicant), guardian = user_id(c, d->guardian);
		int in_work = !strcmp(d->state, "in_progress") || !strcmp(d->state, "closed");
		int rc = num ? db_exec(c,
			"INSERT INTO permits (number, type, grade, state, area_id, unit_id, applicant_id, guardian_id,"
			" work_unit, content, hazards, planned_start, planned_end, hot_place, height_m, load_t, chain_step,"
			" round, started_at, closed_at, created_at, updated_at)"
			" VALUES (?, ?, ?, ?, ?, ?, ?, ?, '合成一车间维修班', ?, '易燃易爆介质、高温', ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)",
			"ttttIIIItIItddiIIII", num, d->type, d->grade, d->state, area, unit, applicant, guardian,
			d->content, start, end, d->hot_place, !strcmp(d->type, "height") ? 12.0 : 0.0,
			!strcmp(d->type, "lifting") ? 8.0 : 0.0, d->chain_step, in_work ? start : (int64_t)0,
			!strcmp(d->state, "closed") ? end : (int64_t)0, now - 86400, now) : DB_ERROR;
		free(num);
		if (rc != DB_OK)
			return -1;
		int64_t id = db_last_id(c);
		for (int i = 0; i < 3 && d->workers[i]; i++)
			if (db_exec(c, "INSERT INTO permit_workers (permit_id, user_id, role, position) VALUES (?, ?, ?, ?)",
				    "IIti", id, user_id(c, d->workers[i]), i ? "辅助" : "作业人", i) != DB_OK)
				return -1;
		if (db_exec(c, "INSERT INTO permit_measures (permit_id, measure_id, confirmed_by)"
			       " SELECT ?, id, NULLIF(?, 0) FROM permit_measure_std WHERE type = ?", "IIt", id,
			    strcmp(d->state, "draft") ? guardian : (int64_t)0, d->type) != DB_OK)
			return -1;
		/* the signatures the chain collected so far: the workshop, then the safety department */
		static const char *const signers[] = {"ws1zhuren", "anhuan", "zongjian"};
		static const char *const levels[] = {"unit", "dept", "leader"};
		for (int s = 0; s < d->chain_step && s < 3; s++)
			if (db_exec(c, "INSERT INTO permit_approvals (permit_id, round, step, level, user_id, decision, at)"
				       " VALUES (?, 1, ?, ?, ?, 'approve', ?)", "IitII", id, s + 1, levels[s],
				    user_id(c, signers[s]), now - 3600 + s * 600) != DB_OK)
				return -1;
		if (db_exec(c, "INSERT INTO permit_events (permit_id, at, user_id, action, from_state, to_state, note)"
			       " VALUES (?, ?, ?, 'demo', '', ?, '')", "IIIt", id, now, applicant, d->state) != DB_OK)
			return -1;
		if (in_work && !strcmp(d->type, "hot_work") &&
		    db_exec(c, "INSERT INTO permit_gas_tests (permit_id, taken_at, analyst_id, point, o2, combustible, passed,"
			       " reason, recorded_by, created_at) VALUES (?, ?, ?, '动火点 5 m 内', 20.9, 0.1, 1, '', ?, ?)",
			    "IIIII", id, start - 900, guardian, guardian, start - 900) != DB_OK)
			return -1;
	}
	return 0;
}
