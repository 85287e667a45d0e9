-- 1200_feeds.sql — HR and EAM feeds: which people the HR system manages, every import or
-- pull run with its outcome, the equipment's EAM fields, health scores and the preventive
-- tasks a low score opens. Settings (URLs, sealed auth headers, mappings, weights) live in
-- the platform's settings table under "feeds.*".

-- A person the HR system brought in or matched by employee number: only these can be
-- "leavers" when a later file omits them (accounts made by hand are never touched).
CREATE TABLE feeds_hr_people (
  user_id INTEGER PRIMARY KEY REFERENCES users(id),
  employee_no TEXT NOT NULL UNIQUE,
  first_seen BIGINT NOT NULL,
  last_seen BIGINT NOT NULL,
  left_at BIGINT NOT NULL DEFAULT 0
);

-- One row per import or pull, kept whatever the outcome: the log page and the API read it.
CREATE TABLE feeds_runs (
  id INTEGER PRIMARY KEY,
  feed TEXT NOT NULL CHECK (feed IN ('hr', 'eam')),
  via TEXT NOT NULL CHECK (via IN ('file', 'pull')),
  dry_run INTEGER NOT NULL DEFAULT 0,
  outcome TEXT NOT NULL CHECK (outcome IN ('applied', 'dry_run', 'refused', 'failed')),
  rows_read INTEGER NOT NULL DEFAULT 0,
  created INTEGER NOT NULL DEFAULT 0,
  updated INTEGER NOT NULL DEFAULT 0,
  deactivated INTEGER NOT NULL DEFAULT 0,
  reassigned INTEGER NOT NULL DEFAULT 0,
  problems INTEGER NOT NULL DEFAULT 0,
  message TEXT NOT NULL DEFAULT '',	-- the first problems, or why it was refused
  user_id INTEGER REFERENCES users(id),
  at BIGINT NOT NULL
);
CREATE INDEX feeds_runs_at ON feeds_runs(feed, at);

-- The EAM's fields and the last health score of each device.
CREATE TABLE feeds_equipment (
  equipment_id INTEGER PRIMARY KEY REFERENCES equipment(id),
  eam_type TEXT NOT NULL DEFAULT '',
  maintained_on INTEGER,			-- last maintenance, a local day
  score INTEGER,				-- 0..100, NULL before the first scoring
  scored_at BIGINT NOT NULL DEFAULT 0,
  factors TEXT NOT NULL DEFAULT '',	-- "hazards=2 overdue=1 days=120 readings=0"
  updated_at BIGINT NOT NULL DEFAULT 0
);

-- A preventive task opened when a score falls below the threshold; at most one open per
-- device (closed when the score recovers), so the job opens it once, not every run.
CREATE TABLE feeds_health_tasks (
  id INTEGER PRIMARY KEY,
  equipment_id INTEGER NOT NULL REFERENCES equipment(id),
  assignee_id INTEGER REFERENCES users(id),
  score INTEGER NOT NULL,
  opened_at BIGINT NOT NULL,
  closed_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX feeds_health_tasks_eq ON feeds_health_tasks(equipment_id, closed_at);
