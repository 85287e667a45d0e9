/*
 * duty_demo.c — the demo's duty records, dated relative to clock_now(): a starter duty list
 * for each manager's position (车间主任, 车间安全员, 班组长, 安全工程师, 安全总监, 总经理),
 * three months of safety meetings with attendance (the committee monthly, the first team's
 * pre-shift meetings twice a week), courses the workshop director attended, declarations of
 * the duties without a measure (confirmed for the past months, awaiting confirmation for this
 * one), this year's letters signed down to the team with one person's still unsigned, and a
 * hazard worked by a group with one proposal agreed by silence and one still open. The
 * evaluations are computed from these and the other modules' three months of records.
 */
#include "duty/duty.h"
#include "base/clock.h"
#include "base/day.h"
#include "base/text.h"
#include "db/db.h"
#include "train/train.h"

#include <stdio.h>
#include <string.h>

struct demo_item {
	const char *position, *title, *measure, *frequency;
	double target;
};

static const struct demo_item items[] = {
	{"车间主任", "每周带班检查不少于1次", "checks", "week", 1},
	{"车间主任", "本车间隐患按期整改率≥95%", "hazards", "month", 95},
	{"车间主任", "每月参加安全会议不少于1次", "meetings", "month", 1},
	{"车间主任", "每月参加安全培训不少于1次", "training", "month", 1},
	{"车间主任", "每月主持车间安全例会并形成纪要", "none", "month", 1},
	{"车间安全员", "每周巡回检查不少于3次", "checks", "week", 3},
	{"车间安全员", "本车间隐患按期整改率≥95%", "hazards", "month", 95},
	{"车间安全员", "每月参加安全会议不少于2次", "meetings", "month", 2},
	{"车间安全员", "每月开展一次应急处置卡抽查", "none", "month", 1},
	{"班组长", "每周岗位检查不少于2次", "checks", "week", 2},
	{"班组长", "每周主持班前会不少于2次", "meetings", "week", 2},
	{"班组长", "本班组隐患按期整改率≥95%", "hazards", "month", 95},
	{"班组长", "每周开展一次班组安全活动", "none", "week", 1},
	{"安全工程师", "每周专项检查不少于2次", "checks", "week", 2},
	{"安全工程师", "全厂隐患按期整改率≥95%", "hazards", "month", 95},
	{"安全工程师", "每月参加安委会", "meetings", "month", 1},
	{"安全总监", "全厂隐患按期整改率≥95%", "hazards", "month", 95},
	{"安全总监", "每月参加安委会", "meetings", "month", 1},
	{"安全总监", "每月参加安全培训不少于1次", "training", "month", 1},
	{"安全总监", "每季度向主要负责人报告安全生产状况", "none", "month", 1},
	{"总经理", "每月主持安委会", "meetings", "month", 1},
	{"总经理", "全厂隐患按期整改率≥95%", "hazards", "month", 95},
	{"总经理", "每季度带队开展综合检查", "checks", "month", 1},
	{"总经理", "保证安全生产投入有效实施", "none", "month", 1},
	{NULL, NULL, NULL, NULL, 0},
};

static int64_t user(struct db *c, const char *username)
{
	int64_t id = 0;
	db_get_i64(c, &id, "SELECT id FROM users WHERE username = ?", "t", username);
	return id;
}

static int64_t meeting(struct db *c, int64_t unit, const char *kind, const char *title, int64_t at, const char *minutes)
{
	char tok[33];
	text_random_token(tok, 16);
	if (db_exec(c, "INSERT INTO duty_meetings (unit_id, kind, title, held_at, minutes, token, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
		    "IttIttI", unit, kind, title, at, minutes, tok, at) != DB_OK)
		return -1;
	return db_last_id(c);
}

static int attend(struct db *c, int64_t m, int64_t uid, int64_t at)
{
	return uid ? db_exec(c, "INSERT INTO duty_attendance (meeting_id, user_id, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", "III", m, uid, at) : 0;
}

static int letter(struct db *c, int year, const char *level, int64_t signer, int64_t issuer, const char *targets, int64_t signed_at)
{
	if (!signer)
		return 0;
	return db_exec(c, "INSERT INTO duty_letters (year, level, unit_id, signer_id, issuer_id, targets, signed_at, created_at)"
			  " SELECT ?, ?, unit_id, id, NULLIF(?, 0), ?, ?, ? FROM users WHERE id = ?", "itItIII", year, level, issuer, targets,
		       signed_at, signed_at ? signed_at - 86400 : clock_now(), signer);
}

int duty_demo_load(struct db *c)
{
	int64_t now = clock_now(), today = day_of(now);
	for (const struct demo_item *d = items; d->position; d++)
		if (db_exec(c, "INSERT INTO duty_items (position_id, title, measure, frequency, target, created_at)"
			       " SELECT id, ?, ?, ?, ?, ? FROM positions WHERE name = ?", "tttdIt", d->title, d->measure, d->frequency,
			    d->target, now, d->position) != DB_OK)
			return -1;
	int64_t zhuren = user(c, "zhuren"), zongjian = user(c, "zongjian"), anhuan = user(c, "anhuan"), dir = user(c, "ws1zhuren");
	int64_t ws1a = user(c, "ws1anquan"), bz = user(c, "banzhang"), yg = user(c, "yuangong"), shebei = user(c, "shebei");
	int64_t company = 0, t11 = 0;
	db_get_i64(c, &company, "SELECT id FROM units WHERE kind = 'company' ORDER BY id LIMIT 1", NULL);
	db_get_i64(c, &t11, "SELECT unit_id FROM users WHERE username = 'banzhang'", NULL);
	if (!company || !dir)
		return 0;	/* not the demo company */

	/* three months of meetings: the committee on the 5th of each month, pre-shift meetings on
	 * Mondays and Thursdays of the first team; only days before today */
	int y, m, d;
	day_to_ymd(today, &y, &m, &d);
	int64_t first = day_add_months(day_from_ymd(y, m, 1), -2);
	for (int k = 0; k < 3; k++) {
		int64_t d5 = day_add_months(first, k) + 4;
		if (d5 >= today)
			continue;
		int64_t at = day_start_utc(d5) + 9 * 3600;
		int64_t id = meeting(c, company, "committee", "安全生产委员会例会", at, "一、通报上月隐患整改情况；二、部署本月重点工作。");
		if (id < 0 || attend(c, id, zhuren, at) || attend(c, id, zongjian, at) || attend(c, id, anhuan, at) ||
		    (k != 1 && attend(c, id, dir, at)) || attend(c, id, ws1a, at))
			return -1;
		if (db_exec(c, "INSERT INTO duty_resolutions (meeting_id, title, owner_id, due_day, done_at, created_at) VALUES (?, ?, ?, ?, ?, ?)",
			    "ItIIII", id, "完成罐区可燃气体报警器校验", shebei ? shebei : zongjian, d5 + 20, k < 2 ? at + 10 * 86400 : 0, at) != DB_OK)
			return -1;
	}
	for (int64_t day = first; day < today; day++) {
		int wd = (int)((day + 3) % 7);	/* 1970-01-01 was a Thursday: 0 Monday */
		if (wd != 0 && wd != 3)
			continue;
		int64_t at = day_start_utc(day) + 7 * 3600 + 40 * 60;
		int64_t id = meeting(c, t11, "preshift", "合成一车间甲班班前会", at, "交接班情况、当班风险提示、劳保用品检查。");
		if (id < 0 || attend(c, id, bz, at) || attend(c, id, yg, at) || (day % 3 == 0 && attend(c, id, ws1a, at)))
			return -1;
	}
	/* courses the workshop director and the safety director attended, one a month but this one */
	int64_t course = 0;
	db_get_i64(c, &course, "SELECT id FROM train_courses WHERE active = 1 ORDER BY id LIMIT 1", NULL);
	for (int k = 0; course && k < 2; k++) {
		int64_t dd = day_add_months(first, k) + 11;
		int64_t p1 = train_person_of_user(c, dir, 1), p2 = train_person_of_user(c, zongjian, 1);
		if (p1 <= 0 || p2 <= 0 ||
		    db_exec(c, "INSERT INTO train_records (person_id, course_id, done_on, hours, source, created_at) VALUES (?, ?, ?, 4, 'class', ?),"
			       " (?, ?, ?, 4, 'class', ?)", "IIIIIIII", p1, course, dd, now, p2, course, dd + 1, now) != DB_OK)
			return -1;
	}
	/* the duties without a measure: declared each month, confirmed by the superior for the past ones */
	for (int k = 0; k < 3; k++) {
		int64_t d0 = day_add_months(first, k);
		int yy, mm, dd0;
		day_to_ymd(d0, &yy, &mm, &dd0);
		int month = yy * 100 + mm;
		int64_t at = day_start_utc(d0) + 20 * 86400;
		if (at > now)
			at = now;
		if (db_exec(c, "INSERT INTO duty_declarations (user_id, item_id, month, note, declared_at, confirmed_by, confirmed_at)"
			       " SELECT u.id, i.id, ?, '已按要求完成', ?, CASE WHEN ? < 2 THEN ? END, CASE WHEN ? < 2 THEN ? ELSE 0 END"
			       " FROM duty_items i JOIN users u ON u.position_id = i.position_id"
			       " WHERE i.measure = 'none' AND u.username IN ('ws1zhuren', 'zongjian', 'zhuren', 'ws1anquan')",
			    "iIiIiI", month, at, k, zongjian, k, at + 86400) != DB_OK)
			return -1;
	}
	/* this year's letters, signed level by level; the worker's is still unsigned */
	int64_t s = now - 20 * 86400;
	if (letter(c, y, "company", zhuren, 0, "全年不发生一般及以上生产安全事故；隐患按期整改率≥95%；安全投入足额到位。", s) ||
	    letter(c, y, "department", zongjian, zhuren, "安全管理体系有效运行；重大隐患动态清零。", s + 3600) ||
	    letter(c, y, "department", dir, zhuren, "车间全年零事故；隐患按期整改率≥95%；特殊作业票100%规范。", s + 7200) ||
	    letter(c, y, "department", shebei, zhuren, "特种设备定期检验率100%。", s + 7200) ||
	    letter(c, y, "team", bz, dir, "班组零违章；班前会每周不少于2次。", s + 86400) ||
	    letter(c, y, "person", ws1a, dir, "车间巡回检查每周不少于3次。", s + 2 * 86400) ||
	    letter(c, y, "person", yg, bz, "遵守岗位安全操作规程；正确佩戴劳动防护用品。", 0))
		return -1;

	/* a hazard worked by a group: the first open one of the first workshop */
	int64_t hz = 0;
	db_get_i64(c, &hz, "SELECT h.id FROM hazards h JOIN units u ON u.id = h.unit_id WHERE u.id = (SELECT unit_id FROM users WHERE id = ?)"
			   " AND h.status NOT IN ('closed', 'cancelled') ORDER BY h.id LIMIT 1", "I", dir);
	if (hz) {
		int64_t t0 = now - 3 * 86400;
		if (db_exec(c, "INSERT INTO duty_group_members (hazard_id, user_id, added_by, created_at) VALUES (?, ?, ?, ?), (?, ?, ?, ?), (?, ?, ?, ?)",
			    "IIIIIIIIIIII", hz, ws1a, dir, t0, hz, shebei ? shebei : anhuan, dir, t0, hz, dir, dir, t0) != DB_OK ||
		    db_exec(c, "INSERT INTO duty_posts (hazard_id, user_id, kind, body, deadline, outcome, decided_at, created_at) VALUES"
			       " (?, ?, 'proposal', '停车检修期间更换泄漏法兰垫片，由设备动力部提供备件。', ?, 'agreed', ?, ?),"
			       " (?, ?, 'comment', '备件已到库，可随时领用。', 0, '', 0, ?),"
			       " (?, ?, 'proposal', '检修期间由电气班先行断电挂牌，生产班组配合置换。', ?, 'open', 0, ?)",
			    "IIIIIIIIIIII", hz, dir, t0 + 86400, t0 + 86400, t0, hz, shebei ? shebei : anhuan, t0 + 7200, hz, ws1a,
			    now + 20 * 3600, now - 4 * 3600) != DB_OK)
			return -1;
	}
	return 0;
}
