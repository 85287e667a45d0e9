-- 0851_accident_escalation.sql for PostgreSQL, run instead of the shared file of the same
-- name (migrate.c): the shared file's two statements, then the reference from an emergency
-- to its incident that pg/0820_emerg_incident.sql could not make before incidents existed.
--
-- The one-hour clock escalates as a chain of steps (the setting accident.escalation,
-- accident_chain.c): escalation_step counts the steps already sent for an incident, so each
-- is sent once and the job stops looking when all are.
ALTER TABLE incidents ADD COLUMN escalation_step INTEGER NOT NULL DEFAULT 0;
-- an incident the single-step escalation already handled has had the first step
UPDATE incidents SET escalation_step = 1 WHERE escalated_at IS NOT NULL;

ALTER TABLE emerg_drills ADD CONSTRAINT emerg_drills_incident_id_fkey
  FOREIGN KEY (incident_id) REFERENCES incidents(id);
