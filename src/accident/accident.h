/*
 * accident.h — incidents and near misses (事故管理 · 未遂事件): a report from a phone (what,
 * where, when, type, casualties, direct loss, photo), the level of 生产安全事故报告和调查处理条例
 * (国务院令第493号) computed from casualties and losses, the one-hour external reporting clock
 * of reportable accidents with escalation, the investigation by 四不放过 with root-cause
 * categories and corrective actions tracked to closure, the lessons bulletin, and statistics
 * (by GB 6441 type, by unit, lost-time injury frequency from hours worked per unit and month).
 *
 * The files, one job each:
 *   accident_level.c   the pure rules: level, casualty consistency, LTIFR (unit-tested)
 *   accident.c         storage: report, external report, investigation, actions, close
 *   accident_sched.c   the scheduler job: the one-hour clock and its escalation
 *   accident_chain.c   the escalation chain as a setting (pure);  accident_chain_web.c  its page
 *   accident_web.c     the incident pages and JSON API
 *   accident_stats_web.c  statistics, hours worked, the lessons bulletin
 *   accident_demo.c    demo records;  accident_module.c  the descriptor
 */
#ifndef ANQUAN_ACCIDENT_H
#define ANQUAN_ACCIDENT_H

#include <stddef.h>
#include <stdint.h>

#include "http/http.h"

struct actor;
struct db;
struct strbuf;

/* 国务院令第493号 Art. 9: the unit's principal reports to the county-level authority within
 * one hour of being told. */
#define ACCIDENT_REPORT_SECONDS 3600
/* points for reporting a near miss (setting accident.points.near_miss) */
#define ACCIDENT_NEAR_MISS_POINTS 2
/* limits on what a report may say */
#define ACCIDENT_MAX_PEOPLE 1000000	/* casualty counts */
#define ACCIDENT_MAX_NAMED 20		/* named injured people on one report */
#define ACCIDENT_MAX_LOSS_WAN 100000000.0	/* 万元: a trillion yuan is not a typo we store */

/* 493号 Art. 3 levels; ACCIDENT_NONE for a near miss (nobody hurt, nothing lost). */
enum accident_level {
	ACCIDENT_NONE,
	ACCIDENT_GENERAL,		/* 一般事故 */
	ACCIDENT_LARGER,		/* 较大事故 */
	ACCIDENT_MAJOR,			/* 重大事故 */
	ACCIDENT_ESPECIALLY_MAJOR,	/* 特别重大事故 */
};

/* The level of an accident with these deaths, serious injuries (重伤, including acute
 * industrial poisoning) and direct economic loss in yuan. Art. 3: "以上" includes the number,
 * "以下" does not, and the highest level any of the three reaches wins. */
enum accident_level accident_level_of(int64_t deaths, int64_t serious, int64_t loss_yuan);
const char *accident_level_code(enum accident_level l);	/* none general larger major especially_major */
/* Must the unit report it to the authority within the hour? An accident with a death or a
 * serious injury is at least 一般事故 under Art. 3; one with only minor injuries or a loss
 * below the general level's reach is the company's own record unless the reporter says so. */
int accident_reportable(int deaths, int serious, int marked);

/* Do the casualty numbers add up? counts[3] = deaths, serious, minor; named[3] = how many
 * named people of each kind. 0 if so; else -1 with *field the offending field (deaths,
 * serious, minor, people) and *key a catalogue key. A near miss has no casualties and no loss. */
int accident_casualties_check(int near_miss, const int64_t counts[3], const int named[3], int64_t loss_yuan,
			      const char **field, const char **key);

/* Lost-time injury frequency rate: injuries × 1,000,000 / hours worked; -1 without hours. */
double accident_ltifr(int64_t injuries, int64_t hours);

/* ---- storage (accident.c) ---- */
struct accident_person {
	const char *name;
	const char *injury;	/* death | serious | minor */
};

struct accident_new {
	int near_miss;
	const char *what;
	int64_t area_id;
	int64_t occurred_at;	/* UTC */
	const char *type_code;
	int64_t counts[3];	/* deaths, serious, minor */
	int64_t loss_yuan;
	int mark_reportable;
	struct accident_person people[ACCIDENT_MAX_NAMED];
	int npeople;
	/* a photo: processed bytes (hazard_image, stored inside the transaction) or the hash
	 * of one uploaded with POST /api/v1/photos */
	const void *image;	/* struct hazard_image *, or NULL */
	const char *photo_sha;
};

/* Store a report with its level, clock, people and photo, audit and notifications, in one
 * transaction. The id, or -1 with *field and *key (status 422), or -2 (storage, 503). */
int64_t accident_create(const struct actor *a, const struct accident_new *in, const char **field,
			const char **key);

/* The four steps of 四不放过 as stored fields: cause (原因未查清不放过), responsibility
 * (责任人员未处理不放过), lessons (整改措施未落实不放过 / 有关人员未受到教育不放过), measures. */
extern const char *const accident_steps[4];	/* cause responsibility lessons measures */

/* Errors of the lifecycle: status, catalogue key, field. */
struct accident_err {
	int status;
	const char *key, *field;
};
/* Mark the external report made (who, when, to whom). 0 or -1 with e. */
int accident_mark_reported(const struct actor *a, int64_t id, const char *note, struct accident_err *e);
/* Record one step of the investigation (step: one of accident_steps; root_cause for cause). */
int accident_record_step(const struct actor *a, int64_t id, const char *step, const char *text,
			 const char *root_cause, struct accident_err *e);
/* A corrective action: add (owner, due day, title) and close it. The action id, or -1. */
int64_t accident_action_add(const struct actor *a, int64_t id, const char *title, int64_t owner_id,
			    int64_t due_day, struct accident_err *e);
int accident_action_done(const struct actor *a, int64_t action_id, const char *note, struct accident_err *e);
/* Close: every step recorded and every action done (四不放过). 0 or -1 with e. */
int accident_close(const struct actor *a, int64_t id, struct accident_err *e);

/* The people who must make the external report of incidents of company unit `company_id`:
 * active holders of accident.external placed in it or under it. ids up to max; the count. */
int accident_reporters(struct db *c, int64_t company_id, int64_t *ids, int max);
/* The company (plant) a unit belongs to: the nearest ancestor-or-self of kind company, else
 * the root. */
int64_t accident_company_of(struct db *c, int64_t unit_id);

/* ---- the escalation chain (accident_chain.c) ---- */
/* One step: so many minutes after the principal was told, who is told the report is late:
 * superior (holders of accident.external above the plant; where the plant is the top, its
 * safety directors), safety_director, safety_dept (the plant's holders of that role). */
struct accident_chain_step {
	int minutes;
	const char *target;	/* one of accident_chain_targets */
};
#define ACCIDENT_CHAIN_MAX 5
#define ACCIDENT_CHAIN_MAX_MINUTES 1440
#define ACCIDENT_CHAIN_DEFAULT "60:superior,90:safety_director"
extern const char *const accident_chain_targets[];
/* "60:superior,90:safety_director": the steps (at most max), or -1 when a step is malformed,
 * names no known target, is before the hour or after a day, or not later than the one before. */
int accident_chain_parse(const char *s, struct accident_chain_step *out, int max);
const char *accident_chain_format(const struct accident_chain_step *v, int n, char *buf, size_t size);
/* The chain in force (the setting accident.escalation, else the default): the step count. */
int accident_chain_load(struct db *c, struct accident_chain_step *out);

/* ---- the edition of GB 6441 new reports use (accident_types.c) ---- */
#define ACCIDENT_TYPE_EDITION_DEFAULT "2025"
extern const char *const accident_type_editions[];	/* "2025", "1986" */
/* The setting accident.type_edition if it names an edition, else the default: a static string. */
const char *accident_type_edition(struct db *c);

/* ---- the scheduler job (accident_sched.c) ---- */
int accident_sched_run(struct db *c, int64_t now);

/* ---- statistics (accident_stats_web.c), also for the dashboard and monthly report ---- */
struct accident_stats {
	int64_t accidents, near_misses, injuries, deaths, hours;
	double ltifr;	/* -1 without hours */
};
/* In units matching pattern (units.path LIKE), incidents occurring in [from, to) (UTC) and
 * hours of the months overlapping it. 0 or -1. */
int accident_stats_in(struct db *c, const char *pattern, int64_t from, int64_t to, struct accident_stats *s);
/* The figures of unit_id and each unit right under it for [from, to): a table for the
 * dashboard and the monthly report (src/report). */
void accident_stats_html(struct req *r, int64_t unit_id, int64_t from, int64_t to);
/* The same table as text cells for the PDF report: row 0 the header, row 1 the total, then
 * each unit below with figures; ACCIDENT_STATS_COLS a row. The row count (0: unknown unit);
 * *cells and the texts live in r's arena. */
#define ACCIDENT_STATS_COLS 6
int accident_stats_cells(struct req *r, int64_t unit_id, int64_t from, int64_t to, const char ***cells);

/* ---- pages, API, demo ---- */
int accident_demo_load(struct db *c);
int64_t accident_todo_report(struct req *r);	/* the "waiting for me" count */
int64_t accident_todo_actions(struct req *r);
void accident_dashboard_panel(struct req *r);	/* home panel with this month's figures */
extern const struct route accident_routes[];
struct module;
extern const struct module accident_module;

#endif
