/*
 * static.c — serve embedded static files. The URL carries the first 12 hex digits of the
 * file's SHA-256; a request with the current hash is cacheable forever (immutable), any
 * other gets a short max-age and an ETag so a stale page still loads current assets.
 *
 * Each file is also embedded in gzip and Brotli, compressed at build time
 * (tools/precompress.c): the client's Accept-Encoding picks one (Brotli first, it is the
 * smaller), with Vary: Accept-Encoding and an ETag per representation ("hash", "hash-gz",
 * "hash-br"), as a strong validator must differ between codings (RFC 9110 §8.8.3).
 */
#include "http/static.h"
#include "base/module.h"
#include "base/embed.h"
#include "base/text.h"
#include "http/compress.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define MAX_STATIC 64

struct asset {
	const struct embedded_file *f;
	const char *name;	/* without "static/" */
	const struct embedded_file *gz, *br;	/* precompressed, when smaller; else NULL */
	char hash[65];
	char url[160];
};

static struct asset assets[MAX_STATIC];
static int nassets;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static int variant_of(const char *name, const char *ext)
{
	size_t n = strlen(name), e = strlen(ext);
	return n > e && strcmp(name + n - e, ext) == 0;
}

/* the embedded FILE.EXT, kept only when it is smaller than FILE */
static const struct embedded_file *variant(const struct embedded_file *f, const char *ext)
{
	char want[256];
	snprintf(want, sizeof(want), "%s%s", f->name, ext);
	for (const struct embedded_file *v = embedded_files; v->name; v++)
		if (strcmp(v->name, want) == 0)
			return v->len < f->len ? v : NULL;
	return NULL;
}

static void load(void)
{
	for (const struct embedded_file *f = embedded_files; f->name && nassets < MAX_STATIC; f++) {
		if (strncmp(f->name, "static/", 7) != 0 || variant_of(f->name, ".gz") ||
		    variant_of(f->name, ".br"))
			continue;
		struct asset *a = &assets[nassets++];
		a->f = f;
		a->name = f->name + 7;
		a->gz = variant(f, ".gz");
		a->br = variant(f, ".br");
		text_sha256_hex(f->data, f->len, a->hash);
		char v[13];
		memcpy(v, a->hash, 12);
		v[12] = '\0';
		snprintf(a->url, sizeof(a->url), "/static/%s?v=%s", a->name, v);
	}
}

void static_init(void)
{
	pthread_once(&once, load);
}

static const struct asset *find(const char *name)
{
	static_init();
	for (int i = 0; i < nassets; i++)
		if (strcmp(assets[i].name, name) == 0)
			return &assets[i];
	return NULL;
}

/* The i-th asset's versioned URL, NULL past the last (the app shell's file list, web/shell.c) */
const char *static_url_at(int i)
{
	static_init();
	return i >= 0 && i < nassets ? assets[i].url : NULL;
}

const char *static_url(const char *name)
{
	const struct asset *a = find(name);
	return a ? a->url : "/static/missing";
}

static const char *mime(const char *name)
{
	const char *dot = strrchr(name, '.');
	if (!dot)
		return "application/octet-stream";
	if (!strcmp(dot, ".css"))
		return "text/css; charset=utf-8";
	if (!strcmp(dot, ".js"))
		return "text/javascript; charset=utf-8";
	if (!strcmp(dot, ".svg"))
		return "image/svg+xml";
	if (!strcmp(dot, ".png"))
		return "image/png";
	if (!strcmp(dot, ".json") || !strcmp(dot, ".webmanifest"))
		return "application/manifest+json";
	if (!strcmp(dot, ".txt"))
		return "text/plain; charset=utf-8";
	return "application/octet-stream";
}

int static_serve(struct req *r)
{
	const struct asset *a = find(req_param(r, "name"));
	if (!a) {
		resp_error(r, 404, "not_found", "not found", NULL);
		return 0;
	}
	const char *ae = req_header(r, "Accept-Encoding");
	const struct embedded_file *body = a->f;
	const char *coding = NULL;
	if (a->br && compress_accepts(ae, "br"))
		body = a->br, coding = "br";
	else if (a->gz && compress_accepts(ae, "gzip"))
		body = a->gz, coding = "gzip";
	char etag[24];
	snprintf(etag, sizeof(etag), "\"%.12s%s\"", a->hash,
		 coding ? (coding[0] == 'b' ? "-br" : "-gz") : "");
	if (a->gz || a->br)
		resp_header(r, "Vary", "Accept-Encoding");
	if (coding)
		resp_header(r, "Content-Encoding", coding);
	const char *v = req_query(r, "v");
	if (v && strncmp(v, a->hash, 12) == 0 && strlen(v) == 12)
		resp_header(r, "Cache-Control", "public, max-age=31536000, immutable");
	else
		resp_header(r, "Cache-Control", "public, max-age=300");
	resp_header(r, "ETag", etag);
	/* If-None-Match may list several tags, or be "*" (RFC 9110 §13.1.2) */
	const char *inm = req_header(r, "If-None-Match");
	if (inm && (strstr(inm, etag) || strcmp(inm, "*") == 0)) {
		r->status = 304;
		r->resp_type = mime(a->name);
		return 0;
	}
	resp_static(r, 200, mime(a->name), body->data, body->len);
	return 0;
}

const struct route static_routes[] = {
	{"GET", "/static/:name", static_serve, NULL, ROUTE_PUBLIC, "Static asset"},
	{0},
};

/* the files under /static are served to anyone; no permission, no menu */
const struct module static_module = {.name = "static", .routes = static_routes};
