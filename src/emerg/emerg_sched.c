/*
 * emerg_sched.c — the emergency module's scheduler job: a supply that is short, expiring
 * (within EMERG_EXPIRY_WARN_DAYS), expired or past its monthly check warns its owner through
 * the inbox and the outbox. Idempotent by notify_send()'s dedup key: an expiry is told once
 * per reason and expiry day, a shortage or a missed check once a month. A plan whose review
 * is near or past reminds its owner (plan_reminders).
 */
#include "emerg/emerg.h"
#include "emerg/emerg_tabletop.h"
#include "base/day.h"
#include "base/log.h"
#include "db/db.h"
#include "notify/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 500

/* Plans whose review (Art. 35) is due within EMERG_REVIEW_WARN_DAYS or overdue: the owner is
 * told at 60 and at 30 days before, and once when it is overdue — per version, so that a new
 * approved version starts again. */
static int plan_reminders(struct db *c, int64_t today)
{
	struct prow {
		int64_t id, owner, approved;
		int months, version;
		char title[128];
	} *rows = calloc(BATCH, sizeof *rows);
	if (!rows)
		return -1;
	int n = 0;
	struct db_stmt *st = db_query(c, "SELECT id, owner_id, approved_on, review_months, version, title FROM emerg_plans"
				      " WHERE active = 1 AND owner_id IS NOT NULL ORDER BY id LIMIT 500", NULL);
	while (st && db_step(st) == 1 && n < BATCH) {
		struct prow *w = &rows[n];
		w->id = db_col_i64(st, 0);
		w->owner = db_col_i64(st, 1);
		w->approved = db_col_i64(st, 2);
		w->months = (int)db_col_i64(st, 3);
		w->version = (int)db_col_i64(st, 4);
		snprintf(w->title, sizeof w->title, "%s", db_col_text(st, 5));
		int64_t due;
		if (emerg_plan_review(w->approved, w->months, today, &due) != EMERG_REVIEW_OK)
			n++;
	}
	db_done(c, st);
	int sent = 0;
	if (n && db_begin(c) != DB_OK) {
		free(rows);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		int64_t due;
		enum emerg_review s = emerg_plan_review(rows[i].approved, rows[i].months, today, &due);
		const char *stage = s == EMERG_REVIEW_OVERDUE ? "overdue" : due - today <= 30 ? "30" : "60";
		char dedup[96], link[48];
		snprintf(dedup, sizeof dedup, "emerg:plan:%lld:v%d:%s", (long long)rows[i].id, rows[i].version, stage);
		snprintf(link, sizeof link, "/emerg/plans/%lld", (long long)rows[i].id);
		struct notify_msg m = {.kind = "emerg.plan", .title_key = "emerg.notify.plan", .subject = rows[i].title,
				       .body_key = s == EMERG_REVIEW_OVERDUE ? "emerg.notify.plan_overdue" : "emerg.notify.plan_due",
				       .link = link, .dedup_key = dedup};
		int rc = notify_send(c, rows[i].owner, &m);
		if (rc < 0) {
			db_rollback(c);
			free(rows);
			return -1;
		}
		sent += rc;
	}
	free(rows);
	if (n && db_commit(c) != DB_OK) {
		db_rollback(c);
		return -1;
	}
	return sent;
}

int emerg_sched_run(struct db *c, int64_t now)
{
	int plans = plan_reminders(c, day_of(now));
	int actions = plans < 0 ? -1 : emerg_action_reminders(c, day_of(now));
	if (actions < 0)
		return -1;
	plans += actions;
	int made = emerg_res_checks_generate(c, now);	/* this month's supply checks */
	if (made < 0)
		return -1;
	plans += made;
	int64_t today = day_of(now);
	int y, m, d;
	day_to_ymd(today, &y, &m, &d);
	struct row {
		int64_t id, owner, expires, checked;
		int qty, min;
		char name[128];
	} *rows = calloc(BATCH, sizeof *rows);
	if (!rows)
		return -1;
	int n = 0;
	struct db_stmt *st = db_query(c, "SELECT e.id, e.owner_id, e.expires_on, e.checked_on, e.quantity, e.min_quantity,"
				      " e.name FROM emerg_resources e WHERE e.active = 1 AND e.owner_id IS NOT NULL AND"
				      EMERG_RES_ATTENTION_SQL " ORDER BY e.id LIMIT 500", "II", today, today);
	while (st && db_step(st) == 1 && n < BATCH) {
		struct row *w = &rows[n++];
		w->id = db_col_i64(st, 0);
		w->owner = db_col_i64(st, 1);
		w->expires = db_col_null(st, 2) ? DAY_NONE : db_col_i64(st, 2);
		w->checked = db_col_null(st, 3) ? DAY_NONE : db_col_i64(st, 3);
		w->qty = (int)db_col_i64(st, 4);
		w->min = (int)db_col_i64(st, 5);
		snprintf(w->name, sizeof w->name, "%s", db_col_text(st, 6));
	}
	db_done(c, st);
	if (!n) {
		free(rows);
		return plans;
	}
	if (db_begin(c) != DB_OK) {
		free(rows);
		return -1;
	}
	int sent = 0;
	for (int i = 0; i < n; i++) {
		struct row *w = &rows[i];
		int s = emerg_resource_state(today, w->qty, w->min, w->expires, w->checked);
		static const struct {
			int bit;
			const char *code, *body;
		} why[] = {
			{EMERG_RES_EXPIRED, "expired", "emerg.notify.expired"},
			{EMERG_RES_EXPIRING, "expiring", "emerg.notify.expiring"},
			{EMERG_RES_SHORT, "short", "emerg.notify.short"},
			{EMERG_RES_CHECK, "check", "emerg.notify.check"},
		};
		for (size_t k = 0; k < sizeof why / sizeof why[0]; k++) {
			if (!(s & why[k].bit))
				continue;
			char dedup[96], link[64];
			/* an expiry once per expiry day; a shortage or a check once a month */
			if (why[k].bit & (EMERG_RES_EXPIRED | EMERG_RES_EXPIRING))
				snprintf(dedup, sizeof dedup, "emerg:res:%lld:%s:%lld", (long long)w->id, why[k].code,
					 (long long)w->expires);
			else
				snprintf(dedup, sizeof dedup, "emerg:res:%lld:%s:%04d%02d", (long long)w->id, why[k].code, y, m);
			snprintf(link, sizeof link, "/emerg/resources/%lld", (long long)w->id);
			struct notify_msg msg = {.kind = "emerg.resource", .title_key = "emerg.notify.resource",
						 .subject = w->name, .body_key = why[k].body, .link = link, .dedup_key = dedup};
			int rc = notify_send(c, w->owner, &msg);
			if (rc < 0) {
				db_rollback(c);
				free(rows);
				log_error("emerg: a supply warning could not be written");
				return -1;
			}
			sent += rc;
		}
	}
	free(rows);
	if (db_commit(c) != DB_OK) {
		db_rollback(c);
		return -1;
	}
	return sent + plans;
}
