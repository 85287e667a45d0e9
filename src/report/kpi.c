/*
 * kpi.c — the KPI definitions and the queries behind them.
 *
 * Definitions (R = hazards reported in [from, to) that were not cancelled as duplicate or
 * invalid; "now" = the database's current state):
 *
 *   average response time  = Σ (accepted_at − reported_at) ÷ number of R that were accepted
 *                            (or fixed on the spot), in hours; the first handling action.
 *   rectification completion rate = (R now closed) ÷ R
 *   on-time closure rate   = (R closed, rectification submitted by rectify_due, with a
 *                            "before" and an "after" photo) ÷ R
 *   repeat rate            = (R marked as a repeat) ÷ R
 *   participation          = people of the subtree who reported ≥ 1 hazard in [from, to)
 *                            (wherever they reported it: the same number for everyone who
 *                            looks at the subtree, and a count, never the records)
 *                            ÷ active people of the subtree now
 *   average cycle (days)   = Σ (closed_at − reported_at) ÷ hazards closed in [from, to)
 *   cycle compression      = (baseline cycle − cycle) ÷ baseline cycle; positive = faster
 *   overdue open           = open hazards (not closed, not cancelled) with the overdue mark
 *   major open             = open hazards of level 重大
 *   certificates expiring  = certificates of active people of the subtree whose status today
 *                            (cert_status_at) is "expiring" or "review due" (within 30 days)
 *   certificates expired   = … whose status is "expired" or "review overdue" (invalid,
 *                            原安监总局令第30号); revoked ones are not counted
 *   equipment overdue      = active special equipment of the subtree whose state today
 *                            (equip_state_at) is overdue
 *   permits in progress    = permits of the subtree in progress or suspended now
 *   permits past validity  = of those, planned_end < now (the rule of
 *                            permit_check_no_overdue: no closing, no new permit)
 *   average approval time  = Σ (approval − the last submission before it) ÷ permits approved
 *                            in [from, to), in hours
 *
 * A rate whose denominator is zero has no value ("—"). The hazard queries read only the
 * covering indexes of migration 0400, grouped by unit; kpi_rollup() adds units up.
 */
#include "report/kpi.h"
#include "report/kpi_sql.h"
#include "cert/cert.h"
#include "equip/equip.h"
#include "base/clock.h"
#include "base/strbuf.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The units in scope, as a subquery; ?1 subtree pattern, ?2 the caller's scope, ?3 owner.
 * With the indexes of migration 0400 (unit_id first) SQLite reads one covering-index range
 * per unit of the scope. */
#define KPI_IN_SCOPE " h.unit_id IN (SELECT id FROM units WHERE path LIKE ?1 AND path LIKE ?2)" \
		     " AND (?3 = 0 OR h.reporter_id = ?3)"
#define KPI_OPEN "('reported', 'assigned', 'planning', 'plan_review', 'rectifying', 'verifying')"

static const char *const keys[KPI_COUNT] = {
	"report.kpi.response", "report.kpi.closure", "report.kpi.on_time", "report.kpi.repeat",
	"report.kpi.participation", "report.kpi.cycle", "report.kpi.compression",
	"report.kpi.overdue", "report.kpi.major", "report.kpi.reported", "report.kpi.cert_expiring",
	"report.kpi.cert_expired", "report.kpi.equip_overdue", "report.kpi.permits_active",
	"report.kpi.permits_stale", "report.kpi.approval",
};

const char *kpi_key(enum kpi_id id)
{
	return id >= 0 && id < KPI_COUNT ? keys[id] : "report.kpi.reported";
}

int kpi_higher_is_better(enum kpi_id id)
{
	return id == KPI_CLOSURE || id == KPI_ON_TIME || id == KPI_PARTICIPATION ||
	       id == KPI_COMPRESSION || id == KPI_REPORTED;
}

static int ratio(int64_t num, int64_t den, double *v)
{
	if (den <= 0)
		return 0;
	*v = (double)num / (double)den;
	return 1;
}

int kpi_value(enum kpi_id id, const struct kpi *k, const struct kpi *base, double *v)
{
	double cur, old;
	switch (id) {
	case KPI_RESPONSE:	/* Σ response seconds ÷ responded, in hours */
		if (!ratio(k->response_s, k->responded, v))
			return 0;
		*v /= 3600.0;
		return 1;
	case KPI_CLOSURE:	/* closed ÷ reported */
		return ratio(k->closed, k->reported, v);
	case KPI_ON_TIME:	/* closed on time with evidence ÷ reported */
		return ratio(k->on_time, k->reported, v);
	case KPI_REPEAT:	/* repeats ÷ reported */
		return ratio(k->repeats, k->reported, v);
	case KPI_PARTICIPATION:	/* reporters ÷ active people */
		return ratio(k->reporters, k->people, v);
	case KPI_CYCLE:		/* Σ cycle seconds ÷ closed in period, in days */
		if (!ratio(k->cycle_s, k->cycle_n, v))
			return 0;
		*v /= 86400.0;
		return 1;
	case KPI_COMPRESSION:	/* (baseline cycle − cycle) ÷ baseline cycle */
		if (!base || !ratio(k->cycle_s, k->cycle_n, &cur) || !ratio(base->cycle_s, base->cycle_n, &old) ||
		    old <= 0)
			return 0;
		*v = (old - cur) / old;
		return 1;
	case KPI_OVERDUE:
		*v = (double)k->overdue_open;
		return 1;
	case KPI_MAJOR:
		*v = (double)k->major_open;
		return 1;
	case KPI_REPORTED:
		*v = (double)k->reported;
		return 1;
	case KPI_CERT_EXPIRING:
		*v = (double)k->certs_expiring;
		return 1;
	case KPI_CERT_EXPIRED:
		*v = (double)k->certs_expired;
		return 1;
	case KPI_EQUIP_OVERDUE:
		*v = (double)k->equip_overdue;
		return 1;
	case KPI_PERMITS_ACTIVE:
		*v = (double)k->permits_active;
		return 1;
	case KPI_PERMITS_STALE:
		*v = (double)k->permits_stale;
		return 1;
	case KPI_APPROVAL:	/* Σ approval seconds ÷ approved, in hours */
		if (!ratio(k->approval_s, k->approved_n, v))
			return 0;
		*v /= 3600.0;
		return 1;
	default:
		return 0;
	}
}

void kpi_format(enum kpi_id id, const struct kpi *k, const struct kpi *base, char *buf, size_t size)
{
	double v;
	if (!kpi_value(id, k, base, &v)) {
		snprintf(buf, size, "—");
		return;
	}
	switch (id) {
	case KPI_RESPONSE:
	case KPI_APPROVAL:
		snprintf(buf, size, "%.1f h", v);
		break;
	case KPI_CYCLE:
		snprintf(buf, size, "%.1f d", v);
		break;
	case KPI_CLOSURE:
	case KPI_ON_TIME:
	case KPI_REPEAT:
	case KPI_PARTICIPATION:
		snprintf(buf, size, "%.1f%%", v * 100.0);
		break;
	case KPI_COMPRESSION:
		snprintf(buf, size, "%+.1f%%", v * 100.0);
		break;
	default:
		snprintf(buf, size, "%lld", (long long)v);
	}
}

/* ---- collecting ---- */

static int unit_cmp(const void *a, const void *b)
{
	const struct kpi_unit *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

static struct kpi *unit_k(struct kpi_units *u, int64_t id)
{
	struct kpi_unit key = {.id = id};
	struct kpi_unit *f = bsearch(&key, u->u, (size_t)u->n, sizeof(*u->u), unit_cmp);
	return f ? &f->k : NULL;
}

void kpi_units_free(struct kpi_units *u)
{
	for (int i = 0; i < u->n; i++) {
		free(u->u[i].path);
		free(u->u[i].name);
		free(u->u[i].kind);
	}
	free(u->u);
	u->u = NULL;
	u->n = 0;
}

static int collect(struct db *c, const struct kpi_scope *s, int64_t from, int64_t to, struct kpi_units *out,
		   int with_now)
{
	const char *sub = s->subtree && *s->subtree ? s->subtree : "%";
	const char *allowed = s->allowed && *s->allowed ? s->allowed : "%";
	int cap = 64, rc = 0;
	out->n = 0;
	out->u = xcalloc((size_t)cap, sizeof(*out->u));
	struct db_stmt *st = db_query_memo(c, "SELECT id, coalesce(parent_id, 0), path, name, kind FROM units"
				       " WHERE path LIKE ? AND path LIKE ? ORDER BY id", "tt", sub, allowed);
	while (st && db_step(st) == 1) {
		if (out->n == cap) {
			cap *= 2;
			out->u = xrealloc(out->u, (size_t)cap * sizeof(*out->u));
		}
		struct kpi_unit *u = &out->u[out->n++];
		memset(u, 0, sizeof(*u));
		u->id = db_col_i64(st, 0);
		u->parent_id = db_col_i64(st, 1);
		u->path = xstrdup(db_col_text(st, 2));
		u->name = xstrdup(db_col_text(st, 3));
		u->kind = xstrdup(db_col_text(st, 4));
	}
	if (!st)
		rc = -1;
	db_done(c, st);

	/* reported in [from, to): R, C, O, P, response — one scan of hazards_rep_kpi */
	st = db_query_memo(c,
		"SELECT h.unit_id, count(*),"
		" sum(CASE WHEN h.status = 'closed' THEN 1 ELSE 0 END),"
		/* closed in time with its evidence, before and after photos (hazards.evidence, 1370) */
		" sum(CASE WHEN h.status = 'closed' AND h.submitted_at <= h.rectify_due THEN h.evidence ELSE 0 END),"
		" sum(CASE WHEN h.repeat_of IS NOT NULL THEN 1 ELSE 0 END),"
		" sum(CASE WHEN h.accepted_at > 0 THEN 1 ELSE 0 END),"
		" sum(CASE WHEN h.accepted_at > 0 THEN h.accepted_at - h.reported_at ELSE 0 END)"
		" FROM hazards h WHERE h.reported_at >= ?4 AND h.reported_at < ?5"
		" AND h.status <> 'cancelled' AND" KPI_IN_SCOPE " GROUP BY h.unit_id",
		"ttIII", sub, allowed, s->owner, from, to);
	while (st && db_step(st) == 1) {
		struct kpi *k = unit_k(out, db_col_i64(st, 0));
		if (!k)
			continue;
		k->reported += db_col_i64(st, 1);
		k->closed += db_col_i64(st, 2);
		k->on_time += db_col_i64(st, 3);
		k->repeats += db_col_i64(st, 4);
		k->responded += db_col_i64(st, 5);
		k->response_s += db_col_i64(st, 6);
	}
	if (!st)
		rc = -1;
	db_done(c, st);

	/* closed in [from, to): the cycle */
	st = db_query_memo(c,
		"SELECT h.unit_id, count(*), sum(h.closed_at - h.reported_at) FROM hazards h"
		" WHERE h.closed_at >= ?4 AND h.closed_at < ?5 AND h.status = 'closed' AND" KPI_IN_SCOPE
		" GROUP BY h.unit_id", "ttIII", sub, allowed, s->owner, from, to);
	while (st && db_step(st) == 1) {
		struct kpi *k = unit_k(out, db_col_i64(st, 0));
		if (!k)
			continue;
		k->cycle_n += db_col_i64(st, 1);
		k->cycle_s += db_col_i64(st, 2);
	}
	if (!st)
		rc = -1;
	db_done(c, st);

	if (!with_now)
		goto reporters;

	/* open now */
	st = db_query_memo(c,
		"SELECT h.unit_id, count(*), sum(h.overdue), sum(CASE WHEN h.level = 'major' THEN 1 ELSE 0 END)"
		" FROM hazards h WHERE h.status IN " KPI_OPEN " AND" KPI_IN_SCOPE
		" GROUP BY h.unit_id", "ttI", sub, allowed, s->owner);
	while (st && db_step(st) == 1) {
		struct kpi *k = unit_k(out, db_col_i64(st, 0));
		if (!k)
			continue;
		k->open += db_col_i64(st, 1);
		k->overdue_open += db_col_i64(st, 2);
		k->major_open += db_col_i64(st, 3);
	}
	if (!st)
		rc = -1;
	db_done(c, st);

	/* people: the active people of each unit, and those of them who reported (anywhere). A
	 * person belongs to one unit, so per-unit distinct counts add up over a subtree. */
	st = db_query_memo(c, "SELECT u.unit_id, count(*) FROM users u WHERE u.active = 1 AND (?3 = 0 OR u.id = ?3)"
			 " AND u.unit_id IN (SELECT id FROM units WHERE path LIKE ?1 AND path LIKE ?2) GROUP BY u.unit_id",
		      "ttI", sub, allowed, s->owner);
	while (st && db_step(st) == 1) {
		struct kpi *k = unit_k(out, db_col_i64(st, 0));
		if (k)
			k->people += db_col_i64(st, 1);
	}
	if (!st)
		rc = -1;
	db_done(c, st);

	/* certificates of the subtree's active people, by the certificate module's own status */
	int64_t today = cert_today(), now = clock_now();
	st = db_query_memo(c, KPI_SQL_CERTS, "ttI", sub, allowed, s->owner);
	while (st && db_step(st) == 1) {
		struct kpi *k = unit_k(out, db_col_i64(st, 0));
		if (!k)
			continue;
		enum cert_status cs = cert_status_at(today, db_col_null(st, 1) ? CERT_NODAY : db_col_i64(st, 1),
						     db_col_null(st, 2) ? CERT_NODAY : db_col_i64(st, 2), 0);
		if (cs == CERT_EXPIRING || cs == CERT_REVIEW_DUE)
			k->certs_expiring++;
		else if (cs == CERT_EXPIRED || cs == CERT_REVIEW_OVERDUE)
			k->certs_expired++;
	}
	if (!st)
		rc = -1;
	db_done(c, st);

	/* special equipment, by the equipment module's inspection state */
	st = db_query_memo(c, "SELECT e.unit_id, e.next_inspection_on FROM equipment e JOIN equip_kinds k ON k.code = e.kind"
			 " WHERE e.active = 1 AND k.special = 1 AND ?3 = 0"
			 " AND e.unit_id IN (SELECT id FROM units WHERE path LIKE ?1 AND path LIKE ?2)",
		      "ttI", sub, allowed, s->owner);
	while (st && db_step(st) == 1) {
		struct kpi *k = unit_k(out, db_col_i64(st, 0));
		if (k && equip_state_at(today, db_col_null(st, 1) ? CERT_NODAY : db_col_i64(st, 1)) == EQUIP_OVERDUE)
			k->equip_overdue++;
	}
	if (!st)
		rc = -1;
	db_done(c, st);

	/* permits in progress now, and those past their validity */
	st = db_query(c, "SELECT p.unit_id, count(*), sum(CASE WHEN p.planned_end < ?4 THEN 1 ELSE 0 END) FROM permits p"
			 " WHERE p.state IN ('in_progress', 'suspended') AND (?3 = 0 OR p.applicant_id = ?3)"
			 " AND p.unit_id IN (SELECT id FROM units WHERE path LIKE ?1 AND path LIKE ?2) GROUP BY p.unit_id",
		      "ttII", sub, allowed, s->owner, now);
	while (st && db_step(st) == 1) {
		struct kpi *k = unit_k(out, db_col_i64(st, 0));
		if (!k)
			continue;
		k->permits_active += db_col_i64(st, 1);
		k->permits_stale += db_col_i64(st, 2);
	}
	if (!st)
		rc = -1;
	db_done(c, st);
reporters:
	st = db_query_memo(c, "SELECT u.unit_id, count(*) FROM users u WHERE u.active = 1 AND (?3 = 0 OR u.id = ?3)"
			 " AND u.unit_id IN (SELECT id FROM units WHERE path LIKE ?1 AND path LIKE ?2)"
			 " AND EXISTS (SELECT 1 FROM hazards h WHERE h.reporter_id = u.id"
			 "  AND h.reported_at >= ?4 AND h.reported_at < ?5 AND h.status <> 'cancelled')"
			 " GROUP BY u.unit_id", "ttIII", sub, allowed, s->owner, from, to);
	while (st && db_step(st) == 1) {
		struct kpi *k = unit_k(out, db_col_i64(st, 0));
		if (k)
			k->reporters += db_col_i64(st, 1);
	}
	if (!st)
		rc = -1;
	db_done(c, st);

	/* permits approved in [from, to): from the last submission before the approval */
	st = db_query_memo(c, KPI_SQL_APPROVALS, "ttIII", sub, allowed, s->owner, from, to);
	while (st && db_step(st) == 1) {
		struct kpi *k = unit_k(out, db_col_i64(st, 0));
		if (!k)
			continue;
		k->approved_n += db_col_i64(st, 1);
		k->approval_s += db_col_i64(st, 2);
	}
	if (!st)
		rc = -1;
	db_done(c, st);
	return rc;
}

int kpi_permits_by_type(struct db *c, const struct kpi_scope *s, void (*cb)(void *ctx, const char *type, int64_t n),
			void *ctx)
{
	const char *sub = s->subtree && *s->subtree ? s->subtree : "%";
	const char *allowed = s->allowed && *s->allowed ? s->allowed : "%";
	struct db_stmt *st = db_query_memo(c, "SELECT t.code, (SELECT count(*) FROM permits p WHERE p.type = t.code"
				       " AND p.state IN ('in_progress', 'suspended') AND (?3 = 0 OR p.applicant_id = ?3)"
				       " AND p.unit_id IN (SELECT id FROM units WHERE path LIKE ?1 AND path LIKE ?2))"
				       " FROM permit_types t ORDER BY t.sort, t.code", "ttI", sub, allowed, s->owner);
	while (st && db_step(st) == 1)
		cb(ctx, db_col_text(st, 0), db_col_i64(st, 1));
	int rc = st ? 0 : -1;
	db_done(c, st);
	return rc;
}

int kpi_collect(struct db *c, const struct kpi_scope *s, int64_t from, int64_t to, struct kpi_units *out)
{
	return collect(c, s, from, to, out, 1);
}

int kpi_collect_period(struct db *c, const struct kpi_scope *s, int64_t from, int64_t to, struct kpi_units *out,
		       const struct kpi_units *now)
{
	int rc = collect(c, s, from, to, out, 0);
	/* the same units in the same order (sorted by id): take over the "now" facts */
	for (int i = 0; now && i < out->n && i < now->n; i++)
		if (out->u[i].id == now->u[i].id) {
			out->u[i].k.people = now->u[i].k.people;
			out->u[i].k.open = now->u[i].k.open;
			out->u[i].k.overdue_open = now->u[i].k.overdue_open;
			out->u[i].k.major_open = now->u[i].k.major_open;
			out->u[i].k.certs_expiring = now->u[i].k.certs_expiring;
			out->u[i].k.certs_expired = now->u[i].k.certs_expired;
			out->u[i].k.equip_overdue = now->u[i].k.equip_overdue;
			out->u[i].k.permits_active = now->u[i].k.permits_active;
			out->u[i].k.permits_stale = now->u[i].k.permits_stale;
		}
	return rc;
}

static void add(struct kpi *a, const struct kpi *b)
{
	a->reported += b->reported;
	a->closed += b->closed;
	a->on_time += b->on_time;
	a->repeats += b->repeats;
	a->responded += b->responded;
	a->response_s += b->response_s;
	a->reporters += b->reporters;
	a->people += b->people;
	a->cycle_n += b->cycle_n;
	a->cycle_s += b->cycle_s;
	a->overdue_open += b->overdue_open;
	a->major_open += b->major_open;
	a->open += b->open;
	a->certs_expiring += b->certs_expiring;
	a->certs_expired += b->certs_expired;
	a->equip_overdue += b->equip_overdue;
	a->permits_active += b->permits_active;
	a->permits_stale += b->permits_stale;
	a->approved_n += b->approved_n;
	a->approval_s += b->approval_s;
}

void kpi_rollup(const struct kpi_units *u, const char *path, struct kpi *k)
{
	size_t pl = path ? strlen(path) : 0;
	memset(k, 0, sizeof(*k));
	for (int i = 0; i < u->n; i++)
		if (!pl || !strncmp(u->u[i].path, path, pl))
			add(k, &u->u[i].k);
}

int kpi_compute(struct db *c, const struct kpi_scope *s, int64_t from, int64_t to, struct kpi *k)
{
	struct kpi_units u;
	int rc = kpi_collect(c, s, from, to, &u);
	kpi_rollup(&u, NULL, k);
	kpi_units_free(&u);
	return rc;
}

/* ---- the plant's calendar ---- */

int64_t kpi_day_start(int64_t t)
{
	int64_t off = clock_local_offset(), l = t + off;
	int64_t d = l >= 0 ? l / 86400 : (l - 86399) / 86400;
	return d * 86400 - off;
}

static int64_t local_midnight(int y, int m, int d)
{
	struct tm tm = {0};
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	return (int64_t)timegm(&tm) - clock_local_offset();
}

int64_t kpi_parse_day(const char *s)
{
	int y, m, d;
	char tail;
	if (!s || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || y < 2000 || y > 2200 || m < 1 || m > 12 ||
	    d < 1 || d > 31)
		return 0;
	return local_midnight(y, m, d);
}

int kpi_parse_month(const char *s, int *y, int *m)
{
	char tail;
	if (!s || sscanf(s, "%4d-%2d%c", y, m, &tail) != 2 || *y < 2000 || *y > 2200 || *m < 1 || *m > 12)
		return -1;
	return 0;
}

void kpi_month_range(int y, int m, int64_t *from, int64_t *to)
{
	*from = local_midnight(y, m, 1);
	*to = m == 12 ? local_midnight(y + 1, 1, 1) : local_midnight(y, m + 1, 1);
}

void kpi_format_day(int64_t t, char *buf, size_t size)
{
	clock_format(t, "%Y-%m-%d", buf, (int)size);
}
