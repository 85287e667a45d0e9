/*
 * cert_web.c — the certificate pages: the list by person and unit with status badges, the
 * 90-day expiry list by unit, a person's page, adding, editing and revoking a certificate,
 * the scanned image, verification records, import (upload → preview → commit) and export.
 * Also the route table of the module (the JSON handlers live in cert_api.c).
 *
 * Every list joins persons → units and filters by the requester's data scope; every record
 * is checked with auth_scope_allows() (owner = the person's account, so a worker with "own"
 * scope sees exactly their own certificates).
 */
#include "cert/cert.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/text.h"
#include "cert/cert_web.h"
#include "auth/actor.h"
#include "db/db.h"
#include "web/i18n.h"
#include "web/page.h"
#include "web/page_lang.h"

#include <stdlib.h>
#include <string.h>

static int64_t col_day(struct db_stmt *st, int i)
{
	return db_col_null(st, i) ? CERT_NODAY : db_col_i64(st, i);
}

static const char *day_s(struct req *r, int64_t day)
{
	char d[16];
	return arena_strdup(&r->arena, cert_day_format(day, d));
}

static html_raw status_badge(struct req *r, enum cert_status s)
{
	struct strbuf sb = STRBUF_INIT;
	html_printf(&sb, "<span class=\"badge %s\" data-status=\"%s\">%s</span>", cert_status_badge(s),
		    cert_status_code(s), T(r, cert_status_key(s)));
	char *out = arena_strdup(&r->arena, sb.buf);
	sb_release(&sb);
	return out;
}

static void not_found(struct req *r)
{
	resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
}

int cert_web_person_in_scope(struct req *r, int64_t person_id, int64_t *unit_id)
{
	struct db_stmt *st = db_query(r->db, "SELECT unit_id, COALESCE(user_id, 0) FROM persons WHERE id = ?", "I",
				    person_id);
	int64_t unit = 0, owner = 0;
	int found = st && db_step(st) == 1;
	if (found) {
		unit = db_col_i64(st, 0);
		owner = db_col_i64(st, 1);
	}
	db_done(r->db, st);
	if (!found || !auth_scope_allows(r, unit, owner)) {
		not_found(r);
		return -1;
	}
	if (unit_id)
		*unit_id = unit;
	return 0;
}

int cert_web_cert_in_scope(struct req *r, int64_t cert_id, int64_t *person_id)
{
	int64_t pid = 0;
	if (db_get_i64(r->db, &pid, "SELECT person_id FROM certs WHERE id = ?", "I", cert_id) != 1) {
		not_found(r);
		return -1;
	}
	if (cert_web_person_in_scope(r, pid, NULL))
		return -1;
	*person_id = pid;
	return 0;
}

int cert_web_day(struct req *r, const char *name, int64_t *day)
{
	const char *v = req_field(r, name);
	*day = CERT_NODAY;
	if (!v || !*v)
		return 0;
	return cert_parse_date(v, day);
}

static const char *image_type(const struct upload *u)
{
	const unsigned char *b = (const unsigned char *)u->data.buf;
	if (u->data.len >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
		return "image/jpeg";
	if (u->data.len >= 8 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8))
		return "image/png";
	if (u->data.len >= 5 && !memcmp(b, "%PDF-", 5))
		return "application/pdf";
	return NULL;
}

static int text_ok(const char *s, size_t max_chars)
{
	return utf8_valid(s, strlen(s)) && utf8_chars(s) <= max_chars;
}

int64_t cert_web_save(struct req *r, int64_t cert_id, int64_t person_id, const char **field, const char **key)
{
	const char *code = req_field(r, "code"), *number = req_field(r, "number");
	const char *authority = req_field(r, "authority");
	char *category = NULL, *item = NULL, *kind = NULL;
	int64_t issued, expires, review, id = -1;
	int creating = !cert_id;
	*field = NULL;
	*key = "cert.error.invalid";
	struct db_stmt *st = db_query(r->db, "SELECT code, parent_code, kind FROM cert_catalogue WHERE code = ?", "t",
				    code ? code : "");
	if (st && db_step(st) == 1) {
		category = xstrdup(db_col_null(st, 1) ? db_col_text(st, 0) : db_col_text(st, 1));
		item = db_col_null(st, 1) ? NULL : xstrdup(db_col_text(st, 0));
		kind = xstrdup(db_col_text(st, 2));
	}
	db_done(r->db, st);
	if (!category) {
		*field = "code";
		goto out;
	}
	if (!number || !*number || !text_ok(number, 64)) {
		*field = "number";
		*key = !number || !*number ? "cert.error.required" : "cert.error.invalid";
		goto out;
	}
	if (authority && !text_ok(authority, 100)) {
		*field = "authority";
		goto out;
	}
	if (cert_web_day(r, "issued_on", &issued)) {
		*field = "issued_on";
		*key = "cert.error.date";
		goto out;
	}
	if (cert_web_day(r, "expires_on", &expires)) {
		*field = "expires_on";
		*key = "cert.error.date";
		goto out;
	}
	if (cert_web_day(r, "review_on", &review)) {
		*field = "review_on";
		*key = "cert.error.date";
		goto out;
	}
	/* 原安监总局令第30号 §19/§21: six years' validity, review every three — the defaults when
	 * only the issue date is given (the review only if it is still ahead: an older
	 * certificate's last review date is not something we can guess) */
	if (expires == CERT_NODAY && issued != CERT_NODAY && !strcmp(kind, "special_op"))
		expires = cert_day_add_years(issued, CERT_VALID_YEARS);
	if (review == CERT_NODAY && issued != CERT_NODAY && !strcmp(kind, "special_op") &&
	    cert_day_add_years(issued, CERT_REVIEW_YEARS) >= cert_today())
		review = cert_day_add_years(issued, CERT_REVIEW_YEARS);
	if (expires == CERT_NODAY && strcmp(kind, "internal")) {
		*field = "expires_on";
		*key = "cert.error.required";
		goto out;
	}
	if (issued != CERT_NODAY && expires != CERT_NODAY && expires < issued) {
		*field = "expires_on";
		*key = "cert.error.date_order";
		goto out;
	}
	struct upload *img = req_upload(r, "image");
	const char *itype = NULL;
	if (img && img->data.len) {
		itype = image_type(img);
		if (!itype || img->data.len > CERT_IMAGE_MAX) {
			*field = "image";
			*key = "cert.error.image";
			goto out;
		}
	}
	if (db_begin(r->db) != DB_OK) {
		id = -2;
		goto out;
	}
	int64_t now = clock_now();
	int rc;
	if (!cert_id) {
		rc = db_exec(r->db,
			"INSERT INTO certs (person_id, category, item, number, authority, issued_on, expires_on, review_on,"
			" created_at, updated_at) VALUES (?, ?, ?, ?, ?, NULLIF(?, -1000000), NULLIF(?, -1000000),"
			" NULLIF(?, -1000000), ?, ?)",
			"IttttIIIII", person_id, category, item, number, authority ? authority : "",
			cert_day_arg(issued), cert_day_arg(expires), cert_day_arg(review), now, now);
		cert_id = rc == DB_OK ? db_last_id(r->db) : 0;
	} else {
		rc = db_exec(r->db,
			"UPDATE certs SET category = ?, item = ?, number = ?, authority = ?, issued_on = NULLIF(?, -1000000),"
			" expires_on = NULLIF(?, -1000000), review_on = NULLIF(?, -1000000), updated_at = ? WHERE id = ?",
			"ttttIIIII", category, item, number, authority ? authority : "", cert_day_arg(issued),
			cert_day_arg(expires), cert_day_arg(review), now, cert_id);
	}
	if (rc == DB_OK && itype)
		rc = db_exec(r->db, "UPDATE certs SET image = ?, image_type = ? WHERE id = ?", "btI",
			     img->data.buf, img->data.len, itype, cert_id);
	if (rc == DB_OK) {
		char *summary = arena_printf(&r->arena, "%s %s", item ? item : category, number);
		rc = audit_req(r, "cert", cert_id, creating ? "create" : "update", summary);
	}
	if (rc != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		if (rc == DB_CONSTRAINT) {
			*field = "number";
			*key = "cert.error.duplicate_number";
			id = -1;
		} else {
			id = -2;
		}
		goto out;
	}
	id = cert_id;
out:
	free(category);
	free(item);
	free(kind);
	return id;
}

int cert_web_revoke(struct req *r, int64_t cert_id, const char *reason)
{
	if (db_begin(r->db) != DB_OK)
		return -1;
	int rc = db_exec(r->db, "UPDATE certs SET revoked_at = ?, revoke_reason = ?, updated_at = ? WHERE id = ?"
				" AND revoked_at = 0", "ItII", clock_now(), reason ? reason : "", clock_now(), cert_id);
	if (rc == DB_OK)
		rc = audit_req(r, "cert", cert_id, "revoke", reason ? reason : "");
	if (rc != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return -1;
	}
	return 0;
}

/* ---- shared bits of markup ---- */

static void unit_options(struct req *r, int64_t selected, int blank)
{
	if (blank)
		html_printf(&r->out, "<option value=\"\">%s</option>", T(r, "cert.all_units"));
	struct db_stmt *st = db_query(r->db, "SELECT id, name FROM units WHERE path LIKE ? AND active = 1 ORDER BY path",
				    "t", auth_scope_pattern(r));
	while (st && db_step(st) == 1)
		html_printf(&r->out, "<option value=\"%D\"%r>%s</option>", db_col_i64(st, 0),
			    db_col_i64(st, 0) == selected ? " selected" : "", db_col_text(st, 1));
	db_done(r->db, st);
}

static void catalogue_options(struct req *r, const char *selected)
{
	int en = !strcmp(r->lang, "en"), open = 0;
	struct db_stmt *st = db_query(r->db, "SELECT code, parent_code, name_zh, name_en,"
				    " (SELECT count(*) FROM cert_catalogue ch WHERE ch.parent_code = k.code)"
				    " FROM cert_catalogue k ORDER BY sort", NULL);
	while (st && db_step(st) == 1) {
		const char *code = db_col_text(st, 0), *name = db_col_text(st, en ? 3 : 2);
		int sel = selected && !strcmp(selected, code);
		if (db_col_null(st, 1)) {
			if (open)
				html_printf(&r->out, "</optgroup>");
			open = 0;
			if (db_col_i64(st, 4)) {
				html_printf(&r->out, "<optgroup label=\"%s\">", name);
				open = 1;
			} else {
				html_printf(&r->out, "<option value=\"%s\"%r>%s</option>", code, sel ? " selected" : "", name);
			}
		} else {
			html_printf(&r->out, "<option value=\"%s\"%r>%s</option>", code, sel ? " selected" : "", name);
		}
	}
	if (open)
		html_printf(&r->out, "</optgroup>");
	db_done(r->db, st);
}

/* ?status=due: what HR must act on — expiring, due for review, review overdue or expired (not
 * valid, not revoked): the home page's "waiting for me" line opens this list and counts it */
#define CERT_DUE (-2)
static int status_due(enum cert_status s)
{
	return s != CERT_VALID && s != CERT_REVOKED;
}

static void status_options(struct req *r, int selected)
{
	html_printf(&r->out, "<option value=\"\">%s</option>", T(r, "cert.all_statuses"));
	html_printf(&r->out, "<option value=\"due\"%r>%s</option>", selected == CERT_DUE ? " selected" : "",
		    T(r, "cert.status.due"));
	for (int s = CERT_VALID; s <= CERT_REVOKED; s++)
		html_printf(&r->out, "<option value=\"%s\"%r>%s</option>", cert_status_code((enum cert_status)s),
			    s == selected ? " selected" : "", T(r, cert_status_key((enum cert_status)s)));
}

static struct db_stmt *list_query(struct req *r, const char *q, int64_t unit)
{
	char *like = arena_printf(&r->arena, "%%%s%%", q ? q : "");
	return db_query(r->db,
		"SELECT ce.id, p.id, p.name, p.employer, u.name, ce.category, COALESCE(ce.item, ce.category), ce.number,"
		" ce.expires_on, ce.review_on, ce.revoked_at, COALESCE(p.user_id, 0)"
		" FROM certs ce JOIN persons p ON p.id = ce.person_id JOIN units u ON u.id = p.unit_id"
		" WHERE u.path LIKE ? AND (? = 0 OR p.user_id = ?) AND (? = 0 OR u.id = ?)"
		" AND (p.name LIKE ? OR ce.number LIKE ? OR COALESCE(p.employee_no, '') LIKE ?)"
		" ORDER BY u.path, p.name, ce.id",
		"tIIIIttt", auth_scope_pattern(r), auth_scope_owner(r), auth_scope_owner(r), unit, unit, like, like, like);
}

int64_t cert_todo_count(struct req *r)
{
	int64_t n = 0, today = cert_today();
	struct db_stmt *st = list_query(r, NULL, 0);
	while (st && db_step(st) == 1)
		n += status_due(cert_status_at(today, col_day(st, 8), col_day(st, 9), db_col_i64(st, 10) != 0));
	db_done(r->db, st);
	return n;
}

/* ---- GET /certs ---- */
static int certs_list(struct req *r)
{
	const char *q = req_query(r, "q"), *status_s = req_query(r, "status");
	int64_t unit = 0, today = cert_today();
	int want = status_s && !strcmp(status_s, "due") ? CERT_DUE : cert_status_parse(status_s);
	if (status_s && *status_s && want == -1)
		req_bad_param(r, "status");	/* answered 400 by the router */
	req_query_id(r, "unit", &unit);
	page_begin(r, T(r, "nav.certs"));
	html_printf(&r->out, "<section class=\"card\"><div class=\"cert-head\"><h1>%s</h1><p class=\"cert-actions\">"
			     "<a class=\"button\" href=\"/certs/expiring\">%s</a>",
		    T(r, "nav.certs"), T(r, "cert.expiring_title"));
	if (auth_has(r, "cert.admin"))
		html_printf(&r->out, " <a class=\"button\" href=\"/persons/new\">%s</a>"
				     " <a class=\"button\" href=\"/certs/import\">%s</a>",
			    T(r, "cert.person_new"), T(r, "cert.import_title"));
	html_printf(&r->out, " <a class=\"button\" href=\"/certs/export.xlsx\">%s</a>"
			     " <a class=\"button\" href=\"/certs/export.csv\">CSV</a></p></div>",
		    T(r, "cert.export_xlsx"));
	html_printf(&r->out, "<form class=\"filters\" method=\"get\" action=\"/certs\">"
			     "<label>%s<input name=\"q\" value=\"%s\"></label><label>%s<select name=\"unit\">",
		    T(r, "cert.search"), q ? q : "", T(r, "cert.unit"));
	unit_options(r, unit, 1);
	html_printf(&r->out, "</select></label><label>%s<select name=\"status\">", T(r, "cert.status"));
	status_options(r, want);
	html_printf(&r->out, "</select></label><button>%s</button></form>", T(r, "cert.filter"));

	struct db_stmt *st = list_query(r, q, unit);
	html_printf(&r->out, "<div class=\"table-wrap\"><table class=\"certs cards\"><thead><tr><th>%s</th><th>%s</th>"
			     "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
		    T(r, "cert.person"), T(r, "cert.unit"), T(r, "cert.item"), T(r, "cert.number"),
		    T(r, "cert.expires_on"), T(r, "cert.review_on"), T(r, "cert.status"));
	int n = 0, more = 0;
	while (st && db_step(st) == 1) {
		enum cert_status s = cert_status_at(today, col_day(st, 8), col_day(st, 9), db_col_i64(st, 10) != 0);
		if ((want >= 0 && (int)s != want) || (want == CERT_DUE && !status_due(s)))
			continue;
		if (n >= 500) {
			more = 1;
			break;
		}
		n++;
		const char *employer = db_col_text(st, 3);
		html_printf(&r->out, "<tr><td><a href=\"/persons/%D\">%s</a>", db_col_i64(st, 1), db_col_text(st, 2));
		if (*employer)
			html_printf(&r->out, " <small class=\"contractor\">%s</small>", employer);
		/* data-label: the column's name, shown before the value when the row is a card (phones) */
		html_printf(&r->out, "</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td>"
				     "<td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td>"
				     "<td data-label=\"%s\">%s</td><td>%r</td></tr>",
			    T(r, "cert.unit"), db_col_text(st, 4), T(r, "cert.item"), cert_catalogue_name(r, db_col_text(st, 6)),
			    T(r, "cert.number"), db_col_text(st, 7), T(r, "cert.expires_on"), day_s(r, col_day(st, 8)),
			    T(r, "cert.review_on"), day_s(r, col_day(st, 9)), status_badge(r, s));
	}
	db_done(r->db, st);
	if (!n)
		html_printf(&r->out, "<tr><td colspan=\"7\" class=\"empty\">%s</td></tr>", T(r, "cert.none"));
	html_printf(&r->out, "</tbody></table></div>");
	if (more)
		html_printf(&r->out, "<p class=\"hint\">%s</p>", T(r, "cert.list_capped"));
	html_printf(&r->out, "</section>");
	page_end(r);
	return 0;
}

/* "还剩 N 天": the catalogue's sentence with {n} filled in; the badge is red within 30 days. */
static html_raw days_left_badge(struct req *r, int64_t days)
{
	const char *tmpl = T(r, "cert.days_left"), *at = strstr(tmpl, "{n}");
	struct strbuf sb = STRBUF_INIT;
	if (at)
		html_printf(&sb, "<span class=\"badge %s days-left\">%s%D%s</span>", days <= 30 ? "bad" : "warn",
			    arena_strndup(&r->arena, tmpl, (size_t)(at - tmpl)), days, at + 3);
	else
		html_printf(&sb, "<span class=\"badge days-left\">%s</span>", tmpl);
	char *out = arena_strdup(&r->arena, sb.buf);
	sb_release(&sb);
	return out;
}

/* ---- GET /certs/expiring: the next 90 days, most urgent first across all units (one list,
 * so the certificate due tomorrow in the last workshop is not below next quarter's in the first) ---- */
static int certs_expiring(struct req *r)
{
	int64_t today = cert_today();
	page_begin(r, T(r, "cert.expiring_title"));
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1><p class=\"hint\">%s</p>",
		    T(r, "cert.expiring_title"), T(r, "cert.expiring_hint"));
	struct db_stmt *st = db_query(r->db,
		"SELECT u.id, u.name, p.id, p.name, COALESCE(ce.item, ce.category), ce.number, ce.expires_on, ce.review_on"
		" FROM certs ce JOIN persons p ON p.id = ce.person_id JOIN units u ON u.id = p.unit_id"
		" WHERE u.path LIKE ? AND (? = 0 OR p.user_id = ?) AND ce.revoked_at = 0 AND p.active = 1"
		" AND ((ce.expires_on BETWEEN ? AND ?) OR (ce.review_on BETWEEN ? AND ?))"
		" ORDER BY CASE WHEN COALESCE(ce.expires_on, 99999999) < COALESCE(ce.review_on, 99999999)"
		" THEN COALESCE(ce.expires_on, 99999999) ELSE COALESCE(ce.review_on, 99999999) END, u.path, p.name, ce.id",
		"tIIIIII", auth_scope_pattern(r), auth_scope_owner(r), auth_scope_owner(r), today, today + 90,
		today, today + 90);
	int n = 0;
	while (st && db_step(st) == 1) {
		if (!n++)
			html_printf(&r->out, "<div class=\"table-wrap\"><table class=\"cards expiring\"><thead><tr><th>%s</th>"
					     "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
				    T(r, "cert.person"), T(r, "cert.status"), T(r, "cert.unit"), T(r, "cert.item"),
				    T(r, "cert.number"), T(r, "cert.expires_on"), T(r, "cert.review_on"));
		int64_t exp = col_day(st, 6), rev = col_day(st, 7);
		/* the date that falls due inside the window: what the badge counts down to */
		int64_t due = exp != CERT_NODAY && exp >= today && exp <= today + 90 ? exp : CERT_NODAY;
		if (rev != CERT_NODAY && rev >= today && rev <= today + 90 && (due == CERT_NODAY || rev < due))
			due = rev;
		html_printf(&r->out, "<tr><td><a href=\"/persons/%D\">%s</a></td><td>%r %r</td>"
				     "<td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td>"
				     "<td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td>"
				     "<td data-label=\"%s\">%s</td></tr>",
			    db_col_i64(st, 2), db_col_text(st, 3), days_left_badge(r, due == CERT_NODAY ? 0 : due - today),
			    status_badge(r, cert_status_at(today, exp, rev, 0)),
			    T(r, "cert.unit"), db_col_text(st, 1), T(r, "cert.item"), cert_catalogue_name(r, db_col_text(st, 4)),
			    T(r, "cert.number"), db_col_text(st, 5), T(r, "cert.expires_on"), day_s(r, exp),
			    T(r, "cert.review_on"), day_s(r, rev));
	}
	db_done(r->db, st);
	if (n)
		html_printf(&r->out, "</tbody></table></div>");
	else
		html_printf(&r->out, "<p class=\"empty\">%s</p>", T(r, "cert.none"));
	html_printf(&r->out, "</section>");
	page_end(r);
	return 0;
}

/* ---- GET /persons/:id ---- */
static int person_page(struct req *r)
{
	int64_t id, today = cert_today();
	/* r->status starts at 200, so "answer 404 unless the scope check already did" must ask
	 * which check failed: /persons/abc answered an empty 200 page */
	if (req_param_id(r, "id", &id)) {
		not_found(r);
		return 0;
	}
	if (cert_web_person_in_scope(r, id, NULL))	/* it answered 404 */
		return 0;
	struct db_stmt *st = db_query(r->db,
		"SELECT p.name, COALESCE(p.employee_no, ''), p.employer, u.name, COALESCE(us.username, ''), p.contractor"
		" FROM persons p JOIN units u ON u.id = p.unit_id LEFT JOIN users us ON us.id = p.user_id WHERE p.id = ?",
		"I", id);
	if (!st || db_step(st) != 1) {
		db_done(r->db, st);
		not_found(r);
		return 0;
	}
	const char *name = arena_strdup(&r->arena, db_col_text(st, 0));
	page_begin(r, name);
	html_printf(&r->out, "<section class=\"card\"><h1>%s %r</h1><dl class=\"facts\"><dt>%s</dt><dd>%s</dd>"
			     "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>",
		    name, cert_person_badge_html(r, id), T(r, "cert.employee_no"), db_col_text(st, 1),
		    T(r, "cert.unit"), db_col_text(st, 3), T(r, "cert.employer"),
		    db_col_i64(st, 5) ? db_col_text(st, 2) : T(r, "cert.own_unit"));
	html_printf(&r->out, "</dl>");
	db_done(r->db, st);
	int admin = auth_has(r, "cert.admin");
	if (admin)
		html_printf(&r->out, "<p><a class=\"button\" href=\"/persons/%D/certs/new\">%s</a></p>", id,
			    T(r, "cert.add"));
	html_printf(&r->out, "</section><section class=\"card\"><h2>%s</h2><ul class=\"list cert-list\">",
		    T(r, "cert.certificates"));
	st = db_query(r->db,
		"SELECT id, COALESCE(item, category), number, authority, issued_on, expires_on, review_on, revoked_at,"
		" revoke_reason, image IS NOT NULL, (SELECT result || ' · ' || verified_at FROM cert_verifications v"
		" WHERE v.cert_id = certs.id ORDER BY v.id DESC LIMIT 1) FROM certs WHERE person_id = ? ORDER BY id",
		"I", id);
	int n = 0;
	while (st && db_step(st) == 1) {
		n++;
		int64_t cid = db_col_i64(st, 0), exp = col_day(st, 5), rev = col_day(st, 6);
		enum cert_status s = cert_status_at(today, exp, rev, db_col_i64(st, 7) != 0);
		html_printf(&r->out, "<li id=\"cert-%D\"><strong>%s</strong> %r<br><small>%s %s · %s %s · %s %s · %s %s</small>",
			    cid, cert_catalogue_name(r, db_col_text(st, 1)), status_badge(r, s), T(r, "cert.number"),
			    db_col_text(st, 2), T(r, "cert.authority"), db_col_text(st, 3), T(r, "cert.expires_on"),
			    day_s(r, exp), T(r, "cert.review_on"), day_s(r, rev));
		if (s == CERT_REVOKED)
			html_printf(&r->out, "<br><small>%s: %s</small>", T(r, "cert.revoke_reason"), db_col_text(st, 8));
		if (!db_col_null(st, 10))
			html_printf(&r->out, "<br><small>%s: %s</small>", T(r, "cert.verified"), db_col_text(st, 10));
		html_printf(&r->out, "<div class=\"cert-actions\">");
		if (db_col_i64(st, 9))
			html_printf(&r->out, "<a href=\"/certs/%D/image\">%s</a>", cid, T(r, "cert.image"));
		if (admin && s != CERT_REVOKED) {
			html_printf(&r->out, " <a href=\"/certs/%D/edit\">%s</a>"
					     "<form method=\"post\" action=\"/certs/%D/revoke\" class=\"inline-form\">%r"
					     "<input name=\"reason\" placeholder=\"%s\" required><button>%s</button></form>"
					     "<form method=\"post\" action=\"/certs/%D/verify\" class=\"inline-form\">%r"
					     "<select name=\"result\"><option value=\"genuine\">%s</option>"
					     "<option value=\"not_found\">%s</option><option value=\"mismatch\">%s</option></select>"
					     "<input name=\"note\" placeholder=\"%s\"><button>%s</button></form>",
				    cid, T(r, "cert.edit"), cid, page_csrf(r), T(r, "cert.revoke_reason"),
				    T(r, "cert.revoke"), cid, page_csrf(r), T(r, "cert.verify.genuine"),
				    T(r, "cert.verify.not_found"), T(r, "cert.verify.mismatch"), T(r, "cert.note"),
				    T(r, "cert.verify"));
		}
		html_printf(&r->out, "</div></li>");
	}
	db_done(r->db, st);
	if (!n)
		html_printf(&r->out, "<li class=\"empty\">%s</li>", T(r, "cert.none"));
	html_printf(&r->out, "</ul></section>");
	page_end(r);
	return 0;
}

/* ---- certificate form ---- */
static void cert_form(struct req *r, int64_t person_id, int64_t cert_id, const char *error, const char *field)
{
	const char *code = NULL, *number = "", *authority = "";
	char *issued = NULL, *expires = NULL, *review = NULL;
	struct db_stmt *st = NULL;
	if (cert_id && !req_is_write(r)) {
		st = db_query(r->db, "SELECT COALESCE(item, category), number, authority, issued_on, expires_on, review_on"
				     " FROM certs WHERE id = ?", "I", cert_id);
		if (st && db_step(st) == 1) {
			code = arena_strdup(&r->arena, db_col_text(st, 0));
			number = arena_strdup(&r->arena, db_col_text(st, 1));
			authority = arena_strdup(&r->arena, db_col_text(st, 2));
			issued = (char *)day_s(r, col_day(st, 3));
			expires = (char *)day_s(r, col_day(st, 4));
			review = (char *)day_s(r, col_day(st, 5));
		}
		db_done(r->db, st);
	} else {
		const char *v;
		code = req_form(r, "code");
		number = (v = req_form(r, "number")) ? v : "";
		authority = (v = req_form(r, "authority")) ? v : "";
		issued = (char *)((v = req_form(r, "issued_on")) ? v : "");
		expires = (char *)((v = req_form(r, "expires_on")) ? v : "");
		review = (char *)((v = req_form(r, "review_on")) ? v : "");
	}
	const char *title = T(r, cert_id ? "cert.edit" : "cert.add");
	page_begin(r, title);
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1>", title);
	if (error)
		page_notice(r, "error", arena_printf(&r->arena, "%s (%s)", error, field ? field : ""));
	const char *action = cert_id ? arena_printf(&r->arena, "/certs/%lld/edit", (long long)cert_id)
				     : arena_printf(&r->arena, "/persons/%lld/certs/new", (long long)person_id);
	html_printf(&r->out, "<form method=\"post\" action=\"%s\" enctype=\"multipart/form-data\" class=\"stack\">%r"
			     "<label>%s<select name=\"code\" required>", action, page_csrf(r), T(r, "cert.item"));
	catalogue_options(r, code);
	html_printf(&r->out, "</select></label>"
			     "<label>%s<input name=\"number\" required maxlength=\"64\" value=\"%s\"></label>"
			     "<label>%s<input name=\"authority\" value=\"%s\"></label>"
			     "<label>%s<input type=\"date\" name=\"issued_on\" value=\"%s\">%r</label>"
			     "<label>%s<input type=\"date\" name=\"expires_on\" value=\"%s\">%r<small>%s</small></label>"
			     "<label>%s<input type=\"date\" name=\"review_on\" value=\"%s\">%r</label>"
			     "<label>%s%r</label>"
			     "<button class=\"primary\">%s</button></form></section>",
		    T(r, "cert.number"), number, T(r, "cert.authority"), authority, T(r, "cert.issued_on"), issued,
		    page_date_hint(r), T(r, "cert.expires_on"), expires, page_date_hint(r), T(r, "cert.defaults_hint"),
		    T(r, "cert.review_on"), review, page_date_hint(r), T(r, "cert.image"),
		    page_file_input(r, "image", "form.file_choose", "accept=\"image/jpeg,image/png,application/pdf\""),
		    T(r, "cert.save"));
	page_end(r);
}

static int cert_new(struct req *r)
{
	int64_t pid;
	if (req_param_id(r, "id", &pid)) {
		not_found(r);
		return 0;
	}
	if (!cert_web_person_in_scope(r, pid, NULL))
		cert_form(r, pid, 0, NULL, NULL);
	return 0;
}

static int cert_create(struct req *r)
{
	int64_t pid;
	const char *field, *key;
	if (req_param_id(r, "id", &pid)) {
		not_found(r);
		return 0;
	}
	if (cert_web_person_in_scope(r, pid, NULL))
		return 0;
	int64_t id = cert_web_save(r, 0, pid, &field, &key);
	if (id == -2) {
		resp_error(r, 500, "internal", T(r, "cert.error.db"), NULL);
	} else if (id < 0) {
		r->status = 400;
		cert_form(r, pid, 0, T(r, key), field);
	} else {
		resp_redirect(r, arena_printf(&r->arena, "/persons/%lld#cert-%lld", (long long)pid, (long long)id));
	}
	return 0;
}

static int cert_edit(struct req *r)
{
	int64_t id, pid;
	if (req_param_id(r, "id", &id)) {
		not_found(r);
		return 0;
	}
	if (!cert_web_cert_in_scope(r, id, &pid))
		cert_form(r, pid, id, NULL, NULL);
	return 0;
}

static int cert_update(struct req *r)
{
	int64_t id, pid;
	const char *field, *key;
	if (req_param_id(r, "id", &id)) {
		not_found(r);
		return 0;
	}
	if (cert_web_cert_in_scope(r, id, &pid))
		return 0;
	int64_t rc = cert_web_save(r, id, pid, &field, &key);
	if (rc == -2) {
		resp_error(r, 500, "internal", T(r, "cert.error.db"), NULL);
	} else if (rc < 0) {
		r->status = 400;
		cert_form(r, pid, id, T(r, key), field);
	} else {
		resp_redirect(r, arena_printf(&r->arena, "/persons/%lld#cert-%lld", (long long)pid, (long long)id));
	}
	return 0;
}

static int cert_revoke(struct req *r)
{
	int64_t id, pid;
	const char *reason = req_form(r, "reason");
	if (req_param_id(r, "id", &id)) {
		not_found(r);
		return 0;
	}
	if (cert_web_cert_in_scope(r, id, &pid))
		return 0;
	if (!reason || !*reason) {
		resp_error(r, 400, "invalid", T(r, "cert.error.required"), "reason");
		return 0;
	}
	if (cert_web_revoke(r, id, reason)) {
		resp_error(r, 500, "internal", T(r, "cert.error.db"), NULL);
		return 0;
	}
	resp_redirect(r, arena_printf(&r->arena, "/persons/%lld#cert-%lld", (long long)pid, (long long)id));
	return 0;
}

/* The scanned certificate: served with its sniffed type (never text/html), as an
 * attachment for PDF, to those who may see the holder. */
static int cert_image(struct req *r)
{
	int64_t id, pid;
	if (req_param_id(r, "id", &id)) {
		not_found(r);
		return 0;
	}
	if (cert_web_cert_in_scope(r, id, &pid))
		return 0;
	struct db_stmt *st = db_query(r->db, "SELECT image, image_type FROM certs WHERE id = ? AND image IS NOT NULL",
				    "I", id);
	if (!st || db_step(st) != 1) {
		db_done(r->db, st);
		not_found(r);
		return 0;
	}
	const char *type = db_col_text(st, 1);
	static const char *const allowed[] = {"image/jpeg", "image/png", "application/pdf", NULL};
	const char *safe = "application/octet-stream";
	for (int i = 0; allowed[i]; i++)
		if (!strcmp(type, allowed[i]))
			safe = allowed[i];
	resp_text(r, 200, safe, db_col_blob(st, 0), db_col_bytes(st, 0));
	db_done(r->db, st);
	resp_header(r, "Content-Disposition", !strcmp(safe, "application/pdf") ? "attachment; filename=\"cert.pdf\""
										 : "inline");
	resp_header(r, "Cache-Control", "private, no-store");
	return 0;
}

static int cert_verify(struct req *r)
{
	int64_t id, pid;
	if (req_param_id(r, "id", &id)) {
		not_found(r);
		return 0;
	}
	if (cert_web_cert_in_scope(r, id, &pid))
		return 0;
	const char *method = req_field(r, "method");
	const struct cert_verifier *v = cert_verifier_find(method && *method ? method : "manual");
	struct cert_verify_input in = {.cert_id = id, .claimed_result = req_field(r, "result"),
				       .note = req_field(r, "note"), .user_id = r->who->user_id};
	if (!v || (in.note && !text_ok(in.note, 500))) {
		resp_error(r, 400, "invalid", T(r, "cert.error.invalid"), v ? "note" : "method");
		return 0;
	}
	if (db_begin(r->db) != DB_OK) {
		resp_error(r, 500, "internal", T(r, "cert.error.db"), NULL);
		return 0;
	}
	if (cert_verify_record(r->db, v, &in) || audit_req(r, "cert", id, "verify", in.claimed_result) != DB_OK ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		resp_error(r, 400, "invalid", T(r, "cert.error.invalid"), "result");
		return 0;
	}
	if (r->is_api)
		resp_json(r, 201, json_pack("{s:I, s:s}", "cert_id", (json_int_t)id, "method", v->name));
	else
		resp_redirect(r, arena_printf(&r->arena, "/persons/%lld#cert-%lld", (long long)pid, (long long)id));
	return 0;
}

/* ---- import: upload → preview → commit ---- */
static void import_report(struct req *r, const struct cert_import_result *res)
{
	if (res->fatal_key) {
		page_notice(r, "error", res->fatal_detail
			    ? arena_printf(&r->arena, "%s: %s", T(r, res->fatal_key), res->fatal_detail)
			    : T(r, res->fatal_key));
		return;
	}
	if (!strcmp(res->encoding, "gb18030"))
		page_notice(r, "warn", T(r, "cert.import.converted"));
	html_printf(&r->out, "<p class=\"import-counts\">%s <strong data-rows=\"%d\">%d</strong> · %s "
			     "<strong data-ok=\"%d\">%d</strong> · %s <strong data-bad=\"%d\">%d</strong></p>",
		    T(r, "cert.import.rows"), res->rows, res->rows, T(r, "cert.import.ok_rows"), res->ok, res->ok,
		    T(r, "cert.import.bad_rows"), res->bad, res->bad);
	if (!res->shown)
		return;
	html_printf(&r->out, "<div class=\"table-wrap\"><table class=\"import-problems\"><thead><tr><th>%s</th>"
			     "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
		    T(r, "cert.import.row"), T(r, "cert.import.column"), T(r, "cert.import.problem"),
		    T(r, "cert.import.value"));
	for (int i = 0; i < res->shown; i++)
		html_printf(&r->out, "<tr><td>%d</td><td>%s</td><td>%s</td><td>%s</td></tr>", res->problems[i].row,
			    res->problems[i].field, T(r, res->problems[i].key), res->problems[i].value);
	html_printf(&r->out, "</tbody></table></div>");
	if (res->nproblems > res->shown)
		html_printf(&r->out, "<p class=\"hint\">%s %d</p>", T(r, "cert.import.more_problems"),
			    res->nproblems - res->shown);
}

static void import_form(struct req *r)
{
	html_printf(&r->out, "<form method=\"post\" action=\"/certs/import\" enctype=\"multipart/form-data\" class=\"stack\">%r"
			     "<label>%s%r</label>"
			     "<button class=\"primary\">%s</button></form>",
		    page_csrf(r), T(r, "cert.import.file"),
		    page_file_input(r, "file", "form.file_choose", "required accept=\".xlsx,.csv\""),
		    T(r, "cert.import.preview"));
}

static int import_page(struct req *r)
{
	page_begin(r, T(r, "cert.import_title"));
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1><p class=\"hint\">%s</p>",
		    T(r, "cert.import_title"), T(r, "cert.import.hint"));
	import_form(r);
	html_printf(&r->out, "</section>");
	page_end(r);
	return 0;
}

static const struct actor *actor(struct req *r)
{
	struct actor *a = arena_alloc(&r->arena, sizeof(*a));
	actor_from_req(r, a);
	return a;
}

static int import_preview(struct req *r)
{
	struct upload *u = req_upload(r, "file");
	struct cert_import_result res;
	if (!u || !u->data.len) {
		resp_error(r, 400, "invalid", T(r, "cert.import.empty"), "file");
		return 0;
	}
	cert_import(actor(r), u->data.buf, u->data.len, 0, &res);
	char tok[33] = "";
	if (!res.fatal_key && !res.bad && db_begin(r->db) == DB_OK) {
		text_random_token(tok, 16);
		int64_t now = clock_now();
		if (db_exec(r->db, "DELETE FROM cert_import_files WHERE created_at < ?", "I", now - 86400) != DB_OK ||
		    db_exec(r->db, "INSERT INTO cert_import_files (token, user_id, filename, data, created_at)"
				   " VALUES (?, ?, ?, ?, ?)", "tItbI", tok, r->who->user_id,
			    u->filename ? u->filename : "", u->data.buf, u->data.len, now) != DB_OK ||
		    db_commit(r->db) != DB_OK) {
			db_rollback(r->db);
			tok[0] = 0;
		}
	}
	if (res.fatal_key || res.bad)
		r->status = 422;
	page_begin(r, T(r, "cert.import_title"));
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1>", T(r, "cert.import.preview_title"));
	import_report(r, &res);
	if (*tok)
		html_printf(&r->out, "<form method=\"post\" action=\"/certs/import/commit\">%r"
				     "<input type=\"hidden\" name=\"token\" value=\"%s\"><button class=\"primary\">%s</button></form>",
			    page_csrf(r), tok, T(r, "cert.import.commit"));
	else
		import_form(r);
	html_printf(&r->out, "</section>");
	page_end(r);
	cert_import_result_free(&res);
	return 0;
}

static int import_commit(struct req *r)
{
	const char *tok = req_form(r, "token");
	struct db_stmt *st = db_query(r->db, "SELECT id, data FROM cert_import_files WHERE token = ? AND user_id = ?",
				    "tI", tok ? tok : "", r->who->user_id);
	if (!st || db_step(st) != 1) {
		db_done(r->db, st);
		resp_error(r, 404, "not_found", T(r, "cert.import.expired_upload"), "token");
		return 0;
	}
	int64_t fid = db_col_i64(st, 0);
	size_t len = db_col_bytes(st, 1);
	char *data = xmalloc(len + 1);
	memcpy(data, db_col_blob(st, 1), len);
	db_done(r->db, st);
	struct cert_import_result res;
	cert_import(actor(r), data, len, 1, &res);
	free(data);
	if (res.committed && db_begin(r->db) == DB_OK) {
		if (db_exec(r->db, "DELETE FROM cert_import_files WHERE id = ?", "I", fid) != DB_OK || db_commit(r->db))
			db_rollback(r->db);
	}
	if (!res.committed)
		r->status = 422;
	page_begin(r, T(r, "cert.import_title"));
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1>", T(r, "cert.import_title"));
	if (res.committed)
		page_notice(r, "ok", arena_printf(&r->arena, "%s %d", T(r, "cert.import.done"), res.committed));
	import_report(r, &res);
	html_printf(&r->out, "<p><a href=\"/certs\">%s</a></p></section>", T(r, "nav.certs"));
	page_end(r);
	cert_import_result_free(&res);
	return 0;
}

static int export(struct req *r, int xlsx)
{
	char *out = NULL;
	size_t len = 0;
	if (cert_export(r->db, xlsx, auth_scope_pattern(r), auth_scope_owner(r), &out, &len)) {
		resp_error(r, 500, "internal", T(r, "cert.error.db"), NULL);
		return 0;
	}
	resp_text(r, 200, xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
			       : "text/csv; charset=utf-8", out, len);
	free(out);
	resp_header(r, "Content-Disposition", xlsx ? "attachment; filename=\"certificates.xlsx\""
						   : "attachment; filename=\"certificates.csv\"");
	return 0;
}

static int export_xlsx(struct req *r)
{
	return export(r, 1);
}

static int export_csv(struct req *r)
{
	return export(r, 0);
}

int cert_api_import(struct req *r)
{
	struct upload *u = req_upload(r, "file");
	const char *commit = req_field(r, "commit");
	if (!commit)
		commit = req_query(r, "commit");
	if (!u || !u->data.len) {
		resp_error(r, 400, "invalid", T(r, "cert.import.empty"), "file");
		return 0;
	}
	struct cert_import_result res;
	cert_import(actor(r), u->data.buf, u->data.len, commit && !strcmp(commit, "1"), &res);
	json_t *problems = json_array();
	for (int i = 0; i < res.shown; i++)
		json_array_append_new(problems, json_pack("{s:i, s:s, s:s, s:s, s:s}", "row", res.problems[i].row,
			"field", res.problems[i].field, "code", res.problems[i].key, "message",
			T(r, res.problems[i].key), "value", res.problems[i].value));
	json_t *body = json_pack("{s:s?, s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:o}", "format", res.format,
		"encoding", res.encoding, "rows", res.rows, "ok", res.ok, "bad", res.bad, "problems_total",
		res.nproblems, "committed", res.committed, "persons_created", res.persons_created, "problems", problems);
	int status = 200;
	if (res.fatal_key) {
		json_object_set_new(body, "error", json_pack("{s:s, s:s, s:s?}", "code", res.fatal_key, "message",
			T(r, res.fatal_key), "field", res.fatal_detail));
		status = 422;
	} else if (res.bad) {
		/* every API error carries {"error": …} (the OpenAPI document's one Error shape);
		 * the rows' problems stay listed beside it */
		json_object_set_new(body, "error", json_pack("{s:s, s:s, s:s?}", "code", "cert.import.bad_rows",
			"message", T(r, "cert.import.bad_rows"), "field", res.shown ? res.problems[0].field : NULL));
		status = 422;
	}
	resp_json(r, status, body);
	cert_import_result_free(&res);
	return 0;
}

const struct route cert_routes[] = {
	{"GET", "/certs", certs_list, "cert.view", 0, "Certificates by person and unit, with status"},
	{"GET", "/certs/expiring", certs_expiring, "cert.view", 0, "Certificates expiring or due for review in 90 days, by unit"},
	{"GET", "/certs/import", import_page, "cert.admin", 0, "Import a certificate ledger (XLSX/CSV)"},
	{"POST", "/certs/import", import_preview, "cert.admin", 0, "Upload a ledger and preview its problems"},
	{"POST", "/certs/import/commit", import_commit, "cert.admin", 0, "Commit a previewed ledger, all or nothing"},
	{"GET", "/certs/export.xlsx", export_xlsx, "cert.view", 0, "The certificate ledger as XLSX"},
	{"GET", "/certs/export.csv", export_csv, "cert.view", 0, "The certificate ledger as CSV (UTF-8, BOM)"},
	{"GET", "/certs/:id/edit", cert_edit, "cert.admin", 0, "Edit a certificate"},
	{"POST", "/certs/:id/edit", cert_update, "cert.admin", 0, "Save a certificate"},
	{"POST", "/certs/:id/revoke", cert_revoke, "cert.admin", 0, "Revoke a certificate"},
	{"POST", "/certs/:id/verify", cert_verify, "cert.admin", 0, "Record a verification of a certificate"},
	{"GET", "/certs/:id/image", cert_image, "cert.view", 0, "The scanned certificate"},
	{"GET", "/persons/new", cert_person_new, "cert.admin", 0, "Add a person (employee or contractor's worker)"},
	{"POST", "/persons/new", cert_person_create, "cert.admin", 0, "Create a person"},
	{"GET", "/persons/:id", person_page, "cert.view", 0, "A person and their certificates"},
	{"GET", "/persons/:id/certs/new", cert_new, "cert.admin", 0, "Add a certificate to a person"},
	{"POST", "/persons/:id/certs/new", cert_create, "cert.admin", 0, "Create a certificate"},
	{"GET", "/api/v1/certs", cert_api_list, "cert.view", ROUTE_API | ROUTE_PAGED, "Certificates in scope (filters: status, unit_id, person_id)"},
	{"GET", "/api/v1/certs/expiring", cert_api_expiring, "cert.view", ROUTE_API | ROUTE_PAGED, "Certificates expiring or due for review (days, default 90)"},
	{"GET", "/api/v1/certs/catalogue", cert_api_catalogue, "cert.view", ROUTE_API, "The certificate catalogue and the permit-operation mapping"},
	{"POST", "/api/v1/certs/import", cert_api_import, "cert.admin", ROUTE_API, "Import a ledger: dry run, or commit=1 (all or nothing)"},
	{"POST", "/api/v1/certs", cert_api_create, "cert.admin", ROUTE_API, "Create a certificate"},
	{"GET", "/api/v1/certs/:id", cert_api_show, "cert.view", ROUTE_API, "One certificate"},
	{"POST", "/api/v1/certs/:id", cert_api_update, "cert.admin", ROUTE_API, "Update a certificate"},
	{"POST", "/api/v1/certs/:id/revoke", cert_api_revoke, "cert.admin", ROUTE_API, "Revoke a certificate"},
	{"POST", "/api/v1/certs/:id/verifications", cert_verify, "cert.admin", ROUTE_API, "Record a verification"},
	{"GET", "/api/v1/persons", cert_api_persons, "cert.view", ROUTE_API | ROUTE_PAGED, "People in scope with their worst certificate status"},
	{"POST", "/api/v1/persons", cert_api_person_create, "cert.admin", ROUTE_API, "Create a person"},
	{"GET", "/api/v1/persons/:id", cert_api_person, "cert.view", ROUTE_API, "A person and their certificates"},
	{"GET", "/api/v1/persons/:id/may", cert_api_may, "cert.view", ROUTE_API, "May this person do a permit operation on a date?"},
	{0},
};
