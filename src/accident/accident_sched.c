/*
 * accident_sched.c — the accident module's scheduler job: the one-hour external reporting
 * clock of 国务院令第493号 Art. 9 (the unit's principal reports to the county-level authority
 * within 1 hour of being told) and the corrective actions' due days.
 *
 * When a reportable accident is still not marked reported at its due time, the people who
 * must report are told it is overdue, and the escalation chain (accident_chain.c; by default
 * the principal's superior after 60 minutes, the safety director after 90) tells each step's
 * people when its time comes. An open corrective action past its due day tells its owner.
 * Every message has a dedup key, so a tick that runs twice tells each person once.
 */
#include "accident/accident.h"
#include "auth/actor.h"
#include "base/day.h"
#include "db/db.h"
#include "notify/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct late {
	int64_t id, company, due;
	int step;	/* steps of the chain already run */
	char *what;
};

static int tell(struct db *c, int64_t uid, const struct late *l, const char *what, const char *title_key,
		const char *body_key)
{
	char key[96], link[48];
	snprintf(key, sizeof(key), "incident:%lld:%s:%lld", (long long)l->id, what, (long long)uid);
	snprintf(link, sizeof(link), "/incidents/%lld", (long long)l->id);
	return notify_send(c, uid, &(struct notify_msg){"accident.escalate", title_key, l->what, body_key, NULL, link, key});
}

int accident_chain_load(struct db *c, struct accident_chain_step *out)
{
	char *v = NULL;
	int n = -1;
	if (db_get_text(c, &v, "SELECT value FROM settings WHERE key = 'accident.escalation'", NULL) == 1)
		n = accident_chain_parse(v, out, ACCIDENT_CHAIN_MAX);
	free(v);
	return n > 0 ? n : accident_chain_parse(ACCIDENT_CHAIN_DEFAULT, out, ACCIDENT_CHAIN_MAX);
}

/* Active holders of a role placed in the plant or under it. */
static int role_in_plant(struct db *c, int64_t company, const char *role, int64_t *ids, int max)
{
	int n = 0;
	struct db_stmt *st = db_query(c, "SELECT DISTINCT us.id FROM users us JOIN user_roles ur ON ur.user_id = us.id"
				       " JOIN roles ro ON ro.id = ur.role_id JOIN units uu ON uu.id = us.unit_id JOIN units cu ON cu.id = ?"
				       " WHERE ro.code = ? AND us.active = 1 AND uu.path LIKE cu.path || '%' ORDER BY us.id",
				       "It", company, role);
	while (st && db_step(st) == 1 && n < max)
		ids[n++] = db_col_i64(st, 0);
	db_done(c, st);
	return n;
}

/* The principal's superior: holders of accident.external above the plant (a group's
 * principal), or, in an installation where the plant is the top, the plant's safety
 * directors, who stand next to the principal for safety. */
static int superior(struct db *c, int64_t company, int64_t *ids, int max)
{
	int n = 0, nc = 0;
	int64_t cand[64];
	struct db_stmt *st = db_query(c, "SELECT us.id FROM users us JOIN units uu ON uu.id = us.unit_id"
				       " JOIN units cu ON cu.id = ? WHERE us.active = 1 AND uu.id <> cu.id"
				       " AND cu.path LIKE uu.path || '%' ORDER BY us.id", "I", company);
	while (st && db_step(st) == 1 && nc < 64)
		cand[nc++] = db_col_i64(st, 0);
	db_done(c, st);
	for (int i = 0; i < nc && n < max; i++)
		if (actor_user_has(c, cand[i], "accident.external"))
			ids[n++] = cand[i];
	return n ? n : role_in_plant(c, company, "safety_director", ids, max);
}

/* The people of one step of the chain. */
static int step_people(struct db *c, int64_t company, const char *who, int64_t *ids, int max)
{
	return !strcmp(who, "superior") ? superior(c, company, ids, max) : role_in_plant(c, company, who, ids, max);
}

static int seen_has(const int64_t *seen, int n, int64_t id)
{
	for (int i = 0; i < n; i++)
		if (seen[i] == id)
			return 1;
	return 0;
}

/* At the due time the people who must report are told it is overdue; then each step of the
 * chain whose time has come tells its people, once (the dedup key names the step), and the
 * incident remembers how far the chain has gone. A person is told by the first step that
 * reaches him and not again by a later one: in a plant without a group the superior of the
 * default chain is the safety director, whom its next step would otherwise tell a second
 * time (and a tick after a pause that runs both steps at once would tell him twice at once). */
static int escalate(struct db *c, const struct late *l, const struct accident_chain_step *chain, int nchain, int64_t now)
{
	int64_t ids[32], seen[32 * ACCIDENT_CHAIN_MAX];
	int acted = 0, rc, step = l->step, nseen = 0;
	int n = accident_reporters(c, l->company, ids, 32);
	for (int i = 0; i < n; i++) {
		if ((rc = tell(c, ids[i], l, "overdue", "accident.notify_overdue", "accident.notify_overdue_body")) < 0)
			return -1;
		acted += rc;
	}
	/* who the steps already run (in earlier ticks) have told */
	for (int k = 0; k < step && k < nchain; k++) {
		n = step_people(c, l->company, chain[k].target, ids, 32);
		for (int i = 0; i < n; i++)
			if (!seen_has(seen, nseen, ids[i]))
				seen[nseen++] = ids[i];
	}
	int64_t told = l->due - ACCIDENT_REPORT_SECONDS;	/* when the principal was told */
	for (; step < nchain && told + (int64_t)chain[step].minutes * 60 <= now; step++) {
		n = step_people(c, l->company, chain[step].target, ids, 32);
		char what[32];
		snprintf(what, sizeof what, "escalate:%d", step + 1);
		for (int i = 0; i < n; i++) {
			if (seen_has(seen, nseen, ids[i]))
				continue;
			seen[nseen++] = ids[i];
			if ((rc = tell(c, ids[i], l, what, "accident.notify_escalate", step ? "accident.notify_escalate_again"
											  : "accident.notify_escalate_body")) < 0)
				return -1;
			acted += rc;
		}
	}
	if (step != l->step &&
	    db_exec(c, "UPDATE incidents SET escalation_step = ?, escalated_at = COALESCE(escalated_at, ?) WHERE id = ?", "iII",
		    step, now, l->id) != DB_OK)
		return -1;
	return acted;
}

int accident_sched_run(struct db *c, int64_t now)
{
	struct late *list = NULL;
	size_t n = 0, cap = 0;
	struct accident_chain_step chain[ACCIDENT_CHAIN_MAX];
	int nchain = accident_chain_load(c, chain);
	if (nchain < 1)
		nchain = 0;
	struct db_stmt *st = db_query(c, "SELECT id, company_id, what, report_due, escalation_step FROM incidents WHERE reportable = 1"
				       " AND ext_reported_at IS NULL AND (escalated_at IS NULL OR escalation_step < ?) AND report_due <= ?"
				       " ORDER BY id LIMIT 200", "iI", nchain, now);
	while (st && db_step(st) == 1) {
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct late *g = realloc(list, nc * sizeof(*g));
			if (!g)
				break;
			list = g;
			cap = nc;
		}
		list[n].id = db_col_i64(st, 0);
		list[n].company = db_col_i64(st, 1);
		list[n].what = strdup(db_col_text(st, 2));
		list[n].due = db_col_i64(st, 3);
		list[n].step = (int)db_col_i64(st, 4);
		n++;
	}
	db_done(c, st);
	int total = 0, failed = 0;
	if (db_begin(c) != DB_OK)
		failed = 1;
	for (size_t i = 0; i < n && !failed; i++) {
		int rc = escalate(c, &list[i], chain, nchain, now);
		if (rc < 0)
			failed = 1;
		else
			total += rc + 1;
	}
	/* corrective actions past their due day: the owner is told once */
	int64_t today = day_of(now);
	st = failed ? NULL : db_query(c, "SELECT a.id, a.owner_id, a.incident_id, a.title FROM incident_actions a"
				       " WHERE a.status = 'open' AND a.due_day < ? ORDER BY a.id LIMIT 500", "I", today);
	struct {
		int64_t id, owner, incident;
		char *title;
	} acts[500];
	int na = 0;
	while (st && db_step(st) == 1 && na < 500) {
		acts[na].id = db_col_i64(st, 0);
		acts[na].owner = db_col_i64(st, 1);
		acts[na].incident = db_col_i64(st, 2);
		acts[na].title = strdup(db_col_text(st, 3));
		na++;
	}
	if (st)
		db_done(c, st);
	for (int i = 0; i < na; i++) {
		char key[64], link[48];
		snprintf(key, sizeof(key), "incident_action:%lld:overdue", (long long)acts[i].id);
		snprintf(link, sizeof(link), "/incidents/%lld", (long long)acts[i].incident);
		int rc = failed ? 0 : notify_send(c, acts[i].owner, &(struct notify_msg){"accident.action",
			"accident.notify_action_overdue", acts[i].title, "accident.notify_action_overdue_body", NULL, link, key});
		if (rc < 0)
			failed = 1;
		else
			total += rc;
		free(acts[i].title);
	}
	for (size_t i = 0; i < n; i++)
		free(list[i].what);
	free(list);
	if (failed) {
		if (db_in_tx(c))
			db_rollback(c);
		return -1;
	}
	return db_commit(c) == DB_OK ? total : -1;
}
