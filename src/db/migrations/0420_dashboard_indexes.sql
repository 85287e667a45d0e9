-- 0420_dashboard_indexes.sql — covering indexes for the dashboard's certificate and permit
-- figures (看板), which 0400 left to per-row table lookups.
--
-- With no hazards at all a plant of 2,000 people, 300 areas, 20,000 certificates and 50,000
-- permits spent its dashboard time on two queries (EXPLAIN QUERY PLAN before and after in
-- bench/dashboard.md): the certificates of the subtree's people read every certificate row
-- and every person row from the tables, and "permits approved in the period" walked every
-- permit of the subtree and every event of each (two table lookups per event) to find the
-- few approvals of the period. Now both read indexes alone, and the approvals are found from
-- the period first.

-- Certificates of the subtree's active people: person, then the columns the status needs.
CREATE INDEX persons_unit_kpi ON persons(unit_id, active, user_id);
CREATE INDEX certs_person_kpi ON certs(person_id, revoked_at, expires_on, review_on);

-- Permits approved in [from, to): the approvals by time, and for each the last submission
-- before it (one probe).
CREATE INDEX permit_events_approved_kpi ON permit_events(to_state, at, permit_id, from_state);
CREATE INDEX permit_events_submit_kpi ON permit_events(permit_id, action, at);
