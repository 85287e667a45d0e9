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

-- An emergency plan (应急预案, GB/T 29639-2020): comprehensive, special or on-site. version
-- counts its approved texts (emerg_plan_versions); review_months: how often it is evaluated
-- (生产安全事故应急预案管理办法 Art. 35: every 3 years for hazardous-chemical plants — a
-- setting per plan); approved_on: the day the current version was approved. area_id: the
-- place an on-site plan is for (its card opens from the area's label).
CREATE TABLE emerg_plans (
  id INTEGER PRIMARY KEY,
  unit_id INTEGER NOT NULL REFERENCES units(id),
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  area_id INTEGER REFERENCES areas(id),
  owner_id INTEGER REFERENCES users(id),
  approved_on INTEGER NOT NULL,
  review_months INTEGER NOT NULL DEFAULT 36,
  version INTEGER NOT NULL DEFAULT 1,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL
);
CREATE INDEX emerg_plans_unit ON emerg_plans (unit_id, active);
CREATE INDEX emerg_plans_area ON emerg_plans (area_id);

-- Each approved text of a plan: the uploaded PDF (a blob; the hazard job's blob cleanup
-- keeps it) and the day it was approved.
CREATE TABLE emerg_plan_versions (
  id INTEGER PRIMARY KEY,
  plan_id INTEGER NOT NULL REFERENCES emerg_plans(id),
  version INTEGER NOT NULL,
  pdf_sha TEXT REFERENCES blobs(sha256),
  filename TEXT NOT NULL DEFAULT '',
  approved_on INTEGER NOT NULL,
  created_by INTEGER REFERENCES users(id),
  created_at BIGINT NOT NULL,
  UNIQUE (plan_id, version)
);

-- The structured parts of a plan: kind scenario (情景), level (响应分级), role (组织与职责:
-- a named person and phone), step (处置程序, in seq order), card (应急处置卡 of a post).
CREATE TABLE emerg_plan_parts (
  id INTEGER PRIMARY KEY,
  plan_id INTEGER NOT NULL REFERENCES emerg_plans(id),
  kind TEXT NOT NULL,
  seq INTEGER NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL DEFAULT '',
  user_id INTEGER REFERENCES users(id),
  phone TEXT NOT NULL DEFAULT '',
  position_id INTEGER REFERENCES positions(id)
);
CREATE INDEX emerg_plan_parts_plan ON emerg_plan_parts (plan_id, kind, seq);

-- A drill of a plan takes the plan's steps as its own.
ALTER TABLE emerg_drills ADD COLUMN plan_id INTEGER REFERENCES emerg_plans(id);
