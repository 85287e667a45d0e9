/*
 * auth_web.c — sign-in, sign-out, password change, language, "me", and the auth API.
 */
#include "auth/auth.h"
#include "audit/audit.h"
#include "base/config.h"
#include "db/db.h"
#include "web/i18n.h"
#include "web/page.h"

#include <stdlib.h>
#include <string.h>

#define SESSION_COOKIE "aq_session"

static const char *safe_next(const char *next)
{
	if (next && strlen(next) > 500)
		return "/";
	return http_local_path(next, "/");
}

static void login_form(struct req *r, const char *error, const char *username)
{
	page_begin(r, T(r, "auth.login_title"));
	html_printf(&r->out, "<section class=\"card narrow\"><h1>%s</h1><p class=\"sub\">%s</p>",
		    T(r, "auth.login_title"), T(r, "auth.login_sub"));
	if (error)
		page_notice(r, "error", error);
	html_printf(&r->out,
		    "<form method=\"post\" action=\"/login\" class=\"stack\">%r"
		    "<input type=\"hidden\" name=\"next\" value=\"%s\">"
		    "<label>%s<input name=\"username\" autocomplete=\"username\" required maxlength=\"64\" value=\"%s\" autofocus></label>"
		    "<label>%s<input name=\"password\" type=\"password\" autocomplete=\"current-password\" required maxlength=\"256\"></label>"
		    "<button class=\"primary\">%s</button></form></section>",
		    page_csrf(r), safe_next(req_field(r, "next") ? req_field(r, "next") : req_query(r, "next")),
		    T(r, "auth.username"), username ? username : "", T(r, "auth.password"),
		    T(r, "auth.login_button"));
	page_end(r);
}

static int login_page(struct req *r)
{
	if (r->who) {
		resp_redirect(r, "/");
		return 0;
	}
	login_form(r, NULL, NULL);
	return 0;
}

static int login_post(struct req *r)
{
	const char *u = req_form(r, "username"), *p = req_form(r, "password");
	const char *why = "auth.bad_login";
	int64_t uid;
	if (!u || !*u || !p || !*p || strlen(u) > 64 || strlen(p) > 256 ||
	    auth_login(r->db, u, p, auth_login_address(r), &uid, &why)) {
		r->status = strcmp(why, "auth.bad_login") ? 429 : 401;
		login_form(r, T(r, why), u && strlen(u) <= 64 ? u : NULL);
		return 0;
	}
	const char *tok = auth_session_create(r, uid);
	if (!tok) {
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	resp_cookie(r, SESSION_COOKIE, tok, cfg.session_absolute, 1);
	resp_cookie(r, "aq_csrf", "", 0, 1);
	resp_redirect(r, safe_next(req_form(r, "next")));
	return 0;
}

static int logout_post(struct req *r)
{
	auth_session_end(r);
	resp_cookie(r, SESSION_COOKIE, "", 0, 1);
	resp_redirect(r, "/login");
	return 0;
}

static void password_form(struct req *r, const char *error, const char *ok)
{
	page_begin(r, T(r, "auth.pw_title"));
	html_printf(&r->out, "<section class=\"card narrow\"><h1>%s</h1>", T(r, "auth.pw_title"));
	if (r->who->must_change_password)
		page_notice(r, "warn", T(r, "auth.must_change"));
	if (error)
		page_notice(r, "error", error);
	if (ok)
		page_notice(r, "ok", ok);
	html_printf(&r->out,
		    "<form method=\"post\" action=\"/password\" class=\"stack\">%r"
		    "<label>%s<input name=\"current\" type=\"password\" autocomplete=\"current-password\" required maxlength=\"256\"></label>"
		    "<label>%s<input name=\"new\" type=\"password\" autocomplete=\"new-password\" required maxlength=\"256\"></label>"
		    "<label>%s<input name=\"confirm\" type=\"password\" autocomplete=\"new-password\" required maxlength=\"256\"></label>"
		    "<p class=\"hint\">%s</p><button class=\"primary\">%s</button></form></section>",
		    page_csrf(r), T(r, "auth.pw_current"), T(r, "auth.pw_new"), T(r, "auth.pw_confirm"),
		    T(r, "auth.pw_rule"), T(r, "auth.pw_button"));
	page_end(r);
}

static int password_page(struct req *r)
{
	password_form(r, NULL, NULL);
	return 0;
}

/* Shared by the page and the API: check and store a new password. Returns NULL or the
 * catalogue key of the problem, with *field naming the input. */
static const char *change_password(struct req *r, const char *cur, const char *nw,
				   const char *confirm, const char **field)
{
	char *hash = NULL;
	*field = "current";
	if (!cur || !nw || strlen(cur) > 256)
		return "auth.pw_missing";
	db_get_text(r->db, &hash, "SELECT password_hash FROM users WHERE id = ?", "I", r->who->user_id);
	int ok = auth_verify_password(hash, cur);
	free(hash);
	if (!ok)
		return "auth.pw_wrong";
	*field = "new";
	const char *problem = auth_password_problem(nw);
	if (problem)
		return problem;
	if (!strcmp(cur, nw))
		return "auth.pw_same";
	if (confirm && strcmp(confirm, nw)) {
		*field = "confirm";
		return "auth.pw_mismatch";
	}
	if (db_begin(r->db) != DB_OK)
		return "error.unavailable";
	if (auth_set_password(r->db, r->who->user_id, nw, 0) != DB_OK ||
	    audit_req(r, "user", r->who->user_id, "password_changed", "") != DB_OK) {
		db_rollback(r->db);
		return "error.unavailable";
	}
	db_commit(r->db);
	return NULL;
}

static int password_post(struct req *r)
{
	const char *field;
	const char *problem = change_password(r, req_form(r, "current"), req_form(r, "new"),
					      req_form(r, "confirm"), &field);
	if (problem) {
		r->status = 422;
		password_form(r, T(r, problem), NULL);
		return 0;
	}
	resp_redirect(r, "/");
	return 0;
}

static int lang_post(struct req *r)
{
	const char *to = req_form(r, "lang");
	to = to && !strcmp(to, "en") ? "en" : "zh";
	resp_cookie(r, "lang", to, 365 * 86400, 0);
	if (r->who && !r->who->preview && db_begin(r->db) == DB_OK) {
		db_exec(r->db, "UPDATE users SET lang = ? WHERE id = ?", "tI", to, r->who->user_id);
		db_commit(r->db);
	}
	resp_redirect(r, safe_next(req_form(r, "next")));
	return 0;
}

static int me_page(struct req *r)
{
	page_begin(r, T(r, "me.title"));
	html_printf(&r->out,
		    "<section class=\"card\"><h1>%s</h1><dl class=\"facts\">"
		    "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd></dl>"
		    "<p><a class=\"button\" href=\"/password\">%s</a></p></section>",
		    r->who->name, T(r, "auth.username"), r->who->username, T(r, "user.unit"),
		    r->who->unit_name, T(r, "user.roles"), r->who->role_names, T(r, "auth.pw_title"));
	page_end(r);
	return 0;
}

/* ---- API ---- */

static int api_login(struct req *r)
{
	const char *u = req_field(r, "username"), *p = req_field(r, "password");
	const char *why = "auth.bad_login";
	int64_t uid;
	if (!r->json) {
		resp_error(r, 415, "bad_request", T(r, "error.json_required"), "body");
		return 0;
	}
	if (!u || !*u || strlen(u) > 64) {
		resp_error(r, 400, "invalid", T(r, "auth.username_required"), "username");
		return 0;
	}
	if (!p || !*p || strlen(p) > 256) {
		resp_error(r, 400, "invalid", T(r, "auth.password_required"), "password");
		return 0;
	}
	if (auth_login(r->db, u, p, auth_login_address(r), &uid, &why)) {
		int locked = !strcmp(why, "auth.locked"), throttled = !strcmp(why, "auth.address_throttled");
		resp_error(r, locked || throttled ? 429 : 401,
			   locked ? "locked" : throttled ? "throttled" : "bad_login", T(r, why), NULL);
		return 0;
	}
	const char *tok = auth_session_create(r, uid);
	if (!tok) {
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	int64_t must = 0;
	db_get_i64(r->db, &must, "SELECT must_change_password FROM users WHERE id = ?", "I", uid);
	resp_json(r, 200, json_pack("{s:s, s:b}", "token", tok, "must_change_password", (int)must));
	return 0;
}

static int api_logout(struct req *r)
{
	auth_session_end(r);
	resp_json(r, 200, json_pack("{s:b}", "ok", 1));
	return 0;
}

static int api_me(struct req *r)
{
	struct identity *w = r->who;
	json_t *perms = json_array();
	char *copy = arena_strdup(&r->arena, w->perms), *save = NULL;
	for (char *p = strtok_r(copy, " ", &save); p; p = strtok_r(NULL, " ", &save))
		json_array_append_new(perms, json_string(p));
	resp_json(r, 200, json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:o, s:b}", "id",
				    (json_int_t)w->user_id, "username", w->username, "name", w->name,
				    "unit_id", (json_int_t)w->unit_id, "unit", w->unit_name, "scope",
				    w->scope, "permissions", perms, "must_change_password",
				    w->must_change_password));
	return 0;
}

static int api_password(struct req *r)
{
	const char *field;
	const char *problem = change_password(r, req_field(r, "current"), req_field(r, "new"),
					      req_field(r, "new"), &field);
	if (problem) {
		resp_error(r, 422, "invalid", T(r, problem), field);
		return 0;
	}
	resp_json(r, 200, json_pack("{s:b}", "ok", 1));
	return 0;
}

const struct route auth_routes[] = {
	{"GET", "/login", login_page, NULL, ROUTE_PUBLIC, "Sign-in page"},
	{"POST", "/login", login_post, NULL, ROUTE_PUBLIC, "Sign in"},
	{"POST", "/logout", logout_post, NULL, ROUTE_ANY_PASSWORD | ROUTE_PREVIEW_OK, "Sign out"},
	{"GET", "/password", password_page, NULL, ROUTE_ANY_PASSWORD, "Change password page"},
	{"POST", "/password", password_post, NULL, ROUTE_ANY_PASSWORD, "Change password"},
	{"POST", "/lang", lang_post, NULL, ROUTE_PUBLIC | ROUTE_PREVIEW_OK, "Switch language"},
	{"GET", "/me", me_page, NULL, 0, "My account"},
	{"POST", "/api/v1/auth/login", api_login, NULL, ROUTE_PUBLIC | ROUTE_API | ROUTE_NO_CSRF,
	 "Sign in; answers a bearer token"},
	{"POST", "/api/v1/auth/logout", api_logout, NULL, ROUTE_API | ROUTE_ANY_PASSWORD,
	 "End the session of this bearer token"},
	{"POST", "/api/v1/auth/password", api_password, NULL, ROUTE_API | ROUTE_ANY_PASSWORD,
	 "Change the caller's password"},
	{"GET", "/api/v1/me", api_me, NULL, ROUTE_API | ROUTE_ANY_PASSWORD,
	 "The caller's identity, permissions and scope"},
	{0},
};
