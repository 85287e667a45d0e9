/*
 * org.c — storage rules for units, areas and users shared by the admin pages, the demo
 * loader and the command line.
 */
#include "org/org.h"
#include "auth/auth_duty.h"
#include "base/clock.h"
#include "base/day.h"
#include "base/strbuf.h"
#include "base/text.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int64_t org_unit_create(struct db *c, int64_t parent_id, const char *name, const char *kind)
{
	char *ppath = NULL;
	if (parent_id && db_get_text(c, &ppath, "SELECT path FROM units WHERE id = ?", "I", parent_id) != 1)
		return -1;
	int rc = parent_id
		? db_exec(c, "INSERT INTO units (parent_id, name, kind, created_at) VALUES (?, ?, ?, ?)",
			  "IttI", parent_id, name, kind, clock_now())
		: db_exec(c, "INSERT INTO units (name, kind, created_at) VALUES (?, ?, ?)", "ttI", name,
			  kind, clock_now());
	if (rc != DB_OK) {
		free(ppath);
		return -1;
	}
	int64_t id = db_last_id(c);
	struct strbuf path = STRBUF_INIT;
	sb_addf(&path, "%s%lld/", ppath ? ppath : "/", (long long)id);	/* "/1/" → "/1/4/" */
	rc = db_exec(c, "UPDATE units SET path = ? WHERE id = ?", "tI", path.buf, id);
	sb_release(&path);
	free(ppath);
	return rc == DB_OK ? id : -1;
}

int64_t org_area_create(struct db *c, const char *name, int64_t unit_id, double lat, double lng,
			int radius_m, int has_coords)
{
	char tok[33];
	text_random_token(tok, 16);
	int rc = has_coords
		? db_exec(c, "INSERT INTO areas (name, unit_id, latitude, longitude, radius_m, qr_token, created_at)"
			     " VALUES (?, ?, ?, ?, ?, ?, ?)", "tIddItI", name, unit_id, lat, lng,
			  (int64_t)radius_m, tok, clock_now())
		: db_exec(c, "INSERT INTO areas (name, unit_id, radius_m, qr_token, created_at)"
			     " VALUES (?, ?, ?, ?, ?)", "tIItI", name, unit_id, (int64_t)radius_m, tok,
			  clock_now());
	return rc == DB_OK ? db_last_id(c) : -1;
}

int64_t org_user_create(struct db *c, const char *username, const char *name,
			const char *employee_no, const char *phone, int64_t unit_id,
			const char *role_codes, const char *hash, int must_change)
{
	int64_t now = clock_now();
	int rc = db_exec(c,
			 "INSERT INTO users (username, name, employee_no, phone, unit_id, password_hash,"
			 " must_change_password, password_changed_at, created_at, updated_at)"
			 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "ttttItiIII", username, name,
			 employee_no, phone, unit_id, hash, must_change, now, now, now);
	if (rc != DB_OK)
		return -1;
	int64_t id = db_last_id(c);
	char *codes = xstrdup(role_codes ? role_codes : ""), *save = NULL;
	for (char *p = strtok_r(codes, " ,", &save); p && rc == DB_OK; p = strtok_r(NULL, " ,", &save)) {
		rc = db_exec(c, "INSERT INTO user_roles (user_id, role_id) SELECT ?, id FROM roles WHERE code = ?",
			     "It", id, p);
		if (rc == DB_OK && db_changes(c) == 0)
			rc = DB_ERROR;	/* unknown role code */
	}
	free(codes);
	/* the last guard for every path that creates an account (web, command line, demo) */
	if (rc == DB_OK && org_user_duty(c, id) == AUTH_DUTY_MIXED)
		rc = DB_ERROR;
	return rc == DB_OK ? id : -1;
}

/* ---- rules ---- */

int org_perm_known(const char *perm)
{
	return module_perm_known(perm);	/* the module table's (base/module.h) */
}

int org_perms_has(const char *list, const char *perm)
{
	size_t n = strlen(perm);
	if (!list || !n)
		return 0;
	for (const char *p = strstr(list, perm); p; p = strstr(p + 1, perm)) {
		int starts = p == list || p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\n';
		int ends = p[n] == '\0' || p[n] == ' ' || p[n] == '\t' || p[n] == '\n';
		if (starts && ends)
			return 1;
	}
	return 0;
}

int org_user_duty(struct db *c, int64_t user_id)
{
	struct strbuf all = STRBUF_INIT;
	struct db_stmt *st = db_query(c, "SELECT ro.permissions FROM user_roles ur JOIN roles ro"
				       " ON ro.id = ur.role_id WHERE ur.user_id = ?", "I", user_id);
	while (st && db_step(st) == 1) {
		sb_adds(&all, db_col_text(st, 0));
		sb_addc(&all, ' ');
	}
	db_done(c, st);
	int d = auth_duty_of(all.buf, NULL);
	sb_release(&all);
	return d;
}

int org_roles_perms(struct db *c, const char *codes, struct strbuf *out)
{
	char *copy = xstrdup(codes ? codes : ""), *save = NULL;
	int rc = 0;
	for (char *p = strtok_r(copy, " ,", &save); p && !rc; p = strtok_r(NULL, " ,", &save)) {
		char *perms = NULL;
		if (db_get_text(c, &perms, "SELECT permissions FROM roles WHERE code = ?", "t", p) != 1)
			rc = -1;
		else {
			sb_adds(out, perms);
			sb_addc(out, ' ');
		}
		free(perms);
	}
	free(copy);
	return rc;
}

const char *org_check_text(const char *s, size_t max_chars, int required)
{
	if (!s || !*s)
		return required ? "org.err_required" : NULL;
	size_t n = strlen(s);
	if (!utf8_valid(s, n) || strchr(s, '\n') || strchr(s, '\r') || strchr(s, '\t'))
		return "org.err_bad_text";
	if (utf8_chars(s) > max_chars)
		return "org.err_too_long";
	if (s[0] == ' ' || s[n - 1] == ' ')
		return "org.err_spaces";
	return NULL;
}

/* A lower-case word: lo to hi bytes of [a-z0-9] and the punctuation allowed; else problem. */
static const char *check_word(const char *s, size_t lo, size_t hi, const char *punct,
			      const char *problem)
{
	if (!s || !*s)
		return "org.err_required";
	size_t n = strlen(s);
	if (n < lo || n > hi)
		return problem;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr(punct, *p)))
			return problem;
	return NULL;
}

const char *org_check_username(const char *s)
{
	return check_word(s, 3, 32, "_.-", "org.err_username");
}

const char *org_check_phone(const char *s)
{
	if (!s || !*s)
		return NULL;
	if (strlen(s) > 20)
		return "org.err_phone";
	for (const char *p = s; *p; p++)
		if (!((*p >= '0' && *p <= '9') || *p == '+' || *p == '-'))
			return "org.err_phone";
	return NULL;
}

const char *org_check_role_code(const char *s)
{
	return check_word(s, 2, 32, "_", "org.err_role_code");
}

int org_scope_valid(const char *s)
{
	return s && (!strcmp(s, "own") || !strcmp(s, "unit") || !strcmp(s, "subtree") ||
		     !strcmp(s, "company"));
}

static int kind_level(const char *k)
{
	if (!k)
		return -1;
	if (!strcmp(k, "group"))
		return 0;
	if (!strcmp(k, "company"))
		return 1;
	if (!strcmp(k, "workshop") || !strcmp(k, "department"))
		return 2;
	if (!strcmp(k, "team"))
		return 3;
	return -1;
}

int org_unit_kind_valid(const char *kind)
{
	return kind_level(kind) >= 0;
}

int org_unit_kind_fits(const char *parent_kind, const char *kind)
{
	int p = kind_level(parent_kind), k = kind_level(kind);
	/* a group may hold groups (regional sub-groups); below that each level is strict */
	if (p == 0 && k == 0)
		return 1;
	return p >= 0 && k > p;
}

int org_parse_date_end(const char *s, int64_t *out)
{
	return day_parse_end(s, out);
}

void org_gen_password(char out[24])
{
	char hex[15];
	text_random_token(hex, 7);
	/* "Aq-" gives upper, lower and symbol; the hex gives digits (and length) */
	snprintf(out, 24, "Aq-%s-%c", hex, "23456789"[hex[0] % 8]);
}
