/*
 * org_form.c — the helpers the administration pages share beyond web/form.c: the list fields
 * of role and permission checkboxes, the unit and person <option>s, separation-of-duties
 * refusals, and audit diffs. Every field itself is declared with web/form.h.
 */
#include "org/org.h"
#include "org/org_web.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "auth/auth_duty.h"
#include "base/config.h"
#include "base/text.h"
#include "db/db.h"
#include "web/i18n.h"
#include "web/form.h"
#include "web/page.h"

#include <stdlib.h>
#include <string.h>

const char *org_requested_list(struct req *r, const char *json_name, const char *form_name,
			       const char *sent_name)
{
	size_t n = 0;
	if (!r->json && !req_form(r, sent_name))
		return NULL;
	const char **v = req_field_list(r, r->json ? json_name : form_name, &n);
	if (!v && r->json)
		return NULL;
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		sb_adds(&sb, v[i]);
		sb_addc(&sb, ' ');
	}
	const char *res = arena_strdup(&r->arena, sb.buf ? sb.buf : "");
	sb_release(&sb);
	return res;
}

int org_commit_redirect(struct req *r, int rc, const char *entity, int64_t id, const char *action,
			const char *summary, const char *to)
{
	if (rc != DB_OK || audit_req(r, entity, id, action, summary) != DB_OK ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		form_unavailable(r);
		return 0;
	}
	resp_redirect(r, to);
	return 0;
}

void org_check_grant(struct req *r, struct form_err *e, const char *field, const char *label,
		     const char *perms, const char *entity, const char *what)
{
	if (e->field)
		return;
	char clash[AUTH_DUTY_CLASH_MAX];
	int duty = auth_duty_of(perms, clash);
	if (duty == AUTH_DUTY_MIXED) {
		form_err_set(r, e, field, label, "org.err_separation");
		e->msg = arena_printf(&r->arena, "%s (%s)", e->msg, clash);
	} else if (!org_may_manage(r, duty)) {
		form_err_set(r, e, field, label, "org.err_other_duty");
		e->msg = arena_printf(&r->arena, "%s (%s)", e->msg, auth_duty_code(duty));
		org_audit_refusal(r, entity, 0, what, duty);
	}
}

const char *org_checks_open(struct req *r, const struct form *f, const char *cls,
			    const char *legend_key, const char *sent_name, const char *stored,
			    const char *json_name, const char *form_name)
{
	html_printf(&r->out, "<fieldset class=\"%s\"><legend>%s</legend>"
			     "<input type=\"hidden\" name=\"%s\" value=\"1\">", cls, T(r, legend_key),
		    sent_name);
	if (!f->submitted)
		return stored;
	const char *have = org_requested_list(r, json_name, form_name, sent_name);
	return have ? have : "";
}

void org_not_found(struct req *r)
{
	resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
}

void org_refuse(struct req *r, const char *field, const char *message)
{
	resp_error(r, 409, "refused", message, field);
}

int org_caller_duty(struct req *r)
{
	return r->who ? auth_duty_of(r->who->perms, NULL) : AUTH_DUTY_NONE;
}

int org_may_manage(struct req *r, int target)
{
	return auth_duty_may_manage(org_caller_duty(r), target);
}

void org_audit_refusal(struct req *r, const char *entity, int64_t id, const char *what, int target)
{
	const char *sum = arena_printf(&r->arena, "%s; caller: %s; target: %s", what,
				       auth_duty_code(org_caller_duty(r)), auth_duty_code(target));
	if (db_begin(r->db) != DB_OK)
		return;
	if (audit_req(r, entity, id, "duty_refused", sum) != DB_OK || db_commit(r->db) != DB_OK)
		db_rollback(r->db);
}

int org_duty_refused(struct req *r, const char *entity, int64_t id, const char *what, int target)
{
	if (org_may_manage(r, target))
		return 0;
	org_audit_refusal(r, entity, id, what, target);
	resp_error(r, 403, "separation_of_duties", T(r, "org.err_other_duty"), NULL);
	return 1;
}

void org_unit_options(struct req *r, int64_t selected)
{
	struct db_stmt *st = db_query(r->db,
		"SELECT id, name, path FROM units WHERE active = 1 AND path LIKE ? ORDER BY path",
		"t", auth_scope_pattern(r));
	while (st && db_step(st) == 1) {
		int64_t id = db_col_i64(st, 0);
		int depth = 0;
		for (const char *p = db_col_text(st, 2); *p; p++)
			depth += *p == '/';
		struct strbuf pad = STRBUF_INIT;
		for (int i = 2; i < depth; i++)
			sb_adds(&pad, "\xc2\xa0\xc2\xa0");	/* two no-break spaces per level */
		html_printf(&r->out, "<option value=\"%D\"%r>%s%s</option>", id,
			    id == selected ? " selected" : "", pad.buf, db_col_text(st, 1));
		sb_release(&pad);
	}
	db_done(r->db, st);
}

void org_user_options(struct req *r, int64_t selected, int64_t within_unit)
{
	struct db_stmt *st = db_query(r->db,
		"SELECT u.id, u.name, u.username FROM users u JOIN units un ON un.id = u.unit_id"
		" WHERE u.active = 1 AND un.path LIKE ? AND (? = 0 OR un.path LIKE"
		" (SELECT path FROM units WHERE id = ?) || '%') ORDER BY u.name LIMIT 1000",
		"tII", auth_scope_pattern(r), within_unit, within_unit);
	while (st && db_step(st) == 1) {
		int64_t id = db_col_i64(st, 0);
		html_printf(&r->out, "<option value=\"%D\"%r>%s (%s)</option>", id,
			    id == selected ? " selected" : "", db_col_text(st, 1), db_col_text(st, 2));
	}
	db_done(r->db, st);
}

/* The user list's filters shared by the page and the API: ?unit_id= (an id), ?role= (a role
 * that exists), ?active= (1, 0 or all; absent: def). Malformed ones are recorded. */
void org_user_filters(struct req *r, int64_t *unit, const char **role, int *active, int def)
{
	static const char *const actives[] = {"1", "0", "all", NULL};
	const char *a = NULL;
	int64_t known = 0;
	*unit = 0;
	req_query_id(r, "unit_id", unit);
	const char *v = req_query(r, "role");
	*role = "";
	if (v && *v) {
		if (db_get_i64(r->db, &known, "SELECT 1 FROM roles WHERE code = ?", "t", v) == 1)
			*role = v;
		else
			req_bad_param(r, "role");
	}
	*active = def;
	if (req_query_enum(r, "active", actives, &a) == 1)
		*active = !strcmp(a, "all") ? -1 : !strcmp(a, "0") ? 0 : 1;
}

const char *org_like(struct req *r, const char *q)
{
	struct strbuf sb = STRBUF_INIT;
	sb_addc(&sb, '%');
	for (; q && *q; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			sb_addc(&sb, '\\');
		sb_addc(&sb, *q);
	}
	sb_addc(&sb, '%');
	char *s = arena_strdup(&r->arena, sb.buf);
	sb_release(&sb);
	return s;
}

void org_diff(struct strbuf *sb, const char *field, const char *old, const char *new_value)
{
	if (!old)
		old = "";
	if (!new_value)
		new_value = "";
	if (strcmp(old, new_value))
		sb_addf(sb, "%s%s: %s → %s", sb->len ? "; " : "", field, old, new_value);
}

int org_unit_usable(struct req *r, int64_t unit_id)
{
	int64_t ok = 0;
	db_get_i64(r->db, &ok, "SELECT count(*) FROM units WHERE id = ? AND active = 1 AND path LIKE ?",
		   "It", unit_id, auth_scope_pattern(r));
	return ok > 0;
}

const char *org_abs_url(struct req *r, const char *path)
{
	const char *host = req_header(r, "Host");
	int ok = host && *host && strlen(host) <= 255;
	for (const char *p = host; ok && *p; p++)	/* a host name, an IPv4/IPv6 address, a port */
		ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		     (*p >= '0' && *p <= '9') || strchr(".-:[]", *p);
	if (!ok)
		return path;
	return arena_printf(&r->arena, "%s://%s%s", cfg.secure_cookies ? "https" : "http", host, path);
}

const char *org_qr_url(struct req *r, const char *token)
{
	return org_abs_url(r, arena_printf(&r->arena, "/a/%s", token));
}
