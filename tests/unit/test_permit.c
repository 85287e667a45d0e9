/*
 * test_permit.c — the permit rules of GB 30871-2022: grade derivation for every graded type,
 * validity limits, gas limits at and around each boundary, certificate blocking through the
 * real certificate module, the guardian rule, SIMOPS conflicts, and the approval chain for
 * every type and grade.
 */
#include "unit.h"
#include "auth/actor.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/strbuf.h"
#include "cert/cert.h"
#include "db/db.h"
#include "org/org.h"
#include "permit/permit.h"

#include <math.h>
#include <stdlib.h>

static const char *grade_of(struct permit_grade_in in)
{
	const char *g = NULL;
	struct permit_err e = {0};
	if (permit_grade_derive(&in, &g, &e))
		g = e.field;	/* the field at fault, for the checks below */
	permit_err_clear(&e);
	return g;
}

TEST(permit_grade_hot_work)
{
	struct permit_grade_in in = {.type = "hot_work"};
	in.hot_place = "running";
	CHECK_STR(grade_of(in), "special");
	in.hot_place = "bund";
	CHECK_STR(grade_of(in), "special");
	in.hot_place = "hazard_area";
	CHECK_STR(grade_of(in), "1");
	in.hot_place = "pipe_rack";
	CHECK_STR(grade_of(in), "1");
	in.hot_place = "other";
	CHECK_STR(grade_of(in), "2");
	/* 升级管理: night, rest days, wind ≥ 5 go up one grade; 特级 stays 特级 */
	in.night = 1;
	CHECK_STR(grade_of(in), "1");
	in.night = 0;
	in.rest_day = 1;
	in.hot_place = "hazard_area";
	CHECK_STR(grade_of(in), "special");
	in.rest_day = 0;
	in.hot_place = "other";
	in.wind = 4;
	CHECK_STR(grade_of(in), "2");
	in.wind = 5;
	CHECK_STR(grade_of(in), "1");
	in.hot_place = "running";
	CHECK_STR(grade_of(in), "special");
	/* a unit shut down, purged and isolated may be lowered to 二级 (then upgrades still apply) */
	in.wind = 0;
	in.shutdown = 1;
	CHECK_STR(grade_of(in), "2");
	in.night = 1;
	CHECK_STR(grade_of(in), "1");
	in.hot_place = "somewhere";
	CHECK_STR(grade_of(in), "hot_place");
	in.hot_place = "other";
	in.wind = -1;
	CHECK_STR(grade_of(in), "wind");
}

TEST(permit_grade_height)
{
	struct permit_grade_in in = {.type = "height"};
	static const struct {
		double h;
		int factors;
		const char *grade;
	} cases[] = {
		{1.99, 0, "height_m"}, {2.0, 0, "I"}, {5.0, 0, "I"}, {5.01, 0, "II"}, {15.0, 0, "II"},
		{15.01, 0, "III"}, {30.0, 0, "III"}, {30.01, 0, "IV"}, {2.0, 1, "II"}, {5.0, 9, "II"},
		{5.01, 1, "III"}, {15.01, 2, "IV"}, {31.0, 1, "IV"}, {10, 10, "factors"}, {10, -1, "factors"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		in.height_m = cases[i].h;
		in.factors = cases[i].factors;
		CHECK_STR(grade_of(in), cases[i].grade);
	}
}

TEST(permit_grade_lifting_and_ungraded)
{
	struct permit_grade_in in = {.type = "lifting"};
	in.load_t = 100.01;
	CHECK_STR(grade_of(in), "1");
	in.load_t = 100;
	CHECK_STR(grade_of(in), "2");
	in.load_t = 40;
	CHECK_STR(grade_of(in), "2");
	in.load_t = 39.99;
	CHECK_STR(grade_of(in), "3");
	in.load_t = 0;
	CHECK_STR(grade_of(in), "load_t");
	const char *ungraded[] = {"confined_space", "blind_plate", "temp_power", "excavation", "road_closure"};
	for (int i = 0; i < 5; i++) {
		struct permit_grade_in u = {.type = ungraded[i]};
		CHECK_STR(grade_of(u), "");
	}
	struct permit_grade_in bad = {.type = "welding"};
	CHECK_STR(grade_of(bad), "type");
}

TEST(permit_night_and_weekend)
{
	/* 2026-12-01 is a Tuesday; 02:00 UTC is 10:00 in the plant */
	int64_t tue10 = 1796090400;
	CHECK(!permit_touches_night(tue10, tue10 + 4 * 3600, 18, 8));
	CHECK(permit_touches_night(tue10, tue10 + 9 * 3600, 18, 8));	/* to 19:00 */
	CHECK(permit_touches_night(tue10 - 3 * 3600, tue10, 18, 8));	/* from 07:00 */
	CHECK(!permit_touches_weekend(tue10, tue10 + 3600));
	CHECK(permit_touches_weekend(tue10 + 4 * 86400, tue10 + 4 * 86400 + 3600));	/* Saturday */
}

TEST(permit_validity_limits)
{
	struct db *c = unit_db();
	static const struct {
		const char *type, *grade;
		int hours;
	} v[] = {
		{"hot_work", "special", 8}, {"hot_work", "1", 8}, {"hot_work", "2", 72}, {"confined_space", "", 24},
		{"height", "I", 168}, {"height", "IV", 168}, {"temp_power", "", 360}, {"blind_plate", "", 12},
		{"lifting", "1", 12}, {"excavation", "", 12}, {"road_closure", "", 12}, {"hot_work", "3", -1},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		CHECK_INT(permit_max_hours(c, v[i].type, v[i].grade, NULL), v[i].hours);
	int interrupt = 0;
	permit_max_hours(c, "hot_work", "2", &interrupt);
	CHECK_INT(interrupt, 60);
	permit_max_hours(c, "hot_work", "1", &interrupt);
	CHECK_INT(interrupt, 30);

	struct permit p = {.type = "hot_work", .grade = "1", .planned_start = 1000, .planned_end = 1000 + 8 * 3600};
	struct permit_err e = {0};
	CHECK_INT(permit_check_window(c, &p, 0, &e), 0);
	p.planned_end++;
	CHECK_INT(permit_check_window(c, &p, 0, &e), -1);
	CHECK_STR(e.key, "permit.err.too_long");
	p.planned_end = p.planned_start;
	CHECK_INT(permit_check_window(c, &p, 0, &e), -1);
	CHECK_STR(e.key, "permit.err.end_before_start");
	CHECK_STR(e.field, "planned_end");
	permit_err_clear(&e);
	db_close(c);
}

static int judge(const char *type, int enriched, double lel, int has_o2, double o2, double comb,
		 const char *toxic, double tv, const struct permit_gas_limit *lim, int nlim)
{
	struct permit_toxic t = {toxic, tv};
	struct permit_gas_reading g = {.has_o2 = has_o2, .o2 = o2, .has_comb = 1, .combustible = comb,
				       .toxic = &t, .ntoxic = toxic ? 1 : 0};
	struct permit_err e = {0};
	int ok = permit_gas_judge(type, enriched, lel, &g, lim, nlim, &e);
	permit_err_clear(&e);
	return ok;
}

TEST(permit_gas_limits_at_boundaries)
{
	struct db *c = unit_db();
	int n = 0;
	struct permit_gas_limit *lim = permit_gas_limits_load(c, &n);
	CHECK_INT(n, 9);	/* one applying limit per gas */
	/* §5.3.2 combustibles */
	CHECK(permit_gas_comb_limit(4.0) == 0.5);
	CHECK(permit_gas_comb_limit(3.99) == 0.2);
	CHECK(judge("hot_work", 0, 5, 0, 0, 0.5, NULL, 0, lim, n));
	CHECK(!judge("hot_work", 0, 5, 0, 0, 0.51, NULL, 0, lim, n));
	CHECK(judge("hot_work", 0, 3, 0, 0, 0.2, NULL, 0, lim, n));
	CHECK(!judge("hot_work", 0, 3, 0, 0, 0.21, NULL, 0, lim, n));
	/* §6.4 oxygen in a confined space, §5.2.7 hot work */
	CHECK(!judge("confined_space", 0, 5, 1, 19.4, 0, NULL, 0, lim, n));
	CHECK(judge("confined_space", 0, 5, 1, 19.5, 0, NULL, 0, lim, n));
	CHECK(judge("confined_space", 0, 5, 1, 21.0, 0, NULL, 0, lim, n));
	CHECK(!judge("confined_space", 0, 5, 1, 21.1, 0, NULL, 0, lim, n));
	CHECK(judge("confined_space", 1, 5, 1, 23.5, 0, NULL, 0, lim, n));
	CHECK(!judge("confined_space", 1, 5, 1, 23.6, 0, NULL, 0, lim, n));
	CHECK(!judge("confined_space", 0, 5, 1, 25, 0, NULL, 0, lim, n));
	CHECK(judge("hot_work", 0, 5, 1, 23.5, 0, NULL, 0, lim, n));
	CHECK(!judge("hot_work", 0, 5, 1, 23.6, 0, NULL, 0, lim, n));
	/* toxic gases from the table: H2S MAC 10, CO PC-TWA 20, Cl2 MAC 1 (mg/m³) */
	CHECK(judge("confined_space", 0, 5, 1, 20.9, 0, "H2S", 10, lim, n));
	CHECK(!judge("confined_space", 0, 5, 1, 20.9, 0, "H2S", 10.1, lim, n));
	CHECK(judge("confined_space", 0, 5, 1, 20.9, 0, "CO", 20, lim, n));
	CHECK(!judge("confined_space", 0, 5, 1, 20.9, 0, "CO", 20.5, lim, n));
	CHECK(!judge("confined_space", 0, 5, 1, 20.9, 0, "Cl2", 1.01, lim, n));
	/* the table is data: tightening a row tightens the check */
	db_exec(c, "UPDATE permit_gas_limits SET value = 5 WHERE gas = 'H2S'", NULL);
	free(lim);
	lim = permit_gas_limits_load(c, &n);
	CHECK(!judge("confined_space", 0, 5, 1, 20.9, 0, "H2S", 6, lim, n));

	/* impossible input is refused with the field named, not judged */
	struct permit_err e = {0};
	struct permit_toxic t = {"XYZ", 1};
	struct permit_gas_reading g = {.has_o2 = 1, .o2 = 20.9, .has_comb = 1, .combustible = -1};
	CHECK_INT(permit_gas_validate("hot_work", 0, &g, lim, n, &e), -1);
	CHECK_STR(e.field, "combustible");
	g.combustible = 0.1;
	g.o2 = 101;
	CHECK_INT(permit_gas_validate("hot_work", 0, &g, lim, n, &e), -1);
	CHECK_STR(e.field, "o2");
	g.o2 = 20.9;
	g.toxic = &t;
	g.ntoxic = 1;
	CHECK_INT(permit_gas_validate("confined_space", 0, &g, lim, n, &e), -1);
	CHECK_STR(e.key, "permit.err.gas_unknown");
	g.ntoxic = 0;
	g.has_o2 = 0;
	CHECK_INT(permit_gas_validate("confined_space", 0, &g, lim, n, &e), -1);
	CHECK_STR(e.field, "o2");
	g.has_comb = 0;
	CHECK_INT(permit_gas_validate("temp_power", 1, &g, lim, n, &e), -1);
	CHECK_STR(e.field, "combustible");
	CHECK_INT(permit_gas_validate("temp_power", 0, &g, lim, n, &e), 0);
	CHECK(permit_gas_required("temp_power", 1) && !permit_gas_required("temp_power", 0));
	CHECK(permit_gas_required("hot_work", 0) && !permit_gas_required("height", 1));
	permit_err_clear(&e);
	free(lim);
	db_close(c);
}

/* --- a small plant for the rules that read the database --- */

struct plant {
	struct db *c;
	int64_t ws1, ws2, hse, area, area2;
	int64_t applicant, director, director2, safety, boss, welder, helper, guardian, analyst;
};

static int64_t user(struct db *c, const char *name, int64_t unit, const char *roles)
{
	return org_user_create(c, name, name, NULL, NULL, unit, roles, "x", 0);
}

static void cert_for(struct db *c, int64_t uid, const char *category, const char *item, const char *num, int64_t expires)
{
	int64_t pid = cert_person_for_user(c, uid, 1);
	CHECK(pid > 0);
	CHECK(db_exec(c, "INSERT INTO certs (person_id, category, item, number, issued_on, expires_on, created_at, updated_at)"
			 " VALUES (?, ?, ?, ?, ?, ?, 0, 0)", "ItttII", pid, category, item, num, cert_today() - 100,
		      expires) == DB_OK);
}

/* The plant's tests run at a fixed moment, a Wednesday 10:00 in the plant's zone
 * (2027-03-03 10:00 +08:00): no night or rest-day grade upgrade, certificate dates counted from
 * that day, whatever day the tests run. plant_close() gives the clock back. */
#define PLANT_NOW 1804039200

static struct plant plant_open(void)
{
	clock_set(PLANT_NOW);
	struct plant p = {.c = unit_db()};
	struct db *c = p.c;
	db_begin(c);
	int64_t group = org_unit_create(c, 0, "集团", "group");
	int64_t plant = org_unit_create(c, group, "工厂", "company");
	p.ws1 = org_unit_create(c, plant, "合成一车间", "workshop");
	p.ws2 = org_unit_create(c, plant, "精馏车间", "workshop");
	p.hse = org_unit_create(c, plant, "安环部", "department");
	int64_t team = org_unit_create(c, p.ws1, "甲班", "team");
	p.area = org_area_create(c, "反应釜区", p.ws1, 31.93, 118.84, 60, 1);
	p.area2 = org_area_create(c, "精馏塔区", p.ws2, 31.931, 118.84, 60, 1);
	p.applicant = user(c, "applicant", team, "team_leader");
	p.director = user(c, "director", p.ws1, "ws_director");
	p.director2 = user(c, "director2", p.ws2, "ws_director");
	p.safety = user(c, "safety", p.hse, "safety_dept");
	p.boss = user(c, "boss", p.hse, "safety_director");
	p.welder = user(c, "welder", team, "worker");
	p.helper = user(c, "helper", team, "worker");
	p.guardian = user(c, "guardian", p.ws1, "ws_safety");
	p.analyst = user(c, "analyst", p.hse, "worker");
	int64_t today = cert_today();
	cert_for(c, p.welder, "weld", "weld.fusion", "W1", today + 400);
	cert_for(c, p.helper, "weld", "weld.fusion", "W2", today - 1);	/* expired yesterday */
	cert_for(c, p.guardian, "int", "int.guardian", "G1", today + 400);
	cert_for(c, p.analyst, "int", "int.gas_analyst", "A1", today + 400);
	CHECK(db_commit(c) == DB_OK);
	return p;
}

static void plant_close(struct plant *pl)
{
	db_close(pl->c);
	clock_set(0);
}

static struct permit *permit_new(struct plant *pl, const char *type, const char *grade, int64_t area)
{
	struct permit *p = xcalloc(1, sizeof(*p));
	p->type = xstrdup(type);
	p->grade = xstrdup(grade);
	p->state = xstrdup("draft");
	p->number = xstrdup("TEST");
	p->area_id = area;
	db_get_i64(pl->c, &p->unit_id, "SELECT unit_id FROM areas WHERE id = ?", "I", area);
	p->applicant_id = pl->applicant;
	p->guardian_id = pl->guardian;
	p->planned_start = clock_now() + 3600;
	p->planned_end = p->planned_start + 4 * 3600;
	p->workers = xcalloc(2, sizeof(*p->workers));
	p->workers[0].user_id = pl->welder;
	p->workers[0].role = xstrdup("焊工");
	p->nworkers = 1;
	return p;
}

TEST(permit_certificates_block_workers)
{
	struct plant pl = plant_open();
	struct permit *p = permit_new(&pl, "hot_work", "1", pl.area);
	struct permit_err e = {0};
	CHECK_INT(permit_check_workers(pl.c, p, permit_cert_default, &e), 0);
	/* an expired welding certificate blocks, naming the worker */
	p->workers[1].user_id = pl.helper;
	p->workers[1].role = xstrdup("辅助");
	p->nworkers = 2;
	CHECK_INT(permit_check_workers(pl.c, p, permit_cert_default, &e), -1);
	CHECK_STR(e.key, "cert.reason.expired");
	CHECK_STR(e.field, "workers");
	CHECK(e.detail && strstr(e.detail, "helper"));
	/* no certificate at all: the guardian has none for welding */
	p->workers[1].user_id = pl.guardian;
	CHECK_INT(permit_check_workers(pl.c, p, permit_cert_default, &e), -1);
	CHECK_STR(e.key, "cert.reason.none");
	/* no workers named */
	p->nworkers = 0;
	CHECK_INT(permit_check_workers(pl.c, p, permit_cert_default, &e), -1);
	CHECK_STR(e.key, "permit.err.no_workers");
	p->nworkers = 2;
	/* the gas analyst needs the analyst qualification */
	CHECK_INT(permit_check_analyst(pl.c, pl.analyst, clock_now(), permit_cert_default, &e), 0);
	CHECK_INT(permit_check_analyst(pl.c, pl.welder, clock_now(), permit_cert_default, &e), -1);
	CHECK_STR(e.field, "analyst_id");
	permit_err_clear(&e);
	permit_free(p);
	plant_close(&pl);
}

TEST(permit_guardian_rule)
{
	struct plant pl = plant_open();
	struct permit *p = permit_new(&pl, "hot_work", "1", pl.area);
	struct permit_err e = {0};
	CHECK_INT(permit_check_guardian(pl.c, p, permit_cert_default, &e), 0);
	/* §4.10: not a worker on the same permit */
	p->workers[1].user_id = pl.guardian;
	p->workers[1].role = xstrdup("辅助");
	p->nworkers = 2;
	CHECK_INT(permit_check_guardian(pl.c, p, permit_cert_default, &e), -1);
	CHECK_STR(e.key, "permit.err.guardian_is_worker");
	CHECK_STR(e.field, "guardian_id");
	p->nworkers = 1;
	free(p->workers[1].role);
	/* qualified: the welder holds no guardian certificate */
	p->guardian_id = pl.welder;
	p->workers[0].user_id = pl.helper;
	CHECK_INT(permit_check_guardian(pl.c, p, permit_cert_default, &e), -1);
	CHECK_STR(e.key, "cert.reason.none");
	p->guardian_id = 0;
	CHECK_INT(permit_check_guardian(pl.c, p, permit_cert_default, &e), -1);
	CHECK_STR(e.key, "permit.err.no_guardian");
	permit_err_clear(&e);
	permit_free(p);
	plant_close(&pl);
}

static int64_t insert_permit(struct plant *pl, const char *type, const char *state, int64_t area, int64_t start,
			     int64_t end, int hot_inside)
{
	static int n;
	struct strbuf num = STRBUF_INIT;
	sb_addf(&num, "T-%d", ++n);
	int64_t unit = 0;
	db_get_i64(pl->c, &unit, "SELECT unit_id FROM areas WHERE id = ?", "I", area);
	CHECK(db_exec(pl->c, "INSERT INTO permits (number, type, state, area_id, unit_id, applicant_id, content,"
			     " planned_start, planned_end, hot_inside, created_at, updated_at)"
			     " VALUES (?, ?, ?, ?, ?, ?, 'x', ?, ?, ?, 0, 0)", "tttIIIIIi", num.buf, type, state, area,
		      unit, pl->applicant, start, end, hot_inside) == DB_OK);
	sb_release(&num);
	return db_last_id(pl->c);
}

TEST(permit_conflicts_simops)
{
	struct plant pl = plant_open();
	int64_t t = 1800000000;
	int64_t mb = insert_permit(&pl, "blind_plate", "approved", pl.area, t, t + 4 * 3600, 0);
	insert_permit(&pl, "blind_plate", "closed", pl.area, t, t + 4 * 3600, 0);	/* closed: no conflict */
	insert_permit(&pl, "blind_plate", "approved", pl.area2, t, t + 4 * 3600, 0);	/* elsewhere */
	int64_t dh = insert_permit(&pl, "hot_work", "draft", pl.area, t + 3600, t + 2 * 3600, 0);
	struct permit *p = permit_load(pl.c, dh);
	struct strbuf out = STRBUF_INIT;
	CHECK_INT(permit_find_conflicts(pl.c, p, &out), 1);
	CHECK(strstr(out.buf, "hot_blind") != NULL);
	/* not overlapping in time: no conflict */
	p->planned_start = t + 4 * 3600;
	p->planned_end = t + 5 * 3600;
	sb_reset(&out);
	CHECK_INT(permit_find_conflicts(pl.c, p, &out), 0);
	permit_free(p);
	/* the blind-plate job sees the hot work from its side */
	p = permit_load(pl.c, mb);
	sb_reset(&out);
	db_exec(pl.c, "UPDATE permits SET state = 'submitted' WHERE id = ?", "I", dh);
	CHECK_INT(permit_find_conflicts(pl.c, p, &out), 1);
	permit_free(p);
	/* confined space with hot work inside needs a linked hot-work permit (§4.6) */
	int64_t sx = insert_permit(&pl, "confined_space", "draft", pl.area2, t, t + 3600, 1);
	p = permit_load(pl.c, sx);
	sb_reset(&out);
	CHECK_INT(permit_find_conflicts(pl.c, p, &out), 1);
	CHECK(strstr(out.buf, "hot_inside") != NULL);
	permit_free(p);
	db_exec(pl.c, "INSERT INTO permit_links (permit_id, other_id) VALUES (?, ?)", "II", sx, dh);
	p = permit_load(pl.c, sx);
	sb_reset(&out);
	CHECK_INT(permit_find_conflicts(pl.c, p, &out), 0);
	permit_free(p);
	sb_release(&out);
	plant_close(&pl);
}

static void levels(struct db *c, const char *type, const char *grade, const char *want)
{
	int n = 0;
	struct permit_step *s = permit_chain_load(c, type, grade, &n);
	struct strbuf got = STRBUF_INIT;
	for (int i = 0; i < n; i++)
		sb_addf(&got, "%s%s", i ? " " : "", s[i].level);
	CHECK_STR(got.buf, want);
	sb_release(&got);
	permit_chain_free(s, n);
}

TEST(permit_approval_chains_every_type_and_grade)
{
	struct db *c = unit_db();
	/* Annex B Table B.1, each level below signing first */
	levels(c, "hot_work", "special", "unit dept leader");
	levels(c, "hot_work", "1", "unit dept");
	levels(c, "hot_work", "2", "unit");
	levels(c, "confined_space", "", "unit");
	levels(c, "blind_plate", "", "unit");
	levels(c, "height", "I", "unit");
	levels(c, "height", "II", "unit dept");
	levels(c, "height", "III", "unit dept");
	levels(c, "height", "IV", "unit dept leader");
	levels(c, "lifting", "1", "unit dept leader");
	levels(c, "lifting", "2", "unit dept");
	levels(c, "lifting", "3", "unit dept");
	levels(c, "temp_power", "", "unit");
	levels(c, "excavation", "", "unit dept cosign");	/* co-signed for utilities and equipment */
	levels(c, "road_closure", "", "unit dept");
	/* every grade with a validity has a chain */
	int64_t missing = -1;
	db_get_i64(c, &missing, "SELECT count(*) FROM permit_validity v WHERE NOT EXISTS (SELECT 1 FROM permit_chain ch"
				" WHERE ch.type = v.type AND ch.grade = v.grade)", NULL);
	CHECK_INT(missing, 0);
	db_close(c);
}

TEST(permit_approver_rules)
{
	struct plant pl = plant_open();
	int64_t id = insert_permit(&pl, "hot_work", "submitted", pl.area, 1800000000, 1800003600, 0);
	db_exec(pl.c, "UPDATE permits SET grade = 'special', round = 1 WHERE id = ?", "I", id);
	struct permit *p = permit_load(pl.c, id);
	struct permit_err e = {0};
	CHECK_INT(permit_check_approver(pl.c, p, 1, pl.applicant, &e), -1);
	CHECK_STR(e.key, "permit.err.self_approval");
	CHECK_INT(permit_check_approver(pl.c, p, 1, pl.safety, &e), -1);
	CHECK_STR(e.key, "permit.err.wrong_role");
	CHECK_INT(permit_check_approver(pl.c, p, 1, pl.director2, &e), -1);
	CHECK_STR(e.key, "permit.err.wrong_unit");
	CHECK_INT(permit_check_approver(pl.c, p, 2, pl.safety, &e), -1);
	CHECK_STR(e.key, "permit.err.skip_level");
	CHECK_INT(permit_check_approver(pl.c, p, 1, pl.director, &e), 0);
	CHECK_INT(permit_check_approver(pl.c, p, 1, pl.guardian, &e), 0);	/* ws_safety of the workshop */
	/* after the workshop signed: the safety department, then the leader */
	db_exec(pl.c, "INSERT INTO permit_approvals (permit_id, round, step, level, user_id, decision, at)"
		      " VALUES (?, 1, 1, 'unit', ?, 'approve', 0)", "II", id, pl.director);
	p->chain_step = 1;
	CHECK_INT(permit_check_approver(pl.c, p, 2, pl.safety, &e), 0);
	CHECK_INT(permit_check_approver(pl.c, p, 2, pl.boss, &e), -1);
	CHECK_STR(e.key, "permit.err.wrong_role");
	p->chain_step = 2;
	CHECK_INT(permit_check_approver(pl.c, p, 3, pl.boss, &e), 0);
	CHECK_INT(permit_check_approver(pl.c, p, 4, pl.boss, &e), -1);
	CHECK_STR(e.key, "permit.err.no_step");
	permit_err_clear(&e);
	permit_free(p);
	plant_close(&pl);
}

TEST(permit_distance_haversine)
{
	double d = permit_distance_m(31.93, 118.84, 31.931, 118.84);
	CHECK(fabs(d - 111.2) < 0.5);
	CHECK(permit_distance_m(31.93, 118.84, 31.93, 118.84) == 0);
}

/* --- storing with an actor, no request --- */

/* A permit_input over a NULL-ended list of name, value pairs (a form without a request). */
static const char *pairs_field(void *ctx, const char *name)
{
	for (const char *const *kv = ctx; kv[0]; kv += 2)
		if (!strcmp(kv[0], name))
			return kv[1];
	return NULL;
}

TEST(permit_save_application_and_gas_with_an_actor)
{
	struct plant pl = plant_open();
	char *ws1_path = NULL;
	db_get_text(pl.c, &ws1_path, "SELECT path FROM units WHERE id = ?", "I", pl.ws1);
	CHECK(ws1_path != NULL);
	/* the applicant's unit is the team under ws1; their scope is the workshop's subtree */
	char pattern[64];
	snprintf(pattern, sizeof(pattern), "%s%%", ws1_path);
	int64_t team = 0;
	db_get_i64(pl.c, &team, "SELECT unit_id FROM users WHERE id = ?", "I", pl.applicant);
	struct actor applicant = {
		.db = pl.c, .user_id = pl.applicant, .username = "applicant", .ip = "unit-test",
		.unit_id = team, .perms = " permit.apply ", .scope = "subtree", .scope_pattern = pattern,
		.lang = "en", .now = PLANT_NOW + 60,
	};
	char area[24], guardian[24], start[24], end[24], welder[24];
	snprintf(area, sizeof(area), "%lld", (long long)pl.area);
	snprintf(guardian, sizeof(guardian), "%lld", (long long)pl.guardian);
	snprintf(welder, sizeof(welder), "%lld", (long long)pl.welder);
	snprintf(start, sizeof(start), "%lld", (long long)(PLANT_NOW + 3600));
	snprintf(end, sizeof(end), "%lld", (long long)(PLANT_NOW + 4 * 3600));
	const char *form[] = {"type", "confined_space", "area_id", area, "content", "清理反应釜内壁",
			      "planned_start", start, "planned_end", end, "guardian_id", guardian,
			      "worker_1", welder, "worker_role_1", "监护下作业", NULL};
	struct permit_input in = {.field = pairs_field, .ctx = form};
	struct permit_err e = {0};
	int64_t id = 0;
	CHECK_INT(permit_save_application(&applicant, &in, &id, &e), 0);
	CHECK(id > 0);
	struct permit *p = permit_load(pl.c, id);
	CHECK(p != NULL);
	CHECK_STR(p->state, "draft");
	CHECK(p->applicant_id == pl.applicant);
	CHECK_STR(p->work_unit, "甲班");	/* the actor's unit, as no work_unit was given */
	CHECK(p->created_at == PLANT_NOW + 60);	/* the actor's clock */
	CHECK_INT(p->nworkers, 1);
	permit_free(p);
	int64_t audited = 0;
	db_get_i64(pl.c, &audited, "SELECT count(*) FROM audit_log WHERE entity = 'permit' AND entity_id = ?"
				    " AND action = 'create' AND user_id = ? AND client_ip = 'unit-test'", "II", id, pl.applicant);
	CHECK(audited == 1);
	/* a missing field is named, and nothing is stored */
	const char *bad[] = {"type", "confined_space", "area_id", area, "content", "", NULL};
	struct permit_input in_bad = {.field = pairs_field, .ctx = bad};
	int64_t none = 0;
	CHECK_INT(permit_save_application(&applicant, &in_bad, &none, &e), -1);
	CHECK_STR(e.field, "content");
	CHECK(none == 0);
	permit_err_clear(&e);

	/* a gas test by the analyst, once the permit is approved */
	CHECK(db_exec(pl.c, "UPDATE permits SET state = 'approved' WHERE id = ?", "I", id) == DB_OK);
	struct actor analyst = {
		.db = pl.c, .user_id = pl.analyst, .username = "analyst", .ip = "unit-test",
		.perms = " permit.view ", .scope = "company", .scope_pattern = "%", .lang = "en",
		.now = PLANT_NOW + 1800,
	};
	char analyst_id[24];
	snprintf(analyst_id, sizeof(analyst_id), "%lld", (long long)pl.analyst);
	const char *reading[] = {"analyst_id", analyst_id, "o2", "20.9", "combustible", "0.1",
				 "point", "釜底", NULL};
	struct permit_input gas = {.field = pairs_field, .ctx = reading};
	int passed = -1;
	CHECK_INT(permit_record_gas(&analyst, &gas, id, &passed, &e), 0);
	CHECK_INT(passed, 1);
	int64_t by = 0, at = 0, taken = 0;
	db_get_i64(pl.c, &by, "SELECT recorded_by FROM permit_gas_tests WHERE permit_id = ?", "I", id);
	db_get_i64(pl.c, &at, "SELECT created_at FROM permit_gas_tests WHERE permit_id = ?", "I", id);
	db_get_i64(pl.c, &taken, "SELECT taken_at FROM permit_gas_tests WHERE permit_id = ?", "I", id);
	CHECK(by == pl.analyst);
	CHECK(at == PLANT_NOW + 1800 && taken == PLANT_NOW + 1800);
	audited = 0;
	db_get_i64(pl.c, &audited, "SELECT count(*) FROM audit_log WHERE entity = 'permit' AND entity_id = ?"
				    " AND action = 'gas_pass' AND user_id = ?", "II", id, pl.analyst);
	CHECK(audited == 1);
	/* out of limit: recorded as failed, the reason in the actor's language */
	const char *high[] = {"analyst_id", analyst_id, "o2", "20.9", "combustible", "0.9", NULL};
	struct permit_input gas_high = {.field = pairs_field, .ctx = high};
	CHECK_INT(permit_record_gas(&analyst, &gas_high, id, &passed, &e), 0);
	CHECK_INT(passed, 0);
	char *reason = NULL;
	db_get_text(pl.c, &reason, "SELECT reason FROM permit_gas_tests WHERE permit_id = ? AND passed = 0", "I", id);
	CHECK(reason != NULL && strstr(reason, "ombustible") != NULL);
	free(reason);
	free(ws1_path);
	plant_close(&pl);
}

/* The scheduler suspends a confined-space permit whose gas re-test is overdue; the reason it
 * writes into the permit's history is in the plant's language (the `lang` setting), not
 * always Chinese. */
TEST(permit_retest_overdue_reason_in_the_plant_language)
{
	struct plant pl = plant_open();
	const char *saved = cfg.lang;
	const char *langs[] = {"en", "zh"};
	const char *want[] = {"Gas re-test overdue", "气体复测超时"};
	for (int i = 0; i < 2; i++) {
		cfg.lang = langs[i];
		int64_t id = insert_permit(&pl, "confined_space", "in_progress", pl.area, PLANT_NOW - 3 * 3600,
					   PLANT_NOW + 3600, 0);
		CHECK(db_exec(pl.c, "UPDATE permits SET started_at = ?, guardian_id = ? WHERE id = ?", "III",
			      PLANT_NOW - 3 * 3600, pl.guardian, id) == DB_OK);
		CHECK(permit_sched_run(pl.c, PLANT_NOW) >= 1);
		char *state = NULL, *note = NULL;
		db_get_text(pl.c, &state, "SELECT state FROM permits WHERE id = ?", "I", id);
		db_get_text(pl.c, &note, "SELECT note FROM permit_events WHERE permit_id = ? AND action = 'suspend'",
			    "I", id);
		CHECK_STR(state, "suspended");
		CHECK(note != NULL && strstr(note, want[i]) != NULL);
		free(state);
		free(note);
	}
	cfg.lang = saved;
	plant_close(&pl);
}
