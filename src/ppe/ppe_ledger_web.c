/*
 * ppe_ledger_web.c — the issue ledger (劳动防护用品发放台账) that inspectors ask for: each issue
 * in the caller's scope with its day, person, item, quantity, size, store, permit number and
 * its receipt — the signature drawn on the store keeper's tablet (ppe_sign.c), or the time the
 * holder confirmed on the phone, or "not yet". As a page (/ppe/ledger, newest first, a page at
 * a time), as JSON (/api/v1/ppe/ledger), as a spreadsheet with the signatures in their cells
 * (/ppe/ledger.xlsx) and as an A4 PDF to print and file (/ppe/ledger.pdf). ?month=YYYY-MM
 * keeps one month. A signature image is served to those who may read its row.
 */
#include "ppe/ppe.h"
#include "ppe/ppe_web.h"
#include "auth/auth.h"
#include "base/day.h"
#include "base/strbuf.h"
#include "db/blobstore.h"
#include "db/db.h"
#include "http/static.h"
#include "web/form.h"
#include "web/i18n.h"
#include "web/page.h"
#include "web/pdfdoc.h"
#include "web/xlsx_file.h"

#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows in scope (the holding's unit; own scope: one's own), newest first. */
#define LEDGER_FROM " FROM ppe_holdings h JOIN units n ON n.id = h.unit_id JOIN users u ON u.id = h.user_id" \
	" JOIN ppe_items i ON i.id = h.item_id JOIN ppe_stores s ON s.id = h.store_id" \
	" WHERE n.path LIKE ? AND (? = 0 OR h.user_id = ?) AND h.issued_on BETWEEN ? AND ?"
#define LEDGER_COLS "h.id, h.issued_on, u.name, i.name, h.qty, h.size, s.name, h.permit_no, h.confirmed_at," \
	" coalesce(h.signature_sha, ''), h.state"

struct ledger_args {
	int64_t from, to;	/* local days */
	const char *month;
};

/* ?month=YYYY-MM, else everything; a malformed month is a 400 naming it */
static int ledger_args(struct req *r, struct ledger_args *a)
{
	a->from = -1000000;
	a->to = 1000000;
	a->month = req_query(r, "month");
	if (!a->month || !*a->month) {
		a->month = "";
		return 0;
	}
	int y, m;
	char tail;
	char first[32];	/* room for any int the compiler imagines in %04d */
	if (sscanf(a->month, "%4d-%2d%c", &y, &m, &tail) != 2 || m < 1 || m > 12 || y < 2000 || y > 2999) {
		req_bad_param(r, "month");
		return -1;
	}
	snprintf(first, sizeof first, "%04d-%02d-01", y, m);
	day_parse(first, &a->from);
	snprintf(first, sizeof first, "%04d-%02d-01", m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1);
	day_parse(first, &a->to);
	a->to -= 1;
	return 0;
}

static struct db_stmt *ledger_query(struct req *r, const struct ledger_args *a, int limit, int offset)
{
	return db_query(r->db, "SELECT " LEDGER_COLS LEDGER_FROM " ORDER BY h.issued_at DESC, h.id DESC LIMIT ? OFFSET ?",
			"tIIIIii", auth_scope_pattern(r), auth_scope_owner(r), auth_scope_owner(r), a->from, a->to, limit, offset);
}

static int64_t ledger_total(struct req *r, const struct ledger_args *a)
{
	int64_t n = 0;
	db_get_i64(r->db, &n, "SELECT count(*)" LEDGER_FROM, "tIIII", auth_scope_pattern(r), auth_scope_owner(r),
		   auth_scope_owner(r), a->from, a->to);
	return n;
}

/* the receipt as words: signed, confirmed at a time, or not yet */
static const char *receipt_text(struct req *r, struct db_stmt *st)
{
	if (*db_col_text(st, 9))
		return T(r, "ppe.signed");
	if (db_col_i64(st, 8)) {
		char d[16];
		int64_t t = db_col_i64(st, 8);
		return arena_printf(&r->arena, "%s %s", T(r, "ppe.confirmed_phone"), day_format(day_of(t), d));
	}
	return T(r, "ppe.unconfirmed");
}

int ppe_page_ledger(struct req *r)
{
	struct ledger_args a;
	int page, per_page;
	req_page(r, 50, &page, &per_page);
	if (ledger_args(r, &a))
		return 0;
	int64_t total = ledger_total(r, &a);
	page_begin(r, T(r, "ppe.ledger_title"));
	html_printf(&r->out, "<link rel=\"stylesheet\" href=\"%s\">", static_url("ppe.css"));
	const char *q = *a.month ? arena_printf(&r->arena, "?month=%s", a.month) : "";
	html_printf(&r->out, "<h1>%s</h1><form method=\"get\" action=\"/ppe/ledger\" class=\"ppe-ledger-filter\"><label>%s"
		    " <input type=\"month\" name=\"month\" value=\"%s\"></label> <button>%s</button></form>"
		    "<p class=\"ppe-nav\"><a class=\"button\" href=\"/ppe/ledger.xlsx%s\">%s</a> <a class=\"button\" href=\"/ppe/ledger.pdf%s\">%s</a></p>"
		    "<ul class=\"list ppe-ledger\">", T(r, "ppe.ledger_title"), T(r, "ppe.month"), a.month, T(r, "ppe.show"), q,
		    T(r, "ppe.export_xlsx"), q, T(r, "ppe.print_pdf"));
	struct db_stmt *st = ledger_query(r, &a, per_page, (page - 1) * per_page);
	int n = 0;
	while (st && db_step(st) == 1) {
		char d[16];
		const char *size = db_col_text(st, 5), *permit = db_col_text(st, 7);
		html_printf(&r->out, "<li data-holding=\"%D\"><strong>%s</strong> · %s ×%D%s%s<br><span class=\"hint\">%s · %s%s%s</span> ",
			    db_col_i64(st, 0), db_col_text(st, 2), db_col_text(st, 3), db_col_i64(st, 4), *size ? " · " : "", size,
			    day_format(db_col_i64(st, 1), d), db_col_text(st, 6), *permit ? " · " : "", permit);
		if (*db_col_text(st, 9))
			html_printf(&r->out, "<img class=\"ppe-sig\" src=\"/ppe/holdings/%D/signature.png\" alt=\"%s\" width=\"120\" height=\"60\">",
				    db_col_i64(st, 0), T(r, "ppe.signed"));
		else
			html_printf(&r->out, "<span class=\"badge%s\">%s</span>", db_col_i64(st, 8) ? " ok" : " warn", receipt_text(r, st));
		html_printf(&r->out, "</li>");
		n++;
	}
	db_done(r->db, st);
	if (!n)
		html_printf(&r->out, "<li class=\"empty\">%s</li>", T(r, "ppe.ledger_empty"));
	html_printf(&r->out, "</ul>");
	form_pager(r, arena_printf(&r->arena, "/ppe/ledger%s", q), page, per_page, total);
	page_end(r);
	return 0;
}

int ppe_api_ledger(struct req *r)
{
	struct ledger_args a;
	int page, per_page;
	req_page(r, 50, &page, &per_page);
	if (ledger_args(r, &a))
		return 0;
	json_t *items = json_array();
	struct db_stmt *st = ledger_query(r, &a, per_page, (page - 1) * per_page);
	while (st && db_step(st) == 1) {
		int signed_ = *db_col_text(st, 9) != 0;
		json_array_append_new(items, json_pack("{s:I, s:o, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:b, s:o}",
			"holding_id", (json_int_t)db_col_i64(st, 0), "issued_on", ppe_day_json(db_col_i64(st, 1)), "person",
			db_col_text(st, 2), "item", db_col_text(st, 3), "qty", (json_int_t)db_col_i64(st, 4), "size", db_col_text(st, 5),
			"store", db_col_text(st, 6), "permit_no", db_col_text(st, 7), "state", db_col_text(st, 10), "signed", signed_,
			"signature_url", signed_ ? json_string(arena_printf(&r->arena, "/ppe/holdings/%lld/signature.png",
									    (long long)db_col_i64(st, 0))) : json_null()));
		json_t *it = json_array_get(items, json_array_size(items) - 1);
		json_object_set_new(it, "confirmed_at", db_col_i64(st, 8) ? json_integer(db_col_i64(st, 8)) : json_null());
	}
	db_done(r->db, st);
	resp_json(r, 200, json_pack("{s:o, s:i, s:i, s:I}", "items", items, "page", page, "per_page", per_page, "total",
				    (json_int_t)ledger_total(r, &a)));
	return 0;
}

/* the PNG of a holding's signature, if the caller may read the holding */
static int signature_png(struct req *r, int64_t holding, struct strbuf *out)
{
	struct db_stmt *st = db_query(r->db, "SELECT h.signature_sha FROM ppe_holdings h JOIN units n ON n.id = h.unit_id"
				      " WHERE h.id = ? AND h.signature_sha IS NOT NULL AND n.path LIKE ? AND (? = 0 OR h.user_id = ?)",
				      "ItII", holding, auth_scope_pattern(r), auth_scope_owner(r), auth_scope_owner(r));
	struct blob b = {0};
	int found = st && db_step(st) == 1 && blob_get(r->db, db_col_text(st, 0), &b) == 1;
	db_done(r->db, st);
	if (found)
		sb_add(out, (const char *)b.bytes, b.len);
	blob_free(&b);
	return found ? 0 : -1;
}

int ppe_page_signature(struct req *r)
{
	int64_t id;
	struct strbuf png = STRBUF_INIT;
	if (req_param_id(r, "id", &id) || signature_png(r, id, &png)) {
		sb_release(&png);
		r->status = 404;
		page_error(r, 404, T(r, "error.not_found"), NULL);
		return 0;
	}
	resp_text(r, 200, "image/png", png.buf, png.len);
	resp_header(r, "Cache-Control", "private, max-age=86400");
	sb_release(&png);
	return 0;
}

#define XLSX_ROWS_MAX 5000	/* a year of a large plant's issues, in one file */

int ppe_ledger_xlsx(struct req *r)
{
	struct ledger_args a;
	if (ledger_args(r, &a))
		return 0;
	char *path = NULL;
	lxw_workbook *wb = xlsx_open(&path);
	lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, "劳动防护用品发放台账") : NULL;
	if (!ws) {
		xlsx_finish(wb, path, NULL);
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	static const char *const head[] = {"ppe.ledger.day", "ppe.person", "ppe.item", "ppe.qty", "ppe.size", "ppe.store",
					   "ppe.permit_no", "ppe.ledger.receipt", "ppe.ledger.signature"};
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	for (int i = 0; i < 9; i++)
		worksheet_write_string(ws, 0, (lxw_col_t)i, T(r, head[i]), bold);
	worksheet_set_column(ws, 0, 7, 14, NULL);
	worksheet_set_column(ws, 8, 8, 22, NULL);
	/* each signature's bytes must live until the workbook is closed */
	struct strbuf *pngs = calloc(XLSX_ROWS_MAX, sizeof *pngs);
	int npng = 0;
	lxw_row_t row = 1;
	struct db_stmt *st = ledger_query(r, &a, XLSX_ROWS_MAX, 0);
	while (pngs && st && db_step(st) == 1) {
		char d[16];
		worksheet_write_string(ws, row, 0, day_format(db_col_i64(st, 1), d), NULL);
		worksheet_write_string(ws, row, 1, db_col_text(st, 2), NULL);
		worksheet_write_string(ws, row, 2, db_col_text(st, 3), NULL);
		worksheet_write_number(ws, row, 3, (double)db_col_i64(st, 4), NULL);
		worksheet_write_string(ws, row, 4, db_col_text(st, 5), NULL);
		worksheet_write_string(ws, row, 5, db_col_text(st, 6), NULL);
		worksheet_write_string(ws, row, 6, db_col_text(st, 7), NULL);
		worksheet_write_string(ws, row, 7, receipt_text(r, st), NULL);
		struct strbuf *png = &pngs[npng];
		*png = (struct strbuf)STRBUF_INIT;
		int w = 0, h = 0;
		if (*db_col_text(st, 9) && !signature_png(r, db_col_i64(st, 0), png) &&
		    !ppe_signature_check((const unsigned char *)png->buf, png->len, &w, &h)) {
			lxw_image_options o = {.x_offset = 2, .y_offset = 2, .x_scale = 150.0 / w, .y_scale = 150.0 / w,
					       .object_position = LXW_OBJECT_MOVE_AND_SIZE};
			worksheet_set_row(ws, row, 150.0 * h / w * 0.75 + 4, NULL);
			worksheet_insert_image_buffer_opt(ws, row, 8, (const unsigned char *)png->buf, png->len, &o);
			npng++;
		} else
			sb_release(png);
		row++;
	}
	db_done(r->db, st);
	struct strbuf out = STRBUF_INIT;
	int rc = !pngs || xlsx_finish(wb, path, &out);
	if (!pngs)
		xlsx_finish(wb, path, NULL);
	for (int i = 0; pngs && i < npng; i++)
		sb_release(&pngs[i]);
	free(pngs);
	if (rc) {
		sb_release(&out);
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	resp_text(r, 200, XLSX_MIME, out.buf, out.len);
	resp_header(r, "Content-Disposition", "attachment; filename=\"ppe-ledger.xlsx\"");
	sb_release(&out);
	return 0;
}

/* a PNG in memory for cairo */
struct png_src {
	const unsigned char *p;
	size_t n, at;
};

static cairo_status_t png_read(void *closure, unsigned char *data, unsigned int length)
{
	struct png_src *s = closure;
	if (s->at + length > s->n)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(data, s->p + s->at, length);
	s->at += length;
	return CAIRO_STATUS_SUCCESS;
}

#define PDF_W 595.0	/* A4 in points */
#define PDF_H 842.0
#define PDF_M 36.0
#define PDF_ROWS_MAX 2000

/* the printable ledger: a title, a header row and one row per issue, each with its receipt —
 * the signature drawn at the row's height, or the words */
int ppe_ledger_pdf(struct req *r)
{
	struct ledger_args a;
	if (ledger_args(r, &a))
		return 0;
	struct strbuf out = STRBUF_INIT;
	struct pdfdoc doc;
	if (pdfdoc_open(&doc, &out, PDF_W, PDF_H, T(r, "ppe.ledger_title"), T(r, "app.name"))) {
		sb_release(&out);
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	cairo_t *cr = doc.cr;
	static const double colx[] = {PDF_M, PDF_M + 62, PDF_M + 122, PDF_M + 232, PDF_M + 262, PDF_M + 302, PDF_M + 392};
	static const char *const head[] = {"ppe.ledger.day", "ppe.person", "ppe.item", "ppe.qty", "ppe.size", "ppe.store",
					   "ppe.ledger.receipt"};
	double y = PDF_H;	/* start a page at the first row */
	int pageno = 0;
	struct db_stmt *st = ledger_query(r, &a, PDF_ROWS_MAX, 0);
	int any = 0;
	for (;;) {
		int more = st && db_step(st) == 1;
		if (!more && any)
			break;
		if (y > PDF_H - PDF_M - 44) {
			if (pageno++)
				cairo_show_page(cr);
			y = PDF_M;
			y += pdfdoc_text(cr, PDF_M, y, *a.month ? arena_printf(&r->arena, "%s · %s", T(r, "ppe.ledger_title"), a.month)
							       : T(r, "ppe.ledger_title"), 15, 1, PDF_W - 2 * PDF_M, 0) + 8;
			for (int i = 0; i < 7; i++)
				pdfdoc_text(cr, colx[i], y, T(r, head[i]), 8.5, 1, (i < 6 ? colx[i + 1] : PDF_W - PDF_M) - colx[i] - 4, 0);
			y += 16;
			cairo_move_to(cr, PDF_M, y - 3);
			cairo_line_to(cr, PDF_W - PDF_M, y - 3);
			cairo_set_line_width(cr, 0.5);
			cairo_stroke(cr);
		}
		if (!more) {
			pdfdoc_text(cr, PDF_M, y, T(r, "ppe.ledger_empty"), 9, 0, PDF_W - 2 * PDF_M, 0);
			break;
		}
		any = 1;
		char d[16], q[24];
		snprintf(q, sizeof q, "%lld", (long long)db_col_i64(st, 4));
		const char *cell[6] = {day_format(db_col_i64(st, 1), d), db_col_text(st, 2), db_col_text(st, 3), q,
				       db_col_text(st, 5), db_col_text(st, 6)};
		double rowh = 14;
		for (int i = 0; i < 6; i++) {
			double h = pdfdoc_text(cr, colx[i], y, cell[i], 8, 0, colx[i + 1] - colx[i] - 4, 0);
			if (h + 4 > rowh)
				rowh = h + 4;
		}
		struct strbuf png = STRBUF_INIT;
		cairo_surface_t *img = NULL;
		if (*db_col_text(st, 9) && !signature_png(r, db_col_i64(st, 0), &png)) {
			struct png_src src = {(const unsigned char *)png.buf, png.len, 0};
			img = cairo_image_surface_create_from_png_stream(png_read, &src);
		}
		if (img && cairo_surface_status(img) == CAIRO_STATUS_SUCCESS && cairo_image_surface_get_width(img) > 0) {
			/* 40 points high at most, as wide as its column allows */
			double iw = cairo_image_surface_get_width(img), ih = cairo_image_surface_get_height(img);
			double sc = 40.0 / ih;
			if (iw * sc > PDF_W - PDF_M - colx[6])
				sc = (PDF_W - PDF_M - colx[6]) / iw;
			cairo_save(cr);
			cairo_translate(cr, colx[6], y);
			cairo_scale(cr, sc, sc);
			cairo_set_source_surface(cr, img, 0, 0);
			cairo_paint(cr);
			cairo_restore(cr);
			if (ih * sc + 4 > rowh)
				rowh = ih * sc + 4;
		} else
			pdfdoc_text(cr, colx[6], y, receipt_text(r, st), 8, 0, PDF_W - PDF_M - colx[6], 0);
		if (img)
			cairo_surface_destroy(img);
		sb_release(&png);
		y += rowh;
	}
	db_done(r->db, st);
	if (pdfdoc_close(&doc, &out)) {
		sb_release(&out);
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	resp_text(r, 200, "application/pdf", out.buf, out.len);
	resp_header(r, "Content-Disposition", "inline; filename=\"ppe-ledger.pdf\"");
	sb_release(&out);
	return 0;
}
