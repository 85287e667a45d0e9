/*
 * demo.c — `anquan demo`: a realistic demo company for trying anquan and for tests.
 *
 * One plant of a chemical group: five workshops, four departments, twelve teams, about 60
 * people with Chinese names, one account per default role, areas with coordinates (around
 * an industrial park in Nanjing) and equipment. Every account's password is
 * ANQUAN_DEMO_PASSWORD when set; otherwise one is generated per role account and printed.
 * Demo accounts need no password change at first sign-in, so the demo works at once.
 */
#include "cli/cli.h"
#include "auth/actor.h"
#include "auth/auth.h"
#include "base/log.h"
#include "base/module.h"
#include "base/strbuf.h"
#include "base/text.h"
#include "db/db.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct demo_unit {
	const char *key, *parent, *name, *kind;
};

static const struct demo_unit units[] = {
	{"group", NULL, "华东化工集团", "group"},
	{"plant", "group", "江宁精细化工有限公司", "company"},
	{"hse", "plant", "安全环保部", "department"},
	{"eqd", "plant", "设备动力部", "department"},
	{"hrd", "plant", "人力资源部", "department"},
	{"gmo", "plant", "总经理办公室", "department"},
	{"ws1", "plant", "合成一车间", "workshop"},
	{"ws2", "plant", "合成二车间", "workshop"},
	{"ws3", "plant", "精馏车间", "workshop"},
	{"ws4", "plant", "罐区", "workshop"},
	{"ws5", "plant", "公用工程车间", "workshop"},
	{"t11", "ws1", "合成一车间甲班", "team"},
	{"t12", "ws1", "合成一车间乙班", "team"},
	{"t13", "ws1", "合成一车间维修班", "team"},
	{"t21", "ws2", "合成二车间甲班", "team"},
	{"t22", "ws2", "合成二车间乙班", "team"},
	{"t31", "ws3", "精馏甲班", "team"},
	{"t32", "ws3", "精馏乙班", "team"},
	{"t41", "ws4", "罐区装卸班", "team"},
	{"t42", "ws4", "罐区巡检班", "team"},
	{"t51", "ws5", "锅炉班", "team"},
	{"t52", "ws5", "电气班", "team"},
	{"t53", "ws5", "空压制氮班", "team"},
	{NULL, NULL, NULL, NULL},
};

/* The accounts the README lists: one per default role. */
struct demo_account {
	const char *username, *name, *unit, *roles, *position;
};

static const struct demo_account accounts[] = {
	{"admin", "周建国", "gmo", "sysadmin", "信息主管"},
	{"anquan", "郑文博", "gmo", "secadmin", "信息安全主管"},
	{"auditor", "吴雪梅", "gmo", "auditor", "审计专员"},
	{"zongjian", "陈志强", "hse", "safety_director", "安全总监"},
	{"zhuren", "王海涛", "gmo", "principal", "总经理"},
	{"anhuan", "李静", "hse", "safety_dept", "安全工程师"},
	{"ws1zhuren", "刘德华", "ws1", "ws_director", "车间主任"},
	{"ws1anquan", "赵磊", "ws1", "ws_safety", "车间安全员"},
	{"banzhang", "孙伟", "t11", "team_leader", "班组长"},
	{"yuangong", "张三", "t11", "worker", "操作工"},
	{"shebei", "马建军", "eqd", "equip_manager", "设备主管"},
	{"renshi", "黄丽", "hrd", "hr", "人事专员"},
	{NULL, NULL, NULL, NULL, NULL},
};

/* Further staff: team leaders for the other teams, and operators. */
static const char *const surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹";
static const char *const given[] = {"伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇",
				    "艳", "杰", "涛", "明", "超", "秀英", "华", "平", "刚", "桂英",
				    "建华", "晓东", "海燕", "志刚", "春梅", "国庆", "红霞", "立新"};

struct demo_area {
	const char *name, *unit;
	double dlat, dlng;	/* offset from the plant's centre, in degrees */
	int radius;
};

static const struct demo_area areas[] = {
	{"合成一车间 反应釜区", "ws1", 0.0010, 0.0012, 60},
	{"合成一车间 投料平台", "ws1", 0.0012, 0.0008, 40},
	{"合成二车间 加氢反应区", "ws2", -0.0008, 0.0015, 60},
	{"合成二车间 离心机房", "ws2", -0.0011, 0.0010, 40},
	{"精馏车间 精馏塔区", "ws3", 0.0004, -0.0012, 80},
	{"精馏车间 中控室", "ws3", 0.0002, -0.0009, 30},
	{"罐区 甲类储罐区", "ws4", -0.0020, -0.0015, 120},
	{"罐区 装卸站台", "ws4", -0.0024, -0.0010, 60},
	{"公用工程 锅炉房", "ws5", 0.0020, 0.0020, 50},
	{"公用工程 配电室", "ws5", 0.0018, 0.0025, 30},
	{"公用工程 空压制氮站", "ws5", 0.0022, 0.0016, 40},
	{"全厂 管廊", "hse", 0.0000, 0.0000, 300},
	{NULL, NULL, 0, 0, 0},
};

struct demo_equipment {
	const char *code, *name, *kind, *area;
};

static const struct demo_equipment equipment[] = {
	{"R-101", "1#反应釜", "pressure_vessel", "合成一车间 反应釜区"},
	{"R-102", "2#反应釜", "pressure_vessel", "合成一车间 反应釜区"},
	{"R-201", "加氢反应器", "pressure_vessel", "合成二车间 加氢反应区"},
	{"C-301", "1#精馏塔", "pressure_vessel", "精馏车间 精馏塔区"},
	{"T-401", "甲醇储罐", "tank", "罐区 甲类储罐区"},
	{"T-402", "甲苯储罐", "tank", "罐区 甲类储罐区"},
	{"B-501", "燃气蒸汽锅炉", "boiler", "公用工程 锅炉房"},
	{"QZ-01", "5t电动葫芦", "crane", "合成一车间 投料平台"},
	{"QZ-02", "10t桥式起重机", "crane", "合成二车间 离心机房"},
	{"CC-01", "3t叉车", "forklift", "罐区 装卸站台"},
	{"GD-01", "蒸汽管道", "pressure_piping", "全厂 管廊"},
	{"P-503", "空压机储气罐", "pressure_vessel", "公用工程 空压制氮站"},
	{NULL, NULL, NULL, NULL},
};

static int64_t unit_id(int64_t *ids, const char *key)
{
	for (int i = 0; units[i].key; i++)
		if (!strcmp(units[i].key, key))
			return ids[i];
	return 0;
}

/* A generated password that meets the policy: 14 random hex digits plus fixed classes. */
static void gen_password(char out[32])
{
	char hex[17];
	text_random_token(hex, 7);
	snprintf(out, 32, "Aq-%s", hex);
}

int demo_load(struct db *c, int quiet)
{
	int64_t ids[64] = {0};
	const char *fixed = getenv("ANQUAN_DEMO_PASSWORD");
	char *shared_hash = NULL;
	struct strbuf shown = STRBUF_INIT;
	struct actor demo;	/* the program acting, "demo" in the audit log */
	actor_system(c, "demo", &demo);
	int rc = -1;

	if (fixed && auth_password_problem(fixed)) {
		log_error("demo: ANQUAN_DEMO_PASSWORD does not meet the password policy");
		return -1;
	}
	if (fixed && auth_hash_password(fixed, &shared_hash))
		return -1;
	if (db_begin(c) != DB_OK)
		goto out;
	for (int i = 0; units[i].key; i++) {
		ids[i] = org_unit_create(c, units[i].parent ? unit_id(ids, units[i].parent) : 0,
					 units[i].name, units[i].kind);
		if (ids[i] < 0)
			goto fail;
	}
	const char *positions[] = {"操作工", "班组长", "车间主任", "车间安全员", "安全工程师", "安全总监",
				   "总经理", "设备主管", "人事专员", "信息主管", "信息安全主管", "审计专员", "维修工",
				   "电工", "焊工", "司炉工", NULL};
	for (int i = 0; positions[i]; i++)
		if (db_exec(c, "INSERT INTO positions (name) VALUES (?)", "t", positions[i]) != DB_OK)
			goto fail;

	int64_t director = 0, n = 0;
	char pw[32];
	for (const struct demo_account *a = accounts; a->username; a++) {
		char *hash = NULL;
		if (!fixed) {
			gen_password(pw);
			if (auth_hash_password(pw, &hash))
				goto fail;
		}
		char emp[32];
		snprintf(emp, sizeof(emp), "JN%04lld", (long long)++n);
		int64_t uid = org_user_create(c, a->username, a->name, emp, NULL, unit_id(ids, a->unit),
					      a->roles, fixed ? shared_hash : hash, 0);
		if (uid > 0 && !fixed && !strcmp(a->roles, "worker"))
			shared_hash = xstrdup(hash);	/* other staff share the worker's password */
		free(hash);
		if (uid < 0)
			goto fail;
		db_exec(c, "UPDATE users SET position_id = (SELECT id FROM positions WHERE name = ?) WHERE id = ?",
			"tI", a->position, uid);
		if (!strcmp(a->roles, "safety_director"))
			director = uid;
		sb_addf(&shown, "  %-11s %-6s %s\n", a->username, fixed ? fixed : pw, a->roles);
	}
	/* unit heads: used by escalation (assignee → supervisor → unit head → safety director) */
	db_exec(c, "UPDATE units SET head_user_id = (SELECT id FROM users WHERE username = 'ws1zhuren') WHERE id = ?",
		"I", unit_id(ids, "ws1"));
	db_exec(c, "UPDATE units SET head_user_id = ? WHERE id = ?", "II", director, unit_id(ids, "hse"));

	/* further staff: a leader for each team without one, and 3–4 operators per team */
	int g = 0;
	size_t nsur = strlen(surnames) / 3;	/* each surname is 3 bytes of UTF-8 */
	for (int i = 0; units[i].key; i++) {
		if (strcmp(units[i].kind, "team"))
			continue;
		int members = !strcmp(units[i].key, "t11") ? 2 : 4;
		int64_t leader = 0;
		db_get_i64(c, &leader, "SELECT u.id FROM users u JOIN user_roles ur ON ur.user_id = u.id"
			   " JOIN roles ro ON ro.id = ur.role_id WHERE u.unit_id = ? AND ro.code = 'team_leader'",
			   "I", ids[i]);
		for (int m = 0; m < members; m++, g++) {
			char uname[16], name[32], emp[32];
			int is_leader = !leader && m == 0;
			snprintf(uname, sizeof(uname), "u%03d", g + 1);
			snprintf(name, sizeof(name), "%.3s%s", surnames + 3 * ((size_t)g * 7 % nsur),
				 given[(g * 5 + 3) % (int)(sizeof(given) / sizeof(given[0]))]);
			snprintf(emp, sizeof(emp), "JN%04lld", (long long)++n);
			char phone[32];
			snprintf(phone, sizeof(phone), "1380000%04d", g + 1);
			int64_t uid = org_user_create(c, uname, name, emp, phone, ids[i],
						      is_leader ? "team_leader" : "worker", shared_hash, 0);
			if (uid < 0)
				goto fail;
			db_exec(c, "UPDATE users SET position_id = (SELECT id FROM positions WHERE name = ?)"
				   " WHERE id = ?", "tI", is_leader ? "班组长" : "操作工", uid);
			if (is_leader)
				leader = uid;
		}
		db_exec(c, "UPDATE users SET supervisor_id = ? WHERE unit_id = ? AND id <> ? AND supervisor_id IS NULL",
			"III", leader, ids[i], leader);
	}
	/* team leaders report to their workshop's director, if the workshop has one */
	db_exec(c, "UPDATE users SET supervisor_id = (SELECT w.head_user_id FROM units t JOIN units w ON w.id = t.parent_id"
		   " WHERE t.id = users.unit_id) WHERE id IN (SELECT ur.user_id FROM user_roles ur JOIN roles ro"
		   " ON ro.id = ur.role_id WHERE ro.code = 'team_leader')", NULL);

	/* areas around the plant's centre (an industrial park in Nanjing) */
	for (const struct demo_area *a = areas; a->name; a++)
		if (org_area_create(c, a->name, unit_id(ids, a->unit), 31.9305 + a->dlat,
				    118.8412 + a->dlng, a->radius, 1) < 0)
			goto fail;
	for (const struct demo_equipment *e = equipment; e->code; e++) {
		if (db_exec(c, "INSERT INTO equipment (code, name, kind, area_id, unit_id, created_at)"
			       " SELECT ?, ?, ?, a.id, a.unit_id, ? FROM areas a WHERE a.name = ?",
			    "tttIt", e->code, e->name, e->kind, (int64_t)0, e->area) != DB_OK)
			goto fail;
	}
	/* then each module's records, in module order (src/modules.c): hazards, certificates,
	 * equipment inspections, permits (which use a certificate of the demo's) */
	for (const struct module *const *m = module_registry(); *m; m++)
		if ((*m)->demo_load && (*m)->demo_load(c))
			goto fail;
	int64_t people = 0;
	db_get_i64(c, &people, "SELECT count(*) FROM users", NULL);
	char summary[96];
	snprintf(summary, sizeof(summary), "demo company loaded: %lld people", (long long)people);
	if (actor_audit(&demo, "system", 0, "demo_load", summary) != DB_OK)
		goto fail;
	if (db_commit(c) != DB_OK)
		goto out;
	rc = 0;
	if (!quiet) {
		printf("Demo company loaded (%lld people). Sign in at the address below with:\n%s",
		       (long long)people, shown.buf);
		if (!fixed)
			printf("  (other staff, u001…u%03d, share yuangong's password)\n", g);
		fflush(stdout);
	}
	goto out;
fail:
	log_error("demo: loading failed: %s", db_errmsg(c));
	db_rollback(c);
out:
	free(shared_hash);
	sb_release(&shown);
	return rc;
}

int cmd_demo(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: anquan demo\n\nLoad the demo company into an empty database and print the\n"
		       "sign-in names. ANQUAN_DEMO_PASSWORD sets every demo password.\n");
		return 0;
	}
	struct db *c = cli_open_db();
	if (!c)
		return 1;
	int64_t users = 0;
	db_get_i64(c, &users, "SELECT count(*) FROM users", NULL);
	if (users) {
		fprintf(stderr, "anquan demo: the database already has users; demo data is only loaded"
				" into an empty one\n");
		db_close(c);
		return 1;
	}
	int rc = demo_load(c, 0);
	db_close(c);
	return rc ? 1 : 0;
}
