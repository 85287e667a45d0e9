/*
 * hazard_sched.c — the scheduler job that watches hazard deadlines.
 *
 * Two clocks: the response clock (a reported hazard must be accepted by respond_due) and the
 * rectification clock (an accepted hazard must be submitted for verification by rectify_due;
 * for a major hazard the plan's due date). For each:
 *   - at remind_percent (default 75 %) of the time, the assignee is reminded;
 *   - at the deadline the hazard is marked overdue (and stays counted as overdue) and the
 *     assignee is told; escalation step 1 goes to the assignee's supervisor;
 *   - each further escalate_step_hours (default 24 h) the next step: 2 the head of the
 *     assignee's unit (walking up the tree if a unit has none, or if its head is the
 *     supervisor already told at step 1), 3 the safety director(s).
 * Every message has a dedup key ("hazard:42:rectify:escalate:2:7"), so running the job twice
 * or late tells nobody twice (原安监总局令第16号 Art. 10: 治理责任、时限 must be enforced).
 *
 * The cost of a minute: a hazard whose stage was fully handled is passed over by its mark
 * (hazards.watched, migration 1340: clock, due time, assignee and stage), so a tick reads the
 * open hazards and sends only what is new; and the work is committed in batches, so the
 * write lock is never held for long (reports and sign-ins wait behind it). A batch is whole:
 * its messages and the marks that say they were sent commit together.
 *
 * Also: photos uploaded through the API but never attached to a hazard within a day are
 * deleted, so an abandoned upload leaves nothing behind.
 */
#include "hazard/hazard.h"
#include "base/strbuf.h"
#include "db/blobstore.h"
#include "db/db.h"
#include "notify/notify.h"
#include "web/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct watch {
	int64_t id, assignee, start, due, overdue;
	char kind[8];		/* respond | rectify */
	char number[32];
	char mark[96];		/* the stage handled last time (hazards.watched) */
};

/* Hazards handled per write transaction: a few hundred statements, milliseconds of the lock. */
#define WATCH_BATCH 100

static int tell(struct db *c, int64_t uid, const struct watch *w, const char *kind,
		const char *title_key, const char *what, int step)
{
	if (!uid)
		return 0;
	char key[128], link[48];
	snprintf(key, sizeof(key), "hazard:%lld:%s:%s:%d:%lld", (long long)w->id, w->kind, what, step,
		 (long long)uid);
	snprintf(link, sizeof(link), "/hazards/%lld", (long long)w->id);
	const char *body_key = !strcmp(w->kind, "respond") ? "hazard.clock_respond" : "hazard.clock_rectify";
	return notify_send(c, uid, &(struct notify_msg){kind, title_key, w->number, body_key, NULL, link, key});
}

/* The head of uid's unit, walking up while a unit has no head or its head is uid or skip
 * (the supervisor already told at step 1: in a small workshop the supervisor is often the
 * unit head, and step 2 must reach someone new rather than tell the same person twice). */
static int64_t unit_head_of(struct db *c, int64_t uid, int64_t skip)
{
	int64_t unit = 0;
	db_get_i64(c, &unit, "SELECT unit_id FROM users WHERE id = ?", "I", uid);
	for (int depth = 0; unit && depth < 16; depth++) {
		int64_t head = 0, parent = 0;
		db_get_i64(c, &head, "SELECT coalesce(head_user_id, 0) FROM units WHERE id = ?", "I", unit);
		if (head && head != uid && head != skip)
			return head;
		db_get_i64(c, &parent, "SELECT coalesce(parent_id, 0) FROM units WHERE id = ?", "I", unit);
		unit = parent;
	}
	return 0;
}

static int escalate(struct db *c, const struct watch *w, int step)
{
	int64_t to = 0;
	if (step == 1) {
		db_get_i64(c, &to, "SELECT coalesce(supervisor_id, 0) FROM users WHERE id = ?", "I", w->assignee);
		return tell(c, to, w, "hazard.escalate", "hazard.notify_escalate", "escalate", 1);
	}
	if (step == 2) {
		int64_t supervisor = 0;
		db_get_i64(c, &supervisor, "SELECT coalesce(supervisor_id, 0) FROM users WHERE id = ?", "I",
			   w->assignee);
		return tell(c, unit_head_of(c, w->assignee, supervisor), w, "hazard.escalate", "hazard.notify_escalate",
			    "escalate", 2);
	}
	int64_t ids[16];
	int n = 0, total = 0;
	struct db_stmt *st = db_query(c, "SELECT DISTINCT u.id FROM users u JOIN user_roles ur ON ur.user_id = u.id"
				       " JOIN roles ro ON ro.id = ur.role_id WHERE ro.code = 'safety_director'"
				       " AND u.active = 1 ORDER BY u.id", NULL);
	while (st && db_step(st) == 1 && n < 16)
		ids[n++] = db_col_i64(st, 0);
	db_done(c, st);
	for (int i = 0; i < n; i++) {
		int rc = tell(c, ids[i], w, "hazard.escalate", "hazard.notify_escalate", "escalate", 3);
		if (rc < 0)
			return rc;
		total += rc;
	}
	return total;
}

static int watch_one(struct db *c, const struct watch *w, int64_t now, int percent, int64_t step_s)
{
	int acted = 0, rc;
	if (now < w->due) {
		if (now >= hazard_remind_at(w->start, w->due, percent)) {
			rc = tell(c, w->assignee, w, "hazard.remind", "hazard.notify_remind", "remind", 0);
			if (rc < 0)
				return -1;
			acted += rc;
		}
		return acted;
	}
	if (!w->overdue) {
		if (db_exec(c, "UPDATE hazards SET overdue = 1, overdue_at = ? WHERE id = ?", "II", w->due,
			    w->id) != DB_OK)
			return -1;
		acted++;
	}
	rc = tell(c, w->assignee, w, "hazard.overdue", "hazard.notify_overdue", "overdue", 0);
	if (rc < 0)
		return -1;
	acted += rc;
	for (int step = 1; step <= 3; step++) {
		if (now < w->due + (int64_t)(step - 1) * step_s)
			break;
		rc = escalate(c, w, step);
		if (rc < 0)
			return -1;
		acted += rc;
	}
	return acted;
}

/* Blobs nothing refers to, created before `before`: deleted one by one through the blob store
 * (blobstore.h), so that a blob kept in files.dir loses its file with its row. Inside the
 * job's write transaction. The number deleted, or -1. */
static int blobs_sweep(struct db *c, int64_t before)
{
	struct db_stmt *st = db_query(c, "SELECT sha256 FROM blobs WHERE created_at < ?1 AND sha256 NOT IN (SELECT sha256 FROM hazard_photos)"
		      /* the same bytes uploaded again within the day may still be attached by hash */
		      " AND sha256 NOT IN (SELECT sha256 FROM photo_uploads WHERE uploaded_at >= ?1)"
		      " AND sha256 NOT IN (SELECT b.thumb_sha256 FROM blobs b JOIN hazard_photos p ON p.sha256 = b.sha256"
		      " WHERE b.thumb_sha256 IS NOT NULL)"
		      /* a watermarked photo's original is kept as long as the photo */
		      " AND sha256 NOT IN (SELECT original_sha256 FROM photo_originals)"
		      /* a hazard's voice notes: the report's, the rectifier's (0140, 0141) */
		      " AND sha256 NOT IN (SELECT sha256 FROM hazard_voice)"
		      /* a signature on the store keeper's tablet, the receipt of a PPE issue (1001) */
		      " AND sha256 NOT IN (SELECT signature_sha FROM ppe_holdings WHERE signature_sha IS NOT NULL)"
		      /* a check record's voice note (0690_check_offline.sql) */
		      " AND sha256 NOT IN (SELECT sha256 FROM check_voice)"
		      /* a check result's photo (0600_check.sql) is evidence as a hazard's is */
		      " AND sha256 NOT IN (SELECT photo_sha FROM check_results WHERE photo_sha IS NOT NULL)"
		      " AND sha256 NOT IN (SELECT b.thumb_sha256 FROM blobs b JOIN check_results cr ON cr.photo_sha = b.sha256"
		      " WHERE b.thumb_sha256 IS NOT NULL)"
		      /* an incident's photo (0850_accident.sql) and its thumbnail */
		      " AND sha256 NOT IN (SELECT photo_sha FROM incidents WHERE photo_sha IS NOT NULL)"
		      " AND sha256 NOT IN (SELECT b.thumb_sha256 FROM blobs b JOIN incidents i ON i.photo_sha = b.sha256"
		      " WHERE b.thumb_sha256 IS NOT NULL)"
		      /* a training course's materials (0711_train_materials.sql) */
		      " AND sha256 NOT IN (SELECT sha256 FROM train_materials)"
		      /* an emergency plan's PDF (0800_emerg.sql) */
		      " AND sha256 NOT IN (SELECT pdf_sha FROM emerg_plan_versions WHERE pdf_sha IS NOT NULL)", "I", before);
	if (!st)
		return -1;
	size_t n = 0, cap = 0;
	char (*shas)[65] = NULL;
	int rc;
	while ((rc = db_step(st)) == 1) {
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			shas = xrealloc(shas, cap * sizeof(*shas));
		}
		snprintf(shas[n++], 65, "%s", db_col_text(st, 0));
	}
	db_done(c, st);
	/* its upload records go first: they reference the row (0110_photo_uploads.sql), and a
	 * foreign key failing here rolled back the whole job, reminders included */
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (db_exec(c, "DELETE FROM photo_uploads WHERE sha256 = ?", "t", shas[i]) != DB_OK ||
		    blob_delete(c, shas[i]) != DB_OK)
			rc = -1;
	free(shas);
	return rc < 0 ? -1 : (int)n;
}

/* The stage w is at by now: its mark, or "" when nothing is due to anyone yet. */
static void stage_of(const struct watch *w, int64_t now, int percent, int64_t step_s, char *out, size_t size)
{
	const char *stage = NULL;
	int steps = 0;
	if (now < w->due) {
		if (now >= hazard_remind_at(w->start, w->due, percent))
			stage = "remind";
	} else {
		stage = "overdue";
		while (steps < 3 && now >= w->due + (int64_t)steps * step_s)
			steps++;
	}
	if (!stage) {
		out[0] = 0;
		return;
	}
	snprintf(out, size, "%s:%lld:%lld:%s:%d", w->kind, (long long)w->due, (long long)w->assignee, stage, steps);
}

int hazard_sched_run(struct db *c, int64_t now)
{
	int percent = (int)hazard_setting(c, "hazard.remind_percent", 75);
	int64_t step_s = hazard_setting(c, "hazard.escalate_step_hours", 24) * 3600;
	struct watch *list = NULL;
	size_t n = 0, cap = 0;
	struct db_stmt *st = db_query(c,
		"SELECT id, coalesce(assignee_id, 0), reported_at, respond_due, rectify_due, status, overdue,"
		" number, overdue_at, watched FROM hazards WHERE status IN ('reported', 'assigned', 'planning',"
		" 'plan_review', 'rectifying')", NULL);
	while (st && db_step(st) == 1) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			list = xrealloc(list, cap * sizeof(*list));
		}
		struct watch *w = &list[n];
		memset(w, 0, sizeof(*w));
		w->id = db_col_i64(st, 0);
		w->assignee = db_col_i64(st, 1);
		w->start = db_col_i64(st, 2);
		int respond = !strcmp(db_col_text(st, 5), "reported");
		w->due = respond ? db_col_i64(st, 3) : db_col_i64(st, 4);
		snprintf(w->kind, sizeof(w->kind), "%s", respond ? "respond" : "rectify");
		w->overdue = db_col_i64(st, 6);
		snprintf(w->number, sizeof(w->number), "%s", db_col_text(st, 7));
		/* a response overdue mark must not hide a later rectification overdue */
		if (!respond && w->overdue)
			w->overdue = db_col_i64(st, 8) >= w->due;
		snprintf(w->mark, sizeof(w->mark), "%s", db_col_text(st, 9));
		if (w->due > 0)
			n++;
	}
	db_done(c, st);
	int total = 0, in_batch = 0;
	if (db_begin(c) != DB_OK) {
		free(list);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		char stage[sizeof(list[i].mark)];
		stage_of(&list[i], now, percent, step_s, stage, sizeof(stage));
		if (!stage[0] || !strcmp(stage, list[i].mark))
			continue;	/* nothing due yet, or this stage handled already */
		int rc = watch_one(c, &list[i], now, percent, step_s);
		if (rc >= 0 && db_exec(c, "UPDATE hazards SET watched = ? WHERE id = ?", "tI", stage, list[i].id) != DB_OK)
			rc = -1;
		if (rc >= 0 && ++in_batch == WATCH_BATCH) {
			in_batch = 0;
			if (db_commit(c) != DB_OK || db_begin(c) != DB_OK) {
				free(list);
				return -1;
			}
		}
		if (rc < 0) {
			db_rollback(c);
			free(list);
			return -1;
		}
		total += rc;
	}
	/* abandoned API uploads: unreferenced photo blobs older than a day, and their thumbnails;
	 * each through the blob store, which removes the file too when files.dir holds it */
	if (blobs_sweep(c, now - 86400) < 0) {
		db_rollback(c);
		free(list);
		return -1;
	}
	free(list);
	return db_commit(c) == DB_OK ? total : -1;
}
