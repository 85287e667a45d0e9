/*
 * cmd_sensors.c — `anquan sensors simulate`: a synthetic feed for the demo. Every --interval
 * seconds, --steps times, each active sensor gets a reading near half its warn threshold
 * (a gentle wave), stored through sensor_ingest() exactly as a batch posted over HTTP; at the
 * middle step one sensor (--alarm CODE, by default the demo's dust monitor DS-201, else the
 * first sensor with an alarm threshold) reads just past its alarm threshold, so the alarm,
 * its notifications and the chart's peak show up while a person watches; the next step it
 * is back to normal. Runs beside `anquan serve` on the same database.
 */
#include "cli/cli.h"
#include "audit/audit.h"
#include "base/clock.h"
#include "db/db.h"
#include "sensor/sensor.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(void)
{
	printf("usage: anquan sensors simulate [--steps N] [--interval SECONDS] [--alarm CODE]\n\n"
	       "Feed synthetic readings to every active sensor: N steps (default 12), SECONDS apart\n"
	       "(default 5; 0 for all at once, one second of readings apart), one sensor past its\n"
	       "alarm threshold at the middle step (default DS-201, the demo's dust monitor).\n");
}

/* A reading for sensor s at step i: near half its warn threshold, or its last value. */
static double normal_value(const struct sensor_info *s, int i)
{
	double base = s->has_warn ? s->warn * 0.5 : s->has_alarm ? s->alarm * 0.5 : 1.0;
	if (!strcmp(s->direction, "below"))	/* oxygen: comfortably above the warn level */
		base = s->has_warn ? s->warn * 1.06 : 20.9;
	return base * (1.0 + 0.08 * sin(i * 0.9 + (double)s->id));
}

static double alarm_value(const struct sensor_info *s)
{
	double th = s->has_alarm ? s->alarm : s->has_warn ? s->warn : 1.0;
	return !strcmp(s->direction, "below") ? th * 0.95 : th * 1.1;
}

int cmd_sensors(int argc, char **argv)
{
	int steps = 12, interval = 5;
	const char *alarm_code = NULL;
	if (cli_wants_help(argc, argv) || argc < 2 || strcmp(argv[1], "simulate")) {
		usage();
		return cli_wants_help(argc, argv) ? 0 : 2;
	}
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--steps") && i + 1 < argc)
			steps = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--interval") && i + 1 < argc)
			interval = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--alarm") && i + 1 < argc)
			alarm_code = argv[++i];
		else {
			usage();
			return 2;
		}
	}
	if (steps < 1 || steps > 100000 || interval < 0 || interval > 3600) {
		fprintf(stderr, "anquan sensors simulate: --steps 1..100000, --interval 0..3600\n");
		return 2;
	}
	struct db *c = cli_open_db();
	if (!c)
		return 1;
	int64_t ids[200], alarm_id = 0;
	static struct sensor_info info[200];	/* some 56 KB: not on the stack */
	int n = 0;
	struct db_stmt *st = db_query(c, "SELECT id FROM sensors WHERE active = 1 ORDER BY id LIMIT 200", NULL);
	while (st && db_step(st) == 1)
		ids[n++] = db_col_i64(st, 0);
	db_done(c, st);
	/* read once: a sensor that could not be read is an error, never a reading quietly left out */
	for (int i = 0; i < n; i++)
		if (sensor_info_load(c, ids[i], &info[i])) {
			fprintf(stderr, "anquan sensors simulate: could not read sensor %lld: %s\n", (long long)ids[i],
				db_errmsg(c));
			db_close(c);
			audit_close();
			return 1;
		}
	if (alarm_code)
		db_get_i64(c, &alarm_id, "SELECT id FROM sensors WHERE code = ? AND active = 1", "t", alarm_code);
	else if (db_get_i64(c, &alarm_id, "SELECT id FROM sensors WHERE code = 'DS-201' AND active = 1", NULL) != 1)
		db_get_i64(c, &alarm_id, "SELECT id FROM sensors WHERE active = 1 AND alarm IS NOT NULL"
			   " ORDER BY id LIMIT 1", NULL);
	if (!n) {
		fprintf(stderr, "anquan sensors simulate: no active sensors (load the demo, or add some)\n");
		db_close(c);
		audit_close();
		return 1;
	}
	if (alarm_code && !alarm_id) {
		fprintf(stderr, "anquan sensors simulate: no active sensor %s\n", alarm_code);
		db_close(c);
		audit_close();
		return 2;
	}
	int rc = 0, peak = steps / 2;
	/* the first step's second: now, or just after the newest reading of these sensors if one
	 * is stamped at or after now (a device whose clock runs ahead; a run a moment ago, whose
	 * steps went on a second apart past its own now), so that no step meets a reading
	 * already there and is "duplicate" */
	int64_t start = clock_now();
	for (int i = 0; i < n; i++) {
		int64_t newest = 0;
		if (db_get_i64(c, &newest, "SELECT coalesce(max(at), 0) FROM sensor_readings WHERE sensor_id = ?", "I",
			       ids[i]) == 1 && newest >= start)
			start = newest + 1;
	}
	for (int step = 0; step < steps && !rc; step++) {
		/* with no interval the readings are still a second apart, so none is a duplicate */
		int64_t at = interval ? clock_now() : start + step;
		if (at < start + step)
			at = start + step;
		json_t *batch = json_array();
		for (int i = 0; i < n; i++) {
			double v = ids[i] == alarm_id && step == peak ? alarm_value(&info[i]) : normal_value(&info[i], step);
			json_array_append_new(batch, json_pack("{s:I, s:I, s:f}", "sensor_id", (json_int_t)ids[i], "at",
							       (json_int_t)at, "value", v));
		}
		json_t *results = json_array();
		int stored = 0, refused = 0;
		if (sensor_ingest(c, batch, 0, clock_now(), results, &stored, &refused)) {
			fprintf(stderr, "anquan sensors simulate: the database refused the batch\n");
			rc = 1;
		} else {
			/* a duplicate (the sensor already has a reading at that second) is neither */
			printf("step %d/%d: %d stored, %d refused, %d duplicate%s\n", step + 1, steps, stored, refused,
			       n - stored - refused,
			       step == peak && alarm_id ? " (one sensor past its alarm threshold)" : "");
			fflush(stdout);
		}
		json_decref(results);
		json_decref(batch);
		if (interval && step + 1 < steps)
			sleep((unsigned)interval);
	}
	db_close(c);
	audit_close();	/* the anchor of the audit entries the alarms may have written */
	return rc;
}
