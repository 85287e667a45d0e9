/*
 * risk.h — the risk module's public face (风险分级管控, the first half of the dual prevention
 * mechanism, 安全生产法 2021 Art. 4, 21, 41; DOMAIN.md §3 and §7).
 *
 * The chain (tables in src/db/migrations/0500_risk.sql): 风险分析对象 risk_objects → 风险分析单元
 * risk_units → 风险事件 risk_events → 管控措施 risk_measures; hazards point back through
 * hazards.risk_event_id / measure_id / source. Each event carries its current approved
 * assessment; risk_assessments keeps every version.
 *
 * Assessment rules (risk_rules.c): LEC (D = L × E × C, each from its value table) and LS
 * (R = L × S, each 1–5); a band set (data, versioned) turns the value into one of four levels
 * (重大/较大/一般/低 = major/large/general/low, red/orange/yellow/blue); the control level follows
 * from the level (settings, configurable), but a 重大 risk is controlled at company level and a
 * 重大 or 较大 result needs the safety department's approval before it becomes current.
 *
 * Other modules (the map and notice card, the check tasks) read the tables and call these
 * functions; they do not write the assessment columns of risk_events themselves.
 */
#ifndef ANQUAN_RISK_H
#define ANQUAN_RISK_H

#include <stddef.h>
#include <stdint.h>
#include "http/http.h"

struct db;
struct actor;

/* ---- value tables and levels (risk_rules.c) ---- */

/* One choice of an LEC table: the value and the catalogue key of its words
 * ("risk.lec.l.10" 完全可以预料). Tables end with key NULL. */
struct risk_choice {
	double value;
	const char *key;
};
extern const struct risk_choice risk_lec_l[];	/* 10 6 3 1 0.5 0.2 0.1 */
extern const struct risk_choice risk_lec_e[];	/* 10 6 3 2 1 0.5 */
extern const struct risk_choice risk_lec_c[];	/* 100 40 15 7 3 1 */
extern const struct risk_choice risk_ls_l[];	/* 1–5 */
extern const struct risk_choice risk_ls_s[];	/* 1–5 */

/* Is v one of the table's values (compared to 1e-9)? */
int risk_choice_valid(const struct risk_choice *table, double v);

/* The LEC table's own five danger classes of D (> 320 极其危险, 160–320 高度危险, 70–160 显著危险,
 * 20–70 一般危险, < 20 稍有危险): a catalogue key. Edges belong to the lower class. */
const char *risk_lec_class(double d);

/* Levels: "major" "large" "general" "low". rank 4..1 (0: not a level); colour "red" ...;
 * NULL for anything else. */
int risk_level_rank(const char *level);
const char *risk_level_colour(const char *level);
int risk_level_valid(const char *level);
/* A control level: "company" "workshop" "team" "post". */
int risk_control_level_valid(const char *cl);
/* Rank of a control level: company 4 … post 1; 0 when not one. */
int risk_control_level_rank(const char *cl);

/* ---- band sets (risk_bands.c) ---- */

struct risk_band {
	char level[8];
	double lower;
	int inclusive;
};
struct risk_band_set {
	int64_t id;
	int version;
	char method[4];		/* "LEC" or "LS" */
	char code[48];
	int n;			/* bands, highest level first */
	struct risk_band bands[4];
};
/* The level of `value` in the set: the first band (highest first) whose lower edge it meets. */
const char *risk_band_level(const struct risk_band_set *s, double value);
/* Load a set's edges at `version` (0: its current version). 0, or -1 (not found / db error). */
int risk_band_set_load(struct db *c, int64_t id, int version, struct risk_band_set *out);
int risk_band_set_load_code(struct db *c, const char *code, int version, struct risk_band_set *out);
/* The set in use for a method (settings risk.band_set.LEC / .LS). */
int risk_band_set_in_use(struct db *c, const char *method, struct risk_band_set *out);
/* A company's own set, or a new version of it: edges checked (descending, low at 0); audited.
 * Returns 0, or -1 with *field naming the bad field ("major", ...), or -2 on a db error. */
int risk_band_set_save(const struct actor *a, int64_t id, const char *code, const char *method,
		       const char *name, const struct risk_band *bands, int n, int64_t *out_id,
		       const char **field);

/* ---- assessment (risk_assess.c) ---- */

struct risk_scores {
	char method[4];		/* "LEC" or "LS" */
	double l, e, c, s;	/* e, c for LEC; s for LS */
};
struct risk_result {
	double value;
	const char *level;	/* static string */
	int64_t band_set_id;
	int band_version;
};
/* Check the scores against their tables and compute value and level in the set.
 * 0, or -1 with *field naming the first bad field ("method", "l", "e", "c", "s"). */
int risk_evaluate(const struct risk_band_set *bs, const struct risk_scores *in,
		  struct risk_result *out, const char **field);
/* The control level configured for a level (settings risk.control_level.*); always "company"
 * for "major". */
const char *risk_default_control_level(struct db *c, const char *level);
/* May an event of `level` be controlled at `cl`? A 重大 risk only at company level. */
int risk_control_level_allowed(const char *level, const char *cl);
/* Does a result at `level` need the safety department's approval (重大, 较大)? */
int risk_needs_approval(const char *level);

struct risk_assess_in {
	int64_t event_id;
	struct risk_scores scores;
	const char *stage;		/* "inherent" or "residual" (default) */
	const char *reason;		/* initial periodic change hazard import */
	const char *note;
	const char *control_level;	/* NULL or "": the default for the level */
	int64_t task_id;		/* the re-assessment task it answers, or 0 */
};
/* Record a new version. Below 较大 it becomes current at once; 重大/较大 wait, approval
 * 'pending', until risk_approve(). Closes the task (and the event's open tasks when current),
 * clears needs_reassessment, schedules the next review, asks the post for confirmation when
 * the level changed; audited. 0, -1 with *field (bad input, nothing stored), -2 db error,
 * -3 event not found or inactive. */
int risk_assess(const struct actor *a, const struct risk_assess_in *in, int64_t *assessment_id,
		const char **field);
/* The safety department approves (approve 1) or rejects a pending assessment. 0, -1 (not
 * pending), -2 db error. */
int risk_approve(const struct actor *a, int64_t assessment_id, int approve, const char *note);
/* Copy a current assessment into its event (level, scores, review_due). Inside a transaction. */
int risk_event_apply(struct db *c, int64_t assessment_id, int64_t now);
/* The next periodic review day after `day` for `level` (settings risk.review_months*). */
int64_t risk_review_due(struct db *c, const char *level, int64_t day);

/* ---- the chain (risk_chain.c) ---- */

/* Why an event may not be closed: measures still pointing at it (active), or hazards that are
 * not closed. 0: may be; 1 measures; 2 open hazards; -1 db error. An object or unit likewise
 * by its events. */
int risk_event_in_use(struct db *c, int64_t event_id);
int risk_object_in_use(struct db *c, int64_t object_id);
/* Mark an event for re-assessment (reason shown to the responsible person, due a time). */
int risk_event_mark(struct db *c, int64_t event_id, const char *reason, int64_t due, int64_t now);

/* ---- the living register (risk_sched.c) ---- */

/* Scan hazards reported since the last scan: link them to events, mark events, open
 * re-assessment tasks (trigger count, control-measure failure), escalate overdue tasks, open
 * periodic review tasks, remind 岗位告知. Idempotent. */
int risk_sched_run(struct db *c, int64_t now);
/* Link one hazard now (as the scan would): its events marked, the triggers checked. Inside a
 * transaction. Returns how many events it reached, <0 on error. */
int risk_hazard_link(struct db *c, int64_t hazard_id, int64_t now);
/* Open a re-assessment task (one open per event and reason). Returns its id, 0 when one is
 * already open, <0 on error. */
int64_t risk_task_open(struct db *c, int64_t event_id, const char *reason, int64_t hazard_id,
		       const char *note, int64_t now);

/* ---- 岗位风险告知 (risk_ack.c) ---- */

/* Ask the people of the event's area, equipment or post to confirm it at its current level
 * and version (one row per person and version; notified). Returns how many were asked. */
int risk_ack_ask(struct db *c, int64_t event_id, int64_t now);
/* The person confirms; 0, -1 when there is nothing to confirm. */
int risk_ack_confirm(const struct actor *a, int64_t ack_id);

/* ---- import and export of the 风险分级管控清单 (risk_import.c, risk_export.c) ---- */

struct risk_import_error {
	int row;		/* 1-based sheet row */
	char field[32];		/* the column title */
	char key[64];		/* catalogue key of the reason */
};
struct risk_import_report {
	int rows;		/* data rows read */
	int objects, units, events, measures;	/* created (or that would be) */
	int nerrors;
	struct risk_import_error errors[50];
};
/* Read an XLSX or CSV register (by its bytes), map columns by their titles, check every row;
 * dry_run 1 stores nothing; otherwise all rows or none. 0 (no errors), 1 (errors: nothing
 * stored), -1 (not a sheet), -2 (db error). */
int risk_import(const struct actor *a, const char *data, size_t len, int64_t unit_id,
		int dry_run, struct risk_import_report *out);

/* ---- views other modules draw (risk_register_web.c) ---- */

/* The four colours per unit (active risks in the caller's scope, within unit_id's subtree when
 * not 0) as a table whose rows link to each unit's register: for the dashboard. */
void risk_colour_table(struct req *r, int64_t unit_id);

/* ---- the four-colour map (risk_map.c, risk_map_web.c) ---- */

/* The four-colour map of unit_id's company (the caller's when 0) as a panel: the dashboard
 * (big 0, areas linking to their register) and the big screen (big 1). Nothing without
 * risk.view or outside the caller's scope. */
void risk_map_panel(struct req *r, struct strbuf *o, int64_t unit_id, int big);

/* ---- demo (risk_demo.c) ---- */
int risk_demo_load(struct db *c);

/* ---- routes (risk_web.c, risk_api.c) ---- */
extern const struct route risk_routes[];
struct module;
extern const struct module risk_module;

#endif
