/*
 * emerg_demo.c — the demo's emergency records, dated from clock_now(): a year of drills of
 * the first synthesis workshop and the plant (ended, with check-ins, the key actions'
 * times, evaluations and the actions they raised — one still open for the workshop's
 * safety officer), one announced drill ahead and one unannounced, three plans (the
 * comprehensive one due for its three-yearly review; the on-site plan of the feeding platform
 * with its roles, steps and the response cards of two posts), and the supplies of the
 * workshop and the tank area (罐区), one of them expiring within the month.
 */
#include "emerg/emerg.h"
#include "emerg/emerg_tabletop.h"
#include "emerg/emerg_web.h"
#include "base/clock.h"
#include "base/day.h"
#include "base/strbuf.h"
#include "base/text.h"
#include "db/blobstore.h"
#include "db/db.h"
#include "web/pdfdoc.h"

#include <string.h>

static int64_t user_id(struct db *c, const char *username)
{
	int64_t id = 0;
	db_get_i64(c, &id, "SELECT id FROM users WHERE username = ?", "t", username);
	return id;
}

static int64_t unit_named(struct db *c, const char *name)
{
	int64_t id = 0;
	db_get_i64(c, &id, "SELECT id FROM units WHERE name = ?", "t", name);
	return id;
}

struct demo_drill {
	const char *unit, *kind, *title, *muster;
	int days_ago;		/* < 0: ahead */
	int announced;
	int alarm, response, evacuated, headcount;	/* seconds after the start */
	int present;		/* of the unit's people, how many checked in */
	int score;
	const char *summary, *shortcoming;
	int action_due;		/* days from today; the action is open when > 0 */
};

static const struct demo_drill drills[] = {
	{"江宁精细化工有限公司", "comprehensive", "全厂火灾爆炸综合应急演练", "东门集合点", 300, 1, 40, 150, 480, 600, 0, 86,
	 "各岗位响应及时，疏散路线清楚；消防水炮启动慢于预案要求。", "消防水炮操作培训并每月试射", -200},
	{"合成一车间", "onsite", "反应釜超温现场处置演练", "一车间北侧集合点", 250, 1, 30, 95, 300, 390, 8, 90,
	 "处置卡步骤执行到位。", NULL, 0},
	{"合成一车间", "onsite", "投料平台甲醇泄漏现场处置演练（不预先通知）", "一车间北侧集合点", 70, 0, 55, 210, 520, 700, 6, 72,
	 "报警后首次响应超过3分钟；两人未到集合点报到；正压式呼吸器一具气压不足。",
	 "正压式呼吸器每月检查气压并记录", 14},
	{"罐区", "special", "甲类储罐区泄漏专项应急演练", "罐区南门集合点", 120, 1, 35, 120, 400, 520, 0, 80,
	 "围堰切断阀操作熟练；对讲机频道混乱。", NULL, 0},
	{"合成一车间", "onsite", "加料口着火现场处置演练", "一车间北侧集合点", -20, 1, 0, 0, 0, 0, 0, 0, NULL, NULL, 0},
	{"合成一车间", "onsite", "夜班有毒气体泄漏不预先通知演练", "一车间北侧集合点", -45, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, 0},
	{NULL},
};

static const char *const steps[] = {"发现异常，立即报警并报告班长", "切断物料、紧急停车", "佩戴正压式呼吸器进行处置",
				    "疏散无关人员至集合点", "集合点清点人数并报告指挥", "现场警戒，等待专业救援", NULL};

struct demo_res {
	const char *unit, *name, *kind, *place;
	int qty, min, bought_days_ago, expires_in;	/* expires_in 0: does not expire */
	const char *owner;
};

static const struct demo_res res[] = {
	{"合成一车间", "正压式空气呼吸器", "breathing_apparatus", "一车间应急柜", 4, 4, 400, 700, "ws1anquan"},
	{"合成一车间", "干粉灭火器 8kg", "extinguisher", "一车间投料平台", 12, 10, 300, 900, "ws1anquan"},
	{"合成一车间", "急救箱", "first_aid", "一车间中控室", 2, 1, 200, 12, "ws1anquan"},
	{"罐区", "吸附棉及围油栏", "spill_kit", "罐区应急物资库", 20, 10, 150, 0, "anhuan"},
	{"罐区", "便携式四合一气体检测仪", "gas_detector", "罐区巡检室", 3, 2, 100, 500, "anhuan"},
	{NULL},
};

struct demo_plan {
	const char *unit, *kind, *title, *area;
	int approved_days_ago;
};

/* the comprehensive plan's review falls due within the month (its owner is reminded) */
static const struct demo_plan plans[] = {
	{"江宁精细化工有限公司", "comprehensive", "生产安全事故综合应急预案", NULL, 3 * 365 - 20},
	{"罐区", "special", "危险化学品泄漏专项应急预案", "罐区 甲类储罐区", 400},
	{"合成一车间", "onsite", "投料平台甲醇泄漏现场处置方案", "合成一车间 投料平台", 200},
	{NULL},
};

struct demo_part {
	const char *kind, *title, *body, *user, *phone, *position;
};

static const struct demo_part parts[] = {
	{"scenario", "投料时甲醇管线法兰泄漏", "泄漏量小于50 L，未着火；可能引发火灾和人员中毒。", NULL, NULL, NULL},
	{"level", "班组级响应", "泄漏可控、无人员受伤：班组处置，报告车间。", NULL, NULL, NULL},
	{"level", "车间级响应", "泄漏不可控或有人员受伤：车间启动方案，报告公司。", NULL, NULL, NULL},
	{"role", "现场指挥", "组织处置、下达疏散指令、向公司报告。", "ws1zhuren", "13800000001", NULL},
	{"role", "现场处置", "佩戴正压式呼吸器关阀、堵漏。", "banzhang", "13800000002", NULL},
	{"step", "发现泄漏，立即报警并报告班长", "", NULL, NULL, NULL},
	{"step", "关闭投料阀门，停止投料", "", NULL, NULL, NULL},
	{"step", "佩戴正压式呼吸器，用吸附棉围堵", "", NULL, NULL, NULL},
	{"step", "疏散无关人员至北侧集合点", "", NULL, NULL, NULL},
	{"step", "集合点清点人数并报告现场指挥", "", NULL, NULL, NULL},
	{"card", "操作工应急处置卡", "1. 报警 2. 关投料阀 3. 戴呼吸器围堵 4. 撤离至北侧集合点", NULL, NULL, "操作工"},
	{"card", "班组长应急处置卡", "1. 确认险情并报告车间 2. 指挥处置 3. 清点人数", NULL, NULL, "班组长"},
	{NULL},
};

/* A plan's approved text as a PDF of one A4 page (the on-site plan's parts, as the plant
 * would have typed them), stored as the first version's blob. */
static int demo_pdf(struct db *c, int64_t plan_id, const char *title, int with_parts, int64_t now)
{
	struct strbuf pdf = STRBUF_INIT;
	struct pdfdoc d;
	if (pdfdoc_open(&d, &pdf, 595, 842, title, "anquan"))
		return -1;
	double y = 60 + pdfdoc_text(d.cr, 50, 50, title, 18, 1, 495, 0);
	for (const struct demo_part *q = parts; with_parts && q->kind; q++)
		y += 6 + pdfdoc_text(d.cr, 50, y, q->body && *q->body ? q->body : q->title, 11, 0, 495, 0);
	if (pdfdoc_close(&d, &pdf)) {
		sb_release(&pdf);
		return -1;
	}
	char sha[65], name[48];
	text_sha256_hex(pdf.buf, pdf.len, sha);
	snprintf(name, sizeof name, "plan-%lld-v1.pdf", (long long)plan_id);
	const struct blob_meta m = {.mime = "application/pdf", .created_at = now};
	int rc = blob_put(c, sha, pdf.buf, pdf.len, &m);
	if (rc == DB_OK)
		rc = db_exec(c, "UPDATE emerg_plan_versions SET pdf_sha = ?, filename = ? WHERE plan_id = ? AND version = 1", "ttI",
			     sha, name, plan_id);
	sb_release(&pdf);
	return rc == DB_OK ? 0 : -1;
}

static int demo_plans(struct db *c, int64_t today, int64_t now)
{
	int64_t owner = user_id(c, "anhuan");
	for (const struct demo_plan *p = plans; p->title; p++) {
		int64_t area = 0;
		if (p->area)
			db_get_i64(c, &area, "SELECT id FROM areas WHERE name = ?", "t", p->area);
		int64_t approved = today - p->approved_days_ago;
		if (db_exec(c, "INSERT INTO emerg_plans (unit_id, kind, title, area_id, owner_id, approved_on, review_months, created_at)"
			       " VALUES (?, ?, ?, NULLIF(?, 0), ?, ?, 36, ?)", "IttIIII", unit_named(c, p->unit), p->kind, p->title,
			    area, owner, approved, now) != DB_OK)
			return -1;
		int64_t id = db_last_id(c);
		if (db_exec(c, "INSERT INTO emerg_plan_versions (plan_id, version, approved_on, created_by, created_at)"
			       " VALUES (?, 1, ?, ?, ?)", "IIII", id, approved, owner, now) != DB_OK)
			return -1;
		if (demo_pdf(c, id, p->title, !strcmp(p->kind, "onsite"), now))
			return -1;
		if (strcmp(p->kind, "onsite"))
			continue;
		int seq[5] = {0};
		for (const struct demo_part *q = parts; q->kind; q++) {
			int k = !strcmp(q->kind, "scenario") ? 0 : !strcmp(q->kind, "level") ? 1 : !strcmp(q->kind, "role") ? 2
				: !strcmp(q->kind, "step") ? 3 : 4;
			int64_t pos = 0;
			if (q->position)
				db_get_i64(c, &pos, "SELECT id FROM positions WHERE name = ?", "t", q->position);
			if (db_exec(c, "INSERT INTO emerg_plan_parts (plan_id, kind, seq, title, body, user_id, phone, position_id)"
				       " VALUES (?, ?, ?, ?, ?, NULLIF(?, 0), ?, NULLIF(?, 0))", "ItittItI", id, q->kind, ++seq[k],
				    q->title, q->body, q->user ? user_id(c, q->user) : (int64_t)0, q->phone ? q->phone : "", pos) != DB_OK)
				return -1;
		}
	}
	return 0;
}

int emerg_demo_load(struct db *c)
{
	int64_t now = clock_now(), today = day_of(now);
	int64_t by = user_id(c, "anhuan"), owner = user_id(c, "ws1anquan"), commander = user_id(c, "ws1zhuren");
	if (demo_plans(c, today, now) || emerg_tt_demo_load(c))
		return -1;
	for (const struct demo_drill *d = drills; d->title; d++) {
		int64_t unit = unit_named(c, d->unit), day = today - d->days_ago;
		int64_t id = emerg_drill_insert(c, unit, d->kind, d->title, "", d->announced, day, d->muster, commander, by,
						now - 86400 * (int64_t)(d->days_ago > 0 ? d->days_ago + 30 : 10));
		if (id < 0)
			return -1;
		for (int i = 0; steps[i]; i++)
			if (db_exec(c, "INSERT INTO emerg_steps (drill_id, seq, text, done_at) VALUES (?, ?, ?, ?)", "Iit" "I", id,
				    i + 1, steps[i], d->days_ago > 0 ? day_start_utc(day) + 9 * 3600 + 60 * (i + 1) : 0) != DB_OK)
				return -1;
		if (d->days_ago <= 0)
			continue;
		int64_t start = day_start_utc(day) + 9 * 3600;	/* 09:00 local */
		const int at[4] = {d->alarm, d->response, d->evacuated, d->headcount};
		for (int i = 0; emerg_mark_actions[i]; i++)
			if (db_exec(c, "INSERT INTO emerg_marks (drill_id, action, at, user_id) VALUES (?, ?, ?, ?)", "ItII", id,
				    emerg_mark_actions[i], start + at[i], commander) != DB_OK)
				return -1;
		if (d->present &&
		    db_exec(c, "INSERT INTO emerg_checkins (drill_id, user_id, at) SELECT ?, us.id, ? + 10 * us.id FROM users us"
			       " JOIN units u ON u.id = us.unit_id WHERE us.active = 1 AND u.path LIKE (SELECT path FROM units WHERE id = ?) || '%'"
			       " ORDER BY us.id LIMIT ?", "IIIi", id, start + d->evacuated - 120, unit, d->present) != DB_OK)
			return -1;
		if (db_exec(c, "UPDATE emerg_drills SET status = 'ended', started_at = ?, ended_at = ?, eval_score = ?, eval_summary = ?,"
			       " evaluated_by = ?, evaluated_at = ? WHERE id = ?", "IIitIII", start, start + d->headcount + 600,
			    d->score, d->summary, by, start + 86400, id) != DB_OK)
			return -1;
		if (d->shortcoming &&
		    db_exec(c, "INSERT INTO emerg_actions (drill_id, text, owner_id, due_on, done_at, created_at) VALUES (?, ?, ?, ?, ?, ?)",
			    "ItIIII", id, d->shortcoming, owner, today + d->action_due,
			    d->action_due > 0 ? (int64_t)0 : now - 86400 * 30, start + 86400) != DB_OK)
			return -1;
	}
	for (const struct demo_res *e = res; e->name; e++)
		if (db_exec(c, "INSERT INTO emerg_resources (unit_id, name, kind, place, quantity, min_quantity, purchased_on,"
			       " expires_on, checked_on, owner_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULLIF(?, -1), ?, ?, ?)",
			    "Itttii" "IIIII", unit_named(c, e->unit), e->name, e->kind, e->place, e->qty, e->min,
			    today - e->bought_days_ago, e->expires_in ? today + e->expires_in : (int64_t)-1, today - 5,
			    user_id(c, e->owner), now) != DB_OK)
			return -1;
	return emerg_team_demo_load(c);
}
