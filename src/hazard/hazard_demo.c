/*
 * hazard_demo.c — about forty demo hazards for `anquan demo`: every state of the lifecycle, a
 * few overdue, repeats, hazards fixed on the spot, and one major hazard with its governance
 * plan awaiting the principal's approval. Photos are drawn here (stripes on a colour) and
 * encoded with TurboJPEG, so no image file is needed.
 *
 * Runs inside demo_load's transaction, after the organization exists. Times spread evenly over
 * the 90 days before the moment of loading, so that the dashboard's last 30 days, this month
 * and last month all hold hazards whatever the day (the 1st of a month included), and lists,
 * deadlines and the ranking look lived-in. Numbers follow each reporting year's sequence, as
 * hazard_create() numbers them, so a demo loaded in early January has last year's numbers
 * too and the new year's next number follows its own.
 */
#include "hazard/hazard.h"
#include "audit/audit.h"
#include "base/clock.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const texts[] = {
	"配电柜门未关闭，柜内有积灰", "反应釜搅拌电机防护罩缺失", "消防通道被物料堆放占用",
	"甲醇储罐呼吸阀附近有漏油痕迹", "投料平台护栏松动", "现场地面油污未清理，易滑倒",
	"巡检人员未佩戴安全帽", "动火作业票未按规定审批", "灭火器压力不足，指针在红区",
	"离心机接地线断开", "管廊上方有高处坠物风险", "化学品仓库通风扇停转",
	"临时用电线缆拖地，绝缘层破损", "安全阀校验标签过期", "叉车倒车报警器失灵",
	"气体报警仪未按期标定", "洗眼器水压不足", "楼梯踏板锈蚀",
	"配电室挡鼠板缺失", "空压机储气罐压力表损坏",
};

/* state, urgency, level, overdue (deadline already passed while open) */
struct plan {
	const char *status;
	char urgency;
	int overdue, on_spot, cancelled_reason;
};

static int64_t user_by_name(struct db *c, const char *username)
{
	int64_t id = 0;
	db_get_i64(c, &id, "SELECT id FROM users WHERE username = ?", "t", username);
	return id;
}

static int photo(struct db *c, int64_t hazard, int64_t event, const char *kind, unsigned rgb, int64_t at)
{
	size_t len = 0;
	unsigned char *jpg = hazard_image_synth(480, 360, rgb, 80, &len);
	char sha[65];
	const char *why;
	int rc = -1;
	/* marked like a real photo: whoever acted at that step, at the hazard's area */
	int64_t user = 0, area = 0;
	db_get_i64(c, &user, "SELECT user_id FROM hazard_events WHERE id = ?", "I", event);
	db_get_i64(c, &area, "SELECT area_id FROM hazards WHERE id = ?", "I", hazard);
	struct hazard_mark mark;
	hazard_mark_fill(c, user, 0, area, NULL, at, &mark);
	if (jpg && !hazard_store_photo(c, jpg, len, &mark, sha, &why))
		rc = db_exec(c, "INSERT INTO hazard_photos (hazard_id, event_id, kind, sha256, created_at)"
				" VALUES (?, ?, ?, ?, ?)", "IIttI", hazard, event, kind, sha, at) != DB_OK
			     ? -1 : hazard_evidence_mark(c, hazard);
	hazard_mark_release(&mark);
	free(jpg);
	return rc;
}

/* The next number of the year of `at`, the same sequence hazard_create() draws from. */
static int next_number(struct db *c, int64_t at, char *number, size_t size)
{
	int64_t seq = 0;
	int year = hazard_local_year(at);
	if (db_get_i64(c, &seq, "INSERT INTO hazard_seq (year, last) VALUES (?, 1) ON CONFLICT (year)"
			  " DO UPDATE SET last = hazard_seq.last + 1 RETURNING last", "i", year) != 1)
		return -1;
	hazard_format_number(number, size, year, seq);
	return 0;
}

static int64_t event(struct db *c, int64_t hazard, int64_t at, int64_t uid, const char *action,
		     const char *from, const char *to, const char *note)
{
	if (db_exec(c, "INSERT INTO hazard_events (hazard_id, at, user_id, action, from_status, to_status, note)"
		       " VALUES (?, ?, NULLIF(?, 0), ?, ?, ?, ?)", "IIItttt", hazard, at, uid, action, from, to,
		    note) != DB_OK)
		return -1;
	return db_last_id(c);
}

int hazard_demo_load(struct db *c)
{
	static const char *const states[] = {
		"closed", "closed", "verifying", "rectifying", "assigned", "reported", "closed", "rectifying",
		"closed", "cancelled", "closed", "verifying", "assigned", "reported", "closed", "rectifying",
		"closed", "on_spot", "closed", "verifying", "rectifying", "assigned", "closed", "reported",
		"on_spot", "closed", "rectifying", "verifying", "closed", "assigned", "reported", "closed",
		"on_spot", "rectifying", "closed", "reported", "assigned", "cancelled", "rectifying", NULL};
	static const unsigned colours[] = {0xd32f2f, 0xef6c00, 0xf9a825, 0x1976d2, 0x2e7d32, 0x6a1b9a};
	struct audit_actor actor = {0, "demo", "local"};
	int64_t now = clock_now();
	int64_t reporters[4] = {user_by_name(c, "yuangong"), user_by_name(c, "u001"), user_by_name(c, "u005"),
				user_by_name(c, "ws1anquan")};
	int64_t verifier = user_by_name(c, "ws1anquan"), handler = user_by_name(c, "anhuan");
	int64_t areas[16], nareas = 0;
	struct db_stmt *st = db_query(c, "SELECT id FROM areas ORDER BY id LIMIT 16", NULL);
	while (st && db_step(st) == 1)
		areas[nareas++] = db_col_i64(st, 0);
	db_done(c, st);
	if (!nareas)
		return 0;
	int count = 0;
	int64_t first_id = 0;
	for (int i = 0; states[i]; i++, count++) {
		const char *s = states[i];
		int on_spot = !strcmp(s, "on_spot");
		const char *status = on_spot ? "closed" : s;
		/* hazards 0 and 6 share area and category, so 6 is a repeat of 0's closed fix */
		int64_t area = areas[(i % 6 == 0 && i <= 6) ? 0 : i % nareas];
		int64_t cat = (i % 6 == 0 && i <= 6) ? 1 : (i * 3) % 8 + 1;
		int64_t reporter = reporters[i % 4];
		/* 39 hazards, one every 2.3 days from 89 days ago to 2 days ago, at varied hours */
		int64_t reported = now - (int64_t)(39 - i) * (89 * 86400 / 39) - 3600 * (i % 5);
		char urgency = "CBCAB"[i % 5];
		struct hazard_deadlines d = hazard_deadlines(c, urgency, reported);
		int64_t assignee = hazard_dispatch(c, area, cat);
		int64_t equipment = 0;
		if (i % 7 == 3)	/* a few on one reactor: the equipment warning has a story */
			db_get_i64(c, &equipment, "SELECT id FROM equipment WHERE code = 'R-101'", NULL);
		char number[32];
		if (next_number(c, reported, number, sizeof(number)))
			return -1;
		int closed = !strcmp(status, "closed");
		int submitted = closed || !strcmp(status, "verifying");
		int accepted = strcmp(status, "reported") && strcmp(status, "cancelled");
		int64_t t_accept = reported + 3600, t_start = reported + 2 * 3600;
		int64_t t_submit = reported + (i % 3 == 0 ? d.rectify_due - reported + 6 * 3600 : 20 * 3600);
		int64_t t_close = t_submit + 3 * 3600;
		if (on_spot)
			t_submit = t_close = reported + 600;
		int overdue = (!closed && !submitted && d.rectify_due < now && accepted) ||
			      (!strcmp(status, "reported") && d.respond_due < now) ||
			      (submitted && !on_spot && t_submit > d.rectify_due);
		int64_t repeat_of = 0;
		if (i == 6)
			repeat_of = first_id;
		if (db_exec(c, "INSERT INTO hazards (number, status, reporter_id, area_id, unit_id, equipment_id,"
			       " category_id, level, urgency, description, assignee_id, rectifier_id, verifier_id,"
			       " reported_at, accepted_at, respond_due, rectify_due, submitted_at, closed_at, overdue,"
			       " overdue_at, repeat_of, on_spot, updated_at)"
			       " SELECT ?, ?, ?, a.id, a.unit_id, NULLIF(?, 0), ?, 'general', ?, ?, NULLIF(?, 0),"
			       " NULLIF(?, 0), NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0), ?, ? FROM areas a WHERE a.id = ?",
			    "ttIIIttIIIIIIIIIiIIiII",
			    number, status, reporter, equipment, cat,
			    (const char[]){urgency, 0}, texts[i % 20], on_spot ? reporter : assignee,
			    submitted ? (on_spot ? reporter : assignee) : (int64_t)0, closed && !on_spot ? verifier : (int64_t)0,
			    reported, accepted ? (on_spot ? t_close : t_accept) : (int64_t)0, d.respond_due, d.rectify_due,
			    submitted ? t_submit : (int64_t)0, closed ? t_close : (int64_t)0, overdue,
			    overdue ? d.rectify_due : (int64_t)0, repeat_of, on_spot, now, area) != DB_OK)
			return -1;
		int64_t id = db_last_id(c);
		if (i == 0)
			first_id = id;
		int64_t ev = event(c, id, reported, reporter, "report", "", "reported", texts[i % 20]);
		if (ev < 0 || photo(c, id, ev, "before", colours[i % 6], reported))
			return -1;
		if (on_spot) {
			ev = event(c, id, t_close, reporter, "fix_on_spot", "reported", "closed", "已当场整改");
			if (ev < 0 || photo(c, id, ev, "after", 0x2e7d32, t_close) ||
			    hazard_award(c, id, reporter, "report", 2) || hazard_award(c, id, reporter, "rectify", 3))
				return -1;
		} else if (!strcmp(status, "cancelled")) {
			if (event(c, id, reported + 1800, handler, "cancel", "reported", "cancelled", "重复上报，已合并") < 0)
				return -1;
		} else if (accepted) {
			if (event(c, id, t_accept, handler, "accept", "reported", "assigned", "") < 0 ||
			    hazard_award(c, id, reporter, "report", 2))
				return -1;
			if (strcmp(status, "assigned") &&
			    event(c, id, t_start, assignee, "start", "assigned", "rectifying", "") < 0)
				return -1;
			if (submitted) {
				ev = event(c, id, t_submit, assignee, "submit", "rectifying", "verifying", "已整改完毕，请验收");
				if (ev < 0 || photo(c, id, ev, "after", 0x2e7d32, t_submit))
					return -1;
			}
			if (closed) {
				if (event(c, id, t_close, verifier, "verify", "verifying", "closed", "现场复查合格") < 0)
					return -1;
				if (t_submit <= d.rectify_due && hazard_award(c, id, assignee, "rectify", 3))
					return -1;
			}
		}
		if (hazard_search_sync(c, id) != DB_OK)
			return -1;
	}
	/* one major hazard (应急管理部令第10号 Art. 14 item 1): plan submitted, the safety
	 * director approved, the principal's approval pending */
	int64_t area = areas[6 % nareas], reported = now - 5 * 86400, crit = 0, assignee;
	db_get_i64(c, &crit, "SELECT id FROM hazard_criteria WHERE article = 14 AND item = 1", NULL);
	assignee = hazard_dispatch(c, area, 4);
	char number[32];
	if (next_number(c, reported, number, sizeof(number)))
		return -1;
	if (db_exec(c, "INSERT INTO hazards (number, status, reporter_id, area_id, unit_id, category_id, level,"
		       " criterion_id, urgency, description, assignee_id, reported_at, accepted_at, respond_due,"
		       " rectify_due, regulator_reported_at, updated_at) SELECT ?, 'plan_review', ?, a.id, a.unit_id, 4,"
		       " 'major', ?, 'A', ?, ?, ?, ?, ?, ?, ?, ? FROM areas a WHERE a.id = ?",
		    "tIItIIIIIIII", number, reporters[3], crit, "甲类储罐区可燃气体检测报警仪3台失效，未联锁",
		    assignee, reported, reported + 1800, reported + 7200, now + 20 * 86400, reported + 86400, now,
		    area) != DB_OK)
		return -1;
	int64_t id = db_last_id(c);
	int64_t ev = event(c, id, reported, reporters[3], "report", "", "reported", "甲类储罐区可燃气体检测报警仪3台失效，未联锁");
	if (ev < 0 || photo(c, id, ev, "before", 0xd32f2f, reported) ||
	    event(c, id, reported + 1800, handler, "accept", "reported", "planning", "判定为重大事故隐患") < 0 ||
	    event(c, id, reported + 86400, user_by_name(c, "zongjian"), "report_regulator", "planning", "planning",
		  "已报应急管理局") < 0 ||
	    event(c, id, reported + 2 * 86400, handler, "submit_plan", "planning", "plan_review", "") < 0 ||
	    event(c, id, reported + 3 * 86400, user_by_name(c, "zongjian"), "approve_plan", "plan_review", "plan_review", "") < 0)
		return -1;
	if (db_exec(c, "INSERT INTO hazard_plans (hazard_id, goal, method, funding, organization, deadline_text, safety,"
		       " due_at, submitted_by, submitted_at, director_id, director_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		    "IttttttIIIII", id, "恢复全部可燃气体检测报警仪并与紧急切断阀联锁",
		    "更换失效探头3台，增设声光报警，完成联锁调试", "预算8.5万元，探头与线缆由设备动力部采购",
		    "罐区车间负责实施，设备动力部配合，安环部监督", "20天内完成，每周报告进度",
		    "治理期间人工巡检每2小时一次，配备便携式检测仪，装卸作业暂停",
		    now + 20 * 86400, handler, reported + 2 * 86400, user_by_name(c, "zongjian"), reported + 3 * 86400) != DB_OK ||
	    hazard_search_sync(c, id) != DB_OK)
		return -1;
	count++;
	char summary[64];
	snprintf(summary, sizeof(summary), "demo hazards loaded: %d", count);
	return audit_append(c, &actor, "system", 0, "hazard_demo", summary) == DB_OK ? 0 : -1;
}
