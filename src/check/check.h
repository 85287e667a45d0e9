/*
 * check.h — the check module's public face (隐患排查 · 巡检, the second half of the dual
 * prevention mechanism, DOMAIN.md §7): the control measures of the risk register are checked
 * on schedule, the check is proven on site, and a failed item becomes a hazard in one tap.
 *
 * Tables in src/db/migrations/0600_check.sql. The files, one job each:
 *   check_period.c   the cycle arithmetic: which window of a cycle holds a local day
 *   check_sched.c    the scheduler job: generate each cycle's tasks (measures, round plans,
 *                    包保), mark missed ones and escalate them, suspend out-of-use objects
 *   check_record.c   scans, records with their results, a failed item as a hazard, coverage
 *   check_web.c      the pages and the API;  check_demo.c  the demo;  check_module.c  the entry
 */
#ifndef ANQUAN_CHECK_H
#define ANQUAN_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include "http/http.h"

struct db;
struct actor;

/* ---- cycles (check_period.c) ---- */

/* A window of a cycle in UTC seconds [start, end). */
struct check_window {
	int64_t start, end;
};

/* The windows of a cycle (`count` × unit "hour" "day" "week" "month" "year") for local day
 * `day`: an hourly cycle's slots on that day; for cycles of a day or longer the one window of
 * the period that holds the day (the same window every day of the period). work_start/work_end are minutes of the local day the work
 * is done in (an hourly cycle's slots lie inside it; a longer cycle's window opens at
 * work_start of its first day and closes at work_end of its last day). work_days_only: no
 * window on Saturday or Sunday for hourly and daily cycles. Periods are anchored on the
 * calendar: weeks start on Monday, months and years on their first day, N-day, N-week,
 * N-month and N-year cycles on 1970-01-01 (day 0), so a cycle's periods never drift.
 * Fills out (up to max) and returns the count, or -1 for an unknown unit or count < 1. */
int check_windows(const char *unit, int count, int work_start, int work_end, int work_days_only,
		  int64_t day, struct check_window *out, int max);

/* ---- the scheduler (check_sched.c) ---- */

/* Generate the tasks of local day `day` for every active measure with a check cycle, every
 * active round plan and every major hazard source's 包保 people; idempotent (unique key).
 * Returns the tasks created, or -1. Inside no transaction (it makes its own). */
int check_generate_day(struct db *c, int64_t day, int64_t now);
/* The same inside the caller's transaction; and for days d0..d1 at once (the demo's history:
 * the measures are read once). */
int check_generate_day_tx(struct db *c, int64_t day, int64_t now);
int check_generate_days_tx(struct db *c, int64_t d0, int64_t d1, int64_t now);
/* The job: generate today's tasks (once a day, or again when measures or plans changed),
 * mark missed tasks and escalate them. */
int check_sched_run(struct db *c, int64_t now);

/* ---- records (check_record.c) ---- */

/* One answer of a record as sent: the item's id, its value as text, a photo's SHA-256 (of a
 * photo uploaded through POST /api/v1/photos) and a note. */
struct check_answer {
	int64_t item_id;
	const char *value, *photo, *note;
};

struct check_record_in {
	int64_t task_id;
	const char *idem_key;	/* the form's one-time key: a retry finds the stored record */
	int64_t scan_id;	/* the scan it started from (0: none) */
	const char *lat_s, *lng_s, *acc_s;
	const char *note;
	struct check_answer *answers;
	size_t nanswers;
	/* from a phone's offline queue (docs/offline.md): when the check was filled on site (0:
	 * now; -1: sent but unreadable), and a voice note (checked and stored as a report's) */
	int64_t captured_at;
	const unsigned char *voice;
	size_t voice_len;
	int64_t voice_seconds;
	char field_buf[32];	/* where a refused item's field name ("item_12") is written */
};

/* Validate and store a record with its results, finishing the task — in one transaction.
 * With captured_at the record is timed at capture: that time must lie in the task's window
 * (a task marked missed meanwhile is still recorded: the check was done in time, only the
 * upload came late) and within the hazard report's bounds (hazard_capture_check).
 * Returns the record's id (*dup = 1 when idem_key names one already stored by this person),
 * or -1 with *field and *msg_key naming what is wrong (and *status 409/422/503). */
int64_t check_record_store(const struct actor *a, struct check_record_in *in, int *dup,
			   const char **field, const char **msg_key, int *status);

/* A failed item of a record as a hazard, pre-filled (place, equipment, category from the item,
 * its photo and text), linked to the record and, when the task checks a control measure, to the
 * measure (source 9, 管控措施失效, which opens the measure's re-assessment in the risk module).
 * Returns the hazard's id (the existing one when it was made before), or -1 with *msg_key. */
int64_t check_item_hazard(const struct actor *a, int64_t record_id, int64_t item_id, const char **field,
			  const char **msg_key);

/* Record a scan of a checkpoint by token (QR) or NFC tag id: the scan's id, or -1 (*msg_key). */
int64_t check_scan(const struct actor *a, const char *token, const char *nfc, const char *lat_s,
		   const char *lng_s, const char *acc_s, int64_t *point_id, const char **field,
		   const char **msg_key);

/* ---- coverage (check_coverage.c) ---- */

/* The coverage table of a unit and its subtree for [from, to) (to capped at now): for the
 * dashboard and the monthly report. Writes nothing when the unit is unknown. */
void check_coverage_html(struct req *r, int64_t unit_id, int64_t from, int64_t to);

/* The same figures as rows of text cells, 6 a row (unit, share, missed, failed items, hazards by
 * checks, hazards otherwise): a header row, the total, then each unit; for the monthly PDF and
 * the big screen. The row count (0 when the unit is unknown or storage failed); *cells and
 * the texts live in r's arena. */
#define CHECK_COVERAGE_COLS 6
int check_coverage_cells(struct req *r, int64_t unit_id, int64_t from, int64_t to, const char ***cells);

/* ---- demo data (check_demo.c) ---- */
int check_demo_load(struct db *c);

/* ---- routes (check_web.c) ---- */
extern const struct route check_routes[];
struct module;
extern const struct module check_module;

#endif
