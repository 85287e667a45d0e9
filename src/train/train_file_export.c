/*
 * train_file_export.c — a person's training file (培训档案) as regulators ask for it: an A4
 * PDF to print and sign (web/pdfdoc.c), and an XLSX workbook (web/xlsx_file.c) with one sheet
 * each for the requirements, the courses done (hours, and the sign-in of a class as its
 * proof) and the exam results. Both are drawn from train_file_json(), the same data as the
 * file's page, so the three never disagree. 生产经营单位安全培训规定 Art. 23: plants keep
 * a training file for every employee, with the time, content, hours and assessment results.
 */
#include "train/train.h"
#include "base/clock.h"
#include "db/db.h"
#include "web/i18n.h"
#include "web/page.h"
#include "web/pdfdoc.h"
#include "web/xlsx_file.h"

#include <cairo.h>
#include <stdio.h>
#include <string.h>

#define PAGE_W 595.0	/* A4 in points */
#define PAGE_H 842.0
#define MARGIN 48.0

struct who {
	int64_t id;		/* as train_file_json takes it */
	const char *name, *unit, *employee_no;
};

/* The person of /train/people/:id in the caller's scope (0), or -1 answered. */
static int person_of(struct req *r, struct who *w)
{
	int64_t id;
	if (req_param_id(r, "id", &id)) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return -1;
	}
	if (train_in_scope(r, id))
		return -1;
	w->name = w->unit = w->employee_no = "";
	struct db_stmt *st = db_query(r->db, "SELECT p.name, COALESCE(u.name, ''), COALESCE(p.employee_no, '') FROM persons p"
				      " LEFT JOIN units u ON u.id = p.unit_id WHERE p.id = ?", "I", id);
	if (st && db_step(st) == 1) {
		w->name = arena_strdup(&r->arena, db_col_text(st, 0));
		w->unit = arena_strdup(&r->arena, db_col_text(st, 1));
		w->employee_no = arena_strdup(&r->arena, db_col_text(st, 2));
	}
	db_done(r->db, st);
	w->id = id;
	return 0;
}

static void me_of(struct req *r, struct who *w)
{
	w->id = -r->who->user_id;
	w->name = r->who->name;
	w->unit = r->who->unit_name;
	w->employee_no = "";
}

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static const char *state_label(struct req *r, const char *s)
{
	return T(r, !strcmp(s, "overdue") ? "train.state.overdue" : !strcmp(s, "due") ? "train.state.due"
										     : "train.state.complete");
}

static const char *proof(struct req *r, json_t *rec)
{
	json_t *at = json_object_get(rec, "signed_at");
	if (!at)
		return T(r, !strcmp(str(rec, "source"), "exam") ? "train.source.exam" : !strcmp(str(rec, "source"), "class")
			    ? "train.source.class" : "train.source.entered");
	return arena_printf(&r->arena, "%s %s · %s", T(r, "train.signed"), page_time(r, json_integer_value(at)),
			    str(rec, "place"));
}

/* ---- A4 ---- */

struct pen {
	struct req *r;
	cairo_t *cr;
	double y;
	int page;
};

static void need(struct pen *p, double h)
{
	if (p->y + h <= PAGE_H - MARGIN)
		return;
	cairo_show_page(p->cr);
	p->page++;
	p->y = MARGIN;
}

/* one row of columns (x offsets and widths in points); the tallest cell sets its height */
static void row(struct pen *p, int n, const double *x, const double *w, const char *const *cells, int bold)
{
	need(p, 18);
	double h = 0;
	for (int i = 0; i < n; i++) {
		double t = pdfdoc_text(p->cr, MARGIN + x[i], p->y, cells[i], 9, bold, w[i], 0);
		if (t > h)
			h = t;
	}
	p->y += h + 4;
	cairo_set_source_rgb(p->cr, 0.8, 0.8, 0.8);
	cairo_set_line_width(p->cr, 0.5);
	cairo_move_to(p->cr, MARGIN, p->y - 2);
	cairo_line_to(p->cr, PAGE_W - MARGIN, p->y - 2);
	cairo_stroke(p->cr);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
}

static void heading(struct pen *p, const char *s)
{
	need(p, 60);
	p->y += 10;
	p->y += pdfdoc_text(p->cr, MARGIN, p->y, s, 12, 1, 0, 0) + 6;
}

static void render(struct req *r, const struct who *w, json_t *f, cairo_t *cr)
{
	struct pen p = {r, cr, MARGIN, 1};
	size_t i;
	json_t *x;
	p.y += pdfdoc_text(cr, MARGIN, p.y, T(r, "train.file_title"), 18, 1, 0, 0) + 8;
	p.y += pdfdoc_text(cr, MARGIN, p.y, arena_printf(&r->arena, "%s · %s%s%s · %s %lld %s", w->name, w->unit,
			   *w->employee_no ? " · " : "", w->employee_no, T(r, "train.total_hours"),
			   (long long)json_integer_value(json_object_get(f, "hours")), T(r, "train.hours")), 10, 0, 0, 0) + 4;
	p.y += pdfdoc_text(cr, MARGIN, p.y, arena_printf(&r->arena, "%s %s", T(r, "train.printed_at"),
			   page_time(r, clock_now())), 8, 0, 0, 0) + 4;

	static const double rx[] = {0, 220, 300, 380}, rw[] = {215, 75, 75, 119};
	heading(&p, T(r, "train.requirements"));
	const char *rh[] = {T(r, "train.course"), T(r, "train.course_hours"), T(r, "train.state"), T(r, "train.due")};
	row(&p, 4, rx, rw, rh, 1);
	json_array_foreach(json_object_get(f, "requirements"), i, x) {
		const char *c[] = {str(x, "course"), arena_printf(&r->arena, "%lld", (long long)json_integer_value(
				   json_object_get(x, "hours"))), state_label(r, str(x, "state")), str(x, "due")};
		row(&p, 4, rx, rw, c, 0);
	}
	static const double cx[] = {0, 70, 260, 300}, cw[] = {65, 185, 35, 199};
	heading(&p, T(r, "train.records"));
	const char *ch[] = {T(r, "train.day"), T(r, "train.course"), T(r, "train.hours"), T(r, "train.proof")};
	row(&p, 4, cx, cw, ch, 1);
	json_array_foreach(json_object_get(f, "records"), i, x) {
		const char *c[] = {str(x, "done_on"), str(x, "course"), arena_printf(&r->arena, "%lld", (long long)
				   json_integer_value(json_object_get(x, "hours"))), proof(r, x)};
		row(&p, 4, cx, cw, c, 0);
	}
	static const double ex[] = {0, 70, 300, 360}, ew[] = {65, 225, 55, 139};
	heading(&p, T(r, "train.exam_results"));
	const char *eh[] = {T(r, "train.day"), T(r, "train.exam_title"), T(r, "train.score"), T(r, "train.result")};
	row(&p, 4, ex, ew, eh, 1);
	json_array_foreach(json_object_get(f, "exams"), i, x) {
		const char *c[] = {str(x, "day"), str(x, "exam"), arena_printf(&r->arena, "%lld", (long long)
				   json_integer_value(json_object_get(x, "score"))),
				   T(r, json_is_true(json_object_get(x, "passed")) ? "train.passed" : "train.failed")};
		row(&p, 4, ex, ew, c, 0);
	}
	/* signatures: the person and the one keeping the file (the file is signed on paper) */
	need(&p, 60);
	p.y += 30;
	pdfdoc_text(cr, MARGIN, p.y, T(r, "train.sign_person"), 10, 0, 0, 0);
	pdfdoc_text(cr, PAGE_W / 2, p.y, T(r, "train.sign_keeper"), 10, 0, 0, 0);
	cairo_show_page(cr);
}

static int send_pdf(struct req *r, const struct who *w)
{
	json_t *f = train_file_json(r, w->id);
	struct strbuf out = STRBUF_INIT;
	struct pdfdoc doc;
	int ok = f && !pdfdoc_open(&doc, &out, PAGE_W, PAGE_H, arena_printf(&r->arena, "%s %s", T(r, "train.file_title"),
				   w->name), T(r, "app.name"));
	if (ok) {
		render(r, w, f, doc.cr);
		ok = !pdfdoc_close(&doc, &out);
	}
	json_decref(f);
	if (!ok) {
		sb_release(&out);
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	resp_text(r, 200, "application/pdf", out.buf, out.len);
	resp_header(r, "Content-Disposition", "inline; filename=\"training-file.pdf\"");
	sb_release(&out);
	return 0;
}

/* ---- XLSX ---- */

static void sheet(lxw_workbook *wb, lxw_format *bold, const char *name, int n, const char *const *head)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, name);
	if (!ws)
		return;
	for (int i = 0; i < n; i++)
		worksheet_write_string(ws, 0, (lxw_col_t)i, head[i], bold);
	worksheet_set_column(ws, 0, (lxw_col_t)(n - 1), 18, NULL);
}

static int send_xlsx(struct req *r, const struct who *w)
{
	json_t *f = train_file_json(r, w->id);
	char *path = NULL;
	lxw_workbook *wb = f ? xlsx_open(&path) : NULL;
	if (!wb) {
		json_decref(f);
		if (path)
			xlsx_finish(NULL, path, NULL);
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	const char *rh[] = {T(r, "train.course"), T(r, "train.course_hours"), T(r, "train.state"), T(r, "train.due"),
			    T(r, "train.done_on")};
	const char *ch[] = {T(r, "train.day"), T(r, "train.course"), T(r, "train.hours"), T(r, "train.proof")};
	const char *eh[] = {T(r, "train.day"), T(r, "train.exam_title"), T(r, "train.score"), T(r, "train.result")};
	sheet(wb, bold, T(r, "train.requirements"), 5, rh);
	sheet(wb, bold, T(r, "train.records"), 4, ch);
	sheet(wb, bold, T(r, "train.exam_results"), 4, eh);
	lxw_worksheet *ws = workbook_get_worksheet_by_name(wb, T(r, "train.requirements"));
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(f, "requirements"), i, x) {
		lxw_row_t k = (lxw_row_t)i + 1;
		worksheet_write_string(ws, k, 0, str(x, "course"), NULL);
		worksheet_write_number(ws, k, 1, (double)json_integer_value(json_object_get(x, "hours")), NULL);
		worksheet_write_string(ws, k, 2, state_label(r, str(x, "state")), NULL);
		worksheet_write_string(ws, k, 3, str(x, "due"), NULL);
		worksheet_write_string(ws, k, 4, str(x, "done_on"), NULL);
	}
	ws = workbook_get_worksheet_by_name(wb, T(r, "train.records"));
	json_array_foreach(json_object_get(f, "records"), i, x) {
		lxw_row_t k = (lxw_row_t)i + 1;
		worksheet_write_string(ws, k, 0, str(x, "done_on"), NULL);
		worksheet_write_string(ws, k, 1, str(x, "course"), NULL);
		worksheet_write_number(ws, k, 2, (double)json_integer_value(json_object_get(x, "hours")), NULL);
		worksheet_write_string(ws, k, 3, proof(r, x), NULL);
	}
	ws = workbook_get_worksheet_by_name(wb, T(r, "train.exam_results"));
	json_array_foreach(json_object_get(f, "exams"), i, x) {
		lxw_row_t k = (lxw_row_t)i + 1;
		worksheet_write_string(ws, k, 0, str(x, "day"), NULL);
		worksheet_write_string(ws, k, 1, str(x, "exam"), NULL);
		worksheet_write_number(ws, k, 2, (double)json_integer_value(json_object_get(x, "score")), NULL);
		worksheet_write_string(ws, k, 3, T(r, json_is_true(json_object_get(x, "passed")) ? "train.passed" : "train.failed"),
				       NULL);
	}
	json_decref(f);
	struct strbuf out = STRBUF_INIT;
	if (xlsx_finish(wb, path, &out)) {
		sb_release(&out);
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	resp_text(r, 200, XLSX_MIME, out.buf, out.len);
	resp_header(r, "Content-Disposition", "attachment; filename=\"training-file.xlsx\"");
	sb_release(&out);
	return 0;
}

int train_file_pdf(struct req *r)
{
	struct who w = {0};
	return person_of(r, &w) ? 0 : send_pdf(r, &w);
}

int train_file_xlsx(struct req *r)
{
	struct who w = {0};
	return person_of(r, &w) ? 0 : send_xlsx(r, &w);
}

int train_my_file_pdf(struct req *r)
{
	struct who w;
	me_of(r, &w);
	return send_pdf(r, &w);
}

int train_my_file_xlsx(struct req *r)
{
	struct who w;
	me_of(r, &w);
	return send_xlsx(r, &w);
}
