-- 0900_duty.sql — the all-staff responsibility system (全员安全生产责任制, 安全生产法 Art. 4,
-- 22): duty lists per position, self-declarations of the duties the system cannot count,
-- yearly responsibility letters signed level by level, co-working groups on a hazard with
-- their thread (沉默即同意), and safety meetings with attendance and resolutions.
-- Figures the system can count (checks, hazards, training, meetings) are never stored: the
-- evaluation computes them from the records each time (src/duty/duty_measure.c).

-- One duty of a position's list (履职清单). measure: none (self-declared, confirmed by the
-- superior), checks (check records by the person), hazards (the person's unit's hazards
-- rectified on time, a percentage), training (courses completed), meetings (safety meetings
-- attended). frequency: week or month (a weekly count is asked four times a month).
CREATE TABLE duty_items (
  id INTEGER PRIMARY KEY,
  position_id INTEGER NOT NULL REFERENCES positions(id),
  title TEXT NOT NULL,
  measure TEXT NOT NULL DEFAULT 'none' CHECK (measure IN ('none', 'checks', 'hazards', 'training', 'meetings')),
  frequency TEXT NOT NULL DEFAULT 'month' CHECK (frequency IN ('week', 'month')),
  target DOUBLE PRECISION NOT NULL DEFAULT 1,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL
);
CREATE INDEX duty_items_position ON duty_items(position_id, active);

-- A duty without a measure, declared done for a month (YYYYMM) by the person and confirmed
-- by the superior.
CREATE TABLE duty_declarations (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  item_id INTEGER NOT NULL REFERENCES duty_items(id),
  month INTEGER NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  declared_at BIGINT NOT NULL,
  confirmed_by INTEGER REFERENCES users(id),
  confirmed_at BIGINT NOT NULL DEFAULT 0,
  UNIQUE (user_id, item_id, month)
);

-- 安全生产责任书: one a year for each signer, issued by the level above (company → department
-- or workshop → team → person); signed with the signer's password like a permit.
CREATE TABLE duty_letters (
  id INTEGER PRIMARY KEY,
  year INTEGER NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('company', 'department', 'team', 'person')),
  unit_id INTEGER NOT NULL REFERENCES units(id),
  signer_id INTEGER NOT NULL REFERENCES users(id),
  issuer_id INTEGER REFERENCES users(id),
  targets TEXT NOT NULL,
  signed_at BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  UNIQUE (year, signer_id)
);
CREATE INDEX duty_letters_issuer ON duty_letters(issuer_id, year);

-- 协同任务组: the people working one hazard together, and its thread. A proposal is agreed
-- when nobody objects before its deadline (沉默即同意), by the scheduler job.
CREATE TABLE duty_group_members (
  hazard_id INTEGER NOT NULL REFERENCES hazards(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  added_by INTEGER REFERENCES users(id),
  created_at BIGINT NOT NULL,
  PRIMARY KEY (hazard_id, user_id)
);
CREATE TABLE duty_posts (
  id INTEGER PRIMARY KEY,
  hazard_id INTEGER NOT NULL REFERENCES hazards(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  kind TEXT NOT NULL CHECK (kind IN ('comment', 'proposal', 'objection')),
  body TEXT NOT NULL,
  proposal_id INTEGER REFERENCES duty_posts(id),
  deadline BIGINT NOT NULL DEFAULT 0,
  outcome TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('', 'open', 'agreed', 'objected')),
  decided_at BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE INDEX duty_posts_hazard ON duty_posts(hazard_id, id);
CREATE INDEX duty_posts_open ON duty_posts(outcome, deadline);

-- Safety meetings: 安委会 (committee) and 班前会 (pre-shift). token: the QR code's content.
CREATE TABLE duty_meetings (
  id INTEGER PRIMARY KEY,
  unit_id INTEGER NOT NULL REFERENCES units(id),
  kind TEXT NOT NULL CHECK (kind IN ('committee', 'preshift')),
  title TEXT NOT NULL,
  held_at BIGINT NOT NULL,
  minutes TEXT NOT NULL DEFAULT '',
  token TEXT NOT NULL UNIQUE,
  created_by INTEGER REFERENCES users(id),
  created_at BIGINT NOT NULL
);
CREATE INDEX duty_meetings_unit ON duty_meetings(unit_id, held_at);
CREATE TABLE duty_attendance (
  meeting_id INTEGER NOT NULL REFERENCES duty_meetings(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  at BIGINT NOT NULL,
  PRIMARY KEY (meeting_id, user_id)
);
CREATE INDEX duty_attendance_user ON duty_attendance(user_id);
CREATE TABLE duty_resolutions (
  id INTEGER PRIMARY KEY,
  meeting_id INTEGER NOT NULL REFERENCES duty_meetings(id),
  title TEXT NOT NULL,
  owner_id INTEGER NOT NULL REFERENCES users(id),
  due_day INTEGER NOT NULL,
  done_at BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE INDEX duty_resolutions_owner ON duty_resolutions(owner_id, done_at);
