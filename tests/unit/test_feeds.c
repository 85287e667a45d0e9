/*
 * test_feeds.c — the equipment health score (feeds_health.c): each factor's weight, the
 * maintenance grace and its 30-day steps, a device never maintained, the floor at 0, and
 * the "readings out of range" hook that is 0 until the sensors module registers one.
 */
#include "unit.h"
#include "feeds/feeds.h"
#include "db/db.h"

static const struct feeds_weights W = {.hazard = 10, .overdue = 30, .per_30_days = 10, .grace_days = 90,
				       .reading = 5, .threshold = 60};

TEST(feeds_health_score_factors)
{
	struct feeds_factors f = {0, 0, 0, 0};
	CHECK_INT(feeds_health_score(&f, &W), 100);
	f.hazards = 2;
	CHECK_INT(feeds_health_score(&f, &W), 80);
	f.overdue = 1;
	CHECK_INT(feeds_health_score(&f, &W), 50);	/* below the threshold of 60 */
	f = (struct feeds_factors){0, 0, 0, 3};
	CHECK_INT(feeds_health_score(&f, &W), 85);
	f = (struct feeds_factors){9, 1, 1000, 9};
	CHECK_INT(feeds_health_score(&f, &W), 0);	/* never below 0 */
}

TEST(feeds_health_score_maintenance_grace)
{
	struct feeds_factors f = {0, 0, 90, 0};
	CHECK_INT(feeds_health_score(&f, &W), 100);	/* within the grace */
	f.days_since = 91;
	CHECK_INT(feeds_health_score(&f, &W), 90);	/* one step as soon as it is past */
	f.days_since = 120;
	CHECK_INT(feeds_health_score(&f, &W), 90);
	f.days_since = 121;
	CHECK_INT(feeds_health_score(&f, &W), 80);
	f.days_since = -1;				/* never maintained: one step */
	CHECK_INT(feeds_health_score(&f, &W), 90);
	struct feeds_weights none = {0};
	f = (struct feeds_factors){5, 1, 500, 5};
	CHECK_INT(feeds_health_score(&f, &none), 100);	/* factors weighted 0 do not count */
}

static int many_readings(struct db *c, int64_t equipment_id, int64_t since, int64_t now)
{
	(void)c, (void)since, (void)now;
	return equipment_id > 0 ? 20 : 0;
}

TEST(feeds_health_readings_hook_and_one_task)
{
	struct db *c = unit_db();
	CHECK_INT(db_exec(c, "INSERT INTO units (name, kind, path, created_at) VALUES ('厂', 'company', '/1/', 0)", NULL), DB_OK);
	CHECK_INT(db_exec(c, "INSERT INTO equipment (code, name, unit_id, created_at) VALUES ('P-1', '泵', 1, 0)", NULL), DB_OK);
	CHECK_INT(feeds_health_run(c, 1000000), 0);	/* without the hook: never maintained, 90 */
	int64_t score = 0;
	CHECK_INT(db_get_i64(c, &score, "SELECT score FROM feeds_equipment", NULL), 1);
	CHECK_INT(score, 90);
	feeds_readings_hook_set(many_readings);
	CHECK_INT(feeds_health_run(c, 1000000), 1);	/* 20 readings × 5: a task */
	CHECK_INT(feeds_health_run(c, 1003600), 0);	/* still low: no second task */
	int64_t n = 0;
	CHECK_INT(db_get_i64(c, &n, "SELECT count(*) FROM feeds_health_tasks WHERE closed_at = 0", NULL), 1);
	feeds_readings_hook_set(NULL);			/* back to the default: recovers, closes */
	CHECK_INT(feeds_health_run(c, 1007200), 0);
	CHECK_INT(db_get_i64(c, &n, "SELECT count(*) FROM feeds_health_tasks WHERE closed_at = 0", NULL), 1);
	CHECK_INT(n, 0);
	db_close(c);
}
