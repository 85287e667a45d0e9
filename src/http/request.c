/*
 * request.c — reading parameters from a request and building its response.
 */
#include "http/http.h"
#include "base/text.h"

#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *kv_get(struct kv *kv, const char *name)
{
	for (; kv; kv = kv->next)
		if (strcmp(kv->key, name) == 0)
			return kv->val;
	return NULL;
}

const char *req_query(struct req *r, const char *name)
{
	if (r->record_params && !kv_get(r->params_read, name)) {
		struct kv *kv = arena_alloc(&r->arena, sizeof(*kv));
		kv->key = arena_strdup(&r->arena, name);
		kv->val = "";
		kv->next = r->params_read;
		r->params_read = kv;
	}
	return kv_get(r->query, name);
}

void req_bad_param(struct req *r, const char *name)
{
	if (!r->bad_param)
		r->bad_param = arena_strdup(&r->arena, name);
}

static int64_t page_arg(struct req *r, const char *name, int64_t def, int64_t max)
{
	const char *v = req_query(r, name);
	int64_t n;
	if (!v || !*v)
		return def;
	if (text_parse_i64(v, &n)) {
		req_bad_param(r, name);
		return def;
	}
	if (n < 1 || n > max) {
		if (!r->bad_param)
			r->bad_param_range = 1;
		req_bad_param(r, name);
		return def;
	}
	return n;
}

void req_page(struct req *r, int def, int *page, int *per_page)
{
	*page = (int)page_arg(r, "page", 1, HTTP_PAGE_MAX);
	*per_page = (int)page_arg(r, "per_page", def, HTTP_PER_PAGE_MAX);
}

void pager_start(struct req *r, int def, struct pager *pg)
{
	req_page(r, def, &pg->page, &pg->per_page);
	pg->total = 0;
}

int pager_take(struct pager *pg)
{
	int64_t i = pg->total++, from = (int64_t)(pg->page - 1) * pg->per_page;
	return i >= from && i < from + pg->per_page;
}

void pager_reply(struct req *r, const struct pager *pg, json_t *items, json_t *extra)
{
	json_t *body = extra ? extra : json_object();
	json_object_set_new(body, "items", items);
	json_object_set_new(body, "page", json_integer(pg->page));
	json_object_set_new(body, "per_page", json_integer(pg->per_page));
	json_object_set_new(body, "total", json_integer(pg->total));
	resp_json(r, 200, body);
}

int req_query_int(struct req *r, const char *name, int64_t min, int64_t max, int64_t *out)
{
	const char *v = req_query(r, name);
	int64_t n;
	if (!v || !*v)
		return 0;
	if (text_parse_i64(v, &n) || n < min || n > max) {
		req_bad_param(r, name);
		return -1;
	}
	*out = n;
	return 1;
}

int req_query_id(struct req *r, const char *name, int64_t *out)
{
	return req_query_int(r, name, 1, INT64_MAX, out);
}

int req_query_enum(struct req *r, const char *name, const char *const *allowed, const char **out)
{
	const char *v = req_query(r, name);
	if (!v || !*v)
		return 0;
	for (; *allowed; allowed++)
		if (!strcmp(v, *allowed)) {
			*out = *allowed;
			return 1;
		}
	req_bad_param(r, name);
	return -1;
}

int req_query_flag(struct req *r, const char *name, int def)
{
	static const char *const yes[] = {"1", "on", "true", NULL}, *const no[] = {"0", "off", "false", NULL};
	const char *v = req_query(r, name);
	if (!v || !*v)
		return def;
	for (int i = 0; yes[i]; i++)
		if (!strcmp(v, yes[i]))
			return 1;
	for (int i = 0; no[i]; i++)
		if (!strcmp(v, no[i]))
			return 0;
	req_bad_param(r, name);
	return def;
}

const char *req_form(struct req *r, const char *name)
{
	return kv_get(r->form, name);
}

const char *req_param(struct req *r, const char *name)
{
	return kv_get(r->params, name);
}

const char *req_cookie(struct req *r, const char *name)
{
	return kv_get(r->cookies, name);
}

const char *req_header(struct req *r, const char *name)
{
	return r->conn ? MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name) : NULL;
}

const char *req_field(struct req *r, const char *name)
{
	if (r->json && json_is_object(r->json)) {
		json_t *v = json_object_get(r->json, name);
		if (json_is_string(v))
			return json_string_value(v);
		if (json_is_integer(v))
			return arena_printf(&r->arena, "%lld", (long long)json_integer_value(v));
		if (json_is_real(v))
			return arena_printf(&r->arena, "%.10g", json_real_value(v));
		if (json_is_boolean(v))
			return json_is_true(v) ? "1" : "0";
		return NULL;
	}
	return req_form(r, name);
}

int req_param_id(struct req *r, const char *name, int64_t *out)
{
	const char *v = req_param(r, name);
	if (!v)
		v = req_field(r, name);
	if (!v || text_parse_i64(v, out) || *out <= 0)
		return -1;
	return 0;
}

struct upload *req_upload(struct req *r, const char *field)
{
	for (struct upload *u = r->uploads; u; u = u->next)
		if (strcmp(u->field, field) == 0)
			return u;
	return NULL;
}

int req_is_write(struct req *r)
{
	return strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0;
}

void resp_header(struct req *r, const char *name, const char *value)
{
	struct kv *kv = arena_alloc(&r->arena, sizeof(*kv));
	kv->key = arena_strdup(&r->arena, name);
	kv->val = arena_strdup(&r->arena, value);
	kv->next = r->resp_headers;
	r->resp_headers = kv;
}

void resp_cookie(struct req *r, const char *name, const char *value, int max_age, int http_only)
{
	/* SameSite=Lax: sent on top-level navigation (a link from a chat message works) but not
	 * on cross-site POSTs, which with the CSRF token makes forged forms fail twice over. */
	char *c = arena_printf(&r->arena, "%s=%s; Path=/; Max-Age=%d; SameSite=Lax%s%s", name,
			       value, max_age, http_only ? "; HttpOnly" : "",
			       http_secure_cookies() ? "; Secure" : "");
	resp_header(r, "Set-Cookie", c);
}

const char *http_local_path(const char *path, const char *fallback)
{
	if (!path || path[0] != '/' || path[1] == '/' || path[1] == '\\')
		return fallback;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		if (*p < 0x20 || *p == 0x7f)	/* a CR or LF would split the Location header */
			return fallback;
	return path;
}

void resp_redirect(struct req *r, const char *location)
{
	/* only local paths: an open redirect would make phishing links look like ours */
	location = http_local_path(location, "/");
	r->status = 303;
	resp_header(r, "Location", location);
	sb_reset(&r->out);
	r->out_static = NULL;
}

void resp_json(struct req *r, int status, json_t *body)
{
	char *s = json_dumps(body, JSON_COMPACT);
	r->status = status;
	r->resp_type = "application/json; charset=utf-8";
	sb_reset(&r->out);
	r->out_static = NULL;
	sb_adds(&r->out, s ? s : "{}");
	free(s);
	json_decref(body);
}

void resp_text(struct req *r, int status, const char *type, const char *body, size_t len)
{
	r->status = status;
	r->resp_type = type;
	sb_reset(&r->out);
	r->out_static = NULL;
	sb_add(&r->out, body, len);
}

void resp_static(struct req *r, int status, const char *type, const void *body, size_t len)
{
	r->status = status;
	r->resp_type = type;
	sb_reset(&r->out);
	r->out_static = body;
	r->out_static_len = len;
}

void resp_error(struct req *r, int status, const char *code, const char *message, const char *field)
{
	if (r->is_api) {
		json_t *e = json_pack("{s:{s:s, s:s, s:s?}}", "error", "code", code, "message",
				      message ? message : code, "field", field);
		resp_json(r, status, e);
		return;
	}
	r->status = status;
	r->resp_type = "text/html; charset=utf-8";
	sb_reset(&r->out);
	r->out_static = NULL;
	http_gate.error_page(r, status, message ? message : code, field);
}

/* Cookie: a=1; b=2 — names and values are taken as they are (RFC 6265 §4.2.1); a value
 * in double quotes loses them. Malformed pieces are skipped, never fatal. */
struct kv *http_parse_cookies(struct arena *a, const char *h)
{
	struct kv *list = NULL;
	int count = 0;
	while (*h && count < 64) {
		while (*h == ' ' || *h == ';' || *h == '\t')
			h++;
		const char *name = h;
		while (*h && *h != '=' && *h != ';')
			h++;
		if (*h != '=') {
			continue;
		}
		size_t nl = (size_t)(h - name);
		while (nl && (name[nl - 1] == ' ' || name[nl - 1] == '\t'))
			nl--;
		h++;
		while (*h == ' ' || *h == '\t')
			h++;
		const char *val = h;
		while (*h && *h != ';')
			h++;
		size_t vl = (size_t)(h - val);
		while (vl && (val[vl - 1] == ' ' || val[vl - 1] == '\t'))
			vl--;
		if (vl >= 2 && val[0] == '"' && val[vl - 1] == '"') {
			val++;
			vl -= 2;
		}
		if (!nl)
			continue;
		struct kv *kv = arena_alloc(a, sizeof(*kv));
		kv->key = arena_strndup(a, name, nl);
		kv->val = arena_strndup(a, val, vl);
		kv->len = vl;
		kv->next = list;
		list = kv;
		count++;
	}
	return list;
}
