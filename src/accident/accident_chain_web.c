/*
 * accident_chain_web.c — the page and API that show and set the escalation chain of the
 * one-hour reporting clock (accident_chain.c): "60:superior,90:safety_director". Everyone
 * who sees the statistics may read it; those who must report (accident.external: the
 * principal, the safety director) set it. A chain that does not parse is refused naming the
 * field "steps" and keeping what was typed; a change is audited with the old and new chain.
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

static json_t *chain_json(struct accident_chain_step *v, int n)
{
	char buf[CHAIN_TEXT_MAX];
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:i, s:s}", "minutes", v[i].minutes, "target", v[i].target));
	return json_pack("{s:s, s:o}", "steps", accident_chain_format(v, n, buf, sizeof buf), "chain", a);
}

static void chain_page(struct req *r, const char *typed, const char *err)
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
	page_end(r);
}

int accident_chain_get(struct req *r)
{
	if (r->is_api) {
		struct accident_chain_step v[ACCIDENT_CHAIN_MAX];
		resp_json(r, 200, chain_json(v, accident_chain_load(r->db, v)));
		return 0;
	}
	chain_page(r, NULL, NULL);
	return 0;
}

int accident_chain_post(struct req *r)
{
	const char *typed = req_field(r, "steps");
	struct accident_chain_step v[ACCIDENT_CHAIN_MAX], old[ACCIDENT_CHAIN_MAX];
	int n = typed && strlen(typed) < CHAIN_TEXT_MAX ? accident_chain_parse(typed, v, ACCIDENT_CHAIN_MAX) : -1;
	if (n < 1) {
		const char *msg = arena_printf(&r->arena, "%s: %s", T(r, "accident.chain_steps"), T(r, "accident.err.chain"));
		if (r->is_api) {
			resp_error(r, 422, "invalid", msg, "steps");
		} else {
			r->status = 422;
			chain_page(r, typed ? typed : "", msg);
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
		resp_json(r, 200, chain_json(v, n));
	else
		resp_redirect(r, "/incidents/escalation");
	return 0;
}
