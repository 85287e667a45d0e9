/*
 * cert.h — people's certificates (特种作业人员): who holds which special-operations
 * certificate, special-equipment operator certificate or internal qualification, whether it
 * is usable today, and whether a person may do a permit operation.
 *
 * A "person" is an employee (persons.user_id set) or a contractor's worker (no account).
 * Certificate dates are local calendar days (days since 1970-01-01 in the plant's zone);
 * a certificate "valid until 2026-03-01" is usable on that day and expired the day after.
 *
 * The rules come from 特种作业人员安全技术培训考核管理规定 (原安监总局令第30号, amended
 * 2015): valid 6 years, reviewed (复审) every 3 years, and a certificate whose review was not
 * done on time is invalid (失效) — so review overdue blocks like expiry does.
 */
#ifndef ANQUAN_CERT_H
#define ANQUAN_CERT_H

#include <stddef.h>
#include <stdint.h>

#include "base/day.h"
#include "http/http.h"
#include "web/html.h"

struct actor;
struct db;
struct audit_actor;
struct strbuf;

/* "no date" for the day arguments below (a NULL column) */
#define CERT_NODAY DAY_NONE
/* Binding an optional day: SQL writes NULLIF(?, -1000000) and binds cert_day_arg(day), so
 * CERT_NODAY is stored as NULL without a second statement (no real date is that old). */
#define CERT_DAY_ARG_NULL (-1000000)
static inline int64_t cert_day_arg(int64_t day) { return day == CERT_NODAY ? CERT_DAY_ARG_NULL : day; }
/* warn this many days ahead; a certificate this close to expiry or review is "expiring" or
 * "review due" (DOMAIN.md §2, and the 30-day notice HR needs to book a review course) */
#define CERT_WARN_DAYS 30
/* defaults of 原安监总局令第30号 §19 and §21 when a form leaves the dates blank */
#define CERT_VALID_YEARS 6
#define CERT_REVIEW_YEARS 3

/* ---- days: base/day.h, under the names this module's callers use ---- */
static inline int64_t cert_today(void) { return day_today(); }
static inline int64_t cert_day_of(int64_t utc) { return day_of(utc); }
static inline int64_t cert_day_from_ymd(int y, int m, int d) { return day_from_ymd(y, m, d); }
static inline void cert_day_to_ymd(int64_t day, int *y, int *m, int *d) { day_to_ymd(day, y, m, d); }
static inline int64_t cert_day_add_years(int64_t day, int years) { return day_add_years(day, years); }
static inline int64_t cert_day_add_months(int64_t day, int months) { return day_add_months(day, months); }
static inline int64_t cert_day_start_utc(int64_t day) { return day_start_utc(day); }
static inline char *cert_day_format(int64_t day, char out[16]) { return day_format(day, out); }
static inline int cert_parse_date(const char *s, int64_t *day) { return day_parse(s, day); }

/* ---- status (cert_status.c) ---- */
enum cert_status {
	CERT_VALID,
	CERT_REVIEW_DUE,	/* review within CERT_WARN_DAYS: still usable */
	CERT_EXPIRING,		/* expiry within CERT_WARN_DAYS: still usable */
	CERT_REVIEW_OVERDUE,	/* review date passed: invalid (原安监总局令第30号 §27) */
	CERT_EXPIRED,
	CERT_REVOKED,
};
enum cert_status cert_status_at(int64_t day, int64_t expires_on, int64_t review_on, int revoked);
int cert_status_usable(enum cert_status s);		/* valid, review due or expiring */
const char *cert_status_code(enum cert_status s);	/* "valid", "review_due", … */
const char *cert_status_badge(enum cert_status s);	/* CSS class: ok, warn, bad */
const char *cert_status_key(enum cert_status s);	/* catalogue key "cert.status.…" */
int cert_status_parse(const char *code);		/* -1 if unknown */
/* HR's "waiting for me": the certificates /certs?status=due lists (cert_web.c), counted */
struct req;
int64_t cert_todo_count(struct req *r);

/* ---- rules and storage (cert.c) ---- */

/* Pass a user id where a person id is expected: CERT_USER(users.id). */
#define CERT_USER(uid) (-(int64_t)(uid))

/*
 * May this person do `operation` on `day`? For the permit module.
 *
 * person_or_user_id: a persons.id (> 0), or CERT_USER(users.id) (< 0) for an employee.
 * operation: a permit operation code — hot_work, confined_space, blind_plate, height,
 *   lifting, temp_power, excavation, road_closure, guardian, gas_analyst. The certificates
 *   each needs are the rows of cert_operation_map (data; defaults in 0200_certs.sql); an
 *   operation without rows needs none.
 * day: a local day (cert_today(), or the permit's planned day).
 *
 * Returns 1 if allowed (*reason_key NULL; *detail names the certificate relied on, or NULL
 * when none is needed), 0 if not: *reason_key is a catalogue key —
 *   cert.reason.unknown_operation, cert.reason.no_person, cert.reason.none (no certificate
 *   of a required category), cert.reason.expired, cert.reason.review_overdue,
 *   cert.reason.revoked, cert.reason.error (database) —
 * and *detail (malloc'd, caller frees; may be NULL) names the certificate that failed.
 * When several certificates fail, the reason is taken from the one closest to usable
 * (review overdue, then expired, then revoked).
 */
int cert_may_operate(struct db *c, int64_t person_or_user_id, const char *operation, int64_t day,
		     const char **reason_key, char **detail);
int cert_operation_known(const char *operation);

/* The person row of a user, created from the account when create is set (inside a
 * transaction). 0 if none. */
int64_t cert_person_for_user(struct db *c, int64_t user_id, int create);
/* The worst state among a person's (or user's) certificates today: -1 none, else an enum
 * cert_status value (revoked ones ignored). */
int cert_person_worst(struct db *c, int64_t person_or_user_id, int64_t day);
/* Write the badge a person (or a user, CERT_USER(id)) carries on pages when their
 * certificates are invalid or about to be, on the actor's day and in the actor's language;
 * nothing when all is well. (Pages use cert_badge_html(), cert_web.h.) */
void cert_badge_write(const struct actor *a, struct strbuf *o, int64_t person_or_user_id);
/* The catalogue name of a code in the actor's language: malloc'd, "" if unknown. */
char *cert_catalogue_name_of(const struct actor *a, const char *code);
/* Resolve a ledger's 工种/作业类别 text (an item or category name, or a code) to category
 * and item codes (malloc'd; item may be NULL). 0 found, -1 not. */
int cert_catalogue_lookup(struct db *c, const char *text, char **category, char **item);

/* ---- import and export (cert_import.c, cert_export.c) ---- */
#define CERT_IMPORT_MAX_ROWS 50000	/* larger ledgers: split the file */
#define CERT_IMPORT_SHOW 200		/* problems kept for the preview */

struct cert_import_problem {
	int row;		/* the spreadsheet's row number (header is row 1 or later) */
	const char *field;	/* the column's header, e.g. "有效期至" */
	const char *key;	/* catalogue key of the problem */
	char *value;		/* the offending text (malloc'd) */
};

struct cert_import_result {
	int rows;		/* data rows read (empty rows skipped) */
	int ok;			/* rows without problems */
	int bad;		/* rows with problems */
	int nproblems;		/* all problems found */
	int committed;		/* certificates written (all-or-nothing) */
	int persons_created;
	const char *fatal_key;	/* the file was refused: catalogue key */
	char *fatal_detail;	/* e.g. the missing column (malloc'd) */
	const char *format;	/* "xlsx" or "csv" */
	const char *encoding;	/* "utf-8", or "gb18030" when converted */
	struct cert_import_problem *problems;	/* the first CERT_IMPORT_SHOW */
	int shown;
};

/* Read a ledger (XLSX or CSV, by content) and check every row on a->db at a->now; with commit
 * and no problem at all, write everything in one transaction (with one audit entry of the
 * actor). Returns 0 when the file could be read (see res->bad), -1 when refused
 * (res->fatal_key). */
int cert_import(const struct actor *a, const void *data, size_t len, int commit,
		struct cert_import_result *res);
void cert_import_result_free(struct cert_import_result *res);

/* The ledger columns, in export order (also the import's header names). */
extern const char *const cert_ledger_columns[];
/* Export the certificates of the units matching scope_pattern (and owner when > 0) as XLSX
 * or CSV (UTF-8 with BOM). 0 ok. *out malloc'd. */
int cert_export(struct db *c, int xlsx, const char *scope_pattern, int64_t owner,
		char **out, size_t *len);

/* ---- verification (cert_verify.c) ---- */
struct cert_verify_input {
	int64_t cert_id;
	const char *category, *number, *holder_name;
	const char *claimed_result;	/* what the person checking saw (manual method) */
	const char *note;
	int64_t user_id;
};
struct cert_verifier {
	const char *name;	/* "manual", later "online" */
	/* Check one certificate; returns a result code — genuine, not_found, mismatch or
	 * error — as static text, or NULL when the input is unusable. */
	const char *(*verify)(const struct cert_verify_input *in);
};
extern const struct cert_verifier cert_verifier_manual;
const struct cert_verifier *cert_verifier_find(const char *name);
/* Run a verifier and record the result (inside a transaction). 0 ok, -1 bad input/error. */
int cert_verify_record(struct db *c, const struct cert_verifier *v, const struct cert_verify_input *in);

/* ---- scheduler (cert_sched.c) ---- */
int cert_sched_warn(struct db *c, int64_t now);

/* ---- demo (cert_demo.c) ---- */
int cert_demo_load(struct db *c);

extern const struct route cert_routes[];
/* its entry in the module table (base/module.h), listed in src/modules.c */
struct module;
extern const struct module cert_module;

#endif
