/*
 * org_users_web.c — people: list with filters, create (with an initial password shown
 * once), edit, deactivate/reactivate, reset password, unlock; and /api/v1/users.
 *
 * An account is never deleted: audit entries, hazards and signatures keep naming it.
 * Deactivating ends its sessions at once, and sign-in refuses it (auth_login checks
 * `active`). New and reset passwords are random, shown to the administrator exactly once,
 * and must be changed at the next sign-in (等保 2.0: the administrator never knows a
 * password the user goes on using).
 *
 * 三权分立 (auth/auth_duty.h): accounts are the system administrator's (user.admin), who may
 * create, edit, reset, unlock and (de)activate people who are no administrator or a system
 * administrator, and assign only such roles. The security and audit administrators' accounts
 * are made with `anquan user add` on the server and are never touched from here: resetting
 * the auditor's password would otherwise be a way into the audit log.
 */
#include "org/org.h"
#include "org/org_web.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "auth/auth_duty.h"
#include "base/clock.h"
#include "base/day.h"
#include "base/text.h"
#include "db/db.h"
#include "web/i18n.h"
#include "web/page.h"

#include <stdlib.h>
#include <string.h>

struct user_row {
	int64_t id, unit_id, position_id, supervisor_id, locked_until;
	int64_t hired_on;	/* 入职日期, a local day; DAY_NONE when not recorded */
	const char *username, *name, *employee_no, *phone, *unit_name, *position, *roles;
	int active, must_change;
	int duty;	/* administrator kind of the account's roles (auth_duty.h) */
};

#define USER_COLS "u.id, u.username, u.name, COALESCE(u.employee_no, ''), COALESCE(u.phone, '')," \
	" u.unit_id, un.name, COALESCE(u.position_id, 0), COALESCE(p.name, ''), COALESCE(u.supervisor_id, 0)," \
	" u.active, u.locked_until, u.must_change_password, COALESCE(u.hired_on, -1000000)"
#define USER_FROM " FROM users u JOIN units un ON un.id = u.unit_id LEFT JOIN positions p ON p.id = u.position_id"
/* the caller's data scope, then the list filters: unit subtree, role, active, search */
#define USER_WHERE " WHERE un.path LIKE ? AND (? = 0 OR u.id = ?)" \
	" AND (? = 0 OR un.path LIKE (SELECT path FROM units WHERE id = ?) || '%')" \
	" AND (? = '' OR EXISTS (SELECT 1 FROM user_roles ur JOIN roles ro ON ro.id = ur.role_id" \
	" WHERE ur.user_id = u.id AND ro.code = ?))" \
	" AND (? < 0 OR u.active = ?)" \
	" AND (? = '' OR u.name LIKE ? ESCAPE '\\' OR u.username LIKE ? ESCAPE '\\'" \
	" OR u.employee_no LIKE ? ESCAPE '\\')"
#define USER_WHERE_TYPES "tIIIIttiitttt"

static const char *user_roles(struct req *r, int64_t id)
{
	struct strbuf sb = STRBUF_INIT;
	struct db_stmt *st = db_query(r->db, "SELECT ro.code FROM user_roles ur JOIN roles ro"
				    " ON ro.id = ur.role_id WHERE ur.user_id = ? ORDER BY ro.id", "I", id);
	while (st && db_step(st) == 1) {
		if (sb.len)
			sb_addc(&sb, ' ');
		sb_adds(&sb, db_col_text(st, 0));
	}
	db_done(r->db, st);
	char *s = arena_strdup(&r->arena, sb.buf);
	sb_release(&sb);
	return s;
}

static void user_from_row(struct req *r, struct db_stmt *st, struct user_row *u)
{
	u->id = db_col_i64(st, 0);
	u->username = arena_strdup(&r->arena, db_col_text(st, 1));
	u->name = arena_strdup(&r->arena, db_col_text(st, 2));
	u->employee_no = arena_strdup(&r->arena, db_col_text(st, 3));
	u->phone = arena_strdup(&r->arena, db_col_text(st, 4));
	u->unit_id = db_col_i64(st, 5);
	u->unit_name = arena_strdup(&r->arena, db_col_text(st, 6));
	u->position_id = db_col_i64(st, 7);
	u->position = arena_strdup(&r->arena, db_col_text(st, 8));
	u->supervisor_id = db_col_i64(st, 9);
	u->active = (int)db_col_i64(st, 10);
	u->locked_until = db_col_i64(st, 11);
	u->must_change = (int)db_col_i64(st, 12);
	u->hired_on = db_col_i64(st, 13) == -1000000 ? DAY_NONE : db_col_i64(st, 13);
	u->roles = NULL;
	u->duty = AUTH_DUTY_NONE;	/* user_load() reads it; lists do not need it */
}

static int user_load(struct req *r, int64_t id, struct user_row *u)
{
	struct db_stmt *st = db_query(r->db, "SELECT " USER_COLS USER_FROM
				    " WHERE u.id = ? AND un.path LIKE ? AND (? = 0 OR u.id = ?)",
				    "ItII", id, auth_scope_pattern(r), auth_scope_owner(r),
				    auth_scope_owner(r));
	int found = st && db_step(st) == 1;
	if (found)
		user_from_row(r, st, u);
	db_done(r->db, st);
	if (found) {
		u->roles = user_roles(r, id);
		u->duty = org_user_duty(r->db, id);
	}
	return found ? 0 : -1;
}

static json_t *user_json(struct req *r, struct user_row *u)
{
	if (!u->roles)
		u->roles = user_roles(r, u->id);
	json_t *roles = json_array();
	char *copy = arena_strdup(&r->arena, u->roles), *save = NULL;
	for (char *p = strtok_r(copy, " ", &save); p; p = strtok_r(NULL, " ", &save))
		json_array_append_new(roles, json_string(p));
	char hd[16];
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:I, s:I, s:o, s:b, s:b, s:b, s:o}",
			 "id", (json_int_t)u->id, "username", u->username, "name", u->name,
			 "employee_no", u->employee_no, "phone", u->phone, "unit_id",
			 (json_int_t)u->unit_id, "unit", u->unit_name, "position_id",
			 (json_int_t)u->position_id, "supervisor_id", (json_int_t)u->supervisor_id,
			 "roles", roles, "active", u->active, "locked", u->locked_until > clock_now(),
			 "must_change_password", u->must_change, "hired_on",
			 u->hired_on == DAY_NONE ? json_null() : json_string(day_format(u->hired_on, hd)));
}

/* The role codes the request asks for: a JSON array or space-separated string "roles",
 * or the form's "roles" checkboxes (the hidden "roles_sent" says the list was on the
 * form, so that unticking every box is told apart from not sending the list). NULL when
 * the request does not set roles. */
static const char *requested_roles(struct req *r)
{
	return org_requested_list(r, "roles", "roles", "roles_sent");
}

/* Check a role list: every code exists, at least one, at most 16, together they are at most
 * one kind of administrator, and one the caller may assign. Returns a normalised list or
 * NULL with e set. */
static const char *check_roles(struct req *r, struct form_err *e, const char *codes)
{
	struct strbuf out = STRBUF_INIT, perms = STRBUF_INIT;
	int n = 0;
	char *copy = arena_strdup(&r->arena, codes), *save = NULL;
	for (char *p = strtok_r(copy, " ,", &save); p; p = strtok_r(NULL, " ,", &save)) {
		char *perm = NULL;
		if (strlen(p) > ORG_CODE_MAX ||
		    db_get_text(r->db, &perm, "SELECT permissions FROM roles WHERE code = ?", "t", p) != 1) {
			form_err_set(r, e, "roles", "user.roles", "form.err_choice");
			break;
		}
		if (org_perms_has(out.buf, p)) {
			free(perm);
			continue;
		}
		sb_adds(&perms, perm);
		sb_addc(&perms, ' ');
		free(perm);
		if (out.len)
			sb_addc(&out, ' ');
		sb_adds(&out, p);
		n++;
	}
	if (!e->field && n == 0)
		form_err_set(r, e, "roles", "user.roles", "form.err_required");
	if (!e->field && n > 16)
		form_err_set(r, e, "roles", "user.roles", "form.err_too_many");
	org_check_grant(r, e, "roles", "user.roles", perms.buf, "user",
			arena_printf(&r->arena, "assign roles %s", out.buf));
	const char *res = e->field ? NULL : arena_strdup(&r->arena, out.buf);
	sb_release(&out);
	sb_release(&perms);
	return res;
}

static int set_roles(struct req *r, int64_t id, const char *codes)
{
	int rc = db_exec(r->db, "DELETE FROM user_roles WHERE user_id = ?", "I", id);
	char *copy = arena_strdup(&r->arena, codes), *save = NULL;
	for (char *p = strtok_r(copy, " ", &save); p && rc == DB_OK; p = strtok_r(NULL, " ", &save))
		rc = db_exec(r->db, "INSERT INTO user_roles (user_id, role_id) SELECT ?, id FROM roles WHERE code = ?",
			     "It", id, p);
	return rc;
}

static const char *id_text(struct req *r, int64_t id)
{
	return arena_printf(&r->arena, "%lld", (long long)id);
}

static void unit_options(struct req *r, const void *row, int64_t selected)
{
	(void)row;
	org_unit_options(r, selected);
}

static void position_options(struct req *r, const void *row, int64_t selected)
{
	(void)row;
	struct db_stmt *st = db_query(r->db, "SELECT id, name FROM positions ORDER BY name", NULL);
	while (st && db_step(st) == 1)
		html_printf(&r->out, "<option value=\"%D\"%r>%s</option>", db_col_i64(st, 0),
			    db_col_i64(st, 0) == selected ? " selected" : "", db_col_text(st, 1));
	db_done(r->db, st);
}

static void supervisor_options(struct req *r, const void *row, int64_t selected)
{
	(void)row;
	org_user_options(r, selected, 0);
}

/* A person's own fields; the roles are a list drawn from the roles table (see user_form).
 * The username's shape is org_check_username()'s, the phone's org_check_phone()'s, so that
 * their messages say what is allowed. */
static const struct form_field user_fields[] = {
	{"username", "auth.username", FORM_TEXT, FORM_REQUIRED | FORM_CREATE_ONLY,
	 .attrs = "minlength=\"3\" maxlength=\"32\" pattern=\"[a-z0-9_.\\-]+\" autocapitalize=\"off\""},
	{"name", "org.user_name", FORM_TEXT, FORM_REQUIRED, .max = ORG_NAME_MAX},
	{"employee_no", "org.user_empno", FORM_TEXT, 0, .max = ORG_EMPNO_MAX},
	{"phone", "org.user_phone", FORM_TEXT, 0, .max = 20, .attrs = "type=\"tel\""},
	{"unit_id", "user.unit", FORM_ID, FORM_REQUIRED, .options = unit_options},
	{"position_id", "org.user_position", FORM_ID, 0, .options = position_options,
	 .empty = "org.none"},
	{"supervisor_id", "org.user_supervisor", FORM_ID, 0, .options = supervisor_options,
	 .empty = "org.none"},
	{"hired_on", "org.user_hired_on", FORM_DAY, 0, .max = 0},
	{0},
};

/* The stored texts of user_fields (NULL: a new person). */
static const char **user_texts(struct req *r, const struct user_row *u)
{
	const char **t = arena_alloc(&r->arena, 8 * sizeof *t);
	t[0] = u ? u->username : "";
	t[1] = u ? u->name : "";
	t[2] = u ? u->employee_no : "";
	t[3] = u ? u->phone : "";
	t[4] = u ? id_text(r, u->unit_id) : "";
	t[5] = u && u->position_id ? id_text(r, u->position_id) : "";
	t[6] = u && u->supervisor_id ? id_text(r, u->supervisor_id) : "";
	char hd[16];
	t[7] = u && u->hired_on != DAY_NONE ? arena_strdup(&r->arena, day_format(u->hired_on, hd)) : "";
	return t;
}

/* Validate and store a new user (cur NULL; *password gets the initial password, arena)
 * or changes. Returns the id, 0 with f->err set, or -1 when storing failed. */
static int64_t user_save(struct req *r, const struct user_row *cur, struct form *f,
			 const char **password)
{
	struct form_err *e = &f->err;
	form_read(r, f, user_fields, cur ? user_texts(r, cur) : NULL, cur);
	const char *username = cur ? cur->username : form_get(f, "username")->text;
	const char *problem = cur ? NULL : org_check_username(username);
	if (problem)
		form_fail(r, f, "username", problem);
	const char *name = form_get(f, "name")->text, *emp = form_get(f, "employee_no")->text;
	const char *phone = form_get(f, "phone")->text;
	problem = org_check_phone(phone);
	if (problem)
		form_fail(r, f, "phone", problem);
	int64_t unit = form_get(f, "unit_id")->id;
	if (unit && !e->field && !org_unit_usable(r, unit))
		form_fail(r, f, "unit_id", "form.err_choice");
	int64_t position = form_get(f, "position_id")->id;
	int64_t supervisor = form_get(f, "supervisor_id")->id;
	/* a hire day, if given, is not in the future: HR records who has started */
	int64_t hired = DAY_NONE;
	if (form_get(f, "hired_on")->present && (day_parse(form_get(f, "hired_on")->text, &hired) || hired > day_today()))
		form_fail(r, f, "hired_on", "org.err_hired_future");
	const char *roles = requested_roles(r);
	int roles_given = roles != NULL;
	if (!roles_given)
		roles = cur ? cur->roles : "";
	roles = check_roles(r, e, roles);
	if (e->field)
		return 0;

	int64_t n = 0;
	if (!cur && db_get_i64(r->db, &n, "SELECT count(*) FROM users WHERE username = ?", "t", username) == 1 && n) {
		form_fail(r, f, "username", "org.err_taken");
		return 0;
	}
	if (*emp && db_get_i64(r->db, &n, "SELECT count(*) FROM users WHERE employee_no = ? AND id <> ?",
			       "tI", emp, cur ? cur->id : 0) == 1 && n) {
		form_fail(r, f, "employee_no", "org.err_taken");
		return 0;
	}
	if (position && db_get_i64(r->db, &n, "SELECT count(*) FROM positions WHERE id = ?", "I", position) == 1 && !n) {
		form_fail(r, f, "position_id", "form.err_choice");
		return 0;
	}
	if (supervisor) {
		n = 0;
		db_get_i64(r->db, &n, "SELECT count(*) FROM users u JOIN units un ON un.id = u.unit_id"
			   " WHERE u.id = ? AND u.active = 1 AND un.path LIKE ?", "It", supervisor,
			   auth_scope_pattern(r));
		if (!n || (cur && supervisor == cur->id)) {
			form_fail(r, f, "supervisor_id", "form.err_choice");
			return 0;
		}
	}

	char *hash = NULL;
	if (!cur) {	/* hash before taking the write lock: argon2id takes a while by design */
		char pw[24];
		org_gen_password(pw);
		if (auth_hash_password(pw, &hash))
			return -1;
		*password = arena_strdup(&r->arena, pw);
	}
	if (db_begin(r->db) != DB_OK) {
		free(hash);
		return -1;
	}
	int64_t id;
	int rc = DB_OK;
	struct strbuf sum = STRBUF_INIT;
	if (!cur) {
		id = org_user_create(r->db, username, name, *emp ? emp : NULL, *phone ? phone : NULL,
				     unit, roles, hash, 1);
		sb_addf(&sum, "username: %s; name: %s; unit: %lld; roles: %s", username, name,
			(long long)unit, roles);
	} else {
		id = cur->id;
		org_diff(&sum, "name", cur->name, name);
		org_diff(&sum, "employee_no", cur->employee_no, emp);
		org_diff(&sum, "phone", cur->phone, phone);
		org_diff(&sum, "unit_id", id_text(r, cur->unit_id), id_text(r, unit));
		if (roles_given) {
			org_diff(&sum, "roles", cur->roles, roles);
			rc = set_roles(r, id, roles);
		}
		if (rc == DB_OK)
			rc = db_exec(r->db, "UPDATE users SET name = ?, employee_no = ?, phone = ?, unit_id = ?,"
				     " updated_at = ? WHERE id = ?", "tttIII", name, *emp ? emp : NULL,
				     *phone ? phone : NULL, unit, clock_now(), id);
	}
	free(hash);
	org_diff(&sum, "position_id", id_text(r, cur ? cur->position_id : 0), id_text(r, position));
	org_diff(&sum, "supervisor_id", id_text(r, cur ? cur->supervisor_id : 0), id_text(r, supervisor));
	org_diff(&sum, "hired_on", cur ? user_texts(r, cur)[7] : "", form_get(f, "hired_on")->text);
	if (id > 0 && rc == DB_OK)
		rc = db_exec(r->db, "UPDATE users SET hired_on = NULLIF(?, -1000000) WHERE id = ?", "II",
			     hired == DAY_NONE ? (int64_t)-1000000 : hired, id);
	/* NULL, not 0, for "none": both columns are foreign keys */
	if (id > 0 && rc == DB_OK)
		rc = position ? db_exec(r->db, "UPDATE users SET position_id = ? WHERE id = ?", "II", position, id)
			      : db_exec(r->db, "UPDATE users SET position_id = NULL WHERE id = ?", "I", id);
	if (id > 0 && rc == DB_OK)
		rc = supervisor ? db_exec(r->db, "UPDATE users SET supervisor_id = ? WHERE id = ?", "II", supervisor, id)
				: db_exec(r->db, "UPDATE users SET supervisor_id = NULL WHERE id = ?", "I", id);
	if (id <= 0 || rc != DB_OK ||
	    audit_req(r, "user", id, cur ? "update" : "create", sum.buf) != DB_OK ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		sb_release(&sum);
		return -1;
	}
	sb_release(&sum);
	return id;
}

/* The account actions. Each returns NULL or the catalogue key of why it was refused. */
static const char *user_set_active(struct req *r, const struct user_row *u, int active)
{
	if (!active && u->id == r->who->user_id)
		return "org.user_is_self";
	if (db_begin(r->db) != DB_OK)
		return "error.unavailable";
	int rc = db_exec(r->db, "UPDATE users SET active = ?, updated_at = ? WHERE id = ?", "iII",
			 active, clock_now(), u->id);
	if (rc == DB_OK && !active)	/* end every session now, not at their next timeout */
		rc = db_exec(r->db, "DELETE FROM sessions WHERE user_id = ?", "I", u->id);
	if (rc != DB_OK ||
	    audit_req(r, "user", u->id, active ? "reactivate" : "deactivate", u->username) != DB_OK ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return "error.unavailable";
	}
	return NULL;
}

static const char *user_reset_password(struct req *r, const struct user_row *u, const char **pw_out)
{
	char pw[24];
	if (u->id == r->who->user_id)	/* one's own password is changed at /password */
		return "org.user_is_self";
	org_gen_password(pw);
	if (db_begin(r->db) != DB_OK)
		return "error.unavailable";
	if (auth_set_password(r->db, u->id, pw, 1) != DB_OK ||
	    db_exec(r->db, "DELETE FROM sessions WHERE user_id = ?", "I", u->id) != DB_OK ||
	    audit_req(r, "user", u->id, "password_reset", u->username) != DB_OK ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return "error.unavailable";
	}
	*pw_out = arena_strdup(&r->arena, pw);
	return NULL;
}

static const char *user_unlock(struct req *r, const struct user_row *u)
{
	if (db_begin(r->db) != DB_OK)
		return "error.unavailable";
	if (db_exec(r->db, "UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = ?", "I", u->id) != DB_OK ||
	    audit_req(r, "user", u->id, "unlock", u->username) != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return "error.unavailable";
	}
	return NULL;
}

/* ---- pages ---- */

/* The one page that shows a new password; it is not stored anywhere readable. */
static void password_shown_once(struct req *r, const struct user_row *u, const char *pw, int created)
{
	page_begin(r, u->name);
	html_printf(&r->out, "<section class=\"card narrow\"><h1>%s</h1>", u->name);
	page_notice(r, "ok", T(r, created ? "org.user_created" : "org.user_pw_reset"));
	html_printf(&r->out, "<dl class=\"facts\"><dt>%s</dt><dd>%s</dd><dt>%s</dt>"
			     "<dd><code id=\"initial-password\">%s</code></dd></dl><p class=\"hint\">%s</p>"
			     "<p><a class=\"button\" href=\"/admin/users/%D\">%s</a> "
			     "<a href=\"/admin/users\">%s</a></p></section>",
		    T(r, "auth.username"), u->username, T(r, "org.user_initial_pw"), pw,
		    T(r, "org.user_pw_once"), u->id, T(r, "org.edit"), T(r, "org.back"));
	page_end(r);
}

static void role_options(struct req *r, const char *selected)
{
	struct db_stmt *st = db_query(r->db, "SELECT code, name_zh, name_en FROM roles ORDER BY id", NULL);
	while (st && db_step(st) == 1)
		html_printf(&r->out, "<option value=\"%s\"%r>%s</option>", db_col_text(st, 0),
			    selected && !strcmp(selected, db_col_text(st, 0)) ? " selected" : "",
			    db_col_text(st, strcmp(r->lang, "en") ? 1 : 2));
	db_done(r->db, st);
}

/* One page of the user list, the same for the page and the API: the arguments, then the
 * count and the rows (by unit and name for people, by id for the API's stable paging). */
struct user_list {
	int page, per_page, active;
	const char *q, *role;
	int64_t unit, total;
};

static void user_list_args(struct req *r, struct user_list *ul)
{
	form_page_args(r, ORG_PER_PAGE, ORG_PER_PAGE_MAX, &ul->page, &ul->per_page);
	ul->q = req_query(r, "q");
	ul->total = 0;
}

static void user_list_count(struct req *r, struct user_list *ul)
{
	const char *like = org_like(r, ul->q), *pat = auth_scope_pattern(r);
	int64_t own = auth_scope_owner(r);
	db_get_i64(r->db, &ul->total, "SELECT count(*)" USER_FROM USER_WHERE, USER_WHERE_TYPES, pat,
		   own, own, ul->unit, ul->unit, ul->role, ul->role, ul->active, ul->active, ul->q,
		   like, like, like);
}

static struct db_stmt *user_list_rows(struct req *r, const struct user_list *ul, int by_id)
{
	const char *like = org_like(r, ul->q), *pat = auth_scope_pattern(r);
	int64_t own = auth_scope_owner(r);
	return db_query(r->db, "SELECT " USER_COLS USER_FROM USER_WHERE
			" ORDER BY CASE WHEN ? <> 0 THEN u.id ELSE 0 END, un.path, u.name LIMIT ? OFFSET ?",
			USER_WHERE_TYPES "iii", pat, own, own, ul->unit, ul->unit, ul->role, ul->role,
			ul->active, ul->active, ul->q, like, like, like, by_id, ul->per_page,
			(ul->page - 1) * ul->per_page);
}

int org_users_page(struct req *r)
{
	struct user_list ul;
	user_list_args(r, &ul);
	if (!ul.q || strlen(ul.q) > 4 * ORG_SEARCH_MAX)
		ul.q = "";
	org_user_filters(r, &ul.unit, &ul.role, &ul.active, 1);
	user_list_count(r, &ul);
	const char *q = ul.q, *role = ul.role;
	int64_t unit = ul.unit;
	int active = ul.active;

	page_begin(r, T(r, "org.users"));
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1>", T(r, "org.users"));
	if (auth_has(r, "user.admin"))
		html_printf(&r->out, "<p><a class=\"button primary\" href=\"/admin/users/new\">%s</a></p>",
			    T(r, "org.user_new"));
	html_printf(&r->out, "<form method=\"get\" action=\"/admin/users\" class=\"filters\">"
			     "<label>%s<input name=\"q\" value=\"%s\" maxlength=\"64\"></label>"
			     "<label>%s<select name=\"unit_id\"><option value=\"\">%s</option>",
		    T(r, "org.search"), q, T(r, "user.unit"), T(r, "org.all"));
	org_unit_options(r, unit);
	html_printf(&r->out, "</select></label><label>%s<select name=\"role\"><option value=\"\">%s</option>",
		    T(r, "user.roles"), T(r, "org.all"));
	role_options(r, role);
	html_printf(&r->out, "</select></label><label>%s<select name=\"active\">"
			     "<option value=\"1\"%r>%s</option><option value=\"0\"%r>%s</option>"
			     "<option value=\"all\"%r>%s</option></select></label>"
			     "<button>%s</button></form>",
		    T(r, "org.status"), active == 1 ? " selected" : "", T(r, "org.active"),
		    active == 0 ? " selected" : "", T(r, "org.inactive"),
		    active < 0 ? " selected" : "", T(r, "org.all"), T(r, "org.filter"));
	/* class cards: below 600 px each account is a card (static/app.css), its cells led by data-label */
	html_printf(&r->out, "<div class=\"table-wrap\"><table class=\"cards users\"><thead><tr><th>%s</th><th>%s</th>"
			     "<th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
		    T(r, "org.user_name"), T(r, "auth.username"), T(r, "org.user_empno"),
		    T(r, "user.unit"), T(r, "user.roles"), T(r, "org.status"));
	struct db_stmt *st = user_list_rows(r, &ul, 0);
	while (st && db_step(st) == 1) {
		struct user_row x;
		user_from_row(r, st, &x);
		html_printf(&r->out, "<tr><td><a href=\"/admin/users/%D\">%s</a></td><td data-label=\"%s\">%s</td>"
				     "<td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td>"
				     "<td data-label=\"%s\">", x.id, x.name, T(r, "auth.username"), x.username,
			    T(r, "org.user_empno"), x.employee_no, T(r, "user.unit"), x.unit_name,
			    T(r, "user.roles"), user_roles(r, x.id), T(r, "org.status"));
		if (!x.active)
			html_printf(&r->out, "<span class=\"badge bad\">%s</span> ", T(r, "org.inactive"));
		if (x.locked_until > clock_now())
			html_printf(&r->out, "<span class=\"badge warn\">%s</span> ", T(r, "org.locked"));
		if (x.must_change)
			html_printf(&r->out, "<span class=\"badge\">%s</span>", T(r, "org.must_change"));
		html_printf(&r->out, "</td></tr>");
	}
	db_done(r->db, st);
	html_printf(&r->out, "</tbody></table></div>");
	struct strbuf base = STRBUF_INIT;
	sb_adds(&base, "/admin/users?q=");
	url_encode(&base, q);
	sb_addf(&base, "&unit_id=%lld&role=%s&active=%s", (long long)unit, role,
		active < 0 ? "all" : active ? "1" : "0");
	form_pager(r, base.buf, ul.page, ul.per_page, ul.total);
	sb_release(&base);
	html_printf(&r->out, "</section>");
	page_end(r);
	return 0;
}

/* The person's page: f carries the stored values, or the submitted ones after a refusal;
 * e is the message shown (f's error, or why an account action was refused). */
static void user_page(struct req *r, const struct user_row *u, const struct form *f,
		      const struct form_err *e)
{
	page_begin(r, u ? u->name : T(r, "org.user_new"));
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1>", u ? u->name : T(r, "org.user_new"));
	if (e && e->field)
		page_notice(r, "error", e->msg);
	if (u) {
		html_printf(&r->out, "<p class=\"sub\">%s", u->username);
		if (!u->active)
			html_printf(&r->out, " <span class=\"badge bad\">%s</span>", T(r, "org.inactive"));
		if (u->locked_until > clock_now())
			html_printf(&r->out, " <span class=\"badge warn\">%s</span>", T(r, "org.locked"));
		html_printf(&r->out, "</p><form method=\"post\" action=\"/admin/users/%D\" class=\"stack\">%r",
			    u->id, page_csrf(r));
	} else {
		html_printf(&r->out, "<form method=\"post\" action=\"/admin/users\" class=\"stack\">%r",
			    page_csrf(r));
	}
	form_render_fields(r, f);
	const char *have = org_checks_open(r, f, "checks", "user.roles", "roles_sent",
					   u ? u->roles : "", "roles", "roles");
	struct db_stmt *st = db_query(r->db, "SELECT code, name_zh, name_en, permissions FROM roles ORDER BY id", NULL);
	while (st && db_step(st) == 1)
		if (org_may_manage(r, auth_duty_of(db_col_text(st, 3), NULL)))	/* 三权分立 */
			html_printf(&r->out, "<label class=\"inline\"><input type=\"checkbox\" name=\"roles\" value=\"%s\"%r> %s</label>",
				    db_col_text(st, 0), org_perms_has(have, db_col_text(st, 0)) ? " checked" : "",
				    db_col_text(st, strcmp(r->lang, "en") ? 1 : 2));
	db_done(r->db, st);
	form_field_error(r, &f->err, "roles");
	html_printf(&r->out, "</fieldset><button class=\"primary\">%s</button></form>", T(r, "org.save"));
	if (u) {
		html_printf(&r->out, "<h2>%s</h2><div class=\"actions\">", T(r, "org.account"));
		if (u->active)
			html_printf(&r->out, "<form method=\"post\" action=\"/admin/users/%D/deactivate\">%r"
					     "<button class=\"danger\">%s</button></form>", u->id, page_csrf(r),
				    T(r, "org.deactivate"));
		else
			html_printf(&r->out, "<form method=\"post\" action=\"/admin/users/%D/reactivate\">%r"
					     "<button>%s</button></form>", u->id, page_csrf(r),
				    T(r, "org.reactivate"));
		html_printf(&r->out, "<form method=\"post\" action=\"/admin/users/%D/reset-password\">%r"
				     "<button>%s</button></form>", u->id, page_csrf(r), T(r, "org.user_reset"));
		if (u->locked_until > clock_now())
			html_printf(&r->out, "<form method=\"post\" action=\"/admin/users/%D/unlock\">%r"
					     "<button>%s</button></form>", u->id, page_csrf(r),
				    T(r, "org.user_unlock"));
		html_printf(&r->out, "</div>");
	}
	html_printf(&r->out, "<p><a href=\"/admin/users\">%s</a></p></section>", T(r, "org.back"));
	page_end(r);
}

/* The person's form with the stored values (NULL: a new person); e as user_page(). */
static void user_form(struct req *r, const struct user_row *u, const struct form_err *e)
{
	struct form f;
	form_init(r, &f, user_fields, user_texts(r, u), u);
	f.creating = u == NULL;
	user_page(r, u, &f, e);
}

int org_user_new_page(struct req *r)
{
	user_form(r, NULL, NULL);
	return 0;
}

int org_user_create_post(struct req *r)
{
	struct form f;
	const char *pw = NULL;
	struct user_row u;
	int64_t id = user_save(r, NULL, &f, &pw);
	if (id == 0) {
		r->status = FORM_STATUS_INVALID;
		user_page(r, NULL, &f, &f.err);
	} else if (id < 0 || user_load(r, id, &u)) {
		form_unavailable(r);
	} else {
		r->status = 201;
		password_shown_once(r, &u, pw, 1);
	}
	return 0;
}

/* Load the :id user in scope, or answer 404. */
static int load_param(struct req *r, struct user_row *u)
{
	int64_t id;
	if (req_param_id(r, "id", &id) || user_load(r, id, u)) {
		org_not_found(r);
		return -1;
	}
	return 0;
}

/* Load the :id user for a change: 404 out of scope, 403 (audited) when the account is
 * another kind of administrator's. */
static int load_for_change(struct req *r, struct user_row *u, const char *what)
{
	if (load_param(r, u))
		return -1;
	if (org_duty_refused(r, "user", u->id, arena_printf(&r->arena, "%s %s", what, u->username), u->duty))
		return -1;
	return 0;
}

int org_user_edit_page(struct req *r)
{
	struct user_row u;
	if (load_for_change(r, &u, "edit"))
		return 0;
	user_form(r, &u, NULL);
	return 0;
}

int org_user_update_post(struct req *r)
{
	struct user_row u;
	struct form f;
	if (load_for_change(r, &u, "update"))
		return 0;
	int64_t rc = user_save(r, &u, &f, NULL);
	if (rc == 0) {
		r->status = FORM_STATUS_INVALID;
		user_page(r, &u, &f, &f.err);
	} else if (rc < 0) {
		form_unavailable(r);
	} else {
		resp_redirect(r, arena_printf(&r->arena, "/admin/users/%lld", (long long)u.id));
	}
	return 0;
}

static int action_done(struct req *r, const struct user_row *u, const char *why)
{
	if (why) {
		struct form_err e = {"id", T(r, why)};
		r->status = strcmp(why, "error.unavailable") ? 409 : 503;
		user_form(r, u, &e);
		return 0;
	}
	resp_redirect(r, arena_printf(&r->arena, "/admin/users/%lld", (long long)u->id));
	return 0;
}

int org_user_deactivate_post(struct req *r)
{
	struct user_row u;
	if (load_for_change(r, &u, "deactivate"))
		return 0;
	return action_done(r, &u, user_set_active(r, &u, 0));
}

int org_user_reactivate_post(struct req *r)
{
	struct user_row u;
	if (load_for_change(r, &u, "reactivate"))
		return 0;
	return action_done(r, &u, user_set_active(r, &u, 1));
}

int org_user_unlock_post(struct req *r)
{
	struct user_row u;
	if (load_for_change(r, &u, "unlock"))
		return 0;
	return action_done(r, &u, user_unlock(r, &u));
}

int org_user_reset_post(struct req *r)
{
	struct user_row u;
	const char *pw = NULL;
	if (load_for_change(r, &u, "password_reset"))
		return 0;
	const char *why = user_reset_password(r, &u, &pw);
	if (why)
		return action_done(r, &u, why);
	password_shown_once(r, &u, pw, 0);
	return 0;
}

/* ---- API ---- */

int org_api_users(struct req *r)
{
	struct user_list ul;
	user_list_args(r, &ul);
	if (ul.q && utf8_chars(ul.q) > ORG_SEARCH_MAX) {
		resp_error(r, 422, "invalid", T(r, "form.err_too_long"), "q");
		return 0;
	}
	org_user_filters(r, &ul.unit, &ul.role, &ul.active, -1);
	if (r->bad_param) {
		resp_error(r, 422, "invalid", T(r, "form.err_choice"), r->bad_param);
		return 0;
	}
	ul.q = ul.q ? ul.q : "";
	user_list_count(r, &ul);
	json_t *items = json_array();
	struct db_stmt *st = user_list_rows(r, &ul, 1);
	while (st && db_step(st) == 1) {
		struct user_row x;
		user_from_row(r, st, &x);
		json_array_append_new(items, user_json(r, &x));
	}
	db_done(r->db, st);
	resp_json(r, 200, json_pack("{s:o, s:i, s:i, s:I}", "items", items, "page", ul.page,
				    "per_page", ul.per_page, "total", (json_int_t)ul.total));
	return 0;
}

int org_api_user(struct req *r)
{
	struct user_row u;
	if (load_param(r, &u))
		return 0;
	resp_json(r, 200, user_json(r, &u));
	return 0;
}

static int api_user_write(struct req *r, int creating)
{
	struct user_row u;
	struct form f;
	const char *pw = NULL;
	if (!r->json || !json_is_object(r->json)) {
		resp_error(r, 415, "bad_request", T(r, "error.json_required"), "body");
		return 0;
	}
	if (!creating && load_for_change(r, &u, "update"))
		return 0;
	int64_t id = user_save(r, creating ? NULL : &u, &f, &pw);
	if (id == 0) {
		form_api_invalid(r, &f.err);
		return 0;
	}
	if (id < 0 || user_load(r, id, &u)) {
		form_unavailable(r);
		return 0;
	}
	json_t *o = user_json(r, &u);
	if (pw)	/* shown this once; only its argon2id hash is kept */
		json_object_set_new(o, "initial_password", json_string(pw));
	resp_json(r, creating ? 201 : 200, o);
	return 0;
}

int org_api_user_create(struct req *r)
{
	return api_user_write(r, 1);
}

int org_api_user_update(struct req *r)
{
	return api_user_write(r, 0);
}

int org_api_user_deactivate(struct req *r)
{
	struct user_row u;
	if (load_for_change(r, &u, "deactivate"))
		return 0;
	const char *why = user_set_active(r, &u, 0);
	if (why) {
		org_refuse(r, "id", T(r, why));
		return 0;
	}
	user_load(r, u.id, &u);
	resp_json(r, 200, user_json(r, &u));
	return 0;
}
