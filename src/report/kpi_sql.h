/*
 * kpi_sql.h — the SQL of the dashboard's certificate and permit-approval figures (kpi.c),
 * named so that tests/unit/test_kpi_plan.c can check their query plans: both must read the
 * covering indexes of migration 0420 rather than a table row per certificate, person or
 * permit event. Parameters: ?1 subtree pattern, ?2 the caller's scope, ?3 owner (0: any),
 * and for the approvals ?4, ?5 the period [from, to).
 */
#ifndef ANQUAN_KPI_SQL_H
#define ANQUAN_KPI_SQL_H

#define KPI_SQL_CERTS \
	"SELECT p.unit_id, c.expires_on, c.review_on FROM certs c JOIN persons p ON p.id = c.person_id" \
	" WHERE p.active = 1 AND c.revoked_at = 0 AND (?3 = 0 OR p.user_id = ?3)" \
	" AND p.unit_id IN (SELECT id FROM units WHERE path LIKE ?1 AND path LIKE ?2)"

/* from the last submission before each approval in the period */
#define KPI_SQL_APPROVALS \
	"SELECT p.unit_id, count(*), sum(a.at - (SELECT max(s.at) FROM permit_events s" \
	"  WHERE s.permit_id = a.permit_id AND s.action = 'submit' AND s.at <= a.at))" \
	" FROM permit_events a JOIN permits p ON p.id = a.permit_id" \
	" WHERE a.to_state = 'approved' AND a.from_state <> 'approved' AND a.at >= ?4 AND a.at < ?5" \
	" AND (?3 = 0 OR p.applicant_id = ?3)" \
	" AND p.unit_id IN (SELECT id FROM units WHERE path LIKE ?1 AND path LIKE ?2)" \
	" AND EXISTS (SELECT 1 FROM permit_events s WHERE s.permit_id = a.permit_id AND s.action = 'submit'" \
	"  AND s.at <= a.at) GROUP BY p.unit_id"

#endif
