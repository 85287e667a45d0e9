/*
 * risk_settings_web.c — the company's risk settings (the settings rows of 0500_risk.sql):
 * the assessment method, the hazard trigger (N hazards of one accident type on one object in
 * D days), the re-assessment deadline and escalation step, the periodic review (重大 its own),
 * the default control level of each level (重大 always company), the GB 6441 list for new
 * events, the 岗位告知 reminder interval and the import's row limit. GET/POST /risk/settings,
 * GET/PATCH /api/v1/risk/settings; each field checked (422 naming it, nothing stored), every
 * change audited. The band set in use is chosen with /api/v1/risk/band-sets/:id/use.
 */
#include "risk/risk.h"
#include "risk/risk_web.h"
#include "auth/actor.h"
#include "db/db.h"
#include "web/i18n.h"
#include "web/page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const methods[] = {"LEC", "LS", NULL};
static const char *const cls[] = {"company", "workshop", "team", "post", NULL};
static const char *const company[] = {"company", NULL};
static const char *const lists[] = {"1986", "2025", NULL};

static const struct {
	const char *name;	/* the field: settings key "risk." + name */
	long long lo, hi;	/* a whole number in [lo, hi], or one of `choices` */
	const char *const *choices;
} fields[] = {
	{"method", 0, 0, methods},
	{"trigger_count", 1, 100, NULL},
	{"trigger_days", 1, 366, NULL},
	{"task_due_days", 1, 90, NULL},
	{"task_escalate_hours", 1, 720, NULL},
	{"review_months", 1, 60, NULL},
	{"review_months_major", 1, 60, NULL},
	/* DOMAIN.md §3: the highest risks at the highest level — 重大 only at company level */
	{"control_level.major", 0, 0, company},
	{"control_level.large", 0, 0, cls},
	{"control_level.general", 0, 0, cls},
	{"control_level.low", 0, 0, cls},
	{"accident_list", 0, 0, lists},
	{"ack_remind_hours", 0, 720, NULL},
	{"import_max_rows", 1, 100000, NULL},
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static const char *current(struct req *r, size_t i)
{
	char key[48], *v = NULL;
	snprintf(key, sizeof(key), "risk.%s", fields[i].name);
	db_get_text(r->db, &v, "SELECT value FROM settings WHERE key = ?", "t", key);
	const char *out = arena_strdup(&r->arena, v ? v : "");
	free(v);
	return out;
}

static int valid(size_t i, const char *v)
{
	if (fields[i].choices) {
		for (const char *const *c = fields[i].choices; *c; c++)
			if (!strcmp(v, *c))
				return 1;
		return 0;
	}
	char *end = NULL;
	long long n = strtoll(v, &end, 10);
	return *v && end && !*end && n >= fields[i].lo && n <= fields[i].hi;
}

static json_t *as_json(struct req *r)
{
	json_t *o = json_object();
	for (size_t i = 0; i < NFIELDS; i++) {
		const char *v = current(r, i);
		json_object_set_new(o, fields[i].name, fields[i].choices ? json_string(v) : json_integer(strtoll(v, NULL, 10)));
	}
	return o;
}

static void page(struct req *r, const char *bad, const char *const *sent)
{
	page_begin(r, T(r, "risk.settings"));
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1><form method=\"post\" action=\"/risk/settings\" class=\"stack\">%r",
		    T(r, "risk.settings"), page_csrf(r));
	for (size_t i = 0; i < NFIELDS; i++) {
		const char *v = sent && sent[i] ? sent[i] : current(r, i);
		const char *label = T(r, arena_printf(&r->arena, "risk.setting.%s", fields[i].name));
		if (fields[i].choices) {
			html_printf(&r->out, "<label>%s<select name=\"%s\">", label, fields[i].name);
			for (const char *const *c = fields[i].choices; *c; c++)
				html_printf(&r->out, "<option value=\"%s\"%r>%s</option>", *c, !strcmp(v, *c) ? " selected" : "", *c);
			html_printf(&r->out, "</select>");
		} else {
			html_printf(&r->out, "<label>%s<input name=\"%s\" value=\"%s\" inputmode=\"numeric\" maxlength=\"6\">", label,
				    fields[i].name, v);
		}
		if (bad && !strcmp(bad, fields[i].name))
			html_printf(&r->out, "<span class=\"error\" data-field=\"%s\">%s</span>", fields[i].name, T(r, "form.err_range"));
		html_printf(&r->out, "</label>");
	}
	html_printf(&r->out, "<button class=\"primary\">%s</button></form></section>", T(r, "form.save"));
	page_end(r);
}

int risk_settings_get(struct req *r)
{
	if (r->is_api)
		resp_json(r, 200, as_json(r));
	else
		page(r, NULL, NULL);
	return 0;
}

int risk_settings_post(struct req *r)
{
	const char **sent = arena_alloc(&r->arena, NFIELDS * sizeof(*sent));
	for (size_t i = 0; i < NFIELDS; i++) {
		sent[i] = req_field(r, fields[i].name);
		if (sent[i] && (strlen(sent[i]) > 16 || !valid(i, sent[i]))) {
			if (r->is_api) {
				resp_error(r, 422, "invalid", arena_printf(&r->arena, "%s: %s", fields[i].name, T(r, "form.err_range")),
					   fields[i].name);
			} else {
				r->status = 422;
				page(r, fields[i].name, sent);
			}
			return 0;
		}
	}
	struct actor a;
	actor_from_req(r, &a);
	struct strbuf sum = STRBUF_INIT;
	int rc = db_begin(r->db);
	for (size_t i = 0; i < NFIELDS && rc == DB_OK; i++) {
		if (!sent[i])
			continue;
		const char *old = current(r, i);
		if (!strcmp(old, sent[i]))
			continue;
		char key[48];
		snprintf(key, sizeof(key), "risk.%s", fields[i].name);
		rc = db_exec(r->db, "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE"
				    " SET value = excluded.value, updated_at = excluded.updated_at", "ttI", key, sent[i], a.now);
		sb_addf(&sum, "%s: %s → %s; ", fields[i].name, old, sent[i]);
	}
	if (rc == DB_OK && sum.len)
		rc = actor_audit(&a, "settings", 0, "risk", sum.buf);
	sb_release(&sum);
	if (rc != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	if (r->is_api)
		resp_json(r, 200, as_json(r));
	else
		resp_redirect(r, "/risk/settings");
	return 0;
}
