-- 0851_accident_escalation.sql — the one-hour clock escalates as a chain of steps (the
-- setting accident.escalation, accident_chain.c): escalation_step counts the steps already
-- sent for an incident, so each is sent once and the job stops looking when all are.
ALTER TABLE incidents ADD COLUMN escalation_step INTEGER NOT NULL DEFAULT 0;
-- an incident the single-step escalation already handled has had the first step
UPDATE incidents SET escalation_step = 1 WHERE escalated_at IS NOT NULL;
