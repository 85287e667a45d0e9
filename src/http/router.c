/*
 * router.c — match method + path against the route tables, then apply the checks every
 * route shares, in this order: login, forced password change, CSRF and origin, read-only preview,
 * permission. Only then is the handler called. Data scope is checked by the handler, which
 * alone knows which record is asked for.
 */
#include "http/http.h"
#include "http/compress.h"
#include "base/clock.h"
#include "base/i18n.h"
#include "base/log.h"
#include "base/text.h"
#include "db/db.h"

#include <string.h>
#include <strings.h>

/* Does `path` match `pattern`? Parameters (":name") bind one non-empty segment each. */
int router_match_path(struct arena *a, const char *pattern, const char *path, struct kv **params)
{
	struct kv *list = NULL;
	const char *p = pattern, *s = path;
	while (*p && *s) {
		if (*p == ':') {
			const char *name = ++p;
			while (*p && *p != '/')
				p++;
			const char *val = s;
			while (*s && *s != '/')
				s++;
			if (s == val)
				return 0;
			struct kv *kv = arena_alloc(a, sizeof(*kv));
			kv->key = arena_strndup(a, name, (size_t)(p - name));
			kv->val = arena_strndup(a, val, (size_t)(s - val));
			kv->len = (size_t)(s - val);
			kv->next = list;
			list = kv;
			continue;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	if (*p || *s)
		return 0;
	*params = list;
	return 1;
}

const struct route *router_match(struct req *r, int *status)
{
	const char *method = strcmp(r->method, "HEAD") == 0 ? "GET" : r->method;
	int path_seen = 0;
	*status = 404;
	for (int t = 0; http_route_table(t); t++) {
		for (const struct route *rt = http_route_table(t); rt->pattern; rt++) {
			struct kv *params = NULL;
			if (!router_match_path(&r->arena, rt->pattern, r->path, &params))
				continue;
			path_seen = 1;
			if (strcmp(rt->method, method) != 0)
				continue;
			r->params = params;
			return rt;
		}
	}
	if (path_seen)
		*status = 405;
	return NULL;
}

/* The methods some route accepts on r->path, for a 405's Allow header (RFC 9110 §10.2.1).
 * A fixed "GET, POST" told clients of POST-only API routes that GET works. */
static int path_takes(struct req *r, struct arena *scratch, const char *method)
{
	for (int t = 0; http_route_table(t); t++)
		for (const struct route *rt = http_route_table(t); rt->pattern; rt++) {
			struct kv *params = NULL;
			if (!strcmp(rt->method, method) &&
			    router_match_path(scratch, rt->pattern, r->path, &params))
				return 1;
		}
	return 0;
}

static const char *allowed_methods(struct req *r)
{
	static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
	struct strbuf sb = STRBUF_INIT;
	struct arena scratch;	/* the parameters bound while matching are not needed */
	arena_init(&scratch);
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		if (!path_takes(r, &scratch, methods[i]))
			continue;
		sb_addf(&sb, "%s%s", sb.len ? ", " : "", methods[i]);
		if (!strcmp(methods[i], "GET"))	/* the router answers HEAD with GET's route */
			sb_adds(&sb, ", HEAD");
	}
	arena_free(&scratch);
	const char *out = arena_strdup(&r->arena, sb.buf);
	sb_release(&sb);
	return out;
}

/* "a, b, c": the query parameters the handler asked for, in the order it asked */
static const char *params_read(struct req *r)
{
	const char *out = "";
	for (struct kv *kv = r->params_read; kv; kv = kv->next)
		out = arena_printf(&r->arena, "%s%s%s", kv->key, *out ? ", " : "", out);
	return out;
}

static int csrf_ok(struct req *r)
{
	const char *sent = req_form(r, "_csrf");
	if (!sent)
		sent = req_header(r, "X-CSRF-Token");
	if (!sent)
		return 0;
	/* pages carry the token masked (compress.h, BREACH); scripts may send it bare */
	if (r->who)
		return csrf_matches(sent, r->who->csrf);
	/* before login: the double-submit cookie set with the form */
	const char *cookie = req_cookie(r, "aq_csrf");
	return cookie && *cookie && csrf_matches(sent, cookie);
}

void router_dispatch(struct req *r)
{
	int status;
	r->is_api = strncmp(r->path, "/api/", 5) == 0;
	if (r->body_error) {
		const char *code = r->body_error == 413 ? "too_large" : "bad_request";
		const char *msg = r->body_error == 413 ? "error.too_large" : "error.bad_request";
		resp_error(r, r->body_error, code, i18n_get(r->lang, msg), r->body_error_field);
		return;
	}
	const struct route *rt = router_match(r, &status);
	if (!rt) {
		resp_error(r, status, status == 404 ? "not_found" : "method_not_allowed",
			   i18n_get(r->lang, status == 404 ? "error.not_found" : "error.method"), NULL);
		if (status == 405)	/* RFC 9110 §15.5.6: Allow lists what this path does take */
			resp_header(r, "Allow", allowed_methods(r));
		return;
	}
	r->route = rt;
	if (rt->flags & ROUTE_API)
		r->is_api = 1;
	/* Test mode: the parameter test asks which query parameters a handler reads, so that
	 * it can send each a malformed value without a hand-kept list that goes stale. */
	r->record_params = clock_test_mode() && req_header(r, "X-Params-Read");
	if (strncmp(rt->pattern, "/static/", 8) == 0) {	/* no database for assets */
		rt->fn(r);
		if (r->record_params)
			resp_header(r, "X-Params-Read", params_read(r));
		return;
	}
	r->db = db_acquire();
	if (!r->db) {
		resp_error(r, 503, "unavailable", i18n_get(r->lang, "error.unavailable"), NULL);
		return;
	}
	if (!req_is_write(r))
		db_request_read_begin(r->db);
	http_gate.identify(r);

	if (!r->who && !(rt->flags & ROUTE_PUBLIC)) {
		if (r->is_api) {
			resp_error(r, 401, "unauthenticated", i18n_get(r->lang, "error.login_required"), NULL);
		} else {
			char *next = arena_printf(&r->arena, "/login?next=%s", r->path);
			resp_redirect(r, req_is_write(r) ? "/login" : next);
		}
		goto done;
	}
	if (r->who && r->who->must_change_password && !(rt->flags & (ROUTE_ANY_PASSWORD | ROUTE_PUBLIC))) {
		if (r->is_api)
			resp_error(r, 403, "password_change_required",
				   i18n_get(r->lang, "auth.must_change"), "password");
		else
			resp_redirect(r, "/password");
		goto done;
	}
	/* CSRF: every state-changing request made with a cookie carries the session's token.
	 * Bearer-token calls are exempt: browsers never attach those on their own. */
	if (req_is_write(r) && !(rt->flags & ROUTE_NO_CSRF) && !(r->who && r->who->bearer) &&
	    !csrf_ok(r)) {
		resp_error(r, 403, "csrf", i18n_get(r->lang, "error.csrf"), "_csrf");
		goto done;
	}
	/* ... and, when the browser says where the request comes from, that is this site */
	if (req_is_write(r) && !(rt->flags & ROUTE_NO_CSRF) && !(r->who && r->who->bearer) &&
	    !http_origin_ok(r)) {
		resp_error(r, 403, "cross_origin", i18n_get(r->lang, "error.cross_origin"), "Origin");
		goto done;
	}
	if (req_is_write(r) && r->who && r->who->preview && !(rt->flags & ROUTE_PREVIEW_OK)) {
		resp_error(r, 403, "preview_read_only", i18n_get(r->lang, "error.preview"), NULL);
		goto done;
	}
	if (rt->perm && !http_gate.allowed(r, rt->perm)) {
		resp_error(r, 403, "forbidden", i18n_get(r->lang, "error.forbidden"), NULL);
		goto done;
	}
	/* The access-matrix test asks "would this caller get past the checks?" for every route
	 * without running handlers (which would change data). Only in test mode. */
	if (clock_test_mode() && req_header(r, "X-Access-Check")) {
		r->status = 204;
		goto done;
	}
	rt->fn(r);
	/* A GET that read a malformed parameter (req_query_id() and kin) answers 400 naming it,
	 * whatever the handler made of the default it fell back to; an error the handler chose
	 * itself (a 422 with the filter form, a 404) stands. Writes validate their own input. */
	if (r->bad_param && !req_is_write(r) && r->status < 400) {
		struct kv *keep = NULL, *next;	/* cookies stay; a download's headers go */
		for (struct kv *h = r->resp_headers; h; h = next) {
			next = h->next;
			if (!strcasecmp(h->key, "Set-Cookie")) {
				h->next = keep;
				keep = h;
			}
		}
		r->resp_headers = keep;
		if (r->bad_param_range)
			resp_error(r, 422, "out_of_range", i18n_get(r->lang, "error.out_of_range"),
				   r->bad_param);
		else
			resp_error(r, 400, "invalid", i18n_get(r->lang, "error.bad_param"), r->bad_param);
	}
	if (r->record_params)
		resp_header(r, "X-Params-Read", params_read(r));
	if (db_in_tx(r->db)) {
		log_error("%s %s left a transaction open; rolled back", r->method, rt->pattern);
		db_rollback(r->db);
	}
done:
	db_release(r->db);
	r->db = NULL;
}
