/*
 * hazard_flow.c — the hazard lifecycle as one table, and the one engine that applies it.
 *
 *   reported ──accept──▶ assigned ──start──▶ rectifying ──submit──▶ verifying ──verify──▶ closed
 *       │   (major) └──▶ planning ──submit_plan──▶ plan_review ──approve_plan ×2──▶ rectifying
 *       └─fix_on_spot (立查立改)──▶ closed          verifying ──reject──▶ rectifying
 *   cancel (duplicate / invalid, with a reason) from any open state ──▶ cancelled
 *   merge (a report flagged as a duplicate of an open hazard) reported ──▶ cancelled
 *
 * A row is {from, action, to, permission, guard}. Several rows may share from and action and
 * differ by guard (accept of a general vs. a major hazard; the first and the second plan
 * approval): the engine takes the first row whose guard passes. Pages draw their buttons from
 * this table with hazard_actions_for(), so the UI never offers what the rules refuse.
 *
 * Guards return NULL or a catalogue key whose middle word says how to answer:
 * "hazard.need.FIELD" → 400 naming FIELD, "hazard.deny.*" → 403, anything else → 409. A guard
 * called with in == NULL checks only who may act (for buttons), not the input.
 *
 * Concurrency: the status change is UPDATE … WHERE id = ? AND status = ? AND version = ?; if
 * another request changed the hazard first, no row changes and this one is refused (409), so
 * two simultaneous verifications cannot both succeed.
 */
#include "hazard/hazard.h"
#include "auth/actor.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "base/text.h"
#include "db/db.h"
#include "notify/notify.h"
#include "web/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int hazard_photos_prepare(struct db *c, const struct hazard_photo_in *p, int n, const struct hazard_mark *mark,
			  struct hazard_image *imgs, const char **msg_key);
int hazard_photos_link(struct db *c, int64_t hazard_id, int64_t event_id, const char *kind,
		       const struct hazard_photo_in *p, int n, struct hazard_image *imgs,
		       const char **msg_key);
int hazard_notify_assignee(struct db *c, int64_t hazard_id, int64_t uid, const char *number);
int hazard_major_alert(struct db *c, int64_t hazard_id, int64_t unit, const char *number);

static int64_t me(const struct actor *a)
{
	return a->user_id;
}

static int blank(const char *s)
{
	if (!s)
		return 1;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return !*s;
}

static int has_role(const struct actor *a, const char *code)
{
	int64_t n = 0;
	db_get_i64(a->db, &n, "SELECT count(*) FROM user_roles ur JOIN roles ro ON ro.id = ur.role_id"
		   " WHERE ur.user_id = ? AND ro.code = ?", "It", me(a), code);
	return n > 0;
}

static void plan_state(struct db *c, int64_t id, int64_t *dir_at, int64_t *pri_at)
{
	*dir_at = *pri_at = -1;	/* -1: no plan */
	struct db_stmt *st = db_query(c, "SELECT director_at, principal_at FROM hazard_plans WHERE hazard_id = ?",
				    "I", id);
	if (st && db_step(st) == 1) {
		*dir_at = db_col_i64(st, 0);
		*pri_at = db_col_i64(st, 1);
	}
	db_done(c, st);
}

/* ---- guards ---- */

static const char *level_of(const struct hazard_row *h, const struct hazard_action_in *in)
{
	return in && in->level && *in->level ? in->level : h->level;
}

/* The person chosen to rectify must be able to: without hazard.rectify they could never
 * start or submit, and the hazard would sit stuck until someone noticed. Refused when chosen
 * (422 on assignee_id), not discovered later. */
static const char *unfit_assignee(const struct actor *a, const struct hazard_action_in *in)
{
	if (!in || !in->assignee_id)
		return NULL;
	return actor_user_has(a->db, in->assignee_id, "hazard.rectify") ? NULL : "hazard.unfit.assignee_id";
}

static const char *g_accept_general(const struct actor *a, const struct hazard_row *h,
				    const struct hazard_action_in *in)
{
	if (strcmp(level_of(h, in), "general"))
		return "hazard.err_level";
	return unfit_assignee(a, in);
}

/* 应急管理部令第10号: a 重大 hazard names the criterion item it meets. */
static const char *g_accept_major(const struct actor *a, const struct hazard_row *h,
				  const struct hazard_action_in *in)
{
	if (strcmp(level_of(h, in), "major"))
		return "hazard.err_level";
	if (!in)
		return NULL;
	int64_t crit = in->criterion_id;
	if (!crit)
		db_get_i64(a->db, &crit, "SELECT coalesce(criterion_id, 0) FROM hazards WHERE id = ?", "I", h->id);
	return crit ? unfit_assignee(a, in) : "hazard.need.criterion_id";
}

/* 立查立改: the reporter fixed a general hazard on the spot and shows the after-photo. */
static const char *g_on_spot(const struct actor *a, const struct hazard_row *h,
			     const struct hazard_action_in *in)
{
	if (h->reporter_id != me(a))
		return "hazard.deny.not_reporter";
	if (strcmp(h->level, "general"))
		return "hazard.err_on_spot_major";
	if (in && in->nphotos < 1)
		return "hazard.need.photo";
	return NULL;
}

static const char *g_reassign(const struct actor *a, const struct hazard_row *h,
			      const struct hazard_action_in *in)
{
	(void)h;
	if (!in)
		return NULL;
	int64_t ok = 0;
	if (in->assignee_id)
		db_get_i64(a->db, &ok, "SELECT count(*) FROM users WHERE id = ? AND active = 1", "I",
			   in->assignee_id);
	if (!ok)
		return "hazard.need.assignee_id";
	if (blank(in->note))
		return "hazard.need.note";
	return unfit_assignee(a, in);
}

static const char *g_is_assignee(const struct actor *a, const struct hazard_row *h,
				 const struct hazard_action_in *in)
{
	(void)in;
	return h->assignee_id == me(a) ? NULL : "hazard.deny.not_assignee";
}

/* Closing needs the rectifier's note and after-photo (before-photo came with the report). */
static const char *g_submit(const struct actor *a, const struct hazard_row *h,
			    const struct hazard_action_in *in)
{
	if (h->assignee_id != me(a))
		return "hazard.deny.not_assignee";
	if (in && blank(in->note))
		return "hazard.need.note";
	if (in && in->nphotos < 1)
		return "hazard.need.photo";
	return NULL;
}

static const char *g_verify(const struct actor *a, const struct hazard_row *h,
			    const struct hazard_action_in *in)
{
	(void)in;
	/* four eyes: whoever rectified cannot confirm their own work */
	if (h->rectifier_id == me(a))
		return "hazard.deny.verifier_is_rectifier";
	int64_t n = 0;
	db_get_i64(a->db, &n, "SELECT count(DISTINCT kind) FROM hazard_photos WHERE hazard_id = ?"
		   " AND kind IN ('before', 'after')", "I", h->id);
	if (n < 2)
		return "hazard.err_photos_missing";
	/* 原安监总局令第16号 Art. 18: a major hazard is closed after its result is assessed */
	if (!strcmp(h->level, "major")) {
		n = 0;
		db_get_i64(a->db, &n, "SELECT count(*) FROM hazard_assessments WHERE hazard_id = ?", "I", h->id);
		if (!n)
			return "hazard.err_assessment_needed";
	}
	return NULL;
}

static const char *g_reject(const struct actor *a, const struct hazard_row *h,
			    const struct hazard_action_in *in)
{
	if (h->rectifier_id == me(a))
		return "hazard.deny.verifier_is_rectifier";
	if (in && blank(in->note))
		return "hazard.need.note";
	return NULL;
}

static const char *g_reason(const struct actor *a, const struct hazard_row *h,
			    const struct hazard_action_in *in)
{
	(void)a;
	(void)h;
	return in && blank(in->note) ? "hazard.need.note" : NULL;
}

static const char *g_major_note(const struct actor *a, const struct hazard_row *h,
				const struct hazard_action_in *in)
{
	(void)a;
	if (strcmp(h->level, "major"))
		return "hazard.err_not_major";
	return in && blank(in->note) ? "hazard.need.note" : NULL;
}

/* 原安监总局令第16号 Art. 15: the plan's six parts, all required. */
static const char *g_plan(const struct actor *a, const struct hazard_row *h,
			  const struct hazard_action_in *in)
{
	(void)a;
	if (strcmp(h->level, "major"))
		return "hazard.err_not_major";
	if (!in)
		return NULL;
	static const char *const need[6] = {"hazard.need.goal", "hazard.need.method",
					     "hazard.need.funding", "hazard.need.organization",
					     "hazard.need.deadline_text", "hazard.need.safety"};
	for (int i = 0; i < 6; i++)
		if (blank(in->plan[i]))
			return need[i];
	if (in->plan_due <= a->now)
		return "hazard.need.due_date";
	return NULL;
}

/* The plan is approved by the safety director and the principal person in charge; which of
 * the two this actor signs as decides whether the plan is now complete. */
static int approval_role(const struct actor *a, int64_t dir_at, int64_t pri_at)
{
	if (has_role(a, "safety_director") && dir_at == 0)
		return 1;
	if (has_role(a, "principal") && pri_at == 0)
		return 2;
	return 0;
}

static const char *g_approve(const struct actor *a, const struct hazard_row *h, int want_last)
{
	int64_t d, p;
	plan_state(a->db, h->id, &d, &p);
	int role = approval_role(a, d, p);
	if (!role)
		return "hazard.deny.not_approver";
	int last = role == 1 ? p > 0 : d > 0;
	return last == want_last ? NULL : "hazard.err_state";
}

static const char *g_approve_first(const struct actor *a, const struct hazard_row *h,
				   const struct hazard_action_in *in)
{
	(void)in;
	return g_approve(a, h, 0);
}

static const char *g_approve_last(const struct actor *a, const struct hazard_row *h,
				  const struct hazard_action_in *in)
{
	(void)in;
	return g_approve(a, h, 1);
}

static const char *g_regulator(const struct actor *a, const struct hazard_row *h,
			       const struct hazard_action_in *in)
{
	(void)in;
	if (strcmp(h->level, "major"))
		return "hazard.err_not_major";
	int64_t at = 0;
	db_get_i64(a->db, &at, "SELECT regulator_reported_at FROM hazards WHERE id = ?", "I", h->id);
	return at ? "hazard.err_already_reported" : NULL;
}

/* Merge: only a report flagged at report time as a duplicate of a hazard that is still open.
 * It ends as cancelled (not a new status: every list, filter, count and dashboard already
 * treats cancelled as "not pursued") and the timeline's merge step and duplicate_of keep the
 * link to the original, which is not touched. */
static const char *g_merge(const struct actor *a, const struct hazard_row *h,
			   const struct hazard_action_in *in)
{
	(void)in;
	int64_t open = 0;
	db_get_i64(a->db, &open, "SELECT count(*) FROM hazards h JOIN hazards o ON o.id = h.duplicate_of"
		   " WHERE h.id = ? AND o.status NOT IN ('closed', 'cancelled')", "I", h->id);
	return open ? NULL : "hazard.err_not_duplicate";
}

/* ---- the table ---- */

const struct hazard_transition hazard_transitions[] = {
	{"reported", "accept", "assigned", "hazard.handle", g_accept_general},
	{"reported", "accept", "planning", "hazard.handle", g_accept_major},
	{"reported", "fix_on_spot", "closed", "hazard.report", g_on_spot},
	{"reported", "reassign", "reported", "hazard.handle", g_reassign},
	{"assigned", "reassign", "assigned", "hazard.handle", g_reassign},
	{"rectifying", "reassign", "rectifying", "hazard.handle", g_reassign},
	{"assigned", "start", "rectifying", "hazard.rectify", g_is_assignee},
	{"rectifying", "submit", "verifying", "hazard.rectify", g_submit},
	{"verifying", "assess", "verifying", "hazard.major", g_major_note},
	{"verifying", "verify", "closed", "hazard.verify", g_verify},
	{"verifying", "reject", "rectifying", "hazard.verify", g_reject},
	{"planning", "submit_plan", "plan_review", "hazard.handle", g_plan},
	{"plan_review", "approve_plan", "plan_review", "hazard.major", g_approve_first},
	{"plan_review", "approve_plan", "rectifying", "hazard.major", g_approve_last},
	{"plan_review", "return_plan", "planning", "hazard.major", g_reason},
	{"planning", "report_regulator", "planning", "hazard.major", g_regulator},
	{"plan_review", "report_regulator", "plan_review", "hazard.major", g_regulator},
	{"rectifying", "report_regulator", "rectifying", "hazard.major", g_regulator},
	{"reported", "merge", "cancelled", "hazard.handle", g_merge},
	{"reported", "cancel", "cancelled", "hazard.handle", g_reason},
	{"assigned", "cancel", "cancelled", "hazard.handle", g_reason},
	{"planning", "cancel", "cancelled", "hazard.handle", g_reason},
	{"rectifying", "cancel", "cancelled", "hazard.handle", g_reason},
	{NULL, NULL, NULL, NULL, NULL},
};

const struct hazard_transition *hazard_flow_find(const char *from, const char *action)
{
	for (const struct hazard_transition *t = hazard_transitions; t->from; t++)
		if (!strcmp(t->from, from) && !strcmp(t->action, action))
			return t;
	return NULL;
}

int hazard_actions_for(const struct actor *a, const struct hazard_row *h, const char **acts, int max)
{
	int n = 0;
	if (a->preview)
		return 0;	/* role preview is read-only */
	for (const struct hazard_transition *t = hazard_transitions; t->from && n < max; t++) {
		if (strcmp(t->from, h->status) || !actor_has(a, t->perm))
			continue;
		int dup = 0;
		for (int i = 0; i < n; i++)
			dup |= !strcmp(acts[i], t->action);
		if (!dup && !t->guard(a, h, NULL))
			acts[n++] = t->action;
	}
	return n;
}

/* ---- side effects of each action, inside the transaction ---- */

static int notify_link(struct db *c, int64_t uid, const struct hazard_row *h, const char *kind,
		       const char *title_key, const char *dedup)
{
	if (!uid)
		return 0;
	char link[48];
	snprintf(link, sizeof(link), "/hazards/%lld", (long long)h->id);
	int rc = notify_send(c, uid, &(struct notify_msg){kind, title_key, h->number, NULL, "", link, dedup});
	return rc < 0 ? -1 : 0;
}

static int notify_role(struct db *c, const char *role, const struct hazard_row *h, const char *kind,
		       const char *title_key)
{
	int64_t ids[16];
	int n = 0, rc = 0;
	struct db_stmt *st = db_query(c, "SELECT DISTINCT u.id FROM users u JOIN user_roles ur ON ur.user_id = u.id"
				       " JOIN roles ro ON ro.id = ur.role_id WHERE ro.code = ? AND u.active = 1",
				    "t", role);
	while (st && db_step(st) == 1 && n < 16)
		ids[n++] = db_col_i64(st, 0);
	db_done(c, st);
	for (int i = 0; i < n && !rc; i++)
		rc = notify_link(c, ids[i], h, kind, title_key, NULL);
	return rc;
}

static int apply(const struct actor *a, const struct hazard_row *h, const char *action, const char *to,
		 const struct hazard_action_in *in)
{
	struct db *c = a->db;
	int64_t now = a->now, uid = me(a);
	int rc = DB_OK;
	int anon = 0;
	{
		int64_t v = 0;
		db_get_i64(c, &v, "SELECT anonymous FROM hazards WHERE id = ?", "I", h->id);
		anon = (int)v;
	}
	if (!strcmp(action, "accept")) {
		const char *level = in->level && *in->level ? in->level : h->level;
		const char *urg = in->urgency && *in->urgency ? in->urgency : h->urgency;
		struct hazard_deadlines d = hazard_deadlines(c, urg[0], h->reported_at);
		rc = db_exec(c, "UPDATE hazards SET level = ?, urgency = ?, accepted_at = ?, rectify_due = ?,"
				" criterion_id = coalesce(NULLIF(?, 0), criterion_id),"
				" assignee_id = coalesce(NULLIF(?, 0), assignee_id) WHERE id = ?",
			     "ttIIIII", level, urg, now, d.rectify_due, in->criterion_id, in->assignee_id, h->id);
		if (rc == DB_OK && !anon)	/* a valid report earns points (anonymous ones stay anonymous) */
			rc = hazard_award(c, h->id, h->reporter_id, "report",
					  hazard_setting(c, "hazard.points.report", 2));
		if (rc == DB_OK && in->assignee_id && in->assignee_id != h->assignee_id)
			rc = hazard_notify_assignee(c, h->id, in->assignee_id, h->number);
		/* reported as major: everyone was alerted at the report (hazard.c); raised to
		 * major now: the same people, with the same once-only keys */
		if (rc == DB_OK && !strcmp(level, "major") && strcmp(h->level, "major"))
			rc = hazard_major_alert(c, h->id, h->unit_id, h->number) ? DB_ERROR : DB_OK;
	} else if (!strcmp(action, "reassign")) {
		rc = db_exec(c, "UPDATE hazards SET assignee_id = ? WHERE id = ?", "II", in->assignee_id, h->id);
		if (rc == DB_OK)
			rc = hazard_notify_assignee(c, h->id, in->assignee_id, h->number);
	} else if (!strcmp(action, "submit")) {
		rc = db_exec(c, "UPDATE hazards SET rectifier_id = ?, submitted_at = ? WHERE id = ?", "III",
			     uid, now, h->id);
		if (rc == DB_OK && !anon)
			rc = notify_link(c, h->reporter_id, h, "hazard.submitted", "hazard.notify_submitted", NULL);
	} else if (!strcmp(action, "verify")) {
		rc = db_exec(c, "UPDATE hazards SET verifier_id = ?, closed_at = ? WHERE id = ?", "III", uid,
			     now, h->id);
		/* on time: submitted for verification before the rectification deadline */
		int64_t on_time = 0;
		db_get_i64(c, &on_time, "SELECT submitted_at <= rectify_due FROM hazards WHERE id = ?", "I", h->id);
		if (rc == DB_OK && on_time)
			rc = hazard_award(c, h->id, h->rectifier_id, "rectify",
					  hazard_setting(c, "hazard.points.rectify", 3));
		if (rc == DB_OK)
			rc = notify_link(c, h->rectifier_id, h, "hazard.closed", "hazard.notify_closed", NULL);
	} else if (!strcmp(action, "reject")) {
		rc = notify_link(c, h->assignee_id, h, "hazard.rejected", "hazard.notify_rejected", NULL);
	} else if (!strcmp(action, "assess")) {
		rc = db_exec(c, "INSERT INTO hazard_assessments (hazard_id, user_id, at, conclusion) VALUES (?, ?, ?, ?)",
			     "IIIt", h->id, uid, now, in->note);
	} else if (!strcmp(action, "submit_plan")) {
		rc = db_exec(c, "INSERT INTO hazard_plans (hazard_id, goal, method, funding, organization,"
				" deadline_text, safety, due_at, submitted_by, submitted_at) VALUES"
				" (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (hazard_id) DO UPDATE SET"
				" goal = excluded.goal, method = excluded.method, funding = excluded.funding,"
				" organization = excluded.organization, deadline_text = excluded.deadline_text,"
				" safety = excluded.safety, due_at = excluded.due_at, submitted_by = excluded.submitted_by,"
				" submitted_at = excluded.submitted_at, director_id = NULL, director_at = 0,"
				" principal_id = NULL, principal_at = 0",
			     "IttttttIII", h->id, in->plan[0], in->plan[1], in->plan[2], in->plan[3],
			     in->plan[4], in->plan[5], in->plan_due, uid, now);
		if (rc == DB_OK)
			rc = db_exec(c, "UPDATE hazards SET rectify_due = ? WHERE id = ?", "II", in->plan_due, h->id);
		if (rc == DB_OK)
			rc = notify_role(c, "safety_director", h, "hazard.plan", "hazard.notify_plan");
		if (rc == DB_OK)
			rc = notify_role(c, "principal", h, "hazard.plan", "hazard.notify_plan");
	} else if (!strcmp(action, "approve_plan")) {
		int64_t d, p;
		plan_state(c, h->id, &d, &p);
		rc = approval_role(a, d, p) == 1
			? db_exec(c, "UPDATE hazard_plans SET director_id = ?, director_at = ? WHERE hazard_id = ?",
				  "III", uid, now, h->id)
			: db_exec(c, "UPDATE hazard_plans SET principal_id = ?, principal_at = ? WHERE hazard_id = ?",
				  "III", uid, now, h->id);
		if (rc == DB_OK && !strcmp(to, "rectifying"))
			rc = notify_link(c, h->assignee_id, h, "hazard.plan", "hazard.notify_plan_approved", NULL);
	} else if (!strcmp(action, "return_plan")) {
		rc = db_exec(c, "UPDATE hazard_plans SET director_id = NULL, director_at = 0, principal_id = NULL,"
				" principal_at = 0 WHERE hazard_id = ?", "I", h->id);
	} else if (!strcmp(action, "fix_on_spot")) {
		rc = db_exec(c, "UPDATE hazards SET on_spot = 1, rectifier_id = ?, submitted_at = ?, closed_at = ?,"
				" accepted_at = ? WHERE id = ?", "IIIII", uid, now, now, now, h->id);
		if (rc == DB_OK && !anon)
			rc = hazard_award(c, h->id, uid, "report", hazard_setting(c, "hazard.points.report", 2));
		if (rc == DB_OK)
			rc = hazard_award(c, h->id, uid, "rectify", hazard_setting(c, "hazard.points.rectify", 3));
	} else if (!strcmp(action, "report_regulator")) {
		rc = db_exec(c, "UPDATE hazards SET regulator_reported_at = ? WHERE id = ?", "II", now, h->id);
	} else if (!strcmp(action, "merge")) {
		/* the reporter saw a real hazard: the report still earns its points */
		if (!anon)
			rc = hazard_award(c, h->id, h->reporter_id, "report",
					  hazard_setting(c, "hazard.points.report", 2));
		if (rc == DB_OK && !anon)
			rc = notify_link(c, h->reporter_id, h, "hazard.cancelled", "hazard.notify_merged", NULL);
	} else if (!strcmp(action, "cancel")) {
		if (!anon)
			rc = notify_link(c, h->reporter_id, h, "hazard.cancelled", "hazard.notify_cancelled", NULL);
	}
	return rc;
}

static int status_for_key(const char *key, const char **field)
{
	*field = NULL;
	if (!strncmp(key, "hazard.need.", 12)) {
		*field = key + 12;
		return 400;
	}
	if (!strncmp(key, "hazard.unfit.", 13)) {
		*field = key + 13;
		return 422;
	}
	if (!strncmp(key, "hazard.deny.", 12))
		return 403;
	return 409;
}

int hazard_act(const struct actor *a, int64_t id, const char *action, const struct hazard_action_in *in,
	       const char **msg_key, const char **field)
{
	struct hazard_row h;
	struct hazard_image imgs[HTTP_MAX_FILES];
	*field = NULL;
	if (!hazard_visible(a, id) || hazard_load(a->db, id, &h)) {
		*msg_key = "error.not_found";
		return 404;
	}
	int known = 0, from_here = 0, permitted = 0;
	const struct hazard_transition *pick = NULL;
	const char *why = NULL;
	for (const struct hazard_transition *t = hazard_transitions; t->from; t++) {
		if (strcmp(t->action, action))
			continue;
		known = 1;
		if (strcmp(t->from, h.status))
			continue;
		from_here = 1;
		if (!actor_has(a, t->perm))
			continue;
		permitted = 1;
		const char *w = t->guard(a, &h, in);
		if (!w) {
			pick = t;
			break;
		}
		/* "wrong level" only says this transition is not the one (accept as general or as
		 * major): the other's reason, if it gave one, is what the person must fix */
		if (!why || strcmp(w, "hazard.err_level"))
			why = w;
	}
	if (!known) {
		*msg_key = "hazard.err_action";
		*field = "action";
		return 404;
	}
	if (!from_here) {
		*msg_key = "hazard.err_state";
		return 409;
	}
	if (!permitted) {
		*msg_key = "error.forbidden";
		return 403;
	}
	if (!pick) {
		*msg_key = why;
		return status_for_key(why, field);
	}
	if (in->note && utf8_chars(in->note) > 4000) {
		*msg_key = "hazard.err_note";
		*field = "note";
		return 400;
	}
	if (hazard_photos_check(a->db, a->user_id, in->photos, in->nphotos, msg_key)) {
		*field = "photos";
		return 422;
	}
	/* the same checks as the report's note: the container's magic bytes and the size */
	if (in->voice_len && hazard_voice_check(a->db, in->voice, in->voice_len, msg_key)) {
		*field = "voice";
		return 422;
	}
	/* the rectifier's and the verifier's photos carry their own name, time and fix */
	struct hazard_gps gps = in->gps;
	if (hazard_gps_parse(&gps, field, msg_key))
		return 400;
	struct hazard_mark mark;
	hazard_mark_fill(a->db, a->user_id, 0, h.area_id, &gps, a->now, &mark);
	int prc = hazard_photos_prepare(a->db, in->photos, in->nphotos, &mark, imgs, msg_key);
	hazard_mark_release(&mark);
	if (prc) {
		*field = "photo";
		return 400;
	}
	int status = 500;
	int64_t now = a->now;
	*msg_key = "error.unavailable";
	if (db_begin(a->db) != DB_OK)
		goto out;
	/* the optimistic lock: only if nobody acted since we loaded it */
	if (db_exec(a->db, "UPDATE hazards SET status = ?, version = version + 1, updated_at = ?"
			   " WHERE id = ? AND status = ? AND version = ?", "tIItI", pick->to, now, id,
		    h.status, h.version) != DB_OK)
		goto fail;
	if (db_changes(a->db) != 1) {
		db_rollback(a->db);
		*msg_key = "hazard.err_conflict";
		status = 409;
		goto out;
	}
	if (apply(a, &h, action, pick->to, in) != DB_OK)
		goto fail;
	if (db_exec(a->db, "INSERT INTO hazard_events (hazard_id, at, user_id, action, from_status, to_status, note)"
			   " VALUES (?, ?, ?, ?, ?, ?, ?)", "IIItttt", id, now, me(a), action, h.status,
		    pick->to, in->note ? in->note : "") != DB_OK)
		goto fail;
	int64_t event = db_last_id(a->db);
	const char *kind = !strcmp(action, "submit") || !strcmp(action, "fix_on_spot") ? "after" : "other";
	if (hazard_photos_link(a->db, id, event, kind, in->photos, in->nphotos, imgs, msg_key)) {
		*field = "photo";
		status = 400;
		goto fail;
	}
	if (in->voice_len && hazard_voice_store(a->db, id, in->voice, in->voice_len, a->user_id, in->voice_seconds, event, now) != DB_OK)
		goto fail;
	struct strbuf sum = STRBUF_INIT;
	sb_addf(&sum, "%s %s: %s → %s", h.number, action, h.status, pick->to);
	int arc = actor_audit(a, "hazard", id, action, sum.buf);
	sb_release(&sum);
	if (arc != DB_OK || hazard_search_sync(a->db, id) != DB_OK)
		goto fail;
	if (db_commit(a->db) != DB_OK)
		goto out;
	status = 0;
	*msg_key = NULL;
	goto out;
fail:
	log_error("hazard: %s on %lld failed: %s", action, (long long)id, db_errmsg(a->db));
	db_rollback(a->db);
out:
	for (int i = 0; i < in->nphotos; i++)
		hazard_image_free(&imgs[i]);
	return status;
}
