/*
 * sensor_hazard.c — the optional hazard at 报警: a reading that crosses a sensor's alarm
 * threshold files a hazard in the sensor's area, so that the condition is rectified and
 * verified like any other hazard, not only announced.
 *
 * Whether a sensor does it: its own setting (sensors.hazard 'on' / 'off'), or for 'default'
 * the plant's setting sensor.hazard_at_alarm.
 *
 * One alarm episode, one hazard. An episode starts when a reading crosses from below 报警 to
 * 报警 or 联锁停机 (sensor_alarm.c marks that alarm 'pending'); climbing on to 联锁停机 in the
 * same episode asks for nothing more. A sensor that falls back and crosses again while the
 * hazard its last episode filed is still open (flapping around the threshold) records the
 * alarm on that hazard ('joined') instead of filing another.
 *
 * The hazard is honest about where it came from: no reporter (the page says "system") and
 * no photo, since no person saw it; the description names the sensor, the reading and the
 * threshold; the owner is the person responsible for the area (the head of the area's unit,
 * walking up the unit tree), and a section on the hazard's page links the sensor's alarm.
 *
 * Filing happens after the readings' transaction has committed (hazard_create runs its own
 * transaction and its notifications), from sensor_ingest() and from the sensor job, which
 * picks up what a crash between the two left pending. The link step that marks the alarm
 * 'raised' runs inside the hazard's transaction and only from 'pending', so two callers racing
 * file the hazard once.
 */
#include "sensor/sensor.h"
#include "auth/actor.h"
#include "auth/auth.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "hazard/hazard.h"
#include "permit/permit.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sensor_hazard_wanted(struct db *c, int64_t sensor_id)
{
	char *mode = NULL;
	if (db_get_text(c, &mode, "SELECT hazard FROM sensors WHERE id = ?", "I", sensor_id) != 1 || !mode) {
		free(mode);
		return 0;
	}
	int on = !strcmp(mode, "on") ? 1 : !strcmp(mode, "off") ? 0 : -1;
	free(mode);
	if (on < 0)
		on = permit_setting_int(c, "sensor.hazard_at_alarm", 0) == 1;
	return on;
}

/* The person responsible for the area: the active head of its unit, else of the nearest
 * unit above it with one. 0: none (the hazard module's dispatch rules choose). */
static int64_t area_owner(struct db *c, int64_t area_id)
{
	int64_t unit = 0, who = 0;
	db_get_i64(c, &unit, "SELECT unit_id FROM areas WHERE id = ?", "I", area_id);
	for (int depth = 0; unit && !who && depth < 16; depth++) {
		int64_t head = 0, parent = 0, ok = 0;
		db_get_i64(c, &head, "SELECT coalesce(head_user_id, 0) FROM units WHERE id = ?", "I", unit);
		if (head && db_get_i64(c, &ok, "SELECT count(*) FROM users WHERE id = ? AND active = 1", "I", head) == 1 && ok)
			who = head;
		db_get_i64(c, &parent, "SELECT coalesce(parent_id, 0) FROM units WHERE id = ?", "I", unit);
		unit = parent;
	}
	return who;
}

struct raise_link {
	int64_t alarm_id;
};

/* Inside the hazard's transaction: the alarm names its hazard, once. */
static int link_alarm(struct db *c, int64_t hazard_id, void *ctx)
{
	const struct raise_link *l = ctx;
	if (db_exec(c, "UPDATE sensor_alarms SET hazard_state = 'raised', hazard_id = ?, hazard_note = ''"
		       " WHERE id = ? AND hazard_state = 'pending'", "II", hazard_id, l->alarm_id) != DB_OK)
		return -1;
	return db_changes(c) == 1 ? 0 : -1;	/* another caller filed it first: roll this one back */
}

/* File (or join) the hazard of one pending alarm. 1 filed or joined, 0 left, <0 error. */
static int raise_one(struct db *c, int64_t alarm_id)
{
	struct db_stmt *st = db_query(c, "SELECT a.sensor_id, a.value, s.code, s.name, s.uom, s.direction,"
				       " s.alarm, s.area_id, coalesce(s.equipment_id, 0), a.hazard_state"
				       " FROM sensor_alarms a JOIN sensors s ON s.id = a.sensor_id WHERE a.id = ?", "I", alarm_id);
	if (!st || db_step(st) != 1) {
		db_done(c, st);
		return 0;
	}
	int64_t sensor = db_col_i64(st, 0), area = db_col_i64(st, 7), equip = db_col_i64(st, 8);
	double value = db_col_double(st, 1), th = db_col_double(st, 6);
	int has_th = !db_col_null(st, 6), below = !strcmp(db_col_text(st, 5), "below");
	int pending = !strcmp(db_col_text(st, 9), "pending");
	char code[40], name[104], uom[16];
	snprintf(code, sizeof(code), "%s", db_col_text(st, 2));
	snprintf(name, sizeof(name), "%s", db_col_text(st, 3));
	snprintf(uom, sizeof(uom), "%s", db_col_text(st, 4));
	db_done(c, st);
	if (!pending)
		return 0;

	/* the hazard of this sensor's earlier episode, still open: the same condition */
	int64_t open = 0;
	db_get_i64(c, &open, "SELECT a.hazard_id FROM sensor_alarms a JOIN hazards h ON h.id = a.hazard_id"
		   " WHERE a.sensor_id = ? AND a.hazard_state = 'raised' AND h.status NOT IN ('closed', 'cancelled')"
		   " ORDER BY a.id DESC LIMIT 1", "I", sensor);
	if (open) {
		if (db_begin(c) != DB_OK)
			return -1;
		if (db_exec(c, "UPDATE sensor_alarms SET hazard_state = 'joined', hazard_id = ? WHERE id = ?"
			       " AND hazard_state = 'pending'", "II", open, alarm_id) != DB_OK || db_commit(c) != DB_OK) {
			db_rollback(c);
			return -1;
		}
		return 1;
	}

	struct actor sys;
	actor_system(c, "sensor", &sys);
	char *cat_code = NULL, *urg = NULL;
	int64_t cat = 0;
	db_get_text(c, &cat_code, "SELECT value FROM settings WHERE key = 'sensor.hazard_category'", NULL);
	db_get_i64(c, &cat, "SELECT id FROM hazard_categories WHERE code = ? AND active = 1", "t", cat_code ? cat_code : "");
	free(cat_code);
	db_get_text(c, &urg, "SELECT value FROM settings WHERE key = 'sensor.hazard_urgency'", NULL);
	char urgency[2] = {urg && strlen(urg) == 1 && strchr("ABC", urg[0]) ? urg[0] : 'A', 0};
	free(urg);

	/* the description says what was measured against which threshold, and that no person
	 * saw it: the reader knows why there is no photo */
	struct strbuf desc = STRBUF_INIT;
	sb_addf(&desc, "%s %s %s: %s %g %s %s %s", T(&sys, "sensor.hazard_desc"), code, name, T(&sys, "sensor.hazard_reading"),
		value, uom, below ? "≤" : "≥", T(&sys, "sensor.hazard_threshold"));
	if (has_th)
		sb_addf(&desc, " %g %s", th, uom);
	sb_addf(&desc, "。%s", T(&sys, "sensor.hazard_no_photo"));

	struct raise_link l = {alarm_id};
	struct hazard_new hn = {.area_id = area, .category_id = cat, .equipment_id = equip, .level = "general",
				.urgency = urgency, .description = desc.buf, .source = 10, .link = link_alarm,
				.link_ctx = &l, .system_raised = 1, .assignee_id = area_owner(c, area)};
	const char *field = NULL, *key = NULL;
	int64_t hid = hazard_create(&sys, &hn, &field, &key);
	sb_release(&desc);
	if (hid > 0)
		return 1;
	/* a refusal that will not change by itself (no such category, the area closed) is kept on
	 * the alarm with its reason; storage trouble leaves it pending for the next minute */
	if (field) {
		log_error("sensor: hazard for alarm %lld refused: %s %s", (long long)alarm_id, field, key ? key : "");
		char note[96];
		snprintf(note, sizeof(note), "%s: %s", field, key ? key : "");
		if (db_begin(c) != DB_OK)
			return -1;
		if (db_exec(c, "UPDATE sensor_alarms SET hazard_state = 'failed', hazard_note = ? WHERE id = ?"
			       " AND hazard_state = 'pending'", "tI", note, alarm_id) != DB_OK || db_commit(c) != DB_OK) {
			db_rollback(c);
			return -1;
		}
	}
	return 0;
}

int sensor_hazards_raise(struct db *c)
{
	int64_t ids[64];
	int n = 0, acted = 0;
	struct db_stmt *st = db_query(c, "SELECT id FROM sensor_alarms WHERE hazard_state = 'pending' ORDER BY id LIMIT 64", NULL);
	while (st && db_step(st) == 1 && n < 64)
		ids[n++] = db_col_i64(st, 0);
	db_done(c, st);
	for (int i = 0; i < n; i++) {
		int rc = raise_one(c, ids[i]);
		if (rc < 0)
			return -1;
		acted += rc;
	}
	return acted;
}

/* On a hazard's page: the sensor alarm that raised it (or that recurred while it was open). */
static void section_draw(struct req *r, int64_t hazard_id, const void *again)
{
	(void)again;
	struct db_stmt *st = db_query(r->db, "SELECT a.at, a.level, a.value, a.note, a.hazard_state, s.id, s.code, s.name, s.uom"
				    " FROM sensor_alarms a JOIN sensors s ON s.id = a.sensor_id WHERE a.hazard_id = ?"
				    " ORDER BY a.at, a.id LIMIT 50", "I", hazard_id);
	int any = 0, link = auth_has(r, "sensor.view");
	while (st && db_step(st) == 1) {
		if (!any)
			html_printf(&r->out, "<section class=\"card\" id=\"sensor-source\"><h2>%s</h2><p class=\"muted\">%s</p>"
					     "<ul class=\"plain\">", T(r, "sensor.hazard_section"), T(r, "sensor.hazard_section_hint"));
		any = 1;
		html_printf(&r->out, "<li><strong>%s</strong> %s · ",
			    T(r, !strcmp(db_col_text(st, 4), "raised") ? "sensor.hazard_raised" : "sensor.hazard_joined"),
			    page_time(r, db_col_i64(st, 0)));
		if (link)
			html_printf(&r->out, "<a href=\"/sensors/%D\">%s %s</a>", db_col_i64(st, 5), db_col_text(st, 6),
				    db_col_text(st, 7));
		else
			html_printf(&r->out, "%s %s", db_col_text(st, 6), db_col_text(st, 7));
		html_printf(&r->out, " · %s</li>", db_col_text(st, 3));
	}
	db_done(r->db, st);
	if (any)
		html_printf(&r->out, "</ul></section>");
}

const struct hazard_section sensor_hazard_section = {NULL, section_draw};
