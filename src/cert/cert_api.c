/*
 * cert_api.c — the certificates' JSON API under /api/v1/certs and /api/v1/persons, including
 * GET /api/v1/persons/:id/may?operation=hot_work&date=2026-11-23, which exposes the blocking
 * query (cert_may_operate) to other systems and to the permit pages' scripts.
 *
 * Same domain code as the pages (cert_web.h); same data scope on every list and record.
 */
#include "cert/cert.h"
#include "auth/auth.h"
#include "base/text.h"
#include "cert/cert_web.h"
#include "db/db.h"
#include "web/i18n.h"

#include <stdlib.h>
#include <string.h>

static int64_t col_day(struct db_stmt *st, int i)
{
	return db_col_null(st, i) ? CERT_NODAY : db_col_i64(st, i);
}

static json_t *day_json(int64_t day)
{
	char d[16];
	return day == CERT_NODAY ? json_null() : json_string(cert_day_format(day, d));
}

#define CERT_COLS "ce.id, ce.person_id, p.name, ce.category, ce.item, ce.number, ce.authority, ce.issued_on," \
		  " ce.expires_on, ce.review_on, ce.revoked_at, ce.revoke_reason, ce.image IS NOT NULL, u.id, u.name"
#define CERT_FROM " FROM certs ce JOIN persons p ON p.id = ce.person_id JOIN units u ON u.id = p.unit_id"

static json_t *cert_json(struct db_stmt *st, int64_t today)
{
	enum cert_status s = cert_status_at(today, col_day(st, 8), col_day(st, 9), db_col_i64(st, 10) != 0);
	return json_pack("{s:I, s:I, s:s, s:s, s:s?, s:s, s:s, s:o, s:o, s:o, s:s, s:b, s:s, s:b, s:I, s:s}",
		"id", (json_int_t)db_col_i64(st, 0), "person_id", (json_int_t)db_col_i64(st, 1),
		"person", db_col_text(st, 2), "category", db_col_text(st, 3),
		"item", db_col_null(st, 4) ? NULL : db_col_text(st, 4), "number", db_col_text(st, 5),
		"authority", db_col_text(st, 6), "issued_on", day_json(col_day(st, 7)),
		"expires_on", day_json(col_day(st, 8)), "review_on", day_json(col_day(st, 9)),
		"status", cert_status_code(s), "usable", cert_status_usable(s),
		"revoke_reason", db_col_text(st, 11), "has_image", db_col_i64(st, 12) != 0,
		"unit_id", (json_int_t)db_col_i64(st, 13), "unit", db_col_text(st, 14));
}

int cert_api_list(struct req *r)
{
	const char *status_s = req_query(r, "status");
	int64_t unit = 0, person = 0, today = cert_today();
	int want = status_s && *status_s ? cert_status_parse(status_s) : -1;
	if (status_s && *status_s && want < 0) {
		resp_error(r, 400, "invalid", T(r, "cert.error.invalid"), "status");
		return 0;
	}
	if (req_query_id(r, "unit_id", &unit) < 0 || req_query_id(r, "person_id", &person) < 0) {
		resp_error(r, 400, "invalid", T(r, "cert.error.invalid"), r->bad_param);
		return 0;
	}
	struct db_stmt *st = db_query(r->db, "SELECT " CERT_COLS CERT_FROM
		" WHERE u.path LIKE ? AND (? = 0 OR p.user_id = ?) AND (? = 0 OR u.id = ?) AND (? = 0 OR p.id = ?)"
		" ORDER BY u.path, p.name, ce.id LIMIT 20000",
		"tIIIIII", auth_scope_pattern(r), auth_scope_owner(r), auth_scope_owner(r), unit, unit, person, person);
	json_t *items = json_array();
	struct pager pg;
	pager_start(r, HTTP_PER_PAGE_MAX, &pg);
	while (st && db_step(st) == 1) {
		json_t *c = cert_json(st, today);
		if ((want < 0 || !strcmp(json_string_value(json_object_get(c, "status")), cert_status_code(want))) &&
		    pager_take(&pg))
			json_array_append_new(items, c);
		else
			json_decref(c);
	}
	db_done(r->db, st);
	pager_reply(r, &pg, items, NULL);
	return 0;
}

int cert_api_expiring(struct req *r)
{
	const char *days_s = req_query(r, "days");
	int64_t days = 90, today = cert_today();
	if (days_s && (text_parse_i64(days_s, &days) || days < 0 || days > 3660)) {
		resp_error(r, 400, "invalid", T(r, "cert.error.invalid"), "days");
		return 0;
	}
	struct db_stmt *st = db_query(r->db, "SELECT " CERT_COLS CERT_FROM
		" WHERE u.path LIKE ? AND (? = 0 OR p.user_id = ?) AND ce.revoked_at = 0 AND p.active = 1"
		" AND ((ce.expires_on BETWEEN ? AND ?) OR (ce.review_on BETWEEN ? AND ?)) ORDER BY u.path, ce.expires_on",
		"tIIIIII", auth_scope_pattern(r), auth_scope_owner(r), auth_scope_owner(r), today, today + days,
		today, today + days);
	json_t *items = json_array();
	struct pager pg;
	pager_start(r, HTTP_PER_PAGE_MAX, &pg);
	while (st && db_step(st) == 1)
		if (pager_take(&pg))
			json_array_append_new(items, cert_json(st, today));
	db_done(r->db, st);
	pager_reply(r, &pg, items, NULL);
	return 0;
}

int cert_api_catalogue(struct req *r)
{
	json_t *items = json_array(), *map = json_object();
	struct db_stmt *st = db_query(r->db, "SELECT code, parent_code, kind, name_zh, name_en FROM cert_catalogue ORDER BY sort", NULL);
	while (st && db_step(st) == 1)
		json_array_append_new(items, json_pack("{s:s, s:s?, s:s, s:s, s:s}", "code", db_col_text(st, 0),
			"parent", db_col_null(st, 1) ? NULL : db_col_text(st, 1), "kind", db_col_text(st, 2),
			"name_zh", db_col_text(st, 3), "name_en", db_col_text(st, 4)));
	db_done(r->db, st);
	st = db_query(r->db, "SELECT operation, code FROM cert_operation_map ORDER BY operation, code", NULL);
	while (st && db_step(st) == 1) {
		json_t *list = json_object_get(map, db_col_text(st, 0));
		if (!list) {
			list = json_array();
			json_object_set_new(map, db_col_text(st, 0), list);
		}
		json_array_append_new(list, json_string(db_col_text(st, 1)));
	}
	db_done(r->db, st);
	resp_json(r, 200, json_pack("{s:o, s:o}", "items", items, "operations", map));
	return 0;
}

static json_t *one_cert(struct req *r, int64_t id)
{
	json_t *c = NULL;
	struct db_stmt *st = db_query(r->db, "SELECT " CERT_COLS CERT_FROM " WHERE ce.id = ?", "I", id);
	if (st && db_step(st) == 1)
		c = cert_json(st, cert_today());
	db_done(r->db, st);
	if (!c)
		return NULL;
	json_t *ver = json_array();
	st = db_query(r->db, "SELECT method, result, note, verified_by, verified_at FROM cert_verifications"
			     " WHERE cert_id = ? ORDER BY id", "I", id);
	while (st && db_step(st) == 1)
		json_array_append_new(ver, json_pack("{s:s, s:s, s:s, s:I, s:I}", "method", db_col_text(st, 0),
			"result", db_col_text(st, 1), "note", db_col_text(st, 2), "verified_by",
			(json_int_t)db_col_i64(st, 3), "verified_at", (json_int_t)db_col_i64(st, 4)));
	db_done(r->db, st);
	json_object_set_new(c, "verifications", ver);
	return c;
}

int cert_api_show(struct req *r)
{
	int64_t id, pid;
	if (req_param_id(r, "id", &id)) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	if (cert_web_cert_in_scope(r, id, &pid))
		return 0;
	resp_json(r, 200, one_cert(r, id));
	return 0;
}

static void save_answer(struct req *r, int64_t id, int status, const char *field, const char *key)
{
	if (id == -2)
		resp_error(r, 500, "internal", T(r, "cert.error.db"), NULL);
	else if (id < 0)
		resp_error(r, key && !strcmp(key, "cert.error.duplicate_number") ? 409 : 400, "invalid", T(r, key ? key : "cert.error.invalid"), field);
	else
		resp_json(r, status, one_cert(r, id));
}

int cert_api_create(struct req *r)
{
	const char *ps = req_field(r, "person_id");
	int64_t pid;
	const char *field, *key;
	if (!ps || text_parse_i64(ps, &pid)) {
		resp_error(r, 400, "invalid", T(r, "cert.error.required"), "person_id");
		return 0;
	}
	if (cert_web_person_in_scope(r, pid, NULL))
		return 0;
	int64_t id = cert_web_save(r, 0, pid, &field, &key);
	save_answer(r, id, 201, field, key);
	return 0;
}

int cert_api_update(struct req *r)
{
	int64_t id, pid;
	const char *field, *key;
	if (req_param_id(r, "id", &id)) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	if (cert_web_cert_in_scope(r, id, &pid))
		return 0;
	int64_t rc = cert_web_save(r, id, pid, &field, &key);	/* before reading field and key */
	save_answer(r, rc, 200, field, key);
	return 0;
}

int cert_api_revoke(struct req *r)
{
	int64_t id, pid;
	const char *reason = req_field(r, "reason");
	if (req_param_id(r, "id", &id)) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	if (cert_web_cert_in_scope(r, id, &pid))
		return 0;
	if (!reason || !*reason || !utf8_valid(reason, strlen(reason))) {
		resp_error(r, 400, "invalid", T(r, "cert.error.required"), "reason");
		return 0;
	}
	if (cert_web_revoke(r, id, reason)) {
		resp_error(r, 500, "internal", T(r, "cert.error.db"), NULL);
		return 0;
	}
	resp_json(r, 200, one_cert(r, id));
	return 0;
}

static json_t *person_json(struct req *r, struct db_stmt *st)
{
	int worst = cert_person_worst(r->db, db_col_i64(st, 0), cert_today());
	return json_pack("{s:I, s:s, s:s, s:s, s:b, s:I, s:s, s:I, s:s?}", "id", (json_int_t)db_col_i64(st, 0),
		"name", db_col_text(st, 1), "employee_no", db_col_text(st, 2), "employer", db_col_text(st, 3),
		"contractor", db_col_i64(st, 4) != 0, "unit_id", (json_int_t)db_col_i64(st, 5), "unit",
		db_col_text(st, 6), "user_id", (json_int_t)db_col_i64(st, 7),
		"worst_status", worst < 0 ? NULL : cert_status_code((enum cert_status)worst));
}

#define PERSON_SQL "SELECT p.id, p.name, COALESCE(p.employee_no, ''), p.employer, p.contractor, u.id, u.name," \
		   " COALESCE(p.user_id, 0) FROM persons p JOIN units u ON u.id = p.unit_id"

int cert_api_persons(struct req *r)
{
	struct db_stmt *st = db_query(r->db, PERSON_SQL " WHERE u.path LIKE ? AND (? = 0 OR p.user_id = ?)"
				    " ORDER BY u.path, p.name LIMIT 20000",
				    "tII", auth_scope_pattern(r), auth_scope_owner(r), auth_scope_owner(r));
	json_t *items = json_array();
	/* collect the page's rows first: person_json runs queries of its own */
	struct strbuf ids = STRBUF_INIT;
	struct pager pg;
	pager_start(r, HTTP_PER_PAGE_MAX, &pg);
	while (st && db_step(st) == 1)
		if (pager_take(&pg))
			sb_addf(&ids, "%lld ", (long long)db_col_i64(st, 0));
	db_done(r->db, st);
	for (char *p = ids.buf, *end; *p; p = end) {
		int64_t id = strtoll(p, &end, 10);
		if (end == p)
			break;
		st = db_query(r->db, PERSON_SQL " WHERE p.id = ?", "I", id);
		if (st && db_step(st) == 1)
			json_array_append_new(items, person_json(r, st));
		db_done(r->db, st);
	}
	sb_release(&ids);
	pager_reply(r, &pg, items, NULL);
	return 0;
}

int cert_api_person(struct req *r)
{
	int64_t id, today = cert_today();
	if (req_param_id(r, "id", &id)) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	if (cert_web_person_in_scope(r, id, NULL))
		return 0;
	struct db_stmt *st = db_query(r->db, PERSON_SQL " WHERE p.id = ?", "I", id);
	json_t *p = st && db_step(st) == 1 ? person_json(r, st) : NULL;
	db_done(r->db, st);
	if (!p) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	json_t *certs = json_array();
	st = db_query(r->db, "SELECT " CERT_COLS CERT_FROM " WHERE p.id = ? ORDER BY ce.id", "I", id);
	while (st && db_step(st) == 1)
		json_array_append_new(certs, cert_json(st, today));
	db_done(r->db, st);
	json_object_set_new(p, "certs", certs);
	resp_json(r, 200, p);
	return 0;
}

json_t *cert_api_person_json(struct req *r, int64_t id)
{
	struct db_stmt *st = db_query(r->db, PERSON_SQL " WHERE p.id = ?", "I", id);
	json_t *p = st && db_step(st) == 1 ? person_json(r, st) : NULL;
	db_done(r->db, st);
	return p;
}

/* GET /api/v1/persons/:id/may?operation=hot_work&date=2026-11-23 (date defaults to today) */
int cert_api_may(struct req *r)
{
	int64_t id, day = cert_today();
	const char *op = req_query(r, "operation"), *date = req_query(r, "date");
	if (req_param_id(r, "id", &id)) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	if (cert_web_person_in_scope(r, id, NULL))
		return 0;
	if (!op || !cert_operation_known(op)) {
		resp_error(r, 400, "invalid", T(r, "cert.reason.unknown_operation"), "operation");
		return 0;
	}
	if (date && *date && cert_parse_date(date, &day)) {
		resp_error(r, 400, "invalid", T(r, "cert.error.date"), "date");
		return 0;
	}
	const char *reason = NULL;
	char *detail = NULL, d[16];
	int ok = cert_may_operate(r->db, id, op, day, &reason, &detail);
	resp_json(r, 200, json_pack("{s:I, s:s, s:s, s:b, s:s?, s:s?, s:s?}", "person_id", (json_int_t)id,
		"operation", op, "date", cert_day_format(day, d), "allowed", ok == 1, "reason", reason,
		"message", reason ? T(r, reason) : NULL, "detail", detail));
	free(detail);
	return 0;
}
