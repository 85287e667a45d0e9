/*
 * permit_flow.c — the permit lifecycle as a table of transitions and the one engine that
 * runs them.
 *
 *   draft → submitted → approving → approved → in_progress ⇄ suspended → closed
 *   submitted/approving → refused → draft;  draft…approved → cancelled
 *
 * Each row is {from, action, to, permission, who, when}; `when` picks between rows of the
 * same action (the last signature moves to approved, the others to approving). The engine
 * checks the permission and who may act, runs the action's guard (the blocking rules of
 * permit_rules.c), changes the state, records the event, writes the audit entry and the
 * notifications — all in one transaction, so a refused action changes nothing. Pages draw
 * their buttons from the same table (permit_actions_for).
 */
#include "permit/permit.h"
#include "auth/actor.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "notify/notify.h"
#include "web/i18n.h"

#include <stdlib.h>
#include <string.h>

static int last_step(struct db *c, const struct permit *p)
{
	int n = 0;
	struct permit_step *s = permit_chain_load(c, p->type, p->grade, &n);
	permit_chain_free(s, n);
	return p->chain_step + 1 >= n;
}

static int more_steps(struct db *c, const struct permit *p)
{
	return !last_step(c, p);
}

const struct permit_transition permit_transitions[] = {
	{"draft", "submit", "submitted", "permit.apply", PERMIT_WHO_APPLICANT, NULL},
	{"submitted", "approve", "approving", "permit.approve", PERMIT_WHO_APPROVER, more_steps},
	{"submitted", "approve", "approved", "permit.approve", PERMIT_WHO_APPROVER, last_step},
	{"approving", "approve", "approving", "permit.approve", PERMIT_WHO_APPROVER, more_steps},
	{"approving", "approve", "approved", "permit.approve", PERMIT_WHO_APPROVER, last_step},
	{"submitted", "refuse", "refused", "permit.approve", PERMIT_WHO_APPROVER, NULL},
	{"approving", "refuse", "refused", "permit.approve", PERMIT_WHO_APPROVER, NULL},
	{"refused", "revise", "draft", "permit.apply", PERMIT_WHO_APPLICANT, NULL},
	{"approved", "start", "in_progress", "permit.guard", PERMIT_WHO_GUARDIAN, NULL},
	{"in_progress", "suspend", "suspended", "permit.guard", PERMIT_WHO_SITE, NULL},
	{"suspended", "resume", "in_progress", "permit.guard", PERMIT_WHO_GUARDIAN, NULL},
	{"in_progress", "extend", "in_progress", "permit.approve", PERMIT_WHO_SCOPE, NULL},
	{"suspended", "extend", "suspended", "permit.approve", PERMIT_WHO_SCOPE, NULL},
	{"in_progress", "close", "closed", "permit.guard", PERMIT_WHO_GUARDIAN, NULL},
	{"suspended", "close", "closed", "permit.guard", PERMIT_WHO_GUARDIAN, NULL},
	{"draft", "cancel", "cancelled", "permit.apply", PERMIT_WHO_APPLICANT, NULL},
	{"refused", "cancel", "cancelled", "permit.apply", PERMIT_WHO_APPLICANT, NULL},
	{"submitted", "cancel", "cancelled", "permit.apply", PERMIT_WHO_APPLICANT, NULL},
	{"approving", "cancel", "cancelled", "permit.apply", PERMIT_WHO_APPLICANT, NULL},
	{"approved", "cancel", "cancelled", "permit.apply", PERMIT_WHO_APPLICANT, NULL},
	{NULL, NULL, NULL, NULL, 0, NULL},
};

struct ctx {
	struct db *c;
	const struct actor *a;
	struct permit *p;
	const struct permit_act_in *in;
	int64_t uid;
	permit_cert_fn cert;
	struct strbuf note;
	int has_loc;
	double lat, lng;
};

/* --- who may act --- */

static int who_ok(const struct actor *a, const struct permit *p, int who)
{
	int64_t u = a->user_id;
	switch (who) {
	case PERMIT_WHO_APPLICANT:
		return u == p->applicant_id;
	case PERMIT_WHO_GUARDIAN:
		return u == p->guardian_id;
	case PERMIT_WHO_APPROVER:
		return u != p->applicant_id && actor_scope_allows(a, p->unit_id, 0);
	case PERMIT_WHO_SITE:
		return u == p->guardian_id || actor_scope_allows(a, p->unit_id, 0);
	case PERMIT_WHO_SCOPE:
		return u != p->applicant_id && actor_scope_allows(a, p->unit_id, 0);
	}
	return 0;
}

/* --- guards --- */

/* An electronic signature: the signer re-enters their password. */
static int signature(struct ctx *x, struct permit_err *e)
{
	char *hash = NULL;
	if (x->a->system)
		return 0;
	if (!x->in->password || !*x->in->password) {
		permit_err_set(e, 422, "permit.err.signature_missing", "password", NULL);
		return -1;
	}
	int ok = db_get_text(x->c, &hash, "SELECT password_hash FROM users WHERE id = ?", "I", x->uid) == 1 &&
		 auth_verify_password(hash, x->in->password) == 1;
	free(hash);
	if (!ok) {
		permit_err_set(e, 403, "permit.err.signature", "password", NULL);
		return -1;
	}
	return 0;
}

static int need_reason(struct ctx *x, struct permit_err *e)
{
	if (!x->in->reason || !*x->in->reason) {
		permit_err_set(e, 422, "permit.err.reason", "reason", NULL);
		return -1;
	}
	sb_adds(&x->note, x->in->reason);
	return 0;
}

static int refresh_conflicts(struct ctx *x)
{
	struct strbuf sb = STRBUF_INIT;
	permit_find_conflicts(x->c, x->p, &sb);
	free(x->p->conflicts);
	x->p->conflicts = sb_detach(&sb, NULL);
	return db_exec(x->c, "UPDATE permits SET conflicts = ? WHERE id = ?", "tI", x->p->conflicts, x->p->id);
}

static int g_submit(struct ctx *x, struct permit_err *e)
{
	int64_t now = clock_now();
	if (permit_check_no_overdue(x->c, x->p, now, e) || permit_check_window(x->c, x->p, now, e) ||
	    permit_check_guardian(x->c, x->p, x->cert, e) || permit_check_workers(x->c, x->p, x->cert, e) ||
	    permit_check_measures(x->p, e))
		return -1;
	if (x->p->planned_end <= now) {
		permit_err_set(e, 422, "permit.err.in_past", "planned_end", NULL);
		return -1;
	}
	x->p->round++;
	x->p->chain_step = 0;
	if (db_exec(x->c, "UPDATE permits SET round = ?, chain_step = 0 WHERE id = ?", "iI", x->p->round,
		    x->p->id) != DB_OK || refresh_conflicts(x) != DB_OK)
		return -1;
	return 0;
}

static int record_approval(struct ctx *x, const char *decision)
{
	int n = 0, step = x->p->chain_step + 1;
	struct permit_step *s = permit_chain_load(x->c, x->p->type, x->p->grade, &n);
	const char *level = "unit";
	for (int i = 0; i < n; i++)
		if (s[i].step == step)
			level = s[i].level;
	int rc = db_exec(x->c, "INSERT INTO permit_approvals (permit_id, round, step, level, user_id, decision,"
			       " reason, conflicts_ack, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			 "IiitIttt" "I", x->p->id, x->p->round, step, level, x->uid, decision,
			 x->in->reason ? x->in->reason : "", x->in->ack_conflicts ? x->p->conflicts : "",
			 clock_now());
	if (rc == DB_OK && x->has_loc)
		rc = db_exec(x->c, "UPDATE permit_approvals SET lat = ?, lng = ? WHERE id = ?", "ddI", x->lat,
			     x->lng, db_last_id(x->c));
	permit_chain_free(s, n);
	return rc;
}

/* No valid certificate, no approval: the workers and guardian are checked again at each
 * signature, and conflicts must be acknowledged (§4.7). */
static int g_approve(struct ctx *x, struct permit_err *e)
{
	if (signature(x, e) || permit_check_approver(x->c, x->p, x->p->chain_step + 1, x->uid, e) ||
	    permit_check_workers(x->c, x->p, x->cert, e) || permit_check_guardian(x->c, x->p, x->cert, e))
		return -1;
	if (refresh_conflicts(x) != DB_OK)
		return -1;
	if (*x->p->conflicts && !x->in->ack_conflicts) {
		permit_err_set(e, 422, "permit.err.conflicts", "ack_conflicts", xstrdup(x->p->conflicts));
		return -1;
	}
	if (record_approval(x, "approve") != DB_OK)
		return -1;
	x->p->chain_step++;
	return db_exec(x->c, "UPDATE permits SET chain_step = ? WHERE id = ?", "iI", x->p->chain_step, x->p->id);
}

static int g_refuse(struct ctx *x, struct permit_err *e)
{
	if (need_reason(x, e) || signature(x, e) ||
	    permit_check_approver(x->c, x->p, x->p->chain_step + 1, x->uid, e))
		return -1;
	return record_approval(x, "refuse");
}

/* On site: the guardian starts the work within the planned window, with a gas reading no
 * older than 30 min (§5.3.1, §6.3) and the phone inside the area's radius. */
static int g_start(struct ctx *x, struct permit_err *e)
{
	int64_t now = clock_now();
	if (now < x->p->planned_start - 1800 || now >= x->p->planned_end) {
		permit_err_set(e, 422, now < x->p->planned_start ? "permit.err.too_early" : "permit.err.expired",
			       "planned_start", NULL);
		return -1;
	}
	if (permit_check_workers(x->c, x->p, x->cert, e) || permit_check_guardian(x->c, x->p, x->cert, e) ||
	    permit_check_gas_fresh(x->c, x->p, now, 0, e))
		return -1;
	struct db_stmt *st = db_query(x->c, "SELECT latitude, longitude, radius_m, latitude IS NOT NULL FROM areas"
					  " WHERE id = ?", "I", x->p->area_id);
	double alat = 0, alng = 0, radius = 0;
	int coords = 0;
	if (st && db_step(st) == 1) {
		alat = db_col_double(st, 0);
		alng = db_col_double(st, 1);
		radius = db_col_double(st, 2);
		coords = (int)db_col_i64(st, 3);
	}
	db_done(x->c, st);
	double dist = -1;
	const char *exception = "";
	if (coords && !x->a->system) {
		if (!x->has_loc) {
			permit_err_set(e, 422, "permit.err.location", "lat", NULL);
			return -1;
		}
		dist = permit_distance_m(alat, alng, x->lat, x->lng);
		if (dist > radius) {
			int64_t record = 0;
			char *mode = NULL;
			if (db_get_text(x->c, &mode, "SELECT value FROM settings WHERE key = 'permit.site_outside'",
					NULL) == 1 && !strcmp(mode, "record"))
				record = 1;
			free(mode);
			struct strbuf sb = STRBUF_INIT;
			sb_addf(&sb, "%.0f m > %.0f m", dist, radius);
			if (!record || !x->in->reason || !*x->in->reason) {
				permit_err_set(e, 422, record ? "permit.err.outside_reason" : "permit.err.outside",
					       record ? "reason" : "lat", sb_detach(&sb, NULL));
				return -1;
			}
			sb_release(&sb);
			exception = x->in->reason;
			sb_adds(&x->note, x->in->reason);
		}
	}
	x->p->started_at = now;
	if (dist >= 0)
		return db_exec(x->c, "UPDATE permits SET started_at = ?, start_lat = ?, start_lng = ?,"
				     " start_distance_m = ?, start_exception = ? WHERE id = ?",
			       "IdddtI", now, x->lat, x->lng, dist, exception, x->p->id);
	return db_exec(x->c, "UPDATE permits SET started_at = ? WHERE id = ?", "II", now, x->p->id);
}

static int g_suspend(struct ctx *x, struct permit_err *e)
{
	if (need_reason(x, e))
		return -1;
	x->p->suspended_at = clock_now();
	return db_exec(x->c, "UPDATE permits SET suspended_at = ? WHERE id = ?", "II", x->p->suspended_at, x->p->id);
}

/* §5.3.1 / §6.4: after an interruption longer than the grade's limit, a new passing reading
 * taken after the interruption began is needed; so it is when the work was stopped for a
 * failed reading, or when the last good reading is older than the re-test interval (§6.5). */
static int g_resume(struct ctx *x, struct permit_err *e)
{
	int64_t now = clock_now();
	if (now >= x->p->planned_end) {
		permit_err_set(e, 422, "permit.err.expired", "planned_end", NULL);
		return -1;
	}
	int interrupt = 0;
	permit_max_hours(x->c, x->p->type, x->p->grade, &interrupt);
	int64_t failed = 0, retest = 0, last = 0;
	db_get_i64(x->c, &failed, "SELECT count(*) FROM permit_gas_tests WHERE permit_id = ? AND passed = 0"
				  " AND created_at >= ?", "II", x->p->id, x->p->suspended_at);
	db_get_i64(x->c, &retest, "SELECT retest_min FROM permit_types WHERE code = ?", "t", x->p->type);
	db_get_i64(x->c, &last, "SELECT COALESCE(max(taken_at), 0) FROM permit_gas_tests WHERE permit_id = ?"
			        " AND passed = 1", "I", x->p->id);
	int need = failed || now - x->p->suspended_at > (int64_t)interrupt * 60 ||
		   (retest > 0 && now - last > retest * 60);
	if (permit_gas_required(x->p->type, x->p->hazardous_area) && need &&
	    permit_check_gas_fresh(x->c, x->p, now, x->p->suspended_at, e))
		return -1;
	return db_exec(x->c, "UPDATE permits SET suspended_at = 0 WHERE id = ?", "I", x->p->id);
}

/* Extension only where the type allows it, and never past the grade's maximum validity
 * counted from the planned start (§4.16–4.17: otherwise a new permit is needed). */
static int g_extend(struct ctx *x, struct permit_err *e)
{
	int64_t ext = 0;
	db_get_i64(x->c, &ext, "SELECT extendable FROM permit_types WHERE code = ?", "t", x->p->type);
	if (!ext) {
		permit_err_set(e, 422, "permit.err.not_extendable", "type", NULL);
		return -1;
	}
	int hours = permit_max_hours(x->c, x->p->type, x->p->grade, NULL);
	if (x->in->new_end <= x->p->planned_end) {
		permit_err_set(e, 422, "permit.err.extend_earlier", "planned_end", NULL);
		return -1;
	}
	if (x->in->new_end - x->p->planned_start > (int64_t)hours * 3600) {
		struct strbuf sb = STRBUF_INIT;
		sb_addf(&sb, "%d h", hours);
		permit_err_set(e, 422, "permit.err.too_long", "planned_end", sb_detach(&sb, NULL));
		return -1;
	}
	if (signature(x, e))
		return -1;
	x->p->planned_end = x->in->new_end;
	return db_exec(x->c, "UPDATE permits SET planned_end = ? WHERE id = ?", "II", x->in->new_end, x->p->id);
}

/* 完工验收: the guardian confirms the site is clear and signs. */
static int g_close(struct ctx *x, struct permit_err *e)
{
	if (!x->a->system && !x->in->site_clear) {
		permit_err_set(e, 422, "permit.err.site_clear", "site_clear", NULL);
		return -1;
	}
	if (signature(x, e))
		return -1;
	if (x->in->reason)
		sb_adds(&x->note, x->in->reason);
	x->p->closed_at = clock_now();
	return db_exec(x->c, "UPDATE permits SET closed_at = ? WHERE id = ?", "II", x->p->closed_at, x->p->id);
}

static int g_note(struct ctx *x, struct permit_err *e)
{
	(void)e;
	if (x->in->reason)
		sb_adds(&x->note, x->in->reason);
	return 0;
}

static int run_guard(struct ctx *x, const char *action, struct permit_err *e)
{
	static const struct {
		const char *action;
		int (*fn)(struct ctx *, struct permit_err *);
	} guards[] = {
		{"submit", g_submit}, {"approve", g_approve}, {"refuse", g_refuse}, {"start", g_start},
		{"suspend", g_suspend}, {"resume", g_resume}, {"extend", g_extend}, {"close", g_close},
		{"cancel", g_note}, {"revise", g_note}, {NULL, NULL},
	};
	for (int i = 0; guards[i].action; i++)
		if (!strcmp(guards[i].action, action)) {
			int rc = guards[i].fn(x, e);
			if (rc && !e->key)
				permit_err_set(e, 500, "permit.err.store", NULL, NULL);
			return rc ? -1 : 0;
		}
	return 0;
}

/* --- notifications --- */

struct tell {
	struct ctx *x;
	const char *action;
	int64_t event_id;
};

static void tell_one(int64_t user_id, void *arg)
{
	struct tell *t = arg;
	if (!user_id || user_id == t->x->uid)
		return;
	struct strbuf link = STRBUF_INIT, key = STRBUF_INIT;
	char kt[64];
	snprintf(kt, sizeof(kt), "permit.notify.%s", t->action);
	sb_addf(&link, "/permits/%lld", (long long)t->x->p->id);
	sb_addf(&key, "permit:%lld:%lld:%lld", (long long)t->x->p->id, (long long)t->event_id, (long long)user_id);
	notify_send(t->x->c, user_id, &(struct notify_msg){"permit", kt, t->x->p->number, NULL, t->x->p->content,
							     link.buf, key.buf});
	sb_release(&link);
	sb_release(&key);
}

static void notify_step(struct ctx *x, const char *action, const char *to, int64_t event_id)
{
	struct tell t = {x, action, event_id};
	if (!strcmp(to, "submitted") || !strcmp(to, "approving")) {
		t.action = "to_approve";
		permit_approvers_each(x->c, x->p, x->p->chain_step + 1, tell_one, &t);
		if (!strcmp(action, "submit"))
			return;
		t.action = action;
	}
	tell_one(x->p->applicant_id, &t);
	if (strcmp(action, "refuse") && strcmp(action, "cancel"))
		tell_one(x->p->guardian_id, &t);
}

/* --- the engine --- */

int permit_act_in_tx(const struct actor *a, struct permit *p, const char *action,
		     const struct permit_act_in *in, struct permit_err *e)
{
	struct db *c = a->db;
	const struct permit_transition *row = NULL;
	int known = 0, rc = -1;
	for (const struct permit_transition *t = permit_transitions; t->from; t++) {
		if (strcmp(t->action, action))
			continue;
		known = 1;
		if (!strcmp(t->from, p->state) && (!t->when || t->when(c, p))) {
			row = t;
			break;
		}
	}
	if (!row) {
		/* a second click on "approve" finds the permit already moved on: 409, nothing changes */
		permit_err_set(e, known ? 409 : 400, known ? "permit.err.state" : "permit.err.action",
			       known ? "state" : "action", xstrdup(p->state));
		return -1;
	}
	if (!actor_has(a, row->perm)) {
		permit_err_set(e, 403, "error.forbidden", "action", NULL);
		return -1;
	}
	if (!a->system && !who_ok(a, p, row->who)) {
		permit_err_set(e, 403, row->who == PERMIT_WHO_APPROVER ? "permit.err.self_approval" : "permit.err.not_yours",
			       "action", NULL);
		if (row->who == PERMIT_WHO_APPROVER && a->user_id != p->applicant_id)
			e->key = "permit.err.wrong_unit";
		return -1;
	}
	struct ctx x = {c, a, p, in, a->user_id, in->cert ? in->cert : permit_cert_default,
			STRBUF_INIT, in->has_loc, in->lat, in->lng};
	if (run_guard(&x, action, e))
		goto out;
	const char *from = p->state;
	int64_t now = clock_now();
	if (db_exec(c, "UPDATE permits SET state = ?, updated_at = ? WHERE id = ?", "tII", row->to, now, p->id) != DB_OK)
		goto fail;
	int ok = x.uid
		? db_exec(c, "INSERT INTO permit_events (permit_id, at, user_id, action, from_state, to_state, note)"
			     " VALUES (?, ?, ?, ?, ?, ?, ?)", "IIItttt", p->id, now, x.uid, action, from, row->to,
			  x.note.buf) == DB_OK
		: db_exec(c, "INSERT INTO permit_events (permit_id, at, action, from_state, to_state, note)"
			     " VALUES (?, ?, ?, ?, ?, ?)", "IItttt", p->id, now, action, from, row->to, x.note.buf) == DB_OK;
	int64_t event_id = db_last_id(c);
	if (ok && x.has_loc)
		ok = db_exec(c, "UPDATE permit_events SET lat = ?, lng = ? WHERE id = ?", "ddI", x.lat, x.lng,
			     event_id) == DB_OK;
	struct strbuf sum = STRBUF_INIT;
	sb_addf(&sum, "%s %s→%s%s%s", p->number, from, row->to, x.note.len ? ": " : "", x.note.buf);
	if (ok)
		ok = actor_audit(a, "permit", p->id, action, sum.buf) == DB_OK;
	sb_release(&sum);
	if (!ok)
		goto fail;
	free(p->state);
	p->state = xstrdup(row->to);
	notify_step(&x, action, row->to, event_id);
	rc = 0;
	goto out;
fail:
	permit_err_set(e, 500, "permit.err.store", NULL, NULL);
out:
	sb_release(&x.note);
	return rc;
}

int permit_act(const struct actor *a, int64_t id, const char *action,
	       const struct permit_act_in *in, struct permit_err *e)
{
	struct db *c = a->db;
	if (db_begin(c) != DB_OK) {
		permit_err_set(e, 503, "error.unavailable", NULL, NULL);
		return -1;
	}
	struct permit *p = permit_load(c, id);
	int rc = -1;
	if (!p || (!a->system && !permit_visible_to(a, p)))
		permit_err_set(e, 404, "error.not_found", NULL, NULL);
	else
		rc = permit_act_in_tx(a, p, action, in, e);
	if (rc == 0 && db_commit(c) != DB_OK) {
		permit_err_set(e, 500, "permit.err.store", NULL, NULL);
		rc = -1;
	}
	if (rc)
		db_rollback(c);
	permit_free(p);
	return rc;
}

int permit_actions_for(const struct actor *a, const struct permit *p, const char **out, int max)
{
	int n = 0;
	for (const struct permit_transition *t = permit_transitions; t->from && n < max - 1; t++) {
		if (strcmp(t->from, p->state) || !actor_has(a, t->perm) || !who_ok(a, p, t->who))
			continue;
		if (t->who == PERMIT_WHO_APPROVER) {
			struct permit_err e = {0};
			int ok = permit_check_approver(a->db, p, p->chain_step + 1, a->user_id, &e) == 0;
			permit_err_clear(&e);
			if (!ok)
				continue;
		}
		int dup = 0;
		for (int i = 0; i < n; i++)
			dup |= !strcmp(out[i], t->action);
		if (!dup)
			out[n++] = t->action;
	}
	out[n] = NULL;
	return n;
}
