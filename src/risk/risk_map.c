/*
 * risk_map.c — the four-colour map's data and drawing (四色分布图; 《危险化学品企业安全风险
 * 分级管控和隐患排查治理导则》 asks for the plant's risks shown on its layout in the four
 * colours). An area takes the highest current level of the risks placed in it: the events of
 * active objects whose area is it, directly or through their equipment's area. The map is SVG
 * written by the server (the Content-Security-Policy allows no inline script, and the page must
 * work without any), over the plant drawing when there is one, else as a grid of the areas by
 * unit; the colours come from risk_levels.rgb so that map, cards and badges agree.
 */
#include "risk/risk_map.h"
#include "risk/risk.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "db/db.h"
#include "hazard/hazard.h"
#include "web/html.h"
#include "web/i18n.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const rank_level[5] = {"none", "low", "general", "large", "major"};
static const char *const rank_rgb[5] = {"#adb5bd", "#2f6fd6", "#f5d01a", "#f28c1c", "#d9262c"};

const char *risk_map_level(int rank)
{
	return rank >= 0 && rank <= 4 ? rank_level[rank] : "none";
}

int64_t risk_map_company(struct req *r, int64_t unit_id)
{
	int64_t id = 0;
	if (!r->who)
		return 0;
	const char *path = r->who->unit_path;
	char *p = NULL;
	if (unit_id) {
		if (db_get_text(r->db, &p, "SELECT path FROM units WHERE id = ?", "I", unit_id) != 1)
			return 0;
		path = arena_strdup(&r->arena, p);
		free(p);
	}
	/* the deepest company on the unit's path; a group above several companies takes the first
	 * company of its scope */
	if (db_get_i64(r->db, &id, "SELECT id FROM units WHERE kind = 'company' AND active = 1 AND ? LIKE path || '%'"
				  " ORDER BY length(path) DESC LIMIT 1", "t", path) != 1 &&
	    db_get_i64(r->db, &id, "SELECT id FROM units WHERE kind = 'company' AND active = 1 AND path LIKE ? || '%'"
				  " ORDER BY path LIMIT 1", "t", path) != 1)
		return 0;
	/* visible: the company is in the caller's scope, or the caller works inside it */
	int64_t ok = 0;
	db_get_i64(r->db, &ok, "SELECT count(*) FROM units WHERE id = ? AND (path LIKE ? OR ? LIKE path || '%')", "Itt", id,
		   auth_scope_pattern(r), r->who->unit_path);
	return ok ? id : 0;
}

int risk_map_load(struct req *r, int64_t unit_id, struct risk_map *m)
{
	memset(m, 0, sizeof(*m));
	m->unit_id = unit_id;
	struct db_stmt *st = db_query(r->db, "SELECT u.name, u.path, d.id, d.width, d.height FROM units u"
				    " LEFT JOIN risk_map_drawings d ON d.unit_id = u.id WHERE u.id = ?", "I", unit_id);
	if (!st || db_step(st) != 1) {
		db_done(r->db, st);
		return -1;
	}
	m->unit_name = arena_strdup(&r->arena, db_col_text(st, 0));
	m->unit_path = arena_strdup(&r->arena, db_col_text(st, 1));
	m->drawing_id = db_col_i64(st, 2);
	m->width = (int)db_col_i64(st, 3);
	m->height = (int)db_col_i64(st, 4);
	db_done(r->db, st);
	/* each area's highest current level in one pass over the active register: objects reach an
	 * area directly or through their equipment (a tank's risks colour the tank farm) */
	st = db_query(r->db,
		      "WITH lv AS (SELECT COALESCE(o.area_id, eq.area_id) AS area_id, max(l.rank) AS rank,"
		      "  count(DISTINCT o.id) AS objects FROM risk_objects o"
		      "  LEFT JOIN equipment eq ON eq.id = o.equipment_id"
		      "  LEFT JOIN risk_units ru ON ru.object_id = o.id AND ru.active = 1"
		      "  LEFT JOIN risk_events e ON e.risk_unit_id = ru.id AND e.active = 1"
		      "  LEFT JOIN risk_levels l ON l.code = e.level"
		      "  WHERE o.active = 1 GROUP BY COALESCE(o.area_id, eq.area_id))"
		      " SELECT a.id, a.name, a.unit_id, un.name, COALESCE(lv.rank, 0), COALESCE(lv.objects, 0), p.points"
		      " FROM areas a JOIN units un ON un.id = a.unit_id"
		      " LEFT JOIN lv ON lv.area_id = a.id"
		      " LEFT JOIN risk_map_areas p ON p.area_id = a.id AND p.drawing_id = ?"
		      " WHERE a.active = 1 AND un.path LIKE ? || '%' AND un.path LIKE ?"
		      " ORDER BY un.path, a.name, a.id",
		      "Itt", m->drawing_id, m->unit_path, auth_scope_pattern(r));
	int cap = 0;
	int rc;
	while ((rc = st ? db_step(st) : -1) == 1) {
		if (m->n == cap) {
			cap = cap ? cap * 2 : 32;
			struct risk_map_area *na = arena_alloc(&r->arena, (size_t)cap * sizeof(*na));
			if (m->n)
				memcpy(na, m->areas, (size_t)m->n * sizeof(*na));
			m->areas = na;
		}
		struct risk_map_area *a = &m->areas[m->n++];
		a->id = db_col_i64(st, 0);
		a->name = arena_strdup(&r->arena, db_col_text(st, 1));
		a->unit_id = db_col_i64(st, 2);
		a->unit_name = arena_strdup(&r->arena, db_col_text(st, 3));
		a->rank = (int)db_col_i64(st, 4);
		if (a->rank < 0 || a->rank > 4)
			a->rank = 0;
		a->objects = db_col_i64(st, 5);
		a->points = db_col_null(st, 6) ? NULL : arena_strdup(&r->arena, db_col_text(st, 6));
	}
	db_done(r->db, st);
	return rc < 0 ? -1 : 0;
}

/* The centre of a polygon's corners, for its label. */
static void centre(const char *pts, double *cx, double *cy)
{
	double sx = 0, sy = 0;
	int n = 0;
	for (const char *p = pts; *p;) {
		char *end;
		double x = strtod(p, &end);
		if (end == p || *end != ',')
			break;
		double y = strtod(end + 1, &end);
		sx += x, sy += y, n++;
		p = end;
		while (*p == ' ')
			p++;
	}
	*cx = n ? sx / n : 0;
	*cy = n ? sy / n : 0;
}

void risk_map_legend(struct req *r, struct strbuf *o, const struct risk_map *m)
{
	int count[5] = {0};
	for (int i = 0; i < m->n; i++)
		count[m->areas[i].rank >= 0 && m->areas[i].rank <= 4 ? m->areas[i].rank : 0]++;
	html_printf(o, "<ul class=\"risk-legend\" aria-label=\"%s\">", T(r, "risk.map.legend"));
	for (int k = 4; k >= 0; k--)
		html_printf(o, "<li data-level=\"%s\"><svg width=\"18\" height=\"18\" aria-hidden=\"true\"><rect width=\"18\""
			       " height=\"18\" rx=\"3\" fill=\"%s\"/></svg>%s <b>%d</b></li>",
			    rank_level[k], rank_rgb[k], T(r, arena_printf(&r->arena, "risk.map.level.%s", rank_level[k])),
			    count[k]);
	html_printf(o, "</ul>");
}

void risk_map_svg(struct req *r, struct strbuf *o, const struct risk_map *m, int links)
{
	int w = m->width, h = m->height;
	/* labels and strokes scale with the drawing so that they read alike on any picture */
	int fs = w > h ? w / 60 : h / 60;
	if (fs < 10)
		fs = 10;
	html_printf(o, "<svg class=\"risk-map\" id=\"risk-map\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\""
		       " data-drawing=\"%D\" preserveAspectRatio=\"xMidYMid meet\">"
		       "<image href=\"/risk/map/drawing/%D\" x=\"0\" y=\"0\" width=\"%d\" height=\"%d\"/>",
		    w, h, T(r, "risk.map.title"), m->drawing_id, m->drawing_id, w, h);
	for (int i = 0; i < m->n; i++) {
		const struct risk_map_area *a = &m->areas[i];
		if (!a->points)
			continue;
		double cx, cy;
		centre(a->points, &cx, &cy);
		if (links)
			html_printf(o, "<a href=\"/risk/map/areas/%D\">", a->id);
		html_printf(o, "<g class=\"risk-area\" data-area=\"%D\" data-level=\"%s\"><title>%s · %s</title>"
			       "<polygon points=\"%s\" fill=\"%s\" fill-opacity=\"0.55\" stroke=\"%s\" stroke-width=\"%d\"/>"
			       "<text x=\"%d\" y=\"%d\" font-size=\"%d\" text-anchor=\"middle\" paint-order=\"stroke\""
			       " stroke=\"#fff\" stroke-width=\"%d\">%s</text></g>",
			    a->id, rank_level[a->rank], a->name,
			    T(r, arena_printf(&r->arena, "risk.map.level.%s", rank_level[a->rank])), a->points,
			    rank_rgb[a->rank], rank_rgb[a->rank], fs / 6 + 1, (int)lround(cx), (int)lround(cy + fs / 3.0),
			    fs, fs / 4 + 1, a->name);
		if (links)
			html_printf(o, "</a>");
	}
	html_printf(o, "</svg>");
}

void risk_map_grid(struct req *r, struct strbuf *o, const struct risk_map *m, int links)
{
	html_printf(o, "<div class=\"risk-grid\" id=\"risk-map\">");
	int64_t unit = -1;
	for (int i = 0; i < m->n; i++) {
		const struct risk_map_area *a = &m->areas[i];
		if (a->unit_id != unit) {
			html_printf(o, "%r<section class=\"risk-grid-unit\"><h3>%s</h3><ul>", unit >= 0 ? "</ul></section>" : "",
				    a->unit_name);
			unit = a->unit_id;
		}
		html_printf(o, "<li class=\"risk-area risk-cell-%s\" data-area=\"%D\" data-level=\"%s\">", rank_level[a->rank],
			    a->id, rank_level[a->rank]);
		if (links)
			html_printf(o, "<a href=\"/risk/map/areas/%D\">%s <small>%s</small></a>", a->id, a->name,
				    T(r, arena_printf(&r->arena, "risk.map.level.%s", rank_level[a->rank])));
		else
			html_printf(o, "%s <small>%s</small>", a->name,
				    T(r, arena_printf(&r->arena, "risk.map.level.%s", rank_level[a->rank])));
		html_printf(o, "</li>");
	}
	if (unit >= 0)
		html_printf(o, "</ul></section>");
	if (!m->n)
		html_printf(o, "<p class=\"empty\">%s</p>", T(r, "risk.map.no_areas"));
	html_printf(o, "</div>");
}

/* One number of a polygon: finite, not negative, at most lim. */
static int coord(double v, int lim)
{
	return isfinite(v) && v >= 0 && v <= lim;
}

int risk_map_points(struct req *r, const char *text, json_t *json, int w, int h, const char **norm,
		    const char **why)
{
	struct strbuf sb = STRBUF_INIT;
	int n = 0, rc = -1;
	*why = "risk.map.points_bad";
	if (json) {
		if (!json_is_array(json))
			goto done;
		size_t i;
		json_t *pt;
		json_array_foreach(json, i, pt) {
			if (!json_is_array(pt) || json_array_size(pt) != 2 || !json_is_number(json_array_get(pt, 0)) ||
			    !json_is_number(json_array_get(pt, 1)))
				goto done;
			double x = json_number_value(json_array_get(pt, 0)), y = json_number_value(json_array_get(pt, 1));
			if (++n > RISK_MAP_MAX_POINTS) {
				*why = "risk.map.points_many";
				goto done;
			}
			if (!coord(x, w) || !coord(y, h)) {
				*why = "risk.map.points_outside";
				goto done;
			}
			sb_addf(&sb, "%s%ld,%ld", n > 1 ? " " : "", lround(x), lround(y));
		}
	} else {
		const char *p = text ? text : "";
		while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
			p++;
		while (*p) {
			char *end;
			double x = strtod(p, &end);
			if (end == p || *end != ',')
				goto done;
			const char *q = end + 1;
			double y = strtod(q, &end);
			if (end == q || (*end && *end != ' ' && *end != '\n' && *end != '\r' && *end != '\t'))
				goto done;
			if (++n > RISK_MAP_MAX_POINTS) {
				*why = "risk.map.points_many";
				goto done;
			}
			if (!coord(x, w) || !coord(y, h)) {
				*why = "risk.map.points_outside";
				goto done;
			}
			sb_addf(&sb, "%s%ld,%ld", n > 1 ? " " : "", lround(x), lround(y));
			p = end;
			while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
				p++;
		}
	}
	if (n < 3) {
		*why = "risk.map.points_few";
		goto done;
	}
	*norm = arena_strdup(&r->arena, sb.buf);
	*why = NULL;
	rc = 0;
done:
	sb_release(&sb);
	return rc;
}

int risk_map_store_drawing(struct req *r, int64_t unit_id, const unsigned char *data, size_t len,
			   int64_t *drawing_id, const char **why)
{
	if (len > RISK_MAP_MAX_BYTES) {
		*why = "risk.map.drawing_large";
		return -1;
	}
	/* the hazard photos' path: magic bytes, the 40-megapixel bomb check before any pixel is
	 * decoded, re-encoding without metadata */
	struct hazard_image img;
	if (hazard_image_process(data, len, &img, why)) {
		if (!strcmp(*why, "hazard.photo_failed"))
			return -2;
		*why = !strcmp(*why, "hazard.photo_too_many_pixels") ? "risk.map.drawing_pixels" : "risk.map.drawing_not_image";
		return -1;
	}
	*why = NULL;
	int64_t now = clock_now(), me = r->who ? r->who->user_id : 0, old = 0, w = img.width, h = img.height;
	if (db_begin(r->db) != DB_OK) {
		hazard_image_free(&img);
		return -2;
	}
	db_get_i64(r->db, &old, "SELECT id FROM risk_map_drawings WHERE unit_id = ?", "I", unit_id);
	int rc = DB_OK;
	if (old) {
		/* the old polygons would not fit the new picture: the areas are placed again */
		rc = db_exec(r->db, "DELETE FROM risk_map_areas WHERE drawing_id = ?", "I", old);
		if (rc == DB_OK)
			rc = db_exec(r->db, "UPDATE risk_map_drawings SET jpeg = ?, width = ?, height = ?,"
					   " uploaded_by = NULLIF(?, 0), uploaded_at = ? WHERE id = ?",
				     "bIIIII", img.jpeg, img.jpeg_len, w, h, me, now, old);
		*drawing_id = old;
	} else {
		rc = db_exec(r->db, "INSERT INTO risk_map_drawings (unit_id, jpeg, width, height, uploaded_by, uploaded_at)"
				   " VALUES (?, ?, ?, ?, NULLIF(?, 0), ?)", "IbIIII", unit_id, img.jpeg, img.jpeg_len, w, h, me, now);
		*drawing_id = db_last_id(r->db);
	}
	size_t bytes = img.jpeg_len;
	hazard_image_free(&img);
	if (rc != DB_OK ||
	    audit_req(r, "risk_map_drawing", *drawing_id, old ? "replace" : "upload",
		      arena_printf(&r->arena, "%lldx%lld, %zu bytes", (long long)w, (long long)h, bytes)) != DB_OK ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return -2;
	}
	return 0;
}
