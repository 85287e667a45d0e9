/*
 * emerg_action_sched.c — part of the emergency module's job: an action raised from a drill's
 * (or an exercise's) shortcoming that is past its due day reminds its owner once, and when it
 * is still open EMERG_ACTION_ESCALATE_DAYS later (setting emerg.action_escalate_days) the
 * owner's superior once: the head of the owner's unit, or of the unit above when the owner
 * heads his own. The gaps of a tabletop exercise (emerg_tt_actions) climb the same chain.
 * Each message has its dedup key, so the job may run as often as it likes.
 */
#include "emerg/emerg.h"
#include "base/log.h"
#include "base/text.h"
#include "db/db.h"
#include "notify/notify.h"

#include <stdio.h>
#include <stdlib.h>

#define BATCH 500

static int64_t escalate_days(struct db *c)
{
	char *v = NULL;
	int64_t n = EMERG_ACTION_ESCALATE_DAYS;
	if (db_get_text(c, &v, "SELECT value FROM settings WHERE key = 'emerg.action_escalate_days'", NULL) != 1 ||
	    text_parse_i64(v, &n) || n < 1 || n > 365)
		n = EMERG_ACTION_ESCALATE_DAYS;
	free(v);
	return n;
}

/* The owner's superior: the head of the owner's unit, or of the unit above when the owner
 * heads his own (on `users us`, the owner). */
#define SUPERIOR_SQL \
	" COALESCE((SELECT un.head_user_id FROM units un WHERE un.id = us.unit_id AND un.head_user_id <> us.id)," \
	"  (SELECT pu.head_user_id FROM units un JOIN units pu ON pu.id = un.parent_id WHERE un.id = us.unit_id), 0)"

/* Where overdue actions come from: the query (id, owner, due day, the record it links to, the
 * action's text, the messages' subject, the superior; binding today), the link, the dedup
 * prefix and the messages; a message without a body key carries the action's text. */
struct action_src {
	const char *sql, *link_fmt, *key, *owner_title, *owner_body, *up_title, *up_body;
};

static const struct action_src sources[] = {
	/* a drill's shortcoming (emerg_drill_web.c) */
	{"SELECT a.id, a.owner_id, a.due_on, a.drill_id, a.text, a.text," SUPERIOR_SQL
	 " FROM emerg_actions a JOIN users us ON us.id = a.owner_id"
	 " WHERE a.done_at = 0 AND a.due_on < ? ORDER BY a.id LIMIT 500",
	 "/emerg/drills/%lld", "emerg:action", "emerg.notify.action_overdue", "emerg.notify.action_overdue_body",
	 "emerg.notify.action_escalated", "emerg.notify.action_escalated_body"},
	/* a tabletop exercise's gap (emerg_tabletop_web.c): the exercise's title, the gap as body */
	{"SELECT a.id, a.owner_id, a.due_on, t.id, a.text, t.title," SUPERIOR_SQL
	 " FROM emerg_tt_actions a JOIN emerg_tabletops t ON t.id = a.tabletop_id JOIN users us ON us.id = a.owner_id"
	 " WHERE a.done_at = 0 AND a.due_on < ? ORDER BY a.id LIMIT 500",
	 "/emerg/tabletops/%lld", "emerg:tt_action", "emerg.tt.notify.overdue", NULL, "emerg.tt.notify.escalated", NULL},
	{0},
};

static int remind(struct db *c, int64_t today, int64_t days, const struct action_src *src)
{
	struct arow {
		int64_t id, owner, boss, due, link;
		char text[3200], subject[320];
	} *rows = calloc(BATCH, sizeof *rows);
	if (!rows)
		return -1;
	int n = 0;
	struct db_stmt *st = db_query(c, src->sql, "I", today);
	while (st && db_step(st) == 1 && n < BATCH) {
		struct arow *w = &rows[n++];
		w->id = db_col_i64(st, 0);
		w->owner = db_col_i64(st, 1);
		w->due = db_col_i64(st, 2);
		w->link = db_col_i64(st, 3);
		snprintf(w->text, sizeof w->text, "%s", db_col_text(st, 4));
		snprintf(w->subject, sizeof w->subject, "%s", db_col_text(st, 5));
		w->boss = db_col_i64(st, 6);
	}
	db_done(c, st);
	int sent = 0;
	if (n && db_begin(c) != DB_OK) {
		free(rows);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		struct arow *w = &rows[i];
		char dedup[64], link[48];
		snprintf(link, sizeof link, src->link_fmt, (long long)w->link);
		snprintf(dedup, sizeof dedup, "%s:%lld:owner", src->key, (long long)w->id);
		struct notify_msg m = {.kind = "emerg.action", .title_key = src->owner_title, .subject = w->subject,
				       .body_key = src->owner_body, .body = src->owner_body ? NULL : w->text, .link = link,
				       .dedup_key = dedup};
		int rc = notify_send(c, w->owner, &m);
		if (rc >= 0 && w->boss && today - w->due > days) {
			sent += rc;
			snprintf(dedup, sizeof dedup, "%s:%lld:superior", src->key, (long long)w->id);
			m.title_key = src->up_title;
			m.body_key = src->up_body;
			m.body = src->up_body ? NULL : w->text;
			rc = notify_send(c, w->boss, &m);
		}
		if (rc < 0) {
			db_rollback(c);
			free(rows);
			log_error("emerg: an action reminder could not be written");
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

int emerg_action_reminders(struct db *c, int64_t today)
{
	int64_t days = escalate_days(c);
	int sent = 0;
	for (const struct action_src *src = sources; src->sql; src++) {
		int rc = remind(c, today, days, src);
		if (rc < 0)
			return -1;
		sent += rc;
	}
	return sent;
}
