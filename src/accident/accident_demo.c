/*
 * accident_demo.c — the demo's incidents: two accidents (a closed minor injury with its four
 * 四不放过 steps and its actions done; a serious scald reported to the authority within the
 * hour, under investigation with one action still open), several near misses (some closed
 * with lessons on the bulletin, their reporters praised with points) and twelve months of
 * hours worked per workshop, so the statistics and the LTIFR show whenever the demo is
 * loaded. Everything is dated relative to clock_now(); the types are of GB 6441-2025, the
 * edition new reports use by default (accident.type_edition).
 */
#include "accident/accident.h"
#include "base/clock.h"
#include "base/day.h"
#include "db/db.h"
#include "hazard/hazard.h"

#include <stdlib.h>

#include <stdio.h>
#include <string.h>

struct demo_incident {
	const char *kind, *what, *area, *type, *reporter;
	int days_ago, deaths, serious, minor;
	int64_t loss_yuan;
	const char *level;
	int reportable, closed;
	const char *cause, *root, *resp, *lessons, *measures;
};

static const struct demo_incident incidents[] = {
	{"accident", "投料时右手被搅拌器联轴器夹伤", "合成一车间 投料平台", "2025-04", "banzhang", 40, 0, 0, 1, 3000,
	 "general", 0, 1, "联轴器防护罩拆下检修后未装回，投料时手套被卷入", "thing",
	 "维修班未执行检修后防护装置复位确认，班组长交接未检查；按制度考核并在班组会上说明", "全车间学习本次事故：转动设备防护罩缺失一律停机；已组织复训",
	 "联轴器防护罩加装联锁，检修后复位纳入交接检查表"},
	{"accident", "装卸蒸汽软管脱落，一名装卸工小腿烫伤", "罐区 装卸站台", "2025-08", "yuangong", 10, 0, 1, 0, 20000,
	 "general", 1, 0, "软管快速接头锁紧销缺失，压力波动时脱开", "thing", "装卸班日常点检表未包含接头锁紧销；正在核实点检执行情况",
	 NULL, NULL},
	{"near_miss", "叉车倒车时险些撞到巡检人员", "罐区 装卸站台", "2025-02", "yuangong", 25, 0, 0, 0, 0, "none", 0, 1,
	 "倒车盲区无警示，人员通道与叉车通道未分隔", "environment", "不追究个人责任，由车间完善通道划分", "叉车倒车必须鸣笛并有人指挥；班前会通报",
	 "装卸站台划出人行通道并加装倒车雷达"},
	{"near_miss", "高处平台格栅板松动，巡检时踩空未坠落", "精馏车间 精馏塔区", "2025-10", "ws1anquan", 55, 0, 0, 0, 0, "none", 0, 1,
	 "格栅板卡子锈蚀脱落", "thing", "不追究个人责任", "巡检时注意脚下格栅板，发现松动立即报告", "全厂格栅板卡子排查更换"},
	{"near_miss", "反应釜取样口有少量物料喷溅，未伤人", "合成一车间 反应釜区", "2025-08", "yuangong", 6, 0, 0, 0, 0, "none", 0, 0,
	 NULL, NULL, NULL, NULL, NULL},
	{"near_miss", "配电室门口积水，险些触电", "公用工程 配电室", "2025-06", "banzhang", 3, 0, 0, 0, 0, "none", 0, 0,
	 NULL, NULL, NULL, NULL, NULL},
	{"near_miss", "吊装作业时吊物晃动，险些碰撞管线", "合成二车间 离心机房", "2025-05", "ws1anquan", 15, 0, 0, 0, 0, "none", 0, 0,
	 NULL, NULL, NULL, NULL, NULL},
	{NULL},
};

/* A photo of the scene (a synthetic picture, as the hazard demo's), stored through the
 * hazard module's photo path so that it is a blob like any report's. */
static int demo_photo(struct db *c, int64_t id, unsigned rgb)
{
	size_t len = 0;
	unsigned char *jpg = hazard_image_synth(480, 360, rgb, 80, &len);
	char sha[65];
	const char *why;
	int rc = -1;
	if (jpg && !hazard_store_photo(c, jpg, len, NULL, sha, &why))
		rc = db_exec(c, "UPDATE incidents SET photo_sha = ? WHERE id = ?", "tI", sha, id);
	free(jpg);
	return rc;
}

static int64_t user_id(struct db *c, const char *username)
{
	int64_t id = 0;
	db_get_i64(c, &id, "SELECT id FROM users WHERE username = ?", "t", username);
	return id;
}

int accident_demo_load(struct db *c)
{
	int64_t now = clock_now();
	int64_t safety = user_id(c, "anhuan"), principal = user_id(c, "zhuren");
	for (const struct demo_incident *d = incidents; d->kind; d++) {
		int64_t area = 0, unit = 0, reporter = user_id(c, d->reporter);
		if (db_get_i64(c, &area, "SELECT id FROM areas WHERE name = ?", "t", d->area) != 1 ||
		    db_get_i64(c, &unit, "SELECT unit_id FROM areas WHERE id = ?", "I", area) != 1 || !reporter)
			continue;	/* a demo without that place or person: skip the record */
		int64_t at = now - (int64_t)d->days_ago * 86400 - 3 * 3600;
		int64_t reported = at + 600, step_at = at + 2 * 86400;
		if (db_exec(c, "INSERT INTO incidents (kind, what, area_id, unit_id, company_id, occurred_at, type_code, deaths,"
			       " serious, minor, loss_yuan, level, reporter_id, reported_at, reportable, status)"
			       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			    "ttIIIItiiiItIIit", d->kind, d->what, area, unit, accident_company_of(c, unit), at, d->type,
			    d->deaths, d->serious, d->minor, d->loss_yuan, d->level, reporter, reported, d->reportable,
			    d->closed ? "closed" : "open") != DB_OK)
			return -1;
		int64_t id = db_last_id(c);
		/* reported to the authority 40 minutes after the report, within the hour */
		if (d->reportable && principal &&
		    db_exec(c, "UPDATE incidents SET report_due = ?, ext_reported_at = ?, ext_reported_by = ?, ext_note = ?"
			       " WHERE id = ?", "IIItI", reported + ACCIDENT_REPORT_SECONDS, reported + 2400, principal,
			    "已电话报告区应急管理局值班室", id) != DB_OK)
			return -1;
		if (d->closed && safety && db_exec(c, "UPDATE incidents SET closed_at = ?, closed_by = ? WHERE id = ?", "III",
						   step_at + 5 * 86400, safety, id) != DB_OK)
			return -1;
		if ((d == incidents || d->closed) && demo_photo(c, id, 0x7a8590u + (unsigned)(d - incidents) * 0x101010u))
			return -1;
		if (d->cause && db_exec(c, "UPDATE incidents SET cause_note = ?, root_cause = ?, cause_at = ? WHERE id = ?", "ttII",
					d->cause, d->root, step_at, id) != DB_OK)
			return -1;
		if (d->resp && db_exec(c, "UPDATE incidents SET responsibility_note = ?, responsibility_at = ? WHERE id = ?", "tII",
				       d->resp, step_at + 86400, id) != DB_OK)
			return -1;
		if (d->lessons && db_exec(c, "UPDATE incidents SET lessons_note = ?, lessons_at = ?, measures_note = ?,"
					  " measures_at = ? WHERE id = ?", "tItII", d->lessons, step_at + 2 * 86400, d->measures,
					  step_at + 3 * 86400, id) != DB_OK)
			return -1;
		if (!strcmp(d->kind, "accident") && d->serious &&
		    db_exec(c, "INSERT INTO incident_people (incident_id, name, injury) VALUES (?, ?, 'serious')", "It", id, "李强") != DB_OK)
			return -1;
		if (!strcmp(d->kind, "near_miss")) {
			char reason[48];
			snprintf(reason, sizeof(reason), "near_miss:%lld", (long long)id);
			if (db_exec(c, "INSERT INTO points (user_id, unit_id, hazard_id, reason, points, at)"
				       " SELECT id, unit_id, NULL, ?, ?, ? FROM users WHERE id = ?", "tIII", reason,
				    (int64_t)ACCIDENT_NEAR_MISS_POINTS, reported, reporter) != DB_OK)
				return -1;
		}
		/* corrective actions: done for closed cases; the open accident keeps one open */
		if (d->measures || d->reportable) {
			int64_t today = day_of(now);
			const char *t1 = d->measures ? d->measures : "装卸软管快速接头全部加装锁紧销并纳入点检表";
			if (db_exec(c, "INSERT INTO incident_actions (incident_id, title, owner_id, due_day, status, done_at, done_by,"
				       " done_note, created_by, created_at) VALUES (?, ?, ?, ?, 'done', ?, ?, '已完成并验证', ?, ?)",
				    "ItIIIIII", id, t1, safety, day_of(step_at) + 7, step_at + 4 * 86400, safety, safety, step_at) != DB_OK)
				return -1;
			if (d->reportable && db_exec(c, "INSERT INTO incident_actions (incident_id, title, owner_id, due_day, created_by,"
						     " created_at) VALUES (?, ?, ?, ?, ?, ?)", "ItIIII", id,
						     "全厂蒸汽软管接头专项排查", safety, today + 14, safety, step_at) != DB_OK)
				return -1;
		}
	}
	/* hours worked: each workshop, the last twelve months and this one (people × 168 h) */
	int y, m, dd;
	day_to_ymd(day_of(now), &y, &m, &dd);
	struct db_stmt *st = db_query(c, "SELECT un.id, count(us.id) FROM units un JOIN units sub ON sub.path LIKE un.path || '%'"
				       " JOIN users us ON us.unit_id = sub.id WHERE un.kind = 'workshop' GROUP BY un.id ORDER BY un.id", NULL);
	int64_t units[32], heads[32];
	int n = 0;
	while (st && db_step(st) == 1 && n < 32) {
		units[n] = db_col_i64(st, 0);
		heads[n] = db_col_i64(st, 1);
		n++;
	}
	db_done(c, st);
	for (int k = 0; k <= 12; k++) {
		int mm = m - k, yy = y;
		while (mm < 1) {
			mm += 12;
			yy--;
		}
		for (int i = 0; i < n; i++)
			if (db_exec(c, "INSERT INTO accident_hours (unit_id, month, hours, updated_at) VALUES (?, ?, ?, ?)", "IIII",
				    units[i], (int64_t)(yy * 100 + mm), heads[i] * 168 + (int64_t)((k * 37 + i * 11) % 60), now) != DB_OK)
				return -1;
	}
	return 0;
}
