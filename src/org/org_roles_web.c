/*
 * org_roles_web.c — roles (a permission set and a data scope), and the role preview
 * (权限沙盒) in which an administrator sees the system as a role and unit would.
 *
 * Separation of duties (等保 2.0, GB/T 22239-2019 §8.1.4.2, 三权分立; auth/auth_duty.h): a
 * role is at most one kind of administrator (system, security, audit), and the audit kind
 * only reads; no person may become two kinds through two roles. Roles are the security
 * administrator's (role.admin), who may create, edit and preview business roles and security
 * roles but never a system or audit role, nor give a role a permission of those kinds. Each
 * refusal says so and is audited.
 *
 * The preview stores the role and unit on the administrator's own session row; auth.c
 * load_identity() then builds the identity from them (only while the user is a security
 * administrator, and without any permission of another administrator kind, audit.read
 * included), and the router refuses every write except leaving the preview.
 */
#include "org/org.h"
#include "org/org_web.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "auth/auth_duty.h"
#include "base/text.h"
#include "db/db.h"
#include "web/entity.h"
#include "web/i18n.h"
#include "web/page.h"

#include <stdlib.h>
#include <string.h>

struct role_row {
	int64_t id;
	const char *code, *name_zh, *name_en, *perms, *scope;
	int builtin;
};

static int role_load(struct req *r, int64_t id, void *row)
{
	struct role_row *ro = row;
	struct db_stmt *st = db_query(r->db, "SELECT id, code, name_zh, name_en, permissions, scope, builtin"
				    " FROM roles WHERE id = ?", "I", id);
	int found = st && db_step(st) == 1;
	if (found) {
		ro->id = db_col_i64(st, 0);
		ro->code = arena_strdup(&r->arena, db_col_text(st, 1));
		ro->name_zh = arena_strdup(&r->arena, db_col_text(st, 2));
		ro->name_en = arena_strdup(&r->arena, db_col_text(st, 3));
		ro->perms = arena_strdup(&r->arena, db_col_text(st, 4));
		ro->scope = arena_strdup(&r->arena, db_col_text(st, 5));
		ro->builtin = (int)db_col_i64(st, 6);
	}
	db_done(r->db, st);
	return found ? 0 : -1;
}

/* The vocabulary: the constant list, then anything a later module's migration put into a
 * role that the list does not know yet. Space-separated, in display order. */
static const char *vocabulary(struct req *r)
{
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; org_permissions[i]; i++) {
		sb_adds(&sb, org_permissions[i]);
		sb_addc(&sb, ' ');
	}
	struct db_stmt *st = db_query(r->db, "SELECT permissions FROM roles ORDER BY id", NULL);
	while (st && db_step(st) == 1) {
		char *copy = arena_strdup(&r->arena, db_col_text(st, 0)), *save = NULL;
		for (char *p = strtok_r(copy, " \t\n", &save); p; p = strtok_r(NULL, " \t\n", &save))
			if (!org_perms_has(sb.buf, p) && strlen(p) <= 64) {
				sb_adds(&sb, p);
				sb_addc(&sb, ' ');
			}
	}
	db_done(r->db, st);
	char *s = arena_strdup(&r->arena, sb.buf);
	sb_release(&sb);
	return s;
}

/* The permissions the request sets: JSON "permissions" (array or string) or the form's
 * "perm" checkboxes (with "perms_sent"). NULL when not set. */
static const char *requested_perms(struct req *r)
{
	return org_requested_list(r, "permissions", "perm", "perms_sent");
}

/* Validate a permission list against the vocabulary and the separation of duties;
 * returns it normalised (vocabulary order, no repeats) or NULL with e set. */
static const char *check_perms(struct req *r, struct form_err *e, const char *list)
{
	const char *vocab = vocabulary(r);
	struct strbuf words = STRBUF_INIT, sb = STRBUF_INIT;
	char *copy = arena_strdup(&r->arena, list), *save = NULL;
	for (char *p = strtok_r(copy, " ,\t\n", &save); p; p = strtok_r(NULL, " ,\t\n", &save)) {
		if (!org_perms_has(vocab, p)) {
			form_err_set(r, e, "permissions", "org.role_perms", "org.err_unknown_perm");
			e->msg = arena_printf(&r->arena, "%s: %.64s", e->msg, p);
			break;
		}
		sb_adds(&words, p);
		sb_addc(&words, ' ');
	}
	char *v = arena_strdup(&r->arena, vocab);
	save = NULL;
	for (char *p = strtok_r(v, " ", &save); p && !e->field; p = strtok_r(NULL, " ", &save))
		if (org_perms_has(words.buf, p)) {
			if (sb.len)
				sb_addc(&sb, ' ');
			sb_adds(&sb, p);
		}
	org_check_grant(r, e, "permissions", "org.role_perms", sb.buf, "role",
			arena_printf(&r->arena, "grant %s", sb.buf));
	char *res = e->field ? NULL : arena_strdup(&r->arena, sb.buf);
	sb_release(&words);
	sb_release(&sb);
	return res;
}

static const char *const scopes[] = {"own", "unit", "subtree", "company", NULL};

/* The role's own fields; its permissions are drawn from the vocabulary (see role_form). The
 * code's shape is org_check_role_code()'s, so that its message says what a code may be. */
static const struct form_field role_fields[] = {
	{"code", "org.role_code", FORM_TEXT, FORM_REQUIRED | FORM_CREATE_ONLY,
	 .attrs = "minlength=\"2\" maxlength=\"32\" pattern=\"[a-z0-9_]+\" autocapitalize=\"off\""},
	{"name_zh", "org.role_name_zh", FORM_TEXT, FORM_REQUIRED, .max = ORG_NAME_MAX},
	{"name_en", "org.role_name_en", FORM_TEXT, 0, .max = ORG_NAME_MAX},
	{"scope", "org.role_scope", FORM_CHOICE, FORM_REQUIRED, .choices = scopes,
	 .choice_prefix = "org.scope_"},
	{0},
};

/* The stored texts of role_fields. */
static void role_values(struct req *r, const void *row, const char **t)
{
	(void)r;
	const struct role_row *ro = row;
	t[0] = ro->code;
	t[1] = ro->name_zh;
	t[2] = ro->name_en;
	t[3] = ro->scope;
}

/* A new role starts with the unit scope. */
static void role_defaults(struct req *r, const char **t)
{
	(void)r;
	t[0] = t[1] = t[2] = "";
	t[3] = "unit";
}

static const char *role_title_in(struct req *r, const void *row)
{
	const struct role_row *ro = row;
	return strcmp(r->lang, "en") ? ro->name_zh : ro->name_en;
}

/* The permissions a save sets: those requested, else the stored ones (none for a new
 * role); normalised, or NULL with e set. */
static const char *role_perms(struct req *r, const struct role_row *cur, struct form_err *e)
{
	const char *perms = requested_perms(r);
	return check_perms(r, e, perms ? perms : cur ? cur->perms : "");
}

/* A new role's code (its shape is org_check_role_code()'s, and it is not taken), and the
 * permissions against the vocabulary and the separation of duties. */
static void role_check(struct req *r, const void *cur, struct form *f)
{
	const char *code = form_get(f, "code")->text;
	const char *problem = cur ? NULL : org_check_role_code(code);
	if (problem)
		form_fail(r, f, "code", problem);
	if (form_failed(f) || !role_perms(r, cur, &f->err))
		return;
	int64_t n = 0;
	if (!cur && db_get_i64(r->db, &n, "SELECT count(*) FROM roles WHERE code = ?", "t", code) == 1 && n)
		form_err_set(r, &f->err, "code", "org.role_code", "org.err_taken");
}

static int64_t role_store(struct req *r, const void *row, const struct form *f)
{
	const struct role_row *cur = row;
	const char *zh = form_get(f, "name_zh")->text, *en = form_get(f, "name_en")->text;
	const char *scope = form_get(f, "scope")->text;
	const char *perms = role_perms(r, cur, &(struct form_err){0});	/* checked already */
	if (!*en)
		en = zh;
	if (cur)
		return db_exec(r->db, "UPDATE roles SET name_zh = ?, name_en = ?, permissions = ?, scope = ?"
			       " WHERE id = ?", "ttttI", zh, en, perms, scope, cur->id) == DB_OK ? cur->id : -1;
	if (db_exec(r->db, "INSERT INTO roles (code, name_zh, name_en, permissions, scope, builtin)"
		    " VALUES (?, ?, ?, ?, ?, 0)", "ttttt", form_get(f, "code")->text, zh, en, perms,
		    scope) != DB_OK)
		return -1;
	return db_last_id(r->db);
}

/* A person holding this role and another may not end up with both sides of the split. */
static void role_verify(struct req *r, const void *cur, int64_t id, struct form *f)
{
	(void)cur;
	int64_t clash_user = 0;
	struct db_stmt *st = db_query(r->db, "SELECT user_id FROM user_roles WHERE role_id = ?", "I", id);
	while (st && db_step(st) == 1 && !clash_user)
		if (org_user_duty(r->db, db_col_i64(st, 0)) == AUTH_DUTY_MIXED)
			clash_user = db_col_i64(st, 0);
	db_done(r->db, st);
	if (clash_user)
		form_err_set(r, &f->err, "permissions", "org.role_perms", "org.err_separation_user");
}

/* The audit entry names the permissions, which are no declared field: the new role's code,
 * scope and permissions, or what a change made of each. */
static void role_summary(struct req *r, const void *row, int64_t id, const struct form *f,
			 struct strbuf *sum)
{
	(void)f;
	const struct role_row *cur = row;
	struct role_row now;
	if (role_load(r, id, &now))
		return;
	if (!cur) {
		sb_addf(sum, "code: %s; scope: %s; permissions: %s", now.code, now.scope, now.perms);
		return;
	}
	org_diff(sum, "name_zh", cur->name_zh, now.name_zh);
	org_diff(sum, "name_en", cur->name_en, now.name_en);
	org_diff(sum, "scope", cur->scope, now.scope);
	org_diff(sum, "permissions", cur->perms, now.perms);
}

static const char *scope_label(struct req *r, const char *scope)
{
	return T(r, arena_printf(&r->arena, "org.scope_%s", scope));
}

int org_roles_page(struct req *r)
{
	page_begin(r, T(r, "org.roles"));
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1><p><a class=\"button primary\" href=\"/admin/roles/new\">%s</a> "
			     "<a class=\"button\" href=\"/admin/preview\">%s</a></p>"
			     "<div class=\"table-wrap\"><table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
		    T(r, "org.roles"), T(r, "org.role_new"), T(r, "org.preview"), T(r, "org.role_name_zh"),
		    T(r, "org.role_code"), T(r, "org.role_scope"), T(r, "org.role_perms"));
	struct db_stmt *st = db_query(r->db, "SELECT id, code, name_zh, name_en, permissions, scope, builtin,"
				    " (SELECT count(*) FROM user_roles ur WHERE ur.role_id = roles.id)"
				    " FROM roles ORDER BY id", NULL);
	while (st && db_step(st) == 1) {
		int duty = auth_duty_of(db_col_text(st, 4), NULL);
		const char *name = db_col_text(st, strcmp(r->lang, "en") ? 2 : 3);
		/* another administrator's role is listed, not linked (三权分立) */
		html_printf(&r->out, "<tr data-role-id=\"%D\"><td>", db_col_i64(st, 0));
		if (org_may_manage(r, duty))
			html_printf(&r->out, "<a href=\"/admin/roles/%D\">%s</a>", db_col_i64(st, 0), name);
		else
			html_printf(&r->out, "%s", name);
		if (duty != AUTH_DUTY_NONE)
			html_printf(&r->out, " <span class=\"badge\">%s</span>",
				    T(r, arena_printf(&r->arena, "org.duty_%s", auth_duty_code(duty))));
		html_printf(&r->out, "%r <small>%D %s</small></td>"
				     "<td><code>%s</code></td><td>%s</td><td><small>%s</small></td></tr>",
			    db_col_i64(st, 6) ? "" : " <span class=\"badge\">custom</span>",
			    db_col_i64(st, 7), T(r, "org.people"), db_col_text(st, 1),
			    scope_label(r, db_col_text(st, 5)), db_col_text(st, 4));
	}
	db_done(r->db, st);
	html_printf(&r->out, "</tbody></table></div></section>");
	page_end(r);
	return 0;
}

/* Above a role's form: its code, fixed once made. */
static void role_head(struct req *r, const void *row)
{
	const struct role_row *ro = row;
	if (ro)
		html_printf(&r->out, "<p class=\"sub\"><code>%s</code></p>", ro->code);
}

/* The permission checkboxes: the vocabulary less another administrator's permissions,
 * ticked as stored, or as submitted after a refusal. */
static void role_perm_inputs(struct req *r, const void *row, const struct form *f)
{
	const struct role_row *ro = row;
	const char *have = org_checks_open(r, f, "checks perms", "org.role_perms", "perms_sent",
					   ro ? ro->perms : "", "permissions", "perm");
	char *v = arena_strdup(&r->arena, vocabulary(r)), *save = NULL;
	for (char *p = strtok_r(v, " ", &save); p; p = strtok_r(NULL, " ", &save)) {
		const char *key = arena_printf(&r->arena, "perm.%s", p);
		if (!org_may_manage(r, auth_perm_duty(p)))	/* another administrator's */
			continue;
		html_printf(&r->out, "<label class=\"inline\"><input type=\"checkbox\" name=\"perm\" value=\"%s\"%r>"
				     " <span>%s <small><code>%s</code></small></span></label>",
			    p, org_perms_has(have, p) ? " checked" : "",
			    i18n_has(key) ? T(r, key) : p, p);
	}
	form_field_error(r, &f->err, "permissions");
	html_printf(&r->out, "<p class=\"hint\">%s</p></fieldset>", T(r, "org.separation_hint"));
}

/* A role of another kind of administrator is listed but not opened: 403, audited. */
static int role_admit(struct req *r, const void *row, const char *action)
{
	const struct role_row *ro = row;
	return org_duty_refused(r, "role", ro->id, action, auth_duty_of(ro->perms, NULL)) ? -1 : 0;
}

/* Roles have their own list page (with the preview) and no API or deactivation. */
static const struct entity role_entity = {
	.name = "role", .path = "/admin/roles", .edit_perm = "role.admin",
	.new_title = "org.role_new", .fields = role_fields, .row_size = sizeof(struct role_row),
	.load = role_load, .admit = role_admit, .values = role_values, .defaults = role_defaults,
	.title_in = role_title_in, .check = role_check, .store = role_store,
	.verify = role_verify, .summary = role_summary, .show_head = role_head,
	.extra_inputs = role_perm_inputs,
};

int org_role_new_page(struct req *r)
{
	return entity_new_page(r, &role_entity);
}

int org_role_create_post(struct req *r)
{
	return entity_create_post(r, &role_entity);
}

int org_role_edit_page(struct req *r)
{
	return entity_edit_page(r, &role_entity);
}

int org_role_update_post(struct req *r)
{
	return entity_update_post(r, &role_entity);
}

/* ---- role preview ---- */

static void preview_role_options(struct req *r, const void *row, int64_t selected)
{
	(void)row;
	struct db_stmt *st = db_query(r->db, "SELECT id, name_zh, name_en, permissions FROM roles ORDER BY id", NULL);
	while (st && db_step(st) == 1)
		if (org_may_manage(r, auth_duty_of(db_col_text(st, 3), NULL)))
			html_printf(&r->out, "<option value=\"%D\"%r>%s</option>", db_col_i64(st, 0),
				    db_col_i64(st, 0) == selected ? " selected" : "",
				    db_col_text(st, strcmp(r->lang, "en") ? 1 : 2));
	db_done(r->db, st);
}

static void preview_unit_options(struct req *r, const void *row, int64_t selected)
{
	(void)row;
	org_unit_options(r, selected);
}

static const struct form_field preview_fields[] = {
	{"role_id", "org.role", FORM_ID, FORM_REQUIRED, .options = preview_role_options},
	{"unit_id", "user.unit", FORM_ID, FORM_REQUIRED, .options = preview_unit_options},
	{0},
};

static void preview_form(struct req *r, const struct form *f)
{
	page_begin(r, T(r, "org.preview"));
	html_printf(&r->out, "<section class=\"card narrow\"><h1>%s</h1><p class=\"sub\">%s</p>",
		    T(r, "org.preview"), T(r, "org.preview_hint"));
	if (form_failed(f))
		page_notice(r, "error", f->err.msg);
	html_printf(&r->out, "<form method=\"post\" action=\"/admin/preview\" class=\"stack\">%r", page_csrf(r));
	form_render_fields(r, f);
	html_printf(&r->out, "<button class=\"primary\">%s</button></form></section>",
		    T(r, "org.preview_start"));
	page_end(r);
}

int org_preview_page(struct req *r)
{
	struct form f;
	const char *start[] = {"", arena_printf(&r->arena, "%lld", (long long)r->who->unit_id)};
	form_init(r, &f, preview_fields, start, NULL);
	preview_form(r, &f);
	return 0;
}

int org_preview_post(struct req *r)
{
	struct form f;
	struct role_row ro;
	form_read(r, &f, preview_fields, NULL, NULL);
	struct form_err e = f.err;
	int64_t role = form_get(&f, "role_id")->id, unit = form_get(&f, "unit_id")->id;
	if (role && role_load(r, role, &ro))
		form_err_set(r, &e, "role_id", "org.role", "form.err_choice");
	else if (role && !org_may_manage(r, auth_duty_of(ro.perms, NULL))) {
		/* previewing the auditor would be reading the audit log (三权分立) */
		form_err_set(r, &e, "role_id", "org.role", "org.err_other_duty");
		org_audit_refusal(r, "role", role, "preview", auth_duty_of(ro.perms, NULL));
	}
	if (unit && !org_unit_usable(r, unit))
		form_err_set(r, &e, "unit_id", "user.unit", "form.err_choice");
	if (!e.field && !r->who->session_id)	/* an API token has no session to mark */
		form_err_set(r, &e, "role_id", "org.role", "org.err_no_session");
	if (e.field) {
		if (r->is_api) {
			form_api_invalid(r, &e);
		} else {
			r->status = FORM_STATUS_INVALID;
			f.err = e;
			preview_form(r, &f);
		}
		return 0;
	}
	int rc = db_begin(r->db);
	if (rc == DB_OK)
		rc = db_exec(r->db, "UPDATE sessions SET preview_role_id = ?, preview_unit_id = ? WHERE id = ?",
			     "III", role, unit, r->who->session_id);
	return org_commit_redirect(r, rc, "role", role, "preview_start",
				   arena_printf(&r->arena, "role: %s; unit: %lld", ro.code, (long long)unit), "/");
}

/* Leaving the preview: allowed while previewing (ROUTE_PREVIEW_OK) and without role.admin,
 * since the previewed role usually lacks it. It only ever clears the caller's own session. */
int org_preview_exit_post(struct req *r)
{
	if (!r->who->preview || !r->who->session_id) {
		resp_redirect(r, "/admin/roles");
		return 0;
	}
	int rc = db_begin(r->db);
	if (rc == DB_OK)
		rc = db_exec(r->db, "UPDATE sessions SET preview_role_id = NULL, preview_unit_id = NULL"
			     " WHERE id = ?", "I", r->who->session_id);
	return org_commit_redirect(r, rc, "role", 0, "preview_end", "", "/admin/roles");
}
