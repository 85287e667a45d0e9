-- 1201_feeds_health_close.sql — a preventive task of the health score is closed by a person
-- with a note (what was done), or by the job when the score recovers.
-- closed_how: '' open; 'recovered' the score came back over the threshold; 'closed' by
-- closed_by with close_note (and, when maintenance was done, an equip_maintenance row).
ALTER TABLE feeds_health_tasks ADD COLUMN closed_how TEXT NOT NULL DEFAULT '';
ALTER TABLE feeds_health_tasks ADD COLUMN closed_by INTEGER REFERENCES users(id);
ALTER TABLE feeds_health_tasks ADD COLUMN close_note TEXT NOT NULL DEFAULT '';
UPDATE feeds_health_tasks SET closed_how = 'recovered' WHERE closed_at > 0;
CREATE INDEX feeds_health_tasks_assignee ON feeds_health_tasks(assignee_id, closed_at);

-- feeds.health.reopen_days: a task closed by hand is not opened again for the same device for
-- so many days, so the note's work (a repair, a maintenance) has time to show in the score.
INSERT INTO settings (key, value) VALUES ('feeds.health.reopen_days', '7') ON CONFLICT (key) DO NOTHING;
