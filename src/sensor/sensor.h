/*
 * sensor.h — sensors in the plant (在线监测: gas, dust, temperature, pressure), their
 * readings and the alarms they raise; the public face of the sensor module.
 *
 *   sensor_web.c     the registry (entity layer): list, form, detail with its chart, API,
 *                    and issuing a sensor's ingest token (shown once, stored hashed)
 *   sensor_ingest.c  a batch of readings: each checked and stored once, or refused with
 *                    its reason; then the thresholds and the permit rule (sensor_alarm.c)
 *   sensor_alarm.c   a reading crossing into a higher level raises an alarm and tells the
 *                    roles of that level; a gas reading over a live permit's limit suspends
 *                    the permit (GB 30871-2022 §5.3.2, §6.4, §6.5) and tells its guardian
 *   sensor_hazard.c  the optional hazard at 报警: one per alarm episode, raised by the system
 *                    without a photo, owned by the area's responsible person
 *   sensor_mqtt.c    readings by MQTT: the subscriber thread of `serve` (libmosquitto)
 *   sensor_mqtt_web.c its settings (the password a write-only secret, sealed) and state
 *   sensor_sched.c   downsampling: raw readings kept sensor.raw_days, minute averages
 *                    sensor.minute_days
 *   sensor_chart.c   the readings chart, an SVG the server writes
 *   sensor_demo.c    demo sensors and a day of readings
 * The command line's `anquan sensors simulate` (cli/cmd_sensors.c) feeds sensor_ingest().
 */
#ifndef ANQUAN_SENSOR_H
#define ANQUAN_SENSOR_H

#include <stdint.h>

#include "http/http.h"

struct db;
struct strbuf;

/* The largest batch one request (or message) may carry. */
#define SENSOR_BATCH_MAX 1000

/* Levels of a reading against its sensor's thresholds. */
enum { SENSOR_OK = 0, SENSOR_WARN, SENSOR_ALARM, SENSOR_TRIP };

/* A sensor as the alarm rules need it. */
struct sensor_info {
	int64_t id, area_id;
	char code[40], name[104], kind[16], gas[16], uom[16], direction[8];
	int has_warn, has_alarm, has_trip;
	double warn, alarm, trip;
	int level;
	int64_t last_at;
};
int sensor_info_load(struct db *c, int64_t id, struct sensor_info *s);

/* Threshold alarms raised in [since, now) by the sensors mounted on a device: the "readings
 * out of range" factor of its health score (feeds_health.c asks through the hook that
 * modules_register() sets). */
int sensor_equipment_alarms(struct db *c, int64_t equipment_id, int64_t since, int64_t now);

/* The level a value reaches on sensor s (SENSOR_OK .. SENSOR_TRIP). */
int sensor_level(const struct sensor_info *s, double value);

/*
 * Store a batch: `batch` is a JSON array of {"sensor_id": n | "sensor": "code", "at": UTC
 * seconds (absent: now), "value": number}. only_sensor > 0 limits the batch to that sensor
 * (its own token). Every reading gets a result in `results` ({"index", "status": stored |
 * duplicate | refused, "reason"}); the counts go to *stored and *refused. One transaction:
 * 0, or -1 when the database failed (nothing stored).
 */
int sensor_ingest(struct db *c, json_t *batch, int64_t only_sensor, int64_t now, json_t *results,
		  int *stored, int *refused);

/* After a stored reading (inside the transaction): thresholds, alarms, the permit rule.
 * Returns how many alarms were raised, <0 on a database error. */
int sensor_evaluate(struct db *c, const struct sensor_info *s, int64_t at, double value);

/* The optional hazard at 报警 (sensor_hazard.c): does this sensor file one (its own setting,
 * else sensor.hazard_at_alarm); file the pending ones after the readings' transaction
 * (returns how many were filed or joined to an open one, <0 on a database error); the
 * section on a hazard's page that names the alarm behind it (handed over by src/modules.c). */
int sensor_hazard_wanted(struct db *c, int64_t sensor_id);
int sensor_hazards_raise(struct db *c);
struct hazard_section;
extern const struct hazard_section sensor_hazard_section;

/* The sensor whose token this is (active), or 0. */
int64_t sensor_by_token(struct db *c, const char *token);

/* The charts of an area's active sensors over the last `seconds`, gas first, under a
 * heading; nothing when the area has none (the area's readings page, /sensors?area_id=). */
void sensor_area_charts(struct req *r, int64_t area_id, int64_t seconds);
/* GET /sensors/:id/chart.svg: the chart as an image (for pages of other modules). */
int sensor_chart_image(struct req *r);

/* Readings of a sensor from `since` (raw and minute averages), as an SVG line chart with its
 * thresholds, into the page; 0, or -1 when there was nothing to draw (a note says so). */
int sensor_chart_html(struct req *r, const struct sensor_info *s, int64_t since, int64_t now);

/* The MQTT subscriber thread of `serve` (sensor_mqtt.c) and its counters. */
struct sensor_mqtt_stats {
	int connected;
	long connections, messages, stored, refused, errors;
	char last_error[128];
};
int sensor_mqtt_start(void);
void sensor_mqtt_stop(void);
/* Drop the current connection and connect again with the settings as saved now. */
void sensor_mqtt_reload(void);
/* The subscriber's settings page and API (sensor_mqtt_web.c); is a password stored? */
int sensor_mqtt_get(struct req *r);
int sensor_mqtt_post(struct req *r);
int sensor_mqtt_password_set(struct db *c);
void sensor_mqtt_get_stats(struct sensor_mqtt_stats *out);

int sensor_sched_run(struct db *c, int64_t now);
int sensor_demo_load(struct db *c);

extern const struct route sensor_routes[];
struct module;
extern const struct module sensor_module;

#endif
