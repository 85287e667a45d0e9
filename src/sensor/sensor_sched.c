/*
 * sensor_sched.c — downsampling, each minute: raw readings older than sensor.raw_days (7)
 * become one row per sensor and minute (average, least, greatest, count) and are deleted;
 * minute rows older than sensor.minute_days (365) are deleted. The cut is on a whole minute
 * and readings older than the raw retention are refused at ingest, so a minute is averaged
 * once, from all its readings; INSERT … ON CONFLICT DO NOTHING keeps a second run harmless.
 */
#include "sensor/sensor.h"
#include "db/db.h"
#include "permit/permit.h"

int sensor_sched_run(struct db *c, int64_t now)
{
	int64_t raw_days = permit_setting_int(c, "sensor.raw_days", 7);
	int64_t minute_days = permit_setting_int(c, "sensor.minute_days", 365);
	int64_t cut = (now - raw_days * 86400) / 60 * 60;
	int64_t any = 0;
	if (db_get_i64(c, &any, "SELECT count(*) FROM sensor_readings WHERE at < ?", "I", cut) != 1)
		return -1;
	int64_t old = 0;
	if (db_get_i64(c, &old, "SELECT count(*) FROM sensor_minutes WHERE minute < ?", "I",
		       now - minute_days * 86400) != 1)
		return -1;
	if (!any && !old)
		return 0;
	if (db_begin(c) != DB_OK)
		return -1;
	if (db_exec(c, "INSERT INTO sensor_minutes (sensor_id, minute, avg, min, max, n)"
		       " SELECT sensor_id, at / 60 * 60, avg(value), min(value), max(value), count(*)"
		       " FROM sensor_readings WHERE at < ? GROUP BY sensor_id, at / 60 * 60"
		       " ON CONFLICT (sensor_id, minute) DO NOTHING", "I", cut) != DB_OK ||
	    db_exec(c, "DELETE FROM sensor_readings WHERE at < ?", "I", cut) != DB_OK ||
	    db_exec(c, "DELETE FROM sensor_minutes WHERE minute < ?", "I", now - minute_days * 86400) != DB_OK ||
	    db_commit(c) != DB_OK) {
		db_rollback(c);
		return -1;
	}
	return (int)(any + old);
}
