/*
 * sensor_demo.c — demo sensors in the demo company's areas and their last day of readings
 * (every ten minutes, a smooth daily swing with a little noise), with one dust reading over
 * its warn threshold two hours ago and its alarm, so that the list, the charts and the
 * alarm history show something whenever the demo is loaded. The combustible-gas sensor in
 * the reactor area stays under the hot-work limit (GB 30871-2022 §5.3.2: 0.5 % vol), so the
 * demo's hot-work permit in progress there is left running; `anquan sensors simulate`
 * feeds live readings, an alarm among them.
 */
#include "sensor/sensor.h"
#include "base/clock.h"
#include "db/db.h"

#include <math.h>

struct demo_sensor {
	const char *code, *name, *kind, *gas, *area, *uom;
	double base, swing, warn, alarm, trip;
};

static const struct demo_sensor sensors[] = {
	{"GD-101", "反应釜区可燃气体探测器", "gas", "combustible", "合成一车间 反应釜区", "%vol", 0.08, 0.05, 0.25, 0.5, 1.0},
	{"GD-102", "反应釜区硫化氢探测器", "gas", "H2S", "合成一车间 反应釜区", "mg/m3", 1.5, 1.0, 5, 10, 20},
	{"GD-401", "甲类储罐区可燃气体探测器", "gas", "combustible", "罐区 甲类储罐区", "%vol", 0.05, 0.03, 0.25, 0.5, 1.0},
	{"DS-201", "离心机房粉尘浓度仪", "dust", "", "合成二车间 离心机房", "mg/m3", 2.0, 1.2, 4, 8, 12},
	{"PT-501", "锅炉房蒸汽压力", "pressure", "", "公用工程 锅炉房", "MPa", 1.0, 0.08, 1.2, 1.3, 1.4},
	{NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, 0, 0},
};

int sensor_demo_load(struct db *c)
{
	int64_t now = clock_now() / 60 * 60;
	for (const struct demo_sensor *d = sensors; d->code; d++) {
		if (db_exec(c, "INSERT INTO sensors (code, name, kind, gas, area_id, uom, warn, alarm, trip, created_at)"
			       " SELECT ?, ?, ?, ?, id, ?, ?, ?, ?, ? FROM areas WHERE name = ?", "tttttdddIt", d->code,
			    d->name, d->kind, d->gas, d->uom, d->warn, d->alarm, d->trip, now - 86400 * 30, d->area) != DB_OK)
			return -1;
		int64_t id = db_last_id(c);
		double v = d->base;
		for (int i = 144; i >= 0; i--) {
			int64_t at = now - i * 600;
			/* a daily swing and a little deterministic noise */
			v = d->base + d->swing * sin((double)i / 144 * 2 * M_PI) + d->swing * 0.2 * sin(i * 1.7);
			if (d->kind[0] == 'd' && i == 12)
				v = d->warn + 0.6;
			if (db_exec(c, "INSERT INTO sensor_readings (sensor_id, at, value) VALUES (?, ?, ?)", "IId", id, at, v) != DB_OK)
				return -1;
			if (d->kind[0] == 'd' && i == 12 &&
			    db_exec(c, "INSERT INTO sensor_alarms (sensor_id, at, level, value, threshold, note, created_at)"
				       " VALUES (?, ?, 'warn', ?, ?, ?, ?)", "IIddtI", id, at, v, d->warn, "DS-201 ≥ 4", at) != DB_OK)
				return -1;
		}
		if (db_exec(c, "UPDATE sensors SET last_value = ?, last_at = ? WHERE id = ?", "dII", v, now, id) != DB_OK)
			return -1;
	}
	return 0;
}
