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
#include "web/i18n.h"
#include "web/page.h"

#include <stdlib.h>
#include <string.h>

struct role_row {
	int64_t id;
	const char *code, *name_zh, *name_en, *perms, *scope;
	int builtin;
};

static int role_load(struct req *r, int64_t id, struct role_row *ro)
{
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
	struct strbuf sb = STRBUF_INIT;
	const char *res = NULL;
	if (r->json) {
		json_t *v = json_object_get(r->json, "permissions"), *x;
		size_t i;
		if (json_is_string(v))
			res = arena_strdup(&r->arena, json_string_value(v));
		else if (json_is_array(v)) {
			json_array_foreach(v, i, x) if (json_is_string(x)) {
				sb_adds(&sb, json_string_value(x));
				sb_addc(&sb, ' ');
			}
			res = arena_strdup(&r->arena, sb.buf);
		}
	} else if (req_form(r, "perms_sent")) {
		for (struct kv *kv = r->form; kv; kv = kv->next)
			if (!strcmp(kv->key, "perm")) {
				sb_adds(&sb, kv->val);
				sb_addc(&sb, ' ');
			}
		res = arena_strdup(&r->arena, sb.buf);
	}
	sb_release(&sb);
	return res;
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
	char clash[AUTH_DUTY_CLASH_MAX];
	int duty = e->field ? AUTH_DUTY_NONE : auth_duty_of(sb.buf, clash);
	if (duty == AUTH_DUTY_MIXED) {
		form_err_set(r, e, "permissions", "org.role_perms", "org.err_separation");
		e->msg = arena_printf(&r->arena, "%s (%s)", e->msg, clash);
	} else if (!e->field && !org_may_manage(r, duty)) {
		form_err_set(r, e, "permissions", "org.role_perms", "org.err_other_duty");
		e->msg = arena_printf(&r->arena, "%s (%s)", e->msg, auth_duty_code(duty));
		org_audit_refusal(r, "role", 0, arena_printf(&r->arena, "grant %s", sb.buf), duty);
	}
	char *res = e->field ? NULL : arena_strdup(&r->arena, sb.buf);
	sb_release(&words);
	sb_release(&sb);
	return res;
}

/* Validate and store a new role (cur NULL) or changes. Returns the id, 0 with e set, or -1. */
static int64_t role_save(struct req *r, const struct role_row *cur, struct form_err *e)
{
	const char *code = cur ? cur->code : NULL;
	if (!cur) {
		const char *v = req_field(r, "code");
		code = v ? v : "";
		const char *problem = org_check_role_code(code);
		if (problem)
			form_err_set(r, e, "code", "org.role_code", problem);
	}
	const char *zh = org_read_text(r, e, "name_zh", "org.role_name_zh", ORG_NAME_MAX, 1,
				       cur ? cur->name_zh : NULL);
	const char *en = org_read_text(r, e, "name_en", "org.role_name_en", ORG_NAME_MAX, 0,
				       cur ? cur->name_en : NULL);
	const char *scope = org_read_text(r, e, "scope", "org.role_scope", 16, 1, cur ? cur->scope : NULL);
	if (*scope && !org_scope_valid(scope))
		form_err_set(r, e, "scope", "org.role_scope", "org.err_choice");
	const char *perms = requested_perms(r);
	if (!perms)
		perms = cur ? cur->perms : "";
	perms = check_perms(r, e, perms);
	if (e->field)
		return 0;
	int64_t n = 0;
	if (!cur && db_get_i64(r->db, &n, "SELECT count(*) FROM roles WHERE code = ?", "t", code) == 1 && n) {
		form_err_set(r, e, "code", "org.role_code", "org.err_taken");
		return 0;
	}
	if (!*en)
		en = zh;
	if (db_begin(r->db) != DB_OK)
		return -1;
	int64_t id = cur ? cur->id : 0;
	struct strbuf sum = STRBUF_INIT;
	int rc;
	if (!cur) {
		rc = db_exec(r->db, "INSERT INTO roles (code, name_zh, name_en, permissions, scope, builtin)"
			     " VALUES (?, ?, ?, ?, ?, 0)", "ttttt", code, zh, en, perms, scope);
		id = db_last_id(r->db);
		sb_addf(&sum, "code: %s; scope: %s; permissions: %s", code, scope, perms);
	} else {
		rc = db_exec(r->db, "UPDATE roles SET name_zh = ?, name_en = ?, permissions = ?, scope = ?"
			     " WHERE id = ?", "ttttI", zh, en, perms, scope, id);
		org_diff(&sum, "name_zh", cur->name_zh, zh);
		org_diff(&sum, "name_en", cur->name_en, en);
		org_diff(&sum, "scope", cur->scope, scope);
		org_diff(&sum, "permissions", cur->perms, perms);
	}
	/* a person holding this role and another may not end up with both sides of the split */
	int64_t clash_user = 0;
	struct db_stmt *st = rc == DB_OK ? db_query(r->db, "SELECT user_id FROM user_roles WHERE role_id = ?", "I", id) : NULL;
	while (st && db_step(st) == 1 && !clash_user)
		if (org_user_duty(r->db, db_col_i64(st, 0)) == AUTH_DUTY_MIXED)
			clash_user = db_col_i64(st, 0);
	db_done(r->db, st);
	if (clash_user) {
		db_rollback(r->db);
		sb_release(&sum);
		form_err_set(r, e, "permissions", "org.role_perms", "org.err_separation_user");
		return 0;
	}
	if (rc != DB_OK || audit_req(r, "role", id, cur ? "update" : "create", sum.buf) != DB_OK ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		sb_release(&sum);
		return -1;
	}
	sb_release(&sum);
	return id;
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

static void role_form(struct req *r, const struct role_row *ro, const struct form_err *e)
{
	const char *title = ro ? (strcmp(r->lang, "en") ? ro->name_zh : ro->name_en) : T(r, "org.role_new");
	page_begin(r, title);
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1>", title);
	if (e && e->field)
		page_notice(r, "error", e->msg);
	if (ro)
		html_printf(&r->out, "<p class=\"sub\"><code>%s</code></p><form method=\"post\" action=\"/admin/roles/%D\" class=\"stack\">%r",
			    ro->code, ro->id, page_csrf(r));
	else {
		html_printf(&r->out, "<form method=\"post\" action=\"/admin/roles\" class=\"stack\">%r", page_csrf(r));
		org_input(r, e, "code", "org.role_code", org_value(r, "code", ""),
			  "required minlength=\"2\" maxlength=\"32\" pattern=\"[a-z0-9_]+\" autocapitalize=\"off\"");
	}
	org_input(r, e, "name_zh", "org.role_name_zh", org_value(r, "name_zh", ro ? ro->name_zh : ""),
		  "required maxlength=\"64\"");
	org_input(r, e, "name_en", "org.role_name_en", org_value(r, "name_en", ro ? ro->name_en : ""),
		  "maxlength=\"64\"");
	const char *scope = org_value(r, "scope", ro ? ro->scope : "unit");
	html_printf(&r->out, "<label>%s<select name=\"scope\">", T(r, "org.role_scope"));
	const char *scopes[] = {"own", "unit", "subtree", "company", NULL};
	for (int i = 0; scopes[i]; i++)
		html_printf(&r->out, "<option value=\"%s\"%r>%s</option>", scopes[i],
			    strcmp(scope, scopes[i]) ? "" : " selected", scope_label(r, scopes[i]));
	html_printf(&r->out, "</select>");
	form_field_error(r, e, "scope");
	html_printf(&r->out, "</label><fieldset class=\"checks perms\"><legend>%s</legend>"
			     "<input type=\"hidden\" name=\"perms_sent\" value=\"1\">", T(r, "org.role_perms"));
	const char *have = ro ? ro->perms : "";
	if (req_is_write(r)) {
		have = requested_perms(r);
		have = have ? have : "";
	}
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
	form_field_error(r, e, "permissions");
	html_printf(&r->out, "<p class=\"hint\">%s</p></fieldset><button class=\"primary\">%s</button></form>"
			     "<p><a href=\"/admin/roles\">%s</a></p></section>",
		    T(r, "org.separation_hint"), T(r, "org.save"), T(r, "org.back"));
	page_end(r);
}

int org_role_new_page(struct req *r)
{
	role_form(r, NULL, NULL);
	return 0;
}

int org_role_create_post(struct req *r)
{
	struct form_err e = {0};
	int64_t id = role_save(r, NULL, &e);
	if (id == 0) {
		r->status = 422;
		role_form(r, NULL, &e);
	} else if (id < 0) {
		form_unavailable(r);
	} else {
		resp_redirect(r, "/admin/roles");
	}
	return 0;
}

int org_role_edit_page(struct req *r)
{
	int64_t id;
	struct role_row ro;
	if (req_param_id(r, "id", &id) || role_load(r, id, &ro)) {
		org_not_found(r);
		return 0;
	}
	if (org_duty_refused(r, "role", id, "edit", auth_duty_of(ro.perms, NULL)))
		return 0;
	role_form(r, &ro, NULL);
	return 0;
}

int org_role_update_post(struct req *r)
{
	int64_t id;
	struct role_row ro;
	struct form_err e = {0};
	if (req_param_id(r, "id", &id) || role_load(r, id, &ro)) {
		org_not_found(r);
		return 0;
	}
	if (org_duty_refused(r, "role", id, "edit", auth_duty_of(ro.perms, NULL)))
		return 0;
	int64_t rc = role_save(r, &ro, &e);
	if (rc == 0) {
		r->status = 422;
		role_form(r, &ro, &e);
	} else if (rc < 0) {
		form_unavailable(r);
	} else {
		resp_redirect(r, "/admin/roles");
	}
	return 0;
}

/* ---- role preview ---- */

static void preview_form(struct req *r, const struct form_err *e)
{
	page_begin(r, T(r, "org.preview"));
	html_printf(&r->out, "<section class=\"card narrow\"><h1>%s</h1><p class=\"sub\">%s</p>",
		    T(r, "org.preview"), T(r, "org.preview_hint"));
	if (e && e->field)
		page_notice(r, "error", e->msg);
	html_printf(&r->out, "<form method=\"post\" action=\"/admin/preview\" class=\"stack\">%r"
			     "<label>%s<select name=\"role_id\" required>", page_csrf(r), T(r, "org.role"));
	struct db_stmt *st = db_query(r->db, "SELECT id, name_zh, name_en, permissions FROM roles ORDER BY id", NULL);
	while (st && db_step(st) == 1)
		if (org_may_manage(r, auth_duty_of(db_col_text(st, 3), NULL)))
			html_printf(&r->out, "<option value=\"%D\">%s</option>", db_col_i64(st, 0),
				    db_col_text(st, strcmp(r->lang, "en") ? 1 : 2));
	db_done(r->db, st);
	html_printf(&r->out, "</select>");
	form_field_error(r, e, "role_id");
	html_printf(&r->out, "</label><label>%s<select name=\"unit_id\" required>", T(r, "user.unit"));
	org_unit_options(r, r->who->unit_id);
	html_printf(&r->out, "</select>");
	form_field_error(r, e, "unit_id");
	html_printf(&r->out, "</label><button class=\"primary\">%s</button></form></section>",
		    T(r, "org.preview_start"));
	page_end(r);
}

int org_preview_page(struct req *r)
{
	preview_form(r, NULL);
	return 0;
}

int org_preview_post(struct req *r)
{
	struct form_err e = {0};
	struct role_row ro;
	int64_t role = org_read_id(r, &e, "role_id", "org.role", 1, 0);
	int64_t unit = org_read_id(r, &e, "unit_id", "user.unit", 1, 0);
	if (role && role_load(r, role, &ro))
		form_err_set(r, &e, "role_id", "org.role", "org.err_choice");
	else if (role && !org_may_manage(r, auth_duty_of(ro.perms, NULL))) {
		/* previewing the auditor would be reading the audit log (三权分立) */
		form_err_set(r, &e, "role_id", "org.role", "org.err_other_duty");
		org_audit_refusal(r, "role", role, "preview", auth_duty_of(ro.perms, NULL));
	}
	if (unit && !org_unit_usable(r, unit))
		form_err_set(r, &e, "unit_id", "user.unit", "org.err_choice");
	if (!e.field && !r->who->session_id)	/* an API token has no session to mark */
		form_err_set(r, &e, "role_id", "org.role", "org.err_no_session");
	if (e.field) {
		if (r->is_api) {
			form_api_invalid(r, &e);
		} else {
			r->status = 422;
			preview_form(r, &e);
		}
		return 0;
	}
	if (db_begin(r->db) != DB_OK ||
	    db_exec(r->db, "UPDATE sessions SET preview_role_id = ?, preview_unit_id = ? WHERE id = ?",
		    "III", role, unit, r->who->session_id) != DB_OK ||
	    audit_req(r, "role", role, "preview_start",
		      arena_printf(&r->arena, "role: %s; unit: %lld", ro.code, (long long)unit)) != DB_OK ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		form_unavailable(r);
		return 0;
	}
	resp_redirect(r, "/");
	return 0;
}

/* Leaving the preview: allowed while previewing (ROUTE_PREVIEW_OK) and without role.admin,
 * since the previewed role usually lacks it. It only ever clears the caller's own session. */
int org_preview_exit_post(struct req *r)
{
	if (r->who->preview && r->who->session_id) {
		if (db_begin(r->db) != DB_OK ||
		    db_exec(r->db, "UPDATE sessions SET preview_role_id = NULL, preview_unit_id = NULL"
			    " WHERE id = ?", "I", r->who->session_id) != DB_OK ||
		    audit_req(r, "role", 0, "preview_end", "") != DB_OK || db_commit(r->db) != DB_OK) {
			db_rollback(r->db);
			form_unavailable(r);
			return 0;
		}
	}
	resp_redirect(r, "/admin/roles");
	return 0;
}
