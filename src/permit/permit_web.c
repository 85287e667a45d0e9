/*
 * permit_web.c — the permit pages: list, application form, the permit itself with its action
 * forms (drawn from the transition table), gas tests, the live list, the calendar and the
 * by-area view; and the route table of the whole module.
 *
 * Everything works without JavaScript; static/permit.js only fills in the phone's location and
 * static/picker.js makes the analyst picker searchable.
 */
#include "permit/permit.h"
#include "contractor/contractor.h"
#include "auth/actor.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/strbuf.h"
#include "base/text.h"
#include "db/db.h"
#include "http/static.h"
#include "web/i18n.h"
#include "web/page.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

const char *permit_tr(struct req *r, const char *prefix, const char *code)
{
	char *key = arena_printf(&r->arena, "%s.%s", prefix, code && *code ? code : "none");
	return i18n_get(r->lang, key);
}

const char *permit_grade_label(struct req *r, const char *type, const char *grade)
{
	if (!grade || !*grade)
		return "";
	char *key = arena_printf(&r->arena, "permit.grade.%s.%s", type, grade);
	return i18n_get(r->lang, key);
}

void permit_err_respond(struct req *r, struct permit_err *e)
{
	const char *msg = T(r, e->key ? e->key : "permit.err.store");
	if (e->detail)
		msg = arena_printf(&r->arena, "%s: %s", msg, e->detail);
	resp_error(r, e->status ? e->status : 500, e->status == 409 ? "conflict" : e->status == 403 ? "forbidden"
		   : e->status == 404 ? "not_found" : "invalid", msg, e->field);
	permit_err_clear(e);
}

int permit_read_act_in(struct req *r, struct permit_act_in *in, struct permit_err *e)
{
	const char *v;
	memset(in, 0, sizeof(*in));
	in->password = req_field(r, "password");
	in->reason = req_field(r, "reason");
	v = req_field(r, "ack_conflicts");
	in->ack_conflicts = v && (!strcmp(v, "1") || !strcmp(v, "on") || !strcmp(v, "true"));
	v = req_field(r, "site_clear");
	in->site_clear = v && (!strcmp(v, "1") || !strcmp(v, "on") || !strcmp(v, "true"));
	const char *lat = req_field(r, "lat"), *lng = req_field(r, "lng");
	if (lat && *lat && lng && *lng) {
		if (text_parse_double(lat, &in->lat) || in->lat < -90 || in->lat > 90) {
			permit_err_set(e, 422, "permit.err.location_bad", "lat", NULL);
			return -1;
		}
		if (text_parse_double(lng, &in->lng) || in->lng < -180 || in->lng > 180) {
			permit_err_set(e, 422, "permit.err.location_bad", "lng", NULL);
			return -1;
		}
		in->has_loc = 1;
	}
	v = req_field(r, "new_end");
	if (v && *v) {
		if (text_parse_i64(v, &in->new_end)) {
			struct tm tm = {0};
			const char *end = strptime(v, "%Y-%m-%dT%H:%M", &tm);
			if (!end) {
				permit_err_set(e, 422, "permit.err.time", "new_end", NULL);
				return -1;
			}
			in->new_end = (int64_t)timegm(&tm) - clock_local_offset();
		}
	}
	return 0;
}

static const char *local_input(struct req *r, int64_t t)
{
	char buf[32];
	clock_format(t, "%Y-%m-%dT%H:%M", buf, sizeof(buf));
	return arena_strdup(&r->arena, buf);
}

static const char *state_badge(const char *state)
{
	if (!strcmp(state, "in_progress") || !strcmp(state, "approved"))
		return "ok";
	if (!strcmp(state, "suspended") || !strcmp(state, "refused"))
		return "bad";
	if (!strcmp(state, "submitted") || !strcmp(state, "approving"))
		return "warn";
	return "";
}

/* One permit as a list row (shared by list, live, area and site pages). */
void permit_row(struct req *r, struct db_stmt *st);
void permit_row(struct req *r, struct db_stmt *st)
{
	/* columns: id, number, type, grade, state, content, area, planned_start, planned_end */
	html_printf(&r->out, "<li class=\"permit-row\"><a href=\"/permits/%D\"><strong>%s</strong> %s %s</a>"
			     " <span class=\"badge %s\">%s</span><p>%s</p><small>%s · %s – %s</small></li>",
		    db_col_i64(st, 0), db_col_text(st, 1), permit_tr(r, "permit.type", db_col_text(st, 2)),
		    permit_grade_label(r, db_col_text(st, 2), db_col_text(st, 3)), state_badge(db_col_text(st, 4)),
		    permit_tr(r, "permit.state", db_col_text(st, 4)), db_col_text(st, 5), db_col_text(st, 6),
		    page_time(r, db_col_i64(st, 7)), page_time(r, db_col_i64(st, 8)));
}

#define ROW_COLS "p.id, p.number, p.type, p.grade, p.state, p.content, a.name, p.planned_start, p.planned_end"
/* in scope, or the requester is on the permit */
#define SCOPE_SQL " JOIN units u ON u.id = p.unit_id JOIN areas a ON a.id = p.area_id WHERE" \
	" ((u.path LIKE ? AND (? = 0 OR p.applicant_id = ?)) OR p.applicant_id = ? OR p.guardian_id = ?" \
	" OR EXISTS (SELECT 1 FROM permit_workers w WHERE w.permit_id = p.id AND w.user_id = ?))"

static void subnav(struct req *r)
{
	html_printf(&r->out, "<nav class=\"permit-nav\"><a href=\"/permits\">%s</a><a href=\"/permits/live\">%s</a>"
			     "<a href=\"/permits/calendar\">%s</a><a href=\"/permits/areas\">%s</a>",
		    T(r, "permit.list"), T(r, "permit.live"), T(r, "permit.calendar"), T(r, "permit.by_area"));
	if (auth_has(r, "permit.apply"))
		html_printf(&r->out, "<a class=\"button primary\" href=\"/permits/new\">%s</a>", T(r, "permit.new"));
	html_printf(&r->out, "</nav>");
}

static const char *const states[] = {"draft", "submitted", "approving", "approved", "in_progress",
				     "suspended", "refused", "closed", "cancelled", NULL};

const char *const permit_done_notices[] = {"submit", "approve", "refuse", "revise", "start", "suspend", "resume",
					    "extend", "close", "cancel", "gas_pass", "gas_fail", "created",
					    "saved", NULL};

void permit_list_filters(struct req *r, const char **state, const char **type)
{
	const char *t = req_query(r, "type");
	*state = "";
	*type = "";
	req_query_enum(r, "state", states, state);
	if (t && *t) {
		if (permit_type_find(t))
			*type = t;
		else
			req_bad_param(r, "type");
	}
}

/* What waits for the person (?11 the line, ?12 the person): approve — the next step of the
 * chain is a role he holds (for a unit-level step, in his unit), not his own application, not
 * yet approved by him this round; guard — approved with him as the guardian, to start; close —
 * started with him as the guardian. */
#define TODO_SQL \
	" AND (?11 = '' OR (?11 = 'approve' AND p.state IN ('submitted', 'approving') AND p.applicant_id <> ?12" \
	"  AND EXISTS (SELECT 1 FROM permit_chain c WHERE c.type = p.type AND c.grade = p.grade" \
	"   AND c.step = p.chain_step + 1 AND EXISTS (SELECT 1 FROM user_roles ur JOIN roles ro ON ro.id = ur.role_id" \
	"    WHERE ur.user_id = ?12 AND (' ' || c.roles || ' ') LIKE ('% ' || ro.code || ' %'))" \
	"   AND (c.level <> 'unit' OR EXISTS (SELECT 1 FROM users mu JOIN units uu ON uu.id = mu.unit_id" \
	"    WHERE mu.id = ?12 AND u.path LIKE uu.path || '%')))" \
	"  AND NOT EXISTS (SELECT 1 FROM permit_approvals pa WHERE pa.permit_id = p.id AND pa.round = p.round" \
	"   AND pa.user_id = ?12 AND pa.decision = 'approve'))" \
	" OR (?11 = 'guard' AND p.guardian_id = ?12 AND p.state = 'approved')" \
	" OR (?11 = 'close' AND p.guardian_id = ?12 AND p.state IN ('in_progress', 'suspended')))"

static struct db_stmt *list_query(struct req *r, const char *state, const char *type, const char *todo)
{
	int64_t me = r->who->user_id, own = auth_scope_owner(r);
	return db_query(r->db, "SELECT " ROW_COLS " FROM permits p" SCOPE_SQL
		" AND (? = '' OR p.state = ?) AND (? = '' OR p.type = ?)" TODO_SQL " ORDER BY p.id DESC LIMIT 200",
		"tIIIIItttttI", auth_scope_pattern(r), own, own, me, me, me, state ? state : "", state ? state : "",
		type ? type : "", type ? type : "", todo ? todo : "", me);
}

/* The count of a "waiting for me" line: the rows its list shows (up to the list's 200), by
 * the list's own scope and line terms plus the states the line implies, stated as a plain
 * conjunct. The list's statement serves every line ("?11 = '' OR …"), so SQLite planned it
 * without one and walked every permit the person may see for each line of every home page
 * (50,000 permits: 260 ms); with the states it seeks permits_state for the few open ones. */
#define TODO_COUNT_SQL(states) \
	"SELECT count(*) FROM (SELECT 1 FROM permits p" SCOPE_SQL " AND p.state IN " states \
	" AND (? = '' OR p.state = ?) AND (? = '' OR p.type = ?)" TODO_SQL " LIMIT 200) AS todo"

int64_t permit_todo_count(struct req *r, const char *todo)
{
	static const struct {
		const char *todo, *sql;
	} lines[] = {
		{"approve", TODO_COUNT_SQL("('submitted', 'approving')")},
		{"guard", TODO_COUNT_SQL("('approved')")},
		{"close", TODO_COUNT_SQL("('in_progress', 'suspended')")},
	};
	int64_t n = 0, me = r->who->user_id, own = auth_scope_owner(r);
	for (size_t i = 0; i < sizeof(lines) / sizeof(*lines); i++)
		if (!strcmp(lines[i].todo, todo) &&
		    db_get_i64(r->db, &n, lines[i].sql, "tIIIIItttttI", auth_scope_pattern(r), own, own, me, me, me,
			       "", "", "", "", todo, me) != 1)
			n = 0;
	return n;
}

static int list_page(struct req *r)
{
	const char *state, *type, *todo = "";
	permit_list_filters(r, &state, &type);
	static const char *const todos[] = {"approve", "guard", "close", NULL};
	req_query_enum(r, "todo", todos, &todo);
	page_begin(r, T(r, "nav.permits"));
	subnav(r);
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1><form class=\"filters\" method=\"get\">"
			     "<label>%s<select name=\"type\"><option value=\"\">%s</option>",
		    T(r, "nav.permits"), T(r, "permit.f.type"), T(r, "permit.all"));
	for (const struct permit_type *t = permit_type_list; t->code; t++)
		html_printf(&r->out, "<option value=\"%s\"%r>%s</option>", t->code,
			    type && !strcmp(type, t->code) ? " selected" : "", permit_tr(r, "permit.type", t->code));
	html_printf(&r->out, "</select></label><label>%s<select name=\"state\"><option value=\"\">%s</option>",
		    T(r, "permit.f.state"), T(r, "permit.all"));
	for (int i = 0; states[i]; i++)
		html_printf(&r->out, "<option value=\"%s\"%r>%s</option>", states[i],
			    state && !strcmp(state, states[i]) ? " selected" : "", permit_tr(r, "permit.state", states[i]));
	if (*todo)	/* opened from the home page's "waiting for me": keep it, and say so */
		html_printf(&r->out, "<input type=\"hidden\" name=\"todo\" value=\"%s\">", todo);
	html_printf(&r->out, "</select></label><button>%s</button></form>", T(r, "permit.filter"));
	if (*todo)
		html_printf(&r->out, "<p class=\"permit-todo\"><span class=\"badge warn\">%s</span></p>",
			    T(r, arena_printf(&r->arena, "permit.todo.%s", todo)));
	html_printf(&r->out, "<ul class=\"list\">");
	struct db_stmt *st = list_query(r, state, type, todo);
	int n = 0;
	while (st && db_step(st) == 1) {
		permit_row(r, st);
		n++;
	}
	db_done(r->db, st);
	if (!n)
		html_printf(&r->out, "<li class=\"empty\">%s</li>", T(r, "permit.none"));
	html_printf(&r->out, "</ul></section>");
	page_end(r);
	return 0;
}

static int live_page(struct req *r)
{
	int64_t me = r->who->user_id, own = auth_scope_owner(r);
	page_begin(r, T(r, "permit.live"));
	subnav(r);
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1><p class=\"hint\">%s</p><ul class=\"list\">",
		    T(r, "permit.live"), T(r, "permit.live_hint"));
	struct db_stmt *st = db_query(r->db, "SELECT " ROW_COLS " FROM permits p" SCOPE_SQL
		" AND p.state IN ('in_progress', 'suspended') ORDER BY a.name, p.planned_end",
		"tIIIII", auth_scope_pattern(r), own, own, me, me, me);
	int n = 0;
	while (st && db_step(st) == 1) {
		permit_row(r, st);
		n++;
	}
	db_done(r->db, st);
	if (!n)
		html_printf(&r->out, "<li class=\"empty\">%s</li>", T(r, "permit.none"));
	html_printf(&r->out, "</ul></section>");
	page_end(r);
	return 0;
}

/* --- the application form --- */

static void check(struct req *r, const char *name, const char *label, int on)
{
	html_printf(&r->out, "<label class=\"inline\"><input type=\"checkbox\" name=\"%s\" value=\"1\"%r>%s</label>",
		    name, on ? " checked" : "", label);
}

static int new_page(struct req *r)
{
	const char *type = req_query(r, "type");
	if (type && *type && !permit_type_find(type))
		req_bad_param(r, "type");	/* 400 (router.c), not the type picker */
	if (permit_type_find(type)) {
		permit_form_page(r, type, NULL, 0, NULL);
		return 0;
	}
	page_begin(r, T(r, "permit.new"));
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1><div class=\"tiles\">", T(r, "permit.pick_type"));
	for (const struct permit_type *t = permit_type_list; t->code; t++)
		html_printf(&r->out, "<a class=\"tile\" href=\"/permits/new?type=%s\"><strong>%s</strong><span>%s</span></a>",
			    t->code, permit_tr(r, "permit.type", t->code), permit_tr(r, "permit.type_hint", t->code));
	html_printf(&r->out, "</div></section>");
	page_end(r);
	return 0;
}

/* --- the requester's view of a permit, for pages and the API --- */

int permit_visible(struct req *r, const struct permit *p)
{
	struct actor a;
	actor_from_req(r, &a);
	return permit_visible_to(&a, p);
}

const char *permit_user_name(struct req *r, int64_t user_id)
{
	char *name = NULL;
	if (!user_id || db_get_text(r->db, &name, "SELECT name FROM users WHERE id = ?", "I", user_id) != 1)
		return "—";
	char *s = arena_strdup(&r->arena, name);
	free(name);
	return s;
}

const char *permit_setting(struct req *r, const char *key, const char *dflt)
{
	char *v = NULL;
	if (db_get_text(r->db, &v, "SELECT value FROM settings WHERE key = ?", "t", key) != 1)
		return dflt;
	char *s = arena_strdup(&r->arena, v);
	free(v);
	return s;
}

static const char *req_source(void *r, const char *name)
{
	return req_field(r, name);
}

void permit_input_req(struct req *r, struct permit_input *in)
{
	*in = (struct permit_input){.field = req_source, .ctx = r, .json = r->json};
}

static int create_post(struct req *r)
{
	return permit_save_post(r, 0);
}

/* --- the permit --- */

static void action_form(struct req *r, const struct permit *p, const char *action, const char *next)
{
	struct strbuf *o = &r->out;
	html_printf(o, "<form class=\"stack permit-action\" method=\"post\" action=\"/permits/%D/act/%s\" data-geo=\"1\">%r"
		       "<input type=\"hidden\" name=\"next\" value=\"%s\"><input type=\"hidden\" name=\"lat\">"
		       "<input type=\"hidden\" name=\"lng\">",
		    p->id, action, page_csrf(r), next);
	int sign = !strcmp(action, "approve") || !strcmp(action, "refuse") || !strcmp(action, "close") ||
		   !strcmp(action, "extend");
	if (!strcmp(action, "approve") && *p->conflicts)
		check(r, "ack_conflicts", T(r, "permit.ack_conflicts"), 0);
	if (!strcmp(action, "extend"))
		html_printf(o, "<label>%s<input type=\"datetime-local\" name=\"new_end\" value=\"%s\" required></label>",
			    T(r, "permit.f.new_end"), local_input(r, p->planned_end));
	if (!strcmp(action, "close"))
		check(r, "site_clear", T(r, "permit.site_clear"), 0);
	if (!strcmp(action, "refuse") || !strcmp(action, "suspend") || !strcmp(action, "cancel") ||
	    !strcmp(action, "close") || !strcmp(action, "start"))
		html_printf(o, "<label>%s<input name=\"reason\"%r></label>",
			    permit_tr(r, "permit.reason_for", action),
			    strcmp(action, "refuse") && strcmp(action, "suspend") ? "" : " required");
	if (sign)
		html_printf(o, "<label>%s<input type=\"password\" name=\"password\" autocomplete=\"current-password\" required></label>",
			    T(r, "permit.signature"));
	html_printf(o, "<button class=\"%s\">%s</button></form>",
		    !strcmp(action, "refuse") || !strcmp(action, "cancel") || !strcmp(action, "suspend") ? "danger" : "primary",
		    permit_tr(r, "permit.action", action));
}

static void show_gas(struct req *r, const struct permit *p)
{
	if (!permit_gas_required(p->type, p->hazardous_area))
		return;
	struct strbuf *o = &r->out;
	html_printf(o, "<section class=\"card\"><h2>%s</h2><div class=\"table-wrap\"><table><tr><th>%s</th><th>%s</th>"
		       "<th>O₂ %%</th><th>%s</th><th>%s</th><th>%s</th></tr>",
		    T(r, "permit.gas"), T(r, "permit.gas_time"), T(r, "permit.gas_analyst"), T(r, "permit.gas_comb"),
		    T(r, "permit.gas_toxic"), T(r, "permit.gas_result"));
	struct db_stmt *st = db_query(r->db,
		"SELECT g.id, g.taken_at, u.name, COALESCE(CAST(g.o2 AS TEXT), '—'), COALESCE(CAST(g.combustible AS TEXT), '—'),"
		" g.passed, g.reason, (SELECT string_agg(t.gas || ' ' || t.value, ', ') FROM permit_gas_toxic t WHERE t.test_id = g.id)"
		" FROM permit_gas_tests g JOIN users u ON u.id = g.analyst_id WHERE g.permit_id = ? ORDER BY g.taken_at DESC",
		"I", p->id);
	while (st && db_step(st) == 1)
		html_printf(o, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td><span class=\"badge %s\">%s</span> %s</td></tr>",
			    page_time(r, db_col_i64(st, 1)), db_col_text(st, 2), db_col_text(st, 3), db_col_text(st, 4),
			    db_col_text(st, 7), db_col_i64(st, 5) ? "ok" : "bad",
			    T(r, db_col_i64(st, 5) ? "permit.gas_pass" : "permit.gas_fail"), db_col_text(st, 6));
	db_done(r->db, st);
	html_printf(o, "</table></div>");
	if (!strcmp(p->state, "approved") || !strcmp(p->state, "in_progress") || !strcmp(p->state, "suspended")) {
		/* the analyst picker as the form's: certified analysts first (§5.3, §6.3) */
		html_printf(o, "<form class=\"stack\" method=\"post\" action=\"/permits/%D/gas\">%r<h3>%s</h3><label>%s",
			    p->id, page_csrf(r), T(r, "permit.gas_new"), T(r, "permit.gas_analyst"));
		permit_picker(r, permit_people_for(r, "gas_analyst", permit_cert_day(clock_now())), "analyst_id", 1, "",
			      NULL, NULL, 0);
		html_printf(o, "</label><label>%s<input name=\"point\"></label>"
			       "<label>O₂ %% (vol)<input name=\"o2\" inputmode=\"decimal\"></label>"
			       "<label>%s<input name=\"combustible\" inputmode=\"decimal\"></label>",
			    T(r, "permit.gas_point"), T(r, "permit.gas_comb"));
		if (!strcmp(p->type, "confined_space")) {
			st = db_query(r->db, "SELECT gas, name_zh, unit, limit_type, value FROM permit_gas_limits WHERE applies = 1 ORDER BY gas", NULL);
			while (st && db_step(st) == 1)
				html_printf(o, "<label>%s %s (%s, %s ≤ %s)<input name=\"toxic_%s\" inputmode=\"decimal\"></label>",
					    db_col_text(st, 0), db_col_text(st, 1), db_col_text(st, 2), db_col_text(st, 3),
					    db_col_text(st, 4), db_col_text(st, 0));
			db_done(r->db, st);
		}
		html_printf(o, "<button class=\"primary\">%s</button></form>", T(r, "permit.gas_record"));
	}
	html_printf(o, "</section>");
}

void permit_conflicts_html(struct req *r, const struct permit *p);
void permit_conflicts_html(struct req *r, const struct permit *p)
{
	if (!*p->conflicts)
		return;
	struct strbuf sb = STRBUF_INIT;
	html_printf(&sb, "<strong>%s</strong><ul>", T(r, "permit.conflicts"));
	char *copy = arena_strdup(&r->arena, p->conflicts), *save = NULL;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');
		if (sp)
			*sp++ = '\0';
		html_printf(&sb, "<li>%s %s</li>", permit_tr(r, "permit.conflict", line), sp ? sp : "");
	}
	html_printf(&sb, "</ul>");
	html_printf(&r->out, "<div class=\"notice notice-warn\" role=\"status\">%r</div>", html_raw_sb(&sb));
	sb_release(&sb);
}

static int show_page(struct req *r)
{
	int64_t id;
	struct permit *p = NULL;
	if (req_param_id(r, "id", &id) || !(p = permit_load(r->db, id)) || !permit_visible(r, p)) {
		permit_free(p);
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	struct strbuf *o = &r->out;
	char *area = NULL, *equip = NULL;
	db_get_text(r->db, &area, "SELECT name FROM areas WHERE id = ?", "I", p->area_id);
	db_get_text(r->db, &equip, "SELECT code || ' ' || name FROM equipment WHERE id = ?", "I", p->equipment_id);
	page_begin(r, p->number);
	subnav(r);
	html_printf(o, "<section class=\"card permit\"><h1>%s %s <span class=\"badge\">%s</span></h1>"
		       "<p><span class=\"badge %s\">%s</span> <a href=\"/permits/%D/print\">%s</a></p>",
		    permit_tr(r, "permit.type", p->type), permit_grade_label(r, p->type, p->grade), p->number,
		    state_badge(p->state), permit_tr(r, "permit.state", p->state), p->id, T(r, "permit.print"));
	if (auth_has(r, "permit.apply") && permit_editable(r, p))
		html_printf(o, "<p><a class=\"button\" href=\"/permits/%D/edit\">%s</a></p>", p->id, T(r, "permit.edit"));
	const char *notice = NULL;
	if (req_query_enum(r, "done", permit_done_notices, &notice) == 1 && permit_type_find(p->type))
		page_notice(r, "ok", permit_done_text(r, p, notice));
	permit_conflicts_html(r, p);
	permit_ppe_html(r, p);
	html_printf(o, "<dl class=\"facts\"><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
		       "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
		       "<dt>%s</dt><dd>%s – %s</dd>",
		    T(r, "permit.f.area"), area ? area : "", T(r, "permit.f.equipment"), equip ? equip : "—",
		    T(r, "permit.f.content"), p->content, T(r, "permit.f.hazards"), *p->hazards ? p->hazards : "—",
		    T(r, "permit.f.work_unit"), p->work_unit, p->contractor ? T(r, "permit.contractor_mark") : "",
		    T(r, "permit.f.applicant"), permit_user_name(r, p->applicant_id), T(r, "permit.f.guardian"),
		    permit_user_name(r, p->guardian_id), T(r, "permit.f.window"), page_time(r, p->planned_start),
		    page_time(r, p->planned_end));
	if (p->started_at)
		html_printf(o, "<dt>%s</dt><dd>%s</dd>", T(r, "permit.started"), page_time(r, p->started_at));
	if (p->closed_at)
		html_printf(o, "<dt>%s</dt><dd>%s</dd>", T(r, "permit.closed"), page_time(r, p->closed_at));
	if (p->nlinks) {
		html_printf(o, "<dt>%s</dt><dd>", T(r, "permit.f.related"));
		for (int i = 0; i < p->nlinks; i++) {
			char *num = NULL;
			db_get_text(r->db, &num, "SELECT number FROM permits WHERE id = ?", "I", p->links[i]);
			html_printf(o, "<a href=\"/permits/%D\">%s</a> ", p->links[i], num ? num : "");
			free(num);
		}
		html_printf(o, "</dd>");
	}
	html_printf(o, "</dl><h2>%s</h2><ul class=\"list\">", T(r, "permit.f.workers"));
	for (int i = 0; i < p->nworkers; i++)
		html_printf(o, "<li>%s <small>%s</small></li>", permit_user_name(r, p->workers[i].user_id), p->workers[i].role);
	html_printf(o, "</ul><h2>%s</h2><ul class=\"list permit-measures\">", T(r, "permit.f.measures"));
	struct db_stmt *st = db_query(r->db, "SELECT s.text_zh, s.text_en, COALESCE(u.name, '') FROM permit_measures m"
		" JOIN permit_measure_std s ON s.id = m.measure_id LEFT JOIN users u ON u.id = m.confirmed_by"
		" WHERE m.permit_id = ? ORDER BY s.sort", "I", p->id);
	while (st && db_step(st) == 1)
		html_printf(o, "<li>%s <small>%s %s</small></li>", db_col_text(st, strcmp(r->lang, "en") ? 0 : 1),
			    *db_col_text(st, 2) ? "✔" : "✘", *db_col_text(st, 2) ? db_col_text(st, 2) : T(r, "permit.unconfirmed"));
	db_done(r->db, st);
	html_printf(o, "</ul></section>");
	show_gas(r, p);

	/* the buttons: from the transition table */
	const char *acts[16];
	struct actor me;
	actor_from_req(r, &me);
	int n = permit_actions_for(&me, p, acts, 16);
	if (n) {
		const char *next = arena_printf(&r->arena, "/permits/%lld", (long long)p->id);
		html_printf(o, "<section class=\"card\"><h2>%s</h2><div class=\"permit-actions\">", T(r, "permit.actions"));
		for (int i = 0; i < n; i++)
			action_form(r, p, acts[i], next);
		html_printf(o, "</div></section>");
	}
	/* the guardian's score of a contractor's work, once the permit is closed */
	contractor_permit_panel(r, p->id, p->guardian_id, !strcmp(p->state, "closed"));
	html_printf(o, "<section class=\"card\"><h2>%s</h2><ul class=\"list\">", T(r, "permit.history"));
	st = db_query(r->db, "SELECT e.at, COALESCE(u.name, ''), e.action, e.to_state, e.note FROM permit_events e"
			     " LEFT JOIN users u ON u.id = e.user_id WHERE e.permit_id = ? ORDER BY e.id", "I", p->id);
	while (st && db_step(st) == 1)
		html_printf(o, "<li><strong>%s</strong> %s → %s <small>%s %s</small></li>",
			    permit_tr(r, "permit.action", db_col_text(st, 2)), *db_col_text(st, 1) ? db_col_text(st, 1) : T(r, "permit.system"),
			    permit_tr(r, "permit.state", db_col_text(st, 3)), page_time(r, db_col_i64(st, 0)), db_col_text(st, 4));
	db_done(r->db, st);
	html_printf(o, "</ul></section><script src=\"%s\" defer></script><script src=\"%s\" defer></script>",
		    static_url("permit.js"), static_url("picker.js"));
	page_end(r);
	free(area);
	free(equip);
	permit_free(p);
	return 0;
}

static int act_post(struct req *r)
{
	struct actor who;
	actor_from_req(r, &who);
	int64_t id;
	struct permit_act_in in;
	struct permit_err e = {0};
	const char *action = req_param(r, "action");
	if (req_param_id(r, "id", &id)) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	if (permit_read_act_in(r, &in, &e) || permit_act(&who, id, action, &in, &e)) {
		struct permit *p = NULL;
		/* a refused submit: the applicant's draft form again, the message under its field */
		if (!strcmp(action, "submit") && e.status == 422 && (p = permit_load(r->db, id)) &&
		    auth_has(r, "permit.apply") && permit_editable(r, p)) {
			r->status = 422;
			permit_form_stored(r, p, &e);
			permit_err_clear(&e);
		} else {
			permit_err_respond(r, &e);
		}
		permit_free(p);
		return 0;
	}
	const char *next = req_field(r, "next");
	if (!next || next[0] != '/' || next[1] == '/')
		next = arena_printf(&r->arena, "/permits/%lld", (long long)id);
	resp_redirect(r, arena_printf(&r->arena, "%s%sdone=%s", next, strchr(next, '?') ? "&" : "?", action));
	return 0;
}

static int gas_post(struct req *r)
{
	int64_t id;
	int passed = 0;
	struct permit_err e = {0};
	if (req_param_id(r, "id", &id)) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	struct actor a;
	struct permit_input in;
	actor_from_req(r, &a);
	permit_input_req(r, &in);
	if (permit_record_gas(&a, &in, id, &passed, &e)) {
		permit_err_respond(r, &e);
		return 0;
	}
	resp_redirect(r, arena_printf(&r->arena, "/permits/%lld?done=%s", (long long)id, passed ? "gas_pass" : "gas_fail"));
	return 0;
}

/* --- calendar and areas --- */

static int calendar_page(struct req *r)
{
	const char *month = req_query(r, "month");
	int y, m;
	char buf[16];
	char tail;
	int bad = !month || !*month || sscanf(month, "%4d-%2d%c", &y, &m, &tail) != 2 || m < 1 || m > 12 ||
		  y < 2000 || y > 2200;
	if (bad && month && *month)
		req_bad_param(r, "month");
	if (bad) {
		clock_format(clock_now(), "%Y-%m", buf, sizeof(buf));
		sscanf(buf, "%4d-%2d", &y, &m);
	}
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = 1};
	int64_t from = (int64_t)timegm(&tm) - clock_local_offset();
	struct tm tn = {.tm_year = (m == 12 ? y + 1 : y) - 1900, .tm_mon = m % 12, .tm_mday = 1};
	int64_t to = (int64_t)timegm(&tn) - clock_local_offset();
	int days = (int)((to - from) / 86400);
	int64_t me = r->who->user_id, own = auth_scope_owner(r);
	page_begin(r, T(r, "permit.calendar"));
	subnav(r);
	/* html_printf knows no widths: the dates are formatted first */
	char cur[32], prev[32], next[32];
	snprintf(cur, sizeof(cur), "%04d-%02d", y, m);
	snprintf(prev, sizeof(prev), "%04d-%02d", m == 1 ? y - 1 : y, m == 1 ? 12 : m - 1);
	snprintf(next, sizeof(next), "%04d-%02d", m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1);
	html_printf(&r->out, "<section class=\"card\"><h1>%s %s</h1><p class=\"pager\">"
			     "<a href=\"/permits/calendar?month=%s\">← %s</a><a href=\"/permits/calendar?month=%s\">%s →</a></p>"
			     "<ol class=\"permit-cal\">",
		    T(r, "permit.calendar"), cur, prev, T(r, "permit.prev"), next, T(r, "permit.next"));
	for (int d = 0; d < days; d++) {
		int64_t ds = from + (int64_t)d * 86400, de = ds + 86400;
		struct db_stmt *st = db_query(r->db, "SELECT " ROW_COLS " FROM permits p" SCOPE_SQL
			" AND p.state NOT IN ('cancelled', 'draft') AND p.planned_start < ? AND p.planned_end > ?"
			" ORDER BY a.name, p.planned_start", "tIIIIIII", auth_scope_pattern(r), own, own, me, me, me, de, ds);
		int n = 0;
		while (st && db_step(st) == 1) {
			if (!n++)
				html_printf(&r->out, "<li><h3>%s-%s</h3><ul class=\"list\">", cur,
					    arena_printf(&r->arena, "%02d", d + 1));
			html_printf(&r->out, "<li><a href=\"/permits/%D\">%s</a> %s · %s <span class=\"badge %s\">%s</span></li>",
				    db_col_i64(st, 0), db_col_text(st, 1), permit_tr(r, "permit.type", db_col_text(st, 2)),
				    db_col_text(st, 6), state_badge(db_col_text(st, 4)), permit_tr(r, "permit.state", db_col_text(st, 4)));
		}
		db_done(r->db, st);
		if (n)
			html_printf(&r->out, "</ul></li>");
	}
	html_printf(&r->out, "</ol></section>");
	page_end(r);
	return 0;
}

static int areas_page(struct req *r)
{
	int64_t me = r->who->user_id, own = auth_scope_owner(r);
	page_begin(r, T(r, "permit.by_area"));
	subnav(r);
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1><p class=\"hint\">%s</p>", T(r, "permit.by_area"),
		    T(r, "permit.by_area_hint"));
	struct db_stmt *st = db_query(r->db, "SELECT a.id, a.name, a.qr_token FROM areas a WHERE a.active = 1 ORDER BY a.name", NULL);
	struct strbuf ids = STRBUF_INIT;
	while (st && db_step(st) == 1)
		sb_addf(&ids, "%lld ", (long long)db_col_i64(st, 0));
	db_done(r->db, st);
	char *save = NULL;
	for (char *t = ids.len ? strtok_r(ids.buf, " ", &save) : NULL; t; t = strtok_r(NULL, " ", &save)) {
		int64_t aid = atoll(t);
		st = db_query(r->db, "SELECT " ROW_COLS " FROM permits p" SCOPE_SQL
			" AND p.area_id = ? AND p.state IN ('submitted', 'approving', 'approved', 'in_progress', 'suspended')"
			" ORDER BY p.planned_start", "tIIIIII", auth_scope_pattern(r), own, own, me, me, me, aid);
		int n = 0;
		while (st && db_step(st) == 1) {
			if (!n++)
				html_printf(&r->out, "<h2>%s</h2><ul class=\"list\">", db_col_text(st, 6));
			permit_row(r, st);
		}
		db_done(r->db, st);
		if (n)
			html_printf(&r->out, "</ul>");
	}
	sb_release(&ids);
	html_printf(&r->out, "</section>");
	page_end(r);
	return 0;
}

const struct route permit_routes[] = {
	{"GET", "/permits", list_page, "permit.view", 0, "Permits to work (特殊作业票) in scope"},
	{"GET", "/permits/new", new_page, "permit.apply", 0, "Apply for a permit: pick a type, fill in the form"},
	{"POST", "/permits", create_post, "permit.apply", 0, "Store a permit application as a draft"},
	{"GET", "/permits/live", live_page, "permit.view", 0, "Permits in progress or suspended now"},
	{"GET", "/permits/calendar", calendar_page, "permit.view", 0, "Permits by day for a month (?month=YYYY-MM)"},
	{"GET", "/permits/areas", areas_page, "permit.view", 0, "Active permits grouped by area"},
	{"GET", "/permits/site/:qr_token", permit_site_page, "permit.view", 0,
	 "On-site page for an area's QR code: approved permits with a start button"},
	{"GET", "/permits/:id", show_page, "permit.view", 0, "One permit with its actions, gas tests and history"},
	{"GET", "/permits/:id/edit", permit_edit_page, "permit.apply", 0, "Edit a draft application (its applicant only)"},
	{"POST", "/permits/:id", permit_update_post, "permit.apply", 0, "Save an edited draft application"},
	{"GET", "/permits/:id/print", permit_print_page, "permit.view", 0, "A4 print layout with a QR code"},
	{"POST", "/permits/:id/act/:action", act_post, "permit.view", 0,
	 "Run a lifecycle action (submit, approve, refuse, start, suspend, resume, extend, close, cancel, revise)"},
	{"POST", "/permits/:id/gas", gas_post, "permit.view", 0, "Record a gas test"},
	{"GET", "/api/v1/permits", permit_api_list, "permit.view", ROUTE_API | ROUTE_PAGED, "List permits in scope (?state=&type=&area_id=)"},
	{"POST", "/api/v1/permits", permit_api_create, "permit.apply", ROUTE_API, "Create a permit application (draft)"},
	{"GET", "/api/v1/permits/catalogue", permit_api_catalogue, "permit.view", ROUTE_API,
	 "Permit types, grades, validity limits, approval chains, measures and gas limits"},
	{"GET", "/api/v1/permits/options", permit_api_options, "permit.view", ROUTE_API,
	 "Areas (with their on-site links) and people for an application form"},
	{"POST", "/api/v1/permits/grade", permit_api_grade, "permit.view", ROUTE_API,
	 "Derive the grade from the inputs (GB 30871-2022 §5.1, §8.1, §9.1)"},
	{"GET", "/api/v1/permits/calendar", permit_api_calendar, "permit.view", ROUTE_API, "Permits overlapping a month (?month=YYYY-MM)"},
	{"GET", "/api/v1/permits/areas", permit_api_areas, "permit.view", ROUTE_API, "Active permits grouped by area"},
	{"GET", "/api/v1/permits/site/:qr_token", permit_api_site, "permit.view", ROUTE_API,
	 "An area's permits for the on-site page"},
	{"GET", "/api/v1/permits/:id", permit_api_show, "permit.view", ROUTE_API, "One permit with workers, measures, gas tests, approvals and events"},
	{"POST", "/api/v1/permits/:id", permit_api_update, "permit.apply", ROUTE_API, "Replace a draft application"},
	{"POST", "/api/v1/permits/:id/actions/:action", permit_api_act, "permit.view", ROUTE_API,
	 "Run a lifecycle action; approvals and closing need the signer's password"},
	{"POST", "/api/v1/permits/:id/gas", permit_api_gas, "permit.view", ROUTE_API, "Record a gas test (o2, combustible, toxic{})"},
	{0},
};
