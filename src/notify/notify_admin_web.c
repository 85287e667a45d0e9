/*
 * notify_admin_web.c — the system administrator's notification pages (settings.admin):
 *   /admin/notify                 channels, routing rules, delivery settings
 *   /admin/notify/channels/:id    one channel: change it, replace its secret, send a test
 *   /admin/notify/outbox          the outbox by state, last error, re-send a dead message
 *   /admin/notify/viewer          what the demo "sent" (notify.viewer = 1)
 * Secrets are write-only: the form has an empty password input, a blank one keeps the stored
 * secret, and the page says only whether one is set. They are sealed under DATA/notify.key
 * (notify_key.c) before they reach the database, and the audit entry names the change
 * ("secret: replaced"), never the value.
 */
#include "notify/notify_web.h"
#include "notify/notify.h"
#include "notify/notify_chan.h"
#include "audit/audit.h"
#include "base/arena.h"
#include "base/clock.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "web/form.h"
#include "web/i18n.h"
#include "web/page.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* After a write in one transaction: when any step failed, roll it back and answer 503 (nothing
 * was stored) and say so; the caller then returns. */
static int write_failed(struct req *r, int ok)
{
	if (ok)
		return 0;
	db_rollback(r->db);
	form_unavailable(r);
	return 1;
}

static const char *const kinds[] = {"smtp", "wecom", "dingtalk", "sms_aliyun", "sms_http", "webhook", NULL};
static const char *const tls_choices[] = {"none", "starttls", NULL};
static const char *const formats[] = {"text", "markdown", NULL};
/* the settings kept in notify_channels.settings, each a text field of the form */
static const char *const setting_names[] = {"from", "user", "tls", "format", "sign_name", "template_code",
					    "access_key_id", "body", "ca_file", NULL};

static void unit_options(struct req *r, const void *row, int64_t selected)
{
	(void)row;
	struct db_stmt *st = db_query(r->db, "SELECT id, name FROM units WHERE active = 1 ORDER BY path", NULL);
	while (st && db_step(st) == 1) {
		int64_t id = db_col_i64(st, 0);
		html_printf(&r->out, "<option value=\"%D\"%r>%s</option>", id,
			    id == selected ? " selected" : "", db_col_text(st, 1));
	}
	db_done(r->db, st);
}

static const struct form_field chan_fields[] = {
	{"kind", "notify.kind", FORM_CHOICE, FORM_REQUIRED | FORM_CREATE_ONLY, .choices = kinds,
	 .choice_prefix = "notify.kind_"},
	{"name", "notify.name", FORM_TEXT, FORM_REQUIRED, .max = 64},
	{"url", "notify.url", FORM_TEXT, FORM_REQUIRED, .max = 512},
	{"unit_id", "notify.unit", FORM_ID, 0, .options = unit_options, .empty = "notify.unit_all"},
	{"per_minute", "notify.per_minute", FORM_NUMBER, 0, .lo = 0, .hi = 1000},
	{"from", "notify.from", FORM_TEXT, 0, .max = 128},
	{"user", "notify.user", FORM_TEXT, 0, .max = 128},
	{"tls", "notify.tls", FORM_CHOICE, 0, .choices = tls_choices, .choice_prefix = "notify.tls_"},
	{"format", "notify.format", FORM_CHOICE, 0, .choices = formats, .choice_prefix = "notify.format_"},
	{"sign_name", "notify.sign_name", FORM_TEXT, 0, .max = 64},
	{"template_code", "notify.template_code", FORM_TEXT, 0, .max = 64},
	{"access_key_id", "notify.access_key_id", FORM_TEXT, 0, .max = 128},
	{"body", "notify.body_template", FORM_TEXT, 0, .max = 1000},
	{"ca_file", "notify.ca_file", FORM_TEXT, 0, .max = 256},
	{0},
};

static const struct form_field route_fields[] = {
	{"kind", "notify.event_kind", FORM_TEXT, FORM_REQUIRED, .max = 64},
	{"channel_kind", "notify.kind", FORM_CHOICE, FORM_REQUIRED, .choices = kinds, .choice_prefix = "notify.kind_"},
	{"urgent", "notify.urgent", FORM_NUMBER, 0, .lo = 0, .hi = 1},
	{0},
};

static const struct form_field set_fields[] = {
	{"max_attempts", "notify.max_attempts", FORM_NUMBER, FORM_REQUIRED, .lo = 1, .hi = 20},
	{"backoff_seconds", "notify.backoff_seconds", FORM_NUMBER, FORM_REQUIRED, .lo = 1, .hi = 3600},
	{"timeout_ms", "notify.timeout_ms", FORM_NUMBER, FORM_REQUIRED, .lo = 100, .hi = 60000},
	{"base_url", "notify.base_url", FORM_TEXT, 0, .max = 200, .attrs = " type=\"url\""},
	{0},
};
static const char *const set_keys[] = {"notify.max_attempts", "notify.backoff_seconds", "notify.timeout_ms",
				       "notify.base_url", NULL};
static const char *const set_defaults[] = {"5", "30", "10000", ""};

static void settings_stored(struct req *r, const char **out)
{
	for (int i = 0; set_keys[i]; i++) {
		char *v = NULL;
		out[i] = db_get_text(r->db, &v, "SELECT value FROM settings WHERE key = ?", "t", set_keys[i]) == 1
				 ? arena_strdup(&r->arena, v)
				 : set_defaults[i];
		free(v);
	}
}

static void secret_input(struct req *r, const struct form_err *e)
{
	html_printf(&r->out, "<label>%s <input type=\"password\" name=\"secret\" autocomplete=\"new-password\""
			     " maxlength=\"256\" value=\"\"><small>%s</small>",
		    T(r, "notify.secret"), T(r, "notify.secret_hint"));
	form_field_error(r, e, "secret");
	html_printf(&r->out, "</label>");
}

static void channels_section(struct req *r)
{
	/* class cards: below 600 px each row is a card, its cells led by data-label */
	html_printf(&r->out, "<section class=\"card\"><h2>%s</h2><div class=\"table-wrap\"><table class=\"list cards\">"
			     "<thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
		    T(r, "notify.channels"), T(r, "notify.name"), T(r, "notify.kind"), T(r, "notify.unit"),
		    T(r, "notify.secret"), T(r, "notify.state"));
	struct db_stmt *st = db_query(r->db, "SELECT c.id, c.name, c.kind, coalesce(u.name, ''), c.secret <> '', c.active"
				      " FROM notify_channels c LEFT JOIN units u ON u.id = c.unit_id ORDER BY c.id", NULL);
	while (st && db_step(st) == 1) {
		const char *kind = arena_printf(&r->arena, "notify.kind_%s", db_col_text(st, 2));
		const char *unit = db_col_text(st, 3);
		html_printf(&r->out, "<tr><td><a href=\"/admin/notify/channels/%D\">%s</a></td><td data-label=\"%s\">%s</td>"
				     "<td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td></tr>",
			    db_col_i64(st, 0), db_col_text(st, 1), T(r, "notify.kind"), T(r, kind), T(r, "notify.unit"),
			    *unit ? unit : T(r, "notify.unit_all"), T(r, "notify.secret"),
			    T(r, db_col_i64(st, 4) ? "notify.secret_set" : "notify.secret_unset"), T(r, "notify.state"),
			    T(r, db_col_i64(st, 5) ? "notify.active" : "notify.inactive"));
	}
	db_done(r->db, st);
	html_printf(&r->out, "</tbody></table></div></section>");
}

static void routes_section(struct req *r, struct form *rf)
{
	html_printf(&r->out, "<section class=\"card\"><h2>%s</h2><p>%s</p><div class=\"table-wrap\"><table class=\"list cards\">"
			     "<thead><tr><th>%s</th><th>%s</th><th>%s</th><th></th></tr></thead><tbody>",
		    T(r, "notify.routes"), T(r, "notify.routes_hint"), T(r, "notify.event_kind"), T(r, "notify.kind"),
		    T(r, "notify.urgent"));
	struct db_stmt *st = db_query(r->db, "SELECT id, kind, channel_kind, urgent FROM notify_routes ORDER BY kind, channel_kind",
				      NULL);
	while (st && db_step(st) == 1) {
		const char *kind = arena_printf(&r->arena, "notify.kind_%s", db_col_text(st, 2));
		html_printf(&r->out, "<tr><td>%s</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td><td><form"
				     " method=\"post\" action=\"/admin/notify/routes/%D/delete\">%r<button>%s</button></form></td></tr>",
			    db_col_text(st, 1), T(r, "notify.kind"), i18n_has(kind) ? T(r, kind) : db_col_text(st, 2),
			    T(r, "notify.urgent"), T(r, db_col_i64(st, 3) ? "notify.yes" : "notify.no"), db_col_i64(st, 0), page_csrf(r),
			    T(r, "notify.delete"));
	}
	db_done(r->db, st);
	html_printf(&r->out, "</tbody></table></div><form method=\"post\" action=\"/admin/notify/routes\" class=\"stack\">%r",
		    page_csrf(r));
	form_render_fields(r, rf);
	html_printf(&r->out, "<button class=\"primary\">%s</button></form></section>", T(r, "notify.route_add"));
}

static void admin_page_with(struct req *r, struct form *cf, struct form *rf, struct form *sf);

static void admin_page(struct req *r, struct form *cf, struct form *rf)
{
	const char *old[4];
	settings_stored(r, old);
	struct form sf;
	form_init(r, &sf, set_fields, old, NULL);
	admin_page_with(r, cf, rf, &sf);
}

static void admin_page_with(struct req *r, struct form *cf, struct form *rf, struct form *sf)
{
	page_begin(r, T(r, "nav.notify"));
	int64_t viewer = 0;
	char *v = NULL;
	if (db_get_text(r->db, &v, "SELECT value FROM settings WHERE key = 'notify.viewer'", NULL) == 1)
		viewer = v && !strcmp(v, "1");
	free(v);
	html_printf(&r->out, "<h1>%s</h1><p><a class=\"button\" href=\"/admin/notify/outbox\">%s</a> "
			     "<a class=\"button\" href=\"/admin/notify/viewer\">%s</a></p>",
		    T(r, "nav.notify"), T(r, "notify.outbox"), T(r, "notify.viewer"));
	html_printf(&r->out, "<section class=\"card\"><form method=\"post\" action=\"/admin/notify/viewer\">%r"
			     "<p>%s</p><input type=\"hidden\" name=\"on\" value=\"%r\"><button>%s</button></form></section>",
		    page_csrf(r), T(r, viewer ? "notify.viewer_on" : "notify.viewer_off"), viewer ? "0" : "1",
		    T(r, viewer ? "notify.viewer_stop" : "notify.viewer_start"));
	html_printf(&r->out, "<section class=\"card\"><h2>%s</h2><form method=\"post\" action=\"/admin/notify/settings\""
			     " class=\"stack\">%r", T(r, "notify.delivery"), page_csrf(r));
	form_render_fields(r, sf);
	html_printf(&r->out, "<button>%s</button></form></section>", T(r, "notify.save"));
	channels_section(r);
	html_printf(&r->out, "<section class=\"card\"><h2>%s</h2><form method=\"post\" action=\"/admin/notify/channels\""
			     " class=\"stack\">%r",
		    T(r, "notify.channel_new"), page_csrf(r));
	form_render_fields(r, cf);
	secret_input(r, &cf->err);
	html_printf(&r->out, "<button class=\"primary\">%s</button></form></section>", T(r, "notify.save"));
	routes_section(r, rf);
	page_end(r);
}

static int admin_get(struct req *r)
{
	struct form cf, rf;
	form_init(r, &cf, chan_fields, NULL, NULL);
	form_init(r, &rf, route_fields, NULL, NULL);
	admin_page(r, &cf, &rf);
	return 0;
}

/* Check the URL's scheme against the kind (an SMTP channel must not be pointed at file://,
 * a robot must be http(s)); e gets the problem. */
static void check_url(struct req *r, struct form *f, const char *kind, const char *url)
{
	int mail = !strcmp(kind, "smtp");
	int ok = mail ? !strncmp(url, "smtp://", 7) || !strncmp(url, "smtps://", 8)
		      : !strncmp(url, "https://", 8) || !strncmp(url, "http://", 7);
	if (!ok)
		form_fail(r, f, "url", mail ? "notify.err_smtp_url" : "notify.err_http_url");
}

static char *settings_json(const struct form *f)
{
	json_t *j = json_object();
	for (const char *const *n = setting_names; *n; n++) {
		const char *v = form_get(f, *n)->text;
		if (*v && strcmp(v, "none"))
			json_object_set_new(j, *n, json_string(v));
	}
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	return s;
}

static const char *stored_secret(struct req *r, struct form *f)
{
	const char *s = req_field(r, "secret");
	if (s && strlen(s) > 256)
		form_fail(r, f, "secret", "notify.err_secret_long");
	return s ? s : "";
}

static int channel_create(struct req *r)
{
	struct form cf, rf;
	form_read(r, &cf, chan_fields, NULL, NULL);
	form_init(r, &rf, route_fields, NULL, NULL);
	const char *kind = form_get(&cf, "kind")->text, *url = form_get(&cf, "url")->text;
	if (!form_failed(&cf))
		check_url(r, &cf, kind, url);
	const char *secret = stored_secret(r, &cf);
	int64_t unit = form_get(&cf, "unit_id")->id;
	int64_t exists = 0;
	if (!form_failed(&cf) && unit &&
	    db_get_i64(r->db, &exists, "SELECT count(*) FROM units WHERE id = ? AND active = 1", "I", unit) >= 0 && !exists)
		form_fail(r, &cf, "unit_id", "notify.err_unit");
	if (form_failed(&cf)) {
		r->status = FORM_STATUS_INVALID;
		admin_page(r, &cf, &rf);
		return 0;
	}
	char *settings = settings_json(&cf), *sealed = *secret ? notify_secret_seal(secret) : NULL;
	int64_t per_minute = form_get(&cf, "per_minute")->present ? (int64_t)form_get(&cf, "per_minute")->num
				: (!strcmp(kind, "wecom") || !strcmp(kind, "dingtalk")) ? 20 : 0;
	int64_t now = clock_now();
	struct strbuf sum = STRBUF_INIT;
	form_audit_summary(r, &sum, &cf, NULL);
	sb_addf(&sum, "; secret: %s", *secret ? "set" : "none");
	int ok = (!*secret || sealed) && db_begin(r->db) == DB_OK &&
		 db_exec(r->db, "INSERT INTO notify_channels (kind, name, unit_id, url, settings, secret, per_minute,"
				" created_at, updated_at) VALUES (?, ?, NULLIF(?, 0), ?, ?, ?, ?, ?, ?)",
			 "ttIttt" "III", kind, form_get(&cf, "name")->text, unit, url, settings, sealed ? sealed : "", per_minute, now, now) == DB_OK &&
		 audit_req(r, "notify_channel", db_last_id(r->db), "create", sum.buf) == DB_OK && db_commit(r->db) == DB_OK;
	free(settings);
	free(sealed);
	sb_release(&sum);
	if (write_failed(r, ok))
		return 0;
	resp_redirect(r, "/admin/notify");
	return 0;
}

struct chan_row {
	int64_t id, unit_id, per_minute, active;
	char *kind, *secret;
	const char *stored[15];
};

/* the stored channel as the form's texts; 0 found, -1 not */
static int chan_read(struct req *r, int64_t id, struct chan_row *c)
{
	memset(c, 0, sizeof(*c));
	struct db_stmt *st = db_query(r->db, "SELECT kind, name, url, coalesce(unit_id, 0), per_minute, settings, secret,"
				      " active FROM notify_channels WHERE id = ?", "I", id);
	int found = st && db_step(st) == 1;
	if (found) {
		c->id = id;
		c->kind = arena_strdup(&r->arena, db_col_text(st, 0));
		c->stored[0] = c->kind;
		c->stored[1] = arena_strdup(&r->arena, db_col_text(st, 1));
		c->stored[2] = arena_strdup(&r->arena, db_col_text(st, 2));
		c->unit_id = db_col_i64(st, 3);
		c->stored[3] = c->unit_id ? arena_printf(&r->arena, "%lld", (long long)c->unit_id) : "";
		c->per_minute = db_col_i64(st, 4);
		c->stored[4] = arena_printf(&r->arena, "%lld", (long long)c->per_minute);
		json_t *j = json_loads(db_col_text(st, 5), 0, NULL);
		for (int i = 0; setting_names[i]; i++) {
			const char *v = json_string_value(json_object_get(j, setting_names[i]));
			c->stored[5 + i] = arena_strdup(&r->arena, v ? v : "");
		}
		json_decref(j);
		c->secret = arena_strdup(&r->arena, db_col_text(st, 6));
		c->active = db_col_i64(st, 7);
	}
	db_done(r->db, st);
	return found ? 0 : -1;
}

static void channel_page(struct req *r, struct chan_row *c, struct form *f, const char *notice)
{
	page_begin(r, T(r, "notify.channel"));
	html_printf(&r->out, "<p><a href=\"/admin/notify\">← %s</a></p><h1>%s · %s</h1>", T(r, "nav.notify"),
		    c->stored[1], T(r, arena_printf(&r->arena, "notify.kind_%s", c->kind)));
	if (notice)
		page_notice(r, "ok", notice);
	html_printf(&r->out, "<section class=\"card\"><p>%s: %s</p><form method=\"post\" action=\"/admin/notify/channels/%D\""
			     " class=\"stack\">%r",
		    T(r, "notify.secret"), T(r, *c->secret ? "notify.secret_set" : "notify.secret_unset"),
		    c->id, page_csrf(r));
	form_render_fields(r, f);
	secret_input(r, &f->err);
	html_printf(&r->out, "<label><input type=\"checkbox\" name=\"active\" value=\"1\"%r> %s</label>"
			     "<button class=\"primary\">%s</button></form></section>",
		    c->active ? " checked" : "", T(r, "notify.active"), T(r, "notify.save"));
	html_printf(&r->out, "<section class=\"card\"><h2>%s</h2><form method=\"post\" action=\"/admin/notify/channels/%D/test\""
			     " class=\"stack\">%r<label>%s <input name=\"address\" maxlength=\"128\"></label>"
			     "<button>%s</button></form></section>",
		    T(r, "notify.test"), c->id, page_csrf(r), T(r, "notify.test_address"), T(r, "notify.test_send"));
	page_end(r);
}

static int channel_get(struct req *r)
{
	int64_t id;
	struct chan_row c;
	if (req_param_id(r, "id", &id) || chan_read(r, id, &c)) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	struct form f;
	form_init(r, &f, chan_fields, c.stored, &c);
	channel_page(r, &c, &f, NULL);
	return 0;
}

static int channel_update(struct req *r)
{
	int64_t id;
	struct chan_row c;
	if (req_param_id(r, "id", &id) || chan_read(r, id, &c)) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	struct form f;
	form_read(r, &f, chan_fields, c.stored, &c);
	const char *url = form_get(&f, "url")->text;
	if (!form_failed(&f))
		check_url(r, &f, c.kind, url);
	const char *secret = stored_secret(r, &f);
	if (form_failed(&f)) {
		r->status = FORM_STATUS_INVALID;
		channel_page(r, &c, &f, NULL);
		return 0;
	}
	const char *act = req_field(r, "active");
	int active = act && !strcmp(act, "1");
	char *settings = settings_json(&f), *sealed = *secret ? notify_secret_seal(secret) : NULL;
	struct strbuf sum = STRBUF_INIT;
	form_audit_summary(r, &sum, &f, c.stored);
	if (*secret)
		sb_adds(&sum, "; secret: replaced");
	if (active != c.active)
		sb_addf(&sum, "; active: %d → %d", (int)c.active, active);
	int64_t per_minute = form_get(&f, "per_minute")->present ? (int64_t)form_get(&f, "per_minute")->num : 0;
	int ok = (!*secret || sealed) && db_begin(r->db) == DB_OK &&
		 db_exec(r->db, "UPDATE notify_channels SET name = ?, url = ?, unit_id = NULLIF(?, 0), per_minute = ?,"
				" settings = ?, secret = coalesce(?, secret), active = ?, updated_at = ? WHERE id = ?",
			 "ttIIttiI" "I", form_get(&f, "name")->text, url, form_get(&f, "unit_id")->id, per_minute, settings,
			 sealed, active, clock_now(), id) == DB_OK &&
		 audit_req(r, "notify_channel", id, "update", sum.buf) == DB_OK && db_commit(r->db) == DB_OK;
	free(settings);
	free(sealed);
	sb_release(&sum);
	if (write_failed(r, ok))
		return 0;
	resp_redirect(r, arena_printf(&r->arena, "/admin/notify/channels/%lld", (long long)id));
	return 0;
}

/* "Send a test message": one outbox row to this channel, delivered at once, so the page
 * tells whether the credentials work (and the outbox keeps the result). */
static int channel_test(struct req *r)
{
	int64_t id;
	struct chan_row c;
	if (req_param_id(r, "id", &id) || chan_read(r, id, &c)) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	const char *addr = req_field(r, "address");
	addr = addr ? addr : "";
	int personal = !strcmp(c.kind, "smtp") || !strncmp(c.kind, "sms_", 4);
	struct form f;
	form_init(r, &f, chan_fields, c.stored, &c);
	if ((personal && !*addr) || strlen(addr) > 128) {
		form_fail(r, &f, "address", "notify.err_address");
		r->status = FORM_STATUS_INVALID;
		channel_page(r, &c, &f, NULL);
		return 0;
	}
	int64_t now = clock_now();
	unsigned nonce = (unsigned)randombytes_random();
	const char *key = arena_printf(&r->arena, "test|%lld|%lld|%08x", (long long)id, (long long)now, nonce);
	int ok = db_begin(r->db) == DB_OK &&
		 db_exec(r->db, "INSERT INTO notify_outbox (idem_key, channel_id, user_id, address, lang, kind, title, body,"
				" link, due_at, created_at) VALUES (?, ?, ?, ?, ?, 'test', ?, ?, '/admin/notify', ?, ?)",
			 "tIItttt" "II", key, id, r->who->user_id, addr, r->lang, T(r, "notify.test_title"),
			 T(r, "notify.test_body"), now, now) == DB_OK &&
		 audit_req(r, "notify_channel", id, "test", addr) == DB_OK && db_commit(r->db) == DB_OK;
	if (write_failed(r, ok))
		return 0;
	notify_deliver(r->db, now);
	char *state = NULL, *err = NULL;
	db_get_text(r->db, &state, "SELECT state FROM notify_outbox WHERE idem_key = ?", "t", key);
	db_get_text(r->db, &err, "SELECT last_error FROM notify_outbox WHERE idem_key = ?", "t", key);
	const char *msg = state && !strcmp(state, "sent")
				  ? T(r, "notify.test_sent")
				  : arena_printf(&r->arena, "%s %s", T(r, "notify.test_failed"), err ? err : "");
	free(state);
	free(err);
	channel_page(r, &c, &f, msg);
	return 0;
}

static int route_add(struct req *r)
{
	struct form cf, rf;
	form_init(r, &cf, chan_fields, NULL, NULL);
	form_read(r, &rf, route_fields, NULL, NULL);
	const char *kind = form_get(&rf, "kind")->text, *ck = form_get(&rf, "channel_kind")->text;
	int64_t dup = 0;
	if (!form_failed(&rf)) {
		for (const char *p = kind; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
			      (*p == '*' && p[1] == '\0')))
				form_fail(r, &rf, "kind", "notify.err_event_kind");
	}
	if (!form_failed(&rf) &&
	    db_get_i64(r->db, &dup, "SELECT count(*) FROM notify_routes WHERE kind = ? AND channel_kind = ?", "tt", kind,
		       ck) >= 0 && dup)
		form_fail(r, &rf, "kind", "notify.err_route_exists");
	if (form_failed(&rf)) {
		r->status = FORM_STATUS_INVALID;
		admin_page(r, &cf, &rf);
		return 0;
	}
	int urgent = form_get(&rf, "urgent")->num > 0;
	int ok = db_begin(r->db) == DB_OK &&
		 db_exec(r->db, "INSERT INTO notify_routes (kind, channel_kind, urgent) VALUES (?, ?, ?)", "tti", kind, ck,
			 urgent) == DB_OK &&
		 audit_req(r, "notify_route", db_last_id(r->db), "create",
			   arena_printf(&r->arena, "%s → %s%s", kind, ck, urgent ? " (urgent)" : "")) == DB_OK &&
		 db_commit(r->db) == DB_OK;
	if (write_failed(r, ok))
		return 0;
	resp_redirect(r, "/admin/notify");
	return 0;
}

static int route_delete(struct req *r)
{
	int64_t id;
	char *what = NULL;
	if (req_param_id(r, "id", &id) ||
	    db_get_text(r->db, &what, "SELECT kind || ' → ' || channel_kind FROM notify_routes WHERE id = ?", "I", id) != 1) {
		free(what);
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	int ok = db_begin(r->db) == DB_OK && db_exec(r->db, "DELETE FROM notify_routes WHERE id = ?", "I", id) == DB_OK &&
		 audit_req(r, "notify_route", id, "delete", what) == DB_OK && db_commit(r->db) == DB_OK;
	free(what);
	if (write_failed(r, ok))
		return 0;
	resp_redirect(r, "/admin/notify");
	return 0;
}

static int viewer_toggle(struct req *r)
{
	const char *on = req_field(r, "on");
	const char *v = on && !strcmp(on, "1") ? "1" : "0";
	int64_t now = clock_now();
	int ok = db_begin(r->db) == DB_OK &&
		 db_exec(r->db, "INSERT INTO settings (key, value, updated_at) VALUES ('notify.viewer', ?1, ?2)"
				" ON CONFLICT (key) DO UPDATE SET value = ?1, updated_at = ?2", "tI", v, now) == DB_OK &&
		 audit_req(r, "setting", 0, "update", arena_printf(&r->arena, "notify.viewer: %s", v)) == DB_OK &&
		 db_commit(r->db) == DB_OK;
	if (write_failed(r, ok))
		return 0;
	resp_redirect(r, "/admin/notify");
	return 0;
}

static int settings_post(struct req *r)
{
	const char *old[4];
	settings_stored(r, old);
	struct form sf;
	form_read(r, &sf, set_fields, old, NULL);
	const char *base = form_get(&sf, "base_url")->text;
	if (!form_failed(&sf) && *base && strncmp(base, "https://", 8) && strncmp(base, "http://", 7))
		form_fail(r, &sf, "base_url", "notify.err_http_url");
	if (form_failed(&sf)) {
		struct form cf, rf;
		form_init(r, &cf, chan_fields, NULL, NULL);
		form_init(r, &rf, route_fields, NULL, NULL);
		r->status = FORM_STATUS_INVALID;
		admin_page_with(r, &cf, &rf, &sf);
		return 0;
	}
	int64_t now = clock_now();
	struct strbuf sum = STRBUF_INIT;
	form_audit_summary(r, &sum, &sf, old);
	int ok = db_begin(r->db) == DB_OK;
	for (int i = 0; ok && set_keys[i]; i++)
		ok = db_exec(r->db, "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)"
				    " ON CONFLICT (key) DO UPDATE SET value = ?2, updated_at = ?3",
			     "ttI", set_keys[i], form_get(&sf, set_fields[i].name)->text, now) == DB_OK;
	ok = ok && audit_req(r, "setting", 0, "update", sum.buf ? sum.buf : "") == DB_OK && db_commit(r->db) == DB_OK;
	sb_release(&sum);
	if (write_failed(r, ok))
		return 0;
	resp_redirect(r, "/admin/notify");
	return 0;
}

static const char *const states[] = {"queued", "sending", "sent", "retrying", "dead", NULL};

static int outbox_get(struct req *r)
{
	const char *state = NULL;
	int64_t limit = 200, total = 0;
	int page = 1, per_page = 200, api = r->is_api;
	/* the page shows the latest `limit`; the API pages the one way (req_page) */
	if (req_query_enum(r, "state", states, &state) < 0 || (!api && req_query_int(r, "limit", 1, 5000, &limit) < 0))
		return 0;
	if (api) {
		req_page(r, 200, &page, &per_page);
		limit = per_page;
		db_get_i64(r->db, &total, "SELECT count(*) FROM notify_outbox WHERE (?1 = '' OR state = ?1)", "t",
			   state ? state : "");
	}
	struct db_stmt *st = db_query(r->db, "SELECT o.id, o.kind, o.state, o.attempts, o.address, o.title, o.last_error,"
				      " o.created_at, o.sent_at, c.name, c.kind, o.idem_key, o.due_at FROM notify_outbox o"
				      " JOIN notify_channels c ON c.id = o.channel_id WHERE (?1 = '' OR o.state = ?1)"
				      " ORDER BY o.id DESC LIMIT ?2 OFFSET ?3", "tII", state ? state : "", limit,
				      (int64_t)(page - 1) * per_page);
	if (api) {
		json_t *a = json_array();
		while (st && db_step(st) == 1)
			json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:I}",
							   "id", (json_int_t)db_col_i64(st, 0), "kind", db_col_text(st, 1),
							   "state", db_col_text(st, 2), "attempts", (json_int_t)db_col_i64(st, 3),
							   "address", db_col_text(st, 4), "title", db_col_text(st, 5),
							   "last_error", db_col_text(st, 6), "created_at",
							   (json_int_t)db_col_i64(st, 7), "sent_at", (json_int_t)db_col_i64(st, 8),
							   "channel", db_col_text(st, 9), "channel_kind", db_col_text(st, 10),
							   "idem_key", db_col_text(st, 11), "due_at", (json_int_t)db_col_i64(st, 12)));
		db_done(r->db, st);
		resp_json(r, 200, json_pack("{s:o, s:i, s:i, s:I}", "items", a, "page", page, "per_page", per_page,
					    "total", (json_int_t)total));
		return 0;
	}
	page_begin(r, T(r, "notify.outbox"));
	html_printf(&r->out, "<p><a href=\"/admin/notify\">← %s</a></p><h1>%s</h1><p class=\"filters\">", T(r, "nav.notify"),
		    T(r, "notify.outbox"));
	html_printf(&r->out, "<a class=\"button\" href=\"/admin/notify/outbox\">%s</a>", T(r, "notify.all"));
	for (const char *const *s = states; *s; s++)
		html_printf(&r->out, " <a class=\"button\" href=\"/admin/notify/outbox?state=%s\">%s</a>", *s,
			    T(r, arena_printf(&r->arena, "notify.state_%s", *s)));
	html_printf(&r->out, "</p><div class=\"notify-list\">");
	while (st && db_step(st) == 1) {
		const char *s = db_col_text(st, 2);
		html_printf(&r->out, "<article class=\"card\"><h3>%s</h3><p>%s · %s · %s</p><p>%s %s · %s %D</p>",
			    db_col_text(st, 5), db_col_text(st, 9), db_col_text(st, 4),
			    page_time(r, db_col_i64(st, 7)), T(r, "notify.state"),
			    T(r, arena_printf(&r->arena, "notify.state_%s", s)), T(r, "notify.attempts"),
			    db_col_i64(st, 3));
		if (*db_col_text(st, 6))
			html_printf(&r->out, "<p class=\"error\">%s: %s</p>", T(r, "notify.last_error"), db_col_text(st, 6));
		if (!strcmp(s, "dead"))
			html_printf(&r->out, "<form method=\"post\" action=\"/admin/notify/outbox/%D/resend\">%r"
					     "<button class=\"primary\">%s</button></form>",
				    db_col_i64(st, 0), page_csrf(r), T(r, "notify.resend"));
		html_printf(&r->out, "</article>");
	}
	db_done(r->db, st);
	html_printf(&r->out, "</div>");
	page_end(r);
	return 0;
}

static int outbox_resend(struct req *r)
{
	int64_t id, dead = 0;
	if (req_param_id(r, "id", &id) ||
	    db_get_i64(r->db, &dead, "SELECT state = 'dead' FROM notify_outbox WHERE id = ?", "I", id) != 1) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	if (!dead) {
		resp_error(r, 409, "not_dead", T(r, "notify.err_not_dead"), NULL);
		return 0;
	}
	int ok = db_begin(r->db) == DB_OK &&
		 db_exec(r->db, "UPDATE notify_outbox SET state = 'queued', attempts = 0, due_at = ? WHERE id = ?"
				" AND state = 'dead'", "II", clock_now(), id) == DB_OK &&
		 audit_req(r, "notify_outbox", id, "resend", "") == DB_OK && db_commit(r->db) == DB_OK;
	if (write_failed(r, ok))
		return 0;
	if (r->is_api)
		resp_json(r, 200, json_pack("{s:I, s:s}", "id", (json_int_t)id, "state", "queued"));
	else
		resp_redirect(r, "/admin/notify/outbox");
	return 0;
}

static int viewer_get(struct req *r)
{
	page_begin(r, T(r, "notify.viewer"));
	html_printf(&r->out, "<p><a href=\"/admin/notify\">← %s</a></p><h1>%s</h1><p>%s</p><div class=\"notify-list\">",
		    T(r, "nav.notify"), T(r, "notify.viewer"), T(r, "notify.viewer_hint"));
	struct db_stmt *st = db_query(r->db, "SELECT channel_kind, address, title, body, created_at FROM notify_viewer"
				      " ORDER BY id DESC LIMIT 100", NULL);
	while (st && db_step(st) == 1) {
		const char *kind = arena_printf(&r->arena, "notify.kind_%s", db_col_text(st, 0));
		html_printf(&r->out, "<article class=\"card viewer\"><p>%s · %s · %s</p><h3>%s</h3><pre>%s</pre></article>",
			    T(r, kind), db_col_text(st, 1), page_time(r, db_col_i64(st, 4)), db_col_text(st, 2),
			    db_col_text(st, 3));
	}
	db_done(r->db, st);
	html_printf(&r->out, "</div>");
	page_end(r);
	return 0;
}

const struct route notify_routes[] = {
	{"GET", "/admin/notify", admin_get, "settings.admin", 0, "Notification channels and routing rules"},
	{"POST", "/admin/notify/channels", channel_create, "settings.admin", 0, "Add a notification channel"},
	{"GET", "/admin/notify/channels/:id", channel_get, "settings.admin", 0, "One notification channel"},
	{"POST", "/admin/notify/channels/:id", channel_update, "settings.admin", 0,
	 "Change a notification channel (a blank secret keeps the stored one)"},
	{"POST", "/admin/notify/channels/:id/test", channel_test, "settings.admin", 0, "Send a test message"},
	{"POST", "/admin/notify/settings", settings_post, "settings.admin", 0,
	 "Delivery settings: attempts before a message is dead, back-off, timeout, link base"},
	{"POST", "/admin/notify/routes", route_add, "settings.admin", 0, "Add a routing rule"},
	{"POST", "/admin/notify/routes/:id/delete", route_delete, "settings.admin", 0, "Delete a routing rule"},
	{"POST", "/admin/notify/viewer", viewer_toggle, "settings.admin", 0,
	 "Deliver into the local viewer instead of the network (demo)"},
	{"GET", "/admin/notify/viewer", viewer_get, "settings.admin", 0, "What the demo would have sent"},
	{"GET", "/admin/notify/outbox", outbox_get, "settings.admin", 0, "The outbox with states and errors"},
	{"POST", "/admin/notify/outbox/:id/resend", outbox_resend, "settings.admin", 0, "Re-send a dead message"},
	{"GET", "/api/v1/notify/outbox", outbox_get, "settings.admin", ROUTE_API | ROUTE_PAGED, "The outbox as JSON"},
	{"POST", "/api/v1/notify/outbox/:id/resend", outbox_resend, "settings.admin", ROUTE_API, "Re-send a dead message"},
	{"GET", "/me/notify", notify_prefs_get, NULL, 0, "My notification preferences"},
	{"POST", "/me/notify", notify_prefs_post, NULL, 0, "Change my notification preferences"},
	{0},
};
