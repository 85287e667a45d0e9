/*
 * accident_chain_web.c — the page and API that show and set the escalation chain of the
 * one-hour reporting clock (accident_chain.c): "60:superior,90:safety_director". Everyone
 * who sees the statistics may read it; those who must report (accident.external: the
 * principal, the safety director) set it. A chain that does not parse is refused naming the
 * field "steps" and keeping what was typed; a change is audited with the old and new chain.
 * The same page sets the module's other setting, accident.type_edition: which edition of
 * GB 6441 new reports take their type from (accident_types.c), audited the same way.
 */
#include "accident/accident.h"
#include "accident/accident_web.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "db/db.h"
#include "web/form.h"
#include "web/i18n.h"
#include "web/page.h"

#include <string.h>

#define CHAIN_TEXT_MAX 200

static json_t *chain_json(struct req *r, struct accident_chain_step *v, int n)
{
	char buf[CHAIN_TEXT_MAX];
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:i, s:s}", "minutes", v[i].minutes, "target", v[i].target));
	return json_pack("{s:s, s:o, s:s}", "steps", accident_chain_format(v, n, buf, sizeof buf), "chain", a, "type_edition",
			 accident_type_edition(r->db));
}

/* the edition of GB 6441 new reports use: a choice among accident_type_editions */
static void edition_form(struct req *r, const char *err)
{
	const char *now = accident_type_edition(r->db);
	html_printf(&r->out, "<section class=\"card acc-edition\"><h2>%s</h2><p class=\"hint\">%s</p>",
		    T(r, "accident.type_edition"), T(r, "accident.type_edition_hint"));
	if (err)
		html_printf(&r->out, "<p class=\"notice notice-error\" data-field=\"type_edition\">%s</p>", err);
	if (!auth_has(r, "accident.external")) {
		html_printf(&r->out, "<p data-type-edition=\"%s\">%s</p></section>", now,
			    T(r, arena_printf(&r->arena, "accident.type_edition.%s", now)));
		return;
	}
	html_printf(&r->out, "<form method=\"post\" action=\"/incidents/escalation\" class=\"stack\">%r<label>%s"
			     "<select name=\"type_edition\" required>", page_csrf(r), T(r, "accident.type_edition"));
	for (int i = 0; accident_type_editions[i]; i++)
		html_printf(&r->out, "<option value=\"%s\"%r>%s</option>", accident_type_editions[i],
			    !strcmp(now, accident_type_editions[i]) ? " selected" : "",
			    T(r, arena_printf(&r->arena, "accident.type_edition.%s", accident_type_editions[i])));
	html_printf(&r->out, "</select></label><button class=\"primary\" type=\"submit\">%s</button></form></section>",
		    T(r, "form.save"));
}

static void chain_page(struct req *r, const char *typed, const char *err, const char *edition_err)
{
	struct accident_chain_step v[ACCIDENT_CHAIN_MAX];
	int n = accident_chain_load(r->db, v);
	char buf[CHAIN_TEXT_MAX];
	page_begin(r, T(r, "accident.chain"));
	html_printf(&r->out, "<section class=\"card acc-chain\"><h1>%s</h1><p class=\"hint\">%s</p><ol class=\"list\">",
		    T(r, "accident.chain"), T(r, "accident.chain_hint"));
	for (int i = 0; i < n; i++)
		html_printf(&r->out, "<li data-chain-step=\"%d\">%d %s → %s</li>", i + 1, v[i].minutes, T(r, "accident.chain_after"),
			    T(r, arena_printf(&r->arena, "accident.chain_target.%s", v[i].target)));
	html_printf(&r->out, "</ol>");
	if (auth_has(r, "accident.external")) {
		if (err)
			html_printf(&r->out, "<p class=\"notice notice-error\" data-field=\"steps\">%s</p>", err);
		html_printf(&r->out, "<form method=\"post\" action=\"/incidents/escalation\" class=\"stack\">%r<label>%s"
				     "<input name=\"steps\" maxlength=\"%d\" required value=\"%s\"></label><p class=\"hint\">%s</p>"
				     "<button class=\"primary\" type=\"submit\">%s</button></form>",
			    page_csrf(r), T(r, "accident.chain_steps"), CHAIN_TEXT_MAX,
			    typed ? typed : accident_chain_format(v, n, buf, sizeof buf), T(r, "accident.chain_format"),
			    T(r, "form.save"));
	}
	html_printf(&r->out, "<p><a href=\"/incidents/stats\">%s</a></p></section>", T(r, "form.back"));
	edition_form(r, edition_err);
	page_end(r);
}

int accident_chain_get(struct req *r)
{
	if (r->is_api) {
		struct accident_chain_step v[ACCIDENT_CHAIN_MAX];
		resp_json(r, 200, chain_json(r, v, accident_chain_load(r->db, v)));
		return 0;
	}
	chain_page(r, NULL, NULL, NULL);
	return 0;
}

/* POST type_edition alone: the edition of GB 6441 new reports use, audited old → new. */
static int edition_post(struct req *r, const char *typed)
{
	const char *e = NULL;
	for (int i = 0; accident_type_editions[i]; i++)
		if (!strcmp(typed, accident_type_editions[i]))
			e = accident_type_editions[i];
	if (!e) {
		const char *msg = arena_printf(&r->arena, "%s: %s", T(r, "accident.type_edition"), T(r, "accident.err_unknown"));
		if (r->is_api) {
			resp_error(r, 422, "invalid", msg, "type_edition");
		} else {
			r->status = 422;
			chain_page(r, NULL, NULL, msg);
		}
		return 0;
	}
	const char *was = accident_type_edition(r->db);
	int rc = db_begin(r->db);
	if (rc == DB_OK)
		rc = db_exec(r->db, "INSERT INTO settings (key, value, updated_at) VALUES ('accident.type_edition', ?, ?)"
				    " ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
			     "tI", e, clock_now());
	if (rc == DB_OK)
		rc = audit_req(r, "settings", 0, "accident.type_edition", arena_printf(&r->arena, "%s → %s", was, e));
	if (rc != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		form_unavailable(r);
		return 0;
	}
	if (r->is_api) {
		struct accident_chain_step v[ACCIDENT_CHAIN_MAX];
		resp_json(r, 200, chain_json(r, v, accident_chain_load(r->db, v)));
	} else {
		resp_redirect(r, "/incidents/escalation");
	}
	return 0;
}

int accident_chain_post(struct req *r)
{
	const char *edition = req_field(r, "type_edition");
	if (edition && !req_field(r, "steps"))
		return edition_post(r, edition);
	const char *typed = req_field(r, "steps");
	struct accident_chain_step v[ACCIDENT_CHAIN_MAX], old[ACCIDENT_CHAIN_MAX];
	int n = typed && strlen(typed) < CHAIN_TEXT_MAX ? accident_chain_parse(typed, v, ACCIDENT_CHAIN_MAX) : -1;
	if (n < 1) {
		const char *msg = arena_printf(&r->arena, "%s: %s", T(r, "accident.chain_steps"), T(r, "accident.err.chain"));
		if (r->is_api) {
			resp_error(r, 422, "invalid", msg, "steps");
		} else {
			r->status = 422;
			chain_page(r, typed ? typed : "", msg, NULL);
		}
		return 0;
	}
	char was[CHAIN_TEXT_MAX], now[CHAIN_TEXT_MAX];
	accident_chain_format(old, accident_chain_load(r->db, old), was, sizeof was);
	accident_chain_format(v, n, now, sizeof now);	/* stored as written back: one spelling */
	int rc = db_begin(r->db);
	if (rc == DB_OK)
		rc = db_exec(r->db, "INSERT INTO settings (key, value, updated_at) VALUES ('accident.escalation', ?, ?)"
				    " ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
			     "tI", now, clock_now());
	if (rc == DB_OK)
		rc = audit_req(r, "settings", 0, "accident.escalation", arena_printf(&r->arena, "%s → %s", was, now));
	if (rc != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		form_unavailable(r);
		return 0;
	}
	if (r->is_api)
		resp_json(r, 200, chain_json(r, v, n));
	else
		resp_redirect(r, "/incidents/escalation");
	return 0;
}
