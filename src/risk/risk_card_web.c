/*
 * risk_card_web.c — the risk notice card (风险告知卡) of a risk analysis object: what is
 * dangerous there, the accidents it can lead to, its level and colour, the control measures,
 * the emergency actions, the responsible person with a phone number, and a QR code that opens
 * the hazard report for the place (the area's /a/<token> scan link, as on its printed label).
 * 《安全生产法》(2021) Art. 44 asks that workers be told the dangers of their place, the
 * preventive measures and the emergency actions; the card posted at the place does that.
 *
 * GET /risk/objects/:id/card is a print page (?size=a4, a5: the stylesheet's named @page
 * sets the paper) that also reads on a phone; /api/v1/risk/objects/:id/card the same content
 * as JSON; risk_card_pdf.c prints a whole unit's cards as one PDF from the same loader.
 */
#include "risk/risk_map.h"
#include "risk/risk.h"
#include "risk/risk_web.h"
#include "auth/auth.h"
#include "db/db.h"
#include "http/static.h"
#include "org/org.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/page.h"
#include "web/qr.h"

#include <stdlib.h>
#include <string.h>

static const char *const sizes[] = {"a4", "a5", NULL};

static const char *dup_col(struct req *r, struct db_stmt *st, int i)
{
	return arena_strdup(&r->arena, db_col_text(st, i));
}

int risk_card_load(struct req *r, int64_t id, struct risk_card *c)
{
	memset(c, 0, sizeof(*c));
	struct db_stmt *st = db_query(r->db,
		"SELECT o.id, o.name, o.kind, o.code, o.unit_id, un.name, COALESCE(a.id, 0), COALESCE(a.name, ''),"
		" o.hazard_code, COALESCE(us.name, ''), COALESCE(us.phone, ''), COALESCE(a.qr_token, ''),"
		" COALESCE(o.resp_user_id, 0)"
		" FROM risk_objects o JOIN units un ON un.id = o.unit_id"
		" LEFT JOIN equipment eq ON eq.id = o.equipment_id"
		" LEFT JOIN areas a ON a.id = COALESCE(o.area_id, eq.area_id) AND a.active = 1"
		" LEFT JOIN users us ON us.id = COALESCE(o.resp_user_id,"
		"  (SELECT ru.resp_user_id FROM risk_units ru WHERE ru.object_id = o.id AND ru.active = 1"
		"   AND ru.resp_user_id IS NOT NULL ORDER BY ru.id LIMIT 1))"
		" WHERE o.id = ? AND o.active = 1", "I", id);
	int rc = st ? db_step(st) : -1;
	if (rc == 1) {
		c->id = db_col_i64(st, 0);
		c->name = dup_col(r, st, 1);
		c->kind = dup_col(r, st, 2);
		c->code = dup_col(r, st, 3);
		c->unit_id = db_col_i64(st, 4);
		c->unit_name = dup_col(r, st, 5);
		c->area_id = db_col_i64(st, 6);
		c->area_name = dup_col(r, st, 7);
		c->hazard_code = dup_col(r, st, 8);
		c->resp_name = dup_col(r, st, 9);
		c->resp_phone = dup_col(r, st, 10);
		c->qr_token = dup_col(r, st, 11);
	}
	int64_t owner = rc == 1 ? db_col_i64(st, 12) : 0;
	db_done(r->db, st);
	if (rc < 0)
		return 503;
	if (rc != 1 || !auth_scope_allows(r, c->unit_id, owner))
		return 404;
	/* the risks, highest first, each with its accident types and measures */
	int zh = strcmp(r->lang, "en") != 0;
	st = db_query(r->db,
		"SELECT e.id, e.name, e.description, COALESCE(e.level, ''), e.consequence, e.emergency,"
		" COALESCE((SELECT CASE WHEN ? = 1 THEN t.name_zh ELSE t.name_en END FROM risk_accident_types t"
		"  WHERE t.id = e.accident_type_id), '')"
		" FROM risk_events e JOIN risk_units ru ON ru.id = e.risk_unit_id"
		" LEFT JOIN risk_levels l ON l.code = e.level"
		" WHERE ru.object_id = ? AND ru.active = 1 AND e.active = 1 ORDER BY COALESCE(l.rank, 0) DESC, e.id LIMIT 50",
		"iI", zh, id);
	int cap = 0;
	int64_t *eids = NULL;
	c->level = "";
	while (st && db_step(st) == 1) {
		if (c->nevents == cap) {
			cap = cap ? cap * 2 : 8;
			struct risk_card_event *ne = arena_alloc(&r->arena, (size_t)cap * sizeof(*ne));
			int64_t *ni = arena_alloc(&r->arena, (size_t)cap * sizeof(*ni));
			if (c->nevents) {
				memcpy(ne, c->events, (size_t)c->nevents * sizeof(*ne));
				memcpy(ni, eids, (size_t)c->nevents * sizeof(*ni));
			}
			c->events = ne;
			eids = ni;
		}
		struct risk_card_event *e = &c->events[c->nevents];
		memset(e, 0, sizeof(*e));
		eids[c->nevents++] = db_col_i64(st, 0);
		e->name = dup_col(r, st, 1);
		e->description = dup_col(r, st, 2);
		e->level = dup_col(r, st, 3);
		e->consequence = dup_col(r, st, 4);
		e->emergency = dup_col(r, st, 5);
		e->accidents = dup_col(r, st, 6);
		if (!*c->level || risk_level_rank(e->level) > risk_level_rank(c->level))
			c->level = e->level;
	}
	db_done(r->db, st);
	for (int i = 0; i < c->nevents; i++) {
		struct risk_card_event *e = &c->events[i];
		/* further accident types of the event beside its first */
		st = db_query(r->db, "SELECT CASE WHEN ? = 1 THEN t.name_zh ELSE t.name_en END FROM risk_event_accidents x"
				     " JOIN risk_accident_types t ON t.id = x.accident_type_id WHERE x.event_id = ? ORDER BY t.sort",
			      "iI", zh, eids[i]);
		while (st && db_step(st) == 1)
			e->accidents = *e->accidents ? arena_printf(&r->arena, "%s、%s", e->accidents, db_col_text(st, 0))
						     : dup_col(r, st, 0);
		db_done(r->db, st);
		st = db_query(r->db, "SELECT description FROM risk_measures WHERE event_id = ? AND active = 1 ORDER BY id LIMIT 30",
			      "I", eids[i]);
		int mcap = 0;
		while (st && db_step(st) == 1) {
			if (e->nmeasures == mcap) {
				mcap = mcap ? mcap * 2 : 8;
				const char **nm = arena_alloc(&r->arena, (size_t)mcap * sizeof(*nm));
				if (e->nmeasures)
					memcpy(nm, e->measures, (size_t)e->nmeasures * sizeof(*nm));
				e->measures = nm;
			}
			e->measures[e->nmeasures++] = dup_col(r, st, 0);
		}
		db_done(r->db, st);
	}
	return 0;
}

int risk_card_objects(struct req *r, int64_t unit_id, int64_t **ids)
{
	char *path = NULL;
	int n = 0, cap = 0;
	*ids = NULL;
	if (db_get_text(r->db, &path, "SELECT path FROM units WHERE id = ?", "I", unit_id) != 1) {
		free(path);
		return 0;
	}
	struct db_stmt *st = db_query(r->db, "SELECT o.id FROM risk_objects o JOIN units un ON un.id = o.unit_id"
				    " WHERE o.active = 1 AND un.path LIKE ? || '%' AND un.path LIKE ? AND (? = 0 OR o.resp_user_id = ?)"
				    " ORDER BY un.path, o.name, o.id LIMIT 1000",
				    "ttII", path, auth_scope_pattern(r), auth_scope_owner(r), auth_scope_owner(r));
	while (st && db_step(st) == 1) {
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			int64_t *ni = arena_alloc(&r->arena, (size_t)cap * sizeof(*ni));
			if (n)
				memcpy(ni, *ids, (size_t)n * sizeof(*ni));
			*ids = ni;
		}
		(*ids)[n++] = db_col_i64(st, 0);
	}
	db_done(r->db, st);
	free(path);
	return n;
}

static void card_html(struct req *r, struct strbuf *o, const struct risk_card *c, const char *size)
{
	const char *colour = *c->level ? risk_level_colour(c->level) : "grey";
	html_printf(o, "<article class=\"risk-card risk-card-%s\" data-level=\"%s\" data-object=\"%D\">"
		       "<header class=\"risk-card-band risk-bg-%s\"><h1>%s</h1><p class=\"risk-card-name\">%s</p>"
		       "<p class=\"risk-card-level\">%s</p></header>",
		    size, *c->level ? c->level : "none", c->id, colour, T(r, "risk.card.title"), c->name,
		    *c->level ? T(r, arena_printf(&r->arena, "risk.map.level.%s", c->level)) : T(r, "risk.map.level.none"));
	html_printf(o, "<dl class=\"risk-card-facts\"><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>",
		    T(r, "risk.card.unit"), c->unit_name, T(r, "risk.card.kind"),
		    T(r, arena_printf(&r->arena, "risk.kind.%s", c->kind)));
	if (*c->area_name)
		html_printf(o, "<dt>%s</dt><dd>%s</dd>", T(r, "risk.card.place"), c->area_name);
	if (*c->hazard_code)
		html_printf(o, "<dt>%s</dt><dd>%s</dd>", T(r, "risk.card.major_source"), c->hazard_code);
	html_printf(o, "</dl>");
	for (int i = 0; i < c->nevents; i++) {
		const struct risk_card_event *e = &c->events[i];
		html_printf(o, "<section class=\"risk-card-event\"><h2>%s %r</h2><dl>", e->name, risk_level_badge(r, e->level));
		if (*e->description)
			html_printf(o, "<dt>%s</dt><dd>%s</dd>", T(r, "risk.card.hazards"), e->description);
		html_printf(o, "<dt>%s</dt><dd>%s%s%s</dd>", T(r, "risk.card.accidents"), e->accidents,
			    *e->accidents && *e->consequence ? " · " : "", e->consequence);
		html_printf(o, "<dt>%s</dt><dd><ul class=\"risk-card-measures\">", T(r, "risk.card.measures"));
		for (int k = 0; k < e->nmeasures; k++)
			html_printf(o, "<li>%s</li>", e->measures[k]);
		html_printf(o, "</ul></dd><dt>%s</dt><dd class=\"risk-card-emergency\">%s</dd></dl></section>",
			    T(r, "risk.card.emergency"), *e->emergency ? e->emergency : "—");
	}
	if (!c->nevents)
		html_printf(o, "<p class=\"empty\">%s</p>", T(r, "risk.card.no_events"));
	html_printf(o, "<div class=\"risk-card-foot\"><div><p><b>%s</b> %s</p><p><b>%s</b> ", T(r, "risk.card.responsible"),
		    *c->resp_name ? c->resp_name : "—", T(r, "risk.card.phone"));
	if (*c->resp_phone)	/* a tap calls the responsible person from the posted card's page */
		html_printf(o, "<a href=\"tel:%s\" class=\"risk-card-phone\">%s</a>", c->resp_phone, c->resp_phone);
	else
		html_printf(o, "—");
	html_printf(o, "</p><p><b>%s</b> 119 · 120</p></div>", T(r, "risk.card.emergency_phone"));
	if (*c->qr_token) {
		struct strbuf svg = STRBUF_INIT;
		const char *url = org_qr_url(r, c->qr_token);
		qr_svg(&svg, url);
		html_printf(o, "<figure class=\"risk-card-qr\">%r<figcaption>%s</figcaption></figure>", html_raw_sb(&svg),
			    T(r, "risk.card.scan"));
		sb_release(&svg);
	}
	html_printf(o, "</div></article>");
}

static int card_id(struct req *r, struct risk_card *c)
{
	int64_t id;
	int st = req_param_id(r, "id", &id) ? 404 : risk_card_load(r, id, c);
	if (st)
		resp_error(r, st, st == 404 ? "not_found" : "unavailable",
			   T(r, st == 404 ? "error.not_found" : "error.unavailable"), NULL);
	return st;
}

int risk_card_page(struct req *r)
{
	const char *size = "a4";
	req_query_enum(r, "size", sizes, &size);
	struct risk_card c;
	if (card_id(r, &c))
		return 0;
	struct strbuf *o = &r->out;
	page_begin(r, arena_printf(&r->arena, "%s · %s", T(r, "risk.card.title"), c.name));
	html_printf(o, "<link rel=\"stylesheet\" href=\"%s\">", static_url("risk_print.css"));
	html_printf(o, "<p class=\"actions no-print\"><a class=\"button\" href=\"/risk/objects/%D/card?size=a4\"%r>A4</a>"
		       "<a class=\"button\" href=\"/risk/objects/%D/card?size=a5\"%r>A5</a>"
		       "<a class=\"button\" href=\"/risk/cards.pdf?unit_id=%D&amp;size=%s\">%s</a>"
		       "<a class=\"button\" href=\"/risk/objects/%D\">%s</a></p>",
		    c.id, !strcmp(size, "a4") ? " aria-current=\"page\"" : "", c.id,
		    !strcmp(size, "a5") ? " aria-current=\"page\"" : "", c.unit_id, size, T(r, "risk.card.pdf_unit"), c.id,
		    T(r, "risk.card.object"));
	card_html(r, o, &c, size);
	page_end(r);
	return 0;
}

int risk_card_json(struct req *r)
{
	struct risk_card c;
	if (card_id(r, &c))
		return 0;
	json_t *events = json_array();
	for (int i = 0; i < c.nevents; i++) {
		const struct risk_card_event *e = &c.events[i];
		json_t *m = json_array();
		for (int k = 0; k < e->nmeasures; k++)
			json_array_append_new(m, json_string(e->measures[k]));
		json_array_append_new(events, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "name", e->name, "hazards",
							e->description, "level", e->level, "colour",
							*e->level ? risk_level_colour(e->level) : "grey", "accidents",
							e->accidents, "consequence", e->consequence, "emergency", e->emergency,
							"measures", m));
	}
	const char *report = *c.qr_token ? org_qr_url(r, c.qr_token) : "";
	resp_json(r, 200, json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "id", (json_int_t)c.id,
				    "name", c.name, "kind", c.kind, "unit_id", (json_int_t)c.unit_id, "unit_name", c.unit_name,
				    "place", c.area_name, "level", c.level, "colour",
				    *c.level ? risk_level_colour(c.level) : "grey", "responsible", c.resp_name, "phone",
				    c.resp_phone, "report_url", report, "events", events));
	return 0;
}

int risk_cards_pdf(struct req *r)
{
	const char *size = "a4";
	int64_t unit = 0;
	req_query_enum(r, "size", sizes, &size);
	req_query_id(r, "unit_id", &unit);
	if (!unit)
		unit = r->who->unit_id;
	int64_t *ids;
	int n = auth_scope_allows(r, unit, 0) || !strcmp(r->who->scope, "own") ? risk_card_objects(r, unit, &ids) : -1;
	if (n <= 0) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), "unit_id");
		return 0;
	}
	struct risk_card *cards = arena_alloc(&r->arena, (size_t)n * sizeof(*cards));
	for (int i = 0; i < n; i++)
		if (risk_card_load(r, ids[i], &cards[i])) {
			resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
			return 0;
		}
	struct strbuf pdf = STRBUF_INIT;
	if (risk_card_pdf_render(r, cards, n, !strcmp(size, "a5"), &pdf)) {
		sb_release(&pdf);
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	resp_text(r, 200, "application/pdf", pdf.buf, pdf.len);
	resp_header(r, "Content-Disposition",
		    arena_printf(&r->arena, "inline; filename=\"risk-cards-%lld-%s.pdf\"", (long long)unit, size));
	sb_release(&pdf);
	return 0;
}
