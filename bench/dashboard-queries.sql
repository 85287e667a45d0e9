-- bench/dashboard-queries.sql — the KPI queries of kpi.c collect() (the plant dashboard and
-- /api/v1/dashboard run them twice: the period and the one before) with the parameters of
-- safety_dept1 (subtree and scope /1/2/%, all time), for the sqlite3 shell:
--   sqlite3 DB < bench/dashboard-queries.sql                      (timings)
--   sed -E "s/^SELECT count\(\*\) FROM \((.*)\);$/EXPLAIN QUERY PLAN \1;/" bench/dashboard-queries.sql | sqlite3 DB
-- A copy of the SQL: when kpi.c changes, change it here too.
.timer on
.print Q1 units
SELECT count(*) FROM (SELECT id, coalesce(parent_id, 0), path, name, kind FROM units WHERE path LIKE '/1/2/%' AND path LIKE '/1/2/%' ORDER BY id);
.print Q2 reported
SELECT count(*) FROM (SELECT h.unit_id, count(*) FROM hazards h WHERE h.reported_at >= 1 AND h.reported_at < 2000000000 AND h.status <> 'cancelled' AND h.unit_id IN (SELECT id FROM units WHERE path LIKE '/1/2/%' AND path LIKE '/1/2/%') AND (0 = 0 OR h.reporter_id = 0) GROUP BY h.unit_id);
.print Q4 open
SELECT count(*) FROM (SELECT h.unit_id, count(*) FROM hazards h WHERE h.status IN ('reported', 'assigned', 'planning', 'plan_review', 'rectifying', 'verifying') AND h.unit_id IN (SELECT id FROM units WHERE path LIKE '/1/2/%' AND path LIKE '/1/2/%') AND (0 = 0 OR h.reporter_id = 0) GROUP BY h.unit_id);
.print Q5 people
SELECT count(*) FROM (SELECT u.unit_id, count(*) FROM users u WHERE u.active = 1 AND (0 = 0 OR u.id = 0) AND u.unit_id IN (SELECT id FROM units WHERE path LIKE '/1/2/%' AND path LIKE '/1/2/%') GROUP BY u.unit_id);
.print Q6 certs
SELECT count(*) FROM (SELECT p.unit_id, c.expires_on, c.review_on FROM certs c JOIN persons p ON p.id = c.person_id WHERE p.active = 1 AND c.revoked_at = 0 AND (0 = 0 OR p.user_id = 0) AND p.unit_id IN (SELECT id FROM units WHERE path LIKE '/1/2/%' AND path LIKE '/1/2/%'));
.print Q7 equipment
SELECT count(*) FROM (SELECT e.unit_id, e.next_inspection_on FROM equipment e JOIN equip_kinds k ON k.code = e.kind WHERE e.active = 1 AND k.special = 1 AND 0 = 0 AND e.unit_id IN (SELECT id FROM units WHERE path LIKE '/1/2/%' AND path LIKE '/1/2/%'));
.print Q8 permits
SELECT count(*) FROM (SELECT p.unit_id, count(*), sum(CASE WHEN p.planned_end < 5 THEN 1 ELSE 0 END) FROM permits p WHERE p.state IN ('in_progress', 'suspended') AND (0 = 0 OR p.applicant_id = 0) AND p.unit_id IN (SELECT id FROM units WHERE path LIKE '/1/2/%' AND path LIKE '/1/2/%') GROUP BY p.unit_id);
.print Q9 reporters
SELECT count(*) FROM (SELECT u.unit_id, count(*) FROM users u WHERE u.active = 1 AND (0 = 0 OR u.id = 0) AND u.unit_id IN (SELECT id FROM units WHERE path LIKE '/1/2/%' AND path LIKE '/1/2/%') AND EXISTS (SELECT 1 FROM hazards h WHERE h.reporter_id = u.id AND h.reported_at >= 1 AND h.reported_at < 2000000000 AND h.status <> 'cancelled') GROUP BY u.unit_id);
.print Q10 approvals
SELECT count(*) FROM (SELECT p.unit_id, count(*), sum(a.at - (SELECT max(s.at) FROM permit_events s WHERE s.permit_id = a.permit_id AND s.action = 'submit' AND s.at <= a.at)) FROM permit_events a JOIN permits p ON p.id = a.permit_id WHERE a.to_state = 'approved' AND a.from_state <> 'approved' AND a.at >= 1 AND a.at < 2000000000 AND (0 = 0 OR p.applicant_id = 0) AND p.unit_id IN (SELECT id FROM units WHERE path LIKE '/1/2/%' AND path LIKE '/1/2/%') AND EXISTS (SELECT 1 FROM permit_events s WHERE s.permit_id = a.permit_id AND s.action = 'submit' AND s.at <= a.at) GROUP BY p.unit_id);
