/*
 * test_actor.c — domain code called with an actor and no HTTP request: a worker reports a
 * hazard, is refused the team leader's action, the team leader accepts it, and a stranger
 * cannot see it; every row records the actor's user and the actor's clock.
 */
#include "unit.h"
#include "auth/actor.h"
#include "db/db.h"
#include "hazard/hazard.h"
#include "org/org.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* a fixed time, far from the day the tests run: the rows must carry the actor's clock */
#define T0 1780000000
#define T1 (T0 + 3600)

struct plant {
	int64_t unit, area, category, worker, leader, stranger;
	char *unit_path;
};

static void plant_setup(struct db *c, struct plant *p)
{
	CHECK(db_begin(c) == DB_OK);
	p->unit = org_unit_create(c, 0, "一车间", "company");
	int64_t other = org_unit_create(c, 0, "二厂", "company");
	p->area = org_area_create(c, "配电室", p->unit, 0, 0, 0, 0);
	p->worker = org_user_create(c, "w1", "王工", "E001", "13800000001", p->unit, "worker", "!", 0);
	p->leader = org_user_create(c, "tl1", "李班长", "E002", "13800000002", p->unit, "team_leader", "!", 0);
	p->stranger = org_user_create(c, "s1", "赵工", "E003", "13800000003", other, "team_leader", "!", 0);
	CHECK(db_commit(c) == DB_OK);
	CHECK(p->unit > 0 && other > 0 && p->area > 0);
	CHECK(p->worker > 0 && p->leader > 0 && p->stranger > 0);
	db_get_i64(c, &p->category, "SELECT id FROM hazard_categories WHERE code = 'electrical'", NULL);
	CHECK(p->category > 0);
	p->unit_path = NULL;
	db_get_text(c, &p->unit_path, "SELECT path FROM units WHERE id = ?", "I", p->unit);
	CHECK(p->unit_path != NULL);
}

/* An actor as a role's identity would give it: the role's permissions and scope. */
static struct actor person(struct db *c, int64_t user_id, const char *username, const char *perms,
			   const char *scope, const char *pattern, int64_t now)
{
	return (struct actor){
		.db = c, .user_id = user_id, .username = username, .ip = "unit-test",
		.perms = perms, .scope = scope, .scope_pattern = pattern, .lang = "en", .now = now,
	};
}

TEST(actor_hazard_create_and_act_without_a_request)
{
	struct db *c = unit_db();
	struct plant p;
	plant_setup(c, &p);
	struct actor worker = person(c, p.worker, "w1", " hazard.report hazard.view hazard.rectify ",
				     "own", "%", T0);
	struct actor leader = person(c, p.leader, "tl1",
				     " hazard.report hazard.view hazard.handle hazard.rectify hazard.verify ",
				     "unit", p.unit_path, T1);
	struct actor stranger = person(c, p.stranger, "s1", " hazard.view hazard.handle ", "unit",
				       "/none/", T1);

	/* report */
	size_t len = 0;
	unsigned char *jpg = hazard_image_synth(64, 48, 0x3060a0, 80, &len);
	CHECK(jpg != NULL);
	struct hazard_new in = {
		.reporter_id = p.worker, .area_id = p.area, .category_id = p.category,
		.description = "配电柜门未关", .nphotos = 1,
	};
	in.photos[0].data = jpg;
	in.photos[0].len = len;
	const char *field = NULL, *key = NULL;
	int64_t id = hazard_create(&worker, &in, &field, &key);
	CHECK(id > 0);
	int64_t at = 0, user = 0;
	db_get_i64(c, &at, "SELECT reported_at FROM hazards WHERE id = ?", "I", id);
	CHECK_INT(at, T0);
	db_get_i64(c, &user, "SELECT user_id FROM audit_log WHERE entity = 'hazard' AND entity_id = ?"
		   " AND action = 'report'", "I", id);
	CHECK_INT(user, p.worker);

	/* a bad field is named, and nothing is stored */
	struct hazard_new bad = in;
	bad.area_id = 999999;
	CHECK(hazard_create(&worker, &bad, &field, &key) < 0);
	CHECK_STR(field, "area_id");
	int64_t n = 0;
	db_get_i64(c, &n, "SELECT count(*) FROM hazards", NULL);
	CHECK_INT(n, 1);

	/* visibility: the reporter, the leader by unit scope, the system; not a stranger */
	struct actor sys;
	actor_system(c, "system", &sys);
	CHECK(hazard_visible(&worker, id));
	CHECK(hazard_visible(&leader, id));
	CHECK(hazard_visible(&sys, id));
	CHECK(!hazard_visible(&stranger, id));

	/* the worker may not accept; the stranger does not see it; the leader may */
	struct hazard_action_in act = {.note = "确认", .level = "general"};
	const char *msg = NULL;
	field = NULL;
	CHECK_INT(hazard_act(&worker, id, "accept", &act, &msg, &field), 403);
	CHECK_STR(msg, "error.forbidden");
	CHECK_INT(hazard_act(&stranger, id, "accept", &act, &msg, &field), 404);
	const char *acts[16];
	struct hazard_row h;
	CHECK(hazard_load(c, id, &h) == 0);
	int na = hazard_actions_for(&leader, &h, acts, 16);
	int offers_accept = 0;
	for (int i = 0; i < na; i++)
		offers_accept |= !strcmp(acts[i], "accept");
	CHECK(offers_accept);
	na = hazard_actions_for(&worker, &h, acts, 16);
	for (int i = 0; i < na; i++)
		CHECK(strcmp(acts[i], "accept") != 0);	/* no button the rules would refuse */
	CHECK_INT(hazard_act(&leader, id, "accept", &act, &msg, &field), 0);
	CHECK(hazard_load(c, id, &h) == 0);
	CHECK_STR(h.status, "assigned");
	int64_t ev_user = 0, ev_at = 0;
	db_get_i64(c, &ev_user, "SELECT user_id FROM hazard_events WHERE hazard_id = ? AND action = 'accept'",
		   "I", id);
	db_get_i64(c, &ev_at, "SELECT at FROM hazard_events WHERE hazard_id = ? AND action = 'accept'",
		   "I", id);
	CHECK_INT(ev_user, p.leader);
	CHECK_INT(ev_at, T1);
	user = 0;
	db_get_i64(c, &user, "SELECT user_id FROM audit_log WHERE entity = 'hazard' AND entity_id = ?"
		   " AND action = 'accept'", "I", id);
	CHECK_INT(user, p.leader);

	free(jpg);
	free(p.unit_path);
	db_close(c);
}

TEST(actor_permissions_and_scope)
{
	struct actor a = {.perms = " hazard.view hazard.report "};
	CHECK(actor_has(&a, "hazard.view"));
	CHECK(actor_has(&a, "hazard.report"));
	CHECK(!actor_has(&a, "hazard"));	/* whole words only */
	CHECK(!actor_has(&a, "view"));
	CHECK(!actor_has(&a, "hazard.handle"));
	struct actor nobody = {0};
	CHECK(!actor_has(&nobody, "hazard.view"));
	CHECK(!actor_scope_allows(&nobody, 1, 0));
	struct actor own = {.user_id = 7, .scope = "own", .scope_pattern = "%"};
	CHECK(actor_scope_allows(&own, 1, 7));
	CHECK(!actor_scope_allows(&own, 1, 8));
	struct actor sys;
	actor_system(NULL, "system", &sys);
	CHECK(actor_has(&sys, "anything.at_all"));
	CHECK(actor_scope_allows(&sys, 123, 0));
	CHECK_STR(sys.username, "system");
}

/* One way to compute visible units: each scope kind, from the pattern to the units it lets
 * the actor see and the unit a dashboard starts at. The tree: 集团 (group) > 一厂 (company) >
 * 合成车间 (workshop) > 甲班 (team), and 二厂 beside 一厂. */
struct scope_case {
	const char *who;	/* the kind of person */
	const char *scope;
	int placed;		/* index into the units where the person sits */
	int sees[5];		/* may they see a record of each unit (owned by someone else)? */
	int root;		/* index of the dashboard's starting unit */
	int company;		/* index of the plant whose pattern actor_company_pattern gives; -1 "%"-like root */
};

TEST(actor_visible_units_each_scope_kind)
{
	struct db *c = unit_db();
	CHECK(db_begin(c) == DB_OK);
	int64_t u[5];
	u[0] = org_unit_create(c, 0, "集团", "group");
	u[1] = org_unit_create(c, u[0], "一厂", "company");
	u[2] = org_unit_create(c, u[1], "合成车间", "workshop");
	u[3] = org_unit_create(c, u[2], "甲班", "team");
	u[4] = org_unit_create(c, u[0], "二厂", "company");
	int64_t me = org_user_create(c, "me", "我", "E100", "13800000100", u[3], "worker", "!", 0);
	CHECK(db_commit(c) == DB_OK);
	char *path[5];
	for (int i = 0; i < 5; i++) {
		path[i] = NULL;
		db_get_text(c, &path[i], "SELECT path FROM units WHERE id = ?", "I", u[i]);
		CHECK(u[i] > 0 && path[i] != NULL);
	}
	static const struct scope_case cases[] = {
		{"self", "own", 3, {0, 0, 0, 0, 0}, 3, 1},
		{"team", "unit", 3, {0, 0, 0, 1, 0}, 3, 1},
		{"workshop", "subtree", 2, {0, 0, 1, 1, 0}, 2, 1},
		{"company", "company", 3, {0, 1, 1, 1, 0}, 1, 1},
		{"group", "company", 0, {1, 1, 1, 1, 1}, 0, 0},
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		const struct scope_case *sc = &cases[k];
		char *pattern = actor_pattern_of(c, sc->scope, path[sc->placed]);
		struct actor a = person(c, me, "me", " hazard.view ", sc->scope, pattern, T0);
		a.unit_id = u[sc->placed];
		a.unit_path = path[sc->placed];
		for (int i = 0; i < 5; i++) {
			if (actor_scope_allows(&a, u[i], 0) != sc->sees[i])
				fprintf(stderr, "    scope %s, unit %d\n", sc->who, i);
			CHECK_INT(actor_scope_allows(&a, u[i], 0), sc->sees[i]);
		}
		/* under "own" the person sees their own records wherever they are, and the lists are
		 * limited to them; under the others a record is seen by its unit alone */
		CHECK_INT(actor_scope_allows(&a, u[4], me), !strcmp(sc->scope, "own") || sc->sees[4]);
		CHECK(actor_scope_owner(&a) == (strcmp(sc->scope, "own") ? 0 : me));
		CHECK_STR(actor_units_pattern(&a), pattern);
		CHECK(actor_scope_root(&a) == u[sc->root]);
		char *plant = actor_company_pattern(&a);
		char want[80];
		snprintf(want, sizeof(want), "%s%%", path[sc->company]);
		CHECK_STR(plant, want);
		free(plant);
		free(pattern);
	}
	/* the program sees everything; nobody signed in sees nothing */
	struct actor sys, nobody = {.db = c};
	actor_system(c, "system", &sys);
	CHECK_STR(actor_units_pattern(&sys), "%");
	CHECK_STR(actor_units_pattern(&nobody), "");
	CHECK_INT(actor_scope_allows(&nobody, u[3], 0), 0);
	char *none = actor_pattern_of(c, "nonsense", path[3]);
	CHECK_STR(none, "");
	free(none);
	for (int i = 0; i < 5; i++)
		free(path[i]);
	db_close(c);
}

/* The company scope's plant is the nearest company at or above the person's unit, however
 * deep the tree (eleven levels here), and a company under a company is the nearer. */
TEST(actor_company_nearest_at_any_depth)
{
	struct db *c = unit_db();
	CHECK(db_begin(c) == DB_OK);
	int64_t group = org_unit_create(c, 0, "集团", "group");
	int64_t plant = org_unit_create(c, group, "一厂", "company");
	int64_t unit = plant;
	for (int i = 0; i < 9; i++) {
		char name[32];
		snprintf(name, sizeof(name), "第%d层", i + 1);
		unit = org_unit_create(c, unit, name, "workshop");
	}
	int64_t sub = org_unit_create(c, plant, "一厂分厂", "company");
	int64_t team = org_unit_create(c, sub, "甲班", "team");
	CHECK(db_commit(c) == DB_OK);
	char *deep = NULL, *plant_path = NULL, *team_path = NULL, *sub_path = NULL;
	db_get_text(c, &deep, "SELECT path FROM units WHERE id = ?", "I", unit);
	db_get_text(c, &plant_path, "SELECT path FROM units WHERE id = ?", "I", plant);
	db_get_text(c, &team_path, "SELECT path FROM units WHERE id = ?", "I", team);
	db_get_text(c, &sub_path, "SELECT path FROM units WHERE id = ?", "I", sub);
	CHECK(deep && plant_path && team_path && sub_path);
	char want[300];
	snprintf(want, sizeof(want), "%s%%", plant_path);
	char *got = actor_pattern_of(c, "company", deep);
	CHECK_STR(got, want);
	free(got);
	snprintf(want, sizeof(want), "%s%%", sub_path);
	got = actor_pattern_of(c, "company", team_path);
	CHECK_STR(got, want);
	free(got);
	free(deep);
	free(plant_path);
	free(team_path);
	free(sub_path);
	db_close(c);
}
