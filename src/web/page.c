/*
 * page.c — layout shared by all pages. Mobile first: one column under 720 px with the
 * navigation folded into a <details> menu that works without JavaScript.
 */
#include "web/page.h"
#include "db/db.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/module.h"
#include "http/compress.h"
#include "http/static.h"
#include "web/i18n.h"

#include <string.h>

html_raw page_csrf(struct req *r)
{
	/* masked afresh on every page, so compressing the page leaks nothing (http/compress.h) */
	const char *tok = csrf_mask(r, r->who && r->who->session_id ? r->who->csrf : auth_form_csrf(r));
	struct strbuf sb = STRBUF_INIT;
	html_printf(&sb, "<input type=\"hidden\" name=\"_csrf\" value=\"%s\">", tok);
	char *s = arena_strdup(&r->arena, sb.buf);
	sb_release(&sb);
	return s;
}

const char *page_time(struct req *r, int64_t t)
{
	char buf[32];
	if (!t)
		return "—";
	clock_format(t, "%Y-%m-%d %H:%M", buf, sizeof(buf));
	return arena_strdup(&r->arena, buf);
}

void page_notice(struct req *r, const char *kind, const char *text)
{
	html_printf(&r->out, "<div class=\"notice notice-%s\" role=\"status\">%s</div>", kind, text);
}

void page_begin(struct req *r, const char *title)
{
	struct strbuf *o = &r->out;
	r->resp_type = "text/html; charset=utf-8";
	html_printf(o,
		    "<!doctype html><html lang=\"%s\"><head><meta charset=\"utf-8\">"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		    "<title>%s · %s</title>"
		    "<link rel=\"icon\" href=\"%s\" type=\"image/svg+xml\">"
		    "<link rel=\"stylesheet\" href=\"%s\">"
		    "<link rel=\"manifest\" href=\"/manifest.webmanifest\"><meta name=\"theme-color\" content=\"#1d4f91\">"
		    "<link rel=\"apple-touch-icon\" href=\"/icons/192.png\">"
		    "<meta name=\"aq-offline\" content=\"%s\"><script src=\"%s\" defer></script></head><body>",
		    strcmp(r->lang, "en") == 0 ? "en" : "zh-CN", title, T(r, "app.name"),
		    static_url("favicon.svg"), static_url("app.css"), static_url("offline.js"), static_url("app.js"));
	html_printf(o, "<header class=\"top\"><a class=\"brand\" href=\"/\">"
		       "<span class=\"logo\" aria-hidden=\"true\">安</span>%s</a>",
		    T(r, "app.name"));
	if (r->who) {
		/* the same list twice: folded in a <details> menu on phones (works without
		 * JavaScript), inline on wide screens, where CSS hides the folded one */
		struct strbuf items = STRBUF_INIT;
		/* the modules' entries (base/module.h), in the order a plant uses them */
		for (const struct module_menu *const *e = module_menu_all(); *e; e++) {
			const struct module_menu *n = *e;
			if (n->perms && !auth_has_any(r, n->perms))
				continue;
			int here = strcmp(r->path, n->href) == 0;
			html_printf(&items, "<li><a href=\"%s\"%r>%s</a></li>", n->href,
				    here ? " aria-current=\"page\"" : "", T(r, n->label));
		}
		html_printf(&items, "<li class=\"who\"><a href=\"/me\">%s</a> <small>%s · %s</small></li>"
				    "<li><form method=\"post\" action=\"/logout\">%r"
				    "<button class=\"link\">%s</button></form></li>",
			    r->who->name, r->who->unit_name, r->who->role_names, page_csrf(r),
			    T(r, "nav.logout"));
		/* unread in-app notifications, outside the folded menu so a phone shows it */
		int64_t unread = 0;
		db_get_i64(r->db, &unread, "SELECT count(*) FROM notifications WHERE user_id = ? AND read_at = 0",
			   "I", r->who->user_id);
		if (unread > 0)
			html_printf(o, "<a class=\"unread\" href=\"/inbox\" title=\"%s\"><span class=\"sr\">%s </span>%D</a>",
				    T(r, "nav.unread"), T(r, "nav.unread"), unread);
		html_printf(o, "<details class=\"menu\"><summary>%s</summary><nav><ul>%r</ul></nav></details>"
			       "<nav class=\"wide\"><ul>%r</ul></nav>",
			    T(r, "nav.menu"), html_raw_sb(&items), html_raw_sb(&items));
		sb_release(&items);
	}
	html_printf(o, "</header>");
	/* the reports waiting on this phone (static/offline.js fills and shows it), and the
	 * strings that script needs, in the page's language */
	/* the pages it keeps for reading without signal: the report form and the person's own
	 * task lists, only those the person may open */
	const char *keep = r->who && auth_has(r, "hazard.report") ? "/hazards/new" : "";
	if (r->who && auth_has(r, "hazard.view"))
		keep = arena_printf(&r->arena, "%s /hazards?todo=rectify /hazards?todo=reported", keep);
	/* my checks today; offline.js keeps the form of each task it lists, for a round without signal */
	if (r->who && auth_has(r, "check.do"))
		keep = arena_printf(&r->arena, "%s /checks", keep);
	if (r->who && !r->who->preview)
		html_printf(o, "<div class=\"oq\" hidden data-user=\"%D\" data-now=\"%D\" data-pages=\"%s\" data-badge=\"%s\" data-login=\"%s\""
			       " data-saved=\"%s\" data-logout=\"%s\" data-sending=\"%s\"><a class=\"oq-count\" href=\"/offline\"></a>"
			       "<button type=\"button\" class=\"oq-send\">%s</button>"
			       "<a class=\"oq-login\" hidden href=\"/login\">%s</a></div>",
			    r->who->user_id, clock_now(), keep, T(r, "shell.badge"), T(r, "shell.login_to_upload"), T(r, "shell.saved"),
			    T(r, "shell.logout_warn"), T(r, "shell.sending"), T(r, "shell.upload_now"),
			    T(r, "shell.login_to_upload"));
	if (r->who && r->who->preview)
		html_printf(o,
			    "<div class=\"preview-banner\">%s: %s · %s "
			    "<form method=\"post\" action=\"/admin/preview/exit\">%r"
			    "<button>%s</button></form></div>",
			    T(r, "preview.banner"), r->who->role_names, r->who->unit_name,
			    page_csrf(r), T(r, "preview.exit"));
	html_printf(o, "<main>");
}

void page_end(struct req *r)
{
	struct strbuf *o = &r->out;
	html_printf(o, "</main><footer><form method=\"post\" action=\"/lang\">%r"
		       "<input type=\"hidden\" name=\"next\" value=\"%s\">"
		       "<button class=\"link\" name=\"lang\" value=\"%s\">%s</button></form>"
		       "<span>%s</span></footer></body></html>",
		    page_csrf(r), r->path, strcmp(r->lang, "en") == 0 ? "zh" : "en",
		    strcmp(r->lang, "en") == 0 ? "中文" : "English", T(r, "app.footer"));
}

void page_error(struct req *r, int status, const char *message, const char *field)
{
	char title[16];
	snprintf(title, sizeof(title), "%d", status);
	page_begin(r, title);
	html_printf(&r->out, "<section class=\"card error-page\"><h1>%s</h1><p>%s</p>",
		    title, message);
	if (field)
		html_printf(&r->out, "<p class=\"field\">%s: <code>%s</code></p>", T(r, "error.field"),
			    field);
	html_printf(&r->out, "<p><a href=\"/\">%s</a></p></section>", T(r, "nav.home"));
	page_end(r);
}
