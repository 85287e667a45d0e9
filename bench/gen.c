/*
 * gen.c — `build/bench/gen`: fill a database with a plant group large enough to measure.
 *
 *   build/bench/gen [--hazards N] [--people N] [--areas N] [--plants N] [--certs N]
 *                   [--permits N] [--seed N] --out FILE
 *   build/bench/gen --jpeg FILE KB       a photo of about KB kilobytes for upload scenarios
 *
 * Default: one group of 3 plants, 2,000 people, 300 areas, 1,000,000 hazards spread over the
 * last 3 years, each with a lifecycle that follows the transition table of hazard_flow.c
 * (report → accept → start → submit → verify, with rejections, on-the-spot fixes,
 * cancellations, hazards stuck and overdue, major hazards with governance plans and
 * assessments, repeats detected by the same 30-day rule as hazard_create), 20,000
 * certificates and 50,000 permits to work (each only when its module's tables exist).
 *
 * The schema is the real one: the database is created by db_open + db_migrate, linked from
 * the project's objects, so a migration that changes a table changes what is generated
 * (or breaks the build here, which is the point).
 *
 * Why it is fast enough (1,000,000 hazards in well under 5 minutes on 2 cores):
 *  - synchronous=OFF and no rollback journal while generating: a crash half-way means
 *    running the generator again, nothing else; the file is switched back to WAL at the end;
 *  - raw prepared statements re-bound in a loop, one transaction per batch of hazards;
 *  - the secondary indexes of the bulk tables are dropped first and re-created at the end
 *    from the exact SQL the migrations stored in sqlite_master, so the indexes are the
 *    migrations' own, built once by sorting instead of row by row;
 *  - photos are a small shared set of real JPEGs (content-addressed blobs, as a plant that
 *    photographs the same corners would have), encoded once through hazard_store_photo.
 *
 * Every account's password is BENCH_PASSWORD below (or $ANQUAN_BENCH_PASSWORD); one account
 * per role and plant is named ROLE + plant number (worker1, safety_dept1, sysadmin2, …) so
 * that benchmark scenarios can sign in in any role. No per-hazard audit entries are written
 * (audit_append stamps "now"; a million entries at one instant would be less realistic
 * than none); one entry records the generation, so `anquan audit verify` passes.
 */
#include "audit/audit.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "cert/cert.h"
#include "db/db.h"
#include "db/db_sqlite.h"
#include "hazard/hazard.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <turbojpeg.h>
#include <unistd.h>

#define BENCH_PASSWORD "Bench-Pass-2026"
#define BATCH 50000		/* hazards per transaction */
#define NPHOTOS 16		/* distinct "before" photos */
#define NAFTER 4		/* distinct "after" photos */
#define WORKSHOPS 8		/* per plant */
#define TEAMS 3			/* per workshop */
#define YEARS 3

static const char *const plant_names[] = {"江宁精细化工有限公司", "扬子石化助剂有限公司", "连云港新材料有限公司",
					  "泰兴氯碱化工有限公司", "南通医药中间体有限公司", "盐城农药化工有限公司"};
static const char *const ws_names[WORKSHOPS] = {"合成一车间", "合成二车间", "精馏车间", "罐区", "公用工程车间",
						"包装车间", "污水处理站", "仓储物流部"};
static const char *const team_names[TEAMS] = {"甲班", "乙班", "维修班"};
static const char *const depts[4] = {"安全环保部", "设备动力部", "人力资源部", "总经理办公室"};
static const char *const spots[] = {"反应釜区", "投料平台", "离心机房", "精馏塔区", "中控室", "储罐区", "装卸站台",
				    "锅炉房", "配电室", "空压站", "管廊", "泵房", "化验室", "危化品库", "循环水站",
				    "冷冻站", "门卫", "办公楼", "机修间", "包装线"};
static const char *const eq_kinds[] = {"pressure_vessel", "tank", "boiler", "crane", "forklift", "pressure_piping",
				       "general", "general"};
static const char *const eq_names[] = {"反应釜", "储罐", "锅炉", "电动葫芦", "叉车", "蒸汽管道", "离心泵", "风机"};
static const char *const texts[] = {
	"配电柜门未关闭，柜内有积灰", "反应釜搅拌电机防护罩缺失", "消防通道被物料堆放占用",
	"储罐呼吸阀附近有漏油痕迹", "平台护栏松动", "现场地面油污未清理，易滑倒",
	"巡检人员未佩戴安全帽", "动火作业票未按规定审批", "灭火器压力不足，指针在红区",
	"离心机接地线断开", "管廊上方有高处坠物风险", "化学品仓库通风扇停转",
	"临时用电线缆拖地，绝缘层破损", "安全阀校验标签过期", "叉车倒车报警器失灵",
	"气体报警仪未按期标定", "洗眼器水压不足", "楼梯踏板锈蚀", "配电室挡鼠板缺失",
	"储气罐压力表损坏", "法兰连接处有滴漏", "应急照明灯不亮", "安全警示标志褪色",
	"有限空间入口未上锁", "防爆区域使用非防爆手机", "泵机械密封泄漏", "操作规程未张贴",
	"静电接地夹损坏", "钢瓶未固定，存在倾倒风险", "劳保手套破损仍在使用",
	"消火栓被遮挡", "排水沟堵塞积水", "电缆桥架盖板缺失", "物料堆放超高",
	"可燃气体探头被塑料袋包裹", "作业人员未系安全带", "吊具钢丝绳断丝",
};
static const char *const notes_rectify[] = {"已整改完毕，请验收", "已更换损坏部件", "已清理并设置警示",
					    "已重新固定并试验", "已联系厂家维修完成"};
static const char *const notes_verify[] = {"现场复查合格", "整改到位", "复查合格，同意关闭"};
static const char *const notes_reject[] = {"整改不彻底，请重新处理", "照片不清楚，现场仍有问题"};
static const char *const notes_cancel[] = {"重复上报，已合并", "不属于隐患", "误报"};
static const char *const roles[] = {"worker", "team_leader", "ws_safety", "ws_director", "safety_dept",
				    "safety_director", "principal", "equip_manager", "hr", "sysadmin", "auditor"};
#define NROLES (int)(sizeof(roles) / sizeof(roles[0]))
static const char *const surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹";
static const char *const given[] = {"伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明",
				    "超", "秀英", "华", "平", "刚", "桂英", "建华", "晓东", "海燕", "志刚", "春梅"};

#define N(a) (int)(sizeof(a) / sizeof((a)[0]))

/* xorshift64*: fast, and a fixed seed gives the same data set every time */
static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}
static int64_t rn(int64_t n) { return n > 0 ? (int64_t)(rnd() % (uint64_t)n) : 0; }
static int pct(double p) { return (double)(rnd() >> 11) / 9007199254740992.0 < p / 100.0; }

struct plant {
	int64_t unit, hse, eqd, hrd, gmo, ws[WORKSHOPS], team[WORKSHOPS][TEAMS];
	int64_t director, principal, safety_dept;	/* accounts acting on hazards */
	int64_t ws_director[WORKSHOPS], ws_safety[WORKSHOPS], leader[WORKSHOPS][TEAMS];
	int64_t *people, *punit;	/* everyone in the plant (reporters) and their units */
	int npeople;
	int64_t *areas;
	int nareas;
};

struct area {
	int64_t id, unit, eq[4];
	char eqname[4][64];
	int plant, ws, neq;
	const char *name;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(struct db *c, const char *what)
{
	fprintf(stderr, "gen: %s: %s\n", what, c ? db_errmsg(c) : "");
	exit(1);
}

static sqlite3_stmt *prep(struct db *c, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(db_sqlite_handle(c), sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
		die(c, sql);
	return st;
}

static void run(struct db *c, sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		die(c, sqlite3_sql(st));
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static void bi(sqlite3_stmt *st, int i, int64_t v) { sqlite3_bind_int64(st, i, v); }
static void bn(sqlite3_stmt *st, int i, int64_t v)	/* 0 → NULL: foreign keys refuse 0 */
{
	if (v)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}
static void bt(sqlite3_stmt *st, int i, const char *s) { sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC); }

static void exec(struct db *c, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db_sqlite_handle(c), sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "gen: %s: %s\n", sql, msg ? msg : "?");
		exit(1);
	}
}

static int table_exists(struct db *c, const char *name)
{
	int64_t n = 0;
	db_get_i64(c, &n, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", "t", name);
	return n > 0;
}

static const char *person_name(int g, char *out, size_t size)
{
	size_t nsur = strlen(surnames) / 3;	/* each surname is 3 bytes of UTF-8 */
	snprintf(out, size, "%.3s%s", surnames + 3 * ((size_t)(g * 7 + g / 29) % nsur), given[(g * 5 + 3) % N(given)]);
	return out;
}

static int64_t user(struct db *c, const char *uname, int64_t unit, const char *role, const char *hash, int g)
{
	char name[32], emp[24], phone[24];
	snprintf(emp, sizeof(emp), "BN%06d", g);
	snprintf(phone, sizeof(phone), "139%08d", g);
	int64_t id = org_user_create(c, uname, person_name(g, name, sizeof(name)), emp, phone, unit, role, hash, 0);
	if (id < 0)
		die(c, "user");
	return id;
}

/* ---- the organization ---- */

static void gen_org(struct db *c, struct plant *pl, int plants, int people, struct area *ar, int nareas,
		    const char *hash)
{
	int64_t group = org_unit_create(c, 0, "华东化工集团", "group");
	if (group < 0)
		die(c, "unit");
	const char *positions[] = {"操作工", "班组长", "车间主任", "车间安全员", "安全工程师", "安全总监", "总经理",
				   "设备主管", "人事专员", "信息主管", "审计专员", "维修工", "电工", "焊工", NULL};
	for (int i = 0; positions[i]; i++)
		if (db_exec(c, "INSERT INTO positions (name) VALUES (?)", "t", positions[i]) != DB_OK)
			die(c, "position");
	int g = 0;
	for (int p = 0; p < plants; p++) {
		struct plant *P = &pl[p];
		char nm[96];
		if (p < N(plant_names))
			snprintf(nm, sizeof(nm), "%s", plant_names[p]);
		else
			snprintf(nm, sizeof(nm), "第%d化工有限公司", p + 1);
		P->unit = org_unit_create(c, group, nm, "company");
		int64_t *d[4] = {&P->hse, &P->eqd, &P->hrd, &P->gmo};
		for (int i = 0; i < 4; i++)
			*d[i] = org_unit_create(c, P->unit, depts[i], "department");
		for (int w = 0; w < WORKSHOPS; w++) {
			P->ws[w] = org_unit_create(c, P->unit, ws_names[w], "workshop");
			for (int t = 0; t < TEAMS; t++) {
				snprintf(nm, sizeof(nm), "%s%s", ws_names[w], team_names[t]);
				P->team[w][t] = org_unit_create(c, P->ws[w], nm, "team");
			}
		}
		/* one named account per role: worker1, safety_dept1, … */
		int64_t where[NROLES] = {P->team[0][0], P->team[0][0], P->ws[0], P->ws[0], P->hse, P->hse,
					 P->gmo, P->eqd, P->hrd, P->gmo, P->gmo};
		int64_t ids[NROLES];
		for (int r = 0; r < NROLES; r++) {
			snprintf(nm, sizeof(nm), "%s%d", roles[r], p + 1);
			ids[r] = user(c, nm, where[r], roles[r], hash, ++g);
		}
		P->ws_director[0] = ids[3];
		P->ws_safety[0] = ids[2];
		P->leader[0][0] = ids[1];
		P->safety_dept = ids[4];
		P->director = ids[5];
		P->principal = ids[6];
		/* every workshop: a director and a safety officer; every team: a leader */
		for (int w = 0; w < WORKSHOPS; w++) {
			for (int t = 0; t < TEAMS; t++) {
				if (w == 0 && t == 0)
					continue;
				snprintf(nm, sizeof(nm), "p%dw%dt%d", p + 1, w + 1, t + 1);
				P->leader[w][t] = user(c, nm, P->team[w][t], "team_leader", hash, ++g);
			}
			if (w) {
				snprintf(nm, sizeof(nm), "p%dw%dzr", p + 1, w + 1);
				P->ws_director[w] = user(c, nm, P->ws[w], "ws_director", hash, ++g);
				snprintf(nm, sizeof(nm), "p%dw%daq", p + 1, w + 1);
				P->ws_safety[w] = user(c, nm, P->ws[w], "ws_safety", hash, ++g);
			}
			db_exec(c, "UPDATE units SET head_user_id = ? WHERE id = ?", "II", P->ws_director[w], P->ws[w]);
			for (int t = 0; t < TEAMS; t++)
				db_exec(c, "UPDATE units SET head_user_id = ? WHERE id = ?", "II", P->leader[w][t],
					P->team[w][t]);
		}
		db_exec(c, "UPDATE units SET head_user_id = ? WHERE id = ?", "II", P->director, P->hse);
		db_exec(c, "UPDATE units SET head_user_id = ? WHERE id = ?", "II", P->principal, P->unit);
	}
	/* the remaining people: operators spread over the teams, reporting to the team leader */
	int64_t per_plant = people / plants;
	for (int p = 0; p < plants; p++) {
		struct plant *P = &pl[p];
		int64_t have = 0;
		db_get_i64(c, &have, "SELECT count(*) FROM users u JOIN units n ON n.id = u.unit_id WHERE n.path LIKE"
				     " (SELECT path FROM units WHERE id = ?) || '%'", "I", P->unit);
		int64_t want = p == plants - 1 ? people - per_plant * (plants - 1) : per_plant;
		for (int64_t k = have; k < want; k++) {
			int w = (int)(k % WORKSHOPS), t = (int)(k / WORKSHOPS % TEAMS);
			char nm[32];
			snprintf(nm, sizeof(nm), "p%de%05lld", p + 1, (long long)k);
			int64_t uid = user(c, nm, P->team[w][t], "worker", hash, ++g);
			db_exec(c, "UPDATE users SET supervisor_id = ?, position_id = 1 WHERE id = ?", "II", P->leader[w][t], uid);
		}
		struct db_stmt *st = db_query(c, "SELECT u.id, u.unit_id FROM users u JOIN units n ON n.id = u.unit_id WHERE n.path LIKE"
					       " (SELECT path FROM units WHERE id = ?) || '%' ORDER BY u.id", "I", P->unit);
		P->people = calloc((size_t)want + 64, sizeof(int64_t));
		P->punit = calloc((size_t)want + 64, sizeof(int64_t));
		while (st && db_step(st) == 1 && P->npeople < want + 64) {
			P->people[P->npeople] = db_col_i64(st, 0);
			P->punit[P->npeople++] = db_col_i64(st, 1);
		}
		db_done(c, st);
		P->areas = calloc((size_t)nareas, sizeof(int64_t));
	}
	/* areas: each plant gets its share, spread over its workshops, 1–4 pieces of equipment each */
	int eqn = 0;
	for (int i = 0; i < nareas; i++) {
		struct area *A = &ar[i];
		A->plant = i % plants;
		A->ws = i / plants % WORKSHOPS;
		struct plant *P = &pl[A->plant];
		char nm[128];
		snprintf(nm, sizeof(nm), "%s %s %d#", ws_names[A->ws], spots[(i / (plants * WORKSHOPS) + A->ws) % N(spots)],
			 i / plants + 1);
		A->unit = P->ws[A->ws];
		A->id = org_area_create(c, nm, A->unit, 31.93 + 0.01 * A->plant + 0.0001 * (i % 50),
					118.84 + 0.0001 * (i % 37), 60, 1);
		if (A->id < 0)
			die(c, "area");
		P->areas[P->nareas++] = i;
		A->neq = 1 + (int)rn(4);
		for (int e = 0; e < A->neq; e++, eqn++) {
			char code[32], en[64];
			snprintf(code, sizeof(code), "P%d-%c-%04d", A->plant + 1, "RTBQCGPF"[eqn % 8], eqn + 1);
			snprintf(en, sizeof(en), "%d#%s", e + 1, eq_names[eqn % 8]);
			if (db_exec(c, "INSERT INTO equipment (code, name, kind, area_id, unit_id, created_at)"
				       " VALUES (?, ?, ?, ?, ?, ?)", "tttIII", code, en, eq_kinds[eqn % 8], A->id, A->unit,
				    clock_now()) != DB_OK)
				die(c, "equipment");
			A->eq[e] = db_last_id(c);
			snprintf(A->eqname[e], sizeof(A->eqname[e]), "%s", en);
		}
	}
}

/* ---- photos: a small shared set of real JPEGs ---- */

static void gen_photos(struct db *c, char before[NPHOTOS][65], char after[NAFTER][65])
{
	static const unsigned colours[] = {0xd32f2f, 0xef6c00, 0xf9a825, 0x1976d2, 0x6a1b9a, 0x5d4037,
					   0x455a64, 0xc2185b};
	for (int i = 0; i < NPHOTOS + NAFTER; i++) {
		size_t len = 0;
		unsigned rgb = i < NPHOTOS ? colours[i % 8] ^ (unsigned)(i * 0x0a0b0c) : 0x2e7d32 + (unsigned)i * 0x000300;
		unsigned char *jpg = hazard_image_synth(1280, 960, rgb, 85, &len);
		const char *why = NULL;
		char *out = i < NPHOTOS ? before[i] : after[i - NPHOTOS];
		if (!jpg || hazard_store_photo(c, jpg, len, NULL, out, &why))
			die(c, why ? why : "photo");
		free(jpg);
	}
}

/* ---- hazards ---- */

struct stmts {
	sqlite3_stmt *hz, *ev, *ph, *pt, *fts, *plan, *assess, *evidence;
};

static int64_t event(struct db *c, struct stmts *s, int64_t hz, int64_t at, int64_t uid, const char *action,
		     const char *from, const char *to, const char *note, struct strbuf *notes)
{
	bi(s->ev, 1, hz);
	bi(s->ev, 2, at);
	bn(s->ev, 3, uid);
	bt(s->ev, 4, action);
	bt(s->ev, 5, from);
	bt(s->ev, 6, to);
	bt(s->ev, 7, note);
	run(c, s->ev);
	if (*note) {
		if (notes->len)
			sb_addc(notes, ' ');
		sb_adds(notes, note);
	}
	return sqlite3_last_insert_rowid(db_sqlite_handle(c));
}

static void photo(struct db *c, struct stmts *s, int64_t hz, int64_t ev, const char *kind, const char *sha, int64_t at)
{
	bi(s->ph, 1, hz);
	bi(s->ph, 2, ev);
	bt(s->ph, 3, kind);
	bt(s->ph, 4, sha);
	bi(s->ph, 5, at);
	run(c, s->ph);
	if (!strcmp(kind, "after")) {	/* hazards.evidence: every hazard has its "before" first */
		bi(s->evidence, 1, hz);
		run(c, s->evidence);
	}
}

static void points(struct db *c, struct stmts *s, int64_t uid, int64_t unit, int64_t hz, const char *reason,
		   int64_t pts, int64_t at)
{
	bi(s->pt, 1, uid);
	bi(s->pt, 2, unit);
	bi(s->pt, 3, hz);
	bt(s->pt, 4, reason);
	bi(s->pt, 5, pts);
	bi(s->pt, 6, at);
	run(c, s->pt);
}

/* The secondary indexes of the bulk tables, as the migrations wrote them. */
struct saved_index {
	char *name, *sql;
};

static int drop_indexes(struct db *c, struct saved_index *out, int max)
{
	int n = 0;
	struct db_stmt *st = db_query(c, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
				       " AND tbl_name IN ('hazards', 'hazard_events', 'hazard_photos', 'points')", NULL);
	while (st && db_step(st) == 1 && n < max) {
		out[n].name = strdup(db_col_text(st, 0));
		out[n].sql = strdup(db_col_text(st, 1));
		n++;
	}
	db_done(c, st);
	for (int i = 0; i < n; i++) {
		char sql[160];
		snprintf(sql, sizeof(sql), "DROP INDEX %s", out[i].name);
		exec(c, sql);
	}
	return n;
}

/* Last closed hazard per (area, category): the repeat rule of hazard_create. */
struct last_closed {
	int64_t id, closed_at;
};

static void gen_hazards(struct db *c, struct plant *pl, int plants, struct area *ar, int nareas, int64_t nhz,
			char before[NPHOTOS][65], char after[NAFTER][65])
{
	struct stmts s;
	s.hz = prep(c, "INSERT INTO hazards (number, status, version, reporter_id, anonymous, near_miss, area_id, unit_id,"
		       " equipment_id, category_id, factor_code, level, criterion_id, urgency, description, assignee_id,"
		       " rectifier_id, verifier_id, reported_at, accepted_at, respond_due, rectify_due, submitted_at,"
		       " closed_at, overdue, overdue_at, repeat_of, on_spot, regulator_reported_at, updated_at)"
		       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,"
		       " ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30)");
	s.ev = prep(c, "INSERT INTO hazard_events (hazard_id, at, user_id, action, from_status, to_status, note)"
		       " VALUES (?, ?, ?, ?, ?, ?, ?)");
	s.ph = prep(c, "INSERT INTO hazard_photos (hazard_id, event_id, kind, sha256, created_at) VALUES (?, ?, ?, ?, ?)");
	s.evidence = prep(c, "UPDATE hazards SET evidence = 1 WHERE id = ?");
	s.pt = prep(c, "INSERT INTO points (user_id, unit_id, hazard_id, reason, points, at) VALUES (?, ?, ?, ?, ?, ?)");
	s.fts = prep(c, "INSERT INTO hazards_fts (rowid, number, description, notes) VALUES (?, ?, ?, ?)");
	s.plan = prep(c, "INSERT INTO hazard_plans (hazard_id, goal, method, funding, organization, deadline_text, safety,"
			 " due_at, submitted_by, submitted_at, director_id, director_at, principal_id, principal_at)"
			 " VALUES (?, '消除隐患，恢复本质安全', '更换失效部件，增设联锁与报警', '专项预算，设备动力部采购',"
			 " '所属车间实施，安环部监督', '按期完成，每周报告进度', '治理期间加强巡检，配备便携式检测仪',"
			 " ?, ?, ?, ?, ?, ?, ?)");
	s.assess = prep(c, "INSERT INTO hazard_assessments (hazard_id, user_id, at, conclusion) VALUES (?, ?, ?, ?)");

	int64_t now = clock_now(), start = now - (int64_t)YEARS * 365 * 86400;
	static const int resp_h[3] = {2, 24, 48}, rect_h[3] = {24, 72, 168};	/* the migration's defaults */
	int64_t crit_n = 0;
	db_get_i64(c, &crit_n, "SELECT count(*) FROM hazard_criteria", NULL);
	struct last_closed *last = calloc((size_t)nareas * 9, sizeof(*last));
	static const char *const factors[] = {"11", "12", "21", "22", "31", "32", "41", "43"};
	int year = 0;
	int64_t seq = 0;
	struct strbuf desc = STRBUF_INIT, notes = STRBUF_INIT, ftsdesc = STRBUF_INIT;
	double t0 = now_s();

	for (int64_t i = 0; i < nhz; i++) {
		if (i % BATCH == 0) {
			if (i) {
				if (db_commit(c) != DB_OK)
					die(c, "commit");
				fprintf(stderr, "\rgen: %lld hazards, %.0f s", (long long)i, now_s() - t0);
			}
			if (db_begin(c) != DB_OK)
				die(c, "begin");
		}
		/* time: evenly over the years, with a little jitter that keeps ids in time order */
		int64_t t = start + (int64_t)((double)(now - start - 3600) * (double)i / (double)nhz) + rn(60);
		int y = hazard_local_year(t);
		if (y != year) {
			if (year && db_exec(c, "INSERT INTO hazard_seq (year, last) VALUES (?, ?)", "iI", year, seq) != DB_OK)
				die(c, "seq");
			year = y;
			seq = 0;
		}
		char number[32];
		hazard_format_number(number, sizeof(number), y, ++seq);

		/* where: hot spots exist (a quarter of the areas get half the reports) */
		int ai = pct(50) ? (int)rn((nareas + 3) / 4) : (int)rn(nareas);
		struct area *A = &ar[ai];
		struct plant *P = &pl[A->plant];
		int64_t cat = pct(40) ? 1 + rn(3) : 1 + rn(8);
		int64_t eq = pct(25) ? A->eq[rn(A->neq)] : 0;
		int64_t who = rn(P->npeople), reporter = P->people[who], runit = P->punit[who];
		int team = (int)rn(TEAMS);
		int64_t assignee = P->leader[A->ws][team], verifier = P->ws_safety[A->ws];
		int major = pct(0.3), anon = pct(2), near = pct(3);
		char urg = major ? 'A' : pct(10) ? 'A' : pct(33) ? 'B' : 'C';
		struct hazard_deadlines d = hazard_deadlines_for(urg, t, resp_h, rect_h);
		sb_reset(&desc);
		sb_adds(&desc, texts[rn(N(texts))]);
		if (pct(30))
			sb_addf(&desc, "，位置：%s", A->name);

		/* the lifecycle: each step's time; the status is the last step reached by now */
		int cancelled = pct(2), on_spot = !major && !cancelled && pct(15);
		int stuck = pct(2);	/* never moves on: becomes overdue */
		int rejected = pct(5);
		int64_t t_acc = t + 600 + rn(urg == 'A' ? 7200 : 86400);
		int64_t t_plan = t_acc + 86400 + rn(3 * 86400), t_dir = t_plan + 86400 + rn(86400);
		int64_t t_pri = t_dir + 3600 + rn(86400);
		int64_t base = major ? t_pri : t_acc;
		int64_t t_start = base + 600 + rn(6 * 3600);
		int64_t span = d.rectify_due - t;
		if (major)
			span = 10 * 86400 + rn(20 * 86400);
		int64_t t_sub = t_start + (pct(5) ? span + rn(span) : rn(span > 3600 ? span - 1800 : 1800));
		int64_t t_rej = t_sub + 3600 + rn(86400), t_sub2 = t_rej + 3600 + rn(2 * 86400);
		int64_t t_fin = (rejected ? t_sub2 : t_sub) + 1800 + rn(2 * 86400);
		int64_t rectify_due = major ? t_pri + span : d.rectify_due;
		int stage = stuck ? 1 + (int)rn(3) : 9;	/* how far a stuck hazard got */

		const char *status = "reported";
		int64_t accepted = 0, submitted = 0, closed = 0, rectifier = 0, verif = 0, assigned = assignee;
		int64_t t_close = 0, regulator = 0;
		if (cancelled) {
			t_close = t + 1800 + rn(86400);
			status = t_close <= now ? "cancelled" : "reported";
		} else if (on_spot) {
			t_close = t + 300 + rn(1800);
			status = t_close <= now ? "closed" : "reported";
		} else {
			if (t_acc <= now && stage >= 1) {
				status = major ? "planning" : "assigned";
				accepted = t_acc;
				if (major && t_plan <= now)
					status = "plan_review";
				if (major && t_pri > now)
					goto decided;
			}
			if (accepted && t_start <= now && stage >= 2)
				status = "rectifying", rectifier = assignee;
			if (!strcmp(status, "rectifying") && t_sub <= now && stage >= 3)
				status = "verifying", submitted = t_sub;
			if (rejected && submitted && t_rej <= now) {
				status = "rectifying";
				submitted = 0;
				if (t_sub2 <= now)
					status = "verifying", submitted = t_sub2;
			}
			if (submitted && t_fin <= now && stage >= 9)
				status = "closed", closed = t_fin, verif = verifier;
		}
	decided:;
		if (on_spot && !strcmp(status, "closed"))
			closed = t_close, accepted = t_close, submitted = t_close, rectifier = reporter, assigned = reporter;
		int open = strcmp(status, "closed") && strcmp(status, "cancelled");
		int overdue = 0;
		int64_t overdue_at = 0;
		if (open && !strcmp(status, "reported") && d.respond_due < now)
			overdue = 1, overdue_at = d.respond_due;
		else if (open && accepted && rectify_due < now && !submitted)
			overdue = 1, overdue_at = rectify_due;
		else if (submitted && !on_spot && submitted > rectify_due)
			overdue = 1, overdue_at = rectify_due;
		if (major && accepted)
			regulator = t_acc + 3600 * (1 + rn(20));

		/* repeat: the same area and category closed within 30 days (hazard_create's rule).
		 * At a million hazards over 300 areas nearly every report would match the bare rule;
		 * only some do, as if the rest were about a different corner of the area. */
		struct last_closed *lc = &last[ai * 9 + cat];
		int64_t repeat_of = lc->id && lc->closed_at <= t && lc->closed_at >= t - 30 * 86400 && pct(8) ? lc->id : 0;

		int64_t updated = closed ? closed : submitted ? submitted : accepted ? accepted : t;
		sqlite3_stmt *h = s.hz;
		bt(h, 1, number);
		bt(h, 2, status);
		bi(h, 3, 1 + (accepted != 0) + (rectifier != 0) + (submitted != 0) + (closed != 0) + 2 * rejected);
		bn(h, 4, reporter);
		bi(h, 5, anon);
		bi(h, 6, near);
		bi(h, 7, A->id);
		bi(h, 8, A->unit);
		bn(h, 9, eq);
		bi(h, 10, cat);
		if (pct(60))
			bt(h, 11, factors[rn(N(factors))]);
		bt(h, 12, major ? "major" : "general");
		bn(h, 13, major && crit_n ? 1 + rn(crit_n) : 0);
		char u[2] = {urg, 0};
		bt(h, 14, u);
		bt(h, 15, desc.buf);
		bn(h, 16, assigned);
		bn(h, 17, rectifier);
		bn(h, 18, verif);
		bi(h, 19, t);
		bi(h, 20, accepted);
		bi(h, 21, d.respond_due);
		bi(h, 22, rectify_due);
		bi(h, 23, submitted);
		bi(h, 24, closed ? closed : cancelled && !open ? t_close : 0);
		bi(h, 25, overdue);
		bi(h, 26, overdue_at);
		bn(h, 27, repeat_of);
		bi(h, 28, on_spot && closed);
		bi(h, 29, regulator);
		bi(h, 30, updated);
		run(c, h);
		int64_t id = sqlite3_last_insert_rowid(db_sqlite_handle(c));
		if (!strcmp(status, "closed")) {
			lc->id = id;
			lc->closed_at = closed;
		}

		/* the timeline, photos and points */
		sb_reset(&notes);
		int64_t ev = event(c, &s, id, t, reporter, "report", "", "reported", desc.buf, &notes);
		photo(c, &s, id, ev, "before", before[rn(NPHOTOS)], t);
		if (pct(20))
			photo(c, &s, id, ev, "before", before[rn(NPHOTOS)], t);
		if (on_spot && closed) {
			ev = event(c, &s, id, closed, reporter, "fix_on_spot", "reported", "closed", "已当场整改", &notes);
			photo(c, &s, id, ev, "after", after[rn(NAFTER)], closed);
			points(c, &s, reporter, runit, id, "report", 2, closed);
			points(c, &s, reporter, runit, id, "rectify", 3, closed);
		} else if (cancelled && !open) {
			event(c, &s, id, t_close, P->safety_dept, "cancel", "reported", "cancelled",
			      notes_cancel[rn(N(notes_cancel))], &notes);
		} else if (accepted) {
			event(c, &s, id, t_acc, P->safety_dept, "accept", "reported", major ? "planning" : "assigned",
			      major ? "判定为重大事故隐患" : "", &notes);
			points(c, &s, reporter, runit, id, "report", 2, t_acc);
			if (major) {
				event(c, &s, id, regulator, P->director, "report_regulator", "planning", "planning",
				      "已报应急管理局", &notes);
				if (t_plan <= now) {
					event(c, &s, id, t_plan, P->safety_dept, "submit_plan", "planning", "plan_review", "", &notes);
					bi(s.plan, 1, id);
					bi(s.plan, 2, t_pri + span);
					bi(s.plan, 3, P->safety_dept);
					bi(s.plan, 4, t_plan);
					int dir = t_dir <= now, pri = t_pri <= now;
					bn(s.plan, 5, dir ? P->director : 0);
					bi(s.plan, 6, dir ? t_dir : 0);
					bn(s.plan, 7, pri ? P->principal : 0);
					bi(s.plan, 8, pri ? t_pri : 0);
					run(c, s.plan);
					if (dir)
						event(c, &s, id, t_dir, P->director, "approve_plan", "plan_review", "plan_review", "", &notes);
					if (pri)
						event(c, &s, id, t_pri, P->principal, "approve_plan", "plan_review", "rectifying", "", &notes);
				}
			}
			if (rectifier) {
				if (!major)
					event(c, &s, id, t_start, assignee, "start", "assigned", "rectifying", "", &notes);
				if (t_sub <= now && stage >= 3) {
					ev = event(c, &s, id, t_sub, assignee, "submit", "rectifying", "verifying",
						   notes_rectify[rn(N(notes_rectify))], &notes);
					photo(c, &s, id, ev, "after", after[rn(NAFTER)], t_sub);
					if (rejected && t_rej <= now) {
						event(c, &s, id, t_rej, verifier, "reject", "verifying", "rectifying",
						      notes_reject[rn(N(notes_reject))], &notes);
						if (t_sub2 <= now) {
							ev = event(c, &s, id, t_sub2, assignee, "submit", "rectifying", "verifying",
								   notes_rectify[rn(N(notes_rectify))], &notes);
							photo(c, &s, id, ev, "after", after[rn(NAFTER)], t_sub2);
						}
					}
				}
				if (closed) {
					if (major) {
						event(c, &s, id, closed - 600, P->director, "assess", "verifying", "verifying",
						      "治理效果评估合格", &notes);
						bi(s.assess, 1, id);
						bi(s.assess, 2, P->director);
						bi(s.assess, 3, closed - 600);
						bt(s.assess, 4, "治理效果评估合格");
						run(c, s.assess);
					}
					event(c, &s, id, closed, verifier, "verify", "verifying", "closed",
					      notes_verify[rn(N(notes_verify))], &notes);
					if (submitted <= rectify_due)
						points(c, &s, assignee, P->team[A->ws][team], id, "rectify", 3, closed);
				}
			}
		}
		/* the search row, as hazard_search_sync would write it */
		sb_reset(&ftsdesc);
		sb_adds(&ftsdesc, desc.buf);
		sb_addc(&ftsdesc, ' ');
		for (int e = 0; eq && e < A->neq; e++)
			if (A->eq[e] == eq)
				sb_adds(&ftsdesc, A->eqname[e]);
		bi(s.fts, 1, id);
		bt(s.fts, 2, number);
		bt(s.fts, 3, ftsdesc.buf);
		bt(s.fts, 4, notes.buf);
		run(c, s.fts);
	}
	if (year && db_exec(c, "INSERT INTO hazard_seq (year, last) VALUES (?, ?)", "iI", year, seq) != DB_OK)
		die(c, "seq");
	if (db_in_tx(c) && db_commit(c) != DB_OK)
		die(c, "commit");
	fprintf(stderr, "\rgen: %lld hazards, %.0f s\n", (long long)nhz, now_s() - t0);
	sqlite3_finalize(s.hz);
	sqlite3_finalize(s.ev);
	sqlite3_finalize(s.ph);
	sqlite3_finalize(s.evidence);
	sqlite3_finalize(s.pt);
	sqlite3_finalize(s.fts);
	sqlite3_finalize(s.plan);
	sqlite3_finalize(s.assess);
	sb_release(&desc);
	sb_release(&notes);
	sb_release(&ftsdesc);
	free(last);
	(void)plants;
}

/* ---- certificates and permits: only once their modules' tables exist ---- */

/* Special-operation certificates (特种作业操作证) of the people: one or two per holder, of
 * an item under its category from the migration's catalogue, issued over the last 6 years
 * (valid 6, reviewed every 3: 原安监总局令第30号), so some are expired, some expiring or
 * due for review, a few revoked. A tenth of the holders are contractors' people (persons
 * without an account). */
static void gen_certs(struct db *c, int64_t ncerts)
{
	if (!table_exists(c, "certs") || !table_exists(c, "persons")) {
		fprintf(stderr, "gen: no certs table yet: certificates skipped\n");
		return;
	}
	char *items[128][2];
	int nitems = 0;
	struct db_stmt *st = db_query(c, "SELECT code, parent_code FROM cert_catalogue WHERE parent_code IS NOT NULL"
				       " AND kind = 'special_op' ORDER BY sort", NULL);
	while (st && db_step(st) == 1 && nitems < 128) {
		items[nitems][0] = strdup(db_col_text(st, 0));
		items[nitems][1] = strdup(db_col_text(st, 1));
		nitems++;
	}
	db_done(c, st);
	if (!nitems)
		return;
	if (db_begin(c) != DB_OK)
		die(c, "begin");
	/* persons: every user is one (as cert_person_for_user would create them) */
	if (db_exec(c, "INSERT INTO persons (user_id, name, employee_no, unit_id, created_at)"
		       " SELECT id, name, employee_no, unit_id, ? FROM users", "I", clock_now()) != DB_OK)
		die(c, "persons");
	int64_t npersons = 0, first = 0;
	db_get_i64(c, &npersons, "SELECT count(*) FROM persons", NULL);
	db_get_i64(c, &first, "SELECT min(id) FROM persons", NULL);
	sqlite3_stmt *ins = prep(c, "INSERT INTO certs (person_id, category, item, number, authority, issued_on, expires_on,"
				    " review_on, revoked_at, revoke_reason, created_at, updated_at)"
				    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	sqlite3_stmt *contractor = prep(c, "INSERT INTO persons (name, id_no, employer, contractor, unit_id, created_at)"
					   " SELECT ?, ?, '南京安达建设工程有限公司', 1, unit_id, ? FROM persons WHERE id = ?");
	int64_t today = cert_today(), now = clock_now();
	for (int64_t i = 0; i < ncerts; i++) {
		int64_t person = first + rn(npersons);
		if (pct(10)) {	/* a contractor's welder or electrician */
			char nm[32], idno[24];
			person_name((int)i + 7, nm, sizeof(nm));
			snprintf(idno, sizeof(idno), "3201%014lld", (long long)i);
			bt(contractor, 1, nm);
			bt(contractor, 2, idno);
			bi(contractor, 3, now);
			bi(contractor, 4, person);
			run(c, contractor);
			person = sqlite3_last_insert_rowid(db_sqlite_handle(c));
		}
		int k = (int)rn(nitems);
		int64_t issued = today - rn(6 * 365);
		int64_t expires = cert_day_add_years(issued, CERT_VALID_YEARS);
		if (pct(4))	/* not renewed in time */
			expires = today - rn(400);
		int64_t review = cert_day_add_years(issued, CERT_REVIEW_YEARS);
		if (review < today && pct(85))	/* most reviews were done: the next is due */
			review = cert_day_add_years(review, CERT_REVIEW_YEARS);
		char number[32];
		snprintf(number, sizeof(number), "T32%010lld", (long long)i);
		int revoked = pct(1);
		bi(ins, 1, person);
		bt(ins, 2, items[k][1]);
		bt(ins, 3, items[k][0]);
		bt(ins, 4, number);
		bt(ins, 5, pct(70) ? "南京市应急管理局" : "江苏省应急管理厅");
		bi(ins, 6, issued);
		bi(ins, 7, expires);
		bi(ins, 8, review);
		bi(ins, 9, revoked ? now - rn(365 * 86400) : 0);
		bt(ins, 10, revoked ? "违章作业，吊销" : "");
		bi(ins, 11, now);
		bi(ins, 12, now);
		run(c, ins);
	}
	sqlite3_finalize(ins);
	sqlite3_finalize(contractor);
	if (db_commit(c) != DB_OK)
		die(c, "commit certs");
	for (int i = 0; i < nitems; i++) {
		free(items[i][0]);
		free(items[i][1]);
	}
	fprintf(stderr, "gen: %lld certificates\n", (long long)ncerts);
}

/* Permits to work (特殊作业票, GB 30871-2022) over the same years as the hazards: the type
 * and grade from the migration's validity table, the approval chain signed step by step
 * (permit_chain), measures confirmed, a gas analysis for the types that need one, and a
 * lifecycle: most closed, some refused or cancelled, the recent ones still in draft, in
 * approval, approved, in progress or suspended. Numbers PREFIX-YEAR-NNNNNN per type and year,
 * as permit_types.c makes them. */
struct ptype {
	char type[24], grade[12], prefix[8];
	int hours, gas, steps;
	char levels[4][8];
};

static void gen_permits(struct db *c, struct plant *pl, int plants, struct area *ar, int nareas, int64_t npermits)
{
	if (!table_exists(c, "permits")) {
		fprintf(stderr, "gen: no permits table yet: %lld permits skipped\n", (long long)npermits);
		return;
	}
	struct ptype ty[32];
	int nty = 0;
	struct db_stmt *st = db_query(c, "SELECT v.type, v.grade, t.prefix, v.max_hours, t.gas FROM permit_validity v"
				       " JOIN permit_types t ON t.code = v.type ORDER BY t.sort, v.sort", NULL);
	while (st && db_step(st) == 1 && nty < 32) {
		struct ptype *t = &ty[nty++];
		snprintf(t->type, sizeof(t->type), "%s", db_col_text(st, 0));
		snprintf(t->grade, sizeof(t->grade), "%s", db_col_text(st, 1));
		snprintf(t->prefix, sizeof(t->prefix), "%s", db_col_text(st, 2));
		t->hours = (int)db_col_i64(st, 3);
		t->gas = (int)db_col_i64(st, 4);
		t->steps = 0;
	}
	db_done(c, st);
	for (int i = 0; i < nty; i++) {
		st = db_query(c, "SELECT level FROM permit_chain WHERE type = ? AND grade = ? ORDER BY step", "tt",
			      ty[i].type, ty[i].grade);
		while (st && db_step(st) == 1 && ty[i].steps < 4)
			snprintf(ty[i].levels[ty[i].steps++], 8, "%s", db_col_text(st, 0));
		db_done(c, st);
	}
	if (!nty)
		return;
	sqlite3_stmt *ins = prep(c, "INSERT INTO permits (number, type, grade, state, area_id, equipment_id, unit_id,"
				    " applicant_id, guardian_id, work_unit, contractor, content, hazards, planned_start,"
				    " planned_end, chain_step, round, started_at, closed_at, created_at, updated_at)"
				    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, '易燃易爆介质、高温', ?13, ?14,"
				    " ?15, 1, ?16, ?17, ?18, ?19)");
	sqlite3_stmt *wk = prep(c, "INSERT INTO permit_workers (permit_id, user_id, role) VALUES (?, ?, ?)");
	sqlite3_stmt *ms = prep(c, "INSERT INTO permit_measures (permit_id, measure_id, confirmed_by)"
				   " SELECT ?, id, ? FROM permit_measure_std WHERE type = ?");
	sqlite3_stmt *ap = prep(c, "INSERT INTO permit_approvals (permit_id, round, step, level, user_id, decision, reason, at)"
				   " VALUES (?, 1, ?, ?, ?, ?, ?, ?)");
	sqlite3_stmt *ev = prep(c, "INSERT INTO permit_events (permit_id, at, user_id, action, from_state, to_state, note)"
				   " VALUES (?, ?, ?, ?, ?, ?, ?)");
	sqlite3_stmt *gas = prep(c, "INSERT INTO permit_gas_tests (permit_id, taken_at, analyst_id, point, o2, combustible,"
				    " passed, recorded_by, created_at) VALUES (?, ?, ?, '作业点', ?, ?, 1, ?, ?)");
	static const char *const contents[] = {"更换反应釜进料阀门", "管线法兰焊接修补", "储罐内部清洗检查", "更换泵机械密封",
					       "检修平台护栏", "吊装换热器管束", "临时照明接电", "管沟开挖更换管道"};
	int64_t now = clock_now(), start = now - (int64_t)YEARS * 365 * 86400;
	struct {
		char prefix[8];
		int year;
		int64_t n;
	} seq[256];
	int nseq = 0;
	if (db_begin(c) != DB_OK)
		die(c, "begin");
	for (int64_t i = 0; i < npermits; i++) {
		int64_t t = start + (int64_t)((double)(now - start) * (double)i / (double)npermits);
		struct ptype *T = &ty[rn(nty)];
		int ai = (int)rn(nareas);
		struct area *A = &ar[ai];
		struct plant *P = &pl[A->plant];
		int y = hazard_local_year(t), k;
		for (k = 0; k < nseq && (seq[k].year != y || strcmp(seq[k].prefix, T->prefix)); k++)
			;
		if (k == nseq && nseq < 256) {
			snprintf(seq[k].prefix, sizeof(seq[k].prefix), "%s", T->prefix);
			seq[k].year = y;
			seq[k].n = 0;
			nseq++;
		}
		char number[40];
		snprintf(number, sizeof(number), "%s-%d-%06lld", T->prefix, y, (long long)++seq[k].n);
		int team = (int)rn(TEAMS);
		int64_t applicant = P->leader[A->ws][team], guardian = P->ws_safety[A->ws];
		int64_t ps = t + 3600 + rn(86400), pe = ps + 3600 * (1 + rn(T->hours));
		/* where it got to: the chain takes hours, the work its planned time */
		int64_t t_sub = t + 600, t_sign = t_sub + 1800;
		int steps = T->steps ? T->steps : 1;
		int64_t t_appr = t_sign + (steps - 1) * 1800, t_start = ps, t_close = pe;
		int refused = pct(3), cancelled = !refused && pct(4), drafted = pct(2);
		const char *state = "draft";
		int signed_ = 0;
		if (!drafted && t_sub <= now)
			state = "submitted";
		for (int s2 = 0; !strcmp(state, "submitted") || !strcmp(state, "approving"); s2++) {
			if (s2 >= steps || t_sign + s2 * 1800 > now)
				break;
			if (refused) {
				state = "refused";
				signed_ = s2 + 1;
				break;
			}
			signed_ = s2 + 1;
			state = signed_ == steps ? "approved" : "approving";
		}
		if (!strcmp(state, "approved") && cancelled && t_appr + 600 <= now)
			state = "cancelled";
		else if (!strcmp(state, "approved") && t_start <= now)
			state = t_close <= now ? "closed" : pct(5) ? "suspended" : "in_progress";
		int started = !strcmp(state, "closed") || !strcmp(state, "in_progress") || !strcmp(state, "suspended");
		bt(ins, 1, number);
		bt(ins, 2, T->type);
		bt(ins, 3, T->grade);
		bt(ins, 4, state);
		bi(ins, 5, A->id);
		bn(ins, 6, pct(50) ? A->eq[rn(A->neq)] : 0);
		bi(ins, 7, A->unit);
		bi(ins, 8, applicant);
		bi(ins, 9, guardian);
		bt(ins, 10, pct(30) ? "南京安达建设工程有限公司" : ws_names[A->ws]);
		bi(ins, 11, pct(30));
		bt(ins, 12, contents[rn(N(contents))]);
		bi(ins, 13, ps);
		bi(ins, 14, pe);
		bi(ins, 15, signed_);
		bi(ins, 16, started ? t_start : 0);
		bi(ins, 17, !strcmp(state, "closed") ? t_close : 0);
		bi(ins, 18, t);
		bi(ins, 19, started ? t_start : t);
		run(c, ins);
		int64_t id = sqlite3_last_insert_rowid(db_sqlite_handle(c));
		for (int w = 0; w < 1 + rn(3); w++) {
			bi(wk, 1, id);
			bi(wk, 2, P->people[(rn(P->npeople) + w) % P->npeople]);
			bt(wk, 3, w ? "辅助" : "作业人");
			if (sqlite3_step(wk) != SQLITE_DONE && sqlite3_errcode(db_sqlite_handle(c)) != SQLITE_CONSTRAINT)
				die(c, "permit worker");
			sqlite3_reset(wk);
		}
		bi(ms, 1, id);
		bn(ms, 2, strcmp(state, "draft") ? guardian : 0);
		bt(ms, 3, T->type);
		run(c, ms);
		if (strcmp(state, "draft")) {
			bi(ev, 1, id);
			bi(ev, 2, t_sub);
			bi(ev, 3, applicant);
			bt(ev, 4, "submit");
			bt(ev, 5, "draft");
			bt(ev, 6, "submitted");
			bt(ev, 7, "");
			run(c, ev);
		}
		for (int s2 = 0; s2 < signed_; s2++) {
			int no = refused && s2 == signed_ - 1;
			const char *lvl = T->steps ? T->levels[s2] : "unit";
			int64_t who = !strcmp(lvl, "unit") ? P->ws_director[A->ws] : !strcmp(lvl, "dept") ? P->safety_dept
									     : P->director;
			bi(ap, 1, id);
			bi(ap, 2, s2 + 1);
			bt(ap, 3, lvl);
			bi(ap, 4, who);
			bt(ap, 5, no ? "refuse" : "approve");
			bt(ap, 6, no ? "安全措施不完善，请补充" : "");
			bi(ap, 7, t_sign + s2 * 1800);
			run(c, ap);
		}
		if (T->gas && started) {
			bi(gas, 1, id);
			bi(gas, 2, t_start - 1200);
			bi(gas, 3, guardian);
			sqlite3_bind_double(gas, 4, 20.6 + (double)rn(5) / 10);
			sqlite3_bind_double(gas, 5, (double)rn(3) / 10);
			bi(gas, 6, guardian);
			bi(gas, 7, t_start - 1200);
			run(c, gas);
		}
		if (started) {
			bi(ev, 1, id);
			bi(ev, 2, t_start);
			bi(ev, 3, guardian);
			bt(ev, 4, "start");
			bt(ev, 5, "approved");
			bt(ev, 6, "in_progress");
			bt(ev, 7, "");
			run(c, ev);
		}
		if (!strcmp(state, "closed")) {
			bi(ev, 1, id);
			bi(ev, 2, t_close);
			bi(ev, 3, guardian);
			bt(ev, 4, "close");
			bt(ev, 5, "in_progress");
			bt(ev, 6, "closed");
			bt(ev, 7, "作业完毕，现场已清理");
			run(c, ev);
		}
	}
	for (int k = 0; k < nseq; k++)
		if (db_exec(c, "INSERT INTO permit_seq (prefix, year, n) VALUES (?, ?, ?)", "tiI", seq[k].prefix,
			    seq[k].year, seq[k].n) != DB_OK)
			die(c, "permit_seq");
	if (db_commit(c) != DB_OK)
		die(c, "commit permits");
	sqlite3_finalize(ins);
	sqlite3_finalize(wk);
	sqlite3_finalize(ms);
	sqlite3_finalize(ap);
	sqlite3_finalize(ev);
	sqlite3_finalize(gas);
	(void)plants;
	fprintf(stderr, "gen: %lld permits\n", (long long)npermits);
}

/* `--jpeg FILE KB`: a phone-like photo of about KB kilobytes for the upload scenario: 1600 ×
 * 1200 px of gradient with pixel noise (noise is what makes real photos large), at the
 * highest quality that stays within the size. */
static int write_jpeg(const char *path, long kb)
{
	int w = 1600, h = 1200;
	unsigned char *px = malloc((size_t)w * h * 3), *buf = NULL;
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			unsigned char *p = px + ((size_t)y * w + x) * 3;
			int n = (int)rn(32);
			p[0] = (unsigned char)(x * 255 / w / 2 + 60 + n);
			p[1] = (unsigned char)(y * 255 / h / 2 + 50 + n);
			p[2] = (unsigned char)(((x / 40 + y / 40) % 2) * 60 + 40 + n);
		}
	unsigned long len = 0;
	tjhandle tj = tjInitCompress();
	for (int q = 95; q >= 20; q -= 2) {
		tjFree(buf);
		buf = NULL;
		if (tjCompress2(tj, px, w, 0, h, TJPF_RGB, &buf, &len, TJSAMP_420, q, 0))
			return -1;
		if ((long)len <= kb * 1024)
			break;
	}
	FILE *f = fopen(path, "wb");
	int rc = f && fwrite(buf, 1, len, f) == len ? 0 : -1;
	if (f)
		fclose(f);
	tjFree(buf);
	tjDestroy(tj);
	free(px);
	fprintf(stderr, "gen: %s: %lu bytes\n", path, len);
	return rc;
}

static int64_t arg_num(const char *v, const char *flag)
{
	char *end;
	long long n = v ? strtoll(v, &end, 10) : -1;
	if (!v || *end || n < 0) {
		fprintf(stderr, "gen: %s needs a number\n", flag);
		exit(2);
	}
	return n;
}

static long long file_size(const char *path)
{
	struct stat sb;
	return stat(path, &sb) ? 0 : (long long)sb.st_size;
}

int main(int argc, char **argv)
{
	int64_t nhz = 1000000, people = 2000, nareas = 300, plants = 3, ncerts = 20000, npermits = 50000;
	const char *out = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--hazards"))
			nhz = arg_num(v, a), i++;
		else if (!strcmp(a, "--people"))
			people = arg_num(v, a), i++;
		else if (!strcmp(a, "--areas"))
			nareas = arg_num(v, a), i++;
		else if (!strcmp(a, "--certs"))
			ncerts = arg_num(v, a), i++;
		else if (!strcmp(a, "--permits"))
			npermits = arg_num(v, a), i++;
		else if (!strcmp(a, "--plants"))
			plants = arg_num(v, a), i++;
		else if (!strcmp(a, "--seed"))
			rng ^= (uint64_t)arg_num(v, a) * 0x2545F4914F6CDD1DULL, i++;
		else if (!strcmp(a, "--jpeg") && i + 2 < argc)
			return write_jpeg(argv[i + 1], (long)arg_num(argv[i + 2], a)) ? 1 : 0;
		else if (!strcmp(a, "--out"))
			out = v, i++;
		else {
			fprintf(stderr, "usage: gen [--hazards N] [--people N] [--areas N] [--plants N] [--certs N] [--permits N] [--seed N] --out FILE\n");
			return 2;
		}
	}
	if (!out || plants < 1 || plants > 50 || nareas < plants || people < plants * (NROLES + WORKSHOPS * (TEAMS + 2))) {
		fprintf(stderr, "gen: need --out FILE, 1–50 plants, at least one area per plant and %d people per plant\n",
			NROLES + WORKSHOPS * (TEAMS + 2));
		return 2;
	}
	log_quiet(1);
	double t0 = now_s();
	/* a fresh file: the generator never adds to an existing database */
	char side[4096];
	unlink(out);
	snprintf(side, sizeof(side), "%s-wal", out);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", out);
	unlink(side);
	char *err = NULL;
	struct db *c = db_open(out, &err);
	if (!c) {
		fprintf(stderr, "gen: cannot open %s: %s\n", out, err ? err : "?");
		return 1;
	}
	if (db_migrate(c, 0) != DB_OK)
		die(c, "migrate");
	/* generation only: a crash means generating again (see the header) */
	exec(c, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA foreign_keys=OFF;"
		" PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY");

	const char *pw = getenv("ANQUAN_BENCH_PASSWORD");
	char *hash = NULL;
	if (auth_hash_password(pw && *pw ? pw : BENCH_PASSWORD, &hash))
		die(NULL, "password hash");
	struct plant *pl = calloc((size_t)plants, sizeof(*pl));
	struct area *ar = calloc((size_t)nareas, sizeof(*ar));
	char before[NPHOTOS][65], after[NAFTER][65];
	if (db_begin(c) != DB_OK)
		die(c, "begin");
	gen_org(c, pl, (int)plants, (int)people, ar, (int)nareas, hash);
	for (int i = 0; i < nareas; i++) {
		char *nm = NULL;
		db_get_text(c, &nm, "SELECT name FROM areas WHERE id = ?", "I", ar[i].id);
		ar[i].name = nm;
	}
	gen_photos(c, before, after);
	if (db_commit(c) != DB_OK)
		die(c, "commit org");
	fprintf(stderr, "gen: organization: %lld plants, %lld people, %lld areas (%.1f s)\n", (long long)plants,
		(long long)people, (long long)nareas, now_s() - t0);

	struct saved_index idx[32];
	int nidx = drop_indexes(c, idx, 32);
	gen_hazards(c, pl, (int)plants, ar, (int)nareas, nhz, before, after);
	double t1 = now_s();
	for (int i = 0; i < nidx; i++) {
		exec(c, idx[i].sql);
		free(idx[i].name);
		free(idx[i].sql);
	}
	fprintf(stderr, "gen: %d indexes rebuilt (%.1f s)\n", nidx, now_s() - t1);
	gen_certs(c, ncerts);
	gen_permits(c, pl, (int)plants, ar, (int)nareas, npermits);

	/* the audit key and anchor live beside the database, as under a data directory; a fresh
	 * database starts a fresh anchor (the old one records another database's head) */
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", out);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	/* a directory name too long for side would unlink the wrong file: refuse it (checking the
	 * length also keeps -Wformat-truncation quiet, which failed the build) */
	if (snprintf(side, sizeof(side), "%s/audit.anchor", dir) >= (int)sizeof(side))
		die(c, "output path too long");
	unlink(side);
	if (audit_open(dir, NULL, &err))
		die(c, err ? err : "audit key");
	struct audit_actor actor = {0, "bench", "local"};
	char summary[96];
	snprintf(summary, sizeof(summary), "bench data generated: %lld hazards", (long long)nhz);
	if (db_begin(c) != DB_OK || audit_append(c, &actor, "system", 0, "bench_gen", summary) != DB_OK ||
	    db_commit(c) != DB_OK)
		die(c, "audit");

	int64_t blob_bytes = 0, blobs = 0, events = 0, photos = 0;
	db_get_i64(c, &blob_bytes, "SELECT coalesce(sum(length(bytes)), 0) FROM blobs", NULL);
	db_get_i64(c, &blobs, "SELECT count(*) FROM blobs WHERE thumb_sha256 IS NOT NULL", NULL);
	/* what one stored photo costs: the re-encoded image plus its thumbnail */
	int64_t photo_bytes = 0;
	db_get_i64(c, &photo_bytes, "SELECT coalesce(sum(length(b.bytes) + length(t.bytes)), 0) FROM blobs b"
				    " JOIN blobs t ON t.sha256 = b.thumb_sha256", NULL);
	db_get_i64(c, &events, "SELECT count(*) FROM hazard_events", NULL);
	db_get_i64(c, &photos, "SELECT count(*) FROM hazard_photos", NULL);
	/* back to the server's mode: WAL (persistent in the file); the server sets synchronous */
	exec(c, "PRAGMA journal_mode=WAL; PRAGMA wal_checkpoint(TRUNCATE)");
	db_close(c);
	audit_close();
	free(hash);
	long long size = file_size(out);
	double k = nhz ? (double)nhz / 1000.0 : 1;
	/* photos referenced per 1,000 hazards if each reference were its own blob (the stored set
	 * is shared, so this is what content addressing saves) */
	double avg_blob = blobs ? (double)photo_bytes / (double)blobs : 0;
	printf("gen: %lld hazards, %lld events, %lld photo links, %lld photos (%.1f KB with thumbnails) in %.1f s\n", (long long)nhz,
	       (long long)events, (long long)photos, (long long)blobs, (double)blob_bytes / 1024.0, now_s() - t0);
	printf("gen: database %.1f MB; per 1,000 hazards: %.1f KB database, %.1f KB stored blobs,"
	       " %.1f KB of photos if each were distinct (%.1f KB per photo)\n", size / 1048576.0, size / 1024.0 / k, blob_bytes / 1024.0 / k,
	       avg_blob * (double)photos / 1024.0 / k, avg_blob / 1024.0);
	return 0;
}
