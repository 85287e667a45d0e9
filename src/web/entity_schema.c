/*
 * entity_schema.c — fills http's OpenAPI hook (http.h, struct http_openapi_hook): for the
 * routes of a record served by the entity layer (entity.h: .api_path, listed in its
 * module's .entities), the request schema of a create or a change and the schema of the
 * record answered, both drawn from the record's field declarations (form.h) — the very
 * declarations form_read() checks a body against. Other routes keep the generic object.
 */
#include "http/http.h"
#include "base/module.h"
#include "web/entity.h"

#include <string.h>

enum use { NONE, LIST, GET, CREATE, UPDATE, DEACTIVATE };

/* The entity whose API route rt is, and how it uses it. */
static const struct entity *entity_of(const struct route *rt, enum use *use)
{
	for (const struct module *const *m = module_registry(); *m; m++)
		for (const struct entity *const *e = (*m)->entities; e && *e; e++) {
			const char *base = (*e)->api_path;
			size_t n = base ? strlen(base) : 0;
			if (!n || strncmp(rt->pattern, base, n) != 0)
				continue;
			const char *rest = rt->pattern + n;
			int post = !strcmp(rt->method, "POST"), get = !strcmp(rt->method, "GET");
			*use = !*rest ? (get ? LIST : post ? CREATE : NONE)
			     : !strcmp(rest, "/:id") ? (get ? GET : !strcmp(rt->method, "PATCH") ? UPDATE : NONE)
			     : !strcmp(rest, "/:id/deactivate") && post ? DEACTIVATE : NONE;
			if (*use != NONE)
				return *e;
		}
	*use = NONE;
	return NULL;
}

/* One field as JSON Schema. strict: a request (limits and allowed values); else a value in
 * a record as answered, which may be null when the field is optional. */
static json_t *field_schema(const struct form_field *f, int strict)
{
	json_t *s = json_object();
	switch (f->kind) {
	case FORM_NUMBER:
		json_object_set_new(s, "type", json_string(f->decimals || !strict ? "number" : "integer"));
		if (strict) {
			json_object_set_new(s, "minimum", json_real(f->lo));
			json_object_set_new(s, "maximum", json_real(f->hi));
		}
		break;
	case FORM_ID:
		json_object_set_new(s, "type", json_string("integer"));
		if (strict)
			json_object_set_new(s, "minimum", json_integer(0));
		break;
	case FORM_LIST: {
		json_t *items = json_pack("{s:s}", "type", "string");
		if (strict && f->choices) {
			json_t *e = json_array();
			for (const char *const *c = f->choices; *c; c++)
				json_array_append_new(e, json_string(*c));
			json_object_set_new(items, "enum", e);
		}
		json_object_set_new(s, "type", json_string("array"));
		json_object_set_new(s, "items", items);
		if (strict && f->max)
			json_object_set_new(s, "maxItems", json_integer((json_int_t)f->max));
		break;
	}
	case FORM_DAY:
		json_object_set_new(s, "type", json_string("string"));
		if (strict)
			json_object_set_new(s, "pattern", json_string("^[0-9]{4}-[0-9]{2}-[0-9]{2}$"));
		break;
	case FORM_CHOICE:
		json_object_set_new(s, "type", json_string("string"));
		if (strict && f->choices) {
			json_t *e = json_array();
			for (const char *const *c = f->choices; *c; c++)
				json_array_append_new(e, json_string(*c));
			json_object_set_new(s, "enum", e);
		}
		break;
	default:	/* FORM_TEXT */
		json_object_set_new(s, "type", json_string("string"));
		if (strict && f->max)
			json_object_set_new(s, "maxLength", json_integer((json_int_t)f->max));
		break;
	}
	if (!strict && !(f->flags & FORM_REQUIRED))
		json_object_set_new(s, "nullable", json_true());
	return s;
}

static json_t *request(struct req *r, const struct route *rt)
{
	(void)r;
	enum use use;
	const struct entity *e = entity_of(rt, &use);
	if (!e || (use != CREATE && use != UPDATE))
		return NULL;
	json_t *props = json_object(), *required = json_array();
	for (const struct form_field *f = e->fields; f && f->name; f++) {
		if (use == UPDATE && (f->flags & FORM_CREATE_ONLY))
			continue;
		json_object_set_new(props, f->name, field_schema(f, 1));
		/* a change carries only what it changes (entity.h: PATCH keeps the rest) */
		if (use == CREATE && (f->flags & FORM_REQUIRED))
			json_array_append_new(required, json_string(f->name));
	}
	json_t *s = json_pack("{s:s, s:o}", "type", "object", "properties", props);
	if (json_array_size(required))
		json_object_set_new(s, "required", required);
	else
		json_decref(required);
	return s;
}

static json_t *record(struct req *r, const struct route *rt)
{
	(void)r;
	enum use use;
	const struct entity *e = entity_of(rt, &use);
	if (!e)
		return NULL;
	json_t *props = json_pack("{s:{s:s, s:i}}", "id", "type", "integer", "minimum", 1);
	for (const struct form_field *f = e->fields; f && f->name; f++)
		json_object_set_new(props, f->name, field_schema(f, 0));
	return json_pack("{s:s, s:[s], s:o}", "type", "object", "required", "id", "properties",
			 props);
}

const struct http_openapi_hook http_openapi_hook = {
	.request = request,
	.record = record,
};
