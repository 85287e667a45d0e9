-- 0600_check.sql — hazard checks and rounds (隐患排查 · 巡检), the second half of the dual
-- prevention mechanism (双重预防机制, DOMAIN.md §7): checklists as versioned data, the tasks the
-- scheduler generates from control measures (risk_measures' check cycle and window), from round
-- plans and for the 包保 people of major hazard sources, checkpoints that prove presence (QR,
-- NFC, GPS), the records with their results, and devices out of use (停用检修) that suspend
-- their tasks. Times are UTC seconds; minutes of the day are local (the plant's zone).

-- A checklist (排查表). Editing its items writes a new version; a record keeps the version it
-- was made with, so history never changes under a finished record. kind names the starter
-- library's families; require_scan: a record may only start by scanning the checkpoint.
CREATE TABLE check_templates (
  id INTEGER PRIMARY KEY,
  unit_id INTEGER REFERENCES units(id),		-- NULL: built in, every unit's
  name TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT 'other' CHECK (kind IN ('post_daily', 'workshop_weekly', 'company_monthly',
    'seasonal', 'holiday', 'special_equipment', 'fire_monthly', 'measure', 'round', 'other')),
  source INTEGER NOT NULL DEFAULT 1 CHECK (source BETWEEN 1 AND 10),	-- hazard_sources code of its findings
  version INTEGER NOT NULL DEFAULT 1,
  require_scan INTEGER NOT NULL DEFAULT 0 CHECK (require_scan IN (0, 1)),
  active INTEGER NOT NULL DEFAULT 1,
  created_by INTEGER REFERENCES users(id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX check_templates_unit ON check_templates(unit_id, active);

-- The items of each version. kind: pass_fail, number (fails outside [min_value, max_value]),
-- choice (choices '|'-separated, fail_choices the ones that fail), text, photo (a photo is the
-- answer). photo_required: the item needs a photo whatever its kind. category_id: the hazard
-- category a failure of this item is filed under.
CREATE TABLE check_template_items (
  id INTEGER PRIMARY KEY,
  template_id INTEGER NOT NULL REFERENCES check_templates(id),
  version INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('pass_fail', 'number', 'choice', 'text', 'photo')),
  label TEXT NOT NULL,
  min_value DOUBLE PRECISION,
  max_value DOUBLE PRECISION,
  unit TEXT NOT NULL DEFAULT '',
  choices TEXT NOT NULL DEFAULT '',
  fail_choices TEXT NOT NULL DEFAULT '',
  photo_required INTEGER NOT NULL DEFAULT 0,
  category_id INTEGER REFERENCES hazard_categories(id),
  UNIQUE (template_id, version, seq)
);

-- What a checklist is for: an area, a piece of equipment, a risk object or a control measure.
-- A measure's task takes the template bound to the measure, else to its object, else the
-- built-in single-item measure check.
CREATE TABLE check_bindings (
  template_id INTEGER NOT NULL REFERENCES check_templates(id),
  target TEXT NOT NULL CHECK (target IN ('area', 'equipment', 'object', 'measure')),
  target_id INTEGER NOT NULL,
  PRIMARY KEY (target, target_id, template_id)
);

-- 巡检点: where a check is proven. token is the unguessable QR content (/c/<token>); nfc_id the
-- tag's UID as the phone reads it; radius_m > 0 with coordinates: a scan must fall inside.
CREATE TABLE check_points (
  id INTEGER PRIMARY KEY,
  unit_id INTEGER NOT NULL REFERENCES units(id),
  name TEXT NOT NULL,
  area_id INTEGER REFERENCES areas(id),
  equipment_id INTEGER REFERENCES equipment(id),
  object_id INTEGER REFERENCES risk_objects(id),
  token TEXT NOT NULL UNIQUE,
  nfc_id TEXT UNIQUE,
  latitude DOUBLE PRECISION,
  longitude DOUBLE PRECISION,
  radius_m INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  created_by INTEGER REFERENCES users(id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX check_points_object ON check_points(object_id);
CREATE INDEX check_points_area ON check_points(area_id);

-- 巡检计划: a route of checkpoints for a post (or a person) on a shift, every every_min minutes
-- from shift_start to shift_end (minutes of the local day; an end before the start crosses
-- midnight: the night shift).
CREATE TABLE check_plans (
  id INTEGER PRIMARY KEY,
  unit_id INTEGER NOT NULL REFERENCES units(id),
  name TEXT NOT NULL,
  template_id INTEGER NOT NULL REFERENCES check_templates(id),
  position_id INTEGER REFERENCES positions(id),
  user_id INTEGER REFERENCES users(id),
  shift_start INTEGER NOT NULL CHECK (shift_start BETWEEN 0 AND 1439),
  shift_end INTEGER NOT NULL CHECK (shift_end BETWEEN 0 AND 1440),
  every_min INTEGER NOT NULL CHECK (every_min BETWEEN 15 AND 1440),
  active INTEGER NOT NULL DEFAULT 1,
  created_by INTEGER REFERENCES users(id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE check_plan_points (
  plan_id INTEGER NOT NULL REFERENCES check_plans(id),
  seq INTEGER NOT NULL,
  point_id INTEGER NOT NULL REFERENCES check_points(id),
  PRIMARY KEY (plan_id, seq)
);

-- 隐患排查任务: one instance per cycle (and per checkpoint of a round). key makes generation
-- idempotent ("m:<measure>:<window_start>", "p:<plan>:<slot>:<seq>", "b:<object>:<role>:<start>").
-- status: open → done (a record in the window) | missed (the window passed) | suspended (the
-- object was out of use: is_defend).
CREATE TABLE check_tasks (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  origin TEXT NOT NULL CHECK (origin IN ('measure', 'plan', 'baobao')),
  measure_id INTEGER REFERENCES risk_measures(id),
  plan_id INTEGER REFERENCES check_plans(id),
  object_id INTEGER REFERENCES risk_objects(id),
  baobao_role TEXT CHECK (baobao_role IS NULL OR baobao_role IN ('principal', 'technical', 'operations')),
  template_id INTEGER NOT NULL REFERENCES check_templates(id),
  point_id INTEGER REFERENCES check_points(id),
  seq INTEGER NOT NULL DEFAULT 0,			-- place in the round's route
  unit_id INTEGER NOT NULL REFERENCES units(id),
  assignee_id INTEGER REFERENCES users(id),
  position_id INTEGER REFERENCES positions(id),
  window_start BIGINT NOT NULL,
  window_end BIGINT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'missed', 'suspended')),
  is_defend INTEGER NOT NULL DEFAULT 0,
  record_id INTEGER,
  missed_at BIGINT NOT NULL DEFAULT 0,
  escalation INTEGER NOT NULL DEFAULT 0,
  escalated_to INTEGER REFERENCES users(id),
  created_at BIGINT NOT NULL
);
CREATE INDEX check_tasks_assignee ON check_tasks(assignee_id, window_start);
CREATE INDEX check_tasks_position ON check_tasks(position_id, window_start);
CREATE INDEX check_tasks_status ON check_tasks(status, window_end);
CREATE INDEX check_tasks_unit ON check_tasks(unit_id, window_start);
CREATE INDEX check_tasks_measure ON check_tasks(measure_id, window_start);

-- A scan of a checkpoint: the proof a record starts from (when its template requires it).
CREATE TABLE check_scans (
  id INTEGER PRIMARY KEY,
  point_id INTEGER NOT NULL REFERENCES check_points(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  method TEXT NOT NULL CHECK (method IN ('qr', 'nfc')),
  at BIGINT NOT NULL,
  latitude DOUBLE PRECISION,
  longitude DOUBLE PRECISION,
  accuracy_m DOUBLE PRECISION
);
CREATE INDEX check_scans_user ON check_scans(user_id, at);

-- 排查记录: one per task, with the template version it was made with, the scan that started it
-- (time on site = finished_at - scanned_at), and idem_key, the form's one-time key: a network
-- retry of the same submission finds the stored record instead of writing a second.
CREATE TABLE check_records (
  id INTEGER PRIMARY KEY,
  task_id INTEGER NOT NULL UNIQUE REFERENCES check_tasks(id),
  template_id INTEGER NOT NULL REFERENCES check_templates(id),
  template_version INTEGER NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users(id),
  idem_key TEXT NOT NULL UNIQUE,
  scan_id INTEGER REFERENCES check_scans(id),
  scanned_at BIGINT NOT NULL DEFAULT 0,
  latitude DOUBLE PRECISION,
  longitude DOUBLE PRECISION,
  accuracy_m DOUBLE PRECISION,
  finished_at BIGINT NOT NULL,
  failed INTEGER NOT NULL DEFAULT 0,		-- failed items
  is_defend INTEGER NOT NULL DEFAULT 0,
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX check_records_user ON check_records(user_id, finished_at);

CREATE TABLE check_results (
  record_id INTEGER NOT NULL REFERENCES check_records(id),
  item_id INTEGER NOT NULL REFERENCES check_template_items(id),
  value TEXT NOT NULL DEFAULT '',
  num DOUBLE PRECISION,
  ok INTEGER NOT NULL CHECK (ok IN (0, 1)),
  photo_sha TEXT,
  note TEXT NOT NULL DEFAULT '',
  hazard_id INTEGER REFERENCES hazards(id),	-- the hazard this failure became
  PRIMARY KEY (record_id, item_id)
);
CREATE INDEX check_results_hazard ON check_results(hazard_id);

-- 停用检修: a risk object out of use from start_at to end_at; its tasks in the period are
-- suspended (is_defend), neither due nor missed.
CREATE TABLE check_stops (
  id INTEGER PRIMARY KEY,
  object_id INTEGER NOT NULL REFERENCES risk_objects(id),
  start_at BIGINT NOT NULL,
  end_at BIGINT NOT NULL,
  reason TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_by INTEGER REFERENCES users(id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  CHECK (end_at > start_at)
);
CREATE INDEX check_stops_object ON check_stops(object_id, start_at);

-- The built-in measure check: one pass/fail item, the measure's own check content beside it.
INSERT INTO check_templates (id, unit_id, name, kind, version, created_at, updated_at)
VALUES (1, NULL, '管控措施检查', 'measure', 1, 0, 0);
INSERT INTO check_template_items (template_id, version, seq, kind, label)
VALUES (1, 1, 1, 'pass_fail', '措施有效 / Measure effective');

-- 包保 duties (应急管理部 2021《危险化学品企业重大危险源安全包保责任制办法》): the technical lead
-- and the principal check quarterly, the operations lead weekly; "unit:count".
-- check.escalate_hours: a missed check goes to the head of its unit after this long, and to
-- the safety department after twice this long.
INSERT INTO settings (key, value) VALUES
 ('check.baobao.principal', 'month:3'),
 ('check.baobao.technical', 'month:3'),
 ('check.baobao.operations', 'week:1'),
 ('check.escalate_hours', '24');
