-- 0820_emerg_incident.sql for PostgreSQL, run instead of the shared file of the same name
-- (migrate.c).
--
-- The shared file's column references incidents, which 0850 creates later: SQLite accepts a
-- reference to a table that is not there yet, PostgreSQL does not. The column comes here
-- without it, and pg/0851_accident_escalation.sql adds the same reference once incidents
-- exists.
ALTER TABLE emerg_drills ADD COLUMN incident_id INTEGER;
CREATE UNIQUE INDEX emerg_drills_incident ON emerg_drills (incident_id) WHERE incident_id IS NOT NULL;
