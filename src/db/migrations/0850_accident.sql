-- 0850_accident.sql — incidents and near misses (事故管理 · 未遂事件): accident types of
-- GB 6441 and root-cause categories as data, the reports with their 493号 level and one-hour
-- clock, the named injured, the 四不放过 investigation, corrective actions, and the hours
-- worked per unit and month behind the lost-time injury frequency rate.

-- Accident types (事故类别). edition: the standard the row comes from; GB 6441-1986's twenty
-- types ship here, and a plant adds GB 6441-2025's coded list (in force 2026-07-01) as rows
-- of edition '2025' when it adopts it.
CREATE TABLE accident_types (
  code TEXT PRIMARY KEY,
  edition TEXT NOT NULL,
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  sort INTEGER NOT NULL,
  active INTEGER NOT NULL DEFAULT 1
);
INSERT INTO accident_types (code, edition, name_zh, name_en, sort) VALUES
 ('1986-01', '1986', '物体打击', 'Struck by object', 1),
 ('1986-02', '1986', '车辆伤害', 'Vehicle injury', 2),
 ('1986-03', '1986', '机械伤害', 'Machinery injury', 3),
 ('1986-04', '1986', '起重伤害', 'Lifting injury', 4),
 ('1986-05', '1986', '触电', 'Electric shock', 5),
 ('1986-06', '1986', '淹溺', 'Drowning', 6),
 ('1986-07', '1986', '灼烫', 'Burns and scalds', 7),
 ('1986-08', '1986', '火灾', 'Fire', 8),
 ('1986-09', '1986', '高处坠落', 'Fall from height', 9),
 ('1986-10', '1986', '坍塌', 'Collapse', 10),
 ('1986-11', '1986', '冒顶片帮', 'Roof or side fall', 11),
 ('1986-12', '1986', '透水', 'Water inrush', 12),
 ('1986-13', '1986', '放炮', 'Blasting', 13),
 ('1986-14', '1986', '火药爆炸', 'Explosive blast', 14),
 ('1986-15', '1986', '瓦斯爆炸', 'Gas (firedamp) explosion', 15),
 ('1986-16', '1986', '锅炉爆炸', 'Boiler explosion', 16),
 ('1986-17', '1986', '容器爆炸', 'Vessel explosion', 17),
 ('1986-18', '1986', '其他爆炸', 'Other explosion', 18),
 ('1986-19', '1986', '中毒和窒息', 'Poisoning and asphyxiation', 19),
 ('1986-20', '1986', '其他伤害', 'Other injury', 20);

-- Root-cause categories: the four classes of GB/T 13861-2022.
CREATE TABLE accident_causes (
  code TEXT PRIMARY KEY,
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  sort INTEGER NOT NULL
);
INSERT INTO accident_causes (code, name_zh, name_en, sort) VALUES
 ('human', '人的因素', 'Human factors', 1),
 ('thing', '物的因素', 'Equipment and material', 2),
 ('environment', '环境因素', 'Environment', 3),
 ('management', '管理因素', 'Management', 4);

-- One report. kind: accident | near_miss. level: none (near miss) | general | larger | major
-- | especially_major (493号 Art. 3). reportable: the one-hour external report applies, due at
-- report_due; ext_reported_at once the principal has reported; escalated_at once the job told
-- the next level. company_id: the plant whose principal must report. The four 四不放过 steps
-- are the *_note columns, each with when it was recorded. loss_yuan: direct loss in yuan.
CREATE TABLE incidents (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  what TEXT NOT NULL,
  area_id INTEGER NOT NULL REFERENCES areas(id),
  unit_id INTEGER NOT NULL REFERENCES units(id),
  company_id INTEGER NOT NULL REFERENCES units(id),
  occurred_at BIGINT NOT NULL,
  type_code TEXT NOT NULL REFERENCES accident_types(code),
  deaths INTEGER NOT NULL DEFAULT 0,
  serious INTEGER NOT NULL DEFAULT 0,
  minor INTEGER NOT NULL DEFAULT 0,
  loss_yuan BIGINT NOT NULL DEFAULT 0,
  level TEXT NOT NULL,
  photo_sha TEXT,
  reporter_id INTEGER NOT NULL REFERENCES users(id),
  reported_at BIGINT NOT NULL,
  reportable INTEGER NOT NULL DEFAULT 0,
  report_due BIGINT,
  ext_reported_at BIGINT,
  ext_reported_by INTEGER REFERENCES users(id),
  ext_note TEXT,
  escalated_at BIGINT,
  cause_note TEXT,
  root_cause TEXT REFERENCES accident_causes(code),
  cause_at BIGINT,
  responsibility_note TEXT,
  responsibility_at BIGINT,
  lessons_note TEXT,
  lessons_at BIGINT,
  measures_note TEXT,
  measures_at BIGINT,
  status TEXT NOT NULL DEFAULT 'open',
  closed_at BIGINT,
  closed_by INTEGER REFERENCES users(id)
);
CREATE INDEX incidents_unit ON incidents (unit_id, occurred_at);
CREATE INDEX incidents_clock ON incidents (reportable, ext_reported_at, report_due);
CREATE INDEX incidents_reporter ON incidents (reporter_id);

-- Named injured people (optional; never more of a kind than the report's count).
CREATE TABLE incident_people (
  id INTEGER PRIMARY KEY,
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  name TEXT NOT NULL,
  injury TEXT NOT NULL
);
CREATE INDEX incident_people_incident ON incident_people (incident_id);

-- Corrective actions (整改措施): each with an owner and a due day (days since 1970-01-01,
-- local), tracked to done.
CREATE TABLE incident_actions (
  id INTEGER PRIMARY KEY,
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  title TEXT NOT NULL,
  owner_id INTEGER NOT NULL REFERENCES users(id),
  due_day INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'open',
  done_at BIGINT,
  done_by INTEGER REFERENCES users(id),
  done_note TEXT,
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at BIGINT NOT NULL
);
CREATE INDEX incident_actions_incident ON incident_actions (incident_id);
CREATE INDEX incident_actions_owner ON incident_actions (owner_id, status);

-- Hours worked per unit and month (YYYYMM), the denominator of the LTIFR.
CREATE TABLE accident_hours (
  unit_id INTEGER NOT NULL REFERENCES units(id),
  month INTEGER NOT NULL,
  hours BIGINT NOT NULL,
  updated_by INTEGER REFERENCES users(id),
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (unit_id, month)
);
