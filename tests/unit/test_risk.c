/*
 * test_risk.c — the risk module's rules: the LEC and LS value tables, every band edge of every
 * preset band set as shipped in 0500_risk.sql, the LEC table's danger classes, 重大 needing
 * company-level control and approval, versioned assessment with approval, and the living
 * register's scan (hazard links, the N-in-D-days trigger, control-measure failure,
 * escalation and the periodic review) with the clock passed in.
 */
#include "unit.h"
#include "auth/actor.h"
#include "base/day.h"
#include "db/db.h"
#include "risk/risk.h"

#include <stdlib.h>

static const char *level_in(struct db *c, const char *code, double v)
{
	struct risk_band_set s;
	if (risk_band_set_load_code(c, code, 0, &s))
		return "(no set)";
	return risk_band_level(&s, v);
}

TEST(risk_value_tables)
{
	CHECK(risk_choice_valid(risk_lec_l, 10) && risk_choice_valid(risk_lec_l, 0.1) && risk_choice_valid(risk_lec_l, 0.5));
	CHECK(!risk_choice_valid(risk_lec_l, 2) && !risk_choice_valid(risk_lec_l, 0) && !risk_choice_valid(risk_lec_l, 11));
	CHECK(risk_choice_valid(risk_lec_e, 0.5) && risk_choice_valid(risk_lec_e, 2) && !risk_choice_valid(risk_lec_e, 4));
	CHECK(risk_choice_valid(risk_lec_c, 100) && risk_choice_valid(risk_lec_c, 7) && !risk_choice_valid(risk_lec_c, 10));
	for (int v = 1; v <= 5; v++)
		CHECK(risk_choice_valid(risk_ls_l, v) && risk_choice_valid(risk_ls_s, v));
	CHECK(!risk_choice_valid(risk_ls_l, 0) && !risk_choice_valid(risk_ls_l, 6) && !risk_choice_valid(risk_ls_s, 2.5));
	/* the LEC table's classes, an edge value in the class below */
	CHECK_STR(risk_lec_class(320.01), "risk.lec.class.5");
	CHECK_STR(risk_lec_class(320), "risk.lec.class.4");
	CHECK_STR(risk_lec_class(160.01), "risk.lec.class.4");
	CHECK_STR(risk_lec_class(160), "risk.lec.class.3");
	CHECK_STR(risk_lec_class(70), "risk.lec.class.2");
	CHECK_STR(risk_lec_class(20.01), "risk.lec.class.2");
	CHECK_STR(risk_lec_class(20), "risk.lec.class.1");
}

TEST(risk_band_edges_every_preset)
{
	struct db *c = unit_db();
	/* lec_default (DOMAIN.md §3): D > 320 重大, 160–320 较大, 70–160 一般, ≤ 70 低 */
	CHECK_STR(level_in(c, "lec_default", 400), "major");
	CHECK_STR(level_in(c, "lec_default", 320.01), "major");
	CHECK_STR(level_in(c, "lec_default", 320), "large");
	CHECK_STR(level_in(c, "lec_default", 160.01), "large");
	CHECK_STR(level_in(c, "lec_default", 160), "general");
	CHECK_STR(level_in(c, "lec_default", 70.01), "general");
	CHECK_STR(level_in(c, "lec_default", 70), "low");
	CHECK_STR(level_in(c, "lec_default", 20), "low");
	CHECK_STR(level_in(c, "lec_default", 0.05), "low");
	/* lec_160: > 160 red, 70–160 orange, 20–70 yellow, < 20 blue */
	CHECK_STR(level_in(c, "lec_160", 160.01), "major");
	CHECK_STR(level_in(c, "lec_160", 160), "large");
	CHECK_STR(level_in(c, "lec_160", 70.01), "large");
	CHECK_STR(level_in(c, "lec_160", 70), "general");
	CHECK_STR(level_in(c, "lec_160", 20), "general");
	CHECK_STR(level_in(c, "lec_160", 19.99), "low");
	/* ls_default: R ≥ 20 重大, 15–16 较大, 9–12 一般, ≤ 8 低 */
	CHECK_STR(level_in(c, "ls_default", 25), "major");
	CHECK_STR(level_in(c, "ls_default", 20), "major");
	CHECK_STR(level_in(c, "ls_default", 16), "large");
	CHECK_STR(level_in(c, "ls_default", 15), "large");
	CHECK_STR(level_in(c, "ls_default", 12), "general");
	CHECK_STR(level_in(c, "ls_default", 9), "general");
	CHECK_STR(level_in(c, "ls_default", 8), "low");
	CHECK_STR(level_in(c, "ls_default", 1), "low");
	/* ls_20_10_4: 20–25, 10–16, 4–9, 1–3 */
	CHECK_STR(level_in(c, "ls_20_10_4", 20), "major");
	CHECK_STR(level_in(c, "ls_20_10_4", 16), "large");
	CHECK_STR(level_in(c, "ls_20_10_4", 10), "large");
	CHECK_STR(level_in(c, "ls_20_10_4", 9), "general");
	CHECK_STR(level_in(c, "ls_20_10_4", 4), "general");
	CHECK_STR(level_in(c, "ls_20_10_4", 3), "low");
	/* ls_17_11_5: 17–25, 11–16, 5–10, 1–4 (17 is no product of two 1–5 scores: the edge still holds) */
	CHECK_STR(level_in(c, "ls_17_11_5", 17), "major");
	CHECK_STR(level_in(c, "ls_17_11_5", 16), "large");
	CHECK_STR(level_in(c, "ls_17_11_5", 11), "large");
	CHECK_STR(level_in(c, "ls_17_11_5", 10), "general");
	CHECK_STR(level_in(c, "ls_17_11_5", 5), "general");
	CHECK_STR(level_in(c, "ls_17_11_5", 4), "low");
	/* ls_15_9_4: ≥ 15, ≥ 9, ≥ 4, < 4 */
	CHECK_STR(level_in(c, "ls_15_9_4", 15), "major");
	CHECK_STR(level_in(c, "ls_15_9_4", 12), "large");
	CHECK_STR(level_in(c, "ls_15_9_4", 9), "large");
	CHECK_STR(level_in(c, "ls_15_9_4", 8), "general");
	CHECK_STR(level_in(c, "ls_15_9_4", 4), "general");
	CHECK_STR(level_in(c, "ls_15_9_4", 3), "low");
	db_close(c);
}

TEST(risk_evaluate_and_control)
{
	struct db *c = unit_db();
	struct risk_band_set lec, ls;
	CHECK(risk_band_set_in_use(c, "LEC", &lec) == 0);
	CHECK(risk_band_set_in_use(c, "LS", &ls) == 0);
	CHECK_STR(lec.code, "lec_default");
	struct risk_result res;
	const char *field = NULL;
	struct risk_scores s = {"LEC", 6, 6, 15, 0};	/* D = 540 */
	CHECK(risk_evaluate(&lec, &s, &res, &field) == 0);
	CHECK(res.value == 540);
	CHECK_STR(res.level, "major");
	CHECK(res.band_set_id == lec.id && res.band_version == 1);
	s = (struct risk_scores){"LEC", 0.1, 0.5, 1, 0};
	CHECK(risk_evaluate(&lec, &s, &res, &field) == 0 && res.value == 0.05);
	s = (struct risk_scores){"LEC", 2, 6, 15, 0};
	CHECK(risk_evaluate(&lec, &s, &res, &field) == -1);
	CHECK_STR(field, "l");
	s = (struct risk_scores){"LEC", 6, 4, 15, 0};
	CHECK(risk_evaluate(&lec, &s, &res, &field) == -1);
	CHECK_STR(field, "e");
	s = (struct risk_scores){"LEC", 6, 6, 16, 0};
	CHECK(risk_evaluate(&lec, &s, &res, &field) == -1);
	CHECK_STR(field, "c");
	s = (struct risk_scores){"LS", 4, 0, 0, 5};
	CHECK(risk_evaluate(&ls, &s, &res, &field) == 0 && res.value == 20);
	CHECK_STR(res.level, "major");
	s = (struct risk_scores){"LS", 6, 0, 0, 5};
	CHECK(risk_evaluate(&ls, &s, &res, &field) == -1);
	CHECK_STR(field, "l");
	s = (struct risk_scores){"LS", 3, 0, 0, 0};
	CHECK(risk_evaluate(&ls, &s, &res, &field) == -1);
	CHECK_STR(field, "s");
	s = (struct risk_scores){"LS", 3, 0, 0, 3};
	CHECK(risk_evaluate(&lec, &s, &res, &field) == -1);	/* an LS score in an LEC set */
	CHECK_STR(field, "method");
	/* 重大 only at company level; approval for 重大 and 较大 */
	CHECK(risk_control_level_allowed("major", "company"));
	CHECK(!risk_control_level_allowed("major", "workshop"));
	CHECK(risk_control_level_allowed("general", "team"));
	CHECK(!risk_control_level_allowed("low", "plant"));
	CHECK(risk_needs_approval("major") && risk_needs_approval("large"));
	CHECK(!risk_needs_approval("general") && !risk_needs_approval("low"));
	CHECK_STR(risk_default_control_level(c, "major"), "company");
	CHECK_STR(risk_default_control_level(c, "general"), "workshop");
	CHECK_STR(risk_default_control_level(c, "low"), "team");
	/* the setting cannot lower 重大 below company level */
	db_exec(c, "UPDATE settings SET value = 'team' WHERE key = 'risk.control_level.major'", NULL);
	CHECK_STR(risk_default_control_level(c, "major"), "company");
	CHECK_STR(risk_level_colour("major"), "red");
	CHECK_STR(risk_level_colour("low"), "blue");
	CHECK(risk_level_colour("plant") == NULL);
	db_close(c);
}

/* A small plant: a unit, a head, a responsible person, an area with an object, a unit and an
 * event of accident type 'fire' (2025 list). */
struct rplant {
	struct db *c;
	int64_t unit, head, resp, area, object, runit, event, fire, measure, cat;
};

static void rplant_make(struct rplant *p)
{
	struct db *c = p->c = unit_db();
	db_exec(c, "INSERT INTO units (name, kind, path, created_at) VALUES ('车间', 'workshop', '', 0)", NULL);
	p->unit = db_last_id(c);
	db_exec(c, "UPDATE units SET path = '/' || id || '/' WHERE id = ?", "I", p->unit);
	db_exec(c, "INSERT INTO users (username, name, unit_id, password_hash, created_at, updated_at) VALUES ('head', '主任', ?, 'x', 0, 0)",
		"I", p->unit);
	p->head = db_last_id(c);
	db_exec(c, "UPDATE units SET head_user_id = ? WHERE id = ?", "II", p->head, p->unit);
	db_exec(c, "INSERT INTO users (username, name, unit_id, password_hash, created_at, updated_at) VALUES ('resp', '责任人', ?, 'x', 0, 0)",
		"I", p->unit);
	p->resp = db_last_id(c);
	db_exec(c, "INSERT INTO areas (name, unit_id, qr_token, created_at) VALUES ('罐区', ?, 'tok1', 0)", "I", p->unit);
	p->area = db_last_id(c);
	db_exec(c, "INSERT INTO risk_objects (kind, name, unit_id, area_id, resp_user_id, created_at, updated_at)"
		   " VALUES ('area', '罐区', ?, ?, ?, 0, 0)", "III", p->unit, p->area, p->resp);
	p->object = db_last_id(c);
	db_exec(c, "INSERT INTO risk_units (object_id, name, resp_user_id, created_at, updated_at) VALUES (?, '储罐', ?, 0, 0)", "II",
		p->object, p->resp);
	p->runit = db_last_id(c);
	db_get_i64(c, &p->fire, "SELECT id FROM risk_accident_types WHERE list = '2025' AND code = 'fire'", NULL);
	db_exec(c, "INSERT INTO risk_events (risk_unit_id, name, accident_type_id, created_at, updated_at) VALUES (?, '储罐泄漏着火', ?, 0, 0)",
		"II", p->runit, p->fire);
	p->event = db_last_id(c);
	db_exec(c, "INSERT INTO risk_measures (event_id, description, classify1, created_at, updated_at) VALUES (?, '液位高高联锁', 'eng', 0, 0)",
		"I", p->event);
	p->measure = db_last_id(c);
	db_get_i64(c, &p->cat, "SELECT min(id) FROM hazard_categories", NULL);
}

static int64_t hazard_at(struct rplant *p, int64_t at, int source, int64_t measure)
{
	static int seq;
	char number[32];
	snprintf(number, sizeof(number), "YH-T-%d", ++seq);
	db_exec(p->c, "INSERT INTO hazards (number, status, area_id, unit_id, category_id, reported_at, updated_at, source, measure_id)"
		      " VALUES (?, 'reported', ?, ?, ?, ?, ?, ?, NULLIF(?, 0))", "tIIIIIiI", number, p->area, p->unit, p->cat, at, at,
		source, measure);
	return db_last_id(p->c);
}

static void sys_actor(struct db *c, int64_t now, struct actor *a)
{
	actor_system(c, "test", a);
	a->now = now;
}

TEST(risk_assess_versions_and_approval)
{
	struct rplant p;
	rplant_make(&p);
	int64_t now = 1780000000, aid = 0;
	struct actor a;
	sys_actor(p.c, now, &a);
	const char *field = NULL;
	/* general: current at once */
	struct risk_assess_in in = {.event_id = p.event, .scores = {"LEC", 3, 6, 7, 0}, .reason = "initial"};	/* 126 */
	CHECK(risk_assess(&a, &in, &aid, &field) == 0);
	char *lvl = NULL;
	db_get_text(p.c, &lvl, "SELECT level FROM risk_events WHERE id = ?", "I", p.event);
	CHECK_STR(lvl, "general");
	free(lvl);
	/* major: pending, the event keeps 一般 until approved */
	in = (struct risk_assess_in){.event_id = p.event, .scores = {"LEC", 6, 6, 15, 0}, .reason = "change"};	/* 540 */
	CHECK(risk_assess(&a, &in, &aid, &field) == 0);
	lvl = NULL;
	db_get_text(p.c, &lvl, "SELECT level FROM risk_events WHERE id = ?", "I", p.event);
	CHECK_STR(lvl, "general");
	free(lvl);
	char *ap = NULL;
	db_get_text(p.c, &ap, "SELECT approval || ' ' || old_level || ' v' || version FROM risk_assessments WHERE id = ?", "I", aid);
	CHECK_STR(ap, "pending general v2");
	free(ap);
	CHECK(risk_approve(&a, aid, 1, "ok") == 0);
	CHECK(risk_approve(&a, aid, 1, "twice") == -1);
	lvl = NULL;
	db_get_text(p.c, &lvl, "SELECT level || ' ' || control_level FROM risk_events WHERE id = ?", "I", p.event);
	CHECK_STR(lvl, "major company");
	free(lvl);
	/* review due half a year after a 重大 result */
	int64_t review = 0;
	db_get_i64(p.c, &review, "SELECT review_due FROM risk_events WHERE id = ?", "I", p.event);
	CHECK_INT(review, day_add_months(day_of(now), 6));
	/* a 重大 result controlled below company level: refused, nothing stored */
	in = (struct risk_assess_in){.event_id = p.event, .scores = {"LEC", 6, 6, 15, 0}, .control_level = "team"};
	CHECK(risk_assess(&a, &in, &aid, &field) == -1);
	CHECK_STR(field, "control_level");
	in = (struct risk_assess_in){.event_id = p.event, .scores = {"LEC", 6, 6, 14, 0}};
	CHECK(risk_assess(&a, &in, &aid, &field) == -1);
	CHECK_STR(field, "c");
	int64_t n = 0;
	db_get_i64(p.c, &n, "SELECT count(*) FROM risk_assessments WHERE event_id = ?", "I", p.event);
	CHECK_INT(n, 2);
	/* measures point at the event: it may not be closed */
	CHECK_INT(risk_event_in_use(p.c, p.event), 1);
	db_exec(p.c, "UPDATE risk_measures SET active = 0", NULL);
	CHECK_INT(risk_event_in_use(p.c, p.event), 0);
	db_exec(p.c, "INSERT INTO hazards (number, status, area_id, unit_id, category_id, reported_at, updated_at, risk_event_id)"
		     " VALUES ('YH-X', 'assigned', ?, ?, ?, 0, 0, ?)", "IIII", p.area, p.unit, p.cat, p.event);
	CHECK_INT(risk_event_in_use(p.c, p.event), 2);
	db_close(p.c);
}

TEST(risk_sched_living_register)
{
	struct rplant p;
	rplant_make(&p);
	int64_t t0 = 1780000000, n = 0;
	/* two hazards in the area: linked and marked, no task yet (default 3 in 30 days) */
	hazard_at(&p, t0 - 20 * 86400, 1, 0);
	hazard_at(&p, t0 - 10 * 86400, 1, 0);
	CHECK(risk_sched_run(p.c, t0) >= 2);
	db_get_i64(p.c, &n, "SELECT count(*) FROM risk_hazard_links WHERE event_id = ? AND via = 'area'", "I", p.event);
	CHECK_INT(n, 2);
	db_get_i64(p.c, &n, "SELECT needs_reassessment FROM risk_events WHERE id = ?", "I", p.event);
	CHECK_INT(n, 1);
	db_get_i64(p.c, &n, "SELECT count(*) FROM risk_tasks", NULL);
	CHECK_INT(n, 0);
	/* a third within 30 days: a task for the responsible person */
	int64_t h3 = hazard_at(&p, t0, 1, 0);
	risk_sched_run(p.c, t0);
	db_get_i64(p.c, &n, "SELECT count(*) FROM risk_tasks WHERE reason = 'hazard_count' AND assignee_id = ? AND hazard_id = ?",
		   "II", p.resp, h3);
	CHECK_INT(n, 1);
	/* run again: nothing new */
	CHECK_INT(risk_sched_run(p.c, t0 + 60), 0);
	/* a control-measure failure opens its own task */
	hazard_at(&p, t0 + 100, 9, p.measure);
	risk_sched_run(p.c, t0 + 120);
	db_get_i64(p.c, &n, "SELECT count(*) FROM risk_tasks WHERE reason = 'measure_failure' AND closed_at = 0", NULL);
	CHECK_INT(n, 1);
	/* escalation: past due → the unit head; 48 h later → the safety department (none here: stays) */
	int64_t due = 0;
	db_get_i64(p.c, &due, "SELECT due_at FROM risk_tasks WHERE reason = 'hazard_count'", NULL);
	risk_sched_run(p.c, due - 1);
	db_get_i64(p.c, &n, "SELECT escalation FROM risk_tasks WHERE reason = 'hazard_count'", NULL);
	CHECK_INT(n, 0);
	risk_sched_run(p.c, due + 1);
	db_get_i64(p.c, &n, "SELECT escalation FROM risk_tasks WHERE reason = 'hazard_count' AND escalated_to = ?", "I", p.head);
	CHECK_INT(n, 1);
	db_get_i64(p.c, &n, "SELECT count(*) FROM notifications WHERE user_id = ? AND kind = 'risk.escalation'", "I", p.head);
	CHECK_INT(n, 1);
	/* assessing closes the tasks */
	struct actor a;
	sys_actor(p.c, due + 100, &a);
	const char *field = NULL;
	struct risk_assess_in in = {.event_id = p.event, .scores = {"LEC", 1, 6, 7, 0}, .reason = "hazard"};	/* 42 low */
	CHECK(risk_assess(&a, &in, NULL, &field) == 0);
	db_get_i64(p.c, &n, "SELECT count(*) FROM risk_tasks WHERE closed_at = 0", NULL);
	CHECK_INT(n, 0);
	/* 岗位告知: the people of the unit were asked when the level was set, once each; reminded
	 * after a day, once, and not again within the next day */
	db_get_i64(p.c, &n, "SELECT count(*) FROM risk_acks WHERE event_id = ? AND confirmed_at = 0", "I", p.event);
	CHECK_INT(n, 2);	/* head and resp */
	db_get_i64(p.c, &n, "SELECT count(*) FROM notifications WHERE kind = 'risk.ack' AND user_id = ?", "I", p.resp);
	CHECK_INT(n, 1);
	risk_sched_run(p.c, due + 100 + 23 * 3600);
	db_get_i64(p.c, &n, "SELECT count(*) FROM notifications WHERE kind = 'risk.ack' AND user_id = ?", "I", p.resp);
	CHECK_INT(n, 1);
	risk_sched_run(p.c, due + 100 + 25 * 3600);
	risk_sched_run(p.c, due + 100 + 26 * 3600);
	db_get_i64(p.c, &n, "SELECT count(*) FROM notifications WHERE kind = 'risk.ack' AND user_id = ?", "I", p.resp);
	CHECK_INT(n, 2);
	db_get_i64(p.c, &n, "SELECT max(reminders) FROM risk_acks WHERE user_id = ?", "I", p.resp);
	CHECK_INT(n, 1);
	/* periodic: a year on, a review task */
	int64_t review = 0;
	db_get_i64(p.c, &review, "SELECT review_due FROM risk_events WHERE id = ?", "I", p.event);
	CHECK_INT(review, day_add_months(day_of(due + 100), 12));
	risk_sched_run(p.c, day_start_utc(review) - 3600);
	db_get_i64(p.c, &n, "SELECT count(*) FROM risk_tasks WHERE reason = 'periodic'", NULL);
	CHECK_INT(n, 0);
	risk_sched_run(p.c, day_start_utc(review) + 3600);
	db_get_i64(p.c, &n, "SELECT count(*) FROM risk_tasks WHERE reason = 'periodic' AND closed_at = 0", NULL);
	CHECK_INT(n, 1);
	db_close(p.c);
}

TEST(risk_own_band_set_versions)
{
	struct rplant p;
	rplant_make(&p);
	struct actor a;
	sys_actor(p.c, 1780000000, &a);
	const char *field = NULL;
	int64_t id = 0, aid = 0;
	struct risk_band bad[4] = {{"major", 300, 0}, {"large", 300, 0}, {"general", 50, 0}, {"low", 0, 1}};
	CHECK(risk_band_set_save(&a, 0, "own", "LEC", "本公司", bad, 4, &id, &field) == -1);
	CHECK_STR(field, "large");
	struct risk_band b[4] = {{"major", 300, 0}, {"large", 150, 0}, {"general", 50, 0}, {"low", 0, 1}};
	CHECK(risk_band_set_save(&a, 0, "own", "LEC", "本公司", b, 4, &id, &field) == 0);
	db_exec(p.c, "UPDATE settings SET value = 'own' WHERE key = 'risk.band_set.LEC'", NULL);
	struct risk_assess_in in = {.event_id = p.event, .scores = {"LEC", 3, 6, 3, 0}};	/* 54: general in v1 */
	CHECK(risk_assess(&a, &in, &aid, &field) == 0);
	char *s = NULL;
	db_get_text(p.c, &s, "SELECT level || ' v' || band_version FROM risk_assessments WHERE id = ?", "I", aid);
	CHECK_STR(s, "general v1");
	free(s);
	/* a new version: 54 falls to low; the first assessment keeps its version */
	struct risk_band b2[4] = {{"major", 400, 0}, {"large", 200, 0}, {"general", 60, 0}, {"low", 0, 1}};
	int64_t same = 0;
	CHECK(risk_band_set_save(&a, id, "own", "LEC", "本公司", b2, 4, &same, &field) == 0 && same == id);

	CHECK(risk_assess(&a, &in, &aid, &field) == 0);
	s = NULL;
	db_get_text(p.c, &s, "SELECT string_agg(level || ' v' || band_version, ',') FROM (SELECT * FROM risk_assessments"
			     " WHERE event_id = ? ORDER BY version) AS a", "I", p.event);
	CHECK_STR(s, "general v1,low v2");
	free(s);
	/* a preset cannot be edited */
	int64_t preset = 0;
	db_get_i64(p.c, &preset, "SELECT id FROM risk_band_sets WHERE code = 'lec_default'", NULL);
	CHECK(risk_band_set_save(&a, preset, "lec_default", "LEC", "x", b2, 4, &same, &field) == -1);
	db_close(p.c);
}
