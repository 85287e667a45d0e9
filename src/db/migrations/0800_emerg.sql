-- 0800_emerg.sql — emergency management (应急管理): drills with their check-ins, key-action
-- time stamps, steps, evaluations and the actions that follow, and emergency resources.
-- Days are local calendar days (days since 1970-01-01, base/day.h); times are UTC seconds.

-- A drill of an emergency plan (生产安全事故应急预案管理办法 Art. 33). kind: comprehensive,
-- special, onsite. announced 0: an unannounced drill (its day is not shown to workers).
-- started_at / ended_at 0 until the commander starts or ends it; token: the secret of the
-- check-in QR code at the muster point. status: planned, running, ended, cancelled.
CREATE TABLE emerg_drills (
  id INTEGER PRIMARY KEY,
  unit_id INTEGER NOT NULL REFERENCES units(id),
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  scenario TEXT NOT NULL DEFAULT '',
  announced INTEGER NOT NULL DEFAULT 1,
  planned_on INTEGER NOT NULL,
  muster TEXT NOT NULL DEFAULT '',
  commander_id INTEGER REFERENCES users(id),
  status TEXT NOT NULL DEFAULT 'planned',
  started_at BIGINT NOT NULL DEFAULT 0,
  ended_at BIGINT NOT NULL DEFAULT 0,
  token TEXT NOT NULL UNIQUE,
  eval_score INTEGER,
  eval_summary TEXT NOT NULL DEFAULT '',
  evaluated_by INTEGER REFERENCES users(id),
  evaluated_at BIGINT NOT NULL DEFAULT 0,
  created_by INTEGER REFERENCES users(id),
  created_at BIGINT NOT NULL
);
CREATE INDEX emerg_drills_unit ON emerg_drills (unit_id, planned_on);

-- A person safe at the muster point, by the server's clock when the QR page was tapped.
CREATE TABLE emerg_checkins (
  id INTEGER PRIMARY KEY,
  drill_id INTEGER NOT NULL REFERENCES emerg_drills(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  at BIGINT NOT NULL,
  UNIQUE (drill_id, user_id)
);

-- A key action of the response, time-stamped with one tap: alarm, first_response,
-- evacuated, headcount. One of each per drill.
CREATE TABLE emerg_marks (
  id INTEGER PRIMARY KEY,
  drill_id INTEGER NOT NULL REFERENCES emerg_drills(id),
  action TEXT NOT NULL,
  at BIGINT NOT NULL,
  user_id INTEGER REFERENCES users(id),
  UNIQUE (drill_id, action)
);

-- The steps of the response, ticked off by the commander (done_at 0: not yet).
CREATE TABLE emerg_steps (
  id INTEGER PRIMARY KEY,
  drill_id INTEGER NOT NULL REFERENCES emerg_drills(id),
  seq INTEGER NOT NULL,
  text TEXT NOT NULL,
  done_at BIGINT NOT NULL DEFAULT 0,
  done_by INTEGER REFERENCES users(id),
  UNIQUE (drill_id, seq)
);

-- A shortcoming found in a drill's evaluation, tracked to closure by its owner.
CREATE TABLE emerg_actions (
  id INTEGER PRIMARY KEY,
  drill_id INTEGER NOT NULL REFERENCES emerg_drills(id),
  text TEXT NOT NULL,
  owner_id INTEGER NOT NULL REFERENCES users(id),
  due_on INTEGER NOT NULL,
  done_at BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE INDEX emerg_actions_owner ON emerg_actions (owner_id, done_at);

-- Emergency supplies and equipment by place (breathing apparatus, extinguishers, spill kits,
-- first aid). min_quantity: below it the owner is warned; expires_on NULL: does not expire;
-- checked_on: the last monthly check.
CREATE TABLE emerg_resources (
  id INTEGER PRIMARY KEY,
  unit_id INTEGER NOT NULL REFERENCES units(id),
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  place TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  min_quantity INTEGER NOT NULL DEFAULT 0,
  purchased_on INTEGER,
  expires_on INTEGER,
  checked_on INTEGER,
  owner_id INTEGER REFERENCES users(id),
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL
);
CREATE INDEX emerg_resources_unit ON emerg_resources (unit_id, active);
CREATE INDEX emerg_resources_owner ON emerg_resources (owner_id, active);
