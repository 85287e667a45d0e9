/*
 * check_demo.c — the demo plant's checks: the starter library of checklists (daily post check,
 * weekly workshop check, monthly company check, seasonal and holiday checks, the special-
 * equipment daily check, the fire-equipment monthly check, and a ten-item round that must be
 * started by scanning), checkpoints with QR labels, two round plans (the tank farm's night
 * round every two hours for the operators' post, workshop one's day round for 张三), and three
 * months of history: the scheduler's own generation for each past day, then records written in
 * bulk by SQL (most done in their window, one in thirteen missed, one in twenty-nine with a
 * failed item), so that loading stays fast. Dated relative to clock_now().
 */
#include "check/check.h"
#include "base/clock.h"
#include "base/day.h"
#include "base/text.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>

struct demo_item {
	const char *kind, *label;
	double lo, hi;
	const char *unit, *choices, *fails, *category;
};

struct demo_template {
	const char *name, *kind;
	int source, require_scan;
	struct demo_item items[11];
};

#define PF(label, cat) {"pass_fail", label, 0, 0, "", "", "", cat}
#define NUM(label, lo, hi, unit, cat) {"number", label, lo, hi, unit, "", "", cat}

static const struct demo_template templates[] = {
	{"岗位日常检查", "post_daily", 1, 0,
	 {PF("劳保用品穿戴齐全", "ppe"), PF("设备运行无异常声音、振动、温升", "mechanical"), PF("现场无跑冒滴漏", "chemical"),
	  NUM("压力表读数", 0.2, 0.6, "MPa", "mechanical"), PF("交接班记录完整", "management")}},
	{"车间安全周检查", "workshop_weekly", 2, 0,
	 {PF("安全通道畅通、无堆放", "housekeeping"), PF("电气线路无私拉乱接", "electrical"), PF("防护罩、防护栏完好", "mechanical"),
	  PF("可燃气体报警器投用", "fire"), PF("作业票证齐全有效", "management")}},
	{"公司月度综合检查", "company_monthly", 2, 0,
	 {PF("安全生产责任制落实", "management"), PF("隐患整改按期闭环", "management"), PF("特种作业人员持证上岗", "management"),
	  PF("应急物资配备齐全", "fire"), PF("重大危险源监控正常", "chemical")}},
	{"季节性检查（夏季防汛防雷防暑）", "seasonal", 4, 0,
	 {PF("防雷接地检测在有效期内", "electrical"), PF("排水沟、集水井畅通", "housekeeping"), PF("防暑降温物资到位", "ppe"),
	  PF("储罐喷淋降温设施完好", "fire")}},
	{"节假日前安全检查", "holiday", 5, 0,
	 {PF("值班人员和联系方式落实", "management"), PF("停车设备能量隔离到位", "mechanical"), PF("危化品库房上锁、台账相符", "chemical"),
	  PF("消防器材完好", "fire")}},
	{"特种设备日常检查（起重机械）", "special_equipment", 3, 0,
	 {PF("钢丝绳无断丝、变形", "mechanical"), PF("上升下降限位有效", "mechanical"), PF("制动器可靠", "mechanical"),
	  PF("吊钩防脱装置完好", "mechanical"), PF("操作人员持证", "management")}},
	{"消防器材月度检查", "fire_monthly", 3, 0,
	 {{"choice", "灭火器压力指针", 0, 0, "", "绿区|黄区|红区", "黄区|红区", "fire"}, PF("消火栓水带、枪头齐全", "fire"),
	  PF("应急照明、疏散指示正常", "fire"), PF("消防通道畅通", "fire")}},
	{"巡检（扫码）", "round", 1, 1,
	 {PF("现场无泄漏、无异味", "chemical"), NUM("可燃气体浓度", 0, 10, "%LEL", "chemical"), PF("液位计指示正常", "mechanical"),
	  NUM("储罐温度", -10, 35, "℃", "mechanical"), PF("呼吸阀、阻火器完好", "mechanical"), PF("静电接地完好", "electrical"),
	  PF("消防设施完好", "fire"), PF("围堰排水阀关闭", "housekeeping"), PF("巡检通道畅通", "housekeeping"),
	  PF("无违章作业、无闲杂人员", "management")}},
};

struct demo_point {
	const char *name, *area, *equipment;
};

static const struct demo_point points[] = {
	{"甲醇储罐 T-401", "罐区 甲类储罐区", "T-401"},
	{"甲苯储罐 T-402", "罐区 甲类储罐区", "T-402"},
	{"装卸站台", "罐区 装卸站台", NULL},
	{"1#反应釜", "合成一车间 反应釜区", "R-101"},
	{"投料平台", "合成一车间 投料平台", NULL},
};

static int64_t one(struct db *c, const char *sql, const char *arg)
{
	int64_t id = 0;
	db_get_i64(c, &id, sql, "t", arg);
	return id;
}

static int add_templates(struct db *c, int64_t company, int64_t now, int64_t *round_tmpl)
{
	for (size_t t = 0; t < sizeof(templates) / sizeof(templates[0]); t++) {
		const struct demo_template *d = &templates[t];
		if (db_exec(c, "INSERT INTO check_templates (unit_id, name, kind, source, version, require_scan, created_at, updated_at)"
			       " VALUES (?, ?, ?, ?, 1, ?, ?, ?)", "IttiiII", company, d->name, d->kind, d->source, d->require_scan, now,
			    now) != DB_OK)
			return -1;
		int64_t id = db_last_id(c);
		if (!strcmp(d->kind, "round"))
			*round_tmpl = id;
		for (int i = 0; i < 11 && d->items[i].kind; i++) {
			const struct demo_item *it = &d->items[i];
			int num = !strcmp(it->kind, "number");
			if (db_exec(c, "INSERT INTO check_template_items (template_id, version, seq, kind, label, min_value, max_value, unit,"
				       " choices, fail_choices, category_id) VALUES (?, 1, ?, ?, ?, CASE WHEN ? <> 0 THEN ? END, CASE WHEN ? <> 0 THEN ? END,"
				       " ?, ?, ?, (SELECT id FROM hazard_categories WHERE code = ?))",
				    "Iittididtttt", id, i + 1, it->kind, it->label, num, it->lo, num, it->hi, it->unit, it->choices, it->fails,
				    it->category) != DB_OK)
				return -1;
		}
		/* the crane check belongs to the cranes (risk objects of equipment QZ-01, QZ-02) */
		if (!strcmp(d->kind, "special_equipment") &&
		    db_exec(c, "INSERT INTO check_bindings (template_id, target, target_id) SELECT ?, 'object', o.id FROM risk_objects o"
			       " JOIN equipment e ON e.id = o.equipment_id WHERE e.code IN ('QZ-01', 'QZ-02')", "I", id) != DB_OK)
			return -1;
	}
	return 0;
}

static int add_points_and_plans(struct db *c, int64_t round_tmpl, int64_t now)
{
	int64_t ids[5];
	for (int i = 0; i < 5; i++) {
		const struct demo_point *p = &points[i];
		int64_t area = one(c, "SELECT id FROM areas WHERE name = ?", p->area);
		int64_t eq = p->equipment ? one(c, "SELECT id FROM equipment WHERE code = ?", p->equipment) : 0;
		char tok[33];
		text_random_token(tok, 16);
		if (!area || db_exec(c, "INSERT INTO check_points (unit_id, name, area_id, equipment_id, object_id, token, nfc_id, created_at,"
				       " updated_at) SELECT a.unit_id, ?, a.id, NULLIF(?, 0), (SELECT o.id FROM risk_objects o WHERE"
				       " (? > 0 AND o.equipment_id = ?) OR (? = 0 AND o.area_id = a.id AND o.kind = 'area') ORDER BY o.id LIMIT 1),"
				       " ?, ?, ?, ? FROM areas a WHERE a.id = ?", "tIIIIttIII", p->name, eq, eq, eq, eq, tok,
				       i == 0 ? "04A1B2C3D4E501" : NULL, now, now, area) != DB_OK)
			return -1;
		ids[i] = db_last_id(c);
	}
	int64_t ws4 = one(c, "SELECT unit_id FROM areas WHERE name = ?", "罐区 甲类储罐区");
	int64_t ws1 = one(c, "SELECT unit_id FROM areas WHERE name = ?", "合成一车间 反应釜区");
	int64_t oper = one(c, "SELECT id FROM positions WHERE name = ?", "操作工");
	int64_t zhang = one(c, "SELECT id FROM users WHERE username = ?", "yuangong");
	if (db_exec(c, "INSERT INTO check_plans (unit_id, name, template_id, position_id, shift_start, shift_end, every_min, created_at,"
		       " updated_at) VALUES (?, '罐区夜班巡检', ?, ?, 1200, 480, 120, ?, ?)", "IIIII", ws4, round_tmpl, oper, now, now) != DB_OK)
		return -1;
	int64_t night = db_last_id(c);
	if (db_exec(c, "INSERT INTO check_plans (unit_id, name, template_id, user_id, shift_start, shift_end, every_min, created_at,"
		       " updated_at) VALUES (?, '合成一车间白班巡检', ?, ?, 480, 1200, 120, ?, ?)", "IIIII", ws1, round_tmpl, zhang, now,
		    now) != DB_OK)
		return -1;
	int64_t day = db_last_id(c);
	for (int i = 0; i < 3; i++)
		if (db_exec(c, "INSERT INTO check_plan_points (plan_id, seq, point_id) VALUES (?, ?, ?)", "IiI", night, i + 1, ids[i]) != DB_OK)
			return -1;
	for (int i = 3; i < 5; i++)
		if (db_exec(c, "INSERT INTO check_plan_points (plan_id, seq, point_id) VALUES (?, ?, ?)", "IiI", day, i - 2, ids[i]) != DB_OK)
			return -1;
	return 0;
}

int check_demo_load(struct db *c)
{
	int64_t now = clock_now(), today = day_of(now), round_tmpl = 0;
	int64_t company = one(c, "SELECT id FROM units WHERE kind = ? ORDER BY id LIMIT 1", "company");
	if (!company || add_templates(c, company, now, &round_tmpl) || add_points_and_plans(c, round_tmpl, now))
		return -1;
	/* three months of tasks as the scheduler makes them, and a device out of use last month */
	if (db_exec(c, "INSERT INTO check_stops (object_id, start_at, end_at, reason, created_at, updated_at)"
		       " SELECT o.id, ?, ?, '年度检修：更换搅拌器机封', ?, ? FROM risk_objects o JOIN equipment e ON e.id = o.equipment_id"
		       " WHERE e.code = 'R-102'", "IIII", day_start_utc(today - 40), day_start_utc(today - 33), now, now) != DB_OK)
		return -1;
	if (check_generate_days_tx(c, today - 90, today - 1, now) < 0)
		return -1;
	int64_t fallback = one(c, "SELECT id FROM users WHERE username = ?", "anhuan");
	/* records: most tasks done half an hour into their window (or half-way through a short one),
	 * one in thirteen missed, one in twenty-nine with its first item failed */
	if (db_exec(c, "INSERT INTO check_records (task_id, template_id, template_version, user_id, idem_key, scanned_at, finished_at,"
		       " failed) SELECT k.id, k.template_id, t.version, COALESCE(k.assignee_id, (SELECT u.id FROM users u WHERE"
		       " u.position_id = k.position_id AND u.active = 1 ORDER BY u.id LIMIT 1), ?), 'demo-' || k.id,"
		       " CASE WHEN t.require_scan = 1 THEN k.window_start + CASE WHEN k.window_end - k.window_start < 3600 THEN (k.window_end - k.window_start) / 2 ELSE 1800 END - 420 ELSE 0 END,"
		       " k.window_start + CASE WHEN k.window_end - k.window_start < 3600 THEN (k.window_end - k.window_start) / 2 ELSE 1800 END, CASE WHEN k.id % 29 = 0 THEN 1 ELSE 0 END"
		       " FROM check_tasks k JOIN check_templates t ON t.id = k.template_id WHERE k.status = 'open' AND k.window_end <= ?"
		       " AND k.id % 13 <> 0", "II", fallback, now) != DB_OK)
		return -1;
	if (db_exec(c, "INSERT INTO check_results (record_id, item_id, value, num, ok)"
		       " SELECT r.id, i.id, CASE WHEN r.failed = 1 AND i.seq = 1 THEN"
		       "   CASE i.kind WHEN 'number' THEN CAST(i.max_value + 1 AS TEXT) WHEN 'choice' THEN '红区' ELSE 'fail' END"
		       "  ELSE CASE i.kind WHEN 'number' THEN CAST((i.min_value + i.max_value) / 2 AS TEXT) WHEN 'choice' THEN '绿区'"
		       "   WHEN 'text' THEN '正常' ELSE 'pass' END END,"
		       " CASE WHEN i.kind = 'number' THEN (i.min_value + i.max_value) / 2 END, CASE WHEN r.failed = 1 AND i.seq = 1 THEN 0 ELSE 1 END"
		       " FROM check_records r JOIN check_template_items i ON i.template_id = r.template_id AND i.version = r.template_version"
		       " WHERE r.idem_key LIKE 'demo-%'", NULL) != DB_OK)
		return -1;
	if (db_exec(c, "UPDATE check_tasks SET status = 'done', record_id = (SELECT r.id FROM check_records r WHERE r.task_id = check_tasks.id)"
		       " WHERE status = 'open' AND EXISTS (SELECT 1 FROM check_records r WHERE r.task_id = check_tasks.id)", NULL) != DB_OK ||
	    db_exec(c, "UPDATE check_tasks SET status = 'missed', missed_at = window_end, escalation = 2 WHERE status = 'open'"
		       " AND window_end <= ?", "I", now) != DB_OK)
		return -1;
	return 0;
}
