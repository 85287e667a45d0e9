/*
 * risk_ack_web.c — 岗位风险告知 on the phone: the risks I am asked to read, each with its
 * level, measures and emergency actions and a confirm button; and, for whoever sees other
 * people (a team leader's unit, a workshop's subtree), who in their scope has not confirmed
 * yet. GET /risk/acks, POST /risk/acks/:id/confirm, GET /api/v1/risk/acks.
 */
#include "risk/risk.h"
#include "risk/risk_web.h"
#include "auth/actor.h"
#include "auth/auth.h"
#include "base/day.h"
#include "db/db.h"
#include "web/entity.h"
#include "web/i18n.h"
#include "web/page.h"

#include <string.h>

#define MINE "SELECT k.id, e.id, e.name, k.level, e.emergency, o.name, k.asked_at FROM risk_acks k" \
	" JOIN risk_events e ON e.id = k.event_id JOIN risk_units ru ON ru.id = e.risk_unit_id" \
	" JOIN risk_objects o ON o.id = ru.object_id WHERE k.user_id = ? AND k.confirmed_at = 0 ORDER BY k.id LIMIT 200"
/* people of the caller's scope (other than the caller) with a risk still to confirm */
#define TEAM "SELECT us.id, us.name, un.name, count(*), min(k.asked_at) FROM risk_acks k JOIN users us ON us.id = k.user_id" \
	" JOIN units un ON un.id = us.unit_id WHERE k.confirmed_at = 0 AND us.active = 1 AND un.path LIKE ? AND ? = 0" \
	" AND us.id <> ? GROUP BY us.id, us.name, un.name, un.path ORDER BY un.path, us.name LIMIT 500"

int risk_acks_page(struct req *r)
{
	int64_t me = r->who->user_id;
	if (r->is_api) {
		json_t *mine = json_array(), *team = json_array();
		struct db_stmt *st = db_query(r->db, MINE, "I", me);
		while (st && db_step(st) == 1)
			json_array_append_new(mine, json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:I}", "id", (json_int_t)db_col_i64(st, 0),
				"event_id", (json_int_t)db_col_i64(st, 1), "event", db_col_text(st, 2), "level", db_col_text(st, 3),
				"emergency", db_col_text(st, 4), "object", db_col_text(st, 5), "asked_at", (json_int_t)db_col_i64(st, 6)));
		db_done(r->db, st);
		st = db_query(r->db, TEAM, "tII", auth_scope_pattern(r), auth_scope_owner(r), me);
		while (st && db_step(st) == 1)
			json_array_append_new(team, json_pack("{s:I, s:s, s:s, s:I, s:I}", "user_id", (json_int_t)db_col_i64(st, 0),
				"name", db_col_text(st, 1), "unit", db_col_text(st, 2), "pending", (json_int_t)db_col_i64(st, 3),
				"since", (json_int_t)db_col_i64(st, 4)));
		db_done(r->db, st);
		resp_json(r, 200, json_pack("{s:o, s:o}", "mine", mine, "unconfirmed", team));
		return 0;
	}
	page_begin(r, T(r, "risk.acks"));
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1><p>%s</p><ul class=\"list\" id=\"my-acks\">", T(r, "risk.acks"),
		    T(r, "risk.acks.hint"));
	struct db_stmt *st = db_query(r->db, MINE, "I", me);
	int n = 0;
	while (st && db_step(st) == 1) {
		n++;
		int64_t ev = db_col_i64(st, 1);
		html_printf(&r->out, "<li data-ack=\"%D\"><h3>%s · %s %r</h3>", db_col_i64(st, 0), db_col_text(st, 5), db_col_text(st, 2),
			    risk_level_badge(r, db_col_text(st, 3)));
		struct db_stmt *ms = db_query(r->db, "SELECT description FROM risk_measures WHERE event_id = ? AND active = 1"
						     " ORDER BY sort, id LIMIT 20", "I", ev);
		html_printf(&r->out, "<p>%s:</p><ul>", T(r, "risk.measures"));
		while (ms && db_step(ms) == 1)
			html_printf(&r->out, "<li>%s</li>", db_col_text(ms, 0));
		db_done(r->db, ms);
		html_printf(&r->out, "</ul><p>%s: %s</p><form method=\"post\" action=\"/risk/acks/%D/confirm\">%r<button>%s</button>"
				     "</form></li>", T(r, "risk.event.emergency"), db_col_text(st, 4), db_col_i64(st, 0), page_csrf(r),
			    T(r, "risk.ack.confirm"));
	}
	db_done(r->db, st);
	if (!n)
		html_printf(&r->out, "<li>%s</li>", T(r, "risk.acks.none"));
	html_printf(&r->out, "</ul></section>");
	if (!auth_scope_owner(r)) {
		html_printf(&r->out, "<section class=\"card\"><h2>%s</h2><ul class=\"list\" id=\"unconfirmed\">", T(r, "risk.acks.team"));
		st = db_query(r->db, TEAM, "tII", auth_scope_pattern(r), auth_scope_owner(r), me);
		while (st && db_step(st) == 1) {
			char d[16];
			html_printf(&r->out, "<li data-user=\"%D\">%s · %s · %D · %s</li>", db_col_i64(st, 0), db_col_text(st, 1),
				    db_col_text(st, 2), db_col_i64(st, 3), day_format(day_of(db_col_i64(st, 4)), d));
		}
		db_done(r->db, st);
		html_printf(&r->out, "</ul></section>");
	}
	page_end(r);
	return 0;
}

int risk_ack_confirm_post(struct req *r)
{
	int64_t id;
	if (req_param_id(r, "id", &id)) {
		entity_not_found(r);
		return 0;
	}
	struct actor a;
	actor_from_req(r, &a);
	int rc = risk_ack_confirm(&a, id);
	if (rc == -1) {	/* not mine, or confirmed already */
		entity_not_found(r);
		return 0;
	}
	if (rc) {
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	if (r->is_api)
		resp_json(r, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "confirmed", 1));
	else
		resp_redirect(r, "/risk/acks");
	return 0;
}
