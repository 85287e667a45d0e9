/*
 * sensor_mqtt_web.c — the MQTT subscriber's settings and state (sensor.admin):
 *   GET/POST /sensors/mqtt        the page: broker URL, topic, user, password; the state
 *   GET/POST /api/v1/sensor-mqtt  the same as JSON
 *
 * The password is write-only, as the provincial upload's secrets: the input is always empty
 * and a blank one keeps the stored value (a "clear" box removes it), the page and the API say
 * only whether one is set, it is sealed (notify_secret_seal, DATA/notify.key) before it
 * reaches the database (sensor_secrets), and the audit entry says "replaced", never the
 * value. A saved change makes the subscriber connect again with it (sensor_mqtt_reload).
 */
#include "sensor/sensor.h"
#include "audit/audit.h"
#include "base/clock.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "notify/notify_chan.h"
#include "web/form.h"
#include "web/i18n.h"
#include "web/page.h"

#include <stdlib.h>
#include <string.h>

static const struct form_field mqtt_fields[] = {
	{"url", "sensor.mqtt_url", FORM_TEXT, 0, .max = 300, .attrs = " placeholder=\"mqtt://127.0.0.1:1883\""},
	{"topic", "sensor.mqtt_topic", FORM_TEXT, FORM_REQUIRED, .max = 200},
	{"user", "sensor.mqtt_user", FORM_TEXT, 0, .max = 120},
	{0},
};
#define NMQTT 3
static const char *const keys[NMQTT] = {"sensor.mqtt_url", "sensor.mqtt_topic", "sensor.mqtt_user"};

static void stored_texts(struct req *r, const char **old)
{
	for (int i = 0; i < NMQTT; i++) {
		char *v = NULL;
		db_get_text(r->db, &v, "SELECT value FROM settings WHERE key = ?", "t", keys[i]);
		old[i] = arena_strdup(&r->arena, v ? v : "");
		free(v);
	}
}

int sensor_mqtt_password_set(struct db *c)
{
	int64_t n = 0;
	db_get_i64(c, &n, "SELECT count(*) FROM sensor_secrets WHERE name = 'mqtt_password'", NULL);
	return n > 0;
}

static json_t *state_json(struct req *r)
{
	const char *old[NMQTT];
	stored_texts(r, old);
	struct sensor_mqtt_stats st;
	sensor_mqtt_get_stats(&st);
	return json_pack("{s:s, s:s, s:s, s:b, s:b, s:I, s:I, s:I, s:I, s:I, s:s}", "url", old[0], "topic", old[1], "user",
			 old[2], "password_set", sensor_mqtt_password_set(r->db), "connected", st.connected, "connections",
			 (json_int_t)st.connections, "messages", (json_int_t)st.messages, "stored", (json_int_t)st.stored,
			 "refused", (json_int_t)st.refused, "errors", (json_int_t)st.errors, "last_error", st.last_error);
}

static void mqtt_page(struct req *r, struct form *f)
{
	struct sensor_mqtt_stats st;
	sensor_mqtt_get_stats(&st);
	page_begin(r, T(r, "sensor.mqtt_title"));
	html_printf(&r->out, "<h1>%s</h1><p>%s</p><section class=\"card\"><h2>%s</h2><p><span class=\"badge %s\">%s</span></p>"
			     "<dl class=\"facts\"><dt>%s</dt><dd>%D</dd><dt>%s</dt><dd>%D</dd><dt>%s</dt><dd>%D</dd>"
			     "<dt>%s</dt><dd>%D</dd><dt>%s</dt><dd>%s</dd></dl></section>",
		    T(r, "sensor.mqtt_title"), T(r, "sensor.mqtt_intro"), T(r, "sensor.mqtt_state"), st.connected ? "ok" : "warn",
		    T(r, st.connected ? "sensor.mqtt_connected" : "sensor.mqtt_not_connected"), T(r, "sensor.mqtt_messages"),
		    (int64_t)st.messages, T(r, "sensor.mqtt_stored"), (int64_t)st.stored, T(r, "sensor.mqtt_refused"),
		    (int64_t)st.refused, T(r, "sensor.mqtt_errors"), (int64_t)st.errors, T(r, "sensor.mqtt_last_error"),
		    *st.last_error ? st.last_error : "—");
	html_printf(&r->out, "<section class=\"card\"><form method=\"post\" action=\"/sensors/mqtt\" class=\"stack\">%r",
		    page_csrf(r));
	form_render_fields(r, f);
	int set = sensor_mqtt_password_set(r->db);
	html_printf(&r->out, "<label>%s <input type=\"password\" name=\"password\" autocomplete=\"new-password\""
			     " maxlength=\"256\" value=\"\"><small>%s · %s</small>",
		    T(r, "sensor.mqtt_password"), T(r, set ? "sensor.secret_set" : "sensor.secret_unset"),
		    T(r, "sensor.secret_hint"));
	form_field_error(r, &f->err, "password");
	html_printf(&r->out, "</label>");
	if (set)
		html_printf(&r->out, "<label class=\"check\"><input type=\"checkbox\" name=\"clear_password\" value=\"1\"> %s</label>",
			    T(r, "sensor.secret_clear"));
	html_printf(&r->out, "<button class=\"primary\">%s</button></form></section><p><a href=\"/sensors\">%s</a></p>",
		    T(r, "sensor.mqtt_save"), T(r, "sensor.back"));
	page_end(r);
}

int sensor_mqtt_get(struct req *r)
{
	if (r->is_api) {
		resp_json(r, 200, state_json(r));
		return 0;
	}
	const char *old[NMQTT];
	stored_texts(r, old);
	struct form f;
	form_init(r, &f, mqtt_fields, old, NULL);
	mqtt_page(r, &f);
	return 0;
}

int sensor_mqtt_post(struct req *r)
{
	const char *old[NMQTT];
	stored_texts(r, old);
	struct form f;
	form_read(r, &f, mqtt_fields, old, NULL);
	const char *url = form_get(&f, "url")->text;
	if (!form_failed(&f) && *url && strncmp(url, "mqtt://", 7))
		form_fail(r, &f, "url", "sensor.err_mqtt_url");
	const char *pw = req_field(r, "password");
	if (!pw)
		pw = "";
	if (strlen(pw) > 256)
		form_fail(r, &f, "password", "sensor.err_secret_long");
	const char *clear = req_field(r, "clear_password");
	int clearing = clear && (!strcmp(clear, "1") || !strcmp(clear, "true")) && !*pw;
	if (form_failed(&f)) {
		r->status = FORM_STATUS_INVALID;
		if (r->is_api)
			form_api_invalid(r, &f.err);
		else
			mqtt_page(r, &f);
		return 0;
	}
	int64_t now = clock_now();
	struct strbuf sum = STRBUF_INIT;
	form_audit_summary(r, &sum, &f, old);
	if (*pw)
		sb_addf(&sum, "%spassword: replaced", sum.len ? "; " : "");
	else if (clearing)
		sb_addf(&sum, "%spassword: removed", sum.len ? "; " : "");
	char *sealed = *pw ? notify_secret_seal(pw) : NULL;
	int ok = (!*pw || sealed) && db_begin(r->db) == DB_OK;
	for (int i = 0; ok && i < NMQTT; i++)
		ok = db_exec(r->db, "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key)"
				    " DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
			     "ttI", keys[i], form_get(&f, mqtt_fields[i].name)->text, now) == DB_OK;
	if (ok && sealed)
		ok = db_exec(r->db, "INSERT INTO sensor_secrets (name, sealed, updated_at) VALUES ('mqtt_password', ?, ?)"
				    " ON CONFLICT (name) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at",
			     "tI", sealed, now) == DB_OK;
	if (ok && clearing)
		ok = db_exec(r->db, "DELETE FROM sensor_secrets WHERE name = 'mqtt_password'", NULL) == DB_OK;
	ok = ok && audit_req(r, "sensor_mqtt", 0, "update", sum.len ? sum.buf : "no change") == DB_OK &&
	     db_commit(r->db) == DB_OK;
	free(sealed);
	sb_release(&sum);
	if (!ok) {
		db_rollback(r->db);
		form_unavailable(r);
		return 0;
	}
	sensor_mqtt_reload();	/* connect again with what was saved */
	if (r->is_api)
		resp_json(r, 200, state_json(r));
	else
		resp_redirect(r, "/sensors/mqtt");
	return 0;
}
