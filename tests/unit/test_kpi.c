/*
 * test_kpi.c — every KPI of src/report/kpi.c on a small data set computed by hand: two
 * workshops, four people (one inactive), eight hazards placed around the edges of March 2026
 * (a hazard at exactly `from` is in, one at exactly `to` is out, a cancelled one never
 * counts), an empty period, the data scope and the owner scope.
 */
#include "unit.h"
#include "hazard/hazard.h"
#include "db/db.h"
#include "base/clock.h"
#include "cert/cert.h"
#include "report/kpi.h"

#include <stdint.h>
#include <stdlib.h>

#define D 86400
#define H 3600

struct hz {
	const char *number;
	int64_t unit, area, reporter;
	const char *status, *level;
	int64_t reported, accepted, submitted, due, closed;
	int overdue;
	int64_t repeat_of;
	int before, after;
};

static int64_t add_hazard(struct db *c, const struct hz *h)
{
	int rc = db_exec(c, "INSERT INTO hazards (number, status, reporter_id, area_id, unit_id, category_id,"
			     " level, reported_at, accepted_at, submitted_at, rectify_due, closed_at, overdue, repeat_of,"
			     " updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0), 0)",
			  "ttIIItIIIIIiI", h->number, h->status, h->reporter, h->area, h->unit, h->level, h->reported,
			  h->accepted, h->submitted, h->due, h->closed, h->overdue, h->repeat_of);
	if (rc != DB_OK)
		fprintf(stderr, "%s: %s\n", h->number, db_errmsg(c));
	CHECK(rc == DB_OK);
	int64_t id = db_last_id(c);
	if (h->before)
		db_exec(c, "INSERT INTO hazard_photos (hazard_id, kind, sha256, created_at) VALUES (?, 'before', 'x', 0)", "I", id);
	if (h->after)
		db_exec(c, "INSERT INTO hazard_photos (hazard_id, kind, sha256, created_at) VALUES (?, 'after', 'x', 0)", "I", id);
	CHECK(hazard_evidence_mark(c, id) == DB_OK);	/* as hazard_photos_link keeps it */
	return id;
}

/* The data set; returns the db and sets from/to to March 2026 (local). */
static struct db *dataset(int64_t *from, int64_t *to)
{
	struct db *c = unit_db();
	kpi_month_range(2026, 3, from, to);
	int64_t f = *from, t = *to;
	db_exec(c, "INSERT INTO units (id, name, kind, path, created_at) VALUES (1, '厂', 'company', '/1/', 0),"
		   " (2, '甲车间', 'workshop', '/1/2/', 0), (3, '乙车间', 'workshop', '/1/3/', 0)", NULL);
	db_exec(c, "UPDATE units SET parent_id = 1 WHERE id > 1", NULL);
	db_exec(c, "INSERT INTO users (id, username, name, unit_id, password_hash, active, created_at, updated_at)"
		   " VALUES (1, 'u1', '一', 2, 'x', 1, 0, 0), (2, 'u2', '二', 2, 'x', 1, 0, 0),"
		   " (3, 'u3', '三', 3, 'x', 1, 0, 0), (4, 'u4', '四', 2, 'x', 0, 0, 0)", NULL);
	db_exec(c, "INSERT INTO areas (id, name, unit_id, qr_token, created_at) VALUES (1, 'A', 2, 'qa', 0),"
		   " (2, 'B', 3, 'qb', 0)", NULL);
	db_exec(c, "INSERT INTO blobs (sha256, mime, bytes, created_at) VALUES ('x', 'image/jpeg', ?, 0)", "b", "", (size_t)1);
	/* H1 at exactly `from`: answered in 1 h, submitted before the deadline, both photos */
	struct hz h1 = {"H1", 2, 1, 1, "closed", "general", f, f + H, f + 2 * D, f + 3 * D, f + 2 * D + H, 0, 0, 1, 1};
	int64_t id1 = add_hazard(c, &h1);
	/* H2: answered in 2 h, submitted two days late */
	struct hz h2 = {"H2", 2, 1, 1, "closed", "general", f + 10 * D, f + 10 * D + 2 * H, f + 14 * D, f + 12 * D,
			f + 15 * D, 0, 0, 1, 1};
	add_hazard(c, &h2);
	/* H3: a repeat of H1, not yet answered, overdue */
	struct hz h3 = {"H3", 2, 1, 2, "reported", "general", f + 20 * D, 0, 0, f + 21 * D, 0, 1, id1, 1, 0};
	add_hazard(c, &h3);
	/* H4: a major hazard in the other workshop, answered in 2 h, reported by u1 */
	struct hz h4 = {"H4", 3, 2, 1, "rectifying", "major", f + 5 * D, f + 5 * D + 2 * H, 0, f + 30 * D, 0, 0, 0, 1, 0};
	add_hazard(c, &h4);
	/* H5 at exactly `to`: outside March, but open now */
	struct hz h5 = {"H5", 3, 2, 3, "reported", "general", t, 0, 0, t + D, 0, 0, 0, 1, 0};
	add_hazard(c, &h5);
	/* H6: cancelled as a duplicate: never counts */
	struct hz h6 = {"H6", 2, 1, 2, "cancelled", "general", f + D, f + D + H, 0, f + 3 * D, 0, 0, 0, 1, 0};
	add_hazard(c, &h6);
	/* H7: on time but without an after-photo: closed, not "on time with evidence" */
	struct hz h7 = {"H7", 2, 1, 1, "closed", "general", f + 3 * D, f + 3 * D + H, f + 4 * D, f + 5 * D,
			f + 4 * D + 100, 0, 0, 1, 0};
	add_hazard(c, &h7);
	/* H8: reported one second before `from`, closed in March: in the cycle only */
	struct hz h8 = {"H8", 3, 2, 3, "closed", "general", f - 1, f, f + D - 100, f + 2 * D, f + D, 0, 0, 1, 1};
	add_hazard(c, &h8);
	return c;
}

static const char *fmt(enum kpi_id id, const struct kpi *k, const struct kpi *base)
{
	static char buf[8][32];
	static int i;
	i = (i + 1) % 8;
	kpi_format(id, k, base, buf[i], sizeof(buf[i]));
	return buf[i];
}

TEST(kpi_whole_plant_by_hand)
{
	int64_t from, to;
	struct db *c = dataset(&from, &to);
	struct kpi_scope s = {"/1/%", "%", 0};
	struct kpi k;
	CHECK_INT(kpi_compute(c, &s, from, to, &k), 0);
	CHECK_INT(k.reported, 5);	/* H1 H2 H3 H4 H7: H1 at `from` in, H5 at `to` out, H6 cancelled */
	CHECK_INT(k.closed, 3);		/* H1 H2 H7 */
	CHECK_INT(k.on_time, 1);	/* H1 only: H2 late, H7 lacks the after-photo */
	CHECK_INT(k.repeats, 1);	/* H3 */
	CHECK_INT(k.responded, 4);	/* H1 1 h, H2 2 h, H4 2 h, H7 1 h */
	CHECK_INT(k.response_s, 6 * H);
	CHECK_INT(k.reporters, 2);	/* u1 and u2; u3 reported only H5, after March */
	CHECK_INT(k.people, 3);		/* u4 is inactive */
	CHECK_INT(k.cycle_n, 4);	/* H1 H2 H7 H8 closed in March */
	CHECK_INT(k.cycle_s, (2 * D + H) + 5 * D + (D + 100) + (D + 1));
	CHECK_INT(k.overdue_open, 1);	/* H3 */
	CHECK_INT(k.major_open, 1);	/* H4 */
	CHECK_INT(k.open, 3);		/* H3 H4 H5 */
	CHECK_STR(fmt(KPI_RESPONSE, &k, NULL), "1.5 h");	/* 6 h ÷ 4 */
	CHECK_STR(fmt(KPI_CLOSURE, &k, NULL), "60.0%");	/* 3 ÷ 5 */
	CHECK_STR(fmt(KPI_ON_TIME, &k, NULL), "20.0%");	/* 1 ÷ 5 */
	CHECK_STR(fmt(KPI_REPEAT, &k, NULL), "20.0%");	/* 1 ÷ 5 */
	CHECK_STR(fmt(KPI_PARTICIPATION, &k, NULL), "66.7%");	/* 2 ÷ 3 */
	CHECK_STR(fmt(KPI_CYCLE, &k, NULL), "2.3 d");	/* 781301 s ÷ 4 = 2.26 d */
	CHECK_STR(fmt(KPI_OVERDUE, &k, NULL), "1");
	CHECK_STR(fmt(KPI_MAJOR, &k, NULL), "1");
	CHECK_STR(fmt(KPI_REPORTED, &k, NULL), "5");
	CHECK_STR(fmt(KPI_COMPRESSION, &k, NULL), "—");	/* no baseline */
	db_close(c);
}

TEST(kpi_rollup_by_unit)
{
	int64_t from, to;
	struct db *c = dataset(&from, &to);
	struct kpi_scope s = {"/1/%", "%", 0};
	struct kpi_units u;
	struct kpi a, b;
	CHECK_INT(kpi_collect(c, &s, from, to, &u), 0);
	CHECK_INT(u.n, 3);
	kpi_rollup(&u, "/1/2/", &a);
	kpi_rollup(&u, "/1/3/", &b);
	CHECK_INT(a.reported, 4);
	CHECK_INT(a.closed, 3);
	CHECK_STR(fmt(KPI_CLOSURE, &a, NULL), "75.0%");
	CHECK_STR(fmt(KPI_PARTICIPATION, &a, NULL), "100.0%");	/* u1 and u2 of u1 u2 (u4 inactive) */
	CHECK_INT(b.reported, 1);
	CHECK_STR(fmt(KPI_CLOSURE, &b, NULL), "0.0%");
	CHECK_STR(fmt(KPI_PARTICIPATION, &b, NULL), "0.0%");
	CHECK_STR(fmt(KPI_CYCLE, &b, NULL), "1.0 d");		/* H8 */
	CHECK_STR(fmt(KPI_RESPONSE, &b, NULL), "2.0 h");	/* H4 */
	/* the subtree of one workshop as a scope gives the same as its roll-up */
	struct kpi_scope s2 = {"/1/2/%", "%", 0};
	struct kpi k2;
	kpi_compute(c, &s2, from, to, &k2);
	CHECK_INT(k2.reported, a.reported);
	CHECK_INT(k2.on_time, a.on_time);
	CHECK_INT(k2.cycle_s, a.cycle_s);
	kpi_units_free(&u);
	db_close(c);
}

TEST(kpi_empty_period_has_no_division_by_zero)
{
	int64_t from, to, f0, t0;
	struct db *c = dataset(&from, &to);
	kpi_month_range(2025, 1, &f0, &t0);
	struct kpi_scope s = {"/1/%", "%", 0};
	struct kpi k;
	double v = -1;
	CHECK_INT(kpi_compute(c, &s, f0, t0, &k), 0);
	CHECK_INT(k.reported, 0);
	CHECK_INT(kpi_value(KPI_CLOSURE, &k, NULL, &v), 0);
	CHECK_STR(fmt(KPI_RESPONSE, &k, NULL), "—");
	CHECK_STR(fmt(KPI_CLOSURE, &k, NULL), "—");
	CHECK_STR(fmt(KPI_ON_TIME, &k, NULL), "—");
	CHECK_STR(fmt(KPI_REPEAT, &k, NULL), "—");
	CHECK_STR(fmt(KPI_CYCLE, &k, NULL), "—");
	CHECK_STR(fmt(KPI_PARTICIPATION, &k, NULL), "0.0%");	/* 0 of 3 people: a value */
	CHECK_STR(fmt(KPI_OVERDUE, &k, NULL), "1");		/* "now" facts do not depend on the period */
	/* a unit without people has no participation */
	struct kpi none = {0};
	CHECK_STR(fmt(KPI_PARTICIPATION, &none, NULL), "—");
	CHECK_STR(fmt(KPI_COMPRESSION, &none, &none), "—");
	db_close(c);
}

TEST(kpi_range_boundaries)
{
	int64_t from, to;
	struct db *c = dataset(&from, &to);
	struct kpi_scope s = {"/1/%", "%", 0};
	struct kpi k;
	/* [to, to + 1 day): H5 alone */
	kpi_compute(c, &s, to, to + D, &k);
	CHECK_INT(k.reported, 1);
	/* [from, from + 1 s): H1 alone; [from − 1, from): H8 alone */
	kpi_compute(c, &s, from, from + 1, &k);
	CHECK_INT(k.reported, 1);
	CHECK_INT(k.closed, 1);
	kpi_compute(c, &s, from - 1, from, &k);
	CHECK_INT(k.reported, 1);
	CHECK_INT(k.cycle_n, 0);	/* H8 closed later */
	/* the month starts at local (UTC+8) midnight: 2026-02-28T16:00Z */
	CHECK_INT(from, 1772294400);
	CHECK_INT(kpi_parse_day("2026-03-01"), from);
	CHECK_INT(kpi_day_start(from + D - 1), from);
	CHECK_INT(kpi_day_start(from + D), from + D);
	CHECK_INT(kpi_parse_day("2026-3-x"), 0);
	int y, m;
	CHECK_INT(kpi_parse_month("2026-12", &y, &m), 0);
	CHECK_INT(kpi_parse_month("2026-13", &y, &m), -1);
	db_close(c);
}

TEST(kpi_compression_against_baseline)
{
	struct kpi cur = {0}, base = {0};
	cur.cycle_n = 2;
	cur.cycle_s = 4 * D;	/* 2 days each */
	base.cycle_n = 1;
	base.cycle_s = 4 * D;	/* 4 days */
	CHECK_STR(fmt(KPI_COMPRESSION, &cur, &base), "+50.0%");	/* (4 − 2) ÷ 4 */
	CHECK_STR(fmt(KPI_COMPRESSION, &base, &cur), "-100.0%");	/* slower: (2 − 4) ÷ 2 */
}

TEST(kpi_data_scope_and_owner)
{
	int64_t from, to;
	struct db *c = dataset(&from, &to);
	/* the caller may see only 乙车间: asking for the plant gives 乙车间's counts */
	struct kpi_scope s = {"/1/%", "/1/3/%", 0};
	struct kpi k;
	kpi_compute(c, &s, from, to, &k);
	CHECK_INT(k.reported, 1);
	CHECK_INT(k.major_open, 1);
	CHECK_INT(k.people, 1);
	/* own scope: u2's hazards only (H3; H6 is cancelled) */
	struct kpi_scope own = {"/1/%", "%", 2};
	kpi_compute(c, &own, from, to, &k);
	CHECK_INT(k.reported, 1);
	CHECK_INT(k.repeats, 1);
	CHECK_INT(k.people, 1);
	CHECK_INT(k.reporters, 1);
	db_close(c);
}

TEST(kpi_certificates_equipment_permits)
{
	int64_t from, to;
	struct db *c = dataset(&from, &to);
	/* "now" facts (expiry, overdue inspections, permits past validity) at a fixed moment,
	 * 2027-03-01 00:05 +08:00 (the 1st of a month, after February), not the day the tests run */
	CHECK_INT(clock_set(1803830700), 0);
	int64_t today = cert_today(), now = clock_now();
	db_exec(c, "INSERT INTO persons (id, user_id, name, unit_id, created_at) VALUES (1, 1, '一', 2, 0),"
		   " (2, 3, '三', 3, 0), (3, NULL, '外', 2, 0)", NULL);
	db_exec(c, "UPDATE persons SET active = 0 WHERE id = 3", NULL);
	/* u1: one valid, one expiring in 10 days, one expired yesterday, one revoked and expired;
	 * u3: review overdue (invalid), review due in 5 days; the inactive person's expired one */
	const struct { int64_t person; const char *no; int64_t exp, rev; int revoked; } certs[] = {
		{1, "A1", today + 1000, today + 500, 0}, {1, "A2", today + 10, CERT_NODAY, 0},
		{1, "A3", today - 1, CERT_NODAY, 0}, {1, "A4", today - 5, CERT_NODAY, 1},
		{2, "B1", today + 900, today - 2, 0}, {2, "B2", today + 900, today + 5, 0},
		{3, "C1", today - 100, CERT_NODAY, 0},
	};
	for (size_t i = 0; i < sizeof(certs) / sizeof(*certs); i++)
		db_exec(c, "INSERT INTO certs (person_id, category, number, expires_on, review_on, revoked_at, created_at,"
			   " updated_at) VALUES (?, 'elec', ?, NULLIF(?, -1000000), NULLIF(?, -1000000), ?, 0, 0)", "ItIIi",
			certs[i].person, certs[i].no, cert_day_arg(certs[i].exp), cert_day_arg(certs[i].rev), certs[i].revoked);
	/* equipment: a boiler overdue in 甲车间, one due in a year, a non-special device overdue */
	db_exec(c, "INSERT INTO equipment (code, name, kind, unit_id, next_inspection_on, created_at) VALUES"
		   " ('B1', '锅炉', 'boiler', 2, ?, 0), ('B2', '锅炉', 'boiler', 3, ?, 0)", "II", today - 3, today + 365);
	/* permits: two in progress in 甲车间 (one past its validity), one closed, one approved in March
	 * 5 h after its second submission */
	db_exec(c, "INSERT INTO permits (id, number, type, state, area_id, unit_id, applicant_id, content, planned_start,"
		   " planned_end, created_at, updated_at) VALUES"
		   " (1, 'P1', 'hot_work', 'in_progress', 1, 2, 1, 'x', ?1, ?1 + 3600, 0, 0),"
		   " (2, 'P2', 'height', 'suspended', 1, 2, 1, 'x', ?2, ?2 + 86400, 0, 0),"
		   " (3, 'P3', 'hot_work', 'closed', 2, 3, 3, 'x', ?1, ?1 + 3600, 0, 0),"
		   " (4, 'P4', 'lifting', 'approved', 2, 3, 3, 'x', ?3, ?3 + 3600, 0, 0)",
		"III", now - 7200, now, from + 86400);
	db_exec(c, "INSERT INTO permit_events (permit_id, at, action, from_state, to_state) VALUES"
		   " (4, ?1, 'submit', 'draft', 'submitted'), (4, ?1 + 3600, 'refuse', 'submitted', 'refused'),"
		   " (4, ?1 + 7200, 'submit', 'refused', 'submitted'), (4, ?1 + 7200 + 5 * 3600, 'approve', 'submitted', 'approved')",
		"I", from + 86400);
	struct kpi_scope s = {"/1/%", "%", 0};
	struct kpi k;
	CHECK_INT(kpi_compute(c, &s, from, to, &k), 0);
	CHECK_INT(k.certs_expiring, 2);	/* A2 (expiry), B2 (review) */
	CHECK_INT(k.certs_expired, 2);	/* A3 (expired), B1 (review overdue); A4 revoked, C1's holder inactive */
	CHECK_INT(k.equip_overdue, 1);
	CHECK_INT(k.permits_active, 2);
	CHECK_INT(k.permits_stale, 1);
	CHECK_INT(k.approved_n, 1);
	CHECK_STR(fmt(KPI_APPROVAL, &k, NULL), "5.0 h");	/* from the last submission */
	/* an empty period has no approval time, but the "now" facts stay */
	int64_t f0, t0;
	kpi_month_range(2025, 1, &f0, &t0);
	kpi_compute(c, &s, f0, t0, &k);
	CHECK_STR(fmt(KPI_APPROVAL, &k, NULL), "—");
	CHECK_INT(k.permits_active, 2);
	/* by unit: 乙车间 has B1/B2, the ok boiler and the approved permit */
	struct kpi_scope s3 = {"/1/3/%", "%", 0};
	kpi_compute(c, &s3, from, to, &k);
	CHECK_INT(k.certs_expiring, 1);
	CHECK_INT(k.certs_expired, 1);
	CHECK_INT(k.equip_overdue, 0);
	CHECK_INT(k.permits_active, 0);
	CHECK_INT(k.approved_n, 1);
	db_close(c);
	clock_set(0);
}
