/*
 * emerg_team_demo.c — demo records of emergency teams and outside contacts (the plant's and
 * the first synthesis workshop's), and the emergency mode of the demo's accident in the tank area (罐区)
 * (opened five minutes after it happened, closed an hour later, with its check-ins and steps),
 * so that the incident's page shows the record the investigation starts from. Called from
 * emerg_demo_load(), after the accident module's demo (modules load in table order).
 */
#include "emerg/emerg.h"
#include "emerg/emerg_web.h"
#include "base/clock.h"
#include "base/day.h"
#include "db/db.h"

static int64_t id_of(struct db *c, const char *sql, const char *name)
{
	int64_t id = 0;
	db_get_i64(c, &id, sql, "t", name);
	return id;
}
#define USER(c, n) id_of(c, "SELECT id FROM users WHERE username = ?", n)
#define UNIT(c, n) id_of(c, "SELECT id FROM units WHERE name = ?", n)

static const struct {
	const char *unit, *name, *duty, *leader, *deputy;
	const char *members[3][3];	/* username, role, phone */
} teams[] = {
	{"江宁精细化工有限公司", "公司专职应急救援队", "火灾扑救、泄漏处置、人员搜救", "zongjian", "anhuan",
	 {{"anhuan", "技术指导", "13800000011"}, {"shebei", "设备抢修", "13800000012"}, {NULL, NULL, NULL}}},
	{"合成一车间", "合成一车间兼职抢险队", "初期泄漏围堵、紧急停车、疏散引导", "ws1zhuren", "ws1anquan",
	 {{"banzhang", "抢险组长", "13800000013"}, {"yuangong", "警戒疏散", "13800000014"}, {NULL, NULL, NULL}}},
	{NULL},
};

static const struct {
	const char *unit, *kind, *name, *phone, *note;
} contacts[] = {
	{"江宁精细化工有限公司", "fire", "化工园区消防救援站", "119", "距厂区约3公里，5分钟到达"},
	{"江宁精细化工有限公司", "hospital", "区人民医院急诊科", "120", "化学灼伤、中毒救治"},
	{"江宁精细化工有限公司", "authority", "区应急管理局值班室", "025-12345678", "事故1小时内报告"},
	{"合成一车间", "other", "园区危化品应急物资库", "025-87654321", "吸附棉、堵漏工具调拨"},
	{NULL},
};

static const char *const mode_steps[] = {"报警并通知现场总指挥", "切断危险源、组织抢险", "疏散人员到集合点并清点",
					 "救治伤员并按规定上报", NULL};

/* The tank area's accident in emergency mode: the record its investigation reads. */
static int demo_mode(struct db *c, int64_t now)
{
	int64_t inc = 0, unit = 0, at = 0;
	struct db_stmt *st = db_query(c, "SELECT id, unit_id, occurred_at FROM incidents WHERE what LIKE '装卸蒸汽软管脱落%' LIMIT 1", NULL);
	if (st && db_step(st) == 1) {
		inc = db_col_i64(st, 0);
		unit = db_col_i64(st, 1);
		at = db_col_i64(st, 2);
	}
	db_done(c, st);
	if (!inc)
		return 0;
	int64_t start = at + 300, by = USER(c, "zongjian");
	int64_t id = emerg_drill_insert(c, unit, "incident", "装卸蒸汽软管脱落，一名装卸工小腿烫伤", "", 1, day_of(start),
					"装卸站台东侧集合点", by, by, start);
	if (id < 0 || db_exec(c, "UPDATE emerg_drills SET status = 'ended', started_at = ?, ended_at = ?, incident_id = ? WHERE id = ?",
			      "IIII", start, start + 3600, inc, id) != DB_OK)
		return -1;
	for (int i = 0; mode_steps[i]; i++)
		if (db_exec(c, "INSERT INTO emerg_steps (drill_id, seq, text, done_at, done_by) VALUES (?, ?, ?, ?, ?)", "IitII", id,
			    i + 1, mode_steps[i], start + 120 + 300 * i, by) != DB_OK)
			return -1;
	static const int marks[4] = {60, 180, 720, 900};
	for (int i = 0; emerg_mark_actions[i]; i++)
		if (db_exec(c, "INSERT INTO emerg_marks (drill_id, action, at, user_id) VALUES (?, ?, ?, ?)", "ItII", id,
			    emerg_mark_actions[i], start + marks[i], by) != DB_OK)
			return -1;
	(void)now;
	return db_exec(c, "INSERT INTO emerg_checkins (drill_id, user_id, at) SELECT ?, us.id, ? + 20 * us.id FROM users us"
			  " JOIN units u ON u.id = us.unit_id WHERE us.active = 1 AND u.path LIKE (SELECT path FROM units WHERE id = ?) || '%'"
			  " ORDER BY us.id LIMIT 3", "III", id, start + 600, unit) == DB_OK ? 0 : -1;
}

int emerg_team_demo_load(struct db *c)
{
	int64_t now = clock_now();
	for (int i = 0; teams[i].unit; i++) {
		if (db_exec(c, "INSERT INTO emerg_teams (unit_id, name, duty, leader_id, deputy_id, created_at) VALUES (?, ?, ?, ?, ?, ?)",
			    "IttIII", UNIT(c, teams[i].unit), teams[i].name, teams[i].duty, USER(c, teams[i].leader),
			    USER(c, teams[i].deputy), now) != DB_OK)
			return -1;
		int64_t team = db_last_id(c);
		for (int k = 0; k < 3 && teams[i].members[k][0]; k++)
			if (db_exec(c, "INSERT INTO emerg_team_members (team_id, user_id, role, phone) VALUES (?, ?, ?, ?)", "IItt", team,
				    USER(c, teams[i].members[k][0]), teams[i].members[k][1], teams[i].members[k][2]) != DB_OK)
				return -1;
	}
	for (int i = 0; contacts[i].unit; i++)
		if (db_exec(c, "INSERT INTO emerg_contacts (unit_id, kind, name, phone, note, created_at) VALUES (?, ?, ?, ?, ?, ?)",
			    "IttttI", UNIT(c, contacts[i].unit), contacts[i].kind, contacts[i].name, contacts[i].phone,
			    contacts[i].note, now) != DB_OK)
			return -1;
	return demo_mode(c, now);
}
