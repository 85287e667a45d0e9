/*
 * emerg_sched.c — the emergency module's scheduler job: a supply that is short, expiring
 * (within EMERG_EXPIRY_WARN_DAYS), expired or past its monthly check warns its owner through
 * the inbox and the outbox. Idempotent by notify_send()'s dedup key: an expiry is told once
 * per reason and expiry day, a shortage or a missed check once a month.
 */
#include "emerg/emerg.h"
#include "base/day.h"
#include "base/log.h"
#include "db/db.h"
#include "notify/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 500

int emerg_sched_run(struct db *c, int64_t now)
{
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
		return 0;
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
	return sent;
}
