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
#include "base/day.h"
#include "base/text.h"
#include "db/db.h"
#include "http/http.h"
#include "web/i18n.h"
#include "web/page.h"

#include <string.h>

#define AUDIT_PER_PAGE 50
#define AUDIT_PER_PAGE_MAX 500

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
	if (req_query_int(r, "page", 1, 10000000, &p) < 0)
		filter_bad(r, f, "page", "org.err_number");
	if (req_query_int(r, "per_page", 1, INT64_MAX, &n) < 0)
		filter_bad(r, f, "per_page", "org.err_number");
	f->page = (int)p;
	f->per_page = n > AUDIT_PER_PAGE_MAX ? AUDIT_PER_PAGE_MAX : (int)n;
}

#define AUDIT_WHERE " WHERE (? = '' OR entity = ?) AND (? = 0 OR entity_id = ?)" \
	" AND (? = '' OR username = ?) AND (? = '' OR action = ?)" \
	" AND (? = 0 OR at >= ?) AND (? = 0 OR at <= ?)"
#define AUDIT_TYPES "ttIIttttIIII"
#define AUDIT_ARGS(f) (f)->entity, (f)->entity, (f)->entity_id, (f)->entity_id, (f)->username, \
	(f)->username, (f)->action, (f)->action, (f)->at_from, (f)->at_from, (f)->at_to, (f)->at_to

static struct db_stmt *filter_query(struct req *r, const struct audit_filter *f, int64_t *total)
{
	db_get_i64(r->db, total, "SELECT count(*) FROM audit_log" AUDIT_WHERE, AUDIT_TYPES, AUDIT_ARGS(f));
	return db_query(r->db, "SELECT id, at, COALESCE(user_id, 0), username, client_ip, entity,"
			" entity_id, action, summary FROM audit_log" AUDIT_WHERE
			" ORDER BY id DESC LIMIT ? OFFSET ?", AUDIT_TYPES "ii", AUDIT_ARGS(f),
			f->per_page, (f->page - 1) * f->per_page);
}

static void filter_input(struct req *r, const struct audit_filter *f, const char *name,
			 const char *value, html_raw attrs)
{
	html_printf(&r->out, "<label>%s<input name=\"%s\" value=\"%s\" %r>",
		    T(r, arena_printf(&r->arena, "audit.%s", name)), name, value, attrs);
	if (f->bad_field && !strcmp(f->bad_field, name))
		html_printf(&r->out, "<span class=\"field-error\" id=\"err-%s\">%s</span>", name, f->bad_msg);
	html_printf(&r->out, "</label>");
}

static int audit_page(struct req *r)
{
	struct audit_filter f;
	filter_read(r, &f);
	page_begin(r, T(r, "nav.audit"));
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1><p><a class=\"button\" href=\"/audit/verify\">%s</a></p>",
		    T(r, "nav.audit"), T(r, "audit.verify"));
	html_printf(&r->out, "<form method=\"get\" action=\"/audit\" class=\"filters\">");
	filter_input(r, &f, "entity", f.entity, "maxlength=\"32\"");
	filter_input(r, &f, "entity_id", req_query(r, "entity_id") && !f.bad_field ? req_query(r, "entity_id") : "",
		     "inputmode=\"numeric\" maxlength=\"19\"");
	filter_input(r, &f, "username", f.username, "maxlength=\"64\"");
	filter_input(r, &f, "action", f.action, "maxlength=\"32\"");
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
	struct db_stmt *st = filter_query(r, &f, &total);
	html_printf(&r->out, "<div class=\"table-wrap\"><table class=\"audit\"><thead><tr><th>#</th><th>%s</th>"
			     "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
		    T(r, "audit.at"), T(r, "audit.username"), T(r, "audit.ip"), T(r, "audit.entity"),
		    T(r, "audit.action"), T(r, "audit.summary"));
	while (st && db_step(st) == 1)
		html_printf(&r->out, "<tr><td>%D</td><td>%s</td><td>%s</td><td>%s</td><td>%s #%D</td>"
				     "<td>%s</td><td class=\"summary\">%s</td></tr>",
			    db_col_i64(st, 0), page_time(r, db_col_i64(st, 1)), db_col_text(st, 3),
			    db_col_text(st, 4), db_col_text(st, 5), db_col_i64(st, 6), db_col_text(st, 7),
			    db_col_text(st, 8));
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
	{"GET", "/api/v1/audit", api_audit, "audit.read", ROUTE_API,
	 "Audit entries; ?entity=&entity_id=&username=&action=&from=&to=&page=&per_page="},
	{"GET", "/api/v1/audit/verify", api_audit_verify, "audit.read", ROUTE_API,
	 "Check the hash chain: intact, checked, broken_id"},
	{0},
};
