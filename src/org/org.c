/*
 * org.c — storage rules for units, areas and users shared by the admin pages, the demo
 * loader and the command line.
 */
#include "org/org.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/strbuf.h"
#include "base/text.h"
#include "db/db.h"

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
	return rc == DB_OK ? id : -1;
}
