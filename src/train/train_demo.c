/*
 * train_demo.c — the demo's training: courses (三级安全教育 with the 72 hours of a chemical
 * plant, yearly re-training, the guardian course, hot work, confined spaces, PPE, contractors'
 * induction), who must take them, a question bank drawn from GB 30871-2022 and GB 39800,
 * exams, and a year of records: most people complete, some overdue, one guardian who failed
 * the guardian exam (and so may not guard a permit), new hires part-way through.
 */
#include "train/train.h"
#include "base/clock.h"
#include "base/day.h"
#include "base/text.h"
#include "db/db.h"

#include <stdlib.h>
#include <string.h>

struct demo_course {
	const char *code, *name;
	int hours, renew;
	const char *role;
	const char *applies, *position;
	int within;
};
/* 原安监总局令第3号 Art. 9 and 13: 72 h before starting in hazardous chemicals (here 24 at
 * each of the three levels), 20 h of re-training a year. */
static const struct demo_course courses[] = {
	{"induct.company", "三级安全教育·公司级", 24, 0, NULL, "new_hire", NULL, 0},
	{"induct.workshop", "三级安全教育·车间级", 24, 0, NULL, "new_hire", NULL, 0},
	{"induct.team", "三级安全教育·班组级", 24, 0, NULL, "new_hire", NULL, 0},
	{"yearly", "年度安全再培训", 20, 12, NULL, "all", NULL, 30},
	{"guardian", "作业监护人培训", 8, 12, "guardian", "position", "车间安全员", 30},
	{"hot_work", "动火作业安全", 4, 12, "hot_work", NULL, NULL, 0},
	{"confined", "受限空间作业安全", 4, 12, "confined_space", NULL, NULL, 0},
	{"ppe", "个体防护装备使用", 2, 12, NULL, NULL, NULL, 0},
	{"contractor", "承包商入厂安全教育", 8, 12, NULL, "contractor", NULL, 0},
	{NULL},
};

struct demo_q {
	const char *course, *kind, *stem, *options, *answer;
};
static const struct demo_q questions[] = {
	{"hot_work", "single", "特级、一级动火作业票的最长有效期是多少？", "[\"4小时\",\"8小时\",\"24小时\",\"72小时\"]", "[1]"},
	{"hot_work", "single", "二级动火作业票的最长有效期是多少？", "[\"8小时\",\"24小时\",\"72小时\",\"7天\"]", "[2]"},
	{"hot_work", "single", "动火分析的取样时间与动火作业开始时间间隔不应超过多少？", "[\"10分钟\",\"30分钟\",\"60分钟\",\"2小时\"]", "[1]"},
	{"hot_work", "single", "被测可燃气体爆炸下限≥4%时，动火分析合格标准为浓度不超过多少？", "[\"0.2%(体积)\",\"0.5%(体积)\",\"1%(体积)\",\"4%(体积)\"]", "[1]"},
	{"hot_work", "single", "被测可燃气体爆炸下限<4%时，动火分析合格标准为浓度不超过多少？", "[\"0.1%(体积)\",\"0.2%(体积)\",\"0.5%(体积)\",\"1%(体积)\"]", "[1]"},
	{"hot_work", "single", "动火分析取样点应在动火点周围多少米范围内？", "[\"5米\",\"10米\",\"15米\",\"30米\"]", "[1]"},
	{"hot_work", "multi", "动火作业前应采取的措施有哪些？", "[\"清除动火点周围可燃物\",\"配备灭火器材\",\"进行动火分析\",\"关闭所有照明\"]", "[0,1,2]"},
	{"hot_work", "multi", "下列哪些情况需要重新办理动火作业票？", "[\"作业范围扩大\",\"作业地点变更\",\"作业票超过有效期\",\"监护人换班签字\"]", "[0,1,2]"},
	{"hot_work", "judge", "特级动火作业应全程视频监控，录像保存不少于1个月。", "[]", "[1]"},
	{"hot_work", "judge", "动火作业中断超过60分钟（二级）应重新进行动火分析。", "[]", "[1]"},
	{"hot_work", "judge", "动火作业票可以由作业人员自己签发。", "[]", "[0]"},
	{"hot_work", "judge", "氧气设备内动火时，氧含量不应超过23.5%。", "[]", "[1]"},
	{"hot_work", "fill", "动火作业票应至少保存多少年？（填数字）", "[]", "1|一"},
	{"hot_work", "fill", "熔化焊接与热切割作业人员应持有哪类特种作业操作证？（填作业类别）", "[]", "焊接与热切割作业|焊接与热切割"},
	{"confined", "single", "受限空间作业前，气体分析取样时间距作业开始不应超过多少？", "[\"10分钟\",\"30分钟\",\"60分钟\",\"2小时\"]", "[1]"},
	{"confined", "single", "受限空间内氧含量的合格范围是多少？", "[\"18%～21%\",\"19.5%～21%\",\"19.5%～23.5%\",\"21%～25%\"]", "[1]"},
	{"confined", "single", "受限空间作业中断超过多少时间应重新分析？", "[\"30分钟\",\"60分钟\",\"2小时\",\"4小时\"]", "[1]"},
	{"confined", "single", "受限空间作业票的最长有效期是多少？", "[\"8小时\",\"12小时\",\"24小时\",\"72小时\"]", "[2]"},
	{"confined", "multi", "受限空间作业前应做到哪些？", "[\"隔绝与之相连的管道\",\"通风置换\",\"气体分析合格\",\"设专人监护\"]", "[0,1,2,3]"},
	{"confined", "multi", "受限空间作业监护人的职责包括哪些？", "[\"在受限空间外持续监护\",\"与作业人员保持联络\",\"发现异常立即组织撤离\",\"进入空间内帮助作业\"]", "[0,1,2]"},
	{"confined", "judge", "受限空间作业时，监护人可以进入受限空间协助作业。", "[]", "[0]"},
	{"confined", "judge", "可以用纯氧对受限空间进行通风换气。", "[]", "[0]"},
	{"confined", "judge", "受限空间内有人员中毒时，未佩戴防护的人员不得盲目施救。", "[]", "[1]"},
	{"confined", "judge", "受限空间作业应在出入口设置警示标志。", "[]", "[1]"},
	{"confined", "fill", "受限空间作业中，富氧环境下氧含量不应大于百分之多少？（填数字）", "[]", "23.5"},
	{"confined", "fill", "受限空间作业期间至少设几名监护人？（填数字）", "[]", "1|一"},
	{"ppe", "single", "在有毒气体浓度不明的环境中应使用哪种呼吸防护用品？", "[\"普通口罩\",\"过滤式防毒面具\",\"正压式空气呼吸器\",\"防尘口罩\"]", "[2]"},
	{"ppe", "single", "高处作业人员应系挂的安全带应怎样挂？", "[\"低挂高用\",\"高挂低用\",\"平挂平用\",\"不挂\"]", "[1]"},
	{"ppe", "single", "安全帽的主要作用是什么？", "[\"保暖\",\"防止头部受冲击伤害\",\"美观\",\"防雨\"]", "[1]"},
	{"ppe", "multi", "使用安全帽时，下列做法正确的有哪些？", "[\"系紧下颏带\",\"检查帽壳有无裂纹\",\"在帽壳上钻孔通风\",\"按规定期限更换\"]", "[0,1,3]"},
	{"ppe", "multi", "焊接作业应佩戴哪些防护用品？", "[\"焊接面罩\",\"焊工手套\",\"阻燃工作服\",\"化纤衣服\"]", "[0,1,2]"},
	{"ppe", "judge", "过滤式防毒面具可以在缺氧环境中使用。", "[]", "[0]"},
	{"ppe", "judge", "劳动防护用品应按规定佩戴，发现损坏应及时更换。", "[]", "[1]"},
	{"ppe", "judge", "用人单位可以用发放现金代替劳动防护用品。", "[]", "[0]"},
	{"ppe", "fill", "过滤式呼吸防护用品适用于氧含量不低于百分之多少的环境？（填数字）", "[]", "19.5"},
	{"guardian", "single", "作业监护人在作业期间应当怎样？", "[\"可以短暂离开\",\"不得离开现场\",\"可以兼做其他工作\",\"只在开始时在场\"]", "[1]"},
	{"guardian", "single", "发现作业现场出现异常情况时，监护人应当怎样？", "[\"继续观察\",\"立即通知停止作业\",\"事后报告\",\"自己进入处理\"]", "[1]"},
	{"guardian", "multi", "监护人在作业前应确认哪些事项？", "[\"安全措施已落实\",\"作业票已审批\",\"气体分析合格\",\"作业人员已下班\"]", "[0,1,2]"},
	{"guardian", "multi", "监护人应佩戴或携带什么？", "[\"明显标识\",\"通讯工具\",\"必要的应急器材\",\"动火工具\"]", "[0,1,2]"},
	{"guardian", "judge", "监护人可以同时是该作业的作业人员。", "[]", "[0]"},
	{"guardian", "judge", "作业结束后，监护人应检查现场确认无遗留火种。", "[]", "[1]"},
	{"guardian", "judge", "一名监护人可以同时监护多处特级动火作业。", "[]", "[0]"},
	{"guardian", "fill", "受限空间作业时，监护人应在受限空间外还是内？（填“外”或“内”）", "[]", "外|空间外"},
	{"hot_work", "single", "特级动火作业由谁审批？", "[\"所在基层单位\",\"安全管理部门\",\"主管领导\",\"班组长\"]", "[2]"},
	{"hot_work", "single", "一级动火作业由谁审批？", "[\"所在基层单位\",\"安全管理部门\",\"主管领导\",\"监护人\"]", "[1]"},
	{"hot_work", "single", "二级动火作业由谁审批？", "[\"所在基层单位\",\"安全管理部门\",\"主管领导\",\"作业人\"]", "[0]"},
	{"hot_work", "single", "特级、一级动火作业中断超过多少时间应重新进行气体分析？", "[\"10分钟\",\"30分钟\",\"60分钟\",\"2小时\"]", "[1]"},
	{"hot_work", "single", "夜间、节假日或五级风以上天气动火，作业级别应如何调整？", "[\"不变\",\"降一级\",\"升一级\",\"升两级\"]", "[2]"},
	{"hot_work", "single", "在大型容器内动火，气体取样点应如何设置？", "[\"只取顶部\",\"只取底部\",\"上、中、下各部位\",\"只取人孔处\"]", "[2]"},
	{"hot_work", "multi", "下列属于动火作业的有哪些？", "[\"电焊\",\"气割\",\"使用砂轮切割\",\"用扳手紧固螺栓\"]", "[0,1,2]"},
	{"hot_work", "multi", "动火作业票上应由哪些人签字确认？", "[\"作业人\",\"监护人\",\"审批人\",\"路过人员\"]", "[0,1,2]"},
	{"hot_work", "multi", "动火现场应配备哪些应急器材？", "[\"灭火器\",\"消防水带\",\"石棉布或防火毯\",\"汽油桶\"]", "[0,1,2]"},
	{"hot_work", "judge", "特级动火作业应进行连续气体监测。", "[]", "[1]"},
	{"hot_work", "judge", "每日动火作业开始前都应进行动火分析。", "[]", "[1]"},
	{"hot_work", "judge", "动火作业结束后无需检查现场即可离开。", "[]", "[0]"},
	{"hot_work", "judge", "作业票过期后可以口头延期继续作业。", "[]", "[0]"},
	{"hot_work", "judge", "动火点周围的下水井、地漏应采取封堵措施。", "[]", "[1]"},
	{"hot_work", "fill", "特级动火作业视频录像至少保存几个月？（填数字）", "[]", "1|一"},
	{"hot_work", "fill", "动火分析合格标准中，爆炸下限≥4%的可燃气体浓度不超过百分之几（体积）？（填数字）", "[]", "0.5"},
	{"confined", "single", "受限空间作业中，可燃气体浓度合格标准依据哪类作业执行？", "[\"高处作业\",\"动火作业\",\"吊装作业\",\"临时用电\"]", "[1]"},
	{"confined", "single", "受限空间作业照明电压在潮湿容器、狭小容器内不应大于多少？", "[\"12V\",\"24V\",\"36V\",\"220V\"]", "[0]"},
	{"confined", "single", "受限空间作业审批由谁负责？", "[\"所在基层单位\",\"主管领导\",\"班组长\",\"作业人\"]", "[0]"},
	{"confined", "single", "受限空间有毒气体浓度应符合哪项标准的限值？", "[\"GB 30871\",\"GBZ 2.1\",\"GB 6441\",\"GB 2894\"]", "[1]"},
	{"confined", "multi", "受限空间作业前的隔离措施包括哪些？", "[\"加盲板隔离\",\"拆除一段管道\",\"切断电源并挂牌上锁\",\"只关闭阀门不上锁\"]", "[0,1,2]"},
	{"confined", "multi", "受限空间作业中出现哪些情况应立即撤离？", "[\"气体检测报警\",\"通风设备故障\",\"作业人员感到不适\",\"作业按计划进行\"]", "[0,1,2]"},
	{"confined", "multi", "下列属于受限空间的有哪些？", "[\"储罐\",\"反应釜\",\"地下污水井\",\"开阔的厂房\"]", "[0,1,2]"},
	{"confined", "judge", "受限空间作业应采取强制通风。", "[]", "[1]"},
	{"confined", "judge", "受限空间作业人员可以不佩戴安全带和救生绳。", "[]", "[0]"},
	{"confined", "judge", "作业中断超过60分钟，恢复作业前应重新进行气体分析。", "[]", "[1]"},
	{"confined", "judge", "受限空间出入口应保持畅通。", "[]", "[1]"},
	{"confined", "judge", "用氮气置换后的受限空间可以立即进入。", "[]", "[0]"},
	{"confined", "fill", "受限空间内氧含量合格下限是百分之多少（体积）？（填数字）", "[]", "19.5"},
	{"confined", "fill", "受限空间作业票的有效期最长为多少小时？（填数字）", "[]", "24|二十四"},
	{"ppe", "single", "在噪声超过85分贝的场所应佩戴什么？", "[\"护目镜\",\"耳塞或耳罩\",\"防尘口罩\",\"安全帽\"]", "[1]"},
	{"ppe", "single", "接触酸碱等腐蚀性液体时应佩戴什么手套？", "[\"棉纱手套\",\"耐酸碱手套\",\"电焊手套\",\"不戴手套\"]", "[1]"},
	{"ppe", "single", "在旋转机械旁作业时，下列做法正确的是？", "[\"戴手套操作\",\"长发盘入帽内\",\"穿宽松衣服\",\"系领带\"]", "[1]"},
	{"ppe", "single", "正压式空气呼吸器使用前应检查什么？", "[\"颜色\",\"气瓶压力和面罩气密性\",\"重量\",\"生产日期以外无需检查\"]", "[1]"},
	{"ppe", "multi", "进入生产现场的基本防护用品包括哪些？", "[\"安全帽\",\"劳保鞋\",\"工作服\",\"拖鞋\"]", "[0,1,2]"},
	{"ppe", "multi", "安全带使用前应检查哪些部位？", "[\"织带有无磨损\",\"金属件有无裂纹\",\"缝线是否完好\",\"颜色是否鲜艳\"]", "[0,1,2]"},
	{"ppe", "multi", "下列哪些情况应停止使用安全帽？", "[\"帽壳有裂纹\",\"受过重大冲击\",\"超过使用期限\",\"帽子有单位标志\"]", "[0,1,2]"},
	{"ppe", "judge", "护目镜可以代替焊接面罩进行电焊作业。", "[]", "[0]"},
	{"ppe", "judge", "特种劳动防护用品应具有安全标志。", "[]", "[1]"},
	{"ppe", "judge", "正压式空气呼吸器报警哨响起后应立即撤离。", "[]", "[1]"},
	{"ppe", "judge", "防护用品可以由员工自行改装。", "[]", "[0]"},
	{"ppe", "fill", "高处作业一般指在坠落高度基准面多少米及以上有可能坠落的高处进行的作业？（填数字）", "[]", "2|两|二"},
	{"ppe", "fill", "安全带应遵循“高挂____用”的原则。（填一个字）", "[]", "低"},
	{"yearly", "single", "新员工上岗前（危险化学品企业）安全培训时间不少于多少学时？", "[\"24学时\",\"32学时\",\"48学时\",\"72学时\"]", "[3]"},
	{"yearly", "single", "从业人员每年再培训时间不少于多少学时？", "[\"8学时\",\"12学时\",\"20学时\",\"24学时\"]", "[2]"},
	{"yearly", "multi", "三级安全教育包括哪三级？", "[\"公司级\",\"车间级\",\"班组级\",\"省级\"]", "[0,1,2]"},
	{"yearly", "judge", "从业人员有权拒绝违章指挥和强令冒险作业。", "[]", "[1]"},
	{"yearly", "judge", "发现事故隐患应立即报告现场安全管理人员或本单位负责人。", "[]", "[1]"},
	{"yearly", "fill", "单位主要负责人发生事故后应在多少小时内向县级以上政府有关部门报告？（填数字）", "[]", "1|一"},
	{NULL},
};

static int64_t course_id(struct db *c, const char *code)
{
	int64_t id = 0;
	db_get_i64(c, &id, "SELECT id FROM train_courses WHERE code = ?", "t", code);
	return id;
}

static int record(struct db *c, int64_t person, const char *code, int64_t day, int64_t now)
{
	return db_exec(c, "INSERT INTO train_records (person_id, course_id, done_on, hours, source, created_at)"
			  " SELECT ?, id, ?, hours, 'class', ? FROM train_courses WHERE code = ?",
		       "IIIt", person, day, now, code);
}

int train_demo_load(struct db *c)
{
	int64_t now = clock_now(), today = day_of(now);
	for (const struct demo_course *k = courses; k->code; k++) {
		if (db_exec(c, "INSERT INTO train_courses (code, name, hours, renew_months, permit_role, created_at)"
			       " VALUES (?, ?, ?, ?, ?, ?)", "ttiitI", k->code, k->name, k->hours, k->renew, k->role, now) != DB_OK)
			return -1;
		int64_t cid = db_last_id(c);
		if (k->applies && db_exec(c, "INSERT INTO train_requirements (course_id, applies, position_id, within_days,"
					    " created_at) VALUES (?, ?, (SELECT id FROM positions WHERE name = ?), ?, ?)",
					  "IttiI", cid, k->applies, k->position, k->within, now) != DB_OK)
			return -1;
	}
	for (const struct demo_q *q = questions; q->course; q++)
		if (db_exec(c, "INSERT INTO train_questions (course_id, kind, stem, options, answer)"
			       " SELECT id, ?, ?, ?, ? FROM train_courses WHERE code = ?",
			    "ttttt", q->kind, q->stem, q->options, q->answer, q->course) != DB_OK)
			return -1;
	static const struct { const char *course, *title; int n, minutes, pass, max; } exams[] = {
		{"guardian", "作业监护人考试", 8, 20, 80, 3},
		{"hot_work", "动火作业安全考试", 10, 20, 80, 3},
		{"confined", "受限空间作业安全考试", 10, 20, 80, 3},
		{"ppe", "个体防护装备考试", 8, 15, 60, 3},
		{"yearly", "年度再培训考试", 6, 15, 60, 3},
	};
	for (size_t i = 0; i < sizeof exams / sizeof *exams; i++)
		if (db_exec(c, "INSERT INTO train_exams (course_id, title, questions, minutes, pass_mark, max_attempts, created_at)"
			       " VALUES (?, ?, ?, ?, ?, ?, ?)", "ItiiiiI", course_id(c, exams[i].course), exams[i].title,
			    exams[i].n, exams[i].minutes, exams[i].pass, exams[i].max, now) != DB_OK)
			return -1;

	/* every employee gets a person row; a year of records: the induction a year or more ago,
	 * the yearly course at a spread of days, so that some fall due and about one in twelve of
	 * the operators outside the first workshop is overdue */
	struct db_stmt *st = db_query(c, "SELECT u.id FROM users u JOIN user_roles ur ON ur.user_id = u.id"
					 " JOIN roles r ON r.id = ur.role_id WHERE r.code NOT IN ('sysadmin','secadmin','auditor')"
					 " GROUP BY u.id ORDER BY u.id", "");
	int64_t uids[4096];
	int n = 0;
	while (st && db_step(st) == 1 && n < 4096)
		uids[n++] = db_col_i64(st, 0);
	db_done(c, st);
	for (int i = 0; i < n; i++)
		if (!train_person_of_user(c, uids[i], 1))
			return -1;
	st = db_query(c, "SELECT p.id, COALESCE(u.username, ''), p.contractor, COALESCE(un.path, '') FROM persons p"
			 " LEFT JOIN users u ON u.id = p.user_id JOIN units un ON un.id = p.unit_id ORDER BY p.id", "");
	struct { int64_t id; int contractor, generated, ws1; } ps[4096];
	int np = 0;
	int64_t ws1_path_len = 0;
	char *ws1 = NULL;
	db_get_text(c, &ws1, "SELECT un.path FROM units un JOIN users u ON u.unit_id = un.id WHERE u.username = 'ws1anquan'", "");
	(void)ws1_path_len;
	while (st && db_step(st) == 1 && np < 4096) {
		const char *user = db_col_text(st, 1);
		ps[np].id = db_col_i64(st, 0);
		ps[np].contractor = (int)db_col_i64(st, 2);
		/* the named demo accounts have letters only; generated staff have digits */
		ps[np].generated = strpbrk(user, "0123456789") != NULL && strncmp(user, "ws1", 3) != 0;
		ps[np].ws1 = ws1 && !strncmp(db_col_text(st, 3), ws1, strlen(ws1));
		np++;
	}
	db_done(c, st);
	free(ws1);
	int overdue_left = 6;
	for (int i = 0; i < np; i++) {
		/* 20..319 days ago; the named accounts (those the guided tour and the permits use)
		 * trained within the last seven weeks, so they stay in order for ten months */
		int64_t spread = ps[i].generated ? 20 + (i * 37) % 300 : 15 + (i * 7) % 35;
		if (ps[i].contractor) {
			if (record(c, ps[i].id, "contractor", today - spread, now))
				return -1;
			continue;
		}
		int late = ps[i].generated && !ps[i].ws1 && i % 12 == 5 && overdue_left > 0;
		if (late)
			overdue_left--;
		if (record(c, ps[i].id, "induct.company", today - 400 - i, now) ||
		    record(c, ps[i].id, "induct.workshop", today - 399 - i, now) ||
		    record(c, ps[i].id, "induct.team", today - 398 - i, now) ||
		    record(c, ps[i].id, "yearly", late ? today - 400 : today - spread, now) ||
		    record(c, ps[i].id, "guardian", today - spread, now))
			return -1;
	}
	/* the safety director passed the yearly exam a month ago (the first sitting of the demo) */
	int64_t director = 0, yearly = 0;
	db_get_i64(c, &director, "SELECT p.id FROM persons p JOIN users u ON u.id = p.user_id WHERE u.username = 'zongjian'", "");
	db_get_i64(c, &yearly, "SELECT x.id FROM train_exams x JOIN train_courses k ON k.id = x.course_id WHERE k.code = 'yearly'", "");
	if (director && yearly &&
	    db_exec(c, "INSERT INTO train_attempts (exam_id, person_id, started_at, deadline, submitted_at, paper, answers,"
		       " score, passed) VALUES (?, ?, ?, ?, ?, '[]', '{}', 100, 1)",
		    "IIIII", yearly, director, now - 30 * 86400 - 600, now - 30 * 86400 + 300, now - 30 * 86400) != DB_OK)
		return -1;
	/* one guardian who failed the guardian exam three days ago: refused on every permit */
	int64_t failed = 0;
	db_get_i64(c, &failed, "SELECT p.id FROM persons p JOIN users u ON u.id = p.user_id JOIN user_roles ur"
			       " ON ur.user_id = u.id JOIN roles r ON r.id = ur.role_id WHERE r.code = 'team_leader'"
			       " AND u.username <> 'banzhang' ORDER BY p.id DESC LIMIT 1", "");
	int64_t exam = 0;
	db_get_i64(c, &exam, "SELECT x.id FROM train_exams x JOIN train_courses k ON k.id = x.course_id WHERE k.code = 'guardian'", "");
	if (failed && exam &&
	    db_exec(c, "INSERT INTO train_attempts (exam_id, person_id, started_at, deadline, submitted_at, paper, answers,"
		       " score, passed) VALUES (?, ?, ?, ?, ?, '[]', '{}', 50, 0)",
		    "IIIII", exam, failed, now - 3 * 86400 - 900, now - 3 * 86400 + 300, now - 3 * 86400) != DB_OK)
		return -1;
	/* classes: one running now (its page shows the sign-in QR), one tomorrow at 09:00 */
	static const struct { const char *course, *area; int tomorrow; } classes[] = {
		{"ppe", "合成一车间 反应釜区", 0},
		{"hot_work", "罐区 装卸站台", 1},
	};
	for (size_t i = 0; i < sizeof classes / sizeof *classes; i++) {
		int64_t from = classes[i].tomorrow ? day_start_utc(today + 1) + 9 * 3600 : now / 60 * 60 - 30 * 60;
		char secret[33];
		text_random_token(secret, 16);
		if (db_exec(c, "INSERT INTO train_classes (course_id, area_id, starts_at, ends_at, secret, trainer_id, created_at)"
			       " SELECT ?, a.id, ?, ?, ?, (SELECT id FROM users WHERE username = 'renshi'), ? FROM areas a"
			       " WHERE a.name = ? LIMIT 1", "IIItIt", course_id(c, classes[i].course), from, from + 120 * 60,
			    secret, now, classes[i].area) != DB_OK)
			return -1;
	}
	return 0;
}
