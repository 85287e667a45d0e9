/*
 * server.c — libmicrohttpd glue: accept a request, stream and bound its body, hand it to
 * the router, send the response with the security headers, and log one JSON line.
 *
 * libmicrohttpd calls on_request() several times per request: once with the headers, once
 * per chunk of body, and once more with no data when the body is complete. Forms
 * (url-encoded and multipart) are decoded as they stream by MHD's post processor; JSON and
 * other bodies are collected up to a limit. Errors found while reading the body are
 * remembered and answered in the final call, as MHD only lets us answer then.
 *
 * Debian 12 ships libmicrohttpd 0.9.75, which accepts some request-smuggling shapes fixed in
 * 1.0.4 (e.g. two Content-Length headers). Those are refused here; in production put nginx in
 * front for TLS as docs/operations.md describes.
 *
 * MHD has no listening socket of its own: guard.c accepts each connection, waits (bounded)
 * for its whole request head, checks it, and only then hands it to MHD, which gives each
 * connection a thread of its own. A connection is kept alive for further requests, whose
 * heads MHD reads without the guard: recheck_head() checks MHD's parse of every head again
 * (as head_check.c checks the bytes of the first), and a connection idle between requests
 * is closed after KEEPALIVE_IDLE_S.
 */
#include "http/http.h"
#include "http/compress.h"
#include "http/guard.h"
#include "http/static.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/metrics.h"
#include "base/text.h"

#include <arpa/inet.h>
#include <malloc.h>
#include <microhttpd.h>
#include <sodium.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* a head guard.c lets through must leave MHD room for its parsed headers and ours */
_Static_assert(HEAD_MAX <= HTTP_CONNECTION_MEMORY / 2, "HEAD_MAX too close to MHD's connection memory");

static struct MHD_Daemon *daemon_h;
static unsigned idle_timeout_s = 30;	/* http.idle_timeout: within a request */

/* A kept-alive connection with no request under way is closed after this many seconds, so
 * that idle browsers (six connections each) do not hold http.max_per_address slots of an
 * address many people share behind one NAT; within a request http.idle_timeout applies. */
#define KEEPALIVE_IDLE_S 5
static atomic_int inflight;
static int secure_cookies;

int http_secure_cookies(void)
{
	return secure_cookies;
}

int http_open_connections(void)
{
	return atomic_load(&inflight);
}

/* The id that ties a response to its access-log line (and to nginx's, which may send its
 * own $request_id): kept when it is 1 to 32 of [A-Za-z0-9._-], else 16 random bytes in hex. */
static void request_id(struct req *r, struct MHD_Connection *conn)
{
	const char *in = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Request-Id");
	size_t n = in ? strlen(in) : 0;
	if (n && n < sizeof(r->request_id) && strspn(in, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n) {
		memcpy(r->request_id, in, n + 1);
		return;
	}
	/* an id is unique, not secret (the response carries it): each thread draws random
	 * bytes for 32 ids at a time, a getrandom() call per 32 requests instead of one each */
	static _Thread_local unsigned char pool[16 * 32];
	static _Thread_local size_t used = sizeof(pool);
	if (used == sizeof(pool)) {
		randombytes_buf(pool, sizeof(pool));
		used = 0;
	}
	sodium_bin2hex(r->request_id, sizeof(r->request_id), pool + used, 16);
	used += 16;
}

/* Content-Security-Policy without 'unsafe-inline': pages carry no inline script or style. */
static const char *const security_headers[][2] = {
	{"Content-Security-Policy",
	 "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
	 "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"},
	{"X-Content-Type-Options", "nosniff"},
	{"X-Frame-Options", "DENY"},
	{"Referrer-Policy", "same-origin"},
	{"Permissions-Policy", "geolocation=(self), camera=(self), microphone=(self)"},
	{"Cross-Origin-Opener-Policy", "same-origin"},
};

struct header_count {
	int content_length;
	int transfer_encoding;
};

static enum MHD_Result count_headers(void *cls, enum MHD_ValueKind kind, const char *key,
				     const char *value)
{
	struct header_count *hc = cls;
	(void)kind;
	(void)value;
	if (strcasecmp(key, "Content-Length") == 0)
		hc->content_length++;
	else if (strcasecmp(key, "Transfer-Encoding") == 0)
		hc->transfer_encoding++;
	return MHD_YES;
}

/* Every query value is checked once here, before any handler: valid UTF-8 without control
 * characters, no NUL (MHD decodes "%00" into the value, and C strings would end there, so
 * "1%00abc" read as "1"), at most HTTP_MAX_QUERY_VALUE bytes. Anything else is a 400 naming
 * the parameter. */
static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key,
				     size_t key_size, const char *value, size_t value_size)
{
	struct req *r = cls;
	(void)kind;
	if (!key)
		return MHD_YES;
	struct kv *kv = arena_alloc(&r->arena, sizeof(*kv));
	kv->key = arena_strndup(&r->arena, key, key_size);
	kv->val = arena_strndup(&r->arena, value ? value : "", value ? value_size : 0);
	kv->len = strlen(kv->val);
	if (!r->body_error &&
	    (strlen(kv->key) != key_size || (value && kv->len != value_size) ||
	     kv->len > HTTP_MAX_QUERY_VALUE || !utf8_valid(kv->key, strlen(kv->key)) ||
	     !utf8_valid(kv->val, kv->len))) {
		r->body_error = 400;
		r->body_error_field = kv->key;
	}
	kv->next = r->query;
	r->query = kv;
	return MHD_YES;
}

/* MHD's percent-decoding of the path and of each query argument, but for "%00": a NUL cannot
 * travel in the C strings MHD hands over, so "/users/1%00x" reached the router as
 * "/users/1" and acted on user 1. It becomes 0xC0 instead, a byte never valid in UTF-8, so the
 * UTF-8 checks on the path (req_new) and on every query value (collect_query) refuse it. */
static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	(void)cls;
	(void)conn;
	char *w = s;
	for (const char *p = s; *p; p++) {
		int hi, lo;
		if (*p == '%' && (hi = hexval(p[1])) >= 0 && (lo = hexval(p[2])) >= 0) {
			int v = hi << 4 | lo;
			*w++ = (char)(v ? v : 0xc0);
			p += 2;
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
	return (size_t)(w - s);
}

static void set_body_error(struct req *r, int status, const char *field)
{
	if (!r->body_error) {
		r->body_error = status;
		r->body_error_field = field ? arena_strdup(&r->arena, field) : NULL;
	}
}

/* MHD's post processor calls this for each piece of each form field or file. A new part
 * starts at offset 0; later pieces of the same part follow with growing offsets. */
static enum MHD_Result post_iter(void *cls, enum MHD_ValueKind kind, const char *key,
				 const char *filename, const char *content_type,
				 const char *transfer_encoding, const char *data, uint64_t off,
				 size_t size)
{
	struct req *r = cls;
	(void)kind;
	(void)transfer_encoding;
	if (r->body_error || !key)
		return MHD_YES;
	struct upload *u = r->uploads;
	/* MHD may announce a part with an empty piece at offset 0 and then deliver its data,
	 * again at offset 0, when the body arrives in several reads: an empty part of the same
	 * name continues, it does not start another (else the field is seen twice, once empty) */
	int continues = u && strcmp(u->field, key) == 0 && (off > 0 || u->data.len == 0) &&
			(u->filename != NULL) == (filename != NULL);
	if (!continues) {
		/* a file input left empty comes as a part with filename "" and no data: it counts
		 * (and is bounded) as a field, so a form with a photo input per item and a voice
		 * note (a ten-item check) still fits HTTP_MAX_FILES chosen files */
		int is_file = filename != NULL && *filename;
		if (is_file ? ++r->nfiles > HTTP_MAX_FILES : ++r->nfields > HTTP_MAX_FIELDS) {
			set_body_error(r, 413, key);
			return MHD_YES;
		}
		u = arena_alloc(&r->arena, sizeof(*u));
		u->field = arena_strdup(&r->arena, key);
		u->filename = filename ? arena_strdup(&r->arena, filename) : NULL;
		u->content_type = content_type ? arena_strdup(&r->arena, content_type) : NULL;
		sb_init(&u->data, 0);
		u->next = r->uploads;
		r->uploads = u;
	}
	size_t limit = u->filename && *u->filename ? HTTP_MAX_FILE : HTTP_MAX_FIELD;
	if (u->data.len + size > limit) {
		set_body_error(r, 413, key);
		return MHD_YES;
	}
	sb_add(&u->data, data, size);
	return MHD_YES;
}

/* After the body: text parts become r->form (validated UTF-8), files stay in r->uploads. */
static void finish_form(struct req *r)
{
	struct upload *files = NULL, *u, *next;
	for (u = r->uploads; u; u = next) {
		next = u->next;
		if (u->filename) {
			if (!*u->filename && !u->data.len) {	/* an empty file input */
				sb_release(&u->data);
				continue;
			}
			u->next = files;
			files = u;
			continue;
		}
		if (!utf8_valid(u->data.buf, u->data.len) || strlen(u->data.buf) != u->data.len ||
		    !utf8_valid(u->field, strlen(u->field)))
			set_body_error(r, 400, u->field);
		struct kv *kv = arena_alloc(&r->arena, sizeof(*kv));
		kv->key = u->field;
		kv->val = arena_strndup(&r->arena, u->data.buf, u->data.len);
		kv->len = u->data.len;
		kv->next = r->form;
		r->form = kv;
		sb_release(&u->data);
	}
	r->uploads = files;
}

static const char *client_ip(struct req *r, struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char buf[INET6_ADDRSTRLEN] = "";
	if (ci && ci->client_addr) {
		if (ci->client_addr->sa_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)ci->client_addr)->sin_addr, buf,
				  sizeof(buf));
		else if (ci->client_addr->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)ci->client_addr)->sin6_addr,
				  buf, sizeof(buf));
	}
	return arena_strdup(&r->arena, buf);
}

static struct req *req_new(struct MHD_Connection *conn, const char *url, const char *method)
{
	struct req *r = xcalloc(1, sizeof(*r));
	arena_init(&r->arena);
	sb_init(&r->body, 0);
	sb_init(&r->out, 0);
	r->conn = conn;
	r->started_ms = clock_now_ms();
	r->started = metrics_now();
	request_id(r, conn);
	r->method = arena_strdup(&r->arena, method);
	r->path = arena_strdup(&r->arena, url);
	r->client_ip = client_ip(r, conn);
	r->lang = "zh";
	r->status = 200;
	atomic_fetch_add(&inflight, 1);
	if (!utf8_valid(r->path, strlen(r->path)))
		set_body_error(r, 400, "path");
	MHD_get_connection_values_n(conn, MHD_GET_ARGUMENT_KIND, collect_query, r);
	const char *cookie = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Cookie");
	if (cookie)
		r->cookies = http_parse_cookies(&r->arena, cookie);
	const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
	r->content_type = ct ? arena_strdup(&r->arena, ct) : "";
	return r;
}

static void req_free(struct req *r)
{
	if (r->pp)
		MHD_destroy_post_processor(r->pp);
	for (struct upload *u = r->uploads; u; u = u->next)
		sb_release(&u->data);
	json_decref(r->json);
	sb_release(&r->body);
	sb_release(&r->out);
	arena_free(&r->arena);
	free(r);
	atomic_fetch_sub(&inflight, 1);
}

static int starts_with_ci(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* Handler slots, taken in the order asked for: a ticket each, and ticket t runs once all but
 * the last `slots` tickets before it have finished. (A semaphore let some photos wait behind
 * several later ones: their p99 rose by half.) Ticket t waits on turn[t % TURNS], so a
 * finished handler wakes the one waiter whose turn it is: with one condition variable for
 * all, each finish woke every waiting thread to find it was not theirs (at 64 connections,
 * a thread each: the pages' p99 70–85 ms against 11 with this). With more waiters than
 * TURNS (http.max_connections may be set above it), t and t + TURNS share a variable: a
 * waiter woken for the other checks its ticket and waits again. */
#define TURNS 2048
static struct {
	pthread_mutex_t lock;
	pthread_cond_t turn[TURNS];
	uint64_t issued, finished;
	unsigned slots;
} handlers = {.lock = PTHREAD_MUTEX_INITIALIZER, .slots = 4};

static void slots_init(unsigned slots)
{
	handlers.slots = slots;
	for (int i = 0; i < TURNS; i++)
		pthread_cond_init(&handlers.turn[i], NULL);
}

static void slot_take(void)
{
	pthread_mutex_lock(&handlers.lock);
	uint64_t t = handlers.issued++;
	while (t >= handlers.finished + handlers.slots)
		pthread_cond_wait(&handlers.turn[t % TURNS], &handlers.lock);
	pthread_mutex_unlock(&handlers.lock);
}

static void slot_give(void)
{
	pthread_mutex_lock(&handlers.lock);
	handlers.finished++;
	uint64_t next = handlers.finished + handlers.slots - 1;	/* the ticket that may now run */
	int waiting = handlers.issued > next;
	pthread_mutex_unlock(&handlers.lock);
	if (waiting)
		pthread_cond_broadcast(&handlers.turn[next % TURNS]);
}

/* First call: headers only. Decide how the body will be read, or refuse it outright. */
static void begin_body(struct req *r, struct MHD_Connection *conn)
{
	struct header_count hc = {0, 0};
	MHD_get_connection_values(conn, MHD_HEADER_KIND, count_headers, &hc);
	if (hc.content_length > 1 || (hc.content_length && hc.transfer_encoding)) {
		set_body_error(r, 400, "Content-Length");
		return;
	}
	const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
	int64_t len = 0;
	if (cl && (text_parse_i64(cl, &len) || len < 0)) {
		set_body_error(r, 400, "Content-Length");
		return;
	}
	if (len > (int64_t)HTTP_MAX_BODY) {
		set_body_error(r, 413, NULL);
		return;
	}
	if (starts_with_ci(r->content_type, "application/x-www-form-urlencoded") ||
	    starts_with_ci(r->content_type, "multipart/form-data")) {
		r->pp = MHD_create_post_processor(conn, 64 * 1024, post_iter, r);
		if (!r->pp)
			set_body_error(r, 400, "Content-Type");
	}
}

static void feed_body(struct req *r, const char *data, size_t size)
{
	r->body_seen += size;
	if (r->body_seen > HTTP_MAX_BODY) {
		set_body_error(r, 413, NULL);
		return;
	}
	if (r->body_error)
		return;
	if (r->pp) {
		if (MHD_post_process(r->pp, data, size) != MHD_YES)
			set_body_error(r, 400, "body");
		return;
	}
	size_t limit = starts_with_ci(r->content_type, "application/json") ? HTTP_MAX_JSON
									    : HTTP_MAX_BODY;
	if (r->body.len + size > limit) {
		set_body_error(r, 413, NULL);
		return;
	}
	sb_add(&r->body, data, size);
}

static void finish_body(struct req *r)
{
	if (r->pp) {
		MHD_destroy_post_processor(r->pp);
		r->pp = NULL;
		finish_form(r);
		return;
	}
	if (r->body.len && starts_with_ci(r->content_type, "application/json") && !r->body_error) {
		json_error_t jerr;
		r->json = json_loadb(r->body.buf, r->body.len, JSON_REJECT_DUPLICATES, &jerr);
		if (!r->json)
			set_body_error(r, 400, "body");
	}
}

static enum MHD_Result send_response(struct req *r, struct MHD_Connection *conn)
{
	size_t len;
	struct MHD_Response *resp;
	if (r->out_static) {	/* an embedded file: MHD sends it from where it lies */
		len = r->out_static_len;
		resp = MHD_create_response_from_buffer(len, (void *)(uintptr_t)r->out_static,
						       MHD_RESPMEM_PERSISTENT);
		if (!resp)
			return MHD_NO;
	} else {
		compress_response(r);
		char *body = sb_detach(&r->out, &len);
		resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
		if (!resp) {
			free(body);
			return MHD_NO;
		}
	}
	for (size_t i = 0; i < sizeof(security_headers) / sizeof(security_headers[0]); i++)
		MHD_add_response_header(resp, security_headers[i][0], security_headers[i][1]);
	MHD_add_response_header(resp, "Content-Type",
				r->resp_type ? r->resp_type : "text/html; charset=utf-8");
	int has_cache = 0;
	for (struct kv *h = r->resp_headers; h; h = h->next) {
		MHD_add_response_header(resp, h->key, h->val);
		if (strcasecmp(h->key, "Cache-Control") == 0)
			has_cache = 1;
	}
	if (!has_cache)	/* pages carry personal data: never cache them in shared caches */
		MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (r->close)
		MHD_add_response_header(resp, "Connection", "close");
	MHD_add_response_header(resp, "X-Request-Id", r->request_id);
	r->body_seen = len;	/* reused: bytes sent, for the access log */
	enum MHD_Result ret = MHD_queue_response(conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result add_field_line(void *cls, enum MHD_ValueKind kind, const char *key,
				     const char *value)
{
	(void)kind;
	sb_addf(cls, "%s: %s\r\n", key, value ? value : "");
	return MHD_YES;
}

/* The head of a request as MHD parsed it, written out again and checked by head_check.c:
 * on a kept-alive connection MHD reads the heads after the first without guard.c, and this
 * refuses what guard.c refuses of a first one wherever it survives MHD's parse — a field
 * name with whitespace or a control character ("Content-Length : 4", whose body MHD would
 * read as another request), a control character in a value, Host missing or twice, a
 * Transfer-Encoding other than chunked or in HTTP/1.0, a Content-Length that is not a
 * number. An obs-fold (MHD joins it to the line before), bare CR or LF line ends, a NUL in
 * the path or a value (MHD cuts there) and two spaces in the request line leave no trace in
 * the parse; MHD and our handlers then read the same request, and nginx in front writes each
 * head anew. The request target is written as "/": MHD gives it decoded, where %0A is a
 * legal newline. */
static int recheck_head(struct req *r, struct MHD_Connection *conn, const char *method,
			const char *version)
{
	struct strbuf sb = STRBUF_INIT;
	sb_addf(&sb, "%s / %s\r\n", method, version);
	MHD_get_connection_values(conn, MHD_HEADER_KIND, add_field_line, &sb);
	sb_adds(&sb, "\r\n");
	struct head_check hc;
	memset(&hc, 0, sizeof(hc));
	enum head_result rc = head_check_feed(&hc, sb.buf, sb.len);
	sb_release(&sb);
	if (rc == HEAD_DONE)
		return 0;
	set_body_error(r, hc.status ? hc.status : 400, hc.field[0] ? hc.field : NULL);
	return -1;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	(void)cls;
	struct req *r = *con_cls;
	if (!r) {
		/* a request under way: http.idle_timeout again (on_completed set the shorter
		 * wait for the next request) */
		MHD_set_connection_option(conn, MHD_CONNECTION_OPTION_TIMEOUT, idle_timeout_s);
		r = req_new(conn, url, method);
		*con_cls = r;
		if (!recheck_head(r, conn, method, version))
			begin_body(r, conn);
		if (r->body_error) {	/* refuse before reading a body we will not accept */
			r->close = 1;	/* its body, if any, stays unread: no request follows */
			r->done = 1;
			router_dispatch(r);
			return send_response(r, conn);
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		feed_body(r, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->done)
		return MHD_YES;
	r->done = 1;
	finish_body(r);
	/* at most http.threads handlers at once, however many connections (a thread each)
	 * have a request ready: memory and database connections stay bounded however many
	 * photos arrive, and the two cores are not shared among more handlers than that */
	slot_take();
	if (!http_ratelimit(r) && !http_metrics_answer(r))
		router_dispatch(r);
	enum MHD_Result ret = send_response(r, conn);
	slot_give();
	return ret;
}

/* an unmatched request's method as a string that outlives it (the metrics keep it) */
static const char *static_method(const char *m)
{
	static const char *const known[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(m, known[i]))
			return known[i];
	return "other";
}

/* S as a JSON string (quotes included): ", \\ and control characters escaped. S that
 * utf8_valid() refuses (a path answered with 400 is logged too; jansson refused it and the
 * line was lost) has each byte above 0x7F as \u00XX as well: lossy, but valid JSON. */
static void log_string(struct strbuf *sb, const char *s)
{
	static const char hx[] = "0123456789abcdef";
	int bytes = !utf8_valid(s, strlen(s));
	sb_addc(sb, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char c = *p;
		if (c == '"' || c == '\\') {
			sb_addc(sb, '\\');
			sb_addc(sb, (char)c);
		} else if (c < 0x20 || c == 0x7f || (c >= 0x80 && bytes)) {
			char e[6] = {'\\', 'u', '0', '0', hx[c >> 4], hx[c & 15]};
			sb_add(sb, e, sizeof(e));
		} else {
			sb_addc(sb, (char)c);
		}
	}
	sb_addc(sb, '"');
}

/* One JSON line per request: the access log an operator keeps (网络安全法 Art. 21). Written
 * straight into one buffer: building it as a jansson object and dumping it was a twelfth of
 * the CPU of a static file's request. The time is formatted once a second per thread. */
static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	struct req *r = *con_cls;
	if (!r)
		return;
	if (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK)	/* waiting for the next request */
		MHD_set_connection_option(conn, MHD_CONNECTION_OPTION_TIMEOUT, (unsigned)KEEPALIVE_IDLE_S);
	static _Thread_local int64_t when_s = -1;
	static _Thread_local char when[32];
	int64_t now = clock_now();
	if (now != when_s) {
		clock_format(now, "%Y-%m-%dT%H:%M:%S+08:00", when, sizeof(when));
		when_s = now;
	}
	metrics_request(r->route ? r->route->method : static_method(r->method),
			r->route ? r->route->pattern : "unmatched", r->status, metrics_now() - r->started);
	struct strbuf line = STRBUF_INIT;
	sb_addf(&line, "{\"time\":\"%s\",\"id\":", when);
	log_string(&line, r->request_id);
	sb_adds(&line, ",\"method\":");
	log_string(&line, r->method);
	sb_adds(&line, ",\"path\":");
	log_string(&line, r->path);
	sb_adds(&line, ",\"route\":");
	if (r->route)
		log_string(&line, r->route->pattern);
	else
		sb_adds(&line, "null");
	sb_addf(&line, ",\"status\":%d,\"ms\":%lld,\"bytes\":%lld,\"ip\":", r->status,
		(long long)(clock_now_ms() - r->started_ms), (long long)r->body_seen);
	log_string(&line, r->client_ip);
	sb_adds(&line, ",\"user\":");
	if (r->who)
		log_string(&line, r->who->username);
	else
		sb_adds(&line, "null");
	sb_addf(&line, ",\"complete\":%s}", toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "true" : "false");
	log_access(line.buf);
	sb_release(&line);
	req_free(r);
	*con_cls = NULL;
}

int http_parse_listen(const char *listen, struct sockaddr_in *sa)
{
	const char *colon = strrchr(listen, ':');
	int64_t port;
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	if (!colon || text_parse_i64(colon + 1, &port) || port < 0 || port > 65535)
		return -1;
	char host[64];
	size_t hl = (size_t)(colon - listen);
	if (hl >= sizeof(host))
		return -1;
	memcpy(host, listen, hl);
	host[hl] = '\0';
	if (!*host || strcmp(host, "*") == 0)
		sa->sin_addr.s_addr = htonl(INADDR_ANY);
	else if (strcmp(host, "localhost") == 0)
		sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return -1;
	sa->sin_port = htons((uint16_t)port);
	return 0;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	struct strbuf sb = STRBUF_INIT;
	sb_vaddf(&sb, fmt, ap);
	sb_trim(&sb);
	log_warn("http: %s", sb.buf);
	sb_release(&sb);
}

/* The libmicrohttpd daemon, without a listening socket (guard.c hands it connections), a
 * thread per connection. Why not a pool of epoll threads, as before: a photo's ~18 reads
 * (16 KiB a round from its connection memory) each waited behind the pages its pool thread
 * answered in between (a report took 0.9 s at the morning peak's median for ~13 ms of
 * work), and with keep-alive a connection's next request may be a photo. With a thread
 * each, kept alive, A/B/A/B on the million: static file 34 → 75 k/s, JSON list 15.4 →
 * 17.2 k/s at 16 connections; the morning peak's p99 380 → 268 ms (bench/results/). */
static struct MHD_Daemon *start_mhd(unsigned max_conn, unsigned per_addr, unsigned timeout)
{
	/* MHD_USE_TURBO: MHD reads a connection as soon as it is added rather than waiting for
	 * the poll to say it is readable; guard.c hands over only connections whose whole head
	 * is in the socket, so the first read never waits */
	return MHD_start_daemon(
		MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL | MHD_USE_INTERNAL_POLLING_THREAD |
			MHD_USE_TURBO | MHD_USE_ITC | MHD_USE_ERROR_LOG | MHD_USE_NO_LISTEN_SOCKET,
		0, NULL, NULL, on_request, NULL,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
		/* headers and MHD's own buffers. Not above 32 KiB: MHD takes a larger pool
		 * with mmap() and gives it back with munmap() for every connection, which with
		 * a connection per request halved the static file's rate (64 KiB: 31 → 17 k/s).
		 * guard.c's HEAD_MAX keeps heads well inside it. */
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_CONNECTION_MEMORY,
		MHD_OPTION_CONNECTION_LIMIT, max_conn,
		/* guard.c bounds one address while a first head arrives; this bounds it while
		 * MHD reads bodies and later heads and answers (MHD closes one over the limit) */
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_addr,
		MHD_OPTION_CONNECTION_TIMEOUT, timeout,
		/* a thread per connection: glibc keeps the stacks of ended threads for reuse up
		 * to 40 MiB in all, five of the default 8 MiB; 1 MiB stacks are reused and a new
		 * connection costs less (a connection per request: 15.0 → 20.9 k/s, kept alive
		 * 73.5 → 80.3 k/s on the static file). The deepest we go, a JSON body nested
		 * to jansson's limit, fits (tests/http/badinput.test.mjs). */
		MHD_OPTION_THREAD_STACK_SIZE, (size_t)HTTP_THREAD_STACK,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
		MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
		MHD_OPTION_END);
}

static void stop_mhd(void)
{
	if (daemon_h)
		MHD_stop_daemon(daemon_h);
	daemon_h = NULL;
}

int http_start(const struct http_config *cfg)
{
	struct sockaddr_in sa;
	if (http_parse_listen(cfg->listen, &sa)) {
		log_error("http: cannot parse listen address '%s' (want HOST:PORT)", cfg->listen);
		return -1;
	}
	secure_cookies = cfg->secure_cookies;
	static_init();
	unsigned max_conn = (unsigned)(cfg->max_connections > 0 ? cfg->max_connections : 512);
	unsigned per_addr = (unsigned)(cfg->max_per_address > 0 ? cfg->max_per_address : 64);
	unsigned threads = (unsigned)(cfg->threads > 0 ? cfg->threads : 4);
	idle_timeout_s = (unsigned)(cfg->idle_timeout_s > 0 ? cfg->idle_timeout_s : 30);
	/* a thread per connection; the handlers of at most http.threads of them run at once */
	slots_init(threads);
	/* glibc gives a thread that finds every arena busy a new one, up to 8 per core, and an
	 * arena keeps what was freed in it: with a thread per connection, 12-megapixel reports
	 * for 8 s left the server at 222 MB of its own memory instead of 151 with four. At most
	 * `threads` handlers allocate at once, so as many arenas; MALLOC_ARENA_MAX in the
	 * environment still decides if set. */
	if (!getenv("MALLOC_ARENA_MAX"))
		mallopt(M_ARENA_MAX, (int)threads);
	daemon_h = start_mhd(max_conn, per_addr, idle_timeout_s);
	if (!daemon_h) {
		log_error("http: cannot start the HTTP server for %s", cfg->listen);
		stop_mhd();
		return -1;
	}
	http_ratelimit_config(cfg->rate_per_address, cfg->rate_per_token);
	if (http_metrics_start(cfg)) {
		stop_mhd();
		return -1;
	}
	struct guard_config gc = {sa, daemon_h, (int)max_conn, (int)per_addr,
				  cfg->head_timeout_s > 0 ? cfg->head_timeout_s : 10};
	if (guard_start(&gc)) {
		log_error("http: cannot listen on %s", cfg->listen);
		http_metrics_stop();
		stop_mhd();
		return -1;
	}
	return 0;
}

void http_wait_for_signal(void)
{
	sigset_t set;
	int sig;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	/* SIGHUP: nothing to reopen (logs go to standard error) or reload (configuration is
	 * read once at start); it used to end the process without a clean stop */
	while (sigwait(&set, &sig) == 0 && sig == SIGHUP)
		log_info("SIGHUP: ignored (nothing to reload; restart to apply configuration)");
	log_info("signal %d: shutting down", sig);
}

void http_stop(void)
{
	if (!daemon_h)
		return;
	guard_stop();	/* no new connections; those still sending their head are dropped */
	/* let requests in flight finish: up to 15 s, checked every 20 ms */
	for (int i = 0; i < 750 && atomic_load(&inflight) > 0; i++) {
		struct timespec ts = {0, 20 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	stop_mhd();
	http_metrics_stop();
}
