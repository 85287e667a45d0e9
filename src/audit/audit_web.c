/*
 * audit_web.c — the auditor's pages: browse and filter the audit log, check the chain.
 *
 * Everything here needs audit.read, which only the audit administrator's role holds: the
 * system administrator who makes the changes and the security administrator who decides who
 * may make them cannot read or vouch for their record, nor reach it through a role, a preview
 * or another person's account (auth/auth_duty.h; 等保 2.0, GB/T 22239-2019 §8.1.4.2–8.1.4.3,
 * 三权分立). Nothing here writes: the log has no edit or
 * delete page, and /audit/verify recomputes the hash chain to show that nobody edited the
 * database file behind the application's back.
 */
#include "audit/audit.h"
#include "audit/audit_sql.h"
#include "auth/auth.h"
#include "base/day.h"
#include "base/text.h"
#include "db/db.h"
#include "http/http.h"
#include "web/i18n.h"
#include "web/page.h"
#include "web/page_lang.h"

#include <string.h>

#define AUDIT_PER_PAGE 50

struct audit_filter {
	const char *entity, *username, *action, *from, *to;
	int64_t entity_id, at_from, at_to;
	int page, per_page;
	const char *bad_field, *bad_msg;	/* the first filter that could not be read */
};

static const char *filter_text(struct req *r, struct audit_filter *f, const char *name,
			       size_t max)
{
	const char *v = req_query(r, name);
	if (!v)
		return "";
	if (strlen(v) > max || !utf8_valid(v, strlen(v))) {
		if (!f->bad_field) {
			f->bad_field = name;
			f->bad_msg = arena_printf(&r->arena, "%s%s%s",
						  T(r, arena_printf(&r->arena, "audit.%s", name)),
						  T(r, "org.colon"), T(r, "org.err_too_long"));
		}
		return "";
	}
	return v;
}

static void filter_bad(struct req *r, struct audit_filter *f, const char *name, const char *problem)
{
	if (f->bad_field)
		return;
	f->bad_field = name;
	f->bad_msg = arena_printf(&r->arena, "%s%s%s", T(r, arena_printf(&r->arena, "audit.%s", name)),
				  T(r, "org.colon"), T(r, problem));
}

static void filter_read(struct req *r, struct audit_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->entity = filter_text(r, f, "entity", 32);
	f->username = filter_text(r, f, "username", 64);
	f->action = filter_text(r, f, "action", 32);
	f->from = filter_text(r, f, "from", 10);
	f->to = filter_text(r, f, "to", 10);
	const char *v = req_query(r, "entity_id");
	if (v && *v && (text_parse_i64(v, &f->entity_id) || f->entity_id < 1))
		filter_bad(r, f, "entity_id", "org.err_number");
	if (*f->from) {
		if (day_parse_end(f->from, &f->at_from))
			filter_bad(r, f, "from", "org.err_date");
		else
			f->at_from -= 86399;	/* the start of that day */
	}
	if (*f->to && day_parse_end(f->to, &f->at_to))
		filter_bad(r, f, "to", "org.err_date");
	int64_t p = 1, n = AUDIT_PER_PAGE;
	/* the one pagination (req_page's limits), with the filter form's 422 */
	if (req_query_int(r, "page", 1, HTTP_PAGE_MAX, &p) < 0)
		filter_bad(r, f, "page", "org.err_number");
	if (req_query_int(r, "per_page", 1, HTTP_PER_PAGE_MAX, &n) < 0)
		filter_bad(r, f, "per_page", "org.err_number");
	f->page = (int)p;
	f->per_page = (int)n;
}

static struct db_stmt *filter_query(struct req *r, const struct audit_filter *f, int64_t *total)
{
	db_get_i64(r->db, total, AUDIT_SQL(f, AUDIT_COUNT_HEAD, ""), AUDIT_TYPES, AUDIT_ARGS(f));
	return db_query(r->db, AUDIT_SQL(f, AUDIT_LIST_HEAD, AUDIT_LIST_TAIL), AUDIT_TYPES "ii", AUDIT_ARGS(f),
			f->per_page, (f->page - 1) * f->per_page);
}

static void filter_input(struct req *r, const struct audit_filter *f, const char *name,
			 const char *value, html_raw attrs)
{
	html_printf(&r->out, "<label>%s<input name=\"%s\" value=\"%s\" %r>",
		    T(r, arena_printf(&r->arena, "audit.%s", name)), name, value, attrs);
	if (strstr(attrs, "date"))
		html_printf(&r->out, "%r", page_date_hint(r));
	if (f->bad_field && !strcmp(f->bad_field, name))
		html_printf(&r->out, "<span class=\"field-error\" id=\"err-%s\">%s</span>", name, f->bad_msg);
	html_printf(&r->out, "</label>");
}

/*
 * The page shows people and actions, not codes: names of actions and objects from the
 * catalogue (audit.act.*, audit.ent.*; an unknown code shows as itself), the person's name
 * with the account beside it, a link to the object only where the viewer may open it, and a
 * hazard's or permit's state change with the states' names. The JSON API and the export keep
 * the raw codes: they are for programs and for the record.
 */
static const char *code_name(struct req *r, const char *prefix, const char *code)
{
	const char *key = arena_printf(&r->arena, "%s%s", prefix, code);
	return i18n_has(key) ? T(r, key) : code;
}

/* Where an object of an entity opens, and the permission its page needs. */
static const struct {
	const char *entity, *path, *perm;
} object_pages[] = {
	{"hazard", "/hazards/", "hazard.view"},
	{"permit", "/permits/", "permit.view"},
	{"user", "/admin/users/", "user.admin"},
	{"role", "/admin/roles/", "role.admin"},
	{"area", "/admin/areas/", "org.view"},
	{"unit", "/admin/units/", "org.admin"},
	{"person", "/persons/", "cert.view"},
	{"cert", "/persons/", "cert.view"},	/* a certificate shows on its holder's page */
	{"equipment", "/equipment/", "equip.view"},
	{NULL, NULL, NULL},
};

/* The object cell: "隐患 #42" (or the person's name for a user), a link where allowed. */
static void object_cell(struct req *r, const char *entity, int64_t id, int64_t link_id,
			const char *label)
{
	const char *kind = code_name(r, "audit.ent.", entity);
	struct strbuf text = STRBUF_INIT;
	if (label && *label)
		sb_addf(&text, "%s %s", kind, label);
	else if (id > 0)
		sb_addf(&text, "%s #%lld", kind, (long long)id);
	else
		sb_adds(&text, kind);
	const char *path = NULL;
	for (int i = 0; object_pages[i].entity; i++)
		if (!strcmp(object_pages[i].entity, entity) && link_id > 0 && auth_has(r, object_pages[i].perm))
			path = object_pages[i].path;
	if (path)
		html_printf(&r->out, "<a class=\"audit-obj\" href=\"%s%D\">%s</a>", path, link_id, text.buf);
	else
		html_printf(&r->out, "<span class=\"audit-obj\">%s</span>", text.buf);
	sb_release(&text);
}

static int state_char(char c)
{
	return (c >= 'a' && c <= 'z') || c == '_';
}

/*
 * A hazard's summary is "HZ-… action: from → to", a permit's "PT-… from→to[: note]": show
 * the number, the states' names and the note. Any other summary is shown as written.
 */
static void summary_cell(struct req *r, const char *entity, const char *sum)
{
	const char *prefix = !strcmp(entity, "hazard") ? "hazard.status."
			     : !strcmp(entity, "permit") ? "permit.state." : NULL;
	const char *arrow = prefix ? strstr(sum, "→") : NULL;
	if (!arrow) {
		html_printf(&r->out, "%s", sum);
		return;
	}
	const char *fe = arrow;
	while (fe > sum && fe[-1] == ' ')
		fe--;
	const char *fb = fe;
	while (fb > sum && state_char(fb[-1]))
		fb--;
	const char *tb = arrow + strlen("→");
	while (*tb == ' ')
		tb++;
	const char *te = tb;
	while (state_char(*te))
		te++;
	if (fb == fe || tb == te) {
		html_printf(&r->out, "%s", sum);
		return;
	}
	const char *number = arena_printf(&r->arena, "%.*s", (int)strcspn(sum, " "), sum);
	const char *from = arena_printf(&r->arena, "%.*s", (int)(fe - fb), fb);
	const char *to = arena_printf(&r->arena, "%.*s", (int)(te - tb), tb);
	html_printf(&r->out, "%s <span class=\"audit-states\">%s → %s</span>%s",
		    number == fb ? "" : number, code_name(r, prefix, from), code_name(r, prefix, to), te);
}

/* A drop-down of the values the log holds for `column`, by name; the current one kept. */
static void filter_select(struct req *r, const struct audit_filter *f, const char *name,
			  const char *current, const char *sql, const char *name_prefix)
{
	html_printf(&r->out, "<label>%s<select name=\"%s\"><option value=\"\">%s</option>",
		    T(r, arena_printf(&r->arena, "audit.%s", name)), name, T(r, "audit.all"));
	int seen = !*current;
	struct db_stmt *st = db_query(r->db, sql, "");
	while (st && db_step(st) == 1) {
		const char *v = db_col_text(st, 0), *label = db_col_text(st, 1);
		int sel = !strcmp(v, current);
		seen |= sel;
		if (name_prefix)
			label = code_name(r, name_prefix, v);
		else if (*label)
			label = arena_printf(&r->arena, "%s (%s)", label, v);
		else
			label = code_name(r, "audit.who.", v);	/* "demo", "cli": no person */
		html_printf(&r->out, "<option value=\"%s\"%r>%s</option>", v, sel ? " selected" : "", label);
	}
	db_done(r->db, st);
	if (!seen)
		html_printf(&r->out, "<option value=\"%s\" selected>%s</option>", current,
			    name_prefix ? code_name(r, name_prefix, current) : current);
	html_printf(&r->out, "</select>");
	if (f->bad_field && !strcmp(f->bad_field, name))
		html_printf(&r->out, "<span class=\"field-error\" id=\"err-%s\">%s</span>", name, f->bad_msg);
	html_printf(&r->out, "</label>");
}

static int audit_page(struct req *r)
{
	struct audit_filter f;
	filter_read(r, &f);
	page_begin(r, T(r, "nav.audit"));
	html_printf(&r->out, "<section class=\"card audit-page\"><h1>%s</h1><p><a class=\"button\" href=\"/audit/verify\">%s</a></p>",
		    T(r, "nav.audit"), T(r, "audit.verify"));
	html_printf(&r->out, "<form method=\"get\" action=\"/audit\" class=\"filters\">");
	filter_select(r, &f, "action", f.action, AUDIT_ACTIONS_SQL, "audit.act.");
	filter_select(r, &f, "entity", f.entity, AUDIT_ENTITIES_SQL, "audit.ent.");
	filter_select(r, &f, "username", f.username, AUDIT_USERS_SQL, NULL);
	filter_input(r, &f, "entity_id", req_query(r, "entity_id") && !f.bad_field ? req_query(r, "entity_id") : "",
		     "inputmode=\"numeric\" maxlength=\"19\"");
	filter_input(r, &f, "from", f.from, "type=\"date\"");
	filter_input(r, &f, "to", f.to, "type=\"date\"");
	html_printf(&r->out, "<button>%s</button></form>", T(r, "org.filter"));
	if (f.bad_field) {
		r->status = 422;
		page_notice(r, "error", f.bad_msg);
		/* page and per_page have no input to stand beside: name the field as error pages do */
		html_printf(&r->out, "<p class=\"field\">%s: <code>%s</code></p>", T(r, "error.field"), f.bad_field);
		html_printf(&r->out, "</section>");
		page_end(r);
		return 0;
	}
	int64_t total = 0;
	db_get_i64(r->db, &total, AUDIT_SQL(&f, AUDIT_COUNT_HEAD, ""), AUDIT_TYPES, AUDIT_ARGS(&f));
	/* the page of entries first, then the names: the filter's columns are audit_log's alone */
	struct db_stmt *st = db_query(r->db, AUDIT_SQL(&f, AUDIT_PAGE_HEAD, AUDIT_PAGE_TAIL),
		AUDIT_TYPES "ii", AUDIT_ARGS(&f), f.per_page, (f.page - 1) * f.per_page);
	html_printf(&r->out, "<div class=\"table-wrap audit-wrap\"><table class=\"audit\"><thead><tr><th>#</th><th>%s</th>"
			     "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
		    T(r, "audit.at"), T(r, "audit.username"), T(r, "audit.entity"), T(r, "audit.action"),
		    T(r, "audit.summary"), T(r, "audit.ip"));
	while (st && db_step(st) == 1) {
		const char *account = db_col_text(st, 2), *name = db_col_text(st, 8);
		const char *entity = db_col_text(st, 4);
		html_printf(&r->out, "<tr data-entry=\"%D\"><td class=\"audit-id\">%D</td><td class=\"audit-at\">%s</td>"
				     "<td class=\"audit-who\" data-label=\"%s\">",
			    db_col_i64(st, 0), db_col_i64(st, 0), page_time(r, db_col_i64(st, 1)), T(r, "audit.username"));
		if (*name)
			html_printf(&r->out, "%s <small class=\"account\">%s</small>", name, account);
		else
			html_printf(&r->out, "%s", *account ? code_name(r, "audit.who.", account) : "—");
		html_printf(&r->out, "</td><td class=\"audit-object\" data-label=\"%s\">", T(r, "audit.entity"));
		object_cell(r, entity, db_col_i64(st, 5), db_col_i64(st, 10), db_col_text(st, 9));
		html_printf(&r->out, "</td><td class=\"audit-action\" data-label=\"%s\" data-code=\"%s\">%s</td>"
				     "<td class=\"summary\" data-label=\"%s\">",
			    T(r, "audit.action"), db_col_text(st, 6), code_name(r, "audit.act.", db_col_text(st, 6)),
			    T(r, "audit.summary"));
		summary_cell(r, entity, db_col_text(st, 7));
		html_printf(&r->out, "</td><td class=\"audit-ip\" data-label=\"%s\">%s</td></tr>", T(r, "audit.ip"),
			    db_col_text(st, 3));
	}
	db_done(r->db, st);
	html_printf(&r->out, "</tbody></table></div>");

	/* the pager keeps the filters */
	struct strbuf q = STRBUF_INIT;
	const char *names[] = {"entity", "username", "action", "from", "to", NULL};
	const char *vals[] = {f.entity, f.username, f.action, f.from, f.to};
	for (int i = 0; names[i]; i++) {
		sb_addf(&q, "%s=", names[i]);
		url_encode(&q, vals[i]);
		sb_addc(&q, '&');
	}
	if (f.entity_id)
		sb_addf(&q, "entity_id=%lld&", (long long)f.entity_id);
	int64_t pages = (total + f.per_page - 1) / f.per_page;
	html_printf(&r->out, "<nav class=\"pager\"><span>%s %D</span><span>", T(r, "org.total"), total);
	if (f.page > 1)
		html_printf(&r->out, "<a rel=\"prev\" href=\"/audit?%spage=%d\">%s</a> ", q.buf, f.page - 1,
			    T(r, "org.prev"));
	if (pages > 1)
		html_printf(&r->out, "%d / %D ", f.page, pages);
	if (f.page < pages)
		html_printf(&r->out, "<a rel=\"next\" href=\"/audit?%spage=%d\">%s</a>", q.buf, f.page + 1,
			    T(r, "org.next"));
	html_printf(&r->out, "</span></nav></section>");
	sb_release(&q);
	page_end(r);
	return 0;
}

static int audit_verify_page(struct req *r)
{
	int64_t checked = 0;
	const char *why = NULL;
	int64_t bad = audit_verify(r->db, &checked, &why);
	page_begin(r, T(r, "audit.verify"));
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1>", T(r, "audit.verify"));
	if (bad == 0) {
		html_printf(&r->out, "<div class=\"notice notice-ok\" id=\"verify-result\" data-intact=\"1\">"
				     "%s <strong>%D</strong> %s</div>",
			    T(r, "audit.intact"), checked, T(r, "audit.entries"));
	} else if (bad < 0) {
		page_notice(r, "error", T(r, "error.unavailable"));
	} else {
		html_printf(&r->out, "<div class=\"notice notice-error\" id=\"verify-result\" data-intact=\"0\">"
				     "%s <strong id=\"broken-entry\">%D</strong>"
				     "<br><small>%s</small></div>",
			    T(r, "audit.broken"), bad, why ? why : "");
	}
	html_printf(&r->out, "<p class=\"hint\">%s</p><p><a href=\"/audit\">%s</a></p></section>",
		    T(r, "audit.verify_hint"), T(r, "nav.audit"));
	page_end(r);
	return 0;
}

static int api_audit(struct req *r)
{
	struct audit_filter f;
	filter_read(r, &f);
	if (f.bad_field) {
		resp_error(r, 422, "invalid", f.bad_msg, f.bad_field);
		return 0;
	}
	int64_t total = 0;
	json_t *items = json_array();
	struct db_stmt *st = filter_query(r, &f, &total);
	while (st && db_step(st) == 1)
		json_array_append_new(items, json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:I, s:s, s:s}",
			"id", (json_int_t)db_col_i64(st, 0), "at", (json_int_t)db_col_i64(st, 1),
			"user_id", (json_int_t)db_col_i64(st, 2), "username", db_col_text(st, 3),
			"client_ip", db_col_text(st, 4), "entity", db_col_text(st, 5),
			"entity_id", (json_int_t)db_col_i64(st, 6), "action", db_col_text(st, 7),
			"summary", db_col_text(st, 8)));
	db_done(r->db, st);
	resp_json(r, 200, json_pack("{s:o, s:i, s:i, s:I}", "items", items, "page", f.page,
				    "per_page", f.per_page, "total", (json_int_t)total));
	return 0;
}

static int api_audit_verify(struct req *r)
{
	int64_t checked = 0;
	const char *why = NULL;
	int64_t bad = audit_verify(r->db, &checked, &why);
	if (bad < 0) {
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	json_t *o = json_pack("{s:b, s:I}", "intact", bad == 0, "checked", (json_int_t)checked);
	if (bad) {
		json_object_set_new(o, "broken_id", json_integer(bad));
		json_object_set_new(o, "reason", json_string(why ? why : ""));
	}
	resp_json(r, 200, o);
	return 0;
}

const struct route audit_routes[] = {
	{"GET", "/audit", audit_page, "audit.read", 0, "Audit log, newest first, filtered and paginated"},
	{"GET", "/audit/verify", audit_verify_page, "audit.read", 0, "Check the audit log's hash chain"},
	{"GET", "/api/v1/audit", api_audit, "audit.read", ROUTE_API | ROUTE_PAGED,
	 "Audit entries; ?entity=&entity_id=&username=&action=&from=&to=&page=&per_page="},
	{"GET", "/api/v1/audit/verify", api_audit_verify, "audit.read", ROUTE_API,
	 "Check the hash chain: intact, checked, broken_id"},
	{0},
};
