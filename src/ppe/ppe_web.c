/*
 * ppe_web.c — the PPE pages. A worker's own page on the phone (/ppe): what they hold and when
 * each piece is due, a button to confirm receipt of what was issued (签收), their points and
 * the rewards they can buy. The store keeper's page (/ppe/store): stock, receipts, issues.
 * A person's page for the managers, HR's list of new hires not yet equipped, a team's
 * monthly statement, the time off waiting for the team leader, the yearly nomination list
 * and the catalogue. Every page renders the same JSON the API answers (ppe_query.c).
 */
#include "ppe/ppe.h"
#include "ppe/ppe_web.h"
#include "auth/actor.h"
#include "auth/auth.h"
#include "base/day.h"
#include "db/db.h"
#include "http/static.h"
#include "web/form.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}
static int64_t jint(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

void ppe_err_answer(struct req *r, const struct ppe_err *e, const char *back)
{
	const char *code = e->status == 409 ? "conflict" : e->status == 404 ? "not_found" : e->status == 403 ? "forbidden"
			 : e->status == 503 ? "unavailable" : "invalid";
	const char *key = e->key ? e->key : "error.unavailable";
	if (r->is_api) {
		resp_error(r, e->status ? e->status : 503, code, T(r, key), e->field);
		return;
	}
	(void)back;
	r->status = e->status ? e->status : 503;
	page_error(r, r->status, T(r, key), e->field);
}

static const char *state_badge(const char *s)
{
	return !strcmp(s, "expired") ? "bad" : !strcmp(s, "due_soon") ? "warn" : "ok";
}

/* only_unconfirmed: the home page's 待签收 line opens /ppe?todo=confirm, which lists just those */
static void holdings_html(struct req *r, json_t *p, int mine, int manage, int only_unconfirmed)
{
	size_t i;
	json_t *h;
	html_printf(&r->out, "<section class=\"card\"><h2>%s</h2>", T(r, "ppe.holdings"));
	if (!json_array_size(json_object_get(p, "holdings")))
		html_printf(&r->out, "<p class=\"empty\">%s</p>", T(r, "ppe.none_held"));
	html_printf(&r->out, "<ul class=\"list ppe-holdings\">");
	json_array_foreach(json_object_get(p, "holdings"), i, h) {
		const char *s = jstr(h, "state"), *due = jstr(h, "due_on"), *size = jstr(h, "size");
		if (only_unconfirmed && json_is_true(json_object_get(h, "confirmed")))
			continue;
		char key[32];
		snprintf(key, sizeof key, "ppe.state.%s", s);
		html_printf(&r->out, "<li data-holding=\"%D\" data-code=\"%s\" data-state=\"%s\"><strong>%s</strong> ×%D%s%s"
			    " <span class=\"badge %s\">%s</span><br><span class=\"hint\">%s %s%s%s %s</span>",
			    jint(h, "id"), jstr(h, "code"), s, jstr(h, "item"), jint(h, "qty"), *size ? " · " : "", size, state_badge(s), T(r, key),
			    T(r, "ppe.issued_on"), jstr(h, "issued_on"), *due ? " · " : "", *due ? T(r, "ppe.due_on") : "", due);
		if (!json_is_true(json_object_get(h, "confirmed"))) {
			if (mine)
				html_printf(&r->out, "<form method=\"post\" action=\"/ppe/holdings/%D/confirm\" class=\"ppe-confirm\">%r"
					    "<button class=\"primary\">%s</button></form>", jint(h, "id"), page_csrf(r), T(r, "ppe.confirm"));
			else
				html_printf(&r->out, " <span class=\"badge warn\">%s</span>", T(r, "ppe.unconfirmed"));
		}
		if (jint(h, "cycle_uses") > 0) {
			html_printf(&r->out, " <span class=\"hint ppe-uses\">%s %D/%D</span>", T(r, "ppe.uses_count"), jint(h, "uses"),
				    jint(h, "cycle_uses"));
			if ((mine || manage) && strcmp(s, "expired"))
				html_printf(&r->out, "<form method=\"post\" action=\"/ppe/holdings/%D/use\" class=\"ppe-use\">%r"
					    "<button>%s</button></form>", jint(h, "id"), page_csrf(r), T(r, "ppe.record_use"));
		}
		if (json_is_true(json_object_get(h, "signed")))
			html_printf(&r->out, " <span class=\"badge ok\">%s</span>", T(r, "ppe.signed"));
		if (manage)
			html_printf(&r->out, "<form method=\"post\" action=\"/ppe/holdings/%D/end\" class=\"ppe-end\">%r"
				    "<button name=\"kind\" value=\"return\">%s</button> <button name=\"kind\" value=\"dispose\">%s</button></form>",
				    jint(h, "id"), page_csrf(r), T(r, "ppe.return"), T(r, "ppe.dispose"));
		html_printf(&r->out, "</li>");
	}
	html_printf(&r->out, "</ul></section>");
}

static void points_html(struct req *r, json_t *p)
{
	html_printf(&r->out, "<section class=\"card ppe-points\"><h2>%s</h2><p class=\"ppe-balance\">%s <strong>%D</strong></p>"
		    "<p class=\"hint\">%s %D · %s %D</p>", T(r, "ppe.points"), T(r, "ppe.balance"), jint(p, "balance"),
		    T(r, "ppe.earned"), jint(p, "earned"), T(r, "ppe.spent"), jint(p, "spent"));
	size_t i;
	json_t *d;
	if (json_array_size(json_object_get(p, "redemptions")))
		html_printf(&r->out, "<h3>%s</h3><ul class=\"list ppe-redemptions\">", T(r, "ppe.redemptions"));
	json_array_foreach(json_object_get(p, "redemptions"), i, d) {
		char key[40];
		snprintf(key, sizeof key, "ppe.rstate.%s", jstr(d, "state"));
		html_printf(&r->out, "<li>%s · %s · −%D <span class=\"badge\">%s</span></li>", jstr(d, "day"), jstr(d, "reward"),
			    jint(d, "cost"), T(r, key));
	}
	if (json_array_size(json_object_get(p, "redemptions")))
		html_printf(&r->out, "</ul>");
	html_printf(&r->out, "</section>");
}

static void rewards_html(struct req *r, json_t *p)
{
	size_t i;
	json_t *w;
	int64_t bal = jint(p, "balance");
	html_printf(&r->out, "<section class=\"card\"><h2>%s</h2><ul class=\"list ppe-rewards\">", T(r, "ppe.rewards"));
	json_array_foreach(json_object_get(p, "rewards"), i, w) {
		int item = !strcmp(jstr(w, "kind"), "item");
		int can = bal >= jint(w, "cost") && (!item || jint(w, "stock") > 0);
		html_printf(&r->out, "<li><form method=\"post\" action=\"/ppe/redeem\" class=\"ppe-redeem\">%r"
			    "<input type=\"hidden\" name=\"reward_id\" value=\"%D\"><strong>%s</strong> · %D %s",
			    page_csrf(r), jint(w, "id"), jstr(w, "name"), jint(w, "cost"), T(r, "ppe.pts"));
		if (item)
			html_printf(&r->out, " <span class=\"hint\">%s %D</span>", T(r, "ppe.in_stock"), jint(w, "stock"));
		else
			html_printf(&r->out, " <span class=\"hint\">%D %s · %s</span>", jint(w, "hours"), T(r, "ppe.hours"),
				    T(r, "ppe.needs_leader"));
		const char *sizes = jstr(w, "sizes");
		if (item && *sizes) {
			html_printf(&r->out, "<label>%s <select name=\"size\">", T(r, "ppe.size"));
			char *copy = strdup(sizes), *save = NULL;
			for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
				int lo, hi;
				char tail;
				/* a range of shoe sizes, "38-46", offers each size */
				if (sscanf(t, "%d-%d%c", &lo, &hi, &tail) == 2 && lo > 0 && hi >= lo && hi - lo <= 40)
					for (int z = lo; z <= hi; z++)
						html_printf(&r->out, "<option>%d</option>", z);
				else
					html_printf(&r->out, "<option>%s</option>", t);
			}
			free(copy);
			html_printf(&r->out, "</select></label>");
		}
		html_printf(&r->out, " <button%s>%s</button></form></li>", can ? " class=\"primary\"" : " disabled", T(r, "ppe.redeem"));
	}
	html_printf(&r->out, "</ul></section>");
}

static const char *const done_notices[] = {"confirmed", "redeemed", "issued", "received", "ended", "decided", "used", "saved", NULL};

static void done_notice(struct req *r)
{
	const char *d = NULL;
	if (req_query_enum(r, "done", done_notices, &d) == 1) {
		char key[32];
		snprintf(key, sizeof key, "ppe.done.%s", d);
		page_notice(r, "ok", T(r, key));
	}
}

/* The module's other pages, as far as the person may open them. */
static void ppe_nav(struct req *r)
{
	static const struct { const char *href, *key, *perm; } links[] = {
		{"/ppe/store", "ppe.nav.store", "ppe.issue"},
		{"/ppe/ledger", "ppe.ledger_title", "ppe.view"},
		{"/ppe/unequipped", "ppe.nav.unequipped", "ppe.view"},
		{"/ppe/statement", "ppe.nav.statement", "ppe.view"},
		{"/ppe/approvals", "ppe.nav.approvals", "ppe.approve"},
		{"/ppe/award", "ppe.nav.award", "ppe.view"},
		{"/ppe/catalogue", "ppe.nav.catalogue", "ppe.view"},
	};
	int open = 0;
	for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
		if (!auth_has(r, links[i].perm))
			continue;
		if (!open++)
			html_printf(&r->out, "<p class=\"ppe-nav\">");
		html_printf(&r->out, "<a class=\"button\" href=\"%s\">%s</a> ", links[i].href, T(r, links[i].key));
	}
	if (open)
		html_printf(&r->out, "</p>");
}

int ppe_page_me(struct req *r)
{
	json_t *p = ppe_person_json(r, r->who->user_id, 1);
	if (!p) {
		r->status = 404;
		page_error(r, 404, T(r, "error.not_found"), NULL);
		return 0;
	}
	page_begin(r, T(r, "ppe.title"));
	html_printf(&r->out, "<h1>%s</h1>", T(r, "ppe.title"));
	done_notice(r);
	ppe_nav(r);
	static const char *const todos[] = {"confirm", NULL};
	const char *todo = NULL;
	req_query_enum(r, "todo", todos, &todo);
	holdings_html(r, p, 1, 0, todo != NULL);
	points_html(r, p);
	rewards_html(r, p);
	page_end(r);
	json_decref(p);
	return 0;
}

static void redirect_done(struct req *r, const char *path, const char *done)
{
	char loc[96];
	snprintf(loc, sizeof loc, "%s?done=%s", path, done);
	resp_redirect(r, loc);
}

/* POST /ppe/holdings/:id/confirm — the holder confirms receipt (签收) */
int ppe_page_confirm(struct req *r)
{
	int64_t id;
	struct ppe_err e = {404, "error.not_found", NULL};
	struct actor a;
	actor_from_req(r, &a);
	if (req_param_id(r, "id", &id) || ppe_confirm(&a, id, &e)) {
		ppe_err_answer(r, &e, "/ppe");
		return 0;
	}
	redirect_done(r, "/ppe", "confirmed");
	return 0;
}

/* POST /ppe/redeem reward_id, size */
int ppe_page_redeem(struct req *r)
{
	const char *v = req_form(r, "reward_id"), *size = req_form(r, "size");
	char *end = NULL;
	long long rid = v ? strtoll(v, &end, 10) : 0;
	struct ppe_err e = {422, "ppe.err.reward_id", "reward_id"};
	struct actor a;
	actor_from_req(r, &a);
	if (!v || !end || *end || rid <= 0 || (size && strlen(size) > 32) || ppe_redeem(&a, rid, size, &e) < 0) {
		ppe_err_answer(r, &e, "/ppe");
		return 0;
	}
	redirect_done(r, "/ppe", "redeemed");
	return 0;
}

/* /ppe/store — stock per store, and the forms to receive and to issue */
static int64_t form_num(struct req *r, const char *name);

/* the error under a field of the form that was sent (failed), if it is that field */
static void field_error(struct req *r, const struct ppe_err *e, int failed, const char *field)
{
	if (failed && e && e->field && !strcmp(e->field, field))
		html_printf(&r->out, "<span class=\"field-error\" id=\"err-%s\">%s</span>", field, T(r, e->key));
}

/* The stock and the two forms; after a refused issue or receipt (sent: 1 issue, 0 receipt)
 * the form comes back with what was typed and the error under its field. */
static void store_render(struct req *r, const struct ppe_err *e, int sent)
{
	page_begin(r, T(r, "ppe.store_title"));
	html_printf(&r->out, "<h1>%s</h1>", T(r, "ppe.store_title"));
	done_notice(r);
	if (e && !e->field)
		page_notice(r, "error", T(r, e->key));
	json_t *stock = ppe_stock_json(r), *x;
	size_t i;
	html_printf(&r->out, "<section class=\"card\"><h2>%s</h2><table class=\"ppe-stock\"><thead><tr><th>%s</th><th>%s</th>"
		    "<th>%s</th></tr></thead><tbody>", T(r, "ppe.stock"), T(r, "ppe.store"), T(r, "ppe.item"), T(r, "ppe.qty"));
	json_array_foreach(stock, i, x)
		html_printf(&r->out, "<tr><td>%s</td><td>%s</td><td>%D</td></tr>", jstr(x, "store"), jstr(x, "item"), jint(x, "qty"));
	html_printf(&r->out, "</tbody></table></section>");
	json_decref(stock);
	for (int issue = 1; issue >= 0; issue--) {
		int mine = e && sent == issue;	/* this form was sent and refused: keep what was typed */
		int64_t store = mine ? form_num(r, "store_id") : 0, item = mine ? form_num(r, "item_id") : 0;
		const char *qty = mine ? req_form(r, "qty") : NULL;
		html_printf(&r->out, "<section class=\"card\"><h2>%s</h2><form method=\"post\" action=\"/ppe/%s\" class=\"stack\">%r"
			    "<label>%s <select name=\"store_id\" required>", T(r, issue ? "ppe.issue" : "ppe.receive"),
			    issue ? "issue" : "receive", page_csrf(r), T(r, "ppe.store"));
		form_id_options(r, db_query(r->db, "SELECT id, name FROM ppe_stores ORDER BY id LIMIT 200", NULL), store);
		html_printf(&r->out, "</select></label>");
		field_error(r, e, mine, "store_id");
		html_printf(&r->out, "<label>%s <select name=\"item_id\" required>", T(r, "ppe.item"));
		form_id_options(r, db_query(r->db, "SELECT id, name, standard FROM ppe_items WHERE active = 1 ORDER BY kind, id LIMIT 500",
					    NULL), item);
		html_printf(&r->out, "</select></label>");
		field_error(r, e, mine, "item_id");
		if (issue) {
			html_printf(&r->out, "<label>%s <select name=\"user_id\" required>", T(r, "ppe.person"));
			form_opts_scope_users(r, NULL, mine ? form_num(r, "user_id") : 0);
			html_printf(&r->out, "</select></label>");
			field_error(r, e, mine, "user_id");
			html_printf(&r->out, "<label>%s <input name=\"size\" maxlength=\"32\" value=\"%s\"></label>", T(r, "ppe.size"),
				    mine && req_form(r, "size") ? req_form(r, "size") : "");
			field_error(r, e, mine, "size");
			html_printf(&r->out, "<label>%s <input name=\"permit_no\" maxlength=\"40\" value=\"%s\"></label>",
				    T(r, "ppe.permit_no"), mine && req_form(r, "permit_no") ? req_form(r, "permit_no") : "");
			field_error(r, e, mine, "permit_no");
			/* the receiver signs on this tablet (static/ppe-sign.js), or later confirms on the phone */
			html_printf(&r->out, "<div class=\"ppe-sign\"><span>%s</span><canvas class=\"ppe-sign-pad\" data-sign-for=\"signature\""
				    " aria-label=\"%s\"></canvas><input type=\"hidden\" name=\"signature\" value=\"\">"
				    "<button type=\"button\" data-sign-clear=\"1\">%s</button><span class=\"hint\">%s</span></div>",
				    T(r, "ppe.sign_here"), T(r, "ppe.sign_here"), T(r, "ppe.sign_clear"), T(r, "ppe.sign_hint"));
			field_error(r, e, mine, "signature");
		} else {
			html_printf(&r->out, "<label>%s <input type=\"date\" name=\"made_on\" value=\"%s\"></label>", T(r, "ppe.made_on"),
				    mine && req_form(r, "made_on") ? req_form(r, "made_on") : "");
			field_error(r, e, mine, "made_on");
		}
		html_printf(&r->out, "<label>%s <input type=\"number\" name=\"qty\" min=\"1\" max=\"10000\" value=\"%s\" required></label>",
			    T(r, "ppe.qty"), qty ? qty : "1");
		field_error(r, e, mine, "qty");
		html_printf(&r->out, "<button class=\"primary\">%s</button></form></section>", T(r, issue ? "ppe.issue" : "ppe.receive"));
	}
	html_printf(&r->out, "<p><a class=\"button\" href=\"/ppe/ledger\">%s</a></p><script src=\"%s\" defer></script>"
			     "<link rel=\"stylesheet\" href=\"%s\">",
		    T(r, "ppe.ledger_title"), static_url("ppe-sign.js"), static_url("ppe.css"));
	page_end(r);
}

int ppe_page_store(struct req *r)
{
	store_render(r, NULL, 0);
	return 0;
}

/* A refused form on the store page: its status, the page again with the error. */
static void store_refused(struct req *r, const struct ppe_err *e, int sent)
{
	if (e->status == 503 || e->status == 403) {
		ppe_err_answer(r, e, NULL);
		return;
	}
	store_render(r, e, sent);
	r->status = e->status ? e->status : 422;
}

/* a positive whole number from the form, or -1 */
static int64_t form_num(struct req *r, const char *name)
{
	const char *v = req_form(r, name);
	char *end = NULL;
	long long n = v && *v ? strtoll(v, &end, 10) : -1;
	return v && *v && end && !*end ? n : -1;
}

int ppe_page_issue(struct req *r)
{
	struct ppe_issue_in in = {.store_id = form_num(r, "store_id"), .item_id = form_num(r, "item_id"),
				  .user_id = form_num(r, "user_id"), .qty = form_num(r, "qty"), .size = req_form(r, "size"),
				  .permit_no = req_form(r, "permit_no")};
	struct ppe_err e = {0};
	struct actor a;
	actor_from_req(r, &a);
	if (in.permit_no && strlen(in.permit_no) > 40) {
		e = (struct ppe_err){422, "ppe.err.permit_no", "permit_no"};
		store_refused(r, &e, 1);
		return 0;
	}
	/* the tablet's canvas, as a PNG data URL (static/ppe-sign.js); empty: not signed here */
	unsigned char *sig = NULL;
	if (ppe_signature_decode(req_form(r, "signature"), &sig, &in.signature_len)) {
		e = (struct ppe_err){422, "ppe.err.signature", "signature"};
		store_refused(r, &e, 1);
		return 0;
	}
	in.signature = sig;
	int64_t id = ppe_issue(&a, &in, &e);
	free(sig);
	if (id < 0) {
		store_refused(r, &e, 1);
		return 0;
	}
	redirect_done(r, "/ppe/store", "issued");
	return 0;
}

int ppe_page_receive(struct req *r)
{
	int64_t made = DAY_NONE;
	const char *m = req_form(r, "made_on");
	struct ppe_err e = {422, "ppe.err.made_on", "made_on"};
	struct actor a;
	actor_from_req(r, &a);
	if ((m && *m && day_parse(m, &made)) ||
	    ppe_receive(&a, form_num(r, "store_id"), form_num(r, "item_id"), form_num(r, "qty"), made, &e)) {
		store_refused(r, &e, 0);
		return 0;
	}
	redirect_done(r, "/ppe/store", "received");
	return 0;
}

/* /ppe/people/:id — a person's equipment and points, for managers and the store keeper */
int ppe_page_person(struct req *r)
{
	int64_t id;
	if (req_param_id(r, "id", &id)) {
		r->status = 404;
		page_error(r, 404, T(r, "error.not_found"), NULL);
		return 0;
	}
	if (ppe_person_scope(r, id))
		return 0;
	json_t *p = ppe_person_json(r, id, 0);
	page_begin(r, jstr(p, "name"));
	html_printf(&r->out, "<h1>%s · %s</h1>", jstr(p, "name"), T(r, "ppe.title"));
	done_notice(r);
	holdings_html(r, p, id == r->who->user_id, auth_has(r, "ppe.issue"), 0);
	points_html(r, p);
	page_end(r);
	json_decref(p);
	return 0;
}

/* POST /ppe/holdings/:id/use — one use; back to the page the tap came from */
int ppe_page_use(struct req *r)
{
	int64_t id, uid = 0;
	struct ppe_err e = {404, "error.not_found", NULL};
	struct actor a;
	actor_from_req(r, &a);
	if (req_param_id(r, "id", &id) || ppe_use(&a, id, &e)) {
		ppe_err_answer(r, &e, NULL);
		return 0;
	}
	db_get_i64(r->db, &uid, "SELECT user_id FROM ppe_holdings WHERE id = ?", "I", id);
	char path[48];
	if (uid == r->who->user_id)
		snprintf(path, sizeof path, "/ppe");
	else
		snprintf(path, sizeof path, "/ppe/people/%lld", (long long)uid);
	redirect_done(r, path, "used");
	return 0;
}

/* POST /ppe/holdings/:id/end kind=return|dispose */
int ppe_page_end(struct req *r)
{
	int64_t id, uid = 0;
	const char *kind = req_form(r, "kind");
	struct ppe_err e = {422, "ppe.err.kind", "kind"};
	struct actor a;
	actor_from_req(r, &a);
	if (req_param_id(r, "id", &id)) {
		e = (struct ppe_err){404, "error.not_found", NULL};
		ppe_err_answer(r, &e, NULL);
		return 0;
	}
	db_get_i64(r->db, &uid, "SELECT user_id FROM ppe_holdings WHERE id = ?", "I", id);
	if (!kind || (strcmp(kind, "return") && strcmp(kind, "dispose")) || ppe_end(&a, id, kind, &e)) {
		ppe_err_answer(r, &e, NULL);
		return 0;
	}
	char path[48];
	snprintf(path, sizeof path, "/ppe/people/%lld", (long long)uid);
	redirect_done(r, path, "ended");
	return 0;
}

int ppe_page_unequipped(struct req *r)
{
	int page, per_page;
	req_page(r, 50, &page, &per_page);
	json_t *o = ppe_unequipped_json(r, page, per_page), *x;
	page_begin(r, T(r, "ppe.unequipped_title"));
	html_printf(&r->out, "<h1>%s</h1><p class=\"hint\">%s</p><ul class=\"list ppe-unequipped\">", T(r, "ppe.unequipped_title"),
		    T(r, "ppe.unequipped_hint"));
	size_t i;
	json_array_foreach(json_object_get(o, "items"), i, x)
		html_printf(&r->out, "<li><a href=\"/ppe/people/%D\"><strong>%s</strong></a> · %s · %s<br>"
			    "<span class=\"hint\">%s: %s</span></li>", jint(x, "user_id"), jstr(x, "name"), jstr(x, "unit"),
			    jstr(x, "hired_on"), T(r, "ppe.missing"), jstr(x, "missing"));
	if (!json_array_size(json_object_get(o, "items")))
		html_printf(&r->out, "<li class=\"empty\">%s</li>", T(r, "ppe.all_equipped"));
	html_printf(&r->out, "</ul>");
	page_end(r);
	json_decref(o);
	return 0;
}

int ppe_page_statement(struct req *r)
{
	int64_t unit;
	int y, m;
	if (ppe_statement_args(r, &unit, &y, &m))
		return 0;
	json_t *o = ppe_statement_json(r, unit, y, m), *x;
	page_begin(r, T(r, "ppe.statement_title"));
	html_printf(&r->out, "<h1>%s</h1><form method=\"get\" action=\"/ppe/statement\" class=\"filters\">"
		    "<label>%s <select name=\"unit\">", T(r, "ppe.statement_title"), T(r, "ppe.unit"));
	form_opts_scope_units(r, NULL, unit);
	html_printf(&r->out, "</select></label><label>%s <input type=\"month\" name=\"month\" value=\"%s\"></label>"
		    "<button>%s</button></form>", T(r, "ppe.month"), jstr(o, "month"), T(r, "ppe.show"));
	html_printf(&r->out, "<table class=\"ppe-statement\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
		    T(r, "ppe.person"), T(r, "ppe.earned"), T(r, "ppe.spent"), T(r, "ppe.balance"));
	size_t i;
	json_array_foreach(json_object_get(o, "people"), i, x)
		html_printf(&r->out, "<tr><td>%s</td><td>%D</td><td>%D</td><td>%D</td></tr>", jstr(x, "name"), jint(x, "earned"),
			    jint(x, "spent"), jint(x, "balance"));
	html_printf(&r->out, "</tbody><tfoot><tr><th>%s · %s</th><th>%D</th><th>%D</th><th>%D</th></tr></tfoot></table>",
		    jstr(o, "unit"), jstr(o, "month"), jint(o, "earned"), jint(o, "spent"), jint(o, "balance"));
	page_end(r);
	json_decref(o);
	return 0;
}

int ppe_page_award(struct req *r)
{
	int64_t unit;
	int y;
	if (ppe_award_args(r, &unit, &y))
		return 0;
	json_t *o = ppe_award_json(r, unit, y), *x;
	page_begin(r, T(r, "ppe.award_title"));
	html_printf(&r->out, "<h1>%s · %d</h1><p class=\"hint\">%s</p><form method=\"get\" action=\"/ppe/award\" class=\"filters\">"
		    "<label>%s <select name=\"unit\">", T(r, "ppe.award_title"), y, T(r, "ppe.award_hint"), T(r, "ppe.unit"));
	form_opts_scope_units(r, NULL, unit);
	html_printf(&r->out, "</select></label><label>%s <input type=\"number\" name=\"year\" min=\"2000\" max=\"2100\" value=\"%d\">"
		    "</label><button>%s</button></form><ol class=\"list ppe-award\">", T(r, "ppe.year"), y, T(r, "ppe.show"));
	size_t i, k;
	json_t *ev;
	json_array_foreach(json_object_get(o, "people"), i, x) {
		html_printf(&r->out, "<li><strong>%s</strong> · %s · %D %s<br><span class=\"hint\">%s %D · %s %D · %s %D · %s %D · "
			    "%s %D · %s %D</span><br>", jstr(x, "name"), jstr(x, "unit"), jint(x, "points"), T(r, "ppe.pts"),
			    T(r, "ppe.a.reports"), jint(x, "reports"), T(r, "ppe.a.near_misses"), jint(x, "near_misses"),
			    T(r, "ppe.a.rectified"), jint(x, "rectified_on_time"), T(r, "ppe.a.checks"), jint(x, "checks"),
			    T(r, "ppe.a.training"), jint(x, "training_hours"), T(r, "ppe.a.overdue"), jint(x, "overdue_rectifications"));
		json_array_foreach(json_object_get(x, "evidence"), k, ev)
			html_printf(&r->out, "<a class=\"ppe-evidence\" href=\"%s\">%s</a> ", json_string_value(ev), json_string_value(ev));
		html_printf(&r->out, "</li>");
	}
	html_printf(&r->out, "</ol>");
	page_end(r);
	json_decref(o);
	return 0;
}

int ppe_page_approvals(struct req *r)
{
	json_t *a = ppe_pending_json(r), *x;
	page_begin(r, T(r, "ppe.approvals_title"));
	html_printf(&r->out, "<h1>%s</h1>", T(r, "ppe.approvals_title"));
	done_notice(r);
	html_printf(&r->out, "<ul class=\"list ppe-pending\">");
	size_t i;
	json_array_foreach(a, i, x)
		html_printf(&r->out, "<li data-redemption=\"%D\"><strong>%s</strong> · %s · %D %s · %s<form method=\"post\" action=\"/ppe/redemptions/%D/decide\">%r"
			    "<button class=\"primary\" name=\"do\" value=\"approve\">%s</button> <button name=\"do\" value=\"refuse\">%s</button>"
			    "</form></li>", jint(x, "id"), jstr(x, "name"), jstr(x, "reward"), jint(x, "hours"), T(r, "ppe.hours"), jstr(x, "day"),
			    jint(x, "id"), page_csrf(r), T(r, "ppe.approve"), T(r, "ppe.refuse"));
	if (!json_array_size(a))
		html_printf(&r->out, "<li class=\"empty\">%s</li>", T(r, "ppe.none_pending"));
	html_printf(&r->out, "</ul>");
	page_end(r);
	json_decref(a);
	return 0;
}

int ppe_page_decide(struct req *r)
{
	int64_t id;
	const char *d = req_form(r, "do");
	struct ppe_err e = {404, "error.not_found", NULL};
	struct actor a;
	actor_from_req(r, &a);
	if (req_param_id(r, "id", &id) || !d || (strcmp(d, "approve") && strcmp(d, "refuse")) ||
	    ppe_decide(&a, id, !strcmp(d, "approve"), &e)) {
		ppe_err_answer(r, &e, NULL);
		return 0;
	}
	redirect_done(r, "/ppe/approvals", "decided");
	return 0;
}

/* the pages where the safety department edits each part of the catalogue */
static void ppe_admin_links(struct req *r)
{
	html_printf(&r->out, "<p class=\"ppe-nav ppe-admin-nav\"><a class=\"button\" href=\"/ppe/admin/items\">%s</a>"
		    " <a class=\"button\" href=\"/ppe/admin/positions\">%s</a> <a class=\"button\" href=\"/ppe/admin/permit-items\">%s</a>"
		    " <a class=\"button\" href=\"/ppe/admin/rewards\">%s</a></p>", T(r, "ppe.admin.items"), T(r, "ppe.admin.positions"),
		    T(r, "ppe.admin.permit_items"), T(r, "ppe.admin.rewards"));
}

int ppe_page_catalogue(struct req *r)
{
	json_t *c = ppe_catalogue_json(r), *x;
	size_t i;
	page_begin(r, T(r, "ppe.catalogue_title"));
	html_printf(&r->out, "<h1>%s</h1><p class=\"hint\">%s</p><section class=\"card\"><h2>%s</h2><ul class=\"list ppe-items\">",
		    T(r, "ppe.catalogue_title"), T(r, "ppe.catalogue_hint"), T(r, "ppe.items"));
	ppe_admin_links(r);
	json_array_foreach(json_object_get(c, "items"), i, x) {
		html_printf(&r->out, "<li><strong>%s</strong> · %s · %s<br><span class=\"hint\">", jstr(x, "name"), jstr(x, "standard"),
			    jstr(x, "protection_class"));
		if (jint(x, "cycle_days"))
			html_printf(&r->out, "%s %D %s ", T(r, "ppe.cycle"), jint(x, "cycle_days"), T(r, "ppe.days"));
		if (jint(x, "cycle_uses"))
			html_printf(&r->out, "%s %D %s ", T(r, "ppe.cycle"), jint(x, "cycle_uses"), T(r, "ppe.uses"));
		if (jint(x, "shelf_days"))
			html_printf(&r->out, "%s %D %s ", T(r, "ppe.shelf"), jint(x, "shelf_days"), T(r, "ppe.days"));
		if (*jstr(x, "sizes"))
			html_printf(&r->out, "· %s %s ", T(r, "ppe.size"), jstr(x, "sizes"));
		if (json_is_true(json_object_get(x, "permit_only")))
			html_printf(&r->out, "· %s", T(r, "ppe.permit_only"));
		html_printf(&r->out, "</span></li>");
	}
	html_printf(&r->out, "</ul></section><section class=\"card\"><h2>%s</h2><ul class=\"list ppe-permit-items\">", T(r, "ppe.permit_items"));
	json_array_foreach(json_object_get(c, "permits"), i, x) {
		char key[48], who[32];
		snprintf(key, sizeof key, "permit.type.%s", jstr(x, "permit_type"));
		snprintf(who, sizeof who, "ppe.who.%s", jstr(x, "who"));
		html_printf(&r->out, "<li>%s · %s · %s <span class=\"badge %s\">%s</span></li>", T(r, key), jstr(x, "item"), T(r, who),
			    !strcmp(jstr(x, "level"), "block") ? "bad" : "warn", T(r, !strcmp(jstr(x, "level"), "block") ? "ppe.level.block" : "ppe.level.warn"));
	}
	html_printf(&r->out, "</ul></section><section class=\"card\"><h2>%s</h2><ul class=\"list ppe-positions\">", T(r, "ppe.positions"));
	json_array_foreach(json_object_get(c, "positions"), i, x)
		html_printf(&r->out, "<li>%s · %s ×%D</li>", jstr(x, "position"), jstr(x, "item"), jint(x, "qty"));
	html_printf(&r->out, "</ul></section>");
	page_end(r);
	json_decref(c);
	return 0;
}

/* 待签收: pieces issued to me that I have not confirmed (the /ppe page lists them first) */
int64_t ppe_todo_confirm(struct req *r)
{
	int64_t n = 0;
	db_get_i64(r->db, &n, "SELECT count(*) FROM ppe_holdings WHERE user_id = ? AND state = 'held' AND confirmed_at = 0", "I",
		   r->who ? r->who->user_id : 0);
	return n;
}

/* time off waiting for me: exactly what /ppe/approvals lists */
int64_t ppe_todo_approve(struct req *r)
{
	json_t *a = ppe_pending_json(r);
	int64_t n = (int64_t)json_array_size(a);
	json_decref(a);
	return n;
}
