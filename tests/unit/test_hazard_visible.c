/*
 * test_hazard_visible.c — each place term of the visibility rule (HAZARD_VISIBLE_SQL,
 * hazard.h) on its own: a hazard filed under one unit, in an area of a second, assigned to a
 * person of a third and reported by a person of a fourth is seen from each of those units'
 * scopes and from no other; an anonymous report hides its reporter's unit; an "own" scope
 * takes none of the place terms. This pins what each term grants for any rewrite of the
 * rule (one as sets of the scope's areas and people was tried and undone: see hazard.h).
 */
#include "unit.h"
#include "auth/actor.h"
#include "db/db.h"
#include "hazard/hazard.h"
#include "org/org.h"

#include <stdlib.h>

#define T0 1780000000

static char *path_of(struct db *c, int64_t unit)
{
	char *p = NULL;
	db_get_text(c, &p, "SELECT path FROM units WHERE id = ? ", "I", unit);
	CHECK(p != NULL);
	return p;
}

static int seen_from(struct db *c, int64_t viewer, const char *scope, const char *pattern, int64_t id)
{
	struct actor a = {
		.db = c, .user_id = viewer, .username = "viewer", .ip = "unit-test",
		.perms = " hazard.view ", .scope = scope, .scope_pattern = pattern, .lang = "en", .now = T0,
	};
	return hazard_visible(&a, id);
}

TEST(hazard_visible_each_place_term)
{
	struct db *c = unit_db();
	CHECK(db_begin(c) == DB_OK);
	int64_t plant = org_unit_create(c, 0, "一厂", "company");
	int64_t filed = org_unit_create(c, plant, "一车间", "workshop");
	int64_t place = org_unit_create(c, plant, "二车间", "workshop");
	int64_t fixer = org_unit_create(c, plant, "维修班", "workshop");
	int64_t from = org_unit_create(c, plant, "三车间", "workshop");
	int64_t none = org_unit_create(c, plant, "仓库", "workshop");
	int64_t area = org_area_create(c, "配电室", place, 0, 0, 0, 0);
	int64_t rep = org_user_create(c, "vr1", "王工", "E101", "13800000101", from, "worker", "!", 0);
	int64_t asg = org_user_create(c, "va1", "李工", "E102", "13800000102", fixer, "worker", "!", 0);
	int64_t viewer = org_user_create(c, "vv1", "赵工", "E103", "13800000103", none, "worker", "!", 0);
	CHECK(db_commit(c) == DB_OK);
	int64_t category = 0;
	db_get_i64(c, &category, "SELECT id FROM hazard_categories WHERE code = 'electrical'", NULL);
	CHECK(area > 0 && rep > 0 && asg > 0 && viewer > 0 && category > 0);

	struct actor reporter = {
		.db = c, .user_id = rep, .username = "vr1", .ip = "unit-test",
		.perms = " hazard.report hazard.view ", .scope = "own", .scope_pattern = "%", .lang = "en", .now = T0,
	};
	size_t len = 0;
	unsigned char *jpg = hazard_image_synth(64, 48, 0x3060a0, 80, &len);
	struct hazard_new in = {.reporter_id = rep, .area_id = area, .category_id = category,
				.description = "配电柜门未关", .nphotos = 1};
	in.photos[0].data = jpg;
	in.photos[0].len = len;
	const char *field = NULL, *key = NULL;
	int64_t id = hazard_create(&reporter, &in, &field, &key);
	free(jpg);
	CHECK(id > 0);
	/* the four places apart, and no involvement of the viewer */
	CHECK(db_exec(c, "UPDATE hazards SET unit_id = ?, assignee_id = ?, anonymous = 0 WHERE id = ?", "III",
		      filed, asg, id) == DB_OK);
	CHECK(db_exec(c, "DELETE FROM hazard_events WHERE user_id = ?", "I", viewer) == DB_OK);

	char *p_filed = path_of(c, filed), *p_place = path_of(c, place), *p_fixer = path_of(c, fixer);
	char *p_from = path_of(c, from), *p_none = path_of(c, none);
	CHECK(seen_from(c, viewer, "unit", p_filed, id));	/* the hazard's own unit */
	CHECK(seen_from(c, viewer, "unit", p_place, id));	/* the unit responsible for its area */
	CHECK(seen_from(c, viewer, "unit", p_fixer, id));	/* its assignee's unit */
	CHECK(seen_from(c, viewer, "unit", p_from, id));	/* its reporter's unit */
	CHECK(!seen_from(c, viewer, "unit", p_none, id));
	CHECK(!seen_from(c, viewer, "own", p_filed, id));	/* "own": no place term */

	/* anonymous: the reporter's unit no longer sees it; the others still do */
	CHECK(db_exec(c, "UPDATE hazards SET anonymous = 1 WHERE id = ?", "I", id) == DB_OK);
	CHECK(!seen_from(c, viewer, "unit", p_from, id));
	CHECK(seen_from(c, viewer, "unit", p_fixer, id));
	/* no assignee: his unit no longer sees it */
	CHECK(db_exec(c, "UPDATE hazards SET assignee_id = NULL WHERE id = ?", "I", id) == DB_OK);
	CHECK(!seen_from(c, viewer, "unit", p_fixer, id));
	CHECK(seen_from(c, viewer, "unit", p_place, id));
	CHECK(seen_from(c, viewer, "unit", p_filed, id));

	free(p_filed), free(p_place), free(p_fixer), free(p_from), free(p_none);
	db_close(c);
}
