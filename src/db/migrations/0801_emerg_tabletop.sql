-- 0801_emerg_tabletop.sql — tabletop exercises (应急推演): a plan's scenario run step by step
-- with the people in their roles. The facilitator injects events, each role records its
-- decisions, all time-stamped by the server; at the end the steps done are compared with the
-- plan's target times and each gap becomes an action with an owner and a deadline.
-- Days are local calendar days (days since 1970-01-01); times are UTC seconds.

-- A step of a plan's procedure may carry its target: minutes from the start of the response
-- by which it should be done (NULL: no target).
ALTER TABLE emerg_plan_parts ADD COLUMN target_min INTEGER;

-- The events a facilitator may inject into an exercise of the plan (a second leak, a
-- casualty, a power cut), prepared with the scenario.
CREATE TABLE emerg_tt_injects (
  id INTEGER PRIMARY KEY,
  plan_id INTEGER NOT NULL REFERENCES emerg_plans(id),
  seq INTEGER NOT NULL,
  text TEXT NOT NULL,
  UNIQUE (plan_id, seq)
);

-- An exercise. status: planned, running, ended. Its scenario, roles and steps are copied from
-- the plan when it is created, so a later change of the plan does not rewrite what was
-- exercised.
CREATE TABLE emerg_tabletops (
  id INTEGER PRIMARY KEY,
  plan_id INTEGER NOT NULL REFERENCES emerg_plans(id),
  unit_id INTEGER NOT NULL REFERENCES units(id),
  title TEXT NOT NULL,
  scenario TEXT NOT NULL DEFAULT '',
  planned_on INTEGER NOT NULL,
  facilitator_id INTEGER NOT NULL REFERENCES users(id),
  status TEXT NOT NULL DEFAULT 'planned',
  started_at BIGINT NOT NULL DEFAULT 0,
  ended_at BIGINT NOT NULL DEFAULT 0,
  created_by INTEGER REFERENCES users(id),
  created_at BIGINT NOT NULL
);
CREATE INDEX emerg_tabletops_unit ON emerg_tabletops (unit_id, planned_on);

-- The people of an exercise in their roles (the plan's named people); joined_at 0 until the
-- person joins from the phone.
CREATE TABLE emerg_tt_roles (
  id INTEGER PRIMARY KEY,
  tabletop_id INTEGER NOT NULL REFERENCES emerg_tabletops(id),
  role TEXT NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id),
  joined_at BIGINT NOT NULL DEFAULT 0,
  UNIQUE (tabletop_id, user_id)
);
CREATE INDEX emerg_tt_roles_user ON emerg_tt_roles (user_id);

-- The plan's procedure as exercised: its target (minutes from the start, NULL none) and the
-- person answerable for it (the gap's owner when it is late or missing).
CREATE TABLE emerg_tt_steps (
  id INTEGER PRIMARY KEY,
  tabletop_id INTEGER NOT NULL REFERENCES emerg_tabletops(id),
  seq INTEGER NOT NULL,
  text TEXT NOT NULL,
  target_min INTEGER,
  owner_id INTEGER REFERENCES users(id),
  UNIQUE (tabletop_id, seq)
);

-- The timeline: kind inject (by the facilitator) or decision (by a role, optionally for a
-- step: the step's first decision is when it was done). at: the server's clock.
CREATE TABLE emerg_tt_events (
  id INTEGER PRIMARY KEY,
  tabletop_id INTEGER NOT NULL REFERENCES emerg_tabletops(id),
  kind TEXT NOT NULL,
  at BIGINT NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id),
  role TEXT NOT NULL DEFAULT '',
  step_seq INTEGER,
  text TEXT NOT NULL
);
CREATE INDEX emerg_tt_events_tt ON emerg_tt_events (tabletop_id, at);

-- A gap found at the end (a step late or missing) as an action tracked to closure, like a
-- drill's shortcomings: reminded_on is the last day its owner was reminded it is overdue.
CREATE TABLE emerg_tt_actions (
  id INTEGER PRIMARY KEY,
  tabletop_id INTEGER NOT NULL REFERENCES emerg_tabletops(id),
  step_seq INTEGER NOT NULL,
  text TEXT NOT NULL,
  owner_id INTEGER NOT NULL REFERENCES users(id),
  due_on INTEGER NOT NULL,
  done_at BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  UNIQUE (tabletop_id, step_seq)
);
CREATE INDEX emerg_tt_actions_owner ON emerg_tt_actions (owner_id, done_at);
