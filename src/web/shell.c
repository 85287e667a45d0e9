/*
 * shell.c — the installable app: the web app manifest, its icons, the service worker and the
 * page it falls back to offline (a worker in a tank farm or a basement has no signal).
 *
 * The service worker (GET /sw.js, at the root so its scope is the whole site) is
 * static/sw.js with two lines put in front: the shell's version and its file list. The
 * version is a hash over the program's version and every embedded static file's hash, so an
 * upgraded server serves a worker that differs by at least that line; the browser installs
 * it, it fills a new cache named after the version and deletes the old ones on activate.
 * Only public files go in that cache (static files and /offline); the pages a worker needs
 * without signal (the report form, his own tasks) are cached per user by static/offline.js
 * at sign-in and deleted at sign-out.
 *
 * The icons are drawn here with cairo (a blue field, a white shield and a check), so the
 * repository holds no binary image and no image is fetched from anywhere.
 */
#include "auth/auth.h"
#include "base/clock.h"
#include "base/embed.h"
#include "base/module.h"
#include "base/strbuf.h"
#include "base/text.h"
#include "base/version.h"
#include "http/static.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/page.h"
#include "web/shell.h"

#include <cairo.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static char shell_version[13];
static pthread_once_t version_once = PTHREAD_ONCE_INIT;

static void version_make(void)
{
	struct strbuf sb = STRBUF_INIT;
	sb_addf(&sb, "%s\n", version_string());
	for (int i = 0; static_url_at(i); i++)
		sb_addf(&sb, "%s\n", static_url_at(i));
	/* test builds only: a second server with another "static version", to test upgrades
	 * without building the program twice */
	const char *salt = clock_test_mode() ? getenv("ANQUAN_TEST_SHELL_SALT") : NULL;
	if (salt)
		sb_addf(&sb, "%s\n", salt);
	char hex[65];
	text_sha256_hex(sb.buf, sb.len, hex);
	memcpy(shell_version, hex, 12);
	shell_version[12] = '\0';
	sb_release(&sb);
}

const char *shell_version_string(void)
{
	pthread_once(&version_once, version_make);
	return shell_version;
}

static int sw_get(struct req *r)
{
	const struct embedded_file *f = embed_find("static/sw.js");
	if (!f) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	struct strbuf sb = STRBUF_INIT;
	sb_addf(&sb, "/* anquan service worker, shell %s */\n'use strict';\nconst SHELL_VERSION = '%s';\n"
		       "const SHELL_FILES = ['/offline'", shell_version_string(), shell_version_string());
	for (int i = 0; static_url_at(i); i++) {
		const char *u = static_url_at(i);
		/* the worker itself and the print-only stylesheet are no use offline */
		if (strncmp(u, "/static/sw.js?", 14) && strncmp(u, "/static/risk_print.css?", 23))
			sb_addf(&sb, ", '%s'", u);
	}
	sb_addf(&sb, "];\n");
	sb_add(&sb, (const char *)f->data, f->len);
	resp_text(r, 200, "text/javascript; charset=utf-8", sb.buf, sb.len);
	sb_release(&sb);
	/* the browser checks for a new worker on each navigation; it must never get an old one */
	resp_header(r, "Cache-Control", "no-cache");
	resp_header(r, "Service-Worker-Allowed", "/");
	return 0;
}

static int manifest_get(struct req *r)
{
	json_t *icons = json_pack("[{s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s}]",
				  "src", "/icons/192.png", "sizes", "192x192", "type", "image/png", "purpose", "any maskable",
				  "src", "/icons/512.png", "sizes", "512x512", "type", "image/png", "purpose", "any maskable");
	json_t *m = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}",
			      "name", T(r, "app.name"), "short_name", T(r, "shell.short_name"),
			      "lang", strcmp(r->lang, "en") == 0 ? "en" : "zh-CN", "start_url", "/", "scope", "/",
			      "display", "standalone", "background_color", "#ffffff", "theme_color", "#1d4f91",
			      "description", T(r, "shell.description"), "icons", icons);
	char *s = json_dumps(m, JSON_COMPACT);
	json_decref(m);
	if (!s) {
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	resp_text(r, 200, "application/manifest+json", s, strlen(s));
	free(s);
	resp_header(r, "Cache-Control", "public, max-age=3600");
	return 0;
}

static cairo_status_t png_write(void *closure, const unsigned char *data, unsigned int len)
{
	sb_add((struct strbuf *)closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

/* A square icon of `px` pixels; the shield sits inside the middle 80 %, the safe zone of a
 * maskable icon, so a launcher's round or squircle mask never cuts it. */
static int icon_draw(int px, struct strbuf *out)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, px, px);
	cairo_t *cr = cairo_create(s);
	double u = px / 100.0;
	cairo_set_source_rgb(cr, 0x1d / 255.0, 0x4f / 255.0, 0x91 / 255.0);
	cairo_paint(cr);
	cairo_move_to(cr, 50 * u, 18 * u);	/* the shield */
	cairo_line_to(cr, 76 * u, 28 * u);
	cairo_curve_to(cr, 76 * u, 56 * u, 66 * u, 72 * u, 50 * u, 82 * u);
	cairo_curve_to(cr, 34 * u, 72 * u, 24 * u, 56 * u, 24 * u, 28 * u);
	cairo_close_path(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_fill(cr);
	cairo_move_to(cr, 37 * u, 50 * u);	/* the check */
	cairo_line_to(cr, 47 * u, 60 * u);
	cairo_line_to(cr, 64 * u, 40 * u);
	cairo_set_line_width(cr, 7 * u);
	cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
	cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
	cairo_set_source_rgb(cr, 0xf9 / 255.0, 0xa8 / 255.0, 0x25 / 255.0);
	cairo_stroke(cr);
	cairo_destroy(cr);
	int rc = cairo_surface_write_to_png_stream(s, png_write, out) == CAIRO_STATUS_SUCCESS ? 0 : -1;
	cairo_surface_destroy(s);
	return rc;
}

static int icon_get(struct req *r)
{
	const char *name = req_param(r, "name");
	int px = !strcmp(name, "192.png") ? 192 : !strcmp(name, "512.png") ? 512 : 0;
	struct strbuf png = STRBUF_INIT;
	if (!px || icon_draw(px, &png)) {
		sb_release(&png);
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	resp_text(r, 200, "image/png", png.buf, png.len);
	sb_release(&png);
	resp_header(r, "Cache-Control", "public, max-age=86400");
	return 0;
}

/* What the service worker shows for a page it has not cached while there is no signal: the
 * queue of reports waiting on the phone (drawn by static/offline.js from IndexedDB) and the
 * way to the report form. Public and the same for everyone, so it may sit in the shell cache. */
static int offline_page(struct req *r)
{
	page_begin(r, T(r, "shell.offline_title"));
	html_printf(&r->out, "<section class=\"card stack oq-page\" data-empty=\"%s\" data-refused=\"%s\""
			     " data-fix=\"%s\" data-drop=\"%s\" data-drop-ask=\"%s\" data-voice=\"%s\" data-photos=\"%s\">"
			     "<h1>%s</h1><p>%s</p><ul class=\"oq-items\"></ul>"
			     "<p><a class=\"button primary\" href=\"/hazards/new\">%s</a></p></section>",
		    T(r, "shell.queue_empty"), T(r, "shell.refused"), T(r, "shell.fix"), T(r, "shell.drop"),
		    T(r, "shell.drop_ask"), T(r, "hazard.voice"), T(r, "shell.photos"), T(r, "shell.offline_title"),
		    T(r, "shell.offline_text"), T(r, "hazard.report_title"));
	page_end(r);
	resp_header(r, "Cache-Control", "no-cache");
	return 0;
}

static const struct route shell_routes[] = {
	{"GET", "/sw.js", sw_get, NULL, ROUTE_PUBLIC, "The service worker (app shell cache, offline fallback)"},
	{"GET", "/manifest.webmanifest", manifest_get, NULL, ROUTE_PUBLIC, "The web app manifest (installable app)"},
	{"GET", "/icons/:name", icon_get, NULL, ROUTE_PUBLIC, "The app's icons (192.png, 512.png)"},
	{"GET", "/offline", offline_page, NULL, ROUTE_PUBLIC, "What is waiting to upload, shown without signal"},
	{0},
};

const struct module shell_module = {.name = "shell", .routes = shell_routes};
