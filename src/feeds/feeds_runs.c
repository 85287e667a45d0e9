/*
 * feeds_runs.c — the log of every import and pull (feeds_runs): written whatever the outcome,
 * so a refused file, an endpoint that was down or an answer that was not JSON leaves a
 * record the log page shows, with the first problems as its message.
 */
#include "feeds/feeds.h"
#include "base/strbuf.h"
#include "db/db.h"

#include <stdio.h>

int64_t feeds_run_record(struct db *c, enum feeds_kind k, const char *via, const struct feeds_opts *o,
			 const struct feeds_result *res, int64_t user_id, int64_t now)
{
	const char *outcome = res->applied ? "applied"
			      : res->share_refused ? "refused"
			      : (res->fatal_key || res->nproblems) ? "failed" : "dry_run";
	struct strbuf msg = STRBUF_INIT;
	if (res->fatal_key)
		sb_addf(&msg, "%s%s%s", res->fatal_key, res->fatal_detail ? ": " : "",
			res->fatal_detail ? res->fatal_detail : "");
	for (int i = 0; i < res->nproblems_shown && i < 5; i++)
		sb_addf(&msg, "%s%d %s %s %s", msg.len ? "; " : "", res->problems[i].row, res->problems[i].field,
			res->problems[i].key, res->problems[i].value);
	int own = !db_in_tx(c);
	int64_t id = 0;
	if (own && db_begin(c) != DB_OK) {
		sb_release(&msg);
		return 0;
	}
	if (db_exec(c, "INSERT INTO feeds_runs (feed, via, dry_run, outcome, rows_read, created, updated, deactivated,"
		       " reassigned, problems, message, user_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0), ?)",
		    "ttitiiiiiitII", k == FEEDS_HR ? "hr" : "eam", via, o->dry_run, outcome, res->rows, res->created,
		    res->updated, res->deactivated, res->reassigned, res->nproblems, msg.len ? msg.buf : "",
		    user_id, now) == DB_OK)
		id = db_last_id(c);
	if (own) {
		if (id && db_commit(c) != DB_OK)
			id = 0;
		if (!id)
			db_rollback(c);
	}
	sb_release(&msg);
	return id;
}
