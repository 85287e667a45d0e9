/*
 * hazard_web.c — the hazard pages: report (隐患随手拍), list with filters and search, detail
 * with the timeline and the action forms, photos, CSV/XLSX export and the monthly ranking.
 *
 * The report page is built for a worker with gloves on an old phone: photo first, then the
 * place (preselected from the area QR code /a/<token>, or by the GPS button), one tap on a
 * category tile, send — everything else folds away under "more". Without JavaScript it is a
 * plain multipart form; static/hazard.js shrinks photos before upload when it can.
 *
 * Lists show what the requester may read by the one rule, HAZARD_VISIBLE_SQL (hazard.h): data
 * scope by place, widened by involvement — the same rule as the detail page (hazard_visible()).
 */
#include "hazard/hazard.h"
#include "auth/actor.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/csv.h"
#include "base/strbuf.h"
#include "base/text.h"
#include "db/blobstore.h"
#include "db/db.h"
#include "http/static.h"
#include "web/form.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/page.h"
#include "web/page_lang.h"
#include "web/xlsx_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define PER_PAGE 20

static const char *TK(struct req *r, const char *prefix, const char *v)
{
	return T(r, arena_printf(&r->arena, "%s%s", prefix, v));
}

static int64_t id_of(const char *s)
{
	int64_t v = 0;
	if (!s || text_parse_i64(s, &v) || v < 0)
		return 0;
	return v;
}

/* "YYYY-MM-DD" in the plant's zone → UTC seconds of that day's start; 0 if not a date. */
static int64_t parse_day(const char *s)
{
	int y, m, d;
	char tail;
	if (!s || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || y < 2000 || y > 2200 || m < 1 ||
	    m > 12 || d < 1 || d > 31)
		return 0;
	struct tm tm = {0};
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	return (int64_t)timegm(&tm) - clock_local_offset();
}

/* ---- reading input (shared with hazard_api.c) ---- */

static void photos_from_uploads(struct req *r, struct hazard_photo_in *p, int *n)
{
	*n = 0;
	for (struct upload *u = r->uploads; u && *n < HTTP_MAX_FILES; u = u->next)
		if (!strcmp(u->field, "photo") && u->data.len) {
			p[*n].data = (const unsigned char *)u->data.buf;
			p[*n].len = u->data.len;
			p[*n].sha = NULL;
			(*n)++;
		}
	/* JSON: "photos": ["sha", …] of photos uploaded with POST /api/v1/photos */
	json_t *arr = r->json ? json_object_get(r->json, "photos") : NULL;
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) {
		if (*n < HTTP_MAX_FILES && json_is_string(v)) {
			p[*n].sha = json_string_value(v);
			p[*n].data = NULL;
			p[*n].len = 0;
			(*n)++;
		}
	}
	const char *one = req_field(r, "photo_sha");
	if (one && *one && *n < HTTP_MAX_FILES) {
		p[*n].sha = one;
		(*n)++;
	}
}

/* The phone's fix for the photos' watermark (static/hazard.js fills these). */
static void gps_read(struct req *r, struct hazard_gps *g)
{
	g->lat_s = req_field(r, "lat");
	g->lng_s = req_field(r, "lng");
	g->acc_s = req_field(r, "gps_acc");
}

static int flag(struct req *r, const char *name)
{
	const char *v = req_field(r, name);
	return v && (!strcmp(v, "1") || !strcmp(v, "on") || !strcmp(v, "true"));
}

void hazard_new_read(struct req *r, struct hazard_new *in)
{
	memset(in, 0, sizeof(*in));
	in->reporter_id = r->who->user_id;
	in->area_id = id_of(req_field(r, "area_id"));
	in->category_id = id_of(req_field(r, "category_id"));
	in->equipment_id = id_of(req_field(r, "equipment_id"));
	in->criterion_id = id_of(req_field(r, "criterion_id"));
	in->factor_code = req_field(r, "factor_code");
	in->level = req_field(r, "level");
	in->urgency = req_field(r, "urgency");
	in->description = req_field(r, "description");
	in->anonymous = flag(r, "anonymous");
	in->near_miss = flag(r, "near_miss");
	/* a non-numeric id is as wrong as an unknown one: -1 fails validation naming the field */
	const char *names[] = {"area_id", "category_id", "equipment_id", "criterion_id"};
	int64_t *vals[] = {&in->area_id, &in->category_id, &in->equipment_id, &in->criterion_id};
	for (int i = 0; i < 4; i++) {
		const char *v = req_field(r, names[i]);
		if (v && *v && !id_of(v))
			*vals[i] = i < 2 ? 0 : -1;
	}
	photos_from_uploads(r, in->photos, &in->nphotos);
	gps_read(r, &in->gps);
	/* from the phone's offline queue (static/offline.js, hazard_offline.c) */
	in->idem_key = req_field(r, "idem_key");
	const char *cap = req_field(r, "captured_at");
	if (cap && *cap && (text_parse_i64(cap, &in->captured_at) || in->captured_at <= 0))
		in->captured_at = -1;	/* refused by hazard_capture_check, naming the field */
	struct upload *voice = req_upload(r, "voice");
	if (voice && voice->data.len) {
		in->voice = (const unsigned char *)voice->data.buf;
		in->voice_len = voice->data.len;
		in->voice_seconds = hazard_voice_seconds(r->db, req_field(r, "voice_seconds"));
	}
}

void hazard_action_read(struct req *r, struct hazard_action_in *in)
{
	static const char *const plan[6] = {"goal", "method", "funding", "organization",
					    "deadline_text", "safety"};
	memset(in, 0, sizeof(*in));
	in->note = req_field(r, "note");
	in->level = req_field(r, "level");
	in->urgency = req_field(r, "urgency");
	in->criterion_id = id_of(req_field(r, "criterion_id"));
	in->assignee_id = id_of(req_field(r, "assignee_id"));
	for (int i = 0; i < 6; i++)
		in->plan[i] = req_field(r, plan[i]);
	const char *due = req_field(r, "due_date");
	in->plan_due = due ? parse_day(due) : id_of(req_field(r, "plan_due"));
	if (due && in->plan_due)
		in->plan_due += 86400 - 1;	/* the end of that day */
	photos_from_uploads(r, in->photos, &in->nphotos);
	gps_read(r, &in->gps);
	/* a voice note spoken with the action (the rectification form's hold-to-record) */
	struct upload *voice = req_upload(r, "voice");
	if (voice && voice->data.len) {
		in->voice = (const unsigned char *)voice->data.buf;
		in->voice_len = voice->data.len;
		in->voice_seconds = hazard_voice_seconds(r->db, req_field(r, "voice_seconds"));
	}
}

/* ---- the scoped, filtered list ---- */

/* A day filter (YYYY-MM-DD): 0 when absent or empty; a malformed one is recorded, so the list
 * answers 400 naming it (router.c) rather than quietly dropping the filter. */
static int64_t query_day(struct req *r, const char *name)
{
	const char *v = req_query(r, name);
	int64_t t = parse_day(v);
	if (v && *v && !t)
		req_bad_param(r, name);
	return t;
}

/* The statuses a list can be filtered by: each state of the workflow, plus "open" (not closed
 * or cancelled) and "valid" (not cancelled) used by the tabs and the dashboards' links. */
static const char *const filter_statuses[] = {"open", "valid", "reported", "assigned", "planning", "plan_review",
					      "rectifying", "verifying", "closed", "cancelled", NULL};
static const char *const filter_levels[] = {"general", "major", NULL};

void hazard_filter_read(struct req *r, struct hazard_filter *f)
{
	memset(f, 0, sizeof(*f));
	req_query_enum(r, "status", filter_statuses, &f->status);
	req_query_enum(r, "level", filter_levels, &f->level);
	f->q = req_query(r, "q");
	f->from = req_query(r, "from");
	f->to = req_query(r, "to");
	query_day(r, "from");
	query_day(r, "to");
	f->mine = req_query_flag(r, "mine", 0) ? "1" : NULL;
	req_query_id(r, "area_id", &f->area_id);
	req_query_id(r, "unit_id", &f->unit_id);
	req_query_id(r, "category_id", &f->category_id);
	static const char *const todos[] = {"rectify", "accept", "review", "verify", "reported", NULL};
	req_query_enum(r, "todo", todos, &f->todo);
	f->overdue = req_query_flag(r, "overdue", 0);
	f->repeat = req_query_flag(r, "repeat", 0);
	req_page(r, PER_PAGE, &f->page, &f->per_page);
}

int hazard_list_cursor_refused(struct req *r, struct hazard_filter *f)
{
	/* read here, by the two lists that page by it (the exports take every row) */
	f->cursor = req_query(r, "cursor");
	const char *page = req_query(r, "page");
	if (f->cursor && *f->cursor && page && *page) {
		resp_error(r, 422, "invalid", T(r, "hazard.err_cursor_page"), "page");
		return 1;
	}
	return 0;
}

void hazard_list_args_of(struct req *r, const struct hazard_filter *f, struct hazard_list_args *a)
{
	memset(a, 0, sizeof(*a));
	char *q = f->q && *f->q ? hazard_search_query(r->db, f->q) : NULL;
	a->fts = q ? arena_strdup(&r->arena, q) : NULL;
	free(q);
	a->from = parse_day(f->from);
	a->to = parse_day(f->to);
	if (a->to)
		a->to += 86400;	/* "to" is inclusive */
	a->mine = f->mine && !strcmp(f->mine, "1");
	a->me = r->who->user_id;
	a->owner = auth_scope_owner(r);
	a->pattern = auth_scope_pattern(r);
	a->status = f->status ? f->status : "";
	a->level = f->level ? f->level : "";
	a->handle = a->mine && auth_has(r, "hazard.handle");
	a->verify = a->mine && auth_has(r, "hazard.verify");
	a->major = a->mine && auth_has(r, "hazard.major");
	a->area_id = f->area_id;
	a->unit_id = f->unit_id;
	a->category_id = f->category_id;
	a->overdue = f->overdue;
	a->repeat = f->repeat;
	req_query_id(r, "equipment_id", &a->equipment_id);
	/* the dashboards' drill-down: closed in a day range, a hazard-factor class (prefix) */
	a->closed_from = query_day(r, "closed_from");
	a->closed_to = query_day(r, "closed_to");
	if (a->closed_to)
		a->closed_to += 86400;
	const char *factor = req_query(r, "factor");
	int64_t known = 0;
	if (factor && *factor &&
	    db_get_i64(r->db, &known, "SELECT 1 FROM hazard_factors WHERE code = ?", "t", factor) != 1)
		req_bad_param(r, "factor");
	a->factor = factor ? factor : "";
	a->todo = f->todo ? f->todo : "";
}

struct row_req {
	struct req *r;
	void (*cb)(struct req *r, struct db_stmt *st, void *ctx);
	void *ctx;
};

static void row_to_req(struct db_stmt *st, void *p)
{
	struct row_req *rr = p;
	rr->cb(rr->r, st, rr->ctx);
}

int hazard_list_query(struct req *r, const struct hazard_filter *f, int limit, int offset,
		      void (*cb)(struct req *r, struct db_stmt *st, void *ctx), void *ctx,
		      int64_t *total)
{
	struct hazard_list_args a;
	hazard_list_args_of(r, f, &a);
	if (total && hazard_list_count(r->db, &a, HAZARD_COUNT_CAP, total))
		*total = 0;
	struct row_req rr = {r, cb, ctx};
	return limit ? hazard_list_rows(r->db, &a, INT64_MAX, 0, limit, offset, row_to_req, &rr) : 0;
}

/* ---- small pieces of markup ---- */

static void badges(struct req *r, struct strbuf *o, const char *status, const char *level,
		   int overdue, int repeat, int near_miss, int on_spot)
{
	const char *cls = !strcmp(status, "closed") ? "ok" : !strcmp(status, "cancelled") ? "" : "warn";
	html_printf(o, "<span class=\"badge %s\">%s</span>", cls, TK(r, "hazard.status.", status));
	if (!strcmp(level, "major"))
		html_printf(o, " <span class=\"badge bad\">%s</span>", T(r, "hazard.level.major"));
	if (overdue)
		html_printf(o, " <span class=\"badge bad\">%s</span>", T(r, "hazard.overdue"));
	if (repeat)
		html_printf(o, " <span class=\"badge warn\">%s</span>", T(r, "hazard.repeat"));
	if (near_miss)
		html_printf(o, " <span class=\"badge\">%s</span>", T(r, "hazard.near_miss"));
	if (on_spot)
		html_printf(o, " <span class=\"badge ok\">%s</span>", T(r, "hazard.on_spot"));
}

static const char *cat_name(struct req *r, struct db_stmt *st, int zh_col)
{
	return strcmp(r->lang, "en") ? db_col_text(st, zh_col) : db_col_text(st, zh_col + 1);
}

static void options(struct req *r, struct strbuf *o, const char *sql, int64_t selected, int bilingual)
{
	struct db_stmt *st = db_query(r->db, sql, NULL);
	while (st && db_step(st) == 1) {
		int64_t id = db_col_i64(st, 0);
		html_printf(o, "<option value=\"%D\"%r>%s</option>", id, id == selected ? " selected" : "",
			    bilingual ? cat_name(r, st, 1) : db_col_text(st, 1));
	}
	db_done(r->db, st);
}

/* ---- the report page ---- */

/* The report form: empty (in == NULL) or, after a refusal, with every submitted value kept and
 * the message under the field it names (a photo cannot be kept by the browser, so a refusal
 * of any kind says so under the photo field when one was sent). */
static void report_form(struct req *r, const struct hazard_new *in, const char *field, const char *key)
{
	int64_t area = 0;
	struct hazard_new empty = {0};
	if (!in) {
		req_query_id(r, "area", &area);
		in = &empty;
	} else {
		area = in->area_id;
	}
	/* the error under field `name`, with the field's label (never its code) */
	struct form_err fe = {0};
	if (field) {
		static const struct {
			const char *field, *label;
		} labels[] = {
			{"area_id", "hazard.area"}, {"category_id", "hazard.category"}, {"photo", "hazard.photo"},
			{"photos", "hazard.photo"}, {"description", "hazard.description"},
			{"equipment_id", "hazard.equipment"}, {"level", "hazard.level"}, {"urgency", "hazard.urgency"},
			{"criterion_id", "hazard.criterion"}, {"factor_code", "hazard.factor"},
			{"anonymous", "hazard.anonymous"}, {"near_miss", "hazard.near_miss_hint"},
			{"captured_at", "hazard.captured_at"}, {"voice", "hazard.voice"}, {"idem_key", "hazard.idem_key"},
		};
		const char *label = "hazard.photo";
		const char *name = "photo";
		for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
			if (!strcmp(labels[i].field, field)) {
				label = labels[i].label;
				name = !strcmp(field, "photos") ? "photo" : field;
			}
		fe.field = name;
		fe.msg = arena_printf(&r->arena, "%s: %s", T(r, label), T(r, key));
	}
	struct strbuf *o = &r->out;
	page_begin(r, T(r, "hazard.report_title"));
	html_printf(o, "<script src=\"%s\" defer></script>", static_url("hazard.js"));
	if (field)
		page_notice(r, "error", fe.msg);
	html_printf(o, "<form class=\"card stack hz-report js-shrink\" method=\"post\" action=\"/hazards\""
		       " enctype=\"multipart/form-data\">%r<h1>%s</h1>", page_csrf(r), T(r, "hazard.report_title"));
	html_raw photo_attrs = fe.field && !strcmp(fe.field, "photo")
		? "accept=\"image/*\" capture=\"environment\" multiple required aria-invalid=\"true\""
		: "accept=\"image/*\" capture=\"environment\" multiple required";
	html_printf(o, "<label class=\"hz-photo\"><span>%s <b class=\"req\">*</b></span>%r<small class=\"hint\">%s</small>",
		    T(r, "hazard.photo"), page_file_input(r, "photo", "form.photo_choose", photo_attrs),
		    T(r, "hazard.photo_hint"));
	form_field_error(r, &fe, "photo");
	if (field && (in->nphotos || !strcmp(fe.field, "photo")))
		html_printf(o, "<small class=\"field-error hz-photo-again\">%s</small>", T(r, "hazard.photo_again"));
	html_printf(o, "</label><output class=\"hz-previews\" aria-live=\"polite\"></output>");
	html_printf(o, "<label><span>%s <b class=\"req\">*</b></span><select name=\"area_id\" required>"
		       "<option value=\"\">%s</option>", T(r, "hazard.area"), T(r, "hazard.pick"));
	/* the places of the reporter's plant (auth_company_pattern: all of a group's for those
	 * whose scope is the group), and the one a QR code or a refused form chose: a plant of a
	 * group of three listed the group's 300 areas and 755 devices, 36 KB of the page's 74 */
	struct db_stmt *st = db_query(r->db, "SELECT a.id, a.name, a.latitude, a.longitude FROM areas a"
				      " JOIN units un ON un.id = a.unit_id WHERE a.active = 1 AND (un.path LIKE ? OR a.id = ?)"
				      " ORDER BY a.name", "tI", auth_company_pattern(r), area);
	while (st && db_step(st) == 1) {
		int64_t id = db_col_i64(st, 0);
		html_printf(o, "<option value=\"%D\"%r", id, id == area ? " selected" : "");
		if (!db_col_null(st, 2))
			html_printf(o, " data-lat=\"%s\" data-lng=\"%s\"", db_col_text(st, 2), db_col_text(st, 3));
		html_printf(o, ">%s</option>", db_col_text(st, 1));
	}
	db_done(r->db, st);
	html_printf(o, "</select>");
	form_field_error(r, &fe, "area_id");
	html_printf(o, "</label><button type=\"button\" class=\"hz-gps\" hidden>%s</button>", T(r, "hazard.gps"));
	html_printf(o, "<fieldset class=\"hz-cats\"><legend>%s <b class=\"req\">*</b></legend>", T(r, "hazard.category"));
	form_field_error(r, &fe, "category_id");
	st = db_query(r->db, "SELECT id, name_zh, name_en FROM hazard_categories WHERE active = 1 ORDER BY sort, id", NULL);
	while (st && db_step(st) == 1)
		html_printf(o, "<label class=\"hz-cat\"><input type=\"radio\" name=\"category_id\" value=\"%D\" required%r>"
			       "<span>%s</span></label>", db_col_i64(st, 0),
			    db_col_i64(st, 0) == in->category_id ? " checked" : "", cat_name(r, st, 1));
	db_done(r->db, st);
	html_printf(o, "</fieldset>");
	html_printf(o, "<label><span>%s</span><textarea name=\"description\" rows=\"3\" maxlength=\"2000\""
		       " placeholder=\"%s\">%s</textarea>", T(r, "hazard.description"), T(r, "hazard.description_hint"),
		    in->description ? in->description : "");
	form_field_error(r, &fe, "description");
	html_printf(o, "</label>");
	hazard_voice_box(r, o, 0);
	form_field_error(r, &fe, "voice");
	form_field_error(r, &fe, "captured_at");
	/* the optional part stays open when it holds the refused field */
	static const char *const more_fields[] = {"equipment_id", "level", "urgency", "factor_code", "criterion_id",
						   "near_miss", "anonymous", NULL};
	int open = 0;
	for (int i = 0; field && more_fields[i]; i++)
		open |= !strcmp(more_fields[i], fe.field);
	html_printf(o, "<details class=\"hz-more\"%r><summary>%s</summary><div class=\"stack\">",
		    open ? " open" : "", T(r, "hazard.more"));
	html_printf(o, "<label><span>%s</span><select name=\"equipment_id\"><option value=\"\">—</option>",
		    T(r, "hazard.equipment"));
	st = db_query(r->db, "SELECT e.id, e.code || ' ' || e.name FROM equipment e JOIN units un ON un.id = e.unit_id"
		      " WHERE e.active = 1 AND (un.path LIKE ? OR e.id = ?) ORDER BY e.code", "tI",
		      auth_company_pattern(r), in->equipment_id);
	while (st && db_step(st) == 1)
		html_printf(o, "<option value=\"%D\"%r>%s</option>", db_col_i64(st, 0),
			    db_col_i64(st, 0) == in->equipment_id ? " selected" : "", db_col_text(st, 1));
	db_done(r->db, st);
	html_printf(o, "</select>");
	form_field_error(r, &fe, "equipment_id");
	const char *lv = in->level ? in->level : "";
	html_printf(o, "</label><label><span>%s</span><select name=\"level\">"
		       "<option value=\"general\">%s</option><option value=\"major\"%r>%s</option></select>",
		    T(r, "hazard.level"), T(r, "hazard.level.general"), !strcmp(lv, "major") ? " selected" : "",
		    T(r, "hazard.level.major"));
	form_field_error(r, &fe, "level");
	const char *ug = in->urgency ? in->urgency : "";
	html_printf(o, "</label><label><span>%s</span><select name=\"urgency\"><option value=\"\">—</option>"
		       "<option value=\"A\"%r>%s</option><option value=\"B\"%r>%s</option><option value=\"C\"%r>%s</option>"
		       "</select>", T(r, "hazard.urgency"), !strcmp(ug, "A") ? " selected" : "", T(r, "hazard.urgency.A"),
		    !strcmp(ug, "B") ? " selected" : "", T(r, "hazard.urgency.B"), !strcmp(ug, "C") ? " selected" : "",
		    T(r, "hazard.urgency.C"));
	form_field_error(r, &fe, "urgency");
	html_printf(o, "</label><label><span>%s</span><select name=\"factor_code\"><option value=\"\">—</option>",
		    T(r, "hazard.factor"));
	const char *fc = in->factor_code ? in->factor_code : "";
	st = db_query(r->db, "SELECT code, name_zh, name_en, parent FROM hazard_factors ORDER BY code", NULL);
	while (st && db_step(st) == 1)
		html_printf(o, "<option value=\"%s\"%r>%s%s</option>", db_col_text(st, 0),
			    !strcmp(fc, db_col_text(st, 0)) ? " selected" : "", *db_col_text(st, 3) ? "· " : "",
			    cat_name(r, st, 1));
	db_done(r->db, st);
	html_printf(o, "</select>");
	form_field_error(r, &fe, "factor_code");
	html_printf(o, "</label>");
	if (hazard_setting(r->db, "hazard.allow_near_miss", 0))
		html_printf(o, "<label class=\"inline\"><input type=\"checkbox\" name=\"near_miss\" value=\"1\"%r>%s</label>",
			    in->near_miss ? " checked" : "", T(r, "hazard.near_miss_hint"));
	if (hazard_setting(r->db, "hazard.allow_anonymous", 0))
		html_printf(o, "<label class=\"inline\"><input type=\"checkbox\" name=\"anonymous\" value=\"1\"%r>%s</label>",
			    in->anonymous ? " checked" : "", T(r, "hazard.anonymous_hint"));
	form_field_error(r, &fe, "near_miss");
	form_field_error(r, &fe, "anonymous");
	form_field_error(r, &fe, "criterion_id");
	html_printf(o, "</div></details><p class=\"hz-status\" role=\"status\" aria-live=\"polite\"></p>"
		       "<button class=\"primary hz-send\">%s</button></form>", T(r, "hazard.send"));
	page_end(r);
}

static int report_page(struct req *r)
{
	report_form(r, NULL, NULL, NULL);
	return 0;
}

static int report_post(struct req *r)
{
	struct actor who;
	actor_from_req(r, &who);
	struct hazard_new in;
	const char *field, *key;
	hazard_new_read(r, &in);
	int64_t id = hazard_create(&who, &in, &field, &key);
	if (id < 0) {
		if (!field) {	/* storage trouble: nothing stored, nothing the reporter can fix */
			resp_error(r, 503, "unavailable", T(r, key), NULL);
			return 0;
		}
		/* the form again, values kept, the message under its field */
		r->status = FORM_STATUS_INVALID;
		report_form(r, &in, field, key);
		return 0;
	}
	resp_redirect(r, arena_printf(&r->arena, "/hazards/%lld?created=1", (long long)id));
	return 0;
}

/* ---- the list ---- */

static void list_row(struct req *r, struct db_stmt *st, void *ctx)
{
	struct strbuf *o = ctx;
	const char *thumb = db_col_text(st, 21);
	html_printf(o, "<li class=\"hz-item\"><a href=\"/hazards/%D\">", db_col_i64(st, 0));
	if (*thumb)
		html_printf(o, "<img class=\"hz-thumb\" src=\"/photos/%s?thumb=1\" alt=\"\" loading=\"lazy\" width=\"64\" height=\"64\">",
			    thumb);
	html_printf(o, "<div><strong>%s</strong> ", db_col_text(st, 1));
	badges(r, o, db_col_text(st, 2), db_col_text(st, 3), (int)db_col_i64(st, 11), !db_col_null(st, 12),
	       (int)db_col_i64(st, 17), (int)db_col_i64(st, 18));
	html_printf(o, "<p>%s · %s</p><p class=\"hint\">%s</p><small>%s %s · %s %s</small></div></a></li>",
		    db_col_text(st, 6), cat_name(r, st, 7), db_col_text(st, 5), T(r, "hazard.reported_at"),
		    page_time(r, db_col_i64(st, 9)), T(r, "hazard.assignee"), db_col_text(st, 15));
}

static void keep_query(struct req *r, struct strbuf *sb, const char *skip)
{
	const char *keys[] = {"q", "status", "level", "area_id", "unit_id", "category_id", "from", "to",
			      "overdue", "repeat", "mine", "equipment_id", "closed_from", "closed_to", "factor", "todo", NULL};
	for (int i = 0; keys[i]; i++) {
		const char *v = req_query(r, keys[i]);
		if (!v || !*v || (skip && !strcmp(skip, keys[i])))
			continue;
		sb_addf(sb, "%s%s=", sb->len ? "&" : "", keys[i]);
		url_encode(sb, v);
	}
}

static void select_opt(struct strbuf *o, const char *value, const char *label, const char *cur)
{
	html_printf(o, "<option value=\"%s\"%r>%s</option>", value, cur && !strcmp(cur, value) ? " selected" : "",
		    label);
}

static int list_page(struct req *r)
{
	struct hazard_filter f;
	hazard_filter_read(r, &f);
	if (hazard_list_cursor_refused(r, &f))
		return 0;
	struct strbuf *o = &r->out, rows = STRBUF_INIT, qs = STRBUF_INIT;
	struct hazard_list_args a;
	hazard_list_args_of(r, &f, &a);
	struct hazard_list_result res;
	struct row_req rr = {r, list_row, &rows};
	int rc = hazard_list_page(r->db, &a, f.cursor, f.page, f.per_page, row_to_req, &rr, &res);
	if (rc < -1) {	/* a cursor altered or of another filter: say so, and offer the first page */
		sb_release(&rows);
		resp_error(r, 422, "invalid", T(r, rc == HAZARD_LIST_OTHER_CURSOR ? "hazard.err_cursor_other"
										: "hazard.err_cursor"), "cursor");
		return 0;
	}
	int n = rc ? -1 : res.n;
	int64_t total = res.total;
	page_begin(r, T(r, "nav.hazards"));
	int mine = f.mine && !strcmp(f.mine, "1");
	int64_t my_unit = r->who->unit_id;
	html_printf(o, "<section class=\"card\"><h1>%s</h1><nav class=\"hz-tabs\">"
		       "<a href=\"/hazards?mine=1&amp;status=open\"%r>%s</a><a href=\"/hazards?unit_id=%D\"%r>%s</a>"
		       "<a href=\"/hazards\"%r>%s</a><a href=\"/hazards/ranking\">%s</a></nav>",
		    T(r, "nav.hazards"), mine ? " aria-current=\"page\"" : "", T(r, "hazard.tab_mine"), my_unit,
		    !mine && f.unit_id == my_unit ? " aria-current=\"page\"" : "", T(r, "hazard.tab_unit"),
		    !mine && !f.unit_id ? " aria-current=\"page\"" : "", T(r, "hazard.tab_all"), T(r, "hazard.ranking"));
	if (f.todo)	/* opened from the home page's "waiting for me": say which line */
		html_printf(o, "<p class=\"hz-todo\"><span class=\"badge warn\">%s</span></p>", TK(r, "hazard.todo.", f.todo));
	/* filters: a GET form, so a filtered list is a link one can send; folded in a <details> (no
	 * JavaScript needed) so that on a phone the results come first, not a screen of fields */
	html_printf(o, "<details class=\"hz-filters\"><summary class=\"button\">%s · %s</summary>"
		       "<form class=\"filters\" method=\"get\" action=\"/hazards\">",
		    T(r, "hazard.search"), T(r, "hazard.filter"));
	if (mine)
		html_printf(o, "<input type=\"hidden\" name=\"mine\" value=\"1\">");
	if (f.todo)
		html_printf(o, "<input type=\"hidden\" name=\"todo\" value=\"%s\">", f.todo);
	html_printf(o, "<label><span>%s</span><input type=\"search\" name=\"q\" value=\"%s\" placeholder=\"%s\"></label>",
		    T(r, "hazard.search"), f.q ? f.q : "", T(r, "hazard.search_hint"));
	html_printf(o, "<label><span>%s</span><select name=\"status\"><option value=\"\">—</option>", T(r, "hazard.status"));
	static const char *const statuses[] = {"open", "reported", "assigned", "planning", "plan_review", "rectifying",
					       "verifying", "closed", "cancelled", NULL};
	for (int i = 0; statuses[i]; i++)
		select_opt(o, statuses[i], TK(r, "hazard.status.", statuses[i]), f.status);
	html_printf(o, "</select></label><label><span>%s</span><select name=\"level\"><option value=\"\">—</option>",
		    T(r, "hazard.level"));
	select_opt(o, "general", T(r, "hazard.level.general"), f.level);
	select_opt(o, "major", T(r, "hazard.level.major"), f.level);
	html_printf(o, "</select></label><label><span>%s</span><select name=\"area_id\"><option value=\"\">—</option>",
		    T(r, "hazard.area"));
	options(r, o, "SELECT id, name FROM areas WHERE active = 1 ORDER BY name", f.area_id, 0);
	html_printf(o, "</select></label><label><span>%s</span><select name=\"unit_id\"><option value=\"\">—</option>",
		    T(r, "hazard.unit"));
	options(r, o, "SELECT id, name FROM units WHERE active = 1 AND kind <> 'team' ORDER BY path", f.unit_id, 0);
	html_printf(o, "</select></label><label><span>%s</span><select name=\"category_id\"><option value=\"\">—</option>",
		    T(r, "hazard.category"));
	options(r, o, "SELECT id, name_zh, name_en FROM hazard_categories ORDER BY sort, id", f.category_id, 1);
	html_printf(o, "</select></label><label><span>%s</span><input type=\"date\" name=\"from\" value=\"%s\">%r</label>"
		       "<label><span>%s</span><input type=\"date\" name=\"to\" value=\"%s\">%r</label>"
		       "<label class=\"inline\"><input type=\"checkbox\" name=\"overdue\" value=\"1\"%r>%s</label>"
		       "<label class=\"inline\"><input type=\"checkbox\" name=\"repeat\" value=\"1\"%r>%s</label>"
		       "<button>%s</button></form></details>",
		    T(r, "hazard.from"), f.from ? f.from : "", page_date_hint(r), T(r, "hazard.to"), f.to ? f.to : "",
		    page_date_hint(r),
		    f.overdue ? " checked" : "", T(r, "hazard.overdue"), f.repeat ? " checked" : "",
		    T(r, "hazard.repeat"), T(r, "hazard.filter"));
	keep_query(r, &qs, "page");
	/* page numbers where the set is small and counted; next/previous by cursor elsewhere */
	int numbered = !f.cursor && total >= 0 && !res.capped;
	if (total < 0)
		html_printf(o, "<p class=\"hz-count\">%s", T(r, "hazard.count_unknown"));
	else if (res.capped)
		html_printf(o, "<p class=\"hz-count\">%s: %D+", T(r, "hazard.count"), (int64_t)HAZARD_COUNT_CAP);
	else
		html_printf(o, "<p class=\"hz-count\">%s: %D", T(r, "hazard.count"), total);
	if (auth_has(r, "hazard.export"))
		html_printf(o, " · <a href=\"/hazards/export.csv?%s\">CSV</a> · <a href=\"/hazards/export.xlsx?%s\">Excel</a>",
			    qs.buf, qs.buf);
	html_printf(o, "</p><ul class=\"list hz-list\">%r", html_raw_sb(&rows));
	if (n <= 0)
		html_printf(o, "<li class=\"empty\">%s</li>", T(r, "hazard.none"));
	html_printf(o, "</ul><nav class=\"pager\" aria-label=\"%s\">", T(r, "hazard.pages"));
	const char *amp = qs.len ? "&" : "";
	if (numbered) {
		int64_t pages = total ? (total + f.per_page - 1) / f.per_page : 1;
		if (f.page > 1)
			html_printf(o, "<a class=\"button\" rel=\"prev\" href=\"/hazards?%s%spage=%d\">%s</a>", qs.buf, amp,
				    f.page - 1, T(r, "hazard.prev"));
		else
			html_printf(o, "<span></span>");
		html_printf(o, "<span class=\"hz-pageno\">%s %d / %D</span>", T(r, "hazard.page"), f.page, pages);
		if ((int64_t)f.page * f.per_page < total)
			html_printf(o, "<a class=\"button\" rel=\"next\" href=\"/hazards?%s%spage=%d\">%s</a>", qs.buf, amp,
				    f.page + 1, T(r, "hazard.next"));
		else
			html_printf(o, "<span></span>");
	} else {
		if (*res.prev)
			html_printf(o, "<a class=\"button\" rel=\"prev\" href=\"/hazards?%s%scursor=%s\">%s</a>", qs.buf, amp,
				    res.prev, T(r, "hazard.prev"));
		else
			html_printf(o, "<span></span>");
		if (*res.next)
			html_printf(o, "<a class=\"button\" rel=\"next\" href=\"/hazards?%s%scursor=%s\">%s</a>", qs.buf, amp,
				    res.next, T(r, "hazard.next"));
	}
	html_printf(o, "</nav></section>");
	sb_release(&rows);
	sb_release(&qs);
	page_end(r);
	return 0;
}

/* ---- the detail page ---- */

/* A hazard's photos, read once for its page: the strip under the description shows them
 * all, each step of the timeline its own (one statement, not one more per step). */
struct photo_set {
	int n;
	struct shot {
		const char *sha, *kind;
		int orig;		/* has an unmarked original */
		int64_t event;		/* the step that added it; 0: none */
	} *p;
};

static void photos_load(struct req *r, int64_t id, struct photo_set *ps)
{
	struct db_stmt *st = hazard_detail_photos(r->db, id);
	int cap = 0;
	ps->n = 0;
	ps->p = NULL;
	while (st && db_step(st) == 1) {
		if (ps->n == cap) {
			cap = cap ? cap * 2 : 8;
			struct shot *grown = arena_alloc(&r->arena, sizeof(*grown) * (size_t)cap);
			if (ps->n)
				memcpy(grown, ps->p, sizeof(*grown) * (size_t)ps->n);
			ps->p = grown;
		}
		struct shot *s = &ps->p[ps->n++];
		s->sha = arena_strdup(&r->arena, db_col_text(st, 0));
		s->kind = arena_strdup(&r->arena, db_col_text(st, 1));
		s->orig = (int)db_col_i64(st, 2);
		s->event = db_col_i64(st, 3);
	}
	db_done(r->db, st);
}

/* The photos of one step (event), or all of them (event 0). */
static void photo_strip(struct req *r, struct strbuf *o, const struct photo_set *ps, int64_t event)
{
	/* the safety department (hazard.photo_original) also gets a link to the unmarked original
	 * of each watermarked photo; nobody else sees that it exists */
	int orig = auth_has(r, "hazard.photo_original");
	int n = 0;
	for (int i = 0; i < ps->n; i++) {
		const struct shot *s = &ps->p[i];
		if (event && s->event != event)
			continue;
		if (!n++)
			html_printf(o, "<div class=\"hz-photos\">");
		html_printf(o, "<span class=\"hz-shot\"><a href=\"/photos/%s\"><img src=\"/photos/%s?thumb=1\" alt=\"%s\" loading=\"lazy\"></a>",
			    s->sha, s->sha, TK(r, "hazard.photo_kind.", s->kind));
		if (orig && s->orig)
			html_printf(o, "<a class=\"hz-orig\" href=\"/photos/%s/original\">%s</a>", s->sha, T(r, "hazard.photo_original"));
		html_printf(o, "</span>");
	}
	if (n)
		html_printf(o, "</div>");
}

/* Who may be made the rectifier: the active people of the hazard's plant (the company on its
 * unit's path; the whole tree where no company lies above it) who hold hazard.rectify. Not
 * every plant's staff: a plant's safety officer picks among his own plant's people, and a
 * group's other plants' names are not his to list (at 2,000 people the list was 2,000
 * options and a sixth of a detail page's CPU). The rows are replayed from the memo while
 * nothing has been written (db_query_memo): people and roles change seldom. The role test
 * is an EXISTS, not a DISTINCT over the roles joined: PostgreSQL refuses a DISTINCT ordered
 * by a column it does not select, and the list there was empty. */
static void user_options(struct req *r, struct strbuf *o, const struct hazard_row *h, int64_t selected)
{
	struct db_stmt *st = db_query_memo(r->db,
		"SELECT u.id, u.name || ' · ' || n.name FROM users u JOIN units n ON n.id = u.unit_id"
		" WHERE u.active = 1 AND EXISTS (SELECT 1 FROM user_roles ur JOIN roles ro ON ro.id = ur.role_id"
		" WHERE ur.user_id = u.id AND (' ' || ro.permissions || ' ') LIKE '% hazard.rectify %')"
		" AND n.path LIKE coalesce((SELECT co.path FROM units hu JOIN units co ON co.kind = 'company'"
		" AND hu.path LIKE co.path || '%' WHERE hu.id = ? ORDER BY length(co.path) DESC LIMIT 1), '') || '%'"
		" ORDER BY n.path, u.id", "I", h->unit_id);
	while (st && db_step(st) == 1)
		html_printf(o, "<option value=\"%D\"%r>%s</option>", db_col_i64(st, 0),
			    db_col_i64(st, 0) == selected ? " selected" : "", db_col_text(st, 1));
	db_done(r->db, st);
}

/* Hold to speak instead of typing with gloves on (static/voice.js; hidden without
 * MediaRecorder; loaded by static/offline.js after the page). The report form sends the clip
 * itself (static/hazard.js, the offline queue), with its length in voice_seconds (an input
 * voice.js adds, keeping the report page's first paint small);
 * other forms (rectification, a check) carry it in a hidden file input that voice.js fills, so
 * a plain form post takes it along, with the recorder's length in voice_seconds. */
void hazard_voice_box(struct req *r, struct strbuf *o, int input)
{
	html_printf(o, "<div class=\"hz-voice\" data-max=\"%D\" data-src=\"%s\" hidden><button type=\"button\" class=\"hz-rec\""
		       " data-hold=\"%s\" data-rec=\"%s\">%s</button><audio class=\"hz-voice-play\" controls hidden></audio>"
		       "<button type=\"button\" class=\"link hz-voice-del\" hidden>%s</button>%r</div>",
		    hazard_setting(r->db, "hazard.voice_max_seconds", 60), static_url("voice.js"), T(r, "hazard.voice_hold"),
		    T(r, "hazard.voice_recording"), T(r, "hazard.voice_hold"), T(r, "hazard.voice_delete"),
		    input ? "<input type=\"file\" name=\"voice\" class=\"hz-voice-file\" hidden tabindex=\"-1\">" : "");
}

static void note_field(struct req *r, struct strbuf *o, const char *label_key, int required)
{
	html_printf(o, "<label><span>%s%r</span><textarea name=\"note\" rows=\"2\"%r></textarea></label>",
		    T(r, label_key), required ? " <b class=\"req\">*</b>" : "", required ? " required" : "");
}

/* The report's voice notes, played in the page (GET /voice/:sha serves the clip). */
static void voice_strip(struct req *r, struct strbuf *o, int64_t id)
{
	struct db_stmt *st = hazard_detail_voice(r->db, id);
	while (st && db_step(st) == 1)
		html_printf(o, "<p class=\"hz-voice-note\"><span>%s · %s%s%s</span><audio controls preload=\"none\" src=\"/voice/%s\"></audio></p>",
			    T(r, "hazard.voice"), *db_col_text(st, 1) ? db_col_text(st, 1) : T(r, "hazard.mark_anonymous"),
			    db_col_i64(st, 2) ? " · " : "", db_col_i64(st, 2) ? page_time(r, db_col_i64(st, 2)) : "", db_col_text(st, 0));
	db_done(r->db, st);
}

static void photo_field(struct req *r, struct strbuf *o, int required)
{
	html_printf(o, "<label><span>%s%r</span>%r</label>", T(r, "hazard.after_photo"),
		    required ? " <b class=\"req\">*</b>" : "",
		    page_file_input(r, "photo", "form.photo_choose",
				    required ? "accept=\"image/*\" capture=\"environment\" multiple required"
					     : "accept=\"image/*\" capture=\"environment\" multiple"));
}

/* One form per action; those that need input fold into <details>. */
static void action_form(struct req *r, struct strbuf *o, const struct hazard_row *h, const char *act)
{
	int simple = !strcmp(act, "start") || !strcmp(act, "verify") || !strcmp(act, "approve_plan") ||
		     !strcmp(act, "report_regulator") || !strcmp(act, "merge");
	const char *label = TK(r, "hazard.act.", act);
	if (!simple)
		html_printf(o, "<details class=\"hz-act\"><summary class=\"button\">%s</summary>", label);
	html_printf(o, "<form class=\"stack js-shrink hz-act-%s\" method=\"post\" action=\"/hazards/%D/act\""
		       " enctype=\"multipart/form-data\">%r<input type=\"hidden\" name=\"action\" value=\"%s\">",
		    act, h->id, page_csrf(r), act);
	if (!strcmp(act, "accept")) {
		html_printf(o, "<label><span>%s</span><select name=\"level\">", T(r, "hazard.level"));
		select_opt(o, "general", T(r, "hazard.level.general"), h->level);
		select_opt(o, "major", T(r, "hazard.level.major"), h->level);
		html_printf(o, "</select></label><label><span>%s</span><select name=\"urgency\">", T(r, "hazard.urgency"));
		select_opt(o, "A", T(r, "hazard.urgency.A"), h->urgency);
		select_opt(o, "B", T(r, "hazard.urgency.B"), h->urgency);
		select_opt(o, "C", T(r, "hazard.urgency.C"), h->urgency);
		html_printf(o, "</select></label><label><span>%s</span><select name=\"criterion_id\"><option value=\"\">—</option>",
			    T(r, "hazard.criterion"));
		options(r, o, "SELECT id, '第' || article || '条 (' || item || ') ' || substr(text, 1, 40) FROM hazard_criteria"
			       " ORDER BY article, item", 0, 0);
		html_printf(o, "</select></label><label><span>%s</span><select name=\"assignee_id\"><option value=\"\">—</option>",
			    T(r, "hazard.assignee"));
		user_options(r, o, h, 0);
		html_printf(o, "</select></label>");
		note_field(r, o, "hazard.note", 0);
	} else if (!strcmp(act, "reassign")) {
		html_printf(o, "<label><span>%s <b class=\"req\">*</b></span><select name=\"assignee_id\" required>"
			       "<option value=\"\">—</option>", T(r, "hazard.assignee"));
		user_options(r, o, h, 0);
		html_printf(o, "</select></label>");
		note_field(r, o, "hazard.reason", 1);
	} else if (!strcmp(act, "submit") || !strcmp(act, "fix_on_spot")) {
		note_field(r, o, "hazard.rectify_note", !strcmp(act, "submit"));
		photo_field(r, o, 1);
		hazard_voice_box(r, o, 1);
	} else if (!strcmp(act, "reject") || !strcmp(act, "cancel") || !strcmp(act, "return_plan")) {
		note_field(r, o, "hazard.reason", 1);
	} else if (!strcmp(act, "assess")) {
		note_field(r, o, "hazard.assessment", 1);
	} else if (!strcmp(act, "submit_plan")) {
		static const char *const parts[6] = {"goal", "method", "funding", "organization", "deadline_text", "safety"};
		for (int i = 0; i < 6; i++)
			html_printf(o, "<label><span>%s <b class=\"req\">*</b></span><textarea name=\"%s\" rows=\"2\" required>"
				       "</textarea></label>", TK(r, "hazard.plan.", parts[i]), parts[i]);
		html_printf(o, "<label><span>%s <b class=\"req\">*</b></span><input type=\"date\" name=\"due_date\" required>%r</label>",
			    T(r, "hazard.plan.due"), page_date_hint(r));
	}
	html_printf(o, "<button class=\"%s\">%s</button></form>", simple ? "primary" : "primary", label);
	if (!simple)
		html_printf(o, "</details>");
}

/* The actions whose confirmation the detail page shows after the redirect (?done=). */
static const char *const done_notices[] = {"accept", "reassign", "start", "submit", "verify", "reject", "assess",
					   "submit_plan", "approve_plan", "return_plan", "report_regulator",
					   "cancel", "fix_on_spot", "saved", NULL};

static int hazard_done_known(const char *action)
{
	for (int i = 0; action && done_notices[i]; i++)
		if (!strcmp(done_notices[i], action))
			return 1;
	return 0;
}

/* ---- sections of other modules on a hazard's page (hazard.h) ---- */

static const struct hazard_section *const *sections;

void hazard_sections_set(const struct hazard_section *const *list)
{
	sections = list;
}

/* The hazard's page; section `again_of`, when the caller's refused form was its own, is drawn
 * with `again` (what was typed and the message). */
static int detail_render(struct req *r, int64_t id, const struct hazard_section *again_of, const void *again)
{
	struct actor who;
	actor_from_req(r, &who);
	struct hazard_row h;
	if (!hazard_visible(&who, id) || hazard_load(r->db, id, &h)) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	struct db_stmt *st = hazard_detail_row(r->db, id);
	if (!st || db_step(st) != 1) {
		db_done(r->db, st);
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	struct strbuf *o = &r->out;
	page_begin(r, h.number);
	html_printf(o, "<script src=\"%s\" defer></script>", static_url("hazard.js"));
	if (req_query_flag(r, "created", 0))
		page_notice(r, "ok", arena_printf(&r->arena, "%s %s", T(r, "hazard.created"), h.number));
	const char *done = NULL;
	if (req_query_enum(r, "done", done_notices, &done) == 1) {
		/* a dispatch names the person it went to: that is who acts next */
		int names = (!strcmp(done, "accept") || !strcmp(done, "reassign")) && *db_col_text(st, 6);
		page_notice(r, "ok", arena_printf(&r->arena, "%s%s%s", TK(r, "hazard.done.", done),
						  names ? " " : "", names ? db_col_text(st, 6) : ""));
	}
	html_printf(o, "<section class=\"card hz-detail\"><h1>%s</h1><p>", h.number);
	badges(r, o, h.status, h.level, (int)db_col_i64(st, 10), !db_col_null(st, 11), (int)db_col_i64(st, 13),
	       (int)db_col_i64(st, 14));
	html_printf(o, "</p>");
	if (*db_col_text(st, 0))
		html_printf(o, "<p class=\"hz-desc\">%s</p>", db_col_text(st, 0));
	struct photo_set photos;
	photos_load(r, id, &photos);
	photo_strip(r, o, &photos, 0);
	voice_strip(r, o, id);
	int64_t rectify_due = db_col_i64(st, 9);
	html_printf(o, "<dl class=\"facts\"><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
		       "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>",
		    T(r, "hazard.area"), db_col_text(st, 1), T(r, "hazard.category"), cat_name(r, st, 2),
		    T(r, "hazard.unit"), db_col_text(st, 4), T(r, "hazard.level"), TK(r, "hazard.level.", h.level),
		    T(r, "hazard.urgency"), TK(r, "hazard.urgency.", h.urgency), T(r, "hazard.reporter"),
		    db_col_i64(st, 12) ? T(r, "hazard.anonymous") : *db_col_text(st, 5) ? db_col_text(st, 5)
		    : T(r, "hazard.reporter_system"),	/* raised by the system (a sensor's alarm) */
		    T(r, "hazard.assignee"), db_col_text(st, 6));
	if (*db_col_text(st, 15))
		html_printf(o, "<dt>%s</dt><dd>%s</dd>", T(r, "hazard.equipment"), db_col_text(st, 15));
	if (*db_col_text(st, 17))
		html_printf(o, "<dt>%s</dt><dd>%s</dd>", T(r, "hazard.factor"), db_col_text(st, 17));
	if (*db_col_text(st, 16))
		html_printf(o, "<dt>%s</dt><dd>%s</dd>", T(r, "hazard.criterion"), db_col_text(st, 16));
	html_printf(o, "<dt>%s</dt><dd>%s</dd>", T(r, "hazard.reported_at"), page_time(r, db_col_i64(st, 7)));
	if (!strcmp(h.status, "reported"))
		html_printf(o, "<dt>%s</dt><dd>%s</dd>", T(r, "hazard.respond_due"), page_time(r, db_col_i64(st, 8)));
	html_printf(o, "<dt>%s</dt><dd>%s</dd>", T(r, "hazard.rectify_due"), page_time(r, rectify_due));
	if (*db_col_text(st, 22))
		html_printf(o, "<dt>%s</dt><dd>%s</dd>", T(r, "hazard.rectifier"), db_col_text(st, 22));
	if (*db_col_text(st, 21))
		html_printf(o, "<dt>%s</dt><dd>%s</dd>", T(r, "hazard.verifier"), db_col_text(st, 21));
	if (db_col_i64(st, 18))
		html_printf(o, "<dt>%s</dt><dd>%s</dd>", T(r, "hazard.closed_at"), page_time(r, db_col_i64(st, 18)));
	if (*db_col_text(st, 20))
		html_printf(o, "<dt>%s</dt><dd><a href=\"/hazards/%D\">%s</a></dd>", T(r, "hazard.repeat_of"),
			    db_col_i64(st, 11), db_col_text(st, 20));
	/* flagged at report time: the same place and category as a hazard still open (or merged) */
	if (*db_col_text(st, 24))
		html_printf(o, "<dt>%s</dt><dd class=\"hz-duplicate\">%s <a href=\"/hazards/%D\">%s</a></dd>",
			    T(r, "hazard.duplicate_of"),
			    T(r, !strcmp(h.status, "cancelled") ? "hazard.duplicate_merged" : "hazard.duplicate_probable"),
			    db_col_i64(st, 23), db_col_text(st, 24));
	if (!strcmp(h.level, "major"))
		html_printf(o, "<dt>%s</dt><dd>%s</dd>", T(r, "hazard.regulator"),
			    db_col_i64(st, 19) ? page_time(r, db_col_i64(st, 19)) : T(r, "hazard.regulator_no"));
	html_printf(o, "</dl>");
	db_done(r->db, st);

	/* 治理方案 of a major hazard */
	st = hazard_detail_plan(r->db, id);
	if (st && db_step(st) == 1) {
		static const char *const parts[6] = {"goal", "method", "funding", "organization", "deadline_text", "safety"};
		html_printf(o, "<h2>%s</h2><dl class=\"facts\">", T(r, "hazard.plan"));
		for (int i = 0; i < 6; i++)
			html_printf(o, "<dt>%s</dt><dd>%s</dd>", TK(r, "hazard.plan.", parts[i]), db_col_text(st, i));
		html_printf(o, "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd></dl>",
			    T(r, "hazard.plan.due"), page_time(r, db_col_i64(st, 6)), T(r, "hazard.plan.director"),
			    db_col_i64(st, 7) ? page_time(r, db_col_i64(st, 7)) : T(r, "hazard.plan.pending"),
			    T(r, "hazard.plan.principal"),
			    db_col_i64(st, 8) ? page_time(r, db_col_i64(st, 8)) : T(r, "hazard.plan.pending"));
	}
	db_done(r->db, st);

	const char *acts[16];
	int na = hazard_actions_for(&who, &h, acts, 16);
	if (na) {
		html_printf(o, "<div class=\"hz-actions\">");
		for (int i = 0; i < na; i++)
			action_form(r, o, &h, acts[i]);
		html_printf(o, "</div>");
	}
	html_printf(o, "</section>");
	/* what other modules add (the co-working group and its thread, 协同任务组, src/duty) */
	for (const struct hazard_section *const *sp = sections; sp && *sp; sp++)
		if (!(*sp)->perm || auth_has(r, (*sp)->perm))
			(*sp)->draw(r, id, *sp == again_of ? again : NULL);

	/* the timeline: every step, who, when, note and photos */
	html_printf(o, "<section class=\"card\"><h2>%s</h2><ol class=\"hz-timeline\">", T(r, "hazard.timeline"));
	st = hazard_detail_events(r->db, id);
	int64_t prev = 0;
	while (st && db_step(st) == 1) {
		int64_t at = db_col_i64(st, 1);
		int hide = db_col_i64(st, 7) && db_col_i64(st, 8);
		html_printf(o, "<li><div class=\"hz-when\">%s", page_time(r, at));
		if (prev) {
			int64_t mins = (at - prev) / 60;
			html_printf(o, " <small>+%D %s</small>", mins >= 120 ? mins / 60 : mins,
				    T(r, mins >= 120 ? "hazard.hours" : "hazard.minutes"));
		}
		html_printf(o, "</div><strong>%s</strong> · %s", TK(r, "hazard.act.", db_col_text(st, 2)),
			    hide ? T(r, "hazard.anonymous") : db_col_text(st, 6));
		if (*db_col_text(st, 3) && strcmp(db_col_text(st, 3), db_col_text(st, 4)))
			html_printf(o, " <small>%s → %s</small>", TK(r, "hazard.status.", db_col_text(st, 3)),
				    TK(r, "hazard.status.", db_col_text(st, 4)));
		if (*db_col_text(st, 5))
			html_printf(o, "<p>%s</p>", db_col_text(st, 5));
		photo_strip(r, o, &photos, db_col_i64(st, 0));
		html_printf(o, "</li>");
		prev = at;
	}
	db_done(r->db, st);
	html_printf(o, "</ol></section>");
	page_end(r);
	return 0;
}

static int detail_page(struct req *r)
{
	int64_t id;
	if (req_param_id(r, "id", &id)) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	return detail_render(r, id, NULL, NULL);
}

int hazard_page_again(struct req *r, int64_t id, int status, const struct hazard_section *s, const void *again)
{
	r->status = status;
	return detail_render(r, id, s, again);
}

static int act_post(struct req *r)
{
	struct actor who;
	actor_from_req(r, &who);
	int64_t id;
	struct hazard_action_in in;
	const char *key, *field;
	if (req_param_id(r, "id", &id)) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	const char *action = req_field(r, "action");
	hazard_action_read(r, &in);
	int status = hazard_act(&who, id, action ? action : "", &in, &key, &field);
	if (status) {
		resp_error(r, status, "refused", T(r, key), field);
		return 0;
	}
	/* the next page says what happened and what comes next (hazard.done.<action>) */
	resp_redirect(r, arena_printf(&r->arena, "/hazards/%lld?done=%s", (long long)id,
				      hazard_done_known(action) ? action : "saved"));
	return 0;
}

/* ---- photos ---- */

/* The photo's hash if the viewer may see a hazard that uses it, else NULL (404 answered). */
static const char *photo_visible(struct req *r)
{
	struct actor who;
	actor_from_req(r, &who);
	const char *sha = req_param(r, "sha");
	if (!sha || strlen(sha) != 64 || strspn(sha, "0123456789abcdef") != 64) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return NULL;
	}
	/* only to someone who may see a hazard that uses the photo */
	int64_t ids[16];
	int n = 0, ok = 0;
	struct db_stmt *st = db_query(r->db, "SELECT DISTINCT hazard_id FROM hazard_photos WHERE sha256 = ? LIMIT 16", "t", sha);
	while (st && db_step(st) == 1)
		ids[n++] = db_col_i64(st, 0);
	db_done(r->db, st);
	for (int i = 0; i < n && !ok; i++)
		ok = hazard_visible(&who, ids[i]);
	if (!ok) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return NULL;
	}
	return sha;
}

/* The blob named by the first column of st's row (the photo, its thumbnail or its original,
 * whichever the query picked after the access check), from the blob store. */
static void photo_send(struct req *r, struct db_stmt *st)
{
	struct blob b = {0};
	int got = st && db_step(st) == 1 ? blob_get(r->db, db_col_text(st, 0), &b) : 0;
	db_done(r->db, st);
	if (got == 1) {
		resp_text(r, 200, "image/jpeg", (const char *)b.bytes, b.len);
		resp_header(r, "Content-Disposition", "inline");
		/* content-addressed: the bytes behind a URL never change */
		resp_header(r, "Cache-Control", "private, max-age=31536000, immutable");
	} else {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
	}
	blob_free(&b);
}

static int photo_get(struct req *r)
{
	const char *sha = photo_visible(r);
	if (!sha)
		return 0;
	int thumb = req_query_flag(r, "thumb", 0);
	photo_send(r, db_query(r->db, thumb ? "SELECT thumb_sha256 FROM blobs WHERE sha256 = ? AND thumb_sha256 IS NOT NULL"
					     : "SELECT sha256 FROM blobs WHERE sha256 = ?", "t", sha));
	return 0;
}

/* A voice note, to someone who may see a hazard it belongs to. The type is the one the magic
 * bytes gave at upload (hazard_voice_type: audio only), the browser may not sniff another
 * (nosniff on every response, server.c), and
 * a download gets a plain file name. */
static int voice_get(struct req *r)
{
	struct actor who;
	actor_from_req(r, &who);
	const char *sha = req_param(r, "sha");
	int ok = 0;
	if (sha && strlen(sha) == 64 && strspn(sha, "0123456789abcdef") == 64) {
		int64_t ids[16];
		int n = 0;
		struct db_stmt *st = db_query(r->db, "SELECT hazard_id FROM hazard_voice WHERE sha256 = ? LIMIT 16", "t", sha);
		while (st && db_step(st) == 1)
			ids[n++] = db_col_i64(st, 0);
		db_done(r->db, st);
		for (int i = 0; i < n && !ok; i++)
			ok = hazard_visible(&who, ids[i]);
	}
	struct blob b = {0};
	if (ok && blob_get(r->db, sha, &b) == 1) {
		const char *mime = !strcmp(b.mime, "audio/ogg") || !strcmp(b.mime, "audio/mp4") ? b.mime : "audio/webm";
		const char *ext = !strcmp(mime, "audio/ogg") ? "ogg" : !strcmp(mime, "audio/mp4") ? "m4a" : "webm";
		resp_text(r, 200, arena_strdup(&r->arena, mime), (const char *)b.bytes, b.len);
		resp_header(r, "Content-Disposition", arena_printf(&r->arena, "inline; filename=\"voice-%.12s.%s\"", sha, ext));
		resp_header(r, "Cache-Control", "private, max-age=31536000, immutable");
	} else {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
	}
	blob_free(&b);
	return 0;
}

/* The unmarked original of a watermarked photo: hazard.photo_original (the safety
 * department) on top of seeing the hazard; 404 for a photo stored without a watermark. */
static int photo_original_get(struct req *r)
{
	const char *sha = photo_visible(r);
	if (!sha)
		return 0;
	photo_send(r, db_query(r->db, "SELECT original_sha256 FROM photo_originals WHERE sha256 = ?", "t", sha));
	return 0;
}

/* ---- export ---- */

struct export {
	struct strbuf csv;
	lxw_worksheet *ws;
	int row;
};

#define EXPORT_COLS 12
static const char *const export_head[EXPORT_COLS] = {
	"hazard.number", "hazard.status", "hazard.level", "hazard.urgency", "hazard.area", "hazard.category",
	"hazard.description", "hazard.reporter", "hazard.assignee", "hazard.reported_at", "hazard.rectify_due",
	"hazard.overdue"};

static void export_row(struct req *r, struct db_stmt *st, void *ctx)
{
	struct export *x = ctx;
	const char *cells[EXPORT_COLS] = {
		db_col_text(st, 1), TK(r, "hazard.status.", db_col_text(st, 2)), TK(r, "hazard.level.", db_col_text(st, 3)),
		db_col_text(st, 4), db_col_text(st, 6), cat_name(r, st, 7), db_col_text(st, 5),
		db_col_i64(st, 13) ? T(r, "hazard.anonymous") : db_col_text(st, 14), db_col_text(st, 15),
		page_time(r, db_col_i64(st, 9)), page_time(r, db_col_i64(st, 10)),
		db_col_i64(st, 11) ? T(r, "hazard.yes") : ""};
	if (x->ws) {
		/* an XLSX cell written as a string is never a formula; the quote keeps the two
		 * exports showing the same text */
		for (int i = 0; i < EXPORT_COLS; i++)
			worksheet_write_string(x->ws, (lxw_row_t)x->row, (lxw_col_t)i,
					       csv_formula_risk(cells[i]) ? arena_printf(&r->arena, "'%s", cells[i]) : cells[i],
					       NULL);
	} else {
		csv_row(&x->csv, EXPORT_COLS, cells);
	}
	x->row++;
}

static int export_csv(struct req *r)
{
	struct hazard_filter f;
	struct export x = {STRBUF_INIT, NULL, 1};
	hazard_filter_read(r, &f);
	csv_begin(&x.csv);	/* base/csv.h: BOM, quoting, the formula guard */
	for (int i = 0; i < EXPORT_COLS; i++)
		csv_field(&x.csv, T(r, export_head[i]), i == EXPORT_COLS - 1);
	hazard_list_query(r, &f, 50000, 0, export_row, &x, NULL);
	resp_text(r, 200, "text/csv; charset=utf-8", x.csv.buf, x.csv.len);
	resp_header(r, "Content-Disposition", "attachment; filename=\"hazards.csv\"");
	sb_release(&x.csv);
	return 0;
}

static int export_xlsx(struct req *r)
{
	struct hazard_filter f;
	hazard_filter_read(r, &f);
	char *path = NULL;
	lxw_workbook *wb = xlsx_open(&path);
	lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, NULL) : NULL;
	struct strbuf data = STRBUF_INIT;
	if (ws) {
		for (int i = 0; i < EXPORT_COLS; i++)
			worksheet_write_string(ws, 0, (lxw_col_t)i, T(r, export_head[i]), NULL);
		worksheet_set_column(ws, 0, 0, 18, NULL);
		worksheet_set_column(ws, 6, 6, 40, NULL);
		struct export x = {STRBUF_INIT, ws, 1};
		hazard_list_query(r, &f, 50000, 0, export_row, &x, NULL);
	}
	if (xlsx_finish(wb, path, &data) || !ws) {
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
	} else {
		resp_text(r, 200, XLSX_MIME, data.buf, data.len);
		resp_header(r, "Content-Disposition", "attachment; filename=\"hazards.xlsx\"");
	}
	sb_release(&data);
	return 0;
}

/* ---- the monthly ranking (积分) ---- */

static int ranking_page(struct req *r)
{
	const char *month = req_query(r, "month");
	int y, m;
	char tail;
	int64_t now = clock_now();
	if (month && *month && (sscanf(month, "%4d-%2d%c", &y, &m, &tail) != 2 || m < 1 || m > 12 || y < 2000 || y > 2200))
		req_bad_param(r, "month");
	if (!month || sscanf(month, "%4d-%2d%c", &y, &m, &tail) != 2 || m < 1 || m > 12 || y < 2000 || y > 2200) {
		char buf[16];
		clock_format(now, "%Y-%m", buf, sizeof(buf));
		sscanf(buf, "%4d-%2d", &y, &m);
	}
	int64_t start = parse_day(arena_printf(&r->arena, "%04d-%02d-01", y, m));
	int64_t end = parse_day(arena_printf(&r->arena, "%04d-%02d-01", m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1));
	struct strbuf *o = &r->out;
	page_begin(r, T(r, "hazard.ranking"));
	html_printf(o, "<section class=\"card\"><h1>%s</h1><form class=\"filters\" method=\"get\">"
		       "<label><span>%s</span>", T(r, "hazard.ranking"), T(r, "hazard.month"));
	page_month_select(r, "month", arena_printf(&r->arena, "%04d-%02d", y, m));
	html_printf(o, "</label><button>%s</button></form>", T(r, "hazard.filter"));
	html_printf(o, "<h2>%s</h2><div class=\"table-wrap\"><table><thead><tr><th>#</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
		    T(r, "hazard.ranking_teams"), T(r, "hazard.unit"), T(r, "hazard.points"), T(r, "hazard.people"));
	/* the viewer finds their own team and themselves by a class and a word, not colour alone */
	int64_t my_unit = r->who->unit_id, my_id = r->who->user_id;
	struct db_stmt *st = db_query(r->db, "SELECT n.name, sum(p.points), count(DISTINCT p.user_id), p.unit_id = ?"
					   " FROM points p JOIN units n ON n.id = p.unit_id WHERE p.at >= ? AND p.at < ?"
					   " GROUP BY p.unit_id, n.name ORDER BY 2 DESC, n.name LIMIT 50", "III", my_unit,
				      start, end);
	int i = 0;
	while (st && db_step(st) == 1) {
		int mine = db_col_i64(st, 3) != 0;
		html_printf(o, "<tr%r><td>%d</td><td>%s%r%s%r</td><td>%D</td><td>%D</td></tr>",
			    mine ? " class=\"mine\"" : "", ++i, db_col_text(st, 0),
			    mine ? " <strong class=\"me-tag\">" : "", mine ? T(r, "hazard.rank_my_team") : "",
			    mine ? "</strong>" : "", db_col_i64(st, 1), db_col_i64(st, 2));
	}
	db_done(r->db, st);
	if (!i)
		html_printf(o, "<tr><td colspan=\"4\">%s</td></tr>", T(r, "hazard.none"));
	html_printf(o, "</tbody></table></div><h2>%s</h2><div class=\"table-wrap\"><table><thead><tr><th>#</th>"
		       "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
		    T(r, "hazard.ranking_people"), T(r, "hazard.person"), T(r, "hazard.unit"), T(r, "hazard.points"));
	st = db_query(r->db, "SELECT u.name, n.name, sum(p.points), p.user_id = ? FROM points p"
			     " JOIN users u ON u.id = p.user_id JOIN units n ON n.id = p.unit_id WHERE p.at >= ? AND p.at < ?"
			     " GROUP BY p.user_id, u.name, n.name ORDER BY 3 DESC, u.name LIMIT 20", "III", my_id,
		      start, end);
	i = 0;
	while (st && db_step(st) == 1) {
		int mine = db_col_i64(st, 3) != 0;
		html_printf(o, "<tr%r><td>%d</td><td>%s%r%s%r</td><td>%s</td><td>%D</td></tr>",
			    mine ? " class=\"mine\"" : "", ++i, db_col_text(st, 0),
			    mine ? " <strong class=\"me-tag\">" : "", mine ? T(r, "hazard.rank_me") : "",
			    mine ? "</strong>" : "", db_col_text(st, 1), db_col_i64(st, 2));
	}
	db_done(r->db, st);
	html_printf(o, "</tbody></table></div></section>");
	page_end(r);
	return 0;
}

const struct route hazard_routes[] = {
	{"GET", "/hazards/new", report_page, "hazard.report", 0, "Report a hazard (phone page: photo, place, category)"},
	{"POST", "/hazards", report_post, "hazard.report", 0, "Submit a hazard report (multipart form with photos)"},
	{"GET", "/hazards", list_page, "hazard.view", 0, "Hazards in scope: my tasks, my unit, all; filters and search"},
	{"GET", "/hazards/export.csv", export_csv, "hazard.export", 0, "Export the filtered hazard list as CSV (UTF-8 with BOM)"},
	{"GET", "/hazards/export.xlsx", export_xlsx, "hazard.export", 0, "Export the filtered hazard list as an Excel workbook"},
	{"GET", "/hazards/ranking", ranking_page, "hazard.view", 0, "Monthly points ranking of teams and people"},
	{"GET", "/hazards/:id", detail_page, "hazard.view", 0, "A hazard with its photos, plan, actions and timeline"},
	{"POST", "/hazards/:id/act", act_post, "hazard.view", 0, "Take a lifecycle action on a hazard (form field action)"},
	{"GET", "/photos/:sha", photo_get, "hazard.view", 0, "A hazard photo by SHA-256 (?thumb=1 for the thumbnail)"},
	{"GET", "/voice/:sha", voice_get, "hazard.view", 0, "A hazard's voice note by SHA-256 (audio/webm, ogg or mp4)"},
	{"GET", "/photos/:sha/original", photo_original_get, "hazard.photo_original", 0, "A watermarked photo's original, without the band"},
	{"GET", "/api/v1/hazards", hazard_api_list, "hazard.view", ROUTE_API | ROUTE_PAGED, "List hazards in scope with filters and pagination"},
	{"POST", "/api/v1/hazards", hazard_api_create, "hazard.report", ROUTE_API, "Report a hazard (multipart with photos, or JSON with photo SHA-256s)"},
	{"GET", "/api/v1/hazards/:id", hazard_api_get, "hazard.view", ROUTE_API, "One hazard with its events, photos, plan and allowed actions"},
	{"POST", "/api/v1/hazards/:id/accept", hazard_api_action, "hazard.handle", ROUTE_API, "Accept a reported hazard: confirm level, urgency, criterion, rectifier"},
	{"POST", "/api/v1/hazards/:id/reassign", hazard_api_action, "hazard.handle", ROUTE_API, "Reassign the rectifier, with a reason"},
	{"POST", "/api/v1/hazards/:id/start", hazard_api_action, "hazard.rectify", ROUTE_API, "The assignee starts rectification"},
	{"POST", "/api/v1/hazards/:id/submit", hazard_api_action, "hazard.rectify", ROUTE_API, "Submit the rectification (note and after-photo) for verification"},
	{"POST", "/api/v1/hazards/:id/verify", hazard_api_action, "hazard.verify", ROUTE_API, "Confirm the rectification and close the hazard (not by the rectifier)"},
	{"POST", "/api/v1/hazards/:id/reject", hazard_api_action, "hazard.verify", ROUTE_API, "Reject the rectification back to the rectifier, with a reason"},
	{"POST", "/api/v1/hazards/:id/assess", hazard_api_action, "hazard.major", ROUTE_API, "Record the assessment of a major hazard's rectification"},
	{"POST", "/api/v1/hazards/:id/submit_plan", hazard_api_action, "hazard.handle", ROUTE_API, "Submit the governance plan of a major hazard"},
	{"POST", "/api/v1/hazards/:id/approve_plan", hazard_api_action, "hazard.major", ROUTE_API, "Approve a major hazard's plan (safety director, principal)"},
	{"POST", "/api/v1/hazards/:id/return_plan", hazard_api_action, "hazard.major", ROUTE_API, "Return a major hazard's plan for rework, with a reason"},
	{"POST", "/api/v1/hazards/:id/report_regulator", hazard_api_action, "hazard.major", ROUTE_API, "Record that a major hazard was reported to the regulator"},
	{"POST", "/api/v1/hazards/:id/merge", hazard_api_action, "hazard.handle", ROUTE_API, "Merge a report flagged as a probable duplicate into the open hazard it repeats: cancelled and linked (duplicate_of), the reporter keeps the report points, the original is not touched"},
	{"POST", "/api/v1/hazards/:id/cancel", hazard_api_action, "hazard.handle", ROUTE_API, "Cancel a hazard as duplicate or invalid, with a reason"},
	{"POST", "/api/v1/hazards/:id/fix_on_spot", hazard_api_action, "hazard.report", ROUTE_API, "The reporter closes a general hazard fixed on the spot (after-photo)"},
	{"POST", "/api/v1/photos", hazard_api_photo, "hazard.report", ROUTE_API, "Upload a photo; returns its SHA-256 for a JSON report or action"},
	{"GET", "/api/v1/hazard-meta", hazard_api_meta, "hazard.view", ROUTE_API, "Categories, factor classes, major-hazard criteria, areas, settings"},
	{"GET", "/api/v1/hazard-rules", hazard_api_rules, "hazard.view", ROUTE_API | ROUTE_PAGED, "Dispatch rules (area × category → position or person)"},
	{"POST", "/api/v1/hazard-rules", hazard_api_rule_add, "hazard.config", ROUTE_API, "Add a dispatch rule"},
	{0},
};
