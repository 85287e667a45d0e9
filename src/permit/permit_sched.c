/*
 * permit_sched.c — the permit jobs the scheduler runs each minute:
 *  - a confined-space permit in progress whose last gas record is older than the type's
 *    re-test interval (§6.5: at least every 2 h) is suspended, and the guardian is told;
 *  - a permit past its validity that is not closed is escalated: the applicant, the guardian
 *    and the safety department are told once (dedup keys), and the applicant cannot submit
 *    a new permit until it is closed (permit_check_no_overdue).
 */
#include "permit/permit.h"
#include "auth/actor.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "notify/notify.h"
#include "web/i18n.h"

#include <stdlib.h>
#include <string.h>

static int suspend_overdue_retests(struct db *c, int64_t now)
{
	int64_t ids[200];
	int n = 0, acted = 0;
	struct db_stmt *st = db_query(c,
		"SELECT p.id FROM permits p JOIN permit_types t ON t.code = p.type WHERE p.state = 'in_progress'"
		" AND t.retest_min > 0 AND COALESCE((SELECT max(g.taken_at) FROM permit_gas_tests g"
		" WHERE g.permit_id = p.id AND g.passed = 1), p.started_at) + t.retest_min * 60 < ? LIMIT 200",
		"I", now);
	while (st && db_step(st) == 1)
		ids[n++] = db_col_i64(st, 0);
	db_done(c, st);
	for (int i = 0; i < n; i++) {
		struct permit_err e = {0};
		struct actor sys;
		actor_system(c, "system", &sys);
		/* the reason stays in the permit's history: in the plant's language */
		struct permit_act_in in = {.reason = T(&sys, "permit.retest_overdue")};
		if (permit_act(&sys, ids[i], "suspend", &in, &e) == 0)
			acted++;
		permit_err_clear(&e);
	}
	return acted;
}

static int escalate_expired(struct db *c, int64_t now)
{
	struct strbuf q = STRBUF_INIT;
	int acted = 0;
	int64_t ids[200];
	int n = 0;
	struct db_stmt *st = db_query(c, "SELECT id FROM permits WHERE state IN ('approved', 'in_progress', 'suspended')"
				       " AND planned_end < ? ORDER BY id LIMIT 200", "I", now);
	while (st && db_step(st) == 1)
		ids[n++] = db_col_i64(st, 0);
	db_done(c, st);
	for (int i = 0; i < n; i++) {
		struct permit *p = permit_load(c, ids[i]);
		if (!p)
			continue;
		if (db_begin(c) != DB_OK) {
			permit_free(p);
			return -1;
		}
		struct strbuf link = STRBUF_INIT;
		sb_addf(&link, "/permits/%lld", (long long)p->id);
		int told = 0;
		int64_t who[64];
		int k = 0;
		who[k++] = p->applicant_id;
		if (p->guardian_id)
			who[k++] = p->guardian_id;
		st = db_query(c, "SELECT DISTINCT ur.user_id FROM user_roles ur JOIN roles ro ON ro.id = ur.role_id"
				 " WHERE ro.code = 'safety_dept' LIMIT 60", NULL);
		while (st && db_step(st) == 1 && k < 64)
			who[k++] = db_col_i64(st, 0);
		db_done(c, st);
		for (int j = 0; j < k; j++) {
			sb_reset(&q);
			sb_addf(&q, "permit:%lld:overdue:%lld", (long long)p->id, (long long)who[j]);
			if (notify_send(c, who[j], &(struct notify_msg){"permit_overdue", "permit.notify.overdue", p->number,
									 NULL, p->content, link.buf, q.buf}) == 1)
				told++;
		}
		if (told && db_exec(c, "INSERT INTO permit_events (permit_id, at, action, from_state, to_state, note)"
				       " VALUES (?, ?, 'escalate', ?, ?, '')", "IItt", p->id, now, p->state, p->state) != DB_OK) {
			db_rollback(c);
		} else if (db_commit(c) != DB_OK) {
			db_rollback(c);
		} else if (told) {
			acted++;
		}
		sb_release(&link);
		permit_free(p);
	}
	sb_release(&q);
	return acted;
}

int permit_sched_run(struct db *c, int64_t now)
{
	int a = suspend_overdue_retests(c, now);
	int b = escalate_expired(c, now);
	return (a < 0 ? 0 : a) + (b < 0 ? 0 : b);
}
