/*
 * duty_cowork_web.c — co-working on a hazard (协同任务组): a hazard that needs several
 * departments (equipment, electrical, production, ...) gets a group of people and a thread.
 * A proposal waits duty.consent_hours (24 by default) for an objection from a member of the
 * group; when none came, the scheduler job takes it as agreed (沉默即同意) and records that
 * in the audit log as the system's act, so that nobody can later claim to have agreed or
 * objected otherwise. An objection in time closes the proposal as objected.
 *
 * Who sees the thread: whoever may read the hazard (hazard_visible) and the group's members. Who
 * writes: the members, and holders of duty.cowork who see the hazard (they form the group).
 */
#include "duty/duty.h"
#include "duty/duty_web.h"
#include "audit/audit.h"
#include "auth/actor.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/text.h"
#include "db/db.h"
#include "hazard/hazard.h"
#include "notify/notify.h"
#include "base/strbuf.h"
#include "web/form.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t consent_hours(struct db *c)
{
	char *v = NULL;
	int64_t h = DUTY_CONSENT_HOURS;
	if (db_get_text(c, &v, "SELECT value FROM settings WHERE key = 'duty.consent_hours'", NULL) == 1 && v &&
	    (text_parse_i64(v, &h) || h < 1 || h > 168))
		h = DUTY_CONSENT_HOURS;
	free(v);
	return h;
}

static int is_member(struct req *r, int64_t hazard)
{
	int64_t one;
	return db_get_i64(r->db, &one, "SELECT 1 FROM duty_group_members WHERE hazard_id = ? AND user_id = ?", "II", hazard,
			  r->who->user_id) == 1;
}

/* the hazard of :id when the caller sees it (scope, or a member of its group); else 404 */
static int hazard_arg(struct req *r, int64_t *id, char **title, int *member)
{
	struct db_stmt *st = NULL;
	int ok = 0;
	if (!req_param_id(r, "id", id)) {
		st = db_query(r->db, "SELECT h.number || ' ' || h.description FROM hazards h WHERE h.id = ?", "I", *id);
		if (st && db_step(st) == 1) {
			/* the hazard module's one rule of who reads a hazard, or a member of its group */
			struct actor a;
			actor_from_req(r, &a);
			*member = is_member(r, *id);
			ok = *member || hazard_visible(&a, *id);
			if (ok && title)
				*title = arena_strdup(&r->arena, db_col_text(st, 0));
		}
		db_done(r->db, st);
	}
	if (!ok)
		duty_fail(r, 404, "error.not_found", NULL);
	return ok ? 0 : -1;
}

/* The group and thread of hazard id, as a section (on the hazard's page, and on this
 * module's own pages for a member who does not see the hazard otherwise); e: a refused post,
 * drawn again with the message and what was typed. picker: draw the form that adds a member,
 * whose list holds every active person of the plant (up to 1,000 <option>s, some 40 KB);
 * else a link to the page that has it. On the hazard's page, which everyone in the scope opens
 * far more often than a lead adds someone, that list cost two thirds of the page's time. */
static void cowork_section(struct req *r, int64_t id, const struct form_err *e, int picker)
{
	int64_t now = clock_now();
	int lead = auth_has(r, "duty.cowork"), member = is_member(r, id);
	html_printf(&r->out, "<section class=\"card duty-cowork\" id=\"duty-cowork\"><h2>%s</h2><p class=\"hint\">%s</p><h3>%s</h3>"
		    "<ul class=\"list duty-members\">", T(r, "duty.cowork"), T(r, "duty.cowork_hint"), T(r, "duty.members"));
	struct db_stmt *st = db_query(r->db, "SELECT u.name, un.name FROM duty_group_members m JOIN users u ON u.id = m.user_id"
				      " JOIN units un ON un.id = u.unit_id WHERE m.hazard_id = ? ORDER BY m.created_at, u.id", "I", id);
	while (st && db_step(st) == 1)
		html_printf(&r->out, "<li>%s <span class=\"hint\">%s</span></li>", db_col_text(st, 0), db_col_text(st, 1));
	db_done(r->db, st);
	html_printf(&r->out, "</ul>");
	if (lead && !picker) {
		html_printf(&r->out, "<p><a class=\"button\" href=\"/duties/hazards/%D/members\">%s</a></p>", id,
			    T(r, "duty.add_member"));
	} else if (lead) {
		html_printf(&r->out, "<form method=\"post\" action=\"/duties/hazards/%D/members\" class=\"stack\">%r<label>%s<select name=\"user_id\">",
			    id, page_csrf(r), T(r, "duty.add_member"));
		form_id_options(r, db_query(r->db, "SELECT u.id, u.name, un.name FROM users u JOIN units un ON un.id = u.unit_id"
						  " WHERE u.active = 1 AND un.path LIKE ? ORDER BY un.path, u.name LIMIT 1000", "t",
						  auth_company_pattern(r)), 0);
		html_printf(&r->out, "</select></label><button>%s</button></form>", T(r, "duty.add"));
	}
	html_printf(&r->out, "<h3>%s</h3><ol class=\"duty-thread\">", T(r, "duty.thread"));
	st = db_query(r->db, "SELECT p.id, p.kind, p.body, u.name, p.created_at, p.outcome, p.deadline, p.user_id, COALESCE(p.proposal_id, 0)"
			     " FROM duty_posts p JOIN users u ON u.id = p.user_id WHERE p.hazard_id = ? ORDER BY p.id LIMIT 500", "I", id);
	while (st && db_step(st) == 1) {
		const char *kind = db_col_text(st, 1), *outcome = db_col_text(st, 5);
		html_printf(&r->out, "<li class=\"duty-post %s\" data-outcome=\"%s\"><strong>%s</strong> <span class=\"hint\">%s · %s</span><p>%s</p>",
			    kind, outcome, db_col_text(st, 3), page_time(r, db_col_i64(st, 4)),
			    T(r, arena_printf(&r->arena, "duty.post.%s", kind)), db_col_text(st, 2));
		if (!strcmp(kind, "proposal")) {
			html_printf(&r->out, "<p><span class=\"badge %s\">%s</span> <span class=\"hint\">%s %s</span></p>",
				    !strcmp(outcome, "agreed") ? "ok" : !strcmp(outcome, "objected") ? "bad" : "warn",
				    T(r, arena_printf(&r->arena, "duty.outcome.%s", outcome)), T(r, "duty.deadline"), page_time(r, db_col_i64(st, 6)));
			if (!strcmp(outcome, "open") && db_col_i64(st, 6) > now && member && db_col_i64(st, 7) != r->who->user_id)
				html_printf(&r->out, "<form method=\"post\" action=\"/duties/hazards/%D/posts\" class=\"stack\">%r"
					    "<input type=\"hidden\" name=\"kind\" value=\"objection\"><input type=\"hidden\" name=\"proposal_id\" value=\"%D\">"
					    "<label>%s<input name=\"body\" maxlength=\"%d\" required></label><button>%s</button></form>",
					    id, page_csrf(r), db_col_i64(st, 0), T(r, "duty.reason"), DUTY_TEXT_MAX, T(r, "duty.object"));
		}
		html_printf(&r->out, "</li>");
	}
	db_done(r->db, st);
	html_printf(&r->out, "</ol>");
	if (e && e->field && strcmp(e->field, "body") && strcmp(e->field, "kind"))
		html_printf(&r->out, "<p class=\"field-error\" id=\"err-%s\">%s</p>", e->field, e->msg);
	if (member || lead) {
		const char *kind = e ? req_field(r, "kind") : NULL, *body = e ? req_field(r, "body") : NULL;
		int proposal = kind && !strcmp(kind, "proposal");
		html_printf(&r->out, "<form method=\"post\" action=\"/duties/hazards/%D/posts\" class=\"stack\">%r<label>%s<select name=\"kind\">"
			    "<option value=\"comment\">%s</option><option value=\"proposal\"%s>%s</option></select>", id, page_csrf(r),
			    T(r, "duty.post_kind"), T(r, "duty.post.comment"), proposal ? " selected" : "", T(r, "duty.post.proposal"));
		form_field_error(r, e, "kind");
		html_printf(&r->out, "</label><label>%s<textarea name=\"body\" maxlength=\"%d\" required>%s</textarea>", T(r, "duty.text"),
			    DUTY_TEXT_MAX, body && !(kind && !strcmp(kind, "objection")) ? body : "");
		form_field_error(r, e, "body");
		html_printf(&r->out, "</label><p class=\"hint\">%s %D h</p><button class=\"primary\">%s</button></form>", T(r, "duty.consent_rule"),
			    consent_hours(r->db), T(r, "duty.send"));
	}
	html_printf(&r->out, "</section>");
}

static void section_draw(struct req *r, int64_t id, const void *again)
{
	cowork_section(r, id, again, 0);
}

/* drawn on the hazard's page (hazard.h, set by src/modules.c) */
const struct hazard_section duty_hazard_section = {"duty.view", section_draw};

/* may the caller read the hazard itself (then the group lives on its page)? */
static int sees_hazard(struct req *r, int64_t id)
{
	struct actor a;
	actor_from_req(r, &a);
	return hazard_visible(&a, id);
}

/* this module's own page of the group: for a member from another department who does not
 * see the hazard itself (the group crosses departments) */
static void cowork_page_render(struct req *r, int64_t id, const char *title, const struct form_err *e)
{
	page_begin(r, T(r, "duty.cowork"));
	html_printf(&r->out, "<h1>%s</h1><p>%s</p>", T(r, "duty.cowork"), title);
	cowork_section(r, id, e, 1);
	page_end(r);
}

/* GET /duties/hazards/:id: the hazard's page, where the group is drawn; else the group alone */
int duty_cowork_page(struct req *r)
{
	int64_t id;
	char *title;
	int member;
	if (hazard_arg(r, &id, &title, &member))
		return 0;
	if (sees_hazard(r, id)) {
		resp_redirect(r, arena_printf(&r->arena, "/hazards/%lld#duty-cowork", (long long)id));
		return 0;
	}
	cowork_page_render(r, id, title, NULL);
	return 0;
}

/* GET /duties/hazards/:id/members (duty.cowork): the group with the form that adds a person,
 * linked from the hazard's page, which does not carry the plant's list of people itself */
int duty_cowork_members_page(struct req *r)
{
	int64_t id;
	char *title;
	int member;
	if (hazard_arg(r, &id, &title, &member))
		return 0;
	cowork_page_render(r, id, title, NULL);
	return 0;
}

/* a refused post: the API's error, or the page again with the message and what was typed */
static int refuse_post(struct req *r, int64_t id, int member, int status, const char *key, const char *field)
{
	(void)member;
	if (r->is_api) {
		duty_fail(r, status, key, field);
		return 0;
	}
	struct form_err *e = arena_alloc(&r->arena, sizeof *e);
	e->field = field ? field : "proposal_id";
	e->msg = T(r, key);
	/* a refused member comes back where its list is: the group's page, not the hazard's */
	if (sees_hazard(r, id) && strcmp(e->field, "user_id"))
		return hazard_page_again(r, id, status, &duty_hazard_section, e);
	char *title = NULL;
	db_get_text(r->db, &title, "SELECT number || ' ' || description FROM hazards WHERE id = ?", "I", id);
	r->status = status;
	cowork_page_render(r, id, title ? arena_strdup(&r->arena, title) : "", e);
	free(title);
	return 0;
}

static int done(struct req *r, int64_t id, int status)
{
	if (!r->is_api) {
		resp_redirect(r, sees_hazard(r, id) ? arena_printf(&r->arena, "/hazards/%lld#duty-cowork", (long long)id)
						    : arena_printf(&r->arena, "/duties/hazards/%lld", (long long)id));
		return 0;
	}
	r->status = status;
	return duty_api_cowork(r);
}

/*
 * Tell the group of a step of its thread (a proposal made, objected to, or agreed by
 * silence): each member and the proposer, but not `except` (who acted), in their own
 * language, once per post, step and person (the dedup key, so a job run twice tells once).
 * Inside the caller's transaction. <0 on error.
 */
static int tell_group(struct db *c, int64_t hazard, int64_t proposal, int64_t except, const char *title_key,
		      const char *step, const char *body)
{
	int64_t to[64];
	int n = 0;
	struct db_stmt *st = db_query(c, "SELECT user_id FROM duty_group_members WHERE hazard_id = ?1"
					 " UNION SELECT user_id FROM duty_posts WHERE id = ?2 ORDER BY 1 LIMIT 64", "II", hazard, proposal);
	while (st && db_step(st) == 1)
		if (db_col_i64(st, 0) != except)
			to[n++] = db_col_i64(st, 0);
	db_done(c, st);
	if (!st)
		return -1;
	char *number = NULL;
	db_get_text(c, &number, "SELECT number FROM hazards WHERE id = ?", "I", hazard);
	char link[64];
	snprintf(link, sizeof link, "/hazards/%lld#duty-cowork", (long long)hazard);
	int rc = 0;
	for (int i = 0; i < n && rc >= 0; i++) {
		char key[96];
		snprintf(key, sizeof key, "duty:post:%lld:%s:%lld", (long long)proposal, step, (long long)to[i]);
		struct notify_msg m = {.kind = "duty_cowork", .title_key = title_key, .subject = number, .body = body,
				       .link = link, .dedup_key = key};
		rc = notify_send(c, to[i], &m);
	}
	free(number);
	return rc < 0 ? -1 : 0;
}

/* POST /duties/hazards/:id/members {user_id} (duty.cowork) */
int duty_cowork_member(struct req *r)
{
	int64_t id, uid = 0, one;
	int member;
	if (hazard_arg(r, &id, NULL, &member))
		return 0;
	const char *us = req_field(r, "user_id");
	/* any active person of the plant: the group crosses departments (equipment, electrical, production) */
	if (!us || text_parse_i64(us, &uid) ||
	    db_get_i64(r->db, &one, "SELECT 1 FROM users u JOIN units un ON un.id = u.unit_id WHERE u.id = ? AND u.active = 1"
				    " AND un.path LIKE ?", "It", uid, auth_company_pattern(r)) != 1)
		return refuse_post(r, id, member, 422, "duty.err.user", "user_id");
	char sum[64];
	snprintf(sum, sizeof sum, "member user %lld", (long long)uid);
	if (db_begin(r->db) != DB_OK ||
	    db_exec(r->db, "INSERT INTO duty_group_members (hazard_id, user_id, added_by, created_at) VALUES (?, ?, ?, ?)"
			   " ON CONFLICT (hazard_id, user_id) DO NOTHING", "IIII", id, uid, r->who->user_id, clock_now()) != DB_OK ||
	    audit_req(r, "duty_group", id, "add_member", sum) != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return duty_fail(r, 503, "error.unavailable", NULL), 0;
	}
	return done(r, id, 201);
}

/* POST /duties/hazards/:id/posts {kind: comment|proposal|objection, body, proposal_id} */
int duty_cowork_post(struct req *r)
{
	int64_t id, pid = 0, proposer = 0;
	int member;
	if (hazard_arg(r, &id, NULL, &member))
		return 0;
	const char *kind = req_field(r, "kind"), *body = req_field(r, "body"), *ps = req_field(r, "proposal_id");
	if (!kind || (strcmp(kind, "comment") && strcmp(kind, "proposal") && strcmp(kind, "objection")))
		return refuse_post(r, id, member, 422, "duty.err.kind", "kind");
	if (!member && (!strcmp(kind, "objection") || !auth_has(r, "duty.cowork")))
		return duty_fail(r, 403, "duty.err.not_member", NULL), 0;
	if (!body || !*body || utf8_chars(body) > DUTY_TEXT_MAX)
		return refuse_post(r, id, member, 422, "duty.err.text", "body");
	int64_t now = clock_now(), deadline = 0, post = 0;
	if (!strcmp(kind, "objection")) {
		struct db_stmt *st = NULL;
		int ok = ps && !text_parse_i64(ps, &pid);
		if (ok) {
			st = db_query(r->db, "SELECT user_id FROM duty_posts WHERE id = ? AND hazard_id = ? AND kind = 'proposal'"
					     " AND outcome = 'open' AND deadline > ?", "III", pid, id, now);
			ok = st && db_step(st) == 1;
			if (ok)
				proposer = db_col_i64(st, 0);
			db_done(r->db, st);
		}
		if (!ok)
			return refuse_post(r, id, member, 409, "duty.err.proposal_closed", "proposal_id");
		if (proposer == r->who->user_id)
			return refuse_post(r, id, member, 422, "duty.err.own_proposal", "proposal_id");
	} else if (!strcmp(kind, "proposal")) {
		deadline = now + consent_hours(r->db) * 3600;
	}
	if (db_begin(r->db) != DB_OK)
		return duty_fail(r, 503, "error.unavailable", NULL), 0;
	int rc = db_exec(r->db, "INSERT INTO duty_posts (hazard_id, user_id, kind, body, proposal_id, deadline, outcome, created_at)"
				" VALUES (?, ?, ?, ?, NULLIF(?, 0), ?, ?, ?)", "IIttIItI", id, r->who->user_id, kind, body, pid, deadline,
			 !strcmp(kind, "proposal") ? "open" : "", now);
	if (rc == DB_OK) {
		post = db_last_id(r->db);
		if (pid)
			rc = db_exec(r->db, "UPDATE duty_posts SET outcome = 'objected', decided_at = ? WHERE id = ? AND outcome = 'open'", "II", now, pid);
	}
	char sum[96];
	snprintf(sum, sizeof sum, "hazard %lld: %s%s", (long long)id, kind, pid ? arena_printf(&r->arena, " to proposal %lld", (long long)pid) : "");
	if (rc == DB_OK && !strcmp(kind, "proposal"))
		rc = tell_group(r->db, id, post, r->who->user_id, "duty.n.proposal", "proposal", body) < 0 ? DB_ERROR : DB_OK;
	else if (rc == DB_OK && pid)
		rc = tell_group(r->db, id, pid, r->who->user_id, "duty.n.objected", "objected", body) < 0 ? DB_ERROR : DB_OK;
	if (rc != DB_OK || audit_req(r, "duty_post", post, kind, sum) != DB_OK ||
	    (pid && audit_req(r, "duty_post", pid, "objected", "an objection within the time") != DB_OK) || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return duty_fail(r, 503, "error.unavailable", NULL), 0;
	}
	return done(r, id, 201);
}

/* GET /api/v1/duty/hazards/:id: the group and its thread */
int duty_api_cowork(struct req *r)
{
	int64_t id;
	int member;
	if (hazard_arg(r, &id, NULL, &member))
		return 0;
	json_t *members = json_array(), *posts = json_array();
	struct db_stmt *st = db_query(r->db, "SELECT u.id, u.name FROM duty_group_members m JOIN users u ON u.id = m.user_id"
				      " WHERE m.hazard_id = ? ORDER BY m.created_at, u.id", "I", id);
	while (st && db_step(st) == 1)
		json_array_append_new(members, json_pack("{s:I, s:s}", "user_id", (json_int_t)db_col_i64(st, 0), "name", db_col_text(st, 1)));
	db_done(r->db, st);
	st = db_query(r->db, "SELECT id, user_id, kind, body, COALESCE(proposal_id, 0), deadline, outcome, decided_at, created_at"
			     " FROM duty_posts WHERE hazard_id = ? ORDER BY id LIMIT 500", "I", id);
	while (st && db_step(st) == 1)
		json_array_append_new(posts, json_pack("{s:I, s:I, s:s, s:s, s:o, s:I, s:s, s:I, s:I}", "id", (json_int_t)db_col_i64(st, 0),
			"user_id", (json_int_t)db_col_i64(st, 1), "kind", db_col_text(st, 2), "body", db_col_text(st, 3), "proposal_id",
			db_col_i64(st, 4) ? json_integer(db_col_i64(st, 4)) : json_null(), "deadline", (json_int_t)db_col_i64(st, 5),
			"outcome", db_col_text(st, 6), "decided_at", (json_int_t)db_col_i64(st, 7), "created_at", (json_int_t)db_col_i64(st, 8)));
	db_done(r->db, st);
	resp_json(r, r->status >= 200 && r->status < 300 ? r->status : 200,
		  json_pack("{s:I, s:o, s:o, s:b}", "hazard_id", (json_int_t)id, "members", members, "posts", posts, "member", member));
	return 0;
}

/* 沉默即同意: proposals whose time passed without an objection are agreed, each recorded as
 * agreed by silence (the system's act in the audit log). Idempotent: only 'open' ones move. */
int duty_consent_run(struct db *c, int64_t now)
{
	int64_t ids[64], hz[64];
	char *body[64];
	int n = 0, done_n = 0;
	struct db_stmt *st = db_query(c, "SELECT id, hazard_id, body FROM duty_posts WHERE outcome = 'open' AND deadline <= ? ORDER BY id LIMIT 64",
				      "I", now);
	while (st && db_step(st) == 1) {
		ids[n] = db_col_i64(st, 0);
		hz[n] = db_col_i64(st, 1);
		body[n++] = xstrdup(db_col_text(st, 2));
	}
	db_done(c, st);
	if (!st)
		return -1;
	struct actor sys;
	actor_system(c, "system", &sys);
	sys.now = now;
	for (int i = 0; i < n && done_n >= 0; i++) {
		if (db_begin(c) != DB_OK) {
			done_n = -1;
			break;
		}
		int moved = db_exec(c, "UPDATE duty_posts SET outcome = 'agreed', decided_at = ? WHERE id = ? AND outcome = 'open'", "II",
				    now, ids[i]) == DB_OK ? db_changes(c) : -1;
		if (moved < 0 ||
		    (moved == 1 && (actor_audit(&sys, "duty_post", ids[i], "agreed_by_silence",
						 "no objection within the time: agreed (沉默即同意)") != DB_OK ||
				    tell_group(c, hz[i], ids[i], 0, "duty.n.agreed", "agreed", body[i]) < 0)) ||
		    db_commit(c) != DB_OK) {
			db_rollback(c);
			done_n = -1;
			break;
		}
		done_n++;
	}
	for (int i = 0; i < n; i++)
		free(body[i]);
	return done_n;
}

/* GET /admin/duty: the system administrator's setting of the consent time */
int duty_settings_page(struct req *r)
{
	page_begin(r, T(r, "duty.settings"));
	html_printf(&r->out, "<h1>%s</h1><form method=\"post\" action=\"/admin/duty\" class=\"card stack\">%r<label>%s"
		    "<input name=\"consent_hours\" inputmode=\"numeric\" value=\"%D\"></label><p class=\"hint\">%s</p><button class=\"primary\">%s</button></form>",
		    T(r, "duty.settings"), page_csrf(r), T(r, "duty.consent_hours"), consent_hours(r->db), T(r, "duty.cowork_hint"),
		    T(r, "duty.save"));
	page_end(r);
	return 0;
}

/* POST /admin/duty {consent_hours: 1..168} */
int duty_settings_post(struct req *r)
{
	const char *v = req_field(r, "consent_hours");
	int64_t h;
	if (!v || text_parse_i64(v, &h) || h < 1 || h > 168)
		return duty_fail(r, 422, "duty.err.consent_hours", "consent_hours"), 0;
	char val[24], sum[48];
	snprintf(val, sizeof val, "%lld", (long long)h);
	snprintf(sum, sizeof sum, "duty.consent_hours = %lld", (long long)h);
	if (db_begin(r->db) != DB_OK ||
	    db_exec(r->db, "INSERT INTO settings (key, value, updated_at) VALUES ('duty.consent_hours', ?, ?)"
			   " ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at", "tI", val, clock_now()) != DB_OK ||
	    audit_req(r, "setting", 0, "update", sum) != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return duty_fail(r, 503, "error.unavailable", NULL), 0;
	}
	if (r->is_api) {
		resp_json(r, 200, json_pack("{s:I}", "consent_hours", (json_int_t)h));
		return 0;
	}
	resp_redirect(r, "/admin/duty");
	return 0;
}
