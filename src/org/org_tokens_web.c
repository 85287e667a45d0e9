/*
 * org_tokens_web.c — API tokens for other systems (HR, EAM, MES, the regulator's platform):
 * create, list, revoke.
 *
 * A token carries at most the permissions of the person who made it (checked here at
 * creation, and again at every use by auth.c, which intersects with the owner's current
 * permissions). Only its SHA-256 is stored: the raw value is on the creation page once and
 * never again.
 *
 * 三权分立 (auth/auth_duty.h): since a token's permissions are a subset of its owner's, and
 * an owner is at most one kind of administrator, a token never carries a permission of
 * another kind than its owner's (checked again at creation; auth.c drops the administrator
 * permissions of a mixed owner at every use). token.admin belongs to no administrator kind:
 * each administrator makes tokens for their own integrations, but lists and revokes only the
 * tokens of people they may manage (no administrator, or their own kind).
 */
#include "org/org.h"
#include "org/org_web.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "auth/auth_duty.h"
#include "base/clock.h"
#include "db/db.h"
#include "web/i18n.h"
#include "web/page.h"

#include <stdlib.h>
#include <string.h>

static const struct form_field token_fields[] = {
	{"name", "org.token_name", FORM_TEXT, FORM_REQUIRED, .max = ORG_NAME_MAX},
	{"expires", "org.token_expires", FORM_DAY, 0, .max = 0},
	{0},
};

static int ticked(const char **v, size_t n, const char *perm)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], perm))
			return 1;
	return 0;
}

/* The list and the form for a new token: f carries the values sent after a refusal (then
 * the permissions ticked are the ones sent), else it is empty. */
static void tokens_page(struct req *r, const struct form *f, const char *new_token)
{
	page_begin(r, T(r, "org.tokens"));
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1><p class=\"sub\">%s</p>",
		    T(r, "org.tokens"), T(r, "org.tokens_hint"));
	if (new_token)
		html_printf(&r->out, "<div class=\"notice notice-ok\">%s<br><code id=\"new-token\">%s</code></div>",
			    T(r, "org.token_once"), new_token);
	html_printf(&r->out, "<div class=\"table-wrap\"><table><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
			     "<th>%s</th><th>%s</th><th></th></tr></thead><tbody>",
		    T(r, "org.token_name"), T(r, "org.token_owner"), T(r, "org.role_perms"),
		    T(r, "org.token_expires"), T(r, "org.status"));
	struct db_stmt *st = db_query(r->db,
		"SELECT t.id, t.name, u.username, t.permissions, t.expires_at, t.revoked, t.created_at, t.user_id"
		" FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.id DESC LIMIT 500", NULL);
	int64_t now = clock_now();
	while (st && db_step(st) == 1) {
		int64_t id = db_col_i64(st, 0), exp = db_col_i64(st, 4);
		if (!org_may_manage(r, org_user_duty(r->db, db_col_i64(st, 7))))
			continue;	/* another administrator's */
		int revoked = (int)db_col_i64(st, 5);
		const char *status = revoked ? "org.token_revoked" : exp && exp < now ? "org.token_expired"
										  : "org.active";
		html_printf(&r->out, "<tr><td>%s <small>%s</small></td><td>%s</td><td><small>%s</small></td>"
				     "<td>%s</td><td><span class=\"badge%r\">%s</span></td><td>",
			    db_col_text(st, 1), page_time(r, db_col_i64(st, 6)), db_col_text(st, 2),
			    db_col_text(st, 3), exp ? page_time(r, exp) : T(r, "org.token_never"),
			    revoked ? " bad" : "", T(r, status));
		if (!revoked)
			html_printf(&r->out, "<form method=\"post\" action=\"/admin/tokens/%D/revoke\">%r"
					     "<button class=\"danger\">%s</button></form>", id, page_csrf(r),
				    T(r, "org.token_revoke"));
		html_printf(&r->out, "</td></tr>");
	}
	db_done(r->db, st);
	html_printf(&r->out, "</tbody></table></div></section>");

	html_printf(&r->out, "<section class=\"card\"><h2>%s</h2>", T(r, "org.token_new"));
	if (form_failed(f))
		page_notice(r, "error", f->err.msg);
	html_printf(&r->out, "<form method=\"post\" action=\"/admin/tokens\" class=\"stack\">%r", page_csrf(r));
	form_render_field(r, f, &token_fields[0]);
	size_t n = 0;
	const char **sent = f->submitted ? req_field_list(r, "perm", &n) : NULL;
	html_printf(&r->out, "<fieldset class=\"checks perms\"><legend>%s</legend>", T(r, "org.role_perms"));
	/* only what the creator holds may be given */
	char *mine = arena_strdup(&r->arena, r->who->perms), *save = NULL;
	for (char *p = strtok_r(mine, " ", &save); p; p = strtok_r(NULL, " ", &save)) {
		const char *key = arena_printf(&r->arena, "perm.%s", p);
		html_printf(&r->out, "<label class=\"inline\"><input type=\"checkbox\" name=\"perm\" value=\"%s\"%r>"
				     " <span>%s <small><code>%s</code></small></span></label>",
			    p, ticked(sent, n, p) ? " checked" : "", i18n_has(key) ? T(r, key) : p, p);
	}
	form_field_error(r, &f->err, "permissions");
	html_printf(&r->out, "</fieldset>");
	form_render_field(r, f, &token_fields[1]);
	html_printf(&r->out, "<button class=\"primary\">%s</button></form></section>", T(r, "org.token_create"));
	page_end(r);
}

/* The page with an empty form for a new token (new_token: the one just made, shown once). */
static void tokens_page_empty(struct req *r, const char *new_token)
{
	struct form f;
	form_init(r, &f, token_fields, NULL, NULL);
	tokens_page(r, &f, new_token);
}

int org_tokens_page(struct req *r)
{
	tokens_page_empty(r, NULL);
	return 0;
}

int org_token_create_post(struct req *r)
{
	struct form f;
	form_read(r, &f, token_fields, NULL, NULL);
	struct form_err e = f.err;
	const char *name = form_get(&f, "name")->text;
	struct strbuf perms = STRBUF_INIT;
	int n = 0;
	for (struct kv *kv = r->form; kv && !e.field; kv = kv->next) {
		if (strcmp(kv->key, "perm"))
			continue;
		if (strlen(kv->val) > 64 || strchr(kv->val, ' ') || !auth_has(r, kv->val)) {
			form_err_set(r, &e, "permissions", "org.role_perms", "org.err_not_yours");
			break;
		}
		if (org_perms_has(perms.buf, kv->val))
			continue;
		if (perms.len)
			sb_addc(&perms, ' ');
		sb_adds(&perms, kv->val);
		n++;
	}
	if (!e.field && !n)
		form_err_set(r, &e, "permissions", "org.role_perms", "form.err_required");
	if (!e.field && !org_may_manage(r, auth_duty_of(perms.buf, NULL)))	/* see the header */
		form_err_set(r, &e, "permissions", "org.role_perms", "org.err_other_duty");
	int64_t expires = 0;
	const char *exp = form_get(&f, "expires")->text;
	if (*exp && (org_parse_date_end(exp, &expires) || expires <= clock_now()))
		form_err_set(r, &e, "expires", "org.token_expires", "org.err_date");
	if (e.field) {
		sb_release(&perms);
		r->status = FORM_STATUS_INVALID;
		f.err = e;
		tokens_page(r, &f, NULL);
		return 0;
	}
	int64_t id = 0;
	char *raw = NULL;
	if (db_begin(r->db) == DB_OK &&
	    (raw = auth_token_create(r->db, r->who->user_id, name, perms.buf, expires, &id)) &&
	    audit_req(r, "api_token", id, "create",
		      arena_printf(&r->arena, "name: %s; permissions: %s; expires_at: %lld", name,
				   perms.buf, (long long)expires)) == DB_OK &&
	    db_commit(r->db) == DB_OK) {
		tokens_page_empty(r, arena_strdup(&r->arena, raw));
		r->status = 201;
	} else {
		db_rollback(r->db);
		form_unavailable(r);
	}
	if (raw)
		memset(raw, 0, strlen(raw));	/* the arena copy dies with the request */
	free(raw);
	sb_release(&perms);
	return 0;
}

int org_token_revoke_post(struct req *r)
{
	int64_t id, owner = 0;
	if (req_param_id(r, "id", &id) ||
	    db_get_i64(r->db, &owner, "SELECT user_id FROM api_tokens WHERE id = ?", "I", id) != 1) {
		org_not_found(r);
		return 0;
	}
	if (org_duty_refused(r, "api_token", id, "revoke", org_user_duty(r->db, owner)))
		return 0;
	if (db_begin(r->db) != DB_OK ||
	    db_exec(r->db, "UPDATE api_tokens SET revoked = 1 WHERE id = ?", "I", id) != DB_OK ||
	    audit_req(r, "api_token", id, "revoke", "") != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		form_unavailable(r);
		return 0;
	}
	resp_redirect(r, "/admin/tokens");
	return 0;
}
