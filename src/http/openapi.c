/*
 * openapi.c — GET /api/v1/openapi.json: the OpenAPI 3 document of the JSON API, generated
 * at request time from the same route tables the router uses (http_route_table), so that a module
 * which adds an /api/v1 route appears in the document without anyone editing it.
 *
 * For each route under /api/v1: the path with ":name" turned into "{name}" and a path
 * parameter, the route's summary, a tag (the first segment after /api/v1, e.g. "auth"),
 * the security schemes (bearer token or session cookie) unless the route is public,
 * "x-permission" with the permission the router checks, the request and response schemas (a
 * module's own declaration, struct module_schema, first; else what the web layer draws from
 * an entity's field declarations; else a plain object), and the error responses, which all
 * share one schema because resp_error() gives every API error the same shape. A list
 * (ROUTE_PAGED) gets the one pagination's query parameters (req_page: page, per_page with
 * its maximum) and its envelope {items, page, per_page, total, total_capped}; every
 * operation can answer 429 with Retry-After (ratelimit.c). The test routes (/api/v1/test/,
 * compiled only into test builds) are no part of the API and never listed.
 * tests/http/openapi.test.mjs compares the result with `anquan routes --json`.
 */
#include "http/http.h"
#include "base/i18n.h"
#include "base/module.h"

#include <stdio.h>
#include <string.h>

#define API_PREFIX "/api/v1"
#define TEST_PREFIX "/api/v1/test/"

/* "/api/v1/hazards/:id/photos/:n" → "/api/v1/hazards/{id}/photos/{n}", with its
 * parameters. Paths keep the /api/v1 prefix so they read exactly like the URLs. */
static char *openapi_path(struct req *r, const char *pattern, json_t *params)
{
	struct strbuf sb = STRBUF_INIT;
	for (const char *p = pattern; *p;) {
		if (*p != ':') {
			sb_addc(&sb, *p++);
			continue;
		}
		const char *name = ++p;
		while (*p && *p != '/')
			p++;
		size_t n = (size_t)(p - name);
		char *pname = arena_strndup(&r->arena, name, n);
		sb_addf(&sb, "{%s}", pname);
		/* ids are positive integers (req_param_id); anything else is a plain string */
		int is_id = !strcmp(pname, "id") || (n > 3 && !strcmp(pname + n - 3, "_id"));
		json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:{s:s}}", "name", pname,
							"in", "path", "required", 1, "schema", "type",
							is_id ? "integer" : "string"));
	}
	char *s = arena_strdup(&r->arena, sb.buf);
	sb_release(&sb);
	return s;
}

/* The tag: the first segment after /api/v1 ("/api/v1/auth/login" → "auth"). */
static char *openapi_tag(struct req *r, const char *pattern)
{
	const char *s = pattern + strlen(API_PREFIX);
	if (*s == '/')
		s++;
	size_t n = strcspn(s, "/.");	/* "openapi.json" → "openapi" */
	return n ? arena_strndup(&r->arena, s, n) : "api";
}

/* operationId: method and path in lower case, separators as underscores; unique because
 * the router allows one handler per method and pattern. */
static char *openapi_operation_id(struct req *r, const char *method, const char *pattern)
{
	struct strbuf sb = STRBUF_INIT;
	for (const char *m = method; *m; m++)
		sb_addc(&sb, (char)(*m >= 'A' && *m <= 'Z' ? *m - 'A' + 'a' : *m));
	for (const char *p = pattern + strlen(API_PREFIX); *p; p++) {
		char c = *p;
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			sb_addc(&sb, c);
		else if (c >= 'A' && c <= 'Z')
			sb_addc(&sb, (char)(c - 'A' + 'a'));
		else if (c != ':')
			sb_addc(&sb, '_');
	}
	char *s = arena_strdup(&r->arena, sb.buf);
	sb_release(&sb);
	return s;
}

static json_t *error_ref(const char *name)
{
	char ref[96];
	snprintf(ref, sizeof(ref), "#/components/responses/%s", name);
	return json_pack("{s:s}", "$ref", ref);
}

/* The entry a module declared for this route (base/module.h), or NULL. */
static const struct module_schema *declared(const struct route *rt)
{
	for (const struct module *const *m = module_registry(); *m; m++)
		for (const struct module_schema *s = (*m)->schemas; s && s->method; s++)
			if (!strcmp(s->method, rt->method) && !strcmp(s->pattern, rt->pattern))
				return s;
	return NULL;
}

/* Its schema, parsed; NULL when it declared none (or its text is not JSON, which
 * tests/http/openapi.test.mjs would catch). */
static json_t *declared_schema(const struct route *rt, int request)
{
	const struct module_schema *s = declared(rt);
	const char *text = !s ? NULL : request ? s->request : s->response;
	return text && *text ? json_loads(text, 0, NULL) : NULL;
}

static json_t *openapi_operation(struct req *r, const struct route *rt, json_t *params)
{
	int public = (rt->flags & ROUTE_PUBLIC) != 0;
	int write = strcmp(rt->method, "GET") != 0 && strcmp(rt->method, "HEAD") != 0;
	json_t *op = json_object();
	json_object_set_new(op, "operationId",
			    json_string(openapi_operation_id(r, rt->method, rt->pattern)));
	json_object_set_new(op, "summary", json_string(rt->summary ? rt->summary : ""));
	json_object_set_new(op, "tags", json_pack("[s]", openapi_tag(r, rt->pattern)));
	if (rt->flags & ROUTE_PAGED) {
		json_array_append_new(params, json_pack(
			"{s:s, s:s, s:s, s:{s:s, s:i, s:i, s:i}}", "name", "page", "in", "query",
			"description", "Page number, from 1; out of range: 422 naming it", "schema",
			"type", "integer", "minimum", 1, "maximum", HTTP_PAGE_MAX, "default", 1));
		json_array_append_new(params, json_pack(
			"{s:s, s:s, s:s, s:{s:s, s:i, s:i}}", "name", "per_page", "in", "query",
			"description", "Items per page; out of range: 422 naming it", "schema",
			"type", "integer", "minimum", 1, "maximum", HTTP_PER_PAGE_MAX));
	}
	/* a GET's declared "request" is its query: each property one documented parameter */
	json_t *query = write ? NULL : declared_schema(rt, 1);
	const char *qname;
	json_t *qschema;
	json_object_foreach(json_object_get(query, "properties"), qname, qschema) {
		json_t *desc = json_object_get(qschema, "description");
		json_t *p = json_pack("{s:s, s:s, s:O}", "name", qname, "in", "query", "schema", qschema);
		if (desc)
			json_object_set(p, "description", desc);
		size_t i;
		json_t *req_name;
		json_array_foreach(json_object_get(query, "required"), i, req_name)
			if (json_is_string(req_name) && !strcmp(json_string_value(req_name), qname))
				json_object_set_new(p, "required", json_true());
		json_array_append_new(params, p);
	}
	json_decref(query);
	if (json_array_size(params))
		json_object_set(op, "parameters", params);
	if (public)
		json_object_set_new(op, "security", json_array());
	else
		json_object_set_new(op, "security", json_pack("[{s:[]}, {s:[]}]", "bearer", "cookie"));
	if (rt->perm)
		json_object_set_new(op, "x-permission", json_string(rt->perm));
	const struct module_schema *decl = declared(rt);
	/* MODULE_NO_BODY, or a DELETE that declares none: no request body to describe */
	if (write && ((decl && decl->request && !*decl->request) || (rt->flags & ROUTE_NO_BODY) ||
		      (!strcmp(rt->method, "DELETE") && !(decl && decl->request))))
		write = -1;
	json_t *body_schema = NULL;
	if (write > 0 && !(body_schema = declared_schema(rt, 1)))
		body_schema = http_openapi_hook.request(r, rt);
	if (write > 0) {
		/* an upload's schema names its content type ("x-media"), which the document
		 * states as the body's media type rather than inside the schema */
		const char *media = "application/json";
		json_t *x = json_object_get(body_schema, "x-media");
		if (json_is_string(x))
			media = arena_strdup(&r->arena, json_string_value(x));
		json_object_del(body_schema, "x-media");
		json_object_set_new(op, "requestBody", json_pack(
			"{s:b, s:{s:{s:o}}}", "required", body_schema != NULL, "content", media, "schema",
			body_schema ? body_schema : json_pack("{s:s}", "type", "object")));
	}

	json_t *resp = json_object();
	/* a module's own answer schema first, else a record's schema from its declarations
	 * where the web layer knows one; a list (ROUTE_PAGED) is always the one envelope, with
	 * the declared list's items or the record as its items */
	json_t *ok_schema = declared_schema(rt, 0);
	if (rt->flags & ROUTE_PAGED) {
		/* the declared list (its items, and members beside them such as counts) or the
		 * record's schema, within the one envelope */
		json_t *record = ok_schema ? NULL : http_openapi_hook.record(r, rt);
		if (record)
			ok_schema = json_pack("{s:{s:{s:s, s:o}}}", "properties", "items", "type", "array", "items", record);
		ok_schema = ok_schema ? json_pack("{s:[{s:s}, o]}", "allOf", "$ref", "#/components/schemas/Page", ok_schema)
				      : json_pack("{s:s}", "$ref", "#/components/schemas/Page");
	} else if (!ok_schema) {
		json_t *record = http_openapi_hook.record(r, rt);
		ok_schema = record ? record : json_pack("{s:s}", "type", "object");
	}
	/* a POST that creates answers 201 with what a 200 would carry */
	if (!strcmp(rt->method, "POST"))
		json_object_set_new(resp, "201", json_pack("{s:s, s:{s:{s:O}}}", "description",
							   "Created", "content", "application/json",
							   "schema", ok_schema));
	json_object_set_new(resp, "200", json_pack("{s:s, s:{s:{s:o}}}", "description", "OK",
						   "content", "application/json", "schema", ok_schema));
	json_object_set_new(resp, "400", error_ref("BadRequest"));
	/* public routes too: a sign-in with a wrong password is a 401 */
	json_object_set_new(resp, "401", error_ref("Unauthorized"));
	if (!public)
		json_object_set_new(resp, "403", error_ref("Forbidden"));
	json_object_set_new(resp, "404", error_ref("NotFound"));
	if (write) {
		json_object_set_new(resp, "409", error_ref("Conflict"));
		json_object_set_new(resp, "413", error_ref("TooLarge"));
		json_object_set_new(resp, "415", error_ref("UnsupportedMediaType"));
	}
	/* a field of a body, or a query parameter out of range (req_page, a month, a date) */
	json_object_set_new(resp, "422", error_ref("Invalid"));
	json_object_set_new(resp, "429", error_ref("TooManyRequests"));
	json_object_set_new(resp, "503", error_ref("Unavailable"));
	json_object_set_new(op, "responses", resp);
	return op;
}

/* One error response: the shared schema and a description. */
static json_t *error_response(const char *description)
{
	return json_pack("{s:s, s:{s:{s:{s:s}}}}", "description", description, "content",
			 "application/json", "schema", "$ref", "#/components/schemas/Error");
}

static json_t *openapi_components(void)
{
	json_t *error = json_pack(
		"{s:s, s:[s], s:{s:{s:s, s:[s, s], s:{s:{s:s}, s:{s:s}, s:{s:s, s:b}}}}}",
		"type", "object", "required", "error", "properties", "error", "type", "object",
		"required", "code", "message", "properties", "code", "type", "string", "message",
		"type", "string", "field", "type", "string", "nullable", 1);
	json_t *responses = json_object();
	json_object_set_new(responses, "BadRequest",
			    error_response("Malformed request or invalid field (error.field names it)"));
	json_object_set_new(responses, "Unauthorized", error_response("Not signed in, or a sign-in refused"));
	json_object_set_new(responses, "Forbidden",
			    error_response("Missing permission, CSRF token, or a password change is due"));
	json_object_set_new(responses, "NotFound", error_response("No such record"));
	json_object_set_new(responses, "TooLarge", error_response("Body or field over the limit"));
	json_object_set_new(responses, "Conflict",
			    error_response("The record changed meanwhile, or the action no longer applies"));
	json_object_set_new(responses, "UnsupportedMediaType",
			    error_response("The body is not JSON (or multipart where a file is sent)"));
	json_object_set_new(responses, "Invalid", error_response("A field failed validation"));
	json_object_set_new(responses, "Unavailable", error_response("Busy; retry later"));
	json_t *too_many = error_response("Over the per-address or per-token request rate");
	json_object_set_new(too_many, "headers", json_pack(
		"{s:{s:s, s:b, s:{s:s, s:i}}}", "Retry-After", "description",
		"Seconds until a request is allowed again", "required", 1, "schema", "type",
		"integer", "minimum", 1));
	json_object_set_new(responses, "TooManyRequests", too_many);
	/* the one list envelope (req_page); total_capped where counting stops early */
	json_t *page = json_pack(
		"{s:s, s:[s, s, s, s], s:{s:{s:s, s:{s:s}}, s:{s:s, s:i}, s:{s:s, s:i, s:i},"
		" s:{s:s, s:i, s:b, s:s}, s:{s:s, s:s}}}",
		"type", "object", "required", "items", "page", "per_page", "total", "properties",
		"items", "type", "array", "items", "type", "object",
		"page", "type", "integer", "minimum", 1,
		"per_page", "type", "integer", "minimum", 1, "maximum", HTTP_PER_PAGE_MAX,
		"total", "type", "integer", "minimum", 0, "nullable", 1, "description",
		"the matches; null where a list does not count them (a large unfiltered hazard list)",
		"total_capped", "type", "boolean", "description",
		"true when counting stopped at total: there are more");
	json_t *schemes = json_pack(
		"{s:{s:s, s:s}, s:{s:s, s:s, s:s}}", "bearer", "type", "http", "scheme", "bearer",
		"cookie", "type", "apiKey", "in", "cookie", "name", "aq_session");
	return json_pack("{s:{s:o, s:o}, s:o, s:o}", "schemas", "Error", error, "Page", page,
			 "responses", responses, "securitySchemes", schemes);
}

static int openapi_doc(struct req *r)
{
	json_t *paths = json_object();
	json_t *tags = json_object();	/* seen tags, in order of appearance */
	for (int t = 0; http_route_table(t); t++) {
		for (const struct route *rt = http_route_table(t); rt->pattern; rt++) {
			if (strncmp(rt->pattern, API_PREFIX "/", strlen(API_PREFIX) + 1) != 0 ||
			    !strncmp(rt->pattern, TEST_PREFIX, strlen(TEST_PREFIX)))
				continue;
			json_t *params = json_array();
			const char *path = openapi_path(r, rt->pattern, params);
			json_t *item = json_object_get(paths, path);
			if (!item) {
				item = json_object();
				json_object_set_new(paths, path, item);
			}
			struct strbuf m = STRBUF_INIT;
			for (const char *c = rt->method; *c; c++)
				sb_addc(&m, (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c));
			json_object_set_new(item, m.buf, openapi_operation(r, rt, params));
			sb_release(&m);
			json_decref(params);
			json_object_set_new(tags, openapi_tag(r, rt->pattern), json_true());
		}
	}
	json_t *taglist = json_array();
	const char *tag;
	json_t *unused;
	json_object_foreach(tags, tag, unused)
		json_array_append_new(taglist, json_pack("{s:s, s:s}", "name", tag, "description",
							 arena_printf(&r->arena, "%s %s/%s",
								      T(r, "openapi.tag"), API_PREFIX, tag)));
	json_decref(tags);
	json_t *doc = json_pack("{s:s, s:{s:s, s:s, s:s, s:{s:s}}, s:[{s:s}], s:o, s:o, s:o}",
				"openapi", "3.0.3", "info", "title", T(r, "openapi.title"),
				"description", T(r, "openapi.description"), "version", "1",
				"license", "name", "Proprietary",
				"servers", "url", "/", "tags", taglist, "paths", paths,
				"components", openapi_components());
	resp_json(r, 200, doc);
	return 0;
}

const struct route openapi_routes[] = {
	{"GET", "/api/v1/openapi.json", openapi_doc, NULL, ROUTE_PUBLIC | ROUTE_API,
	 "This OpenAPI 3 document, generated from the route tables"},
	{0},
};

const struct module openapi_module = {.name = "openapi", .routes = openapi_routes};
