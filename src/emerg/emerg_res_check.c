/*
 * emerg_res_check.c — the monthly check of each emergency supply (应急物资月检) as a check task
 * of the check module: the job makes one task a calendar month for every supply with an owner
 * (origin 'resource', key "r:<supply>:<month start>", through the checklist the setting
 * emerg.check_template names — the built-in 应急物资月检: quantity present, within expiry, seal
 * intact, accessible), the owner does it on the phone like any check, and the record — inside
 * check_record_store()'s transaction, through the module's check_recorded (base/module.h: the
 * check module does not include this one) — sets the supply's checked_on and turns a failed
 * item into the supply's warning to its owner: a missing quantity is its shortage, an item out
 * of date its expiry, a broken seal or a blocked way the failed check (each also a hazard in one
 * tap, as any failed check item is). A task not done in its month is missed and escalated by the check
 * module, like every check task. An open task follows its supply to a new owner, and goes
 * when the supply is retired.
 */
#include "emerg/emerg.h"
#include "check/check.h"
#include "base/clock.h"
#include "base/day.h"
#include "base/log.h"
#include "base/text.h"
#include "db/db.h"
#include "notify/notify.h"
#include "web/i18n.h"
#include "web/page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int emerg_res_check_window(int64_t day, int64_t *start, int64_t *end)
{
	struct check_window w;
	if (check_windows("month", 1, 0, 1440, 0, day, &w, 1) != 1)
		return -1;
	*start = w.start;
	*end = w.end;
	return 0;
}

/* The checklist of the supplies' checks: the setting's, when it is an active built-in or
 * unit checklist; 0 when there is none (no task is made, and the job says so once a run). */
static int64_t check_template(struct db *c)
{
	char *v = NULL;
	int64_t id = 0, ok = 0;
	if (db_get_text(c, &v, "SELECT value FROM settings WHERE key = 'emerg.check_template'", NULL) == 1 &&
	    !text_parse_i64(v, &id))
		db_get_i64(c, &ok, "SELECT count(*) FROM check_templates WHERE id = ? AND active = 1", "I", id);
	free(v);
	return ok ? id : 0;
}

int emerg_res_checks_generate(struct db *c, int64_t now)
{
	int64_t ws, we;
	if (emerg_res_check_window(day_of(now), &ws, &we))
		return -1;
	int64_t tmpl = check_template(c);
	if (!tmpl) {
		log_error("emerg: setting emerg.check_template names no active checklist: no supply checks made");
		return 0;
	}
	char suffix[32];
	snprintf(suffix, sizeof suffix, ":%lld", (long long)ws);
	/* one statement, idempotent by the key: the job runs every minute */
	if (db_exec(c, "INSERT INTO check_tasks (key, origin, resource_id, template_id, unit_id, assignee_id, window_start,"
		       " window_end, status, created_at)"
		       " SELECT 'r:' || CAST(e.id AS TEXT) || ?, 'resource', e.id, ?, e.unit_id, e.owner_id, ?, ?, 'open', ?"
		       " FROM emerg_resources e WHERE e.active = 1 AND e.owner_id IS NOT NULL ON CONFLICT (key) DO NOTHING",
		    "tIIII", suffix, tmpl, ws, we, now) != DB_OK) {
		log_error("emerg: supply checks could not be made: %s", db_errmsg(c));
		return -1;
	}
	int made = db_changes(c);
	/* an open task follows its supply: to a new owner, and away when the supply is retired
	 * (no record points at an open task, so nothing is lost) */
	if (db_exec(c, "UPDATE check_tasks SET assignee_id = (SELECT e.owner_id FROM emerg_resources e WHERE e.id = check_tasks.resource_id)"
		       " WHERE origin = 'resource' AND status = 'open' AND record_id IS NULL AND EXISTS (SELECT 1 FROM emerg_resources e"
		       " WHERE e.id = check_tasks.resource_id AND e.active = 1 AND e.owner_id IS NOT NULL"
		       " AND e.owner_id <> COALESCE(check_tasks.assignee_id, 0))", NULL) != DB_OK ||
	    db_exec(c, "DELETE FROM check_tasks WHERE origin = 'resource' AND status = 'open' AND record_id IS NULL"
		       " AND NOT EXISTS (SELECT 1 FROM check_records r WHERE r.task_id = check_tasks.id) AND EXISTS (SELECT 1"
		       " FROM emerg_resources e WHERE e.id = check_tasks.resource_id AND (e.active = 0 OR e.owner_id IS NULL))",
		       NULL) != DB_OK) {
		log_error("emerg: supply checks could not follow their supplies: %s", db_errmsg(c));
		return -1;
	}
	return made;
}

/* The warning a failed item of the starter checklist raises, by its place in the list. */
static const char *fail_body(int seq, const char **code)
{
	switch (seq) {
	case 1:
		*code = "short";
		return "emerg.notify.short";
	case 2:
		*code = "expired";
		return "emerg.notify.expired";
	default:
		*code = "failed";
		return "emerg.notify.check_failed";
	}
}

int emerg_res_check_recorded(struct db *c, int64_t task_id, int64_t record_id, int64_t at)
{
	int64_t res = 0, owner = 0;
	char *name = NULL;
	struct db_stmt *st = db_query(c, "SELECT e.id, COALESCE(e.owner_id, 0), e.name FROM check_tasks k"
				      " JOIN emerg_resources e ON e.id = k.resource_id WHERE k.id = ? AND k.origin = 'resource'",
				      "I", task_id);
	if (st && db_step(st) == 1) {
		res = db_col_i64(st, 0);
		owner = db_col_i64(st, 1);
		name = strdup(db_col_text(st, 2));
	}
	db_done(c, st);
	if (!st)
		return DB_ERROR;
	if (!res) {
		free(name);
		return DB_OK;	/* not a supply's check */
	}
	/* the day it was checked (a later quick check is not overwritten by an older record) */
	int rc = db_exec(c, "UPDATE emerg_resources SET checked_on = ? WHERE id = ? AND (checked_on IS NULL OR checked_on < ?)",
			 "III", day_of(at), res, day_of(at));
	int seqs[64], n = 0;
	st = rc == DB_OK ? db_query(c, "SELECT i.seq FROM check_results r JOIN check_template_items i ON i.id = r.item_id"
				       " WHERE r.record_id = ? AND r.ok = 0 ORDER BY i.seq LIMIT 64", "I", record_id) : NULL;
	while (st && db_step(st) == 1 && n < 64)
		seqs[n++] = (int)db_col_i64(st, 0);
	db_done(c, st);
	if (rc == DB_OK && !st)
		rc = DB_ERROR;
	char link[64];
	snprintf(link, sizeof link, "/emerg/resources/%lld", (long long)res);
	/* one message per reason and record: the seal and the way are the same "failed check" */
	int told_failed = 0;
	for (int i = 0; i < n && rc == DB_OK && owner; i++) {
		const char *code;
		const char *body = fail_body(seqs[i], &code);
		if (!strcmp(code, "failed") && told_failed++)
			continue;
		char dedup[96];
		snprintf(dedup, sizeof dedup, "emerg:res:%lld:check:%lld:%s", (long long)res, (long long)record_id, code);
		struct notify_msg m = {.kind = "emerg.resource", .title_key = "emerg.notify.resource", .subject = name,
				       .body_key = body, .link = link, .dedup_key = dedup};
		if (notify_send(c, owner, &m) < 0)
			rc = DB_ERROR;
	}
	free(name);
	return rc;
}

void emerg_res_check_panel(struct req *r, int64_t resource_id)
{
	int64_t rec = 0, fin = 0, failed = 0, task = 0, we = 0;
	struct db_stmt *st = db_query(r->db, "SELECT cr.id, cr.finished_at, cr.failed FROM check_records cr"
					     " JOIN check_tasks k ON k.id = cr.task_id WHERE k.resource_id = ?"
					     " ORDER BY cr.finished_at DESC, cr.id DESC LIMIT 1", "I", resource_id);
	if (st && db_step(st) == 1) {
		rec = db_col_i64(st, 0);
		fin = db_col_i64(st, 1);
		failed = db_col_i64(st, 2);
	}
	db_done(r->db, st);
	int64_t now = clock_now(), today = day_of(now);
	st = db_query(r->db, "SELECT id, window_end FROM check_tasks WHERE resource_id = ? AND status = 'open'"
			     " AND window_start <= ? AND window_end > ? ORDER BY window_start LIMIT 1", "III", resource_id, now, now);
	if (st && db_step(st) == 1) {
		task = db_col_i64(st, 0);
		we = db_col_i64(st, 1);
	}
	db_done(r->db, st);
	/* next due: the end of this month's open check, else of next month's */
	int64_t ws, me;
	if (!task && !emerg_res_check_window(today, &ws, &me))
		emerg_res_check_window(day_of(me) + 1, &ws, &we);
	char d[16], n[16];
	html_printf(&r->out, "<h2>%s</h2><dl class=\"kv\" data-res-check>", T(r, "emerg.res.check_list"));
	if (rec)
		html_printf(&r->out, "<dt>%s</dt><dd data-last-check=\"%s\"><a href=\"/checks/records/%D\">%s</a> · %s</dd>",
			    T(r, "emerg.res.last_check"), day_format(day_of(fin), d), rec, d,
			    failed ? arena_printf(&r->arena, "%s %lld", T(r, "emerg.res.check_failed_items"), (long long)failed)
				   : T(r, "emerg.res.check_passed"));
	else
		html_printf(&r->out, "<dt>%s</dt><dd data-last-check=\"\">%s</dd>", T(r, "emerg.res.last_check"),
			    T(r, "emerg.res.never_checked"));
	html_printf(&r->out, "<dt>%s</dt><dd data-next-due=\"%s\">%s</dd></dl>", T(r, "emerg.res.next_due"),
		    day_format(we ? day_of(we - 1) : DAY_NONE, n), n);
	if (task)
		html_printf(&r->out, "<p><a class=\"button primary\" href=\"/checks/tasks/%D\" data-check-task=\"%D\">%s</a></p>", task,
			    task, T(r, "emerg.res.do_check"));
}
