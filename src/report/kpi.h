/*
 * kpi.h — the safety KPIs of the dashboards and reports (看板 · 报表), each defined once.
 *
 * A KPI is computed for a unit subtree (units.path LIKE "/1/2/%"), inside the caller's data
 * scope, over a date range [from, to) of UTC seconds whose ends are local (UTC+8) midnights.
 * The raw counts are collected per unit in one pass per kind of fact (kpi_collect), so that
 * one set of queries serves a unit's total, its children's ranking and the roll-up to any
 * unit below: kpi_rollup() sums the rows of a subtree.
 *
 * Every rate is a ratio of two counts and has no value when its denominator is zero: the
 * pages show "—", never a division by zero. The formulas are in kpi.c beside each definition
 * and on the pages (the catalogue key "<key>.f" under an <abbr title>).
 */
#ifndef ANQUAN_KPI_H
#define ANQUAN_KPI_H

#include <stddef.h>
#include <stdint.h>

struct db;

struct kpi_scope {
	const char *subtree;	/* LIKE pattern on units.path: the unit and below, "/1/2/%" */
	const char *allowed;	/* the caller's data scope (auth_scope_pattern), "%" for all */
	int64_t owner;		/* own scope: only hazards this user reported; else 0 */
};

/* The raw counts; every KPI is a formula over them. */
struct kpi {
	/* hazards reported in [from, to), cancelled (duplicate / invalid) ones excluded */
	int64_t reported;	/* R */
	int64_t closed;		/* C: of R, closed now */
	int64_t on_time;	/* O: of C, submitted by the deadline, with a before and an after photo */
	int64_t repeats;	/* P: of R, repeats of a hazard closed shortly before */
	int64_t responded;	/* of R, accepted (or fixed on the spot) */
	int64_t response_s;	/* Σ (accepted_at − reported_at) over the responded, seconds */
	/* people */
	int64_t reporters;	/* people of the subtree who reported at least once in [from, to) */
	int64_t people;		/* active people of the subtree now */
	/* hazards closed in [from, to) */
	int64_t cycle_n;
	int64_t cycle_s;	/* Σ (closed_at − reported_at), seconds */
	/* now */
	int64_t overdue_open;	/* open and past their deadline (overdue mark) */
	int64_t major_open;	/* 重大隐患 not yet closed */
	int64_t open;		/* all open */
	/* certificates of the subtree's people now (cert_status_at, src/cert) */
	int64_t certs_expiring;	/* expiry or review within 30 days, still usable */
	int64_t certs_expired;	/* expired or review overdue: invalid */
	/* special equipment of the subtree now (equip_state_at, src/equip) */
	int64_t equip_overdue;	/* periodic inspection past due */
	/* permits to work (src/permit) */
	int64_t permits_active;	/* in progress or suspended now */
	int64_t permits_stale;	/* of those, past their validity (planned_end) and not closed */
	int64_t approved_n;	/* permits approved in [from, to) */
	int64_t approval_s;	/* Σ (approved − last submitted), seconds */
};

/* The KPIs in the order the pages show them. */
enum kpi_id {
	KPI_RESPONSE,		/* average response time, hours */
	KPI_CLOSURE,		/* rectification completion rate */
	KPI_ON_TIME,		/* on-time closure rate */
	KPI_REPEAT,		/* repeat rate */
	KPI_PARTICIPATION,	/* participation */
	KPI_CYCLE,		/* average rectification cycle, days */
	KPI_COMPRESSION,	/* cycle compression against a baseline period */
	KPI_OVERDUE,		/* overdue open hazards */
	KPI_MAJOR,		/* major hazards open */
	KPI_REPORTED,		/* hazards reported */
	KPI_CERT_EXPIRING,	/* certificates expiring (or due for review) within 30 days */
	KPI_CERT_EXPIRED,	/* certificates expired or past review */
	KPI_EQUIP_OVERDUE,	/* special equipment past its inspection date */
	KPI_PERMITS_ACTIVE,	/* permits in progress */
	KPI_PERMITS_STALE,	/* permits past their validity, not closed */
	KPI_APPROVAL,		/* average permit approval time, hours */
	KPI_COUNT
};

/* 1 and *v when the KPI has a value, 0 when its denominator is zero ("—"). base is the
 * baseline period (only KPI_COMPRESSION reads it; may be NULL). Rates are fractions 0..1. */
int kpi_value(enum kpi_id id, const struct kpi *k, const struct kpi *base, double *v);
/* The value as shown: "12.5 h", "87.5%", "3.2 d", "4", or "—". */
void kpi_format(enum kpi_id id, const struct kpi *k, const struct kpi *base, char *buf, size_t size);
/* The catalogue key of its name; its formula is the same key with ".f" appended. */
const char *kpi_key(enum kpi_id id);
/* Is a larger value better (for ranking arrows)? */
int kpi_higher_is_better(enum kpi_id id);

/* Per-unit raw counts for a scope and range. */
struct kpi_unit {
	int64_t id, parent_id;
	char *path, *name, *kind;
	struct kpi k;
};
struct kpi_units {
	struct kpi_unit *u;	/* sorted by id */
	int n;
};
/* Collect the counts of every unit in scope for [from, to); "now" facts as of the database's
 * current state. 0 or -1 on a database error. Free with kpi_units_free. */
int kpi_collect(struct db *c, const struct kpi_scope *s, int64_t from, int64_t to, struct kpi_units *out);
/* The same for a second period (a baseline) of the same scope: only the period's facts are
 * queried; the "now" facts (people, open, overdue, major) are taken from `now`. */
int kpi_collect_period(struct db *c, const struct kpi_scope *s, int64_t from, int64_t to, struct kpi_units *out,
		       const struct kpi_units *now);
void kpi_units_free(struct kpi_units *u);
/* Sum the rows whose path starts with `path` ("/1/2/"; NULL or "" for all) into *k. */
void kpi_rollup(const struct kpi_units *u, const char *path, struct kpi *k);
/* kpi_collect + kpi_rollup over the whole scope. */
int kpi_compute(struct db *c, const struct kpi_scope *s, int64_t from, int64_t to, struct kpi *k);

/* Permits in progress (or suspended) now by type, for the scope: cb(type code, count). */
int kpi_permits_by_type(struct db *c, const struct kpi_scope *s, void (*cb)(void *ctx, const char *type, int64_t n),
			void *ctx);

/* ---- the plant's calendar (UTC+8) ---- */
int64_t kpi_day_start(int64_t t);			/* local midnight at or before t */
int64_t kpi_parse_day(const char *s);			/* "YYYY-MM-DD" → its local midnight; 0 if not a date */
int kpi_parse_month(const char *s, int *y, int *m);	/* "YYYY-MM" → 0 ok */
void kpi_month_range(int y, int m, int64_t *from, int64_t *to);	/* [1st, next 1st) */
void kpi_format_day(int64_t t, char *buf, size_t size);	/* "YYYY-MM-DD" of local time t */

#endif
