/*
 * feeds.h — the plant's other systems as sources of record: people and organisation from HR,
 * equipment from the EAM, each by file (XLSX/CSV through base/sheet.h) or by a scheduled HTTP
 * JSON pull (libcurl), and a health score per device that opens a preventive task.
 *
 * Every source becomes the same thing first, a struct feeds_table of rows whose cells are
 * the feed's canonical fields (employee_no, name, unit, ... / code, name, type, ...): file
 * headers are matched by synonyms, JSON members by the configured mapping. Then one apply
 * function per feed checks every row and writes, inside one transaction that a dry run, a
 * problem or a refusal rolls back: all-or-nothing, and the dry run shows exactly what the
 * real run would change. Every run, whatever its outcome, leaves a feeds_runs row.
 */
#ifndef ANQUAN_FEEDS_H
#define ANQUAN_FEEDS_H

#include <stdint.h>
#include <stddef.h>

#include "http/http.h"
#include "web/html.h"

struct db;
struct actor;

#define FEEDS_MAX_ROWS 50000	/* larger exports: split the file */
#define FEEDS_SHOW 200		/* problems and changes kept for the preview */
#define FEEDS_MAX_FIELDS 10

enum feeds_kind { FEEDS_HR, FEEDS_EAM };

/* HR fields, in this order (the file header names are in feeds_table.c) */
enum { HR_EMPNO, HR_NAME, HR_UNIT, HR_PARENT, HR_POSITION, HR_LEADER, HR_PHONE, HR_STATUS, HR_HIRED, HR_NFIELDS };
/* EAM fields */
enum { EAM_CODE, EAM_NAME, EAM_TYPE, EAM_AREA, EAM_CLASS, EAM_MAINTAINED, EAM_STATUS, EAM_NFIELDS };

/* The canonical field names of a feed (also the default JSON mapping), NULL-terminated. */
const char *const *feeds_fields(enum feeds_kind k);

struct feeds_row {
	int line;			/* the spreadsheet's row, or the item's 1-based place in the pull */
	char *f[FEEDS_MAX_FIELDS];	/* "" when absent; malloc'd */
};
struct feeds_table {
	struct feeds_row *rows;
	int n, cap;
};
void feeds_table_free(struct feeds_table *t);

struct feeds_problem {
	int row;
	const char *field;	/* canonical field name, "" for the whole file */
	const char *key;	/* catalogue key */
	char *value;
};
struct feeds_change {
	char *subject;		/* employee number or equipment code */
	const char *action;	/* create, update, deactivate, reassign */
	char *detail;
};
struct feeds_result {
	int rows, created, updated, deactivated, reassigned, units_created;
	int nproblems, nproblems_shown, nchanges, nchanges_shown;
	struct feeds_problem *problems;
	struct feeds_change *changes;
	const char *fatal_key;	/* the whole input was refused: catalogue key */
	char *fatal_detail;	/* malloc'd */
	int share_refused;	/* too many leavers and not confirmed */
	int leave_pct, leave_limit_pct;
	int applied;		/* written and committed */
	int64_t run_id;
};
void feeds_result_free(struct feeds_result *res);
/* Note a problem of row (0: the whole input) or a change; only the first FEEDS_SHOW are kept. */
void feeds_problem(struct feeds_result *res, int row, const char *field, const char *key, const char *value);
void feeds_change(struct feeds_result *res, const char *subject, const char *action, const char *detail);

/* Read an XLSX or CSV file (by content) into t with the feed's header synonyms. 0 ok, -1 with
 * res->fatal_key set. */
int feeds_table_from_file(enum feeds_kind k, const void *data, size_t len, struct feeds_table *t,
			  struct feeds_result *res);
/* Read a JSON answer into t: the items are the array at mapping["_items"] (a dotted path;
 * the answer itself when absent or when it is an array), each canonical field from the
 * member the mapping names (dotted paths; numbers become text). 0 ok, -1 with fatal_key. */
int feeds_table_from_json(enum feeds_kind k, const char *json, size_t len, const char *mapping,
			  struct feeds_table *t, struct feeds_result *res);

struct feeds_opts {
	int dry_run;
	int confirm;		/* accept more leavers than the configured share */
	const char *via;	/* "file" or "pull" */
};
/* Check and apply t (HR: units, positions, people, leavers and their tasks; EAM:
 * equipment), as one transaction with one audit entry of the actor; then record the run.
 * 0 applied or dry run clean, -1 problems, refusal or failure (see res). */
int feeds_hr_apply(const struct actor *a, const struct feeds_table *t, const struct feeds_opts *o,
		   struct feeds_result *res);
int feeds_eam_apply(const struct actor *a, const struct feeds_table *t, const struct feeds_opts *o,
		    struct feeds_result *res);
/* Record a run that never reached apply (endpoint down, malformed JSON, unreadable file). */
int64_t feeds_run_record(struct db *c, enum feeds_kind k, const char *via, const struct feeds_opts *o,
			 const struct feeds_result *res, int64_t user_id, int64_t now);

/* Hand a leaver's open work to successor: hazards to rectify or verify, open check tasks,
 * permits they guard. Returns how many records moved, <0 on error. Inside a transaction. */
int feeds_handover(struct db *c, int64_t leaver, int64_t successor);
/* The leaver's team leader: their active supervisor, else the active head of their unit or
 * of the nearest unit above with one (never the person themself). 0: none. */
int64_t feeds_team_leader(struct db *c, int64_t user_id);

/* ---- settings (feeds_config.c) ---- */
/* A setting as text (malloc'd), or a copy of def. */
char *feeds_setting(struct db *c, const char *key, const char *def);
int64_t feeds_setting_int(struct db *c, const char *key, int64_t def);
int feeds_setting_put(struct db *c, const char *key, const char *value, int64_t now);

/* ---- the pull (feeds_pull.c) ---- */
/* Fetch the configured URL of feed k (pages through "_next" when mapped) and apply it.
 * 0 applied, -1 a recorded failure. */
int feeds_pull(const struct actor *a, enum feeds_kind k, int dry_run, int confirm, struct feeds_result *res);
/* Scheduler job: the pulls that are due by their interval, then the health scores. */
int feeds_sched_run(struct db *c, int64_t now);

/* ---- health (feeds_health.c) ---- */
struct feeds_weights {
	int hazard;		/* points off per hazard on the device in 30 days */
	int overdue;		/* points off when its periodic inspection is overdue */
	int per_30_days;	/* points off per 30 days since maintenance beyond the grace */
	int grace_days;
	int reading;		/* points off per reading out of range in 30 days */
	int threshold;		/* below it: a preventive task */
};
struct feeds_factors {
	int hazards, overdue, days_since, readings;	/* days_since -1: never maintained */
};
/* The score 0..100 from the factors and weights: pure, unit-tested. A device never
 * maintained counts as past the grace by one period. */
int feeds_health_score(const struct feeds_factors *f, const struct feeds_weights *w);
void feeds_weights_load(struct db *c, struct feeds_weights *w);

/*
 * The "readings out of range" factor belongs to the sensors module: it registers a function
 * counting a device's out-of-range readings between since and now. Until one is registered
 * the factor is 0 (feeds_health.c's default). Set it once at start-up.
 */
typedef int (*feeds_readings_fn)(struct db *c, int64_t equipment_id, int64_t since, int64_t now);
void feeds_readings_hook_set(feeds_readings_fn fn);

/* Score every active device at now; open a task (once) below the threshold and close it
 * when the score recovers. Returns tasks opened, <0 on error. */
int feeds_health_run(struct db *c, int64_t now);

/* The score as the equipment list and page show it (feeds_badge.c); "" before the first. */
html_raw feeds_health_html(struct req *r, int64_t equipment_id);

/* The preventive tasks' pages and API (feeds_tasks_web.c) and the home page's count of the
 * caller's open ones. */
int feeds_task_list(struct req *r);
int feeds_task_show(struct req *r);
int feeds_task_close(struct req *r);
int64_t feeds_health_todo(struct req *r);

extern const struct route feeds_routes[];
struct module;
extern const struct module feeds_module;

#endif
