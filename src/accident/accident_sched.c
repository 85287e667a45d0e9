/*
 * accident_sched.c — the accident module's scheduler job: the one-hour external reporting
 * clock of 国务院令第493号 Art. 9 (the unit's principal reports to the county-level authority
 * within 1 hour of being told) and the corrective actions' due days.
 *
 * When a reportable accident is still not marked reported at its due time, the people who
 * must report are told it is overdue and the next level is told: holders of
 * accident.external above the plant (a group's principal), or, in an installation where the
 * plant is the top, the plant's safety directors (role safety_director), who stand next to
 * the principal for safety. An open corrective action past its due day tells its owner.
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
	int64_t id, company;
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

/* The next level above the plant's principal (see the file comment). */
static int next_level(struct db *c, int64_t company, int64_t *ids, int max)
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
	if (n)
		return n;
	st = db_query(c, "SELECT DISTINCT us.id FROM users us JOIN user_roles ur ON ur.user_id = us.id"
		      " JOIN roles ro ON ro.id = ur.role_id JOIN units uu ON uu.id = us.unit_id JOIN units cu ON cu.id = ?"
		      " WHERE ro.code = 'safety_director' AND us.active = 1 AND uu.path LIKE cu.path || '%' ORDER BY us.id",
		      "I", company);
	while (st && db_step(st) == 1 && n < max)
		ids[n++] = db_col_i64(st, 0);
	db_done(c, st);
	return n;
}

static int escalate(struct db *c, const struct late *l, int64_t now)
{
	int64_t ids[32];
	int acted = 0, rc;
	int n = accident_reporters(c, l->company, ids, 32);
	for (int i = 0; i < n; i++) {
		if ((rc = tell(c, ids[i], l, "overdue", "accident.notify_overdue", "accident.notify_overdue_body")) < 0)
			return -1;
		acted += rc;
	}
	n = next_level(c, l->company, ids, 32);
	for (int i = 0; i < n; i++) {
		if ((rc = tell(c, ids[i], l, "escalate", "accident.notify_escalate", "accident.notify_escalate_body")) < 0)
			return -1;
		acted += rc;
	}
	if (db_exec(c, "UPDATE incidents SET escalated_at = ? WHERE id = ? AND escalated_at IS NULL", "II", now, l->id) != DB_OK)
		return -1;
	return acted;
}

int accident_sched_run(struct db *c, int64_t now)
{
	struct late *list = NULL;
	size_t n = 0, cap = 0;
	struct db_stmt *st = db_query(c, "SELECT id, company_id, what FROM incidents WHERE reportable = 1"
				       " AND ext_reported_at IS NULL AND escalated_at IS NULL AND report_due <= ? ORDER BY id"
				       " LIMIT 200", "I", now);
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
		n++;
	}
	db_done(c, st);
	int total = 0, failed = 0;
	if (db_begin(c) != DB_OK)
		failed = 1;
	for (size_t i = 0; i < n && !failed; i++) {
		int rc = escalate(c, &list[i], now);
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
