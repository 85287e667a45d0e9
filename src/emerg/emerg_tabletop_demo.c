/*
 * emerg_tabletop_demo.c — the demo's tabletop exercises, dated from clock_now(): a special
 * plan for an earthquake and what follows it (a gas leak, people trapped in a lift) with its
 * roles, steps with target times and prepared injects — the multi-hazard scenario of the case
 * studies as one exercise — run 40 days ago with its decisions and the three gaps it left as
 * actions (one closed, two overdue), and the next one planned three weeks ahead.
 */
#include "emerg/emerg_tabletop.h"
#include "base/clock.h"
#include "base/day.h"
#include "db/db.h"

#include <string.h>

static int64_t user_id(struct db *c, const char *username)
{
	int64_t id = 0;
	db_get_i64(c, &id, "SELECT id FROM users WHERE username = ?", "t", username);
	return id;
}

struct demo_part {
	const char *kind, *title, *body, *user;
	int target;	/* a step's minutes from the start, -1 none */
};

static const struct demo_part parts[] = {
	{"scenario", "6.0级地震", "厂区震感强烈，部分建筑受损。", NULL, -1},
	{"scenario", "燃气管线泄漏", "食堂燃气管线接口震裂，可燃气体报警。", NULL, -1},
	{"scenario", "电梯困人", "办公楼电梯停在3、4层之间，2人被困。", NULL, -1},
	{"role", "总指挥", "启动响应，统一指挥，对外报告。", "ws1zhuren", 0},
	{"role", "抢险组", "关阀断电，燃气检测，划定警戒区。", "banzhang", 0},
	{"role", "疏散警戒组", "组织疏散，集合点清点人数。", "ws1anquan", 0},
	{"role", "电梯救援组", "联系维保单位，安抚被困人员。", "yuangong", 0},
	{"step", "启动应急响应，发布地震警报", "", "ws1zhuren", 2},
	{"step", "关闭燃气总阀，切断非应急电源", "", "banzhang", 5},
	{"step", "疏散人员至开阔集合点", "", "ws1anquan", 10},
	{"step", "集合点清点人数并报告总指挥", "", "ws1anquan", 15},
	{"step", "电梯困人：联系维保单位，安抚被困人员", "", "yuangong", 10},
	{"step", "燃气浓度检测，划定警戒区", "", "banzhang", 20},
	{"step", "向属地应急管理部门报告", "", "ws1zhuren", 60},
	{NULL, NULL, NULL, NULL, 0},
};

static const char *const injects[] = {"余震导致罐区第二处泄漏", "一名员工被坠物砸伤，需要救护", "厂区停电，应急照明启动",
				      "电梯内被困人员报告呼吸困难", NULL};

/* The exercise held: minutes after the start, who, which step (0 none), what. */
struct demo_event {
	int min;
	const char *kind, *user;
	int step;
	const char *text;
};

static const struct demo_event events[] = {
	{1, "decision", "ws1zhuren", 1, "启动公司级响应，广播地震警报"},
	{6, "inject", "anhuan", 0, "厂区停电，应急照明启动"},
	{8, "decision", "banzhang", 2, "关闭食堂燃气总阀，断开非应急电源"},
	{9, "decision", "ws1anquan", 3, "按疏散路线引导人员到南侧空地"},
	{12, "inject", "anhuan", 0, "一名员工被坠物砸伤，需要救护"},
	{13, "decision", "ws1zhuren", 0, "派两人携担架和急救箱前往，拨打120"},
	{16, "inject", "anhuan", 0, "余震导致罐区第二处泄漏"},
	{18, "decision", "banzhang", 6, "四合一检测仪检测，食堂周边30 m拉警戒线"},
	{22, "decision", "ws1anquan", 4, "集合点清点：应到86人，实到84人，2人被困电梯"},
	{50, "decision", "ws1zhuren", 7, "向区应急管理局电话报告"},
	{0, NULL, NULL, 0, NULL},
};

int emerg_tt_demo_load(struct db *c)
{
	int64_t now = clock_now(), today = day_of(now), by = user_id(c, "anhuan"), unit = 0;
	db_get_i64(c, &unit, "SELECT id FROM units WHERE name = ?", "t", "江宁精细化工有限公司");
	if (db_exec(c, "INSERT INTO emerg_plans (unit_id, kind, title, owner_id, approved_on, review_months, created_at)"
		       " VALUES (?, 'special', ?, ?, ?, 36, ?)", "ItIII", unit, "地震及次生灾害专项应急预案", by, today - 300, now) != DB_OK)
		return -1;
	int64_t plan = db_last_id(c);
	if (db_exec(c, "INSERT INTO emerg_plan_versions (plan_id, version, approved_on, created_by, created_at) VALUES (?, 1, ?, ?, ?)",
		    "IIII", plan, today - 300, by, now) != DB_OK)
		return -1;
	int seq[3] = {0};
	for (const struct demo_part *q = parts; q->kind; q++) {
		int k = q->kind[0] == 's' && q->kind[1] == 'c' ? 0 : q->kind[0] == 'r' ? 1 : 2;
		if (db_exec(c, "INSERT INTO emerg_plan_parts (plan_id, kind, seq, title, body, user_id, phone, target_min)"
			       " VALUES (?, ?, ?, ?, ?, NULLIF(?, 0), ?, NULLIF(?, -1))", "ItittItI", plan, q->kind, ++seq[k], q->title,
			    q->body, q->user ? user_id(c, q->user) : (int64_t)0, k == 1 ? "13800000010" : "",
			    (int64_t)(k == 2 ? q->target : -1)) != DB_OK)
			return -1;
	}
	for (int i = 0; injects[i]; i++)
		if (db_exec(c, "INSERT INTO emerg_tt_injects (plan_id, seq, text) VALUES (?, ?, ?)", "Iit", plan, i + 1, injects[i]) != DB_OK)
			return -1;

	/* held 40 days ago at 14:00 */
	int64_t held = today - 40, start = day_start_utc(held) + 14 * 3600, end = start + 65 * 60;
	int64_t id = emerg_tt_insert(c, plan, "地震+燃气泄漏+电梯困人 桌面推演", held, by, start - 7 * 86400);
	if (id < 0 ||
	    db_exec(c, "UPDATE emerg_tabletops SET status = 'ended', started_at = ?, ended_at = ? WHERE id = ?", "III", start, end, id) != DB_OK ||
	    db_exec(c, "UPDATE emerg_tt_roles SET joined_at = ? WHERE tabletop_id = ?", "II", start - 120, id) != DB_OK)
		return -1;
	for (const struct demo_event *e = events; e->kind; e++) {
		const char *role = "";
		for (const struct demo_part *q = parts; q->kind; q++)
			if (q->kind[0] == 'r' && !strcmp(q->user, e->user))
				role = q->title;
		if (db_exec(c, "INSERT INTO emerg_tt_events (tabletop_id, kind, at, user_id, role, step_seq, text)"
			       " VALUES (?, ?, ?, ?, ?, NULLIF(?, 0), ?)", "ItIItit", id, e->kind, start + 60 * (int64_t)e->min,
			    user_id(c, e->user), *role ? role : "主持人", e->step, e->text) != DB_OK)
			return -1;
	}
	/* the gaps the comparison found: step 2 late by 3 min, step 4 late by 7, step 5 missing */
	static const struct {
		int step;
		const char *text, *owner;
		int closed;
	} gaps[] = {
		{2, "2. 关闭燃气总阀，切断非应急电源 — 迟 3 分钟", "banzhang", 1},
		{4, "4. 集合点清点人数并报告总指挥 — 迟 7 分钟", "ws1anquan", 0},
		{5, "5. 电梯困人：联系维保单位，安抚被困人员 — 缺失", "yuangong", 0},
	};
	for (int i = 0; i < 3; i++)
		if (db_exec(c, "INSERT INTO emerg_tt_actions (tabletop_id, step_seq, text, owner_id, due_on, done_at, created_at)"
			       " VALUES (?, ?, ?, ?, ?, ?, ?)", "IitIIII", id, gaps[i].step, gaps[i].text, user_id(c, gaps[i].owner),
			    held + EMERG_TT_ACTION_DAYS, gaps[i].closed ? end + 5 * 86400 : (int64_t)0, end) != DB_OK)
			return -1;
	/* the next, three weeks ahead */
	return emerg_tt_insert(c, plan, "地震应急桌面推演（第二次）", today + 21, by, now - 86400) < 0 ? -1 : 0;
}
