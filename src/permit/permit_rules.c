/*
 * permit_rules.c — the checks that block a permit, one small function each, each naming the
 * field at fault and the person or permit concerned.
 *
 * They read the database but never write it, so the flow engine can run them inside its
 * transaction and the unit tests can run them on their own.
 */
#include "permit/permit.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "ppe/ppe.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static char *user_label(struct db *c, int64_t uid)
{
	char *name = NULL;
	if (db_get_text(c, &name, "SELECT name || ' (' || username || ')' FROM users WHERE id = ?", "I",
			uid) != 1) {
		struct strbuf sb = STRBUF_INIT;
		sb_addf(&sb, "#%lld", (long long)uid);
		return sb_detach(&sb, NULL);
	}
	return name;
}

/* The reason from the certificate module, with the person's name in front of its detail. */
static char *cert_detail(struct db *c, int64_t uid, char *detail)
{
	struct strbuf sb = STRBUF_INIT;
	char *who = user_label(c, uid);
	sb_adds(&sb, who);
	if (detail && *detail) {
		sb_adds(&sb, ": ");
		sb_adds(&sb, detail);
	}
	free(who);
	free(detail);
	return sb_detach(&sb, NULL);
}

/* The protective equipment the permit type asks of this role (ppe/ppe.h, the item's level
 * set by the safety department): an item at "block" refuses like a lapsed certificate; one
 * at "warn" passes here and is shown on the permit page (permit_ppe_web.c). */
static int ppe_check(struct db *c, const struct permit *p, const char *role, int64_t uid, int64_t day,
		     struct permit_err *e)
{
	const char *why = NULL;
	char *detail = NULL;
	if (ppe_permit_check(c, p->type, role, uid, day, &why, &detail) == 0) {
		permit_err_set(e, 422, why, !strcmp(role, "guardian") ? "guardian_id" : "workers",
			       cert_detail(c, uid, detail));
		return -1;
	}
	free(detail);
	return 0;
}

/* §4.16–4.17 and each section's limit: end after start, not longer than the grade allows;
 * temporary power serving a hot-work or confined-space job ends with that job (§10). */
int permit_check_window(struct db *c, const struct permit *p, int64_t now, struct permit_err *e)
{
	if (p->planned_end <= p->planned_start) {
		permit_err_set(e, 422, "permit.err.end_before_start", "planned_end", NULL);
		return -1;
	}
	int hours = permit_max_hours(c, p->type, p->grade, NULL);
	if (hours < 0) {
		permit_err_set(e, 422, "permit.err.grade", "grade", NULL);
		return -1;
	}
	if (p->planned_end - p->planned_start > (int64_t)hours * 3600) {
		struct strbuf sb = STRBUF_INIT;
		sb_addf(&sb, "%d h", hours);
		permit_err_set(e, 422, "permit.err.too_long", "planned_end", sb_detach(&sb, NULL));
		return -1;
	}
	if (!strcmp(p->type, "temp_power")) {
		for (int i = 0; i < p->nlinks; i++) {
			int64_t end = 0;
			if (db_get_i64(c, &end, "SELECT planned_end FROM permits WHERE id = ? AND type IN"
					  " ('hot_work', 'confined_space')", "I", p->links[i]) == 1 &&
			    p->planned_end > end) {
				permit_err_set(e, 422, "permit.err.power_outlives", "planned_end", NULL);
				return -1;
			}
		}
	}
	(void)now;
	return 0;
}

/* Each worker holds a valid certificate for the operation (特种作业人员 regulations; the
 * operation code maps to certificate categories in the certificate module). */
int permit_check_workers(struct db *c, const struct permit *p, permit_cert_fn cert, struct permit_err *e)
{
	const struct permit_type *t = permit_type_find(p->type);
	if (!t) {
		permit_err_set(e, 422, "permit.err.type", "type", NULL);
		return -1;
	}
	if (p->nworkers == 0) {
		permit_err_set(e, 422, "permit.err.no_workers", "workers", NULL);
		return -1;
	}
	int64_t day = permit_cert_day(p->planned_start);
	for (int i = 0; i < p->nworkers; i++) {
		const char *why = NULL;
		char *detail = NULL;
		if (cert(c, -p->workers[i].user_id, t->operation, day, &why, &detail) != 1) {
			permit_err_set(e, 422, why ? why : "permit.err.no_cert", "workers",
				       cert_detail(c, p->workers[i].user_id, detail));
			return -1;
		}
		free(detail);
		if (ppe_check(c, p, "workers", p->workers[i].user_id, day, e))
			return -1;
	}
	return 0;
}

/* §4.10: the guardian is trained and certified, and is not one of the workers (§6.8 for
 * confined spaces: stays outside). */
int permit_check_guardian(struct db *c, const struct permit *p, permit_cert_fn cert, struct permit_err *e)
{
	if (!p->guardian_id) {
		permit_err_set(e, 422, "permit.err.no_guardian", "guardian_id", NULL);
		return -1;
	}
	for (int i = 0; i < p->nworkers; i++) {
		if (p->workers[i].user_id == p->guardian_id) {
			permit_err_set(e, 422, "permit.err.guardian_is_worker", "guardian_id",
				       user_label(c, p->guardian_id));
			return -1;
		}
	}
	const char *why = NULL;
	char *detail = NULL;
	if (cert(c, -p->guardian_id, "guardian", permit_cert_day(p->planned_start), &why, &detail) != 1) {
		permit_err_set(e, 422, why ? why : "permit.err.no_cert", "guardian_id",
			       cert_detail(c, p->guardian_id, detail));
		return -1;
	}
	free(detail);
	return ppe_check(c, p, "guardian", p->guardian_id, permit_cert_day(p->planned_start), e);
}

/* Annex A: every measure on the form is confirmed by a named person before submission. */
int permit_check_measures(const struct permit *p, struct permit_err *e)
{
	if (p->nmeasures == 0) {
		permit_err_set(e, 422, "permit.err.no_measures", "measures", NULL);
		return -1;
	}
	for (int i = 0; i < p->nmeasures; i++) {
		if (!p->measures[i].confirmed_by) {
			struct strbuf sb = STRBUF_INIT;
			sb_addf(&sb, "#%lld", (long long)p->measures[i].measure_id);
			permit_err_set(e, 422, "permit.err.measure_unconfirmed", "measures", sb_detach(&sb, NULL));
			return -1;
		}
	}
	return 0;
}

/* §5.3, §6.3: the analyst is a named, qualified person (operation gas_analyst). */
int permit_check_analyst(struct db *c, int64_t analyst_id, int64_t at, permit_cert_fn cert,
			 struct permit_err *e)
{
	int64_t ok = 0;
	if (analyst_id <= 0 || db_get_i64(c, &ok, "SELECT 1 FROM users WHERE id = ? AND active = 1", "I",
					  analyst_id) != 1) {
		permit_err_set(e, 422, "permit.err.analyst", "analyst_id", NULL);
		return -1;
	}
	const char *why = NULL;
	char *detail = NULL;
	if (cert(c, -analyst_id, "gas_analyst", permit_cert_day(at), &why, &detail) != 1) {
		permit_err_set(e, 422, why ? why : "permit.err.no_cert", "analyst_id",
			       cert_detail(c, analyst_id, detail));
		return -1;
	}
	free(detail);
	return 0;
}

/* §5.3.1 / §6.3: sample no more than 30 min before the work (or its resumption) starts, and
 * the latest reading must have passed. `since`: readings before it do not count (after an
 * interruption). */
int permit_check_gas_fresh(struct db *c, const struct permit *p, int64_t now, int64_t since,
			   struct permit_err *e)
{
	if (!permit_gas_required(p->type, p->hazardous_area))
		return 0;
	struct db_stmt *st = db_query(c, "SELECT taken_at, passed, reason FROM permit_gas_tests"
				       " WHERE permit_id = ? AND taken_at <= ? ORDER BY taken_at DESC, id DESC LIMIT 1",
				    "II", p->id, now);
	int found = st && db_step(st) == 1;
	int64_t taken = found ? db_col_i64(st, 0) : 0;
	int passed = found ? (int)db_col_i64(st, 1) : 0;
	char *reason = found ? xstrdup(db_col_text(st, 2)) : NULL;
	db_done(c, st);
	if (!found || taken < since) {
		free(reason);
		permit_err_set(e, 422, "permit.err.gas_none", "gas", NULL);
		return -1;
	}
	if (!passed) {
		permit_err_set(e, 422, "permit.err.gas_failed", "gas", reason);
		return -1;
	}
	free(reason);
	if (now - taken > 30 * 60) {
		permit_err_set(e, 422, "permit.err.gas_stale", "gas", NULL);
		return -1;
	}
	return 0;
}

/* "No closing, no new permit": an applicant who left a permit past its validity unclosed
 * submits nothing new until it is closed. */
int permit_check_no_overdue(struct db *c, const struct permit *p, int64_t now, struct permit_err *e)
{
	char *num = NULL;
	if (db_get_text(c, &num, "SELECT number FROM permits WHERE applicant_id = ? AND id <> ?"
				 " AND state IN ('in_progress', 'suspended') AND planned_end < ? LIMIT 1",
			"III", p->applicant_id, p->id, now) == 1) {
		permit_err_set(e, 422, "permit.err.overdue_open", "applicant_id", num);
		return -1;
	}
	return 0;
}

/* Simultaneous operations in the same area whose windows overlap:
 *  - hot work and blind-plate/line opening (§7.6: no hot work within 30 m of a blind job;
 *    §5.2.9 no release of combustibles near hot work);
 *  - a confined-space entry with hot work inside but no hot-work permit linked (§4.6, §6.7).
 * Each conflict is one line "code permit-number" (codes hot_blind, hot_inside); pages
 * translate the code. */
int permit_find_conflicts(struct db *c, const struct permit *p, struct strbuf *out)
{
	int n = 0;
	struct db_stmt *st = db_query(c,
		"SELECT id, number, type FROM permits WHERE area_id = ? AND id <> ?"
		" AND state IN ('submitted', 'approving', 'approved', 'in_progress', 'suspended')"
		" AND planned_start < ? AND planned_end > ? ORDER BY id",
		"IIII", p->area_id, p->id, p->planned_end, p->planned_start);
	while (st && db_step(st) == 1) {
		const char *type = db_col_text(st, 2);
		int hot_mb = (!strcmp(p->type, "hot_work") && !strcmp(type, "blind_plate")) ||
			     (!strcmp(p->type, "blind_plate") && !strcmp(type, "hot_work"));
		if (hot_mb) {
			sb_addf(out, "%shot_blind %s", n ? "\n" : "", db_col_text(st, 1));
			n++;
		}
	}
	db_done(c, st);
	if (!strcmp(p->type, "confined_space") && p->hot_inside) {
		int has = 0;
		for (int i = 0; i < p->nlinks; i++) {
			int64_t one = 0;
			if (db_get_i64(c, &one, "SELECT 1 FROM permits WHERE id = ? AND type = 'hot_work'"
					  " AND state NOT IN ('cancelled', 'closed')", "I", p->links[i]) == 1)
				has = 1;
		}
		if (!has) {
			sb_addf(out, "%shot_inside %s", n ? "\n" : "", p->number ? p->number : "");
			n++;
		}
	}
	return n;
}

double permit_distance_m(double lat1, double lng1, double lat2, double lng2)
{
	const double rad = M_PI / 180.0, earth = 6371008.8;
	double dlat = (lat2 - lat1) * rad, dlng = (lng2 - lng1) * rad;
	double a = sin(dlat / 2) * sin(dlat / 2) +
		   cos(lat1 * rad) * cos(lat2 * rad) * sin(dlng / 2) * sin(dlng / 2);
	return 2 * earth * atan2(sqrt(a), sqrt(1 - a));
}
