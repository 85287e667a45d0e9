/*
 * risk_demo.c — the demo plant's risk register: 40 risk analysis objects across the five
 * workshops (areas, equipment, facilities, operations, posts), the methanol and toluene tank
 * farm as one 重大危险源 with its three 包保 people (应急厅〔2021〕12号), an event or two for each
 * object with measures of all four classes and their check cycles, assessed through the same
 * rules as a user's (risk_assess): a few 重大 and 较大 risks approved by the safety department,
 * one 较大 still waiting for approval, an overdue re-assessment task, and a couple of the demo's
 * hazards linked to their risk. Dated relative to clock_now().
 *
 * 岗位告知: the demo's people have confirmed the register as loaded, except the workshop-one
 * operators (张三 and his team), so that the phone page and the team leader's list show both.
 */
#include "risk/risk.h"
#include "risk/risk_map.h"
#include "auth/actor.h"
#include "base/clock.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>

struct demo_object {
	const char *kind, *name, *unit, *area, *equipment, *position;
	const char *event, *accident;	/* event name, accident code (2025 list) */
	double l, e, c;
	const char *event2, *accident2;	/* an optional second event */
	double l2, e2, c2;
};

/* units by name; areas by name; equipment by code; positions by name */
static const struct demo_object objects[] = {
	{"area", "反应釜区", "合成一车间", "合成一车间 反应釜区", NULL, NULL, "反应失控超温超压", "vessel", 3, 6, 15,
	 "物料泄漏着火", "fire", 1, 6, 15},
	{"equipment", "1#反应釜", "合成一车间", "合成一车间 反应釜区", "R-101", NULL, "搅拌停转局部过热", "vessel", 1, 6, 7, NULL, NULL, 0, 0, 0},
	{"equipment", "2#反应釜", "合成一车间", "合成一车间 反应釜区", "R-102", NULL, "人孔垫片泄漏", "poisoning", 1, 6, 7, NULL, NULL, 0, 0, 0},
	{"area", "投料平台", "合成一车间", "合成一车间 投料平台", NULL, NULL, "投料口坠落", "fall", 1, 6, 7, NULL, NULL, 0, 0, 0},
	{"equipment", "5t电动葫芦", "合成一车间", "合成一车间 投料平台", "QZ-01", NULL, "吊物坠落", "lifting", 1, 3, 15, NULL, NULL, 0, 0, 0},
	{"operation", "固体投料作业", "合成一车间", "合成一车间 投料平台", NULL, NULL, "粉尘静电着火", "dust_explosion", 1, 3, 15, NULL, NULL, 0, 0, 0},
	{"post", "反应釜操作工", "合成一车间", NULL, NULL, "操作工", "取样时接触有毒物料", "poisoning", 3, 6, 3, NULL, NULL, 0, 0, 0},
	{"facility", "车间配电柜", "合成一车间", "合成一车间 反应釜区", NULL, NULL, "检修时触电", "electric", 1, 3, 15, NULL, NULL, 0, 0, 0},
	{"area", "加氢反应区", "合成二车间", "合成二车间 加氢反应区", NULL, NULL, "氢气泄漏爆炸", "gas_explosion", 3, 6, 15,
	 "催化剂自燃", "fire", 1, 3, 15},
	{"equipment", "加氢反应器", "合成二车间", "合成二车间 加氢反应区", "R-201", NULL, "超压物理爆炸", "vessel", 1, 6, 40, NULL, NULL, 0, 0, 0},
	{"area", "离心机房", "合成二车间", "合成二车间 离心机房", NULL, NULL, "溶剂蒸气积聚爆炸", "vapour_explosion", 1, 6, 15, NULL, NULL, 0, 0, 0},
	{"equipment", "10t桥式起重机", "合成二车间", "合成二车间 离心机房", "QZ-02", NULL, "吊装物坠落伤人", "lifting", 3, 3, 15, NULL, NULL, 0, 0, 0},
	{"operation", "加氢投用作业", "合成二车间", "合成二车间 加氢反应区", NULL, NULL, "置换不合格开车爆炸", "gas_explosion", 1, 2, 40, NULL, NULL, 0, 0, 0},
	{"facility", "卧式离心机", "合成二车间", "合成二车间 离心机房", NULL, NULL, "转鼓卷入", "machinery", 1, 6, 7, NULL, NULL, 0, 0, 0},
	{"facility", "氢气管线", "合成二车间", "合成二车间 加氢反应区", NULL, NULL, "法兰泄漏", "leak", 1, 6, 15, NULL, NULL, 0, 0, 0},
	{"post", "加氢操作工", "合成二车间", NULL, NULL, "操作工", "误操作超温", "vessel", 1, 6, 15, NULL, NULL, 0, 0, 0},
	{"area", "精馏塔区", "精馏车间", "精馏车间 精馏塔区", NULL, NULL, "塔顶冷凝失效泄漏着火", "fire", 1, 6, 15, NULL, NULL, 0, 0, 0},
	{"equipment", "1#精馏塔", "精馏车间", "精馏车间 精馏塔区", "C-301", NULL, "塔釜超压", "vessel", 1, 6, 40, NULL, NULL, 0, 0, 0},
	{"area", "中控室", "精馏车间", "精馏车间 中控室", NULL, NULL, "DCS 失电误判", "other", 1, 6, 3, NULL, NULL, 0, 0, 0},
	{"facility", "再沸器", "精馏车间", "精馏车间 精馏塔区", NULL, NULL, "蒸汽烫伤", "burn", 1, 6, 7, NULL, NULL, 0, 0, 0},
	{"facility", "塔顶冷凝器", "精馏车间", "精馏车间 精馏塔区", NULL, NULL, "冷却水中断", "leak", 1, 3, 7, NULL, NULL, 0, 0, 0},
	{"post", "DCS 操作员", "精馏车间", NULL, NULL, "操作工", "报警处置延误", "other", 1, 6, 3, NULL, NULL, 0, 0, 0},
	{"operation", "塔器检修作业", "精馏车间", "精馏车间 精馏塔区", NULL, NULL, "高处作业坠落", "fall", 1, 2, 15, NULL, NULL, 0, 0, 0},
	{"facility", "回流泵", "精馏车间", "精馏车间 精馏塔区", NULL, NULL, "机封泄漏", "leak", 3, 6, 3, NULL, NULL, 0, 0, 0},
	{"area", "甲类储罐区", "罐区", "罐区 甲类储罐区", NULL, NULL, "储罐泄漏蒸气云爆炸", "vapour_explosion", 3, 6, 40,
	 "罐区雷击火灾", "fire", 1, 6, 40},
	{"equipment", "甲醇储罐", "罐区", "罐区 甲类储罐区", "T-401", NULL, "冒罐泄漏着火", "fire", 1, 6, 40, NULL, NULL, 0, 0, 0},
	{"equipment", "甲苯储罐", "罐区", "罐区 甲类储罐区", "T-402", NULL, "呼吸阀堵塞罐体变形", "vessel", 1, 3, 15, NULL, NULL, 0, 0, 0},
	{"area", "装卸站台", "罐区", "罐区 装卸站台", NULL, NULL, "装车静电着火", "fire", 3, 3, 15, NULL, NULL, 0, 0, 0},
	{"equipment", "3t叉车", "罐区", "罐区 装卸站台", "CC-01", NULL, "叉车撞人", "plant_vehicle", 1, 6, 15, NULL, NULL, 0, 0, 0},
	{"operation", "槽车装卸作业", "罐区", "罐区 装卸站台", NULL, NULL, "鹤管脱落泄漏", "leak", 1, 6, 15, NULL, NULL, 0, 0, 0},
	{"post", "罐区巡检工", "罐区", NULL, NULL, "操作工", "巡检时吸入有毒蒸气", "poisoning", 1, 6, 7, NULL, NULL, 0, 0, 0},
	{"facility", "防火堤", "罐区", "罐区 甲类储罐区", NULL, NULL, "堤内积水排放阀未关", "fire", 1, 3, 15, NULL, NULL, 0, 0, 0},
	{"area", "锅炉房", "公用工程车间", "公用工程 锅炉房", NULL, NULL, "燃气泄漏爆炸", "gas_explosion", 1, 6, 40, NULL, NULL, 0, 0, 0},
	{"equipment", "燃气蒸汽锅炉", "公用工程车间", "公用工程 锅炉房", "B-501", NULL, "缺水干烧爆炸", "vessel", 1, 6, 40, NULL, NULL, 0, 0, 0},
	{"area", "配电室", "公用工程车间", "公用工程 配电室", NULL, NULL, "带电误操作电弧灼伤", "electric", 1, 6, 15, NULL, NULL, 0, 0, 0},
	{"area", "空压制氮站", "公用工程车间", "公用工程 空压制氮站", NULL, NULL, "氮气窒息", "asphyxiation", 1, 3, 15, NULL, NULL, 0, 0, 0},
	{"equipment", "空压机储气罐", "公用工程车间", "公用工程 空压制氮站", "P-503", NULL, "储气罐超压", "vessel", 1, 6, 7, NULL, NULL, 0, 0, 0},
	{"operation", "受限空间作业", "公用工程车间", NULL, NULL, NULL, "有限空间中毒窒息", "poisoning", 3, 3, 40, NULL, NULL, 0, 0, 0},
	{"post", "电工", "公用工程车间", NULL, NULL, "电工", "低压带电作业触电", "electric", 1, 6, 15, NULL, NULL, 0, 0, 0},
	{"equipment", "蒸汽管道", "安全环保部", "全厂 管廊", "GD-01", NULL, "保温脱落烫伤", "burn", 1, 3, 7, NULL, NULL, 0, 0, 0},
	{NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, NULL, NULL, 0, 0, 0},
};

/* Measures of each class for an event: what is done, what a check looks at, how often. */
struct demo_measure {
	const char *cls, *cls2, *text, *check;
	int cycle;
	const char *unit, *cl, *work_type;
};
static const struct demo_measure measures[] = {
	{"eng", "eng.interlock", "%s：可燃有毒气体检测报警和联锁投用", "报警器、联锁是否投用完好", 1, "day", "workshop", "routine"},
	{"maint", "maint.static", "%s：设备定期检查和预防性维护", "维护记录、密封、腐蚀情况", 1, "month", "workshop", "routine"},
	{"oper", "oper.procedure", "%s：严格执行操作规程和交接班制度", "操作记录、交接班记录", 1, "week", "team", "routine"},
	{"emerg", "emerg.facilities", "%s：配备应急器材并定期演练", "器材完好、在有效期内", 1, "month", "team", "routine"},
};

static int64_t id_of(struct db *c, const char *sql, const char *arg)
{
	int64_t id = 0;
	if (!arg)
		return 0;
	db_get_i64(c, &id, sql, "t", arg);
	return id;
}

static int64_t add_event(struct db *c, const struct actor *a, int64_t runit, int64_t resp, const char *name,
			 const char *accident, double l, double e, double cc, int approve)
{
	int64_t now = a->now;
	int64_t acc = id_of(c, "SELECT id FROM risk_accident_types WHERE list = '2025' AND code = ?", accident);
	if (db_exec(c, "INSERT INTO risk_events (risk_unit_id, name, accident_type_id, emergency, created_at, updated_at)"
		       " VALUES (?, ?, NULLIF(?, 0), '立即报告班长和中控室，按现场处置方案处置，疏散无关人员', ?, ?)", "ItIII",
		    runit, name, acc, now, now) != DB_OK)
		return -1;
	int64_t ev = db_last_id(c);
	for (size_t i = 0; i < sizeof(measures) / sizeof(measures[0]); i++) {
		const struct demo_measure *m = &measures[i];
		char text[256];
		snprintf(text, sizeof(text), m->text, name);
		if (db_exec(c, "INSERT INTO risk_measures (event_id, description, classify1, classify2, check_content, control_level,"
			       " resp_user_id, check_cycle, check_cycle_unit, work_start, work_end, work_type, sort, created_at,"
			       " updated_at) VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, 0), ?, ?, 480, 1050, ?, ?, ?, ?)",
			    "ItttttIittiII", ev, text, m->cls, m->cls2, m->check, m->cl, resp,
			    m->cycle, m->unit, m->work_type, (int)i, now, now) != DB_OK)
			return -1;
	}
	struct risk_assess_in in = {.event_id = ev, .scores = {"LEC", l, e, cc, 0}, .reason = "initial", .stage = "residual"};
	int64_t aid = 0;
	const char *field = NULL;
	if (risk_assess(a, &in, &aid, &field))
		return -1;
	if (approve) {
		int64_t pending = 0;
		db_get_i64(c, &pending, "SELECT count(*) FROM risk_assessments WHERE id = ? AND approval = 'pending'", "I", aid);
		if (pending && risk_approve(a, aid, 1, "演示数据") != 0)
			return -1;
	}
	return ev;
}

int risk_demo_load(struct db *c)
{
	struct actor a;
	actor_system(c, "demo", &a);
	a.now = clock_now();
	int64_t principal = id_of(c, "SELECT id FROM users WHERE username = ?", "zhuren");
	int64_t technical = id_of(c, "SELECT id FROM users WHERE username = ?", "zongjian");
	int64_t safety = id_of(c, "SELECT id FROM users WHERE username = ?", "anhuan");
	int64_t operations = 0;
	db_get_i64(c, &operations, "SELECT min(u.id) FROM users u JOIN units t ON t.id = u.unit_id JOIN units w ON w.id = t.parent_id"
				   " JOIN user_roles ur ON ur.user_id = u.id JOIN roles r ON r.id = ur.role_id"
				   " WHERE w.name = '罐区' AND r.code = 'team_leader'", NULL);
	int64_t first_event[64] = {0};
	int n = 0;
	for (const struct demo_object *o = objects; o->kind; o++, n++) {
		int64_t unit = id_of(c, "SELECT id FROM units WHERE name = ?", o->unit);
		int64_t area = id_of(c, "SELECT id FROM areas WHERE name = ?", o->area);
		int64_t eq = id_of(c, "SELECT id FROM equipment WHERE code = ?", o->equipment);
		int64_t pos = id_of(c, "SELECT id FROM positions WHERE name = ?", o->position);
		int64_t head = 0;
		db_get_i64(c, &head, "SELECT COALESCE(head_user_id, 0) FROM units WHERE id = ?", "I", unit);
		int mhs = !strcmp(o->name, "甲类储罐区");	/* the methanol and toluene tank farm: 重大危险源 三级 */
		if (!unit)
			return -1;
		if (db_exec(c, "INSERT INTO risk_objects (kind, code, name, unit_id, area_id, equipment_id, position_id, hazard_code,"
			       " hazard_level, principal_user_id, technical_user_id, operations_user_id, resp_unit_id, resp_user_id,"
			       " created_at, updated_at) VALUES (?, ?, ?, ?, NULLIF(?, 0), NULLIF(?, 0), NULLIF(?, 0), ?, NULLIF(?, 0),"
			       " NULLIF(?, 0), NULLIF(?, 0), NULLIF(?, 0), ?, NULLIF(?, 0), ?, ?)",
			    "tttIIIItiIIIIIII", o->kind, o->equipment ? o->equipment : "", o->name, unit, area, eq, pos,
			    mhs ? "DEMO-MHS-01" : "", mhs ? 3 : 0, mhs ? principal : 0, mhs ? technical : 0,
			    mhs ? operations : 0, unit, head, a.now, a.now) != DB_OK)
			return -1;
		int64_t obj = db_last_id(c);
		if (db_exec(c, "INSERT INTO risk_units (object_id, name, resp_unit_id, resp_user_id, created_at, updated_at)"
			       " VALUES (?, ?, ?, NULLIF(?, 0), ?, ?)", "ItIIII", obj, o->name, unit, head, a.now, a.now) != DB_OK)
			return -1;
		int64_t ru = db_last_id(c);
		/* C-301's 较大 result is left waiting for the safety department's approval */
		int approve = strcmp(o->name, "1#精馏塔") != 0;
		first_event[n] = add_event(c, &a, ru, head, o->event, o->accident, o->l, o->e, o->c, approve);
		if (first_event[n] < 0)
			return -1;
		if (o->event2 && add_event(c, &a, ru, head, o->event2, o->accident2, o->l2, o->e2, o->c2, 1) < 0)
			return -1;
	}
	/* the safety department answers for the plant-wide objects */
	db_exec(c, "UPDATE risk_objects SET resp_user_id = ? WHERE resp_user_id IS NULL", "I", safety);
	/* two demo hazards of the reactor area linked to its first risk, which is marked for
	 * re-assessment with a task already past its deadline */
	int64_t reactor_event = first_event[0];
	if (db_exec(c, "INSERT INTO risk_hazard_links (hazard_id, event_id, object_id, accident_type_id, via, reported_at, linked_at)"
		       " SELECT h.id, e.id, ru.object_id, e.accident_type_id, 'area', h.reported_at, ? FROM hazards h"
		       " JOIN areas ar ON ar.id = h.area_id JOIN risk_events e ON e.id = ? JOIN risk_units ru ON ru.id = e.risk_unit_id"
		       " WHERE ar.name = '合成一车间 反应釜区' ORDER BY h.id LIMIT 2", "II", a.now, reactor_event) != DB_OK)
		return -1;
	if (risk_task_open(c, reactor_event, "hazard_count", 0, "演示：同类隐患多发", a.now - 10 * 86400) < 0)
		return -1;
	/* the scheduler starts after the demo's hazards: they are settled above */
	if (db_exec(c, "UPDATE settings SET value = (SELECT CAST(COALESCE(max(id), 0) AS TEXT) FROM hazards)"
		       " WHERE key = 'risk.hazard_scan_after'", NULL) != DB_OK)
		return -1;
	/* 岗位告知: everyone has confirmed the loaded register but the first workshop's teams */
	if (db_exec(c, "UPDATE risk_acks SET confirmed_at = asked_at WHERE user_id NOT IN (SELECT us.id FROM users us"
		       " JOIN units t ON t.id = us.unit_id JOIN units w ON w.id = t.parent_id WHERE w.name = '合成一车间')", NULL) != DB_OK ||
	    db_exec(c, "DELETE FROM notifications WHERE kind = 'risk.ack' AND user_id NOT IN (SELECT user_id FROM risk_acks"
		       " WHERE confirmed_at = 0)", NULL) != DB_OK)
		return -1;
	/* the plant drawing with the areas placed (risk_map_demo.c) */
	return risk_map_demo_load(c);
}
