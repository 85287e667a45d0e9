/*
 * http.h — what a handler sees: the parsed request, the response it builds, and the route
 * table that maps method + path pattern to handlers with their required permission.
 *
 * One `struct req` exists per request and is owned by the server glue (server.c). Everything
 * parsed from the request lives in its arena, so handlers allocate freely and free nothing.
 * A handler writes its body into r->out and sets r->status (or calls one of the resp_ helpers)
 * and returns 0. The router has already checked login, permission and CSRF by then; data
 * scope ("may this user see *this* record?") is the handler's job, with auth_scope_*().
 */
#ifndef ANQUAN_HTTP_H
#define ANQUAN_HTTP_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/strbuf.h"

struct db;
struct MHD_Connection;

/* Limits on what a client may send. Chosen for phone photos (a 12-megapixel JPEG is 3–6 MB)
 * and for forms with long descriptions; anything larger is refused with 413. */
#define HTTP_MAX_BODY (16u << 20)	/* whole request body */
#define HTTP_MAX_FILE (12u << 20)	/* one uploaded file */
#define HTTP_MAX_FIELD (64u << 10)	/* one text field */
#define HTTP_MAX_FIELDS 500		/* fields in one form */
#define HTTP_MAX_FILES 10		/* files in one form */
#define HTTP_MAX_JSON (1u << 20)	/* a JSON body */
/* One query-string value. Our own links and filter forms send ids, dates, codes and a search
 * of a few dozen characters; 2 KiB leaves room for a long `next` path and refuses the rest
 * with 400 before a handler (or a LIKE over a million rows) sees it. */
#define HTTP_MAX_QUERY_VALUE 2048u
/* libmicrohttpd's memory per connection (head, parsed headers, response headers): at most
 * 32 KiB, the largest pool it takes from malloc rather than a fresh mapping (server.c) */
#define HTTP_CONNECTION_MEMORY (32u << 10)
#define HTTP_THREAD_STACK (1u << 20)	/* of each connection's thread (server.c) */

struct kv {
	const char *key;
	const char *val;
	size_t len;
	struct kv *next;
};

struct upload {
	const char *field;
	const char *filename;
	const char *content_type;
	struct strbuf data;	/* freed with the request */
	struct upload *next;
};

/* Who is asking, resolved from the session cookie or bearer token. */
struct identity {
	int64_t user_id;
	const char *username;
	const char *name;
	int64_t unit_id;
	const char *unit_name;
	const char *unit_path;		/* "/1/4/9/" */
	const char *perms;		/* " a.b c.d " — padded so " x.y " can be searched */
	const char *scope;		/* own | unit | subtree | company */
	const char *scope_pattern;	/* LIKE pattern on units.path the scope allows */
	const char *role_names;		/* for display */
	int64_t session_id;		/* the sessions row (cookie or bearer login) */
	int bearer;			/* came as Authorization: Bearer — CSRF-exempt */
	const char *csrf;
	int must_change_password;
	int preview;			/* role preview: read-only, as another role and unit */
	int64_t token_id;		/* an API token (api_tokens row), else 0 */
};

struct req {
	struct arena arena;
	struct MHD_Connection *conn;
	const char *method;
	const char *path;
	const char *client_ip;
	const char *content_type;
	const char *lang;		/* "zh" or "en" */
	struct kv *query;
	struct kv *form;
	struct kv *cookies;
	struct kv *params;		/* from the route pattern */
	struct upload *uploads;
	json_t *json;			/* parsed JSON body, or NULL */
	struct strbuf body;		/* raw body when JSON or other */
	struct identity *who;		/* NULL when not logged in */
	struct db *db;
	const struct route *route;
	int is_api;
	int64_t started_ms;
	double started;			/* metrics_now() at the first byte, for latencies */
	char request_id[33];		/* X-Request-Id: the proxy's when well-formed, else ours */
	const char *bad_param;		/* the first query parameter read malformed (req_query_*) */
	int bad_param_range;		/* ... and it was a number out of range: 422, not 400 */
	int record_params;		/* test mode: name the query parameters read (X-Params-Read) */
	struct kv *params_read;

	/* the response */
	int status;
	const char *resp_type;
	struct strbuf out;
	struct kv *resp_headers;
	const char *file_path;		/* serve this file instead of out (not used yet) */
	const void *out_static;		/* or this body, which outlives the request (an embedded
					 * file): sent as it is, without a copy (resp_static) */
	size_t out_static_len;

	/* parsing state, private to server.c */
	void *pp;
	int body_error;			/* an HTTP status to answer instead of routing */
	const char *body_error_field;
	size_t body_seen;
	int nfields, nfiles;
	int done;
	int close;			/* answer with Connection: close (the rest is not read) */
};

typedef int (*http_handler)(struct req *r);

enum {
	ROUTE_PUBLIC = 1 << 0,		/* no login needed */
	ROUTE_API = 1 << 1,		/* JSON errors, bearer tokens accepted */
	ROUTE_NO_CSRF = 1 << 2,		/* state-changing but CSRF-exempt (JSON login) */
	ROUTE_PREVIEW_OK = 1 << 3,	/* allowed while previewing a role (leave preview) */
	ROUTE_ANY_PASSWORD = 1 << 4,	/* allowed before a forced password change */
	ROUTE_PAGED = 1 << 5,		/* a list paginated with req_page() (OpenAPI: its parameters) */
	ROUTE_NO_BODY = 1 << 6,		/* a write that reads no body (OpenAPI: no requestBody) */
};

struct route {
	const char *method;
	const char *pattern;		/* "/hazards/:id/photos/:n" */
	http_handler fn;
	const char *perm;		/* NULL: any logged-in user (or anyone with ROUTE_PUBLIC) */
	unsigned flags;
	const char *summary;		/* one line, for the OpenAPI document and `anquan routes` */
};

/* What the router and resp_error need from the layers above http: who is asking (from the
 * session cookie or bearer token), may they hold a permission, and the HTML error page. http
 * is below auth and web, so it cannot call them by name; it calls through this one table,
 * defined in web/gate.c, as it reaches the modules' handlers through http_route_table(). */
struct http_gate {
	void (*identify)(struct req *r);		/* sets r->who (or leaves it NULL) and r->lang */
	int (*allowed)(struct req *r, const char *perm);
	void (*error_page)(struct req *r, int status, const char *message, const char *field);
};
extern const struct http_gate http_gate;

/* What the OpenAPI document says of a route's bodies beyond the generic object: filled by
 * the web layer (web/entity_schema.c) from the same field declarations the form and entity
 * layers read, so that the document cannot drift from what the handlers accept. Each
 * returns a new JSON Schema, or NULL for a route it knows nothing of. */
struct http_openapi_hook {
	json_t *(*request)(struct req *r, const struct route *rt);	/* its JSON body */
	json_t *(*record)(struct req *r, const struct route *rt);	/* the record it answers
									 * (a list: each item) */
};
extern const struct http_openapi_hook http_openapi_hook;

/* Route tables: each module defines one, ending with a {0} entry, and names it in its
 * descriptor (base/module.h). The i-th module's table (an empty one when it has no routes),
 * NULL past the last module (routes.c). */
const struct route *http_route_table(int i);
/* GET /api/v1/openapi.json (openapi.c) */
extern const struct route openapi_routes[];
struct module;
extern const struct module openapi_module;

/* --- request access --- */
const char *req_query(struct req *r, const char *name);
const char *req_form(struct req *r, const char *name);
const char *req_param(struct req *r, const char *name);
const char *req_cookie(struct req *r, const char *name);
const char *req_header(struct req *r, const char *name);
/* A form field or, for JSON bodies, a top-level string/number member, as text. */
const char *req_field(struct req *r, const char *name);
int req_param_id(struct req *r, const char *name, int64_t *out);	/* 0 ok */
/* Typed query parameters. Absent or empty (what a GET form sends for an unset filter): 0 and
 * *out untouched. Well-formed: 1 and *out set. Malformed: -1, *out untouched, and the name is
 * kept in r->bad_param; a GET whose handler read a malformed parameter answers 400 naming it
 * (router.c) whatever the handler then wrote, so a bad number is never silently ignored. */
int req_query_id(struct req *r, const char *name, int64_t *out);	/* 1 .. INT64_MAX */
int req_query_int(struct req *r, const char *name, int64_t min, int64_t max, int64_t *out);
/* one of `allowed` (NULL-terminated); *out points into `allowed` */
int req_query_enum(struct req *r, const char *name, const char *const *allowed, const char **out);
/* A yes/no switch: "1" (also "on", "true") or "0" ("off", "false"). Absent or empty: def; a
 * malformed value is recorded as above and counts as def. */
int req_query_flag(struct req *r, const char *name, int def);
/* A handler's own parser found `name` malformed (a date, a month): recorded as above. */
void req_bad_param(struct req *r, const char *name);

/* One pagination for every list (the API's and the pages'): ?page= (1 to HTTP_PAGE_MAX,
 * default 1) and ?per_page= (1 to HTTP_PER_PAGE_MAX, default def). Not a number: 400 naming
 * it; a number out of range: 422 naming it (never silently the default or the maximum). A
 * list answers {items, page, per_page, total} and, where counting stops early,
 * total_capped. Routes that do carry ROUTE_PAGED, so that the OpenAPI document says so. */
#define HTTP_PAGE_MAX 1000000
#define HTTP_PER_PAGE_MAX 500
void req_page(struct req *r, int def, int *page, int *per_page);
/* A list cut into that page as its rows are read, for lists whose filter runs in C or whose
 * rows cost more to write than to count: pager_take() is true for the matching rows on the
 * page (call it once per matching row), and pager_reply() answers {items, page, per_page,
 * total} plus the caller's extra members (e.g. equipment's counts), stealing both. */
struct pager {
	int page, per_page;
	int64_t total;		/* matching rows seen so far */
};
void pager_start(struct req *r, int def, struct pager *pg);
int pager_take(struct pager *pg);
void pager_reply(struct req *r, const struct pager *pg, json_t *items, json_t *extra);
struct upload *req_upload(struct req *r, const char *field);
int req_is_write(struct req *r);
/* Origin, else Referer, names this site (Host), or neither is sent (origin.c). */
int http_origin_ok(struct req *r);

/* --- responses --- */
void resp_header(struct req *r, const char *name, const char *value);
void resp_cookie(struct req *r, const char *name, const char *value, int max_age, int http_only);
/* `path` when it is a path on this site, else `fallback`: it starts with one '/', not "//"
 * or "/\\" (which browsers read as another host), and carries no control character. The one
 * check behind every link or redirect whose target comes from outside (where to go after
 * sign-in, a notification's link, resp_redirect). */
const char *http_local_path(const char *path, const char *fallback);
void resp_redirect(struct req *r, const char *location);	/* 303 See Other; local paths only */
void resp_json(struct req *r, int status, json_t *body);	/* steals body */
void resp_text(struct req *r, int status, const char *type, const char *body, size_t len);
/* BODY lives as long as the process (an embedded file): sent without copying it, and not
 * compressed here (static.c picks a precompressed variant itself) */
void resp_static(struct req *r, int status, const char *type, const void *body, size_t len);
/* The one error shape {"error":{"code","message","field"}} for the API, a page otherwise. */
void resp_error(struct req *r, int status, const char *code, const char *message, const char *field);

/* --- the router --- */
const struct route *router_match(struct req *r, int *status);	/* status 404 or 405 on miss */
/* Does path match pattern ("/hazards/:id")? 1 and *params bound (in the arena), else 0.
 * Exposed for the unit tests; router_match() is its only other caller. */
int router_match_path(struct arena *a, const char *pattern, const char *path, struct kv **params);
void router_dispatch(struct req *r);

/* --- the server --- */
struct http_config {
	const char *listen;		/* "127.0.0.1:8080" */
	int threads;
	int max_connections;
	int idle_timeout_s;
	int secure_cookies;
	int head_timeout_s;		/* the request head must arrive within this (guard.c) */
	int max_per_address;		/* connections from one address at once (guard.c) */
	const char *metrics_listen;	/* "" or HOST:PORT: /metrics on its own address */
	const char *metrics_token;	/* "" or a bearer token: /metrics on the main address */
	int rate_per_address;		/* requests per minute from one address, 0: no limit */
	int rate_per_token;		/* requests per minute with one bearer token, 0: no limit */
};
int http_start(const struct http_config *cfg);	/* 0, or -1 with the reason logged */
void http_wait_for_signal(void);		/* blocks until SIGTERM or SIGINT */
void http_stop(void);	/* stop accepting, finish requests in flight (up to 15 s), stop */
int http_secure_cookies(void);

/* /metrics (metrics_http.c): on the main address when a token is configured (1: answered),
 * on an address of its own when metrics_listen is set */
int http_metrics_answer(struct req *r);
int http_metrics_start(const struct http_config *cfg);
void http_metrics_stop(void);
int http_open_connections(void);

/* 429 with Retry-After past the per-address or per-token rate (ratelimit.c): 1 answered */
int http_ratelimit(struct req *r);
void http_ratelimit_config(int address_per_minute, int token_per_minute);

/* the cookie header parser, exposed for unit tests and fuzzing */
struct kv *http_parse_cookies(struct arena *a, const char *header);

#endif
