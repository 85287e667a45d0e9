/*
 * sensor_sched.c — downsampling, each minute: raw readings older than sensor.raw_days (7)
 * become one row per sensor and minute (average, least, greatest, count) and are deleted;
 * minute rows older than sensor.minute_days (365) are deleted. The cut is on a whole minute
 * and readings older than the raw retention are refused at ingest, so a minute is averaged
 * once, from all its readings; INSERT … ON CONFLICT DO NOTHING keeps a second run harmless.
 *
 * The work goes sensor by sensor, each in its own transaction, on the primary keys
 * (sensor_id, at) and (sensor_id, minute): a range at the start of each sensor's readings,
 * never a scan of all of them, and never one long write lock while readings arrive.
 */
#include "sensor/sensor.h"
#include "db/db.h"
#include "permit/permit.h"

static int one_sensor(struct db *c, int64_t id, int64_t cut, int64_t old)
{
	int64_t raw = 0, min = 0;
	if (db_get_i64(c, &raw, "SELECT count(*) FROM (SELECT 1 FROM sensor_readings WHERE sensor_id = ? AND at < ?"
			  " LIMIT 1) x", "II", id, cut) != 1 ||
	    db_get_i64(c, &min, "SELECT count(*) FROM (SELECT 1 FROM sensor_minutes WHERE sensor_id = ? AND minute < ?"
			  " LIMIT 1) x", "II", id, old) != 1)
		return -1;
	if (!raw && !min)
		return 0;
	if (db_begin(c) != DB_OK)
		return -1;
	if (db_exec(c, "INSERT INTO sensor_minutes (sensor_id, minute, avg, min, max, n)"
		       " SELECT sensor_id, at / 60 * 60, avg(value), min(value), max(value), count(*)"
		       " FROM sensor_readings WHERE sensor_id = ? AND at < ? GROUP BY sensor_id, at / 60 * 60"
		       " ON CONFLICT (sensor_id, minute) DO NOTHING", "II", id, cut) != DB_OK ||
	    db_exec(c, "DELETE FROM sensor_readings WHERE sensor_id = ? AND at < ?", "II", id, cut) != DB_OK ||
	    db_exec(c, "DELETE FROM sensor_minutes WHERE sensor_id = ? AND minute < ?", "II", id, old) != DB_OK ||
	    db_commit(c) != DB_OK) {
		db_rollback(c);
		return -1;
	}
	return 1;
}

int sensor_sched_run(struct db *c, int64_t now)
{
	int64_t cut = (now - permit_setting_int(c, "sensor.raw_days", 7) * 86400) / 60 * 60;
	int64_t old = now - permit_setting_int(c, "sensor.minute_days", 365) * 86400;
	int64_t ids[500], after = 0;
	int n, acted = 0;
	/* every sensor, deactivated ones too (their readings age like the others), 500 at a time */
	do {
		n = 0;
		struct db_stmt *st = db_query(c, "SELECT id FROM sensors WHERE id > ? ORDER BY id LIMIT 500", "I", after);
		while (st && db_step(st) == 1)
			ids[n++] = db_col_i64(st, 0);
		db_done(c, st);
		for (int i = 0; i < n; i++) {
			int rc = one_sensor(c, ids[i], cut, old);
			if (rc < 0)
				return -1;
			acted += rc;
			after = ids[i];
		}
	} while (n == 500);
	/* hazards a crash left pending between the readings' commit and their filing */
	int h = sensor_hazards_raise(c);
	if (h < 0)
		return -1;
	return acted + h;
}
