/*
 * sensor_ingest.c — storing a batch of readings, whatever brought it (the HTTP API, the
 * command line's simulator).
 *
 * Each reading is judged alone and answered alone: a reading of an unknown or inactive
 * sensor, of a sensor the token does not cover, with a value that is not a finite number, or
 * stamped further ahead of the server's clock than sensor.future_s (a device with a wrong
 * clock would otherwise hide every later reading) or older than the raw retention is
 * refused with its reason, and the rest are stored. A reading already stored (same sensor
 * and second: a batch sent again after a lost answer) is "duplicate" and is neither stored
 * twice nor judged twice. The whole batch is one transaction, so a database failure stores
 * none of it and the sender may simply send it again.
 */
#include "sensor/sensor.h"
#include "base/text.h"
#include "base/log.h"
#include "db/db.h"
#include "permit/permit.h"

#include <math.h>
#include <string.h>

int64_t sensor_by_token(struct db *c, const char *token)
{
	char h[65];
	int64_t id = 0;
	if (!token || !*token || strlen(token) > 200)
		return 0;
	text_sha256_hex(token, strlen(token), h);
	if (db_get_i64(c, &id, "SELECT id FROM sensors WHERE token_hash = ? AND active = 1", "t", h) != 1)
		return 0;
	return id;
}

static void result(json_t *results, size_t i, const char *status, const char *reason)
{
	json_t *o = json_pack("{s:I, s:s}", "index", (json_int_t)i, "status", status);
	if (reason)
		json_object_set_new(o, "reason", json_string(reason));
	json_array_append_new(results, o);
}

/* The sensor a reading names: "sensor_id" or "sensor" (its code). 0 when absent or unknown. */
static int64_t reading_sensor(struct db *c, json_t *o)
{
	json_t *id = json_object_get(o, "sensor_id"), *code = json_object_get(o, "sensor");
	int64_t v = 0;
	if (json_is_integer(id))
		db_get_i64(c, &v, "SELECT id FROM sensors WHERE id = ? AND active = 1", "I",
			   (int64_t)json_integer_value(id));
	else if (json_is_string(code) && strlen(json_string_value(code)) <= 40)
		db_get_i64(c, &v, "SELECT id FROM sensors WHERE code = ? AND active = 1", "t",
			   json_string_value(code));
	return v;
}

int sensor_ingest(struct db *c, json_t *batch, int64_t only_sensor, int64_t now, json_t *results,
		  int *stored, int *refused)
{
	*stored = *refused = 0;
	int64_t future = permit_setting_int(c, "sensor.future_s", 300);
	int64_t oldest = now - permit_setting_int(c, "sensor.raw_days", 7) * 86400;
	if (db_begin(c) != DB_OK)
		return -1;
	size_t i;
	json_t *o;
	json_array_foreach(batch, i, o) {
		const char *why = NULL;
		json_t *jv = json_object_get(o, "value"), *jat = json_object_get(o, "at");
		int64_t sid = json_is_object(o) ? reading_sensor(c, o) : 0;
		int64_t at = now;
		double v = json_is_number(jv) ? json_number_value(jv) : NAN;
		if (!json_is_object(o))
			why = "not_object";
		else if (!sid)
			why = "unknown_sensor";
		else if (only_sensor && sid != only_sensor)
			why = "not_your_sensor";
		else if (!json_is_number(jv) || !isfinite(v))
			why = "not_number";
		else if (jat && !json_is_integer(jat))
			why = "bad_time";
		else if (jat && (at = (int64_t)json_integer_value(jat)) > now + future)
			why = "future";
		else if (at < oldest)
			why = "too_old";
		if (why) {
			result(results, i, "refused", why);
			(*refused)++;
			continue;
		}
		if (db_exec(c, "INSERT INTO sensor_readings (sensor_id, at, value) VALUES (?, ?, ?)"
			       " ON CONFLICT (sensor_id, at) DO NOTHING", "IId", sid, at, v) != DB_OK)
			goto fail;
		if (db_changes(c) == 0) {
			result(results, i, "duplicate", NULL);
			continue;
		}
		struct sensor_info s;
		if (sensor_info_load(c, sid, &s) || sensor_evaluate(c, &s, at, v) < 0)
			goto fail;
		result(results, i, "stored", NULL);
		(*stored)++;
	}
	if (db_commit(c) != DB_OK)
		goto fail;
	/* the hazards the batch's alarms asked for, each in its own transaction; what fails here
	 * stays pending for the sensor job, the readings are stored either way */
	if (sensor_hazards_raise(c) < 0)
		log_error("sensor: hazards of alarms left pending: %s", db_errmsg(c));
	return 0;
fail:
	db_rollback(c);
	json_array_clear(results);
	*stored = 0;
	return -1;
}
