/*
 * train_class.c — classes (现场培训) and their QR sign-in.
 *
 * A class is a course held at a place (an area) in a time window. HR or the safety
 * department plans it (the pages and API are web/entity.c's: this file declares the fields,
 * the scope — the area's unit within the caller's data scope — and how a class is stored);
 * during the window its page shows a QR code that trainees scan with their phones.
 *
 * Why the code changes every minute: a sign-in is proof that the person was in the room
 * (培训签到 is part of the training file, 生产经营单位安全培训规定 Art. 23). A fixed link would
 * be forwarded to the whole team in a chat group; the QR here carries a code derived from the
 * class's secret and the current minute, and a code older than TRAIN_CODE_SLOTS minutes is
 * refused, so only someone who sees the trainer's screen can sign in. The page reloads itself
 * (static/train.js) to show the next code. A code of another class (another room, another
 * course) is refused as such, as is any sign-in outside the window and a second sign-in.
 *
 * A sign-in stores, in one transaction, the sign-in and a train_records row with the course's
 * hours (source 'class', class_id the proof), so the hours count on the person's file.
 */
#include "train/train.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/day.h"
#include "base/text.h"
#include "db/db.h"
#include "http/static.h"
#include "org/org.h"
#include "web/entity.h"
#include "web/i18n.h"
#include "web/page.h"
#include "web/qr.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRAIN_CODE_SECONDS 60	/* a code is drawn per minute */
#define TRAIN_CODE_SLOTS 3	/* ... and accepted for three (the page reloads every 30 s) */
#define TRAIN_CODE_LEN 10	/* hex characters */
#define TRAIN_CLASS_MIN 15	/* minutes a class lasts, at least and at most */
#define TRAIN_CLASS_MAX 720

struct sess_row {
	int64_t id, course_id, area_id, starts_at, ends_at, signed_in;
	const char *course, *area, *secret;
	int hours, active;
};

#define SESS_COLS "s.id, s.course_id, k.name, k.hours, s.area_id, a.name, s.starts_at, s.ends_at, s.secret," \
	" s.active, (SELECT count(*) FROM train_signins g WHERE g.class_id = s.id)"
#define SESS_FROM " FROM train_classes s JOIN train_courses k ON k.id = s.course_id" \
	" JOIN areas a ON a.id = s.area_id JOIN units un ON un.id = a.unit_id"

/* ---- the code in the QR ---- */

static void code_at(const char *secret, int64_t slot, char out[TRAIN_CODE_LEN + 1])
{
	unsigned char h[crypto_generichash_BYTES_MIN];
	char msg[24];
	int n = snprintf(msg, sizeof msg, "%lld", (long long)slot);
	crypto_generichash(h, sizeof h, (const unsigned char *)msg, (size_t)n, (const unsigned char *)secret,
			   strlen(secret));
	for (int i = 0; i < TRAIN_CODE_LEN / 2; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}

/* 1: a code of the last TRAIN_CODE_SLOTS minutes; 2: an older code of this class; 0: not
 * a code of this class (another class's, another place's, or made up). */
static int code_check(const char *secret, const char *code, int64_t starts_at, int64_t now)
{
	char c[TRAIN_CODE_LEN + 1];
	if (!code || strlen(code) != TRAIN_CODE_LEN)
		return 0;
	int64_t slot = now / TRAIN_CODE_SECONDS, first = starts_at / TRAIN_CODE_SECONDS - 1;
	for (int64_t s = slot, k = 0; s >= first && k < 24 * 60; s--, k++) {
		code_at(secret, s, c);
		if (sodium_memcmp(c, code, TRAIN_CODE_LEN) == 0)
			return slot - s < TRAIN_CODE_SLOTS ? 1 : 2;
	}
	return 0;
}

/* ---- the record: fields, load, store ---- */

static void course_options(struct req *r, const void *row, int64_t selected)
{
	(void)row;
	form_id_options(r, db_query(r->db, "SELECT id, name, code FROM train_courses WHERE active = 1 OR id = ?"
				    " ORDER BY code", "I", selected), selected);
}

static void area_options(struct req *r, const void *row, int64_t selected)
{
	(void)row;
	form_id_options(r, db_query(r->db, "SELECT a.id, a.name, un.name FROM areas a JOIN units un ON un.id = a.unit_id"
				    " WHERE (a.active = 1 OR a.id = ?) AND un.path LIKE ? ORDER BY un.path, a.name",
				    "It", selected, auth_scope_pattern(r)), selected);
}

enum { F_COURSE, F_AREA, F_DAY, F_START, F_MINUTES };
static const struct form_field sess_fields[] = {
	{"course_id", "train.course", FORM_ID, FORM_REQUIRED, .options = course_options},
	{"area_id", "train.place", FORM_ID, FORM_REQUIRED, .options = area_options},
	{"day", "train.day", FORM_DAY, FORM_REQUIRED, .max = 10},
	{"start", "train.start_time", FORM_TEXT, FORM_REQUIRED, .max = 5,
	 .attrs = "placeholder=\"08:30\" inputmode=\"numeric\""},
	{"minutes", "train.duration", FORM_NUMBER, FORM_REQUIRED, .lo = TRAIN_CLASS_MIN, .hi = TRAIN_CLASS_MAX},
	{0},
};

static void sess_from_row(struct req *r, struct db_stmt *st, void *row)
{
	struct sess_row *s = row;
	s->id = db_col_i64(st, 0);
	s->course_id = db_col_i64(st, 1);
	s->course = arena_strdup(&r->arena, db_col_text(st, 2));
	s->hours = (int)db_col_i64(st, 3);
	s->area_id = db_col_i64(st, 4);
	s->area = arena_strdup(&r->arena, db_col_text(st, 5));
	s->starts_at = db_col_i64(st, 6);
	s->ends_at = db_col_i64(st, 7);
	s->secret = arena_strdup(&r->arena, db_col_text(st, 8));
	s->active = (int)db_col_i64(st, 9);
	s->signed_in = db_col_i64(st, 10);
}

static int sess_load(struct req *r, int64_t id, void *row)
{
	return entity_load_scoped(r, "SELECT " SESS_COLS SESS_FROM " WHERE s.id = ? AND un.path LIKE ?", id,
				  sess_from_row, row);
}

static const char *hhmm(struct req *r, int64_t t)
{
	int64_t m = (t - day_start_utc(day_of(t))) / 60;
	return arena_printf(&r->arena, "%02d:%02d", (int)(m / 60), (int)(m % 60));
}

static const char *day_text(struct req *r, int64_t t)
{
	char b[16];
	return arena_strdup(&r->arena, day_format(day_of(t), b));
}

static void sess_values(struct req *r, const void *row, const char **t)
{
	const struct sess_row *s = row;
	t[F_COURSE] = arena_printf(&r->arena, "%lld", (long long)s->course_id);
	t[F_AREA] = arena_printf(&r->arena, "%lld", (long long)s->area_id);
	t[F_DAY] = day_text(r, s->starts_at);
	t[F_START] = hhmm(r, s->starts_at);
	t[F_MINUTES] = arena_printf(&r->arena, "%lld", (long long)((s->ends_at - s->starts_at) / 60));
}

static void sess_defaults(struct req *r, const char **t)
{
	t[F_DAY] = day_text(r, clock_now());
	t[F_MINUTES] = "120";
}

static const char *sess_title(const void *row)
{
	return ((const struct sess_row *)row)->course;
}

static int sess_active(const void *row)
{
	return ((const struct sess_row *)row)->active;
}

/* "HH:MM" (or "H:MM") → minutes after midnight; -1 when it is not a time of day */
static int parse_hhmm(const char *s)
{
	int h, m, n = 0;
	if (!s || sscanf(s, "%2d:%2d%n", &h, &m, &n) != 2 || s[n] || h < 0 || h > 23 || m < 0 || m > 59)
		return -1;
	return h * 60 + m;
}

static void sess_check(struct req *r, const void *cur, struct form *f)
{
	(void)cur;
	int64_t ok = 0;
	db_get_i64(r->db, &ok, "SELECT count(*) FROM train_courses WHERE id = ? AND active = 1", "I", f->v[F_COURSE].id);
	if (!ok)
		form_fail(r, f, "course_id", "form.err_choice");
	ok = 0;
	db_get_i64(r->db, &ok, "SELECT count(*) FROM areas a JOIN units un ON un.id = a.unit_id"
		   " WHERE a.id = ? AND a.active = 1 AND un.path LIKE ?", "It", f->v[F_AREA].id, auth_scope_pattern(r));
	if (!ok)
		form_fail(r, f, "area_id", "form.err_choice");
	if (parse_hhmm(f->v[F_START].text) < 0)
		form_fail(r, f, "start", "train.err.start_time");
}

static int64_t sess_store(struct req *r, const void *cur, const struct form *f)
{
	const struct sess_row *s = cur;
	int64_t day = 0;
	day_parse(f->v[F_DAY].text, &day);
	int64_t starts = day_start_utc(day) + 60 * (int64_t)parse_hhmm(f->v[F_START].text);
	int64_t ends = starts + 60 * (int64_t)f->v[F_MINUTES].num;
	if (s)
		return db_exec(r->db, "UPDATE train_classes SET course_id = ?, area_id = ?, starts_at = ?, ends_at = ?"
			       " WHERE id = ?", "IIIII", f->v[F_COURSE].id, f->v[F_AREA].id, starts, ends, s->id) == DB_OK
			? s->id : -1;
	char secret[33];
	text_random_token(secret, 16);
	if (db_exec(r->db, "INSERT INTO train_classes (course_id, area_id, starts_at, ends_at, secret, trainer_id,"
		    " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", "IIIItII", f->v[F_COURSE].id, f->v[F_AREA].id, starts,
		    ends, secret, r->who->user_id, clock_now()) != DB_OK)
		return -1;
	return db_last_id(r->db);
}

static int open_now(const struct sess_row *s, int64_t now)
{
	return s->active && now >= s->starts_at && now <= s->ends_at;
}

/* The link the QR carries now (absolute, for a phone's camera). */
static const char *signin_url(struct req *r, const struct sess_row *s)
{
	char code[TRAIN_CODE_LEN + 1];
	code_at(s->secret, clock_now() / TRAIN_CODE_SECONDS, code);
	return org_abs_url(r, arena_printf(&r->arena, "/train/signin/%lld?c=%s", (long long)s->id, code));
}

static json_t *sess_json(struct req *r, const void *row)
{
	const struct sess_row *s = row;
	json_t *o = json_pack("{s:I, s:I, s:s, s:I, s:s, s:s, s:s, s:I, s:I, s:I, s:i, s:b, s:I}",
			      "id", (json_int_t)s->id, "course_id", (json_int_t)s->course_id, "course", s->course,
			      "area_id", (json_int_t)s->area_id, "area", s->area, "day", day_text(r, s->starts_at),
			      "start", hhmm(r, s->starts_at), "minutes", (json_int_t)((s->ends_at - s->starts_at) / 60),
			      "starts_at", (json_int_t)s->starts_at, "ends_at", (json_int_t)s->ends_at, "hours", s->hours,
			      "active", s->active, "signed_in", (json_int_t)s->signed_in);
	/* the current sign-in link only to those who run classes, and only while it is open */
	int show = auth_has(r, "train.manage") && open_now(s, clock_now());
	json_object_set_new(o, "signin_url", show ? json_string(signin_url(r, s)) : json_null());
	return o;
}

static struct db_stmt *list_query(struct req *r)
{
	return db_query(r->db, "SELECT " SESS_COLS SESS_FROM " WHERE un.path LIKE ?"
			" ORDER BY s.active DESC, s.starts_at DESC, s.id DESC LIMIT 500", "t", auth_scope_pattern(r));
}

static void sess_list_html(struct req *r)
{
	html_printf(&r->out, "<div class=\"table-wrap\"><table class=\"train-classes\"><thead><tr><th>%s</th>"
		    "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>", T(r, "train.course"), T(r, "train.time"),
		    T(r, "train.place"), T(r, "train.signed_in"));
	struct db_stmt *st = list_query(r);
	while (st && db_step(st) == 1) {
		struct sess_row s;
		sess_from_row(r, st, &s);
		html_printf(&r->out, "<tr><td><a href=\"/train/classes/%D\">%s</a>", s.id, s.course);
		if (!s.active)
			html_printf(&r->out, " <span class=\"badge bad\">%s</span>", T(r, "train.cancelled"));
		html_printf(&r->out, "</td><td>%s %s–%s</td><td>%s</td><td>%D</td></tr>", day_text(r, s.starts_at),
			    hhmm(r, s.starts_at), hhmm(r, s.ends_at), s.area, s.signed_in);
	}
	db_done(r->db, st);
	html_printf(&r->out, "</tbody></table></div>");
}

static int sess_list_json(struct req *r, json_t *items)
{
	struct sess_row s;
	return entity_json_rows(r, list_query(r), sess_from_row, &s, sess_json, items);
}

/* The trainer's screen: while the class runs, the QR of the current code (the page
 * reloads itself to follow the code); then who has signed in. */
static void sess_tail(struct req *r, const void *row)
{
	const struct sess_row *s = row;
	int64_t now = clock_now();
	html_printf(&r->out, "<section class=\"card stack\"><h2>%s</h2><p>%s %s–%s · %s · %d %s</p>",
		    T(r, "train.signin"), day_text(r, s->starts_at), hhmm(r, s->starts_at), hhmm(r, s->ends_at), s->area,
		    s->hours, T(r, "train.hours"));
	if (open_now(s, now) && auth_has(r, "train.manage")) {
		const char *url = signin_url(r, s);
		struct strbuf svg = STRBUF_INIT;
		qr_svg(&svg, url);
		html_printf(&r->out, "<div class=\"qr-label train-qr\" data-train-qr=\"30\">%r<p class=\"hint\">%s</p></div>"
			    "<script src=\"%s\" defer></script>", html_raw_sb(&svg), T(r, "train.qr_hint"),
			    static_url("train.js"));
		sb_release(&svg);
	} else {
		html_printf(&r->out, "<p class=\"hint\">%s</p>",
			    T(r, now < s->starts_at ? "train.err.class_not_started" : "train.err.class_over"));
	}
	html_printf(&r->out, "<h3>%s · %D</h3><ul class=\"list train-signins\">", T(r, "train.signed_in"), s->signed_in);
	struct db_stmt *st = db_query(r->db, "SELECT p.name, g.signed_at FROM train_signins g JOIN persons p ON p.id = g.person_id"
				      " WHERE g.class_id = ? ORDER BY g.signed_at, g.id LIMIT 1000", "I", s->id);
	while (st && db_step(st) == 1)
		html_printf(&r->out, "<li>%s <span class=\"hint\">%s</span></li>", db_col_text(st, 0),
			    hhmm(r, db_col_i64(st, 1)));
	db_done(r->db, st);
	html_printf(&r->out, "</ul></section>");
}

const struct entity train_class_entity = {
	.name = "train_class", .path = "/train/classes", .edit_perm = "train.manage",
	.list_title = "train.classes", .new_title = "train.class_new", .hint = "train.class_hint",
	.fields = sess_fields, .row_size = sizeof(struct sess_row), .flags = ENTITY_SHOW_CREATED,
	.load = sess_load, .values = sess_values, .title = sess_title, .active = sess_active,
	.defaults = sess_defaults, .check = sess_check, .store = sess_store,
	.deactivate_sql = "UPDATE train_classes SET active = 0 WHERE id = ?", .json = sess_json,
	.list_html = sess_list_html, .list_json = sess_list_json, .show_tail = sess_tail,
	.api_path = "/api/v1/train/classes",
};

ENTITY_HANDLERS(train_class_entity, train_classes_page, train_class_new_page, train_class_create_post,
		train_class_edit_page, train_class_update_post, train_class_deactivate_post,
		train_api_classes, train_api_class, train_api_class_create, train_api_class_update,
		train_api_class_deactivate)

/* ---- signing in ---- */

/* Any person who takes courses may sign in to any class (a contractor's people sit in the
 * plant's classes): what decides is the code and the clock, not the data scope. */
struct signin_err {
	int status;
	const char *key, *field;
	const char *detail;	/* a time to add to the message, or NULL */
};

/* The class of :id for signing in (active, any scope). 0, or -1 with e set. */
static int signin_class(struct req *r, struct sess_row *s, struct signin_err *e)
{
	int64_t id;
	struct db_stmt *st = req_param_id(r, "id", &id) ? NULL
		: db_query(r->db, "SELECT " SESS_COLS SESS_FROM " WHERE s.id = ? AND s.active = 1", "I", id);
	int found = st && db_step(st) == 1;
	if (found)
		sess_from_row(r, st, s);
	db_done(r->db, st);
	if (!found) {
		*e = (struct signin_err){404, "error.not_found", NULL, NULL};
		return -1;
	}
	return 0;
}

/* May the caller sign in to s now with `code`? 0, or -1 with e set. */
static int signin_check(struct req *r, const struct sess_row *s, const char *code, int64_t person,
			struct signin_err *e)
{
	int64_t now = clock_now();
	if (now < s->starts_at) {
		*e = (struct signin_err){409, "train.err.class_not_started", NULL,
			arena_printf(&r->arena, "%s %s", day_text(r, s->starts_at), hhmm(r, s->starts_at))};
		return -1;
	}
	if (now > s->ends_at) {
		*e = (struct signin_err){409, "train.err.class_over", NULL,
			arena_printf(&r->arena, "%s %s", day_text(r, s->ends_at), hhmm(r, s->ends_at))};
		return -1;
	}
	int k = code_check(s->secret, code, s->starts_at, now);
	if (k != 1) {
		/* the field as the request named it: the QR link's ?c=, the API's "code" */
		*e = (struct signin_err){422, k == 2 ? "train.err.code_expired" : "train.err.code_wrong",
			r->is_api ? "code" : "c", NULL};
		return -1;
	}
	int64_t at = 0;
	if (person && db_get_i64(r->db, &at, "SELECT signed_at FROM train_signins WHERE class_id = ? AND person_id = ?",
				 "II", s->id, person) == 1) {
		*e = (struct signin_err){409, "train.err.signed_already", NULL, hhmm(r, at)};
		return -1;
	}
	return 0;
}

/* Check and store the sign-in with its record, in one transaction. 0, or -1 with e set. */
static int signin_store(struct req *r, const struct sess_row *s, const char *code, struct signin_err *e)
{
	int64_t now = clock_now();
	if (db_begin(r->db) != DB_OK)
		goto unavailable;
	int64_t person = train_person_of_user(r->db, r->who->user_id, 1);
	if (!person)
		goto unavailable;
	if (signin_check(r, s, code, person, e)) {
		db_rollback(r->db);
		return -1;
	}
	if (db_exec(r->db, "INSERT INTO train_records (person_id, course_id, done_on, hours, source, class_id, created_at)"
		    " VALUES (?, ?, ?, ?, 'class', ?, ?)", "IIIIII", person, s->course_id, day_of(s->starts_at),
		    (int64_t)s->hours, s->id, now) != DB_OK)
		goto unavailable;
	int64_t rec = db_last_id(r->db);
	if (db_exec(r->db, "INSERT INTO train_signins (class_id, person_id, signed_at, record_id) VALUES (?, ?, ?, ?)",
		    "IIII", s->id, person, now, rec) != DB_OK ||
	    audit_req(r, "train_class", s->id, "signin", arena_printf(&r->arena, "person %lld", (long long)person)) != DB_OK ||
	    db_commit(r->db) != DB_OK)
		goto unavailable;
	return 0;
unavailable:
	db_rollback(r->db);
	*e = (struct signin_err){503, "error.unavailable", NULL, NULL};
	return -1;
}

static const char *err_text(struct req *r, const struct signin_err *e)
{
	return e->detail ? arena_printf(&r->arena, "%s: %s", T(r, e->key), e->detail) : T(r, e->key);
}

static void signin_fail(struct req *r, const struct signin_err *e)
{
	if (r->is_api) {
		resp_error(r, e->status, e->status == 404 ? "not_found" : e->status == 409 ? "conflict"
			   : e->status == 503 ? "unavailable" : "invalid", err_text(r, e), e->field);
		return;
	}
	r->status = e->status;
	page_error(r, e->status, err_text(r, e), e->field);
}

static void signin_card(struct req *r, const struct sess_row *s)
{
	html_printf(&r->out, "<h1>%s</h1><p class=\"train-class-what\">%s %s–%s · %s · %d %s</p>", s->course,
		    day_text(r, s->starts_at), hhmm(r, s->starts_at), hhmm(r, s->ends_at), s->area, s->hours,
		    T(r, "train.hours"));
}

/* GET /train/signin/:id?c=CODE — what the phone opens after scanning: the class and a
 * button, or at once the reason it cannot be signed (nothing is stored by a GET). */
int train_signin_page(struct req *r)
{
	struct sess_row s;
	struct signin_err e;
	const char *code = req_query(r, "c");
	if (signin_class(r, &s, &e) ||
	    signin_check(r, &s, code, train_person_of_user(r->db, r->who->user_id, 0), &e)) {
		signin_fail(r, &e);
		return 0;
	}
	page_begin(r, T(r, "train.signin"));
	html_printf(&r->out, "<section class=\"card narrow stack train-signin\">");
	signin_card(r, &s);
	html_printf(&r->out, "<form method=\"post\" action=\"/train/signin/%D\">%r<input type=\"hidden\" name=\"c\""
		    " value=\"%s\"><button class=\"primary big\">%s</button></form></section>", s.id, page_csrf(r), code,
		    T(r, "train.signin"));
	page_end(r);
	return 0;
}

int train_signin_post(struct req *r)
{
	struct sess_row s;
	struct signin_err e;
	if (signin_class(r, &s, &e) || signin_store(r, &s, req_form(r, "c"), &e)) {
		signin_fail(r, &e);
		return 0;
	}
	page_begin(r, T(r, "train.signin"));
	html_printf(&r->out, "<section class=\"card narrow stack train-signin\">");
	signin_card(r, &s);
	page_notice(r, "ok", arena_printf(&r->arena, "%s %s", T(r, "train.signed"), hhmm(r, clock_now())));
	html_printf(&r->out, "<p><a class=\"button\" href=\"/train\">%s</a></p></section>", T(r, "train.back"));
	page_end(r);
	return 0;
}

/* POST /api/v1/train/classes/:id/signin {"code": "..."} */
int train_api_signin(struct req *r)
{
	struct sess_row s;
	struct signin_err e;
	json_t *c = r->json ? json_object_get(r->json, "code") : NULL;
	if (signin_class(r, &s, &e) || signin_store(r, &s, json_is_string(c) ? json_string_value(c) : NULL, &e)) {
		signin_fail(r, &e);
		return 0;
	}
	resp_json(r, 201, json_pack("{s:I, s:I, s:s, s:i, s:s}", "class_id", (json_int_t)s.id, "signed_at",
				    (json_int_t)clock_now(), "course", s.course, "hours", s.hours, "day",
				    day_text(r, s.starts_at)));
	return 0;
}
