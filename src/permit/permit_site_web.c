/*
 * permit_site_web.c — the on-site page a guardian opens by scanning the area's QR code:
 * /permits/site/<qr_token> lists the area's approved and running permits with their start,
 * suspend, resume and close buttons (from the transition table). static/permit.js fills the
 * hidden lat/lng fields from the phone's GPS; the engine checks them against the area's
 * radius (haversine) when the work starts.
 */
#include "permit/permit.h"
#include "auth/actor.h"
#include "auth/auth.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "http/static.h"
#include "web/i18n.h"
#include "web/page.h"

#include <stdlib.h>
#include <string.h>

void permit_conflicts_html(struct req *r, const struct permit *p);

int permit_site_page(struct req *r)
{
	const char *tok = req_param(r, "qr_token");
	struct db_stmt *st = db_query(r->db, "SELECT id, name, radius_m, latitude IS NOT NULL FROM areas"
					   " WHERE qr_token = ? AND active = 1", "t", tok);
	if (!st || db_step(st) != 1) {
		db_done(r->db, st);
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	int64_t aid = db_col_i64(st, 0), radius = db_col_i64(st, 2), coords = db_col_i64(st, 3);
	const char *name = arena_strdup(&r->arena, db_col_text(st, 1));
	db_done(r->db, st);
	page_begin(r, name);
	struct strbuf *o = &r->out;
	html_printf(o, "<section class=\"card permit-site\"><h1>%s</h1><p class=\"hint\">%s</p>", name, T(r, "permit.site_hint"));
	if (coords)
		html_printf(o, "<p class=\"permit-geo\" data-geo-status=\"1\">%s %D m</p>", T(r, "permit.site_radius"), radius);
	static const char *const site_done[] = {"start", "suspend", "resume", "close", NULL};
	const char *done = NULL;
	if (req_query_enum(r, "done", site_done, &done) == 1)
		page_notice(r, "ok", permit_tr(r, "permit.done", done));
	int64_t ids[100];
	int n = 0;
	st = db_query(r->db, "SELECT id FROM permits WHERE area_id = ? AND state IN ('approved', 'in_progress', 'suspended')"
			     " ORDER BY planned_start LIMIT 100", "I", aid);
	while (st && db_step(st) == 1)
		ids[n++] = db_col_i64(st, 0);
	db_done(r->db, st);
	int shown = 0;
	const char *next = arena_printf(&r->arena, "/permits/site/%s", tok);
	for (int i = 0; i < n; i++) {
		struct permit *p = permit_load(r->db, ids[i]);
		if (!p || !permit_visible(r, p)) {
			permit_free(p);
			continue;
		}
		shown++;
		html_printf(o, "<article class=\"permit-site-item\"><h2><a href=\"/permits/%D\">%s</a> %s %s "
			       "<span class=\"badge\">%s</span></h2><p>%s</p><p class=\"hint\">%s: %s · %s – %s</p>",
			    p->id, p->number, permit_tr(r, "permit.type", p->type), permit_grade_label(r, p->type, p->grade),
			    permit_tr(r, "permit.state", p->state), p->content, T(r, "permit.f.guardian"),
			    permit_user_name(r, p->guardian_id), page_time(r, p->planned_start), page_time(r, p->planned_end));
		permit_conflicts_html(r, p);
		const char *acts[16];
		struct actor me;
		actor_from_req(r, &me);
		int k = permit_actions_for(&me, p, acts, 16);
		for (int j = 0; j < k; j++) {
			const char *a = acts[j];
			if (strcmp(a, "start") && strcmp(a, "suspend") && strcmp(a, "resume") && strcmp(a, "close"))
				continue;
			int sign = !strcmp(a, "close");
			html_printf(o, "<form class=\"stack permit-action\" method=\"post\" action=\"/permits/%D/act/%s\" data-geo=\"1\">%r"
				       "<input type=\"hidden\" name=\"next\" value=\"%s\">"
				       "<input type=\"hidden\" name=\"lat\"><input type=\"hidden\" name=\"lng\">",
				    p->id, a, page_csrf(r), next);
			if (!strcmp(a, "close"))
				html_printf(o, "<label class=\"inline\"><input type=\"checkbox\" name=\"site_clear\" value=\"1\">%s</label>",
					    T(r, "permit.site_clear"));
			if (strcmp(a, "resume"))
				html_printf(o, "<label>%s<input name=\"reason\"%r></label>", permit_tr(r, "permit.reason_for", a),
					    !strcmp(a, "suspend") ? " required" : "");
			if (sign)
				html_printf(o, "<label>%s<input type=\"password\" name=\"password\" autocomplete=\"current-password\" required></label>",
					    T(r, "permit.signature"));
			html_printf(o, "<button class=\"%s big\">%s</button></form>", !strcmp(a, "suspend") ? "danger" : "primary",
				    permit_tr(r, "permit.action", a));
		}
		html_printf(o, "</article>");
		permit_free(p);
	}
	if (!shown)
		html_printf(o, "<p class=\"empty\">%s</p>", T(r, "permit.site_none"));
	/* the area's sensors over the last 8 hours (a hot-work shift), gas first: the guardian
	 * sees what the detectors read where the work is. The charts are the sensor module's
	 * images (GET /sensors/:id/chart.svg): that module judges readings against permits, so
	 * this one does not call it back. */
	if (auth_has(r, "sensor.view")) {
		st = db_query(r->db, "SELECT id, code, name FROM sensors WHERE area_id = ? AND active = 1"
				     " ORDER BY kind <> 'gas', code LIMIT 20", "I", aid);
		int first = 1;
		while (st && db_step(st) == 1) {
			if (first)
				html_printf(o, "<link rel=\"stylesheet\" href=\"%s\"><section class=\"sensor-charts\"><h2>%s</h2>",
					    static_url("sensor.css"), T(r, "permit.site_sensors"));
			first = 0;
			html_printf(o, "<figure class=\"sensor-chart\"><a href=\"/sensors/%D\"><img src=\"/sensors/%D/chart.svg?hours=8\""
				       " alt=\"%s %s\" width=\"360\" height=\"180\"></a><figcaption>%s %s</figcaption></figure>",
				    db_col_i64(st, 0), db_col_i64(st, 0), db_col_text(st, 1), db_col_text(st, 2),
				    db_col_text(st, 1), db_col_text(st, 2));
		}
		db_done(r->db, st);
		if (!first)
			html_printf(o, "</section>");
	}
	html_printf(o, "</section><script src=\"%s\" defer></script>", static_url("permit.js"));
	page_end(r);
	return 0;
}
