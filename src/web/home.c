/*
 * home.c — "/" (what this person should do now: the modules' tiles, then their panels, such
 * as the report module's role panel), the in-app inbox, and /healthz. Tiles and panels come
 * from the module table (base/module.h), so this page names no module.
 */
#include "web/home.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/module.h"
#include "base/text.h"
#include "base/version.h"
#include "db/db.h"
#include "db/leader.h"
#include "web/i18n.h"
#include "web/page.h"

#include <stdlib.h>
#include <string.h>

static int healthz(struct req *r)
{
	int64_t one = 0;
	if (db_get_i64(r->db, &one, "SELECT 1", NULL) != 1) {
		resp_json(r, 503, json_pack("{s:s}", "status", "database unavailable"));
		return 0;
	}
	/* the version is here for monitoring, never in a header of every response */
	/* leader: whether this app server runs the scheduler and the sender (db/leader.h) */
	resp_json(r, 200, json_pack("{s:s, s:s, s:s, s:b}", "status", "ok", "version", version_string(),
				    "build_date", version_build_date(), "leader", db_leader_term() != 0));
	return 0;
}

static int64_t unread_count(struct req *r)
{
	int64_t unread = 0;
	db_get_i64(r->db, &unread, "SELECT count(*) FROM notifications WHERE user_id = ? AND read_at = 0",
		   "I", r->who->user_id);
	return unread;
}

struct todo_line {
	const struct module_todo *t;
	int64_t n;
};

static int cmp_todo(const void *a, const void *b)
{
	const struct todo_line *x = a, *y = b;
	return (x->t->urgency > y->t->urgency) - (x->t->urgency < y->t->urgency);
}

/* "What waits for me": every module's lines with something waiting, in one list, most urgent
 * first (a stable order among equals: the module order). Nothing waiting: one calm line. */
static void todo_list(struct req *r)
{
	struct todo_line lines[64];
	size_t n = 0;
	for (const struct module *const *m = module_registry(); *m; m++)
		for (const struct module_todo *t = (*m)->todo; t && t->href && n < sizeof(lines) / sizeof(*lines); t++) {
			if (t->perms && !auth_has_any(r, t->perms))
				continue;
			int64_t c = t->count(r);
			if (c > 0)
				lines[n].t = t, lines[n++].n = c;
		}
	/* insertion sort keeps equal urgencies in module order (qsort need not) */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && cmp_todo(&lines[j - 1], &lines[j]) > 0; j--) {
			struct todo_line tmp = lines[j];
			lines[j] = lines[j - 1], lines[j - 1] = tmp;
		}
	html_printf(&r->out, "<section class=\"card todo\"><h2>%s</h2><ul class=\"list todo-list\">", T(r, "home.todo"));
	for (size_t i = 0; i < n; i++)
		html_printf(&r->out, "<li><a class=\"todo-row\" href=\"%s\" data-todo=\"%s\"><span>%s</span>"
				     " <strong class=\"badge\">%D</strong></a></li>",
			    lines[i].t->href, lines[i].t->label, T(r, lines[i].t->label), lines[i].n);
	if (!n)
		html_printf(&r->out, "<li class=\"empty\">%s</li>", T(r, "home.todo_none"));
	html_printf(&r->out, "</ul></section>");
}

static int home_page(struct req *r)
{
	page_begin(r, T(r, "nav.home"));
	html_printf(&r->out, "<section class=\"hello\"><h1>%s，%s</h1><p class=\"sub\">%s · %s</p></section>",
		    T(r, "home.hello"), r->who->name, r->who->unit_name, r->who->role_names);
	html_printf(&r->out, "<section class=\"tiles\">");
	for (const struct module_tile *const *e = module_tiles_all(); *e; e++) {
		const struct module_tile *t = *e;
		if (t->perms && !auth_has_any(r, t->perms))
			continue;
		html_printf(&r->out, "<a class=\"tile%r\" href=\"%s\"><strong>%s</strong><span>",
			    t->main ? " tile-main" : "", t->href, T(r, t->label));
		if (t->count)
			html_printf(&r->out, "%D ", t->count(r));
		html_printf(&r->out, "%s</span></a>", T(r, t->hint));
	}
	html_printf(&r->out, "</section>");
	todo_list(r);
	for (const struct module_panel *const *p = module_panels_all(); *p; p++)
		(*p)->render(r);
	page_end(r);
	return 0;
}

static int inbox_page(struct req *r)
{
	page_begin(r, T(r, "nav.inbox"));
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1><ul class=\"list\">", T(r, "nav.inbox"));
	struct db_stmt *st = db_query(r->db,
		"SELECT id, created_at, title, body, link, read_at FROM notifications WHERE user_id = ?"
		" ORDER BY id DESC LIMIT 100", "I", r->who->user_id);
	int n = 0;
	while (st && db_step(st) == 1) {
		n++;
		/* only local paths: "//host" would leave the site */
		const char *link = db_col_text(st, 4);
		html_printf(&r->out, "<li class=\"%s\"><a href=\"%s\"><strong>%s</strong></a><p>%s</p><small>%s</small></li>",
			    db_col_i64(st, 5) ? "read" : "unread",
			    http_local_path(link, "/inbox"),
			    db_col_text(st, 2), db_col_text(st, 3), page_time(r, db_col_i64(st, 1)));
	}
	db_done(r->db, st);
	if (!n)
		html_printf(&r->out, "<li class=\"empty\">%s</li>", T(r, "inbox.empty"));
	html_printf(&r->out, "</ul>");
	if (n)
		html_printf(&r->out, "<form method=\"post\" action=\"/inbox/read\">%r<button>%s</button></form>",
			    page_csrf(r), T(r, "inbox.mark_read"));
	/* how the person is told outside the app (notify_prefs_web.c) */
	html_printf(&r->out, "<p><a class=\"button\" href=\"/me/notify\">%s</a></p></section>", T(r, "notify.prefs"));
	page_end(r);
	return 0;
}

static int inbox_read(struct req *r)
{
	if (db_begin(r->db) == DB_OK) {
		db_exec(r->db, "UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at = 0",
			"II", clock_now(), r->who->user_id);
		db_commit(r->db);
	}
	resp_redirect(r, "/inbox");
	return 0;
}

static int api_inbox(struct req *r)
{
	json_t *items = json_array();
	int page, per_page;
	int64_t total = 0;
	req_page(r, 100, &page, &per_page);
	db_get_i64(r->db, &total, "SELECT count(*) FROM notifications WHERE user_id = ?", "I", r->who->user_id);
	struct db_stmt *st = db_query(r->db,
		"SELECT id, created_at, kind, title, body, link, read_at FROM notifications WHERE user_id = ?"
		" ORDER BY id DESC LIMIT ? OFFSET ?", "Iii", r->who->user_id, per_page, (page - 1) * per_page);
	while (st && db_step(st) == 1)
		json_array_append_new(items, json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:b}",
			"id", (json_int_t)db_col_i64(st, 0), "created_at", (json_int_t)db_col_i64(st, 1),
			"kind", db_col_text(st, 2), "title", db_col_text(st, 3), "body", db_col_text(st, 4),
			"link", db_col_text(st, 5), "read", db_col_i64(st, 6) != 0));
	db_done(r->db, st);
	resp_json(r, 200, json_pack("{s:o, s:i, s:i, s:I}", "items", items, "page", page, "per_page", per_page,
				    "total", (json_int_t)total));
	return 0;
}

#ifdef ANQUAN_TEST_BUILD
/* Tests move the clock instead of sleeping. Compiled only into the test build, and there it
 * answers only a server started with ANQUAN_TEST_MODE=1; the release binary has no such
 * route at all. */
static int test_clock(struct req *r)
{
	const char *v = req_field(r, "now");
	int64_t t;
	if (!clock_test_mode()) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	if (!v || text_parse_i64(v, &t) || t < 0) {
		resp_error(r, 400, "invalid", T(r, "error.invalid"), "now");
		return 0;
	}
	clock_set(t);
	resp_json(r, 200, json_pack("{s:I}", "now", (json_int_t)clock_now()));
	return 0;
}

/* The server's "now" (the test clock when set): tests compute their expectations from it,
 * never from the test runner's clock, which may run apart (faketime starts each process's
 * clock anew). Test build in test mode only, like the route above. */
static int test_clock_get(struct req *r)
{
	if (!clock_test_mode()) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	resp_json(r, 200, json_pack("{s:I}", "now", (json_int_t)clock_now()));
	return 0;
}
#endif

const struct route home_routes[] = {
	{"GET", "/healthz", healthz, NULL, ROUTE_PUBLIC, "Liveness: 200 once the database is open"},
	{"GET", "/", home_page, NULL, 0, "Home page"},
	{"GET", "/inbox", inbox_page, NULL, 0, "In-app notifications"},
	{"POST", "/inbox/read", inbox_read, NULL, 0, "Mark all notifications read"},
	{"GET", "/api/v1/inbox", api_inbox, NULL, ROUTE_API | ROUTE_PAGED, "The caller's notifications, newest first"},
#ifdef ANQUAN_TEST_BUILD
	{"POST", "/api/v1/test/clock", test_clock, NULL, ROUTE_PUBLIC | ROUTE_API | ROUTE_NO_CSRF,
	 "Set the clock (test build in test mode only; 404 otherwise)"},
	{"GET", "/api/v1/test/clock", test_clock_get, NULL, ROUTE_PUBLIC | ROUTE_API,
	 "Read the clock (test build in test mode only; 404 otherwise)"},
#endif
	{0},
};

static const struct module_menu menu[] = {
	{10, "/", "nav.home", NULL},
	{80, "/inbox", "nav.inbox", NULL},
	{0},
};

static const struct module_tile tiles[] = {
	{30, "/inbox", "nav.inbox", "home.unread", NULL, 0, unread_count},
	{0},
};

/* GET /api/v1/inbox in the OpenAPI document */
#define INBOX "{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":{\"type\":" \
	"\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"created_at\":{\"type\":\"integer\"}" \
	",\"kind\":{\"type\":\"string\"},\"title\":{\"type\":\"string\"},\"body\":{\"type\":\"string\"}" \
	",\"link\":{\"type\":\"string\"},\"read\":{\"type\":\"boolean\"}}}}}}"

static const struct module_schema home_schemas[] = {
	{"GET", "/api/v1/inbox", NULL, INBOX},
	{0},
};

const struct module home_module = {
	.name = "home",
	.routes = home_routes,
	.menu = menu,
	.tiles = tiles,
	.schemas = home_schemas,
};
