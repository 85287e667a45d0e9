/*
 * permit_print_web.c — the permit on one A4 page in the layout of the paper forms of GB 30871-2022
 * Annex A, with a QR code (libqrencode, drawn as inline SVG) that opens the live record. The
 * print stylesheet (static/app.css, "permits") hides the chrome and fits the page.
 */
#include "permit/permit.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "web/i18n.h"
#include "web/page.h"

#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

html_raw permit_qr_svg(struct req *r, const char *text)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return "";
	struct strbuf sb = STRBUF_INIT;
	int w = q->width, m = 2;
	sb_addf(&sb, "<svg class=\"permit-qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\""
		     " shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR\"><rect width=\"%d\" height=\"%d\""
		     " fill=\"#fff\"/><path fill=\"#000\" d=\"", w + 2 * m, w + 2 * m, w + 2 * m, w + 2 * m);
	for (int y = 0; y < w; y++)
		for (int x = 0; x < w; x++)
			if (q->data[y * w + x] & 1)
				sb_addf(&sb, "M%d %dh1v1h-1z", x + m, y + m);
	sb_adds(&sb, "\"/></svg>");
	QRcode_free(q);
	char *s = arena_strdup(&r->arena, sb.buf);
	sb_release(&sb);
	return s;
}

int permit_print_page(struct req *r)
{
	int64_t id;
	struct permit *p = NULL;
	if (req_param_id(r, "id", &id) || !(p = permit_load(r->db, id)) || !permit_visible(r, p)) {
		permit_free(p);
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	char *area = NULL, *equip = NULL;
	db_get_text(r->db, &area, "SELECT name FROM areas WHERE id = ?", "I", p->area_id);
	db_get_text(r->db, &equip, "SELECT code || ' ' || name FROM equipment WHERE id = ?", "I", p->equipment_id);
	const char *host = req_header(r, "Host");
	const char *url = arena_printf(&r->arena, "%s://%s/permits/%lld", req_header(r, "X-Forwarded-Proto") ? "https" : "http",
				       host ? host : "localhost", (long long)p->id);
	struct strbuf *o = &r->out;
	page_begin(r, p->number);
	html_printf(o, "<article class=\"permit-print\"><header class=\"pp-head\"><div><h1>%s</h1>"
		       "<p>%s <strong>%s</strong> · %s %s · %s %s</p></div>%r</header>",
		    permit_tr(r, "permit.form_title", p->type), T(r, "permit.number"), p->number, T(r, "permit.grade"),
		    *p->grade ? permit_grade_label(r, p->type, p->grade) : "—", T(r, "permit.f.state"),
		    permit_tr(r, "permit.state", p->state), permit_qr_svg(r, url));
	html_printf(o, "<table class=\"pp-grid\"><tr><th>%s</th><td>%s</td><th>%s</th><td>%s</td></tr>"
		       "<tr><th>%s</th><td>%s%s</td><th>%s</th><td>%s</td></tr>"
		       "<tr><th>%s</th><td colspan=\"3\">%s</td></tr>"
		       "<tr><th>%s</th><td colspan=\"3\">%s – %s</td></tr>"
		       "<tr><th>%s</th><td colspan=\"3\">%s</td></tr>",
		    T(r, "permit.f.area"), area ? area : "", T(r, "permit.f.equipment"), equip ? equip : "—",
		    T(r, "permit.f.work_unit"), p->work_unit, p->contractor ? T(r, "permit.contractor_mark") : "",
		    T(r, "permit.f.applicant"), permit_user_name(r, p->applicant_id),
		    T(r, "permit.f.content"), p->content, T(r, "permit.f.window"), page_time(r, p->planned_start),
		    page_time(r, p->planned_end), T(r, "permit.f.hazards"), *p->hazards ? p->hazards : "—");
	html_printf(o, "<tr><th>%s</th><td colspan=\"3\">", T(r, "permit.f.workers"));
	for (int i = 0; i < p->nworkers; i++)
		html_printf(o, "%s%s（%s）", i ? "、" : "", permit_user_name(r, p->workers[i].user_id), p->workers[i].role);
	html_printf(o, "</td></tr><tr><th>%s</th><td colspan=\"3\">%s</td></tr></table>", T(r, "permit.f.guardian"),
		    permit_user_name(r, p->guardian_id));
	html_printf(o, "<table class=\"pp-measures\"><tr><th>#</th><th>%s</th><th>%s</th></tr>", T(r, "permit.f.measures"),
		    T(r, "permit.confirmed_by"));
	struct db_stmt *st = db_query(r->db, "SELECT s.text_zh, s.text_en, COALESCE(u.name, '') FROM permit_measures m"
		" JOIN permit_measure_std s ON s.id = m.measure_id LEFT JOIN users u ON u.id = m.confirmed_by"
		" WHERE m.permit_id = ? ORDER BY s.sort", "I", p->id);
	int k = 0;
	while (st && db_step(st) == 1)
		html_printf(o, "<tr><td>%d</td><td>%s</td><td>%s</td></tr>", ++k, db_col_text(st, strcmp(r->lang, "en") ? 0 : 1),
			    db_col_text(st, 2));
	db_done(r->db, st);
	html_printf(o, "</table>");
	if (permit_gas_required(p->type, p->hazardous_area)) {
		html_printf(o, "<table class=\"pp-gas\"><tr><th>%s</th><th>%s</th><th>O₂ %%</th><th>%s</th><th>%s</th></tr>",
			    T(r, "permit.gas_time"), T(r, "permit.gas_analyst"), T(r, "permit.gas_comb"), T(r, "permit.gas_result"));
		st = db_query(r->db, "SELECT g.taken_at, u.name, COALESCE(CAST(g.o2 AS TEXT), '—'), COALESCE(CAST(g.combustible AS TEXT), '—'),"
				     " g.passed FROM permit_gas_tests g JOIN users u ON u.id = g.analyst_id WHERE g.permit_id = ?"
				     " ORDER BY g.taken_at DESC LIMIT 4", "I", p->id);
		while (st && db_step(st) == 1)
			html_printf(o, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>", page_time(r, db_col_i64(st, 0)),
				    db_col_text(st, 1), db_col_text(st, 2), db_col_text(st, 3),
				    T(r, db_col_i64(st, 4) ? "permit.gas_pass" : "permit.gas_fail"));
		db_done(r->db, st);
		html_printf(o, "</table>");
	}
	html_printf(o, "<table class=\"pp-sign\"><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>",
		    T(r, "permit.approval_level"), T(r, "permit.signer"), T(r, "permit.decision"), T(r, "permit.gas_time"));
	st = db_query(r->db, "SELECT a.level, u.name, a.decision, a.at, a.reason FROM permit_approvals a JOIN users u ON u.id = a.user_id"
			     " WHERE a.permit_id = ? AND a.round = ? ORDER BY a.id", "Ii", p->id, p->round);
	while (st && db_step(st) == 1)
		html_printf(o, "<tr><td>%s</td><td>%s</td><td>%s %s</td><td>%s</td></tr>", permit_tr(r, "permit.level", db_col_text(st, 0)),
			    db_col_text(st, 1), permit_tr(r, "permit.action", db_col_text(st, 2)), db_col_text(st, 4),
			    page_time(r, db_col_i64(st, 3)));
	db_done(r->db, st);
	html_printf(o, "<tr><td>%s</td><td>%s</td><td></td><td>%s</td></tr><tr><td>%s</td><td>%s</td><td></td><td>%s</td></tr></table>",
		    T(r, "permit.started"), permit_user_name(r, p->guardian_id), page_time(r, p->started_at),
		    T(r, "permit.closed"), p->closed_at ? permit_user_name(r, p->guardian_id) : "", page_time(r, p->closed_at));
	html_printf(o, "<p class=\"pp-foot\">%s · %s</p><p class=\"pp-screen\"><a class=\"button\" href=\"/permits/%D\">%s</a></p></article>",
		    T(r, "permit.print_foot"), url, p->id, T(r, "permit.back"));
	page_end(r);
	free(area);
	free(equip);
	permit_free(p);
	return 0;
}
