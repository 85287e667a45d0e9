-- 1340_hazard_watched.sql — the deadline job's mark of what it has done for a hazard
-- (src/hazard/hazard_sched.c): the clock, its due time, the assignee and the stage reached
-- (reminded, overdue and escalated to step N), e.g. 'rectify:1767225600:42:overdue:3'. A
-- hazard whose mark is the stage it is at now is passed over: every minute the job had sent
-- every open hazard's messages again into their dedup keys, some twenty statements each,
-- in one write transaction (a million hazards: 13,000 open, 200,000 statements, seconds of
-- the write lock that reports waited behind). Any change of clock, due time or assignee
-- makes another mark, so the hazard is looked at again.
ALTER TABLE hazards ADD COLUMN watched TEXT NOT NULL DEFAULT '';
