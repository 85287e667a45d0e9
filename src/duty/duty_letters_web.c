/*
 * duty_letters_web.c — yearly responsibility letters (安全生产责任书), signed level by level:
 * the principal signs the company's letter, then hands letters down (company → department or
 * workshop → team → person). A letter below the company's may be issued only by someone whose
 * own letter of that year, one level up, is signed, so the chain is never skipped. The signer
 * signs with their password, as a permit is signed (src/permit/permit_flow.c, signature()).
 * Whoever issued letters sees which of them are still unsigned: on the list (?unsigned=1) and
 * on the issuer's own letter, which lists the letters handed down from it.
 */
#include "duty/duty.h"
#include "duty/duty_web.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/day.h"
#include "base/text.h"
#include "db/db.h"
#include "web/form.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const levels[] = {"company", "department", "team", "person", NULL};

static int level_index(const char *l)
{
	for (int i = 0; l && levels[i]; i++)
		if (!strcmp(levels[i], l))
			return i;
	return -1;
}

static int this_year(void)
{
	int y, m, d;
	day_to_ymd(day_of(clock_now()), &y, &m, &d);
	return y;
}

#define LETTER_SQL "SELECT l.id, l.year, l.level, l.unit_id, un.name, l.signer_id, s.name, COALESCE(l.issuer_id, 0)," \
		   " COALESCE(i.name, ''), l.targets, l.signed_at FROM duty_letters l JOIN units un ON un.id = l.unit_id" \
		   " JOIN users s ON s.id = l.signer_id LEFT JOIN users i ON i.id = l.issuer_id"
/* visible: mine to sign, issued by me, or of a unit in my scope */
#define LETTER_VISIBLE " (l.signer_id = ?1 OR l.issuer_id = ?1 OR (un.path LIKE ?2 AND (?3 = 0 OR l.signer_id = ?3)))"

static json_t *letter_json(struct db_stmt *st)
{
	return json_pack("{s:I, s:I, s:s, s:I, s:s, s:I, s:s, s:o, s:s, s:s, s:b, s:I}", "id", (json_int_t)db_col_i64(st, 0), "year",
		(json_int_t)db_col_i64(st, 1), "level", db_col_text(st, 2), "unit_id", (json_int_t)db_col_i64(st, 3), "unit",
		db_col_text(st, 4), "signer_id", (json_int_t)db_col_i64(st, 5), "signer", db_col_text(st, 6), "issuer_id",
		db_col_i64(st, 7) ? json_integer(db_col_i64(st, 7)) : json_null(), "issuer", db_col_text(st, 8), "targets",
		db_col_text(st, 9), "signed", db_col_i64(st, 10) > 0, "signed_at", (json_int_t)db_col_i64(st, 10));
}

static struct db_stmt *letters_query(struct req *r, int year, int unsigned_only, int todo, int limit, int offset)
{
	return db_query(r->db, LETTER_SQL " WHERE" LETTER_VISIBLE " AND (?4 = 0 OR l.year = ?4) AND (?5 = 0 OR l.signed_at = 0)"
		" AND (?6 = 0 OR (l.signer_id = ?1 AND l.signed_at = 0)) ORDER BY l.year DESC, l.signed_at > 0, l.id LIMIT ?7 OFFSET ?8",
		"ItIiiiii", r->who->user_id, auth_scope_pattern(r), auth_scope_owner(r), year, unsigned_only, todo, limit, offset);
}

/* waiting for me: letters I have to sign (the length of /duties/letters?todo=sign) */
int64_t duty_todo_letters(struct req *r)
{
	int64_t n = 0;
	db_get_i64(r->db, &n, "SELECT count(*) FROM duty_letters WHERE signer_id = ? AND signed_at = 0", "I", r->who->user_id);
	return n;
}

static void letter_li(struct req *r, struct db_stmt *st)
{
	char key[32];
	snprintf(key, sizeof key, "duty.level.%s", db_col_text(st, 2));
	int signed_ = db_col_i64(st, 10) > 0;
	html_printf(&r->out, "<li data-signed=\"%d\"><a href=\"/duties/letters/%D\">%D · %s · %s</a> <span class=\"hint\">%s</span>"
		    " <span class=\"badge %s\">%s</span></li>", signed_, db_col_i64(st, 0), db_col_i64(st, 1), T(r, key),
		    db_col_text(st, 6), db_col_text(st, 4), signed_ ? "ok" : "warn", T(r, signed_ ? "duty.signed" : "duty.unsigned"));
}

/* The list and, for issuers, the form; e: a refused form, drawn again with what was typed. */
static void letters_render(struct req *r, const struct form_err *e)
{
	int64_t year = 0;
	static const char *const todos[] = {"sign", NULL};
	const char *todo = NULL;
	if (!e) {
		req_query_int(r, "year", 2000, 2199, &year);
		req_query_enum(r, "todo", todos, &todo);
	}
	int unsigned_only = e ? 0 : req_query_flag(r, "unsigned", 0);
	page_begin(r, T(r, "duty.letters"));
	html_printf(&r->out, "<h1>%s</h1><p class=\"hint\">%s</p><p><a href=\"/duties/letters?unsigned=1\">%s</a></p><ul class=\"list duty-letters\">",
		    T(r, "duty.letters"), T(r, "duty.letters_hint"), T(r, "duty.only_unsigned"));
	struct db_stmt *st = letters_query(r, (int)year, unsigned_only, todo != NULL, 500, 0);
	while (st && db_step(st) == 1)
		letter_li(r, st);
	db_done(r->db, st);
	html_printf(&r->out, "</ul>");
	if (auth_has(r, "duty.letter")) {
		const char *lv = e ? req_field(r, "level") : NULL, *ys = e ? req_field(r, "year") : NULL;
		const char *tg = e ? req_field(r, "targets") : NULL, *ss = e ? req_field(r, "signer_id") : NULL;
		int64_t signer = 0;
		if (ss)
			text_parse_i64(ss, &signer);
		html_printf(&r->out, "<form method=\"post\" action=\"/duties/letters\" class=\"card stack\" id=\"issue\">%r<h2>%s</h2><label>%s<select name=\"level\">",
			    page_csrf(r), T(r, "duty.issue"), T(r, "duty.level"));
		for (int i = 0; levels[i]; i++)
			html_printf(&r->out, "<option value=\"%s\"%s>%s</option>", levels[i], lv && !strcmp(lv, levels[i]) ? " selected" : "",
				    T(r, arena_printf(&r->arena, "duty.level.%s", levels[i])));
		html_printf(&r->out, "</select>");
		form_field_error(r, e, "level");
		html_printf(&r->out, "</label><label>%s<select name=\"signer_id\" required>", T(r, "duty.signer"));
		form_opts_scope_users(r, NULL, signer);
		html_printf(&r->out, "</select>");
		form_field_error(r, e, "signer_id");
		html_printf(&r->out, "</label><label>%s<input name=\"year\" inputmode=\"numeric\" value=\"%s\">", T(r, "duty.year"),
			    ys ? ys : arena_printf(&r->arena, "%d", this_year()));
		form_field_error(r, e, "year");
		html_printf(&r->out, "</label><label>%s<textarea name=\"targets\" maxlength=\"%d\" required>%s</textarea>", T(r, "duty.targets"),
			    DUTY_TEXT_MAX, tg ? tg : "");
		form_field_error(r, e, "targets");
		html_printf(&r->out, "</label><button class=\"primary\">%s</button></form>", T(r, "duty.issue"));
	}
	page_end(r);
}

/* GET /duties/letters (?year=, ?unsigned=1, ?todo=sign) */
int duty_letters_page(struct req *r)
{
	letters_render(r, NULL);
	return 0;
}

/* a refused letter: the API's 422, or the form again with the message under its field */
static int refuse(struct req *r, const char *key, const char *field, int status)
{
	if (r->is_api) {
		duty_fail(r, status, key, field);
		return 0;
	}
	struct form_err e = {field, T(r, key)};
	r->status = status;
	letters_render(r, &e);
	return 0;
}

/* POST /duties/letters, /api/v1/duty/letters: {level, signer_id, year?, targets} */
int duty_letter_create(struct req *r)
{
	const char *level = req_field(r, "level"), *ss = req_field(r, "signer_id"), *ys = req_field(r, "year");
	const char *targets = req_field(r, "targets");
	int64_t signer = 0, year = this_year(), unit = 0, one;
	int li = level_index(level);
	if (li < 0)
		return refuse(r, "duty.err.level", "level", 422);
	if (!ss || text_parse_i64(ss, &signer) || !duty_user_in_scope(r, signer) || signer == r->who->user_id ||
	    db_get_i64(r->db, &unit, "SELECT unit_id FROM users WHERE id = ? AND active = 1", "I", signer) != 1)
		return refuse(r, "duty.err.signer", "signer_id", 422);
	if (ys && *ys && (text_parse_i64(ys, &year) || year < this_year() - 1 || year > this_year() + 1))
		return refuse(r, "duty.err.year", "year", 422);
	if (!targets || !*targets || utf8_chars(targets) > DUTY_TEXT_MAX)
		return refuse(r, "duty.err.targets", "targets", 422);
	/* level by level: below the company's, the issuer's own letter one level up must be signed */
	if (li > 0 && db_get_i64(r->db, &one, "SELECT id FROM duty_letters WHERE signer_id = ? AND year = ? AND level = ? AND signed_at > 0",
				 "IIt", r->who->user_id, year, levels[li - 1]) != 1)
		return refuse(r, "duty.err.chain", "level", 422);
	int64_t id = 0;
	char sum[128];
	snprintf(sum, sizeof sum, "%lld %s letter to user %lld", (long long)year, levels[li], (long long)signer);
	if (db_begin(r->db) != DB_OK)
		return duty_fail(r, 503, "error.unavailable", NULL), 0;
	int rc = db_exec(r->db, "INSERT INTO duty_letters (year, level, unit_id, signer_id, issuer_id, targets, created_at)"
				" VALUES (?, ?, ?, ?, ?, ?, ?)", "ItIIItI", year, levels[li], unit, signer, r->who->user_id, targets, clock_now());
	if (rc == DB_CONSTRAINT) {
		db_rollback(r->db);
		return refuse(r, "duty.err.letter_exists", "signer_id", 409);
	}
	if (rc != DB_OK || (id = db_last_id(r->db), audit_req(r, "duty_letter", id, "create", sum)) != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return duty_fail(r, 503, "error.unavailable", NULL), 0;
	}
	if (!r->is_api) {
		resp_redirect(r, arena_printf(&r->arena, "/duties/letters/%lld", (long long)id));
		return 0;
	}
	struct db_stmt *st = db_query(r->db, LETTER_SQL " WHERE l.id = ?", "I", id);
	json_t *o = st && db_step(st) == 1 ? letter_json(st) : json_object();
	db_done(r->db, st);
	resp_json(r, 201, o);
	return 0;
}

/* the letter if the caller may see it: its statement positioned on the row, else answered 404 */
static struct db_stmt *letter_or_404(struct req *r, int64_t *id)
{
	struct db_stmt *st = NULL;
	if (!req_param_id(r, "id", id)) {
		st = db_query(r->db, LETTER_SQL " WHERE l.id = ?4 AND" LETTER_VISIBLE, "ItII", r->who->user_id, auth_scope_pattern(r),
			      auth_scope_owner(r), *id);
		if (st && db_step(st) == 1)
			return st;
		db_done(r->db, st);
	}
	duty_fail(r, 404, "error.not_found", NULL);
	return NULL;
}

/* GET /duties/letters/:id: the letter, its sign form, and the letters handed down from it */
int duty_letter_page(struct req *r)
{
	int64_t id;
	struct db_stmt *st = letter_or_404(r, &id);
	if (!st)
		return 0;
	char key[32];
	snprintf(key, sizeof key, "duty.level.%s", db_col_text(st, 2));
	int64_t signer = db_col_i64(st, 5), year = db_col_i64(st, 1), signed_at = db_col_i64(st, 10);
	page_begin(r, T(r, "duty.letter"));
	html_printf(&r->out, "<h1>%D %s · %s</h1><section class=\"card duty-letter\"><p>%s: %s · %s</p><p>%s: %s</p>"
		    "<pre class=\"duty-targets\">%s</pre>", year, T(r, "duty.letter"), T(r, key), T(r, "duty.signer"), db_col_text(st, 6),
		    db_col_text(st, 4), T(r, "duty.issuer"), db_col_text(st, 8), db_col_text(st, 9));
	if (signed_at)
		html_printf(&r->out, "<p class=\"badge ok\">%s %s</p>", T(r, "duty.signed"), page_time(r, signed_at));
	db_done(r->db, st);
	if (!signed_at && signer == r->who->user_id)
		html_printf(&r->out, "<form method=\"post\" action=\"/duties/letters/%D/sign\" class=\"stack\">%r<label>%s"
			    "<input type=\"password\" name=\"password\" autocomplete=\"current-password\" required></label>"
			    "<button class=\"primary\">%s</button></form>", id, page_csrf(r), T(r, "duty.password"), T(r, "duty.sign"));
	html_printf(&r->out, "</section><section class=\"card\"><h2>%s</h2><ul class=\"list duty-below\">", T(r, "duty.below"));
	st = db_query(r->db, LETTER_SQL " WHERE l.issuer_id = ? AND l.year = ? ORDER BY l.signed_at > 0, l.id LIMIT 500", "II", signer, year);
	while (st && db_step(st) == 1)
		letter_li(r, st);
	db_done(r->db, st);
	html_printf(&r->out, "</ul></section>");
	page_end(r);
	return 0;
}

/* POST /duties/letters/:id/sign {password}: the signer alone, once */
int duty_letter_sign(struct req *r)
{
	int64_t id;
	struct db_stmt *st = letter_or_404(r, &id);
	if (!st)
		return 0;
	int64_t signer = db_col_i64(st, 5), signed_at = db_col_i64(st, 10);
	db_done(r->db, st);
	if (signer != r->who->user_id)
		return duty_fail(r, 403, "duty.err.not_signer", NULL), 0;
	if (signed_at)
		return duty_fail(r, 409, "duty.err.already_signed", NULL), 0;
	const char *pw = req_field(r, "password");
	if (!pw || !*pw)
		return duty_fail(r, 422, "duty.err.password_missing", "password"), 0;
	char *hash = NULL;
	int ok = db_get_text(r->db, &hash, "SELECT password_hash FROM users WHERE id = ?", "I", signer) == 1 &&
		 auth_verify_password(hash, pw) == 1;
	free(hash);
	if (!ok) {
		if (db_begin(r->db) == DB_OK && audit_req(r, "duty_letter", id, "sign_refused", "wrong password") == DB_OK)
			db_commit(r->db);
		else
			db_rollback(r->db);
		return duty_fail(r, 403, "duty.err.password", "password"), 0;
	}
	if (db_begin(r->db) != DB_OK ||
	    db_exec(r->db, "UPDATE duty_letters SET signed_at = ? WHERE id = ? AND signed_at = 0", "II", clock_now(), id) != DB_OK ||
	    db_changes(r->db) != 1 || audit_req(r, "duty_letter", id, "sign", "signed with password") != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return duty_fail(r, 503, "error.unavailable", NULL), 0;
	}
	if (!r->is_api) {
		resp_redirect(r, arena_printf(&r->arena, "/duties/letters/%lld", (long long)id));
		return 0;
	}
	return duty_api_letter(r);
}

/* GET /api/v1/duty/letters (?year=, ?unsigned=1) */
int duty_api_letters(struct req *r)
{
	int64_t year = 0, total = 0;
	int page, per;
	req_query_int(r, "year", 2000, 2199, &year);
	int unsigned_only = req_query_flag(r, "unsigned", 0);
	req_page(r, 100, &page, &per);
	if (r->bad_param)
		return 0;
	db_get_i64(r->db, &total, "SELECT count(*) FROM duty_letters l JOIN units un ON un.id = l.unit_id WHERE" LETTER_VISIBLE
		   " AND (?4 = 0 OR l.year = ?4) AND (?5 = 0 OR l.signed_at = 0)", "ItIii", r->who->user_id, auth_scope_pattern(r),
		   auth_scope_owner(r), (int)year, unsigned_only);
	json_t *items = json_array();
	struct db_stmt *st = letters_query(r, (int)year, unsigned_only, 0, per, (page - 1) * per);
	while (st && db_step(st) == 1)
		json_array_append_new(items, letter_json(st));
	db_done(r->db, st);
	resp_json(r, 200, json_pack("{s:o, s:i, s:i, s:I}", "items", items, "page", page, "per_page", per, "total", (json_int_t)total));
	return 0;
}

/* GET /api/v1/duty/letters/:id */
int duty_api_letter(struct req *r)
{
	int64_t id;
	struct db_stmt *st = letter_or_404(r, &id);
	if (!st)
		return 0;
	json_t *o = letter_json(st);
	db_done(r->db, st);
	json_t *below = json_array();
	st = db_query(r->db, LETTER_SQL " WHERE l.issuer_id = ? AND l.year = ? ORDER BY l.id LIMIT 500", "II",
		      (int64_t)json_integer_value(json_object_get(o, "signer_id")), (int64_t)json_integer_value(json_object_get(o, "year")));
	while (st && db_step(st) == 1)
		json_array_append_new(below, letter_json(st));
	db_done(r->db, st);
	json_object_set_new(o, "below", below);
	resp_json(r, 200, o);
	return 0;
}
