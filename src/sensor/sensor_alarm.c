/*
 * sensor_alarm.c — what a stored reading sets off.
 *
 * Thresholds: a reading that crosses into a higher level than its sensor's latest (warn 预警,
 * alarm 报警, trip 联锁停机) raises one alarm and tells the roles the settings name for that
 * level (sensor.notify_warn, _alarm, _trip), through notify_send() and so the outbox; a
 * sensor that stays above a threshold does not raise it again on every reading, and falling
 * back resets it so the next crossing is reported.
 *
 * At 报警, optionally a hazard (sensor_hazard.c): the crossing marks its alarm 'pending'.
 *
 * The permit rule: a gas reading in the area of a permit in progress, judged by the permit
 * module's own limits (permit_gas_judge: combustibles §5.3.2, oxygen §6.4, toxic gases by
 * permit_gas_limits), that fails suspends the permit through the permit module's state
 * machine (permit_act_in_tx "suspend", which records the event, audits and tells the
 * applicant and guardian) and tells the guardian what was measured. The alarm row names the
 * permit, so the suspension is recorded with the reading that caused it.
 */
#include "sensor/sensor.h"
#include "auth/actor.h"
#include "base/clock.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "notify/notify.h"
#include "permit/permit.h"
#include "web/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const level_names[] = {"", "warn", "alarm", "trip"};

int sensor_info_load(struct db *c, int64_t id, struct sensor_info *s)
{
	memset(s, 0, sizeof(*s));
	struct db_stmt *st = db_query(c, "SELECT id, area_id, code, name, kind, gas, uom, direction, warn, alarm,"
				       " trip, level, last_at FROM sensors WHERE id = ? AND active = 1", "I", id);
	int rc = -1;
	if (st && db_step(st) == 1) {
		s->id = db_col_i64(st, 0);
		s->area_id = db_col_i64(st, 1);
		snprintf(s->code, sizeof(s->code), "%s", db_col_text(st, 2));
		snprintf(s->name, sizeof(s->name), "%s", db_col_text(st, 3));
		snprintf(s->kind, sizeof(s->kind), "%s", db_col_text(st, 4));
		snprintf(s->gas, sizeof(s->gas), "%s", db_col_text(st, 5));
		snprintf(s->uom, sizeof(s->uom), "%s", db_col_text(st, 6));
		snprintf(s->direction, sizeof(s->direction), "%s", db_col_text(st, 7));
		s->has_warn = !db_col_null(st, 8);
		s->warn = db_col_double(st, 8);
		s->has_alarm = !db_col_null(st, 9);
		s->alarm = db_col_double(st, 9);
		s->has_trip = !db_col_null(st, 10);
		s->trip = db_col_double(st, 10);
		s->level = (int)db_col_i64(st, 11);
		s->last_at = db_col_i64(st, 12);
		rc = 0;
	}
	db_done(c, st);
	return rc;
}

static int crosses(const struct sensor_info *s, double v, double limit)
{
	return strcmp(s->direction, "below") ? v >= limit : v <= limit;
}

int sensor_level(const struct sensor_info *s, double v)
{
	if (s->has_trip && crosses(s, v, s->trip))
		return SENSOR_TRIP;
	if (s->has_alarm && crosses(s, v, s->alarm))
		return SENSOR_ALARM;
	if (s->has_warn && crosses(s, v, s->warn))
		return SENSOR_WARN;
	return SENSOR_OK;
}

static double threshold_of(const struct sensor_info *s, int level)
{
	return level == SENSOR_TRIP ? s->trip : level == SENSOR_ALARM ? s->alarm : s->warn;
}

/* Tell every active holder of the roles named by the setting of this level. */
static int tell_level(struct db *c, const struct sensor_info *s, int level, int64_t alarm_id, const char *body)
{
	char key[40], *roles = NULL;
	snprintf(key, sizeof(key), "sensor.notify_%s", level_names[level]);
	if (db_get_text(c, &roles, "SELECT value FROM settings WHERE key = ?", "t", key) != 1 || !roles) {
		free(roles);
		return 0;
	}
	/* the roles as a space-separated list, matched word by word */
	struct strbuf pad = STRBUF_INIT;
	sb_addf(&pad, " %s ", roles);
	free(roles);
	int64_t who[64];
	int n = 0;
	struct db_stmt *st = db_query(c, "SELECT DISTINCT u.id FROM users u JOIN user_roles ur ON ur.user_id = u.id"
				       " JOIN roles ro ON ro.id = ur.role_id WHERE u.active = 1"
				       " AND ? LIKE '% ' || ro.code || ' %' ORDER BY u.id LIMIT 64", "t", pad.buf);
	while (st && db_step(st) == 1 && n < 64)
		who[n++] = db_col_i64(st, 0);
	db_done(c, st);
	sb_release(&pad);
	char title[40], link[48], dedup[64], kind[24];
	snprintf(title, sizeof(title), "sensor.notify.%s", level_names[level]);
	/* gas at 报警 and above is the outbox's urgent "gas.alarm" (SMS, past quiet hours) */
	snprintf(kind, sizeof(kind), "%s", !strcmp(s->kind, "gas") && level >= SENSOR_ALARM ? "gas.alarm"
					  : level == SENSOR_WARN ? "sensor.warn" : "sensor.alarm");
	snprintf(link, sizeof(link), "/sensors/%lld", (long long)s->id);
	for (int i = 0; i < n; i++) {
		snprintf(dedup, sizeof(dedup), "sensor:%lld:%lld", (long long)alarm_id, (long long)who[i]);
		if (notify_send(c, who[i], &(struct notify_msg){kind, title, s->name, NULL, body, link,
								 dedup}) < 0)
			return -1;
	}
	return n;
}

static int64_t add_alarm(struct db *c, const struct sensor_info *s, int64_t at, const char *level, double v,
			 const double *threshold, int64_t permit_id, const char *note)
{
	int rc = threshold
		? db_exec(c, "INSERT INTO sensor_alarms (sensor_id, at, level, value, threshold, permit_id, note,"
			     " created_at) VALUES (?, ?, ?, ?, ?, NULLIF(?, 0), ?, ?)", "IItddItI", s->id, at, level, v,
			  *threshold, permit_id, note, clock_now())
		: db_exec(c, "INSERT INTO sensor_alarms (sensor_id, at, level, value, permit_id, note, created_at)"
			     " VALUES (?, ?, ?, ?, NULLIF(?, 0), ?, ?)", "IItdItI", s->id, at, level, v, permit_id, note,
			  clock_now());
	return rc == DB_OK ? db_last_id(c) : -1;
}

/* The gas rule: suspend each permit in progress in the sensor's area whose limits this
 * reading fails. Returns how many were suspended, <0 on error. */
static int permit_rule(struct db *c, const struct sensor_info *s, int64_t at, double v)
{
	if (strcmp(s->kind, "gas") || !s->gas[0])
		return 0;
	int64_t ids[32];
	int n = 0, acted = 0;
	struct db_stmt *st = db_query(c, "SELECT id FROM permits WHERE area_id = ? AND state = 'in_progress'"
				       " ORDER BY id LIMIT 32", "I", s->area_id);
	while (st && db_step(st) == 1 && n < 32)
		ids[n++] = db_col_i64(st, 0);
	db_done(c, st);
	if (!n)
		return 0;
	int nlim = 0;
	struct permit_gas_limit *lim = permit_gas_limits_load(c, &nlim);
	struct permit_toxic tox = {s->gas, v};
	struct permit_gas_reading g = {0};
	if (!strcmp(s->gas, "combustible")) {
		g.has_comb = 1;
		g.combustible = v;
	} else if (!strcmp(s->gas, "O2")) {
		g.has_o2 = 1;
		g.o2 = v;
	} else {
		g.toxic = &tox;
		g.ntoxic = 1;
	}
	struct actor sys;
	actor_system(c, "sensor", &sys);
	for (int i = 0; i < n && acted >= 0; i++) {
		struct permit *p = permit_load(c, ids[i]);
		if (!p)
			continue;
		struct permit_err e = {0};
		/* only permits whose work the standard ties to gas analysis have limits to fail */
		if (!permit_gas_required(p->type, p->hazardous_area) ||
		    permit_gas_judge(p->type, p->oxygen_enriched, p->medium_lel, &g, lim, nlim, &e)) {
			permit_err_clear(&e);
			permit_free(p);
			continue;
		}
		/* the reason, in the plant's language, names the sensor and what it measured */
		struct strbuf why = STRBUF_INIT;
		sb_addf(&why, "%s %s %s: %s%s%s", T(&sys, "sensor.permit_reason"), s->code, s->name,
			T(&sys, e.key), e.detail ? " " : "", e.detail ? e.detail : "");
		permit_err_clear(&e);
		struct permit_act_in in = {.reason = why.buf};
		int64_t pid = p->id, guardian = p->guardian_id;
		char number[64];
		snprintf(number, sizeof(number), "%s", p->number);
		if (permit_act_in_tx(&sys, p, "suspend", &in, &e) != 0) {
			/* already suspended by another reading in this batch: nothing more to do */
			permit_err_clear(&e);
			sb_release(&why);
			permit_free(p);
			continue;
		}
		int64_t aid = add_alarm(c, s, at, "permit", v, NULL, pid, why.buf);
		if (aid < 0) {
			acted = -1;
		} else if (guardian) {
			char link[48], dedup[64];
			snprintf(link, sizeof(link), "/permits/%lld", (long long)pid);
			snprintf(dedup, sizeof(dedup), "sensor:%lld:permit:%lld", (long long)aid, (long long)pid);
			if (notify_send(c, guardian, &(struct notify_msg){"gas.alarm", "sensor.notify.permit", number,
									   NULL, why.buf, link, dedup}) < 0)
				acted = -1;
			else
				acted++;
		} else {
			acted++;
		}
		sb_release(&why);
		permit_free(p);
	}
	free(lim);
	return acted;
}

int sensor_evaluate(struct db *c, const struct sensor_info *s, int64_t at, double v)
{
	int raised = 0;
	/* only the newest reading moves the sensor's state: a late one is stored, not judged */
	if (at < s->last_at)
		return 0;
	int level = sensor_level(s, v);
	if (db_exec(c, "UPDATE sensors SET level = ?, last_value = ?, last_at = ? WHERE id = ?", "idII", level, v,
		    at, s->id) != DB_OK)
		return -1;
	if (level > s->level) {
		double th = threshold_of(s, level);
		struct strbuf body = STRBUF_INIT;
		sb_addf(&body, "%s %g %s %s %g", s->code, v, s->uom, strcmp(s->direction, "below") ? "≥" : "≤", th);
		int64_t aid = add_alarm(c, s, at, level_names[level], v, &th, 0, body.buf);
		int rc = aid < 0 ? -1 : tell_level(c, s, level, aid, body.buf);
		/* an episode at 报警 starts here: ask for its hazard, filed after the commit
		 * (sensor_hazard.c); climbing on to 联锁停机 is the same episode */
		if (rc >= 0 && s->level < SENSOR_ALARM && level >= SENSOR_ALARM && sensor_hazard_wanted(c, s->id) &&
		    db_exec(c, "UPDATE sensor_alarms SET hazard_state = 'pending' WHERE id = ?", "I", aid) != DB_OK)
			rc = -1;
		sb_release(&body);
		if (rc < 0)
			return -1;
		raised++;
	}
	int p = permit_rule(c, s, at, v);
	if (p < 0)
		return -1;
	return raised + p;
}

int sensor_equipment_alarms(struct db *c, int64_t equipment_id, int64_t since, int64_t now)
{
	int64_t n = 0;
	/* threshold alarms only: a permit suspension is the permit's record, counted there */
	if (db_get_i64(c, &n, "SELECT count(*) FROM sensor_alarms a JOIN sensors s ON s.id = a.sensor_id"
			      " WHERE s.equipment_id = ?1 AND a.at >= ?2 AND a.at < ?3 AND a.level IN ('warn', 'alarm', 'trip')",
		       "III", equipment_id, since, now) < 0)
		return 0;	/* the factor is then 0, as without sensors: the score is not held up */
	return (int)n;
}
